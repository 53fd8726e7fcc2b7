#include <stdio.h>
#include <stdlib.h>

#include "htab.h"
#include "tap.h"
#include "util.h"

int
main(void)
{
	struct htab t = {0};
	char **keys = xcalloc(10000, sizeof(*keys));
	char fresh[] = "new";
	int i, good = 1;

	ok(htabget(&t, "x") == NULL, "an empty table has nothing");
	for (i = 0; i < 10000; i++) {
		keys[i] = xasprintf("model.p.m%d", i);
		htabput(&t, keys[i], keys[i]);
	}
	ok(t.len == 10000, "10000 keys stored");
	for (i = 0; i < 10000; i++)
		good &= htabget(&t, keys[i]) == keys[i];
	ok(good, "every key finds its value after growing");
	ok(htabget(&t, "model.p.m10000") == NULL, "an absent key finds nothing");
	ok(htabput(&t, keys[5], fresh) == keys[5] && t.len == 10000,
	    "putting a key again returns the old value and adds nothing");
	is(htabget(&t, "model.p.m5"), "new", "the new value replaces the old");
	ok(htabadd(&t, keys[5], "newer") == fresh && t.len == 10000,
	    "adding a key that is there returns its value and adds nothing");
	is(htabget(&t, "model.p.m5"), "new", "nor changes it");
	ok(htabadd(&t, "model.p.absent", "here") == NULL && t.len == 10001,
	    "adding one that is not there stores it");
	is(htabget(&t, "model.p.absent"), "here", "under its key");
	htabfree(&t);
	for (i = 0; i < 10000; i++)
		free(keys[i]);
	free(keys);
	return tap_done();
}
