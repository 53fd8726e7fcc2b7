/* pg.h: the database conversation, over libpq.
 *
 * A step is one query string, possibly several statements, sent with the
 * simple-query protocol (as dbt's adapters send them) and answered by one
 * result per statement. A step may carry the node's SQL at a known offset,
 * so that an error position maps back to a line of the model, and COPY data
 * to send when a statement asks for it. */
#ifndef PG_H
#define PG_H

#include <signal.h>

#include <libpq-fe.h>

#include "util.h"

struct step {
	struct buf sql;
	int sqloff, sqllen;	/* where the node's SQL is in sql, or -1 */
	int mainstmt;		/* which statement's status is the node's, or -1 */
	const char *copydata;	/* sent to COPY FROM STDIN */
	size_t copylen;
	int transactional;	/* roll back on error */
	int tryat;		/* a statement whose failure leaves the transaction
				 * open, in error, for the caller to roll back to
				 * a savepoint before it; -1 for none */
};

struct outcome {
	char sqlstate[6];	/* of the error, or "" */
	char status[64];	/* the main statement's command status */
	char rows[32];		/* its row count, or "" */
	PGresult *last;		/* the last tuples result, for the caller */
	int committed;		/* COMMITs the server acknowledged */
	int unanswered;		/* a step's answer never came after a signal */
	int kept;		/* the step failed at its tryat statement: its
				 * transaction is left open */
};

/* Connect with conninfo (keywords/values from the profile, or libpq's
 * environment when empty), retrying as dbt does: up to retries more
 * attempts, sleeping (n-1)^2 seconds before attempt n. Exits 1 on failure,
 * 128+signal when interrupted. The signals are handled (pgsignals()) from
 * before connecting; they cancel the statement running on it. */
PGconn *pgconnect(const char *const *keys, const char *const *vals, int retries);

/* Send a step and read all its results. Returns 0, or -1 with the error
 * in *err (caller frees) after rolling back an open transaction (unless it
 * failed at s->tryat: o->kept); file and sqlline place the node's SQL for
 * the error's position. After a signal, a step is not sent: -1 at once. */
int pgstep(PGconn *c, const struct step *s, const char *file, int sqlline,
    struct outcome *o, char **err);

/* Set by the signal handler: 0, or the signal that interrupted us. */
extern volatile sig_atomic_t pginterrupted;

/* SIGINT, SIGTERM and SIGHUP recorded in pginterrupted; waiting for the
 * server, the running statement is then cancelled, its answer awaited a
 * few seconds, and the process exits 128+signal a few seconds after the
 * signal whatever the server does. SIGPIPE is ignored. pgconnect() calls
 * it. */
void pgsignals(void);

/* Send sql (no results kept) and wait as pgstep() does; -1 with *err
 * (caller frees) on failure, or at once after a signal. */
int pgexec(PGconn *c, const char *sql, char **err);

/* Send sql (one or more statements) and wait as pgstep() does: the last
 * result, or NULL with *err (caller frees) when a statement failed, or at
 * once after a signal. Nothing is rolled back. */
PGresult *pgresult(PGconn *c, const char *sql, char **err);
/* Describe a failed result: SQLSTATE, message, and the offending line of
 * the node's SQL when the error has a position inside it. */
char *pgerror(const PGresult *r, const struct step *s, const char *file,
    int sqlline);

/* Append s quoted as an identifier / a string literal. */
void qident(struct buf *b, const char *s);
void qliteral(struct buf *b, const char *s);

#endif
