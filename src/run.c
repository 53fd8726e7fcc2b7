/* dbt2ninja-run: run one node's job. See dbt2ninja-run(1). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "conn.h"
#include "deploy.h"
#include "hash.h"
#include "jobfile.h"
#include "mat.h"
#include "ninjalog.h"
#include "operation.h"
#include "pg.h"
#include "profile.h"
#include "stamp.h"
#include "util.h"

#ifndef VERSION
#define VERSION "0.1"
#endif

static const char usage[] =
    "usage: dbt2ninja-run [--full-refresh] [--record] [--blue-green] [--profile NAME]\n"
    "                     [--target NAME] [--profiles-dir DIR] [--project-dir DIR]\n"
    "                     [--connection KEY] JOB STAMP [INTERFACE [CONTENTS]]\n"
    "       dbt2ninja-run [options] --build DIR/built/NAME JOB [INPUT...]\n"
    "       dbt2ninja-run --dry-run JOB\n"
    "       dbt2ninja-run [--dry-run] --blue-green-op init|await|promote|cleanup\n"
    "                     [--schemas S,...] [--clusters C,...] [--sinks SINK=FROM;...]\n"
    "                     [--timeout SECONDS] [--poll-interval SECONDS]\n"
    "                     [--lag-threshold INTERVAL] [--mark FILE]\n";

struct opts {
	const char *job, *stamp;
	const char *outs[2];	/* the edge's other outputs, checked */
	int nouts;
	/* the node's interface and contents stamps beside its stamp, or NULL;
	 * whether it only reads its parents by name; whether it is a test */
	char *iface, *data;
	int reader, test;
	/* --build: dbt build's stamp, the edge's other inputs, Ninja's log */
	const char *build, *log;
	char **inputs;
	int ninputs;
	struct profileopts prof;
	int dry, fullrefresh, record, bluegreen;
	const char *op, *schemas, *clusters, *sinks, *timeout, *poll, *lag, *mark;
	const char *conn;	/* the connection build.ninja was written for */
	struct conn made;	/* the one the profile makes */
};

/* A whole number of seconds, at least min, or def when s is NULL; -1 if s
 * is not one. */
static long
seconds(const char *s, long min, long def)
{
	char *end;
	long v;

	if (!s)
		return def;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno || end == s || *end || v < min || v > 86400 * 365 ? -1 : v;
}

/* Under --build, what the deploy edge reads for an input: beside bstamp's
 * directory, DIR/built/NAME is the parent's stamp of kind in DIR (its
 * interface's or its contents'); any other path is itself. */
static char *
inputof(const char *path, const char *bstamp, const char *kind)
{
	size_t dir = (size_t)(strrchr(bstamp, '/') - bstamp);
	char *p;

	if (strncmp(path, bstamp, dir + 1) != 0 || strchr(path + dir + 1, '/') ||
	    !(p = stampbeside(path, kind)))
		return xstrdup(path);
	return p;
}

