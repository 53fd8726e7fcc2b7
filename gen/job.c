#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hash.h"
#include "htab.h"
#include "job.h"
#include "jobfile.h"
#include "sql.h"
#include "stage.h"
#include "stamp.h"

char *
jobname(const char *uid)
{
	static const char hex[] = "0123456789ABCDEF";
	char h[SHA256_HEX];
	struct buf b = {0};
	const unsigned char *s;
	size_t cut;

	for (s = (const unsigned char *)uid; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' ||
		    ((*s == '-' || *s == '.') && s != (const unsigned char *)uid)) {
			bufputc(&b, *s);
		} else {
			bufputc(&b, '%');
			bufputc(&b, hex[*s >> 4]);
			bufputc(&b, hex[*s & 15]);
		}
	}
	if (b.len == 0)
		bufputs(&b, "%");
	if (b.len <= NAMEMAX)
		return b.s;
	/* "%%" is never an escape: no name that is not cut holds it */
	cut = NAMEMAX - 2 - (SHA256_HEX - 1);
	/* never cut inside a %XX escape */
	if (b.s[cut - 1] == '%')
		cut -= 1;
	else if (b.s[cut - 2] == '%')
		cut -= 2;
	sha256hex(uid, strlen(uid), h);
	b.len = cut;
	bufputs(&b, "%%");
	bufputs(&b, h);
	return b.s;
}

struct kv {
	const char *key;
	char *json;
};

static int
kvcmp(const void *a, const void *b)
{
	return strcmp(((const struct kv *)a)->key, ((const struct kv *)b)->key);
}

static int
empty(const cJSON *v)
{
	return !v || cJSON_IsNull(v) ||
	    ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !v->child);
}

static void
addkv(struct kv **v, size_t *n, const char *key, char *json)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].key = key;
	(*v)[(*n)++].json = json;
}

static void
addjson(struct kv **v, size_t *n, const char *key, const cJSON *val)
{
	char *s;

	if (empty(val))
		return;
	s = cJSON_PrintUnformatted(val);
	if (!s)
		fatal("out of memory");
	addkv(v, n, key, s);
}

static char *
jsonstr(const char *s)
{
	cJSON *j = cJSON_CreateString(s);
	char *r = cJSON_PrintUnformatted(j);

	if (!j || !r)
		fatal("out of memory");
	cJSON_Delete(j);
	return r;
}

/* The config keys an adapter needs to run a node. */
static const char *const configkeys[] = {
	"check_cols", "cluster", "column_types", "dbt_valid_to_current",
	"delimiter", "error_if", "fail_calc", "full_refresh", "grants",
	"hard_deletes", "incremental_predicates", "incremental_strategy",
	"indexes", "invalidate_hard_deletes", "limit",
	"merge_exclude_columns", "merge_update_columns",
	"on_configuration_change", "on_schema_change", "persist_docs",
	"post-hook", "pre-hook", "quote_columns", "refresh_interval",
	"severity", "snapshot_meta_column_names", "sql_header",
	"store_failures", "store_failures_as", "strategy", "unique_key",
	"unlogged", "updated_at", "warn_if",
};
#define NCONFIGKEYS (sizeof(configkeys) / sizeof(*configkeys))

static const char contractkey[] = "contract";

/* configkeys by name, Fusion's spellings of the hooks as theirs, and the
 * contract: one lookup for each of a config's keys. */
static const struct htab *
keyindex(void)
{
	static struct htab t;
	size_t i;

	if (!t.cap) {
		for (i = 0; i < NCONFIGKEYS; i++)
			htabput(&t, configkeys[i], (void *)&configkeys[i]);
		htabput(&t, "pre_hook", htabget(&t, "pre-hook"));
		htabput(&t, "post_hook", htabget(&t, "post-hook"));
		htabput(&t, contractkey, (void *)contractkey);
	}
	return &t;
}

