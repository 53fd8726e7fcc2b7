#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "conn.h"
#include "htab.h"
#include "lineage.h"

static const char usage[] =
    "usage: dbt2ninja graph [--group folder|schema|none] [--exclude EXPR]\n"
    "                       [--state PATH|db[:TARGET]] [--indirect-selection MODE]\n"
    "                       [--manifest PATH] [--profile NAME] [--target NAME]\n"
    "                       [--profiles-dir DIR] [--project-dir DIR] [EXPR...]\n";

/* class names: one word each */
static const char *const statusclass[NSTATUS] = {
	"none", "success", "warn", "error", "skipped", "stale", "never",
};

/* One box. */
struct item {
	const char *uid, *name;
	const char *type;	/* its class: model, seed, snapshot, source, exposure */
	const char *what;	/* the line under the name */
	const char *shape, *style;
	const char *group;	/* its cluster, or NULL */
	const struct exposure *x;	/* an exposure's, or NULL */
	int status;
	int tests[NSTATUS], ntests;
};

struct drawing {
	const struct picture *p;
	struct arena a;
	struct item *items;
	size_t nitems;
	struct htab index;	/* uid -> item */
	char *shown;		/* per node */
};

static const char *
save(struct drawing *d, const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(arenaalloc(&d->a, n), s, n);
}

static const char *
savef(struct drawing *d, const char *fmt, const char *a, const char *b)
{
	char *s = xasprintf(fmt, a, b);
	const char *r = save(d, s);

	free(s);
	return r;
}

/* The folder of a file, or NULL for one at the top. */
static const char *
folder(struct drawing *d, const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	char *dir;
	const char *r;

	if (!slash)
		return NULL;
	dir = xmemdup(path, (size_t)(slash - path));
	r = save(d, dir);
	free(dir);
	return r;
}

static const char *
groupof(struct drawing *d, const char *path, const char *schema)
{
	switch (d->p->group) {
	case GROUPFOLDER:
		return folder(d, path);
	case GROUPSCHEMA:
		return schema ? save(d, schema) : NULL;
	}
	return NULL;
}

static struct item *
additem(struct drawing *d, const char *uid, const char *name, const char *type)
{
	struct item *it = &d->items[d->nitems++];

	memset(it, 0, sizeof(*it));
	it->uid = uid;
	it->name = name;
	it->type = type;
	it->shape = "box";
	it->style = "rounded,filled";
	return it;
}

static void
nodeitem(struct drawing *d, const struct node *n)
{
	char *label = manifestlabel(n);
	struct item *it = additem(d, n->uid, save(d, label), n->type);
	int st = d->p->st.st[n - d->p->m.nodes];

	free(label);
	it->group = groupof(d, n->path, n->schema);
	it->status = n->kind == KRUN ? st : SNONE;
	if (n->kind == KEPHEMERAL) {
		it->what = "ephemeral";
		it->style = "rounded,dashed,filled";
	} else if (n->kind == KEXTERNAL) {
		it->what = savef(d, "%s of %s", n->type, n->package && *n->package ? n->package : "another project");
		it->style = "rounded,dotted,filled";
	} else if (n->rtype == RSEED) {
		it->shape = "note";
		it->style = "filled";
	} else if (n->rtype == RSNAPSHOT) {
		it->shape = "box3d";
		it->style = "filled";
	}
	if (n->kind == KRUN)
		it->what = savef(d, "%s, %s", n->rtype == RMODEL ? n->materialized : n->type,
		    statusnames[it->status]);
}

/* What is drawn: everything, or the selection and what it reads. */
static void
shownodes(struct drawing *d)
{
	const struct manifest *m = &d->p->m;
	size_t i, k, again = 1;

	for (i = 0; i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		d->shown[i] = n->kind != KIGNORED && n->rtype != RTEST &&
		    (d->p->all ? 1 : n->kind == KRUN && d->p->set[i]);
	}
	/* what they read and is not run on its own, through ephemeral nodes */
	while (again) {
		again = 0;
		for (i = 0; i < m->nnodes; i++) {
			const struct node *n = &m->nodes[i];
			if (!d->shown[i])
				continue;
			for (k = 0; k < n->ndeps; k++) {
				size_t j = (size_t)(n->deps[k] - m->nodes);
				if (!d->shown[j] && (n->deps[k]->kind == KEPHEMERAL ||
				    n->deps[k]->kind == KEXTERNAL)) {
					d->shown[j] = 1;
					again = 1;
				}
			}
		}
	}
}

