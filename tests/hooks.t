#!/bin/sh
# Hooks rendered by the generator, through real ninja: the project
# tests/data/hooks has post-hooks calling the project's macro with
# {{ this }}, pre-hooks (two statements in one), a hook outside the
# transaction, two on-run-start hooks (the first creates the audit table)
# and two on-run-end hooks (schemas, database_schemas). Its manifest is
# deployed by ninja; then, with the reference dbt, the same project built
# by `dbt build` into one database and by `dbt parse`, dbt2ninja and
# `ninja build` into another leaves the same rows and grants.
. "$(dirname "$0")/lib.sh"
command -v ninja >/dev/null 2>&1 || skip_all "ninja is not installed"
withpg
psql -Xqc "create database ours" -c "create database dbt" || exit 1
unset PGDATABASE

# project DIR DB: the project in DIR, its profile on database DB
project() {
	mkdir -p "$1"
	cp -R "$ROOT/tests/data/hooks/." "$1/"
	pgprofile "$1/profiles.yml" hk "$2" r 2
}
# audit DB: the audit table's rows, the database's name taken out, sorted
audit() { q "$1" "select what, replace(at_schema, '\"$1\".', '') from r_audit.runs" | LC_ALL=C sort; }

project "$TMP/ours" ours
cd "$TMP/ours" || exit 1
"$DBT2NINJA" >"$TMP/gen.log" 2>&1
ok $? "dbt2ninja renders the hooks of a dbt parse manifest" || sed 's/^/# /' "$TMP/gen.log"
grep -q '^-- hooks: "rendered"$' target/ninja/sql/model.hk.a.sql
ok $? "a hooked node's job says its hooks are rendered"
ninja >"$TMP/ninja.log" 2>&1
ok $? "ninja deploys it" || sed 's/^/# /' "$TMP/ninja.log"
is "$(grep -o '^\[[0-9]*/[0-9]*\] [a-z]* [^ ]*' "$TMP/ninja.log" | sed 's/^\[[0-9/]*\] //' | sed -n '1,2p;$p' | tr '\n' ' ')" \
	"hook operation.hk.hk-on-run-start-0 hook operation.hk.hk-on-run-start-1 hook operation.hk.hk-on-run-end-1 " \
	"on-run-start runs first, in order; on-run-end last"
is "$(audit ours | tr '\n' ' ')" \
	'end|r,r_other post a|"r"."a" post b|"r"."b" post c|"r_other"."c" start2|None start|r ' \
	"the hooks ran with the node's relation, the macros, schemas"
is "$(q ours "select count(*) from pg_namespace where nspname in ('r', 'r_other') and has_schema_privilege('public', oid, 'usage')")" 2 \
	"on-run-end's database_schemas: both schemas granted"
ninja >"$TMP/ninja2.log" 2>&1
is "$(tail -1 "$TMP/ninja2.log")" "ninja: no work to do." "nothing changed: nothing runs, hooks neither"
# the macro every post-hook calls changes: each hooked node runs, then on-run-end
python3 - <<'PY'
import json
m = json.load(open('target/manifest.json'))
x = m['macros']['macro.hk.audit']
x['macro_sql'] = x['macro_sql'].replace("values ('{{ what }}'", "values ('v2 ' || '{{ what }}'")
json.dump(m, open('target/manifest.json', 'w'))
PY
ninja >"$TMP/ninja3.log" 2>&1
ok $? "a hook's macro changed: ninja regenerates and runs again" || sed 's/^/# /' "$TMP/ninja3.log"
ran=$(grep -o '\] [a-z]* [^ ]*' "$TMP/ninja3.log" | grep -v regenerating | cut -d' ' -f3)
is "$(echo "$ran" | sed -n '1p;5,$p' | tr '\n' ' ')/$(echo "$ran" | sed -n '2,4p' | LC_ALL=C sort | tr '\n' ' ')" \
	"operation.hk.hk-on-run-start-1 operation.hk.hk-on-run-end-0 operation.hk.hk-on-run-end-1 /model.hk.a model.hk.b model.hk.c " \
	"the hooked models and on-run-start's second (the macro's callers) ran, then on-run-end" ||
	sed 's/^/# /' "$TMP/ninja3.log"
