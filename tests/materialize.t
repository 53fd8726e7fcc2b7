#!/bin/sh
# Materialize: every statement sequence, golden, through dbt2ninja-run
# --dry-run (no Materialize server can be installed here), on a manifest of
# our own and on a real dbt-materialize project's. Where the executor would
# read the catalog to choose (a relation replaced in place, or dropped and
# created), --dry-run prints every way, each after a comment saying when it
# is taken, and the golden file holds them all.
# UPDATE_GOLDEN=1 rewrites tests/golden/materialize.txt.
. "$(dirname "$0")/lib.sh"

cp -R "$ROOT/tests/data/mz" "$TMP/mz"
cd "$TMP/mz" || exit 1
"$DBT2NINJA" >/dev/null 2>&1
ok $? "a materialize manifest generates"
for j in target/ninja/sql/*.sql; do
	echo "=== ${j##*/}"
	"$ROOT/dbt2ninja-run" --dry-run "$j" 2>&1
	echo "exit $?"
done > "$TMP/dry.txt"
[ "${UPDATE_GOLDEN:-}" ] && cp "$TMP/dry.txt" "$ROOT/tests/golden/materialize.txt"
check "every materialization's statements are dbt-materialize's" diff -u "$ROOT/tests/golden/materialize.txt" "$TMP/dry.txt"
grep -q '^create default index on "materialize"."public"."bids";$' "$TMP/dry.txt"
ok $? "a default index"
grep -q '^create materialized view "materialize"."public"."as_table"$' "$TMP/dry.txt"
ok $? "a table is a materialized view"
grep -q "^dbt2ninja-run: model.mz.incr (target/ninja/sql/model.mz.incr.sql): the incremental materialization is not supported by dbt-materialize" "$TMP/dry.txt"
ok $? "incremental is refused, saying why"
grep -q '^set cluster = compute;$' "$TMP/dry.txt"
ok $? "a test runs after set cluster"
sed -n '/^=== model.mz.winning.sql$/,/^-- otherwise/p' "$TMP/dry.txt" > "$TMP/winning.txt"
grep -q '^create replacement materialized view "materialize"."public"."winning__dbt_tmp" for "materialize"."public"."winning"$' "$TMP/winning.txt" &&
	grep -q '^  in cluster compute$' "$TMP/winning.txt" &&
	grep -q '^alter materialized view "materialize"."public"."winning" apply replacement "materialize"."public"."winning__dbt_tmp";$' "$TMP/winning.txt"
ok $? "a materialized view whose job's header stayed is replaced in place: a replacement for it, in its cluster, applied"
check "with no drop, no create and no index: its dependents and indexes are kept" \
	sh -c "! grep -q '^drop materialized view if exists \"materialize\".\"public\".\"winning\"\\|^create materialized view\\|^create .*index' '$TMP/winning.txt'"
sed -n '/^=== model.mz.bids.sql$/,/^exit/p' "$TMP/dry.txt" > "$TMP/bids.txt"
check "a view with indexes is dropped and created, as dbt-materialize does" \
	sh -c "! grep -q 'or replace' '$TMP/bids.txt'"

# blue/green: build into <schema>_dbt_deploy and <cluster>_dbt_deploy
cd "$TMP/mz" || exit 1
"$DBT2NINJA" --blue-green >/dev/null 2>&1
ok $? "--blue-green generates"
is "$(sed -n 's/^bg_//p' build.ninja | tr '\n' '|')" \
	"schemas = public|clusters = serving,compute,sources|sinks = '\"materialize\".\"public_sinks\".\"alerts\"=\"materialize\".\"public\".\"winning\"'|mark = \$conn/deploy-env|" \
	"the schemas and clusters to swap (an index's own cluster too), the sinks to re-point, the mark"
