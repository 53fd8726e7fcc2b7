/* dbtdb.c: what the database answers a render (dbtctx.h's struct dbtdb).
 *
 * With a database (the executor rendering a node on its connection), the
 * adapter executes statements (adapter.execute, and so dbt's statement
 * blocks and run_query), reads a relation's columns
 * (get_columns_in_relation, as postgres__get_columns_in_relation) and
 * finds relations (get_relation, as dbt-postgres lists a schema);
 * store_result, store_raw_result and load_result keep what statements
 * returned, as dbt's ProviderContext does. Results are agate tables as
 * dbt makes them (table_from_data_flat): rows, columns, column_names, a
 * table indexed as its rows; rows and columns (agate's MappedSequence)
 * indexed by position or name, with keys, values, items, get, count and
 * index; a column's name, index, values and values_without_nulls; a row
 * or column prints as agate's repr. Values: text as str, ints as int
 * (dbt's agate Integer type), booleans as bool; numeric and float
 * columns as agate's Number makes them, Python's Decimal (jdec.h):
 * Decimal(text) of a numeric, Decimal(repr(float)) of a float (46.0, not
 * the server's 46), NaN and the infinities refused; dates print as
 * Python's, timestamps as Python's datetime; any other type cannot be
 * used at all (it would print otherwise than Python's). Without a
 * database each of these fails, and dbtneeddb() says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "dbtcolumn.h"
#include "dbtint.h"
#include "jdec.h"
#include "pg.h"

void
dbtneed(struct jev *v, struct rnode *rn, const char *what)
{
	rn->c->needdb = 1;
	jfail(v, "%s needs the database: the %s is rendered when it runs", what,
	    rn->hook && rn->hook->operation ? "hook" : "node");
}

/* A post-hook asks the database after what comes before it in the
 * node's run has run (dbthook.ran); where the executor cannot arrange
 * that, what it would read is not yet what dbt's would. */
static void
notpost(struct jev *v, struct rnode *rn, const char *what)
{
	if (rn->hook && rn->hook->post && !rn->hook->ran)
		jfail(v, "unsupported: %s in a post-hook of a %s model (dbt2ninja renders it "
		    "before the model's statements run)", what, rn->c->run.adapter);
}

/* ---- values ---- */

/* A value shown as the server's text (Python's date), or not at all (a
 * NaN or infinite number, any other type): it prints, and nothing else. */
struct shown {
	const char *type, *text;
};

static const char *
shownstr(const struct jv *self, struct buf *b)
{
	const struct shown *s = self->u.obj.data;

	if (!s->text)
		return "unsupported: printing a value of this type from the database";
	bufputs(b, s->text);
	return NULL;
}

static struct jv *
shownattr(struct jev *v, struct jv *self, const char *name)
{
	const struct shown *s = self->u.obj.data;

	jfail(v, "unsupported: attribute '%s' of a %s from the database", name, s->type);
	return NULL;
}

static const struct jclass shownclass = {"Decimal", shownattr, shownstr, NULL, NULL, NULL, 0, NULL};
static const struct jclass dateclass = {"date", shownattr, shownstr, NULL, NULL, NULL, 0, NULL};
static const struct jclass opaqueclass = {"value", shownattr, shownstr, NULL, NULL, NULL, 0, NULL};

/* A timestamp (without time zone) in the server's ISO text, printed as
 * Python's str() of the datetime psycopg2 makes of it: the fraction, when
 * there is one, to six digits; anything else (BC, infinity, another
 * DateStyle) cannot be printed. */
static struct jv *
timestamp(struct arena *a, const char *t)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd";
	struct shown *s = arenaalloc(a, sizeof(*s));
	size_t i, n = strlen(t), f;
	char buf[32];

	s->type = "datetime";
	s->text = NULL;
	for (i = 0; shape[i] && i < n; i++)
		if (shape[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != shape[i])
			break;
	if (!shape[i] && (n == i || (t[i] == '.' && (f = strspn(t + i + 1, "0123456789")) >= 1 &&
	    f <= 6 && i + 1 + f == n))) {
		memcpy(buf, t, n);
		buf[n] = '\0';
		if (n > i)
			while (strlen(buf) < i + 7)
				strcat(buf, "0");
		s->text = jvstr(a, buf, strlen(buf))->u.str.s;
	}
	return jvobj(a, &dateclass, s);
}

