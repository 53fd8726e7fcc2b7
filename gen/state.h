/* state.h: production state, dbt's --state and --defer.
 *
 * stateload() compares every runnable node's job with the job production's
 * manifest gives for it, or with the hash of the job production deployed
 * (dbt2ninja-run --record keeps it in dbt2ninja.deployments: --state db). Production may have been compiled for another
 * target: the node's relation, and every reference in its SQL to a node
 * production also has, are first translated to production's names (with
 * the SQL lexer, never inside strings or comments); then the jobs are
 * compared as the generator's write-if-changed compares them (layout and
 * comments outside strings do not count; a seed also compares dbt's
 * checksum of its file). A node is new when production lacks it, modified
 * when its job differs, downstream when a node it depends on is new or
 * modified: together dbt's state:modified+.
 *
 * With dbt's comparison (--state-compare dbt; both manifests read with
 * LOADDBT) a node is modified as dbt's state:modified says: its raw code (a
 * seed's checksum), unrendered config but for alias, schema, database, tags
 * and group (a generic test's allowed keys only), fqn, configured database,
 * schema and alias, persisted descriptions or contract differ, or a macro
 * it depends on, transitively, was added, removed or changed.
 *
 * statedefer() rewrites, in the SQL of every node that will run, the
 * references to parents that will not run to production's relations.
 *
 * statemark(), after the jobs are written, gives every unchanged node its
 * stamps in the connection's directory (stamp.h), parents first, so that
 * Ninja sees it built. Without --defer, a node downstream of a change
 * whose own job is production's, deployed to production's relation, is
 * stamped too, and a modified one production has keeps an interface stamp
 * (of production's job's header): whether what is downstream runs is then
 * for the change's interface and contents to say, as in a deployment
 * here (early cutoff). The stamps of the rest of state:modified+ are
 * removed, so `ninja deploy` runs them. Nodes production has and this
 * manifest does not are never selected. */
#ifndef STATE_H
#define STATE_H

#include "conn.h"
#include "job.h"
#include "manifest.h"
#include "profile.h"

struct statestats {
	size_t new, modified, downstream, unchanged, deferred;
};

struct deployment {
	char *relation, *hash;
	char *target;		/* a late job's target digest (render.h), or NULL */
};

struct state {
	char *path;		/* production's manifest, or NULL for the database */
	struct manifest prod;
	struct htab rows;	/* unique_id -> struct deployment, from the database */
	char *target;		/* whose deployments they are */
	int *st;		/* per node of the current manifest */
	struct htab toprod;	/* canonical relation here -> production's */
	struct buf keys;	/* holds toprod's keys */
	struct statestats stats;
	const struct jobopts *opts;
	struct arena scratch;	/* nodes' keyed lines translated (hooks.h) */
	int dbt;		/* --state-compare dbt */
	int defer;		/* --defer: what runs is built elsewhere */
	char **prodhead;	/* per node: production's job's header hash, or NULL */
	size_t nnodes;		/* the current manifest's, for prodhead */
	struct htab changed;	/* macros that differ from production's */
};

/* path: a manifest, a directory holding manifest.json, or db[:TARGET]:
 * the deployments dbt2ninja-run --record wrote for TARGET (default: the
 * profile's own target:), read over the connection po gives. Exits 1 on a
 * bad state manifest, naming it, or when the database has no record. */
void stateload(struct state *s, const struct manifest *m, const char *path,
    const struct jobopts *o, const struct profileopts *po, int dbt);
void statedefer(struct state *s, struct manifest *m, int verbose);
/* For a modified node: whether its "relation", "configs" (the keyed lines)
 * or "body" (the SQL, normalized) differs from production's. From the
 * database's record only the whole job is known: every part differs. */
int statepart(struct state *s, const struct manifest *m, const struct node *n,
    const char *part);
void statemark(struct state *s, const struct manifest *m, const struct conn *c);
void statefree(struct state *s);

#endif
