#!/bin/sh
# Every way from a manifest, a CSV or a profile into SQL, with hostile
# strings (quotes, ;, --, /*, dollar-quote tags, backslashes, CR/LF,
# unicode): the server, logging every statement, receives exactly the
# statements --dry-run shows, the content lands verbatim in the catalog,
# and what dbt refuses (its comment tag, a NUL) is refused naming the node.
. "$(dirname "$0")/lib.sh"
PGOPTS="-c log_statement=all -c log_line_prefix=%m@%p@" withpg
RUN=$ROOT/dbt2ninja-run
cd "$TMP" || exit 1
mkdir -p target/ninja/sql target/ninja/ok
LOG=$PGTMP/server.log
sql "create schema t; create table t.victim (x int)" >/dev/null

# The hostile string: every character that could end a quote or a
# statement. H and the jobs are written by Python, the JSON escaped.
cat > hostile.py <<'PY'
import hashlib, json, sys
H = "it's; drop table t.victim; -- x /* y */ $dbt2ninja$ $$ $x$ \\ b\\ack \"dq\" \u00e9 \u2603 \r\n2nd\tline"
def md5(s): return hashlib.md5(s.encode()).hexdigest()
# job PATH UID TYPE MATERIALIZED RELATION JSON-HEADER SQL
def job(path, uid, typ, mat, rel, extra, body):
    with open(path, 'w') as f:
        f.write('-- dbt2ninja job 1\n-- unique_id: %s\n-- resource_type: %s\n'
                '-- materialized: %s\n-- relation: %s\n-- adapter: postgres\n' % (uid, typ, mat, rel))
        for k in sorted(extra):
            f.write('-- %s: %s\n' % (k, json.dumps(extra[k], ensure_ascii=False)))
        f.write('--\n%s\n' % body)
PY
py() { python3 -c "import sys; sys.path.insert(0, '$TMP'); from hostile import *; $1"; }
H5=$(py 'print(md5(H))')

# sent [N]: every statement the server logged since MARK, as sent (the
# N-th only)
mark() { MARK=$(wc -c < "$LOG"); }
sent() {
	python3 - "$LOG" "$MARK" "$@" <<'PY'
import re, sys
log = open(sys.argv[1], 'rb').read()[int(sys.argv[2]):].decode()
out, cur = [], None
for line in log.split('\n'):
    m = re.match(r'^\S+ \S+ \S+@\d+@LOG:  statement: (.*)$', line)
    if m:
        cur = [m.group(1)]
        out.append(cur)
    elif cur is not None and line.startswith('\t'):
        cur.append(line[1:])
    else:
        cur = None
out = ['\n'.join(s) for s in out]
if len(sys.argv) > 3:
    out = out[int(sys.argv[3]) - 1:int(sys.argv[3])]
sys.stdout.write(''.join(out))
PY
}
# same NAME: running job NAME, a new relation, sends exactly what --dry-run
# shows for one: of the ways it prints, each after a comment saying when
# it is taken, the last, between what comes before them all (the catalog
# read, the hooks outside the transaction) and the catalog read again
same() {
	"$RUN" --dry-run "target/ninja/sql/$1.sql" | awk '
		/^-- then, unless the relation is new/ { next }
		/^-- when / && !seen { seen = 1; head = b; b = "" }
		/^-- (when|otherwise)/ { b = ""; next }
		{ b = b $0 "\n" }
		END { printf "%s%s", head, b }' > "$TMP/dry" || return 1
	mark
	"$RUN" "target/ninja/sql/$1.sql" "target/ninja/ok/$1" > "$TMP/out" 2>&1 || { cat "$TMP/out"; return 1; }
	sent > "$TMP/sent"
	cmp -s "$TMP/dry" "$TMP/sent" || { diff "$TMP/dry" "$TMP/sent" | head -20; return 1; }
}
victim() { sql "select count(*) from pg_class where oid = 't.victim'::regclass"; }

