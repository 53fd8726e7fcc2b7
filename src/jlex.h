/* jlex.h: the Jinja lexer: template source to tokens.
 *
 * As Jinja2 with dbt's Environment (jinja2.sandbox.SandboxedEnvironment
 * subclass, extensions do and loopcontrols, all other options default):
 * delimiters {{ }} {% %} {# #}; trim_blocks and lstrip_blocks off;
 * keep_trailing_newline off (one newline at the end of the template is
 * dropped); newlines normalized to \n; '-' after an opener strips the
 * whitespace before it, '-' before a closer the whitespace after it; '+'
 * after an opener is accepted (it only matters with lstrip_blocks).
 * Whitespace, between tokens and where '-' strips, is Python's \s on str
 * (Unicode's: NO-BREAK SPACE, IDEOGRAPHIC SPACE and the rest, in UTF-8).
 * Comments vanish. {% raw %}...{% endraw %} is data, with the same
 * whitespace control. Line statements do not exist. */
#ifndef JLEX_H
#define JLEX_H

#include <stddef.h>

#include "arena.h"

enum jtok {
	JT_EOF, JT_DATA, JT_VBEGIN, JT_VEND, JT_BBEGIN, JT_BEND,
	JT_NAME, JT_INT, JT_FLOAT, JT_STR, JT_OP
};

struct jtoken {
	enum jtok type;
	size_t off;		/* byte offset in the normalized source */
	const char *s;		/* data, name, decoded string, operator */
	size_t n;
	long long i;		/* JT_INT */
	double f;		/* JT_FLOAT */
};

struct jsrc;
/* An error: message and where (in src, or in the template at hand when
 * src is NULL). */
struct jerr {
	const struct jsrc *src;
	size_t off;
	char msg[256];
};

struct jsrc {
	const char *name;	/* the template's name, for messages */
	char *text;		/* normalized source (arena) */
	size_t len;
	struct jtoken *toks;
	size_t ntoks;
	/* its own undefined names are dbt's parse-time Undefined (jeval.h) */
	int lenient;
	/* where text starts in the file named, 1-based (0: at its start),
	 * for messages; or, macro set, text is that macro's alone from the
	 * file, its place there not known: messages read "in macro MACRO
	 * (name), line L:C" */
	int line, col;
	const char *macro;
};

/* Lex src into s (everything in a). Returns 0, or -1 with *e set. */
int jlex(struct arena *a, const char *name, const char *src, size_t n,
    struct jsrc *s, struct jerr *e);
/* "name:line:col: msg" for an error at e->off in e->src, or else in s
 * (line and col in the file, from s->line and s->col). */
char *jerrstr(const struct jsrc *s, const struct jerr *e);

#endif
