/* jvalue.c: the dynamic value: making, comparing, printing as Python. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jdatetime.h"
#include "jdec.h"
#include "jset.h"
#include "jvalue.h"

struct jv jvundef = {JUNDEF, JS_NONE, {0}}, jvnone = {JNONE, JS_NONE, {0}};
struct jv jvtrue = {JBOOL, JS_NONE, {1}}, jvfalse = {JBOOL, JS_NONE, {0}};
struct jv jvparseundef = {JUNDEF, JS_NONE, {0}};

static struct jv *
newv(struct arena *a, enum jtype t)
{
	struct jv *v = arenaalloc(a, sizeof(*v));

	memset(v, 0, sizeof(*v));
	v->type = t;
	return v;
}

struct jv *
jvundefof(struct arena *a, const char *why)
{
	struct jv *v = newv(a, JUNDEF);
	size_t n = strlen(why);
	char *s = arenaalloc(a, n + 1);

	memcpy(s, why, n + 1);
	v->u.str.s = s;
	v->u.str.n = n;
	return v;
}

const char *
jvundefwhy(const struct jv *v, const char *d)
{
	return v->type == JUNDEF && v != &jvparseundef && v->u.str.s ? v->u.str.s : d;
}

struct jv *
jvint(struct arena *a, int64_t i)
{
	struct jv *v = newv(a, JINT);

	v->u.i = i;
	return v;
}

struct jv *
jvfloat(struct arena *a, double f)
{
	struct jv *v = newv(a, JFLOAT);

	v->u.f = f;
	return v;
}

struct jv *
jvbool(int b)
{
	return b ? &jvtrue : &jvfalse;
}

struct jv *
jvstr(struct arena *a, const char *s, size_t n)
{
	struct jv *v = newv(a, JSTR);
	char *p = arenaalloc(a, n + 1);

	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	v->u.str.s = p;
	v->u.str.n = n;
	return v;
}

struct jv *
jvlist(struct arena *a, enum jtype t)
{
	return newv(a, t);
}

static struct jv **
grow(struct arena *a, struct jv **old, size_t n, size_t *cap)
{
	struct jv **p;

	if (n < *cap)
		return old;
	*cap = *cap ? *cap * 2 : 4;
	p = arenaalloc(a, *cap * sizeof(*p));
	if (n)
		memcpy(p, old, n * sizeof(*p));
	return p;
}

void
jvpush(struct arena *a, struct jv *l, struct jv *v)
{
	size_t cap = l->u.list.cap;

	l->u.list.v = grow(a, l->u.list.v, l->u.list.n, &cap);
	l->u.list.cap = cap;
	l->u.list.v[l->u.list.n++] = v;
}

struct jv *
jvdict(struct arena *a)
{
	return newv(a, JDICT);
}

static uint64_t
hashint(int64_t i)
{
	return (uint64_t)i * 0x9E3779B97F4A7C15ULL;
}

static uint64_t
hashfloat(double f)
{
	uint64_t h;

	if (f == floor(f) && fabs(f) < 9.2e18)
		return hashint((int64_t)f);
	if (isnan(f))
		return 7;
	memcpy(&h, &f, sizeof(h));
	return h * 0x9E3779B97F4A7C15ULL;
}

/* A hash agreeing with jveq: 1 == 1.0 == True == Decimal('1'), as
 * Python's. */
uint64_t
jvhash(const struct jv *v)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	switch (v->type) {
	case JBOOL: return hashint(v->u.b);
	case JINT: return hashint(v->u.i);
	case JFLOAT: return hashfloat(v->u.f);
	case JSTR:
		for (i = 0; i < v->u.str.n; i++) {
			h ^= (unsigned char)v->u.str.s[i];
			h *= 1099511628211ULL;
		}
		return h;
	case JLIST: case JTUPLE:
		for (i = 0; i < v->u.list.n; i++)
			h = (h ^ jvhash(v->u.list.v[i])) * 1099511628211ULL;
		return h;
	case JDICT: return v->u.dict.n;
	case JFUNC: return (uint64_t)(uintptr_t)v->u.func.data ^ (uint64_t)(uintptr_t)v->u.func.fn;
	case JOBJ:
		if (jdecis(v))
			return jdechash(v, hashint, hashfloat);
		if (jdtis(v))
			return jdthash(v);
		return (uint64_t)(uintptr_t)v->u.obj.data;
	default: return (uint64_t)v->type;
	}
}

