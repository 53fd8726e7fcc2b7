/* dbtparse.c: a dbt project read as dbt parse reads it (see dbtparse.h). */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "blocks.h"
#include "dbtctx.h"
#include "dbtparse.h"
#include "jvalue.h"
#include "hash.h"
#include "htab.h"
#include "jeval.h"
#include "jparse.h"
#include "nodecfg.h"
#include "nodejson.h"
#include "parsectx.h"
#include "testname.h"
#include "util.h"
#include "yamljson.h"

/* A project: the root, or a package in dbt_packages. */
struct project {
	char *name;
	char *pre;		/* its directory, as a prefix of paths from here */
	char *abs;		/* its directory, absolute (a seed's root_path) */
	cJSON *proj;		/* its dbt_project.yml */
	size_t fsorder;		/* where dbt finds it: 0 the root, else 1 + its
				 * place in its directory's entries */
};

struct reader {
	const struct parseopts *o;
	struct project *projs;	/* the root first, then the packages */
	size_t nprojs;
	const char *root;	/* the root project's name */
	/* the project being read */
	const char *name;
	const char *pre;
	cJSON *proj;
	cJSON *doc, *nodes, *sources, *macros, *exposures;
	cJSON *disabled;	/* the manifest's: unique_id -> [node] */
	struct buf read;
	struct buf missing;	/* paths looked for and not there */
	struct htab seen;	/* what read lists */
	struct htab dirs;	/* path -> its struct dirlist */
	struct pctx *pc;
	struct pctx *ypc;	/* dbt_project.yml's renders, or NULL */
	cJSON *ymacros;		/* its (no) macros */
	struct dbtrun run;
	int quote[3];		/* the project's quoting of database, schema, identifier */
	cJSON *patches;		/* "model NAME" / "seed NAME" -> {file, entry} */
	cJSON *stpatches;	/* "PACKAGE NAME" -> {file, entry}: data_tests: */
	cJSON *srcs;		/* [{file, source, table}] */
	cJSON *exps;		/* [{package, file, entry}]: exposures */
	cJSON *pending;		/* nodes whose refs are yet to resolve */
	cJSON *docs;		/* doc.PKG.NAME -> a docs block's contents */
	cJSON *groups;		/* group.PKG.NAME -> the properties file of it */
	/* the project's model files read, their properties yet to apply */
	struct readmodel {
		cJSON *node, *calls;
		int early;	/* disabled before its properties: in dbt's disabled then */
	} *models;
	size_t nmodels, capmodels;
	cJSON *latest;		/* model.PKG.NAME -> its latest version's unique_id */
	cJSON *early;		/* the unique_ids of the model files disabled
				 * before their properties */
	cJSON *vinfo;		/* a version's unique_id -> {key, i}: its patch, version */
	/* nodes, sources, patches, macros and disabled by key (the objects'
	 * own lookup is a list walk); keys in ixkeys */
	struct htab ix[5];
	struct arena ixkeys;
};

static struct htab *
ixof(struct reader *r, const cJSON *obj)
{
	const cJSON *objs[5] = {r->nodes, r->sources, r->patches, r->macros, r->disabled};
	size_t i;

	for (i = 0; i < 5; i++)
		if (obj == objs[i])
			return &r->ix[i];
	fatal("dbtparse: an object without an index");
	return NULL;
}

/* The item of obj (nodes, sources, patches or macros) at key, or NULL. */
static cJSON *
get(struct reader *r, const cJSON *obj, const char *key)
{
	return htabget(ixof(r, obj), key);
}

/* item added to obj at key. */
static cJSON *
add(struct reader *r, cJSON *obj, const char *key, cJSON *item)
{
	size_t n = strlen(key) + 1;
	char *k = memcpy(arenaalloc(&r->ixkeys, n), key, n);

	cJSON_AddItemToObject(obj, key, item);
	htabput(ixof(r, obj), k, item);
	return item;
}

/* The item of obj at key, taken out of it. */
static cJSON *
take(struct reader *r, cJSON *obj, const char *key)
{
	cJSON *x = get(r, obj, key);

	if (!x)
		return NULL;
	htabput(ixof(r, obj), key, NULL);
	return cJSON_DetachItemViaPointer(obj, x);
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
	return xasprintf("%s%s", r->pre, rel);
}

/* rel, looked for and not found: its creation must regenerate. */
static void
unseen(struct reader *r, const char *rel)
{
	char *p = path(r, rel), *k = xasprintf("?%s", p);

	if (htabget(&r->seen, k)) {
		free(k);
		free(p);
		return;
	}
	bufprintf(&r->missing, "%s\n", p);
	htabput(&r->seen, k, k);
	free(p);
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

/* Python's str.strip() of ASCII whitespace, as dbt reads a file (its
 * bytes: a \r kept). */
static char *
contents(struct reader *r, const char *rel, int strip)
{
	struct buf b = {0};
	char *p = path(r, rel), *s;

	if (readfile(p, &b) < 0)
		fatal("%s:", p);
	free(p);
	saw(r, rel);
	s = dbttext(b.s ? b.s : "", b.len, strip);
	buffree(&b);
	return s;
}

char *
dbttext(const char *text, size_t n, int strip)
{
	char *s;
	size_t start = 0, end = n;

	s = xmalloc(n + 1);
	memcpy(s, text, n);
	s[n] = '\0';
	if (!strip)
		return s;
	while (start < end && strchr(" \t\n\r\v\f\x1c\x1d\x1e\x1f", s[start]) && s[start])
		start++;
	while (end > start && strchr(" \t\n\r\v\f\x1c\x1d\x1e\x1f", s[end - 1]) && s[end - 1])
		end--;
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return s;
}

/* The properties of what dbt2ninja does not run, from a manifest either
 * (an analysis, metric, semantic model, saved query or unit test), and a
 * macro's, which are its documentation: passed over, unread. */
static const char *const notrun[] = {"analyses", "macros", "metrics", "semantic_models",
	"saved_queries", "unit_tests", NULL};

/* The YAML file rel, but the values of the top-level keys of skip. */
static cJSON *
yaml(struct reader *r, const char *rel, const char *const *skip)
{
	char *p = path(r, rel), *err;
	cJSON *j = yamlloadsome(p, skip, &err);

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
			fatal("%sdbt_project.yml: %s: not a list of paths", r->pre, key);
		cJSON_AddItemToArray(l, cJSON_CreateString(x->valuestring));
	}
	if (v && !cJSON_IsArray(v))
		fatal("%sdbt_project.yml: %s: not a list of paths", r->pre, key);
	return l;
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether s ends in suf, case folded (dbt's find_matching matches so). */
static int
hassuffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n >= k && !strcasecmp(s + n - k, suf);
}

/* A directory's entries, sorted, each with whether it is a directory:
 * listed once, however many walks pass it. */
struct dirlist {
	size_t n;
	char **names;
	unsigned char *isdir;
};

/* A directory's entries in name order, each with its isdir (a name
 * followed by its isdir byte, after its NUL, sorts by the name). */
static void
sortdir(struct dirlist *l)
{
	size_t i, n;

	for (i = 0; i < l->n; i++) {
		n = strlen(l->names[i]);
		l->names[i] = xrealloc(l->names[i], n + 2);
		l->names[i][n + 1] = (char)l->isdir[i];
	}
	qsort(l->names, l->n, sizeof(*l->names), namecmp);
	for (i = 0; i < l->n; i++)
		l->isdir[i] = (unsigned char)l->names[i][strlen(l->names[i]) + 1];
}

static struct dirlist *
listdir(struct reader *r, const char *rel)
{
	char *p = path(r, rel);
	struct dirlist *l = htabget(&r->dirs, p);
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (l) {
		free(p);
		return l->names ? l : NULL;
	}
	l = xcalloc(1, sizeof(*l));
	htabput(&r->dirs, p, l);
	if (!(d = opendir(p))) {
		if (errno == ENOENT)
			unseen(r, rel);
		return NULL;
	}
	/* as dbt's find_matching: every directory (a hidden one too), and
	 * the files its [!.#~]*EXT matches */
	while ((e = readdir(d))) {
		char *sp;
		int isdir;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sp = xasprintf("%s/%s", p, e->d_name);
		isdir = stat(sp, &st) == 0 && S_ISDIR(st.st_mode);
		free(sp);
		if (!isdir && strchr(".#~", e->d_name[0]))
			continue;
		l->names = xreallocarray(l->names, l->n + 1, sizeof(*l->names));
		l->isdir = xreallocarray(l->isdir, l->n + 1, 1);
		l->isdir[l->n] = (unsigned char)isdir;
		l->names[l->n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (!l->names) {
		l->names = xcalloc(1, sizeof(*l->names));
		l->isdir = xcalloc(1, 1);
	}
	sortdir(l);
	return l;
}

/* Each file under the directory rel (its entries sorted), depth first:
 * fn(r, rel path, path below top, arg). */
static void
walk(struct reader *r, const char *rel, const char *below,
    void (*fn)(struct reader *, const char *, const char *, void *), void *arg)
{
	struct dirlist *l = listdir(r, rel);
	size_t i;

	if (!l)
		return;
	saw(r, rel);
	for (i = 0; i < l->n; i++) {
		char *sub = xasprintf("%s/%s", rel, l->names[i]);
		char *sb = *below ? xasprintf("%s/%s", below, l->names[i]) : xstrdup(l->names[i]);
		if (l->isdir[i])
			walk(r, sub, sb, fn, arg);
		else
			fn(r, sub, sb, arg);
		free(sub);
		free(sb);
	}
}

/* ---- dbt_project.yml ---- */

static void nojinja(struct reader *, const char *, const char *, const cJSON *);

static void
projectcheck(struct reader *r)
{
	static const char *const ok[] = {"name", "version", "config-version", "profile",
	    "model-paths", "seed-paths", "test-paths", "macro-paths", "snapshot-paths",
	    "analysis-paths", "docs-paths", "asset-paths", "target-path", "clean-targets",
	    "packages-install-path", "log-path", "vars", "models", "seeds", "tests",
	    "data_tests", "snapshots", "quoting", "dispatch", "require-dbt-version", "flags",
	    "on-run-start", "on-run-end", "restrict-access",
	    /* the config trees of what is not run, and the comment dbt sends
	     * with each query, and dbt Cloud's settings, which a manifest does
	     * not hold either */
	    "analyses", "metrics", "semantic-models", "saved-queries",
	    "unit_tests", "query-comment", "dbt-cloud", "sources", "exposures", NULL};
	static const char *const empty[] = {"functions", NULL};
	static const char *const apart[] = {"models", "seeds", "snapshots", "tests",
	    "data_tests", "sources", "on-run-start", "on-run-end", "vars", "query-comment",
	    "analyses", "exposures", "metrics", "semantic-models", "saved-queries", "unit_tests",
	    "dbt-cloud", NULL};
	const cJSON *x, *q;
	size_t i;

	if (!cJSON_IsObject(r->proj))
		fatal("%sdbt_project.yml: not a mapping", r->pre);
	/* the names before 1.0, still read (dbt warns of them) */
	for (i = 0; i < 2; i++) {
		static const char *const old[][2] = {{"source-paths", "model-paths"},
		    {"data-paths", "seed-paths"}};
		cJSON *o = cJSON_DetachItemFromObjectCaseSensitive(r->proj, old[i][0]);
		if (!o)
			continue;
		if (cJSON_GetObjectItemCaseSensitive(r->proj, old[i][1]))
			fatal("%sdbt_project.yml: %s and %s cannot both be defined. The `%s` config "
			    "has been deprecated in favor of `%s`. Please update your "
			    "`dbt_project.yml` configuration to reflect this change.", r->pre,
			    old[i][0], old[i][1], old[i][0], old[i][1]);
		cJSON_AddItemToObject(r->proj, old[i][1], o);
	}
	cJSON_ArrayForEach(x, r->proj) {
		for (i = 0; ok[i] && strcmp(ok[i], x->string); i++)
			;
		if (ok[i]) {
			/* apart: the config trees, rendered a level at a time (projrender);
			 * not rendered by dbt: the hooks, vars and the query comment;
			 * passed over: the trees of what is not run */
			for (i = 0; apart[i] && strcmp(apart[i], x->string); i++)
				;
			if (!apart[i])
				nojinja(r, "dbt_project.yml", x->string, x);
			continue;
		}
		for (i = 0; empty[i] && strcmp(empty[i], x->string); i++)
			;
		if (empty[i] && (cJSON_IsNull(x) || cJSON_GetArraySize(x) == 0))
			continue;
		fatal("%sdbt_project.yml: %s: not read here yet (a manifest from dbt parse "
		    "works instead)", r->pre, x->string);
	}
	if (!(r->name = jstr(r->proj, "name")))
		fatal("%sdbt_project.yml: no name", r->pre);
	if ((x = cJSON_GetObjectItemCaseSensitive(r->proj, "restrict-access")) && !cJSON_IsBool(x))
		fatal("%sdbt_project.yml: restrict-access: not true or false", r->pre);
	if (cJSON_GetObjectItemCaseSensitive(r->proj, "tests") &&
	    cJSON_GetObjectItemCaseSensitive(r->proj, "data_tests"))
		fatal("%sdbt_project.yml: both tests and data_tests", r->pre);
	/* the root project's quoting is every project's, as dbt's
	 * RuntimeConfig.new_project forces it onto each package */
	if (r->nprojs == 1)
		r->quote[0] = r->quote[1] = r->quote[2] = 1;
	q = cJSON_GetObjectItemCaseSensitive(r->proj, "quoting");
	cJSON_ArrayForEach(x, q) {
		static const char *const k[] = {"database", "schema", "identifier"};
		for (i = 0; i < 3 && strcmp(k[i], x->string); i++)
			;
		if (i == 3 || !cJSON_IsBool(x))
			fatal("%sdbt_project.yml: quoting.%s: not read here (a manifest from dbt "
			    "parse works instead)", r->pre, x->string);
		if (r->nprojs == 1)
			r->quote[i] = cJSON_IsTrue(x);
	}
}

static void
useproject(struct reader *r, const struct project *p)
{
	r->name = p->name;
	r->pre = p->pre;
	r->proj = p->proj;
}

static const struct project *
project(struct reader *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nprojs; i++)
		if (!strcmp(r->projs[i].name, name))
			return &r->projs[i];
	return NULL;
}

static struct project *
addproject(struct reader *r, char *pre)
{
	struct project *p;
	char *abs;

	r->projs = xreallocarray(r->projs, r->nprojs + 1, sizeof(*r->projs));
	p = &r->projs[r->nprojs++];
	memset(p, 0, sizeof(*p));
	p->pre = pre;
	r->pre = pre;
	p->proj = r->proj = yaml(r, "dbt_project.yml", NULL);
	projectcheck(r);
	p->name = xstrdup(r->name);
	/* dbt leaves out what a project's .dbtignore matches (gitignore's
	 * patterns, by pathspec): not read here */
	{
		char *ig = path(r, ".dbtignore");
		if (access(ig, F_OK) == 0)
			fatal("%s: a .dbtignore is not read here (a manifest from dbt parse works "
			    "instead)", ig);
		free(ig);
		unseen(r, ".dbtignore");
	}
	abs = realpath(*pre ? pre : ".", NULL);
	p->abs = abs ? abs : xstrdup(pre);
	return p;
}

/* How many packages packages.yml (or dependencies.yml) names. */
static int
packagesnamed(struct reader *r)
{
	static const char *const files[] = {"packages.yml", "dependencies.yml"};
	struct stat st;
	size_t i;
	int n = 0;

	for (i = 0; i < 2; i++) {
		char *p = path(r, files[i]);
		if (stat(p, &st) == 0) {
			cJSON *y = yaml(r, files[i], NULL);
			cJSON *l = cJSON_GetObjectItemCaseSensitive(y, "packages");
			n += cJSON_IsArray(l) ? cJSON_GetArraySize(l) : 0;
			cJSON_Delete(y);
		}
		free(p);
	}
	return n;
}

/* The packages in the packages-install-path, as dbt's load_dependencies
 * finds them: each directory there (but those named __*) a project. */
static void
packages(struct reader *r)
{
	const char *pp = jstr(r->proj, "packages-install-path");
	char *dir, **names = NULL, **fs;
	size_t n = 0, i;
	int named = packagesnamed(r);
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (!pp)
		pp = "dbt_packages";
	if (*pp == '/' || strstr(pp, ".."))
		fatal("%sdbt_project.yml: packages-install-path %s: only a path inside the "
		    "project is read here (a manifest from dbt parse works instead)", r->pre, pp);
	dir = path(r, pp);
	if (!(d = opendir(dir)) && errno == ENOENT)
		unseen(r, pp);
	if (d) {
		saw(r, pp);
		while ((e = readdir(d))) {
			char *sub = xasprintf("%s/%s", dir, e->d_name);
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
			    strncmp(e->d_name, "__", 2) && stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
				names = xreallocarray(names, n + 1, sizeof(*names));
				names[n++] = xstrdup(e->d_name);
			}
			free(sub);
		}
		closedir(d);
	}
	if (named > (int)n)
		fatal("%spackages.yml: %d package(s) specified, but only %zu installed in %s: "
		    "run dbt deps", r->pre, named, n, dir);
	fs = n ? xreallocarray(NULL, n, sizeof(*fs)) : NULL;
	for (i = 0; i < n; i++)
		fs[i] = names[i];
	if (n)
		qsort(names, n, sizeof(*names), namecmp);
	for (i = 0; i < n; i++) {
		struct project *p = addproject(r, xasprintf("%s/%s/", dir, names[i]));
		size_t k;
		for (k = 0; fs[k] != names[i]; k++)
			;
		p->fsorder = k + 1;
		for (k = 0; k + 1 < r->nprojs; k++)
			if (!strcmp(r->projs[k].name, p->name))
				fatal("%sdbt_project.yml: a second project named %s (the first is in "
				    "%s)", p->pre, p->name, *r->projs[k].pre ? r->projs[k].pre : "./");
		if (!strcmp(p->name, "dbt") || (!strncmp(p->name, "dbt_", 4) &&
		    !strcmp(p->name + 4, r->o->adapter)))
			fatal("%sdbt_project.yml: a package named %s, as dbt's own", p->pre, p->name);
		free(names[i]);
	}
	free(names);
	free(fs);
	free(dir);
	useproject(r, &r->projs[0]);
}

/* ---- macros ---- */

struct macroarg {
	struct reader *r;
	const char *pkg, *path, *pre;
};

/* A macro's block: besides dbt's keys, where its macro_sql is in the
 * file as we name it (macro_file, macro_line, macro_column), for
 * messages. */
static void
onblock(void *arg, const char *name, const char *sql, size_t len, int line, int col)
{
	struct macroarg *ma = arg;
	char *uid = xasprintf("macro.%s.%s", ma->pkg, name);
	cJSON *m, *d;

	if (get(ma->r, ma->r->macros, uid))
		fatal("%s: a second macro %s", ma->path, name);
	m = add(ma->r, ma->r->macros, uid, cJSON_CreateObject());
	cJSON_AddStringToObject(m, "name", name);
	cJSON_AddStringToObject(m, "resource_type", "macro");
	cJSON_AddStringToObject(m, "package_name", ma->pkg);
	cJSON_AddStringToObject(m, "path", ma->path);
	cJSON_AddStringToObject(m, "original_file_path", ma->path);
	cJSON_AddStringToObject(m, "unique_id", uid);
	{
		char *f = xasprintf("%s%s", ma->pre, ma->path);
		cJSON_AddStringToObject(m, "macro_file", f);
		free(f);
	}
	cJSON_AddNumberToObject(m, "macro_line", line);
	cJSON_AddNumberToObject(m, "macro_column", col);
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
	struct macroarg ma = {r, r->name, rel, r->pre};
	char *text, *err;

	(void)below;
	/* a test path's macros are its generic/ tests; the rest are
	 * singular tests, nodes (singularfile) */
	if (arg != NULL && strncmp(below, "generic/", 8))
		return;
	if (!hassuffix(rel, ".sql"))
		return;
	text = contents(r, rel, 0);
	if (macroblocks(rel, text, strlen(text), onblock, &ma, &err) < 0)
		fatal("%s%s", r->pre, err);
	free(text);
}

static void
builtinmacros(struct reader *r)
{
	size_t i;
	char *err;

	for (i = 0; builtins[i].path; i++) {
		struct macroarg ma = {r, "dbt", builtins[i].path, ""};
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
		    "instead)", r->pre, file, where);
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
		fatal("%s%s: %s: not a mapping", r->pre, file, where);
	cJSON_ArrayForEach(x, o) {
		for (i = 0; ok[i] && strcmp(ok[i], x->string); i++)
			;
		if (!ok[i])
			fatal("%s%s: %s: %s is not read here yet (a manifest from dbt parse works "
			    "instead)", r->pre, file, where, x->string);
	}
}

/* A column's keys: those of dbt's UnparsedColumn read here; docs, its
 * field not read here, refused; any other is the column's _extra, which
 * dbt keeps on the column as it is (column()). */
static const char *const colread[] = {"name", "description", "data_type", "data_tests",
    "tests", "meta", "tags", "quote", "constraints", "config", "granularity", NULL};

static void
colkeys(struct reader *r, const char *file, const char *where, const cJSON *c)
{
	const cJSON *x;

	if (!cJSON_IsObject(c))
		fatal("%s%s: %s: not a mapping", r->pre, file, where);
	cJSON_ArrayForEach(x, c)
		if (!strcmp(x->string, "docs"))
			fatal("%s%s: %s: a column's docs is not read here yet (a manifest from dbt "
			    "parse works instead)", r->pre, file, where);
}

/* ---- properties rendered ---- */

/* dbt's SchemaYamlRenderer._is_norender_key: what is rendered later
 * (descriptions, tests) or when it runs (hooks). A list index is "". */
static int
norenderkey(const char *const *k, size_t n)
{
	static const char *const later[] = {"tests", "data_tests", "description",
	    "loaded_at_query", NULL}, *const col[] = {"tests", "data_tests", "description", NULL};
	size_t i;

	for (i = 0; n >= 1 && later[i]; i++)
		if (!strcmp(k[0], later[i]) || (n == 2 && !strcmp(k[1], later[i])))
			return 1;
	if (n >= 2 && !strcmp(k[0], "config") && (!strcmp(k[1], "pre_hook") ||
	    !strcmp(k[1], "post_hook") || !strcmp(k[1], "loaded_at_query")))
		return 1;
	if (n == 5 && !strcmp(k[4], "description"))
		return 1;
	if (n >= 3 && (!strcmp(k[0], "columns") || !strcmp(k[0], "dimensions") ||
	    !strcmp(k[0], "measures") || !strcmp(k[0], "entities")))
		for (i = 0; col[i]; i++)
			if (!strcmp(k[2], col[i]))
				return 1;
	return 0;
}

/* should_render_keypath of dbt's SchemaYamlRenderer for the entries of
 * key (sources, or models, seeds and snapshots). */
static int
renderkey(int sources, const char *const *k, size_t n)
{
	if (n < 1)
		return 1;
	if (!sources)
		return !norenderkey(k, n);
	if (!strcmp(k[0], "description") || !strcmp(k[0], "loaded_at_query"))
		return 0;
	if (n >= 2 && !strcmp(k[0], "config") && !strcmp(k[1], "loaded_at_query"))
		return 0;
	return strcmp(k[0], "tables") || n < 2 || !norenderkey(k + 2, n - 2);
}

struct yamlwalk {
	struct reader *r;
	const char *file, *where;
	int sources;
	const char *path[32];
};

static void
yamlwalk(struct yamlwalk *w, cJSON *v, size_t n)
{
	cJSON *x, *next, *out;
	char *err;

	if (!renderkey(w->sources, w->path, n))
		return;
	if (n == sizeof(w->path) / sizeof(w->path[0]))
		fatal("%s%s: %s: nested too deep to render", w->r->pre, w->file, w->where);
	for (x = cJSON_IsString(v) ? NULL : v->child; x; x = next) {
		next = x->next;
		w->path[n] = cJSON_IsObject(v) ? x->string : "";
		if (!cJSON_IsString(x)) {
			yamlwalk(w, x, n + 1);
			continue;
		}
		if (!renderkey(w->sources, w->path, n + 1))
			continue;
		if (!strstr(x->valuestring, "{{") && !strstr(x->valuestring, "{%") &&
		    !strstr(x->valuestring, "{#"))
			continue;
		if (pctxyaml(w->r->pc, w->r->name, w->file, x->valuestring, &out, &err) < 0)
			fatal("%s%s: %s: Could not render %s: %s", w->r->pre, w->file, w->where,
			    x->valuestring, err);
		if (cJSON_IsObject(v))
			cJSON_ReplaceItemInObjectCaseSensitive(v, x->string, out);
		else
			cJSON_ReplaceItemViaPointer(v, x, out);
	}
}

/* A properties file's entry rendered in place as dbt renders it before
 * anything reads it: every string but the descriptions, the tests and
 * the hooks (sources: key "sources"). */
static void
renderentry(struct reader *r, const char *file, const char *key, cJSON *e)
{
	struct yamlwalk w = {r, file, NULL, !strcmp(key, "sources"), {NULL}};
	char *where = xstrdup(jstr(e, "name") ? jstr(e, "name") : key);

	w.where = where;
	yamlwalk(&w, e, 0);
	free(where);
}

/* A list of constraints, as dbt's ColumnLevelConstraint (or with
 * model, ModelLevelConstraint) takes it; each type one of ConstraintType. */
static void
constraintcheck(struct reader *r, const char *file, const char *where, const cJSON *l,
    int model)
{
	static const char *const keys[] = {"type", "name", "expression", "warn_unenforced",
	    "warn_unsupported", "to", "to_columns", "columns", NULL};
	static const char *const types[] = {"check", "not_null", "unique", "primary_key",
	    "foreign_key", "custom", NULL};
	static const char *const strs[] = {"name", "expression", "to", NULL};
	const cJSON *c, *x;
	size_t i;

	if (l && !cJSON_IsArray(l))
		fatal("%s%s: %s: constraints: not a list", r->pre, file, where);
	cJSON_ArrayForEach(c, l) {
		onlykeys(r, file, where, c, keys);
		if (!model && cJSON_GetObjectItemCaseSensitive(c, "columns"))
			fatal("%s%s: %s: a column's constraint with columns", r->pre, file, where);
		for (i = 0; types[i] && (!jstr(c, "type") || strcmp(jstr(c, "type"), types[i])); i++)
			;
		if (!types[i] && model)
			fatal("%s%s: Invalid constraint type on model %s: Type must be one of ['check', "
			    "'not_null', 'unique', 'primary_key', 'foreign_key', 'custom']", r->pre,
			    file, where);
		if (!types[i])
			fatal("%s%s: Invalid constraint type on column %s", r->pre, file, where);
		for (i = 0; strs[i]; i++)
			if ((x = cJSON_GetObjectItemCaseSensitive(c, strs[i])) && !cJSON_IsNull(x) &&
			    !cJSON_IsString(x))
				fatal("%s%s: %s: a constraint's %s is not a string", r->pre, file, where,
				    strs[i]);
		for (i = 0; i < 2; i++) {
			const char *k = i ? "warn_unsupported" : "warn_unenforced";
			if ((x = cJSON_GetObjectItemCaseSensitive(c, k)) && !cJSON_IsBool(x))
				fatal("%s%s: %s: a constraint's %s is not true or false", r->pre, file,
				    where, k);
		}
		for (i = 0; i < 2; i++) {
			const cJSON *y;
			x = cJSON_GetObjectItemCaseSensitive(c, i ? "columns" : "to_columns");
			if (x && !cJSON_IsArray(x))
				fatal("%s%s: %s: a constraint's %s is not a list", r->pre, file, where,
				    i ? "columns" : "to_columns");
			cJSON_ArrayForEach(y, x)
				if (!cJSON_IsString(y))
					fatal("%s%s: %s: a constraint's %s holds something not a string",
					    r->pre, file, where, i ? "columns" : "to_columns");
		}
	}
}

/* A column's meta, tags, quote, constraints and config (its meta and
 * tags), of the types dbt's UnparsedColumn has. */
static void
colcheck(struct reader *r, const char *file, const char *where, const cJSON *c)
{
	static const char *const cfg[] = {"meta", "tags", NULL};
	const cJSON *x, *y;
	const char *name = jstr(c, "name");
	size_t i;

	if ((x = cJSON_GetObjectItemCaseSensitive(c, "meta")) && !cJSON_IsObject(x))
		fatal("%s%s: %s: column %s: meta is not a mapping", r->pre, file, where, name);
	if ((x = cJSON_GetObjectItemCaseSensitive(c, "quote")) && !cJSON_IsBool(x) &&
	    !cJSON_IsNull(x))
		fatal("%s%s: %s: column %s: quote is not true or false", r->pre, file, where, name);
	if ((x = cJSON_GetObjectItemCaseSensitive(c, "granularity")) && !cJSON_IsString(x) &&
	    !cJSON_IsNull(x))
		fatal("%s%s: %s: column %s: granularity is not a string", r->pre, file, where, name);
	if ((x = cJSON_GetObjectItemCaseSensitive(c, "config"))) {
		onlykeys(r, file, where, x, cfg);
		if ((y = cJSON_GetObjectItemCaseSensitive(x, "meta")) && !cJSON_IsObject(y))
			fatal("%s%s: %s: column %s: config meta is not a mapping", r->pre, file,
			    where, name);
	}
	for (i = 0; i < 2; i++) {
		x = i ? cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c,
		    "config"), "tags") : cJSON_GetObjectItemCaseSensitive(c, "tags");
		if (!x || cJSON_IsString(x))
			continue;
		if (!cJSON_IsArray(x))
			fatal("%s%s: %s: column %s: tags: not a list of strings", r->pre, file, where,
			    name);
		cJSON_ArrayForEach(y, x)
			if (!cJSON_IsString(y))
				fatal("%s%s: %s: column %s: tags: not a list of strings", r->pre, file,
				    where, name);
	}
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "tags")))
		fatal("%s%s: %s: column %s: tags: not a list of strings", r->pre, file, where, name);
	constraintcheck(r, file, name, cJSON_GetObjectItemCaseSensitive(c, "constraints"), 0);
}

