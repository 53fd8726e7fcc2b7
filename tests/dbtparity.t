#!/bin/sh
# Through real ninja, what dbt-postgres 1.11 does that is easy to miss:
# merge's update columns and predicates, sql_header, grants revoked where
# dbt revokes them, enforced contracts checked against the model's SQL,
# --dry-run's errors, two first runs of one incremental at once, and an
# incremental run's columns: widened, added, dropped and retyped as dbt's
# expand_target_column_types and on_schema_change do it.
. "$(dirname "$0")/lib.sh"
withpg
RUN=$ROOT/dbt2ninja-run
cd "$TMP" || exit 1
mkdir -p target/ninja/sql target/ninja/ok
psql -Xqc "create role reader" -c "create role writer" >/dev/null

hdr() {
	printf -- '-- unique_id: %s\n-- resource_type: model\n-- materialized: %s\n-- relation: "demo"."t"."%s"\n-- adapter: postgres' \
		"model.p.$2" "$1" "$2"
	[ -n "${3:-}" ] && printf '\n%s' "$3"
	return 0
}
# model MATERIALIZED NAME KEY-LINES SQL: its job file
model() { job "target/ninja/sql/model.p.$2.sql" "$(hdr "$1" "$2" "$3")" "$4"; }
# deploy NAME...: the nodes through ninja; output in $TMP/out, status in $rc
deploy() {
	{
		printf 'rule run\n  command = %s %s $in $out\n' "$RUN" "${FLAGS:-}"
		for j in target/ninja/sql/*.sql; do
			n=${j##*/}
			printf 'build target/ninja/ok/%s: run %s\n' "${n%.sql}" "$j"
		done
	} > build.ninja
	targets=
	for n in "$@"; do
		# run again even when its job is unchanged, as after a parent changed
		rm -f "target/ninja/ok/model.p.$n"
		targets="$targets target/ninja/ok/model.p.$n"
	done
	# shellcheck disable=SC2086
	ninja $targets >"$TMP/out" 2>&1
	rc=$?
}
rows() { sql "select string_agg(concat_ws(':', $2), ',' order by id) from t.$1"; }

# 1. merge: merge_update_columns wins, merge_exclude_columns is left out
for m in upd exc; do
	model incremental $m '-- incremental_strategy: "merge"
-- unique_key: "id"' "select 1 as id, 'a' as v, 10 as w"
done
deploy upd exc
ok $rc "two merge incrementals' first runs"
model incremental upd '-- incremental_strategy: "merge"
-- merge_update_columns: ["v"]
-- unique_key: "id"' "select 1 as id, 'b' as v, 20 as w union all select 2, 'c', 30"
model incremental exc '-- incremental_strategy: "merge"
-- merge_exclude_columns: ["W"]
-- unique_key: ["id"]' "select 1 as id, 'b' as v, 20 as w union all select 2, 'c', 30"
deploy upd exc
ok $rc "and their merges"
is "$(rows upd 'id, v, w')" "1:b:10,2:c:30" "merge_update_columns: only those are updated; new rows get every column"
is "$(rows exc 'id, v, w')" "1:b:10,2:c:30" "merge_exclude_columns: the others are updated, compared without case"
model incremental upd '-- incremental_strategy: "merge"
-- merge_exclude_columns: ["w"]
-- merge_update_columns: ["v"]
-- unique_key: "id"' "select 1 as id, 'x' as v, 0 as w"
deploy upd
is "$rc" 1 "both merge_update_columns and merge_exclude_columns: the node fails"
grep -q "model.p.upd (target/ninja/sql/model.p.upd.sql): Model cannot specify merge_update_columns and merge_exclude_columns. Please update model to use only one config" "$TMP/out"
ok $? "with dbt's error, naming the node"
is "$(rows upd 'id, v, w')" "1:b:10,2:c:30" "and nothing changed"
model incremental pred '-- incremental_predicates: ["DBT_INTERNAL_DEST.id > 1"]
-- incremental_strategy: "merge"
-- unique_key: ["id", "w"]' "select 1 as id, 'a' as v, 10 as w union all select 2, 'a', 10"
"$RUN" --dry-run target/ninja/sql/model.p.pred.sql > "$TMP/dry"
grep -q '^  on (DBT_INTERNAL_DEST.id > 1) and (DBT_INTERNAL_SOURCE.id = DBT_INTERNAL_DEST.id) and (DBT_INTERNAL_SOURCE.w = DBT_INTERNAL_DEST.w)$' "$TMP/dry"
ok $? "merge: the predicates first, then each key of a list, each in parentheses"
deploy pred
model incremental pred '-- incremental_predicates: ["DBT_INTERNAL_DEST.id > 1"]
-- incremental_strategy: "merge"
-- unique_key: ["id", "w"]' "select 1 as id, 'b' as v, 10 as w union all select 2, 'b', 10"
deploy pred
is "$(rows pred 'id, v')" "1:a,1:b,2:b" "a row the predicates leave out is not matched, and so inserted, as in dbt"
model incremental mb '-- incremental_strategy: "microbatch"
-- unique_key: "id"' "select 1 as id"
deploy mb
is "$rc" 1 "microbatch is refused"
grep -q 'model.p.mb (target/ninja/sql/model.p.mb.sql): incremental_strategy microbatch: dbt runs such a model batch by batch' "$TMP/out"
ok $? "saying why"

