/* testname.c: generic tests' names (see testname.h). */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "arena.h"
#include "dbtctx.h"
#include "jvalue.h"
#include "testname.h"
#include "util.h"

static void
md5hex(const char *s, size_t n, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len, i;

	EVP_Digest(s, n, md, &len, EVP_md5(), NULL);
	for (i = 0; i < len && i < 16; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	out[32] = '\0';
}

/* str(v) as Python prints it onto b; NULL or an error. */
static const char *
pystr(struct buf *b, cJSON *v)
{
	struct arena a = {0};
	const char *e = jvstrto(b, dbtjson(&a, v));

	arenafree(&a);
	return e;
}

static int
bykey(const void *x, const void *y)
{
	return strcmp((*(cJSON *const *)x)->string, (*(cJSON *const *)y)->string);
}

/* The members of an object, sorted by key (Python's sorted on str). */
static cJSON **
sorted(const cJSON *o, size_t *n)
{
	cJSON **v, *x;
	size_t i = 0;

	*n = (size_t)cJSON_GetArraySize(o);
	v = xcalloc(*n + 1, sizeof(*v));
	for (x = o ? o->child : NULL; x; x = x->next)
		v[i++] = x;
	qsort(v, *n, sizeof(*v), bykey);
	return v;
}

/* One flat argument, cleaned, onto b. */
static const char *
flatone(struct buf *b, cJSON *part, int *first)
{
	struct buf s = {0};
	const char *e = pystr(&s, part);
	size_t i;
	int run = 0;

	if (e) {
		buffree(&s);
		return e;
	}
	if (!*first)
		bufputs(b, "__");
	*first = 0;
	bufputs(b, "");
	for (i = 0; i < s.len; i++) {
		unsigned char ch = (unsigned char)s.s[i];
		int ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= 'A' && ch <= 'Z') || ch == '_';
		if (ok) {
			bufputc(b, (char)ch);
			run = 0;
		} else if (!run) {
			bufputc(b, '_');
			run = 1;
		}
	}
	buffree(&s);
	return NULL;
}

/* The first n code points of s. */
static char *
prefix(const char *s, size_t n)
{
	size_t i = 0;

	while (s[i] && n > 0) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		n--;
	}
	return xmemdup(s, i);
}

int
testnames(const char *type, const char *target, const cJSON *args,
    char **shortname, char **fullname, char **err)
{
	struct buf u = {0};
	cJSON **v, *x;
	size_t n, i;
	int first = 1;
	const char *e = NULL;
	char *ident, *full, hex[33];

	v = sorted(args, &n);
	for (i = 0; i < n && !e; i++) {
		if (!strcmp(v[i]->string, "model"))
			continue;
		if (cJSON_IsObject(v[i]) || cJSON_IsArray(v[i])) {
			cJSON_ArrayForEach(x, v[i])
				if (!e)
					e = flatone(&u, x, &first);
		} else
			e = flatone(&u, v[i], &first);
	}
	free(v);
	if (e) {
		*err = xasprintf("a test's argument that cannot be named here: %s", e);
		buffree(&u);
		return -1;
	}
	ident = xasprintf("%s_%s", type, target);
	full = xasprintf("%s_%s", ident, u.s ? u.s : "");
	buffree(&u);
	if (jvutf8len(full, strlen(full)) >= 64) {
		char *p = prefix(ident, 30);
		md5hex(full, strlen(full), hex);
		*shortname = xasprintf("%s_%s", p, hex);
		free(p);
	} else
		*shortname = xstrdup(full);
	*fullname = full;
	free(ident);
	return 0;
}

/* dbt's get_hashable_md: mappings' keys sorted, leaves as str(). */
static struct jv *
hashable(struct arena *a, cJSON *j, const char **e)
{
	struct jv *r;
	cJSON **v, *x;
	size_t n, i;

	if (cJSON_IsObject(j)) {
		r = jvdict(a);
		v = sorted(j, &n);
		for (i = 0; i < n; i++)
			jvset(a, r, jvstr(a, v[i]->string, strlen(v[i]->string)),
			    hashable(a, v[i], e));
		free(v);
		return r;
	}
	if (cJSON_IsArray(j)) {
		r = jvlist(a, JLIST);
		cJSON_ArrayForEach(x, j)
			jvpush(a, r, hashable(a, x, e));
		return r;
	}
	{
		struct buf b = {0};
		const char *pe = pystr(&b, j);
		if (pe && !*e)
			*e = pe;
		r = jvstr(a, b.s ? b.s : "", b.len);
		buffree(&b);
		return r;
	}
}

int
testhash(const char *name, const cJSON *metadata, char hash[11], char **err)
{
	struct arena a = {0};
	struct buf b = {0};
	const char *e = NULL;
	struct jv *h = hashable(&a, (cJSON *)metadata, &e);
	char hex[33];

	bufputs(&b, name);
	if (!e)
		e = jvreprto(&b, h);
	if (e) {
		*err = xasprintf("a test whose unique_id cannot be made here: %s", e);
		buffree(&b);
		arenafree(&a);
		return -1;
	}
	md5hex(b.s, b.len, hex);
	memcpy(hash, hex + 22, 11);
	buffree(&b);
	arenafree(&a);
	return 0;
}
