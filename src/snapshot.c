/* snapshot.c: snapshots, as dbt-postgres takes them (dbt-adapters'
 * snapshots/{snapshot,helpers,strategies}.sql and postgres'
 * snapshot_merge.sql): the statements are dbt's, the introspection it
 * does (the query's columns, the snapshot's, the staging table's) is done
 * the same way, inside the node's transaction, after its lock. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "matstep.h"

#define NOW "now()::timestamp without time zone"

enum { IGNORE, INVALIDATE, NEWRECORD };

struct snap {
	/* snapshot_meta_column_names, defaulted as dbt's
	 * snapshot_table_column_names: valid from, valid to, scd id,
	 * updated at, is deleted */
	const char *vf, *vt, *scd, *ua, *del;
	const char *current;	/* dbt_valid_to_current, or NULL */
	int hard;		/* hard_deletes: IGNORE, INVALIDATE, NEWRECORD */
	int check;		/* the check strategy (else timestamp) */
	const char *updated;	/* strategy.updated_at: an SQL expression */
	const cJSON *key;	/* unique_key: a string, or a list (dbt >= 1.9) */
	int nkeys;		/* 0 for a string, else the list's length */
	char *fields;		/* unique_key_fields */
	char *join;		/* unique_key_join_on snapshotted_data, source_data */
	char *scdid;		/* strategy.scd_id */
	char *changed;		/* strategy.row_changed */
};

static void
snapfree(struct snap *sn)
{
	free(sn->fields);
	free(sn->join);
	free(sn->scdid);
	free(sn->changed);
	memset(sn, 0, sizeof(*sn));
}

/* The name of key N (from 1) in the staging table. */
static void
keycol(struct buf *b, const struct snap *sn, int n)
{
	if (sn->nkeys)
		bufprintf(b, "dbt_unique_key_%d", n);
	else
		bufputs(b, "dbt_unique_key");
}

static const char *
metaname(const struct jobfile *j, const char *key)
{
	const cJSON *m = jobget(j, "snapshot_meta_column_names");
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, key));

	return v && *v ? v : key;
}

static int
hardmode(struct runner *r, struct snap *sn)
{
	const cJSON *legacy = jobget(r->job, "invalidate_hard_deletes");
	const cJSON *hd = jobget(r->job, "hard_deletes");
	const char *mode = cJSON_GetStringValue(hd);

	if (legacy && !cJSON_IsNull(legacy) && hd && !cJSON_IsNull(hd)) {
		r->err = xstrdup("You cannot set both the invalidate_hard_deletes and hard_deletes "
		    "config properties on the same snapshot.");
		return -1;
	}
	if (cJSON_IsTrue(legacy) || (mode && !strcmp(mode, "invalidate")))
		sn->hard = INVALIDATE;
	else if (mode && !strcmp(mode, "new_record"))
		sn->hard = NEWRECORD;
	else if (!hd || cJSON_IsNull(hd) || (mode && !strcmp(mode, "ignore")))
		sn->hard = IGNORE;
	else {
		r->err = xstrdup("Invalid setting for property hard_deletes.");
		return -1;
	}
	return 0;
}

/* unique_key_fields, unique_key_join_on and the scd_id's hash
 * (snapshot_hash_arguments over the keys and updated_at). */
static int
snapkey(struct runner *r, struct snap *sn)
{
	const cJSON *uk = jobget(r->job, "unique_key"), *k;
	struct buf f = {0}, jn = {0}, h = {0}, col = {0};
	int list = cJSON_IsArray(uk), n = 0, bad;

	bad = list ? cJSON_GetArraySize(uk) == 0 : !cJSON_IsString(uk);
	for (k = list ? uk->child : NULL; k; k = k->next)
		bad |= !cJSON_IsString(k);
	if (bad) {
		r->err = xstrdup("a snapshot needs a unique_key: a column or expression, or a list of them");
		return -1;
	}
	sn->key = uk;
	sn->nkeys = list ? cJSON_GetArraySize(uk) : 0;
	for (k = list ? uk->child : uk; k; k = list ? k->next : NULL) {
		col.len = 0;
		keycol(&col, sn, ++n);
		bufprintf(&f, "%s%s as %s", f.len ? ", " : "", k->valuestring, col.s);
		/* dbt's equals() for a list's keys, a plain = for one key */
		if (list)
			bufprintf(&jn, "%s(snapshotted_data.%s = source_data.%s)", jn.len ? " and " : "",
			    col.s, col.s);
		else
			bufprintf(&jn, "snapshotted_data.%s = source_data.%s", col.s, col.s);
		bufprintf(&h, "coalesce(cast(%s as varchar ), '') || '|' || ", k->valuestring);
	}
	sn->fields = f.s;
	sn->join = jn.s;
	sn->scdid = xasprintf("md5(%scoalesce(cast(%s as varchar ), ''))", h.s, sn->updated);
	buffree(&h);
	buffree(&col);
	return 0;
}

