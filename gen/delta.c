#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "dbtctx.h"
#include "dbtparse.h"
#include "delta.h"
#include "hash.h"
#include "htab.h"
#include "jeval.h"
#include "job.h"
#include "jobfile.h"
#include "parsectx.h"
#include "render.h"
#include "stage.h"

extern char **environ;

#define MAGIC "dbt2ninja delta 1"

/* A model the index can regenerate (its "n" line). */
struct dentry {
	const char *uid, *job, *path;
	char jobsum[65], checksum[65], skel[65];
	size_t rawoff, rawlen, sumoff;
	size_t hl, sqllen;
	long incrlen;			/* -1: no incremental form */
	size_t nm;			/* its texts */
	size_t *marks[2];		/* 2 * nm offsets each (marks[1]: incrlen >= 0) */
	/* deltarun's */
	int touched, changed, drop;
	char *raw;			/* the file's new text */
	const char **texts;		/* its body's texts, nm of them */
	size_t *textlen;
	size_t newrawlen;		/* its raw code's JSON now */
	char oldsum[65];		/* its checksum as the manifest has it */
	char *newjob;			/* to be written */
	size_t newjoblen;
};

static char *
adup(struct arena *a, const char *s)
{
	return memcpy(arenaalloc(a, strlen(s) + 1), s, strlen(s) + 1);
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
deltabegin(struct delta *d, int argc, char **argv, const char *exe)
{
	struct buf b = {0};
	char *cwd, **env;
	size_t n = 0, i;
	int k;

	memset(d, 0, sizeof(*d));
	clock_gettime(CLOCK_REALTIME, &d->start);
	d->exe = xstrdup(exe);
	bufputs(&b, VERSION);
	bufputc(&b, '\0');
	/* build.ninja holds them (regen_args) */
	for (k = 1; k < argc; k++) {
		bufputs(&b, argv[k]);
		bufputc(&b, '\0');
	}
	bufputc(&b, '\n');
	if ((cwd = getcwd(NULL, 0))) {
		bufputs(&b, cwd);
		free(cwd);
	}
	bufputc(&b, '\n');
	/* the environment, but what a shell changes on its own */
	for (env = environ; *env; env++)
		n++;
	env = xcalloc(n + 1, sizeof(*env));
	memcpy(env, environ, n * sizeof(*env));
	qsort(env, n, sizeof(*env), cmpstr);
	for (i = 0; i < n; i++) {
		if (!strncmp(env[i], "_=", 2) || !strncmp(env[i], "SHLVL=", 6) ||
		    !strncmp(env[i], "OLDPWD=", 7) || !strncmp(env[i], "PWD=", 4))
			continue;
		bufputs(&b, env[i]);
		bufputc(&b, '\0');
	}
	free(env);
	sha256hex(b.s, b.len, d->settings);
	buffree(&b);
}

/* A file's identity and times as the index keeps them. */
static int
statof(const char *path, char *out, size_t n)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	snprintf(out, n, "%ju %jd %jd.%09ld %jd.%09ld", (uintmax_t)st.st_ino,
	    (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
	    (intmax_t)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	return 0;
}

/* Whether t is later than start less RACY nanoseconds: a file's clock
 * is the kernel's coarse one, a tick behind the real time at most. */
#define RACY 50000000L
static int
after(const struct timespec *t, const struct timespec *start)
{
	long long a = (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
	long long b = (long long)start->tv_sec * 1000000000LL + start->tv_nsec;

	return a >= b - RACY;
}

/* Whether path changed, or may have, while it was read or the moment
 * before: its times then do not tell a later change from it. The change
 * time counts, which no one can set back. */
static int
racy(const char *path, const struct timespec *start)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return 1;
	return after(&st.st_mtim, start) || after(&st.st_ctim, start);
}

/* The names in directory path, sorted and hashed; -1 when it cannot be
 * listed. */
static int
listing(const char *path, char out[65])
{
	DIR *dir = opendir(path);
	struct dirent *de;
	struct buf b = {0};
	char **names = NULL;
	size_t n = 0, i;

	if (!dir)
		return -1;
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			names = xreallocarray(names, n + 1, sizeof(*names));
			names[n++] = xstrdup(de->d_name);
		}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmpstr);
	for (i = 0; i < n; i++) {
		bufputs(&b, names[i]);
		bufputc(&b, '\0');
		free(names[i]);
	}
	free(names);
	sha256hex(b.s ? b.s : "", b.len, out);
	buffree(&b);
	return 0;
}

static int
isdir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- the manifest's text ---- */

/* The end of the JSON string at s[i] ('"'), past its quote; 0 if none. */
static size_t
strend(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return 0;
}

