/* results.h: dbt2ninja results, gathering the executor's result files.
 *
 * Each run of dbt2ninja-run leaves results/<name>.json in the directory of
 * its connection (conn.h), one entry of dbt's run_results.json. This writes target/run_results.json
 * (dbt's v6 schema) with the result of every node of the manifest whose
 * result is newer than its job (it ran for what the job says now), and, as
 * "skipped", every node still to deploy that did not run because a node
 * upstream failed or was skipped. */
#ifndef RESULTS_H
#define RESULTS_H

#include "manifest.h"

/* Write path from the stamps and results under dir, a connection's
 * directory; returns how many nodes failed (error or fail). */
int resultswrite(const struct manifest *m, const char *dir, const char *path);

#endif
