/* jdatetime.c: modules.datetime and modules.pytz (see jdatetime.h).
 *
 * Every value is one struct dv: a timedelta normalized as Python's
 * (days, 0 <= seconds < 86400, 0 <= microseconds < 10**6), a date, a
 * datetime or a time by its fields, a time zone by its fixed offset in
 * microseconds. Dates are reckoned in Python's ordinals (0001-01-01 is
 * 1), times of day in microseconds. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jdatetime.h"
#include "jeval.h"

enum { K_DELTA, K_DATE, K_DT, K_TIME, K_TZ };

#define DAYUS 86400000000LL
#define MAXORD 3652059		/* 9999-12-31 */
#define MAXDAYS 999999999

struct dv {
	int k;
	int y, mo, d, h, mi, s, us, fold;
	struct jv *tz;		/* a K_TZ value, or NULL: naive */
	int64_t days, secs, usec;	/* a timedelta */
	int64_t off;		/* a zone: its offset (microseconds) */
	struct jv *name;	/* a zone's name (a JSTR), or NULL */
	int utc;		/* timezone.utc */
	int pytz;		/* pytz.utc */
};

/* A class, as modules.datetime.X. */
struct ty {
	int k;
	const struct jdtclock *clk;
};

static const struct jclass deltaclass, dateclass, dtclass, timeclass, tzclass, pytzutcclass;

static const char *const wdays[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
    "Friday", "Saturday", "Sunday"};
static const char *const months[] = {"January", "February", "March", "April", "May",
    "June", "July", "August", "September", "October", "November", "December"};
static const char *const tyname[] = {"timedelta", "date", "datetime", "time", "timezone"};

static struct dv *
dvof(const struct jv *x)
{
	if (!x || x->type != JOBJ)
		return NULL;
	if (x->u.obj.cls == &deltaclass || x->u.obj.cls == &dateclass ||
	    x->u.obj.cls == &dtclass || x->u.obj.cls == &timeclass ||
	    x->u.obj.cls == &tzclass || x->u.obj.cls == &pytzutcclass)
		return x->u.obj.data;
	return NULL;
}

int
jdtis(const struct jv *x)
{
	return dvof(x) != NULL;
}

static struct dv *
dvnew(struct arena *a, int k)
{
	struct dv *d = arenaalloc(a, sizeof *d);

	memset(d, 0, sizeof *d);
	d->k = k;
	return d;
}

static struct jv *
dvval(struct arena *a, struct dv *d)
{
	static const struct jclass *const cls[] = {&deltaclass, &dateclass, &dtclass,
	    &timeclass, &tzclass};
	return jvobj(a, d->pytz ? &pytzutcclass : cls[d->k], d);
}

/* ---- the calendar ---- */

static int
leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
mdays(int y, int m)
{
	static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : n[m - 1];
}

static int64_t
toord(int y, int m, int d)
{
	int64_t p = y - 1, n = p * 365 + p / 4 - p / 100 + p / 400;
	int i;

	for (i = 1; i < m; i++)
		n += mdays(y, i);
	return n + d;
}

static void
fromord(int64_t o, int *y, int *m, int *d)
{
	int64_t n = o - 1, n400, n100, n4, n1;

	n400 = n / 146097;
	n %= 146097;
	n100 = n / 36524;
	n %= 36524;
	n4 = n / 1461;
	n %= 1461;
	n1 = n / 365;
	n %= 365;
	*y = (int)(n400 * 400 + n100 * 100 + n4 * 4 + n1 + 1);
	if (n1 == 4 || n100 == 4) {
		*y -= 1;
		*m = 12;
		*d = 31;
		return;
	}
	for (*m = 1; n >= mdays(*y, *m); (*m)++)
		n -= mdays(*y, *m);
	*d = (int)n + 1;
}

static int
weekday(const struct dv *x)
{
	return (int)((toord(x->y, x->mo, x->d) + 6) % 7);
}

/* ---- arguments ---- */

static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a % b < 0) != (b < 0))) ? q - 1 : q;
}

/* Binds c's arguments to names (positional first); unknown or repeated
 * ones are Python's TypeError. */
static void
bind(struct jev *v, const char *fn, struct jcall *c, const char *const *names,
    size_t n, struct jv **out)
{
	size_t i, k;

	for (i = 0; i < n; i++)
		out[i] = NULL;
	if (c->npos > n)
		jfail(v, "%s() takes at most %zu arguments (%zu given)", fn, n, c->npos);
	for (i = 0; i < c->npos; i++)
		out[i] = c->pos[i];
	for (k = 0; k < c->nkw; k++) {
		for (i = 0; i < n && strcmp(names[i], c->names[k]); i++)
			;
		if (i == n)
			jfail(v, "%s() got an unexpected keyword argument '%s'", fn, c->names[k]);
		if (out[i])
			jfail(v, "argument for %s() given by name ('%s') and position", fn, names[i]);
		out[i] = c->kw[k];
	}
}

static int64_t
intarg(struct jev *v, const char *fn, struct jv *x, int64_t dflt)
{
	if (!x)
		return dflt;
	if (x->type == JINT)
		return x->u.i;
	if (x->type == JBOOL)
		return x->u.b;
	if (x->type == JFLOAT)
		jfail(v, "unsupported: a float argument of %s()", fn);
	jfail(v, "%s(): an integer is required (got type %s)", fn, jvtypename(x));
	return 0;
}

static struct dv *
tzarg(struct jev *v, const char *fn, struct jv *x)
{
	struct dv *z;

	if (!x || x->type == JNONE)
		return NULL;
	if (!(z = dvof(x)) || z->k != K_TZ)
		jfail(v, "unsupported: tzinfo of %s() that is a %s", fn, jvtypename(x));
	return z;
}

static void
checkdate(struct jev *v, int64_t y, int64_t m, int64_t d)
{
	if (y < 1 || y > 9999)
		jfail(v, "year %lld is out of range", (long long)y);
	if (m < 1 || m > 12)
		jfail(v, "month must be in 1..12");
	if (d < 1 || d > mdays((int)y, (int)m))
		jfail(v, "day is out of range for month");
}

static void
checktime(struct jev *v, int64_t h, int64_t mi, int64_t s, int64_t us, int64_t fold)
{
	if (h < 0 || h > 23)
		jfail(v, "hour must be in 0..23");
	if (mi < 0 || mi > 59)
		jfail(v, "minute must be in 0..59");
	if (s < 0 || s > 59)
		jfail(v, "second must be in 0..59");
	if (us < 0 || us > 999999)
		jfail(v, "microsecond must be in 0..999999");
	if (fold != 0 && fold != 1)
		jfail(v, "fold must be either 0 or 1");
}

/* ---- timedelta ---- */

/* A timedelta of days, seconds and microseconds (any signs), or NULL
 * (*err) beyond Python's range. */
static struct dv *
mkdelta(struct arena *a, int64_t days, int64_t secs, int64_t us, const char **err)
{
	struct dv *d;

	if (__builtin_add_overflow(secs, floordiv(us, 1000000), &secs) ||
	    __builtin_add_overflow(days, floordiv(secs, 86400), &days)) {
		*err = "unsupported: timedelta beyond 64 bits";
		return NULL;
	}
	us = us % 1000000 < 0 ? us % 1000000 + 1000000 : us % 1000000;
	secs = secs % 86400 < 0 ? secs % 86400 + 86400 : secs % 86400;
	if (days > MAXDAYS || days < -MAXDAYS) {
		static char msg[80];
		snprintf(msg, sizeof msg, "days=%lld; must have magnitude <= 999999999",
		    (long long)days);
		*err = msg;
		return NULL;
	}
	d = dvnew(a, K_DELTA);
	d->days = days;
	d->secs = secs;
	d->usec = us;
	return d;
}

