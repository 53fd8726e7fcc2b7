/* incremental.c: incremental models, as dbt-postgres runs them. */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbtcolumn.h"
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

static int
contracted(const struct jobfile *j)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(jobget(j, "contract"), "enforced"));
}

/* postgres__get_columns_in_relation of the node's table, or of the
 * temporary table tmp, in the node's open transaction. */
static int
readcols(struct runner *r, const char *tmp, struct dbtcols *c)
{
	const struct jobfile *j = r->job;
	struct step s;

	dbtcolsfree(c);
	matstep(&s);
	dbtcolquery(&s.sql, j->db, j->schema, tmp ? tmp : j->ident, tmp != NULL);
	s.mainstmt = INT_MAX;
	s.transactional = 1;
	if (matexec(r, &s) < 0)
		return -1;
	dbtcolsfrom(r->out.last, c);
	PQclear(r->out.last);
	r->out.last = NULL;
	return 0;
}

/* default__alter_column_type: a new column of the type, the values copied
 * (assigned, so cast as an assignment casts), the old column dropped with
 * what depends on it, the new one renamed: the column moves to the end. */
static void
altertype(struct step *s, const struct jobfile *j, const char *col, const char *type)
{
	struct buf b = {0}, tmp = {0}, c = {0};
	char *t = xasprintf("%s__dbt_alter", col);

	qident(&tmp, t);
	qident(&c, col);
	bufprintf(&b, "alter table %s add column %s %s", j->relation, tmp.s, type);
	matstmtf(s, &b);
	bufprintf(&b, "update %s set %s = %s", j->relation, tmp.s, c.s);
	matstmtf(s, &b);
	bufprintf(&b, "alter table %s drop column %s cascade", j->relation, c.s);
	matstmtf(s, &b);
	bufprintf(&b, "alter table %s rename column %s to %s", j->relation, tmp.s, c.s);
	matstmtf(s, &b);
	free(t);
	buffree(&b);
	buffree(&tmp);
	buffree(&c);
}

/* Send the alters of s, if any, in the node's transaction. */
static int
sendalters(struct runner *r, struct step *s)
{
	if (!s->sql.len) {
		buffree(&s->sql);
		return 0;
	}
	s->mainstmt = INT_MAX;
	s->transactional = 1;
	return matexec(r, s);
}

/* adapter.expand_target_column_types (SQLAdapter.expand_column_types):
 * each column of the new rows, in their order, whose namesake in the table
 * is a string column that can expand to it (Column.can_expand_to) is
 * altered to character varying(its string_size). */
static int
expandtypes(struct runner *r, const char *tmp)
{
	struct dbtcols src = {0}, dst = {0};
	struct step s;
	struct buf ty = {0};
	const struct dbtcol *d;
	size_t i;
	int rc = -1;

	if (readcols(r, tmp, &src) < 0 || readcols(r, NULL, &dst) < 0)
		goto out;
	matstep(&s);
	for (i = 0; i < src.n; i++) {
		if (!(d = dbtcolfind(&dst, src.v[i].name)) || !dbtcolcanexpand(d, &src.v[i]))
			continue;
		ty.len = 0;
		bufprintf(&ty, "character varying(%ld)", dbtcolstringsize(&src.v[i]));
		altertype(&s, r->job, d->name, ty.s);
	}
	rc = sendalters(r, &s);
out:
	buffree(&ty);
	dbtcolsfree(&src);
	dbtcolsfree(&dst);
	return rc;
}

/* A list of columns as dbt's messages show it: Python's repr(). */
static void
reprlist(struct buf *b, const struct dbtcol *const *v, size_t n)
{
	size_t i;

	bufputc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			bufputs(b, ", ");
		dbtcolrepr(b, v[i]);
	}
	bufputc(b, ']');
}

struct changes {
	const struct dbtcol **added, **removed, **retyped;	/* retyped: the table's */
	char **newtype;
	size_t nadded, nremoved, nretyped;
};

static void
changesfree(struct changes *c)
{
	size_t i;

	for (i = 0; i < c->nretyped; i++)
		free(c->newtype[i]);
	free(c->added);
	free(c->removed);
	free(c->retyped);
	free(c->newtype);
}

/* default__check_for_schema_changes: the new rows' columns the table
 * lacks, the table's the new rows lack (by name, exactly), and those whose
 * data_type differs where the new rows' column cannot expand to the
 * table's (default__diff_column_data_types). */
