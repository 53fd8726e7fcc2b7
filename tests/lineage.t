#!/bin/sh
# dbt2ninja graph: the lineage as DOT, byte for byte for the example
# projects; selections in select's vocabulary; and on a real database, the
# statuses the runs leave, stale being exactly what ninja would run next.
# UPDATE_GOLDEN=1 rewrites the expected DOT from what is drawn now.
. "$(dirname "$0")/lib.sh"

# boxes: "unique_id class" per box of the DOT on stdin, sorted
boxes() { sed -n 's/^[[:space:]]*"\([^"]*\)" \[id="[^"]*", class="\([^"]*\)".*/\1 \2/p' | LC_ALL=C sort; }
# torun: the deploy nodes the graph says ninja would run next
torun() { "$DBT2NINJA" graph | boxes | awk '$2 != "test" && ($3 == "stale" || $3 == "never" || $3 == "error" || $3 == "skipped") { print $1 }' | tr '\n' ' '; }
# ninjarun: the nodes ninja deploy would run next, as ninja -n says
# (the edges that only touch a view's contents stamp are no node's run)
ninjarun() { ninja -n deploy 2>&1 | grep -v '^\[[0-9]*/[0-9]*\] contents ' | sed -n 's/^\[[0-9]*\/[0-9]*\] [a-z]* //p' | LC_ALL=C sort | tr '\n' ' '; }
# box UID: the DOT line of one box
box() { "$DBT2NINJA" graph | grep "^[[:space:]]*\"$1\" \["; }
# has TEXT PATTERN: whether TEXT holds PATTERN
has() { case $1 in *"$2"*) return 0;; esac; echo "# not in: $1"; return 1; }

# the golden DOT of each example, before anything ran
for case in jaffle shop; do
	if [ $case = jaffle ]; then src=$ROOT/docs/example; else src=$ROOT/tests/data/shop; fi
	cp -R "$src" "$TMP/$case"
	(cd "$TMP/$case" && PGHOST=/run/golden PGPORT=5432 PGUSER=golden PGDATABASE=golden \
		"$DBT2NINJA" >/dev/null 2>&1 && "$DBT2NINJA" graph) >"$TMP/$case.dot" 2>"$TMP/err"
	ok $? "$case: dbt2ninja graph draws"
	want=$ROOT/tests/golden/lineage-$case.dot
	[ "${UPDATE_GOLDEN:-}" ] && cp "$TMP/$case.dot" "$want"
	check "$case: the DOT is as expected" diff -u "$want" "$TMP/$case.dot"
	is "$(cat "$TMP/err")" "" "$case: and says nothing else"
	if command -v dot >/dev/null 2>&1; then
		dot -Tsvg "$TMP/$case.dot" >"$TMP/$case.svg" 2>"$TMP/err"
		ok $? "$case: Graphviz lays it out"
		is "$(cat "$TMP/err")" "" "$case: without a warning"
	else
		diag "no Graphviz dot (apt-get install graphviz): the DOT is not laid out"
	fi
done
is "$(boxes <"$TMP/jaffle.dot" | wc -l)" 14 \
	"jaffle: a box per model (the ephemeral one too), seed, snapshot and exposure; no test"
is "$(boxes <"$TMP/shop.dot" | grep -c ' source ')" 1 "shop: the source has its box"
check "shop: named as dbt names them: source.table" grep -q '<b>raw.events</b>' "$TMP/shop.dot"
check "shop: a versioned model NAME.vN" grep -q '<b>fct_sales.v2</b>' "$TMP/shop.dot"

cd "$TMP/jaffle" || exit 1
graph() { "$DBT2NINJA" graph "$@" | boxes | awk '{ print $1 }' | tr '\n' ' '; }
is "$(graph stg_orders)" "model.jaffle.stg_orders " "a name: that node alone"
check "with its tests folded into it" sh -c "'$DBT2NINJA' graph stg_orders | grep -q '3 tests: 3 not run'"
check "--indirect-selection empty: no test" \
	sh -c "! '$DBT2NINJA' graph --indirect-selection empty stg_orders | grep -q tests"
is "$(graph orders)" "model.jaffle.order_totals model.jaffle.orders " \
	"the ephemeral model a selected one reads is drawn"
is "$(graph +exposure:revenue_dashboard | wc -w)" 11 "+exposure:NAME: its upstream and the exposure"
is "$(graph 'tag:staging' --exclude stg_payments)" "model.jaffle.stg_customers model.jaffle.stg_orders " \
	"tag:, and --exclude"
is "$("$DBT2NINJA" graph stg_orders+1 | grep ' -> ' | tr -d '\t' | tr '\n' ' ')" \
	'"model.jaffle.order_totals" -> "model.jaffle.orders"; "model.jaffle.stg_orders" -> "model.jaffle.orders"; ' \
	"edges between drawn boxes only"