/* Its microseconds in all, or -1 where they pass 64 bits. */
static int
total(const struct dv *x, int64_t *r)
{
	int64_t t;

	if (__builtin_mul_overflow(x->days, DAYUS, &t) ||
	    __builtin_add_overflow(t, x->secs * 1000000 + x->usec, &t))
		return -1;
	*r = t;
	return 0;
}

static struct dv *
deltaus(struct arena *a, int64_t t, const char **err)
{
	return mkdelta(a, floordiv(t, DAYUS), 0, t - floordiv(t, DAYUS) * DAYUS, err);
}

static struct jv *
deltanew(struct jev *v, struct jcall *c)
{
	static const char *const names[] = {"days", "seconds", "microseconds",
	    "milliseconds", "minutes", "hours", "weeks"};
	static const int64_t scale[] = {0, 1, 0, 1000, 60, 3600, 0};
	struct jv *x[7];
	int64_t days = 0, secs = 0, us = 0, n, t;
	const char *err = NULL;
	struct dv *d;
	size_t i;

	bind(v, "timedelta", c, names, 7, x);
	for (i = 0; i < 7; i++) {
		if (!x[i])
			continue;
		if (x[i]->type == JFLOAT)
			jfail(v, "unsupported: timedelta() of a float (%s)", names[i]);
		if (x[i]->type != JINT && x[i]->type != JBOOL)
			jfail(v, "unsupported type for timedelta %s component: %s", names[i],
			    jvtypename(x[i]));
		n = intarg(v, "timedelta", x[i], 0);
		if (i == 0 || i == 6) {
			if (__builtin_mul_overflow(n, i == 6 ? 7 : 1, &t) ||
			    __builtin_add_overflow(days, t, &days))
				jfail(v, "unsupported: timedelta() beyond 64 bits");
		} else if (i == 2 || i == 3) {
			if (__builtin_mul_overflow(n, i == 3 ? 1000 : 1, &t) ||
			    __builtin_add_overflow(us, t, &us))
				jfail(v, "unsupported: timedelta() beyond 64 bits");
		} else if (__builtin_mul_overflow(n, scale[i], &t) ||
		    __builtin_add_overflow(secs, t, &secs))
			jfail(v, "unsupported: timedelta() beyond 64 bits");
	}
	if (!(d = mkdelta(jevarena(v), days, secs, us, &err)))
		jfail(v, "%s", err);
	return dvval(jevarena(v), d);
}