/* A version's v as text, as dbt's f"v{v}" has it: an integer or a
 * string; NULL for anything else. */
static char *
vtext(const cJSON *v)
{
	if (cJSON_IsString(v) && *v->valuestring)
		return xstrdup(v->valuestring);
	if (cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble &&
	    v->valuedouble != 0 && v->valuedouble > -1e15 && v->valuedouble < 1e15)
		return xasprintf("%lld", (long long)v->valuedouble);
	return NULL;
}

/* UnparsedVersion's <: as numbers when both are, else as strings. */
static int
vless(const cJSON *a, const cJSON *b)
{
	char *sa = vtext(a), *sb = vtext(b), *ea, *eb;
	double fa = strtod(sa, &ea), fb = strtod(sb, &eb);
	int lt = (*sa && !*ea && *sb && !*eb) ? fa < fb : strcmp(sa, sb) < 0;

	free(sa);
	free(sb);
	return lt;
}

/* The versions of a model's properties, checked as UnparsedModelUpdate
 * checks them; the latest one's v. */
static const cJSON *
versioncheck(struct reader *r, const char *file, const char *where, const cJSON *e)
{
	static const char *const ver[] = {"v", "defined_in", "description", "config",
	    "columns", "data_tests", "tests", "access", "constraints", "deprecation_date", NULL};
	static const char *const incl[] = {"include", "exclude", NULL};
	const cJSON *vs = cJSON_GetObjectItemCaseSensitive(e, "versions"), *v, *w, *c, *x;
	const cJSON *lv = cJSON_GetObjectItemCaseSensitive(e, "latest_version"), *latest = NULL;
	char *t;

	if (!cJSON_IsArray(vs))
		fatal("%s%s: %s: versions: not a list", r->pre, file, where);
	cJSON_ArrayForEach(v, vs) {
		int ie = 0;
		onlykeys(r, file, where, v, ver);
		constraintcheck(r, file, jstr(e, "name"), cJSON_GetObjectItemCaseSensitive(v,
		    "constraints"), 1);
		if (cJSON_GetObjectItemCaseSensitive(v, "access") && !jstr(v, "access"))
			fatal("%s%s: %s: a version's access is not a string", r->pre, file, where);
		if (!(t = vtext(cJSON_GetObjectItemCaseSensitive(v, "v"))))
			fatal("%s%s: %s: a version whose v is not an integer or a string (not read "
			    "here: a manifest from dbt parse works instead)", r->pre, file, where);
		for (w = vs->child; w != v; w = w->next) {
			char *u = vtext(cJSON_GetObjectItemCaseSensitive(w, "v"));
			if (!strcmp(t, u))
				fatal("%s%s: Found duplicate version: '%s' in versions list of model "
				    "'%s'", r->pre, file, t, jstr(e, "name"));
			free(u);
		}
		free(t);
		if ((x = cJSON_GetObjectItemCaseSensitive(v, "defined_in")) && !jstr(v, "defined_in"))
			fatal("%s%s: %s: defined_in: not a string", r->pre, file, where);
		if ((x = cJSON_GetObjectItemCaseSensitive(v, "config")) && !cJSON_IsObject(x))
			fatal("%s%s: %s: a version's config is not a mapping", r->pre, file, where);
		nojinja(r, file, where, x);
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(v, "columns")) {
			if (!cJSON_GetObjectItemCaseSensitive(c, "include")) {
				colkeys(r, file, where, c);
				if (!jstr(c, "name"))
					fatal("%s%s: %s: a column without a name", r->pre, file, where);
				colcheck(r, file, where, c);
				continue;
			}
			onlykeys(r, file, where, c, incl);
			if (ie++)
				fatal("%s%s: %s: version can have at most one include/exclude element",
				    r->pre, file, where);
			x = cJSON_GetObjectItemCaseSensitive(c, "include");
			if (cJSON_IsString(x) ? strcmp(x->valuestring, "all") && strcmp(x->valuestring, "*") :
			    !cJSON_IsArray(x))
				fatal("%s%s: %s: include must be 'all', '*' or a list of columns", r->pre,
				    file, where);
			if ((x = cJSON_GetObjectItemCaseSensitive(c, "exclude")) && !cJSON_IsArray(x))
				fatal("%s%s: %s: exclude must be a list of columns", r->pre, file, where);
			if (x && x->child && !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(c, "include")))
				fatal("%s%s: %s: exclude can only be specified if include is one of "
				    "'all' or '*'", r->pre, file, where);
		}
		if (!latest || vless(latest, cJSON_GetObjectItemCaseSensitive(v, "v")))
			latest = cJSON_GetObjectItemCaseSensitive(v, "v");
	}
	if (lv && !cJSON_IsNull(lv)) {
		if (!(t = vtext(lv)))
			fatal("%s%s: %s: latest_version is not an integer or a string", r->pre, file,
			    where);
		free(t);
		cJSON_ArrayForEach(v, vs)
			if (cJSON_Compare(cJSON_GetObjectItemCaseSensitive(v, "v"), lv, 1))
				break;
		if (!v)
			fatal("%s%s: latest_version: %s is not one of model '%s' versions", r->pre,
			    file, t = vtext(lv), jstr(e, "name"));
		latest = lv;
	}
	return latest;
}

/* ---- deprecation dates and time spines ---- */

/* n digits of *p as a number, or -1. */
static int
ndigits(const char **p, int n)
{
	int v = 0;

	for (; n > 0; n--, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long long
civildays(long long y, int mo, int d)
{
	long long era, yoe, doy;

	y -= mo <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* A deprecation_date as dbt's normalize_date makes it of what YAML or
 * dateutil reads of YYYY-MM-DD[(T| )HH:MM[:SS]][Z|(+|-)HH[:MM]]: a
 * naive one in the local time zone, written as Python's isoformat();
 * *at its instant. NULL: not that. */
static char *
isodate(const char *s, long long *at)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, tz = 0, sign = 1;
	long long local, off;
	struct buf b = {0};

	if ((y = ndigits(&p, 4)) < 1 || *p++ != '-' || (mo = ndigits(&p, 2)) < 1 || mo > 12 ||
	    *p++ != '-' || (d = ndigits(&p, 2)) < 1 || d > mdays[mo - 1] + (mo == 2 &&
	    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return NULL;
	if (*p == 'T' || *p == ' ') {
		p++;
		if ((h = ndigits(&p, 2)) < 0 || h > 23 || *p++ != ':' || (mi = ndigits(&p, 2)) < 0 ||
		    mi > 59)
			return NULL;
		if (*p == ':' && (p++, (se = ndigits(&p, 2)) < 0 || se > 59))
			return NULL;
	}
	if (*p == 'Z')
		p++, tz = 1;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if ((oh = ndigits(&p, 2)) < 0 || oh > 23 || (*p == ':' && (p++,
		    (om = ndigits(&p, 2)) < 0 || om > 59)))
			return NULL;
		tz = 1;
	}
	if (*p)
		return NULL;
	local = civildays(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	if (tz)
		off = sign * (oh * 3600 + om * 60);
	else {
		/* astimezone() of a naive datetime: the local offset then */
		struct tm tm;
		time_t t;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
		tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = se, tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1 || tm.tm_hour != h || tm.tm_min != mi)
			return NULL;
		off = local - (long long)t;
	}
	*at = local - off;
	bufprintf(&b, "%04d-%02d-%02dT%02d:%02d:%02d%c%02lld:%02lld", y, mo, d, h, mi, se,
	    off < 0 ? '-' : '+', (off < 0 ? -off : off) / 3600, (off < 0 ? -off : off) / 60 % 60);
	if ((off < 0 ? -off : off) % 60)
		bufprintf(&b, ":%02lld", (off < 0 ? -off : off) % 60);
	return b.s;
}

/* The deprecation_date of o (a model's or a version's properties), as
 * the node has it: a string, or null. */
static cJSON *
deprecation(struct reader *r, const char *file, const char *where, const cJSON *o)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "deprecation_date");
	long long at;
	char *s;
	cJSON *x;

	if (!v || cJSON_IsNull(v))
		return cJSON_CreateNull();
	if (!cJSON_IsString(v) || !(s = isodate(v->valuestring, &at)))
		fatal("%s%s: %s: deprecation_date: not a date or a date and time of the form "
		    "YYYY-MM-DD[ HH:MM[:SS]][Z|+HH:MM] (others are not read here)", r->pre, file,
		    where);
	x = cJSON_CreateString(s);
	free(s);
	return x;
}

/* Python's repr() of a list of strings (names without a quote or a
 * backslash, refused by the callers' checks otherwise). */
static void
pynames(struct buf *b, const char *const *names, size_t n)
{
	size_t i;

	bufputc(b, '[');
	for (i = 0; i < n; i++) {
		const char *q = strchr(names[i], '\'') && !strchr(names[i], '"') ? "\"" : "'";
		const char *c;
		bufprintf(b, "%s%s", i ? ", " : "", q);
		for (c = names[i]; *c; c++) {
			if (*c == '\\' || (*c == *q))
				bufputc(b, '\\');
			bufputc(b, *c);
		}
		bufputs(b, q);
	}
	bufputc(b, ']');
}

/* The columns of model e's properties dbt's get_columns_for_version gives
 * version v (the top-level ones included, then the version's own), or
 * the top-level ones without v; by name (last one's), in the order of
 * their first. A cJSON object of the columns, not owned. */
static cJSON *
versioncols(const cJSON *e, const cJSON *v)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *c, *ver = NULL, *ie = NULL, *x;
	int pass;

	cJSON_ArrayForEach(x, (v ? cJSON_GetObjectItemCaseSensitive(e, "versions") : NULL))
		if (cJSON_Compare(cJSON_GetObjectItemCaseSensitive(x, "v"), v, 1))
			ver = x;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(ver, "columns"))
		if (cJSON_GetObjectItemCaseSensitive(c, "include"))
			ie = c;
	for (pass = 0; pass < 2; pass++)
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(pass ? ver : e, "columns")) {
			const char *name = jstr(c, "name");
			if (!name)
				continue;
			if (!pass && ie) {
				const cJSON *in = cJSON_GetObjectItemCaseSensitive(ie, "include");
				int has = 0;
				if (cJSON_IsString(in)) {
					has = 1;
					cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(ie, "exclude"))
						if (cJSON_IsString(x) && !strcmp(x->valuestring, name))
							has = 0;
				} else
					cJSON_ArrayForEach(x, in)
						if (cJSON_IsString(x) && !strcmp(x->valuestring, name))
							has = 1;
				if (!has)
					continue;
			}
			if (cJSON_GetObjectItemCaseSensitive(o, name))
				cJSON_ReplaceItemInObjectCaseSensitive(o, name, cJSON_CreateObjectReference(c->child));
			else
				cJSON_AddItemToObject(o, name, cJSON_CreateObjectReference(c->child));
		}
	return o;
}

/* A model's time_spine, checked as UnparsedModelUpdate checks it against
 * its columns (the latest version's, where latest_version is given);
 * the node's time_spine (null for a version's node, as dbt's). */
static cJSON *
timespine(struct reader *r, const char *file, const cJSON *e)
{
	static const char *const keys[] = {"standard_granularity_column",
	    "custom_granularities", NULL}, *const ckeys[] = {"name", "column_name", NULL};
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "time_spine"), *x, *c;
	const cJSON *lv = cJSON_GetObjectItemCaseSensitive(e, "latest_version");
	const char *name = jstr(e, "name"), *sgc, **names, **missing;
	cJSON *cols, *o, *l, *k;
	size_t n = 0, nm = 0;
	struct buf b = {0};

	if (!t || cJSON_IsNull(t))
		return cJSON_CreateNull();
	onlykeys(r, file, "time_spine", t, keys);
	if (!(sgc = jstr(t, "standard_granularity_column")))
		fatal("%s%s: model %s: time_spine: standard_granularity_column is not a string",
		    r->pre, file, name);
	if ((x = cJSON_GetObjectItemCaseSensitive(t, "custom_granularities")) && !cJSON_IsArray(x))
		fatal("%s%s: model %s: time_spine: custom_granularities is not a list", r->pre,
		    file, name);
	cJSON_ArrayForEach(c, x) {
		onlykeys(r, file, "time_spine custom_granularities", c, ckeys);
		if (!jstr(c, "name") || ((k = cJSON_GetObjectItemCaseSensitive(c, "column_name")) &&
		    !cJSON_IsNull(k) && !cJSON_IsString(k)))
			fatal("%s%s: model %s: time_spine: a custom granularity without a name, or "
			    "a column_name not a string", r->pre, file, name);
	}
	cols = versioncols(e, lv && !cJSON_IsNull(lv) ? lv : NULL);
	names = xreallocarray(NULL, (size_t)cJSON_GetArraySize(cols) + 1, sizeof(*names));
	missing = xreallocarray(NULL, (size_t)cJSON_GetArraySize(x) + 1, sizeof(*missing));
	cJSON_ArrayForEach(c, cols)
		names[n++] = c->string;
	if (!(c = cJSON_GetObjectItemCaseSensitive(cols, sgc))) {
		pynames(&b, names, n);
		fatal("%s%s: Time spine standard granularity column must be defined on the model. "
		    "Got invalid column name '%s' for model '%s'. Valid names%s: %s.", r->pre, file,
		    sgc, name, lv && !cJSON_IsNull(lv) ? " for latest version" : "", b.s);
	}
	if (!jstr(c, "granularity") || !*jstr(c, "granularity"))
		fatal("%s%s: Time spine standard granularity column must have a granularity "
		    "defined. Please add one for column '%s' in model '%s'.", r->pre, file, sgc, name);
	cJSON_ArrayForEach(c, x) {
		const char *cn = jstr(c, "column_name") && *jstr(c, "column_name") ?
		    jstr(c, "column_name") : jstr(c, "name");
		if (!cJSON_GetObjectItemCaseSensitive(cols, cn))
			missing[nm++] = cn;
	}
	if (nm) {
		struct buf a = {0};
		pynames(&a, missing, nm);
		pynames(&b, names, n);
		fatal("%s%s: Time spine custom granularity columns do not exist in the model. "
		    "Columns not found: %s; Available columns: %s", r->pre, file, a.s, b.s);
	}
	cJSON_Delete(cols);
	free(names);
	free(missing);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "standard_granularity_column", sgc);
	l = cJSON_AddArrayToObject(o, "custom_granularities");
	cJSON_ArrayForEach(c, x) {
		k = cJSON_CreateObject();
		cJSON_AddStringToObject(k, "name", jstr(c, "name"));
		cJSON_AddItemToObject(k, "column_name", jstr(c, "column_name") ?
		    cJSON_CreateString(jstr(c, "column_name")) : cJSON_CreateNull());
		cJSON_AddItemToArray(l, k);
	}
	return o;
}

static void
entrycheck(struct reader *r, const char *file, const char *kind, const cJSON *e)
{
	/* quote_columns: UnparsedNodeUpdate's, which nothing of dbt's reads */
	static const char *const node[] = {"name", "description", "config", "columns",
	    "data_tests", "tests", "quote_columns", NULL};
	static const char *const model[] = {"name", "description", "config", "columns",
	    "data_tests", "tests", "versions", "latest_version", "constraints", "quote_columns",
	    "deprecation_date", "time_spine", NULL};
	static const char *const snapshot[] = {"name", "description", "config", "columns",
	    "data_tests", "tests", "relation", "quote_columns", NULL};
	/* the fields of dbt's UnparsedNodeUpdate (meta, docs and access
	 * moved into config before: toconfig) */
	static const char *const fields[] = {"name", "description", "meta", "data_type",
	    "constraints", "docs", "config", "columns", "data_tests", "tests", "quote_columns",
	    "access", NULL};
	char *where = xasprintf("%s %s", kind, jstr(e, "name") ? jstr(e, "name") : "?");
	const cJSON *c;
	const char *const *ok = !strcmp(kind, "snapshot") ? snapshot : !strcmp(kind, "model") ?
	    model : node;
	size_t i;

	if (!cJSON_IsObject(e))
		fatal("%s%s: %s: not a mapping", r->pre, file, where);
	/* a key that is no field of dbt's UnparsedNodeUpdate (or
	 * UnparsedModelUpdate) is its _extra, which nothing reads (dbt
	 * warns of it): passed over; a field not read here is refused */
	cJSON_ArrayForEach(c, e) {
		for (i = 0; ok[i] && strcmp(ok[i], c->string); i++)
			;
		if (ok[i])
			continue;
		for (i = 0; fields[i] && strcmp(fields[i], c->string); i++)
			;
		if (fields[i] || (!strcmp(kind, "model") && (!strcmp(c->string, "latest_version") ||
		    !strcmp(c->string, "versions") || !strcmp(c->string, "deprecation_date") ||
		    !strcmp(c->string, "time_spine"))))
			fatal("%s%s: %s: %s is not read here yet (a manifest from dbt parse works "
			    "instead)", r->pre, file, where, c->string);
	}
	if (!jstr(e, "name"))
		fatal("%s%s: a %s without a name", r->pre, file, kind);
	if (cJSON_GetObjectItemCaseSensitive(e, "versions") ||
	    cJSON_GetObjectItemCaseSensitive(e, "latest_version"))
		versioncheck(r, file, where, e);
	/* rendered (renderentry) but the descriptions, rendered with doc()
	 * and all (pctxdesc), the tests and the hooks (nodecfg.h) */
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(e, "columns")) {
		colkeys(r, file, where, c);
		if (!jstr(c, "name"))
			fatal("%s%s: %s: a column without a name", r->pre, file, where);
		if (cJSON_GetObjectItemCaseSensitive(c, "data_type") && !jstr(c, "data_type"))
			fatal("%s%s: %s: column %s: data_type is not a string", r->pre, file,
			    where, jstr(c, "name"));
		colcheck(r, file, where, c);
	}
	constraintcheck(r, file, jstr(e, "name"), cJSON_GetObjectItemCaseSensitive(e, "constraints"), 1);
	if ((c = cJSON_GetObjectItemCaseSensitive(e, "quote_columns")) && !cJSON_IsBool(c) &&
	    !cJSON_IsNull(c))
		fatal("%s%s: %s: quote_columns is not true or false", r->pre, file, where);
	cJSON_Delete(deprecation(r, file, where, e));
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(e, "versions"))
		cJSON_Delete(deprecation(r, file, where, c));
	cJSON_Delete(timespine(r, file, e));
	free(where);
}

static void
addpatch(struct reader *r, const char *file, const char *below, const char *kind, cJSON *e)
{
	char *key = xasprintf("%s %s %s", r->name, kind, jstr(e, "name"));
	cJSON *p;

	entrycheck(r, file, kind, e);
	if (get(r, r->patches, key))
		fatal("%s%s: %s %s is described a second time", r->pre, file, kind,
		    jstr(e, "name"));
	p = add(r, r->patches, key, cJSON_CreateObject());
	cJSON_AddStringToObject(p, "package", r->name);
	cJSON_AddStringToObject(p, "kind", kind);
	cJSON_AddStringToObject(p, "name", jstr(e, "name"));
	cJSON_AddStringToObject(p, "file", file);
	cJSON_AddStringToObject(p, "below", below);
	cJSON_AddItemToObject(p, "entry", cJSON_Duplicate(e, 1));
	free(key);
}

/* A source's or a source table's config: what a source's config holds
 * (enabled, tags, meta, freshness, loaded_at_*, event_time), and keys of
 * its own, which dbt's SourceConfig keeps. */
static void
srccfg(struct reader *r, const char *file, const char *where, const cJSON *o)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "config");

	if (!c)
		return;
	if (!cJSON_IsObject(c))
		fatal("%s%s: %s: config is not a mapping", r->pre, file, where);
	if ((c = cJSON_GetObjectItemCaseSensitive(c, "enabled")) && !cJSON_IsBool(c))
		fatal("%s%s: %s: config enabled is not true or false", r->pre, file, where);
}

/* A quoting: of a source or table, as dbt's Quoting. */
static void
quotingcheck(struct reader *r, const char *file, const char *where, const cJSON *q)
{
	static const char *const keys[] = {"database", "schema", "identifier", "column", NULL};
	const cJSON *x;

	if (!q || cJSON_IsNull(q))
		return;
	onlykeys(r, file, where, q, keys);
	cJSON_ArrayForEach(x, q)
		if (!cJSON_IsBool(x) && !cJSON_IsNull(x))
			fatal("%s%s: %s: quoting.%s is not true or false", r->pre, file, where,
			    x->string);
}

/* A source of a properties file (rendered; raw: as written), one entry
 * of r->srcs a table: its package, file, source, table and the source's
 * database and schema as written (dbt's unrendered_database and
 * unrendered_schema, when not empty). */
static void
addsource(struct reader *r, const char *file, cJSON *s, const cJSON *raw)
{
	static const char *const src[] = {"name", "description", "schema", "database",
	    "tables", "config", "loader", "loaded_at_field", "loaded_at_query", "freshness",
	    "meta", "tags", "quoting", NULL};
	static const char *const tab[] = {"name", "description", "identifier", "columns",
	    "data_tests", "tests", "config", "loaded_at_field", "loaded_at_query", "freshness",
	    "meta", "tags", "quoting", "external", NULL};
	static const char *const rel[] = {"database", "schema"};
	cJSON *t;
	size_t i;

	onlykeys(r, file, "a source", s, src);
	if (!jstr(s, "name"))
		fatal("%s%s: a source without a name", r->pre, file);
	/* rendered (renderentry) but the descriptions (sourcenode) and tests */
	for (i = 0; i < 2; i++)
		if (cJSON_GetObjectItemCaseSensitive(s, rel[i]) && !jstr(s, rel[i]))
			fatal("%s%s: source %s: %s is not a string", r->pre, file, jstr(s, "name"),
			    rel[i]);
	if (cJSON_GetObjectItemCaseSensitive(s, "loader") && !jstr(s, "loader"))
		fatal("%s%s: source %s: loader is not a string", r->pre, file, jstr(s, "name"));
	srccfg(r, file, jstr(s, "name"), s);
	quotingcheck(r, file, jstr(s, "name"), cJSON_GetObjectItemCaseSensitive(s, "quoting"));
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(s, "tables")) {
		cJSON *e = cJSON_CreateObject();
		onlykeys(r, file, jstr(s, "name"), t, tab);
		if (!jstr(t, "name"))
			fatal("%s%s: source %s: a table without a name", r->pre, file,
			    jstr(s, "name"));
		if (cJSON_GetObjectItemCaseSensitive(t, "identifier") && !jstr(t, "identifier"))
			fatal("%s%s: source %s: table %s: identifier is not a string", r->pre,
			    file, jstr(s, "name"), jstr(t, "name"));
		srccfg(r, file, jstr(s, "name"), t);
		quotingcheck(r, file, jstr(t, "name"), cJSON_GetObjectItemCaseSensitive(t, "quoting"));
		cJSON_AddStringToObject(e, "package", r->name);
		cJSON_AddStringToObject(e, "file", file);
		cJSON_AddItemToObject(e, "source", cJSON_Duplicate(s, 0));
		{
			cJSON *sc = cJSON_GetObjectItemCaseSensitive(e, "source"), *x;
			cJSON_ArrayForEach(x, s)
				if (strcmp(x->string, "tables"))
					cJSON_AddItemToObject(sc, x->string, cJSON_Duplicate(x, 1));
		}
		cJSON_AddItemToObject(e, "table", cJSON_Duplicate(t, 1));
		for (i = 0; i < 2; i++) {
			const cJSON *x = cJSON_GetObjectItemCaseSensitive(raw, rel[i]);
			if (cJSON_IsString(x) && *x->valuestring)
				cJSON_AddStringToObject(e, i ? "unrendered_schema" : "unrendered_database",
				    x->valuestring);
		}
		cJSON_AddItemToArray(r->srcs, e);
	}
}

