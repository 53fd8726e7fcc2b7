/* incremental.c: incremental models, as dbt-postgres runs them. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* What dbt-postgres runs an incremental_strategy with, or NULL with r->err:
 * postgres__get_incremental_default_sql chooses for default. */
static const char *
strategyname(struct runner *r)
{
	const cJSON *k = jobget(r->job, "unique_key");
	const char *strat = jobstr(r->job, "incremental_strategy", "default");
	int uk = cJSON_IsString(k) ? k->valuestring[0] != '\0' : cJSON_GetArraySize(k) > 0;

	if (!strcmp(strat, "default"))
		return uk ? "delete+insert" : "append";
	if (!strcmp(strat, "append") || !strcmp(strat, "delete+insert") || !strcmp(strat, "merge"))
		return strat;
	if (!strcmp(strat, "insert_overwrite"))
		r->err = xstrdup("The incremental strategy 'insert_overwrite' is not valid for this adapter");
	else if (!strcmp(strat, "microbatch"))
		r->err = xstrdup("incremental_strategy microbatch: dbt runs such a model batch by batch, "
		    "each with event_time filters on its refs that only dbt renders; run it with dbt");
	else
		r->err = xasprintf("incremental_strategy %s is not one of append, delete+insert, "
		    "merge: a custom strategy's macro (get_incremental_%s_sql) only dbt renders",
		    strat, strat);
	return NULL;
}

/* default__get_merge_update_columns: merge_update_columns as written, or
 * the columns (quoted) but merge_exclude_columns (without case), or all. */
static int
updatecolumns(struct runner *r, struct buf *b, const struct columns *c)
{
	const cJSON *upd = jobget(r->job, "merge_update_columns"), *exc = jobget(r->job, "merge_exclude_columns");
	const cJSON *e;
	size_t i;
	int n = 0;

	if ((upd && !cJSON_IsArray(upd)) || (exc && !cJSON_IsArray(exc))) {
		r->err = xstrdup("merge_update_columns and merge_exclude_columns are lists of columns");
		return -1;
	}
	if (cJSON_GetArraySize(upd) && cJSON_GetArraySize(exc)) {
		r->err = xstrdup("Model cannot specify merge_update_columns and merge_exclude_columns. "
		    "Please update model to use only one config");
		return -1;
	}
	if (cJSON_GetArraySize(upd)) {
		cJSON_ArrayForEach(e, upd) {
			if (!cJSON_IsString(e))
				continue;
			bufprintf(b, "%s%s = DBT_INTERNAL_SOURCE.%s", n++ ? ", " : "", e->valuestring,
			    e->valuestring);
		}
		return 0;
	}
	for (i = 0; i < c->n; i++) {
		int skip = 0;
		cJSON_ArrayForEach(e, exc)
			if (cJSON_IsString(e) && !strcasecmp(e->valuestring, c->v[i].name))
				skip = 1;
		if (skip)
			continue;
		if (n++)
			bufputs(b, ", ");
		qident(b, c->v[i].name);
		bufputs(b, " = DBT_INTERNAL_SOURCE.");
		qident(b, c->v[i].name);
	}
	return 0;
}

/* default__get_merge_sql: the incremental_predicates, then the unique_key
 * matched (each of a list on its own, one key through dbt's equals()), or
 * FALSE; each in parentheses. */
static int
merge(struct runner *r, struct step *s, const char *tmp, const struct columns *c)
{
	const struct jobfile *j = r->job;
	const cJSON *k = jobget(j, "unique_key"), *e;
	int uk = cJSON_IsString(k) ? k->valuestring[0] != '\0' : cJSON_GetArraySize(k) > 0;
	struct buf b = {0}, on = {0}, cols = {0};
	int rc = 0;

	cJSON_ArrayForEach(e, jobget(j, "incremental_predicates"))
		if (cJSON_IsString(e))
			bufprintf(&on, "%s(%s)", on.len ? " and " : "", e->valuestring);
	if (!uk)
		bufprintf(&on, "%s(FALSE)", on.len ? " and " : "");
	else if (cJSON_IsString(k))
		bufprintf(&on, "%s((DBT_INTERNAL_SOURCE.%s = DBT_INTERNAL_DEST.%s))", on.len ? " and " : "",
		    k->valuestring, k->valuestring);
	else
		cJSON_ArrayForEach(e, k)
			if (cJSON_IsString(e))
				bufprintf(&on, "%s(DBT_INTERNAL_SOURCE.%s = DBT_INTERNAL_DEST.%s)",
				    on.len ? " and " : "", e->valuestring, e->valuestring);
	collist(&cols, c, "");
	matheader(s, j);
	bufprintf(&b, "merge into %s as DBT_INTERNAL_DEST\n  using %s as DBT_INTERNAL_SOURCE\n  on %s",
	    j->relation, tmp, on.s);
	if (uk) {
		bufputs(&b, "\n  when matched then update set ");
		if ((rc = updatecolumns(r, &b, c)) < 0)
			goto out;
	}
	bufprintf(&b, "\n  when not matched then insert\n    (%s)\n  values\n    (%s)", cols.s, cols.s);
	s->mainstmt = matnstmts;
	matstmtf(s, &b);
out:
	buffree(&b);
	buffree(&on);
	buffree(&cols);
	return rc;
}

