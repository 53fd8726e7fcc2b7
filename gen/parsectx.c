/* parsectx.c: dbt's parse-time context (see parsectx.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "dbtmacros.h"
#include "htab.h"
#include "jeval.h"
#include "jdatetime.h"
#include "jre.h"
#include "jset.h"
#include "nodecfg.h"
#include "parsectx.h"

/* What read a node's raw code, or could have (model; a project's own
 * generate_*_name macro reading more of its node than fields), in every
 * render */
static unsigned long sourcereads;

unsigned long
pctxsourcereads(void)
{
	return sourcereads;
}

struct pmacro {
	struct arena *keep;
	const char *uid, *name, *path, *sql;
	int line, col;		/* where sql starts in path, or 0 */
	struct jv *fn;
	struct pctx *ctx;	/* whose render calls it */
	/* its depends_on.macros, as dbt's ManifestLoader.macro_depends_on
	 * finds them (depsof): done, and a macro of dbt's it reaches that
	 * is not ours (its own calls unknown), or NULL */
	struct pmacro **dep;
	size_t ndep, capdep;
	int done;
	const char *unknown;
};

struct pctx {
	struct dbtrun run;
	struct arena keep;
	struct jv *root;	/* the root project's macros */
	struct jv *global;	/* dbt's, as ours */
	struct jv *bypkg;	/* each package (the root too) -> its macros */
	struct jv *pkgs;	/* bypkg, and dbt -> the dbt object */
	struct jv *byname;	/* dbt's macros_by_name: the root's, the
				   packages', dbt's */
	struct pnode *cur;	/* the render in progress */
	int depth;		/* of macro calls in it */
	cJSON *docs;		/* doc.PKG.NAME -> its contents (pctxdocs), or NULL */
	/* pctxname's call of each generate_*_name macro, compiled once */
	struct {
		const char *macro;
		struct jtmpl t;
	} names[3];
	/* what pctxnames may take without rendering (namesknown): per
	 * package, whether each call is dbt's own; its values by custom */
	struct htab namepkg;	/* package -> int[3], 1 if it is */
	struct htab namememo[3];	/* custom -> the value */
	const char *namenone[3];	/* the value for none, or NULL */
	struct arena namekeys;
};

/* One render. */
struct pnode {
	struct pctx *c;
	cJSON *node, *calls, *macros;
	const char *pkg;	/* whose namespace is local: the node's package */
	struct jv *chain[6];
	size_t nchain;
	int test;		/* a generic test's: dbt's TestMacroNamespace */
};

static struct jv *
str(struct arena *a, const char *s)
{
	return jvstr(a, s, strlen(s));
}

static void
put(struct arena *a, struct jv *d, const char *k, struct jv *v)
{
	jvset(a, d, str(a, k), v);
}

static const char *
jstr(cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A positive int at k, or 0. */
static int
jint(cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble < 1e9 ?
	    v->valueint : 0;
}

cJSON *
pctxjson(const struct jv *v)
{
	cJSON *r, *x;
	size_t i;

	switch (v->type) {
	case JNONE: return cJSON_CreateNull();
	case JBOOL: return cJSON_CreateBool(v->u.b);
	case JINT: return cJSON_CreateNumber((double)v->u.i);
	case JFLOAT: return cJSON_CreateNumber(v->u.f);
	case JSTR: return cJSON_CreateString(v->u.str.s);
	case JLIST: case JTUPLE:
		if (v->sub != JS_NONE && v->sub != JS_KEYS && v->sub != JS_VALUES)
			return NULL;
		r = cJSON_CreateArray();
		for (i = 0; i < v->u.list.n; i++) {
			if (!(x = pctxjson(v->u.list.v[i]))) {
				cJSON_Delete(r);
				return NULL;
			}
			cJSON_AddItemToArray(r, x);
		}
		return r;
	case JDICT:
		r = cJSON_CreateObject();
		for (i = 0; i < v->u.dict.n; i++) {
			if (!v->u.dict.k[i])
				continue;
			if (v->u.dict.k[i]->type != JSTR || !(x = pctxjson(v->u.dict.v[i]))) {
				cJSON_Delete(r);
				return NULL;
			}
			cJSON_AddItemToObject(r, v->u.dict.k[i]->u.str.s, x);
		}
		return r;
	default:
		return NULL;
	}
}

/* ---- arguments ---- */

static struct jv *
arg(struct jcall *c, size_t i, const char *name)
{
	size_t k;

	for (k = 0; name && k < c->nkw; k++)
		if (!strcmp(c->names[k], name))
			return c->kw[k];
	return i < c->npos ? c->pos[i] : NULL;
}

static const char *
strarg(struct jev *v, struct jv *x, const char *fn)
{
	if (!x)
		jfail(v, "%s(): a missing argument", fn);
	if (x->type != JSTR)
		jfail(v, "%s(): an argument must be a string, not %s", fn, jvtypename(x));
	return x->u.str.s;
}

/* ---- the node's relation ---- */

static const char *
relstr(const struct jv *self, struct buf *b)
{
	cJSON *n = ((struct pnode *)self->u.obj.data)->node;
	const char *part[3] = {jstr(n, "database"), jstr(n, "schema"), jstr(n, "alias")};
	int i, any = 0;

	for (i = 0; i < 3; i++) {
		if (!part[i] || !*part[i])
			continue;
		bufprintf(b, "%s\"%s\"", any++ ? "." : "", part[i]);
	}
	return NULL;
}

/* relation.get('metadata'): {"type": "<Adapter>Relation"}, as dbt's
 * relations answer it (the relation is the node's, made as dbt's parse
 * makes it: no type). */
static struct jv *
relget(struct jev *v, void *data, struct jcall *c)
{
	static const char *const names[][2] = {{"postgres", "PostgresRelation"},
	    {"materialize", "MaterializeRelation"}};
	struct pnode *pn = data;
	struct arena *a = jevarena(v);
	struct jv *d;
	size_t i;

	if (c->nkw || c->npos < 1 || c->npos > 2 || c->pos[0]->type != JSTR ||
	    strcmp(c->pos[0]->u.str.s, "metadata"))
		jfail(v, "unsupported at parse: a relation's get() but of 'metadata'");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(pn->c->run.adapter, names[i][0])) {
			d = jvdict(a);
			put(a, d, "type", str(a, names[i][1]));
			return d;
		}
	jfail(v, "unsupported at parse: the class of a %s relation", pn->c->run.adapter);
	return NULL;
}

static struct jv *
relattr(struct jev *v, struct jv *self, const char *name)
{
	cJSON *n = ((struct pnode *)self->u.obj.data)->node;
	const char *s = NULL;

	if (!strcmp(name, "database"))
		s = jstr(n, "database");
	else if (!strcmp(name, "schema"))
		s = jstr(n, "schema");
	else if (!strcmp(name, "identifier") || !strcmp(name, "name") || !strcmp(name, "table"))
		s = jstr(n, "alias");
	else if (!strcmp(name, "is_cte") || !strcmp(name, "is_table") ||
	    !strcmp(name, "is_view") || !strcmp(name, "is_materialized_view"))
		return &jvfalse;
	else if (!strcmp(name, "type"))
		return &jvnone;
	else if (!strcmp(name, "get"))
		return jvfunc(jevarena(v), "get", relget, self->u.obj.data);
	else {
		/* the rest as the relation of its names answers it (its
		 * information_schema, incorporate, render, quote, ...) */
		struct jv *r = dbtrelation(jevarena(v), &((struct pnode *)self->u.obj.data)->c->run,
		    jstr(n, "database"), jstr(n, "schema"), jstr(n, "alias"));
		return r->u.obj.cls->getattr(v, r, name);
	}
	return s ? str(jevarena(v), s) : &jvnone;
}

/* A relation is a Mapping, as dbt's are (dbt_utils' _is_relation). */
static const struct jclass relclass = {"Relation", relattr, relstr, NULL, NULL, NULL, 1, NULL};

/* ---- ref, source, config ---- */

static struct jv *
fnref(struct jev *v, void *data, struct jcall *c)
{
	struct pnode *pn = data;
	struct jv *ver = arg(c, 99, "version"), *pkgkw = arg(c, 99, "package");
	const char *name = NULL, *pkg = NULL;
	cJSON *r, *vj = NULL;
	size_t k;

	for (k = 0; k < c->nkw; k++)
		if (strcmp(c->names[k], "version") && strcmp(c->names[k], "v") &&
		    strcmp(c->names[k], "package"))
			jfail(v, "ref(): unexpected keyword argument '%s'", c->names[k]);
	if (!ver)
		ver = arg(c, 99, "v");
	if (c->npos == 2) {
		pkg = strarg(v, c->pos[0], "ref");
		name = strarg(v, c->pos[1], "ref");
	} else if (c->npos == 1) {
		name = strarg(v, c->pos[0], "ref");
		if (pkgkw)
			pkg = strarg(v, pkgkw, "ref");
	} else
		jfail(v, "ref() takes 1 or 2 arguments");
	/* the version as given: an integer or a string */
	if (!ver || ver->type == JNONE)
		vj = cJSON_CreateNull();
	else if (ver->type == JINT)
		vj = cJSON_CreateNumber((double)ver->u.i);
	else if (ver->type == JSTR)
		vj = cJSON_CreateString(ver->u.str.s);
	else
		jfail(v, "unsupported: ref() of a version that is not an integer or a string "
		    "(a manifest from dbt parse works instead)");
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "name", name);
	if (pkg)
		cJSON_AddStringToObject(r, "package", pkg);
	else
		cJSON_AddNullToObject(r, "package");
	cJSON_AddItemToObject(r, "version", vj);
	cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(pn->node, "refs"), r);
	return jvobj(jevarena(v), &relclass, pn);
}

static struct jv *
fnsource(struct jev *v, void *data, struct jcall *c)
{
	struct pnode *pn = data;
	cJSON *s;

	if (c->nkw || c->npos != 2)
		jfail(v, "source() takes 2 arguments");
	s = cJSON_CreateArray();
	cJSON_AddItemToArray(s, cJSON_CreateString(strarg(v, c->pos[0], "source")));
	cJSON_AddItemToArray(s, cJSON_CreateString(strarg(v, c->pos[1], "source")));
	cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(pn->node, "sources"), s);
	return jvobj(jevarena(v), &relclass, pn);
}

