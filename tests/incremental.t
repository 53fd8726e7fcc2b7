#!/bin/sh
# Through real ninja: content-hash stamps make `ninja deploy` select exactly
# the changed nodes and what is downstream of them (dbt's state:modified+).
# Stamps are written here as the executor would write them on success.
. "$(dirname "$0")/lib.sh"

shop
cd "$TMP/shop" || exit 1

# The nodes `ninja -n TARGET` would run, sorted.
# (a view's contents edge runs nothing: not a node)
would() { ninja -n "$@" | grep -v '^\[[0-9/]*\] contents ' | sed -n 's/^\[[0-9]*\/[0-9]*\] [a-z]* //p' | LC_ALL=C sort | tr '\n' ' '; }
# Mark every node deployed, as the executor does after each success (a
# test has no interface or contents stamps); one mtime for all, as if they
# had been deployed in order within a tick.
deployall() {
	mkdir -p "$(conndir)/ok" "$(conndir)/built" "$(conndir)/if" "$(conndir)/data"
	now=$(date +%Y-%m-%dT%H:%M:%S.%N)
	for j in target/ninja/sql/*.sql; do
		b=${j##*/}
		touch -d "$now" "$(conndir)/ok/${b%.sql}" "$(conndir)/built/${b%.sql}"
		case $b in test.*) ;; *) touch -d "$now" "$(conndir)/if/${b%.sql}" "$(conndir)/data/${b%.sql}" ;; esac
	done
}
# edit PYTHON: change the manifest in place.
edit() { python3 -c "
import json; p = 'target/manifest.json'; m = json.load(open(p)); n = m['nodes']
$1
json.dump(m, open(p, 'w'), indent=1)"; }
jobs=target/ninja/sql

"$DBT2NINJA" 2>/dev/null
ok $? "generates"
is "$(would deploy | wc -w)" 12 "a fresh checkout deploys every model, seed and snapshot, and no test"
is "$(would deploy)" "$(would | tr -d '\n')" "deploy is the default target"
deployall
is "$(ninja -n deploy)" "ninja: no work to do." "once deployed, nothing to do"
is "$(ninja -n build)" "ninja: no work to do." "nor for build"

before=$(tree "$jobs")
edit "n['model.shop.stg_orders']['compiled_code'] = '-- staged orders\n' + n['model.shop.stg_orders']['compiled_code'].replace(' ', '\n    ')"
ninja build.ninja >/dev/null 2>&1
ok $? "ninja regenerates build.ninja when the manifest changes"
is "$(tree "$jobs")" "$before" "reformatting a model rewrites no job file"
is "$(ninja -n deploy)" "ninja: no work to do." "and deploys nothing"

edit "n['model.shop.stg_orders']['compiled_code'] += ' where amount > 0'"
ninja build.ninja >/dev/null 2>&1
is "$(would deploy)" "model.shop.customers model.shop.fct_sales.v1 model.shop.fct_sales.v2 model.shop.orders model.shop.py_scores model.shop.stg_orders snapshot.shop.orders_snapshot " \
	"a changed model deploys with everything downstream, and no test"
is "$(would build)" "model.shop.customers model.shop.fct_sales.v1 model.shop.fct_sales.v2 model.shop.orders model.shop.py_scores model.shop.stg_orders snapshot.shop.orders_snapshot test.shop.accepted_values_stg_orders_amount__1__2__3__4__5__6__7__8__9__10__11__12__13__14__15__16__17__18__19__20__21__22__23__24__25__26__27__28__29__30__31__32__33__34__35__36__37__38__39__40__41__42__43__44__45__46__47__48__49__50__51__52__53__54__55__56__57__58__59.0f1e2d test.shop.assert_positive_amounts test.shop.not_null_stg_orders_id.1a2b3c test.shop.relationships_orders_customer_id__id__ref_customers_.4d5e6f " \
	"and builds them with their tests"
is "$(would stg_orders)" "model.shop.stg_orders " "a model's name builds just that model"
is "$(would tag:staging)" "model.shop.stg_orders " "tag:NAME builds the changed nodes among the tagged"
deployall

edit "n['model.shop.orders']['config']['unique_key'] = ['id', 'customer_id']"
ninja build.ninja >/dev/null 2>&1
is "$(would deploy)" "model.shop.fct_sales.v1 model.shop.fct_sales.v2 model.shop.orders " \
	"a changed config redeploys the node and its downstream"
deployall

printf '3,1,7.0,2024-01-03\n' >> seeds/raw_orders.csv
ninja build.ninja >/dev/null 2>&1
ok $? "a changed seed file regenerates build.ninja without a new manifest"
is "$(would deploy | wc -w)" 8 "and redeploys the seed and its downstream"
would deploy | grep -q 'model.shop.stg_orders .*seed.shop.raw_orders'
ok $? "the seed first among them"
deployall

edit "del n['model.utils.calendar']"
ninja build.ninja >/dev/null 2>&1
check "a node that left the manifest loses its job file" test ! -e "$jobs/model.utils.calendar.sql"
is "$(ninja -n deploy)" "ninja: no work to do." "and nothing else changes"

rm "$(conndir)"/ok/model.shop.orders
is "$(would deploy)" "model.shop.fct_sales.v1 model.shop.fct_sales.v2 model.shop.orders " \
	"a missing stamp (a failed run) reruns the node and its downstream: retry is rerun"
deployall

ninja -t clean >/dev/null
check "ninja -t clean keeps deployment stamps" test -e "$(conndir)/ok/model.shop.orders"
is "$(ninja -n deploy)" "ninja: no work to do." "and so nothing to redeploy"

is "$(would exposure:revenue\ dashboard)" "" "an exposure's upstream is up to date"
rm "$(conndir)"/ok/model.shop.stg_customers
is "$(would 'exposure:revenue dashboard')" "model.shop.customers model.shop.stg_customers " \
	"exposure:NAME builds its upstream"
deployall

# the project's files: a profile whose threads change, a seed deleted
printf 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      threads: 3\n' > profiles.yml
"$DBT2NINJA" 2>/dev/null
is "$(sed -n 's/^threads = //p' build.ninja)" 3 "the profile's threads are the pool's depth"
sleep 1
sed -i 's/threads: 3/threads: 5/' profiles.yml
ninja build.ninja >"$TMP/out" 2>&1
ok $? "a changed profiles.yml regenerates build.ninja"
is "$(sed -n 's/^threads = //p' build.ninja)" 5 "with its threads"
rm seeds/raw_customers.csv
ninja -n deploy >"$TMP/out" 2>&1
ok $? "a deleted seed file does not stop ninja"
grep -q 'regenerating build.ninja' "$TMP/out"
ok $? "it regenerates build.ninja"
done_testing
