#define _POSIX_C_SOURCE 200809L
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "conn.h"
#include "graph.h"
#include "job.h"
#include "jobfile.h"
#include "project.h"
#include "render.h"
#include "select.h"
#include "sql.h"
#include "state.h"

static const char usage[] =
    "usage: dbt2ninja select [--exclude EXPR] [--state PATH|db[:TARGET]]\n"
    "                        [--indirect-selection eager|cautious|buildable|empty]\n"
    "                        [--manifest PATH] [--profile NAME] [--target NAME]\n"
    "                        [--profiles-dir DIR] [--project-dir DIR]\n"
    "                        [--for deploy|test|build] EXPR...\n";

enum { EAGER, CAUTIOUS, BUILDABLE, EMPTY };

struct sel {
	struct manifest *m;
	struct node ***kids;	/* runnable children of each node */
	size_t *nkids;
	struct state st;
	int hasstate;
	struct htab results;	/* unique_id -> status, from run_results.json */
	cJSON *runresults;
	int indirect;
	const char *expr;	/* the word being read, for errors */
};

struct crit {
	int at;
	int up, updepth;	/* N+: ancestors to depth (-1: all) */
	int down, downdepth;	/* +N */
	char method[64];
	char args[256];		/* after the method: config.KEY, state:modified.body */
	const char *value;
	size_t valuecol;
};

static void
bad(const struct sel *s, size_t col, const char *why)
{
	fprintf(stderr, "%s: select: %s\n  %s\n  %*s^\n", argv0, why, s->expr, (int)col, "");
	exit(1);
}

/* Everything about a criterion that can be wrong is found here, before
 * any node is looked at. */
static void
checkcrit(const struct sel *s, struct crit *c, size_t start)
{
	static const char *const methods[] = {
		"fqn", "tag", "path", "file", "package", "config", "resource_type", "source",
		"exposure", "test_type", "test_name", "state", "result",
	};
	static const char *const states[] = {
		"new", "old", "modified", "unmodified", "modified.body", "modified.configs",
		"modified.relation", "modified.contract", "modified.persisted_descriptions",
	};
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(*methods) && strcmp(c->method, methods[i]); i++)
		;
	if (i == sizeof(methods) / sizeof(*methods)) {
		free((char *)c->value);
		bad(s, start + (size_t)c->at, "unknown method (fqn, tag, path, file, package, config, "
		    "resource_type, source, exposure, test_type, test_name, state, result)");
	}
	if (!strcmp(c->method, "config") && !*c->args) {
		free((char *)c->value);
		bad(s, c->valuecol, "config. needs a key: config.materialized:view");
	}
	if (strcmp(c->method, "state"))
		return;
	if (!s->hasstate) {
		free((char *)c->value);
		bad(s, c->valuecol, "state: needs --state");
	}
	for (i = 0; i < sizeof(states) / sizeof(*states) && strcmp(c->value, states[i]); i++)
		;
	if (i == sizeof(states) / sizeof(*states)) {
		free((char *)c->value);
		bad(s, c->valuecol, "state: takes new, old, modified, unmodified, or modified.body, "
		    ".configs, .relation, .contract or .persisted_descriptions");
	}
}