static void
addcall(struct jev *v, struct pnode *pn, cJSON *opts)
{
	static const char *const old[] = {"pre_hook", "post_hook"};
	cJSON *x;
	size_t i;

	if (!opts)
		jfail(v, "config(): a value that is not JSON");
	/* dbt's _transform_config: the hooks' other spelling, popped and
	 * put last, pre-hook first */
	for (i = 0; i < 2; i++) {
		char key[10];
		if (!(x = cJSON_DetachItemFromObjectCaseSensitive(opts, old[i])))
			continue;
		snprintf(key, sizeof(key), "%s", old[i]);
		key[strlen(key) - 5] = '-';
		if (cJSON_GetObjectItemCaseSensitive(opts, key)) {
			cJSON_Delete(x);
			jfail(v, "config(): both %s and %s", old[i], key);
		}
		cJSON_AddItemToObject(opts, key, x);
	}
	cfgcallmerge(pn->calls, opts);
	cJSON_Delete(opts);
}

static struct jv *
cfgcall(struct jev *v, struct jv *self, struct jcall *c)
{
	struct pnode *pn = self->u.obj.data;
	cJSON *opts = NULL;
	size_t k;

	if (c->npos == 1 && c->nkw == 0) {
		if (c->pos[0]->type != JDICT)
			jfail(v, "config(): its argument must be a dict");
		opts = pctxjson(c->pos[0]);
	} else if (c->npos == 0 && c->nkw > 0) {
		opts = cJSON_CreateObject();
		for (k = 0; k < c->nkw; k++) {
			cJSON *x = pctxjson(c->kw[k]);
			if (!x) {
				cJSON_Delete(opts);
				jfail(v, "config(): %s is not a value dbt's config takes", c->names[k]);
			}
			cJSON_AddItemToObject(opts, c->names[k], x);
		}
	} else
		jfail(v, "Invalid inline model config: config() takes a dict or keyword arguments");
	addcall(v, pn, opts);
	return str(jevarena(v), "");
}

static struct jv *
cfgset(struct jev *v, void *data, struct jcall *c)
{
	struct pnode *pn = data;
	cJSON *opts, *x;

	if (c->nkw || c->npos != 2)
		jfail(v, "config.set() takes 2 arguments");
	if (!(x = pctxjson(c->pos[1])))
		jfail(v, "config.set(): not a value dbt's config takes");
	opts = cJSON_CreateObject();
	cJSON_AddItemToObject(opts, strarg(v, c->pos[0], "config.set"), x);
	addcall(v, pn, opts);
	return str(jevarena(v), "");
}

static struct jv *
cfgempty(struct jev *v, void *data, struct jcall *c)
{
	(void)data; (void)c;
	return str(jevarena(v), "");
}

static struct jv *
cfgattr(struct jev *v, struct jv *self, const char *name)
{
	struct arena *a = jevarena(v);

	if (!strcmp(name, "get") || !strcmp(name, "require") || !strcmp(name, "meta_get") ||
	    !strcmp(name, "meta_require"))
		return jvfunc(a, "config.get", cfgempty, self->u.obj.data);
	if (!strcmp(name, "set"))
		return jvfunc(a, "config.set", cfgset, self->u.obj.data);
	jfail(v, "unsupported at parse: config.%s (a manifest from dbt parse works instead)", name);
	return NULL;
}

static const struct jclass cfgclass = {"Config", cfgattr, NULL, cfgcall, NULL, NULL, 0, NULL};

/* ---- var, env_var, and the rest ---- */

/* dbt's vars for a node (ModelConfiguredVar): --vars first; the root
 * project's scoped to the node's package win over its global ones, which
 * win over the package's own project's (scoped, then global). */
static cJSON *
findvar(struct pctx *c, const char *pkg, const char *name)
{
	cJSON *root = c->run.vars, *own = NULL, *x, *scope;

	if ((x = cJSON_GetObjectItemCaseSensitive(c->run.clivars, name)))
		return x;
	if (strcmp(pkg, c->run.project))
		own = cJSON_GetObjectItemCaseSensitive(c->run.pkgvars, pkg);
	scope = cJSON_GetObjectItemCaseSensitive(root, pkg);
	if (cJSON_IsObject(scope) && (x = cJSON_GetObjectItemCaseSensitive(scope, name)))
		return x;
	if ((x = cJSON_GetObjectItemCaseSensitive(root, name)))
		return x;
	scope = cJSON_GetObjectItemCaseSensitive(own, pkg);
	if (cJSON_IsObject(scope) && (x = cJSON_GetObjectItemCaseSensitive(scope, name)))
		return x;
	return cJSON_GetObjectItemCaseSensitive(own, name);
}

static struct jv *
fnvar(struct jev *v, void *data, struct jcall *c)
{
	struct pnode *pn = data;
	const char *name;
	cJSON *x;

	if (c->nkw || c->npos < 1 || c->npos > 2)
		jfail(v, "var() takes 1 or 2 arguments");
	name = strarg(v, c->pos[0], "var");
	if ((x = findvar(pn->c, pn->pkg, name)))
		return dbtvarvalue(v, name, x);
	if (c->npos == 2)
		return c->pos[1];
	jfail(v, "Required var '%s' not found in config", name);
	return NULL;
}

/* var.has_var(name): whether var(name) finds the var (dbt's Var.has_var:
 * name in the vars merged for the node's package). */
static struct jv *
fnhasvar(struct jev *v, void *data, struct jcall *c)
{
	struct pnode *pn = data;

	if (c->nkw || c->npos != 1)
		jfail(v, "var.has_var() takes 1 argument");
	return jvbool(findvar(pn->c, pn->pkg, strarg(v, c->pos[0], "var.has_var")) != NULL);
}

static struct jv *
vargetattr(struct jev *v, struct jv *self, const char *name)
{
	if (!strcmp(name, "has_var"))
		return jvfunc(jevarena(v), "var.has_var", fnhasvar, self->u.obj.data);
	jfail(v, "unsupported: var.%s", name);
	return NULL;
}

static struct jv *
varcall(struct jev *v, struct jv *self, struct jcall *c)
{
	return fnvar(v, self->u.obj.data, c);
}

/* dbt's var: called, var(name[, default]); it has has_var(name). */
static const struct jclass varclass = {"ParseVar", vargetattr, NULL, varcall, NULL, NULL, 0, NULL};

static struct jv *
fnenvvar(struct jev *v, void *data, struct jcall *c)
{
	const char *val;

	(void)data;
	if (c->nkw || c->npos < 1 || c->npos > 2)
		jfail(v, "env_var() takes 1 or 2 arguments");
	if ((val = getenv(strarg(v, c->pos[0], "env_var"))))
		return str(jevarena(v), val);
	if (c->npos == 2 && c->pos[1]->type != JNONE)
		return c->pos[1];
	jfail(v, "Env var required but not provided: '%s'", c->pos[0]->u.str.s);
	return NULL;
}

static struct jv *
fnfalse(struct jev *v, void *data, struct jcall *c)
{
	(void)v; (void)data; (void)c;
	return &jvfalse;
}

/* adapter.type(): the adapter's type, as its class says it */
static struct jv *
fnadtype(struct jev *v, void *data, struct jcall *c)
{
	struct pnode *pn = data;

	if (c->npos || c->nkw)
		jfail(v, "adapter.type() takes no arguments");
	return jvstr(jevarena(v), pn->c->run.adapter, strlen(pn->c->run.adapter));
}

static struct jv *
fnnone(struct jev *v, void *data, struct jcall *c)
{
	(void)v; (void)data; (void)c;
	return &jvnone;
}

static struct jv *
fnempty(struct jev *v, void *data, struct jcall *c)
{
	(void)data; (void)c;
	return str(jevarena(v), "");
}

static struct jv *
fnreturn(struct jev *v, void *data, struct jcall *c)
{
	(void)data;
	jreturn(v, c->npos ? c->pos[0] : &jvnone);
	return NULL;
}

static struct jv *
fnraise(struct jev *v, void *data, struct jcall *c)
{
	struct jv *msg = arg(c, 0, "msg");

	(void)data;
	jfail(v, "Compilation Error: %s", msg ? jevstr(v, msg)->u.str.s : "");
	return NULL;
}

static struct jv *
targetattr(struct jev *v, struct jv *self, const char *name)
{
	struct pctx *c = self->u.obj.data;
	cJSON *x = cJSON_GetObjectItemCaseSensitive(c->run.target, name);

	if (!strcmp(name, "type"))
		return str(jevarena(v), c->run.adapter);
	if (!x)
		jfail(v, "unsupported: target.%s is not known here", name);
	return dbtjson(jevarena(v), x);
}

static const struct jclass targetclass = {"Target", targetattr, NULL, NULL, NULL, NULL, 0, NULL};

static struct jv *
flagsattr(struct jev *v, struct jv *self, const char *name)
{
	(void)self;
	if (!strcmp(name, "FULL_REFRESH") || !strcmp(name, "STORE_FAILURES") || !strcmp(name, "EMPTY") ||
	    !strcmp(name, "WARN_ERROR"))
		return &jvfalse;
	if (!strcmp(name, "WHICH"))
		return str(jevarena(v), "parse");
	jfail(v, "unsupported: flags.%s", name);
	return NULL;
}

static const struct jclass flagsclass = {"flags", flagsattr, NULL, NULL, NULL, NULL, 0, NULL};


/* ---- macros ---- */

/* dbt's MacroGenerator.track_call: only what the node calls itself */
static void
track(struct pctx *c, const char *uid)
{
	struct pnode *pn = c->cur;
	cJSON *x;

	if (!pn || !pn->macros || c->depth)
		return;
	cJSON_ArrayForEach(x, pn->macros)
		if (!strcmp(x->valuestring, uid))
			return;
	cJSON_AddItemToArray(pn->macros, cJSON_CreateString(uid));
}

