/* dbtctx.c: dbt's Jinja context over a manifest (see dbtctx.h). */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "dbtctx.h"
#include "dbtint.h"
#include "hash.h"
#include "htab.h"
#include "jeval.h"
#include "jdatetime.h"
#include "jre.h"
#include "jset.h"
#include "yamljson.h"

/* Reads of what holds a node's source (model, graph), in every render */
static unsigned long sourcereads;

struct jv *
dbtjson(struct arena *a, cJSON *j)
{
	struct jv *v;
	cJSON *c;

	if (!j || cJSON_IsNull(j))
		return &jvnone;
	if (cJSON_IsBool(j))
		return jvbool(cJSON_IsTrue(j));
	if (cJSON_IsNumber(j)) {
		double d = j->valuedouble;
		if (d == (double)(long long)d && d > -9e15 && d < 9e15)
			return jvint(a, (int64_t)d);
		return jvfloat(a, d);
	}
	if (cJSON_IsString(j))
		return str(a, j->valuestring);
	if (cJSON_IsArray(j)) {
		v = jvlist(a, JLIST);
		cJSON_ArrayForEach(c, j)
			jvpush(a, v, dbtjson(a, c));
		return v;
	}
	v = jvdict(a);
	cJSON_ArrayForEach(c, j)
		put(a, v, c->string, dbtjson(a, c));
	return v;
}



/* ---- relations ---- */

static const struct jclass relclass;

static struct jv *
relv(struct arena *a, struct rel *r)
{
	struct rel *n = arenaalloc(a, sizeof(*n));

	*n = *r;
	return jvobj(a, &relclass, n);
}

struct jv *
dbtrelv(struct arena *a, struct rel *r)
{
	return relv(a, r);
}

struct rel *
dbtrelof(struct jv *x)
{
	return x->type == JOBJ && x->u.obj.cls == &relclass ? x->u.obj.data : NULL;
}

static void
relrender(const struct rel *r, struct buf *b)
{
	const char *part[3] = {r->db, r->schema, r->id};
	int i, any = 0;

	if (r->rendered) {
		bufputs(b, r->rendered);
		return;
	}
	for (i = 0; i < 3; i++) {
		if (!r->include[i] || !part[i] || !*part[i])
			continue;
		if (any++)
			bufputc(b, '.');
		if (r->quote[i]) {
			bufputs(b, r->q);
			bufputs(b, part[i]);
			bufputs(b, r->q);
		} else
			bufputs(b, part[i]);
	}
	if (r->view) {
		if (any)
			bufputc(b, '.');
		bufputs(b, r->view);
	}
}

static const char *
relstr(const struct jv *self, struct buf *b)
{
	relrender(self->u.obj.data, b);
	return NULL;
}

/* include(database=, schema=, identifier=) and quote(...) */
static struct jv *
relpolicy(struct jev *v, void *data, struct jcall *c, int quote)
{
	static const char *const names[] = {"database", "schema", "identifier", NULL};
	struct rel r = *(struct rel *)data;
	size_t k, i;

	if (c->npos)
		jfail(v, "unsupported: %s() with positional arguments", quote ? "quote" : "include");
	for (k = 0; k < c->nkw; k++) {
		for (i = 0; names[i] && strcmp(names[i], c->names[k]); i++)
			;
		if (!names[i])
			jfail(v, "unsupported: %s(%s=)", quote ? "quote" : "include", c->names[k]);
		if (c->kw[k]->type == JNONE)
			continue;
		if (c->kw[k]->type != JBOOL)
			jfail(v, "%s(): %s must be true or false", quote ? "quote" : "include", c->names[k]);
		if (quote)
			r.quote[i] = c->kw[k]->u.b;
		else
			r.include[i] = c->kw[k]->u.b;
		r.rendered = NULL;
	}
	return relv(jevarena(v), &r);
}

static struct jv *
relinclude(struct jev *v, void *data, struct jcall *c)
{
	return relpolicy(v, data, c, 0);
}

static struct jv *
relquote(struct jev *v, void *data, struct jcall *c)
{
	return relpolicy(v, data, c, 1);
}

static struct jv *
relrenderfn(struct jev *v, void *data, struct jcall *c)
{
	struct buf b = {0};
	struct jv *r;

	if (c->npos || c->nkw)
		jfail(v, "render() takes no arguments");
	relrender(data, &b);
	r = jvstr(jevarena(v), b.s ? b.s : "", b.len);
	buffree(&b);
	return r;
}

/* relation.get(key, default=None): dbt's answer to dbt_utils' test of
 * a relation, get('metadata'), is {"type": "<Adapter>Relation"}. */
static struct jv *
relget(struct jev *v, void *data, struct jcall *c)
{
	static const char *const names[][2] = {{"postgres", "PostgresRelation"},
	    {"materialize", "MaterializeRelation"}, {"redshift", "RedshiftRelation"},
	    {"snowflake", "SnowflakeRelation"}, {"bigquery", "BigQueryRelation"},
	    {"databricks", "DatabricksRelation"}, {"spark", "SparkRelation"},
	    {"duckdb", "DuckDBRelation"}};
	struct rel *r = data;
	struct arena *a = jevarena(v);
	struct jv *d;
	size_t i;

	if (c->nkw || c->npos < 1 || c->npos > 2 || c->pos[0]->type != JSTR)
		jfail(v, "unsupported: a relation's get() but of a key");
	if (strcmp(c->pos[0]->u.str.s, "metadata"))
		jfail(v, "unsupported: a relation's get('%s')", c->pos[0]->u.str.s);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (r->adapter && !strcmp(r->adapter, names[i][0])) {
			d = jvdict(a);
			put(a, d, "type", str(a, names[i][1]));
			return d;
		}
	jfail(v, "unsupported: the class of a %s relation", r->adapter ? r->adapter : "");
	return NULL;
}

/* information_schema(view_name=None): dbt's InformationSchema of the
 * relation: its database, then INFORMATION_SCHEMA unquoted in place of
 * the schema and identifier, then the view unquoted */
static struct jv *
relinfoschema(struct jev *v, void *data, struct jcall *c)
{
	struct rel r = *(struct rel *)data;
	struct jv *view = c->npos ? c->pos[0] : NULL;

	if (c->npos > 1 || (c->nkw && (c->nkw > 1 || c->npos || strcmp(c->names[0], "view_name"))))
		jfail(v, "unsupported: information_schema() but with view_name");
	if (c->nkw)
		view = c->kw[0];
	r.view = view && view->type == JSTR ? view->u.str.s : NULL;
	r.schema = NULL;
	r.id = "INFORMATION_SCHEMA";
	r.include[0] = r.db != NULL;
	r.include[1] = 0;
	r.include[2] = 1;
	r.quote[2] = 0;
	r.type = "view";
	r.rendered = NULL;
	r.infoschema = 1;
	return relv(jevarena(v), &r);
}

/* incorporate(type=, path={database, schema, identifier}): the relation
 * with those merged in, as dbt's BaseRelation.incorporate. */
static struct jv *
relincorporate(struct jev *v, void *data, struct jcall *c)
{
	static const char *const types[] = {"table", "view", "cte", "materialized_view",
	    "external", NULL}, *const parts[] = {"database", "schema", "identifier", NULL};
	struct rel r = *(struct rel *)data;
	const char **to[] = {&r.db, &r.schema, &r.id};
	size_t k, i, j;

	if (c->npos)
		jfail(v, "unsupported: incorporate() with positional arguments");
	for (k = 0; k < c->nkw; k++) {
		struct jv *x = c->kw[k];
		if (!strcmp(c->names[k], "type")) {
			for (i = 0; types[i] && !(x->type == JSTR && !strcmp(types[i], x->u.str.s)); i++)
				;
			if (x->type != JNONE && !types[i])
				jfail(v, "unsupported: incorporate(type=%s)", x->type == JSTR ?
				    x->u.str.s : jvtypename(x));
			r.type = x->type == JNONE ? NULL : types[i];
		} else if (!strcmp(c->names[k], "path") && x->type == JDICT) {
			for (j = 0; j < x->u.dict.n; j++) {
				struct jv *key = x->u.dict.k[j], *val = x->u.dict.v[j];
				for (i = 0; parts[i] && !(key->type == JSTR &&
				    !strcmp(parts[i], key->u.str.s)); i++)
					;
				if (!parts[i] || (val->type != JSTR && val->type != JNONE))
					jfail(v, "unsupported: incorporate(path=) but of database, schema "
					    "and identifier as strings");
				*to[i] = val->type == JSTR ? val->u.str.s : NULL;
			}
			r.rendered = NULL;
		} else
			jfail(v, "unsupported: incorporate(%s=)", c->names[k]);
	}
	return relv(jevarena(v), &r);
}

static struct jv *
relgetattr(struct jev *v, struct jv *self, const char *name)
{
	struct rel *r = self->u.obj.data;
	struct arena *a = jevarena(v);
	const char *s = NULL;

	if (!strcmp(name, "database"))
		s = r->db;
	else if (!strcmp(name, "schema"))
		s = r->schema;
	else if (!strcmp(name, "identifier") || !strcmp(name, "name") ||
	    !strcmp(name, "table"))
		s = r->id;
	else if (!strcmp(name, "include"))
		return jvfunc(a, "include", relinclude, r);
	else if (!strcmp(name, "quote"))
		return jvfunc(a, "quote", relquote, r);
	else if (!strcmp(name, "render"))
		return jvfunc(a, "render", relrenderfn, r);
	else if (!strcmp(name, "get"))
		return jvfunc(a, "get", relget, r);
	else if (!strcmp(name, "incorporate"))
		return jvfunc(a, "incorporate", relincorporate, r);
	else if (!strcmp(name, "information_schema") && !r->infoschema)
		return jvfunc(a, "information_schema", relinfoschema, r);
	else if (!strcmp(name, "information_schema_view") && r->infoschema)
		return r->view ? str(a, r->view) : &jvnone;
	else if (!strcmp(name, "type"))
		return r->type ? str(a, r->type) : &jvnone;
	else if (!strcmp(name, "is_table"))
		return jvbool(r->type && !strcmp(r->type, "table"));
	else if (!strcmp(name, "is_view"))
		return jvbool(r->type && !strcmp(r->type, "view"));
	else if (!strcmp(name, "is_cte"))
		return jvbool(r->type && !strcmp(r->type, "cte"));
	else if (!strcmp(name, "is_materialized_view"))
		return jvbool(r->type && !strcmp(r->type, "materialized_view"));
	else
		jfail(v, "unsupported: attribute '%s' of a relation", name);
	return s ? str(a, s) : &jvnone;
}

static const struct jclass relclass = {"Relation", relgetattr, relstr, NULL, NULL, NULL, 1, NULL};

static int
quotedefault(const char *adapter)
{
	/* adapters whose relations quote nothing unless told */
	static const char *const bare[] = {"snowflake", "spark", "databricks", NULL};
	size_t i;

	for (i = 0; bare[i]; i++)
		if (!strcmp(adapter, bare[i]))
			return 0;
	return 1;
}

/* The adapter's identifier quote. */
static const char *
quotechar(const char *adapter)
{
	return !strcmp(adapter, "bigquery") || !strcmp(adapter, "spark") ||
	    !strcmp(adapter, "databricks") || !strcmp(adapter, "clickhouse") ? "`" : "\"";
}

/* The relation of a manifest node or source. */
static struct jv *
noderel(struct rnode *rn, struct arena *a, cJSON *n)
{
	struct rel r;
	const char *rt = jstr(n, "resource_type");
	int i, q = quotedefault(rn->c->run.adapter);
	cJSON *quoting = cJSON_GetObjectItemCaseSensitive(n, "quoting");

	memset(&r, 0, sizeof(r));
	r.q = rn->c->quote;
	r.adapter = rn->c->run.adapter;
	r.db = jstr(n, "database");
	r.schema = jstr(n, "schema");
	r.id = rt && !strcmp(rt, "source") ? (jstr(n, "identifier") ? jstr(n, "identifier") : jstr(n, "name")) :
	    jstr(n, "alias") ? jstr(n, "alias") : jstr(n, "name");
	for (i = 0; i < 3; i++) {
		r.quote[i] = q;
		r.include[i] = 1;
	}
	if (cJSON_IsObject(quoting)) {
		static const char *const k[] = {"database", "schema", "identifier"};
		for (i = 0; i < 3; i++) {
			cJSON *x = cJSON_GetObjectItemCaseSensitive(quoting, k[i]);
			if (cJSON_IsBool(x))
				r.quote[i] = cJSON_IsTrue(x);
		}
	}
	r.rendered = jstr(n, "relation_name");
	if (rt && !strcmp(rt, "model")) {
		cJSON *cfg = cJSON_GetObjectItemCaseSensitive(n, "config");
		const char *mat = jstr(cfg, "materialized");
		r.type = mat && !strcmp(mat, "view") ? "view" :
		    mat && !strcmp(mat, "materialized_view") ? "materialized_view" : "table";
	} else if (rt && (!strcmp(rt, "seed") || !strcmp(rt, "snapshot")))
		r.type = "table";
	return relv(a, &r);
}

