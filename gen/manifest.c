#define _POSIX_C_SOURCE 200809L
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hash.h"
#include "job.h"
#include "config.h"
#include "dbtctx.h"
#include "manifest.h"

/* An object's members by name: a node is looked up some forty times, in
 * objects of as many members, which cJSON does by walking them each
 * time. A slot is taken when its gen is the index's. */
#define NSLOT 128
struct members {
	const cJSON *o;		/* NULL: none indexed */
	unsigned gen;
	struct {
		const cJSON *v;
		unsigned gen;
	} slot[NSLOT];
};

struct reader {
	struct manifest *m;
	struct members node, config;	/* of the node being read */
	struct buf text;	/* the file's, when read here */
	const char *s, *end;	/* the text */
	const char *top;	/* the top-level member being read */
	int seen;		/* which of ontop()'s once were */
	struct arena scratch;	/* one member's tree at a time */
	struct node *nodes;
	size_t nnodes, capnodes;
	size_t capsources;
	int sawnodes;
	const char *at;		/* the member being read, for messages */
	const char *uid;	/* its unique_id, or NULL at the top level */
};

static void
invalid(struct reader *r, const char *at, const char *what)
{
	int line, col;

	if (!at || at < r->s || at > r->end)
		at = r->end;
	linecol(r->s, (size_t)(at - r->s), &line, &col);
	fatal("%s:%d:%d: invalid JSON%s%s", r->m->path, line, col,
	    what ? ": " : "", what ? what : "");
}

/* Parse the one JSON value at *p into the scratch arena; *p moves past it. */
static cJSON *
value(struct reader *r, const char **p)
{
	const char *end = NULL;
	cJSON *v = arenajson(&r->scratch, *p, (size_t)(r->end - *p), &end);

	if (!v)
		invalid(r, cJSON_GetErrorPtr(), NULL);
	*p = end;
	return v;
}

static const char *
ws(struct reader *r, const char *p)
{
	while (p < r->end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static const char *
keep(struct manifest *m, const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(arenaalloc(&m->keep, n), s, n);
}

static const char *
typename(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsArray(v))
		return "a list";
	if (cJSON_IsObject(v))
		return "an object";
	return "null";
}

enum { TSTR = cJSON_String, TOBJ = cJSON_Object, TLIST = cJSON_Array,
	TBOOL = cJSON_True | cJSON_False };

static const char *
wanted(int type)
{
	return type == TSTR ? "a string" : type == TOBJ ? "an object" :
	    type == TLIST ? "a list" : type == (TSTR | cJSON_Number) ? "a string or a number" :
	    type == cJSON_Number ? "a number" :
	    "a boolean";
}

/* A field of the wrong type: named with the node it is in, where that
 * node starts in the manifest. */
static void
wrongtype(struct reader *r, const char *field, const char *key, const cJSON *v, int type)
{
	int line, col;

	linecol(r->s, (size_t)(r->at - r->s), &line, &col);
	fatal("%s:%d:%d: %s%s%s%s%s is %s, not %s", r->m->path, line, col,
	    r->uid ? r->uid : "", r->uid ? ": " : "", field ? field : "",
	    field ? "." : "", key, typename(v), wanted(type));
}

static unsigned
namehash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Index object o's members, as cJSON_GetObjectItemCaseSensitive() finds
 * them: the first of a name, none after one without a name. An object of
 * too many is left to cJSON. */
static void
indexmembers(struct members *x, const cJSON *o)
{
	const cJSON *c;
	unsigned h, n = 0;

	x->o = NULL;
	if (!cJSON_IsObject(o))
		return;
	for (c = o->child; c; c = c->next)
		if (++n > NSLOT / 2)
			return;
	if (++x->gen == 0) {
		memset(x->slot, 0, sizeof(x->slot));
		x->gen = 1;
	}
	for (c = o->child; c && c->string; c = c->next) {
		for (h = namehash(c->string) % NSLOT; x->slot[h].gen == x->gen; h = (h + 1) % NSLOT)
			if (!strcmp(x->slot[h].v->string, c->string))
				break;
		if (x->slot[h].gen != x->gen) {
			x->slot[h].v = c;
			x->slot[h].gen = x->gen;
		}
	}
	x->o = o;
}

/* o's member key, as cJSON_GetObjectItemCaseSensitive() gives it. */
static const cJSON *
item(struct reader *r, const cJSON *o, const char *key)
{
	struct members *x = o == r->node.o ? &r->node : o == r->config.o ? &r->config : NULL;
	unsigned h;

	if (!x || !o)
		return cJSON_GetObjectItemCaseSensitive(o, key);
	for (h = namehash(key) % NSLOT; x->slot[h].gen == x->gen; h = (h + 1) % NSLOT)
		if (!strcmp(x->slot[h].v->string, key))
			return x->slot[h].v;
	return NULL;
}

/* o's member key when it has the type (TSTR, ...), NULL when it is absent
 * or null; any other value is an error naming field.key. o is an object or
 * NULL. */
static const cJSON *
get(struct reader *r, const cJSON *o, const char *field, const char *key, int type)
{
	const cJSON *v = o ? item(r, o, key) : NULL;

	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!(v->type & type))
		wrongtype(r, field, key, v, type);
	return v;
}

static const char *
str(struct reader *r, const cJSON *o, const char *field, const char *key)
{
	const cJSON *v = get(r, o, field, key, TSTR);

	return v ? v->valuestring : NULL;
}

