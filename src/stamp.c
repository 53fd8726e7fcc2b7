/* stamp.c: a node's stamps (stamp.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stamp.h"

int
stampreads(const char *adapter, int model, const char *materialized)
{
	if (!model)
		return 0;
	if (!strcmp(adapter, "materialize"))
		return 1;
	return !strcmp(materialized, "view");
}

char *
stampbeside(const char *stamp, const char *kind)
{
	static const char *const kinds[] = {"ok", "if", "data", "built"};
	const char *base = strrchr(stamp, '/'), *dir;
	size_t i, n;

	if (!base)
		return NULL;
	for (dir = base; dir > stamp && dir[-1] != '/'; dir--)
		;
	n = (size_t)(base - dir);
	for (i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (strlen(kinds[i]) == n && !strncmp(dir, kinds[i], n))
			return xasprintf("%.*s%s%s", (int)(dir - stamp), stamp, kind, base);
	return NULL;
}

int
stampwrite(const char *path, const char *text)
{
	char *dir;
	int rc;

	if (writefile(path, text, strlen(text)) == 0)
		return 0;
	if (errno != ENOENT || !strchr(path, '/'))
		return -1;
	dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	rc = mkdirs(dir) < 0 ? -1 : writefile(path, text, strlen(text));
	free(dir);
	return rc;
}

int
stampkeep(const char *path, const char *text)
{
	struct timespec t[2];
	struct stat st;
	struct buf b = {0};
	int same;

	if (stat(path, &st) < 0)
		return -1;
	same = readfile(path, &b) == 0 && !strcmp(b.s, text);
	buffree(&b);
	if (same)
		return 0;
	t[0] = st.st_atim;
	t[1] = st.st_mtim;
	if (writefile(path, text, strlen(text)) < 0)
		return -1;
	return utimensat(AT_FDCWD, path, t, 0);
}

/* Ninja judges an edge it has run before by the mtime its log recorded
 * for the output, so a stamp written by another edge than its own (the
 * deploy and build edges write each other's), or by a node whose Ninja was
 * killed before it could log it, would be taken for one an interrupted run
 * left, and the node run again. A line of the log's formats v5 and v6:
 * start and end (none: nothing ran in this edge), the mtime in
 * nanoseconds, the path, the command's hash (not compared for generator
 * rules). A stamp the node's run left as it was (its interface's) is
 * logged as new as the node's stamp, as Ninja logs an output that restat
 * found unchanged: not older than the edge's inputs. */
void
stamplog(const char *log, const char *path, const char *as)
{
	char head[32], line[64];
	struct timespec t;
	struct buf b = {0};
	ssize_t n;
	int fd;

	if (!log || mtimeof(as ? as : path, &t) < 0 || (fd = open(log, O_RDWR | O_APPEND)) < 0)
		return;
	n = read(fd, head, sizeof(head) - 1);
	head[n > 0 ? n : 0] = '\0';
	if (!strncmp(head, "# ninja log v5\n", 15) || !strncmp(head, "# ninja log v6\n", 15)) {
		snprintf(line, sizeof(line), "0\t0\t%lld\t", (long long)t.tv_sec * 1000000000LL +
		    t.tv_nsec);
		bufputs(&b, line);
		bufputs(&b, path);
		bufputs(&b, "\t0\n");
		/* one write, appended whole among Ninja's own lines */
		if (write(fd, b.s, b.len) != (ssize_t)b.len)
			warn("%s:", log);
	}
	close(fd);
	buffree(&b);
}
