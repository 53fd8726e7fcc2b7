/* dbt2ninja: a dbt manifest to a build.ninja. See dbt2ninja(1). */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "conn.h"
#include "arena.h"
#include "dbtparse.h"
#include "delta.h"
#include "dropenv.h"
#include "graph.h"
#include "jobfile.h"
#include "lineage.h"
#include "sql.h"
#include "job.h"
#include "manifest.h"
#include "ninja.h"
#include "profile.h"
#include "project.h"
#include "render.h"
#include "report.h"
#include "results.h"
#include "select.h"
#include "stage.h"
#include "state.h"
#include "timeline.h"
#include "util.h"
#include "yamljson.h"

#ifndef DATADIR
#define DATADIR "/usr/local/share/dbt2ninja"
#endif
#ifndef VERSION
#define VERSION "0.1"
#endif

static const char usage[] =
    "usage: dbt2ninja [-v] [--threads N] [--project-dir DIR] [--profile NAME]\n"
    "                 [--target NAME] [--profiles-dir DIR] [--record] [--blue-green]\n"
    "                 [--state PATH|db[:TARGET] [--state-compare job|dbt] [--defer]]\n"
    "                 [--vars YAML] [MANIFEST]\n"
    "       dbt2ninja select [--exclude EXPR] [--state PATH] [--for VERB] EXPR...\n"
    "       dbt2ninja results [MANIFEST]\n"
    "       dbt2ninja graph [--group folder|schema|none] [select's options] [EXPR...]\n"
    "       dbt2ninja timeline [--manifest PATH] [-o FILE]\n"
    "       dbt2ninja report [-o FILE] [graph's options] [EXPR...]\n"
    "       dbt2ninja drop-env [--force] [--state PATH|db[:TARGET]] [MANIFEST]\n"
    "       dbt2ninja --help | --version\n";

static const char help[] =
    "\n"
    "Write build.ninja and target/ninja/sql/*.sql from a dbt manifest, so that\n"
    "`ninja deploy` runs the changed nodes and what of their downstream the\n"
    "change reaches: a view whose parents kept their columns is left alone.\n"
    "A manifest from `dbt parse` is enough: nodes without compiled SQL are\n"
    "rendered here, as dbt compile renders them, or, when that needs the\n"
    "database (run_query, the adapter's introspection), by dbt2ninja-run on\n"
    "the node's connection when it runs. Without a manifest, the project is\n"
    "read here, with its packages in dbt_packages/, as dbt parse reads it\n"
    "(what is not read exactly stops it).\n"
    "\n"
    "  MANIFEST            dbt's manifest.json (default: target/manifest.json,\n"
    "                      else the project itself), or a dbt_project.yml: that\n"
    "                      project, read here\n"
    "  --threads N         run at most N nodes at once (default: the profile's\n"
    "                      threads, else 4)\n"
    "  --project-dir DIR   the dbt project: seed files, dbt_project.yml (default:\n"
    "                      the directory of the dbt_project.yml at or above\n"
    "                      MANIFEST, else .)\n"
    "  --profile NAME      the profile in profiles.yml (default: dbt_project.yml's)\n"
    "  --target NAME       its target (default: $DBT_TARGET, else the profile's)\n"
    "  --profiles-dir DIR  where profiles.yml is (default: $DBT_PROFILES_DIR, the\n"
    "                      project directory, ~/.dbt)\n"
    "  --state PATH        production's manifest (or a directory holding it): mark\n"
    "                      built every node whose job is production's, so that\n"
    "                      ninja runs state:modified+ (without --defer, less what\n"
    "                      the change does not reach)\n"
    "  --state db[:TARGET] the same from what dbt2ninja-run --record recorded for\n"
    "                      TARGET (default: the profile's target:) in the database\n"
    "  --state-compare job|dbt  compare the compiled jobs (default), or as dbt does:\n"
    "                      raw code, unrendered config, fqn, macros, ...\n"
    "  --defer             what runs reads production's relations for the parents\n"
    "                      that do not run\n"
    "  --vars YAML         vars for the nodes rendered here, as dbt's --vars (they\n"
    "                      win over dbt_project.yml's)\n"
    "  --record            record every deployment in dbt2ninja.deployments, for\n"
    "                      --state db\n"
    "  --blue-green        Materialize: build into <schema>_dbt_deploy and\n"
    "                      <cluster>_dbt_deploy, with the targets deploy-init,\n"
    "                      deploy-await, deploy-promote and deploy-cleanup\n"
    "  -v, --verbose       say what was written\n"
    "\n"
    "Targets: deploy (default), test, build, NAME, UNIQUE_ID, tag:NAME,\n"
    "path:DIR, exposure:NAME.\n"
    "\n"
    "dbt2ninja select prints the Ninja targets of dbt's selector expressions.\n"
    "dbt2ninja results gathers what the last runs did into target/run_results.json:\n"
    "those over the connection build.ninja deploys to, as its stamps are.\n"
    "dbt2ninja graph prints the lineage as Graphviz DOT, colored by what the runs\n"
    "left (success, warn, error, skipped, stale, never run): | dot -Tsvg.\n"
    "dbt2ninja timeline prints the last run, from .ninja_log and the results, as\n"
    "the trace-event JSON that Perfetto and chrome://tracing open.\n"
    "dbt2ninja report writes target/report.html, one page that opens from the file:\n"
    "the lineage drawn by Graphviz, the last run, each failure and the results.\n"
    "dbt2ninja drop-env drops a CI environment's schemas, never production's.\n"
    "See dbt2ninja(1) and dbt2ninja(5).\n";