static const char *
nonempty(struct reader *r, const cJSON *o, const char *field, const char *key)
{
	const char *s = str(r, o, field, key);

	return s && *s ? s : NULL;
}

static const char *
keepor(struct manifest *m, const char *s, const char *dflt)
{
	return s ? keep(m, s) : dflt;
}

/* The strings of the list at o's member key, kept; each must be a string. */
static const char **
strings(struct reader *r, const cJSON *o, const char *field, const char *key, size_t *n)
{
	const cJSON *list = get(r, o, field, key, TLIST), *e;
	const char **v;
	size_t i = 0;
	char at[80];

	*n = 0;
	cJSON_ArrayForEach(e, list) {
		if (!cJSON_IsString(e)) {
			snprintf(at, sizeof(at), "%.60s[%zu]", key, *n);
			wrongtype(r, field, at, e, TSTR);
		}
		++*n;
	}
	v = arenaalloc(&r->m->keep, (*n ? *n : 1) * sizeof(*v));
	cJSON_ArrayForEach(e, list)
		v[i++] = keep(r->m, e->valuestring);
	return v;
}

static enum rtype
rtypeof(const char *t)
{
	if (!strcmp(t, "model"))
		return RMODEL;
	if (!strcmp(t, "seed"))
		return RSEED;
	if (!strcmp(t, "snapshot"))
		return RSNAPSHOT;
	if (!strcmp(t, "test"))
		return RTEST;
	return ROTHER;
}

/* relation_name where the manifest has it (v1 and later, compiled), else
 * "database"."schema"."alias" as dbt-postgres would render it. */
static const char *
relationof(struct reader *r, const cJSON *j)
{
	struct manifest *m = r->m;
	const char *s = nonempty(r, j, NULL, "relation_name");
	const char *db = nonempty(r, j, NULL, "database"), *sch = nonempty(r, j, NULL, "schema");
	const char *id = nonempty(r, j, NULL, "alias");
	struct buf b = {0};

	if (s)
		return keep(m, s);
	if (!id)
		id = nonempty(r, j, NULL, "name");
	if (!id)
		return "";
	if (db) {
		bufrelpart(&b, db, '"');
		bufputc(&b, '.');
	}
	if (sch) {
		bufrelpart(&b, sch, '"');
		bufputc(&b, '.');
	}
	bufrelpart(&b, id, '"');
	s = keep(m, b.s);
	buffree(&b);
	return s;
}

static enum kind
kindof(struct reader *r, const struct node *n, const cJSON *j, const cJSON *config)
{
	const cJSON *en = get(r, config, "config", "enabled", TBOOL);
	const char *mat = str(r, config, "config", "materialized");
	const char *ofp = str(r, j, NULL, "original_file_path");
	const char *raw = nonempty(r, j, NULL, "raw_code"), *rawsql = nonempty(r, j, NULL, "raw_sql");

	if (cJSON_IsFalse(en))
		return KIGNORED;
	if (!strcmp(n->type, "operation"))
		return KOPERATION;
	if (n->rtype == ROTHER)
		return KIGNORED;
	/* dbt mesh and dbt-loom inject other projects' nodes: no file, no code */
	if (ofp && !*ofp && !raw && !rawsql)
		return KEXTERNAL;
	if (n->rtype == RMODEL && mat && !strcmp(mat, "ephemeral"))
		return KEPHEMERAL;
	return KRUN;
}

/* cJSON's text of v with every object's keys sorted: dicts compare equal
 * whatever their order, as in dbt. */
static void
canon(struct buf *b, const cJSON *v)
{
	const cJSON *c, **kids;
	size_t n = 0, i, j;
	char *t;

	if (cJSON_IsObject(v)) {
		cJSON_ArrayForEach(c, v)
			n++;
		kids = xcalloc(n ? n : 1, sizeof(*kids));
		n = 0;
		cJSON_ArrayForEach(c, v)
			kids[n++] = c;
		for (i = 1; i < n; i++)	/* insertion sort: configs are small */
			for (j = i; j > 0 && strcmp(kids[j - 1]->string, kids[j]->string) > 0; j--) {
				c = kids[j];
				kids[j] = kids[j - 1];
				kids[j - 1] = c;
			}
		bufputc(b, '{');
		for (i = 0; i < n; i++) {
			bufprintf(b, "%s\"%s\":", i ? "," : "", kids[i]->string);
			canon(b, kids[i]);
		}
		bufputc(b, '}');
		free(kids);
	} else if (cJSON_IsArray(v)) {
		bufputc(b, '[');
		i = 0;
		cJSON_ArrayForEach(c, v) {
			if (i++)
				bufputc(b, ',');
			canon(b, c);
		}
		bufputc(b, ']');
	} else if (v) {
		t = cJSON_PrintUnformatted(v);
		bufputs(b, t ? t : "null");
		free(t);
	} else {
		bufputs(b, "null");
	}
}

/* What dbt's state:modified compares (same_contents and same_contract),
 * hashed: a generic test's allowed config and fqn; otherwise the raw code
 * (a seed's checksum), the unrendered config but for alias, schema,
 * database, tags and group, the fqn, the configured database, schema and
 * alias, the descriptions persist_docs persists, and the contract. */
