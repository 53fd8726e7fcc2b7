#!/bin/sh
# Bad input: a clear message naming the file, exit 1 (2 for usage), and the
# previous build.ninja and job files exactly as they were.
. "$(dirname "$0")/lib.sh"

shop
cd "$TMP/shop" || exit 1
"$DBT2NINJA" 2>/dev/null
ok $? "a good manifest generates"
before=$(tree .)

# expect NAME STATUS MESSAGE ARGS...: exit status, the whole of stderr, and
# nothing on disk changed.
expect() {
	_name=$1 _want=$2 _msg=$3
	shift 3
	_err=$("$DBT2NINJA" "$@" 2>&1 >/dev/null)
	is "$?" "$_want" "$_name: exits $_want"
	is "$_err" "$_msg" "$_name: says so"
	is "$(tree .)" "$before" "$_name: leaves every file as it was"
}

bad() { printf '%s' "$2" > "$TMP/$1"; }

expect "missing file" 1 "dbt2ninja: $TMP/none.json: No such file or directory" "$TMP/none.json"
mkdir "$TMP/dir"
expect "directory" 1 "dbt2ninja: $TMP/dir: Is a directory" "$TMP/dir"
bad empty.json ''
expect "empty file" 1 "dbt2ninja: $TMP/empty.json: empty file" "$TMP/empty.json"
bad syntax.json '{"nodes": {
  "model.p.a": {"name": }
}}'
expect "invalid JSON" 1 "dbt2ninja: $TMP/syntax.json:2:25: invalid JSON" "$TMP/syntax.json"
bad cut.json '{"nodes": {"model.p.a": {"name": "a"'
expect "truncated JSON" 1 "dbt2ninja: $TMP/cut.json:1:36: invalid JSON" "$TMP/cut.json"
bad array.json '[1]'
expect "not an object" 1 "dbt2ninja: $TMP/array.json: not a dbt manifest: the top level is not an object" "$TMP/array.json"
bad nonodes.json '{"metadata": {"dbt_schema_version": "v12"}}'
expect "no nodes" 1 "dbt2ninja: $TMP/nonodes.json: not a dbt manifest: no \"nodes\" object" "$TMP/nonodes.json"
bad cycle.json '{"nodes": {
 "model.p.a": {"resource_type": "model", "depends_on": {"nodes": ["model.p.c"]}},
 "model.p.b": {"resource_type": "model", "depends_on": {"nodes": ["model.p.a"]}},
 "model.p.e": {"resource_type": "model", "config": {"materialized": "ephemeral"}, "depends_on": {"nodes": ["model.p.b"]}},
 "model.p.c": {"resource_type": "model", "depends_on": {"nodes": ["model.p.e"]}}}}'
expect "cycle" 1 "dbt2ninja: $TMP/cycle.json: dependency cycle: model.p.a -> model.p.c -> model.p.e -> model.p.b -> model.p.a" "$TMP/cycle.json"
bad self.json '{"nodes": {"model.p.a": {"resource_type": "model", "depends_on": {"nodes": ["model.p.a"]}}}}'
expect "self dependency" 1 "dbt2ninja: $TMP/self.json: dependency cycle: model.p.a -> model.p.a" "$TMP/self.json"
bad unknown.json '{"nodes": {"model.p.a": {"resource_type": "model", "depends_on": {"nodes": ["model.p.gone"]}}}}'
expect "unknown dependency" 1 "dbt2ninja: $TMP/unknown.json: model.p.a depends on unknown node model.p.gone" "$TMP/unknown.json"
bad microbatch.json '{"metadata": {"adapter_type": "postgres"}, "nodes": {"model.p.a": {"resource_type": "model",
 "original_file_path": "models/a.sql", "config": {"materialized": "incremental", "incremental_strategy": "microbatch"}}}}'
expect "a config key dbt2ninja does not do" 1 "dbt2ninja: $TMP/microbatch.json: model.p.a (models/a.sql): config incremental_strategy \"microbatch\" is not done by dbt2ninja on PostgreSQL: dbt runs microbatch in batches of event_time from begin, and only the lookback batches on later runs; dbt2ninja runs the compiled SQL once" "$TMP/microbatch.json"
bad mvfail.json '{"metadata": {"adapter_type": "postgres"}, "nodes": {"model.p.a": {"resource_type": "model",
 "config": {"materialized": "materialized_view", "on_configuration_change": "apply"}},
 "model.p.b": {"resource_type": "model", "config": {"materialized": "materialized_view", "on_configuration_change": "fail"}}}}'
