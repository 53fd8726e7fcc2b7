#!/bin/sh
# The node JSON of a project read by dbt2ninja itself
# (target/ninja/manifest.json) is dbt parse's, field for field and in
# dbt's key order, for every model, seed, snapshot, singular and generic
# test, operation, source and exposure of tests/data/project, project2,
# project3, groups, sources (sources with every property dbt reads of
# them), hookrefs (refs, sources and macros of hooks at every level; refs
# of what fromyaml and fromjson read) and
# crosspatch (properties and tests of a package's nodes in the root
# project, and of the root's in a package; a disabled model's docs left
# unrendered, and one its properties disable), and tests/data/project with
# CR LF line ends:
# what a job rendered when it runs carries. Left out by nature
# (tests/nodejson.py): created_at, a seed's root_path, analyses.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
refdbt_or_done "$TMP/refdbt"
for p in project project2 project3 groups sources hookrefs crosspatch crlf; do
	D=$TMP/$p
	rm -rf "$D" "$D.dbt"
	if [ "$p" = crlf ]; then
		# tests/data/project with every line ended by CR LF: dbt reads a
		# file's bytes (raw code, checksums, macros and docs keep the CR)
		cp -R "$ROOT/tests/data/project" "$D" &&
			find "$D" -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' -o -name '*.md' \) \
			-exec sed -i 's/$/\r/' {} +
	else
		cp -R "$ROOT/tests/data/$p" "$D"
	fi
	prof=$(sed -n 's/^profile: *//p' "$D/dbt_project.yml" | tr -d "\"'\r")
	printf '%s:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: localhost\n      port: 5432\n      user: postgres\n      password: ""\n      dbname: demo\n      schema: dev\n      threads: 2\n' \
		"$prof" >"$D/profiles.yml"
	cp -R "$D" "$D.dbt"
	(cd "$D" && DBT_PROFILES_DIR=. "$DBT2NINJA" >"$TMP/gen" 2>&1)
	ok $? "$p: dbt2ninja reads it" || sed 's/^/# /' "$TMP/gen"
	(cd "$D.dbt" && DBT_PROFILES_DIR=. "$TMP/refdbt/bin/dbt" parse >"$TMP/parse" 2>&1)
	ok $? "$p: dbt parse" || tail -20 "$TMP/parse" | sed 's/^/# /'
	python3 "$ROOT/tests/nodejson.py" "$D/target/ninja/manifest.json" "$D.dbt/target/manifest.json" \
		>"$TMP/diff" 2>&1
	! [ -s "$TMP/diff" ]
	ok $? "$p: every node's JSON is dbt parse's, in its key order" || head -30 "$TMP/diff" | sed 's/^/# /'
done
done_testing
