#!/bin/sh
# Materialize blue/green on PostgreSQL: no Materialize server can be
# installed here, so the catalog deploy-init, deploy-await, deploy-promote
# and deploy-cleanup read is given Materialize's shape by views over
# PostgreSQL's own (schemas, objects, roles, privileges) and by tables for
# what PostgreSQL has no notion of (clusters, replicas, hydration, lag,
# sinks). What runs is the real thing: the checks, the decisions, the
# statements that copy grants and default privileges, the mark, and
# Ninja's rebuilds around it. CREATE CLUSTER and ALTER ... SWAP are
# Materialize's alone: they are checked golden, in materialize.t.
. "$(dirname "$0")/lib.sh"

withpg
psql -Xq -v ON_ERROR_STOP=1 >"$TMP/out" 2>&1 <<'EOF' || { cat "$TMP/out"; echo "Bail out! cannot shape the catalog"; exit 1; }
create schema mz_catalog;
create schema mz_internal;
create view mz_catalog.mz_databases as select 'u1'::text as id, current_database()::text as name;
create view mz_catalog.mz_schemas as
  select oid::text as id, 'u1'::text as database_id, nspname::text as name, nspacl as privileges
  from pg_namespace;
create view mz_catalog.mz_objects as
  select 'u' || c.oid as id, c.relnamespace::text as schema_id, c.relname::text as name,
    case c.relkind when 'v' then 'view' when 'm' then 'materialized-view' else 'table' end as type
  from pg_class c where c.relkind in ('r', 'v', 'm');
create view mz_catalog.mz_roles as select oid as id, rolname::text as name from pg_roles;
create function mz_internal.mz_aclexplode(aclitem[])
  returns table (grantor oid, grantee oid, privilege_type text, is_grantable boolean)
  language sql as 'select * from aclexplode($1)';
create table mz_internal.mz_show_default_privileges (object_owner text, database text,
  schema text, object_type text, grantee text, privilege_type text);
create table mz_catalog.mz_clusters (id text, name text, managed boolean, size text,
  replication_factor int, privileges aclitem[]);
create table mz_internal.mz_cluster_schedules (cluster_id text, type text,
  refresh_rehydration_time_estimate interval);
create table mz_catalog.mz_cluster_replicas (id text, cluster_id text);
create table mz_catalog.mz_sinks (id text, schema_id text, cluster_id text);
create table mz_catalog.mz_indexes (id text, cluster_id text);
create table mz_catalog.mz_materialized_views (id text, cluster_id text);
create table mz_catalog.mz_sources (id text, cluster_id text);
create table mz_internal.mz_cluster_replica_status_history (replica_id text, reason text,
  occurred_at timestamptz);
create table mz_internal.mz_hydration_statuses (object_id text, replica_id text, hydrated boolean);
create table mz_internal.mz_wallclock_global_lag (object_id text, lag interval);
create function mz_now() returns timestamptz language sql as 'select now()';
create role reader;
create schema mzpg;
grant usage on schema mzpg to reader;
insert into mz_internal.mz_show_default_privileges
  values ('postgres', current_database(), 'mzpg', 'table', 'reader', 'SELECT');
EOF

# a materialize project's seed, view and test, with no clusters
mzpg "$TMP/bg" error
"$DBT2NINJA" --blue-green >/dev/null 2>&1
ok $? "--blue-green generates"
MARK=$(conndir)/deploy-env

built() { sed -n 's/^\[[0-9/]*\] //p' "$TMP/out" | tr '\n' ' '; }

ninja build >"$TMP/out" 2>&1
ok $? "a first deployment: deploy-init, then every node into the deploy schema"
is "$(built)" "deploy-init seed seed.mz.regions model model.mz.bids test test.mz.positive " \
	"in that order"
is "$(sql 'select count(*) from mzpg_dbt_deploy.bids')" 2 "the view reads the deploy schema's seed"
is "$(sql 'select count(*) from pg_class where relnamespace = '"'mzpg'::regnamespace")" 0 \
	"production's schema is left alone"
is "$(sql "select has_schema_privilege('reader', 'mzpg_dbt_deploy', 'usage')")" t \
	"production's grants are copied to the deploy schema"
is "$(sql "select count(*) from pg_default_acl where defaclnamespace = 'mzpg_dbt_deploy'::regnamespace")" 1 \
	"and its default privileges"
