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
slot(const struct htab *t, const char *key)
{
	size_t i = (size_t)hashstr(key) & (t->cap - 1);

	while (t->keys[i] && strcmp(t->keys[i], key) != 0)
		i = (i + 1) & (t->cap - 1);
	return i;
}

void *
htabget(const struct htab *t, const char *key)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	i = slot(t, key);
	return t->keys[i] ? t->vals[i] : NULL;
}

static void
grow(struct htab *t)
{
	struct htab n = {0};
	size_t i;

	n.cap = t->cap ? t->cap * 2 : 64;
	n.keys = xcalloc(n.cap, sizeof(*n.keys));
	n.vals = xcalloc(n.cap, sizeof(*n.vals));
	for (i = 0; i < t->cap; i++)
		if (t->keys[i])
			htabput(&n, t->keys[i], t->vals[i]);
	htabfree(t);
	*t = n;
}

void *
htabput(struct htab *t, const char *key, void *val)
{
	void *old;
	size_t i;

	if ((t->len + 1) * 4 > t->cap * 3)
		grow(t);
	i = slot(t, key);
	old = t->keys[i] ? t->vals[i] : NULL;
	if (!t->keys[i]) {
		t->keys[i] = key;
		t->len++;
	}
	t->vals[i] = val;
	return old;
}

void
htabfree(struct htab *t)
{
	free(t->keys);
	free(t->vals);
	t->keys = NULL;
	t->vals = NULL;
	t->len = t->cap = 0;
}
