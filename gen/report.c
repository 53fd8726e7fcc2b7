#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "conn.h"
#include "job.h"
#include "lineage.h"
#include "results.h"
#include "report.h"
#include "timeline.h"

extern char **environ;

static const char usage[] =
    "usage: dbt2ninja report [-o FILE] [--group folder|schema|none] [--exclude EXPR]\n"
    "                        [--state PATH|db[:TARGET]] [--indirect-selection MODE]\n"
    "                        [--manifest PATH] [--profile NAME] [--target NAME]\n"
    "                        [--profiles-dir DIR] [--project-dir DIR] [EXPR...]\n";

static void
base64(struct buf *b, const char *s, size_t n)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		bufputc(b, abc[u[i] >> 2]);
		bufputc(b, abc[(u[i] & 3) << 4 | u[i + 1] >> 4]);
		bufputc(b, abc[(u[i + 1] & 15) << 2 | u[i + 2] >> 6]);
		bufputc(b, abc[u[i + 2] & 63]);
	}
	if (n - i == 1) {
		bufputc(b, abc[u[i] >> 2]);
		bufputc(b, abc[(u[i] & 3) << 4]);
		bufputs(b, "==");
	} else if (n - i == 2) {
		bufputc(b, abc[u[i] >> 2]);
		bufputc(b, abc[(u[i] & 3) << 4 | u[i + 1] >> 4]);
		bufputc(b, abc[(u[i + 1] & 15) << 2]);
		bufputc(b, '=');
	}
}

static char *
tmpname(void)
{
	const char *dir = getenv("TMPDIR");

	return xasprintf("%s/dbt2ninja-report.XXXXXX", dir && *dir ? dir : "/tmp");
}

/* Run dot -Tsvg from file in to file out: 0, or -1 after a warning. */
static int
rundot(const char *in, int out)
{
	char a0[] = "dot", a1[] = "-Tsvg", *args[] = {a0, a1, NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc, st;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	rc = posix_spawnp(&pid, "dot", &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == 0) {
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR)
				fatal("waitpid:");
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			return 0;
		rc = WIFEXITED(st) && WEXITSTATUS(st) == 127 ? ENOENT : 0;
	}
	if (rc)
		warn("warning: cannot run Graphviz's dot: %s: the report has the lineage as DOT "
		    "(apt-get install graphviz)", strerror(rc));
	else
		warn("warning: Graphviz's dot failed: the report has the lineage as DOT");
	return -1;
}

/* The SVG Graphviz lays the DOT out in, from its <svg>: 0, or -1. */
static int
dotsvg(const struct buf *dot, struct buf *svg)
{
	char *in = tmpname(), *out = tmpname(), *start;
	int fi, fo = -1, rc = -1;

	fi = mkstemp(in);
	if (fi < 0 || writeall(fi, dot->s, dot->len) < 0 || close(fi) < 0)
		fatal("%s:", in);
	fo = mkstemp(out);
	if (fo < 0)
		fatal("%s:", out);
	if (rundot(in, fo) == 0) {
		if (readfile(out, svg) < 0)
			fatal("%s:", out);
		start = svg->s ? strstr(svg->s, "<svg") : NULL;
		if (start) {
			svg->len -= (size_t)(start - svg->s);
			memmove(svg->s, start, svg->len + 1);
			rc = 0;
		} else {
			warn("warning: Graphviz's dot wrote no SVG: the report has the lineage as DOT");
		}
	}
	close(fo);
	unlink(in);
	unlink(out);
	free(in);
	free(out);
	return rc;
}

static int
statusof(const char *s)
{
	if (!s)
		return SNONE;
	if (!strcmp(s, "error") || !strcmp(s, "fail"))
		return SERROR;
	if (!strcmp(s, "warn"))
		return SWARN;
	if (!strcmp(s, "skipped"))
		return SSKIPPED;
	return SSUCCESS;
}

/* A time as the axis prints it, in the unit of its step. */
static void
seconds(char *s, size_t n, long long us, long long step)
{
	if (step < 1000000)
		snprintf(s, n, "%lld ms", us / 1000);
	else
		snprintf(s, n, "%lld s", us / 1000000);
}

