/* render.c: nodes rendered by the generator (see render.h). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "dbtctx.h"
#include "dbtparse.h"
#include "hooks.h"
#include "hash.h"
#include "htab.h"
#include "jeval.h"
#include "job.h"
#include "jobfile.h"
#include "project.h"
#include "profile.h"
#include "render.h"
#include "stage.h"
#include "yamljson.h"

static int
needs(const struct node *n)
{
	if (n->kind == KOPERATION)
		return n->latehooks;
	/* a seed only for its hooks */
	return n->kind == KRUN && (n->latehooks || (!n->sql && n->rtype != RSEED)) &&
	    !strcmp(n->language, "sql");
}

/* The render cache: a node whose inputs hash as they did takes its SQL
 * from its job file instead of being rendered again. The key is the
 * SHA-256 of what every render depends on (the manifest's macros, vars,
 * target, adapter, dbt's version), the node itself (but created_at, which
 * each parse rewrites), its dependencies (an ephemeral's own, through
 * them), and the values of the env vars its last render read. */
struct cache {
	struct htab old;	/* uid -> "base envnames key" of the last run */
	struct htab sums;	/* uid -> SHA-256 of its JSON */
	struct arena a;
	char digest[SHA256_HEX];	/* of the whole context: renders' keys */
	char ctx[SHA256_HEX];	/* of the context but its target, and */
	char tgt[SHA256_HEX];	/* of its target: a late job's render line */
	struct buf idx;		/* this run's index */
	struct buf scratch;
	size_t reused;
	struct rdoc *d;
	char graph[SHA256_HEX];	/* graph's sections' SHA-256, once taken */
	struct htab files;	/* the job files there are, listed once */
	int listed;
	int lategraph;		/* a node rendered when it runs reads graph */
};


/* ---- the manifest's tree ---- */

static cJSON *
parsed(struct rdoc *d, const struct span *sp, const char *what)
{
	cJSON *j = arenajson(&d->a, sp->at, sp->len, NULL);

	if (!j)
		fatal("%s: invalid JSON in %s", d->m->path, what);
	return j;
}

cJSON *
rdocnode(struct rdoc *d, const char *uid)
{
	const struct span *sp;
	struct span ns;
	struct node *n;
	cJSON *j;

	if (!d->lazy)
		return NULL;
	if ((j = htabget(&d->trees, uid)))
		return j;
	n = manifestnode(d->m, uid);
	if (n && n->tree) {
		/* the loader's, when it kept it */
		j = n->tree;
		uid = n->uid;
	} else {
		if (!(sp = htabget(&d->m->srcspans, uid))) {
			if (!n || !n->at)
				return NULL;
			ns.uid = n->uid;
			ns.at = n->at;
			ns.len = n->len;
			sp = &ns;
		}
		j = parsed(d, sp, sp->uid);
		uid = sp->uid;
	}
	j->string = (char *)uid;
	j->type |= cJSON_StringIsConst;
	htabput(&d->trees, uid, j);
	return j;
}

static cJSON *
load(void *d, const char *uid)
{
	return rdocnode(d, uid);
}

/* The whole tree, for graph: the lazy doc's text parsed whole, once. */
static cJSON *
rdocwhole(void *p)
{
	struct rdoc *d = p;

	if (!d->lazy)
		return d->doc;
	if (!d->whole && !(d->whole = arenajson(&d->a, d->m->json, d->m->jsonlen, NULL)))
		fatal("%s: invalid JSON", d->m->path);
	return d->whole;
}

static void
rdocopen(struct rdoc *d, const char *project)
{
	struct manifest *m = d->m;
	struct buf src = {0};

	if (d->doc)
		return;
	if (m->json && !m->spandup && project) {
		d->lazy = 1;
		d->doc = cJSON_CreateObject();
		if (m->metadata.len)
			cJSON_AddItemToObjectCS(d->doc, "metadata", parsed(d, &m->metadata, "metadata"));
		if (m->macrospan.len)
			cJSON_AddItemToObjectCS(d->doc, "macros", parsed(d, &m->macrospan, "macros"));
		return;
	}
	if (m->json)
		d->doc = arenajson(&d->a, m->json, m->jsonlen, NULL);
	else {
		if (m->text)
			bufadd(&src, m->text, m->textlen);
		else if (readfile(m->path, &src) < 0)
			fatal("%s:", m->path);
		d->doc = arenajson(&d->a, src.s, src.len, NULL);
		buffree(&src);
	}
	if (!d->doc)
		fatal("%s: invalid JSON", m->path);
}

/* The sections of a project read here that iterate in dbt's order. */
static const struct {
	int bit;
	const char *name;
} ords[] = {{ORDNODES, "nodes"}, {ORDSOURCES, "sources"}, {ORDEXPOSURES, "exposures"}};

struct dbtctx *
rdocctx(struct rdoc *d, const struct dbtrun *run)
{
	struct dbtctx *c;
	size_t i;

	rdocopen(d, run->project);
	c = dbtctxnew(d->doc, run);
	if (d->lazy)
		dbtctxloader(c, load, d);
	if (d->graph == 1)
		dbtctxgraph(c, rdocwhole, d, NULL);
	else if (d->graph == 2) {
		dbtctxgraph(c, rdocwhole, d, GRAPHPARTIAL);
		for (i = 0; i < sizeof(ords) / sizeof(*ords); i++)
			if (d->ordered & ords[i].bit)
				dbtctxordered(c, ords[i].name);
	}
	else
		dbtctxgraph(c, NULL, NULL, " (of a project read here: a manifest from dbt parse "
		    "works instead)");
	return c;
}