/* ---- the context's functions ---- */

static int
isephemeral(cJSON *n)
{
	cJSON *cfg = cJSON_GetObjectItemCaseSensitive(n, "config");
	const char *mat = jstr(cfg, "materialized");

	return mat && !strcmp(mat, "ephemeral");
}

static struct jv *
ephemeralrel(struct rnode *rn, struct arena *a, cJSON *n)
{
	struct rel r;
	const char *id = jstr(n, "alias") ? jstr(n, "alias") : jstr(n, "name");
	size_t i;

	for (i = 0; i < rn->nctes && rn->ctes[i] != n; i++)
		;
	if (i == rn->nctes) {
		rn->ctes = xreallocarray(rn->ctes, rn->nctes + 1, sizeof(*rn->ctes));
		rn->ctes[rn->nctes++] = n;
	}
	memset(&r, 0, sizeof(r));
	r.q = rn->c->quote;
	r.adapter = rn->c->run.adapter;
	r.id = arenaalloc(a, strlen(id) + 13);
	sprintf((char *)r.id, "__dbt__cte__%s", id);
	r.include[2] = 1;
	r.type = "cte";
	return relv(a, &r);
}

static int
versioneq(cJSON *n, struct jv *ver)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(n, "version");
	char num[64];

	if (!ver) {
		/* no version asked: the latest one, as dbt resolves it */
		cJSON *l = cJSON_GetObjectItemCaseSensitive(n, "latest_version");
		if (!v || cJSON_IsNull(v) || !l || cJSON_IsNull(l))
			return 1;
		if (cJSON_IsString(v) && cJSON_IsString(l))
			return !strcmp(v->valuestring, l->valuestring);
		if (cJSON_IsNumber(v) && cJSON_IsNumber(l))
			return v->valuedouble == l->valuedouble;
		return 0;
	}
	if (cJSON_IsString(v))
		return ver->type == JSTR && !strcmp(v->valuestring, ver->u.str.s);
	if (!cJSON_IsNumber(v))
		return 0;
	if (ver->type == JINT)
		return v->valuedouble == (double)ver->u.i;
	if (ver->type == JFLOAT)
		return v->valuedouble == ver->u.f;
	if (ver->type == JSTR) {
		snprintf(num, sizeof(num), "%g", v->valuedouble);
		return !strcmp(num, ver->u.str.s);
	}
	return 0;
}

/* The dependency of rn's node named name (in package pkg, of version ver)
 * of resource type: what dbt's parse resolved the call to. Should two
 * packages' nodes of that name both be among them, the node's own
 * package's wins, then the root project's, as dbt's resolve_ref. */
static cJSON *
finddep(struct rnode *rn, const char *prefix, const char *pkg, const char *name,
    const char *srcname, struct jv *ver)
{
	cJSON *dep = cJSON_GetObjectItemCaseSensitive(rn->node, "depends_on");
	cJSON *ids = cJSON_GetObjectItemCaseSensitive(dep, "nodes"), *id, *best = NULL;
	int bestscore = 0;

	cJSON_ArrayForEach(id, ids) {
		cJSON *n;
		const char *nm, *p;
		if (!cJSON_IsString(id) || strncmp(id->valuestring, prefix, strlen(prefix)))
			continue;
		if (!(n = dbtnode(rn->c, id->valuestring)))
			continue;
		nm = jstr(n, "name");
		p = jstr(n, "package_name");
		if (!nm || strcmp(nm, name) || (pkg && (!p || strcmp(p, pkg))))
			continue;
		if (srcname && (!jstr(n, "source_name") || strcmp(jstr(n, "source_name"), srcname)))
			continue;
		if (!srcname && !versioneq(n, ver))
			continue;
		{
			int score = rn->pkg && p && !strcmp(p, rn->pkg) ? 3 :
			    p && !strcmp(p, rn->c->run.project) ? 2 : 1;
			if (score > bestscore) {
				best = n;
				bestscore = score;
			}
		}
	}
	return best;
}

static struct jv *
fnref(struct jev *v, void *data, struct jcall *c)
{
	static const char *const ok[] = {"version", "v", "package", NULL};
	struct rnode *rn = data;
	const char *pkg = NULL, *name = NULL;
	struct jv *ver = arg(c, 99, "version");
	cJSON *n;

	nokw(v, c, "ref", ok);
	if (!ver)
		ver = arg(c, 99, "v");
	if (c->npos == 2) {
		pkg = strarg(v, c, 0, NULL, "ref");
		name = strarg(v, c, 1, NULL, "ref");
	} else if (c->npos == 1) {
		name = strarg(v, c, 0, NULL, "ref");
		if (arg(c, 99, "package"))
			pkg = strarg(v, c, 99, "package", "ref");
	} else
		jfail(v, "ref() takes 1 or 2 arguments");
	n = finddep(rn, "model.", pkg, name, NULL, ver);
	if (!n)
		n = finddep(rn, "seed.", pkg, name, NULL, NULL);
	if (!n)
		n = finddep(rn, "snapshot.", pkg, name, NULL, NULL);
	if (!n)
		jfail(v, "ref('%s'): not among the node's depends_on.nodes", name);
	if (isephemeral(n))
		return ephemeralrel(rn, jevarena(v), n);
	return noderel(rn, jevarena(v), n);
}

/* The source src.tab of package pkg, or NULL. */
static cJSON *
sourcein(struct rnode *rn, const char *pkg, const char *src, const char *tab)
{
	char *uid = xasprintf("source.%s.%s.%s", pkg, src, tab);
	cJSON *n = dbtnode(rn->c, uid);

	free(uid);
	return n;
}

/* A source is what dbt's parse resolved the call to; one it did not (its
 * call was not made at parse: under execute) is what dbt's
 * RuntimeSourceResolver finds in the manifest: the root project's, then
 * the node's package's (another package's is refused). */
static struct jv *
fnsource(struct jev *v, void *data, struct jcall *c)
{
	struct rnode *rn = data;
	const char *src, *tab;
	cJSON *n;

	nokw(v, c, "source", NULL);
	if (c->npos != 2)
		jfail(v, "source() takes 2 arguments");
	src = strarg(v, c, 0, NULL, "source");
	tab = strarg(v, c, 1, NULL, "source");
	if (!(n = finddep(rn, "source.", NULL, tab, src, NULL)) &&
	    !(n = sourcein(rn, rn->c->run.project, src, tab)) &&
	    !(rn->pkg && (n = sourcein(rn, rn->pkg, src, tab))))
		jfail(v, "source('%s', '%s'): not among the node's depends_on.nodes, nor a source "
		    "of the root project or of the node's package", src, tab);
	return noderel(rn, jevarena(v), n);
}

/* dbt's vars for a node: --vars first; the root project's scoped to the
 * node's package win over its global ones, which win over the package's
 * own project's (scoped, then global). */
static cJSON *
findvar(struct rnode *rn, const char *name)
{
	cJSON *root = rn->c->run.vars, *own = NULL, *x, *scope;

	if ((x = cJSON_GetObjectItemCaseSensitive(rn->c->run.clivars, name)))
		return x;
	if (rn->pkg && strcmp(rn->pkg, rn->c->run.project))
		own = cJSON_GetObjectItemCaseSensitive(rn->c->run.pkgvars, rn->pkg);
	scope = rn->pkg ? cJSON_GetObjectItemCaseSensitive(root, rn->pkg) : NULL;
	if (cJSON_IsObject(scope) && (x = cJSON_GetObjectItemCaseSensitive(scope, name)))
		return x;
	if ((x = cJSON_GetObjectItemCaseSensitive(root, name)))
		return x;
	scope = rn->pkg ? cJSON_GetObjectItemCaseSensitive(own, rn->pkg) : NULL;
	if (cJSON_IsObject(scope) && (x = cJSON_GetObjectItemCaseSensitive(scope, name)))
		return x;
	return cJSON_GetObjectItemCaseSensitive(own, name);
}

struct jv *
dbtvarvalue(struct jev *v, const char *name, cJSON *x)
{
	const char *t = cJSON_IsString(x) ? x->valuestring : NULL, *p;
	char *tn;
	struct jv *r;

	for (p = t; p && *p; p++)
		if ((p[0] == '{' && p[1] && strchr("{%#", p[1])) ||
		    (p[1] == '}' && strchr("#}%", p[0])))
			break;
	if (!p || !*p)
		return dbtjson(jevarena(v), x);
	tn = xasprintf("var('%s')", name);
	r = jevrender(v, tn, t, strlen(t));
	free(tn);
	return r;
}

