/* jre.h: dbt's `modules` in the Jinja context: `datetime` and `pytz`
 * (jdatetime.h), and `re`: Python's re module, matched as CPython's sre
 * matches (a backtracking machine: the first match is Python's, with
 * Python's groups).
 *
 * modules.re has sub, search, match, fullmatch, findall, split, escape,
 * compile (a Pattern with the same methods, pattern, flags and groups)
 * and the flags I/IGNORECASE, M/MULTILINE, S/DOTALL, X/VERBOSE,
 * A/ASCII and U/UNICODE (ints: combine them with +, or inline: global
 * ones at the start of a pattern, (?aimsux), scoped ones for a group,
 * (?aimsux-imsx:...)). Patterns have classes, alternation, groups
 * (capturing, (?:...), (?P<name>...)), greedy and lazy repeats,
 * backreferences (\1, (?P=name)), lookaheads (?=...) (?!...) and
 * lookbehinds (?<=...) (?<!...) of a fixed width, comments (?#...), ^ $
 * \A \Z \b \B and the escapes \d \w \s, \x \u \U. A match is a Match
 * with group, groups, groupdict, start, end, span (by number or name),
 * string and m[n], and is true; no match is None. sub's repl is a str
 * with \1, \g<1>, \g<name> and \\. What Python's re rejects (a
 * lookbehind whose width varies among them) fails, with Python's
 * reason.
 *
 * Refused, naming the pattern and the construct: a repeat of what can
 * match the empty string (where sre's rule for empty iterations
 * decides), conditionals, atomic groups and possessive quantifiers, the
 * TEMPLATE flag, octal escapes, IGNORECASE with a non-ASCII character in
 * the pattern (but under ASCII), and a match needing more than 20
 * million steps; at run time, but under ASCII, a non-ASCII character
 * past Latin, Greek, Cyrillic and punctuation that \w \d \b meet, and
 * any that an IGNORECASE backreference compares (Python's are Unicode's:
 * \s and IGNORECASE of a letter are Unicode's here). Any other attribute
 * of modules is refused as it was (itertools among them). */
#ifndef JRE_H
#define JRE_H

struct arena;
struct jv;
struct jdtclock;

/* The `modules` object of dbt's context; modules.datetime reads the
 * clock through clock (NULL: it is refused). */
struct jv *jremodules(struct arena *, const struct jdtclock *clock);

#endif