struct opts {
	const char *manifest;
	const char *projectdir;
	int fromproject;	/* the project read itself (dbtparse.h) */
	const char *profile, *target, *profilesdir;
	const char *state;
	const char *vars;
	int defer, record, dbtcompare, bluegreen;
	int threads;
	int verbose;
};

static const char *
optarg1(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 >= argc)
		usageexit(usage, "%s needs a value", name);
	return argv[++*i];
}

static void
parseargs(int argc, char **argv, struct opts *o)
{
	const char *v;
	char *end;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			fputs(help, stdout);
			exit(0);
		} else if (!strcmp(a, "--version")) {
			puts("dbt2ninja " VERSION);
			exit(0);
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o->verbose = 1;
		} else if (!strcmp(a, "--defer")) {
			o->defer = 1;
		} else if (!strcmp(a, "--record")) {
			o->record = 1;
		} else if (!strcmp(a, "--blue-green")) {
			o->bluegreen = 1;
		} else if (!strncmp(a, "--threads", 9) && (!a[9] || a[9] == '=')) {
			v = optarg1(argc, argv, &i, "--threads");
			o->threads = (int)strtol(v, &end, 10);
			if (!*v || *end || o->threads < 1 || o->threads > 1024)
				usageexit(usage, "--threads: not a number from 1 to 1024: %s", v);
		} else if (!strncmp(a, "--project-dir", 13) && (!a[13] || a[13] == '=')) {
			o->projectdir = optarg1(argc, argv, &i, "--project-dir");
		} else if (!strncmp(a, "--profiles-dir", 14) && (!a[14] || a[14] == '=')) {
			o->profilesdir = optarg1(argc, argv, &i, "--profiles-dir");
		} else if (!strncmp(a, "--profile", 9) && (!a[9] || a[9] == '=')) {
			o->profile = optarg1(argc, argv, &i, "--profile");
		} else if (!strncmp(a, "--target", 8) && (!a[8] || a[8] == '=')) {
			o->target = optarg1(argc, argv, &i, "--target");
		} else if (!strncmp(a, "--state-compare", 15) && (!a[15] || a[15] == '=')) {
			v = optarg1(argc, argv, &i, "--state-compare");
			if (strcmp(v, "job") && strcmp(v, "dbt"))
				usageexit(usage, "--state-compare: %s is not job or dbt", v);
			o->dbtcompare = !strcmp(v, "dbt");
		} else if (!strncmp(a, "--vars", 6) && (!a[6] || a[6] == '=')) {
			o->vars = optarg1(argc, argv, &i, "--vars");
		} else if (!strncmp(a, "--state", 7) && (!a[7] || a[7] == '=')) {
			o->state = optarg1(argc, argv, &i, "--state");
		} else if (!strcmp(a, "--")) {
			if (i + 1 < argc)
				o->manifest = argv[++i];
			if (i + 1 < argc)
				usageexit(usage, "more than one manifest");
		} else if (a[0] == '-' && a[1]) {
			usageexit(usage, "unknown option: %s", a);
		} else if (o->manifest) {
			usageexit(usage, "more than one manifest");
		} else {
			o->manifest = a;
		}
	}
	if (o->manifest) {
		size_t n = strlen(o->manifest);
		/* MANIFEST a dbt_project.yml: that project, read here */
		if (n >= 15 && !strcmp(o->manifest + n - 15, "dbt_project.yml") &&
		    (n == 15 || o->manifest[n - 16] == '/')) {
			o->fromproject = 1;
			if (o->projectdir)
				usageexit(usage, "both --project-dir and a dbt_project.yml");
			o->projectdir = n == 15 ? "." : xmemdup(o->manifest, n - 16);
			if (!*o->projectdir)
				o->projectdir = "/";
		}
	} else {
		/* no manifest named, and none in target/: the project itself */
		char *p = xasprintf("%s/dbt_project.yml", o->projectdir ? o->projectdir : ".");
		o->fromproject = access("target/manifest.json", F_OK) < 0 && access(p, F_OK) == 0;
		free(p);
		o->manifest = o->fromproject ? "dbt_project.yml" : "target/manifest.json";
		if (o->fromproject && !o->projectdir)
			o->projectdir = ".";
	}
	if (o->fromproject && o->dbtcompare)
		usageexit(usage, "--state-compare dbt compares dbt's own manifests: it needs "
		    "MANIFEST, not the project read here");
	if (o->defer && !o->state)
		usageexit(usage, "--defer needs --state");
	/* a deployment is a new environment: nothing in it may be taken as
	 * built, or read from production */
	if (o->bluegreen && o->state)
		usageexit(usage, "--blue-green builds every node into a new environment: "
		    "it takes no --state");
}

