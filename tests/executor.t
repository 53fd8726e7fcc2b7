#!/bin/sh
# dbt2ninja-run on job files written by hand, against a throwaway
# PostgreSQL: seeds of every inferred type, test verdicts, incremental
# strategies and schema changes, hooks, errors, interrupts, concurrency.
. "$(dirname "$0")/lib.sh"
withpg
RUN=$ROOT/dbt2ninja-run
cd "$TMP" || exit 1
mkdir -p target/ninja/sql target/ninja/ok

# hdr UID TYPE MATERIALIZED IDENT [KEY-LINES]: a job header.
hdr() {
	printf -- '-- unique_id: %s\n-- resource_type: %s\n-- materialized: %s\n-- relation: "demo"."t"."%s"\n-- adapter: postgres' \
		"$1" "$2" "$3" "$4"
	[ -n "${5:-}" ] && printf '\n%s' "$5"
	return 0
}
# runjob NAME: run target/ninja/sql/NAME.sql; output in $TMP/out, status in $rc
runjob() { "$RUN" "target/ninja/sql/$1.sql" "target/ninja/ok/$1" >"$TMP/out" 2>&1; rc=$?; }

# seeds: every type dbt infers
printf '\357\273\277id,price,day,at,iso,flag,word,empty,code\n1,1.5,2024-01-01,2024-01-01 10:00:00,2024-01-01T10:00:00,true,"a, ""b""",,007\n2,2,2024-02-29,2024-02-29 23:59:59,2024-02-29T23:59:59.5,FALSE,"two\nlines",null,8\n,,,,,,,"",\n' > types.csv
job target/ninja/sql/seed.p.types.sql "$(hdr seed.p.types seed seed types "-- seed_path: \"types.csv\"
-- seed_sha256: \"$(sha256sum < types.csv | cut -d' ' -f1)\"")" ""
runjob seed.p.types
ok $rc "a seed loads"
is "$(head -1 "$TMP/out")" "OK loaded seed file t.types [INSERT 3 in $(sed -n 's/.* in \(.*\)\]$/\1/p' "$TMP/out")]" "with dbt's status line"
is "$(sql "select string_agg(column_name || ' ' || data_type, ', ' order by ordinal_position) from information_schema.columns where table_name = 'types'")" \
	"id integer, price double precision, day date, at timestamp without time zone, iso timestamp without time zone, flag boolean, word text, empty integer, code integer" \
	"types are inferred as dbt infers them"
is "$(sql "select word from t.types where id = 1")" 'a, "b"' "quoted fields keep commas and quotes"
is "$(sql "select count(*) from t.types where id is null and empty is null and word is null")" 1 "empty fields are null"
is "$(sql "select code from t.types where id = 1")" 7 "a number keeps no leading zeros, as in dbt"
runjob seed.p.types
is "$(sql 'select count(*) from t.types')" 3 "a second load truncates first"
"$RUN" --full-refresh target/ninja/sql/seed.p.types.sql target/ninja/ok/seed.p.types >"$TMP/out" 2>&1
is "$(head -1 "$TMP/out" | sed 's/ in [0-9.]*s\]/]/')" "OK loaded seed file t.types [CREATE 3]; recreated: dependents rebuild" \
	"a full refresh says CREATE, as dbt's seed"
