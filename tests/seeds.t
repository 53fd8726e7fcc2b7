#!/bin/sh
# Seeds load exactly what dbt-postgres loads: tests/data/seeds holds a
# project whose seeds cover agate's inference (numbers with separators,
# currency, percent and exponents, every date and timestamp form, booleans,
# nulls quoted or not, names, whitespace, CRLF, a BOM, blank lines, short
# rows, column_types, quote_columns, delimiter). tests/data/seeds/expected
# is what dbt 1.11 loaded (column names, format_type, rows); our executor
# must load the same, through ninja. With ../shared/reference-dbt the
# real dbt seeds the same project into another database and both are
# compared again, with the two seeds dbt2ninja refuses.
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
ninja -k 0 >"$TMP/out" 2>&1
ok $(( ! $? )) "ninja fails: two seeds are refused"
is "$(grep -c '^OK loaded seed file' "$TMP/out")" 12 "every other seed loads"
dump demo > "$TMP/ours"
diff "$ROOT/tests/data/seeds/expected" "$TMP/ours" >"$TMP/diff"
ok $? "column names, types and rows are what dbt loaded"
sed 's/^/# /' "$TMP/diff" | head -40
grep -q '^dbt2ninja-run: seed.seedcases.nul (target/ninja/sql/seed.seedcases.nul.sql): seeds/nul.csv:3:4: a NUL byte: dbt refuses the seed' "$TMP/out"
ok $? "a NUL byte is refused, naming the seed, the file, line and column"
grep -q '^dbt2ninja-run: seed.seedcases.offset (target/ninja/sql/seed.seedcases.offset.sql): seeds/offset.csv:2:3: a timestamp with a UTC offset: dbt converts it' "$TMP/out"
ok $? "so is a timestamp with a UTC offset, which dbt converts to the session's zone"
is "$(sql "select count(*) from pg_class where relname in ('nul', 'offset')")" 0 "neither is half-loaded"

REF=$ROOT/../shared/reference-dbt
if [ ! -f "$REF/install.sh" ]; then
	diag "no $REF: skipping the comparison with the real dbt"
	done_testing
	exit
fi
if ! sh "$REF/install.sh" "$TMP/dbt" >"$TMP/install" 2>&1; then
	ok 1 "the reference dbt installs"
	sed 's/^/# /' "$TMP/install"
	done_testing
	exit
fi
psql -Xqc "create database ref" || exit 1
profile ref
"$TMP/dbt/bin/dbt" seed >"$TMP/dbtout" 2>&1
ok $(( ! $? )) "dbt seed fails too"
is "$(grep -c 'OK loaded seed file' "$TMP/dbtout")" 13 "loading every seed but the one with a NUL byte"
grep -q 'A string literal cannot contain NUL (0x00) characters.' "$TMP/dbtout"
ok $? "which it refuses, as we say"
is "$(psql -XAtd ref -c 'copy (select * from public."offset" order by 1) to stdout' | tr '\t\n' ' ')" \
	"1 2024-01-02 01:04:05 2 2024-01-02 03:04:05 3 2024-01-02 08:34:05 4 2024-01-02 03:04:05 " \
	"dbt converts an offset to the session's time zone (UTC here)"
psql -Xqd ref -c 'drop table public."offset"'
dump ref > "$TMP/ref"
diff "$TMP/ref" "$TMP/ours" >"$TMP/diff"
ok $? "the real dbt loads what we load"
sed 's/^/# /' "$TMP/diff" | head -40
diff "$TMP/ref" "$ROOT/tests/data/seeds/expected" >/dev/null
ok $? "and what tests/data/seeds/expected says"
done_testing
