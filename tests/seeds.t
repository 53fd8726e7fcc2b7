#!/bin/sh
# Seeds load exactly what dbt-postgres loads: tests/data/seeds holds a
# project whose seeds cover agate's inference (numbers with separators,
# currency, percent and exponents, every date and timestamp form, booleans,
# nulls quoted or not, names, whitespace, CRLF, a BOM, blank lines, short
# rows, column_types, quote_columns, delimiter). tests/data/seeds/expected
# is what dbt 1.11 loaded (column names, format_type, rows); our executor
# must load the same, through ninja. offset.csv holds timestamps with UTC
# offsets in every form isodate takes, mixed with ones without and nulls:
# dbt converts them to the session's time zone, so they are loaded with
# PGTZ=UTC, then again with America/New_York (expected-ny). With
# ../shared/reference-dbt the real dbt seeds the same project into another
# database and both are compared again, in both zones, with the seed both
# refuse.
. "$(dirname "$0")/lib.sh"
withpg

# dump DB: every table of schema public, its columns and types, its rows
dump() {
	for t in $(psql -XAtd "$1" -c "select relname from pg_class c join pg_namespace n on n.oid = relnamespace where nspname = 'public' and relkind = 'r' order by 1"); do
		echo "== $t"
		psql -XAtd "$1" -c "select string_agg(quote_ident(attname) || ' ' || format_type(atttypid, atttypmod), ', ' order by attnum) from pg_attribute where attrelid = 'public.$t'::regclass and attnum > 0"
		psql -XAtd "$1" -c "copy (select * from public.$t order by 1) to stdout"
	done
}
profile() {
	printf 'seedcases:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: "%s"\n      port: %s\n      user: postgres\n      password: ""\n      dbname: %s\n      schema: public\n      threads: 1\n' \
		"$PGHOST" "$PGPORT" "$1" > profiles.yml
}

cp -R "$ROOT/tests/data/seeds" "$TMP/p"
cd "$TMP/p" || exit 1
mkdir -p target
mv manifest.json target/manifest.json
profile demo
export DBT_PROFILES_DIR=$TMP/p
"$DBT2NINJA" >"$TMP/gen" 2>&1
ok $? "generates"
PGTZ=UTC ninja -k 0 >"$TMP/out" 2>&1
ok $(( ! $? )) "ninja fails: a seed is refused"
is "$(grep -c '^OK loaded seed file' "$TMP/out")" 13 "every other seed loads"
grep -q '^OK loaded seed file public.offset \[INSERT 20 in ' "$TMP/out"
ok $? "offsets too, with dbt's status line"
dump demo > "$TMP/ours"
diff "$ROOT/tests/data/seeds/expected" "$TMP/ours" >"$TMP/diff"
ok $? "column names, types and rows are what dbt loaded"
sed 's/^/# /' "$TMP/diff" | head -40
grep -q '^dbt2ninja-run: seed.seedcases.nul (target/ninja/sql/seed.seedcases.nul.sql): seeds/nul.csv:3:4: a NUL byte: dbt refuses the seed' "$TMP/out"
ok $? "a NUL byte is refused, naming the seed, the file, line and column"
is "$(sql "select count(*) from pg_class where relname = 'nul'")" 0 "and it is not half-loaded"
"$ROOT/dbt2ninja-run" --dry-run target/ninja/sql/seed.seedcases.offset.sql | grep -q '^create temporary table pg_temp.dbt2ninja_seed ("id" integer, "at" text, "plain" timestamp without time zone, "note" text) on commit drop;$'
ok $? "the offsets are staged as text, the other columns as they are"
"$ROOT/dbt2ninja-run" --dry-run target/ninja/sql/seed.seedcases.stamps.sql | grep -q '^copy "demo"."public"."stamps" (.*) from stdin with (format csv);$'
ok $? "a seed without offsets is one COPY"

# offsets: again in New York's time zone
reload() { # DB: the offset seed loaded again in America/New_York
	psql -Xqd "$1" -c 'drop table public."offset"' &&
		rm -f "$(conndir)/ok/seed.seedcases.offset" &&
		PGTZ=America/New_York ninja seed.seedcases.offset >"$TMP/out-ny" 2>&1
}
reload demo
ok $? "the offset seed loads in another time zone"
dump demo | sed -n '/^== offset$/,/^== /p' | sed '$d' > "$TMP/ours-ny"
diff "$ROOT/tests/data/seeds/expected-ny" "$TMP/ours-ny" >"$TMP/diff"
ok $? "converted to that zone as dbt converts them, the others as they are"
sed 's/^/# /' "$TMP/diff" | head -40

refdbt_or_done "$TMP/dbt"
psql -Xqc "create database ref" || exit 1
profile ref
PGTZ=UTC "$TMP/dbt/bin/dbt" seed >"$TMP/dbtout" 2>&1
ok $(( ! $? )) "dbt seed fails too"
is "$(grep -c 'OK loaded seed file' "$TMP/dbtout")" 13 "loading every seed but the one with a NUL byte"
grep -q 'A string literal cannot contain NUL (0x00) characters.' "$TMP/dbtout"
ok $? "which it refuses, as we say"
dump ref > "$TMP/ref"
diff "$TMP/ref" "$TMP/ours" >"$TMP/diff"
ok $? "the real dbt loads what we load"
sed 's/^/# /' "$TMP/diff" | head -40
diff "$TMP/ref" "$ROOT/tests/data/seeds/expected" >/dev/null
ok $? "and what tests/data/seeds/expected says"
psql -Xqd ref -c 'drop table public."offset"'
PGTZ=America/New_York "$TMP/dbt/bin/dbt" seed --select offset >"$TMP/dbtout" 2>&1
ok $? "dbt seeds the offsets in New York's time zone"
dump ref | sed -n '/^== offset$/,/^== /p' | sed '$d' > "$TMP/ref-ny"
diff "$TMP/ref-ny" "$TMP/ours-ny" >"$TMP/diff"
ok $? "and loads there what we load"
sed 's/^/# /' "$TMP/diff" | head -40
diff "$TMP/ref-ny" "$ROOT/tests/data/seeds/expected-ny" >/dev/null
ok $? "and what tests/data/seeds/expected-ny says"
done_testing
