#!/bin/sh
# dbt2ninja reading properties and configs as dbt parse reads them
# (tests/data/props): doc_blocks of the descriptions' doc(), a column
# listed twice, config meta and tags at every level on the node, config
# keys dbt-postgres does not act on kept, on-run-start and on-run-end
# configured (and one disabled) by the models: tree, tests/fixtures/ no
# singular test, a YAML merge key, deprecation dates (naive ones in the
# local time zone) and their warnings, a time spine and its checks, a
# seed's quote_columns, a top-level key holding a YAML anchor, exposures
# configured by the exposures: tree and their own config (their tags in
# selection), singular tests' data_tests: entries, a generic test's own
# name and description, a model's keys that are no field of dbt's, dbt's
# native filters (as_bool, as_text) in properties. With the
# reference dbt: its job files
# are those from dbt parse's manifest of the same project (but for the
# context digest of the one rendered when it runs).
. "$(dirname "$0")/lib.sh"
export TZ=Europe/Paris
offline props props
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

# exposures: configured by the exposures: tree and their config, two disabled
grep -q '^build exposure\$:e1: phony .*model\.props\.late$' build.ninja && grep -q '^build exposure\$:e2: phony$' build.ninja &&
	! grep -q 'exposure\$:e[35]' build.ninja
ok $? "exposure targets: the disabled (by their config, by the tree) have none"
sel() { "$DBT2NINJA" select "$1" | sed 's,.*/ok/,,' | tr '\n' ' '; }
[ "$(sel '+tag:inner')" = "model.props.dep model.props.soon model.props.user model.props.vm.v1 " ] && [ -z "$(sel 'tag:inner')" ]
ok $? "+tag: an exposure's tag selects what is upstream of it" || sel '+tag:inner' | sed 's/^/# /'
# singular tests' data_tests: entries, and dbt's warnings for those that name none
grep 'data_tests' "$TMP/gen" >"$TMP/stw"
cat >"$TMP/want" <<'EOF'
dbt2ninja: warning: Did not find matching node for patch with name 'nosuch' in the 'data_tests' section of file 'tests/props.yml'
dbt2ninja: warning: Did not find matching node for patch with name 'offt' in the 'data_tests' section of file 'tests/props.yml'
EOF
diff "$TMP/want" "$TMP/stw" >"$TMP/d"
ok $? "dbt's warnings for a data_tests: entry no enabled singular test takes" || sed 's/^/# /' "$TMP/d"
[ -f "$(job test.props.sing)" ] && [ ! -f "$(job test.props.turnoff)" ] && [ ! -f "$(job test.props.offt)" ]
ok $? "a singular test disabled by its data_tests: entry"

# what the node JSON holds (target/ninja/manifest.json)
node() { python3 -c 'import json,sys; m=json.load(open("target/ninja/manifest.json")); print(json.dumps(eval(sys.argv[1], {"n": m["nodes"]})))' "$1"; }
[ "$(node '[n[k]["deprecation_date"] for k in ("model.props.dep", "model.props.vm.v1", "model.props.vm.v2", "model.props.soon")]')" = \
	'["2020-01-01T00:00:00+01:00", "2021-06-30T12:00:00+02:00", null, "2999-01-01T00:00:00+00:00"]' ]
ok $? "deprecation_date as dbt writes it: naive in the local time zone, a version's its own"
cat >"$TMP/want" <<'EOF'
dbt2ninja: warning: Model dep has passed its deprecation date of 2020-01-01T00:00:00+01:00. This model should be disabled or removed.
dbt2ninja: warning: While compiling 'user': Found a reference to dep, which was deprecated on '2020-01-01T00:00:00+01:00'. 
dbt2ninja: warning: Model vm.v1 has passed its deprecation date of 2021-06-30T12:00:00+02:00. This model should be disabled or removed.
dbt2ninja: warning: While compiling 'user': Found a reference to vm.v1, which was deprecated on '2021-06-30T12:00:00+02:00'. A new version of 'vm' is available. Migrate now: {{ ref('props', 'vm', v='2') }}.
dbt2ninja: warning: While compiling 'user': Found a reference to soon, which is slated for deprecation on '2999-01-01T00:00:00+00:00'. 
EOF
grep 'deprecat' "$TMP/gen" | sort >"$TMP/got"
sort "$TMP/want" | diff - "$TMP/got" >"$TMP/d"
ok $? "dbt's warnings for deprecated models and refs to them" || sed 's/^/# /' "$TMP/d"
[ "$(node '[n["model.props.ts"]["time_spine"], n["model.props.ts"]["columns"]["date_day"]["granularity"], n["model.props.vm.v2"]["time_spine"]]')" = \
	'[{"standard_granularity_column": "date_day", "custom_granularities": [{"name": "fiscal_year", "column_name": "fy"}]}, "day", null]' ]
