/* manifest.h: dbt's target/manifest.json, every schema version.
 *
 * The manifest is parsed once with cJSON; nodes point into the tree, which
 * the manifest owns until manifestfree(). Entries of "nodes" become nodes;
 * "sources" and nodes injected from other projects (dbt mesh: no file, no
 * code) are external leaves; top-level "exposures" are kept for phony
 * targets. Older spellings are accepted: compiled_sql for compiled_code,
 * raw_sql for raw_code, and Fusion's pre_hook/post_hook for pre-hook and
 * post-hook. */
#ifndef MANIFEST_H
#define MANIFEST_H

#include <cjson/cJSON.h>

#include "arena.h"
#include "htab.h"
#include "util.h"

enum kind {
	KIGNORED,	/* analyses, operations, disabled nodes, ...: never run */
	KRUN,		/* models, seeds, snapshots, data tests: one edge each */
	KEPHEMERAL,	/* ephemeral models: their parents stand in for them */
	KEXTERNAL,	/* sources and injected nodes: leaves outside the build */
};

enum rtype { RMODEL, RSEED, RSNAPSHOT, RTEST, ROTHER };

struct node {
	const char *uid;
	const char *name;
	const char *type;	/* resource_type as written */
	enum rtype rtype;
	enum kind kind;
	const cJSON *json;
	const cJSON *config;
	const char *sql;	/* compiled SQL, or NULL when there is none */
	const char *language;	/* "sql" unless the manifest says otherwise */
	char *relation;		/* relation_name, else built from its parts */
	char *file;		/* job and stamp file name (jobname()) */

	struct node **deps;	/* depends_on.nodes, resolved, duplicates removed */
	size_t ndeps;
	struct node **parents;	/* the runnable nodes this one waits for */
	size_t nparents;
	struct node **gates;	/* tests that must pass first (dbt build) */
	size_t ngates;
	struct node **tests;	/* runnable tests that depend on this node */
	size_t ntests;

	int mark;		/* scratch for graph walks */
	int done;		/* parents computed (ephemeral collapse) */
};

struct exposure {
	const char *name;
	const cJSON *json;
	struct node **parents;
	size_t nparents;
};

struct manifest {
	const char *path;
	struct buf text;
	struct arena arena;	/* holds the tree */
	cJSON *root;
	const char *adapter;	/* metadata.adapter_type, else "postgres" */
	struct node *nodes;	/* sorted by unique_id */
	size_t nnodes;
	struct exposure *exposures;	/* sorted by name */
	size_t nexposures;
	struct htab index;	/* unique_id -> node */
	struct htab known;	/* other unique_ids a node may depend on */
};

/* Read and index the manifest at path; on any error print it naming the
 * file and exit 1. The tree is parsed into the manifest's arena; cJSON
 * allocates with xmalloc() otherwise. */
void manifestload(struct manifest *m, const char *path);
void manifestfree(struct manifest *m);

struct node *manifestnode(const struct manifest *m, const char *uid);

/* Config value of a node, accepting both "pre-hook" and "pre_hook". */
const cJSON *nodeconfig(const struct node *n, const char *key);

#endif