/* A tick every 1, 2 or 5 times a power of ten, about eight of them. */
static long long
tickstep(long long length)
{
	long long step = 1000;

	while (step * 8 < length) {
		if (step * 2 * 8 >= length)
			return step * 2;
		if (step * 5 * 8 >= length)
			return step * 5;
		step *= 10;
	}
	return step;
}

/* As much of s as fits in chars, cut between characters. */
static void
clipped(struct buf *b, const char *s, int chars)
{
	size_t n = strlen(s), cut = 0;
	char *head;
	int c = 0;

	if ((int)n <= chars) {
		htmlesc(b, s, 0);
		return;
	}
	while (cut < n && c < chars - 1) {
		cut++;
		while (cut < n && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut++;
		c++;
	}
	head = xmemdup(s, cut);
	htmlesc(b, head, 0);
	bufputs(b, "\xe2\x80\xa6");
	free(head);
}

static void
eventsvg(struct buf *b, const struct event *e, double x, double y, double w)
{
	char secs[32];
	int st = statusof(e->status);

	snprintf(secs, sizeof(secs), "%.3f s", (double)e->dur / 1e6);
	bufprintf(b, "<g class=\"event %s\"><title>", e->cat);
	htmlesc(b, e->name, 0);
	bufprintf(b, " (%s%s%s): %s", e->cat, e->edge ? ", " : "", e->edge ? e->edge : "", secs);
	if (e->status)
		bufprintf(b, ", %s", e->status);
	if (e->fromresult)
		bufputs(b, "; ninja logs no failed edge: the span of its statements");
	bufprintf(b, "</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" rx=\"3\" "
	    "fill=\"%s\" stroke=\"#666666\" stroke-width=\"0.6\"%s/>", x, y, w < 1 ? 1 : w,
	    statuscolors[st], e->fromresult ? " stroke-dasharray=\"3,2\"" : "");
	if (w >= 30) {
		bufprintf(b, "<text x=\"%.1f\" y=\"%.1f\">", x + 3, y + 13);
		clipped(b, e->name, (int)((w - 6) / 6.2));
		bufputs(b, "</text>");
	}
	bufputs(b, "</g>\n");
}

/* The run, one lane per slot, drawn. */
static void
timelinesvg(struct buf *b, const struct timeline *t)
{
	const double width = 1100, left = 56, right = 16, top = 22, lane = 24;
	double scale, h = top + lane * t->lanes + 6;
	long long step, at;
	char label[32];
	size_t i;
	int k;

	scale = t->length > 0 ? (width - left - right) / (double)t->length : 0;
	bufprintf(b, "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"Helvetica,sans-serif\" "
	    "font-size=\"11\">\n", width, h, width, h);
	step = tickstep(t->length);
	for (at = 0; at <= t->length; at += step) {
		double x = left + (double)at * scale;
		seconds(label, sizeof(label), at, step);
		bufprintf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#dddddd\"/>"
		    "<text x=\"%.1f\" y=\"12\" fill=\"#666666\" text-anchor=\"middle\">%s</text>\n",
		    x, top - 4, x, h - 4, x, label);
	}
	for (k = 1; k <= t->lanes; k++)
		bufprintf(b, "<text x=\"4\" y=\"%.1f\" fill=\"#666666\">slot %d</text>\n",
		    top + lane * (k - 1) + 13, k);
	for (i = 0; i < t->nev; i++) {
		const struct event *e = &t->ev[i];
		eventsvg(b, e, left + (double)e->ts * scale, top + lane * (e->lane - 1),
		    (double)e->dur * scale);
	}
	bufputs(b, "</svg>\n");
}

static void
badge(struct buf *b, int st, const char *text)
{
	bufprintf(b, "<span class=\"badge\" style=\"background:%s\">", statuscolors[st]);
	htmlesc(b, text, 0);
	bufputs(b, "</span>");
}

