#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A string value that is present and not empty. */
static const char *
nonempty(const cJSON *o, const char *key)
{
	const char *s = str(o, key);

	return s && *s ? s : NULL;
}

const cJSON *
nodeconfig(const struct node *n, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(n->config, key);
	char alt[64];
	size_t i;

	if (v || strlen(key) >= sizeof(alt))
		return v;
	for (i = 0; key[i]; i++)
		alt[i] = key[i] == '-' ? '_' : key[i];
	alt[i] = '\0';
	return strcmp(alt, key) ? cJSON_GetObjectItemCaseSensitive(n->config, alt) : NULL;
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

static void
quoteident(struct buf *b, const char *s)
{
	bufputc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			bufputc(b, '"');
		bufputc(b, *s);
	}
	bufputc(b, '"');
}

/* relation_name where the manifest has it (v1 and later, compiled), else
 * "database"."schema"."alias" as dbt-postgres would render it. */
static char *
relationof(const cJSON *j)
{
	const char *s = nonempty(j, "relation_name");
	const char *db = nonempty(j, "database"), *sch = nonempty(j, "schema");
	const char *id = nonempty(j, "alias");
	struct buf b = {0};

	if (s)
		return xstrdup(s);
	if (!id)
		id = nonempty(j, "name");
	if (!id)
		return xstrdup("");
	if (db) {
		quoteident(&b, db);
		bufputc(&b, '.');
	}
	if (sch) {
		quoteident(&b, sch);
		bufputc(&b, '.');
	}
	quoteident(&b, id);
	return b.s;
}

static enum kind
kindof(const struct node *n)
{
	const cJSON *en = nodeconfig(n, "enabled");
	const char *mat = str(n->config, "materialized");
	const char *ofp = str(n->json, "original_file_path");

	if (cJSON_IsFalse(en))
		return KIGNORED;
	if (n->rtype == ROTHER)
		return KIGNORED;
	/* dbt mesh and dbt-loom inject other projects' nodes: no file, no code */
	if (ofp && !*ofp && !nonempty(n->json, "raw_code") &&
	    !nonempty(n->json, "raw_sql"))
		return KEXTERNAL;
	if (n->rtype == RMODEL && mat && !strcmp(mat, "ephemeral"))
		return KEPHEMERAL;
	return KRUN;
}

static void
nodeinit(struct node *n, const cJSON *j)
{
	const char *t = str(j, "resource_type");

	n->uid = j->string;
	n->json = j;
	n->config = cJSON_GetObjectItemCaseSensitive(j, "config");
	n->name = str(j, "name");
	if (!n->name)
		n->name = n->uid;
	n->type = t ? t : "";
	n->rtype = rtypeof(n->type);
	n->language = nonempty(j, "language");
	if (!n->language)
		n->language = "sql";
	/* pre-1.0 manifests keep ephemeral CTEs in injected_sql only */
	n->sql = nonempty(j, "compiled_code");
	if (!n->sql)
		n->sql = nonempty(j, "injected_sql");
	if (!n->sql)
		n->sql = nonempty(j, "compiled_sql");
	n->kind = kindof(n);
	n->relation = relationof(j);
}

static int
nodecmp(const void *a, const void *b)
{
	return strcmp(((const struct node *)a)->uid, ((const struct node *)b)->uid);
}

static int
exposurecmp(const void *a, const void *b)
{
	return strcmp(((const struct exposure *)a)->name,
	    ((const struct exposure *)b)->name);
}

static void
addknown(struct manifest *m, const cJSON *map)
{
	const cJSON *e, *id;

	cJSON_ArrayForEach(e, map) {
		if (e->string) {
			htabput(&m->known, e->string, (void *)e);
			continue;
		}
		/* "disabled" before v4 is a list of nodes */
		id = cJSON_GetObjectItemCaseSensitive(e, "unique_id");
		if (cJSON_IsString(id))
			htabput(&m->known, id->valuestring, (void *)e);
	}
}

