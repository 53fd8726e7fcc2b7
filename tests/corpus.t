#!/bin/sh
# The real manifests in ../shared/fixtures/manifests: every one generates,
# one edge per runnable node, ninja accepts it, one box per node in the
# graph, and generating again touches no job file.
. "$(dirname "$0")/lib.sh"

[ -d "$MANIFESTS" ] || skip_all "no real manifests at $MANIFESTS"
set -- "$MANIFESTS"/*.json
[ -e "$1" ] || skip_all "no real manifests at $MANIFESTS"

# The runnable nodes, counted independently of the generator.
runnable() {
	python3 - "$1" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
n = 0
for v in m["nodes"].values():
    c = v.get("config") or {}
    if v.get("resource_type") not in ("model", "seed", "snapshot", "test"):
        continue
    if c.get("enabled") is False:
        continue
    if v.get("original_file_path") == "" and not (v.get("raw_code") or v.get("raw_sql")):
        continue
    if v["resource_type"] == "model" and c.get("materialized") == "ephemeral":
        continue
    n += 1
print(n)
PY
}

for f in "$@"; do
	name=$(basename "$f" .json)
	dir=$TMP/$name
	mkdir -p "$dir"
	cd "$dir" || exit 1
	"$DBT2NINJA" "$f" 2>"$TMP/err"
	ok $? "$name: generates"
	edges=$(grep -c '^build \$conn/ok/' build.ninja)
	is "$edges" "$(runnable "$f")" "$name: one edge per runnable node ($edges)"
	is "$(ls target/ninja/sql | wc -l)" "$edges" "$name: one job file per edge"
	ninja -n deploy >/dev/null 2>"$TMP/err"
	ok $? "$name: ninja -n deploy succeeds"
	ninja -t graph build >"$TMP/graph" 2>&1
	is "$(grep -- '->' "$TMP/graph" | sort | uniq -d | wc -l)" 0 "$name: no duplicate arrows in the graph"
	before=$(tree target/ninja/sql)
	"$DBT2NINJA" "$f" 2>/dev/null
	is "$(tree target/ninja/sql)" "$before" "$name: generating again touches no job file"
	cd "$TMP" || exit 1
	rm -rf "$dir"
done
done_testing
