/* dbtparse.c: a dbt project read as dbt parse reads it (see dbtparse.h). */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "blocks.h"
#include "dbtctx.h"
#include "dbtparse.h"
#include "jvalue.h"
#include "hash.h"
#include "htab.h"
#include "nodecfg.h"
#include "parsectx.h"
#include "testname.h"
#include "util.h"
#include "yamljson.h"

struct reader {
	const struct parseopts *o;
	const char *name;	/* the project's */
	cJSON *proj;		/* dbt_project.yml */
	cJSON *doc, *nodes, *sources, *macros;
	struct buf read;
	struct htab seen;	/* what read lists */
	struct pctx *pc;
	struct dbtrun run;
	int quote[3];		/* the project's quoting of database, schema, identifier */
	cJSON *patches;		/* "model NAME" / "seed NAME" -> {file, entry} */
	cJSON *srcs;		/* [{file, source, table}] */
	cJSON *pending;		/* nodes whose refs are yet to resolve */
	/* nodes and patches by key: cJSON's lookup is a scan */
	struct htab nodeix, patchix;
	struct arena ixkeys;
};

/* r->nodes' member uid, or NULL. */
static cJSON *
nodeget(struct reader *r, const char *uid)
{
	return htabget(&r->nodeix, uid);
}

/* n is r->nodes' member uid now; the first of a uid stays, as cJSON's
 * lookup finds it. */
static void
nodeput(struct reader *r, const char *uid, cJSON *n)
{
	size_t len = strlen(uid) + 1;

	if (!htabget(&r->nodeix, uid))
		htabput(&r->nodeix, memcpy(arenaalloc(&r->ixkeys, len), uid, len), n);
}

static const char *
jstr(const cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *
path(struct reader *r, const char *rel)
{
	return xasprintf("%s%s", r->o->dir, rel);
}

static void
saw(struct reader *r, const char *rel)
{
	char *p = path(r, rel);

	if (htabget(&r->seen, p)) {
		free(p);
		return;
	}
	bufprintf(&r->read, "%s\n", *p ? p : ".");
	htabput(&r->seen, p, p);
}

/* Python's str.strip() of ASCII whitespace, newlines made \n first, as
 * dbt reads a file. */
static char *
contents(struct reader *r, const char *rel, int strip)
{
	struct buf b = {0};
	char *p = path(r, rel), *s;
	size_t i, k = 0, start = 0, end;

	if (readfile(p, &b) < 0)
		fatal("%s:", p);
	free(p);
	saw(r, rel);
	s = xmalloc(b.len + 1);
	for (i = 0; i < b.len; i++) {
		if (b.s[i] == '\r') {
			s[k++] = '\n';
			if (i + 1 < b.len && b.s[i + 1] == '\n')
				i++;
		} else
			s[k++] = b.s[i];
	}
	s[k] = '\0';
	buffree(&b);
	if (!strip)
		return s;
	end = k;
	while (start < end && strchr(" \t\n\v\f\x1c\x1d\x1e\x1f", s[start]))
		start++;
	while (end > start && strchr(" \t\n\v\f\x1c\x1d\x1e\x1f", s[end - 1]))
		end--;
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return s;
}

static cJSON *
yaml(struct reader *r, const char *rel)
{
	char *p = path(r, rel), *err;
	cJSON *j = yamlload(p, &err);

	if (err)
		fatal("%s", err);
	if (!j)
		fatal("%s:", p);
	free(p);
	saw(r, rel);
	return j;
}

/* The strings of a list (or one string) at key of dbt_project.yml. */
static cJSON *
paths(struct reader *r, const char *key, const char *dflt)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(r->proj, key), *l = cJSON_CreateArray(), *x;

	if (!v) {
		cJSON_AddItemToArray(l, cJSON_CreateString(dflt));
		return l;
	}
	if (cJSON_IsString(v))
		v = NULL, cJSON_AddItemToArray(l, cJSON_CreateString(
		    cJSON_GetObjectItemCaseSensitive(r->proj, key)->valuestring));
	cJSON_ArrayForEach(x, v) {
		if (!cJSON_IsString(x))
			fatal("%sdbt_project.yml: %s: not a list of paths", r->o->dir, key);
		cJSON_AddItemToArray(l, cJSON_CreateString(x->valuestring));
	}
	if (v && !cJSON_IsArray(v))
		fatal("%sdbt_project.yml: %s: not a list of paths", r->o->dir, key);
	return l;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
hassuffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n >= k && !strcmp(s + n - k, suf);
}

/* Each file under the directory rel (its entries sorted), depth first:
 * fn(r, rel path, path below top, arg). */
static void
walk(struct reader *r, const char *rel, const char *below,
    void (*fn)(struct reader *, const char *, const char *, void *), void *arg)
{
	char *p = path(r, rel), **names = NULL;
	size_t n = 0, i;
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(p);

	if (!d) {
		free(p);
		return;
	}
	saw(r, rel);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), namecmp);
	for (i = 0; i < n; i++) {
		char *sub = xasprintf("%s/%s", rel, names[i]);
		char *sb = *below ? xasprintf("%s/%s", below, names[i]) : xstrdup(names[i]);
		char *sp = path(r, sub);
		if (stat(sp, &st) == 0 && S_ISDIR(st.st_mode))
			walk(r, sub, sb, fn, arg);
		else
			fn(r, sub, sb, arg);
		free(sp);
		free(sub);
		free(sb);
		free(names[i]);
	}
	free(names);
	free(p);
}

/* ---- dbt_project.yml ---- */

static void
projectcheck(struct reader *r)
{
	static const char *const ok[] = {"name", "version", "config-version", "profile",
	    "model-paths", "seed-paths", "test-paths", "macro-paths", "snapshot-paths",
	    "analysis-paths", "docs-paths", "asset-paths", "target-path", "clean-targets",
	    "packages-install-path", "log-path", "vars", "models", "seeds", "tests",
	    "data_tests", "quoting", "dispatch", "require-dbt-version", "flags", NULL};
	static const char *const empty[] = {"on-run-start", "on-run-end", "snapshots",
	    "sources", "analyses", "exposures", "metrics", "semantic-models", "saved-queries",
	    "unit_tests", "query-comment", "functions", NULL};
	const cJSON *x, *q;
	size_t i;

	if (!cJSON_IsObject(r->proj))
		fatal("%sdbt_project.yml: not a mapping", r->o->dir);
	cJSON_ArrayForEach(x, r->proj) {
		for (i = 0; ok[i] && strcmp(ok[i], x->string); i++)
			;
		if (ok[i])
			continue;
		for (i = 0; empty[i] && strcmp(empty[i], x->string); i++)
			;
		if (empty[i] && (cJSON_IsNull(x) || cJSON_GetArraySize(x) == 0))
			continue;
		fatal("%sdbt_project.yml: %s: not read here yet (a manifest from dbt parse "
		    "works instead)", r->o->dir, x->string);
	}
	if (!(r->name = jstr(r->proj, "name")))
		fatal("%sdbt_project.yml: no name", r->o->dir);
	if (cJSON_GetObjectItemCaseSensitive(r->proj, "tests") &&
	    cJSON_GetObjectItemCaseSensitive(r->proj, "data_tests"))
		fatal("%sdbt_project.yml: both tests and data_tests", r->o->dir);
	r->quote[0] = r->quote[1] = r->quote[2] = 1;
	q = cJSON_GetObjectItemCaseSensitive(r->proj, "quoting");
	cJSON_ArrayForEach(x, q) {
		static const char *const k[] = {"database", "schema", "identifier"};
		for (i = 0; i < 3 && strcmp(k[i], x->string); i++)
			;
		if (i == 3 || !cJSON_IsBool(x))
			fatal("%sdbt_project.yml: quoting.%s: not read here (a manifest from dbt "
			    "parse works instead)", r->o->dir, x->string);
		r->quote[i] = cJSON_IsTrue(x);
	}
}