static void
parseargs(int argc, char **argv, struct opts *o)
{
	static const struct {
		const char *name;
		size_t off;
	} withval[] = {
		{"--profile", offsetof(struct profileopts, profile)},
		{"--target", offsetof(struct profileopts, target)},
		{"--profiles-dir", offsetof(struct profileopts, profilesdir)},
		{"--project-dir", offsetof(struct profileopts, projectdir)},
	};
	size_t k, n;
	int i, pos = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			exit(0);
		}
		if (!strcmp(a, "--version")) {
			puts("dbt2ninja-run " VERSION);
			exit(0);
		}
		if (!strcmp(a, "--dry-run")) {
			o->dry = 1;
			continue;
		}
		if (!strcmp(a, "--full-refresh")) {
			o->fullrefresh = 1;
			continue;
		}
		if (!strcmp(a, "--record")) {
			o->record = 1;
			continue;
		}
		if (!strcmp(a, "--blue-green")) {
			o->bluegreen = 1;
			continue;
		}
		if (!strcmp(a, "--build") || !strcmp(a, "--ninja-log")) {
			if (i + 1 >= argc)
				usageexit(usage, "%s needs a value", a);
			*(a[2] == 'b' ? &o->build : &o->log) = argv[++i];
			continue;
		}
		{
			static const struct {
				const char *name;
				size_t off;
			} bg[] = {
				{"--blue-green-op", offsetof(struct opts, op)},
				{"--schemas", offsetof(struct opts, schemas)},
				{"--clusters", offsetof(struct opts, clusters)},
				{"--sinks", offsetof(struct opts, sinks)},
				{"--timeout", offsetof(struct opts, timeout)},
				{"--poll-interval", offsetof(struct opts, poll)},
				{"--lag-threshold", offsetof(struct opts, lag)},
				{"--mark", offsetof(struct opts, mark)},
				{"--connection", offsetof(struct opts, conn)},
			};
			size_t b;
			for (b = 0; b < sizeof(bg) / sizeof(*bg) && strcmp(a, bg[b].name); b++)
				;
			if (b < sizeof(bg) / sizeof(*bg)) {
				if (i + 1 >= argc)
					usageexit(usage, "%s needs a value", a);
				*(const char **)((char *)o + bg[b].off) = argv[++i];
				continue;
			}
		}
		for (k = 0; k < sizeof(withval) / sizeof(*withval); k++) {
			n = strlen(withval[k].name);
			if (strncmp(a, withval[k].name, n) || (a[n] && a[n] != '='))
				continue;
			if (a[n] == '=') {
				*(const char **)((char *)&o->prof + withval[k].off) = a + n + 1;
			} else {
				if (i + 1 >= argc)
					usageexit(usage, "%s needs a value", a);
				*(const char **)((char *)&o->prof + withval[k].off) = argv[++i];
			}
			break;
		}
		if (k < sizeof(withval) / sizeof(*withval))
			continue;
		if (a[0] == '-' && a[1])
			usageexit(usage, "unknown option: %s", a);
		if (pos == 0)
			o->job = a;
		else if (o->build && !o->inputs)
			o->inputs = argv + i, o->ninputs = argc - i;
		else if (pos == 1 && !o->build)
			o->stamp = a;
		else if (!o->build && pos < 4)
			o->outs[o->nouts++] = a;
		else if (!o->build)
			usageexit(usage, "too many arguments");
		pos++;
	}
	if (o->build) {
		if (o->dry || o->op || !strchr(o->build, '/'))
			usageexit(usage, "--build DIR/built/NAME runs a node; no --dry-run or --blue-green-op");
		if (!(o->stamp = stampbeside(o->build, CONNSTAMPS)))
			usageexit(usage, "--build %s: not a stamp in a directory built/", o->build);
	}
	if (o->op) {
		if (strcmp(o->op, "init") && strcmp(o->op, "await") && strcmp(o->op, "promote") &&
		    strcmp(o->op, "cleanup"))
			usageexit(usage, "--blue-green-op: %s is not init, await, promote or cleanup", o->op);
		if (seconds(o->timeout, 0, 0) < 0 || seconds(o->poll, 1, 1) < 0)
			usageexit(usage, "%s: not a number of seconds", seconds(o->timeout, 0, 0) < 0 ?
			    o->timeout : o->poll);
		return;
	}
	if (!o->job || (!o->dry && !o->stamp))
		usageexit(usage, NULL);
}

static double
now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static void
isotime(double t, char *out, size_t n)
{
	time_t s = (time_t)t;
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    (int)((t - (double)s) * 1e6));
}

/* schema.identifier, as dbt prints a node. */
static char *
shortname(const struct jobfile *j)
{
	return j->schema ? xasprintf("%s.%s", j->schema, j->ident) : xstrdup(j->ident);
}

/* The path of the node's result: target/ninja/results/<name>.json. */
static char *
resultpath(const char *stamp)
{
	const char *base = strrchr(stamp, '/');
	char *dir;

	base = base ? base + 1 : stamp;
	dir = xmemdup(stamp, (size_t)(base - stamp));
	if (strlen(dir) > 1 && dir[strlen(dir) - 1] == '/')
		dir[strlen(dir) - 1] = '\0';
	{
		char *up = strrchr(dir, '/'), *r;
		if (up)
			up[1] = '\0';
		else
			dir[0] = '\0';
		r = xasprintf("%sresults/%s.json", dir, base);
		free(dir);
		return r;
	}
}

