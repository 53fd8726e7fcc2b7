/* render.h: the nodes of a manifest from dbt parse, rendered by the
 * generator itself (dbtctx.h) instead of by dbt compile.
 *
 * Every runnable SQL node without compiled code is rendered from its raw
 * code, as dbt compile would render it; an incremental model in both of
 * its forms (n->sql as on its first run, n->incrsql with is_incremental()
 * true), the executor picking one on its connection. A node the renderer
 * cannot render exactly stops the generator: the message names the file,
 * line:column, the node and what it needs; nothing is written. In a
 * manifest dbt compiled in part (dbt compile --select), such a node is
 * left without SQL instead, with a warning saying why, as before. A node
 * with no raw code, or of a dbt before 0.20, is left without SQL. var()
 * reads the vars of dir/dbt_project.yml and of each package's own under
 * its packages-install-path (default dbt_packages). */
#ifndef RENDER_H
#define RENDER_H

#include <cjson/cJSON.h>

#include "dbtctx.h"
#include "manifest.h"
#include "util.h"

struct renderopts {
	cJSON *target;		/* what target has (main.c's targetctx), or NULL */
	const char *project;	/* the root project's name, or NULL */
	const char *dir;	/* the project directory ("" for .), or NULL */
	cJSON *vars;		/* --vars, or NULL */
	int threads;
	struct buf *index;	/* when not NULL, the render cache's new index */
	size_t *reused;		/* when not NULL, how many took their SQL from it */
	const char *bundle;	/* when not NULL, where the context of the nodes
				 * rendered when they run is written (RENDERCTX);
				 * removed when there is none */
	size_t *late;		/* when not NULL, how many are rendered so */
	int graph;		/* 1: the manifest is dbt's, graph is its flat
				 * graph; 2: a project read here, graph has its
				 * nodes, sources and exposures, looked up, and
				 * those ordered says iterated too; 0: refused */
	int ordered;		/* with 2: dbtparse's ORDNODES, ORDSOURCES */
	int forget;		/* the last run's renders are not reused: every
				 * node is rendered (and so marked) */
	int marks;		/* where each node's template's own text went
				 * is kept (struct node's marks, for delta.h) */
	int keep;		/* a node whose key and job header are as the
				 * last run's, and whose job file the job index
				 * vouches for, is left unread (struct node's
				 * kept): for a run whose only reader of SQL is
				 * jobwriteall() */
};

/* A node whose render needs the database (an adapter call, a statement,
 * run_query) is rendered by the executor when it runs: its job holds the
 * node and what it reaches as JSON in place of its SQL, and a "render"
 * line naming the context (this file, by its digest) and the env vars
 * read, hashed. */
#define RENDERCTX "target/ninja/render.json"
/* Beside it, what graph gives (sections of the manifest's tree) when one
 * of those nodes read graph here: its render line names graph's digest
 * as its env var "@graph", and the executor's graph is this file's. */
#define GRAPHFILE "graph.json"
/* An env var's name that none can have: a node whose render read graph
 * has it among its env vars, its value the graph's digest. */
#define GRAPHREAD "@graph"

/* The render cache's index: per node, the SHA-256 of what its rendering
 * depended on; a node whose inputs hash the same takes its SQL from its
 * job file. */
#define RENDERIDX "target/ninja/render.idx"

struct profile;
/* dbt's target as the renderer gives it: the profile's name, target and
 * type, its schema and threads, and the connection's host, port, user
 * and database; an attribute the profile does not set is left out
 * (reading it is an error). Never a secret. */
cJSON *rendertarget(const struct profile *p);

/* The manifest's tree as the renders take it, made once for the hooks'
 * and the nodes' renders: its metadata and macros parsed, each node and
 * source when first asked for, from the text the manifest keeps
 * (manifest.h); the whole text parsed at once when that is not kept, has
 * a unique_id twice, or the root project has no name to give. */
struct rdoc {
	struct manifest *m;
	struct arena a;		/* the trees */
	struct htab trees;	/* unique_id -> its tree, once parsed */
	cJSON *doc;		/* metadata and macros, or the whole tree */
	int lazy;		/* nodes and sources are not in doc */
	cJSON *whole;		/* the whole tree, for graph, once asked for */
	int graph;		/* renderopts' graph */
	int ordered;		/* and its ordered */
};

/* The tree (opened on the first call), and a context over it for run,
 * whose project must be set for the nodes to be parsed one by one. */
struct dbtctx *rdocctx(struct rdoc *d, const struct dbtrun *run);
/* A node or source's tree, or NULL. */
cJSON *rdocnode(struct rdoc *d, const char *uid);

/* Render what needs it, and every node's hooks and the operations
 * (hooks.h); returns how many nodes were rendered here. The manifest's
 * text is dropped (manifestdroptext()). */
size_t renderall(struct manifest *m, const struct renderopts *o);

/* dbt_project.yml's vars, dispatch and flags in dir ("" for .), and each
 * package's own vars by name (an object); caller deletes them. */
void projectvars(const char *dir, cJSON **vars, cJSON **pkgvars, cJSON **dispatch,
    cJSON **flags);

/* run set up for the renders of m with o: its target (o's, with its
 * threads), project, vars and dispatch. The caller deletes run->target
 * and what projectvars() gave. */
void renderrun(struct dbtrun *run, const struct manifest *m, const struct renderopts *o);

#endif