expect "a key at a value dbt2ninja does not do" 1 "dbt2ninja: $TMP/mvfail.json: model.p.b: config on_configuration_change \"fail\" is not done by dbt2ninja on PostgreSQL: dbt2ninja rebuilds a changed materialized view; only apply is done" "$TMP/mvfail.json"
bad samerel.json '{"nodes": {
 "model.p.a": {"resource_type": "model", "relation_name": "\"db\".\"s\".\"t\""},
 "model.q.a": {"resource_type": "model", "database": "db", "schema": "s", "alias": "t"}}}'
expect "two nodes, one relation" 1 "dbt2ninja: $TMP/samerel.json: model.p.a and model.q.a both write the relation \"db\".\"s\".\"t\"" "$TMP/samerel.json"
bad folded.json '{"nodes": {
 "model.p.a": {"resource_type": "model", "relation_name": "\"db\".\"s\".\"t\""},
 "model.q.b": {"resource_type": "model", "relation_name": "\"db\".\"s\".T"}}}'
expect "two nodes, one relation once the server folds an unquoted name" 1 "dbt2ninja: $TMP/folded.json: model.p.a and model.q.b both write the relation \"db\".\"s\".T" "$TMP/folded.json"
bad newline.json '{"nodes": {"model.p.a": {"resource_type": "model", "relation_name": "a\nb"}}}'
expect "line break in a relation" 1 "dbt2ninja: $TMP/newline.json: model.p.a: line break in \"a
b\"" "$TMP/newline.json"
# a present value of the wrong type is an error, never read as absent
# (null is absent): FILE:LINE:COL of the node, its unique_id, the field
types() {
	_name=$1 _node=$2 _msg=$3
	bad types.json "{\"nodes\": {
 \"model.p.a\": $_node}}"
	expect "wrong type: $_name" 1 "dbt2ninja: $TMP/types.json:2:15: model.p.a: $_msg" "$TMP/types.json"
}
types "depends_on a string" '{"resource_type": "model", "depends_on": "model.p.b"}' \
	"depends_on is a string, not an object"
types "depends_on.nodes an object" '{"resource_type": "model", "depends_on": {"nodes": {"model.p.b": 1}}}' \
	"depends_on.nodes is an object, not a list"
types "a node id a number" '{"resource_type": "model", "depends_on": {"nodes": ["model.p.b", 7]}}' \
	"depends_on.nodes[1] is a number, not a string"
types "config a list" '{"resource_type": "model", "config": ["table"]}' \
	"config is a list, not an object"
types "config.enabled a string" '{"resource_type": "model", "config": {"enabled": "false"}}' \
	"config.enabled is a string, not a boolean"
types "config.materialized a number" '{"resource_type": "model", "config": {"materialized": 1}}' \
	"config.materialized is a number, not a string"
types "relation_name a list" '{"resource_type": "model", "relation_name": ["a"]}' \
	"relation_name is a list, not a string"
types "compiled_code a boolean" '{"resource_type": "model", "compiled_code": true}' \
	"compiled_code is a boolean, not a string"
types "resource_type a number" '{"resource_type": 1}' \
	"resource_type is a number, not a string"
types "tags a string" '{"resource_type": "model", "tags": "daily"}' \
	"tags is a string, not a list"
types "columns a list" '{"resource_type": "model", "config": {"contract": {"enforced": true}}, "columns": []}' \
	"columns is a list, not an object"
types "a column's data_type a number" '{"resource_type": "model", "columns": {"id": {"data_type": 4}}}' \
	"columns.id.data_type is a number, not a string"
types "persist_docs a string" '{"resource_type": "model", "config": {"persist_docs": "yes"}}' \
	"config.persist_docs is a string, not an object"
types "contract.enforced a string" '{"resource_type": "model", "config": {"contract": {"enforced": "true"}}}' \
	"config.contract.enforced is a string, not a boolean"