/* The arguments again, for the regeneration edge. */
static char *
regenargs(int argc, char **argv)
{
	struct buf b = {0};
	int i;

	bufputs(&b, "");
	for (i = 1; i < argc; i++) {
		if (i > 1)
			bufputc(&b, ' ');
		shellquote(&b, argv[i]);
	}
	return b.s;
}

static char *
seedprefix(const struct opts *o)
{
	char *dir, *r;

	if (o->projectdir) {
		if (access(o->projectdir, F_OK) < 0)
			fatal("%s:", o->projectdir);
		return relprefix(o->projectdir);
	}
	dir = projectfind(o->manifest);
	if (!dir)
		return xstrdup("");
	r = relprefix(dir);
	free(dir);
	return r;
}

/* Where the seeds of packages are: the root project is the manifest's
 * project_name, else dbt_project.yml's name; packages are in its
 * packages-install-path. Both kept for the run. */
static void
packages(const struct manifest *m, const char *prefix)
{
	static char *name, *path;
	char *dir = *prefix ? xstrdup(prefix) : xstrdup(".");

	if (!m->project)
		name = projectkey(dir, "name");
	path = projectkey(dir, "packages-install-path");
	seedpackages(m->project ? m->project : name, path);
	free(dir);
}

/* A test's sql_header, which dbt sends only under the project's flag
 * require_sql_header_in_test_configs (and ignores otherwise, as the
 * executor does): with the flag, refused. */
static void
testheaders(const struct manifest *m, const char *prefix)
{
	char *dir = *prefix ? xstrdup(prefix) : xstrdup("."), *f;
	size_t i;
	int on;

	f = projectflag(dir, "require_sql_header_in_test_configs");
	on = f && (!strcmp(f, "true") || !strcmp(f, "True"));
	free(f);
	free(dir);
	for (i = 0; on && i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		if (n->kind == KRUN && n->rtype == RTEST && n->config &&
		    (!strncmp(n->config, "-- sql_header: ", 15) || strstr(n->config, "\n-- sql_header: ")))
			fatal("%s: %s: config sql_header on a test, which dbt sends under the flag "
			    "require_sql_header_in_test_configs of dbt_project.yml, is not done by "
			    "dbt2ninja", m->path, n->uid);
	}
}

/* Where build.ninja.in and rules/ are: beside the program (a build tree),
 * in ../share/dbt2ninja beside it (an installation), or where the build
 * said it would be installed. */
static char *
datadir(const char *dir)
{
	char *cand[2], *t;
	int i;

	cand[0] = xstrdup(dir);
	cand[1] = xasprintf("%s/../share/dbt2ninja", dir);
	for (i = 0; i < 2; i++) {
		t = xasprintf("%s/build.ninja.in", cand[i]);
		if (access(t, R_OK) == 0) {
			free(t);
			free(cand[1 - i]);
			t = realpath(cand[i], NULL);
			if (!t)
				return cand[i];
			free(cand[i]);
			return t;
		}
		free(t);
	}
	free(cand[0]);
	free(cand[1]);
	return xstrdup(DATADIR);
}

/* What the generator resolves of the profile. */
struct resolved {
	char *cluster, *target, *type;	/* the target's, or NULL */
	cJSON *targetctx;		/* what the renderer's target has */
	char *profiles;			/* the profiles.yml read, or NULL */
	struct conn conn;		/* the connection it makes */
};

/* The executor's options: the profile and target the generator resolved
 * (never a secret), the project when it is not the build directory, and
 * the connection's key, which the executor checks it makes too. */
static char *
runflags(const struct opts *o, const char *prefix, int *threads, struct resolved *rs)
{
	struct profileopts po = {0};
	struct profile p;
	struct buf b = {0};
	char *proj = *prefix ? xmemdup(prefix, strlen(prefix) - 1) : NULL;

	po.profile = o->profile;
	po.target = o->target;
	po.profilesdir = o->profilesdir;
	po.projectdir = o->projectdir ? o->projectdir : proj;
	po.lenient = 1;
	profileload(&p, &po, o->manifest);
	bufputs(&b, "");
	if (p.path) {
		bufputs(&b, "--profile ");
		shellquote(&b, p.name);
		bufputs(&b, " --target ");
		shellquote(&b, p.target);
		if (o->profilesdir) {
			bufputs(&b, " --profiles-dir ");
			shellquote(&b, o->profilesdir);
		}
	}
	if (proj) {
		bufputs(&b, b.len ? " --project-dir " : "--project-dir ");
		shellquote(&b, proj);
	}
	if (o->record)
		bufputs(&b, b.len ? " --record" : "--record");
	if (o->bluegreen)
		bufputs(&b, b.len ? " --blue-green" : "--blue-green");
	connof(&rs->conn, &p);
	bufprintf(&b, "%s--connection %s", b.len ? " " : "", rs->conn.key);
	rs->cluster = p.cluster ? xstrdup(p.cluster) : NULL;
	rs->targetctx = rendertarget(&p);
	rs->target = p.target ? xstrdup(p.target) : NULL;
	rs->type = p.type ? xstrdup(p.type) : NULL;
	rs->profiles = p.path ? xstrdup(p.path) : NULL;
	if (*threads == 0)
		*threads = p.threads > 0 ? p.threads : 4;
	profilefree(&p);
	free(proj);
	return b.s;
}

