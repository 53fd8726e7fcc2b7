#!/bin/sh
# --state: a fresh checkout that imports production's manifest deploys
# exactly dbt's state:modified+, through real ninja and a real PostgreSQL.
. "$(dirname "$0")/lib.sh"

PROD=$ROOT/docs/example/target/manifest.json
# (a view's contents edge runs nothing: not a node)
would() { ninja -n deploy | grep -v '^\[[0-9/]*\] contents ' | sed -n 's/^\[[0-9]*\/[0-9]*\] [a-z]* //p' | LC_ALL=C sort | tr '\n' ' '; }
# fresh CHANGE: a new checkout whose manifest is production's, changed by python
fresh() {
	rm -rf "$TMP/ci"
	cp -R "$ROOT/docs/example" "$TMP/ci"
	cd "$TMP/ci" || exit 1
	python3 -c "
import json; p = 'target/manifest.json'; m = json.load(open(p)); n = m['nodes']
$1
json.dump(m, open(p, 'w'), indent=1)"
}

fresh "pass"
"$DBT2NINJA" --state "$PROD" >"$TMP/out" 2>&1
ok $? "--state with production's own manifest"
is "$(cat "$TMP/out")" "dbt2ninja: state from $PROD: 0 new, 0 modified, 0 downstream, 20 unchanged" "counts every node unchanged"
is "$(ninja -n deploy)" "ninja: no work to do." "and so nothing is to deploy"
is "$(ninja -n build)" "ninja: no work to do." "nor to build"
touch target/manifest.json
ninja build.ninja >/dev/null 2>&1
is "$(ninja -n deploy)" "ninja: no work to do." "regenerating, which imports again, changes nothing"

fresh "n['model.jaffle.stg_orders']['compiled_code'] = '-- a comment\n' + n['model.jaffle.stg_orders']['compiled_code'].replace(' ', '  ')"
"$DBT2NINJA" --state "$ROOT/docs/example/target" >/dev/null 2>&1
is "$(ninja -n deploy)" "ninja: no work to do." "layout and comments are no change (and PATH may be a directory)"

fresh "n['model.jaffle.customers']['compiled_code'] += ' having count(*) > 0'"
"$DBT2NINJA" --state "$PROD" >"$TMP/out" 2>&1
is "$(cat "$TMP/out")" "dbt2ninja: state from $PROD: 0 new, 1 modified, 2 downstream, 17 unchanged" "a changed model"
is "$(would)" "model.jaffle.customer_segments model.jaffle.customers model.jaffle.top_customers " \
	"deploys with its downstream, nothing else"

fresh "n['model.jaffle.orders']['config']['indexes'] = []"
"$DBT2NINJA" --state "$PROD" >/dev/null 2>&1
would | grep -q '^model.jaffle.customer_segments model.jaffle.customers model.jaffle.daily_revenue model.jaffle.order_status_counts model.jaffle.orders '
ok $? "a changed config is a change"

fresh "
o = n['model.jaffle.order_totals']
o['compiled_code'] = o['compiled_code'].replace('sum(amount)', 'sum(amount) * 1')
for k in ('model.jaffle.orders',):
    n[k]['compiled_code'] = n[k]['compiled_code'].replace('sum(amount)', 'sum(amount) * 1')"
"$DBT2NINJA" --state "$PROD" >/dev/null 2>&1
would | grep -q 'model.jaffle.orders '
ok $? "an ephemeral parent's change reaches its children, whose SQL holds it"

fresh "
import copy
v = copy.deepcopy(n['model.jaffle.customer_segments'])
v['unique_id'] = v['name'] = v['alias'] = 'model.jaffle.vip_customers'
v['name'] = v['alias'] = 'vip_customers'
v['relation_name'] = '\"demo\".\"analytics\".\"vip_customers\"'
n['model.jaffle.vip_customers'] = v
del n['model.jaffle.order_status_counts']"
"$DBT2NINJA" --state "$PROD" >"$TMP/out" 2>&1
is "$(cat "$TMP/out")" "dbt2ninja: state from $PROD: 1 new, 0 modified, 0 downstream, 19 unchanged" "a new node is new"
is "$(would)" "model.jaffle.vip_customers " "and deployed; a deleted node is never selected"