static void
diffcols(const struct dbtcols *src, const struct dbtcols *dst, struct changes *c)
{
	struct buf ty = {0}, td = {0};
	const struct dbtcol *d;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->added = xcalloc(src->n + 1, sizeof(*c->added));
	c->retyped = xcalloc(src->n + 1, sizeof(*c->retyped));
	c->newtype = xcalloc(src->n + 1, sizeof(*c->newtype));
	c->removed = xcalloc(dst->n + 1, sizeof(*c->removed));
	for (i = 0; i < src->n; i++) {
		if (!(d = dbtcolfind(dst, src->v[i].name))) {
			c->added[c->nadded++] = &src->v[i];
			continue;
		}
		ty.len = td.len = 0;
		dbtcoltype(&ty, &src->v[i]);
		dbtcoltype(&td, d);
		if (strcmp(ty.s, td.s) && !dbtcolcanexpand(&src->v[i], d)) {
			c->retyped[c->nretyped] = d;
			c->newtype[c->nretyped++] = xstrdup(ty.s);
		}
	}
	for (i = 0; i < dst->n; i++)
		if (!dbtcolfind(src, dst->v[i].name))
			c->removed[c->nremoved++] = &dst->v[i];
	buffree(&ty);
	buffree(&td);
}

/* dbt's message of on_schema_change: fail. */
static char *
failmsg(const struct changes *c)
{
	struct buf b = {0};
	size_t i;

	bufputs(&b, "The source and target schemas on this incremental model are out of sync!\n"
	    "They can be reconciled in several ways:\n"
	    "  - set the `on_schema_change` config to either append_new_columns or "
	    "sync_all_columns, depending on your situation.\n"
	    "  - Re-run the incremental model with `full_refresh: True` to update the target schema.\n"
	    "  - update the schema manually and re-run the process.\n\n"
	    "Additional troubleshooting context:\n   Source columns not in target: ");
	reprlist(&b, c->added, c->nadded);
	bufputs(&b, "\n   Target columns not in source: ");
	reprlist(&b, c->removed, c->nremoved);
	bufputs(&b, "\n   New column types: [");
	for (i = 0; i < c->nretyped; i++) {
		bufputs(&b, i ? ", {'column_name': " : "{'column_name': ");
		bufprintf(&b, "'%s', 'new_type': '%s'}", c->retyped[i]->name, c->newtype[i]);
	}
	bufputc(&b, ']');
	return b.s;
}

/* default__alter_relation_add_remove_columns: one statement. */
static void
addremove(struct step *s, const struct jobfile *j, const struct changes *c, int remove)
{
	struct buf b = {0};
	size_t i, n = 0;

	bufprintf(&b, "alter table %s", j->relation);
	for (i = 0; i < c->nadded; i++) {
		bufputs(&b, n++ ? ",\n    add column " : "\n    add column ");
		qident(&b, c->added[i]->name);
		bufputc(&b, ' ');
		dbtcoltype(&b, c->added[i]);
	}
	for (i = 0; remove && i < c->nremoved; i++) {
		bufputs(&b, n++ ? ",\n    drop column " : "\n    drop column ");
		qident(&b, c->removed[i]->name);
	}
	matstmtf(s, &b);
	buffree(&b);
}

/* default__process_schema_changes, after the widening: the columns the
 * strategy inserts (dest), or -1 with r->err. ignore (and any value dbt
 * does not know) leaves the table as it is and inserts its columns; the
 * others insert the new rows' columns, after a fail has failed on any
 * change, append_new_columns has added the new ones, sync_all_columns has
 * also dropped the missing ones and retyped the changed ones. */
static int
schemachange(struct runner *r, const char *tmp, struct dbtcols *dest)
{
	const char *osc = jobstr(r->job, "on_schema_change", "ignore");
	int fail = !strcmp(osc, "fail"), append = !strcmp(osc, "append_new_columns");
	int sync = !strcmp(osc, "sync_all_columns");
	struct dbtcols dst = {0};
	struct changes c;
	struct step s;
	size_t i;
	int rc = -1;

	if (!fail && !append && !sync)
		return readcols(r, NULL, dest);
	if (readcols(r, tmp, dest) < 0 || readcols(r, NULL, &dst) < 0) {
		dbtcolsfree(&dst);
		return -1;
	}
	diffcols(dest, &dst, &c);
	if (!c.nadded && !c.nremoved && !c.nretyped)
		rc = 0;
	else if (fail) {
		r->err = failmsg(&c);
		PQclear(PQexec(r->conn, "rollback"));
	} else {
		matstep(&s);
		if (c.nadded || (sync && c.nremoved))
			addremove(&s, r->job, &c, sync);
		for (i = 0; sync && i < c.nretyped; i++)
			altertype(&s, r->job, c.retyped[i]->name, c.newtype[i]);
		rc = sendalters(r, &s);
	}
	changesfree(&c);
	dbtcolsfree(&dst);
	return rc;
}