/* [@][N+][METHOD[.ARG...]:]VALUE[+[N]] */
static void
parsecrit(const struct sel *s, const char *w, size_t start, size_t len, struct crit *c)
{
	char *word = xmemdup(w + start, len);
	const char *YYCURSOR = word, *YYMARKER = word, *t, *e;
	size_t n;

	memset(c, 0, sizeof(*c));
	c->updepth = c->downdepth = -1;
	if (*YYCURSOR == '@') {
		c->at = 1;
		YYCURSOR++;
	}
	t = YYCURSOR;
	/*!re2c
	re2c:define:YYCTYPE = "unsigned char";
	re2c:yyfill:enable = 0;
	re2c:api:style = free-form;
	re2c:define:YYPEEK = "(unsigned char)*YYCURSOR";
	re2c:define:YYSKIP = "++YYCURSOR;";
	re2c:define:YYBACKUP = "YYMARKER = YYCURSOR;";
	re2c:define:YYRESTORE = "YYCURSOR = YYMARKER;";

	[0-9]* "+" {
		c->up = 1;
		if (YYCURSOR - t > 1)
			c->updepth = atoi(t);
		goto method;
	}
	* { YYCURSOR = t; goto method; }
	*/
method:
	t = YYCURSOR;
	/*!re2c
	name = [a-z_]+;
	arg = [^.:\x00]+;

	name ("." arg)* ":" {
		e = t;
		while (e < YYCURSOR - 1 && *e != '.')
			e++;
		n = (size_t)(e - t);
		if (n >= sizeof(c->method))
			n = sizeof(c->method) - 1;
		memcpy(c->method, t, n);
		if (*e == '.')
			snprintf(c->args, sizeof(c->args), "%.*s", (int)(YYCURSOR - 1 - e - 1), e + 1);
		goto value;
	}
	* { YYCURSOR = t; goto value; }
	*/
value:
	c->valuecol = start + (size_t)(YYCURSOR - word);
	e = word + strlen(word);
	/* a trailing +N */
	t = e;
	while (t > YYCURSOR && t[-1] >= '0' && t[-1] <= '9')
		t--;
	if (t > YYCURSOR && t[-1] == '+') {
		c->down = 1;
		if (t < e)
			c->downdepth = atoi(t);
		e = t - 1;
	}
	if (c->at && (c->up || c->down)) {
		free(word);
		bad(s, start, "@ cannot be combined with + (as in dbt)");
	}
	if (e == YYCURSOR) {
		free(word);
		bad(s, c->valuecol, "a selector needs a value");
	}
	c->value = xmemdup(YYCURSOR, (size_t)(e - YYCURSOR));
	free(word);
	if (!c->method[0]) {
		if (strchr(c->value, '/'))
			strcpy(c->method, "path");
		else if (fnmatch("*.sql", c->value, 0) == 0 || fnmatch("*.csv", c->value, 0) == 0 ||
		    fnmatch("*.py", c->value, 0) == 0)
			strcpy(c->method, "file");
		else
			strcpy(c->method, "fqn");
	}
	checkcrit(s, c, start);
}

static int
glob(const char *pattern, const char *s)
{
	return s && fnmatch(pattern, s, 0) == 0;
}

/* dbt's FQNSelectorMethod: the leaf, or a dotted prefix ending in a glob. */
static int
fqnmatch(const char *sel, const char **fqn, size_t n)
{
	char *flat[64], *dup = xstrdup(sel), *parts[64], *p, *save = NULL;
	size_t nflat = 0, nparts = 0, i;
	int match = 1, wild = -1;
	struct buf rest = {0}, pat = {0};

	if (n && !strcmp(fqn[n - 1], sel)) {
		free(dup);
		return 1;
	}
	for (i = 0; i < n && nflat < 64; i++) {
		char *seg = xstrdup(fqn[i]);
		for (p = strtok_r(seg, ".", &save); p && nflat < 64; p = strtok_r(NULL, ".", &save))
			flat[nflat++] = xstrdup(p);
		free(seg);
	}
	for (p = strtok_r(dup, ".", &save); p && nparts < 64; p = strtok_r(NULL, ".", &save))
		parts[nparts++] = p;
	if (nflat < nparts)
		match = 0;
	for (i = 0; match && i < nparts; i++) {
		if (strpbrk(parts[i], "*?[]")) {
			wild = (int)i;
			break;
		}
		if (strcmp(flat[i], parts[i]))
			match = 0;
	}
	if (match && wild >= 0) {
		for (i = (size_t)wild; i < nparts; i++)
			bufprintf(&pat, "%s%s", i > (size_t)wild ? "." : "", parts[i]);
		for (i = (size_t)wild; i < nflat; i++)
			bufprintf(&rest, "%s%s", i > (size_t)wild ? "." : "", flat[i]);
		match = fnmatch(pat.s, rest.s ? rest.s : "", 0) == 0;
	}
	for (i = 0; i < nflat; i++)
		free(flat[i]);
	free(dup);
	buffree(&rest);
	buffree(&pat);
	return match;
}