# 2. sql_header: before the statement that creates the relation
psql -Xqc "create schema hdr; create table hdr.src as select 7 as n" >/dev/null
H='-- sql_header: "set local search_path = hdr, public;"'
model table htab "$H" "select n from src"
model view hview "$H" "select n from src"
model incremental hinc "$H
-- incremental_strategy: \"merge\"
-- unique_key: \"n\"" "select n from src"
deploy htab hview hinc
ok $rc "a table, a view and an incremental with a sql_header"
is "$(sql 'select n from t.htab')$(sql 'select n from t.hview')$(sql 'select n from t.hinc')" 777 "each built under it"
grep -q '^OK created sql table model t.htab \[SELECT 1 in' "$TMP/out"
ok $? "the status is the statement's, not the header's"
psql -Xqc "insert into hdr.src values (8)" >/dev/null
deploy hinc
ok $rc "the incremental run's temporary table and merge under it too"
is "$(sql "select string_agg(n::text, ',' order by n) from t.hinc")" "7,8" "the new row merged"
grep -q '^OK created sql incremental model t.hinc \[MERGE 2 in' "$TMP/out"
ok $? "with the merge's status"
"$RUN" --dry-run target/ninja/sql/model.p.hinc.sql > "$TMP/dry"
is "$(grep -B1 -e '^create temporary table ' -e '^merge into ' "$TMP/dry" | grep -c '^set local search_path = hdr, public;$')" 2 \
	"--dry-run shows it before the temporary table and the merge"
model materialized_view hmv "$H" "select 1 as n"
"$RUN" --dry-run target/ninja/sql/model.p.hmv.sql > "$TMP/dry"
check "a materialized view is created without it, as dbt-postgres" sh -c "! grep -q search_path '$TMP/dry'"