/* What the job says, checked before anything is sent. */
static int
snapconfig(struct runner *r, struct snap *sn)
{
	const struct jobfile *j = r->job;
	const char *strat = jobstr(j, "strategy", "timestamp");
	const cJSON *cc = jobget(j, "check_cols");

	sn->vf = metaname(j, "dbt_valid_from");
	sn->vt = metaname(j, "dbt_valid_to");
	sn->scd = metaname(j, "dbt_scd_id");
	sn->ua = metaname(j, "dbt_updated_at");
	sn->del = metaname(j, "dbt_is_deleted");
	sn->current = jobstr(j, "dbt_valid_to_current", NULL);
	if (sn->current && !*sn->current)
		sn->current = NULL;
	if (jobget(j, "contract")) {
		r->err = xstrdup("an enforced contract on a snapshot is not supported");
		return -1;
	}
	if (hardmode(r, sn) < 0)
		return -1;
	if (!strcmp(strat, "timestamp")) {
		sn->updated = jobstr(j, "updated_at", NULL);
		if (!sn->updated) {
			r->err = xstrdup("the timestamp strategy needs updated_at");
			return -1;
		}
	} else if (!strcmp(strat, "check")) {
		sn->check = 1;
		sn->updated = jobstr(j, "updated_at", NULL);
		if (!sn->updated || !*sn->updated)
			sn->updated = NOW;
		if (!(cJSON_IsString(cc) && !strcmp(cc->valuestring, "all")) &&
		    !(cJSON_IsArray(cc) && cJSON_GetArraySize(cc) > 0)) {
			r->err = xstrdup("the check strategy needs check_cols: \"all\" or a list of columns");
			return -1;
		}
		for (cc = cJSON_IsArray(cc) ? cc->child : NULL; cc; cc = cc->next)
			if (!cJSON_IsString(cc)) {
				r->err = xstrdup("check_cols must be \"all\" or a list of columns");
				return -1;
			}
	} else {
		r->err = xasprintf("snapshot strategy %s is not timestamp or check", strat);
		return -1;
	}
	return snapkey(r, sn);
}

/* Roll back the node's transaction after a failure of ours. */
static int
abandon(struct runner *r)
{
	if (r->conn && PQtransactionStatus(r->conn) == PQTRANS_INTRANS)
		PQclear(PQexec(r->conn, "rollback"));
	return -1;
}

/* The names of a query's columns, as get_columns_in_query finds them
 * (pre and post around the node's SQL). */
static int
querycols(struct runner *r, const char *pre, const char *post, struct columns *c)
{
	struct step s;
	int i;

	matstep(&s);
	bufprintf(&s.sql, "select * from (\n%s", pre);
	s.sqloff = (int)s.sql.len;
	s.sqllen = (int)strlen(r->job->sql);
	bufputs(&s.sql, r->job->sql);
	bufprintf(&s.sql, "%s\n) as __dbt_sbq\nwhere false\nlimit 0", post);
	if (matexec(r, &s) < 0)
		return -1;
	c->n = (size_t)PQnfields(r->out.last);
	c->v = xcalloc(c->n, sizeof(*c->v));
	for (i = 0; i < (int)c->n; i++) {
		c->v[i].name = xstrdup(PQfname(r->out.last, i));
		c->v[i].type = xstrdup("");
	}
	PQclear(r->out.last);
	r->out.last = NULL;
	return 0;
}

