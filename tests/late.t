#!/bin/sh
# Nodes whose SQL needs the database to render (run_query, a statement
# block and load_result, adapter.get_columns_in_relation, get_relation of
# another relation, dbt_utils.star, an incremental's run_query on this,
# modules.datetime's clock, a model's and a seed's post-hook's
# adapter.drop_relation of this.incorporate(type='table'), graph read
# before run_query):
# the generator leaves them to the executor, which renders each on its
# own connection when it runs. The project tests/data/late, with the real
# dbt_utils in dbt_packages/, is parsed by the reference dbt and deployed
# by dbt2ninja and ninja into one database and by `dbt build` into
# another; both hold the same rows, and what the executor rendered is what
# dbt build rendered as it ran the node, round after round; the tests
# (dbt_utils.equality with compare_columns, exclude_columns, neither, and
# one that finds differences) end as dbt's did, failures counted. The same
# project read by dbt2ninja itself (no dbt parse: our statement and
# run_query) deploys a third database the same way.
. "$(dirname "$0")/lib.sh"
command -v ninja >/dev/null 2>&1 || skip_all "ninja is not installed"
[ -f "$REFERENCE/install.sh" ] || skip_all "no reference dbt${REFERENCE:+ in $REFERENCE} (DBT2NINJA_REFERENCE)"
UTILS=$ROOT/../shared/fixtures/packages/dbt_utils
[ -d "$UTILS" ] || skip_all "no dbt_utils in ../shared/fixtures/packages"
refdbt "$TMP/refdbt" || { cat "$TMP/install.log" >&2; echo "Bail out! cannot install the reference dbt"; exit 1; }
DBT=$TMP/refdbt/bin/dbt
withpg
psql -Xqc "create database dbt" -c "create database ours" -c "create database proj" || exit 1
unset PGDATABASE

# project DIR DB: the project in DIR, its profile on database DB
project() {
	mkdir -p "$1/dbt_packages"
	cp -R "$ROOT/tests/data/late/." "$1/"
	cp -R "$UTILS" "$1/dbt_packages/"
	pgprofile "$1/profiles.yml" shelf "$2" s 2
}
project "$TMP/dbt" dbt
project "$TMP/ours" ours
project "$TMP/proj" proj
LATE="asdict clocked counted graphed grown kinds maybe narrow stamped starred"

rows() { schemarows "$1" s; }
# tests DIR: each test's name, status and failures in DIR's run_results.json
tests() {
	python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for x in sorted(r, key=lambda x: x["unique_id"]):
    if x["unique_id"].startswith("test."):
        print(x["unique_id"].split(".")[2], x["status"], x["failures"])' "$TMP/$1/target/run_results.json"
}

# same ROUND [DB]: what our executor rendered (on DB, default ours) against
# what dbt build rendered as it ran the same node on the same data
# (target/compiled, written at run time)
same() {
	_db=${2:-ours}
	python3 - "$TMP/dbt/target/compiled/shelf/models" "$TMP/$_db/target/ninja/late" "$_db" $LATE >"$TMP/same.$1" 2>&1 <<'PY'
import os, re, sys
norm = lambda s: re.sub(r'\s*([,()])\s*', r'\1', re.sub(r'\s+', ' ', s)).strip()
for name in sys.argv[4:]:
    ours = os.path.join(sys.argv[2], 'model.shelf.' + name + '.sql')
    dbt = os.path.join(sys.argv[1], name + '.sql')
    if not os.path.exists(ours) or not os.path.exists(dbt):
        print('missing', name)
        continue
    # the same but for the database's name
    ours, dbt = norm(open(ours).read()), norm(open(dbt).read().replace('"dbt".', '"%s".' % sys.argv[3]))
    print('same' if ours == dbt else 'differs', name)
    if ours != dbt:
        print('#   dbt:  ' + dbt)
        print('#   ours: ' + ours)
PY
	is "$(grep -c '^same' "$TMP/same.$1")" 10 \
		"round $1: each of the 10 rendered when it ran as dbt build rendered it${2:+ (the project read itself)}"
	grep -v '^same' "$TMP/same.$1" | sed 's/^/# /'
}

