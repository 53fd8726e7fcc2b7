/* jlib.c: filters, tests and methods beyond jeval's core (see jlib.h).
 *
 * Sections: arguments; UTF-8 text as Python's str sees it (code points,
 * whitespace, line breaks); Python's ordering and a stable sort; Jinja2's
 * attribute getters; str, list, tuple and dict methods; printf-style and
 * str.format formatting; filters; tests. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jdatetime.h"
#include "jdec.h"
#include "jlib.h"
#include "jset.h"

/* ---- arguments ---- */

/* A call as a Python function with named parameters sees it. */
struct fa {
	struct jev *v;
	const char *fn;		/* for messages */
	struct jcall *c;
};

static void
fainit(struct fa *f, struct jev *v, const char *fn, struct jcall *c)
{
	f->v = v;
	f->fn = fn;
	f->c = c;
}

/* Argument i or keyword name (NULL: positional only), or NULL. */
static struct jv *
arg(struct fa *f, size_t i, const char *name)
{
	size_t k;

	for (k = 0; name && k < f->c->nkw; k++)
		if (!strcmp(f->c->names[k], name)) {
			if (i < f->c->npos)
				jfail(f->v, "%s() got multiple values for argument '%s'", f->fn, name);
			return f->c->kw[k];
		}
	return i < f->c->npos ? f->c->pos[i] : NULL;
}

static int
member(const char *const *set, const char *s)
{
	for (; set && *set; set++)
		if (!strcmp(*set, s))
			return 1;
	return 0;
}

/* At most max positional arguments, keywords only from names. */
static void
nargs(struct fa *f, size_t max, const char *const *names)
{
	size_t k;

	if (f->c->npos > max)
		jfail(f->v, "%s() takes at most %zu argument%s (%zu given)", f->fn,
		    max, max == 1 ? "" : "s", f->c->npos);
	for (k = 0; k < f->c->nkw; k++)
		if (!member(names, f->c->names[k]))
			jfail(f->v, "%s() got an unexpected keyword argument '%s'", f->fn, f->c->names[k]);
}

static struct jv *
need(struct fa *f, size_t i, const char *name)
{
	struct jv *x = arg(f, i, name);

	if (!x)
		jfail(f->v, "%s() missing required argument '%s' (pos %zu)", f->fn,
		    name ? name : "", i + 1);
	return x;
}

static int
isint(const struct jv *x)
{
	return x->type == JINT || x->type == JBOOL;
}

static int
isnum(const struct jv *x)
{
	return isint(x) || x->type == JFLOAT;
}

static int64_t
ival(const struct jv *x)
{
	return x->type == JINT ? x->u.i : x->u.b;
}

static double
fval(const struct jv *x)
{
	return x->type == JFLOAT ? x->u.f : (double)ival(x);
}

static int64_t
intarg(struct fa *f, struct jv *x)
{
	if (!isint(x))
		jfail(f->v, "'%s' object cannot be interpreted as an integer", jvtypename(x));
	return ival(x);
}

static struct jv *
strarg(struct fa *f, struct jv *x, const char *what)
{
	if (x->type != JSTR)
		jfail(f->v, "%s must be str, not %s", what, jvtypename(x));
	return x;
}

static struct jv *
bufstr(struct jev *v, struct buf *b)
{
	struct jv *r = jvstr(jevarena(v), b->s ? b->s : "", b->len);

	buffree(b);
	return r;
}

static struct jv *
sub(struct jv *x, enum jsub s)
{
	x->sub = s;
	return x;
}

static struct jv *
tuple2(struct jev *v, struct jv *a, struct jv *b)
{
	struct jv *t = jvlist(jevarena(v), JTUPLE);

	jvpush(jevarena(v), t, a);
	jvpush(jevarena(v), t, b);
	return t;
}

static int
hashable(const struct jv *x)
{
	size_t i;

	if (x->type == JTUPLE) {
		for (i = 0; i < x->u.list.n; i++)
			if (!hashable(x->u.list.v[i]))
				return 0;
		return 1;
	}
	if (x->type == JLIST)
		return x->sub == JS_GEN || x->sub == JS_ITER;
	return x->type != JDICT && x->type != JUNDEF;
}

static void
needhash(struct jev *v, const struct jv *x)
{
	if (!hashable(x))
		jfail(v, "unhashable type: '%s'", jvtypename(x));
}

/* A list or dict the template changes must live in the render's arena:
 * one shared between renders is never written. */
static void
mutable(struct jev *v, const struct jv *x)
{
	if (!arenaowns(jevarena(v), x))
		jfail(v, "unsupported: changing a %s shared between renders", jvtypename(x));
}

/* ---- UTF-8 text as Python's str ---- */

/* The byte length of the code point at s[i]. */
static size_t
cplen(const char *s, size_t n, size_t i)
{
	size_t k = i + 1;

	while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
		k++;
	return k - i;
}

static unsigned long
cpat(const char *s, size_t n, size_t i)
{
	const unsigned char *p = (const unsigned char *)s + i;
	size_t len = cplen(s, n, i);
	unsigned long c;

	if (len == 1)
		return p[0];
	c = p[0] & (0x7F >> len);
	for (i = 1; i < len; i++)
		c = c << 6 | (p[i] & 0x3F);
	return c;
}

/* The byte offset of code point k (0..len). */
static size_t
cpoff(const char *s, size_t n, size_t k)
{
	size_t i = 0;

	while (k-- > 0 && i < n)
		i += cplen(s, n, i);
	return i;
}

static int
uspace(unsigned long c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) ||
	    c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	    c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* str.splitlines's boundaries; *len is the boundary's bytes. */
static int
linebreak(const char *s, size_t n, size_t i, size_t *len)
{
	unsigned long c = cpat(s, n, i);

	*len = cplen(s, n, i);
	if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
		*len = 2;
	return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C ||
	    c == 0x1D || c == 0x1E || c == 0x85 || c == 0x2028 || c == 0x2029;
}

static int
isascii_(const struct jv *s)
{
	size_t i;

	for (i = 0; i < s->u.str.n; i++)
		if ((unsigned char)s->u.str.s[i] >= 0x80)
			return 0;
	return 1;
}

static void
asciicase(struct jev *v, const char *what, const struct jv *s)
{
	if (!isascii_(s))
		jfail(v, "unsupported: %s on non-ASCII text", what);
}

/* ASCII lower or upper case of s. */
static struct jv *
recase(struct jev *v, struct jv *s, int up)
{
	struct jv *r = jvstr(jevarena(v), s->u.str.s, s->u.str.n);
	char *p = (char *)r->u.str.s;
	size_t i;

	for (i = 0; i < r->u.str.n; i++)
		if (up && p[i] >= 'a' && p[i] <= 'z')
			p[i] = (char)(p[i] - 32);
		else if (!up && p[i] >= 'A' && p[i] <= 'Z')
			p[i] = (char)(p[i] + 32);
	return r;
}

/* Jinja2's ignore_case: str.lower() of strings, others as they are. */
static struct jv *
nocase(struct jev *v, struct jv *x)
{
	if (x->type != JSTR)
		return x;
	asciicase(v, "case-insensitive comparison", x);
	return recase(v, x, 0);
}

/* Python's slice bounds of start and end (None or ints) over len. */
static void
bounds(struct fa *f, struct jv *start, struct jv *end, size_t len,
    int64_t *a, int64_t *b)
{
	*a = 0;
	*b = (int64_t)len;
	if (start && start->type != JNONE) {
		*a = intarg(f, start);
		if (*a < 0 && (*a += (int64_t)len) < 0)
			*a = 0;
	}
	if (end && end->type != JNONE) {
		*b = intarg(f, end);
		if (*b < 0 && (*b += (int64_t)len) < 0)
			*b = 0;
		if (*b > (int64_t)len)
			*b = (int64_t)len;
	}
}

/* ---- Python's ordering and a stable sort ---- */

/* -1, 0, 1 as Python's < and ==; fails where Python raises. */
static int
cmp(struct jev *v, struct jv *x, struct jv *y)
{
	size_t i;
	int c;
	const char *err;

	if (jdeccmp(x, y, &c)) {
		if (c == 2)
			jfail(v, "[<class 'decimal.InvalidOperation'>]");
		return c;
	}
	if (jvisset(x) || jvisset(y))
		jfail(v, "unsupported: ordering sets");
	if (jdtcmp(x, y, &c, &err)) {
		if (c != 2)
			return c;
		if (*err)
			jfail(v, "%s", err);
		jfail(v, "'<' not supported between instances of '%s' and '%s'",
		    jvtypename(x), jvtypename(y));
	}

	if (isnum(x) && isnum(y)) {
		if (x->type != JFLOAT && y->type != JFLOAT)
			return ival(x) < ival(y) ? -1 : ival(x) > ival(y);
		if (isnan(fval(x)) || isnan(fval(y)))
			jfail(v, "unsupported: ordering NaN");
		return fval(x) < fval(y) ? -1 : fval(x) > fval(y);
	}
	if (x->type == JSTR && y->type == JSTR) {
		size_t n = x->u.str.n < y->u.str.n ? x->u.str.n : y->u.str.n;
		c = memcmp(x->u.str.s, y->u.str.s, n);
		if (c)
			return c < 0 ? -1 : 1;
		return x->u.str.n < y->u.str.n ? -1 : x->u.str.n > y->u.str.n;
	}
	if (x->type == y->type && (x->type == JLIST || x->type == JTUPLE) &&
	    x->sub != JS_GEN && x->sub != JS_ITER && x->sub != JS_VALUES &&
	    x->sub != JS_KEYS && x->sub != JS_ITEMS &&
	    y->sub != JS_GEN && y->sub != JS_ITER && y->sub != JS_VALUES &&
	    y->sub != JS_KEYS && y->sub != JS_ITEMS) {
		for (i = 0; i < x->u.list.n && i < y->u.list.n; i++)
			if (!jveq(x->u.list.v[i], y->u.list.v[i]))
				return cmp(v, x->u.list.v[i], y->u.list.v[i]);
		return x->u.list.n < y->u.list.n ? -1 : x->u.list.n > y->u.list.n;
	}
	if (x->type == JUNDEF || y->type == JUNDEF)
		jfail(v, "%s", jvundefwhy(x->type == JUNDEF ? x : y, "undefined value used"));
	jfail(v, "'<' not supported between instances of '%s' and '%s'",
	    jvtypename(x), jvtypename(y));
	return 0;
}

static void
msort(struct jev *v, struct jv **item, struct jv **key, size_t n,
    struct jv **ti, struct jv **tk, int rev)
{
	size_t m = n / 2, i, a, b;

	if (n < 2)
		return;
	msort(v, item, key, m, ti, tk, rev);
	msort(v, item + m, key + m, n - m, ti, tk, rev);
	for (i = 0, a = 0, b = m; i < n; i++) {
		int takeb = 0;
		if (a == m)
			takeb = 1;
		else if (b < n) {
			int c = cmp(v, key[b], key[a]);
			takeb = rev ? c > 0 : c < 0;
		}
		ti[i] = takeb ? item[b] : item[a];
		tk[i] = takeb ? key[b++] : key[a++];
	}
	memcpy(item, ti, n * sizeof(*item));
	memcpy(key, tk, n * sizeof(*key));
}

/* Sort items (in place) by keys (NULL: by the items), stably, as
 * Python's sorted(); reverse keeps equal items in their order. */
static void
sortby(struct jev *v, struct jv **item, struct jv **key, size_t n, int rev)
{
	struct arena *a = jevarena(v);
	struct jv **k = key, **ti, **tk;

	if (n < 2)
		return;
	if (!k) {
		k = arenaalloc(a, n * sizeof(*k));
		memcpy(k, item, n * sizeof(*k));
	}
	ti = arenaalloc(a, n * sizeof(*ti));
	tk = arenaalloc(a, n * sizeof(*tk));
	msort(v, item, k, n, ti, tk, rev);
}

/* ---- Jinja2's attribute getters ---- */

/* environment.getitem(x, k): the item first, then the attribute. */
static struct jv *
getitem(struct jev *v, struct jv *x, struct jv *k)
{
	if (x->type == JDICT && !hashable(k))
		return &jvundef;
	if (x->type != JOBJ && (x->sub == JS_NONE || x->type == JDICT))
		return jevitem(v, x, k);
	if ((x->type == JLIST || x->type == JTUPLE || x->type == JSTR) && isint(k) &&
	    (x->type == JSTR || x->sub == JS_NONE || x->sub == JS_GROUP)) {
		struct jv *l = x->type == JSTR ? jeviter(v, x) : x;
		int64_t i = ival(k), n = (int64_t)l->u.list.n;
		if (i < 0)
			i += n;
		return i < 0 || i >= n ? &jvundef : l->u.list.v[i];
	}
	if (k->type == JSTR)
		return jevattr(v, x, k->u.str.s);
	jfail(v, "unsupported: subscript of %s with %s", jvtypename(x), jvtypename(k));
	return NULL;
}

/* _prepare_attribute_parts: "a.0.b" is a, 0, b (digits are ints). */
static struct jv *
attrparts(struct jev *v, struct jv *attr)
{
	struct arena *a = jevarena(v);
	struct jv *l = jvlist(a, JLIST);
	size_t i = 0, k;

	if (!attr || attr->type == JNONE)
		return l;
	if (attr->type != JSTR) {
		jvpush(a, l, attr);
		return l;
	}
	for (;;) {
		const char *s = attr->u.str.s;
		int digits = 1;
		for (k = i; k < attr->u.str.n && s[k] != '.'; k++)
			if (s[k] < '0' || s[k] > '9')
				digits = 0;
		if (digits && k > i) {
			int64_t n = 0;
			size_t j;
			for (j = i; j < k; j++)
				if (__builtin_mul_overflow(n, 10, &n) ||
				    __builtin_add_overflow(n, s[j] - '0', &n))
					jfail(v, "unsupported: integer beyond 64 bits");
			jvpush(a, l, jvint(a, n));
		} else
			jvpush(a, l, jvstr(a, s + i, k - i));
		if (k == attr->u.str.n)
			break;
		i = k + 1;
	}
	return l;
}

