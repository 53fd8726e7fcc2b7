/* nodejson.c: nodes shaped as dbt parse writes them (see nodejson.h). */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "dbtctx.h"
#include "hash.h"
#include "htab.h"
#include "jvalue.h"
#include "nodejson.h"
#include "util.h"

/* dbt's field order: what every node has, then each kind's own. */
static const char *const common[] = {"database", "schema", "name", "resource_type",
    "package_name", "path", "original_file_path", "unique_id", "fqn", "alias", "checksum",
    "config", "tags", "description", "columns", "meta", "group", "docs", "patch_path",
    "build_path", "unrendered_config", "created_at", "relation_name", "raw_code", "doc_blocks",
    NULL};
static const char *const seedkeys[] = {"root_path", "depends_on", NULL};
static const char *const sqlkeys[] = {"language", "refs", "sources", "metrics", "functions",
    "depends_on", "compiled_path", "contract", NULL};
static const char *const modelkeys[] = {"access", "constraints", "version", "latest_version",
    "deprecation_date", "primary_key", "time_spine", NULL};
static const char *const opkeys[] = {"index", NULL};
static const char *const testkeys[] = {"column_name", "file_key_name", "attached_node",
    "test_metadata", NULL};
static const char *const metakeys[] = {"name", "kwargs", "namespace", NULL};
static const char *const expkeys[] = {"name", "resource_type", "package_name", "path",
    "original_file_path", "unique_id", "fqn", "type", "owner", "description", "label",
    "maturity", "meta", "tags", "config", "unrendered_config", "url", "depends_on", "refs",
    "sources", "metrics", "created_at", NULL};
static const char *const ownerkeys[] = {"email", "name", NULL};
static const char *const srckeys[] = {"database", "schema", "name", "resource_type",
    "package_name", "path", "original_file_path", "unique_id", "fqn", "source_name",
    "source_description", "loader", "identifier", "quoting", "loaded_at_field",
    "loaded_at_query", "freshness", "external", "description", "columns", "meta",
    "source_meta", "tags", "config", "patch_path", "unrendered_config", "relation_name",
    "created_at", "unrendered_database", "unrendered_schema", "doc_blocks", NULL};

/* A field's default, for one the reader left out; NULL: none (it is
 * dbt's only where the reader sets it). */
static cJSON *
dflt(const char *k)
{
	cJSON *o;

	if (!strcmp(k, "group") || !strcmp(k, "build_path") || !strcmp(k, "compiled_path") ||
	    !strcmp(k, "deprecation_date") || !strcmp(k, "time_spine"))
		return cJSON_CreateNull();
	if (!strcmp(k, "doc_blocks") || !strcmp(k, "metrics") || !strcmp(k, "functions") ||
	    !strcmp(k, "primary_key"))
		return cJSON_CreateArray();
	if (!strcmp(k, "columns"))
		return cJSON_CreateObject();
	if (!strcmp(k, "docs")) {
		o = cJSON_CreateObject();
		cJSON_AddTrueToObject(o, "show");
		cJSON_AddNullToObject(o, "node_color");
		return o;
	}
	if (!strcmp(k, "contract")) {
		o = cJSON_CreateObject();
		cJSON_AddFalseToObject(o, "enforced");
		cJSON_AddTrueToObject(o, "alias_types");
		cJSON_AddNullToObject(o, "checksum");
		return o;
	}
	return NULL;
}

/* Move the keys of lists (NULL-ended lists, NULL-ended) to the front of
 * o, in that order, the missing ones at their defaults when dflts is
 * set; what no list names stays after them, as it was. */
static void
order(cJSON *o, const char *const *const *lists, int dflts)
{
	cJSON *front = NULL, *last = NULL, *v;
	struct htab by = {0};
	size_t l, i;
	int dup = 0;

	/* o's items by key, each detached by its pointer: a key there
	 * twice, the lookup by name decides which */
	for (v = o->child; v && !dup; v = v->next)
		dup = !v->string || htabput(&by, v->string, v) != NULL;
	for (l = 0; lists[l]; l++)
		for (i = 0; lists[l][i]; i++) {
			if (dup)
				v = cJSON_DetachItemFromObjectCaseSensitive(o, lists[l][i]);
			else if ((v = htabget(&by, lists[l][i]))) {
				htabput(&by, lists[l][i], NULL);
				cJSON_DetachItemViaPointer(o, v);
			}
			if (!v) {
				if (!dflts || !(v = dflt(lists[l][i])))
					continue;
				v->string = jsonstrdup(lists[l][i]);
			}
			v->prev = last;
			v->next = NULL;
			if (last)
				last->next = v;
			else
				front = v;
			last = v;
		}
	htabfree(&by);
	if (!front)
		return;
	last->next = o->child;
	if (o->child) {
		front->prev = o->child->prev;
		o->child->prev = last;
	} else
		front->prev = last;
	o->child = front;
}

static int
is(const cJSON *n, const char *k, const char *v)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n, k));

	return s && !strcmp(s, v);
}

/* Python's repr() of a JSON value, as the engine prints it; what it
 * cannot print exactly stops the reader, naming the node. */
