#!/bin/sh
# dbt's cross-database macros as ours (gen/builtins/): every case of
# tests/data/builtins/cases (a model calling a macro) compiled by reading
# the project must be byte-identical to what dbt-postgres 1.11 compiles,
# kept in tests/data/builtins/golden/, and with the reference dbt compared with
# dbt compile of the same project; every model runs on PostgreSQL with
# the values in tests/data/builtins/golden/*.values. A project's own adapter
# versions win as dbt's dispatch lets them (override.sql and
# override-cases); what is not ours is refused. A case that needs the
# database (get_intervals_between, and date_spine by it) is rendered when
# it runs: its SQL is what the executor rendered. truthy-cases are of a
# project whose flags: set enable_truthy_nulls_equals_macro.
# UPDATE_GOLDEN=1 rewrites the golden files from the reference dbt.
. "$(dirname "$0")/lib.sh"
command -v ninja >/dev/null 2>&1 || skip_all "ninja is not installed"
DATA=$ROOT/tests/data/builtins
GOLD=$DATA/golden
withpg
unset PGDATABASE

# project DIR CASES [MACROS]: a project of the models of CASES in DIR (its
# profile, of the adapter $TYPE, else postgres, on database demo, the
# schema DIR's name; its flags: $FLAGS, a YAML flow mapping)
project() {
	mkdir -p "$1/models" "$1/macros"
	printf 'name: xdb\nversion: "1.0"\nconfig-version: 2\nprofile: xdb\nmodels:\n  xdb:\n    +materialized: view\n' \
		>"$1/dbt_project.yml"
	[ -n "${FLAGS:-}" ] && printf 'flags: %s\n' "$FLAGS" >>"$1/dbt_project.yml"
	printf 'xdb:\n  target: dev\n  outputs:\n    dev:\n      type: %s\n      host: "%s"\n      port: %s\n      user: postgres\n      password: ""\n      dbname: demo\n      schema: %s\n      threads: 2\n' \
		"${TYPE:-postgres}" "$PGHOST" "$PGPORT" "${1##*/}" >"$1/profiles.yml"
	[ -n "${3:-}" ] && cp "$3" "$1/macros/"
	grep -v '^#' "$2" | while IFS='	' read -r name kind call; do
		case $kind in
		v) printf 'select %s as v\n' "$call" ;;
		s) printf '%s\n' "$call" ;;
		c) printf 'select 1 as v\n/*\n%s\n*/\n' "$call" ;;
		esac >"$1/models/$name.sql"
	done
}

