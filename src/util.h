/* util.h: errors, allocation that cannot fail, growable buffers, files. */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdio.h>

extern const char *argv0;	/* program name used as the message prefix */

/* Print "argv0: message" to stderr. A format ending in ':' appends
 * strerror(errno). fatal() then exits 1. */
void warn(const char *fmt, ...);
/* When not NULL, every warning's line (and fatal()'s) is appended here too. */
extern struct buf *warnlog;
void fatal(const char *fmt, ...);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t sz);
char *xstrdup(const char *s);
char *xmemdup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...);

/* A growable byte buffer, always NUL-terminated after len bytes. */
struct buf {
	char *s;
	size_t len, cap;
};

void bufgrow(struct buf *b, size_t n);
void bufadd(struct buf *b, const char *s, size_t n);
void bufputs(struct buf *b, const char *s);
void bufputc(struct buf *b, int c);
void bufprintf(struct buf *b, const char *fmt, ...);
void buffree(struct buf *b);
/* Append s between two q characters, each q inside doubled: "a""b", 'it''s'. */
void bufquote(struct buf *b, const char *s, char q);
/* A relation's part as dbt quotes it (quote_character + part +
 * quote_character): between q, nothing escaped. Not for our own SQL. */
void bufrelpart(struct buf *b, const char *s, char q);

/* Print "argv0: message" (when fmt is not NULL) and the usage to stderr,
 * and exit 2. */
void usageexit(const char *usage, const char *fmt, ...);

/* Read all of PATH into b (which is reset first). Returns 0, or -1 with
 * errno set; a directory fails with EISDIR. */
int readfile(const char *path, struct buf *b);
/* Write all n bytes of s to fd, again after EINTR: 0, or -1 with errno. */
int writeall(int fd, const char *s, size_t n);
struct timespec;
/* A file's modification time, as Ninja compares it; -1 when it has none. */
int mtimeof(const char *path, struct timespec *t);
/* Whether a is later than b. */
int tsnewer(const struct timespec *a, const struct timespec *b);

/* Write n bytes to PATH atomically: a temporary beside it, then rename.
 * Returns 0, or -1 with errno set and nothing left behind. */
int writefile(const char *path, const char *s, size_t n);

/* Create PATH, which must not exist, with n bytes. On failure nothing is
 * left behind; a crash can leave it short, so use it only for files whose
 * reader checks them (job files: see job.c). Returns 0 or -1 with errno. */
int createfile(const char *path, const char *s, size_t n);

/* Write n bytes to PATH in place (created or truncated). Returns 0 or -1
 * with errno set. */
int overwrite(const char *path, const char *s, size_t n);

/* Create PATH and its missing parents. Returns 0 or -1 with errno set. */
int mkdirs(const char *path);

/* Line and column (both from 1) of offset off in s. */
void linecol(const char *s, size_t off, int *line, int *col);

#endif
