#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

const char *argv0 = "dbt2ninja";
struct buf *warnlog;

static void
vwarn(const char *fmt, va_list ap)
{
	size_t n = strlen(fmt);
	int err = errno;
	va_list aq;

	va_copy(aq, ap);
	fprintf(stderr, "%s: ", argv0);
	vfprintf(stderr, fmt, ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(err));
	fputc('\n', stderr);
	/* the same line, for whoever repeats it (delta.h) */
	if (warnlog && fmt) {
		char small[512], *line = small;
		va_list ar;
		int len;
		va_copy(ar, aq);
		len = vsnprintf(small, sizeof(small), fmt, ar);
		va_end(ar);
		if (len >= (int)sizeof(small)) {
			line = xmalloc((size_t)len + 1);
			vsnprintf(line, (size_t)len + 1, fmt, aq);
		}
		bufprintf(warnlog, "%s: %s", argv0, len < 0 ? "" : line);
		if (line != small)
			free(line);
		if (n > 0 && fmt[n - 1] == ':')
			bufprintf(warnlog, " %s", strerror(err));
		bufputc(warnlog, '\n');
	}
	va_end(aq);
}

void
warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fatal("out of memory");
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		fatal("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		fatal("out of memory");
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t sz)
{
	if (sz && n > SIZE_MAX / sz)
		fatal("out of memory");
	return xrealloc(p, n * sz);
}

char *
xmemdup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s));
}

char *
xasprintf(const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	int n;

	/* most fit at once: formatted a second time only when not */
	bufgrow(&b, 127);
	va_start(ap, fmt);
	n = vsnprintf(b.s, b.cap, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("vsnprintf:");
	if ((size_t)n < b.cap)
		return b.s;
	bufgrow(&b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b.s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return b.s;
}

void
bufgrow(struct buf *b, size_t n)
{
	if (b->cap - b->len > n)
		return;
	if (n > SIZE_MAX / 2 - b->len)
		fatal("out of memory");
	b->cap = b->cap ? b->cap : 64;
	while (b->cap - b->len <= n)
		b->cap *= 2;
	b->s = xrealloc(b->s, b->cap);
}

void
bufadd(struct buf *b, const char *s, size_t n)
{
	bufgrow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
bufputs(struct buf *b, const char *s)
{
	bufadd(b, s, strlen(s));
}

void
bufputc(struct buf *b, int c)
{
	if (b->cap - b->len <= 1)
		bufgrow(b, 1);
	b->s[b->len++] = (char)c;
	b->s[b->len] = '\0';
}

void
bufprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* into the room there is; formatted a second time only when short */
	bufgrow(b, 63);
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("vsnprintf:");
	if ((size_t)n >= b->cap - b->len) {
		bufgrow(b, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
bufquote(struct buf *b, const char *s, char q)
{
	bufputc(b, q);
	for (; *s; s++) {
		if (*s == q)
			bufputc(b, q);
		bufputc(b, *s);
	}
	bufputc(b, q);
}

void
bufrelpart(struct buf *b, const char *s, char q)
{
	bufputc(b, q);
	bufputs(b, s);
	bufputc(b, q);
}

void
usageexit(const char *usage, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fprintf(stderr, "%s: ", argv0);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fputs(usage, stderr);
	exit(2);
}

void
buffree(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

int
readfile(const char *path, struct buf *b)
{
	struct stat st;
	ssize_t r;
	int fd, err;

	b->len = 0;
	bufgrow(b, 0);
	b->s[0] = '\0';
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	if (S_ISREG(st.st_mode))
		bufgrow(b, (size_t)st.st_size + 1);
	for (;;) {
		bufgrow(b, 65536);
		r = read(fd, b->s + b->len, b->cap - b->len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		b->len += (size_t)r;
	}
	b->s[b->len] = '\0';
	close(fd);
	return 0;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

int
writeall(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int
writefile(const char *path, const char *s, size_t n)
{
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	int fd, err;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0 || writeall(fd, s, n) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = err;
	return -1;
}

int
createfile(const char *path, const char *s, size_t n)
{
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd < 0)
		return -1;
	if (writeall(fd, s, n) < 0 || close(fd) < 0) {
		err = errno;
		close(fd);
		unlink(path);
		errno = err;
		return -1;
	}
	return 0;
}

int
overwrite(const char *path, const char *s, size_t n)
{
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0)
		return -1;
	if (writeall(fd, s, n) < 0 || close(fd) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return 0;
}

int
mkdirs(const char *path)
{
	char *p = xstrdup(path), *s;
	struct stat st;
	int err;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			goto fail;
		if (stat(p, &st) < 0)
			goto fail;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			goto fail;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return 0;
fail:
	err = errno;
	free(p);
	errno = err;
	return -1;
}

void
linecol(const char *s, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && s[i]; i++) {
		if (s[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)s[i] & 0xC0) != 0x80) {
			++*col;
		}
	}
}

int
mtimeof(const char *path, struct timespec *t)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	*t = st.st_mtim;
	return 0;
}

int
tsnewer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}