/* dbt-postgres' Column.data_type, from information_schema's description. */
static char *
dbttype(const PGresult *res, int row)
{
	const char *dt = PQgetvalue(res, row, 1);
	int sized = !PQgetisnull(res, row, 2);

	if (!strcmp(dt, "text") || (!strcmp(dt, "character varying") && !sized))
		return xstrdup(dt);
	if (!strcmp(dt, "character varying") || !strcmp(dt, "character") || !strcmp(dt, "varchar"))
		return xasprintf("character varying(%s)", sized ? PQgetvalue(res, row, 2) : "256");
	if ((!strcmp(dt, "numeric") || !strcmp(dt, "decimal")) && !PQgetisnull(res, row, 3) &&
	    !PQgetisnull(res, row, 4))
		return xasprintf("%s(%s,%s)", dt, PQgetvalue(res, row, 3), PQgetvalue(res, row, 4));
	return xstrdup(dt);
}

/* A string type's size as dbt's Column.string_size, or -1. */
static long
strsize(const char *type)
{
	if (!strcmp(type, "text") || !strcmp(type, "character varying"))
		return 256;
	if (!strncmp(type, "character varying(", 18))
		return strtol(type + 18, NULL, 10);
	return -1;
}

/* The columns of the node's relation (or of the temporary table tmp) as
 * get_columns_in_relation reads them, with dbt's data types. */
static int
relcols(struct runner *r, const char *tmp, struct columns *c)
{
	struct step s;
	int i;

	matstep(&s);
	bufputs(&s.sql, "select column_name, data_type, character_maximum_length, numeric_precision,"
	    " numeric_scale\nfrom information_schema.columns\nwhere table_schema = ");
	if (tmp)
		bufputs(&s.sql, "(select nspname from pg_catalog.pg_namespace"
		    " where oid = pg_catalog.pg_my_temp_schema())");
	else if (r->job->schema)
		qliteral(&s.sql, r->job->schema);
	else
		bufputs(&s.sql, "current_schema()");
	bufputs(&s.sql, " and table_name = ");
	qliteral(&s.sql, tmp ? tmp : r->job->ident);
	bufputs(&s.sql, "\norder by ordinal_position");
	if (matexec(r, &s) < 0)
		return -1;
	c->n = (size_t)PQntuples(r->out.last);
	c->v = xcalloc(c->n, sizeof(*c->v));
	for (i = 0; i < (int)c->n; i++) {
		c->v[i].name = xstrdup(PQgetvalue(r->out.last, i, 0));
		c->v[i].type = dbttype(r->out.last, i);
	}
	PQclear(r->out.last);
	r->out.last = NULL;
	return 0;
}

static int
hascol(const struct columns *c, const char *name)
{
	return colfind(c, name) != NULL;
}

/* name among the columns' names in lower case (dbt's check of its own
 * columns; fold: name lowered too) */
static int
haslower(const struct columns *c, const char *name, int fold)
{
	size_t i, k;

	for (i = 0; i < c->n; i++) {
		const char *a = c->v[i].name;
		for (k = 0; a[k] && name[k]; k++)
			if (tolower((unsigned char)a[k]) !=
			    (fold ? tolower((unsigned char)name[k]) : (unsigned char)name[k]))
				break;
		if (!a[k] && !name[k])
			return 1;
	}
	return 0;
}

/* assert_valid_snapshot_target_given_strategy: the snapshot's own
 * columns are there. */
static int
validtarget(struct runner *r, const struct snap *sn, const struct columns *dst)
{
	const char *want[] = {sn->scd, sn->vf, sn->vt};
	struct buf b = {0};
	size_t i;

	for (i = 0; i < 3; i++)
		if (!haslower(dst, want[i], 1))
			bufprintf(&b, "%s%s", b.len ? "\", \"" : "", want[i]);
	if (!b.len && sn->hard == NEWRECORD && !haslower(dst, sn->del, 0))
		bufputs(&b, sn->del);
	if (!b.len)
		return 0;
	r->err = xasprintf("Snapshot target is missing configured columns (missing \"%s\"). See "
	    "https://docs.getdbt.com/docs/build/snapshots#snapshot-meta-fields for more information.",
	    b.s);
	buffree(&b);
	return -1;
}

