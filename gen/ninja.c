#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "job.h"
#include "ninja.h"

void
ninjapath(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '$' || *s == ' ' || *s == ':')
			bufputc(b, '$');
		bufputc(b, *s == '\n' ? ' ' : *s);
	}
}

/* A variable's value: only "$" is special. */
static void
ninjaval(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '$')
			bufputc(b, '$');
		bufputc(b, *s == '\n' ? ' ' : *s);
	}
}

void
shellquote(struct buf *b, const char *s)
{
	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_-./=,+@%:") == strlen(s)) {
		bufputs(b, s);
		return;
	}
	bufputc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			bufputs(b, "'\\''");
		else
			bufputc(b, *s);
	}
	bufputc(b, '\'');
}

static void
template(const struct ninjaopts *o, struct buf *b)
{
	struct buf t = {0};
	char *p, *q, num[32];

	if (readfile(o->template, &t) < 0)
		fatal("%s:", o->template);
	for (p = t.s; (q = strchr(p, '@')); p = q) {
		bufadd(b, p, (size_t)(q - p));
		p = q + 1;
		q = strchr(p, '@');
		if (!q)
			fatal("%s: unterminated @variable@", o->template);
		*q++ = '\0';
		if (!strcmp(p, "MANIFEST")) {
			ninjaval(b, o->manifest);
		} else if (!strcmp(p, "DBT2NINJA")) {
			ninjaval(b, o->generator);
		} else if (!strcmp(p, "RUN")) {
			ninjaval(b, o->run);
		} else if (!strcmp(p, "RUNFLAGS")) {
			ninjaval(b, o->runflags ? o->runflags : "");
		} else if (!strcmp(p, "THREADS")) {
			snprintf(num, sizeof(num), "%d", o->threads);
			bufputs(b, num);
		} else if (!strcmp(p, "ARGS")) {
			ninjaval(b, o->args);
		} else if (!strcmp(p, "CONN")) {
			ninjapath(b, o->conn);
		} else if (!strcmp(p, "CONNECTION")) {
			ninjaval(b, o->conndesc);
		} else if (!strcmp(p, "RULES")) {
			ninjapath(b, o->rules);
		} else {
			fatal("%s: unknown variable @%s@", o->template, p);
		}
	}
	bufputs(b, p);
	buffree(&t);
}

/* Stamps and the mark, under the connection's directory: $conn. */
#define STAMPS "$conn/" CONNSTAMPS
#define DEPLOYMARK "$conn/" CONNMARK

static void
stamp(struct buf *b, const struct node *n)
{
	bufputc(b, ' ');
	bufputs(b, STAMPS "/");
	bufputs(b, n->file);
}

static int bluegreen;

static int
sink(const struct node *n)
{
	return n->rtype == RMODEL && !strcmp(n->materialized, "sink");
}

static void
edge(struct buf *b, const struct node *n)
{
	size_t i;

	bufputs(b, "build " STAMPS "/");
	bufputs(b, n->file);
	bufprintf(b, ": %s " JOBDIR "/%s.sql",
	    n->rtype == RSEED ? "seed" : n->rtype == RSNAPSHOT ? "snapshot" :
	    n->rtype == RTEST ? "test" : "model", n->file);
	if (n->nparents || (bluegreen && !sink(n)))
		bufputs(b, " |");
	for (i = 0; i < n->nparents; i++)
		stamp(b, n->parents[i]);
	/* a new deploy environment rebuilds every node into it */
	if (bluegreen && !sink(n))
		bufputs(b, " " DEPLOYMARK);
	if (n->ngates)
		bufputs(b, " ||");
	for (i = 0; i < n->ngates; i++)
		stamp(b, n->gates[i]);
	bufputs(b, "\n  node = ");
	ninjaval(b, n->uid);
	bufputc(b, '\n');
}

