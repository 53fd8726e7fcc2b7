/* htab.h: a string-keyed hash table (open addressing, FNV-1a).
 * The table borrows its keys: they must outlive it. Each key's hash is
 * kept beside it: a probe compares strings only when the hashes match. */
#ifndef HTAB_H
#define HTAB_H

#include <stddef.h>
#include <stdint.h>

struct htab {
	const char **keys;
	void **vals;
	uint64_t *hashes;	/* each key's, beside it */
	size_t len, cap;
};

/* The value stored under key, or NULL. */
void *htabget(const struct htab *t, const char *key);
/* Store val under key, replacing any previous value, which is returned. */
void *htabput(struct htab *t, const char *key, void *val);
/* Store val under key unless key is there: then nothing changes, and
 * the value there is returned (one probe, where htabget() and htabput()
 * take two). */
void *htabadd(struct htab *t, const char *key, void *val);
void htabfree(struct htab *t);

#endif