static struct jv *
fnvar(struct jev *v, void *data, struct jcall *c)
{
	struct rnode *rn = data;
	const char *name;
	cJSON *x;

	nokw(v, c, "var", NULL);
	if (c->npos < 1 || c->npos > 2)
		jfail(v, "var() takes 1 or 2 arguments");
	name = strarg(v, c, 0, NULL, "var");
	if ((x = findvar(rn, name)))
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
	nokw(v, c, "var.has_var", NULL);
	if (c->npos != 1)
		jfail(v, "var.has_var() takes 1 argument");
	return jvbool(findvar(data, strarg(v, c, 0, NULL, "var.has_var")) != NULL);
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
static const struct jclass varclass = {"RuntimeVar", vargetattr, NULL, varcall, NULL, NULL, 0, NULL};

static void
envread(struct dbtctx *c, const char *name)
{
	const char *p = c->envs.s;
	size_t n = strlen(name);

	for (; p && *p; p = strchr(p, '\n') + 1)
		if (!strncmp(p, name, n) && p[n] == '\n')
			return;
	bufputs(&c->envs, name);
	bufputc(&c->envs, '\n');
}

/* At run time: the env var must be one the generator saw, with the
 * value it saw, or the job would not be what it ran. */
static void
envcheck(struct jev *v, struct dbtctx *c, const char *name, const char *val)
{
	cJSON *h;
	char sum[SHA256_HEX];

	if (!c->run.envs)
		return;
	if (!(h = cJSON_GetObjectItemCaseSensitive(c->run.envs, name)))
		jfail(v, "unsupported: env_var('%s') is read only when the database answers; "
		    "its value is not part of the job", name);
	if (val)
		sha256hex(val, strlen(val), sum);
	if (cJSON_IsNull(h) ? val != NULL : !cJSON_IsString(h) || !val || strcmp(h->valuestring, sum))
		jfail(v, "env var '%s' changed since dbt2ninja wrote the job: run dbt2ninja again", name);
}

static struct jv *
fnenvvar(struct jev *v, void *data, struct jcall *c)
{
	const char *name, *val;

	nokw(v, c, "env_var", NULL);
	if (c->npos < 1 || c->npos > 2)
		jfail(v, "env_var() takes 1 or 2 arguments");
	name = strarg(v, c, 0, NULL, "env_var");
	envread(((struct rnode *)data)->c, name);
	val = getenv(name);
	envcheck(v, ((struct rnode *)data)->c, name, val);
	if (val)
		return str(jevarena(v), val);
	if (c->npos == 2)
		return c->pos[1];
	jfail(v, "Env var required but not provided: '%s'", name);
	return NULL;
}

static struct jv *
fnisincr(struct jev *v, void *data, struct jcall *c)
{
	struct rnode *rn = data;
	cJSON *cfg = cJSON_GetObjectItemCaseSensitive(rn->node, "config");
	const char *mat = jstr(cfg, "materialized");

	if (c->npos || c->nkw)
		jfail(v, "is_incremental() takes no arguments");
	/* dbt: the relation exists, is a table, and not --full-refresh */
	return jvbool(rn->c->run.incremental && mat && !strcmp(mat, "incremental"));
}

static struct jv *
fnempty(struct jev *v, void *data, struct jcall *c)
{
	(void)v; (void)data; (void)c;
	return str(jevarena(v), "");
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
fnwarn(struct jev *v, void *data, struct jcall *c)
{
	struct jv *msg = arg(c, 0, "msg");

	(void)data;
	if (msg)
		fprintf(stderr, "warning: %s\n", jevstr(v, msg)->u.str.s);
	return str(jevarena(v), "");
}

static struct jv *
fnzip(struct jev *v, void *data, struct jcall *c)
{
	struct arena *a = jevarena(v);
	struct jv *r = jvlist(a, JLIST), **l;
	size_t i, k, n = (size_t)-1;

	(void)data;
	nokw(v, c, "zip", NULL);
	l = arenaalloc(a, (c->npos + 1) * sizeof(*l));
	for (k = 0; k < c->npos; k++) {
		l[k] = jeviter(v, c->pos[k]);
		if (l[k]->u.list.n < n)
			n = l[k]->u.list.n;
	}
	if (!c->npos)
		n = 0;
	for (i = 0; i < n; i++) {
		struct jv *t = jvlist(a, JTUPLE);
		for (k = 0; k < c->npos; k++)
			jvpush(a, t, l[k]->u.list.v[i]);
		jvpush(a, r, t);
	}
	return r;
}

static struct jv *
fnmd5(struct jev *v, void *data, struct jcall *c)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len, i;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	const char *s;

	(void)data;
	nokw(v, c, "local_md5", NULL);
	s = strarg(v, c, 0, NULL, "local_md5");
	EVP_Digest(s, strlen(s), md, &len, EVP_md5(), NULL);
	for (i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	return jvstr(jevarena(v), hex, 2 * len);
}

/* ---- config ---- */

static struct jv *
cfgcall(struct jev *v, void *data, struct jcall *c)
{
	(void)data; (void)c;
	/* config(...) in a node sets what the manifest already holds */
	return str(jevarena(v), "");
}

static struct jv *
cfglookup(struct jev *v, struct rnode *rn, const char *name)
{
	cJSON *cfg = cJSON_GetObjectItemCaseSensitive(rn->node, "config");
	cJSON *x = cJSON_GetObjectItemCaseSensitive(cfg, name);

	return x ? dbtjson(jevarena(v), x) : NULL;
}

static struct jv *
cfgget(struct jev *v, void *data, struct jcall *c)
{
	static const char *const ok[] = {"name", "default", NULL};
	struct jv *x, *def = arg(c, 1, "default");

	nokw(v, c, "config.get", ok);
	if (c->npos > 2)
		jfail(v, "unsupported: config.get() with a validator");
	x = cfglookup(v, data, strarg(v, c, 0, "name", "config.get"));
	return x ? x : def ? def : &jvnone;
}

static struct jv *
cfgrequire(struct jev *v, void *data, struct jcall *c)
{
	const char *name;
	struct jv *x;

	nokw(v, c, "config.require", NULL);
	name = strarg(v, c, 0, NULL, "config.require");
	if (!(x = cfglookup(v, data, name)))
		jfail(v, "Compilation Error: Required config '%s' not found", name);
	return x;
}

static struct jv *
cfggetattr(struct jev *v, struct jv *self, const char *name)
{
	struct arena *a = jevarena(v);
	void *rn = self->u.obj.data;

	if (!strcmp(name, "get"))
		return jvfunc(a, "config.get", cfgget, rn);
	if (!strcmp(name, "require"))
		return jvfunc(a, "config.require", cfgrequire, rn);
	jfail(v, "unsupported: config.%s", name);
	return NULL;
}

static struct jv *
cfgcallobj(struct jev *v, struct jv *self, struct jcall *c)
{
	return cfgcall(v, self->u.obj.data, c);
}

static const struct jclass cfgclass = {"Config", cfggetattr, NULL, cfgcallobj, NULL, NULL, 0, NULL};

/* ---- adapter ---- */

static struct jv *lookupmacro(struct rnode *, const char *pkg, const char *name, int *nopkg);

static struct jv *
addispatch(struct jev *v, void *data, struct jcall *c)
{
	static const char *const ok[] = {"macro_name", "macro_namespace", NULL};
	struct rnode *rn = data;
	const char *name = strarg(v, c, 0, "macro_name", "adapter.dispatch");
	struct jv *ns = arg(c, 1, "macro_namespace");
	const char *search[16];
	size_t ns_n = 0, i, p;
	struct buf tried = {0};

	nokw(v, c, "adapter.dispatch", ok);
	if (c->npos > 2)
		jfail(v, "unsupported: adapter.dispatch() with packages");
	if (strchr(name, '.'))
		jfail(v, "In adapter.dispatch, got a macro name of \"%s\", but \".\" is not a valid macro name component", name);
	if (!ns || ns->type == JNONE)
		search[ns_n++] = NULL;
	else if (ns->type != JSTR)
		jfail(v, "In adapter.dispatch, got a %s macro_namespace argument, but macro_namespace should be None or a string.", jvtypename(ns));
	else {
		cJSON *d, *order = NULL;
		cJSON_ArrayForEach(d, rn->c->run.dispatch) {
			const char *mn = jstr(d, "macro_namespace");
			if (mn && !strcmp(mn, ns->u.str.s))
				order = cJSON_GetObjectItemCaseSensitive(d, "search_order");
		}
		if (cJSON_IsArray(order)) {
			cJSON *o;
			cJSON_ArrayForEach(o, order)
				if (cJSON_IsString(o) && ns_n < 16)
					search[ns_n++] = o->valuestring;
		} else if (jvget(rn->c->pkgs, ns) || !strcmp(ns->u.str.s, "dbt")) {
			/* a dependency (dbt's own too): the root project, then it */
			search[ns_n++] = rn->c->run.project;
			search[ns_n++] = ns->u.str.s;
		} else
			search[ns_n++] = NULL;
	}
	for (i = 0; i < ns_n; i++)
		for (p = 0; p < rn->c->nprefixes; p++) {
			char *full = xasprintf("%s__%s", rn->c->prefixes[p], name);
			int nopkg = 0;
			struct jv *m = lookupmacro(rn, search[i], full, &nopkg);
			if (tried.len)
				bufputs(&tried, ", ");
			if (search[i])
				bufprintf(&tried, "'%s.%s'", search[i], full);
			else
				bufprintf(&tried, "'%s'", full);
			free(full);
			if (m) {
				buffree(&tried);
				return m;
			}
		}
	{
		char msg[200];
		snprintf(msg, sizeof(msg), "%s", tried.s ? tried.s : "");
		buffree(&tried);
		jfail(v, "In dispatch: No macro named '%s' found within namespace: '%s'\n    Searched for: %s",
		    name, ns && ns->type == JSTR ? ns->u.str.s : "None", msg);
	}
	return NULL;
}

static struct jv *
adquote(struct jev *v, void *data, struct jcall *c)
{
	struct rnode *rn = data;
	struct buf b = {0};
	struct jv *r;
	const char *s;

	nokw(v, c, "adapter.quote", NULL);
	s = jevstr(v, arg(c, 0, "identifier") ? arg(c, 0, "identifier") : &jvundef)->u.str.s;
	bufprintf(&b, "%s%s%s", rn->c->quote, s, rn->c->quote);
	r = jvstr(jevarena(v), b.s, b.len);
	buffree(&b);
	return r;
}

/* What api's Relation and Column answer from: the adapter, its quote
 * and dbt's version; Relation.create's quote policy, the adapter's with
 * the project's quoting over it (dbt's RelationProxy). */
struct api {
	const char *adapter, *q, *dbtversion;
	int quote[3];
};

static struct jv *
relcreate(struct jev *v, void *data, struct jcall *c)
{
	static const char *const ok[] = {"database", "schema", "identifier", "type", NULL};
	const struct api *api = data;
	struct rel r;
	const char *k[] = {"database", "schema", "identifier"};
	int i;

	nokw(v, c, "api.Relation.create", ok);
	memset(&r, 0, sizeof(r));
	r.q = api->q;
	r.adapter = api->adapter;
	for (i = 0; i < 3; i++) {
		struct jv *x = arg(c, (size_t)i, k[i]);
		const char **dst = i == 0 ? &r.db : i == 1 ? &r.schema : &r.id;
		r.quote[i] = api->quote[i];
		r.include[i] = 1;
		if (x && x->type == JSTR)
			*dst = x->u.str.s;
		else if (x && x->type != JNONE)
			jfail(v, "api.Relation.create(): %s must be a string", k[i]);
	}
	if (arg(c, 3, "type")) {
		struct jv *t = arg(c, 3, "type");
		if (t->type == JSTR)
			r.type = t->u.str.s;
	}
	return relv(jevarena(v), &r);
}

/* api.Relation.add_ephemeral_prefix(name), as dbt's BaseRelation */
static struct jv *
relephemeral(struct jev *v, void *data, struct jcall *c)
{
	const char *name;
	char *s;
	struct jv *r;

	(void)data;
	nokw(v, c, "api.Relation.add_ephemeral_prefix", NULL);
	if (c->npos != 1)
		jfail(v, "api.Relation.add_ephemeral_prefix() takes 1 argument");
	name = strarg(v, c, 0, NULL, "api.Relation.add_ephemeral_prefix");
	s = xasprintf("__dbt__cte__%s", name);
	r = str(jevarena(v), s);
	free(s);
	return r;
}

/* What dbt's relation cache holds of the node's own relation when its
 * post-hooks run: a table or view swapped in by a rename is there; an
 * incremental's is there when it was a table before (run, or rebuilt
 * and renamed in on a full refresh), not when its first run created it,
 * nor when a view was dropped for it. */
static struct jv *
postrel(struct jev *v, struct rnode *rn)
{
	const char *mat = jstr(cJSON_GetObjectItemCaseSensitive(rn->node, "config"), "materialized");

	if (mat && (!strcmp(mat, "table") || !strcmp(mat, "view")))
		return noderel(rn, jevarena(v), rn->node);
	if (mat && !strcmp(mat, "incremental"))
		return rn->hook->was == 'r' ? noderel(rn, jevarena(v), rn->node) : &jvnone;
	jfail(v, "unsupported: adapter.get_relation() of this in a post-hook of a %s",
	    mat ? mat : jstr(rn->node, "resource_type"));
	return NULL;
}

/* adapter.get_relation(database, schema, identifier), for the node's own
 * relation only: what the render is told of it (is_incremental's
 * question: the relation exists, as a table, exactly when the render is
 * the incremental form). Any other relation needs the database. */
static struct jv *
adgetrelation(struct jev *v, void *data, struct jcall *c)
{
	static const char *const ok[] = {"database", "schema", "identifier", NULL};
	static const char *const k[] = {"database", "schema", "identifier"};
	struct rnode *rn = data;
	struct rel r;
	cJSON *n = rn->node;
	const char *mine[3], *got[3];
	int i;

	nokw(v, c, "adapter.get_relation", ok);
	mine[0] = jstr(n, "database");
	mine[1] = jstr(n, "schema");
	mine[2] = jstr(n, "alias") ? jstr(n, "alias") : jstr(n, "name");
	for (i = 0; i < 3; i++) {
		struct jv *x = arg(c, (size_t)i, k[i]);
		if (!x || (x->type != JSTR && x->type != JNONE))
			jfail(v, "adapter.get_relation(): %s must be a string", k[i]);
		got[i] = x->type == JSTR ? x->u.str.s : NULL;
	}
	if (!got[1] || !got[2])
		jfail(v, "unsupported: adapter.get_relation() without a schema and an identifier");
	/* a hook runs after (or before) the model's statements: the catalog's
	 * answer, whatever relation */
	if (rn->hook) {
		if (!rn->c->run.db)
			dbtneed(v, rn, "adapter.get_relation() in a hook");
		if (rn->hook->post && (!got[0] || !mine[0] || !strcmp(got[0], mine[0])) &&
		    mine[1] && mine[2] && !strcmp(got[1], mine[1]) && !strcmp(got[2], mine[2]))
			return postrel(v, rn);
		return dbtdbrelation(v, rn, got[0], got[1], got[2]);
	}
	for (i = 0; i < 3; i++)
		if (!mine[i] || (got[i] ? strcmp(got[i], mine[i]) : i != 0))
			return dbtdbrelation(v, rn, got[0], got[1], got[2]);
	if (!rn->c->run.incremental)
		return &jvnone;
	memset(&r, 0, sizeof(r));
	r = *(struct rel *)noderel(rn, jevarena(v), n)->u.obj.data;
	r.type = "table";
	return relv(jevarena(v), &r);
}

/* ---- adapter.behavior ---- */

/* dbt-adapters 1.24's DEFAULT_BASE_BEHAVIOR_FLAGS and dbt-postgres 1.11's
 * own, with their defaults. */
static const struct {
	const char *name;
	int def;
} behaviors[] = {
	{"require_batched_execution_for_custom_microbatch_strategy", 0},
	{"enable_truthy_nulls_equals_macro", 0},
	{"postgres_skip_autocommit_transaction_statements", 1},
};

struct behavior {
	cJSON *flags;
	int setting;
};

static int
flagtruth(const struct jv *self)
{
	return ((const struct behavior *)self->u.obj.data)->setting;
}

static struct jv *
flagattr(struct jev *v, struct jv *self, const char *name)
{
	const struct behavior *b = self->u.obj.data;

	if (!strcmp(name, "setting") || !strcmp(name, "no_warn"))
		return jvbool(b->setting);
	jfail(v, "unsupported: adapter.behavior's flag .%s", name);
	return NULL;
}

static const struct jclass flagclass = {"BehaviorFlagRendered", flagattr, NULL, NULL, NULL,
    NULL, 0, flagtruth};

static struct jv *
behaviorattr(struct jev *v, struct jv *self, const char *name)
{
	const struct behavior *b = self->u.obj.data;
	struct behavior *f;
	cJSON *x;
	size_t i;

	for (i = 0; i < sizeof(behaviors) / sizeof(behaviors[0]); i++)
		if (!strcmp(behaviors[i].name, name))
			break;
	if (i == sizeof(behaviors) / sizeof(behaviors[0]))
		jfail(v, "The flag %s has not been registered.", name);
	f = arenaalloc(jevarena(v), sizeof(*f));
	f->flags = b->flags;
	f->setting = behaviors[i].def;
	if ((x = cJSON_GetObjectItemCaseSensitive(b->flags, name))) {
		if (!cJSON_IsBool(x))
			jfail(v, "unsupported: flags.%s in dbt_project.yml, not true or false", name);
		f->setting = cJSON_IsTrue(x);
	}
	return jvobj(jevarena(v), &flagclass, f);
}

static const struct jclass behaviorclass = {"Behavior", behaviorattr, NULL, NULL, NULL, NULL, 0, NULL};

struct jv *
dbtbehavior(struct arena *a, cJSON *flags)
{
	struct behavior *b = arenaalloc(a, sizeof(*b));

	b->flags = flags;
	b->setting = 0;
	return jvobj(a, &behaviorclass, b);
}

/* adapter.type(): the adapter's type, as its class says it */
static struct jv *
adtype(struct jev *v, void *data, struct jcall *c)
{
	struct rnode *rn = data;

	if (c->npos || c->nkw)
		jfail(v, "adapter.type() takes no arguments");
	return str(jevarena(v), rn->c->run.adapter);
}

static struct jv *
adgetattr(struct jev *v, struct jv *self, const char *name)
{
	struct arena *a = jevarena(v);
	struct rnode *rn = self->u.obj.data;
	struct jv *x;

	if (!strcmp(name, "get_relation"))
		return jvfunc(a, "adapter.get_relation", adgetrelation, rn);
	if (!strcmp(name, "dispatch"))
		return jvfunc(a, "adapter.dispatch", addispatch, rn);
	if (!strcmp(name, "quote"))
		return jvfunc(a, "adapter.quote", adquote, rn);
	if (!strcmp(name, "type"))
		return jvfunc(a, "adapter.type", adtype, rn);
	if (!strcmp(name, "behavior"))
		return dbtbehavior(a, rn->c->run.flags);
	if ((x = dbtdbattr(v, rn, name)))
		return x;
	jfail(v, "unsupported: adapter.%s", name);
	return NULL;
}

static const struct jclass adclass = {"Adapter", adgetattr, NULL, NULL, NULL, NULL, 0, NULL};

static struct jv *
relclassattr(struct jev *v, struct jv *self, const char *name)
{
	if (!strcmp(name, "create"))
		return jvfunc(jevarena(v), "api.Relation.create", relcreate, self->u.obj.data);
	if (!strcmp(name, "add_ephemeral_prefix"))
		return jvfunc(jevarena(v), "api.Relation.add_ephemeral_prefix", relephemeral,
		    self->u.obj.data);
	jfail(v, "unsupported: api.Relation.%s", name);
	return NULL;
}

static const struct jclass relapiclass = {"RelationType", relclassattr, NULL, NULL, NULL, NULL, 0, NULL};

/* dbt's version as major * 100 + minor (1.7 is 107), 0 when unknown. */
static int
dbtminor(const char *v)
{
	if (!v)
		return 0;
	return atoi(v) * 100 + (strchr(v, '.') ? atoi(strchr(v, '.') + 1) : 0);
}

/* api.Column.translate_type: the adapter's Column.TYPE_LABELS, which dbt
 * 1.7 cut down to STRING in the base class. */
static struct jv *
coltranslate(struct jev *v, void *data, struct jcall *c)
{
	static const char *const old[] = {"STRING", "TEXT", "TIMESTAMP", "TIMESTAMP",
	    "FLOAT", "FLOAT", "INTEGER", "INT", "BOOLEAN", "BOOLEAN", NULL};
	static const char *const base[] = {"STRING", "TEXT", NULL};
	static const char *const bigquery[] = {"TEXT", "STRING", "FLOAT", "FLOAT64",
	    "INTEGER", "INT64", NULL};
	static const char *const bigqueryold[] = {"STRING", "STRING", "TIMESTAMP",
	    "TIMESTAMP", "FLOAT", "FLOAT64", "INTEGER", "INT64", "RECORD", "RECORD", NULL};
	const struct api *api = data;
	const char *const *labels;
	const char *t;
	char up[64];
	size_t i;
	int minor = dbtminor(api->dbtversion);

	nokw(v, c, "api.Column.translate_type", NULL);
	t = strarg(v, c, 0, NULL, "api.Column.translate_type");
	if (!strcmp(api->adapter, "bigquery"))
		labels = minor && minor < 107 ? bigqueryold : bigquery;
	else
		labels = minor && minor < 107 ? old : base;
	for (i = 0; t[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)toupper((unsigned char)t[i]);
	up[i] = '\0';
	for (i = 0; labels[i]; i += 2)
		if (!strcmp(labels[i], up))
			return str(jevarena(v), labels[i + 1]);
	return c->pos[0];
}

/* api.Column.numeric_type(dtype, precision, scale), as dbt-adapters'
 * Column: the dtype alone when either is none, else dtype(p,s). */
static struct jv *
colnumeric(struct jev *v, void *data, struct jcall *c)
{
	static const char *const ok[] = {"dtype", "precision", "scale", NULL};
	struct jv *d = arg(c, 0, "dtype"), *p = arg(c, 1, "precision"), *sc = arg(c, 2, "scale");
	struct buf b = {0};
	struct jv *r;

	(void)data;
	nokw(v, c, "api.Column.numeric_type", ok);
	if (!d || !p || !sc || c->npos > 3)
		jfail(v, "api.Column.numeric_type() takes dtype, precision and scale");
	if (d->type != JSTR)
		jfail(v, "api.Column.numeric_type(): dtype is not a string");
	bufadd(&b, d->u.str.s, d->u.str.n);
	if (p->type != JNONE && sc->type != JNONE) {
		const char *e;
		bufputc(&b, '(');
		e = jvstrto(&b, p);
		bufputc(&b, ',');
		if (e || (e = jvstrto(&b, sc))) {
			buffree(&b);
			jfail(v, "unsupported: api.Column.numeric_type(): %s", e);
		}
		bufputc(&b, ')');
	}
	r = jvstr(jevarena(v), b.s ? b.s : "", b.len);
	buffree(&b);
	return r;
}

static struct jv *
colclassattr(struct jev *v, struct jv *self, const char *name)
{
	if (!strcmp(name, "numeric_type"))
		return jvfunc(jevarena(v), "api.Column.numeric_type", colnumeric, self->u.obj.data);
	if (!strcmp(name, "translate_type"))
		return jvfunc(jevarena(v), "api.Column.translate_type", coltranslate, self->u.obj.data);
	jfail(v, "unsupported: api.Column.%s", name);
	return NULL;
}

static const struct jclass colapiclass = {"ColumnType", colclassattr, NULL, NULL, NULL, NULL, 0, NULL};

static void
apiof(struct api *api, const struct dbtrun *run)
{
	static const char *const k[] = {"database", "schema", "identifier"};
	int i;

	api->adapter = run->adapter;
	api->q = quotechar(run->adapter);
	api->dbtversion = run->dbtversion;
	for (i = 0; i < 3; i++) {
		cJSON *x = cJSON_GetObjectItemCaseSensitive(run->quoting, k[i]);
		api->quote[i] = cJSON_IsBool(x) ? cJSON_IsTrue(x) : quotedefault(run->adapter);
	}
}

struct jv *
dbtrelation(struct arena *a, const struct dbtrun *run, const char *db, const char *schema,
    const char *id)
{
	struct api api;
	struct rel r;
	int i;

	apiof(&api, run);
	memset(&r, 0, sizeof(r));
	r.q = api.q;
	r.adapter = api.adapter;
	r.db = db;
	r.schema = schema;
	r.id = id;
	for (i = 0; i < 3; i++) {
		r.quote[i] = api.quote[i];
		r.include[i] = 1;
	}
	return relv(a, &r);
}

struct jv *
dbtapi(struct arena *a, const struct dbtrun *run)
{
	struct api *api = arenaalloc(a, sizeof(*api));
	struct jv *d = jvdict(a);

	apiof(api, run);
	put(a, d, "Relation", jvobj(a, &relapiclass, api));
	put(a, d, "Column", jvobj(a, &colapiclass, api));
	return d;
}

static struct jv *
targetattr(struct jev *v, struct jv *self, const char *name)
{
	struct rnode *rn = self->u.obj.data;
	cJSON *x = cJSON_GetObjectItemCaseSensitive(rn->c->run.target, name);

	if (!strcmp(name, "type"))
		return str(jevarena(v), rn->c->run.adapter);
	if (!x)
		jfail(v, "unsupported: target.%s is not known here", name);
	return dbtjson(jevarena(v), x);
}

static const struct jclass targetclass = {"Target", targetattr, NULL, NULL, NULL, NULL, 0, NULL};

/* A name of dbt's context that this does not give: any use of it fails
 * naming it (it must not print as an undefined value would). */
static struct jv *
nogetattr(struct jev *v, struct jv *self, const char *name)
{
	jfail(v, "unsupported: %s.%s (%s)", (const char *)self->u.obj.data, name,
	    "not known when rendering here");
	return NULL;
}

static const char *
nostr(const struct jv *self, struct buf *b)
{
	(void)b;
	return self->u.obj.data;
}

static struct jv *
nocall(struct jev *v, struct jv *self, struct jcall *c)
{
	(void)c;
	jfail(v, "unsupported: %s() (not known when rendering here)", (const char *)self->u.obj.data);
	return NULL;
}

static struct jv *
noitems(struct jev *v, struct jv *self)
{
	jfail(v, "unsupported: %s (not known when rendering here)", (const char *)self->u.obj.data);
	return NULL;
}

static struct jv *
noitem(struct jev *v, struct jv *self, struct jv *key)
{
	(void)key;
	return noitems(v, self);
}

static const struct jclass noclass = {"unsupported", nogetattr, nostr, nocall, noitems, noitem, 0,
    NULL};

/* dbt's tojson(value, default=None, sort_keys=False): json.dumps. */
static struct jv *
fntojson(struct jev *v, void *data, struct jcall *c)
{
	static const char *const ok[] = {"value", "default", "sort_keys", NULL};
	struct jv *x = arg(c, 0, "value"), *sk = arg(c, 2, "sort_keys"), *def = arg(c, 1, "default");
	struct jcall fc;
	struct jv *kw[1];
	const char *names[1] = {"sort_keys"};

	(void)data;
	nokw(v, c, "tojson", ok);
	if (!x)
		jfail(v, "tojson() missing 1 required positional argument: 'value'");
	if (def && def->type != JNONE)
		jfail(v, "unsupported: tojson() with a default");
	/* Jinja2's tojson filter escapes <>&' for HTML; dbt's is plain json.dumps */
	memset(&fc, 0, sizeof(fc));
	kw[0] = sk ? sk : &jvfalse;
	fc.kw = kw;
	fc.names = names;
	fc.nkw = 1;
	return jevfilter(v, "dbt.tojson", x, &fc);
}

/* Why json.loads could read the JSON text s[0..n) otherwise than cJSON
 * with dbtjson: NULL when it cannot. Python reads NaN and Infinity, big
 * ints exactly, 1.0 as a float, the last of two equal keys, and refuses
 * a control character in a string, which cJSON takes. */
static const char *
jsonunlike(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"') {
			for (i++; i < n && s[i] != '"'; i++) {
				if ((unsigned char)s[i] < 0x20)
					return "a control character in a string";
				if (s[i] == '\\' && ++i < n && s[i] == 'u' && i + 4 < n &&
				    (!strncmp(s + i + 1, "0000", 4) ||
				    (tolower((unsigned char)s[i + 1]) == 'd' && s[i + 2] &&
				    strchr("89abAB", s[i + 2]))))
					return "a \\u0000 or a surrogate escape";
			}
			i++;
		} else if (c == '-' || isdigit(c)) {
			int fl = 0, dig = 0;
			for (k = i; k < n && s[k] && strchr("-+0123456789.eE", s[k]); k++) {
				fl |= s[k] == '.' || s[k] == 'e' || s[k] == 'E';
				dig += isdigit((unsigned char)s[k]) != 0;
			}
			if (!fl && dig > 15)
				return "an int of more than 15 digits";
			if (fl) {
				double d = strtod(s + i, NULL);
				if (d == floor(d))
					return "a float with an integral value";
			}
			i = k;
		} else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
			return "a control character";
		} else if (c == 'N' || c == 'I') {
			return "NaN or Infinity";
		} else {
			i++;
		}
	}
	return NULL;
}

