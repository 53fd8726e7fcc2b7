#!/bin/sh
# dbt2ninja reading a realistic project (tests/data/groups) as dbt parse
# reads it: groups in a properties file, the group config at the project
# tree, properties and config() levels, access as a property and a
# config, a package with restrict-access and per-package vars, contracts
# with data_type columns and constraints (a foreign key's to among the
# refs), docs blocks, meta and tags at every level, persist_docs, quoted
# columns, analyses, snapshots in both forms, seeds with column_types, a
# custom generic test with an extra argument, a project's own
# generate_alias_name, on-run-start, and generic tests whose config is
# Jinja (severity, where, limit, store_failures, enabled, tags, warn_if,
# error_if). With the reference dbt: its job files and build.ninja's edges
# are those from dbt parse's manifest of the same project, and a ref() that
# access forbids, an unknown group and the like are refused in dbt's words.
. "$(dirname "$0")/lib.sh"
offline groups grp
job() { echo "target/ninja/sql/$1.sql"; }

"$DBT2NINJA" -v >"$TMP/gen" 2>&1
ok $? "dbt2ninja reads the project" || sed 's/^/# /' "$TMP/gen"
grep -q '8 models, 1 seeds, 2 snapshots, 14 tests' "$TMP/gen"
ok $? "8 models, a seed, 2 snapshots, 14 tests" || sed 's/^/# /' "$TMP/gen"
grep -qF -- '-- constraints: [{"type":"primary_key","columns":["id"]},{"type":"check","name":"amount_positive","expression":"amount >= 0"}]' \
	"$(job model.grp.orders)" &&
	grep -qF '"customer_id":{"data_type":"integer","constraints":[{"type":"not_null"},{"type":"foreign_key","to":"ref('"'customers_snap'"')","to_columns":["id"]}]}' \
	"$(job model.grp.orders)" && grep -qF '"Customer Name":{"data_type":"TEXT","quote":true}' "$(job model.grp.orders)"
ok $? "a contract's columns, its model and column constraints, a quoted column" || sed 's/^/# /' "$(job model.grp.orders)"
grep -q '^-- severity: "error"$' "$(job test.grp.accepted_values_stg_orders_status__placed__shipped.0b09736f95)"
ok $? "a test's severity of Jinja"
grep -q 'where id > 0' "$(job test.grp.not_null_stg_orders_id.8cf5724805)"
ok $? "a test's where of var()"
grep -q '^-- limit: 5$' "$(job test.grp.unique_countries_code.c4a1f6d0dd)" &&
	grep -q '^-- store_failures_as: "table"$' "$(job test.grp.unique_countries_code.c4a1f6d0dd)"
ok $? "a test's limit and store_failures of Jinja, store_failures_as of it"
[ -f "$(job test.grp.not_null_orders__Customer_Name_.28d4524057)" ] &&
	! ls target/ninja/sql | grep -q not_null_countries_name
ok $? "a quoted column's test; a test disabled by Jinja"
grep '^build $conn/ok/model.grp.orders ' build.ninja | grep -q 'snapshot.grp.customers_snap'
ok $? "a foreign key's to: a parent" || grep '^build $conn/ok/model.grp.orders ' build.ninja | sed 's/^/# /'
grep -q "select 'eu' as region" "$(job model.shared.shared_dim)"
ok $? "a package's var, the root project's for it"

# refused, naming the file and what
refused() { refusedin "$P" "$@"; }
refused 'echo "select 1 as id" >models/marts/one.sql && echo "{{ config(materialized=\"ephemeral\", access=\"public\") }} select 1 as id" >models/marts/one.sql' \
	"models/marts/one.sql: Node model.grp.one with 'ephemeral' materialization has an invalid value (public) for the access field" \
	"a public ephemeral model"
refused 'sed -i "s/    access: public/    access: open/" models/marts/_marts.yml' \
	"models/marts/_marts.yml: Node model.grp.orders has an invalid value (open) for the access field" "an access that is none"
refused 'sed -i "s/      tags: \[contracted\]/      tags: [contracted]\n      access: public/" models/marts/_marts.yml' \
	"found access dictionary in 'config' dictionary and as top-level key" "access as a property and in config"
refused 'printf "  - name: third\n    owner: {slack: x}\n" >>models/groups.yml' \
	"models/groups.yml: group third: Group owner must have at least one of 'name' or 'email'." "a group owner without a name or an email"
refused 'printf "  - name: ops\n    owner: {name: x}\n" >>models/groups.yml' \
	'dbt found two groups with the name "ops"' "a group twice"