static void
writeresult(const struct opts *o, const struct jobfile *j, const char *status,
    const struct runner *r, const char *msg, double t0, double t1)
{
	cJSON *res = cJSON_CreateObject(), *timing, *t, *ar;
	char start[64], end[64], *path, *dir, *text;
	long rows = -1;

	isotime(t0, start, sizeof(start));
	isotime(t1, end, sizeof(end));
	cJSON_AddStringToObject(res, "unique_id", j->uid);
	cJSON_AddStringToObject(res, "status", status);
	timing = cJSON_AddArrayToObject(res, "timing");
	t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "name", "execute");
	cJSON_AddStringToObject(t, "started_at", start);
	cJSON_AddStringToObject(t, "completed_at", end);
	cJSON_AddItemToArray(timing, t);
	cJSON_AddStringToObject(res, "thread_id", "Thread-1");
	cJSON_AddNumberToObject(res, "execution_time", t1 - t0);
	ar = cJSON_AddObjectToObject(res, "adapter_response");
	if (r->out.status[0]) {
		cJSON_AddStringToObject(ar, "_message", r->out.status);
		{
			char code[64];
			size_t i = 0;
			const char *p;
			for (p = r->out.status; *p && i < sizeof(code) - 1; p++)
				if (!(*p >= '0' && *p <= '9'))
					code[i++] = *p;
			while (i > 0 && code[i - 1] == ' ')
				i--;
			code[i] = '\0';
			cJSON_AddStringToObject(ar, "code", code);
		}
		if (r->out.rows[0])
			rows = atol(r->out.rows);
		cJSON_AddNumberToObject(ar, "rows_affected", (double)rows);
	}
	if (msg)
		cJSON_AddStringToObject(res, "message", msg);
	else
		cJSON_AddNullToObject(res, "message");
	if (!strcmp(j->type, "test") && (r->verdict || !strcmp(status, "pass")))
		cJSON_AddNumberToObject(res, "failures", (double)r->failures);
	else
		cJSON_AddNullToObject(res, "failures");
	cJSON_AddBoolToObject(res, "compiled", 1);
	cJSON_AddStringToObject(res, "compiled_code", j->sql);
	if (*j->relation && strcmp(j->type, "test"))
		cJSON_AddStringToObject(res, "relation_name", j->relation);
	else
		cJSON_AddNullToObject(res, "relation_name");
	path = resultpath(o->stamp);
	dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	/* written in place: a result cut short by a crash does not parse, and
	 * dbt2ninja results then counts the node as not run */
	text = cJSON_Print(res);
	if (overwrite(path, text, strlen(text)) < 0 &&
	    (mkdirs(dir) < 0 || overwrite(path, text, strlen(text)) < 0))
		warn("%s:", path);
	free(text);
	free(path);
	free(dir);
	cJSON_Delete(res);
}

/* Whether the stamp says the node last succeeded with this very job over
 * this very connection: what runs it now is a parent. */
static int
built(const struct opts *o, const struct jobfile *j)
{
	struct buf b = {0}, want = {0};
	int same;

	connstamp(&o->made, j->sha256, &want);
	same = readfile(o->stamp, &b) == 0 && !strcmp(b.s, want.s);
	buffree(&b);
	buffree(&want);
	return same;
}

/* Write a stamp of the node, and tell Ninja's log: now, not only by
 * Ninja once this returns, since a Ninja killed meanwhile would otherwise
 * run the node again, an append incremental twice. */
static void
put(const struct opts *o, const char *path, const char *text)
{
	if (stampwrite(path, text) < 0)
		fatal("%s:", path);
	stamplog(o->log, path, NULL);
}

/* The content of the node's deployment stamp, or (header) of its
 * interface stamp. */
static void
content(const struct opts *o, const struct jobfile *j, int header, struct buf *b)
{
	connstamp(&o->made, header ? j->headhash : j->sha256, b);
}

/* The stamp whose time dbt build's stamp follows: a test's deployment's,
 * any other node's contents'. */
static const char *
contentsof(const struct opts *o)
{
	return o->data ? o->data : o->stamp;
}

/* Under --build: whether the node's deployment is current, as its deploy
 * edge would find it: the stamp holds this job and is not older than the
 * job or what the edge reads of its parents (their interface stamps for a
 * node that only reads them, else their contents stamps), and the edge's
 * other outputs are there. */