round() {
	(cd "$TMP/dbt" && DBT_PROFILES_DIR=. "$DBT" build >"$TMP/build.$1.log" 2>&1)
	ok $? "round $1: dbt build" || tail -20 "$TMP/build.$1.log" | sed 's/^/# /'
	(cd "$TMP/ours" && rm -f target/manifest.json && DBT_PROFILES_DIR=. "$DBT" parse >"$TMP/parse.$1.log" 2>&1)
	ok $? "round $1: dbt parse" || tail -20 "$TMP/parse.$1.log" | sed 's/^/# /'
	# the generator asks no database: the server is out of its reach
	(cd "$TMP/ours" && PGHOST=/nonexistent DBT_PROFILES_DIR=. "$DBT2NINJA" -v >"$TMP/gen.$1.log" 2>&1)
	ok $? "round $1: dbt2ninja" || sed 's/^/# /' "$TMP/gen.$1.log"
	grep -q "15 when they run" "$TMP/gen.$1.log"
	ok $? "round $1: 15 nodes left to be rendered when they run" || sed 's/^/# /' "$TMP/gen.$1.log"
	(cd "$TMP/ours" && DBT_PROFILES_DIR=. ninja build >"$TMP/ninja.$1.log" 2>&1)
	ok $? "round $1: ninja build" || tail -20 "$TMP/ninja.$1.log" | sed 's/^/# /'
	tests dbt >"$TMP/dbt.tests"
	(cd "$TMP/ours" && "$DBT2NINJA" results >/dev/null 2>&1) && tests ours >"$TMP/ours.tests"
	cmp -s "$TMP/dbt.tests" "$TMP/ours.tests"
	ok $? "round $1: the tests ended as dbt's ($(tr '\n' ' ' <"$TMP/dbt.tests"))" ||
		diff "$TMP/dbt.tests" "$TMP/ours.tests" | sed 's/^/# /'
	rows dbt >"$TMP/dbt.rows"
	rows ours >"$TMP/ours.rows"
	cmp -s "$TMP/dbt.rows" "$TMP/ours.rows"
	ok $? "round $1: both databases hold the same rows ($(wc -l <"$TMP/dbt.rows") rows)" ||
		diff "$TMP/dbt.rows" "$TMP/ours.rows" | sed 's/^/# /'
	# the hooks that needed the database: the pre-hook's row (is_incremental()
	# and a count), the post-hook's comment
	is "$(q ours "select obj_description('s.grown'::regclass)")" \
		"$(q dbt "select obj_description('s.grown'::regclass)")" \
		"round $1: the incremental's post-hook said what dbt's did of is_incremental()"
	# the project read itself, no dbt parse
	(cd "$TMP/proj" && PGHOST=/nonexistent DBT_PROFILES_DIR=. "$DBT2NINJA" -v >"$TMP/pgen.$1.log" 2>&1)
	ok $? "round $1: dbt2ninja reads the project itself" || sed 's/^/# /' "$TMP/pgen.$1.log"
	grep -q "15 when they run" "$TMP/pgen.$1.log"
	ok $? "round $1: the same 15 left to be rendered when they run" || sed 's/^/# /' "$TMP/pgen.$1.log"
	(cd "$TMP/proj" && DBT_PROFILES_DIR=. ninja build >"$TMP/pninja.$1.log" 2>&1)
	ok $? "round $1: ninja build of the project read itself" || tail -20 "$TMP/pninja.$1.log" | sed 's/^/# /'
	rows proj >"$TMP/proj.rows"
	cmp -s "$TMP/dbt.rows" "$TMP/proj.rows"
	ok $? "round $1: the project read itself gives the same rows" ||
		diff "$TMP/dbt.rows" "$TMP/proj.rows" | sed 's/^/# /'
}

