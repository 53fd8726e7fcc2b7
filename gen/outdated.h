/* outdated.h: which nodes Ninja would run next, decided as Ninja decides.
 *
 * A node's deploy edge (dbt2ninja(5)) makes its stamp DIR/ok/NAME from its
 * job, target/ninja/sql/NAME.sql, with its parents' stamps (and, in a
 * blue/green file, the mark) as implicit inputs; its rule has generator =
 * 1. Ninja runs it, as src/graph.cc's RecomputeDirty has it, when a parent
 * will run; when the stamp is missing; when the stamp is older than the
 * newest input; or when the log's last line for the stamp recorded an
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
