#!/bin/sh
# yamljson against PyYAML, which dbt reads its YAML with: every
# tests/data/yaml/NAME.yml is loaded by yaml.safe_load and by
# tests/unit/yamltojson, and the values must be equal; every refuse/*.yml
# must be refused with exactly the message in its .err.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=$ROOT/tests/data/yaml
YJ=$ROOT/tests/unit/yamltojson
if ! python3 -c 'import yaml' 2>/dev/null; then
	echo "1..0 # SKIP python3-yaml is not installed"
	exit 0
fi
[ -x "$YJ" ] || { echo "Bail out! $YJ not built (make units)"; exit 1; }
n=0
for f in "$DATA"/*.yml; do
	n=$((n + 1))
	name=$(basename "$f")
	if got=$("$YJ" "$f" 2>&1) && python3 - "$f" "$got" <<'PY'
import json, sys, yaml
want = yaml.safe_load(open(sys.argv[1]))
sys.exit(0 if json.loads(sys.argv[2]) == want and
         json.dumps(json.loads(sys.argv[2])) == json.dumps(want) else 1)
PY
	then
		echo "ok $n - $name reads as PyYAML reads it"
	else
		echo "not ok $n - $name: $got"
	fi
done
for f in "$DATA"/refuse/*.yml; do
	n=$((n + 1))
	name=$(basename "$f")
	(cd "$DATA/refuse" && "$YJ" "$name") >/dev/null 2>"${TMPDIR:-/tmp}/yaml.err.$$"
	got=$(cat "${TMPDIR:-/tmp}/yaml.err.$$")
	rm -f "${TMPDIR:-/tmp}/yaml.err.$$"
	if [ "$got" = "$(cat "${f%.yml}.err")" ]; then
		echo "ok $n - refuse $name: $got"
	else
		echo "not ok $n - refuse $name: got '$got'"
	fi
done
echo "1..$n"