fresh "pass"
echo '13,1,2024-03-07 10:00:00,completed,5.00' >> seeds/raw_orders.csv
python3 -c "
import json, hashlib; p = 'target/manifest.json'; m = json.load(open(p))
m['nodes']['seed.jaffle.raw_orders']['checksum']['checksum'] = hashlib.sha256(open('seeds/raw_orders.csv').read().strip().encode()).hexdigest()
json.dump(m, open(p, 'w'))"
"$DBT2NINJA" --state "$PROD" >/dev/null 2>&1
would | grep -q 'seed.jaffle.raw_orders'
ok $? "a seed whose file changed is a change"

# --state-compare dbt: dbt's own comparison
fresh "n['model.jaffle.customers']['compiled_code'] += ' having count(*) > 0'"
"$DBT2NINJA" --state "$PROD" --state-compare dbt >"$TMP/out" 2>&1
is "$(cat "$TMP/out")" "dbt2ninja: state from $PROD: 0 new, 0 modified, 0 downstream, 20 unchanged" \
	"dbt: a changed var() that changes only the compiled SQL is missed, as dbt misses it"
fresh "n['model.jaffle.customers']['raw_code'] += ' -- x'"
"$DBT2NINJA" --state "$PROD" --state-compare dbt >/dev/null 2>&1
is "$(would)" "model.jaffle.customer_segments model.jaffle.customers model.jaffle.top_customers " \
	"dbt: a changed raw code is a change, even a comment"
fresh "n['model.jaffle.orders']['unrendered_config']['tags'] = ['x']; n['model.jaffle.orders']['unrendered_config']['group'] = 'g'"
"$DBT2NINJA" --state "$PROD" --state-compare dbt >/dev/null 2>&1
is "$(would)" "" "dbt: tags and group are not compared"
fresh "n['model.jaffle.orders']['unrendered_config']['schema'] = 'marts'"
"$DBT2NINJA" --state "$PROD" --state-compare dbt >/dev/null 2>&1
would | grep -q 'model.jaffle.orders '
ok $? "dbt: a configured schema is a change of relation"
fresh "n['model.jaffle.daily_revenue']['unrendered_config']['on_schema_change'] = 'fail'"
"$DBT2NINJA" --state "$PROD" --state-compare dbt >/dev/null 2>&1
is "$(would)" "model.jaffle.daily_revenue " "dbt: a changed config is a change"
macros="
m['macros']['macro.jaffle.cents'] = {'macro_sql': '{% macro cents(x) %}{{ x }} * 100{% endmacro %}', 'depends_on': {'macros': ['macro.jaffle.round']}}
m['macros']['macro.jaffle.round'] = {'macro_sql': '{% macro round(x) %}round({{ x }}){% endmacro %}', 'depends_on': {'macros': []}}
n['model.jaffle.orders']['depends_on']['macros'] = ['macro.jaffle.cents']"
python3 -c "
import json; p = '$TMP/prod-macros.json'; m = json.load(open('$PROD')); n = m['nodes']
$macros
json.dump(m, open(p, 'w'))"
fresh "$macros
m['macros']['macro.jaffle.round']['macro_sql'] = '{% macro round(x) %}round({{ x }}, 2){% endmacro %}'"
"$DBT2NINJA" --state "$TMP/prod-macros.json" --state-compare dbt >/dev/null 2>&1
would | grep -q 'model.jaffle.orders '
ok $? "dbt: a macro changed two calls down is a change"
"$DBT2NINJA" --state db --state-compare dbt >"$TMP/out" 2>&1
is "$(cat "$TMP/out")" "dbt2ninja: --state-compare dbt needs production's manifest, not db" "dbt's comparison needs a manifest"