static void
pyval(struct buf *b, const cJSON *v, const char *uid)
{
	struct arena a = {0};
	const char *err;

	if (!v) {
		bufputs(b, "None");
		return;
	}
	if ((err = jvreprto(b, dbtjson(&a, (cJSON *)v))))
		fatal("%s: its contract's checksum: unsupported: %s", uid, err);
	arenafree(&a);
}

/* str() of a list of dbt's ColumnLevelConstraint (ModelLevelConstraint
 * with model set): the dataclasses' repr. */
static void
pyconstraints(struct buf *b, const cJSON *l, int model, const char *uid)
{
	static const char *const f[] = {"name", "expression", "warn_unenforced",
	    "warn_unsupported", "to", "to_columns", NULL};
	const cJSON *c;
	size_t i;

	bufputc(b, '[');
	cJSON_ArrayForEach(c, l) {
		const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "type"));
		if (c != l->child)
			bufputs(b, ", ");
		bufprintf(b, "%sLevelConstraint(type=<ConstraintType.%s: ", model ? "Model" : "Column",
		    t ? t : "");
		pyval(b, cJSON_GetObjectItemCaseSensitive(c, "type"), uid);
		bufputc(b, '>');
		for (i = 0; f[i]; i++) {
			bufprintf(b, ", %s=", f[i]);
			pyval(b, cJSON_GetObjectItemCaseSensitive(c, f[i]), uid);
		}
		if (model) {
			bufputs(b, ", columns=");
			pyval(b, cJSON_GetObjectItemCaseSensitive(c, "columns"), uid);
		}
		bufputc(b, ')');
	}
	bufputc(b, ']');
}

static int
byname(const void *a, const void *b)
{
	return strcmp((*(cJSON *const *)a)->string, (*(cJSON *const *)b)->string);
}

/* An enforced contract's checksum, as dbt's build_contract_checksum:
 * taken when a properties file patched the model. */
static void
contractsum(cJSON *n)
{
	cJSON *k = cJSON_GetObjectItemCaseSensitive(n, "contract"), *cols, *c, **v;
	const char *mat = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(n, "config"), "materialized"));
	struct buf b = {0};
	char hex[SHA256_HEX];
	size_t i, nc = 0;

	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k, "enforced")) ||
	    !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(k, "checksum")) ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(n, "patch_path")))
		return;
	cols = cJSON_GetObjectItemCaseSensitive(n, "columns");
	v = xcalloc((size_t)cJSON_GetArraySize(cols) + 1, sizeof(*v));
	cJSON_ArrayForEach(c, cols)
		v[nc++] = c;
	qsort(v, nc, sizeof(*v), byname);
	bufputs(&b, "");
	for (i = 0; i < nc; i++) {
		const cJSON *dt = cJSON_GetObjectItemCaseSensitive(v[i], "data_type");
		bufprintf(&b, "|%s%s", v[i]->string, cJSON_IsString(dt) ? dt->valuestring : "None");
		pyconstraints(&b, cJSON_GetObjectItemCaseSensitive(v[i], "constraints"), 0,
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n, "unique_id")));
	}
	free(v);
	if (mat && (!strcmp(mat, "table") || !strcmp(mat, "incremental"))) {
		bufputs(&b, mat);
		pyconstraints(&b, cJSON_GetObjectItemCaseSensitive(n, "constraints"), 1,
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n, "unique_id")));
	}
	sha256hex(b.s, b.len, hex);
	buffree(&b);
	cJSON_ReplaceItemInObjectCaseSensitive(k, "checksum", cJSON_CreateString(hex));
}

/* The columns of a generic test's kwargs that dbt's infer_primary_key
 * takes: column_name, or combination_of_columns' strings. */
static void
testcolumns(const cJSON *t, struct htab *set)
{
	const cJSON *kw = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(t,
	    "test_metadata"), "kwargs"), *c = cJSON_GetObjectItemCaseSensitive(kw, "column_name"), *x;

	if (cJSON_IsString(c))
		htabput(set, c->valuestring, (void *)1);
	else if (cJSON_IsArray(c = cJSON_GetObjectItemCaseSensitive(kw, "combination_of_columns")))
		cJSON_ArrayForEach(x, c)
			if (cJSON_IsString(x))
				htabput(set, x->valuestring, (void *)1);
}

static int
bystr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A list of the set's names, sorted. */
static cJSON *
sortedset(const struct htab *s, const struct htab *also)
{
	const char **v = xcalloc(s->cap + 1, sizeof(*v));
	cJSON *l = cJSON_CreateArray();
	size_t i, n = 0;

	for (i = 0; i < s->cap; i++)
		if (s->keys[i] && (!also || htabget(also, s->keys[i])))
			v[n++] = s->keys[i];
	qsort(v, n, sizeof(*v), bystr);
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(l, cJSON_CreateString(v[i]));
	free(v);
	return l;
}

/* The generic tests by the node they are attached to, enabled and
 * disabled: attached_node -> struct tests. */
struct tests {
	const cJSON **v;
	size_t n;
};

