/* jdatetime.c: modules.datetime and modules.pytz (see jdatetime.h).
 *
 * Every value is one struct dv: a timedelta normalized as Python's
 * (days, 0 <= seconds < 86400, 0 <= microseconds < 10**6), a date, a
 * datetime or a time by its fields, a time zone by its fixed offset in
 * microseconds. Dates are reckoned in Python's ordinals (0001-01-01 is
 * 1), times of day in microseconds.
 *
 * A zone of pytz by name is one struct zone, and each of its states
 * (pytz's tzinfo instances, one per utcoffset, dst and tzname) a K_TZ
 * value pointing at it. Its states are the C library's (localtime_r with
 * TZ set to the zone's file, put back after), read as pytz reads its
 * table (see "pytz's zones" below). */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE		/* glibc's tm_gmtoff and tm_zone */
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	struct zone *zone;	/* a zone of pytz by name, or NULL */
	int64_t dst;		/* its dst() (microseconds) */
};

/* What walks through a zone's states found (see tinf), kept with it for
 * the next: over the span from lo to hi, val (for key). */
struct span {
	int64_t lo, hi, key, val;
};

#define NSPAN 8

/* A zone of pytz by name: its name in the tz database, and whether
 * pytz makes it a StaticTzInfo (one offset, never rounded) rather than
 * a DstTzInfo. Its class is named as pytz names the zone's class. */
