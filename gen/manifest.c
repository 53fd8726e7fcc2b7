#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "job.h"
#include "manifest.h"

struct reader {
	struct manifest *m;
	struct buf text;
	const char *end;
	struct arena scratch;	/* one member's tree at a time */
	struct node *nodes;
	size_t nnodes, capnodes;
	int sawnodes;
};

static void
invalid(struct reader *r, const char *at, const char *what)
{
	int line, col;

	if (!at || at < r->text.s || at > r->end)
		at = r->end;
	linecol(r->text.s, (size_t)(at - r->text.s), &line, &col);
	fatal("%s:%d:%d: invalid JSON%s%s", r->m->path, line, col,
	    what ? ": " : "", what ? what : "");
}

static struct arena *parsing;

static void *arenamalloc(size_t n) { return arenaalloc(parsing, n); }
static void arenanofree(void *p) { (void)p; }
static void *heapmalloc(size_t n) { return xmalloc(n); }

/* Parse the one JSON value at *p into the scratch arena; *p moves past it. */
static cJSON *
value(struct reader *r, const char **p)
{
	cJSON_Hooks inarena = {arenamalloc, arenanofree}, heap = {heapmalloc, free};
	const char *end = NULL;
	cJSON *v;

	parsing = &r->scratch;
	cJSON_InitHooks(&inarena);
	v = cJSON_ParseWithLengthOpts(*p, (size_t)(r->end - *p), &end, 0);
	cJSON_InitHooks(&heap);
	if (!v)
		invalid(r, cJSON_GetErrorPtr(), NULL);
	*p = end;
	return v;
}

static const char *
ws(struct reader *r, const char *p)
{
	while (p < r->end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static const char *
keep(struct manifest *m, const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(arenaalloc(&m->keep, n), s, n);
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *
nonempty(const cJSON *o, const char *key)
{
	const char *s = str(o, key);

	return s && *s ? s : NULL;
}

static const char *
keepor(struct manifest *m, const char *s, const char *dflt)
{
	return s ? keep(m, s) : dflt;
}

/* The strings of a JSON list, kept. */
static const char **
strings(struct manifest *m, const cJSON *list, size_t *n)
{
	const cJSON *e;
	const char **v;
	size_t i = 0;

	*n = 0;
	cJSON_ArrayForEach(e, list)
		if (cJSON_IsString(e))
			++*n;
	v = arenaalloc(&m->keep, (*n ? *n : 1) * sizeof(*v));
	cJSON_ArrayForEach(e, list)
		if (cJSON_IsString(e))
			v[i++] = keep(m, e->valuestring);
	return v;
}

static enum rtype
rtypeof(const char *t)
{
	if (!strcmp(t, "model"))
		return RMODEL;
	if (!strcmp(t, "seed"))
		return RSEED;
	if (!strcmp(t, "snapshot"))
		return RSNAPSHOT;
	if (!strcmp(t, "test"))
		return RTEST;
	return ROTHER;
}

/* relation_name where the manifest has it (v1 and later, compiled), else
 * "database"."schema"."alias" as dbt-postgres would render it. */
static const char *
relationof(struct manifest *m, const cJSON *j)
{
	const char *s = nonempty(j, "relation_name");
	const char *db = nonempty(j, "database"), *sch = nonempty(j, "schema");
	const char *id = nonempty(j, "alias");
	struct buf b = {0};

	if (s)
		return keep(m, s);
	if (!id)
		id = nonempty(j, "name");
	if (!id)
		return "";
	if (db) {
		bufquote(&b, db, '"');
		bufputc(&b, '.');
	}
	if (sch) {
		bufquote(&b, sch, '"');
		bufputc(&b, '.');
	}
	bufquote(&b, id, '"');
	s = keep(m, b.s);
	buffree(&b);
	return s;
}

static enum kind
kindof(const struct node *n, const cJSON *j, const cJSON *config)
{
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(config, "enabled");
	const char *mat = str(config, "materialized");
	const char *ofp = str(j, "original_file_path");

	if (cJSON_IsFalse(en))
		return KIGNORED;
	if (n->rtype == ROTHER)
		return KIGNORED;
	/* dbt mesh and dbt-loom inject other projects' nodes: no file, no code */
	if (ofp && !*ofp && !nonempty(j, "raw_code") && !nonempty(j, "raw_sql"))
		return KEXTERNAL;
	if (n->rtype == RMODEL && mat && !strcmp(mat, "ephemeral"))
		return KEPHEMERAL;
	return KRUN;
}

static void
readnode(struct reader *r, const char *uid, const cJSON *j)
{
	struct manifest *m = r->m;
	const cJSON *config = cJSON_GetObjectItemCaseSensitive(j, "config");
	const char *t = str(j, "resource_type"), *sql, *mat;
	struct node *n;

	if (!cJSON_IsObject(j))
		fatal("%s: node %s is not an object", m->path, uid);
	if (r->nnodes == r->capnodes) {
		r->capnodes = r->capnodes ? r->capnodes * 2 : 256;
		r->nodes = xreallocarray(r->nodes, r->capnodes, sizeof(*r->nodes));
	}
	n = &r->nodes[r->nnodes++];
	memset(n, 0, sizeof(*n));
	n->uid = keep(m, uid);
	n->type = keepor(m, t, "");
	n->rtype = rtypeof(n->type);
	n->kind = kindof(n, j, config);
	n->name = keepor(m, str(j, "name"), n->uid);
	if (n->kind == KIGNORED)
		return;
	n->depids = strings(m, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(j, "depends_on"), "nodes"), &n->ndepids);
	if (n->kind != KRUN)
		return;
	mat = nonempty(config, "materialized");
	n->materialized = n->rtype == RMODEL && mat ? keep(m, mat) : n->type;
	n->language = keepor(m, nonempty(j, "language"), "sql");
	if (!strcmp(n->language, "sql"))
		n->language = "sql";
	sql = nonempty(j, "compiled_code");
	if (!sql)
		sql = nonempty(j, "injected_sql");
	if (!sql)
		sql = nonempty(j, "compiled_sql");
	n->sql = sql ? keep(m, sql) : NULL;
	n->relation = relationof(m, j);
	n->path = keepor(m, nonempty(j, "original_file_path"), NULL);
	n->tags = strings(m, cJSON_GetObjectItemCaseSensitive(j, "tags"), &n->ntags);
	n->checksum = keepor(m, nonempty(cJSON_GetObjectItemCaseSensitive(j, "checksum"),
	    "checksum"), NULL);
	n->config = jobconfig(&m->keep, n, j, config);
	if (m->forselect) {
		char *cj = config ? cJSON_PrintUnformatted(config) : NULL;
		n->fqn = strings(m, cJSON_GetObjectItemCaseSensitive(j, "fqn"), &n->nfqn);
		n->package = keepor(m, str(j, "package_name"), "");
		n->configjson = keepor(m, cj, "{}");
		n->generic = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "test_metadata"));
		free(cj);
	}
}

