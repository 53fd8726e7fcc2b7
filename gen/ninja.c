#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "job.h"
#include "ninja.h"
#include "stamp.h"

/* Whether a "|" was written, as ${pipe}: build.ninja then binds it first. */
static int pipes;

/* Ninja 1.10 has no escape for a line break; callers refuse them first,
 * naming what holds one. */
static void
oneline(const char *s)
{
	if (strpbrk(s, "\r\n"))
		fatal("build.ninja cannot hold a line break: \"%s\"", s);
}

void
ninjapath(struct buf *b, const char *s)
{
	oneline(s);
	for (; *s; s++) {
		if (*s == '|') {
			bufputs(b, "${pipe}");
			pipes = 1;
			continue;
		}
		if (*s == '$' || *s == ' ' || *s == ':')
			bufputc(b, '$');
		bufputc(b, *s);
	}
}

/* A variable's value: "$" is special, and a space where it starts. */
static void
ninjaval(struct buf *b, const char *s)
{
	oneline(s);
	if (*s == ' ')
		bufputc(b, '$');
	for (; *s; s++) {
		if (*s == '$')
			bufputc(b, '$');
		bufputc(b, *s);
	}
}

/* Whether canonical() would give path itself: every component neither
 * empty, "." nor "..", as nearly every path is. */
static int
iscanonical(const char *path)
{
	const char *p = *path == '/' ? path + 1 : path;
	size_t n;

	for (;;) {
		n = strcspn(p, "/");
		if (n == 0 || (p[0] == '.' && (n == 1 || (n == 2 && p[1] == '.'))))
			return 0;
		if (!p[n])
			return 1;
		p += n + 1;
	}
}

/* path as ninja reads it (its CanonicalizePath): empty and "." components
 * dropped, ".." taking the one before it when there is one. Caller frees. */
static char *
canonical(const char *path)
{
	struct buf b = {0};
	const char *p = path, *e;
	size_t n, *starts, depth = 0;

	if (iscanonical(path))
		return xstrdup(path);
	starts = xcalloc(strlen(path) + 1, sizeof(*starts));
	bufputs(&b, *p == '/' ? "/" : "");
	for (; *p; p = *e ? e + 1 : e) {
		e = p + strcspn(p, "/");
		n = (size_t)(e - p);
		if (n == 0 || (n == 1 && *p == '.'))
			continue;
		if (n == 2 && p[0] == '.' && p[1] == '.' && depth > 0) {
			b.len = starts[--depth];
			b.s[b.len] = '\0';
			continue;
		}
		if (!(n == 2 && p[0] == '.' && p[1] == '.'))
			starts[depth++] = b.len;
		if (b.len && b.s[b.len - 1] != '/')
			bufputc(&b, '/');
		bufadd(&b, p, n);
	}
	if (b.len == 0)
		bufputs(&b, ".");
	free(starts);
	return b.s;
}

/* Whether ninja reads a target as written: no empty, "." or ".."
 * component it would fold away, and at most 60 (ninja 1.11 stops at more). */
