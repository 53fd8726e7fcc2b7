#define _POSIX_C_SOURCE 200809L
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stage.h"
#include "util.h"

struct staged {
	char *path;
	char *tmp;	/* the new contents, or NULL: created in place, or removed */
	int del;
	int touch;	/* as it was, but for its times, set at commit */
};

static struct staged *staged;
static size_t nstaged;
static int committing;

/* At exit before the commit: what was written goes, what was not is as it
 * was. During it: the temporaries not renamed yet. */
static void
cleanup(void)
{
	size_t i;

	for (i = 0; i < nstaged; i++) {
		struct staged *s = &staged[i];
		if (s->tmp)
			unlink(s->tmp);
		else if (!s->del && !s->touch && !committing)
			unlink(s->path);
		free(s->path);
		free(s->tmp);
	}
	free(staged);
	staged = NULL;
	nstaged = 0;
}

static struct staged *
add(const char *path)
{
	static int registered;
	struct staged *s;

	if (!registered) {
		atexit(cleanup);
		registered = 1;
	}
	staged = xreallocarray(staged, nstaged + 1, sizeof(*staged));
	s = &staged[nstaged++];
	s->path = xstrdup(path);
	s->tmp = NULL;
	s->del = s->touch = 0;
	return s;
}

void
stageput(const char *path, const char *s, size_t n)
{
	struct staged *st = add(path);
	const char *at = path;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);

	if (fd < 0 && errno == EEXIST) {
		st->tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
		at = st->tmp;
		fd = open(st->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	}
	if (fd < 0) {
		/* not created: nothing to remove */
		free(st->tmp);
		st->tmp = NULL;
		st->del = 1;
		fatal("%s:", at);
	}
	if (writeall(fd, s, n) < 0) {
		close(fd);
		fatal("%s:", at);
	}
	if (close(fd) < 0)
		fatal("%s:", at);
}

/* Whether the file at path holds the n bytes at s. */
static int
holds(const char *path, const char *s, size_t n)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY), same = 0;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == n && n > 0 &&
	    (p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0)) != MAP_FAILED) {
		same = !memcmp(p, s, n);
		munmap(p, n);
	}
	close(fd);
	return same;
}

void
stagefresh(const char *path, const char *s, size_t n)
{
	if (holds(path, s, n))
		add(path)->touch = 1;
	else
		stageput(path, s, n);
}

void
stagedel(const char *path)
{
	add(path)->del = 1;
}

void
stagecommit(void)
{
	size_t i;

	committing = 1;
	for (i = 0; i < nstaged; i++) {
		struct staged *s = &staged[i];
		if (s->del && unlink(s->path) < 0 && errno != ENOENT)
			fatal("%s: unlink:", s->path);
		if (s->tmp && rename(s->tmp, s->path) < 0)
			fatal("%s: rename:", s->tmp);
		if (s->touch && utimensat(AT_FDCWD, s->path, NULL, 0) < 0)
			fatal("%s: utimensat:", s->path);
		free(s->tmp);
		s->tmp = NULL;
	}
	cleanup();
	committing = 0;
}