static int
configmatch(const struct node *n, const char *keys, const char *value)
{
	cJSON *c = cJSON_Parse(n->configjson), *v = c, *e;
	char *dup = xstrdup(keys), *k, *save = NULL, num[64];
	int match = 0;

	for (k = strtok_r(dup, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
		v = cJSON_GetObjectItemCaseSensitive(v, k);
	if (cJSON_IsString(v))
		match = !strcasecmp(keys, "severity") ? !strcasecmp(v->valuestring, value) :
		    glob(value, v->valuestring);
	else if (cJSON_IsBool(v))
		match = !strcasecmp(value, cJSON_IsTrue(v) ? "true" : "false");
	else if (cJSON_IsNumber(v)) {
		snprintf(num, sizeof(num), "%g", v->valuedouble);
		match = !strcmp(num, value);
	} else if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(e, v)
			if (cJSON_IsString(e) && glob(value, e->valuestring))
				match = 1;
	}
	free(dup);
	cJSON_Delete(c);
	return match;
}

static const char *
basename_(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* dbt's file: the file's name, or its name without the extension. */
static int
filematch(const char *v, const char *path)
{
	const char *b = basename_(path), *dot = strrchr(b, '.');
	char *stem = xmemdup(b, dot ? (size_t)(dot - b) : strlen(b));
	int r = glob(v, b) || glob(v, stem);

	free(stem);
	return r;
}

/* Whether a node's job part differs from production's: relation, the
 * keyed lines, or the SQL. */
/* Checked by checkcrit(): --state is there, the value is known. */
static int
statematch(struct sel *s, const struct node *n, const char *value)
{
	const char *dot = strchr(value, '.');
	int st = s->st.st[n - s->m->nodes];

	if (!strcmp(value, "new"))
		return st == 1;
	if (!strcmp(value, "old"))
		return st != 1;
	if (!strcmp(value, "unmodified"))
		return st == 0 || st == 3;
	if (!dot)
		return st == 1 || st == 2;
	return st == 1 || (st == 2 && statepart(&s->st, s->m, n, dot + 1));
}

static int
matches(struct sel *s, const struct crit *c, const struct node *n)
{
	const char *m = c->method, *v = c->value;
	size_t i;

	if (!strcmp(m, "fqn"))
		return fqnmatch(v, n->fqn, n->nfqn) || (n->nfqn > 1 && fqnmatch(v, n->fqn + 1, n->nfqn - 1));
	if (!strcmp(m, "tag")) {
		for (i = 0; i < n->ntags; i++)
			if (glob(v, n->tags[i]))
				return 1;
		return 0;
	}
	if (!strcmp(m, "path")) {
		size_t k = strlen(v);
		while (k > 1 && v[k - 1] == '/')
			k--;
		return n->path && (glob(v, n->path) || (!strncmp(n->path, v, k) &&
		    (n->path[k] == '/' || n->path[k] == '\0')));
	}
	if (!strcmp(m, "file"))
		return n->path && filematch(v, n->path);
	if (!strcmp(m, "package"))
		return glob(!strcmp(v, "this") && s->m->project ? s->m->project : v, n->package);
	if (!strcmp(m, "config"))
		return configmatch(n, c->args, v);
	if (!strcmp(m, "resource_type"))
		return !strcmp(v, n->type);
	if (!strcmp(m, "test_type"))
		return n->rtype == RTEST && (!strcmp(v, "data") || (!strcmp(v, "generic") && n->generic) ||
		    (!strcmp(v, "schema") && n->generic) || (!strcmp(v, "singular") && !n->generic));
	if (!strcmp(m, "test_name"))
		return n->rtype == RTEST && glob(v, n->name);
	if (!strcmp(m, "state"))
		return statematch(s, n, v);
	/* result: (the others are checked by checkcrit()) */
	{
		const char *st = htabget(&s->results, n->uid);
		return st && !strcmp(st, v);
	}
}

static void
walk(struct sel *s, char *set, int down, int depth)
{
	size_t n = s->m->nnodes, i, k, *q = xcalloc(n + 1, sizeof(*q)), head = 0, tail = 0;
	int *d = xcalloc(n, sizeof(*d));

	for (i = 0; i < n; i++)
		if (set[i]) {
			q[tail++] = i;
			d[i] = 0;
		}
	while (head < tail) {
		const struct node *x = &s->m->nodes[q[head]];
		int dx = d[q[head++]];
		struct node **next = down ? s->kids[x - s->m->nodes] : x->parents;
		size_t nn = down ? s->nkids[x - s->m->nodes] : x->nparents;
		if (depth >= 0 && dx >= depth)
			continue;
		for (k = 0; k < nn; k++) {
			size_t j = (size_t)(next[k] - s->m->nodes);
			if (set[j])
				continue;
			set[j] = 1;
			d[j] = dx + 1;
			q[tail++] = j;
		}
	}
	free(q);
	free(d);
}

static int
sourcematch(const char *v, const char *uid)
{
	/* source.PKG.SRC.TABLE: src, src.table or pkg.src.table */
	const char *p = uid + 7, *src = strchr(p, '.');
	char *pat;
	int r;

	if (strncmp(uid, "source.", 7) || !src)
		return 0;
	src++;
	pat = xasprintf("%s%s", v, strchr(v, '.') ? "" : ".*");
	r = glob(pat, src) || glob(pat, p);
	free(pat);
	return r;
}

/* One criterion: its nodes, then the graph operators, then its tests. */
static void
criterion(struct sel *s, const struct crit *c, char *out)
{
	size_t n = s->m->nnodes, i, j, k;
	char *set = xcalloc(n, 1), *base, *xset = NULL;
	int via = 0;

	if (!strcmp(c->method, "source")) {
		/* sources are outside the build: their children stand for them */
		via = 1;
		for (i = 0; i < n; i++)
			for (k = 0; k < s->m->nodes[i].ndepids; k++)
				if (s->m->nodes[i].kind == KRUN && sourcematch(c->value, s->m->nodes[i].depids[k]))
					set[i] = 1;
		if (!c->down)
			memset(set, 0, n);
	} else if (!strcmp(c->method, "exposure")) {
		via = 1;
		for (i = 0; i < s->m->nexposures; i++) {
			const struct exposure *x = &s->m->exposures[i];
			if (!glob(c->value, x->name))
				continue;
			for (k = 0; k < x->nparents; k++)
				set[x->parents[k] - s->m->nodes] = 1;
		}
		if (!c->up)
			memset(set, 0, n);
	} else {
		for (i = 0; i < n; i++)
			if (s->m->nodes[i].kind == KRUN && matches(s, c, &s->m->nodes[i]))
				set[i] = 1;
		/* dbt's tag: selects exposures too: what is upstream of them is
		 * their parents and what those need */
		if (!strcmp(c->method, "tag") && (c->at || (c->up && c->updepth != 0))) {
			xset = xcalloc(n, 1);
			for (i = 0; i < s->m->nexposures; i++) {
				const struct exposure *x = &s->m->exposures[i];
				for (k = 0; k < x->ntags && !glob(c->value, x->tags[k]); k++)
					;
				for (j = 0; k < x->ntags && j < x->nparents; j++)
					xset[x->parents[j] - s->m->nodes] = 1;
			}
			walk(s, xset, 0, c->at || c->updepth < 0 ? -1 : c->updepth - 1);
		}
	}
	base = xmemdup(set, n);
	if (c->at) {
		walk(s, set, 1, -1);
		walk(s, set, 0, -1);
	} else {
		if (c->up) {
			char *up = xmemdup(base, n);
			walk(s, up, 0, c->updepth - (via ? 1 : 0));
			for (i = 0; i < n; i++)
				set[i] |= up[i];
			free(up);
		}
		if (c->down) {
			char *down = xmemdup(base, n);
			walk(s, down, 1, c->downdepth - (via && c->downdepth > 0 ? 1 : 0));
			for (i = 0; i < n; i++)
				set[i] |= down[i];
			free(down);
		}
	}
	for (i = 0; xset && i < n; i++)
		set[i] |= xset[i];
	free(xset);
	/* indirect selection: tests of what was selected */
	if (s->indirect != EMPTY) {
		char *reach = NULL;
		if (s->indirect == BUILDABLE) {
			reach = xmemdup(set, n);
			walk(s, reach, 0, -1);
		}
		for (i = 0; i < n; i++) {
			const struct node *t = &s->m->nodes[i];
			size_t in = 0, reached = 0;
			if (t->kind != KRUN || t->rtype != RTEST || set[i])
				continue;
			for (k = 0; k < t->nparents; k++) {
				in += set[t->parents[k] - s->m->nodes] != 0;
				reached += reach && reach[t->parents[k] - s->m->nodes];
			}
			/* only tests of what was selected */
			if (in == 0)
				continue;
			if (s->indirect == EAGER || in == t->nparents ||
			    (s->indirect == BUILDABLE && reached == t->nparents))
				set[i] = 1;
		}
		free(reach);
	}
	memcpy(out, set, n);
	free(set);
	free(base);
}

/* A word: criteria joined by commas, intersected. */
static void
word(struct sel *s, const char *w, char *out)
{
	size_t n = s->m->nnodes, i, start = 0, end;
	char *one = xcalloc(n, 1);
	struct crit c;
	int first = 1;

	s->expr = w;
	for (;;) {
		end = start;
		while (w[end] && w[end] != ',')
			end++;
		if (end == start)
			bad(s, start, "an empty selector");
		parsecrit(s, w, start, end - start, &c);
		criterion(s, &c, one);
		free((char *)c.value);
		for (i = 0; i < n; i++)
			out[i] = first ? one[i] : out[i] && one[i];
		first = 0;
		if (!w[end])
			break;
		start = end + 1;
	}
	free(one);
}

/* Words split at spaces, united. */
static void
expression(struct sel *s, char **words, size_t nwords, char *out)
{
	size_t n = s->m->nnodes, i, k;
	char *one = xcalloc(n, 1), *dup, *w, *save = NULL;

	memset(out, 0, n);
	for (k = 0; k < nwords; k++) {
		dup = xstrdup(words[k]);
		for (w = strtok_r(dup, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
			word(s, w, one);
			for (i = 0; i < n; i++)
				out[i] |= one[i];
		}
		free(dup);
	}
	free(one);
}

static void
loadresults(struct sel *s, const char *path)
{
	struct buf b = {0};
	const cJSON *r;

	if (readfile(path, &b) < 0)
		fatal("%s:", path);
	s->runresults = cJSON_Parse(b.s);
	if (!s->runresults)
		fatal("%s: invalid JSON", path);
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(s->runresults, "results")) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "unique_id");
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");
		if (cJSON_IsString(id) && cJSON_IsString(st))
			htabput(&s->results, id->valuestring, st->valuestring);
	}
	buffree(&b);
}