static void
counts(const struct manifest *m, size_t c[4])
{
	size_t i;

	memset(c, 0, 4 * sizeof(*c));
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN && m->nodes[i].rtype < ROTHER)
			c[m->nodes[i].rtype]++;
}

static int
issink(const struct node *n)
{
	return n->rtype == RMODEL && !strcmp(n->materialized, "sink");
}

/* A node's cluster config, from its rendered keyed lines, or NULL. */
static char *
clusterof(const struct node *n)
{
	const char *p = strstr(n->config, "-- cluster: ");
	char *line, *r = NULL;
	cJSON *v;

	if (!p)
		return NULL;
	p += 12;
	line = xmemdup(p, strcspn(p, "\n"));
	v = cJSON_Parse(line);
	if (cJSON_IsString(v))
		r = xstrdup(v->valuestring);
	cJSON_Delete(v);
	free(line);
	return r;
}

static void
addname(struct buf *list, struct htab *seen, const char *name)
{
	char *k;

	if (!name || htabget(seen, name))
		return;
	k = xstrdup(name);
	htabput(seen, k, k);
	if (list->len)
		bufputc(list, ',');
	bufputs(list, name);
}

/* The clusters a node runs in: its own (a test's too) and its indexes';
 * *prof is set when it uses the profile's (a view with no index uses
 * none). */
static void
bgclusters(const struct node *n, struct buf *list, struct htab *seen, int *prof)
{
	const char *p = strstr(n->config, "-- indexes: ");
	char *name = clusterof(n), *line;
	const cJSON *ix, *c;
	cJSON *v;

	if (!name && (p || strcmp(n->materialized, "view")))
		*prof = 1;
	addname(list, seen, name);
	free(name);
	if (!p)
		return;
	p += 12;
	line = xmemdup(p, strcspn(p, "\n"));
	v = cJSON_Parse(line);
	cJSON_ArrayForEach(ix, v) {
		c = cJSON_GetObjectItemCaseSensitive(ix, "cluster");
		if (cJSON_IsString(c))
			addname(list, seen, c->valuestring);
	}
	cJSON_Delete(v);
	free(line);
}

static void
freekeys(struct htab *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free((char *)t->keys[i]);
	htabfree(t);
}

/* With vars.deployment.<target> in dbt_project.yml, as dbt-materialize's
 * deploy macros have it, its lists are the ones swapped: they must hold
 * every schema and cluster the deployment builds in, and may hold more. */
static void
bgconfig(const char *project, const char *target, struct buf *sl, struct htab *seens,
    struct buf *cl, struct htab *seenc)
{
	char *list[2], *path = xasprintf("%sdbt_project.yml", project), *v, *p;
	struct buf *have[2] = {sl, cl};
	struct htab *seen[2] = {seens, seenc}, want = {0};
	size_t i, k;
	int j;

	if (!target || !projectdeployment(path, target, &list[0], &list[1])) {
		free(path);
		return;
	}
	for (j = 0; j < 2; j++) {
		for (p = list[j]; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
			v = xmemdup(p, strcspn(p, ","));
			htabput(&want, v, v);
		}
		for (i = 0; i < seen[j]->cap; i++) {
			const char *name = seen[j]->keys[i];
			if (name && !htabget(&want, name))
				fatal("%s: vars.deployment.%s.%s does not list %s, where --blue-green "
				    "builds", path, target, j ? "clusters" : "schemas", name);
		}
		freekeys(seen[j]);
		memset(seen[j], 0, sizeof(*seen[j]));
		have[j]->len = 0;
		for (k = 0; k < want.cap; k++)
			if (want.keys[k])
				htabput(seen[j], xstrdup(want.keys[k]), "");
		bufputs(have[j], list[j]);
		freekeys(&want);
		memset(&want, 0, sizeof(want));
		free(list[j]);
	}
	free(path);
}

/* A sink stays production's: it must not share a schema or a cluster with
 * what the deployment swaps (dbt-materialize's deploy_init refuses that
 * too), and once the swap is done it reads its first parent again, from
 * production's name, when that parent moved. */
static void
bgsink(const struct manifest *m, const struct node *n, const char *moved,
    const struct htab *schemas, const struct htab *clusters, const char *profcluster,
    struct buf *sinks)
{
	const struct node *up = n->nparents ? n->parents[0] : NULL;
	char *part[3], *cluster = clusterof(n), *why = NULL;
	const char *cl = cluster ? cluster : profcluster;
	int np = relsplit(n->relation, part), q;

