#!/bin/sh
# Operations and post-hooks that need the database, rendered when they
# run, on their connection: the project tests/data/runend has an
# on-run-start whose run_query reads the audit table, an on-run-end that
# writes a row per entry of results (node, status, rows affected,
# message, failures) and one whose macro asks adapter.get_relation and
# runs a query, and a table's post-hooks that count its own new rows
# with run_query and ask get_relation of another model. The reference dbt
# builds it into one database; dbt parse, dbt2ninja and ninja build into
# another; both audit tables hold the same rows, round after round (the
# second runs what a changed seed reaches, dbt build selecting the same).
. "$(dirname "$0")/lib.sh"
command -v ninja >/dev/null 2>&1 || skip_all "ninja is not installed"
refdbt_or_done "$TMP/refdbt"
DBT=$TMP/refdbt/bin/dbt
withpg
psql -Xqc "create database dbt" -c "create database ours" || exit 1
unset PGDATABASE

project() {
	mkdir -p "$1"
	cp -R "$ROOT/tests/data/runend/." "$1/"
	pgprofile "$1/profiles.yml" re "$2" r 1
}
project "$TMP/dbt" dbt
project "$TMP/ours" ours
# audit DB [COLUMNS]: the audit rows, sorted (a seed answers as dbt's
# does, INSERT n, and a table replaced in place as dbt's create table as,
# SELECT n)
audit() {
	q "$1" "select ${2:-what, node, status, n, msg, failures} from r_audit.runs" | LC_ALL=C sort
}

# round N [SELECT [SED]]: dbt build (of SELECT), then dbt parse, dbt2ninja
# and ninja build; the audit rows less what SED drops are the same
round() {
	# shellcheck disable=SC2086
	(cd "$TMP/dbt" && DBT_PROFILES_DIR=. "$DBT" build ${2:+-s $2} >"$TMP/build.$1.log" 2>&1)
	ok $? "round $1: dbt build${2:+ -s $2}" || tail -20 "$TMP/build.$1.log" | sed 's/^/# /'
	(cd "$TMP/ours" && rm -f target/manifest.json && DBT_PROFILES_DIR=. "$DBT" parse >"$TMP/parse.$1.log" 2>&1 &&
		PGHOST=/nonexistent DBT_PROFILES_DIR=. "$DBT2NINJA" >"$TMP/gen.$1.log" 2>&1)
	ok $? "round $1: dbt parse, dbt2ninja (no database)" || cat "$TMP/parse.$1.log" "$TMP/gen.$1.log" | tail -20 | sed 's/^/# /'
	(cd "$TMP/ours" && DBT_PROFILES_DIR=. ninja build >"$TMP/ninja.$1.log" 2>&1)
	ok $? "round $1: ninja build" || tail -30 "$TMP/ninja.$1.log" | sed 's/^/# /'
	audit dbt "${4:-}" | sed "${3:-}" >"$TMP/dbt.audit"
	audit ours "${4:-}" | sed "${3:-}" >"$TMP/ours.audit"
	cmp -s "$TMP/dbt.audit" "$TMP/ours.audit"
	ok $? "round $1: the audit tables hold the same rows ($(wc -l <"$TMP/dbt.audit"))" ||
		diff "$TMP/dbt.audit" "$TMP/ours.audit" | sed 's/^/# /'
}

round 1
for op in on-run-start-1 on-run-end-0 on-run-end-1; do
	grep -q '^-- render: ' "$TMP/ours/target/ninja/sql/operation.re.re-$op.sql"
	ok $? "$op: rendered when it runs"
done
is "$(q ours "select n from r_audit.runs where what = 'post c'")" 2 \
	"the post-hook's run_query counted the rows the model's statement had just made"
is "$(q ours "select n from r_audit.runs where what = 'end count'")" 7 \
	"on-run-end's results: every node of the build"
(cd "$TMP/ours" && DBT_PROFILES_DIR=. ninja build) >"$TMP/noop" 2>&1
grep -q 'no work to do' "$TMP/noop"
ok $? "nothing changed: ninja has no work to do" || sed 's/^/# /' "$TMP/noop"

# a changed seed: what it reaches runs, and on-run-end; results hold only
# those: not the view b, which the table a replaced in place keeps bound
# (dbt's a is swapped in, its old one and b dropped, and b built again);
# the on-run-start rendered when it runs runs again only when its job
# changes, where dbt's runs each time
q dbt "truncate r_audit.runs" && q ours "truncate r_audit.runs"
printf '3,cap\n' >>"$TMP/dbt/seeds/items.csv"
printf '3,cap\n' >>"$TMP/ours/seeds/items.csv"
round 2 "items+" '/^start rows|/d; /^end|model.re.b|/d; /^end count|/d'
is "$(q ours "select n from r_audit.runs where what = 'end count'")" 6 \
	"round 2: results hold the 6 nodes this ninja ran"
is "$(q ours "select n from r_audit.runs where what = 'post c'")" 3 \
	"round 2: the post-hook counted the table's new rows"

# what is still refused says so, naming the hook and the construct
cd "$TMP/ours" || exit 1
python3 - <<'PY'
import json
m = json.load(open('target/manifest.json'))
op = [k for k in m['nodes'] if k.endswith('on-run-end-1')][0]
m['nodes'][op]['raw_code'] = "{% for r in results %}{{ r.timing[0].started_at }}{% endfor %}"
json.dump(m, open('target/manifest.json', 'w'))
PY
"$DBT2NINJA" >"$TMP/bad.log" 2>&1
ok $? "results' timing in on-run-end: left to the executor" || sed 's/^/# /' "$TMP/bad.log"
rm -f target/ninja/conn/*/ok/seed.re.items target/ninja/conn/*/built/seed.re.items
DBT_PROFILES_DIR=. ninja build >"$TMP/bad.log" 2>&1
is "$?" 1 "... which refuses printing a datetime of it"
grep -q "operation.re.re-on-run-end-1.*dbt_project.yml (on-run-end):1:.*unsupported: printing a datetime of results' timing" "$TMP/bad.log"
ok $? "... naming the hook and the construct" || sed 's/^/# /' "$TMP/bad.log"
done_testing