/* The counts of nodes and of tests by status. */
static void
summary(struct buf *b, const struct picture *p)
{
	static const int order[] = {SERROR, SWARN, SSKIPPED, SSTALE, SNEVER, SSUCCESS};
	size_t c[2][NSTATUS] = {{0}}, i, k;
	int tests;

	for (i = 0; i < p->m.nnodes; i++)
		if (p->m.nodes[i].kind == KRUN)
			c[p->m.nodes[i].rtype == RTEST][p->st.st[i]]++;
	for (tests = 0; tests < 2; tests++) {
		bufprintf(b, "<p class=\"counts\"><span class=\"what\">%s</span>",
		    tests ? "Tests" : "Models, seeds, snapshots");
		for (k = 0; k < sizeof(order) / sizeof(*order); k++) {
			char text[64];
			if (!c[tests][order[k]])
				continue;
			snprintf(text, sizeof(text), "%zu %s", c[tests][order[k]],
			    statusnames[order[k]]);
			badge(b, order[k], text);
		}
		bufputs(b, "</p>\n");
	}
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The lines of the node's job around the one its error points at: the
 * message's "at FILE:LINE," when FILE is the node's job. */
static void
context(struct buf *b, const struct node *n, const char *msg)
{
	char *job = xasprintf("%s/%s.sql", JOBDIR, n->file), *at, *want;
	const char *q, *line;
	struct buf text = {0};
	int hit, i = 1;

	want = xasprintf("\n  at %s:", job);
	at = strstr(msg, want);
	if (!at || readfile(job, &text) < 0 || !text.s) {
		free(job);
		free(want);
		buffree(&text);
		return;
	}
	hit = atoi(at + strlen(want));
	bufputs(b, "<pre class=\"sql\">");
	for (line = text.s; *line; line = *q ? q + 1 : q, i++) {
		char *one;
		q = line + strcspn(line, "\n");
		if (i < hit - 3 || i > hit + 3)
			continue;
		one = xmemdup(line, (size_t)(q - line));
		bufprintf(b, "<span class=\"%s\"><span class=\"ln\">%4d</span> ", i == hit ? "hit" : "line", i);
		htmlesc(b, one, 0);
		bufputs(b, "</span>\n");
		free(one);
	}
	bufputs(b, "</pre>\n");
	free(job);
	free(want);
	buffree(&text);
}

static void
failures(struct buf *b, const struct picture *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->m.nnodes; i++) {
		const struct node *nd = &p->m.nodes[i];
		const cJSON *r = p->st.r.res[i];
		const char *msg;
		char *name;
		if (!r || statusof(str(r, "status")) != SERROR)
			continue;
		if (!n++)
			bufputs(b, "<section id=\"failures\">\n<h2>Failures</h2>\n");
		name = manifestlabel(nd);
		bufputs(b, "<div class=\"failure\"><h3>");
		htmlesc(b, name, 0);
		bufprintf(b, " <span class=\"type\">%s</span> ", nd->type);
		badge(b, SERROR, str(r, "status"));
		bufputs(b, "</h3>\n<p class=\"uid\">");
		htmlesc(b, nd->uid, 0);
		bufputs(b, "</p>\n");
		msg = str(r, "message");
		if (msg) {
			bufputs(b, "<pre class=\"message\">");
			htmlesc(b, msg, 0);
			bufputs(b, "</pre>\n");
			context(b, nd, msg);
		}
		bufputs(b, "</div>\n");
		free(name);
	}
	if (n)
		bufputs(b, "</section>\n");
}

struct row {
	const struct node *n;
	const cJSON *r;		/* NULL: skipped */
	long long start;
};

static int
rowcmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (!x->r != !y->r)
		return x->r ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->n->uid, y->n->uid);
}

static long long
startof(const cJSON *r)
{
	long long start, end;

	return resulttiming(r, &start, &end) ? start : 0;
}

