/* jre.h: dbt's `modules` in the Jinja context: `datetime` and `pytz`
 * (jdatetime.h), and `re`: Python's
 * re module for the subset where POSIX regular expressions (regcomp with
 * REG_EXTENDED, leftmost-longest) match exactly as Python's backtracking
 * (leftmost-first) does.
 *
 * modules.re has sub, search, match, fullmatch, findall, split, escape,
 * compile (a Pattern with the same methods, pattern, flags and groups)
 * and the flags I/IGNORECASE, M/MULTILINE, S/DOTALL (ints: combine them
 * with +). A match is a Match with group, groups, start, end, span,
 * string and m[n], and is true; no match is None. sub's repl is a str
 * with \1 and \g<1> group references and \\.
 *
 * Refused, naming the pattern and the construct, as what POSIX lacks or
 * matches otherwise: alternation |, lazy and possessive quantifiers, a
 * quantified group, (?...) groups, backreferences, \b \B \A \Z, octal and
 * \u escapes, a non-ASCII character in a class or under a quantifier; at
 * run time, ., classes other than ASCII ones, \w \d \s and IGNORECASE on
 * non-ASCII text (Python's are Unicode's), a $ without MULTILINE on a
 * string that ends with a newline, and a NUL character. Any other
 * attribute of modules is refused as it was (itertools among them). */
#ifndef JRE_H
#define JRE_H

struct arena;
struct jv;
struct jdtclock;

/* The `modules` object of dbt's context; modules.datetime reads the
 * clock through clock (NULL: it is refused). */
struct jv *jremodules(struct arena *, const struct jdtclock *clock);

#endif
