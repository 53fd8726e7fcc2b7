/* dbtparse.h: a dbt project read as `dbt parse` (dbt-core 1.11) reads
 * it, into the manifest it would write, so that the generator needs no
 * dbt at all.
 *
 * Read: dbt_project.yml (name, the *-paths, vars, quoting, dispatch, and
 * the models:, seeds: and data_tests:/tests: config trees with "+" keys
 * and folder nesting); every .sql under the model paths (a model each),
 * every .csv under the seed paths (a seed each), the macro and test
 * blocks of every .sql under the macro paths and under the test paths'
 * generic/; and every .yml/.yaml properties file under those paths:
 * models and seeds (description, config, columns with descriptions,
 * data types, meta, tags, quote and constraints, data tests on columns
 * and on the node; a model's constraints and access), groups, sources
 * (schema, database, description, tables with identifier, columns and
 * data tests). A ref() that a model's access does not allow (its group,
 * its package's restrict-access) and a group that is none are dbt's
 * errors.
 * Each model is rendered as dbt's parse renders it (parsectx.h) to learn
 * its refs, sources and config() calls; its config is the project tree's
 * levels, then its properties file's, then its config() calls
 * (nodecfg.h); its database, schema and alias are what the
 * generate_*_name macros give (the project's own when it has them, else
 * ours: blocks.h). Generic tests get dbt's names and unique_ids
 * (testname.h) and test_metadata.
 *
 * Packages: each directory of the packages-install-path (but __*) is a
 * project read the same way, from its own dbt_project.yml, its nodes and
 * macros under its name; packages.yml naming more than are installed is
 * an error, as in dbt. A package's node takes the root project's config
 * tree last (dbt's calculate_node_config); ref() and source() resolve as
 * dbt's resolve_ref: the package named, else the root project, the node's
 * package, then any; a test's macro as dbt's MacroResolver.
 *
 * What this does not read exactly stops it, naming the file and the
 * thing: python models, seeds or models
 * disabled, a ref() or test macro that more than one package answers
 * (dbt takes the first or last it read), a package's own quoting,
 * dispatch or packages-install-path, versions, Jinja in properties other
 * than a test's arguments and the descriptions (rendered with doc() of
 * the .md files' docs blocks, as dbt's process_docs),
 * unknown config keys and properties, and dbt's own macros other than
 * ours (a manifest from dbt parse works instead). */
#ifndef DBTPARSE_H
#define DBTPARSE_H

#include <cjson/cJSON.h>

struct parseopts {
	const char *dir;	/* the project, as a prefix: "" or "dir/" */
	const char *adapter;	/* the profile's type */
	cJSON *target;		/* what the renders' target has */
	cJSON *clivars;		/* --vars, or NULL */
};

/* The dbt version whose parse this reproduces, as its manifests say. */
#define DBTPARSEVERSION "1.11.14"

/* The manifest of the project (exits 1 on anything not read exactly).
 * *read: every file and directory looked at, relative to here, each
 * ending in a newline (malloc'd); *missing: likewise, every path looked
 * for that was not there (a source path of dbt's defaults, dbt_packages).
 * Its nodes, sources and exposures are in dbt's order where that order is
 * fixed: *ordered has ORDNODES, ORDSOURCES and ORDEXPOSURES for those that are (dbt's changes
 * between its runs where a project's properties files lie under more
 * than one of its paths, or is not known here). */
enum { ORDNODES = 1, ORDSOURCES = 2, ORDEXPOSURES = 4 };
cJSON *dbtparse(const struct parseopts *o, char **read, char **missing, int *ordered);

/* A file's text as dbt reads it: its bytes (a \r kept), with strip
 * Python's str.strip() of ASCII whitespace (malloc'd). */
char *dbttext(const char *text, size_t n, int strip);

#endif