/* Sources are drawn when everything is, or a drawn node reads them. */
static char *
showsources(const struct drawing *d)
{
	const struct manifest *m = &d->p->m;
	char *shown = xcalloc(m->nsources + 1, 1);
	const struct source *s;
	size_t i, k;

	for (i = 0; i < m->nnodes; i++)
		for (k = 0; k < m->nodes[i].ndepids; k++)
			if ((d->p->all || d->shown[i]) &&
			    (s = manifestsource(m, m->nodes[i].depids[k])))
				shown[s - m->sources] = 1;
	for (i = 0; d->p->all && i < m->nsources; i++)
		shown[i] = 1;
	return shown;
}

static int
exposureshown(const struct drawing *d, const struct exposure *x)
{
	const struct node *n;
	size_t k;

	if (d->p->all)
		return 1;
	for (k = 0; k < x->ndepids; k++)
		if ((n = manifestnode(&d->p->m, x->depids[k])) && d->shown[n - d->p->m.nodes])
			return 1;
	return 0;
}

static void
collect(struct drawing *d)
{
	const struct manifest *m = &d->p->m;
	char *sources;
	size_t i;

	d->items = xcalloc(m->nnodes + m->nsources + m->nexposures + 1, sizeof(*d->items));
	shownodes(d);
	for (i = 0; i < m->nnodes; i++)
		if (d->shown[i])
			nodeitem(d, &m->nodes[i]);
	sources = showsources(d);
	for (i = 0; i < m->nsources; i++) {
		const struct source *s = &m->sources[i];
		struct item *it;
		if (!sources[i])
			continue;
		it = additem(d, s->uid, s->name, "source");
		it->shape = "cylinder";
		it->style = "filled";
		it->what = "source";
		it->group = groupof(d, s->path, s->schema);
	}
	free(sources);
	for (i = 0; i < m->nexposures; i++) {
		const struct exposure *x = &m->exposures[i];
		struct item *it;
		if (!exposureshown(d, x))
			continue;
		it = additem(d, x->uid, x->name, "exposure");
		it->x = x;
		it->shape = "hexagon";
		it->style = "filled";
		it->what = x->type ? savef(d, "%s%s", "exposure: ", x->type) : "exposure";
		it->group = groupof(d, x->path, NULL);
	}
	for (i = 0; i < d->nitems; i++)
		htabput(&d->index, d->items[i].uid, &d->items[i]);
}

/* Whether a test's k-th dependency is one of those before it. */
static int
named(const struct node *t, size_t k)
{
	size_t j;

	for (j = 0; j < k; j++)
		if (!strcmp(t->depids[j], t->depids[k]))
			return 1;
	return 0;
}

/* Tests, folded into what they test. */
static void
foldtests(struct drawing *d)
{
	const struct manifest *m = &d->p->m;
	struct item *it;
	size_t i, k;

	for (i = 0; i < m->nnodes; i++) {
		const struct node *t = &m->nodes[i];
		int st = d->p->st.st[i];
		if (t->kind != KRUN || t->rtype != RTEST || !d->p->set[i])
			continue;
		if (t->attached && (it = htabget(&d->index, t->attached))) {
			it->tests[st]++;
			it->ntests++;
			continue;
		}
		for (k = 0; k < t->ndepids; k++) {
			if (!(it = htabget(&d->index, t->depids[k])) || named(t, k))
				continue;
			it->tests[st]++;
			it->ntests++;
		}
	}
}

/* A quoted DOT string: quotes and backslashes escaped (escString
 * attributes read \\ as one). */
