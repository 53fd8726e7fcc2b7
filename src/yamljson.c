/* yamljson.c: YAML to JSON values as PyYAML's safe loader types them. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util.h"
#include "yamljson.h"

struct conv {
	const char *path;
	yaml_document_t *d;
	char *err;
	int depth;
	const char *const *skip;	/* top-level keys left unread, or NULL */
};

static int
skipped(const struct conv *c, const char *k)
{
	const char *const *s;

	if (c->depth != 1 || !c->skip)
		return 0;
	for (s = c->skip; *s; s++)
		if (!strcmp(*s, k))
			return 1;
	return 0;
}

static void *
fail(struct conv *c, yaml_node_t *n, const char *what, const char *s)
{
	if (!c->err)
		c->err = xasprintf("%s:%lu:%lu: %s%s%s%s", c->path,
		    (unsigned long)n->start_mark.line + 1,
		    (unsigned long)n->start_mark.column + 1, what,
		    s ? " '" : "", s ? s : "", s ? "'" : "");
	return NULL;
}

static int
oneof(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return 1;
	return 0;
}

static int
digits(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return 0;
	while (isdigit((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* PyYAML's float: [0-9]+ . [0-9]* ([eE][-+][0-9]+)?, or without a sign
 * . [0-9]+ ([eE][-+][0-9]+)?  (1e5 is a string to it). */
static int
isfloat(const char *p, int unsigned_)
{
	int lead = 0;

	while (isdigit((unsigned char)*p))
		p++, lead++;
	if (*p++ != '.')
		return 0;
	if (!lead) {
		if (!unsigned_ || !isdigit((unsigned char)*p))
			return 0;
	}
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == 'e' || *p == 'E') {
		if ((p[1] != '+' && p[1] != '-') || !isdigit((unsigned char)p[2]))
			return 0;
		for (p += 2; isdigit((unsigned char)*p); p++)
			;
	}
	return *p == '\0';
}

/* A plain scalar, typed as PyYAML's resolver types it. */
static cJSON *
plain(struct conv *c, yaml_node_t *n, const char *s)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	static const char *const trues[] = {"yes", "Yes", "YES", "true", "True",
	    "TRUE", "on", "On", "ON", NULL};
	static const char *const falses[] = {"no", "No", "NO", "false", "False",
	    "FALSE", "off", "Off", "OFF", NULL};
	static const char *const infs[] = {".inf", ".Inf", ".INF", NULL};
	static const char *const nans[] = {".nan", ".NaN", ".NAN", NULL};
	const char *p = s, *num;
	char *end;
	double d;

	if (oneof(s, nulls))
		return cJSON_CreateNull();
	if (oneof(s, trues))
		return cJSON_CreateTrue();
	if (oneof(s, falses))
		return cJSON_CreateFalse();
	if (*p == '+' || *p == '-')
		p++;
	num = p;
	if (oneof(num, infs) || oneof(num, nans))
		return fail(c, n, "unsupported: the YAML float", s);
	if (digits(num)) {
		if (num[0] == '0' && num[1])
			return fail(c, n, "unsupported: the YAML 1.1 octal int", s);
		errno = 0;
		d = strtod(s, &end);
		if (errno || d > 9007199254740992.0 || d < -9007199254740992.0)
			return fail(c, n, "unsupported: an int beyond 2^53", s);
		return cJSON_CreateNumber(d);
	}
	if (strchr(num, '_') && (isdigit((unsigned char)*num) || *num == '.')) {
		char *bare = xstrdup(num), *q = bare, *r;
		int number;
		for (r = bare; *r; r++)
			if (*r != '_')
				*q++ = *r;
		*q = '\0';
		number = digits(bare) || isfloat(bare, p == s);
		free(bare);
		if (number)
			return fail(c, n, "unsupported: a YAML number with underscores", s);
	}
	if ((num[0] == '0' && (num[1] == 'x' || num[1] == 'b')) ||
	    (isdigit((unsigned char)*num) && strchr(num, ':')))
		return fail(c, n, "unsupported: the YAML 1.1 number", s);
	if (isfloat(num, p == s)) {
		d = strtod(s, NULL);
		if (d == (double)(long long)d)
			/* JSON values keep no float for 1.0: refused, not made 1 */
			return fail(c, n, "unsupported: a float with an integral value", s);
		return cJSON_CreateNumber(d);
	}
	return cJSON_CreateString(s);
}

struct pairs {
	yaml_node_pair_t *v;
	size_t n, cap;
};

static int
ismerge(const yaml_node_t *k)
{
	return k->type == YAML_SCALAR_NODE && k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    !strcmp((const char *)k->data.scalar.value, "<<");
}

/* The pairs of mapping n onto out, as PyYAML's flatten_mapping: those
 * of each merge key's mapping (of a list of mappings, the last one's
 * first) before n's own; a key twice is then the last one's value in the
 * first one's place, as a dict. 0, or -1 with c->err set. */
static int
flatten(struct conv *c, yaml_node_t *n, struct pairs *out)
{
	struct pairs own = {NULL, 0, 0};
	yaml_node_pair_t *p;
	size_t i;
	int r = 0;

	if (++c->depth > 200) {
		c->depth--;
		fail(c, n, "YAML nested too deep", NULL);
		return -1;
	}
	for (p = n->data.mapping.pairs.start; !r && p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *v = yaml_document_get_node(c->d, p->value);
		yaml_node_item_t *it;
		if (!ismerge(yaml_document_get_node(c->d, p->key))) {
			if (own.n == own.cap)
				own.v = xreallocarray(own.v, own.cap = own.cap ? 2 * own.cap : 8,
				    sizeof(*own.v));
			own.v[own.n++] = *p;
		} else if (v->type == YAML_MAPPING_NODE)
			r = flatten(c, v, out);
		else if (v->type != YAML_SEQUENCE_NODE) {
			fail(c, v, "while constructing a mapping: expected a mapping or list of "
			    "mappings for merging", NULL);
			r = -1;
		} else
			for (it = v->data.sequence.items.top; !r && it > v->data.sequence.items.start; ) {
				yaml_node_t *m = yaml_document_get_node(c->d, *--it);
				if (m->type != YAML_MAPPING_NODE) {
					fail(c, m, "while constructing a mapping: expected a mapping "
					    "for merging", NULL);
					r = -1;
				} else
					r = flatten(c, m, out);
			}
	}
	for (i = 0; !r && i < own.n; i++) {
		if (out->n == out->cap)
			out->v = xreallocarray(out->v, out->cap = out->cap ? 2 * out->cap : 8,
			    sizeof(*out->v));
		out->v[out->n++] = own.v[i];
	}
	free(own.v);
	c->depth--;
	return r;
}

static cJSON *
conv(struct conv *c, yaml_node_t *n)
{
	cJSON *r;
	const char *tag = n->tag ? (const char *)n->tag : "";

	if (++c->depth > 200) {
		c->depth--;
		return fail(c, n, "YAML nested too deep", NULL);
	}
	switch (n->type) {
	case YAML_SCALAR_NODE: {
		const char *s = (const char *)n->data.scalar.value;
		if (strcmp(tag, YAML_STR_TAG) && strcmp(tag, "!") && *tag &&
		    n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && strcmp(tag, YAML_DEFAULT_SCALAR_TAG))
			r = fail(c, n, "unsupported: the YAML tag", tag);
		else if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			r = cJSON_CreateString(s);
		else
			r = plain(c, n, s);
		if (r && n->data.scalar.length != strlen(s))
			r = fail(c, n, "a NUL in a YAML scalar", NULL);
		break;
	}
	case YAML_SEQUENCE_NODE: {
		yaml_node_item_t *i;
		r = cJSON_CreateArray();
		for (i = n->data.sequence.items.start; r && i < n->data.sequence.items.top; i++) {
			cJSON *x = conv(c, yaml_document_get_node(c->d, *i));
			if (!x) {
				cJSON_Delete(r);
				r = NULL;
			} else
				cJSON_AddItemToArray(r, x);
		}
		break;
	}
	case YAML_MAPPING_NODE: {
		struct pairs ps = {NULL, 0, 0};
		yaml_node_pair_t *p;
		r = flatten(c, n, &ps) < 0 ? NULL : cJSON_CreateObject();
		for (p = ps.v; r && p < ps.v + ps.n; p++) {
			yaml_node_t *k = yaml_document_get_node(c->d, p->key);
			cJSON *x;
			const char *ks;
			if (k->type != YAML_SCALAR_NODE) {
				cJSON_Delete(r);
				r = fail(c, k, "unsupported: a YAML key that is not a scalar", NULL);
				break;
			}
			ks = (const char *)k->data.scalar.value;
			if (k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
				cJSON *kt = plain(c, k, ks);
				int isstr = kt && cJSON_IsString(kt);
				cJSON_Delete(kt);
				if (!isstr) {
					cJSON_Delete(r);
					r = c->err ? NULL : fail(c, k, "unsupported: a YAML key that is not a string", ks);
					break;
				}
			}
			if (skipped(c, ks))
				x = cJSON_CreateNull();
			else if (!(x = conv(c, yaml_document_get_node(c->d, p->value)))) {
				cJSON_Delete(r);
				r = NULL;
				break;
			}
			/* a repeated key: the last wins, as in PyYAML */
			if (cJSON_GetObjectItemCaseSensitive(r, ks))
				cJSON_ReplaceItemInObjectCaseSensitive(r, ks, x);
			else
				cJSON_AddItemToObject(r, ks, x);
		}
		free(ps.v);
		break;
	}
	default:
		r = cJSON_CreateNull();
	}
	c->depth--;
	return r;
}

static cJSON *
load(yaml_parser_t *p, const char *path, const char *const *skip, char **err)
{
	yaml_document_t d;
	yaml_node_t *root;
	struct conv c;
	cJSON *r;

	if (!yaml_parser_load(p, &d)) {
		*err = xasprintf("%s:%lu:%lu: %s", path,
		    (unsigned long)p->problem_mark.line + 1,
		    (unsigned long)p->problem_mark.column + 1,
		    p->problem ? p->problem : "invalid YAML");
		yaml_parser_delete(p);
		return NULL;
	}
	yaml_parser_delete(p);
	memset(&c, 0, sizeof(c));
	c.path = path;
	c.d = &d;
	c.skip = skip;
	root = yaml_document_get_root_node(&d);
	r = root ? conv(&c, root) : cJSON_CreateNull();
	yaml_document_delete(&d);
	if (!r)
		*err = c.err ? c.err : xasprintf("%s: cannot read", path);
	else
		free(c.err);
	return r;
}

cJSON *
yamlload(const char *path, char **err)
{
	return yamlloadsome(path, NULL, err);
}

cJSON *
yamlloadsome(const char *path, const char *const *skip, char **err)
{
	yaml_parser_t p;
	cJSON *r;
	FILE *f;

	*err = NULL;
	if (!(f = fopen(path, "rb")))
		return NULL;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	r = load(&p, path, skip, err);
	fclose(f);
	return r;
}

cJSON *
yamlparse(const char *s, const char *name, char **err)
{
	yaml_parser_t p;

	*err = NULL;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)s, strlen(s));
	return load(&p, name, NULL, err);
}
