/* fixture.h: load a manifest written inline, for unit tests. */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "graph.h"
#include "job.h"
#include "manifest.h"
#include "util.h"

static const char *
fixturewrite(const char *json)
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
	return path;
}

/* Single quotes stand for double quotes, to keep the fixtures readable. */
static void
fixture(struct manifest *m, const char *json)
{
	const char *path = fixturewrite(json);

	manifestload(m, path);
	unlink(path);
}

/* What loading json says on stderr, with the file's name as FILE, when it
 * exits 1; NULL when it loads. Caller frees. */
static char *fixturefails(const char *) __attribute__((unused));
static char *
fixturefails(const char *json)
{
	const char *path = fixturewrite(json);
	struct manifest m;
	struct buf b = {0}, out = {0};
	char tmp[4096], *p;
	int fd[2], st;
	ssize_t n;
	pid_t pid;

	fflush(stdout);
	if (pipe(fd) < 0)
		fatal("pipe:");
	pid = fork();
	if (pid < 0)
		fatal("fork:");
	if (pid == 0) {
		dup2(fd[1], 2);
		close(fd[0]);
		manifestload(&m, path);
		_exit(0);
	}
	close(fd[1]);
	while ((n = read(fd[0], tmp, sizeof(tmp))) > 0)
		bufadd(&b, tmp, (size_t)n);
	close(fd[0]);
	waitpid(pid, &st, 0);
	unlink(path);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 1) {
		buffree(&b);
		return NULL;
	}
	bufputs(&b, "");
	bufputs(&out, "");
	/* the file's name, as FILE */
	for (p = b.s; *p; ) {
		if (!strncmp(p, path, strlen(path))) {
			bufputs(&out, "FILE");
			p += strlen(path);
		} else {
			bufputc(&out, *p++);
		}
	}
	if (out.len && out.s[out.len - 1] == '\n')
		out.s[--out.len] = '\0';
	buffree(&b);
	return out.s;
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
