/* late.c: a job's SQL rendered when it runs.
 *
 * The generator leaves to the executor a node whose render needs the
 * database (gen/render.h): its job holds the node and what it reaches as
 * JSON where the SQL would be, and its "render" line names the context
 * (target/ninja/render.json, beside the job directory, by its digest) and
 * the env vars the generator saw it read. Here it is rendered on the
 * node's own connection, with dbt's context (dbtctx.h): statements,
 * run_query and the adapter's introspection run on it, is_incremental()
 * answers what the materialization will find, and an env var that is
 * not the job's, or has changed, is an error. What was rendered is kept
 * in target/ninja/late/<job>.sql for the reader. */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "dbtctx.h"
#include "matstep.h"

/* The step a post-hook's render found pending sent first, and what
 * follows it a step of its own: the node's status stays the main
 * statement's. */
static int
sendpending(struct runner *r)
{
	struct step *s = r->pending;
	int main = s->mainstmt;

	if (!s->sql.len)
		return 0;
	if (matexec(r, s) < 0) {
		r->sentfailed = 1;
		return -1;
	}
	matstep(s);
	s->mainstmt = main < 0 ? -1 : INT_MAX;
	matnstmts = 0;
	return 0;
}

static PGresult *
exec(void *data, const char *sql, char **err)
{
	struct runner *r = data;

	if (r->pending && sendpending(r) < 0) {
		*err = xstrdup(r->err ? r->err : "the node's statements failed");
		return NULL;
	}
	return pgresult(r->conn, sql, err);
}

/* A file beside the job directory: target/ninja/<name> for the job
 * target/ninja/sql/<job>.sql. */
static char *
beside(const char *job, const char *name)
{
	const char *p = strrchr(job, '/'), *q;

	if (!p)
		return xasprintf("../%s", name);
	for (q = p; q > job && q[-1] != '/'; q--)
		;
	return xasprintf("%.*s%s", (int)(q - job), job, name);
}

/* What was rendered, for the reader: target/ninja/late/<job>.sql. */
static void
keep(const char *job, const char *sql)
{
	const char *base = strrchr(job, '/');
	char *dir = beside(job, "late"), *path = xasprintf("%s/%s", dir, base ? base + 1 : job);

	if (mkdirs(dir) < 0 || writefile(path, sql, strlen(sql)) < 0)
		warn("%s:", path);
	free(path);
	free(dir);
}

static cJSON *
detach(cJSON *o, const char *k)
{
	cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(o, k);

	if (!v)
		return NULL;
	if (cJSON_IsNull(v)) {
		cJSON_Delete(v);
		return NULL;
	}
	return v;
}

/* A job's context while it runs: its hooks render in it too. */
struct late {
	cJSON *m, *vars, *pkgvars, *dispatch, *flags, *clivars, *target;
	cJSON *cands;		/* an on-run-end's: what its results may hold */
	struct dbtrun run;
	struct dbtdb db;
	struct dbtctx *c;
	cJSON *node;
	cJSON *graph;		/* graph.json, when the job's render read graph */
};

void
matlatefree(struct runner *r)
{
	struct late *l = r->late;

	if (!l)
		return;
	dbtctxfree(l->c);
	cJSON_Delete(l->m);
	cJSON_Delete(l->vars);
	cJSON_Delete(l->pkgvars);
	cJSON_Delete(l->dispatch);
	cJSON_Delete(l->flags);
	cJSON_Delete(l->clivars);
	cJSON_Delete(l->target);
	cJSON_Delete(l->cands);
	cJSON_Delete(l->graph);
	free(l);
	r->late = NULL;
}

/* The job's context (render.json, by its digest) and what it renders
 * (its JSON) into r->late, the database r's connection: 0, or -1 with
 * r->err. The context itself is made by the caller (dbtctxnew). */