/* get_quoted_csv of the columns' names. */
static void
names(struct buf *b, const struct dbtcols *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (i)
			bufputs(b, ", ");
		qident(b, c->v[i].name);
	}
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
updatecolumns(struct runner *r, struct buf *b, const struct dbtcols *c)
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
merge(struct runner *r, struct step *s, const char *tmp, const struct dbtcols *c)
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
	names(&cols, c);
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
strategy(struct runner *r, struct step *s, const char *tmp, const struct dbtcols *c)
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
	names(&cols, c);
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

/* What --dry-run shows of the steps between the temporary table and the
 * strategy, which depend on the columns read then. */
static void
dryrun(struct runner *r, const char *tmp)
{
	const struct jobfile *j = r->job;
	struct buf b = {0};
	struct step s;

	fputs("-- then the columns of both, as dbt reads them:\n", r->dry);
	dbtcolquery(&b, j->db, j->schema, tmp, 1);
	fprintf(r->dry, "%s;\n", b.s);
	b.len = 0;
	dbtcolquery(&b, j->db, j->schema, j->ident, 0);
	fprintf(r->dry, "%s;\n", b.s);
	if (!contracted(j)) {
		fputs("-- each string column of the table narrower than the new rows' widened:\n", r->dry);
		matstep(&s);
		altertype(&s, j, "<column>", "character varying(<size>)");
		fputs(s.sql.s, r->dry);
		buffree(&s.sql);
	}
	fprintf(r->dry, "-- then on_schema_change (%s), and:\n", jobstr(j, "on_schema_change", "ignore"));
	buffree(&b);
}

/* The incremental run: the new rows into a temporary table; the table's
 * string columns widened to them; on_schema_change; then the strategy,
 * grants revoked and granted as the config says. */
static int
incrun(struct runner *r)
{
	struct jobfile *j = r->job;
	char *tmp = mattempname(j->ident);
	struct buf t = {0}, b = {0};
	struct dbtcols dest = {0};
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
	if (j->incrsql) {
		/* the form rendered with is_incremental() true */
		const char *sql = j->sql;
		int line = j->sqlline;
		j->sql = j->incrsql;
		j->sqlline = j->incrline;
		matmainsql(&s, j, b.s, "\n  )");
		j->sql = sql;
		j->sqlline = line;
	} else
		matmainsql(&s, j, b.s, "\n  )");
	s.mainstmt = -1;
	if (r->dry) {
		fputs(s.sql.s, r->dry);
		buffree(&s.sql);
		dryrun(r, tmp);
		dest.n = 1;
		dest.v = xcalloc(1, sizeof(*dest.v));
		dest.v[0].name = xstrdup("<columns>");
		dest.v[0].dtype = xstrdup("");
		matstep(&s);
		matnstmts = 0;
		if (strategy(r, &s, t.s, &dest) < 0) {
			buffree(&s.sql);
			goto out;
		}
		rc = matfinish(r, &s, "table", 1);
		goto out;
	}
	s.transactional = 1;
	if (matexec(r, &s) < 0)
		goto out;
	/* as dbt, not with an enforced contract, which has checked the types */
	if (!contracted(j) && expandtypes(r, tmp) < 0)
		goto out;
	if (schemachange(r, tmp, &dest) < 0)
		goto out;
	matstep(&s);
	matnstmts = 0;
	if (strategy(r, &s, t.s, &dest) < 0) {
		buffree(&s.sql);
		goto rollback;
	}
	rc = matfinish(r, &s, "table", 1);
	goto out;
rollback:
	if (r->conn && PQtransactionStatus(r->conn) == PQTRANS_INTRANS)
		PQclear(PQexec(r->conn, "rollback"));
out:
	dbtcolsfree(&dest);
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
