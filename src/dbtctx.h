/* dbtctx.h: dbt's Jinja context, to render nodes' raw code as dbt
 * compile does, with the Jinja engine (jeval.h).
 *
 * A context is built once for a manifest: its macros (the project's, its
 * packages' and dbt's own, from each macro's macro_sql) are compiled the
 * first time a render calls them and kept; the namespaces are dbt's
 * (MacroNamespaceBuilder): the node's own package, then the root package,
 * then each package by name and 'dbt' for the internal ones, then the
 * internal macros, with the adapter's package before dbt's. Macros
 * override the context's names, as in dbt.
 *
 * Per node: ref (one or two arguments, version= or v=; resolved among the
 * node's depends_on.nodes, as dbt's parse resolved them), source, this,
 * model, config (call, get, require), var (as dbt's ModelConfiguredVar:
 * --vars, the root project's vars scoped to the node's package, then its
 * global ones, then the package's own project's), env_var,
 * is_incremental (as the render is asked), target (what is known of it),
 * adapter.dispatch with dbt's search order and adapter prefix chain,
 * adapter.quote, api.Relation.create, exceptions.raise_compiler_error and
 * warn, return, log and print, execute, builtins, zip, and the generic
 * test kwargs (_dbt_generic_test_kwargs) rendered natively as dbt renders
 * them. Ephemeral parents are injected as __dbt__cte__ CTEs as dbt's
 * compiler injects them. A database query (adapter.execute, and so
 * statement blocks and run_query; get_columns_in_relation; get_relation
 * of another relation) is answered by dbtrun.db when there is one
 * (dbtdb.c), and without one fails, dbtneeddb() saying so; so does
 * reading the clock (modules.datetime's now(), jdatetime.h), which the
 * executor's render does with its own. Anything
 * else — an unknown target attribute, graph without a manifest of dbt's
 * (dbtctxgraph()), run_started_at — is
 * refused naming it, as
 * are python models and manifests of dbt before 0.20 (whose compiler
 * named and injected CTEs otherwise). */
#ifndef DBTCTX_H
#define DBTCTX_H

#include <cjson/cJSON.h>

#include "util.h"

struct dbtctx;
struct arena;
struct jv;
struct jev;

/* A JSON value as the engine's (jvalue.h), in a: integral numbers are
 * ints (cJSON keeps no distinction), others floats. */
struct jv *dbtjson(struct arena *a, cJSON *j);
/* dbt's invocation_args_dict over the context's flags (its WHICH). */
struct jv *dbtargsdict(struct arena *a, struct jv *flags);
/* dbt's tojson, fromjson and fromyaml, into the context d. */
void dbtjsonnames(struct arena *a, struct jv *d);
/* The value of var name, x, as dbt's Var gives it: a string with any of
 * Jinja's delimiters rendered over the render's context (get_rendered),
 * anything else as it is. */
struct jv *dbtvarvalue(struct jev *v, const char *name, cJSON *x);
/* The adapter types whose macros dbt's dispatch tries for adapter, most
 * specific first (adapter itself, then what it inherits; "default" not
 * among them) into out (room for 2); how many. */
size_t dbtchain(const char *adapter, const char **out);

/* The database, when the executor renders a node on its connection:
 * exec runs sql (one or more statements) and returns the last result, or
 * NULL with *err (malloc'd). */
struct dbtdb {
	void *data;
	struct pg_result *(*exec)(void *data, const char *sql, char **err);
};

/* What a render is told of the run. */
struct dbtrun {
	const char *adapter;	/* the adapter type: postgres, snowflake, ... */
	const char *project;	/* the root package's name */
	cJSON *clivars;		/* --vars, which win over all others, or NULL */
	cJSON *vars;		/* dbt_project.yml's vars, or NULL */
	cJSON *pkgvars;		/* package -> its own dbt_project.yml's vars, or NULL */
	cJSON *target;		/* an object of target's attributes, or NULL */
	cJSON *dispatch;	/* dbt_project.yml's dispatch list, or NULL */
	cJSON *flags;		/* dbt_project.yml's flags, or NULL */
	int incremental;	/* what is_incremental() answers */
	const char *dbtversion;	/* the manifest's dbt_version, or NULL */
	const struct dbtdb *db;	/* the database, or NULL (the generator's) */
	cJSON *envs;		/* with db: name -> SHA-256 of the value the
				 * generator saw (null: unset) of each env var
				 * the job may read */
	int fullrefresh;	/* flags.FULL_REFRESH */
	const char *which;	/* with db: flags.WHICH, the verb the node runs under */
	cJSON *quoting;		/* the root project's quoting:, or NULL (the
				 * adapter's policy) */
};

/* adapter.behavior as dbt-postgres 1.11 has it, the flags of dbt-adapters
 * and dbt-postgres registered, each flag's setting the project's flags:
 * value, else its default: FLAG.setting, FLAG.no_warn and FLAG's truth;
 * a flag not registered is dbt's error. */
struct jv *dbtbehavior(struct arena *, cJSON *flags);

/* api as dbt's context has it, at parse as when rendering: Relation
 * (create, with the adapter's quote policy and run's quoting over it, as
 * dbt's RelationProxy; add_ephemeral_prefix) and Column (numeric_type,
 * translate_type) of run's adapter. */
