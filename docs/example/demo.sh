#!/bin/sh
# make demo: the example project, generated and shown in a scratch copy.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${TMPDIR:-/tmp}/dbt2ninja-demo
rm -rf "$WORK"
mkdir -p "$WORK"
cp -R "$ROOT/docs/example" "$WORK/jaffle"
cd "$WORK/jaffle"
say() { printf '\n== %s\n' "$*"; }

say "dbt2ninja reads target/manifest.json (as dbt compile wrote it) and writes build.ninja"
"$ROOT/dbt2ninja" -v
say "one job file per model, seed, snapshot and test (target/ninja/sql/):"
ls target/ninja/sql
say "the ninja targets: every node, plus deploy, test, build, tags, paths and exposures"
ninja -t targets | sed 's/^/  /'
say "what a first 'ninja deploy' would run:"
ninja -n deploy
say "pretend everything is deployed: each node's stamp, as dbt2ninja-run writes it on success"
mkdir -p target/ninja/ok
now=$(date +%Y-%m-%dT%H:%M:%S.%N)
for j in target/ninja/sql/*.sql; do b=${j##*/}; touch -d "$now" "target/ninja/ok/${b%.sql}"; done
ninja -n deploy
say "dbt compile again, after one staging model changed (stg_orders lowercases status)"
cp changed/manifest.json target/manifest.json
say "the next ninja run regenerates build.ninja first, as its manifest changed:"
ninja build.ninja
say "and then runs only stg_orders and what is downstream of it:"
ninja -n deploy
if command -v dot >/dev/null 2>&1; then
	ninja -t graph deploy | dot -Tsvg > dag.svg
	say "the graph: $WORK/jaffle/dag.svg"
fi
say "the project is in $WORK/jaffle"
