/* swap.c: views, tables and materialized views, as dbt-postgres builds
 * them: beside the old relation, then swapped in by renames. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "matstep.h"

static int
contracted(const struct jobfile *j)
{
	const cJSON *c = jobget(j, "contract");

	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "enforced")) &&
	    cJSON_GetArraySize(jobget(j, "columns")) > 0;
}

/* A contract's constraint as dbt renders it for postgres, which enforces
 * them all: after its column (model 0), or after the columns (model 1).
 * One that says too little to render is left out, as dbt leaves it. */
static void
constraint(struct buf *b, const cJSON *k, int model)
{
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "type"));
	const char *expr = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "expression"));
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "name"));
	const char *to = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "to"));
	struct buf cols = {0}, tocols = {0}, sql = {0};
	const cJSON *c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(k, "columns"))
		if (cJSON_IsString(c))
			bufprintf(&cols, "%s%s", cols.len ? ", " : "", c->valuestring);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(k, "to_columns"))
		if (cJSON_IsString(c))
			bufprintf(&tocols, "%s%s", tocols.len ? ", " : "", c->valuestring);
	bufputs(&sql, "");
	if (!type) {
		/* nothing to render */
	} else if (!strcmp(type, "check") && expr) {
		bufprintf(&sql, "check (%s)", expr);
	} else if (!strcmp(type, "custom") && expr) {
		bufputs(&sql, expr);
	} else if (!strcmp(type, "foreign_key") && ((to && tocols.len) || expr)) {
		if (model)
			bufprintf(&sql, "foreign key (%s) ", cols.len ? cols.s : "");
		if (to && tocols.len)
			bufprintf(&sql, "references %s (%s)", to, tocols.s);
		else
			bufprintf(&sql, "references %s", expr);
	} else if (!model && !strcmp(type, "not_null")) {
		bufputs(&sql, "not null");
		if (expr)
			bufprintf(&sql, " %s", expr);
	} else if (!strcmp(type, "unique") || !strcmp(type, "primary_key")) {
		bufputs(&sql, !strcmp(type, "unique") ? "unique" : "primary key");
		if (expr)
			bufprintf(&sql, " %s", expr);
		if (model)
			bufprintf(&sql, " (%s)", cols.len ? cols.s : "");
	}
	if (sql.len) {
		bufputs(b, model ? ", " : " ");
		if (model && name)
			bufprintf(b, "constraint %s ", name);
		bufputs(b, sql.s);
	}
	buffree(&cols);
	buffree(&tocols);
	buffree(&sql);
}

/* The statements that create a table from the node's SQL: as dbt-postgres'
 * create_table_as, with an enforced contract's declared columns and
 * constraints first, then the rows. */
void
mattableas(struct step *s, const struct jobfile *j, const char *rel)
{
	struct buf b = {0}, cols = {0};
	const cJSON *c, *k;
	const char *unlogged = jobbool(j, "unlogged", 0) ? "unlogged " : "";

	if (!contracted(j)) {
		bufprintf(&b, "create %stable %s\n  as\n(\n", unlogged, rel);
		matmainsql(s, j, b.s, "\n)");
		buffree(&b);
		return;
	}
	bufprintf(&b, "create %stable %s (", unlogged, rel);
	cJSON_ArrayForEach(c, jobget(j, "columns")) {
		const cJSON *dt = cJSON_GetObjectItemCaseSensitive(c, "data_type");
		size_t at;
		if (!c->string || !cJSON_IsString(dt))
			continue;
		if (cols.len) {
			bufputs(&cols, ", ");
			bufputs(&b, ", ");
		}
		at = cols.len;
		/* as dbt names them: quoted only with quote: true */
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "quote")))
			qident(&cols, c->string);
		else
			bufputs(&cols, c->string);
		bufprintf(&b, "%s %s", cols.s + at, dt->valuestring);
		cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(c, "constraints"))
			constraint(&b, k, 0);
	}
	cJSON_ArrayForEach(k, jobget(j, "constraints"))
		constraint(&b, k, 1);
	bufputc(&b, ')');
	matstmtf(s, &b);
	bufprintf(&b, "insert into %s (%s)\n(\n  select %s\n  from (\n", rel, cols.s, cols.s);
	matmainsql(s, j, b.s, "\n  ) as model_subq\n)");
	buffree(&b);
	buffree(&cols);
}

