#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "conn.h"
#include "job.h"
#include "jobfile.h"
#include "results.h"
#include "stamp.h"

cJSON *
resultload(const char *dir, const struct node *n, struct timespec *at)
{
	char *p = xasprintf("%s/" CONNRESULTS "/%s.json", dir, n->file);
	struct buf text = {0};
	struct timespec t;
	cJSON *r = NULL;

	if (mtimeof(p, &t) == 0) {
		if (at)
			*at = t;
		if (readfile(p, &text) == 0)
			r = cJSON_Parse(text.s);
	}
	free(p);
	buffree(&text);
	return r;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long long
days(long long y, int mo, int d)
{
	long long era, yoe, doy, doe;

	y -= mo <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* dbt's 2026-12-01T15:46:29.611258Z in microseconds since the epoch, or 0. */
static long long
isomicros(const char *s)
{
	int y, mo, d, h, mi, sec, n = 0;
	long long us = 0, scale = 100000;
	const char *f;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
		return 0;
	f = s + n;
	if (*f == '.')
		for (f++; *f >= '0' && *f <= '9'; f++, scale /= 10)
			us += (*f - '0') * scale;
	return ((days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1000000LL) + us;
}

int
resulttiming(const cJSON *r, long long *start, long long *end)
{
	const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r, "timing"), 0);
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(t, "started_at");
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(t, "completed_at");

	*start = cJSON_IsString(a) ? isomicros(a->valuestring) : 0;
	*end = cJSON_IsString(b) ? isomicros(b->valuestring) : 0;
	return *start && *end >= *start;
}

/* Nodes are sorted by unique_id, so their index is their address less the
 * first's. A node is dirty as its deploy edge finds it: its stamp missing
 * or older than its job or than what it reads of a parent (the parent's
 * interface stamp for a node that only reads it, else its contents
 * stamp), or a parent still to run. */
static int
visit(const struct manifest *m, const char *dir, struct results *s, const struct node *n)
{
	const char *from;
	size_t i = (size_t)(n - m->nodes), k;
	struct timespec job, stamp = {0, 0}, res, pst, up = {0, 0};
	char *p;
	int dirty = 0, upfailed = 0, ps;
	cJSON *r = NULL;

	if (s->st[i] != RUNKNOWN)
		return s->st[i];
	s->st[i] = RDIRTY;	/* no cycles: the graph checked */
	p = xasprintf("%s/%s.sql", JOBDIR, n->file);
	from = stampreads(m->adapter, n->rtype == RMODEL, n->materialized) && !joblate(p) ?
	    CONNIFACE : CONNDATA;
	if (mtimeof(p, &job) < 0)
		job.tv_sec = job.tv_nsec = 0;
	free(p);
	p = xasprintf("%s/" CONNSTAMPS "/%s", dir, n->file);
	if (mtimeof(p, &stamp) < 0 || tsnewer(&job, &stamp))
		dirty = 1;
	for (k = 0; k < n->nparents; k++) {
		ps = visit(m, dir, s, n->parents[k]);
		if (ps == RFAILED || ps == RSKIPPED)
			upfailed = 1;
		/* a parent still to run moves what this one reads first */
		if (ps == RFAILED || ps == RSKIPPED || ps == RDIRTY)
			dirty = 1;
		if (tsnewer(&s->at[n->parents[k] - m->nodes], &up))
			up = s->at[n->parents[k] - m->nodes];
		free(p);
		p = xasprintf("%s/%s/%s", dir, from, n->parents[k]->file);
		if (!dirty && (mtimeof(p, &pst) < 0 || tsnewer(&pst, &stamp)))
			dirty = 1;
	}
	/* under dbt build, a failed test skips what it gates */
	for (k = 0; k < n->ngates; k++) {
		ps = visit(m, dir, s, n->gates[k]);
		if (ps == RFAILED || ps == RSKIPPED)
			upfailed = 1;
	}
	free(p);
	/* a result counts when it is for this job, and, unless the node is
	 * current (a parent ran and left what it reads alone), not older than
	 * a parent's: otherwise the node has not run since its parent did */
	res.tv_sec = res.tv_nsec = 0;
	r = resultload(dir, n, &res);
	if ((res.tv_sec || res.tv_nsec) && !tsnewer(&job, &res) && (!dirty || !tsnewer(&up, &res))) {
		s->at[i] = res;
	} else {
		cJSON_Delete(r);
		r = NULL;
	}
	if (r) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");
		int bad = cJSON_IsString(st) && (!strcmp(st->valuestring, "error") ||
		    !strcmp(st->valuestring, "fail"));
		s->res[i] = r;
		s->st[i] = bad ? RFAILED : RRAN;
	} else if (dirty && upfailed) {
		s->st[i] = RSKIPPED;
	} else {
		s->st[i] = dirty ? RDIRTY : RCLEAN;
	}
	return s->st[i];
}