static void
deltastrto(struct buf *b, const struct dv *x)
{
	int64_t s = x->secs;

	if (x->days)
		bufprintf(b, "%lld day%s, ", (long long)x->days,
		    x->days == 1 || x->days == -1 ? "" : "s");
	bufprintf(b, "%d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
	if (x->usec)
		bufprintf(b, ".%06d", (int)x->usec);
}

static void
deltarepr(struct buf *b, const struct dv *x)
{
	const char *sep = "";

	bufputs(b, "datetime.timedelta(");
	if (x->days) {
		bufprintf(b, "days=%lld", (long long)x->days);
		sep = ", ";
	}
	if (x->secs) {
		bufprintf(b, "%sseconds=%lld", sep, (long long)x->secs);
		sep = ", ";
	}
	if (x->usec)
		bufprintf(b, "%smicroseconds=%lld", sep, (long long)x->usec);
	if (!x->days && !x->secs && !x->usec)
		bufputc(b, '0');
	bufputc(b, ')');
}

/* ---- zones ---- */

static struct dv utczone = {K_TZ, 0, 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0, 0, NULL, 1, 0};
static struct dv pytzutc = {K_TZ, 0, 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0, 0, NULL, 0, 1};

/* +HH:MM[:SS[.ffffff]] (colon) or +HHMM[SS[.ffffff]]. */
static void
offto(struct buf *b, int64_t off, int colon)
{
	const char *c = colon ? ":" : "";
	int64_t s, us;
	char sign = '+';

	if (off < 0) {
		sign = '-';
		off = -off;
	}
	s = off / 1000000;
	us = off % 1000000;
	bufprintf(b, "%c%02d%s%02d", sign, (int)(s / 3600), c, (int)(s / 60 % 60));
	if (us)
		bufprintf(b, "%s%02d.%06d", c, (int)(s % 60), (int)us);
	else if (s % 60)
		bufprintf(b, "%s%02d", c, (int)(s % 60));
}

static void
tznameto(struct buf *b, const struct dv *z)
{
	if (z->name)
		bufadd(b, z->name->u.str.s, z->name->u.str.n);
	else if (z->utc || z->pytz || !z->off)
		bufputs(b, "UTC");
	else {
		bufputs(b, "UTC");
		offto(b, z->off, 1);
	}
}

static void
tzrepr(struct buf *b, const struct dv *z)
{
	struct dv d;
	const char *err = NULL;

	if (z->pytz) {
		bufputs(b, "<UTC>");
		return;
	}
	if (z->utc) {
		bufputs(b, "datetime.timezone.utc");
		return;
	}
	memset(&d, 0, sizeof d);
	d.days = floordiv(z->off, DAYUS);
	d.secs = (z->off - d.days * DAYUS) / 1000000;
	d.usec = (z->off - d.days * DAYUS) % 1000000;
	bufputs(b, "datetime.timezone(");
	deltarepr(b, &d);
	if (z->name) {
		bufputs(b, ", ");
		err = jvreprto(b, z->name);
	}
	if (err)
		bufputs(b, "...");
	bufputc(b, ')');
}

static struct jv *
tznew(struct jev *v, struct jcall *c)
{
	static const char *const names[] = {"offset", "name"};
	struct jv *x[2];
	struct dv *o = NULL, *z;
	int64_t t = 0;

	bind(v, "timezone", c, names, 2, x);
	if (!x[0] || !(o = dvof(x[0])) || o->k != K_DELTA)
		jfail(v, "timezone() argument 1 must be datetime.timedelta");
	if (x[1] && x[1]->type != JSTR)
		jfail(v, "timezone() argument 2 must be str, not %s", jvtypename(x[1]));
	if (total(o, &t) < 0 || t <= -DAYUS || t >= DAYUS)
		jfail(v, "offset must be a timedelta strictly between -timedelta(hours=24) and "
		    "timedelta(hours=24).");
	if (!t && !x[1])
		return dvval(jevarena(v), &utczone);
	z = dvnew(jevarena(v), K_TZ);
	z->off = t;
	z->name = x[1];
	return dvval(jevarena(v), z);
}

/* ---- formatting ---- */

static void
timeto(struct buf *b, const struct dv *x, const char *spec)
{
	if (!strcmp(spec, "hours"))
		bufprintf(b, "%02d", x->h);
	else if (!strcmp(spec, "minutes"))
		bufprintf(b, "%02d:%02d", x->h, x->mi);
	else if (!strcmp(spec, "seconds") || (!strcmp(spec, "auto") && !x->us))
		bufprintf(b, "%02d:%02d:%02d", x->h, x->mi, x->s);
	else if (!strcmp(spec, "milliseconds"))
		bufprintf(b, "%02d:%02d:%02d.%03d", x->h, x->mi, x->s, x->us / 1000);
	else
		bufprintf(b, "%02d:%02d:%02d.%06d", x->h, x->mi, x->s, x->us);
	if (x->tz)
		offto(b, dvof(x->tz)->off, 1);
}

static void
isoto(struct buf *b, const struct dv *x, const char *sep, size_t nsep, const char *spec)
{
	if (x->k != K_TIME)
		bufprintf(b, "%04d-%02d-%02d", x->y, x->mo, x->d);
	if (x->k == K_DT)
		bufadd(b, sep, nsep);
	if (x->k != K_DATE)
		timeto(b, x, spec);
}

static const char *
dvstr(const struct jv *self, struct buf *b)
{
	const struct dv *x = self->u.obj.data;

	switch (x->k) {
	case K_DELTA: deltastrto(b, x); break;
	case K_TZ: tznameto(b, x); break;
	default: isoto(b, x, " ", 1, "auto"); break;
	}
	return NULL;
}

void
jdtrepr(struct buf *b, const struct jv *self)
{
	const struct dv *x = dvof(self);

	switch (x->k) {
	case K_DELTA: deltarepr(b, x); return;
	case K_TZ: tzrepr(b, x); return;
	case K_DATE: bufprintf(b, "datetime.date(%d, %d, %d)", x->y, x->mo, x->d); return;
	case K_DT: bufprintf(b, "datetime.datetime(%d, %d, %d, ", x->y, x->mo, x->d); break;
	default: bufputs(b, "datetime.time("); break;
	}
	bufprintf(b, "%d, %d", x->h, x->mi);
	if (x->us)
		bufprintf(b, ", %d, %d", x->s, x->us);
	else if (x->s)
		bufprintf(b, ", %d", x->s);
	if (x->fold)
		bufputs(b, ", fold=1");
	if (x->tz) {
		bufputs(b, ", tzinfo=");
		tzrepr(b, dvof(x->tz));
	}
	bufputc(b, ')');
}

static void
strftimeto(struct jev *v, struct buf *b, const struct dv *x, const char *f, size_t n)
{
	int y = x->k == K_TIME ? 1900 : x->y, mo = x->k == K_TIME ? 1 : x->mo;
	int d = x->k == K_TIME ? 1 : x->d, wd;
	size_t i;

	wd = (int)((toord(y, mo, d) + 6) % 7);
	for (i = 0; i < n; i++) {
		if (f[i] != '%') {
			bufputc(b, f[i]);
			continue;
		}
		if (++i == n)
			jfail(v, "unsupported: strftime format ending in %%");
		switch (f[i]) {
		case 'Y':
			if (y < 1000)
				jfail(v, "unsupported: strftime %%Y of the year %d", y);
			bufprintf(b, "%d", y);
			break;
		case 'y': bufprintf(b, "%02d", y % 100); break;
		case 'm': bufprintf(b, "%02d", mo); break;
		case 'd': bufprintf(b, "%02d", d); break;
		case 'H': bufprintf(b, "%02d", x->h); break;
		case 'M': bufprintf(b, "%02d", x->mi); break;
		case 'S': bufprintf(b, "%02d", x->s); break;
		case 'f': bufprintf(b, "%06d", x->us); break;
		case 'j': bufprintf(b, "%03d", (int)(toord(y, mo, d) - toord(y, 1, 1) + 1)); break;
		case 'a': bufprintf(b, "%.3s", wdays[wd]); break;
		case 'A': bufputs(b, wdays[wd]); break;
		case 'b': bufprintf(b, "%.3s", months[mo - 1]); break;
		case 'B': bufputs(b, months[mo - 1]); break;
		case 'z':
			if (x->tz)
				offto(b, dvof(x->tz)->off, 0);
			break;
		case 'Z':
			if (x->tz)
				tznameto(b, dvof(x->tz));
			break;
		case '%': bufputc(b, '%'); break;
		default:
			jfail(v, "unsupported: strftime directive %%%c", f[i]);
		}
	}
}

/* ---- arithmetic and comparison ---- */

/* A date or datetime moved by a timedelta (days and microseconds), or
 * NULL beyond year 9999 or before year 1. */
static struct dv *
shift(struct arena *a, const struct dv *x, int64_t days, int64_t us)
{
	int64_t o = toord(x->y, x->mo, x->d), t;
	struct dv *r;

	t = ((int64_t)x->h * 3600 + x->mi * 60 + x->s) * 1000000 + x->us + us;
	o += days + floordiv(t, DAYUS);
	t -= floordiv(t, DAYUS) * DAYUS;
	if (o < 1 || o > MAXORD)
		return NULL;
	r = dvnew(a, x->k);
	*r = *x;
	fromord(o, &r->y, &r->mo, &r->d);
	if (x->k == K_DT) {
		r->h = (int)(t / 3600000000LL);
		r->mi = (int)(t / 60000000 % 60);
		r->s = (int)(t / 1000000 % 60);
		r->us = (int)(t % 1000000);
		r->fold = 0;
	}
	return r;
}

/* Microseconds since 0001-01-01 00:00 (UTC for an aware one). */
static int64_t
instant(const struct dv *x)
{
	int64_t t = (toord(x->y, x->mo, x->d) - 1) * DAYUS;

	if (x->k == K_DT)
		t += ((int64_t)x->h * 3600 + x->mi * 60 + x->s) * 1000000 + x->us;
	if (x->tz)
		t -= dvof(x->tz)->off;
	return t;
}

static int
tdmul(const struct dv *x, int64_t n, int64_t *r)
{
	int64_t t;
	return total(x, &t) < 0 || __builtin_mul_overflow(t, n, r) ? -1 : 0;
}

struct jv *
jdtarith(struct arena *a, int op, const struct jv *xv, const struct jv *yv, const char **err)
{
	struct dv *x = dvof(xv), *y = dvof(yv), *r = NULL;
	int64_t tx, ty, t;

	*err = NULL;
	if (op == '+' && !x && y)
		return jdtarith(a, op, yv, xv, err);
	if (op == '*' && !x && y)
		return jdtarith(a, op, yv, xv, err);
	if (!x)
		return NULL;
	if (x->k == K_DELTA && y && y->k == K_DELTA && (op == '+' || op == '-')) {
		r = op == '+' ? mkdelta(a, x->days + y->days, x->secs + y->secs, x->usec + y->usec, err) :
		    mkdelta(a, x->days - y->days, x->secs - y->secs, x->usec - y->usec, err);
		return r ? dvval(a, r) : NULL;
	}
	if (x->k == K_DELTA && !y && (yv->type == JINT || yv->type == JBOOL)) {
		int64_t n = yv->type == JINT ? yv->u.i : yv->u.b;
		if (op == '*') {
			if (tdmul(x, n, &t) < 0) {
				*err = "unsupported: timedelta * int beyond 64 bits of microseconds";
				return NULL;
			}
			return (r = deltaus(a, t, err)) ? dvval(a, r) : NULL;
		}
		if (op == 'f' || op == '/') {
			if (!n) {
				*err = "integer division or modulo by zero";
				return NULL;
			}
			if (total(x, &t) < 0) {
				*err = "unsupported: timedelta beyond 64 bits of microseconds";
				return NULL;
			}
			if (op == 'f')
				t = floordiv(t, n);
			else {
				/* round half to even, as Python's */
				int64_t q = floordiv(t, n), m = t - q * n;
				if (n < 0) {
					n = -n;
					m = -m;
					if (m < 0) {
						m += n;
						q -= 1;
					}
				}
				if (2 * m > n || (2 * m == n && q % 2 != 0))
					q++;
				t = q;
			}
			return (r = deltaus(a, t, err)) ? dvval(a, r) : NULL;
		}
		return NULL;
	}
	if (x->k == K_DELTA && y && y->k == K_DELTA && (op == 'f' || op == '/' || op == '%')) {
		if (total(x, &tx) < 0 || total(y, &ty) < 0) {
			*err = "unsupported: timedelta beyond 64 bits of microseconds";
			return NULL;
		}
		if (!ty) {
			*err = op == '/' ? "division by zero" : "integer division or modulo by zero";
			return NULL;
		}
		if (op == 'f')
			return jvint(a, floordiv(tx, ty));
		if (op == '%')
			return (r = deltaus(a, tx - floordiv(tx, ty) * ty, err)) ? dvval(a, r) : NULL;
		if (tx > (1LL << 53) || tx < -(1LL << 53) || ty > (1LL << 53) || ty < -(1LL << 53)) {
			*err = "unsupported: timedelta / timedelta beyond 2**53 microseconds";
			return NULL;
		}
		return jvfloat(a, (double)tx / (double)ty);
	}
	if ((x->k == K_DATE || x->k == K_DT) && y && y->k == K_DELTA && (op == '+' || op == '-')) {
		int s = op == '+' ? 1 : -1;
		if (x->k == K_DATE)
			r = shift(a, x, s * y->days, 0);
		else
			r = shift(a, x, s * y->days, s * (y->secs * 1000000 + y->usec));
		if (!r)
			*err = "date value out of range";
		return r ? dvval(a, r) : NULL;
	}
	if (op == '-' && y && (x->k == K_DATE || x->k == K_DT) && (y->k == K_DATE || y->k == K_DT)) {
		if (x->k != y->k) {
			*err = "unsupported: subtracting a date and a datetime";
			return NULL;
		}
		if (!x->tz != !y->tz) {
			*err = "can't subtract offset-naive and offset-aware datetimes";
			return NULL;
		}
		return (r = deltaus(a, instant(x) - instant(y), err)) ? dvval(a, r) : NULL;
	}
	return NULL;
}

struct jv *
jdtsign(struct arena *a, int op, const struct jv *xv, const char **err)
{
	struct dv *x = dvof(xv), *r;

	*err = NULL;
	if (!x || x->k != K_DELTA)
		return NULL;
	if (op == '+' || (op == 'a' && x->days >= 0))
		return (struct jv *)xv;
	r = mkdelta(a, -x->days, -x->secs, -x->usec, err);
	return r ? dvval(a, r) : NULL;
}

static const char *
tyerr(const struct dv *x, const struct dv *y)
{
	static char msg[96];

	snprintf(msg, sizeof msg, "can't compare datetime.%s to datetime.%s", tyname[x->k],
	    tyname[y->k]);
	return msg;
}

int
jdtcmp(const struct jv *xv, const struct jv *yv, int *c, const char **err)
{
	struct dv *x = dvof(xv), *y = dvof(yv);
	int64_t a, b;

	*err = NULL;
	if (!x && !y)
		return 0;
	*c = 2;
	if (!x || !y) {
		*err = "";
		return 1;
	}
	if (x->k != y->k) {
		*err = (x->k == K_DATE && y->k == K_DT) || (x->k == K_DT && y->k == K_DATE) ?
		    tyerr(y->k == K_DT ? y : x, y->k == K_DT ? x : y) : "";
		return 1;
	}
	switch (x->k) {
	case K_DELTA:
		a = x->days == y->days ? x->secs * 1000000 + x->usec : x->days;
		b = x->days == y->days ? y->secs * 1000000 + y->usec : y->days;
		break;
	case K_TZ:
		if (x->pytz || y->pytz) {
			*c = x->pytz && y->pytz ? 0 : 2;
			*err = "";
			return 1;
		}
		a = x->off;
		b = y->off;
		if (a != b)
			*err = "";
		*c = a != b ? 2 : 0;
		return 1;
	case K_TIME:
		if (x->tz || y->tz) {
			*err = "unsupported: comparing times with a tzinfo";
			return 1;
		}
		/* fall through */
	default:
		if (!x->tz != !y->tz) {
			*err = x->k == K_TIME ? "can't compare offset-naive and offset-aware times" :
			    "can't compare offset-naive and offset-aware datetimes";
			return 1;
		}
		a = instant(x);
		b = instant(y);
		if (x->k == K_TIME) {
			a = ((int64_t)x->h * 3600 + x->mi * 60 + x->s) * 1000000 + x->us;
			b = ((int64_t)y->h * 3600 + y->mi * 60 + y->s) * 1000000 + y->us;
		}
		break;
	}
	*c = a < b ? -1 : a > b;
	return 1;
}

uint64_t
jdthash(const struct jv *xv)
{
	struct dv *x = dvof(xv);
	int64_t t = 0;

	switch (x->k) {
	case K_DELTA: t = x->days * 86400 + x->secs + x->usec; break;
	case K_TZ: t = x->pytz ? 1 : x->off; break;
	case K_TIME: t = ((int64_t)x->h * 3600 + x->mi * 60 + x->s) * 1000000 + x->us; break;
	default: t = instant(x); break;
	}
	return (uint64_t)t * 1099511628211ULL + (uint64_t)x->k;
}

static int
dvtruth(const struct jv *self)
{
	const struct dv *x = self->u.obj.data;
	return x->k != K_DELTA || x->days || x->secs || x->usec;
}

/* ---- parsing ---- */

static int
digits(const char *s, size_t n, int *r)
{
	size_t i;

	*r = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*r = *r * 10 + (s[i] - '0');
	}
	return 0;
}