static int
current(const struct opts *o, const struct jobfile *j, struct timespec *st)
{
	struct timespec t;
	char *p;
	int i, ok;

	if (!built(o, j) || mtimeof(o->stamp, st) < 0 || mtimeof(o->job, &t) < 0 ||
	    tsnewer(&t, st) || (o->iface && access(o->iface, F_OK) != 0) ||
	    (o->data && !o->reader && access(o->data, F_OK) != 0))
		return 0;
	for (i = 0; i < o->ninputs; i++) {
		p = inputof(o->inputs[i], o->build, o->reader ? CONNIFACE : CONNDATA);
		ok = mtimeof(p, &t) == 0 && !tsnewer(&t, st);
		free(p);
		if (!ok)
			return 0;
	}
	return 1;
}

/* Under --build, a current node that only reads its parents: its contents
 * stamp, which the deploy graph's contents edge keeps, brought up to date
 * here, where that edge does not run: touched when it is missing or older
 * than the node's stamp or a parent's contents. */
static void
freshen(const struct opts *o, const struct timespec *st)
{
	struct timespec d, t;
	char *p;
	int i, stale;

	stale = mtimeof(o->data, &d) < 0 || tsnewer(st, &d);
	for (i = 0; i < o->ninputs && !stale; i++) {
		p = inputof(o->inputs[i], o->build, CONNDATA);
		stale = strcmp(p, o->inputs[i]) && (mtimeof(p, &t) < 0 || tsnewer(&t, &d));
		free(p);
	}
	if (stale)
		put(o, o->data, "");
}

/* The node's stamps after it ran: its deployment's; its interface's,
 * moved only when the relation's interface moved (else its content, the
 * job's header, is brought up to date in place, and it is logged as new as
 * the deployment's, as Ninja logs what restat found unchanged, so that the
 * deploy edge is current after a build edge ran the node); its contents';
 * and dbt build's (under --build its own output, else the one beside),
 * each after the one before, so that none is older. After a failure, the
 * stamps go, and the interface's too when the relation may have changed. */
static void
stamps(const struct opts *o, const struct jobfile *j, int ok, int moved)
{
	char *beside = o->build ? NULL : stampbeside(o->stamp, CONNBUILT);
	const char *b = o->build ? o->build : beside;
	struct buf h = {0}, iface = {0};

	content(o, j, 0, &h);
	if (ok) {
		put(o, o->stamp, h.s);
		if (o->iface) {
			content(o, j, 1, &iface);
			if (moved || access(o->iface, F_OK) != 0)
				put(o, o->iface, iface.s);
			else if (stampkeep(o->iface, iface.s) < 0)
				fatal("%s:", o->iface);
			else
				stamplog(o->log, o->iface, o->stamp);
		}
		if (o->data)
			put(o, o->data, "");
		if (b)
			put(o, b, h.s);
	} else {
		if (unlink(o->stamp) < 0 && errno != ENOENT)
			warn("%s:", o->stamp);
		if (b && unlink(b) < 0 && errno != ENOENT)
			warn("%s:", b);
		if (o->iface && moved && unlink(o->iface) < 0 && errno != ENOENT)
			warn("%s:", o->iface);
	}
	buffree(&h);
	buffree(&iface);
	free(beside);
}

/* dbt's words for what a node did, then what its dependents make of it
 * when its relation was there before and its interface moved (change). */
static void
report(const struct jobfile *j, const struct runner *r, int ok, double secs,
    const char *change)
{
	char *name = shortname(j);
	const char *m = j->materialized;
	char what[96];

	if (!strcmp(j->type, "test")) {
		const char *v = !ok ? "ERROR" : r->verdict == 2 ? "FAIL" : r->verdict == 1 ? "WARN" : "PASS";
		if (ok && r->verdict)
			printf("%s %ld %s [%s %ld in %.2fs]\n", v, r->failures, j->uid, v,
			    r->failures, secs);
		else
			printf("%s %s [%s in %.2fs]\n", v, j->uid, v, secs);
	} else if (!strcmp(j->type, "seed")) {
		if (ok)
			printf("OK loaded seed file %s [%s in %.2fs]", name, r->out.status, secs);
		else
			printf("ERROR loading seed file %s [ERROR in %.2fs]\n", name, secs);
	} else if (!strcmp(j->type, "snapshot")) {
		if (ok)
			printf("OK snapshotted %s [%s in %.2fs]", name, r->out.status, secs);
		else
			printf("ERROR snapshotting %s [ERROR in %.2fs]\n", name, secs);
	} else {
		snprintf(what, sizeof(what), "sql %s model", m);
		if (ok)
			printf("OK %s %s %s [%s in %.2fs]", r->inplace ? "replaced in place" :
			    "created", what, name, r->out.status, secs);
		else
			printf("ERROR creating %s %s [ERROR in %.2fs]\n", what, name, secs);
	}
	if (ok && strcmp(j->type, "test"))
		printf(change ? "; %s: dependents rebuild\n" : "\n", change);
	fflush(stdout);
	free(name);
}

