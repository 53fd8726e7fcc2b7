/* nodecfg.c: resolving a node's config (see nodecfg.h). */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "nodecfg.h"
#include "util.h"

/* Replace old (a member of o) with new, under old's key. */
static void
swap(cJSON *o, cJSON *old, cJSON *new)
{
	if (old->string && !new->string)
		new->string = jsonstrdup(old->string);
	cJSON_ReplaceItemViaPointer(o, old, new);
}

static void
null(cJSON *o, const char *k)
{
	cJSON_AddNullToObject(o, k);
}

static cJSON *
docs(void)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddTrueToObject(d, "show");
	null(d, "node_color");
	return d;
}

/* NodeAndTestConfig's fields, then NodeConfig's (models and seeds). */
static void
common(cJSON *c, enum ckind k)
{
	cJSON_AddTrueToObject(c, "enabled");
	null(c, "alias");
	if (k == CTEST)
		cJSON_AddStringToObject(c, "schema", "dbt_test__audit");
	else
		null(c, "schema");
	null(c, "database");
	cJSON_AddArrayToObject(c, "tags");
	cJSON_AddObjectToObject(c, "meta");
	null(c, "group");
	null(c, "static_analysis");
}

cJSON *
cfgdefaults(enum ckind k)
{
	cJSON *c = cJSON_CreateObject(), *ct;

	common(c, k);
	if (k == CTEST) {
		cJSON_AddStringToObject(c, "materialized", "test");
		cJSON_AddStringToObject(c, "severity", "ERROR");
		null(c, "store_failures");
		null(c, "store_failures_as");
		null(c, "where");
		null(c, "limit");
		cJSON_AddStringToObject(c, "fail_calc", "count(*)");
		cJSON_AddStringToObject(c, "warn_if", "!= 0");
		cJSON_AddStringToObject(c, "error_if", "!= 0");
		return c;
	}
	cJSON_AddStringToObject(c, "materialized", k == CSEED ? "seed" :
	    k == CSNAPSHOT ? "snapshot" : "view");
	null(c, "incremental_strategy");
	null(c, "batch_size");
	cJSON_AddNumberToObject(c, "lookback", 1);
	null(c, "begin");
	cJSON_AddObjectToObject(c, "persist_docs");
	cJSON_AddArrayToObject(c, "post-hook");
	cJSON_AddArrayToObject(c, "pre-hook");
	cJSON_AddObjectToObject(c, "quoting");
	cJSON_AddObjectToObject(c, "column_types");
	null(c, "full_refresh");
	null(c, "unique_key");
	cJSON_AddStringToObject(c, "on_schema_change", "ignore");
	cJSON_AddStringToObject(c, "on_configuration_change", "apply");
	cJSON_AddObjectToObject(c, "grants");
	cJSON_AddArrayToObject(c, "packages");
	cJSON_AddItemToObject(c, "docs", docs());
	ct = cJSON_AddObjectToObject(c, "contract");
	cJSON_AddFalseToObject(ct, "enforced");
	cJSON_AddTrueToObject(ct, "alias_types");
	null(c, "event_time");
	null(c, "concurrent_batches");
	if (k == CSEED) {
		cJSON_AddStringToObject(c, "delimiter", ",");
		null(c, "quote_columns");
	} else if (k == CSNAPSHOT) {
		cJSON *mc;
		null(c, "strategy");
		null(c, "target_schema");
		null(c, "target_database");
		null(c, "updated_at");
		null(c, "check_cols");
		mc = cJSON_AddObjectToObject(c, "snapshot_meta_column_names");
		null(mc, "dbt_valid_to");
		null(mc, "dbt_valid_from");
		null(mc, "dbt_scd_id");
		null(mc, "dbt_updated_at");
		null(mc, "dbt_is_deleted");
		null(c, "dbt_valid_to_current");
	} else if (k != COPERATION) {
		cJSON_AddStringToObject(c, "access", "protected");
		null(c, "freshness");
	}
	return c;
}

enum merge { CLOBBER, APPEND, UPDATE, KEYAPPEND };

static enum merge
behaviour(const char *k)
{
	static const char *const app[] = {"pre-hook", "pre_hook", "post-hook", "post_hook",
	    "tags", "packages", NULL};
	static const char *const upd[] = {"quoting", "column_types", "meta", "docs",
	    "contract", NULL};
	size_t i;

	for (i = 0; app[i]; i++)
		if (!strcmp(app[i], k))
			return APPEND;
	for (i = 0; upd[i]; i++)
		if (!strcmp(upd[i], k))
			return UPDATE;
	return !strcmp(k, "grants") ? KEYAPPEND : CLOBBER;
}

/* _listify: a copy of a list, or a list of the one value. */
static cJSON *
listify(const cJSON *v)
{
	cJSON *l;

	if (cJSON_IsArray(v))
		return cJSON_Duplicate(v, 1);
	l = cJSON_CreateArray();
	cJSON_AddItemToArray(l, cJSON_Duplicate(v, 1));
	return l;
}

static void
append(cJSON *to, const cJSON *v)
{
	cJSON *l = listify(v), *x;

	while ((x = cJSON_DetachItemViaPointer(l, l->child)) != NULL && x)
		cJSON_AddItemToArray(to, x);
	cJSON_Delete(l);
}

static void
replace(cJSON *o, const char *k, cJSON *v)
{
	if (cJSON_GetObjectItemCaseSensitive(o, k))
		cJSON_ReplaceItemInObjectCaseSensitive(o, k, v);
	else
		cJSON_AddItemToObject(o, k, v);
}