/* make_attrgetter's getter applied to x; dflt replaces an undefined
 * step (when not None), nc lowers strings. */
static struct jv *
getattrs(struct jev *v, struct jv *x, struct jv *parts, struct jv *dflt, int nc)
{
	size_t i;

	for (i = 0; i < parts->u.list.n; i++) {
		x = getitem(v, x, parts->u.list.v[i]);
		if (dflt && dflt->type != JNONE && x->type == JUNDEF)
			x = dflt;
	}
	return nc ? nocase(v, x) : x;
}

/* make_multi_attrgetter's key: a list of each comma-separated path. */
static struct jv *
multikey(struct jev *v, struct jv *x, struct jv *attr, int nc)
{
	struct arena *a = jevarena(v);
	struct jv *r = jvlist(a, JLIST);

	if (attr && attr->type == JSTR) {
		size_t i = 0, k;
		for (;;) {
			for (k = i; k < attr->u.str.n && attr->u.str.s[k] != ','; k++)
				;
			jvpush(a, r, getattrs(v, x, attrparts(v, jvstr(a, attr->u.str.s + i, k - i)), NULL, nc));
			if (k == attr->u.str.n)
				break;
			i = k + 1;
		}
	} else
		jvpush(a, r, getattrs(v, x, attrparts(v, attr), NULL, nc));
	return r;
}

/* ---- str methods ---- */

#define METHOD(fn) static struct jv *fn(struct jev *v, void *data, struct jcall *c)
#define SELF(pyname) struct jv *x = data; struct fa f; fainit(&f, v, pyname, c)

static struct jv *
substr(struct jev *v, struct jv *s, size_t a, size_t b)
{
	return jvstr(jevarena(v), s->u.str.s + a, b - a);
}

static size_t
prevcp(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[--i] & 0xC0) == 0x80)
		;
	return i;
}

/* Whether the code point at s[i] is one of chars' (NULL: whitespace). */
static int
stripchar(const struct jv *s, size_t i, const struct jv *chars)
{
	unsigned long c = cpat(s->u.str.s, s->u.str.n, i);
	size_t k;

	if (!chars)
		return uspace(c);
	for (k = 0; k < chars->u.str.n; k += cplen(chars->u.str.s, chars->u.str.n, k))
		if (cpat(chars->u.str.s, chars->u.str.n, k) == c)
			return 1;
	return 0;
}

static struct jv *
strip(struct fa *f, struct jv *x, int left, int right)
{
	struct jv *chars;
	size_t a = 0, b = x->u.str.n;

	nargs(f, 1, NULL);
	chars = arg(f, 0, NULL);
	if (chars && chars->type == JNONE)
		chars = NULL;
	if (chars && chars->type != JSTR)
		jfail(f->v, "%s arg must be None or str", f->fn);
	while (left && a < b && stripchar(x, a, chars))
		a += cplen(x->u.str.s, x->u.str.n, a);
	while (right && b > a && stripchar(x, prevcp(x->u.str.s, b), chars))
		b = prevcp(x->u.str.s, b);
	return substr(f->v, x, a, b);
}

METHOD(s_strip) { SELF("strip"); return strip(&f, x, 1, 1); }
METHOD(s_lstrip) { SELF("lstrip"); return strip(&f, x, 1, 0); }
METHOD(s_rstrip) { SELF("rstrip"); return strip(&f, x, 0, 1); }

static int
spaceat(const struct jv *s, size_t i)
{
	return uspace(cpat(s->u.str.s, s->u.str.n, i));
}

static struct jv *
split(struct fa *f, struct jv *x, int right)
{
	static const char *const names[] = {"sep", "maxsplit", NULL};
	struct arena *a = jevarena(f->v);
	struct jv *sep, *ms, *r = jvlist(a, JLIST);
	const char *s = x->u.str.s;
	size_t n = x->u.str.n, i, j;
	int64_t max = -1;

	nargs(f, 2, names);
	sep = arg(f, 0, "sep");
	if ((ms = arg(f, 1, "maxsplit")))
		max = intarg(f, ms);
	if (max < 0)
		max = INT64_MAX;
	if (sep && sep->type != JNONE) {
		struct jv *p = strarg(f, sep, "sep");
		size_t m = p->u.str.n;
		if (m == 0)
			jfail(f->v, "empty separator");
		if (!right) {
			for (i = j = 0; max > 0 && i + m <= n;)
				if (!memcmp(s + i, p->u.str.s, m)) {
					jvpush(a, r, substr(f->v, x, j, i));
					i = j = i + m;
					max--;
				} else
					i++;
			jvpush(a, r, substr(f->v, x, j, n));
		} else {
			struct jv *t = jvlist(a, JLIST);
			for (i = j = n; max > 0 && i >= m;)
				if (!memcmp(s + i - m, p->u.str.s, m)) {
					jvpush(a, t, substr(f->v, x, i, j));
					i = j = i - m;
					max--;
				} else
					i--;
			jvpush(a, t, substr(f->v, x, 0, j));
			for (i = t->u.list.n; i-- > 0;)
				jvpush(a, r, t->u.list.v[i]);
		}
		return r;
	}
	if (!right) {
		i = 0;
		while (max-- > 0) {
			while (i < n && spaceat(x, i))
				i += cplen(s, n, i);
			if (i == n)
				break;
			j = i;
			while (i < n && !spaceat(x, i))
				i += cplen(s, n, i);
			jvpush(a, r, substr(f->v, x, j, i));
		}
		while (i < n && spaceat(x, i))
			i += cplen(s, n, i);
		if (i < n)
			jvpush(a, r, substr(f->v, x, i, n));
	} else {
		struct jv *t = jvlist(a, JLIST);
		i = n;
		while (max-- > 0) {
			while (i > 0 && spaceat(x, prevcp(s, i)))
				i = prevcp(s, i);
			if (i == 0)
				break;
			j = i;
			while (i > 0 && !spaceat(x, prevcp(s, i)))
				i = prevcp(s, i);
			jvpush(a, t, substr(f->v, x, i, j));
		}
		while (i > 0 && spaceat(x, prevcp(s, i)))
			i = prevcp(s, i);
		if (i > 0)
			jvpush(a, t, substr(f->v, x, 0, i));
		for (i = t->u.list.n; i-- > 0;)
			jvpush(a, r, t->u.list.v[i]);
	}
	return r;
}

METHOD(s_split) { SELF("split"); return split(&f, x, 0); }
METHOD(s_rsplit) { SELF("rsplit"); return split(&f, x, 1); }

static struct jv *
casemethod(struct fa *f, struct jv *x, int how)
{
	struct jv *r;
	char *p;
	size_t i;
	int start = 1;

	nargs(f, 0, NULL);
	asciicase(f->v, f->fn, x);
	r = jvstr(jevarena(f->v), x->u.str.s, x->u.str.n);
	p = (char *)r->u.str.s;
	for (i = 0; i < r->u.str.n; i++) {
		int ch = (unsigned char)p[i], up = 0, alpha;
		alpha = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
		switch (how) {
		case 'u': up = 1; break;
		case 'l': up = 0; break;
		case 'c': up = i == 0; break;
		case 't': up = start; break;
		case 's': up = ch >= 'a' && ch <= 'z'; break;
		}
		if (up && ch >= 'a' && ch <= 'z')
			p[i] = (char)(ch - 32);
		else if (!up && ch >= 'A' && ch <= 'Z')
			p[i] = (char)(ch + 32);
		start = !alpha;
	}
	return r;
}

METHOD(s_lower) { SELF("lower"); return casemethod(&f, x, 'l'); }
METHOD(s_casefold) { SELF("casefold"); return casemethod(&f, x, 'l'); }
METHOD(s_upper) { SELF("upper"); return casemethod(&f, x, 'u'); }
METHOD(s_title) { SELF("title"); return casemethod(&f, x, 't'); }
METHOD(s_capitalize) { SELF("capitalize"); return casemethod(&f, x, 'c'); }
METHOD(s_swapcase) { SELF("swapcase"); return casemethod(&f, x, 's'); }

/* str.replace over code points (an empty old goes between each). */
static struct jv *
strreplace(struct jev *v, struct jv *s, struct jv *old, struct jv *new, int64_t count)
{
	struct buf b = {0};
	size_t i = 0, n = s->u.str.n, m = old->u.str.n;
	int64_t done = 0;

	if (m == 0) {
		for (;;) {
			if (count < 0 || done < count) {
				bufadd(&b, new->u.str.s, new->u.str.n);
				done++;
			}
			if (i == n)
				break;
			bufadd(&b, s->u.str.s + i, cplen(s->u.str.s, n, i));
			i += cplen(s->u.str.s, n, i);
		}
		return bufstr(v, &b);
	}
	while (i < n)
		if ((count < 0 || done < count) && i + m <= n &&
		    !memcmp(s->u.str.s + i, old->u.str.s, m)) {
			bufadd(&b, new->u.str.s, new->u.str.n);
			i += m;
			done++;
		} else
			bufputc(&b, s->u.str.s[i++]);
	return bufstr(v, &b);
}

METHOD(s_replace)
{
	struct jv *old, *new, *n;
	SELF("replace");

	nargs(&f, 3, NULL);
	old = strarg(&f, need(&f, 0, NULL), "replace() argument 1");
	new = strarg(&f, need(&f, 1, NULL), "replace() argument 2");
	n = arg(&f, 2, NULL);
	return strreplace(v, x, old, new, n ? intarg(&f, n) : -1);
}

/* The byte range of code points [a, b) of s, from start and end args. */
static void
range(struct fa *f, struct jv *s, size_t i, size_t *a, size_t *b, size_t *cpa)
{
	int64_t ca, cb;
	size_t len = jvutf8len(s->u.str.s, s->u.str.n);

	bounds(f, arg(f, i, NULL), arg(f, i + 1, NULL), len, &ca, &cb);
	*cpa = (size_t)ca;
	if (ca > (int64_t)len) {
		*a = s->u.str.n + 1;	/* nothing matches, not even "" */
		*b = s->u.str.n;
		return;
	}
	*a = cpoff(s->u.str.s, s->u.str.n, (size_t)ca);
	*b = cb < ca ? *a : cpoff(s->u.str.s, s->u.str.n, (size_t)cb);
}

static int
affix(struct fa *f, struct jv *x, int end)
{
	struct jv *p = need(f, 0, NULL), *l = NULL;
	size_t a, b, cpa, i;

	nargs(f, 3, NULL);
	range(f, x, 1, &a, &b, &cpa);
	if (p->type == JTUPLE)
		l = p;
	else if (p->type == JSTR) {
		l = jvlist(jevarena(f->v), JTUPLE);
		jvpush(jevarena(f->v), l, p);
	} else
		jfail(f->v, "%s first arg must be str or a tuple of str, not %s", f->fn, jvtypename(p));
	for (i = 0; i < l->u.list.n; i++) {
		struct jv *s = l->u.list.v[i];
		size_t m;
		if (s->type != JSTR)
			jfail(f->v, "tuple for %s must only contain str, not %s", f->fn, jvtypename(s));
		m = s->u.str.n;
		if (a > b || b - a < m)
			continue;
		if (!memcmp(x->u.str.s + (end ? b - m : a), s->u.str.s, m))
			return 1;
	}
	return 0;
}

METHOD(s_startswith) { SELF("startswith"); return jvbool(affix(&f, x, 0)); }
METHOD(s_endswith) { SELF("endswith"); return jvbool(affix(&f, x, 1)); }

/* find, rfind, index, rindex and count over code points. */
static struct jv *
search(struct fa *f, struct jv *x, int how)
{
	struct jv *p;
	size_t a, b, cpa, i, m, found = (size_t)-1;
	int64_t count = 0;

	nargs(f, 3, NULL);
	p = strarg(f, need(f, 0, NULL), "must be str, not");
	m = p->u.str.n;
	range(f, x, 1, &a, &b, &cpa);
	if (a <= b && b - a >= m) {
		if (how == 'c') {
			if (m == 0)
				count = (int64_t)jvutf8len(x->u.str.s + a, b - a) + 1;
			else
				for (i = a; i + m <= b;)
					if (!memcmp(x->u.str.s + i, p->u.str.s, m)) {
						count++;
						i += m;
					} else
						i++;
			return jvint(jevarena(f->v), count);
		}
		if (how == 'f' || how == 'i') {
			for (i = a; i + m <= b; i++)
				if (!memcmp(x->u.str.s + i, p->u.str.s, m)) {
					found = i;
					break;
				}
		} else
			for (i = b - m + 1; i-- > a;)
				if (!memcmp(x->u.str.s + i, p->u.str.s, m)) {
					found = i;
					break;
				}
	}
	if (how == 'c')
		return jvint(jevarena(f->v), 0);
	if (found == (size_t)-1) {
		if (how == 'i' || how == 'I')
			jfail(f->v, "substring not found");
		return jvint(jevarena(f->v), -1);
	}
	return jvint(jevarena(f->v), (int64_t)jvutf8len(x->u.str.s, found));
}

METHOD(s_find) { SELF("find"); return search(&f, x, 'f'); }
METHOD(s_rfind) { SELF("rfind"); return search(&f, x, 'r'); }
METHOD(s_index) { SELF("index"); return search(&f, x, 'i'); }
METHOD(s_rindex) { SELF("rindex"); return search(&f, x, 'I'); }
METHOD(s_count) { SELF("count"); return search(&f, x, 'c'); }