static struct jv *
cell(struct arena *a, const PGresult *r, int row, int col)
{
	const char *t;
	struct shown *s;
	const struct jclass *cls;
	struct jv *x;

	if (PQgetisnull(r, row, col))
		return &jvnone;
	t = PQgetvalue(r, row, col);
	switch (PQftype(r, col)) {
	case 16:		/* bool */
		return jvbool(*t == 't');
	case 20: case 21: case 23:	/* int8, int2, int4 */
		return jvint(a, strtoll(t, NULL, 10));
	case 18: case 19: case 25: case 705: case 1042: case 1043: case 2950:
		/* char, name, text, unknown, bpchar, varchar, uuid: str */
		return jvstr(a, t, strlen(t));
	case 1700:		/* numeric: psycopg2's Decimal(text) */
		if ((x = jdecnew(a, t)))
			return x;
		cls = &shownclass;
		break;
	case 700: case 701:	/* float4, float8: agate's Decimal(repr(float(text))) */
		if ((x = jdecfloat(a, strtod(t, NULL))))
			return x;
		cls = &shownclass;
		break;
	case 1082:		/* date */
		cls = &dateclass;
		break;
	case 1114:		/* timestamp, as Python's datetime prints */
		return timestamp(a, t);
	default:
		cls = &opaqueclass;
		break;
	}
	s = arenaalloc(a, sizeof(*s));
	s->type = cls == &shownclass ? "number" : cls == &dateclass ? "date" : "value";
	s->text = cls == &dateclass ? jvstr(a, t, strlen(t))->u.str.s : NULL;
	return jvobj(a, cls, s);
}

/* ---- agate's sequences: rows, a row, the columns ---- */

/* agate's MappedSequence: values, with keys (or none); cls is what its
 * repr names (Row, Column, MappedSequence). */
struct seq {
	struct jv *vals, *keys;	/* JTUPLEs; keys may be NULL */
	const char *what, *cls;
};

/* self[key] as MappedSequence.__getitem__: an int by position, else by
 * key (a KeyError, so undefined, for a sequence without keys). */
static struct jv *
seqat(struct jev *v, struct seq *s, struct jv *k)
{
	size_t i;

	if (k->type == JINT) {
		int64_t n = (int64_t)s->vals->u.list.n, i64 = k->u.i < 0 ? k->u.i + n : k->u.i;
		return i64 >= 0 && i64 < n ? s->vals->u.list.v[i64] : NULL;
	}
	if (k->type == JSTR && s->keys) {
		for (i = 0; i < s->keys->u.list.n; i++)
			if (jveq(s->keys->u.list.v[i], k))
				return s->vals->u.list.v[i];
		return NULL;
	}
	if (k->type == JSTR)
		return NULL;
	jfail(v, "unsupported: %s indexed by %s", s->what, jvtypename(k));
	return NULL;
}

static struct jv *
seqitems(struct jev *v, struct jv *self)
{
	(void)v;
	return ((struct seq *)self->u.obj.data)->vals;
}

static struct jv *
seqgetitem(struct jev *v, struct jv *self, struct jv *k)
{
	return seqat(v, self->u.obj.data, k);
}

/* agate's repr: <agate.Row: (1, 'a', ...)>, the first five values. */
static const char *
seqstr(const struct jv *self, struct buf *b)
{
	const struct seq *s = self->u.obj.data;
	const char *err;
	size_t i;

	bufprintf(b, "<agate.%s: (", s->cls);
	for (i = 0; i < s->vals->u.list.n && i < 5; i++) {
		if (i)
			bufputs(b, ", ");
		if ((err = jvreprto(b, s->vals->u.list.v[i])))
			return err;
	}
	bufputs(b, s->vals->u.list.n > 5 ? ", ...)>" : ")>");
	return NULL;
}

static void
seqnoargs(struct jev *v, struct jcall *c, const char *fn)
{
	if (c->npos || c->nkw)
		jfail(v, "%s() takes no arguments", fn);
}

static struct jv *
seqkeys(struct jev *v, void *data, struct jcall *c)
{
	struct seq *s = data;

	seqnoargs(v, c, "keys");
	return s->keys ? s->keys : &jvnone;
}

static struct jv *
seqvalues(struct jev *v, void *data, struct jcall *c)
{
	seqnoargs(v, c, "values");
	return ((struct seq *)data)->vals;
}

/* items(): tuple(zip(keys, values)). */
static struct jv *
seqpairs(struct jev *v, void *data, struct jcall *c)
{
	struct seq *s = data;
	struct arena *a = jevarena(v);
	struct jv *r = jvlist(a, JTUPLE);
	size_t i;

	seqnoargs(v, c, "items");
	if (!s->keys)
		jfail(v, "'NoneType' object is not iterable (items() of %s)", s->what);
	for (i = 0; i < s->vals->u.list.n && i < s->keys->u.list.n; i++) {
		struct jv *t = jvlist(a, JTUPLE);
		jvpush(a, t, s->keys->u.list.v[i]);
		jvpush(a, t, s->vals->u.list.v[i]);
		jvpush(a, r, t);
	}
	return r;
}