/* view and table: build beside, swap by renames, drop the old one, all in
 * one transaction. */
static int
swapstep(struct runner *r, struct step *s, int kind, int anykind)
{
	struct jobfile *j = r->job;
	char *tmp = suffixed(j->ident, "__dbt_tmp"), *bak = suffixed(j->ident, "__dbt_backup");
	struct buf t = {0}, b = {0};
	int rc = -1;

	matstep(s);
	matnstmts = 0;
	matsibling(&t, j, tmp);
	matbegin(s, j);
	matdrop(s, j, tmp, kind, anykind);
	matdrop(s, j, bak, kind, anykind);
	if (mathooks(r, s, "pre-hook", 1) < 0)
		goto out;
	if (kind == KTABLE) {
		mattableas(s, j, t.s);
		matindexes(s, j, t.s);
	} else if (kind == KMATVIEW) {
		bufprintf(&b, "create materialized view %s\n  as (\n", t.s);
		matmainsql(s, j, b.s, "\n  )");
		matindexes(s, j, t.s);
	} else {
		bufprintf(&b, "create view %s\n  as (\n", t.s);
		matmainsql(s, j, b.s, "\n  )");
	}
	b.len = 0;
	bufprintf(&b, "alter table if exists %s rename to ", j->relation);
	qident(&b, bak);
	matstmtf(s, &b);
	bufprintf(&b, "alter table %s rename to ", t.s);
	qident(&b, j->ident);
	matstmtf(s, &b);
	if (kind != KVIEW && mathooks(r, s, "post-hook", 1) < 0)
		goto out;
	matgrants(s, j);
	matpersistdocs(s, j, matrelword[kind]);
	if (kind == KVIEW && mathooks(r, s, "post-hook", 1) < 0)
		goto out;
	/* the old relation goes in the same transaction: no backup is ever
	 * left behind, whenever the run is killed */
	matdrop(s, j, bak, kind, anykind);
	matrecord(r, s);
	matstmt(s, "commit");
	s->transactional = 1;
	rc = 0;
out:
	if (rc < 0)
		buffree(&s->sql);
	free(tmp);
	free(bak);
	buffree(&t);
	buffree(&b);
	return rc;
}

int
matswap(struct runner *r, int kind)
{
	struct step s;
	int rc;

	if (matouterhooks(r, "pre-hook") < 0)
		return -1;
	if (swapstep(r, &s, kind, 0) < 0)
		return -1;
	rc = matexec(r, &s);
	if (rc < 0 && !strcmp(r->out.sqlstate, "42809") && !pginterrupted) {
		/* a view where a table was, or the other way round */
		free(r->err);
		r->err = NULL;
		if (swapstep(r, &s, kind, 1) < 0)
			return -1;
		rc = matexec(r, &s);
	}
	if (rc < 0)
		return -1;
	return matouterhooks(r, "post-hook");
}

/* A materialized view, as dbt-postgres: refreshed when only its parents
 * changed (its job is the one it was last built from), else built anew
 * and swapped in like a table, so that readers never see it missing. */
int
pgmatview(struct runner *r)
{
	struct step s;
	struct buf b = {0};
	int kind = matrelkind(r, r->job->ident);

	if (kind < 0)
		return -1;
	if (r->dry)
		fprintf(r->dry, "-- when %s is a materialized view built from this job (a parent "
		    "changed):\n", r->job->relation);
	if (r->dry || (kind == 'm' && r->samejob && !r->fullrefresh)) {
		if (matouterhooks(r, "pre-hook") < 0)
			return -1;
		matstep(&s);
		matnstmts = 0;
		matbegin(&s, r->job);
		if (mathooks(r, &s, "pre-hook", 1) < 0) {
			buffree(&s.sql);
			return -1;
		}
		s.mainstmt = matnstmts;
		bufprintf(&b, "refresh materialized view %s", r->job->relation);
		matstmtf(&s, &b);
		buffree(&b);
		if (matfinish(r, &s, "materialized view") < 0)
			return -1;
		if (!r->dry)
			return 0;
		fprintf(r->dry, "-- otherwise:\n");
	}
	return matswap(r, KMATVIEW);
}