/* One check column's comparison, as snapshot_check_strategy writes it. */
static void
changedcol(struct buf *b, const char *col)
{
	bufprintf(b, "%ssnapshotted_data.%s != source_data.%s\n  or\n  (\n"
	    "    ((snapshotted_data.%s is null) and not (source_data.%s is null))\n  or\n"
	    "    ((not snapshotted_data.%s is null) and (source_data.%s is null))\n  )",
	    b->len > 1 ? " or " : "", col, col, col, col, col, col);
}

/* strategy.row_changed. For the check strategy, the check columns the
 * snapshot has, found as snapshot_check_all_get_existing_columns does: a
 * column it does not have yet makes every row changed. */
static int
rowchanged(struct runner *r, struct snap *sn, const struct columns *dst)
{
	const cJSON *cc = jobget(r->job, "check_cols"), *c;
	struct columns q = {0};
	struct buf b = {0}, pre = {0}, col = {0};
	size_t i;
	int added = 0;

	if (!sn->check) {
		sn->changed = xasprintf("(snapshotted_data.%s < source_data.%s)", sn->vf, sn->updated);
		return 0;
	}
	bufputs(&b, "(");
	if (r->dry) {
		if (cJSON_IsString(cc)) {
			changedcol(&b, "<each column of the query>");
		} else {
			cJSON_ArrayForEach(c, cc) {
				col.len = 0;
				qident(&col, c->valuestring);
				changedcol(&b, col.s);
			}
		}
		goto done;
	}
	if (cJSON_IsArray(cc)) {
		bufputs(&pre, "select ");
		cJSON_ArrayForEach(c, cc)
			bufprintf(&pre, "%s%s", c == cc->child ? "" : ", ", c->valuestring);
		bufputs(&pre, " from (\n");
	}
	if (querycols(r, pre.len ? pre.s : "", pre.len ? "\n) subq" : "", &q) < 0) {
		buffree(&b);
		buffree(&pre);
		return -1;
	}
	for (i = 0; i < q.n; i++)
		if (!hascol(dst, q.v[i].name))
			added = 1;
	if (added) {
		bufputs(&b, "TRUE");
	} else {
		for (i = 0; i < q.n; i++) {
			col.len = 0;
			qident(&col, q.v[i].name);
			changedcol(&b, col.s);
		}
	}
	colsfree(&q);
done:
	bufputs(&b, ")");
	sn->changed = b.s;
	buffree(&pre);
	buffree(&col);
	return 0;
}

/* The sql_header, sent with the statement that creates the table. */
static void
header(struct buf *b, const struct jobfile *j)
{
	const char *h = jobstr(j, "sql_header", NULL);

	if (h)
		bufprintf(b, "%s\n", h);
}

/* get_dbt_valid_to_current */
static void
validto(struct buf *b, const struct snap *sn)
{
	bufprintf(b, "coalesce(nullif(%s, %s), %s) as %s", sn->updated, sn->updated,
	    sn->current ? sn->current : "null", sn->vt);
}

/* build_snapshot_table, in create_table_as. */
static void
firstsql(struct step *s, const struct jobfile *j, const struct snap *sn)
{
	struct buf b = {0};

	header(&b, j);
	bufprintf(&b, "create %stable %s\n  as\n(\n  select *,\n    %s as %s,\n    %s as %s,\n"
	    "    %s as %s,\n    ", jobbool(j, "unlogged", 0) ? "unlogged " : "", j->relation,
	    sn->scdid, sn->scd, sn->updated, sn->ua, sn->updated, sn->vf);
	validto(&b, sn);
	if (sn->hard == NEWRECORD)
		bufprintf(&b, ",\n    'False' as %s", sn->del);
	bufputs(&b, "\n  from (\n");
	matmainsql(s, j, b.s, "\n  ) sbq\n)");
	buffree(&b);
}