/* get(key, default=None): by key alone (an int is no key), and the
 * default only when it is true, as agate's. */
static struct jv *
seqget(struct jev *v, void *data, struct jcall *c)
{
	struct seq *s = data;
	struct jv *r = NULL;

	if (c->nkw || c->npos < 1 || c->npos > 2)
		jfail(v, "get() takes a key and a default");
	if (s->keys && c->pos[0]->type == JSTR)
		r = seqat(v, s, c->pos[0]);
	else if (s->keys && c->pos[0]->type != JINT)
		jfail(v, "unsupported: get() of %s with a %s key", s->what, jvtypename(c->pos[0]));
	if (r)
		return r;
	return c->npos == 2 && jvtruth(c->pos[1]) ? c->pos[1] : &jvnone;
}

/* count(x) and index(x), as Sequence's (==). */
static struct jv *
seqfind(struct jev *v, struct seq *s, struct jcall *c, int count)
{
	size_t i, n = 0;

	if (c->nkw || c->npos != 1)
		jfail(v, "%s() takes one argument", count ? "count" : "index");
	for (i = 0; i < s->vals->u.list.n; i++)
		if (jveq(s->vals->u.list.v[i], c->pos[0])) {
			if (!count)
				return jvint(jevarena(v), (int64_t)i);
			n++;
		}
	if (!count)
		jfail(v, "ValueError: index() of a value not in %s", s->what);
	return jvint(jevarena(v), (int64_t)n);
}

static struct jv *
seqcount(struct jev *v, void *data, struct jcall *c)
{
	return seqfind(v, data, c, 1);
}

static struct jv *
seqindex(struct jev *v, void *data, struct jcall *c)
{
	return seqfind(v, data, c, 0);
}

/* The methods of a MappedSequence, or NULL. */
static struct jv *
seqmethod(struct jev *v, struct seq *s, const char *name)
{
	static const struct { const char *name; jfunc *fn; } fns[] = {
		{"keys", seqkeys}, {"values", seqvalues}, {"items", seqpairs},
		{"get", seqget}, {"count", seqcount}, {"index", seqindex},
	};
	size_t i;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (!strcmp(name, fns[i].name))
			return jvfunc(jevarena(v), fns[i].name, fns[i].fn, s);
	if (!strcmp(name, "dict"))
		jfail(v, "unsupported: dict() of %s (an OrderedDict)", s->what);
	return NULL;
}

static struct jv *
seqgetattr(struct jev *v, struct jv *self, const char *name)
{
	struct seq *s = self->u.obj.data;
	struct jv *r;

	if ((r = seqmethod(v, s, name)))
		return r;
	/* Jinja2 then tries self[name] */
	return seqat(v, s, str(jevarena(v), name));
}

static const struct jclass seqclass = {"MappedSequence", seqgetattr, seqstr, NULL, seqitems, seqgetitem, 0, NULL};

static struct jv *
seqv(struct arena *a, struct jv *vals, struct jv *keys, const char *what, const char *cls)
{
	struct seq *s = arenaalloc(a, sizeof(*s));

	s->vals = vals;
	s->keys = keys;
	s->what = what;
	s->cls = cls;
	return jvobj(a, &seqclass, s);
}

/* An agate column: a MappedSequence of its values (without keys), its
 * name and index. */
struct acol {
	struct seq s;
	struct jv *name, *index;
};

static struct jv *
acolnonull(struct jev *v, void *data, struct jcall *c)
{
	struct acol *col = data;
	struct jv *r = jvlist(jevarena(v), JTUPLE);
	size_t i;

	seqnoargs(v, c, "values_without_nulls");
	for (i = 0; i < col->s.vals->u.list.n; i++)
		if (col->s.vals->u.list.v[i]->type != JNONE)
			jvpush(jevarena(v), r, col->s.vals->u.list.v[i]);
	return r;
}

static struct jv *
acolattr(struct jev *v, struct jv *self, const char *name)
{
	struct acol *col = self->u.obj.data;
	struct jv *r;

	if (!strcmp(name, "name"))
		return col->name;
	if (!strcmp(name, "index"))
		return col->index;
	if (!strcmp(name, "values_without_nulls"))
		return jvfunc(jevarena(v), name, acolnonull, col);
	if ((r = seqmethod(v, &col->s, name)))
		return r;
	jfail(v, "unsupported: attribute '%s' of an agate column", name);
	return NULL;
}

static struct jv *
acolitems(struct jev *v, struct jv *self)
{
	(void)v;
	return ((struct acol *)self->u.obj.data)->s.vals;
}

