/* dbtcolumn.h: dbt-postgres' Column (dbt/adapters/base/column.py and
 * PostgresColumn), as postgres__get_columns_in_relation reads it from
 * information_schema.columns: what an incremental run compares, widens
 * and adds columns by. Private to the executor's materializations. */
#ifndef DBTCOLUMN_H
#define DBTCOLUMN_H

#include "pg.h"
#include "util.h"

struct dbtcol {
	char *name;	/* column_name */
	char *dtype;	/* data_type: "character varying", "ARRAY", ... */
	char *size;	/* character_maximum_length, or NULL */
	char *prec, *scale;	/* numeric_precision, numeric_scale, or NULL */
};

struct dbtcols {
	struct dbtcol *v;
	size_t n;
};

/* postgres__get_columns_in_relation's query of a relation's columns, in
 * their order: in db (or none) and schema (or the current one); a
 * temporary table (temp) by its name alone, as dbt's has no schema. */
void dbtcolquery(struct buf *b, const char *db, const char *schema, const char *ident, int temp);
/* The columns of the query's result. */
void dbtcolsfrom(const PGresult *res, struct dbtcols *c);
void dbtcolsfree(struct dbtcols *c);
/* The column named name (exactly), or NULL. */
const struct dbtcol *dbtcolfind(const struct dbtcols *c, const char *name);

/* Column.is_string: text, character varying, character, varchar. */
int dbtcolisstring(const struct dbtcol *c);
/* Column.string_size of a string column: 256 for text and for a column
 * without a length, else its length. */
long dbtcolstringsize(const struct dbtcol *c);
/* PostgresColumn.data_type (its expanded_data_type too): text and an
 * unbounded character varying as they are, any other string column as
 * character varying(string_size), numeric(p,s) when both are known, else
 * data_type as information_schema says it. */
void dbtcoltype(struct buf *b, const struct dbtcol *c);
/* Column.can_expand_to: both strings and to's string_size larger. */
int dbtcolcanexpand(const struct dbtcol *c, const struct dbtcol *to);
/* Python's repr() of the PostgresColumn, as dbt's messages show it. */
void dbtcolrepr(struct buf *b, const struct dbtcol *c);

#endif