is "$("$DBT2NINJA" graph --group schema | grep -o 'subgraph "[^"]*"' | tr '\n' ' ')" \
	'subgraph "cluster_analytics" subgraph "cluster_snapshots" ' "--group schema: one cluster per schema"
is "$("$DBT2NINJA" graph --group none | grep -c subgraph)" 0 "--group none: no cluster"
"$DBT2NINJA" graph --group bogus >/dev/null 2>"$TMP/err"
is "$?" 2 "a bad --group is a usage error"
is "$(head -1 "$TMP/err")" "dbt2ninja: --group: bogus is not folder, schema or none" "that says so"
"$DBT2NINJA" graph --for deploy >/dev/null 2>&1
is "$?" 2 "--for is select's alone"
"$DBT2NINJA" graph 'nosuchmethod:x' >/dev/null 2>&1
is "$?" 1 "a bad selector is select's error"
(cd "$TMP/shop" && "$DBT2NINJA" graph 'source:raw+' | boxes | awk '{ print $1 }' | tr '\n' ' ') >"$TMP/out"
is "$(cat "$TMP/out")" "model.shop.stg_events source.shop.raw.events " "source:NAME+: the source and what reads it"

# On a real database: what the runs leave.
withpg
cd "$TMP" && rm -rf jaffle && cp -R "$ROOT/docs/example" jaffle && cd jaffle || exit 1
"$DBT2NINJA" >/dev/null 2>&1
is "$(torun)" "$(ninjarun)" "before any run: every node never ran, as ninja would run it"
ninja deploy >/dev/null 2>&1
ok $? "ninja deploy"
is "$("$DBT2NINJA" graph | boxes | awk '$2 != "exposure" && $3 != "none" { print $3 }' | sort -u)" success \
	"after it every deployed node is success"
check "its tests have not run" has "$(box model.jaffle.stg_orders)" '3 tests: 3 not run'
is "$(torun)" "" "and ninja has nothing to run"
ninja build >/dev/null 2>&1
check "ninja build: the tests pass" has "$(box model.jaffle.stg_orders)" '3 tests: 3 pass'

# a new manifest: stg_orders changed, so it and what is downstream are stale
cp changed/manifest.json target/manifest.json
"$DBT2NINJA" >/dev/null 2>&1
is "$(torun)" "$(ninjarun)" "stg_orders changed: stale is what ninja would run"
is "$(torun | wc -w)" 7 "stg_orders and its six downstream"
check "stg_orders is stale" has "$(box model.jaffle.stg_orders)" 'class="model stale"'
ninja deploy >/dev/null 2>&1
is "$(torun)" "" "after ninja deploy, nothing is"

# ninja's log counts too: a stamp newer than its job, but recorded older
job=target/ninja/sql/model.jaffle.stg_payments.sql
stamp=$(conndir)/ok/model.jaffle.stg_payments
touch "$job" && sleep 0.01 && touch "$stamp"
is "$(torun)" "$(ninjarun)" "a stamp ninja's log dates older than its job: as ninja judges it"
check "it is stale" has "$(box model.jaffle.stg_payments)" 'class="model stale"'
ninja deploy >/dev/null 2>&1

# a failing model: error, and what it blocks skipped
cp target/ninja/sql/model.jaffle.customers.sql "$TMP/customers.sql"
sed -i 's/^select/select nonexistent_col,/' target/ninja/sql/model.jaffle.customers.sql
ninja -k 0 deploy >/dev/null 2>&1
is "$(torun)" "$(ninjarun)" "a failed model and what it blocked: what ninja would run"
is "$("$DBT2NINJA" graph | boxes | awk '$3 == "error" || $3 == "skipped" { print $1, $3 }' | tr '\n' ' ')" \
	"model.jaffle.customer_segments skipped model.jaffle.customers error model.jaffle.top_customers skipped " \
	"the failure is error, its downstream skipped"
cp "$TMP/customers.sql" target/ninja/sql/model.jaffle.customers.sql
ninja deploy >/dev/null 2>&1
is "$(torun)" "" "fixed and deployed: nothing to run"

# tests: one that warns and one that fails, folded into their node
# onerow JOB: the job, its SQL replaced by one that finds one row
onerow() { sed '/^--$/q' "$1" >"$TMP/job" && echo 'select 1 as id' >>"$TMP/job" && mv "$TMP/job" "$1"; }
onerow target/ninja/sql/test.jaffle.not_null_orders_total.d0b3fb3a2e.sql
onerow target/ninja/sql/test.jaffle.relationships_orders_customer_id__customer_id__ref_stg_customers_.c6ec7f58f2.sql
ninja -k 0 test >/dev/null 2>&1
line=$(box model.jaffle.orders)
check "a warning and a failure, counted" has "$line" '2 tests: 1 warn, 1 fail'
check "on a line of the worse one's color" has "$line" '<td bgcolor="#f5a3a3"><font point-size="9">2 tests'
check "the model itself stays success" has "$line" 'class="model success"'
done_testing