/* Packages are not read yet: a project that has them stops here. */
static void
nopackages(struct reader *r)
{
	const char *pp = jstr(r->proj, "packages-install-path");
	char *p = pp && *pp == '/' ? xstrdup(pp) : path(r, pp ? pp : "dbt_packages");
	DIR *d = opendir(p);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			fatal("%s/%s: packages are not read here yet (a manifest from dbt parse "
			    "works instead)", p, e->d_name);
	if (d)
		closedir(d);
	free(p);
}

/* ---- macros ---- */

struct macroarg {
	struct reader *r;
	const char *pkg, *path;
};

static void
onblock(void *arg, const char *name, const char *sql, size_t len)
{
	struct macroarg *ma = arg;
	char *uid = xasprintf("macro.%s.%s", ma->pkg, name);
	cJSON *m, *d;

	if (cJSON_GetObjectItemCaseSensitive(ma->r->macros, uid))
		fatal("%s: a second macro %s", ma->path, name);
	m = cJSON_AddObjectToObject(ma->r->macros, uid);
	cJSON_AddStringToObject(m, "name", name);
	cJSON_AddStringToObject(m, "resource_type", "macro");
	cJSON_AddStringToObject(m, "package_name", ma->pkg);
	cJSON_AddStringToObject(m, "path", ma->path);
	cJSON_AddStringToObject(m, "original_file_path", ma->path);
	cJSON_AddStringToObject(m, "unique_id", uid);
	{
		char *s = xmemdup(sql, len);
		cJSON_AddStringToObject(m, "macro_sql", s);
		free(s);
	}
	d = cJSON_AddObjectToObject(m, "depends_on");
	cJSON_AddArrayToObject(d, "macros");
	free(uid);
}

static void
macrofile(struct reader *r, const char *rel, const char *below, void *arg)
{
	struct macroarg ma = {r, r->name, rel};
	char *text, *err;

	(void)below;
	if (arg != NULL && strncmp(below, "generic/", 8)) {
		if (hassuffix(rel, ".sql"))
			fatal("%s%s: a singular test, which is not read here yet (a manifest from "
			    "dbt parse works instead)", r->o->dir, rel);
		return;
	}
	if (!hassuffix(rel, ".sql"))
		return;
	text = contents(r, rel, 0);
	if (macroblocks(rel, text, strlen(text), onblock, &ma, &err) < 0)
		fatal("%s%s", r->o->dir, err);
	free(text);
}

static void
builtinmacros(struct reader *r)
{
	size_t i;
	char *err;

	for (i = 0; builtins[i].path; i++) {
		struct macroarg ma = {r, "dbt", builtins[i].path};
		if (macroblocks(builtins[i].path, builtins[i].text, strlen(builtins[i].text),
		    onblock, &ma, &err) < 0)
			fatal("%s", err);
	}
}

/* ---- properties files ---- */

static void
nojinja(struct reader *r, const char *file, const char *where, const cJSON *v)
{
	const cJSON *x;

	if (cJSON_IsString(v) && (strstr(v->valuestring, "{{") || strstr(v->valuestring, "{%")))
		fatal("%s%s: %s: Jinja here is not read yet (a manifest from dbt parse works "
		    "instead)", r->o->dir, file, where);
	cJSON_ArrayForEach(x, (cJSON_IsString(v) ? (const cJSON *)NULL : v))
		nojinja(r, file, where, x);
}

static void
onlykeys(struct reader *r, const char *file, const char *where, const cJSON *o,
    const char *const *ok)
{
	const cJSON *x;
	size_t i;

	if (!cJSON_IsObject(o))
		fatal("%s%s: %s: not a mapping", r->o->dir, file, where);
	cJSON_ArrayForEach(x, o) {
		for (i = 0; ok[i] && strcmp(ok[i], x->string); i++)
			;
		if (!ok[i])
			fatal("%s%s: %s: %s is not read here yet (a manifest from dbt parse works "
			    "instead)", r->o->dir, file, where, x->string);
	}
}

static void
entrycheck(struct reader *r, const char *file, const char *kind, const cJSON *e)
{
	static const char *const node[] = {"name", "description", "config", "columns",
	    "data_tests", "tests", NULL};
	static const char *const col[] = {"name", "description", "data_type", "data_tests",
	    "tests", NULL};
	char *where = xasprintf("%s %s", kind, jstr(e, "name") ? jstr(e, "name") : "?");
	const cJSON *c;

	onlykeys(r, file, where, e, node);
	if (!jstr(e, "name"))
		fatal("%s%s: a %s without a name", r->o->dir, file, kind);
	nojinja(r, file, where, cJSON_GetObjectItemCaseSensitive(e, "description"));
	nojinja(r, file, where, cJSON_GetObjectItemCaseSensitive(e, "config"));
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(e, "columns")) {
		onlykeys(r, file, where, c, col);
		if (!jstr(c, "name"))
			fatal("%s%s: %s: a column without a name", r->o->dir, file, where);
		nojinja(r, file, where, cJSON_GetObjectItemCaseSensitive(c, "description"));
	}
	free(where);
}

static void
addpatch(struct reader *r, const char *file, const char *kind, cJSON *e)
{
	char *key = xasprintf("%s %s", kind, jstr(e, "name"));
	cJSON *p;

	entrycheck(r, file, kind, e);
	if (htabget(&r->patchix, key))
		fatal("%s%s: %s %s is described a second time", r->o->dir, file, kind,
		    jstr(e, "name"));
	p = cJSON_AddObjectToObject(r->patches, key);
	htabput(&r->patchix, p->string, p);
	cJSON_AddStringToObject(p, "file", file);
	cJSON_AddItemToObject(p, "entry", cJSON_Duplicate(e, 1));
	free(key);
}