static const char *
unusable(const char *s)
{
	char *c;
	const char *p;
	int same, n = 1;

	if (!*s)
		return "it is empty";
	if (strpbrk(s, "\r\n"))
		return "it holds a line break";
	if (!(same = iscanonical(s))) {
		c = canonical(s);
		same = !strcmp(c, s);
		free(c);
	}
	if (!same)
		return "ninja would read it as another path: it has an empty, . or .. component";
	for (p = s; (p = strchr(p, '/')); p++)
		n++;
	if (n > 60)
		return "it has more than 60 path components";
	return NULL;
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
#define BUILTS "$conn/" CONNBUILT
#define IFACES "$conn/" CONNIFACE
#define DATAS "$conn/" CONNDATA
#define DEPLOYMARK "$conn/" CONNMARK

static void
stampin(struct buf *b, const char *dir, const struct node *n)
{
	bufputc(b, ' ');
	bufputs(b, dir);
	bufputc(b, '/');
	bufputs(b, n->file);
}

static void
stamp(struct buf *b, const struct node *n)
{
	stampin(b, STAMPS, n);
}

static const char *
rulename(const struct node *n)
{
	return n->rtype == RSEED ? "seed" : n->rtype == RSNAPSHOT ? "snapshot" :
	    n->rtype == RTEST ? "test" : "model";
}

static int bluegreen;
static const char *adapter;

/* The on-run-start and on-run-end operations, in dbt's order (hooks.h). */
static const struct node **starts, **ends;
static size_t nstarts, nends;

/* Order-only on the last on-run-start, which is after the others. */
static void
afterstart(struct buf *b, int bar)
{
	if (!nstarts)
		return;
	if (bar)
		bufputs(b, " ||");
	stampin(b, STAMPS, starts[nstarts - 1]);
}

static int
sink(const struct node *n)
{
	return n->rtype == RMODEL && !strcmp(n->materialized, "sink");
}

/* Whether the node only reads its parents by name: its edge then reads
 * their interface stamps, else their contents stamps (also when it is
 * rendered when it runs: its SQL may be made of what they hold). */
static int
reads(const struct node *n)
{
	return !n->late && stampreads(adapter, n->rtype == RMODEL, n->materialized);
}

/* The node's edge for deploy and test: after its parents, whatever their
 * tests say (dbt run, dbt test). Its outputs are its deployment's stamp
 * and, but for a test, its interface's (the executor moves it only when
 * the interface did: restat then leaves what reads it alone), and for a
 * node that stores data its contents'. A node that only reads its parents
 * has its contents stamp from an edge of its own that runs nothing but
 * touch: its contents move with its own run and with its parents'
 * contents, even when restat left it alone. */
static void
edge(struct buf *b, const struct node *n)
{
	const char *from = reads(n) ? IFACES : DATAS;
	size_t i;

	bufputs(b, "build " STAMPS "/");
	bufputs(b, n->file);
	if (n->rtype != RTEST) {
		stampin(b, IFACES, n);
		if (!reads(n))
			stampin(b, DATAS, n);
	}
	bufprintf(b, ": %s " JOBDIR "/%s.sql", rulename(n), n->file);
	if (n->nparents || (bluegreen && !sink(n)))
		bufputs(b, " |");
	for (i = 0; i < n->nparents; i++)
		stampin(b, from, n->parents[i]);
	/* a new deploy environment rebuilds every node into it */
	if (bluegreen && !sink(n))
		bufputs(b, " " DEPLOYMARK);
	afterstart(b, 1);
	bufputs(b, "\n  node = ");
	ninjaval(b, n->uid);
	bufputc(b, '\n');
	if (n->rtype == RTEST || !reads(n))
		return;
	bufputs(b, "build " DATAS "/");
	bufputs(b, n->file);
	bufputs(b, ": contents");
	stamp(b, n);
	for (i = 0; i < n->nparents; i++)
		stampin(b, DATAS, n->parents[i]);
	bufputs(b, "\n  node = ");
	ninjaval(b, n->uid);
	bufputc(b, '\n');
}

/* Its edge for build (dbt build): after its parents' build stamps, which
 * are inputs so that the executor sees them, and order-only after the
 * tests that gate it. */
static void
buildedge(struct buf *b, const struct node *n)
{
	size_t i;

	bufputs(b, "build " BUILTS "/");
	bufputs(b, n->file);
	bufprintf(b, ": build-%s " JOBDIR "/%s.sql", rulename(n), n->file);
	for (i = 0; i < n->nparents; i++)
		stampin(b, BUILTS, n->parents[i]);
	if (bluegreen && !sink(n))
		bufputs(b, " " DEPLOYMARK);
	if (n->ngates)
		bufputs(b, " ||");
	for (i = 0; i < n->ngates; i++)
		stampin(b, BUILTS, n->gates[i]);
	afterstart(b, !n->ngates);
	bufputs(b, "\n  node = ");
	ninjaval(b, n->uid);
	bufputc(b, '\n');
}

/* A phony target, unless its name is taken: names are kept as ninja reads
 * them, so that two spellings of one path are one name. */
struct phony {
	struct htab used;
	struct buf *b;
	struct arena a;		/* used's keys */
};

/* Take name; 0 when it was taken already. */
static int
reserve(struct phony *p, const char *name)
{
	char *c = iscanonical(name) ? NULL : canonical(name), *key;
	size_t n = strlen(c ? c : name) + 1;

	key = memcpy(arenaalloc(&p->a, n), c ? c : name, n);
	free(c);
	return htabadd(&p->used, key, key) == NULL;
}

static int
phonystart(struct phony *p, const char *name)
{
	if (!reserve(p, name))
		return 0;
	bufputs(p->b, "build ");
	ninjapath(p->b, name);
	bufputs(p->b, ": phony");
	return 1;
}

/* A target named after a node's field: refused when ninja would not read
 * it as written, so that `ninja NAME` would not find it. */
static void
label(const struct manifest *m, const char *uid, const char *field, const char *name)
{
	const char *why = unusable(name);

	if (why)
		fatal("%s: %s: %s: no ninja target can be \"%s\": %s", m->path, uid, field,
		    name, why);
}

static void
regen(const struct manifest *m, const struct ninjaopts *o, struct phony *p, struct buf *b)
{
	const char **in, *rp, *nl;
	char **seeds = xcalloc(m->nnodes + 1, sizeof(*seeds)), *path, **read = NULL;
	char **missing = NULL, *cwd = NULL;
	size_t i, n = 0, nseeds = 0, nread = 0, nmissing = 0;
	struct htab names = {0};

	/* a project read itself: every file and directory it looked at, and
	 * those it looked for */
	for (rp = o->read; rp && (nl = strchr(rp, '\n')); rp = nl + 1) {
		read = xreallocarray(read, nread + 1, sizeof(*read));
		read[nread++] = xmemdup(rp, (size_t)(nl - rp));
	}
	for (rp = o->missing; rp && (nl = strchr(rp, '\n')); rp = nl + 1) {
		missing = xreallocarray(missing, nmissing + 1, sizeof(*missing));
		missing[nmissing++] = xmemdup(rp, (size_t)(nl - rp));
	}
	/* a path read that is also a model's name (a model called seeds,
	 * with a seeds/ beside it) is spelled from the root, so that the name
	 * stays the model's and build.ninja does not wait on it */
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN && m->nodes[i].rtype != RTEST)
			htabput(&names, m->nodes[i].name, "");
	for (i = 0; i < nread + nmissing; i++) {
		char **pp = i < nread ? &read[i] : &missing[i - nread], *c = canonical(*pp);
		if (htabget(&names, c)) {
			if (!cwd && !(cwd = getcwd(NULL, 0)))
				fatal("the working directory: %s", strerror(errno));
			path = xasprintf("%s/%s", cwd, c);
			free(*pp);
			*pp = path;
		}
		free(c);
	}
	htabfree(&names);
	free(cwd);
	in = xcalloc(m->nnodes + nread + nmissing + 2, sizeof(*in));
	for (i = 0; i < nread; i++)
		if (strcmp(read[i], o->manifest))
			in[n++] = read[i];

	/* the files of the project it reads */
	if (o->profiles)
		in[n++] = o->profiles;
	if (o->project)
		in[n++] = o->project;
	/* a seed's job holds its CSV's hash */
	for (i = 0; i < m->nnodes; i++) {
		const struct node *nd = &m->nodes[i];
		if (nd->kind != KRUN || nd->rtype != RSEED)
			continue;
		seedcheck(m, nd, o->seedprefix);
		path = seedpath(nd, o->seedprefix);
		if (path && strpbrk(path, "\r\n"))
			fatal("%s: %s: original_file_path holds a line break, which build.ninja "
			    "cannot: \"%s\"", m->path, nd->uid, nd->path);
		if (path && access(path, F_OK) == 0)
			in[n++] = seeds[nseeds++] = path;
		else
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
	for (i = 0; i < n; i++) {
		bufputc(b, ' ');
		ninjapath(b, in[i]);
	}
	for (i = 0; i < nmissing; i++) {
		bufputc(b, ' ');
		ninjapath(b, missing[i]);
	}
	bufputc(b, '\n');
	if (o->watched) {
		bufprintf(o->watched, "+%s\n+%s\n+%s\n", o->manifest, o->template, o->rules);
		for (i = 0; i < n; i++)
			bufprintf(o->watched, "+%s\n", in[i]);
		for (i = 0; i < nmissing; i++)
			bufprintf(o->watched, "-%s\n", missing[i]);
	}
	/* one that is deleted makes build.ninja out of date, no more */
	for (i = 0; i < n; i++)
		if (phonystart(p, in[i]))
			bufputc(b, '\n');
	/* one that was not there: a phony of the manifest, so that it is as
	 * old as that while missing, and as new as it is once made */
	for (i = 0; i < nmissing; i++)
		if (phonystart(p, missing[i])) {
			bufputc(b, ' ');
			ninjapath(b, o->manifest);
			bufputc(b, '\n');
		}
	for (i = 0; i < nseeds; i++)
		free(seeds[i]);
	for (i = 0; i < nread; i++)
		free(read[i]);
	free(read);
	for (i = 0; i < nmissing; i++)
		free(missing[i]);
	free(missing);
	free(seeds);
	free(in);
}

/* A phony target over the nodes want takes: those of them that no other
 * of them needs (a parent, or with gates a gating test, of one taken),
 * since Ninja builds what those need first. The same target, in a smaller
 * file to read. */
static void
phonyset(struct phony *p, const char *name, const char *dir, const struct manifest *m,
    int (*want)(const struct node *), int gated, size_t nextra)
{
	char *inner;
	size_t i, k;

	if (!phonystart(p, name))
		return;
	inner = xcalloc(m->nnodes + 1, 1);
	for (i = 0; i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		if (n->kind != KRUN || !want(n))
			continue;
		for (k = 0; k < n->nparents; k++)
			if (want(n->parents[k]))
				inner[n->parents[k] - m->nodes] = 1;
		for (k = 0; gated && k < n->ngates; k++)
			if (want(n->gates[k]))
				inner[n->gates[k] - m->nodes] = 1;
	}
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN && want(&m->nodes[i]) && !inner[i])
			stampin(p->b, dir, &m->nodes[i]);
	/* the on-run-end hooks, after all of them */
	for (i = 0; i < nextra; i++)
		stampin(p->b, dir, ends[i]);
	bufputc(p->b, '\n');
	free(inner);
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
	struct buf lb = {0};
	size_t i, j;
	const char *s;

	for (i = 0; i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		if (n->kind != KRUN)
			continue;
		for (j = 0; j < n->ntags; j++) {
			lb.len = 0;
			bufputs(&lb, "tag:");
			bufputs(&lb, n->tags[j]);
			label(m, n->uid, "tags", lb.s);
			addmember(&tags, lb.s, n);
		}
		if (!n->path)
			continue;
		for (s = n->path; (s = strpbrk(s, "/\\")); s++) {
			if (s == n->path)
				continue;
			lb.len = 0;
			bufputs(&lb, "path:");
			bufadd(&lb, n->path, (size_t)(s - n->path));
			label(m, n->uid, "original_file_path", slashed(lb.s));
			addmember(&paths, lb.s, n);
		}
	}
	groups(p, &tags);
	groups(p, &paths);
	buffree(&lb);
}

