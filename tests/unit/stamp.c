#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "stamp.h"
#include "tap.h"

int
main(void)
{
	char dir[] = "/tmp/dbt2ninja-stamp-XXXXXX";
	struct timespec t = {1000000000, 123456789}, got;
	struct timespec times[2];
	struct buf b = {0};
	char *p, *q;

	ok(stampreads("postgres", 1, "view"), "a view only reads its parents");
	ok(!stampreads("postgres", 1, "table") && !stampreads("postgres", 1, "incremental") &&
	    !stampreads("postgres", 1, "materialized_view"),
	    "a table, an incremental and a materialized view on PostgreSQL store what they read");
	ok(stampreads("materialize", 1, "materialized_view") && stampreads("materialize", 1, "table"),
	    "on Materialize, which keeps every model up to date, every model only reads");
	ok(!stampreads("materialize", 0, "seed") && !stampreads("postgres", 0, "test") &&
	    !stampreads("postgres", 0, "snapshot"), "seeds, tests and snapshots store");

	p = stampbeside("target/ninja/conn/k/ok/model.p.a", "if");
	is(p, "target/ninja/conn/k/if/model.p.a", "the interface stamp beside a deployment's");
	free(p);
	p = stampbeside("target/ninja/conn/k/built/model.p.a", "data");
	is(p, "target/ninja/conn/k/data/model.p.a", "the contents stamp beside a build stamp");
	free(p);
	p = stampbeside("ok/x", "built");
	is(p, "built/x", "a relative directory");
	free(p);
	ok(stampbeside("target/ninja/conn/k/mark", "if") == NULL &&
	    stampbeside("x", "if") == NULL && stampbeside("a/look/x", "if") == NULL,
	    "a path in no stamp directory has none beside it");


	ok(mkdtemp(dir) != NULL, "temporary directory");
	p = xasprintf("%s/conn/ok/n", dir);
	ok(stampwrite(p, "x k\n") == 0, "stampwrite creates the directory");
	ok(readfile(p, &b) == 0 && !strcmp(b.s, "x k\n"), "and writes the stamp");
	ok(stampkeep(p, "y k\n") == 0, "stampkeep rewrites");
	ok(readfile(p, &b) == 0 && !strcmp(b.s, "y k\n"), "the content");
	q = xasprintf("%s/conn/ok/absent", dir);
	ok(stampkeep(q, "z") < 0, "stampkeep needs the stamp to be there");
	free(q);
	times[0] = times[1] = t;
	ok(utimensat(AT_FDCWD, p, times, 0) == 0, "an old modification time");
	ok(stampkeep(p, "w k\n") == 0 && mtimeof(p, &got) == 0 &&
	    got.tv_sec == t.tv_sec && got.tv_nsec == t.tv_nsec,
	    "keeping its modification time to the nanosecond");
	unlink(p);
	free(p);
	p = xasprintf("%s/conn/ok", dir);
	rmdir(p);
	free(p);
	p = xasprintf("%s/conn", dir);
	rmdir(p);
	free(p);
	rmdir(dir);
	buffree(&b);
	return tap_done();
}