# 1. persist_docs: the model's description, a column's, a column whose
# name is hostile (quote: true), a description ending in the start of a
# dollar-quote tag
py '
col = "we\"ird; $dbt2ninja$ \\ \u2603"
job("target/ninja/sql/model.p.docs.sql", "model.p.docs", "model", "table", "\"demo\".\"t\".\"docs\"",
    {"persist_docs": {"relation": True, "columns": True}, "description": H,
     "columns": {"id": {"description": H}, col: {"description": H, "quote": True},
                 "tail": {"description": "ends in $dbt2ninja"}, "gone": {"description": H}}},
    "select 1 as id, 2 as \"%s\", 3 as tail" % col.replace("\"", "\"\""))'
check "a model with hostile descriptions sends exactly its statements" same model.p.docs
is "$(sql "select md5(obj_description('t.docs'::regclass, 'pg_class'))")" "$H5" "the model's description lands verbatim"
is "$(sql "select md5(col_description('t.docs'::regclass, 1))")" "$H5" "so does a column's"
is "$(sql "select md5(col_description('t.docs'::regclass, 2))")" "$H5" "and that of a column with a hostile name, quoted"
is "$(sql "select col_description('t.docs'::regclass, 3)")" 'ends in $dbt2ninja' "a description ending in the start of the DO block's tag"
is "$(victim)" 1 "nothing ran but the statements"
grep -q 'do \$dbt2ninja_1\$ begin' "$TMP/dry"
ok $? "a DO block takes a tag its content does not hold"

# 2. the same under standard_conforming_strings = off, where a backslash
# in '...' escapes: literals are E'...' when they hold one
sql "alter database demo set standard_conforming_strings = off" >/dev/null
py '
job("target/ninja/sql/model.p.docs2.sql", "model.p.it'"'"'s\\", "model", "table", "\"demo\".\"t\".\"docs2\"",
    {"persist_docs": {"relation": True, "columns": True}, "description": H,
     "columns": {"id": {"description": H}}}, "select 1 as id")'
"$RUN" --record target/ninja/sql/model.p.docs2.sql target/ninja/ok/model.p.docs2 > "$TMP/out" 2>&1
ok $? "with standard_conforming_strings off"
is "$(sql "select md5(obj_description('t.docs2'::regclass, 'pg_class')) || md5(col_description('t.docs2'::regclass, 1))")" "$H5$H5" \
	"the descriptions land verbatim"
is "$(sql "select unique_id from dbt2ninja.deployments")" "model.p.it's\\" "--record's values too"
is "$(victim)" 1 "nothing ran but the statements"
sql "alter database demo reset standard_conforming_strings" >/dev/null

# 3. dbt's comment tag in a description is refused, as dbt-postgres
# refuses it, naming the node; nothing is deployed
py '
job("target/ninja/sql/model.p.tag.sql", "model.p.tag", "model", "table", "\"demo\".\"t\".\"tag\"",
    {"persist_docs": {"relation": True}, "description": "x $dbt_comment_literal_block$; drop table t.victim; --"},
    "select 1 as id")'
"$RUN" target/ninja/sql/model.p.tag.sql target/ninja/ok/model.p.tag > "$TMP/out" 2>&1
is "$?" 1 "the model's description holding \$dbt_comment_literal_block\$ fails the node"
is "$(tail -1 "$TMP/out")" 'dbt2ninja-run: model.p.tag (target/ninja/sql/model.p.tag.sql): persist_docs: the model'"'"'s description: The string $dbt_comment_literal_block$ is not allowed in comments.' \
	"with dbt's words, naming the node"
is "$(sql "select count(*) from pg_class where relname = 'tag'")$(victim)" 01 "nothing is deployed, nothing else ran"
py '
job("target/ninja/sql/model.p.ctag.sql", "model.p.ctag", "model", "table", "\"demo\".\"t\".\"ctag\"",
    {"persist_docs": {"columns": True}, "columns": {"id": {"description": "$dbt_comment_literal_block$; drop table t.victim; --"}}},
    "select 1 as id")'