/* The test that a row is the current one, on the snapshot (whose name
 * is rel), with dbt_valid_to_current: as snapshotted_data (staged),
 * postgres' merge (merge) or the deletes (neither). */
static void
current(struct buf *b, const struct snap *sn, const char *rel, int form)
{
	if (!sn->current)
		bufprintf(b, "%s%s is null", rel, sn->vt);
	else if (form == 's')
		bufprintf(b, "( (%s = %s) or %s is null )", sn->vt, sn->current, sn->vt);
	else if (form == 'm')
		bufprintf(b, "(%s%s = %s or %s%s is null)", rel, sn->vt, sn->current, rel, sn->vt);
	else
		bufprintf(b, "%s%s = %s", rel, sn->vt, sn->current);
}

/* The source's rows with no current row: deletes and deletion_records. */
static void
vanished(struct buf *b, const struct snap *sn)
{
	struct buf k = {0};

	keycol(&k, sn, 1);
	bufprintf(b, "  from snapshotted_data\n  left join deletes_source_data as source_data\n"
	    "    on %s\n  where source_data.%s is null", sn->join, k.s);
	if (sn->hard == NEWRECORD) {
		bufprintf(b, "\n    and not (\n      snapshotted_data.%s = 'True'\n      and\n      ",
		    sn->del);
		current(b, sn, "snapshotted_data.", 'd');
		bufputs(b, "\n    )");
	}
	buffree(&k);
}

/* deletion_records: a deleted key's last row again, marked deleted. The
 * query's columns (qcols) come from the snapshot when it has them. */
static void
deletionrecords(struct buf *b, const struct snap *sn, const struct columns *qcols,
    const struct columns *dst)
{
	const cJSON *k;
	size_t i;
	int n = 0;

	bufputs(b, ",\ndeletion_records as (\n  select\n    'insert' as dbt_change_type,");
	for (i = 0; qcols && i < qcols->n; i++) {
		bufprintf(b, " %s.", hascol(dst, qcols->v[i].name) ? "snapshotted_data" : "source_data");
		qident(b, qcols->v[i].name);
		bufputc(b, ',');
	}
	if (!qcols)
		bufputs(b, " snapshotted_data.<each column of the query>,");
	if (sn->nkeys) {
		cJSON_ArrayForEach(k, sn->key)
			bufprintf(b, " snapshotted_data.%s as dbt_unique_key_%d,", k->valuestring, ++n);
	} else {
		bufputs(b, " snapshotted_data.dbt_unique_key as dbt_unique_key,");
	}
	bufprintf(b, "\n    %s as %s,\n    %s as %s,\n    snapshotted_data.%s as %s,\n"
	    "    md5(coalesce(cast(%s as varchar ), '') || '|' || coalesce(cast(%s as varchar ), ''))"
	    " as %s,\n    'True' as %s\n", NOW, sn->vf, NOW, sn->ua, sn->vt, sn->vt, sn->scd, NOW,
	    sn->scd, sn->del);
	vanished(b, sn);
	bufputs(b, "\n)");
}

