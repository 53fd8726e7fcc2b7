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
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dbtctx.h"
#include "mat.h"

static PGresult *
exec(void *data, const char *sql, char **err)
{
	struct runner *r = data;

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
	struct dbtrun run;
	struct dbtdb db;
	struct dbtctx *c;
	cJSON *node;
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
	free(l);
	r->late = NULL;
}

int
matlate(struct runner *r)
{
	struct jobfile *j = r->job;
	const cJSON *line = jobget(j, "render");
	const char *digest = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(line, "context"));
	struct buf text = {0}, out = {0};
	struct late *l;
	cJSON *ctx = NULL, *doc = NULL, *meta;
	char *path, *err = NULL;
	int rc = -1, full = r->fullrefresh;

	if (!line)
		return 0;
	if (r->dry) {
		j->late = xstrdup("-- the SQL is rendered when the node runs, on its connection\n");
		j->sql = j->late;
		return 0;
	}
	path = beside(j->path, "render.json");
	if (!digest || readfile(path, &text) < 0 || !(ctx = cJSON_Parse(text.s)) ||
	    strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ctx, "digest")) ?
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ctx, "digest")) : "", digest)) {
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
	l->vars = detach(ctx, "vars");
	l->pkgvars = detach(ctx, "pkgvars");
	l->dispatch = detach(ctx, "dispatch");
	l->flags = detach(ctx, "flags");
	l->clivars = detach(ctx, "clivars");
	l->target = detach(ctx, "target");
	if (jobget(j, "full_refresh"))
		full = jobbool(j, "full_refresh", 0);
	l->run.adapter = j->adapter;
	l->run.project = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta, "project_name"));
	l->run.dbtversion = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta, "dbt_version"));
	l->run.vars = l->vars;
	l->run.pkgvars = l->pkgvars;
	l->run.dispatch = l->dispatch;
	l->run.flags = l->flags;
	l->run.clivars = l->clivars;
	l->run.target = l->target;
	l->run.fullrefresh = full;
	/* what the materialization will find: a table, and no full refresh */
	l->run.incremental = !strcmp(j->materialized, "incremental") && !full && r->was.kind == 'r';
	l->run.envs = (cJSON *)cJSON_GetObjectItemCaseSensitive(line, "env");
	l->db.data = r;
	l->db.exec = exec;
	l->run.db = &l->db;
	l->c = dbtctxnew(l->m, &l->run);
	if (!(l->node = dbtnode(l->c, j->uid)))
		r->err = xasprintf("%s: %s is not among the nodes to render", j->path, j->uid);
	else if (dbtrender(l->c, l->node, &out, &err) < 0) {
		r->err = err;
	} else {
		j->late = out.s ? out.s : xstrdup("");
		out.s = NULL;
		j->sql = j->late;
		j->incrsql = l->run.incremental ? j->late : NULL;
		j->sqlline = 0;
		keep(j->path, j->late);
		rc = 0;
	}
	buffree(&out);
out:
	free(path);
	buffree(&text);
	cJSON_Delete(ctx);
	cJSON_Delete(doc);
	return rc;
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
	name = xasprintf("%s (%s)", r->job->path, kind);
	rc = dbtrenderstr(l->c, l->node, name, in, &h, &b, &err);
	free(name);
	if (rc < 0) {
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