/* Whether an object in j (or j) has a key twice. */
static int
jsontwice(const cJSON *j)
{
	const cJSON *x, *y;

	for (x = j ? j->child : NULL; x; x = x->next) {
		if (jsontwice(x))
			return 1;
		for (y = x->next; cJSON_IsObject(j) && y; y = y->next)
			if (!strcmp(x->string, y->string))
				return 1;
	}
	return 0;
}

/* dbt's fromjson(string, default=None): json.loads, default when it
 * cannot read it. */
static struct jv *
fnfromjson(struct jev *v, void *data, struct jcall *c)
{
	static const char *const ok[] = {"string", "default", NULL};
	struct jv *x = arg(c, 0, "string"), *def = arg(c, 1, "default"), *r;
	const char *why, *end;
	cJSON *j;

	(void)data;
	nokw(v, c, "fromjson", ok);
	if (!x)
		jfail(v, "fromjson() missing 1 required positional argument: 'string'");
	if (x->type != JSTR)
		jfail(v, "unsupported: fromjson() of %s", jvtypename(x));
	if ((why = jsonunlike(x->u.str.s, x->u.str.n)))
		jfail(v, "unsupported: fromjson() of JSON with %s, which Python reads otherwise", why);
	j = cJSON_ParseWithLengthOpts(x->u.str.s, x->u.str.n, &end, 0);
	while (j && end < x->u.str.s + x->u.str.n && strchr(" \t\n\r", *end) && *end)
		end++;
	if (j && end != x->u.str.s + x->u.str.n) {
		cJSON_Delete(j);
		j = NULL;
	}
	if (!j)
		return def ? def : &jvnone;
	if (jsontwice(j)) {
		cJSON_Delete(j);
		jfail(v, "unsupported: fromjson() of an object with a key twice");
	}
	r = dbtjson(jevarena(v), j);
	cJSON_Delete(j);
	return r;
}

