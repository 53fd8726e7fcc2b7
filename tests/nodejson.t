#!/bin/sh
# The node JSON of a project read by dbt2ninja itself
# (target/ninja/manifest.json) is dbt parse's, field for field and in
# dbt's key order, for every model, seed, snapshot, singular and generic
# test, operation, source and exposure of tests/data/project, project2,
# project3 and groups: what a job rendered when it runs carries. Left out
# by nature (tests/nodejson.py): created_at, a seed's root_path,
# analyses. What the reader does not make yet is a TODO test naming it.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
refdbt_or_done "$TMP/refdbt"
# not made yet: doc_blocks (the doc() calls of a description); the
# order of unrendered_config's keys; sources' properties beyond their
# names (loader, meta, tags, freshness, loaded_at_field, ...); the
# project's models: tree's meta and tags on hooks; a source test's tags
GAPS=model:doc_blocks,model:columns,model:unrendered_config,test:unrendered_config,test:tags
GAPS=$GAPS,operation:config,operation:meta,operation:tags,operation:unrendered_config
for k in config loader meta tags unrendered_config doc_blocks external freshness loaded_at_field \
	loaded_at_query patch_path source_meta unrendered_database unrendered_schema; do
	GAPS=$GAPS,source:$k
done
for p in project project2 project3 groups; do
	D=$TMP/$p
	rm -rf "$D" "$D.dbt" && cp -R "$ROOT/tests/data/$p" "$D"
	prof=$(sed -n 's/^profile: *//p' "$D/dbt_project.yml" | tr -d "\"'")
	printf '%s:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: localhost\n      port: 5432\n      user: postgres\n      password: ""\n      dbname: demo\n      schema: dev\n      threads: 2\n' \
		"$prof" >"$D/profiles.yml"
	cp -R "$D" "$D.dbt"
	(cd "$D" && DBT_PROFILES_DIR=. "$DBT2NINJA" >"$TMP/gen" 2>&1)
	ok $? "$p: dbt2ninja reads it" || sed 's/^/# /' "$TMP/gen"
	(cd "$D.dbt" && DBT_PROFILES_DIR=. "$TMP/refdbt/bin/dbt" parse >"$TMP/parse" 2>&1)
	ok $? "$p: dbt parse" || tail -20 "$TMP/parse" | sed 's/^/# /'
	python3 "$ROOT/tests/nodejson.py" "$D/target/ninja/manifest.json" "$D.dbt/target/manifest.json" \
		"$GAPS" >"$TMP/diff" 2>&1
	! grep -qv '^GAP ' "$TMP/diff"
	ok $? "$p: every node's JSON is dbt parse's, in its key order" || grep -v '^GAP ' "$TMP/diff" | head -30 | sed 's/^/# /'
	tap_n=$((tap_n + 1))
	if grep -q '^GAP ' "$TMP/diff"; then
		echo "not ok $tap_n - $p: the fields not made yet # TODO $(grep -c '^GAP ' "$TMP/diff") differences"
		grep '^GAP ' "$TMP/diff" | head -10 | sed 's/^/# /'
	else
		echo "ok $tap_n - $p: the fields not made yet # TODO"
	fi
done
done_testing