static void
dbtsum(struct reader *r, struct node *n, const cJSON *j, const cJSON *config)
{
	static const char *const testkeys[] = {
		"severity", "where", "limit", "fail_calc", "warn_if", "error_if",
		"store_failures", "store_failures_as", "sql_header",
	};
	static const char *const excluded[] = {"alias", "schema", "database", "tags", "group"};
	const cJSON *uc = item(r, j, "unrendered_config"), *c;
	const cJSON *pd = item(r, config, "persist_docs");
	const cJSON *ck = item(r, j, "checksum");
	struct buf b = {0};
	cJSON *keep = cJSON_CreateObject();
	size_t i;
	int generic = cJSON_IsObject(item(r, j, "test_metadata"));

	bufprintf(&b, "%s\n", n->type);
	cJSON_ArrayForEach(c, uc) {
		int take = !generic;
		for (i = 0; generic && i < sizeof(testkeys) / sizeof(*testkeys); i++)
			take |= !strcmp(c->string, testkeys[i]);
		for (i = 0; !generic && i < sizeof(excluded) / sizeof(*excluded); i++)
			take &= strcmp(c->string, excluded[i]) != 0;
		if (take)
			cJSON_AddItemReferenceToObject(keep, c->string, (cJSON *)c);
	}
	bufputs(&b, "config ");
	canon(&b, keep);
	cJSON_Delete(keep);
	bufputs(&b, "\nfqn ");
	canon(&b, item(r, j, "fqn"));
	if (!generic) {
		bufputs(&b, "\nbody ");
		if (n->rtype == RSEED)
			canon(&b, item(r, ck, "checksum"));
		else
			bufputs(&b, nonempty(r, j, NULL, "raw_code") ? nonempty(r, j, NULL, "raw_code") :
			    nonempty(r, j, NULL, "raw_sql") ? nonempty(r, j, NULL, "raw_sql") : "");
		bufputs(&b, "\nrelation ");
		canon(&b, item(r, uc, "database"));
		canon(&b, item(r, uc, "schema"));
		canon(&b, item(r, uc, "alias"));
		if (cJSON_IsTrue(item(r, pd, "relation"))) {
			bufputs(&b, "\ndescription ");
			canon(&b, item(r, j, "description"));
		}
		if (cJSON_IsTrue(item(r, pd, "columns"))) {
			bufputs(&b, "\ncolumns ");
			cJSON_ArrayForEach(c, item(r, j, "columns"))
				bufprintf(&b, "%s=%s;", c->string ? c->string : "",
				    nonempty(r, c, "columns", "description") ?
				    nonempty(r, c, "columns", "description") : "");
		}
		bufputs(&b, "\ncontract ");
		canon(&b, item(r, j, "contract"));
	}
	sha256hex(b.s, b.len, n->dbtsum);
	buffree(&b);
}

/* What jobconfig() and dbtsum() read of a node, of the types they read:
 * anything else would be taken as absent. */
static void
shape(struct reader *r, const cJSON *j, const cJSON *config)
{
	const cJSON *cols = get(r, j, NULL, "columns", TOBJ), *c, *e;
	const cJSON *pd = get(r, config, "config", "persist_docs", TOBJ);
	const cJSON *ct = get(r, config, "config", "contract", TOBJ);
	char at[80];

	get(r, pd, "config.persist_docs", "relation", TBOOL);
	get(r, pd, "config.persist_docs", "columns", TBOOL);
	get(r, ct, "config.contract", "enforced", TBOOL);
	get(r, j, NULL, "description", TSTR);
	cJSON_ArrayForEach(e, get(r, j, NULL, "constraints", TLIST))
		if (!cJSON_IsObject(e))
			wrongtype(r, NULL, "constraints[]", e, TOBJ);
	cJSON_ArrayForEach(c, cols) {
		snprintf(at, sizeof(at), "columns.%.60s", c->string ? c->string : "");
		if (!cJSON_IsObject(c))
			wrongtype(r, NULL, at, c, TOBJ);
		get(r, c, at, "data_type", TSTR);
		get(r, c, at, "description", TSTR);
		get(r, c, at, "quote", TBOOL);
		cJSON_ArrayForEach(e, get(r, c, at, "constraints", TLIST))
			if (!cJSON_IsObject(e))
				wrongtype(r, at, "constraints[]", e, TOBJ);
	}
	get(r, j, NULL, "unrendered_config", TOBJ);
	get(r, j, NULL, "test_metadata", TOBJ);
}

/* A number or a string, as text (a model's version is either). */
static const char *
numstr(struct reader *r, const cJSON *o, const char *key)
{
	const cJSON *v = get(r, o, NULL, key, TSTR | cJSON_Number);
	char num[64];

	if (cJSON_IsNumber(v)) {
		snprintf(num, sizeof(num), "%g", v->valuedouble);
		return keep(r->m, num);
	}
	return v ? keep(r->m, v->valuestring) : NULL;
}

/* What a picture shows of a node: where it is, in which schema. */
static void
graphfields(struct reader *r, struct node *n, const cJSON *j)
{
	struct manifest *m = r->m;

	n->path = keepor(m, nonempty(r, j, NULL, "original_file_path"), NULL);
	n->schema = keepor(m, nonempty(r, j, NULL, "schema"), NULL);
	n->version = numstr(r, j, "version");
	n->attached = keepor(m, nonempty(r, j, NULL, "attached_node"), NULL);
	n->package = keepor(m, str(r, j, NULL, "package_name"), "");
}