# the dbt-core state fixtures: one project through every schema version
if [ -e "$MANIFESTS/dbtcore-state-v12.json" ]; then
	for v in 4 5 6 7 8 9 10 11; do
		fresh "pass"
		cp "$MANIFESTS/dbtcore-state-v$((v + 1)).json" target/manifest.json
		for mode in job dbt; do
			"$DBT2NINJA" --state "$MANIFESTS/dbtcore-state-v$v.json" --state-compare $mode >"$TMP/out" 2>&1
			ok $? "dbt-core's state fixtures: v$((v + 1)) against v$v ($mode)"
		done
	done
else
	ok 0 "# SKIP no dbt-core state fixtures at $MANIFESTS"
fi

printf '{"nodes": ' > "$TMP/bad.json"
"$DBT2NINJA" --state "$TMP/bad.json" >"$TMP/out" 2>&1
is "$?" 1 "a bad state manifest fails"
is "$(cat "$TMP/out")" "dbt2ninja: $TMP/bad.json:1:10: invalid JSON" "naming it"

# the whole flow on a database: production deploys, CI imports its state
withpg
cp -R "$ROOT/docs/example" "$TMP/prod"
cd "$TMP/prod" || exit 1
"$DBT2NINJA" >/dev/null 2>&1 && ninja deploy >/dev/null 2>&1
ok $? "production deploys"
fresh "pass"
cp changed/manifest.json target/manifest.json
"$DBT2NINJA" --state "$TMP/prod/target/manifest.json" >/dev/null 2>&1
views=$(sql "select string_agg(oid::text, ' ' order by relname) from pg_class where relkind = 'v'")
ninja deploy >"$TMP/out" 2>&1
ok $? "a CI checkout deploys with production's state"
is "$(grep '^OK' "$TMP/out" | sed 's/ \[.*//' | LC_ALL=C sort | tr '\n' ' ')" \
	"OK created sql incremental model analytics.daily_revenue OK replaced in place sql table model analytics.customers OK replaced in place sql table model analytics.orders OK replaced in place sql table model analytics.top_customers OK replaced in place sql view model analytics.stg_orders " \
	"the changed model, and of its downstream (production's, stamped as such) what its change reaches: what stores data, not the views on tables refilled in place"
is "$(sql "select string_agg(oid::text, ' ' order by relname) from pg_class where relkind = 'v'")" "$views" \
	"every view is production's as it was"
is "$(sql "select count(*) from analytics.customers")" 8 "onto production's data"
# what was just deployed is production now: a column's type changed there
# moves its interface, and what reads it is rebuilt
cp target/manifest.json "$TMP/prod2.json"
fresh "pass"
python3 - "$TMP/prod2.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
n = m['nodes']['model.jaffle.stg_orders']
n['compiled_code'] = n['compiled_code'].replace('lower(status) as status', 'lower(status)::varchar(20) as status')
json.dump(m, open('target/manifest.json', 'w'))
PY
"$DBT2NINJA" --state "$TMP/prod2.json" >/dev/null 2>&1
ninja deploy >"$TMP/out" 2>&1
ok $? "a retyped column deploys with production's state"
grep -q '^OK created sql view model analytics.stg_orders \[.*\]; columns changed: dependents rebuild$' "$TMP/out" &&
	grep -q '^OK created sql view model analytics.order_status_counts ' "$TMP/out"
ok $? "the view is swapped, and the view on the table that took the new type rebuilt"
is "$(grep -c 'customer_segments' "$TMP/out")" 0 "what reads a table whose columns stayed is left alone"
is "$(sql "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'analytics.order_status_counts'::regclass and attname = 'status'")" \
	"character varying(20)" "and has the new type"