	if (np >= 2 && htabget(schemas, part[np - 2]))
		why = xasprintf("schema %s, which --blue-green swaps: sinks need a schema",
		    part[np - 2]);
	else if (cl && htabget(clusters, cl))
		why = xasprintf("cluster %s, which --blue-green swaps: sinks need a cluster", cl);
	for (q = 0; q < np; q++)
		free(part[q]);
	free(cluster);
	/* said, and freed, before exiting */
	if (why) {
		warn("%s: %s: a sink in %s of their own", m->path, n->uid, why);
		free(why);
		exit(1);
	}
	if (!up || !moved[up - m->nodes])
		return;
	if (sinks->len)
		bufputc(sinks, ';');
	bufprintf(sinks, "%s=", n->relation);
	np = relsplit(up->relation, part);
	for (q = 0; q < np; q++) {
		size_t len = strlen(part[q]);
		if (q)
			bufputc(sinks, '.');
		/* production's name: without the suffix */
		if (q == np - 2 && len > 11 && !strcmp(part[q] + len - 11, "_dbt_deploy"))
			part[q][len - 11] = '\0';
		bufquote(sinks, part[q], '"');
		free(part[q]);
	}
}

/* Materialize blue/green, as dbt-materialize's --vars 'deploy: true': every
 * model, seed and test but sinks moves to <schema>_dbt_deploy, and what
 * reads them reads them there; sinks stay, to be re-pointed at promotion.
 * Clusters take their suffix in the executor (--blue-green). */
static void
bgprepare(struct manifest *m, const char *profcluster, const char *project,
    const char *target, struct buf *schemas, struct buf *clusters, struct buf *sinks)
{
	struct htab map = {0}, seens = {0}, seenc = {0};
	struct buf keys = {0}, c = {0}, nr = {0}, out = {0}, sl = {0}, cl = {0};
	size_t i, k, *offs = xcalloc(m->nnodes + 1, sizeof(*offs)), nmap = 0;
	const char **to = xcalloc(m->nnodes + 1, sizeof(*to));
	char *part[3], *name, *moved = xcalloc(m->nnodes + 1, 1);
	int prof = 0;

	for (i = 0; i < m->nnodes; i++) {
		struct node *n = &m->nodes[i];
		int np;
		if (n->kind != KRUN || issink(n))
			continue;
		bgclusters(n, &cl, &seenc, &prof);
		if (n->rtype == RTEST || !*n->relation)
			continue;
		np = relsplit(n->relation, part);
		if (np < 2 || sqlcanon(n->relation, &c) < 0) {
			for (k = 0; k < (size_t)np; k++)
				free(part[k]);
			continue;
		}
		addname(&sl, &seens, part[np - 2]);
		nr.len = 0;
		bufputs(&nr, "");
		for (k = 0; k < (size_t)np; k++) {
			if (k)
				bufputc(&nr, '.');
			if (k == (size_t)np - 2) {
				name = xasprintf("%s_dbt_deploy", part[k]);
				bufquote(&nr, name, '"');
				free(name);
			} else {
				bufquote(&nr, part[k], '"');
			}
			free(part[k]);
		}
		offs[nmap] = keys.len;
		bufadd(&keys, c.s, c.len + 1);
		n->relation = memcpy(arenaalloc(&m->keep, nr.len + 1), nr.s, nr.len + 1);
		to[nmap++] = n->relation;
		moved[i] = 1;
	}
	if (prof)
		addname(&cl, &seenc, profcluster);
	bgconfig(project, target, &sl, &seens, &cl, &seenc);
	for (i = 0; i < nmap; i++)
		htabput(&map, keys.s + offs[i], (void *)to[i]);
	for (i = 0; i < m->nnodes; i++) {
		struct node *n = &m->nodes[i];
		if (n->kind != KRUN || !n->sql)
			continue;
		if (issink(n)) {
			bgsink(m, n, moved, &seens, &seenc, profcluster, sinks);
			continue;
		}
		out.len = 0;
		sqlrewrite(n->sql, strlen(n->sql), &map, &out, NULL, NULL);
		n->sql = memcpy(arenaalloc(&m->keep, out.len + 1), out.s, out.len + 1);
	}
	shellquote(schemas, sl.s ? sl.s : "");
	shellquote(clusters, cl.s ? cl.s : "");
	if (!sinks->len)
		bufputs(sinks, "''");
	else {
		char *raw = xstrdup(sinks->s);
		sinks->len = 0;
		shellquote(sinks, raw);
		free(raw);
	}
	freekeys(&seens);
	freekeys(&seenc);
	htabfree(&map);
	free(offs);
	free(to);
	free(moved);
	buffree(&keys);
	buffree(&c);
	buffree(&nr);
	buffree(&out);
	buffree(&sl);
	buffree(&cl);
}