static struct jv *
acolgetitem(struct jev *v, struct jv *self, struct jv *k)
{
	return seqat(v, &((struct acol *)self->u.obj.data)->s, k);
}

static const char *
acolstr(const struct jv *self, struct buf *b)
{
	struct jv x = *self;

	x.u.obj.data = &((struct acol *)self->u.obj.data)->s;
	return seqstr(&x, b);
}

static const struct jclass acolclass = {"Column", acolattr, acolstr, NULL, acolitems, acolgetitem, 0, NULL};

/* An agate table. */
struct table {
	struct jv *rows, *columns, *names;
};

static struct jv *
tableattr(struct jev *v, struct jv *self, const char *name)
{
	struct table *t = self->u.obj.data;

	if (!strcmp(name, "rows"))
		return t->rows;
	if (!strcmp(name, "columns"))
		return t->columns;
	if (!strcmp(name, "column_names"))
		return t->names;
	jfail(v, "unsupported: attribute '%s' of an agate table", name);
	return NULL;
}

static struct jv *
tableitems(struct jev *v, struct jv *self)
{
	(void)v;
	return ((struct seq *)((struct table *)self->u.obj.data)->rows->u.obj.data)->vals;
}

/* table[key]: its rows' */
static struct jv *
tablegetitem(struct jev *v, struct jv *self, struct jv *k)
{
	return seqat(v, ((struct table *)self->u.obj.data)->rows->u.obj.data, k);
}

static const struct jclass tableclass = {"Table", tableattr, NULL, NULL, tableitems, tablegetitem, 0, NULL};

/* The result's rows as a table (at most limit, or all when negative);
 * NULL r: the empty table. */
static struct jv *
tableof(struct arena *a, const PGresult *r, long limit)
{
	struct table *t = arenaalloc(a, sizeof(*t));
	struct jv *rows = jvlist(a, JTUPLE), *cols = jvlist(a, JTUPLE);
	int nr = r ? PQntuples(r) : 0, nc = r ? PQnfields(r) : 0, i, k;

	if (limit >= 0 && nr > limit)
		nr = (int)limit;
	t->names = jvlist(a, JTUPLE);
	for (k = 0; k < nc; k++)
		jvpush(a, t->names, str(a, PQfname(r, k)));
	for (i = 0; i < nr; i++) {
		struct jv *vals = jvlist(a, JTUPLE);
		for (k = 0; k < nc; k++)
			jvpush(a, vals, cell(a, r, i, k));
		jvpush(a, rows, seqv(a, vals, t->names, "an agate row", "Row"));
	}
	for (k = 0; k < nc; k++) {
		struct acol *col = arenaalloc(a, sizeof(*col));
		col->name = t->names->u.list.v[k];
		col->index = jvint(a, k);
		col->s.vals = jvlist(a, JTUPLE);
		col->s.keys = NULL;
		col->s.what = "an agate column";
		col->s.cls = "Column";
		for (i = 0; i < nr; i++)
			jvpush(a, col->s.vals, ((struct seq *)rows->u.list.v[i]->u.obj.data)->vals->u.list.v[k]);
		jvpush(a, cols, jvobj(a, &acolclass, col));
	}
	t->rows = seqv(a, rows, NULL, "an agate table's rows", "MappedSequence");
	t->columns = seqv(a, cols, t->names, "an agate table's columns", "MappedSequence");
	return jvobj(a, &tableclass, t);
}

/* ---- the adapter's response ---- */

struct response {
	struct jv *message, *code, *rows;
};

static const char *
responsestr(const struct jv *self, struct buf *b)
{
	const struct response *r = self->u.obj.data;

	return jvstrto(b, r->message);
}

static struct jv *
responseattr(struct jev *v, struct jv *self, const char *name)
{
	struct response *r = self->u.obj.data;

	(void)v;
	if (!strcmp(name, "code"))
		return r->code;
	if (!strcmp(name, "rows_affected"))
		return r->rows;
	if (!strcmp(name, "query_id"))
		return &jvnone;
	jfail(v, "unsupported: attribute '%s' of an adapter response", name);
	return NULL;
}

static const struct jclass responseclass = {"AdapterResponse", responseattr, responsestr, NULL, NULL, NULL, 0, NULL};

/* dbt-postgres' get_response: the status, its words without numbers as
 * the code, the row count (psycopg2's rowcount, -1 when none). */