static void
addsource(struct reader *r, const char *file, cJSON *s)
{
	static const char *const src[] = {"name", "description", "schema", "database",
	    "tables", NULL};
	static const char *const tab[] = {"name", "description", "identifier", "columns",
	    "data_tests", "tests", NULL};
	cJSON *t;

	onlykeys(r, file, "a source", s, src);
	if (!jstr(s, "name"))
		fatal("%s%s: a source without a name", r->o->dir, file);
	nojinja(r, file, jstr(s, "name"), s);
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(s, "tables")) {
		cJSON *e = cJSON_CreateObject();
		onlykeys(r, file, jstr(s, "name"), t, tab);
		if (!jstr(t, "name"))
			fatal("%s%s: source %s: a table without a name", r->o->dir, file,
			    jstr(s, "name"));
		cJSON_AddStringToObject(e, "file", file);
		cJSON_AddItemToObject(e, "source", cJSON_Duplicate(s, 0));
		{
			cJSON *sc = cJSON_GetObjectItemCaseSensitive(e, "source"), *x;
			cJSON_ArrayForEach(x, s)
				if (strcmp(x->string, "tables"))
					cJSON_AddItemToObject(sc, x->string, cJSON_Duplicate(x, 1));
		}
		cJSON_AddItemToObject(e, "table", cJSON_Duplicate(t, 1));
		cJSON_AddItemToArray(r->srcs, e);
	}
}

static void
propfile(struct reader *r, const char *rel, const char *below, void *arg)
{
	cJSON *y, *x, *e;

	(void)below;
	(void)arg;
	if (!hassuffix(rel, ".yml") && !hassuffix(rel, ".yaml"))
		return;
	y = yaml(r, rel);
	if (cJSON_IsNull(y)) {
		cJSON_Delete(y);
		return;
	}
	if (!cJSON_IsObject(y))
		fatal("%s%s: not a mapping", r->o->dir, rel);
	cJSON_ArrayForEach(x, y) {
		if (!strcmp(x->string, "version"))
			continue;
		if (strcmp(x->string, "models") && strcmp(x->string, "seeds") &&
		    strcmp(x->string, "sources"))
			fatal("%s%s: %s: not read here yet (a manifest from dbt parse works "
			    "instead)", r->o->dir, rel, x->string);
		if (!cJSON_IsArray(x) && !cJSON_IsNull(x))
			fatal("%s%s: %s: not a list", r->o->dir, rel, x->string);
		cJSON_ArrayForEach(e, x) {
			if (!strcmp(x->string, "sources"))
				addsource(r, rel, e);
			else
				addpatch(r, rel, !strcmp(x->string, "models") ? "model" : "seed", e);
		}
	}
	cJSON_Delete(y);
}

/* ---- nodes ---- */

/* A column as dbt's manifest holds it. */
static cJSON *
column(const cJSON *c)
{
	cJSON *o = cJSON_CreateObject(), *cf;
	const char *d = jstr(c, "description"), *t = jstr(c, "data_type");

	cJSON_AddStringToObject(o, "name", jstr(c, "name"));
	cJSON_AddStringToObject(o, "description", d ? d : "");
	cJSON_AddObjectToObject(o, "meta");
	if (t)
		cJSON_AddStringToObject(o, "data_type", t);
	else
		cJSON_AddNullToObject(o, "data_type");
	cJSON_AddArrayToObject(o, "constraints");
	cJSON_AddNullToObject(o, "quote");
	cf = cJSON_AddObjectToObject(o, "config");
	cJSON_AddObjectToObject(cf, "meta");
	cJSON_AddArrayToObject(cf, "tags");
	cJSON_AddArrayToObject(o, "tags");
	cJSON_AddNullToObject(o, "granularity");
	cJSON_AddArrayToObject(o, "doc_blocks");
	return o;
}

static cJSON *
columns(const cJSON *entry)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(entry, "columns"))
		cJSON_AddItemToObject(o, jstr(c, "name"), column(c));
	return o;
}

/* fqn: the project, the directories of below, the name. */
static cJSON *
fqnof(const char *proj, const char *below, const char *name)
{
	cJSON *f = cJSON_CreateArray();
	const char *p = below, *s;

	cJSON_AddItemToArray(f, cJSON_CreateString(proj));
	while ((s = strchr(p, '/'))) {
		char *d = xmemdup(p, (size_t)(s - p));
		cJSON_AddItemToArray(f, cJSON_CreateString(d));
		free(d);
		p = s + 1;
	}
	cJSON_AddItemToArray(f, cJSON_CreateString(name));
	return f;
}

struct layer {
	struct reader *r;
	cJSON *cfg, *unrendered;
	enum ckind kind;
};

static void
onlevel(void *arg, const char *where, cJSON *level)
{
	struct layer *l = arg;
	const cJSON *x;

	cJSON_ArrayForEach(x, level)
		if (!cfgknown(l->kind, x->string))
			fatal("%sdbt_project.yml: %s: %s is not a config read here (a manifest "
			    "from dbt parse works instead)", l->r->o->dir, where, x->string);
	nojinja(l->r, "dbt_project.yml", where, level);
	cfgupdate(l->cfg, level);
	cJSON_ArrayForEach(x, level) {
		cJSON_DeleteItemFromObjectCaseSensitive(l->unrendered, x->string);
		cJSON_AddItemToObject(l->unrendered, x->string, cJSON_Duplicate(x, 1));
	}
}

static void
checkkeys(struct reader *r, const char *file, const char *uid, enum ckind k, const cJSON *o)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, o)
		if (!cfgknown(k, x->string))
			fatal("%s%s: %s: config %s is not read here (a manifest from dbt parse "
			    "works instead)", r->o->dir, file, uid, x->string);
}

/* The config of a node: project tree, patch, calls. */
static void
resolve(struct reader *r, cJSON *n, enum ckind k, const char *tree, cJSON *patch,
    cJSON *calls, const char *file)
{
	struct layer l = {r, cfgdefaults(k), cJSON_CreateObject(), k};
	cJSON *fqn = cJSON_GetObjectItemCaseSensitive(n, "fqn"), *x, *t;
	char **parts = xcalloc((size_t)cJSON_GetArraySize(fqn) + 1, sizeof(*parts));
	size_t np = 0;
	const char *uid = jstr(n, "unique_id");
	char *err;
	const cJSON *mat, *en;

	cJSON_ArrayForEach(x, fqn)
		parts[np++] = x->valuestring;
	t = cJSON_GetObjectItemCaseSensitive(r->proj, tree);
	if (!t && k == CTEST)
		t = cJSON_GetObjectItemCaseSensitive(r->proj, tree = "tests");
	if (t)
		cfglevels(t, tree, parts, np, onlevel, &l);
	free(parts);
	if (patch) {
		checkkeys(r, file, uid, k, patch);
		cfgupdate(l.cfg, patch);
		cJSON_ArrayForEach(x, patch) {
			cJSON_DeleteItemFromObjectCaseSensitive(l.unrendered, x->string);
			cJSON_AddItemToObject(l.unrendered, x->string, cJSON_Duplicate(x, 1));
		}
	}
	if (calls) {
		checkkeys(r, jstr(n, "original_file_path"), uid, k, calls);
		cfgupdate(l.cfg, calls);
		cJSON_ArrayForEach(x, calls) {
			cJSON_DeleteItemFromObjectCaseSensitive(l.unrendered, x->string);
			cJSON_AddItemToObject(l.unrendered, x->string, cJSON_Duplicate(x, 1));
		}
	}
	if (cfgfinish(l.cfg, &err) < 0)
		fatal("%s%s: %s: %s", r->o->dir, jstr(n, "original_file_path"), uid, err);
	en = cJSON_GetObjectItemCaseSensitive(l.cfg, "enabled");
	if (!cJSON_IsTrue(en))
		fatal("%s%s: %s: enabled is not true: disabled nodes are not read here yet (a "
		    "manifest from dbt parse works instead)", r->o->dir, jstr(n, "original_file_path"), uid);
	mat = cJSON_GetObjectItemCaseSensitive(l.cfg, "materialized");
	if (k == CMODEL && (!cJSON_IsString(mat) || (strcmp(mat->valuestring, "view") &&
	    strcmp(mat->valuestring, "table") && strcmp(mat->valuestring, "incremental") &&
	    strcmp(mat->valuestring, "ephemeral") && strcmp(mat->valuestring, "materialized_view"))))
		fatal("%s%s: %s: materialized %s: a custom materialization (a manifest from dbt "
		    "parse works instead)", r->o->dir, jstr(n, "original_file_path"), uid,
		    cJSON_IsString(mat) ? mat->valuestring : "that is not a string");
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(l.cfg, "quoting")) > 0)
		fatal("%s%s: %s: config quoting is not read here yet (a manifest from dbt parse "
		    "works instead)", r->o->dir, jstr(n, "original_file_path"), uid);
	cJSON_ReplaceItemInObjectCaseSensitive(n, "config", l.cfg);
	cJSON_ReplaceItemInObjectCaseSensitive(n, "unrendered_config", l.unrendered);
}