refused 'sed -i "s/          - type: not_null$/          - type: nonnull/" models/marts/_marts.yml' \
	"models/marts/_marts.yml: Invalid constraint type on column id" "a constraint of no type"
refused 'sed -i "s/          - type: not_null$/          - type: primary_key/" models/marts/_marts.yml' \
	"models/marts/orders.sql: Primary key constraint error: (models/marts/orders.sql)" "primary keys of the model and a column"
refused 'sed -i "s/            to: ref(.customers_snap.)/            to: raw.customers/" models/marts/_marts.yml' \
	"Invalid 'ref' or 'source' syntax on foreign key constraint 'to' on model orders" "a foreign key's to not a ref()"

# the reference dbt: the same project through dbt parse's manifest
refdbt_or_done "$TMP/refdbt"
D=$TMP/dbt
cp -R "$ROOT/tests/data/groups" "$D"
cp "$P/profiles.yml" "$D/"
bothways "$D"
samejobs "$D"
edges() { grep '^build ' "$1" | grep -v '^build build.ninja:' | grep -Ev ': phony( dbt_project.yml)?$'; }
edges "$D/build.ninja" >"$TMP/edges.dbt"
edges "$TMP/fresh/build.ninja" >"$TMP/edges.ours"
diff "$TMP/edges.dbt" "$TMP/edges.ours" >"$TMP/edges.diff"
ok $? "build.ninja's edges and targets are those of dbt parse's manifest ($(wc -l <"$TMP/edges.dbt") lines)" ||
	head -20 "$TMP/edges.diff" | sed 's/^/# /'

# dbt's errors, in dbt's words
dbtsays() {
	rm -rf "$TMP/e" && cp -R "$D" "$TMP/e" && rm -rf "$TMP/e/target" "$TMP/e/build.ninja"
	(cd "$TMP/e" && eval "$1")
	(cd "$TMP/e" && DBT_PROFILES_DIR=. "$TMP/refdbt/bin/dbt" parse >"$TMP/eparse" 2>&1)
	is $? 2 "dbt parse refuses $3 too"
	(cd "$TMP/e" && DBT_PROFILES_DIR=. "$DBT2NINJA" >"$TMP/eours" 2>&1)
	is $? 1 "$3: exit 1"
	_words=$(grep "$2" "$TMP/eparse" | head -1 | sed 's/^ *//')
	[ -n "$_words" ] && grep -qF "$_words" "$TMP/eours"
	ok $? "$3: in dbt's words" || sed 's/^/# /' "$TMP/eparse" "$TMP/eours"
}
dbtsays 'echo "select * from {{ ref(\"fin_base\") }}" >models/staging/bad.sql' \
	'attempted to reference' "a ref() of a private model from another group"
dbtsays 'echo "select * from {{ ref(\"fin_base\") }}" >models/bad.sql' \
	'attempted to reference' "a ref() of a private model from no group"
dbtsays 'echo "select * from {{ ref(\"shared\", \"shared_internal\") }}" >models/bad.sql' \
	'attempted to reference' "a ref() of a protected model of a package with restrict-access"
dbtsays 'sed -i "s/      group: ops/      group: nope/" snapshots/snaps.yml' \
	'Invalid group' "a group that is not one"
dbtsays 'sed -i "s/    access: public/    access: open/" models/marts/_marts.yml' \
	'invalid value' "an access that is none"
dbtsays 'sed -i "s/          - type: not_null$/          - type: nonnull/" models/marts/_marts.yml' \
	'Invalid constraint type' "a constraint of no type"
# a ref() access allows: within the group, a package's public model
rm -rf "$TMP/e" && cp -R "$D" "$TMP/e" && rm -rf "$TMP/e/target" "$TMP/e/build.ninja"
echo "{{ config(group='finance') }} select * from {{ ref('fin_base') }}, {{ ref('shared', 'shared_dim') }}" >"$TMP/e/models/good.sql"
(cd "$TMP/e" && DBT_PROFILES_DIR=. "$TMP/refdbt/bin/dbt" parse >"$TMP/eparse" 2>&1)
ok $? "dbt parse allows a ref() of a private model in its group" || tail -5 "$TMP/eparse" | sed 's/^/# /'
(cd "$TMP/e" && DBT_PROFILES_DIR=. "$DBT2NINJA" >"$TMP/eours" 2>&1)
ok $? "so does dbt2ninja" || sed 's/^/# /' "$TMP/eours"
done_testing
