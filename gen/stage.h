/* stage.h: the generator's files, all replaced or none.
 *
 * stageput() writes a file's new contents beside it (PATH.tmpPID, renamed
 * over it at commit), or, when there is no such file yet, in place;
 * stagedel() marks one for removal. Nothing that exists is touched until
 * stagecommit(), which renames and removes in the order staged (build.ninja
 * last). Should the generator exit before (any error: a full disk, a file
 * too large, a read-only directory), everything it wrote is removed at
 * exit, and every file is as it was. */
#ifndef STAGE_H
#define STAGE_H

#include <stddef.h>

/* Exit 1 naming path when it cannot be written. */
void stageput(const char *path, const char *s, size_t n);
/* The same, but when path holds these bytes already it is not written
 * again: its times are set to now at commit, as a new file's would be
 * (ninja sees a generator's output new, and a file system's cost of
 * rewriting tens of megabytes is saved). */
void stagefresh(const char *path, const char *s, size_t n);
void stagedel(const char *path);
/* Exit 1 naming the file when a rename or removal fails. */
void stagecommit(void);

#endif