grep -q '"_message":[[:space:]]*"CREATE 3"' target/ninja/results/seed.p.types.json
ok $? "and so does its result's adapter_response"
echo '3,3,2024-03-01,2024-03-01 00:00:00,2024-03-01T00:00:00,true,x,,9' >> types.csv
runjob seed.p.types
ok $(( ! rc )) "a seed file changed since generation is refused"
grep -q 'types.csv changed since dbt2ninja wrote the job' "$TMP/out"
ok $? "saying so"
job target/ninja/sql/seed.p.typed.sql "$(hdr seed.p.typed seed seed typed "-- column_types: {\"code\":\"text\"}
-- seed_path: \"types.csv\"
-- seed_sha256: \"$(sha256sum < types.csv | cut -d' ' -f1)\"")" ""
runjob seed.p.typed
is "$(sql "select code from t.typed where id = 1")" 007 "column_types keeps what inference would lose"
printf 'Id,Name\n1,a\n' > bare.csv
job target/ninja/sql/seed.p.bare.sql "$(hdr seed.p.bare seed seed bare "-- quote_columns: false
-- seed_path: \"bare.csv\"
-- seed_sha256: \"$(sha256sum < bare.csv | cut -d' ' -f1)\"")" ""
runjob seed.p.bare
is "$(sql "select string_agg(column_name, ',' order by ordinal_position) from information_schema.columns where table_name = 'bare'")" \
	"id,name" "quote_columns: false leaves names to the server, which folds them"
printf 'id,name\n1,a\n' > bare.csv
job target/ninja/sql/seed.p.bare.sql "$(hdr seed.p.bare seed seed bare "-- quote_columns: false
-- seed_path: \"bare.csv\"
-- seed_sha256: \"$(sha256sum < bare.csv | cut -d' ' -f1)\"")" ""
"$RUN" --full-refresh target/ninja/sql/seed.p.bare.sql target/ninja/ok/seed.p.bare >"$TMP/out" 2>&1
ok $? "--full-refresh reloads a seed"
is "$(sql "select string_agg(id || name, ',') from t.bare")" 1a "from a new table"

# tests: pass, warn, fail, thresholds, store_failures
job target/ninja/sql/test.p.pass.sql "$(hdr test.p.pass test test pass)" "select 1 where false"
runjob test.p.pass
ok $rc "a passing test exits 0"
is "$(sed 's/ in [0-9.]*s//' "$TMP/out")" "PASS test.p.pass [PASS]" "and says PASS"
check "with a stamp" test -e target/ninja/ok/test.p.pass
job target/ninja/sql/test.p.warn.sql "$(hdr test.p.warn test test warn '-- severity: "warn"')" "select generate_series(1, 3)"
runjob test.p.warn
ok $rc "a warning test exits 0"
is "$(sed 's/ in [0-9.]*s//' "$TMP/out")" "WARN 3 test.p.warn [WARN 3]" "and says WARN 3"
check "with a stamp" test -e target/ninja/ok/test.p.warn
job target/ninja/sql/test.p.fail.sql "$(hdr test.p.fail test test fail '-- severity: "ERROR"')" "select generate_series(1, 7)"
runjob test.p.fail
is "$rc" 1 "a failing test exits 1"
is "$(sed 's/ in [0-9.]*s//' "$TMP/out")" "FAIL 7 test.p.fail [FAIL 7]" "and says FAIL 7"
check "with no stamp" test ! -e target/ninja/ok/test.p.fail
job target/ninja/sql/test.p.thr.sql "$(hdr test.p.thr test test thr '-- error_if: ">10"
-- warn_if: ">5"')" "select generate_series(1, 7)"
runjob test.p.thr
ok $rc "error_if and warn_if are thresholds"
is "$(sed 's/ in [0-9.]*s//' "$TMP/out")" "WARN 7 test.p.thr [WARN 7]" "7 rows: over warn_if, not error_if"
job target/ninja/sql/test.p.sf.sql "$(hdr test.p.sf test test sf '-- limit: 2
-- store_failures: true')" "select generate_series(1, 5) as n"
runjob test.p.sf
is "$(sql 'select count(*) from t.sf')" 2 "store_failures keeps the failing rows, up to limit"
is "$(python3 -c 'import json; r = json.load(open("target/ninja/results/test.p.sf.json")); print(r["status"], r["failures"])')" \
	"fail 2" "the result records the verdict and the failures"