"$RUN" target/ninja/sql/model.p.ctag.sql target/ninja/ok/model.p.ctag > "$TMP/out" 2>&1
is "$?" 1 "so is a column's, for a column the relation has"
grep -q '^dbt2ninja-run: model.p.ctag (target/ninja/sql/model.p.ctag.sql): P0001: The string \$dbt_comment_literal_block\$ is not allowed in comments.$' "$TMP/out" &&
	grep -q 'DETAIL: the description of column id$' "$TMP/out"
ok $? "naming the node and the column"
is "$(sql "select count(*) from pg_class where relname = 'ctag'")$(victim)" 01 "nothing is deployed, nothing else ran"
py '
job("target/ninja/sql/model.p.ctag.sql", "model.p.ctag", "model", "table", "\"demo\".\"t\".\"ctag\"",
    {"persist_docs": {"columns": True}, "columns": {"other": {"description": "$dbt_comment_literal_block$"}}},
    "select 1 as id")'
"$RUN" target/ninja/sql/model.p.ctag.sql target/ninja/ok/model.p.ctag > "$TMP/out" 2>&1
ok $? "a column the relation does not have is not commented, so not refused, as in dbt"

# 4. hostile schema and relation names, through the drop by kind (a view
# stands where the table goes)
py '
job("target/ninja/sql/model.p.odd.sql", "model.p.odd", "model", "table",
    "\"demo\".\"s\"\"c; $dbt2ninja$ \\ \u2603\".\"t\"\"x; --\"", {}, "select 1 as id")'
sql 'create schema "s""c; $dbt2ninja$ \ ☃"; create view "s""c; $dbt2ninja$ \ ☃"."t""x; --" as select 0 as id' >/dev/null
"$RUN" target/ninja/sql/model.p.odd.sql target/ninja/ok/model.p.odd > "$TMP/out" 2>&1
ok $? "a table in a schema and under a name full of quotes, tags and backslashes"
is "$(sql "select c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 's\"c; \$dbt2ninja\$ \\ ☃' and c.relname = 't\"x; --'")" r \
	"replaces the view there"
is "$(victim)" 1 "nothing ran but the statements"

# an incremental's new column, named from the catalog, quoted
job target/ninja/sql/model.p.inc.sql "$(printf -- '-- unique_id: model.p.inc\n-- resource_type: model\n-- materialized: incremental\n-- relation: "demo"."t"."inc"\n-- adapter: postgres\n-- on_schema_change: "append_new_columns"')" "select 1 as id"
"$RUN" target/ninja/sql/model.p.inc.sql target/ninja/ok/model.p.inc > "$TMP/out" 2>&1
job target/ninja/sql/model.p.inc.sql "$(printf -- '-- unique_id: model.p.inc\n-- resource_type: model\n-- materialized: incremental\n-- relation: "demo"."t"."inc"\n-- adapter: postgres\n-- on_schema_change: "append_new_columns"')" \
	'select 2 as id, 3 as "x""; drop table t.victim; -- $dbt2ninja$ \"'
"$RUN" target/ninja/sql/model.p.inc.sql target/ninja/ok/model.p.inc > "$TMP/out" 2>&1
ok $? "an incremental gains a column with a hostile name"
is "$(sql "select attname from pg_attribute where attrelid = 't.inc'::regclass and attnum = 2")" 'x"; drop table t.victim; -- $dbt2ninja$ \' \
	"verbatim"
is "$(victim)" 1 "nothing ran but the statements"

# Materialize: no catalog to check a column against, so any column's
# description holding dbt's tag is refused
py '
job("target/ninja/sql/model.m.tag.sql", "model.m.tag", "model", "view", "\"materialize\".\"public\".\"tag\"",
    {"persist_docs": {"columns": True}, "columns": {"id": {"description": "$dbt_comment_literal_block$"}}}, "select 1 as id")'
