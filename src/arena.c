#include <stdlib.h>

#include "arena.h"
#include "util.h"

#define BLOCK (1 << 20)
#define ALIGN 8
#define HEADER 16	/* keeps blocks 16-byte aligned */

struct block {
	struct block *next;
	/* the memory follows, HEADER bytes from the start */
};

static char *
newblock(struct arena *a, size_t n)
{
	struct block *b = xmalloc(HEADER + n);

	b->next = a->blocks;
	a->blocks = b;
	return (char *)b + HEADER;
}

void *
arenaalloc(struct arena *a, size_t n)
{
	char *p;

	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (n == 0)
		n = ALIGN;
	if (n > BLOCK / 4)
		return newblock(a, n);
	if ((size_t)(a->end - a->next) < n) {
		a->next = newblock(a, BLOCK);
		a->end = a->next + BLOCK;
	}
	p = a->next;
	a->next += n;
	return p;
}

void
arenafree(struct arena *a)
{
	struct block *b, *next;

	for (b = a->blocks; b; b = next) {
		next = b->next;
		free(b);
	}
	a->blocks = NULL;
	a->next = a->end = NULL;
}
