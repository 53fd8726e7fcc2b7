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
 * statemark(), after the jobs are written, gives every other node its
 * stamp in the connection's directory (conn.h), holding the hash of its
 * job and the connection's key, with mtimes set so that Ninja sees it
 * built: its job a second older than the stamps, all stamps alike. The
 * stamps of state:modified+ are removed, so `ninja deploy` runs exactly
 * those. Nodes production has and this manifest does not are never
 * selected. */
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
	int dbt;		/* --state-compare dbt */
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
