/* render.c: nodes rendered by the generator (see render.h). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dbtctx.h"
#include "project.h"
#include "profile.h"
#include "render.h"
#include "yamljson.h"

static int
needs(const struct node *n)
{
	return n->kind == KRUN && !n->sql && n->rtype != RSEED &&
	    !strcmp(n->language, "sql");
}

static char *
renderone(struct dbtctx *c, struct manifest *m, struct node *n, cJSON *j)
{
	struct buf out = {0};
	char *err = NULL, *s;

	if (dbtrender(c, j, &out, &err) < 0)
		fatal("%s (%s)", err, n->uid);
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

/* dbt_project.yml's vars in dir, and each package's own by name. */
static void
projectvars(const char *d, cJSON **vars, cJSON **pkgvars)
{
	char *dir = xasprintf("%s%s", d, *d && d[strlen(d) - 1] != '/' ? "/" : "");
	char *path = xasprintf("%sdbt_project.yml", dir), *pkgs;
	cJSON *p = yaml(path), *v;
	struct dirent *e;
	DIR *dd;

	*vars = NULL;
	*pkgvars = cJSON_CreateObject();
	if ((v = cJSON_DetachItemFromObjectCaseSensitive(p, "vars")) && cJSON_IsObject(v))
		*vars = v;
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

size_t
renderall(struct manifest *m, const struct renderopts *o)
{
	struct buf src = {0};
	struct dbtrun run;
	struct dbtctx *c[2];
	struct arena keep = {0};	/* the manifest's tree */
	cJSON *doc, *target;
	size_t i, done = 0;

	for (i = 0; i < m->nnodes && !needs(&m->nodes[i]); i++)
		;
	if (i == m->nnodes)
		return 0;
	if (readfile(m->path, &src) < 0)
		fatal("%s:", m->path);
	if (!(doc = arenajson(&keep, src.s, src.len, NULL)))
		fatal("%s: invalid JSON", m->path);
	buffree(&src);
	target = o->target ? cJSON_Duplicate(o->target, 1) : cJSON_CreateObject();
	if (o->threads) {
		cJSON_DeleteItemFromObjectCaseSensitive(target, "threads");
		cJSON_AddNumberToObject(target, "threads", o->threads);
	}
	memset(&run, 0, sizeof(run));
	run.adapter = m->adapter;
	run.project = m->project ? m->project : o->project;
	run.target = target;
	run.dbtversion = m->dbtversion;
	projectvars(o->dir ? o->dir : "", &run.vars, &run.pkgvars);
	c[0] = dbtctxnew(doc, &run);
	run.incremental = 1;
	c[1] = dbtctxnew(doc, &run);
	for (i = 0; i < m->nnodes; i++) {
		struct node *n = &m->nodes[i];
		cJSON *j;
		if (!needs(n))
			continue;
		if (!(j = dbtnode(c[0], n->uid)))
			fatal("%s: %s: not among the manifest's nodes", m->path, n->uid);
		/* no raw code, or a dbt older than this renders: as before, the
		 * node has no SQL and fails when it runs */
		if (!dbtrenders(c[0], j))
			continue;
		n->sql = renderone(c[0], m, n, j);
		n->config = compiledline(m, n->config);
		if (!strcmp(n->materialized, "incremental")) {
			n->incrsql = renderone(c[1], m, n, j);
			if (!strcmp(n->incrsql, n->sql))
				n->incrsql = NULL;
		}
		done++;
	}
	dbtctxfree(c[0]);
	dbtctxfree(c[1]);
	cJSON_Delete(target);
	cJSON_Delete(run.vars);
	cJSON_Delete(run.pkgvars);
	arenafree(&keep);
	return done;
}