static struct jv *
callmacro(struct jev *v, void *data, struct jcall *c)
{
	struct pmacro *m = data;
	struct jv *r;

	track(m->ctx, m->uid);
	if (!m->fn) {
		struct jtmpl *t = arenaalloc(m->keep, sizeof(*t));
		struct jv *into = jvdict(m->keep);
		char *err = NULL;
		if (jcompilemacro(m->keep, m->path, m->uid, m->line, m->col, m->sql,
		    strlen(m->sql), t, &err) < 0 ||
		    jmacros(m->keep, t, into, NULL, &err) < 0) {
			char msg[300];
			snprintf(msg, sizeof(msg), "%s", err);
			free(err);
			jfail(v, "in macro %s: %s", m->uid, msg);
		}
		if (!(m->fn = jvget(into, str(m->keep, m->name))))
			jfail(v, "macro %s: its text does not define %s", m->uid, m->name);
	}
	m->ctx->depth++;
	r = jcallv(v, m->fn, c);
	m->ctx->depth--;
	return r;
}

/* dbt's is_incremental macro, called: at parse (execute false) it
 * returns False. */
static struct jv *
fnisincr(struct jev *v, void *data, struct jcall *c)
{
	(void)v;
	if (c->npos || c->nkw)
		jfail(v, "macro 'dbt_macro__is_incremental' takes no arguments");
	track(data, "macro.dbt.is_incremental");
	return &jvfalse;
}

/* A macro of dbt's that we do not have: any use of it is refused. */
static struct jv *
nodbtattr(struct jev *v, struct jv *self, const char *name)
{
	(void)name;
	jfail(v, "unsupported: dbt.%s, a macro of dbt's own that dbt2ninja does not "
	    "have (a manifest from dbt parse works instead)", (const char *)self->u.obj.data);
	return NULL;
}

static struct jv *
nodbtcall(struct jev *v, struct jv *self, struct jcall *c)
{
	(void)c;
	return nodbtattr(v, self, NULL);
}

static const struct jclass nodbtclass = {"macro", nodbtattr, NULL, nodbtcall, NULL, NULL, 0,
    NULL};

/* dbt.NAME: one of ours, or an error naming it. */
static struct jv *
dbtattr(struct jev *v, struct jv *self, const char *name)
{
	struct pctx *c = self->u.obj.data;
	struct jv *x = jvget(c->global, str(jevarena(v), name));

	if (!x)
		jfail(v, "unsupported: dbt.%s, a macro of dbt's own that dbt2ninja does not "
		    "have (a manifest from dbt parse works instead)", name);
	return x;
}

/* dbt[NAME], and dbt._NAME (a Mapping's item): the same. */
static struct jv *
dbtitem(struct jev *v, struct jv *self, struct jv *key)
{
	if (key->type != JSTR)
		return NULL;
	return dbtattr(v, self, key->u.str.s);
}

static const struct jclass dbtclass = {"dbt", dbtattr, NULL, NULL, NULL, dbtitem, 1, NULL};

/* The macro name as dbt's MacroNamespace.get_from_package finds it: pkg
 * NULL, in the render's namespace (its package's, the root's, dbt's); dbt,
 * among dbt's own; else in that package, or NULL. */
static struct jv *
lookup(struct pnode *pn, const char *pkg, const char *name)
{
	struct pctx *c = pn->c;
	struct jv *k = str(&c->keep, name), *x = NULL, *d;
	size_t i;

	if (!pkg && pn->test)
		x = jvget(c->byname, k);	/* TestMacroNamespace.get_from_package */
	else if (!pkg) {
		for (i = 0; i + 1 < pn->nchain && !x; i++)
			if (pn->chain[i] != c->pkgs)
				x = jvget(pn->chain[i], k);
	} else if (!strcmp(pkg, "dbt"))
		x = jvget(c->global, k);
	else if ((d = jvget(c->bypkg, str(&c->keep, pkg))))
		x = jvget(d, k);
	return x && x->type == JFUNC ? x : NULL;
}

/* dbt's _get_search_packages for a namespace ns (NULL: None): the root
 * project's search_order for it in its dispatch config; a package's
 * (dbt too), the root project then it; else None (NULL). Into search (64);
 * returns how many, or -1 if the search_order is not a list of names. */
static int
searchpkgs(struct pctx *c, const char *ns, const char **search)
{
	cJSON *dl = ns ? c->run.dispatch : NULL, *d, *o = NULL, *x;
	int n = 0;

	cJSON_ArrayForEach(d, dl) {
		cJSON *m = cJSON_GetObjectItemCaseSensitive(d, "macro_namespace");
		if (cJSON_IsString(m) && !strcmp(m->valuestring, ns)) {
			o = cJSON_GetObjectItemCaseSensitive(d, "search_order");
			break;
		}
	}
	if (cJSON_GetArraySize(o) > 0) {
		cJSON_ArrayForEach(x, o) {
			if (!cJSON_IsString(x) || n == 64)
				return -1;
			search[n++] = x->valuestring;
		}
		return n;
	}
	if (ns && (!strcmp(ns, "dbt") || jvget(c->bypkg, str(&c->keep, ns)))) {
		search[0] = c->run.project;
		search[1] = ns;
		return 2;
	}
	search[0] = NULL;
	return 1;
}

/* adapter.dispatch as dbt's: a namespace that is a package is searched
 * in the root project, then in it; none, in the render's namespace. */
static struct jv *
addispatch(struct jev *v, void *data, struct jcall *c)
{
	struct pnode *pn = data;
	struct jv *nm = arg(c, 0, "macro_name"), *ns = arg(c, 1, "macro_namespace");
	const char *name = strarg(v, nm, "adapter.dispatch");
	const char *prefixes[] = {pn->c->run.adapter, "default"};
	const char *search[64];
	int i, p, ns_n;

	if (c->npos > 2)
		jfail(v, "unsupported: adapter.dispatch() with packages");
	if (strchr(name, '.'))
		jfail(v, "In adapter.dispatch, got a macro name of \"%s\", but \".\" is not a valid macro name component", name);
	if (ns && ns->type != JSTR && ns->type != JNONE)
		jfail(v, "In adapter.dispatch, got a %s macro_namespace argument, but macro_namespace should be None or a string.", jvtypename(ns));
	if ((ns_n = searchpkgs(pn->c, ns && ns->type == JSTR ? ns->u.str.s : NULL, search)) < 0)
		jfail(v, "dispatch: the search_order of %s is not a list of package names",
		    ns->u.str.s);
	for (i = 0; i < ns_n; i++)
		for (p = 0; p < 2; p++) {
			char *full = xasprintf("%s__%s", prefixes[p], name);
			struct jv *m = lookup(pn, search[i], full);
			free(full);
			if (m)
				return m;
		}
	jfail(v, "In dispatch: No macro named '%s' found within namespace: '%s'", name,
	    ns && ns->type == JSTR ? ns->u.str.s : "None");
	return NULL;
}

/* dbt's MacroResolver.get_macro: pkg's own macro (dbt's for dbt), else
 * the name in macros_by_name. NULL if none. */
static struct jv *
getmacro(struct pctx *c, const char *pkg, const char *name)
{
	struct jv *k = str(&c->keep, name), *d, *x = NULL;

	if (pkg && !strcmp(pkg, "dbt"))
		x = jvget(c->global, k);
	else if (pkg && (d = jvget(c->bypkg, str(&c->keep, pkg))))
		x = jvget(d, k);
	return x ? x : jvget(c->byname, k);
}

/* The package of a macro's unique_id (malloc'd). */
static char *
uidpkg(const char *uid)
{
	return xmemdup(uid + 6, strcspn(uid + 6, "."));
}

struct deps {
	struct pctx *c;
	struct pmacro *m;
	const struct jsrc *src;	/* its text */
	char **err;
};

/* Add what getmacro finds of name (pkg.name or name) to m's
 * depends_on.macros, once; a macro of dbt's not ours makes it unknown. */
static void
adddep(struct deps *w, const char *pkg, const char *name)
{
	struct pmacro *m = w->m, *x;
	struct jv *f = getmacro(w->c, pkg, name);
	size_t i;

	if (!f)
		return;
	if (f->type != JFUNC || f->u.func.fn != callmacro) {
		if (!m->unknown)
			m->unknown = str(&w->c->keep, name)->u.str.s;
		return;
	}
	x = f->u.func.data;
	for (i = 0; i < m->ndep; i++)
		if (m->dep[i] == x)
			return;
	if (m->ndep == m->capdep) {
		struct pmacro **n;
		m->capdep = m->capdep ? 2 * m->capdep : 8;
		n = arenaalloc(&w->c->keep, m->capdep * sizeof(*n));
		if (m->ndep)
			memcpy(n, m->dep, m->ndep * sizeof(*n));
		m->dep = n;
	}
	m->dep[m->ndep++] = x;
}

/* A possible macro call of statically_extract_macro_calls: pkg.name or
 * name, not the macro's own name (as dbt compares them: whole). */
static void
possible(struct deps *w, const char *pkg, const char *name)
{
	static const char *const skip[] = {"source", "ref", "config", "var", "env_var",
	    "return", "fromjson", "tojson", "fromyaml", "toyaml", "set", "set_strict", "zip",
	    "zip_strict", "log", "print", "modules", "flags", "diff_of_two_dicts", "local_md5",
	    "dbt_version", "invocation_id", "thread_id", "target", "builtins", "project_name",
	    NULL};
	size_t i;

	if (!pkg) {
		if (!strcmp(name, w->m->name))
			return;
		for (i = 0; skip[i]; i++)
			if (!strcmp(name, skip[i]))
				return;
	}
	if (pkg)
		adddep(w, pkg, name);
	else {
		char *own = uidpkg(w->m->uid);
		adddep(w, own, name);
		free(own);
	}
}

static int depwalk(struct deps *w, const struct jnode *n);

static int
depwalkl(struct deps *w, const struct jnl *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (depwalk(w, l->v[i]) < 0)
			return -1;
	return 0;
}

/* statically_parse_adapter_dispatch: the name, then the macro dispatch
 * finds for it (as ParseDatabaseWrapper.dispatch, from macros_by_name) */
