/* jre.c: modules.re, Python's re (see jre.h).
 *
 * A pattern is parsed as CPython's sre_parse reads it into a tree, and
 * the tree compiled into a program for a backtracking machine (Pike's and
 * Thompson's instructions, run depth first as Perl and sre run them:
 * alternatives and greedy or lazy repeats tried in Python's order,
 * captures restored when a path is abandoned), so the first match is
 * Python's, with Python's groups. Text is UTF-8 and offsets are code
 * points. What Python decides with Unicode's tables (but under ASCII) is
 * decided here as well for every character (\s, and IGNORECASE of an
 * ASCII letter) or for those of Latin, Greek, Cyrillic and punctuation
 * (\w \d \b); at run time another non-ASCII character that \w \d \b
 * meet, or that an IGNORECASE backreference compares, is refused, and so
 * is IGNORECASE on a non-ASCII character of the pattern. Inline flags are
 * sre_parse's: global ones at the start, scoped ones (?i:...) (?-i:...)
 * for their group; a lookbehind is a lookahead begun as many code points
 * back as its subpattern's fixed width, as sre's. A repeat of what can
 * match the empty string (where sre's rule for empty iterations decides)
 * is refused, and so is a match that needs more than MAXSTEPS steps.
 * Iteration (sub, findall, split) is CPython 3.7's: at the position where
 * an empty match ended, the next match must not be empty. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jdatetime.h"
#include "jeval.h"
#include "jre.h"

/* Python's flags: TEMPLATE, IGNORECASE, LOCALE, MULTILINE, DOTALL,
 * UNICODE, VERBOSE, ASCII */
enum { FT = 1, FI = 2, FL = 4, FM = 8, FS = 16, FU = 32, FX = 64, FA = 256 };
enum { MAXGROUPS = 99, MAXCODE = 20000, MAXSTEPS = 20000000 };
/* sre's bound on a width (_sre.MAXREPEAT): a repeat without one */
static const long long MAXREPEAT = 4294967295LL;

/* A set of code points: the ASCII ones (1-127) as a table, the others as
 * ranges, or all of them (hi: ASCII's \W \D \S), or the partners of
 * its letters (fold: Unicode's IGNORECASE); with Unicode's \w or \d
 * (uni) one outside the blocks of known is refused; neg inverts it. */
struct cset {
	unsigned char a[128];
	long (*r)[2];
	size_t nr;
	int hi, fold, uni, neg;
};

/* An instruction of the machine. */
enum opc {
	OCHAR,		/* the code point x (y: either case of the ASCII letter
			 * x, 1 as ASCII's, 2 as Unicode's) */
	OANY,		/* any code point (x: but a newline) */
	OSET,		/* one of set x */
	OSPLIT,		/* go on at x; when that fails, at y */
	OJMP,		/* go on at x */
	OSAVE,		/* capture slot x = here */
	OBOL, OEOL,	/* ^ $, x: MULTILINE */
	OBEGIN, OEND,	/* \A \Z */
	OWORDB,		/* \b (x: \B; y: Unicode's) */
	OBREF,		/* the text of group x again (y: either case, 1 as
			 * ASCII's, 2 as Unicode's) */
	OLOOK,		/* (?=...) at the next instruction, through OMATCH;
			 * then go on at x (y: (?!...)) */
	OBACK,		/* x code points back (a lookbehind's first) */
	OMATCH
};

struct ins {
	enum opc op;
	long x, y;
};

/* A pattern, compiled. */
struct rx {
	struct jv *pat;		/* Python's pattern (a JSTR) */
	int flags;		/* the global ones, and UNICODE as given */
	size_t ngroups;
	char **names;		/* names[g], or NULL: (?P<name>...) */
	struct ins *code;
	size_t ncode;
	struct cset *sets;
	size_t nsets;
};

/* ---- the tree ---- */

enum ntype { NEMPTY, NCHAR, NANY, NSET, NCAT, NALT, NGROUP, NREP, NASSERT, NBREF, NLOOK };

struct node {
	enum ntype type;
	long x;			/* the char, set, group (0: not capturing), assertion */
	long min, max;		/* a repeat's; max -1: no bound; a lookaround's
				 * min: how far behind it looks, -1 ahead */
	int greedy, neg;
	int fl;			/* the flags where it is */
	struct node **kid;
	size_t nkid;
};

struct tr {
	struct jev *v;
	struct rx *r;
	const char *s;
	size_t n, i;
	int flags;		/* the flags where the parse is */
	int atstart;		/* nothing read yet but flags and comments */
	long lbgroups;		/* in a lookbehind: its first group; else 0 */
	char *open;		/* open[g]: group g is not closed yet */
	long long (*gw)[2];	/* gw[g]: group g's width (width()) */
	struct arena *a;
};

static void
refuse(struct jev *v, const struct rx *r, const char *what)
{
	/* a long pattern cut (between characters), so that what is refused
	 * shows */
	int n = r->pat->u.str.n > 60 ? 57 : (int)r->pat->u.str.n;

	while (n < (int)r->pat->u.str.n && ((unsigned char)r->pat->u.str.s[n] & 0xC0) == 0x80)
		n--;
	jfail(v, "unsupported: modules.re pattern '%.*s%s': %s", n, r->pat->u.str.s,
	    n < (int)r->pat->u.str.n ? "..." : "", what);
}

static void
trfail(struct tr *t, const char *what)
{
	refuse(t->v, t->r, what);
}

