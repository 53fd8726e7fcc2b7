/* swap.c: views, tables and materialized views, as dbt-postgres builds
 * them: beside the old relation, then swapped in by renames (inplace.c
 * replaces them in place where they are there already). */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "matstep.h"

int
matcontracted(const struct jobfile *j)
{
	const cJSON *c = jobget(j, "contract");

	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "enforced"));
}

/* A result column's type as dbt-postgres names it: psycopg2's typecaster
 * for the type's OID, STRING said TEXT (Column.translate_type). */
static char *
typename(Oid oid)
{
	static const struct {
		unsigned oid;
		const char *name;
	} types[] = {
		{16, "BOOLEAN"}, {17, "BINARY"}, {18, "TEXT"}, {19, "TEXT"},
		{20, "LONGINTEGER"}, {21, "INTEGER"}, {23, "INTEGER"}, {25, "TEXT"},
		{26, "ROWID"}, {114, "JSON"}, {199, "JSONARRAY"}, {651, "CIDRARRAY"},
		{700, "FLOAT"}, {701, "FLOAT"}, {704, "INTERVAL"}, {705, "UNKNOWN"},
		{1000, "BOOLEANARRAY"}, {1001, "BINARYARRAY"}, {1002, "STRINGARRAY"},
		{1003, "STRINGARRAY"}, {1005, "INTEGERARRAY"}, {1006, "INTEGERARRAY"},
		{1007, "INTEGERARRAY"}, {1009, "STRINGARRAY"}, {1013, "ROWIDARRAY"},
		{1014, "STRINGARRAY"}, {1015, "STRINGARRAY"}, {1016, "LONGINTEGERARRAY"},
		{1021, "FLOATARRAY"}, {1022, "FLOATARRAY"}, {1028, "ROWIDARRAY"},
		{1040, "MACADDRARRAY"}, {1041, "INETARRAY"}, {1042, "TEXT"}, {1043, "TEXT"},
		{1082, "DATE"}, {1083, "TIME"}, {1114, "DATETIME"}, {1115, "DATETIMEARRAY"},
		{1182, "DATEARRAY"}, {1183, "TIMEARRAY"}, {1184, "DATETIMETZ"},
		{1185, "DATETIMETZARRAY"}, {1186, "INTERVAL"}, {1187, "INTERVALARRAY"},
		{1231, "DECIMALARRAY"}, {1266, "TIME"}, {1270, "TIMEARRAY"}, {1700, "DECIMAL"},
		{3802, "JSONB"}, {3807, "JSONBARRAY"}, {3904, "type"}, {3905, "typeARRAY"},
		{3906, "type"}, {3907, "typeARRAY"}, {3908, "tsrange"}, {3909, "tsrangeARRAY"},
		{3910, "tstzrange"}, {3911, "tstzrangeARRAY"}, {3912, "daterange"},
		{3913, "daterangeARRAY"}, {3926, "type"}, {3927, "typeARRAY"},
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (types[i].oid == (unsigned)oid)
			return xstrdup(types[i].name);
	return xasprintf("unknown type_code %u", (unsigned)oid);
}

static void
resultcols(const PGresult *res, struct columns *c)
{
	int i;

	c->n = (size_t)PQnfields(res);
	c->v = xcalloc(c->n ? c->n : 1, sizeof(*c->v));
	for (i = 0; i < (int)c->n; i++) {
		c->v[i].name = xstrdup(PQfname(res, i));
		c->v[i].type = typename(PQftype(res, i));
	}
}

/* Characters of UTF-8 s, as Python counts them. */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* agate's print_table cell: cut to 50 characters with an ellipsis. */
static char *
cell(const char *v)
{
	const char *p = v;
	size_t n = 0;

	if (chars(v) <= 50)
		return xstrdup(v);
	for (; *p && n < 49; p++)
		if (((unsigned char)p[1] & 0xC0) != 0x80)
			n++;
	return xasprintf("%.*s\u2026", (int)(p - v), v);
}

struct mismatch {
	char *v[4];
};

static int
mismatchcmp(const void *a, const void *b)
{
	return strcmp(((const struct mismatch *)a)->v[0], ((const struct mismatch *)b)->v[0]);
}

/* dbt's ContractError: its message, with the mismatches as agate prints
 * them (sorted by column_name, which Python's sort keeps stable). */
static char *
contracterror(const struct columns *yaml, const struct columns *sql)
{
	static const char *const head[4] = {"column_name", "definition_type", "contract_type",
	    "mismatch_reason"};
	struct mismatch *m = xcalloc(yaml->n + sql->n + 1, sizeof(*m));
	struct buf b = {0};
	size_t n = 0, i, k, w[4];
	struct column *y;

	for (i = 0; i < sql->n; i++) {
		y = colfind(yaml, sql->v[i].name);
		if (y && !strcmp(y->type, sql->v[i].type))
			continue;
		m[n].v[0] = xstrdup(sql->v[i].name);
		m[n].v[1] = xstrdup(sql->v[i].type);
		m[n].v[2] = xstrdup(y ? y->type : "");
		m[n++].v[3] = xstrdup(y ? "data type mismatch" : "missing in contract");
	}
	for (i = 0; i < yaml->n; i++) {
		if (colfind(sql, yaml->v[i].name))
			continue;
		m[n].v[0] = xstrdup(yaml->v[i].name);
		m[n].v[1] = xstrdup("");
		m[n].v[2] = xstrdup(yaml->v[i].type);
		m[n++].v[3] = xstrdup("missing in definition");
	}
	/* a stable sort, as Python's sorted() */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && mismatchcmp(&m[k - 1], &m[k]) > 0; k--) {
			struct mismatch t = m[k];
			m[k] = m[k - 1];
			m[k - 1] = t;
		}
	for (k = 0; k < 4; k++) {
		w[k] = strlen(head[k]);
		for (i = 0; i < n; i++) {
			char *c = cell(m[i].v[k]);
			free(m[i].v[k]);
			m[i].v[k] = c;
			if (chars(c) > w[k])
				w[k] = chars(c);
		}
	}
	bufputs(&b, "This model has an enforced contract that failed.\n"
	    "Please ensure the name, data_type, and number of columns in your contract "
	    "match the columns in your model's definition.\n\n");
	for (k = 0; k < 4; k++)
		bufprintf(&b, "| %s%*s ", head[k], (int)(w[k] - strlen(head[k])), "");
	bufputs(&b, "|\n");
	for (k = 0; k < 4; k++) {
		bufputs(&b, k ? " | " : "| ");
		for (i = 0; i < w[k]; i++)
			bufputc(&b, '-');
	}
	bufputs(&b, " |\n");
	for (i = 0; i < n; i++) {
		for (k = 0; k < 4; k++) {
			bufprintf(&b, "| %s%*s ", m[i].v[k], (int)(w[k] - chars(m[i].v[k])), "");
			free(m[i].v[k]);
		}
		bufputs(&b, "|\n");
	}
	free(m);
	return b.s;
}

