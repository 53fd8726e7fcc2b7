/* swap.c: views, tables and materialized views, as dbt-postgres builds
 * them: beside the old relation, then swapped in by renames. */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "matstep.h"

static int
contracted(const struct jobfile *j)
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

	if (!contracted(j))
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

/* What every way of building a view or a table starts with, in one
 * transaction: BEGIN, the lock, stale intermediate relations dropped (of
 * kind, or anykind), the pre-hooks, and (but for a materialized view) an
 * enforced contract's check; s is left open for what follows. -1 with
 * r->err, s freed and what was sent rolled back. */
static int
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
static int
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
	return matouterhooks(r, "post-hook");
}

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

/* Why a view cannot even be tried in place, or NULL: it is there as a
 * view, and nothing asks for dbt's own replacement. */
static const char *
noviewinplace(const struct runner *r)
{
	if (r->was.kind != 'v')
		return r->was.kind == 'r' ? "was a table" : r->was.kind == 'm' ?
		    "was a materialized view" : "was another kind of relation";
	if (r->fullrefresh)
		return "full refresh";
	if (jobstr(r->job, "sql_header", NULL))
		return "its sql_header";
	return NULL;
}

/* A view: in place when it is there as a view, else, or when the server
 * refuses that (its columns changed), swapped in as dbt does. With
 * --dry-run, both, each after what it is for. */
static int
matview(struct runner *r)
{
	struct step s;
	const char *no = noviewinplace(r);
	int anykind = 0;

	if (r->dry) {
		fprintf(r->dry, "-- when %s is a view (no --full-refresh, no sql_header): replaced in "
		    "place, its dependents kept\n", r->job->relation);
		no = NULL;
	}
	if (no) {
		if (r->was.kind)
			r->why = no;
		return matswapin(r, KVIEW);
	}
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
	if (r->dry) {
		fprintf(r->dry, "-- otherwise (a new view, another kind of relation, a full refresh, "
		    "a sql_header): dbt's swap\n");
		r->why = NULL;
		return matswapin(r, KVIEW);
	}
	return matouterhooks(r, "post-hook");
}

/* Why a table cannot even be tried in place, or NULL: it is there as a
 * table, and nothing a new one would not have is asked for. */
static const char *
notableinplace(const struct runner *r)
{
	if (r->was.kind != 'r')
		return r->was.kind == 'v' ? "was a view" : r->was.kind == 'm' ?
		    "was a materialized view" : "was another kind of relation";
	if (r->fullrefresh)
		return "full refresh";
	if (jobstr(r->job, "sql_header", NULL))
		return "its sql_header";
	if (contracted(r->job))
		return "its contract";
	return NULL;
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
	const char *no = notableinplace(r);
	char *why = NULL, *old = NULL;
	int anykind = 0, rc = -1;

	if (r->dry) {
		fprintf(r->dry, "-- when %s is a table (no --full-refresh, sql_header or contract):"
		    " first a probe\n", r->job->relation);
		no = NULL;
	}
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
	if (tabletail(r, &s, old) < 0 || matexec(r, &s) < 0)
		goto out;
	if (!r->dry) {
		r->inplace = 1;
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
	if (r->dry) {
		fputs("-- otherwise (a new table, another kind of relation, a full refresh, a"
		    " sql_header, a contract): dbt's swap\n", r->dry);
		rc = matswapin(r, KTABLE);
		goto out;
	}
	rc = matouterhooks(r, "post-hook");
out:
	free(why);
	free(old);
	return rc;
}

int
matswap(struct runner *r, int kind)
{
	if (matouterhooks(r, "pre-hook") < 0)
		return -1;
	return kind == KVIEW ? matview(r) : kind == KTABLE ? mattable(r) : matswapin(r, kind);
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
