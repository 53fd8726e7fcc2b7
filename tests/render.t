#!/bin/sh
# Our rendering against dbt's own: for every manifest of the fixture
# corpus, every node dbt compiled is rendered from its raw code by
# tests/unit/jcorpus (dbtctx over the manifest's macros) and compared
# with dbt's compiled code, whitespace runs as one space. A node is the
# same, or refused naming what it needs; never rendered differently.
# target, which no manifest keeps, has the database and schema most of
# its models that configure none have.
# Prints the table per manifest.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=$ROOT/../shared/fixtures/manifests
JC=$ROOT/tests/unit/jcorpus
# the share of all compiled nodes rendered identically, in percent
FLOOR=${RENDER_FLOOR:-82}
if [ ! -d "$CORPUS" ]; then
	echo "1..0 # SKIP no manifest corpus at $CORPUS"
	exit 0
fi
[ -x "$JC" ] || { echo "Bail out! $JC not built (make units)"; exit 1; }
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT
n=0 T=0 S=0 R=0 D=0 L=0
printf '# %-58s %6s %6s %7s %7s %5s\n' manifest nodes same refused differs late
for f in "$CORPUS"/*.json; do
	name=$(basename "$f" .json)
	case $name in
	openlineage-env-vars-*)
		# its compiled_sql was not compiled from its own manifest: a
		# BigQuery-quoted relation on redshift, in a database and schema
		# its source does not name
		echo "# $name: skipped, its compiled code is not its manifest's"
		continue;;
	esac
	"$JC" "$f" >"$TMP/out" 2>"$TMP/err" || { echo "not ok $((n += 1)) - $name: $(tail -1 "$TMP/err")"; continue; }
	set -- $(tail -1 "$TMP/out")
	[ "$2" -gt 0 ] || continue
	printf '# %-58s %6d %6d %7d %7d %5d\n' "$name" "$2" "$4" "$6" "$8" "${10}"
	T=$((T + $2)) S=$((S + $4)) R=$((R + $6)) D=$((D + $8)) L=$((L + ${10}))
	n=$((n + 1))
	if [ "$8" -eq 0 ]; then
		echo "ok $n - $name: no node rendered differently"
	else
		echo "not ok $n - $name: $8 nodes rendered differently"
		grep '^differs' "$TMP/out" | head -5 | sed 's/^/#   /'
	fi
	grep '^refused' "$TMP/out" | sed 's/^refused [^:]*: //; s/^[^:]*:[0-9]*:[0-9]*: //' >>"$TMP/why"
	grep '^late' "$TMP/out" >"$TMP/late.$name"
done
printf '# %-58s %6d %6d %7d %7d %5d\n' all "$T" "$S" "$R" "$D" "$L"
echo "# late: rendered by the executor when they run (the database answers them there)"
echo "# of those rendered here: $S of $((T - L)) identical"
grep -h '^late' "$TMP"/late.* 2>/dev/null | sed 's/^late [^:]*: //; s/^[^:]*:[0-9]*:[0-9]*: //' | sort | uniq -c | sort -rn | sed 's/^/#  late: /'
echo "# what the refused nodes need, most common first:"
sort "$TMP/why" 2>/dev/null | uniq -c | sort -rn | head -15 | sed 's/^/#  /'
n=$((n + 1))
pct=$((T ? S * 1000 / T : 0))
if [ $pct -ge $((FLOOR * 10)) ]; then
	echo "ok $n - $((pct / 10)).$((pct % 10))% of $T compiled nodes rendered identically (floor $FLOOR%)"
else
	echo "not ok $n - $((pct / 10)).$((pct % 10))% of $T compiled nodes rendered identically, below $FLOOR%"
fi
echo "1..$n"