# incremental: first run, append, on_schema_change, merge, full refresh
inc() { job target/ninja/sql/model.p.inc.sql "$(hdr model.p.inc model incremental inc "$1")" "$2"; }
inc '-- unique_key: "id"' "select 1 as id, 'a' as v"
runjob model.p.inc
is "$(sed 's/ in [0-9.]*s//' "$TMP/out")" "OK created sql incremental model t.inc [SELECT 1]" "an incremental model's first run creates it"
inc '-- unique_key: "id"' "select 1 as id, 'b' as v union all select 2, 'c'"
runjob model.p.inc
is "$(sql "select string_agg(id || v, ',' order by id) from t.inc")" "1b,2c" "delete+insert replaces by unique_key"
inc '-- on_schema_change: "append_new_columns"
-- unique_key: "id"' "select 3 as id, 'd' as v, 42 as extra"
runjob model.p.inc
is "$(sql "select string_agg(id || v || coalesce(extra::text, '-'), ',' order by id) from t.inc")" "1b-,2c-,3d42" \
	"append_new_columns adds the new column"
inc '-- on_schema_change: "fail"
-- unique_key: "id"' "select 3 as id"
runjob model.p.inc
is "$rc" 1 "on_schema_change: fail fails on a changed schema"
grep -q 'out of sync' "$TMP/out"
ok $? "saying why"
inc '-- incremental_strategy: "merge"
-- unique_key: ["id"]' "select 2 as id, 'm' as v, 7 as extra"
runjob model.p.inc
is "$(sql "select string_agg(id || v || coalesce(extra::text, '-'), ',' order by id) from t.inc")" "1b-,2m7,3d42" "merge updates matched rows"
inc '-- full_refresh: true' "select 9 as id"
runjob model.p.inc
is "$(sql "select string_agg(id::text, ',') from t.inc")" 9 "full_refresh rebuilds it"
inc '' "select 10 as id"
runjob model.p.inc
is "$(sql "select string_agg(id::text, ',' order by id) from t.inc")" 9,10 "without a unique_key, rows are appended"
inc '-- on_schema_change: "sync_all_columns"' "select 11::bigint as id, 'n' as name"
runjob model.p.inc
is "$(sql "select string_agg(column_name || ' ' || data_type, ', ' order by ordinal_position) from information_schema.columns where table_name = 'inc'")" \
	"name text, id bigint" "sync_all_columns adds, drops and retypes columns (a retyped one moves to the end, as dbt's alter_column_type does it)"

# a view becomes a table and back; a stale intermediate of another kind
job target/ninja/sql/model.p.vt.sql "$(hdr model.p.vt model view vt)" "select 1 as a"
runjob model.p.vt
job target/ninja/sql/model.p.vt.sql "$(hdr model.p.vt model table vt)" "select 2 as a"
runjob model.p.vt
ok $rc "a view becomes a table"
is "$(sql "select relkind || a from pg_class, t.vt where relname = 'vt'")" r2 "in place of the view"
sql "create table t.vt__dbt_tmp (x int)" >/dev/null
job target/ninja/sql/model.p.vt.sql "$(hdr model.p.vt model view vt)" "select 3 as a"
runjob model.p.vt
ok $rc "and back, past a stale intermediate table"
is "$(sql "select relkind || a from pg_class, t.vt where relname = 'vt'")" v3 "a view again"
is "$(sql "select count(*) from pg_class where relname like 'vt__dbt%'")" 0 "with nothing left over"

# an enforced contract: the declared column types
job target/ninja/sql/model.p.con.sql "$(hdr model.p.con model table con '-- columns: {"id":{"data_type":"bigint"},"name":{"data_type":"varchar(10)"}}
-- contract: {"enforced":true}')" "select 1::bigint as id, 'x' as name"
runjob model.p.con
ok $rc "a contracted table is created"
is "$(sql "select string_agg(data_type, ',' order by ordinal_position) from information_schema.columns where table_name = 'con'")" \
	"bigint,character varying" "with its declared types"