struct zone {
	struct jclass cls;
	const char *name;
	int stat;
	struct span back[NSPAN], fwd[NSPAN];
	unsigned nback, nfwd;
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

static struct jv *dvattr(struct jev *, struct jv *, const char *);

/* Every class of these has dvattr (a zone's is made with it). */
static struct dv *
dvof(const struct jv *x)
{
	if (!x || x->type != JOBJ || x->u.obj.cls->getattr != dvattr)
		return NULL;
	return x->u.obj.data;
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
	if (d->zone)
		return jvobj(a, &d->zone->cls, d);
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

static struct dv utczone = {K_TZ, 0, 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0, 0, NULL, 1, 0, NULL, 0};
static struct dv pytzutc = {K_TZ, 0, 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0, 0, NULL, 0, 1, NULL, 0};

/* Whether zones x and y are one tzinfo object in Python: pytz.utc is
 * one, a zone of pytz has one for each of its states (pytz's _tzinfos),
 * and any other is only itself. */
static int
sametz(const struct dv *x, const struct dv *y)
{
	if (x == y || (x->pytz && y->pytz))
		return 1;
	return x->zone && y->zone && !strcmp(x->zone->name, y->zone->name) &&
	    x->off == y->off && x->dst == y->dst && x->name->u.str.n == y->name->u.str.n &&
	    !memcmp(x->name->u.str.s, y->name->u.str.s, x->name->u.str.n);
}

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

/* The offset x (a datetime or time) has, if any: a time in a DstTzInfo
 * has none (pytz's utcoffset(None) is None). */
static int
hasoff(const struct dv *x, int64_t *off)
{
	const struct dv *z = x->tz ? dvof(x->tz) : NULL;

	if (!z || (x->k == K_TIME && z->zone && !z->zone->stat))
		return 0;
	*off = z->off;
	return 1;
}

/* tzname() of x (a datetime or time with a zone): a time's in a
 * DstTzInfo is tzname(None), the zone's name. */
static void
dvtzname(struct buf *b, const struct dv *x)
{
	const struct dv *z = dvof(x->tz);

	if (x->k == K_TIME && z->zone && !z->zone->stat)
		bufputs(b, z->zone->name);
	else
		tznameto(b, z);
}

static void
tzrepr(struct buf *b, const struct dv *z)
{
	struct dv d;
	const char *err = NULL;

	if (z->zone) {
		/* pytz's: <DstTzInfo 'Europe/Amsterdam' CET+1:00:00 STD> */
		bufputs(b, z->zone->stat ? "<StaticTzInfo '" : "<DstTzInfo '");
		bufputs(b, z->zone->name);
		bufputc(b, '\'');
		if (!z->zone->stat) {
			memset(&d, 0, sizeof d);
			d.days = floordiv(z->off, DAYUS);
			d.secs = (z->off - d.days * DAYUS) / 1000000;
			d.usec = (z->off - d.days * DAYUS) % 1000000;
			bufputc(b, ' ');
			bufadd(b, z->name->u.str.s, z->name->u.str.n);
			if (z->off > 0)
				bufputc(b, '+');
			deltastrto(b, &d);
			bufputs(b, z->dst ? " DST" : " STD");
		}
		bufputc(b, '>');
		return;
	}
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
	int64_t off;

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
	if (hasoff(x, &off))
		offto(b, off, 1);
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
	case K_TZ:
		/* pytz's str() of a zone is its name */
		if (x->zone)
			bufputs(b, x->zone->name);
		else
			tznameto(b, x);
		break;
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
	int64_t off;
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
			if (hasoff(x, &off))
				offto(b, off, 0);
			break;
		case 'Z':
			if (x->tz)
				dvtzname(b, x);
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
		if (x->pytz || y->pytz || x->zone || y->zone) {
			*c = sametz(x, y) ? 0 : 2;
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

/* ---- pytz's zones ----
 *
 * pytz (Debian's, reading the system's tz database) builds a zone from
 * its file's 32-bit data: a table of the UTC transitions from -2**31 to
 * 2**31-1, each to a state (utcoffset, dst, tzname) with its offsets
 * rounded to the minute, and before them the zone's earliest standard
 * state (its local mean time). A state at an instant is read here from
 * the C library, which has the same transitions in that range: before
 * it the earliest state (read far in the past), after it the one at
 * 2**31-1, as pytz's table ends with it. dst is not the C library's:
 * pytz makes it the offset less that of the standard state before, and
 * that is found by walking back a day at a time (the tz database's
 * transitions are days apart: the closest, Africa/Freetown's of 1939,
 * four days; tests/pytz.t checks the system's). */
#define ZONEINFO "/usr/share/zoneinfo"	/* where Debian's pytz reads them */
#define T32MIN (-2147483647LL - 1)
#define T32MAX 2147483647LL
#define TEARLY (-(1LL << 40))		/* before any zone's first transition */
#define EPOCHUS (719162LL * DAYUS)	/* 1970-01-01 as instant() counts it */
#define MAXUS (MAXORD * DAYUS)		/* past 9999-12-31 23:59:59.999999 */
#define TSTEP 86400

/* TEARLY needs a 64-bit time_t. */
typedef char timet64[sizeof(time_t) >= 8 ? 1 : -1];

enum { ZOK, ZRANGE, ZLIBC, ZNONEXIST, ZAMBIG };

/* TZ as it was, while the C library's local time is a zone's. */
struct tzsave {
	char *old;
	int had;
};

/* The C library's local time made the zone's: TZ set to its file and
 * tzset(); -1 when it cannot be. Nothing may jfail before zoneout (the
 * engine renders in one thread, so nothing else sees TZ meanwhile). */
static int
zonein(const struct zone *z, struct tzsave *t)
{
	const char *o = getenv("TZ");
	char tz[320];

	t->had = o != NULL;
	t->old = NULL;
	if (o && !(t->old = strdup(o)))
		return -1;
	snprintf(tz, sizeof tz, ":" ZONEINFO "/%s", z->name);
	if (setenv("TZ", tz, 1) < 0) {
		free(t->old);
		return -1;
	}
	tzset();
	return 0;
}

/* TZ put back as it was (or unset), and tzset(): the process's local
 * time is what it was. */
static void
zoneout(struct tzsave *t)
{
	if (t->had)
		setenv("TZ", t->old, 1);
	else
		unsetenv("TZ");
	free(t->old);
	tzset();
}

/* A state as the C library has it: its offset (seconds), whether it is
 * DST, its abbreviation. */
struct tst {
	int64_t off;
	int isdst;
	char abbr[16];
};

/* The zone's state at t (seconds since 1970) as pytz's table has it,
 * while TZ is the zone's. */
static int
tstate(int64_t t, struct tst *s)
{
	struct tm tm;
	time_t u = (time_t)(t < T32MIN ? TEARLY : t > T32MAX ? T32MAX : t);

	if (!localtime_r(&u, &tm) || !tm.tm_zone || strlen(tm.tm_zone) >= sizeof s->abbr)
		return -1;
	s->off = tm.tm_gmtoff;
	s->isdst = tm.tm_isdst > 0;
	strcpy(s->abbr, tm.tm_zone);
	return 0;
}

/* pytz's rounding of an offset to the minute: int((s + 30) // 60) * 60. */
static int64_t
round60(int64_t s)
{
	return floordiv(s + 30, 60) * 60;
}

/* A state as pytz has it: utcoffset and dst (microseconds), tzname. */
struct inf {
	int64_t off, dst;
	char abbr[16];
};

/* The span of sp[0..n) that holds p (from lo, exclusive for back,
 * to hi, exclusive for fwd) for key, or NULL. */
static const struct span *
spanat(const struct span *sp, unsigned n, int64_t p, int64_t key, int back)
{
	unsigned i;

	for (i = 0; i < n && i < NSPAN; i++)
		if (sp[i].key == key && (back ? p > sp[i].lo && p <= sp[i].hi :
		    p >= sp[i].lo && p < sp[i].hi))
			return &sp[i];
	return NULL;
}

/* The state of a DstTzInfo at t (seconds), as pytz's build_tzinfo
 * reckons it: the offset rounded; for a DST state, dst the offset less
 * that of the latest standard state before it, or where that is not in
 * (0, 3h], less that of the first standard state after it that makes
 * it positive (else of the last one), rounded too. The walks step a day
 * (no state lasts less), and what they cross is kept in z's spans: back
 * from p to a standard state at q, every state in (q, p] that is DST has
 * that one before it; on from p to q, one of offset key on [p, q) has
 * the dst found. */
static int
tinf(struct zone *z, int64_t t, struct inf *r)
{
	const struct span *sp;
	struct span *w;
	struct tst s, b;
	int64_t dst = 0, p, q;

	if (tstate(t, &s) < 0)
		return -1;
	if (s.isdst) {
		if (t < T32MIN)
			return -1;	/* no standard state first: pytz has no such zone */
		p = q = t > T32MAX ? T32MAX : t;
		if ((sp = spanat(z->back, z->nback, p, 0, 1)))
			b.off = sp->val;
		else {
			do {
				q -= TSTEP;
				if (tstate(q, &b) < 0)
					return -1;
			} while (b.isdst && q >= T32MIN);
			w = &z->back[z->nback++ % NSPAN];
			w->lo = q, w->hi = p, w->key = 0, w->val = b.off;
		}
		dst = s.off - b.off;
		if ((dst <= 0 || dst > 3 * 3600) && (sp = spanat(z->fwd, z->nfwd, p, s.off, 0)))
			dst = sp->val;
		else if (dst <= 0 || dst > 3 * 3600) {
			for (q = p; q < T32MAX; ) {
				q = q > T32MAX - TSTEP ? T32MAX : q + TSTEP;
				if (tstate(q, &b) < 0)
					return -1;
				if (!b.isdst && (dst = s.off - b.off) > 0)
					break;
			}
			w = &z->fwd[z->nfwd++ % NSPAN];
			w->lo = p, w->hi = q, w->key = s.off, w->val = dst;
		}
	}
	r->off = round60(s.off) * 1000000;
	r->dst = round60(dst) * 1000000;
	strcpy(r->abbr, s.abbr);
	return 0;
}

/* pytz's DstTzInfo.fromutc of the UTC time u (microseconds, as
 * instant()): the local time *l, in the state *f its table has at u. */
static int
zfromutc(struct zone *z, int64_t u, int64_t *l, struct inf *f)
{
	if (tinf(z, floordiv(u - EPOCHUS, 1000000), f) < 0)
		return ZLIBC;
	*l = u + f->off;
	return *l >= 0 && *l < MAXUS ? ZOK : ZRANGE;
}

/* localize()'s is_dst: None, or a bool or int (its truth, and what
 * bool(dst) == is_dst compares). */
struct isdst {
	int none, truth;
	int64_t val;
};

/* pytz's DstTzInfo.localize of the local time l (microseconds): *r and
 * its state *f. Of the states a day before and after l (l read as UTC,
 * as pytz bisects its table with it), those that give l back through
 * normalize are the candidates: one is the answer; none is a time the
 * clocks skipped (is_dst None: NonExistentTimeError; else l localized
 * six hours on for a true is_dst, back for a false one, and moved
 * back); two an ambiguous time (is_dst None: AmbiguousTimeError), the
 * one whose bool(dst) == is_dst, or of both (or neither) the earlier in
 * UTC for a true is_dst, the later for a false one. */
static int
zlocalize(struct zone *z, int64_t l, const struct isdst *d, int64_t *r, struct inf *f)
{
	static const struct isdst on = {0, 1, 1}, off = {0, 0, 0};
	struct inf cf[2], a, g;
	int64_t cl[2], ld, u, l2, sh;
	int n = 0, i, e, k = 0, pick = -1;

	for (i = -1; i <= 1; i += 2) {
		ld = l + i * DAYUS;
		if (ld < 0 || ld >= MAXUS)
			return ZRANGE;
		if (tinf(z, floordiv(ld - EPOCHUS, 1000000), &a) < 0)
			return ZLIBC;
		u = l - a.off;
		if (u < 0 || u >= MAXUS)
			return ZRANGE;
		if ((e = zfromutc(z, u, &l2, &g)) != ZOK)
			return e;
		/* a set of aware datetimes: one instant once */
		if (l2 == l && !(n == 1 && cf[0].off == g.off)) {
			cl[n] = l2;
			cf[n++] = g;
		}
	}
	if (n == 0) {
		if (d->none)
			return ZNONEXIST;
		sh = d->truth ? 6 * 3600000000LL : -6 * 3600000000LL;
		if (l + sh < 0 || l + sh >= MAXUS)
			return ZRANGE;
		if ((e = zlocalize(z, l + sh, d->truth ? &on : &off, r, f)) != ZOK)
			return e;
		*r -= sh;
		return *r >= 0 && *r < MAXUS ? ZOK : ZRANGE;
	}
	if (n == 2) {
		if (d->none)
			return ZAMBIG;
		for (i = 0; i < 2; i++)
			if ((cf[i].dst != 0) == d->val) {
				k++;
				pick = i;
			}
		if (k != 1) {
			/* the earlier in UTC (is_dst true) or the later */
			i = cl[0] - cf[0].off < cl[1] - cf[1].off ? 0 : 1;
			pick = d->truth ? i : 1 - i;
		}
	} else
		pick = 0;
	*r = cl[pick];
	*f = cf[pick];
	return ZOK;
}

/* The datetime at l (microseconds, as instant() counts a naive one),
 * with tzinfo tz (or naive for NULL). */
static struct dv *
dtat(struct arena *a, int64_t l, struct jv *tz)
{
	struct dv o, *r;

	memset(&o, 0, sizeof o);
	o.k = K_DT;
	o.y = o.mo = o.d = 1;
	r = shift(a, &o, 0, l);
	r->tz = tz;
	return r;
}

/* The zone's state f as a value. */
static struct jv *
infval(struct arena *a, struct zone *z, const struct inf *f)
{
	struct dv *d = dvnew(a, K_TZ);

	d->zone = z;
	d->off = f->off;
	d->dst = f->dst;
	d->name = jvstr(a, f->abbr, strlen(f->abbr));
	return dvval(a, d);
}

/* Fails the render for what zlocalize or zfromutc returned (not ZOK),
 * l the local time localize was given: pytz's exceptions by their names. */
static void
zfail(struct jev *v, int e, const struct zone *z, int64_t l)
{
	struct buf b = {0};
	char s[40] = "";

	if (e == ZRANGE)
		jfail(v, "date value out of range");
	if (e == ZLIBC)
		jfail(v, "unsupported: modules.pytz.timezone('%s'): a state the C library does "
		    "not give", z->name);
	isoto(&b, dtat(jevarena(v), l, NULL), " ", 1, "auto");
	snprintf(s, sizeof s, "%.*s", (int)b.len, b.s);
	buffree(&b);
	jfail(v, "%s: %s", e == ZNONEXIST ? "NonExistentTimeError" : "AmbiguousTimeError", s);
}

/* localize(dt) in z's zone (a DstTzInfo's): the datetime. */
static struct jv *
dolocalize(struct jev *v, const struct dv *z, const struct dv *dt, const struct isdst *d)
{
	struct arena *a = jevarena(v);
	struct tzsave t;
	struct inf f;
	int64_t l = instant(dt), r = 0;
	int e;

	if (zonein(z->zone, &t) < 0)
		jfail(v, "cannot set TZ for modules.pytz.timezone('%s')", z->zone->name);
	e = zlocalize(z->zone, l, d, &r, &f);
	zoneout(&t);
	if (e != ZOK)
		zfail(v, e, z->zone, l);
	return dvval(a, dtat(a, r, infval(a, z->zone, &f)));
}

/* fromutc() of the UTC time u (microseconds) in z's zone (a DstTzInfo's). */
static struct jv *
dofromutc(struct jev *v, const struct dv *z, int64_t u)
{
	struct arena *a = jevarena(v);
	struct tzsave t;
	struct inf f;
	int64_t l = 0;
	int e;

	if (u < 0 || u >= MAXUS)
		jfail(v, "date value out of range");
	if (zonein(z->zone, &t) < 0)
		jfail(v, "cannot set TZ for modules.pytz.timezone('%s')", z->zone->name);
	e = zfromutc(z->zone, u, &l, &f);
	zoneout(&t);
	if (e != ZOK)
		zfail(v, e, z->zone, 0);
	return dvval(a, dtat(a, l, infval(a, z->zone, &f)));
}

/* dt.astimezone(tz) of x, an aware datetime (self): itself when tz is
 * its own tzinfo object, else its UTC time in tz (a DstTzInfo's by its
 * fromutc). */
static struct jv *
astz(struct jev *v, struct jv *self, struct jv *tzv)
{
	struct dv *x = dvof(self), *z = dvof(tzv);
	int64_t u = instant(x);

	if (sametz(dvof(x->tz), z))
		return self;
	if (z->zone && !z->zone->stat)
		return dofromutc(v, z, u);
	if (u < 0 || u >= MAXUS || u + z->off < 0 || u + z->off >= MAXUS)
		jfail(v, "date value out of range");
	return dvval(jevarena(v), dtat(jevarena(v), u + z->off, tzv));
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

/* t / 10**6, correctly rounded as Python's true division of ints
 * (total_seconds(), timestamp()): past 2**53, |t| / 5**6 to 53 bits by
 * long division, rounded to nearest (never a tie: 5**6 is odd), then
 * times 2**-6, which is exact. */
static double
usecs(int64_t t)
{
	uint64_t a = t < 0 ? -(uint64_t)t : (uint64_t)t, q = a / 15625, r = a % 15625, m;
	int s = 0;
	double x;

	if (a < (1ULL << 53))
		return (double)t / 1e6;	/* both exact: one rounding */
	while ((q << s) < (1ULL << 52))
		s++;
	m = (q << s) + (r << s) / 15625;
	if (2 * ((r << s) % 15625) > 15625)
		m++;
	x = ldexp((double)m, -s - 6);
	return t < 0 ? -x : x;
}

static struct jv *
str1(struct jev *v, struct buf *b)
{
	struct jv *r = jvstr(jevarena(v), b->s ? b->s : "", b->len);
	buffree(b);
	return r;
}

/* localize()'s is_dst (x, or NULL for dflt). */
static struct isdst
isdstarg(struct jev *v, const char *fn, struct jv *x, int dflt)
{
	struct isdst d = {0, 0, 0};

	if (!x) {
		d.none = dflt < 0;
		d.truth = d.val = dflt > 0;
	} else if (x->type == JNONE)
		d.none = 1;
	else if (x->type == JBOOL || x->type == JINT) {
		d.val = x->type == JBOOL ? x->u.b : x->u.i;
		d.truth = d.val != 0;
	} else
		jfail(v, "unsupported: %s() with is_dst a %s", fn, jvtypename(x));
	return d;
}

/* The methods of pytz's zones (by name, and pytz.utc), as its
 * DstTzInfo, StaticTzInfo and UTC have them. */
static struct jv *
zonemethod(struct jev *v, struct meth *m, struct jcall *c)
{
	static const char *const names[] = {"dt", "is_dst"};
	struct dv *z = dvof(m->self), *x = NULL, *y;
	const char *n = m->name;
	struct arena *a = jevarena(v);
	int dstz = z->zone && !z->zone->stat;	/* a DstTzInfo */
	struct jv *arg[2];
	struct buf b = {0};
	const char *err = NULL;
	struct isdst d;

	/* DstTzInfo.normalize, fromutc, and UTC's utcoffset, dst and
	 * tzname take dt alone */
	bind(v, n, c, names, !strcmp(n, "fromutc") || (dstz && !strcmp(n, "normalize")) ||
	    (z->pytz && n[0] != 'l' && n[0] != 'n') ? 1 : 2, arg);
	if (!arg[0])
		jfail(v, "%s() missing 1 required positional argument: 'dt'", n);
	if (arg[0]->type != JNONE && (x = dvof(arg[0])) && x->k != K_DT)
		x = NULL;
	if (!strcmp(n, "utcoffset") || !strcmp(n, "dst") || !strcmp(n, "tzname")) {
		/* pytz.utc's and a StaticTzInfo's whatever dt is; a
		 * DstTzInfo's None (tzname: its name) for None, its own for
		 * a datetime in it, else dt's localized (is_dst None) */
		y = z;
		if (dstz && arg[0]->type == JNONE) {
			if (n[0] != 't')
				return &jvnone;
			return jvstr(a, z->zone->name, strlen(z->zone->name));
		}
		if (dstz && !x)
			jfail(v, "unsupported: %s() of a %s", n, jvtypename(arg[0]));
		if (dstz && !(x->tz && sametz(dvof(x->tz), z))) {
			if (x->tz)
				jfail(v, "Not naive datetime (tzinfo is already set)");
			d = isdstarg(v, n, arg[1], -1);
			y = dvof(dvof(dolocalize(v, z, x, &d))->tz);
		}
		if (n[0] == 't') {
			tznameto(&b, y);
			return str1(v, &b);
		}
		return dvval(a, deltaus(a, n[0] == 'd' ? y->dst : y->off, &err));
	}
	if (!x)
		jfail(v, "unsupported: %s() of a %s", n, jvtypename(arg[0]));
	if (!strcmp(n, "localize")) {
		if (x->tz)
			jfail(v, "Not naive datetime (tzinfo is already set)");
		if (dstz) {
			d = isdstarg(v, n, arg[1], 0);
			return dolocalize(v, z, x, &d);
		}
		y = dvnew(a, K_DT);
		*y = *x;
		y->tz = m->self;
		return dvval(a, y);
	}
	if (!strcmp(n, "normalize")) {
		if (!x->tz)
			jfail(v, "Naive time - no tzinfo set");
		if (!dstz)
			return astz(v, arg[0], m->self);
		/* the UTC time of dt by its tzinfo's _utcoffset, in the zone */
		y = dvof(x->tz);
		if (!y->zone && !y->pytz)
			jfail(v, "'datetime.timezone' object has no attribute '_utcoffset'");
		return dofromutc(v, z, instant(x));
	}
	if (!strcmp(n, "fromutc")) {
		/* dt's fields read as UTC, its tzinfo none or of this zone
		 * (pytz.utc's and a StaticTzInfo's: itself) */
		int64_t l = instant(x) + (x->tz ? dvof(x->tz)->off : 0);
		y = x->tz ? dvof(x->tz) : NULL;
		if (y && !(dstz ? y->zone && !strcmp(y->zone->name, z->zone->name) : sametz(y, z)))
			jfail(v, "fromutc: dt.tzinfo is not self");
		if (z->pytz && y)
			return arg[0];
		if (dstz)
			return dofromutc(v, z, l);
		if (l + z->off < 0 || l + z->off >= MAXUS)
			jfail(v, "date value out of range");
		return dvval(a, dtat(a, l + z->off, m->self));
	}
	jfail(v, "unsupported: %s()", n);
	return NULL;
}

static struct jv *
dtmethod(struct jev *v, void *data, struct jcall *c)
{
	struct meth *m = data;
	struct dv *x = dvof(m->self), *r = NULL;
	const char *n = m->name;
	struct buf b = {0};
	struct arena *a = jevarena(v);

	if (x->k == K_TZ && (x->zone || x->pytz))
		return zonemethod(v, m, c);
	if (!strcmp(n, "total_seconds")) {
		int64_t t = 0;
		noargs(v, n, c);
		if (total(x, &t) < 0)
			jfail(v, "unsupported: total_seconds() beyond 64 bits of microseconds");
		return jvfloat(a, usecs(t));
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
		int64_t off = 0;
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
			if (x->k == K_TZ)
				tznameto(&b, z);
			else
				dvtzname(&b, x);
			return str1(v, &b);
		}
		if (n[0] == 'u') {
			if (x->k != K_TZ && !hasoff(x, &off))
				return &jvnone;
			return dvval(a, deltaus(a, x->k == K_TZ ? z->off : off, &err));
		}
		/* dst(): pytz's zones have one (a time's in a DstTzInfo is
		 * dst(None), None); datetime.timezone's is None */
		if ((!z->pytz && !z->zone) || (x->k == K_TIME && z->zone && !z->zone->stat))
			return &jvnone;
		return dvval(a, deltaus(a, z->dst, &err));
	}
	if (!strcmp(n, "timestamp")) {
		int64_t t = 0;
		noargs(v, n, c);
		if (!x->tz)
			jfail(v, "unsupported: timestamp() of a naive datetime (it reads the local time zone)");
		t = instant(x) - EPOCHUS;
		return jvfloat(a, usecs(t));
	}
	if (!strcmp(n, "astimezone")) {
		static const char *const an[] = {"tz"};
		struct jv *t;
		bind(v, n, c, an, 1, &t);
		if (!t || t->type == JNONE || !x->tz)
			jfail(v, "unsupported: astimezone() to or from the local time zone");
		tzarg(v, n, t);
		return astz(v, m->self, t);
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
	if (x->pytz || x->zone) {
		/* pytz's: what else a zone has is private (the sandbox's undefined) */
		const char *zn = x->zone ? x->zone->name : "UTC";
		if (strstr(" localize normalize fromutc utcoffset dst tzname ", key))
			return method(v, self, name);
		return !strcmp(name, "zone") ? jvstr(a, zn, strlen(zn)) : NULL;
	}
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
			if (tz && tz->zone && !tz->zone->stat) {
				/* Python's: tz.fromutc(the UTC time) */
				r = clockdv(v, m->t->clk, k, what, 1, NULL);
				return dofromutc(v, tz, instant(r));
			}
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

static const struct jclass zoneclass = {"DstTzInfo", dvattr, dvstr, NULL, NULL, NULL, 0, NULL};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Whether name is a key of Python's zoneinfo.available_timezones() in
 * ZONEINFO, which Debian's pytz takes for all_timezones (less Factory
 * and localtime): a file, or a link to one, that begins "TZif", under
 * directories that are not links, and not right/ or posix/ (os.walk's,
 * as zoneinfo walks). *fixed: whether pytz makes it a StaticTzInfo, the
 * header of its 32-bit data counting one time type or no transition.
 * -1: not a key; -2: a key pytz cannot read. */
static int
zonekey(const char *name, int *fixed)
{
	char path[320];
	unsigned char h[44];
	const char *p, *q;
	struct stat st;
	size_t k, got = 0;
	ssize_t r = 1;
	int fd;

	if (!*name || strlen(name) > 255 || !strcmp(name, "posixrules") ||
	    !strcmp(name, "Factory") || !strcmp(name, "localtime"))
		return -1;
	for (p = name; ; p = q + 1) {
		q = strchr(p, '/');
		k = q ? (size_t)(q - p) : strlen(p);
		if (!k || (k == 1 && p[0] == '.') || (k == 2 && !strncmp(p, "..", 2)))
			return -1;
		if (p == name && q && k == 5 && (!strncmp(p, "right", 5) || !strncmp(p, "posix", 5)))
			return -1;
		if (!q)
			break;
		snprintf(path, sizeof path, ZONEINFO "/%.*s", (int)(q - name), name);
		if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			return -1;
	}
	snprintf(path, sizeof path, ZONEINFO "/%s", name);
	if (stat(path, &st) < 0 || S_ISDIR(st.st_mode) || (fd = open(path, O_RDONLY)) < 0)
		return -1;
	while (got < sizeof h && (r = read(fd, h + got, sizeof h - got)) > 0)
		got += (size_t)r;
	close(fd);
	if (got < 4 || memcmp(h, "TZif", 4))
		return -1;
	if (got < sizeof h)
		return -2;
	*fixed = be32(h + 36) == 1 || be32(h + 32) == 0;	/* typecnt, timecnt */
	return 0;
}

/* The key whose lower case is lower (of several, the last in sorted
 * order, as pytz's _case_insensitive_zone_lookup has it), into key:
 * ZONEINFO's files walked as zoneinfo walks, rel the directory's path
 * below it ("" at the top). */
static void
zonefold(const char *rel, const char *lower, char *key, size_t nkey)
{
	char dir[320], path[320], r[300];
	struct dirent *e;
	struct stat st;
	size_t i, n;
	DIR *d;
	int fixed;

	snprintf(dir, sizeof dir, ZONEINFO "%s%s", *rel ? "/" : "", rel);
	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!*rel && (!strcmp(e->d_name, "right") || !strcmp(e->d_name, "posix")))
			continue;
		n = (size_t)snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		snprintf(path, sizeof path, ZONEINFO "/%s", r);
		if (n >= sizeof r || lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			zonefold(r, lower, key, nkey);
			continue;
		}
		if (n != strlen(lower))
			continue;
		for (i = 0; i < n && (r[i] >= 'A' && r[i] <= 'Z' ? r[i] | 32 : r[i]) == lower[i]; i++)
			;
		if (i == n && zonekey(r, &fixed) != -1 && strcmp(r, key) > 0 && n < nkey)
			memcpy(key, r, n + 1);
	}
	closedir(d);
}

/* Fails the render as pytz's UnknownTimeZoneError(zone) prints: the
 * zone's repr (or, where that is refused, the zone in quotes). */
static void
unknownzone(struct jev *v, const char *s, size_t n)
{
	struct buf b = {0};
	char msg[320];

	if (jvreprto(&b, jvstr(jevarena(v), s, n)))
		snprintf(msg, sizeof msg, "'%.*s'", (int)n, s);
	else
		snprintf(msg, sizeof msg, "%.*s", (int)b.len, b.s);
	buffree(&b);
	jfail(v, "UnknownTimeZoneError: %s", msg);
}

/* src's n bytes into dst (which may be src) with each from made to;
 * the length written. */
static size_t
replaced(char *dst, const char *src, size_t n, const char *from, char to)
{
	size_t i = 0, k = 0, f = strlen(from);

	while (i < n)
		if (n - i >= f && !memcmp(src + i, from, f)) {
			dst[k++] = to;
			i += f;
		} else
			dst[k++] = src[i++];
	return k;
}

/* pytz.timezone(zone): pytz.utc for 'UTC' in any case; else the zone's
 * name, undone from pytz's old munging (_plus_, _minus_) and found in
 * any case, to the zone's first state (its earliest standard one, a
 * StaticTzInfo's only one), as pytz's table starts. */
static struct jv *
fnpytzzone(struct jev *v, void *data, struct jcall *c)
{
	struct jv *zv = c->npos == 1 && !c->nkw ? c->pos[0] : NULL;
	struct arena *a = jevarena(v);
	char *u, lower[256], key[256] = "";
	const char *s, *name;
	struct tzsave t;
	struct zone *z;
	struct inf f;
	struct tst st;
	size_t n, i, k;
	int fixed = 0, e = 0, r;

	(void)data;
	if (!zv || (zv->type != JSTR && zv->type != JNONE))
		jfail(v, "unsupported: modules.pytz.timezone() of anything but a zone's name");
	if (zv->type == JNONE)
		jfail(v, "UnknownTimeZoneError: None");
	s = zv->u.str.s;
	n = zv->u.str.n;
	if (n == 3 && (s[0] | 32) == 'u' && (s[1] | 32) == 't' && (s[2] | 32) == 'c')
		return dvval(a, &pytzutc);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			unknownzone(v, s, n);
	u = arenaalloc(a, n + 1);
	/* pytz's zone.replace('_plus_', '+').replace('_minus_', '-') */
	k = replaced(u, s, n, "_plus_", '+');
	n = replaced(u, u, k, "_minus_", '-');
	u[n] = '\0';
	name = u;
	if (memchr(u, '\0', n) || n >= sizeof lower)
		unknownzone(v, u, n);
	if ((r = zonekey(u, &fixed)) == -1) {
		for (i = 0; i <= n; i++)
			lower[i] = u[i] >= 'A' && u[i] <= 'Z' ? u[i] | 32 : u[i];
		zonefold("", lower, key, sizeof key);
		if (*key && (r = zonekey(key, &fixed)) != -1)
			name = key;
	}
	if (r == -1)
		unknownzone(v, u, n);
	if (r == -2)
		jfail(v, "unsupported: modules.pytz.timezone('%s'): its file is too short for pytz", name);
	z = arenaalloc(a, sizeof *z);
	memset(z, 0, sizeof *z);
	z->cls = zoneclass;
	z->cls.name = z->name = memcpy(arenaalloc(a, strlen(name) + 1), name, strlen(name) + 1);
	z->stat = fixed;
	if (zonein(z, &t) < 0)
		jfail(v, "cannot set TZ for modules.pytz.timezone('%s')", z->name);
	if (fixed && !(e = tstate(0, &st))) {
		/* pytz's StaticTzInfo: the offset as it is */
		f.off = st.off * 1000000;
		f.dst = 0;
		strcpy(f.abbr, st.abbr);
	} else if (!fixed)
		e = tinf(z, TEARLY, &f);
	zoneout(&t);
	if (e)
		jfail(v, "unsupported: modules.pytz.timezone('%s'): a state the C library does "
		    "not give", z->name);
	return infval(a, z, &f);
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