METHOD(s_join)
{
	struct buf b = {0};
	struct jv *l;
	size_t i;
	SELF("join");

	nargs(&f, 1, NULL);
	l = jeviter(v, need(&f, 0, NULL));
	for (i = 0; i < l->u.list.n; i++) {
		struct jv *s = l->u.list.v[i];
		if (s->type != JSTR) {
			buffree(&b);
			jfail(v, "sequence item %zu: expected str instance, %s found", i, jvtypename(s));
		}
		if (i)
			bufadd(&b, x->u.str.s, x->u.str.n);
		bufadd(&b, s->u.str.s, s->u.str.n);
	}
	return bufstr(v, &b);
}

/* The str.is...() predicates: every code point passes and there is one;
 * lower/upper: a cased one and none of the other case. */
static struct jv *
ispred(struct fa *f, struct jv *x, int how)
{
	size_t i;
	int lower = 0, upper = 0, prevcased = 0, title = 0;

	nargs(f, 0, NULL);
	if (how == 'a')
		return jvbool(isascii_(x));
	if (how != 's')
		asciicase(f->v, f->fn, x);
	if (x->u.str.n == 0)
		return &jvfalse;
	for (i = 0; i < x->u.str.n; i += cplen(x->u.str.s, x->u.str.n, i)) {
		unsigned long ch = cpat(x->u.str.s, x->u.str.n, i);
		int d = ch >= '0' && ch <= '9', lo = ch >= 'a' && ch <= 'z';
		int up = ch >= 'A' && ch <= 'Z';
		lower |= lo;
		upper |= up;
		switch (how) {
		case 'd': if (!d) return &jvfalse; break;
		case 'A': if (!lo && !up) return &jvfalse; break;
		case 'n': if (!lo && !up && !d) return &jvfalse; break;
		case 's': if (!uspace(ch)) return &jvfalse; break;
		case 'i':
			if (!lo && !up && ch != '_' && (i == 0 || !d))
				return &jvfalse;
			break;
		case 't':
			if ((up && prevcased) || (lo && !prevcased))
				return &jvfalse;
			title |= up;
			prevcased = lo || up;
			break;
		}
	}
	if (how == 'l')
		return jvbool(lower && !upper);
	if (how == 'u')
		return jvbool(upper && !lower);
	if (how == 't')
		return jvbool(title);
	return &jvtrue;
}

METHOD(s_isdigit) { SELF("isdigit"); return ispred(&f, x, 'd'); }
METHOD(s_isdecimal) { SELF("isdecimal"); return ispred(&f, x, 'd'); }
METHOD(s_isnumeric) { SELF("isnumeric"); return ispred(&f, x, 'd'); }
METHOD(s_isalpha) { SELF("isalpha"); return ispred(&f, x, 'A'); }
METHOD(s_isalnum) { SELF("isalnum"); return ispred(&f, x, 'n'); }
METHOD(s_isspace) { SELF("isspace"); return ispred(&f, x, 's'); }
METHOD(s_islower) { SELF("islower"); return ispred(&f, x, 'l'); }
METHOD(s_isupper) { SELF("isupper"); return ispred(&f, x, 'u'); }
METHOD(s_istitle) { SELF("istitle"); return ispred(&f, x, 't'); }
METHOD(s_isascii) { SELF("isascii"); return ispred(&f, x, 'a'); }
METHOD(s_isidentifier) { SELF("isidentifier"); return ispred(&f, x, 'i'); }

/* ljust, rjust, center and zfill to width code points. */
static struct jv *
pad(struct fa *f, struct jv *x, int how)
{
	struct buf b = {0};
	struct jv *fill = NULL;
	const char *fs = " ";
	size_t fn = 1, len = jvutf8len(x->u.str.s, x->u.str.n), left, right, i;
	int64_t w;

	nargs(f, how == 'z' ? 1 : 2, NULL);
	w = intarg(f, need(f, 0, NULL));
	if (how != 'z' && (fill = arg(f, 1, NULL))) {
		if (fill->type != JSTR || jvutf8len(fill->u.str.s, fill->u.str.n) != 1)
			jfail(f->v, "The fill character must be exactly one character long");
		fs = fill->u.str.s;
		fn = fill->u.str.n;
	}
	if (w <= (int64_t)len)
		return x;
	if (w > 1 << 24)
		jfail(f->v, "unsupported: padding to more than 16M characters");
	left = right = (size_t)w - len;
	switch (how) {
	case 'l': left = 0; break;
	case 'r': right = 0; break;
	case 'c':
		left = right / 2 + (right & (size_t)w & 1);
		right -= left;
		break;
	case 'z':
		right = 0;
		if (x->u.str.n && (x->u.str.s[0] == '+' || x->u.str.s[0] == '-')) {
			bufputc(&b, x->u.str.s[0]);
			for (i = 0; i < left; i++)
				bufputc(&b, '0');
			bufadd(&b, x->u.str.s + 1, x->u.str.n - 1);
			return bufstr(f->v, &b);
		}
		fs = "0";
		break;
	}
	for (i = 0; i < left; i++)
		bufadd(&b, fs, fn);
	bufadd(&b, x->u.str.s, x->u.str.n);
	for (i = 0; i < right; i++)
		bufadd(&b, fs, fn);
	return bufstr(f->v, &b);
}

METHOD(s_ljust) { SELF("ljust"); return pad(&f, x, 'l'); }
METHOD(s_rjust) { SELF("rjust"); return pad(&f, x, 'r'); }
METHOD(s_center) { SELF("center"); return pad(&f, x, 'c'); }
METHOD(s_zfill) { SELF("zfill"); return pad(&f, x, 'z'); }

static struct jv *
splitlines(struct jev *v, struct jv *x, int keep)
{
	struct jv *r = jvlist(jevarena(v), JLIST);
	size_t i = 0, j = 0, len, n = x->u.str.n;

	while (i < n) {
		if (linebreak(x->u.str.s, n, i, &len)) {
			jvpush(jevarena(v), r, substr(v, x, j, keep ? i + len : i));
			i = j = i + len;
		} else
			i += cplen(x->u.str.s, n, i);
	}
	if (j < n)
		jvpush(jevarena(v), r, substr(v, x, j, n));
	return r;
}

METHOD(s_splitlines)
{
	static const char *const names[] = {"keepends", NULL};
	struct jv *k;
	SELF("splitlines");

	nargs(&f, 1, names);
	k = arg(&f, 0, "keepends");
	return splitlines(v, x, k ? jvtruth(k) : 0);
}

static struct jv *
partition(struct fa *f, struct jv *x, int right)
{
	struct arena *a = jevarena(f->v);
	struct jv *p, *r = jvlist(a, JTUPLE), *e = jvstr(a, "", 0);
	size_t i, m, n = x->u.str.n;

	nargs(f, 1, NULL);
	p = strarg(f, need(f, 0, NULL), "must be str, not");
	if ((m = p->u.str.n) == 0)
		jfail(f->v, "empty separator");
	for (i = 0; i + m <= n; i++) {
		size_t at = right ? n - m - i : i;
		if (!memcmp(x->u.str.s + at, p->u.str.s, m)) {
			jvpush(a, r, substr(f->v, x, 0, at));
			jvpush(a, r, p);
			jvpush(a, r, substr(f->v, x, at + m, n));
			return r;
		}
	}
	jvpush(a, r, right ? e : x);
	jvpush(a, r, e);
	jvpush(a, r, right ? x : e);
	return r;
}

METHOD(s_partition) { SELF("partition"); return partition(&f, x, 0); }
METHOD(s_rpartition) { SELF("rpartition"); return partition(&f, x, 1); }

static struct jv *
unaffix(struct fa *f, struct jv *x, int end)
{
	struct jv *p;
	size_t m;

	nargs(f, 1, NULL);
	p = strarg(f, need(f, 0, NULL), "argument");
	m = p->u.str.n;
	if (m > x->u.str.n || memcmp(x->u.str.s + (end ? x->u.str.n - m : 0), p->u.str.s, m))
		return x;
	return substr(f->v, x, end ? 0 : m, end ? x->u.str.n - m : x->u.str.n);
}

METHOD(s_removeprefix) { SELF("removeprefix"); return unaffix(&f, x, 0); }
METHOD(s_removesuffix) { SELF("removesuffix"); return unaffix(&f, x, 1); }

/* ---- list, tuple and dict methods ---- */

static struct jv *
listcopy(struct jev *v, struct jv *l, enum jtype t)
{
	struct jv *r = jvlist(jevarena(v), t);
	size_t i;

	for (i = 0; i < l->u.list.n; i++)
		jvpush(jevarena(v), r, l->u.list.v[i]);
	return r;
}

METHOD(l_append)
{
	SELF("append");
	nargs(&f, 1, NULL);
	mutable(v, x);
	jvpush(jevarena(v), x, need(&f, 0, NULL));
	return &jvnone;
}

METHOD(l_extend)
{
	struct jv *l;
	size_t i, n;
	SELF("extend");

	nargs(&f, 1, NULL);
	mutable(v, x);
	l = jeviter(v, need(&f, 0, NULL));
	for (i = 0, n = l->u.list.n; i < n; i++)
		jvpush(jevarena(v), x, l->u.list.v[i]);
	return &jvnone;
}

/* An index argument clamped as list.insert does. */
static size_t
clampidx(struct fa *f, struct jv *i, size_t n)
{
	int64_t k = intarg(f, i);

	if (k < 0 && (k += (int64_t)n) < 0)
		k = 0;
	return k > (int64_t)n ? n : (size_t)k;
}

METHOD(l_insert)
{
	size_t at, n;
	struct jv *y;
	SELF("insert");

	nargs(&f, 2, NULL);
	mutable(v, x);
	n = x->u.list.n;
	at = clampidx(&f, need(&f, 0, NULL), n);
	y = need(&f, 1, NULL);
	jvpush(jevarena(v), x, y);
	memmove(x->u.list.v + at + 1, x->u.list.v + at, (n - at) * sizeof(*x->u.list.v));
	x->u.list.v[at] = y;
	return &jvnone;
}

static void
listdel(struct jv *l, size_t i)
{
	memmove(l->u.list.v + i, l->u.list.v + i + 1,
	    (l->u.list.n - i - 1) * sizeof(*l->u.list.v));
	l->u.list.n--;
}

METHOD(l_pop)
{
	struct jv *i, *r;
	int64_t k = -1, n;
	SELF("pop");

	nargs(&f, 1, NULL);
	mutable(v, x);
	n = (int64_t)x->u.list.n;
	if ((i = arg(&f, 0, NULL)))
		k = intarg(&f, i);
	if (n == 0)
		jfail(v, "pop from empty list");
	if (k < 0)
		k += n;
	if (k < 0 || k >= n)
		jfail(v, "pop index out of range");
	r = x->u.list.v[k];
	listdel(x, (size_t)k);
	return r;
}

static size_t
find(struct jv *l, struct jv *y, size_t a, size_t b)
{
	size_t i;

	for (i = a; i < b && i < l->u.list.n; i++)
		if (jveq(l->u.list.v[i], y))
			return i;
	return (size_t)-1;
}

METHOD(l_remove)
{
	size_t i;
	SELF("remove");

	nargs(&f, 1, NULL);
	mutable(v, x);
	if ((i = find(x, need(&f, 0, NULL), 0, x->u.list.n)) == (size_t)-1)
		jfail(v, "list.remove(x): x not in list");
	listdel(x, i);
	return &jvnone;
}

METHOD(l_index)
{
	int64_t a, b;
	size_t i;
	SELF("index");

	nargs(&f, 3, NULL);
	bounds(&f, arg(&f, 1, NULL), arg(&f, 2, NULL), x->u.list.n, &a, &b);
	if (a > (int64_t)x->u.list.n ||
	    (i = find(x, need(&f, 0, NULL), (size_t)a, (size_t)b)) == (size_t)-1)
		jfail(v, "%s.index(x): x not in %s", jvtypename(x), jvtypename(x));
	return jvint(jevarena(v), (int64_t)i);
}

METHOD(l_count)
{
	struct jv *y;
	size_t i;
	int64_t n = 0;
	SELF("count");

	nargs(&f, 1, NULL);
	y = need(&f, 0, NULL);
	for (i = 0; i < x->u.list.n; i++)
		n += jveq(x->u.list.v[i], y);
	return jvint(jevarena(v), n);
}

METHOD(l_reverse)
{
	size_t i, n;
	SELF("reverse");

	nargs(&f, 0, NULL);
	mutable(v, x);
	for (i = 0, n = x->u.list.n; i < n / 2; i++) {
		struct jv *t = x->u.list.v[i];
		x->u.list.v[i] = x->u.list.v[n - 1 - i];
		x->u.list.v[n - 1 - i] = t;
	}
	return &jvnone;
}

METHOD(l_copy)
{
	SELF("copy");
	nargs(&f, 0, NULL);
	return listcopy(v, x, JLIST);
}

METHOD(l_sort)
{
	static const char *const names[] = {"key", "reverse", NULL};
	struct jv *r, *k;
	SELF("sort");

	nargs(&f, 0, names);
	mutable(v, x);
	if ((k = arg(&f, 99, "key")) && k->type != JNONE)
		jfail(v, "unsupported: list.sort with a key");
	r = arg(&f, 99, "reverse");
	sortby(v, x->u.list.v, NULL, x->u.list.n, r && jvtruth(r));
	return &jvnone;
}

METHOD(l_clear)
{
	SELF("clear");
	nargs(&f, 0, NULL);
	mutable(v, x);
	x->u.list.n = 0;
	return &jvnone;
}

