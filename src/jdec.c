/* jdec.c: Python's Decimal (jdec.h), on digit strings: sign, coefficient
 * (no leading zeros but a lone 0) and exponent, as _pydecimal holds one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jdec.h"
#include "jeval.h"

/* Python's default context: 28 digits of precision. */
enum { PREC = 28, MAXDIG = 400 };

struct dec {
	int neg;
	long exp;
	size_t n;
	const char *d;
};

static const char *
decstrto(const struct jv *self, struct buf *b);

static int
dectruth(const struct jv *self)
{
	const struct dec *x = self->u.obj.data;

	return !(x->n == 1 && x->d[0] == '0');
}

static struct jv *
decattr(struct jev *v, struct jv *self, const char *name)
{
	(void)self;
	jfail(v, "unsupported: attribute '%s' of a Decimal", name);
	return NULL;
}

const struct jclass jdecclass = {"Decimal", decattr, decstrto, NULL, NULL, NULL, 0, dectruth};

int
jdecis(const struct jv *x)
{
	return x->type == JOBJ && x->u.obj.cls == &jdecclass;
}

static int
iszero(const struct dec *x)
{
	return x->n == 1 && x->d[0] == '0';
}

/* A Decimal of sign, digits (leading zeros dropped) and exponent. */
static struct jv *
make(struct arena *a, int neg, const char *d, size_t n, long exp)
{
	struct dec *x = arenaalloc(a, sizeof(*x));
	char *p;

	while (n > 1 && *d == '0')
		d++, n--;
	p = arenaalloc(a, n + 1);
	memcpy(p, d, n);
	p[n] = '\0';
	x->neg = neg;
	x->exp = exp;
	x->n = n;
	x->d = p;
	return jvobj(a, &jdecclass, x);
}

/* Parse text into sign, digits (into b) and exponent; -1 if it is not a
 * finite decimal. */
static int
parse(const char *s, struct buf *b, int *neg, long *exp)
{
	long frac = 0, e = 0;
	int seen = 0, esign = 1;

	*neg = 0;
	if (*s == '-' || *s == '+')
		*neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, seen = 1)
		bufputc(b, *s);
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, seen = 1, frac++)
			bufputc(b, *s);
	if (!seen)
		return -1;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			esign = *s++ == '-' ? -1 : 1;
		if (*s < '0' || *s > '9')
			return -1;
		for (; *s >= '0' && *s <= '9'; s++)
			if ((e = e * 10 + (*s - '0')) > 100000000)
				return -1;
	}
	if (*s)
		return -1;
	*exp = esign * e - frac;
	return 0;
}

struct jv *
jdecnew(struct arena *a, const char *text)
{
	struct buf b = {0};
	struct jv *r = NULL;
	int neg;
	long exp;

	if (parse(text, &b, &neg, &exp) == 0)
		r = make(a, neg, b.s, b.len, exp);
	buffree(&b);
	return r;
}

struct jv *
jdecfloat(struct arena *a, double d)
{
	struct buf b = {0};
	struct jv *r;

	if (!isfinite(d))
		return NULL;
	jvfloatto(&b, d);
	r = jdecnew(a, b.s);
	buffree(&b);
	return r;
}

/* A number as a dec (its digits in buf, which must hold 900): ints and
 * bools as themselves, a float exactly (glibc prints every digit). */
static int
asdec(const struct jv *v, struct dec *x, char *buf)
{
	static char one[] = "1", zero[] = "0";

	if (jdecis(v)) {
		*x = *(const struct dec *)v->u.obj.data;
		return 0;
	}
	if (v->type == JBOOL) {
		x->neg = 0;
		x->exp = 0;
		x->n = 1;
		x->d = v->u.b ? one : zero;
		return 0;
	}
	if (v->type == JINT || v->type == JFLOAT) {
		char *p, *e = NULL;
		size_t k = 0;
		if (v->type == JINT)
			snprintf(buf, 900, "%lld", (long long)v->u.i);
		else
			snprintf(buf, 900, "%.800e", v->u.f);
		x->neg = *buf == '-';
		x->exp = 0;
		for (p = buf + x->neg; *p; p++) {
			if (*p >= '0' && *p <= '9')
				buf[k++] = *p;
			else if (*p == '.')
				x->exp = 0, e = p;
			else if (*p == 'e') {
				long ee = strtol(p + 1, NULL, 10);
				x->exp = ee - (long)(p - e - 1);
				break;
			}
		}
		buf[k] = '\0';
		while (k > 1 && buf[0] == '0')
			memmove(buf, buf + 1, k--);
		x->d = buf;
		x->n = k;
		return 0;
	}
	return -1;
}

