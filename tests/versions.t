#!/bin/sh
# dbt2ninja reading a project (tests/data/project3) with disabled nodes
# and model versions, as dbt parse reads it: nodes disabled by the project
# tree, properties and config() (models, seeds, a snapshot, singular and
# generic tests, a source and a source table), tests of disabled nodes
# disabled, a model revived by its properties; two versioned models (a
# version's own file, defined_in, NAME.sql for the latest, latest_version,
# per-version config, columns with include/exclude, per-version tests, a
# version disabled), refs to each version and to the latest. Its jobs are
# deployed through real ninja; what is refused is refused naming it. With
# the reference dbt, the job files from the project are byte-identical to
# those from dbt parse's manifest of the same project.
. "$(dirname "$0")/lib.sh"
command -v ninja >/dev/null 2>&1 || skip_all "ninja is not installed"
withpg
P=$TMP/ours
cp -R "$ROOT/tests/data/project3" "$P"
printf 'vers:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: "%s"\n      port: %s\n      user: postgres\n      password: ""\n      dbname: demo\n      schema: dev\n      threads: 2\n' \
	"$PGHOST" "$PGPORT" >"$P/profiles.yml"
export DBT_PROFILES_DIR="$P"
cd "$P" || exit 1
psql -Xq -v ON_ERROR_STOP=1 -c "create schema vers_src" \
	-c "create table vers_src.kept as select * from (values (1), (2)) v(id)" || exit 1
job() { echo "target/ninja/sql/$1.sql"; }

"$DBT2NINJA" -v >"$TMP/gen" 2>&1
ok $? "dbt2ninja reads the project" || sed 's/^/# /' "$TMP/gen"
grep -q '7 models, 1 seeds, 1 snapshots, 12 tests' "$TMP/gen"
ok $? "its enabled nodes only: 7 models, 1 seed, 1 snapshot, 12 tests" || sed 's/^/# /' "$TMP/gen"
grep -qF "warning: Test 'test.vers.source_unique_raw_off_t_id.1528d18ed7' (models/props.yml) depends on a source named 'raw_off.t' which is disabled" "$TMP/gen"
ok $? "a test of a disabled source: dbt's warning" || sed 's/^/# /' "$TMP/gen"
none=
for u in model.vers.off_tree model.vers.off_props model.vers.off_call model.vers.fct.v1 \
	model.vers.fct.v3 seed.vers.seed_off seed.vers.seed_off2 snapshot.vers.snap_off \
	test.vers.assert_off_tree test.vers.assert_off_call test.vers.assert_on_disabled \
	test.vers.unique_base_m_id.b7bdf7ab8f test.vers.unique_off_tree_id.55f3a190a5 \
	test.vers.not_null_off_props_id.40f866d5ef test.vers.unique_off_call_id.9143ef88c8 \
	test.vers.unique_seed_off2_id.548f2a5ab6 test.vers.not_null_fct_v1_id.46ff7f5c29 \
	test.vers.not_null_fct_v3_id.fda4323e91 \
	test.vers.source_not_null_raw_dropped_id.a8803e104d; do
	[ -f "$(job $u)" ] && none="$none $u"
done
is "$none" "" "no job for a node disabled at any level, nor for a test of one"
grep -q '^-- materialized: table$' "$(job model.vers.revived)"
ok $? "a model disabled in the project tree, enabled by its properties"
grep -q '^-- relation: "demo"."dev"."dim_v1"$' "$(job model.vers.dim.v1)" &&
	grep -q '^-- materialized: table$' "$(job model.vers.dim.v1)"
ok $? "version 1 of dim: its alias dim_v1, the model's config"
grep -q '^-- relation: "demo"."dev_next"."dim_v2"$' "$(job model.vers.dim.v2)" &&
	grep -q '^-- materialized: view$' "$(job model.vers.dim.v2)"
ok $? "version 2 of dim (defined_in): its own config, the project tree's dim.v2 level"
grep -q '^-- relation: "demo"."dev"."fct_current"$' "$(job model.vers.fct.v2)"
ok $? "version 2 of fct in fct.sql, the latest: its configured alias"
grep -q 'from "demo"."dev"."dim_v1" d1' "$(job model.vers.uses)" &&
	grep -q 'join "demo"."dev_next"."dim_v2" d2' "$(job model.vers.uses)" &&
	grep -q 'join "demo"."dev"."dim_v1" d using' "$(job model.vers.uses)" &&
	grep -q 'join "demo"."dev"."fct_current" f2' "$(job model.vers.uses)"
ok $? "ref(v=1), ref(version=2), the bare ref of latest_version, ref(package, v='2')"
for u in test.vers.unique_dim_v1_id.2f98b9f679 test.vers.not_null_dim_v2_more.3f0403548a \
	test.vers.unique_dim_v2_id_more.3e8b86ede5 test.vers.not_null_fct_v2_id.78ba666e1c; do
	[ -f "$(job $u)" ] || echo "$u"
done >"$TMP/missing"
[ ! -s "$TMP/missing" ]
ok $? "the tests of each version: its columns, its own tests" || sed 's/^/# /' "$TMP/missing"
! ls target/ninja/sql | grep -q not_null_dim_v1_extra
ok $? "not the tests of a column a version excludes"

