#!/bin/sh
# docs/ci.md's loop with no Python: production reads the project itself
# and records what it deploys (--record); a pull request's fresh checkout
# builds, into a schema of its own, what changed and its downstream
# (--state db:prod), reading production's relations for the rest
# (--defer), through real ninja and a real PostgreSQL. An incremental's
# second form, a hook and a node rendered when it runs defer as the rest
# does.
. "$(dirname "$0")/lib.sh"
withpg

# checkout NAME: a fresh copy of the example project, with a model
# rendered when it runs, and a profile of two targets, prod and ci
checkout() {
	rm -rf "$TMP/$1" && cp -R "$ROOT/docs/example" "$TMP/$1" || exit 1
	rm -rf "$TMP/$1/target" "$TMP/$1/changed"
	cat >"$TMP/$1/models/marts/wide.sql" <<'EOF'
{% set cols = adapter.get_columns_in_relation(ref('stg_customers')) %}
select {% for c in cols %}{{ c.name }}{{ ', ' if not loop.last }}{% endfor %}
from {{ ref('stg_customers') }}
EOF
	# a hook reading a parent: deferred too
	sed "s/incremental_strategy='delete+insert'/&, post_hook=\"select 1 from {{ ref('orders') }} limit 0\"/" \
		"$TMP/$1/models/marts/daily_revenue.sql" >"$TMP/x" && mv "$TMP/x" "$TMP/$1/models/marts/daily_revenue.sql"
	for t in prod ci; do
		s=analytics
		[ $t = ci ] && s=ci_pr
		printf '    %s:\n      type: postgres\n      host: "%s"\n      port: %s\n      user: postgres\n      password: ""\n      dbname: demo\n      schema: %s\n      threads: 2\n' \
			$t "$PGHOST" "$PGPORT" $s
	done | { printf 'jaffle:\n  target: prod\n  outputs:\n'; cat; } >"$TMP/$1/profiles.yml"
	cd "$TMP/$1" || exit 1
}
export DBT_PROFILES_DIR=.
# what ninja would build, node names sorted
would() { ninja -n build | grep -v '^\[[0-9/]*\] contents ' | sed -n 's/^\[[0-9]*\/[0-9]*\] [a-z]* //p' | LC_ALL=C sort | tr '\n' ' '; }

# a record as an older dbt2ninja made it, without render_target
sql "create schema dbt2ninja; create table dbt2ninja.deployments (target text not null,
	unique_id text not null, relation text not null, job_sha256 text not null,
	deployed_at timestamptz not null default now(), duration interval,
	primary key (target, unique_id))" >/dev/null
checkout prod
"$DBT2NINJA" --record >"$TMP/out" 2>&1
ok $? "production reads the project itself, recording" || sed 's/^/# /' "$TMP/out"
ninja -k 0 build >"$TMP/out" 2>&1
ok $? "production builds" || tail -20 "$TMP/out" | sed 's/^/# /'
is "$(sql "select count(*) from dbt2ninja.deployments where target = 'prod'")" 21 "every node it built is recorded"
is "$(sql "select count(render_target) from dbt2ninja.deployments where target = 'prod'")" 1 \
	"the late node with its target's digest, in a column added to the older table"

# a pull request that changes nothing: nothing is built, the incremental
# (whose other form names itself) and the node rendered when it runs
# (whose job names its target) production's
checkout ci
DBT_TARGET=ci "$DBT2NINJA" --state db:prod --defer >"$TMP/out" 2>&1
ok $? "CI reads the project and production's record" || sed 's/^/# /' "$TMP/out"
grep -q '^dbt2ninja: state from db:prod: 0 new, 0 modified, 0 downstream, 21 unchanged$' "$TMP/out"
ok $? "an unchanged checkout is unchanged, incrementals and late nodes too" || sed 's/^/# /' "$TMP/out"
is "$(would)" "" "nothing is built"

# one that changes the node rendered when it runs: built in CI, reading
# production's parent
checkout ci
echo "where true" >>models/marts/wide.sql
DBT_TARGET=ci "$DBT2NINJA" --state db:prod --defer >"$TMP/out" 2>&1
grep -q '^dbt2ninja: state from db:prod: 0 new, 1 modified, 0 downstream, 20 unchanged$' "$TMP/out"
ok $? "the changed late node is modified" || sed 's/^/# /' "$TMP/out"
is "$(would)" "model.jaffle.wide " "and built alone"
DBT_TARGET=ci ninja -k 0 build >"$TMP/out" 2>&1
ok $? "it builds, reading production's parent" || tail -20 "$TMP/out" | sed 's/^/# /'
is "$(q demo "select count(*) from ci_pr.wide")" "$(q demo "select count(*) from analytics.stg_customers")" \
	"with the columns get_columns_in_relation() found in production's relation"