/* dbt's fromyaml(value, default=None): PyYAML's safe_load (libyaml's
 * parser, as dbt's), default when it cannot read it. */
static struct jv *
fnfromyaml(struct jev *v, void *data, struct jcall *c)
{
	static const char *const ok[] = {"value", "default", NULL};
	struct jv *x = arg(c, 0, "value"), *def = arg(c, 1, "default"), *r;
	char *err = NULL, *t;
	cJSON *j;

	(void)data;
	nokw(v, c, "fromyaml", ok);
	if (!x)
		jfail(v, "fromyaml() missing 1 required positional argument: 'value'");
	if (x->type != JSTR || memchr(x->u.str.s, '\0', x->u.str.n))
		jfail(v, "unsupported: fromyaml() of %s", x->type == JSTR ? "a str holding NUL" :
		    jvtypename(x));
	t = xmemdup(x->u.str.s, x->u.str.n);
	j = yamlparse(t, "fromyaml()", &err);
	free(t);
	if (!j && err) {
		if (strstr(err, "unsupported")) {
			t = arenaalloc(jevarena(v), strlen(err) + 1);
			strcpy(t, err);
			free(err);
			jfail(v, "%s", t);
		}
		free(err);
		return def ? def : &jvnone;
	}
	r = dbtjson(jevarena(v), j);
	cJSON_Delete(j);
	return r;
}

void
dbtjsonnames(struct arena *a, struct jv *d)
{
	put(a, d, "tojson", jvfunc(a, "tojson", fntojson, NULL));
	put(a, d, "fromjson", jvfunc(a, "fromjson", fnfromjson, NULL));
	put(a, d, "fromyaml", jvfunc(a, "fromyaml", fnfromyaml, NULL));
}

/* graph: dbt's flat graph, which it builds once the project is parsed:
 * each section of the manifest whole() gives, a dict by unique_id of
 * what dbt parse wrote of each (a node's compiled fields, in a manifest
 * of dbt compile, dropped: the graph was built before any compiled).
 * Without whole(), refused. */
static const char *const graphsections[] = {"exposures", "functions", "groups", "metrics",
    "nodes", "sources", "semantic_models", "saved_queries", NULL};

static struct jv *
graphsection(struct jev *v, struct rnode *rn, const char *name)
{
	struct arena *a = jevarena(v);
	static const char *const compiled[] = {"compiled", "compiled_code",
	    "extra_ctes_injected", "extra_ctes", NULL};
	cJSON *doc, *x, *f;
	struct jv *d = jvdict(a), *node;
	size_t i;

	rn->c->graphread = 1;
	sourcereads++;
	doc = rn->c->whole(rn->c->wholedata);
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(doc, name)) {
		if (strcmp(name, "nodes")) {
			jvset(a, d, str(a, x->string), dbtjson(a, x));
			continue;
		}
		node = jvdict(a);
		cJSON_ArrayForEach(f, x) {
			for (i = 0; compiled[i] && strcmp(compiled[i], f->string); i++)
				;
			if (compiled[i])
				continue;
			jvset(a, node, str(a, f->string), strcmp(f->string, "compiled_path") ?
			    dbtjson(a, f) : &jvnone);
		}
		jvset(a, d, str(a, x->string), node);
	}
	return d;
}

static struct jv *graphattr(struct jev *, struct jv *, const char *);

/* A section of the graph of a project read here: looked up by
 * unique_id, not iterated, as dbt's order is the order its parse found
 * the files in (its file system's), and for the nodes in dbt's order
 * (dbtctxordered) one that changes between dbt's runs. */
static const char nodict[] = "iterating a section of graph of a project read here "
    "(its order is dbt's file system's, and dbt's own is not fixed where a project's "
    "properties files lie under more than one of its paths: a manifest from dbt parse "
    "works instead)";

static struct jv *
fnsectionget(struct jev *v, void *data, struct jcall *c)
{
	struct jv *k = c->npos > 0 ? c->pos[0] : NULL, *x;
	struct jv *def = c->npos > 1 ? c->pos[1] : &jvnone;

	if (c->nkw || !k || c->npos > 2)
		jfail(v, "unsupported: graph's get() but with a key and a default");
	return (x = jvget(data, k)) ? x : def;
}

/* A dict's attributes: get; its other methods refused; any other name
 * the item of that key, as Jinja2 falls back to it. */
static struct jv *
sectionattr(struct jev *v, struct jv *self, const char *name)
{
	static const char *const methods[] = {"keys", "values", "items", "pop", "popitem",
	    "setdefault", "update", "clear", "copy", "fromkeys", NULL};
	size_t i;

	if (!strcmp(name, "get"))
		return jvfunc(jevarena(v), "get", fnsectionget, self->u.obj.data);
	for (i = 0; methods[i]; i++)
		if (!strcmp(name, methods[i]))
			jfail(v, "unsupported: %s (.%s)", nodict, name);
	return jvget(self->u.obj.data, str(jevarena(v), name));
}

static struct jv *
sectionitem(struct jev *v, struct jv *self, struct jv *key)
{
	(void)v;
	return jvget(self->u.obj.data, key);
}

static struct jv *
sectionitems(struct jev *v, struct jv *self)
{
	(void)self;
	jfail(v, "unsupported: %s", nodict);
	return NULL;
}

static const struct jclass sectionclass = {"graph section", sectionattr, NULL, NULL,
    sectionitems, sectionitem, 1, NULL};

/* graph.get(key, default=None), as a dict's */
static struct jv *
fngraphget(struct jev *v, void *data, struct jcall *c)
{
	struct jv *self = data, *k = c->npos > 0 ? c->pos[0] : NULL;
	struct jv *def = c->npos > 1 ? c->pos[1] : &jvnone;
	size_t i;

	if (c->nkw || !k || c->npos > 2)
		jfail(v, "unsupported: graph.get() but with a key and a default");
	if (k->type == JSTR)
		for (i = 0; graphsections[i]; i++)
			if (!strcmp(graphsections[i], k->u.str.s))
				return graphattr(v, self, k->u.str.s);
	return def;
}

static struct jv *
graphattr(struct jev *v, struct jv *self, const char *name)
{
	struct rnode *rn = self->u.obj.data;
	size_t i;

	/* with whole() and nograph, the sections a project read here has as
	 * dbt parse has them */
	if (!rn->c->whole || (rn->c->nograph && strcmp(name, "nodes") && strcmp(name, "sources") &&
	    strcmp(name, "exposures") && strcmp(name, "get")))
		jfail(v, "unsupported: graph.%s%s", name, rn->c->nograph ? rn->c->nograph : "");
	for (i = 0; graphsections[i]; i++)
		if (!strcmp(graphsections[i], name)) {
			struct arena *a = jevarena(v);
			struct jv *k = str(a, name), *d;
			if (!rn->graph)
				rn->graph = jvdict(a);
			if (!(d = jvget(rn->graph, k))) {
				d = graphsection(v, rn, name);
				if (rn->c->nograph && !((rn->c->ordered & 1) && !strcmp(name, "nodes")) &&
				    !((rn->c->ordered & 2) && !strcmp(name, "sources")) &&
				    !((rn->c->ordered & 4) && !strcmp(name, "exposures")))
					d = jvobj(a, &sectionclass, d);
				jvset(a, rn->graph, k, d);
			}
			return d;
		}
	if (!strcmp(name, "get"))
		return jvfunc(jevarena(v), "graph.get", fngraphget, self);
	jfail(v, "unsupported: graph.%s", name);
	return NULL;
}

static struct jv *
graphitem(struct jev *v, struct jv *self, struct jv *key)
{
	if (key->type != JSTR)
		jfail(v, "unsupported: graph[] of a %s", jvtypename(key));
	return graphattr(v, self, key->u.str.s);
}

static const struct jclass graphclass = {"graph", graphattr, NULL, NULL, NULL, graphitem, 0, NULL};

static struct jv *
flagsattr(struct jev *v, struct jv *self, const char *name)
{
	struct rnode *rn = self->u.obj.data;

	/* a hook renders when it runs: dbt run's flags, not compile's */
	if (rn->hook && !strcmp(name, "WHICH") && !rn->c->run.db)
		dbtneed(v, rn, "flags.WHICH in a hook");
	if (rn->hook && !strcmp(name, "FULL_REFRESH") && !rn->c->run.db)
		dbtneed(v, rn, "flags.FULL_REFRESH in a hook");
	if (!strcmp(name, "FULL_REFRESH"))
		return jvbool(rn->c->run.fullrefresh);
	if (!strcmp(name, "STORE_FAILURES") || !strcmp(name, "EMPTY") || !strcmp(name, "WARN_ERROR"))
		return &jvfalse;
	/* the verb ninja runs the node under (run, test, build): known when
	 * it runs, so a render that reads it renders then */
	if (!strcmp(name, "WHICH") && !rn->c->run.db)
		dbtneed(v, rn, "flags.WHICH");
	if (!strcmp(name, "WHICH") && rn->c->run.which)
		return str(jevarena(v), rn->c->run.which);
	jfail(v, "unsupported: flags.%s", name);
	return NULL;
}

static const struct jclass flagsclass = {"flags", flagsattr, NULL, NULL, NULL, NULL, 0, NULL};

/* dbt's invocation_args_dict: of the invocation's arguments only which,
 * the flags' WHICH (self's data). */
static struct jv *
argsitem(struct jev *v, struct jv *self, struct jv *key)
{
	struct jv *flags = self->u.obj.data;

	if (key->type != JSTR || strcmp(key->u.str.s, "which"))
		jfail(v, "unsupported: invocation_args_dict[%s] (but 'which')",
		    key->type == JSTR ? key->u.str.s : jvtypename(key));
	return flags->u.obj.cls->getattr(v, flags, "WHICH");
}

static struct jv *
argsget(struct jev *v, void *data, struct jcall *c)
{
	struct jv *self = data, *key = arg(c, 0, "key");

	if (!key || c->npos > 2 || c->nkw)
		jfail(v, "unsupported: invocation_args_dict.get() but of a key and a default");
	return argsitem(v, self, key);
}

static struct jv *
argsattr(struct jev *v, struct jv *self, const char *name)
{
	if (strcmp(name, "get"))
		jfail(v, "unsupported: invocation_args_dict.%s", name);
	return jvfunc(jevarena(v), "get", argsget, self);
}

static const struct jclass argsclass = {"invocation_args_dict", argsattr, NULL, NULL, NULL,
    argsitem, 1, NULL};