/* The end of the JSON value at s[i]; 0 if it does not end. */
static size_t
valend(const char *s, size_t n, size_t i)
{
	int depth = 0;

	if (i >= n)
		return 0;
	if (s[i] == '"')
		return strend(s, n, i);
	if (s[i] != '{' && s[i] != '[') {
		while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']')
			i++;
		return i < n ? i : 0;
	}
	for (; i < n; i++) {
		if (s[i] == '"') {
			if (!(i = strend(s, n, i)))
				return 0;
			i--;
		} else if (s[i] == '{' || s[i] == '[')
			depth++;
		else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
			return i + 1;
	}
	return 0;
}

/* Where the value of the object's (at s[i], compact JSON) top-level key
 * is, into *v; -1 when it has none. */
static int
member(const char *s, size_t n, size_t i, const char *key, size_t *v)
{
	size_t k = strlen(key), e;

	if (i >= n || s[i] != '{')
		return -1;
	for (i++; i < n && s[i] == '"';) {
		if (!(e = strend(s, n, i)) || e >= n || s[e] != ':')
			return -1;
		if (e - i - 2 == k && !memcmp(s + i + 1, key, k)) {
			*v = e + 1;
			return 0;
		}
		if (!(e = valend(s, n, e + 1)) || e >= n)
			return -1;
		if (s[e] != ',')
			return -1;
		i = e + 1;
	}
	return -1;
}

void
deltaspans(struct delta *d, const struct manifest *m)
{
	size_t i, v, c, e;

	d->rawoff = xcalloc(m->nnodes + 1, sizeof(size_t));
	d->rawlen = xcalloc(m->nnodes + 1, sizeof(size_t));
	d->sumoff = xcalloc(m->nnodes + 1, sizeof(size_t));
	if (!m->json || m->json != m->text)
		return;
	for (i = 0; i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		size_t at;
		if (!n->at || (n->rtype != RMODEL && n->rtype != RTEST))
			continue;
		at = (size_t)(n->at - m->json);
		if (member(m->json, m->jsonlen, at, "raw_code", &v) < 0 || m->json[v] != '"' ||
		    !(e = strend(m->json, m->jsonlen, v)) ||
		    member(m->json, m->jsonlen, at, "checksum", &c) < 0 ||
		    member(m->json, m->jsonlen, c, "checksum", &c) < 0 ||
		    c + 66 > m->jsonlen || m->json[c] != '"' || m->json[c + 65] != '"')
			continue;
		d->rawoff[i] = v;
		d->rawlen[i] = e - v;
		d->sumoff[i] = c + 1;
	}
}

/* ---- the index ---- */

static void
putmarks(struct buf *b, const size_t *v, size_t nm)
{
	size_t i;

	for (i = 0; i < 2 * nm; i++)
		bufprintf(b, " %zu", v[i]);
}

static void
entryline(struct buf *b, const struct dentry *e)
{
	bufprintf(b, "n %s %s %s %s %s %zu %zu %zu %zu %zu %ld %zu", e->uid, e->job, e->jobsum,
	    e->checksum, e->skel, e->rawoff, e->rawlen, e->sumoff, e->hl, e->sqllen, e->incrlen,
	    e->nm);
	putmarks(b, e->marks[0], e->nm);
	if (e->incrlen >= 0)
		putmarks(b, e->marks[1], e->nm);
	bufprintf(b, " %s\n", e->path);
}

/* Next space-separated field of *p (NUL-terminated in place). */
static char *
field(char **p)
{
	char *s = *p, *sp;

	if (!s || !*s)
		return NULL;
	if ((sp = strchr(s, ' '))) {
		*sp = '\0';
		*p = sp + 1;
	} else
		*p = s + strlen(s);
	return s;
}

static int
num(char **p, size_t *v)
{
	char *f = field(p), *end;
	unsigned long long x;

	if (!f)
		return -1;
	errno = 0;
	x = strtoull(f, &end, 10);
	if (*end || errno || end == f)
		return -1;
	*v = (size_t)x;
	return 0;
}

static int
hex64(char **p, char out[65])
{
	char *f = field(p);

	if (!f || strlen(f) != 64)
		return -1;
	memcpy(out, f, 65);
	return 0;
}

