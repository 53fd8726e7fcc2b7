#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "job.h"
#include "outdated.h"

enum { UNSEEN, CLEAN, DIRTY };

struct walk {
	const struct manifest *m;
	const char *dir;
	const struct ninjalog *log;
	const char *mark;
	int *st;
};

/* A file's mtime in nanoseconds as Ninja has it: 0 when it is missing. */
static long long
nanos(const char *path)
{
	struct timespec t;

	if (mtimeof(path, &t) < 0)
		return 0;
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int
visit(struct walk *w, const struct node *n)
{
	size_t i = (size_t)(n - w->m->nodes), k;
	long long newest, t = 0, out;
	const struct logline *e;
	char *p;
	int dirty = 0;

	if (w->st[i] != UNSEEN)
		return w->st[i];
	w->st[i] = CLEAN;	/* no cycles: the graph checked */
	p = xasprintf("%s/%s.sql", JOBDIR, n->file);
	newest = nanos(p);
	/* a missing job: ninja stops there; it is still to run */
	if (!newest)
		dirty = 1;
	free(p);
	for (k = 0; k < n->nparents; k++) {
		if (visit(w, n->parents[k]) == DIRTY)
			dirty = 1;
		p = xasprintf("%s/" CONNSTAMPS "/%s", w->dir, n->parents[k]->file);
		if ((t = nanos(p)) > newest)
			newest = t;
		free(p);
	}
	/* a missing mark is made first, so newer than any stamp */
	if (w->mark && !(t = nanos(w->mark)))
		dirty = 1;
	if (w->mark && t > newest)
		newest = t;
	p = xasprintf("%s/" CONNSTAMPS "/%s", w->dir, n->file);
	out = nanos(p);
	e = ninjalogget(w->log, p);
	if (!out || out < newest || (e && e->mtime < newest))
		dirty = 1;
	free(p);
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
	for (i = 0; i < m->nnodes; i++)
		next[i] = m->nodes[i].kind == KRUN && visit(&w, &m->nodes[i]) == DIRTY;
	free(w.st);
}