/* A group, as dbt's GroupParser takes it: a name and an owner with a
 * name or an email. Nothing of it is deployed: its name is what the
 * nodes' group config must be one of. */
static void
addgroup(struct reader *r, const char *file, const cJSON *g)
{
	static const char *const keys[] = {"name", "owner", "description", "config", NULL};
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(g, "owner");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(g, "description");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(g, "config"), *x;
	char *uid;

	onlykeys(r, file, "a group", g, keys);
	if (!jstr(g, "name"))
		fatal("%s%s: a group without a name", r->pre, file);
	if (!cJSON_IsObject(o))
		fatal("%s%s: group %s: an owner (a mapping with a name or an email) is needed",
		    r->pre, file, jstr(g, "name"));
	x = cJSON_GetObjectItemCaseSensitive(o, "email");
	if ((!cJSON_GetObjectItemCaseSensitive(o, "name") ||
	    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "name"))) && (!x || cJSON_IsNull(x)))
		fatal("%s%s: group %s: Group owner must have at least one of 'name' or 'email'.",
		    r->pre, file, jstr(g, "name"));
	if ((d && !cJSON_IsNull(d) && !cJSON_IsString(d)) || (c && !cJSON_IsObject(c)))
		fatal("%s%s: group %s: a description that is not a string, or a config that is "
		    "not a mapping", r->pre, file, jstr(g, "name"));
	uid = xasprintf("group.%s.%s", r->name, jstr(g, "name"));
	if (cJSON_GetObjectItemCaseSensitive(r->groups, uid))
		fatal("%s%s: dbt found two groups with the name \"%s\" (the other in %s)", r->pre,
		    file, jstr(g, "name"), jstr(r->groups, uid));
	cJSON_AddStringToObject(r->groups, uid, file);
	free(uid);
}

/* What dbt's NodePatchParser moves from an entry's top level into its
 * config (normalize_attribute), refusing it in both. */
static void
toconfig(struct reader *r, const char *file, cJSON *e)
{
	static const char *const keys[] = {"meta", "docs", "group", "contract", "access", NULL};
	cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "config");
	size_t i;

	for (i = 0; keys[i]; i++) {
		cJSON *x = cJSON_DetachItemFromObjectCaseSensitive(e, keys[i]);
		if (!x)
			continue;
		if (cJSON_GetObjectItemCaseSensitive(c, keys[i]))
			fatal("%s%s: found %s dictionary in 'config' dictionary and as top-level key. "
			    "Remove the top-level key and define it under 'config' dictionary only.",
			    r->pre, file, keys[i]);
		if (!c)
			c = cJSON_AddObjectToObject(e, "config");
		if (!cJSON_IsObject(c))
			fatal("%s%s: %s: config is not a mapping", r->pre, file, jstr(e, "name"));
		cJSON_AddItemToObject(c, keys[i], x);
	}
}

/* The data_tests: of a properties file: what dbt's
 * SingularTestPatchParser applies to the singular tests named (their
 * description, and their config below their config() calls), kept for
 * them. dbt's parse error in this section is its warning, and the rest of
 * the section is passed over. */
static void
singularpatches(struct reader *r, const char *rel, const cJSON *l)
{
	static const char *const keys[] = {"name", "description", "config", NULL};
	static const char *const moved[] = {"meta", "docs", "group", "contract", "access", NULL};
	const cJSON *x;
	cJSON *e, *p;
	char *key;
	size_t k;

	cJSON_ArrayForEach(x, l) {
		if (!cJSON_IsObject(x))
			fatal("%s%s: data_tests: an entry that is not a mapping", r->pre, rel);
		for (k = 0; moved[k]; k++)
			if (cJSON_GetObjectItemCaseSensitive(x, moved[k]) && cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(x, "config"), moved[k])) {
				int w = (int)strlen(rel) + 7;
				warn("warning: Unable to parse 'data_tests' section of file '%s'\n"
				    "Parsing Error\n  In %s: found %s dictionary in 'config' dictionary "
				    "and as top-level key.\n%*sRemove the top-level key and define it "
				    "under 'config' dictionary only.", rel, rel, moved[k], w, "");
				return;
			}
		e = cJSON_Duplicate(x, 1);
		renderentry(r, rel, "data_tests", e);
		toconfig(r, rel, e);
		onlykeys(r, rel, "data_tests", e, keys);
		if (!jstr(e, "name"))
			fatal("%s%s: data_tests: an entry without a name (a string)", r->pre, rel);
		if (cJSON_GetObjectItemCaseSensitive(e, "description") && !jstr(e, "description"))
			fatal("%s%s: data_tests: %s: description is not a string", r->pre, rel,
			    jstr(e, "name"));
		if (cJSON_GetObjectItemCaseSensitive(e, "config") &&
		    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(e, "config")))
			fatal("%s%s: data_tests: %s: config is not a mapping", r->pre, rel,
			    jstr(e, "name"));
		key = xasprintf("%s %s", r->name, jstr(e, "name"));
		if (cJSON_GetObjectItemCaseSensitive(r->stpatches, key))
			fatal("%s%s: data_tests: %s is described a second time", r->pre, rel,
			    jstr(e, "name"));
		p = cJSON_AddObjectToObject(r->stpatches, key);
		cJSON_AddStringToObject(p, "package", r->name);
		cJSON_AddStringToObject(p, "file", rel);
		cJSON_AddItemToObject(p, "entry", e);
		free(key);
	}
}

/* dbt's warning for each data_tests: entry no enabled singular test of
 * its package took. */
static void
singularunused(struct reader *r)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, r->stpatches)
		if (!cJSON_GetObjectItemCaseSensitive(p, "used"))
			warn("warning: Did not find matching node for patch with name '%s' in the "
			    "'data_tests' section of file '%s'", jstr(cJSON_GetObjectItemCaseSensitive(p,
			    "entry"), "name"), jstr(p, "file"));
}

static void
propfile(struct reader *r, const char *rel, const char *below, void *arg)
{
	/* the keys of a properties file dbt's SchemaParser.parse_file reads */
	static const char *const parsed[] = {"models", "seeds", "snapshots", "sources",
	    "macros", "data_tests", "analyses", "exposures", "functions", "metrics", "groups",
	    "semantic_models", "unit_tests", "saved_queries", NULL};
	cJSON *y, *x, *e, *raw;
	size_t k;

	(void)arg;
	if (!hassuffix(rel, ".yml") && !hassuffix(rel, ".yaml"))
		return;
	y = yaml(r, rel, notrun);
	if (cJSON_IsNull(y)) {
		cJSON_Delete(y);
		return;
	}
	if (!cJSON_IsObject(y))
		fatal("%s%s: not a mapping", r->pre, rel);
	cJSON_ArrayForEach(x, y) {
		if (!strcmp(x->string, "version"))
			continue;
		for (k = 0; notrun[k] && strcmp(notrun[k], x->string); k++)
			;
		if (notrun[k])
			continue;
		/* a key no parser of dbt's reads (one holding a YAML anchor, say)
		 * is passed over: dbt checks the keys against its JSON schema only
		 * for adapters other than postgres and materialize */
		for (k = 0; parsed[k] && strcmp(parsed[k], x->string); k++)
			;
		if (!parsed[k])
			continue;
		if (strcmp(x->string, "models") && strcmp(x->string, "seeds") &&
		    strcmp(x->string, "snapshots") && strcmp(x->string, "sources") &&
		    strcmp(x->string, "exposures") && strcmp(x->string, "groups") &&
		    strcmp(x->string, "data_tests"))
			fatal("%s%s: %s: not read here yet (a manifest from dbt parse works "
			    "instead)", r->pre, rel, x->string);
		if (!cJSON_IsArray(x) && !cJSON_IsNull(x))
			fatal("%s%s: %s: not a list", r->pre, rel, x->string);
		if (!strcmp(x->string, "data_tests")) {
			singularpatches(r, rel, x);
			continue;
		}
		cJSON_ArrayForEach(e, x) {
			if (!strcmp(x->string, "exposures")) {
				cJSON *xe = cJSON_CreateObject();
				cJSON_AddStringToObject(xe, "package", r->name);
				cJSON_AddStringToObject(xe, "file", rel);
				cJSON_AddItemToObject(xe, "entry", cJSON_Duplicate(e, 1));
				cJSON_AddItemToArray(r->exps, xe);
				continue;
			}
			raw = cJSON_IsObject(e) && !strcmp(x->string, "sources") ? cJSON_Duplicate(e, 1) : NULL;
			if (cJSON_IsObject(e))
				renderentry(r, rel, x->string, e);
			if (!strcmp(x->string, "groups")) {
				addgroup(r, rel, e);
				continue;
			}
			if (cJSON_IsObject(e) && strcmp(x->string, "sources"))
				toconfig(r, rel, e);
			if (!strcmp(x->string, "sources")) {
				addsource(r, rel, e, raw);
				cJSON_Delete(raw);
			} else
				addpatch(r, rel, below, !strcmp(x->string, "models") ? "model" :
				    !strcmp(x->string, "seeds") ? "seed" : "snapshot", e);
		}
	}
	cJSON_Delete(y);
}

/* ---- nodes ---- */

/* Constraints as dbt's ColumnLevelConstraint (ModelLevelConstraint with
 * model) holds them, its defaults filled in. */
static cJSON *
constraintsof(const cJSON *l, int model)
{
	static const char *const opt[] = {"name", "expression"};
	cJSON *o = cJSON_CreateArray(), *k, *x;
	const cJSON *c;
	size_t i;

	cJSON_ArrayForEach(c, l) {
		k = cJSON_CreateObject();
		cJSON_AddStringToObject(k, "type", jstr(c, "type"));
		for (i = 0; i < 2; i++)
			cJSON_AddItemToObject(k, opt[i], jstr(c, opt[i]) ?
			    cJSON_CreateString(jstr(c, opt[i])) : cJSON_CreateNull());
		cJSON_AddBoolToObject(k, "warn_unenforced",
		    !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "warn_unenforced")));
		cJSON_AddBoolToObject(k, "warn_unsupported",
		    !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "warn_unsupported")));
		cJSON_AddItemToObject(k, "to", jstr(c, "to") ? cJSON_CreateString(jstr(c, "to")) :
		    cJSON_CreateNull());
		x = cJSON_GetObjectItemCaseSensitive(c, "to_columns");
		cJSON_AddItemToObject(k, "to_columns", x ? cJSON_Duplicate(x, 1) : cJSON_CreateArray());
		if (model) {
			x = cJSON_GetObjectItemCaseSensitive(c, "columns");
			cJSON_AddItemToObject(k, "columns", x ? cJSON_Duplicate(x, 1) : cJSON_CreateArray());
		}
		cJSON_AddItemToArray(o, k);
	}
	return o;
}

/* A column as dbt's ParserRef makes it: meta its own and its config's,
 * tags its own and its config's (each once). */
static cJSON *
column(const cJSON *c)
{
	cJSON *o = cJSON_CreateObject(), *cf, *meta, *tags, *x, *y;
	const cJSON *cc = cJSON_GetObjectItemCaseSensitive(c, "config");
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(c, "quote");
	const cJSON *src[2];
	const char *d = jstr(c, "description"), *t = jstr(c, "data_type");
	size_t i;

	meta = cJSON_CreateObject();
	src[0] = cJSON_GetObjectItemCaseSensitive(c, "meta");
	src[1] = cJSON_GetObjectItemCaseSensitive(cc, "meta");
	for (i = 0; i < 2; i++)
		cJSON_ArrayForEach(x, (cJSON_IsObject(src[i]) ? src[i] : NULL)) {
			cJSON_DeleteItemFromObjectCaseSensitive(meta, x->string);
			cJSON_AddItemToObject(meta, x->string, cJSON_Duplicate(x, 1));
		}
	tags = cJSON_CreateArray();
	src[0] = cJSON_GetObjectItemCaseSensitive(c, "tags");
	src[1] = cJSON_GetObjectItemCaseSensitive(cc, "tags");
	for (i = 0; i < 2; i++) {
		cJSON *l = cJSON_IsString(src[i]) ? cJSON_CreateArray() : NULL;
		if (l)
			cJSON_AddItemToArray(l, cJSON_CreateString(src[i]->valuestring));
		cJSON_ArrayForEach(x, (l ? l : cJSON_IsArray(src[i]) ? src[i] : NULL)) {
			cJSON_ArrayForEach(y, tags)
				if (!strcmp(y->valuestring, x->valuestring))
					break;
			if (!y)
				cJSON_AddItemToArray(tags, cJSON_CreateString(x->valuestring));
		}
		cJSON_Delete(l);
	}
	cJSON_AddStringToObject(o, "name", jstr(c, "name"));
	cJSON_AddStringToObject(o, "description", d ? d : "");
	cJSON_AddItemToObject(o, "meta", cJSON_Duplicate(meta, 1));
	if (t)
		cJSON_AddStringToObject(o, "data_type", t);
	else
		cJSON_AddNullToObject(o, "data_type");
	cJSON_AddItemToObject(o, "constraints",
	    constraintsof(cJSON_GetObjectItemCaseSensitive(c, "constraints"), 0));
	cJSON_AddItemToObject(o, "quote", cJSON_IsBool(q) ? cJSON_Duplicate(q, 0) : cJSON_CreateNull());
	cf = cJSON_AddObjectToObject(o, "config");
	cJSON_AddItemToObject(cf, "meta", meta);
	cJSON_AddItemToObject(cf, "tags", cJSON_Duplicate(tags, 1));
	cJSON_AddItemToObject(o, "tags", tags);
	cJSON_AddItemToObject(o, "granularity", jstr(c, "granularity") ?
	    cJSON_CreateString(jstr(c, "granularity")) : cJSON_CreateNull());
	cJSON_AddArrayToObject(o, "doc_blocks");
	/* its _extra, after its fields, as ColumnInfo serializes it */
	cJSON_ArrayForEach(x, c) {
		for (i = 0; colread[i] && strcmp(colread[i], x->string); i++)
			;
		if (!colread[i] && !cJSON_GetObjectItemCaseSensitive(o, x->string))
			cJSON_AddItemToObject(o, x->string, cJSON_Duplicate(x, 1));
	}
	return o;
}

static cJSON *
columns(const cJSON *entry)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *c;

	/* a name twice: the last one's, where the first one was */
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(entry, "columns"))
		if (cJSON_GetObjectItemCaseSensitive(o, jstr(c, "name")))
			cJSON_ReplaceItemInObjectCaseSensitive(o, jstr(c, "name"), column(c));
		else
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

/* v of dbt_project.yml rendered as dbt renders the file when it loads it
 * (DbtProjectYamlRenderer): every string, but those under a hook key. */
static cJSON *
projrender(struct reader *r, const char *where, const cJSON *v)
{
	cJSON *o, *x;
	char *err, *name;

	if (cJSON_IsString(v) && (strstr(v->valuestring, "{{") || strstr(v->valuestring, "{%") ||
	    strstr(v->valuestring, "{#"))) {
		if (!r->ypc) {
			struct dbtrun run = r->run;
			r->ymacros = cJSON_CreateObject();
			run.adapter = r->o->adapter;
			run.project = r->root;
			run.clivars = r->o->clivars;
			run.target = r->o->target;
			run.vars = run.pkgvars = run.dispatch = NULL;
			r->ypc = pctxnew(r->ymacros, &run);
		}
		name = xasprintf("%sdbt_project.yml (%s)", r->pre, where);
		if (pctxproject(r->ypc, name, v->valuestring, &o, &err) < 0)
			fatal("%s", err);
		free(name);
		return o;
	}
	if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
		return cJSON_Duplicate(v, 1);
	o = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
	cJSON_ArrayForEach(x, v) {
		const char *k = x->string ? x->string + strspn(x->string, "+ ") : "";
		cJSON *y = !strcmp(k, "pre-hook") || !strcmp(k, "post-hook") ||
		    !strcmp(k, "pre_hook") || !strcmp(k, "post_hook") ? cJSON_Duplicate(x, 1) :
		    projrender(r, where, x);
		if (cJSON_IsArray(v))
			cJSON_AddItemToArray(o, y);
		else
			cJSON_AddItemToObject(o, x->string, y);
	}
	return o;
}

/* x set in unrendered as a dict's update sets it: a key again keeps its
 * place. */
static void
unrendered(cJSON *u, const cJSON *x)
{
	if (cJSON_GetObjectItemCaseSensitive(u, x->string))
		cJSON_ReplaceItemInObjectCaseSensitive(u, x->string, cJSON_Duplicate(x, 1));
	else
		cJSON_AddItemToObject(u, x->string, cJSON_Duplicate(x, 1));
}

static void
onlevel(void *arg, const char *where, cJSON *level)
{
	struct layer *l = arg;
	const cJSON *x;
	cJSON *rendered;

	/* any key: dbt's configs keep those they have no field for */
	rendered = projrender(l->r, where, level);
	cfgupdate(l->cfg, rendered);
	cJSON_Delete(rendered);
	cJSON_ArrayForEach(x, level) {
		unrendered(l->unrendered, x);
	}
}

/* A test's store_failures and store_failures_as, each set by the other,
 * as dbt's TestConfig.finalize_and_validate. */
static void
storefailures(struct reader *r, cJSON *cfg, const char *file, const char *uid)
{
	cJSON *sf = cJSON_GetObjectItemCaseSensitive(cfg, "store_failures");
	cJSON *as = cJSON_GetObjectItemCaseSensitive(cfg, "store_failures_as");

	if ((sf && !cJSON_IsNull(sf) && !cJSON_IsBool(sf)) || (as && !cJSON_IsNull(as) &&
	    !cJSON_IsString(as)))
		fatal("%s%s: %s: store_failures is not true or false, or store_failures_as not a "
		    "string", r->pre, file, uid);
	if (!as || cJSON_IsNull(as)) {
		if (sf && !cJSON_IsNull(sf))
			cJSON_ReplaceItemInObjectCaseSensitive(cfg, "store_failures_as",
			    cJSON_CreateString(cJSON_IsTrue(sf) ? "table" : "ephemeral"));
	} else
		cJSON_ReplaceItemInObjectCaseSensitive(cfg, "store_failures",
		    cJSON_CreateBool(strcmp(as->valuestring, "ephemeral") != 0));
}

/* The config of a node: project tree, patch, calls. */
static void
resolve(struct reader *r, cJSON *n, enum ckind k, const char *tree, cJSON *patch,
    cJSON *calls)
{
	struct layer l = {r, cfgdefaults(k), cJSON_CreateObject(), k};
	cJSON *fqn = cJSON_GetObjectItemCaseSensitive(n, "fqn"), *x, *t;
	char **parts = xcalloc((size_t)cJSON_GetArraySize(fqn) + 1, sizeof(*parts));
	size_t np = 0;
	const char *uid = jstr(n, "unique_id"), *rtree = tree;
	char *err;
	const cJSON *mat, *en;

	cJSON_ArrayForEach(x, fqn)
		parts[np++] = x->valuestring;
	t = cJSON_GetObjectItemCaseSensitive(r->proj, tree);
	if (!t && k == CTEST)
		t = cJSON_GetObjectItemCaseSensitive(r->proj, tree = "tests");
	if (t)
		cfglevels(t, tree, parts, np, onlevel, &l);
	if (patch) {
		cfgupdate(l.cfg, patch);
		cJSON_ArrayForEach(x, patch) {
			unrendered(l.unrendered, x);
		}
	}
	if (calls) {
		cfgupdate(l.cfg, calls);
		cJSON_ArrayForEach(x, calls) {
			unrendered(l.unrendered, x);
		}
	}
	/* a package's node: the root project's tree wins over all of it */
	if (strcmp(r->name, r->root)) {
		const char *pre = r->pre;
		r->pre = r->projs[0].pre;
		t = cJSON_GetObjectItemCaseSensitive(r->projs[0].proj, rtree);
		if (!t && k == CTEST)
			t = cJSON_GetObjectItemCaseSensitive(r->projs[0].proj, rtree = "tests");
		if (t)
			cfglevels(t, rtree, parts, np, onlevel, &l);
		r->pre = pre;
	}
	/* dbt patches the config its first pass made of the tree and the
	 * calls: a key first set by the patch comes after those */
	if (patch && calls) {
		struct layer f = {r, cfgdefaults(k), cJSON_CreateObject(), k};
		cJSON *o = cJSON_CreateObject(), *y;
		if ((t = cJSON_GetObjectItemCaseSensitive(r->proj, tree)))
			cfglevels(t, tree, parts, np, onlevel, &f);
		cfgupdate(f.cfg, calls);
		cJSON_ArrayForEach(x, f.cfg)
			if ((y = cJSON_DetachItemFromObjectCaseSensitive(l.cfg, x->string)))
				cJSON_AddItemToObject(o, x->string, y);
		while ((y = l.cfg->child))
			cJSON_AddItemToObject(o, y->string, cJSON_DetachItemViaPointer(l.cfg, y));
		cJSON_Delete(l.cfg);
		cJSON_Delete(f.cfg);
		cJSON_Delete(f.unrendered);
		l.cfg = o;
	}
	free(parts);
	if (cfgfinish(l.cfg, &err) < 0)
		fatal("%s%s: %s: %s", r->pre, jstr(n, "original_file_path"), uid, err);
	if (k == CTEST)
		storefailures(r, l.cfg, jstr(n, "original_file_path"), uid);
	en = cJSON_GetObjectItemCaseSensitive(l.cfg, "enabled");
	if (!cJSON_IsBool(en))
		fatal("%s%s: %s: config enabled is not true or false", r->pre,
		    jstr(n, "original_file_path"), uid);
	mat = cJSON_GetObjectItemCaseSensitive(l.cfg, "materialized");
	/* a disabled node's materialization is never looked for */
	if (k == CMODEL && cJSON_IsTrue(en) && (!cJSON_IsString(mat) || (strcmp(mat->valuestring, "view") &&
	    strcmp(mat->valuestring, "table") && strcmp(mat->valuestring, "incremental") &&
	    strcmp(mat->valuestring, "ephemeral") && strcmp(mat->valuestring, "materialized_view"))))
		fatal("%s%s: %s: materialized %s: a custom materialization, which dbt2ninja does "
		    "not run (only view, table, incremental, ephemeral and materialized_view)",
		    r->pre, jstr(n, "original_file_path"), uid,
		    cJSON_IsString(mat) ? mat->valuestring : "that is not a string");
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(l.cfg, "quoting")) > 0)
		fatal("%s%s: %s: config quoting is not read here yet (a manifest from dbt parse "
		    "works instead)", r->pre, jstr(n, "original_file_path"), uid);
	cJSON_ReplaceItemInObjectCaseSensitive(n, "config", l.cfg);
	cJSON_ReplaceItemInObjectCaseSensitive(n, "unrendered_config", l.unrendered);
}

static int
enabled(const cJSON *n)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n,
	    "config"), "enabled"));
}

/* A node disabled, as dbt's add_disabled: out of nodes, into the
 * manifest's disabled map, under its unique_id a list of it. */
static void
disable(struct reader *r, cJSON *n)
{
	cJSON *l = cJSON_CreateArray();

	cJSON_AddItemToArray(l, take(r, r->nodes, jstr(n, "unique_id")));
	add(r, r->disabled, jstr(n, "unique_id"), l);
}

/* What dbt's update_parsed_node_config takes from a node's config onto
 * the node: its tags (those it had, then the config's, each once), meta,
 * group and access when set (never unset), docs. */
static void
fromconfig(struct reader *r, cJSON *n, const char *file)
{
	cJSON *tags = cJSON_GetObjectItemCaseSensitive(n, "tags");
	cJSON *cfg = cJSON_GetObjectItemCaseSensitive(n, "config");
	cJSON *ct = cJSON_GetObjectItemCaseSensitive(cfg, "tags"), *x, *y;
	const char *uid = jstr(n, "unique_id");

	cJSON_ArrayForEach(x, ct) {
		if (!cJSON_IsString(x))
			fatal("%s: tags: not a list of strings", uid);
		cJSON_ArrayForEach(y, tags)
			if (!strcmp(y->valuestring, x->valuestring))
				break;
		if (!y)
			cJSON_AddItemToArray(tags, cJSON_CreateString(x->valuestring));
	}
	if (!cJSON_GetObjectItemCaseSensitive(n, "group"))
		cJSON_AddNullToObject(n, "group");
	if ((x = cJSON_GetObjectItemCaseSensitive(cfg, "meta")) && !cJSON_IsObject(x))
		fatal("%s%s: %s: config meta is not a mapping", r->pre, file, uid);
	if (x && x->child)
		cJSON_ReplaceItemInObjectCaseSensitive(n, "meta", cJSON_Duplicate(x, 1));
	x = cJSON_GetObjectItemCaseSensitive(cfg, "group");
	if (x && !cJSON_IsNull(x) && !cJSON_IsString(x))
		fatal("%s%s: %s: config group is not a string", r->pre, file, uid);
	if (cJSON_IsString(x) && *x->valuestring)
		cJSON_ReplaceItemInObjectCaseSensitive(n, "group", cJSON_CreateString(x->valuestring));
	if (!strcmp(jstr(n, "resource_type"), "model")) {
		x = cJSON_GetObjectItemCaseSensitive(cfg, "access");
		if (!cJSON_GetObjectItemCaseSensitive(n, "access"))
			cJSON_AddStringToObject(n, "access", "protected");
		if (cJSON_IsString(x) && strcmp(x->valuestring, "private") &&
		    strcmp(x->valuestring, "protected") && strcmp(x->valuestring, "public"))
			fatal("%s%s: Node %s has an invalid value (%s) for the access field", r->pre,
			    file, uid, x->valuestring);
		if (x && !cJSON_IsNull(x) && !cJSON_IsString(x))
			fatal("%s%s: %s: config access is not a string", r->pre, file, uid);
		if (cJSON_IsString(x) && *x->valuestring)
			cJSON_ReplaceItemInObjectCaseSensitive(n, "access",
			    cJSON_CreateString(x->valuestring));
	}
	x = cJSON_GetObjectItemCaseSensitive(cfg, "docs");
	if (x) {
		const cJSON *show = cJSON_GetObjectItemCaseSensitive(x, "show");
		const cJSON *color = cJSON_GetObjectItemCaseSensitive(x, "node_color");
		cJSON_ArrayForEach(y, x)
			if (strcmp(y->string, "show") && strcmp(y->string, "node_color"))
				fatal("%s%s: %s: config docs: %s is not read here", r->pre, file, uid,
				    y->string);
		if (!cJSON_IsObject(x) || !cJSON_IsBool(show) || (color && !cJSON_IsNull(color) &&
		    !cJSON_IsString(color)))
			fatal("%s%s: %s: config docs is not {show: true or false, node_color}", r->pre,
			    file, uid);
		/* dbt's Docs of it: node_color None when not set (a test's
		 * config has no docs field to default it) */
		cJSON_DeleteItemFromObjectCaseSensitive(n, "docs");
		y = cJSON_AddObjectToObject(n, "docs");
		cJSON_AddBoolToObject(y, "show", cJSON_IsTrue(show));
		cJSON_AddItemToObject(y, "node_color", color ? cJSON_Duplicate(color, 1) :
		    cJSON_CreateNull());
	} else if (!cJSON_GetObjectItemCaseSensitive(n, "docs")) {
		y = cJSON_AddObjectToObject(n, "docs");
		cJSON_AddTrueToObject(y, "show");
		cJSON_AddNullToObject(y, "node_color");
	}
}

