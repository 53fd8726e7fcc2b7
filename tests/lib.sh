# lib.sh: TAP for the shell tests, and the tools under test.
# Each test script sources it: . "$(dirname "$0")/lib.sh"
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DBT2NINJA=$ROOT/dbt2ninja
MANIFESTS=${DBT2NINJA_MANIFESTS:-$ROOT/../shared/fixtures/manifests}
# the reference dbt, to compare with; DBT2NINJA_REFERENCE= (empty) leaves
# the comparisons out, as make check's sanitizer pass does
REFERENCE=${DBT2NINJA_REFERENCE-$ROOT/../shared/reference-dbt}

# refdbt_or_done DIR: the reference dbt installed into DIR, or the test
# ends here: done when there is none, failing when it does not install.
refdbt_or_done() {
	if [ ! -f "$REFERENCE/install.sh" ]; then
		diag "no reference dbt${REFERENCE:+ in $REFERENCE}: skipping the comparison with the real dbt"
		done_testing
		exit
	fi
	if ! refdbt "$1"; then
		ok 1 "the reference dbt installs"
		sed 's/^/# /' "$TMP/install.log"
		done_testing
		exit
	fi
}

# bothways DIR: the project in DIR (with its profiles.yml) read by
# dbt2ninja itself, in a fresh copy ($TMP/fresh), and through the
# reference dbt's parse ($TMP/refdbt, refdbt_or_done) in DIR: three tests.
# samejobs then compares their job files.
bothways() {
	rm -rf "$TMP/fresh" && cp -R "$1" "$TMP/fresh"
	(cd "$TMP/fresh" && DBT_PROFILES_DIR=. "$DBT2NINJA" >"$TMP/gen3" 2>&1)
	ok $? "dbt2ninja from the project, afresh" || sed 's/^/# /' "$TMP/gen3"
	(cd "$1" && DBT_PROFILES_DIR=. "$TMP/refdbt/bin/dbt" parse >"$TMP/parse" 2>&1)
	ok $? "dbt parse of the same project" || tail -20 "$TMP/parse" | sed 's/^/# /'
	(cd "$1" && DBT_PROFILES_DIR=. "$DBT2NINJA" target/manifest.json >"$TMP/gen2" 2>&1)
	ok $? "dbt2ninja from dbt parse's manifest" || sed 's/^/# /' "$TMP/gen2"
}

# samejobs DIR [late]: every job file of DIR (bothways) is the fresh
# copy's. With "late": but for the digest of the context of the jobs rendered when
# they run, which names dbt's own macros from a manifest and ours from the
# project (dbt2ninja(5)).
samejobs() {
	if [ "${2:-}" = late ]; then
		rm -rf "$TMP/masked" && mkdir -p "$TMP/masked/a" "$TMP/masked/b"
		for f in "$1"/target/ninja/sql/*.sql; do
			sed 's/^-- render: {"context":"[0-9a-f]*"/-- render: {"context":"-"/' "$f" >"$TMP/masked/a/${f##*/}"
		done
		for f in "$TMP"/fresh/target/ninja/sql/*.sql; do
			sed 's/^-- render: {"context":"[0-9a-f]*"/-- render: {"context":"-"/' "$f" >"$TMP/masked/b/${f##*/}"
		done
		diff -r "$TMP/masked/a" "$TMP/masked/b" >"$TMP/diff" 2>&1
		ok $? "every job file read from the project is dbt parse's but for the late ones' context digest ($(ls "$1/target/ninja/sql" | wc -l) jobs)" ||
			head -40 "$TMP/diff" | sed 's/^/# /'
		return
	fi
	diff -r "$1/target/ninja/sql" "$TMP/fresh/target/ninja/sql" >"$TMP/diff" 2>&1
	ok $? "every job file read from the project is byte-identical to dbt parse's ($(ls "$1/target/ninja/sql" | wc -l) jobs)" ||
		head -40 "$TMP/diff" | sed 's/^/# /'
}

