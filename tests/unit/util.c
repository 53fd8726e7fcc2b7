#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "util.h"

int
main(void)
{
	char dir[] = "/tmp/dbt2ninja-util-XXXXXX";
	struct buf b = {0};
	char *p, *q;
	int line, col;

	bufputs(&b, "abc");
	bufprintf(&b, "-%d-", 42);
	bufputc(&b, 'x');
	is(b.s, "abc-42-x", "buf appends strings, formats and characters");
	ok(b.len == 8, "buf tracks its length");
	buffree(&b);

	p = xasprintf("%s/%05d", "a", 7);
	is(p, "a/00007", "xasprintf formats");
	free(p);

	linecol("ab\ncd\ne", 4, &line, &col);
	ok(line == 2 && col == 2, "linecol counts lines and columns from 1");
	linecol("\xc3\xa9x", 2, &line, &col);
	ok(line == 1 && col == 2, "linecol counts a UTF-8 character once");

	ok(mkdtemp(dir) != NULL, "temporary directory");
	p = xasprintf("%s/a/b/c", dir);
	ok(mkdirs(p) == 0, "mkdirs creates missing parents");
	ok(mkdirs(p) == 0, "mkdirs accepts existing directories");
	q = xasprintf("%s/file", p);
	ok(writefile(q, "hello\n", 6) == 0, "writefile writes");
	ok(readfile(q, &b) == 0 && b.len == 6 && !strcmp(b.s, "hello\n"),
	    "readfile reads back what writefile wrote");
	ok(writefile(q, "", 0) == 0 && readfile(q, &b) == 0 && b.len == 0,
	    "writefile replaces the file whole");
	ok(createfile(q, "x", 1) < 0 && errno == EEXIST, "createfile never replaces a file");
	free(q);
	q = xasprintf("%s/new", p);
	ok(createfile(q, "new\n", 4) == 0 && readfile(q, &b) == 0 && !strcmp(b.s, "new\n"),
	    "createfile creates");
	errno = 0;
	ok(readfile(p, &b) < 0 && errno == EISDIR, "readfile refuses a directory");
	errno = 0;
	free(q);
	q = xasprintf("%s/missing", dir);
	ok(readfile(q, &b) < 0 && errno == ENOENT, "readfile reports a missing file");
	free(q);
	q = xasprintf("%s/nodir/file", dir);
	ok(writefile(q, "x", 1) < 0 && errno == ENOENT,
	    "writefile fails into a missing directory");
	free(q);
	q = xasprintf("rm -rf %s", dir);
	ok(system(q) == 0, "cleanup");
	free(q);
	free(p);
	buffree(&b);
	{
		struct timespec x = {10, 5}, y = {10, 6}, z = {9, 999999999}, t;
		ok(tsnewer(&y, &x) && !tsnewer(&x, &y) && !tsnewer(&x, &x) && tsnewer(&x, &z),
		    "tsnewer compares seconds, then nanoseconds");
		ok(mtimeof("/nonexistent/x", &t) < 0, "mtimeof: a missing file has none");
		ok(mtimeof("/", &t) == 0 && t.tv_sec > 0, "mtimeof: a file's");
	}
	return tap_done();
}