static int
flag(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* Constraints as the adapter renders them: the fields that say something. */
static cJSON *
constraints(const cJSON *list)
{
	static const char *const keep[] = {"type", "name", "expression", "to", "to_columns", "columns"};
	const cJSON *c, *f;
	cJSON *out = cJSON_CreateArray(), *o;
	size_t i;

	cJSON_ArrayForEach(c, list) {
		o = cJSON_CreateObject();
		for (i = 0; i < sizeof(keep) / sizeof(*keep); i++) {
			f = cJSON_GetObjectItemCaseSensitive(c, keep[i]);
			if ((cJSON_IsString(f) && *f->valuestring) ||
			    (cJSON_IsArray(f) && cJSON_GetArraySize(f) > 0))
				cJSON_AddItemToObject(o, keep[i], cJSON_Duplicate(f, 1));
		}
		cJSON_AddItemToArray(out, o);
	}
	return out;
}

/* Column types, quoting and constraints (contracts) and descriptions
 * (persist_docs) by name. With the contract's alias_types (dbt's default)
 * a type is translated as dbt's Column.translate_type does: string is
 * TEXT. */
static void
addcolumns(struct kv **v, size_t *n, const cJSON *j, int types, int docs, int alias)
{
	const cJSON *cols = cJSON_GetObjectItemCaseSensitive(j, "columns");
	const cJSON *c, *dt, *desc, *cons;
	cJSON *out = cJSON_CreateObject(), *o;

	cJSON_ArrayForEach(c, cols) {
		o = cJSON_CreateObject();
		dt = cJSON_GetObjectItemCaseSensitive(c, "data_type");
		desc = cJSON_GetObjectItemCaseSensitive(c, "description");
		cons = cJSON_GetObjectItemCaseSensitive(c, "constraints");
		if (types && cJSON_IsString(dt))
			cJSON_AddStringToObject(o, "data_type", alias &&
			    !strcasecmp(dt->valuestring, "string") ? "TEXT" : dt->valuestring);
		if (types && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "quote")))
			cJSON_AddTrueToObject(o, "quote");
		if (types && cJSON_GetArraySize(cons) > 0)
			cJSON_AddItemToObject(o, "constraints", constraints(cons));
		if (docs && cJSON_IsString(desc) && *desc->valuestring)
			cJSON_AddStringToObject(o, "description", desc->valuestring);
		if (o->child && c->string)
			cJSON_AddItemToObject(out, c->string, o);
		else
			cJSON_Delete(o);
	}
	addjson(v, n, "columns", out);
	cJSON_Delete(out);
}

const char *
jobconfig(struct arena *a, const struct node *n, const cJSON *j,
    const cJSON *config)
{
	const cJSON *c, *pd = NULL, *contract = NULL, *seen[NCONFIGKEYS] = {0};
	const struct htab *ix = keyindex();
	const char *const *k;
	struct kv *kv = NULL;
	struct buf b = {0};
	size_t nkv = 0, i;
	char *out;
	void *p;
	int enforced;

	/* one pass over the config; Fusion spells hooks pre_hook, post_hook */
	cJSON_ArrayForEach(c, config) {
		if (!c->string || !(p = htabget(ix, c->string)))
			continue;
		if (p == contractkey) {
			contract = c;
			continue;
		}
		k = p;
		if (!strcmp(*k, "persist_docs"))
			pd = c;
		if (!seen[k - configkeys])
			seen[k - configkeys] = c;
	}
	for (i = 0; i < NCONFIGKEYS; i++)
		addjson(&kv, &nkv, configkeys[i], seen[i]);
	enforced = flag(contract, "enforced");
	if (enforced)
		addjson(&kv, &nkv, "contract", contract);
	if (enforced || flag(pd, "columns"))
		addcolumns(&kv, &nkv, j, enforced, flag(pd, "columns"),
		    !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(contract, "alias_types")));
	if (enforced && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "constraints")) > 0) {
		cJSON *mc = constraints(cJSON_GetObjectItemCaseSensitive(j, "constraints"));
		addjson(&kv, &nkv, "constraints", mc);
		cJSON_Delete(mc);
	}
	if (flag(pd, "relation"))
		addjson(&kv, &nkv, "description",
		    cJSON_GetObjectItemCaseSensitive(j, "description"));
	if (strcmp(n->language, "sql") != 0)
		addkv(&kv, &nkv, "language", jsonstr(n->language));
	if (n->rtype != RSEED && !n->sql)
		addkv(&kv, &nkv, "compiled", xstrdup("false"));
	if (nkv)
		qsort(kv, nkv, sizeof(*kv), kvcmp);
	bufputs(&b, "");
	for (i = 0; i < nkv; i++) {
		bufputs(&b, "-- ");
		bufputs(&b, kv[i].key);
		bufputs(&b, ": ");
		bufputs(&b, kv[i].json);
		bufputc(&b, '\n');
		free(kv[i].json);
	}
	free(kv);
	out = memcpy(arenaalloc(a, b.len + 1), b.s, b.len + 1);
	buffree(&b);
	return out;
}