job target/ninja/sql/model.p.con.sql "$(hdr model.p.con model table con '-- columns: {"id":{"data_type":"int"}}
-- contract: {"enforced":true}')" "select 'not a number' as id"
runjob model.p.con
is "$rc" 1 "rows that break the contract fail"
# constraints, as dbt renders them for postgres, which enforces them all
sql "create table t.parent (pid int primary key); insert into t.parent values (1), (2)" >/dev/null
job target/ninja/sql/model.p.con2.sql "$(hdr model.p.con2 model table con2 '-- columns: {"id":{"data_type":"int","constraints":[{"type":"not_null"},{"type":"primary_key"}]},"Pid":{"data_type":"int","quote":true,"constraints":[{"type":"foreign_key","to":"\"t\".\"parent\"","to_columns":["pid"]}]},"amount":{"data_type":"numeric","constraints":[{"type":"check","expression":"amount >= 0"}]},"code":{"data_type":"text"}}
-- constraints: [{"type":"unique","name":"con2_code","columns":["code","amount"]},{"type":"check","expression":"code <> '"''"'"}]
-- contract: {"enforced":true}')" "select 1 as id, 1 as \"Pid\", 5.0 as amount, 'a' as code union all select 2, 2, 0, 'b'"
runjob model.p.con2
ok $rc "a contract with constraints on columns and on the model"
is "$(sql "select string_agg(contype::text, '' order by contype) from pg_constraint where conrelid = 't.con2'::regclass")" "ccfpu" \
	"two checks, a foreign key, a primary key and a unique key are the table's"
is "$(sql "select string_agg(attname, ',' order by attnum) from pg_attribute where attrelid = 't.con2'::regclass and attnum > 0")" "id,Pid,amount,code" \
	"a column is quoted only with quote: true"
job target/ninja/sql/model.p.con2.sql "$(hdr model.p.con2 model table con2 '-- columns: {"id":{"data_type":"int","constraints":[{"type":"not_null"}]},"amount":{"data_type":"numeric","constraints":[{"type":"check","expression":"amount >= 0"}]}}
-- contract: {"enforced":true}')" "select 1 as id, -1.0 as amount"
runjob model.p.con2
is "$rc" 1 "a row that breaks a check fails the node"
grep -q '23514' "$TMP/out"
ok $? "with the server's check_violation"
is "$(sql "select string_agg(attname, ',' order by attnum) from pg_attribute where attrelid = 't.con2'::regclass and attnum > 0")" "id,Pid,amount,code" \
	"and the table deployed before stays"
job target/ninja/sql/model.p.conin.sql "$(hdr model.p.conin model incremental conin '-- columns: {"id":{"data_type":"int","constraints":[{"type":"primary_key"}]}}
-- contract: {"enforced":true}')" "select 1 as id"
runjob model.p.conin
ok $rc "an incremental's first run"
is "$(sql "select count(*) from pg_constraint where conrelid = 't.conin'::regclass and contype = 'p'")" 1 \
	"keeps its contract too"

# materialized views: refreshed when a parent changed, rebuilt when the job did
sql "create table t.mvsrc (n int); insert into t.mvsrc values (1), (2)" >/dev/null
job target/ninja/sql/model.p.mv.sql "$(hdr model.p.mv model materialized_view mv '-- indexes: [{"columns":["n"]}]')" "select n from t.mvsrc"
runjob model.p.mv
ok $rc "a materialized view is created"
is "$(sql "select relkind || (select count(*) from t.mv) || (select count(*) from pg_index where indrelid = 't.mv'::regclass) from pg_class where oid = 't.mv'::regclass")" m21 \
	"with its rows and its index"
oid=$(sql "select 't.mv'::regclass::oid")
sql "insert into t.mvsrc values (3)" >/dev/null
runjob model.p.mv
ok $rc "run again with the same job: a parent changed"
is "$(sql "select count(*) from t.mv")/$(sql "select 't.mv'::regclass::oid")" "3/$oid" "it is refreshed in place"
sed -i 's/ .*/ 0123456789abcdef/' target/ninja/ok/model.p.mv
runjob model.p.mv
ok $rc "the same job, stamped as deployed over another connection"
check "is built anew: a stamp counts for its own connection only" \
	test "$(sql "select 't.mv'::regclass::oid")" != "$oid"