static struct jv *
responseof(struct arena *a, const PGresult *res)
{
	struct response *r = arenaalloc(a, sizeof(*r));
	const char *status = PQcmdStatus((PGresult *)res), *n = PQcmdTuples((PGresult *)res), *p;
	struct buf code = {0};

	for (p = status; *p;) {
		size_t len = strcspn(p, " "), k;
		for (k = 0; k < len && p[k] >= '0' && p[k] <= '9'; k++)
			;
		if (len && k < len) {
			if (code.len)
				bufputc(&code, ' ');
			bufadd(&code, p, len);
		}
		p += len;
		p += strspn(p, " ");
	}
	r->message = str(a, status);
	r->code = jvstr(a, code.s ? code.s : "", code.len);
	r->rows = jvint(a, *n ? strtoll(n, NULL, 10) :
	    PQresultStatus(res) == PGRES_TUPLES_OK ? PQntuples(res) : -1);
	buffree(&code);
	return jvobj(a, &responseclass, r);
}

/* ---- the adapter ---- */

static PGresult *
run(struct jev *v, struct rnode *rn, const char *sql)
{
	char *err = NULL, msg[1000];
	PGresult *r = rn->c->run.db->exec(rn->c->run.db->data, sql, &err);

	if (!r) {
		snprintf(msg, sizeof(msg), "%s", err ? err : "the statement failed");
		free(err);
		jfail(v, "Database Error\n  %s", msg);
	}
	return r;
}

/* adapter.execute(sql, auto_begin=False, fetch=False, limit=None):
 * (response, table). */
static struct jv *
adexecute(struct jev *v, void *data, struct jcall *c)
{
	static const char *const ok[] = {"sql", "auto_begin", "fetch", "limit", NULL};
	struct rnode *rn = data;
	struct arena *a = jevarena(v);
	struct jv *fetch = arg(c, 2, "fetch"), *limit = arg(c, 3, "limit"), *t;
	const char *sql;
	PGresult *r;

	nokw(v, c, "adapter.execute", ok);
	if (!rn->c->run.db)
		dbtneed(v, rn, "adapter.execute()");
	notpost(v, rn, "adapter.execute()");
	sql = strarg(v, c, 0, "sql", "adapter.execute");
	if (limit && limit->type != JNONE && limit->type != JINT)
		jfail(v, "adapter.execute(): limit must be an int");
	r = run(v, rn, sql);
	t = jvlist(a, JTUPLE);
	jvpush(a, t, responseof(a, r));
	jvpush(a, t, tableof(a, fetch && jvtruth(fetch) ? r : NULL,
	    limit && limit->type == JINT ? (long)limit->u.i : -1));
	PQclear(r);
	return t;
}

/* dbt's Column of a relation, as information_schema reads it. */
static struct jv *
colattrs(struct jev *v, struct jv *self, const char *name);

static const char *
colstr(const struct jv *self, struct buf *b)
{
	dbtcolrepr(b, self->u.obj.data);
	return NULL;
}

static const struct jclass columnclass = {"Column", colattrs, colstr, NULL, NULL, NULL, 0, NULL};