/* The adapter the node's job was written for, into m. */
static void
jobsadapter(struct manifest *m, const struct node *n)
{
	struct buf b = {0};
	char *p = xasprintf("%s/%s.sql", JOBDIR, n->file), *a, *kept;
	size_t len;

	if (readfile(p, &b) == 0 && (a = strstr(b.s, "\n-- adapter: "))) {
		a += 13;
		len = strcspn(a, "\n");
		kept = memcpy(arenaalloc(&m->keep, len + 1), a, len);
		kept[len] = '\0';
		m->adapter = kept;
	}
	buffree(&b);
	free(p);
}

/* No render of the last run's to reuse: every node rendered, from the
 * trees the loader parsed (manifest.h's LOADTREES). */
static int
trees(void)
{
	return access(RENDERIDX, F_OK) ? LOADTREES : 0;
}

/* The project at prefix read as dbt parse reads it (dbtparse.h), into m
 * as its manifest would be; *read lists what was read, *missing what was
 * looked for and not there. */
static void
readproject(struct manifest *m, const char *yml, const char *prefix, const struct opts *o,
    const struct resolved *rs, char **read, char **missing, int *ordered)
{
	struct parseopts po = {0};
	struct arena a = {0};
	cJSON *doc;
	char *text, *err;

	po.dir = prefix;
	po.adapter = rs->type ? rs->type : "postgres";
	po.target = rs->targetctx;
	if (!cJSON_GetObjectItemCaseSensitive(rs->targetctx, "schema") ||
	    !cJSON_GetObjectItemCaseSensitive(rs->targetctx, "database"))
		fatal("%s: reading the project needs its profile's target, with its dbname and "
		    "schema (profiles.yml)", yml);
	if (o->vars) {
		if (!(po.clivars = yamlparse(o->vars, "--vars", &err)) || !cJSON_IsObject(po.clivars))
			fatal("%s", err ? err : "--vars: not a mapping of vars");
	}
	/* the manifest is made in an arena: the heap's churn of its millions
	 * of small items cost as much as reading the project */
	arenawindow(&a);
	doc = dbtparse(&po, read, missing, ordered);
	arenawindow(NULL);
	text = jsonprint(doc);
	arenafree(&a);
	cJSON_Delete(po.clivars);
	if (!text)
		fatal("out of memory");
	manifestloadtext(m, yml, text, strlen(text), LOADDEPLOY | trees());
}

/* Whether dbt runs a package's materialization of one of its own names
 * in place of its own: before 1.8, or with the flag
 * require_explicit_package_overrides_for_builtin_materializations false. */
static int
pkgoverrides(const struct manifest *m, const char *prefix)
{
	char *dir = *prefix ? xstrdup(prefix) : xstrdup("."), *f, *err = NULL;
	unsigned long major, minor;
	cJSON *v = NULL;
	int r = 0;

	if (m->dbtversion && sscanf(m->dbtversion, "%lu.%lu", &major, &minor) == 2 &&
	    (major < 1 || (major == 1 && minor < 8)))
		r = 1;
	/* the flag's scalar as YAML types it (false, no, off, ...) */
	f = projectflag(dir, "require_explicit_package_overrides_for_builtin_materializations");
	if (f && (v = yamlparse(f, "dbt_project.yml", &err)) && cJSON_IsFalse(v))
		r = 1;
	cJSON_Delete(v);
	free(err);
	free(f);
	free(dir);
	return r;
}