static void
loadnodes(struct manifest *m, const cJSON *nodes)
{
	const cJSON *j;
	size_t i = 0;

	m->nnodes = (size_t)cJSON_GetArraySize(nodes);
	m->nodes = xcalloc(m->nnodes, sizeof(*m->nodes));
	cJSON_ArrayForEach(j, nodes) {
		if (!cJSON_IsObject(j))
			fatal("%s: node %s is not an object", m->path, j->string);
		nodeinit(&m->nodes[i++], j);
	}
	qsort(m->nodes, m->nnodes, sizeof(*m->nodes), nodecmp);
	for (i = 0; i < m->nnodes; i++)
		htabput(&m->index, m->nodes[i].uid, &m->nodes[i]);
}

static void
loadexposures(struct manifest *m, const cJSON *map)
{
	const cJSON *j;
	size_t i = 0;

	m->nexposures = (size_t)cJSON_GetArraySize(map);
	m->exposures = xcalloc(m->nexposures, sizeof(*m->exposures));
	cJSON_ArrayForEach(j, map) {
		m->exposures[i].json = j;
		m->exposures[i].name = str(j, "name");
		if (!m->exposures[i].name)
			m->exposures[i].name = j->string ? j->string : "";
		i++;
	}
	qsort(m->exposures, m->nexposures, sizeof(*m->exposures), exposurecmp);
}

static struct arena *parsing;

static void *
arenamalloc(size_t n)
{
	return arenaalloc(parsing, n);
}

static void
arenanofree(void *p)
{
	(void)p;
}

static void *
cjmalloc(size_t n)
{
	return xmalloc(n);
}

static void
parse(struct manifest *m)
{
	cJSON_Hooks inarena = {arenamalloc, arenanofree}, heap = {cjmalloc, free};
	const char *end = NULL;
	int line, col;

	if (m->text.len == 0)
		fatal("%s: empty file", m->path);
	parsing = &m->arena;
	cJSON_InitHooks(&inarena);
	m->root = cJSON_ParseWithLengthOpts(m->text.s, m->text.len, &end, 0);
	cJSON_InitHooks(&heap);
	if (!m->root) {
		end = cJSON_GetErrorPtr();
		if (!end || end < m->text.s || end > m->text.s + m->text.len)
			end = m->text.s + m->text.len;
		linecol(m->text.s, (size_t)(end - m->text.s), &line, &col);
		if ((size_t)(end - m->text.s) >= m->text.len)
			fatal("%s:%d:%d: invalid JSON: unexpected end of file",
			    m->path, line, col);
		fatal("%s:%d:%d: invalid JSON", m->path, line, col);
	}
	if (!cJSON_IsObject(m->root))
		fatal("%s: not a dbt manifest: the top level is not an object", m->path);
}

void
manifestload(struct manifest *m, const char *path)
{
	static const char *const others[] = {
		"sources", "exposures", "metrics", "semantic_models",
		"saved_queries", "unit_tests", "functions", "disabled",
	};
	const cJSON *nodes, *meta;
	size_t i;

	memset(m, 0, sizeof(*m));
	m->path = path;
	if (readfile(path, &m->text) < 0)
		fatal("%s:", path);
	parse(m);
	nodes = cJSON_GetObjectItemCaseSensitive(m->root, "nodes");
	if (!cJSON_IsObject(nodes))
		fatal("%s: not a dbt manifest: no \"nodes\" object", path);
	meta = cJSON_GetObjectItemCaseSensitive(m->root, "metadata");
	m->adapter = nonempty(meta, "adapter_type");
	if (!m->adapter)
		m->adapter = "postgres";
	loadnodes(m, nodes);
	for (i = 0; i < sizeof(others) / sizeof(*others); i++)
		addknown(m, cJSON_GetObjectItemCaseSensitive(m->root, others[i]));
	loadexposures(m, cJSON_GetObjectItemCaseSensitive(m->root, "exposures"));
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

	for (i = 0; i < m->nnodes; i++) {
		struct node *n = &m->nodes[i];
		free(n->relation);
		free(n->file);
		free(n->deps);
		free(n->parents);
		free(n->gates);
		free(n->tests);
	}
	for (i = 0; i < m->nexposures; i++)
		free(m->exposures[i].parents);
	free(m->nodes);
	free(m->exposures);
	htabfree(&m->index);
	htabfree(&m->known);
	arenafree(&m->arena);
	buffree(&m->text);
}
