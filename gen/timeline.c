#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "htab.h"
#include "job.h"
#include "results.h"
#include "timeline.h"

static const char usage[] = "usage: dbt2ninja timeline [--manifest PATH] [-o FILE]\n";

static const char *
rstatus(const cJSON *r)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");

	return cJSON_IsString(st) ? st->valuestring : NULL;
}

static double
rexec(const cJSON *r)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(r, "execution_time");

	return cJSON_IsNumber(t) ? t->valuedouble : -1;
}

/* In microseconds: how much later than the mtime the log recorded for
 * its stamp a node's result of the run may start (ninja 1.11 records the
 * edge's start, a coarse mtime, and the executor starts after its exec
 * and its connection: milliseconds under load), and how much later than
 * the run's end a result of it may start (the start's estimate errs early
 * by the mtimes' resolution and the time ninja takes to see a command
 * end). */
#define STAMPED 20000
#define LATE 20000

struct reading {
	const struct manifest *m;
	const struct ninjalog *l;
	const char *conn;
	struct timeline *t;
	struct htab files;	/* job file name -> node */
	struct htab noted;	/* stamp path -> its executor's latest note so far */
	long long *eff;		/* per line: its time (notedtime) */
	char *seen;		/* per node: a line of the run */
	long long *stamped;	/* the latest mtime its lines recorded, in microseconds */
	size_t cap;
};

static struct event *
addevent(struct reading *r)
{
	struct timeline *t = r->t;

	if (t->nev == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		t->ev = xreallocarray(t->ev, r->cap, sizeof(*t->ev));
	}
	memset(&t->ev[t->nev], 0, sizeof(*t->ev));
	t->ev[t->nev].exectime = -1;
	return &t->ev[t->nev++];
}

/* Whether path is a stamp in a directory named kind. */
static int
stampkind(const char *path, const char *kind)
{
	const char *base = strrchr(path, '/'), *dir;

	if (!base || base == path)
		return 0;
	for (dir = base - 1; dir > path && dir[-1] != '/'; dir--)
		;
	return (size_t)(base - dir) == strlen(kind) && !strncmp(dir, kind, strlen(kind));
}

/* The node whose stamp a path is: .../ok/NAME or .../built/NAME. */
static const struct node *
stampnode(struct reading *r, const char *path, const char **edge)
{
	const char *base = strrchr(path, '/'), *dir;
	size_t n;

	if (!base || base == path)
		return NULL;
	for (dir = base - 1; dir > path && dir[-1] != '/'; dir--)
		;
	n = (size_t)(base - dir);
	if (n == strlen(CONNSTAMPS) && !strncmp(dir, CONNSTAMPS, n))
		*edge = "deploy";
	else if (n == strlen(CONNBUILT) && !strncmp(dir, CONNBUILT, n))
		*edge = "build";
	else
		return NULL;
	return htabget(&r->files, base + 1);
}

static const char *
nodename(struct reading *r, const struct node *n)
{
	struct timeline *t = r->t;
	size_t i = (size_t)(n - r->m->nodes);

	if (!t->names[i])
		t->names[i] = manifestlabel(n);
	return t->names[i];
}

/* The node's last result, read once. */
static const cJSON *
result(struct reading *r, const struct node *n)
{
	size_t i = (size_t)(n - r->m->nodes);

	if (!r->t->res[i])
		r->t->res[i] = resultload(r->conn, n, NULL);
	return r->t->res[i];
}

/* A line's mtime, or for an edge with restat, which Ninja logs with its
 * newest input's time when an output stayed, the time the executor's note
 * for that stamp, written during the edge (just before Ninja's line), says
 * it was written, when later. */
static long long
notedtime(struct reading *r, const struct logline *e)
{
	return r->eff[e - r->l->lines];
}