static int
lateopen(struct runner *r)
{
	struct jobfile *j = r->job;
	const cJSON *line = jobget(j, "render");
	const char *digest = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(line, "context"));
	const char *tgt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(line, "target"));
	struct buf text = {0};
	struct late *l;
	cJSON *ctx = NULL, *doc = NULL, *meta;
	char *path;
	int rc = -1;

	path = beside(j->path, "render.json");
	if (!digest || !tgt || readfile(path, &text) < 0 || !(ctx = cJSON_Parse(text.s)) ||
	    strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ctx, "digest")) ?
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ctx, "digest")) : "", digest) ||
	    strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ctx, "target_digest")) ?
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ctx, "target_digest")) : "", tgt)) {
		r->err = xasprintf("%s: not the context this job was written with; run dbt2ninja again", path);
		goto out;
	}
	if (!(doc = cJSON_Parse(j->sql)) || !cJSON_IsObject(doc)) {
		r->err = xasprintf("%s: the node to render is not JSON", j->path);
		goto out;
	}
	r->late = l = xcalloc(1, sizeof(*l));
	l->m = cJSON_CreateObject();
	meta = detach(ctx, "metadata");
	cJSON_AddItemToObject(l->m, "metadata", meta ? meta : cJSON_CreateObject());
	cJSON_AddItemToObject(l->m, "macros", detach(ctx, "macros"));
	cJSON_AddItemToObject(l->m, "nodes", detach(doc, "nodes"));
	cJSON_AddItemToObject(l->m, "sources", detach(doc, "sources"));
	l->cands = detach(doc, "results");
	l->vars = detach(ctx, "vars");
	l->pkgvars = detach(ctx, "pkgvars");
	l->dispatch = detach(ctx, "dispatch");
	l->flags = detach(ctx, "flags");
	l->clivars = detach(ctx, "clivars");
	l->target = detach(ctx, "target");
	l->run.adapter = j->adapter;
	l->run.project = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta, "project_name"));
	l->run.dbtversion = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta, "dbt_version"));
	l->run.vars = l->vars;
	l->run.pkgvars = l->pkgvars;
	l->run.dispatch = l->dispatch;
	l->run.flags = l->flags;
	l->run.clivars = l->clivars;
	l->run.target = l->target;
	l->run.fullrefresh = r->fullrefresh;
	l->run.which = r->which;
	l->run.envs = (cJSON *)cJSON_GetObjectItemCaseSensitive(line, "env");
	l->db.data = r;
	l->db.exec = exec;
	l->run.db = &l->db;
	rc = 0;
out:
	free(path);
	buffree(&text);
	cJSON_Delete(ctx);
	cJSON_Delete(doc);
	return rc;
}

static cJSON *
graphof(void *p)
{
	return ((struct late *)p)->graph;
}

/* graph in the job's render: refused, unless the generator's render read
 * it, when its render line names graph's digest (the env var "@graph")
 * and graph.json beside the context is that graph: 0, or -1 with r->err. */
static int
lategraph(struct runner *r, struct late *l)
{
	const char *want = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(l->run.envs,
	    "@graph"));
	struct buf text = {0};
	const cJSON *x;
	char *path;

	if (!want) {
		dbtctxgraph(l->c, NULL, NULL, " (in a render when the node runs, where the "
		    "render of dbt2ninja did not read it)");
		return 0;
	}
	path = beside(r->job->path, "graph.json");
	if (readfile(path, &text) < 0 || !(l->graph = cJSON_Parse(text.s)) ||
	    strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(l->graph, "digest")) ?
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(l->graph, "digest")) : "", want)) {
		r->err = xasprintf("%s: not the graph this job was written with; run dbt2ninja again",
		    path);
		free(path);
		buffree(&text);
		return -1;
	}
	free(path);
	buffree(&text);
	/* as the generator gave it (render.c's rdocctx) */
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l->graph, "partial")))
		dbtctxgraph(l->c, graphof, l, NULL);
	else {
		dbtctxgraph(l->c, graphof, l, GRAPHPARTIAL);
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(l->graph, "ordered"))
			if (cJSON_IsString(x))
				dbtctxordered(l->c, x->valuestring);
	}
	return 0;
}

int
matlate(struct runner *r)
{
	struct jobfile *j = r->job;
	struct buf out = {0};
	struct late *l;
	char *err = NULL;
	int full = r->fullrefresh;

	if (!jobget(j, "render"))
		return 0;
	if (r->dry) {
		j->late = xstrdup("-- the SQL is rendered when the node runs, on its connection\n");
		j->sql = j->late;
		return 0;
	}
	if (lateopen(r) < 0)
		return -1;
	l = r->late;
	if (jobget(j, "full_refresh"))
		full = jobbool(j, "full_refresh", 0);
	l->run.fullrefresh = full;
	l->run.which = r->which;
	/* what the materialization will find: a table, and no full refresh */
	l->run.incremental = !strcmp(j->materialized, "incremental") && !full && r->was.kind == 'r';
	l->c = dbtctxnew(l->m, &l->run);
	if (lategraph(r, l) < 0)
		return -1;
	if (!(l->node = dbtnode(l->c, j->uid))) {
		r->err = xasprintf("%s: %s is not among the nodes to render", j->path, j->uid);
		return -1;
	}
	if (dbtrender(l->c, l->node, &out, &err) < 0) {
		r->err = err;
		buffree(&out);
		return -1;
	}
	j->late = out.s ? out.s : xstrdup("");
	j->sql = j->late;
	j->incrsql = l->run.incremental ? j->late : NULL;
	j->sqlline = 0;
	keep(j->path, j->late);
	return 0;
}