static void
readexposure(struct reader *r, const char *uid, const cJSON *j)
{
	struct manifest *m = r->m;
	struct exposure *x;

	m->exposures = xreallocarray(m->exposures, m->nexposures + 1,
	    sizeof(*m->exposures));
	x = &m->exposures[m->nexposures++];
	memset(x, 0, sizeof(*x));
	x->uid = keep(m, uid);
	x->name = keepor(m, str(j, "name"), x->uid);
	x->depids = strings(m, cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(j, "depends_on"), "nodes"), &x->ndepids);
}

static void
addknown(struct reader *r, const char *uid)
{
	const char *k = keep(r->m, uid);

	htabput(&r->m->known, k, (void *)k);
}

/* Step through the object at *p, calling fn(r, key, &p) with p at each
 * member's value; fn must consume the value. */
static void
members(struct reader *r, const char **pp,
    void (*fn)(struct reader *, const char *, const char **))
{
	const char *p = ws(r, *pp);
	cJSON *k;
	char *key;

	if (p >= r->end || *p != '{')
		invalid(r, p, "expected an object");
	p = ws(r, p + 1);
	if (p < r->end && *p == '}') {
		*pp = p + 1;
		return;
	}
	for (;;) {
		if (p >= r->end || *p != '"')
			invalid(r, p, "expected a key");
		k = value(r, &p);
		key = xstrdup(k->valuestring);
		arenareset(&r->scratch);
		p = ws(r, p);
		if (p >= r->end || *p != ':')
			invalid(r, p, "expected ':'");
		fn(r, key, &p);
		free(key);
		p = ws(r, p);
		if (p < r->end && *p == ',') {
			p = ws(r, p + 1);
			continue;
		}
		if (p < r->end && *p == '}')
			break;
		invalid(r, p, "expected ',' or '}'");
	}
	*pp = p + 1;
}

/* Each member value starts after the ':' at *p. */
static void
onnode(struct reader *r, const char *key, const char **p)
{
	++*p;
	readnode(r, key, value(r, p));
	arenareset(&r->scratch);
}