# --state db: production records its deployments; CI reads them back
cd "$TMP/prod" || exit 1
printf 'jaffle:\n  target: prod\n  outputs:\n    prod:\n      type: postgres\n      dbname: demo\n      schema: analytics\n    ci:\n      type: postgres\n      dbname: demo\n      schema: ci_pr\n' > profiles.yml
cp "$ROOT/docs/example/target/manifest.json" target/manifest.json
"$DBT2NINJA" --record >/dev/null 2>&1
grep -q -- '--record' build.ninja
ok $? "--record reaches the executor"
rm -rf "$(conndir)/ok"
ninja deploy >/dev/null 2>&1
ok $? "production deploys, recording"
is "$(sql "select count(*) from dbt2ninja.deployments where target = 'prod'")" 12 "every node deployed is recorded"
fresh "pass"
cp "$TMP/prod/profiles.yml" .
"$DBT2NINJA" --state db >"$TMP/out" 2>&1
is "$(cat "$TMP/out")" "dbt2ninja: state from db: 8 new, 0 modified, 0 downstream, 12 unchanged" \
	"--state db: what production deployed is unchanged; the tests it never ran are new"
fresh "pass"
cp "$TMP/prod/profiles.yml" .
cp changed/manifest.json target/manifest.json
"$DBT2NINJA" --state db:prod >"$TMP/out" 2>&1
ok $? "--state db:TARGET"
is "$(would | tr ' ' '\n' | grep -c .)" 7 "selects state:modified+ from the database's record"
would | grep -q '^model.jaffle.customer_segments model.jaffle.customers model.jaffle.daily_revenue model.jaffle.order_status_counts model.jaffle.orders model.jaffle.stg_orders model.jaffle.top_customers $'
ok $? "the changed model and its downstream"
"$DBT2NINJA" --state db:nobody >"$TMP/out" 2>&1
is "$(cat "$TMP/out")" "dbt2ninja: --state db: no deployments are recorded for target nobody" "a target with no record is an error"
# select and drop-env read the record over the connection the profile
# makes, as the generator does: never wherever libpq's environment points
psql -Xqc "create database elsewhere" >/dev/null
PGDATABASE=elsewhere "$DBT2NINJA" select --state db 'state:modified' >"$TMP/out" 2>&1
ok $? "select --state db connects as the profile says"
is "$(sed 's|^.*/ok/||' "$TMP/out" | tr '\n' ' ')" "$("$DBT2NINJA" select --state db:prod 'state:modified' | sed 's|^.*/ok/||' | tr '\n' ' ')" \
	"and reads production's record there"
grep -q '/ok/model.jaffle.stg_orders$' "$TMP/out"
ok $? "the changed model among it"
PGDATABASE=elsewhere "$DBT2NINJA" drop-env --state db >"$TMP/out" 2>&1
is "$?" 1 "drop-env --state db too: every schema here is production's"
is "$(cat "$TMP/out")" "dbt2ninja: schema analytics is production's (db): not dropping it; --force drops it anyway
dbt2ninja: schema snapshots is production's (db): not dropping it; --force drops it anyway
dbt2ninja: nothing to drop: every schema here is production's" "and keeps them"
check "(still there)" test "$(sql "select count(*) from information_schema.tables where table_schema = 'analytics'")" -gt 0
cd "$TMP/prod" && cp changed/manifest.json target/manifest.json && "$DBT2NINJA" >/dev/null 2>&1
cp "$ROOT/docs/example/target/manifest.json" target/manifest.json && "$DBT2NINJA" >/dev/null 2>&1
rm profiles.yml

# defer: CI builds the change into a schema of its own, reading the rest
# from production
fresh "pass"
python3 - <<'PY'
import json
m = json.load(open('changed/manifest.json'))
def ci(v):
    return v.replace('"demo"."analytics".', '"demo"."ci_pr".') if isinstance(v, str) else v
for n in m['nodes'].values():
    for k in ('relation_name', 'compiled_code'):
        n[k] = ci(n.get(k))
    if n.get('schema') == 'analytics':
        n['schema'] = 'ci_pr'
