/* jeval.h: the Jinja evaluator: walks jparse's AST over jvalue's values.
 *
 * Semantics are Jinja2's (3.x) with Python's: truthiness, int and float
 * arithmetic (/ is true division, // and % floor as Python's, ** is int
 * for ints), str() and repr() printing, and Jinja2's default Undefined
 * (prints as nothing, is false, iterates as empty, has length 0; any
 * other use is an error). Scopes: a for loop's body is a new scope each
 * iteration, so a set inside it does not leak; loop.index, index0,
 * revindex, revindex0, first, last and length are provided, any other
 * loop attribute is refused. Filters: upper lower trim length count join
 * default d replace string int float list first last title capitalize.
 * Tests: defined undefined none string number sequence mapping iterable
 * odd even divisibleby eq. Everything else is an error with the
 * template's name and line:column. */
#ifndef JEVAL_H
#define JEVAL_H

#include "jparse.h"

/* Render body (parsed from s) with the context ctx (a JDICT, or NULL)
 * onto out. Returns 0, or -1 with *e set. Values made live in a. */
int jeval(struct arena *a, const struct jsrc *s, const struct jnl *body,
    struct jv *ctx, struct buf *out, struct jerr *e);

/* Lex, parse and render src named name; on error returns -1 and sets
 * *err to "name:line:col: message" (malloc'd). */
int jrender(const char *name, const char *src, size_t n, struct jv *ctx,
    struct arena *a, struct buf *out, char **err);

#endif