static void
regen(const struct manifest *m, const struct ninjaopts *o, struct buf *b)
{
	struct buf in = {0};
	const char *p;
	char *path;
	size_t i;

	/* the files of the project it reads */
	bufputs(&in, "");
	if (o->profiles) {
		ninjapath(&in, o->profiles);
		bufputc(&in, '\n');
	}
	if (o->project) {
		ninjapath(&in, o->project);
		bufputc(&in, '\n');
	}
	/* a seed's job holds its CSV's hash */
	for (i = 0; i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		if (n->kind != KRUN || n->rtype != RSEED)
			continue;
		path = seedpath(n, o->seedprefix);
		if (path && access(path, F_OK) == 0) {
			ninjapath(&in, path);
			bufputc(&in, '\n');
		}
		free(path);
	}
	bufputs(b, "\nbuild ");
	ninjapath(b, o->output);
	bufputs(b, ": regen ");
	ninjapath(b, o->manifest);
	bufputs(b, " | ");
	ninjapath(b, o->template);
	bufputc(b, ' ');
	ninjapath(b, o->rules);
	for (p = in.s; *p; p += strcspn(p, "\n") + 1)
		bufprintf(b, " %.*s", (int)strcspn(p, "\n"), p);
	bufputc(b, '\n');
	/* one that is deleted makes build.ninja out of date, no more */
	for (p = in.s; *p; p += strcspn(p, "\n") + 1)
		bufprintf(b, "build %.*s: phony\n", (int)strcspn(p, "\n"), p);
	buffree(&in);
}

/* A phony target, unless its name is taken. */
struct phony {
	struct htab used;
	struct buf *b;
};

static int
phonystart(struct phony *p, const char *name)
{
	char *own;

	if (htabget(&p->used, name))
		return 0;
	own = xstrdup(name);
	htabput(&p->used, own, own);
	bufputs(p->b, "build ");
	ninjapath(p->b, name);
	bufputs(p->b, ": phony");
	return 1;
}

static void
phonyset(struct phony *p, const char *name, const struct manifest *m,
    int (*want)(const struct node *))
{
	size_t i;

	if (!phonystart(p, name))
		return;
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN && want(&m->nodes[i]))
			stamp(p->b, &m->nodes[i]);
	bufputc(p->b, '\n');
}

/* A test of a sink: sinks are not part of a blue/green deployment. */
static int
sinkparent(const struct node *n)
{
	size_t i;

	for (i = 0; i < n->nparents; i++)
		if (sink(n->parents[i]))
			return 1;
	return 0;
}

/* Under blue/green, sinks stay production's and are re-pointed instead. */
static int isdeploy(const struct node *n) { return n->rtype != RTEST && !(bluegreen && sink(n)); }
static int istest(const struct node *n) { return n->rtype == RTEST; }
static int isany(const struct node *n) { (void)n; return 1; }

/* Groups of nodes under one label (tag:NAME, path:DIR), written sorted
 * by label; nodes are added in unique_id order, so each list is sorted. */
struct group {
	char *label;
	const struct node **v;
	size_t n;
};

struct groups {
	struct htab byname;	/* label -> index + 1 */
	struct group *g;
	size_t n;
};

static void
addmember(struct groups *gs, const char *label, const struct node *nd)
{
	size_t i = (size_t)htabget(&gs->byname, label);
	struct group *g;

	if (i == 0) {
		gs->g = xreallocarray(gs->g, gs->n + 1, sizeof(*gs->g));
		g = &gs->g[gs->n++];
		g->label = xstrdup(label);
		g->v = NULL;
		g->n = 0;
		htabput(&gs->byname, g->label, (void *)gs->n);
	} else {
		g = &gs->g[i - 1];
	}
	if (g->n && g->v[g->n - 1] == nd)
		return;
	if ((g->n & (g->n - 1)) == 0)
		g->v = xreallocarray(g->v, g->n ? g->n * 2 : 1, sizeof(*g->v));
	g->v[g->n++] = nd;
}

static int
groupcmp(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->label, ((const struct group *)b)->label);
}

static void
groups(struct phony *p, struct groups *gs)
{
	size_t i, j;

	if (gs->n)
		qsort(gs->g, gs->n, sizeof(*gs->g), groupcmp);
	for (i = 0; i < gs->n; i++) {
		struct group *g = &gs->g[i];
		if (phonystart(p, g->label)) {
			for (j = 0; j < g->n; j++)
				stamp(p->b, g->v[j]);
			bufputc(p->b, '\n');
		}
		free(g->label);
		free(g->v);
	}
	free(gs->g);
	htabfree(&gs->byname);
}