/* An on-run-start or on-run-end hook: what hooks.h renders and runs. */
static void
operation(struct reader *r, struct node *n, const cJSON *j)
{
	const cJSON *ix = get(r, j, NULL, "index", cJSON_Number);
	size_t i;

	n->tags = strings(r, j, NULL, "tags", &n->ntags);
	for (i = 0; i < n->ntags; i++)
		if (!strcmp(n->tags[i], "on-run-start"))
			n->hook = HOOKSTART;
		else if (!strcmp(n->tags[i], "on-run-end"))
			n->hook = HOOKEND;
	if (!n->hook) {
		n->kind = KIGNORED;
		return;
	}
	n->hookidx = ix ? (int)ix->valuedouble : 0;
	n->materialized = n->type;
	n->language = "sql";
	n->relation = "";
	n->config = "";
	n->path = keepor(r->m, nonempty(r, j, NULL, "original_file_path"), NULL);
	n->package = keepor(r->m, str(r, j, NULL, "package_name"), "");
}

static void
readnode(struct reader *r, const char *uid, const cJSON *j)
{
	struct manifest *m = r->m;
	const cJSON *config, *dep, *ck;
	const char *t, *sql, *mat;
	struct node *n;

	r->uid = NULL;
	if (!cJSON_IsObject(j))
		wrongtype(r, NULL, uid, j, TOBJ);
	r->uid = uid;
	indexmembers(&r->node, j);
	config = get(r, j, NULL, "config", TOBJ);
	indexmembers(&r->config, config);
	t = str(r, j, NULL, "resource_type");
	if (r->nnodes == r->capnodes) {
		r->capnodes = r->capnodes ? r->capnodes * 2 : 256;
		r->nodes = xreallocarray(r->nodes, r->capnodes, sizeof(*r->nodes));
	}
	n = &r->nodes[r->nnodes++];
	memset(n, 0, sizeof(*n));
	n->uid = keep(m, uid);
	n->type = keepor(m, t, "");
	n->rtype = rtypeof(n->type);
	n->kind = kindof(r, n, j, config);
	n->name = keepor(m, str(r, j, NULL, "name"), n->uid);
	if (n->kind == KIGNORED)
		return;
	if (n->kind == KOPERATION) {
		operation(r, n, j);
		return;
	}
	if (m->forgraph)
		graphfields(r, n, j);
	dep = get(r, j, NULL, "depends_on", TOBJ);
	n->depids = strings(r, dep, "depends_on", "nodes", &n->ndepids);
	if (n->kind != KRUN)
		return;
	mat = nonempty(r, config, "config", "materialized");
	n->materialized = n->rtype == RMODEL && mat ? keep(m, mat) : n->type;
	n->language = keepor(m, nonempty(r, j, NULL, "language"), "sql");
	if (!strcmp(n->language, "sql"))
		n->language = "sql";
	sql = nonempty(r, j, NULL, "compiled_code");
	if (!sql)
		sql = nonempty(r, j, NULL, "injected_sql");
	if (!sql)
		sql = nonempty(r, j, NULL, "compiled_sql");
	n->sql = sql ? keep(m, sql) : NULL;
	n->relation = relationof(r, j);
	n->path = keepor(m, nonempty(r, j, NULL, "original_file_path"), NULL);
	if (n->rtype == RSEED) {
		/* where the seed's file is depends on its package */
		n->rootpath = keepor(m, nonempty(r, j, NULL, "root_path"), NULL);
		n->package = keepor(m, str(r, j, NULL, "package_name"), "");
	}
	n->tags = strings(r, j, NULL, "tags", &n->ntags);
	ck = get(r, j, NULL, "checksum", TOBJ);
	n->checksum = keepor(m, nonempty(r, ck, "checksum", "checksum"), NULL);
	shape(r, j, config);
	n->config = jobconfig(&m->keep, n, j, config);
	/* judged as for postgres; whether it is, the profile may say */
	if (m->fordeploy && n->kind == KRUN)
		n->refused = configcheck(n, config, "postgres");
	if (m->fordbt) {
		dbtsum(r, n, j, config);
		n->macros = strings(r, dep, "depends_on", "macros", &n->nmacros);
	}
	if (m->forselect) {
		char *cj = config ? cJSON_PrintUnformatted(config) : NULL;
		n->fqn = strings(r, j, NULL, "fqn", &n->nfqn);
		n->package = keepor(m, str(r, j, NULL, "package_name"), "");
		n->configjson = keepor(m, cj, "{}");
		n->generic = get(r, j, NULL, "test_metadata", TOBJ) != NULL;
		free(cj);
	}
}

static void
readexposure(struct reader *r, const char *uid, const cJSON *j)
{
	struct manifest *m = r->m;
	struct exposure *x;

	m->exposures = xreallocarray(m->exposures, m->nexposures + 1,
	    sizeof(*m->exposures));
	x = &m->exposures[m->nexposures++];
	memset(x, 0, sizeof(*x));
	r->uid = NULL;
	if (!cJSON_IsObject(j))
		wrongtype(r, NULL, uid, j, TOBJ);
	r->uid = uid;
	x->uid = keep(m, uid);
	x->name = keepor(m, str(r, j, NULL, "name"), x->uid);
	x->depids = strings(r, get(r, j, NULL, "depends_on", TOBJ), "depends_on", "nodes",
	    &x->ndepids);
	x->tags = strings(r, j, NULL, "tags", &x->ntags);
	if (m->forgraph) {
		x->type = keepor(m, nonempty(r, j, NULL, "type"), NULL);
		x->label = keepor(m, nonempty(r, j, NULL, "label"), NULL);
		x->path = keepor(m, nonempty(r, j, NULL, "original_file_path"), NULL);
	}
}