struct jv *
dbtargsdict(struct arena *a, struct jv *flags)
{
	return jvobj(a, &argsclass, flags);
}

static struct jv *
modelattr(struct jev *v, struct jv *self, const char *name)
{
	struct rnode *rn = self->u.obj.data;
	struct jv *x;

	sourcereads++;
	if (!rn->model)
		rn->model = dbtjson(jevarena(v), rn->node);
	x = get(rn->model, jevarena(v), name);
	return x ? x : &jvundef;
}

static const struct jclass modelclass = {"model", modelattr, NULL, NULL, NULL, NULL, 0, NULL};

/* ---- macros ---- */

/* Where m's macro_sql is, when the manifest is one we read (macro_file,
 * macro_line and macro_column; dbt's has no such place). */
static void
macroat(struct dmacro *m, cJSON *x)
{
	cJSON *l = cJSON_GetObjectItemCaseSensitive(x, "macro_line");
	cJSON *c = cJSON_GetObjectItemCaseSensitive(x, "macro_column");
	const char *f = jstr(x, "macro_file");

	if (!f || !cJSON_IsNumber(l) || !cJSON_IsNumber(c) || l->valuedouble < 1 ||
	    l->valuedouble >= 1e9 || c->valuedouble < 1 || c->valuedouble >= 1e9)
		return;
	m->path = f;
	m->line = l->valueint;
	m->col = c->valueint;
}

static struct jv *
callmacro(struct jev *v, void *data, struct jcall *c)
{
	struct dmacro *m = data;

	if (!m->fn) {
		struct jtmpl *t = arenaalloc(m->keep, sizeof(*t));
		struct jv *into = jvdict(m->keep);
		char *err = NULL;
		if (jcompilemacro(m->keep, m->path ? m->path : m->uid, m->uid, m->line,
		    m->col, m->sql, strlen(m->sql), t, &err) < 0 ||
		    jmacros(m->keep, t, into, NULL, &err) < 0) {
			char msg[300];
			snprintf(msg, sizeof(msg), "%s", err);
			free(err);
			jfail(v, "in macro %s: %s", m->uid, msg);
		}
		if (!(m->fn = get(into, m->keep, m->name)))
			jfail(v, "macro %s: its macro_sql does not define %s", m->uid, m->name);
	}
	return jcallv(v, m->fn, c);
}

/* The macro name in package pkg (NULL: the node's namespace, as dbt's
 * MacroNamespace.get), compiled if need be; *nopkg set when pkg is not a
 * package at all. */
static struct jv *
lookupmacro(struct rnode *rn, const char *pkg, const char *name, int *nopkg)
{
	struct arena *a = &rn->c->keep;
	struct jv *k = str(a, name), *d, *x = NULL;
	size_t i;

	if (!pkg) {
		for (i = 0; i < rn->nmacros; i++)
			if ((x = jvget(rn->chain[i], k)))
				break;
	} else if (!strcmp(pkg, "dbt")) {
		x = jvget(rn->c->global, k);
	} else if ((d = jvget(rn->c->pkgs, str(a, pkg)))) {
		x = jvget(d, k);
	} else
		*nopkg = 1;
	return x && x->type == JFUNC ? x : NULL;
}

/* ---- building the context ---- */

size_t
dbtchain(const char *adapter, const char **out)
{
	static const struct { const char *type; const char *parent; } chains[] = {
		{"redshift", "postgres"}, {"materialize", "postgres"}, {"databricks", "spark"},
	};
	size_t i, n = 0;

	out[n++] = adapter;
	for (i = 0; i < sizeof(chains) / sizeof(chains[0]); i++)
		if (!strcmp(chains[i].type, adapter))
			out[n++] = chains[i].parent;
	return n;
}

static void
chainof(struct dbtctx *c)
{
	size_t i;

	c->nprefixes = dbtchain(c->run.adapter, c->prefixes);
	for (i = 0; i < c->nprefixes; i++)
		c->internal[i] = xasprintf("dbt_%s", c->prefixes[i]);
	c->internal[i] = xstrdup("dbt");
	c->ninternal = i + 1;
	c->prefixes[c->nprefixes++] = "default";
}

static int
isinternal(struct dbtctx *c, const char *pkg)
{
	size_t i;

	for (i = 0; i < c->ninternal; i++)
		if (!strcmp(c->internal[i], pkg))
			return 1;
	return 0;
}

static const char *
rootof(cJSON *m)
{
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(m, "metadata");
	const char *p = jstr(meta, "project_name");
	struct htab count = {0};
	cJSON *n;
	const char *best = NULL;
	size_t bestn = 0;

	if (p)
		return p;
	/* before metadata.project_name: the package most nodes are in */
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(m, "nodes")) {
		const char *pk = jstr(n, "package_name");
		size_t k;
		if (!pk)
			continue;
		k = (size_t)htabget(&count, pk) + 1;
		htabput(&count, pk, (void *)k);
		if (k > bestn) {
			bestn = k;
			best = pk;
		}
	}
	htabfree(&count);
	return best ? best : "";
}

static struct jv *fnhookincr(struct jev *, void *, struct jcall *);

/* dbt.NAME where dbt's macros are dbt2ninja's own (gen/builtins/, as a
 * project read without dbt has them): one of ours, dbt's is_incremental
 * as the render's is_incremental() answers it, or an error naming it
 * (dbt._NAME too, a Mapping's item). */
static struct jv *
oursattr(struct jev *v, struct jv *self, const char *name)
{
	struct rnode *rn = self->u.obj.data;
	struct jv *x = jvget(rn->c->global, str(jevarena(v), name));

	if (!x && !strcmp(name, "is_incremental"))
		return jvfunc(jevarena(v), "is_incremental", rn->hook ? fnhookincr : fnisincr, rn);
	if (!x)
		jfail(v, "unsupported: dbt.%s, a macro of dbt's own that dbt2ninja does not "
		    "have (a manifest from dbt parse works instead)", name);
	return x;
}

static struct jv *
oursitem(struct jev *v, struct jv *self, struct jv *key)
{
	return key->type == JSTR ? oursattr(v, self, key->u.str.s) : NULL;
}

static const struct jclass oursclass = {"dbt", oursattr, NULL, NULL, NULL, oursitem, 1, NULL};

struct dbtctx *
dbtctxnew(cJSON *m, const struct dbtrun *run)
{
	struct dbtctx *c = xcalloc(1, sizeof(*c));
	struct arena *a = &c->keep;
	cJSON *x;
	size_t i;
	int ours = 0;

	c->m = m;
	c->run = *run;
	if (!c->run.project)
		c->run.project = rootof(m);
	c->quote = quotechar(run->adapter);
	chainof(c);
	c->global = jvdict(a);
	c->pkgs = jvdict(a);
	c->pkgsdbt = jvdict(a);
	/* internal packages: the first in order wins */
	for (i = c->ninternal; i-- > 0;) {
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(m, "macros")) {
			struct dmacro *dm;
			const char *pkg = jstr(x, "package_name");
			if (!pkg || strcmp(pkg, c->internal[i]))
				continue;
			dm = arenaalloc(a, sizeof(*dm));
			memset(dm, 0, sizeof(*dm));
			dm->uid = x->string;
			dm->name = jstr(x, "name");
			dm->pkg = pkg;
			dm->path = jstr(x, "original_file_path");
			dm->sql = jstr(x, "macro_sql");
			macroat(dm, x);
			dm->keep = a;
			if (dm->name && dm->sql)
				put(a, c->global, dm->name, jvfunc(a, dm->name, callmacro, dm));
			if (dm->path && !strncmp(dm->path, "gen/builtins/", 13))
				ours = 1;
		}
	}
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(m, "macros")) {
		struct dmacro *dm;
		struct jv *d;
		const char *pkg = jstr(x, "package_name");
		if (!pkg || isinternal(c, pkg) || !jstr(x, "name") || !jstr(x, "macro_sql"))
			continue;
		if (!(d = get(c->pkgs, a, pkg))) {
			d = jvdict(a);
			put(a, c->pkgs, pkg, d);
			put(a, c->pkgsdbt, pkg, d);
		}
		dm = arenaalloc(a, sizeof(*dm));
		memset(dm, 0, sizeof(*dm));
		dm->uid = x->string;
		dm->name = jstr(x, "name");
		dm->pkg = pkg;
		dm->path = jstr(x, "original_file_path");
		dm->sql = jstr(x, "macro_sql");
		macroat(dm, x);
		dm->keep = a;
		put(a, d, dm->name, jvfunc(a, dm->name, callmacro, dm));
	}
	/* ours: the render's own dbt (basectx) */
	c->ours = ours;
	if (!ours)
		put(a, c->pkgsdbt, "dbt", c->global);
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(m, "nodes"))
		htabput(&c->nodes, x->string, x);
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(m, "sources"))
		htabput(&c->nodes, x->string, x);
	return c;
}

void
dbtctxfree(struct dbtctx *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->ninternal; i++)
		free((char *)c->internal[i]);
	htabfree(&c->nodes);
	buffree(&c->envs);
	free(c->marks.v);
	arenafree(&c->keep);
	free(c);
}

/* ---- rendering ---- */

static struct jv *
fnreturn(struct jev *v, void *data, struct jcall *c)
{
	(void)data;
	nokw(v, c, "return", NULL);
	jreturn(v, c->npos ? c->pos[0] : &jvnone);
	return NULL;
}

/* The names of the context that do not depend on the node's package. */
/* modules.datetime's clock: the executor's, when it renders the node as
 * it runs; the generator's render of a node that reads it is left to the
 * executor (dbtneeddb()), so that no job holds the generator's time. */
static void
dbtclock(struct jev *v, void *data, const char *what, struct timespec *ts)
{
	struct rnode *rn = data;

	if (!rn->c->run.db) {
		rn->c->needdb = 1;
		jfail(v, "%s reads the clock: the %s is rendered when it runs", what,
		    rn->hook && rn->hook->operation ? "hook" : "node");
	}
	clock_gettime(CLOCK_REALTIME, ts);
}

static struct jv *
basectx(struct rnode *rn, struct arena *a)
{
	struct jv *d = jvdict(a), *ex, *bi;

	put(a, d, "ref", jvfunc(a, "ref", fnref, rn));
	put(a, d, "source", jvfunc(a, "source", fnsource, rn));
	put(a, d, "config", jvobj(a, &cfgclass, rn));
	bi = jvdict(a);
	put(a, bi, "ref", get(d, a, "ref"));
	put(a, bi, "source", get(d, a, "source"));
	put(a, bi, "config", get(d, a, "config"));
	put(a, d, "builtins", bi);
	put(a, d, "var", jvobj(a, &varclass, rn));
	put(a, d, "env_var", jvfunc(a, "env_var", fnenvvar, rn));
	put(a, d, "is_incremental", jvfunc(a, "is_incremental", fnisincr, rn));
	put(a, d, "this", !isephemeral(rn->node) ? noderel(rn, a, rn->node) : ephemeralrel(rn, a, rn->node));
	put(a, d, "model", jvobj(a, &modelclass, rn));
	put(a, d, "target", jvobj(a, &targetclass, rn));
	put(a, d, "adapter", jvobj(a, &adclass, rn));
	put(a, d, "api", dbtapi(a, &rn->c->run));
	if (rn->c->ours)
		put(a, d, "dbt", jvobj(a, &oursclass, rn));
	ex = jvdict(a);
	put(a, ex, "raise_compiler_error", jvfunc(a, "raise_compiler_error", fnraise, rn));
	put(a, ex, "warn", jvfunc(a, "warn", fnwarn, rn));
	put(a, d, "exceptions", ex);
	put(a, d, "return", jvfunc(a, "return", fnreturn, rn));
	put(a, d, "log", jvfunc(a, "log", fnempty, rn));
	put(a, d, "print", jvfunc(a, "print", fnempty, rn));
	put(a, d, "zip", jvfunc(a, "zip", fnzip, rn));
	put(a, d, "local_md5", jvfunc(a, "local_md5", fnmd5, rn));
	put(a, d, "flags", jvobj(a, &flagsclass, rn));
	put(a, d, "invocation_args_dict", dbtargsdict(a, jvobj(a, &flagsclass, rn)));
	{
		struct jdtclock clk = {dbtclock, rn};
		put(a, d, "modules", jremodules(a, &clk));
	}
	put(a, d, "graph", jvobj(a, &graphclass, rn));
	dbtdbnames(rn, a, d);
	dbtjsonnames(a, d);
	return d;
}

/* The names of the context no node changes, made once for all renders:
 * none of them is basectx()'s. */
