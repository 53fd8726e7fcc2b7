#!/bin/sh
# dbt2ninja select: dbt's selector grammar over the example project, and
# the targets it prints work with ninja.
. "$(dirname "$0")/lib.sh"

cp -R "$ROOT/docs/example" "$TMP/jaffle"
cd "$TMP/jaffle" || exit 1
"$DBT2NINJA" >/dev/null 2>&1
CONN=$(conndir)
# sel ARGS...: the selected unique_ids, on one line
sel() { "$DBT2NINJA" select "$@" | sed "s|^$CONN/ok/||" | LC_ALL=C sort | tr '\n' ' '; }
models() { sel --indirect-selection empty "$@"; }
T_SO="test.jaffle.accepted_values_stg_orders_status__placed__shipped__completed__returned.080fb20aad test.jaffle.not_null_stg_orders_order_id.81cfe2fe64 test.jaffle.unique_stg_orders_order_id.e3b841c71a"

is "$(sel stg_orders)" "model.jaffle.stg_orders $T_SO " "a name, with its tests (eager indirect selection)"
is "$(models stg_orders)" "model.jaffle.stg_orders " "--indirect-selection empty: no tests"
is "$(models 'stg_orders+' | wc -w)" 13 "a+: descendants, tests among them as graph children"
is "$(models 1+customers)" "model.jaffle.customers model.jaffle.orders model.jaffle.stg_customers " \
	"n+a: ancestors to a depth, through the ephemeral model"
is "$(models +customers | wc -w)" 7 "+a: all ancestors"
is "$(models 'stg_payments+1')" "model.jaffle.orders model.jaffle.stg_payments " "a+n: descendants to a depth"
is "$(models @daily_revenue | wc -w)" 6 "@a: descendants and their ancestors"
is "$(models tag:staging)" "model.jaffle.stg_customers model.jaffle.stg_orders model.jaffle.stg_payments " "tag:"
is "$(models path:models/staging)" "model.jaffle.stg_customers model.jaffle.stg_orders model.jaffle.stg_payments " "path:"
is "$(models models/staging)" "model.jaffle.stg_customers model.jaffle.stg_orders model.jaffle.stg_payments " "a value with a / is a path"
is "$(models stg_orders.sql)" "model.jaffle.stg_orders " "a value ending .sql is a file"
is "$(models 'jaffle.staging.*')" "model.jaffle.stg_customers model.jaffle.stg_orders model.jaffle.stg_payments " "fqn: globs"
is "$(models staging.stg_orders)" "model.jaffle.stg_orders " "fqn: without the package"
is "$(models config.materialized:table)" "model.jaffle.customers model.jaffle.orders model.jaffle.top_customers " "config.KEY:"
is "$(models resource_type:seed)" "seed.jaffle.raw_customers seed.jaffle.raw_orders " "resource_type:"
is "$(sel test_type:singular)" "test.jaffle.assert_revenue_positive " "test_type:singular"
is "$(sel test_type:generic | wc -w)" 7 "test_type:generic"
is "$(models package:this | wc -w)" 20 "package:this is the root project"
is "$(models 'tag:staging,config.materialized:view' 'resource_type:seed')" \
	"model.jaffle.stg_customers model.jaffle.stg_orders model.jaffle.stg_payments seed.jaffle.raw_customers seed.jaffle.raw_orders " \
	"commas intersect, words unite"
is "$(models 'tag:staging resource_type:seed' --exclude stg_orders)" \
	"model.jaffle.stg_customers model.jaffle.stg_payments seed.jaffle.raw_customers seed.jaffle.raw_orders " \
	"--exclude subtracts, after the graph"
is "$(sel --indirect-selection cautious orders)" "model.jaffle.orders test.jaffle.not_null_orders_total.d0b3fb3a2e " \
	"cautious: only tests all of whose parents are selected"
is "$(sel --indirect-selection buildable customers)" "model.jaffle.customers " \
	"buildable: only tests of what is selected whose parents are built with it"
