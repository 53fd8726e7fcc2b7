/* dbtint.h: what the files of dbt's context share (dbtctx.c, dbtdb.c);
 * not for other modules. */
#ifndef DBTINT_H
#define DBTINT_H

#include <string.h>

#include <cjson/cJSON.h>

#include "dbtctx.h"
#include "htab.h"
#include "jeval.h"

/* A macro of the manifest, compiled when first called. */
struct dmacro {
	struct arena *keep;	/* the context's */
	const char *uid, *name, *pkg, *path, *sql;
	int line, col;		/* where sql starts in path, or 0: path is the
				 * original_file_path, the place not known */
	struct jv *fn;		/* the compiled callable, once compiled */
};

struct dbtctx {
	cJSON *m;
	struct dbtrun run;
	struct arena keep;	/* compiled macros and the namespaces */
	const char *quote;	/* the adapter's identifier quote */
	const char *prefixes[4];	/* dispatch's adapter prefixes, then default */
	size_t nprefixes;
	const char *internal[4];	/* internal packages, first wins */
	size_t ninternal;
	struct jv *global;	/* the internal packages' macros, merged */
	struct jv *fixed;	/* the names the same in every node's render, once made */
	struct jv *pkgs;	/* package -> its macros (non-internal) */
	struct jv *pkgsdbt;	/* pkgs plus 'dbt' -> global */
	struct htab nodes;	/* unique_id -> cJSON node or source */
	cJSON *(*load)(void *, const char *);	/* what nodes has not, or NULL */
	void *loaddata;
	struct buf envs;	/* the env vars the last render read, one a line */
	int needdb;		/* the last render failed for want of the database */
	cJSON *(*whole)(void *);	/* the manifest for graph, or NULL */
	void *wholedata;
	const char *nograph;	/* without it, why graph is refused, or NULL */
	int ordered;		/* with nograph: 1 its nodes, 2 its sources, 4 its
				 * exposures are in dbt's order */
	int graphread;		/* the last render read graph */
	int wantmarks;		/* dbtrender marks its template's text (dbtmarks) */
	int marked;		/* and the last one did */
	struct jmarks marks;
	size_t ngaps;
	char skel[65];
	int ours;		/* dbt's macros are dbt2ninja's own (gen/builtins/) */
};

/* One render of one node. */
struct rnode {
	struct dbtctx *c;
	cJSON *node;
	const char *pkg;
	struct jv *local;	/* the node's package's macros */
	struct jv *chain[7];	/* the macros' namespaces, then fixed, then the node's */
	size_t nchain, nmacros;
	struct jv *model;	/* the node as a value, made when asked */
	cJSON **ctes;		/* ephemeral parents referenced, in order */
	size_t nctes;
	struct jv *results;	/* store_result's, by name, or NULL */
	const struct dbthook *hook;	/* a hook's render (dbtrenderstr), or NULL */
	struct jv *graph;	/* graph's sections made so far, by name */
};

static inline const char *
jstr(cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static inline struct jv *
str(struct arena *a, const char *s)
{
	return jvstr(a, s, strlen(s));
}

static inline struct jv *
get(struct jv *d, struct arena *a, const char *k)
{
	return jvget(d, str(a, k));
}

static inline void
put(struct arena *a, struct jv *d, const char *k, struct jv *v)
{
	jvset(a, d, str(a, k), v);
}

/* A relation as dbt's BaseRelation: its parts, quote and include
 * policies, type. */
struct rel {
	const char *db, *schema, *id;
	int quote[3], include[3];
	const char *rendered;	/* the manifest's relation_name, while unchanged */
	const char *type;	/* table, view, cte, ..., or NULL */
	const char *q;		/* quote character */
	const char *adapter;	/* whose relation it is */
	const char *view;	/* an information schema's view, or NULL */
	int infoschema;		/* dbt's InformationSchema of a relation */
};

/* A relation as a value; the relation a value is, or NULL. */
struct jv *dbtrelv(struct arena *, struct rel *);
struct rel *dbtrelof(struct jv *);

/* The adapter's attributes that ask the database (dbtdb.c): the
 * callable, or NULL for a name that is not one of them. */
struct jv *dbtdbattr(struct jev *, struct rnode *, const char *name);
/* Fail for want of the database: the render is the executor's to do
 * (dbtneeddb() then says so); in an operation, refused. */
void dbtneed(struct jev *, struct rnode *, const char *what);
/* adapter.get_relation() of a relation not the node's own. */
struct jv *dbtdbrelation(struct jev *, struct rnode *, const char *db,
    const char *schema, const char *id);
/* The context's names that keep what statements returned
 * (store_result, store_raw_result, load_result), into d. */
void dbtdbnames(struct rnode *, struct arena *, struct jv *d);

/* Small helpers over cJSON, the engine's values and a call's arguments. */
/* Argument i or keyword name of c, or NULL. */
static inline struct jv *
arg(struct jcall *c, size_t i, const char *name)
{
	size_t k;

	for (k = 0; name && k < c->nkw; k++)
		if (!strcmp(c->names[k], name))
			return c->kw[k];
	return i < c->npos ? c->pos[i] : NULL;
}

static inline const char *
strarg(struct jev *v, struct jcall *c, size_t i, const char *name, const char *fn)
{
	struct jv *x = arg(c, i, name);

	if (!x)
		jfail(v, "%s(): missing argument '%s'", fn, name ? name : "");
	if (x->type != JSTR)
		jfail(v, "%s(): '%s' must be a string, not %s", fn, name ? name : "", jvtypename(x));
	return x->u.str.s;
}

static inline void
nokw(struct jev *v, struct jcall *c, const char *fn, const char *const *ok)
{
	size_t k;
	const char *const *o;

	for (k = 0; k < c->nkw; k++) {
		for (o = ok; o && *o; o++)
			if (!strcmp(*o, c->names[k]))
				break;
		if (!o || !*o)
			jfail(v, "unsupported: %s() with the keyword argument '%s'", fn, c->names[k]);
	}
}

#endif