static void
rdocfree(struct rdoc *d)
{
	/* the lazy doc's members are the arena's: only its top is not */
	if (d->lazy) {
		while (d->doc->child)
			cJSON_DetachItemViaPointer(d->doc, d->doc->child);
		cJSON_Delete(d->doc);
	}
	htabfree(&d->trees);
	arenafree(&d->a);
}

/* ---- the render cache's key ---- */

static const char *
jsonsum(struct cache *k, cJSON *j)
{
	char *h = j->string ? htabget(&k->sums, j->string) : NULL;

	if (h)
		return h;
	h = arenaalloc(&k->a, SHA256_HEX);
	manifestsum(j, &k->scratch, h);
	if (j->string)
		htabput(&k->sums, j->string, h);
	return h;
}

/* A node whose key is taken without its tree (manifest.h's rawsum). */
static struct node *
keyed(struct rdoc *d, const char *uid)
{
	struct node *n;

	if (!d->lazy || !(n = manifestnode(d->m, uid)) || !n->rawsum)
		return NULL;
	return n;
}

/* The sum of a keyed node's tree, its created_at left out (manifestsum()),
 * taken when first asked: a node whose text is the last run's is keyed
 * by its text alone (rawsum), and never parsed. */
static const char *
rsumof(struct cache *k, struct rdoc *d, struct node *n)
{
	struct arenamark mark;
	cJSON *j = n->tree;

	if (n->rsum)
		return n->rsum;
	mark = arenamark(&k->a);
	if (!j && !(j = arenajson(&k->a, n->at, n->len, NULL)))
		fatal("%s: %s: invalid JSON", d->m->path, n->uid);
	n->rsum = arenaalloc(&d->m->keep, SHA256_HEX);
	manifestsum(j, &k->scratch, n->rsum);
	arenarollback(&k->a, mark);
	return n->rsum;
}

/* Which of a keyed node's sums its key takes: its text's, or its tree's. */
enum { TREESUM, TEXTSUM };

static const char *
sumof(struct cache *k, struct rdoc *d, struct node *n, int which)
{
	return which == TEXTSUM ? n->rawsum : rsumof(k, d, n);
}

static void treeinputs(struct cache *, struct rdoc *, struct dbtctx *, cJSON *,
    struct buf *, int, int);

/* One dependency of a node, depth deep. */
static void
depinput(struct cache *k, struct rdoc *d, struct dbtctx *c, const char *uid,
    struct buf *b, int depth, int which)
{
	struct node *dn = keyed(d, uid);
	cJSON *n, *cfg, *mat;
	size_t i;

	if (dn) {
		bufputs(b, sumof(k, d, dn, which));
		bufputc(b, '\n');
		/* an ephemeral's own, through it */
		for (i = 0; dn->ephem && depth < 64 && i < dn->ndepids; i++)
			depinput(k, d, c, dn->depids[i], b, depth + 1, which);
		return;
	}
	if (!(n = dbtnode(c, uid))) {
		bufprintf(b, "? %s\n", uid);
		return;
	}
	cfg = cJSON_GetObjectItemCaseSensitive(n, "config");
	mat = cfg ? cJSON_GetObjectItemCaseSensitive(cfg, "materialized") : NULL;
	if (cJSON_IsString(mat) && !strcmp(mat->valuestring, "ephemeral") && depth < 64)
		treeinputs(k, d, c, n, b, depth + 1, which);
	else {
		bufputs(b, jsonsum(k, n));
		bufputc(b, '\n');
	}
}

/* The node's own JSON and its dependencies', an ephemeral's through it. */
static void
treeinputs(struct cache *k, struct rdoc *d, struct dbtctx *c, cJSON *j, struct buf *b, int depth,
    int which)
{
	cJSON *deps = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "depends_on"), "nodes"), *x;

	bufputs(b, jsonsum(k, j));
	bufputc(b, '\n');
	cJSON_ArrayForEach(x, deps) {
		if (!cJSON_IsString(x))
			bufputs(b, "? \n");
		else
			depinput(k, d, c, x->valuestring, b, depth, which);
	}
}

/* The same of node n, from what the manifest kept of it when it can,
 * hashed after the context's digest: the base of its key. */
static void
inputs(struct cache *k, struct rdoc *d, struct dbtctx *c, const struct node *n, int which,
    char base[SHA256_HEX])
{
	struct node *kn = keyed(d, n->uid);
	struct buf b = {0};
	size_t i;

	bufputs(&b, k->digest);
	bufputs(&b, which == TEXTSUM ? "\ntext\n" : "\n");
	if (!kn)
		treeinputs(k, d, c, dbtnode(c, n->uid), &b, 0, which);
	else {
		bufputs(&b, sumof(k, d, kn, which));
		bufputc(&b, '\n');
		for (i = 0; i < n->ndepids; i++)
			depinput(k, d, c, n->depids[i], &b, 0, which);
	}
	sha256hex(b.s, b.len, base);
	buffree(&b);
}

/* What graph gives: these sections of the whole tree. */
static const char *const sections[] = {"exposures", "functions", "groups", "metrics",
    "nodes", "sources", "semantic_models", "saved_queries", NULL};