json.dump(m, open('target/manifest.json', 'w'), indent=1)
PY
"$DBT2NINJA" -v --state "$TMP/prod/target/manifest.json" --defer >"$TMP/out" 2>&1
ok $? "--state and --defer with a manifest compiled for another schema"
grep -q "state from $TMP/prod/target/manifest.json: 0 new, 1 modified, 12 downstream, 7 unchanged" "$TMP/out"
ok $? "production's names are translated before comparing"
grep -q '^dbt2ninja: defer: model.jaffle.customers reads "demo"."analytics"."stg_customers"$' "$TMP/out"
ok $? "-v reports each deferred reference"
grep -q '"demo"."analytics"."stg_payments"' target/ninja/sql/model.jaffle.orders.sql
ok $? "references through an ephemeral model's CTE are deferred too"
ninja deploy >"$TMP/out" 2>&1
ok $? "CI deploys"
is "$(sql "select string_agg(table_name, ',' order by table_name) from information_schema.tables where table_schema = 'ci_pr'")" \
	"customer_segments,customers,daily_revenue,order_status_counts,orders,stg_orders,top_customers" \
	"only state:modified+ is built in CI's schema"
cd "$TMP/prod" && cp changed/manifest.json target/manifest.json && "$DBT2NINJA" >/dev/null 2>&1 && ninja deploy >/dev/null 2>&1
ok $? "production deploys the same change"
for t in customers orders daily_revenue top_customers; do
	is "$(sql "select count(*) from ((select * from analytics.$t except select * from ci_pr.$t) union all (select * from ci_pr.$t except select * from analytics.$t)) d")" \
		0 "CI's $t is production's"
done

# drop-env: CI's schemas go, production's stay
cd "$TMP/ci" || exit 1
"$DBT2NINJA" drop-env >"$TMP/out" 2>&1
is "$?" 1 "drop-env without --state refuses"
"$DBT2NINJA" drop-env --state "$TMP/prod/target/manifest.json" >"$TMP/out" 2>&1
ok $? "drop-env with production's state"
is "$(cat "$TMP/out")" "dbt2ninja: schema snapshots is production's ($TMP/prod/target/manifest.json): not dropping it; --force drops it anyway
dbt2ninja: dropped schema ci_pr" "drops CI's schema and keeps production's"
is "$(sql "select string_agg(nspname, ',' order by nspname) from pg_namespace where nspname in ('ci_pr', 'analytics', 'snapshots')")" \
	"analytics,snapshots" "as the database shows"
cd "$TMP/prod" || exit 1
"$DBT2NINJA" drop-env --state "$TMP/prod/target/manifest.json" >"$TMP/out" 2>&1
is "$?" 1 "in production, it refuses"
is "$(tail -1 "$TMP/out")" "dbt2ninja: nothing to drop: every schema here is production's" "saying so"
# a deep lattice of models, each reading both of the level above: every
# node is decided once (walking each path would take 2^60 steps)
mkdir -p "$TMP/lattice/target" && cd "$TMP/lattice" || exit 1
python3 - <<'PY'
import json
nodes = {}
for lvl in range(60):
    for side in 'ab':
        uid = 'model.p.m%d%s' % (lvl, side)
        deps = ['model.p.m%d%s' % (lvl - 1, s) for s in 'ab'] if lvl else []
        nodes[uid] = {'resource_type': 'model', 'name': 'm%d%s' % (lvl, side),
                      'relation_name': '"d"."s"."m%d%s"' % (lvl, side),
                      'compiled_code': 'select 1', 'config': {'materialized': 'view'},
                      'depends_on': {'nodes': deps}}
json.dump({'metadata': {'adapter_type': 'postgres'}, 'nodes': nodes}, open('prod.json', 'w'))
nodes['model.p.m59a']['compiled_code'] = 'select 2'
json.dump({'metadata': {'adapter_type': 'postgres'}, 'nodes': nodes}, open('target/manifest.json', 'w'))
PY
timeout 120 "$DBT2NINJA" --state prod.json >"$TMP/out" 2>&1
ok $? "--state over a lattice 60 levels deep finishes"
is "$(cat "$TMP/out")" "dbt2ninja: state from prod.json: 0 new, 1 modified, 0 downstream, 119 unchanged" \
	"with the one change"
done_testing
