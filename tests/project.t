#!/bin/sh
# dbt2ninja reading the dbt project itself (no manifest): tests/data/project,
# a jaffle-style project (seeds, staging models with config blocks, a
# source, properties files with generic tests, a custom
# generate_schema_name, vars, project config trees). Its jobs are deployed
# and tested through real ninja; editing a model regenerates; what is not
# read exactly is refused naming it. With the reference dbt, the job files
# from the project are byte-identical to those from dbt parse's manifest
# of the same project.
. "$(dirname "$0")/lib.sh"
command -v ninja >/dev/null 2>&1 || skip_all "ninja is not installed"
withpg
P=$TMP/ours
cp -R "$ROOT/tests/data/project" "$P"
printf 'jaffle:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: "%s"\n      port: %s\n      user: postgres\n      password: ""\n      dbname: demo\n      schema: dev\n      threads: 2\n' \
	"$PGHOST" "$PGPORT" >"$P/profiles.yml"
export DBT_PROFILES_DIR="$P"
cd "$P" || exit 1
# the source's table, as a loader leaves it
psql -Xq -v ON_ERROR_STOP=1 -c "create schema jaffle_src" -c "create table jaffle_src.raw_orders as
	select * from (values (1, 1, date '2018-01-01', 'returned'), (2, 3, date '2018-01-02', 'completed'),
	(3, 4, date '2018-01-04', 'completed'), (4, 1, date '2018-01-05', 'placed'),
	(5, 2, date '2018-01-05', 'shipped')) v(id, user_id, order_date, status)" || exit 1
job() { echo "target/ninja/sql/$1.sql"; }

"$DBT2NINJA" -v >"$TMP/gen" 2>&1
ok $? "dbt2ninja reads the project when no manifest is named" || sed 's/^/# /' "$TMP/gen"
grep -q '5 models, 2 seeds, 2 snapshots, 20 tests' "$TMP/gen"
ok $? "its 5 models, 2 seeds, 2 snapshots, 18 generic tests and 2 singular ones" || sed 's/^/# /' "$TMP/gen"
grep -q '^-- check_cols: \["amount"\]$' "$(job snapshot.jaffle.payments_snapshot)"
ok $? "a snapshot of a properties file (dbt 1.9's), its config there"
grep -q '^-- check_cols: \["status"\]$' "$(job snapshot.jaffle.orders_snapshot)"
ok $? "a snapshot block's config() call"
grep -q '^-- severity: "warn"$' "$(job test.jaffle.assert_no_negative_amounts)"
ok $? "a singular test's config() call"
grep -q '^-- relation: "demo"."dev_dbt_test__audit"."assert_orders_have_customers"$' \
	"$(job test.jaffle.assert_orders_have_customers)"
ok $? "a singular test in a folder of the test paths, in dbt's audit schema"
AV=test.jaffle.accepted_values_stg_payments_payment_method___var_payment_methods_.f51ef50a30
[ -f "$(job $AV)" ]
ok $? "a test's unique_id ends in dbt's hash of its name and metadata"
grep -q '^-- relation: "demo"."dev_dbt_test__audit"."accepted_values_stg_payments_787d970bebfe4c4d43afd58438d554ea"$' "$(job $AV)"
ok $? "a long test name is shortened with dbt's hash"
grep -q '^-- relation: "demo"."dev_staging"."orders_staged"$' "$(job model.jaffle.stg_orders)"
ok $? "config(alias=...) in the model, +schema from the project, the project's generate_schema_name"
grep -q '^-- relation: "demo"."jaffle_raw"."raw_payments"$' "$(job seed.jaffle.raw_payments)"
ok $? "a seed's schema from the project's own generate_schema_name"
grep -q '^-- post-hook: \[{"sql":"analyze \\"demo\\".\\"dev_staging\\".\\"stg_payments\\"","transaction":true,"index":null}\]$' \
	"$(job model.jaffle.stg_payments)"
ok $? "a post_hook of config() as dbt's hook, rendered"
grep -q '^-- severity: "error"$' \
	"$(job test.jaffle.accepted_values_stg_orders_status__placed__shipped__completed__return_pending__returned.080fb20aad)"
ok $? "a test's own config wins over the project's tests: tree"
grep -q '^-- severity: "warn"$' "$(job test.jaffle.unique_orders_order_id.fed79b3a6e)"
ok $? "the project's tests: tree"
grep -q "where order_date > '2018-01-01'" "$(job test.jaffle.not_null_orders_customer_id.c5f02694af)"
ok $? "a test's where config narrows its model"
grep -q '^-- materialized: view$' "$(job model.jaffle.stg_orders)" &&
	grep -q '^-- materialized: table$' "$(job model.jaffle.orders)"