static int
isspacech(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

struct sp {
	const char *s, *f;
	size_t ns, nf;
	int val[128];		/* by directive letter, -1 unset */
};

/* The lengths the directive's regex in Python's _strptime matches at s,
 * in the order its alternatives are tried; returns how many. */
static int
alts(int dir, const char *s, size_t n, size_t *len)
{
#define DG(i) ((i) < n && s[i] >= '0' && s[i] <= '9')
#define IN(i, a, b) ((i) < n && s[i] >= (a) && s[i] <= (b))
	int k = 0;
	size_t i;

	switch (dir) {
	case 'd':
		if (IN(0, '3', '3') && IN(1, '0', '1')) len[k++] = 2;
		if (IN(0, '1', '2') && DG(1)) len[k++] = 2;
		if (IN(0, '0', '0') && IN(1, '1', '9')) len[k++] = 2;
		if (IN(0, '1', '9')) len[k++] = 1;
		if (IN(0, ' ', ' ') && IN(1, '1', '9')) len[k++] = 2;
		break;
	case 'H':
		if (IN(0, '2', '2') && IN(1, '0', '3')) len[k++] = 2;
		if (IN(0, '0', '1') && DG(1)) len[k++] = 2;
		if (DG(0)) len[k++] = 1;
		break;
	case 'm':
		if (IN(0, '1', '1') && IN(1, '0', '2')) len[k++] = 2;
		if (IN(0, '0', '0') && IN(1, '1', '9')) len[k++] = 2;
		if (IN(0, '1', '9')) len[k++] = 1;
		break;
	case 'M':
		if (IN(0, '0', '5') && DG(1)) len[k++] = 2;
		if (DG(0)) len[k++] = 1;
		break;
	case 'S':
		if (IN(0, '6', '6') && IN(1, '0', '1')) len[k++] = 2;
		if (IN(0, '0', '5') && DG(1)) len[k++] = 2;
		if (DG(0)) len[k++] = 1;
		break;
	case 'y':
		if (DG(0) && DG(1)) len[k++] = 2;
		break;
	case 'Y':
		if (DG(0) && DG(1) && DG(2) && DG(3)) len[k++] = 4;
		break;
	case 'f':
		for (i = 0; i < 6 && DG(i); i++)
			;
		for (; i > 0; i--)
			len[k++] = i;
		break;
	}
	return k;
#undef DG
#undef IN
}

/* Python's re.match of the format's regex at s: the first match found
 * by backtracking (not the longest); *end its end. */
static int
spmatch(struct sp *p, size_t fi, size_t si, size_t *end)
{
	size_t len[8], j, k, m;
	int n, c, save;

	if (fi == p->nf) {
		*end = si;
		return 1;
	}
	c = (unsigned char)p->f[fi];
	if (isspacech(c)) {
		for (j = fi; j < p->nf && isspacech((unsigned char)p->f[j]); j++)
			;
		for (m = si; m < p->ns && isspacech((unsigned char)p->s[m]); m++)
			;
		for (k = m; k > si; k--)
			if (spmatch(p, j, k, end))
				return 1;
		return 0;
	}
	if (c != '%' || p->f[fi + 1] == '%') {
		if (c == '%')
			fi++;
		if (si < p->ns && (p->s[si] == p->f[fi] || (((p->s[si] | 32) >= 'a' &&
		    (p->s[si] | 32) <= 'z') && (p->s[si] | 32) == (p->f[fi] | 32))))
			return spmatch(p, fi + 1, si + 1, end);
		return 0;
	}
	c = p->f[fi + 1];
	n = alts(c, p->s + si, p->ns - si, len);
	save = p->val[c];
	for (k = 0; k < (size_t)n; k++) {
		int x;
		digits(p->s + si + (p->s[si] == ' '), len[k] - (p->s[si] == ' '), &x);
		if (c == 'f')
			for (j = len[k]; j < 6; j++)
				x *= 10;
		p->val[c] = x;
		if (spmatch(p, fi + 2, si + len[k], end))
			return 1;
	}
	p->val[c] = save;
	return 0;
}

static struct dv *
strptimedv(struct jev *v, struct jv *s, struct jv *f)
{
	struct sp p;
	struct dv *r;
	size_t i, end;
	int seen[128] = {0};

	if (s->type != JSTR || f->type != JSTR)
		jfail(v, "strptime() argument 1 must be str, not %s",
		    jvtypename(s->type != JSTR ? s : f));
	for (i = 0; i < s->u.str.n; i++)
		if ((unsigned char)s->u.str.s[i] >= 0x80 || !s->u.str.s[i])
			jfail(v, "unsupported: strptime of a string with non-ASCII characters");
	for (i = 0; i < f->u.str.n; i++) {
		unsigned char c = (unsigned char)f->u.str.s[i];
		if (c >= 0x80 || !c)
			jfail(v, "unsupported: strptime format with non-ASCII characters");
		if (c != '%')
			continue;
		if (++i == f->u.str.n)
			jfail(v, "stray %% in format '%.*s'", (int)f->u.str.n, f->u.str.s);
		c = (unsigned char)f->u.str.s[i];
		if (c == '%')
			continue;
		if (!strchr("YmdHMSfy", c))
			jfail(v, "unsupported: strptime directive %%%c", c);
		if (seen[c]++ || (c == 'y' && seen['Y']) || (c == 'Y' && seen['y']))
			jfail(v, "unsupported: strptime format repeating a directive (%%%c)", c);
	}
	memset(&p, 0, sizeof p);
	p.s = s->u.str.s;
	p.ns = s->u.str.n;
	p.f = f->u.str.s;
	p.nf = f->u.str.n;
	for (i = 0; i < 128; i++)
		p.val[i] = -1;
	if (!spmatch(&p, 0, 0, &end))
		jfail(v, "time data '%.*s' does not match format '%.*s'", (int)p.ns, p.s,
		    (int)p.nf, p.f);
	if (end != p.ns)
		jfail(v, "unconverted data remains: %.*s", (int)(p.ns - end), p.s + end);
	r = dvnew(jevarena(v), K_DT);
	r->y = p.val['Y'] >= 0 ? p.val['Y'] : p.val['y'] >= 0 ?
	    p.val['y'] + (p.val['y'] <= 68 ? 2000 : 1900) : 1900;
	r->mo = p.val['m'] >= 0 ? p.val['m'] : 1;
	r->d = p.val['d'] >= 0 ? p.val['d'] : 1;
	r->h = p.val['H'] >= 0 ? p.val['H'] : 0;
	r->mi = p.val['M'] >= 0 ? p.val['M'] : 0;
	r->s = p.val['S'] >= 0 ? p.val['S'] : 0;
	r->us = p.val['f'] >= 0 ? p.val['f'] : 0;
	checkdate(v, r->y, r->mo, r->d);
	checktime(v, r->h, r->mi, r->s, r->us, 0);
	return r;
}

/* fromisoformat of the forms jdatetime.h names. */
static struct dv *
isodv(struct jev *v, int k, struct jv *sv)
{
	const char *s;
	size_t n, i = 0;
	struct dv *r;
	int a, b, c, neg;

	if (sv->type != JSTR)
		jfail(v, "fromisoformat: argument must be str");
	s = sv->u.str.s;
	n = sv->u.str.n;
	r = dvnew(jevarena(v), k);
	if (k != K_TIME) {
		if (n < 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &r->y) < 0 ||
		    digits(s + 5, 2, &r->mo) < 0 || digits(s + 8, 2, &r->d) < 0)
			goto refuse;
		checkdate(v, r->y, r->mo, r->d);
		i = 10;
		if (k == K_DATE || i == n)
			return i == n ? r : NULL;
		if (s[i] != 'T' && s[i] != ' ')
			goto refuse;
		i++;
	}
	if (n - i < 5 || s[i + 2] != ':' || digits(s + i, 2, &r->h) < 0 ||
	    digits(s + i + 3, 2, &r->mi) < 0)
		goto refuse;
	i += 5;
	if (i < n && s[i] == ':') {
		if (n - i < 3 || digits(s + i + 1, 2, &r->s) < 0)
			goto refuse;
		i += 3;
		if (i < n && s[i] == '.') {
			if (n - i >= 7 && digits(s + i + 1, 6, &r->us) == 0)
				i += 7;
			else if (n - i >= 4 && digits(s + i + 1, 3, &r->us) == 0 &&
			    (n - i == 4 || s[i + 4] < '0' || s[i + 4] > '9')) {
				r->us *= 1000;
				i += 4;
			} else
				goto refuse;
		}
	}
	checktime(v, r->h, r->mi, r->s, r->us, 0);
	if (i == n)
		return r;
	if (s[i] == 'Z' && i + 1 == n) {
		r->tz = dvval(jevarena(v), &utczone);
		return r;
	}
	if (s[i] != '+' && s[i] != '-')
		goto refuse;
	neg = s[i] == '-';
	i++;
	c = 0;
	if (n - i < 5 || s[i + 2] != ':' || digits(s + i, 2, &a) < 0 ||
	    digits(s + i + 3, 2, &b) < 0)
		goto refuse;
	i += 5;
	if (i < n) {
		if (n - i != 3 || s[i] != ':' || digits(s + i + 1, 2, &c) < 0)
			goto refuse;
		i += 3;
	}
	if (a > 23 || b > 59 || c > 59)
		goto refuse;
	{
		int64_t off = ((int64_t)a * 3600 + b * 60 + c) * 1000000 * (neg ? -1 : 1);
		struct dv *z;
		if (!off)
			r->tz = dvval(jevarena(v), &utczone);
		else {
			z = dvnew(jevarena(v), K_TZ);
			z->off = off;
			r->tz = dvval(jevarena(v), z);
		}
	}
	return r;
refuse:
	jfail(v, "unsupported: %s.fromisoformat('%.*s') (only YYYY-MM-DD[THH:MM[:SS[.fff[fff]]]]"
	    "[Z|+HH:MM[:SS]])", tyname[k], (int)n, s);
	return NULL;
}