/* dbt's assert_columns_equivalent: the model's columns (its SQL, with the
 * sql_header, run with limit 0) against the declared ones (null cast to
 * each data_type): as many, each name found, each type the same. */
int
matcontract(struct runner *r, struct step *s)
{
	const struct jobfile *j = r->job;
	const cJSON *cols = jobget(j, "columns"), *c;
	struct buf b = {0}, missing = {0}, naked = {0};
	struct columns sql = {0}, yaml = {0};
	size_t i;
	int rc = -1;

	if (!matcontracted(j))
		return 0;
	matheader(s, j);
	matmainsql(s, j, "select * from (\n", "\n) as __dbt_sbq\nwhere false\nlimit 0");
	s->mainstmt = INT_MAX;
	s->transactional = 1;
	if (!cJSON_GetArraySize(cols)) {
		r->err = xstrdup("This model has an enforced contract, and its 'columns' "
		    "specification is missing");
		buffree(&s->sql);
		goto rollback;
	}
	if (matexec(r, s) < 0)
		return -1;
	if (!r->dry)
		resultcols(r->out.last, &sql);
	bufputs(&b, "select\n");
	cJSON_ArrayForEach(c, cols) {
		const char *dt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "data_type"));
		struct buf *to = NULL;
		if (!dt)
			to = &missing;
		else {
			char *t = xstrdup(dt), *a = t, *e;
			while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')
				a++;
			e = a + strlen(a);
			while (e > a && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
				*--e = '\0';
			if (!strcasecmp(a, "numeric") || !strcasecmp(a, "decimal") || !strcasecmp(a, "number"))
				to = &naked;
			free(t);
		}
		if (to)
			bufprintf(to, "%s'%s'", to->len ? ", " : "", c->string ? c->string : "");
		bufprintf(&b, "%scast(null as %s) as ", c == cols->child ? "" : ", ", dt ? dt : "");
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "quote")))
			qident(&b, c->string ? c->string : "");
		else
			bufputs(&b, c->string ? c->string : "");
	}
	if (missing.len) {
		r->err = xasprintf("Contracted models require data_type to be defined for each column. "
		    "Please ensure that the column name and data_type are defined within the YAML "
		    "configuration for the [%s] column(s).", missing.s);
		goto rollback;
	}
	if (naked.len)
		warn("%s: Detected columns with numeric type and unspecified precision/scale, "
		    "this can lead to unintended rounding: [%s]`", j->uid, naked.s);
	matstep(s);
	s->mainstmt = INT_MAX;
	s->transactional = 1;
	matstmtf(s, &b);
	if (matexec(r, s) < 0)
		goto out;
	rc = 1;
	if (r->dry)
		goto out;
	resultcols(r->out.last, &yaml);
	PQclear(r->out.last);
	r->out.last = NULL;
	if (sql.n != yaml.n)
		rc = -1;
	for (i = 0; i < sql.n && rc > 0; i++) {
		struct column *y = colfind(&yaml, sql.v[i].name);
		/* dbt compares the lower-cased name and the type */
		if (!y || strcmp(y->type, sql.v[i].type))
			rc = -1;
	}
	if (rc > 0)
		goto out;
	r->err = contracterror(&yaml, &sql);
