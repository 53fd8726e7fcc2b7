#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "htab.h"
#include "util.h"

#define M (1u << RMODEL)
#define S (1u << RSEED)
#define N (1u << RSNAPSHOT)
#define T (1u << RTEST)

enum status { DONE, IGNORED, REFUSED };

/* A key dbt-postgres acts on, for the resource types in types and, when
 * mat is set, only that materialization. A REFUSED key is refused at any
 * value but its default; with ok set, only at a value not in ok; with bad
 * set, only at a value in bad. */
struct key {
	const char *name;
	unsigned types;
	const char *mat;
	enum status status;
	const char *const *ok;
	const char *const *bad;
	const char *why;
};

static const char *const mats[] = {"view", "table", "incremental", "ephemeral",
	"materialized_view", NULL};
static const char *const strategies[] = {"append", "delete+insert", "merge", "default", NULL};
static const char *const snapstrategies[] = {"timestamp", "check", NULL};
static const char *const harddeletes[] = {"ignore", "invalidate", "new_record", NULL};
static const char *const onconfig[] = {"apply", NULL};
static const char *const storeas[] = {"table", "view", "ephemeral", NULL};

/* Every key dbt-core 1.11 and dbt-postgres 1.11 act on; the first entry
 * of a name that matches the node decides. */
static const struct key keys[] = {
	/* what the generator has used: names, selection, compilation */
	{"enabled", M | S | N | T, NULL, IGNORED, NULL, NULL, NULL},
	{"alias", M | S | N | T, NULL, IGNORED, NULL, NULL, NULL},
	{"schema", M | S | N | T, NULL, IGNORED, NULL, NULL, NULL},
	{"database", M | S | N | T, NULL, IGNORED, NULL, NULL, NULL},
	{"target_schema", N, NULL, IGNORED, NULL, NULL, NULL},
	{"target_database", N, NULL, IGNORED, NULL, NULL, NULL},
	{"tags", M | S | N | T, NULL, IGNORED, NULL, NULL, NULL},
	{"meta", M | S | N | T, NULL, IGNORED, NULL, NULL, NULL},
	{"group", M | S | N | T, NULL, IGNORED, NULL, NULL, NULL},
	{"access", M, NULL, IGNORED, NULL, NULL, NULL},
	{"docs", M | S | N, NULL, IGNORED, NULL, NULL, NULL},
	{"quoting", M | S | N, NULL, IGNORED, NULL, NULL, NULL},
	{"where", T, NULL, IGNORED, NULL, NULL, NULL},
	{"static_analysis", M | S | N | T, NULL, IGNORED, NULL, NULL, NULL},
	{"freshness", M, NULL, IGNORED, NULL, NULL, NULL},
	/* only a microbatch model reads them, and it is refused */
	{"event_time", M | S | N, NULL, IGNORED, NULL, NULL, NULL},
	{"batch_size", M, NULL, IGNORED, NULL, NULL, NULL},
	{"lookback", M, NULL, IGNORED, NULL, NULL, NULL},
	{"begin", M, NULL, IGNORED, NULL, NULL, NULL},
	{"concurrent_batches", M, NULL, IGNORED, NULL, NULL, NULL},

	{"materialized", M, NULL, REFUSED, mats, NULL,
	    "only view, table, incremental, ephemeral and materialized_view are done on PostgreSQL"},
	{"materialized", S | N | T, NULL, IGNORED, NULL, NULL, NULL},
	{"pre-hook", M | S | N, NULL, DONE, NULL, NULL, NULL},
	{"post-hook", M | S | N, NULL, DONE, NULL, NULL, NULL},
	{"pre_hook", M | S | N, NULL, DONE, NULL, NULL, NULL},
	{"post_hook", M | S | N, NULL, DONE, NULL, NULL, NULL},
	{"persist_docs", M | S | N, NULL, DONE, NULL, NULL, NULL},
	{"grants", M | S | N, NULL, DONE, NULL, NULL, NULL},
	{"contract", M, NULL, DONE, NULL, NULL, NULL},
	/* on a test dbt sends it only under a project flag, which
	 * testheaders() in main.c refuses */
	{"sql_header", M | N | T, NULL, DONE, NULL, NULL, NULL},
	{"full_refresh", M | S, NULL, DONE, NULL, NULL, NULL},
	{"unlogged", M | N, NULL, DONE, NULL, NULL, NULL},
	{"indexes", M | S | N, NULL, DONE, NULL, NULL, NULL},
	{"unique_key", M | N, NULL, DONE, NULL, NULL, NULL},
	{"incremental_strategy", M, "incremental", REFUSED, strategies, NULL,
	    "dbt runs microbatch in batches of event_time from begin, and only the "
	    "lookback batches on later runs; dbt2ninja runs the compiled SQL once"},
	{"incremental_predicates", M, "incremental", DONE, NULL, NULL, NULL},
	{"predicates", M, "incremental", REFUSED, NULL, NULL,
	    "write it as incremental_predicates"},
	{"on_schema_change", M, "incremental", DONE, NULL, NULL, NULL},
	{"merge_update_columns", M, "incremental", DONE, NULL, NULL, NULL},
	{"merge_exclude_columns", M, "incremental", DONE, NULL, NULL, NULL},
	{"on_configuration_change", M, "materialized_view", REFUSED, onconfig, NULL,
	    "dbt2ninja rebuilds a changed materialized view; only apply is done"},
	{"column_types", S, NULL, DONE, NULL, NULL, NULL},
	{"delimiter", S, NULL, DONE, NULL, NULL, NULL},
	{"quote_columns", S, NULL, DONE, NULL, NULL, NULL},
	{"strategy", N, NULL, REFUSED, snapstrategies, NULL,
	    "only the timestamp and check strategies are done"},
	{"updated_at", N, NULL, DONE, NULL, NULL, NULL},
	{"check_cols", N, NULL, DONE, NULL, NULL, NULL},
	{"hard_deletes", N, NULL, REFUSED, harddeletes, NULL,
	    "dbt refuses it too: it is ignore, invalidate or new_record"},
	{"invalidate_hard_deletes", N, NULL, DONE, NULL, NULL, NULL},
	{"dbt_valid_to_current", N, NULL, DONE, NULL, NULL, NULL},
	{"snapshot_meta_column_names", N, NULL, DONE, NULL, NULL, NULL},
	{"severity", T, NULL, DONE, NULL, NULL, NULL},
	{"warn_if", T, NULL, DONE, NULL, NULL, NULL},
	{"error_if", T, NULL, DONE, NULL, NULL, NULL},
	{"fail_calc", T, NULL, DONE, NULL, NULL, NULL},
	{"limit", T, NULL, DONE, NULL, NULL, NULL},
	{"store_failures", T, NULL, DONE, NULL, NULL, NULL},
	{"store_failures_as", T, NULL, REFUSED, storeas, NULL,
	    "dbt refuses it too: it is table, view or ephemeral"},
};