/* ---- the clock ---- */

static struct dv *
clockdv(struct jev *v, const struct jdtclock *clk, int k, const char *what, int utc,
    const struct dv *tz)
{
	struct timespec ts;
	struct tm tm;
	struct dv *r;
	time_t t;

	if (!clk)
		jfail(v, "unsupported: %s reads the clock", what);
	clk->now(v, clk->data, what, &ts);
	t = ts.tv_sec;
	if (tz && !tz->off)
		utc = 1;
	if (tz && tz->off) {
		int64_t sh = tz->off / 1000000;
		if (tz->off % 1000000)
			jfail(v, "unsupported: %s in a zone of fractional seconds", what);
		t += (time_t)sh;
		utc = 1;
	}
	if (utc ? !gmtime_r(&t, &tm) : !localtime_r(&t, &tm))
		jfail(v, "%s: the time is out of range", what);
	r = dvnew(jevarena(v), k);
	r->y = tm.tm_year + 1900;
	r->mo = tm.tm_mon + 1;
	r->d = tm.tm_mday;
	if (k == K_DT) {
		r->h = tm.tm_hour;
		r->mi = tm.tm_min;
		r->s = tm.tm_sec > 59 ? 59 : tm.tm_sec;
		r->us = (int)(ts.tv_nsec / 1000);
	}
	return r;
}