/* What became of the relation, as report() says it: nothing when it is
 * new or its interface stayed; else why it was not replaced in place, or
 * what changed. */
static const char *
change(const struct runner *r, const struct prior *after, int moved)
{
	size_t n;

	if (!moved || !r->was.iface)
		return NULL;
	if (r->why)
		return r->why;
	if (r->fresh)
		return "recreated";
	if (!after->iface)
		return "gone";
	n = strcspn(after->iface, " ");
	return !strncmp(r->was.iface, after->iface, n + 1) ? "columns changed" : "recreated";
}

/* Whether the interface stamp says the relation was built from a job with
 * this one's header. */
static int
sameshape(const struct opts *o, const struct jobfile *j)
{
	struct buf b = {0}, want = {0};
	int same;

	if (!o->iface)
		return 0;
	content(o, j, 1, &want);
	same = readfile(o->iface, &b) == 0 && !strcmp(b.s, want.s);
	buffree(&b);
	buffree(&want);
	return same;
}

/* Connect as the profile says, in the profile's role; to Materialize as
 * dbt-materialize connects, unless the profile says the server is another
 * kind. */
static PGconn *
dbconnect(struct profile *p, int mz)
{
	PGconn *c;

	if (mz && (!p->type || !strcmp(p->type, "materialize")))
		profileoption(p, "--auto_route_catalog_queries=on --welcome_message=off "
		    "--current_object_missing_warnings=off");
	c = pgconnect(p->keys, p->vals, p->retries);
	if (p->role) {
		/* unquoted, as dbt-postgres sends it */
		struct buf b = {0};
		char *err;
		bufprintf(&b, "set role %s", p->role);
		if (pgexec(c, b.s, &err) < 0) {
			if (pginterrupted)
				exit(128 + pginterrupted);
			fatal("set role %s: %s", p->role, err);
		}
		buffree(&b);
	}
	return c;
}

/* A name PostgreSQL would cut to 63 bytes, so that two nodes could write
 * one relation: refused, as dbt-postgres refuses an identifier longer
 * than 63 characters. Materialize refuses long names itself. */
static int
namecheck(struct runner *r)
{
	const struct jobfile *j = r->job;
	const char *part[] = {j->db, j->schema, j->ident}, *what[] = {"database", "schema", "Relation"};
	size_t i, chars;
	const char *p;

	/* a test has a relation only when it stores its failures */
	if (!strcmp(j->adapter, "materialize") ||
	    (!strcmp(j->type, "test") && !jobbool(j, "store_failures", 0)))
		return 0;
	for (i = 0; i < 3; i++) {
		if (!part[i] || strlen(part[i]) <= 63)
			continue;
		for (chars = 0, p = part[i]; *p; p++)
			chars += ((unsigned char)*p & 0xC0) != 0x80;
		if (i == 2 && chars > 63)
			r->err = xasprintf("Relation name '%s' is longer than 63 characters", part[i]);
		else
			r->err = xasprintf("%s name '%s' is longer than 63 bytes, which PostgreSQL "
			    "would truncate", what[i], part[i]);
		return -1;
	}
	return 0;
}

/* The job's materialization, by the adapter it names. */
static int
materialize(struct runner *r)
{
	if (namecheck(r) < 0)
		return -1;
	return !strcmp(r->job->adapter, "materialize") ? mzmaterialize(r) : pgmaterialize(r);
}

/* A blue/green step of a Materialize deployment: no job, the profile's
 * connection. */