is "$(audit ours | grep -c '^v2 ')" 4 "with the new macro"
# a failing on-run-start stops the build before any node
printf '%s\n' "-- broken" "select * from no_such_table" >>target/ninja/sql/operation.hk.hk-on-run-start-0.sql
touch models/a.sql target/ninja/sql/model.hk.a.sql
ninja >"$TMP/ninja4.log" 2>&1
is "$?" 1 "a failing on-run-start fails the build"
grep -q 'no_such_table' "$TMP/ninja4.log" && ! grep -q '\] model ' "$TMP/ninja4.log"
ok $? "and no node ran after it" || sed 's/^/# /' "$TMP/ninja4.log"
test ! -e "$(conndir)/ok/operation.hk.hk-on-run-start-0"
ok $? "its stamp is gone: the next run tries it again"
"$DBT2NINJA" >/dev/null 2>&1

# a hook that needs the run: the node is rendered when it runs; an
# operation's is an error naming the hook and the construct
mkdir -p "$TMP/bad" && cp -R "$TMP/ours/." "$TMP/bad/" && cd "$TMP/bad" || exit 1
python3 - <<'PY'
import json
m = json.load(open('target/manifest.json'))
m['nodes']['model.hk.c']['config']['post-hook'] = [{'sql': '{% if is_incremental() %}delete from {{ this }}{% endif %}', 'transaction': True, 'index': None}]
json.dump(m, open('target/manifest.json', 'w'))
PY
"$DBT2NINJA" >"$TMP/bad.log" 2>&1
is "$?" 0 "is_incremental() in an incremental's post-hook: accepted" || sed 's/^/# /' "$TMP/bad.log"
grep -q '^-- render: ' target/ninja/sql/model.hk.c.sql
ok $? "... its node rendered when it runs"
python3 - <<'PY'
import json
m = json.load(open('target/manifest.json'))
op = [k for k in m['nodes'] if k.startswith('operation.') and 'on-run-start' in k][0]
m['nodes'][op]['raw_code'] = '{% if is_incremental() %}x{% endif %}'
json.dump(m, open('target/manifest.json', 'w'))
PY
"$DBT2NINJA" >"$TMP/bad.log" 2>&1
is "$?" 1 "is_incremental() in on-run-start: refused"
grep -q 'unsupported: is_incremental() in a hook of on-run-start or on-run-end' "$TMP/bad.log"
ok $? "naming the hook and the construct" || sed 's/^/# /' "$TMP/bad.log"

# the same project by the reference dbt
[ -f "$REFERENCE/install.sh" ] || { diag "no reference dbt${REFERENCE:+ in $REFERENCE}: skipping the comparison"; done_testing; exit; }
refdbt "$TMP/refdbt" || { cat "$TMP/install.log" >&2; echo "Bail out! cannot install the reference dbt"; exit 1; }
DBT=$TMP/refdbt/bin/dbt
project "$TMP/dbt" dbt
project "$TMP/ours2" ours2
q ours "create database ours2" >/dev/null
(cd "$TMP/dbt" && DBT_PROFILES_DIR=. "$DBT" build >"$TMP/build.log" 2>&1)
ok $? "dbt build" || tail -20 "$TMP/build.log" | sed 's/^/# /'
(cd "$TMP/ours2" && rm -rf target && DBT_PROFILES_DIR=. "$DBT" parse >"$TMP/parse.log" 2>&1 &&
	"$DBT2NINJA" >"$TMP/gen2.log" 2>&1 && ninja build >"$TMP/ninja5.log" 2>&1)
ok $? "dbt parse, dbt2ninja, ninja build" || cat "$TMP/parse.log" "$TMP/gen2.log" "$TMP/ninja5.log" | tail -20 | sed 's/^/# /'
is "$(audit ours2)" "$(audit dbt)" "the audit table holds what dbt's hooks wrote"
for rel in r.a r.b r_other.c; do
	is "$(q ours2 "select * from $rel order by 1")" "$(q dbt "select * from $rel order by 1")" "$rel: the same rows"
done
is "$(q ours2 "select nspname, nspacl from pg_namespace where nspname like 'r%' order by 1")" \
	"$(q dbt "select nspname, nspacl from pg_namespace where nspname like 'r%' order by 1")" \
	"the same schemas, with the same grants"
done_testing
