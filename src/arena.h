/* arena.h: a bump allocator for large, short-lived trees.
 *
 * Allocations come from blocks of 8 KiB, then each twice the last up to
 * 1 MiB (an arena of one render holds a few KiB: a 1 MiB block each would
 * be mapped and faulted in for every one); a request over 256 KiB gets a
 * block of its own. Everything is freed at once by arenafree(). cJSON parses a manifest
 * into an arena: millions of small nodes with no per-node malloc cost or
 * header, and no walk of the tree to free it. */
#ifndef ARENA_H
#define ARENA_H

#include <stddef.h>

struct arena {
	struct block *blocks;
	char *next, *end;
	size_t size;		/* the block next is in, its size */
};

void *arenaalloc(struct arena *a, size_t n);
/* Whether p points into memory a gave out. */
int arenaowns(const struct arena *a, const void *p);
/* Free everything but one block, to be used again. */
void arenareset(struct arena *a);
void arenafree(struct arena *a);
/* Where a stands, and everything given out since then freed: a tree
 * parsed in a to be kept or not, once it is read. */
struct arenamark {
	struct block *blocks;
	char *next, *end;
	size_t size;
};
struct arenamark arenamark(const struct arena *a);
void arenarollback(struct arena *a, struct arenamark m);

/* cJSON's parse of the JSON value at s (n bytes) into a: nothing of it is
 * freed but with the arena. *end, when not NULL, is set past the value.
 * NULL on bad JSON (cJSON_GetErrorPtr says where). */
struct cJSON;
struct cJSON *arenajson(struct arena *a, const char *s, size_t n, const char **end);

/* Every cJSON allocation into a from now on, and no cJSON free frees (the
 * arena does, at once), until arenawindow(NULL): no item made inside may
 * be freed by cJSON after, nor be put in a tree made before. For a tree
 * built and rebuilt by millions of small steps, then printed and dropped. */
void arenawindow(struct arena *a);

/* A copy of s allocated as cJSON allocates (in the window, if one is
 * open): a key given to an item, which cJSON frees with it. */
char *jsonstrdup(const char *s);

/* cJSON's unformatted text of v, grown by realloc (cJSON copies into a new
 * buffer at each doubling otherwise: for a manifest, a fresh 100 MB to
 * fault in); free() it. Outside a window. */
char *jsonprint(const struct cJSON *v);

#endif