types "checksum a string" '{"resource_type": "seed", "checksum": "abc"}' \
	"checksum is a string, not an object"
bad types.json '{"nodes": {
 "model.p.a": []}}'
expect "wrong type: a node a list" 1 "dbt2ninja: $TMP/types.json:2:15: model.p.a is a list, not an object" "$TMP/types.json"
bad types.json '{"nodes": {"model.p.a": {"resource_type": "model"}},
 "exposures": {"exposure.p.e": {"name": "e", "depends_on": {"nodes": "model.p.a"}}}}'
expect "wrong type: an exposure's depends_on.nodes" 1 "dbt2ninja: $TMP/types.json:2:32: exposure.p.e: depends_on.nodes is a string, not a list" "$TMP/types.json"
bad types.json '{"nodes": []}'
expect "wrong type: nodes a list" 1 "dbt2ninja: $TMP/types.json:1:11: nodes is a list, not an object" "$TMP/types.json"
bad types.json '{"nodes": {}, "exposures": []}'
expect "wrong type: exposures a list" 1 "dbt2ninja: $TMP/types.json:1:28: exposures is a list, not an object" "$TMP/types.json"
bad types.json '{"metadata": {"adapter_type": 1}, "nodes": {}}'
expect "wrong type: metadata.adapter_type" 1 "dbt2ninja: $TMP/types.json:1:14: metadata.adapter_type is a number, not a string" "$TMP/types.json"

if [ "$(id -u)" != 0 ]; then
	bad locked.json '{}'
	chmod 000 "$TMP/locked.json"
	expect "unreadable file" 1 "dbt2ninja: $TMP/locked.json: Permission denied" "$TMP/locked.json"
fi

usage='usage: dbt2ninja [-v] [--threads N] [--project-dir DIR] [--profile NAME]
                 [--target NAME] [--profiles-dir DIR] [--record] [--blue-green]
                 [--state PATH|db[:TARGET] [--state-compare job|dbt] [--defer]]
                 [--vars YAML] [MANIFEST]
       dbt2ninja select [--exclude EXPR] [--state PATH] [--for VERB] EXPR...
       dbt2ninja results [MANIFEST]
       dbt2ninja graph [--group folder|schema|none] [select'"'"'s options] [EXPR...]
       dbt2ninja timeline [--manifest PATH] [-o FILE]
       dbt2ninja report [-o FILE] [graph'"'"'s options] [EXPR...]
       dbt2ninja drop-env [--force] [--state PATH|db[:TARGET]] [MANIFEST]
       dbt2ninja --help | --version'
expect "unknown option" 2 "dbt2ninja: unknown option: --bogus
$usage" --bogus
expect "two manifests" 2 "dbt2ninja: more than one manifest
$usage" a.json b.json
expect "bad thread count" 2 "dbt2ninja: --threads: not a number from 1 to 1024: 0
$usage" --threads 0
expect "missing option value" 2 "dbt2ninja: --threads needs a value
$usage" --threads
expect "defer without state" 2 "dbt2ninja: --defer needs --state
$usage" --defer
expect "blue/green with state" 2 "dbt2ninja: --blue-green builds every node into a new environment: it takes no --state
$usage" --blue-green --state prod
expect "missing project directory" 1 "dbt2ninja: $TMP/nodir: No such file or directory" --project-dir "$TMP/nodir"

# a byte order mark before the JSON, as some Windows tools write it: read
# as the manifest after it, here and as --state
rm -rf "$TMP/bom" && cp -R "$TMP/shop" "$TMP/bom"
{ printf '\357\273\277'; cat "$TMP/shop/target/manifest.json"; } > "$TMP/bom/target/manifest.json"
(cd "$TMP/bom" && rm -rf target/ninja build.ninja && "$DBT2NINJA" 2>/dev/null)
ok $? "a manifest after a byte order mark generates"
check "the same job files as without it" diff -r "$TMP/bom/target/ninja/sql" target/ninja/sql
out=$(cd "$TMP/bom" && "$DBT2NINJA" --state target/manifest.json 2>&1)
is "$?" 0 "a --state manifest after a byte order mark is read"
case $out in *" 0 new, 0 modified, 0 downstream,"*) ok 0 "and is production's";; *) ok 1 "and is production's: $out";; esac