METHOD(d_get)
{
	struct jv *k, *r;
	SELF("get");

	nargs(&f, 2, NULL);
	k = need(&f, 0, NULL);
	needhash(v, k);
	if ((r = jvget(x, k)))
		return r;
	return (r = arg(&f, 1, NULL)) ? r : &jvnone;
}

static struct jv *
view(struct jev *v, struct jv *d, enum jsub s)
{
	struct jv *r = jvlist(jevarena(v), JLIST);
	size_t i;

	for (i = 0; i < d->u.dict.n; i++)
		jvpush(jevarena(v), r, s == JS_KEYS ? d->u.dict.k[i] :
		    s == JS_VALUES ? d->u.dict.v[i] :
		    tuple2(v, d->u.dict.k[i], d->u.dict.v[i]));
	return sub(r, s);
}

METHOD(d_keys) { SELF("keys"); nargs(&f, 0, NULL); return view(v, x, JS_KEYS); }
METHOD(d_values) { SELF("values"); nargs(&f, 0, NULL); return view(v, x, JS_VALUES); }
METHOD(d_items) { SELF("items"); nargs(&f, 0, NULL); return view(v, x, JS_ITEMS); }

static void
dset(struct jev *v, struct jv *d, struct jv *k, struct jv *x)
{
	needhash(v, k);
	jvset(jevarena(v), d, k, x);
}

/* dict.update's and dict()'s argument: a dict, or pairs. */
static void
update(struct fa *f, struct jv *d, struct jv *o)
{
	struct jv *l;
	size_t i;

	if (o->type == JDICT) {
		for (i = 0; i < o->u.dict.n; i++)
			dset(f->v, d, o->u.dict.k[i], o->u.dict.v[i]);
		return;
	}
	if (o->type == JOBJ)
		jfail(f->v, "unsupported: %s() with a %s", f->fn, jvtypename(o));
	l = jeviter(f->v, o);
	for (i = 0; i < l->u.list.n; i++) {
		struct jv *p = l->u.list.v[i];
		if (p->type != JLIST && p->type != JTUPLE && p->type != JSTR)
			jfail(f->v, "cannot convert dictionary update sequence element #%zu to a sequence", i);
		p = jeviter(f->v, p);
		if (p->u.list.n != 2)
			jfail(f->v, "dictionary update sequence element #%zu has length %zu; 2 is required", i, p->u.list.n);
		dset(f->v, d, p->u.list.v[0], p->u.list.v[1]);
	}
}

METHOD(d_update)
{
	struct jv *o;
	size_t i;
	SELF("update");

	if (c->npos > 1)
		jfail(v, "update expected at most 1 argument, got %zu", c->npos);
	mutable(v, x);
	if ((o = arg(&f, 0, NULL)))
		update(&f, x, o);
	for (i = 0; i < c->nkw; i++)
		dset(v, x, jvstr(jevarena(v), c->names[i], strlen(c->names[i])), c->kw[i]);
	return &jvnone;
}

static void
dictdel(struct jv *d, size_t i)
{
	size_t n = d->u.dict.n - i - 1;

	memmove(d->u.dict.k + i, d->u.dict.k + i + 1, n * sizeof(*d->u.dict.k));
	memmove(d->u.dict.v + i, d->u.dict.v + i + 1, n * sizeof(*d->u.dict.v));
	d->u.dict.n--;
}

METHOD(d_pop)
{
	struct jv *k, *r;
	size_t i;
	SELF("pop");

	nargs(&f, 2, NULL);
	k = need(&f, 0, NULL);
	needhash(v, k);
	mutable(v, x);
	for (i = 0; i < x->u.dict.n; i++)
		if (jveq(x->u.dict.k[i], k)) {
			r = x->u.dict.v[i];
			dictdel(x, i);
			return r;
		}
	if ((r = arg(&f, 1, NULL)))
		return r;
	jfail(v, "KeyError in dict.pop");
	return NULL;
}

METHOD(d_setdefault)
{
	struct jv *k, *r;
	SELF("setdefault");

	nargs(&f, 2, NULL);
	k = need(&f, 0, NULL);
	needhash(v, k);
	if ((r = jvget(x, k)))
		return r;
	mutable(v, x);
	r = arg(&f, 1, NULL);
	jvset(jevarena(v), x, k, r ? r : &jvnone);
	return r ? r : &jvnone;
}

METHOD(d_copy)
{
	struct jv *r = jvdict(jevarena(v));
	size_t i;
	SELF("copy");

	nargs(&f, 0, NULL);
	for (i = 0; i < x->u.dict.n; i++)
		jvset(jevarena(v), r, x->u.dict.k[i], x->u.dict.v[i]);
	return r;
}

METHOD(d_popitem)
{
	struct jv *r;
	SELF("popitem");

	nargs(&f, 0, NULL);
	mutable(v, x);
	if (x->u.dict.n == 0)
		jfail(v, "'popitem(): dictionary is empty'");
	r = tuple2(v, x->u.dict.k[x->u.dict.n - 1], x->u.dict.v[x->u.dict.n - 1]);
	x->u.dict.n--;
	return r;
}

METHOD(d_clear)
{
	SELF("clear");
	nargs(&f, 0, NULL);
	mutable(v, x);
	x->u.dict.n = 0;
	return &jvnone;
}

METHOD(d_fromkeys)
{
	struct jv *r = jvdict(jevarena(v)), *l, *y;
	size_t i;
	SELF("fromkeys");

	(void)x;
	nargs(&f, 2, NULL);
	l = jeviter(v, need(&f, 0, NULL));
	y = arg(&f, 1, NULL);
	for (i = 0; i < l->u.list.n; i++)
		dset(v, r, l->u.list.v[i], y ? y : &jvnone);
	return r;
}

/* ---- str.format and printf-style formatting ---- */

static void
putstr(struct jev *v, struct buf *b, struct jv *x)
{
	x = jevstr(v, x);
	bufadd(b, x->u.str.s, x->u.str.n);
}

static void
putrepr(struct jev *v, struct buf *b, struct jv *x)
{
	const char *err;

	if ((err = jvreprto(b, x))) {
		buffree(b);
		jfail(v, "unsupported: %s", err);
	}
}

/* One replacement field {name.attr[key]!conv:spec} of str.format, the
 * sandbox's way (attributes and items through the environment). */
static void
field(struct fa *f, struct buf *b, const char *s, size_t n, struct jv *args,
    struct jv *kw, int *autoidx)
{
	struct arena *a = jevarena(f->v);
	struct jv *x;
	size_t i = 0, k;
	char conv = 0;

	while (i < n && s[i] != '.' && s[i] != '[' && s[i] != '!' && s[i] != ':')
		i++;
	if (i == 0 || strspn(s, "0123456789") == i) {
		int64_t idx = 0;
		if (i == 0) {
			if (*autoidx < 0)
				jfail(f->v, "cannot switch from manual field specification to automatic field numbering");
			idx = (*autoidx)++;
		} else {
			if (*autoidx > 0)
				jfail(f->v, "cannot switch from automatic field numbering to manual field specification");
			*autoidx = -1;
			for (k = 0; k < i; k++)
				if (__builtin_mul_overflow(idx, 10, &idx) ||
				    __builtin_add_overflow(idx, s[k] - '0', &idx))
					jfail(f->v, "Too many decimal digits in format string");
		}
		if (!args || idx >= (int64_t)args->u.list.n)
			jfail(f->v, "Replacement index %lld out of range for positional args tuple", (long long)idx);
		x = args->u.list.v[idx];
	} else {
		struct jv *key = jvstr(a, s, i);
		if (kw->type != JDICT || !(x = jvget(kw, key)))
			jfail(f->v, "KeyError in str.format: '%s'", key->u.str.s);
	}
	while (i < n && s[i] != '!' && s[i] != ':') {
		struct jv *key;
		if (s[i] == '.') {
			for (k = ++i; i < n && s[i] != '.' && s[i] != '[' && s[i] != '!' && s[i] != ':'; i++)
				;
			if (i == k)
				jfail(f->v, "Empty attribute in format string");
			key = jvstr(a, s + k, i - k);
			if (key->u.str.s[0] == '_')
				jfail(f->v, "unsupported: attribute '%s' beginning with '_'", key->u.str.s);
			x = jevattr(f->v, x, key->u.str.s);
		} else if (s[i] == '[') {
			for (k = ++i; i < n && s[i] != ']'; i++)
				;
			if (i == n)
				jfail(f->v, "Missing ']' in format string");
			if (i == k)
				jfail(f->v, "Empty attribute in format string");
			key = jvstr(a, s + k, i - k);
			if (strspn(key->u.str.s, "0123456789") == key->u.str.n) {
				struct jv *p = attrparts(f->v, key);
				key = p->u.list.v[0];
			}
			x = getitem(f->v, x, key);
			i++;
			if (i < n && s[i] != '.' && s[i] != '[' && s[i] != '!' && s[i] != ':')
				jfail(f->v, "Only '.' or '[' may follow ']' in format field specifier");
		} else
			jfail(f->v, "unexpected '%c' in field name", s[i]);
	}
	if (i < n && s[i] == '!') {
		if (i + 1 >= n)
			jfail(f->v, "end of string while looking for conversion specifier");
		conv = s[i + 1];
		i += 2;
		if (i < n && s[i] != ':')
			jfail(f->v, "expected ':' after conversion specifier");
		if (conv != 's' && conv != 'r' && conv != 'a')
			jfail(f->v, "Unknown conversion specifier %c", conv);
	}
	if (i < n && i + 1 < n)
		jfail(f->v, "unsupported: format spec '%.*s' in str.format", (int)(n - i - 1), s + i + 1);
	if (conv == 'r' || conv == 'a')
		putrepr(f->v, b, x);
	else
		putstr(f->v, b, x);
}

/* str.format over args (a tuple) and kw (a dict or mapping). */
static struct jv *
strformat(struct fa *f, struct jv *fmt, struct jv *args, struct jv *kw)
{
	struct buf b = {0};
	const char *s = fmt->u.str.s;
	size_t n = fmt->u.str.n, i = 0;
	int autoidx = 0;

	while (i < n) {
		size_t k, depth;
		if (s[i] == '}') {
			if (i + 1 < n && s[i + 1] == '}') {
				bufputc(&b, '}');
				i += 2;
				continue;
			}
			buffree(&b);
			jfail(f->v, "Single '}' encountered in format string");
		}
		if (s[i] != '{') {
			bufputc(&b, s[i++]);
			continue;
		}
		if (i + 1 < n && s[i + 1] == '{') {
			bufputc(&b, '{');
			i += 2;
			continue;
		}
		for (k = ++i, depth = 1; k < n; k++) {
			if (s[k] == '[') {
				while (k < n && s[k] != ']')
					k++;
				if (k == n)
					break;
			} else if (s[k] == '{')
				depth++;
			else if (s[k] == '}' && --depth == 0)
				break;
		}
		if (k >= n) {
			buffree(&b);
			jfail(f->v, "expected '}' before end of string");
		}
		field(f, &b, s + i, k - i, args, kw, &autoidx);
		i = k + 1;
	}
	return bufstr(f->v, &b);
}

METHOD(s_format)
{
	struct jv *args = jvlist(jevarena(v), JTUPLE), *kw = jvdict(jevarena(v));
	size_t i;
	SELF("format");

	for (i = 0; i < c->npos; i++)
		jvpush(jevarena(v), args, c->pos[i]);
	for (i = 0; i < c->nkw; i++)
		jvset(jevarena(v), kw, jvstr(jevarena(v), c->names[i], strlen(c->names[i])), c->kw[i]);
	return strformat(&f, x, args, kw);
}

METHOD(s_format_map)
{
	struct jv *m;
	SELF("format_map");

	nargs(&f, 1, NULL);
	m = need(&f, 0, NULL);
	if (m->type != JDICT)
		jfail(v, "unsupported: format_map with a %s", jvtypename(m));
	return strformat(&f, x, NULL, m);
}

/* One %-conversion: flags, width, precision and type, as Python's. */
static void
pct(struct fa *f, struct buf *b, const char *flags, int width, int prec,
    char type, struct jv *x)
{
	char spec[64], tmp[512];
	int left = strchr(flags, '-') != NULL;

	if (type == 's' || type == 'r' || type == 'a' || type == 'c') {
		struct buf t = {0};
		size_t len, i, cut;
		if (type == 'c') {
			if (x->type == JSTR && jvutf8len(x->u.str.s, x->u.str.n) == 1)
				bufadd(&t, x->u.str.s, x->u.str.n);
			else if (isint(x) && ival(x) >= 0 && ival(x) < 0x80)
				bufputc(&t, (int)ival(x));
			else
				jfail(f->v, "unsupported: %%c of this value");
		} else if (type == 's')
			putstr(f->v, &t, x);
		else
			putrepr(f->v, &t, x);
		len = jvutf8len(t.s ? t.s : "", t.len);
		cut = t.len;
		if (prec >= 0 && (size_t)prec < len) {
			cut = cpoff(t.s, t.len, (size_t)prec);
			len = (size_t)prec;
		}
		for (i = len; !left && (int)i < width; i++)
			bufputc(b, ' ');
		bufadd(b, t.s ? t.s : "", cut);
		for (i = len; left && (int)i < width; i++)
			bufputc(b, ' ');
		buffree(&t);
		return;
	}
	if (width > 1000 || prec > 400)
		jfail(f->v, "unsupported: width or precision beyond 1000");
	if (x->type == JUNDEF)
		jfail(f->v, "%s", jvundefwhy(x, "undefined value used"));
	if (strchr("diuxXo", type)) {
		long long i = 0;
		if (strchr(flags, '#'))
			jfail(f->v, "unsupported: %%# of an integer");
		if (isint(x))
			i = ival(x);
		else if (x->type == JFLOAT && type != 'x' && type != 'X' && type != 'o') {
			if (!isfinite(x->u.f) || fabs(x->u.f) >= 9.2e18)
				jfail(f->v, "unsupported: %%%c of this float", type);
			i = (long long)x->u.f;
		} else
			jfail(f->v, "%%%c format: a real number is required, not %s", type, jvtypename(x));
		if (type == 'u' || type == 'i')
			type = 'd';
		if (type != 'd' && i < 0)
			jfail(f->v, "unsupported: %%%c of a negative integer", type);
		snprintf(spec, sizeof(spec), "%%%s*.*ll%c", flags, type);
		snprintf(tmp, sizeof(tmp), spec, width < 0 ? 0 : width, prec, i);
		bufputs(b, tmp);
		return;
	}
	if (strchr("eEfFgG", type)) {
		double d;
		if (!isnum(x))
			jfail(f->v, "must be real number, not %s", jvtypename(x));
		d = fval(x);
		if (!isfinite(d))
			jfail(f->v, "unsupported: %%%c of inf or nan", type);
		snprintf(spec, sizeof(spec), "%%%s*.*%c", flags, type);
		snprintf(tmp, sizeof(tmp), spec, width < 0 ? 0 : width, prec < 0 ? 6 : prec, d);
		bufputs(b, tmp);
		return;
	}
	jfail(f->v, "unsupported: %%%c in string formatting", type);
}

