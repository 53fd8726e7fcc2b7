/* unit/jdatetime: what the differential test (tests/pytz.t) cannot
 * show: pytz's zones leave the process's TZ, and so its local time, as
 * they found it, set or unset, and when the render fails too; and
 * datetime.now(tz) in them, from a fixed clock. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jdatetime.h"
#include "jeval.h"
#include "jre.h"
#include "tap.h"

/* 2024-03-10 10:30:00.123456 UTC: half an hour into Los Angeles's PDT */
static void
fixed(struct jev *v, void *data, const char *what, struct timespec *ts)
{
	(void)v;
	(void)data;
	(void)what;
	ts->tv_sec = 1710066600;
	ts->tv_nsec = 123456789;
}

/* src rendered over modules (with the fixed clock): its text, or NULL
 * with *err (to free). */
static char *
render(const char *src, char **err)
{
	static struct buf out;
	struct jdtclock clk = {fixed, NULL};
	struct arena a = {0};
	struct jv *ctx;
	char *r = NULL;

	*err = NULL;
	out.len = 0;
	ctx = jvdict(&a);
	jvset(&a, ctx, jvstr(&a, "modules", 7), jremodules(&a, &clk));
	if (jrender("t", src, strlen(src), ctx, &a, &out, err) == 0) {
		bufputc(&out, '\0');
		r = out.s;
	}
	arenafree(&a);
	return r;
}

#include "jcheck.h"

/* The hour of the epoch in the process's local time. */
static int
localhour(void)
{
	struct tm tm;
	time_t t = 0;

	return localtime_r(&t, &tm) ? tm.tm_hour : -1;
}

static const char *const la = "{% set tz = modules.pytz.timezone('America/Los_Angeles') %}"
    "{{ tz.localize(modules.datetime.datetime(2024, 7, 1)) }}";

int
main(void)
{
	const char *tz;

	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	renders(la, "2024-07-01 00:00:00-07:00", "a zone of pytz, TZ set");
	tz = getenv("TZ");
	is(tz, "Asia/Tokyo", "TZ is as it was");
	ok(localhour() == 9, "and so is the local time (Tokyo's)");
	refuses("{{ modules.pytz.timezone('Mars/Olympus') }}", "UnknownTimeZoneError: 'Mars/Olympus'",
	    "an unknown zone fails");
	refuses("{{ modules.pytz.timezone('Europe/Paris').localize("
	    "modules.datetime.datetime(2024, 3, 31, 2, 30), is_dst=none) }}",
	    "NonExistentTimeError: 2024-03-31 02:30:00", "a time the clocks skip fails, is_dst none");
	tz = getenv("TZ");
	is(tz, "Asia/Tokyo", "TZ is as it was after they fail");
	ok(localhour() == 9, "and so is the local time");

	unsetenv("TZ");
	tzset();
	renders(la, "2024-07-01 00:00:00-07:00", "a zone of pytz, TZ unset");
	ok(getenv("TZ") == NULL, "TZ is unset again");

	setenv("TZ", ":/usr/share/zoneinfo/America/Los_Angeles", 1);
	tzset();
	renders("{{ modules.pytz.timezone('Europe/Amsterdam').localize(modules.datetime.datetime(2024, 7, 1)) }}",
	    "2024-07-01 00:00:00+02:00", "another zone than TZ's");
	tz = getenv("TZ");
	is(tz, ":/usr/share/zoneinfo/America/Los_Angeles", "TZ is as it was");
	ok(localhour() == 16, "and so is the local time (Los Angeles's)");

	renders("{{ modules.datetime.datetime.now(modules.pytz.timezone('America/Los_Angeles')) }}",
	    "2024-03-10 03:30:00.123456-07:00", "now() in a DstTzInfo: its state at the time");
	renders("{{ [modules.datetime.datetime.now(modules.pytz.timezone('Europe/Amsterdam'))] }}",
	    "[datetime.datetime(2024, 3, 10, 11, 30, 0, 123456, tzinfo=<DstTzInfo 'Europe/Amsterdam' "
	    "CET+1:00:00 STD>)]", "now() in a DstTzInfo: not its first state");
	renders("{{ modules.datetime.datetime.now(modules.pytz.timezone('Etc/GMT+5')) }}",
	    "2024-03-10 05:30:00.123456-05:00", "now() in a StaticTzInfo");
	renders("{{ modules.datetime.datetime.now(modules.pytz.utc) }}",
	    "2024-03-10 10:30:00.123456+00:00", "now() in pytz.utc");
	tz = getenv("TZ");
	is(tz, ":/usr/share/zoneinfo/America/Los_Angeles", "TZ is as it was after them");
	return tap_done();
}