/* |x| against |y|, both not zero. */
static int
cmpmag(const struct dec *x, const struct dec *y)
{
	long ax = x->exp + (long)x->n, ay = y->exp + (long)y->n;
	size_t i, n = x->n > y->n ? x->n : y->n;

	if (ax != ay)
		return ax < ay ? -1 : 1;
	for (i = 0; i < n; i++) {
		char cx = i < x->n ? x->d[i] : '0', cy = i < y->n ? y->d[i] : '0';
		if (cx != cy)
			return cx < cy ? -1 : 1;
	}
	return 0;
}

static int
cmpdec(const struct dec *x, const struct dec *y)
{
	int m;

	if (iszero(x) && iszero(y))
		return 0;
	if (iszero(x))
		return y->neg ? 1 : -1;
	if (iszero(y))
		return x->neg ? -1 : 1;
	if (x->neg != y->neg)
		return x->neg ? -1 : 1;
	m = cmpmag(x, y);
	return x->neg ? -m : m;
}

int
jdeccmp(const struct jv *x, const struct jv *y, int *c)
{
	char bx[900], by[900];
	struct dec dx, dy;
	const struct jv *f;

	if (!jdecis(x) && !jdecis(y))
		return 0;
	if (asdec(x, &dx, bx) < 0 && !(x->type == JFLOAT && !isfinite(x->u.f)))
		return 0;
	if (asdec(y, &dy, by) < 0 && !(y->type == JFLOAT && !isfinite(y->u.f)))
		return 0;
	f = x->type == JFLOAT ? x : y->type == JFLOAT ? y : NULL;
	if (f && isnan(f->u.f))
		*c = 2;
	else if (f && isinf(f->u.f))
		*c = (f == x) == (f->u.f > 0) ? 1 : -1;
	else
		*c = cmpdec(&dx, &dy);
	return 1;
}

/* ---- arithmetic ---- */

static const char toolong[] = "unsupported: a Decimal result of more than 28 digits "
    "(Python's context rounds it)";

/* The digits of x shifted left by k places into out (n + k digits). */
static void
shift(const struct dec *x, size_t k, char *out)
{
	memcpy(out, x->d, x->n);
	memset(out + x->n, '0', k);
}

static struct jv *
result(struct arena *a, int neg, char *d, size_t n, long exp, const char **err)
{
	while (n > 1 && *d == '0')
		d++, n--;
	if (n > PREC) {
		*err = toolong;
		return NULL;
	}
	return make(a, neg, d, n, exp);
}

static struct jv *
addsub(struct arena *a, const struct dec *x, const struct dec *y, int sub, const char **err)
{
	long e = x->exp < y->exp ? x->exp : y->exp;
	size_t kx = (size_t)(x->exp - e), ky = (size_t)(y->exp - e), n, i;
	int yneg = sub ? !y->neg : y->neg, carry = 0, neg;
	char X[2 * MAXDIG + 2], Y[2 * MAXDIG + 2], R[2 * MAXDIG + 3];
	size_t nx = x->n + kx, ny = y->n + ky;

	if (nx > 2 * MAXDIG || ny > 2 * MAXDIG) {
		*err = toolong;
		return NULL;
	}
	if (iszero(x) && iszero(y)) {
		R[0] = '0';
		return result(a, x->neg && yneg, R, 1, e, err);
	}
	n = (nx > ny ? nx : ny) + 1;
	/* right-aligned, zero-padded to n digits */
	memset(X, '0', n);
	memset(Y, '0', n);
	shift(x, kx, X + n - nx);
	shift(y, ky, Y + n - ny);
	if (x->neg == yneg) {
		for (i = n; i-- > 0;) {
			int s = (X[i] - '0') + (Y[i] - '0') + carry;
			R[i] = (char)('0' + s % 10);
			carry = s / 10;
		}
		neg = x->neg;
	} else {
		const char *big = X, *small = Y;
		neg = x->neg;
		if (memcmp(X, Y, n) < 0) {
			big = Y, small = X;
			neg = yneg;
		} else if (!memcmp(X, Y, n)) {
			R[0] = '0';
			return result(a, 0, R, 1, e, err);
		}
		for (i = n; i-- > 0;) {
			int s = (big[i] - '0') - (small[i] - '0') - carry;
			carry = s < 0;
			R[i] = (char)('0' + (s + 10) % 10);
		}
	}
	return result(a, neg, R, n, e, err);
}