/* The digest of what graph gives: every section of the whole tree. */
static const char *
graphsum(struct cache *k)
{
	cJSON *doc, *e;
	struct buf b = {0};
	char h[SHA256_HEX];
	size_t i;

	if (k->graph[0])
		return k->graph;
	doc = rdocwhole(k->d);
	/* each entry but its created_at, which each dbt parse from scratch
	 * writes anew; a section absent is one empty */
	for (i = 0; sections[i]; i++) {
		bufprintf(&b, "%s\n", sections[i]);
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, sections[i])) {
			manifestsum(e, &k->scratch, h);
			bufprintf(&b, "%s %s\n", e->string ? e->string : "", h);
		}
	}
	sha256hex(b.s, b.len, k->graph);
	buffree(&b);
	return k->graph;
}

static void
envkey(struct cache *k, const char *base, const char *names, char key[SHA256_HEX])
{
	struct buf b = {0};
	const char *p, *nl;

	bufputs(&b, base);
	for (p = names; *p; p = nl + 1) {
		char *name;
		const char *v;
		nl = strchr(p, '\n');
		name = xmemdup(p, (size_t)(nl - p));
		v = !strcmp(name, GRAPHREAD) ? graphsum(k) : getenv(name);
		bufprintf(&b, "\n%s%c%s", name, v ? '=' : '!', v ? v : "");
		free(name);
	}
	sha256hex(b.s, b.len, key);
	buffree(&b);
}

static void
cacheload(struct cache *k, cJSON *doc, const struct dbtrun *run)
{
	struct buf b = {0}, d = {0};
	char *p, *nl, h[SHA256_HEX];
	cJSON *parts[] = {run->vars, run->pkgvars, run->dispatch, run->clivars, run->flags}, *x;
	char *t;
	size_t i;

	memset(k, 0, sizeof(*k));
	bufprintf(&d, "render 1\n%s\n%s\n%s\n", run->adapter, run->project ? run->project : "",
	    run->dbtversion ? run->dbtversion : "");
	/* the macros but their created_at, which each dbt parse writes anew */
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(doc, "macros")) {
		manifestsum(x, &k->scratch, h);
		bufprintf(&d, "%s %s\n", x->string ? x->string : "", h);
	}
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		char *s = parts[i] ? cJSON_PrintUnformatted(parts[i]) : NULL;
		bufprintf(&d, "%s\n", s ? s : "null");
		free(s);
	}
	sha256hex(d.s, d.len, k->ctx);
	/* the target apart, so that --state can compare a late job with
	 * production's, which names production's target (state.h) */
	t = run->target ? cJSON_PrintUnformatted(run->target) : NULL;
	sha256hex(t ? t : "null", strlen(t ? t : "null"), k->tgt);
	free(t);
	d.len = 0;
	bufprintf(&d, "%s %s", k->ctx, k->tgt);
	sha256hex(d.s, d.len, k->digest);
	buffree(&d);
	if (readfile(RENDERIDX, &b) < 0) {
		buffree(&b);
		return;
	}
	/* uid base envnames(,-joined) key */
	for (p = b.s; p && *p; p = nl + 1) {
		char *sp;
		if (!(nl = strchr(p, '\n')))
			break;
		*nl = '\0';
		if ((sp = strchr(p, ' '))) {
			char *uid = arenaalloc(&k->a, (size_t)(sp - p) + 1);
			char *rest = arenaalloc(&k->a, strlen(sp + 1) + 1);
			memcpy(uid, p, (size_t)(sp - p));
			uid[sp - p] = '\0';
			strcpy(rest, sp + 1);
			htabput(&k->old, uid, rest);
		}
	}
	buffree(&b);
}

/* The last run's line of the node ("base envnames key textkey"): its
 * env var names, each ending in a newline (caller frees), and where its
 * key is in it; NULL when there is none. */
static char *
oldline(struct cache *k, const struct node *n, const char **key)
{
	const char *e = htabget(&k->old, n->uid), *sp;
	char *envs, *p;

	if (!e || strlen(e) < SHA256_HEX || e[SHA256_HEX - 1] != ' ' ||
	    !(sp = strchr(e + SHA256_HEX, ' ')) || strlen(sp + 1) < SHA256_HEX - 1)
		return NULL;
	envs = xmemdup(e + SHA256_HEX, (size_t)(sp - e - SHA256_HEX));
	for (p = envs; *p; p++)
		if (*p == ',')
			*p = '\n';
	if (*envs)
		strcat(envs = xrealloc(envs, strlen(envs) + 2), "\n");
	*key = sp + 1;
	return envs;
}

/* Whether the node's key is the last run's: by the base of its trees'
 * sums (TREESUM), or of its text's (TEXTSUM: the last field). */
static int
keymatch(struct cache *k, const struct node *n, const char *base, int which)
{
	const char *e = htabget(&k->old, n->uid), *at;
	char *envs = oldline(k, n, &at), key[SHA256_HEX];
	int r = 0;

	if (!envs)
		return 0;
	if (which == TREESUM && !strncmp(e, base, SHA256_HEX - 1)) {
		envkey(k, base, envs, key);
		r = !strncmp(key, at, SHA256_HEX - 1) &&
		    (at[SHA256_HEX - 1] == ' ' || !at[SHA256_HEX - 1]);
	} else if (which == TEXTSUM && at[SHA256_HEX - 1] == ' ') {
		envkey(k, base, envs, key);
		r = !strcmp(key, at + SHA256_HEX);
	}
	free(envs);
	return r;
}