/* grants: each key a list; "+key" extends, a plain key replaces. */
static void
keyappend(cJSON *have, const cJSON *v, int strip)
{
	const cJSON *x;
	cJSON *e;

	cJSON *next;

	for (e = have->child; e; e = next) {
		next = e->next;
		if (!cJSON_IsArray(e))
			swap(have, e, listify(e));
	}
	cJSON_ArrayForEach(x, v) {
		const char *k = x->string;
		int extend = k[0] == '+';
		cJSON *cur;
		while (extend && *k == '+' && strip)
			k++;
		cur = cJSON_GetObjectItemCaseSensitive(have, k);
		if (cur && extend)
			append(cur, x);
		else
			replace(have, k, listify(x));
	}
}

static void
merge(cJSON *cfg, const char *k, const cJSON *v, int calls)
{
	cJSON *have = cJSON_GetObjectItemCaseSensitive(cfg, k);

	if (!have) {
		replace(cfg, k, calls && behaviour(k) == APPEND ? listify(v) : cJSON_Duplicate(v, 1));
		if (calls && behaviour(k) == KEYAPPEND) {
			cJSON *e, *next, *g = cJSON_GetObjectItemCaseSensitive(cfg, k);
			for (e = g->child; e; e = next) {
				next = e->next;
				if (!cJSON_IsArray(e))
					swap(g, e, listify(e));
			}
		}
		return;
	}
	switch (behaviour(k)) {
	case APPEND:
		if (!cJSON_IsArray(have)) {
			cJSON *l = listify(have);
			swap(cfg, have, l);
			have = l;
		}
		append(have, v);
		return;
	case UPDATE:
		if (cJSON_IsObject(have) && cJSON_IsObject(v)) {
			const cJSON *x;
			cJSON_ArrayForEach(x, v)
				replace(have, x->string, cJSON_Duplicate(x, 1));
			return;
		}
		break;
	case KEYAPPEND:
		if (cJSON_IsObject(have) && cJSON_IsObject(v)) {
			keyappend(have, v, !calls);
			return;
		}
		break;
	case CLOBBER:
		break;
	}
	replace(cfg, k, cJSON_Duplicate(v, 1));
}

void
cfgupdate(cJSON *cfg, const cJSON *partial)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, partial) {
		const char *k = x->string;
		if (!strcmp(k, "pre_hook"))
			k = "pre-hook";
		else if (!strcmp(k, "post_hook"))
			k = "post-hook";
		merge(cfg, k, x, 0);
	}
}

void
cfgcallmerge(cJSON *calls, const cJSON *opts)
{
	const cJSON *x;

	if (!calls->child) {
		cJSON_ArrayForEach(x, opts)
			cJSON_AddItemToObject(calls, x->string, cJSON_Duplicate(x, 1));
		return;
	}
	cJSON_ArrayForEach(x, opts)
		merge(calls, x->string, x, 1);
}

/* A hook as dbt's Hook: a string is its SQL, run in the transaction. */
static cJSON *
hook(const cJSON *h, char **err)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *s = cJSON_IsString(h) ? h : cJSON_GetObjectItemCaseSensitive(h, "sql");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(h, "transaction");
	const cJSON *x;

	if (!cJSON_IsString(s) || (t && !cJSON_IsBool(t))) {
		*err = xstrdup("a hook that is not a string or {sql, transaction}");
		cJSON_Delete(o);
		return NULL;
	}
	cJSON_ArrayForEach(x, (cJSON_IsObject(h) ? h : (const cJSON *)NULL))
		if (strcmp(x->string, "sql") && strcmp(x->string, "transaction")) {
			*err = xasprintf("a hook's key %s, which is not read here", x->string);
			cJSON_Delete(o);
			return NULL;
		}
	cJSON_AddStringToObject(o, "sql", s->valuestring);
	cJSON_AddBoolToObject(o, "transaction", !t || cJSON_IsTrue(t));
	null(o, "index");
	return o;
}

int
cfgfinish(cJSON *cfg, char **err)
{
	static const char *const hooks[] = {"post-hook", "pre-hook"};
	size_t i;

	for (i = 0; i < 2; i++) {
		cJSON *h = cJSON_GetObjectItemCaseSensitive(cfg, hooks[i]), *l, *x;
		if (!h)
			continue;
		l = cJSON_CreateArray();
		cJSON_ArrayForEach(x, (cJSON_IsArray(h) ? h : (cJSON *)NULL)) {
			cJSON *o = hook(x, err);
			if (!o) {
				cJSON_Delete(l);
				return -1;
			}
			cJSON_AddItemToArray(l, o);
		}
		if (!cJSON_IsArray(h)) {
			cJSON *o = hook(h, err);
			if (!o) {
				cJSON_Delete(l);
				return -1;
			}
			cJSON_AddItemToArray(l, o);
		}
		swap(cfg, h, l);
	}
	return 0;
}

void
cfglevels(const cJSON *tree, const char *top, char *const *fqn, size_t n,
    void (*fn)(void *, const char *, cJSON *), void *arg)
{
	struct buf path = {0};
	size_t i;

	bufputs(&path, top);
	for (i = 0; tree; i++) {
		cJSON *level = cJSON_CreateObject();
		const cJSON *x;
		cJSON_ArrayForEach(x, tree) {
			if (x->string[0] == '+') {
				const char *k = x->string + 1;
				while (*k == ' ' || *k == '\t')
					k++;
				replace(level, k, cJSON_Duplicate(x, 1));
			} else if (!cJSON_IsObject(x))
				replace(level, x->string, cJSON_Duplicate(x, 1));
		}
		fn(arg, path.s, level);
		cJSON_Delete(level);
		if (i == n)
			break;
		tree = cJSON_GetObjectItemCaseSensitive(tree, fqn[i]);
		if (!cJSON_IsObject(tree))
			break;
		bufprintf(&path, ".%s", fqn[i]);
	}
	buffree(&path);
}
