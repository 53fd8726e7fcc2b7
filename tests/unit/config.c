#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util.h"
#include "tap.h"

/* The message for a node of type rt, materialization mat, config json
 * (single quotes for double quotes), or NULL. */
static char *
check(enum rtype rt, const char *mat, const char *json, const char *adapter)
{
	struct node n = {0};
	char *s = xstrdup(json), *p, *msg;
	cJSON *c;

	for (p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	if (!(c = cJSON_Parse(s)))
		fatal("bad JSON: %s", json);
	n.uid = "model.p.m";
	n.path = "models/m.sql";
	n.rtype = rt;
	n.materialized = mat;
	msg = configcheck(&n, c, adapter);
	cJSON_Delete(c);
	free(s);
	return msg;
}

static void
refused(enum rtype rt, const char *mat, const char *json, const char *want, const char *name)
{
	char *m = check(rt, mat, json, "postgres");

	ok(m && strstr(m, want), name);
	if (m && !strstr(m, want))
		printf("#   got: %s\n#   expected it to hold: %s\n", m, want);
	else if (!m)
		printf("#   not refused\n");
	free(m);
}

static void
allowed(enum rtype rt, const char *mat, const char *json, const char *name)
{
	char *m = check(rt, mat, json, "postgres");

	ok(!m, name);
	if (m)
		printf("#   refused: %s\n", m);
	free(m);
}

/* The nodes of a real manifest refused, each printed: as its own adapter
 * sees them, or (aspg) as if it were deployed on PostgreSQL. */
static int
survey(const char *path, int aspg)
{
	struct buf b = {0};
	cJSON *m, *nodes, *j, *at;
	const char *adapter;
	int nref = 0;

	if (readfile(path, &b) < 0)
		return -1;
	m = cJSON_Parse(b.s);
	buffree(&b);
	if (!m)
		return -1;
	nodes = cJSON_GetObjectItemCaseSensitive(m, "nodes");
	at = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(m, "metadata"),
	    "adapter_type");
	adapter = aspg || !cJSON_IsString(at) ? "postgres" : at->valuestring;
	cJSON_ArrayForEach(j, nodes) {
		const cJSON *cf = cJSON_GetObjectItemCaseSensitive(j, "config");
		const cJSON *rt = cJSON_GetObjectItemCaseSensitive(j, "resource_type");
		const cJSON *mat = cJSON_GetObjectItemCaseSensitive(cf, "materialized");
		struct node n = {0};
		char *msg;

		if (!cJSON_IsString(rt))
			continue;
		n.uid = j->string;
		n.rtype = !strcmp(rt->valuestring, "model") ? RMODEL :
		    !strcmp(rt->valuestring, "seed") ? RSEED :
		    !strcmp(rt->valuestring, "snapshot") ? RSNAPSHOT :
		    !strcmp(rt->valuestring, "test") ? RTEST : ROTHER;
		n.materialized = cJSON_IsString(mat) ? mat->valuestring : rt->valuestring;
		if ((msg = configcheck(&n, cf, adapter))) {
			printf("#   %s%s: %s\n", aspg ? "as if on PostgreSQL: " : "",
			    strrchr(path, '/') + 1, msg);
			nref++;
			free(msg);
		}
	}
	cJSON_Delete(m);
	return nref;
}