is "$(sel --indirect-selection buildable orders | wc -w)" 2 "a test of a parent outside is not buildable"
is "$(models +exposure:revenue_dashboard | wc -w)" 9 "+exposure:NAME: its upstream"
is "$(models exposure:revenue_dashboard)" "" "an exposure alone is nothing to build"

cp changed/manifest.json target/manifest.json
is "$(sel --state "$ROOT/docs/example/target" state:modified)" "model.jaffle.stg_orders $T_SO " "state:modified"
is "$(models --state "$ROOT/docs/example/target" state:modified.body)" "model.jaffle.stg_orders " "state:modified.body"
is "$(models --state "$ROOT/docs/example/target" state:modified.relation)" "" "state:modified.relation"
is "$(models --state "$ROOT/docs/example/target" 'state:modified+' | wc -w)" 13 "state:modified+"
is "$(models --state "$ROOT/docs/example/target" state:new)" "" "state:new"

# state:modified.contract and .persisted_descriptions
mkdir -p cprod
python3 - "$ROOT/docs/example/target/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
n = m['nodes']['model.jaffle.customers']
n['config']['contract'] = {'enforced': True}
n['config']['persist_docs'] = {'relation': True, 'columns': True}
n['columns'] = {'customer_id': {'name': 'customer_id', 'data_type': 'int', 'description': 'the key'}}
json.dump(m, open('cprod/manifest.json', 'w'))
n['columns']['customer_id']['data_type'] = 'bigint'
json.dump(m, open('target/manifest.json', 'w'))
n['columns']['customer_id']['data_type'] = 'int'
n['columns']['customer_id']['description'] = 'the customer'
json.dump(m, open('described.json', 'w'))
PY
is "$(models --state cprod state:modified.contract)" "model.jaffle.customers " "a column's type changed: state:modified.contract"
is "$(models --state cprod state:modified.persisted_descriptions)" "" "but not .persisted_descriptions"
cp described.json target/manifest.json
is "$(models --state cprod state:modified.persisted_descriptions)" "model.jaffle.customers " \
	"a persisted column description changed: state:modified.persisted_descriptions"
is "$(models --state cprod state:modified.contract)" "" "but not .contract"
cp changed/manifest.json target/manifest.json

# result: from run_results.json beside the state manifest
mkdir -p prod && cp "$ROOT/docs/example/target/manifest.json" prod/
printf '{"results": [{"unique_id": "model.jaffle.orders", "status": "error"}]}' > prod/run_results.json
is "$(models --state prod result:error+ | wc -w)" 9 "result:error+"

# errors point at the column
"$DBT2NINJA" select 'tag:staging,nope:x' >/dev/null 2>"$TMP/err"
is "$?" 1 "an unknown method fails"
is "$(sed -n 3p "$TMP/err")" "              ^" "pointing at it"
"$DBT2NINJA" select '@a+' >/dev/null 2>&1
is "$?" 1 "@ with + is an error, as in dbt"
"$DBT2NINJA" select state:modified >/dev/null 2>"$TMP/err"
is "$(head -1 "$TMP/err")" "dbt2ninja: select: state: needs --state" "state: needs --state"
"$DBT2NINJA" select --state "$ROOT/docs/example/target" state:modified.macros >/dev/null 2>"$TMP/err"
is "$(head -1 "$TMP/err")" "dbt2ninja: select: state: takes new, old, modified, unmodified, or modified.body, .configs, .relation, .contract or .persisted_descriptions" \
	"an unknown state: value is an error"

# the targets are ninja's
ninja build.ninja >/dev/null 2>&1
ninja $("$DBT2NINJA" select 'tag:staging') -n >"$TMP/out" 2>&1
ok $? "ninja \$(dbt2ninja select EXPR) works"
is "$(grep -v '^\[[0-9/]*\] contents ' "$TMP/out" | grep -c '^\[')" 12 "and builds what was selected and what it needs"
done_testing