sed -i 's/^-- adapter: postgres$/-- adapter: materialize/' target/ninja/sql/model.m.tag.sql
"$RUN" --dry-run target/ninja/sql/model.m.tag.sql 2>"$TMP/out" >/dev/null
is "$(cat "$TMP/out")" 'dbt2ninja-run: model.m.tag (target/ninja/sql/model.m.tag.sql): persist_docs: the description of column id: The string $dbt_comment_literal_block$ is not allowed in comments.' \
	"a Materialize model's column description holding the tag is refused"

# 5. a seed: values with a newline, a CR, quotes, a backslash, a line that
# is COPY's end marker, unicode; a hostile column name
printf 'id,"we""ird; --"\n1,"two\nlines"\n2,"a ""q"" \\ b"\n3,\\.\n4,"\\."\n5,"cr\rhere"\n6,☃ é\n7,last\n' > odd.csv
py "
job('target/ninja/sql/seed.p.odd.sql', 'seed.p.odd', 'seed', 'seed', '\"demo\".\"t\".\"oddseed\"',
    {'seed_path': 'odd.csv', 'seed_sha256': hashlib.sha256(open('odd.csv','rb').read()).hexdigest()}, '')"
"$RUN" target/ninja/sql/seed.p.odd.sql target/ninja/ok/seed.p.odd > "$TMP/out" 2>&1
ok $? "a seed of hostile values loads"
is "$(sql "select md5(string_agg(id || '=' || \"we\"\"ird; --\", '|' order by id)) from t.oddseed")" \
	"$(printf '1=two\nlines|2=a "q" \\ b|3=\\.|4=\\.|5=cr\nhere|6=☃ é|7=last' | md5sum | cut -d' ' -f1)" \
	"every value verbatim, \\. too (a CR a newline, as Python's csv reads it for dbt): no row is lost"
printf 'id,v\n1,a\0b\n' > nul.csv
py "
job('target/ninja/sql/seed.p.nul.sql', 'seed.p.nul', 'seed', 'seed', '\"demo\".\"t\".\"nulseed\"',
    {'seed_path': 'nul.csv', 'seed_sha256': hashlib.sha256(open('nul.csv','rb').read()).hexdigest()}, '')"
"$RUN" target/ninja/sql/seed.p.nul.sql target/ninja/ok/seed.p.nul > "$TMP/out" 2>&1
is "$?" 1 "a NUL byte in a seed fails it"
is "$(tail -1 "$TMP/out")" "dbt2ninja-run: seed.p.nul (target/ninja/sql/seed.p.nul.sql): nul.csv:2:4: a NUL byte: dbt refuses the seed (A string literal cannot contain NUL (0x00) characters)" \
	"saying so"

# 6. a NUL in a job: in a header value, in the SQL
py '
job("target/ninja/sql/model.p.nul.sql", "model.p.nul", "model", "table", "\"demo\".\"t\".\"nul\"",
    {"persist_docs": {"relation": True}, "description": "a\u0000; drop table t.victim"}, "select 1 as id")'
"$RUN" target/ninja/sql/model.p.nul.sql target/ninja/ok/model.p.nul > "$TMP/out" 2>&1
is "$(cat "$TMP/out")" 'dbt2ninja-run: target/ninja/sql/model.p.nul.sql:7: description: a NUL character (\u0000): no statement can carry it' \
	"a NUL in a header value is refused, naming the file and line"
printf -- '-- dbt2ninja job 1\n-- unique_id: m\n-- resource_type: model\n-- materialized: view\n-- relation: "demo"."t"."v"\n-- adapter: postgres\n--\nselect 1\n\0; drop table t.victim\n' > target/ninja/sql/model.p.nul2.sql
"$RUN" target/ninja/sql/model.p.nul2.sql target/ninja/ok/model.p.nul2 > "$TMP/out" 2>&1
is "$(cat "$TMP/out")" 'dbt2ninja-run: target/ninja/sql/model.p.nul2.sql:9: a NUL byte: no statement can carry it' \
	"so is one in the SQL"
is "$(victim)" 1 "nothing ran"

# 7. hooks: sent exactly as written, each a statement, and nothing more
sql "create table t.hooklog (s text)" >/dev/null
py '
job("target/ninja/sql/model.p.hooks.sql", "model.p.hooks", "model", "view", "\"demo\".\"t\".\"hooks\"",
    {"pre-hook": [{"sql": "insert into t.hooklog values ($q$it'"'"'s; -- /* $dbt2ninja$ \\ $q$)", "transaction": True}],
     "post-hook": [{"sql": "insert into t.hooklog select E'"'"'\\\\'"'"' || $$; --$$ /* c */", "transaction": False}]},
    "select 1 as id")'
check "hooks are sent exactly as written" same model.p.hooks
is "$(sql "select string_agg(s, '|' order by s) from t.hooklog")" "\\; --|it's; -- /* \$dbt2ninja\$ \\ " "and do what they say"

# 8. the profile: role unquoted, as dbt sends it; search_path escaped as
# dbt escapes it; what it cannot send as one value, refused
sql 'create role "Odd Role"; grant all on schema t to "Odd Role"; grant create on database demo to "Odd Role"' >/dev/null
mkdir -p proj
printf 'name: p\nprofile: p\n' > proj/dbt_project.yml
printf 'p:\n  target: t\n  outputs:\n    t:\n      type: postgres\n      host: "%s"\n      dbname: demo\n      role: %s\n      search_path: %s\n' \
	"$PGHOST" "'\"Odd Role\"'" "'\"my schema\", t'" > proj/profiles.yml
job target/ninja/sql/model.p.who.sql "$(printf -- '-- unique_id: model.p.who\n-- resource_type: model\n-- materialized: table\n-- relation: "demo"."t"."who"\n-- adapter: postgres')" \
	"select current_user::text as u, current_setting('search_path') as sp"
mark
"$RUN" --project-dir proj target/ninja/sql/model.p.who.sql target/ninja/ok/model.p.who > "$TMP/out" 2>&1
rc=$?; ok $rc "a profile with a role and a search_path"; [ $rc = 0 ] || sed "s/^/# /" "$TMP/out"
is "$(sent 1)" 'set role "Odd Role"' "the role is sent as dbt sends it: set role <role>, unquoted"
is "$(sql "select u || '/' || sp from t.who")" 'Odd Role/"my schema", t' "the search_path arrives as one value"
sed -i 's/search_path: .*/search_path: '"'"'a\\ -c log_statement=none'"'"'/' proj/profiles.yml
"$RUN" --project-dir proj target/ninja/sql/model.p.who.sql target/ninja/ok/model.p.who > "$TMP/out" 2>&1
is "$(cat "$TMP/out")" "dbt2ninja-run: proj/profiles.yml:9:20: search_path: a backslash: dbt sends it in libpq's options, where it escapes the next character; not supported" \
	"a search_path with a backslash, which would make options of the rest, is refused"
sed -i 's/search_path: .*/search_path: "t\\0; x"/' proj/profiles.yml
"$RUN" --project-dir proj target/ninja/sql/model.p.who.sql target/ninja/ok/model.p.who > "$TMP/out" 2>&1
is "$(cat "$TMP/out")" "dbt2ninja-run: proj/profiles.yml:9:20: search_path: a NUL character: no connection setting can carry it" \
	"so is a NUL"

# 9. blue/green: schema and cluster names from the command line, quoted
"$RUN" --dry-run --blue-green-op cleanup --schemas 'a"b; --' --clusters 'c$x$ \' --mark m > "$TMP/dry"
is "$(cat "$TMP/dry")" "$(printf '%s\n' 'drop schema if exists "a""b; --_dbt_deploy" cascade;' 'drop cluster if exists "c$x$ \_dbt_deploy" cascade;' '-- remove m' 'OK deploy-cleanup')" \
	"blue/green names are quoted as identifiers"
done_testing
