#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mat.h"
#include "matstep.h"
#include "seed.h"
#include "sql.h"

/*
 * Materialize, as dbt-materialize runs it: no transaction blocks, one
 * statement at a time; the old object dropped by its type, then created
 * (views, materialized views, sources, source tables, sinks); tests and
 * seed reloads after `set cluster`; incrementals and snapshots refused.
 * Blue/green deployment is deploy.c's.
 */

/* Send one statement on its own (autocommitted). */
static int
one(struct runner *r, const char *sql, int withsql, const char *pre, const char *post)
{
	struct step s;

	matstep(&s);
	matnstmts = 0;
	if (withsql)
		matmainsql(&s, r->job, pre, post);
	else
		matstmt(&s, sql);
	return matexec(r, &s);
}

int
runsql(struct runner *r, const char *sql)
{
	return one(r, sql, 0, NULL, NULL);
}

/* A cluster's name, with the blue/green suffix when deploying. */
static const char *
deployed(const struct runner *r, const char *cluster)
{
	static char name[256];

	if (!cluster || !r->bluegreen)
		return cluster;
	snprintf(name, sizeof(name), "%s_dbt_deploy", cluster);
	return name;
}

static const char *
mzcluster(const struct runner *r)
{
	return deployed(r, jobstr(r->job, "cluster", r->cluster));
}

/* The type of the object named like the node, from mz_objects; on a server
 * without Materialize's catalog (PostgreSQL, where the tests run these
 * sequences), from pg_class. */
static char *
mztype(struct runner *r)
{
	struct step s;
	char *t = NULL;
	int pg;

	if (r->dry)
		return NULL;
	for (pg = 0; pg < 2; pg++) {
		matstep(&s);
		if (!pg) {
			bufputs(&s.sql, "select o.type from mz_catalog.mz_objects o"
			    " join mz_catalog.mz_schemas s on o.schema_id = s.id"
			    " left join mz_catalog.mz_databases d on s.database_id = d.id where o.name = ");
			qliteral(&s.sql, r->job->ident);
			bufputs(&s.sql, " and s.name = ");
		} else {
			bufputs(&s.sql, "select case c.relkind when 'v' then 'view' when 'm' then"
			    " 'materialized-view' else 'table' end from pg_catalog.pg_class c join"
			    " pg_catalog.pg_namespace s on s.oid = c.relnamespace where c.relname = ");
			qliteral(&s.sql, r->job->ident);
			bufputs(&s.sql, " and s.nspname = ");
		}
		if (r->job->schema)
			qliteral(&s.sql, r->job->schema);
		else
			bufputs(&s.sql, "current_schema()");
		if (r->job->db && !pg) {
			bufputs(&s.sql, " and d.name = ");
			qliteral(&s.sql, r->job->db);
		}
		if (matexec(r, &s) == 0)
			break;
		if (pg || (strcmp(r->out.sqlstate, "3F000") && strcmp(r->out.sqlstate, "42P01")))
			return (char *)-1;
		free(r->err);
		r->err = NULL;
	}
	if (r->out.last && PQntuples(r->out.last) > 0)
		t = xstrdup(PQgetvalue(r->out.last, 0, 0));
	PQclear(r->out.last);
	r->out.last = NULL;
	return t;
}

/* The node's schema, created when missing, as dbt does before a run. */
static int
mzschema(struct runner *r)
{
	struct buf b = {0};
	int rc;

	if (!r->job->schema)
		return 0;
	/* in the database connected to, as the adapter's create_schema */
	bufputs(&b, "create schema if not exists ");
	qident(&b, r->job->schema);
	rc = one(r, b.s, 0, NULL, NULL);
	buffree(&b);
	return rc;
}

/* Drop whatever object has the node's name, by its type, as the adapter's
 * materialize__drop_relation does. */
static int
mzdrop(struct runner *r)
{
	char *t = mztype(r);
	struct buf b = {0};
	int rc = 0;

	if (t == (char *)-1)
		return -1;
	if (r->dry) {
		fprintf(r->dry, "-- when %s exists: drop <its type> if exists %s [cascade]\n",
		    r->job->relation, r->job->relation);
		return 0;
	}
	if (!t)
		return 0;
	if (!strcmp(t, "sink") || !strcmp(t, "index"))
		bufprintf(&b, "drop %s if exists %s", t, r->job->relation);
	else
		bufprintf(&b, "drop %s if exists %s cascade",
		    !strcmp(t, "materialized-view") ? "materialized view" : t, r->job->relation);
	rc = one(r, b.s, 0, NULL, NULL);
	buffree(&b);
	free(t);
	return rc;
}

