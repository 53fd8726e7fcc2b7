/* iface.c: a relation's interface, what the relations that read it by name
 * are bound to: its identity (PostgreSQL's oid, Materialize's catalog id,
 * which replacing in place keeps), its kind and its columns (names, types,
 * collations, nullability, in order). The executor reads it before and
 * after a node's materialization: the node's interface stamp moves only
 * when the two differ (mat.h). On PostgreSQL, matundo() reads what
 * replacing the relation in place has to undo to end as a new relation
 * would: its comments and the grants the node's role made on it. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "matstep.h"

/* PostgreSQL's: the interface and the kind. */
static void
pgquery(struct buf *b, const struct jobfile *j)
{
	bufputs(b, "select c.oid::text || ' ' || c.relkind::text || ' (' || coalesce((select"
	    " string_agg(quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid,"
	    " a.atttypmod) || ' ' || a.attcollation::text || case when a.attnotnull then"
	    " ' not null' else '' end, ', ' order by a.attnum) from pg_catalog.pg_attribute a"
	    " where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '') || ')',"
	    " c.relkind\nfrom pg_catalog.pg_class c join pg_catalog.pg_namespace n on"
	    " n.oid = c.relnamespace\nwhere n.nspname = ");
	if (j->schema)
		qliteral(b, j->schema);
	else
		bufputs(b, "current_schema()");
	bufputs(b, " and c.relname = ");
	qliteral(b, j->ident);
}

/* Materialize's, from its catalog: the interface and the type. */
static void
mzquery(struct buf *b, const struct jobfile *j)
{
	bufputs(b, "select o.id || ' ' || o.type || ' (' || coalesce((select string_agg(c.name ||"
	    " ' ' || c.type || case when c.nullable then '' else ' not null' end, ', ' order by"
	    " c.position) from mz_catalog.mz_columns c where c.id = o.id), '') || ')', o.type\n"
	    "from mz_catalog.mz_objects o join mz_catalog.mz_schemas s on o.schema_id = s.id\n"
	    "left join mz_catalog.mz_databases d on s.database_id = d.id\nwhere o.name = ");
	qliteral(b, j->ident);
	bufputs(b, " and s.name = ");
	if (j->schema)
		qliteral(b, j->schema);
	else
		bufputs(b, "current_schema()");
	if (j->db) {
		bufputs(b, " and d.name = ");
		qliteral(b, j->db);
	}
}

/* A Materialize type as the one letter PostgreSQL's relkind would be. */
static int
mzkind(const char *type)
{
	return !strcmp(type, "view") ? 'v' : !strcmp(type, "materialized-view") ? 'm' :
	    !strcmp(type, "table") ? 'r' : 'o';
}

static int
ask(struct runner *r, int mz, struct prior *p)
{
	struct step s;
	const PGresult *res;

	matstep(&s);
	(mz ? mzquery : pgquery)(&s.sql, r->job);
	bufputs(&s.sql, ";\n");
	if (r->dry)
		return matexec(r, &s);
	if (matexec(r, &s) < 0)
		return -1;
	res = r->out.last;
	p->known = 1;
	if (res && PQntuples(res) > 0) {
		p->iface = xstrdup(PQgetvalue(res, 0, 0));
		p->kind = mz ? mzkind(PQgetvalue(res, 0, 1)) : PQgetvalue(res, 0, 1)[0];
	}
	PQclear(r->out.last);
	r->out.last = NULL;
	return 0;
}

/* The query runs on a runner of its own: the node's outcome and error,
 * which the executor reports, stay as they are. */
int
matiface(struct runner *r, struct prior *p)
{
	struct runner q = *r;
	int mz = !strcmp(r->job->adapter, "materialize"), rc = 0;

	memset(p, 0, sizeof(*p));
	if (!strcmp(r->job->type, "test"))
		return 0;
	/* --dry-run prints it, as every statement sent */
	if (r->dry)
		return ask(r, mz, p);
	memset(&q.out, 0, sizeof(q.out));
	q.err = NULL;
	if (ask(&q, mz, p) == 0)
		goto out;
	/* a server without Materialize's catalog (PostgreSQL, where the
	 * tests run Materialize's sequences): PostgreSQL's */
	if (mz && !pginterrupted && (!strcmp(q.out.sqlstate, "3F000") ||
	    !strcmp(q.out.sqlstate, "42P01"))) {
		free(q.err);
		q.err = NULL;
		if (ask(&q, 0, p) == 0)
			goto out;
	}
	rc = -1;
out:
	free(q.err);
	PQclear(q.out.last);
	return rc;
}

int
matundo(struct runner *r)
{
	struct step s;
	int rc;

	matstep(&s);
	bufputs(&s.sql, "select json_build_object('comment', pg_catalog.obj_description(c.oid,"
	    " 'pg_class') is not null, 'commented', coalesce((select json_agg(a.attname order by"
	    " a.attnum) from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attnum > 0"
	    " and not a.attisdropped and pg_catalog.col_description(c.oid, a.attnum) is not null),"
	    " '[]'::json), 'grants', (select coalesce(json_agg(json_build_array(case g.grantee"
	    " when 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(g.grantee) end,"
	    " g.privilege_type)), '[]'::json) from pg_catalog.aclexplode(c.relacl) g where"
	    " g.grantor = current_user::regrole and g.grantee <> current_user::regrole))::text\n"
	    "from pg_catalog.pg_class c where c.oid = to_regclass(");
	qliteral(&s.sql, r->job->relation);
	bufputs(&s.sql, ");\n");
	if ((rc = matexec(r, &s)) < 0 || r->dry)
		return rc;
	cJSON_Delete(r->was.info);
	r->was.info = NULL;
	if (r->out.last && PQntuples(r->out.last) == 1)
		r->was.info = cJSON_Parse(PQgetvalue(r->out.last, 0, 0));
	PQclear(r->out.last);
	r->out.last = NULL;
	return 0;
}

void
priorfree(struct prior *p)
{
	free(p->iface);
	cJSON_Delete(p->info);
	memset(p, 0, sizeof(*p));
}

int
ifacemoved(const struct prior *before, const struct prior *after)
{
	if (!before->known || !after->known || !before->iface || !after->iface)
		return 1;
	return strcmp(before->iface, after->iface) != 0;
}
