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

/* How many statements in the n bytes at s end with a semicolon, as the
 * server counts them: those with a token before their semicolon. */
size_t sqlstatements(const char *s, size_t n);

/* The canonical form of a dotted name: each part double-quoted, unquoted
 * parts folded to lower case as PostgreSQL folds them: "db"."s"."t".
 * Returns 0, or -1 when s is not a dotted name. */
int sqlcanon(const char *s, struct buf *out);

/* Append to out the n bytes at s (s[n] must be NUL) with every relation
 * reference whose canonical form is a key of map replaced by map's value;
 * a longer dotted name (a column of the relation) keeps its tail. Strings,
 * comments, dollar quotes and quoted identifiers' insides are never
 * touched. Calls seen(arg, from, to) per replacement, when not NULL.
 * Returns how many references were replaced. */
struct htab;
size_t sqlrewrite(const char *s, size_t n, const struct htab *map, struct buf *out,
    void (*seen)(void *, const char *, const char *), void *arg);

#endif
