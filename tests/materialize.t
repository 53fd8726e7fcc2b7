#!/bin/sh
# Materialize: every statement sequence, golden, through dbt2ninja-run
# --dry-run (no Materialize server can be installed here), on a manifest of
# our own and on a real dbt-materialize project's.
# UPDATE_GOLDEN=1 rewrites tests/golden/materialize.txt.
. "$(dirname "$0")/lib.sh"

cp -R "$ROOT/tests/data/mz" "$TMP/mz"
cd "$TMP/mz" || exit 1
"$DBT2NINJA" >/dev/null 2>&1
ok $? "a materialize manifest generates"
for j in target/ninja/sql/*.sql; do
	echo "=== ${j##*/}"
	"$ROOT/dbt2ninja-run" --dry-run "$j" 2>&1
	echo "exit $?"
done > "$TMP/dry.txt"
[ "${UPDATE_GOLDEN:-}" ] && cp "$TMP/dry.txt" "$ROOT/tests/golden/materialize.txt"
check "every materialization's statements are dbt-materialize's" diff -u "$ROOT/tests/golden/materialize.txt" "$TMP/dry.txt"
grep -q '^create default index on "materialize"."public"."bids";$' "$TMP/dry.txt"
ok $? "a default index"
grep -q '^create materialized view "materialize"."public"."as_table"$' "$TMP/dry.txt"
ok $? "a table is a materialized view"
grep -q "^dbt2ninja-run: model.mz.incr (target/ninja/sql/model.mz.incr.sql): the incremental materialization is not supported by dbt-materialize" "$TMP/dry.txt"
ok $? "incremental is refused, saying why"
grep -q '^set cluster = compute;$' "$TMP/dry.txt"
ok $? "a test runs after set cluster"

f=$MANIFESTS/onward-materialize-v7-1.3.1-materialize.json
if [ -e "$f" ]; then
	mkdir -p "$TMP/onward" && cd "$TMP/onward" || exit 1
	"$DBT2NINJA" "$f" >/dev/null 2>&1
	ok $? "a real dbt-materialize manifest generates"
	rc=0
	for j in target/ninja/sql/*.sql; do
		"$ROOT/dbt2ninja-run" --dry-run "$j" >> "$TMP/onward.txt" 2>&1 || rc=1
	done
	ok $rc "and every job has its statements"
	is "$(grep -c '^CREATE SOURCE IF NOT EXISTS' "$TMP/onward.txt")" 2 \
		"its sources, complete statements in the older form, are sent as written"
else
	ok 0 "# SKIP no real manifests at $MANIFESTS"
fi
done_testing
