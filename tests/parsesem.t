#!/bin/sh
# The parse-time render of a project read here against dbt parse's
# (tests/data/parsesem): a node's own text with dbt's parse-time Undefined
# (an undefined name, package or macro answering attributes, items and
# calls, its calls' refs recorded; printed, tested and iterated as
# Undefined), in an enabled model and in a disabled one; is_incremental,
# dbt's macro, in depends_on.macros when the node calls it (not when a
# macro does); a generic test rendered in dbt's test namespace (the macros
# its own depend on, by name, by package and through adapter.dispatch: a
# macro outside it neither called nor in depends_on.macros). Its nodes'
# refs, depends_on, alias and tags are dbt parse's;
# what dbt2ninja lacks is refused, and an error in a package's macro names
# the macro's file and the node. graph.nodes iterated, in dbt's order.
. "$(dirname "$0")/lib.sh"
offline parsesem sem
M=target/ninja/manifest.json

"$DBT2NINJA" >"$TMP/gen" 2>&1
ok $? "dbt2ninja reads the project" || sed 's/^/# /' "$TMP/gen"
grep -q '^-- relation: "demo"."dev"."len_x"$' target/ninja/sql/model.sem.lenient.sql
ok $? "an alias joined of undefined attributes, items and slices: they print nothing"
python3 - "$M" >"$TMP/n" 2>&1 <<'PY'
import json, sys
n = json.load(open(sys.argv[1]))['nodes']
l, i, j = n['model.sem.lenient'], n['model.sem.incr'], n['model.sem.incr2']
print(sorted(l['depends_on']['nodes']), l['depends_on']['macros'], l['tags'])
print(i['depends_on']['macros'], j['depends_on']['macros'])
PY
is "$(sed -n 1p "$TMP/n")" "['model.sem.base', 'model.sem.other'] ['macro.helpers.passthrough'] ['True', 'False', '0', 'dflt']" \
	"the refs in an undefined call's arguments; false, empty, equal to itself, default"
is "$(sed -n 2p "$TMP/n")" "['macro.dbt.is_incremental'] ['macro.helpers.inc_or_not']" \
	"is_incremental() in depends_on.macros when the node calls it, not its macro's call"

grep -q "^select 'TEXT' as a, '\"demo\".INFORMATION_SCHEMA.tables' as b," target/ninja/sql/model.sem.apis.sql
ok $? "api.Column and information_schema() rendered"
grep -q '^select \* from "demo"."raw"."t1" union all select \* from "demo"."raw"."t2"$' target/ninja/sql/model.sem.srcuse.sql
ok $? "a source() the parse did not record, in a macro under execute: the root project's"
grep -q '^select 1 as id where true$' target/ninja/sql/model.sem.incr3.sql
ok $? "dbt.is_incremental() rendered"
grep -q '^-- column_types: {"b":"varchar(10)"}$' target/ninja/sql/seed.sem.shared.sql
ok $? "a package's patch of the root project's seed: its config"

# refused, or dbt's error, naming the file and what
refused() {
	rm -rf "$TMP/bad" && cp -R "$P" "$TMP/bad" && rm -rf "$TMP/bad/target" "$TMP/bad/build.ninja"
	(cd "$TMP/bad" && eval "$1" && DBT_PROFILES_DIR=. "$DBT2NINJA" >"$TMP/out" 2>&1)
	is $? 1 "$3: exit 1"
	grep -qF "$2" "$TMP/out"
	ok $? "$3: says so" || sed 's/^/# /' "$TMP/out"
}
refused 'echo "select {{ should_full_refresh() }} as x" >models/sfr.sql' \
	"unsupported: dbt.should_full_refresh, a macro of dbt's own that dbt2ninja does not have" \
	"a macro of dbt's that we lack is not undefined"
refused 'printf "{%% test lacks(model) %%}select {{ should_full_refresh() }}{%% endtest %%}\n" >dbt_packages/helpers/macros/lacks.sql &&
	printf "      - name: id\n        data_tests: [helpers.lacks]\n" >>models/kinds.yml' \
	"models/kinds.yml: generic test test.sem.helpers_lacks_base_id.f3b64605d5: unsupported: its macros reach dbt's should_full_refresh" \
	"a generic test whose macros reach one of dbt's we lack"
refused 'printf "{%% test dyn(model) %%}{%% set n = \"x\" %%}{{ adapter.dispatch(n, \"helpers\")() }}{%% endtest %%}\n" >dbt_packages/helpers/macros/dyn.sql &&
	printf "      - name: id\n        data_tests: [helpers.dyn]\n" >>models/kinds.yml' \
	"models/kinds.yml: generic test test.sem.helpers_dyn_base_id.f9f370074b: dbt_packages/helpers/macros/dyn.sql:1:58: macro macro.helpers.test_dyn: unsupported: an adapter.dispatch call not read statically" \
	"a generic test whose macro dispatches a name not literal"
refused 'echo "{% if run_started_at is not defined %}{{ exceptions.raise_compiler_error(\"none\") }}{% endif %}select {{ run_started_at.hour }} as h" >models/rs.sql' \
	"models/rs.sql:1:120: unsupported at parse: run_started_at.hour" \
	"run_started_at at parse: defined, as dbt's, but not read"
refused 'echo "{% for r in selected_resources %}{% endfor %}select 1 as x" >models/sr.sql' \
	"models/sr.sql:1:13: unsupported: selected_resources (not known when rendering here)" \
	"a name of dbt's context not given here, iterated: named"
