#!/bin/sh
# Stamps count only for the connection they were deployed over, through
# real ninja and two throwaway servers A and B with the same database and
# schema names: a deploy to A says nothing of B, B's deploy leaves A's
# stamps alone, and coming back to A finds them. The executor checks it
# too: a run whose connection is not the one build.ninja was written for
# fails, and a stamp of another connection is not "the same job deployed".
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/pg.sh"

pgstart || { echo "Bail out! cannot start PostgreSQL"; exit 1; }
A=$PGTMP
trap 'PGTMP=$A; pgstop; rm -rf "$TMP"' EXIT
pgstart || { echo "Bail out! cannot start a second PostgreSQL"; exit 1; }
B=$PGTMP
trap 'PGTMP=$A; pgstop; PGTMP=$B; pgstop; rm -rf "$TMP"' EXIT
for h in "$A" "$B"; do
	PGHOST=$h psql -Xqc "create database demo" || exit 1
done
export PGDATABASE=demo
# on SERVER QUERY: one value from that server's demo database
on() { PGHOST=$1 psql -XAtqc "$2"; }
ran() { grep -cE '^(OK|PASS|WARN|FAIL|ERROR)' "$TMP/out"; }
tables() { on "$1" "select count(*) from information_schema.tables where table_schema = 'analytics'"; }

cp -R "$ROOT/docs/example" "$TMP/jaffle"
cd "$TMP/jaffle" || exit 1
# dev is A, prod is B: the same database, schema and user, so the same jobs
cat > profiles.yml <<EOF
jaffle:
  target: dev
  outputs:
    dev:
      type: postgres
      host: "$A"
      user: postgres
      dbname: demo
      schema: analytics
    prod:
      type: postgres
      host: "$B"
      user: postgres
      dbname: demo
      schema: analytics
EOF
# only the profile says where: libpq's environment points nowhere
export PGHOST=/nonexistent

"$DBT2NINJA" >/dev/null 2>&1
ok $? "generates for dev"
DEV=$(conndir)
is "$(cat "$DEV/connection")" "host=$A port=5432 dbname=demo user=postgres" \
	"build.ninja names dev's connection, described in its directory"
ninja build >"$TMP/out" 2>&1
ok $? "builds dev"
is "$(ran)" 20 "every node"
check "onto A" test "$(tables "$A")" -gt 0
is "$(tables "$B")" 0 "and nothing onto B"
is "$(cat "$DEV/ok/model.jaffle.orders")" \
	"$(sha256sum < target/ninja/sql/model.jaffle.orders.sql | cut -d' ' -f1) ${DEV##*/}" \
	"a stamp holds its job's hash and its connection's key"
before=$(tree "$DEV")
jobs=$(tree target/ninja/sql)

"$DBT2NINJA" --target prod >/dev/null 2>&1
ok $? "generates for prod: the same jobs, another server"
PROD=$(conndir)
check "another connection, another directory" test "$PROD" != "$DEV"
is "$(cat "$PROD/connection")" "host=$B port=5432 dbname=demo user=postgres" "prod's"
is "$(tree target/ninja/sql)" "$jobs" "(its job files are dev's, untouched)"
ninja build >"$TMP/out" 2>&1
ok $? "builds prod"
is "$(ran)" 20 "every node again: dev's stamps do not count for prod"
is "$(tables "$B")" "$(tables "$A")" "onto B, as onto A"
is "$(tree "$DEV")" "$before" "dev's stamps and results are untouched"
is "$(ninja build)" "ninja: no work to do." "and then has nothing left to build"

"$DBT2NINJA" >/dev/null 2>&1
is "$(conndir)" "$DEV" "back to dev: its own directory again"
is "$(ninja deploy)" "ninja: no work to do." "where nothing is left to do"
is "$(ninja -n build)" "ninja: no work to do." "nor to build"
"$DBT2NINJA" results >/dev/null
is "$(python3 -c 'import json; print(len(json.load(open("target/run_results.json"))["results"]))')" 20 \
	"dbt2ninja results reports dev's runs"