ok $? "a time spine and a column's granularity"
[ "$(node '[n["seed.props.sd"]["config"]["quote_columns"], n["seed.props.sd"]["description"]]')" = '[null, "anchored"]' ]
ok $? "a seed's quote_columns read as dbt reads it (not at all); a top-level key holding an anchor passed over"
# the time spine's checks, in dbt's words (spine EDIT WORDS)
spine() {
	rm -rf "$TMP/sp" && cp -R "$P" "$TMP/sp" && rm -rf "$TMP/sp/target"
	sed -i "$1" "$TMP/sp/models/more.yml"
	(cd "$TMP/sp" && "$DBT2NINJA" >"$TMP/sp.out" 2>&1)
	[ $? = 1 ] && grep -qF "$2" "$TMP/sp.out"
	ok $? "time spine refused: $2" || sed 's/^/# /' "$TMP/sp.out"
	[ -z "$REFDBT" ] && return
	(cd "$TMP/sp" && "$REFDBT" parse >"$TMP/sp.out" 2>&1)
	[ $? != 0 ] && grep -qF "$2" "$TMP/sp.out"
	ok $? "dbt parse fails the same" || tail -5 "$TMP/sp.out" | sed 's/^/# /'
}
spines() {
	spine 's/standard_granularity_column: date_day/standard_granularity_column: dd/' \
		"Time spine standard granularity column must be defined on the model. Got invalid column name 'dd' for model 'ts'. Valid names: ['date_day', 'fy']."
	spine '/granularity: day/d' \
		"Time spine standard granularity column must have a granularity defined. Please add one for column 'date_day' in model 'ts'."
	spine 's/column_name: fy/column_name: fz/' \
		"Time spine custom granularity columns do not exist in the model. Columns not found: ['fz']; Available columns: ['date_day', 'fy']"
}
REFDBT= spines

refdbt_or_done "$TMP/refdbt"
bothways "$P"
samejobs "$P" late
python3 "$ROOT/tests/nodejson.py" "$TMP/fresh/target/ninja/manifest.json" "$P/target/manifest.json" \
	model:doc_blocks,model:unrendered_config,test:unrendered_config,test:tags,operation:config,operation:meta,operation:tags,operation:unrendered_config >"$TMP/nj" 2>&1
! grep -qv '^GAP ' "$TMP/nj"
ok $? "every node's JSON is dbt parse's (nodejson.py)" || grep -v '^GAP ' "$TMP/nj" | head -20 | sed 's/^/# /'
grep 'deprecat' "$TMP/parse" | sed 's/^.*\]: /dbt2ninja: warning: /' | sort | diff "$TMP/got" - >"$TMP/d"
ok $? "dbt parse warns the same" || sed 's/^/# /' "$TMP/d"
grep -F "in the 'data_tests' section" "$TMP/parse" | sed 's/^.*\]: /dbt2ninja: warning: /' | diff "$TMP/stw" - >"$TMP/d"
ok $? "dbt parse warns the same of data_tests: entries" || sed 's/^/# /' "$TMP/d"
for s in '+tag:inner' '+tag:zz' '2+tag:inner' '@tag:zz'; do
	(cd "$P" && "$TMP/refdbt/bin/dbt" -q ls --resource-type model --resource-type test --select "$s" \
		--output json --output-keys unique_id | sed 's/.*: "\(.*\)"}$/\1/' | sort | tr '\n' ' ') >"$TMP/ls"
	(cd "$TMP/fresh" && sel "$s" | tr ' ' '\n' | grep . | sort | tr '\n' ' ') >"$TMP/selo"
	diff "$TMP/ls" "$TMP/selo" >"$TMP/d"
	ok $? "select '$s' is dbt ls's" || { diag "dbt ls: $(cat "$TMP/ls")"; diag "ours: $(cat "$TMP/selo")"; }
done
# a parse error in the data_tests: section: dbt's warning, the rest of it
# passed over (the entries before it kept)
rm -rf "$TMP/dt" "$TMP/dt2" && cp -R "$P" "$TMP/dt" && rm -rf "$TMP/dt/target"
sed -i 's/^  - name: nosuch$/&\n    meta: {a: 1}\n    config: {meta: {b: 2}}/' "$TMP/dt/tests/props.yml"
cp -R "$TMP/dt" "$TMP/dt2"
(cd "$TMP/dt" && "$DBT2NINJA" >"$TMP/dt.out" 2>&1)
ok $? "a parse error in data_tests: does not stop dbt2ninja" || sed 's/^/# /' "$TMP/dt.out"
(cd "$TMP/dt2" && "$TMP/refdbt/bin/dbt" parse --no-partial-parse >"$TMP/dt2.out" 2>&1)
ok $? "nor dbt parse" || tail -5 "$TMP/dt2.out" | sed 's/^/# /'
grep -A3 'Unable to parse' "$TMP/dt.out" | sed 's/^dbt2ninja: warning: //' >"$TMP/a"
grep -A3 'Unable to parse' "$TMP/dt2.out" | sed 's/^.*  Unable/Unable/' >"$TMP/b"
[ -s "$TMP/a" ] && diff "$TMP/b" "$TMP/a" >"$TMP/d" && ! grep -q nosuch "$TMP/dt.out"
ok $? "dbt's words for it" || { sed 's/^/# /' "$TMP/d"; sed 's/^/# /' "$TMP/a"; }
python3 "$ROOT/tests/nodejson.py" "$TMP/dt/target/ninja/manifest.json" "$TMP/dt2/target/manifest.json" \
	model:doc_blocks,model:unrendered_config,test:unrendered_config,test:tags,operation:config,operation:meta,operation:tags,operation:unrendered_config >"$TMP/nj" 2>&1
! grep -qv '^GAP ' "$TMP/nj"
ok $? "and the same nodes (the entry before the error applied)" || grep -v '^GAP ' "$TMP/nj" | head -20 | sed 's/^/# /'
REFDBT=$TMP/refdbt/bin/dbt spines
done_testing