refused 'echo "{{ nothere.name }}select 1 as x" >models/nm.sql' \
	"models/nm.sql:1:12: unsupported at parse: attribute 'name' of an undefined value" \
	"an undefined value's own attribute"
refused 'printf "{%% macro boom() %%}\n  {{ exceptions.raise_compiler_error(\"boom here\") }}\n{%% endmacro %%}\n" >dbt_packages/helpers/macros/boom.sql &&
	echo "select {{ helpers.boom() }} as x" >models/b.sql' \
	"dbt_packages/helpers/macros/boom.sql:2:6: Compilation Error: boom here (model.sem.b)" \
	"an error in a package's macro: its file and the node"
refused 'echo "select * from {{ helpers.late_source(\"raw\", \"nope\") }}" >models/ls.sql' \
	"source('raw', 'nope'): not among the node's depends_on.nodes, nor a source of the root project or of the node's package" \
	"a source() found nowhere"
refused 'printf "a\n1\n" >seeds/dup.csv && cp seeds/dup.csv dbt_packages/helpers/seeds/ &&
	printf "  - name: dup\n    description: mine\n" >>dbt_packages/helpers/seeds/seeds.yml' \
	"dbt_packages/helpers/seeds/seeds.yml: seed dup: unsupported: a patch of another package's node but for an enabled node of that name" \
	"a package's patch of its own enabled seed, when the root has one of that name"
refused 'printf "{%% macro inside() %%}{{ nothere.attr }}{%% endmacro %%}\n" >dbt_packages/helpers/macros/in.sql &&
	echo "select {{ helpers.inside() }} as x" >models/p.sql' \
	"dbt_packages/helpers/macros/in.sql:1:" \
	"a macro's own undefined is the default Undefined"

# the reference dbt: the same project through dbt parse's manifest
refdbt_or_done "$TMP/refdbt"
D=$TMP/dbt
cp -R "$P" "$D"
rm -rf "$D/target" "$D/build.ninja" "$D/.ninja_log" "$D/.ninja_deps"
bothways "$D"
samejobs "$D"
python3 - "$D/target/manifest.json" "$TMP/fresh/$M" >"$TMP/cmp" 2>&1 <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
bad = 0
for uid in sorted(set(a['nodes']) | set(b['nodes'])):
    x, y = a['nodes'].get(uid), b['nodes'].get(uid)
    if x is None or y is None:
        print('only in', 'dbt' if x else 'ours', uid); bad += 1; continue
    for k in ('depends_on', 'refs', 'alias', 'tags'):
        if x.get(k) != y.get(k):
            print(uid, k, 'dbt:', x.get(k), 'ours:', y.get(k)); bad += 1
x, y = a['nodes'].get('seed.sem.shared', {}), b['nodes'].get('seed.sem.shared', {})
for k in ('patch_path', 'description'):
    if x.get(k) != y.get(k):
        print('seed.sem.shared', k, 'dbt:', x.get(k), 'ours:', y.get(k)); bad += 1
if x.get('config', {}).get('column_types') != y.get('config', {}).get('column_types'):
    print('seed.sem.shared column_types differ'); bad += 1
if sorted(a['disabled']) != sorted(b.get('disabled', {})):
    print('disabled: dbt', sorted(a['disabled']), 'ours', sorted(b.get('disabled', {}))); bad += 1
print('same' if not bad else 'differs')
PY
is "$(tail -1 "$TMP/cmp")" same "every node's refs, depends_on, alias and tags are dbt parse's, and the patched seed's" || sed 's/^/# /' "$TMP/cmp"
# graph.nodes in dbt's order, read in one directory both ways (the file
# system's order is that directory's)
O=$TMP/order
rm -rf "$O" && cp -R "$P" "$O" && rm -rf "$O/target" "$O/build.ninja"
(cd "$O" && DBT_PROFILES_DIR=. "$DBT2NINJA" >/dev/null 2>&1 &&
	cp target/ninja/sql/model.sem.graphorder.sql "$TMP/order.ours" &&
	DBT_PROFILES_DIR=. "$TMP/refdbt/bin/dbt" parse >/dev/null 2>&1 &&
	DBT_PROFILES_DIR=. "$DBT2NINJA" target/manifest.json >/dev/null 2>&1 &&
	python3 -c 'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["nodes"]))' \
	    target/manifest.json >"$TMP/order.dbt" &&
	diff target/ninja/sql/model.sem.graphorder.sql "$TMP/order.ours" >"$TMP/diff" 2>&1)
ok $? "graph.nodes, graph.sources and graph.exposures iterated in a project read here: dbt parse's order, $(wc -l <"$TMP/order.dbt") nodes" ||
	head -20 "$TMP/diff" | sed 's/^/# /'
(cd "$D" && printf "{%% macro boom() %%}\n  {{ exceptions.raise_compiler_error(\"boom here\") }}\n{%% endmacro %%}\n" >dbt_packages/helpers/macros/boom.sql &&
	echo "select {{ helpers.boom() }} as x" >models/b.sql && rm -rf target &&
	DBT_PROFILES_DIR=. "$TMP/refdbt/bin/dbt" parse >"$TMP/parse.err" 2>&1)
grep -q "boom here" "$TMP/parse.err" && grep -q "in macro boom (macros/boom.sql)" "$TMP/parse.err"
ok $? "dbt parse fails there too, in the same words" || sed 's/^/# /' "$TMP/parse.err"
done_testing
