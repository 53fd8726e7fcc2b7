/* nodecfg.h: a node's config as dbt resolves it (dbt_common's BaseConfig
 * and dbt-core's ContextConfig).
 *
 * A config starts from its resource type's defaults, in the order of
 * dbt's dataclass fields (NodeConfig for models, SeedConfig, TestConfig,
 * SnapshotConfig, NodeConfig itself for on-run-start and on-run-end);
 * each layer is merged in turn by the field's merge behaviour: tags,
 * pre-hook, post-hook and packages append (a single value becomes a
 * list), quoting, column_types, meta, docs and contract update as dicts,
 * grants append per key ("+key" extends), everything else replaces.
 * Hooks become dbt's {sql, transaction, index}. */
#ifndef NODECFG_H
#define NODECFG_H

#include <cjson/cJSON.h>

enum ckind { CMODEL, CSEED, CTEST, CSNAPSHOT, COPERATION };

/* The defaults of a resource type, a new object. */
cJSON *cfgdefaults(enum ckind);
/* Merge partial into cfg as BaseConfig.update_from does. */
void cfgupdate(cJSON *cfg, const cJSON *partial);
/* Merge opts into calls as dbt's merge_config_dicts (config() calls). */
void cfgcallmerge(cJSON *calls, const cJSON *opts);
/* The hooks of cfg as dbt writes them; 0, or -1 with *err naming the
 * bad one (malloc'd). */
int cfgfinish(cJSON *cfg, char **err);

/* The project-tree levels that apply to fqn (dbt's fqn_search: the
 * tree itself, then each level named by fqn while it is a mapping), each
 * as the configs it sets ("+key", or a key whose value is not a
 * mapping): fn(arg, path, level config) in order, path naming it for
 * messages ("models.jaffle.staging"). */
void cfglevels(const cJSON *tree, const char *top, char *const *fqn, size_t n,
    void (*fn)(void *arg, const char *path, cJSON *level), void *arg);

#endif
