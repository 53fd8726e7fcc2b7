/* hooks.h: hooks rendered by the generator (dbtctx.h's dbtrenderstr).
 *
 * A node's pre-hooks and post-hooks are rendered as dbt renders them when
 * the node runs (its run_hooks): with the node's context, this being its
 * relation, trimmed, the empty ones left out. Its job then carries them
 * rendered, with the line
 *
 *	-- hooks: "rendered"
 *
 * so that the executor runs them as they are (a job without it has its
 * hooks as the manifest wrote them, {{ this }} substituted when it runs).
 *
 * The on-run-start and on-run-end hooks (the manifest's operations) are
 * put in dbt's order (the packages' first, by package name, the root
 * project's last; each package's by index) and rendered with dbt's
 * context for them: this is none; on-run-end's schemas and
 * database_schemas are those of the nodes a deployment runs (models but
 * ephemeral ones, seeds and snapshots), sorted; results is refused. Each
 * is a job of its own, resource_type operation, whose SQL runs on its own
 * connection outside a transaction, and an edge (ninja.h). The first
 * on-run-start also carries the schemas to create before it, as dbt
 * creates them before its on-run-start hooks:
 *
 *	-- hook: "shop.on-run-start.0"
 *	-- schemas: [["db","analytics"],...]
 *
 * A hook that needs what only its run knows (is_incremental() where the
 * answer depends on the database, a query, results, ...) stops the
 * generator naming the file, the node, the hook and the construct. A
 * manifest of dbt before 0.20 is left as it was: its nodes' hooks are
 * substituted by the executor, and its operations are not run, with a
 * warning. */
#ifndef HOOKS_H
#define HOOKS_H

#include "manifest.h"

struct renderopts;
struct rdoc;

/* Render every runnable node's hooks and every operation over the tree d
 * (render.h). Exits 1 naming what cannot be rendered. */
void hooksrender(struct manifest *m, const struct renderopts *o, struct rdoc *d);

/* A node's keyed lines with its rendered hooks' SQL rewritten with map, as
 * sqlrewrite() rewrites a node's (production's names, for --state); config
 * itself when it has no rendered hooks. Kept in a. */
struct htab;
const char *hooksrewrite(struct arena *a, const char *config, const struct htab *map);

#endif
