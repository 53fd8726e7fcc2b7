/* mat.c: which of dbt-postgres' materializations a job takes. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "matstep.h"

int
pgmaterialize(struct runner *r)
{
	struct jobfile *j = r->job;
	const char *m = j->materialized;

	matdry = r->dry != NULL;
	if (strcmp(j->type, "test") != 0 && matdocscheck(r, 0) < 0)
		return -1;
	if (!strcmp(j->type, "seed"))
		return pgseed(r);
	if (!strcmp(j->type, "test"))
		return mattest(r);
	if (!strcmp(j->type, "snapshot"))
		return pgsnapshot(r);
	if (!strcmp(m, "view"))
		return matreplace(r, KVIEW);
	if (!strcmp(m, "table"))
		return matreplace(r, KTABLE);
	if (!strcmp(m, "materialized_view"))
		return pgmatview(r);
	if (!strcmp(m, "incremental"))
		return pgincremental(r);
	r->err = xasprintf("materialization %s is not supported on %s", m, j->adapter);
	return -1;
}