ninja build >"$TMP/build" 2>&1
ok $? "ninja build deploys it and runs its tests" || tail -20 "$TMP/build" | sed 's/^/# /'
is "$(sql 'select count(*) from dev.uses')" 3 "uses, through every version"
ninja -n build >"$TMP/noop" 2>&1
grep -q 'no work to do' "$TMP/noop"
ok $? "nothing to do once built" || sed 's/^/# /' "$TMP/noop"
is "$(sql "select string_agg(table_schema || '.' || table_name, ' ' order by table_schema, table_name) from information_schema.tables
	where table_schema like 'dev%' and table_name in ('dim_v1', 'dim_v2', 'fct_current', 'fct_v1', 'fct_v3',
	'off_tree', 'off_props', 'off_call', 'seed_off', 'seed_off2', 'revived')")" \
	"dev.dim_v1 dev.fct_current dev.revived dev_next.dim_v2" "the enabled relations, none of the disabled"

# refused, naming the file and what: dbt's errors, or what is not read here
refused() { refusedin "$ROOT/tests/data/project3" "$@"; }
refused 'echo "select * from {{ ref(\"off_call\") }}" >models/bad.sql' \
	"models/bad.sql: Model 'model.vers.bad' (models/bad.sql) depends on a node named 'off_call' which is disabled" \
	"a ref() of a disabled model"
refused 'echo "select * from {{ ref(\"dim\", v=3) }}" >models/bad.sql' \
	"Model 'model.vers.bad' (models/bad.sql) depends on a node named 'dim' with version '3' which was not found" \
	"a ref() of a version there is not"
refused 'echo "select * from {{ ref(\"dim_v1\") }}" >models/bad.sql' \
	"Model 'model.vers.bad' (models/bad.sql) depends on a node named 'dim_v1' which was not found" \
	"a ref() of a version's file name"
refused 'echo "select * from {{ ref(\"fct\", v=1) }}" >models/bad.sql' \
	"depends on a node named 'fct' with version '1' which is disabled" "a ref() of a disabled version"
refused 'echo "select * from {{ source(\"raw\", \"dropped\") }}" >models/bad.sql' \
	"depends on a source named 'raw.dropped' which is disabled" "a source() of a disabled source table"
refused 'echo "select * from {{ ref(\"dim\", v=1.5) }}" >models/bad.sql' \
	"ref() of a version that is not an integer or a string" "a ref() of a float version"
refused 'sed -i "s/      - v: 1$/      - v: 1.5/" models/versioned/versions.yml' \
	"a version whose v is not an integer or a string" "a float version"
refused 'sed -i "s/      - v: 2$/      - v: 1/" models/versioned/versions.yml' \
	"Found duplicate version: '1' in versions list of model 'dim'" "a version twice"
refused 'sed -i "s/    latest_version: 1$/    latest_version: 7/" models/versioned/versions.yml' \
	"latest_version: 7 is not one of model 'dim' versions" "a latest_version that is not a version"
refused 'printf "version: 2\nsources:\n  - name: s2\n    tables:\n      - name: t\n        config: {enabled: 1}\n" >models/s2.yml' \
	"models/s2.yml: s2: config enabled is not true or false" "a source table's enabled not a boolean"
refused 'echo "select 1 as id" >models/dim.sql' \
	"dbt found versioned and unversioned models with the name \"dim\": change the name of the unversioned resource model.vers.dim (models/dim.sql) or add the unversioned model to the versions in vers://models/versioned/versions.yml" "NAME.sql beside the versions of NAME"
refused 'mkdir models/again && echo "select 1 as id" >models/again/off_call.sql' \
	"models/off_call.sql: a second model named off_call (the first is models/again/off_call.sql): two nodes of one name, dbt's error when both are enabled, not read here when one is disabled" \
	"two models of one name, one disabled"

# the reference dbt: the same project through dbt parse's manifest
refdbt_or_done "$TMP/refdbt"
D=$TMP/dbt
cp -R "$ROOT/tests/data/project3" "$D"
cp "$P/profiles.yml" "$D/"
bothways "$D"
grep -qF "Test 'test.vers.source_unique_raw_off_t_id.1528d18ed7' (models/props.yml) depends on a source named 'raw_off.t' which is disabled" "$TMP/parse"
ok $? "dbt warns of the test of a disabled source as we do"
samejobs "$D"
for ex in 'ref("dim", v=3)' 'ref("off_call")'; do
	rm -rf "$TMP/e" && cp -R "$D" "$TMP/e" && rm -rf "$TMP/e/target"
	echo "select * from {{ $ex }}" >"$TMP/e/models/bad.sql"
	(cd "$TMP/e" && DBT_PROFILES_DIR=. "$TMP/refdbt/bin/dbt" parse >"$TMP/eparse" 2>&1)
	is $? 2 "dbt parse refuses $ex too"
	(cd "$TMP/e" && DBT_PROFILES_DIR=. "$DBT2NINJA" >"$TMP/eours" 2>&1)
	grep -qF "$(grep "depends on a node named" "$TMP/eparse" | sed 's/^ *//')" "$TMP/eours"
	ok $? "in dbt's words ($ex)" || sed 's/^/# /' "$TMP/eparse" "$TMP/eours"
done
done_testing