/* dbt's update_parsed_node_config renders a node's hooks (pre-hooks,
 * then post-hooks) as it parses, each time it configures the node but for
 * a test: what they ref(), source() and call is the node's too, the refs
 * and sources once more for each render. A seed has no refs to take. */
static void
hookrefs(struct reader *r, cJSON *n, const char *rel)
{
	static const char *const kinds[] = {"pre-hook", "post-hook"};
	cJSON *cfg = cJSON_GetObjectItemCaseSensitive(n, "config"), *x, *calls;
	cJSON *macros = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n,
	    "depends_on"), "macros");
	int seed = !strcmp(jstr(n, "resource_type"), "seed");
	size_t k;
	char *err;

	for (k = 0; k < 2; k++)
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(cfg, kinds[k])) {
			char *name = xasprintf("%s%s: %s", r->pre, rel, kinds[k]);
			const char *sql = jstr(x, "sql");
			int had = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(n, "refs")) +
			    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(n, "sources"));
			calls = cJSON_CreateObject();
			if (sql && pctxrender(r->pc, n, name, sql, calls, macros, &err) < 0)
				fatal("%s (%s)", err, jstr(n, "unique_id"));
			if (cJSON_GetArraySize(calls))
				fatal("%s: config() in a hook is not read here (a manifest from dbt parse "
				    "works instead) (%s)", name, jstr(n, "unique_id"));
			if (seed && had != cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(n, "refs")) +
			    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(n, "sources")))
				fatal("%s: ref() or source() in a seed's hook: dbt's seed has no refs (%s)",
				    name, jstr(n, "unique_id"));
			cJSON_Delete(calls);
			free(name);
		}
}

/* A node's first pass, as dbt's parse: configured by the project tree,
 * rendered (calls takes its config() calls, its refs and sources and the
 * macros it calls are recorded), configured again with its calls; its tags
 * those of that config. */
static void
firstpass(struct reader *r, cJSON *n, enum ckind k, const char *tree, const char *rel,
    const char *raw, cJSON *calls)
{
	char *err, *name = xasprintf("%s%s", r->pre, rel);

	resolve(r, n, k, tree, NULL, NULL);
	if (pctxrender(r->pc, n, name, raw, calls,
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n, "depends_on"), "macros"),
	    &err) < 0)
		fatal("%s (%s)", err, jstr(n, "unique_id"));
	free(name);
	resolve(r, n, k, tree, NULL, calls);
	fromconfig(r, n, rel);
	if (k != CTEST)
		hookrefs(r, n, rel);
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
			bufrelpart(&b, part[i], '"');
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
	static const char *const field[3] = {"database", "schema", "alias"};
	static const char *const macro[3] = {"generate_database_name",
	    "generate_schema_name", "generate_alias_name"};
	cJSON *cfg = cJSON_GetObjectItemCaseSensitive(n, "config");
	const char *custom[3];
	char *out[3], *err;
	size_t i;

	for (i = 0; i < 3; i++) {
		cJSON *c = cJSON_GetObjectItemCaseSensitive(cfg, field[i]);
		if (c && !cJSON_IsNull(c) && !cJSON_IsString(c))
			fatal("%s%s: %s: config %s is not a string", r->pre,
			    jstr(n, "original_file_path"), jstr(n, "unique_id"), field[i]);
		custom[i] = cJSON_IsString(c) ? c->valuestring : NULL;
	}
	if (pctxnames(r->pc, macro, field, custom, n, out, &err) < 0)
		fatal("%s (%s)", err, jstr(n, "unique_id"));
	for (i = 0; i < 3; i++) {
		cJSON_ReplaceItemInObjectCaseSensitive(n, field[i], cJSON_CreateString(out[i]));
		free(out[i]);
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
	/* two enabled are dbt's error; one disabled, dbt keeps both */
	if (get(r, r->nodes, uid) || get(r, r->disabled, uid))
		fatal("%s%s: a second %s named %s (the first is %s): two nodes of one name, dbt's "
		    "error when both are enabled, not read here when one is disabled (a manifest "
		    "from dbt parse works instead)", r->pre,
		    ofp, type, name, jstr(get(r, r->nodes, uid) ? get(r, r->nodes, uid) :
		    get(r, r->disabled, uid)->child, "original_file_path"));
	add(r, r->nodes, uid, n);
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

/* The docs block doc(name) or doc(package, name) names, as dbt's
 * resolve_doc finds it: the root project's, the node's package's, then
 * any package's; NULL when there is none. */
static const char *
docfind(struct reader *r, const char *pkg, const char *name)
{
	const char *order[2] = {pkg ? pkg : r->root, pkg ? NULL : r->name};
	const cJSON *x;
	size_t i;

	for (i = 0; i < 2; i++) {
		char *uid = order[i] ? xasprintf("doc.%s.%s", order[i], name) : NULL;
		x = uid ? cJSON_GetObjectItemCaseSensitive(r->docs, uid) : NULL;
		free(uid);
		if (x)
			return x->string;
	}
	cJSON_ArrayForEach(x, (pkg ? NULL : r->docs))
		if (strrchr(x->string, '.') && !strcmp(strrchr(x->string, '.') + 1, name))
			return x->string;
	return NULL;
}

/* The doc_blocks of a description, as dbt's _get_doc_blocks: the docs
 * blocks of each {{ doc(...) }} at its top level (a call that is the
 * whole of a {{ }}, of one or two constant arguments) found, in order. A
 * statement at the top level is refused, as dbt fails on it. */
static cJSON *
docblocks(struct reader *r, const char *file, const char *uid, const char *d)
{
	cJSON *l = cJSON_CreateArray();
	struct arena a = {0};
	struct jsrc src;
	struct jnl body = {0};
	struct jerr e;
	size_t i, j;

	if (!strstr(d, "{{") && !strstr(d, "{%"))
		return l;
	if (jlex(&a, file, d, strlen(d), &src, &e) < 0 || jparse(&a, &src, &body, &e) < 0)
		fatal("%s%s (%s): %s", r->pre, file, uid, jerrstr(&src, &e));
	for (i = 0; i < body.n; i++) {
		const struct jnode *x = body.v[i], *f = x->a;
		const char *arg[2] = {NULL, NULL}, *found;
		if (x->k == N_DATA || x->k == N_MARK)
			continue;
		if (x->k != N_OUTPUT)
			fatal("%s%s (%s): a description with a statement ({%% %%}) at its top "
			    "level, on which dbt's parse fails ('%s' object has no attribute "
			    "'nodes')", r->pre, file, uid, x->k == N_IF ? "If" : x->k == N_FOR ?
			    "For" : x->k == N_SET ? "Assign" : x->k == N_MACRO ? "Macro" :
			    "statement");
		if (f->k != N_CALL || f->a->k != N_NAME || strcmp(f->a->name, "doc") ||
		    f->kids.n < 1 || f->kids.n > 2)
			continue;
		for (j = 0; j < f->kids.n; j++) {
			const struct jnode *k = f->kids.v[j];
			if (k->k != N_CONST || k->val->type != JSTR)
				fatal("%s%s (%s): doc() of an argument that is not a constant "
				    "string: not read here (a manifest from dbt parse works "
				    "instead)", r->pre, file, uid);
			arg[j] = k->val->u.str.s;
		}
		if ((found = docfind(r, arg[1] ? arg[0] : NULL, arg[1] ? arg[1] : arg[0])))
			cJSON_AddItemToArray(l, cJSON_CreateString(found));
	}
	arenafree(&a);
	return l;
}

/* A description rendered as dbt's process_docs renders it; with blocks,
 * its doc_blocks. */
static void
describe1(struct reader *r, cJSON *n, cJSON *o, const char *file, int blocks)
{
	const char *d = jstr(o, "description");
	char *out, *err, *name;

	if (!d)
		return;
	if (blocks) {
		cJSON *l = docblocks(r, file, jstr(n, "unique_id"), d);
		if (cJSON_GetObjectItemCaseSensitive(o, "doc_blocks"))
			cJSON_ReplaceItemInObjectCaseSensitive(o, "doc_blocks", l);
		else
			cJSON_AddItemToObject(o, "doc_blocks", l);
	}
	name = xasprintf("%s%s (%s)", r->pre, file, jstr(n, "unique_id"));
	if (pctxdesc(r->pc, n, name, d, &out, &err) < 0)
		fatal("%s", err);
	cJSON_ReplaceItemInObjectCaseSensitive(o, "description", cJSON_CreateString(out));
	free(out);
	free(name);
}

/* The node's description and its columns'. */
static void
describe(struct reader *r, cJSON *n, const char *file)
{
	cJSON *c;

	describe1(r, n, n, file, 1);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(n, "columns"))
		describe1(r, n, c, file, 1);
}

/* A node patched from its properties in file (or NULL: none), its config
 * resolved: its descriptions rendered when it is enabled, as dbt's
 * process_docs renders the enabled nodes' alone (one its properties
 * disable keeps them as written). */
static void
patched(struct reader *r, cJSON *n, const char *file)
{
	if (file && enabled(n))
		describe(r, n, file);
}

/* Whether package pkg has an enabled model, seed or snapshot named name
 * (what dbt's ref_lookup finds). */
static int
refable(struct reader *r, const char *pkg, const char *name)
{
	static const char *const kinds[] = {"model", "seed", "snapshot"};
	size_t i;
	int found = 0;

	for (i = 0; i < 3 && !found; i++) {
		char *uid = xasprintf("%s.%s.%s", kinds[i], pkg, name);
		found = get(r, r->nodes, uid) != NULL;
		free(uid);
	}
	return found;
}

static int
versioned(const cJSON *p)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(p,
	    "entry"), "versions")) > 0;
}

/* Another package's patch of n, as dbt's NodePatchParser finds a patch's
 * node: its own package's of that name, else the first package's (the
 * root first) of any; NULL when none is n's. Of a package read after n's,
 * whose nodes are not known yet, it is taken now and checked once every
 * node is read (patchcheck). */
static cJSON *
crosspatch(struct reader *r, cJSON *n, const char *kind)
{
	const char *name = jstr(n, "name");
	cJSON *found = NULL, *p;
	size_t i, cur;

	for (cur = 0; strcmp(r->projs[cur].name, r->name); cur++)
		;
	for (i = 0; i < cur; i++)
		if (refable(r, r->projs[i].name, name))
			return NULL;
	for (i = 0; i < r->nprojs; i++) {
		char *key = xasprintf("%s %s %s", r->projs[i].name, kind, name);
		p = i == cur ? NULL : get(r, r->patches, key);
		free(key);
		if (!p || cJSON_GetObjectItemCaseSensitive(p, "used") || versioned(p) ||
		    (i < cur && refable(r, r->projs[i].name, name)))
			continue;
		if (found)
			fatal("%s%s: dbt found two schema.yml entries for the same resource named %s "
			    "(and %s%s)", project(r, jstr(found, "package"))->pre, jstr(found, "file"),
			    name, r->projs[i].pre, jstr(p, "file"));
		found = p;
	}
	if (found)
		cJSON_AddStringToObject(found, "claimed", jstr(n, "unique_id"));
	return found;
}

/* What crosspatch decided before a package's nodes were read: the patch's
 * own package has no enabled node of its name, and the node it went to is
 * enabled; else dbt's choice is not known here. */
static void
patchcheck(struct reader *r)
{
	cJSON *p;

	cJSON_ArrayForEach(p, r->patches) {
		const char *uid = jstr(p, "claimed"), *pkg = jstr(p, "package"), *name = jstr(p, "name");
		int other = 0;
		size_t i;
		/* its own package's node disabled: dbt's goes to another's */
		for (i = 0; !uid && cJSON_GetObjectItemCaseSensitive(p, "used") && !versioned(p) &&
		    !refable(r, pkg, name) && i < r->nprojs; i++)
			other |= strcmp(r->projs[i].name, pkg) && refable(r, r->projs[i].name, name);
		if (other || (uid && (refable(r, pkg, name) || !get(r, r->nodes, uid))))
			fatal("%s%s: %s %s: unsupported: a patch of another package's node but for "
			    "an enabled node of that name (a manifest from dbt parse works instead)",
			    project(r, jstr(p, "package"))->pre, jstr(p, "file"), jstr(p, "kind"),
			    jstr(p, "name"));
	}
}

/* The patch of kind and name: its config, and the description and
 * columns it gives the node. */
static cJSON *
patch(struct reader *r, cJSON *n, const char *kind, const char **file)
{
	char *key = xasprintf("%s %s %s", r->name, kind, jstr(n, "name"));
	cJSON *p = get(r, r->patches, key), *e, *cfg, *o;
	char *pp;

	free(key);
	*file = NULL;
	/* taken by another package's node (crosspatch) */
	if (p && jstr(p, "claimed"))
		p = NULL;
	/* a model's with versions is its versions' (versionpatch) */
	if (p && versioned(p))
		return NULL;
	if ((o = crosspatch(r, n, kind)) && p)
		fatal("%s%s: dbt found two schema.yml entries for the same resource named %s "
		    "(and %s%s)", r->pre, jstr(p, "file"), jstr(n, "name"),
		    project(r, jstr(o, "package"))->pre, jstr(o, "file"));
	if (!p && !(p = o))
		return NULL;
	cJSON_AddTrueToObject(p, "used");
	*file = jstr(p, "file");
	e = cJSON_GetObjectItemCaseSensitive(p, "entry");
	if (jstr(e, "description"))
		cJSON_ReplaceItemInObjectCaseSensitive(n, "description",
		    cJSON_CreateString(jstr(e, "description")));
	cJSON_ReplaceItemInObjectCaseSensitive(n, "columns", columns(e));
	pp = xasprintf("%s://%s", jstr(p, "package"), *file);
	cJSON_ReplaceItemInObjectCaseSensitive(n, "patch_path", cJSON_CreateString(pp));
	free(pp);
	cfg = cJSON_GetObjectItemCaseSensitive(e, "config");
	if (cfg && !cJSON_IsObject(cfg))
		fatal("%s%s: %s %s: config is not a mapping", r->pre, *file, kind, jstr(n, "name"));
	return cfg;
}

/* ---- model versions ---- */

static void modelfinish(struct reader *, cJSON *, cJSON *);

/* The columns of version v of the model entry e, as dbt's
 * get_columns_for_version: e's that v's include/exclude takes, then v's
 * own. */
static cJSON *
vcolumns(const cJSON *e, const cJSON *v)
{
	cJSON *l = cJSON_CreateArray();
	const cJSON *c, *ie = NULL, *x;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(v, "columns"))
		if (cJSON_GetObjectItemCaseSensitive(c, "include"))
			ie = c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(e, "columns")) {
		const char *name = jstr(c, "name");
		const cJSON *in = cJSON_GetObjectItemCaseSensitive(ie, "include");
		int in1 = !ie || cJSON_IsString(in);
		cJSON_ArrayForEach(x, (cJSON_IsArray(in) ? in : (const cJSON *)NULL))
			in1 |= cJSON_IsString(x) && !strcmp(x->valuestring, name);
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(ie, "exclude"))
			in1 &= !(cJSON_IsString(x) && !strcmp(x->valuestring, name));
		if (in1)
			cJSON_AddItemToArray(l, cJSON_Duplicate(c, 1));
	}
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(v, "columns"))
		if (!cJSON_GetObjectItemCaseSensitive(c, "include"))
			cJSON_AddItemToArray(l, cJSON_Duplicate(c, 1));
	return l;
}

/* dbt_common's deep_merge of b into a: mappings merged, all else
 * replaced. */
static void
deepmerge(cJSON *a, const cJSON *b)
{
	const cJSON *x;
	cJSON *have;

	cJSON_ArrayForEach(x, b) {
		have = cJSON_GetObjectItemCaseSensitive(a, x->string);
		if (have && cJSON_IsObject(have) && cJSON_IsObject(x))
			deepmerge(have, x);
		else if (have)
			cJSON_ReplaceItemInObjectCaseSensitive(a, x->string, cJSON_Duplicate(x, 1));
		else
			cJSON_AddItemToObject(a, x->string, cJSON_Duplicate(x, 1));
	}
}

/* The version of a versioned model's patch at vi ({key, i}), as dbt's
 * ModelPatchParser builds its versioned_model_patch: description,
 * columns and patch_path given to n; its config (new), version and
 * latest version (new) returned. */
static cJSON *
versionpatch(struct reader *r, cJSON *n, const cJSON *vi, const char **file, cJSON **version,
    cJSON **latest)
{
	cJSON *p = get(r, r->patches, jstr(vi, "key"));
	cJSON *e = cJSON_GetObjectItemCaseSensitive(p, "entry"), *cfg, *tmp;
	cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(e, "versions"),
	    cJSON_GetObjectItemCaseSensitive(vi, "i")->valueint);
	const char *d = jstr(v, "description");
	char *pp;

	cJSON_AddTrueToObject(p, "used");
	*file = jstr(p, "file");
	if (!d || !*d)
		d = jstr(e, "description");
	cJSON_ReplaceItemInObjectCaseSensitive(n, "description", cJSON_CreateString(d ? d : ""));
	tmp = cJSON_CreateObject();
	cJSON_AddItemToObject(tmp, "columns", vcolumns(e, v));
	cJSON_ReplaceItemInObjectCaseSensitive(n, "columns", columns(tmp));
	cJSON_Delete(tmp);
	pp = xasprintf("%s://%s", r->name, *file);
	cJSON_ReplaceItemInObjectCaseSensitive(n, "patch_path", cJSON_CreateString(pp));
	free(pp);
	cfg = cJSON_GetObjectItemCaseSensitive(e, "config");
	if (cfg && !cJSON_IsObject(cfg))
		fatal("%s%s: model %s: config is not a mapping", r->pre, *file, jstr(e, "name"));
	cfg = cfg ? cJSON_Duplicate(cfg, 1) : cJSON_CreateObject();
	deepmerge(cfg, cJSON_GetObjectItemCaseSensitive(v, "config"));
	*version = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(v, "v"), 1);
	*latest = cJSON_Duplicate(versioncheck(r, *file, jstr(e, "name"), e), 1);
	return cfg;
}

/* Whether model file n was disabled before its properties. */
static int
early(struct reader *r, const cJSON *n)
{
	size_t i;

	for (i = 0; i < r->nmodels; i++)
		if (r->models[i].node == n)
			return r->models[i].early;
	return 0;
}

/* The model files of the project in use that versions of its properties
 * name (defined_in, else NAME_vV, else NAME for the latest, when not
 * disabled by then), as dbt's ModelPatchParser finds them: each renamed
 * NAME, its unique_id model.PKG.NAME.vV, its fqn NAME then vV. */
static void
claimversions(struct reader *r)
{
	cJSON *p, *v;

	cJSON_ArrayForEach(p, r->patches) {
		cJSON *e = cJSON_GetObjectItemCaseSensitive(p, "entry");
		const char *name = jstr(p, "name");
		const cJSON *latest;
		int i = 0;
		if (strcmp(jstr(p, "package"), r->name) || strcmp(jstr(p, "kind"), "model") ||
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(e, "versions")) == 0)
			continue;
		latest = versioncheck(r, jstr(p, "file"), name, e);
		cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(e, "versions")) {
			char *vt = vtext(cJSON_GetObjectItemCaseSensitive(v, "v"));
			char *vname = jstr(v, "defined_in") ? xstrdup(jstr(v, "defined_in")) :
			    xasprintf("%s_v%s", name, vt);
			char *uid = xasprintf("model.%s.%s", r->name, vname), *nuid, *vv;
			cJSON *n = get(r, r->nodes, uid), *fqn, *vi;
			int islatest = cJSON_Compare(cJSON_GetObjectItemCaseSensitive(v, "v"), latest, 1);
			if (!n && islatest) {
				free(uid);
				uid = xasprintf("model.%s.%s", r->name, name);
				if ((n = get(r, r->nodes, uid)) && early(r, n))
					n = NULL;
			}
			if (!n) {
				warn("warning: %s%s: no model named %s (version %s of %s): its "
				    "properties are left out, as dbt leaves them", r->pre, jstr(p, "file"),
				    vname, vt, name);
			} else {
				nuid = xasprintf("model.%s.%s.v%s", r->name, name, vt);
				if (get(r, r->nodes, nuid))
					fatal("%s%s: model %s: version %s is %s, and a model file is named so too",
					    r->pre, jstr(p, "file"), name, vt, nuid);
				take(r, r->nodes, uid);
				cJSON_ReplaceItemInObjectCaseSensitive(n, "unique_id", cJSON_CreateString(nuid));
				cJSON_ReplaceItemInObjectCaseSensitive(n, "name", cJSON_CreateString(name));
				fqn = cJSON_GetObjectItemCaseSensitive(n, "fqn");
				cJSON_ReplaceItemInArray(fqn, cJSON_GetArraySize(fqn) - 1, cJSON_CreateString(name));
				vv = xasprintf("v%s", vt);
				cJSON_AddItemToArray(fqn, cJSON_CreateString(vv));
				free(vv);
				add(r, r->nodes, nuid, n);
				vi = cJSON_AddObjectToObject(r->vinfo, nuid);
				cJSON_AddStringToObject(vi, "key", p->string);
				cJSON_AddNumberToObject(vi, "i", i);
				/* its tests find no attached_node then */
				cJSON_AddBoolToObject(vi, "early", early(r, n));
				if (islatest) {
					char *lk = xasprintf("model.%s.%s", r->name, name);
					cJSON_AddStringToObject(r->latest, lk, nuid);
					free(lk);
				}
				free(nuid);
			}
			free(uid);
			free(vname);
			free(vt);
			i++;
		}
	}
}

/* A versioned model and an unversioned node of its name in one package:
 * dbt's DuplicateVersionedUnversionedError. */
static void
unversioned(struct reader *r)
{
	static const char *const kinds[] = {"model", "seed", "snapshot"};
	const cJSON *vi;
	size_t k;

	cJSON_ArrayForEach(vi, r->vinfo) {
		cJSON *v = get(r, r->nodes, vi->string), *n;
		if (!v)
			continue;
		for (k = 0; k < 3; k++) {
			char *uid = xasprintf("%s.%s.%s", kinds[k], jstr(v, "package_name"), jstr(v, "name"));
			if ((n = get(r, r->nodes, uid)))
				fatal("%s%s: dbt found versioned and unversioned models with the name \"%s\": "
				    "change the name of the unversioned resource %s (%s) or add the "
				    "unversioned model to the versions in %s",
				    project(r, jstr(v, "package_name"))->pre, jstr(v, "original_file_path"),
				    jstr(v, "name"), uid, jstr(n, "original_file_path"), jstr(v, "patch_path"));
			free(uid);
		}
	}
}

/* The project's model files read: their versions found, then their
 * properties applied. */
static void
modelsdone(struct reader *r)
{
	size_t i;

	claimversions(r);
	for (i = 0; i < r->nmodels; i++) {
		modelfinish(r, r->models[i].node, r->models[i].calls);
		cJSON_Delete(r->models[i].calls);
	}
	free(r->models);
	r->models = NULL;
	r->nmodels = r->capmodels = 0;
}

static void
modelfile(struct reader *r, const char *rel, const char *below, void *arg)
{
	char *name, *raw;
	cJSON *n, *calls;

	(void)arg;
	if (hassuffix(rel, ".py"))
		fatal("%s%s: a python model: only dbt renders it (a manifest from dbt parse "
		    "works instead)", r->pre, rel);
	if (!hassuffix(rel, ".sql"))
		return;
	name = xmemdup(strrchr(rel, '/') + 1, strlen(strrchr(rel, '/') + 1) - 4);
	raw = contents(r, rel, 1);
	n = newnode(r, "model", name, below, rel, fqnof(r->name, below, name));
	checksum(n, raw, strlen(raw));
	cJSON_ReplaceItemInObjectCaseSensitive(n, "raw_code", cJSON_CreateString(raw));
	/* rendered as dbt's parse renders it, with the project's config */
	calls = cJSON_CreateObject();
	firstpass(r, n, CMODEL, "models", rel, raw, calls);
	/* its properties once every model file is read (modelsdone) */
	if (r->nmodels == r->capmodels) {
		r->capmodels = r->capmodels ? 2 * r->capmodels : 64;
		r->models = xreallocarray(r->models, r->capmodels, sizeof(*r->models));
	}
	r->models[r->nmodels].node = n;
	r->models[r->nmodels].early = !enabled(n);
	if (!enabled(n))
		cJSON_AddTrueToObject(r->early, jstr(n, "unique_id"));
	r->models[r->nmodels++].calls = calls;
	free(raw);
	free(name);
}

/* A model's properties applied, as dbt's schema parsing does once its
 * files are read: its config anew with them, its names. */
/* The ref() or source() of each foreign key of l among n's refs. */
static void
fkrefs(struct reader *r, cJSON *n, const cJSON *l, const char *file, cJSON *calls)
{
	const cJSON *k;
	const char *to, *q;
	char *src, *err, *name;

	cJSON_ArrayForEach(k, l) {
		if (strcmp(jstr(k, "type"), "foreign_key") || !(to = jstr(k, "to")) || !*to)
			continue;
		for (q = to; *q == ' '; q++)
			;
		if ((strncmp(q, "ref(", 4) && strncmp(q, "source(", 7)) ||
		    to[strlen(to) - 1] != ')' || strpbrk(to, "{}%#"))
			fatal("%s%s: Invalid 'ref' or 'source' syntax on foreign key constraint 'to' "
			    "on model %s: %s.", r->pre, file, jstr(n, "name"), to);
		src = xasprintf("{{ %s }}", to);
		name = xasprintf("%s%s", r->pre, file);
		if (pctxrender(r->pc, n, name, src, calls, NULL, &err) < 0)
			fatal("%s (%s)", err, jstr(n, "unique_id"));
		free(name);
		free(src);
	}
}

/* The constraints of a model's properties (a version's, else the
 * model's), as dbt's patch_constraints takes them: checked, the node's,
 * and the ref() or source() of each foreign key's to among its refs. */