/* The node's line again, kept by its trees' key: with its text's key now. */
static void
keepline(struct cache *k, const struct node *n, const char *text)
{
	const char *e = htabget(&k->old, n->uid), *at;
	char *envs = oldline(k, n, &at), key[SHA256_HEX];

	envkey(k, text, envs, key);
	bufprintf(&k->idx, "%s %.*s %s\n", n->uid, (int)(at + SHA256_HEX - 1 - e), e, key);
	free(envs);
}

/* Whether the job file name is in JOBDIR: one listing of it, not a
 * lookup of each of ten thousand files. */
static int
jobthere(struct cache *k, const char *name)
{
	struct dirent *e;
	size_t n;
	char *s;
	DIR *d;

	if (!k->listed) {
		k->listed = 1;
		if ((d = opendir(JOBDIR))) {
			while ((e = readdir(d)))
				if (e->d_name[0] != '.') {
					n = strlen(e->d_name) + 1;
					s = memcpy(arenaalloc(&k->a, n), e->d_name, n);
					htabput(&k->files, s, s);
				}
			closedir(d);
		}
	}
	return htabget(&k->files, name) != NULL;
}

/* The job file's SQL forms, when the node's key is the last run's; with
 * keep, not even read when the job index vouches for the file and the
 * header (config, with the compiled line gone) hashes as it says. */
static int
cached(struct cache *k, struct manifest *m, struct node *n, const struct jobindex *ix,
    const char *config)
{
	const struct jobline *l;
	const char *was = n->config;
	char *path, *name, hh[SHA256_HEX];
	int r;

	name = xasprintf("%s.sql", n->file);
	path = xasprintf("%s/%s", JOBDIR, name);
	if (ix && (l = htabget(&ix->lines, name)) && l->head) {
		n->config = config;
		jobhead(m, n, NULL, hh);
		n->config = was;
		if (!strcmp(hh, l->head) && jobthere(k, name)) {
			n->kept = 1;
			n->keptcfg = config;
			memcpy(n->keptjob, l->sum, SHA256_HEX);
			free(n->headhash);
			n->headhash = xstrdup(hh);
			free(name);
			free(path);
			k->reused++;
			return 1;
		}
	}
	r = jobtakesql(m, n, path);
	free(name);
	free(path);
	if (r < 0)
		return 0;
	k->reused++;
	return 1;
}

static void
cacheput(struct cache *k, const char *uid, const char *base, const char *text,
    const char *envs)
{
	char key[SHA256_HEX];
	const char *p;

	envkey(k, base, envs, key);
	bufprintf(&k->idx, "%s %s ", uid, base);
	for (p = envs; *p; p++)
		bufputc(&k->idx, *p == '\n' ? (p[1] ? ',' : ' ') : *p);
	if (!*envs)
		bufputc(&k->idx, ' ');
	bufprintf(&k->idx, "%s ", key);
	envkey(k, text, envs, key);
	bufprintf(&k->idx, "%s\n", key);
}

/* Where the node's own text went in its form form (0: sql, 1: incrsql),
 * when its render was its template's alone; else it is not marked. */
static void
marked(struct dbtctx *c, struct manifest *m, struct node *n, int form)
{
	const struct jmarks *mk;
	const char *skel;

	if (form == 0)
		n->marked = 0;
	if (!dbtmarks(c, &mk, &skel) || (form == 1 && (!n->marked || strcmp(skel, n->skel)))) {
		n->marked = 0;
		return;
	}
	n->marks[form] = arenaalloc(&m->keep, 2 * mk->n * sizeof(size_t) + 1);
	if (mk->n)
		memcpy(n->marks[form], mk->v, 2 * mk->n * sizeof(size_t));
	n->nmarks[form] = mk->n;
	memcpy(n->skel, skel, sizeof(n->skel));
	n->marked = 1;
}

/* The node rendered, or NULL when it cannot be and lenient is set (a
 * manifest dbt compiled in part: the nodes it left out stay without SQL,
 * as they were before rendering was ours, and say why). */
static char *
renderone(struct dbtctx *c, struct manifest *m, struct node *n, cJSON *j, int lenient, int *late)
{
	struct buf out = {0};
	char *err = NULL, *s;

	if (dbtrender(c, j, &out, &err) < 0) {
		if (dbtneeddb(c)) {
			*late = 1;
			free(err);
			buffree(&out);
			return NULL;
		}
		if (!lenient)
			fatal("%s (%s)", err, n->uid);
		warn("warning: %s (%s): not rendered; it fails until dbt compiles it", err, n->uid);
		free(err);
		buffree(&out);
		return NULL;
	}
	s = arenaalloc(&m->keep, out.len + 1);
	memcpy(s, out.s ? out.s : "", out.len);
	s[out.len] = '\0';
	buffree(&out);
	return s;
}

static cJSON *
yaml(const char *path)
{
	char *err;
	cJSON *j = yamlload(path, &err);

	if (err)
		fatal("%s", err);
	return j;
}

/* dbt_project.yml's vars, dispatch and flags in dir, and each package's
 * own vars by name. */
