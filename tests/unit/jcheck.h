/* jcheck.h: tests of templates rendered by the unit's own
 * static char *render(const char *src, char **err), declared before this
 * is included: its text, or NULL with *err (to free). */
#ifndef JCHECK_H
#define JCHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

/* src renders as want */
static void
renders(const char *src, const char *want, const char *name)
{
	char *err, *r = render(src, &err);

	is(r, want, name);
	if (err)
		printf("#   error: %s\n", err);
	free(err);
}

/* src fails, saying msg */
static void
refuses(const char *src, const char *msg, const char *name)
{
	char *err, *r = render(src, &err);

	ok(!r && err && strstr(err, msg), name);
	if (err && !strstr(err, msg))
		printf("#   got: %s\n", err);
	free(err);
}

#endif