# unique_ids crafted to be another's shortened job file name, as it was cut
# before (183 bytes, "-", 16 hex digits) and as it is now: each node keeps a
# job file and a stamp of its own
mkdir -p "$TMP/cut" && cd "$TMP/cut" || exit 1
python3 - > manifest.json <<'PY'
import hashlib, json
long = "model.p." + "x" * 250
h = hashlib.sha256(long.encode()).hexdigest()
uids = [long, long[:183] + "-" + h[:16], long[:134] + "%%" + h]
print(json.dumps({"nodes": {u: {"resource_type": "model", "name": "n%d" % i,
    "relation_name": '"db"."s"."t%d"' % i, "compiled_code": "select %d" % i}
    for i, u in enumerate(uids)}}))
PY
"$DBT2NINJA" manifest.json 2>/dev/null
ok $? "crafted names: generates"
is "$(ls target/ninja/sql | wc -l)" 3 "crafted names: three nodes, three job files"
is "$(grep -c '^build $conn/ok/' build.ninja)" 3 "crafted names: three edges"
is "$(grep '^build $conn/ok/' build.ninja | cut -d: -f1 | sort -u | wc -l)" 3 "crafted names: three stamps"
ninja -n >/dev/null 2>&1
ok $? "crafted names: ninja loads build.ninja"
cd "$TMP/shop" || exit 1

# names no ninja target can be: refused, naming the node and the field
names() {
	_name=$1 _node=$2 _msg=$3
	bad names.json "{\"nodes\": {\"model.p.a\": $_node}}"
	expect "unusable name: $_name" 1 "dbt2ninja: $TMP/names.json: model.p.a: $_msg" "$TMP/names.json"
}
names "a name with a line break" '{"resource_type": "model", "relation_name": "r", "name": "a\nb"}' 'name: no ninja target can be "a
b": it holds a line break'
names "a name with a carriage return" '{"resource_type": "model", "relation_name": "r", "name": "a\rb"}' "name: no ninja target can be \"a$(printf '\r')b\": it holds a line break"
names "an empty name" '{"resource_type": "model", "relation_name": "r", "name": ""}' 'name: no ninja target can be "": it is empty'
names "a tag with a line break" '{"resource_type": "model", "relation_name": "r", "name": "a", "tags": ["x\ny"]}' 'tags: no ninja target can be "tag:x
y": it holds a line break'
names "a tag ninja folds" '{"resource_type": "model", "relation_name": "r", "name": "a", "tags": ["x/../deploy"]}' 'tags: no ninja target can be "tag:x/../deploy": ninja would read it as another path: it has an empty, . or .. component'
names "a path with a line break" '{"resource_type": "model", "relation_name": "r", "name": "a", "original_file_path": "models/x\ny/a.sql"}' 'original_file_path: no ninja target can be "path:models/x
y": it holds a line break'
names "a path ninja folds" '{"resource_type": "model", "relation_name": "r", "name": "a", "original_file_path": "models//a.sql"}' 'original_file_path: no ninja target can be "path:models/": ninja would read it as another path: it has an empty, . or .. component'
names "a deep path" "{\"resource_type\": \"model\", \"relation_name\": \"r\", \"name\": \"a\", \"original_file_path\": \"$(printf 'd/%.0s' $(seq 61))a.sql\"}" "original_file_path: no ninja target can be \"path:$(printf 'd/%.0s' $(seq 60))d\": it has more than 60 path components"
bad names.json '{"nodes": {"model.p.a": {"resource_type": "model", "relation_name": "r", "name": "a"}},
 "exposures": {"exposure.p.e": {"name": "e\nf", "depends_on": {"nodes": ["model.p.a"]}}}}'
expect "unusable name: an exposure's" 1 "dbt2ninja: $TMP/names.json: exposure.p.e: name: no ninja target can be \"exposure:e
f\": it holds a line break" "$TMP/names.json"
bad names.json '{"nodes": {"": {"resource_type": "model", "relation_name": "r", "name": "a"}}}'
expect "unusable name: an empty unique_id" 1 "dbt2ninja: $TMP/names.json: : unique_id: no ninja target can be \"\": it is empty" "$TMP/names.json"