# refdbt DIR: the reference dbt at DIR/bin/dbt; 0, or 1 with what it said
# in $TMP/install.log. A DIR in the test's $TMP is a link to the one
# install every test shares, tests/tmp/refdbt (make clean removes it):
# installed once under a lock, tests run side by side waiting for it, and
# installed anew when the reference changes. Any other DIR (as PARITY_DBT
# may name) is installed into itself.
refdbt() {
	case $1 in
	"$TMP"/*) command -v flock >/dev/null 2>&1 || { refinstall "$1"; return; } ;;
	*) refinstall "$1"; return ;;
	esac
	_shared=$ROOT/tests/tmp/refdbt
	mkdir -p "$ROOT/tests/tmp" || return 1
	_sum=$({ echo "$REFERENCE"; find "$REFERENCE" -type f -exec cat {} +; } | cksum)
	(
		flock 9 || exit 1
		[ "$(cat "$_shared.ok" 2>/dev/null)" = "$_sum" ] && exit 0
		rm -rf "$_shared" "$_shared.ok"
		refinstall "$_shared" || exit 1
		echo "$_sum" >"$_shared.ok"
	) 9>"$_shared.lock" || return 1
	mkdir -p "$(dirname "$1")" && ln -s "$_shared" "$1"
}

# refinstall DIR: install the reference dbt into DIR, as refdbt says.
# install.sh may apt-get: while another apt-get holds the lock, it is
# tried again (5 minutes at most).
refinstall() {
	mkdir -p "$1"
	_i=0
	until sh "$REFERENCE/install.sh" "$1" >"$TMP/install.log" 2>&1; do
		grep -qi 'lock' "$TMP/install.log" && [ $_i -lt 30 ] || return 1
		_i=$((_i + 1))
		sleep 10
	done
}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dbt2ninja-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# no profiles.yml but the tests' own
mkdir -p "$TMP/home"
export HOME="$TMP/home"
unset DBT_PROFILES_DIR DBT_TARGET
tap_n=0
tap_failed=0

# ok STATUS NAME: a test that passed when STATUS is 0; it returns 1 when
# it failed, so that `ok $? NAME || show-why` shows why.
ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
		return 1
	fi
}

# check NAME COMMAND...: a test that COMMAND succeeds.
check() {
	_name=$1
	shift
	if "$@"; then ok 0 "$_name"; else ok 1 "$_name"; fi
}

# is GOT WANT NAME
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#      got: %s\n# expected: %s\n' "$1" "$2"
		return 1
	fi
}

diag() { printf '# %s\n' "$*"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
done_testing() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }

# conndir: the directory of the connection the build.ninja here deploys
# to, where its stamps (ok/), results and mark are.
conndir() { sed -n 's/^conn = //p' build.ninja; }

# A fingerprint of a directory tree: names, sizes, mtimes and contents.
tree() {
	(cd "$1" && find . -type f ! -name '.ninja_*' -printf '%p %s %T@\n' | LC_ALL=C sort &&
		find . -type f ! -name '.ninja_*' -exec cksum {} + | LC_ALL=C sort)
}

# pgprofile FILE PROFILE DB SCHEMA THREADS: a profiles.yml whose PROFILE's
# one target, t, is database DB of the test's server.
pgprofile() {
	cat >"$1" <<EOF
$2:
  target: t
  outputs:
    t:
      type: postgres
      host: "$PGHOST"
      port: $PGPORT
      user: postgres
      password: ""
      dbname: $3
      schema: $4
      threads: $5
EOF
}

# offline DATA PROFILE: tests/data/DATA copied to P=$TMP/ours, with a
# profiles.yml whose PROFILE's dev target no test connects to; there, as
# DBT_PROFILES_DIR and the working directory
offline() {
	P=$TMP/ours
	cp -R "$ROOT/tests/data/$1" "$P"
	printf '%s:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: localhost\n      port: 5432\n      user: postgres\n      password: ""\n      dbname: demo\n      schema: dev\n      threads: 2\n' \
		"$2" >"$P/profiles.yml"
	export DBT_PROFILES_DIR="$P"
	cd "$P" || exit 1
}

# copyof PROJECT NAME: a fresh copy of PROJECT at $TMP/NAME, without its
# target/ and build.ninja, with the test's profiles.yml ($P's).
copyof() {
	rm -rf "$TMP/$2" && cp -R "$1" "$TMP/$2" && rm -rf "$TMP/$2/target" "$TMP/$2/build.ninja"
	[ "$1" = "$P" ] || cp "$P/profiles.yml" "$TMP/$2/"
}

# genin DIR [ARG...]: dbt2ninja ARGs in DIR with its profiles.yml, what it
# said in $TMP/out.
genin() {
	_d=$1
	shift
	(cd "$_d" && DBT_PROFILES_DIR=. "$DBT2NINJA" "$@" >"$TMP/out" 2>&1)
}

# refusedin DIR CMD WANT NAME: a copy of the project in DIR ($TMP/bad,
# with $P's profiles.yml), changed by the shell command CMD, read by
# dbt2ninja itself: exit 1, WANT in what it says, nothing written (three
# tests)
refusedin() {
	copyof "$1" bad
	(cd "$TMP/bad" && eval "$2" && DBT_PROFILES_DIR=. "$DBT2NINJA" >"$TMP/out" 2>&1)
	is $? 1 "$4: exit 1"
	grep -qF "$3" "$TMP/out"
	ok $? "$4: says so" || sed 's/^/# /' "$TMP/out"
	[ ! -f "$TMP/bad/build.ninja" ]
	ok $? "$4: nothing written"
}

# q DB SQL: the rows of SQL in database DB, fields split by |
q() { PGDATABASE=$1 psql -XAtq -F '|' -v ON_ERROR_STOP=1 -c "$2"; }

# schemarows DB SCHEMA: every row of every relation of SCHEMA in DB, each
# "relation|row", sorted: what two deployments are compared by
schemarows() {
	for _rel in $(q "$1" "select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
		where n.nspname = '$2' and relkind in ('r', 'v', 'm') order by 1"); do
		q "$1" "select '$_rel', t::text from \"$2\".\"$_rel\" t" | LC_ALL=C sort
	done
}

# A copy of the example project, ready to generate in.
shop() {
	rm -rf "$TMP/shop"
	cp -R "$ROOT/tests/data/shop" "$TMP/shop"
}

# A database of our own on a throwaway server, stopped at exit.
withpg() {
	. "$ROOT/tests/pg.sh"
	pgstart || { echo "Bail out! cannot start PostgreSQL"; exit 1; }
	trap 'pgstop; rm -rf "$TMP"' EXIT
	psql -Xqc "create database demo" || exit 1
	export PGDATABASE=demo
}

# sql QUERY: one value from the demo database.
sql() { psql -XAtqc "$1"; }

# job FILE HEADER-LINES SQL: write a job file by hand.
job() {
	mkdir -p "$(dirname "$1")"
	printf -- '-- dbt2ninja job 1\n%s\n--\n%s\n' "$2" "$3" > "$1"
}

# mzpg DIR [SEVERITY]: in DIR, tests/data/mz's seed, view and test in
# schema mzpg of database demo, without clusters, indexes or stored
# failures, and a profile for the test's PostgreSQL: what PostgreSQL
# accepts of a Materialize project. Leaves the shell in DIR.
mzpg() {
	mkdir -p "$1/target" && cd "$1" || exit 1
	cp -R "$ROOT/tests/data/mz/seeds" "$ROOT/tests/data/mz/dbt_project.yml" .
	python3 - "$ROOT/tests/data/mz/target/manifest.json" "${2:-warn}" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
keep = {}
for uid in ('seed.mz.regions', 'model.mz.bids', 'test.mz.positive'):
    n = m['nodes'][uid]
    for k in ('cluster', 'indexes', 'store_failures'):
        n['config'].pop(k, None)
    for k in ('relation_name', 'compiled_code'):
        if n.get(k):
            n[k] = n[k].replace('"materialize"."public"', '"demo"."mzpg"')
    n['database'], n['schema'] = 'demo', 'mzpg'
    keep[uid] = n
keep['model.mz.bids']['compiled_code'] = 'select id, name from "demo"."mzpg"."regions"'
keep['model.mz.bids']['depends_on']['nodes'] = ['seed.mz.regions']
keep['test.mz.positive']['compiled_code'] = 'select * from "demo"."mzpg"."bids" where id <= 0'
keep['test.mz.positive']['depends_on']['nodes'] = ['model.mz.bids']
keep['test.mz.positive']['config']['severity'] = sys.argv[2]
m['nodes'] = keep
json.dump(m, open('target/manifest.json', 'w'))
PY
	printf 'mz:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: "%s"\n      dbname: demo\n' "$PGHOST" > profiles.yml
}
