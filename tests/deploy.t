#!/bin/sh
# The example project, deployed through real ninja onto a throwaway
# PostgreSQL: first deploy, tests, a changed model, changed seed data
# (second runs of the seed, snapshot and incremental), a broken model and
# its fix.
. "$(dirname "$0")/lib.sh"
withpg

cp -R "$ROOT/docs/example" "$TMP/jaffle"
cd "$TMP/jaffle" || exit 1
# what ninja ran: the status lines of the executor
ran() { grep -E '^(OK|PASS|WARN|FAIL|ERROR)' "$TMP/out" | sed 's/ \[.*//' | LC_ALL=C sort; }

"$DBT2NINJA" 2>/dev/null
ok $? "generates"
ninja deploy >"$TMP/out" 2>&1
ok $? "ninja deploy succeeds"
is "$(grep -c '^OK' "$TMP/out")" 12 "every model, seed and snapshot is deployed"
is "$(sql 'select count(*) from analytics.raw_orders')" 12 "the seed is loaded"
is "$(sql "select data_type from information_schema.columns where table_name = 'raw_orders' and column_name = 'amount'")" \
	numeric "column_types wins over inference"
is "$(sql 'select count(*) from analytics.orders')" 12 "a table from views over seeds"
is "$(sql 'select sum(total) from analytics.orders')" 194.49 "with the ephemeral model's CTE"
is "$(sql 'select count(*) from analytics.daily_revenue')" 6 "an incremental model's first run"
is "$(sql 'select count(*) from snapshots.customers_snapshot')" 8 "a snapshot's first run"
is "$(sql "select table_type from information_schema.tables where table_name = 'customer_segments'")" VIEW "a view"
is "$(sql "select obj_description('analytics.customers'::regclass)")" \
	"One row per customer, with their order count and lifetime value." "persist_docs comments the relation"
is "$(sql "select col_description('analytics.customers'::regclass, 1)")" "The customer's key." "and its columns"
is "$(sql "select count(*) from pg_indexes where tablename = 'orders'")" 1 "indexes are created"
is "$(sql "select count(*) from pg_class where relname like '%__dbt_%'")" 0 "no intermediate relation is left"
CONN=$(conndir)
check "every stamp holds its job's hash and its connection's key" sh -c '
	for s in "$1"/ok/*; do
		n=${s##*/}
		[ "$(cat "$s")" = "$(sha256sum < "target/ninja/sql/$n.sql" | cut -d" " -f1) ${1##*/}" ] || exit 1
	done' - "$CONN"
check "every node run left a result" test "$(ls "$CONN"/results | wc -l)" -eq 12
is "$(grep -c '^PASS' "$TMP/out")" 0 "deploy, like dbt run, runs no test"

ninja test >"$TMP/out" 2>&1
ok $? "ninja test passes"
is "$(ran | grep -c '^PASS test')" 8 "every test runs"
is "$(ran | grep -vc '^PASS test')" 0 "and nothing else"
is "$(ninja deploy)" "ninja: no work to do." "a second deploy has nothing to do"

views=$(sql "select string_agg(c.oid::text, ' ' order by c.relname) from pg_class c where c.relkind = 'v'")
cp changed/manifest.json target/manifest.json
ninja deploy >"$TMP/out" 2>&1
ok $? "a changed staging model redeploys"
is "$(ran | tr '\n' ' ')" "OK created sql incremental model analytics.daily_revenue OK replaced in place sql table model analytics.customers OK replaced in place sql table model analytics.orders OK replaced in place sql table model analytics.top_customers OK replaced in place sql view model analytics.stg_orders " \
	"the changed model in place, and of its downstream what stores data, no test: the views on the tables refilled in place are not re-created"
is "$(sql "select string_agg(c.oid::text, ' ' order by c.relname) from pg_class c where c.relkind = 'v'")" "$views" \
	"every view is the relation it was"
is "$(sql 'select (select sum(orders) from analytics.order_status_counts) = (select count(*) from analytics.orders) and (select count(*) from analytics.customer_segments) = (select count(*) from analytics.customers)')" t \
	"and reads the tables refilled under it"
is "$(sql 'select count(*) from analytics.daily_revenue')" 6 "the incremental merged without duplicates"

# new seed data: the seed reloads, the snapshot records a change, the
# incremental takes a new day
sed -i 's/^3,Kathleen,P.,2024-01-09,false/3,Kathleen,Q.,2024-01-09,false/' seeds/raw_customers.csv
echo '13,1,2024-03-07 10:00:00,completed,5.00' >> seeds/raw_orders.csv
ninja deploy >"$TMP/out" 2>&1
ok $? "changed seed files redeploy without dbt compile"
is "$(sql 'select count(*) from analytics.raw_orders')" 13 "the seed is reloaded, not appended"
is "$(sql 'select count(*) from snapshots.customers_snapshot')" 9 "the snapshot adds the changed row"
is "$(sql "select count(*) from snapshots.customers_snapshot where customer_id = 3 and dbt_valid_to is not null")" 1 \
	"and closes the old one"
is "$(sql 'select count(*) from analytics.daily_revenue')" 7 "the incremental adds the new day"
is "$(ninja deploy)" "ninja: no work to do." "and then nothing is left to do"

# a broken model: an error naming the node, the server's words, the line
python3 - <<'PY'
import json
p = 'target/manifest.json'; m = json.load(open(p))
n = m['nodes']['model.jaffle.customers']
n['compiled_code'] = n['compiled_code'].replace('c.vip,', 'c.vipp,')
json.dump(m, open(p, 'w'))
PY
ninja deploy >"$TMP/out" 2>&1
ok $(( ! $? )) "a broken model fails the deploy"
grep -q '^ERROR creating sql table model analytics.customers' "$TMP/out"
ok $? "with dbt's status line"
grep -q '^dbt2ninja-run: model.jaffle.customers (target/ninja/sql/model.jaffle.customers.sql): 42703: column c.vipp does not exist' "$TMP/out"
ok $? "naming the node, its job, the SQLSTATE and the server's message"
grep -q 'at target/ninja/sql/model.jaffle.customers.sql:1[0-9], line 5 of the compiled SQL:' "$TMP/out"
ok $? "and the line of the model"
grep -q '^      c.vipp,$' "$TMP/out"
ok $? "which it shows"
check "no stamp for the broken model" test ! -e "$CONN/ok/model.jaffle.customers"
is "$(sql "select count(*) from pg_class where relname like 'customers__dbt_%'")" 0 "nothing half-built is left"
ninja -k 0 build >/dev/null 2>&1
"$DBT2NINJA" results >/dev/null
ok $? "dbt2ninja results gathers the results"
is "$(python3 -c '
import json
r = json.load(open("target/run_results.json"))
assert r["metadata"]["dbt_schema_version"].endswith("/run-results/v6.json")
by = {x["unique_id"]: x["status"] for x in r["results"]}
print(by["model.jaffle.customers"], by["model.jaffle.customer_segments"], by["model.jaffle.top_customers"], by["model.jaffle.orders"])
')" "error skipped skipped success" "into run_results.json: the failed node, what it blocked, what ran before"
cp changed/manifest.json target/manifest.json
ninja deploy >"$TMP/out" 2>&1
ok $? "after the fix, the rerun converges"
is "$(ran | head -1)" "OK replaced in place sql table model analytics.customers" "running what failed, and its downstream"
done_testing
