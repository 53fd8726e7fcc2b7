#!/bin/sh
# A project read itself, regenerated after model files changed outside
# their Jinja (delta.h): only their jobs, the manifest's raw code and
# checksums and the indexes change, each byte as a full reading of the
# same files writes it; any other change, and anything that may read a
# model's source, reads the project in full. Then through real ninja: an
# edited model is regenerated so, deployed, and ninja has nothing more to
# do.
. "$(dirname "$0")/lib.sh"
command -v ninja >/dev/null 2>&1 || skip_all "ninja is not installed"
withpg
P=$TMP/d
mkdir -p "$P/models" "$TMP/prof"
pgprofile "$TMP/prof/profiles.yml" delta demo dev 2
export DBT_PROFILES_DIR="$TMP/prof"
cat >"$P/dbt_project.yml" <<'EOF'
name: delta
profile: delta
version: '1.0'
config-version: 2
models:
  delta:
    +materialized: view
EOF
cat >"$P/models/base.sql" <<'EOF'
{{ config(materialized='table') }}
select 1 as id, 10 as amount
union all select 2, 20
union all select 3, 30
EOF
cat >"$P/models/plain.sql" <<'EOF'
-- the plain one
select id, amount from {{ ref('base') }}
where amount > 0
EOF
cat >"$P/models/inc.sql" <<'EOF'
{{ config(materialized='incremental', unique_key='id') }}
select id, amount * 2 as amount
from {{ ref('base') }}
{% if is_incremental() %}
where id > (select max(id) from {{ this }})
{% endif %}
-- tail
EOF
cat >"$P/models/eph.sql" <<'EOF'
{{ config(materialized='ephemeral') }}
select id from {{ ref('base') }}
EOF
cat >"$P/models/uses_eph.sql" <<'EOF'
select id from {{ ref('eph') }}
EOF
cat >"$P/models/schema.yml" <<'EOF'
version: 2
models:
  - name: plain
    columns:
      - name: id
        data_tests: [not_null]
EOF
cd "$P" || exit 1
# files older than the moment within which a change is not told apart
settle() { sleep 0.2; }
settle

"$DBT2NINJA" -v >"$TMP/gen" 2>&1
ok $? "a project read in full" || sed 's/^/# /' "$TMP/gen"
[ -f target/ninja/delta.idx ]
ok $? "leaves the index of what it read"
is "$(grep -c '^n ' target/ninja/delta.idx)" 3 \
	"with the three models that can be regenerated so (not the ephemeral, nor what injects it)"

# gen NAME: dbt2ninja -v, what it said in $TMP/NAME
gen() { "$DBT2NINJA" -v >"$TMP/$1" 2>&1; }
indelta() { grep -q 'changed outside \(its\|their\) Jinja' "$TMP/$1"; }
# same: the outputs here are those of a full reading of the same files,
# made at the same path (a seed's root_path is absolute) in a copy
# without the index; then the project as it was, the index's files the same
same() {
	_here=$(pwd)
	cd "$TMP" && rm -rf "$TMP/full" && mv "$_here" "$TMP/full" && cp -a "$TMP/full" "$_here" &&
		cd "$_here" && rm target/ninja/delta.idx && "$DBT2NINJA" -v >"$TMP/full.out" 2>&1
	_r=$?
	for _f in build.ninja target/ninja/manifest.json target/ninja/jobs.idx; do
		[ $_r = 0 ] && cmp "$_f" "$TMP/full/$_f" || _r=1
	done
	[ $_r = 0 ] && diff -r target/ninja/sql "$TMP/full/target/ninja/sql" || _r=1
	[ $_r = 0 ] || cp -R target/ninja "$TMP/fullout"
	cd "$TMP" && rm -rf "$_here" && mv "$TMP/full" "$_here" && cd "$_here"
	return $_r
}

printf "  and id <> 2\n" >>models/plain.sql
gen text
indelta text
ok $? "a model's text changed: regenerated from its file alone" || sed 's/^/# /' "$TMP/text"
grep -q '1 job file written' "$TMP/text"
ok $? "its job written, no other"
grep -q 'and id <> 2' target/ninja/sql/model.delta.plain.sql
ok $? "its job holds the new text"
same
ok $? "every output as a full reading writes it" || diff -r target/ninja "$TMP/fullout" | head -20 | sed 's/^/# /'

