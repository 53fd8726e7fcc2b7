#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ninjalog.h"

/* The line s (NUL-terminated in place): 0 when it is not one ninja
 * reads: four tabs, and an output. Numbers are read as ninja reads them,
 * as far as they go. */
static int
parseline(char *s, struct logline *e)
{
	char *f[5];
	int i;

	for (i = 0; i < 4; i++) {
		f[i] = s;
		s = strchr(s, '\t');
		if (!s)
			return 0;
		*s++ = '\0';
	}
	f[4] = s;
	if (!*f[3])
		return 0;
	e->start = strtoll(f[0], NULL, 10);
	e->end = strtoll(f[1], NULL, 10);
	e->mtime = strtoll(f[2], NULL, 10);
	e->path = f[3];
	e->hash = f[4];
	e->note = e->start == 0 && e->end == 0 && !strcmp(e->hash, "0");
	return 1;
}

int
ninjalogread(struct ninjalog *l, const char *path)
{
	struct logline e;
	size_t cap = 0, line = 1, i;
	char *p;

	memset(l, 0, sizeof(*l));
	if (readfile(path, &l->text) < 0) {
		if (errno == ENOENT)
			return 0;
		return -1;
	}
	p = l->text.s ? l->text.s : "";
	if (strncmp(p, "# ninja log v", 13))
		return 0;
	l->seen = atoi(p + 13);
	if (l->seen < 5 || l->seen > 7)
		return 0;
	l->version = l->seen;
	p += strcspn(p, "\n");
	if (*p)
		p++;
	while (*p) {
		char *nl = strchr(p, '\n'), *s = p;
		if (nl) {
			*nl = '\0';
			p = nl + 1;
		} else {
			p += strlen(p);
		}
		line++;
		if (!parseline(s, &e))
			continue;
		e.line = line;
		if (l->nlines == cap) {
			cap = cap ? cap * 2 : 256;
			l->lines = xreallocarray(l->lines, cap, sizeof(*l->lines));
		}
		l->lines[l->nlines++] = e;
	}
	for (i = 0; i < l->nlines; i++)
		htabput(&l->last, l->lines[i].path, &l->lines[i]);
	return 0;
}

void
ninjalogfree(struct ninjalog *l)
{
	htabfree(&l->last);
	free(l->lines);
	buffree(&l->text);
}

const struct logline *
ninjalogget(const struct ninjalog *l, const char *path)
{
	return htabget(&l->last, path);
}

long long
ninjalogstart(const struct ninjalog *l)
{
	long long s = 0, v;
	size_t i;

	for (i = 0; i < l->nlines; i++) {
		if (l->lines[i].note)
			continue;
		v = l->lines[i].mtime / 1000 - l->lines[i].end * 1000;
		if (v > s)
			s = v;
	}
	return s;
}