static void
modelconstraints(struct reader *r, cJSON *n, const cJSON *vi, const char *file)
{
	const char *name = jstr(n, "name"), *ofp = jstr(n, "original_file_path");
	char *key = xasprintf("%s model %s", r->name, name);
	cJSON *e = cJSON_GetObjectItemCaseSensitive(get(r, r->patches, key), "entry");
	cJSON *l = cJSON_GetObjectItemCaseSensitive(e, "constraints"), *c, *k, *calls;
	char *many = NULL;
	cJSON *cols = cJSON_GetObjectItemCaseSensitive(n, "columns"), *x;
	struct buf pk = {0};
	int npk = 0, mpk = 0;

	free(key);
	if (vi) {
		x = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(e, "versions"),
		    cJSON_GetObjectItemCaseSensitive(vi, "i")->valueint);
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(x, "constraints")) > 0)
			l = cJSON_GetObjectItemCaseSensitive(x, "constraints");
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n,
	    "contract"), "enforced")) && !cols->child)
		fatal("%s%s: Contract enforcement failed for: (%s)\nConstraints must be defined in a "
		    "`yml` schema configuration file like `schema.yml`.", r->pre, ofp, ofp);
	cJSON_ArrayForEach(c, cols)
		cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(c, "constraints"))
			if (!strcmp(jstr(k, "type"), "primary_key")) {
				bufprintf(&pk, "%s'%s'", npk ? ", " : "", c->string);
				npk++;
			}
	cJSON_ArrayForEach(k, l)
		mpk |= !strcmp(jstr(k, "type"), "primary_key");
	if (npk > 1)
		many = xasprintf("Found %d columns ([%s]) with primary key constraints defined. "
		    "Primary keys for multiple columns must be defined as a model level constraint.",
		    npk, pk.s);
	if (npk > 1 || (npk && mpk))
		fatal("%s%s: Primary key constraint error: (%s)\n%s%s%s", r->pre, ofp, ofp,
		    many ? many : "", many && mpk ? "\n" : "", npk && mpk ? "Primary key "
		    "constraints defined at the model level and the columns level. Primary keys can "
		    "be defined at the model level or the column level, not both." : "");
	buffree(&pk);
	cJSON_DeleteItemFromObjectCaseSensitive(n, "constraints");
	cJSON_AddItemToObject(n, "constraints", constraintsof(l, 1));
	/* a foreign key's to: a ref() or source() call, rendered to learn it
	 * (the model's constraints, then its columns', as all_constraints) */
	calls = cJSON_CreateObject();
	fkrefs(r, n, cJSON_GetObjectItemCaseSensitive(n, "constraints"), file ? file : ofp, calls);
	cJSON_ArrayForEach(x, cols)
		fkrefs(r, n, cJSON_GetObjectItemCaseSensitive(x, "constraints"), file ? file : ofp, calls);
	cJSON_Delete(calls);
}

static void
modelfinish(struct reader *r, cJSON *n, cJSON *calls)
{
	const char *rel = jstr(n, "original_file_path"), *file;
	cJSON *cfg, *patchcfg, *vi = cJSON_GetObjectItemCaseSensitive(r->vinfo, jstr(n, "unique_id"));
	cJSON *version = NULL, *latest = NULL;

	if (vi)
		patchcfg = versionpatch(r, n, vi, &file, &version, &latest);
	else
		patchcfg = cJSON_Duplicate(patch(r, n, "model", &file), 1);
	resolve(r, n, CMODEL, "models", patchcfg, calls);
	patched(r, n, file);
	fromconfig(r, n, file ? file : rel);
	if (cJSON_GetArraySize(patchcfg))
		hookrefs(r, n, rel);
	/* generate_alias_name reads the version */
	cJSON_AddItemToObject(n, "version", version ? version : cJSON_CreateNull());
	cJSON_AddItemToObject(n, "latest_version", latest ? latest : cJSON_CreateNull());
	names(r, n);
	cfg = cJSON_GetObjectItemCaseSensitive(n, "config");
	if (!jstr(cfg, "materialized") || strcmp(jstr(cfg, "materialized"), "ephemeral"))
		relname(r, n);
	cJSON_AddItemToObject(n, "contract", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cfg, "contract"), 1));
	cJSON_AddNullToObject(cJSON_GetObjectItemCaseSensitive(n, "contract"), "checksum");
	modelconstraints(r, n, vi, file);
	{
		char *key = xasprintf("%s model %s", r->name, jstr(n, "name"));
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(get(r, r->patches, key), "entry");
		/* a version's deprecation_date is its own, its time_spine none */
		cJSON_AddItemToObject(n, "deprecation_date", deprecation(r, file, jstr(n, "name"),
		    vi ? cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(e, "versions"),
		    cJSON_GetObjectItemCaseSensitive(vi, "i")->valueint) : e));
		cJSON_AddItemToObject(n, "time_spine", vi ? cJSON_CreateNull() : timespine(r, file, e));
		free(key);
	}
	if (enabled(n))
		cJSON_AddItemToArray(r->pending, cJSON_CreateString(jstr(n, "unique_id")));
	else
		disable(r, n);
	cJSON_Delete(patchcfg);
}

static void snapfinish(struct reader *, cJSON *, const char *, const char *);

/* A snapshot block of a snapshot file. */
struct snaparg {
	struct reader *r;
	const char *rel, *below, *file;	/* the file, its text stripped */
};

static void
onsnapshot(void *arg, const char *name, const char *body, size_t len)
{
	struct snaparg *sa = arg;
	struct reader *r = sa->r;
	char *raw = xmemdup(body, len), *noext, *fqpath;
	cJSON *n;

	/* dbt's fqn of a snapshot holds its file's name */
	noext = xmemdup(sa->below, strlen(sa->below) - 4);
	fqpath = xasprintf("%s/%s", noext, name);
	n = newnode(r, "snapshot", name, sa->below, sa->rel, fqnof(r->name, fqpath, name));
	checksum(n, sa->file, strlen(sa->file));
	cJSON_ReplaceItemInObjectCaseSensitive(n, "raw_code", cJSON_CreateString(raw));
	snapfinish(r, n, sa->rel, raw);
	free(fqpath);
	free(noext);
	free(raw);
}

/* SnapshotConfig.final_validate, with dbt's words. */
static void
snapcheck(struct reader *r, const cJSON *cfg, const char *rel, const char *name)
{
	const char *strategy = jstr(cfg, "strategy"), *mat = jstr(cfg, "materialized");
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(cfg, "unique_key");

	if (!strategy || !*strategy || !x || cJSON_IsNull(x) || (cJSON_IsString(x) && !*x->valuestring))
		fatal("%s%s: %s: Snapshots must be configured with a 'strategy' and 'unique_key'.",
		    r->pre, rel, name);
	x = cJSON_GetObjectItemCaseSensitive(cfg, "check_cols");
	if (!strcmp(strategy, "check") && (!x || cJSON_IsNull(x) || (cJSON_IsString(x) &&
	    strcmp(x->valuestring, "all")) || (cJSON_IsArray(x) && !x->child)))
		fatal("%s%s: %s: a check snapshot's check_cols must be 'all' or a list of columns",
		    r->pre, rel, name);
	if (!strcmp(strategy, "timestamp") && (!jstr(cfg, "updated_at") ||
	    (x && !cJSON_IsNull(x) && !(cJSON_IsArray(x) && !x->child))))
		fatal("%s%s: %s: A snapshot configured with the timestamp strategy must specify an "
		    "updated_at configuration, and no check_cols.", r->pre, rel, name);
	if (strcmp(strategy, "check") && strcmp(strategy, "timestamp"))
		fatal("%s%s: %s: the snapshot strategy %s: a custom strategy (a manifest from dbt "
		    "parse works instead)", r->pre, rel, name, strategy);
	if (!mat || strcmp(mat, "snapshot"))
		fatal("%s%s: %s: A snapshot must have a materialized value of 'snapshot'",
		    r->pre, rel, name);
}

/* A snapshot node's config (the tree, its config() calls, its properties),
 * checked as dbt checks it, and its names. */
static void
snapfinish(struct reader *r, cJSON *n, const char *rel, const char *raw)
{
	const char *name = jstr(n, "name"), *file;
	cJSON *calls = cJSON_CreateObject(), *cfg, *patchcfg;
	size_t i;

	firstpass(r, n, CSNAPSHOT, "snapshots", rel, raw, calls);
	patchcfg = patch(r, n, "snapshot", &file);
	resolve(r, n, CSNAPSHOT, "snapshots", patchcfg, calls);
	patched(r, n, file);
	fromconfig(r, n, file ? file : rel);
	if (cJSON_GetArraySize(patchcfg))
		hookrefs(r, n, rel);
	rel = file ? file : rel;
	cfg = cJSON_GetObjectItemCaseSensitive(n, "config");
	/* dbt checks an enabled one only */
	if (enabled(n))
		snapcheck(r, cfg, rel, name);
	names(r, n);
	/* the legacy target_database and target_schema win, as in dbt */
	for (i = 0; i < 2; i++) {
		const char *v = jstr(cfg, i ? "target_schema" : "target_database");
		if (v && *v)
			cJSON_ReplaceItemInObjectCaseSensitive(n, i ? "schema" : "database",
			    cJSON_CreateString(v));
	}
	relname(r, n);
	cJSON_AddItemToObject(n, "contract", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cfg, "contract"), 1));
	cJSON_AddNullToObject(cJSON_GetObjectItemCaseSensitive(n, "contract"), "checksum");
	if (enabled(n))
		cJSON_AddItemToArray(r->pending, cJSON_CreateString(jstr(n, "unique_id")));
	else
		disable(r, n);
	cJSON_Delete(calls);
}

/* The snapshots of properties files that name a relation (dbt 1.9's
 * YAML snapshots): each a select * from it, named and placed as dbt's
 * _add_yaml_snapshot_nodes_to_manifest does. */
static void
yamlsnapshots(struct reader *r)
{
	cJSON *p;

	cJSON_ArrayForEach(p, r->patches) {
		cJSON *e = cJSON_GetObjectItemCaseSensitive(p, "entry"), *n;
		const char *rel = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "relation"));
		const char *file = jstr(p, "file"), *name = jstr(p, "name"), *q;
		char *path, *text, *raw;
		if (strcmp(jstr(p, "kind"), "snapshot") || strcmp(jstr(p, "package"), r->name) ||
		    !cJSON_GetObjectItemCaseSensitive(e, "relation"))
			continue;
		/* dbt reads it statically: ref(...) or source(...) and nothing else */
		for (q = rel ? rel : ""; *q == ' '; q++)
			;
		if (!rel || (strncmp(q, "ref(", 4) && strncmp(q, "source(", 7)) ||
		    rel[strlen(rel) - 1] != ')' || strpbrk(rel, "{}%"))
			fatal("%s%s: snapshot %s: relation must be a ref() or a source() call", r->pre,
			    file, name);
		path = xasprintf("%s/%s.sql", jstr(p, "below"), name);
		n = newnode(r, "snapshot", name, path, file, fqnof(r->name, jstr(p, "below"), name));
		text = contents(r, file, 1);
		checksum(n, text, strlen(text));
		raw = xasprintf("select * from {{ %s }}", rel);
		cJSON_ReplaceItemInObjectCaseSensitive(n, "raw_code", cJSON_CreateString(raw));
		snapfinish(r, n, file, raw);
		free(raw);
		free(text);
		free(path);
	}
}

static void
snapshotfile(struct reader *r, const char *rel, const char *below, void *arg)
{
	struct snaparg sa = {r, rel, below, NULL};
	char *text, *err;

	(void)arg;
	if (!hassuffix(rel, ".sql"))
		return;
	text = contents(r, rel, 1);
	sa.file = text;
	if (snapshotblocks(rel, text, strlen(text), onsnapshot, &sa, &err) < 0)
		fatal("%s%s", r->pre, err);
	free(text);
}

/* The project's on-run-start and on-run-end hooks: each an operation
 * node, as dbt's HookParser makes it (its checksum dbt_project.yml's). */
static void
hooknodes(struct reader *r)
{
	static const char *const kinds[] = {"on-run-start", "on-run-end"};
	char *yml = contents(r, "dbt_project.yml", 1), *err;
	size_t k;

	for (k = 0; k < 2; k++) {
		cJSON *h = cJSON_GetObjectItemCaseSensitive(r->proj, kinds[k]), *one = NULL, *x;
		int i = 0;
		if (!h || cJSON_IsNull(h))
			continue;
		if (cJSON_IsString(h)) {
			one = cJSON_CreateArray();
			cJSON_AddItemToArray(one, cJSON_CreateString(h->valuestring));
			h = one;
		}
		if (!cJSON_IsArray(h))
			fatal("%sdbt_project.yml: %s: not a list of hooks", r->pre, kinds[k]);
		cJSON_ArrayForEach(x, h) {
			char *name = xasprintf("%s-%s-%d", r->name, kinds[k], i);
			char *below = xasprintf("hooks/%s.sql", name);
			cJSON *fqn = cJSON_CreateArray(), *n, *calls;
			if (!cJSON_IsString(x))
				fatal("%sdbt_project.yml: %s: a hook that is not a string", r->pre, kinds[k]);
			cJSON_AddItemToArray(fqn, cJSON_CreateString(r->name));
			cJSON_AddItemToArray(fqn, cJSON_CreateString("hooks"));
			cJSON_AddItemToArray(fqn, cJSON_CreateString(name));
			n = newnode(r, "operation", name, below, "./dbt_project.yml", fqn);
			checksum(n, yml, strlen(yml));
			cJSON_ReplaceItemInObjectCaseSensitive(n, "raw_code", cJSON_CreateString(x->valuestring));
			cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(n, "tags"),
			    cJSON_CreateString(kinds[k]));
			/* configured as a model is, by the models: tree at its fqn */
			resolve(r, n, COPERATION, "models", NULL, NULL);
			calls = cJSON_CreateObject();
			free(below);
			below = xasprintf("%sdbt_project.yml", r->pre);
			if (pctxrender(r->pc, n, below, x->valuestring, calls,
			    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n, "depends_on"), "macros"),
			    &err) < 0)
				fatal("%s (%s)", err, kinds[k]);
			resolve(r, n, COPERATION, "models", NULL, calls);
			fromconfig(r, n, "dbt_project.yml");
			names(r, n);
			cJSON_AddNumberToObject(n, "index", i);
			if (!enabled(n))
				disable(r, n);
			else
				cJSON_AddItemToArray(r->pending, cJSON_CreateString(jstr(n, "unique_id")));
			cJSON_Delete(calls);
			free(below);
			free(name);
			i++;
		}
		cJSON_Delete(one);
	}
	free(yml);
}

/* A singular test: a .sql file of the test paths but their generic/ and
 * fixtures/ (unit tests' fixtures), rendered at parse as a model is,
 * configured by the data_tests: tree and its config() calls. */
static void
singularfile(struct reader *r, const char *rel, const char *below, void *arg)
{
	char *name, *raw, *key;
	cJSON *n, *calls, *p;

	(void)arg;
	if (!strncmp(below, "generic/", 8) || !strncmp(below, "fixtures/", 9) ||
	    !hassuffix(rel, ".sql"))
		return;
	name = xmemdup(strrchr(rel, '/') + 1, strlen(strrchr(rel, '/') + 1) - 4);
	raw = contents(r, rel, 1);
	n = newnode(r, "test", name, below, rel, fqnof(r->name, below, name));
	checksum(n, raw, strlen(raw));
	cJSON_ReplaceItemInObjectCaseSensitive(n, "raw_code", cJSON_CreateString(raw));
	calls = cJSON_CreateObject();
	firstpass(r, n, CTEST, "data_tests", rel, raw, calls);
	/* dbt patches the enabled alone, with what its names come of */
	key = xasprintf("%s %s", r->name, name);
	if (enabled(n) && (p = cJSON_GetObjectItemCaseSensitive(r->stpatches, key))) {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(p, "entry");
		char *pp = xasprintf("%s://%s", r->name, jstr(p, "file"));
		cJSON_AddTrueToObject(p, "used");
		cJSON_ReplaceItemInObjectCaseSensitive(n, "description",
		    cJSON_CreateString(jstr(e, "description") ? jstr(e, "description") : ""));
		describe(r, n, jstr(p, "file"));
		cJSON_ReplaceItemInObjectCaseSensitive(n, "patch_path", cJSON_CreateString(pp));
		free(pp);
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(e, "config"))) {
			resolve(r, n, CTEST, "data_tests", cJSON_GetObjectItemCaseSensitive(e,
			    "config"), calls);
			fromconfig(r, n, jstr(p, "file"));
		}
	}
	free(key);
	names(r, n);
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n, "config"), "store_failures")))
		relname(r, n);
	cJSON_DeleteItemFromObjectCaseSensitive(n, "columns");
	cJSON_AddObjectToObject(n, "columns");
	if (enabled(n))
		cJSON_AddItemToArray(r->pending, cJSON_CreateString(jstr(n, "unique_id")));
	else
		disable(r, n);
	cJSON_Delete(calls);
	free(raw);
	free(name);
}

static void
seedfile(struct reader *r, const char *rel, const char *below, void *arg)
{
	struct stat st;
	char *name, *p, *root;
	const char *file;
	cJSON *n, *pc, *d;

	(void)arg;
	if (!hassuffix(rel, ".csv"))
		return;
	name = xmemdup(strrchr(rel, '/') + 1, strlen(strrchr(rel, '/') + 1) - 4);
	n = newnode(r, "seed", name, below, rel, fqnof(r->name, below, name));
	/* dbt's checksum of a seed: its contents stripped, or past 1 MiB its
	 * path */
	p = path(r, rel);
	if (stat(p, &st) < 0)
		fatal("%s:", p);
	if (st.st_size > 1024 * 1024) {
		cJSON *c = cJSON_GetObjectItemCaseSensitive(n, "checksum");
		saw(r, rel);
		cJSON_AddStringToObject(c, "name", "path");
		cJSON_AddStringToObject(c, "checksum", rel);
	} else {
		char *text = contents(r, rel, 1);
		checksum(n, text, strlen(text));
		free(text);
	}
	free(p);
	pc = patch(r, n, "seed", &file);
	resolve(r, n, CSEED, "seeds", pc, NULL);
	patched(r, n, file);
	fromconfig(r, n, file ? file : rel);
	hookrefs(r, n, rel);
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
	if (!enabled(n))
		disable(r, n);
	free(name);
}

/* ---- sources ---- */

static cJSON *tagset(const cJSON *const *l, size_t n);

/* k of o set to v (taken), where it was if o has it, as a dict's
 * update sets it. */
static void
setkey(cJSON *o, const char *k, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, k))
		cJSON_ReplaceItemInObjectCaseSensitive(o, k, v);
	else
		cJSON_AddItemToObject(o, k, v);
}

/* A freshness threshold's time, as dbt's Time: a count and a period,
 * either null; NULL: none (null). */
static cJSON *
srctime(struct reader *r, const char *where, const cJSON *v)
{
	static const char *const keys[] = {"count", "period", NULL};
	static const char *const periods[] = {"minute", "hour", "day", NULL};
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "count");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(v, "period");
	cJSON *o;
	size_t i;

	if (!v)
		v = c = p = NULL;
	else if (cJSON_IsNull(v))
		return NULL;
	else
		onlykeys(r, where, "freshness", v, keys);
	if (c && !cJSON_IsNull(c) && (!cJSON_IsNumber(c) || c->valuedouble != (double)(long)c->valuedouble))
		fatal("%s%s: freshness: count is not a whole number", r->pre, where);
	for (i = 0; cJSON_IsString(p) && periods[i] && strcmp(periods[i], p->valuestring); i++)
		;
	if (p && !cJSON_IsNull(p) && (!cJSON_IsString(p) || !periods[i]))
		fatal("%s%s: freshness: period is not minute, hour or day", r->pre, where);
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "count", c ? cJSON_Duplicate(c, 0) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "period", p ? cJSON_Duplicate(p, 0) : cJSON_CreateNull());
	return o;
}

/* A freshness as dbt's FreshnessThreshold takes it: warn_after,
 * error_after (each a time or null), filter; v absent: the default
 * (times without count or period); null: cJSON null. */
static cJSON *
srcfresh(struct reader *r, const char *where, const cJSON *v)
{
	static const char *const keys[] = {"warn_after", "error_after", "filter", NULL};
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, "filter");
	cJSON *o, *t;
	size_t i;

	if (cJSON_IsNull(v))
		return cJSON_CreateNull();
	if (v)
		onlykeys(r, where, "freshness", v, keys);
	if (f && !cJSON_IsNull(f) && !cJSON_IsString(f))
		fatal("%s%s: freshness: filter is not a string", r->pre, where);
	o = cJSON_CreateObject();
	for (i = 0; i < 2; i++) {
		t = srctime(r, where, cJSON_GetObjectItemCaseSensitive(v, keys[i]));
		cJSON_AddItemToObject(o, keys[i], t ? t : cJSON_CreateNull());
	}
	cJSON_AddItemToObject(o, "filter", f ? cJSON_Duplicate(f, 0) : cJSON_CreateNull());
	return o;
}

/* Time's and FreshnessThreshold's __bool__. */
static int
timeset(const cJSON *t)
{
	return cJSON_IsObject(t) && !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(t, "count")) &&
	    !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(t, "period"));
}

static int
freshset(const cJSON *f)
{
	return cJSON_IsObject(f) && (timeset(cJSON_GetObjectItemCaseSensitive(f, "warn_after")) ||
	    timeset(cJSON_GetObjectItemCaseSensitive(f, "error_after")));
}

/* The freshness of a source table, as dbt's merge_source_freshness of
 * the source's, its config's, the table's and its config's (l, each
 * taken): null, or a threshold. */
static cJSON *
srcfreshmerge(cJSON **l, size_t n)
{
	static const char *const keys[] = {"warn_after", "error_after", "filter"};
	cJSON *cur = l[0];
	size_t i, k;

	for (i = 1; i < n; i++) {
		cJSON *u = l[i];
		if (!cJSON_IsNull(cur) && !cJSON_IsNull(u)) {
			/* base.merged(update), then each time as
			 * merge_freshness_time_thresholds */
			for (k = 0; k < 3; k++) {
				cJSON *x = cJSON_GetObjectItemCaseSensitive(u, keys[k]);
				/* a time: null if the update's is, else the
				 * update's if set, else the base's; the filter:
				 * the update's if not null */
				if (k < 2 && cJSON_IsNull(x))
					cJSON_ReplaceItemInObjectCaseSensitive(cur, keys[k], cJSON_CreateNull());
				else if (k < 2 ? timeset(x) : !cJSON_IsNull(x))
					cJSON_ReplaceItemInObjectCaseSensitive(cur, keys[k], cJSON_Duplicate(x, 1));
			}
			cJSON_Delete(u);
		} else if (cJSON_IsNull(cur) && freshset(u)) {
			cJSON_Delete(cur);
			cur = u;
		} else {
			cJSON_Delete(cur);
			cJSON_Delete(u);
			cur = cJSON_CreateNull();
		}
	}
	return cur;
}

/* A source's config as dbt's SourceConfig holds it, at its defaults. */
static cJSON *
srcdefaults(void)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddTrueToObject(c, "enabled");
	cJSON_AddNullToObject(c, "event_time");
	cJSON_AddItemToObject(c, "freshness", srcfresh(NULL, NULL, NULL));
	cJSON_AddNullToObject(c, "loaded_at_field");
	cJSON_AddNullToObject(c, "loaded_at_query");
	cJSON_AddObjectToObject(c, "meta");
	cJSON_AddArrayToObject(c, "tags");
	cJSON_AddNullToObject(c, "static_analysis");
	return c;
}

/* cfg updated from partial (rendered) as SourceConfig.update_from: meta
 * merged, freshness a threshold, the rest replaced. */
static void
srcupdate(struct reader *r, const char *where, cJSON *cfg, const cJSON *partial)
{
	const cJSON *x, *y;

	cJSON_ArrayForEach(x, partial) {
		const char *k = x->string;
		if (!strcmp(k, "enabled") && !cJSON_IsBool(x))
			fatal("%s%s: enabled is not true or false", r->pre, where);
		if ((!strcmp(k, "loaded_at_field") || !strcmp(k, "loaded_at_query")) &&
		    !cJSON_IsNull(x) && !cJSON_IsString(x))
			fatal("%s%s: %s is not a string", r->pre, where, k);
		if (!strcmp(k, "tags")) {
			cJSON_ArrayForEach(y, (cJSON_IsArray(x) ? x : NULL))
				if (!cJSON_IsString(y))
					break;
			if (!cJSON_IsArray(x) || y)
				fatal("%s%s: tags is not a list of strings (not read here: a "
				    "manifest from dbt parse works instead)", r->pre, where);
		}
		if (!strcmp(k, "meta")) {
			if (!cJSON_IsObject(x))
				fatal("%s%s: meta is not a mapping", r->pre, where);
			cJSON_ArrayForEach(y, x)
				setkey(cJSON_GetObjectItemCaseSensitive(cfg, "meta"), y->string,
				    cJSON_Duplicate(y, 1));
		} else if (!strcmp(k, "freshness"))
			setkey(cfg, k, srcfresh(r, where, x));
		else
			setkey(cfg, k, cJSON_Duplicate(x, 1));
	}
}

/* A level of a sources: tree: only what a source's config holds. */
struct srclevel {
	struct reader *r;
	cJSON *cfg, *unrendered;
};

static void
onsrclevel(void *arg, const char *where, cJSON *level)
{
	struct srclevel *l = arg;
	cJSON *rendered, *x;
	char *w;

	rendered = projrender(l->r, where, level);
	w = xasprintf("dbt_project.yml: %s", where);
	srcupdate(l->r, w, l->cfg, rendered);
	free(w);
	cJSON_Delete(rendered);
	cJSON_ArrayForEach(x, level)
		unrendered(l->unrendered, x);
}

/* The config and unrendered_config of the source table of fqn, as
 * dbt's calculate_node_config: its project's sources: tree, then p (its
 * properties' precedence configs), then for a package's source the root
 * project's tree. */
static void
srcconfig(struct reader *r, const char *file, const cJSON *fqn, const cJSON *p, cJSON **cfg,
    cJSON **uc)
{
	struct srclevel l = {r, srcdefaults(), cJSON_CreateObject()};
	char **parts = xcalloc((size_t)cJSON_GetArraySize(fqn) + 1, sizeof(*parts));
	const cJSON *x, *t;
	size_t np = 0;

	cJSON_ArrayForEach(x, fqn)
		parts[np++] = x->valuestring;
	if ((t = cJSON_GetObjectItemCaseSensitive(r->proj, "sources")))
		cfglevels(t, "sources", parts, np, onsrclevel, &l);
	srcupdate(r, file, l.cfg, p);
	cJSON_ArrayForEach(x, p)
		unrendered(l.unrendered, x);
	if (strcmp(r->name, r->root) &&
	    (t = cJSON_GetObjectItemCaseSensitive(r->projs[0].proj, "sources"))) {
		const char *pre = r->pre;
		r->pre = r->projs[0].pre;
		cfglevels(t, "sources", parts, np, onsrclevel, &l);
		r->pre = pre;
	}
	free(parts);
	*cfg = l.cfg;
	*uc = l.unrendered;
}