/* tags: those the node had, then the config's, each once. */
static void
tagsof(cJSON *n)
{
	cJSON *tags = cJSON_GetObjectItemCaseSensitive(n, "tags");
	cJSON *ct = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n, "config"), "tags");
	cJSON *x, *y;

	cJSON_ArrayForEach(x, ct) {
		if (!cJSON_IsString(x))
			fatal("%s: tags: not a list of strings", jstr(n, "unique_id"));
		cJSON_ArrayForEach(y, tags)
			if (!strcmp(y->valuestring, x->valuestring))
				break;
		if (!y)
			cJSON_AddItemToArray(tags, cJSON_CreateString(x->valuestring));
	}
}

static void
relname(struct reader *r, cJSON *n)
{
	const char *part[3] = {jstr(n, "database"), jstr(n, "schema"), jstr(n, "alias")};
	struct buf b = {0};
	int i, any = 0;

	for (i = 0; i < 3; i++) {
		if (!part[i] || !*part[i])
			continue;
		if (any++)
			bufputc(&b, '.');
		if (r->quote[i])
			bufquote(&b, part[i], '"');
		else
			bufputs(&b, part[i]);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(n, "relation_name");
	cJSON_AddStringToObject(n, "relation_name", b.s ? b.s : "");
	buffree(&b);
}

/* database, schema and alias from the generate_*_name macros. */
static void
names(struct reader *r, cJSON *n)
{
	static const char *const what[][2] = {{"database", "generate_database_name"},
	    {"schema", "generate_schema_name"}, {"alias", "generate_alias_name"}};
	cJSON *cfg = cJSON_GetObjectItemCaseSensitive(n, "config");
	size_t i;

	for (i = 0; i < 3; i++) {
		cJSON *c = cJSON_GetObjectItemCaseSensitive(cfg, what[i][0]);
		char *out, *err;
		if (c && !cJSON_IsNull(c) && !cJSON_IsString(c))
			fatal("%s%s: %s: config %s is not a string", r->o->dir,
			    jstr(n, "original_file_path"), jstr(n, "unique_id"), what[i][0]);
		if (pctxname(r->pc, what[i][1], cJSON_IsString(c) ? c->valuestring : NULL, n,
		    &out, &err) < 0)
			fatal("%s (%s: %s)", err, jstr(n, "unique_id"), what[i][1]);
		cJSON_ReplaceItemInObjectCaseSensitive(n, what[i][0], cJSON_CreateString(out));
		free(out);
	}
}

/* What every node starts with. */
static cJSON *
newnode(struct reader *r, const char *type, const char *name, const char *relpath,
    const char *ofp, cJSON *fqn)
{
	cJSON *n = cJSON_CreateObject(), *d;
	char *uid = xasprintf("%s.%s.%s", type, r->name, name);
	const char *db = jstr(r->o->target, "database"), *sc = jstr(r->o->target, "schema");

	cJSON_AddStringToObject(n, "database", db ? db : "");
	cJSON_AddStringToObject(n, "schema", sc ? sc : "");
	cJSON_AddStringToObject(n, "name", name);
	cJSON_AddStringToObject(n, "resource_type", type);
	cJSON_AddStringToObject(n, "package_name", r->name);
	cJSON_AddStringToObject(n, "path", relpath);
	cJSON_AddStringToObject(n, "original_file_path", ofp);
	cJSON_AddStringToObject(n, "unique_id", uid);
	cJSON_AddItemToObject(n, "fqn", fqn);
	cJSON_AddStringToObject(n, "alias", name);
	cJSON_AddObjectToObject(n, "checksum");
	cJSON_AddObjectToObject(n, "config");
	cJSON_AddArrayToObject(n, "tags");
	cJSON_AddStringToObject(n, "description", "");
	cJSON_AddObjectToObject(n, "columns");
	cJSON_AddObjectToObject(n, "meta");
	cJSON_AddNullToObject(n, "patch_path");
	cJSON_AddObjectToObject(n, "unrendered_config");
	cJSON_AddNullToObject(n, "relation_name");
	cJSON_AddStringToObject(n, "raw_code", "");
	cJSON_AddStringToObject(n, "language", "sql");
	cJSON_AddArrayToObject(n, "refs");
	cJSON_AddArrayToObject(n, "sources");
	d = cJSON_AddObjectToObject(n, "depends_on");
	cJSON_AddArrayToObject(d, "macros");
	cJSON_AddArrayToObject(d, "nodes");
	if (nodeget(r, uid))
		fatal("%s%s: a second %s named %s (the first is %s)", r->o->dir, ofp, type, name,
		    jstr(nodeget(r, uid), "original_file_path"));
	cJSON_AddItemToObject(r->nodes, uid, n);
	nodeput(r, uid, n);
	free(uid);
	return n;
}

static void
checksum(cJSON *n, const char *text, size_t len)
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(n, "checksum");
	char hex[SHA256_HEX];

	sha256hex(text, len, hex);
	cJSON_AddStringToObject(c, "name", "sha256");
	cJSON_AddStringToObject(c, "checksum", hex);
}

/* The patch of kind and name: its config, and the description and
 * columns it gives the node. */