/* fmt % args (a tuple) or % kw (a dict), as Python's str % does. */
static struct jv *
printf_(struct fa *f, struct jv *fmt, struct jv *args, struct jv *kw)
{
	struct buf b = {0};
	const char *s = fmt->u.str.s;
	size_t n = fmt->u.str.n, i = 0, next = 0;
	int useddict = 0;

	while (i < n) {
		char flags[8];
		size_t nf = 0;
		int width = -1, prec = -1;
		struct jv *x = NULL;
		if (s[i] != '%') {
			bufputc(&b, s[i++]);
			continue;
		}
		if (++i >= n)
			jfail(f->v, "incomplete format");
		if (s[i] == '(') {
			size_t k = ++i, depth = 1;
			for (; i < n; i++)
				if (s[i] == '(')
					depth++;
				else if (s[i] == ')' && --depth == 0)
					break;
			if (i >= n)
				jfail(f->v, "incomplete format key");
			if (!kw)
				jfail(f->v, "format requires a mapping");
			if (!(x = jvget(kw, jvstr(jevarena(f->v), s + k, i - k))))
				jfail(f->v, "KeyError in string formatting: '%.*s'", (int)(i - k), s + k);
			i++;
		}
		while (i < n && strchr("-+ #0", s[i]) && s[i]) {
			if (nf < sizeof(flags) - 1 && !memchr(flags, s[i], nf))
				flags[nf++] = s[i];
			i++;
		}
		flags[nf] = '\0';
		if (i < n && s[i] == '*')
			jfail(f->v, "unsupported: * width in string formatting");
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			width = (width < 0 ? 0 : width) * 10 + (s[i] - '0') > 100000 ? 100000 :
			    (width < 0 ? 0 : width) * 10 + (s[i] - '0');
		if (i < n && s[i] == '.') {
			prec = 0;
			if (++i < n && s[i] == '*')
				jfail(f->v, "unsupported: * precision in string formatting");
			for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				prec = prec * 10 + (s[i] - '0') > 100000 ? 100000 : prec * 10 + (s[i] - '0');
		}
		while (i < n && (s[i] == 'l' || s[i] == 'h' || s[i] == 'L'))
			i++;
		if (i >= n)
			jfail(f->v, "incomplete format");
		if (s[i] == '%') {
			bufputc(&b, '%');
			i++;
			continue;
		}
		if (!x) {
			if (kw) {
				if (useddict++)
					jfail(f->v, "not enough arguments for format string");
				x = kw;
			} else if (next < args->u.list.n)
				x = args->u.list.v[next++];
			else
				jfail(f->v, "not enough arguments for format string");
		}
		if (!strchr("sracdiuxXoeEfFgG", s[i]))
			jfail(f->v, "unsupported format character '%c' (0x%x)", s[i], (unsigned char)s[i]);
		pct(f, &b, flags, width, prec, s[i], x);
		i++;
	}
	if (!kw && next < args->u.list.n) {
		buffree(&b);
		jfail(f->v, "not all arguments converted during string formatting");
	}
	return bufstr(f->v, &b);
}

/* ---- filters ---- */

#define FILTER(fn) static struct jv *fn(struct fa *f, struct jv *x)

static struct jv *
gen(struct jev *v)
{
	return sub(jvlist(jevarena(v), JLIST), JS_GEN);
}

/* The call c without its first n positional arguments. */
static struct jcall *
shift(struct jev *v, struct jcall *c, size_t n)
{
	struct jcall *r = arenaalloc(jevarena(v), sizeof(*r));

	*r = *c;
	r->pos += n < c->npos ? n : c->npos;
	r->npos -= n < c->npos ? n : c->npos;
	return r;
}

static const char *
namearg(struct fa *f, struct jv *x, const char *what)
{
	if (x->type != JSTR)
		jfail(f->v, "unsupported: %s name of type %s", what, jvtypename(x));
	return x->u.str.s;
}

FILTER(f_map)
{
	struct jev *v = f->v;
	struct jv *r = gen(v), *l, *attr = NULL, *dflt = NULL, *parts = NULL;
	struct jcall *rest = NULL;
	const char *name = NULL;
	size_t i;

	if (f->c->npos == 0 && arg(f, 99, "attribute")) {
		static const char *const names[] = {"attribute", "default", NULL};
		nargs(f, 0, names);
		attr = arg(f, 99, "attribute");
		dflt = arg(f, 99, "default");
		parts = attrparts(v, attr);
	} else {
		if (f->c->npos == 0)
			jfail(v, "map requires a filter argument");
		name = namearg(f, f->c->pos[0], "filter");
		rest = shift(v, f->c, 1);
	}
	if (!jvtruth(x))
		return r;
	l = jeviter(v, x);
	for (i = 0; i < l->u.list.n; i++)
		jvpush(jevarena(v), r, name ? jevfilter(v, name, l->u.list.v[i], rest) :
		    getattrs(v, l->u.list.v[i], parts, dflt, 0));
	return r;
}

static struct jv *
selects(struct fa *f, struct jv *x, int attr, int keep)
{
	struct jev *v = f->v;
	struct jv *r = gen(v), *l, *parts = NULL;
	struct jcall *rest = NULL;
	const char *name = NULL;
	size_t i, off = 0;

	if (!jvtruth(x))
		return r;
	if (attr) {
		if (f->c->npos == 0)
			jfail(v, "Missing parameter for attribute name");
		parts = attrparts(v, f->c->pos[0]);
		off = 1;
	}
	if (f->c->npos > off) {
		name = namearg(f, f->c->pos[off], "test");
		rest = shift(v, f->c, off + 1);
	}
	l = jeviter(v, x);
	for (i = 0; i < l->u.list.n; i++) {
		struct jv *y = l->u.list.v[i];
		int t;
		if (parts)
			y = getattrs(v, y, parts, NULL, 0);
		t = name ? jevtest(v, name, y, rest) : jvtruth(y);
		if (t == keep)
			jvpush(jevarena(v), r, l->u.list.v[i]);
	}
	return r;
}

FILTER(f_select) { return selects(f, x, 0, 1); }
FILTER(f_reject) { return selects(f, x, 0, 0); }
FILTER(f_selectattr) { return selects(f, x, 1, 1); }
FILTER(f_rejectattr) { return selects(f, x, 1, 0); }

static int
casearg(struct fa *f, size_t i)
{
	struct jv *cs = arg(f, i, "case_sensitive");

	return !(cs && jvtruth(cs));
}

FILTER(f_unique)
{
	static const char *const names[] = {"case_sensitive", "attribute", NULL};
	struct jev *v = f->v;
	struct jv *r = gen(v), *l, *parts, *seen = jvlist(jevarena(v), JLIST);
	size_t i;
	int nc;

	nargs(f, 2, names);
	nc = casearg(f, 0);
	parts = attrparts(v, arg(f, 1, "attribute"));
	l = jeviter(v, x);
	for (i = 0; i < l->u.list.n; i++) {
		struct jv *k = getattrs(v, l->u.list.v[i], parts, NULL, nc);
		needhash(v, k);
		if (find(seen, k, 0, seen->u.list.n) != (size_t)-1)
			continue;
		jvpush(jevarena(v), seen, k);
		jvpush(jevarena(v), r, l->u.list.v[i]);
	}
	return r;
}

FILTER(f_sort)
{
	static const char *const names[] = {"reverse", "case_sensitive", "attribute", NULL};
	struct jev *v = f->v;
	struct jv *r, *rev, **keys;
	size_t i;
	int nc;

	nargs(f, 3, names);
	rev = arg(f, 0, "reverse");
	nc = casearg(f, 1);
	/* a set's items in any order: sorted, the same where no two keys are
	 * equal */
	r = listcopy(v, jvisset(x) ? jsetitems(jevarena(v), x) : jeviter(v, x), JLIST);
	keys = arenaalloc(jevarena(v), (r->u.list.n + 1) * sizeof(*keys));
	for (i = 0; i < r->u.list.n; i++)
		keys[i] = multikey(v, r->u.list.v[i], arg(f, 2, "attribute"), nc);
	sortby(v, r->u.list.v, keys, r->u.list.n, rev && jvtruth(rev));
	for (i = 1; jvisset(x) && i < r->u.list.n; i++)
		if (cmp(v, keys[i - 1], keys[i]) == 0)
			jfail(v, "unsupported: sort of a set with two items of equal keys (their order "
			    "is Python's hash order)");
	return r;
}

FILTER(f_reverse)
{
	struct jev *v = f->v;
	struct jv *l, *r;
	size_t i;

	nargs(f, 0, NULL);
	if (x->type == JSTR) {
		struct buf b = {0};
		for (i = x->u.str.n; i > 0;) {
			size_t k = prevcp(x->u.str.s, i);
			bufadd(&b, x->u.str.s + k, i - k);
			i = k;
		}
		return bufstr(v, &b);
	}
	if (x->type == JOBJ)
		jfail(v, "unsupported: reverse of a %s", jvtypename(x));
	l = jeviter(v, x);
	r = jvlist(jevarena(v), JLIST);
	for (i = l->u.list.n; i-- > 0;)
		jvpush(jevarena(v), r, l->u.list.v[i]);
	return x->type == JLIST && x->sub == JS_GEN ? r : sub(r, JS_ITER);
}

/* Python's a + b for sum(): numbers, and lists or tuples of one type. */
static struct jv *
add(struct jev *v, struct jv *a, struct jv *b)
{
	if (jdecis(a) || jdecis(b)) {
		const char *err = NULL;
		struct jv *r = jdecarith(jevarena(v), '+', a, b, &err);
		if (r)
			return r;
		if (err)
			jfail(v, "%s", err);
	}
	if (isnum(a) && isnum(b)) {
		int64_t r;
		if (a->type == JFLOAT || b->type == JFLOAT)
			return jvfloat(jevarena(v), fval(a) + fval(b));
		if (__builtin_add_overflow(ival(a), ival(b), &r))
			jfail(v, "unsupported: integer result of + beyond 64 bits");
		return jvint(jevarena(v), r);
	}
	if (a->type == b->type && (a->type == JLIST || a->type == JTUPLE) &&
	    a->sub == JS_NONE && b->sub == JS_NONE) {
		struct jv *r = listcopy(v, a, a->type);
		size_t i;
		for (i = 0; i < b->u.list.n; i++)
			jvpush(jevarena(v), r, b->u.list.v[i]);
		return r;
	}
	if (a->type == JUNDEF || b->type == JUNDEF)
		jfail(v, "%s", jvundefwhy(a->type == JUNDEF ? a : b, "undefined value used"));
	jfail(v, "unsupported operand type(s) for +: '%s' and '%s'", jvtypename(a), jvtypename(b));
	return NULL;
}

FILTER(f_sum)
{
	static const char *const names[] = {"attribute", "start", NULL};
	struct jev *v = f->v;
	struct jv *l, *parts, *r;
	size_t i;

	nargs(f, 2, names);
	parts = attrparts(v, arg(f, 0, "attribute"));
	r = arg(f, 1, "start");
	r = r ? r : jvint(jevarena(v), 0);
	if (r->type == JSTR)
		jfail(v, "sum() can't sum strings [use ''.join(seq) instead]");
	l = jeviter(v, x);
	for (i = 0; i < l->u.list.n; i++)
		r = add(v, r, getattrs(v, l->u.list.v[i], parts, NULL, 0));
	return r;
}

static struct jv *
minmax(struct fa *f, struct jv *x, int max)
{
	static const char *const names[] = {"case_sensitive", "attribute", NULL};
	struct jev *v = f->v;
	struct jv *l, *parts, *best = NULL, *bk = NULL;
	size_t i;
	int nc;

	nargs(f, 2, names);
	nc = casearg(f, 0);
	parts = attrparts(v, arg(f, 1, "attribute"));
	l = jeviter(v, x);
	for (i = 0; i < l->u.list.n; i++) {
		struct jv *k = getattrs(v, l->u.list.v[i], parts, NULL, nc);
		if (!best || cmp(v, k, bk) == (max ? 1 : -1)) {
			best = l->u.list.v[i];
			bk = k;
		}
	}
	return best ? best : &jvundef;
}

