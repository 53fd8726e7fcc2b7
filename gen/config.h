/* config.h: the config keys dbt-postgres acts on, and the ones dbt2ninja
 * refuses rather than run differently.
 *
 * Every key that dbt-core 1.11 and dbt-postgres 1.11 act on for a model,
 * seed, snapshot or test is in one table (config.c) as done, ignored (dbt
 * itself does nothing with it on PostgreSQL, or the generator has already
 * used it: names, selection, compilation) or refused, per resource type
 * and materialization, with the values that are refused when only some
 * are. A refused key at dbt's default value (absent, null, false, empty,
 * or the default named in the table) is harmless. The full list, with
 * what each does: dbt2ninja-run(1), CONFIG KEYS. */
#ifndef CONFIG_H
#define CONFIG_H

#include <cjson/cJSON.h>

#include "manifest.h"

/* The first key of config (node n's config object) that dbt-postgres acts
 * on and dbt2ninja does not do, as a message naming the node, its file,
 * the key and its value, or NULL when there is none or adapter is not
 * postgres. Caller frees. */
char *configcheck(const struct node *n, const cJSON *config, const char *adapter);

#endif