void
projectvars(const char *d, cJSON **vars, cJSON **pkgvars, cJSON **dispatch, cJSON **flags)
{
	char *dir = xasprintf("%s%s", d, *d && d[strlen(d) - 1] != '/' ? "/" : "");
	char *path = xasprintf("%sdbt_project.yml", dir), *pkgs;
	cJSON *p = yaml(path), *v;
	struct dirent *e;
	DIR *dd;

	*vars = *dispatch = *flags = NULL;
	*pkgvars = cJSON_CreateObject();
	if ((v = cJSON_DetachItemFromObjectCaseSensitive(p, "vars")) && cJSON_IsObject(v))
		*vars = v;
	else
		cJSON_Delete(v);
	if ((v = cJSON_DetachItemFromObjectCaseSensitive(p, "dispatch")) && cJSON_IsArray(v))
		*dispatch = v;
	else
		cJSON_Delete(v);
	if ((v = cJSON_DetachItemFromObjectCaseSensitive(p, "flags")) && cJSON_IsObject(v))
		*flags = v;
	else
		cJSON_Delete(v);
	cJSON_Delete(p);
	free(path);
	pkgs = projectkey(*dir ? dir : ".", "packages-install-path");
	path = pkgs && *pkgs == '/' ? xstrdup(pkgs) : xasprintf("%s%s", dir, pkgs ? pkgs : "dbt_packages");
	if ((dd = opendir(path))) {
		while ((e = readdir(dd))) {
			char *f;
			cJSON *name;
			if (e->d_name[0] == '.')
				continue;
			f = xasprintf("%s/%s/dbt_project.yml", path, e->d_name);
			if ((p = yaml(f)) && cJSON_IsObject(p) &&
			    cJSON_IsString(name = cJSON_GetObjectItemCaseSensitive(p, "name")) &&
			    (v = cJSON_DetachItemFromObjectCaseSensitive(p, "vars")))
				cJSON_AddItemToObject(*pkgvars, name->valuestring, v);
			cJSON_Delete(p);
			free(f);
		}
		closedir(dd);
	}
	free(path);
	free(pkgs);
	free(dir);
}

/* The job's keyed lines without the "compiled: false" that the node
 * had before it was rendered. */
static const char *
compiledline(struct manifest *m, const char *config)
{
	static const char line[] = "-- compiled: false\n";
	const char *p = strstr(config, line);
	size_t n = strlen(config);
	char *s;

	if (!p || (p != config && p[-1] != '\n'))
		return config;
	s = arenaalloc(&m->keep, n - (sizeof(line) - 1) + 1);
	memcpy(s, config, (size_t)(p - config));
	strcpy(s + (p - config), p + sizeof(line) - 1);
	return s;
}

/* dbt's target as the renderer gives it: the profile's name, target and
 * type, its schema and threads, and the connection's host, port, user and
 * database; an attribute the profile does not set is left out (reading it
 * is an error). */
cJSON *
rendertarget(const struct profile *p)
{
	static const char *const keys[][2] = {{"host", "host"}, {"port", "port"},
	    {"user", "user"}, {"dbname", "database"}};
	cJSON *t = cJSON_CreateObject();
	size_t i, k;

	if (!p->path)
		return t;
	if (p->name)
		cJSON_AddStringToObject(t, "profile_name", p->name);
	if (p->target)
		cJSON_AddStringToObject(t, "name", p->target);
	if (p->schema)
		cJSON_AddStringToObject(t, "schema", p->schema);
	if (p->threads)
		cJSON_AddNumberToObject(t, "threads", p->threads);
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		for (i = 0; p->keys[i]; i++)
			if (!strcmp(p->keys[i], keys[k][0])) {
				if (!strcmp(keys[k][0], "port"))
					cJSON_AddNumberToObject(t, "port", atoi(p->vals[i]));
				else
					cJSON_AddStringToObject(t, keys[k][1], p->vals[i]);
			}
	return t;
}

/* ---- nodes rendered when they run ---- */

/* A copy of node j without what dbt parse rewrites each time. */
static cJSON *
nodecopy(cJSON *j)
{
	cJSON *c = cJSON_Duplicate(j, 1);

	cJSON_DeleteItemFromObjectCaseSensitive(c, "created_at");
	return c;
}

/* Of a dependency that is not ephemeral, what a render reads: how ref()
 * and source() find it and the relation it names; nothing else of it
 * changes the dependent's job. */
static cJSON *
depcopy(cJSON *j)
{
	static const char *const keys[] = {"name", "package_name", "version", "latest_version",
	    "relation_name", "database", "schema", "alias", "identifier", "source_name",
	    "resource_type", "quoting", NULL};
	cJSON *c = cJSON_CreateObject(), *v;
	size_t i;

	for (i = 0; keys[i]; i++)
		if ((v = cJSON_GetObjectItemCaseSensitive(j, keys[i])))
			cJSON_AddItemToObject(c, keys[i], cJSON_Duplicate(v, 1));
	v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "config"), "materialized");
	if (v)
		cJSON_AddItemToObject(cJSON_AddObjectToObject(c, "config"), "materialized",
		    cJSON_Duplicate(v, 1));
	return c;
}

/* The node and what its render may reach: its dependencies, an
 * ephemeral's own through it. */
static void
reach(struct dbtctx *c, cJSON *j, cJSON *nodes, cJSON *sources, int depth)
{
	cJSON *deps = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "depends_on"), "nodes"), *d;

	if (cJSON_GetObjectItemCaseSensitive(nodes, j->string))
		return;
	cJSON_AddItemToObject(nodes, j->string, nodecopy(j));
	cJSON_ArrayForEach(d, deps) {
		cJSON *n = cJSON_IsString(d) ? dbtnode(c, d->valuestring) : NULL;
		const char *rt;
		if (!n)
			continue;
		rt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n, "resource_type"));
		if (rt && !strcmp(rt, "source")) {
			if (!cJSON_GetObjectItemCaseSensitive(sources, n->string))
				cJSON_AddItemToObject(sources, n->string, depcopy(n));
		} else if (depth < 64) {
			cJSON *cfg = cJSON_GetObjectItemCaseSensitive(n, "config");
			const char *mat = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cfg, "materialized"));
			if (mat && !strcmp(mat, "ephemeral"))
				reach(c, n, nodes, sources, depth + 1);
			else if (!cJSON_GetObjectItemCaseSensitive(nodes, n->string))
				cJSON_AddItemToObject(nodes, n->string, depcopy(n));
		}
	}
}