/* The run's start: no output was written before it began. */
static long long
runstart(struct reading *r)
{
	const struct ninjalog *l = r->l;
	long long s = 0, v;
	size_t i;

	r->eff = xcalloc(l->nlines + 1, sizeof(*r->eff));
	for (i = 0; i < l->nlines; i++) {
		const struct logline *e = &l->lines[i], *n;
		if (e->note) {
			htabput(&r->noted, e->path, (void *)e);
			continue;
		}
		n = htabget(&r->noted, e->path);
		r->eff[i] = n && n->mtime > e->mtime ? n->mtime : e->mtime;
		/* a note counts for the edge it was written in only */
		htabput(&r->noted, e->path, NULL);
	}
	for (i = 0; i < l->nlines; i++) {
		const struct logline *e = &l->lines[i];
		if (e->note)
			continue;
		v = notedtime(r, e) / 1000 - e->end * 1000;
		if (v > s)
			s = v;
	}
	return s;
}

static int
sameedge(const struct logline *a, const struct logline *b)
{
	return a->start == b->start && a->end == b->end && !strcmp(a->hash, b->hash);
}

/* The log's lines of the last run. */
static void
fromlog(struct reading *r)
{
	const struct ninjalog *l = r->l;
	struct timeline *t = r->t;
	const struct logline *prev = NULL;
	long long s = runstart(r), rs, re;
	size_t i;

	t->start = s;
	for (i = 0; s && i < l->nlines; i++) {
		const struct logline *e = &l->lines[i];
		const struct node *n;
		struct event *ev;
		const cJSON *res;
		const char *edge = NULL;
		size_t j;
		if (e->note || notedtime(r, e) / 1000 < s)
			continue;
		/* the other outputs of one edge */
		if (prev && sameedge(prev, e))
			continue;
		prev = e;
		/* of an edge's outputs (deployment, interface and contents
		 * stamps), the deployment's names it; an edge that makes only a
		 * view's contents stamp runs nothing but touch: no node's run */
		for (j = i; j < l->nlines && sameedge(e, &l->lines[j]); j++)
			if (stampnode(r, l->lines[j].path, &edge)) {
				e = &l->lines[j];
				break;
			}
		edge = NULL;
		if (stampkind(e->path, CONNDATA))
			continue;
		ev = addevent(r);
		ev->path = e->path;
		ev->ts = e->start * 1000;
		ev->dur = (e->end - e->start) * 1000;
		n = stampnode(r, e->path, &edge);
		if (!n) {
			ev->name = e->path;
			ev->cat = "ninja";
			continue;
		}
		r->seen[n - r->m->nodes] = 1;
		if (notedtime(r, e) / 1000 > r->stamped[n - r->m->nodes])
			r->stamped[n - r->m->nodes] = notedtime(r, e) / 1000;
		ev->n = n;
		ev->edge = edge;
		ev->name = nodename(r, n);
		ev->cat = n->type;
		res = result(r, n);
		/* its result, when it is of this run */
		if (res && resulttiming(res, &rs, &re) && rs >= s + ev->ts - 1000 &&
		    rs <= s + ev->ts + ev->dur + 1000000) {
			ev->status = rstatus(res);
			ev->exectime = rexec(res);
		}
	}
}

/* Nodes that ran since and left no line in the run: from their results. */
static void
fromresults(struct reading *r, long long since)
{
	const struct manifest *m = r->m;
	struct timeline *t = r->t;
	long long rs, re;
	size_t i;

	for (i = 0; i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		const cJSON *res;
		struct event *ev;
		if (n->kind != KRUN || r->seen[i] || !(res = result(r, n)) ||
		    !resulttiming(res, &rs, &re) || rs < since)
			continue;
		ev = addevent(r);
		ev->n = n;
		ev->name = nodename(r, n);
		ev->cat = n->type;
		ev->ts = rs - t->start;
		ev->dur = re - rs;
		ev->status = rstatus(res);
		ev->exectime = rexec(res);
		ev->fromresult = 1;
	}
}

/* The start of a later run that logged nothing (every edge of it failed),
 * or 0: the first start of a result that is not the run's. A node's result
 * of the run started before its stamp was written, which its lines dated
 * (to the mtimes' resolution, STAMPED); a node with no line in it started
 * before the run's estimated end (LATE after). */