static void
dotstr(struct buf *b, const char *s)
{
	bufputc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			bufputc(b, '\\');
		if (*s == '\n')
			bufputs(b, "\\n");
		else
			bufputc(b, *s);
	}
	bufputc(b, '"');
}

void
htmlesc(struct buf *b, const char *s, int label)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': bufputs(b, "&amp;"); break;
		case '<': bufputs(b, "&lt;"); break;
		case '>': bufputs(b, "&gt;"); break;
		case '"': bufputs(b, "&quot;"); break;
		case '\'':
			if (label)
				bufputc(b, '\'');
			else
				bufputs(b, "&#39;");
			break;
		case '\n':
			bufputc(b, label ? ' ' : '\n');
			break;
		default: bufputc(b, *s);
		}
	}
}

static void
testsline(struct buf *b, const struct item *it)
{
	static const char *const words[NSTATUS] = {
		"", "pass", "warn", "fail", "skipped", "stale", "not run",
	};
	static const int order[] = {SSUCCESS, SWARN, SERROR, SSKIPPED, SSTALE, SNEVER};
	int worst = SNONE, first = 1;
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(*order); i++)
		if (it->tests[order[i]])
			worst = statusworse(worst, order[i]);
	bufprintf(b, "<tr><td bgcolor=\"%s\"><font point-size=\"9\">%d test%s:", statuscolors[worst],
	    it->ntests, it->ntests == 1 ? "" : "s");
	for (i = 0; i < sizeof(order) / sizeof(*order); i++) {
		if (!it->tests[order[i]])
			continue;
		bufprintf(b, "%s %d %s", first ? "" : ",", it->tests[order[i]], words[order[i]]);
		first = 0;
	}
	bufputs(b, "</font></td></tr>");
}

static void
itemdot(struct buf *b, const struct item *it)
{
	char *s;

	dotstr(b, it->uid);
	bufputs(b, " [id=");
	dotstr(b, it->uid);
	s = xasprintf("%s %s", it->type, statusclass[it->status]);
	bufputs(b, ", class=");
	dotstr(b, s);
	free(s);
	bufprintf(b, ", shape=%s, style=\"%s\", fillcolor=\"%s\", tooltip=", it->shape, it->style,
	    statuscolors[it->status]);
	s = it->status == SNONE ? xstrdup(it->uid) : xasprintf("%s: %s", it->uid,
	    statusnames[it->status]);
	dotstr(b, s);
	free(s);
	bufputs(b, ", label=<<table border=\"0\" cellborder=\"0\" cellspacing=\"0\" "
	    "cellpadding=\"1\"><tr><td><b>");
	htmlesc(b, it->name, 1);
	bufputs(b, "</b></td></tr><tr><td><font point-size=\"9\">");
	htmlesc(b, it->what, 1);
	bufputs(b, "</font></td></tr>");
	if (it->ntests)
		testsline(b, it);
	bufputs(b, "</table>>];\n");
}

/* Groups compare by path component: a folder just before what is in it. */
static int
groupcmp(const char *a, const char *b)
{
	for (; *a && *a == *b; a++, b++)
		;
	if (*a == *b)
		return 0;
	if (*a == '/' || !*a || *b == '/' || !*b)
		return !*a ? -1 : !*b ? 1 : *a == '/' ? -1 : 1;
	return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
}

static int
itemcmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c;

	if (!x->group != !y->group)
		return x->group ? -1 : 1;
	if (x->group && (c = groupcmp(x->group, y->group)))
		return c;
	return strcmp(x->uid, y->uid);
}

static void
legend(struct buf *b)
{
	static const int order[] = {SSUCCESS, SWARN, SERROR, SSKIPPED, SSTALE, SNEVER};
	size_t i;

	bufputs(b, "\tgraph [labelloc=b, labeljust=l, label=<<table border=\"0\" cellspacing=\"4\">"
	    "<tr>");
	for (i = 0; i < sizeof(order) / sizeof(*order); i++)
		bufprintf(b, "<td border=\"1\" color=\"#999999\" bgcolor=\"%s\">"
		    "<font point-size=\"9\">%s</font></td>", statuscolors[order[i]],
		    statusnames[order[i]]);
	bufputs(b, "</tr></table>>];\n");
}

