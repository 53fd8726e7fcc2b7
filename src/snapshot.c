/* snapshot.c: snapshots, as dbt-postgres takes them. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "matstep.h"

/* Snapshots (dbt's timestamp and check strategies, postgres' merge). */
struct snap {
	const char *updated;	/* an SQL expression */
	char *changed;		/* row_changed, over snapshotted_data and source_data */
	/* the unique_key, one expression or several (dbt >= 1.9): as the
	 * staging table's dbt_unique_key[_N] columns, their join, the column
	 * that is null when a join finds no row, and the scd_id's hash input */
	char *fields, *join, *hash;
	const char *key;
};

static void
snapfree(struct snap *sn)
{
	free(sn->changed);
	free(sn->fields);
	free(sn->join);
	free(sn->hash);
	memset(sn, 0, sizeof(*sn));
}

static int
snapkey(struct runner *r, struct snap *sn)
{
	const cJSON *uk = jobget(r->job, "unique_key"), *k;
	struct buf f = {0}, jn = {0}, h = {0}, col = {0};
	int list, n = 0, bad;

	if (cJSON_IsArray(uk) && cJSON_GetArraySize(uk) == 1)
		uk = cJSON_GetArrayItem(uk, 0);
	list = cJSON_IsArray(uk);
	bad = list ? cJSON_GetArraySize(uk) == 0 : !cJSON_IsString(uk);
	for (k = list ? uk->child : NULL; k; k = k->next)
		bad |= !cJSON_IsString(k);
	if (bad) {
		r->err = xstrdup("a snapshot needs a unique_key: a column or expression, or a list of them");
		return -1;
	}
	/* one key is dbt_unique_key; a list's are dbt_unique_key_1, _2, ... */
	sn->key = list ? "dbt_unique_key_1" : "dbt_unique_key";
	for (k = list ? uk->child : uk; k; k = list ? k->next : NULL) {
		col.len = 0;
		bufputs(&col, "dbt_unique_key");
		if (list)
			bufprintf(&col, "_%d", ++n);
		bufprintf(&f, "%s%s as %s", f.len ? ", " : "", k->valuestring, col.s);
		bufprintf(&jn, "%ssnapshotted_data.%s = source_data.%s", jn.len ? " and " : "",
		    col.s, col.s);
		bufprintf(&h, "%scoalesce(cast(%s as varchar ), '')", h.len ? " || '|' || " : "",
		    k->valuestring);
	}
	buffree(&col);
	sn->fields = f.s;
	sn->join = jn.s;
	sn->hash = h.s;
	return 0;
}

static int
snapshotplan(struct runner *r, struct snap *sn, const struct columns *query)
{
	const struct jobfile *j = r->job;
	const char *strat = jobstr(j, "strategy", "timestamp");
	const cJSON *cc = jobget(j, "check_cols"), *c;
	struct buf b = {0};
	size_t i;

	if (snapkey(r, sn) < 0)
		return -1;
	if (!strcmp(strat, "timestamp")) {
		sn->updated = jobstr(j, "updated_at", NULL);
		if (!sn->updated) {
			r->err = xstrdup("the timestamp strategy needs updated_at");
			return -1;
		}
		sn->changed = xasprintf("(snapshotted_data.dbt_valid_from < source_data.%s)", sn->updated);
		return 0;
	}
	if (strcmp(strat, "check")) {
		r->err = xasprintf("snapshot strategy %s is not timestamp or check", strat);
		return -1;
	}
	sn->updated = "now()::timestamp without time zone";
	bufputs(&b, "");
#define CHANGED(col) bufprintf(&b, "%s(snapshotted_data.%s != source_data.%s\n" \
	    "  or (snapshotted_data.%s is null and not source_data.%s is null)\n" \
	    "  or (not snapshotted_data.%s is null and source_data.%s is null))", \
	    b.len ? "\n  or " : "", col, col, col, col, col, col)
	if (cJSON_IsString(cc) && !strcmp(cc->valuestring, "all")) {
		struct buf q = {0};
		for (i = 0; query && i < query->n; i++) {
			q.len = 0;
			qident(&q, query->v[i].name);
			CHANGED(q.s);
		}
		buffree(&q);
		if (!query)
			CHANGED("<each column>");
	} else {
		cJSON_ArrayForEach(c, cc)
			if (cJSON_IsString(c))
				CHANGED(c->valuestring);
	}
