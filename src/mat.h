/* mat.h: materializations, as dbt-postgres runs them (mat.c and the files
 * of each family: swap.c, incremental.c, snapshot.c, seedload.c,
 * datatest.c) and as dbt-materialize does (mz.c), over the steps of
 * matstep.h.
 *
 * Each materialization is a short sequence of steps (pg.h). The node's
 * transaction is one step where the protocol allows: BEGIN, the schema
 * created when missing, an advisory lock on the relation's name (two
 * deploys of one target never interleave on it), any stale __dbt_tmp or
 * __dbt_backup dropped, the statement, the rename swap, grants, comments,
 * the old relation dropped, COMMIT. Drops name the node's own kind (view or
 * table); when a relation of the other kind is in the way the step is sent
 * again with drops by kind, decided on the server. No catalog round trip,
 * and no PL/pgSQL in a fresh backend, on the common path. Hooks with
 * transaction: false are steps of their own, outside. */
#ifndef MAT_H
#define MAT_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "jobfile.h"
#include "pg.h"

/* What the node's relation was, or is (iface.c). */
struct prior {
	int known;		/* the catalog answered */
	char *iface;		/* its identity, kind and columns; NULL: none */
	int kind;		/* PostgreSQL's relkind ('v' view, 'r' table, 'm'
				 * materialized view) or Materialize's type as
				 * one of those ('o' any other), 0 when none */
	cJSON *info;		/* PostgreSQL, read by matundo(): {"comment":
				 * whether it has one, "commented": [its columns
				 * with one], "grants": [[grantee, privilege], ...]
				 * the node's role made}, or NULL */
};

struct runner {
	PGconn *conn;		/* NULL with --dry-run */
	FILE *dry;		/* where --dry-run prints the steps */
	struct jobfile *job;
	int fullrefresh;
	const char *which;	/* flags.WHICH: run, test or build */
	const char *record;	/* the target to record deployments for, or NULL */
	const char *cluster;	/* Materialize: the profile's cluster, or NULL */
	int stored;		/* a test's failures are already in its relation */
	int bluegreen;		/* Materialize: clusters take the _dbt_deploy suffix */
	struct late *late;	/* a job rendered when it runs: its context (late.c) */
	struct step *pending;	/* then, while its post-hooks render: the step so
				 * far, sent before a hook asks the database */
	int sentfailed;		/* that step failed: r->err says why */
	int samejob;		/* the job is the one of the node's last success */
	int sameshape;		/* the relation was built from a job with this
				 * header: only its SQL may differ (its interface
				 * stamp says so) */
	struct prior was;	/* the relation before the node ran */
	int inplace;		/* it was replaced in place, keeping its
				 * dependents bound */
	int fresh;		/* it was made anew (swapped in, dropped and
				 * created): its interface moved */
	const char *why;	/* why an existing relation was not, or NULL */
	char *whybuf;		/* why, when it is the server's words (owned) */
	struct outcome out;	/* the main statement's status */
	char *err;		/* why it failed */
	/* for tests */
	long failures;
	int verdict;		/* 0 pass, 1 warn, 2 fail */
};

/* Run (or print) the job's materialization: a postgres job as
 * dbt-postgres (mat.c), a materialize job as dbt-materialize (mz.c).
 * Returns 0 or -1 with r->err. */
int pgmaterialize(struct runner *r);
int mzmaterialize(struct runner *r);

/* A job the generator left to be rendered when it runs (late.c): its SQL
 * rendered on r's connection, after matiface() read r->was; nothing for
 * any other job. 0, or -1 with r->err. */
int matlate(struct runner *r);
/* A hook of such a job ("pre-hook" or "post-hook"), rendered as dbt's
 * run_hooks renders it (then trimmed; a hook that renders to a JSON
 * object is its "sql"), onto out: 0, or -1 with r->err. */
int matlatehook(struct runner *r, const char *kind, const char *in, struct buf *out);
void matlatefree(struct runner *r);
/* An on-run-start or on-run-end job rendered when it runs, on r's
 * connection, as dbt's safe_run_hooks renders it: j->sql becomes what it
 * renders to. An on-run-end's results are those in dir (a connection's
 * results/) of the nodes its job names, written since (microseconds since
 * the epoch). 0, or -1 with r->err; nothing for any other job. */
int matlateop(struct runner *r, const char *dir, long long since);
/* Read the node's relation as the catalog has it into p: 0, or -1 when
 * the catalog did not answer (p->known is 0). With --dry-run, the query
 * is printed (p->known is 0); nothing for a test. */
int matiface(struct runner *r, struct prior *p);
void priorfree(struct prior *p);
/* Whether the interface may have changed from before to after: they
 * differ, or either is unknown or absent. */
int ifacemoved(const struct prior *before, const struct prior *after);
/* PostgreSQL: what replacing the node's relation in place has to undo,
 * its comments and its grants, into r->was.info (printed with --dry-run).
 * 0, or -1 with r->err. */
int matundo(struct runner *r);

/* Send one statement (or a few, separated by semicolons) on its own,
 * autocommitted, or print it with --dry-run. Returns 0 with the last rows
 * in r->out.last, or -1 with r->err. */
int runsql(struct runner *r, const char *sql);

/* The identifier with a suffix, truncated to fit 63 bytes as dbt does. */
char *suffixed(const char *ident, const char *suffix);

#endif