static int
depdispatch(struct deps *w, const struct jnode *n)
{
	const char *name = NULL, *ns = NULL, *search[64];
	const char *prefixes[] = {w->c->run.adapter, "default"};
	struct jnode *a;
	size_t i;
	int k, p, nn;

	if (n->kids.n > 0) {
		a = n->kids.v[0];
		if (a->k != N_CONST || a->val->type != JSTR)
			goto bad;
		name = a->val->u.str.s;
	}
	if (n->kids.n > 1 && n->kids.v[1]->k == N_CONST) {
		if (n->kids.v[1]->val->type != JSTR)
			goto bad;
		ns = n->kids.v[1]->val->u.str.s;
	}
	for (i = 0; i < n->kw.n; i++) {
		a = n->kw.v[i];
		if (!strcmp(n->kwnames[i], "macro_name") || !strcmp(n->kwnames[i], "macro_namespace")) {
			if (a->k != N_CONST || a->val->type != JSTR)
				goto bad;
			*(!strcmp(n->kwnames[i], "macro_name") ? &name : &ns) = a->val->u.str.s;
		}
	}
	if (!name || strchr(name, '.'))
		goto bad;
	possible(w, NULL, name);
	if ((nn = searchpkgs(w->c, ns, search)) < 0)
		goto bad;
	for (k = 0; k < nn; k++)
		for (p = 0; p < 2; p++) {
			char *full = xasprintf("%s__%s", prefixes[p], name);
			struct jv *f, *d;
			if (!search[k])
				f = jvget(w->c->byname, str(&w->c->keep, full));
			else if (!strcmp(search[k], "dbt"))
				f = jvget(w->c->global, str(&w->c->keep, full));
			else
				f = (d = jvget(w->c->bypkg, str(&w->c->keep, search[k]))) ?
				    jvget(d, str(&w->c->keep, full)) : NULL;
			if (f && f->type == JFUNC && f->u.func.fn == callmacro) {
				char *pk = uidpkg(((struct pmacro *)f->u.func.data)->uid);
				adddep(w, pk, full);
				free(pk);
				free(full);
				return 0;
			}
			free(full);
			if (f) {
				if (!w->m->unknown)
					w->m->unknown = str(&w->c->keep, name)->u.str.s;
				return 0;
			}
		}
	/* dbt's parse fails here; the macro's dependencies are unknown */
	if (!w->m->unknown)
		w->m->unknown = str(&w->c->keep, name)->u.str.s;
	return 0;
bad:
	{
		struct jerr e;
		e.src = w->src;
		e.off = n->off;
		snprintf(e.msg, sizeof(e.msg), "macro %s: unsupported: an adapter.dispatch "
		    "call not read statically (a literal macro name and namespace) (a manifest "
		    "from dbt parse works instead)", w->m->uid);
		*w->err = jerrstr(w->src, &e);
	}
	return -1;
}

/* jinja2's find_all(Call), in its order (each node before its fields,
 * the fields as Jinja2's nodes list them) */
static int
depwalk(struct deps *w, const struct jnode *n)
{
	if (!n)
		return 0;
	if (n->k == N_CALL) {
		const struct jnode *f = n->a;
		if (f->k == N_NAME || f->k == N_FILTER || f->k == N_TEST)
			possible(w, NULL, f->name);
		else if (f->k == N_ATTR && f->a->k == N_NAME) {
			if (strcmp(f->a->name, "adapter"))
				possible(w, f->a->name, f->name);
			else if (!strcmp(f->name, "dispatch") && depdispatch(w, n) < 0)
				return -1;
		}
	}
	switch (n->k) {
	case N_FOR:
		return depwalk(w, n->a) < 0 || depwalk(w, n->b) < 0 || depwalkl(w, &n->kids) < 0 ||
		    depwalkl(w, &n->els) < 0 || depwalk(w, n->c) < 0 ? -1 : 0;
	case N_COND:
		return depwalk(w, n->b) < 0 || depwalk(w, n->a) < 0 || depwalk(w, n->c) < 0 ?
		    -1 : 0;
	case N_MACRO: case N_CALLBLOCK:
		return depwalk(w, n->a) < 0 || depwalkl(w, &n->args) < 0 ||
		    depwalkl(w, &n->defs) < 0 || depwalkl(w, &n->kids) < 0 ? -1 : 0;
	case N_FILTERBLOCK:
		return depwalkl(w, &n->kids) < 0 || depwalk(w, n->a) < 0 ? -1 : 0;
	default:
		return depwalk(w, n->a) < 0 || depwalk(w, n->b) < 0 || depwalk(w, n->c) < 0 ||
		    depwalkl(w, &n->kids) < 0 || depwalkl(w, &n->els) < 0 ||
		    depwalkl(w, &n->kw) < 0 || depwalk(w, n->star) < 0 ||
		    depwalk(w, n->dstar) < 0 ? -1 : 0;
	}
}

/* m's depends_on.macros, as dbt's ManifestLoader.macro_depends_on. */
static int
depsof(struct pctx *c, struct pmacro *m, char **err)
{
	struct arena a = {0};
	struct jtmpl t;
	struct deps w = {c, m, NULL, err};
	int r;

	if (m->done)
		return 0;
	m->done = 1;
	if ((r = jcompilemacro(&a, m->path, m->uid, m->line, m->col, m->sql, strlen(m->sql),
	    &t, err)) == 0) {
		w.src = &t.src;
		r = depwalkl(&w, &t.body);
	}
	arenafree(&a);
	return r;
}

/* TestMacroNamespace.recursively_get_depends_on_macros */
static int
closure(struct pctx *c, struct pmacro *m, struct pmacro ***v, size_t *n, size_t *cap,
    const char **unknown, char **err)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*v)[i] == m)
			return 0;
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = m;
	if (depsof(c, m, err) < 0)
		return -1;
	if (m->unknown && !*unknown)
		*unknown = m->unknown;
	for (i = 0; i < m->ndep; i++)
		if (closure(c, m->dep[i], v, n, cap, unknown, err) < 0)
			return -1;
	return 0;
}

/* A generic test's namespace, as dbt's TestContext._build_test_namespace:
 * get_where_subquery, the node's depends_on.macros, and their own, each
 * with what it depends on: by name, and each package's by its name. */
static struct jv *
testns(struct pctx *c, cJSON *dm, struct arena *a, char **err)
{
	struct pmacro **top = NULL, **v = NULL;
	size_t ntop = 0, i, j, n = 0, cap = 0, ncap;
	const char *unknown = NULL;
	struct jv *ns = NULL, *f, *pk, *loc;
	cJSON *x;

	ncap = (size_t)cJSON_GetArraySize(dm) + 1;
	top = xcalloc(ncap, sizeof(*top));
	if ((f = jvget(c->byname, str(a, "get_where_subquery"))) && f->type == JFUNC &&
	    f->u.func.fn == callmacro)
		top[ntop++] = f->u.func.data;
	cJSON_ArrayForEach(x, dm) {
		const char *nm = strrchr(x->valuestring, '.') + 1;
		char *p = uidpkg(x->valuestring);
		struct jv *d = !strcmp(p, "dbt") ? c->global : jvget(c->bypkg, str(a, p));
		free(p);
		f = d ? jvget(d, str(a, nm)) : NULL;
		if (f && f->type == JFUNC && f->u.func.fn == callmacro)
			top[ntop++] = f->u.func.data;
	}
	for (i = 0; i < ntop; i++)
		if (closure(c, top[i], &v, &n, &cap, &unknown, err) < 0)
			goto out;
	if (unknown) {
		*err = xasprintf("unsupported: its macros reach dbt's %s, a macro of dbt's own "
		    "that dbt2ninja does not have, whose own calls decide what the test's "
		    "namespace holds (a manifest from dbt parse works instead)", unknown);
		goto out;
	}
	ns = jvdict(a);
	loc = jvdict(a);
	pk = jvdict(a);
	for (i = 0; i < n; i++) {
		char *p = uidpkg(v[i]->uid);
		struct jv *d, *fn = jvfunc(a, v[i]->name, callmacro, v[i]);
		put(a, loc, v[i]->name, fn);
		if (!(d = jvget(pk, str(a, p)))) {
			d = jvdict(a);
			put(a, pk, p, d);
		}
		put(a, d, v[i]->name, fn);
		free(p);
	}
	for (j = 0; j < 2; j++) {
		struct jv *d = j ? pk : loc;
		for (i = 0; i < d->u.dict.n; i++)
			if (d->u.dict.v[i])
				jvset(a, ns, d->u.dict.k[i], d->u.dict.v[i]);
	}
out:
	free(top);
	free(v);
	return ns;
}

static struct jv *
adquote(struct jev *v, void *data, struct jcall *c)
{
	struct buf b = {0};
	struct jv *r;

	(void)data;
	bufprintf(&b, "\"%s\"", strarg(v, arg(c, 0, "identifier"), "adapter.quote"));
	r = jvstr(jevarena(v), b.s, b.len);
	buffree(&b);
	return r;
}

static struct jv *
fnlist(struct jev *v, void *data, struct jcall *c)
{
	(void)data; (void)c;
	return jvlist(jevarena(v), JLIST);
}

static struct jv *
adattr(struct jev *v, struct jv *self, const char *name)
{
	/* what dbt-adapters' @available.parse_none, parse_list and parse(...)
	 * answer at parse time, when no database is asked */
	static const char *const none[] = {"get_relation", "drop_relation",
	    "truncate_relation", "rename_relation", "create_schema", "drop_schema",
	    "valid_snapshot_target", "assert_valid_snapshot_target_given_strategy",
	    "expand_target_column_types", NULL};
	static const char *const list[] = {"get_columns_in_relation", "get_missing_columns",
	    "get_column_schema_from_query", NULL};
	size_t i;

	for (i = 0; none[i]; i++)
		if (!strcmp(name, none[i]))
			return jvfunc(jevarena(v), name, fnnone, self->u.obj.data);
	for (i = 0; list[i]; i++)
		if (!strcmp(name, list[i]))
			return jvfunc(jevarena(v), name, fnlist, self->u.obj.data);
	if (!strcmp(name, "check_schema_exists"))
		return jvfunc(jevarena(v), name, fnfalse, self->u.obj.data);
	if (!strcmp(name, "type"))
		return jvfunc(jevarena(v), "adapter.type", fnadtype, self->u.obj.data);
	if (!strcmp(name, "dispatch"))
		return jvfunc(jevarena(v), "adapter.dispatch", addispatch, self->u.obj.data);
	if (!strcmp(name, "quote"))
		return jvfunc(jevarena(v), "adapter.quote", adquote, self->u.obj.data);
	if (!strcmp(name, "behavior"))
		return dbtbehavior(jevarena(v), ((struct pnode *)self->u.obj.data)->c->run.flags);
	jfail(v, "unsupported at parse: adapter.%s (a manifest from dbt parse works instead)", name);
	return NULL;
}

