#!/bin/sh
# make bench: the generator against its floors, measured in one run.
# For 1k, 10k and 50k synthetic models (one test each):
#   floors     python3 json.load of the manifest, and cat of it
#   scratch    the generator with no previous output, beside cp -R of the
#              job files it wrote: creating files is the file system's cost
#   regen      the generator after 5 models changed (dbt compile && ninja deploy)
#   --state    a fresh checkout generating with production's state (5 changed)
#   no-op      ninja -n deploy with everything deployed
#   parse      the same project as dbt parse writes it (no compiled code;
#              models with ref, config, is_incremental and a macro, generic
#              tests; dbt's own macros from a real manifest of the corpus):
#              dbt2ninja renders every node, from scratch and after 5 changed
#   project    the same project as files (synth.py's PROJECT), no manifest:
#              dbt2ninja reads it from scratch, against json.load of its
#              manifest; ninja -n deploy with everything deployed, against
#              the no-op above; dbt2ninja after 5 model files are edited
#              in their text (from those files alone, delta.h), and in
#              their Jinja (the project read in full)
# Each row: wall seconds, peak RSS, job files written. Each timed run
# starts after a sync: what the runs before it wrote is not flushed during it.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SIZES=${BENCH_SIZES:-1000 10000 50000}
# dbt's own macros, for the dbt parse rows: a real dbt 1.9 manifest's
MACROS=${BENCH_MACROS:-$ROOT/../shared/fixtures/manifests/cosmos-cross-project-v12-1.9.0-postgres.json}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dbt2ninja-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# best of 3: "seconds kilobytes"; BEFORE runs first each time, untimed
measure() {
	best=
	for _ in 1 2 3; do
		[ -n "${BEFORE:-}" ] && sh -c "$BEFORE"
		/usr/bin/time -f '%e %M' -o "$WORK/t" "$@" >/dev/null 2>&1
		t=$(cat "$WORK/t")
		if [ -z "$best" ] || [ "$(echo "$t $best" | awk '{print ($1 < $3)}')" = 1 ]; then
			best=$t
		fi
	done
	echo "$best"
}

row() { printf '%-8s %-22s %8s s %9s MiB %8s\n' "$1" "$2" "$3" "$(echo "$4" | awk '{printf "%.1f", $1 / 1024}')" "$5"; }
ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.2f", $1 / $2; else print "-" }'; }