static void
readsource(struct reader *r, const char *uid, const cJSON *j)
{
	struct manifest *m = r->m;
	const char *sn, *tn;
	struct source *s;

	r->uid = NULL;
	if (!cJSON_IsObject(j))
		wrongtype(r, NULL, uid, j, TOBJ);
	r->uid = uid;
	if (m->nsources == r->capsources) {
		r->capsources = r->capsources ? r->capsources * 2 : 16;
		m->sources = xreallocarray(m->sources, r->capsources, sizeof(*m->sources));
	}
	s = &m->sources[m->nsources++];
	s->uid = keep(m, uid);
	sn = nonempty(r, j, NULL, "source_name");
	tn = nonempty(r, j, NULL, "name");
	if (sn && tn) {
		char *both = xasprintf("%s.%s", sn, tn);
		s->name = keep(m, both);
		free(both);
	} else {
		/* source.PACKAGE.SOURCE.TABLE */
		const char *p = strchr(uid, '.');
		p = p ? strchr(p + 1, '.') : NULL;
		s->name = p ? keep(m, p + 1) : s->uid;
	}
	s->schema = keepor(m, nonempty(r, j, NULL, "schema"), NULL);
	s->path = keepor(m, nonempty(r, j, NULL, "original_file_path"), NULL);
}

static void
addknown(struct reader *r, const char *uid)
{
	const char *k = keep(r->m, uid);

	htabput(&r->m->known, k, (void *)k);
}

/* Step through the object at *p, calling fn(r, key, &p) with p at each
 * member's value; fn must consume the value. */
static void
members(struct reader *r, const char **pp,
    void (*fn)(struct reader *, const char *, const char **))
{
	const char *p = ws(r, *pp);
	cJSON *k;
	char *key;

	if (p >= r->end || *p != '{')
		invalid(r, p, "expected an object");
	p = ws(r, p + 1);
	if (p < r->end && *p == '}') {
		*pp = p + 1;
		return;
	}
	for (;;) {
		if (p >= r->end || *p != '"')
			invalid(r, p, "expected a key");
		k = value(r, &p);
		key = xstrdup(k->valuestring);
		arenareset(&r->scratch);
		p = ws(r, p);
		if (p >= r->end || *p != ':')
			invalid(r, p, "expected ':'");
		fn(r, key, &p);
		free(key);
		p = ws(r, p);
		if (p < r->end && *p == ',') {
			p = ws(r, p + 1);
			continue;
		}
		if (p < r->end && *p == '}')
			break;
		invalid(r, p, "expected ',' or '}'");
	}
	*pp = p + 1;
}

/* A string with its length before it, in 7-bit groups (the first byte
 * of a short string's is its length). */
static void
sumstr(struct buf *b, int tag, const char *s)
{
	size_t n = strlen(s), k;
	char *p;

	bufgrow(b, n + 12);
	p = b->s + b->len;
	*p++ = (char)tag;
	for (k = n; k >= 0x80; k >>= 7)
		*p++ = (char)(0x80 | (k & 0x7F));
	*p++ = (char)k;
	memcpy(p, s, n);
	b->len = (size_t)(p + n - b->s);
}

/* A JSON value written unambiguously, for hashing: each string with its
 * length, members in their order. */
static void
sumform(struct buf *b, const cJSON *x)
{
	const cJSON *c;

	switch (x->type & 0xFF) {
	case cJSON_String:
		sumstr(b, 's', x->valuestring);
		return;
	case cJSON_Number:
		bufputc(b, 'n');
		bufadd(b, (const char *)&x->valuedouble, sizeof(x->valuedouble));
		return;
	case cJSON_True: bufputc(b, 't'); return;
	case cJSON_False: bufputc(b, 'f'); return;
	case cJSON_NULL: bufputc(b, 'z'); return;
	case cJSON_Array: case cJSON_Object:
		bufputc(b, cJSON_IsArray(x) ? '[' : '{');
		for (c = x->child; c; c = c->next) {
			if (c->string)
				sumstr(b, 'k', c->string);
			sumform(b, c);
		}
		bufputc(b, ']');
		return;
	default:
		bufputc(b, '?');
	}
}

void
manifestsum(const cJSON *j, struct buf *b, char out[SHA256_HEX])
{
	const cJSON *x;

	b->len = 0;
	for (x = j->child; x; x = x->next) {
		/* dbt parse writes a new created_at each time: not an input */
		if (x->string && !strcmp(x->string, "created_at"))
			continue;
		sumstr(b, 'k', x->string ? x->string : "");
		sumform(b, x);
	}
	sha256hex(b->s ? b->s : "", b->len, out);
}

/* What the render takes of a node without its tree (struct node's at,
 * len, ephem, rawok and rawsum), as it would take them of the tree. */