static int
bluegreenmain(const struct opts *o)
{
	struct jobfile j;
	struct runner r = {0};
	struct profile p;
	struct deploy d = {0};
	struct conn made;
	char *what, *sv = xstrdup(o->schemas ? o->schemas : ""), *cv = xstrdup(o->clusters ? o->clusters : "");
	char *kv = xstrdup(o->sinks ? o->sinks : "");
	int rc;

	memset(&j, 0, sizeof(j));
	j.path = "build.ninja";
	j.uid = j.type = j.materialized = j.relation = "";
	j.adapter = "materialize";
	j.sql = "";
	r.job = &j;
	if (o->dry) {
		r.dry = stdout;
	} else {
		profileload(&p, &o->prof, "build.ninja");
		connof(&made, &p);
		what = xasprintf("deploy-%s", o->op);
		conncheck(&made, o->conn, what);
		free(what);
		connfree(&made);
		r.conn = dbconnect(&p, 1);
	}
	d.nschemas = deploysplit(sv, ',', &d.schemas);
	d.nclusters = deploysplit(cv, ',', &d.clusters);
	d.nsinks = deploysplit(kv, ';', &d.sinks);
	d.mark = o->mark;
	d.timeout = (int)seconds(o->timeout, 0, 3600);
	d.poll = (int)seconds(o->poll, 1, 15);
	d.lag = o->lag ? o->lag : "1s";
	rc = deployop(&r, o->op, &d);
	if (rc < 0)
		fprintf(stderr, "%s: deploy-%s: %s\n", argv0, o->op, r.err);
	else
		printf("OK deploy-%s\n", o->op);
	if (!o->dry) {
		PQclear(r.out.last);
		PQfinish(r.conn);
		profilefree(&p);
	}
	free(r.err);
	free(d.schemas);
	free(d.clusters);
	free(d.sinks);
	free(sv);
	free(cv);
	free(kv);
	return pginterrupted ? 128 + pginterrupted : rc < 0 ? 1 : 0;
}

/* Since when, in microseconds since the epoch, a node's result is of this
 * ninja run, for on-run-end's results: since the run's start, as its log
 * dates it (ninjalog.h), and after this hook's last success (its stamp):
 * the nodes of the run finished before it, and their lines are logged. */