gen again
indelta again && grep -q '0 model files changed' "$TMP/again"
ok $? "nothing changed: nothing read again" || sed 's/^/# /' "$TMP/again"

sed -i 's/-- tail/-- the end/; s/amount \* 2/amount * 3/' models/inc.sql
printf 'select id, amount from {{ ref("base") }}\n\n\nwhere amount > 1\n  and id <> 2\n' >models/plain.sql
gen two
indelta two && grep -q '2 model files changed' "$TMP/two"
ok $? "an incremental's text outside its is_incremental() block, and another's" || sed 's/^/# /' "$TMP/two"
grep -q 'amount \* 3' target/ninja/sql/model.delta.inc.sql &&
	[ "$(grep -c 'amount \* 3' target/ninja/sql/model.delta.inc.sql)" = 2 ]
ok $? "both forms of the incremental's job"
same
ok $? "as a full reading writes them" || diff -r target/ninja "$TMP/fullout" | head -20 | sed 's/^/# /'

sed -i 's/-- the end/{# a comment #}-- the end/' models/inc.sql
settle
gen comment0
sed -i 's/a comment/another comment/' models/inc.sql
gen comment
indelta comment && grep -q '0 job files written' "$TMP/comment"
ok $? "a comment's words changed: the job is as it was" || sed 's/^/# /' "$TMP/comment"
same
ok $? "the manifest has the new raw code" || diff -r target/ninja "$TMP/fullout" | head -20 | sed 's/^/# /'

# each NAME CMD: after CMD, the project read in full, its outputs right
full() {
	eval "$2"
	gen "$1"
	! indelta "$1" && grep -q 'models, .* seeds' "$TMP/$1"
	ok $? "$1: read in full" || sed 's/^/# /' "$TMP/$1"
	same
	ok $? "$1: its outputs as ever" || diff -r target/ninja "$TMP/fullout" | head -20 | sed 's/^/# /'
}
full "text inside a block" "sed -i 's/max(id)/max(id) + 0/' models/inc.sql"
full "a ref changed" "sed -i 's/ref(.base.)/ref(\"inc\")/' models/plain.sql"
full "an ephemeral's text" "printf '  where id > 0\n' >>models/eph.sql"
full "the text of a model that injects an ephemeral" "printf '  where id > 1\n' >>models/uses_eph.sql"
full "a properties file" "sed -i 's/not_null/unique/' models/schema.yml"
full "a model added" "printf 'select 1 as id\n' >models/added.sql"
full "a model removed" "rm models/added.sql"
full "an environment variable" "export DELTA_SOME_VAR=1"
full "an option" "$DBT2NINJA --threads 3 >/dev/null 2>&1; settle"
settle
gen settle
gen settled
indelta settled
ok $? "the files older again, the next run from the index" || sed 's/^/# /' "$TMP/settled"

cp models/plain.sql "$TMP/plain.sql"
printf '{{ config(materialized="view") }}\nselect 1 as id {{ ' >models/plain.sql
"$DBT2NINJA" >"$TMP/bad" 2>&1
is $? 1 "a model that no longer compiles: exit 1"
grep -q 'plain.sql' "$TMP/bad"
ok $? "naming its file, as a full reading does" || sed 's/^/# /' "$TMP/bad"
cp "$TMP/plain.sql" models/plain.sql
gen back
indelta back && grep -q '0 model files changed' "$TMP/back"
ok $? "the file as it was: nothing changed, nothing written" || sed 's/^/# /' "$TMP/back"
same
ok $? "as a full reading writes it"

