/* status.h: what the last runs left of each node, as pictures color it.
 *
 *	success		its current result (results.h) succeeded or passed, or
 *			it is deployed and current with no result (--state)
 *	warn		a test whose current result warned
 *	error		its current result failed (a test: fail or error)
 *	skipped		dbt build skipped it: a node upstream failed
 *	stale		it ran before (a stamp or a result), but Ninja would
 *			run it next (outdated.h): its job or a parent changed
 *	never run	no stamp and no result: it never ran here
 *
 * A success or warn that Ninja would run again is stale. Sources,
 * exposures, ephemeral and injected nodes have no status (none). Every
 * status is of the stamps and results under one connection's directory,
 * the one build.ninja deploys to. */
#ifndef STATUS_H
#define STATUS_H

#include "manifest.h"
#include "ninjalog.h"
#include "results.h"

enum { SNONE, SSUCCESS, SWARN, SERROR, SSKIPPED, SSTALE, SNEVER, NSTATUS };

/* "none", "success", "warn", "error", "skipped", "stale", "never run" */
extern const char *const statusnames[NSTATUS];
/* Their colors, #rrggbb, the same in every picture. */
extern const char *const statuscolors[NSTATUS];

struct statuses {
	int *st;		/* per node of the manifest */
	char *next;		/* Ninja would run it next */
	struct results r;	/* the current results */
	struct ninjalog log;
};

/* The statuses under dir, the connection directory that the build.ninja
 * at buildninja names (a blue/green one judges the mark too). Exits 1 when
 * the log cannot be read. */
void statusread(const struct manifest *m, const char *buildninja, const char *dir,
    struct statuses *s);
void statusfree(const struct manifest *m, struct statuses *s);

/* The worse of two statuses: error, warn, skipped, stale, never run,
 * success, none. */
int statusworse(int a, int b);

#endif