static cJSON *
patch(struct reader *r, cJSON *n, const char *kind, const char **file)
{
	char *key = xasprintf("%s %s", kind, jstr(n, "name"));
	cJSON *p = htabget(&r->patchix, key), *e, *cfg;
	char *pp;

	free(key);
	*file = NULL;
	if (!p)
		return NULL;
	cJSON_AddTrueToObject(p, "used");
	*file = jstr(p, "file");
	e = cJSON_GetObjectItemCaseSensitive(p, "entry");
	if (jstr(e, "description"))
		cJSON_ReplaceItemInObjectCaseSensitive(n, "description",
		    cJSON_CreateString(jstr(e, "description")));
	cJSON_ReplaceItemInObjectCaseSensitive(n, "columns", columns(e));
	pp = xasprintf("%s://%s", r->name, *file);
	cJSON_ReplaceItemInObjectCaseSensitive(n, "patch_path", cJSON_CreateString(pp));
	free(pp);
	cfg = cJSON_GetObjectItemCaseSensitive(e, "config");
	if (cfg && !cJSON_IsObject(cfg))
		fatal("%s%s: %s %s: config is not a mapping", r->o->dir, *file, kind, jstr(n, "name"));
	return cfg;
}

static void
modelfile(struct reader *r, const char *rel, const char *below, void *arg)
{
	char *name, *raw, *err;
	const char *file;
	cJSON *n, *calls, *cfg, *patchcfg;

	(void)arg;
	if (hassuffix(rel, ".py"))
		fatal("%s%s: a python model: only dbt renders it (a manifest from dbt parse "
		    "works instead)", r->o->dir, rel);
	if (!hassuffix(rel, ".sql"))
		return;
	name = xmemdup(strrchr(rel, '/') + 1, strlen(strrchr(rel, '/') + 1) - 4);
	raw = contents(r, rel, 1);
	n = newnode(r, "model", name, below, rel, fqnof(r->name, below, name));
	checksum(n, raw, strlen(raw));
	cJSON_ReplaceItemInObjectCaseSensitive(n, "raw_code", cJSON_CreateString(raw));
	/* rendered as dbt's parse renders it, with the project's config */
	calls = cJSON_CreateObject();
	resolve(r, n, CMODEL, "models", NULL, NULL, rel);
	if (pctxrender(r->pc, n, rel, raw, calls,
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n, "depends_on"), "macros"),
	    &err) < 0)
		fatal("%s%s", r->o->dir, err);
	/* the tags it has before its properties' (dbt's first pass) */
	resolve(r, n, CMODEL, "models", NULL, calls, rel);
	tagsof(n);
	patchcfg = patch(r, n, "model", &file);
	resolve(r, n, CMODEL, "models", patchcfg, calls, file ? file : rel);
	tagsof(n);
	names(r, n);
	cfg = cJSON_GetObjectItemCaseSensitive(n, "config");
	if (strcmp(jstr(cfg, "materialized"), "ephemeral"))
		relname(r, n);
	cJSON_AddItemToObject(n, "contract", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cfg, "contract"), 1));
	cJSON_AddNullToObject(cJSON_GetObjectItemCaseSensitive(n, "contract"), "checksum");
	cJSON_AddStringToObject(n, "access", "protected");
	cJSON_AddArrayToObject(n, "constraints");
	cJSON_AddNullToObject(n, "version");
	cJSON_AddNullToObject(n, "latest_version");
	cJSON_AddItemToArray(r->pending, cJSON_CreateString(jstr(n, "unique_id")));
	cJSON_Delete(calls);
	free(raw);
	free(name);
}

static void
seedfile(struct reader *r, const char *rel, const char *below, void *arg)
{
	struct buf b = {0};
	char *name, *p, *root;
	const char *file;
	cJSON *n, *pc, *d;

	(void)arg;
	if (!hassuffix(rel, ".csv"))
		return;
	name = xmemdup(strrchr(rel, '/') + 1, strlen(strrchr(rel, '/') + 1) - 4);
	n = newnode(r, "seed", name, below, rel, fqnof(r->name, below, name));
	p = path(r, rel);
	if (readfile(p, &b) < 0)
		fatal("%s:", p);
	saw(r, rel);
	checksum(n, b.s ? b.s : "", b.len);
	buffree(&b);
	free(p);
	pc = patch(r, n, "seed", &file);
	resolve(r, n, CSEED, "seeds", pc, NULL, file ? file : rel);
	tagsof(n);
	names(r, n);
	relname(r, n);
	p = path(r, "");
	root = realpath(*p ? p : ".", NULL);
	cJSON_AddStringToObject(n, "root_path", root ? root : p);
	free(root);
	free(p);
	/* a seed depends on no node */
	d = cJSON_GetObjectItemCaseSensitive(n, "depends_on");
	cJSON_DeleteItemFromObjectCaseSensitive(d, "nodes");
	cJSON_DeleteItemFromObjectCaseSensitive(n, "language");
	cJSON_DeleteItemFromObjectCaseSensitive(n, "refs");
	cJSON_DeleteItemFromObjectCaseSensitive(n, "sources");
	free(name);
}

/* ---- sources ---- */

static cJSON *
sourcenode(struct reader *r, cJSON *e)
{
	cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "source");
	cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "table");
	const char *file = jstr(e, "file"), *sn = jstr(s, "name"), *tn = jstr(t, "name");
	const char *db = jstr(s, "database"), *sc = jstr(s, "schema"), *id = jstr(t, "identifier");
	char *uid = xasprintf("source.%s.%s.%s", r->name, sn, tn);
	const char *first = strchr(file, '/');
	cJSON *n = cJSON_CreateObject(), *fqn, *q, *x;

	if (cJSON_GetObjectItemCaseSensitive(r->sources, uid))
		fatal("%s%s: source %s.%s a second time", r->o->dir, file, sn, tn);
	if (!db)
		db = jstr(r->o->target, "database");
	cJSON_AddStringToObject(n, "database", db ? db : "");
	cJSON_AddStringToObject(n, "schema", sc ? sc : sn);
	cJSON_AddStringToObject(n, "name", tn);
	cJSON_AddStringToObject(n, "resource_type", "source");
	cJSON_AddStringToObject(n, "package_name", r->name);
	cJSON_AddStringToObject(n, "path", file);
	cJSON_AddStringToObject(n, "original_file_path", file);
	cJSON_AddStringToObject(n, "unique_id", uid);
	fqn = fqnof(r->name, first ? first + 1 : "", sn);
	cJSON_AddItemToArray(fqn, cJSON_CreateString(tn));
	cJSON_AddItemToObject(n, "fqn", fqn);
	cJSON_AddStringToObject(n, "source_name", sn);
	cJSON_AddStringToObject(n, "source_description", jstr(s, "description") ? jstr(s, "description") : "");
	cJSON_AddStringToObject(n, "loader", "");
	cJSON_AddStringToObject(n, "identifier", id ? id : tn);
	q = cJSON_AddObjectToObject(n, "quoting");
	cJSON_AddNullToObject(q, "database");
	cJSON_AddNullToObject(q, "schema");
	cJSON_AddNullToObject(q, "identifier");
	cJSON_AddNullToObject(q, "column");
	cJSON_AddStringToObject(n, "description", jstr(t, "description") ? jstr(t, "description") : "");
	cJSON_AddItemToObject(n, "columns", columns(t));
	cJSON_AddObjectToObject(n, "meta");
	cJSON_AddArrayToObject(n, "tags");
	x = cJSON_AddObjectToObject(n, "config");
	cJSON_AddTrueToObject(x, "enabled");
	cJSON_AddObjectToObject(n, "unrendered_config");
	cJSON_AddItemToObject(r->sources, uid, n);
	cJSON_AddStringToObject(n, "alias", id ? id : tn);
	relname(r, n);
	cJSON_DeleteItemFromObjectCaseSensitive(n, "alias");
	free(uid);
	return n;
}

