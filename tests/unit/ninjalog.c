#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ninjalog.h"
#include "tap.h"
#include "util.h"

static char path[64];

/* Read a log of this text. */
static void
logof(struct ninjalog *l, const char *text)
{
	if (writefile(path, text, strlen(text)) < 0)
		fatal("%s:", path);
	ok(ninjalogread(l, path) == 0, "it reads");
}

int
main(void)
{
	struct ninjalog l;
	const struct logline *e;

	snprintf(path, sizeof(path), "/tmp/dbt2ninja-ninjalog-%ld", (long)getpid());
	unlink(path);
	ok(ninjalogread(&l, path) == 0 && l.version == 0 && l.nlines == 0,
	    "no log: an empty one, no error");
	ninjalogfree(&l);

	logof(&l, "# ninja log v5\n"
	    "1\t40\t1700000000038000000\tdir/ok/a\t1f2e\n"
	    "0\t0\t1700000000039000000\tdir/built/a\t0\n"
	    "not a line\n"
	    "x\t40\t1\tdir/ok/b\t1\n"
	    "2\t50\t1700000000048000000\tdir/ok/b\t2f\n"
	    "3\t60\t1700000000058000000\tdir/ok/a\t3f\n"
	    "4\t70\t17000");
	is(l.version == 5 ? "5" : "other", "5", "the version");
	ok(l.nlines == 5, "five lines ninja reads: one with no tabs and one cut short are not");
	ok(l.lines[2].start == 0 && l.lines[2].end == 40, "numbers as far as they go, as ninja "
	    "reads them");
	ok(l.lines[0].start == 1 && l.lines[0].end == 40 &&
	    l.lines[0].mtime == 1700000000038000000LL, "start and end in ms, mtime in ns");
	is(l.lines[0].hash, "1f2e", "the command's hash");
	ok(!l.lines[0].note && l.lines[1].note, "0 0 ... 0 is the executor's note of a stamp");
	ok(l.lines[1].line == 3, "each line's number in the file");
	e = ninjalogget(&l, "dir/ok/b");
	ok(e && e->start == 2, "the last line of an output");
	e = ninjalogget(&l, "dir/ok/a");
	ok(e && e->start == 3 && e->end == 60, "an output's last line is the one that counts");
	ok(ninjalogget(&l, "dir/ok/none") == NULL, "an output with no line has none");
	ninjalogfree(&l);

	logof(&l, "# ninja log v7\n1\t2\t3\tp\th\n");
	ok(l.version == 7 && l.nlines == 1, "v7 is read: the same lines");
	ninjalogfree(&l);
	logof(&l, "# ninja log v4\n1\t2\t3\tp\th\n");
	ok(l.version == 0 && l.seen == 4 && l.nlines == 0, "v4 is not read, but seen");
	ninjalogfree(&l);
	logof(&l, "");
	ok(l.version == 0 && l.seen == 0, "an empty file is no log");
	ninjalogfree(&l);
	unlink(path);
	return tap_done();
}