static cJSON *
skipped(const struct node *n)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "status", "skipped");
	cJSON_AddArrayToObject(r, "timing");
	cJSON_AddStringToObject(r, "thread_id", "Thread-1");
	cJSON_AddNumberToObject(r, "execution_time", 0);
	cJSON_AddObjectToObject(r, "adapter_response");
	cJSON_AddNullToObject(r, "message");
	cJSON_AddNullToObject(r, "failures");
	cJSON_AddStringToObject(r, "unique_id", n->uid);
	cJSON_AddBoolToObject(r, "compiled", n->sql != NULL);
	cJSON_AddStringToObject(r, "compiled_code", n->sql ? n->sql : "");
	if (*n->relation && n->rtype != RTEST)
		cJSON_AddStringToObject(r, "relation_name", n->relation);
	else
		cJSON_AddNullToObject(r, "relation_name");
	return r;
}

void
resultsread(const struct manifest *m, const char *dir, struct results *r)
{
	size_t i;

	r->st = xcalloc(m->nnodes + 1, sizeof(*r->st));
	r->res = xcalloc(m->nnodes + 1, sizeof(*r->res));
	r->at = xcalloc(m->nnodes + 1, sizeof(*r->at));
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN)
			visit(m, dir, r, &m->nodes[i]);
}

void
resultsfree(const struct manifest *m, struct results *r)
{
	size_t i;

	for (i = 0; i < m->nnodes; i++)
		cJSON_Delete(r->res[i]);
	free(r->res);
	free(r->at);
	free(r->st);
}

int
resultswrite(const struct manifest *m, const char *dir, const char *path)
{
	struct results s;
	cJSON *out = cJSON_CreateObject(), *meta, *list, *args;
	const cJSON *t;
	double elapsed = 0;
	char now[32], *text;
	time_t tt = time(NULL);
	struct tm tm;
	size_t i;
	int failed = 0;

	resultsread(m, dir, &s);
	gmtime_r(&tt, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	meta = cJSON_AddObjectToObject(out, "metadata");
	cJSON_AddStringToObject(meta, "dbt_schema_version",
	    "https://schemas.getdbt.com/dbt/run-results/v6.json");
	cJSON_AddStringToObject(meta, "dbt_version", m->dbtversion ? m->dbtversion : "");
	cJSON_AddStringToObject(meta, "generated_at", now);
	cJSON_AddObjectToObject(meta, "env");
	list = cJSON_AddArrayToObject(out, "results");
	for (i = 0; i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		if (n->kind != KRUN)
			continue;
		switch (s.st[i]) {
		case RFAILED:
			failed++;
			/* fall through */
		case RRAN:
			t = cJSON_GetObjectItemCaseSensitive(s.res[i], "execution_time");
			if (cJSON_IsNumber(t))
				elapsed += t->valuedouble;
			cJSON_AddItemToArray(list, s.res[i]);
			s.res[i] = NULL;
			break;
		case RSKIPPED:
			cJSON_AddItemToArray(list, skipped(n));
			break;
		}
	}
	cJSON_AddNumberToObject(out, "elapsed_time", elapsed);
	args = cJSON_AddObjectToObject(out, "args");
	cJSON_AddStringToObject(args, "which", "build");
	text = cJSON_Print(out);
	if (writefile(path, text, strlen(text)) < 0)
		fatal("%s:", path);
	free(text);
	cJSON_Delete(out);
	resultsfree(m, &s);
	return failed;
}
