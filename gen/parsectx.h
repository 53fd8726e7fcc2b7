/* parsectx.h: the Jinja context of dbt's parse, to learn what a node
 * calls: its refs, sources and config() calls (dbt's ParseProvider).
 *
 * execute is false; ref and source record their arguments on the node
 * (refs as {name, package, version}, sources as [source, table]) and
 * return the node's own relation, as dbt's parse does; config(...) and
 * config.set merge into the node's config calls as dbt's
 * merge_config_dicts; config.get and config.require give ""; var, env_var,
 * target, this, model, is_incremental (false), return, log, print,
 * exceptions, flags, adapter.dispatch (a namespace that is a package: the
 * root project, then it; none: the render's namespace; the adapter's
 * prefix before default__) and adapter.quote are dbt's; var is dbt's
 * ModelConfiguredVar for the node's package (dbtrun.pkgvars). Relations
 * are the node's own, Mappings whose get('metadata') is dbt's.
 * Macros are in dbt's MacroNamespace: the node's package's, the root
 * project's, each package by name, then dbt's (ours: blocks.h), by name
 * or as dbt.NAME; a name beneath dbt that is not one of them fails the
 * render naming it. depends_on.macros takes what the node calls itself,
 * not what those macros call (dbt's MacroGenerator.track_call). Anything else that needs a database (run_query,
 * adapter.get_relation, ...) fails naming it: a manifest from dbt parse
 * works instead. */
#ifndef PARSECTX_H
#define PARSECTX_H

#include <cjson/cJSON.h>

#include "dbtctx.h"

struct pctx;

/* A context over the macros of doc (a manifest's "macros" object, which
 * must outlive it) for run's project, target and vars. */
struct pctx *pctxnew(cJSON *macros, const struct dbtrun *run);
void pctxfree(struct pctx *);
/* The macros of package pkg are in the directory pre (a prefix of paths
 * from the root project's): their errors name their files from there. */
void pctxpre(struct pctx *, const char *pkg, const char *pre);

/* Render src (named name) for node as dbt's parse does: node's "refs" and
 * "sources" lists grow, calls (an object) takes its config() calls, and
 * macros the ids of the macros it called (a list, or NULL). src's own
 * undefined names are dbt's parse-time Undefined (jeval.h), as are the
 * kwargs' and raw code's of pctxtest. Returns 0, or -1 with *err
 * (malloc'd). */
int pctxrender(struct pctx *, cJSON *node, const char *name, const char *src,
    cJSON *calls, cJSON *macros, char **err);

/* A generic test rendered as dbt's parse renders it: its kwargs as
 * add_rendered_test_kwargs (each string but column_name rendered
 * natively, a bare call of ref, source, var, env_var or doc wrapped in
 * {{ }} first), then its raw code with them as _dbt_generic_test_kwargs:
 * what the renders record is kept, as in pctxrender. */
int pctxtest(struct pctx *, cJSON *node, cJSON *kwargs, const char *raw,
    cJSON *calls, cJSON *macros, char **err);

/* The macros macro[0..2] (generate_database_name, generate_schema_name,
 * generate_alias_name) called in turn with custom[k] (a string, or NULL
 * for none) and node, as dbt's name getters call them: out[k] is each
 * value as a string, stripped (malloc'd), and the node the next one sees
 * has field[k] set to it. Returns 0, or -1 with *err. */
int pctxnames(struct pctx *, const char *const macro[3], const char *const field[3],
    const char *const custom[3], cJSON *node, char *out[3], char **err);

/* A value of a dbt_project.yml (named name in errors) rendered as dbt's
 * DbtProjectYamlRenderer renders it: natively, with env_var, target and
 * var, which reads --vars only (c's run must have no vars). *out is the
 * value (cJSON, malloc'd). Returns 0, or -1 with *err. */
int pctxproject(struct pctx *c, const char *name, const char *src, cJSON **out,
    char **err);

/* The docs blocks doc() reads: an object of doc.PKG.NAME -> its contents
 * (it must outlive the context). */
void pctxdocs(struct pctx *, cJSON *docs);
/* How many of the renders so far read, or may have read, a node's raw
 * code (model; a project's own generate_*_name macro, given the node,
 * that reads more of it than fields other than raw_code, raw_sql and
 * checksum). */
unsigned long pctxsourcereads(void);
/* A description of node (named name in errors) rendered as dbt renders
 * it: doc(), var, env_var and target; *out malloc'd. Returns 0, or -1
 * with *err. */
int pctxdesc(struct pctx *, cJSON *node, const char *name, const char *text,
    char **out, char **err);

/* A string of a properties file of package pkg (named name in errors)
 * rendered as dbt's SchemaYamlRenderer renders it: natively (a lone
 * {{ }} is its value), with dbt's SchemaYamlContext (var as the
 * package's, env_var but a secret one, target, project_name); *out its
 * JSON. Returns 0, or -1 with *err. */
int pctxyaml(struct pctx *, const char *pkg, const char *name, const char *text,
    cJSON **out, char **err);
/* A value of the engine as JSON, or NULL when it has no JSON form. */
struct jv;
cJSON *pctxjson(const struct jv *);

#endif