/* A model's name selects every node with that name, as in dbt: all the
 * versions of a versioned model, and same-named models of other packages. */
static void
names(struct phony *p, const struct manifest *m)
{
	struct groups byname = {{0}, NULL, 0};
	size_t i;

	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN && m->nodes[i].rtype != RTEST) {
			label(m, m->nodes[i].uid, "name", m->nodes[i].name);
			addmember(&byname, m->nodes[i].name, &m->nodes[i]);
		}
	groups(p, &byname);
	for (i = 0; i < m->nnodes; i++) {
		const struct node *nd = &m->nodes[i];
		if (nd->kind != KRUN)
			continue;
		label(m, nd->uid, "unique_id", nd->uid);
		if (!phonystart(p, nd->uid))
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
		label(m, x->uid, "name", name);
		if (phonystart(p, name)) {
			for (j = 0; j < x->nparents; j++)
				stamp(p->b, x->parents[j]);
			bufputc(p->b, '\n');
		}
		free(name);
	}
}

static int
hookposcmp(const void *a, const void *b)
{
	return (*(const struct node *const *)a)->hookpos - (*(const struct node *const *)b)->hookpos;
}

static void
operationsof(const struct manifest *m)
{
	size_t i;

	free(starts);
	free(ends);
	starts = xcalloc(m->nnodes + 1, sizeof(*starts));
	ends = xcalloc(m->nnodes + 1, sizeof(*ends));
	nstarts = nends = 0;
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KOPERATION && m->nodes[i].hook == HOOKSTART)
			starts[nstarts++] = &m->nodes[i];
		else if (m->nodes[i].kind == KOPERATION)
			ends[nends++] = &m->nodes[i];
	qsort(starts, nstarts, sizeof(*starts), hookposcmp);
	qsort(ends, nends, sizeof(*ends), hookposcmp);
}