char *
slashed(char *s)
{
	char *p;

	for (p = s; (p = strchr(p, '\\')); p++)
		*p = '/';
	return s;
}

/* The root project's name (NULL when unknown) and where dbt deps puts
 * packages. */
static const char *rootproject;
static const char *installpath = "dbt_packages";

void
seedpackages(const char *root, const char *packages)
{
	rootproject = root;
	if (packages && *packages)
		installpath = packages;
}

/* The last component of s[0..n), slashes or backslashes between them,
 * trailing ones ignored; *len its length. */
static const char *
lastpart(const char *s, size_t n, size_t *len)
{
	size_t e = n;

	while (e > 0 && (s[e - 1] == '/' || s[e - 1] == '\\'))
		e--;
	n = e;
	while (n > 0 && s[n - 1] != '/' && s[n - 1] != '\\')
		n--;
	*len = e - n;
	return s + n;
}

/* A seed's package directory under the packages-install-path: its
 * root_path's last component (dbt names the directory, not the package,
 * there), else its package_name. 0 for a seed of the root project, 1 with
 * *dir set (caller frees), -1 with *dir set when the name is no single
 * directory. Without the root project's name, a seed is a package's when
 * its root_path is in a directory named as the packages-install-path. */
static int
pkgdir(const struct node *n, char **dir)
{
	const char *rp = n->rootpath, *b, *ip;
	size_t len, blen, iplen;

	*dir = NULL;
	if (!n->package || !*n->package)
		return 0;
	if (rootproject && !strcmp(n->package, rootproject))
		return 0;
	if (!rootproject) {
		if (!rp)
			return 0;
		b = lastpart(rp, strlen(rp), &blen);
		b = lastpart(rp, (size_t)(b - rp), &len);
		ip = lastpart(installpath, strlen(installpath), &iplen);
		if (len != iplen || strncmp(b, ip, len))
			return 0;
	}
	b = rp ? lastpart(rp, strlen(rp), &len) : NULL;
	if (!b || !len) {
		b = n->package;
		len = strlen(b);
	}
	*dir = xmemdup(b, len);
	if (strcspn(*dir, "/\\") != len || !strcmp(*dir, ".") || !strcmp(*dir, ".."))
		return -1;
	return 1;
}

/* The directory a seed's path is relative to, seen from here ("" or
 * "dir/"), for a seed of a package its directory; NULL when it is none. */
static char *
seedbase(const struct node *n, const char *prefix)
{
	char *dir, *b;
	int k = pkgdir(n, &dir);

	if (k == 0)
		return xstrdup(prefix);
	if (k < 0) {
		free(dir);
		return NULL;
	}
	if (installpath[0] == '/')
		b = xasprintf("%s/%s/", installpath, dir);
	else
		b = xasprintf("%s%s/%s/", prefix, installpath, dir);
	free(dir);
	return slashed(b);
}

char *
seedpath(const struct node *n, const char *prefix)
{
	char *base, *p;

	if (!n->path || !(base = seedbase(n, prefix)))
		return NULL;
	p = slashed(xasprintf("%s%s", base, n->path));
	free(base);
	return p;
}

void
seedcheck(const struct manifest *m, const struct node *n, const char *prefix)
{
	char *rel, *p, *path, *real, *proj, *dir, *base, *where;
	size_t len;
	int out = 0, k;

	if (!n->path)
		return;
	k = pkgdir(n, &dir);
	if (k < 0)
		fatal("%s: %s: package %s's directory \"%s\" is outside %s", m->path, n->uid,
		    n->package, dir, installpath);
	where = k ? xasprintf("package %s's directory %s/%s", n->package, installpath, dir) :
	    xstrdup("the project");
	free(dir);
	rel = slashed(xstrdup(n->path));
	if (rel[0] == '/' || (rel[0] && rel[1] == ':'))
		out = 1;
	for (p = rel; !out && *p; p += strcspn(p, "/") + (p[strcspn(p, "/")] == '/'))
		if (!strncmp(p, "..", 2) && (p[2] == '/' || !p[2]))
			out = 1;
	free(rel);
	if (out)
		fatal("%s: %s: original_file_path \"%s\" is outside %s", m->path,
		    n->uid, n->path, where);
	path = seedpath(n, prefix);
	real = realpath(path, NULL);
	free(path);
	if (!real) {
		free(where);
		return;	/* not there: nothing is read (seed_sha256 is null) */
	}
	base = seedbase(n, prefix);
	dir = *base ? xstrdup(base) : xstrdup(".");
	free(base);
	proj = realpath(dir, NULL);
	if (!proj)
		fatal("%s:", dir);
	free(dir);
	len = strlen(proj);
	out = strncmp(real, proj, len) || (real[len] != '/' && strcmp(proj, "/"));
	free(proj);
	if (out) {
		warn("%s: %s: original_file_path \"%s\" is outside %s: it is %s",
		    m->path, n->uid, n->path, where, real);
		free(real);
		exit(1);
	}
	free(where);
	free(real);
}