#undef CHANGED
	if (!b.len) {
		r->err = xstrdup("the check strategy needs check_cols");
		buffree(&b);
		return -1;
	}
	sn->changed = xasprintf("(%s)", b.s);
	buffree(&b);
	return 0;
}

static char *
scdid(const struct snap *sn)
{
	return xasprintf("md5(%s || '|' || coalesce(cast(%s as varchar ), ''))", sn->hash, sn->updated);
}

int
pgsnapshot(struct runner *r)
{
	struct jobfile *j = r->job;
	const cJSON *hd = jobget(j, "hard_deletes");
	int kind = matrelkind(r, j->ident);
	int deletes = jobbool(j, "invalidate_hard_deletes", 0) ||
	    (cJSON_IsString(hd) && !strcmp(hd->valuestring, "invalidate"));
	char *tmp = mattempname(j->ident), *id = NULL;
	struct snap sn = {0};
	struct columns query = {0}, src = {0}, dst = {0};
	struct buf b = {0}, t = {0};
	struct step s;
	size_t i;
	int rc = -1;

	if (kind < 0)
		goto out;
	if (r->dry)
		fprintf(r->dry, "-- when %s does not exist:\n", j->relation);
	if (kind == 0) {
		if (snapshotplan(r, &sn, NULL) < 0)
			goto out;
		id = scdid(&sn);
		matstep(&s);
		matnstmts = 0;
		matbegin(&s, j);
		bufprintf(&b, "create table %s as (\n  select *,\n    %s as dbt_scd_id,\n"
		    "    %s as dbt_updated_at,\n    %s as dbt_valid_from,\n"
		    "    nullif(%s, %s) as dbt_valid_to\n  from (\n", j->relation, id,
		    sn.updated, sn.updated, sn.updated, sn.updated);
		matmainsql(&s, j, b.s, "\n  ) sbq\n)");
		matindexes(&s, j, j->relation);
		matgrants(&s, j);
		matrecord(r, &s);
		matstmt(&s, "commit");
		s.transactional = 1;
		rc = matexec(r, &s);
		if (!r->dry)
			goto out;
		snapfree(&sn);
		free(id);
		id = NULL;
		b.len = 0;
		fprintf(r->dry, "-- otherwise:\n");
	}
	if (!r->dry) {
		/* the query's columns, for check_cols: all */
		matstep(&s);
		bufputs(&s.sql, "select * from (\n");
		s.sqloff = (int)s.sql.len;
		s.sqllen = (int)strlen(j->sql);
		bufputs(&s.sql, j->sql);
		bufputs(&s.sql, "\n) sbq where false limit 0");
		if (matexec(r, &s) < 0)
			goto out;
		query.n = (size_t)PQnfields(r->out.last);
		query.v = xcalloc(query.n, sizeof(*query.v));
		for (i = 0; i < query.n; i++) {
			query.v[i].name = xstrdup(PQfname(r->out.last, (int)i));
			query.v[i].type = xstrdup("");
		}
		PQclear(r->out.last);
		r->out.last = NULL;
	}
	if (snapshotplan(r, &sn, r->dry ? NULL : &query) < 0)
		goto out;
	id = scdid(&sn);
	qident(&t, tmp);
	matstep(&s);
	matnstmts = 0;
	matbegin(&s, j);
	bufprintf(&b, "create temporary table %s as (\nwith snapshot_query as (\n", t.s);
	{
		struct buf post = {0};
		bufprintf(&post, "\n),\nsnapshotted_data as (\n  select *, %s\n"
		    "  from %s\n  where dbt_valid_to is null\n),\n"
		    "insertions_source_data as (\n  select *, %s,\n"
		    "    %s as dbt_updated_at,\n    %s as dbt_valid_from,\n"
		    "    nullif(%s, %s) as dbt_valid_to,\n    %s as dbt_scd_id\n"
		    "  from snapshot_query\n),\n"
		    "updates_source_data as (\n  select *, %s,\n"
		    "    %s as dbt_updated_at,\n    %s as dbt_valid_from,\n    %s as dbt_valid_to\n"
		    "  from snapshot_query\n),\n",
		    sn.fields, j->relation, sn.fields, sn.updated, sn.updated, sn.updated, sn.updated, id,
		    sn.fields, sn.updated, sn.updated, sn.updated);
		if (deletes)
			bufprintf(&post, "deletes_source_data as (\n  select *, %s\n"
			    "  from snapshot_query\n),\n", sn.fields);
		bufprintf(&post, "insertions as (\n  select 'insert' as dbt_change_type, source_data.*\n"
		    "  from insertions_source_data as source_data\n"
		    "  left outer join snapshotted_data\n"
		    "    on %s\n"
		    "  where snapshotted_data.%s is null\n"
		    "    or (snapshotted_data.%s is not null and %s)\n),\n"
		    "updates as (\n  select 'update' as dbt_change_type, source_data.*,"
		    " snapshotted_data.dbt_scd_id\n"
		    "  from updates_source_data as source_data\n  join snapshotted_data\n"
		    "    on %s\n"
		    "  where %s\n)", sn.join, sn.key, sn.key, sn.changed, sn.join, sn.changed);
		if (deletes)
			bufprintf(&post, ",\ndeletes as (\n  select 'delete' as dbt_change_type, source_data.*,\n"
			    "    %s as dbt_valid_from,\n    %s as dbt_updated_at,\n"
			    "    %s as dbt_valid_to,\n    snapshotted_data.dbt_scd_id\n"
			    "  from snapshotted_data\n  left join deletes_source_data as source_data\n"
			    "    on %s\n"
			    "  where source_data.%s is null\n)",
			    "now()::timestamp without time zone", "now()::timestamp without time zone",
			    "now()::timestamp without time zone", sn.join, sn.key);
		bufprintf(&post, "\nselect * from insertions\nunion all\nselect * from updates%s\n)",
		    deletes ? "\nunion all\nselect * from deletes" : "");
		matmainsql(&s, j, b.s, post.s);
		buffree(&post);
	}
	s.mainstmt = -1;
	if (r->dry) {
		fputs(s.sql.s, r->dry);
		buffree(&s.sql);
		fprintf(r->dry, "-- then new columns added, and:\n");
		matstep(&s);
		matnstmts = 0;
	} else {
		if (matstaged(r, &s, t.s, &src, &dst) < 0)
			goto out;
		b.len = 0;
		matstep(&s);
		matnstmts = 0;
		for (i = 0; i < src.n; i++) {
			if (colfind(&dst, src.v[i].name) || !strcmp(src.v[i].name, "dbt_change_type") ||
			    !strncmp(src.v[i].name, "dbt_unique_key", 14))
				continue;
			bufprintf(&b, "alter table %s add column ", j->relation);
			qident(&b, src.v[i].name);
			bufprintf(&b, " %s", src.v[i].type);
			matstmtf(&s, &b);
			dst.v = xreallocarray(dst.v, dst.n + 1, sizeof(*dst.v));
			dst.v[dst.n].name = xstrdup(src.v[i].name);
			dst.v[dst.n++].type = xstrdup(src.v[i].type);
		}
	}
	bufprintf(&b, "update %s as DBT_INTERNAL_DEST\nset dbt_valid_to = DBT_INTERNAL_SOURCE.dbt_valid_to\n"
	    "from %s as DBT_INTERNAL_SOURCE\n"
	    "where DBT_INTERNAL_SOURCE.dbt_scd_id::text = DBT_INTERNAL_DEST.dbt_scd_id::text\n"
	    "  and DBT_INTERNAL_SOURCE.dbt_change_type::text in ('update'::text, 'delete'::text)\n"
	    "  and DBT_INTERNAL_DEST.dbt_valid_to is null", j->relation, t.s);
	matstmtf(&s, &b);
	{
		struct buf cols = {0}, srccols = {0};
		if (r->dry) {
			bufputs(&cols, "<columns>");
			bufputs(&srccols, "DBT_INTERNAL_SOURCE.<columns>");
		} else {
			collist(&cols, &dst, "");
			collist(&srccols, &dst, "DBT_INTERNAL_SOURCE.");
		}
		s.mainstmt = matnstmts;
		bufprintf(&b, "insert into %s (%s)\nselect %s\nfrom %s as DBT_INTERNAL_SOURCE\n"
		    "where DBT_INTERNAL_SOURCE.dbt_change_type::text = 'insert'::text",
		    j->relation, cols.s, srccols.s, t.s);
		matstmtf(&s, &b);
		buffree(&cols);
		buffree(&srccols);
	}
	matgrants(&s, j);
	matrecord(r, &s);
	matstmt(&s, "commit");
	s.transactional = 1;
	rc = matexec(r, &s);
out:
	colsfree(&query);
	colsfree(&src);
	colsfree(&dst);
	snapfree(&sn);
	free(id);
	free(tmp);
	buffree(&b);
	buffree(&t);
	return rc;
}