rollback:
	if (r->conn && PQtransactionStatus(r->conn) == PQTRANS_INTRANS)
		PQclear(PQexec(r->conn, "rollback"));
out:
	colsfree(&sql);
	colsfree(&yaml);
	buffree(&b);
	buffree(&missing);
	buffree(&naked);
	return rc;
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

	matheader(s, j);
	if (!matcontracted(j)) {
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

/* What every way of building a view or a table starts with, in one
 * transaction: BEGIN, the lock, stale intermediate relations dropped (of
 * kind, or anykind), the pre-hooks, and (but for a materialized view) an
 * enforced contract's check; s is left open for what follows. -1 with
 * r->err, s freed and what was sent rolled back. */
int
swaphead(struct runner *r, struct step *s, int kind, int anykind)
{
	struct jobfile *j = r->job;
	char *tmp = suffixed(j->ident, "__dbt_tmp"), *bak = suffixed(j->ident, "__dbt_backup");
	int rc = -1, c;

	matstep(s);
	matnstmts = 0;
	matbegin(s, j);
	matdrop(s, j, tmp, kind, anykind);
	matdrop(s, j, bak, kind, anykind);
	if (mathooks(r, s, "pre-hook", 1) < 0)
		goto out;
	if (kind != KMATVIEW) {
		/* a contract is checked before the statement, in the transaction */
		if ((c = matcontract(r, s)) < 0)
			goto out;
		if (c) {
			matstep(s);
			matnstmts = 0;
		}
	}
	rc = 0;
out:
	if (rc < 0)
		buffree(&s->sql);
	free(tmp);
	free(bak);
	return rc;
}

/* view and table as dbt-postgres builds them, after swaphead(): beside,
 * swapped in by renames, the old one dropped, in the same transaction. */
int
swaptail(struct runner *r, struct step *s, int kind, int anykind)
{
	struct jobfile *j = r->job;
	char *tmp = suffixed(j->ident, "__dbt_tmp"), *bak = suffixed(j->ident, "__dbt_backup");
	struct buf t = {0}, b = {0};
	int rc = -1;

	matsibling(&t, j, tmp);
	if (kind == KTABLE) {
		mattableas(s, j, t.s);
		matindexes(s, j, t.s);
	} else if (kind == KMATVIEW) {
		bufprintf(&b, "create materialized view %s\n  as (\n", t.s);
		matmainsql(s, j, b.s, "\n  )");
		matindexes(s, j, t.s);
	} else {
		/* a view's contract: its columns checked, constraints left out */
		matheader(s, j);
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
	if (rc < 0) {
		buffree(&s->sql);
		if (r->conn && PQtransactionStatus(r->conn) != PQTRANS_IDLE)
			PQclear(PQexec(r->conn, "rollback"));
	}
	free(tmp);
	free(bak);
	buffree(&t);
	buffree(&b);
	return rc;
}

static int
swapsend(struct runner *r, int kind, int anykind)
{
	struct step s;

	if (swaphead(r, &s, kind, anykind) < 0 || swaptail(r, &s, kind, anykind) < 0)
		return -1;
	return matexec(r, &s);
}

int
matswapin(struct runner *r, int kind)
{
	int rc = swapsend(r, kind, 0);

	if (rc < 0 && !strcmp(r->out.sqlstate, "42809") && !pginterrupted) {
		/* a view where a table was, or the other way round */
		free(r->err);
		r->err = NULL;
		rc = swapsend(r, kind, 1);
	}
	if (rc < 0)
		return -1;
	r->fresh = 1;
	return matouterhooks(r, "post-hook");
}

int
matswap(struct runner *r, int kind)
{
	if (matouterhooks(r, "pre-hook") < 0)
		return -1;
	return matswapin(r, kind);
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
		/* dbt's should_revoke is false here: copy_grants() is false on
		 * postgres, and a materialized view counts as replaced */
		if (matfinish(r, &s, "materialized view", 0) < 0)
			return -1;
		if (!r->dry)
			return 0;
		fprintf(r->dry, "-- otherwise:\n");
	}
	return matswap(r, KMATVIEW);
}