struct edge {
	const char *from, *to;
};

static int
edgecmp(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;
	int c = strcmp(x->to, y->to);

	return c ? c : strcmp(x->from, y->from);
}

/* depends_on between drawn boxes, each once. */
static void
edges(const struct drawing *d, struct buf *b)
{
	const struct manifest *m = &d->p->m;
	struct edge *e = NULL;
	size_t n = 0, cap = 0, i, k;

	for (i = 0; i < d->nitems; i++) {
		const struct item *it = &d->items[i];
		const struct node *nd = manifestnode(m, it->uid);
		const char **dep = nd ? nd->depids : it->x ? it->x->depids : NULL;
		size_t ndep = nd ? nd->ndepids : it->x ? it->x->ndepids : 0;
		for (k = 0; k < ndep; k++) {
			if (!htabget(&d->index, dep[k]))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				e = xreallocarray(e, cap, sizeof(*e));
			}
			e[n].from = dep[k];
			e[n++].to = it->uid;
		}
	}
	if (n)
		qsort(e, n, sizeof(*e), edgecmp);
	for (i = 0; i < n; i++) {
		if (i && !edgecmp(&e[i], &e[i - 1]))
			continue;
		bufputc(b, '\t');
		dotstr(b, e[i].from);
		bufputs(b, " -> ");
		dotstr(b, e[i].to);
		bufputs(b, ";\n");
	}
	free(e);
}

/* The clusters open while boxes are written: a folder's are nested, the
 * folders it is in around it. */
struct clusters {
	struct buf *out;
	int nest;		/* folders: split at '/' */
	const char *open;	/* the innermost open group, or NULL */
	size_t depth;		/* how many are open */
};

static void
indent(struct buf *b, size_t depth)
{
	size_t i;

	for (i = 0; i <= depth; i++)
		bufputc(b, '\t');
}

/* How many leading components of group the open clusters are, and in *len
 * where the last of them ends. */
static size_t
common(const char *open, const char *group, int nest, size_t *len)
{
	size_t n = 0, i = 0, j;

	*len = 0;
	if (!open || !group)
		return 0;
	if (!nest)
		return strcmp(open, group) ? 0 : (*len = strlen(group), 1);
	for (;;) {
		for (j = i; open[j] && open[j] != '/' && open[j] == group[j]; j++)
			;
		if (!((open[j] == '/' || !open[j]) && (group[j] == '/' || !group[j])))
			break;
		n++;
		*len = j;
		if (!open[j] || !group[j])
			break;
		i = j + 1;
	}
	return n;
}

static void
opencluster(struct clusters *c, const char *group, size_t from, size_t to)
{
	char *path = xmemdup(group, to), *name = xasprintf("cluster_%s", path);

	indent(c->out, c->depth);
	bufputs(c->out, "subgraph ");
	dotstr(c->out, name);
	bufputs(c->out, " {\n");
	c->depth++;
	indent(c->out, c->depth);
	bufputs(c->out, "graph [label=");
	dotstr(c->out, path + from);
	bufputs(c->out, ", labelloc=t, labeljust=l, style=\"rounded,dashed\", "
	    "color=\"#aaaaaa\", fontcolor=\"#555555\", fontsize=10];\n");
	free(name);
	free(path);
}

/* Close what group is not in, open what it is in. */
static void
entergroup(struct clusters *c, const char *group)
{
	size_t len, keep = common(c->open, group, c->nest, &len), from, i;

	while (c->depth > keep) {
		c->depth--;
		indent(c->out, c->depth);
		bufputs(c->out, "}\n");
	}
	c->open = group;
	if (!group || (keep && !group[len]))
		return;
	if (!c->nest) {
		opencluster(c, group, 0, strlen(group));
		return;
	}
	from = keep ? len + 1 : 0;
	for (i = from;; i++) {
		if (group[i] != '/' && group[i])
			continue;
		opencluster(c, group, from, i);
		if (!group[i])
			break;
		from = i + 1;
	}
}