# hostile names that can be targets: escaped, and every one loads and is
# found from the command line, with the manifest in a hostile directory
h="$TMP/h d:1|\$x#ü"
mkdir -p "$h/seeds" && cd "$h" || exit 1
printf 'id\n1\n' > 'seeds/s p|x$:#ü.csv'
printf 'name: h\nprofile: h\n' > dbt_project.yml
cat > 'm a:n|i$f#e.json' <<'EOF'
{"nodes": {
 "model.p.sp": {"resource_type": "model", "name": "a b", "relation_name": "r1",
  "tags": ["x y", "p|q", "d$e", "h#i", "ü:ñ", "t\tt", "deploy"], "original_file_path": "models/dir with space/a b.sql"},
 "model.p.pipe": {"resource_type": "model", "name": "p|q", "relation_name": "r2",
  "original_file_path": "models/a|b/x.sql", "depends_on": {"nodes": ["model.p.sp"]}},
 "model.p.$x:y": {"resource_type": "model", "name": "$x", "relation_name": "r3"},
 "model.p.hash": {"resource_type": "model", "name": "#c", "relation_name": "r4"},
 "model.p.taken": {"resource_type": "model", "name": "dbt_project.yml", "relation_name": "r5"},
 "model.p.stamp": {"resource_type": "model", "name": "target/ninja/ok/model.p.hash", "relation_name": "r6"},
 "seed.p.s": {"resource_type": "seed", "name": "s", "relation_name": "r7",
  "original_file_path": "seeds/s p|x$:#ü.csv"}},
 "exposures": {"exposure.p.e": {"name": "e f|g", "depends_on": {"nodes": ["model.p.pipe"]}}}}
EOF
"$DBT2NINJA" 'm a:n|i$f#e.json' 2>"$TMP/err"
ok $? "hostile names: generate"
ninja -n >/dev/null 2>"$TMP/err"
ok $? "hostile names: ninja loads build.ninja"
for t in 'a b' 'p|q' '$x' '#c' 'model.p.$x:y' 'tag:x y' 'tag:p|q' 'tag:d$e' 'tag:h#i' 'tag:ü:ñ' "tag:t	t" \
    'tag:deploy' 'path:models/dir with space' 'path:models/a|b' 'exposure:e f|g' 's' 'seeds/s p|x$:#ü.csv'; do
	ninja -t query "$t" >/dev/null 2>&1
	ok $? "hostile names: the target $t is found"
done
is "$(ninja -t query 'exposure:e f|g' | sed -n 's/^ *//; s|conn/[0-9a-f]*/||; 3p')" "target/ninja/ok/model.p.pipe" \
	"hostile names: an exposure's target is its upstream"
is "$(ninja -t query 'tag:p|q' | sed -n 's/^ *//; s|conn/[0-9a-f]*/||; 3p')" "target/ninja/ok/model.p.sp" \
	"hostile names: a tag's target is its nodes"
is "$(ninja -t query 'dbt_project.yml' | sed -n 's/^ *//; 2p')" "input: phony" \
	"hostile names: a name taken by a file build.ninja reads is not a target"
touch 'm a:n|i$f#e.json'
ninja build.ninja >/dev/null 2>"$TMP/err"
ok $? "hostile names: ninja regenerates build.ninja"
ninja -n >/dev/null 2>"$TMP/err"
ok $? "hostile names: and loads it again"
cd "$TMP/shop" || exit 1