ok $? "materialized from the project tree, the properties file and config()"

ninja build >"$TMP/build" 2>&1
ok $? "ninja build deploys it and runs its tests" || tail -20 "$TMP/build" | sed 's/^/# /'
is "$(sql 'select count(*) from dev_marts.customers')" 4 "customers, through the staging models"
is "$(sql 'select sum(amount) from dev.orders')" 79.00 "orders, with a column per payment method of var()"
is "$(sql "select count(*) from pg_views where schemaname = 'dev_staging' and viewname = 'orders_staged'")" 1 \
	"stg_orders a view under its alias"
is "$(sql 'select what from dev.run_log')" "end of jaffle" "on-run-start made the log, on-run-end wrote in it"
is "$(sql "select obj_description('dev_staging.orders_staged'::regclass)")" "The orders, **one row each**." \
	"a description from a docs block, persisted"

"$DBT2NINJA" select 'tag:finance' >"$TMP/sel" 2>&1
grep -q '/ok/model.jaffle.orders$' "$TMP/sel"
ok $? "dbt2ninja select reads what the project read itself gave" || sed 's/^/# /' "$TMP/sel"
"$DBT2NINJA" results >"$TMP/res" 2>&1 && grep -q '"unique_id":[[:space:]]*"model.jaffle.orders"' target/run_results.json
ok $? "and so does dbt2ninja results" || sed 's/^/# /' "$TMP/res"
ninja -n build >"$TMP/noop" 2>&1
grep -q 'no work to do' "$TMP/noop"
ok $? "nothing to do once built" || sed 's/^/# /' "$TMP/noop"
sleep 1
printf '\n-- a comment only\n' >>models/marts/orders.sql
sed 's/    first_name,/    first_name as first_name,/' models/staging/stg_customers.sql >"$TMP/m" &&
	cat "$TMP/m" >models/staging/stg_customers.sql
ninja deploy >"$TMP/again" 2>&1
ok $? "ninja deploy after editing two models" || sed 's/^/# /' "$TMP/again"
grep -q 'regenerating build.ninja' "$TMP/again"
ok $? "an edited model regenerates build.ninja"
grep -q 'model model.jaffle.stg_customers' "$TMP/again"
ok $? "and the model whose SQL changed runs"
grep -q 'model model.jaffle.orders$' "$TMP/again"
is $? 1 "not the one whose change is a comment"
ninja -n build.ninja >"$TMP/noop" 2>&1
grep -q 'no work to do' "$TMP/noop"
ok $? "analyses/ and dbt_packages/ absent: nothing to regenerate" || sed 's/^/# /' "$TMP/noop"
mkdir analyses
ninja -n build.ninja >"$TMP/made" 2>&1
grep -q 'regenerating build.ninja' "$TMP/made"
ok $? "a source path of dbt's defaults, made, regenerates" || sed 's/^/# /' "$TMP/made"
touch .dbtignore
ninja -n build.ninja 2>&1 | grep -q 'regenerating build.ninja'
ok $? "a .dbtignore, made, regenerates"
rm .dbtignore
rmdir analyses

# the paths' names before dbt 1.0: the same project
copyof "$ROOT/tests/data/project" old
copyof "$ROOT/tests/data/project" new
genin "$TMP/new"
sed -i 's/^model-paths:/source-paths:/; s/^seed-paths:/data-paths:/' "$TMP/old/dbt_project.yml"
genin "$TMP/old"
ok $? "source-paths and data-paths, as before dbt 1.0" || sed 's/^/# /' "$TMP/out"
diff -r "$TMP/new/target/ninja/sql" "$TMP/old/target/ninja/sql" >"$TMP/diff"
ok $? "are model-paths and seed-paths" || head -20 "$TMP/diff" | sed "s/^/# /"

# the files dbt's find_matching takes: [!.#~]*.sql, case folded, in hidden
# directories too
copyof "$ROOT/tests/data/project" hid
mkdir "$TMP/hid/models/.kept" && echo 'select 1 as x' >"$TMP/hid/models/.kept/hidden_dir.sql"
echo 'select 1 as x' >"$TMP/hid/models/UPPER.SQL"
for f in '~backup.sql' '#draft.sql' '.dot.sql'; do echo 'select 1 as x' >"$TMP/hid/models/$f"; done
genin "$TMP/hid" -v
grep -q '7 models' "$TMP/out" && [ -f "$TMP/hid/target/ninja/sql/model.jaffle.hidden_dir.sql" ] &&
	[ -f "$TMP/hid/target/ninja/sql/model.jaffle.UPPER.sql" ]
ok $? "a model in a hidden directory and one of .SQL, as dbt reads them; none of ~, # or . files" ||
	sed 's/^/# /' "$TMP/out"

