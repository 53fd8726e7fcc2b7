/* seedload.c: loading a seed, as dbt-postgres does. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "matstep.h"
#include "seed.h"

/* The table a seed whose timestamps carry offsets is staged in. */
#define STAGE "pg_temp.dbt2ninja_seed"

static void
colname(struct buf *b, const struct jobfile *j, const struct seedcol *c)
{
	if (jobbool(j, "quote_columns", 1))
		qident(b, c->name);
	else
		bufputs(b, c->name);
}

/* A seed's columns, quoted unless quote_columns is false, with their types
 * when types is set (text for a column with offsets when it is 2): for
 * COPY, and for create table. */
void
matseedcolumns(struct buf *b, const struct jobfile *j, const struct seed *sd, int types)
{
	size_t i;

	for (i = 0; i < sd->ncols; i++) {
		if (i)
			bufputs(b, ", ");
		colname(b, j, &sd->cols[i]);
		if (types)
			bufprintf(b, " %s", types == 2 && sd->cols[i].offset ? "text" :
			    sd->cols[i].type);
	}
}

/* The rows of a seed with offsets: dbt sends such a value as a timestamptz
 * literal, which the timestamp column takes in the session's time zone,
 * and the others as timestamp literals. So the rows are copied into a
 * table of the transaction with those columns as text, and inserted from
 * it, each value cast as dbt's literal is. */
static void
staged(struct step *s, const struct jobfile *j, const struct seed *sd, const char *cols)
{
	struct buf b = {0};
	size_t i;

	bufputs(&b, "create temporary table " STAGE " (");
	matseedcolumns(&b, j, sd, 2);
	bufputs(&b, ") on commit drop");
	matstmtf(s, &b);
	bufprintf(&b, "copy " STAGE " (%s) from stdin with (format csv)", cols);
	matstmtf(s, &b);
	s->mainstmt = matnstmts;
	bufprintf(&b, "insert into %s (%s)\nselect ", j->relation, cols);
	for (i = 0; i < sd->ncols; i++) {
		if (i)
			bufputs(&b, ", ");
		if (!sd->cols[i].offset) {
			colname(&b, j, &sd->cols[i]);
			continue;
		}
		bufputs(&b, "case when ");
		colname(&b, j, &sd->cols[i]);
		bufputs(&b, " ~ '[+-][0-9]{2}:[0-9]{2}$' then ");
		colname(&b, j, &sd->cols[i]);
		bufputs(&b, "::timestamptz::timestamp else ");
		colname(&b, j, &sd->cols[i]);
		bufputs(&b, "::timestamp end");
	}
	bufputs(&b, "\nfrom " STAGE);
	matstmtf(s, &b);
	buffree(&b);
}

/* A seed's CSV, read and checked against the hash the job holds, its
 * column list for COPY, and whether to rebuild it. */
int
matseedload(struct runner *r, struct seed *sd, struct buf *cols, int *full)
{
	const struct jobfile *j = r->job;
	const char *path = jobstr(j, "seed_path", NULL), *want = jobstr(j, "seed_sha256", NULL);
	char h[SHA256_HEX];

	memset(sd, 0, sizeof(*sd));
	if (!path) {
		r->err = xstrdup("the job names no seed file");
		return -1;
	}
	if (seedread(sd, path, jobstr(j, "delimiter", ","), jobget(j, "column_types"), &r->err) < 0)
		return -1;
	if (memchr(sd->raw.s, '\0', sd->raw.len)) {
		r->err = xasprintf("%s: a NUL byte: no column value can carry it", path);
		return -1;
	}
	sha256hex(sd->raw.s, sd->raw.len, h);
	if (!want || strcmp(want, h)) {
		r->err = xasprintf("%s changed since dbt2ninja wrote the job: run dbt2ninja "
		    "(or ninja) again", path);
		return -1;
	}
	*full = r->fullrefresh;
	if (jobget(j, "full_refresh"))
		*full = jobbool(j, "full_refresh", 0);
	matseedcolumns(cols, j, sd, 0);
	return 0;
}

int
pgseed(struct runner *r)
{
	struct jobfile *j = r->job;
	struct seed sd;
	struct buf b = {0}, cols = {0};
	struct step s;
	int rc = -1, full;

	if (matseedload(r, &sd, &cols, &full) < 0)
		goto out;
	if (matouterhooks(r, "pre-hook") < 0)
		goto out;
	matstep(&s);
	matnstmts = 0;
	matbegin(&s, j);
	if (mathooks(r, &s, "pre-hook", 1) < 0) {
		buffree(&s.sql);
		goto out;
	}
	if (full) {
		bufprintf(&b, "drop table if exists %s cascade", j->relation);
		matstmtf(&s, &b);
	}
	bufprintf(&b, "create table if not exists %s (", j->relation);
	matseedcolumns(&b, j, &sd, 1);
	bufputc(&b, ')');
	matstmtf(&s, &b);
	bufprintf(&b, "truncate table %s", j->relation);
	matstmtf(&s, &b);
	if (sd.offsetat) {
		staged(&s, j, &sd, cols.s);
	} else {
		s.mainstmt = matnstmts;
		bufprintf(&b, "copy %s (%s) from stdin with (format csv)", j->relation, cols.s);
		matstmtf(&s, &b);
	}
	s.copydata = sd.copy.s;
	s.copylen = sd.copy.len;
	matindexes(&s, j, j->relation);
	/* should_revoke: a table that persists (on a new one nothing is held,
	 * so the diff grants everything, as without) */
	rc = matfinish(r, &s, "table", !full);
	/* dbt's seed answers with its noop statement's words, not the
	 * server's: CREATE n on a full refresh, else INSERT n, n the CSV's
	 * rows */
	if (rc == 0) {
		snprintf(r->out.status, sizeof(r->out.status), "%s %zu",
		    full ? "CREATE" : "INSERT", sd.nrows);
		snprintf(r->out.rows, sizeof(r->out.rows), "%zu", sd.nrows);
	}
out:
	seedfree(&sd);
	buffree(&b);
	buffree(&cols);
	return rc;
}
