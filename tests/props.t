#!/bin/sh
# dbt2ninja reading properties and configs as dbt parse reads them
# (tests/data/props): doc_blocks of the descriptions' doc(), a column
# listed twice, config meta and tags at every level on the node, config
# keys dbt-postgres does not act on kept, on-run-start and on-run-end
# configured (and one disabled) by the models: tree, tests/fixtures/ no
# singular test, a YAML merge key. With the reference dbt: its job files
# are those from dbt parse's manifest of the same project (but for the
# context digest of the one rendered when it runs).
. "$(dirname "$0")/lib.sh"
P=$TMP/ours
cp -R "$ROOT/tests/data/props" "$P"
printf 'props:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: localhost\n      port: 5432\n      user: postgres\n      password: ""\n      dbname: demo\n      schema: dev\n      threads: 2\n' \
	>"$P/profiles.yml"
export DBT_PROFILES_DIR="$P"
cd "$P" || exit 1
job() { echo "target/ninja/sql/$1.sql"; }

"$DBT2NINJA" -v >"$TMP/gen" 2>&1
ok $? "dbt2ninja reads the project" || sed 's/^/# /' "$TMP/gen"
l=$(job model.props.late)
grep -q '"doc_blocks":.*\["doc.props.other", "doc.props.idcol"\]' "$l"
ok $? "a node's doc_blocks: each doc() that is a whole {{ }}" || grep -n doc_blocks "$l" | sed 's/^/# /'
grep -q '"description":.*"second Other"' "$l" && ! grep -q '"first The id"' "$l"
ok $? "a column listed twice: the last one's"
grep -q '"transient":.*false' "$l" && grep -q '"bind":.*false' "$l" && grep -q '"table_type":.*"iceberg"' "$l"
ok $? "config keys of no field kept"
grep -q '"tags":.*\["t"\]' "$l" && grep -q '"m":.*1' "$l"
ok $? "a column of a YAML merge key"
[ -f "$(job operation.props.props-on-run-end-0)" ] && [ ! -f "$(job operation.props.props-on-run-end-1)" ]
ok $? "a hook disabled by the models: tree"
[ -f "$(job test.props.sing)" ] && [ ! -f "$(job test.props.fx)" ]
ok $? "tests/fixtures/ is no singular test"

refdbt_or_done "$TMP/refdbt"
bothways "$P"
samejobs "$P" late
done_testing
