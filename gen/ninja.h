/* ninja.h: writing build.ninja.
 *
 * The file is build.ninja.in with its @NAME@ variables filled, then one
 * edge per runnable node, sorted by unique_id,
 *
 *	build $conn/ok/<name>: <rule> target/ninja/sql/<name>.sql $
 *	    | <parents' stamps> || <tests that gate it>
 *	  node = <unique_id>
 *
 * where $conn is the connection's directory (conn.h), each after the last
 * on-run-start hook (order-only; the operations' edges come first, in
 * dbt's order: hooks.h, dbt2ninja(5)), then
 * the regeneration edge (on the manifest, the template and rules, the seeds'
 * CSV files, profiles.yml and dbt_project.yml, each also a phony edge of its
 * own, so that one deleted regenerates rather than stops Ninja), and phony
 * targets in dbt's vocabulary: deploy
 * (the default: models, seeds, snapshots, then the on-run-end hooks), test,
 * build (with them too), on-run-start, on-run-end, each model, seed
 * and snapshot name (all the nodes of that name, as dbt selects them),
 * each unique_id, tag:NAME, path:DIR and exposure:NAME. It is always written whole, atomically. */
#ifndef NINJA_H
#define NINJA_H

#include "manifest.h"

struct ninjaopts {
	const char *output;	/* build.ninja */
	const char *manifest;	/* as given, relative to here */
	const char *template;	/* build.ninja.in */
	const char *rules;	/* rules/dbt.ninja */
	const char *generator;	/* dbt2ninja, shell-quoted when needed */
	const char *run;	/* dbt2ninja-run */
	const char *runflags;	/* its options: profile, target */
	const char *conn;	/* the connection's directory, conn.h */
	const char *conndesc;	/* and its description */
	const char *args;	/* the generator's arguments, shell-quoted */
	const char *seedprefix;
	const char *profiles;	/* the profiles.yml read, or NULL */
	const char *project;	/* the dbt_project.yml read, or NULL */
	const char *read;	/* the files and directories of a project read
				 * itself, each ending in a newline, or NULL */
	const char *missing;	/* the paths it looked for and did not find,
				 * likewise */
	int threads;
	/* when not NULL, what the regeneration edge reads is appended here,
	 * a path a line: "+PATH" for each input, "-PATH" for each looked for
	 * and not there (delta.h) */
	struct buf *watched;
	/* Materialize blue/green, when bluegreen: comma-separated lists and
	 * sink=upstream pairs, shell-quoted */
	int bluegreen;
	const char *bgschemas, *bgclusters, *bgsinks;
};

/* Append s escaped as a Ninja path: "$ ", "$:", "$$". */
void ninjapath(struct buf *b, const char *s);
/* Append s quoted for the shell when it needs it. */
void shellquote(struct buf *b, const char *s);
/* Render build.ninja into b. Exits 1 on a bad template. */
void ninjarender(const struct manifest *m, const struct ninjaopts *o,
    struct buf *b);

#endif
