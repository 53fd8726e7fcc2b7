#!/bin/sh
# dbt2ninja timeline: .ninja_log and the results as trace-event JSON, each
# event checked as Perfetto reads it (tests/trace.py): a log written by
# hand first, then real runs through ninja on a real database.
. "$(dirname "$0")/lib.sh"

# events: the complete events of the timeline, one a line
events() { "$DBT2NINJA" timeline >"$TMP/trace.json" 2>"$TMP/err" && python3 "$ROOT/tests/trace.py" "$TMP/trace.json"; }

cp -R "$ROOT/docs/example" "$TMP/jaffle"
cd "$TMP/jaffle" || exit 1
PGHOST=/run/golden PGPORT=5432 PGUSER=golden PGDATABASE=golden "$DBT2NINJA" >/dev/null 2>&1
C=$(conndir)
S=1700000000000	# the run's start, in ms
ns() { echo "$(( (S + $1) ))000000"; }
# a recompacted log: a line of an older run first, whose end ninjatracing
# would take for this run's; the executor's notes; a line cut short
{
	printf '# ninja log v5\n'
	printf '10\t20\t%s\t%s\tab12\n' "$(ns -100000)" "$C/ok/model.jaffle.stg_payments"
	printf '0\t40\t%s\t%s\t1f\n' "$(ns 38)" "$C/ok/seed.jaffle.raw_customers"
	printf '0\t0\t%s\t%s\t0\n' "$(ns 39)" "$C/built/seed.jaffle.raw_customers"
	printf '0\t50\t%s\t%s\t2f\n' "$(ns 48)" "$C/ok/seed.jaffle.raw_orders"
	printf '40\t90\t%s\t%s\t3f\n' "$(ns 88)" "$C/ok/model.jaffle.stg_customers"
	printf '0\t0\t%s\t%s\t0\n' "$(ns 77)" "$C/ok/model.jaffle.stg_orders"
	printf '50\t80\t%s\t%s\t4f\n' "$(ns 78)" "$C/ok/model.jaffle.stg_orders"
	printf '90\t95\t%s\tbuild.ninja\t5f\n' "$(ns 93)"
	printf '90\t99\t%s' "$(ns 97)"
} > target/ninja/.ninja_log
is "$(events)" "raw_orders 0 50000 1 seed - log
raw_customers 0 40000 2 seed - log
stg_customers 40000 50000 2 model - log
stg_orders 50000 30000 1 model - log
build.ninja 90000 5000 1 ninja - log" \
	"the run's lines, each in the lowest lane free at its start; no note, no older line"
is "$(cat "$TMP/err")" "" "and no warning"
check "lanes are named" grep -q '"slot 2"' "$TMP/trace.json"
check "otherData says when the run started" grep -q '"started_at":.*"2023-11-14T22:13:19.998000Z"' "$TMP/trace.json"
printf '# ninja log v4\n0\t40\t1\tx\t1\n' > target/ninja/.ninja_log
is "$(events)" "" "a log of a version ninja 1.10 to 1.13 does not write: nothing"
is "$(cat "$TMP/err")" "dbt2ninja: warning: target/ninja/.ninja_log: ninja log v4 is not read (v5 to v7 are)
dbt2ninja: warning: target/ninja/.ninja_log: no run to draw" "and says so"
"$DBT2NINJA" timeline extra >/dev/null 2>&1
is "$?" 2 "an argument is a usage error"

# real runs
withpg
cd "$TMP" && rm -rf jaffle && cp -R "$ROOT/docs/example" jaffle && cd jaffle || exit 1
"$DBT2NINJA" >/dev/null 2>&1
ninja -j 2 deploy >/dev/null 2>&1
ok $? "ninja -j 2 deploy"
events >"$TMP/ev"
ok $? "the trace is trace-event JSON, no lane overlapping itself"
is "$(awk '{ print $1 }' "$TMP/ev" | LC_ALL=C sort | tr '\n' ' ')" \
	"customer_segments customers customers_snapshot daily_revenue order_status_counts orders raw_customers raw_orders stg_customers stg_orders stg_payments top_customers " \
	"one event per node deployed, named as dbt names it"
is "$(awk '{ print $4 }' "$TMP/ev" | sort -u | tr '\n' ' ')" "1 2 " "two lanes: ninja -j 2 ran two at a time"
is "$(awk '$3 == 0' "$TMP/ev")" "" "no event of no length"
is "$(awk '{ print $6 }' "$TMP/ev" | sort -u)" success "each with its result's status"
check "the executor's notes are in the log" grep -q '^0	0	' target/ninja/.ninja_log
ninja -j 2 build >/dev/null 2>&1
is "$(events | awk '{ print $5 }' | sort | uniq -c | tr -s ' ' | tr '\n' ' ')" " 8 test " \
	"ninja build after it: the last run is the tests"

# a failure: ninja logs no failed edge, so it comes from its result (a
# run is told from the last one logged by its start: more than 20 ms after
# that one's end)
sed -i 's/^select/select nonexistent_col,/' target/ninja/sql/model.jaffle.orders.sql
sleep 0.05
ninja -k 0 deploy >/dev/null 2>&1
is "$(events | awk '{ print $1, $6, $7 }')" "orders error result" \
	"a run whose every edge failed logged nothing: its results alone"
sed -i 's/^select nonexistent_col,/select/' target/ninja/sql/model.jaffle.orders.sql
sed -i 's/^select/select nonexistent_col,/' target/ninja/sql/model.jaffle.customers.sql
ninja -k 0 -j 2 deploy >/dev/null 2>&1
events >"$TMP/ev"
is "$(awk '$7 == "result" { print $1, $6 }' "$TMP/ev")" "customers error" "a failed node among logged ones: from its result"
# (order_status_counts, a view on orders, which was refilled in place with
# the same columns, is left alone)
is "$(awk '$7 == "log" { print $1 }' "$TMP/ev" | LC_ALL=C sort | tr '\n' ' ')" "daily_revenue orders " \
	"beside the nodes that ran"
done_testing