void
selectargs(int argc, char **argv, int first, const char *use, int verbs, struct selopts *o)
{
	int a;

	memset(o, 0, sizeof(*o));
	o->manifest = manifestdefault();
	for (a = first; a < argc; a++) {
		const char **val = NULL;
		if (!strcmp(argv[a], "--exclude")) {
			if (a + 1 >= argc)
				usageexit(use, "--exclude needs a value");
			o->exc = xreallocarray(o->exc, o->nexc + 1, sizeof(*o->exc));
			o->exc[o->nexc++] = argv[++a];
			continue;
		}
		if (!strcmp(argv[a], "--state"))
			val = &o->state;
		else if (verbs && !strcmp(argv[a], "--for"))
			val = &o->verb;
		else if (!strcmp(argv[a], "--indirect-selection"))
			val = &o->mode;
		else if (!strcmp(argv[a], "--manifest"))
			val = &o->manifest;
		else if (!strcmp(argv[a], "--profile"))
			val = &o->po.profile;
		else if (!strcmp(argv[a], "--target"))
			val = &o->po.target;
		else if (!strcmp(argv[a], "--profiles-dir"))
			val = &o->po.profilesdir;
		else if (!strcmp(argv[a], "--project-dir"))
			val = &o->po.projectdir;
		else if (argv[a][0] == '-' && argv[a][1])
			usageexit(use, "unknown option: %s", argv[a]);
		if (val) {
			if (a + 1 >= argc)
				usageexit(use, "%s needs a value", argv[a]);
			*val = argv[++a];
			continue;
		}
		o->inc = xreallocarray(o->inc, o->ninc + 1, sizeof(*o->inc));
		o->inc[o->ninc++] = argv[a];
	}
	if (o->verb && strcmp(o->verb, "deploy") && strcmp(o->verb, "test") && strcmp(o->verb, "build"))
		usageexit(use, "--for: %s is not deploy, test or build", o->verb);
	if (o->mode) {
		static const char *const modes[] = {"eager", "cautious", "buildable", "empty"};
		size_t k;
		for (k = 0; k < 4 && strcmp(o->mode, modes[k]); k++)
			;
		if (k == 4)
			usageexit(use, "--indirect-selection: %s is not eager, cautious, buildable or empty",
			    o->mode);
		o->indirect = (int)k;
	}
}

