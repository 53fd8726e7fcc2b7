/* outdated.h: which nodes Ninja would run next, decided as Ninja decides.
 *
 * A node's deploy edge (dbt2ninja(5)) makes its stamps DIR/ok/NAME,
 * DIR/if/NAME and (for a node that stores data) DIR/data/NAME from its job,
 * target/ninja/sql/NAME.sql, with its parents' interface stamps (a view's)
 * or contents stamps (any other's) and, in a blue/green file, the mark as
 * implicit inputs; a view's contents stamp has an edge of its own, from
 * its deployment and its parents' contents. Rules have generator = 1.
 * Ninja runs an edge, as src/graph.cc's RecomputeDirty has it, when an
 * input's edge will run; when an output is missing; when one is older
 * than the newest input; or when the log's last line for one recorded an
 * mtime older than the newest input. Being generator edges, a changed
 * command or a stamp missing from the log is no reason. This answers the
 * same question without running ninja -n, for the stamps under one
 * connection's directory, and before any regeneration build.ninja would
 * do: for the job files as they are now. */
#ifndef OUTDATED_H
#define OUTDATED_H

#include "manifest.h"
#include "ninjalog.h"

/* next[i], for each runnable node m->nodes[i], set when Ninja would run
 * its deploy edge under dir; mark is the blue/green mark's path or NULL. */
void outdated(const struct manifest *m, const char *dir, const struct ninjalog *log,
    const char *mark, char *next);

#endif