/* ---- on-run-end's results ---- */

struct ran {
	struct timespec at;
	const char *uid;
	cJSON *r;
};

static int
rancmp(const void *a, const void *b)
{
	const struct ran *x = a, *y = b;

	if (tsnewer(&x->at, &y->at))
		return 1;
	if (tsnewer(&y->at, &x->at))
		return -1;
	return strcmp(x->uid, y->uid);
}

/* One result as dbt's RunResult: what run_results.json says of it, and
 * its node, compiled as it ran. */
static cJSON *
runresult(cJSON *res, cJSON *node)
{
	static const char *const keys[] = {"status", "timing", "thread_id", "execution_time",
	    "adapter_response", "message", "failures", NULL};
	cJSON *o = cJSON_CreateObject(), *n = cJSON_Duplicate(node, 1), *v;
	size_t i;

	cJSON_DeleteItemFromObjectCaseSensitive(n, "compiled");
	cJSON_DeleteItemFromObjectCaseSensitive(n, "compiled_code");
	cJSON_AddBoolToObject(n, "compiled", 1);
	v = cJSON_GetObjectItemCaseSensitive(res, "compiled_code");
	cJSON_AddItemToObject(n, "compiled_code", v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
	v = cJSON_GetObjectItemCaseSensitive(res, "relation_name");
	if (v && !cJSON_GetObjectItemCaseSensitive(n, "relation_name"))
		cJSON_AddItemToObject(n, "relation_name", cJSON_Duplicate(v, 1));
	cJSON_AddItemToObject(o, "node", n);
	for (i = 0; keys[i]; i++) {
		v = cJSON_GetObjectItemCaseSensitive(res, keys[i]);
		cJSON_AddItemToObject(o, keys[i], v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
	}
	cJSON_AddNullToObject(o, "agate_table");
	cJSON_AddNullToObject(o, "batch_results");
	return o;
}

/* The results of the run: of the nodes the job names, those whose result
 * in dir was written since (microseconds since the epoch), in the order
 * they were written, as dbt lists them as they complete. */
static cJSON *
runresults(struct late *l, const char *dir, long long since)
{
	struct ran *v = NULL;
	size_t n = 0, i;
	cJSON *c, *list = cJSON_CreateArray();

	cJSON_ArrayForEach(c, l->cands) {
		const char *uid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "unique_id"));
		const char *file = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "file"));
		cJSON *node = uid ? dbtnode(l->c, uid) : NULL, *res;
		struct buf text = {0};
		struct timespec at;
		char *path;
		if (!node || !file)
			continue;
		path = xasprintf("%s/%s.json", dir, file);
		if (mtimeof(path, &at) == 0 && (long long)at.tv_sec * 1000000 + at.tv_nsec / 1000 +
		    1000 >= since && readfile(path, &text) == 0 && (res = cJSON_Parse(text.s))) {
			v = xreallocarray(v, n + 1, sizeof(*v));
			v[n].at = at;
			v[n].uid = uid;
			v[n++].r = runresult(res, node);
			cJSON_Delete(res);
		}
		buffree(&text);
		free(path);
	}
	if (n)
		qsort(v, n, sizeof(*v), rancmp);
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(list, v[i].r);
	free(v);
	return list;
}

/* ---- operations ---- */