static struct node *
newnode(struct tr *t, enum ntype type, long x)
{
	struct node *n = arenaalloc(t->a, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->type = type;
	n->x = x;
	n->fl = t->flags;
	return n;
}

static void
addkid(struct tr *t, struct node *n, struct node *k)
{
	struct node **kid = arenaalloc(t->a, (n->nkid + 1) * sizeof(*kid));

	if (n->nkid)
		memcpy(kid, n->kid, n->nkid * sizeof(*kid));
	kid[n->nkid++] = k;
	n->kid = kid;
}

/* ---- sets ---- */


static void
setrange(unsigned char *set, int lo, int hi)
{
	for (; lo <= hi; lo++)
		if (lo > 0 && lo < 128)
			set[lo] = 1;
}

static int
isalpha_(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The ASCII letter (lower case) that Unicode's IGNORECASE matches the
 * non-ASCII c with, or 0: no other is (sre's tables, every code point
 * tried): İ and ı i, the Kelvin sign k, ſ s. */
static int
partner(long c)
{
	return c == 0x130 || c == 0x131 ? 'i' : c == 0x212A ? 'k' : c == 0x17F ? 's' : 0;
}

/* Unicode's word characters (str.isalnum() and _, sre's \w and \b)
 * among the non-ASCII ones of the blocks in known: Latin, Greek and
 * Cyrillic (U+0080-U+052F), and punctuation, super- and subscripts and
 * currency (U+2000-U+20CF), of which none is a digit (\d) either (sre's
 * tables, every code point tried). A non-ASCII character these classes
 * meet elsewhere is refused. Unicode's spaces (str.isspace()) are all in
 * spaces. */
static const long known[][2] = {{0x80, 0x52F}, {0x2000, 0x20CF}};
static const long words[][2] = {
	{0xAA, 0xAA}, {0xB2, 0xB3}, {0xB5, 0xB5}, {0xB9, 0xBA}, {0xBC, 0xBE},
	{0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x2C1}, {0x2C6, 0x2D1}, {0x2E0, 0x2E4},
	{0x2EC, 0x2EC}, {0x2EE, 0x2EE}, {0x370, 0x374}, {0x376, 0x377}, {0x37A, 0x37D},
	{0x37F, 0x37F}, {0x386, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C}, {0x38E, 0x3A1},
	{0x3A3, 0x3F5}, {0x3F7, 0x481}, {0x48A, 0x52F}, {0x2070, 0x2071}, {0x2074, 0x2079},
	{0x207F, 0x2089}, {0x2090, 0x209C},
};
static const long spaces[][2] = {
	{0x85, 0x85}, {0xA0, 0xA0}, {0x1680, 0x1680}, {0x2000, 0x200A}, {0x2028, 0x2029},
	{0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000},
};
static const long nonascii[][2] = {{0x80, 0x10FFFF}};
#define NR(t) (sizeof(t) / sizeof((t)[0]))

static int
inranges(const long (*r)[2], size_t n, long c)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (c >= r[k][0] && c <= r[k][1])
			return 1;
	return 0;
}

/* Whether the code point c is a word character (\w, \b) by Unicode's
 * tables, or -1 where they are not here. */
static int
isword(long c)
{
	if (c < 128)
		return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z');
	return inranges(known, NR(known), c) ? inranges(words, NR(words), c) : -1;
}

/* A set of the tree's pattern, by index. */
static long
newset(struct tr *t, struct cset **cs)
{
	struct rx *r = t->r;
	struct cset *sets = arenaalloc(t->a, (r->nsets + 1) * sizeof(*sets));

	if (r->nsets)
		memcpy(sets, r->sets, r->nsets * sizeof(*sets));
	memset(&sets[r->nsets], 0, sizeof(*sets));
	r->sets = sets;
	*cs = &sets[r->nsets];
	return (long)r->nsets++;
}

/* The code points lo-hi (not ASCII) added to cs. */
static void
addrange(struct tr *t, struct cset *cs, long lo, long hi)
{
	long (*r)[2] = arenaalloc(t->a, (cs->nr + 1) * sizeof(*r));

	if (cs->nr)
		memcpy(r, cs->r, cs->nr * sizeof(*r));
	r[cs->nr][0] = lo;
	r[cs->nr][1] = hi;
	cs->r = r;
	cs->nr++;
}

static void
setcps(struct tr *t, struct cset *cs, long lo, long hi)
{
	if (lo < 128) {
		setrange(cs->a, (int)lo, (int)(hi < 127 ? hi : 127));
		lo = 128;
	}
	if (lo > hi)
		return;
	if ((t->flags & FI) && !(t->flags & FA))
		trfail(t, "IGNORECASE with a non-ASCII character");
	addrange(t, cs, lo, hi);
}

/* The code points of the ranges u not in the ranges x (both sorted)
 * added to cs. */
static void
addbut(struct tr *t, struct cset *cs, const long (*u)[2], size_t nu, const long (*x)[2],
    size_t nx)
{
	size_t k, j;
	long at;

	for (k = 0; k < nu; k++) {
		at = u[k][0];
		for (j = 0; j < nx; j++)
			if (x[j][1] >= at && x[j][0] <= u[k][1]) {
				if (x[j][0] > at)
					addrange(t, cs, at, x[j][0] - 1);
				at = x[j][1] + 1;
			}
		if (at <= u[k][1])
			addrange(t, cs, at, u[k][1]);
	}
}

/* The class \c (d D w W s S) added to cs, as the flags make it: ASCII's
 * \s is C's isspace(), Unicode's (str.isspace()) has \x1c-\x1f and the
 * non-ASCII spaces too; Unicode's \d and \w are known only in known's
 * blocks (uni). Outside a class (inclass 0, cs new) a negated class is
 * its class negated. */
static void
setclass(struct tr *t, struct cset *cs, int c, int inclass)
{
	unsigned char x[128] = {0};
	int k, ascii = (t->flags & FA) != 0, neg = c < 'a';

	switch (c | 0x20) {
	case 'd':
		setrange(x, '0', '9');
		break;
	case 'w':
		setrange(x, '0', '9'); setrange(x, 'a', 'z'); setrange(x, 'A', 'Z');
		x['_'] = 1;
		break;
	case 's':
		setrange(x, '\t', '\r'); x[' '] = 1;
		if (!ascii)
			setrange(x, 0x1c, 0x1f);
		break;
	}
	if (neg && !inclass) {
		cs->neg = 1;
		neg = 0;
		c |= 0x20;
	}
	for (k = 1; k < 128; k++)
		if (x[k] != neg)
			cs->a[k] = 1;
	if (ascii) {
		cs->hi |= neg;
		return;
	}
	cs->uni |= (c | 0x20) != 's';
	switch (c) {
	case 'w': addbut(t, cs, words, NR(words), NULL, 0); break;
	case 'W': addbut(t, cs, known, NR(known), words, NR(words)); break;
	case 'D': addbut(t, cs, known, NR(known), NULL, 0); break;
	case 's': addbut(t, cs, spaces, NR(spaces), NULL, 0); break;
	case 'S': addbut(t, cs, nonascii, NR(nonascii), spaces, NR(spaces)); break;
	}
}

/* IGNORECASE where the parse is on cs: its ASCII letters in both cases,
 * and by Unicode's (fold), their non-ASCII partners. */
static void
setfix(struct tr *t, struct cset *cs)
{
	int k;

	if (!(t->flags & FI))
		return;
	for (k = 1; k < 128; k++)
		if (cs->a[k] && isalpha_(k))
			cs->a[k ^ 0x20] = 1;
	cs->fold = !(t->flags & FA);
}

/* ---- parsing, as sre_parse ---- */

/* The code point at s[i] (UTF-8), advancing i. */
static long
cpat(const char *s, size_t n, size_t *i)
{
	const unsigned char *u = (const unsigned char *)s;
	long c = u[*i];
	int k, len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

	if (len > 1)
		c &= 0x3F >> (len - 1);
	for (k = 1; k < len && *i + (size_t)k < n; k++)
		c = (c << 6) | (u[*i + (size_t)k] & 0x3F);
	*i += (size_t)k;
	return c;
}

static long
hexdigits(struct tr *t, int count, const char *esc)
{
	long x = 0;
	int k, h;
	char what[64];

	for (k = 0; k < count; k++) {
		h = t->i < t->n ? (unsigned char)t->s[t->i] : 0;
		if (h >= '0' && h <= '9')
			x = x * 16 + h - '0';
		else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
			x = x * 16 + (h | 0x20) - 'a' + 10;
		else {
			snprintf(what, sizeof(what), "incomplete escape \\%s", esc);
			trfail(t, what);
		}
		t->i++;
	}
	return x;
}

/* The escape at s[i] (after its backslash) in a class or not: a code
 * point (returned), or a class added to cs (returns -1). */
static long
escape(struct tr *t, struct cset *cs, int inclass)
{
	long x;
	int c;
	char what[64];

	if (t->i >= t->n)
		trfail(t, "bad escape (end of pattern)");
	c = (unsigned char)t->s[t->i++];
	switch (c) {
	case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
		setclass(t, cs, c, inclass);
		return -1;
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'f': return '\f';
	case 'v': return '\v';
	case 'a': return '\a';
	case 'x':
		return hexdigits(t, 2, "x");
	case 'u':
		return hexdigits(t, 4, "u");
	case 'U':
		if ((x = hexdigits(t, 8, "U")) > 0x10FFFF)
			trfail(t, "bad escape \\U (not a code point)");
		return x;
	case 'b':
		if (inclass)
			return '\b';
		break;
	}
	if (c >= 0x80)
		trfail(t, "an escaped non-ASCII character");
	if (c >= '0' && c <= '9') {
		snprintf(what, sizeof(what), "%s escape \\%c", inclass ? "octal" :
		    "backreference or octal", c);
		trfail(t, what);
	}
	if (isalpha_(c)) {
		snprintf(what, sizeof(what), "escape \\%c%s", c, inclass ? " in a class" : "");
		trfail(t, what);
	}
	return c;
}

/* A class item's code point for a range end, or -1 for a class. */
static long
classchar(struct tr *t, struct cset *cs)
{
	if (t->s[t->i] == '\\') {
		t->i++;
		return escape(t, cs, 1);
	}
	return cpat(t->s, t->n, &t->i);
}

static struct node *
klass(struct tr *t)
{
	struct cset *cs;
	long set = newset(t, &cs), lo, hi;
	int first = 1;

	t->i++;
	if (t->i < t->n && t->s[t->i] == '^') {
		cs->neg = 1;
		t->i++;
	}
	for (;; first = 0) {
		if (t->i >= t->n)
			trfail(t, "unterminated character set");
		if (t->s[t->i] == ']' && !first) {
			t->i++;
			break;
		}
		lo = classchar(t, cs);
		if (t->i + 1 < t->n && t->s[t->i] == '-' && t->s[t->i + 1] != ']') {
			t->i++;
			hi = classchar(t, cs);
			if (lo < 0 || hi < 0)
				trfail(t, "bad character range");
			if (lo > hi)
				trfail(t, "bad character range (reversed)");
			setcps(t, cs, lo, hi);
		} else if (lo >= 0)
			setcps(t, cs, lo, lo);
	}
	setfix(t, cs);
	return newnode(t, NSET, set);
}

/* {m}, {m,}, {,n}, {m,n} at s[i]: 1 and the bounds (max -1: none), or 0
 * when it is a literal {, as Python's. */
static int
braces(struct tr *t, long *min, long *max)
{
	size_t k = t->i + 1;
	long x;
	int digits;

	*min = 0;
	*max = -1;
	for (x = 0, digits = 0; k < t->n && t->s[k] >= '0' && t->s[k] <= '9'; k++, digits++)
		x = x > 100000 ? x : x * 10 + t->s[k] - '0';
	if (digits)
		*min = x;
	if (k < t->n && t->s[k] == '}') {
		if (!digits)
			return 0;
		*max = x;
		t->i = k + 1;
		return 1;
	}
	if (k >= t->n || t->s[k] != ',')
		return 0;
	for (k++, x = 0, digits = 0; k < t->n && t->s[k] >= '0' && t->s[k] <= '9'; k++, digits++)
		x = x > 100000 ? x : x * 10 + t->s[k] - '0';
	if (k >= t->n || t->s[k] != '}')
		return 0;
	if (digits)
		*max = x;
	t->i = k + 1;
	return 1;
}

/* Whether n can match the empty string. */
static int
nullable(const struct node *n)
{
	size_t k;

	switch (n->type) {
	case NCHAR: case NANY: case NSET:
		return 0;
	case NCAT:
		for (k = 0; k < n->nkid; k++)
			if (!nullable(n->kid[k]))
				return 0;
		return 1;
	case NALT:
		for (k = 0; k < n->nkid; k++)
			if (nullable(n->kid[k]))
				return 1;
		return 0;
	case NGROUP:
		return nullable(n->kid[0]);
	case NREP:
		return n->min == 0 || nullable(n->kid[0]);
	default:
		return 1;
	}
}

/* The fewest and the most code points n matches, as sre_parse's
 * getwidth counts them (MAXREPEAT: no bound): what a lookbehind needs to
 * be the same. */
static void
width(const struct tr *t, const struct node *n, long long *lo, long long *hi)
{
	long long l, h;
	size_t k;

	*lo = *hi = 0;
	switch (n->type) {
	case NCHAR: case NANY: case NSET:
		*lo = *hi = 1;
		break;
	case NCAT:
		for (k = 0; k < n->nkid; k++) {
			width(t, n->kid[k], &l, &h);
			*lo = *lo + l < MAXREPEAT ? *lo + l : MAXREPEAT;
			*hi = *hi + h < MAXREPEAT ? *hi + h : MAXREPEAT;
		}
		break;
	case NALT:
		*lo = MAXREPEAT - 1;
		for (k = 0; k < n->nkid; k++) {
			width(t, n->kid[k], &l, &h);
			*lo = l < *lo ? l : *lo;
			*hi = h > *hi ? h : *hi;
		}
		break;
	case NGROUP:
		width(t, n->kid[0], lo, hi);
		break;
	case NREP:
		width(t, n->kid[0], &l, &h);
		/* (braces() keeps a bound under 2^20: no overflow) */
		*lo = l * n->min;
		*hi = n->max >= 0 ? h * n->max : h ? MAXREPEAT : 0;
		break;
	case NBREF:
		*lo = t->gw[n->x][0];
		*hi = t->gw[n->x][1];
		break;
	default:	/* the empty string, an assertion or a lookaround */
		break;
	}
	*lo = *lo < MAXREPEAT - 1 ? *lo : MAXREPEAT - 1;
	*hi = *hi < MAXREPEAT ? *hi : MAXREPEAT;
}

/* The group named at s[i] up to end (> or )), i past it. */
static char *
groupname(struct tr *t, int end)
{
	size_t st = t->i, k;
	char *name;

	while (t->i < t->n && t->s[t->i] != end)
		t->i++;
	if (t->i >= t->n)
		trfail(t, "missing group name terminator");
	if (t->i == st)
		trfail(t, "missing group name");
	for (k = st; k < t->i; k++) {
		unsigned char c = (unsigned char)t->s[k];
		if (!(c == '_' || isalpha_(c) || (k > st && c >= '0' && c <= '9')))
			trfail(t, "a group name that is not an ASCII identifier");
	}
	name = arenaalloc(t->a, t->i - st + 1);
	memcpy(name, t->s + st, t->i - st);
	name[t->i - st] = '\0';
	t->i++;
	return name;
}

static long
groupbyname(struct tr *t, const char *name)
{
	size_t g;

	for (g = 1; g <= t->r->ngroups; g++)
		if (t->r->names[g] && !strcmp(t->r->names[g], name))
			return (long)g;
	trfail(t, "unknown group name");
	return 0;
}

/* A backreference to g, refused where sre_parse refuses one in a
 * lookbehind. */
static struct node *
groupref(struct tr *t, long g)
{
	if (t->open[g])
		trfail(t, "cannot refer to an open group");
	if (t->lbgroups && g >= t->lbgroups)
		trfail(t, "cannot refer to group defined in the same lookbehind subpattern");
	return newnode(t, NBREF, g);
}

static struct node *alternation(struct tr *);

/* Past the token at s[i]: a backslash and what follows it are one, as
 * sre_parse's tokenizer reads them (in a comment too). */
static void
token(struct tr *t)
{
	if (t->s[t->i] == '\\' && t->i + 1 >= t->n)
		trfail(t, "bad escape (end of pattern)");
	t->i += t->s[t->i] == '\\' ? 2 : 1;
}

/* VERBOSE: whitespace, and # to the end of the line, between tokens. */
static void
skip(struct tr *t)
{
	if (!(t->flags & FX))
		return;
	while (t->i < t->n) {
		if (strchr(" \t\n\r\v\f", t->s[t->i]) && t->s[t->i])
			t->i++;
		else if (t->s[t->i] == '#') {
			while (t->i < t->n && t->s[t->i] != '\n')
				token(t);
			t->i += t->i < t->n;
		} else
			break;
	}
}

/* An inline flag's letter: its flag, or 0. */
static int
flagof(int c)
{
	switch (c) {
	case 'a': return FA;
	case 'i': return FI;
	case 'L': return FL;
	case 'm': return FM;
	case 's': return FS;
	case 't': return FT;
	case 'u': return FU;
	case 'x': return FX;
	}
	return 0;
}

/* The flags at s[i] of (?aiLmstux) or (?aiLmstux-imsx:...), as sre_parse
 * reads them, i past the ) or the :: 1 for global ones, 0 for a
 * group's. */
static int
inlineflags(struct tr *t, int *add, int *del)
{
	const int types = FA | FL | FU;
	int f, c;

	*add = *del = 0;
	if (t->s[t->i] != '-')
		for (;;) {
			f = flagof(t->s[t->i++]);
			if (f == FL)
				trfail(t, "bad inline flags: cannot use 'L' flag with a str pattern");
			*add |= f;
			if ((f & types) && (*add & types) != f)
				trfail(t, "bad inline flags: flags 'a', 'u' and 'L' are incompatible");
			if (t->i >= t->n)
				trfail(t, "missing -, : or )");
			c = (unsigned char)t->s[t->i];
			if (c == ')' || c == '-' || c == ':')
				break;
			if (!flagof(c))
				trfail(t, isalpha_(c) ? "unknown flag" : "missing -, : or )");
		}
	c = (unsigned char)t->s[t->i++];
	if (c == ')')
		return 1;
	if (*add & FT)
		trfail(t, "bad inline flags: cannot turn on global flag");
	if (c == '-') {
		c = t->i < t->n ? (unsigned char)t->s[t->i] : 0;
		if (!flagof(c))
			trfail(t, isalpha_(c) ? "unknown flag" : "missing flag");
		for (; t->i < t->n && (f = flagof(t->s[t->i])); t->i++) {
			if (f & types)
				trfail(t, "bad inline flags: cannot turn off flags 'a', 'u' and 'L'");
			*del |= f;
		}
		c = t->i < t->n ? (unsigned char)t->s[t->i++] : 0;
		if (c != ':')
			trfail(t, isalpha_(c) ? "unknown flag" : "missing :");
	}
	if (*del & FT)
		trfail(t, "bad inline flags: cannot turn off global flag");
	if (*add & *del)
		trfail(t, "bad inline flags: flag turned on and off");
	return 0;
}

/* The group at s[i], its ( there. */
static struct node *
group(struct tr *t)
{
	struct node *n;
	char *name = NULL;
	size_t g = 0;
	int look = -1, behind = 0, capture = 1, outer = t->flags, add, del, c;
	long lb = t->lbgroups;
	long long lo, hi;
	char what[64];

	t->i++;
	if (t->i < t->n && t->s[t->i] == '?') {
		t->i++;
		capture = 0;
		if (t->i >= t->n)
			trfail(t, "unexpected end of pattern");
		c = (unsigned char)t->s[t->i];
		if (c == '<') {
			if (++t->i >= t->n)
				trfail(t, "unexpected end of pattern");
			c = (unsigned char)t->s[t->i];
			if (c != '=' && c != '!') {
				snprintf(what, sizeof(what), "unknown extension ?<%c", c);
				trfail(t, what);
			}
			behind = 1;
		}
		if (c == ':')
			t->i++;
		else if (c == '=' || c == '!')
			look = t->s[t->i++] == '!';
		else if (c == '#') {
			while (t->i < t->n && t->s[t->i] != ')')
				token(t);
			if (t->i >= t->n)
				trfail(t, "missing ), unterminated comment");
			t->i++;
			return newnode(t, NEMPTY, 0);
		} else if (t->i + 1 < t->n && c == 'P' && t->s[t->i + 1] == '<') {
			t->i += 2;
			name = groupname(t, '>');
			for (g = 1; g <= t->r->ngroups; g++)
				if (t->r->names[g] && !strcmp(t->r->names[g], name))
					trfail(t, "redefinition of a group name");
			capture = 1;
		} else if (t->i + 1 < t->n && c == 'P' && t->s[t->i + 1] == '=') {
			t->i += 2;
			name = groupname(t, ')');
			return groupref(t, groupbyname(t, name));
		} else if (c == '>')
			trfail(t, "atomic group (?>...)");
		else if (c == '(')
			trfail(t, "conditional group (?(...)...)");
		else if (flagof(c) || c == '-') {
			if (inlineflags(t, &add, &del)) {
				/* global: Python's at the start only */
				if (!t->atstart)
					trfail(t, "global flags not at the start of the expression");
				if (add & FT)
					trfail(t, "the TEMPLATE flag (?t)");
				t->flags |= add;
				t->r->flags |= add;
				return newnode(t, NEMPTY, 0);
			}
			/* the group's: ASCII and UNICODE take each other's place */
			if (add & (FA | FU))
				t->flags &= ~(FA | FU);
			t->flags = (t->flags | add) & ~del;
		} else {
			snprintf(what, sizeof(what), "unknown extension ?%c", c);
			trfail(t, what);
		}
	}
	t->atstart = 0;
	g = 0;
	if (capture) {
		if (++t->r->ngroups > MAXGROUPS)
			trfail(t, "more than 99 groups");
		g = t->r->ngroups;
		t->r->names[g] = name;
		t->open[g] = 1;
	}
	if (behind && !lb)
		t->lbgroups = (long)t->r->ngroups + 1;
	n = newnode(t, look >= 0 ? NLOOK : NGROUP, (long)g);
	n->neg = look == 1;
	n->min = -1;
	addkid(t, n, alternation(t));
	if (t->i >= t->n || t->s[t->i] != ')')
		trfail(t, "missing ), unterminated subpattern");
	t->i++;
	t->flags = outer;
	t->lbgroups = lb;
	if (g) {
		t->open[g] = 0;
		width(t, n->kid[0], &t->gw[g][0], &t->gw[g][1]);
	}
	if (behind) {
		width(t, n->kid[0], &lo, &hi);
		if (lo != hi)
			trfail(t, "look-behind requires fixed-width pattern");
		n->min = (long)lo;
	}
	return n;
}

/* The backreference \N at s[i] (the first digit), or refused as octal. */
static struct node *
backref(struct tr *t)
{
	size_t k = t->i;
	long g = t->s[k++] - '0';

	if (g == 0 || (k + 1 < t->n && t->s[k - 1] <= '7' && t->s[k] >= '0' && t->s[k] <= '7' &&
	    t->s[k + 1] >= '0' && t->s[k + 1] <= '7'))
		trfail(t, "octal escape");
	if (k < t->n && t->s[k] >= '0' && t->s[k] <= '9')
		g = g * 10 + t->s[k++] - '0';
	t->i = k;
	if ((size_t)g > t->r->ngroups)
		trfail(t, "invalid group reference");
	return groupref(t, g);
}

/* An atom at s[i], or NULL at | ) or the end. */
static struct node *
atom(struct tr *t)
{
	struct cset *cs;
	struct node *n;
	long c, set;

	c = (unsigned char)t->s[t->i];
	switch (c) {
	case '|': case ')':
		return NULL;
	case '*': case '+': case '?':
		trfail(t, "nothing to repeat");
		break;
	case '{': {
		size_t at = t->i;
		long min, max;
		if (braces(t, &min, &max))
			trfail(t, "nothing to repeat");
		t->i = at + 1;
		return newnode(t, NCHAR, '{');
	}
	case '(':
		return group(t);
	case '[':
		return klass(t);
	case '.':
		t->i++;
		return newnode(t, NANY, !(t->flags & FS));
	case '^':
		t->i++;
		return newnode(t, NASSERT, OBOL);
	case '$':
		t->i++;
		return newnode(t, NASSERT, OEOL);
	case '\\':
		if (t->i + 1 < t->n && t->s[t->i + 1] >= '0' && t->s[t->i + 1] <= '9') {
			t->i++;
			return backref(t);
		}
		if (t->i + 1 < t->n && strchr("bBAZ", t->s[t->i + 1]) && t->s[t->i + 1]) {
			c = t->s[t->i + 1];
			t->i += 2;
			if (c == 'b' || c == 'B') {
				n = newnode(t, NASSERT, OWORDB);
				n->neg = c == 'B';
				return n;
			}
			return newnode(t, NASSERT, c == 'A' ? OBEGIN : OEND);
		}
		t->i++;
		set = newset(t, &cs);
		if ((c = escape(t, cs, 0)) < 0) {
			setfix(t, cs);
			return newnode(t, NSET, set);
		}
		break;
	default:
		c = cpat(t->s, t->n, &t->i);
	}
	if (c >= 0x80 && (t->flags & FI) && !(t->flags & FA))
		trfail(t, "IGNORECASE with a non-ASCII character");
	return newnode(t, NCHAR, c);
}

/* A quantifier at s[i] on n, or n. */
static struct node *
quantified(struct tr *t, struct node *n)
{
	struct node *q;
	long min, max;
	int c;

	for (;;) {
		skip(t);
		if (t->i >= t->n)
			return n;
		c = (unsigned char)t->s[t->i];
		if (c == '{') {
			size_t at = t->i;
			if (!braces(t, &min, &max))
				return n;
			if (max >= 0 && min > max) {
				t->i = at;
				trfail(t, "min repeat greater than max repeat");
			}
		} else if (c == '*' || c == '+' || c == '?') {
			t->i++;
			min = c == '+';
			max = c == '?' ? 1 : -1;
		} else
			return n;
		if (n->type == NASSERT || n->type == NLOOK || n->type == NEMPTY)
			trfail(t, "nothing to repeat");
		if (n->type == NREP)
			trfail(t, "multiple repeat");
		if (nullable(n) && max != 1)
			trfail(t, "a repeat of what can match the empty string");
		q = newnode(t, NREP, 0);
		q->min = min;
		q->max = max;
		q->greedy = 1;
		if (t->i < t->n && t->s[t->i] == '?') {
			q->greedy = 0;
			t->i++;
		} else if (t->i < t->n && t->s[t->i] == '+')
			trfail(t, "possessive quantifier");
		addkid(t, q, n);
		n = q;
	}
}

static struct node *
concatenation(struct tr *t)
{
	struct node *cat = newnode(t, NCAT, 0), *n;

	while (skip(t), t->i < t->n && (n = atom(t))) {
		/* what a comment or global flags leave is nothing */
		if (n->type != NEMPTY)
			t->atstart = 0;
		addkid(t, cat, quantified(t, n));
	}
	return cat;
}

static struct node *
alternation(struct tr *t)
{
	struct node *alt = newnode(t, NALT, 0);

	addkid(t, alt, concatenation(t));
	while (t->i < t->n && t->s[t->i] == '|') {
		t->i++;
		t->atstart = 0;
		addkid(t, alt, concatenation(t));
	}
	return alt->nkid == 1 ? alt->kid[0] : alt;
}

/* ---- the program ---- */

struct prog {
	struct tr *t;
	struct ins *code;
	size_t n, cap;
};

static size_t
emit(struct prog *p, enum opc op, long x, long y)
{
	if (p->n == MAXCODE)
		trfail(p->t, "a pattern too large (its repeats)");
	if (p->n == p->cap) {
		/* in the arena, as a refusal leaves by jfail() */
		struct ins *c = arenaalloc(p->t->a, (p->cap ? 2 * p->cap : 64) * sizeof(*c));
		if (p->n)
			memcpy(c, p->code, p->n * sizeof(*c));
		p->code = c;
		p->cap = p->cap ? 2 * p->cap : 64;
	}
	p->code[p->n].op = op;
	p->code[p->n].x = x;
	p->code[p->n].y = y;
	return p->n++;
}

static void
gen(struct prog *p, const struct node *n)
{
	/* IGNORECASE, as ASCII's (1) or Unicode's (2) */
	int ic = n->fl & FI ? n->fl & FA ? 1 : 2 : 0;
	size_t k, at, *jumps;
	long i;

	switch (n->type) {
	case NEMPTY:
		break;
	case NCHAR:
		emit(p, OCHAR, n->x, n->x < 128 && isalpha_((int)n->x) ? ic : 0);
		break;
	case NANY:
		emit(p, OANY, n->x, 0);
		break;
	case NSET:
		emit(p, OSET, n->x, 0);
		break;
	case NCAT:
		for (k = 0; k < n->nkid; k++)
			gen(p, n->kid[k]);
		break;
	case NALT:
		jumps = arenaalloc(p->t->a, n->nkid * sizeof(*jumps));
		for (k = 0; k + 1 < n->nkid; k++) {
			at = emit(p, OSPLIT, (long)p->n + 1, 0);
			gen(p, n->kid[k]);
			jumps[k] = emit(p, OJMP, 0, 0);
			p->code[at].y = (long)p->n;
		}
		gen(p, n->kid[k]);
		for (k = 0; k + 1 < n->nkid; k++)
			p->code[jumps[k]].x = (long)p->n;
		break;
	case NGROUP:
		if (n->x)
			emit(p, OSAVE, 2 * n->x, 0);
		gen(p, n->kid[0]);
		if (n->x)
			emit(p, OSAVE, 2 * n->x + 1, 0);
		break;
	case NREP:
		for (i = 0; i < n->min; i++)
			gen(p, n->kid[0]);
		if (n->max < 0) {
			/* L: split body, out; body; jmp L */
			at = emit(p, OSPLIT, 0, 0);
			gen(p, n->kid[0]);
			emit(p, OJMP, (long)at, 0);
			p->code[at].x = n->greedy ? (long)at + 1 : (long)p->n;
			p->code[at].y = n->greedy ? (long)p->n : (long)at + 1;
			break;
		}
		if (n->max - n->min > MAXCODE)
			trfail(p->t, "a pattern too large (its repeats)");
		jumps = arenaalloc(p->t->a, ((size_t)(n->max - n->min) + 1) * sizeof(*jumps));
		for (i = 0; i < n->max - n->min; i++) {
			jumps[i] = emit(p, OSPLIT, 0, 0);
			gen(p, n->kid[0]);
		}
		for (i = 0; i < n->max - n->min; i++) {
			p->code[jumps[i]].x = n->greedy ? (long)jumps[i] + 1 : (long)p->n;
			p->code[jumps[i]].y = n->greedy ? (long)p->n : (long)jumps[i] + 1;
		}
		break;
	case NASSERT:
		emit(p, (enum opc)n->x, n->x == OWORDB ? n->neg : (n->fl & FM) != 0,
		    n->x == OWORDB && !(n->fl & FA));
		break;
	case NBREF:
		emit(p, OBREF, n->x, ic);
		break;
	case NLOOK:
		at = emit(p, OLOOK, 0, n->neg);
		if (n->min >= 0)
			emit(p, OBACK, n->min, 0);
		gen(p, n->kid[0]);
		emit(p, OMATCH, 0, 0);
		p->code[at].x = (long)p->n;
		break;
	}
}

static void
compile(struct jev *v, struct rx *r)
{
	struct tr t = {0};
	struct prog p = {0};
	struct node *root;

	t.v = v;
	t.r = r;
	t.a = jevarena(v);
	t.s = r->pat->u.str.s;
	t.n = r->pat->u.str.n;
	r->names = arenaalloc(t.a, (MAXGROUPS + 2) * sizeof(*r->names));
	memset(r->names, 0, (MAXGROUPS + 2) * sizeof(*r->names));
	t.open = arenaalloc(t.a, MAXGROUPS + 2);
	memset(t.open, 0, MAXGROUPS + 2);
	t.gw = arenaalloc(t.a, (MAXGROUPS + 2) * sizeof(*t.gw));
	t.flags = r->flags;
	t.atstart = 1;
	root = alternation(&t);
	if (t.i < t.n)
		trfail(&t, "unbalanced parenthesis");
	if ((r->flags & FA) && (r->flags & FU))
		jfail(v, "ASCII and UNICODE flags are incompatible");
	p.t = &t;
	gen(&p, root);
	emit(&p, OMATCH, 0, 0);
	r->code = p.code;
	r->ncode = p.n;
}

/* ---- arguments ---- */

static const struct jclass patclass, matchclass;

static int64_t
intarg(struct jev *v, const char *fn, const char *name, struct jv *x)
{
	if (x->type == JBOOL)
		return x->u.b;
	if (x->type != JINT)
		jfail(v, "modules.re.%s(): %s must be an int, not %s", fn, name, jvtypename(x));
	return x->u.i;
}

static struct rx *
newrx(struct jev *v, struct jv *pat, struct jv *flags)
{
	struct rx *r;
	int64_t f = flags ? intarg(v, "compile", "flags", flags) : 0;

	if (pat->type == JOBJ && pat->u.obj.cls == &patclass) {
		if (f)
			jfail(v, "cannot process flags argument with a compiled pattern");
		return pat->u.obj.data;
	}
	if (pat->type != JSTR)
		jfail(v, "first argument must be string or compiled pattern");
	if (f & ~(int64_t)(FA | FI | FM | FS | FU | FX))
		jfail(v, "unsupported: modules.re flags %lld (only A, I, M, S, U and X)",
		    (long long)f);
	r = arenaalloc(jevarena(v), sizeof(*r));
	memset(r, 0, sizeof(*r));
	r->pat = pat;
	r->flags = (int)f;
	compile(v, r);
	return r;
}

/* The text a pattern is matched on. */
static void
subject(struct jev *v, struct jv *s)
{
	if (s->type != JSTR)
		jfail(v, "expected string or bytes-like object, got '%s'", jvtypename(s));
}

/* ---- matching ---- */

/* A group's span in the text, byte offsets; -1 when it did not take part. */
struct span {
	long so, eo;
};

/* What the machine backtracks to: a path to try (pc, pos), or a capture
 * slot to restore (pc -1). */
struct bt {
	long pc;
	long pos;		/* or the slot */
	long old;
};

struct vm {
	struct jev *v;
	const struct rx *r;
	const char *s;
	long n;
	long *cap;		/* 2 * (ngroups + 1) slots */
	struct bt *st;
	size_t nst, capst;
	unsigned long steps;
};

static void
push(struct vm *m, long pc, long pos, long old)
{
	if (m->nst == m->capst) {
		m->capst = m->capst ? 2 * m->capst : 64;
		m->st = xreallocarray(m->st, m->capst, sizeof(*m->st));
	}
	m->st[m->nst].pc = pc;
	m->st[m->nst].pos = pos;
	m->st[m->nst++].old = old;
}

/* Whether the character at byte i of the text is a word character, as
 * ASCII's or (uni) Unicode's tables say; -1 where they are not here. */
static int
wordat(const struct vm *m, size_t i, int uni)
{
	long c = cpat(m->s, (size_t)m->n, &i);

	return c < 128 || uni ? isword(c) : 0;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* Whether c is in cs, or -1 where Unicode's tables would say. */
static int
inset(const struct cset *cs, long c)
{
	size_t k;
	int in = 0;

	if (c < 128)
		in = c > 0 && cs->a[c];
	else if (cs->uni && !inranges(known, NR(known), c))
		return -1;
	else {
		in = cs->hi || (cs->fold && partner(c) && cs->a[partner(c)]);
		for (k = 0; k < cs->nr && !in; k++)
			in = c >= cs->r[k][0] && c <= cs->r[k][1];
	}
	return in != cs->neg;
}

/* Run from pc at pos, down to the stack's depth base: the end of the
 * first match (its captures in m->cap), -1, -2 past MAXSTEPS, or -3 where
 * a non-ASCII character meets what Unicode's tables decide. With
 * full, it must end at the end of the text; with nonempty, it must not be
 * empty at from. */
static long
run(struct vm *m, long pc, long pos, size_t base, int full, long from, int nonempty)
{
	const struct ins *in;
	long c, e, k;
	size_t i;

	for (;;) {
		if (++m->steps > MAXSTEPS)
			return -2;
		in = &m->r->code[pc];
		switch (in->op) {
		case OCHAR:
			if (pos >= m->n)
				goto fail;
			i = (size_t)pos;
			c = cpat(m->s, (size_t)m->n, &i);
			if (c != in->x && !(in->y && (c < 128 ? lower((int)c) == lower((int)in->x) :
			    in->y == 2 && partner(c) == lower((int)in->x))))
				goto fail;
			pos = (long)i;
			pc++;
			continue;
		case OANY:
			if (pos >= m->n || (in->x && m->s[pos] == '\n'))
				goto fail;
			i = (size_t)pos;
			cpat(m->s, (size_t)m->n, &i);
			pos = (long)i;
			pc++;
			continue;
		case OSET:
			if (pos >= m->n)
				goto fail;
			i = (size_t)pos;
			c = cpat(m->s, (size_t)m->n, &i);
			if ((e = inset(&m->r->sets[in->x], c)) < 0)
				return -3;
			if (!e)
				goto fail;
			pos = (long)i;
			pc++;
			continue;
		case OSPLIT:
			push(m, in->y, pos, 0);
			pc = in->x;
			continue;
		case OJMP:
			pc = in->x;
			continue;
		case OSAVE:
			push(m, -1, in->x, m->cap[in->x]);
			m->cap[in->x] = pos;
			pc++;
			continue;
		case OBOL:
			if (!(pos == 0 || (in->x && m->s[pos - 1] == '\n')))
				goto fail;
			pc++;
			continue;
		case OEOL:
			if (!(pos == m->n || (in->x ? m->s[pos] == '\n' :
			    pos == m->n - 1 && m->s[pos] == '\n')))
				goto fail;
			pc++;
			continue;
		case OBEGIN:
			if (pos != 0)
				goto fail;
			pc++;
			continue;
		case OEND:
			if (pos != m->n)
				goto fail;
			pc++;
			continue;
		case OWORDB:
			/* the characters before and after */
			for (i = pos > 0 ? (size_t)pos - 1 : 0;
			    i > 0 && ((unsigned char)m->s[i] & 0xC0) == 0x80; i--)
				;
			k = pos > 0 ? wordat(m, i, (int)in->y) : 0;
			e = pos < m->n ? wordat(m, (size_t)pos, (int)in->y) : 0;
			if (k < 0 || e < 0)
				return -3;
			c = k != e;
			/* sre's \B never matches in an empty text */
			if (c == in->x || (in->x && m->n == 0))
				goto fail;
			pc++;
			continue;
		case OBREF:
			k = m->cap[2 * in->x];
			e = m->cap[2 * in->x + 1];
			if (k < 0 || e < 0)
				goto fail;
			/* Unicode's cases of a non-ASCII character are its
			 * tables' (and may be of another length) */
			for (c = k; in->y == 2 && c < e; c++)
				if ((unsigned char)m->s[c] >= 0x80)
					return -3;
			if (e - k > m->n - pos)
				goto fail;
			for (c = 0; c < e - k; c++) {
				int a = (unsigned char)m->s[pos + c], b = (unsigned char)m->s[k + c];
				if (a == b)
					continue;
				if (in->y == 2 && a >= 0x80)
					return -3;
				if (!in->y || lower(a) != lower(b))
					goto fail;
			}
			pos += e - k;
			pc++;
			continue;
		case OLOOK: {
			/* atomic, as sre's: what it captured stays when it
			 * matched, and is undone with the path it is on */
			size_t depth = m->nst, ncap = 2 * (m->r->ngroups + 1);
			long *saved = xreallocarray(NULL, ncap, sizeof(*saved));
			long r;
			int ok;
			memcpy(saved, m->cap, ncap * sizeof(*saved));
			r = run(m, pc + 1, pos, depth, 0, -1, 0);
			if (r < -1) {
				free(saved);
				return r;
			}
			ok = r >= 0;
			m->nst = depth;
			if (ok && !in->y) {
				for (i = 0; i < ncap; i++)
					if (saved[i] != m->cap[i])
						push(m, -1, (long)i, saved[i]);
			} else
				memcpy(m->cap, saved, ncap * sizeof(*saved));
			free(saved);
			if (ok == (int)in->y)
				goto fail;
			pc = in->x;
			continue;
		}
		case OBACK:
			/* where a lookbehind begins: too near the start, it
			 * fails (and (?<!...) holds) */
			for (k = 0; k < in->x; k++) {
				if (pos == 0)
					goto fail;
				while (--pos > 0 && ((unsigned char)m->s[pos] & 0xC0) == 0x80)
					;
			}
			m->steps += (unsigned long)k;
			pc++;
			continue;
		case OMATCH:
			if ((full && pos != m->n) || (nonempty && pos == from))
				goto fail;
			return pos;
		}
fail:
		for (;;) {
			if (m->nst == base)
				return -1;
			m->nst--;
			if (m->st[m->nst].pc >= 0)
				break;
			m->cap[m->st[m->nst].pos] = m->st[m->nst].old;
		}
		pc = m->st[m->nst].pc;
		pos = m->st[m->nst].pos;
	}
}

static size_t
cplen(const char *s, size_t n, size_t i)
{
	size_t k = i + 1;

	while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
		k++;
	return k - i;
}

/* The first match at or after pos (at pos only with anchored), as
 * Python's search, match and fullmatch find it: 1 and its spans in sp
 * (ngroups + 1), or 0. nonempty: not an empty match at pos. */
static int
rxfind(struct jev *v, const struct rx *r, const struct jv *s, size_t pos, int anchored,
    int full, int nonempty, struct span *sp)
{
	struct vm m = {0};
	size_t ncap = 2 * (r->ngroups + 1), k, at;
	long e = -1;

	m.v = v;
	m.r = r;
	m.s = s->u.str.s;
	m.n = (long)s->u.str.n;
	m.cap = arenaalloc(jevarena(v), ncap * sizeof(*m.cap));
	for (at = pos; at <= s->u.str.n; at += at < s->u.str.n ? cplen(m.s, s->u.str.n, at) : 1) {
		for (k = 0; k < ncap; k++)
			m.cap[k] = -1;
		m.nst = 0;
		if ((e = run(&m, 0, (long)at, 0, full, (long)pos, nonempty)) != -1 || anchored)
			break;
	}
	free(m.st);
	if (e == -2)
		refuse(v, r, "a match that backtracks too much");
	if (e == -3)
		refuse(v, r, "\\w \\d \\b on a non-ASCII character past Latin, Greek and "
		    "Cyrillic, or an IGNORECASE backreference on one (Python's are Unicode's)");
	if (e < 0)
		return 0;
	m.cap[0] = (long)at;
	m.cap[1] = e;
	for (k = 0; k <= r->ngroups; k++) {
		sp[k].so = m.cap[2 * k] >= 0 && m.cap[2 * k + 1] >= 0 ? m.cap[2 * k] : -1;
		sp[k].eo = sp[k].so >= 0 ? m.cap[2 * k + 1] : -1;
	}
	return 1;
}

/* Every match, as CPython's iteration finds them, up to max (0: all):
 * ngroups + 1 spans each, in out; returns how many. */
static size_t
rxall(struct jev *v, const struct rx *r, struct jv *s, size_t max, struct span **out)
{
	struct span *sp = NULL, *at;
	size_t k = 0, cap = 0, pos = 0, w = r->ngroups + 1, n = s->u.str.n;
	int adv = 0;

	while (pos <= n && (!max || k < max)) {
		if (k == cap) {
			cap = cap ? 2 * cap : 8;
			/* in the arena, as a refusal leaves by jfail() */
			at = arenaalloc(jevarena(v), cap * w * sizeof(*sp));
			if (k)
				memcpy(at, sp, k * w * sizeof(*sp));
			sp = at;
		}
		at = sp + k * w;
		if (!rxfind(v, r, s, pos, 0, 0, adv, at))
			break;
		adv = at[0].eo == at[0].so;
		pos = (size_t)at[0].eo;
		k++;
	}
	*out = sp;
	return k;
}

static struct jv *
slice(struct jev *v, struct jv *s, const struct span *m)
{
	if (m->so < 0)
		return &jvnone;
	return jvstr(jevarena(v), s->u.str.s + m->so, (size_t)(m->eo - m->so));
}

/* ---- Match ---- */

struct jmatch {
	struct jv *s;
	size_t ng;
	struct span *m;
	char **names;		/* the pattern's group names */
};

static struct jv *
newmatch(struct jev *v, struct jv *s, const struct rx *r, const struct span *m)
{
	struct jmatch *x = arenaalloc(jevarena(v), sizeof(*x));

	x->s = s;
	x->ng = r->ngroups;
	x->names = r->names;
	x->m = arenaalloc(jevarena(v), (x->ng + 1) * sizeof(*m));
	memcpy(x->m, m, (x->ng + 1) * sizeof(*m));
	return jvobj(jevarena(v), &matchclass, x);
}

/* The group named name (n bytes) of names, or 0. */
static size_t
named(char *const *names, size_t ng, const char *name, size_t n)
{
	size_t g;

	for (g = 1; g <= ng; g++)
		if (names[g] && strlen(names[g]) == n && !memcmp(names[g], name, n))
			return g;
	return 0;
}

static size_t
groupno(struct jev *v, struct jmatch *x, struct jv *g)
{
	size_t k;

	if (g->type == JSTR) {
		if (!(k = named(x->names, x->ng, g->u.str.s, g->u.str.n)))
			jfail(v, "no such group");
		return k;
	}
	if ((g->type != JINT && g->type != JBOOL) ||
	    (g->type == JINT && (g->u.i < 0 || (uint64_t)g->u.i > x->ng)))
		jfail(v, "no such group");
	return g->type == JINT ? (size_t)g->u.i : (size_t)g->u.b;
}

static struct jv *
mgroup(struct jev *v, void *data, struct jcall *c)
{
	struct jmatch *x = data;
	struct jv *t;
	size_t k;

	if (c->nkw)
		jfail(v, "group() takes no keyword arguments");
	if (c->npos == 0)
		return slice(v, x->s, &x->m[0]);
	if (c->npos == 1)
		return slice(v, x->s, &x->m[groupno(v, x, c->pos[0])]);
	t = jvlist(jevarena(v), JTUPLE);
	for (k = 0; k < c->npos; k++)
		jvpush(jevarena(v), t, slice(v, x->s, &x->m[groupno(v, x, c->pos[k])]));
	return t;
}

static struct jv *
mgroups(struct jev *v, void *data, struct jcall *c)
{
	struct jmatch *x = data;
	struct jv *t = jvlist(jevarena(v), JTUPLE), *d = &jvnone, *g;
	size_t k;

	if (c->npos > 1 || (c->nkw && (c->nkw > 1 || c->npos || strcmp(c->names[0], "default"))))
		jfail(v, "groups() takes at most 1 argument (default)");
	if (c->npos)
		d = c->pos[0];
	else if (c->nkw)
		d = c->kw[0];
	for (k = 1; k <= x->ng; k++) {
		g = slice(v, x->s, &x->m[k]);
		jvpush(jevarena(v), t, g->type == JNONE ? d : g);
	}
	return t;
}

static struct jv *
mgroupdict(struct jev *v, void *data, struct jcall *c)
{
	struct jmatch *x = data;
	struct arena *a = jevarena(v);
	struct jv *t = jvdict(a), *d = &jvnone, *g;
	size_t k;

	if (c->npos > 1 || (c->nkw && (c->nkw > 1 || c->npos || strcmp(c->names[0], "default"))))
		jfail(v, "groupdict() takes at most 1 argument (default)");
	if (c->npos)
		d = c->pos[0];
	else if (c->nkw)
		d = c->kw[0];
	for (k = 1; k <= x->ng; k++)
		if (x->names[k]) {
			g = slice(v, x->s, &x->m[k]);
			jvset(a, t, jvstr(a, x->names[k], strlen(x->names[k])),
			    g->type == JNONE ? d : g);
		}
	return t;
}

/* start, end, span of group g: code point offsets, -1 unmatched. */
static struct jv *
mpos(struct jev *v, struct jmatch *x, struct jcall *c, const char *fn, int which)
{
	struct arena *a = jevarena(v);
	size_t g = 0;
	int64_t so = -1, eo = -1;
	struct jv *t;

	if (c->nkw || c->npos > 1)
		jfail(v, "%s() takes at most 1 positional argument", fn);
	if (c->npos)
		g = groupno(v, x, c->pos[0]);
	if (x->m[g].so >= 0) {
		so = (int64_t)jvutf8len(x->s->u.str.s, (size_t)x->m[g].so);
		eo = (int64_t)jvutf8len(x->s->u.str.s, (size_t)x->m[g].eo);
	}
	if (which == 0)
		return jvint(a, so);
	if (which == 1)
		return jvint(a, eo);
	t = jvlist(a, JTUPLE);
	jvpush(a, t, jvint(a, so));
	jvpush(a, t, jvint(a, eo));
	return t;
}

static struct jv *
mstart(struct jev *v, void *data, struct jcall *c)
{
	return mpos(v, data, c, "start", 0);
}

static struct jv *
mend(struct jev *v, void *data, struct jcall *c)
{
	return mpos(v, data, c, "end", 1);
}

static struct jv *
mspan(struct jev *v, void *data, struct jcall *c)
{
	return mpos(v, data, c, "span", 2);
}

static struct jv *
matchattr(struct jev *v, struct jv *self, const char *name)
{
	struct jmatch *x = self->u.obj.data;
	struct arena *a = jevarena(v);

	if (!strcmp(name, "group"))
		return jvfunc(a, "group", mgroup, x);
	if (!strcmp(name, "groups"))
		return jvfunc(a, "groups", mgroups, x);
	if (!strcmp(name, "groupdict"))
		return jvfunc(a, "groupdict", mgroupdict, x);
	if (!strcmp(name, "start"))
		return jvfunc(a, "start", mstart, x);
	if (!strcmp(name, "end"))
		return jvfunc(a, "end", mend, x);
	if (!strcmp(name, "span"))
		return jvfunc(a, "span", mspan, x);
	if (!strcmp(name, "string"))
		return x->s;
	jfail(v, "unsupported: modules.re Match.%s", name);
	return NULL;
}

static struct jv *
matchitem(struct jev *v, struct jv *self, struct jv *key)
{
	struct jmatch *x = self->u.obj.data;

	return slice(v, x->s, &x->m[groupno(v, x, key)]);
}

static const struct jclass matchclass = {"Match", matchattr, NULL, NULL, NULL, matchitem, 0, NULL};

/* ---- the functions ---- */

enum op { SUB, SEARCH, MATCH, FULLMATCH, FINDALL, SPLIT, NOPS };

static const char *const opname[NOPS] = {"sub", "search", "match", "fullmatch",
	"findall", "split"};
/* Each one's parameters after pattern (and before flags, at module level). */
static const char *const params[NOPS][4] = {
	{"repl", "string", "count", NULL}, {"string", NULL}, {"string", NULL},
	{"string", NULL}, {"string", NULL}, {"string", "maxsplit", NULL},
};

/* A function of the module (rx NULL) or a method of a pattern. */
struct bound {
	enum op op;
	struct rx *rx;
};

/* A piece of a repl: text, or a group (text NULL). */
struct piece {
	const char *text;
	size_t n;
};

/* sub's repl as pieces: \1 \12 \g<1> groups, \\ a backslash. */
static struct piece *
template(struct jev *v, const struct rx *r, struct jv *repl, size_t *np)
{
	const char *s;
	size_t n, i = 0, k = 0, st, g = 0;
	struct piece *p;

	if (repl->type != JSTR)
		jfail(v, "unsupported: modules.re.sub with a repl that is not a str");
	s = repl->u.str.s;
	n = repl->u.str.n;
	p = arenaalloc(jevarena(v), (n + 1) * sizeof(*p));
	while (i < n) {
		if (s[i] != '\\') {
			for (st = i; i < n && s[i] != '\\'; i++)
				;
			p[k].text = s + st;
			p[k++].n = i - st;
			continue;
		}
		if (i + 1 >= n)
			jfail(v, "bad escape (end of pattern) in repl");
		if (s[i + 1] == '\\') {
			p[k].text = "\\";
			p[k++].n = 1;
			i += 2;
			continue;
		}
		st = i + 1;
		if (s[st] == 'g' && st + 1 < n && s[st + 1] == '<' &&
		    (s[st + 2] < '0' || s[st + 2] > '9')) {
			const char *e = memchr(s + st + 2, '>', n - st - 2);
			if (!e || !(g = named(r->names, r->ngroups, s + st + 2,
			    (size_t)(e - s - st - 2))))
				jfail(v, "unknown group name in modules.re.sub repl '%.*s'", (int)n, s);
			i = (size_t)(e - s) + 1;
		} else if (s[st] == 'g' && st + 1 < n && s[st + 1] == '<') {
			for (i = st + 2, g = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				g = g > 1000 ? g : g * 10 + (size_t)(s[i] - '0');
			if (i == st + 2 || i >= n || s[i] != '>')
				jfail(v, "unsupported: modules.re.sub repl '%.*s': \\g<...> "
				    "other than a group number", (int)n, s);
			i++;
		} else if (s[st] >= '1' && s[st] <= '9') {
			g = (size_t)(s[st] - '0');
			i = st + 1;
			if (i < n && s[i] >= '0' && s[i] <= '9') {
				if (i + 1 < n && s[st] <= '7' && s[i] <= '7' && s[i + 1] >= '0' &&
				    s[i + 1] <= '7')
					jfail(v, "unsupported: modules.re.sub repl '%.*s': octal escape",
					    (int)n, s);
				g = g * 10 + (size_t)(s[i++] - '0');
			}
		} else
			jfail(v, "unsupported: modules.re.sub repl '%.*s': escape \\%c", (int)n, s,
			    s[st]);
		if (g > r->ngroups)
			jfail(v, "invalid group reference %zu", g);
		p[k].text = NULL;
		p[k++].n = g;
	}
	*np = k;
	return p;
}

static struct jv *
dosub(struct jev *v, struct rx *r, struct jv *repl, struct jv *s, int64_t count)
{
	size_t np, nm, k, j, last = 0, w = r->ngroups + 1;
	struct piece *p = template(v, r, repl, &np);
	struct span *m, *at;
	struct buf b = {0};
	struct jv *res;

	nm = rxall(v, r, s, (size_t)count, &m);
	for (k = 0; k < nm; k++) {
		at = m + k * w;
		bufadd(&b, s->u.str.s + last, (size_t)at[0].so - last);
		for (j = 0; j < np; j++)
			if (p[j].text)
				bufadd(&b, p[j].text, p[j].n);
			else if (at[p[j].n].so >= 0)
				bufadd(&b, s->u.str.s + at[p[j].n].so,
				    (size_t)(at[p[j].n].eo - at[p[j].n].so));
		last = (size_t)at[0].eo;
	}
	bufadd(&b, s->u.str.s + last, s->u.str.n - last);
	res = jvstr(jevarena(v), b.s ? b.s : "", b.len);
	buffree(&b);
	return res;
}

static struct jv *
dofindall(struct jev *v, struct rx *r, struct jv *s)
{
	struct arena *a = jevarena(v);
	size_t nm, k, g, w = r->ngroups + 1;
	struct span *m, *at;
	struct jv *l = jvlist(a, JLIST), *t, *x;

	nm = rxall(v, r, s, 0, &m);
	for (k = 0; k < nm; k++) {
		at = m + k * w;
		if (r->ngroups <= 1) {
			x = slice(v, s, &at[r->ngroups]);
			jvpush(a, l, x->type == JNONE ? jvstr(a, "", 0) : x);
			continue;
		}
		t = jvlist(a, JTUPLE);
		for (g = 1; g <= r->ngroups; g++) {
			x = slice(v, s, &at[g]);
			jvpush(a, t, x->type == JNONE ? jvstr(a, "", 0) : x);
		}
		jvpush(a, l, t);
	}
	return l;
}

static struct jv *
dosplit(struct jev *v, struct rx *r, struct jv *s, int64_t max)
{
	struct arena *a = jevarena(v);
	size_t nm, k, g, last = 0, w = r->ngroups + 1;
	struct span *m, *at;
	struct jv *l = jvlist(a, JLIST);

	nm = rxall(v, r, s, (size_t)max, &m);
	for (k = 0; k < nm; k++) {
		at = m + k * w;
		jvpush(a, l, jvstr(a, s->u.str.s + last, (size_t)at[0].so - last));
		for (g = 1; g <= r->ngroups; g++)
			jvpush(a, l, slice(v, s, &at[g]));
		last = (size_t)at[0].eo;
	}
	jvpush(a, l, jvstr(a, s->u.str.s + last, s->u.str.n - last));
	return l;
}

static struct jv *
domatch(struct jev *v, struct rx *r, struct jv *s, enum op op)
{
	struct span *m = arenaalloc(jevarena(v), (r->ngroups + 1) * sizeof(*m));

	if (!rxfind(v, r, s, 0, op != SEARCH, op == FULLMATCH, 0, m))
		return &jvnone;
	return newmatch(v, s, r, m);
}

static struct jv *
call(struct jev *v, void *data, struct jcall *c)
{
	struct bound *f = data;
	const char *names[8];
	struct jv *val[8] = {0}, *flags;
	size_t np = 0, k, j, at;
	struct rx *r;
	int64_t count = 0;

	if (!f->rx)
		names[np++] = "pattern";
	for (k = 0; params[f->op][k]; k++)
		names[np++] = params[f->op][k];
	at = np;
	if (!f->rx)
		names[np++] = "flags";
	if (c->npos > np)
		jfail(v, "%s() takes at most %zu arguments (%zu given)", opname[f->op], np, c->npos);
	for (k = 0; k < c->npos; k++)
		val[k] = c->pos[k];
	for (k = 0; k < c->nkw; k++) {
		for (j = 0; j < np && strcmp(names[j], c->names[k]); j++)
			;
		if (j == np)
			jfail(v, "%s() got an unexpected keyword argument '%s'", opname[f->op],
			    c->names[k]);
		if (val[j])
			jfail(v, "%s() got multiple values for argument '%s'", opname[f->op],
			    names[j]);
		val[j] = c->kw[k];
	}
	for (k = 0; k < np; k++)
		if (!val[k] && strcmp(names[k], "count") && strcmp(names[k], "maxsplit") &&
		    strcmp(names[k], "flags"))
			jfail(v, "%s() missing required argument '%s'", opname[f->op], names[k]);
	flags = f->rx ? NULL : val[at];
	r = f->rx ? f->rx : newrx(v, val[0], flags);
	k = f->rx ? 0 : 1;
	if (f->op == SUB || f->op == SPLIT) {
		j = f->op == SUB ? k + 2 : k + 1;
		if (val[j])
			count = intarg(v, opname[f->op], names[j], val[j]);
		if (count < 0)
			jfail(v, "unsupported: modules.re.%s with a negative %s", opname[f->op],
			    names[j]);
	}
	switch (f->op) {
	case SUB:
		subject(v, val[k + 1]);
		return dosub(v, r, val[k], val[k + 1], count);
	case SPLIT:
		subject(v, val[k]);
		return dosplit(v, r, val[k], count);
	case FINDALL:
		subject(v, val[k]);
		return dofindall(v, r, val[k]);
	default:
		subject(v, val[k]);
		return domatch(v, r, val[k], f->op);
	}
}

static struct jv *
bind(struct jev *v, enum op op, struct rx *r)
{
	struct bound *f = arenaalloc(jevarena(v), sizeof(*f));

	f->op = op;
	f->rx = r;
	return jvfunc(jevarena(v), opname[op], call, f);
}

static struct jv *
lookup(struct jev *v, const char *name, struct rx *r)
{
	int k;

	for (k = 0; k < NOPS; k++)
		if (!strcmp(name, opname[k]))
			return bind(v, (enum op)k, r);
	return NULL;
}

/* ---- Pattern ---- */

static struct jv *
patattr(struct jev *v, struct jv *self, const char *name)
{
	struct rx *r = self->u.obj.data;
	struct jv *x = lookup(v, name, r);

	if (x)
		return x;
	if (!strcmp(name, "pattern"))
		return r->pat;
	if (!strcmp(name, "flags"))
		return jvint(jevarena(v), r->flags & FA ? r->flags : r->flags | FU);
	if (!strcmp(name, "groups"))
		return jvint(jevarena(v), (int64_t)r->ngroups);
	jfail(v, "unsupported: modules.re Pattern.%s", name);
	return NULL;
}

static const struct jclass patclass = {"Pattern", patattr, NULL, NULL, NULL, NULL, 0, NULL};

static struct jv *
fncompile(struct jev *v, void *data, struct jcall *c)
{
	struct jv *pat = c->npos > 0 ? c->pos[0] : NULL, *flags = c->npos > 1 ? c->pos[1] : NULL;
	size_t k;

	(void)data;
	for (k = 0; k < c->nkw; k++)
		if (!strcmp(c->names[k], "pattern") && !pat)
			pat = c->kw[k];
		else if (!strcmp(c->names[k], "flags") && !flags)
			flags = c->kw[k];
		else
			jfail(v, "compile() got an unexpected or repeated argument '%s'", c->names[k]);
	if (!pat || c->npos > 2)
		jfail(v, "compile() takes a pattern and flags");
	if (pat->type == JOBJ && pat->u.obj.cls == &patclass)
		return newrx(v, pat, flags), pat;
	return jvobj(jevarena(v), &patclass, newrx(v, pat, flags));
}

/* Python 3.7's re.escape: these characters get a backslash. */
static struct jv *
fnescape(struct jev *v, void *data, struct jcall *c)
{
	struct jv *s = c->npos == 1 && !c->nkw ? c->pos[0] : NULL, *res;
	struct buf b = {0};
	size_t k;

	(void)data;
	if (!s)
		jfail(v, "escape() takes exactly one argument (pattern)");
	if (s->type != JSTR)
		jfail(v, "unsupported: modules.re.escape of %s", jvtypename(s));
	for (k = 0; k < s->u.str.n; k++) {
		if (s->u.str.s[k] && strchr("()[]{}?*+-|^$\\.&~# \t\n\r\v\f", s->u.str.s[k]))
			bufputc(&b, '\\');
		bufputc(&b, s->u.str.s[k]);
	}
	res = jvstr(jevarena(v), b.s ? b.s : "", b.len);
	buffree(&b);
	return res;
}

static struct jv *
reattr(struct jev *v, struct jv *self, const char *name)
{
	static const struct { const char *name; int flag; } fl[] = {
		{"I", FI}, {"IGNORECASE", FI}, {"M", FM}, {"MULTILINE", FM},
		{"S", FS}, {"DOTALL", FS}, {"X", FX}, {"VERBOSE", FX},
		{"A", FA}, {"ASCII", FA}, {"U", FU}, {"UNICODE", FU},
	};
	struct jv *x = lookup(v, name, NULL);
	size_t k;

	(void)self;
	if (x)
		return x;
	if (!strcmp(name, "compile"))
		return jvfunc(jevarena(v), "compile", fncompile, NULL);
	if (!strcmp(name, "escape"))
		return jvfunc(jevarena(v), "escape", fnescape, NULL);
	for (k = 0; k < sizeof(fl) / sizeof(fl[0]); k++)
		if (!strcmp(name, fl[k].name))
			return jvint(jevarena(v), fl[k].flag);
	jfail(v, "unsupported: modules.re.%s", name);
	return NULL;
}

static const struct jclass reclass = {"re", reattr, NULL, NULL, NULL, NULL, 0, NULL};

static struct jv *
modattr(struct jev *v, struct jv *self, const char *name)
{
	if (!strcmp(name, "re"))
		return jvobj(jevarena(v), &reclass, NULL);
	if (!strcmp(name, "datetime"))
		return jdtmodule(jevarena(v), self->u.obj.data);
	if (!strcmp(name, "pytz"))
		return jdtpytz(jevarena(v));
	jfail(v, "unsupported: modules.%s", name);
	return NULL;
}

static const struct jclass modclass = {"modules", modattr, NULL, NULL, NULL, NULL, 0, NULL};

struct jv *
jremodules(struct arena *a, const struct jdtclock *clock)
{
	struct jdtclock *k = NULL;

	if (clock) {
		k = arenaalloc(a, sizeof *k);
		*k = *clock;
	}
	return jvobj(a, &modclass, k);
}
