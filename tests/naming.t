#!/bin/sh
# Relation names as the server sees them, through real ninja: a part that
# dbt renders unquoted (quoting: identifier: false) names the folded
# relation, and a name PostgreSQL would truncate is refused, as dbt
# refuses it.
. "$(dirname "$0")/lib.sh"
withpg
cd "$TMP" || exit 1
mkdir -p target

# manifest [ORDERS-SQL]: Orders (a table whose identifier is unquoted),
# a view on it, and two models whose names share their first 63 bytes.
manifest() {
	python3 - "${1:-select 1 as id}" <<'PY'
import json, sys
def node(uid, rel, sql, mat, deps=()):
    return {'unique_id': uid, 'resource_type': 'model', 'name': uid.split('.')[-1],
            'relation_name': rel, 'compiled_code': sql, 'config': {'materialized': mat},
            'depends_on': {'nodes': list(deps)}}
long = 'x' * 63
nodes = [
    node('model.p.Orders', '"demo"."n".Orders', sys.argv[1], 'table'),
    node('model.p.child', '"demo"."n"."child"', 'select id from "demo"."n".Orders', 'view',
         ['model.p.Orders']),
    node('model.p.long1', '"demo"."n"."%sa"' % long, 'select 1 as a', 'table'),
    node('model.p.long2', '"demo"."n"."%sb"' % long, 'select 2 as b', 'table'),
    node('model.p.wide', '"demo"."n"."%s"' % ('\u00e9' * 32), 'select 1 as c', 'table'),
]
json.dump({'metadata': {'adapter_type': 'postgres'},
           'nodes': {n['unique_id']: n for n in nodes}}, open('target/manifest.json', 'w'))
PY
}

manifest
"$DBT2NINJA" >"$TMP/out" 2>&1
ok $? "generates"
ninja -k 0 deploy >"$TMP/out" 2>&1
ok $(( $? != 1 )) "ninja deploy fails, for the long names only"
is "$(sql "select string_agg(relname, ',' order by relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace where nspname = 'n'")" \
	"child,orders" "an unquoted identifier names the relation the server folds it to"
grep -q '^OK created sql view model n.child' "$TMP/out"
ok $? "so that its child, which reads it unquoted, finds it"
manifest 'select 2::bigint as id'
ninja -k 0 deploy >"$TMP/out" 2>&1
grep -q '^OK created sql table model n.orders' "$TMP/out"
ok $? "a second build, its column retyped, swaps it in by its folded name"
is "$(sql 'select id from n.child')" 2 "and the child reads the new rows"
manifest 'select 3::bigint as id'
ninja -k 0 deploy >"$TMP/out" 2>&1
grep -q '^OK replaced in place sql table model n.orders' "$TMP/out"
ok $? "a third, its columns as they were, refills it in place by its folded name"
is "$(sql 'select id from n.child')" 3 "and the child, left alone, reads the new rows"

grep -q "Relation name 'x\{63\}a' is longer than 63 characters" "$TMP/out"
ok $? "an identifier of 64 characters is refused, in dbt's words"
grep -q "Relation name 'x\{63\}b' is longer than 63 characters" "$TMP/out"
ok $? "so the two models that PostgreSQL would make one are both refused"
grep -q "Relation name '\(é\)\{32\}' is longer than 63 bytes, which PostgreSQL would truncate" "$TMP/out"
ok $? "so is one of 32 characters but 64 bytes"
is "$(sql "select count(*) from pg_class where relname like 'xxx%' or relname like 'é%'")" 0 \
	"and nothing of them is built"
check "no stamp for a refused node" test ! -e target/ninja/ok/model.p.long1
done_testing
