#!/bin/sh
# make demo: the example project deployed onto a throwaway PostgreSQL, then
# one model changed and only it and its downstream redeployed.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${TMPDIR:-/tmp}/dbt2ninja-demo
PATH=$ROOT:$PATH
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

rm -rf "$WORK"
mkdir -p "$WORK"
. "$ROOT/tests/pg.sh"
say "starting a throwaway PostgreSQL (Unix socket in a temporary directory)"
pgstart
trap 'pgstop' EXIT
psql -Xqc "create database demo"
echo "PGHOST=$PGHOST, database demo"

cp -R "$ROOT/docs/example" "$WORK/jaffle"
cd "$WORK/jaffle"
say "dbt2ninja reads target/manifest.json (what dbt compile wrote) and writes build.ninja"
dbt2ninja -v
echo "one job file per model, seed, snapshot and test, in target/ninja/sql/:"
ls target/ninja/sql | sed 's/^/  /'

say "ninja deploy (dbt run): every model, seed and snapshot, in dependency order, 4 at a time"
echo "(no test runs: ninja test is dbt test, ninja build is dbt build)"
ninja deploy

say "ninja build (dbt build): what deploy made current stays; only the tests run"
ninja build

say "a second ninja deploy has nothing to do: every stamp is newer than its job"
ninja deploy

say "dbt compile again, after one staging model changed (stg_orders lowercases status):"
diff -u target/manifest.json changed/manifest.json | grep '^[-+] ' | grep status | head -2 || true
cp changed/manifest.json target/manifest.json
say "ninja deploy regenerates build.ninja, then runs stg_orders, in place (its columns stay),"
echo "and of its downstream only what stores data: the views on tables refilled in place stay"
ninja deploy

say "the results, as dbt's run_results.json"
dbt2ninja results

say "the lineage as dbt docs draws it, each node colored by what the runs left"
dbt2ninja graph > lineage.dot
sed -n 's/.*class="[a-z]* \([a-z]*\)".*/\1/p' lineage.dot | sort | uniq -c |
	sed 's/^ */  /; s/ none$/ not run on their own (ephemeral, exposure)/'
echo "dbt2ninja graph | dot -Tsvg > lineage.svg draws it"

say "one page of it all for CI to keep: the lineage, the last run's timeline, the results"
dbt2ninja report
say "the report: $WORK/jaffle/target/report.html (open it in a browser)"
say "the project is in $WORK/jaffle; the database is stopped and removed"