/* Python's `a or b` of two properties: a if it is set and not empty. */
static const cJSON *
por(const cJSON *a, const cJSON *b)
{
	if (a && !cJSON_IsNull(a) && !(cJSON_IsString(a) && !*a->valuestring) && !cJSON_IsFalse(a))
		return a;
	return b;
}

static int
truthy(const cJSON *v)
{
	return por(v, NULL) != NULL;
}

/* What a source table's properties set of its config, as dbt's
 * _generate_source_config: the source's config, the table's, then
 * freshness, loaded_at_field, loaded_at_query, meta and tags each
 * merged from the source, its config, the table and its config. */
static cJSON *
srcprecedence(struct reader *r, const char *file, const cJSON *s, const cJSON *t)
{
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(s, "config");
	const cJSON *tc = cJSON_GetObjectItemCaseSensitive(t, "config");
	const cJSON *lev[4] = {s, sc, t, tc}, *x, *y;
	cJSON *p = cJSON_CreateObject(), *f[4], *m, *tags;
	const cJSON *laf, *laq;
	int present;
	size_t i;

	cJSON_ArrayForEach(x, sc)
		setkey(p, x->string, cJSON_Duplicate(x, 1));
	cJSON_ArrayForEach(x, tc)
		setkey(p, x->string, cJSON_Duplicate(x, 1));
	for (i = 0; i < 4; i++)
		f[i] = srcfresh(r, file, cJSON_GetObjectItemCaseSensitive(lev[i], "freshness"));
	m = srcfreshmerge(f, 4);
	if (freshset(m) || cJSON_IsNull(m))
		setkey(p, "freshness", m);
	else {
		cJSON_DeleteItemFromObjectCaseSensitive(p, "freshness");
		cJSON_Delete(m);
	}
	/* calculate_loaded_at_field_query_from_raw_target */
	for (i = 0; i < 4; i++) {
		x = cJSON_GetObjectItemCaseSensitive(lev[i], "loaded_at_field");
		y = cJSON_GetObjectItemCaseSensitive(lev[i], "loaded_at_query");
		if ((x && !cJSON_IsNull(x) && !cJSON_IsString(x)) || (y && !cJSON_IsNull(y) && !cJSON_IsString(y)))
			fatal("%s%s: source %s: loaded_at_field or loaded_at_query is not a string",
			    r->pre, file, jstr(s, "name"));
		if (i % 2 == 0 && cJSON_IsString(x) && !*x->valuestring)
			fatal("%s%s: source %s: loaded_at_field cannot be an empty string.", r->pre,
			    file, jstr(s, "name"));
	}
#define G(o, k) cJSON_GetObjectItemCaseSensitive(o, k)
	present = G(t, "loaded_at_field") || truthy(G(tc, "loaded_at_field"));
	if (present && (truthy(G(t, "loaded_at_query")) || truthy(G(tc, "loaded_at_query"))))
		fatal("%s%s: source %s: Cannot specify both loaded_at_field and loaded_at_query at "
		    "table level.", r->pre, file, jstr(s, "name"));
	if ((truthy(G(s, "loaded_at_field")) || truthy(G(sc, "loaded_at_field"))) &&
	    (truthy(G(s, "loaded_at_query")) || truthy(G(sc, "loaded_at_query"))))
		fatal("%s%s: source %s: Cannot specify both loaded_at_field and loaded_at_query at "
		    "source level.", r->pre, file, jstr(s, "name"));
	if (present || (G(t, "loaded_at_field") && !cJSON_IsNull(G(t, "loaded_at_field"))) ||
	    (G(tc, "loaded_at_field") && !cJSON_IsNull(G(tc, "loaded_at_field"))))
		laf = por(G(t, "loaded_at_field"), G(tc, "loaded_at_field"));
	else
		laf = por(G(s, "loaded_at_field"), G(sc, "loaded_at_field"));
	if ((G(t, "loaded_at_query") && !cJSON_IsNull(G(t, "loaded_at_query"))) ||
	    (G(tc, "loaded_at_query") && !cJSON_IsNull(G(tc, "loaded_at_query"))))
		laq = por(G(t, "loaded_at_query"), G(tc, "loaded_at_query"));
	else
		laq = present ? NULL : por(G(s, "loaded_at_query"), G(sc, "loaded_at_query"));
	setkey(p, "loaded_at_field", laf ? cJSON_Duplicate(laf, 0) : cJSON_CreateNull());
	setkey(p, "loaded_at_query", laq ? cJSON_Duplicate(laq, 0) : cJSON_CreateNull());
	/* calculate_meta_from_raw_target, calculate_tags_from_raw_target */
	m = cJSON_CreateObject();
	tags = cJSON_CreateArray();
	for (i = 0; i < 4; i++) {
		x = G(lev[i], "meta");
		if (x && !cJSON_IsNull(x) && !cJSON_IsObject(x) && i % 2 == 0)
			fatal("%s%s: source %s: meta is not a mapping", r->pre, file, jstr(s, "name"));
		cJSON_ArrayForEach(y, (cJSON_IsObject(x) ? x : NULL))
			setkey(m, y->string, cJSON_Duplicate(y, 1));
		x = G(lev[i], "tags");
		if (x && !cJSON_IsNull(x) && !cJSON_IsArray(x) && (i % 2 == 0 || !cJSON_IsString(x)))
			fatal("%s%s: source %s: tags is not a list of strings", r->pre, file,
			    jstr(s, "name"));
		if (cJSON_IsString(x))
			cJSON_AddItemToArray(tags, cJSON_CreateString(x->valuestring));
		cJSON_ArrayForEach(y, (cJSON_IsArray(x) ? x : NULL)) {
			if (!cJSON_IsString(y))
				fatal("%s%s: source %s: tags is not a list of strings", r->pre,
				    file, jstr(s, "name"));
			cJSON_AddItemToArray(tags, cJSON_CreateString(y->valuestring));
		}
	}
#undef G
	setkey(p, "meta", m);
	setkey(p, "tags", tagset((const cJSON *const *)&tags, 1));
	cJSON_Delete(tags);
	return p;
}

/* A table's external, as dbt's ExternalTable: its fields, then what
 * else it has (dbt-external-tables' options, ...), as given. */
static cJSON *
external(struct reader *r, const char *file, const char *where, const cJSON *v)
{
	static const char *const keys[] = {"location", "file_format", "row_format",
	    "tbl_properties", "partitions", NULL};
	cJSON *o;
	const cJSON *x;
	size_t i;

	if (!v || cJSON_IsNull(v))
		return cJSON_CreateNull();
	if (!cJSON_IsObject(v))
		fatal("%s%s: %s: external is not a mapping", r->pre, file, where);
	o = cJSON_CreateObject();
	for (i = 0; keys[i]; i++) {
		x = cJSON_GetObjectItemCaseSensitive(v, keys[i]);
		if (i < 4 && x && !cJSON_IsNull(x) && !cJSON_IsString(x))
			fatal("%s%s: %s: external %s is not a string", r->pre, file, where, keys[i]);
		if (i == 4 && x && !cJSON_IsNull(x) && !cJSON_IsArray(x))
			fatal("%s%s: %s: external partitions is not a list", r->pre, file, where);
		cJSON_AddItemToObject(o, keys[i], x ? cJSON_Duplicate(x, 1) : cJSON_CreateNull());
	}
	cJSON_ArrayForEach(x, v) {
		for (i = 0; keys[i] && strcmp(keys[i], x->string); i++)
			;
		if (!keys[i])
			cJSON_AddItemToObject(o, x->string, cJSON_Duplicate(x, 1));
	}
	return o;
}

static cJSON *
sourcenode(struct reader *r, cJSON *e)
{
	static const char *const qk[] = {"database", "schema", "identifier", "column"};
	cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "source");
	cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "table");
	const char *file = jstr(e, "file"), *sn = jstr(s, "name"), *tn = jstr(t, "name");
	const char *db = jstr(s, "database"), *sc = jstr(s, "schema"), *id = jstr(t, "identifier");
	const cJSON *sq = cJSON_GetObjectItemCaseSensitive(s, "quoting");
	const cJSON *tq = cJSON_GetObjectItemCaseSensitive(t, "quoting");
	char *uid;

	useproject(r, project(r, jstr(e, "package")));
	uid = xasprintf("source.%s.%s.%s", r->name, sn, tn);
	const char *first = strchr(file, '/');
	cJSON *n = cJSON_CreateObject(), *fqn, *q, *x, *y, *cfg, *uc, *p;
	int quote[3], on;
	size_t i;

	if (get(r, r->sources, uid) || get(r, r->disabled, uid))
		fatal("%s%s: source %s.%s a second time", r->pre, file, sn, tn);
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
	cJSON_AddStringToObject(n, "loader", jstr(s, "loader") ? jstr(s, "loader") : "");
	cJSON_AddStringToObject(n, "identifier", id ? id : tn);
	/* the source's quoting, the table's over it (Quoting.merged) */
	q = cJSON_AddObjectToObject(n, "quoting");
	for (i = 0; i < 4; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(tq, qk[i]);
		if (!cJSON_IsBool(v))
			v = cJSON_GetObjectItemCaseSensitive(sq, qk[i]);
		cJSON_AddItemToObject(q, qk[i], cJSON_IsBool(v) ? cJSON_Duplicate(v, 0) : cJSON_CreateNull());
	}
	p = srcprecedence(r, file, s, t);
	srcconfig(r, file, fqn, p, &cfg, &uc);
	cJSON_Delete(p);
	cJSON_AddItemToObject(n, "loaded_at_field",
	    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cfg, "loaded_at_field"), 1));
	cJSON_AddItemToObject(n, "loaded_at_query",
	    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cfg, "loaded_at_query"), 1));
	cJSON_AddItemToObject(n, "freshness",
	    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cfg, "freshness"), 1));
	cJSON_AddItemToObject(n, "external", external(r, file, tn,
	    cJSON_GetObjectItemCaseSensitive(t, "external")));
	cJSON_AddStringToObject(n, "description", jstr(t, "description") ? jstr(t, "description") : "");
	cJSON_AddItemToObject(n, "columns", columns(t));
	cJSON_AddItemToObject(n, "meta", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cfg, "meta"), 1));
	/* the source's meta and its config's, as before the table's */
	x = cJSON_AddObjectToObject(n, "source_meta");
	cJSON_ArrayForEach(y, cJSON_GetObjectItemCaseSensitive(s, "meta"))
		setkey(x, y->string, cJSON_Duplicate(y, 1));
	cJSON_ArrayForEach(y, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s,
	    "config"), "meta"))
		setkey(x, y->string, cJSON_Duplicate(y, 1));
	cJSON_AddItemToObject(n, "tags", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(cfg, "tags"), 1));
	on = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cfg, "enabled"));
	cJSON_AddItemToObject(n, "config", cfg);
	cJSON_AddNullToObject(n, "patch_path");
	cJSON_AddItemToObject(n, "unrendered_config", uc);
	for (i = 0; i < 2; i++) {
		const char *k = i ? "unrendered_schema" : "unrendered_database";
		x = cJSON_GetObjectItemCaseSensitive(e, k);
		cJSON_AddItemToObject(n, k, x ? cJSON_Duplicate(x, 0) : cJSON_CreateNull());
	}
	if (!on)
		cJSON_AddItemToArray(add(r, r->disabled, uid, cJSON_CreateArray()), n);
	else {
		add(r, r->sources, uid, n);
		/* as dbt's _process_docs_for_source */
		describe(r, n, file);
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "description", jstr(n, "source_description"));
		describe1(r, n, x, file, 0);
		cJSON_ReplaceItemInObjectCaseSensitive(n, "source_description",
		    cJSON_CreateString(jstr(x, "description")));
		cJSON_Delete(x);
	}
	/* the relation quoted as the project says, the source's quoting over
	 * it, as create_from's quote policy */
	memcpy(quote, r->quote, sizeof(quote));
	for (i = 0; i < 3; i++)
		if (cJSON_IsBool(x = cJSON_GetObjectItemCaseSensitive(q, qk[i])))
			r->quote[i] = cJSON_IsTrue(x);
	cJSON_AddStringToObject(n, "alias", id ? id : tn);
	relname(r, n);
	memcpy(r->quote, quote, sizeof(quote));
	cJSON_DeleteItemFromObjectCaseSensitive(n, "alias");
	free(uid);
	return n;
}

/* What an exposure's meta, tags or config (cfg) sets, or a level of the
 * exposures: tree (where names it), as dbt's ExposureConfig holds them:
 * enabled true or false, tags a list of strings, meta a mapping. */
static void
expcheck(struct reader *r, const char *file, const char *name, const char *what,
    const cJSON *o, int cfg)
{
	const cJSON *x, *t = cJSON_GetObjectItemCaseSensitive(o, "tags"), *y;

	if (cfg) {
		if (!cJSON_IsObject(o))
			fatal("%s%s: exposure %s: %snot a mapping", r->pre, file, name, what);
		cJSON_ArrayForEach(x, o)
			if (strcmp(x->string, "enabled") && strcmp(x->string, "tags") &&
			    strcmp(x->string, "meta"))
				fatal("%s%s: exposure %s: %s%s is not read here (a manifest from dbt "
				    "parse works instead)", r->pre, file, name, what, x->string);
		x = cJSON_GetObjectItemCaseSensitive(o, "enabled");
		if (x && !cJSON_IsBool(x))
			fatal("%s%s: exposure %s: %senabled is not true or false", r->pre, file, name,
			    what);
	}
	if (t && !cJSON_IsArray(t))
		fatal("%s%s: exposure %s: %stags is not a list", r->pre, file, name, what);
	cJSON_ArrayForEach(y, t)
		if (!cJSON_IsString(y))
			fatal("%s%s: exposure %s: %stags holds something not a string", r->pre, file,
			    name, what);
	if ((x = cJSON_GetObjectItemCaseSensitive(o, "meta")) && !cJSON_IsObject(x))
		fatal("%s%s: exposure %s: %smeta is not a mapping", r->pre, file, name, what);
}

struct explayer {
	struct reader *r;
	cJSON *cfg, *unrendered;
	const char *file, *name;
};

/* A level of the exposures: tree: ExposureConfig's fields have no merge
 * behaviour, each replaces. */
static void
onexplevel(void *arg, const char *where, cJSON *level)
{
	struct explayer *l = arg;
	cJSON *rendered = projrender(l->r, where, level), *x;
	const char *pre = l->r->pre;
	char *w = xasprintf("%s: ", where);

	l->r->pre = "";
	expcheck(l->r, l->file, l->name, w, rendered, 1);
	l->r->pre = pre;
	free(w);
	cJSON_ArrayForEach(x, rendered)
		cJSON_ReplaceItemInObjectCaseSensitive(l->cfg, x->string, cJSON_Duplicate(x, 1));
	cJSON_Delete(rendered);
	cJSON_ArrayForEach(x, level)
		unrendered(l->unrendered, x);
}

static int strpcmp(const void *, const void *);

/* The strings of the lists l[0..n), as Python's sorted(set()). */
static cJSON *
tagset(const cJSON *const *l, size_t n)
{
	const char **v = NULL;
	size_t nv = 0, i, k;
	const cJSON *x;
	cJSON *s = cJSON_CreateArray();

	for (i = 0; i < n; i++)
		cJSON_ArrayForEach(x, l[i]) {
			v = xreallocarray(v, nv + 1, sizeof(*v));
			v[nv++] = x->valuestring;
		}
	if (nv)
		qsort(v, nv, sizeof(*v), strpcmp);
	for (k = 0; k < nv; k++)
		if (!k || strcmp(v[k - 1], v[k]))
			cJSON_AddItemToArray(s, cJSON_CreateString(v[k]));
	free(v);
	return s;
}

/* An exposure's config, meta and tags, as dbt's ExposureParser: the
 * exposures: tree at its fqn (its own project's, then the root's for a
 * package's), then its config replacing what the tree set; its tags the
 * sorted set of its project's exposures: tags (the key itself), its own
 * and its config's; its meta its project's exposures: meta, its own, its
 * config's, each updating the last. */
static void
expconfig(struct reader *r, cJSON *n, const cJSON *e)
{
	struct explayer l = {r, cJSON_CreateObject(), cJSON_CreateObject(), NULL, NULL};
	cJSON *fqn = cJSON_GetObjectItemCaseSensitive(n, "fqn"), *x, *tags, *meta, *t;
	const cJSON *own = cJSON_GetObjectItemCaseSensitive(r->proj, "exposures");
	char **parts = xcalloc((size_t)cJSON_GetArraySize(fqn) + 1, sizeof(*parts)), *where;
	size_t np = 0;

	l.name = jstr(n, "name");
	cJSON_AddTrueToObject(l.cfg, "enabled");
	cJSON_AddArrayToObject(l.cfg, "tags");
	cJSON_AddObjectToObject(l.cfg, "meta");
	cJSON_ArrayForEach(x, fqn)
		parts[np++] = x->valuestring;
	where = xasprintf("%sdbt_project.yml", r->pre);
	l.file = where;
	if (cJSON_IsObject(own))
		cfglevels(own, "exposures", parts, np, onexplevel, &l);
	free(where);
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(e, "config")) {
		cJSON_ReplaceItemInObjectCaseSensitive(l.cfg, x->string, cJSON_Duplicate(x, 1));
		unrendered(l.unrendered, x);
	}
	t = cJSON_GetObjectItemCaseSensitive(r->projs[0].proj, "exposures");
	if (strcmp(r->name, r->root) && cJSON_IsObject(t)) {
		where = xasprintf("%sdbt_project.yml", r->projs[0].pre);
		l.file = where;
		cfglevels(t, "exposures", parts, np, onexplevel, &l);
		free(where);
	}
	free(parts);
	/* the project's own keys, rendered as dbt renders the file */
	t = projrender(r, "exposures", cJSON_IsObject(own) ? own : NULL);
	x = cJSON_GetObjectItemCaseSensitive(t, "tags");
	if (x && !cJSON_IsArray(x))
		fatal("%sdbt_project.yml: exposures: tags is not a list", r->pre);
	cJSON_ArrayForEach(tags, x)
		if (!cJSON_IsString(tags))
			fatal("%sdbt_project.yml: exposures: tags holds something not a string", r->pre);
	if ((x = cJSON_GetObjectItemCaseSensitive(t, "meta")) && !cJSON_IsObject(x))
		fatal("%sdbt_project.yml: exposures: meta is not a mapping", r->pre);
	{
		const cJSON *const tl[] = {cJSON_GetObjectItemCaseSensitive(t, "tags"),
		    cJSON_GetObjectItemCaseSensitive(e, "tags"),
		    cJSON_GetObjectItemCaseSensitive(l.cfg, "tags")};
		tags = tagset(tl, 3);
	}
	meta = cJSON_CreateObject();
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(t, "meta"))
		unrendered(meta, x);
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(e, "meta"))
		unrendered(meta, x);
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(l.cfg, "meta"))
		unrendered(meta, x);
	cJSON_Delete(t);
	cJSON_ReplaceItemInObjectCaseSensitive(l.cfg, "tags", cJSON_Duplicate(tags, 1));
	cJSON_ReplaceItemInObjectCaseSensitive(l.cfg, "meta", cJSON_Duplicate(meta, 1));
	cJSON_AddItemToObject(n, "meta", meta);
	cJSON_AddItemToObject(n, "tags", tags);
	cJSON_AddItemToObject(n, "config", l.cfg);
	cJSON_AddItemToObject(n, "unrendered_config", l.unrendered);
	cJSON_AddArrayToObject(n, "metrics");
}

/* An exposure, as dbt's ExposureParser makes it: its depends_on lines
 * rendered as {{ LINE }} to learn their ref() and source() calls,
 * resolved with the nodes' (depends). */
static void
exposure(struct reader *r, cJSON *e)
{
	static const char *const keys[] = {"name", "type", "owner", "depends_on",
	    "description", "label", "maturity", "url", "meta", "tags", "config", NULL};
	static const char *const types[] = {"dashboard", "notebook", "analysis", "ml",
	    "application", NULL};
	cJSON *x = cJSON_GetObjectItemCaseSensitive(e, "entry"), *n, *d, *l, *cfg, *calls;
	const char *file = jstr(e, "file"), *name, *type, *first;
	struct buf src = {0};
	char *uid, *err, *path;
	size_t k;

	useproject(r, project(r, jstr(e, "package")));
	if (!cJSON_IsObject(x))
		fatal("%s%s: an exposure that is not a mapping", r->pre, file);
	onlykeys(r, file, "an exposure", x, keys);
	if (!(name = jstr(x, "name")))
		fatal("%s%s: an exposure without a name", r->pre, file);
	nojinja(r, file, name, cJSON_GetObjectItemCaseSensitive(x, "config"));
	for (k = 0; types[k] && (!(type = jstr(x, "type")) || strcmp(type, types[k])); k++)
		;
	if (!types[k])
		fatal("%s%s: exposure %s: type is not one of dashboard, notebook, analysis, ml "
		    "or application", r->pre, file, name);
	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(x, "owner")))
		fatal("%s%s: exposure %s: an owner (a mapping with a name or an email) is needed",
		    r->pre, file, name);
	cfg = cJSON_GetObjectItemCaseSensitive(x, "config");
	nojinja(r, file, name, cJSON_GetObjectItemCaseSensitive(x, "meta"));
	nojinja(r, file, name, cJSON_GetObjectItemCaseSensitive(x, "tags"));
	expcheck(r, file, name, "", x, 0);
	if (cfg)
		expcheck(r, file, name, "config ", cfg, 1);
	uid = xasprintf("exposure.%s.%s", r->name, name);
	if (cJSON_GetObjectItemCaseSensitive(r->exposures, uid))
		fatal("%s%s: a second exposure named %s", r->pre, file, name);
	n = cJSON_AddObjectToObject(r->exposures, uid);
	cJSON_AddStringToObject(n, "name", name);
	cJSON_AddStringToObject(n, "resource_type", "exposure");
	cJSON_AddStringToObject(n, "package_name", r->name);
	first = strchr(file, '/');
	/* below its model path, as dbt's exposure path */
	cJSON_AddStringToObject(n, "path", first ? first + 1 : file);
	cJSON_AddStringToObject(n, "original_file_path", file);
	cJSON_AddStringToObject(n, "unique_id", uid);
	cJSON_AddItemToObject(n, "fqn", fqnof(r->name, first ? first + 1 : "", name));
	cJSON_AddStringToObject(n, "type", type);
	cJSON_AddItemToObject(n, "owner", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(x, "owner"), 1));
	cJSON_AddStringToObject(n, "description", jstr(x, "description") ? jstr(x, "description") : "");
	expconfig(r, n, x);
	{
		static const char *const opt[] = {"label", "maturity", "url"}, *const own[] = {"email",
		    "name"};
		cJSON *o = cJSON_GetObjectItemCaseSensitive(n, "owner");
		for (k = 0; k < 3; k++)
			cJSON_AddItemToObject(n, opt[k], jstr(x, opt[k]) ?
			    cJSON_CreateString(jstr(x, opt[k])) : cJSON_CreateNull());
		for (k = 0; k < 2; k++)
			if (!cJSON_GetObjectItemCaseSensitive(o, own[k]))
				cJSON_AddNullToObject(o, own[k]);
	}
	cJSON_AddArrayToObject(n, "refs");
	cJSON_AddArrayToObject(n, "sources");
	d = cJSON_AddObjectToObject(n, "depends_on");
	cJSON_AddArrayToObject(d, "macros");
	cJSON_AddArrayToObject(d, "nodes");
	l = cJSON_GetObjectItemCaseSensitive(x, "depends_on");
	if (l && !cJSON_IsArray(l))
		fatal("%s%s: exposure %s: depends_on is not a list", r->pre, file, name);
	cJSON_ArrayForEach(d, l) {
		if (!cJSON_IsString(d))
			fatal("%s%s: exposure %s: depends_on holds something not a string", r->pre,
			    file, name);
		bufprintf(&src, "%s{{ %s}}", src.len ? "\n" : "", d->valuestring);
	}
	calls = cJSON_CreateObject();
	path = xasprintf("%s%s", r->pre, file);
	if (src.len && pctxrender(r->pc, n, path, src.s, calls, NULL, &err) < 0)
		fatal("%s (exposure %s)", err, name);
	free(path);
	if (cJSON_GetArraySize(calls))
		fatal("%s%s: exposure %s: config() in depends_on", r->pre, file, name);
	/* dbt resolves the refs and sources of the enabled alone */
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n,
	    "config"), "enabled")))
		cJSON_AddItemToArray(r->pending, cJSON_CreateString(uid));
	else {
		l = cJSON_CreateArray();
		cJSON_AddItemToArray(l, cJSON_DetachItemViaPointer(r->exposures, n));
		add(r, r->disabled, uid, l);
	}
	cJSON_Delete(calls);
	buffree(&src);
	free(uid);
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
	cJSON *coltags;		/* the column's tags and its config's, or NULL */
	const cJSON *srctags[2];	/* a source's tags and its table's, or NULL */
	int quotecols;		/* a source's quoting.column (-1: not said) */
	const char *filekey;	/* file_key_name */
	const char *version;	/* the model's version tested, as text, or NULL */
	const cJSON *v;		/* and as its properties give it */
	int noattach;		/* no attached_node (dbt's, of a version disabled
				 * before its properties) */
};

/* [a-zA-Z_][0-9a-zA-Z_]*, as dbt's TEST_NAME_PATTERN. */
static int
testident(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* The unique_id of the macro name as dbt's MacroResolver.get_macro_id
 * finds it from package local: local's own, else the root project's, else
 * another package's (refused when more than one has it: dbt would take
 * whichever it read last), else dbt's. Malloc'd, or NULL. */
static char *
macroid(struct reader *r, const char *local, const char *name, const char *file)
{
	char *uid = xasprintf("macro.%s.%s", local, name), *found = NULL;
	size_t i;

	if (get(r, r->macros, uid))
		return uid;
	free(uid);
	uid = xasprintf("macro.%s.%s", r->root, name);
	if (get(r, r->macros, uid))
		return uid;
	free(uid);
	for (i = 1; i < r->nprojs; i++) {
		uid = xasprintf("macro.%s.%s", r->projs[i].name, name);
		if (!get(r, r->macros, uid)) {
			free(uid);
			continue;
		}
		if (found)
			fatal("%s%s: the macro %s is in more than one package (%s, %s): which dbt "
			    "takes is not read here (a manifest from dbt parse works instead)",
			    r->pre, file, name, found, uid);
		found = uid;
	}
	if (found)
		return found;
	uid = xasprintf("macro.dbt.%s", name);
	if (get(r, r->macros, uid))
		return uid;
	free(uid);
	return NULL;
}

