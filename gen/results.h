/* results.h: what the executor's runs left, and dbt2ninja results.
 *
 * Each run of dbt2ninja-run leaves results/<name>.json in the directory of
 * its connection (conn.h), one entry of dbt's run_results.json. A node's
 * result is current when it is newer than its job (it ran for what the job
 * says now) and not older than its parents' current results (it has run
 * since they did). A node with no current result is skipped when it is
 * still to deploy (no stamp, or one older than its job or a parent's) and
 * a node upstream failed or was skipped; otherwise it is clean (deployed
 * and current) or dirty (still to deploy). dbt2ninja results writes
 * target/run_results.json (dbt's v6 schema) with every current result and,
 * as "skipped", every skipped node. */
#ifndef RESULTS_H
#define RESULTS_H

#include <time.h>

#include <cjson/cJSON.h>

#include "manifest.h"

enum { RUNKNOWN, RCLEAN, RRAN, RFAILED, RSKIPPED, RDIRTY };

struct results {
	int *st;		/* per node of the manifest (runnable ones set) */
	cJSON **res;		/* its current result, or NULL; owned */
	struct timespec *at;	/* when that result was written */
};

/* The runs left under dir, a connection's directory, for every runnable
 * node of m. */
void resultsread(const struct manifest *m, const char *dir, struct results *r);
void resultsfree(const struct manifest *m, struct results *r);

/* Node n's last result under dir, whatever job it was for, or NULL when
 * there is none or it does not parse (a run cut short); its mtime in *at
 * when at is not NULL. Caller frees. */
cJSON *resultload(const char *dir, const struct node *n, struct timespec *at);

/* A result's execute timing (timing[0], dbt's UTC 2026-12-01T15:46:29.611258Z)
 * in microseconds since the epoch: 1, or 0 when it has none. */
int resulttiming(const cJSON *r, long long *start, long long *end);

/* Write path from the stamps and results under dir, a connection's
 * directory; returns how many nodes failed (error or fail). */
int resultswrite(const struct manifest *m, const char *dir, const char *path);

#endif
