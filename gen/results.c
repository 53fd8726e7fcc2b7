#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "conn.h"
#include "job.h"
#include "results.h"
#include "stamp.h"

enum { UNKNOWN, CLEAN, RAN, FAILED, SKIPPED, DIRTY };

struct state {
	const char *dir;	/* the connection's */
	int *st;
	cJSON **res;
	struct timespec *at;	/* when the node's current result was written */
};

/* Nodes are sorted by unique_id, so their index is their address less the
 * first's. A node is dirty as its deploy edge finds it: its stamp missing
 * or older than its job or than what it reads of a parent (the parent's
 * interface stamp for a node that only reads it, else its contents
 * stamp), or a parent still to run. */
static int
visit(const struct manifest *m, struct state *s, const struct node *n)
{
	const char *from = stampreads(m->adapter, n->rtype == RMODEL, n->materialized) ?
	    CONNIFACE : CONNDATA;
	size_t i = (size_t)(n - m->nodes), k;
	struct timespec job, stamp = {0, 0}, res, pst, up = {0, 0};
	char *p;
	int dirty = 0, upfailed = 0, ps;
	cJSON *r = NULL;
	struct buf text = {0};

	if (s->st[i] != UNKNOWN)
		return s->st[i];
	s->st[i] = DIRTY;	/* no cycles: the graph checked */
	p = xasprintf("%s/%s.sql", JOBDIR, n->file);
	if (mtimeof(p, &job) < 0)
		job.tv_sec = job.tv_nsec = 0;
	free(p);
	p = xasprintf("%s/" CONNSTAMPS "/%s", s->dir, n->file);
	if (mtimeof(p, &stamp) < 0 || tsnewer(&job, &stamp))
		dirty = 1;
	for (k = 0; k < n->nparents; k++) {
		ps = visit(m, s, n->parents[k]);
		if (ps == FAILED || ps == SKIPPED)
			upfailed = 1;
		/* a parent still to run moves what this one reads first */
		if (ps == FAILED || ps == SKIPPED || ps == DIRTY)
			dirty = 1;
		if (tsnewer(&s->at[n->parents[k] - m->nodes], &up))
			up = s->at[n->parents[k] - m->nodes];
		free(p);
		p = xasprintf("%s/%s/%s", s->dir, from, n->parents[k]->file);
		if (!dirty && (mtimeof(p, &pst) < 0 || tsnewer(&pst, &stamp)))
			dirty = 1;
	}
	/* under dbt build, a failed test skips what it gates */
	for (k = 0; k < n->ngates; k++) {
		ps = visit(m, s, n->gates[k]);
		if (ps == FAILED || ps == SKIPPED)
			upfailed = 1;
	}
	free(p);
	p = xasprintf("%s/" CONNRESULTS "/%s.json", s->dir, n->file);
	/* a result counts when it is for this job, and, unless the node is
	 * current (a parent ran and left what it reads alone), not older than
	 * a parent's: otherwise the node has not run since its parent did */
	if (mtimeof(p, &res) == 0 && !tsnewer(&job, &res) && (!dirty || !tsnewer(&up, &res)) &&
	    readfile(p, &text) == 0) {
		r = cJSON_Parse(text.s);
		s->at[i] = res;
	}
	free(p);
	buffree(&text);
	if (r) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");
		int bad = cJSON_IsString(st) && (!strcmp(st->valuestring, "error") ||
		    !strcmp(st->valuestring, "fail"));
		s->res[i] = r;
		s->st[i] = bad ? FAILED : RAN;
	} else if (dirty && upfailed) {
		s->st[i] = SKIPPED;
	} else {
		s->st[i] = dirty ? DIRTY : CLEAN;
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

int
resultswrite(const struct manifest *m, const char *dir, const char *path)
{
	struct state s;
	cJSON *out = cJSON_CreateObject(), *meta, *list, *args;
	const cJSON *t;
	double elapsed = 0;
	char now[32], *text;
	time_t tt = time(NULL);
	struct tm tm;
	size_t i;
	int failed = 0;

	s.dir = dir;
	s.st = xcalloc(m->nnodes, sizeof(*s.st));
	s.res = xcalloc(m->nnodes, sizeof(*s.res));
	s.at = xcalloc(m->nnodes, sizeof(*s.at));
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
		switch (visit(m, &s, n)) {
		case FAILED:
			failed++;
			/* fall through */
		case RAN:
			t = cJSON_GetObjectItemCaseSensitive(s.res[i], "execution_time");
			if (cJSON_IsNumber(t))
				elapsed += t->valuedouble;
			cJSON_AddItemToArray(list, s.res[i]);
			s.res[i] = NULL;
			break;
		case SKIPPED:
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
	for (i = 0; i < m->nnodes; i++)
		cJSON_Delete(s.res[i]);
	free(s.res);
	free(s.at);
	free(s.st);
	return failed;
}