/* A seed's two lines, which need the project directory. */
static char *
seedlines(const struct node *n, const struct jobopts *o)
{
	struct buf csv = {0}, b = {0};
	char h[SHA256_HEX], *path = seedpath(n, o->seedprefix), *js;

	if (!path)
		return xstrdup("");
	js = jsonstr(path);
	bufprintf(&b, "-- seed_path: %s\n", js);
	free(js);
	if (readfile(path, &csv) == 0) {
		sha256hex(csv.s, csv.len, h);
		bufprintf(&b, "-- seed_sha256: \"%s\"\n", h);
	} else {
		bufputs(&b, "-- seed_sha256: null\n");
	}
	buffree(&csv);
	free(path);
	return b.s;
}

void
jobcheck(const struct manifest *m, const struct node *n)
{
	const char *v[4];
	size_t i;

	v[0] = n->uid;
	v[1] = n->type;
	v[2] = n->materialized;
	v[3] = n->relation;
	for (i = 0; i < 4; i++)
		if (strpbrk(v[i], "\r\n"))
			fatal("%s: %s: line break in \"%s\"", m->path, n->uid, v[i]);
}

static void
headerline(struct buf *b, const char *key, const char *val)
{
	bufputs(b, "-- ");
	bufputs(b, key);
	bufputs(b, ": ");
	bufputs(b, val);
	bufputc(b, '\n');
}

void
jobrender(const struct manifest *m, const struct node *n,
    const struct jobopts *o, struct buf *b)
{
	const char *c = n->config, *nl;
	char *seed;

	b->len = 0;
	bufputs(b, "-- dbt2ninja job 1\n");
	headerline(b, "unique_id", n->uid);
	headerline(b, "resource_type", n->type);
	headerline(b, "materialized", n->materialized);
	headerline(b, "relation", n->relation);
	headerline(b, "adapter", m->adapter);
	if (n->rtype == RSEED) {
		/* merge the seed's lines into the sorted ones */
		seed = seedlines(n, o);
		while (*c && strncmp(c, "-- seed_path:", 13) < 0) {
			nl = strchr(c, '\n') + 1;
			bufadd(b, c, (size_t)(nl - c));
			c = nl;
		}
		bufputs(b, seed);
		free(seed);
	}
	bufputs(b, c);
	bufputs(b, "--\n");
	jobforms(b, n->sql, n->incrsql);
}

void
jobforms(struct buf *b, const char *sql, const char *incrsql)
{
	if (sql) {
		bufputs(b, sql);
		if (b->s[b->len - 1] != '\n')
			bufputc(b, '\n');
	}
	if (incrsql) {
		bufputs(b, INCRMARK);
		bufputs(b, incrsql);
		if (b->s[b->len - 1] != '\n')
			bufputc(b, '\n');
	}
}

/* The length of the header, through its closing "--\n" line. */
static size_t
headerlen(const char *s, size_t n)
{
	const char *p = s;

	while ((size_t)(p - s) + 3 <= n) {
		if (p[0] == '-' && p[1] == '-' && p[2] == '\n')
			return (size_t)(p - s) + 3;
		p = memchr(p, '\n', n - (size_t)(p - s));
		if (!p)
			break;
		p++;
	}
	return n + 1;
}

int
jobsame(const char *old, size_t oldlen, const char *new, size_t newlen)
{
	size_t h = headerlen(new, newlen);

	if (h > newlen || h > oldlen || memcmp(old, new, h) != 0)
		return 0;
	if (oldlen == newlen && memcmp(old, new, oldlen) == 0)
		return 1;
	return sqlsame(old + h, oldlen - h, new + h, newlen - h);
}

