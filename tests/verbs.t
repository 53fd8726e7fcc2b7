#!/bin/sh
# dbt's three verbs through real ninja on the example project: deploy is
# dbt run, test is dbt test, build is dbt build, over one set of stamps.
. "$(dirname "$0")/lib.sh"
withpg

cp -R "$ROOT/docs/example" "$TMP/jaffle"
cd "$TMP/jaffle" || exit 1
ran() { grep -E '^(OK|PASS|WARN|FAIL|ERROR) ' "$TMP/out" | sed 's/ \[.*//' | LC_ALL=C sort; }
count() { ran | grep -c "^$1"; }
# failing SEVERITY: the test on stg_customers' key returns a row
failing() {
	python3 - "$1" <<'PY'
import json, sys
m = json.load(open('target/manifest.json'))
t = m['nodes']['test.jaffle.not_null_stg_customers_customer_id.e2cfb1f9aa']
t['compiled_code'] = 'select 1 as customer_id'
t['config']['severity'] = sys.argv[1]
json.dump(m, open('target/manifest.json', 'w'))
PY
}
cp target/manifest.json base.json
failing error

"$DBT2NINJA" 2>/dev/null
ok $? "generates"
ninja deploy >"$TMP/out" 2>&1
ok $? "ninja deploy succeeds though a test would fail"
is "$(count OK)" 12 "every model, seed and snapshot is deployed"
is "$(ran | grep -vc '^OK')" 0 "and no test runs"
is "$(ninja deploy)" "ninja: no work to do." "a second deploy has nothing to do"

ninja -k 0 build >"$TMP/out" 2>&1
ok $(( $? == 0 )) "ninja build fails on the failing test"
is "$(count OK)" 0 "after deploy, build deploys nothing again"
is "$(count PASS)" 7 "it runs the tests that pass"
is "$(ran | grep '^FAIL ')" "FAIL 1 test.jaffle.not_null_stg_customers_customer_id.e2cfb1f9aa" "and the one that fails"

