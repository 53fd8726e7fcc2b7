#!/bin/sh
# From `dbt parse` to a deployed database, dbt compile never run: the
# project tests/data/render (macros with defaults, dispatch, return, a call
# block, loops, vars, env_var, an ephemeral model, an incremental model,
# generic tests, a model reading graph) is parsed by the reference dbt, rendered by dbt2ninja and
# built by ninja into one database, and built by `dbt build` into another.
# Every node's SQL must be dbt compile's (whitespace aside; the
# incremental in both its forms), and both databases must hold the same
# rows, round after round.
. "$(dirname "$0")/lib.sh"
command -v ninja >/dev/null 2>&1 || skip_all "ninja is not installed"
[ -f "$REFERENCE/install.sh" ] || skip_all "no reference dbt${REFERENCE:+ in $REFERENCE} (DBT2NINJA_REFERENCE)"
refdbt "$TMP/refdbt" || { cat "$TMP/install.log" >&2; echo "Bail out! cannot install the reference dbt"; exit 1; }
DBT=$TMP/refdbt/bin/dbt
withpg
psql -Xqc "create database dbt" -c "create database ours" || exit 1
unset PGDATABASE
export RENDER_REGION=us

# project DIR DB: the project in DIR, its profile on database DB
project() {
	mkdir -p "$1"
	cp -R "$ROOT/tests/data/render/." "$1/"
	pgprofile "$1/profiles.yml" ledger "$2" r 2
}
project "$TMP/dbt" dbt
project "$TMP/ours" ours

# same ROUND: our jobs' SQL against dbt compile's on our database (into
# its own target path, leaving ours alone)
same() {
	(cd "$TMP/ours" && DBT_PROFILES_DIR=. "$DBT" compile --target-path compiled >"$TMP/compile.$1.log" 2>&1)
	ok $? "round $1: dbt compile (the oracle)" || sed 's/^/# /' "$TMP/compile.$1.log"
	python3 - "$TMP/ours/compiled/manifest.json" "$TMP/ours/target/ninja/sql" >"$TMP/same.$1" 2>&1 <<'PY'
import json, os, re, sys
m = json.load(open(sys.argv[1]))
jobs = {}
for f in os.listdir(sys.argv[2]):
    t = open(os.path.join(sys.argv[2], f)).read()
    uid = re.search(r'^-- unique_id: (.*)$', t, re.M).group(1)
    body = t.split('\n--\n', 1)[1]
    jobs[uid] = body.split('-- dbt2ninja: is_incremental() is true below\n')
norm = lambda s: re.sub(r'\s*([,()])\s*', r'\1', re.sub(r'\s+', ' ', s)).strip()
for uid, n in sorted(m['nodes'].items()):
    if n.get('compiled_code') is None or n['resource_type'] == 'seed' or n['config'].get('materialized') == 'ephemeral':
        continue
    forms = jobs.get(uid)
    if forms is None:
        print('missing', uid)
    elif norm(n['compiled_code']) in [norm(f) for f in forms]:
        print('same', uid)
    else:
        print('differs', uid)
        print('#   dbt:  ' + norm(n['compiled_code']))
        for f in forms:
            print('#   ours: ' + norm(f))
PY
	[ $? -eq 0 ] || echo "failed comparing" >>"$TMP/same.$1"
	is "$(grep -c '^same' "$TMP/same.$1")/$(grep -c '^[a-zA-Z]' "$TMP/same.$1")" "10/10" \
		"round $1: every node's SQL is dbt compile's (its 5 models and 5 tests)" || grep -v '^same' "$TMP/same.$1"
}

rows() { schemarows "$1" r; }

# round N: dbt build into dbt; dbt parse, dbt2ninja, ninja build into ours
round() {
	(cd "$TMP/dbt" && DBT_PROFILES_DIR=. "$DBT" build >"$TMP/build.$1.log" 2>&1)
	ok $? "round $1: dbt build" || tail -20 "$TMP/build.$1.log" | sed 's/^/# /'
	(cd "$TMP/ours" && rm -f target/manifest.json && DBT_PROFILES_DIR=. "$DBT" parse >"$TMP/parse.$1.log" 2>&1)
	ok $? "round $1: dbt parse" || tail -20 "$TMP/parse.$1.log" | sed 's/^/# /'
	python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); sys.exit(any(n.get("compiled_code") for n in m["nodes"].values()))' \
		"$TMP/ours/target/manifest.json"
	ok $? "round $1: its manifest holds no compiled code"
	(cd "$TMP/ours" && DBT_PROFILES_DIR=. "$DBT2NINJA" -v >"$TMP/gen.$1.log" 2>&1)
	ok $? "round $1: dbt2ninja renders every node" || sed 's/^/# /' "$TMP/gen.$1.log"
	grep -q '(10 rendered here' "$TMP/gen.$1.log"
	ok $? "round $1: its 5 models and 5 tests rendered by dbt2ninja" || sed 's/^/# /' "$TMP/gen.$1.log"
	(cd "$TMP/ours" && DBT_PROFILES_DIR=. ninja build >"$TMP/ninja.$1.log" 2>&1)
	ok $? "round $1: ninja build" || tail -20 "$TMP/ninja.$1.log" | sed 's/^/# /'
	rows dbt >"$TMP/dbt.rows"
	rows ours >"$TMP/ours.rows"
	cmp -s "$TMP/dbt.rows" "$TMP/ours.rows"
	ok $? "round $1: both databases hold the same rows ($(wc -l <"$TMP/dbt.rows") rows)" ||
		diff "$TMP/dbt.rows" "$TMP/ours.rows" | sed 's/^/# /'
	same "$1"
}

