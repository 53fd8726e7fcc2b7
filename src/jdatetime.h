/* jdatetime.h: dbt's modules.datetime and modules.pytz, Python's
 * datetime module (and pytz's UTC) as values of the Jinja engine.
 *
 * modules.datetime has date, datetime, time, timedelta, timezone (and
 * timezone.utc), MINYEAR and MAXYEAR. What is exact, as CPython 3.11:
 * construction (ints only, with Python's range checks and keyword
 * arguments); the attributes year, month, day, hour, minute, second,
 * microsecond, tzinfo, fold, days, seconds; str() and repr(); isoformat()
 * (sep and timespec), strftime() with %Y (years from 1000) %m %d %H %M %S
 * %f %j %a %A %b %B %y %z %Z %% (C locale's names, as dbt's Python has);
 * strptime() with %Y %m %d %H %M %S %f %y %% and literal text;
 * fromisoformat() of YYYY-MM-DD[(T| )HH:MM[:SS[.fff[fff]]]][Z|(+|-)HH:MM[:SS]];
 * replace(), date(), time(), combine(), weekday(), isoweekday(),
 * toordinal(), fromordinal(), utcoffset(), tzname(), dst(), timestamp()
 * of an aware datetime, astimezone() to a zone, total_seconds();
 * + and - (datetime or date with timedelta, datetime - datetime, date -
 * date, timedelta with timedelta), timedelta * int, // int, // and / a
 * timedelta, % a timedelta; ==, !=, <, <=, >, >= (naive against aware
 * is Python's error, == between them false); truth; a hash agreeing
 * with ==.
 *
 * modules.pytz has utc, UTC and timezone(name), as pytz 2022.7.1 of
 * Debian (python3-tz) has them: a name of the system's tz database
 * (/usr/share/zoneinfo, found in any case and undone from pytz's
 * _plus_/_minus_), or UnknownTimeZoneError; a zone's str(), repr(),
 * zone, localize() (is_dst False, True or None: NonExistentTimeError,
 * AmbiguousTimeError), normalize(), fromutc(), utcoffset(), dst() and
 * tzname(), with pytz's quirks: a datetime given the zone as its tzinfo
 * has the zone's first state (its local mean time, rounded to the
 * minute), and pytz's table (its file's 32-bit data) ends in 2037, the
 * last state lasting for ever after. The states are the C library's,
 * read with TZ set to the zone's file and put back after.
 *
 * The clock (datetime.now(), utcnow(), today(), date.today()) is read
 * through the jdtclock given to jremodules(); without one it is refused.
 * Refused by name: any other attribute Python has, float arguments,
 * other strftime and strptime directives, the local time zone, the
 * rest of pytz (all_timezones, country_timezones, FixedOffset, ...), and
 * mixing a date with a datetime in arithmetic. */
#ifndef JDATETIME_H
#define JDATETIME_H

#include <stdint.h>
#include <time.h>

#include "jvalue.h"

struct jev;

/* The clock: now() fills *ts with the time (CLOCK_REALTIME), or fails
 * the render (jfail) naming what, the construct that reads it. */
struct jdtclock {
	void (*now)(struct jev *, void *data, const char *what, struct timespec *ts);
	void *data;
};

/* modules.datetime and modules.pytz, reading the clock through c (or
 * refusing to when c is NULL). */
struct jv *jdtmodule(struct arena *, const struct jdtclock *c);
struct jv *jdtpytz(struct arena *);

/* Whether x is a value of these (a date, a timedelta, ...). */
int jdtis(const struct jv *x);
/* x op y ('+', '-', '*', '/', 'f' for //, '%') where one of them is a
 * value of these: the result, or NULL with *err (Python's error, or
 * what is refused), or NULL with *err NULL for Python's TypeError of
 * unsupported operands. */
struct jv *jdtarith(struct arena *, int op, const struct jv *x, const struct jv *y,
    const char **err);
/* Whether one of x, y is a value of these: then *c is -1, 0 or 1, or 2
 * when they are not equal and not ordered, with *err saying why they
 * cannot be ordered (Python's TypeError). */
int jdtcmp(const struct jv *x, const struct jv *y, int *c, const char **err);
/* -x, +x, abs(x) of a timedelta ('-', '+', 'a'): NULL when x is none. */
struct jv *jdtsign(struct arena *, int op, const struct jv *x, const char **err);
uint64_t jdthash(const struct jv *x);
/* Appends repr(x). */
void jdtrepr(struct buf *, const struct jv *x);

#endif