# 3. grants: revoked where dbt's should_revoke holds
G2='-- grants: {"select":["reader","writer"]}'
G1='-- grants: {"Select":["READER"]}'
priv() { sql "select string_agg(r || ':' || has_table_privilege(r, 't.$1', 'select'), ',') from unnest(array['reader','writer']) r"; }
model incremental ginc "$G2" "select 1 as id"
model table gtab "$G2" "select 1 as id"
deploy ginc gtab
is "$(priv ginc)$(priv gtab)" "reader:true,writer:truereader:true,writer:true" "grants on first runs"
model incremental ginc "$G1" "select 2 as id"
model table gtab "$G1" "select 2 as id"
deploy ginc gtab
is "$(priv ginc)" "reader:true,writer:false" "an incremental run revokes a grantee the config dropped"
is "$(priv gtab)" "reader:true,writer:false" "a rebuilt table never had it"
"$RUN" --dry-run target/ninja/sql/model.p.ginc.sql > "$TMP/dry"
grep -A6 '^select grantee, privilege_type$' "$TMP/dry" | tr '\n' ' ' | grep -q "from \"demo\".INFORMATION_SCHEMA.role_table_grants       where grantor = current_role         and grantee != current_role         and table_schema = 't'         and table_name = 'ginc'; -- then what it granted"
ok $? "--dry-run shows postgres__get_show_grant_sql on the incremental run"
model incremental ginc "$G2" "select 3 as id"
deploy ginc
is "$(priv ginc)" "reader:true,writer:true" "and grants one the config adds"
model incremental ginc "$G1
-- post-hook: [{\"sql\":\"select 1/0\",\"transaction\":true}]" "select 4 as id"
deploy ginc
is "$rc" 1 "a failing post-hook fails the incremental run"
is "$(priv ginc)" "reader:true,writer:true" "and the revoke, in its transaction, is rolled back"
printf 'id\n1\n' > g.csv
seedjob() {
	job target/ninja/sql/model.p.gseed.sql "-- unique_id: seed.p.gseed
-- resource_type: seed
-- materialized: seed
-- relation: \"demo\".\"t\".\"gseed\"
-- adapter: postgres
$1
-- seed_path: \"g.csv\"
-- seed_sha256: \"$(sha256sum < g.csv | cut -d' ' -f1)\"" ""
}
seedjob "$G2"
deploy gseed
seedjob "$G1"
deploy gseed
ok $rc "a seed loads again"
is "$(priv gseed)" "reader:true,writer:false" "and revokes a grantee the config dropped"

# 4. enforced contracts: the model's columns against the declared ones
C='-- contract: {"enforced":true}'
model table cx "-- columns: {\"id\":{\"data_type\":\"integer\"},\"amount\":{\"data_type\":\"integer\"},\"gone\":{\"data_type\":\"text\"}}
$C" "select 1 as id, 1.7 as amount, 'x' as extra"
deploy cx
is "$rc" 1 "a contract the model breaks fails the node"
cat > "$TMP/want" <<'TXT'
dbt2ninja-run: model.p.cx (target/ninja/sql/model.p.cx.sql): This model has an enforced contract that failed.
Please ensure the name, data_type, and number of columns in your contract match the columns in your model's definition.

| column_name | definition_type | contract_type | mismatch_reason       |
| ----------- | --------------- | ------------- | --------------------- |
| amount      | DECIMAL         | INTEGER       | data type mismatch    |
| extra       | TEXT            |               | missing in contract   |
| gone        |                 | TEXT          | missing in definition |
TXT
sed -n '/^dbt2ninja-run: model.p.cx/,/missing in definition/p' "$TMP/out" > "$TMP/got"
check "with dbt's message and table: an extra column, a missing one, numeric for integer" diff -u "$TMP/want" "$TMP/got"
is "$(sql "select count(*) from pg_class where relname like 'cx%'")" 0 "and nothing is created"
model table cx "-- columns: {\"id\":{\"data_type\":\"integer\"},\"amount\":{\"data_type\":\"numeric(10,2)\"}}
$C" "select 1 as id, 1.7 as amount"
deploy cx
ok $rc "a model that keeps its contract is built"
is "$(sql 'select amount from t.cx')" 1.70 "in the declared types"
model view cv "-- columns: {\"id\":{\"data_type\":\"bigint\",\"constraints\":[{\"type\":\"not_null\"}]}}
$C" "select 1 as id"
deploy cv
is "$rc" 1 "a view's contract is checked"
grep -q '^| id          | INTEGER         | LONGINTEGER   | data type mismatch |$' "$TMP/out"
ok $? "integer is not bigint"
model view cv "-- columns: {\"id\":{\"data_type\":\"bigint\",\"constraints\":[{\"type\":\"not_null\"}]}}
$C" "select 1::bigint as id"
deploy cv
ok $rc "a view that keeps it is created, its constraints left out as dbt does"
model incremental ci "-- columns: {\"id\":{\"data_type\":\"integer\"}}
$C" "select 1 as id"
deploy ci
model incremental ci "-- columns: {\"id\":{\"data_type\":\"integer\"}}
$C" "select 2 as id, 3 as extra"
deploy ci
is "$rc" 1 "an incremental run checks its contract"
grep -q '^| extra       | INTEGER         |               | missing in contract |$' "$TMP/out"
ok $? "saying what is missing"
is "$(sql "select string_agg(id::text, ',') from t.ci")" 1 "and merges nothing"
model table cn "$C" "select 1 as id"
deploy cn
grep -q "model.p.cn (target/ninja/sql/model.p.cn.sql): This model has an enforced contract, and its 'columns' specification is missing" "$TMP/out"
ok $? "a contract without columns fails, as in dbt"

# 5. --dry-run exits 1 on what the run would fail on
model incremental bad '-- incremental_strategy: "nope"' "select 1 as id"
"$RUN" --dry-run target/ninja/sql/model.p.bad.sql >"$TMP/dry" 2>"$TMP/err"
is "$?" 1 "--dry-run of an unknown incremental_strategy exits 1"
grep -q '^dbt2ninja-run: model.p.bad (target/ninja/sql/model.p.bad.sql): incremental_strategy nope is not one of append, delete+insert, merge' "$TMP/err"
ok $? "with the error"
"$RUN" --dry-run target/ninja/sql/model.p.upd.sql >"$TMP/dry" 2>"$TMP/err"
is "$?" 1 "--dry-run of a merge with both column lists exits 1"
"$RUN" --dry-run target/ninja/sql/model.p.cn.sql >"$TMP/dry" 2>"$TMP/err"
is "$?" 1 "--dry-run of a contract without columns exits 1"

# 6. two first runs of one incremental at once: the second waits for the
# first's lock, then finds its table and runs incrementally
model incremental race '-- pre-hook: [{"sql":"select pg_sleep(0.5)","transaction":false}]
-- unique_key: "id"' "select 1 as id"
fails=0
for i in 1 2 3; do
	sql 'drop table if exists t.race' >/dev/null 2>&1
	"$RUN" target/ninja/sql/model.p.race.sql "$TMP/s1" >"$TMP/r1" 2>&1 &
	p=$!
	"$RUN" target/ninja/sql/model.p.race.sql "$TMP/s2" >"$TMP/r2" 2>&1 || fails=$((fails + 1))
	wait $p || fails=$((fails + 1))
	[ "$(sql 'select count(*) from t.race')" = 1 ] || fails=$((fails + 1))
done
is "$fails" 0 "both succeed, every time, with one row"
# 7. an incremental run's columns, as dbt-postgres 1.11 changes them
# (each checked against the reference dbt: tests/incrparity.t)
cols() { sql "select string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' order by attnum) from pg_attribute where attrelid = 't.$1'::regclass and attnum > 0 and not attisdropped"; }
model incremental wide '' "select 1 as id, 'abcde'::varchar(5) as v, 'ab'::char(2) as c, 'x'::text as t, 'y'::varchar as u, 'z'::varchar(4) as n"
deploy wide
model incremental wide '' "select 2 as id, 'abcdefghij'::varchar(10) as v, 'abcd'::char(4) as c, 'x'::varchar(3) as t, 'y'::varchar(300) as u, 'z'::text as n"
deploy wide
ok $rc "a value longer than its varchar(5) column: the column is widened, not an error"
is "$(cols wide)" "id integer, t text, v character varying(10), c character varying(4), u character varying(300), n character varying(256)" \
	"string columns widened to the new rows' sizes (char(n) too, made varchar; text counts 256), each moved to the end"
is "$(rows wide 'id, v, c')" "1:abcde:ab,2:abcdefghij:abcd" "every row kept, the new one whole"
grep -q '^OK created sql incremental model t.wide \[INSERT 0 1 in' "$TMP/out"
ok $? "the status is the insert's"
model incremental wide '' "select 3 as id, 'v'::varchar(1) as v, 'c'::varchar(1) as c, 't' as t, 'u'::varchar(1) as u, repeat('x', 300) as n"
deploy wide
is "$rc" 1 "text is 256 wide to dbt: a longer value than that fails, as in dbt"
grep -q 'value too long for type character varying(256)' "$TMP/out"
ok $? "with the server's error"
model incremental wide '-- contract: {"enforced":true}
-- columns: {"id":{"data_type":"integer"},"t":{"data_type":"text"},"v":{"data_type":"text"},"c":{"data_type":"text"},"u":{"data_type":"text"},"n":{"data_type":"text"}}' "select 4 as id, 't' as t, repeat('v', 20)::varchar(20) as v, 'c'::varchar(1) as c, 'u'::varchar(1) as u, 'n'::varchar(1) as n"
deploy wide
is "$rc" 1 "with an enforced contract nothing is widened, as dbt skips it then"
grep -q 'value too long for type character varying(10)' "$TMP/out"
ok $? "and the insert fails on the narrower column"

model incremental sync '-- on_schema_change: "sync_all_columns"' "select 1 as id, 1 as a, 'b'::text as b, 'd'::varchar(5) as d, 1.5::numeric(4,1) as e, array[1] as f"
deploy sync
model incremental sync '-- on_schema_change: "sync_all_columns"' "select 2 as id, 'two'::text as a, 3 as c, 'dd'::varchar(3) as d, 2.5::numeric(6,2) as e, array[2] as f"
deploy sync
ok $rc "sync_all_columns with a new, a removed and two retyped columns"
is "$(cols sync)" "id integer, d character varying(5), f integer[], c integer, a text, e numeric(6,2)" \
	"one alter adds and drops; each retyped column is copied into a new one at the end; a narrower varchar is no change"
is "$(rows sync 'id, a, c, d, e')" "1:1:d:1.50,2:two:3:dd:2.50" "the values copied over"
model incremental sync '-- on_schema_change: "sync_all_columns"' "select 3 as id, 't'::text as a, 3 as c, 'd'::varchar(5) as d, 1::numeric(6,2) as e, array['x'] as f"
deploy sync
is "$rc" 1 "an array of another element type is no change to dbt (both ARRAY), so the insert fails"
is "$(cols sync | sed 's/.*f integer\[\].*/kept/')" kept "and the column is left as it was"
model view syncv "" "select * from t.sync"
deploy syncv
model incremental sync '-- on_schema_change: "sync_all_columns"' "select 3 as id, 't'::text as a, 'd'::varchar(5) as d, 1::numeric(6,2) as e, array[3] as f"
deploy sync
is "$rc" 1 "a dropped column a view reads fails the run, as dbt drops it without cascade"
grep -q 'cannot drop column c of table t.sync because other objects depend on it' "$TMP/out"
ok $? "with the server's error"
sql "drop view t.syncv" >/dev/null

model incremental app '-- on_schema_change: "append_new_columns"' "select 1 as id, 'x' as x, 'y' as y, 'abc'::char(3) as ch"
deploy app
model incremental app '-- on_schema_change: "append_new_columns"' "select 2 as id, 'y' as y, 'z' as z, 'w'::char(2) as w, 'abc'::char(3) as ch, '2024-01-02 03:04:05.678'::timestamp(2) as ts"
deploy app
ok $rc "append_new_columns with a column removed"
is "$(cols app)" "id integer, x text, y text, ch character(3), z text, w character varying(2), ts timestamp without time zone" \
	"the new columns added in dbt's types (char(n) as varchar(n), a timestamp's precision lost), the removed one kept"
is "$(rows app "id, coalesce(x, '-'), z, w, ts")" "1:x,2:-:z:w:2024-01-02 03:04:05.68" "its value null in the new rows"

model incremental osf '-- on_schema_change: "fail"' "select 1 as id, 'a'::varchar(3) as v"
deploy osf
model incremental osf '-- on_schema_change: "fail"' "select 2 as id, 'abcd'::varchar(4) as v"
deploy osf
ok $rc "on_schema_change fail: a widened column is no change"
model incremental osf '-- on_schema_change: "fail"' "select 3 as id, 4 as z"
deploy osf
is "$rc" 1 "a new and a removed column are"
grep -q "^   Source columns not in target: \[PostgresColumn(column='z', dtype='integer', char_size=None, numeric_precision=32, numeric_scale=0)\]$" "$TMP/out" &&
	grep -q "^   Target columns not in source: \[PostgresColumn(column='v', dtype='character varying', char_size=4, numeric_precision=None, numeric_scale=None)\]$" "$TMP/out" &&
	grep -q 'model.p.osf (target/ninja/sql/model.p.osf.sql): The source and target schemas on this incremental model are out of sync!$' "$TMP/out"
ok $? "with dbt's message and its lists of columns"
is "$(rows osf 'id, v')" "1:a,2:abcd" "and nothing changed"

model incremental nofr '-- full_refresh: false
-- unique_key: "id"' "select 1 as id"
deploy nofr
model incremental nofr '-- full_refresh: false
-- unique_key: "id"' "select 2 as id"
FLAGS=--full-refresh deploy nofr
ok $rc "full_refresh: false under --full-refresh"
is "$(rows nofr id)" "1,2" "runs incrementally, as in dbt"
grep -q '^OK created sql incremental model t.nofr \[INSERT 0 1 in' "$TMP/out"
ok $? "with the insert's status"
model view vinc "" "select 1 as id"
deploy vinc
model incremental vinc '' "select 2 as id"
deploy vinc
ok $rc "an incremental where a view of its name stands"
is "$(sql "select relkind from pg_class where relname = 'vinc'")$(rows vinc id)" r2 "replaces it by a table, as a full refresh"
grep -q '^OK created sql incremental model t.vinc \[SELECT 1 in' "$TMP/out"
ok $? "with the create's status"
done_testing
