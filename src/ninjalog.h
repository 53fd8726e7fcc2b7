/* ninjalog.h: Ninja's build log, target/ninja/.ninja_log.
 *
 *	# ninja log v5
 *	START	END	MTIME	PATH	HASH
 *
 * Ninja appends one line per output of each edge that succeeded, when it
 * finished: START and END in milliseconds since that ninja started, MTIME
 * what it recorded of the output in nanoseconds since the epoch (its
 * mtime after the command, or under restat when it did not change, the
 * newest input's or the command's start), the path as build.ninja spells
 * it, and the command's hash in hex. A failed edge leaves no line. Ninja
 * judges an edge it ran before by the last line of its output. Versions
 * 5, 6 and 7 share the layout (6 stopped reading v4, 7 changed the hash);
 * another version is not read. Ninja recompacts the log now and then,
 * rewriting the last line of each output, in no particular order.
 *
 * dbt2ninja-run appends
 *
 *	0	0	MTIME	PATH	0
 *
 * for every stamp it writes (dbt2ninja(5)): a note of the stamp's mtime,
 * not a run. A line Ninja would not read either (the last one cut short by
 * a crash) is skipped. */
#ifndef NINJALOG_H
#define NINJALOG_H

#include <stddef.h>

#include "htab.h"
#include "util.h"

#define NINJALOG "target/ninja/.ninja_log"

struct logline {
	long long start, end;	/* ms since its ninja started */
	long long mtime;	/* ns since the epoch */
	const char *path;
	const char *hash;
	int note;		/* the executor's note of a stamp */
	size_t line;		/* in the file, from 1 */
};

struct ninjalog {
	int version;		/* 0 when nothing was read */
	int seen;		/* the version the file says, even unread; 0: none */
	struct logline *lines;	/* in file order */
	size_t nlines;
	struct htab last;	/* path -> its last line */
	struct buf text;
};

/* Read the log at path: 0, also when there is none (version 0) or it is of
 * another version (version 0, seen set); -1 with errno on a read error. */
int ninjalogread(struct ninjalog *l, const char *path);
void ninjalogfree(struct ninjalog *l);

/* When the log's last ninja started, in microseconds since the epoch, as
 * its lines date it (a line's mtime less its end: never later than the
 * start of the ninja that wrote it, to the milliseconds of its end), or 0
 * with no line. While a ninja runs, its own lines are the latest once
 * one of its edges has finished. */
long long ninjalogstart(const struct ninjalog *l);

/* The last line of path, or NULL. */
const struct logline *ninjalogget(const struct ninjalog *l, const char *path);

#endif