printf '%-8s %-22s %10s %13s %8s\n' models what wall "peak RSS" written
for n in $SIZES; do
	d=$WORK/$n
	mkdir -p "$d/target"
	python3 "$ROOT/tests/bench/synth.py" "$n" "$d/target/manifest.json"
	python3 "$ROOT/tests/bench/synth.py" "$n" "$d/changed.json" 5
	size=$(du -m "$d/target/manifest.json" | cut -f1)
	cd "$d"

	set -- $(measure python3 -c 'import json, sys; json.load(open(sys.argv[1]))' target/manifest.json)
	py=$1 pyrss=$2
	row "$n" "python json.load (${size} MiB)" "$py" "$pyrss" -
	set -- $(measure cat target/manifest.json)
	row "$n" "cat" "$1" "$2" -

	set -- $(BEFORE='rm -rf target/ninja build.ninja; sync' measure "$ROOT/dbt2ninja" target/manifest.json)
	scratch=$1 scratchrss=$2
	written=$(ls target/ninja/sql | wc -l)
	row "$n" "generate from scratch" "$scratch" "$scratchrss" "$written"
	# each run after as many files were removed, as the generator's are:
	# the file system's cost of creating files after that is its own
	cp -R target/ninja/sql copy
	set -- $(BEFORE='rm -rf copy; sync' measure cp -R target/ninja/sql copy)
	rm -rf copy
	cpfloor=$1
	row "$n" "cp -R of the job files" "$1" "$2" "$written"

	# everything deployed (every node's stamps: deployment, interface,
	# contents); then 5 models change
	conn=$(sed -n 's/^conn = //p' build.ninja)
	now=$(date +%Y-%m-%dT%H:%M:%S.%N)
	for k in ok if data; do
		mkdir -p "$conn/$k"
		ls target/ninja/sql | sed 's/\.sql$//' | (cd "$conn/$k" && xargs touch -d "$now")
	done
	cp target/manifest.json base.json
	set -- $(BEFORE="cp base.json target/manifest.json && '$ROOT/dbt2ninja' target/manifest.json 2>/dev/null && cp changed.json target/manifest.json && touch marker && sync" \
		measure "$ROOT/dbt2ninja" target/manifest.json)
	regen=$1 regenrss=$2
	changedjobs=$(find target/ninja/sql -newer marker -type f | wc -l)
	row "$n" "regenerate, 5 changed" "$regen" "$regenrss" "$changedjobs"

	# a fresh CI checkout: generate with production's state
	cp changed.json target/manifest.json
	set -- $(BEFORE='rm -rf target/ninja build.ninja; sync' measure "$ROOT/dbt2ninja" --state base.json target/manifest.json)
	state=$1
	row "$n" "generate with --state" "$1" "$2" "$(ls target/ninja/sql | wc -l)"
	printf '%-8s %-22s --state/scratch %s (target <= 1.5), ninja -n deploy runs %s nodes (want 5)\n' \
		"" "" "$(ratio "$state" "$scratch")" "$(ninja -n deploy | grep -v '^\[[0-9/]*\] contents ' | grep -c '^\[')"

	cp base.json target/manifest.json
	"$ROOT/dbt2ninja" target/manifest.json 2>/dev/null
	conn=$(sed -n 's/^conn = //p' build.ninja)
	now=$(date +%Y-%m-%dT%H:%M:%S.%N)
	for k in ok if data; do
		mkdir -p "$conn/$k"
		ls target/ninja/sql | sed 's/\.sql$//' | (cd "$conn/$k" && xargs touch -d "$now")
	done
	ninja -n deploy >/dev/null
	set -- $(measure ninja -n deploy)
	noop=$1
	row "$n" "ninja -n deploy (no-op)" "$1" "$2" -
	# the floor: the same file without dbt build's twin edges, as it was
	# before deploy and build had edges of their own
	awk '/^build \$conn\/built\// { skip = 1; next } skip && /^  / { next } { skip = 0 }
	    /^build build: phony/ { next } { print }' build.ninja > deploy-only.ninja
	set -- $(measure ninja -f deploy-only.ninja -n deploy)
	row "$n" "  without build edges" "$1" "$2" -
	printf '%-8s %-22s no-op with/without build edges %s (target <= 1.2)\n' "" "" "$(ratio "$noop" "$1")"
	printf '%-8s %-22s regen/json.load %s (target <= 0.5), scratch/json.load %s (<= 1.0),\n' \
		"$n" "ratios:" "$(ratio "$regen" "$py")" "$(ratio "$scratch" "$py")"
	printf '%-8s %-22s scratch/(json.load + cp -R) %s, RSS/python %s (<= 1.0), regen wrote %s (want 5)\n' \
		"" "" "$(ratio "$scratch" "$(echo "$py $cpfloor" | awk '{print $1 + $2}')")" "$(ratio "$scratchrss" "$pyrss")" "$changedjobs"

	if [ -f "$MACROS" ]; then
		python3 "$ROOT/tests/bench/synth.py" "$n" parse.json 0 "$MACROS"
		python3 "$ROOT/tests/bench/synth.py" "$n" parse-changed.json 5 "$MACROS"
		cp parse.json target/manifest.json
		set -- $(measure python3 -c 'import json, sys; json.load(open(sys.argv[1]))' target/manifest.json)
		ppy=$1
		row "$n" "parse: json.load" "$1" "$2" -
		set -- $(BEFORE='rm -rf target/ninja build.ninja; sync' measure "$ROOT/dbt2ninja" target/manifest.json)
		pscratch=$1
		row "$n" "parse: render, scratch" "$1" "$2" "$(ls target/ninja/sql | wc -l)"
		set -- $(BEFORE="cp parse.json target/manifest.json && '$ROOT/dbt2ninja' target/manifest.json 2>/dev/null && cp parse-changed.json target/manifest.json && touch marker && sync" \
			measure "$ROOT/dbt2ninja" target/manifest.json)
		pregen=$1
		row "$n" "parse: render, 5 changed" "$1" "$2" "$(find target/ninja/sql -newer marker -type f | wc -l)"
		printf '%-8s %-22s parse: scratch/json.load %s (target <= 1.0), 5 changed/json.load %s (target <= 0.5)\n' \
			"$n" "ratios:" "$(ratio "$pscratch" "$ppy")" "$(ratio "$pregen" "$ppy")"
		printf '%-8s %-22s parse: scratch/(json.load + cp -R) %s\n' "" "" \
			"$(ratio "$pscratch" "$(echo "$ppy $cpfloor" | awk '{print $1 + $2}')")"

		# the project itself, as files
		python3 "$ROOT/tests/bench/synth.py" "$n" proj.json 0 "$MACROS" proj
		set -- $(measure python3 -c 'import json, sys; json.load(open(sys.argv[1]))' proj.json)
		jpy=$1
		row "$n" "project: json.load" "$1" "$2" -
		cd proj
		export DBT_PROFILES_DIR=.
		set -- $(BEFORE='rm -rf target build.ninja; sync' measure "$ROOT/dbt2ninja")
		jscratch=$1
		row "$n" "project: read, scratch" "$1" "$2" "$(ls target/ninja/sql | wc -l)"
		conn=$(sed -n 's/^conn = //p' build.ninja)
		now=$(date +%Y-%m-%dT%H:%M:%S.%N)
		for k in ok if data; do
			mkdir -p "$conn/$k"
			ls target/ninja/sql | sed 's/\.sql$//' | (cd "$conn/$k" && xargs touch -d "$now")
		done
		ninja -n deploy >/dev/null
		set -- $(measure ninja -n deploy)
		jnoop=$1
		row "$n" "project: ninja -n deploy" "$1" "$2" "$(ninja -n deploy | grep -c '^\[')"
		edited=$(ls models/marts/layer*/m*.sql | tail -5 | tr '\n' ' ')
		tar cf ../edited.tar $edited
		set -- $(BEFORE="tar xf ../edited.tar && '$ROOT/dbt2ninja' 2>/dev/null && for f in $edited; do echo '  and id <> 0' >> \$f; done && touch marker && sync" \
			measure "$ROOT/dbt2ninja")
		jregen=$1
		row "$n" "project: 5 files edited" "$1" "$2" "$(find target/ninja/sql -newer marker -type f | wc -l)"
		# the same five with a tag more: their Jinja changed, so the
		# project is read in full (delta.h)
		set -- $(BEFORE="tar xf ../edited.tar && '$ROOT/dbt2ninja' 2>/dev/null && for f in $edited; do echo \"  and id <> {{ 0 }}\" >> \$f; done && touch marker && sync" \
			measure "$ROOT/dbt2ninja")
		jjinja=$1
		row "$n" "project: 5 tags edited" "$1" "$2" "$(find target/ninja/sql -newer marker -type f | wc -l)"
		unset DBT_PROFILES_DIR
		cd ..
		printf '%-8s %-22s project: scratch/json.load %s (target <= 1.0), 5 edited/json.load %s (<= 0.3),\n' \
			"$n" "ratios:" "$(ratio "$jscratch" "$jpy")" "$(ratio "$jregen" "$jpy")"
		printf '%-8s %-22s no-op/manifest no-op %s (<= 1.5), scratch/(json.load + cp -R) %s,\n' "" "" \
			"$(ratio "$jnoop" "$noop")" "$(ratio "$jscratch" "$(echo "$jpy $cpfloor" | awk '{print $1 + $2}')")"
		printf '%-8s %-22s 5 tags edited (read in full)/json.load %s\n' "" "" "$(ratio "$jjinja" "$jpy")"
	else
		echo "# no $MACROS: the dbt parse rows are left out"
	fi
	cd "$WORK"
	rm -rf "$d"
done

# BENCH_DEPLOY=0: the generator's rows only
[ "${BENCH_DEPLOY:-1}" = 0 ] || sh "$ROOT/tests/bench/deploy.sh"