static void
tagsandpaths(struct phony *p, const struct manifest *m)
{
	struct groups tags = {{0}, NULL, 0}, paths = {{0}, NULL, 0};
	struct buf label = {0};
	size_t i, j;
	const char *s;

	for (i = 0; i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		if (n->kind != KRUN)
			continue;
		for (j = 0; j < n->ntags; j++) {
			label.len = 0;
			bufputs(&label, "tag:");
			bufputs(&label, n->tags[j]);
			addmember(&tags, label.s, n);
		}
		if (!n->path)
			continue;
		for (s = n->path; (s = strpbrk(s, "/\\")); s++) {
			if (s == n->path)
				continue;
			label.len = 0;
			bufputs(&label, "path:");
			bufadd(&label, n->path, (size_t)(s - n->path));
			addmember(&paths, slashed(label.s), n);
		}
	}
	groups(p, &tags);
	groups(p, &paths);
	buffree(&label);
}

/* A model's name selects every node with that name, as in dbt: all the
 * versions of a versioned model, and same-named models of other packages. */
static void
names(struct phony *p, const struct manifest *m)
{
	struct groups byname = {{0}, NULL, 0};
	size_t i;

	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN && m->nodes[i].rtype != RTEST)
			addmember(&byname, m->nodes[i].name, &m->nodes[i]);
	groups(p, &byname);
	for (i = 0; i < m->nnodes; i++) {
		const struct node *nd = &m->nodes[i];
		if (nd->kind != KRUN || !phonystart(p, nd->uid))
			continue;
		stamp(p->b, nd);
		bufputc(p->b, '\n');
	}
}

static void
exposures(struct phony *p, const struct manifest *m)
{
	size_t i, j;
	char *name;

	for (i = 0; i < m->nexposures; i++) {
		const struct exposure *x = &m->exposures[i];
		name = xasprintf("exposure:%s", x->name);
		if (phonystart(p, name)) {
			for (j = 0; j < x->nparents; j++)
				stamp(p->b, x->parents[j]);
			bufputc(p->b, '\n');
		}
		free(name);
	}
}

void
ninjarender(const struct manifest *m, const struct ninjaopts *o, struct buf *b)
{
	struct phony p = {{0}, b};
	size_t i;

	b->len = 0;
	bluegreen = o->bluegreen;
	template(o, b);
	for (i = 0; i < m->nnodes; i++) {
		if (m->nodes[i].kind != KRUN)
			continue;
		bufputc(b, '\n');
		edge(b, &m->nodes[i]);
	}
	regen(m, o, b);
	bufputc(b, '\n');
	if (o->bluegreen) {
		bufputs(b, "bg_schemas = ");
		ninjaval(b, o->bgschemas);
		bufputs(b, "\nbg_clusters = ");
		ninjaval(b, o->bgclusters);
		bufputs(b, "\nbg_sinks = ");
		ninjaval(b, o->bgsinks);
		bufputs(b, "\nbg_mark = " DEPLOYMARK "\n"
		    "build " DEPLOYMARK " deploy-init: bluegreen\n  op = init\n  restat = 1\n"
		    "build deploy-await: bluegreen || deploy");
		/* a deployment whose tests fail is not promoted */
		for (i = 0; i < m->nnodes; i++)
			if (m->nodes[i].kind == KRUN && m->nodes[i].rtype == RTEST &&
			    !sinkparent(&m->nodes[i]))
				stamp(b, &m->nodes[i]);
		bufputs(b, "\n  op = await\n"
		    "build deploy-promote: bluegreen || deploy-await\n  op = promote\n"
		    "build deploy-cleanup: bluegreen\n  op = cleanup\n\n");
		htabput(&p.used, xstrdup("deploy-init"), "");
		htabput(&p.used, xstrdup("deploy-await"), "");
		htabput(&p.used, xstrdup("deploy-promote"), "");
		htabput(&p.used, xstrdup("deploy-cleanup"), "");
	}
	htabput(&p.used, xstrdup(o->output), "");
	htabput(&p.used, xstrdup(o->manifest), "");
	phonyset(&p, "deploy", m, isdeploy);
	phonyset(&p, "test", m, istest);
	phonyset(&p, "build", m, isany);
	bufputs(b, "default deploy\n\n");
	names(&p, m);
	tagsandpaths(&p, m);
	exposures(&p, m);
	for (i = 0; i < p.used.cap; i++)
		free((char *)p.used.keys[i]);
	htabfree(&p.used);
}