FILTER(f_min) { return minmax(f, x, 0); }
FILTER(f_max) { return minmax(f, x, 1); }

FILTER(f_abs)
{
	nargs(f, 0, NULL);
	if (x->type == JFLOAT)
		return jvfloat(jevarena(f->v), fabs(x->u.f));
	if (jdecis(x))
		jfail(f->v, "unsupported: abs of a Decimal");
	if (!isint(x))
		jfail(f->v, "bad operand type for abs(): '%s'", jvtypename(x));
	if (ival(x) == INT64_MIN)
		jfail(f->v, "unsupported: integer beyond 64 bits");
	return jvint(jevarena(f->v), ival(x) < 0 ? -ival(x) : ival(x));
}

/* round(i, -k) for an int: to a multiple of 10**k, halves to even. */
static int64_t
intround(struct fa *f, int64_t i, int64_t k)
{
	int64_t p = 1, q, r;

	if (k > 18) {
		if (k == 19 && (i > 5000000000000000000LL || i < -5000000000000000000LL))
			jfail(f->v, "unsupported: integer beyond 64 bits");
		return 0;
	}
	while (k-- > 0)
		p *= 10;
	q = i / p;
	r = i % p;
	if (r < 0) {
		q--;
		r += p;
	}
	if (2 * r > p || (2 * r == p && (q & 1)))
		q++;
	if (__builtin_mul_overflow(q, p, &r))
		jfail(f->v, "unsupported: integer beyond 64 bits");
	return r;
}

FILTER(f_round)
{
	static const char *const names[] = {"precision", "method", NULL};
	struct jev *v = f->v;
	struct jv *pa, *ma;
	int64_t prec = 0;
	const char *m = "common";
	char tmp[400];
	double d = 0, p, r;

	nargs(f, 2, names);
	if ((pa = arg(f, 0, "precision")))
		prec = intarg(f, pa);
	if ((ma = arg(f, 1, "method")))
		m = namearg(f, ma, "method");
	if (strcmp(m, "common") && strcmp(m, "ceil") && strcmp(m, "floor"))
		jfail(v, "method must be common, ceil or floor");
	if (jdecis(x))
		jfail(v, "unsupported: round of a Decimal");
	if (!isnum(x))
		jfail(v, "type %s doesn't define __round__ method", jvtypename(x));
	if (!strcmp(m, "common")) {
		if (isint(x))
			return jvint(jevarena(v), prec >= 0 ? ival(x) : intround(f, ival(x), -prec));
		d = x->u.f;
		if (prec > 323 || !isfinite(d) || d == 0)
			return x;
		if (prec < 0)
			jfail(v, "unsupported: round of a float to a negative precision");
		snprintf(tmp, sizeof(tmp), "%.*f", (int)prec, d);
		return jvfloat(jevarena(v), strtod(tmp, NULL));
	}
	if (prec < -300 || prec > 300)
		jfail(v, "unsupported: round to this precision");
	p = pow(10, (double)prec);
	if (prec >= 0 && prec <= 18) {
		int64_t ip = 1, k;
		for (k = 0; k < prec; k++)
			ip *= 10;
		if (isint(x)) {
			int64_t q;
			if (__builtin_mul_overflow(ival(x), ip, &q) || q > (1LL << 53) || q < -(1LL << 53))
				jfail(v, "unsupported: integer beyond 53 bits in round");
			return jvfloat(jevarena(v), (double)q / (double)ip);
		}
		d = x->u.f * (double)ip;
	} else if (prec >= 0)
		jfail(v, "unsupported: round to this precision");
	else
		d = fval(x) * p;
	if (!isfinite(d))
		jfail(v, "cannot convert float infinity to integer");
	r = !strcmp(m, "ceil") ? ceil(d) : floor(d);
	return jvfloat(jevarena(v), r / p);
}

/* json.dumps(x, sort_keys=..., indent=...): for the tojson filter
 * sorted, with htmlsafe_json_dumps's escapes of < > & and '; for dbt's
 * tojson() neither unless asked to sort. */
struct jsonopt {
	const char *ind;	/* indent, or NULL */
	int html, sort;
};
static void jsonto(struct fa *, struct buf *, struct jv *, const struct jsonopt *, int);

static void
jsonstr(struct buf *b, const char *s, size_t n, int html)
{
	size_t i;

	bufputc(b, '"');
	for (i = 0; i < n; i += cplen(s, n, i)) {
		unsigned long c = cpat(s, n, i);
		switch (c) {
		case '"': bufputs(b, "\\\""); break;
		case '\\': bufputs(b, "\\\\"); break;
		case '\n': bufputs(b, "\\n"); break;
		case '\r': bufputs(b, "\\r"); break;
		case '\t': bufputs(b, "\\t"); break;
		case '\b': bufputs(b, "\\b"); break;
		case '\f': bufputs(b, "\\f"); break;
		case '<': case '>': case '&': case '\'':
			if (html)
				bufprintf(b, "\\u%04lx", c);
			else
				bufputc(b, (int)c);
			break;
		default:
			if (c < 0x20 || (c >= 0x7F && c < 0x10000))
				bufprintf(b, c < 0x7F ? "\\u%04lx" : "\\u%04lx", c);
			else if (c >= 0x10000)
				bufprintf(b, "\\u%04lx\\u%04lx", 0xD800 + ((c - 0x10000) >> 10),
				    0xDC00 + ((c - 0x10000) & 0x3FF));
			else
				bufputc(b, (int)c);
		}
	}
	bufputc(b, '"');
}

static void
jsonnl(struct buf *b, const char *ind, int depth)
{
	int i;

	bufputc(b, '\n');
	for (i = 0; i < depth; i++)
		bufputs(b, ind);
}

static void
jsonkey(struct fa *f, struct buf *b, struct jv *k, const struct jsonopt *o)
{
	struct jsonopt flat = *o;

	flat.ind = NULL;
	switch (k->type) {
	case JSTR: jsonstr(b, k->u.str.s, k->u.str.n, o->html); return;
	case JNONE: bufputs(b, "\"null\""); return;
	case JBOOL: bufputs(b, k->u.b ? "\"true\"" : "\"false\""); return;
	case JINT: bufprintf(b, "\"%lld\"", (long long)k->u.i); return;
	case JFLOAT:
		bufputc(b, '"');
		jsonto(f, b, k, &flat, 0);
		bufputc(b, '"');
		return;
	default:
		buffree(b);
		jfail(f->v, "keys must be str, int, float, bool or None, not %s", jvtypename(k));
	}
}

static void
jsonto(struct fa *f, struct buf *b, struct jv *x, const struct jsonopt *o, int depth)
{
	const char *ind = o->ind;
	size_t i;

	switch (x->type) {
	case JNONE: bufputs(b, "null"); return;
	case JBOOL: bufputs(b, x->u.b ? "true" : "false"); return;
	case JINT: bufprintf(b, "%lld", (long long)x->u.i); return;
	case JFLOAT:
		if (isnan(x->u.f))
			bufputs(b, "NaN");
		else if (isinf(x->u.f))
			bufputs(b, x->u.f < 0 ? "-Infinity" : "Infinity");
		else
			jvfloatto(b, x->u.f);
		return;
	case JSTR: jsonstr(b, x->u.str.s, x->u.str.n, o->html); return;
	case JLIST: case JTUPLE:
		if (x->sub != JS_NONE && x->sub != JS_GROUP)
			break;
		if (x->u.list.n == 0) {
			bufputs(b, "[]");
			return;
		}
		bufputc(b, '[');
		for (i = 0; i < x->u.list.n; i++) {
			if (i)
				bufputs(b, ind ? "," : ", ");
			if (ind)
				jsonnl(b, ind, depth + 1);
			jsonto(f, b, x->u.list.v[i], o, depth + 1);
		}
		if (ind)
			jsonnl(b, ind, depth);
		bufputc(b, ']');
		return;
	case JDICT: {
		struct jv **item, **key;
		size_t n = x->u.dict.n;
		if (n == 0) {
			bufputs(b, "{}");
			return;
		}
		item = arenaalloc(jevarena(f->v), n * sizeof(*item));
		key = arenaalloc(jevarena(f->v), n * sizeof(*key));
		for (i = 0; i < n; i++) {
			item[i] = tuple2(f->v, x->u.dict.k[i], x->u.dict.v[i]);
			key[i] = x->u.dict.k[i];
		}
		if (o->sort)
			sortby(f->v, item, key, n, 0);
		bufputc(b, '{');
		for (i = 0; i < n; i++) {
			if (i)
				bufputs(b, ind ? "," : ", ");
			if (ind)
				jsonnl(b, ind, depth + 1);
			jsonkey(f, b, item[i]->u.list.v[0], o);
			bufputs(b, ": ");
			jsonto(f, b, item[i]->u.list.v[1], o, depth + 1);
		}
		if (ind)
			jsonnl(b, ind, depth);
		bufputc(b, '}');
		return;
	}
	default:
		break;
	}
	buffree(b);
	jfail(f->v, "Object of type %s is not JSON serializable", jvtypename(x));
}

FILTER(f_tojson)
{
	static const char *const names[] = {"indent", NULL};
	struct buf b = {0}, ind = {0};
	struct jsonopt o;
	struct jv *i;
	int64_t k;

	nargs(f, 1, names);
	if ((i = arg(f, 0, "indent")) && i->type != JNONE) {
		if (i->type == JSTR)
			bufadd(&ind, i->u.str.s, i->u.str.n);
		else
			for (k = intarg(f, i); k > 0 && k < 1000; k--)
				bufputc(&ind, ' ');
		bufputc(&ind, '\0');
	}
	o.ind = i && i->type != JNONE ? ind.s : NULL;
	o.html = o.sort = 1;
	jsonto(f, &b, x, &o, 0);
	buffree(&ind);
	return sub(bufstr(f->v, &b), JS_MARKUP);
}

/* dbt's tojson(): json.dumps(x, sort_keys=sort) as Python writes it. */
FILTER(f_dbt_tojson)
{
	static const char *const names[] = {"sort_keys", NULL};
	struct jsonopt o = {NULL, 0, 0};
	struct buf b = {0};
	struct jv *k;

	nargs(f, 0, names);
	if ((k = arg(f, 99, "sort_keys")))
		o.sort = jvtruth(k);
	jsonto(f, &b, x, &o, 0);
	return bufstr(f->v, &b);
}

static int
ismarkup(const struct jv *x)
{
	return x->type == JSTR && x->sub == JS_MARKUP;
}

/* markupsafe's escape of str(x). */
static struct jv *
escape(struct jev *v, struct jv *x)
{
	struct buf b = {0};
	size_t i;

	x = jevstr(v, x);
	for (i = 0; i < x->u.str.n; i++)
		switch (x->u.str.s[i]) {
		case '&': bufputs(&b, "&amp;"); break;
		case '<': bufputs(&b, "&lt;"); break;
		case '>': bufputs(&b, "&gt;"); break;
		case '"': bufputs(&b, "&#34;"); break;
		case '\'': bufputs(&b, "&#39;"); break;
		default: bufputc(&b, x->u.str.s[i]);
		}
	return sub(bufstr(v, &b), JS_MARKUP);
}

FILTER(f_escape)
{
	nargs(f, 0, NULL);
	return ismarkup(x) ? x : escape(f->v, x);
}

FILTER(f_forceescape)
{
	nargs(f, 0, NULL);
	return escape(f->v, x);
}

FILTER(f_safe)
{
	struct jv *s;

	nargs(f, 0, NULL);
	if (ismarkup(x))
		return x;
	s = jevstr(f->v, x);
	return sub(jvstr(jevarena(f->v), s->u.str.s, s->u.str.n), JS_MARKUP);
}

static struct jv *
plainstr(struct fa *f, struct jv *x)
{
	if (ismarkup(x))
		jfail(f->v, "unsupported: filter %s on a Markup string", f->fn);
	return jevstr(f->v, x);
}

FILTER(f_indent)
{
	static const char *const names[] = {"width", "first", "blank", NULL};
	struct jev *v = f->v;
	struct buf b = {0};
	struct jv *w, *fi, *bl, *lines, *s;
	const char *ind = "    ";
	size_t in = 4, i;
	int64_t k;

	nargs(f, 3, names);
	if (x->type != JSTR)
		jfail(v, "unsupported: indent of a %s", jvtypename(x));
	plainstr(f, x);
	if ((w = arg(f, 0, "width"))) {
		if (w->type == JSTR) {
			ind = w->u.str.s;
			in = w->u.str.n;
		} else {
			struct buf sp = {0};
			for (k = intarg(f, w); k > 0 && k < 1 << 16; k--)
				bufputc(&sp, ' ');
			s = bufstr(v, &sp);
			ind = s->u.str.s;
			in = s->u.str.n;
		}
	}
	fi = arg(f, 1, "first");
	bl = arg(f, 2, "blank");
	bufadd(&b, x->u.str.s, x->u.str.n);
	bufputc(&b, '\n');
	s = bufstr(v, &b);
	lines = splitlines(v, s, 0);
	if (fi && jvtruth(fi))
		bufadd(&b, ind, in);
	for (i = 0; i < lines->u.list.n; i++) {
		struct jv *l = lines->u.list.v[i];
		if (i) {
			bufputc(&b, '\n');
			if (l->u.str.n || (bl && jvtruth(bl)))
				bufadd(&b, ind, in);
		}
		bufadd(&b, l->u.str.s, l->u.str.n);
	}
	return bufstr(v, &b);
}