/* The slot of k in d's index: its entry's, or the empty one it would take. */
static size_t
slot(const struct jv *d, const struct jv *k)
{
	size_t mask = d->u.dict.icap - 1, i = (size_t)jvhash(k) & mask, e;

	while ((e = d->u.dict.idx[i]) && !jveq(d->u.dict.k[e - 1], k))
		i = (i + 1) & mask;
	return i;
}

static void
reindex(struct arena *a, struct jv *d)
{
	size_t i, cap = 16;

	if (d->u.dict.n <= 8) {
		d->u.dict.idx = NULL;
		d->u.dict.icap = 0;
		return;
	}
	while (cap < d->u.dict.n * 2)
		cap *= 2;
	d->u.dict.idx = arenaalloc(a, cap * sizeof(*d->u.dict.idx));
	memset(d->u.dict.idx, 0, cap * sizeof(*d->u.dict.idx));
	d->u.dict.icap = cap;
	for (i = 0; i < d->u.dict.n; i++)
		d->u.dict.idx[slot(d, d->u.dict.k[i])] = i + 1;
}

/* The entry of k in d, or -1. */
static long
find(const struct jv *d, const struct jv *k)
{
	size_t i;

	if (d->u.dict.idx) {
		i = d->u.dict.idx[slot(d, k)];
		return i ? (long)i - 1 : -1;
	}
	for (i = 0; i < d->u.dict.n; i++)
		if (jveq(d->u.dict.k[i], k))
			return (long)i;
	return -1;
}

struct jv *
jvget(struct jv *d, struct jv *k)
{
	long i = find(d, k);

	return i < 0 ? NULL : d->u.dict.v[i];
}

int
jvdel(struct arena *a, struct jv *d, struct jv *k)
{
	long i = find(d, k);
	size_t n;

	if (i < 0)
		return 0;
	n = d->u.dict.n - (size_t)i - 1;
	memmove(d->u.dict.k + i, d->u.dict.k + i + 1, n * sizeof(*d->u.dict.k));
	memmove(d->u.dict.v + i, d->u.dict.v + i + 1, n * sizeof(*d->u.dict.v));
	d->u.dict.n--;
	reindex(a, d);
	return 1;
}

void
jvclear(struct jv *d)
{
	d->u.dict.n = 0;
	d->u.dict.idx = NULL;
	d->u.dict.icap = 0;
}

void
jvset(struct arena *a, struct jv *d, struct jv *k, struct jv *v)
{
	long i = find(d, k);
	size_t cap;

	if (i >= 0) {
		d->u.dict.v[i] = v;
		return;
	}
	cap = d->u.dict.cap;
	d->u.dict.k = grow(a, d->u.dict.k, d->u.dict.n, &cap);
	cap = d->u.dict.cap;
	d->u.dict.v = grow(a, d->u.dict.v, d->u.dict.n, &cap);
	d->u.dict.cap = cap;
	d->u.dict.k[d->u.dict.n] = k;
	d->u.dict.v[d->u.dict.n++] = v;
	if (d->u.dict.n * 2 > d->u.dict.icap)
		reindex(a, d);
	else
		d->u.dict.idx[slot(d, k)] = d->u.dict.n;
}

struct jv *
jvfunc(struct arena *a, const char *name, jfunc *fn, void *data)
{
	struct jv *v = newv(a, JFUNC);

	v->u.func.name = name;
	v->u.func.fn = fn;
	v->u.func.data = data;
	return v;
}

struct jv *
jvobj(struct arena *a, const struct jclass *cls, void *data)
{
	struct jv *v = newv(a, JOBJ);

	v->u.obj.cls = cls;
	v->u.obj.data = data;
	return v;
}