# a write that fails (here: files larger than RLIMIT_FSIZE, SIGXFSZ
# ignored, so write() says EFBIG; or a read-only directory) leaves every
# file as it was: build.ninja, the job files, the job index, the stamps
limited() {
	python3 -c 'import os, resource, signal, sys
n = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
os.execv(sys.argv[2], sys.argv[2:])' "$@"
}
rm -rf "$TMP/full" && cp -R "$TMP/shop" "$TMP/full" && cd "$TMP/full" || exit 1
cp target/manifest.json prod.json
"$DBT2NINJA" --state prod.json >/dev/null 2>&1
ok $? "full disk: production's stamps are written"
ls target/ninja/conn/*/ok | grep -q .
ok $? "full disk: there are stamps to keep"
# every job changes, and build.ninja (a tag more: one written as it was
# is not written again); the largest job (and the index) fits under the
# limit, build.ninja not
python3 - <<'PY'
import json
m = json.load(open("target/manifest.json"))
for n in m["nodes"].values():
    if n.get("compiled_code"):
        n["compiled_code"] += "\nlimit 100"
        n["tags"] = n.get("tags", []) + ["limited"]
json.dump(m, open("target/manifest.json", "w"))
PY
biggest=$(wc -c target/ninja/sql/* target/ninja/jobs.idx | sort -n | tail -2 | head -1 | awk '{print $1}')
limit=$((biggest + 200))
[ "$(wc -c < build.ninja)" -gt "$limit" ]
ok $? "full disk: build.ninja ($(wc -c < build.ninja) bytes) does not fit in $limit bytes"
before=$(tree .)
err=$(limited "$limit" "$DBT2NINJA" --state prod.json 2>&1 >/dev/null)
is "$?" 1 "full disk, writing build.ninja: exits 1"
is "$err" "dbt2ninja: build.ninja.tmp$(echo "$err" | sed -n 's/.*build\.ninja\.tmp\([0-9]*\):.*/\1/p'): File too large" \
	"full disk, writing build.ninja: says so"
is "$(tree .)" "$before" "full disk, writing build.ninja: every job file, stamp and build.ninja as it was"
err=$(limited 100 "$DBT2NINJA" --state prod.json 2>&1 >/dev/null)
is "$?" 1 "full disk, writing the first job: exits 1"
case $err in "dbt2ninja: target/ninja/sql/"*": File too large") ok 0 "full disk, writing the first job: says so";;
*) ok 1 "full disk, writing the first job: says so: $err";; esac
is "$(tree .)" "$before" "full disk, writing the first job: every file as it was"
rm -f target/ninja/sql/model.shop.orders.sql
before=$(tree .)
limited "$limit" "$DBT2NINJA" --state prod.json >/dev/null 2>&1
is "$?" 1 "full disk, a job created anew: exits 1"
is "$(tree .)" "$before" "full disk, a job created anew: is not left behind"
if [ "$(id -u)" != 0 ]; then
	chmod a-w target/ninja/ok
	err=$("$DBT2NINJA" --state prod.json 2>&1 >/dev/null)
	is "$?" 1 "read-only stamps: exits 1"
	case $err in "dbt2ninja: target/ninja/ok/"*": Permission denied") ok 0 "read-only stamps: says so";;
	*) ok 1 "read-only stamps: says so: $err";; esac
	is "$(tree .)" "$before" "read-only stamps: every job file, stamp and build.ninja as it was"
	chmod u+w target/ninja/ok
fi
"$DBT2NINJA" --state prod.json >/dev/null 2>&1
ok $? "full disk: with room again, it generates"
grep -q 'limit 100' target/ninja/sql/model.shop.orders.sql
ok $? "full disk: and writes the new jobs"
cd "$TMP/shop" || exit 1

# a seed's file outside the project is never read into a table: refused,
# naming the seed and the path; a package's seeds, inside, still load
rm -rf "$TMP/esc" && mkdir -p "$TMP/esc/proj/seeds" "$TMP/esc/proj/dbt_packages/pkg/seeds" && cd "$TMP/esc/proj" || exit 1
printf 'name: p\nprofile: p\n' > dbt_project.yml
printf 'id\n1\n' > seeds/ok.csv
printf 'id\n2\n' > dbt_packages/pkg/seeds/theirs.csv
printf 'secret\n' > "$TMP/esc/secret.csv"
ln -s "$TMP/esc/secret.csv" seeds/link.csv
seedat() {
	bad seed.json "{\"nodes\": {\"seed.p.s\": {\"resource_type\": \"seed\", \"name\": \"s\", \"relation_name\": \"s\", \"original_file_path\": \"$1\"}}}"
}
before=$(tree .)
for p in ../secret.csv /etc/passwd 'seeds/../../secret.csv' '..\\secret.csv' 'C:/Windows/x.csv'; do
	seedat "$p"
	err=$("$DBT2NINJA" --project-dir . "$TMP/seed.json" 2>&1 >/dev/null)
	is "$?" 1 "a seed at $p: exits 1"
	is "$err" "dbt2ninja: $TMP/seed.json: seed.p.s: original_file_path \"$(printf '%s' "$p" | sed 's/\\\\/\\/g')\" is outside the project" "a seed at $p: says so"
	is "$(tree .)" "$before" "a seed at $p: writes nothing"