/* dbt2ninja results [MANIFEST] */
static int
results(int argc, char **argv)
{
	const char *path = manifestdefault(), *out = "target/run_results.json";
	struct manifest m;
	char *dir;
	size_t i;
	int failed;

	if (argc > 3 || (argc == 3 && argv[2][0] == '-'))
		usageexit(usage, argc > 3 ? "more than one manifest" : "unknown option: %s", argv[2]);
	if (argc == 3)
		path = argv[2];
	manifestload(&m, path);
	for (i = 0; i < m.nnodes; i++)
		if (m.nodes[i].kind == KRUN)
			m.nodes[i].file = jobname(m.nodes[i].uid);
	graphbuild(&m);
	/* a manifest too old to say its adapter: its jobs say which they
	 * were written for, and so which stamps each node's edge reads */
	for (i = 0; !m.adapterset && i < m.nnodes; i++)
		if (m.nodes[i].kind == KRUN) {
			jobsadapter(&m, &m.nodes[i]);
			break;
		}
	/* the runs of the connection build.ninja deploys to */
	dir = connbuilt("build.ninja");
	if (!dir)
		fatal("build.ninja names no connection: run dbt2ninja to regenerate it");
	failed = resultswrite(&m, dir, out);
	free(dir);
	printf("dbt2ninja: %s: %d node%s failed\n", out, failed, failed == 1 ? "" : "s");
	manifestfree(&m);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	struct ninjaopts no = {0};
	struct jobopts jo = {0};
	struct jobstats st;
	struct state ss;
	struct manifest m;
	struct buf gen = {0}, run = {0}, out = {0};
	char *dir, *data, *args, *prefix, *gendir, *rundir, *flags = NULL, *projectyml = NULL;
	struct resolved rs = {0};
	struct buf bgs = {0}, bgc = {0}, bgk = {0};
	size_t i, c[4], rendered;
	struct renderopts ro = {0};
	struct buf renderidx = {0};
	size_t reused = 0, late = 0;
	char *pname, *projread = NULL, *projmissing = NULL;
	int ordered = 0, pkgover, dodelta = 0;
	struct delta dl;
	struct buf watched = {0};

	argv0 = "dbt2ninja";
	if (argc > 1 && !strcmp(argv[1], "results"))
		return results(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "drop-env"))
		return dropenv(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "select"))
		return selectmain(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "graph"))
		return graphmain(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "timeline"))
		return timelinemain(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "report"))
		return reportmain(argc, argv);
	parseargs(argc, argv, &o);

	dir = exedir(argv[0]);
	if (!dir)
		fatal("cannot find the directory of %s", argv[0]);
	data = datadir(dir);

	prefix = seedprefix(&o);
	if (o.fromproject) {
		/* only model files changed, and only in their text: their jobs
		 * and the manifest mended in place (delta.h) */
		if ((dodelta = !o.state && !o.bluegreen)) {
			char *exe = xasprintf("%s/dbt2ninja", dir);
			deltabegin(&dl, argc, argv, exe);
			free(exe);
			if (deltarun(&dl, o.verbose)) {
				deltafree(&dl);
				free(prefix);
				free(dir);
				free(data);
				return 0;
			}
			warnlog = &dl.warnings;
		}
		/* the project read here: its target first, since names need it */
		flags = runflags(&o, prefix, &o.threads, &rs);
		projectyml = xasprintf("%sdbt_project.yml", prefix);
		readproject(&m, projectyml, prefix, &o, &rs, &projread, &projmissing, &ordered);
		o.manifest = projectyml;
		if (dodelta)
			deltaspans(&dl, &m);
	} else
		manifestloadfor(&m, o.manifest, (o.dbtcompare ? LOADDBT : 0) | LOADDEPLOY | trees());
	for (i = 0; i < m.nnodes; i++)
		if (m.nodes[i].kind == KRUN || m.nodes[i].kind == KOPERATION)
			m.nodes[i].file = jobname(m.nodes[i].uid);
	graphbuild(&m);

	jo.seedprefix = prefix;
	packages(&m, prefix);
	gendir = xasprintf("%s/dbt2ninja", dir);
	rundir = xasprintf("%s/dbt2ninja-run", dir);
	shellquote(&gen, gendir);
	shellquote(&run, rundir);
	args = regenargs(argc, argv);
	if (!o.fromproject)
		flags = runflags(&o, prefix, &o.threads, &rs);
	/* a manifest too old to say its adapter: the profile's type says it */
	if (!m.adapterset && rs.type)
		m.adapter = rs.type;
	/* a config key dbt-postgres acts on that we would not: nothing runs */
	for (i = 0; !strcmp(m.adapter, "postgres") && i < m.nnodes; i++)
		if (m.nodes[i].refused)
			fatal("%s: %s", o.manifest, m.nodes[i].refused);
	/* a project's own materialization, which dbt would run for a node
	 * in place of its own: nothing runs */
	pkgover = pkgoverrides(&m, prefix);
	for (i = 0; (!strcmp(m.adapter, "postgres") || !strcmp(m.adapter, "materialize")) &&
	    i < m.nnodes; i++) {
		const struct node *n = &m.nodes[i];
		const char *over = manifestmatover(&m, n, m.adapter, pkgover);
		if (over)
			fatal("%s: %s%s%s%s: materialized %s: %s is a project's own, which dbt "
			    "would run; dbt2ninja runs only its own materializations", o.manifest,
			    n->uid, n->path ? " (" : "", n->path ? n->path : "", n->path ? ")" : "",
			    n->materialized, over);
	}
	testheaders(&m, prefix);
	if (!o.fromproject)
		projectyml = xasprintf("%sdbt_project.yml", prefix);
	/* a manifest from dbt parse: its nodes rendered here (production's too) */
	pname = projectkey(*prefix ? prefix : ".", "name");
	ro.target = rs.targetctx;
	ro.project = pname;
	ro.dir = prefix;
	ro.threads = o.threads;
	/* a project read here: its nodes, sources and exposures (render.h) */
	ro.graph = o.fromproject ? 2 : 1;
	ro.ordered = ordered;
	if (o.vars) {
		char *err;
		if (!(ro.vars = yamlparse(o.vars, "--vars", &err)) || !cJSON_IsObject(ro.vars))
			fatal("%s", err ? err : "--vars: not a mapping of vars");
	}
	ro.index = &renderidx;
	ro.reused = &reused;
	ro.bundle = RENDERCTX;
	ro.late = &late;
	/* jobs are the only reader of the SQL of this run's nodes */
	ro.keep = !o.state && !o.bluegreen;
	ro.marks = dodelta;
	/* no index yet (a first reading, or one of a dbt2ninja before it):
	 * every node rendered, so that the next reading has them all */
	ro.forget = dodelta && access(DELTAIDX, F_OK) != 0;
	jo.render = &ro;
	rendered = renderall(&m, &ro);
	/* production's renders are not this build's: they keep no index */
	ro.index = NULL;
	ro.reused = NULL;
	ro.bundle = NULL;
	ro.late = NULL;
	ro.keep = 0;
	ro.marks = 0;
	ro.forget = 0;
	if (o.bluegreen) {
		if (strcmp(m.adapter, "materialize"))
			fatal("%s: --blue-green deploys Materialize projects; this one's adapter is %s",
			    o.manifest, m.adapter);
		bgprepare(&m, rs.cluster, prefix, rs.target, &bgs, &bgc, &bgk);
		no.bluegreen = 1;
		no.bgschemas = bgs.s;
		no.bgclusters = bgc.s;
		no.bgsinks = bgk.s;
	}
	no.output = "build.ninja";
	no.manifest = o.manifest;
	no.template = xasprintf("%s/build.ninja.in", data);
	no.rules = xasprintf("%s/rules/dbt.ninja", data);
	no.generator = gen.s;
	no.run = run.s;
	no.runflags = flags;
	no.conn = rs.conn.dir;
	no.conndesc = rs.conn.desc;
	no.args = args;
	no.seedprefix = prefix;
	no.profiles = rs.profiles;
	no.project = !o.fromproject && access(projectyml, F_OK) == 0 ? projectyml : NULL;
	no.read = projread;
	no.missing = projmissing;
	no.threads = o.threads;
	no.watched = dodelta ? &watched : NULL;

	/* everything that can fail on bad input fails before anything is written */
	ninjarender(&m, &no, &out);
	if (o.state) {
		struct profileopts po = {0};
		po.profile = o.profile;
		po.target = o.target;
		po.profilesdir = o.profilesdir;
		po.projectdir = *prefix ? prefix : ".";
		stateload(&ss, &m, o.state, &jo, &po, o.dbtcompare);
		ss.defer = o.defer;
		if (o.defer)
			statedefer(&ss, &m, o.verbose);
	}
	jobwriteall(&m, &jo, &st);
	connrecord(&rs.conn);
	if (o.state)
		statemark(&ss, &m, &rs.conn);
	/* every file replaced together, build.ninja last, or none */
	if (rendered || late)
		stageput(RENDERIDX, renderidx.s ? renderidx.s : "", renderidx.len);
	/* the manifest of the project read here, for select, graph, results
	 * and the other commands */
	if (o.fromproject)
		stageput(PROJMANIFEST, m.text, m.textlen);
	stagefresh(no.output, out.s, out.len);
	stagecommit();
	if (o.state) {
		printf("dbt2ninja: state from %s: %zu new, %zu modified, %zu downstream, "
		    "%zu unchanged\n", o.state, ss.stats.new, ss.stats.modified,
		    ss.stats.downstream, ss.stats.unchanged);
		if (o.defer)
			printf("dbt2ninja: defer: %zu reference%s to production\n",
			    ss.stats.deferred, ss.stats.deferred == 1 ? "" : "s");
		statefree(&ss);
	}

	if (st.nosql)
		warn("warning: %zu node%s without SQL (python models): only dbt runs them",
		    st.nosql, st.nosql == 1 ? "" : "s");
	if (st.noseed)
		warn("warning: %zu seed file%s not found under %s", st.noseed,
		    st.noseed == 1 ? "" : "s", *prefix ? prefix : "./");
	/* what the next run needs to redo this one from model files alone */
	if (dodelta) {
		char *cf = xasprintf("%s/connection", rs.conn.dir);
		warnlog = NULL;
		deltasave(&dl, &m, pname, prefix, watched.s, cf);
		free(cf);
		deltafree(&dl);
		buffree(&watched);
	}
	counts(&m, c);
	if (o.verbose)
		printf("dbt2ninja: %s: %zu models, %zu seeds, %zu snapshots, "
		    "%zu tests (%zu rendered here, %zu of them unchanged; %zu when they run); "
		    "%zu job files written, %zu unchanged, %zu removed\n",
		    no.output, c[RMODEL], c[RSEED], c[RSNAPSHOT], c[RTEST], rendered,
		    reused, late, st.written, st.unchanged, st.removed);
	manifestfree(&m);
	buffree(&out);
	buffree(&gen);
	buffree(&run);
	free(gendir);
	free(rundir);
	free(args);
	free(flags);
	free(rs.cluster);
	free(rs.target);
	free(rs.type);
	cJSON_Delete(rs.targetctx);
	buffree(&renderidx);
	cJSON_Delete(ro.vars);
	free(pname);
	free(rs.profiles);
	connfree(&rs.conn);
	free(projectyml);
	free(projread);
	free(projmissing);
	free((char *)m.text);
	buffree(&bgs);
	buffree(&bgc);
	buffree(&bgk);
	free(prefix);
	free(dir);
	free(data);
	free((char *)no.template);
	free((char *)no.rules);
	return 0;
}