static void
forrender(struct reader *r, struct node *n, const cJSON *j, const char *at, const char *end)
{
	const cJSON *mat = item(r, item(r, j, "config"), "materialized");
	const cJSON *lang = item(r, j, "language");

	n->at = at;
	n->len = (size_t)(end - at);
	n->ephem = cJSON_IsString(mat) && !strcmp(mat->valuestring, "ephemeral");
	n->rawok = (!cJSON_IsString(lang) || !strcmp(lang->valuestring, "sql")) &&
	    (cJSON_IsString(item(r, j, "raw_code")) || cJSON_IsString(item(r, j, "raw_sql")));
	if (!n->sql && (n->kind == KRUN || n->kind == KEPHEMERAL || n->kind == KEXTERNAL)) {
		n->rawsum = arenaalloc(&r->m->keep, SHA256_HEX);
		sha256hex(at, (size_t)(end - at), n->rawsum);
	}
}

/* Each member value starts after the ':' at *p. */
static void
onnode(struct reader *r, const char *key, const char **p)
{
	struct arenamark mark = arenamark(&r->m->trees);
	const char *end = NULL;
	cJSON *j;
	struct node *n;

	++*p;
	r->at = ws(r, *p);
	/* in the trees' arena, kept there when the render will take it */
	if (!(j = arenajson(&r->m->trees, *p, (size_t)(r->end - *p), &end)))
		invalid(r, cJSON_GetErrorPtr(), NULL);
	*p = end;
	readnode(r, key, j);
	n = &r->nodes[r->nnodes - 1];
	if (r->m->json)
		forrender(r, n, j, r->at, *p);
	if (n->rawsum && r->m->fortrees)
		n->tree = j;
	else
		arenarollback(&r->m->trees, mark);
	r->node.o = r->config.o = NULL;
	arenareset(&r->scratch);
}

/* Where a source is, for the render. */
static void
srcspan(struct reader *r, const char *key, const char *at, const char *end)
{
	struct span *sp;
	const char *k;

	if (!r->m->json || strcmp(r->top, "sources"))
		return;
	sp = arenaalloc(&r->m->keep, sizeof(*sp));
	k = keep(r->m, key);
	sp->uid = k;
	sp->at = at;
	sp->len = (size_t)(end - at);
	if (htabput(&r->m->srcspans, k, sp))
		r->m->spandup = 1;
}

static void
onexposure(struct reader *r, const char *key, const char **p)
{
	++*p;
	r->at = ws(r, *p);
	readexposure(r, key, value(r, p));
	arenareset(&r->scratch);
	addknown(r, key);
}

static void
onsource(struct reader *r, const char *key, const char **p)
{
	++*p;
	r->at = ws(r, *p);
	readsource(r, key, value(r, p));
	srcspan(r, key, r->at, *p);
	arenareset(&r->scratch);
	addknown(r, key);
}

static void
onknown(struct reader *r, const char *key, const char **p)
{
	const char *at;

	++*p;
	at = ws(r, *p);
	value(r, p);
	srcspan(r, key, at, *p);
	arenareset(&r->scratch);
	addknown(r, key);
}

/* A materialization macro, kept by unique_id (manifestmatover). */
static void
notemat(struct reader *r, const char *uid)
{
	struct manifest *m = r->m;
	const char *dot;

	if (strncmp(uid, "macro.", 6) || !(dot = strchr(uid + 6, '.')) ||
	    strncmp(dot + 1, "materialization_", 16))
		return;
	m->matover = xreallocarray(m->matover, m->nmatover + 1, sizeof(*m->matover));
	m->matover[m->nmatover++] = keep(m, uid);
}

static void
onmacro(struct reader *r, const char *key, const char **p)
{
	notemat(r, key);
	struct manifest *m = r->m;
	struct macro *mc = arenaalloc(&m->keep, sizeof(*mc));
	const cJSON *j;
	const char *sql;

	++*p;
	r->at = ws(r, *p);
	r->uid = NULL;
	j = value(r, p);
	if (!cJSON_IsObject(j))
		wrongtype(r, NULL, key, j, TOBJ);
	r->uid = key;
	sql = str(r, j, NULL, "macro_sql");
	sha256hex(sql ? sql : "", sql ? strlen(sql) : 0, mc->sum);
	mc->deps = strings(r, get(r, j, NULL, "depends_on", TOBJ), "depends_on", "macros",
	    &mc->ndeps);
	htabput(&m->macros, keep(m, key), mc);
	arenareset(&r->scratch);
}