/* The job index, target/ninja/jobs.idx: one line per job file,
 *
 *	<sha256 of the job as last rendered> [<sha256 of its header>] <file name>
 *
 * sorted by name. A job whose rendering hashes as the index says, and
 * whose file is there, is unchanged without being read: the everyday
 * regeneration reads one file, not one per node. The header's hash is
 * there when the file is that job byte for byte (written so, or found so):
 * a node the render cache vouches for (render.h's keep) whose header
 * hashes the same is then left without its file being read at all. Job
 * files are the generator's own; an edit by hand is not seen until the
 * node changes.
 *
 * Every file is staged (stage.h): a changed job is written beside the old
 * one and renamed over it only once every file of the run is written, and
 * stale ones are removed then; should any write fail, every file is as it
 * was. A new job is created in place, which is half the directory updates
 * when thousands are created, and removed on failure: should the generator
 * be killed while writing one, the index, renamed after the jobs, does not
 * vouch for it, so the next run reads it and rewrites it; and build.ninja,
 * renamed last, is older than the manifest, so ninja regenerates before it
 * runs anything. */
void
jobindexread(struct jobindex *ix)
{
	char *p, *nl, *sp;
	struct jobline *l;

	memset(ix, 0, sizeof(*ix));
	if (readfile(JOBINDEX, &ix->text) < 0)
		return;
	for (p = ix->text.s; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		if (nl - p <= SHA256_HEX || p[SHA256_HEX - 1] != ' ')
			continue;
		p[SHA256_HEX - 1] = '\0';
		l = xcalloc(1, sizeof(*l));
		l->sum = p;
		p += SHA256_HEX;
		/* names hold no space */
		if ((sp = strchr(p, ' ')) && sp - p == SHA256_HEX - 1) {
			*sp = '\0';
			l->head = p;
			p = sp + 1;
		}
		free(htabput(&ix->lines, p, l));
	}
}

void
jobindexfree(struct jobindex *ix)
{
	size_t i;

	for (i = 0; i < ix->lines.cap; i++)
		if (ix->lines.keys[i])
			free(ix->lines.vals[i]);
	htabfree(&ix->lines);
	buffree(&ix->text);
}

void
jobhead(const struct manifest *m, const struct node *n, const struct jobopts *o,
    char out[SHA256_HEX])
{
	struct node h = *n;
	struct buf b = {0};

	h.sql = h.incrsql = NULL;
	jobrender(m, &h, o, &b);
	jobheadhash(b.s, b.len, out);
	buffree(&b);
}

int
jobtakesql(struct manifest *m, struct node *n, const char *path)
{
	struct buf job = {0};
	char *sql, *incr;
	size_t len;

	if (readfile(path, &job) < 0 || !(sql = strstr(job.s, "\n--\n"))) {
		buffree(&job);
		return -1;
	}
	sql += 4;
	if ((incr = strstr(sql, INCRMARK)) && (incr == sql || incr[-1] == '\n')) {
		*incr = '\0';
		incr += strlen(INCRMARK);
	} else
		incr = NULL;
	len = strlen(sql);
	n->sql = memcpy(arenaalloc(&m->keep, len + 1), sql, len + 1);
	n->incrsql = NULL;
	if (incr) {
		len = strlen(incr);
		n->incrsql = memcpy(arenaalloc(&m->keep, len + 1), incr, len + 1);
	}
	buffree(&job);
	return 0;
}

/* The names in the job directory; keys are allocated, values unused. */
static void
listjobs(struct htab *have)
{
	DIR *d = opendir(JOBDIR);
	struct dirent *e;
	char *name;

	if (!d)
		fatal("%s:", JOBDIR);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		name = xstrdup(e->d_name);
		htabput(have, name, name);
	}
	closedir(d);
}

static void
removestale(const struct htab *have, const struct htab *want,
    struct jobstats *st)
{
	char *path;
	size_t i;

	for (i = 0; i < have->cap; i++) {
		if (!have->keys[i] || htabget(want, have->keys[i]))
			continue;
		path = xasprintf("%s/%s", JOBDIR, have->keys[i]);
		stagedel(path);
		free(path);
		st->removed++;
	}
}