static struct jv *
fixedctx(struct dbtctx *c)
{
	static const char *const no[] = {"adapter_macro", "column", "compiled_code",
	    "context_macro_stack", "dbt_metadata_envs", "debug", "defer_relation",
	    "diff_of_two_dicts", "function",
	    "invocation_id", "load_agate_table", "metric", "post_hooks",
	    "pre_hooks", "render", "run_started_at", "selected_resources",
	    "source_node", "sql", "sql_now", "submit_python_job", "thread_id", "toyaml",
	    "try_or_compiler_error", "validation", "write", "zip_strict", "context",
	    "env", "validate_any", NULL};
	struct arena *a = &c->keep;
	struct jv *d;
	cJSON *db, *sc;
	size_t i;

	if (c->fixed)
		return c->fixed;
	db = cJSON_GetObjectItemCaseSensitive(c->run.target, "database");
	sc = cJSON_GetObjectItemCaseSensitive(c->run.target, "schema");
	d = c->fixed = jvdict(a);
	jsetnames(a, d);
	put(a, d, "execute", &jvtrue);
	put(a, d, "project_name", str(a, c->run.project));
	put(a, d, "dbt_version", c->run.dbtversion ? str(a, c->run.dbtversion) :
	    jvobj(a, &noclass, "dbt_version"));
	put(a, d, "database", cJSON_IsString(db) ? str(a, db->valuestring) :
	    jvobj(a, &noclass, "database"));
	put(a, d, "schema", cJSON_IsString(sc) ? str(a, sc->valuestring) :
	    jvobj(a, &noclass, "schema"));
	for (i = 0; no[i]; i++)
		put(a, d, no[i], jvobj(a, &noclass, (void *)no[i]));
	return d;
}

/* is_incremental() in a hook: dbt asks the database when the hook runs,
 * and in a post-hook the answer is not the model's; but for a model that
 * is not incremental it is false whatever the database holds. */
static struct jv *
fnhookincr(struct jev *v, void *data, struct jcall *c)
{
	struct rnode *rn = data;
	const char *mat = jstr(cJSON_GetObjectItemCaseSensitive(rn->node, "config"), "materialized");

	if (c->npos || c->nkw)
		jfail(v, "is_incremental() takes no arguments");
	if (rn->hook->operation)
		jfail(v, "unsupported: is_incremental() in a hook of on-run-start or on-run-end");
	if (!mat || strcmp(mat, "incremental"))
		return &jvfalse;
	if (!rn->c->run.db)
		dbtneed(v, rn, "is_incremental() in a hook of an incremental model");
	return jvbool(rn->c->run.incremental);
}

/* on-run-end's results where there is no database (the generator's):
 * any use of it needs the run, and so the executor renders the hook. */
static void
needresults(struct jev *v, struct jv *self)
{
	dbtneed(v, self->u.obj.data, "on-run-end's results");
}

static struct jv *
resultsattr(struct jev *v, struct jv *self, const char *name)
{
	(void)name;
	needresults(v, self);
	return NULL;
}

static const char *
resultsstr(const struct jv *self, struct buf *b)
{
	(void)self;
	(void)b;
	return "unsupported: printing on-run-end's results as a whole";
}

static struct jv *
resultscall(struct jev *v, struct jv *self, struct jcall *c)
{
	(void)c;
	needresults(v, self);
	return NULL;
}

static struct jv *
resultsitems(struct jev *v, struct jv *self)
{
	needresults(v, self);
	return NULL;
}

static struct jv *
resultsitem(struct jev *v, struct jv *self, struct jv *k)
{
	(void)k;
	needresults(v, self);
	return NULL;
}

static const struct jclass resultsclass = {"results", resultsattr, resultsstr, resultscall,
	resultsitems, resultsitem, 0, NULL};

/* A datetime of a result's timing: Python's would print otherwise than
 * the JSON's text, so it is not printed at all. */
static struct jv *
timeattr(struct jev *v, struct jv *self, const char *name)
{
	(void)self;
	jfail(v, "unsupported: attribute '%s' of a datetime of results' timing", name);
	return NULL;
}

static const char *
timestr(const struct jv *self, struct buf *b)
{
	(void)self;
	(void)b;
	return "unsupported: printing a datetime of results' timing";
}

static const struct jclass timeclass = {"datetime", timeattr, timestr, NULL, NULL, NULL, 0, NULL};

/* The executor's results (dbtctx.h) as dbt's RunResults: each one's
 * timing's datetimes opaque. */
static struct jv *
resultsof(struct arena *a, cJSON *list)
{
	struct jv *l = dbtjson(a, list), *k = str(a, "timing"), *t, *e;
	static const char *const at[] = {"started_at", "completed_at"};
	size_t i, n, x;

	for (i = 0; i < l->u.list.n; i++) {
		if (!(t = jvget(l->u.list.v[i], k)) || t->type != JLIST)
			continue;
		for (n = 0; n < t->u.list.n; n++)
			for (x = 0; x < 2; x++)
				if ((e = t->u.list.v[n])->type == JDICT && jvget(e, str(a, at[x])))
					jvset(a, e, str(a, at[x]), jvobj(a, &timeclass, NULL));
	}
	return l;
}

/* What dbt's run adds for a hook: an operation's this is None; on-run-end
 * has schemas and database_schemas (results needs the run). */
static void
hookctx(struct rnode *rn, struct arena *a, struct jv *d)
{
	const struct dbthook *h = rn->hook;
	struct jv *sch, *dbs;
	size_t i, k;

	if (h->operation)
		put(a, d, "this", &jvnone);
	if (!h->end)
		return;
	sch = jvlist(a, JLIST);
	dbs = jvlist(a, JLIST);
	for (i = 0; i < h->nschemas; i++) {
		struct jv *t = jvlist(a, JTUPLE);
		const char *db = h->dbschemas[2 * i], *s = h->dbschemas[2 * i + 1];
		jvpush(a, t, db ? str(a, db) : &jvnone);
		jvpush(a, t, str(a, s));
		jvpush(a, dbs, t);
		for (k = 0; k < i && strcmp(h->dbschemas[2 * k + 1], s); k++)
			;
		if (k == i)
			jvpush(a, sch, str(a, s));
	}
	put(a, d, "schemas", sch);
	put(a, d, "database_schemas", dbs);
	put(a, d, "results", h->results ? resultsof(a, h->results) :
	    jvobj(a, &resultsclass, rn));
}

/* The chain of names a render looks up: the node's package's macros, the
 * root package's, the packages by name and dbt, the internal macros, then
 * the context's own names (macros override them, as in dbt). In a hook,
 * dbt's own is_incremental is answered before the internal macros. */
static void
setchain(struct rnode *rn, struct arena *a)
{
	struct dbtctx *c = rn->c;
	struct jv *local = rn->pkg ? get(c->pkgs, a, rn->pkg) : NULL;
	struct jv *root = get(c->pkgs, a, c->run.project);

	rn->nchain = 0;
	if (local)
		rn->chain[rn->nchain++] = local;
	if (root && root != local)
		rn->chain[rn->nchain++] = root;
	rn->chain[rn->nchain++] = c->pkgsdbt;
	if (rn->hook) {
		struct jv *o = jvdict(a);
		put(a, o, "is_incremental", jvfunc(a, "is_incremental", fnhookincr, rn));
		rn->chain[rn->nchain++] = o;
	}
	rn->chain[rn->nchain++] = c->global;
	rn->nmacros = rn->nchain;
	rn->chain[rn->nchain++] = fixedctx(c);
	rn->chain[rn->nchain++] = basectx(rn, a);
	if (rn->hook)
		hookctx(rn, a, rn->chain[rn->nchain - 1]);
}

/* Render src as dbt's native environment does: a template that is one
 * {{ expression }} gives that value, anything else its text. */
static struct jv *
nativerender(struct rnode *rn, struct arena *a, const char *name, const char *src, char **err)
{
	struct jtmpl t;
	struct buf b = {0};
	struct jv *r;

	if (!strstr(src, "{{") && !strstr(src, "{%") && !strstr(src, "{#"))
		return str(a, src);
	if (jcompile(a, name, src, strlen(src), &t, err) < 0)
		return NULL;
	if (jrunvalue(a, &t, rn->chain, rn->nchain, &r, err) < 0)
		return NULL;
	if (r)
		return r;
	if (jrun(a, &t, rn->chain, rn->nchain, &b, err) < 0) {
		buffree(&b);
		return NULL;
	}
	r = jvstr(a, b.s ? b.s : "", b.len);
	buffree(&b);
	return r;
}

/* dbt's add_rendered_test_kwargs: each string of test_metadata.kwargs
 * (but column_name) rendered natively; a bare call of env_var, ref, var,
 * source or doc is wrapped in {{ }} first. */