void
lineagedot(const struct picture *p, struct buf *out)
{
	struct drawing d;
	struct clusters c = {0};
	size_t i;

	memset(&d, 0, sizeof(d));
	d.p = p;
	d.shown = xcalloc(p->m.nnodes + 1, 1);
	collect(&d);
	foldtests(&d);
	if (d.nitems)
		qsort(d.items, d.nitems, sizeof(*d.items), itemcmp);
	htabfree(&d.index);
	memset(&d.index, 0, sizeof(d.index));
	for (i = 0; i < d.nitems; i++)
		htabput(&d.index, d.items[i].uid, &d.items[i]);
	bufputs(out, "digraph lineage {\n"
	    "\tgraph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, nodesep=0.25, "
	    "ranksep=0.5];\n"
	    "\tnode [fontname=\"Helvetica\", fontsize=11, penwidth=1.2, margin=\"0.1,0.04\"];\n"
	    "\tedge [color=\"#777777\", arrowsize=0.7];\n");
	legend(out);
	c.out = out;
	c.nest = p->group == GROUPFOLDER;
	for (i = 0; i < d.nitems; i++) {
		entergroup(&c, d.items[i].group);
		indent(out, c.depth);
		itemdot(out, &d.items[i]);
	}
	entergroup(&c, NULL);
	edges(&d, out);
	bufputs(out, "}\n");
	htabfree(&d.index);
	free(d.items);
	free(d.shown);
	arenafree(&d.a);
}

/* Whether argv[i] is one of own: an option the caller reads. */
static int
isown(const char *a, const char *const *own)
{
	for (; own && *own; own++)
		if (!strcmp(a, *own))
			return 1;
	return 0;
}

void
pictureload(struct picture *p, int argc, char **argv, int first, const char *use,
    const char *const *own)
{
	struct selopts o;
	char **rest = xcalloc((size_t)argc + 1, sizeof(*rest));
	const char *group = "folder";
	int i, n = 0;

	memset(p, 0, sizeof(*p));
	rest[n++] = argv[0];
	for (i = first; i < argc; i++) {
		if (!strcmp(argv[i], "--group") || isown(argv[i], own)) {
			if (i + 1 >= argc)
				usageexit(use, "%s needs a value", argv[i]);
			if (!strcmp(argv[i], "--group"))
				group = argv[i + 1];
			i++;
			continue;
		}
		if (!strcmp(argv[i], "--for"))
			usageexit(use, "unknown option: %s", argv[i]);
		rest[n++] = argv[i];
	}
	if (!strcmp(group, "folder"))
		p->group = GROUPFOLDER;
	else if (!strcmp(group, "schema"))
		p->group = GROUPSCHEMA;
	else if (!strcmp(group, "none"))
		p->group = GROUPNONE;
	else
		usageexit(use, "--group: %s is not folder, schema or none", group);
	selectargs(n, rest, 1, use, 0, &o);
	p->all = o.ninc == 0;
	/* the statuses of the connection build.ninja deploys to */
	p->conn = connbuilt("build.ninja");
	if (!p->conn)
		fatal("build.ninja names no connection: run dbt2ninja to regenerate it");
	p->set = selectnodes(&p->m, LOADGRAPH, &o);
	statusread(&p->m, "build.ninja", p->conn, &p->st);
	selectoptsfree(&o);
	free(rest);
}

void
picturefree(struct picture *p)
{
	statusfree(&p->m, &p->st);
	free(p->set);
	free(p->conn);
	manifestfree(&p->m);
}

int
graphmain(int argc, char **argv)
{
	struct picture p;
	struct buf b = {0};

	pictureload(&p, argc, argv, 2, usage, NULL);
	lineagedot(&p, &b);
	fwrite(b.s, 1, b.len, stdout);
	if (fflush(stdout) == EOF || ferror(stdout))
		fatal("stdout:");
	buffree(&b);
	picturefree(&p);
	return 0;
}
