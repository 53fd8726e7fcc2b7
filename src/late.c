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

int
matlate(struct runner *r)
{
	struct jobfile *j = r->job;
	const cJSON *line = jobget(j, "render");
	const char *digest = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(line, "context"));
	struct buf text = {0}, out = {0};
	struct dbtrun run;
	struct dbtdb db;
	struct dbtctx *c;
	cJSON *ctx = NULL, *doc = NULL, *m, *meta, *node, *vars, *pkgvars, *dispatch, *clivars, *target;
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
	m = cJSON_CreateObject();
	meta = detach(ctx, "metadata");
	cJSON_AddItemToObject(m, "metadata", meta ? meta : cJSON_CreateObject());
	cJSON_AddItemToObject(m, "macros", detach(ctx, "macros"));
	cJSON_AddItemToObject(m, "nodes", detach(doc, "nodes"));
	cJSON_AddItemToObject(m, "sources", detach(doc, "sources"));
	vars = detach(ctx, "vars");
	pkgvars = detach(ctx, "pkgvars");
	dispatch = detach(ctx, "dispatch");
	clivars = detach(ctx, "clivars");
	target = detach(ctx, "target");
	if (jobget(j, "full_refresh"))
		full = jobbool(j, "full_refresh", 0);
	memset(&run, 0, sizeof(run));
	run.adapter = j->adapter;
	run.project = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta, "project_name"));
	run.dbtversion = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(meta, "dbt_version"));
	run.vars = vars;
	run.pkgvars = pkgvars;
	run.dispatch = dispatch;
	run.clivars = clivars;
	run.target = target;
	run.fullrefresh = r->fullrefresh;
	/* what the materialization will find: a table, and no full refresh */
	run.incremental = !strcmp(j->materialized, "incremental") && !full && r->was.kind == 'r';
	run.envs = (cJSON *)cJSON_GetObjectItemCaseSensitive(line, "env");
	db.data = r;
	db.exec = exec;
	run.db = &db;
	c = dbtctxnew(m, &run);
	if (!(node = dbtnode(c, j->uid)))
		r->err = xasprintf("%s: %s is not among the nodes to render", j->path, j->uid);
	else if (dbtrender(c, node, &out, &err) < 0) {
		r->err = err;
	} else {
		j->late = out.s ? out.s : xstrdup("");
		out.s = NULL;
		j->sql = j->late;
		j->incrsql = run.incremental ? j->late : NULL;
		j->sqlline = 0;
		keep(j->path, j->late);
		rc = 0;
	}
	dbtctxfree(c);
	buffree(&out);
	cJSON_Delete(m);
	cJSON_Delete(vars);
	cJSON_Delete(pkgvars);
	cJSON_Delete(dispatch);
	cJSON_Delete(clivars);
	cJSON_Delete(target);
out:
	free(path);
	buffree(&text);
	cJSON_Delete(ctx);
	cJSON_Delete(doc);
	return rc;
}