struct jv *dbtapi(struct arena *, const struct dbtrun *run);
/* The relation api.Relation.create(database=db, schema=, identifier=id)
 * makes (NULL: none). */
struct jv *dbtrelation(struct arena *, const struct dbtrun *run, const char *db,
    const char *schema, const char *id);

/* A context over manifest (the parsed manifest.json: nodes, sources and
 * macros are read from it; it must outlive the context). */
struct dbtctx *dbtctxnew(cJSON *manifest, const struct dbtrun *run);
void dbtctxfree(struct dbtctx *);

/* The manifest's node or source of that unique_id, or NULL. */
cJSON *dbtnode(struct dbtctx *, const char *uid);
/* Nodes and sources the manifest given to dbtctxnew() has not are
 * load(data, unique_id)'s (a tree that outlives the context, its
 * string the unique_id), or none when it returns NULL: the generator
 * parses each when first asked for (render.h). */
void dbtctxloader(struct dbtctx *, cJSON *(*load)(void *, const char *), void *data);

/* graph, dbt's flat graph, from whole(data): the whole manifest as dbt
 * parse (or compile) wrote it, a tree that outlives the context. Without
 * it, graph is refused, nograph (when not NULL) appended to the message;
 * with it and nograph, only its nodes, sources and exposures are given
 * (a project read here: its other sections are not dbt's), the rest
 * refused so.
 * dbtgraphread(): whether the last render read it. */
void dbtctxgraph(struct dbtctx *, cJSON *(*whole)(void *), void *data, const char *nograph);
/* nograph for a project read here */
#define GRAPHPARTIAL " (a project read here has its nodes, sources and exposures as dbt's: " \
	"a manifest from dbt parse has the rest)"

int dbtgraphread(struct dbtctx *);
/* Once dbtwantmarks(c, 1): where the last dbtrender put the text of the
 * node's own template (jeval.h's jrunmarks) and its skeleton hashed
 * (jskeleton): 1 when the output is that template's render alone (no CTE
 * injected) and every gap of its body is marked, else 0. */
struct jmarks;
void dbtwantmarks(struct dbtctx *c, int want);
int dbtmarks(struct dbtctx *c, const struct jmarks **marks, const char **skel);
/* How many times any render so far read what holds a node's raw code
 * (model, graph): a render that did may depend on more than the
 * template's own output of it. */
unsigned long dbtsourcereads(void);
/* With nograph: graph's section (nodes, sources or exposures) is in dbt's order,
 * iterated as a dict. */
void dbtctxordered(struct dbtctx *, const char *section);

/* Whether the node is one this renders at all: SQL with raw code, of a
 * manifest of dbt 0.20 or later. */
int dbtrenders(struct dbtctx *, cJSON *node);

/* Render the node (an entry of the manifest's nodes) as dbt compile
 * does, ephemeral CTEs injected, onto out. Returns 0, or -1 with *err
 * (malloc'd) naming the file, line:column and what could not be done. */
int dbtrender(struct dbtctx *, cJSON *node, struct buf *out, char **err);

/* Where dbt's inject_ctes_into_sql puts ephemeral CTEs into SQL s, as
 * sqlparse reads it: *with just after its leading WITH [RECURSIVE], or
 * 0 for a WITH of their own; *end where sqlparse's first statement ends.
 * Returns 0, or -1 with *err (malloc'd) for SQL sqlparse could read
 * otherwise. */
int dbtctesplace(const char *s, size_t *with, size_t *end, char **err);

/* What a hook's render is told: a model's hook has none of it (NULL). */
struct dbthook {
	int operation;	/* on-run-start or on-run-end: this is None */
	int end;	/* on-run-end: schemas, database_schemas, results */
	const char *const *dbschemas;	/* on-run-end: database (or NULL), schema, ... */
	size_t nschemas;	/* how many pairs */
	cJSON *results;	/* on-run-end, with a database: the run's results,
			 * dbt's RunResult as run_results.json has them, each
			 * with its node (without, results needs the database) */
	int post;	/* a model's post-hook (the executor's): get_relation of
			 * this is what dbt's cache holds of it then */
	int ran;	/* with post: what comes before the hook has run when
			 * the hook asks the database (else it is refused) */
	int was;	/* then: the relation's kind before the model ran
			 * (PostgreSQL's relkind, 0 for none) */
};

/* Render text as a hook of node, as dbt renders it when the hook runs:
 * with the node's context (this is its relation), name naming it in
 * errors. What only the run knows — is_incremental() of an incremental
 * model, adapter.get_relation, flags.FULL_REFRESH, a query — is answered
 * by dbtrun.db when there is one, and without one fails, dbtneeddb()
 * saying so (so are on-run-end's results without dbthook.results);
 * flags.WHICH is refused. Returns 0, or -1 with *err (malloc'd). dbtenvs() then
 * says which env vars it read. */
int dbtrenderstr(struct dbtctx *, cJSON *node, const char *name, const char *text,
    const struct dbthook *h, struct buf *out, char **err);

/* The names of the env vars the last dbtrender read (env_var), each
 * followed by a newline: what else its output depends on. */
const char *dbtenvs(struct dbtctx *);

/* Whether the last dbtrender failed for want of the database: an
 * adapter call, a statement or run_query, with no dbtrun.db. */
int dbtneeddb(struct dbtctx *);

#endif