/* snapshot_staging_table, in create_table_as of the temporary table t. */
static void
stagingsql(struct step *s, const struct jobfile *j, const struct snap *sn, const char *t,
    const struct columns *qcols, const struct columns *dst)
{
	struct buf pre = {0}, b = {0}, k = {0};
	const char *isdel = "";
	char *ors = NULL;
	int deletes = sn->hard != IGNORE;

	keycol(&k, sn, 1);
	if (sn->hard == NEWRECORD)
		ors = xasprintf(" or snapshotted_data.%s = 'True'", sn->del);
	header(&pre, j);
	bufprintf(&pre, "create temporary table %s\n  as\n(\nwith snapshot_query as (\n", t);
	bufprintf(&b, "\n),\nsnapshotted_data as (\n  select *, %s\n  from %s\n  where ", sn->fields,
	    j->relation);
	current(&b, sn, "", 's');
	bufprintf(&b, "\n),\ninsertions_source_data as (\n  select *, %s,\n    %s as %s,\n"
	    "    %s as %s,\n    ", sn->fields, sn->updated, sn->ua, sn->updated, sn->vf);
	validto(&b, sn);
	bufprintf(&b, ",\n    %s as %s\n  from snapshot_query\n),\n"
	    "updates_source_data as (\n  select *, %s,\n    %s as %s,\n    %s as %s,\n"
	    "    %s as %s\n  from snapshot_query\n),\n", sn->scdid, sn->scd, sn->fields,
	    sn->updated, sn->ua, sn->updated, sn->vf, sn->updated, sn->vt);
	if (deletes)
		bufprintf(&b, "deletes_source_data as (\n  select *, %s\n  from snapshot_query\n),\n",
		    sn->fields);
	if (sn->hard == NEWRECORD)
		isdel = xasprintf(", snapshotted_data.%s", sn->del);
	bufprintf(&b, "insertions as (\n  select\n    'insert' as dbt_change_type,\n"
	    "    source_data.*");
	if (sn->hard == NEWRECORD)
		bufprintf(&b, ", 'False' as %s", sn->del);
	bufprintf(&b, "\n  from insertions_source_data as source_data\n"
	    "  left outer join snapshotted_data\n    on %s\n"
	    "  where snapshotted_data.%s is null\n"
	    "    or (snapshotted_data.%s is not null and (\n      %s%s\n    ))\n),\n"
	    "updates as (\n  select\n    'update' as dbt_change_type,\n    source_data.*,\n"
	    "    snapshotted_data.%s%s\n"
	    "  from updates_source_data as source_data\n  join snapshotted_data\n    on %s\n"
	    "  where (\n    %s%s\n  )\n)", sn->join, k.s, k.s, sn->changed, ors ? ors : "",
	    sn->scd, isdel, sn->join, sn->changed, ors ? ors : "");
	if (deletes) {
		bufprintf(&b, ",\ndeletes as (\n  select\n    'delete' as dbt_change_type,\n"
		    "    source_data.*,\n    %s as %s,\n    %s as %s,\n    %s as %s,\n"
		    "    snapshotted_data.%s%s\n", NOW, sn->vf, NOW, sn->ua, NOW, sn->vt, sn->scd, isdel);
		vanished(&b, sn);
		bufputs(&b, "\n)");
	}
	if (sn->hard == NEWRECORD)
		deletionrecords(&b, sn, qcols, dst);
	bufputs(&b, "\nselect * from insertions\nunion all\nselect * from updates");
	if (deletes)
		bufputs(&b, "\nunion all\nselect * from deletes");
	if (sn->hard == NEWRECORD)
		bufputs(&b, "\nunion all\nselect * from deletion_records");
	bufputs(&b, "\n)");
	matmainsql(s, j, pre.s, b.s);
	if (sn->hard == NEWRECORD)
		free((char *)isdel);
	free(ors);
	buffree(&pre);
	buffree(&b);
	buffree(&k);
}

/* The staging table's columns the snapshot never takes. */
static int
staged(const struct snap *sn, const char *name)
{
	int i;

	if (!strcmp(name, "dbt_change_type") || !strcmp(name, "DBT_CHANGE_TYPE") ||
	    !strcmp(name, "dbt_unique_key") || !strcmp(name, "DBT_UNIQUE_KEY"))
		return 1;
	for (i = 1; i <= sn->nkeys; i++) {
		char a[40], b[40];
		snprintf(a, sizeof(a), "dbt_unique_key_%d", i);
		snprintf(b, sizeof(b), "DBT_UNIQUE_KEY_%d", i);
		if (!strcmp(name, a) || !strcmp(name, b))
			return 1;
	}
	return 0;
}

/* expand_target_column_types (a string column of the snapshot narrower
 * than the staging table's is widened, by dbt's alter_column_type), then
 * create_columns for the columns the snapshot lacks. */