is "$(ninja -n deploy-promote | sed 's/^\[[0-9/]*\] //' | tr '\n' ' ')" \
	"deploy-init model model.mz.as_table model model.mz.bids model model.mz.incr model model.mz.legacy_src seed seed.mz.regions contents model.mz.bids model source.mz.auction_house model model.mz.winning model model.mz.bids_table contents model.mz.winning test test.mz.positive deploy-await deploy-promote " \
	"deploy-promote waits for deploy-await, which waits for deploy and its tests (after the contents of what they test), which wait for deploy-init"
check "sinks stay out of the deploy" sh -c '! ninja -n deploy | grep -q alerts'
"$ROOT/dbt2ninja-run" --dry-run --blue-green target/ninja/sql/model.mz.winning.sql > "$TMP/bg.txt"
grep -q '^create materialized view "materialize"."public_dbt_deploy"."winning"$' "$TMP/bg.txt" &&
	grep -q '^  in cluster compute_dbt_deploy$' "$TMP/bg.txt" &&
	grep -q '^from "materialize"."public_dbt_deploy"."bids"$' "$TMP/bg.txt"
ok $? "a model builds in the deploy schema and cluster, reading the deploy schema"
for op in init await promote cleanup; do
	echo "=== deploy-$op"
	"$ROOT/dbt2ninja-run" --dry-run --blue-green-op $op --schemas public --clusters compute,sources \
		--sinks '"materialize"."public_sinks"."alerts"="materialize"."public"."winning"' \
		--mark target/ninja/deploy-env 2>&1
done > "$TMP/ops.txt"
[ "${UPDATE_GOLDEN:-}" ] && cp "$TMP/ops.txt" "$ROOT/tests/golden/materialize-bluegreen.txt"
check "deploy-init, -await, -promote and -cleanup are dbt-materialize's" \
	diff -u "$ROOT/tests/golden/materialize-bluegreen.txt" "$TMP/ops.txt"
# dbt-materialize's own config: vars.deployment.<target> in dbt_project.yml
mkdir -p "$TMP/cfg" && cd "$TMP/cfg" || exit 1
cp -R "$ROOT/tests/data/mz/target" "$ROOT/tests/data/mz/seeds" .
printf 'mz:\n  target: prod\n  outputs:\n    prod:\n      type: materialize\n      cluster: quickstart\n' > profiles.yml
printf 'name: mz\nprofile: mz\nvars:\n  deployment:\n    prod:\n      schemas: [public, extra]\n      clusters: [compute, serving, sources, quickstart, spare]\n' > dbt_project.yml
"$DBT2NINJA" --blue-green >"$TMP/out" 2>&1
ok $? "--blue-green with vars.deployment in dbt_project.yml"
is "$(sed -n 's/^bg_\(schemas\|clusters\) = //p' build.ninja | tr '\n' '|')" \
	"public,extra|compute,serving,sources,quickstart,spare|" \
	"its lists are the ones swapped, extras included (the profile's cluster is used: by a default index)"
cp build.ninja "$TMP/cfg.ninja"
printf 'name: mz\nprofile: mz\nvars:\n  deployment:\n    prod:\n      schemas: [public]\n      clusters: [compute, serving, quickstart]\n' > dbt_project.yml
"$DBT2NINJA" --blue-green >"$TMP/out" 2>&1
is "$?" 1 "a cluster the deployment builds in, missing from the list"
is "$(cat "$TMP/out")" "dbt2ninja: dbt_project.yml: vars.deployment.prod.clusters does not list sources, where --blue-green builds" \
	"is an error naming the file, the list and the cluster"
check "and writes nothing" cmp build.ninja "$TMP/cfg.ninja"
printf 'name: mz\nprofile: mz\nvars:\n  deployment:\n    prod:\n      schemas: [public, public_sinks]\n      clusters: [compute, serving, sources, quickstart]\n' > dbt_project.yml
"$DBT2NINJA" --blue-green >"$TMP/out" 2>&1
is "$(cat "$TMP/out")" "dbt2ninja: target/manifest.json: model.mz.alerts: a sink in schema public_sinks, which --blue-green swaps: sinks need a schema of their own" \
	"a sink in a schema the list swaps is refused"