/* An "n" line's fields (after "n "), into e; -1 when it is not one. */
static int
entryparse(char *p, struct dentry *e)
{
	size_t i, k, incr;
	char *f;

	memset(e, 0, sizeof(*e));
	if (!(e->uid = field(&p)) || !(e->job = field(&p)) || hex64(&p, e->jobsum) < 0 ||
	    hex64(&p, e->checksum) < 0 || hex64(&p, e->skel) < 0 || num(&p, &e->rawoff) < 0 ||
	    num(&p, &e->rawlen) < 0 || num(&p, &e->sumoff) < 0 || num(&p, &e->hl) < 0 ||
	    num(&p, &e->sqllen) < 0 || !(f = field(&p)))
		return -1;
	if (!strcmp(f, "-1"))
		e->incrlen = -1;
	else {
		char *end;
		e->incrlen = strtol(f, &end, 10);
		if (*end || e->incrlen < 0)
			return -1;
	}
	if (num(&p, &e->nm) < 0 || e->nm > 1000000)
		return -1;
	for (k = 0; k < (e->incrlen >= 0 ? 2u : 1u); k++) {
		e->marks[k] = xcalloc(2 * e->nm + 1, sizeof(size_t));
		for (i = 0; i < 2 * e->nm; i++)
			if (num(&p, &e->marks[k][i]) < 0)
				return -1;
	}
	incr = e->incrlen >= 0 ? (size_t)e->incrlen : 0;
	for (k = 0; k < (e->incrlen >= 0 ? 2u : 1u); k++)
		for (i = 0; i < 2 * e->nm; i++)
			if (e->marks[k][i] > (k ? incr : e->sqllen) ||
			    (i && e->marks[k][i] < e->marks[k][i - 1]))
				return -1;
	if (!*p)
		return -1;
	e->path = p;
	return 0;
}

/* A warning line as the index keeps it: one line, \ and newline escaped. */
static void
putescaped(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\')
			bufputs(b, "\\\\");
		else if (s[i] == '\n')
			bufputs(b, "\\n");
		else
			bufputc(b, s[i]);
	}
}

static void
unescape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' && s[1] == 'n') {
			bufputc(b, '\n');
			s++;
		} else if (*s == '\\' && s[1] == '\\') {
			bufputc(b, '\\');
			s++;
		} else
			bufputc(b, *s);
	}
}

/* The last index read into d->old: its lines NUL-terminated in place, the
 * entries parsed; -1 when there is none or it is not whole. */
static int
loadold(struct delta *d)
{
	char *p, *nl;
	size_t cap = 0;

	if (readfile(DELTAIDX, &d->old) < 0 || !d->old.len || d->old.s[d->old.len - 1] != '\n')
		return -1;
	for (p = d->old.s; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		if (p == d->old.s && strcmp(p, MAGIC))
			return -1;
		if (strncmp(p, "n ", 2))
			continue;
		if (d->nents == cap) {
			cap = cap ? 2 * cap : 64;
			d->ents = xreallocarray(d->ents, cap, sizeof(*d->ents));
		}
		if (entryparse(xstrdup(p + 2), &d->ents[d->nents]) < 0)
			return -1;
		d->nents++;
	}
	for (cap = 0; cap < d->nents; cap++)
		htabput(&d->olduids, d->ents[cap].uid, &d->ents[cap]);
	return 0;
}

/* Each line of the old index of one kind, in order, as p. */
#define EACHLINE(d, p, kind) \
	for (p = (d)->old.s; p < (d)->old.s + (d)->old.len; p += strlen(p) + 1) \
		if (p[0] == (kind) && p[1] == ' ')

/* ---- the regeneration ---- */

/* The form's SQL with the entry's new texts in place of its old ones. */
static void
splice(const struct dentry *e, int form, const char *old, size_t oldlen, struct buf *out)
{
	const size_t *mk = e->marks[form];
	size_t i, at = 0;

	out->len = 0;
	for (i = 0; i < e->nm; i++) {
		bufadd(out, old + at, mk[2 * i] - at);
		bufadd(out, e->texts[i], e->textlen[i]);
		at = mk[2 * i + 1];
	}
	bufadd(out, old + at, oldlen - at);
	bufputc(out, '\0');
	out->len--;
}

/* The entry's marks moved to its new texts. */
static void
remark(struct dentry *e, int form)
{
	size_t i;
	long shift = 0;

	for (i = 0; i < e->nm; i++) {
		size_t was = e->marks[form][2 * i + 1] - e->marks[form][2 * i];
		e->marks[form][2 * i] = (size_t)((long)e->marks[form][2 * i] + shift);
		e->marks[form][2 * i + 1] = e->marks[form][2 * i] + e->textlen[i];
		shift += (long)e->textlen[i] - (long)was;
	}
}

/* A changed model's file read anew: its texts, when its skeleton is the
 * entry's; -1 when it is not, or does not compile. */
