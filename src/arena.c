#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "util.h"

#define BLOCK (1 << 20)	/* the largest block shared by allocations */
#define FIRST (1 << 13)	/* the first */
#define ALIGN 8
#define HEADER 16	/* keeps blocks 16-byte aligned */

struct block {
	struct block *next;
	size_t size;
	/* the memory follows, HEADER bytes from the start */
};

/* Freed blocks of the first sizes, kept for the next arena: a render's
 * arena lives for one node, and malloc would merge and split the same
 * few blocks again for each. */
#define SPARECLASSES 4	/* FIRST, twice that, ... */
#define SPARES 8	/* of each */
static struct block *spare[SPARECLASSES];
static size_t nspare[SPARECLASSES];

static int
spareclass(size_t n)
{
	int k;

	for (k = 0; k < SPARECLASSES; k++)
		if (n == (size_t)FIRST << k)
			return k;
	return -1;
}

static char *
newblock(struct arena *a, size_t n)
{
	int k = spareclass(n);
	struct block *b;

	if (k >= 0 && spare[k]) {
		b = spare[k];
		spare[k] = b->next;
		nspare[k]--;
	} else
		b = xmalloc(HEADER + n);

	b->next = a->blocks;
	b->size = n;
	a->blocks = b;
	return (char *)b + HEADER;
}

void *
arenaalloc(struct arena *a, size_t n)
{
	char *p;
	size_t s;

	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (n == 0)
		n = ALIGN;
	if (n > BLOCK / 4)
		return newblock(a, n);
	if ((size_t)(a->end - a->next) < n) {
		s = a->size ? a->size * 2 : FIRST;
		if (s > BLOCK)
			s = BLOCK;
		while (s < n)
			s *= 2;
		a->next = newblock(a, s);
		a->end = a->next + s;
		a->size = s;
	}
	p = a->next;
	a->next += n;
	return p;
}

int
arenaowns(const struct arena *a, const void *p)
{
	const struct block *b;
	uintptr_t c = (uintptr_t)p;

	for (b = a->blocks; b; b = b->next)
		if (c >= (uintptr_t)b + HEADER && c - ((uintptr_t)b + HEADER) < b->size)
			return 1;
	return 0;
}

/* The list from b up to stop, but keep. */
static void
freeblocks(struct block *b, struct block *keep, struct block *stop)
{
	struct block *next;
	int k;

	for (; b != stop; b = next) {
		next = b->next;
		if (b == keep)
			continue;
		if ((k = spareclass(b->size)) >= 0 && nspare[k] < SPARES) {
			b->next = spare[k];
			spare[k] = b;
			nspare[k]++;
		} else
			free(b);
	}
}

void
arenareset(struct arena *a)
{
	struct block *b, *keep = NULL;

	/* the block next is in: the largest shared one */
	for (b = a->blocks; b && !keep && a->end; b = b->next)
		if ((char *)b + HEADER + b->size == a->end && b->size == a->size)
			keep = b;
	freeblocks(a->blocks, keep, NULL);
	a->blocks = keep;
	a->next = a->end = NULL;
	a->size = 0;
	if (keep) {
		keep->next = NULL;
		a->next = (char *)keep + HEADER;
		a->end = a->next + keep->size;
		a->size = keep->size;
	}
}

struct arenamark
arenamark(const struct arena *a)
{
	struct arenamark m;

	m.blocks = a->blocks;
	m.next = a->next;
	m.end = a->end;
	m.size = a->size;
	return m;
}

void
arenarollback(struct arena *a, struct arenamark m)
{
	/* the blocks since the mark are at the head of the list */
	freeblocks(a->blocks, NULL, m.blocks);
	a->blocks = m.blocks;
	a->next = m.next;
	a->end = m.end;
	a->size = m.size;
}

void
arenafree(struct arena *a)
{
	freeblocks(a->blocks, NULL, NULL);
	a->blocks = NULL;
	a->next = a->end = NULL;
	a->size = 0;
}

static struct arena *parsing;	/* where cJSON allocates, or NULL: the heap */
static struct arena *window;	/* arenawindow()'s, or NULL */

static void *arenamalloc(size_t n) { return arenaalloc(parsing, n); }
static void arenanofree(void *p) { (void)p; }
static void *heapmalloc(size_t n) { return xmalloc(n); }

static void
hooks(struct arena *a)
{
	cJSON_Hooks inarena = {arenamalloc, arenanofree}, heap = {heapmalloc, free};

	parsing = a;
	cJSON_InitHooks(a ? &inarena : &heap);
}

struct cJSON *
arenajson(struct arena *a, const char *s, size_t n, const char **end)
{
	const char *e = NULL;
	cJSON *v;

	hooks(a);
	v = cJSON_ParseWithLengthOpts(s, n, &e, 0);
	hooks(window);
	if (end)
		*end = e;
	return v;
}

void
arenawindow(struct arena *a)
{
	window = a;
	hooks(a);
}

char *
jsonstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = cJSON_malloc(n);

	if (!p)
		fatal("out of memory");
	return memcpy(p, s, n);
}

char *
jsonprint(const struct cJSON *v)
{
	char *s;

	/* cJSON's own malloc, free and realloc */
	cJSON_InitHooks(NULL);
	s = cJSON_PrintUnformatted(v);
	hooks(window);
	return s;
}