/* Python's range, as given (its repr shows start, stop and step). */
struct range {
	int64_t start, stop, step;
	size_t len;
};

static const char *
rangestr(const struct jv *self, struct buf *b)
{
	const struct range *r = self->u.obj.data;

	bufprintf(b, "range(%lld, %lld", (long long)r->start, (long long)r->stop);
	if (r->step != 1)
		bufprintf(b, ", %lld", (long long)r->step);
	bufputc(b, ')');
	return NULL;
}

static struct jv *
rangeattr(struct jev *v, struct jv *self, const char *name)
{
	(void)v; (void)self; (void)name;
	return NULL;
}

const struct jclass jvrangeclass = {"range", rangeattr, rangestr, NULL, NULL, NULL, 0, NULL};

struct jv *
jvrange(struct arena *a, int64_t start, int64_t stop, int64_t step)
{
	struct range *r = arenaalloc(a, sizeof(*r));
	uint64_t span;	/* unsigned: no overflow for any int64s */

	r->start = start;
	r->stop = stop;
	r->step = step;
	r->len = 0;
	if (step > 0 && start < stop) {
		span = (uint64_t)stop - (uint64_t)start;
		r->len = (size_t)((span - 1) / (uint64_t)step + 1);
	} else if (step < 0 && start > stop) {
		span = (uint64_t)start - (uint64_t)stop;
		r->len = (size_t)((span - 1) / (0 - (uint64_t)step) + 1);
	}
	return jvobj(a, &jvrangeclass, r);
}

int
jvisrange(const struct jv *v)
{
	return v->type == JOBJ && v->u.obj.cls == &jvrangeclass;
}

size_t
jvrangelen(const struct jv *v)
{
	return ((const struct range *)v->u.obj.data)->len;
}

int64_t
jvrangeat(const struct jv *v, size_t i)
{
	const struct range *r = v->u.obj.data;

	return (int64_t)((uint64_t)r->start + (uint64_t)i * (uint64_t)r->step);
}

/* range == range compares them as sequences. */
static int
rangeeq(const struct jv *a, const struct jv *b)
{
	size_t n = jvrangelen(a);

	if (n != jvrangelen(b))
		return 0;
	if (n == 0)
		return 1;
	if (jvrangeat(a, 0) != jvrangeat(b, 0))
		return 0;
	return n == 1 || jvrangeat(a, 1) == jvrangeat(b, 1);
}

int
jvtruth(const struct jv *v)
{
	switch (v->type) {
	case JUNDEF: case JNONE: return 0;
	case JBOOL: return v->u.b;
	case JINT: return v->u.i != 0;
	case JFLOAT: return v->u.f != 0;
	case JSTR: return v->u.str.n != 0;
	case JLIST: case JTUPLE:
		return v->sub == JS_GEN || v->sub == JS_ITER || v->u.list.n != 0;
	case JDICT: return v->u.dict.n != 0;
	case JOBJ:
		if (v->u.obj.cls->truth)
			return v->u.obj.cls->truth(v);
		return !jvisrange(v) || jvrangelen(v) != 0;
	case JFUNC: return 1;
	}
	return 1;
}

static int
numeric(const struct jv *v)
{
	return v->type == JBOOL || v->type == JINT || v->type == JFLOAT;
}

/* Views of keys and items compare as sets; values views, generators
 * and iterators only equal themselves. */
static int
subeq(const struct jv *a, const struct jv *b)
{
	size_t i, k;

	if (a == b)
		return 1;
	if (a->sub != JS_KEYS && a->sub != JS_ITEMS)
		return 0;
	if ((b->sub != JS_KEYS && b->sub != JS_ITEMS) || a->u.list.n != b->u.list.n)
		return 0;
	for (i = 0; i < a->u.list.n; i++) {
		for (k = 0; k < b->u.list.n; k++)
			if (jveq(a->u.list.v[i], b->u.list.v[k]))
				break;
		if (k == b->u.list.n)
			return 0;
	}
	return 1;
}

