#!/bin/sh
# Golden tests: small manifests to byte-exact build.ninja and job files,
# and the statements of every job.
# UPDATE_GOLDEN=1 rewrites the expected files from what is generated now.
. "$(dirname "$0")/lib.sh"
# the connection build.ninja names is libpq's environment's: the same everywhere
export PGHOST=/run/golden PGPORT=5432 PGUSER=golden PGDATABASE=golden
unset PGHOSTADDR PGSERVICE PGSERVICEFILE

for dir in "$ROOT"/tests/golden/*/; do
	case=$(basename "$dir")
	work=$TMP/$case
	cp -R "$ROOT/tests/data/$case" "$work"
	(cd "$work" && "$DBT2NINJA" target/manifest.json) 2>"$TMP/err"
	ok $? "$case: generates"
	sed "s|$ROOT|@ROOT@|g; s|$TMP|@TMP@|g" "$work/build.ninja" > "$TMP/build.ninja"
	if [ "${UPDATE_GOLDEN:-}" ]; then
		rm -rf "$dir/sql"
		cp "$TMP/build.ninja" "$dir/build.ninja"
		cp -R "$work/target/ninja/sql" "$dir/sql"
		cp "$TMP/err" "$dir/stderr"
	fi
	check "$case: build.ninja is as expected" diff -u "$dir/build.ninja" "$TMP/build.ninja"
	check "$case: job files are as expected" diff -ru "$dir/sql" "$work/target/ninja/sql"
	check "$case: warnings are as expected" diff -u "$dir/stderr" "$TMP/err"
	# every job's statements, as dbt2ninja-run --dry-run prints them
	(cd "$work" && for j in target/ninja/sql/*.sql; do
		echo "=== ${j##*/}"
		"$ROOT/dbt2ninja-run" --dry-run "$j" 2>&1
		echo "exit $?"
	done) > "$TMP/dry.txt"
	[ "${UPDATE_GOLDEN:-}" ] && cp "$TMP/dry.txt" "$dir/dry-run.txt"
	check "$case: the executor's statements are as expected" diff -u "$dir/dry-run.txt" "$TMP/dry.txt"
	(cd "$work" && ninja -n deploy >/dev/null 2>&1)
	ok $? "$case: ninja accepts it"
done
done_testing