static void
attach(struct htab *by, const cJSON *t)
{
	const char *uid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "attached_node"));
	struct tests *ts;

	if (!uid || !is(t, "resource_type", "test") || !cJSON_GetObjectItemCaseSensitive(t, "test_metadata"))
		return;
	if (!(ts = htabget(by, uid)))
		htabput(by, uid, ts = xcalloc(1, sizeof(*ts)));
	ts->v = xreallocarray(ts->v, ts->n + 1, sizeof(*ts->v));
	ts->v[ts->n++] = t;
}

static void
testsets(const cJSON *t, struct htab *on, struct htab *off, struct htab *nn)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(t, "test_metadata");
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(t,
	    "config"), "enabled");

	if (is(meta, "name", "unique") || is(meta, "name", "unique_combination_of_columns"))
		testcolumns(t, cJSON_IsFalse(en) ? off : on);
	else if (is(meta, "name", "not_null"))
		testcolumns(t, nn);
}

/* dbt's infer_primary_key, sorted as process_model_inferred_primary_keys
 * sorts it: a primary_key constraint's columns, else a column's, else
 * the columns with unique (enabled or disabled) and not_null tests, else
 * those with enabled unique tests, else with disabled ones. */
static cJSON *
primarykey(const struct htab *by, const cJSON *n)
{
	const cJSON *c, *k;
	const struct tests *ts;
	struct htab on = {0}, off = {0}, nn = {0}, both = {0};
	const char *uid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n, "unique_id"));
	cJSON *pk;
	size_t i;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(n, "constraints"))
		if (is(c, "type", "primary_key")) {
			struct htab s = {0};
			cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(c, "columns"))
				if (cJSON_IsString(k))
					htabput(&s, k->valuestring, (void *)1);
			pk = sortedset(&s, NULL);
			htabfree(&s);
			return pk;
		}
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(n, "columns"))
		cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(c, "constraints"))
			if (is(k, "type", "primary_key")) {
				pk = cJSON_CreateArray();
				cJSON_AddItemToArray(pk, cJSON_CreateString(c->string));
				return pk;
			}
	for (i = 0; uid && (ts = htabget(by, uid)) && i < ts->n; i++)
		testsets(ts->v[i], &on, &off, &nn);
	for (i = 0; i < on.cap; i++)
		if (on.keys[i])
			htabput(&both, on.keys[i], (void *)1);
	for (i = 0; i < off.cap; i++)
		if (off.keys[i])
			htabput(&both, off.keys[i], (void *)1);
	pk = sortedset(&nn, &both);
	if (!cJSON_GetArraySize(pk)) {
		cJSON_Delete(pk);
		pk = sortedset(on.len ? &on : &off, NULL);
	}
	htabfree(&on);
	htabfree(&off);
	htabfree(&nn);
	htabfree(&both);
	return pk;
}

static void
shape(const struct htab *by, cJSON *n, int enabled)
{
	const char *const *lists[5] = {common, NULL, NULL, NULL, NULL};
	cJSON *x;

	if (is(n, "resource_type", "source")) {
		lists[0] = srckeys;
		order(n, lists, 1);
		return;
	}
	if (is(n, "resource_type", "seed"))
		lists[1] = seedkeys;
	else {
		lists[1] = sqlkeys;
		if (is(n, "resource_type", "model"))
			lists[2] = modelkeys;
		else if (is(n, "resource_type", "operation"))
			lists[2] = opkeys;
		else if (cJSON_GetObjectItemCaseSensitive(n, "test_metadata"))
			lists[2] = testkeys;
	}
	order(n, lists, 1);
	if ((x = cJSON_GetObjectItemCaseSensitive(n, "test_metadata"))) {
		const char *const *ml[] = {metakeys, NULL};
		order(x, ml, 0);
	}
	if (is(n, "resource_type", "model")) {
		contractsum(n);
		/* dbt infers it for the nodes it parsed: the enabled */
		if (enabled)
			cJSON_ReplaceItemInObjectCaseSensitive(n, "primary_key", primarykey(by, n));
	}
}

void
nodejson(cJSON *doc)
{
	const char *const *el[] = {expkeys, NULL}, *const *ol[] = {ownerkeys, NULL};
	cJSON *n, *l;
	struct htab by = {0};
	size_t i;

	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(doc, "nodes"))
		attach(&by, n);
	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(doc, "disabled"))
		cJSON_ArrayForEach(n, l)
			attach(&by, n);
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(doc, "nodes"))
		shape(&by, n, 1);
	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(doc, "disabled"))
		cJSON_ArrayForEach(n, l)
			if (is(n, "resource_type", "exposure")) {
				order(n, el, 0);
				order(cJSON_GetObjectItemCaseSensitive(n, "owner"), ol, 0);
			} else
				shape(&by, n, 0);
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(doc, "sources"))
		shape(&by, n, 1);
	for (i = 0; i < by.cap; i++)
		if (by.keys[i]) {
			struct tests *ts = by.vals[i];
			free(ts->v);
			free(ts);
		}
	htabfree(&by);
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(doc, "exposures")) {
		order(n, el, 0);
		order(cJSON_GetObjectItemCaseSensitive(n, "owner"), ol, 0);
	}
}