int
jveq(const struct jv *a, const struct jv *b)
{
	size_t i;
	int c;
	const char *err;

	if (jdeccmp(a, b, &c))
		return c == 0;
	if (jvisset(a) || jvisset(b))
		return jseteq(a, b);
	if (jdtcmp(a, b, &c, &err))
		return c == 0;

	if ((a->type == JLIST && a->sub != JS_NONE) ||
	    (b->type == JLIST && b->sub != JS_NONE))
		return a->type == b->type && subeq(a, b);

	if (numeric(a) && numeric(b)) {
		if (a->type == JFLOAT || b->type == JFLOAT) {
			double x = a->type == JFLOAT ? a->u.f :
			    a->type == JINT ? (double)a->u.i : a->u.b;
			double y = b->type == JFLOAT ? b->u.f :
			    b->type == JINT ? (double)b->u.i : b->u.b;
			return x == y;
		}
		return (a->type == JINT ? a->u.i : a->u.b) ==
		    (b->type == JINT ? b->u.i : b->u.b);
	}
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case JUNDEF:	/* Undefined.__eq__: the same class */
		return (a == &jvparseundef) == (b == &jvparseundef);
	case JNONE: return 1;
	case JSTR:
		return a->u.str.n == b->u.str.n &&
		    memcmp(a->u.str.s, b->u.str.s, a->u.str.n) == 0;
	case JLIST: case JTUPLE:
		if (a->u.list.n != b->u.list.n)
			return 0;
		for (i = 0; i < a->u.list.n; i++)
			if (!jveq(a->u.list.v[i], b->u.list.v[i]))
				return 0;
		return 1;
	case JDICT:
		if (a->u.dict.n != b->u.dict.n)
			return 0;
		for (i = 0; i < a->u.dict.n; i++) {
			struct jv *o = jvget((struct jv *)b, a->u.dict.k[i]);
			if (!o || !jveq(a->u.dict.v[i], o))
				return 0;
		}
		return 1;
	case JFUNC: return a->u.func.fn == b->u.func.fn &&
	    a->u.func.data == b->u.func.data;
	case JOBJ:
		if (jvisrange(a) && jvisrange(b))
			return rangeeq(a, b);
		return a->u.obj.data == b->u.obj.data;
	default: return 0;
	}
}

const char *
jvtypename(const struct jv *v)
{
	static const char *names[] = {"Undefined", "NoneType", "bool", "int",
	    "float", "str", "list", "tuple", "dict", "function", "object"};
	static const char *subs[] = {NULL, "Markup", "dict_keys", "dict_values",
	    "dict_items", "generator", "list_reverseiterator", "tuple"};
	if (v->sub != JS_NONE && (v->type == JSTR || v->type == JLIST || v->type == JTUPLE))
		return subs[v->sub];
	if (v->type == JOBJ)
		return v->u.obj.cls->name;
	return names[v->type];
}

size_t
jvutf8len(const char *s, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			len++;
	return len;
}

/* Python's float repr: the shortest digits that round-trip, fixed
 * notation for exponents -4..15, else d.ddde+XX. */