static void
widen(struct step *s, const struct jobfile *j, const struct snap *sn, const struct columns *src,
    const struct columns *dst)
{
	struct buf b = {0}, c = {0}, tmpc = {0};
	struct column *d;
	long from, to;
	size_t i;

	for (i = 0; i < src->n; i++) {
		c.len = tmpc.len = 0;
		qident(&c, src->v[i].name);
		if (!(d = colfind(dst, src->v[i].name))) {
			if (staged(sn, src->v[i].name))
				continue;
			bufprintf(&b, "alter table %s add column %s %s", j->relation, c.s, src->v[i].type);
			matstmtf(s, &b);
			continue;
		}
		from = strsize(d->type);
		to = strsize(src->v[i].type);
		if (from < 0 || to <= from)
			continue;
		{
			char *alter = xasprintf("%s__dbt_alter", src->v[i].name);
			qident(&tmpc, alter);
			free(alter);
		}
		bufprintf(&b, "alter table %s add column %s character varying(%ld);\n"
		    "update %s set %s = %s;\nalter table %s drop column %s cascade;\n"
		    "alter table %s rename column %s to %s", j->relation, tmpc.s, to, j->relation,
		    tmpc.s, c.s, j->relation, c.s, j->relation, tmpc.s, c.s);
		matstmtf(s, &b);
	}
	buffree(&b);
	buffree(&c);
	buffree(&tmpc);
}

/* postgres__snapshot_merge_sql, with the staging table's columns. */
static void
merge(struct step *s, const struct jobfile *j, const struct snap *sn, const char *t,
    const struct columns *src)
{
	struct buf b = {0}, cols = {0}, vals = {0};
	char *rel = xasprintf("%s.", j->relation);
	size_t i;

	bufprintf(&b, "update %s\nset %s = DBT_INTERNAL_SOURCE.%s\nfrom %s as DBT_INTERNAL_SOURCE\n"
	    "where DBT_INTERNAL_SOURCE.%s::text = %s.%s::text\n"
	    "  and DBT_INTERNAL_SOURCE.dbt_change_type::text in ('update'::text, 'delete'::text)\n"
	    "  and ", j->relation, sn->vt, sn->vt, t, sn->scd, j->relation, sn->scd);
	current(&b, sn, rel, 'm');
	matstmtf(s, &b);
	for (i = 0; src && i < src->n; i++) {
		if (staged(sn, src->v[i].name))
			continue;
		if (cols.len) {
			bufputs(&cols, ", ");
			bufputs(&vals, ", ");
		}
		qident(&cols, src->v[i].name);
		bufputs(&vals, "DBT_INTERNAL_SOURCE.");
		qident(&vals, src->v[i].name);
	}
	if (!src) {
		bufputs(&cols, "<the staging table's columns>");
		bufputs(&vals, "DBT_INTERNAL_SOURCE.<each of them>");
	}
	s->mainstmt = matnstmts;
	bufprintf(&b, "insert into %s (%s)\nselect %s\nfrom %s as DBT_INTERNAL_SOURCE\n"
	    "where DBT_INTERNAL_SOURCE.dbt_change_type::text = 'insert'::text", j->relation, cols.s,
	    vals.s, t);
	matstmtf(s, &b);
	free(rel);
	buffree(&b);
	buffree(&cols);
	buffree(&vals);
}

/* The first run: the snapshot built from the query. */
static int
firstrun(struct runner *r, const struct snap *sn)
{
	struct step s;

	matstep(&s);
	matnstmts = 0;
	if (mathooks(r, &s, "pre-hook", 1) < 0) {
		buffree(&s.sql);
		return abandon(r);
	}
	firstsql(&s, r->job, sn);
	matindexes(&s, r->job, r->job->relation);
	/* dbt's should_revoke: nothing to revoke on a new relation */
	return matfinish(r, &s, "table", 0);
}

/* The inside pre-hooks, on their own: what they change is seen by the
 * introspection that follows, as in dbt. */
static int
innerhooks(struct runner *r)
{
	struct step s;

	matstep(&s);
	matnstmts = 0;
	if (mathooks(r, &s, "pre-hook", 1) < 0) {
		buffree(&s.sql);
		return abandon(r);
	}
	if (!s.sql.len) {
		buffree(&s.sql);
		return 0;
	}
	s.transactional = 1;
	return matexec(r, &s);
}

/* A later run: the changes staged in a temporary table, the snapshot's
 * columns widened and added, the merge. */
