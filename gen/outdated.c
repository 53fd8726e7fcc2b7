#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "job.h"
#include "jobfile.h"
#include "outdated.h"
#include "stamp.h"

enum { UNSEEN, CLEAN, DIRTY };

struct walk {
	const struct manifest *m;
	const char *dir;
	const struct ninjalog *log;
	const char *mark;
	int *st;	/* the node's deploy edge */
	int *cst;	/* the edge of its contents stamp (its own for a view) */
};

static int visit(struct walk *, const struct node *);

/* A file's mtime in nanoseconds as Ninja has it: 0 when it is missing. */
static long long
nanos(const char *path)
{
	struct timespec t;

	if (mtimeof(path, &t) < 0)
		return 0;
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Whether the node only reads its parents by name (not when its job is
 * rendered when it runs). */
static int
reads(const struct walk *w, const struct node *n)
{
	char *p;
	int late;

	if (!stampreads(w->m->adapter, n->rtype == RMODEL, n->materialized))
		return 0;
	p = xasprintf("%s/%s.sql", JOBDIR, n->file);
	late = joblate(p);
	free(p);
	return !late;
}

/* Whether an output under kind is missing, or older than newest: for an
 * edge with restat (a deploy edge but a test's), by the time the log
 * recorded for it when there is one, as Ninja takes it; else on disk, or
 * in the log. */
static int
stale(struct walk *w, const char *kind, const struct node *n, long long newest, int restat)
{
	char *p = xasprintf("%s/%s/%s", w->dir, kind, n->file);
	long long out = nanos(p);
	const struct logline *e = ninjalogget(w->log, p);
	int r;

	if (restat && e && out)
		r = e->mtime < newest;
	else
		r = !out || out < newest || (e && e->mtime < newest);
	free(p);
	return r;
}

/* The edge that makes the node's contents stamp: its deploy edge, or for
 * a view (which only reads its parents) an edge of its own from its
 * deployment and its parents' contents. */
static int
contents(struct walk *w, const struct node *n)
{
	size_t i = (size_t)(n - w->m->nodes), k;
	long long newest, t;
	char *p;
	int dirty;

	if (!reads(w, n) || n->rtype == RTEST)
		return visit(w, n);
	if (w->cst[i] != UNSEEN)
		return w->cst[i];
	w->cst[i] = CLEAN;
	dirty = visit(w, n) == DIRTY;
	p = xasprintf("%s/" CONNSTAMPS "/%s", w->dir, n->file);
	newest = nanos(p);
	free(p);
	for (k = 0; k < n->nparents; k++) {
		if (contents(w, n->parents[k]) == DIRTY)
			dirty = 1;
		p = xasprintf("%s/" CONNDATA "/%s", w->dir, n->parents[k]->file);
		if ((t = nanos(p)) > newest)
			newest = t;
		free(p);
	}
	if (stale(w, CONNDATA, n, newest, 0))
		dirty = 1;
	w->cst[i] = dirty ? DIRTY : CLEAN;
	return w->cst[i];
}

/* The node's deploy edge: its parents' interface stamps are its inputs
 * when it only reads them, else their contents stamps. */
static int
visit(struct walk *w, const struct node *n)
{
	size_t i = (size_t)(n - w->m->nodes), k;
	const char *from;
	long long newest, t = 0;
	char *p;
	int dirty = 0, rd;

	if (w->st[i] != UNSEEN)
		return w->st[i];
	rd = reads(w, n);
	from = rd ? CONNIFACE : CONNDATA;
	w->st[i] = CLEAN;	/* no cycles: the graph checked */
	p = xasprintf("%s/%s.sql", JOBDIR, n->file);
	newest = nanos(p);
	/* a missing job: ninja stops there; it is still to run */
	if (!newest)
		dirty = 1;
	free(p);
	for (k = 0; k < n->nparents; k++) {
		const struct node *q = n->parents[k];
		if ((rd ? visit(w, q) : contents(w, q)) == DIRTY)
			dirty = 1;
		p = xasprintf("%s/%s/%s", w->dir, from, q->file);
		if ((t = nanos(p)) > newest)
			newest = t;
		free(p);
	}
	/* a missing mark is made first, so newer than any stamp */
	if (w->mark && !(t = nanos(w->mark)))
		dirty = 1;
	if (w->mark && t > newest)
		newest = t;
	if (stale(w, CONNSTAMPS, n, newest, n->rtype != RTEST))
		dirty = 1;
	if (n->rtype != RTEST && stale(w, CONNIFACE, n, newest, 1))
		dirty = 1;
	if (n->rtype != RTEST && !reads(w, n) && stale(w, CONNDATA, n, newest, 1))
		dirty = 1;
	w->st[i] = dirty ? DIRTY : CLEAN;
	return w->st[i];
}

void
outdated(const struct manifest *m, const char *dir, const struct ninjalog *log,
    const char *mark, char *next)
{
	struct walk w;
	size_t i;

	w.m = m;
	w.dir = dir;
	w.log = log;
	w.mark = mark;
	w.st = xcalloc(m->nnodes + 1, sizeof(*w.st));
	w.cst = xcalloc(m->nnodes + 1, sizeof(*w.cst));
	for (i = 0; i < m->nnodes; i++)
		next[i] = m->nodes[i].kind == KRUN && visit(&w, &m->nodes[i]) == DIRTY;
	free(w.st);
	free(w.cst);
}