/* ---- generic tests ---- */

static const char *const configargs[] = {"severity", "tags", "enabled", "where", "limit",
	"warn_if", "error_if", "fail_calc", "store_failures", "store_failures_as", "meta",
	"database", "schema", "alias", NULL};

/* Python's str() of a config value inside construct_config's call. */
static void
pyval(struct buf *b, const cJSON *v)
{
	const char *s;

	if (cJSON_IsString(v)) {
		bufputc(b, '"');
		for (s = v->valuestring; *s; s++) {
			if (*s == '"')
				bufputc(b, '\\');
			bufputc(b, *s);
		}
		bufputc(b, '"');
		return;
	}
	{
		struct arena a = {0};
		const char *e = jvstrto(b, dbtjson(&a, (cJSON *)v));
		arenafree(&a);
		if (e)
			fatal("a test's config that cannot be written here: %s", e);
	}
}

struct testdef {
	const char *file;	/* the properties file */
	cJSON *target;		/* the node (model, seed) or source tested */
	int source;
	const char *column;	/* or NULL */
	const char *filekey;	/* file_key_name */
};

static void
onetest(struct reader *r, const struct testdef *td, cJSON *def)
{
	cJSON *args, *cfg, *meta, *n, *x, *calls, *kw;
	const char *tname, *targetname;
	char *shortn, *full, *err, hash[11], *type, *uid, *tgt, *mstr, *testfqnpath;
	struct buf raw = {0};
	size_t i;
	int fast;

	if (cJSON_IsString(def)) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddObjectToObject(o, def->valuestring);
		def = o;
	} else
		def = cJSON_Duplicate(def, 1);
	if (!cJSON_IsObject(def))
		fatal("%s%s: a data test that is not a name or a mapping", r->o->dir, td->file);
	if (cJSON_GetObjectItemCaseSensitive(def, "test_name"))
		fatal("%s%s: test_name is not read here yet", r->o->dir, td->file);
	if (cJSON_GetArraySize(def) != 1 || !cJSON_IsObject(def->child))
		fatal("%s%s: a data test must be one name and its arguments", r->o->dir, td->file);
	tname = def->child->string;
	if (strchr(tname, '.'))
		fatal("%s%s: %s: a test of a package is not read here yet (a manifest from dbt "
		    "parse works instead)", r->o->dir, td->file, tname);
	args = cJSON_Duplicate(def->child, 1);
	if (td->column)
		cJSON_AddStringToObject(args, "column_name", td->column);
	if ((x = cJSON_DetachItemFromObjectCaseSensitive(args, "arguments"))) {
		cJSON *y;
		if (!cJSON_IsObject(x))
			fatal("%s%s: %s: arguments is not a mapping", r->o->dir, td->file, tname);
		while ((y = x->child)) {
			cJSON_DetachItemViaPointer(x, y);
			cJSON_DeleteItemFromObjectCaseSensitive(args, y->string);
			cJSON_AddItemToObject(args, y->string, y);
		}
		cJSON_Delete(x);
	}
	if (cJSON_GetObjectItemCaseSensitive(args, "model"))
		fatal("%s%s: %s: a test's argument cannot be named model", r->o->dir, td->file, tname);
	targetname = jstr(td->target, "name");
	if (td->source)
		tgt = xasprintf("{{ get_where_subquery(source('%s', '%s')) }}",
		    jstr(td->target, "source_name"), targetname);
	else
		tgt = xasprintf("{{ get_where_subquery(ref('%s')) }}", targetname);
	cJSON_AddStringToObject(args, "model", tgt);
	/* the config among the arguments, then under config */
	cfg = cJSON_CreateObject();
	x = cJSON_GetObjectItemCaseSensitive(args, "config");
	if (x && !cJSON_IsObject(x))
		fatal("%s%s: %s: config is not a mapping", r->o->dir, td->file, tname);
	for (i = 0; configargs[i]; i++) {
		cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(args, configargs[i]);
		if (v && cJSON_IsTrue(v) == 0 && (cJSON_IsFalse(v) || cJSON_IsNull(v) ||
		    (cJSON_IsString(v) && !*v->valuestring) || (cJSON_IsNumber(v) && v->valuedouble == 0) ||
		    ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !v->child))) {
			fatal("%s%s: %s: %s, which dbt reads as not set: not read here", r->o->dir,
			    td->file, tname, configargs[i]);
		}
		if (v && x && cJSON_GetObjectItemCaseSensitive(x, configargs[i]))
			fatal("%s%s: %s: %s both as an argument and under config", r->o->dir,
			    td->file, tname, configargs[i]);
		if (!v && x)
			v = cJSON_DetachItemFromObjectCaseSensitive(x, configargs[i]);
		if (v && !cJSON_IsNull(v))
			cJSON_AddItemToObject(cfg, configargs[i], v);
		else
			cJSON_Delete(v);
	}
	if ((x = cJSON_DetachItemFromObjectCaseSensitive(args, "config"))) {
		cJSON *y;
		while ((y = x->child)) {
			cJSON_DetachItemViaPointer(x, y);
			cJSON_DeleteItemFromObjectCaseSensitive(cfg, y->string);
			cJSON_AddItemToObject(cfg, y->string, y);
		}
		cJSON_Delete(x);
	}
	nojinja(r, td->file, tname, cfg);
	checkkeys(r, td->file, tname, CTEST, cfg);
	if (cJSON_GetObjectItemCaseSensitive(args, "description") ||
	    cJSON_GetObjectItemCaseSensitive(args, "name"))
		fatal("%s%s: %s: a test's own name or description is not read here yet",
		    r->o->dir, td->file, tname);
	type = xasprintf("%s%s", td->source ? "source_" : "", tname);
	if (td->source) {
		char *t = xasprintf("%s_%s", jstr(td->target, "source_name"), targetname);
		if (testnames(type, t, args, &shortn, &full, &err) < 0)
			fatal("%s%s: %s: %s", r->o->dir, td->file, tname, err);
		free(t);
	} else if (testnames(type, targetname, args, &shortn, &full, &err) < 0)
		fatal("%s%s: %s: %s", r->o->dir, td->file, tname, err);
	if (strcmp(shortn, full) && !cJSON_GetObjectItemCaseSensitive(cfg, "alias"))
		cJSON_AddStringToObject(cfg, "alias", shortn);
	/* the raw code: the macro, then config(...) as dbt writes it */
	bufprintf(&raw, "{{ test_%s(**_dbt_generic_test_kwargs) }}", tname);
	if (cfg->child) {
		bufputs(&raw, "{{ config(");
		for (x = cfg->child; x; x = x->next) {
			bufprintf(&raw, "%s%s=", x == cfg->child ? "" : ",", x->string);
			pyval(&raw, x);
		}
		bufputs(&raw, ") }}");
	}
	meta = cJSON_CreateObject();
	cJSON_AddNullToObject(meta, "namespace");
	cJSON_AddStringToObject(meta, "name", tname);
	cJSON_AddItemToObject(meta, "kwargs", args);
	if (testhash(full, meta, hash, &err) < 0)
		fatal("%s%s: %s: %s", r->o->dir, td->file, tname, err);
	mstr = xasprintf("%s.sql", shortn);
	testfqnpath = xasprintf("%s", strchr(td->file, '/') ? strchr(td->file, '/') + 1 : td->file);
	n = newnode(r, "test", full, mstr, td->file, fqnof(r->name, testfqnpath, full));
	uid = xasprintf("test.%s.%s.%s", r->name, full, hash);
	/* newnode named it test.PKG.NAME: dbt adds the hash */
	x = cJSON_DetachItemViaPointer(r->nodes, n);
	if (nodeget(r, x->string) == x)
		htabput(&r->nodeix, x->string, NULL);
	free(x->string);
	x->string = xstrdup(uid);
	cJSON_AddItemToObject(r->nodes, uid, x);
	nodeput(r, uid, x);
	cJSON_ReplaceItemInObjectCaseSensitive(n, "unique_id", cJSON_CreateString(uid));
	cJSON_ReplaceItemInObjectCaseSensitive(n, "raw_code", cJSON_CreateString(raw.s));
	cJSON_ReplaceItemInObjectCaseSensitive(n, "checksum", cJSON_CreateObject());
	cJSON_AddStringToObject(cJSON_GetObjectItemCaseSensitive(n, "checksum"), "name", "none");
	cJSON_AddStringToObject(cJSON_GetObjectItemCaseSensitive(n, "checksum"), "checksum", "");
	cJSON_DeleteItemFromObjectCaseSensitive(n, "columns");
	if (td->column)
		cJSON_AddStringToObject(n, "column_name", td->column);
	else
		cJSON_AddNullToObject(n, "column_name");
	cJSON_AddStringToObject(n, "file_key_name", td->filekey);
	if (td->source)
		cJSON_AddNullToObject(n, "attached_node");
	else
		cJSON_AddStringToObject(n, "attached_node", jstr(td->target, "unique_id"));
	cJSON_AddItemToObject(n, "test_metadata", meta);
	/* dbt's shortcut for its own not_null and unique: no render */
	kw = cJSON_GetObjectItemCaseSensitive(meta, "kwargs");
	{
		char *mid = xasprintf("test_%s", tname);
		char *puid = xasprintf("macro.%s.%s", r->name, mid);
		char *duid = xasprintf("macro.dbt.%s", mid);
		const char *which = cJSON_GetObjectItemCaseSensitive(r->macros, puid) ? puid :
		    cJSON_GetObjectItemCaseSensitive(r->macros, duid) ? duid : NULL;
		cJSON *dm = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n, "depends_on"), "macros");
		if (!which)
			fatal("%s%s: %s: no test macro %s (a test of dbt's own that dbt2ninja does "
			    "not have, or of a package: a manifest from dbt parse works instead)",
			    r->o->dir, td->file, tname, mid);
		cJSON_AddItemToArray(dm, cJSON_CreateString(which));
		fast = !strcmp(which, "macro.dbt.test_not_null") || !strcmp(which, "macro.dbt.test_unique");
		free(mid);
		free(puid);
		free(duid);
	}
	calls = cJSON_Duplicate(cfg, 1);
	resolve(r, n, CTEST, "data_tests", NULL, calls, td->file);
	if (fast) {
		if (td->source) {
			cJSON *s = cJSON_CreateArray();
			cJSON_AddItemToArray(s, cJSON_CreateString(jstr(td->target, "source_name")));
			cJSON_AddItemToArray(s, cJSON_CreateString(targetname));
			cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(n, "sources"), s);
		} else {
			cJSON *rf = cJSON_CreateObject();
			cJSON_AddStringToObject(rf, "name", targetname);
			cJSON_AddNullToObject(rf, "package");
			cJSON_AddNullToObject(rf, "version");
			cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(n, "refs"), rf);
		}
	} else {
		cJSON *dm = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n, "depends_on"), "macros");
		if (pctxtest(r->pc, n, kw, raw.s, calls, dm, &err) < 0)
			fatal("%s%s: %s", r->o->dir, td->file, err);
		resolve(r, n, CTEST, "data_tests", NULL, calls, td->file);
	}
	tagsof(n);
	{
		/* tags sorted, as dbt's sorted(set(...)) */
		cJSON *tags = cJSON_GetObjectItemCaseSensitive(n, "tags"), *a, *b;
		for (a = tags->child; a; a = a->next)
			for (b = a->next; b; b = b->next)
				if (strcmp(a->valuestring, b->valuestring) > 0) {
					char *t = a->valuestring;
					a->valuestring = b->valuestring;
					b->valuestring = t;
				}
	}
	names(r, n);
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n, "config"), "store_failures")))
		relname(r, n);
	cJSON_AddItemToArray(r->pending, cJSON_CreateString(uid));
	cJSON_Delete(calls);
	cJSON_Delete(cfg);
	cJSON_Delete(def);
	buffree(&raw);
	free(type);
	free(shortn);
	free(full);
	free(uid);
	free(tgt);
	free(mstr);
	free(testfqnpath);
}

