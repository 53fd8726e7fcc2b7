/* manifest.h: dbt's target/manifest.json, every schema version.
 *
 * The manifest is read in one pass and only what dbt2ninja needs is kept.
 * The top-level object and the "nodes" map are stepped through member by
 * member; each member is parsed by cJSON on its own, into a scratch arena
 * that is reset after it, and the node's fields are copied out. A 100 MB
 * manifest never exists as one tree: memory is the file plus what is kept.
 * The text is kept until the render is done (render.h), which parses only
 * the nodes it renders and what they reach, and keys the others by the
 * sums taken here.
 *
 * Entries of "nodes" become nodes; "sources", and nodes injected from other
 * projects (dbt mesh: no file, no code), are external leaves; top-level
 * "exposures" are kept for phony targets; the ids of sources, exposures,
 * metrics, semantic models, saved queries, unit tests, functions and
 * disabled nodes are known ids a node may depend on; operations (on-run-start
 * and on-run-end hooks) are kept for hooks.h. Older spellings are
 * accepted: compiled_sql for compiled_code (injected_sql first, which
 * holds the ephemeral CTEs before 1.0), raw_sql for raw_code, and Fusion's
 * pre_hook/post_hook for pre-hook and post-hook. */
#ifndef MANIFEST_H
#define MANIFEST_H

#include <stddef.h>

#include "arena.h"
#include "htab.h"
#include "util.h"

struct cJSON;

enum kind {
	KIGNORED,	/* analyses, disabled nodes, ...: never run */
	KRUN,		/* models, seeds, snapshots, data tests: one edge each */
	KEPHEMERAL,	/* ephemeral models: their parents stand in for them */
	KEXTERNAL,	/* injected nodes: leaves outside the build */
	KOPERATION,	/* on-run-start and on-run-end hooks: an edge each (hooks.h) */
};

enum rtype { RMODEL, RSEED, RSNAPSHOT, RTEST, ROTHER };
enum { HOOKSTART = 1, HOOKEND = 2 };	/* an operation's hook */

struct node {
	const char *uid;
	const char *name;
	const char *type;	/* resource_type as written */
	enum rtype rtype;
	enum kind kind;
	const char *materialized; /* a model's materialization, else type */
	const char *sql;	/* compiled SQL, or NULL when there is none */
	const char *incrsql;	/* an incremental's other form (render.h), or NULL */
	int late;		/* rendered when it runs (render.h): sql is its JSON */
	int latehooks;		/* its hooks need the database: so rendered too */
	const char *hookenvs;	/* the env vars they read here, one a line */
	const char *language;	/* "sql" unless the manifest says otherwise */
	const char *relation;	/* relation_name, else built from its parts */
	const char *path;	/* original_file_path, or NULL */
	const char *rootpath;	/* a seed's root_path (its package's directory), or NULL */
	const char *config;	/* the job's keyed header lines (jobconfig()) */
	const char *checksum;	/* dbt's checksum of the node's file, or NULL */
	const char **tags;
	size_t ntags;
	const char **depids;	/* depends_on.nodes as written */
	size_t ndepids;
	/* kept only when the manifest is read for selection (m->forselect) */
	const char **fqn;
	size_t nfqn;
	const char *package;	/* package_name (seeds: always kept) */
	const char *configjson;	/* the whole config, as JSON */
	int generic;		/* a test with test_metadata */
	/* kept only for pictures (LOADGRAPH), of every node but ignored ones */
	const char *schema;	/* schema, or NULL */
	const char *version;	/* a versioned model's version, or NULL */
	const char *attached;	/* a test's attached_node, or NULL */
	/* kept only for dbt's own comparison (LOADDBT) */
	char dbtsum[65];	/* raw code, unrendered config, fqn, ... hashed */
	const char **macros;	/* depends_on.macros */
	size_t nmacros;
	char *file;		/* job and stamp file name (jobname()) */
	char *jobhash;		/* SHA-256 of the job file when this run wrote it */
	char *headhash;		/* of its header, as this run rendered it */
	/* for the render (render.h): where its JSON is in the manifest's
	 * text while that is kept (m->json), whether its config says
	 * ephemeral, whether it has raw code to render (language sql), and
	 * the SHA-256 of its text, taken as it is read when it has no
	 * compiled code (else NULL); rsum, manifestsum() of its tree, is
	 * the render's to take when it needs it */
	const char *at;
	size_t len;
	int ephem, rawok;
	char *rawsum, *rsum;
	struct cJSON *tree;	/* its JSON, with LOADTREES when rawsum is set */
	/* its SQL is its job file's, unread: the file is as this run would
	 * write it (render.h's keep), so jobwriteall() leaves it; keptcfg is
	 * config then, keptjob its job's SHA-256 and headhash its header's */
	int kept;
	const char *keptcfg;
	char keptjob[65];
	/* rendered here, where its template's own text went in sql and
	 * incrsql (jeval.h's jmarks, two offsets each), and the template's
	 * skeleton (jskeleton), hashed: for delta.h; marked 0 otherwise */
	int marked;
	size_t *marks[2], nmarks[2];
	char skel[65];

	struct node **deps;	/* depids resolved, duplicates removed */
	size_t ndeps;
	struct node **parents;	/* the runnable nodes this one waits for */
	size_t nparents;
	struct node **gates;	/* tests that must pass first (dbt build) */
	char *refused;		/* a config key dbt2ninja does not do (LOADDEPLOY) */
	size_t ngates;
	struct node **tests;	/* runnable tests that depend on this node */
	size_t ntests;

