#!/bin/sh
# A live Materialize, when there is one: MZ_URL is its connection string
# (postgres://user:password@host:6875/materialize?sslmode=require). The
# project of tests/data/mz without its sink and its Kafka-less parts is
# deployed into a schema of its own and tested, reading a load generator
# source that sits, as blue/green needs, in a schema of its own and in the
# cluster MZ_SOURCE_CLUSTER (quickstart). Blue/green swaps the cluster the
# project uses with a new one and drops the old: it runs only when
# MZ_CLUSTER names a cluster given over to this test (otherwise quickstart
# is used, and blue/green skipped).
. "$(dirname "$0")/lib.sh"

[ -n "${MZ_URL:-}" ] || skip_all "MZ_URL is not set: no live Materialize to deploy to"
command -v psql >/dev/null || skip_all "no psql"
SCHEMA=dbt2ninja_live_$$
CLUSTER=${MZ_CLUSTER:-quickstart}
SRCCLUSTER=${MZ_SOURCE_CLUSTER:-quickstart}
mz() { psql "$MZ_URL" -XAtqc "$1"; }
trap 'mz "drop schema if exists $SCHEMA cascade" >/dev/null 2>&1; mz "drop schema if exists ${SCHEMA}_dbt_deploy cascade" >/dev/null 2>&1; mz "drop cluster if exists ${CLUSTER}_dbt_deploy cascade" >/dev/null 2>&1; mz "drop schema if exists ${SCHEMA}_src cascade" >/dev/null 2>&1; rm -rf "$TMP"' EXIT

cp -R "$ROOT/tests/data/mz" "$TMP/mz"
cd "$TMP/mz" || exit 1
python3 - "$SCHEMA" "$CLUSTER" <<'PY'
import json, sys
schema, cluster = sys.argv[1], sys.argv[2]
p = 'target/manifest.json'
m = json.load(open(p))
keep = {}
for uid, n in m['nodes'].items():
    if n['config'].get('materialized') in ('sink', 'incremental', 'source_table') or uid == 'model.mz.legacy_src':
        continue
    for k in ('relation_name', 'compiled_code'):
        if n.get(k):
            n[k] = n[k].replace('"materialize"."public"', '"materialize"."%s"' % schema)
    n['schema'] = schema
    for k in ('cluster',):
        if k in n['config']:
            n['config'][k] = cluster
    for ix in n['config'].get('indexes', []):
        ix.pop('cluster', None)
    n['config'].pop('refresh_interval', None)
    keep[uid] = n
# a view over the load generator's tables instead of the missing "bid"
keep['model.mz.bids']['compiled_code'] = 'select id, amount from "materialize"."%s_src"."bids"' % schema
# a source of the project's own with no subsources to collide with its models
keep['source.mz.auction_house']['compiled_code'] = "FROM LOAD GENERATOR COUNTER (TICK INTERVAL '1s')"
m['nodes'] = keep
json.dump(m, open(p, 'w'))
PY
printf 'mz:\n  target: live\n  outputs:\n    live:\n      type: materialize\n      dbname: "{{ env_var('"'"'MZ_URL'"'"') }}"\n      cluster: %s\n' "$CLUSTER" > profiles.yml
mz "create schema if not exists ${SCHEMA}_src"
# subsources (older servers) or a table from the source (newer ones)
mz "create source ${SCHEMA}_src.bids_gen in cluster $SRCCLUSTER from load generator auction for all tables" 2>/dev/null || {
	mz "create source ${SCHEMA}_src.bids_gen in cluster $SRCCLUSTER from load generator auction" &&
	mz "create table ${SCHEMA}_src.bids from source ${SCHEMA}_src.bids_gen (reference bids)"
}
"$DBT2NINJA" >/dev/null 2>&1
ok $? "generates"
ninja deploy >"$TMP/out" 2>&1
ok $? "ninja deploy onto Materialize"
is "$(mz "select count(*) from mz_objects o join mz_schemas s on o.schema_id = s.id where s.name = '$SCHEMA' and o.name in ('bids', 'winning', 'as_table', 'regions')")" 4 \
	"the view, materialized views and seed are there"
ninja test >"$TMP/out" 2>&1
ok $? "ninja test"
if [ -n "${MZ_CLUSTER:-}" ]; then
	"$DBT2NINJA" --blue-green >/dev/null 2>&1
	ninja deploy-promote >"$TMP/out" 2>&1
	ok $? "blue/green: ninja deploy-promote"
	is "$(mz "select count(*) from mz_objects o join mz_schemas s on o.schema_id = s.id where s.name = '$SCHEMA' and o.name = 'winning'")" 1 \
		"the promoted schema has the objects"
	ninja deploy-cleanup >"$TMP/out" 2>&1
	ok $? "and deploy-cleanup"
else
	ok 0 "# SKIP blue/green: MZ_CLUSTER names no cluster given over to this test"
fi
done_testing