static int
mzhooks(struct runner *r, const char *kind)
{
	struct step s;

	/* no transactions: every hook runs on its own, outside first */
	if (matouterhooks(r, kind) < 0)
		return -1;
	matstep(&s);
	matnstmts = 0;
	if (mathooks(r, &s, kind, 1) < 0) {
		buffree(&s.sql);
		return -1;
	}
	if (!s.sql.len) {
		buffree(&s.sql);
		return 0;
	}
	return matexec(r, &s);
}

/* indexes: [{columns, name, cluster, default}] */
static int
mzindexes(struct runner *r)
{
	const cJSON *ix, *c;
	struct buf b = {0};
	int rc = 0, first;

	cJSON_ArrayForEach(ix, jobget(r->job, "indexes")) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(ix, "name");
		const cJSON *cl = cJSON_GetObjectItemCaseSensitive(ix, "cluster");
		const char *cluster = cJSON_IsString(cl) ? deployed(r, cl->valuestring) : mzcluster(r);
		b.len = 0;
		bufputs(&b, "create ");
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ix, "default")))
			bufputs(&b, "default ");
		bufputs(&b, "index");
		if (cJSON_IsString(name)) {
			bufputc(&b, ' ');
			qident(&b, name->valuestring);
		}
		if (cluster)
			bufprintf(&b, " in cluster %s", cluster);
		bufprintf(&b, " on %s", r->job->relation);
		first = 1;
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(ix, "columns")) {
			if (!cJSON_IsString(c))
				continue;
			bufprintf(&b, "%s%s", first ? " (" : ", ", c->valuestring);
			first = 0;
		}
		if (!first)
			bufputc(&b, ')');
		if ((rc = one(r, b.s, 0, NULL, NULL)) < 0)
			break;
	}
	buffree(&b);
	return rc;
}

/* Comments one statement each: Materialize takes no batch of them. */
static int
mzdocs(struct runner *r, const char *kind)
{
	const cJSON *pd = jobget(r->job, "persist_docs"), *c, *d;
	const char *desc = jobstr(r->job, "description", NULL);
	struct buf b = {0};
	int rc = 0;

	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(pd, "relation")) && desc && *desc) {
		bufprintf(&b, "comment on %s %s is ", kind, r->job->relation);
		matcomment(&b, desc);
		rc = one(r, b.s, 0, NULL, NULL);
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(pd, "columns")))
		cJSON_ArrayForEach(c, jobget(r->job, "columns")) {
			d = cJSON_GetObjectItemCaseSensitive(c, "description");
			if (rc < 0 || !cJSON_IsString(d) || !c->string)
				continue;
			b.len = 0;
			bufprintf(&b, "comment on column %s.", r->job->relation);
			qident(&b, c->string);
			bufputs(&b, " is ");
			matcomment(&b, d->valuestring);
			rc = one(r, b.s, 0, NULL, NULL);
		}
	buffree(&b);
	return rc;
}

/* refresh_interval: {at, at_creation, every, aligned_to, on_commit} */
static void
mzrefresh(struct buf *b, const struct jobfile *j)
{
	const cJSON *ri = jobget(j, "refresh_interval"), *at, *every, *aligned;
	int n = 0;

	if (!ri)
		return;
	at = cJSON_GetObjectItemCaseSensitive(ri, "at");
	every = cJSON_GetObjectItemCaseSensitive(ri, "every");
	aligned = cJSON_GetObjectItemCaseSensitive(ri, "aligned_to");
	bufputs(b, "\n  with (");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ri, "on_commit"))) {
		bufputs(b, "refresh on commit");
		n++;
	}
	if (cJSON_IsString(at)) {
		bufprintf(b, "%srefresh at ", n++ ? ", " : "");
		qliteral(b, at->valuestring);
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ri, "at_creation")))
		bufprintf(b, "%srefresh at creation", n++ ? ", " : "");
	if (cJSON_IsString(every)) {
		bufprintf(b, "%srefresh every ", n++ ? ", " : "");
		qliteral(b, every->valuestring);
		if (cJSON_IsString(aligned)) {
			bufputs(b, " aligned to ");
			qliteral(b, aligned->valuestring);
		}
	}
	bufputc(b, ')');
}