/* One line of the new index: head when the file is this job, byte for byte. */
static void
indexline(struct buf *b, const char *sum, const char *head, const char *name)
{
	bufputs(b, sum);
	bufputc(b, ' ');
	if (head) {
		bufputs(b, head);
		bufputc(b, ' ');
	}
	bufputs(b, name);
	bufputc(b, '\n');
}

/* A node left unread by the render (n->kept) whose file is as the index
 * said then: unchanged, if its header is still what it was (it is, when
 * its keyed lines are). Otherwise its SQL is taken from its file, as the
 * render cache would have taken it. */
static int
keptsame(struct manifest *m, struct node *n, const struct jobopts *o,
    const struct htab *have, const char *name, const char *path, struct buf *newidx)
{
	char hh[SHA256_HEX];

	n->kept = 0;
	if (n->config == n->keptcfg)
		memcpy(hh, n->headhash, SHA256_HEX);
	else
		jobhead(m, n, o, hh);
	if (!strcmp(n->headhash, hh) && htabget(have, name)) {
		indexline(newidx, n->keptjob, hh, name);
		return 1;
	}
	if (jobtakesql(m, n, path) < 0)
		fatal("%s: cannot read the job's SQL", path);
	return 0;
}

void
jobwriteall(struct manifest *m, const struct jobopts *o, struct jobstats *st)
{
	struct buf job = {0}, old = {0}, newidx = {0};
	struct htab want = {0}, have = {0};
	struct jobindex ix;
	char **names = xcalloc(m->nnodes, sizeof(*names));
	char h[SHA256_HEX], hh[SHA256_HEX];
	const struct jobline *was;
	size_t i, nnames = 0;
	char *path;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN || m->nodes[i].kind == KOPERATION)
			jobcheck(m, &m->nodes[i]);
	if (mkdirs(JOBDIR) < 0)
		fatal("%s:", JOBDIR);
	listjobs(&have);
	jobindexread(&ix);
	for (i = 0; i < m->nnodes; i++) {
		struct node *n = &m->nodes[i];
		if (n->kind != KRUN && n->kind != KOPERATION)
			continue;
		names[nnames] = xasprintf("%s.sql", n->file);
		htabput(&want, names[nnames], names[nnames]);
		path = xasprintf("%s/%s", JOBDIR, names[nnames++]);
		if (n->kept && keptsame(m, n, o, &have, names[nnames - 1], path, &newidx)) {
			st->unchanged++;
			free(path);
			continue;
		}
		jobrender(m, n, o, &job);
		if (n->rtype != RSEED && (!n->sql || strcmp(n->language, "sql")))
			st->nosql++;
		if (n->rtype == RSEED && strstr(job.s, "-- seed_sha256: null\n"))
			st->noseed++;
		sha256hex(job.s, job.len, h);
		jobheadhash(job.s, job.len, hh);
		free(n->headhash);
		n->headhash = xstrdup(hh);
		was = htabget(&ix.lines, names[nnames - 1]);
		if (was && !strcmp(was->sum, h) && htabget(&have, names[nnames - 1]) &&
		    (was->head || (readfile(path, &old) == 0 && old.len == job.len &&
		    !memcmp(old.s, job.s, job.len)))) {
			/* the file is this job: the index says so, or it was read */
			st->unchanged++;
			indexline(&newidx, h, hh, names[nnames - 1]);
		} else if (was && !strcmp(was->sum, h) && htabget(&have, names[nnames - 1])) {
			/* read above: it runs the same but is not this job */
			st->unchanged++;
			indexline(&newidx, h, NULL, names[nnames - 1]);
		} else if (htabget(&have, names[nnames - 1]) &&
		    readfile(path, &old) == 0 && jobsame(old.s, old.len, job.s, job.len)) {
			st->unchanged++;
			indexline(&newidx, h, old.len == job.len && !memcmp(old.s, job.s, job.len) ?
			    hh : NULL, names[nnames - 1]);
		} else {
			stageput(path, job.s, job.len);
			n->jobhash = xstrdup(h);
			st->written++;
			indexline(&newidx, h, hh, names[nnames - 1]);
		}
		free(path);
	}
	removestale(&have, &want, st);
	stageput(JOBINDEX, newidx.s ? newidx.s : "", newidx.len);
	for (i = 0; i < have.cap; i++)
		free((char *)have.keys[i]);
	htabfree(&have);
	htabfree(&want);
	jobindexfree(&ix);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	buffree(&job);
	buffree(&old);
	buffree(&newidx);
}
