/* incremental.c: incremental models, as dbt-postgres runs them. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "matstep.h"

/* The unique_key as SQL: a column expression or a list of them. */
static char *
uniquekey(const struct jobfile *j)
{
	const cJSON *k = jobget(j, "unique_key"), *e;
	struct buf b = {0};

	if (cJSON_IsString(k))
		return xstrdup(k->valuestring);
	if (!cJSON_IsArray(k) || !cJSON_GetArraySize(k))
		return NULL;
	cJSON_ArrayForEach(e, k) {
		if (!cJSON_IsString(e))
			continue;
		if (b.len)
			bufputs(&b, ", ");
		bufputs(&b, e->valuestring);
	}
	return b.s;
}

/* on_schema_change: compare the new rows' columns with the table's. */
static int
schemachange(struct runner *r, struct step *s, const struct columns *src,
    struct columns *dst)
{
	const char *osc = jobstr(r->job, "on_schema_change", "ignore");
	struct buf b = {0};
	struct column *d;
	size_t i, added = 0, removed = 0, changed = 0;

	for (i = 0; i < src->n; i++) {
		d = colfind(dst, src->v[i].name);
		if (!d)
			added++;
		else if (strcmp(d->type, src->v[i].type))
			changed++;
	}
	for (i = 0; i < dst->n; i++)
		if (!colfind(src, dst->v[i].name))
			removed++;
	if (!added && !removed && !changed)
		return 0;
	if (!strcmp(osc, "fail")) {
		r->err = xasprintf("the source and target schemas of this incremental model "
		    "are out of sync (%zu new, %zu removed, %zu changed columns); "
		    "on_schema_change is fail: rebuild it with full_refresh", added, removed, changed);
		return -1;
	}
	if (strcmp(osc, "append_new_columns") && strcmp(osc, "sync_all_columns"))
		return 0;
	for (i = 0; i < src->n; i++) {
		if (colfind(dst, src->v[i].name))
			continue;
		bufprintf(&b, "alter table %s add column ", r->job->relation);
		qident(&b, src->v[i].name);
		bufprintf(&b, " %s", src->v[i].type);
		matstmtf(s, &b);
	}
	if (!strcmp(osc, "sync_all_columns")) {
		for (i = 0; i < dst->n; i++) {
			if (colfind(src, dst->v[i].name))
				continue;
			bufprintf(&b, "alter table %s drop column ", r->job->relation);
			qident(&b, dst->v[i].name);
			matstmtf(s, &b);
		}
		for (i = 0; i < src->n; i++) {
			d = colfind(dst, src->v[i].name);
			if (!d || !strcmp(d->type, src->v[i].type))
				continue;
			bufprintf(&b, "alter table %s alter column ", r->job->relation);
			qident(&b, src->v[i].name);
			bufprintf(&b, " type %s using ", src->v[i].type);
			qident(&b, src->v[i].name);
			bufprintf(&b, "::%s", src->v[i].type);
			matstmtf(s, &b);
		}
	}
	/* the insert takes the new rows' columns, which the table now has */
	colsfree(dst);
	dst->n = src->n;
	dst->v = xcalloc(src->n, sizeof(*dst->v));
	for (i = 0; i < src->n; i++) {
		dst->v[i].name = xstrdup(src->v[i].name);
		dst->v[i].type = xstrdup(src->v[i].type);
	}
	buffree(&b);
	return 0;
}

static void
predicates(struct buf *b, const struct jobfile *j)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, jobget(j, "incremental_predicates"))
		if (cJSON_IsString(p))
			bufprintf(b, "\n    and %s", p->valuestring);
}

