/* inplace.c: PostgreSQL's views and tables replaced in place where they
 * are there already, so that the views on them stay bound (dbt's swap,
 * swap.c, drops them with the old relation): a view by create or replace
 * view, a table refilled in its transaction after a probe; dbt's swap when
 * the server or the probe says no, or nothing is there. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matstep.h"

#define SAVEPOINT "dbt2ninja_in_place"

/* A view replaced in place, after swaphead(): `create or replace view`,
 * which keeps the views on it bound, then what a new view would have:
 * its grants and comments as configured, and the post-hooks. The server
 * refuses it when a column was renamed, retyped or dropped: the
 * statement is s->tryat, after a savepoint. */
static void
viewtail(struct runner *r, struct step *s)
{
	struct jobfile *j = r->job;
	struct buf b = {0};

	matstmt(s, "savepoint " SAVEPOINT);
	bufprintf(&b, "create or replace view %s\n  as (\n", j->relation);
	matmainsql(s, j, b.s, "\n  )");
	s->tryat = s->mainstmt;
	matstmt(s, "release savepoint " SAVEPOINT);
	matregrant(r, s);
	matuncomment(r, s, "view");
	matpersistdocs(s, j, "view");
	buffree(&b);
}

/* The end of a view's transaction in place: post-hooks, the record,
 * COMMIT. -1 with r->err, s freed. */
static int
viewend(struct runner *r, struct step *s)
{
	if (mathooks(r, s, "post-hook", 1) < 0) {
		buffree(&s->sql);
		if (r->conn && PQtransactionStatus(r->conn) != PQTRANS_IDLE)
			PQclear(PQexec(r->conn, "rollback"));
		return -1;
	}
	matrecord(r, s);
	matstmt(s, "commit");
	s->transactional = 1;
	return 0;
}

/* Why the node asks for dbt's own replacement, or NULL. */
static const char *
dbtway(const struct runner *r, int kind)
{
	if (r->fullrefresh)
		return "full refresh";
	if (jobstr(r->job, "sql_header", NULL))
		return "its sql_header";
	if (kind == KTABLE && matcontracted(r->job))
		return "its contract";
	return NULL;
}

/* Why the relation cannot even be tried in place, or NULL: it is there,
 * of its kind ('v' or 'r'), and the node does not ask for dbt's way. With
 * --dry-run, which does not know what is there, only the node's reasons
 * count. */
static const char *
notinplace(const struct runner *r, int kind)
{
	const char *no = dbtway(r, kind == 'v' ? KVIEW : KTABLE);

	if (no || r->dry || r->was.kind == kind)
		return no;
	return r->was.kind == 'v' ? "was a view" : r->was.kind == 'r' ? "was a table" :
	    r->was.kind == 'm' ? "was a materialized view" : "was another kind of relation";
}

/* A view: in place when it is there as a view, else, or when the server
 * refuses that (its columns changed), swapped in as dbt does. With
 * --dry-run, both, each after what it is for. */
static int
matview(struct runner *r)
{
	struct step s;
	const char *no = notinplace(r, 'v');
	int anykind = 0;

	if (r->dry && !no)
		fprintf(r->dry, "-- when %s is a view: replaced in place, its dependents kept\n",
		    r->job->relation);
	if (no) {
		if (r->was.kind)
			r->why = no;
		return matswapin(r, KVIEW);
	}
	if (matundo(r) < 0)
		return -1;
again:
	if (swaphead(r, &s, KVIEW, anykind) < 0)
		return -1;
	viewtail(r, &s);
	if (viewend(r, &s) < 0)
		return -1;
	if (matexec(r, &s) == 0) {
		r->inplace = 1;
		if (r->dry) {
			fprintf(r->dry, "-- when the server refuses it (a column renamed, retyped or "
			    "dropped: 42P16), dbt's swap from the savepoint:\n");
			goto fallback;
		}
		return matouterhooks(r, "post-hook");
	}
	if (r->out.kept && !pginterrupted && !strcmp(r->out.sqlstate, "42809")) {
		/* it became another kind of relation since it was read */
		anykind = 1;
		goto fallback;
	}
	if (r->out.kept && !strcmp(r->out.sqlstate, "42P16") && !pginterrupted)
		goto fallback;
	if (r->out.kept)
		PQclear(PQexec(r->conn, "rollback"));
	if (!anykind && !strcmp(r->out.sqlstate, "42809") && !pginterrupted) {
		/* a stale intermediate relation of another kind */
		free(r->err);
		r->err = NULL;
		anykind = 1;
		goto again;
	}
	return -1;
fallback:
	free(r->err);
	r->err = NULL;
	r->inplace = 0;
	r->why = anykind ? "was another kind of relation" : "columns changed";
	matstep(&s);
	matnstmts = 0;
	matstmt(&s, "rollback to savepoint " SAVEPOINT);
	if (swaptail(r, &s, KVIEW, anykind) < 0 || matexec(r, &s) < 0)
		return -1;
	r->fresh = 1;
	if (r->dry) {
		fprintf(r->dry, "-- otherwise (a new view, or another kind of relation): dbt's swap\n");
		r->why = NULL;
		return matswapin(r, KVIEW);
	}
	return matouterhooks(r, "post-hook");
}