int
main(void)
{
	const char *dir = getenv("DBT2NINJA_MANIFESTS");
	char *m;

	/* what dbt does on PostgreSQL is not refused */
	allowed(RMODEL, "table", "{'materialized': 'table', 'unlogged': true, 'indexes': "
	    "[{'columns': ['id']}], 'grants': {'select': ['r']}, 'persist_docs': {'relation': true}, "
	    "'post-hook': [{'sql': 'select 1', 'transaction': false}], 'sql_header': 'set x = 1'}",
	    "a table with everything dbt-postgres does");
	allowed(RMODEL, "incremental", "{'materialized': 'incremental', 'incremental_strategy': "
	    "'merge', 'unique_key': ['a', 'b'], 'merge_update_columns': ['c'], "
	    "'on_schema_change': 'sync_all_columns', 'incremental_predicates': ['a > 0']}",
	    "a merge incremental");
	allowed(RMODEL, "incremental", "{'incremental_strategy': 'delete+insert'}", "delete+insert");
	allowed(RMODEL, "incremental", "{'incremental_strategy': 'default'}", "default");
	allowed(RMODEL, "incremental", "{'incremental_strategy': null, 'predicates': null}",
	    "null is dbt's default");
	allowed(RSNAPSHOT, "snapshot", "{'strategy': 'check', 'check_cols': 'all', "
	    "'hard_deletes': 'new_record', 'dbt_valid_to_current': 'date(9999)', "
	    "'snapshot_meta_column_names': {'dbt_valid_to': 'vt'}}", "a 1.9 snapshot");
	allowed(RSEED, "seed", "{'delimiter': ';', 'quote_columns': false, 'column_types': "
	    "{'a': 'text'}}", "a seed's keys");
	allowed(RTEST, "test", "{'severity': 'warn', 'store_failures': true, "
	    "'store_failures_as': 'view', 'limit': 5, 'fail_calc': 'sum(n)', 'where': 'a > 0'}",
	    "a test's keys");
	allowed(RMODEL, "view", "{'docs': {'show': true}, 'meta': {'a': 1}, 'tags': ['t'], "
	    "'enabled': true, 'alias': 'x', 'schema': 's', 'database': 'd', 'group': 'g', "
	    "'access': 'public', 'contract': {'enforced': false, 'alias_types': true}, "
	    "'lookback': 1, 'event_time': 'at', 'batch_size': null, 'quoting': {}}",
	    "what only the generator or dbt's parser uses is harmless");
	allowed(RMODEL, "view", "{'on_configuration_change': 'fail', 'predicates': ['x']}",
	    "keys of another materialization are not refused");
	allowed(RMODEL, "materialized_view", "{'on_configuration_change': 'apply'}",
	    "on_configuration_change at its default");
	allowed(RMODEL, "ephemeral", "{'materialized': 'ephemeral'}", "ephemeral");
	m = check(RMODEL, "incremental", "{'incremental_strategy': 'microbatch'}", "materialize");
	ok(!m, "the check is for PostgreSQL only");
	free(m);

	/* what dbt2ninja does not do */
	refused(RMODEL, "incremental", "{'incremental_strategy': 'microbatch', 'event_time': 'at'}",
	    "model.p.m (models/m.sql): config incremental_strategy \"microbatch\" is not done "
	    "by dbt2ninja on PostgreSQL: dbt runs microbatch in batches",
	    "microbatch is refused, naming the node, its file, the key and the value");
	refused(RMODEL, "incremental", "{'incremental_strategy': 'insert_overwrite'}",
	    "incremental_strategy \"insert_overwrite\"", "a strategy PostgreSQL lacks");
	refused(RMODEL, "incremental", "{'predicates': ['a > 1']}",
	    "config predicates [\"a > 1\"]", "the legacy predicates");
	refused(RMODEL, "materialized_view", "{'on_configuration_change': 'continue'}",
	    "on_configuration_change \"continue\"", "on_configuration_change continue");
	refused(RMODEL, "materialized_view", "{'on_configuration_change': 'fail'}",
	    "on_configuration_change \"fail\"", "and fail");
	refused(RMODEL, "clone", "{'materialized': 'clone'}", "materialized \"clone\"",
	    "a materialization dbt2ninja does not have");
	refused(RSNAPSHOT, "snapshot", "{'strategy': 'custom_strategy'}",
	    "strategy \"custom_strategy\"", "a custom snapshot strategy");
	refused(RSNAPSHOT, "snapshot", "{'hard_deletes': 'drop'}", "hard_deletes \"drop\"",
	    "a hard_deletes dbt does not know");
	refused(RSNAPSHOT, "snapshot", "{'hard_deletes': 'invalidate', "
	    "'invalidate_hard_deletes': true}", "both set", "hard_deletes with invalidate_hard_deletes");
	refused(RTEST, "test", "{'store_failures_as': 'temp'}", "store_failures_as \"temp\"",
	    "a store_failures_as dbt does not know");

	/* the real manifests of the corpus */
	if (!dir)
		dir = "../shared/fixtures/manifests";
	{
		DIR *d = opendir(dir);
		struct dirent *e;
		int files = 0, total = 0, aspg = 0, r;
		char path[4096];

		if (!d) {
			printf("ok %d - # SKIP no manifests in %s\n", ++tap_n, dir);
		} else {
			while ((e = readdir(d))) {
				size_t l = strlen(e->d_name);
				if (l < 6 || strcmp(e->d_name + l - 5, ".json"))
					continue;
				snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
				if ((r = survey(path, 0)) < 0)
					continue;
				files++;
				total += r;
				aspg += survey(path, 1);
			}
			closedir(d);
			printf("# %d manifests read; %d nodes would be refused on PostgreSQL\n",
			    files, aspg);
			ok(files > 0 && total == 0, "no real manifest uses a key that would be refused");
		}
	}
	return tap_done();
}
