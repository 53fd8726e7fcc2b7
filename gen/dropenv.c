#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dropenv.h"
#include "render.h"
#include "graph.h"
#include "jobfile.h"
#include "pg.h"
#include "profile.h"
#include "project.h"
#include "state.h"

static const char usage[] =
    "usage: dbt2ninja drop-env [--force] [--state PATH|db[:TARGET]] [--profile NAME]\n"
    "                          [--target NAME] [--profiles-dir DIR] [--project-dir DIR]\n"
    "                          [MANIFEST]\n";

/* The schemas of the relations named here, once each, in order. */
static void
schemas(struct htab *set, char ***v, size_t *n, const char *rel)
{
	char *part[3], *s;
	int k, i;

	k = relsplit(rel, part);
	if (k < 2) {
		for (i = 0; i < k; i++)
			free(part[i]);
		return;
	}
	s = part[k - 2];
	for (i = 0; i < k; i++)
		if (i != k - 2)
			free(part[i]);
	if (htabget(set, s)) {
		free(s);
		return;
	}
	htabput(set, s, s);
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = s;
}

/* Whether a node creates its relation: a test only when it stores its
 * failures. */
static int
writes(const struct node *n)
{
	if (n->kind != KRUN || !*n->relation)
		return 0;
	return n->rtype != RTEST || strstr(n->config, "-- store_failures: true\n");
}

int
dropenv(int argc, char **argv)
{
	const char *path = manifestdefault(), *state = NULL, **val;
	struct profileopts po = {0};
	struct htab mine = {0}, prod = {0};
	char **env = NULL, **pv = NULL, *proj;
	size_t nenv = 0, npv = 0, i;
	struct manifest m;
	struct profile p;
	int force = 0, a, refused = 0;
	PGconn *c;

	for (a = 2; a < argc; a++) {
		val = NULL;
		if (!strcmp(argv[a], "--force"))
			force = 1;
		else if (!strcmp(argv[a], "--state"))
			val = &state;
		else if (!strcmp(argv[a], "--profile"))
			val = &po.profile;
		else if (!strcmp(argv[a], "--target"))
			val = &po.target;
		else if (!strcmp(argv[a], "--profiles-dir"))
			val = &po.profilesdir;
		else if (!strcmp(argv[a], "--project-dir"))
			val = &po.projectdir;
		else if (argv[a][0] == '-')
			usageexit(usage, "unknown option: %s", argv[a]);
		else
			path = argv[a];
		if (val) {
			if (a + 1 >= argc)
				usageexit(usage, "%s needs a value", argv[a]);
			*val = argv[++a];
		}
	}
	/* production's record and the schemas dropped: over the connection
	 * the generator and the executor make */
	proj = projectdirof(po.projectdir, path);
	po.projectdir = proj;
	manifestload(&m, path);
	for (i = 0; i < m.nnodes; i++)
		if (writes(&m.nodes[i]))
			schemas(&mine, &env, &nenv, m.nodes[i].relation);
	if (state) {
		struct state s;
		struct renderopts ro = {0};
		struct jobopts jo = {"", &ro};
		struct profileopts lp = po;
		struct profile tp;
		for (i = 0; i < m.nnodes; i++)
			if (m.nodes[i].kind == KRUN)
				m.nodes[i].file = jobname(m.nodes[i].uid);
		graphbuild(&m);
		/* rendered as the generator renders them, the profile's target */
		lp.lenient = 1;
		profileload(&tp, &lp, path);
		ro.target = rendertarget(&tp);
		ro.threads = tp.threads > 0 ? tp.threads : 4;
		profilefree(&tp);
		ro.dir = proj ? proj : "";
		renderall(&m, &ro);
		stateload(&s, &m, state, &jo, &po, 0);
		cJSON_Delete(ro.target);
		ro.target = NULL;
		if (s.path) {
			for (i = 0; i < s.prod.nnodes; i++)
				if (writes(&s.prod.nodes[i]))
					schemas(&prod, &pv, &npv, s.prod.nodes[i].relation);
		} else {
			for (i = 0; i < s.rows.cap; i++)
				if (s.rows.keys[i])
					schemas(&prod, &pv, &npv,
					    ((struct deployment *)s.rows.vals[i])->relation);
		}
		statefree(&s);
	}
	if (!state && !force)
		fatal("without --state nothing tells this environment from production: "
		    "give --state, or --force");
	for (i = 0; i < nenv; i++) {
		if (force || !htabget(&prod, env[i]))
			continue;
		warn("schema %s is production's (%s): not dropping it; --force drops it anyway",
		    env[i], state);
		env[i][0] = '\0';
		refused++;
	}
	if (refused == (int)nenv)
		fatal("nothing to drop: every schema here is production's");
	profileload(&p, &po, path);
	c = pgconnect(p.keys, p.vals, p.retries);
	for (i = 0; i < nenv; i++) {
		struct buf b = {0};
		PGresult *r;
		if (!env[i][0])
			continue;
		bufputs(&b, "drop schema if exists ");
		qident(&b, env[i]);
		bufputs(&b, " cascade");
		r = PQexec(c, b.s);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fatal("%s: %s", b.s, PQresultErrorMessage(r));
		printf("dbt2ninja: dropped schema %s\n", env[i]);
		PQclear(r);
		buffree(&b);
	}
	PQfinish(c);
	profilefree(&p);
	for (i = 0; i < nenv; i++)
		free(env[i]);
	for (i = 0; i < npv; i++)
		free(pv[i]);
	free(env);
	free(pv);
	htabfree(&mine);
	htabfree(&prod);
	manifestfree(&m);
	free(proj);
	return 0;
}