/* ---- methods ---- */

static struct jv *dtmethod(struct jev *, void *, struct jcall *);

struct meth {
	struct jv *self;
	const char *name;
};

static void
noargs(struct jev *v, const char *fn, struct jcall *c)
{
	if (c->npos || c->nkw)
		jfail(v, "%s() takes no arguments", fn);
}

static struct jv *
replace(struct jev *v, struct dv *x, struct jcall *c)
{
	static const char *const dn[] = {"year", "month", "day", "hour", "minute", "second",
	    "microsecond", "tzinfo", "fold"};
	static const char *const tn[] = {"hour", "minute", "second", "microsecond", "tzinfo",
	    "fold"};
	const char *const *names = x->k == K_TIME ? tn : dn;
	size_t n = x->k == K_DATE ? 3 : x->k == K_TIME ? 6 : 9, o = x->k == K_TIME ? 3 : 0;
	struct jv *a[9] = {NULL};
	struct dv *r = dvnew(jevarena(v), x->k);

	bind(v, "replace", c, names, n, a + o);
	*r = *x;
	r->y = (int)intarg(v, "replace", a[0], x->y);
	r->mo = (int)intarg(v, "replace", a[1], x->mo);
	r->d = (int)intarg(v, "replace", a[2], x->d);
	if (x->k != K_DATE) {
		int64_t h = intarg(v, "replace", a[3], x->h), mi = intarg(v, "replace", a[4], x->mi);
		int64_t s = intarg(v, "replace", a[5], x->s), us = intarg(v, "replace", a[6], x->us);
		int64_t fold = intarg(v, "replace", a[8], x->fold);
		checktime(v, h, mi, s, us, fold);
		r->h = (int)h;
		r->mi = (int)mi;
		r->s = (int)s;
		r->us = (int)us;
		r->fold = (int)fold;
		if (a[7])
			r->tz = tzarg(v, "replace", a[7]) ? a[7] : NULL;
	}
	if (x->k != K_TIME)
		checkdate(v, intarg(v, "replace", a[0], x->y), intarg(v, "replace", a[1], x->mo),
		    intarg(v, "replace", a[2], x->d));
	return dvval(jevarena(v), r);
}

static struct jv *
str1(struct jev *v, struct buf *b)
{
	struct jv *r = jvstr(jevarena(v), b->s ? b->s : "", b->len);
	buffree(b);
	return r;
}

static struct jv *
dtmethod(struct jev *v, void *data, struct jcall *c)
{
	struct meth *m = data;
	struct dv *x = dvof(m->self), *r = NULL;
	const char *n = m->name;
	struct buf b = {0};
	struct arena *a = jevarena(v);

	if (!strcmp(n, "total_seconds")) {
		int64_t t = 0;
		noargs(v, n, c);
		if (total(x, &t) < 0 || t > (1LL << 53) || t < -(1LL << 53))
			jfail(v, "unsupported: total_seconds() beyond 2**53 microseconds");
		return jvfloat(a, (double)t / 1e6);
	}
	if (!strcmp(n, "isoformat")) {
		static const char *const dn[] = {"sep", "timespec"};
		struct jv *arg[2];
		const char *sep = "T", *spec = "auto";
		size_t nsep = 1;
		if (x->k == K_DATE)
			noargs(v, n, c);
		bind(v, n, c, x->k == K_TIME ? dn + 1 : dn, x->k == K_TIME ? 1 : 2,
		    x->k == K_TIME ? arg + 1 : arg);
		if (x->k == K_TIME)
			arg[0] = NULL;
		if (arg[0]) {
			if (arg[0]->type != JSTR || jvutf8len(arg[0]->u.str.s, arg[0]->u.str.n) != 1)
				jfail(v, "isoformat() argument 1 must be a unicode character");
			sep = arg[0]->u.str.s;
			nsep = arg[0]->u.str.n;
		}
		if (arg[1]) {
			static const char *const specs[] = {"auto", "hours", "minutes", "seconds",
			    "milliseconds", "microseconds", NULL};
			size_t i;
			if (arg[1]->type != JSTR)
				jfail(v, "isoformat() argument 2 must be str");
			for (i = 0; specs[i] && strcmp(specs[i], arg[1]->u.str.s); i++)
				;
			if (!specs[i] || strlen(arg[1]->u.str.s) != arg[1]->u.str.n)
				jfail(v, "Unknown timespec value");
			spec = specs[i];
		}
		isoto(&b, x, sep, nsep, spec);
		return str1(v, &b);
	}
	if (!strcmp(n, "strftime")) {
		struct jv *f = c->npos == 1 && !c->nkw ? c->pos[0] : NULL;
		if (!f || f->type != JSTR)
			jfail(v, "strftime() takes one str argument (format)");
		strftimeto(v, &b, x, f->u.str.s, f->u.str.n);
		return str1(v, &b);
	}
	if (!strcmp(n, "replace"))
		return replace(v, x, c);
	if (!strcmp(n, "weekday") || !strcmp(n, "isoweekday")) {
		noargs(v, n, c);
		return jvint(a, weekday(x) + (n[0] == 'i'));
	}
	if (!strcmp(n, "toordinal")) {
		noargs(v, n, c);
		return jvint(a, toord(x->y, x->mo, x->d));
	}
	if (!strcmp(n, "date")) {
		noargs(v, n, c);
		r = dvnew(a, K_DATE);
		r->y = x->y, r->mo = x->mo, r->d = x->d;
		return dvval(a, r);
	}
	if (!strcmp(n, "time") || !strcmp(n, "timetz")) {
		noargs(v, n, c);
		r = dvnew(a, K_TIME);
		*r = *x;
		r->k = K_TIME;
		r->y = r->mo = r->d = 0;
		if (n[4] != 't')
			r->tz = NULL;
		return dvval(a, r);
	}
	if (!strcmp(n, "utcoffset") || !strcmp(n, "tzname") || !strcmp(n, "dst")) {
		struct dv *z = x->k == K_TZ ? x : x->tz ? dvof(x->tz) : NULL;
		const char *err = NULL;
		if (x->k == K_TZ) {
			if (c->npos != 1 || c->nkw)
				jfail(v, "%s() takes exactly one argument", n);
			if (c->pos[0]->type != JNONE && (!(r = dvof(c->pos[0])) || r->k != K_DT))
				jfail(v, "%s(dt) argument must be a datetime instance or None", n);
		} else
			noargs(v, n, c);
		if (!z)
			return &jvnone;
		if (n[0] == 't') {
			tznameto(&b, z);
			return str1(v, &b);
		}
		if (n[0] == 'd' && !z->pytz)
			return &jvnone;
		r = deltaus(a, n[0] == 'd' ? 0 : z->off, &err);
		return dvval(a, r);
	}
	if (!strcmp(n, "timestamp")) {
		int64_t t = 0;
		noargs(v, n, c);
		if (!x->tz)
			jfail(v, "unsupported: timestamp() of a naive datetime (it reads the local time zone)");
		t = instant(x) - (toord(1970, 1, 1) - 1) * DAYUS;
		if (t > (1LL << 53) || t < -(1LL << 53))
			jfail(v, "unsupported: timestamp() beyond 2**53 microseconds");
		return jvfloat(a, (double)t / 1e6);
	}
	if (!strcmp(n, "astimezone")) {
		struct jv *t = c->npos == 1 && !c->nkw ? c->pos[0] : NULL;
		struct dv *z;
		int64_t u;
		if (!t || t->type == JNONE || !x->tz)
			jfail(v, "unsupported: astimezone() to or from the local time zone");
		z = tzarg(v, n, t);
		u = instant(x) + z->off;
		r = dvnew(a, K_DT);
		r->y = 1, r->mo = 1, r->d = 1;
		if (!(r = shift(a, r, 0, u)))
			jfail(v, "date value out of range");
		r->tz = t;
		return dvval(a, r);
	}
	if (!strcmp(n, "localize")) {
		static const char *const ln[] = {"dt", "is_dst"};
		struct jv *arg[2];
		bind(v, n, c, ln, 2, arg);
		if (!arg[0] || !(r = dvof(arg[0])) || r->k != K_DT)
			jfail(v, "unsupported: localize() of a %s", arg[0] ? jvtypename(arg[0]) : "nothing");
		if (r->tz)
			jfail(v, "Not naive datetime (tzinfo is already set)");
		x = dvnew(a, K_DT);
		*x = *r;
		x->tz = m->self;
		return dvval(a, x);
	}
	jfail(v, "unsupported: %s()", n);
	return NULL;
}