static int
reread(struct dentry *e, struct arena *a)
{
	struct jtmpl t;
	struct buf sk = {0}, raw = {0};
	char skel[65], sum[65], *err = NULL;
	size_t ngaps;

	if (readfile(e->path, &raw) < 0) {
		buffree(&raw);
		return -1;
	}
	e->raw = dbttext(raw.s ? raw.s : "", raw.len, 1);
	buffree(&raw);
	sha256hex(e->raw, strlen(e->raw), sum);
	if (!strcmp(sum, e->checksum))
		return 0;
	if (!*e->raw || jcompile(a, e->path, e->raw, strlen(e->raw), &t, &err) < 0) {
		free(err);
		return -1;
	}
	ngaps = jskeleton(&t, &sk);
	sha256hex(sk.s ? sk.s : "", sk.len, skel);
	buffree(&sk);
	if (ngaps != e->nm || strcmp(skel, e->skel))
		return -1;
	jgaptexts(a, &t, &e->texts, &e->textlen);
	memcpy(e->oldsum, e->checksum, sizeof(sum));
	memcpy(e->checksum, sum, sizeof(sum));
	e->changed = 1;
	return 0;
}

/* The changed model's new job, from its old one, and its line of the job
 * index onto idx (*wrote: the job is to be written, as jobwriteall would);
 * -1 when the old one is not what the entry says it is. */
static int
rejob(struct dentry *e, const struct jobindex *ix, struct buf *job, int *wrote,
    struct buf *idx)
{
	const struct jobline *l = htabget(&ix->lines, e->job);
	struct buf old = {0}, chk = {0}, f0 = {0}, f1 = {0};
	char *path = xasprintf("%s/%s", JOBDIR, e->job), h[65], hh[65];
	const char *sql, *incr = NULL, *p;
	int r = -1;

	*wrote = 0;
	if (!l || !l->head || strcmp(l->sum, e->jobsum) || readfile(path, &old) < 0)
		goto out;
	sha256hex(old.s, old.len, h);
	if (strcmp(h, e->jobsum) || e->hl + e->sqllen > old.len)
		goto out;
	/* the layout checked: the old forms, put back, are the old job */
	sql = xmemdup(old.s + e->hl, e->sqllen);
	if (e->incrlen >= 0) {
		p = old.s + e->hl + e->sqllen;
		/* jobforms' newline after a form that does not end in one */
		if (e->sqllen > 0 && p[-1] != '\n')
			p++;
		if ((size_t)(p - old.s) + strlen(INCRMARK) + (size_t)e->incrlen > old.len)
			goto forms;
		incr = xmemdup(p + strlen(INCRMARK), (size_t)e->incrlen);
	}
	bufadd(&chk, old.s, e->hl);
	jobforms(&chk, sql, incr);
	if (chk.len != old.len || memcmp(chk.s, old.s, old.len))
		goto forms;
	/* the new forms */
	splice(e, 0, sql, e->sqllen, &f0);
	if (incr)
		splice(e, 1, incr, (size_t)e->incrlen, &f1);
	job->len = 0;
	bufadd(job, old.s, e->hl);
	jobforms(job, f0.s, incr && strcmp(f0.s, f1.s) ? f1.s : NULL);
	remark(e, 0);
	if (incr && strcmp(f0.s, f1.s))
		remark(e, 1);
	else
		e->incrlen = -1;
	e->sqllen = f0.len;
	if (e->incrlen >= 0)
		e->incrlen = (long)f1.len;
	sha256hex(job->s, job->len, h);
	jobheadhash(job->s, job->len, hh);
	if (old.len == job->len && !memcmp(old.s, job->s, job->len))
		bufprintf(idx, "%s %s %s\n", h, hh, e->job);
	else if (jobsame(old.s, old.len, job->s, job->len)) {
		/* as jobwriteall: left, running alike; no longer this job */
		bufprintf(idx, "%s %s\n", h, e->job);
		e->drop = 1;
	} else {
		e->newjob = xmemdup(job->s, job->len);
		e->newjoblen = job->len;
		bufprintf(idx, "%s %s %s\n", h, hh, e->job);
		*wrote = 1;
	}
	memcpy(e->jobsum, h, sizeof(h));
	r = 0;
forms:
	free((char *)sql);
	free((char *)incr);
out:
	free(path);
	buffree(&old);
	buffree(&chk);
	buffree(&f0);
	buffree(&f1);
	return r;
}

struct repl {
	size_t off, len;	/* in the old text */
	const char *s;
	size_t n;
};