/* Insert the keyed line "-- key: value" into the sorted lines config. */
static const char *
configput(struct manifest *m, const char *config, const char *key, const char *value)
{
	const char *p = config;
	size_t n = strlen(key);
	struct buf b = {0};
	char *s;

	while (*p && !(strncmp(p + 3, key, n) > 0 || (!strncmp(p + 3, key, n) && p[3 + n] > ':')))
		p = strchr(p, '\n') + 1;
	bufadd(&b, config, (size_t)(p - config));
	bufprintf(&b, "-- %s: %s\n", key, value);
	bufputs(&b, p);
	s = arenaalloc(&m->keep, b.len + 1);
	memcpy(s, b.s, b.len + 1);
	buffree(&b);
	return s;
}

/* What on-run-end's results may hold: every node a run runs, each as
 * the manifest has it in nodes, and in results its unique_id and the
 * name of its job (and so of its result). */
static void
runnables(struct dbtctx *c, const struct manifest *m, cJSON *nodes, cJSON *results)
{
	size_t i;

	for (i = 0; i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		cJSON *j, *r;
		if (n->kind != KRUN)
			continue;
		if (!(j = dbtnode(c, n->uid)))
			fatal("%s: %s: not among the manifest's nodes", m->path, n->uid);
		if (!cJSON_GetObjectItemCaseSensitive(nodes, n->uid))
			cJSON_AddItemToObject(nodes, n->uid, nodecopy(j));
		r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "unique_id", n->uid);
		cJSON_AddStringToObject(r, "file", n->file);
		cJSON_AddItemToArray(results, r);
	}
}

/* A node that needs the database to render: its job carries what the
 * executor renders it from (the node and what it reaches, as JSON, in
 * place of the SQL) and, in its render line, the context it is rendered
 * in (RENDERCTX's digest) and the env vars it read here, hashed. */
static void
renderlate(struct dbtctx *c, struct manifest *m, struct node *n, cJSON *j,
    struct cache *k, const char *envs)
{
	cJSON *doc = cJSON_CreateObject(), *line = cJSON_CreateObject();
	cJSON *nodes = cJSON_AddObjectToObject(doc, "nodes");
	cJSON *sources = cJSON_AddObjectToObject(doc, "sources");
	cJSON *env = cJSON_CreateObject();
	const char *p, *nl;
	char *text, *l;

	reach(c, j, nodes, sources, 0);
	if (n->kind == KOPERATION && n->hook == HOOKEND)
		runnables(c, m, nodes, cJSON_AddArrayToObject(doc, "results"));
	for (p = envs; *p; p = nl + 1) {
		char *name, sum[SHA256_HEX];
		const char *v;
		nl = strchr(p, '\n');
		name = xmemdup(p, (size_t)(nl - p));
		if (!cJSON_GetObjectItemCaseSensitive(env, name)) {
			/* graph: by its digest, the executor's in GRAPHFILE */
			if (!strcmp(name, GRAPHREAD)) {
				cJSON_AddStringToObject(env, name, graphsum(k));
				k->lategraph = 1;
			} else if ((v = getenv(name))) {
				sha256hex(v, strlen(v), sum);
				cJSON_AddStringToObject(env, name, sum);
			} else
				cJSON_AddNullToObject(env, name);
		}
		free(name);
	}
	cJSON_AddStringToObject(line, "context", k->ctx);
	cJSON_AddStringToObject(line, "target", k->tgt);
	cJSON_AddItemToObject(line, "env", env);
	text = cJSON_Print(doc);
	l = cJSON_PrintUnformatted(line);
	n->sql = arenaalloc(&m->keep, strlen(text) + 1);
	strcpy((char *)n->sql, text);
	n->incrsql = NULL;
	n->late = 1;
	n->config = configput(m, compiledline(m, n->config), "render", l);
	free(text);
	free(l);
	cJSON_Delete(doc);
	cJSON_Delete(line);
}

/* What every node rendered when it runs shares, named by its digest:
 * the macros, the project's vars and dispatch, the target. */