/* The columns of the relation with oid expr: names, types, collations. */
static void
signature(struct buf *b, const char *expr)
{
	bufprintf(b, "(select string_agg(quote_ident(a.attname) || ' ' || pg_catalog.format_type("
	    "a.atttypid, a.atttypmod) || ' ' || a.attcollation::text, ', ' order by a.attnum) from"
	    " pg_catalog.pg_attribute a where a.attrelid = %s and a.attnum > 0 and not"
	    " a.attisdropped)", expr);
}

#define PROBE "dbt2ninja_probe"

/* After swaphead(), whether the table can be refilled in place: the
 * node's SQL as a temporary view (s->tryat, after a savepoint: a query a
 * view cannot hold is dbt's swap), then one row: why not, or null, and the
 * table's indexes. */
static void
probe(struct runner *r, struct step *s)
{
	struct buf b = {0};
	const char *persist = jobbool(r->job, "unlogged", 0) ? "u" : "p";

	matstmt(s, "savepoint " SAVEPOINT);
	matmainsql(s, r->job, "create temporary view " PROBE "\n  as (\n", "\n  )");
	s->tryat = s->mainstmt;
	bufputs(&b, "select case when c.oid is null then 'gone'"
	    " when c.relkind <> 'r' then 'was another kind of relation' when ");
	signature(&b, "to_regclass('pg_temp." PROBE "')");
	bufputs(&b, " is distinct from ");
	signature(&b, "c.oid");
	bufprintf(&b, " then 'columns changed' when c.relpersistence <> '%s' then"
	    " 'unlogged changed' when exists (select 1 from pg_catalog.pg_attribute a where"
	    " a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and (a.attnotnull or"
	    " a.atthasdef)) or exists (select 1 from pg_catalog.pg_constraint k where k.conrelid"
	    " = c.oid) then 'it has constraints or defaults' when c.relhastriggers then"
	    " 'it has triggers' when c.relhasrules or c.relrowsecurity then"
	    " 'it has rules or row security' when c.relhassubclass or c.relispartition or exists"
	    " (select 1 from pg_catalog.pg_inherits i where i.inhrelid = c.oid) then"
	    " 'it is inherited or partitioned' when c.reloptions is not null then"
	    " 'it has storage parameters' when c.relowner <> (select oid from pg_catalog.pg_roles"
	    " where rolname = current_user) then 'another role owns it' end,\n"
	    "  (select coalesce(json_agg(i.indexrelid::regclass::text), '[]') from"
	    " pg_catalog.pg_index i where i.indrelid = c.oid)::text\n"
	    "from (select to_regclass(", persist);
	qliteral(&b, r->job->relation);
	bufputs(&b, ") as oid) x left join pg_catalog.pg_class c on c.oid = x.oid");
	matstmtf(s, &b);
	matstmt(s, "drop view pg_temp." PROBE);
	matstmt(s, "release savepoint " SAVEPOINT);
	s->transactional = 1;
	buffree(&b);
}

/* A table refilled in place, in the node's transaction, so that readers
 * see the old rows until COMMIT and the views on it stay bound: its rows
 * deleted (not truncated: TRUNCATE would lock readers out and empty the
 * table for transactions that started before), the new ones inserted, the
 * configured indexes created and the old ones dropped (the only moment
 * readers wait, as for dbt's rename), then what a new table would have:
 * post-hooks, grants, comments. old: its indexes, a JSON list. */