static void
testlist(struct reader *r, const struct testdef *td, const cJSON *o)
{
	const cJSON *dt = cJSON_GetObjectItemCaseSensitive(o, "data_tests");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "tests"), *x;

	if (dt && t)
		fatal("%s%s: both data_tests and tests", r->o->dir, td->file);
	if (!dt)
		dt = t;
	if (dt && !cJSON_IsArray(dt) && !cJSON_IsNull(dt))
		fatal("%s%s: data_tests: not a list", r->o->dir, td->file);
	cJSON_ArrayForEach(x, dt)
		onetest(r, td, (cJSON *)x);
}

/* The tests of a node or source table: its own, then each column's. */
static void
tests(struct reader *r, struct testdef *td, const cJSON *entry)
{
	const cJSON *c;

	td->column = NULL;
	testlist(r, td, entry);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(entry, "columns")) {
		td->column = jstr(c, "name");
		testlist(r, td, c);
	}
}

static void
alltests(struct reader *r)
{
	cJSON *p, *e;

	cJSON_ArrayForEach(p, r->patches) {
		const char *kind = strncmp(p->string, "model ", 6) ? "seed" : "model";
		char *uid = xasprintf("%s.%s.%s", kind, r->name, strchr(p->string, ' ') + 1);
		struct testdef td;
		cJSON *n = nodeget(r, uid);
		memset(&td, 0, sizeof(td));
		if (!n) {
			warn("warning: %s%s: no %s named %s: its properties and tests are left out, "
			    "as dbt leaves them", r->o->dir, jstr(p, "file"), kind,
			    strchr(p->string, ' ') + 1);
			free(uid);
			continue;
		}
		td.file = jstr(p, "file");
		td.target = n;
		td.filekey = xasprintf("%ss.%s", kind, jstr(n, "name"));
		tests(r, &td, cJSON_GetObjectItemCaseSensitive(p, "entry"));
		free((char *)td.filekey);
		free(uid);
	}
	cJSON_ArrayForEach(e, r->srcs) {
		struct testdef td;
		cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "source");
		char *uid = xasprintf("source.%s.%s.%s", r->name, jstr(s, "name"),
		    jstr(cJSON_GetObjectItemCaseSensitive(e, "table"), "name"));
		memset(&td, 0, sizeof(td));
		td.file = jstr(e, "file");
		td.target = cJSON_GetObjectItemCaseSensitive(r->sources, uid);
		td.source = 1;
		td.filekey = xasprintf("sources.%s", jstr(s, "name"));
		tests(r, &td, cJSON_GetObjectItemCaseSensitive(e, "table"));
		free((char *)td.filekey);
		free(uid);
	}
}