"$DBT2NINJA" --target prod >/dev/null 2>&1
is "$(ninja deploy)" "ninja: no work to do." "and prod's stamps are found again"
"$DBT2NINJA" results >/dev/null
is "$(python3 -c 'import json; print(len(json.load(open("target/run_results.json"))["results"]))')" 20 \
	"and its results"
is "$("$DBT2NINJA" select orders | head -1)" "$PROD/ok/model.jaffle.orders" \
	"dbt2ninja select names the stamps of build.ninja's connection"

# a profile that changes where it connects regenerates build.ninja, which
# then deploys anew: the same server under another user's name is another
# connection
sleep 1
on "$B" "create role other login superuser" >/dev/null
sed -i 's/^      user: postgres$/      user: other/' profiles.yml
ninja deploy >"$TMP/out" 2>&1
ok $? "a changed profiles.yml regenerates build.ninja"
check "for the connection it now makes" test "$(conndir)" != "$PROD"
is "$(ran)" 12 "which deploys every model, seed and snapshot anew"
sed -i 's/^      user: other$/      user: postgres/' profiles.yml

# without a profile, libpq's environment is the connection
rm profiles.yml
export PGHOST="$A"
"$DBT2NINJA" >/dev/null 2>&1
is "$(conndir)" "$DEV" "libpq's environment reaching A is dev's connection"
is "$(ninja deploy)" "ninja: no work to do." "whose stamps count"
export PGHOST="$B"
"$DBT2NINJA" >/dev/null 2>&1
is "$(conndir)" "$PROD" "and reaching B, prod's"
is "$(ninja deploy)" "ninja: no work to do." "whose stamps count there"

# Ninja cannot see the environment: a build.ninja written for B, run with
# libpq pointing at A, fails the nodes it would run rather than stamp B's
# stamps for what it did on A
touch target/ninja/sql/model.jaffle.top_customers.sql
PGHOST="$A" ninja deploy >"$TMP/out" 2>&1
is "$?" 1 "the environment changed since build.ninja was written: the node fails"
grep -q "^dbt2ninja-run: model.jaffle.top_customers (target/ninja/sql/model.jaffle.top_customers.sql): connects to host=$A port=5432 dbname=demo user=postgres, but build.ninja was written for host=$B port=5432 dbname=demo user=postgres: the profile or libpq's environment changed since; run dbt2ninja to regenerate build.ninja$" "$TMP/out"
ok $? "saying both connections and what to do"
ninja -n deploy | grep -q 'model.jaffle.top_customers$'
ok $? "and stamps nothing: it is still to deploy"
PGHOST="$A" "$DBT2NINJA" >/dev/null 2>&1
PGHOST="$A" ninja deploy >"$TMP/out" 2>&1
ok $? "regenerated, it deploys to A"
is "$(ran)" 1 "the node whose job is newer than A's stamp"

# --state marks production's nodes built for this connection only
rm -rf "$TMP/ci" && cp -R "$ROOT/docs/example" "$TMP/ci" && cd "$TMP/ci" || exit 1
rm profiles.yml
"$DBT2NINJA" --state "$TMP/jaffle/target/manifest.json" >/dev/null 2>&1
is "$(ninja -n deploy)" "ninja: no work to do." "--state: production's nodes are built here"
is "$(cat "$(conndir)/ok/model.jaffle.orders")" \
	"$(sha256sum < target/ninja/sql/model.jaffle.orders.sql | cut -d' ' -f1) ${PROD##*/}" \
	"stamped for this connection"
PGHOST="$A" "$DBT2NINJA" >/dev/null 2>&1
is "$(ninja -n deploy | grep -v '^\[[0-9/]*\] contents ' | grep -c '^\[')" 12 "and not for another"

# blue/green: the mark of a deployment under way is the connection's
mzpg "$TMP/mz" >/dev/null
"$DBT2NINJA" --blue-green >/dev/null 2>&1
is "$(sed -n 's/^bg_mark = //p;s/^build \([^ ]*\) deploy-init: .*/\1/p' build.ninja | tr '\n' ' ')" \
	"\$conn/deploy-env \$conn/deploy-env " "--blue-green: the mark is in the connection's directory"

done_testing
