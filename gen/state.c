#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "state.h"

enum { SAME, NEW, MODIFIED, DOWNSTREAM };

static char *
manifestpath(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return xasprintf("%s/manifest.json", path);
	return xstrdup(path);
}

static int
compare(const struct manifest *m, const struct node *n, const struct manifest *prod,
    const struct jobopts *o, struct buf *a, struct buf *b)
{
	const struct node *p = manifestnode(prod, n->uid);

	if (!p || p->kind != KRUN)
		return NEW;
	if (n->rtype == RSEED && n->checksum && p->checksum && strcmp(n->checksum, p->checksum))
		return MODIFIED;
	jobrender(m, n, o, a);
	jobrender(prod, p, o, b);
	return jobsame(b->s, b->len, a->s, a->len) ? SAME : MODIFIED;
}

/* A node is downstream when any parent is new, modified or downstream;
 * parents come before children in no particular order, so memoize. */
static int
state(const struct manifest *m, int *st, const struct node *n)
{
	size_t i = (size_t)(n - m->nodes), k;

	if (st[i] != SAME)
		return st[i];
	for (k = 0; k < n->nparents; k++)
		if (state(m, st, n->parents[k]) != SAME) {
			st[i] = DOWNSTREAM;
			break;
		}
	return st[i];
}

static void
settime(const char *path, time_t t)
{
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = t;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	if (utimensat(AT_FDCWD, path, ts, 0) < 0)
		fatal("%s: utimensat:", path);
}

void
stateimport(const struct manifest *m, const char *path, const struct jobopts *o,
    struct statestats *stats)
{
	struct manifest prod;
	struct buf a = {0}, b = {0}, job = {0};
	char *mp = manifestpath(path), *jp, *sp, h[SHA256_HEX + 1];
	int *st = xcalloc(m->nnodes, sizeof(*st)), sawstate = 0;
	time_t now = time(NULL);
	size_t i;

	memset(stats, 0, sizeof(*stats));
	manifestload(&prod, mp);
	if (m->dbtversion && prod.dbtversion && strcmp(m->dbtversion, prod.dbtversion))
		warn("warning: %s was written by dbt %s, this manifest by dbt %s",
		    mp, prod.dbtversion, m->dbtversion);
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN)
			st[i] = compare(m, &m->nodes[i], &prod, o, &a, &b);
	if (mkdirs(STAMPDIR) < 0)
		fatal("%s:", STAMPDIR);
	for (i = 0; i < m->nnodes; i++) {
		const struct node *n = &m->nodes[i];
		if (n->kind != KRUN)
			continue;
		jp = xasprintf("%s/%s.sql", JOBDIR, n->file);
		sp = xasprintf("%s/%s", STAMPDIR, n->file);
		switch (state(m, st, n)) {
		case SAME:
			/* deployed as production deployed it */
			if (readfile(jp, &job) < 0)
				fatal("%s:", jp);
			sha256hex(job.s, job.len, h);
			strcat(h, "\n");
			if (writefile(sp, h, strlen(h)) < 0)
				fatal("%s:", sp);
			settime(jp, now - 2);
			settime(sp, now - 1);
			stats->unchanged++;
			sawstate = 1;
			break;
		case NEW:
			stats->new++;
			goto dirty;
		case MODIFIED:
			stats->modified++;
			goto dirty;
		default:
			stats->downstream++;
		dirty:
			if (unlink(sp) < 0 && errno != ENOENT)
				fatal("%s: unlink:", sp);
		}
		free(jp);
		free(sp);
	}
	(void)sawstate;
	free(st);
	free(mp);
	buffree(&a);
	buffree(&b);
	buffree(&job);
	manifestfree(&prod);
}