# a model named as a path the reader looked for keeps its name
rm -rf "$TMP/named" && cp -R "$ROOT/tests/data/project" "$TMP/named" && cp "$P/profiles.yml" "$TMP/named/"
echo 'select 1 as x' >"$TMP/named/models/analyses.sql"
(cd "$TMP/named" && DBT_PROFILES_DIR=. "$DBT2NINJA" >"$TMP/out" 2>&1 &&
	ninja -n analyses >"$TMP/named.n" 2>&1 && ninja -n build.ninja >"$TMP/named.noop" 2>&1)
ok $? "a model called analyses, and no analyses/" || cat "$TMP/out" "$TMP/named.n" | sed 's/^/# /'
grep -q 'model.jaffle.analyses' "$TMP/named.n"
ok $? "ninja analyses builds the model" || sed 's/^/# /' "$TMP/named.n"
grep -q 'no work to do' "$TMP/named.noop"
ok $? "and build.ninja does not wait on it" || sed 's/^/# /' "$TMP/named.noop"
mkdir "$TMP/named/analyses"
(cd "$TMP/named" && ninja -n build.ninja) 2>&1 | grep -q 'regenerating build.ninja'
ok $? "analyses/, made, regenerates all the same"

# refused, naming the file and what: never a different manifest
refused() { refusedin "$ROOT/tests/data/project" "$@"; }
refused 'echo "{% if execute %}{% for n in graph.nodes.values() %}{{ n.name }}{% endfor %}{% endif %}select 1 as x" >models/g.sql' \
	"iterating a section of graph of a project read here (its order is dbt's file system's, and dbt's own is not fixed where a project's properties files lie under more than one of its paths" \
	"iterating graph where dbt's own order changes between its runs"
refused 'echo "{% if execute %}{{ graph.metrics }}{% endif %}select 1 as x" >models/g.sql' \
	"graph.metrics (a project read here has its nodes, sources and exposures as dbt's: a manifest from dbt parse has the rest)" \
	"graph's sections but nodes, sources and exposures"
refused 'printf "exposures:\n  +label: x\n" >>dbt_project.yml' \
	"dbt_project.yml: exposure weekly_orders: exposures: label is not read here" "a key of the exposures' config tree but enabled, tags and meta"
refused 'echo "def model(dbt, s): return 1" >models/py.py' \
	"models/py.py: a python model" "a python model"
refused 'echo "select {{ dbt.get_create_table_as_sql(1, 2, 3) }}" >models/d.sql' \
	"dbt.get_create_table_as_sql, a macro of dbt's own that dbt2ninja does not have (a manifest from dbt parse works instead)" \
	"a dbt macro we do not have"
refused 'printf "/*\n * a header\n */\n\n{%%- macro me(t) -%%}\n\n  select * from {{ ref(t) }}\n{%%- endmacro -%%}\n" >macros/me.sql &&
	echo "{{ me(nothing) }}" >models/me.sql' \
	"macros/me.sql:7:20: ref(): an argument must be a string, not Undefined (model.jaffle.me)" \
	"an error in a macro at its line in the file"
refused 'printf "\n  {%% macro me(t) %%}{{ ref(t) }}{%% endmacro %%}\n" >macros/me.sql &&
	echo "{% if execute %}{{ me(nothing) }}{% endif %}select 1 as x" >models/me.sql' \
	"macros/me.sql:2:23: ref(): '' must be a string, not Undefined (model.jaffle.me)" \
	"a render's error in a macro at its line and column in the file"
refused 'echo "{% materialization m, default %}{% endmaterialization %}" >macros/m.sql &&
	printf "{{ config(materialized=\"m\") }}\nselect 1 as x\n" >models/cm.sql' \
	"models/cm.sql: model.jaffle.cm: materialized m: a custom materialization" "a model of a custom materialization"
refused 'echo "{% materialization view, adapter=\"postgres\" %}{% endmaterialization %}" >macros/m.sql' \
	"materialized view: macro.jaffle.materialization_view_postgres is a project's own, which dbt would run" \
	"a project's own materialization of dbt's name"
# a materialization no node uses: dbt's macro, and nothing else
copyof "$ROOT/tests/data/project" mat
echo "{% materialization m, default %}{{ return({'relations': []}) }}{% endmaterialization %}" >"$TMP/mat/macros/m.sql"
genin "$TMP/mat"
ok $? "a materialization no node uses" || sed 's/^/# /' "$TMP/out"
grep -q '"macro.jaffle.materialization_m_default"' "$TMP/mat/target/ninja/manifest.json"
ok $? "is the project's macro materialization_m_default, as dbt's manifest has it"
refused 'echo "{% snapshot s %}select 1{% endsnapshot %}" >snapshots/s.sql' \
	"Snapshots must be configured with a 'strategy' and 'unique_key'." "a snapshot without a strategy"
