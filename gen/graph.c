#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "jobfile.h"

static int generation;

static int
live(const struct node *n)
{
	return n->kind == KRUN || n->kind == KEPHEMERAL;
}

static void
push(struct node ***v, size_t *n, struct node *x)
{
	if ((*n & (*n - 1)) == 0)
		*v = xreallocarray(*v, *n ? *n * 2 : 1, sizeof(**v));
	(*v)[(*n)++] = x;
}

/* Nodes live in one array sorted by unique_id, so address order is id order. */
static int
ptrcmp(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a, *y = *(struct node *const *)b;

	return (x > y) - (x < y);
}

static void
resolve(struct manifest *m, const char *who, const char **ids, size_t nids,
    struct node ***deps, size_t *ndeps)
{
	struct node *d;
	size_t i;

	generation++;
	for (i = 0; i < nids; i++) {
		d = manifestnode(m, ids[i]);
		if (!d) {
			if (htabget(&m->known, ids[i]))
				continue;
			fatal("%s: %s depends on unknown node %s", m->path, who, ids[i]);
		}
		if (d->mark == generation)
			continue;
		d->mark = generation;
		push(deps, ndeps, d);
	}
}

static void
cycle(struct manifest *m, struct node **stack, size_t top, struct node *back)
{
	struct buf b = {0};
	size_t i = top;

	while (i > 0 && stack[i - 1] != back)
		i--;
	for (i = i - 1; i < top; i++) {
		bufputs(&b, stack[i]->uid);
		bufputs(&b, " -> ");
	}
	bufputs(&b, back->uid);
	fatal("%s: dependency cycle: %s", m->path, b.s);
}

/* Iterative depth-first search, marking nodes on the stack and finished. */
static void
checkcycles(struct manifest *m)
{
	struct node **stack = xreallocarray(NULL, m->nnodes + 1, sizeof(*stack));
	size_t *next = xreallocarray(NULL, m->nnodes + 1, sizeof(*next));
	int on = ++generation, off = ++generation;
	size_t i, top;

	for (i = 0; i < m->nnodes; i++) {
		if (!live(&m->nodes[i]) || m->nodes[i].mark >= on)
			continue;
		top = 0;
		stack[top] = &m->nodes[i];
		next[top++] = 0;
		m->nodes[i].mark = on;
		while (top > 0) {
			struct node *n = stack[top - 1], *d;
			if (next[top - 1] == n->ndeps) {
				n->mark = off;
				top--;
				continue;
			}
			d = n->deps[next[top - 1]++];
			if (!live(d) || d->mark == off)
				continue;
			if (d->mark == on)
				cycle(m, stack, top, d);
			d->mark = on;
			stack[top] = d;
			next[top++] = 0;
		}
	}
	free(stack);
	free(next);
}

static void parentsof(struct node *n);

static void
addparents(struct node ***v, size_t *nv, struct node **deps, size_t ndeps)
{
	size_t i, j;

	for (i = 0; i < ndeps; i++) {
		struct node *d = deps[i];
		if (d->kind == KRUN) {
			push(v, nv, d);
		} else if (d->kind == KEPHEMERAL) {
			parentsof(d);
			for (j = 0; j < d->nparents; j++)
				push(v, nv, d->parents[j]);
		}
	}
}

static void
uniq(struct node **v, size_t *nv)
{
	size_t i, j = 0;

	if (*nv == 0)
		return;
	qsort(v, *nv, sizeof(*v), ptrcmp);
	for (i = 0; i < *nv; i++)
		if (j == 0 || v[j - 1] != v[i])
			v[j++] = v[i];
	*nv = j;
}

/* The graph is acyclic by now, so the recursion ends; ephemeral chains are
 * short in practice, and memoized. */
static void
parentsof(struct node *n)
{
	if (n->done)
		return;
	n->done = 1;
	addparents(&n->parents, &n->nparents, n->deps, n->ndeps);
	uniq(n->parents, &n->nparents);
}

static int
isancestor(struct node *a, struct node *n)
{
	struct node **stack = NULL;
	size_t top = 0, i;
	int found = 0;

	generation++;
	push(&stack, &top, n);
	while (top > 0 && !found) {
		struct node *x = stack[--top];
		for (i = 0; i < x->nparents; i++) {
			struct node *p = x->parents[i];
			if (p == a) {
				found = 1;
				break;
			}
			if (p->mark != generation) {
				p->mark = generation;
				push(&stack, &top, p);
			}
		}
	}
	free(stack);
	return found;
}

static int
gates(struct node *t, struct node *n)
{
	size_t i;

	for (i = 0; i < t->nparents; i++)
		if (t->parents[i] == n || !isancestor(t->parents[i], n))
			return 0;
	return 1;
}

static void
linktests(struct manifest *m)
{
	size_t i, j, k;

	for (i = 0; i < m->nnodes; i++) {
		struct node *t = &m->nodes[i];
		if (t->kind != KRUN || t->rtype != RTEST)
			continue;
		for (j = 0; j < t->nparents; j++)
			push(&t->parents[j]->tests, &t->parents[j]->ntests, t);
	}
	for (i = 0; i < m->nnodes; i++) {
		struct node *n = &m->nodes[i];
		if (n->kind != KRUN || n->rtype == RTEST)
			continue;
		for (j = 0; j < n->nparents; j++) {
			struct node *p = n->parents[j];
			for (k = 0; k < p->ntests; k++) {
				struct node *t = p->tests[k];
				if (t->nparents == 1 || gates(t, n))
					push(&n->gates, &n->ngates, t);
			}
		}
		uniq(n->gates, &n->ngates);
	}
}

/* A relation as the server names it: "Orders" and orders are two
 * relations, orders and ORDERS one. */
static char *
relkey(const char *rel)
{
	struct buf b = {0};
	char *part[3];
	int n = relsplit(rel, part), i;

	if (n == 0)
		return xstrdup(rel);
	for (i = 0; i < n; i++) {
		if (i)
			bufputc(&b, '.');
		bufquote(&b, part[i], '"');
		free(part[i]);
	}
	return b.s;
}

static void
checkrelations(struct manifest *m)
{
	struct htab seen = {0};
	struct node *n, *o;
	char **keys = xcalloc(m->nnodes + 1, sizeof(*keys));
	size_t i;

	for (i = 0; i < m->nnodes; i++) {
		n = &m->nodes[i];
		if (n->kind != KRUN || n->rtype == RTEST || !*n->relation)
			continue;
		keys[i] = relkey(n->relation);
		o = htabput(&seen, keys[i], n);
		if (o)
			fatal("%s: %s and %s both write the relation %s", m->path,
			    o->uid, n->uid, n->relation);
	}
	for (i = 0; i < m->nnodes; i++)
		free(keys[i]);
	free(keys);
	htabfree(&seen);
}

void
graphbuild(struct manifest *m)
{
	size_t i;

	for (i = 0; i < m->nnodes; i++) {
		struct node *n = &m->nodes[i];
		if (live(n))
			resolve(m, n->uid, n->depids, n->ndepids, &n->deps, &n->ndeps);
	}
	checkcycles(m);
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN)
			parentsof(&m->nodes[i]);
	for (i = 0; i < m->nexposures; i++) {
		struct exposure *x = &m->exposures[i];
		struct node **deps = NULL;
		size_t ndeps = 0;
		resolve(m, x->uid, x->depids, x->ndepids, &deps, &ndeps);
		addparents(&x->parents, &x->nparents, deps, ndeps);
		uniq(x->parents, &x->nparents);
		free(deps);
	}
	linktests(m);
	checkrelations(m);
}