/* Whether the model's SQL is itself a complete CREATE SOURCE/SINK, as the
 * adapter's older form has it. */
static int
complete(const char *sql, const char *what)
{
	struct buf n = {0};
	int r;

	sqlnorm(sql, strlen(sql), &n);
	r = !strncasecmp(n.s ? n.s : "", "create ", 7) && !strncasecmp(n.s + 7, what, strlen(what));
	buffree(&n);
	return r;
}

/* A materialized view replaced in place, as Materialize replaces one
 * (CREATE REPLACEMENT MATERIALIZED VIEW ... FOR, then ALTER MATERIALIZED
 * VIEW ... APPLY REPLACEMENT, outside any transaction): its dependents
 * and indexes are kept and the difference flows downstream. Applied at
 * once, as dbt-materialize's drop and create are: the view lags until the
 * replacement hydrates, and is never missing. 0 when replaced, 1 when the
 * server refused it (its columns changed, or it does not know
 * replacements): nothing is left of it; -1 with r->err. */
static int
mzreplace(struct runner *r, const char *cl)
{
	struct jobfile *j = r->job;
	char *tmp = suffixed(j->ident, "__dbt_tmp");
	struct buf t = {0}, b = {0};
	int rc = -1;

	matsibling(&t, j, tmp);
	/* one a killed run left */
	bufprintf(&b, "drop materialized view if exists %s", t.s);
	if (one(r, b.s, 0, NULL, NULL) < 0)
		goto out;
	b.len = 0;
	bufprintf(&b, "create replacement materialized view %s for %s", t.s, j->relation);
	if (cl)
		bufprintf(&b, "\n  in cluster %s", cl);
	mzrefresh(&b, j);
	bufputs(&b, "\nas (\n");
	if (one(r, NULL, 1, b.s, "\n)") < 0)
		goto refused;
	b.len = 0;
	bufprintf(&b, "alter materialized view %s apply replacement %s", j->relation, t.s);
	if (one(r, b.s, 0, NULL, NULL) < 0) {
		if (pginterrupted)
			goto out;
		free(r->err);
		r->err = NULL;
		b.len = 0;
		bufprintf(&b, "drop materialized view if exists %s", t.s);
		if (one(r, b.s, 0, NULL, NULL) < 0)
			goto out;
		rc = 1;
		goto out;
	}
	rc = 0;
	goto out;
refused:
	if (!pginterrupted) {
		free(r->err);
		r->err = NULL;
		rc = 1;
	}
out:
	free(tmp);
	buffree(&t);
	buffree(&b);
	return rc;
}

/* A view replaced without cascading: CREATE OR REPLACE VIEW, which
 * Materialize allows only when nothing depends on it. 0 when replaced, 1
 * when the server refused it, -1 with r->err. */
static int
mzreview(struct runner *r)
{
	struct buf b = {0};
	int rc;

	bufprintf(&b, "create or replace view %s\nas (\n", r->job->relation);
	rc = one(r, NULL, 1, b.s, "\n)");
	buffree(&b);
	if (rc == 0)
		return 0;
	if (pginterrupted)
		return -1;
	free(r->err);
	r->err = NULL;
	return 1;
}

/* Whether a model can be tried in place: a materialized view that is
 * there as one, built from a job with this header (only its SQL may have
 * changed: its indexes, cluster, refresh and comments are what they were);
 * a view that is there as one with no index configured. With --dry-run,
 * both, after saying when. */
static int
mzinplace(struct runner *r, int mv)
{
	if (!mv && cJSON_GetArraySize(jobget(r->job, "indexes")))
		return 0;
	if (r->dry) {
		fprintf(r->dry, mv ? "-- when %s is a materialized view built from a job with this "
		    "header (only its SQL changed): replaced in place, its dependents and indexes "
		    "kept\n" : "-- when %s is a view with no index configured: replaced without "
		    "cascading, when nothing depends on it\n", r->job->relation);
		return 1;
	}
	if (r->fullrefresh || !r->was.kind)
		return 0;
	if (mv) {
		if (r->was.kind != 'm' || !r->sameshape) {
			r->why = r->was.kind != 'm' ? "was another kind of relation" :
			    "its config changed";
			return 0;
		}
		return 1;
	}
	return r->was.kind == 'v';
}

