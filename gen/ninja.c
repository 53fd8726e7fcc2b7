#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
		} else if (!strcmp(p, "THREADS")) {
			snprintf(num, sizeof(num), "%d", o->threads);
			bufputs(b, num);
		} else if (!strcmp(p, "ARGS")) {
			ninjaval(b, o->args);
		} else if (!strcmp(p, "RULES")) {
			ninjapath(b, o->rules);
		} else {
			fatal("%s: unknown variable @%s@", o->template, p);
		}
	}
	bufputs(b, p);
	buffree(&t);
}

static void
stamp(struct buf *b, const struct node *n)
{
	bufputc(b, ' ');
	bufputs(b, STAMPDIR "/");
	bufputs(b, n->file);
}

static void
edge(struct buf *b, const struct node *n)
{
	size_t i;

	bufputs(b, "build " STAMPDIR "/");
	bufputs(b, n->file);
	bufprintf(b, ": %s " JOBDIR "/%s.sql",
	    n->rtype == RSEED ? "seed" : n->rtype == RSNAPSHOT ? "snapshot" :
	    n->rtype == RTEST ? "test" : "model", n->file);
	if (n->nparents)
		bufputs(b, " |");
	for (i = 0; i < n->nparents; i++)
		stamp(b, n->parents[i]);
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
	char *path;
	size_t i;

	bufputs(b, "\nbuild ");
	ninjapath(b, o->output);
	bufputs(b, ": regen ");
	ninjapath(b, o->manifest);
	bufputs(b, " | ");
	ninjapath(b, o->template);
	bufputc(b, ' ');
	ninjapath(b, o->rules);
	/* a seed's job holds its CSV's hash */
	for (i = 0; i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		if (n->kind != KRUN || n->rtype != RSEED)
			continue;
		path = seedpath(n, o->seedprefix);
		if (path && access(path, F_OK) == 0) {
			bufputc(b, ' ');
			ninjapath(b, path);
		}
		free(path);
	}
	bufputc(b, '\n');
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

static int isdeploy(const struct node *n) { return n->rtype != RTEST; }
static int istest(const struct node *n) { return n->rtype == RTEST; }
static int isany(const struct node *n) { (void)n; return 1; }

/* Groups of nodes under one label (tag:NAME, path:DIR), sorted by label. */
struct member {
	char *label;
	const struct node *n;
};

static int
membercmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c = strcmp(x->label, y->label);

	return c ? c : (x->n > y->n) - (x->n < y->n);
}

static void
groups(struct phony *p, struct member *v, size_t n)
{
	size_t i, j;

	if (n)
		qsort(v, n, sizeof(*v), membercmp);
	for (i = 0; i < n; i = j) {
		int on = phonystart(p, v[i].label);
		for (j = i; j < n && !strcmp(v[j].label, v[i].label); j++)
			if (on && (j == i || v[j].n != v[j - 1].n))
				stamp(p->b, v[j].n);
		if (on)
			bufputc(p->b, '\n');
	}
	for (i = 0; i < n; i++)
		free(v[i].label);
}

static void
addmember(struct member **v, size_t *n, char *label, const struct node *nd)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].label = label;
	(*v)[(*n)++].n = nd;
}

static void
tagsandpaths(struct phony *p, const struct manifest *m)
{
	struct member *tags = NULL, *paths = NULL;
	size_t ntags = 0, npaths = 0, i;
	const cJSON *t, *ofp;
	const char *s;

	for (i = 0; i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		if (n->kind != KRUN)
			continue;
		cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(n->json, "tags"))
			if (cJSON_IsString(t))
				addmember(&tags, &ntags,
				    xasprintf("tag:%s", t->valuestring), n);
		ofp = cJSON_GetObjectItemCaseSensitive(n->json, "original_file_path");
		if (!cJSON_IsString(ofp))
			continue;
		for (s = ofp->valuestring; (s = strpbrk(s, "/\\")); s++)
			if (s > ofp->valuestring)
				addmember(&paths, &npaths, slashed(xasprintf("path:%.*s",
				    (int)(s - ofp->valuestring), ofp->valuestring)), n);
	}
	groups(p, tags, ntags);
	groups(p, paths, npaths);
	free(tags);
	free(paths);
}

/* A model's name selects every node with that name, as in dbt: all the
 * versions of a versioned model, and same-named models of other packages. */
static void
names(struct phony *p, const struct manifest *m)
{
	struct member *v = NULL;
	size_t n = 0, i;

	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN && m->nodes[i].rtype != RTEST)
			addmember(&v, &n, xstrdup(m->nodes[i].name), &m->nodes[i]);
	groups(p, v, n);
	free(v);
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
	template(o, b);
	for (i = 0; i < m->nnodes; i++) {
		if (m->nodes[i].kind != KRUN)
			continue;
		bufputc(b, '\n');
		edge(b, &m->nodes[i]);
	}
	regen(m, o, b);
	bufputc(b, '\n');
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