void
jvfloatto(struct buf *b, double d)
{
	char tmp[64], digits[32];
	int prec, exp, nd, i;
	char *e;

	if (isnan(d)) {
		bufputs(b, "nan");
		return;
	}
	if (isinf(d)) {
		bufputs(b, d < 0 ? "-inf" : "inf");
		return;
	}
	for (prec = 0; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* tmp is [-]d[.ddd]e[+-]XX */
	e = strchr(tmp, 'e');
	exp = atoi(e + 1);
	*e = '\0';
	nd = 0;
	for (i = tmp[0] == '-'; tmp[i]; i++)
		if (tmp[i] != '.')
			digits[nd++] = tmp[i];
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	if (signbit(d))
		bufputc(b, '-');
	if (exp >= -4 && exp < 16) {
		if (exp < 0) {
			bufputs(b, "0.");
			for (i = -1; i > exp; i--)
				bufputc(b, '0');
			bufputs(b, digits);
		} else {
			for (i = 0; i <= exp; i++)
				bufputc(b, i < nd ? digits[i] : '0');
			bufputc(b, '.');
			if (nd > exp + 1)
				bufputs(b, digits + exp + 1);
			else
				bufputc(b, '0');
		}
		return;
	}
	bufputc(b, digits[0]);
	if (nd > 1) {
		bufputc(b, '.');
		bufputs(b, digits + 1);
	}
	bufprintf(b, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
}

static const char *
strrepr(struct buf *b, const char *s, size_t n)
{
	size_t i;
	char q = '\'';

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return "repr of a string with non-ASCII characters";
	if (memchr(s, '\'', n) && !memchr(s, '"', n))
		q = '"';
	bufputc(b, q);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '\\' || c == (unsigned char)q)
			bufprintf(b, "\\%c", c);
		else if (c == '\n')
			bufputs(b, "\\n");
		else if (c == '\r')
			bufputs(b, "\\r");
		else if (c == '\t')
			bufputs(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			bufprintf(b, "\\x%02x", c);
		else
			bufputc(b, c);
	}
	bufputc(b, q);
	return NULL;
}

const char *
jvreprto(struct buf *b, const struct jv *v)
{
	const char *err;
	size_t i;

	switch (v->type) {
	case JSTR:
		if (v->sub == JS_MARKUP) {
			bufputs(b, "Markup(");
			if ((err = strrepr(b, v->u.str.s, v->u.str.n)))
				return err;
			bufputc(b, ')');
			return NULL;
		}
		return strrepr(b, v->u.str.s, v->u.str.n);
	case JLIST: case JTUPLE:
		if (v->sub == JS_GEN)
			return "printing a generator";
		if (v->sub == JS_ITER)
			return "printing an iterator";
		if (v->sub == JS_KEYS || v->sub == JS_VALUES || v->sub == JS_ITEMS) {
			struct jv l = *v;
			bufputs(b, jvtypename(v));
			bufputc(b, '(');
			l.sub = JS_NONE;
			if ((err = jvreprto(b, &l)))
				return err;
			bufputc(b, ')');
			return NULL;
		}
		bufputc(b, v->type == JLIST ? '[' : '(');
		for (i = 0; i < v->u.list.n; i++) {
			if (i)
				bufputs(b, ", ");
			if ((err = jvreprto(b, v->u.list.v[i])))
				return err;
		}
		if (v->type == JTUPLE && v->u.list.n == 1)
			bufputc(b, ',');
		bufputc(b, v->type == JLIST ? ']' : ')');
		return NULL;
	case JDICT:
		bufputc(b, '{');
		for (i = 0; i < v->u.dict.n; i++) {
			if (i)
				bufputs(b, ", ");
			if ((err = jvreprto(b, v->u.dict.k[i])))
				return err;
			bufputs(b, ": ");
			if ((err = jvreprto(b, v->u.dict.v[i])))
				return err;
		}
		bufputc(b, '}');
		return NULL;
	case JUNDEF:
		bufputs(b, "Undefined");	/* Jinja2's Undefined.__repr__ */
		return NULL;
	case JFUNC:
		return "printing a function";
	case JOBJ:
		if (jdecis(v)) {
			jdecrepr(b, v);
			return NULL;
		}
		if (jvisset(v))
			return jsetrepr(b, v);
		if (jdtis(v)) {
			jdtrepr(b, v);
			return NULL;
		}
		return "repr of a native object";
	default:
		return jvstrto(b, v);
	}
}

const char *
jvstrto(struct buf *b, const struct jv *v)
{
	switch (v->type) {
	case JUNDEF: return NULL;
	case JNONE: bufputs(b, "None"); return NULL;
	case JBOOL: bufputs(b, v->u.b ? "True" : "False"); return NULL;
	case JINT: bufprintf(b, "%lld", (long long)v->u.i); return NULL;
	case JFLOAT: jvfloatto(b, v->u.f); return NULL;
	case JSTR: bufadd(b, v->u.str.s, v->u.str.n); return NULL;
	case JOBJ:
		if (!v->u.obj.cls->str)
			return "printing a native object";
		return v->u.obj.cls->str(v, b);
	default: return jvreprto(b, v);
	}
}
