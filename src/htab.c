#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "util.h"

static uint64_t
hashstr(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3u;
	}
	return h;
}

static size_t
slot(const struct htab *t, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (t->cap - 1);

	while (t->keys[i] && (t->hashes[i] != h || strcmp(t->keys[i], key) != 0))
		i = (i + 1) & (t->cap - 1);
	return i;
}

void *
htabget(const struct htab *t, const char *key)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	i = slot(t, key, hashstr(key));
	return t->keys[i] ? t->vals[i] : NULL;
}

static void *put(struct htab *, const char *, void *, uint64_t);

static void
grow(struct htab *t)
{
	struct htab n = {0};
	size_t i;

	n.cap = t->cap ? t->cap * 2 : 64;
	n.keys = xcalloc(n.cap, sizeof(*n.keys));
	n.vals = xcalloc(n.cap, sizeof(*n.vals));
	n.hashes = xcalloc(n.cap, sizeof(*n.hashes));
	for (i = 0; i < t->cap; i++)
		if (t->keys[i])
			put(&n, t->keys[i], t->vals[i], t->hashes[i]);
	htabfree(t);
	*t = n;
}

static void *
put(struct htab *t, const char *key, void *val, uint64_t h)
{
	void *old;
	size_t i;

	if ((t->len + 1) * 4 > t->cap * 3)
		grow(t);
	i = slot(t, key, h);
	old = t->keys[i] ? t->vals[i] : NULL;
	if (!t->keys[i]) {
		t->keys[i] = key;
		t->hashes[i] = h;
		t->len++;
	}
	t->vals[i] = val;
	return old;
}

void *
htabput(struct htab *t, const char *key, void *val)
{
	return put(t, key, val, hashstr(key));
}

void *
htabadd(struct htab *t, const char *key, void *val)
{
	uint64_t h = hashstr(key);
	size_t i;

	if ((t->len + 1) * 4 > t->cap * 3)
		grow(t);
	i = slot(t, key, h);
	if (t->keys[i])
		return t->vals[i];
	t->keys[i] = key;
	t->hashes[i] = h;
	t->vals[i] = val;
	t->len++;
	return NULL;
}

void
htabfree(struct htab *t)
{
	free(t->keys);
	free(t->vals);
	free(t->hashes);
	t->keys = NULL;
	t->vals = NULL;
	t->hashes = NULL;
	t->len = t->cap = 0;
}