/* A test's config rendered as dbt's TestBuilder._render_values renders
 * it: each string of its top level natively, with the properties file's
 * context; what renders to none is not set. */
static void
testrender(struct reader *r, const char *file, const char *tname, cJSON *cfg)
{
	cJSON *x, *next, *out;
	char *err, *name;

	for (x = cfg->child; x; x = next) {
		next = x->next;
		if (!cJSON_IsString(x) || (!strstr(x->valuestring, "{{") &&
		    !strstr(x->valuestring, "{%") && !strstr(x->valuestring, "{#")))
			continue;
		name = xasprintf("%s (%s: %s)", file, tname, x->string);
		if (pctxyaml(r->pc, r->name, name, x->valuestring, &out, &err) < 0)
			fatal("%s%s: %s: Could not render %s: %s", r->pre, file, tname,
			    x->valuestring, err);
		free(name);
		if (cJSON_IsNull(out)) {
			cJSON_Delete(out);
			cJSON_Delete(cJSON_DetachItemViaPointer(cfg, x));
		} else
			cJSON_ReplaceItemInObjectCaseSensitive(cfg, x->string, out);
	}
}

/* A generic test's first tags: a source's and its table's (a source's
 * test), its column's and its own config's (a string or a list), as
 * dbt's sorted(set(...)). */
static void
testtags(cJSON *n, const struct testdef *td, const cJSON *own)
{
	cJSON *tags = cJSON_GetObjectItemCaseSensitive(n, "tags");
	const cJSON *l[4] = {td->srctags[0], td->srctags[1], td->coltags, own}, *x;
	size_t i;

	for (i = 0; i < 4; i++) {
		if (cJSON_IsString(l[i])) {
			cJSON_AddItemToArray(tags, cJSON_CreateString(l[i]->valuestring));
			continue;
		}
		cJSON_ArrayForEach(x, (cJSON_IsArray(l[i]) ? l[i] : NULL))
			if (cJSON_IsString(x))
				cJSON_AddItemToArray(tags, cJSON_CreateString(x->valuestring));
	}
	cJSON_ReplaceItemInObjectCaseSensitive(n, "tags", tagset((const cJSON *const *)&tags, 1));
}

static void
onetest(struct reader *r, const struct testdef *td, cJSON *def)
{
	cJSON *args, *cfg, *meta, *n, *x, *calls, *kw;
	const char *tname, *targetname, *dot;
	char *shortn, *full, *err, hash[11], *type, *uid, *tgt, *mstr, *testfqnpath, *ns = NULL;
	cJSON *desc, *own;
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
		fatal("%s%s: a data test that is not a name or a mapping", r->pre, td->file);
	if (cJSON_GetObjectItemCaseSensitive(def, "test_name"))
		fatal("%s%s: test_name is not read here yet", r->pre, td->file);
	if (cJSON_GetArraySize(def) != 1 || !cJSON_IsObject(def->child))
		fatal("%s%s: a data test must be one name and its arguments", r->pre, td->file);
	tname = def->child->string;
	if ((dot = strchr(tname, '.'))) {
		ns = xmemdup(tname, (size_t)(dot - tname));
		tname = dot + 1;
	}
	if (!testident(tname) || (ns && !testident(ns)))
		fatal("%s%s: %s: not a test's name (a name, or a package's name, a dot and a "
		    "name)", r->pre, td->file, def->child->string);
	args = cJSON_Duplicate(def->child, 1);
	if (td->column)
		cJSON_AddStringToObject(args, "column_name", td->column);
	if ((x = cJSON_DetachItemFromObjectCaseSensitive(args, "arguments"))) {
		cJSON *y;
		if (!cJSON_IsObject(x))
			fatal("%s%s: %s: arguments is not a mapping", r->pre, td->file, tname);
		while ((y = x->child)) {
			cJSON_DetachItemViaPointer(x, y);
			cJSON_DeleteItemFromObjectCaseSensitive(args, y->string);
			cJSON_AddItemToObject(args, y->string, y);
		}
		cJSON_Delete(x);
	}
	if (cJSON_GetObjectItemCaseSensitive(args, "model"))
		fatal("%s%s: %s: a test's argument cannot be named model", r->pre, td->file, tname);
	targetname = jstr(td->target, "name");
	if (td->source)
		tgt = xasprintf("{{ get_where_subquery(source('%s', '%s')) }}",
		    jstr(td->target, "source_name"), targetname);
	else if (td->version)
		tgt = xasprintf("{{ get_where_subquery(ref('%s', version='%s')) }}", targetname,
		    td->version);
	else
		tgt = xasprintf("{{ get_where_subquery(ref('%s')) }}", targetname);
	cJSON_AddStringToObject(args, "model", tgt);
	/* the config among the arguments, then under config */
	cfg = cJSON_CreateObject();
	x = cJSON_GetObjectItemCaseSensitive(args, "config");
	if (x && !cJSON_IsObject(x))
		fatal("%s%s: %s: config is not a mapping", r->pre, td->file, tname);
	for (i = 0; configargs[i]; i++) {
		cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(args, configargs[i]);
		if (v && cJSON_IsTrue(v) == 0 && (cJSON_IsFalse(v) || cJSON_IsNull(v) ||
		    (cJSON_IsString(v) && !*v->valuestring) || (cJSON_IsNumber(v) && v->valuedouble == 0) ||
		    ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !v->child))) {
			fatal("%s%s: %s: %s, which dbt reads as not set: not read here", r->pre,
			    td->file, tname, configargs[i]);
		}
		if (v && x && cJSON_GetObjectItemCaseSensitive(x, configargs[i]))
			fatal("%s%s: %s: %s both as an argument and under config", r->pre,
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
	testrender(r, td->file, tname, cfg);
	/* its own description and name, as dbt's builder takes them out of
	 * the arguments: the name is the test's (no synthesized one, no
	 * alias) */
	if ((desc = cJSON_DetachItemFromObjectCaseSensitive(args, "description")) &&
	    !cJSON_IsString(desc))
		fatal("%s%s: %s: description is not a string", r->pre, td->file, tname);
	nojinja(r, td->file, tname, desc);
	if ((own = cJSON_DetachItemFromObjectCaseSensitive(args, "name")) &&
	    (!cJSON_IsString(own) || !*own->valuestring))
		fatal("%s%s: %s: name is not a string", r->pre, td->file, tname);
	type = xasprintf("%s%s%s%s", ns ? ns : "", ns ? "_" : "", td->source ? "source_" : "", tname);
	if (own) {
		shortn = xstrdup(own->valuestring);
		full = xstrdup(own->valuestring);
	} else if (td->source) {
		char *t = xasprintf("%s_%s", jstr(td->target, "source_name"), targetname);
		if (testnames(type, t, args, &shortn, &full, &err) < 0)
			fatal("%s%s: %s: %s", r->pre, td->file, tname, err);
		free(t);
	} else if (td->version) {
		/* the test of a version is named after NAME_vV */
		char *t = xasprintf("%s_v%s", targetname, td->version);
		if (testnames(type, t, args, &shortn, &full, &err) < 0)
			fatal("%s%s: %s: %s", r->pre, td->file, tname, err);
		free(t);
	} else if (testnames(type, targetname, args, &shortn, &full, &err) < 0)
		fatal("%s%s: %s: %s", r->pre, td->file, tname, err);
	if (strcmp(shortn, full) && !cJSON_GetObjectItemCaseSensitive(cfg, "alias"))
		cJSON_AddStringToObject(cfg, "alias", shortn);
	/* the raw code: the macro, then config(...) as dbt writes it */
	bufprintf(&raw, "{{ %s%stest_%s(**_dbt_generic_test_kwargs) }}", ns ? ns : "",
	    ns ? "." : "", tname);
	if (cfg->child) {
		bufputs(&raw, "{{ config(");
		for (x = cfg->child; x; x = x->next) {
			bufprintf(&raw, "%s%s=", x == cfg->child ? "" : ",", x->string);
			pyval(&raw, x);
		}
		bufputs(&raw, ") }}");
	}
	meta = cJSON_CreateObject();
	if (ns)
		cJSON_AddStringToObject(meta, "namespace", ns);
	else
		cJSON_AddNullToObject(meta, "namespace");
	cJSON_AddStringToObject(meta, "name", tname);
	cJSON_AddItemToObject(meta, "kwargs", args);
	if (testhash(full, meta, hash, &err) < 0)
		fatal("%s%s: %s: %s", r->pre, td->file, tname, err);
	mstr = xasprintf("%s.sql", shortn);
	testfqnpath = xasprintf("%s", strchr(td->file, '/') ? strchr(td->file, '/') + 1 : td->file);
	n = newnode(r, "test", full, mstr, td->file, fqnof(r->name, testfqnpath, full));
	uid = xasprintf("test.%s.%s.%s", r->name, full, hash);
	/* newnode named it test.PKG.NAME: dbt adds the hash */
	x = take(r, r->nodes, jstr(n, "unique_id"));
	add(r, r->nodes, uid, x);
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
	if (td->source || td->noattach)
		cJSON_AddNullToObject(n, "attached_node");
	else
		cJSON_AddStringToObject(n, "attached_node", jstr(td->target, "unique_id"));
	cJSON_AddItemToObject(n, "test_metadata", meta);
	if (desc)
		cJSON_ReplaceItemInObjectCaseSensitive(n, "description", desc);
	cJSON_Delete(own);
	/* dbt's shortcut for its own not_null and unique: no render */
	kw = cJSON_GetObjectItemCaseSensitive(meta, "kwargs");
	{
		char *mid = xasprintf("test_%s", tname);
		char *which = macroid(r, r->name, mid, td->file);
		cJSON *dm = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n, "depends_on"), "macros");
		if (!which)
			fatal("%s%s: %s: no test macro %s (a test of dbt's own that dbt2ninja does "
			    "not have, or of a package not installed: a manifest from dbt parse "
			    "works instead)", r->pre, td->file, def->child->string, mid);
		cJSON_AddItemToArray(dm, cJSON_CreateString(which));
		fast = !strcmp(which, "macro.dbt.test_not_null") || !strcmp(which, "macro.dbt.test_unique");
		free(mid);
		free(which);
	}
	testtags(n, td, cJSON_GetObjectItemCaseSensitive(cfg, "tags"));
	calls = cJSON_Duplicate(cfg, 1);
	resolve(r, n, CTEST, "data_tests", NULL, calls);
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
			cJSON_AddItemToObject(rf, "version", td->v ? cJSON_Duplicate(td->v, 1) :
			    cJSON_CreateNull());
			cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(n, "refs"), rf);
		}
	} else {
		cJSON *dm = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n, "depends_on"), "macros");
		if (pctxtest(r->pc, n, kw, raw.s, calls, dm, &err) < 0)
			fatal("%s%s: %s", r->pre, td->file, err);
		resolve(r, n, CTEST, "data_tests", NULL, calls);
	}
	fromconfig(r, n, td->file);
	/* the attached node's group, as dbt's render_test_update */
	if (!td->source && !td->noattach)
		cJSON_ReplaceItemInObjectCaseSensitive(n, "group",
		    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(td->target, "group"), 1));
	names(r, n);
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n, "config"), "store_failures")))
		relname(r, n);
	if (enabled(n))
		cJSON_AddItemToArray(r->pending, cJSON_CreateString(uid));
	else
		disable(r, n);
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
	free(ns);
}

static void
testlist(struct reader *r, const struct testdef *td, const cJSON *o)
{
	const cJSON *dt = cJSON_GetObjectItemCaseSensitive(o, "data_tests");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "tests"), *x;

	if (dt && t)
		fatal("%s%s: both data_tests and tests", r->pre, td->file);
	if (!dt)
		dt = t;
	if (dt && !cJSON_IsArray(dt) && !cJSON_IsNull(dt))
		fatal("%s%s: data_tests: not a list", r->pre, td->file);
	cJSON_ArrayForEach(x, dt)
		onetest(r, td, (cJSON *)x);
}

/* The tests of a node or source table: its own, then each column's. */
static void
tests(struct reader *r, struct testdef *td, const cJSON *entry)
{
	const cJSON *c;

	td->column = NULL;
	td->coltags = NULL;
	/* a source table's own tests before its columns', as dbt's get_tests */
	if (td->source)
		testlist(r, td, entry);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(entry, "columns")) {
		/* dbt's parse_test: quoted as the column says (a source's
		 * column: else as its quoting.column), its tags the test's */
		cJSON *col = column(c);
		const cJSON *cq = cJSON_GetObjectItemCaseSensitive(c, "quote");
		char *q = NULL;
		if (cJSON_IsTrue(cq) || (!cJSON_IsBool(cq) && td->quotecols == 1))
			q = xasprintf("\"%s\"", jstr(c, "name"));
		td->column = q ? q : jstr(c, "name");
		td->coltags = cJSON_GetObjectItemCaseSensitive(col, "tags");
		testlist(r, td, c);
		free(q);
		cJSON_Delete(col);
	}
	td->column = NULL;
	td->coltags = NULL;
	/* a node's own tests after its columns', as dbt's parse_tests */
	if (!td->source)
		testlist(r, td, entry);
}

/* The tests of each version of a versioned model's properties p, as
 * dbt's parse_versioned_tests: the columns of the version, and its tests
 * (else the model's). */
static void
versiontests(struct reader *r, cJSON *p)
{
	cJSON *e = cJSON_GetObjectItemCaseSensitive(p, "entry"), *v;

	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(e, "versions")) {
		struct testdef td;
		cJSON *tmp = cJSON_CreateObject(), *t, *n;
		char *vt = vtext(cJSON_GetObjectItemCaseSensitive(v, "v"));
		char *uid = xasprintf("model.%s.%s.v%s", r->name, jstr(p, "name"), vt);
		memset(&td, 0, sizeof(td));
		if (!(n = get(r, r->nodes, uid)) && (n = get(r, r->disabled, uid)))
			n = n->child;
		td.noattach = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r->vinfo,
		    uid), "early"));
		/* no model: claimversions said so */
		if (!n) {
			free(uid);
			free(vt);
			cJSON_Delete(tmp);
			continue;
		}
		if (!(t = cJSON_GetObjectItemCaseSensitive(v, "data_tests")) || cJSON_IsNull(t))
			t = cJSON_GetObjectItemCaseSensitive(v, "tests");
		if (!t || cJSON_IsNull(t)) {
			if (!(t = cJSON_GetObjectItemCaseSensitive(e, "data_tests")) || cJSON_IsNull(t))
				t = cJSON_GetObjectItemCaseSensitive(e, "tests");
		}
		if (cJSON_GetObjectItemCaseSensitive(v, "data_tests") &&
		    cJSON_GetObjectItemCaseSensitive(v, "tests"))
			fatal("%s%s: both data_tests and tests", r->pre, jstr(p, "file"));
		if (t)
			cJSON_AddItemToObject(tmp, "data_tests", cJSON_Duplicate(t, 1));
		cJSON_AddItemToObject(tmp, "columns", vcolumns(e, v));
		td.file = jstr(p, "file");
		td.target = n;
		td.filekey = xasprintf("models.%s", jstr(p, "name"));
		td.version = vt;
		td.v = cJSON_GetObjectItemCaseSensitive(v, "v");
		tests(r, &td, tmp);
		free((char *)td.filekey);
		cJSON_Delete(tmp);
		free(uid);
		free(vt);
	}
}

static void
alltests(struct reader *r)
{
	cJSON *p, *e;

	cJSON_ArrayForEach(p, r->patches) {
		const char *kind = jstr(p, "kind");
		char *uid;
		struct testdef td;
		cJSON *n;
		useproject(r, project(r, jstr(p, "package")));
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(p,
		    "entry"), "versions")) > 0) {
			versiontests(r, p);
			continue;
		}
		uid = xasprintf("%s.%s.%s", kind, r->name, jstr(p, "name"));
		if (!(n = get(r, r->nodes, uid)) && (n = get(r, r->disabled, uid)))
			n = n->child;
		memset(&td, 0, sizeof(td));
		/* another package's node took it (crosspatch): its tests too,
		 * attached to none, as dbt looks the node up in the patch's
		 * package */
		if (!n && jstr(p, "claimed") && (n = get(r, r->nodes, jstr(p, "claimed"))))
			td.noattach = 1;
		if (!n) {
			warn("warning: %s%s: no %s named %s: its properties and tests are left out, "
			    "as dbt leaves them", r->pre, jstr(p, "file"), kind, jstr(p, "name"));
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
		const cJSON *x;
		char *uid;
		useproject(r, project(r, jstr(e, "package")));
		uid = xasprintf("source.%s.%s.%s", r->name, jstr(s, "name"),
		    jstr(cJSON_GetObjectItemCaseSensitive(e, "table"), "name"));
		memset(&td, 0, sizeof(td));
		td.file = jstr(e, "file");
		if (!(td.target = get(r, r->sources, uid)))
			td.target = get(r, r->disabled, uid)->child;
		td.source = 1;
		td.filekey = xasprintf("sources.%s", jstr(s, "name"));
		/* dbt's parse_source_test: the source's tags and the table's */
		td.srctags[0] = cJSON_GetObjectItemCaseSensitive(s, "tags");
		td.srctags[1] = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e,
		    "table"), "tags");
		td.quotecols = cJSON_IsBool(x = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(td.target,
		    "quoting"), "column")) ? cJSON_IsTrue(x) : -1;
		tests(r, &td, cJSON_GetObjectItemCaseSensitive(e, "table"));
		free((char *)td.filekey);
		free(uid);
	}
}

/* ---- dbt's order of the nodes ---- */

/* dbt's manifest holds its nodes in the order its parse made them: for
 * each project (the root, then the packages as its directory lists
 * them), its models, snapshots, analyses, singular tests and seeds, each
 * kind's files in os.walk's order, then its hooks; then each project's
 * properties files (.yml, then .yaml) with, in each, the models' tests,
 * the seeds', the snapshots defined there and the snapshots' tests; then
 * the sources' tests, in the sources' order. graph.nodes is that order.
 * A project's properties files are walked over its paths as a Python
 * set: where they lie under more than one of its paths, dbt's order of
 * their tests changes from one run of dbt to the next. */
struct order {
	struct htab rank;	/* "PKG\tpath" -> 1 + where dbt finds the file */
	struct htab top;	/* the same -> 1 + the searched path's index */
	size_t n;
};

struct okey {
	size_t k[6];
	cJSON *node;
};

static int
globext(const char *name, const char *ext)
{
	size_t n = strlen(name), k = strlen(ext);

	/* fnmatch's [!.#~]*EXT, as dbt's find_matching, case folded */
	return n > k && !strchr(".#~", name[0]) && !strcasecmp(name + n - k, ext);
}

/* os.walk(rel), top-down: a directory's files in the order its entries
 * come, then its subdirectories in that order (a link to one not
 * followed); each file matching ext ranked next. notop: the names of
 * rel's own subdirectories left out (singular tests' generic/, fixtures/). */
static void
owalk(struct reader *r, struct order *o, const char *rel, const char *ext, size_t top,
    int notop)
{
	char *p = path(r, rel), **dirs = NULL, *key;
	struct dirent *e;
	struct stat st;
	size_t nd = 0, i;
	DIR *d;

	if (!(d = opendir(p))) {
		free(p);
		return;
	}
	while ((e = readdir(d))) {
		char *sp;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sp = xasprintf("%s/%s", p, e->d_name);
		if (stat(sp, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (lstat(sp, &st) == 0 && !S_ISLNK(st.st_mode) && !(notop &&
			    (!strcmp(e->d_name, "generic") || !strcmp(e->d_name, "fixtures")))) {
				dirs = xreallocarray(dirs, nd + 1, sizeof(*dirs));
				dirs[nd++] = xasprintf("%s/%s", rel, e->d_name);
			}
		} else if (globext(e->d_name, ext)) {
			key = xasprintf("%s\t%s/%s", r->name, rel, e->d_name);
			if (!htabget(&o->rank, key)) {
				htabput(&o->rank, key, (void *)(uintptr_t)++o->n);
				htabput(&o->top, key, (void *)(uintptr_t)(top + 1));
			} else
				free(key);
		}
		free(sp);
	}
	closedir(d);
	free(p);
	for (i = 0; i < nd; i++) {
		owalk(r, o, dirs[i], ext, top, 0);
		free(dirs[i]);
	}
	free(dirs);
}

static void
owalkpaths(struct reader *r, struct order *o, const char *key, const char *dflt,
    const char *ext, int notop)
{
	cJSON *l = paths(r, key, dflt), *x;

	cJSON_ArrayForEach(x, l)
		owalk(r, o, x->valuestring, ext, 0, notop);
	cJSON_Delete(l);
}

static size_t
orank(struct htab *t, const char *pkg, const char *file)
{
	char *key = xasprintf("%s\t%s", pkg, file);
	size_t k = (size_t)(uintptr_t)htabget(t, key);

	free(key);
	return k;
}

static int
okeycmp(const void *a, const void *b)
{
	const struct okey *x = a, *y = b;
	size_t i;

	for (i = 0; i < 6; i++)
		if (x->k[i] != y->k[i])
			return x->k[i] < y->k[i] ? -1 : 1;
	return 0;
}

/* The items of a section made by properties files (sources, exposures)
 * put in the order dbt made them: each project's files in os.walk's
 * order, each file's in order. 1 when that is dbt's, else 0, the section
 * left as it was. */
static int
yamlorder(struct reader *r, struct order *o, cJSON *sec, size_t *tops)
{
	struct okey *v = xcalloc((size_t)cJSON_GetArraySize(sec) + 1, sizeof(*v));
	size_t nv = 0, i;
	int ordered = 1;
	cJSON *x;

	memset(tops, 0, r->nprojs * sizeof(*tops));
	cJSON_ArrayForEach(x, sec) {
		const char *pkg = jstr(x, "package_name"), *file = jstr(x, "original_file_path");
		const struct project *pj = pkg ? project(r, pkg) : NULL;
		struct okey *ok = &v[nv];
		size_t p, t;
		ok->node = x;
		ok->k[5] = nv++;
		if (!pj || !file || !(ok->k[2] = orank(&o->rank, pkg, file))) {
			ordered = 0;
			continue;
		}
		p = (size_t)(pj - r->projs);
		ok->k[1] = pj->fsorder;
		t = orank(&o->top, pkg, file);
		if (tops[p] && tops[p] != t)
			ordered = 0;
		tops[p] = t;
	}
	if (ordered && nv) {
		qsort(v, nv, sizeof(*v), okeycmp);
		while (sec->child)
			cJSON_DetachItemViaPointer(sec, sec->child);
		for (i = 0; i < nv; i++)
			cJSON_AddItemToArray(sec, v[i].node);
	}
	free(v);
	return ordered;
}

/* The nodes, sources and exposures put in dbt's order: ORDNODES,
 * ORDSOURCES and ORDEXPOSURES for those whose order is dbt's; where dbt's is not fixed (or not known
 * here), they are left as they were. */
static int
dbtorder(struct reader *r)
{
	static const char *const srcpaths[][2] = {{"model-paths", "models"},
	    {"seed-paths", "seeds"}, {"snapshot-paths", "snapshots"},
	    {"analysis-paths", "analyses"}, {"macro-paths", "macros"},
	    {"test-paths", "tests"}, {"function-paths", "functions"}};
	struct order o;
	struct okey *v;
	size_t *end, *tops, nv = 0, i, k, nproj = r->nprojs, *byfs;
	int ordered = 1, srcordered, expordered;
	cJSON *x, *vpos;

	memset(&o, 0, sizeof(o));
	end = xcalloc(nproj, sizeof(*end));
	tops = xcalloc(nproj, sizeof(*tops));
	byfs = xcalloc(nproj, sizeof(*byfs));
	for (i = 0; i < nproj; i++)
		byfs[i] = i;
	for (i = 1; i < nproj; i++)
		for (k = i; k > 1 && r->projs[byfs[k - 1]].fsorder > r->projs[byfs[k]].fsorder; k--) {
			size_t t = byfs[k];
			byfs[k] = byfs[k - 1];
			byfs[k - 1] = t;
		}
	/* the files of nodes, project by project */
	for (i = 0; i < nproj; i++) {
		useproject(r, &r->projs[byfs[i]]);
		owalkpaths(r, &o, "model-paths", "models", ".sql", 0);
		owalkpaths(r, &o, "model-paths", "models", ".py", 0);
		owalkpaths(r, &o, "snapshot-paths", "snapshots", ".sql", 0);
		owalkpaths(r, &o, "analysis-paths", "analyses", ".sql", 0);
		owalkpaths(r, &o, "test-paths", "tests", ".sql", 1);
		owalkpaths(r, &o, "seed-paths", "seeds", ".csv", 0);
		end[byfs[i]] = ++o.n;
	}
	/* the properties files, each with the path it is under: the
	 * project's paths without their trailing slashes, each once (dbt's
	 * all_source_paths, a set), .yml files before .yaml */
	for (i = 0; i < nproj; i++) {
		static const char *const ext[] = {".yml", ".yaml"};
		cJSON *seen = cJSON_CreateArray(), *walked = cJSON_CreateArray(), *l, *y;
		size_t e, m;
		useproject(r, &r->projs[byfs[i]]);
		for (k = 0; k < sizeof(srcpaths) / sizeof(srcpaths[0]); k++) {
			l = paths(r, srcpaths[k][0], srcpaths[k][1]);
			cJSON_ArrayForEach(x, l) {
				char *t = xstrdup(x->valuestring);
				size_t n = strlen(t);
				while (n > 0 && t[n - 1] == '/')
					t[--n] = '\0';
				cJSON_ArrayForEach(y, seen)
					if (!strcmp(y->valuestring, t))
						break;
				if (!y) {
					cJSON_AddItemToArray(seen, cJSON_CreateString(t));
					cJSON_AddItemToArray(walked, cJSON_CreateString(x->valuestring));
				}
				free(t);
			}
			cJSON_Delete(l);
		}
		for (e = 0; e < 2; e++) {
			m = 0;
			cJSON_ArrayForEach(y, walked)
				owalk(r, &o, y->valuestring, ext[e], m++, 0);
		}
		cJSON_Delete(seen);
		cJSON_Delete(walked);
	}
	useproject(r, &r->projs[0]);
	/* a versioned model is taken out and put back by its properties
	 * file's patch, before that file's tests: its versions in order */
	vpos = cJSON_CreateObject();
	cJSON_ArrayForEach(x, r->patches) {
		const cJSON *ver;
		cJSON_ArrayForEach(ver, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(x,
		    "entry"), "versions")) {
			char *vt = vtext(cJSON_GetObjectItemCaseSensitive(ver, "v"));
			char *uid = xasprintf("model.%s.%s.v%s", jstr(x, "package"), jstr(x, "name"), vt);
			cJSON *at = cJSON_AddObjectToObject(vpos, uid);
			cJSON_AddStringToObject(at, "file", jstr(x, "file"));
			cJSON_AddNumberToObject(at, "i", (double)cJSON_GetArraySize(vpos));
			free(vt);
			free(uid);
		}
	}
	/* a seed's or snapshot's properties that enable it or not: whether
	 * dbt put it back is not known here */
	cJSON_ArrayForEach(x, r->patches)
		if (strcmp(jstr(x, "kind"), "model") && cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(x, "entry"),
		    "config"), "enabled"))
			ordered = 0;
	v = xcalloc((size_t)cJSON_GetArraySize(r->nodes) + 1, sizeof(*v));
	cJSON_ArrayForEach(x, r->nodes) {
		const char *rt = jstr(x, "resource_type"), *pkg = jstr(x, "package_name");
		const char *file = jstr(x, "original_file_path"), *fk = jstr(x, "file_key_name");
		const struct project *pj = pkg ? project(r, pkg) : NULL;
		struct okey *ok = &v[nv];
		const cJSON *vp;
		size_t p;
		ok->node = x;
		ok->k[5] = nv++;
		if (!pj || !rt || !file) {
			ordered = 0;
			continue;
		}
		p = (size_t)(pj - r->projs);
		ok->k[1] = pj->fsorder;
		if (!strcmp(rt, "operation")) {
			const char *u = jstr(x, "unique_id"), *h = strstr(u, "-on-run-");
			ok->k[2] = end[p];
			ok->k[3] = h && !strncmp(h, "-on-run-end-", 12);
			ok->k[4] = h ? (size_t)strtoul(strrchr(h, '-') + 1, NULL, 10) : 0;
			continue;
		}
		if ((vp = cJSON_GetObjectItemCaseSensitive(vpos, jstr(x, "unique_id")))) {
			file = jstr(vp, "file");
			ok->k[4] = (size_t)cJSON_GetObjectItemCaseSensitive(vp, "i")->valuedouble;
		}
		if (!vp && !hassuffix(file, ".yml") && !hassuffix(file, ".yaml")) {
			/* one its properties enabled: put back after every
			 * properties file, as dbt's cleanup_disabled */
			if (cJSON_GetObjectItemCaseSensitive(r->early, jstr(x, "unique_id")))
				ok->k[0] = 2;
			if (!(ok->k[2] = orank(&o.rank, pkg, file)))
				ordered = 0;
			continue;
		}
		/* made by a properties file */
		ok->k[0] = fk && !strncmp(fk, "sources.", 8) ? 3 : 1;
		if (!(ok->k[2] = orank(&o.rank, pkg, file)))
			ordered = 0;
		if (!tops[p])
			tops[p] = orank(&o.top, pkg, file);
		else if (tops[p] != orank(&o.top, pkg, file))
			ordered = 0;
		if (vp)
			ok->k[3] = 0;
		else if (!strcmp(rt, "snapshot"))
			ok->k[3] = 4;
		else if (fk && !strncmp(fk, "seeds.", 6))
			ok->k[3] = 2;
		else if (fk && !strncmp(fk, "snapshots.", 10))
			ok->k[3] = 5;
		else if (fk && !strncmp(fk, "models.", 7))
			ok->k[3] = 1;
		else if (ok->k[0] != 3)
			ordered = 0;
	}
	if (ordered && nv) {
		qsort(v, nv, sizeof(*v), okeycmp);
		while (r->nodes->child)
			cJSON_DetachItemViaPointer(r->nodes, r->nodes->child);
		for (i = 0; i < nv; i++)
			cJSON_AddItemToArray(r->nodes, v[i].node);
	}
	free(v);
	srcordered = yamlorder(r, &o, r->sources, tops);
	expordered = yamlorder(r, &o, r->exposures, tops);
	cJSON_Delete(vpos);
	free(end);
	free(tops);
	free(byfs);
	for (i = 0; i < o.rank.cap; i++)
		free((char *)o.rank.keys[i]);
	htabfree(&o.rank);
	htabfree(&o.top);
	return (ordered ? ORDNODES : 0) | (srcordered ? ORDSOURCES : 0) |
	    (expordered ? ORDEXPOSURES : 0);
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

