/* job.h: job files, target/ninja/sql/<name>.sql.
 *
 * A job file is everything the executor needs to run one node: a header of
 * "-- key: value" lines, then the compiled SQL.
 *
 *	-- dbt2ninja job 1
 *	-- unique_id: model.shop.orders
 *	-- resource_type: model
 *	-- materialized: table
 *	-- relation: "db"."analytics"."orders"
 *	-- adapter: postgres
 *	-- <key>: <JSON value>		zero or more, sorted by key
 *	--
 *	<compiled SQL>
 *
 * The keyed lines carry the node's config that the adapter needs, each as
 * one line of JSON; null, empty lists and empty objects are left out. A
 * file is rewritten (temporary file, then rename) only when its header
 * differs or its SQL differs in more than layout and comments (sql.h), so
 * its mtime moves exactly when what it would run does. Full format:
 * dbt2ninja(5). */
#ifndef JOB_H
#define JOB_H

#include <cjson/cJSON.h>

#include "manifest.h"

#define JOBDIR "target/ninja/sql"
#define JOBINDEX "target/ninja/jobs.idx"
#define NAMEMAX 200	/* longest name before truncation plus hash */

/* The file name for a unique_id: bytes outside [A-Za-z0-9._-] as %XX (a
 * leading "-" or "." too), and a name longer than NAMEMAX cut, with "%%"
 * and the SHA-256 of the unique_id appended. "%%" is no escape, so a cut
 * name is never another's whole one, and two cut ones differ in their
 * hash: names stay unique, readable and short enough for any file system.
 * Caller frees. */
char *jobname(const char *uid);

/* s with every backslash made a slash (manifests written on Windows). */
char *slashed(char *s);
/* Where packages are, for the seeds of packages: the root project's name
 * (metadata.project_name, else dbt_project.yml's; NULL when unknown) and
 * its packages-install-path (NULL: dbt_packages). Set before seedpath. */
void seedpackages(const char *root, const char *packages);
/* Where a seed's CSV is, seen from here, or NULL. Caller frees. The
 * original_file_path of a package's seed is relative to the package's
 * directory, <packages-install-path>/<root_path's last component> (dbt
 * names the directory, not the package; the manifest's root_path itself
 * names the machine that compiled it). */
char *seedpath(const struct node *n, const char *prefix);
/* Exit 1 naming the seed and its path unless its file is inside the
 * project at prefix (a package's seed: inside its package's directory): a
 * relative path with no ".." component, whose real path (symbolic links
 * followed), when it exists, is under the project's (the package's). No
 * other file on the machine is loaded into a table. */
void seedcheck(const struct manifest *m, const struct node *n, const char *prefix);

struct renderopts;
struct jobopts {
	const char *seedprefix;	/* where seed paths are, seen from here */
	const struct renderopts *render;	/* how nodes are rendered (render.h) */
};

struct jobstats {
	size_t written, unchanged, removed, nosql, noseed;
};

/* The keyed header lines of node n (JSON j, its config config) that come
 * from the manifest, sorted, kept in a; seeds get two more at render. */
const char *jobconfig(struct arena *a, const struct node *n, const cJSON *j,
    const cJSON *config);

/* Exit 1 when a header value of n cannot be written on one line. */
void jobcheck(const struct manifest *m, const struct node *n);

/* Render the job of a runnable node into b (reset first). */
void jobrender(const struct manifest *m, const struct node *n,
    const struct jobopts *o, struct buf *b);
/* The SQL after a job's header, as jobrender() appends it onto b (which
 * holds the header): sql and the incremental form, each ending in a
 * newline; either may be NULL. */
void jobforms(struct buf *b, const char *sql, const char *incrsql);

/* Write every runnable node's job where it changed (setting its jobhash)
 * and remove job files of nodes no longer in the manifest. Exits 1 on I/O
 * errors. */
void jobwriteall(struct manifest *m, const struct jobopts *o, struct jobstats *st);

/* The job index as the last run left it (its format: job.c). */
struct jobline {
	const char *sum;	/* SHA-256 of the job as last rendered */
	const char *head;	/* of its header, when the file is that job
				 * byte for byte; else NULL */
};
struct jobindex {
	struct buf text;
	struct htab lines;	/* file name -> struct jobline */
};
void jobindexread(struct jobindex *ix);
void jobindexfree(struct jobindex *ix);

/* The SHA-256 of n's job header, through its "--" line, as jobrender()
 * writes it (jobheadhash()); o may be NULL but for seeds. */
void jobhead(const struct manifest *m, const struct node *n, const struct jobopts *o,
    char out[65]);

/* n->sql and n->incrsql as the job file at path holds them; -1 when it
 * cannot be read or has no SQL part. */
int jobtakesql(struct manifest *m, struct node *n, const char *path);

/* Whether a job file on disk (old) and a rendered one (new) run the same. */
int jobsame(const char *old, size_t oldlen, const char *new, size_t newlen);

#endif