static void
row(struct buf *b, const struct row *w)
{
	const cJSON *t, *ar;
	const char *st = w->r ? str(w->r, "status") : "skipped", *msg, *am;
	char *name = manifestlabel(w->n), secs[32] = "";

	bufputs(b, "<tr><td><a href=\"#");
	htmlesc(b, w->n->uid, 0);
	bufputs(b, "\">");
	htmlesc(b, name, 0);
	bufprintf(b, "</a></td><td>%s</td><td>", w->n->type);
	badge(b, statusof(st), st ? st : "");
	t = cJSON_GetObjectItemCaseSensitive(w->r, "execution_time");
	if (cJSON_IsNumber(t))
		snprintf(secs, sizeof(secs), "%.3f", t->valuedouble);
	bufprintf(b, "</td><td class=\"num\">%s</td><td>", secs);
	ar = cJSON_GetObjectItemCaseSensitive(w->r, "adapter_response");
	am = str(ar, "_message");
	if (am)
		htmlesc(b, am, 0);
	bufputs(b, "</td><td class=\"msg\">");
	msg = w->r ? str(w->r, "message") : NULL;
	if (msg) {
		char *first = xmemdup(msg, strcspn(msg, "\n"));
		htmlesc(b, first, 0);
		free(first);
	}
	bufputs(b, "</td></tr>\n");
	free(name);
}

static void
table(struct buf *b, const struct picture *p)
{
	struct row *rows = xcalloc(p->m.nnodes + 1, sizeof(*rows));
	size_t i, n = 0;

	for (i = 0; i < p->m.nnodes; i++) {
		if (p->m.nodes[i].kind != KRUN ||
		    (!p->st.r.res[i] && p->st.r.st[i] != RSKIPPED))
			continue;
		rows[n].n = &p->m.nodes[i];
		rows[n].r = p->st.r.res[i];
		rows[n++].start = p->st.r.res[i] ? startof(p->st.r.res[i]) : 0;
	}
	bufputs(b, "<section id=\"results\">\n<h2>Results</h2>\n");
	if (!n) {
		bufputs(b, "<p>No node has a result for its current job.</p>\n</section>\n");
		free(rows);
		return;
	}
	qsort(rows, n, sizeof(*rows), rowcmp);
	bufputs(b, "<table>\n<tr><th>node</th><th>type</th><th>status</th><th>seconds</th>"
	    "<th>adapter</th><th>message</th></tr>\n");
	for (i = 0; i < n; i++)
		row(b, &rows[i]);
	bufputs(b, "</table>\n</section>\n");
	free(rows);
}

static const char style[] =
    "body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#222;}"
    "h1{font-size:22px;margin:0 0 4px;}h2{font-size:17px;margin:28px 0 8px;}"
    "h3{font-size:14px;margin:12px 0 4px;}"
    ".meta{color:#666;margin:0 0 12px;}.what{display:inline-block;width:190px;color:#555;}"
    ".badge{display:inline-block;border:1px solid #999;border-radius:3px;padding:0 6px;"
    "margin-right:6px;font-size:12px;}"
    ".lineage,.run{overflow:auto;border:1px solid #ddd;padding:8px;}"
    ".lineage svg,.run svg{max-width:100%;height:auto;}"
    "pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:12px;}"
    ".sql .hit{background:#f5a3a3;display:inline-block;min-width:100%;}.ln{color:#888;}"
    ".uid,.type{color:#666;font-weight:normal;font-size:12px;}"
    "table{border-collapse:collapse;font-size:12px;}"
    "td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top;}"
    ".num{text-align:right;}.msg{max-width:520px;}";

static void
lineage(struct buf *b, const struct picture *p)
{
	struct buf dot = {0}, svg = {0};

	lineagedot(p, &dot);
	bufputs(b, "<section id=\"lineage\">\n<h2>Lineage</h2>\n<div class=\"lineage\">\n");
	if (dotsvg(&dot, &svg) == 0) {
		bufadd(b, svg.s, svg.len);
		bufputs(b, "</div>\n<p class=\"meta\"><a download=\"lineage.svg\" "
		    "href=\"data:image/svg+xml;base64,");
		base64(b, svg.s, svg.len);
		bufputs(b, "\">lineage.svg</a> at its own size.</p>\n</section>\n");
	} else {
		bufputs(b, "<p>Graphviz's dot could not be run: the lineage in DOT, for "
		    "<code>dot -Tsvg</code>.</p>\n<pre class=\"dot\">");
		htmlesc(b, dot.s, 0);
		bufputs(b, "</pre>\n</div>\n</section>\n");
	}
	buffree(&dot);
	buffree(&svg);
}

