/* sql.h: the SQL lexer (re2c).
 *
 * The lexer knows PostgreSQL's lexical structure: whitespace, -- and
 * nested block comments, 'strings' with '' escapes, E'strings' with
 * backslash escapes, "quoted identifiers", $tag$dollar quotes$tag$ and
 * words. Nothing inside a string, identifier or dollar quote is ever
 * touched. */
#ifndef SQL_H
#define SQL_H

#include <stddef.h>

#include "util.h"

/* Append to out the normal form of the n bytes at s (s[n] must be NUL):
 * comments dropped, whitespace removed where it cannot change a token,
 * elsewhere exactly one space, none at either end. Two texts with the
 * same normal form differ only in layout and comments. */
void sqlnorm(const char *s, size_t n, struct buf *out);

/* Whether two texts have the same normal form. */
int sqlsame(const char *a, size_t alen, const char *b, size_t blen);

#endif