	/* an operation (KOPERATION): HOOKSTART or HOOKEND, its place among
	 * those of its kind in dbt's order, and its index in the manifest */
	int hook, hookpos, hookidx;

	int mark;		/* scratch for graph walks */
	int done;		/* parents computed (ephemeral collapse) */
};

struct exposure {
	const char *uid;
	const char *name;
	const char *type, *label, *path;	/* LOADGRAPH; each may be NULL */
	const char **depids;
	size_t ndepids;
	const char **tags;
	size_t ntags;
	struct node **parents;
	size_t nparents;
};

/* A source table (LOADGRAPH): outside the build, drawn as its leaf. */
struct source {
	const char *uid;
	const char *name;	/* source_name.name, as dbt's source() names it */
	const char *schema;	/* or NULL */
	const char *path;	/* original_file_path, or NULL */
};

/* A member's JSON in m->json; len 0 when there is none. */
struct span {
	const char *uid;	/* a source's, or NULL */
	const char *at;
	size_t len;
};

struct macro {
	char sum[65];		/* of macro_sql */
	const char **deps;	/* depends_on.macros */
	size_t ndeps;
};

struct manifest {
	const char *path;
	const char *text;	/* its text, when given rather than read, or NULL */
	size_t textlen;
	struct arena keep;	/* every string and list above */
	struct arena trees;	/* the nodes' JSON the render takes (node's tree) */
	const char *adapter;	/* metadata.adapter_type, else "postgres" */
	int adapterset;		/* whether metadata.adapter_type said it */
	const char *dbtversion;	/* metadata.dbt_version, or NULL */
	const char *project;	/* metadata.project_name, or NULL */
	int forselect;		/* keep what selectors match on (set before loading) */
	int fordbt;		/* keep what dbt's state comparison needs */
	int fordeploy;		/* check the config keys as for deploying it */
	int forgraph;		/* keep what pictures draw */
	int fortrees;		/* LOADTREES */
	struct htab macros;	/* macro unique_id -> struct macro (LOADDBT) */
	const char **matover;	/* unique_ids of the materialization macros */
	size_t nmatover;
	struct node *nodes;	/* sorted by unique_id */
	size_t nnodes;
	struct exposure *exposures;	/* sorted by name */
	size_t nexposures;
	struct source *sources;	/* sorted by unique_id (LOADGRAPH) */
	size_t nsources;
	struct htab index;	/* unique_id -> node */
	struct htab known;	/* other unique_ids a node may depend on */
	/* while a render may need it (not for LOADGRAPH alone): the text, and
	 * where each source and the top-level metadata and macros are in it;
	 * one tree never exists, each member is parsed when asked
	 * (render.h). spandup: a unique_id or one of those keys twice,
	 * whose tree only the whole text gives as cJSON takes it. */
	const char *json;
	size_t jsonlen;
	char *jsonown;		/* json, when read here (else m->text) */
	void *map;		/* json's file, mapped (mapfile()), or NULL */
	size_t maplen;
	struct htab srcspans;	/* source unique_id -> struct span */
	struct span metadata, macrospan;
	int spandup;
};

/* Read the manifest at path; on any error print it naming the file (with
 * line:column for bad JSON) and exit 1. With forselect, also keep what
 * selectors match on. */
void manifestload(struct manifest *m, const char *path);
/* Where the generator wrote the manifest of a project it read itself. */
#define PROJMANIFEST "target/ninja/manifest.json"
/* The manifest the commands read by default: dbt's target/manifest.json,
 * else, where the generator read the project itself, the one it wrote. */
const char *manifestdefault(void);
/* LOADTREES: each node's JSON the render will take is kept (node's
 * tree), for a render of every node (none of the last run's to reuse);
 * else the render parses again the few it takes. */
enum { LOADSELECT = 1, LOADDBT = 2, LOADDEPLOY = 4, LOADGRAPH = 8, LOADTREES = 16 };
void manifestloadfor(struct manifest *m, const char *path, int what);
/* The same of a manifest's text (kept, unfreed, for render.c) named path
 * in messages: the project read itself (dbtparse.h). */
void manifestloadtext(struct manifest *m, const char *path, const char *text,
    size_t textlen, int what);
void manifestfree(struct manifest *m);
/* The unique_id of a materialization macro that dbt would run for n in
 * place of its own, as n's materialization is dbt's but the root project
 * defines it again (for adapter or one it inherits, or default), or, with
 * pkgs, a package does (dbt before 1.8, or with the flag
 * require_explicit_package_overrides_for_builtin_materializations false);
 * NULL when none does. */
const char *manifestmatover(const struct manifest *m, const struct node *n,
    const char *adapter, int pkgs);
/* The text is no longer needed (the render is done): free it. */
void manifestdroptext(struct manifest *m);
/* A node's JSON hashed, as the render cache keys it (render.h): each
 * member but created_at (dbt parse writes a new one each time), every
 * string with its length, members in their order; scratch is reused. */
void manifestsum(const struct cJSON *node, struct buf *scratch, char out[65]);

struct node *manifestnode(const struct manifest *m, const char *uid);
/* A node's name as dbt shows it: its name, a versioned model's NAME.vN
 * (LOADGRAPH keeps the version). Caller frees. */
char *manifestlabel(const struct node *n);
/* The source of that unique_id (LOADGRAPH), or NULL. */
struct source *manifestsource(const struct manifest *m, const char *uid);

#endif
