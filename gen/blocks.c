/* blocks.c: a macro file's blocks (see blocks.h). */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "blocks.h"
#include "jlex.h"
#include "util.h"

static int
isname(const struct jtoken *t, const char *s)
{
	return t->type == JT_NAME && t->n == strlen(s) && !memcmp(t->s, s, t->n);
}

static int
fail(const struct jsrc *s, size_t off, char **err, const char *msg)
{
	struct jerr e;

	memset(&e, 0, sizeof(e));
	e.src = s;
	e.off = off;
	snprintf(e.msg, sizeof(e.msg), "%s", msg);
	*err = jerrstr(s, &e);
	return -1;
}

/* Where each offset of the lexer's text (its newlines made \n) is in
 * text: NULL when they are the same (no \r). dbt's blocks are of the
 * file's bytes. */
static size_t *
rawoffs(const char *text, size_t n)
{
	size_t *off, i, k = 0;

	if (!memchr(text, '\r', n))
		return NULL;
	off = xreallocarray(NULL, n + 1, sizeof(*off));
	for (i = 0; i < n; i++, k++) {
		off[k] = i;
		if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n')
			i++;
	}
	off[k] = n;
	return off;
}

#define RAW(off, x) ((off) ? (off)[x] : (x))

int
macroblocks(const char *path, const char *text, size_t n,
    void (*fn)(void *, const char *, const char *, size_t, int, int), void *arg,
    char **err)
{
	struct arena a = {0};
	struct jsrc s;
	struct jerr e;
	size_t i, start = 0, depth = 0;
	char *name = NULL;
	int r = 0, line, col;
	size_t *off;

	memset(&e, 0, sizeof(e));
	if (jlex(&a, path, text, n, &s, &e) < 0) {
		*err = jerrstr(&s, &e);
		arenafree(&a);
		return -1;
	}
	off = rawoffs(text, n);
	for (i = 0; i + 1 < s.ntoks && r == 0; i++) {
		const struct jtoken *t = &s.toks[i + 1];
		if (s.toks[i].type != JT_BBEGIN)
			continue;
		if (isname(t, "macro") || isname(t, "test")) {
			if (depth++ > 0)
				continue;
			if (i + 2 >= s.ntoks || s.toks[i + 2].type != JT_NAME) {
				r = fail(&s, t->off, err, "a block without a name");
				break;
			}
			start = s.toks[i].off;
			name = xasprintf("%s%.*s", isname(t, "test") ? "test_" : "",
			    (int)s.toks[i + 2].n, s.toks[i + 2].s);
		} else if (isname(t, "materialization")) {
			/* dbt's macro materialization_NAME_ADAPTER: known, so
			 * that a node it would materialize is refused */
			size_t k;
			const char *ad = "default";
			int nad = 7;
			if (depth++ > 0)
				continue;
			if (i + 2 >= s.ntoks || s.toks[i + 2].type != JT_NAME) {
				r = fail(&s, t->off, err, "a block without a name");
				break;
			}
			for (k = i + 3; k + 2 < s.ntoks && s.toks[k].type != JT_BEND; k++)
				if (isname(&s.toks[k], "adapter") && s.toks[k + 1].type == JT_OP &&
				    s.toks[k + 2].type == JT_STR) {
					ad = s.toks[k + 2].s;
					nad = (int)s.toks[k + 2].n;
				}
			start = s.toks[i].off;
			name = xasprintf("materialization_%.*s_%.*s", (int)s.toks[i + 2].n,
			    s.toks[i + 2].s, nad, ad);
		} else if ((isname(t, "endmacro") || isname(t, "endtest") ||
		    isname(t, "endmaterialization")) && depth > 0 &&
		    --depth == 0) {
			size_t k = i + 1;
			while (k < s.ntoks && s.toks[k].type != JT_BEND)
				k++;
			if (k == s.ntoks) {
				r = fail(&s, t->off, err, "missing end of the block's tag");
				break;
			}
			linecol(s.text, start, &line, &col);
			fn(arg, name, text + RAW(off, start), RAW(off, s.toks[k].off) - RAW(off, start),
			    line, col);
			free(name);
			name = NULL;
		}
	}
	if (r == 0 && depth > 0)
		r = fail(&s, start, err, "a block that is never closed");
	free(name);
	free(off);
	arenafree(&a);
	return r;
}

/* The top-level blocks {% tag NAME %}...{% endtag %} of a file: fn gets
 * each one's body, the text between its tags. Other blocks are an error
 * when strict, else ignored with the text around them. */
static int
namedblocks(const char *path, const char *text, size_t n, const char *tag, int strict,
    void (*fn)(void *, const char *, const char *, size_t), void *arg, char **err)
{
	struct arena a = {0};
	struct jsrc s;
	struct jerr e;
	size_t i, k, start = 0, open = 0;
	char *name = NULL, *end = xasprintf("end%s", tag), msg[160];
	int r = 0;
	size_t *off;

	memset(&e, 0, sizeof(e));
	if (jlex(&a, path, text, n, &s, &e) < 0) {
		*err = jerrstr(&s, &e);
		arenafree(&a);
		free(end);
		return -1;
	}
	off = rawoffs(text, n);
	for (i = 0; i + 1 < s.ntoks && r == 0; i++) {
		const struct jtoken *t = &s.toks[i + 1];
		if (s.toks[i].type != JT_BBEGIN)
			continue;
		if (isname(t, tag)) {
			if (open) {
				snprintf(msg, sizeof(msg), "a %s block inside another", tag);
				r = fail(&s, t->off, err, msg);
				break;
			}
			for (k = i + 3; k < s.ntoks && s.toks[k].type != JT_BEND; k++)
				;
			if (i + 2 >= s.ntoks || s.toks[i + 2].type != JT_NAME || k != i + 3) {
				snprintf(msg, sizeof(msg), "a %s block's tag must hold its name alone", tag);
				r = fail(&s, t->off, err, msg);
				break;
			}
			name = xasprintf("%.*s", (int)s.toks[i + 2].n, s.toks[i + 2].s);
			/* the body: from just past the tag (a tag's end is past its %}) */
			start = s.toks[k].off;
			open = s.toks[i].off + 1;
		} else if (isname(t, end) && open) {
			fn(arg, name, text + RAW(off, start), RAW(off, s.toks[i].off) - RAW(off, start));
			free(name);
			name = NULL;
			open = 0;
		} else if (strict && !open && t->type == JT_NAME) {
			snprintf(msg, sizeof(msg), "unsupported: a %.*s block in a %s file "
			    "(dbt allows only %s blocks there)", (int)t->n, t->s, tag, tag);
			r = fail(&s, t->off, err, msg);
		}
	}
	if (r == 0 && open)
		r = fail(&s, open - 1, err, "a block that is never closed");
	free(name);
	free(end);
	free(off);
	arenafree(&a);
	return r;
}

int
snapshotblocks(const char *path, const char *text, size_t n,
    void (*fn)(void *, const char *, const char *, size_t), void *arg, char **err)
{
	return namedblocks(path, text, n, "snapshot", 1, fn, arg, err);
}

int
docsblocks(const char *path, const char *text, size_t n,
    void (*fn)(void *, const char *, const char *, size_t), void *arg, char **err)
{
	return namedblocks(path, text, n, "docs", 0, fn, arg, err);
}
