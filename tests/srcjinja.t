#!/bin/sh
# Jinja in properties files, rendered as dbt's SchemaYamlRenderer renders
# it when it reads them: tests/data/srcjinja's sources name their name,
# database, schema and identifiers with var, env_var and target, its
# model its config and a column's data_type; descriptions and tests are
# left to be rendered later, as dbt leaves them. Deployed through ninja;
# with the reference dbt, its job files are byte-identical to those from
# dbt parse's manifest of the same project.
. "$(dirname "$0")/lib.sh"
command -v ninja >/dev/null 2>&1 || skip_all "ninja is not installed"
withpg
P=$TMP/ours
cp -R "$ROOT/tests/data/srcjinja" "$P"
pgprofile "$P/profiles.yml" srcj demo dev 2
export DBT_PROFILES_DIR="$P" SRCJ_DATABASE=demo
unset SRCJ_SUFFIX
cd "$P" || exit 1
psql -Xq -v ON_ERROR_STOP=1 -c "create schema raw_land" -c "create schema dev_other" \
	-c "create table raw_land.orders_v2 as select * from (values (1, 10), (2, 20), (3, 10)) v(id, customer_id)" \
	-c "create table raw_land.dev_customers as select * from (values (10, 'ann'), (20, 'bob')) v(id, name)" \
	-c "create table dev_other.things as select 4 as id, 'thing'::text as name" || exit 1
job() { echo "target/ninja/sql/$1.sql"; }

"$DBT2NINJA" -v >"$TMP/gen" 2>&1
ok $? "dbt2ninja reads the project" || sed 's/^/# /' "$TMP/gen"
grep -q '1 models, 0 seeds, 0 snapshots, 3 tests' "$TMP/gen"
ok $? "its model and 3 tests" || sed 's/^/# /' "$TMP/gen"
grep -q '"demo"."raw_land"."orders_v2" o' "$(job model.srcj.orders)"
ok $? "a source's database of env_var, schema and identifier of var(), its name rendered"
grep -q '"demo"."raw_land"."dev_customers" c' "$(job model.srcj.orders)"
ok $? "an identifier of target.schema"
grep -q '"demo"."dev_other"."things"' "$(job model.srcj.orders)"
ok $? "a schema of target and env_var's default"
grep -q '^-- materialized: table$' "$(job model.srcj.orders)"
ok $? "a model's config of var() in its properties"
ls target/ninja/sql >"$TMP/jobs"
grep -q '^test.srcj.source_accepted_values_land_orders_id___1_2_3_\.[0-9a-f]*\.sql$' "$TMP/jobs"
ok $? "a source test's arguments rendered as dbt's test builder renders them" || sed 's/^/# /' "$TMP/jobs"
ninja build >"$TMP/build" 2>&1
ok $? "ninja build deploys it and runs its tests" || tail -20 "$TMP/build" | sed 's/^/# /'
is "$(sql "select string_agg(id || name, ',' order by id) from dev.orders")" "1ann,2bob,3ann,4thing" \
	"the model reads the sources it names"

# refused, naming the file and what
refused() { refusedin "$ROOT/tests/data/srcjinja" "$@"; }
refused "sed -i 's/SRCJ_DATABASE/DBT_ENV_SECRET_DB/' models/sources.yml" \
	"models/sources.yml: {{ 'la' ~ 'nd' }}: Could not render {{ env_var('DBT_ENV_SECRET_DB') }}: models/sources.yml:1:4: Secret env vars are allowed only in profiles.yml or packages.yml" \
	"a secret env var"
refused "sed -i 's/raw_schema/nope/' models/sources.yml" \
	"models/sources.yml: {{ 'la' ~ 'nd' }}: Could not render {{ var('nope') }}: models/sources.yml:1:4: Required var 'nope' not found in config" "a var no one sets"
refused "sed -i 's/\"{{ var(.mat.) }}\"/\"{{ 1 }}\"/' models/schema.yml" \
	"materialized" "a config that renders to a number"
refused "sed -i 's/\"{{ var(.mat.) }}\"/\"{{ 1 }}.{{ 5 }}\"/' models/schema.yml" \
	"unsupported: a value dbt would read as a Python literal: 1.5" "a value that joins to a Python literal"

# the reference dbt: the same project through dbt parse's manifest
refdbt_or_done "$TMP/refdbt"
D=$TMP/dbt
cp -R "$ROOT/tests/data/srcjinja" "$D"
cp "$P/profiles.yml" "$D/"
bothways "$D"
samejobs "$D"
python3 - "$D/target/manifest.json" >"$TMP/src" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for s in sorted(m['sources'].values(), key=lambda s: s['unique_id']):
    print(s['unique_id'], s['relation_name'], s['description'], '|', s['source_description'])
PY
is "$(cat "$TMP/src")" "source.srcj.land.customers \"demo\".\"raw_land\".\"dev_customers\"  | Landed by t, raw_land
source.srcj.land.orders \"demo\".\"raw_land\".\"orders_v2\" The orders, dev | Landed by t, raw_land
source.srcj.other.things \"demo\".\"dev_other\".\"things\"  | " "dbt's sources are these"
done_testing
