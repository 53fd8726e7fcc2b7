#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

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

	/* a mark: what comes after it, across blocks and large ones, goes */
	{
		struct arenamark m;
		char *kept, *after;

		kept = arenaalloc(&a, 40);
		m = arenamark(&a);
		for (i = 0; i < 20000; i++)
			memset(arenaalloc(&a, 64), 0xCD, 64);
		memset(arenaalloc(&a, 1 << 20), 0xEF, 1 << 20);
		arenarollback(&a, m);
		after = arenaalloc(&a, 8);
		ok(after == kept + 40 && a.blocks == m.blocks,
		    "after a rollback the arena gives out from its mark again");
		m = arenamark(&a);
		arenarollback(&a, m);
		ok(arenaalloc(&a, 8) == after + 8, "a rollback to where it is changes nothing");
		arenafree(&a);
	}

	/* a window: a tree built, changed and freed in pieces, all in the arena */
	{
		cJSON *doc, *x, *inner;
		char *text;
		int owned;

		arenawindow(&a);
		doc = cJSON_CreateObject();
		x = cJSON_AddStringToObject(doc, "old", "v");
		cJSON_free(x->string);
		x->string = jsonstrdup("new");
		inner = arenajson(&a, "{\"k\": [1, 2]}", 14, NULL);
		cJSON_AddItemToObject(doc, "inner", inner);
		cJSON_DeleteItemFromObject(doc, "nothing");
		cJSON_AddItemToObject(doc, "gone", cJSON_CreateString("x"));
		cJSON_DeleteItemFromObject(doc, "gone");
		owned = arenaowns(&a, doc) && arenaowns(&a, x->string) && arenaowns(&a, inner);
		arenawindow(NULL);
		ok(owned, "in a window, items, their keys and a parse inside it are the arena's");
		text = cJSON_PrintUnformatted(doc);
		ok(text && !strcmp(text, "{\"new\":\"v\",\"inner\":{\"k\":[1,2]}}") &&
		    !arenaowns(&a, text), "the tree prints, after the window, onto the heap");
		free(text);
		text = jsonprint(doc);
		ok(text && !strcmp(text, "{\"new\":\"v\",\"inner\":{\"k\":[1,2]}}"),
		    "jsonprint prints the same");
		free(text);
		arenafree(&a);
		x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "n", 1);
		p = jsonstrdup("key");
		ok(!strcmp(p, "key"), "outside a window, jsonstrdup copies onto the heap");
		cJSON_free(p);
		cJSON_Delete(x);
	}
	return tap_done();
}