FILTER(f_batch)
{
	static const char *const names[] = {"linecount", "fill_with", NULL};
	struct jev *v = f->v;
	struct jv *r = gen(v), *l, *t = NULL, *fill;
	int64_t n;
	size_t i;

	nargs(f, 2, names);
	n = intarg(f, need(f, 0, "linecount"));
	if (n < 1)
		jfail(v, "unsupported: batch of fewer than 1");
	fill = arg(f, 1, "fill_with");
	l = jeviter(v, x);
	for (i = 0; i < l->u.list.n; i++) {
		if (!t || (int64_t)t->u.list.n == n) {
			t = jvlist(jevarena(v), JLIST);
			jvpush(jevarena(v), r, t);
		}
		jvpush(jevarena(v), t, l->u.list.v[i]);
	}
	while (t && fill && fill->type != JNONE && (int64_t)t->u.list.n < n)
		jvpush(jevarena(v), t, fill);
	return r;
}

FILTER(f_slice)
{
	static const char *const names[] = {"slices", "fill_with", NULL};
	struct jev *v = f->v;
	struct jv *r = gen(v), *l, *fill;
	int64_t n, per, extra, off = 0, s, i;

	nargs(f, 2, names);
	n = intarg(f, need(f, 0, "slices"));
	if (n < 1)
		jfail(v, "unsupported: slice into fewer than 1");
	if (n > 1 << 20)
		jfail(v, "unsupported: slice into more than 1M");
	fill = arg(f, 1, "fill_with");
	l = jeviter(v, x);
	per = (int64_t)l->u.list.n / n;
	extra = (int64_t)l->u.list.n % n;
	for (s = 0; s < n; s++) {
		struct jv *t = jvlist(jevarena(v), JLIST);
		int64_t start = off + s * per, end;
		if (s < extra)
			off++;
		end = off + (s + 1) * per;
		for (i = start; i < end; i++)
			jvpush(jevarena(v), t, l->u.list.v[i]);
		if (fill && fill->type != JNONE && s >= extra)
			jvpush(jevarena(v), t, fill);
		jvpush(jevarena(v), r, t);
	}
	return r;
}

FILTER(f_items)
{
	nargs(f, 0, NULL);
	if (x->type == JUNDEF)
		return gen(f->v);
	if (x->type != JDICT)
		jfail(f->v, "Can only get item pairs from a mapping.");
	return sub(view(f->v, x, JS_ITEMS), JS_GEN);
}

FILTER(f_dictsort)
{
	static const char *const names[] = {"case_sensitive", "by", "reverse", NULL};
	struct jev *v = f->v;
	struct jv *r, *by, *rev, **keys;
	size_t i, pos = 0;
	int nc;

	nargs(f, 3, names);
	nc = casearg(f, 0);
	if ((by = arg(f, 1, "by"))) {
		if (by->type == JSTR && !strcmp(by->u.str.s, "value"))
			pos = 1;
		else if (by->type != JSTR || strcmp(by->u.str.s, "key"))
			jfail(v, "You can only sort by either \"key\" or \"value\"");
	}
	rev = arg(f, 2, "reverse");
	if (x->type != JDICT)
		jfail(v, "unsupported: dictsort of a %s", jvtypename(x));
	r = view(v, x, JS_ITEMS);
	r->sub = JS_NONE;
	keys = arenaalloc(jevarena(v), (r->u.list.n + 1) * sizeof(*keys));
	for (i = 0; i < r->u.list.n; i++) {
		keys[i] = r->u.list.v[i]->u.list.v[pos];
		if (nc)
			keys[i] = nocase(v, keys[i]);
	}
	sortby(v, r->u.list.v, keys, r->u.list.n, rev && jvtruth(rev));
	return r;
}

FILTER(f_groupby)
{
	static const char *const names[] = {"attribute", "default", "case_sensitive", NULL};
	struct jev *v = f->v;
	struct arena *a = jevarena(v);
	struct jv *r = jvlist(a, JLIST), *l, *parts, *dflt, **keys, *cur = NULL, *ck = NULL;
	size_t i;
	int nc;

	nargs(f, 3, names);
	parts = attrparts(v, need(f, 0, "attribute"));
	dflt = arg(f, 1, "default");
	nc = casearg(f, 2);
	l = listcopy(v, jeviter(v, x), JLIST);
	keys = arenaalloc(a, (l->u.list.n + 1) * sizeof(*keys));
	for (i = 0; i < l->u.list.n; i++)
		keys[i] = getattrs(v, l->u.list.v[i], parts, dflt, nc);
	sortby(v, l->u.list.v, keys, l->u.list.n, 0);
	for (i = 0; i < l->u.list.n; i++) {
		if (!cur || !jveq(keys[i], ck)) {
			ck = keys[i];
			cur = jvlist(a, JLIST);
			jvpush(a, r, sub(tuple2(v, nc ? getattrs(v, l->u.list.v[i], parts, dflt, 0) : ck, cur), JS_GROUP));
		}
		jvpush(a, cur, l->u.list.v[i]);
	}
	return r;
}

FILTER(f_attr)
{
	struct jv *n, *r;

	nargs(f, 1, NULL);
	n = need(f, 0, "name");
	if (n->type != JSTR)
		jfail(f->v, "attribute name must be string, not '%s'", jvtypename(n));
	if ((r = jevpyattr(f->v, x, n->u.str.s)))
		return r;
	if (n->u.str.s[0] == '_')
		return &jvundef;
	switch (x->type) {
	case JUNDEF:
		jfail(f->v, "undefined value has no attribute or item");
		break;
	case JSTR: case JLIST: case JTUPLE: case JDICT:
		r = jlibattr(f->v, x, n->u.str.s);
		return r ? r : &jvundef;
	case JOBJ:
		return jevattr(f->v, x, n->u.str.s);
	case JNONE:
		return &jvundef;
	default:
		break;
	}
	jfail(f->v, "unsupported: attr of a %s", jvtypename(x));
	return NULL;
}

FILTER(f_format)
{
	struct jev *v = f->v;
	struct jv *args = jvlist(jevarena(v), JTUPLE), *kw = NULL;
	size_t i;

	if (f->c->npos && f->c->nkw)
		jfail(v, "can't handle positional and keyword arguments at the same time");
	for (i = 0; i < f->c->npos; i++)
		jvpush(jevarena(v), args, f->c->pos[i]);
	if (f->c->nkw) {
		kw = jvdict(jevarena(v));
		for (i = 0; i < f->c->nkw; i++)
			jvset(jevarena(v), kw, jvstr(jevarena(v), f->c->names[i], strlen(f->c->names[i])), f->c->kw[i]);
	}
	return printf_(f, plainstr(f, x), args, kw);
}

FILTER(f_truncate)
{
	static const char *const names[] = {"length", "killwords", "end", "leeway", NULL};
	struct jev *v = f->v;
	struct jv *la, *kw, *end, *lw, *r;
	int64_t len = 255, leeway = 5, elen, cut;
	size_t n;

	nargs(f, 4, names);
	if (x->type == JUNDEF)
		return x;
	if (x->type != JSTR)
		jfail(v, "unsupported: truncate of a %s", jvtypename(x));
	plainstr(f, x);
	if ((la = arg(f, 0, "length")))
		len = intarg(f, la);
	kw = arg(f, 1, "killwords");
	end = arg(f, 2, "end");
	end = end ? strarg(f, end, "end") : jvstr(jevarena(v), "...", 3);
	if ((lw = arg(f, 3, "leeway")) && lw->type != JNONE)
		leeway = intarg(f, lw);
	elen = (int64_t)jvutf8len(end->u.str.s, end->u.str.n);
	if (len < elen)
		jfail(v, "expected length >= %lld, got %lld", (long long)elen, (long long)len);
	if (leeway < 0)
		jfail(v, "expected leeway >= 0, got %lld", (long long)leeway);
	n = jvutf8len(x->u.str.s, x->u.str.n);
	if ((int64_t)n <= len + leeway)
		return x;
	cut = len - elen;
	r = substr(v, x, 0, cpoff(x->u.str.s, x->u.str.n, (size_t)cut));
	if (!(kw && jvtruth(kw))) {
		const char *sp = NULL;
		size_t i;
		for (i = r->u.str.n; i-- > 0;)
			if (r->u.str.s[i] == ' ') {
				sp = r->u.str.s + i;
				break;
			}
		if (sp)
			r = substr(v, r, 0, (size_t)(sp - r->u.str.s));
	}
	{
		struct buf b = {0};
		bufadd(&b, r->u.str.s, r->u.str.n);
		bufadd(&b, end->u.str.s, end->u.str.n);
		return bufstr(v, &b);
	}
}

FILTER(f_center)
{
	static const char *const names[] = {"width", NULL};
	struct jv *w = arg(f, 0, "width"), *pos[1];
	struct jcall c = {0};
	struct fa g;

	nargs(f, 1, names);
	pos[0] = w ? w : jvint(jevarena(f->v), 80);
	c.pos = pos;
	c.npos = 1;
	fainit(&g, f->v, "center", &c);
	return pad(&g, plainstr(f, x), 'c');
}

FILTER(f_wordcount)
{
	struct jv *s;
	size_t i;
	int64_t n = 0;
	int in = 0;

	nargs(f, 0, NULL);
	s = jevstr(f->v, x);
	asciicase(f->v, "wordcount", s);
	for (i = 0; i < s->u.str.n; i++) {
		int ch = (unsigned char)s->u.str.s[i];
		int w = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_';
		n += w && !in;
		in = w;
	}
	return jvint(jevarena(f->v), n);
}

/* Remove s[a, b) from b's text. */
static void
cut(struct buf *b, size_t a, size_t e)
{
	memmove(b->s + a, b->s + e, b->len - e);
	b->len -= e - a;
	b->s[b->len] = '\0';
}

static size_t
bfind(struct buf *b, const char *p, size_t from)
{
	size_t m = strlen(p), i;

	for (i = from; i + m <= b->len; i++)
		if (!memcmp(b->s + i, p, m))
			return i;
	return (size_t)-1;
}

FILTER(f_striptags)
{
	struct jev *v = f->v;
	struct buf b = {0};
	struct jv *s, *words, *sp;
	size_t a, e, i;

	nargs(f, 0, NULL);
	s = jevstr(v, x);
	bufadd(&b, s->u.str.s, s->u.str.n);
	bufputc(&b, '\0');
	b.len--;
	while ((a = bfind(&b, "<!--", 0)) != (size_t)-1 && (e = bfind(&b, "-->", a)) != (size_t)-1)
		cut(&b, a, e + 3);
	while ((a = bfind(&b, "<", 0)) != (size_t)-1 && (e = bfind(&b, ">", a)) != (size_t)-1)
		cut(&b, a, e + 1);
	s = bufstr(v, &b);
	if (memchr(s->u.str.s, '&', s->u.str.n))
		jfail(v, "unsupported: striptags of text with '&' (HTML entities)");
	{
		struct jcall c = {0};
		struct fa g;
		fainit(&g, v, "split", &c);
		words = split(&g, s, 0);
	}
	for (i = 0; i < words->u.list.n; i++) {
		sp = words->u.list.v[i];
		if (i)
			bufputc(&b, ' ');
		bufadd(&b, sp->u.str.s, sp->u.str.n);
	}
	return bufstr(v, &b);
}

/* urllib.parse.quote of str(x)'s UTF-8 bytes. */
static void
quote(struct jev *v, struct buf *b, struct jv *x, int qs)
{
	size_t i;

	x = jevstr(v, x);
	for (i = 0; i < x->u.str.n; i++) {
		int c = (unsigned char)x->u.str.s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-' || c == '~' || (c == '/' && !qs))
			bufputc(b, c);
		else if (c == ' ' && qs)
			bufputc(b, '+');
		else
			bufprintf(b, "%%%02X", c);
	}
}

FILTER(f_urlencode)
{
	struct jev *v = f->v;
	struct buf b = {0};
	struct jv *l;
	size_t i;

	nargs(f, 0, NULL);
	if (x->type != JLIST && x->type != JTUPLE && x->type != JDICT && x->type != JUNDEF) {
		quote(v, &b, x, 0);
		return bufstr(v, &b);
	}
	l = x->type == JDICT ? view(v, x, JS_ITEMS) : jeviter(v, x);
	for (i = 0; i < l->u.list.n; i++) {
		struct jv *p = l->u.list.v[i];
		if (p->type != JLIST && p->type != JTUPLE && p->type != JSTR)
			jfail(v, "cannot unpack non-iterable %s object", jvtypename(p));
		p = jeviter(v, p);
		if (p->u.list.n != 2)
			jfail(v, "urlencode: each item must be a pair");
		if (i)
			bufputc(&b, '&');
		quote(v, &b, p->u.list.v[0], 1);
		bufputc(&b, '=');
		quote(v, &b, p->u.list.v[1], 1);
	}
	return bufstr(v, &b);
}

FILTER(f_xmlattr)
{
	static const char *const names[] = {"autospace", NULL};
	struct jev *v = f->v;
	struct buf b = {0};
	struct jv *as;
	size_t i, k;
	int n = 0;

	nargs(f, 1, names);
	as = arg(f, 0, "autospace");
	if (x->type != JDICT)
		jfail(v, "unsupported: xmlattr of a %s", jvtypename(x));
	for (i = 0; i < x->u.dict.n; i++) {
		struct jv *key = x->u.dict.k[i], *val = x->u.dict.v[i], *e;
		if (val->type == JNONE || val->type == JUNDEF)
			continue;
		if (key->type != JSTR)
			jfail(v, "unsupported: xmlattr with a %s key", jvtypename(key));
		for (k = 0; k < key->u.str.n; k++)
			if (strchr(" \t\n\r\f\v/>=", key->u.str.s[k]) && key->u.str.s[k])
				jfail(v, "Invalid character in attribute name");
		if (n++ || !as || jvtruth(as))
			bufputc(&b, ' ');
		e = escape(v, key);
		bufadd(&b, e->u.str.s, e->u.str.n);
		bufputs(&b, "=\"");
		e = ismarkup(val) ? val : escape(v, val);
		bufadd(&b, e->u.str.s, e->u.str.n);
		bufputc(&b, '"');
	}
	return bufstr(v, &b);
}