round 1
# new payments: the incremental takes them in its is_incremental() form
printf '5,3,card,700\n6,4,coupon,50\n' >>"$TMP/dbt/seeds/payments.csv"
printf '5,3,card,700\n6,4,coupon,50\n' >>"$TMP/ours/seeds/payments.csv"
round 2
grep -q '(10 rendered here, [1-9] of them unchanged; 0 when they run)' "$TMP/gen.2.log"
ok $? "round 2: the nodes whose inputs stayed took their SQL from the render cache ($(sed -n 's/.*rendered here, \([0-9]*\) of them.*/\1/p' "$TMP/gen.2.log"))"
grep -q 'is_incremental() is true below' "$TMP/ours/target/ninja/sql/model.ledger.events.sql"
ok $? "the incremental's job holds both of its forms"

# nothing changed: every node from the render cache, no job written; a job
# file removed by hand is rendered again, as it was
J=$TMP/ours/target/ninja/sql/model.ledger.events.sql
cp "$J" "$TMP/events.sql"
(cd "$TMP/ours" && DBT_PROFILES_DIR=. "$DBT2NINJA" -v >"$TMP/gen.3.log" 2>&1)
grep -q '(10 rendered here, 10 of them unchanged; 0 when they run); 0 job files written' "$TMP/gen.3.log"
ok $? "nothing changed: every node from the render cache, no job written" || sed 's/^/# /' "$TMP/gen.3.log"
# a dbt parse from scratch writes each node's created_at anew, and another
# writer spaces its JSON otherwise: neither is an input
python3 - "$TMP/ours/target/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for n in m["nodes"].values():
    n["created_at"] = n.get("created_at", 0) + 1
json.dump(m, open(sys.argv[1], "w"), indent=1)
PY
(cd "$TMP/ours" && DBT_PROFILES_DIR=. "$DBT2NINJA" -v >"$TMP/gen.3b.log" 2>&1)
# (the model reading graph too: graph's digest leaves each created_at out)
grep -q '(10 rendered here, 10 of them unchanged; 0 when they run); 0 job files written' "$TMP/gen.3b.log"
ok $? "every node's created_at new: every node from the render cache still" || sed 's/^/# /' "$TMP/gen.3b.log"
rm "$J"
(cd "$TMP/ours" && DBT_PROFILES_DIR=. "$DBT2NINJA" -v >"$TMP/gen.4.log" 2>&1)
grep -q '(10 rendered here, 9 of them unchanged; 0 when they run); 1 job files written' "$TMP/gen.4.log"
ok $? "a job file removed: its node rendered again" || sed 's/^/# /' "$TMP/gen.4.log"
cmp -s "$J" "$TMP/events.sql"
ok $? "as it was"

# graph is an input of the node that reads it: a test added elsewhere
# renders it again, with the test
I=$TMP/ours/target/ninja/sql/model.ledger.inventory.sql
grep -q "'accepted_values,not_null,relationships,unique,unique' as tests" "$I"
ok $? "the model reading graph lists the project's tests" || sed 's/^/# /' "$I"
sed 's/          - unique$/          - unique\n          - not_null/' "$TMP/ours/models/schema.yml" >"$TMP/schema.yml" &&
	cp "$TMP/schema.yml" "$TMP/ours/models/schema.yml"
(cd "$TMP/ours" && rm -f target/manifest.json && DBT_PROFILES_DIR=. "$DBT" parse >"$TMP/parse.5.log" 2>&1 &&
	DBT_PROFILES_DIR=. "$DBT2NINJA" -v >"$TMP/gen.5.log" 2>&1)
ok $? "a test added: dbt parse, dbt2ninja" || cat "$TMP/parse.5.log" "$TMP/gen.5.log" | sed 's/^/# /'
grep -q "'accepted_values,not_null,not_null,relationships,unique,unique' as tests" "$I"
ok $? "the model reading graph is rendered again, with it" || sed 's/^/# /' "$I"
done_testing
