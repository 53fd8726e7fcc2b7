/* tap.h: the Test Anything Protocol, for prove. Include once per program. */
#ifndef TAP_H
#define TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#if defined(__GNUC__)
#define TAP_UNUSED __attribute__((unused))
#else
#define TAP_UNUSED
#endif

TAP_UNUSED static int
tap_ok(int cond, const char *name, const char *file, int line)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++tap_n, name);
	if (!cond) {
		printf("#   failed at %s:%d\n", file, line);
		tap_failed++;
	}
	return cond;
}

TAP_UNUSED static int
tap_is(const char *got, const char *want, const char *name, const char *file,
    int line)
{
	int cond = got && want ? strcmp(got, want) == 0 : got == want;

	if (!tap_ok(cond, name, file, line)) {
		printf("#          got: '%s'\n", got ? got : "(null)");
		printf("#     expected: '%s'\n", want ? want : "(null)");
	}
	return cond;
}

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

#define ok(cond, name) tap_ok((cond), (name), __FILE__, __LINE__)
#define is(got, want, name) tap_is((got), (want), (name), __FILE__, __LINE__)

#endif