static void
run(struct buf *b, const struct picture *p, const struct timeline *t)
{
	struct buf json = {0};
	char when[64] = "";
	time_t secs = (time_t)(t->start / 1000000);
	struct tm tm;

	bufputs(b, "<section id=\"timeline\">\n<h2>Last run</h2>\n");
	if (!t->nev) {
		bufputs(b, "<p>Nothing has run on this connection yet.</p>\n</section>\n");
		return;
	}
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	bufprintf(b, "<p class=\"meta\">Started %s, %.2f s, %zu edge%s in %d slot%s. ", when,
	    (double)t->length / 1e6, t->nev, t->nev == 1 ? "" : "s", t->lanes,
	    t->lanes == 1 ? "" : "s");
	timelinejson(t, p->m.project, &json);
	bufputs(b, "<a download=\"timeline.json\" href=\"data:application/json;base64,");
	base64(b, json.s, json.len);
	bufputs(b, "\">timeline.json</a> opens in Perfetto or chrome://tracing.</p>\n"
	    "<div class=\"run\">\n");
	timelinesvg(b, t);
	bufputs(b, "</div>\n</section>\n");
	buffree(&json);
}

static void
page(struct buf *b, const struct picture *p, const struct timeline *t)
{
	const char *project = p->m.project ? p->m.project : "dbt project";
	char *cpath = xasprintf("%s/connection", p->conn), now[40];
	struct buf conn = {0};
	time_t tt = time(NULL);
	struct tm tm;

	if (readfile(cpath, &conn) < 0 || !conn.s)
		bufputs(&conn, "");
	while (conn.len && conn.s[conn.len - 1] == '\n')
		conn.s[--conn.len] = '\0';
	gmtime_r(&tt, &tm);
	strftime(now, sizeof(now), "%Y-%m-%d %H:%M:%S UTC", &tm);
	bufputs(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	htmlesc(b, project, 0);
	bufprintf(b, ": dbt2ninja report</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
	htmlesc(b, project, 0);
	bufputs(b, "</h1>\n<p class=\"meta\">");
	bufprintf(b, "dbt2ninja report, %s. ", now);
	if (conn.len) {
		bufputs(b, "Connection: <code>");
		htmlesc(b, conn.s, 0);
		bufputs(b, "</code>.");
	}
	bufputs(b, "</p>\n");
	summary(b, p);
	lineage(b, p);
	run(b, p, t);
	failures(b, p);
	table(b, p);
	bufputs(b, "</body>\n</html>\n");
	buffree(&conn);
	free(cpath);
}

int
reportmain(int argc, char **argv)
{
	static const char *const own[] = {"-o", NULL};
	const char *out = "target/report.html";
	struct picture p;
	struct timeline t;
	struct buf b = {0};
	size_t i, failed = 0;
	int a;

	for (a = 2; a + 1 < argc; a++)
		if (!strcmp(argv[a], "-o"))
			out = argv[++a];
	pictureload(&p, argc, argv, 2, usage, own);
	timelineread(&p.m, &p.st.log, p.conn, &t);
	page(&b, &p, &t);
	if (writefile(out, b.s, b.len) < 0)
		fatal("%s:", out);
	for (i = 0; i < p.m.nnodes; i++)
		failed += p.m.nodes[i].kind == KRUN && p.st.st[i] == SERROR;
	printf("dbt2ninja: %s: the lineage, the last run (%zu edge%s) and %zu failure%s\n", out,
	    t.nev, t.nev == 1 ? "" : "s", failed, failed == 1 ? "" : "s");
	buffree(&b);
	timelinefree(&t);
	picturefree(&p);
	return 0;
}