static int
mzmodel(struct runner *r)
{
	struct jobfile *j = r->job;
	const char *m = j->materialized, *cl = mzcluster(r);
	struct buf b = {0};
	int rc = -1, mv = !strcmp(m, "materialized_view") || !strcmp(m, "materializedview") ||
	    !strcmp(m, "table");
	int view = !strcmp(m, "view");
	int source = !strcmp(m, "source"), sink = !strcmp(m, "sink");
	int srctable = !strcmp(m, "source_table");
	int kept = 0;

	if (!strcmp(m, "incremental") || !strcmp(m, "snapshot")) {
		r->err = xasprintf("the %s materialization is not supported by dbt-materialize: "
		    "use a materialized view, which Materialize keeps up to date", m);
		return -1;
	}
	if (!mv && !view && !source && !sink && !srctable) {
		r->err = xasprintf("materialization %s is not supported on materialize", m);
		return -1;
	}
	if (mzschema(r) < 0 || mzhooks(r, "pre-hook") < 0)
		goto out;
	if ((mv || view) && mzinplace(r, mv)) {
		if ((rc = mv ? mzreplace(r, cl) : mzreview(r)) < 0)
			goto out;
		if (r->dry) {
			fprintf(r->dry, "-- otherwise, or when the server refuses it (%s): "
			    "dbt-materialize's drop and create\n", mv ?
			    "its columns changed" : "something depends on it");
		} else if (rc == 0) {
			r->inplace = kept = 1;
		} else {
			r->why = mv ? "the server refused the replacement" :
			    "something depends on it";
		}
		rc = -1;
	}
	if (kept)
		goto done;
	if (mzdrop(r) < 0)
		goto out;
	if ((source || sink) && complete(j->sql, source ? "source" : "sink")) {
		/* the older form: the whole statement, sent as written */
		if (one(r, NULL, 1, "", "") < 0)
			goto out;
	} else if (source || sink) {
		bufprintf(&b, "create %s %s", source ? "source" : "sink", j->relation);
		if (cl)
			bufprintf(&b, " in cluster %s", cl);
		bufputc(&b, '\n');
		if (one(r, NULL, 1, b.s, "") < 0)
			goto out;
	} else if (srctable) {
		/* a table fed by a source: FROM SOURCE s (REFERENCE t) */
		bufprintf(&b, "create table %s\n", j->relation);
		if (one(r, NULL, 1, b.s, "") < 0)
			goto out;
	} else if (mv) {
		bufprintf(&b, "create materialized view %s", j->relation);
		if (cl)
			bufprintf(&b, "\n  in cluster %s", cl);
		mzrefresh(&b, j);
		bufputs(&b, "\nas (\n");
		if (one(r, NULL, 1, b.s, "\n)") < 0)
			goto out;
	} else {
		bufprintf(&b, "create view %s\nas (\n", j->relation);
		if (one(r, NULL, 1, b.s, "\n)") < 0)
			goto out;
	}
done:
	/* a materialized view replaced in place keeps its indexes */
	if ((!kept || view) && mzindexes(r) < 0)
		goto out;
	if (mzdocs(r, mv ? "materialized view" : source ? "source" : sink ? "sink" :
	    srctable ? "table" : "view") < 0 || mzhooks(r, "post-hook") < 0)
		goto out;
	/* dropped and created: made anew */
	r->fresh = !kept;
	rc = 0;
out:
	buffree(&b);
	return rc;
}

static int
setcluster(struct runner *r)
{
	const char *cl = mzcluster(r);
	char *q;
	int rc;

	if (!cl)
		return 0;
	q = xasprintf("set cluster = %s", cl);
	rc = one(r, q, 0, NULL, NULL);
	free(q);
	return rc;
}