printf 'name: mz\nprofile: mz\nvars:\n  deployment:\n    prod:\n      schemas: public\n' > dbt_project.yml
"$DBT2NINJA" --blue-green >"$TMP/out" 2>&1
is "$(cat "$TMP/out")" "dbt2ninja: dbt_project.yml:6:16: vars.deployment.prod.schemas: expected a list of names" \
	"a list that is not one: file, line and column"
# a manifest that does not say its adapter: the profile's type says it
grep -v '"adapter_type"' "$ROOT/tests/data/mz/target/manifest.json" > target/manifest.json
printf 'name: mz\nprofile: mz\n' > dbt_project.yml
"$DBT2NINJA" >/dev/null 2>&1
is "$(sed -n 's/^-- adapter: //p' target/ninja/sql/model.mz.bids.sql)" materialize \
	"no adapter_type: the profile's type is the adapter"
# and dbt2ninja results reads its stamps as the edges do: a materialized
# view, which Materialize keeps up to date, follows the interface of the
# view it reads, not its contents
c=$(conndir)
mkdir -p "$c/ok" "$c/if" "$c/data" "$c/results"
touch -d '-3 minutes' "$c/ok/model.mz.bids" "$c/if/model.mz.bids"
touch -d '-2 minutes' "$c/ok/model.mz.winning" "$c/if/model.mz.winning" "$c/data/model.mz.winning"
touch -d '-1 minutes' "$c/data/model.mz.bids"
for n in bids winning; do
	printf '{"unique_id": "model.mz.%s", "status": "success"}' $n > "$c/results/model.mz.$n.json"
done
touch -d '-3 minutes' "$c/results/model.mz.winning.json"
touch -d '-2 minutes' "$c/results/model.mz.bids.json"
touch -d '-4 minutes' target/ninja/sql/*.sql
"$DBT2NINJA" results >/dev/null 2>&1
is "$(python3 -c 'import json; print(" ".join(sorted(r["unique_id"] for r in json.load(open("target/run_results.json"))["results"])))')" \
	"model.mz.bids model.mz.winning" "results counts the materialized view current though the view's contents moved"
rm profiles.yml
"$DBT2NINJA" >"$TMP/out" 2>&1
is "$(cat "$TMP/out")" 'dbt2ninja: target/manifest.json: model.mz.alerts (models/alerts.sql): config materialized "sink" is not done by dbt2ninja on PostgreSQL: only view, table, incremental, ephemeral and materialized_view are done on PostgreSQL' \
	"and without a profile, postgres, which refuses Materialize's materializations"
cd "$TMP/mz" || exit 1

"$DBT2NINJA" --blue-green "$ROOT/docs/example/target/manifest.json" >"$TMP/out" 2>&1
is "$?" 1 "--blue-green refuses a postgres project"
sed 's/public_sinks/public/g' target/manifest.json > "$TMP/sinkshare.json"
cp build.ninja "$TMP/before.ninja"
"$DBT2NINJA" --blue-green "$TMP/sinkshare.json" >"$TMP/out" 2>&1
is "$?" 1 "--blue-green refuses a sink in a schema it swaps"
is "$(cat "$TMP/out")" "dbt2ninja: $TMP/sinkshare.json: model.mz.alerts: a sink in schema public, which --blue-green swaps: sinks need a schema of their own" \
	"naming the manifest, the sink and the schema"
check "and writes nothing" cmp build.ninja "$TMP/before.ninja"

# what PostgreSQL also accepts (views, seeds, tests), run for real in the
# Materialize path's order: no transactions, drop by type, delete from
withpg
mzpg "$TMP/mzpg"
"$DBT2NINJA" >/dev/null 2>&1
ninja build >"$TMP/out" 2>&1
ok $? "views, seeds and tests of a materialize project run on PostgreSQL, no transactions"
is "$(sql 'select count(*) from mzpg.bids')" 2 "the view reads the seed"
echo '3,c' >> seeds/regions.csv
ninja build >"$TMP/out" 2>&1
ok $? "again, after the seed changed: drop by type, delete from, reload"
is "$(sql 'select count(*) from mzpg.bids')" 3 "with the new rows"
printf 'id,name\n1,2024-01-02T03:04:05\n2,2024-01-02T03:04:05Z\n' > seeds/regions.csv
ninja build >"$TMP/out" 2>&1
ok $(( ! $? )) "a timestamp with a UTC offset in a seed fails"
grep -q '^dbt2ninja-run: seed.mz.regions (target/ninja/sql/seed.mz.regions.sql): seeds/regions.csv:3:3: a timestamp with a UTC offset: dbt-materialize has Materialize convert it, which dbt2ninja does not do on Materialize$' "$TMP/out"
ok $? "refused on Materialize, naming the node, the file, line and column"
is "$(sql 'select count(*) from mzpg.regions')" 3 "before anything is sent"

# in place on PostgreSQL, in the Materialize path: a view with the same
# columns is replaced without cascading; a materialized view's
# replacement, which PostgreSQL does not know, falls back to drop and
# create
printf 'id,name\n1,a\n2,b\n' > seeds/regions.csv
ninja deploy >/dev/null 2>&1
bids=$(sql "select 'mzpg.bids'::regclass::oid")
python3 - <<'PY'
import json
m = json.load(open('target/manifest.json'))
m['nodes']['model.mz.bids']['compiled_code'] += ' where id > 0'
json.dump(m, open('target/manifest.json', 'w'))
PY
ninja deploy >"$TMP/out" 2>&1
is "$(grep '^OK' "$TMP/out" | sed 's/ \[.*//')" "OK replaced in place sql view model mzpg.bids" \
	"a view whose columns stayed: create or replace view, nothing else runs"