static struct jv *
method(struct jev *v, struct jv *self, const char *name)
{
	struct meth *m = arenaalloc(jevarena(v), sizeof *m);

	m->self = self;
	m->name = name;
	return jvfunc(jevarena(v), name, dtmethod, m);
}

/* What Python has that is refused, by kind. */
static const char *const others[] = {
	/* timedelta */ " max min resolution ",
	/* date */ " ctime fromisocalendar fromisoformat fromordinal fromtimestamp isocalendar "
	    "max min resolution timetuple today ",
	/* datetime */ " ctime fromisocalendar fromisoformat fromordinal fromtimestamp "
	    "isocalendar max min resolution timetuple today combine now strptime "
	    "utcfromtimestamp utcnow utctimetuple ",
	/* time */ " fromisoformat max min resolution ",
	/* timezone */ " fromutc max min utc ",
};

static struct jv *
dvattr(struct jev *v, struct jv *self, const char *name)
{
	static const char *const meths[] = {
	    " total_seconds ",
	    " isoformat strftime replace weekday isoweekday toordinal ",
	    " isoformat strftime replace weekday isoweekday toordinal date time timetz "
	    "utcoffset tzname dst timestamp astimezone ",
	    " isoformat strftime replace utcoffset tzname dst ",
	    " utcoffset tzname dst ",
	};
	struct dv *x = self->u.obj.data;
	struct arena *a = jevarena(v);
	char key[64];

	if (strlen(name) > 60)
		return NULL;
	snprintf(key, sizeof key, " %s ", name);
	if (x->pytz && (!strcmp(name, "localize") || !strcmp(name, "zone")))
		return !strcmp(name, "zone") ? jvstr(a, "UTC", 3) : method(v, self, name);
	if (x->pytz && strstr(" normalize fromutc ", key))
		jfail(v, "unsupported: pytz.utc.%s", name);
	if (strstr(meths[x->k], key))
		return method(v, self, name);
	switch (x->k) {
	case K_DELTA:
		if (!strcmp(name, "days")) return jvint(a, x->days);
		if (!strcmp(name, "seconds")) return jvint(a, x->secs);
		if (!strcmp(name, "microseconds")) return jvint(a, x->usec);
		break;
	case K_DATE: case K_DT: case K_TIME:
		if (x->k != K_TIME) {
			if (!strcmp(name, "year")) return jvint(a, x->y);
			if (!strcmp(name, "month")) return jvint(a, x->mo);
			if (!strcmp(name, "day")) return jvint(a, x->d);
		}
		if (x->k != K_DATE) {
			if (!strcmp(name, "hour")) return jvint(a, x->h);
			if (!strcmp(name, "minute")) return jvint(a, x->mi);
			if (!strcmp(name, "second")) return jvint(a, x->s);
			if (!strcmp(name, "microsecond")) return jvint(a, x->us);
			if (!strcmp(name, "fold")) return jvint(a, x->fold);
			if (!strcmp(name, "tzinfo")) return x->tz ? x->tz : &jvnone;
		}
		break;
	}
	if (strstr(others[x->k], key))
		jfail(v, "unsupported: datetime.%s.%s of an instance", tyname[x->k], name);
	return NULL;
}

static const struct jclass deltaclass = {"datetime.timedelta", dvattr, dvstr, NULL, NULL,
    NULL, 0, dvtruth};
static const struct jclass dateclass = {"datetime.date", dvattr, dvstr, NULL, NULL, NULL, 0,
    NULL};
static const struct jclass dtclass = {"datetime.datetime", dvattr, dvstr, NULL, NULL, NULL,
    0, NULL};
static const struct jclass timeclass = {"datetime.time", dvattr, dvstr, NULL, NULL, NULL, 0,
    NULL};
static const struct jclass tzclass = {"datetime.timezone", dvattr, dvstr, NULL, NULL, NULL,
    0, NULL};
static const struct jclass pytzutcclass = {"UTC", dvattr, dvstr, NULL, NULL, NULL, 0, NULL};

/* ---- the classes ---- */

static struct jv *
dtnew(struct jev *v, int k, struct jcall *c)
{
	static const char *const dn[] = {"year", "month", "day", "hour", "minute", "second",
	    "microsecond", "tzinfo", "fold"};
	const char *fn = tyname[k];
	size_t n = k == K_DATE ? 3 : k == K_TIME ? 6 : 9, o = k == K_TIME ? 3 : 0;
	struct jv *a[9] = {NULL};
	struct dv *r = dvnew(jevarena(v), k);
	int64_t y, mo, d, h, mi, s, us, fold;
	size_t i;

	if (k == K_TIME) {
		/* time(hour, minute, second, microsecond, tzinfo, *, fold) */
		bind(v, fn, c, dn + 3, 6, a + 3);
	} else
		bind(v, fn, c, dn, n, a);
	for (i = 0; i < c->npos; i++)
		if (i + o == 8)
			jfail(v, "%s() takes at most 8 positional arguments", fn);
	if (k != K_TIME) {
		for (i = 0; i < 3; i++)
			if (!a[i])
				jfail(v, "function missing required argument '%s' (pos %zu)", dn[i], i + 1);
		y = intarg(v, fn, a[0], 1);
		mo = intarg(v, fn, a[1], 1);
		d = intarg(v, fn, a[2], 1);
		checkdate(v, y, mo, d);
		r->y = (int)y, r->mo = (int)mo, r->d = (int)d;
	}
	if (k != K_DATE) {
		h = intarg(v, fn, a[3], 0);
		mi = intarg(v, fn, a[4], 0);
		s = intarg(v, fn, a[5], 0);
		us = intarg(v, fn, a[6], 0);
		fold = intarg(v, fn, a[8], 0);
		checktime(v, h, mi, s, us, fold);
		r->h = (int)h, r->mi = (int)mi, r->s = (int)s, r->us = (int)us, r->fold = (int)fold;
		r->tz = tzarg(v, fn, a[7]) ? a[7] : NULL;
	}
	return dvval(jevarena(v), r);
}

