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
bad samerel.json '{"nodes": {
 "model.p.a": {"resource_type": "model", "relation_name": "\"db\".\"s\".\"t\""},
 "model.q.a": {"resource_type": "model", "database": "db", "schema": "s", "alias": "t"}}}'
expect "two nodes, one relation" 1 "dbt2ninja: $TMP/samerel.json: model.p.a and model.q.a both write the relation \"db\".\"s\".\"t\"" "$TMP/samerel.json"
bad newline.json '{"nodes": {"model.p.a": {"resource_type": "model", "relation_name": "a\nb"}}}'
expect "line break in a relation" 1 "dbt2ninja: $TMP/newline.json: model.p.a: line break in \"a
b\"" "$TMP/newline.json"
if [ "$(id -u)" != 0 ]; then
	bad locked.json '{}'
	chmod 000 "$TMP/locked.json"
	expect "unreadable file" 1 "dbt2ninja: $TMP/locked.json: Permission denied" "$TMP/locked.json"
fi

usage='usage: dbt2ninja [-v] [--threads N] [--project-dir DIR] [--profile NAME]
                 [--target NAME] [--profiles-dir DIR] [--record] [--blue-green]
                 [--state PATH|db[:TARGET] [--state-compare job|dbt] [--defer]]
                 [MANIFEST]
       dbt2ninja select [--exclude EXPR] [--state PATH] EXPR...
       dbt2ninja results [MANIFEST]
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
done_testing