/* ---- depends_on ---- */

static void
adddep(cJSON *deps, const char *uid)
{
	cJSON *x;

	cJSON_ArrayForEach(x, deps)
		if (!strcmp(x->valuestring, uid))
			return;
	cJSON_AddItemToArray(deps, cJSON_CreateString(uid));
}

static void
depends(struct reader *r)
{
	cJSON *u, *x;

	cJSON_ArrayForEach(u, r->pending) {
		cJSON *n = nodeget(r, u->valuestring);
		cJSON *deps = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n, "depends_on"), "nodes");
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(n, "refs")) {
			static const char *const kinds[] = {"model", "seed", "snapshot"};
			size_t k;
			char *uid = NULL;
			for (k = 0; k < 3; k++) {
				uid = xasprintf("%s.%s.%s", kinds[k], r->name, jstr(x, "name"));
				if (nodeget(r, uid))
					break;
				free(uid);
				uid = NULL;
			}
			if (!uid)
				fatal("%s%s: %s depends on a node named %s, which was not found",
				    r->o->dir, jstr(n, "original_file_path"), u->valuestring, jstr(x, "name"));
			adddep(deps, uid);
			free(uid);
		}
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(n, "sources")) {
			char *uid = xasprintf("source.%s.%s.%s", r->name, x->child->valuestring,
			    x->child->next->valuestring);
			if (!cJSON_GetObjectItemCaseSensitive(r->sources, uid))
				fatal("%s%s: %s depends on a source named %s.%s, which was not found",
				    r->o->dir, jstr(n, "original_file_path"), u->valuestring,
				    x->child->valuestring, x->child->next->valuestring);
			adddep(deps, uid);
			free(uid);
		}
	}
}

cJSON *
dbtparse(const struct parseopts *o, char **read)
{
	struct reader r;
	cJSON *l, *x, *meta, *v;
	char *err;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.proj = yaml(&r, "dbt_project.yml");
	projectcheck(&r);
	nopackages(&r);
	r.doc = cJSON_CreateObject();
	meta = cJSON_AddObjectToObject(r.doc, "metadata");
	cJSON_AddStringToObject(meta, "dbt_schema_version", "https://schemas.getdbt.com/dbt/manifest/v12.json");
	cJSON_AddStringToObject(meta, "dbt_version", DBTPARSEVERSION);
	cJSON_AddStringToObject(meta, "project_name", r.name);
	cJSON_AddStringToObject(meta, "adapter_type", o->adapter);
	r.nodes = cJSON_AddObjectToObject(r.doc, "nodes");
	r.sources = cJSON_AddObjectToObject(r.doc, "sources");
	r.macros = cJSON_AddObjectToObject(r.doc, "macros");
	r.patches = cJSON_CreateObject();
	r.srcs = cJSON_CreateArray();
	r.pending = cJSON_CreateArray();
	/* macros first: the renders call them */
	l = paths(&r, "macro-paths", "macros");
	cJSON_ArrayForEach(x, l)
		walk(&r, x->valuestring, "", macrofile, NULL);
	cJSON_Delete(l);
	l = paths(&r, "test-paths", "tests");
	cJSON_ArrayForEach(x, l)
		walk(&r, x->valuestring, "", macrofile, (void *)"tests");
	cJSON_Delete(l);
	l = paths(&r, "snapshot-paths", "snapshots");
	cJSON_ArrayForEach(x, l) {
		char *p = path(&r, x->valuestring);
		DIR *d = opendir(p);
		struct dirent *e;
		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.')
				fatal("%s/%s: snapshots are not read here yet (a manifest from dbt "
				    "parse works instead)", p, e->d_name);
		if (d)
			closedir(d);
		free(p);
	}
	cJSON_Delete(l);
	builtinmacros(&r);
	memset(&r.run, 0, sizeof(r.run));
	r.run.adapter = o->adapter;
	r.run.project = r.name;
	r.run.clivars = o->clivars;
	v = cJSON_GetObjectItemCaseSensitive(r.proj, "vars");
	r.run.vars = cJSON_IsObject(v) ? v : NULL;
	r.run.target = o->target;
	v = cJSON_GetObjectItemCaseSensitive(r.proj, "dispatch");
	r.run.dispatch = cJSON_IsArray(v) ? v : NULL;
	r.pc = pctxnew(r.macros, &r.run);
	/* properties first: a model's config takes its patch's */
	{
		static const char *const keys[][2] = {{"model-paths", "models"},
		    {"seed-paths", "seeds"}, {"macro-paths", "macros"}};
		size_t k;
		for (k = 0; k < 3; k++) {
			l = paths(&r, keys[k][0], keys[k][1]);
			cJSON_ArrayForEach(x, l)
				walk(&r, x->valuestring, "", propfile, NULL);
			cJSON_Delete(l);
		}
	}
	l = paths(&r, "seed-paths", "seeds");
	cJSON_ArrayForEach(x, l)
		walk(&r, x->valuestring, "", seedfile, NULL);
	cJSON_Delete(l);
	l = paths(&r, "model-paths", "models");
	cJSON_ArrayForEach(x, l)
		walk(&r, x->valuestring, "", modelfile, NULL);
	cJSON_Delete(l);
	cJSON_ArrayForEach(x, r.srcs)
		sourcenode(&r, x);
	alltests(&r);
	depends(&r);
	(void)err;
	pctxfree(r.pc);
	htabfree(&r.nodeix);
	htabfree(&r.patchix);
	arenafree(&r.ixkeys);
	cJSON_Delete(r.patches);
	cJSON_Delete(r.srcs);
	cJSON_Delete(r.pending);
	cJSON_Delete(r.proj);
	{
		size_t i;
		for (i = 0; i < r.seen.cap; i++)
			free((char *)r.seen.keys[i]);
		htabfree(&r.seen);
	}
	*read = r.read.s ? r.read.s : xstrdup("");
	return r.doc;
}