static int
tabletail(struct runner *r, struct step *s, const char *old)
{
	struct jobfile *j = r->job;
	struct buf b = {0};
	cJSON *ix = old ? cJSON_Parse(old) : NULL;
	const cJSON *i;
	int rc = -1;

	bufprintf(&b, "delete from %s", j->relation);
	matstmtf(s, &b);
	bufprintf(&b, "insert into %s\nselect * from (\n", j->relation);
	matmainsql(s, j, b.s, "\n) as model_subq");
	b.len = 0;
	matindexes(s, j, j->relation);
	if (r->dry)
		bufputs(&s->sql, "-- then its indexes from before are dropped\n");
	cJSON_ArrayForEach(i, ix)
		if (cJSON_IsString(i)) {
			bufprintf(&b, "drop index %s", i->valuestring);
			matstmtf(s, &b);
		}
	if (mathooks(r, s, "post-hook", 1) < 0) {
		buffree(&s->sql);
		if (r->conn && PQtransactionStatus(r->conn) != PQTRANS_IDLE)
			PQclear(PQexec(r->conn, "rollback"));
		goto out;
	}
	matregrant(r, s);
	matuncomment(r, s, "table");
	matpersistdocs(s, j, "table");
	matrecord(r, s);
	matstmt(s, "commit");
	s->transactional = 1;
	rc = 0;
out:
	cJSON_Delete(ix);
	buffree(&b);
	return rc;
}

/* A table: refilled in place when it is there with the same columns and
 * nothing a new table would not have, else swapped in as dbt does; the
 * probe decides in the node's transaction. With --dry-run, every way. */
static int
mattable(struct runner *r)
{
	struct step s;
	const char *no = notinplace(r, 'r');
	char *why = NULL, *old = NULL;
	int anykind = 0, rc = -1;

	if (r->dry && !no)
		fprintf(r->dry, "-- when %s is a table: first a probe\n", r->job->relation);
	if (no) {
		if (r->was.kind)
			r->why = no;
		return matswapin(r, KTABLE);
	}
again:
	if (swaphead(r, &s, KTABLE, anykind) < 0)
		return -1;
	probe(r, &s);
	if (matexec(r, &s) < 0) {
		if (r->out.kept && !pginterrupted) {
			/* a query no view can hold: as dbt does */
			free(r->err);
			r->err = NULL;
			why = xstrdup("its query");
			matstep(&s);
			matnstmts = 0;
			matstmt(&s, "rollback to savepoint " SAVEPOINT);
			goto swap;
		}
		if (!anykind && !strcmp(r->out.sqlstate, "42809") && !pginterrupted) {
			free(r->err);
			r->err = NULL;
			anykind = 1;
			goto again;
		}
		return -1;
	}
	if (r->out.last && PQntuples(r->out.last) == 1) {
		if (!PQgetisnull(r->out.last, 0, 0))
			why = xstrdup(PQgetvalue(r->out.last, 0, 0));
		old = xstrdup(PQgetvalue(r->out.last, 0, 1));
	}
	PQclear(r->out.last);
	r->out.last = NULL;
	matstep(&s);
	matnstmts = 0;
	if (r->dry) {
		fputs("-- when the probe finds the same columns (names, types, collations, in order)"
		    " and nothing a new table would not have: refilled in place, its dependents"
		    " kept\n", r->dry);
	} else if (why) {
		goto swap;
	}
	if (matundo(r) < 0) {
		if (r->conn && PQtransactionStatus(r->conn) != PQTRANS_IDLE)
			PQclear(PQexec(r->conn, "rollback"));
		goto out;
	}
	if (tabletail(r, &s, old) < 0 || matexec(r, &s) < 0)
		goto out;
	if (!r->dry) {
		r->inplace = 1;
		/* answered as dbt's create table as would be: SELECT n */
		snprintf(r->out.status, sizeof(r->out.status), "SELECT %s",
		    r->out.rows[0] ? r->out.rows : "0");
		rc = matouterhooks(r, "post-hook");
		goto out;
	}
	fputs("-- otherwise, in the same transaction: dbt's swap\n", r->dry);
	matstep(&s);
	matnstmts = 0;
swap:
	if (why) {
		free(r->whybuf);
		r->why = r->whybuf = why;
		why = NULL;
	}
	if (swaptail(r, &s, KTABLE, anykind) < 0 || matexec(r, &s) < 0)
		goto out;
	r->fresh = 1;
	if (r->dry) {
		fputs("-- otherwise (a new table, or another kind of relation): dbt's swap\n", r->dry);
		rc = matswapin(r, KTABLE);
		goto out;
	}
	rc = matouterhooks(r, "post-hook");
out:
	free(why);
	free(old);
	return rc;
}

/* A view or a table: in place where it can be, else dbt's swap. */
int
matreplace(struct runner *r, int kind)
{
	if (matouterhooks(r, "pre-hook") < 0)
		return -1;
	return kind == KVIEW ? matview(r) : mattable(r);
}
