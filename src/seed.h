/* seed.h: a seed's CSV file, its column types, and its COPY data.
 *
 * The file is parsed (RFC 4180: quoted fields, doubled quotes, CRLF, a
 * leading UTF-8 BOM skipped) to infer each column's type as dbt does: the
 * first of integer or float8 (numbers; integer when no value has decimal
 * places), date (YYYY-MM-DD), timestamp (YYYY-MM-DD HH:MM:SS, or ISO 8601),
 * boolean (true/false, any case) that accepts every non-null value, else
 * text; "" and "null" are null; a column of nulls is integer. column_types
 * overrides. The rows are then written again as CSV for COPY FROM STDIN,
 * nulls as empty unquoted fields, so that the server parses them. */
#ifndef SEED_H
#define SEED_H

#include <cjson/cJSON.h>

#include "util.h"

struct seedcol {
	char *name;
	char *type;
};

struct seed {
	struct buf raw;		/* the file as read */
	struct buf copy;	/* the rows as COPY ... (format csv) reads them */
	struct seedcol *cols;
	size_t ncols, nrows;
};

/* Read path. Returns 0, or -1 with *err set (caller frees). */
int seedread(struct seed *sd, const char *path, const char *delim,
    const cJSON *coltypes, char **err);
void seedfree(struct seed *sd);

/* The type dbt infers for one value, as a bit set of the types it fits
 * (exposed for the tests). */
enum {
	TNUMBER = 1, TDATE = 2, TDATETIME = 4, TBOOLEAN = 8,
};
int seedfits(const char *v, int *decimals);

#endif