static int
mzseed(struct runner *r)
{
	struct jobfile *j = r->job;
	struct seed sd;
	struct buf b = {0}, cols = {0};
	struct step s;
	char *t = NULL;
	int rc = -1, full;

	if (matseedload(r, &sd, &cols, &full) < 0)
		goto out;
	if (sd.offsetat) {
		/* dbt-materialize sends it as a timestamptz literal, converted
		 * as Materialize converts one: not done here */
		r->err = xasprintf("%s: a timestamp with a UTC offset: dbt-materialize has "
		    "Materialize convert it, which dbt2ninja does not do on Materialize", sd.offsetat);
		goto out;
	}
	if (mzschema(r) < 0 || mzhooks(r, "pre-hook") < 0)
		goto out;
	t = mztype(r);
	if (t == (char *)-1) {
		t = NULL;
		goto out;
	}
	if (t && strcmp(t, "table")) {
		r->err = xasprintf("cannot seed %s: it is a %s", j->relation, t);
		goto out;
	}
	if (r->dry)
		fprintf(r->dry, "-- when %s exists, a reload: [set cluster = <cluster>;] delete from %s;\n"
		    "-- on a full refresh: drop table if exists %s cascade; then:\n",
		    j->relation, j->relation, j->relation);
	if (t && full) {
		bufprintf(&b, "drop table if exists %s cascade", j->relation);
		if (one(r, b.s, 0, NULL, NULL) < 0)
			goto out;
	}
	if (t && !full) {
		/* Materialize has no TRUNCATE */
		b.len = 0;
		bufprintf(&b, "delete from %s", j->relation);
		if (setcluster(r) < 0 || one(r, b.s, 0, NULL, NULL) < 0)
			goto out;
	} else {
		b.len = 0;
		bufprintf(&b, "create table %s (", j->relation);
		matseedcolumns(&b, j, &sd, 1);
		bufputc(&b, ')');
		if (one(r, b.s, 0, NULL, NULL) < 0)
			goto out;
	}
	matstep(&s);
	matnstmts = 0;
	s.mainstmt = 0;
	b.len = 0;
	bufprintf(&b, "copy %s (%s) from stdin with (format csv)", j->relation, cols.s);
	matstmt(&s, b.s);
	s.copydata = sd.copy.s;
	s.copylen = sd.copy.len;
	if (matexec(r, &s) < 0 || mzdocs(r, "table") < 0 || mzindexes(r) < 0 ||
	    mzhooks(r, "post-hook") < 0)
		goto out;
	rc = 0;
out:
	free(t);
	seedfree(&sd);
	buffree(&b);
	buffree(&cols);
	return rc;
}

int
mzmaterialize(struct runner *r)
{
	matdry = r->dry != NULL;
	/* no catalog to ask which columns exist: any column's description
	 * holding the tag is refused */
	if (strcmp(r->job->type, "test") != 0 && matdocscheck(r, 1) < 0)
		return -1;
	if (!strcmp(r->job->type, "seed"))
		return mzseed(r);
	if (!strcmp(r->job->type, "snapshot")) {
		r->err = xstrdup("the snapshot materialization is not supported by dbt-materialize");
		return -1;
	}
	if (!strcmp(r->job->type, "test")) {
		if (setcluster(r) < 0)
			return -1;
		if (jobbool(r->job, "store_failures", 0)) {
			/* the failures as a materialized view (or a view) */
			const cJSON *limit = jobget(r->job, "limit");
			const char *cl = mzcluster(r);
			int view = !strcmp(jobstr(r->job, "store_failures_as", "table"), "view");
			struct buf pre = {0}, post = {0};
			int rc;
			bufprintf(&pre, "create %s %s", view ? "view" : "materialized view", r->job->relation);
			if (cl && !view)
				bufprintf(&pre, " in cluster %s", cl);
			bufputs(&pre, " as (\n");
			if (cJSON_IsNumber(limit))
				bufprintf(&post, "\nlimit %d", limit->valueint);
			bufputs(&post, "\n)");
			rc = mzschema(r) < 0 || mzdrop(r) < 0 || one(r, NULL, 1, pre.s, post.s) < 0 ? -1 : 0;
			buffree(&pre);
			buffree(&post);
			if (rc < 0)
				return -1;
			r->stored = 1;
		}
		return mattest(r);
	}
	return mzmodel(r);
}