# build from nothing: the failing test skips what descends from the
# node it tests, not its siblings
rm -rf target/ninja/conn/*/ok target/ninja/conn/*/built target/ninja/conn/*/results target/ninja/.ninja_log
psql -Xq -c 'set client_min_messages = warning' -c 'drop schema analytics cascade; drop schema snapshots cascade'
ninja -k 0 build >"$TMP/out" 2>&1
ok $(( $? == 0 )) "ninja -k 0 build from scratch fails"
for m in analytics.customers analytics.top_customers analytics.customer_segments \
    snapshots.customers_snapshot; do
	is "$(ran | grep -c " $m\$")" 0 "$m, downstream of stg_customers, is skipped"
done
for m in stg_orders orders daily_revenue order_status_counts stg_customers; do
	is "$(ran | grep -c " analytics\.$m\$")" 1 "$m runs"
done
is "$(grep -c '^PASS' "$TMP/out")" 7 "and every other test: none is of what it skips"
"$DBT2NINJA" results >/dev/null 2>&1
is "$(python3 -c '
import json
r = json.load(open("target/run_results.json"))["results"]
print(" ".join(sorted(x["unique_id"].split(".")[2] for x in r if x["status"] == "skipped")))')" \
	"customer_segments customers customers_snapshot top_customers" "dbt2ninja results writes them skipped"
ninja deploy >"$TMP/out" 2>&1
ok $? "ninja deploy then deploys what build skipped"
is "$(ran | tr '\n' ' ')" "OK created sql table model analytics.customers OK created sql table model analytics.top_customers OK created sql view model analytics.customer_segments OK snapshotted snapshots.customers_snapshot " \
	"exactly that"

# a warning skips nothing
cp base.json target/manifest.json
failing warn
rm -rf target/ninja/conn/*/ok target/ninja/conn/*/built
psql -Xq -c 'set client_min_messages = warning' -c 'drop schema analytics cascade; drop schema snapshots cascade'
ninja build >"$TMP/out" 2>&1
ok $? "with a warning, ninja build succeeds"
is "$(count OK)" 12 "deploys everything"
is "$(count WARN)" 1 "and warns"
is "$(ninja deploy)" "ninja: no work to do." "after build, deploy has no work to do"
is "$(ninja build)" "ninja: no work to do." "nor has build"
is "$(ninja test)" "ninja: no work to do." "nor test"

# a changed model: build runs it, its downstream and their tests
cp base.json target/manifest.json
ninja build >/dev/null 2>&1
cp "$ROOT/docs/example/changed/manifest.json" target/manifest.json
ninja build >"$TMP/out" 2>&1
ok $? "a changed staging model builds"
is "$(ran | tr '\n' ' ')" "OK created sql incremental model analytics.daily_revenue OK replaced in place sql table model analytics.customers OK replaced in place sql table model analytics.orders OK replaced in place sql table model analytics.top_customers OK replaced in place sql view model analytics.stg_orders PASS test.jaffle.accepted_values_stg_orders_status__placed__shipped__completed__returned.080fb20aad PASS test.jaffle.assert_revenue_positive PASS test.jaffle.not_null_orders_total.d0b3fb3a2e PASS test.jaffle.not_null_stg_orders_order_id.81cfe2fe64 PASS test.jaffle.relationships_orders_customer_id__customer_id__ref_stg_customers_.c6ec7f58f2 PASS test.jaffle.unique_stg_orders_order_id.e3b841c71a " \
	"of state:modified+, what the change reaches (the views on tables refilled in place stay), and every test of it"

# after deploy, build runs only the tests
cp base.json target/manifest.json
ninja deploy >"$TMP/out" 2>&1
ok $? "back to the base: deploy"
is "$(count PASS)" 0 "runs no test"
ninja build >"$TMP/out" 2>&1
is "$(count OK)" 0 "build then deploys nothing"
is "$(count PASS)" 6 "and runs the tests of what deploy changed"
ninja test >"$TMP/out" 2>&1
is "$(cat "$TMP/out")" "ninja: no work to do." "which is all test had to do"

# a selection under each verb
touch target/ninja/sql/model.jaffle.orders.sql
"$DBT2NINJA" select --for deploy orders+ >"$TMP/sel"
is "$(grep -c /ok/model "$TMP/sel") $(grep -c test "$TMP/sel")" "6 0" "select --for deploy prints the models' stamps"
"$DBT2NINJA" select --for test orders+ >"$TMP/sel"
is "$(grep -c /ok/test "$TMP/sel") $(grep -c model "$TMP/sel")" "3 0" "select --for test the tests'"
"$DBT2NINJA" select --for build orders+ >"$TMP/sel"
ninja $(cat "$TMP/sel") >"$TMP/out" 2>&1
ok $? "select --for build, built"
is "$(ran | grep '^OK' | tr '\n' ' ') $(count PASS)" "OK created sql incremental model analytics.daily_revenue OK replaced in place sql table model analytics.customers OK replaced in place sql table model analytics.orders OK replaced in place sql table model analytics.top_customers  3" \
	"deploys what the selection stores (not the views on what was refilled in place) and runs its tests"

# the real jaffle_shop (dbt 0.20, postgres), whose tagged_data_test
# returns rows: deploy is dbt run, every model; build stops at the test
real=$MANIFESTS/dbtdocs-jaffle-v2-0.20.0-postgres.json
if [ -f "$real" ]; then
	psql -Xqc 'create database jerco'
	mkdir -p "$TMP/real/target" "$TMP/real/data" && cd "$TMP/real" || exit 1
	cp "$real" target/manifest.json
	printf 'id,first_name,last_name,email\n1,Michael,P.,m@x\n2,Shawn,M.,s@x\n' > data/raw_customers.csv
	printf 'id,user_id,order_date,status\n1,1,2018-01-01,returned\n2,2,2018-01-02,completed\n' > data/raw_orders.csv
	printf 'id,order_id,payment_method,amount\n1,1,credit_card,1000\n2,2,coupon,200\n' > data/raw_payments.csv
	PGDATABASE=jerco "$DBT2NINJA" >/dev/null 2>&1
	ok $? "jaffle_shop: generates"
	PGDATABASE=jerco ninja deploy >"$TMP/out" 2>&1
	ok $? "jaffle_shop: ninja deploy succeeds"
	is "$(count OK) $(ran | grep -vc '^OK')" "9 0" "jaffle_shop: every model and seed, no test"
	PGDATABASE=jerco ninja -k 0 build >"$TMP/out" 2>&1
	ok $(( $? == 0 )) "jaffle_shop: ninja -k 0 build fails"
	is "$(ran | grep '^FAIL ' | tr '\n' ' ')" "FAIL 2 test.jaffle_shop.example_data_test FAIL 2 test.jaffle_shop.tagged_data_test " \
	    "on the data tests that return rows"
else
	diag "no $real: the real jaffle_shop is not tried"
fi
done_testing