static struct jv *
mul(struct arena *a, const struct dec *x, const struct dec *y, const char **err)
{
	int acc[2 * MAXDIG + 1] = {0};
	char R[2 * MAXDIG + 1];
	size_t i, k, n = x->n + y->n;

	if (x->n > MAXDIG || y->n > MAXDIG) {
		*err = toolong;
		return NULL;
	}
	for (i = 0; i < x->n; i++)
		for (k = 0; k < y->n; k++)
			acc[i + k + 1] += (x->d[i] - '0') * (y->d[k] - '0');
	for (i = n; i-- > 1;) {
		acc[i - 1] += acc[i] / 10;
		acc[i] %= 10;
	}
	for (i = 0; i < n; i++)
		R[i] = (char)('0' + acc[i]);
	return result(a, x->neg != y->neg, R, n, x->exp + y->exp, err);
}

struct jv *
jdecarith(struct arena *a, int op, const struct jv *x, const struct jv *y, const char **err)
{
	char bx[900], by[900];
	struct dec dx, dy;

	if (x->type == JFLOAT || y->type == JFLOAT || asdec(x, &dx, bx) < 0 ||
	    asdec(y, &dy, by) < 0) {
		*err = NULL;	/* not Decimal arithmetic: Python's TypeError */
		return NULL;
	}
	if (op == '*')
		return mul(a, &dx, &dy, err);
	return addsub(a, &dx, &dy, op == '-', err);
}

struct jv *
jdecsign(struct arena *a, int neg, const struct jv *x, const char **err)
{
	const struct dec *d = x->u.obj.data;

	if (d->n > PREC) {
		*err = toolong;
		return NULL;
	}
	return make(a, iszero(d) ? 0 : neg ? !d->neg : d->neg, d->d, d->n, d->exp);
}

int
jdectoint(const struct jv *x, int64_t *r)
{
	const struct dec *d = x->u.obj.data;
	size_t n = d->n, i;
	uint64_t u = 0;
	long k;

	if (d->exp < 0)
		n = (long)n + d->exp > 0 ? (size_t)((long)n + d->exp) : 0;
	for (i = 0; i < n; i++)
		if (u > (UINT64_MAX - 9) / 10)
			return -1;
		else
			u = u * 10 + (uint64_t)(d->d[i] - '0');
	for (k = 0; u && k < d->exp; k++)
		if (u > UINT64_MAX / 10)
			return -1;
		else
			u *= 10;
	if (u > (uint64_t)INT64_MAX + d->neg)
		return -1;
	*r = d->neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

double
jdectodouble(const struct jv *x)
{
	struct buf b = {0};
	double r;

	decstrto(x, &b);
	r = strtod(b.s, NULL);
	buffree(&b);
	return r;
}

/* Python's Decimal.__str__ (scientific where _pydecimal's is). */
static const char *
decstrto(const struct jv *self, struct buf *b)
{
	const struct dec *d = self->u.obj.data;
	long left = d->exp + (long)d->n, dot, i;

	dot = d->exp <= 0 && left > -6 ? left : 1;
	if (d->neg)
		bufputc(b, '-');
	if (dot <= 0) {
		bufputs(b, "0.");
		for (i = 0; i < -dot; i++)
			bufputc(b, '0');
		bufadd(b, d->d, d->n);
	} else if ((size_t)dot >= d->n) {
		bufadd(b, d->d, d->n);
		for (i = (long)d->n; i < dot; i++)
			bufputc(b, '0');
	} else {
		bufadd(b, d->d, (size_t)dot);
		bufputc(b, '.');
		bufadd(b, d->d + dot, d->n - (size_t)dot);
	}
	if (left != dot)
		bufprintf(b, "E%+ld", left - dot);
	return NULL;
}

void
jdecrepr(struct buf *b, const struct jv *x)
{
	bufputs(b, "Decimal('");
	decstrto(x, b);
	bufputs(b, "')");
}

uint64_t
jdechash(const struct jv *x, uint64_t (*hashint)(int64_t), uint64_t (*hashfloat)(double))
{
	const struct dec *d = x->u.obj.data;
	struct jv f;
	int64_t i;
	uint64_t h = 1469598103934665603ULL;
	size_t n = d->n, k;
	int c;

	if (jdectoint(x, &i) == 0) {
		f.type = JINT;
		f.sub = JS_NONE;
		f.u.i = i;
		if (jdeccmp(x, &f, &c) && c == 0)
			return hashint(i);
	}
	f.type = JFLOAT;
	f.sub = JS_NONE;
	f.u.f = jdectodouble(x);
	if (jdeccmp(x, &f, &c) && c == 0)
		return hashfloat(f.u.f);
	while (n > 1 && d->d[n - 1] == '0')
		n--;
	for (k = 0; k < n; k++)
		h = (h ^ (unsigned char)d->d[k]) * 1099511628211ULL;
	return (h ^ (uint64_t)(d->exp + (long)d->n)) * 1099511628211ULL ^ (uint64_t)d->neg;
}
