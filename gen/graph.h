/* graph.h: the dependency graph of a manifest's runnable nodes.
 *
 * graphbuild() resolves depends_on (duplicates removed, an unknown id is an
 * error), rejects cycles, gives every runnable node and exposure its
 * runnable parents (a node past an ephemeral parent waits for that parent's
 * own parents, transitively), lists each node's tests, and gives each
 * non-test node the tests it waits for under dbt build: a test of a parent
 * gates a child when every node the test depends on is an ancestor of the
 * child. Two enabled models, seeds or snapshots writing one relation are an
 * error. All lists are sorted by unique_id. Errors exit 1. */
#ifndef GRAPH_H
#define GRAPH_H

#include "manifest.h"

void graphbuild(struct manifest *m);

#endif