oid=$(sql "select 't.mv'::regclass::oid")
job target/ninja/sql/model.p.mv.sql "$(hdr model.p.mv model materialized_view mv)" "select n, n * 2 as twice from t.mvsrc"
runjob model.p.mv
ok $rc "a changed job"
is "$(sql "select sum(twice) from t.mv")" 12 "is built anew and swapped in"
oid=$(sql "select 't.mv'::regclass::oid")
"$RUN" --full-refresh target/ninja/sql/model.p.mv.sql target/ninja/ok/model.p.mv >"$TMP/out" 2>&1
ok $? "--full-refresh"
check "rebuilds it too" test "$(sql "select 't.mv'::regclass::oid")" != "$oid"
sql "drop materialized view t.mv; create table t.mv (x int)" >/dev/null
runjob model.p.mv
ok $rc "a table where the materialized view goes"
is "$(sql "select relkind from pg_class where oid = 't.mv'::regclass")/$(sql "select count(*) from pg_class where relname like 'mv__dbt%'")" m/0 \
	"is replaced, nothing left over"

# snapshots: timestamp strategy, changes and hard deletes
sql "create table t.src (id int, v text, at timestamp)" >/dev/null
sql "insert into t.src values (1, 'a', '2024-01-01'), (2, 'b', '2024-01-01')" >/dev/null
job target/ninja/sql/snapshot.p.snap.sql "$(hdr snapshot.p.snap snapshot snapshot snap '-- invalidate_hard_deletes: true
-- strategy: "timestamp"
-- unique_key: "id"
-- updated_at: "at"')" "select * from t.src"
runjob snapshot.p.snap
is "$(sed 's/ in [0-9.]*s//' "$TMP/out")" "OK snapshotted t.snap [SELECT 2]" "a snapshot's first run"
sql "update t.src set v = 'a2', at = '2024-02-01' where id = 1" >/dev/null
sql "delete from t.src where id = 2" >/dev/null
sql "insert into t.src values (3, 'c', '2024-02-01')" >/dev/null
runjob snapshot.p.snap
ok $rc "a later run"
is "$(sql "select string_agg(id || v || (dbt_valid_to is null)::text, ',' order by id, v) from t.snap")" \
	"1afalse,1a2true,2bfalse,3ctrue" "records the change, the new row and the hard delete"
runjob snapshot.p.snap
is "$(sql 'select count(*) from t.snap')" 4 "and a run without changes adds nothing"

# a composite unique_key (dbt >= 1.9), the check strategy
sql "create table t.src2 (a int, b text, v text)" >/dev/null
sql "insert into t.src2 values (1, 'x', 'p'), (1, 'y', 'q'), (2, 'x', 'r')" >/dev/null
job target/ninja/sql/snapshot.p.snap2.sql "$(hdr snapshot.p.snap2 snapshot snapshot snap2 '-- strategy: "check"
-- check_cols: ["v"]
-- unique_key: ["a", "b"]')" "select * from t.src2"
runjob snapshot.p.snap2
ok $rc "a snapshot on a key of two columns"
is "$(sql "select count(*) from t.snap2 where dbt_scd_id = md5(coalesce(cast(a as varchar ), '') || '|' || coalesce(cast(b as varchar ), '') || '|' || coalesce(cast(dbt_updated_at as varchar ), ''))")" 3 \
	"dbt_scd_id hashes every key column and the time, as dbt does"
sql "update t.src2 set v = 'q2' where a = 1 and b = 'y'" >/dev/null
runjob snapshot.p.snap2
ok $rc "a later run"
is "$(sql "select string_agg(a || b || v || (dbt_valid_to is null)::text, ',' order by a, b, v) from t.snap2")" \
	"1xptrue,1yqfalse,1yq2true,2xrtrue" "only the row whose whole key matches is closed"
