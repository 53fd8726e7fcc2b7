#!/bin/sh
# An incremental model's runs against the reference dbt's: tests/data/incr
# (string columns widened, each on_schema_change with new, removed and
# retyped columns, an incremental over a view, full_refresh: false) run by
# dbt itself into one database and by dbt2ninja (dbt compile, dbt2ninja,
# ninja) into another, round after round; then the columns (names, order,
# types), the rows and each node's status line compared.
. "$(dirname "$0")/lib.sh"
REF=$REFERENCE
[ -f "$REF/install.sh" ] || skip_all "no reference dbt${REFERENCE:+ in $REFERENCE} (DBT2NINJA_REFERENCE)"
command -v ninja >/dev/null 2>&1 || skip_all "ninja is not installed"
DBTDIR=${PARITY_DBT:-$TMP/reference-dbt}
refdbt "$DBTDIR" || { cat "$TMP/install.log" >&2; echo "Bail out! cannot install the reference dbt"; exit 1; }
DBT=$DBTDIR/bin/dbt
withpg
psql -Xqc "create database dbt" -c "create database ours" || exit 1
unset PGDATABASE

# project DIR DB: the project in DIR, its profile on database DB
project() {
	mkdir -p "$1"
	cp -R "$ROOT/tests/data/incr/." "$1/"
	pgprofile "$1/profiles.yml" incr "$2" s 2
}
project "$TMP/dbt" dbt
project "$TMP/ours" ours

# q DB SQL: rows of SQL in database DB, fields separated by |

# columns DB: every column of schema s, in order, with its type
columns() {
	q "$1" "select c.relname, c.relkind, a.attnum - (select count(*) from pg_attribute d
		where d.attrelid = c.oid and d.attisdropped and d.attnum < a.attnum),
		a.attname, format_type(a.atttypid, a.atttypmod)
		from pg_class c join pg_namespace n on n.oid = c.relnamespace
		join pg_attribute a on a.attrelid = c.oid
		where n.nspname = 's' and c.relkind in ('r', 'v') and a.attnum > 0 and not a.attisdropped
		order by 1, 3"
}

# rows DB: every row of every relation of schema s, as sorted JSON
rows() {
	q "$1" "select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
		where n.nspname = 's' and c.relkind in ('r', 'v') order by 1" |
	while IFS= read -r rel; do
		q "$1" "select '$rel', coalesce(string_agg(x, ' ' order by x), '') from
			(select to_jsonb(t)::text x from s.\"$rel\" t) r"
	done
}

# statuses LOG: "model STATUS" per node, from dbt's or ninja's output
# (where ours says what the dependents make of a changed relation, after)
statuses() {
	sed 's/\x1b\[[0-9;]*m//g' "$1" |
		sed -En 's/^(.* )?(OK created|ERROR creating) sql [a-z]+ model s\.([a-z_]+) [ .]*\[([^]]*) in [0-9.]+s\](; [a-z ]+: dependents rebuild)?$/\3 \4/p' |
		LC_ALL=C sort
}

# round N [FLAGS]: dbt run into dbt; dbt compile, dbt2ninja, ninja into ours
round() {
	vars="{round: $1}"
	(cd "$TMP/dbt" && DBT_PROFILES_DIR=. "$DBT" run --vars "$vars" >"$TMP/dbt.$1.log" 2>&1)
	(cd "$TMP/ours" && DBT_PROFILES_DIR=. "$DBT" compile --vars "$vars" >"$TMP/compile.$1.log" 2>&1)
	ok $? "round $1: dbt compile against our database"
	(cd "$TMP/ours" && "$DBT2NINJA" >"$TMP/gen.$1.log" 2>&1)
	ok $? "round $1: dbt2ninja generates"
	(cd "$TMP/ours" && ninja -k 0 deploy >"$TMP/ninja.$1.log" 2>&1)
	for aspect in columns rows; do
		$aspect dbt >"$TMP/$aspect.dbt"
		$aspect ours >"$TMP/$aspect.ours"
		check "round $1: $aspect as dbt's" diff -u "$TMP/$aspect.dbt" "$TMP/$aspect.ours" ||
			diff -u "$TMP/$aspect.dbt" "$TMP/$aspect.ours" | sed 's/^/# /'
	done
	statuses "$TMP/dbt.$1.log" >"$TMP/st.dbt"
	statuses "$TMP/ninja.$1.log" >"$TMP/st.ours"
	check "round $1: every node's status line as dbt's" diff -u "$TMP/st.dbt" "$TMP/st.ours" ||
		diff -u "$TMP/st.dbt" "$TMP/st.ours" | sed 's/^/# /'
	is "$(wc -l <"$TMP/st.dbt")" 8 "round $1: dbt ran all eight"
}

round 1
round 2
grep -q 'ERROR creating sql incremental model s.failing' "$TMP/ninja.2.log" &&
	grep -q 'ERROR creating sql incremental model s.sync_array' "$TMP/ninja.2.log"
ok $? "round 2: on_schema_change fail and an array retyped fail, as in dbt"

# --full-refresh under full_refresh: false, the node run alone by each
(cd "$TMP/dbt" && DBT_PROFILES_DIR=. "$DBT" run --full-refresh --select no_full_refresh \
	--vars '{round: 3}' >"$TMP/dbt.3.log" 2>&1)
(cd "$TMP/ours" && DBT_PROFILES_DIR=. "$DBT" compile --select no_full_refresh --vars '{round: 3}' \
	>"$TMP/compile.3.log" 2>&1 && "$DBT2NINJA" --vars '{round: 3}' >"$TMP/gen.3.log" 2>&1 &&
	"$ROOT/dbt2ninja-run" --full-refresh target/ninja/sql/model.incr.no_full_refresh.sql \
	"$TMP/stamp" >"$TMP/ninja.3.log" 2>&1)
ok $? "round 3: --full-refresh of a full_refresh: false model"
rows dbt >"$TMP/rows.dbt"
rows ours >"$TMP/rows.ours"
check "round 3: rows as dbt's" diff -u "$TMP/rows.dbt" "$TMP/rows.ours"
statuses "$TMP/dbt.3.log" >"$TMP/st.dbt"
statuses "$TMP/ninja.3.log" >"$TMP/st.ours"
check "round 3: its status line as dbt's" diff -u "$TMP/st.dbt" "$TMP/st.ours"
is "$(cat "$TMP/st.ours")" "no_full_refresh INSERT 0 1" "an insert, as dbt runs it incrementally"
done_testing