static struct jv *
tycall(struct jev *v, struct jv *self, struct jcall *c)
{
	struct ty *t = self->u.obj.data;

	switch (t->k) {
	case K_DELTA: return deltanew(v, c);
	case K_TZ: return tznew(v, c);
	default: return dtnew(v, t->k, c);
	}
}

struct tymeth {
	const struct ty *t;
	const char *name;
};

static struct jv *
tymethod(struct jev *v, void *data, struct jcall *c)
{
	struct tymeth *m = data;
	int k = m->t->k;
	const char *n = m->name;
	char what[64];
	struct dv *r, *x = NULL, *y = NULL;

	snprintf(what, sizeof what, "modules.datetime.%s.%s()", tyname[k], n);
	if (!strcmp(n, "now") || !strcmp(n, "utcnow") || !strcmp(n, "today")) {
		struct dv *tz = NULL;
		if (!strcmp(n, "now")) {
			static const char *const nn[] = {"tz"};
			struct jv *a[1];
			bind(v, n, c, nn, 1, a);
			tz = tzarg(v, n, a[0]);
			r = clockdv(v, m->t->clk, k, what, 0, tz);
			r->tz = tz ? a[0] : NULL;
			return dvval(jevarena(v), r);
		}
		noargs(v, n, c);
		return dvval(jevarena(v), clockdv(v, m->t->clk, k, what, n[0] == 'u', NULL));
	}
	if (!strcmp(n, "strptime")) {
		if (c->npos != 2 || c->nkw)
			jfail(v, "strptime() takes exactly 2 arguments");
		return dvval(jevarena(v), strptimedv(v, c->pos[0], c->pos[1]));
	}
	if (!strcmp(n, "fromisoformat")) {
		if (c->npos != 1 || c->nkw)
			jfail(v, "fromisoformat() takes exactly one argument");
		return dvval(jevarena(v), isodv(v, k, c->pos[0]));
	}
	if (!strcmp(n, "fromordinal")) {
		int64_t o;
		if (c->npos != 1 || c->nkw)
			jfail(v, "fromordinal() takes exactly one argument");
		o = intarg(v, n, c->pos[0], 0);
		if (o < 1)
			jfail(v, "ordinal must be >= 1");
		if (o > MAXORD)
			jfail(v, "year 10000 is out of range");
		r = dvnew(jevarena(v), k);
		fromord(o, &r->y, &r->mo, &r->d);
		return dvval(jevarena(v), r);
	}
	if (!strcmp(n, "combine")) {
		static const char *const cn[] = {"date", "time", "tzinfo"};
		struct jv *a[3];
		bind(v, n, c, cn, 3, a);
		if (!a[0] || !(x = dvof(a[0])) || (x->k != K_DATE && x->k != K_DT))
			jfail(v, "combine() argument 1 must be datetime.date");
		if (!a[1] || !(y = dvof(a[1])) || y->k != K_TIME)
			jfail(v, "combine() argument 2 must be datetime.time");
		r = dvnew(jevarena(v), K_DT);
		*r = *y;
		r->k = K_DT;
		r->y = x->y, r->mo = x->mo, r->d = x->d;
		if (a[2])
			r->tz = tzarg(v, n, a[2]) ? a[2] : NULL;
		return dvval(jevarena(v), r);
	}
	jfail(v, "unsupported: modules.datetime.%s.%s", tyname[k], n);
	return NULL;
}

static struct jv *
tyattr(struct jev *v, struct jv *self, const char *name)
{
	static const char *const meths[] = {
	    "", " today fromisoformat fromordinal ",
	    " now utcnow today strptime fromisoformat fromordinal combine ",
	    " fromisoformat ", "",
	};
	static const char *const more[] = {
	    " max min resolution ", " fromisocalendar fromtimestamp max min resolution ",
	    " fromisocalendar fromtimestamp utcfromtimestamp max min resolution ",
	    " max min resolution ", " max min ",
	};
	struct ty *t = self->u.obj.data;
	char key[64];

	if (strlen(name) > 60)
		return NULL;
	snprintf(key, sizeof key, " %s ", name);
	if (t->k == K_TZ && !strcmp(name, "utc"))
		return dvval(jevarena(v), &utczone);
	if (strstr(meths[t->k], key)) {
		struct tymeth *m = arenaalloc(jevarena(v), sizeof *m);
		m->t = t;
		m->name = name;
		return jvfunc(jevarena(v), name, tymethod, m);
	}
	if (strstr(more[t->k], key) || strstr(others[t->k], key))
		jfail(v, "unsupported: modules.datetime.%s.%s", tyname[t->k], name);
	return NULL;
}

static const char *
tystr(const struct jv *self, struct buf *b)
{
	const struct ty *t = self->u.obj.data;

	bufprintf(b, "<class 'datetime.%s'>", tyname[t->k]);
	return NULL;
}

static const struct jclass tyclass = {"type", tyattr, tystr, tycall, NULL, NULL, 0, NULL};

static struct jv *
modattr(struct jev *v, struct jv *self, const char *name)
{
	const struct jdtclock *clk = self->u.obj.data;
	struct ty *t;
	int k;

	for (k = 0; k <= K_TZ; k++)
		if (!strcmp(name, tyname[k])) {
			t = arenaalloc(jevarena(v), sizeof *t);
			t->k = k;
			t->clk = clk;
			return jvobj(jevarena(v), &tyclass, t);
		}
	if (!strcmp(name, "MINYEAR"))
		return jvint(jevarena(v), 1);
	if (!strcmp(name, "MAXYEAR"))
		return jvint(jevarena(v), 9999);
	jfail(v, "unsupported: modules.datetime.%s", name);
	return NULL;
}

static const struct jclass modclass = {"module", modattr, NULL, NULL, NULL, NULL, 0, NULL};

struct jv *
jdtmodule(struct arena *a, const struct jdtclock *c)
{
	struct jdtclock *k = NULL;

	if (c) {
		k = arenaalloc(a, sizeof *k);
		*k = *c;
	}
	return jvobj(a, &modclass, k);
}

/* ---- pytz ---- */

static struct jv *
fnpytzzone(struct jev *v, void *data, struct jcall *c)
{
	struct jv *z = c->npos == 1 && !c->nkw ? c->pos[0] : NULL;

	(void)data;
	if (!z || z->type != JSTR)
		jfail(v, "unsupported: modules.pytz.timezone() of anything but a zone's name");
	if (z->u.str.n == 3 && (!strncmp(z->u.str.s, "UTC", 3) || !strncmp(z->u.str.s, "utc", 3)))
		return dvval(jevarena(v), &pytzutc);
	jfail(v, "unsupported: modules.pytz.timezone('%.*s') (only UTC)", (int)z->u.str.n,
	    z->u.str.s);
	return NULL;
}

static struct jv *
pytzattr(struct jev *v, struct jv *self, const char *name)
{
	(void)self;
	if (!strcmp(name, "utc") || !strcmp(name, "UTC"))
		return dvval(jevarena(v), &pytzutc);
	if (!strcmp(name, "timezone"))
		return jvfunc(jevarena(v), "timezone", fnpytzzone, NULL);
	jfail(v, "unsupported: modules.pytz.%s", name);
	return NULL;
}

static const struct jclass pytzclass = {"module", pytzattr, NULL, NULL, NULL, NULL, 0, NULL};

struct jv *
jdtpytz(struct arena *a)
{
	return jvobj(a, &pytzclass, NULL);
}