check "the mark is written" test -f "$MARK"

cp -p "$MARK" "$TMP/mark"
sleep 1
ninja build >"$TMP/out" 2>&1
ok $? "again"
is "$(built)" "deploy-init " "only deploy-init runs: a deployment under way goes on where it is"
check "the mark is not rewritten" test ! "$MARK" -nt "$TMP/mark"

echo '3,c' >> seeds/regions.csv
ninja build >"$TMP/out" 2>&1
ok $? "a changed seed"
is "$(built)" "regenerating build.ninja deploy-init seed seed.mz.regions model model.mz.bids test test.mz.positive " \
	"rebuilds the seed and what reads it"

sql 'drop schema mzpg_dbt_deploy cascade' >/dev/null 2>&1
sleep 1
ninja build >"$TMP/out" 2>&1
ok $? "the deploy schema dropped behind our back"
is "$(built)" "deploy-init seed seed.mz.regions model model.mz.bids test test.mz.positive " \
	"init makes it anew, and every node is built into it"
is "$(sql 'select count(*) from mzpg_dbt_deploy.bids')" 3 "with the current seed"

rm "$MARK"
ninja build >"$TMP/out" 2>&1
is "$?" 1 "no mark, and a deploy schema that holds objects: refused"
grep -q "deploy-init: schema mzpg_dbt_deploy already exists and holds 2 objects, and no deployment of this build is in progress" "$TMP/out"
ok $? "saying whose it may be"
grep -q 'seed.mz.regions' "$TMP/out"
is "$?" 1 "and nothing is built"

: > "$MARK"
cp seeds/regions.csv "$TMP/regions.csv"
echo '0,zero' >> seeds/regions.csv
ninja deploy-promote >"$TMP/out" 2>&1
is "$?" 1 "a test of the deployment fails"
grep -q 'deploy-await\|deploy-promote' "$TMP/out"
is "$?" 1 "and nothing is awaited or promoted"
cp "$TMP/regions.csv" seeds/regions.csv
ninja deploy-promote >"$TMP/out" 2>&1
is "$?" 1 "promote: ALTER SCHEMA ... SWAP is Materialize's"
grep -q 'deploy-promote:.*syntax error at or near "swap"' "$TMP/out"
ok $? "the swap is what failed, after the checks passed"

ninja deploy-cleanup >"$TMP/out" 2>&1
ok $? "deploy-cleanup"
is "$(sql "select count(*) from pg_namespace where nspname = 'mzpg_dbt_deploy'")" 0 "drops the deploy schema"
check "and removes the mark" test ! -e "$MARK"

"$ROOT/dbt2ninja-run" --blue-green-op promote --schemas mzpg --mark m >"$TMP/out" 2>&1
is "$?" 1 "promote with no deploy schema"
is "$(cat "$TMP/out")" "dbt2ninja-run: deploy-promote: schema mzpg_dbt_deploy does not exist: nothing to promote" \
	"says there is nothing to promote"

run() { "$ROOT/dbt2ninja-run" --blue-green-op "$@" >"$TMP/out" 2>&1; }

run init --schemas mzpg,nosuch --mark m
is "$?" 1 "init: a production schema missing"
is "$(cat "$TMP/out")" "dbt2ninja-run: deploy-init: production schema nosuch does not exist" "is named"
check "and nothing is made" test "$(sql "select count(*) from pg_namespace where nspname like '%_dbt_deploy'")" = 0

sql "insert into mz_catalog.mz_sinks values ('u99', 'mzpg'::regnamespace::oid::text, 'c9')" >/dev/null
run init --schemas mzpg --mark m
is "$?" 1 "init: production's schema holds a sink"
is "$(cat "$TMP/out")" "dbt2ninja-run: deploy-init: production schema mzpg holds sinks: blue/green needs sinks in a schema of their own" \
	"refused, as dbt-materialize refuses it"
sql "delete from mz_catalog.mz_sinks" >/dev/null

run init --clusters c1 --mark m
is "$(cat "$TMP/out")" "dbt2ninja-run: deploy-init: production cluster c1 does not exist" "a production cluster missing"
sql "insert into mz_catalog.mz_clusters values ('uc1', 'c1', false, null, null, null)" >/dev/null
run init --clusters c1 --mark m
is "$(cat "$TMP/out")" "dbt2ninja-run: deploy-init: production cluster c1 is not a managed cluster: blue/green creates its deploy cluster like it" \
	"an unmanaged production cluster"