done
seedat seeds/link.csv
err=$("$DBT2NINJA" --project-dir . "$TMP/seed.json" 2>&1 >/dev/null)
is "$?" 1 "a seed linked outside the project: exits 1"
is "$err" "dbt2ninja: $TMP/seed.json: seed.p.s: original_file_path \"seeds/link.csv\" is outside the project: it is $(realpath "$TMP/esc/secret.csv")" \
	"a seed linked outside the project: says so"
is "$(tree .)" "$before" "a seed linked outside the project: writes nothing"
seedat dbt_packages/pkg/seeds/theirs.csv
"$DBT2NINJA" --project-dir . "$TMP/seed.json" 2>/dev/null
ok $? "a package's seed under dbt_packages generates"
grep -q '^-- seed_sha256: "' target/ninja/sql/seed.p.s.sql
ok $? "and its file is read"
ln -s ../dbt_packages/pkg/seeds/theirs.csv seeds/inside.csv
seedat seeds/inside.csv
"$DBT2NINJA" --project-dir . "$TMP/seed.json" 2>/dev/null
ok $? "a seed linked inside the project generates"
cd "$TMP/shop" || exit 1
before=$(tree .)
# a profiles directory named must hold profiles.yml, as in dbt: the nodes
# must never connect wherever libpq's environment points instead
mkdir "$TMP/noprofiles"
expect "--profiles-dir without profiles.yml" 1 \
	"dbt2ninja: $TMP/noprofiles/profiles.yml: not found (--profiles-dir): could not find profile named shop" \
	--profiles-dir "$TMP/noprofiles"
expect "--profiles-dir that does not exist" 1 "dbt2ninja: --profiles-dir: $TMP/nodir does not exist" \
	--profiles-dir "$TMP/nodir"
export DBT_PROFILES_DIR="$TMP/noprofiles"
expect "DBT_PROFILES_DIR without profiles.yml" 1 \
	"dbt2ninja: $TMP/noprofiles/profiles.yml: not found (DBT_PROFILES_DIR): could not find profile named shop"
is "$("$ROOT/dbt2ninja-run" target/ninja/sql/model.shop.orders.sql "$TMP/stamp" 2>&1)" \
	"dbt2ninja-run: $TMP/noprofiles/profiles.yml: not found (DBT_PROFILES_DIR): could not find profile named shop" \
	"the executor refuses it too, before connecting"
check "and writes no stamp" test ! -e "$TMP/stamp"
unset DBT_PROFILES_DIR

"$DBT2NINJA" --help | grep -q '^usage: dbt2ninja'
ok $? "--help prints the usage on stdout, exit 0"
# a test's sql_header, which dbt sends only under a project flag
mkdir -p "$TMP/th/target" && cd "$TMP/th" || exit 1
printf '{"metadata": {"adapter_type": "postgres"}, "nodes": {"test.p.t": {"resource_type": "test",
 "compiled_code": "select 1 where false", "config": {"sql_header": "set x = 1;"}}}}' > target/manifest.json
printf 'name: p\n' > dbt_project.yml
"$DBT2NINJA" >/dev/null 2>&1
ok $? "a test's sql_header without dbt's flag: ignored, as dbt ignores it"
printf 'name: p\nflags:\n  require_sql_header_in_test_configs: true\n' > dbt_project.yml
is "$("$DBT2NINJA" 2>&1)" "dbt2ninja: target/manifest.json: test.p.t: config sql_header on a test, which dbt sends under the flag require_sql_header_in_test_configs of dbt_project.yml, is not done by dbt2ninja" \
	"with it: refused"
done_testing