is "$(sql "select count(*) from information_schema.columns where table_name = 'snap2' and column_name like 'dbt_unique_key%'")" 0 \
	"the staging key columns stay out of the snapshot"
job target/ninja/sql/snapshot.p.snap3.sql "$(hdr snapshot.p.snap3 snapshot snapshot snap3 '-- strategy: "check"
-- check_cols: ["v"]
-- unique_key: []')" "select * from t.src2"
runjob snapshot.p.snap3
is "$(tail -1 "$TMP/out")" "dbt2ninja-run: snapshot.p.snap3 (target/ninja/sql/snapshot.p.snap3.sql): a snapshot needs a unique_key: a column or expression, or a list of them" \
	"an empty unique_key is refused"

# hooks, grants
sql "create role reader" >/dev/null
job target/ninja/sql/model.p.hooked.sql "$(hdr model.p.hooked model table hooked '-- grants: {"select":["reader"]}
-- post-hook: [{"sql":"create table t.hooklog as select count(*) as n from {{ this }}","transaction":true},{"sql":"vacuum t.hooklog","transaction":false}]
-- pre-hook: ["create schema if not exists t"]')" "select 1 as a"
runjob model.p.hooked
ok $rc "hooks run, in and outside the transaction"
is "$(sql 'select n from t.hooklog')" 1 "{{ this }} is the relation"
is "$(sql "select has_table_privilege('reader', 't.hooked', 'select')")" t "grants are applied"
job target/ninja/sql/model.p.jinja.sql "$(hdr model.p.jinja model table jinja '-- post-hook: ["{{ log(1) }}"]')" "select 1"
runjob model.p.jinja
is "$rc" 1 "a hook that needs dbt's Jinja is refused"

# errors
job target/ninja/sql/model.p.py.sql "$(hdr model.p.py model table py '-- compiled: false
-- language: "python"')" ""
runjob model.p.py
is "$rc" 1 "a python model is refused"
grep -q 'a python model: dbt2ninja runs SQL models only' "$TMP/out"
ok $? "saying so"
job target/ninja/sql/model.p.parsed.sql "$(hdr model.p.parsed model view parsed '-- compiled: false')" ""
runjob model.p.parsed
grep -q 'no compiled SQL: the manifest is from dbt parse; run dbt compile' "$TMP/out"
ok $? "a node without compiled SQL says to run dbt compile"
printf -- '-- dbt2ninja job 1\n-- unique_id: m\n-- resource_type: model\n-- materialized: view\n-- relation: x\n-- adapter: postgres\n-- unique_key: [oops\n--\nselect 1\n' > target/ninja/sql/bad.sql
runjob bad
is "$(cat "$TMP/out")" "dbt2ninja-run: target/ninja/sql/bad.sql:7: unique_key: invalid JSON value" \
	"a malformed job names the file and line"
printf 'select 1\n' > target/ninja/sql/notajob.sql
runjob notajob
is "$(cat "$TMP/out")" "dbt2ninja-run: target/ninja/sql/notajob.sql:1: not a dbt2ninja job file (run dbt2ninja again)" \
	"so does a file that is no job"
"$RUN" >/dev/null 2>&1
is "$?" 2 "a usage error exits 2"