/* The node kind.pkg.name of one of kinds, or NULL; of version ver
 * (text, or NULL: of nodes, the latest version of a versioned model, as
 * dbt's ref_lookup). */
static char *
nodein(struct reader *r, cJSON *in, const char *const *kinds, const char *pkg,
    const char *name, const char *ver)
{
	size_t k;

	for (k = 0; kinds[k]; k++) {
		char *uid = ver ? xasprintf("%s.%s.%s.v%s", kinds[k], pkg, name, ver) :
		    xasprintf("%s.%s.%s", kinds[k], pkg, name);
		const char *l;
		if (get(r, in, uid))
			return uid;
		if (!ver && in == r->nodes && (l = jstr(r->latest, uid)) && get(r, in, l)) {
			free(uid);
			return xstrdup(l);
		}
		free(uid);
	}
	return NULL;
}

/* What ref() or source() of node n names, as dbt's resolve_ref and
 * resolve_source find it: in the package named, else the root project,
 * the node's own package, then any (refused when more than one has it:
 * dbt would take whichever it read first). */
static char *
findtarget(struct reader *r, cJSON *n, cJSON *in, const char *const *kinds,
    const char *pkg, const char *name, const char *ver, const char *what)
{
	const char *own = jstr(n, "package_name");
	char *uid = NULL, *found = NULL;
	size_t i;

	if (pkg)
		return nodein(r, in, kinds, pkg, name, ver);
	if ((uid = nodein(r, in, kinds, r->root, name, ver)) ||
	    (uid = nodein(r, in, kinds, own, name, ver)))
		return uid;
	for (i = 0; i < r->nprojs; i++) {
		if (!(uid = nodein(r, in, kinds, r->projs[i].name, name, ver)))
			continue;
		if (found)
			fatal("%s%s: %s: %s names %s and %s: which dbt takes is not read here (a "
			    "manifest from dbt parse works instead)", r->pre, jstr(n, "original_file_path"),
			    jstr(n, "unique_id"), what, found, uid);
		found = uid;
	}
	return found;
}

/* What dbt does with a ref() or source() of n that names nothing, or a
 * disabled node: a test is disabled (with a warning, but for a disabled
 * ref()'s); anything else is an error, as TargetNotFoundError. */
static void
unresolved(struct reader *r, cJSON *n, const char *kind, const char *name, const char *ver,
    const char *pkg, int disabled)
{
	const char *type = jstr(n, "resource_type");
	char *title = xstrdup(type);

	title[0] = (char)(title[0] - 'a' + 'A');
	if (!strcmp(type, "test")) {
		cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(n, "config"),
		    "enabled", cJSON_CreateFalse());
		/* dbt's words: not found names the package, even none */
		if (!disabled || !strcmp(kind, "source"))
			warn("warning: %s '%s' (%s) depends on a %s named '%s' %s%s%swhich %s", title,
			    jstr(n, "unique_id"), jstr(n, "original_file_path"), kind, name,
			    pkg || !disabled ? "in package '" : "", pkg ? pkg : "",
			    pkg || !disabled ? "' " : "", disabled ? "is disabled" : "was not found");
		free(title);
		return;
	}
	fatal("%s%s: %s '%s' (%s) depends on a %s named '%s' %s%s%s%s%s%swhich %s", r->pre,
	    jstr(n, "original_file_path"), title, jstr(n, "unique_id"),
	    jstr(n, "original_file_path"), kind, name, ver ? "with version '" : "", ver ? ver : "",
	    ver ? "' " : "", pkg ? "in package or project '" : "", pkg ? pkg : "",
	    pkg ? "' " : "", disabled ? "is disabled" : "was not found");
}

/* The version a ref() names, as text: NULL when it names none (dbt's
 * "if version:"). */
static char *
refversion(const cJSON *ref)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ref, "version");

	if (!v || cJSON_IsNull(v) || cJSON_IsFalse(v) || (cJSON_IsString(v) && !*v->valuestring) ||
	    (cJSON_IsNumber(v) && v->valuedouble == 0))
		return NULL;
	return vtext(v);
}

/* A ref() of n to the model t that t's access does not allow: dbt's
 * is_invalid_private_ref and is_invalid_protected_ref, in its words. A
 * package's restrict-access keeps its protected models to itself, and
 * its private ones to their group in it. */
static void
refaccess(struct reader *r, const cJSON *n, const cJSON *t)
{
	const char *acc, *g, *tg, *pkg;
	const struct project *p;
	int other, closed = 0;

	/* what is read only as far as it can refuse the reference: a
	 * public model's, none; a protected one's, with restrict-access */
	if (strcmp(jstr(t, "resource_type"), "model") || !(acc = jstr(t, "access")) ||
	    (strcmp(acc, "private") && strcmp(acc, "protected")))
		return;
	pkg = jstr(t, "package_name");
	if ((p = project(r, pkg)))
		closed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p->proj, "restrict-access"));
	if (!strcmp(acc, "protected") && !closed)
		return;
	other = strcmp(jstr(n, "package_name"), pkg);
	g = jstr(n, "group");
	tg = jstr(t, "group");
	if ((!strcmp(acc, "private") && (!g || !*g || !tg || strcmp(g, tg) || (other && closed))) ||
	    (!strcmp(acc, "protected") && other && closed))
		fatal("%s%s: Node %s attempted to reference node %s, which is not allowed because "
		    "the referenced node is %s to the '%s' %s.", r->pre, jstr(n, "original_file_path"),
		    jstr(n, "unique_id"), jstr(t, "unique_id"), acc, !strcmp(acc, "private") ?
		    (tg ? tg : "") : pkg, !strcmp(acc, "private") ? "group" : "package");
}

/* Every group a node names is a group of the properties files, as
 * dbt's check_valid_group_config; a public model is not ephemeral, as
 * its check_valid_access_property. */
static void
groupcheck(struct reader *r)
{
	const cJSON *n, *x;
	struct buf names = {0};
	char **v = NULL;
	size_t nv = 0, i;

	cJSON_ArrayForEach(x, r->groups) {
		v = xreallocarray(v, nv + 1, sizeof(*v));
		v[nv++] = strrchr(x->string, '.') + 1;
	}
	/* Python's sorted(set(...)) as its repr */
	if (nv)
		qsort(v, nv, sizeof(*v), namecmp);
	for (i = 0; i < nv; i++)
		if (!i || strcmp(v[i], v[i - 1]))
			bufprintf(&names, "%s'%s'", names.len ? ", " : "", v[i]);
	cJSON_ArrayForEach(n, r->nodes) {
		const char *g = jstr(n, "group"), *acc = jstr(n, "access");
		const char *mat = jstr(cJSON_GetObjectItemCaseSensitive(n, "config"), "materialized");
		for (i = 0; g && *g && i < nv && strcmp(v[i], g); i++)
			;
		if (g && *g && i == nv)
			fatal("%s%s: Invalid group '%s', expected one of [%s]",
			    project(r, jstr(n, "package_name"))->pre, jstr(n, "original_file_path"), g,
			    names.s ? names.s : "");
		if (acc && !strcmp(acc, "public") && mat && !strcmp(mat, "ephemeral"))
			fatal("%s%s: Node %s with 'ephemeral' materialization has an invalid value "
			    "(public) for the access field", project(r, jstr(n, "package_name"))->pre,
			    jstr(n, "original_file_path"), jstr(n, "unique_id"));
	}
	buffree(&names);
	free(v);
}

static void
depends(struct reader *r)
{
	static const char *const refable[] = {"model", "seed", "snapshot", NULL};
	static const char *const source[] = {"source", NULL};
	cJSON *u, *x;

	cJSON_ArrayForEach(u, r->pending) {
		cJSON *n = get(r, r->nodes, u->valuestring);
		if (!n)
			n = cJSON_GetObjectItemCaseSensitive(r->exposures, u->valuestring);
		cJSON *deps = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(n, "depends_on"), "nodes");
		useproject(r, project(r, jstr(n, "package_name")));
		/* dbt's process_sources, then its process_refs */
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(n, "sources")) {
			char *name = xasprintf("%s.%s", x->child->valuestring, x->child->next->valuestring);
			char *what = xasprintf("source('%s', '%s')", x->child->valuestring,
			    x->child->next->valuestring);
			char *uid = findtarget(r, n, r->sources, source, NULL, name, NULL, what);
			char *off = uid ? NULL : findtarget(r, n, r->disabled, source, NULL, name, NULL, what);
			if (uid)
				adddep(deps, uid);
			else
				unresolved(r, n, "source", name, NULL, NULL, off != NULL);
			free(off);
			free(uid);
			free(name);
			free(what);
		}
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(n, "refs")) {
			const char *pkg = jstr(x, "package");
			char *ver = refversion(x);
			char *what = pkg ? xasprintf("ref('%s', '%s')", pkg, jstr(x, "name")) :
			    xasprintf("ref('%s')", jstr(x, "name"));
			char *uid = findtarget(r, n, r->nodes, refable, pkg, jstr(x, "name"), ver, what);
			char *off = uid ? NULL : findtarget(r, n, r->disabled, refable, pkg,
			    jstr(x, "name"), ver, what);
			if (uid) {
				refaccess(r, n, get(r, r->nodes, uid));
				adddep(deps, uid);
			} else
				unresolved(r, n, "node", jstr(x, "name"), ver, pkg, off != NULL);
			free(off);
			free(uid);
			free(what);
			free(ver);
		}
	}
}

static int
strpcmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* dbt's check_for_model_deprecations: a warning for each model past its
 * deprecation_date, and for each model referring to one with a date. */
static void
deprwarn(struct reader *r)
{
	const cJSON *n, *c, *d;
	long long at;

	cJSON_ArrayForEach(n, r->nodes) {
		const char *date = jstr(n, "deprecation_date"), **kids;
		char *s, *v, *lv;
		size_t nk = 0, i;
		int past;
		if (!date || strcmp(jstr(n, "resource_type"), "model"))
			continue;
		free(isodate(date, &at));
		past = at < (long long)time(NULL);
		v = vtext(cJSON_GetObjectItemCaseSensitive(n, "version"));
		lv = vtext(cJSON_GetObjectItemCaseSensitive(n, "latest_version"));
		if (past)
			warn("warning: Model %s%s%s has passed its deprecation date of %s. This model "
			    "should be disabled or removed.", jstr(n, "name"), v ? ".v" : "", v ? v : "",
			    date);
		kids = xreallocarray(NULL, (size_t)cJSON_GetArraySize(r->nodes) + 1, sizeof(*kids));
		cJSON_ArrayForEach(c, r->nodes) {
			if (strcmp(jstr(c, "resource_type"), "model"))
				continue;
			cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c,
			    "depends_on"), "nodes"))
				if (!strcmp(d->valuestring, jstr(n, "unique_id")))
					break;
			if (d)
				kids[nk++] = jstr(c, "unique_id");
		}
		qsort(kids, nk, sizeof(*kids), strpcmp);
		for (i = 0; i < nk; i++) {
			s = v && strcmp(v, lv ? lv : "None") ? xasprintf("A new version of '%s' is "
			    "available. %s: {{ ref('%s', '%s', v='%s') }}.", jstr(n, "name"), past ?
			    "Migrate now" : "Try it out", jstr(n, "package_name"), jstr(n, "name"),
			    lv ? lv : "None") : xstrdup("");
			warn("warning: While compiling '%s': Found a reference to %s%s%s, which %s '%s'. "
			    "%s", jstr(get(r, r->nodes, kids[i]), "name"), jstr(n, "name"), v ? ".v" : "",
			    v ? v : "", past ? "was deprecated on" : "is slated for deprecation on", date, s);
			free(s);
		}
		free(kids);
		free(v);
		free(lv);
	}
}

/* A docs block of a .md file: its contents rendered with nothing, then
 * stripped, as dbt's DocumentationParser keeps them. */
struct docarg {
	struct reader *r;
	const char *rel;
};

static void
ondoc(void *arg, const char *name, const char *body, size_t len)
{
	struct docarg *da = arg;
	struct reader *r = da->r;
	char *uid = xasprintf("doc.%s.%s", r->name, name), *src = xmemdup(body, len), *err;
	struct arena a = {0};
	struct buf out = {0};
	struct jv *ctx = jvdict(&a);
	size_t s, e;

	if (cJSON_GetObjectItemCaseSensitive(r->docs, uid))
		fatal("%s%s: a second docs block named %s", r->pre, da->rel, name);
	if (jrender(da->rel, src, len, ctx, &a, &out, &err) < 0)
		fatal("%s%s", r->pre, err);
	for (s = 0; s < out.len && strchr(" \t\n\r\f\v", out.s[s]); s++)
		;
	for (e = out.len; e > s && strchr(" \t\n\r\f\v", out.s[e - 1]); e--)
		;
	{
		char *t = xmemdup(out.s ? out.s + s : "", e - s);
		cJSON_AddStringToObject(r->docs, uid, t);
		free(t);
	}
	buffree(&out);
	arenafree(&a);
	free(src);
	free(uid);
}

static void
docfile(struct reader *r, const char *rel, const char *below, void *arg)
{
	struct docarg da = {r, rel};
	char *text, *err;

	(void)below;
	(void)arg;
	if (!hassuffix(rel, ".md"))
		return;
	text = contents(r, rel, 0);
	if (docsblocks(rel, text, strlen(text), ondoc, &da, &err) < 0)
		fatal("%s%s", r->pre, err);
	free(text);
}

/* The docs blocks of the project in use: under its docs-paths, else under
 * every path of its sources. */
static void
projectdocs(struct reader *r)
{
	static const char *const keys[][2] = {{"model-paths", "models"},
	    {"seed-paths", "seeds"}, {"snapshot-paths", "snapshots"},
	    {"analysis-paths", "analyses"}, {"macro-paths", "macros"},
	    {"test-paths", "tests"}};
	cJSON *l, *x;
	size_t k;

	if (cJSON_GetObjectItemCaseSensitive(r->proj, "docs-paths")) {
		l = paths(r, "docs-paths", "docs");
		cJSON_ArrayForEach(x, l)
			walk(r, x->valuestring, "", docfile, NULL);
		cJSON_Delete(l);
		return;
	}
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		l = paths(r, keys[k][0], keys[k][1]);
		cJSON_ArrayForEach(x, l)
			walk(r, x->valuestring, "", docfile, NULL);
		cJSON_Delete(l);
	}
}

/* The macros of the project in use: its macro blocks, and the test blocks
 * of its test paths' generic/. */
static void
projectmacros(struct reader *r)
{
	cJSON *l, *x;

	l = paths(r, "macro-paths", "macros");
	cJSON_ArrayForEach(x, l)
		walk(r, x->valuestring, "", macrofile, NULL);
	cJSON_Delete(l);
	l = paths(r, "test-paths", "tests");
	cJSON_ArrayForEach(x, l)
		walk(r, x->valuestring, "", macrofile, (void *)"tests");
	cJSON_Delete(l);
}

/* The nodes of the project in use: properties first (a model's config
 * takes its patch's), then seeds and models. */
/* The properties files: under every path of the project's sources, as
 * dbt's all_source_paths; every project's before any node, as a patch
 * may be of another package's node (crosspatch). */
static void
projectprops(struct reader *r)
{
	static const char *const keys[][2] = {{"model-paths", "models"},
	    {"seed-paths", "seeds"}, {"snapshot-paths", "snapshots"},
	    {"analysis-paths", "analyses"}, {"macro-paths", "macros"},
	    {"test-paths", "tests"}};
	cJSON *l, *x;
	size_t k;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		l = paths(r, keys[k][0], keys[k][1]);
		cJSON_ArrayForEach(x, l)
			walk(r, x->valuestring, "", propfile, NULL);
		cJSON_Delete(l);
	}
}

static void
projectnodes(struct reader *r)
{
	cJSON *l, *x;

	l = paths(r, "seed-paths", "seeds");
	cJSON_ArrayForEach(x, l)
		walk(r, x->valuestring, "", seedfile, NULL);
	cJSON_Delete(l);
	l = paths(r, "model-paths", "models");
	cJSON_ArrayForEach(x, l)
		walk(r, x->valuestring, "", modelfile, NULL);
	cJSON_Delete(l);
	modelsdone(r);
	l = paths(r, "snapshot-paths", "snapshots");
	cJSON_ArrayForEach(x, l)
		walk(r, x->valuestring, "", snapshotfile, NULL);
	cJSON_Delete(l);
	yamlsnapshots(r);
	l = paths(r, "test-paths", "tests");
	cJSON_ArrayForEach(x, l)
		walk(r, x->valuestring, "", singularfile, NULL);
	cJSON_Delete(l);
	hooknodes(r);
}

cJSON *
dbtparse(const struct parseopts *o, char **read, char **missing, int *ordered)
{
	struct reader r;
	cJSON *x, *meta, *v;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.o = o;
	/* dbt-materialize brings macros of its own (its generate_schema_name
	 * among them): ours are dbt-postgres's */
	if (strcmp(o->adapter, "postgres"))
		fatal("%sdbt_project.yml: a %s project: dbt2ninja reads postgres projects "
		    "(a manifest from dbt parse works instead)", *o->dir ? o->dir : "", o->adapter);
	addproject(&r, xstrdup(o->dir));
	r.root = r.projs[0].name;
	packages(&r);
	r.doc = cJSON_CreateObject();
	meta = cJSON_AddObjectToObject(r.doc, "metadata");
	cJSON_AddStringToObject(meta, "dbt_schema_version", "https://schemas.getdbt.com/dbt/manifest/v12.json");
	cJSON_AddStringToObject(meta, "dbt_version", DBTPARSEVERSION);
	cJSON_AddStringToObject(meta, "project_name", r.root);
	cJSON_AddStringToObject(meta, "adapter_type", o->adapter);
	r.nodes = cJSON_AddObjectToObject(r.doc, "nodes");
	r.sources = cJSON_AddObjectToObject(r.doc, "sources");
	r.macros = cJSON_AddObjectToObject(r.doc, "macros");
	r.exposures = cJSON_AddObjectToObject(r.doc, "exposures");
	r.disabled = cJSON_AddObjectToObject(r.doc, "disabled");
	r.latest = cJSON_CreateObject();
	r.early = cJSON_CreateObject();
	r.vinfo = cJSON_CreateObject();
	r.patches = cJSON_CreateObject();
	r.stpatches = cJSON_CreateObject();
	r.srcs = cJSON_CreateArray();
	r.exps = cJSON_CreateArray();
	r.pending = cJSON_CreateArray();
	/* macros first: the renders call them */
	r.docs = cJSON_CreateObject();
	r.groups = cJSON_CreateObject();
	for (i = 0; i < r.nprojs; i++) {
		useproject(&r, &r.projs[i]);
		projectmacros(&r);
		projectdocs(&r);
	}
	useproject(&r, &r.projs[0]);
	builtinmacros(&r);
	memset(&r.run, 0, sizeof(r.run));
	r.run.adapter = o->adapter;
	r.run.project = r.root;
	r.run.clivars = o->clivars;
	v = cJSON_GetObjectItemCaseSensitive(r.proj, "vars");
	r.run.vars = cJSON_IsObject(v) ? v : NULL;
	r.run.pkgvars = cJSON_CreateObject();
	for (i = 1; i < r.nprojs; i++)
		if (cJSON_IsObject(v = cJSON_GetObjectItemCaseSensitive(r.projs[i].proj, "vars")))
			cJSON_AddItemReferenceToObject(r.run.pkgvars, r.projs[i].name, v);
	r.run.target = o->target;
	v = cJSON_GetObjectItemCaseSensitive(r.proj, "dispatch");
	r.run.dispatch = cJSON_IsArray(v) ? v : NULL;
	v = cJSON_GetObjectItemCaseSensitive(r.proj, "flags");
	r.run.flags = cJSON_IsObject(v) ? v : NULL;
	v = cJSON_GetObjectItemCaseSensitive(r.proj, "quoting");
	r.run.quoting = cJSON_IsObject(v) ? v : NULL;
	r.pc = pctxnew(r.macros, &r.run);
	for (i = 0; i < r.nprojs; i++)
		pctxpre(r.pc, r.projs[i].name, r.projs[i].pre);
	pctxdocs(r.pc, r.docs);
	for (i = 0; i < r.nprojs; i++) {
		useproject(&r, &r.projs[i]);
		projectprops(&r);
	}
	for (i = 0; i < r.nprojs; i++) {
		useproject(&r, &r.projs[i]);
		projectnodes(&r);
	}
	patchcheck(&r);
	singularunused(&r);
	cJSON_ArrayForEach(x, r.srcs)
		sourcenode(&r, x);
	unversioned(&r);
	cJSON_ArrayForEach(x, r.exps)
		exposure(&r, x);
	alltests(&r);
	depends(&r);
	deprwarn(&r);
	groupcheck(&r);
	*ordered = dbtorder(&r);
	nodejson(r.doc);
	pctxfree(r.pc);
	if (r.ypc)
		pctxfree(r.ypc);
	cJSON_Delete(r.ymacros);
	cJSON_Delete(r.docs);
	cJSON_Delete(r.groups);
	cJSON_Delete(r.run.pkgvars);
	cJSON_Delete(r.patches);
	cJSON_Delete(r.stpatches);
	cJSON_Delete(r.latest);
	cJSON_Delete(r.early);
	cJSON_Delete(r.vinfo);
	cJSON_Delete(r.srcs);
	cJSON_Delete(r.exps);
	cJSON_Delete(r.pending);
	for (i = 0; i < r.nprojs; i++) {
		cJSON_Delete(r.projs[i].proj);
		free(r.projs[i].name);
		free(r.projs[i].pre);
		free(r.projs[i].abs);
	}
	free(r.projs);
	for (i = 0; i < r.seen.cap; i++)
		free((char *)r.seen.keys[i]);
	htabfree(&r.seen);
	for (i = 0; i < sizeof(r.ix) / sizeof(r.ix[0]); i++)
		htabfree(&r.ix[i]);
	for (i = 0; i < r.dirs.cap; i++) {
		struct dirlist *l = r.dirs.vals[i];
		size_t k;
		if (!r.dirs.keys[i])
			continue;
		for (k = 0; k < l->n; k++)
			free(l->names[k]);
		free(l->names);
		free(l->isdir);
		free(l);
		free((char *)r.dirs.keys[i]);
	}
	htabfree(&r.dirs);
	arenafree(&r.ixkeys);
	*read = r.read.s ? r.read.s : xstrdup("");
	*missing = r.missing.s ? r.missing.s : xstrdup("");
	return r.doc;
}
