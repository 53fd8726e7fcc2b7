#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "conn.h"
#include "hash.h"

static const char *
profileval(const struct profile *p, const char *key)
{
	size_t i;

	for (i = 0; p->keys[i]; i++)
		if (!strcmp(p->keys[i], key))
			return p->vals[i];
	return NULL;
}

static const char *
defaultval(const PQconninfoOption *d, const char *key)
{
	for (; d && d->keyword; d++)
		if (!strcmp(d->keyword, key))
			return d->val;
	return NULL;
}

/* A conninfo value: bare when it can be, else quoted as libpq reads it. */
static void
conninfoval(struct buf *b, const char *s)
{
	if (*s && !strpbrk(s, " \t\n\r\f\v'\\")) {
		bufputs(b, s);
		return;
	}
	bufputc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			bufputc(b, '\\');
		bufputc(b, *s);
	}
	bufputc(b, '\'');
}

void
connof(struct conn *c, const struct profile *p)
{
	static const char *const keys[] = {"host", "hostaddr", "port", "dbname", "user"};
	/* the environment and defaults, the service's first, as libpq
	 * takes them for what the profile does not say */
	PQconninfoOption *d = PQconndefaults();
	const char *v[5], *user;
	char h[SHA256_HEX];
	struct buf b = {0};
	size_t i;

	for (i = 0; i < 5; i++) {
		v[i] = profileval(p, keys[i]);
		if (!v[i] || !*v[i])
			v[i] = defaultval(d, keys[i]);
	}
	/* libpq's database is the user's name when none is given */
	user = v[4];
	if ((!v[3] || !*v[3]) && user)
		v[3] = user;
	bufputs(&b, "");
	for (i = 0; i < 5; i++) {
		if (!v[i] || !*v[i])
			continue;
		if (b.len)
			bufputc(&b, ' ');
		bufprintf(&b, "%s=", keys[i]);
		conninfoval(&b, v[i]);
	}
	PQconninfoFree(d);
	sha256hex(b.s, b.len, h);
	memcpy(c->key, h, CONNKEY);
	c->key[CONNKEY] = '\0';
	c->desc = b.s;
	c->dir = xasprintf("%s/%s", CONNROOT, c->key);
}

void
connfree(struct conn *c)
{
	free(c->desc);
	free(c->dir);
	c->desc = c->dir = NULL;
}

void
connstamp(const struct conn *c, const char *sha256, struct buf *out)
{
	out->len = 0;
	bufprintf(out, "%s %s\n", sha256, c->key);
}

char *
connbuilt(const char *path)
{
	struct buf b = {0};
	char *p, *r = NULL;

	if (readfile(path, &b) < 0)
		fatal("%s:", path);
	for (p = b.s; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, "conn = ", 7)) {
			r = xmemdup(p + 7, strcspn(p + 7, "\n"));
			break;
		}
	buffree(&b);
	return r;
}

void
conncheck(const struct conn *c, const char *want, const char *what)
{
	struct buf was = {0};
	char *path;

	if (!want || !strcmp(c->key, want))
		return;
	path = xasprintf("%s/%s/connection", CONNROOT, want);
	if (readfile(path, &was) == 0 && was.len && was.s[was.len - 1] == '\n')
		was.s[--was.len] = '\0';
	warn("%s: connects to %s, but build.ninja was written for %s: the profile or "
	    "libpq's environment changed since; run dbt2ninja to regenerate build.ninja",
	    what, c->desc, was.len ? was.s : want);
	buffree(&was);
	free(path);
	exit(1);
}

void
connrecord(const struct conn *c)
{
	struct buf have = {0}, want = {0};
	char *path = xasprintf("%s/connection", c->dir);

	bufprintf(&want, "%s\n", c->desc);
	if (readfile(path, &have) < 0 || strcmp(have.s, want.s)) {
		if (mkdirs(c->dir) < 0)
			fatal("%s:", c->dir);
		if (writefile(path, want.s, want.len) < 0)
			fatal("%s:", path);
	}
	buffree(&have);
	buffree(&want);
	free(path);
}
