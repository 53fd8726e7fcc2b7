/* fixture.h: load a manifest written inline, for unit tests. */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graph.h"
#include "job.h"
#include "manifest.h"
#include "util.h"

/* Single quotes stand for double quotes, to keep the fixtures readable. */
static void
fixture(struct manifest *m, const char *json)
{
	static char path[64];
	char *s = xstrdup(json), *p;

	for (p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	snprintf(path, sizeof(path), "/tmp/dbt2ninja-unit-%ld.json", (long)getpid());
	if (writefile(path, s, strlen(s)) < 0)
		fatal("%s:", path);
	free(s);
	manifestload(m, path);
	unlink(path);
}

static void fixturegraph(struct manifest *, const char *) __attribute__((unused));
static void
fixturegraph(struct manifest *m, const char *json)
{
	size_t i;

	fixture(m, json);
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN)
			m->nodes[i].file = jobname(m->nodes[i].uid);
	graphbuild(m);
}

/* The unique_ids of a node list, space-separated. */
static char *ids(struct node **, size_t) __attribute__((unused));
static char *
ids(struct node **v, size_t n)
{
	struct buf b = {0};
	size_t i;

	bufputs(&b, "");
	for (i = 0; i < n; i++) {
		if (i)
			bufputc(&b, ' ');
		bufputs(&b, v[i]->uid);
	}
	return b.s;
}

#endif