static long long
ransince(const struct opts *o)
{
	struct ninjalog l;
	struct timespec t;
	long long s = 0, st;

	if (o->log && ninjalogread(&l, o->log) == 0) {
		s = ninjalogstart(&l);
		ninjalogfree(&l);
	}
	if (mtimeof(o->stamp, &t) == 0 && (st = (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000) > s)
		s = st;
	return s;
}

/* An on-run-start or on-run-end hook (operation.h): its stamp is removed,
 * then written again only when it succeeded. */
static int
operation(struct opts *o, struct jobfile *j)
{
	const char *name = jobstr(j, "hook", j->uid);
	struct runner r = {0};
	struct profile p;
	struct buf h = {0};
	char *err = NULL, *what, *dir;
	long long since;
	PGconn *c;
	double t0, t1;
	int rc;

	if (o->dry) {
		r.dry = stdout;
		r.job = j;
		matlateop(&r, "", 0);
		if (operationrun(NULL, j, stdout, &err) < 0)
			fatal("%s (%s): %s", j->uid, o->job, err);
		jobfree(j);
		return 0;
	}
	profileload(&p, &o->prof, o->job);
	connof(&o->made, &p);
	what = xasprintf("%s (%s)", j->uid, o->job);
	conncheck(&o->made, o->conn, what);
	free(what);
	since = ransince(o);
	if (unlink(o->stamp) < 0 && errno != ENOENT)
		fatal("%s:", o->stamp);
	c = dbconnect(&p, !strcmp(j->adapter, "materialize"));
	t0 = now();
	/* one rendered when it runs: on its connection, first */
	r.conn = c;
	r.job = j;
	r.fullrefresh = o->fullrefresh;
	r.which = o->build ? "build" : "run";
	dir = stampbeside(o->stamp, CONNRESULTS);
	*strrchr(dir, '/') = '\0';
	if ((rc = matlateop(&r, dir, since)) < 0) {
		err = r.err;
		r.err = NULL;
	} else
		rc = operationrun(c, j, NULL, &err);
	matlatefree(&r);
	free(dir);
	t1 = now();
	if (rc == 0) {
		content(o, j, 0, &h);
		put(o, o->stamp, h.s);
	}
	if (pginterrupted) {
		fprintf(stderr, "%s: %s (%s): interrupted%s\n", argv0, j->uid, o->job,
		    rc == 0 ? " after it completed: stamp written" : ": no stamp");
		rc = 128 + pginterrupted;
	} else {
		printf("%s hook: %s [%s in %.2fs]\n", rc == 0 ? "OK" : "ERROR", name,
		    rc == 0 ? "OK" : "ERROR", t1 - t0);
		fflush(stdout);
		if (rc < 0)
			fprintf(stderr, "%s: %s (%s): %s\n", argv0, j->uid, o->job, err);
		rc = rc < 0 ? 1 : 0;
	}
	PQfinish(c);
	free(err);
	buffree(&h);
	profilefree(&p);
	connfree(&o->made);
	jobfree(j);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	struct jobfile j;
	struct runner r = {0};
	struct profile p;
	struct prior after = {0};
	double t0, t1;
	int rc, ok, moved = 1, k;

	argv0 = "dbt2ninja-run";
	parseargs(argc, argv, &o);
	if (o.op)
		return bluegreenmain(&o);
	jobread(&j, o.job);
	r.job = &j;
	r.fullrefresh = o.fullrefresh;
	/* the verb of ninja's target: build's twin edges, test's, deploy's */
	r.which = o.build ? "build" : !strcmp(j.type, "test") ? "test" : "run";
	r.bluegreen = o.bluegreen;
	if (!strcmp(j.type, "operation"))
		return operation(&o, &j);
	if (strcmp(j.type, "seed") != 0) {
		if (strcmp(jobstr(&j, "language", "sql"), "sql") != 0)
			fatal("%s (%s): a %s model: dbt2ninja runs SQL models only; "
			    "run it with dbt", j.uid, o.job, jobstr(&j, "language", ""));
		if (jobget(&j, "compiled") && !jobbool(&j, "compiled", 1))
			fatal("%s (%s): no compiled SQL: the manifest is from dbt parse; "
			    "run dbt compile, then ninja again", j.uid, o.job);
	}
	if (strcmp(j.adapter, "postgres") != 0 && strcmp(j.adapter, "materialize") != 0)
		fatal("%s (%s): the %s adapter is not supported; dbt2ninja runs "
		    "postgres and materialize projects", j.uid, o.job, j.adapter);
	if (o.dry) {
		r.dry = stdout;
		matiface(&r, &r.was);
		matlate(&r);
		rc = materialize(&r);
		if (rc < 0)
			fatal("%s (%s): %s", j.uid, o.job, r.err);
		if (strcmp(j.type, "test"))
			puts("-- then, unless the relation is new or was made anew, the catalog's read "
			    "again, as above");
		jobfree(&j);
		return 0;
	}
	/* its stamps beside its deployment's; those the edge names among them */
	o.test = !strcmp(j.type, "test");
	/* a node rendered when it runs reads its parents' contents */
	o.reader = !jobget(&j, "render") && stampreads(j.adapter, !strcmp(j.type, "model"),
	    j.materialized);
	if (!o.test) {
		o.iface = stampbeside(o.stamp, CONNIFACE);
		o.data = stampbeside(o.stamp, CONNDATA);
	}
	for (k = 0; k < o.nouts; k++)
		if (!(o.iface && !strcmp(o.outs[k], o.iface)) && !(o.data && !strcmp(o.outs[k], o.data)))
			usageexit(usage, "%s: not a stamp of %s beside %s", o.outs[k], j.uid, o.stamp);
	profileload(&p, &o.prof, o.job);
	connof(&o.made, &p);
	{
		char *what = xasprintf("%s (%s)", j.uid, o.job);
		conncheck(&o.made, o.conn, what);
		free(what);
	}
	if (o.build) {
		struct timespec st, bt;
		/* current: dbt build has nothing to do but say so to what
		 * follows, once, when the node's contents moved since */
		if (current(&o, &j, &st)) {
			struct buf h = {0};
			if (o.reader && o.data)
				freshen(&o, &st);
			content(&o, &j, 0, &h);
			if (mtimeof(o.build, &bt) < 0 || (mtimeof(contentsof(&o), &st) == 0 &&
			    tsnewer(&st, &bt)))
				put(&o, o.build, h.s);
			buffree(&h);
			rc = 0;
			goto current;
		}
		if (unlink(o.build) < 0 && errno != ENOENT)
			warn("%s:", o.build);
	}
	if (!strcmp(j.adapter, "materialize")) {
		r.cluster = p.cluster;
		r.bluegreen = o.bluegreen;
		if (o.record)
			fatal("%s (%s): --record needs transactions, which Materialize does not give DDL",
			    j.uid, o.job);
	}
	if (o.record)
		r.record = p.target ? p.target : "default";
	r.conn = dbconnect(&p, !strcmp(j.adapter, "materialize"));
	r.samejob = built(&o, &j);
	r.sameshape = sameshape(&o, &j);
	/* the relation before and after: its interface stamp moves only when
	 * they differ (after a signal, the server is not asked: it moved) */
	matiface(&r, &r.was);
	t0 = now();
	rc = matlate(&r);
	if (rc == 0)
		rc = materialize(&r);
	matlatefree(&r);
	t1 = now();
	alarm(0);	/* done with the server: nothing may stop what follows */
	/* (a relation new, or made anew, moved: no need to ask) */
	if (!pginterrupted && !o.test && (rc < 0 || (r.was.iface && !r.fresh)) &&
	    matiface(&r, &after) == 0)
		moved = ifacemoved(&r.was, &after);
	/* the stamp first, before anything is printed: a node whose
	 * transaction committed gets its stamp whatever became of stdout */
	ok = rc == 0 && r.verdict != 2;
	if (pginterrupted && rc < 0 && r.out.committed && strcmp(j.type, "test") != 0)
		ok = 1;
	stamps(&o, &j, ok, moved);
	if (pginterrupted) {
		if (ok && rc == 0)
			fprintf(stderr, "%s: %s (%s): interrupted after the node's last statement "
			    "completed: it is deployed; stamp written\n", argv0, j.uid, o.job);
		else if (ok)
			fprintf(stderr, "%s: %s (%s): interrupted after COMMIT: the node's transaction "
			    "is deployed and its stamp written; its hooks outside the transaction "
			    "did not all run\n", argv0, j.uid, o.job);
		else if (r.out.unanswered)
			fprintf(stderr, "%s: %s (%s): interrupted: the server did not answer the "
			    "cancel; if COMMIT was already sent, the transaction may have committed; "
			    "no stamp\n", argv0, j.uid, o.job);
		else
			fprintf(stderr, "%s: %s (%s): interrupted: the statement was cancelled "
			    "and rolled back; no stamp\n", argv0, j.uid, o.job);
		writeresult(&o, &j, ok ? "success" : "error", &r, ok ? NULL : "interrupted", t0, t1);
		rc = 128 + pginterrupted;
		goto done;
	}
	/* dbt's status line: a reader gone (ninja killed) only makes the
	 * write fail */
	report(&j, &r, rc == 0, t1 - t0, change(&r, &after, moved));
	if (rc < 0) {
		fprintf(stderr, "%s: %s (%s): %s\n", argv0, j.uid, o.job, r.err);
		writeresult(&o, &j, "error", &r, r.err, t0, t1);
	} else if (!strcmp(j.type, "test")) {
		static const char *const v[] = {"pass", "warn", "fail"};
		char *msg = r.verdict ? xasprintf("Got %ld result%s, configured to %s if %s",
		    r.failures, r.failures == 1 ? "" : "s", r.verdict == 2 ? "fail" : "warn",
		    jobstr(&j, r.verdict == 2 ? "error_if" : "warn_if", "!= 0")) : NULL;
		writeresult(&o, &j, v[r.verdict], &r, msg, t0, t1);
		free(msg);
	} else {
		/* dbt's message: str() of the adapter's response */
		writeresult(&o, &j, "success", &r, r.out.status[0] ? r.out.status : NULL, t0, t1);
	}
	rc = ok ? 0 : 1;
done:
	PQclear(r.out.last);
	PQfinish(r.conn);
	free(r.err);
	priorfree(&r.was);
	priorfree(&after);
	free(r.whybuf);
current:
	profilefree(&p);
	connfree(&o.made);
	jobfree(&j);
	if (o.build)
		free((char *)o.stamp);
	free(o.iface);
	free(o.data);
	return rc;
}
