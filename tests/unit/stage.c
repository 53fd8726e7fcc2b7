#define _POSIX_C_SOURCE 200809L
#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stage.h"
#include "tap.h"
#include "util.h"

static struct stat
statof(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		fatal("%s:", path);
	return st;
}

static char *
contents(const char *path)
{
	struct buf b = {0};

	if (readfile(path, &b) < 0)
		fatal("%s:", path);
	return b.s;
}

int
main(void)
{
	char dir[] = "/tmp/dbt2ninja-stage.XXXXXX", *a, *b, *s;
	struct stat before, after;
	struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};

	if (!mkdtemp(dir) || chdir(dir) < 0)
		fatal("%s:", dir);
	stageput("a", "one\n", 4);
	ok(access("a", F_OK) == 0, "a new file is written in place");
	stagecommit();
	is(s = contents("a"), "one\n", "and is there after the commit");
	free(s);

	stageput("a", "two\n", 4);
	is(s = contents("a"), "one\n", "a file replaced is as it was until the commit");
	free(s);
	stagecommit();
	is(s = contents("a"), "two\n", "and new after it");
	free(s);

	/* stagefresh: the same bytes are not written again, but made new */
	if (utimensat(AT_FDCWD, "a", old, 0) < 0)
		fatal("a:");
	before = statof("a");
	stagefresh("a", "two\n", 4);
	stagecommit();
	after = statof("a");
	ok(after.st_ino == before.st_ino, "the same bytes are not written again");
	ok(after.st_mtime > before.st_mtime, "but its time is now, as a new file's");
	stagefresh("a", "three\n", 6);
	stagecommit();
	is(s = contents("a"), "three\n", "other bytes replace it");
	free(s);
	stagefresh("b", "new\n", 4);
	stagecommit();
	is(s = contents("b"), "new\n", "and a file that is not there is written");
	free(s);

	stagedel("a");
	stagedel("b");
	stagecommit();
	ok(access("a", F_OK) < 0 && access("b", F_OK) < 0, "removed files go at the commit");
	a = xstrdup(dir);
	b = strrchr(a, '/');
	*b = '\0';
	if (chdir(a) < 0 || rmdir(dir) < 0)
		fatal("%s:", dir);
	free(a);
	return tap_done();
}
