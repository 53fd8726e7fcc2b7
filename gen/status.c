#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "conn.h"
#include "outdated.h"
#include "status.h"

const char *const statusnames[NSTATUS] = {
	"none", "success", "warn", "error", "skipped", "stale", "never run",
};

const char *const statuscolors[NSTATUS] = {
	"#eeeeee", "#b8e6c1", "#ffe08a", "#f5a3a3", "#d9ccf0", "#a9cff5", "#ffffff",
};

int
statusworse(int a, int b)
{
	static const int rank[NSTATUS] = {
		[SNONE] = 0, [SSUCCESS] = 1, [SNEVER] = 2, [SSTALE] = 3, [SSKIPPED] = 4,
		[SWARN] = 5, [SERROR] = 6,
	};

	return rank[b] > rank[a] ? b : a;
}

/* The mark a blue/green build.ninja has every node wait for, or NULL. */
static char *
markof(const char *buildninja, const char *dir)
{
	struct buf b = {0};
	char *r = NULL;

	if (readfile(buildninja, &b) < 0)
		fatal("%s:", buildninja);
	if (b.s && (!strncmp(b.s, "bg_mark = ", 10) || strstr(b.s, "\nbg_mark = ")))
		r = xasprintf("%s/" CONNMARK, dir);
	buffree(&b);
	return r;
}

/* Whether a node ran here before: a stamp, or a result of any job. */
static int
ranbefore(const char *dir, const struct node *n)
{
	char *p = xasprintf("%s/" CONNSTAMPS "/%s", dir, n->file);
	int r = access(p, F_OK) == 0;

	free(p);
	if (!r) {
		p = xasprintf("%s/" CONNRESULTS "/%s.json", dir, n->file);
		r = access(p, F_OK) == 0;
		free(p);
	}
	return r;
}

static int
fromresult(const cJSON *r)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");
	const char *v = cJSON_IsString(st) ? st->valuestring : "";

	if (!strcmp(v, "error") || !strcmp(v, "fail"))
		return SERROR;
	if (!strcmp(v, "warn"))
		return SWARN;
	if (!strcmp(v, "skipped"))
		return SSKIPPED;
	return SSUCCESS;
}

void
statusread(const struct manifest *m, const char *buildninja, const char *dir,
    struct statuses *s)
{
	char *mark = markof(buildninja, dir);
	size_t i;
	int st;

	if (ninjalogread(&s->log, NINJALOG) < 0)
		fatal("%s:", NINJALOG);
	s->st = xcalloc(m->nnodes + 1, sizeof(*s->st));
	s->next = xcalloc(m->nnodes + 1, 1);
	outdated(m, dir, &s->log, mark, s->next);
	resultsread(m, dir, &s->r);
	for (i = 0; i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		if (n->kind != KRUN)
			continue;
		st = s->r.res[i] ? fromresult(s->r.res[i]) : s->r.st[i] == RSKIPPED ? SSKIPPED :
		    SSUCCESS;
		if (s->next[i] && (st == SSUCCESS || st == SWARN))
			st = ranbefore(dir, n) ? SSTALE : SNEVER;
		s->st[i] = st;
	}
	free(mark);
}

void
statusfree(const struct manifest *m, struct statuses *s)
{
	resultsfree(m, &s->r);
	ninjalogfree(&s->log);
	free(s->st);
	free(s->next);
}