/* The top-level members that hold one entry per unique_id. */
static int
collection(const char *key)
{
	static const char *const keys[] = {
		"nodes", "exposures", "macros", "sources", "metrics", "semantic_models",
		"saved_queries", "unit_tests", "functions", "disabled",
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (!strcmp(key, keys[i]))
			return 1;
	return 0;
}

static void
ontop1(struct reader *r, const char *key, const char **p)
{
	const cJSON *v, *e, *id;

	++*p;
	if (!strcmp(key, "nodes") && *ws(r, *p) == '{') {
		members(r, p, onnode);
		r->sawnodes = 1;
		return;
	}
	if (!strcmp(key, "exposures") && *ws(r, *p) == '{') {
		members(r, p, onexposure);
		return;
	}
	if (!strcmp(key, "macros") && r->m->fordbt && *ws(r, *p) == '{') {
		members(r, p, onmacro);
		return;
	}
	if (!strcmp(key, "sources") && r->m->forgraph && *ws(r, *p) == '{') {
		members(r, p, onsource);
		return;
	}
	if ((!strcmp(key, "sources") || !strcmp(key, "metrics") ||
	    !strcmp(key, "semantic_models") || !strcmp(key, "saved_queries") ||
	    !strcmp(key, "unit_tests") || !strcmp(key, "functions") ||
	    !strcmp(key, "disabled")) && *ws(r, *p) == '{') {
		members(r, p, onknown);
		return;
	}
	r->at = ws(r, *p);
	r->uid = NULL;
	v = value(r, p);
	/* a collection of the wrong type would be read as empty */
	if (!strcmp(key, "nodes") || (collection(key) && !cJSON_IsNull(v) &&
	    !cJSON_IsObject(v) && !(cJSON_IsArray(v) && !strcmp(key, "disabled"))))
		wrongtype(r, NULL, key, v, TOBJ);
	if (!strcmp(key, "metadata")) {
		const char *a, *d, *pn;
		if (!cJSON_IsObject(v) && !cJSON_IsNull(v))
			wrongtype(r, NULL, key, v, TOBJ);
		a = nonempty(r, v, "metadata", "adapter_type");
		d = nonempty(r, v, "metadata", "dbt_version");
		pn = nonempty(r, v, "metadata", "project_name");
		if (pn)
			r->m->project = keep(r->m, pn);
		if (a) {
			r->m->adapter = keep(r->m, a);
			r->m->adapterset = 1;
		}
		if (d)
			r->m->dbtversion = keep(r->m, d);
	} else if (!strcmp(key, "macros")) {
		cJSON_ArrayForEach(e, v)
			notemat(r, e->string);
	} else if (!strcmp(key, "disabled")) {
		/* before v4, a list of nodes */
		cJSON_ArrayForEach(e, v) {
			if (!cJSON_IsObject(e))
				wrongtype(r, NULL, "disabled[]", e, TOBJ);
			id = get(r, e, "disabled[]", "unique_id", TSTR);
			if (id)
				addknown(r, id->valuestring);
		}
	}
	arenareset(&r->scratch);
}

/* A top-level member; where the render's are, while the text is kept. */
static void
ontop(struct reader *r, const char *key, const char **p)
{
	static const char *const once[] = {"nodes", "sources", "metadata", "macros"};
	struct manifest *m = r->m;
	const char *at = ws(r, *p + 1);
	size_t i;

	r->top = key;
	ontop1(r, key, p);
	r->top = "";
	if (!m->json)
		return;
	for (i = 0; i < sizeof(once) / sizeof(*once); i++)
		if (!strcmp(key, once[i])) {
			if (r->seen & (1 << i))
				m->spandup = 1;
			r->seen |= 1 << i;
		}
	if (!strcmp(key, "metadata")) {
		m->metadata.at = at;
		m->metadata.len = (size_t)(*p - at);
	} else if (!strcmp(key, "macros")) {
		m->macrospan.at = at;
		m->macrospan.len = (size_t)(*p - at);
	}
}

static int
nodecmp(const void *a, const void *b)
{
	return strcmp(((const struct node *)a)->uid, ((const struct node *)b)->uid);
}

static int
sourcecmp(const void *a, const void *b)
{
	return strcmp(((const struct source *)a)->uid, ((const struct source *)b)->uid);
}

static int
exposurecmp(const void *a, const void *b)
{
	return strcmp(((const struct exposure *)a)->name,
	    ((const struct exposure *)b)->name);
}

const char *
manifestdefault(void)
{
	if (access("target/manifest.json", F_OK) < 0 && access(PROJMANIFEST, F_OK) == 0)
		return PROJMANIFEST;
	return "target/manifest.json";
}

void
manifestload(struct manifest *m, const char *path)
{
	manifestloadfor(m, path, 0);
}

void
manifestloadfor(struct manifest *m, const char *path, int what)
{
	manifestloadtext(m, path, NULL, 0, what);
}

/* The file at path mapped, as a regeneration reads tens of megabytes it
 * never writes; NULL (errno set) when it cannot be (empty, not a regular
 * file, no such file): then it is read. */
static void *
mapfile(const char *path, size_t *len)
{
	struct stat st;
	void *p = MAP_FAILED;
	int fd = open(path, O_RDONLY), err;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size <= SIZE_MAX) {
		*len = (size_t)st.st_size;
#ifdef MAP_POPULATE
		p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
#else
		p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
#endif
	}
	err = errno;
	close(fd);
	errno = err;
	return p == MAP_FAILED ? NULL : p;
}