static const struct jclass adclass = {"Adapter", adattr, NULL, NULL, NULL, NULL, 0, NULL};

static struct jv *
modelattr(struct jev *v, struct jv *self, const char *name)
{
	struct jv *m, *x;

	sourcereads++;
	m = dbtjson(jevarena(v), self->u.obj.data);
	x = jvget(m, str(jevarena(v), name));

	return x ? x : &jvundef;
}

static const struct jclass modelclass = {"model", modelattr, NULL, NULL, NULL, NULL, 0, NULL};

/* A name that needs the database, or what is not kept here: what a
 * render of dbt parse's manifest refuses too has no hint of it. */
static const char *
nohint(const char *name)
{
	return !strcmp(name, "run_started_at") || !strcmp(name, "load_agate_table") ? "" :
	    " (a manifest from dbt parse works instead)";
}

static struct jv *
nocall(struct jev *v, struct jv *self, struct jcall *c)
{
	const char *name = self->u.obj.data;

	(void)c;
	jfail(v, "unsupported at parse: %s()%s", name, nohint(name));
	return NULL;
}

static struct jv *
noattr(struct jev *v, struct jv *self, const char *attr)
{
	const char *name = self->u.obj.data;

	jfail(v, "unsupported at parse: %s.%s%s", name, attr, nohint(name));
	return NULL;
}

static struct jv *
noitems(struct jev *v, struct jv *self)
{
	const char *name = self->u.obj.data;

	jfail(v, "unsupported at parse: %s%s", name, nohint(name));
	return NULL;
}

static struct jv *
noitem(struct jev *v, struct jv *self, struct jv *key)
{
	(void)key;
	return noitems(v, self);
}

static const struct jclass noclass = {"unsupported", noattr, NULL, nocall, noitems, noitem, 0,
    NULL};

/* modules.datetime's clock while parsing: the generator's, as dbt parse
 * reads its own (what dbt records of a node, its refs and config, is
 * what a parse at that moment records). */
static void
parseclock(struct jev *v, void *data, const char *what, struct timespec *ts)
{
	(void)v;
	(void)data;
	(void)what;
	clock_gettime(CLOCK_REALTIME, ts);
}

static struct jv *
basectx(struct pnode *pn, struct arena *a)
{
	static const char *const no[] = {"load_agate_table", "doc", "run_started_at", NULL};
	struct jv *d = jvdict(a), *bi, *ex;
	size_t i;

	put(a, d, "ref", jvfunc(a, "ref", fnref, pn));
	put(a, d, "source", jvfunc(a, "source", fnsource, pn));
	put(a, d, "config", jvobj(a, &cfgclass, pn));
	bi = jvdict(a);
	put(a, bi, "ref", jvfunc(a, "ref", fnref, pn));
	put(a, bi, "source", jvfunc(a, "source", fnsource, pn));
	put(a, bi, "config", jvobj(a, &cfgclass, pn));
	put(a, d, "builtins", bi);
	put(a, d, "var", jvobj(a, &varclass, pn));
	put(a, d, "env_var", jvfunc(a, "env_var", fnenvvar, pn));
	put(a, d, "this", jvobj(a, &relclass, pn));
	put(a, d, "model", jvobj(a, &modelclass, pn->node));
	put(a, d, "target", jvobj(a, &targetclass, pn->c));
	put(a, d, "adapter", jvobj(a, &adclass, pn));
	put(a, d, "flags", jvobj(a, &flagsclass, pn));
	put(a, d, "invocation_args_dict", dbtargsdict(a, jvobj(a, &flagsclass, pn)));
	put(a, d, "api", dbtapi(a, &pn->c->run));
	ex = jvdict(a);
	put(a, ex, "raise_compiler_error", jvfunc(a, "raise_compiler_error", fnraise, pn));
	put(a, ex, "warn", jvfunc(a, "warn", fnempty, pn));
	put(a, d, "exceptions", ex);
	put(a, d, "return", jvfunc(a, "return", fnreturn, pn));
	put(a, d, "log", jvfunc(a, "log", fnempty, pn));
	put(a, d, "print", jvfunc(a, "print", fnempty, pn));
	put(a, d, "execute", &jvfalse);
	/* dbt builds the flat graph once the whole project is parsed: while
	 * parsing it is empty */
	put(a, d, "graph", jvdict(a));
	/* what dbt's parse answers: no statement runs (execute is false), so
	 * none is stored and each load_result is none */
	put(a, d, "load_result", jvfunc(a, "load_result", fnnone, pn));
	put(a, d, "store_result", jvfunc(a, "store_result", fnempty, pn));
	put(a, d, "store_raw_result", jvfunc(a, "store_raw_result", fnempty, pn));
	put(a, d, "project_name", str(a, pn->c->run.project));
	dbtjsonnames(a, d);
	{
		static const struct jdtclock clk = {parseclock, NULL};
		put(a, d, "modules", jremodules(a, &clk));
	}
	jsetnames(a, d);
	for (i = 0; no[i]; i++)
		put(a, d, no[i], jvobj(a, &noclass, (void *)no[i]));
	return d;
}

/* dbt's MacroNamespace: the local package's macros, the root's, the
 * packages by name and dbt, dbt's own, then the context's names. */
static void
setchain(struct pnode *pn, struct arena *a)
{
	struct jv *local = jvget(pn->c->bypkg, str(a, pn->pkg));

	pn->nchain = 0;
	if (local && local != pn->c->root)
		pn->chain[pn->nchain++] = local;
	pn->chain[pn->nchain++] = pn->c->root;
	pn->chain[pn->nchain++] = pn->c->pkgs;
	pn->chain[pn->nchain++] = pn->c->global;
	pn->chain[pn->nchain++] = basectx(pn, a);
}

struct pctx *
pctxnew(cJSON *macros, const struct dbtrun *run)
{
	struct pctx *c = xcalloc(1, sizeof(*c));
	struct arena *a = &c->keep;
	const char *name;
	size_t i;
	cJSON *x;

	c->run = *run;
	c->root = jvdict(a);
	c->global = jvdict(a);
	c->bypkg = jvdict(a);
	c->pkgs = jvdict(a);
	put(a, c->bypkg, run->project, c->root);
	put(a, c->pkgs, run->project, c->root);
	cJSON_ArrayForEach(x, macros) {
		struct pmacro *m = arenaalloc(a, sizeof(*m));
		const char *pkg = jstr(x, "package_name");
		struct jv *d = NULL;
		if (!pkg)
			pkg = run->project;
		if (strcmp(pkg, "dbt") && !(d = jvget(c->bypkg, str(a, pkg)))) {
			d = jvdict(a);
			put(a, c->bypkg, pkg, d);
			put(a, c->pkgs, pkg, d);
		}
		memset(m, 0, sizeof(*m));
		m->keep = a;
		m->uid = x->string;
		m->name = jstr(x, "name");
		m->path = jstr(x, "original_file_path");
		m->sql = jstr(x, "macro_sql");
		m->line = jint(x, "macro_line");
		m->col = jint(x, "macro_column");
		m->ctx = c;
		put(a, d ? d : c->global, m->name, jvfunc(a, m->name, callmacro, m));
	}
	if (!jvget(c->global, str(a, "is_incremental")))
		put(a, c->global, "is_incremental", jvfunc(a, "is_incremental", fnisincr, c));
	/* dbt's other macros are names of its context too: never undefined */
	for (i = 0; (name = dbtmacroname(i)); i++)
		if (!jvget(c->global, str(a, name)))
			put(a, c->global, name, jvobj(a, &nodbtclass, (void *)name));
	put(a, c->pkgs, "dbt", jvobj(a, &dbtclass, c));
	/* macros_by_name: dbt's, then each package's in turn, then the
	 * root's, a later one replacing an earlier one of the name */
	c->byname = jvdict(a);
	for (i = 0; i < c->global->u.dict.n; i++)
		if (c->global->u.dict.v[i])
			jvset(a, c->byname, c->global->u.dict.k[i], c->global->u.dict.v[i]);
	for (i = 0; i <= c->bypkg->u.dict.n; i++) {
		struct jv *d = i < c->bypkg->u.dict.n ? c->bypkg->u.dict.v[i] : c->root;
		size_t j;
		if (!d || (d == c->root && i < c->bypkg->u.dict.n))
			continue;
		for (j = 0; j < d->u.dict.n; j++)
			if (d->u.dict.v[j])
				jvset(a, c->byname, d->u.dict.k[j], d->u.dict.v[j]);
	}
	return c;
}

void
pctxpre(struct pctx *c, const char *pkg, const char *pre)
{
	struct jv *d = jvget(c->bypkg, str(&c->keep, pkg));
	size_t i;

	for (i = 0; d && *pre && i < d->u.dict.n; i++) {
		struct jv *x = d->u.dict.v[i];
		struct pmacro *m;
		char *p;
		if (!x || x->type != JFUNC || x->u.func.fn != callmacro)
			continue;
		m = x->u.func.data;
		p = xasprintf("%s%s", pre, m->path);
		m->path = str(&c->keep, p)->u.str.s;
		free(p);
	}
}

void
pctxfree(struct pctx *c)
{
	size_t i;

	if (!c)
		return;
	htabfree(&c->namepkg);
	for (i = 0; i < 3; i++)
		htabfree(&c->namememo[i]);
	arenafree(&c->namekeys);
	arenafree(&c->keep);
	free(c);
}

static void
begin(struct pctx *c, struct pnode *pn, cJSON *node, cJSON *calls, cJSON *macros,
    struct arena *a)
{
	memset(pn, 0, sizeof(*pn));
	pn->c = c;
	pn->node = node;
	pn->calls = calls;
	pn->macros = macros;
	c->depth = 0;
	pn->pkg = jstr(node, "package_name") ? jstr(node, "package_name") : c->run.project;
	c->cur = pn;
	setchain(pn, a);
}