is "$(sql "select 'mzpg.bids'::regclass::oid")" "$bids" "the same view"
hdr="-- unique_id: model.mz.mv
-- resource_type: model
-- materialized: materialized_view
-- relation: \"demo\".\"mzpg\".\"mv\"
-- adapter: materialize"
job target/ninja/sql/model.mz.mv.sql "$hdr" 'select id from "demo"."mzpg"."bids"'
"$ROOT/dbt2ninja-run" target/ninja/sql/model.mz.mv.sql target/ninja/ok/model.mz.mv >"$TMP/out" 2>&1
ok $? "a materialized view, on PostgreSQL"
job target/ninja/sql/model.mz.mv.sql "$hdr" 'select id from "demo"."mzpg"."bids" where id > 1'
"$ROOT/dbt2ninja-run" target/ninja/sql/model.mz.mv.sql target/ninja/ok/model.mz.mv >"$TMP/out" 2>&1
ok $? "its SQL changed, its header not: the replacement is tried"
grep -q '^OK created sql materialized_view model mzpg.mv \[.*\]; the server refused the replacement: dependents rebuild$' "$TMP/out"
ok $? "PostgreSQL refuses it: dropped and created, saying so"
is "$(sql 'select count(*) from mzpg.mv')" 1 "with the new rows"

f=$MANIFESTS/onward-materialize-v7-1.3.1-materialize.json
if [ -e "$f" ]; then
	mkdir -p "$TMP/onward" && cd "$TMP/onward" || exit 1
	"$DBT2NINJA" "$f" >/dev/null 2>&1
	ok $? "a real dbt-materialize manifest generates"
	rc=0
	for j in target/ninja/sql/*.sql; do
		"$ROOT/dbt2ninja-run" --dry-run "$j" >> "$TMP/onward.txt" 2>&1 || rc=1
	done
	ok $rc "and every job has its statements"
	is "$(grep -c '^CREATE SOURCE IF NOT EXISTS' "$TMP/onward.txt")" 2 \
		"its sources, complete statements in the older form, are sent as written"
else
	ok 0 "# SKIP no real manifests at $MANIFESTS"
fi
done_testing
