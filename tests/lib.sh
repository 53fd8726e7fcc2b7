# lib.sh: TAP for the shell tests, and the tools under test.
# Each test script sources it: . "$(dirname "$0")/lib.sh"
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DBT2NINJA=$ROOT/dbt2ninja
MANIFESTS=${DBT2NINJA_MANIFESTS:-$ROOT/../shared/fixtures/manifests}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dbt2ninja-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# no profiles.yml but the tests' own
mkdir -p "$TMP/home"
export HOME="$TMP/home"
unset DBT_PROFILES_DIR DBT_TARGET
tap_n=0
tap_failed=0

# ok STATUS NAME: a passing test when STATUS is 0.
ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
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
	fi
}

diag() { printf '# %s\n' "$*"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
done_testing() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }

# A fingerprint of a directory tree: names, sizes, mtimes and contents.
tree() {
	(cd "$1" && find . -type f ! -name '.ninja_*' -printf '%p %s %T@\n' | LC_ALL=C sort &&
		find . -type f ! -name '.ninja_*' -exec cksum {} + | LC_ALL=C sort)
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