printf '{{ config(materialized="view") }}\nselect 1 as id -- {{ model.name }}\n' >models/reads.sql
gen reads
! grep -q '^n ' target/ninja/delta.idx
ok $? "a render that reads model: an index of nothing" || sed 's/^/# /' "$TMP/reads"
rm models/reads.sql
mkdir -p macros
printf '{%% macro generate_schema_name(custom_schema_name, node) -%%}{{ target.schema }}{%% if node.raw_code %%}{%% endif %%}{%%- endmacro %%}\n' >macros/names.sql
gen ownnames
! grep -q '^n ' target/ninja/delta.idx
ok $? "a generate_schema_name of the project's own reading raw_code: no index" || sed 's/^/# /' "$TMP/ownnames"
printf '{%% macro generate_schema_name(custom_schema_name, node) -%%}{{ target.schema }}{%% if node.resource_type == "seed" %%}x{%% endif %%}{%%- endmacro %%}\n' >macros/names.sql
gen ownnames2
grep -q '^n ' target/ninja/delta.idx
ok $? "one reading only other fields of the node: the index" || sed 's/^/# /' "$TMP/ownnames2"
rm -r macros
gen unread
grep -q '^n ' target/ninja/delta.idx
ok $? "written again once none does"
rm target/ninja/delta.idx
gen noindex
is "$(grep -c '^n ' target/ninja/delta.idx)" 3 "with no index, every node rendered: the new one has each" ||
	sed 's/^/# /' "$TMP/noindex"

# every model of the test projects that leave an index, its text
# changed at its end and at its start, as a full reading writes it
cd "$TMP" || exit 1
for d in "$ROOT"/tests/data/*/; do
	name=$(basename "$d")
	[ -f "$d/dbt_project.yml" ] || continue
	prof=$(sed -n "s/^profile: *//p" "$d/dbt_project.yml" | tr -d "'\"")
	Q=$TMP/p-$name
	cp -R "$d" "$Q" && rm -rf "$Q/target" "$Q/build.ninja"
	mkdir -p "$TMP/prof-$name"
	pgprofile "$TMP/prof-$name/profiles.yml" "$prof" demo dev 2
	cd "$Q" || exit 1
	settle
	if ! DBT_PROFILES_DIR="$TMP/prof-$name" "$DBT2NINJA" -v >"$TMP/gen" 2>&1 ||
	    [ ! -f target/ninja/delta.idx ]; then
		cd "$TMP" || exit 1
		continue
	fi
	bad=
	models=$(awk '$1 == "n" { print $NF }' target/ninja/delta.idx)
	if [ -z "$models" ]; then
		cd "$TMP" || exit 1
		continue
	fi
	for f in $models; do
		for how in end start; do
			if [ $how = end ]; then
				printf '\n  and 1 = 1\n' >>"$f"
			else
				{ printf 'with x as (select 1)\n'; cat "$f"; } >"$TMP/new" && cat "$TMP/new" >"$f"
			fi
			DBT_PROFILES_DIR="$TMP/prof-$name" "$DBT2NINJA" -v >"$TMP/gen" 2>&1
			grep -q 'changed outside its Jinja' "$TMP/gen" || bad="$bad $f:$how:full"
			DBT_PROFILES_DIR="$TMP/prof-$name" same || bad="$bad $f:$how:differs"
		done
	done
	[ -z "$bad" ]
	ok $? "tests/data/$name: each model's text changed, regenerated so, as a full reading writes it" ||
		diag "$bad"
	cd "$TMP" || exit 1
done
cd "$P" || exit 1

# through ninja
settle
gen settle2
ninja build >"$TMP/build" 2>&1
ok $? "ninja build deploys it" || tail -20 "$TMP/build" | sed 's/^/# /'
is "$(sql 'select count(*) from dev.plain')" 2 "plain's rows"
sleep 1
printf "  and id <> 3\n" >>models/plain.sql
ninja build >"$TMP/build2" 2>&1
ok $? "after an edit, ninja build regenerates and deploys" || tail -20 "$TMP/build2" | sed 's/^/# /'
grep -q 'regenerating build.ninja' "$TMP/build2"
ok $? "regenerating first" || sed 's/^/# /' "$TMP/build2"
is "$(sql 'select count(*) from dev.plain')" 1 "the edited model's rows"
ninja -n build >"$TMP/noop" 2>&1
grep -q 'no work to do' "$TMP/noop"
ok $? "then nothing to do, build.ninja current" || sed 's/^/# /' "$TMP/noop"
done_testing