static int
strategy(struct runner *r, struct step *s, const char *tmp, const struct columns *c)
{
	const struct jobfile *j = r->job;
	char *uk = uniquekey(j);
	const char *strat = jobstr(j, "incremental_strategy", uk ? "delete+insert" : "append");
	struct buf b = {0}, cols = {0}, src = {0};
	size_t i;
	int rc = 0;

	collist(&cols, c, "");
	collist(&src, c, "DBT_INTERNAL_SOURCE.");
	if (!strcmp(strat, "default"))
		strat = uk ? "delete+insert" : "append";
	if (!strcmp(strat, "delete+insert") && uk) {
		bufprintf(&b, "delete from %s as DBT_INTERNAL_DEST\n  where (%s) in (\n"
		    "    select distinct %s\n    from %s as DBT_INTERNAL_SOURCE\n  )", j->relation,
		    uk, uk, tmp);
		predicates(&b, j);
		matstmtf(s, &b);
		strat = "append";
	}
	if (!strcmp(strat, "append") || !strcmp(strat, "delete+insert")) {
		s->mainstmt = matnstmts;
		bufprintf(&b, "insert into %s (%s)\n  (\n    select %s\n    from %s\n  )",
		    j->relation, cols.s, cols.s, tmp);
		matstmtf(s, &b);
	} else if (!strcmp(strat, "merge") || !strcmp(strat, "microbatch")) {
		const cJSON *k = jobget(j, "unique_key"), *e;
		s->mainstmt = matnstmts;
		bufprintf(&b, "merge into %s as DBT_INTERNAL_DEST\n  using %s as DBT_INTERNAL_SOURCE\n  on ",
		    j->relation, tmp);
		if (cJSON_IsString(k)) {
			bufprintf(&b, "(DBT_INTERNAL_SOURCE.%s = DBT_INTERNAL_DEST.%s)", k->valuestring, k->valuestring);
		} else if (cJSON_GetArraySize(k)) {
			int first = 1;
			cJSON_ArrayForEach(e, k) {
				if (!cJSON_IsString(e))
					continue;
				bufprintf(&b, "%s(DBT_INTERNAL_SOURCE.%s = DBT_INTERNAL_DEST.%s)",
				    first ? "" : " and ", e->valuestring, e->valuestring);
				first = 0;
			}
		} else {
			bufputs(&b, "(FALSE)");
		}
		predicates(&b, j);
		if (uk) {
			bufputs(&b, "\n  when matched then update set ");
			for (i = 0; i < c->n; i++) {
				if (i)
					bufputs(&b, ", ");
				qident(&b, c->v[i].name);
				bufputs(&b, " = DBT_INTERNAL_SOURCE.");
				qident(&b, c->v[i].name);
			}
		}
		bufprintf(&b, "\n  when not matched then insert (%s)\n  values (%s)", cols.s, src.s);
		matstmtf(s, &b);
	} else {
		r->err = xasprintf("incremental_strategy %s is not one of append, "
		    "delete+insert, merge, microbatch", strat);
		rc = -1;
	}
	free(uk);
	buffree(&b);
	buffree(&cols);
	buffree(&src);
	return rc;
}

int
pgincremental(struct runner *r)
{
	struct jobfile *j = r->job;
	int kind = matrelkind(r, j->ident), full;
	char *tmp = mattempname(j->ident);
	struct buf t = {0}, b = {0};
	struct columns src = {0}, dst = {0};
	struct step s;
	int rc = -1;

	if (kind < 0)
		goto out;
	full = r->fullrefresh;
	if (jobget(j, "full_refresh"))
		full = jobbool(j, "full_refresh", 0);
	if (r->dry)
		fprintf(r->dry, "-- when %s does not exist, or on a full refresh:\n", j->relation);
	if (kind == 0 || full || kind == 'v') {
		if (kind == 0 && !r->dry) {
			/* first run: create the table in place */
			if (matouterhooks(r, "pre-hook") < 0)
				goto out;
			matstep(&s);
			matnstmts = 0;
			matbegin(&s, j);
			if (mathooks(r, &s, "pre-hook", 1) < 0) {
				buffree(&s.sql);
				goto out;
			}
			mattableas(&s, j, j->relation);
			matindexes(&s, j, j->relation);
			rc = matfinish(r, &s, "table");
			goto out;
		}
		rc = matswap(r, KTABLE);
		if (!r->dry)
			goto out;
		fprintf(r->dry, "-- otherwise:\n");
	}
	/* the incremental run: new rows into a temporary table, then merged */
	if (matouterhooks(r, "pre-hook") < 0)
		goto out;
	matstep(&s);
	matnstmts = 0;
	matbegin(&s, j);
	if (mathooks(r, &s, "pre-hook", 1) < 0) {
		buffree(&s.sql);
		goto out;
	}
	qident(&t, tmp);
	bufprintf(&b, "create temporary table %s\n  as (\n", t.s);
	matmainsql(&s, j, b.s, "\n  )");
	s.mainstmt = -1;
	if (r->dry) {
		fputs(s.sql.s, r->dry);
		buffree(&s.sql);
		fprintf(r->dry, "-- then, with the columns of both, on_schema_change, and:\n");
		src.n = 1;
		src.v = xcalloc(1, sizeof(*src.v));
		src.v[0].name = xstrdup("<columns>");
		src.v[0].type = xstrdup("");
		matstep(&s);
		matnstmts = 0;
		if (strategy(r, &s, t.s, &src) < 0) {
			buffree(&s.sql);
			goto out;
		}
		matgrants(&s, j);
		matpersistdocs(&s, j, "table");
		matstmt(&s, "commit");
		rc = matexec(r, &s);
		goto out;
	}
	if (matstaged(r, &s, t.s, &src, &dst) < 0)
		goto out;
	matstep(&s);
	matnstmts = 0;
	if (schemachange(r, &s, &src, &dst) < 0 || strategy(r, &s, t.s, &dst) < 0) {
		buffree(&s.sql);
		goto rollback;
	}
	rc = matfinish(r, &s, "table");
	goto out;
rollback:
	PQclear(PQexec(r->conn, "rollback"));
out:
	colsfree(&src);
	colsfree(&dst);
	free(tmp);
	buffree(&t);
	buffree(&b);
	return rc;
}