void
manifestloadtext(struct manifest *m, const char *path, const char *text, size_t textlen,
    int what)
{
	struct reader r = {0};
	const char *p;
	size_t i;

	memset(m, 0, sizeof(*m));
	m->text = text;
	m->textlen = textlen;
	m->forselect = (what & LOADSELECT) != 0;
	m->fordbt = (what & LOADDBT) != 0;
	m->fordeploy = (what & LOADDEPLOY) != 0;
	m->forgraph = (what & LOADGRAPH) != 0;
	m->fortrees = (what & LOADTREES) != 0;
	m->path = path;
	m->adapter = "postgres";
	r.m = m;
	if (!m->text)
		m->map = mapfile(path, &m->maplen);
	if (m->map) {
		r.s = m->map;
		r.end = r.s + m->maplen;
		/* a byte order mark, as some Windows tools write: not part of the JSON */
		if (m->maplen >= 3 && !memcmp(r.s, "\xEF\xBB\xBF", 3))
			r.s += 3;
	} else if (m->text && !(textlen >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))) {
		r.s = text;
		r.end = text + textlen;
	} else {
		if (m->text)
			bufadd(&r.text, m->text, m->textlen);
		else if (readfile(path, &r.text) < 0)
			fatal("%s:", path);
		/* a byte order mark, as some Windows tools write: not part of the JSON */
		if (r.text.len >= 3 && !memcmp(r.text.s, "\xEF\xBB\xBF", 3)) {
			memmove(r.text.s, r.text.s + 3, r.text.len - 2);
			r.text.len -= 3;
		}
		r.s = r.text.s ? r.text.s : "";
		r.end = r.s + r.text.len;
	}
	if (r.end == r.s)
		fatal("%s: empty file", path);
	/* kept while a render may need it: pictures never render */
	if (what != LOADGRAPH) {
		m->json = r.s;
		m->jsonlen = (size_t)(r.end - r.s);
	}
	p = ws(&r, r.s);
	if (p < r.end && *p != '{') {
		value(&r, &p);
		fatal("%s: not a dbt manifest: the top level is not an object", path);
	}
	members(&r, &p, ontop);
	p = ws(&r, p);
	if (p < r.end)
		invalid(&r, p, "more after the manifest");
	if (!r.sawnodes)
		fatal("%s: not a dbt manifest: no \"nodes\" object", path);
	arenafree(&r.scratch);
	if (m->json && r.text.s)
		m->jsonown = r.text.s;
	else
		buffree(&r.text);
	if (m->map && !m->json) {
		munmap(m->map, m->maplen);
		m->map = NULL;
	}

	m->nodes = r.nodes;
	m->nnodes = r.nnodes;
	if (m->nnodes)
		qsort(m->nodes, m->nnodes, sizeof(*m->nodes), nodecmp);
	for (i = 0; i < m->nnodes; i++)
		if (htabput(&m->index, m->nodes[i].uid, &m->nodes[i]) ||
		    htabget(&m->srcspans, m->nodes[i].uid))
			m->spandup = 1;
	if (m->nexposures)
		qsort(m->exposures, m->nexposures, sizeof(*m->exposures), exposurecmp);
	if (m->nsources)
		qsort(m->sources, m->nsources, sizeof(*m->sources), sourcecmp);
}

/* Whether the package pkg (np bytes) is dbt's own for the adapters of
 * chain (dbt, dbt_<adapter>): those are what dbt2ninja's are. */
static int
dbtown(const char *pkg, size_t np, const char *const *chain, size_t nc)
{
	size_t k;

	if (np == 3 && !strncmp(pkg, "dbt", 3))
		return 1;
	for (k = 0; k < nc; k++)
		if (np == 4 + strlen(chain[k]) && !strncmp(pkg, "dbt_", 4) &&
		    !strncmp(pkg + 4, chain[k], np - 4))
			return 1;
	return 0;
}

const char *
manifestmatover(const struct manifest *m, const struct node *n, const char *adapter, int pkgs)
{
	const char *chain[3], *pkg, *name;
	size_t i, k, nc, np, l;

	if (n->kind != KRUN || !n->materialized || !strcmp(n->materialized, "ephemeral"))
		return NULL;
	nc = dbtchain(adapter, chain);
	l = strlen(n->materialized);
	for (i = 0; i < m->nmatover; i++) {
		pkg = m->matover[i] + 6;
		np = (size_t)(strchr(pkg, '.') - pkg);
		name = pkg + np + 1 + 16;
		if (dbtown(pkg, np, chain, nc) || strncmp(name, n->materialized, l) ||
		    name[l] != '_')
			continue;
		if (!pkgs && !(m->project && strlen(m->project) == np && !strncmp(pkg, m->project, np)))
			continue;
		if (!strcmp(name + l + 1, "default"))
			return m->matover[i];
		for (k = 0; k < nc; k++)
			if (!strcmp(name + l + 1, chain[k]))
				return m->matover[i];
	}
	return NULL;
}

char *
manifestlabel(const struct node *n)
{
	return n->version ? xasprintf("%s.v%s", n->name, n->version) : xstrdup(n->name);
}

struct source *
manifestsource(const struct manifest *m, const char *uid)
{
	size_t lo = 0, hi = m->nsources, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(uid, m->sources[mid].uid);
		if (!c)
			return &m->sources[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

struct node *
manifestnode(const struct manifest *m, const char *uid)
{
	return htabget(&m->index, uid);
}

void
manifestfree(struct manifest *m)
{
	size_t i;

	manifestdroptext(m);
	for (i = 0; i < m->nnodes; i++) {
		struct node *n = &m->nodes[i];
		free(n->file);
		free(n->jobhash);
		free(n->headhash);
		free(n->deps);
		free(n->parents);
		free(n->gates);
		free(n->refused);
		free(n->tests);
	}
	for (i = 0; i < m->nexposures; i++)
		free(m->exposures[i].parents);
	free(m->nodes);
	free(m->exposures);
	free(m->sources);
	htabfree(&m->index);
	htabfree(&m->known);
	htabfree(&m->macros);
	free(m->matover);
	arenafree(&m->keep);
	arenafree(&m->trees);
}

void
manifestdroptext(struct manifest *m)
{
	size_t i;

	free(m->jsonown);
	m->jsonown = NULL;
	if (m->map)
		munmap(m->map, m->maplen);
	m->map = NULL;
	m->json = NULL;
	m->jsonlen = 0;
	htabfree(&m->srcspans);
	for (i = 0; i < m->nnodes; i++) {
		m->nodes[i].at = NULL;
		m->nodes[i].len = 0;
	}
}