/* An operation's edge: after the one before it, an on-run-end's also
 * after the last on-run-start and on what it follows (every node's stamp
 * in dir of those want takes). */
static void
opedge(struct buf *b, const struct manifest *m, const char *dir, const struct node *n,
    const struct node *prev, int (*want)(const struct node *))
{
	size_t i;

	bufputs(b, "build ");
	bufputs(b, dir);
	bufputc(b, '/');
	bufputs(b, n->file);
	bufprintf(b, ": operation " JOBDIR "/%s.sql", n->file);
	if (want) {
		bufputs(b, " |");
		for (i = 0; i < m->nnodes; i++)
			if (m->nodes[i].kind == KRUN && want(&m->nodes[i]))
				stampin(b, dir, &m->nodes[i]);
	}
	if (prev || (n->hook == HOOKEND && nstarts))
		bufputs(b, " ||");
	if (prev)
		stampin(b, dir, prev);
	if (n->hook == HOOKEND)
		afterstart(b, 0);
	bufputs(b, "\n  node = ");
	ninjaval(b, n->uid);
	bufputc(b, '\n');
}

/* on-run-start's edges, then on-run-end's for deploy and for build, and
 * their targets: each unique_id, on-run-start and on-run-end. */
static void
operations(struct buf *b, const struct manifest *m, struct phony *p, const struct ninjaopts *o)
{
	struct buf name = {0};
	size_t i, k;

	for (i = 0; i < nstarts; i++)
		opedge(b, m, STAMPS, starts[i], i ? starts[i - 1] : NULL, NULL);
	for (i = 0; i < nends; i++) {
		opedge(b, m, STAMPS, ends[i], i ? ends[i - 1] : NULL, isdeploy);
		opedge(b, m, BUILTS, ends[i], i ? ends[i - 1] : NULL, isany);
	}
	for (k = 0; k < 2; k++)
		for (i = 0; i < (k ? nends : nstarts); i++) {
			const struct node *n = k ? ends[i] : starts[i];
			bufprintf(&name, "%s/" CONNSTAMPS "/%s", o->conn, n->file);
			reserve(p, name.s);
			name.len = 0;
			bufprintf(&name, "%s/" CONNBUILT "/%s", o->conn, n->file);
			reserve(p, name.s);
			name.len = 0;
			bufprintf(&name, JOBDIR "/%s.sql", n->file);
			reserve(p, name.s);
			name.len = 0;
		}
	buffree(&name);
}