static int
isin(const char *s, const char *const *set)
{
	char low[64];
	size_t i;

	for (i = 0; s[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	low[i] = '\0';
	for (; *set; set++)
		if (!strcmp(low, *set))
			return 1;
	return 0;
}

static const char *const floats[] = {"real", "float4", "float", "double precision",
    "float8", "double", NULL};
static const char *const ints[] = {"smallint", "integer", "bigint", "smallserial",
    "serial", "bigserial", "int2", "int4", "int8", "serial2", "serial4", "serial8", NULL};
static const char *const numerics[] = {"numeric", "decimal", NULL};

static struct jv *
colpred(struct jev *v, void *data, struct jcall *c, const char *name)
{
	const struct dbtcol *col = data;
	int r;

	if (c->npos || c->nkw)
		jfail(v, "%s() takes no arguments", name);
	if (!strcmp(name, "is_string"))
		r = dbtcolisstring(col);
	else if (!strcmp(name, "is_float"))
		r = isin(col->dtype, floats);
	else if (!strcmp(name, "is_integer"))
		r = isin(col->dtype, ints);
	else if (!strcmp(name, "is_numeric"))
		r = isin(col->dtype, numerics);
	else
		r = isin(col->dtype, floats) || isin(col->dtype, ints) || isin(col->dtype, numerics);
	return jvbool(r);
}

static struct jv *
colisstring(struct jev *v, void *d, struct jcall *c) { return colpred(v, d, c, "is_string"); }
static struct jv *
colisfloat(struct jev *v, void *d, struct jcall *c) { return colpred(v, d, c, "is_float"); }
static struct jv *
colisinteger(struct jev *v, void *d, struct jcall *c) { return colpred(v, d, c, "is_integer"); }
static struct jv *
colisnumeric(struct jev *v, void *d, struct jcall *c) { return colpred(v, d, c, "is_numeric"); }
static struct jv *
colisnumber(struct jev *v, void *d, struct jcall *c) { return colpred(v, d, c, "is_number"); }

static struct jv *
colstringsize(struct jev *v, void *data, struct jcall *c)
{
	if (c->npos || c->nkw)
		jfail(v, "string_size() takes no arguments");
	if (!dbtcolisstring(data))
		jfail(v, "Called string_size() on non-string field!");
	return jvint(jevarena(v), dbtcolstringsize(data));
}

static struct jv *
optint(struct arena *a, const char *s)
{
	return s ? jvint(a, strtoll(s, NULL, 10)) : &jvnone;
}

static struct jv *
colattrs(struct jev *v, struct jv *self, const char *name)
{
	static const struct { const char *name; jfunc *fn; } fns[] = {
		{"is_string", colisstring}, {"is_float", colisfloat},
		{"is_integer", colisinteger}, {"is_numeric", colisnumeric},
		{"is_number", colisnumber}, {"string_size", colstringsize},
	};
	struct dbtcol *col = self->u.obj.data;
	struct arena *a = jevarena(v);
	struct buf b = {0};
	struct jv *r;
	size_t i;

	if (!strcmp(name, "name") || !strcmp(name, "column"))
		return str(a, col->name);
	if (!strcmp(name, "dtype"))
		return str(a, col->dtype);
	if (!strcmp(name, "char_size"))
		return optint(a, col->size);
	if (!strcmp(name, "numeric_precision"))
		return optint(a, col->prec);
	if (!strcmp(name, "numeric_scale"))
		return optint(a, col->scale);
	if (!strcmp(name, "quoted")) {
		bufprintf(&b, "\"%s\"", col->name);
	} else if (!strcmp(name, "data_type") || !strcmp(name, "expanded_data_type")) {
		dbtcoltype(&b, col);
	} else {
		for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
			if (!strcmp(name, fns[i].name))
				return jvfunc(a, fns[i].name, fns[i].fn, col);
		jfail(v, "unsupported: attribute '%s' of a column", name);
	}
	r = jvstr(a, b.s ? b.s : "", b.len);
	buffree(&b);
	return r;
}

/* A copy of s in a, or NULL. */
static char *
keep(struct arena *a, const char *s)
{
	return s ? (char *)jvstr(a, s, strlen(s))->u.str.s : NULL;
}

/* The relation argument of the adapter's method fn (relation=), which
 * asks the database: *x the value, its relation returned. */
static struct rel *
relarg(struct jev *v, struct rnode *rn, struct jcall *c, const char *fn, struct jv **x)
{
	static const char *const ok[] = {"relation", NULL};
	char what[64];
	struct rel *r;

	nokw(v, c, fn, ok);
	if (!(*x = arg(c, 0, "relation")) || !(r = dbtrelof(*x)))
		jfail(v, "%s(): the argument must be a relation", fn);
	snprintf(what, sizeof(what), "%s()", fn);
	if (!rn->c->run.db)
		dbtneed(v, rn, what);
	notpost(v, rn, what);
	return r;
}

/* adapter.get_columns_in_relation(relation): dbt-postgres' query of
 * information_schema.columns, each row a Column. */
static struct jv *
adcolumns(struct jev *v, void *data, struct jcall *c)
{
	struct rnode *rn = data;
	struct arena *a = jevarena(v);
	struct jv *x, *l;
	struct dbtcols cols = {0};
	struct rel *r = relarg(v, rn, c, "adapter.get_columns_in_relation", &x);
	struct buf q = {0};
	PGresult *res;
	size_t i;

	if (!r->id)
		jfail(v, "unsupported: adapter.get_columns_in_relation() of a relation without an identifier");
	if (!strcmp(rn->c->run.adapter, "materialize") && r->type && !strcmp(r->type, "cte"))
		jfail(v, "unsupported: adapter.get_columns_in_relation() of an ephemeral model");
	dbtcolquery(&q, NULL, r->schema, r->id, 0);
	res = run(v, rn, q.s);
	buffree(&q);
	dbtcolsfrom(res, &cols);
	PQclear(res);
	l = jvlist(a, JLIST);
	for (i = 0; i < cols.n; i++) {
		struct dbtcol *k = arenaalloc(a, sizeof(*k));
		k->name = keep(a, cols.v[i].name);
		k->dtype = keep(a, cols.v[i].dtype);
		k->size = keep(a, cols.v[i].size);
		k->prec = keep(a, cols.v[i].prec);
		k->scale = keep(a, cols.v[i].scale);
		jvpush(a, l, jvobj(a, &columnclass, k));
	}
	dbtcolsfree(&cols);
	return l;
}

static int
lowereq(const char *x, const char *y)
{
	for (; *x && *y; x++, y++)
		if ((*x >= 'A' && *x <= 'Z' ? *x + 32 : *x) != (*y >= 'A' && *y <= 'Z' ? *y + 32 : *y))
			return 0;
	return *x == *y;
}

/* adapter.get_relation(database, schema, identifier) of a relation that
 * is not the node's own: what postgres__list_relations_without_caching
 * lists of the schema, matched as dbt's cache matches (exactly; a match
 * that differs only in case is an error). */
struct jv *
dbtdbrelation(struct jev *v, struct rnode *rn, const char *db, const char *schema, const char *id)
{
	static const char *const kinds[][3] = {
		{"tablename", "pg_tables", "table"}, {"viewname", "pg_views", "view"},
		{"matviewname", "pg_matviews", "materialized_view"},
	};
	struct arena *a = jevarena(v);
	struct buf q = {0}, lit = {0};
	struct rel r;
	PGresult *res;
	int i, found = -1, near = -1, n;

	if (!rn->c->run.db)
		dbtneed(v, rn, "adapter.get_relation() of a relation other than this");
	notpost(v, rn, "adapter.get_relation() of another relation");
	if (strcmp(rn->c->run.adapter, "postgres"))
		jfail(v, "unsupported: adapter.get_relation() of another relation on %s",
		    rn->c->run.adapter);
	qliteral(&lit, schema);
	for (i = 0; i < 3; i++)
		bufprintf(&q, "%sselect %s as name, schemaname as schema, '%s' as type from %s "
		    "where schemaname ilike %s\n", i ? "union all\n" : "", kinds[i][0], kinds[i][2],
		    kinds[i][1], lit.s);
	bufprintf(&q, "union all\nselect distinct proname as name, ns.nspname as schema, "
	    "'function' as type from pg_proc join pg_namespace as ns on pronamespace = ns.oid "
	    "where ns.nspname ilike %s", lit.s);
	buffree(&lit);
	res = run(v, rn, q.s);
	buffree(&q);
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		const char *name = PQgetvalue(res, i, 0), *sch = PQgetvalue(res, i, 1);
		if (!strcmp(name, id) && !strcmp(sch, schema)) {
			if (found >= 0) {
				PQclear(res);
				jfail(v, "get_relation returned more than one relation with the given args. "
				    "Please specify a database or schema to narrow down the result set.");
			}
			found = i;
		} else if (lowereq(name, id) && lowereq(sch, schema))
			near = i;
	}
	if (found < 0 && near >= 0) {
		char msg[600];
		snprintf(msg, sizeof(msg), "When searching for a relation, dbt found an approximate "
		    "match. Instead of guessing \nwhich relation to use, dbt will move on. Please "
		    "delete \"%s\".\"%s\".\"%s\", or rename it to be less ambiguous.\nSearched for: "
		    "\"%s\".\"%s\".\"%s\"\nFound: \"%s\".\"%s\".\"%s\"\n", db ? db : "",
		    PQgetvalue(res, near, 1), PQgetvalue(res, near, 0), db ? db : "", schema, id,
		    db ? db : "", PQgetvalue(res, near, 1), PQgetvalue(res, near, 0));
		PQclear(res);
		jfail(v, "Compilation Error\n  %s", msg);
	}
	if (found < 0) {
		PQclear(res);
		return &jvnone;
	}
	memset(&r, 0, sizeof(r));
	r.q = "\"";
	r.adapter = rn->c->run.adapter;
	r.db = db ? keep(a, db) : NULL;
	r.schema = keep(a, PQgetvalue(res, found, 1));
	r.id = keep(a, PQgetvalue(res, found, 0));
	r.type = keep(a, PQgetvalue(res, found, 2));
	for (i = 0; i < 3; i++)
		r.quote[i] = r.include[i] = 1;
	PQclear(res);
	return dbtrelv(a, &r);
}

/* adapter.drop_relation(relation), as dbt-postgres drops one: its
 * drop_relation macro, through get_drop_sql (a view, a table and a
 * materialized view by their own macros, the same words). */
static struct jv *
addrop(struct jev *v, void *data, struct jcall *c)
{
	struct rnode *rn = data;
	struct jv *x;
	struct rel *r = relarg(v, rn, c, "adapter.drop_relation", &x);
	struct buf q = {0};

	if (strcmp(rn->c->run.adapter, "postgres"))
		jfail(v, "unsupported: adapter.drop_relation() on %s", rn->c->run.adapter);
	if (!r->type)
		jfail(v, "Tried to drop relation %s, but its type is null.",
		    jevstr(v, x)->u.str.s);
	bufprintf(&q, "drop %s if exists %s cascade", !strcmp(r->type, "materialized_view") ?
	    "materialized view" : r->type, jevstr(v, x)->u.str.s);
	PQclear(run(v, rn, q.s));
	buffree(&q);
	return &jvnone;
}

struct jv *
dbtdbattr(struct jev *v, struct rnode *rn, const char *name)
{
	struct arena *a = jevarena(v);

	if (!strcmp(name, "execute"))
		return jvfunc(a, "adapter.execute", adexecute, rn);
	if (!strcmp(name, "get_columns_in_relation"))
		return jvfunc(a, "adapter.get_columns_in_relation", adcolumns, rn);
	if (!strcmp(name, "drop_relation"))
		return jvfunc(a, "adapter.drop_relation", addrop, rn);
	return NULL;
}

/* ---- what statements returned ---- */

static struct jv *
results(struct rnode *rn, struct arena *a)
{
	if (!rn->results)
		rn->results = jvdict(a);
	return rn->results;
}

/* AttrDict {response, data, table}: data is agate_helper.as_matrix. */
static struct jv *
stored(struct arena *a, struct jv *response, struct jv *table)
{
	struct jv *d = jvdict(a), *m = jvlist(a, JLIST), *rows;
	size_t i;

	if (!table || table->type == JNONE)
		table = tableof(a, NULL, -1);
	if (table->type != JOBJ || table->u.obj.cls != &tableclass)
		return NULL;
	rows = ((struct seq *)((struct table *)table->u.obj.data)->rows->u.obj.data)->vals;
	for (i = 0; i < rows->u.list.n; i++)
		jvpush(a, m, ((struct seq *)rows->u.list.v[i]->u.obj.data)->vals);
	jvset(a, d, str(a, "response"), response);
	jvset(a, d, str(a, "data"), m);
	jvset(a, d, str(a, "table"), table);
	return d;
}

static struct jv *
fnstoreresult(struct jev *v, void *data, struct jcall *c)
{
	static const char *const ok[] = {"name", "response", "agate_table", NULL};
	struct rnode *rn = data;
	struct arena *a = jevarena(v);
	const char *name;
	struct jv *r, *resp = arg(c, 1, "response");

	nokw(v, c, "store_result", ok);
	name = strarg(v, c, 0, "name", "store_result");
	if (!resp)
		jfail(v, "store_result() missing 1 required positional argument: 'response'");
	if (!(r = stored(a, resp, arg(c, 2, "agate_table"))))
		jfail(v, "unsupported: store_result() of a table not from the database");
	jvset(a, results(rn, a), str(a, name), r);
	return jvstr(a, "", 0);
}

static struct jv *
fnstoreraw(struct jev *v, void *data, struct jcall *c)
{
	static const char *const ok[] = {"name", "message", "code", "rows_affected",
	    "agate_table", NULL};
	struct rnode *rn = data;
	struct arena *a = jevarena(v);
	struct response *resp = arenaalloc(a, sizeof(*resp));
	struct jv *r, *x;
	const char *name;

	nokw(v, c, "store_raw_result", ok);
	name = strarg(v, c, 0, "name", "store_raw_result");
	resp->message = (x = arg(c, 1, "message")) ? x : &jvnone;
	resp->code = (x = arg(c, 2, "code")) ? x : &jvnone;
	resp->rows = (x = arg(c, 3, "rows_affected")) ? x : &jvnone;
	if (!(r = stored(a, jvobj(a, &responseclass, resp), arg(c, 4, "agate_table"))))
		jfail(v, "unsupported: store_raw_result() of a table not from the database");
	jvset(a, results(rn, a), str(a, name), r);
	return jvstr(a, "", 0);
}

/* load_result(name): what was stored, once ("main" any number of
 * times); None for a name never stored. */
static struct jv *
fnloadresult(struct jev *v, void *data, struct jcall *c)
{
	struct rnode *rn = data;
	struct arena *a = jevarena(v);
	const char *name;
	struct jv *k, *r;

	nokw(v, c, "load_result", NULL);
	name = strarg(v, c, 0, NULL, "load_result");
	k = str(a, name);
	if (!(r = jvget(results(rn, a), k)))
		return &jvnone;
	if (!strcmp(name, "main"))
		return r;
	if (r->type == JNONE)
		jfail(v, "The 'statement' result named '%s' has already been loaded into a "
		    "variable", name);
	jvset(a, results(rn, a), k, &jvnone);
	return r;
}

void
dbtdbnames(struct rnode *rn, struct arena *a, struct jv *d)
{
	put(a, d, "store_result", jvfunc(a, "store_result", fnstoreresult, rn));
	put(a, d, "store_raw_result", jvfunc(a, "store_raw_result", fnstoreraw, rn));
	put(a, d, "load_result", jvfunc(a, "load_result", fnloadresult, rn));
}