static int
laterrun(struct runner *r, struct snap *sn)
{
	struct jobfile *j = r->job;
	char *tmp = mattempname(j->ident);
	struct columns dst = {0}, qcols = {0}, src = {0};
	struct buf t = {0};
	struct step s;
	int rc = -1, dry = r->dry != NULL;

	qident(&t, tmp);
	if (innerhooks(r) < 0)
		goto out;
	if (!dry && (relcols(r, NULL, &dst) < 0 || validtarget(r, sn, &dst) < 0))
		goto fail;
	if (rowchanged(r, sn, &dst) < 0)
		goto fail;
	if (!dry && sn->hard == NEWRECORD && querycols(r, "", "", &qcols) < 0)
		goto fail;
	matstep(&s);
	matnstmts = 0;
	stagingsql(&s, j, sn, t.s, dry ? NULL : &qcols, &dst);
	s.transactional = 1;
	if (matexec(r, &s) < 0)
		goto out;
	if (dry)
		fprintf(r->dry, "-- then, with the staging table's columns, string columns widened"
		    " and new columns added as dbt does, and:\n");
	if (!dry) {
		colsfree(&dst);
		if (relcols(r, tmp, &src) < 0 || relcols(r, NULL, &dst) < 0)
			goto fail;
	}
	matstep(&s);
	matnstmts = 0;
	if (!dry)
		widen(&s, j, sn, &src, &dst);
	merge(&s, j, sn, t.s, dry ? NULL : &src);
	/* dbt's should_revoke: the snapshot existed, what it granted and the
	 * config no longer does is revoked */
	rc = matfinish(r, &s, "table", 1);
	goto out;
fail:
	abandon(r);
out:
	colsfree(&dst);
	colsfree(&qcols);
	colsfree(&src);
	buffree(&t);
	free(tmp);
	return rc;
}

/* BEGIN, the lock, then what the relation is: two first runs at once
 * queue on the lock, and the second finds the first's table. */
static int
lockedkind(struct runner *r)
{
	const struct jobfile *j = r->job;
	struct step s;
	struct buf b = {0};
	int k = 0;

	matstep(&s);
	matnstmts = 0;
	matbegin(&s, j);
	bufputs(&b, "select c.relkind from pg_catalog.pg_class c join pg_catalog.pg_namespace n"
	    " on n.oid = c.relnamespace where n.nspname = ");
	if (j->schema)
		qliteral(&b, j->schema);
	else
		bufputs(&b, "current_schema()");
	bufputs(&b, " and c.relname = ");
	qliteral(&b, j->ident);
	matstmtf(&s, &b);
	buffree(&b);
	s.transactional = 1;
	if (matexec(r, &s) < 0)
		return -1;
	if (r->out.last && PQntuples(r->out.last) == 1)
		k = PQgetvalue(r->out.last, 0, 0)[0];
	PQclear(r->out.last);
	r->out.last = NULL;
	return k;
}

int
pgsnapshot(struct runner *r)
{
	struct jobfile *j = r->job;
	struct snap sn = {0};
	int kind, rc = -1;

	if (snapconfig(r, &sn) < 0)
		goto out;
	if (matouterhooks(r, "pre-hook") < 0)
		goto out;
	if ((kind = lockedkind(r)) < 0)
		goto out;
	if (kind == 'v' || kind == 'm') {
		r->err = xasprintf("Trying to create table %s, but it currently exists as a %s. "
		    "Either drop %s manually, or run dbt with `--full-refresh` and dbt will drop it "
		    "for you.", j->relation, kind == 'v' ? "view" : "materialized_view", j->relation);
		abandon(r);
		goto out;
	}
	if (r->dry)
		fprintf(r->dry, "-- when %s does not exist:\n", j->relation);
	/* what dbt-postgres lists as tables; anything else is not there for it */
	if (r->dry || (kind != 'r' && kind != 'p')) {
		rc = firstrun(r, &sn);
		if (!r->dry)
			goto out;
		fprintf(r->dry, "-- otherwise:\n");
	}
	rc = laterrun(r, &sn);
out:
	snapfree(&sn);
	return rc;
}