static int
strategy(struct runner *r, struct step *s, const char *tmp, const struct columns *c)
{
	const struct jobfile *j = r->job;
	char *uk = uniquekey(j);
	const char *strat = strategyname(r);
	struct buf b = {0}, cols = {0};
	int rc = 0;

	if (!strat) {
		free(uk);
		return -1;
	}
	if (!strcmp(strat, "merge")) {
		rc = merge(r, s, tmp, c);
		free(uk);
		return rc;
	}
	collist(&cols, c, "");
	if (!strcmp(strat, "delete+insert") && uk) {
		bufprintf(&b, "delete from %s as DBT_INTERNAL_DEST\n  where (%s) in (\n"
		    "    select distinct %s\n    from %s as DBT_INTERNAL_SOURCE\n  )", j->relation,
		    uk, uk, tmp);
		predicates(&b, j);
		matstmtf(s, &b);
	}
	s->mainstmt = matnstmts;
	bufprintf(&b, "insert into %s (%s)\n  (\n    select %s\n    from %s\n  )",
	    j->relation, cols.s, cols.s, tmp);
	matstmtf(s, &b);
	free(uk);
	buffree(&b);
	buffree(&cols);
	return rc;
}

/* The first run: the table created in place, in the transaction
 * matlockedkind opened. */
static int
firstrun(struct runner *r)
{
	struct jobfile *j = r->job;
	struct step s;
	int c;

	matstep(&s);
	matnstmts = 0;
	if (mathooks(r, &s, "pre-hook", 1) < 0)
		goto fail;
	if ((c = matcontract(r, &s)) < 0)
		return -1;
	if (c) {
		matstep(&s);
		matnstmts = 0;
	}
	mattableas(&s, j, j->relation);
	matindexes(&s, j, j->relation);
	return matfinish(r, &s, "table", 0);
fail:
	buffree(&s.sql);
	if (r->conn && PQtransactionStatus(r->conn) == PQTRANS_INTRANS)
		PQclear(PQexec(r->conn, "rollback"));
	return -1;
}

/* The incremental run: the new rows into a temporary table, then merged
 * by the strategy; grants revoked and granted as the config says. */
static int
incrun(struct runner *r)
{
	struct jobfile *j = r->job;
	char *tmp = mattempname(j->ident);
	struct buf t = {0}, b = {0};
	struct columns src = {0}, dst = {0};
	struct step s;
	int rc = -1;

	matstep(&s);
	matnstmts = 0;
	if (mathooks(r, &s, "pre-hook", 1) < 0) {
		buffree(&s.sql);
		goto rollback;
	}
	if ((rc = matcontract(r, &s)) < 0)
		goto out;
	if (rc) {
		matstep(&s);
		matnstmts = 0;
	}
	rc = -1;
	qident(&t, tmp);
	matheader(&s, j);
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
		rc = matfinish(r, &s, "table", 1);
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
	rc = matfinish(r, &s, "table", 1);
	goto out;
rollback:
	if (r->conn && PQtransactionStatus(r->conn) == PQTRANS_INTRANS)
		PQclear(PQexec(r->conn, "rollback"));
out:
	colsfree(&src);
	colsfree(&dst);
	free(tmp);
	buffree(&t);
	buffree(&b);
	return rc;
}

int
pgincremental(struct runner *r)
{
	struct jobfile *j = r->job;
	int kind, full = r->fullrefresh;

	/* as dbt, the strategy is checked first, whatever the run */
	if (!strategyname(r))
		return -1;
	if (jobget(j, "full_refresh"))
		full = jobbool(j, "full_refresh", 0);
	if (r->dry)
		fprintf(r->dry, "-- on a full refresh, or when %s is a view:\n", j->relation);
	if (full || r->dry) {
		int rc = matswap(r, KTABLE);
		if (rc < 0 || !r->dry)
			return rc;
		fprintf(r->dry, "-- otherwise, once the node's lock is taken:\n");
	}
	if (matouterhooks(r, "pre-hook") < 0)
		return -1;
	/* whether it exists is read under the lock: two first runs at once
	 * take turns, and the second finds the first's table */
	if ((kind = matlockedkind(r, j->ident)) < 0)
		return -1;
	if (r->dry) {
		fprintf(r->dry, "-- when it does not exist:\n");
		if (firstrun(r) < 0)
			return -1;
		fprintf(r->dry, "-- when it is a table:\n");
		return incrun(r);
	}
	if (kind == 0)
		return firstrun(r);
	if (kind == 'v') {
		/* a view: replaced by a table, as on a full refresh */
		PQclear(PQexec(r->conn, "rollback"));
		return matswapin(r, KTABLE);
	}
	return incrun(r);
}