void
selectoptsfree(struct selopts *o)
{
	free(o->inc);
	free(o->exc);
}

char *
selectnodes(struct manifest *m, int load, const struct selopts *o)
{
	struct sel s;
	struct renderopts ro = {0};
	struct jobopts jo = {"", &ro};
	struct profileopts po = o->po;
	char *in, *ex, *proj = NULL;
	size_t i, k;

	memset(&s, 0, sizeof(s));
	s.m = m;
	s.indirect = o->indirect;
	manifestloadfor(m, o->manifest, LOADSELECT | load);
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN)
			m->nodes[i].file = jobname(m->nodes[i].uid);
	graphbuild(m);
	s.kids = xcalloc(m->nnodes + 1, sizeof(*s.kids));
	s.nkids = xcalloc(m->nnodes + 1, sizeof(*s.nkids));
	for (i = 0; i < m->nnodes; i++) {
		struct node *n = &m->nodes[i];
		for (k = 0; k < n->nparents; k++) {
			size_t p = (size_t)(n->parents[k] - m->nodes);
			s.kids[p] = xreallocarray(s.kids[p], s.nkids[p] + 1, sizeof(**s.kids));
			s.kids[p][s.nkids[p]++] = n;
		}
	}
	if (o->state) {
		char *dir = xstrdup(o->state), *rr;
		/* production's record, over the connection the generator makes */
		proj = projectdirof(po.projectdir, o->manifest);
		po.projectdir = proj;
		/* jobs compared as the generator writes them: rendered */
		ro.dir = proj ? proj : "";
		renderall(m, &ro);
		stateload(&s.st, m, o->state, &jo, &po, 0);
		s.hasstate = 1;
		/* result: reads run_results.json beside the state manifest */
		if (s.st.path) {
			char *slash = strrchr(s.st.path, '/');
			free(dir);
			dir = slash ? xmemdup(s.st.path, (size_t)(slash - s.st.path)) : xstrdup(".");
		}
		rr = xasprintf("%s/run_results.json", dir);
		if (access(rr, R_OK) == 0)
			loadresults(&s, rr);
		free(rr);
		free(dir);
	} else if (access("target/run_results.json", R_OK) == 0) {
		loadresults(&s, "target/run_results.json");
	}
	in = xcalloc(m->nnodes + 1, 1);
	ex = xcalloc(m->nnodes + 1, 1);
	if (o->ninc)
		expression(&s, o->inc, o->ninc, in);
	else
		for (i = 0; i < m->nnodes; i++)
			in[i] = m->nodes[i].kind == KRUN;
	if (o->nexc) {
		s.indirect = o->indirect;
		expression(&s, o->exc, o->nexc, ex);
	}
	for (i = 0; i < m->nnodes; i++)
		in[i] = in[i] && !ex[i];
	for (i = 0; i < m->nnodes; i++)
		free(s.kids[i]);
	free(s.kids);
	free(s.nkids);
	free(ex);
	free(proj);
	if (o->state)
		statefree(&s.st);
	htabfree(&s.results);
	cJSON_Delete(s.runresults);
	return in;
}

int
selectmain(int argc, char **argv)
{
	struct selopts o;
	struct manifest m;
	char *in, *conn;
	size_t i;

	selectargs(argc, argv, 2, usage, 1, &o);
	if (!o.ninc)
		usageexit(usage, NULL);
	/* the stamps of the connection build.ninja deploys to */
	conn = connbuilt("build.ninja");
	if (!conn)
		fatal("build.ninja names no connection: run dbt2ninja to regenerate it");
	in = selectnodes(&m, 0, &o);
	/* --for deploy: no tests; test: only tests; build: dbt build's
	 * stamps */
	for (i = 0; i < m.nnodes; i++) {
		const struct node *n = &m.nodes[i];
		const char *verb = o.verb;
		if (!in[i] || n->kind != KRUN || (verb && (!strcmp(verb, "deploy") ?
		    n->rtype == RTEST : !strcmp(verb, "test") ? n->rtype != RTEST : 0)))
			continue;
		printf("%s/%s/%s\n", conn, verb && !strcmp(verb, "build") ? CONNBUILT : CONNSTAMPS,
		    n->file);
	}
	free(in);
	free(conn);
	selectoptsfree(&o);
	manifestfree(&m);
	return 0;
}