static void
operationtargets(struct phony *p, const struct manifest *m)
{
	size_t i, k;

	for (k = 0; k < 2; k++) {
		const struct node **v = k ? ends : starts;
		size_t n = k ? nends : nstarts;
		if (n && phonystart(p, k ? "on-run-end" : "on-run-start")) {
			for (i = 0; i < n; i++)
				stamp(p->b, v[i]);
			bufputc(p->b, '\n');
		}
		for (i = 0; i < n; i++) {
			label(m, v[i]->uid, "unique_id", v[i]->uid);
			if (phonystart(p, v[i]->uid)) {
				stamp(p->b, v[i]);
				bufputc(p->b, '\n');
			}
		}
	}
}

void
ninjarender(const struct manifest *m, const struct ninjaopts *o, struct buf *b)
{
	struct phony p = {{0}, b, {0}};
	struct buf name = {0};
	size_t i;

	b->len = 0;
	pipes = 0;
	bluegreen = o->bluegreen;
	adapter = m->adapter;
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN)
			jobcheck(m, &m->nodes[i]);
	operationsof(m);
	template(o, b);
	if (nstarts || nends)
		bufputc(b, '\n');
	operations(b, m, &p, o);
	/* what build.ninja builds and reads is no target's name */
	for (i = 0; i < m->nnodes; i++) {
		if (m->nodes[i].kind != KRUN)
			continue;
		bufputc(b, '\n');
		edge(b, &m->nodes[i]);
		buildedge(b, &m->nodes[i]);
		bufprintf(&name, "%s/" CONNSTAMPS "/%s", o->conn, m->nodes[i].file);
		reserve(&p, name.s);
		name.len = 0;
		bufprintf(&name, "%s/" CONNBUILT "/%s", o->conn, m->nodes[i].file);
		reserve(&p, name.s);
		name.len = 0;
		bufprintf(&name, "%s/" CONNIFACE "/%s", o->conn, m->nodes[i].file);
		reserve(&p, name.s);
		name.len = 0;
		bufprintf(&name, "%s/" CONNDATA "/%s", o->conn, m->nodes[i].file);
		reserve(&p, name.s);
		name.len = 0;
		bufprintf(&name, JOBDIR "/%s.sql", m->nodes[i].file);
		reserve(&p, name.s);
		name.len = 0;
	}
	reserve(&p, o->output);
	reserve(&p, o->manifest);
	reserve(&p, o->template);
	reserve(&p, o->rules);
	bufprintf(&name, "%s/" CONNMARK, o->conn);
	reserve(&p, name.s);
	name.len = 0;
	regen(m, o, &p, b);
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
		reserve(&p, "deploy-init");
		reserve(&p, "deploy-await");
		reserve(&p, "deploy-promote");
		reserve(&p, "deploy-cleanup");
	}
	phonyset(&p, "deploy", STAMPS, m, isdeploy, 0, nends);
	phonyset(&p, "test", STAMPS, m, istest, 0, 0);
	phonyset(&p, "build", BUILTS, m, isany, 1, nends);
	bufputs(b, "default deploy\n\n");
	names(&p, m);
	operationtargets(&p, m);
	tagsandpaths(&p, m);
	exposures(&p, m);
	htabfree(&p.used);
	arenafree(&p.a);
	buffree(&name);
	free(starts);
	free(ends);
	starts = ends = NULL;
	nstarts = nends = 0;
	/* ninja has no escape for "|" in a path: a variable holds it */
	if (pipes) {
		static const char bind[] = "pipe = |\n";
		size_t n = sizeof(bind) - 1;
		bufgrow(b, n);
		memmove(b->s + n, b->s, b->len + 1);
		memcpy(b->s, bind, n);
		b->len += n;
	}
}