static long long
laterrun(struct reading *r)
{
	const struct manifest *m = r->m;
	const struct timeline *t = r->t;
	long long first = 0, rs, re, after;
	const cJSON *res;
	size_t i;

	for (i = 0; i < m->nnodes; i++) {
		if (m->nodes[i].kind != KRUN || !(res = result(r, &m->nodes[i])) ||
		    !resulttiming(res, &rs, &re))
			continue;
		after = !t->nev ? 0 : r->seen[i] ? r->stamped[i] + STAMPED :
		    t->start + t->length + LATE;
		if (rs > after && (!first || rs < first))
			first = rs;
	}
	return first;
}

static int
eventcmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->dur != y->dur)
		return x->dur > y->dur ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Each event in the lowest lane free at its start. */
static void
lanes(struct timeline *t)
{
	long long *busy = xcalloc(t->nev + 1, sizeof(*busy));
	size_t i, k;

	if (t->nev)
		qsort(t->ev, t->nev, sizeof(*t->ev), eventcmp);
	t->lanes = 0;
	t->length = 0;
	for (i = 0; i < t->nev; i++) {
		struct event *e = &t->ev[i];
		for (k = 0; k < (size_t)t->lanes && busy[k] > e->ts; k++)
			;
		if (k == (size_t)t->lanes)
			t->lanes++;
		busy[k] = e->ts + e->dur;
		e->lane = (int)k + 1;
		if (e->ts + e->dur > t->length)
			t->length = e->ts + e->dur;
	}
	free(busy);
}


void
timelineread(const struct manifest *m, const struct ninjalog *l, const char *conn,
    struct timeline *t)
{
	struct reading r;
	long long later;
	size_t i;

	memset(t, 0, sizeof(*t));
	memset(&r, 0, sizeof(r));
	r.m = m;
	r.l = l;
	r.conn = conn;
	r.t = t;
	t->version = l->version;
	t->nres = m->nnodes;
	t->res = xcalloc(m->nnodes + 1, sizeof(*t->res));
	t->names = xcalloc(m->nnodes + 1, sizeof(*t->names));
	r.seen = xcalloc(m->nnodes + 1, 1);
	r.stamped = xcalloc(m->nnodes + 1, sizeof(*r.stamped));
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN)
			htabput(&r.files, m->nodes[i].file, &m->nodes[i]);
	fromlog(&r);
	lanes(t);
	/* a later run whose every edge failed logged nothing: its results
	 * alone */
	later = laterrun(&r);
	if (later) {
		t->nev = 0;
		memset(r.seen, 0, m->nnodes + 1);
		t->start = later;
	}
	if (t->start)
		fromresults(&r, t->start);
	lanes(t);
	htabfree(&r.files);
	htabfree(&r.noted);
	free(r.eff);
	free(r.seen);
	free(r.stamped);
}

void
timelinefree(struct timeline *t)
{
	size_t i;

	for (i = 0; i < t->nres; i++) {
		cJSON_Delete(t->res[i]);
		free(t->names[i]);
	}
	free(t->res);
	free(t->names);
	free(t->ev);
}

static cJSON *
meta(const char *what, int tid, const char *name)
{
	cJSON *e = cJSON_CreateObject();

	cJSON_AddStringToObject(e, "name", what);
	cJSON_AddStringToObject(e, "ph", "M");
	cJSON_AddNumberToObject(e, "pid", 1);
	cJSON_AddNumberToObject(e, "tid", tid);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(e, "args"), "name", name);
	return e;
}

static cJSON *
complete(const struct event *ev)
{
	cJSON *e = cJSON_CreateObject(), *args;

	cJSON_AddStringToObject(e, "name", ev->name);
	cJSON_AddStringToObject(e, "cat", ev->cat);
	cJSON_AddStringToObject(e, "ph", "X");
	cJSON_AddNumberToObject(e, "ts", (double)ev->ts);
	cJSON_AddNumberToObject(e, "dur", (double)ev->dur);
	cJSON_AddNumberToObject(e, "pid", 1);
	cJSON_AddNumberToObject(e, "tid", ev->lane);
	args = cJSON_AddObjectToObject(e, "args");
	if (ev->n)
		cJSON_AddStringToObject(args, "unique_id", ev->n->uid);
	if (ev->edge)
		cJSON_AddStringToObject(args, "edge", ev->edge);
	if (ev->status)
		cJSON_AddStringToObject(args, "status", ev->status);
	if (ev->exectime >= 0)
		cJSON_AddNumberToObject(args, "execution_time", ev->exectime);
	if (ev->path)
		cJSON_AddStringToObject(args, "output", ev->path);
	if (ev->fromresult)
		cJSON_AddStringToObject(args, "from", "result");
	return e;
}