int
pctxrender(struct pctx *c, cJSON *node, const char *name, const char *src,
    cJSON *calls, cJSON *macros, char **err)
{
	struct arena a = {0};
	struct pnode pn;
	struct jtmpl t;
	struct buf out = {0};
	int r;

	begin(c, &pn, node, calls, macros, &a);
	r = jcompile(&a, name, src, strlen(src), &t, err);
	t.src.lenient = 1;	/* dbt's get_rendered(..., capture_macros=True) */
	if (r == 0)
		r = jrun(&a, &t, pn.chain, pn.nchain, &out, err);
	c->cur = NULL;
	buffree(&out);
	arenafree(&a);
	return r;
}

/* ^\s*(ref|source|var|env_var|doc)\s*\(.+\)\s*$, as dbt's wrapping. */
static int
barecall(const char *s)
{
	static const char *const fns[] = {"env_var", "ref", "var", "source", "doc", NULL};
	const char *p = s, *e = s + strlen(s), *q;
	size_t i, n;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
		p++;
	for (i = 0; fns[i]; i++) {
		n = strlen(fns[i]);
		if (strncmp(p, fns[i], n))
			continue;
		for (q = p + n; *q == ' ' || *q == '\t' || *q == '\n' || *q == '\r' || *q == '\f' || *q == '\v'; q++)
			;
		while (e > q && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r' || e[-1] == '\f' || e[-1] == '\v'))
			e--;
		if (*q == '(' && e - q >= 3 && e[-1] == ')' && !memchr(q, '\n', (size_t)(e - q)))
			return 1;
	}
	return 0;
}

/* A string rendered as dbt's native environment does. */
static struct jv *
native(struct pnode *pn, struct arena *a, const char *src, char **err)
{
	struct jtmpl t;
	struct buf b = {0};
	struct jv *r;

	if (jcompile(a, "test kwargs", src, strlen(src), &t, err) < 0)
		return NULL;
	t.src.lenient = 1;	/* add_rendered_test_kwargs(..., capture_macros=True) */
	if (jrunvalue(a, &t, pn->chain, pn->nchain, &r, err) < 0)
		return NULL;
	if (r)
		return r;
	if (jrun(a, &t, pn->chain, pn->nchain, &b, err) < 0) {
		buffree(&b);
		return NULL;
	}
	r = jvstr(a, b.s ? b.s : "", b.len);
	buffree(&b);
	return r;
}

static struct jv *
kwarg(struct pnode *pn, struct arena *a, cJSON *j, int top, const char *key, char **err)
{
	struct jv *v, *x;
	cJSON *c;

	if (cJSON_IsString(j)) {
		char *w;
		if (top && !strcmp(key, "column_name"))
			return str(a, j->valuestring);
		if (!strstr(j->valuestring, "{{") && !strstr(j->valuestring, "{%") &&
		    !strstr(j->valuestring, "{#") && !barecall(j->valuestring))
			return str(a, j->valuestring);
		w = barecall(j->valuestring) ? xasprintf("{{ %s }}", j->valuestring) :
		    xstrdup(j->valuestring);
		v = native(pn, a, w, err);
		free(w);
		return v;
	}
	if (cJSON_IsArray(j)) {
		v = jvlist(a, JLIST);
		cJSON_ArrayForEach(c, j) {
			if (!(x = kwarg(pn, a, c, 0, "", err)))
				return NULL;
			jvpush(a, v, x);
		}
		return v;
	}
	if (cJSON_IsObject(j)) {
		v = jvdict(a);
		cJSON_ArrayForEach(c, j) {
			if (!(x = kwarg(pn, a, c, top, c->string, err)))
				return NULL;
			put(a, v, c->string, x);
		}
		return v;
	}
	return dbtjson(a, j);
}

int
pctxtest(struct pctx *c, cJSON *node, cJSON *kwargs, const char *raw, cJSON *calls,
    cJSON *macros, char **err)
{
	struct arena a = {0};
	struct pnode pn;
	struct jtmpl t;
	struct buf out = {0};
	struct jv *k;
	int r = -1;

	begin(c, &pn, node, calls, macros, &a);
	/* dbt's TestContext: only the macros the test's depend on, by name
	 * and by package; dispatch from all of them */
	pn.test = 1;
	if (!(pn.chain[0] = testns(c, macros, &a, err))) {
		char *e = *err;
		*err = xasprintf("generic test %s: %s", jstr(node, "unique_id"), e);
		free(e);
		c->cur = NULL;
		arenafree(&a);
		return -1;
	}
	pn.chain[1] = pn.chain[pn.nchain - 1];
	pn.nchain = 2;
	if ((k = kwarg(&pn, &a, kwargs, 1, "", err))) {
		put(&a, pn.chain[pn.nchain - 1], "_dbt_generic_test_kwargs", k);
		r = jcompile(&a, jstr(node, "original_file_path"), raw, strlen(raw), &t, err);
		t.src.lenient = 1;
		if (r == 0)
			r = jrun(&a, &t, pn.chain, pn.nchain, &out, err);
	}
	c->cur = NULL;
	buffree(&out);
	arenafree(&a);
	return r;
}

/* dbt's generate_*_name macros and the default__ each dispatches to, as
 * gen/builtins/names.sql has them: a call that reaches both is a function
 * of its custom value alone (of the target too, which is the run's), but
 * the alias's without one, which is the node's name (namesknown). */
static const char *const namesql[3][2] = {{
"{% macro generate_database_name(custom_database_name=none, node=none) -%}\n"
"    {% do return(adapter.dispatch('generate_database_name', 'dbt')(custom_database_name, node)) %}\n"
"{%- endmacro %}",
"{% macro default__generate_database_name(custom_database_name=none, node=none) -%}\n"
"    {%- if custom_database_name is none -%}\n"
"        {{ target.database }}\n"
"    {%- else -%}\n"
"        {{ custom_database_name }}\n"
"    {%- endif -%}\n"
"{%- endmacro %}"}, {
"{% macro generate_schema_name(custom_schema_name=none, node=none) -%}\n"
"    {{ return(adapter.dispatch('generate_schema_name', 'dbt')(custom_schema_name, node)) }}\n"
"{% endmacro %}",
"{% macro default__generate_schema_name(custom_schema_name, node) -%}\n"
"    {%- if custom_schema_name is none -%}\n"
"        {{ target.schema }}\n"
"    {%- else -%}\n"
"        {{ target.schema }}_{{ custom_schema_name | trim }}\n"
"    {%- endif -%}\n"
"{%- endmacro %}"}, {
"{% macro generate_alias_name(custom_alias_name=none, node=none) -%}\n"
"    {% do return(adapter.dispatch('generate_alias_name', 'dbt')(custom_alias_name, node)) %}\n"
"{%- endmacro %}",
"{% macro default__generate_alias_name(custom_alias_name=none, node=none) -%}\n"
"    {%- if custom_alias_name -%}\n"
"        {{ custom_alias_name | trim }}\n"
"    {%- elif node.version -%}\n"
"        {{ return(node.name ~ \"_v\" ~ (node.version | replace(\".\", \"_\"))) }}\n"
"    {%- else -%}\n"
"        {{ node.name }}\n"
"    {%- endif -%}\n"
"{%- endmacro %}"}};

/* Whether fn is our macro of dbt's with the text sql. */
static int
dbtmacro(struct pctx *c, struct jv *fn, const char *name, const char *sql)
{
	struct pmacro *m;

	if (!fn || fn != jvget(c->global, str(&c->namekeys, name)) ||
	    fn->u.func.fn != callmacro)
		return 0;
	m = fn->u.func.data;
	return m->sql && !strcmp(m->sql, sql);
}

/* Whether pctxnames' call of macro k for a node of pkg is dbt's own
 * macro of names.sql as namesql has it, rendered where nothing else
 * answers for what it reads: none of the package's or the root's (the
 * lookup pctxnames makes), the default__ dispatch finds (addispatch's
 * search), and target, adapter and return the context's (basectx), not
 * a macro's or a package's of the root's namespace (setchain). */
static int
namespure(struct pctx *c, const char *pkg, size_t k)
{
	static const char *const macro[3] = {"generate_database_name",
	    "generate_schema_name", "generate_alias_name"};
	static const char *const read[] = {"target", "adapter", "return", NULL};
	const char *prefixes[] = {c->run.adapter, "default"};
	const char *search[64];
	char *full;
	struct pnode pn;
	struct jv *fn = NULL, *ns[3] = {c->root, c->pkgs, c->global};
	int i, p, n;
	size_t j;

	memset(&pn, 0, sizeof(pn));
	pn.c = c;
	if (strcmp(pkg, c->run.project) && lookup(&pn, pkg, macro[k]))
		return 0;
	if (lookup(&pn, c->run.project, macro[k]) ||
	    !dbtmacro(c, lookup(&pn, "dbt", macro[k]), macro[k], namesql[k][0]))
		return 0;
	for (i = 0; read[i]; i++)
		for (j = 0; j < 3; j++)
			if (jvget(ns[j], str(&c->namekeys, read[i])))
				return 0;
	if ((n = searchpkgs(c, "dbt", search)) < 0)
		return 0;
	for (i = 0; i < n && !fn; i++)
		for (p = 0; p < 2 && !fn; p++) {
			full = xasprintf("%s__%s", prefixes[p], macro[k]);
			fn = lookup(&pn, search[i], full);
			free(full);
		}
	full = xasprintf("default__%s", macro[k]);
	i = dbtmacro(c, fn, full, namesql[k][1]);
	free(full);
	return i;
}

/* The item of o at key that dbtjson's dict keeps: the last. */
static cJSON *
lastitem(cJSON *o, const char *key)
{
	cJSON *x, *last = NULL;

	cJSON_ArrayForEach(x, o)
		if (x->string && !strcmp(x->string, key))
			last = x;
	return last;
}

/* Whether each of pctxnames' calls for a node of pkg is namespure. */
static const int *
namespkg(struct pctx *c, const char *pkg)
{
	int *pure = htabget(&c->namepkg, pkg);
	size_t k, n;

	if (pure)
		return pure;
	pure = arenaalloc(&c->namekeys, sizeof(int[3]));
	for (k = 0; k < 3; k++)
		pure[k] = namespure(c, pkg, k);
	n = strlen(pkg) + 1;
	htabput(&c->namepkg, memcpy(arenaalloc(&c->namekeys, n), pkg, n), pure);
	return pure;
}

/* out as pctxnames renders it, without rendering, where each call is
 * dbt's own (pure) and its value for its custom was rendered before, or
 * is the alias without one of a node without a version: its name
 * (default__generate_alias_name's last branch). 0 if not known. */
static int
namesknown(struct pctx *c, const int *pure, const char *const custom[3], cJSON *node,
    char *out[3])
{
	cJSON *name, *ver;
	const char *v;
	size_t k, s, e;

	for (k = 0; k < 3; k++) {
		if (!pure[k])
			break;
		if (k == 2 && (!custom[k] || !*custom[k])) {
			name = lastitem(node, "name");
			ver = lastitem(node, "version");
			if (!cJSON_IsString(name) || (ver && !cJSON_IsNull(ver) && !cJSON_IsFalse(ver)))
				break;
			v = name->valuestring;
			e = strlen(v);
			/* Python's str.strip(), as pctxnames strips */
			for (s = 0; s < e && strchr(" \t\n\r\f\v", v[s]); s++)
				;
			for (; e > s && strchr(" \t\n\r\f\v", v[e - 1]); e--)
				;
			out[k] = xmemdup(v + s, e - s);
			continue;
		}
		if (!(v = custom[k] ? htabget(&c->namememo[k], custom[k]) : c->namenone[k]))
			break;
		out[k] = xstrdup(v);
	}
	if (k == 3)
		return 1;
	while (k-- > 0)
		free(out[k]);
	return 0;
}

/* The value of a pure call for custom, rendered, kept for namesknown. */
static void
namesmemo(struct pctx *c, size_t k, const char *custom, const char *val)
{
	size_t n = strlen(val) + 1, m;
	char *v;

	if (k == 2 && (!custom || !*custom))
		return;
	if (custom ? htabget(&c->namememo[k], custom) != NULL : c->namenone[k] != NULL)
		return;
	v = memcpy(arenaalloc(&c->namekeys, n), val, n);
	if (!custom) {
		c->namenone[k] = v;
		return;
	}
	m = strlen(custom) + 1;
	htabput(&c->namememo[k], memcpy(arenaalloc(&c->namekeys, m), custom, m), v);
}

/* Whether the macro fn (of pctxnames, called) reads of its node, its
 * second parameter, only fields that are not its raw code. */
static int
rawless(const struct jv *fn)
{
	static const char *const raw[] = {"raw_code", "raw_sql", "checksum", NULL};
	const struct pmacro *m;

	if (fn->u.func.fn != callmacro)
		return 0;
	m = fn->u.func.data;
	return m->fn && jparamonly(m->fn, 1, raw);
}

int
pctxnames(struct pctx *c, const char *const macro[3], const char *const field[3],
    const char *const custom[3], cJSON *node, char *out[3], char **err)
{
	static const char src[] = "{{ __name_macro(__custom, __node) }}";
	struct arena a = {0};
	struct pnode pn;
	struct jv *ctx, *chain[7], *fn, *jnode, *own[6], *root[6];
	struct buf b = {0};
	size_t i, k, s, e, nown, nroot = 0;
	const char *pkg;
	const int *pure = NULL;
	int r = 0;

	pkg = jstr(node, "package_name") ? jstr(node, "package_name") : c->run.project;
	if (!strcmp(macro[0], "generate_database_name") &&
	    !strcmp(macro[1], "generate_schema_name") && !strcmp(macro[2], "generate_alias_name") &&
	    !strcmp(field[0], "database") && !strcmp(field[1], "schema") &&
	    !strcmp(field[2], "alias")) {
		pure = namespkg(c, pkg);
		if (namesknown(c, pure, custom, node, out))
			return 0;
	}
	begin(c, &pn, node, NULL, NULL, &a);
	jnode = dbtjson(&a, node);
	/* the namespaces of the node's package and of the root project, each
	 * built once for the three calls */
	nown = pn.nchain;
	memcpy(own, pn.chain, sizeof(own));
	if (!strcmp(pkg, c->run.project)) {
		nroot = nown;
		memcpy(root, own, sizeof(root));
	}
	for (k = 0; k < 3 && r == 0; k++) {
		/* dbt's RelationUpdate: the node's package's own macro, rendered
		 * in its package; else the root project's, else dbt's */
		pn.pkg = pkg;
		pn.nchain = nown;
		memcpy(pn.chain, own, sizeof(own));
		fn = strcmp(pn.pkg, c->run.project) ? lookup(&pn, pn.pkg, macro[k]) : NULL;
		if (!fn) {
			pn.pkg = c->run.project;
			if (!nroot) {
				setchain(&pn, &a);
				nroot = pn.nchain;
				memcpy(root, pn.chain, sizeof(root));
			}
			pn.nchain = nroot;
			memcpy(pn.chain, root, sizeof(root));
			fn = lookup(&pn, c->run.project, macro[k]);
		}
		if (!fn)
			fn = lookup(&pn, "dbt", macro[k]);
		if (!fn) {
			*err = xasprintf("no macro %s", macro[k]);
			r = -1;
			break;
		}
		ctx = jvdict(&a);
		put(&a, ctx, "__name_macro", fn);
		put(&a, ctx, "__custom", custom[k] ? str(&a, custom[k]) : &jvnone);
		put(&a, ctx, "__node", jnode);
		chain[0] = ctx;
		for (i = 0; i < pn.nchain; i++)
			chain[i + 1] = pn.chain[i];
		if (!c->names[k].macro || strcmp(c->names[k].macro, macro[k])) {
			if ((r = jcompile(&c->keep, macro[k], src, sizeof(src) - 1, &c->names[k].t,
			    err)) < 0)
				break;
			c->names[k].macro = jvstr(&c->keep, macro[k], strlen(macro[k]))->u.str.s;
		}
		b.len = 0;
		if ((r = jrun(&a, &c->names[k].t, chain, pn.nchain + 1, &b, err)) < 0)
			break;
		/* a macro of the project's own may read what it likes of the
		 * node: but for its raw code, when it reads only its fields */
		if ((!pure || !pure[k]) && !rawless(fn))
			sourcereads++;
		/* Python's str.strip() */
		for (s = 0; s < b.len && strchr(" \t\n\r\f\v", b.s[s]); s++)
			;
		for (e = b.len; e > s && strchr(" \t\n\r\f\v", b.s[e - 1]); e--)
			;
		out[k] = xmemdup(b.s ? b.s + s : "", e - s);
		if (pure && pure[k])
			namesmemo(c, k, custom[k], out[k]);
		/* the next macro sees the node with this name set, as dbt's */
		jvset(&a, jnode, str(&a, field[k]), str(&a, out[k]));
	}
	c->cur = NULL;
	if (r < 0)
		while (k-- > 0)
			free(out[k]);
	buffree(&b);
	arenafree(&a);
	return r;
}

void
pctxdocs(struct pctx *c, cJSON *docs)
{
	c->docs = docs;
}

/* doc(name) or doc(package, name), as dbt's resolve_doc: the root
 * project's, the node's package's, then any package's. */
static struct jv *
fndoc(struct jev *v, void *data, struct jcall *c)
{
	struct pnode *pn = data;
	const char *pkg = NULL, *name, *order[2];
	cJSON *d, *x;
	char *uid;
	size_t i;

	if (c->nkw || c->npos < 1 || c->npos > 2)
		jfail(v, "doc() takes a name, or a package and a name");
	if (c->npos == 2)
		pkg = strarg(v, c->pos[0], "doc");
	name = strarg(v, c->pos[c->npos - 1], "doc");
	order[0] = pkg ? pkg : pn->c->run.project;
	order[1] = pkg ? NULL : pn->pkg;
	for (i = 0; i < 2; i++) {
		if (!order[i])
			continue;
		uid = xasprintf("doc.%s.%s", order[i], name);
		d = cJSON_GetObjectItemCaseSensitive(pn->c->docs, uid);
		free(uid);
		if (cJSON_IsString(d))
			return str(jevarena(v), d->valuestring);
	}
	if (!pkg)
		cJSON_ArrayForEach(x, pn->c->docs) {
			const char *dot = strrchr(x->string, '.');
			if (dot && !strcmp(dot + 1, name) && cJSON_IsString(x))
				return str(jevarena(v), x->valuestring);
		}
	jfail(v, "Documentation for '%s' depends on doc '%s' which was not found",
	    jstr(pn->node, "unique_id"), name);
	return NULL;
}

/* env_var of a properties file: dbt's SchemaYamlContext refuses a
 * secret. */
static struct jv *
fnyamlenv(struct jev *v, void *data, struct jcall *c)
{
	if (c->npos >= 1 && c->pos[0]->type == JSTR &&
	    !strncmp(c->pos[0]->u.str.s, "DBT_ENV_SECRET", 14))
		jfail(v, "Secret env vars are allowed only in profiles.yml or packages.yml. "
		    "Found '%s' referenced elsewhere.", c->pos[0]->u.str.s);
	return fnenvvar(v, data, c);
}

/* Python's literal_eval of what a native render joined, as far as it is
 * read here: True, False, None and an int are those values, anything
 * else that Python would read as a literal is refused, the rest is the
 * text (literal_eval fails on it, and dbt keeps the text). */
static struct jv *
literal(struct jev *v, struct arena *a, const char *s, size_t n)
{
	char *t = xmemdup(s, n), *p = t, *e;
	struct jv *r = NULL;
	int refuse = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	for (e = p + strlen(p); e > p && strchr(" \t\r\n", e[-1]); e--)
		;
	*e = '\0';
	if (!strcmp(p, "True"))
		r = &jvtrue;
	else if (!strcmp(p, "False"))
		r = &jvfalse;
	else if (!strcmp(p, "None"))
		r = &jvnone;
	else if (*p && strspn(p + (*p == '-'), "0123456789") == strlen(p + (*p == '-')) &&
	    p[*p == '-'] && (p[*p == '-'] != '0' || !p[(*p == '-') + 1]) && strlen(p) < 18) {
		r = jvint(a, strtoll(p, NULL, 10));
	} else if ((*p && strchr("[({'\"\n", *p)) || ((*p == '-' || *p == '+' || *p == '.' ||
	    (*p >= '0' && *p <= '9')) && strspn(p, "-+.0123456789eEjJ_xXoObB") == strlen(p)) ||
	    /* a bytes or raw string: b'', rb"" */
	    (*p && strchr("bBrRuU", *p) && ((p[1] && strchr("'\"", p[1])) ||
	    (p[1] && strchr("bBrR", p[1]) && p[2] && strchr("'\"", p[2])))))
		refuse = 1;
	free(t);
	if (refuse)
		jfail(v, "unsupported: a value dbt would read as a Python literal: %.*s",
		    (int)n, s);
	return r ? r : jvstr(a, s, n);
}

static struct jv *
fnliteral(struct jev *v, void *data, struct jcall *c)
{
	(void)data;
	return literal(v, jevarena(v), c->pos[0]->u.str.s, c->pos[0]->u.str.n);
}

/* Whether Jinja2's compiler folds expression x to a constant (as_const):
 * 1, 0, or -1 where it folds a part of it as well (a test or the left of
 * and/or constant, the rest not), which is not read here. */
static int
konst(const struct jnode *x)
{
	const struct jnode *ops[3];
	size_t i, n = 0;
	int k, all = 1;

	if (!x)
		return 1;
	switch (x->k) {
	case N_CONST:
		return 1;
	case N_NAME: case N_CALL:
		return 0;
	case N_LIST: case N_TUPLE: case N_DICT: case N_CMP:
		for (i = 0; i < x->kids.n; i++)
			if ((k = konst(x->kids.v[i])) <= 0)
				return k;
		return 1;
	case N_FILTER: case N_TEST:
		for (i = 0; i < x->kids.n; i++)
			if ((k = konst(x->kids.v[i])) <= 0)
				return k < 0 || konst(x->a) ? -1 : 0;
		for (i = 0; i < x->kw.n; i++)
			if ((k = konst(x->kw.v[i])) <= 0)
				return k < 0 || konst(x->a) ? -1 : 0;
		return konst(x->a);
	case N_COND:
		if (!x->c)
			return konst(x->b) ? -1 : 0;
		break;
	default:
		break;
	}
	ops[n++] = x->a;
	ops[n++] = x->b;
	ops[n++] = x->c;
	for (i = 0; i < n; i++) {
		if ((k = konst(ops[i])) < 0)
			return -1;
		all &= k;
	}
	if (all)
		return 1;
	/* CondExpr folds on a constant test, And and Or on a constant left */
	if ((x->k == N_COND && konst(x->b)) || ((x->k == N_AND || x->k == N_OR) && konst(x->a)))
		return -1;
	return 0;
}

/* Whether src applies the filter f (|f, spaces allowed, the name whole). */
static int
marker(const char *src, const char *f)
{
	size_t n = strlen(f);
	const char *p, *q;

	for (p = strchr(src, '|'); p; p = strchr(p + 1, '|')) {
		for (q = p + 1; *q == ' ' || *q == '\t' || *q == '\n'; q++)
			;
		if (!strncmp(q, f, n) && !(isalnum((unsigned char)q[n]) || q[n] == '_'))
			return 1;
	}
	return 0;
}

/* src rendered natively with the context ctx, as dbt's get_rendered(...,
 * native=True): one {{ }}'s value, else the text as Python's literal_eval
 * reads it (literal); *out its JSON. */
static int
natively(struct arena *a, struct jv *ctx, const char *name, const char *src, cJSON **out,
    char **err)
{
	static const char lsrc[] = "{{ __literal(__text) }}";
	struct jtmpl t, lt;
	struct jv *v = NULL, *lctx;
	struct buf b = {0};
	int r, k;

	*out = NULL;
	r = jcompile(a, name, src, strlen(src), &t, err);
	/* one {{ }} Jinja2 folds to a constant is its text, as dbt's
	 * quoted_native_concat returns it */
	if (r == 0 && t.body.n == 1 && t.body.v[0]->k == N_OUTPUT &&
	    (k = konst(t.body.v[0]->a)) != 0) {
		const char *e = NULL;
		if (k < 0)
			e = "a {{ }} Jinja2 would fold in part to a constant";
		else if ((r = jrunvalue(a, &t, &ctx, 1, &v, err)) == 0 && !(e = jvstrto(&b, v)))
			v = jvstr(a, b.s ? b.s : "", b.len);
		if (e) {
			*err = xasprintf("%s: unsupported: %s", name, e);
			r = -1;
		}
		buffree(&b);
		if (r == 0 && !(*out = pctxjson(v))) {
			*err = xasprintf("%s: rendered to a value YAML cannot hold", name);
			r = -1;
		}
		return r;
	}
	if (r == 0 && (r = jrunvalue(a, &t, &ctx, 1, &v, err)) == 0 && v &&
	    t.body.v[0]->k == N_OUTPUT && t.body.v[0]->a->k == N_FILTER &&
	    !strncmp(t.body.v[0]->a->name, "as_", 3)) {
		/* dbt's native markers: as_text its text; as_bool, as_number
		 * and as_native the text's literal, of that type */
		const char *f = t.body.v[0]->a->name, *e = jvstrto(&b, v);
		struct jv *text = jvstr(a, b.s ? b.s : "", b.len);
		if (e) {
			*err = xasprintf("%s: unsupported: %s", name, e);
			r = -1;
		} else if (!strcmp(f, "as_text")) {
			v = text;
		} else {
			lctx = jvdict(a);
			put(a, lctx, "__text", text);
			put(a, lctx, "__literal", jvfunc(a, "literal", fnliteral, NULL));
			if ((r = jcompile(a, name, lsrc, sizeof(lsrc) - 1, &lt, err)) == 0 &&
			    (r = jrunvalue(a, &lt, &lctx, 1, &v, err)) == 0 &&
			    ((!strcmp(f, "as_bool") && v->type != JBOOL) ||
			    (!strcmp(f, "as_number") && v->type != JINT && v->type != JFLOAT))) {
				*err = xasprintf("%s: Could not convert value '%s' into type '%s'",
				    name, text->u.str.s, f + 3);
				r = -1;
			}
		}
	} else if (r == 0 && !v && (r = jrun(a, &t, &ctx, 1, &b, err)) == 0) {
		/* the literal check runs as a render, for its error's place */
		lctx = jvdict(a);
		put(a, lctx, "__text", jvstr(a, b.s ? b.s : "", b.len));
		put(a, lctx, "__literal", jvfunc(a, "literal", fnliteral, NULL));
		if ((r = jcompile(a, name, lsrc, sizeof(lsrc) - 1, &lt, err)) == 0)
			r = jrunvalue(a, &lt, &lctx, 1, &v, err);
		/* a marker among other output: dbt reads it only when it is
		 * the one thing output, which is not known here but for a
		 * value of the marker's own type */
		if (r == 0 && ((marker(src, "as_text") || marker(src, "as_native")) ||
		    (marker(src, "as_bool") && v->type != JBOOL) ||
		    (marker(src, "as_number") && v->type != JINT && v->type != JFLOAT))) {
			*err = xasprintf("%s: unsupported: dbt's as_text, as_native, as_bool or "
			    "as_number beside other output", name);
			r = -1;
		}
	}
	buffree(&b);
	if (r == 0 && !(*out = pctxjson(v))) {
		*err = xasprintf("%s: rendered to a value YAML cannot hold", name);
		r = -1;
	}
	return r;
}

int
pctxyaml(struct pctx *c, const char *pkg, const char *name, const char *text, cJSON **out,
    char **err)
{
	struct arena a = {0};
	struct pnode pn;
	struct jv *ctx;
	cJSON *node = cJSON_CreateObject();
	int r;

	cJSON_AddStringToObject(node, "package_name", pkg);
	begin(c, &pn, node, NULL, NULL, &a);
	/* dbt's SchemaYamlContext: var, env_var, target and no macros */
	ctx = jvdict(&a);
	put(&a, ctx, "var", jvobj(&a, &varclass, &pn));
	put(&a, ctx, "env_var", jvfunc(&a, "env_var", fnyamlenv, &pn));
	put(&a, ctx, "target", jvobj(&a, &targetclass, c));
	put(&a, ctx, "project_name", str(&a, c->run.project));
	r = natively(&a, ctx, name, text, out, err);
	c->cur = NULL;
	arenafree(&a);
	cJSON_Delete(node);
	return r;
}

int
pctxdesc(struct pctx *c, cJSON *node, const char *name, const char *text, char **out, char **err)
{
	struct arena a = {0};
	struct pnode pn;
	struct jtmpl t;
	struct jv *ctx;
	struct buf b = {0};
	int r;

	if (!strstr(text, "{{") && !strstr(text, "{%") && !strstr(text, "{#")) {
		*out = xstrdup(text);
		return 0;
	}
	begin(c, &pn, node, NULL, NULL, &a);
	/* dbt's DocsRuntimeContext: doc, var, env_var, target and no macros */
	ctx = jvdict(&a);
	put(&a, ctx, "doc", jvfunc(&a, "doc", fndoc, &pn));
	put(&a, ctx, "var", jvobj(&a, &varclass, &pn));
	put(&a, ctx, "env_var", jvfunc(&a, "env_var", fnenvvar, &pn));
	put(&a, ctx, "target", jvobj(&a, &targetclass, c));
	put(&a, ctx, "project_name", str(&a, c->run.project));
	r = jcompile(&a, name, text, strlen(text), &t, err);
	if (r == 0)
		r = jrun(&a, &t, &ctx, 1, &b, err);
	c->cur = NULL;
	*out = r == 0 ? xmemdup(b.s ? b.s : "", b.len) : NULL;
	buffree(&b);
	arenafree(&a);
	return r;
}

int
pctxproject(struct pctx *c, const char *name, const char *src, cJSON **out, char **err)
{
	struct arena a = {0};
	struct pnode pn;
	struct jv *ctx;
	cJSON *node = cJSON_CreateObject();
	int r;

	begin(c, &pn, node, NULL, NULL, &a);
	/* dbt's TargetContext: env_var, target, and var of --vars only */
	ctx = jvdict(&a);
	put(&a, ctx, "var", jvobj(&a, &varclass, &pn));
	put(&a, ctx, "env_var", jvfunc(&a, "env_var", fnenvvar, &pn));
	put(&a, ctx, "target", jvobj(&a, &targetclass, c));
	r = natively(&a, ctx, name, src, out, err);
	c->cur = NULL;
	arenafree(&a);
	cJSON_Delete(node);
	return r;
}