static void
bundlewrite(const char *path, cJSON *doc, const struct dbtrun *run, const struct cache *k)
{
	cJSON *b = cJSON_CreateObject(), *meta, *macros, *x;
	char *text;

	cJSON_AddStringToObject(b, "digest", k->ctx);
	cJSON_AddStringToObject(b, "target_digest", k->tgt);
	meta = cJSON_AddObjectToObject(b, "metadata");
	cJSON_AddStringToObject(meta, "adapter_type", run->adapter);
	if (run->dbtversion)
		cJSON_AddStringToObject(meta, "dbt_version", run->dbtversion);
	if (run->project)
		cJSON_AddStringToObject(meta, "project_name", run->project);
	macros = cJSON_AddObjectToObject(b, "macros");
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(doc, "macros")) {
		static const char *const keys[] = {"name", "package_name", "original_file_path",
		    "macro_sql", NULL};
		cJSON *mc = cJSON_CreateObject();
		size_t i;
		for (i = 0; keys[i]; i++) {
			cJSON *v = cJSON_GetObjectItemCaseSensitive(x, keys[i]);
			if (v)
				cJSON_AddItemToObject(mc, keys[i], cJSON_Duplicate(v, 1));
		}
		cJSON_AddItemToObject(macros, x->string, mc);
	}
	cJSON_AddItemToObject(b, "vars", run->vars ? cJSON_Duplicate(run->vars, 1) : cJSON_CreateNull());
	cJSON_AddItemToObject(b, "pkgvars", run->pkgvars ? cJSON_Duplicate(run->pkgvars, 1) : cJSON_CreateNull());
	cJSON_AddItemToObject(b, "dispatch", run->dispatch ? cJSON_Duplicate(run->dispatch, 1) : cJSON_CreateNull());
	cJSON_AddItemToObject(b, "flags", run->flags ? cJSON_Duplicate(run->flags, 1) : cJSON_CreateNull());
	cJSON_AddItemToObject(b, "clivars", run->clivars ? cJSON_Duplicate(run->clivars, 1) : cJSON_CreateNull());
	cJSON_AddItemToObject(b, "target", run->target ? cJSON_Duplicate(run->target, 1) : cJSON_CreateNull());
	text = cJSON_PrintUnformatted(b);
	if (mkdirs(JOBDIR) < 0)
		fatal("%s:", JOBDIR);
	stageput(path, text, strlen(text));
	free(text);
	cJSON_Delete(b);
}

/* GRAPHFILE's path, beside the context's. */
static char *
graphpath(const char *bundle)
{
	const char *sl = strrchr(bundle, '/');

	return xasprintf("%.*s%s", (int)(sl ? sl + 1 - bundle : 0), bundle, GRAPHFILE);
}

/* What graph gives the nodes rendered when they run that read it, beside
 * the context (GRAPHFILE): by its digest, which their render lines name,
 * and as rdocctx() gives it. */
static void
graphwrite(const char *path, struct cache *k)
{
	cJSON *g = cJSON_CreateObject(), *doc = rdocwhole(k->d), *ord, *x;
	char *text;
	size_t i;

	cJSON_AddStringToObject(g, "digest", graphsum(k));
	cJSON_AddBoolToObject(g, "partial", k->d->graph == 2);
	ord = cJSON_AddArrayToObject(g, "ordered");
	for (i = 0; i < sizeof(ords) / sizeof(*ords); i++)
		if (k->d->graph == 2 && (k->d->ordered & ords[i].bit))
			cJSON_AddItemToArray(ord, cJSON_CreateString(ords[i].name));
	for (i = 0; sections[i]; i++)
		if ((x = cJSON_GetObjectItemCaseSensitive(doc, sections[i])))
			cJSON_AddItemToObject(g, sections[i], cJSON_Duplicate(x, 1));
	text = cJSON_PrintUnformatted(g);
	stagefresh(path, text, strlen(text));
	free(text);
	cJSON_Delete(g);
}

/* A node renders: raw code, of a dbt that renders (dbtrenders()). */
static int
renders(struct rdoc *d, struct dbtctx *c, const struct node *n)
{
	const char *v = d->m->dbtversion;

	if (!keyed(d, n->uid))
		return dbtrenders(c, dbtnode(c, n->uid));
	return !(v && !strncmp(v, "0.", 2) && atoi(v + 2) < 20) && n->rawok;
}

void
renderrun(struct dbtrun *run, const struct manifest *m, const struct renderopts *o)
{
	cJSON *target = o->target ? cJSON_Duplicate(o->target, 1) : cJSON_CreateObject();

	if (o->threads) {
		cJSON_DeleteItemFromObjectCaseSensitive(target, "threads");
		cJSON_AddNumberToObject(target, "threads", o->threads);
	}
	memset(run, 0, sizeof(*run));
	run->adapter = m->adapter;
	run->project = m->project ? m->project : o->project;
	run->target = target;
	run->dbtversion = m->dbtversion;
	run->clivars = o->vars;
	projectvars(o->dir ? o->dir : "", &run->vars, &run->pkgvars, &run->dispatch, &run->flags);
}