static int
cmprepl(const void *a, const void *b)
{
	const struct repl *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Where the old text's offset off is in the new one. */
static size_t
moved(const struct repl *r, size_t nr, size_t off)
{
	long shift = 0;
	size_t i;

	for (i = 0; i < nr && r[i].off < off; i++)
		shift += (long)r[i].n - (long)r[i].len;
	return (size_t)((long)off + shift);
}

/* The index's outputs: build.ninja, the manifest, the indexes, the jobs'
 * directory; "x PATH" for one that is not there. */
static const char *const outputs[] = {"build.ninja", PROJMANIFEST, JOBINDEX, RENDERIDX, JOBDIR,
	NULL};

static void
putoutput(struct buf *b, const char *path)
{
	char st[128];

	if (statof(path, st, sizeof(st)) == 0)
		bufprintf(b, "o %s %s\n", st, path);
	else
		bufprintf(b, "x %s\n", path);
}

static void
putoutputs(struct buf *b)
{
	size_t i;

	for (i = 0; outputs[i]; i++)
		putoutput(b, outputs[i]);
}

static int splitstat(const char *line, char *st, size_t n, const char **path);

/* Whether an "o" or "x" line is of one of outputs. */
static int
isoutput(const char *line)
{
	const char *path;
	char st[128];
	size_t i;

	if (line[0] == 'x')
		path = line + 2;
	else if (splitstat(line, st, sizeof(st), &path) < 0)
		return 0;
	for (i = 0; outputs[i]; i++)
		if (!strcmp(path, outputs[i]))
			return 1;
	return 0;
}

/* The stat of an "f", "r" or "o" line (four fields) and its path. */
static int
splitstat(const char *line, char *st, size_t n, const char **path)
{
	const char *p = line + 2;
	int k;

	for (k = 0; k < 4 && (p = strchr(p, ' ')); k++)
		p++;
	if (k < 4 || (size_t)(p - (line + 2)) > n)
		return -1;
	memcpy(st, line + 2, (size_t)(p - (line + 2)) - 1);
	st[p - (line + 2) - 1] = '\0';
	*path = p;
	return 0;
}

int
deltarun(struct delta *d, int verbose)
{
	static struct dentry shared;
	struct htab bypath = {0}, lines = {0};
	struct arena a = {0};
	struct jobindex ix;
	struct buf job = {0}, idx = {0}, text = {0}, out = {0}, rid = {0}, newidx = {0};
	struct buf jraw = {0}, kept = {0};
	struct repl *r = NULL;
	size_t i, nr = 0, nchanged = 0, nwritten = 0;
	char st[128], cur[128], *p, *nl;
	const char *path;
	int ok = 0, haveix = 0, wrote;

	if (loadold(d) < 0)
		return 0;
	p = d->old.s + strlen(d->old.s) + 1;
	if (p >= d->old.s + d->old.len || strncmp(p, "s ", 2) || strcmp(p + 2, d->settings))
		return 0;
	for (i = 0; i < d->nents; i++)
		/* a file two models share (versions defined in one): read in full */
		htabput(&bypath, d->ents[i].path,
		    htabget(&bypath, d->ents[i].path) ? (void *)&shared : &d->ents[i]);
	/* the outputs as written, the absent still absent */
	EACHLINE(d, p, 'o') {
		if (splitstat(p, st, sizeof(st), &path) < 0 ||
		    statof(path, cur, sizeof(cur)) < 0 || strcmp(st, cur))
			goto out;
	}
	EACHLINE(d, p, 'x') {
		if (access(p + 2, F_OK) == 0 || errno != ENOENT)
			goto out;
	}
	EACHLINE(d, p, 'm') {
		if (access(p + 2, F_OK) == 0 || errno != ENOENT)
			goto out;
	}
	/* the inputs: only models' files may differ */
	EACHLINE(d, p, 'f') {
		struct dentry *e;
		if (splitstat(p, st, sizeof(st), &path) < 0 || statof(path, cur, sizeof(cur)) < 0)
			goto out;
		if (!strcmp(st, cur))
			continue;
		if (!(e = htabget(&bypath, path)) || e == &shared)
			goto out;
		e->touched = 1;
	}
	/* a directory whose times moved: its names as they were */
	EACHLINE(d, p, 'd') {
		char h[65];
		if (strlen(p) < 68 || p[66] != ' ' ||
		    splitstat(p + 65, st, sizeof(st), &path) < 0 || statof(path, cur, sizeof(cur)) < 0)
			goto out;
		if (strcmp(st, cur) && (listing(path, h) < 0 || strncmp(h, p + 2, 64)))
			goto out;
	}
		EACHLINE(d, p, 'r') {
		struct dentry *e;
		if (splitstat(p, st, sizeof(st), &path) < 0 || !(e = htabget(&bypath, path)) ||
		    e == &shared)
			goto out;
		e->touched = 1;
	}
	for (i = 0; i < d->nents; i++)
		if (d->ents[i].touched && reread(&d->ents[i], &a) < 0)
			goto out;
	for (i = 0; i < d->nents; i++)
		nchanged += d->ents[i].changed;
	if (nchanged) {
		jobindexread(&ix);
		haveix = 1;
		for (i = 0; i < d->nents; i++) {
			struct dentry *e = &d->ents[i];
			struct buf line = {0};
			if (!e->changed)
				continue;
			if (rejob(e, &ix, &job, &wrote, &line) < 0) {
				buffree(&line);
				goto out;
			}
			nwritten += wrote;
			htabput(&lines, e->job, adup(&a, line.s));
			buffree(&line);
		}
		/* the manifest: raw code and checksum in place */
		if (readfile(PROJMANIFEST, &text) < 0)
			goto out;
		r = xcalloc(2 * nchanged, sizeof(*r));
		for (i = 0; i < d->nents; i++) {
			struct dentry *e = &d->ents[i];
			cJSON *s;
			char *js;
			if (!e->changed)
				continue;
			if (e->rawoff + e->rawlen > text.len || text.s[e->rawoff] != '"' ||
			    strend(text.s, text.len, e->rawoff) != e->rawoff + e->rawlen ||
			    e->sumoff + 64 > text.len || memcmp(text.s + e->sumoff, e->oldsum, 64))
				goto out;
			s = cJSON_CreateString(e->raw);
			js = jsonprint(s);
			cJSON_Delete(s);
			if (!js)
				fatal("out of memory");
			r[nr].off = e->rawoff;
			r[nr].len = e->rawlen;
			r[nr].s = adup(&a, js);
			r[nr++].n = e->newrawlen = strlen(js);
			free(js);
			r[nr].off = e->sumoff;
			r[nr].len = 64;
			r[nr].s = adup(&a, e->checksum);
			r[nr++].n = 64;
		}
		qsort(r, nr, sizeof(*r), cmprepl);
		for (i = 0; i + 1 < nr; i++)
			if (r[i].off + r[i].len > r[i + 1].off)
				goto out;
		{
			size_t at = 0;
			for (i = 0; i < nr; i++) {
				bufadd(&out, text.s + at, r[i].off - at);
				bufadd(&out, r[i].s, r[i].n);
				at = r[i].off + r[i].len;
			}
			bufadd(&out, text.s + at, text.len - at);
		}
		/* the job index with the changed lines, the render index
		 * without theirs (rendered anew by the next full reading) */
		if (readfile(JOBINDEX, &jraw) < 0)
			goto out;
		for (p = jraw.s; p && p < jraw.s + jraw.len; p = nl + 1) {
			const char *name, *line;
			if (!(nl = memchr(p, '\n', (size_t)(jraw.s + jraw.len - p))))
				goto out;
			*nl = '\0';
			name = strrchr(p, ' ');
			if ((line = name ? htabget(&lines, name + 1) : NULL))
				bufputs(&newidx, line);
			else
				bufprintf(&newidx, "%s\n", p);
		}
		if (readfile(RENDERIDX, &rid) == 0) {
			struct htab gone = {0};
			char *q, *e;
			for (i = 0; i < d->nents; i++)
				if (d->ents[i].changed)
					htabput(&gone, d->ents[i].uid, "");
			for (q = rid.s; q && q < rid.s + rid.len; q = e + 1) {
				char *sp = memchr(q, ' ', (size_t)(rid.s + rid.len - q));
				if (!(e = memchr(q, '\n', (size_t)(rid.s + rid.len - q))))
					e = rid.s + rid.len;
				if (sp && sp < e) {
					*sp = '\0';
					if (htabget(&gone, q)) {
						*sp = ' ';
						continue;
					}
					*sp = ' ';
				}
				bufadd(&kept, q, (size_t)(e - q));
				if (e < rid.s + rid.len)
					bufputc(&kept, '\n');
			}
			htabfree(&gone);
		}
		/* everything checked: nothing was staged before */
		for (i = 0; i < d->nents; i++)
			if (d->ents[i].newjob) {
				char *jp = xasprintf("%s/%s", JOBDIR, d->ents[i].job);
				stageput(jp, d->ents[i].newjob, d->ents[i].newjoblen);
				free(jp);
			}
		if (rid.s)
			stageput(RENDERIDX, kept.s ? kept.s : "", kept.len);
		stageput(JOBINDEX, newidx.s ? newidx.s : "", newidx.len);
		stageput(PROJMANIFEST, out.s ? out.s : "", out.len);
	}
	stagecommit();
	/* build.ninja is as a full reading would write it: only newer */
	if (utimensat(AT_FDCWD, "build.ninja", NULL, 0) < 0)
		fatal("build.ninja:");
	/* the index anew */
	idx.len = 0;
	bufprintf(&idx, "%s\ns %s\n", MAGIC, d->settings);
	EACHLINE(d, p, 'w') {
		bufputs(&idx, p);
		bufputc(&idx, '\n');
	}
	EACHLINE(d, p, 'm') {
		bufputs(&idx, p);
		bufputc(&idx, '\n');
	}
	for (p = d->old.s; p < d->old.s + d->old.len; p += strlen(p) + 1) {
		struct dentry *e;
		if (p[0] == 'd' && p[1] == ' ' && splitstat(p + 65, st, sizeof(st), &path) == 0) {
			/* its names checked above, against the reading's */
			if (statof(path, cur, sizeof(cur)) < 0)
				goto out;
			/* one that may change unseen within its time: a time
			 * that never matches, so its names are read next time
			 * (the reading's, still) */
			bufprintf(&idx, "d %.64s %s %s\n", p + 2,
			    racy(path, &d->start) ? "0 0 0.000000000 0.000000000" : cur, path);
			continue;
		}
		if ((p[0] != 'f' && p[0] != 'r') || p[1] != ' ' ||
		    splitstat(p, st, sizeof(st), &path) < 0)
			continue;
		e = htabget(&bypath, path);
		if (e && e != &shared && e->touched) {
			if (statof(path, cur, sizeof(cur)) < 0)
				goto out;
			bufprintf(&idx, "%c %s %s\n", racy(path, &d->start) ? 'r' : 'f', cur, path);
		} else {
			bufputs(&idx, p);
			bufputc(&idx, '\n');
		}
	}
	putoutputs(&idx);
	/* the others the reading wrote (the connection's), untouched here */
	for (p = d->old.s; p < d->old.s + d->old.len; p += strlen(p) + 1)
		if ((p[0] == 'o' || p[0] == 'x') && p[1] == ' ' && !isoutput(p)) {
			bufputs(&idx, p);
			bufputc(&idx, '\n');
		}
	for (i = 0; i < d->nents; i++) {
		struct dentry *e = &d->ents[i];
		if (e->drop)
			continue;
		e->rawoff = moved(r, nr, e->rawoff);
		e->sumoff = moved(r, nr, e->sumoff);
		if (e->changed)
			e->rawlen = e->newrawlen;
		entryline(&idx, e);
	}
	if (writefile(DELTAIDX, idx.s, idx.len) < 0)
		fatal("%s:", DELTAIDX);
	EACHLINE(d, p, 'w') {
		struct buf w = {0};
		unescape(&w, p + 2);
		bufputc(&w, '\n');
		fputs(w.s, stderr);
		buffree(&w);
	}
	if (verbose)
		printf("dbt2ninja: build.ninja: %zu model file%s changed outside %s Jinja: "
		    "%zu job file%s written, the project not read again\n", nchanged,
		    nchanged == 1 ? "" : "s", nchanged == 1 ? "its" : "their", nwritten,
		    nwritten == 1 ? "" : "s");
	ok = 1;
out:
	if (haveix)
		jobindexfree(&ix);
	htabfree(&bypath);
	htabfree(&lines);
	arenafree(&a);
	buffree(&job);
	buffree(&idx);
	buffree(&text);
	buffree(&out);
	buffree(&rid);
	buffree(&newidx);
	buffree(&jraw);
	buffree(&kept);
	free(r);
	return ok;
}

/* ---- the index written ---- */

/* The entry of node n, rendered this run (marked), from its job; 0 when
 * it cannot be regenerated so. */
static int
freshentry(struct delta *d, const struct manifest *m, size_t i, const struct jobline *l,
    struct dentry *e, const char *prefix)
{
	const struct node *n = &m->nodes[i];
	struct buf f = {0};
	struct stat st;
	char *path;

	memset(e, 0, sizeof(*e));
	e->uid = n->uid;
	e->rawoff = d->rawoff[i];
	e->rawlen = d->rawlen[i];
	e->sumoff = d->sumoff[i];
	memcpy(e->jobsum, l->sum, 65);
	memcpy(e->checksum, m->text + e->sumoff, 64);
	e->checksum[64] = '\0';
	e->path = xasprintf("%s%s", prefix, n->path);
	if (!n->marked) {
		/* its render reused: the last index's entry, if its job is */
		const struct dentry *o = htabget(&d->olduids, n->uid);
		if (!o || o->touched || strcmp(o->jobsum, l->sum) ||
		    strcmp(o->checksum, e->checksum) || strcmp(o->path, e->path))
			return 0;
		memcpy(e->skel, o->skel, 65);
		e->hl = o->hl;
		e->sqllen = o->sqllen;
		e->incrlen = o->incrlen;
		e->nm = o->nm;
		e->marks[0] = o->marks[0];
		e->marks[1] = o->marks[1];
		return 1;
	}
	memcpy(e->skel, n->skel, 65);
	e->nm = n->nmarks[0];
	e->marks[0] = n->marks[0];
	e->sqllen = strlen(n->sql);
	e->incrlen = -1;
	if (n->incrsql) {
		if (n->nmarks[1] != e->nm)
			return 0;
		e->marks[1] = n->marks[1];
		e->incrlen = (long)strlen(n->incrsql);
	}
	/* the header's length: the job's, less its forms' */
	bufputc(&f, '\n');
	jobforms(&f, n->sql, n->incrsql);
	path = xasprintf("%s/%s.sql", JOBDIR, n->file);
	if (stat(path, &st) < 0 || (size_t)st.st_size < f.len - 1) {
		free(path);
		buffree(&f);
		return 0;
	}
	e->hl = (size_t)st.st_size - (f.len - 1);
	free(path);
	buffree(&f);
	return 1;
}

/* Whether node n's file is one the index can regenerate from. */
static int
eligible(const struct delta *d, const struct manifest *m, size_t i, const char *project)
{
	const struct node *n = &m->nodes[i];

	const char *kind = n->rtype == RMODEL ? "model." : "test.";
	size_t k = strlen(kind);

	return d->rawoff[i] && n->kind == KRUN && (n->rtype == RMODEL ||
	    (n->rtype == RTEST && !n->generic)) && !n->late &&
	    !n->latehooks && (n->sql || !n->marked) && strcmp(n->materialized, "ephemeral") &&
	    !strcmp(n->language, "sql") && project && !strncmp(n->uid, kind, k) &&
	    !strncmp(n->uid + k, project, strlen(project)) && n->uid[k + strlen(project)] == '.' &&
	    n->path && strlen(n->path) > 4 && !strcmp(n->path + strlen(n->path) - 4, ".sql") &&
	    !strpbrk(n->uid, " \n") &&
	    !strpbrk(n->path, "\n") && n->file;
}

void
deltasave(struct delta *d, const struct manifest *m, const char *project, const char *prefix,
    const char *watched, const char *conn)
{
	struct buf b = {0};
	struct jobindex ix;
	const char *p, *nl;
	char st[128];
	size_t i;

	if (pctxsourcereads() || dbtsourcereads() || !m->text || !d->rawoff)
		goto none;
	/* a hook rendered when it runs holds the nodes, raw code and all
	 * (on-run-end's results) */
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KOPERATION && m->nodes[i].late)
			goto none;
	bufprintf(&b, "%s\ns %s\n", MAGIC, d->settings);
	for (p = d->warnings.s; p && (nl = strchr(p, '\n')); p = nl + 1) {
		bufputs(&b, "w ");
		putescaped(&b, p, (size_t)(nl - p));
		bufputc(&b, '\n');
	}
	if (statof(d->exe, st, sizeof(st)) < 0)
		goto none;
	bufprintf(&b, "%c %s %s\n", racy(d->exe, &d->start) ? 'r' : 'f', st, d->exe);
	for (p = watched; p && (nl = strchr(p, '\n')); p = nl + 1) {
		char *path = xmemdup(p + 1, (size_t)(nl - p - 1));
		if (*p == '-')
			bufprintf(&b, "m %s\n", path);
		else if (statof(path, st, sizeof(st)) < 0) {
			free(path);
			goto none;
		} else if (!racy(path, &d->start) && isdir(path)) {
			/* a directory: its names, should its times move */
			char h[65];
			if (listing(path, h) < 0) {
				free(path);
				goto none;
			}
			bufprintf(&b, "d %s %s %s\n", h, st, path);
		} else
			bufprintf(&b, "%c %s %s\n", racy(path, &d->start) ? 'r' : 'f', st, path);
		free(path);
	}
	putoutputs(&b);
	putoutput(&b, conn);
	jobindexread(&ix);
	for (i = 0; i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		const struct jobline *l;
		struct dentry e;
		char *name;
		if (!eligible(d, m, i, project))
			continue;
		e.path = NULL;
		name = xasprintf("%s.sql", n->file);
		l = htabget(&ix.lines, name);
		if (l && l->head && freshentry(d, m, i, l, &e, prefix)) {
			e.job = name;
			entryline(&b, &e);
		}
		free((char *)e.path);
		free(name);
	}
	jobindexfree(&ix);
	if (writefile(DELTAIDX, b.s, b.len) < 0)
		fatal("%s:", DELTAIDX);
	buffree(&b);
	return;
none:
	/* an index of nothing: the next reading reads in full, but need not
	 * render every node again to make one */
	buffree(&b);
	bufprintf(&b, "%s\nnone\n", MAGIC);
	if (writefile(DELTAIDX, b.s, b.len) < 0)
		fatal("%s:", DELTAIDX);
	buffree(&b);
}

void
deltafree(struct delta *d)
{
	size_t i;

	for (i = 0; i < d->nents; i++) {
		free((char *)d->ents[i].uid);
		free(d->ents[i].marks[0]);
		free(d->ents[i].marks[1]);
		free(d->ents[i].raw);
		free(d->ents[i].newjob);
	}
	free(d->ents);
	htabfree(&d->olduids);
	buffree(&d->old);
	buffree(&d->warnings);
	free(d->rawoff);
	free(d->rawlen);
	free(d->sumoff);
	free(d->exe);
}