/* Whether v is dbt's default: absent, null, false, empty. */
static int
isdefault(const cJSON *v)
{
	return !v || cJSON_IsNull(v) || cJSON_IsFalse(v) ||
	    (cJSON_IsString(v) && !*v->valuestring) ||
	    ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !v->child);
}

static int
among(const char *const *list, const cJSON *v)
{
	if (!cJSON_IsString(v))
		return 0;
	for (; *list; list++)
		if (!strcmp(*list, v->valuestring))
			return 1;
	return 0;
}

#define NKEYS (sizeof(keys) / sizeof(*keys))

/* Each name's first entry, and each entry's next of the same name (NKEYS
 * for none): a config's every key is looked up. */
static struct htab firsts;
static size_t nexts[NKEYS];

static void
keyindex(void)
{
	size_t i, j;

	for (i = NKEYS; i-- > 0;) {
		nexts[i] = NKEYS;
		for (j = i + 1; j < NKEYS && nexts[i] == NKEYS; j++)
			if (!strcmp(keys[i].name, keys[j].name))
				nexts[i] = j;
		htabput(&firsts, keys[i].name, (void *)&keys[i]);
	}
}

static const struct key *
lookup(const struct node *n, const char *name)
{
	const struct key *first;
	size_t i;

	if (!firsts.cap)
		keyindex();
	if (!(first = htabget(&firsts, name)))
		return NULL;
	for (i = (size_t)(first - keys); i < NKEYS; i = nexts[i]) {
		if (!(keys[i].types & (1u << n->rtype)))
			continue;
		if (keys[i].mat && (!n->materialized || strcmp(keys[i].mat, n->materialized)))
			continue;
		return &keys[i];
	}
	return NULL;
}

static int
refused(const struct key *k, const cJSON *v)
{
	if (!k || k->status != REFUSED || isdefault(v))
		return 0;
	if (k->ok)
		return !among(k->ok, v);
	if (k->bad)
		return among(k->bad, v);
	return 1;
}

static char *
message(const struct node *n, const struct key *k, const cJSON *v)
{
	char *val = cJSON_PrintUnformatted(v), *s;

	if (!val)
		fatal("out of memory");
	s = xasprintf("%s%s%s%s: config %s %s is not done by dbt2ninja on PostgreSQL: %s",
	    n->uid, n->path ? " (" : "", n->path ? n->path : "", n->path ? ")" : "",
	    k->name, val, k->why);
	free(val);
	return s;
}

char *
configcheck(const struct node *n, const cJSON *config, const char *adapter)
{
	const cJSON *c, *hd, *ihd;

	if (!adapter || strcmp(adapter, "postgres") || n->rtype == ROTHER)
		return NULL;
	cJSON_ArrayForEach(c, config) {
		const struct key *k;
		if (!c->string)
			continue;
		k = lookup(n, c->string);
		if (refused(k, c))
			return message(n, k, c);
	}
	hd = cJSON_GetObjectItemCaseSensitive(config, "hard_deletes");
	ihd = cJSON_GetObjectItemCaseSensitive(config, "invalidate_hard_deletes");
	if (n->rtype == RSNAPSHOT && hd && !cJSON_IsNull(hd) && ihd && !cJSON_IsNull(ihd))
		return xasprintf("%s%s%s%s: config hard_deletes and invalidate_hard_deletes "
		    "are both set: dbt refuses that too", n->uid, n->path ? " (" : "",
		    n->path ? n->path : "", n->path ? ")" : "");
	return NULL;
}