# ours DIR OUT: each model's SQL in the job files read from the project
# DIR, into OUT/NAME.sql (a node rendered when it runs: its job)
ours() {
	(cd "$1" && DBT_PROFILES_DIR=. "$DBT2NINJA" dbt_project.yml) || return 1
	mkdir -p "$2"
	for j in "$1"/target/ninja/sql/model.xdb.*.sql; do
		n=${j##*/model.xdb.}
		awk 'body { print } !body && $0 == "--" { body = 1 }' "$j" >"$2/$n"
	done
}

# lateours DIR OUT: the SQL of each node of DIR rendered when it ran, into
# OUT/NAME.sql, ending in a newline as a job's SQL does
lateours() {
	for j in "$1"/target/ninja/late/model.xdb.*.sql; do
		[ -e "$j" ] || continue
		n=${j##*/model.xdb.}
		{ cat "$j"; [ -z "$(tail -c 1 "$j")" ] || echo; } >"$2/$n"
	done
}

# try NAME LOG COMMAND...: a test that COMMAND succeeds, its output in
# LOG, shown when it does not
try() {
	_name=$1 _log=$2
	shift 2
	if "$@" >"$_log" 2>&1; then
		ok 0 "$_name"
	else
		ok 1 "$_name"
		grep -v '^\[[0-9]*/[0-9]*\] ' "$_log" | tail -30 | sed 's/^/# /'
	fi
}

# same WANT GOT NAME: the files of two directories, byte for byte
same() {
	if diff -r "$1" "$2" >"$TMP/diff" 2>&1; then
		ok 0 "$3"
	else
		ok 1 "$3"
		head -60 "$TMP/diff" | sed 's/^/# /'
	fi
}

# values DIR CASES: each run case's value on PostgreSQL, name|value
values() {
	_schema=${1##*/}
	grep -v '^#' "$2" | while IFS='	' read -r name kind call; do
		[ "$kind" = c ] && continue
		printf '%s|%s\n' "$name" "$(PGDATABASE=demo psql -XAtq -c \
			"select string_agg(v::text, ',' order by v::text) from $_schema.\"$name\"" 2>&1)"
	done
}

# the reference dbt's SQL of the project DIR into OUT (dbt compile)
theirs() {
	(cd "$1" && DBT_PROFILES_DIR=. "$DBT" compile) || return 1
	python3 - "$1/target/manifest.json" "$2" <<'PY'
import json, os, sys
m = json.load(open(sys.argv[1]))
os.makedirs(sys.argv[2], exist_ok=True)
for n in m['nodes'].values():
    if n['resource_type'] == 'model':
        sql = n['compiled_code']
        # a job file ends its SQL with a newline
        sql += '' if sql.endswith('\n') else '\n'
        open(os.path.join(sys.argv[2], n['name'] + '.sql'), 'w').write(sql)
PY
}

DBT=
if [ -f "$REFERENCE/install.sh" ]; then
	refdbt "$TMP/refdbt" || { cat "$TMP/install.log" >&2; echo "Bail out! cannot install the reference dbt"; exit 1; }
	DBT=$TMP/refdbt/bin/dbt
else
	diag "no reference dbt${REFERENCE:+ in $REFERENCE}: comparing with the golden files only"
	[ "${UPDATE_GOLDEN:-}" ] && { echo "Bail out! UPDATE_GOLDEN needs the reference dbt"; exit 1; }
fi

# build DIR: ninja build in the project DIR
build() { (cd "$1" && DBT_PROFILES_DIR=. ninja build); }

# run NAME CASES [MACROS]: one project, ours against dbt's and the golden
# files, then deployed through ninja
run() {
	project "$TMP/$1" "$2" "${3:-}"
	if [ -n "$DBT" ]; then
		cp -R "$TMP/$1" "$TMP/$1.ref"
		try "$1: dbt compile (the reference)" "$TMP/theirs.log" theirs "$TMP/$1.ref" "$TMP/$1.theirs"
		if [ "${UPDATE_GOLDEN:-}" ]; then
			rm -rf "$GOLD/$1"
			mkdir -p "$GOLD"
			cp -R "$TMP/$1.theirs" "$GOLD/$1"
		fi
		same "$GOLD/$1" "$TMP/$1.theirs" "$1: the golden SQL is the reference dbt's"
	fi
	try "$1: dbt2ninja reads the project" "$TMP/ours.log" ours "$TMP/$1" "$TMP/$1.ours"
	is "$(ls "$TMP/$1.ours" | wc -l)" "$(grep -vc '^#' "$2")" "$1: a job per case"
	try "$1: every case runs on PostgreSQL" "$TMP/build.log" build "$TMP/$1"
	lateours "$TMP/$1" "$TMP/$1.ours"
	is "$(ls "$TMP/$1/target/ninja/late" 2>/dev/null | wc -l)" "$(grep -v '^#' "$2" | grep -c 'get_intervals_between\|date_spine')" \
		"$1: the cases that need the database were rendered when they ran"
	[ -n "$DBT" ] && same "$TMP/$1.theirs" "$TMP/$1.ours" "$1: every case's SQL is dbt compile's, byte for byte"
	same "$GOLD/$1" "$TMP/$1.ours" "$1: every case's SQL is the golden one, byte for byte"
	values "$TMP/$1" "$2" >"$TMP/$1.values"
	[ "${UPDATE_GOLDEN:-}" ] && cp "$TMP/$1.values" "$GOLD/$1.values"
	same "$GOLD/$1.values" "$TMP/$1.values" "$1: the values are the expected ones"
	! grep -q ERROR "$TMP/$1.values"
	ok $? "$1: every case has its value"
}

run cases "$DATA/cases"
run override "$DATA/override-cases" "$DATA/override.sql"
FLAGS='{enable_truthy_nulls_equals_macro: true}'
run truthy "$DATA/truthy-cases"
FLAGS=

# refused NAME TYPE MESSAGE CALL [THEIRS]: a model calling CALL, for the
# adapter TYPE, refused by ours with MESSAGE; with THEIRS, refused by the
# reference dbt too, saying THEIRS
refused() {
	_failed=$tap_failed
	printf '# one case\n%s\tv\t%s\n' "$1" "$4" >"$TMP/$1.case"
	TYPE=$2
	project "$TMP/$1" "$TMP/$1.case"
	TYPE=
	(cd "$TMP/$1" && DBT_PROFILES_DIR=. "$DBT2NINJA" dbt_project.yml) >"$TMP/$1.err" 2>&1
	ok $(($? != 1)) "$1: refused, exit 1"
	try "$1: the error says: $3" "$TMP/$1.grep" grep -F -- "$3" "$TMP/$1.err"
	[ "$tap_failed" -eq "$_failed" ] || sed 's/^/# /' "$TMP/$1.err"
	[ ! -e "$TMP/$1/build.ninja" ]
	ok $? "$1: nothing written"
	if [ -n "$DBT" ] && [ -n "${5:-}" ]; then
		(cd "$TMP/$1" && DBT_PROFILES_DIR=. "$DBT" compile) >"$TMP/$1.dbt" 2>&1
		ok $(($? == 0)) "$1: dbt refuses it too"
		_failed=$tap_failed
		try "$1: dbt says: $5" "$TMP/$1.grep" grep -F -- "$5" "$TMP/$1.dbt"
		[ "$tap_failed" -eq "$_failed" ] || tail -5 "$TMP/$1.dbt" | sed 's/^/# /'
	fi
}

refused datediff_fortnight postgres "Unsupported datepart for macro datediff in postgres: 'fortnight'" \
	"{{ dbt.datediff('a', 'b', 'fortnight') }}" "Unsupported datepart for macro datediff in postgres: 'fortnight'"
refused date_invalid postgres "day is out of range for month" "{{ dbt.date(2023, 2, 29) }}" \
	"day is out of range for month"
refused not_ours postgres "unsupported: dbt.get_create_table_as_sql, a macro of dbt's own that dbt2ninja does not have (a manifest from dbt parse works instead)" \
	"{{ dbt.get_create_table_as_sql(False, this, 'select 1') }}"
refused not_ours_compiled postgres "unsupported: dbt.get_create_table_as_sql, a macro of dbt's own that dbt2ninja does not have (a manifest from dbt parse works instead)" \
	"{% if execute %}{{ dbt.get_create_table_as_sql(False, this, 'select 1') }}{% endif %}"
refused not_ours_item postgres "unsupported: dbt.make_temp_relation, a macro of dbt's own that dbt2ninja does not have (a manifest from dbt parse works instead)" \
	"{% if execute %}{{ dbt['make_temp_relation'](this) }}{% endif %}"
refused behavior_unregistered postgres "The flag no_such_flag has not been registered." \
	"{{ adapter.behavior.no_such_flag.no_warn }}" "The flag no_such_flag has not been registered."
# another adapter's project is not read at all: its adapter's macros are not ours
refused redshift redshift "a redshift project: dbt2ninja reads postgres projects (a manifest from dbt parse works instead)" \
	"{{ dbt.dateadd('day', 1, 'd') }}"
refused materialize materialize "a materialize project: dbt2ninja reads postgres projects (a manifest from dbt parse works instead)" \
	"{{ dbt.listagg('x') }}"
done_testing