FILTER(f_filesizeformat)
{
	static const char *const names[] = {"binary", NULL};
	static const char *const dec[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
	static const char *const bin[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
	struct buf b = {0};
	struct jv *bi;
	double d, base, unit = 0;
	int i, isbin;

	nargs(f, 1, names);
	bi = arg(f, 0, "binary");
	isbin = bi && jvtruth(bi);
	if (!isnum(x))
		jfail(f->v, "unsupported: filesizeformat of a %s", jvtypename(x));
	d = fval(x);
	if (isnan(d))
		jfail(f->v, "unsupported: filesizeformat of nan");
	base = isbin ? 1024 : 1000;
	if (d == 1)
		bufputs(&b, "1 Byte");
	else if (d < base) {
		if (isinf(d) || d <= -9.2e18)
			jfail(f->v, "unsupported: filesizeformat of this number");
		bufprintf(&b, "%lld Bytes", (long long)d);
	} else {
		for (i = 0; i < 8; i++) {
			unit = pow(base, i + 2);
			if (d < unit)
				break;
		}
		if (i == 8)
			i = 7;
		bufprintf(&b, "%.1f %s", base * d / unit, isbin ? bin[i] : dec[i]);
	}
	return bufstr(f->v, &b);
}

/* ---- tests ---- */

/* Jinja2's own filter and test names, for the filter and test tests. */
static const char *const jinjafilters[] = {"abs", "attr", "batch",
    "capitalize", "center", "count", "d", "default", "dictsort", "e",
    "escape", "filesizeformat", "first", "float", "forceescape", "format",
    "groupby", "indent", "int", "join", "last", "length", "list", "lower",
    "items", "map", "min", "max", "pprint", "random", "reject",
    "rejectattr", "replace", "reverse", "round", "safe", "select",
    "selectattr", "slice", "sort", "string", "striptags", "sum", "title",
    "trim", "truncate", "unique", "upper", "urlencode", "urlize",
    "wordcount", "wordwrap", "xmlattr", "tojson", NULL};
static const char *const jinjatests[] = {"odd", "even", "divisibleby",
    "defined", "undefined", "filter", "test", "none", "boolean", "false",
    "true", "integer", "float", "lower", "upper", "string", "mapping",
    "number", "sequence", "iterable", "callable", "sameas", "escaped", "in",
    "==", "eq", "equalto", "!=", "ne", ">", "gt", "greaterthan", "ge", ">=",
    "<", "lt", "lessthan", "<=", "le", NULL};

static int
t_in(struct jev *v, struct jv *x, struct jv *in)
{
	size_t i;

	if (in->type == JSTR) {
		if (x->type != JSTR)
			jfail(v, "'in <string>' requires string as left operand, not %s", jvtypename(x));
		for (i = 0; i + x->u.str.n <= in->u.str.n; i++)
			if (!memcmp(in->u.str.s + i, x->u.str.s, x->u.str.n))
				return 1;
		return 0;
	}
	if (in->type == JDICT) {
		needhash(v, x);
		return jvget(in, x) != NULL;
	}
	if (in->type != JLIST && in->type != JTUPLE && in->type != JUNDEF)
		jfail(v, "argument of type '%s' is not iterable", jvtypename(in));
	in = jeviter(v, in);
	for (i = 0; i < in->u.list.n; i++)
		if (jveq(in->u.list.v[i], x))
			return 1;
	return 0;
}

/* The comparison tests: Python's operators. */
static int
t_cmp(struct jev *v, const char *op, struct jv *x, struct jv *y)
{
	int c;

	if (!strcmp(op, "eq"))
		return jveq(x, y);
	if (!strcmp(op, "ne"))
		return !jveq(x, y);
	if (isnum(x) && isnum(y) && (isnan(fval(x)) || isnan(fval(y))))
		return 0;
	c = cmp(v, x, y);
	if (!strcmp(op, "lt")) return c < 0;
	if (!strcmp(op, "le")) return c <= 0;
	if (!strcmp(op, "gt")) return c > 0;
	return c >= 0;
}

static const char *
cmpname(const char *n)
{
	static const char *const alias[][2] = {{"==", "eq"}, {"equalto", "eq"},
	    {"!=", "ne"}, {"ne", "ne"}, {"<", "lt"}, {"lt", "lt"},
	    {"lessthan", "lt"}, {"<=", "le"}, {"le", "le"}, {">", "gt"},
	    {"gt", "gt"}, {"greaterthan", "gt"}, {">=", "ge"}, {"ge", "ge"}};
	size_t i;

	for (i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (!strcmp(alias[i][0], n))
			return alias[i][1];
	return NULL;
}

static int
t_sameas(struct jev *v, struct jv *x, struct jv *y)
{
	if (x->type == JNONE || x->type == JBOOL || y->type == JNONE || y->type == JBOOL)
		return x->type == y->type && (x->type == JNONE || x->u.b == y->u.b);
	if ((x->type == JLIST || x->type == JDICT) && (y->type == JLIST || y->type == JDICT))
		return x == y;
	jfail(v, "unsupported: sameas of values of type %s and %s", jvtypename(x), jvtypename(y));
	return 0;
}

static int
t_case(struct jev *v, struct jv *x, int up)
{
	struct jv *s = jevstr(v, x);
	struct jcall c = {0};
	struct fa f;

	fainit(&f, v, up ? "upper" : "lower", &c);
	return jvtruth(ispred(&f, s, up ? 'u' : 'l'));
}

int
jlibtest(struct jev *v, const char *name, struct jv *x, struct jcall *c)
{
	struct fa f;
	const char *op;

	fainit(&f, v, name, c);
	if ((op = cmpname(name)) || !strcmp(name, "in") || !strcmp(name, "sameas")) {
		struct jv *y;
		nargs(&f, 1, NULL);
		y = need(&f, 0, NULL);
		if (op)
			return t_cmp(v, op, x, y);
		return name[0] == 'i' ? t_in(v, x, y) : t_sameas(v, x, y);
	}
	if (!member(jinjatests, name))
		return -1;
	nargs(&f, 0, NULL);
	if (!strcmp(name, "boolean")) return x->type == JBOOL;
	if (!strcmp(name, "true")) return x->type == JBOOL && x->u.b;
	if (!strcmp(name, "false")) return x->type == JBOOL && !x->u.b;
	if (!strcmp(name, "integer")) return x->type == JINT;
	if (!strcmp(name, "float")) return x->type == JFLOAT;
	if (!strcmp(name, "lower")) return t_case(v, x, 0);
	if (!strcmp(name, "upper")) return t_case(v, x, 1);
	if (!strcmp(name, "escaped")) return ismarkup(x);
	if (!strcmp(name, "callable"))
		return x->type == JFUNC || x->type == JUNDEF || (x->type == JOBJ &&
		    (x->u.obj.cls->call || !strcmp(x->u.obj.cls->name, "LoopContext")));
	if (!strcmp(name, "filter") || !strcmp(name, "test")) {
		if (!hashable(x))
			jfail(v, "unhashable type: '%s'", jvtypename(x));
		return x->type == JSTR && member(name[0] == 'f' ? jinjafilters : jinjatests, x->u.str.s);
	}
	return -1;
}

int
jlibhastest(const char *name)
{
	return member(jinjatests, name);
}

/* ---- tables ---- */

struct method {
	const char *name;
	jfunc *fn;
};

static const struct method strmethods[] = {
	{"split", s_split}, {"rsplit", s_rsplit}, {"strip", s_strip},
	{"lstrip", s_lstrip}, {"rstrip", s_rstrip}, {"lower", s_lower},
	{"upper", s_upper}, {"title", s_title}, {"capitalize", s_capitalize},
	{"casefold", s_casefold}, {"swapcase", s_swapcase},
	{"replace", s_replace}, {"startswith", s_startswith},
	{"endswith", s_endswith}, {"find", s_find}, {"rfind", s_rfind},
	{"index", s_index}, {"rindex", s_rindex}, {"count", s_count},
	{"join", s_join}, {"format", s_format}, {"format_map", s_format_map},
	{"isdigit", s_isdigit}, {"isdecimal", s_isdecimal},
	{"isnumeric", s_isnumeric}, {"isalpha", s_isalpha},
	{"isalnum", s_isalnum}, {"isspace", s_isspace}, {"islower", s_islower},
	{"isupper", s_isupper}, {"istitle", s_istitle}, {"isascii", s_isascii},
	{"isidentifier", s_isidentifier}, {"zfill", s_zfill},
	{"ljust", s_ljust}, {"rjust", s_rjust}, {"center", s_center},
	{"splitlines", s_splitlines}, {"partition", s_partition},
	{"rpartition", s_rpartition}, {"removeprefix", s_removeprefix},
	{"removesuffix", s_removesuffix}, {NULL, NULL}};
static const struct method listmethods[] = {
	{"append", l_append}, {"extend", l_extend}, {"insert", l_insert},
	{"pop", l_pop}, {"remove", l_remove}, {"index", l_index},
	{"count", l_count}, {"reverse", l_reverse}, {"copy", l_copy},
	{"sort", l_sort}, {"clear", l_clear}, {NULL, NULL}};
static const struct method tuplemethods[] = {
	{"index", l_index}, {"count", l_count}, {NULL, NULL}};
static const struct method dictmethods[] = {
	{"get", d_get}, {"items", d_items}, {"keys", d_keys},
	{"values", d_values}, {"update", d_update}, {"pop", d_pop},
	{"setdefault", d_setdefault}, {"copy", d_copy}, {"popitem", d_popitem},
	{"clear", d_clear}, {"fromkeys", d_fromkeys}, {NULL, NULL}};

struct jv *
jlibattr(struct jev *v, struct jv *x, const char *name)
{
	const struct method *m = NULL;

	switch (x->type) {
	case JSTR:
		if (x->sub == JS_NONE)
			m = strmethods;
		break;
	case JLIST:
		if (x->sub == JS_NONE)
			m = listmethods;
		break;
	case JTUPLE:
		if (x->sub == JS_GROUP && !strcmp(name, "grouper"))
			return x->u.list.v[0];
		if (x->sub == JS_GROUP && !strcmp(name, "list"))
			return x->u.list.v[1];
		m = tuplemethods;
		break;
	case JDICT:
		m = dictmethods;
		break;
	default:
		break;
	}
	for (; m && m->name; m++)
		if (!strcmp(m->name, name))
			return jvfunc(jevarena(v), m->name, m->fn, x);
	return NULL;
}

/* dbt's filters of a text render (its TEXT_FILTERS): as_text, as_bool,
 * as_native and as_number give their value as it is (a native render's
 * markers are the native renderer's: parsectx.c), is_list whether it is
 * a list. */
static struct jv *
f_dbtsame(struct fa *f, struct jv *x)
{
	nargs(f, 0, NULL);
	return x;
}

static struct jv *
f_islist(struct fa *f, struct jv *x)
{
	nargs(f, 0, NULL);
	return jvbool(x->type == JLIST);
}

struct filter {
	const char *name;
	struct jv *(*fn)(struct fa *, struct jv *);
};

static const struct filter filters[] = {
	{"map", f_map}, {"select", f_select}, {"reject", f_reject},
	{"selectattr", f_selectattr}, {"rejectattr", f_rejectattr},
	{"unique", f_unique}, {"sort", f_sort}, {"reverse", f_reverse},
	{"sum", f_sum}, {"min", f_min}, {"max", f_max}, {"abs", f_abs},
	{"round", f_round}, {"tojson", f_tojson}, {"indent", f_indent},
	{"dbt.tojson", f_dbt_tojson},	/* dbt's tojson(): no template can name it */
	{"batch", f_batch}, {"slice", f_slice}, {"items", f_items},
	{"dictsort", f_dictsort}, {"groupby", f_groupby}, {"attr", f_attr},
	{"format", f_format}, {"truncate", f_truncate}, {"center", f_center},
	{"wordcount", f_wordcount}, {"striptags", f_striptags},
	{"safe", f_safe}, {"escape", f_escape}, {"e", f_escape},
	{"forceescape", f_forceescape}, {"urlencode", f_urlencode},
	{"xmlattr", f_xmlattr}, {"filesizeformat", f_filesizeformat},
	{"as_text", f_dbtsame}, {"as_bool", f_dbtsame}, {"as_native", f_dbtsame},
	{"as_number", f_dbtsame}, {"is_list", f_islist},
	{NULL, NULL}};

int
jlibhasfilter(const char *name)
{
	const struct filter *p;

	for (p = filters; p->name; p++)
		if (!strcmp(p->name, name))
			return 1;
	return 0;
}

struct jv *
jlibfilter(struct jev *v, const char *name, struct jv *x, struct jcall *c)
{
	const struct filter *p;
	struct fa f;

	for (p = filters; p->name; p++)
		if (!strcmp(p->name, name)) {
			fainit(&f, v, name, c);
			return p->fn(&f, x);
		}
	return NULL;
}

/* Whether a filter does with a Markup string what Jinja2 does. */
int
jlibmarkupok(const char *name)
{
	static const char *const ok[] = {"escape", "e", "forceescape", "safe",
	    "length", "count", "list", "first", "last", "default", "d", "join",
	    "string", "tojson", "striptags", "wordcount", "int", "float",
	    "urlencode", "unique", "sort", "map", "select", "reject", "batch",
	    "slice", "min", "max", "replace", NULL};
	return member(ok, name);
}