static size_t
renderwith(struct manifest *m, const struct renderopts *o, struct rdoc *d)
{
	struct jobindex ix;
	struct dbtrun run;
	struct dbtctx *c[2];
	struct cache k;
	cJSON *target;
	size_t i, done = 0, nlate = 0;
	char *gp = NULL;
	int lenient;

	hooksrender(m, o, d);
	for (i = 0; i < m->nnodes && !needs(&m->nodes[i]); i++)
		;
	if (i == m->nnodes) {
		if (o->bundle && access(o->bundle, F_OK) == 0)
			stagedel(o->bundle);
		if (o->bundle && (gp = graphpath(o->bundle)) && access(gp, F_OK) == 0)
			stagedel(gp);
		free(gp);
		return 0;
	}
	/* dbt compiled some: what it left out may stay so */
	for (i = 0; i < m->nnodes && !(m->nodes[i].kind == KRUN && m->nodes[i].sql); i++)
		;
	lenient = i < m->nnodes;
	renderrun(&run, m, o);
	target = run.target;
	c[0] = rdocctx(d, &run);
	run.incremental = 1;
	c[1] = rdocctx(d, &run);
	/* this run's renders: where their templates' text went (delta.h) */
	dbtwantmarks(c[0], o->marks);
	dbtwantmarks(c[1], o->marks);
	cacheload(&k, d->doc, &run);
	if (o->forget) {
		htabfree(&k.old);
		memset(&k.old, 0, sizeof(k.old));
	}
	k.d = d;
	if (o->keep)
		jobindexread(&ix);
	for (i = 0; i < m->nnodes; i++) {
		struct node *n = &m->nodes[i];
		struct buf envs = {0};
		char base[SHA256_HEX], text[SHA256_HEX];
		const char *cfg, *e;
		int late = 0, bytext;
		cJSON *j;
		if (!needs(n))
			continue;
		if (n->kind == KOPERATION) {
			/* an operation that needs the database (hooks.h) */
			if (!(j = dbtnode(c[0], n->uid)))
				fatal("%s: %s: not among the manifest's nodes", m->path, n->uid);
			renderlate(c[0], m, n, j, &k, n->hookenvs ? n->hookenvs : "");
			nlate++;
			continue;
		}
		if (!keyed(d, n->uid) && !dbtnode(c[0], n->uid))
			fatal("%s: %s: not among the manifest's nodes", m->path, n->uid);
		/* no raw code, or a dbt older than this renders: as before, the
		 * node has no SQL and fails when it runs */
		if (!renders(d, c[0], n))
			continue;
		/* keyed by its text and its dependencies' when those are the
		 * last run's, else by their trees but created_at (a dbt parse
		 * from scratch writes each node's anew) */
		inputs(&k, d, c[0], n, TEXTSUM, text);
		done++;
		cfg = compiledline(m, n->config);
		e = htabget(&k.old, n->uid);
		if ((bytext = keymatch(&k, n, text, TEXTSUM)))
			snprintf(base, sizeof(base), "%.*s", SHA256_HEX - 1, e);
		else
			inputs(&k, d, c[0], n, TREESUM, base);
		if (!n->latehooks && (bytext || keymatch(&k, n, base, TREESUM)) &&
		    cached(&k, m, n, o->keep ? &ix : NULL, cfg)) {
			if (bytext)
				bufprintf(&k.idx, "%s %s\n", n->uid, e);
			else
				keepline(&k, n, text);
			/* the one cached() hashed: jobwriteall() need not again */
			n->config = cfg;
			continue;
		}
		if (!(j = dbtnode(c[0], n->uid)))
			fatal("%s: %s: not among the manifest's nodes", m->path, n->uid);
		n->sql = renderone(c[0], m, n, j, lenient, &late);
		marked(c[0], m, n, 0);
		bufputs(&envs, dbtenvs(c[0]));
		if (dbtgraphread(c[0]))
			bufputs(&envs, GRAPHREAD "\n");
		if (n->sql && !strcmp(n->materialized, "incremental")) {
			n->incrsql = renderone(c[1], m, n, j, lenient, &late);
			marked(c[1], m, n, 1);
			bufputs(&envs, dbtenvs(c[1]));
			if (dbtgraphread(c[1]) && !dbtgraphread(c[0]))
				bufputs(&envs, GRAPHREAD "\n");
			if (!n->incrsql)
				n->sql = NULL;
			else if (!strcmp(n->incrsql, n->sql))
				n->incrsql = NULL;
		}
		/* hooks that need the database: the node is rendered when it
		 * runs, compiled or not, as dbt build renders it */
		if (n->latehooks) {
			late = 1;
			bufputs(&envs, n->hookenvs ? n->hookenvs : "");
		}
		if (late) {
			/* rendered by the executor; never from the cache */
			renderlate(c[0], m, n, j, &k, envs.s ? envs.s : "");
			nlate++;
			done--;
			buffree(&envs);
			continue;
		}
		if (!n->sql) {
			done--;
			buffree(&envs);
			continue;
		}
		n->config = compiledline(m, n->config);
		cacheput(&k, n->uid, base, text, envs.s ? envs.s : "");
		buffree(&envs);
	}
	if (o->bundle && nlate)
		bundlewrite(o->bundle, d->doc, &run, &k);
	else if (o->bundle && access(o->bundle, F_OK) == 0)
		stagedel(o->bundle);
	if (o->bundle) {
		gp = graphpath(o->bundle);
		if (k.lategraph)
			graphwrite(gp, &k);
		else if (access(gp, F_OK) == 0)
			stagedel(gp);
		free(gp);
	}
	if (o->late)
		*o->late = nlate;
	if (o->index)
		bufadd(o->index, k.idx.s ? k.idx.s : "", k.idx.len);
	if (o->reused)
		*o->reused = k.reused;
	if (o->keep)
		jobindexfree(&ix);
	buffree(&k.idx);
	buffree(&k.scratch);
	htabfree(&k.old);
	htabfree(&k.sums);
	htabfree(&k.files);
	arenafree(&k.a);
	dbtctxfree(c[0]);
	dbtctxfree(c[1]);
	cJSON_Delete(target);
	cJSON_Delete(run.vars);
	cJSON_Delete(run.pkgvars);
	cJSON_Delete(run.dispatch);
	cJSON_Delete(run.flags);
	return done;
}

size_t
renderall(struct manifest *m, const struct renderopts *o)
{
	struct rdoc d;
	size_t done;

	memset(&d, 0, sizeof(d));
	d.m = m;
	d.graph = o->graph;
	d.ordered = o->ordered;
	done = renderwith(m, o, &d);
	rdocfree(&d);
	manifestdroptext(m);
	return done;
}