sql "insert into mz_catalog.mz_clusters values ('ud1', 'c1_dbt_deploy', true, '25cc', 1, null);
     insert into mz_catalog.mz_materialized_views values ('u7', 'ud1')" >/dev/null
run init --clusters c1 --mark m
is "$(cat "$TMP/out")" "dbt2ninja-run: deploy-init: cluster c1_dbt_deploy already exists and holds 1 object, and no deployment of this build is in progress: a promoted deployment not cleaned up (ninja deploy-cleanup), or someone else's" \
	"a deploy cluster with dataflows and no mark"
: > m
run init --clusters c1 --mark m
ok $? "with the mark: a deployment under way"
sql "delete from mz_catalog.mz_materialized_views" >/dev/null
rm m
run init --clusters c1 --mark m
ok $? "an empty deploy cluster, no mark"
check "is taken, and the mark written: everything builds" test -f m

# deploy-await, as are_clusters_ready decides
await() { run await --clusters c1 --timeout 0 --poll-interval 1 "$@"; }
await
is "$(tail -1 "$TMP/out")" "dbt2ninja-run: deploy-await: not ready after 0 s: c1_dbt_deploy (failing: no replicas)" \
	"await: no replicas is failing"
sql "insert into mz_catalog.mz_cluster_replicas values ('r1', 'ud1');
     insert into mz_internal.mz_hydration_statuses values ('u1', 'r1', true), ('u2', 'r1', false)" >/dev/null
await
is "$(tail -1 "$TMP/out")" "dbt2ninja-run: deploy-await: not ready after 0 s: c1_dbt_deploy (hydrating: 1/2)" \
	"one object of two hydrated"
sql "insert into mz_catalog.mz_cluster_replicas values ('r2', 'ud1');
     insert into mz_internal.mz_hydration_statuses values ('u1', 'r2', true), ('u2', 'r2', true)" >/dev/null
await
ok $? "a replica with every object hydrated is enough"
is "$(cat "$TMP/out")" "deploy-await: c1_dbt_deploy: ready
OK deploy-await" "and says so"
sql "insert into mz_internal.mz_wallclock_global_lag values ('u2', '5 seconds')" >/dev/null
await
is "$(tail -1 "$TMP/out")" "dbt2ninja-run: deploy-await: not ready after 0 s: c1_dbt_deploy (lagging: 5.000000 s)" \
	"five seconds of lag is more than a second"
await --lag-threshold '10s'
ok $? "and less than --lag-threshold 10s"
sql "insert into mz_internal.mz_cluster_replica_status_history
     select r, 'oom-killed', now() - interval '1 hour' from unnest(array['r1', 'r2']) r, generate_series(1, 3)" >/dev/null
await --lag-threshold '10s'
is "$(tail -1 "$TMP/out")" "dbt2ninja-run: deploy-await: not ready after 0 s: c1_dbt_deploy (failing: every replica OOM-killed 3 times in 24 hours)" \
	"every replica killed three times in a day is failing"
sql "update mz_internal.mz_cluster_replica_status_history set occurred_at = now() - interval '2 days' where replica_id = 'r2'" >/dev/null
await --lag-threshold '10s'
ok $? "kills older than a day do not count"
run await --clusters c1,c2 --timeout 1 --poll-interval 1 --lag-threshold 10s
is "$(grep -c 'c1_dbt_deploy: ready' "$TMP/out")" 2 "polled every --poll-interval until --timeout"
is "$(tail -1 "$TMP/out")" "dbt2ninja-run: deploy-await: not ready after 1 s: a deploy cluster missing: run ninja deploy-init" \
	"a deploy cluster missing is not ready"

sql "delete from mz_internal.mz_hydration_statuses where replica_id = 'r2'" >/dev/null
"$ROOT/dbt2ninja-run" --blue-green-op await --clusters c1 --poll-interval 30 >"$TMP/out" 2>&1 &
pid=$!
sleep 1
kill -INT $pid
wait $pid
is "$?" 130 "SIGINT while await waits: exit 130"
is "$(tail -1 "$TMP/out")" "dbt2ninja-run: deploy-await: interrupted" "saying so"

run await --timeout x
is "$?" 2 "--timeout takes seconds"
run frob
is "$?" 2 "an unknown operation is a usage error"
done_testing
