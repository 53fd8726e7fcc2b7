#!/bin/sh
# Early cutoff, through real ninja on a real PostgreSQL: a node whose
# relation keeps its interface leaves what reads it by name alone, while
# what stores data derived from it is refreshed, through views that were
# not re-created.
. "$(dirname "$0")/lib.sh"
withpg
mkdir -p "$TMP/p/target" "$TMP/p/seeds" && cd "$TMP/p" || exit 1

# project SPEC: target/manifest.json from lines "NAME MATERIALIZED PARENTS SQL"
# (PARENTS comma-separated, - for none; {NAME} in SQL is that node's
# relation), schema cut, every node's relation "demo"."cut"."NAME"; a
# seed's CSV is seeds/NAME.csv; a test NAME is a data test of its parents.
project() {
	python3 - "$1" <<'PY'
import hashlib, json, sys
nodes = {}
def uid(n):
    return n if '.' in n else 'model.cut.' + n
specs = [l.split(None, 3) for l in sys.argv[1].strip().split('\n')]
kinds = {s[0]: s[1] for s in specs}
for name, mat, parents, *sql in specs:
    sql = sql[0] if sql else ''
    deps = [] if parents == '-' else parents.split(',')
    for d in deps:
        sql = sql.replace('{%s}' % d, '"demo"."cut"."%s"' % d)
    full = {'seed': 'seed.cut.' + name, 'test': 'test.cut.' + name}.get(mat, 'model.cut.' + name)
    n = {'resource_type': mat if mat in ('seed', 'test') else 'model', 'name': name,
         'unique_id': full, 'package_name': 'cut', 'database': 'demo', 'schema': 'cut',
         'alias': name, 'config': {'materialized': mat if mat not in ('seed', 'test') else mat},
         'compiled_code': sql, 'raw_code': sql, 'tags': [],
         'depends_on': {'nodes': [{'seed': 'seed.cut.', 'test': 'test.cut.'}.get(kinds[d], 'model.cut.') + d for d in deps]}}
    if mat == 'seed':
        n['original_file_path'] = 'seeds/%s.csv' % name
        n['root_path'] = '.'
        n['checksum'] = {'name': 'sha256', 'checksum': hashlib.sha256(open('seeds/%s.csv' % name, 'rb').read()).hexdigest()}
        n['compiled_code'] = n['raw_code'] = ''
    if mat != 'test':
        n['relation_name'] = '"demo"."cut"."%s"' % name
    else:
        n['config'] = {'severity': 'error'}
    nodes[full] = n
json.dump({'metadata': {'adapter_type': 'postgres', 'dbt_version': '1.11.0'}, 'nodes': nodes},
          open('target/manifest.json', 'w'), indent=1)
PY
}
# deploy [TARGET]: ninja, its output in $TMP/out; then the nodes that ran
deploy() { ninja "${1:-deploy}" >"$TMP/out" 2>&1; }
ran() { grep -E '^(OK|PASS|FAIL|ERROR) ' "$TMP/out" | sed 's/ \[.*//' | LC_ALL=C sort | tr '\n' ' '; }
oid() { sql "select 'cut.$1'::regclass::oid"; }

# a seed loaded again in place: the views on it are not re-created, the
# table they feed is refreshed, and so is a test of a view
printf 'id,name\n1,a\n2,b\n' > seeds/raw.csv
SPEC='raw seed -
stg view raw select id, name from {raw}
wide view stg select id, upper(name) as name from {stg}
fct table wide select count(*) as n from {wide}
few test wide select * from {wide} where id < 0'
project "$SPEC"
"$DBT2NINJA" >/dev/null 2>&1
ok $? "generates"
deploy build
ok $? "builds from scratch"
is "$(ran)" "OK created sql table model cut.fct OK created sql view model cut.stg OK created sql view model cut.wide OK loaded seed file cut.raw PASS test.cut.few " \
	"every node"
stg=$(oid stg) wide=$(oid wide)
printf 'id,name\n1,a\n2,b\n3,c\n' > seeds/raw.csv
project "$SPEC"
deploy
ok $? "a changed seed deploys"
is "$(ran)" "OK created sql table model cut.fct OK loaded seed file cut.raw " \
	"the seed and the table downstream, not the views between them"
is "$(oid stg) $(oid wide)" "$stg $wide" "the views are the same relations"
is "$(sql 'select n from cut.fct')" 3 "the table has the new rows, through them"
deploy
is "$(cat "$TMP/out")" "ninja: no work to do." "then nothing is left to do"
deploy test
is "$(ran)" "PASS test.cut.few " "ninja test runs the view's test: its contents moved"
printf 'id,name\n1,a\n' > seeds/raw.csv
project "$SPEC"
deploy build
is "$(ran)" "OK created sql table model cut.fct OK loaded seed file cut.raw PASS test.cut.few " \
	"under build, the test of the view too"
deploy build
is "$(cat "$TMP/out")" "ninja: no work to do." "and then nothing"
deploy
is "$(cat "$TMP/out")" "ninja: no work to do." "nor for deploy"

done_testing