int
matlateop(struct runner *r, const char *dir, long long since)
{
	struct jobfile *j = r->job;
	struct late *l;
	struct dbthook h;
	struct buf out = {0};
	const cJSON *sch = jobget(j, "database_schemas"), *p;
	const char **pairs = NULL, *hook = jobstr(j, "hook", j->uid);
	cJSON *raw, *results = NULL, *hj;
	char *err = NULL, *name;
	size_t np = 0;
	int rc;

	if (!jobget(j, "render"))
		return 0;
	if (r->dry) {
		j->late = xstrdup("-- the hook is rendered when it runs, on its connection\n");
		j->sql = j->late;
		return 0;
	}
	if (lateopen(r) < 0)
		return -1;
	l = r->late;
	l->c = dbtctxnew(l->m, &l->run);
	if (lategraph(r, l) < 0)
		return -1;
	if (!(l->node = dbtnode(l->c, j->uid))) {
		r->err = xasprintf("%s: %s is not among the nodes to render", j->path, j->uid);
		return -1;
	}
	raw = cJSON_GetObjectItemCaseSensitive(l->node, "raw_code");
	if (!cJSON_IsString(raw))
		raw = cJSON_GetObjectItemCaseSensitive(l->node, "raw_sql");
	if (!cJSON_IsString(raw)) {
		r->err = xasprintf("%s: %s has no raw_code", j->path, j->uid);
		return -1;
	}
	memset(&h, 0, sizeof(h));
	h.operation = 1;
	if (strstr(hook, ".on-run-end.")) {
		h.end = 1;
		cJSON_ArrayForEach(p, sch) {
			pairs = xreallocarray(pairs, 2 * (np + 1), sizeof(*pairs));
			pairs[2 * np] = cJSON_GetStringValue(cJSON_GetArrayItem(p, 0));
			pairs[2 * np + 1] = cJSON_GetStringValue(cJSON_GetArrayItem(p, 1));
			if (!pairs[2 * np + 1]) {
				free(pairs);
				r->err = xasprintf("%s: database_schemas holds no [database, schema] pair",
				    j->path);
				return -1;
			}
			np++;
		}
		h.dbschemas = pairs;
		h.nschemas = np;
		h.results = results = runresults(l, dir, since);
	}
	name = xasprintf("%s (%s)", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(l->node,
	    "original_file_path")) ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(l->node,
	    "original_file_path")) : j->uid, h.end ? "on-run-end" : "on-run-start");
	rc = dbtrenderstr(l->c, l->node, name, raw->valuestring, &h, &out, &err);
	free(name);
	free(pairs);
	cJSON_Delete(results);
	if (rc < 0) {
		r->err = err;
		buffree(&out);
		return -1;
	}
	/* dbt's get_hook, of the whole text */
	if ((hj = cJSON_Parse(out.s ? out.s : ""))) {
		const char *sql = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(hj, "sql"));
		if (!cJSON_IsObject(hj) || !sql) {
			cJSON_Delete(hj);
			buffree(&out);
			r->err = xasprintf("%s: unsupported: the hook renders to JSON that is not a hook",
			    j->path);
			return -1;
		}
		j->late = xstrdup(sql);
		cJSON_Delete(hj);
	} else
		j->late = out.s ? xstrdup(out.s) : xstrdup("");
	buffree(&out);
	j->sql = j->late;
	keep(j->path, j->late);
	return 0;
}

static int
space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int
matlatehook(struct runner *r, const char *kind, const char *in, struct buf *out)
{
	struct late *l = r->late;
	struct dbthook h;
	struct buf b = {0};
	char *err = NULL, *name;
	const char *s, *e;
	cJSON *j;
	int rc;

	memset(&h, 0, sizeof(h));
	h.post = !strcmp(kind, "post-hook");
	/* is_incremental() answers as for the model, in a post-hook too: dbt's
	 * cache has no table its first run created (dbtctx.h) */
	h.was = r->was.kind;
	h.ran = h.post && r->pending;
	name = xasprintf("%s (%s)", r->job->path, kind);
	rc = dbtrenderstr(l->c, l->node, name, in, &h, &b, &err);
	free(name);
	if (rc < 0 && r->sentfailed) {
		/* the node's own statements failed: that is the error */
		free(err);
		buffree(&b);
		return -1;
	}
	if (rc < 0) {
		free(r->err);
		r->err = err;
		buffree(&b);
		return -1;
	}
	s = b.s ? b.s : "";
	e = s + b.len;
	while (s < e && space((unsigned char)*s))
		s++;
	while (e > s && space((unsigned char)e[-1]))
		e--;
	/* dbt's get_hook: a hook that renders to a JSON object is its sql */
	if (s < e && *s == '{' && (j = cJSON_ParseWithLength(s, (size_t)(e - s)))) {
		const char *sql = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "sql"));
		if (!cJSON_IsObject(j) || !sql) {
			cJSON_Delete(j);
			buffree(&b);
			r->err = xasprintf("%s: unsupported: a %s that renders to JSON that is not a hook",
			    r->job->path, kind);
			return -1;
		}
		bufputs(out, sql);
		cJSON_Delete(j);
	} else
		bufadd(out, s, (size_t)(e - s));
	buffree(&b);
	return 0;
}
