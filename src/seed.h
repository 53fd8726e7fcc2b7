/* seed.h: a seed's CSV file, its column types, and its COPY data.
 *
 * The file is read as dbt 1.11 reads it: UTF-8 (a leading BOM skipped),
 * Python's csv reader (universal newlines, quotes only at a field's start,
 * an unterminated quote running to the end, a blank line a row of nulls,
 * a short row padded with nulls, a long one refused), agate's column names
 * (an empty one its letter, a repeated one _2, _3), then agate's type
 * tester with dbt's types: the first of number (integer, or float8 when a
 * normalized value has decimal places; "1,000", "$5", "50%", "1e5"),
 * date (strptime %Y-%m-%d), timestamp (strptime "%Y-%m-%d %H:%M:%S", or
 * isodate's ISO 8601 with a T), boolean (true/false, any case) that takes
 * every value, else text; "" and "null" (any case, stripped) are null; a
 * column of nulls is integer; column_types makes a column text for
 * inference. The COPY data holds the values dbt inserts (numbers, dates
 * and timestamps normalized, text as it is), nulls as empty unquoted
 * fields. A timestamp with a UTC offset in a timestamp column is sent as
 * dbt sends it, with its offset ("2024-01-02 03:04:05+02:00"), for the
 * loader to convert to the session's time zone as dbt's timestamptz
 * literal is converted: such a column is marked offset, and the seed's
 * offsetat names the first such value. A NUL byte in a text value and an
 * offset of 24 hours or more (Python's datetime refuses it) are refused. */
#ifndef SEED_H
#define SEED_H

#include <cjson/cJSON.h>

#include "util.h"

struct seedcol {
	char *name;
	char *type;
	int offset;	/* some value carries a UTC offset (text in the COPY data) */
};

struct seed {
	struct buf raw;		/* the file as read */
	struct buf copy;	/* the rows as COPY ... (format csv) reads them */
	struct seedcol *cols;
	size_t ncols, nrows;
	char *offsetat;		/* "path:line:col" of the first offset, or NULL */
};

/* Read path. Returns 0, or -1 with *err set (caller frees). */
int seedread(struct seed *sd, const char *path, const char *delim,
    const cJSON *coltypes, char **err);
void seedfree(struct seed *sd);

/* The types one value fits, as a bit set (exposed for the tests), with the
 * value's decimal places. TDATETIME is strptime's form, TISO isodate's. */
enum {
	TNUMBER = 1, TDATE = 2, TDATETIME = 4, TISO = 16, TBOOLEAN = 8,
};
int seedfits(const char *v, int *decimals);

#endif