# interrupts: the running statement is cancelled, nothing is left
job target/ninja/sql/model.p.slow.sql "$(hdr model.p.slow model table slow)" "select 1 as z from pg_sleep(20)"
for sig in INT TERM; do
	"$RUN" target/ninja/sql/model.p.slow.sql target/ninja/ok/model.p.slow >"$TMP/out" 2>&1 &
	pid=$!
	sleep 1
	kill -$sig $pid
	wait $pid
	rc=$?
	is "$rc" "$([ $sig = INT ] && echo 130 || echo 143)" "SIG$sig during a statement exits 128+signal"
	check "and leaves no stamp" test ! -e target/ninja/ok/model.p.slow
	is "$(sql "select count(*) from pg_stat_activity where query like '%pg_sleep(20)%' and pid <> pg_backend_pid()")" 0 \
		"the statement was cancelled on the server"
	is "$(sql "select count(*) from pg_locks where locktype = 'advisory'")" 0 "no lock is held"
	is "$(sql "select count(*) from pg_class where relname like 'slow%'")" 0 "nothing half-built is left"
done

# kill -9: the next run converges
job target/ninja/sql/model.p.k9.sql "$(hdr model.p.k9 model table k9)" "select 1 as a from pg_sleep(2)"
"$RUN" target/ninja/sql/model.p.k9.sql target/ninja/ok/model.p.k9 >/dev/null 2>&1 &
pid=$!
sleep 1
kill -9 $pid
wait $pid 2>/dev/null
job target/ninja/sql/model.p.k9.sql "$(hdr model.p.k9 model table k9)" "select 2 as a"
runjob model.p.k9
ok $rc "after kill -9, the next run converges"
is "$(sql 'select a from t.k9')" 2 "to the right state"

# two deploys of one node at once take turns
job target/ninja/sql/model.p.twice.sql "$(hdr model.p.twice model table twice)" "select 1 as a from pg_sleep(1)"
start=$(date +%s)
"$RUN" target/ninja/sql/model.p.twice.sql target/ninja/ok/model.p.twice >"$TMP/out1" 2>&1 &
p1=$!
"$RUN" target/ninja/sql/model.p.twice.sql target/ninja/ok/model.p.twice >"$TMP/out2" 2>&1
r2=$?
wait $p1
r1=$?
is "$r1$r2" 00 "two runs of one node at once both succeed"
check "one after the other" test $(( $(date +%s) - start )) -ge 2

# connecting: retries as dbt's, then a clear error
mkdir -p proj
printf 'name: p\nprofile: p\n' > proj/dbt_project.yml
printf 'p:\n  target: t\n  outputs:\n    t:\n      type: postgres\n      host: /nonexistent\n      dbname: demo\n      retries: 2\n' > proj/profiles.yml
start=$(date +%s)
"$RUN" --project-dir proj target/ninja/sql/test.p.pass.sql target/ninja/ok/test.p.pass >"$TMP/out" 2>&1
is "$?" 1 "a server that cannot be reached fails the node"
is "$(grep -c 'connecting failed, retrying' "$TMP/out")" 2 "after the profile's retries"
check "waiting 0 s, then 1 s, as dbt does" test $(( $(date +%s) - start )) -ge 1
grep -q '^dbt2ninja-run: cannot connect: connection to server on socket "/nonexistent/.s.PGSQL.5432" failed' "$TMP/out"
ok $? "saying why"
printf 'p:\n  target: t\n  outputs:\n    t:\n      type: postgres\n      host: "{{ env_var('"'"'D2N_NO_SUCH_VAR'"'"') }}"\n' > proj/profiles.yml
"$RUN" --project-dir proj target/ninja/sql/test.p.pass.sql target/ninja/ok/test.p.pass >"$TMP/out" 2>&1
is "$(cat "$TMP/out")" "dbt2ninja-run: proj/profiles.yml:6:14: host: env var required but not provided: 'D2N_NO_SUCH_VAR'" \
	"an unset env_var names the file, line and column"

# dry run: the statements, without a server
PGHOST=/nonexistent "$RUN" --dry-run target/ninja/sql/model.p.hooked.sql > "$TMP/dry"
ok $? "--dry-run needs no server"
grep -q '^create table "demo"."t"."hooked__dbt_tmp"$' "$TMP/dry" && grep -q '^grant select on "demo"."t"."hooked" to reader;$' "$TMP/dry"
ok $? "and prints the statements it would send"
done_testing