void
timelinejson(const struct timeline *t, const char *project, struct buf *out)
{
	cJSON *root = cJSON_CreateObject(), *list, *other;
	char *name, *text, when[96];
	time_t secs = (time_t)(t->start / 1000000);
	struct tm tm;
	size_t i;
	int k;

	list = cJSON_AddArrayToObject(root, "traceEvents");
	name = xasprintf("dbt2ninja%s%s", project ? ": " : "", project ? project : "");
	cJSON_AddItemToArray(list, meta("process_name", 0, name));
	free(name);
	for (k = 1; k <= t->lanes; k++) {
		name = xasprintf("slot %d", k);
		cJSON_AddItemToArray(list, meta("thread_name", k, name));
		free(name);
	}
	for (i = 0; i < t->nev; i++)
		cJSON_AddItemToArray(list, complete(&t->ev[i]));
	cJSON_AddStringToObject(root, "displayTimeUnit", "ms");
	other = cJSON_AddObjectToObject(root, "otherData");
	if (t->start) {
		gmtime_r(&secs, &tm);
		snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		    (int)(t->start % 1000000 + (t->start < 0 ? 1000000 : 0)));
		cJSON_AddStringToObject(other, "started_at", when);
	}
	cJSON_AddStringToObject(other, "ninja_log", NINJALOG);
	cJSON_AddNumberToObject(other, "ninja_log_version", t->version);
	text = cJSON_Print(root);
	bufputs(out, text);
	bufputc(out, '\n');
	free(text);
	cJSON_Delete(root);
}

int
timelinemain(int argc, char **argv)
{
	const char *path = manifestdefault(), *out = NULL;
	struct manifest m;
	struct ninjalog l;
	struct timeline t;
	struct buf b = {0};
	char *conn;
	size_t i;
	int a;

	for (a = 2; a < argc; a++) {
		const char **val = NULL;
		if (!strcmp(argv[a], "--manifest"))
			val = &path;
		else if (!strcmp(argv[a], "-o"))
			val = &out;
		else
			usageexit(usage, argv[a][0] == '-' ? "unknown option: %s" :
			    "no argument is taken: %s", argv[a]);
		if (a + 1 >= argc)
			usageexit(usage, "%s needs a value", argv[a]);
		*val = argv[++a];
	}
	conn = connbuilt("build.ninja");
	if (!conn)
		fatal("build.ninja names no connection: run dbt2ninja to regenerate it");
	manifestloadfor(&m, path, LOADGRAPH);
	for (i = 0; i < m.nnodes; i++)
		if (m.nodes[i].kind == KRUN)
			m.nodes[i].file = jobname(m.nodes[i].uid);
	if (ninjalogread(&l, NINJALOG) < 0)
		fatal("%s:", NINJALOG);
	if (l.seen && !l.version)
		warn("warning: %s: ninja log v%d is not read (v5 to v7 are)", NINJALOG, l.seen);
	timelineread(&m, &l, conn, &t);
	if (!t.nev)
		warn("warning: %s: no run to draw", NINJALOG);
	timelinejson(&t, m.project, &b);
	if (out && writefile(out, b.s, b.len) < 0)
		fatal("%s:", out);
	if (!out && (fwrite(b.s, 1, b.len, stdout) != b.len || fflush(stdout) == EOF))
		fatal("stdout:");
	buffree(&b);
	timelinefree(&t);
	ninjalogfree(&l);
	manifestfree(&m);
	free(conn);
	return 0;
}
