#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "tap.h"

int
main(void)
{
	struct arena a = {0};
	char *p, *q, *big;
	int i, aligned = 1, apart = 1;

	p = arenaalloc(&a, 3);
	q = arenaalloc(&a, 5);
	ok(p && q && q >= p + 3, "allocations do not overlap");
	for (i = 0; i < 100000; i++) {
		p = arenaalloc(&a, (size_t)(i % 50) + 1);
		aligned &= ((uintptr_t)p % 8) == 0;
		memset(p, 0xAB, (size_t)(i % 50) + 1);
	}
	ok(aligned, "every allocation is 8-byte aligned, across many blocks");
	big = arenaalloc(&a, 4 << 20);
	memset(big, 1, 4 << 20);
	q = arenaalloc(&a, 16);
	apart = q < big || q >= big + (4 << 20);
	ok(apart, "a large allocation gets a block of its own");
	ok(arenaalloc(&a, 0) != NULL, "a zero-byte allocation is a valid pointer");
	arenareset(&a);
	p = arenaalloc(&a, 100);
	q = arenaalloc(&a, 100);
	ok(q == p + 104, "after arenareset, one block is used again from its start");
	arenafree(&a);
	ok(a.blocks == NULL, "arenafree releases every block");
	return tap_done();
}
