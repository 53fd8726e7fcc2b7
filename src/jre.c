/* jre.c: modules.re, Python's re over POSIX <regex.h> (see jre.h).
 *
 * A Python pattern is translated to an ERE: every atom that is not a
 * plain character becomes a bracket expression of the ASCII bytes it
 * matches (computed here: \d \w \s, classes, ., IGNORECASE's case pairs),
 * so nothing depends on the locale. The translation refuses what could
 * match otherwise than Python: without alternation and without a
 * quantified group, a pattern is a concatenation of greedy quantified
 * single characters, where Python's first match is POSIX's longest, with
 * the same groups. Iteration (sub, findall, split) is CPython 3.7's: an
 * empty match is not taken where the previous match ended empty, and the
 * search then goes on one character further. Offsets are code points. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jdatetime.h"
#include "jeval.h"
#include "jre.h"

enum { FI = 2, FM = 8, FS = 16, FU = 32 };

/* A pattern, translated. */
struct rx {
	struct jv *pat;		/* Python's pattern (a JSTR) */
	int flags;
	char *ere;
	size_t ngroups;
	int dollar;		/* a $ without MULTILINE */
	int ascii;		/* needs ASCII text */
};

struct tr {
	struct jev *v;
	struct rx *r;
	struct buf b;
	const char *s;
	size_t n, i;
};

static void
refuse(struct jev *v, const struct rx *r, const char *what)
{
	jfail(v, "unsupported: modules.re pattern '%.*s': %s", (int)r->pat->u.str.n,
	    r->pat->u.str.s, what);
}

static void
trfail(struct tr *t, const char *what)
{
	buffree(&t->b);
	refuse(t->v, t->r, what);
}

/* ---- sets of ASCII characters (1-127) ---- */

static void
setrange(unsigned char *set, int lo, int hi)
{
	for (; lo <= hi; lo++)
		if (lo > 0 && lo < 128)
			set[lo] = 1;
}

static void
setclass(unsigned char *set, int c)
{
	unsigned char x[128] = {0};
	int k;

	switch (c | 0x20) {
	case 'd':
		setrange(x, '0', '9');
		break;
	case 'w':
		setrange(x, '0', '9'); setrange(x, 'a', 'z'); setrange(x, 'A', 'Z');
		x['_'] = 1;
		break;
	case 's':	/* str.isspace() of ASCII */
		setrange(x, '\t', '\r'); setrange(x, 0x1c, 0x1f); x[' '] = 1;
		break;
	}
	for (k = 1; k < 128; k++)
		if (x[k] == (c >= 'a'))
			set[k] = 1;
}

