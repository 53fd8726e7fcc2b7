/* dbtcolumn.c: dbt-postgres' Column (dbtcolumn.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbtcolumn.h"

void
dbtcolquery(struct buf *b, const char *db, const char *schema, const char *ident, int temp)
{
	bufputs(b, "select\n    column_name,\n    data_type,\n    character_maximum_length,\n"
	    "    numeric_precision,\n    numeric_scale\n  from ");
	if (db && !temp) {
		qident(b, db);
		bufputc(b, '.');
	}
	bufputs(b, "INFORMATION_SCHEMA.columns\n  where table_name = ");
	qliteral(b, ident);
	if (!temp) {
		bufputs(b, "\n    and table_schema = ");
		if (schema)
			qliteral(b, schema);
		else
			bufputs(b, "current_schema()");
	}
	bufputs(b, "\n  order by ordinal_position");
}

static char *
field(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : xstrdup(PQgetvalue(res, row, col));
}

void
dbtcolsfrom(const PGresult *res, struct dbtcols *c)
{
	int i;

	c->n = res ? (size_t)PQntuples(res) : 0;
	c->v = xcalloc(c->n ? c->n : 1, sizeof(*c->v));
	for (i = 0; i < (int)c->n; i++) {
		c->v[i].name = field(res, i, 0);
		c->v[i].dtype = field(res, i, 1);
		c->v[i].size = field(res, i, 2);
		c->v[i].prec = field(res, i, 3);
		c->v[i].scale = field(res, i, 4);
		if (!c->v[i].name)
			c->v[i].name = xstrdup("");
		if (!c->v[i].dtype)
			c->v[i].dtype = xstrdup("");
	}
}

void
dbtcolsfree(struct dbtcols *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].dtype);
		free(c->v[i].size);
		free(c->v[i].prec);
		free(c->v[i].scale);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

const struct dbtcol *
dbtcolfind(const struct dbtcols *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].name, name))
			return &c->v[i];
	return NULL;
}

int
dbtcolisstring(const struct dbtcol *c)
{
	return !strcasecmp(c->dtype, "text") || !strcasecmp(c->dtype, "character varying") ||
	    !strcasecmp(c->dtype, "character") || !strcasecmp(c->dtype, "varchar");
}

long
dbtcolstringsize(const struct dbtcol *c)
{
	/* "text" exactly, as Python's == */
	if (!strcmp(c->dtype, "text") || !c->size)
		return 256;
	return strtol(c->size, NULL, 10);
}

void
dbtcoltype(struct buf *b, const struct dbtcol *c)
{
	if (!strcasecmp(c->dtype, "text") || (!strcasecmp(c->dtype, "character varying") && !c->size))
		bufputs(b, c->dtype);
	else if (dbtcolisstring(c))
		bufprintf(b, "character varying(%ld)", dbtcolstringsize(c));
	else if ((!strcasecmp(c->dtype, "numeric") || !strcasecmp(c->dtype, "decimal")) &&
	    c->prec && c->scale)
		bufprintf(b, "%s(%s,%s)", c->dtype, c->prec, c->scale);
	else
		bufputs(b, c->dtype);
}

int
dbtcolcanexpand(const struct dbtcol *c, const struct dbtcol *to)
{
	if (!dbtcolisstring(c) || !dbtcolisstring(to))
		return 0;
	return dbtcolstringsize(to) > dbtcolstringsize(c);
}

/* Python's repr() of a str. */
static void
pyrepr(struct buf *b, const char *s)
{
	char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';

	bufputc(b, q);
	for (; *s; s++) {
		if (*s == q || *s == '\\')
			bufputc(b, '\\');
		if (*s == '\n')
			bufputs(b, "\\n");
		else if (*s == '\t')
			bufputs(b, "\\t");
		else if (*s == '\r')
			bufputs(b, "\\r");
		else
			bufputc(b, *s);
	}
	bufputc(b, q);
}

void
dbtcolrepr(struct buf *b, const struct dbtcol *c)
{
	bufputs(b, "PostgresColumn(column=");
	pyrepr(b, c->name);
	bufputs(b, ", dtype=");
	pyrepr(b, c->dtype);
	bufprintf(b, ", char_size=%s, numeric_precision=%s, numeric_scale=%s)",
	    c->size ? c->size : "None", c->prec ? c->prec : "None", c->scale ? c->scale : "None");
}
