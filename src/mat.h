/* mat.h: materializations, as dbt-postgres runs them.
 *
 * Each materialization is a short sequence of steps (pg.h). The node's
 * transaction is one step where the protocol allows: create the schema,
 * BEGIN, an advisory lock on the relation's name (two deploys of one
 * target never interleave on it), drop any stale __dbt_tmp/__dbt_backup
 * relation whatever its kind (server-side, no catalog round trip), the
 * statement, the rename swap, grants, comments, COMMIT, and the backup's
 * drop. Hooks with transaction: false are steps of their own, outside. */
#ifndef MAT_H
#define MAT_H

#include <stdio.h>

#include "jobfile.h"
#include "pg.h"

struct runner {
	PGconn *conn;		/* NULL with --dry-run */
	FILE *dry;		/* where --dry-run prints the steps */
	struct jobfile *job;
	int fullrefresh;
	struct outcome out;	/* the main statement's status */
	char *err;		/* why it failed */
	/* for tests */
	long failures;
	int verdict;		/* 0 pass, 1 warn, 2 fail */
};

/* Run (or print) the job's materialization. Returns 0 or -1 with r->err. */
int materialize(struct runner *r);

/* The identifier with a suffix, truncated to fit 63 bytes as dbt does. */
char *suffixed(const char *ident, const char *suffix);

#endif