static struct jv *
testkwarg(struct rnode *rn, struct arena *a, cJSON *j, int top, const char *key, char **err)
{
	struct jv *v, *x;
	cJSON *c;

	if (cJSON_IsString(j)) {
		const char *s = j->valuestring, *p = s;
		static const char *const fns[] = {"env_var", "ref", "var", "source", "doc", NULL};
		size_t i, len = strlen(s);
		if (top && !strcmp(key, "column_name"))
			return str(a, s);
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
			p++;
		for (i = 0; fns[i]; i++) {
			size_t n = strlen(fns[i]);
			const char *q = p + n, *e = s + len;
			if (strncmp(p, fns[i], n))
				continue;
			while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r' || *q == '\f' || *q == '\v')
				q++;
			while (e > q && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r' || e[-1] == '\f' || e[-1] == '\v'))
				e--;
			/* ^\s*name\s*\(.+\)\s*$ (with . not matching a newline) */
			if (*q == '(' && e - q >= 3 && e[-1] == ')' && !memchr(q, '\n', (size_t)(e - q))) {
				char *w = xasprintf("{{ %s }}", s);
				struct jv *r = nativerender(rn, a, "test kwargs", w, err);
				free(w);
				return r;
			}
		}
		return nativerender(rn, a, "test kwargs", s, err);
	}
	if (cJSON_IsArray(j)) {
		v = jvlist(a, JLIST);
		cJSON_ArrayForEach(c, j) {
			if (!(x = testkwarg(rn, a, c, 0, "", err)))
				return NULL;
			jvpush(a, v, x);
		}
		return v;
	}
	if (cJSON_IsObject(j)) {
		v = jvdict(a);
		cJSON_ArrayForEach(c, j) {
			if (!(x = testkwarg(rn, a, c, top, c->string, err)))
				return NULL;
			put(a, v, c->string, x);
		}
		return v;
	}
	return dbtjson(a, j);
}

void
dbtctxgraph(struct dbtctx *c, cJSON *(*whole)(void *), void *data, const char *nograph)
{
	c->whole = whole;
	c->wholedata = data;
	c->nograph = nograph;
}

void
dbtctxordered(struct dbtctx *c, const char *section)
{
	c->ordered |= !strcmp(section, "nodes") ? 1 : !strcmp(section, "sources") ? 2 :
	    !strcmp(section, "exposures") ? 4 : 0;
}

int
dbtgraphread(struct dbtctx *c)
{
	return c->graphread;
}

void
dbtwantmarks(struct dbtctx *c, int want)
{
	c->wantmarks = want;
}

int
dbtmarks(struct dbtctx *c, const struct jmarks **marks, const char **skel)
{
	if (!c->marked || c->marks.n != c->ngaps)
		return 0;
	*marks = &c->marks;
	*skel = c->skel;
	return 1;
}

unsigned long
dbtsourcereads(void)
{
	return sourcereads;
}

cJSON *
dbtnode(struct dbtctx *c, const char *uid)
{
	cJSON *n = htabget(&c->nodes, uid);

	return n || !c->load ? n : c->load(c->loaddata, uid);
}

void
dbtctxloader(struct dbtctx *c, cJSON *(*load)(void *, const char *), void *data)
{
	c->load = load;
	c->loaddata = data;
}

int
dbtrenders(struct dbtctx *c, cJSON *node)
{
	const char *v = c->run.dbtversion, *lang = jstr(node, "language");

	if (v && !strncmp(v, "0.", 2) && atoi(v + 2) < 20)
		return 0;
	if (lang && strcmp(lang, "sql"))
		return 0;
	return jstr(node, "raw_code") || jstr(node, "raw_sql");
}

static int
renderone(struct rnode *rn, struct arena *a, struct buf *out, char **err, int root)
{
	const char *raw = jstr(rn->node, "raw_code");
	const char *path = jstr(rn->node, "original_file_path");
	cJSON *tm = cJSON_GetObjectItemCaseSensitive(rn->node, "test_metadata");
	struct jtmpl t;

	if (!raw)
		raw = jstr(rn->node, "raw_sql");
	if (!path)
		path = rn->node->string;
	if (jstr(rn->node, "language") && strcmp(jstr(rn->node, "language"), "sql")) {
		*err = xasprintf("%s: a %s model: only dbt renders it", path,
		    jstr(rn->node, "language"));
		return -1;
	}
	if (!dbtrenders(rn->c, rn->node)) {
		*err = xasprintf("%s: a manifest of dbt %s: only dbt renders it", path,
		    rn->c->run.dbtversion);
		return -1;
	}
	if (!raw) {
		*err = xasprintf("%s: no raw_code", path);
		return -1;
	}
	rn->pkg = jstr(rn->node, "package_name");
	setchain(rn, a);
	if (cJSON_IsObject(tm)) {
		cJSON *kw = cJSON_GetObjectItemCaseSensitive(tm, "kwargs");
		struct jv *k = testkwarg(rn, a, kw, 1, "", err);
		if (!k)
			return -1;
		put(a, rn->chain[rn->nchain - 1], "_dbt_generic_test_kwargs", k);
		put(a, rn->chain[rn->nchain - 1], "_dbt_schema_test_kwargs", k);
	}
	if (jcompile(a, path, raw, strlen(raw), &t, err) < 0)
		return -1;
	if (root && rn->c->wantmarks) {
		struct buf sk = {0};
		rn->c->ngaps = jskeleton(&t, &sk);
		sha256hex(sk.s ? sk.s : "", sk.len, rn->c->skel);
		buffree(&sk);
		rn->c->marked = 1;
		return jrunmarks(a, &t, rn->chain, rn->nchain, out, &rn->c->marks, err);
	}
	return jrun(a, &t, rn->chain, rn->nchain, out, err);
}

/* Python's str.isspace for the ASCII whitespace sqlparse skips. */
static int
sqlspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int
sqlword(int c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* Whether the word "with" at s[i..k) is a name to sqlparse: a
 * function's, before '(', or a qualified one, beside a '.'. */
static int
namedwith(const char *s, size_t i, size_t k)
{
	if (s[k] == '(' || (i > 0 && s[i - 1] == '.'))
		return 1;
	while (sqlspace((unsigned char)s[k]))
		k++;
	return s[k] == '.' && !isdigit((unsigned char)s[k + 1]);
}

/* dbt's inject_ctes_into_sql reads the SQL with sqlparse: the CTEs go
 * after the first top-level WITH [RECURSIVE] of its first statement, or
 * in a WITH of their own before its first token, and only that first
 * statement is kept. Placed here as sqlparse places them for SQL read
 * alike by both: comments, strings without backslashes, quoted names,
 * dollar quotes and balanced parentheses, a WITH first (comments before
 * it) or none at the top level, nothing but blanks after a top-level ';'
 * (a CREATE, BEGIN or DECLARE before it would start one of sqlparse's
 * blocks). What sqlparse could read otherwise is an error. *with is the offset just
 * after WITH [RECURSIVE], or 0; *end where sqlparse's first statement
 * ends. */
int
dbtctesplace(const char *s, size_t *with, size_t *end, char **err)
{
	size_t i = 0, n = strlen(s), k;
	int depth = 0, first = 1, blocky = 0;
	const char *why = NULL;

	*with = 0;
	*end = n;
	while (i < n && !why) {
		unsigned char c = (unsigned char)s[i];
		if (sqlspace(c)) {
			i++;
		} else if (c == '-' && s[i + 1] == '-') {
			while (i < n && s[i] != '\n')
				i++;
		} else if (c == '/' && s[i + 1] == '*') {
			const char *e = strstr(s + i + 2, "*/");
			const char *o = strstr(s + i + 2, "/*");
			if (!e)
				why = "an unterminated /* comment";
			else if (o && o < e)
				why = "a /* comment within a comment";
			else
				i = (size_t)(e + 2 - s);
		} else if (c == '\'' || c == '"') {
			for (k = i + 1; k < n; k++) {
				if (s[k] == '\\') {
					why = c == '\'' ? "a backslash in a string" : "a backslash in a quoted name";
					break;
				}
				if (s[k] == (char)c) {
					if (s[k + 1] != (char)c)
						break;
					k++;
				}
			}
			if (!why && k >= n)
				why = c == '\'' ? "an unterminated string" : "an unterminated quoted name";
			i = k + 1;
			first = 0;
		} else if (c == '$' && (i == 0 || (!sqlword((unsigned char)s[i - 1]) && s[i - 1] != '"'))) {
			const char *e;
			char tag[128];
			for (k = i + 1; k < n && k - i < sizeof(tag) - 1 && (isalnum((unsigned char)s[k]) || s[k] == '_'); k++)
				;
			if (s[k] != '$' || (k > i + 1 && isdigit((unsigned char)s[i + 1]))) {
				i++;
				first = 0;
				continue;
			}
			memcpy(tag, s + i, k + 1 - i);
			tag[k + 1 - i] = '\0';
			if (!(e = strstr(s + k + 1, tag)))
				why = "an unterminated dollar quote";
			else
				i = (size_t)(e - s) + strlen(tag);
			first = 0;
		} else if ((c == '#' && s[i + 1] == ' ') || c == '`' || c == '[') {
			why = c == '#' ? "'# ', a comment to sqlparse" : c == '`' ? "a backquote" : "a '['";
		} else if (c == '(') {
			depth++, i++, first = 0;
		} else if (c == ')') {
			if (--depth < 0)
				why = "a ')' before its '('";
			i++;
		} else if (c == ';' && (depth > 0 || blocky)) {
			why = depth > 0 ? "a ';' within parentheses" : "a ';' after CREATE, BEGIN or DECLARE";
		} else if (c == ';') {
			for (k = i + 1; k < n && sqlspace((unsigned char)s[k]) && s[k] != '\n'; k++)
				;
			*end = k;
			while (k < n && sqlspace((unsigned char)s[k]))
				k++;
			if (k < n)
				why = "SQL after a ';' (dbt keeps only the first statement)";
			break;
		} else if (sqlword(c) && !isdigit(c)) {
			for (k = i; k < n && sqlword((unsigned char)s[k]); k++)
				;
			if ((k - i == 5 && !strncasecmp(s + i, "begin", 5)) ||
			    (k - i == 6 && !strncasecmp(s + i, "create", 6)) ||
			    (k - i == 7 && !strncasecmp(s + i, "declare", 7)))
				blocky = 1;
			if (k - i == 4 && !strncasecmp(s + i, "with", 4) && depth == 0 && !namedwith(s, i, k)) {
				if (first) {
					size_t q = k;
					while (q < n && sqlspace((unsigned char)s[q]))
						q++;
					if (!strncasecmp(s + q, "recursive", 9) && !sqlword((unsigned char)s[q + 9]))
						k = q + 9;
					/* sqlparse's insert_after skips the blanks after it */
					while (k < n && sqlspace((unsigned char)s[k]))
						k++;
					if (!isalpha((unsigned char)s[k]) && s[k] != '_' && s[k] != '"')
						why = "WITH before what is not a name";
					else if (!strncasecmp(s + k, "with", 4) && !sqlword((unsigned char)s[k + 4]))
						why = "WITH twice";
					*with = k;
				} else if (!*with)
					why = "a WITH after the statement's first word";
			}
			i = k;
			first = 0;
		} else {
			i++;
			first = 0;
		}
	}
	if (!why && depth > 0)
		why = "a '(' never closed";
	if (!why && first)
		why = "nothing but blanks and comments";
	if (why) {
		*err = xasprintf("unsupported: ephemeral models' CTEs into SQL with %s, which dbt's "
		    "sqlparse may read otherwise", why);
		return -1;
	}
	return 0;
}

static int
compile(struct dbtctx *c, cJSON *node, struct buf *out, struct buf *ctes, cJSON ***seen, size_t *nseen, char **err, int depth);

/* dbt's _recursively_prepend_ctes: each ephemeral parent (its own CTEs
 * first) as " __dbt__cte__name as (\n<sql>\n)", once. */
static int
addctes(struct dbtctx *c, struct rnode *rn, struct buf *ctes, cJSON ***seen, size_t *nseen, char **err, int depth)
{
	size_t i, k;

	for (i = 0; i < rn->nctes; i++) {
		struct buf sql = {0};
		cJSON *e = rn->ctes[i];
		const char *id = jstr(e, "alias") ? jstr(e, "alias") : jstr(e, "name");
		if (e == rn->node)
			continue;
		for (k = 0; k < *nseen && (*seen)[k] != e; k++)
			;
		if (k < *nseen)
			continue;
		if (compile(c, e, &sql, ctes, seen, nseen, err, depth + 1) < 0) {
			buffree(&sql);
			return -1;
		}
		*seen = xreallocarray(*seen, *nseen + 1, sizeof(**seen));
		(*seen)[(*nseen)++] = e;
		if (ctes->len)
			bufputs(ctes, ", ");
		bufprintf(ctes, " __dbt__cte__%s as (\n", id);
		bufadd(ctes, sql.s ? sql.s : "", sql.len);
		bufputs(ctes, "\n)");
		buffree(&sql);
	}
	return 0;
}

static int
compile(struct dbtctx *c, cJSON *node, struct buf *out, struct buf *ctes, cJSON ***seen, size_t *nseen, char **err, int depth)
{
	struct arena a = {0};
	struct rnode rn;
	int r;

	if (depth > 64) {
		*err = xasprintf("%s: ephemeral models nested too deep",
		    jstr(node, "original_file_path") ? jstr(node, "original_file_path") : node->string);
		return -1;
	}
	memset(&rn, 0, sizeof(rn));
	rn.c = c;
	rn.node = node;
	r = renderone(&rn, &a, out, err, depth == 0);
	if (r == 0)
		r = addctes(c, &rn, ctes, seen, nseen, err, depth);
	free(rn.ctes);
	arenafree(&a);
	return r;
}

int
dbtneeddb(struct dbtctx *c)
{
	return c->needdb;
}

const char *
dbtenvs(struct dbtctx *c)
{
	return c->envs.s ? c->envs.s : "";
}

int
dbtrender(struct dbtctx *c, cJSON *node, struct buf *out, char **err)
{
	struct buf sql = {0}, ctes = {0};
	cJSON **seen = NULL;
	size_t nseen = 0, w, end;
	const char *q;
	char *why;

	c->envs.len = 0;
	if (c->envs.s)
		c->envs.s[0] = '\0';
	c->needdb = 0;
	c->graphread = 0;
	c->marked = 0;
	if (compile(c, node, &sql, &ctes, &seen, &nseen, err, 0) < 0) {
		buffree(&sql);
		buffree(&ctes);
		free(seen);
		return -1;
	}
	free(seen);
	if (!ctes.len) {
		/* the marks are of this output only when it is the template's */
		c->marked &= out->len == 0;
		bufadd(out, sql.s ? sql.s : "", sql.len);
		buffree(&sql);
		return 0;
	}
	c->marked = 0;
	q = sql.s ? sql.s : "";
	if (dbtctesplace(q, &w, &end, &why) < 0) {
		const char *f = jstr(node, "original_file_path");
		*err = xasprintf("%s: %s", f ? f : node->string ? node->string : "?", why);
		free(why);
		buffree(&sql);
		buffree(&ctes);
		return -1;
	}
	if (w > 0) {
		bufadd(out, q, w);
		bufadd(out, ctes.s, ctes.len);
		bufputs(out, ", ");
		bufadd(out, q + w, end - w);
	} else {
		for (w = 0; sqlspace((unsigned char)q[w]); w++)
			;
		bufadd(out, q, w);
		bufputs(out, "with");
		bufadd(out, ctes.s, ctes.len);
		bufputs(out, " ");
		bufadd(out, q + w, end - w);
	}
	buffree(&sql);
	buffree(&ctes);
	return 0;
}

int
dbtrenderstr(struct dbtctx *c, cJSON *node, const char *name, const char *text,
    const struct dbthook *h, struct buf *out, char **err)
{
	static const struct dbthook nodehook;
	struct arena a = {0};
	struct rnode rn;
	struct jtmpl t;
	int r;

	c->envs.len = 0;
	if (c->envs.s)
		c->envs.s[0] = '\0';
	c->needdb = 0;
	c->graphread = 0;
	memset(&rn, 0, sizeof(rn));
	rn.c = c;
	rn.node = node;
	rn.hook = h ? h : &nodehook;
	rn.pkg = jstr(node, "package_name");
	setchain(&rn, &a);
	r = jcompile(&a, name, text, strlen(text), &t, err);
	if (r == 0)
		r = jrun(&a, &t, rn.chain, rn.nchain, out, err);
	if (r == 0 && rn.nctes) {
		/* dbt injects no CTE into a hook: its SQL would name none */
		*err = xasprintf("%s: unsupported: a reference to the ephemeral model %s in a hook",
		    name, rn.ctes[0]->string ? rn.ctes[0]->string : "");
		r = -1;
	}
	free(rn.ctes);
	arenafree(&a);
	return r;
}