static int
isalpha_(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Close under case (IGNORECASE), then negate. */
static void
setfix(unsigned char *set, int icase, int neg)
{
	int k;

	if (icase)
		for (k = 1; k < 128; k++)
			if (set[k] && isalpha_(k))
				set[k ^ 0x20] = 1;
	if (neg)
		for (k = 1; k < 128; k++)
			set[k] = !set[k];
}

/* A bracket expression: ] first, ^ not first, - last, [ never before
 * . = or : (they sort before it). */
static void
emitset(struct tr *t, const unsigned char *set)
{
	int k, any = 0;

	for (k = 1; k < 128; k++)
		any += set[k];
	if (!any)
		trfail(t, "a set that matches nothing");
	if (any == 1 && set['^']) {
		bufputs(&t->b, "\\^");
		return;
	}
	bufputc(&t->b, '[');
	if (set[']'])
		bufputc(&t->b, ']');
	for (k = 1; k < 128; k++)
		if (set[k] && k != ']' && k != '^' && k != '-')
			bufputc(&t->b, k);
	if (set['^'])
		bufputc(&t->b, '^');
	if (set['-'])
		bufputc(&t->b, '-');
	bufputc(&t->b, ']');
}

/* ---- translation ---- */

/* The escape at s[i] (after its backslash): a character (returned), or
 * a class added to set (returns -1). */
static int
escape(struct tr *t, unsigned char *set, int inclass)
{
	int c, h, k, x = 0;
	char what[64];

	if (t->i >= t->n)
		trfail(t, "bad escape (end of pattern)");
	c = (unsigned char)t->s[t->i++];
	switch (c) {
	case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
		setclass(set, c);
		t->r->ascii = 1;
		return -1;
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'f': return '\f';
	case 'v': return '\v';
	case 'a': return '\a';
	case 'x':
		for (k = 0; k < 2; k++) {
			h = t->i < t->n ? (unsigned char)t->s[t->i] : 0;
			if (h >= '0' && h <= '9')
				x = x * 16 + h - '0';
			else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
				x = x * 16 + (h | 0x20) - 'a' + 10;
			else
				trfail(t, "incomplete escape \\x");
			t->i++;
		}
		if (x == 0 || x > 127)
			trfail(t, "an escape \\x of NUL or a non-ASCII character");
		return x;
	}
	if (c >= 0x80)
		trfail(t, "an escaped non-ASCII character");
	if (c >= '0' && c <= '9') {
		snprintf(what, sizeof(what), "backreference or octal escape \\%c", c);
		trfail(t, what);
	}
	if (strchr("bBAZ", c)) {
		snprintf(what, sizeof(what), "anchor \\%c", c);
		trfail(t, what);
	}
	if (isalpha_(c)) {
		snprintf(what, sizeof(what), "escape \\%c%s", c,
		    inclass ? " in a class" : "");
		trfail(t, what);
	}
	return c;
}

/* A class item's character for a range end, or -1 for a class. */
static int
classchar(struct tr *t, unsigned char *set)
{
	int c = (unsigned char)t->s[t->i];

	if (c == '\\') {
		t->i++;
		return escape(t, set, 1);
	}
	if (c >= 0x80)
		trfail(t, "a non-ASCII character in a class");
	t->i++;
	return c;
}

static void
klass(struct tr *t)
{
	unsigned char set[128] = {0};
	int neg = 0, first = 1, lo, hi;

	t->i++;
	if (t->i < t->n && t->s[t->i] == '^') {
		neg = 1;
		t->i++;
	}
	for (;; first = 0) {
		if (t->i >= t->n)
			trfail(t, "unterminated character set");
		if (t->s[t->i] == ']' && !first) {
			t->i++;
			break;
		}
		lo = classchar(t, set);
		if (t->i + 1 < t->n && t->s[t->i] == '-' && t->s[t->i + 1] != ']') {
			t->i++;
			hi = classchar(t, set);
			if (lo < 0 || hi < 0)
				trfail(t, "bad character range");
			if (lo > hi)
				trfail(t, "bad character range (reversed)");
			setrange(set, lo, hi);
		} else if (lo >= 0)
			set[lo] = 1;
	}
	if (neg)
		t->r->ascii = 1;
	setfix(set, t->r->flags & FI, neg);
	emitset(t, set);
}

static void
literal(struct tr *t, int c)
{
	unsigned char set[128] = {0};

	if ((c >= '0' && c <= '9') || (isalpha_(c) && !(t->r->flags & FI)))
		bufputc(&t->b, c);
	else {
		set[c] = 1;
		setfix(set, t->r->flags & FI, 0);
		emitset(t, set);
	}
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

enum { NONE, ATOM, GROUP, WIDE };

static void
quantifier(struct tr *t, int last)
{
	int c = t->s[t->i];
	long min = 0, max = -1;
	char q[64];

	if (c == '{' && !braces(t, &min, &max)) {
		literal(t, '{');
		t->i++;
		return;
	}
	if (c != '{')
		t->i++;
	if (last == NONE)
		trfail(t, "nothing to repeat, or a repeated repeat");
	if (last == GROUP)
		trfail(t, "a quantified group");
	if (last == WIDE)
		trfail(t, "a quantifier on a non-ASCII character");
	if (t->i < t->n && t->s[t->i] == '?')
		trfail(t, "lazy quantifier");
	if (t->i < t->n && t->s[t->i] == '+')
		trfail(t, "possessive quantifier");
	if (c != '{') {
		bufputc(&t->b, c);
		return;
	}
	if (min > 255 || max > 255)
		trfail(t, "a repeat count over 255");
	if (max >= 0 && min > max)
		trfail(t, "min repeat greater than max repeat");
	if (max < 0)
		snprintf(q, sizeof(q), "{%ld,}", min);
	else if (max == min)
		snprintf(q, sizeof(q), "{%ld}", min);
	else
		snprintf(q, sizeof(q), "{%ld,%ld}", min, max);
	bufputs(&t->b, q);
}

static void
translate(struct jev *v, struct rx *r)
{
	struct tr t = {0};
	unsigned char set[128];
	int last = NONE, c, depth = 0;

	t.v = v;
	t.r = r;
	t.s = r->pat->u.str.s;
	t.n = r->pat->u.str.n;
	/* Python's global inline flags, at the start only: (?i) (?m) (?s)
	 * (and (?u), what a str pattern is); any other (?...) is refused */
	while (t.i + 2 < t.n && t.s[t.i] == '(' && t.s[t.i + 1] == '?') {
		size_t k = t.i + 2;
		int f = 0;
		for (; k < t.n && t.s[k] && strchr("imsu", t.s[k]); k++)
			f |= t.s[k] == 'i' ? FI : t.s[k] == 'm' ? FM : t.s[k] == 's' ? FS : 0;
		if (k == t.i + 2 || k >= t.n || t.s[k] != ')')
			break;
		r->flags |= f;
		t.i = k + 1;
	}
	if (r->flags & FI)
		r->ascii = 1;
	while (t.i < t.n) {
		c = (unsigned char)t.s[t.i];
		switch (c) {
		case 0:
			trfail(&t, "a NUL character");
			break;
		case '|':
			trfail(&t, "alternation |");
			break;
		case '(':
			if (t.i + 1 < t.n && t.s[t.i + 1] == '?')
				trfail(&t, "(?...) group");
			if (t.i + 1 < t.n && t.s[t.i + 1] == ')')
				trfail(&t, "empty group ()");
			if (++r->ngroups > 99)
				trfail(&t, "more than 99 groups");
			depth++;
			bufputc(&t.b, '(');
			t.i++;
			last = NONE;
			break;
		case ')':
			if (!depth)
				trfail(&t, "unbalanced parenthesis");
			depth--;
			bufputc(&t.b, ')');
			t.i++;
			last = GROUP;
			break;
		case '*': case '+': case '?': case '{':
			quantifier(&t, last);
			last = c == '{' && t.s[t.i - 1] == '{' ? ATOM : NONE;
			break;
		case '^': case '$':
			if (c == '$' && !(r->flags & FM))
				r->dollar = 1;
			bufputc(&t.b, c);
			t.i++;
			last = NONE;
			break;
		case '.':
			memset(set, 0, sizeof(set));
			setrange(set, 1, 127);
			if (!(r->flags & FS))
				set['\n'] = 0;
			r->ascii = 1;
			emitset(&t, set);
			t.i++;
			last = ATOM;
			break;
		case '[':
			klass(&t);
			last = ATOM;
			break;
		case '\\':
			t.i++;
			memset(set, 0, sizeof(set));
			c = escape(&t, set, 0);
			if (c < 0)
				emitset(&t, set);
			else
				literal(&t, c);
			last = ATOM;
			break;
		default:
			if (c >= 0x80) {
				do
					bufputc(&t.b, t.s[t.i++]);
				while (t.i < t.n && ((unsigned char)t.s[t.i] & 0xC0) == 0x80);
				last = WIDE;
			} else {
				literal(&t, c);
				t.i++;
				last = ATOM;
			}
		}
	}
	if (depth)
		trfail(&t, "missing ), unterminated subpattern");
	r->ere = arenaalloc(jevarena(v), t.b.len + 1);
	memcpy(r->ere, t.b.s ? t.b.s : "", t.b.len);
	r->ere[t.b.len] = '\0';
	buffree(&t.b);
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
	if (f & ~(int64_t)(FI | FM | FS | FU))
		jfail(v, "unsupported: modules.re flags %lld (only I, M and S)", (long long)f);
	r = arenaalloc(jevarena(v), sizeof(*r));
	memset(r, 0, sizeof(*r));
	r->pat = pat;
	r->flags = (int)(f & ~FU);
	translate(v, r);
	return r;
}

/* The text a pattern is matched on, refused where Python would differ. */
static void
subject(struct jev *v, const struct rx *r, struct jv *s)
{
	size_t k;

	if (s->type != JSTR)
		jfail(v, "expected string or bytes-like object, got '%s'", jvtypename(s));
	if (memchr(s->u.str.s, '\0', s->u.str.n))
		refuse(v, r, "a string with a NUL character");
	if (r->ascii)
		for (k = 0; k < s->u.str.n; k++)
			if ((unsigned char)s->u.str.s[k] >= 0x80)
				refuse(v, r, ". \\w \\d \\s, a negated class or IGNORECASE on "
				    "non-ASCII text (Python's are Unicode's)");
	if (r->dollar && s->u.str.n && s->u.str.s[s->u.str.n - 1] == '\n')
		refuse(v, r, "$ on a string that ends with a newline");
}

/* ---- matching ---- */

static size_t
cplen(const char *s, size_t n, size_t i)
{
	size_t k = i + 1;

	while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
		k++;
	return k - i;
}

static void
rxcomp(struct jev *v, const struct rx *r, regex_t *re, int full)
{
	char *e = full ? xasprintf("^%s$", r->ere) : r->ere, msg[256];
	int rc = regcomp(re, e, REG_EXTENDED | (r->flags & FM ? REG_NEWLINE : 0));

	if (full)
		free(e);
	if (rc) {
		regerror(rc, re, msg, sizeof(msg));
		refuse(v, r, msg);
	}
}

static int
rxexec(const regex_t *re, const struct jv *s, size_t pos, size_t ng, regmatch_t *m)
{
	m[0].rm_so = (regoff_t)pos;
	m[0].rm_eo = (regoff_t)s->u.str.n;
	return regexec(re, s->u.str.s, ng + 1, m, REG_STARTEND) == 0;
}

/* Every match, as CPython's iteration finds them, up to max (0: all):
 * ng + 1 spans each, in a; returns how many. */
static size_t
rxall(struct jev *v, const struct rx *r, struct jv *s, size_t max, regmatch_t **out)
{
	regex_t re;
	regmatch_t *m = NULL, *at;
	size_t k = 0, cap = 0, pos = 0, w = r->ngroups + 1, n = s->u.str.n;
	int adv = 0;

	rxcomp(v, r, &re, 0);
	while (pos <= n && (!max || k < max)) {
		if (k == cap) {
			cap = cap ? 2 * cap : 8;
			m = xrealloc(m, cap * w * sizeof(*m));
		}
		at = m + k * w;
		if (!rxexec(&re, s, pos, r->ngroups, at))
			break;
		if (adv && (size_t)at[0].rm_so == pos && at[0].rm_eo == at[0].rm_so) {
			if (pos == n || !rxexec(&re, s, pos + cplen(s->u.str.s, n, pos), r->ngroups, at))
				break;
		}
		adv = at[0].rm_eo == at[0].rm_so;
		pos = (size_t)at[0].rm_eo;
		k++;
	}
	regfree(&re);
	*out = arenaalloc(jevarena(v), (k ? k : 1) * w * sizeof(**out));
	if (k)
		memcpy(*out, m, k * w * sizeof(*m));
	free(m);
	return k;
}

static struct jv *
slice(struct jev *v, struct jv *s, const regmatch_t *m)
{
	if (m->rm_so < 0)
		return &jvnone;
	return jvstr(jevarena(v), s->u.str.s + m->rm_so, (size_t)(m->rm_eo - m->rm_so));
}

/* ---- Match ---- */

struct jmatch {
	struct jv *s;
	size_t ng;
	regmatch_t *m;
};

static struct jv *
newmatch(struct jev *v, struct jv *s, const struct rx *r, const regmatch_t *m)
{
	struct jmatch *x = arenaalloc(jevarena(v), sizeof(*x));

	x->s = s;
	x->ng = r->ngroups;
	x->m = arenaalloc(jevarena(v), (x->ng + 1) * sizeof(*m));
	memcpy(x->m, m, (x->ng + 1) * sizeof(*m));
	return jvobj(jevarena(v), &matchclass, x);
}

static size_t
groupno(struct jev *v, struct jmatch *x, struct jv *g)
{
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
	if (x->m[g].rm_so >= 0) {
		so = (int64_t)jvutf8len(x->s->u.str.s, (size_t)x->m[g].rm_so);
		eo = (int64_t)jvutf8len(x->s->u.str.s, (size_t)x->m[g].rm_eo);
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
		if (s[st] == 'g' && st + 1 < n && s[st + 1] == '<') {
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
	regmatch_t *m, *at;
	struct buf b = {0};
	struct jv *res;

	nm = rxall(v, r, s, (size_t)count, &m);
	for (k = 0; k < nm; k++) {
		at = m + k * w;
		bufadd(&b, s->u.str.s + last, (size_t)at[0].rm_so - last);
		for (j = 0; j < np; j++)
			if (p[j].text)
				bufadd(&b, p[j].text, p[j].n);
			else if (at[p[j].n].rm_so >= 0)
				bufadd(&b, s->u.str.s + at[p[j].n].rm_so,
				    (size_t)(at[p[j].n].rm_eo - at[p[j].n].rm_so));
		last = (size_t)at[0].rm_eo;
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
	regmatch_t *m, *at;
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
	regmatch_t *m, *at;
	struct jv *l = jvlist(a, JLIST);

	nm = rxall(v, r, s, (size_t)max, &m);
	for (k = 0; k < nm; k++) {
		at = m + k * w;
		jvpush(a, l, jvstr(a, s->u.str.s + last, (size_t)at[0].rm_so - last));
		for (g = 1; g <= r->ngroups; g++)
			jvpush(a, l, slice(v, s, &at[g]));
		last = (size_t)at[0].rm_eo;
	}
	jvpush(a, l, jvstr(a, s->u.str.s + last, s->u.str.n - last));
	return l;
}

static struct jv *
domatch(struct jev *v, struct rx *r, struct jv *s, enum op op)
{
	regex_t re;
	regmatch_t *m = arenaalloc(jevarena(v), (r->ngroups + 1) * sizeof(*m));
	int ok;

	rxcomp(v, r, &re, op == FULLMATCH);
	ok = rxexec(&re, s, 0, r->ngroups, m);
	regfree(&re);
	if (!ok || (op != SEARCH && m[0].rm_so != 0) ||
	    (op == FULLMATCH && (size_t)m[0].rm_eo != s->u.str.n))
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
		subject(v, r, val[k + 1]);
		return dosub(v, r, val[k], val[k + 1], count);
	case SPLIT:
		subject(v, r, val[k]);
		return dosplit(v, r, val[k], count);
	case FINDALL:
		subject(v, r, val[k]);
		return dofindall(v, r, val[k]);
	default:
		subject(v, r, val[k]);
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
		return jvint(jevarena(v), r->flags | FU);
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
		{"S", FS}, {"DOTALL", FS},
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