round 1
same 1
same 1 proj
grep -q '^-- render: {"context":"[0-9a-f]*","target":"[0-9a-f]*","env":{}}$' "$TMP/ours/target/ninja/sql/model.shelf.narrow.sql"
ok $? "a job rendered when it runs names its context and target by digest"
[ -f "$TMP/ours/target/ninja/render.json" ]
ok $? "the context is written beside the jobs"
g=$(sed -n 's/^-- render: .*"env":{"@graph":"\([0-9a-f]*\)"}}$/\1/p' "$TMP/ours/target/ninja/sql/model.shelf.graphed.sql")
[ -n "$g" ] && grep -q "\"digest\":\"$g\"" "$TMP/ours/target/ninja/graph.json"
ok $? "one that read graph names graph's digest, and graph is written beside the jobs by it"
# graph changed since the job was written: the executor says so
cp "$TMP/ours/target/ninja/graph.json" "$TMP/graph.json"
sed -i 's/"digest":"[0-9a-f]*"/"digest":"0"/' "$TMP/ours/target/ninja/graph.json"
(cd "$TMP/ours" && DBT_PROFILES_DIR=. "$ROOT/dbt2ninja-run" $(sed -n 's/^runflags = //p' build.ninja) \
	target/ninja/sql/model.shelf.graphed.sql "$TMP/graphed.stamp" >"$TMP/stale.log" 2>&1)
is "$?" 1 "a job whose graph is not graph.json's does not run"
! [ -e "$TMP/graphed.stamp" ]
ok $? "and leaves no stamp"
grep -q "graph.json: not the graph this job was written with; run dbt2ninja again" "$TMP/stale.log"
ok $? "and says why" || sed 's/^/# /' "$TMP/stale.log"
cp "$TMP/graph.json" "$TMP/ours/target/ninja/graph.json"

# nothing changed: nothing runs, nothing is rendered
(cd "$TMP/ours" && DBT_PROFILES_DIR=. "$DBT2NINJA" >/dev/null 2>&1 && DBT_PROFILES_DIR=. ninja -n build) >"$TMP/noop" 2>&1
grep -q 'no work to do' "$TMP/noop"
ok $? "nothing changed: ninja has no work to do" || sed 's/^/# /' "$TMP/noop"

# new items: the incremental's run_query reads its own table
printf '5,pen,2.00,\n6,globe,80.00,big\n' >>"$TMP/dbt/seeds/items.csv"
printf '5,pen,2.00,\n6,globe,80.00,big\n' >>"$TMP/ours/seeds/items.csv"
printf '5,pen,2.00,\n6,globe,80.00,big\n' >>"$TMP/proj/seeds/items.csv"
round 2
same 2
same 2 proj
grep -q 'where id > 4' "$TMP/ours/target/ninja/late/model.shelf.grown.sql"
ok $? "round 2: the incremental rendered its is_incremental() form on its table"

# an env var read when the database answers is not part of the job
cat >"$TMP/ours/models/envy.sql" <<'EOF'
{% set n = run_query("select 1") %}
select '{{ env_var("SHELF_LATE", "x") }}' as e
EOF
(cd "$TMP/ours" && rm -f target/manifest.json && DBT_PROFILES_DIR=. "$DBT" parse >/dev/null 2>&1 &&
	DBT_PROFILES_DIR=. "$DBT2NINJA" >/dev/null 2>&1)
(cd "$TMP/ours" && DBT_PROFILES_DIR=. ninja build) >"$TMP/envy.log" 2>&1
check "a late render that reads an env var the generator did not see fails" [ $? -ne 0 ]
grep -q "env_var('SHELF_LATE') is read only when the database answers" "$TMP/envy.log"
ok $? "... naming it" || sed 's/^/# /' "$TMP/envy.log"
grep -q 'models/envy.sql:2:' "$TMP/envy.log"
ok $? "... at the model's line" || sed 's/^/# /' "$TMP/envy.log"
[ ! -f "$TMP/ours/target/ninja/ok/model.shelf.envy" ]
ok $? "... and leaves no stamp"
done_testing