# a pull request that changes an incremental model: built in CI from
# production's parent, and again on the next push, in its incremental form
for push in 1 2; do
	checkout ci
	sed 's/sum(total) as revenue/sum(total) * 1 as revenue/' models/marts/daily_revenue.sql >x && mv x models/marts/daily_revenue.sql
	DBT_TARGET=ci "$DBT2NINJA" --state db:prod --defer >"$TMP/out" 2>&1
	grep -q '^dbt2ninja: state from db:prod: 0 new, 1 modified, 1 downstream, 19 unchanged$' "$TMP/out"
	ok $? "push $push: the changed incremental is modified" || sed 's/^/# /' "$TMP/out"
	is "$(would)" "model.jaffle.daily_revenue test.jaffle.assert_revenue_positive " \
		"push $push: it builds with its test"
	DBT_TARGET=ci ninja -k 0 build >"$TMP/out" 2>&1
	ok $? "push $push: the build succeeds, reading production's orders" || tail -20 "$TMP/out" | sed 's/^/# /'
done
grep -q '^OK created sql incremental model ci_pr.daily_revenue' "$TMP/out"
ok $? "the second push ran the incremental form" || sed 's/^/# /' "$TMP/out"
is "$(q demo "select order_date, revenue from ci_pr.daily_revenue order by 1" | md5sum)" \
	"$(q demo "select order_date, revenue from analytics.daily_revenue order by 1" | md5sum)" \
	"with production's rows"
is "$(q demo "select count(*) from information_schema.tables where table_schema = 'ci_pr'")" 2 \
	"CI's schema holds only what it built"

DBT_TARGET=ci "$DBT2NINJA" drop-env --state db:prod >"$TMP/out" 2>&1
ok $? "drop-env" || sed 's/^/# /' "$TMP/out"
is "$(q demo "select count(*) from pg_namespace where nspname = 'ci_pr'")" 0 "drops CI's schema"
is "$(q demo "select count(*) from pg_namespace where nspname in ('analytics', 'snapshots')")" 2 "and none of production's"

# the change merged: production's fresh checkout deploys only it
checkout prod
sed 's/sum(total) as revenue/sum(total) * 1 as revenue/' models/marts/daily_revenue.sql >x && mv x models/marts/daily_revenue.sql
"$DBT2NINJA" --record --state db:prod >"$TMP/out" 2>&1
ok $? "production with its own record as state" || sed 's/^/# /' "$TMP/out"
is "$(would)" "model.jaffle.daily_revenue test.jaffle.assert_revenue_positive " "deploys only the change"
ninja -k 0 build >/dev/null 2>&1
ok $? "and builds it"
checkout prod
sed 's/sum(total) as revenue/sum(total) * 1 as revenue/' models/marts/daily_revenue.sql >x && mv x models/marts/daily_revenue.sql
"$DBT2NINJA" --state db:prod >/dev/null 2>&1
is "$(would)" "" "the next checkout finds it recorded"

# the same loop with dbt parse's manifests, production's kept as a file:
# the node rendered when it runs compares as production's too
refdbt_or_done "$TMP/refdbt"
checkout prod
"$TMP/refdbt/bin/dbt" parse --target prod >"$TMP/parse" 2>&1
ok $? "dbt parse for production" || tail -20 "$TMP/parse" | sed 's/^/# /'
mkdir -p "$TMP/prodstate" && cp target/manifest.json "$TMP/prodstate/"
checkout ci
"$TMP/refdbt/bin/dbt" parse --target ci >"$TMP/parse" 2>&1
ok $? "dbt parse for CI" || tail -20 "$TMP/parse" | sed 's/^/# /'
DBT_TARGET=ci "$DBT2NINJA" --state "$TMP/prodstate" --defer >"$TMP/out" 2>&1
grep -q "^dbt2ninja: state from $TMP/prodstate: 0 new, 0 modified, 0 downstream, 21 unchanged\$" "$TMP/out"
ok $? "an unchanged checkout is unchanged, the node rendered when it runs too" || sed 's/^/# /' "$TMP/out"
is "$(would)" "" "nothing is built"
tree target/ninja/sql >"$TMP/before"
sleep 1
"$TMP/refdbt/bin/dbt" parse --target ci >"$TMP/parse" 2>&1
DBT_TARGET=ci "$DBT2NINJA" --state "$TMP/prodstate" --defer >/dev/null 2>&1
tree target/ninja/sql >"$TMP/after"
cmp -s "$TMP/before" "$TMP/after"
ok $? "dbt parse again (every macro's created_at new) rewrites no job"

done_testing