static void
onexposure(struct reader *r, const char *key, const char **p)
{
	++*p;
	readexposure(r, key, value(r, p));
	arenareset(&r->scratch);
	addknown(r, key);
}

static void
onknown(struct reader *r, const char *key, const char **p)
{
	++*p;
	value(r, p);
	arenareset(&r->scratch);
	addknown(r, key);
}

static void
ontop(struct reader *r, const char *key, const char **p)
{
	const cJSON *v, *e, *id;

	++*p;
	if (!strcmp(key, "nodes") && *ws(r, *p) == '{') {
		members(r, p, onnode);
		r->sawnodes = 1;
		return;
	}
	if (!strcmp(key, "exposures") && *ws(r, *p) == '{') {
		members(r, p, onexposure);
		return;
	}
	if ((!strcmp(key, "sources") || !strcmp(key, "metrics") ||
	    !strcmp(key, "semantic_models") || !strcmp(key, "saved_queries") ||
	    !strcmp(key, "unit_tests") || !strcmp(key, "functions") ||
	    !strcmp(key, "disabled")) && *ws(r, *p) == '{') {
		members(r, p, onknown);
		return;
	}
	v = value(r, p);
	if (!strcmp(key, "metadata")) {
		const char *a = nonempty(v, "adapter_type"), *d = nonempty(v, "dbt_version");
		const char *pn = nonempty(v, "project_name");
		if (pn)
			r->m->project = keep(r->m, pn);
		if (a)
			r->m->adapter = keep(r->m, a);
		if (d)
			r->m->dbtversion = keep(r->m, d);
	} else if (!strcmp(key, "disabled")) {
		/* before v4, a list of nodes */
		cJSON_ArrayForEach(e, v) {
			id = cJSON_GetObjectItemCaseSensitive(e, "unique_id");
			if (cJSON_IsString(id))
				addknown(r, id->valuestring);
		}
	}
	arenareset(&r->scratch);
}

static int
nodecmp(const void *a, const void *b)
{
	return strcmp(((const struct node *)a)->uid, ((const struct node *)b)->uid);
}

static int
exposurecmp(const void *a, const void *b)
{
	return strcmp(((const struct exposure *)a)->name,
	    ((const struct exposure *)b)->name);
}

void
manifestload(struct manifest *m, const char *path)
{
	manifestloadfor(m, path, 0);
}

void
manifestloadfor(struct manifest *m, const char *path, int forselect)
{
	struct reader r = {0};
	const char *p;
	size_t i;

	memset(m, 0, sizeof(*m));
	m->forselect = forselect;
	m->path = path;
	m->adapter = "postgres";
	r.m = m;
	if (readfile(path, &r.text) < 0)
		fatal("%s:", path);
	if (r.text.len == 0)
		fatal("%s: empty file", path);
	r.end = r.text.s + r.text.len;
	p = ws(&r, r.text.s);
	if (p < r.end && *p != '{') {
		value(&r, &p);
		fatal("%s: not a dbt manifest: the top level is not an object", path);
	}
	members(&r, &p, ontop);
	p = ws(&r, p);
	if (p < r.end)
		invalid(&r, p, "more after the manifest");
	if (!r.sawnodes)
		fatal("%s: not a dbt manifest: no \"nodes\" object", path);
	arenafree(&r.scratch);
	buffree(&r.text);

	m->nodes = r.nodes;
	m->nnodes = r.nnodes;
	if (m->nnodes)
		qsort(m->nodes, m->nnodes, sizeof(*m->nodes), nodecmp);
	for (i = 0; i < m->nnodes; i++)
		htabput(&m->index, m->nodes[i].uid, &m->nodes[i]);
	if (m->nexposures)
		qsort(m->exposures, m->nexposures, sizeof(*m->exposures), exposurecmp);
}

struct node *
manifestnode(const struct manifest *m, const char *uid)
{
	return htabget(&m->index, uid);
}

void
manifestfree(struct manifest *m)
{
	size_t i;

	for (i = 0; i < m->nnodes; i++) {
		struct node *n = &m->nodes[i];
		free(n->file);
		free(n->jobhash);
		free(n->deps);
		free(n->parents);
		free(n->gates);
		free(n->tests);
	}
	for (i = 0; i < m->nexposures; i++)
		free(m->exposures[i].parents);
	free(m->nodes);
	free(m->exposures);
	htabfree(&m->index);
	htabfree(&m->known);
	arenafree(&m->keep);
}