refused 'echo "{% macro m() %}{% endmacro %}" >snapshots/m.sql' \
	"unsupported: a macro block in a snapshot file" "a macro in a snapshot file"
refused 'sed -i "s/+tags: \\[\"finance\"\\]/+alias: \"{{ 1 }}.{{ 5 }}\"/" dbt_project.yml' \
	"unsupported: a value dbt would read as a Python literal: 1.5" "a project value rendered to a literal"
refused 'sed -i "s/+tags: \\[\"finance\"\\]/+alias: \"a{{ 5|as_text }}\"/" dbt_project.yml' \
	"unsupported: dbt's as_text, as_native, as_bool or as_number beside other output" \
	"a native filter beside other output"
refused 'sed -i "s/+tags: \\[\"finance\"\\]/+alias: \"+{{ 5 }}\"/" dbt_project.yml' \
	"unsupported: a value dbt would read as a Python literal: +5" "a signed number joined"
refused 'sed -i "s/^model-paths: .*/model-paths: [\"{{ \x27models\x27 }}\"]/" dbt_project.yml' \
	"dbt_project.yml: model-paths: Jinja here is not read yet" "Jinja in a dbt_project.yml path"
refused 'sed -i "s/+tags: \\[\"finance\"\\]/+alias: \"{{ var(\x27payment_methods\x27) }}\"/" dbt_project.yml' \
	"Required var 'payment_methods' not found" "a project var in dbt_project.yml, where only --vars are"
refused 'echo "models/staging" >.dbtignore' \
	".dbtignore: a .dbtignore is not read here" "a .dbtignore"
refused 'echo "source-paths: [models]" >>dbt_project.yml' \
	"dbt_project.yml: source-paths and model-paths cannot both be defined" "source-paths beside model-paths"
refused 'printf "functions:\n  - name: g\n" >models/x.yml' \
	"models/x.yml: functions: not read here yet" "a properties key dbt reads, not read here"
refused 'printf "exposures:\n  - name: e\n    type: dashboard\n    owner: {name: a}\n    depends_on: [\"ref(\x27gone\x27)\"]\n" >models/x.yml' \
	"Exposure 'exposure.jaffle.e' (models/x.yml) depends on a node named 'gone' which was not found" "an exposure of a model not there"
refused 'printf "{{ config(materialized=\"table\", enabled=false) }}\nselect 1\n" >models/off.sql &&
	echo "select * from {{ ref(\"off\") }}" >models/on.sql' \
	"Model 'model.jaffle.on' (models/on.sql) depends on a node named 'off' which is disabled" \
	"a ref() of a disabled model"

# the reference dbt: the same project through dbt parse's manifest
refdbt_or_done "$TMP/refdbt"
D=$TMP/dbt
cp -R "$P" "$D"
rm -rf "$D/target" "$D/build.ninja" "$D/.ninja_log" "$D/.ninja_deps"
# graph's nodes and sources looked up by unique_id, as dbt's
cat >"$D/models/graphed.sql" <<'EOF'
{% if execute %}{% set o = graph.nodes['model.jaffle.orders'] %}{% endif -%}
select '{{ o.config.materialized if execute }}' as m,
  '{{ (o.depends_on.nodes | join(",")) if execute }}' as parents,
  '{{ graph.nodes.get("model.jaffle.none", "none") if execute }}' as missing,
  '{{ graph.get("sources", {}).get("source.jaffle.raw.orders", {}).get("loader") if execute }}' as loader
EOF
# ours afresh: a job file is only rewritten when what it runs changed
bothways "$D"
samejobs "$D"
# the files dbt's find_matching takes (above, read by dbt2ninja itself):
# dbt parse's models are ours
ls "$TMP/hid/target/ninja/sql" | sed -n 's/^\(model\..*\)\.sql$/\1/p' | sort >"$TMP/hid.ours"
(cd "$TMP/hid" && DBT_PROFILES_DIR=. "$TMP/refdbt/bin/dbt" parse >"$TMP/parse" 2>&1 &&
	python3 -c 'import json, sys; print("\n".join(sorted(k for k in json.load(open(sys.argv[1]))["nodes"] if k.startswith("model."))))' \
	    target/manifest.json >"$TMP/hid.dbt")
cmp -s "$TMP/hid.dbt" "$TMP/hid.ours"
ok $? "the files dbt's find_matching takes are dbt parse's models ($(wc -l <"$TMP/hid.ours"))" ||
	{ diff "$TMP/hid.dbt" "$TMP/hid.ours"; tail -5 "$TMP/parse"; } | sed 's/^/# /'
done_testing
