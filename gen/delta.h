/* delta.h: the regeneration of a project read itself (dbtparse.h) after
 * model (and singular test) files changed only in their own text, not in
 * their Jinja.
 *
 * A model file's template is its skeleton (jeval.h's jskeleton: every
 * token but the texts of its body) and those texts, one per gap between
 * the body's statements. Where the
 * skeleton is as it was, the parse renders it as before (its refs,
 * sources and config() calls are the same) and its SQL is the last one
 * with each text in place of the last: every other output of the
 * generator is as it was, but the model's raw code and checksum in the
 * manifest it wrote, its job file, and the job and render indexes.
 *
 * So the generator, reading a project, first looks at target/ninja/
 * delta.idx, which the last full reading wrote once its files were in
 * place: what the regeneration edge watches (every file and directory
 * read, and those looked for and not there) and the generator itself,
 * with their inodes, sizes and times; the outputs likewise; the
 * arguments, working directory and environment, hashed; the warnings
 * printed; and per model that can be so regenerated, its file, its
 * job's SHA-256, its checksum, its skeleton, where its text went in its
 * SQL and where its raw code is in the manifest. When nothing but such
 * models' files differ, and each differs only in its texts, those are
 * put in place, the warnings printed again, and nothing else is read.
 * Anything else (a file of another kind, a directory, an option, an
 * output touched by hand, a file not a model's changed while the last
 * reading read it, or the moment before) and the project is read in full, as ever.
 *
 * A model (or singular test) is so regenerated when it is the root
 * project's, of SQL, not
 * ephemeral (its SQL is in its children's), rendered by the generator
 * (not when it runs), with its own template's render alone (no CTE
 * injected) and its job file that rendering byte for byte; and only
 * when no render of the reading, parse or compile, read model or graph
 * (which hold raw code) or ran a project's own generate_*_name macro
 * that reads of its node more than fields other than its raw code, by
 * name (jeval.h's jparamonly), and when no hook is rendered when it runs
 * (its job holds the nodes): there the index is not written. */
#ifndef DELTA_H
#define DELTA_H

#include <time.h>

#include "manifest.h"
#include "util.h"

#define DELTAIDX "target/ninja/delta.idx"

struct dentry;

struct delta {
	struct timespec start;	/* when this run began */
	char settings[65];	/* the arguments, directory and environment */
	char *exe;		/* the generator */
	struct buf warnings;	/* the reading's (util.h's warnlog) */
	/* per node of the manifest read: where its raw code's JSON string,
	 * and its checksum's hex, are in the manifest's text; 0 when not */
	size_t *rawoff, *rawlen, *sumoff;
	/* the last reading's index, for the nodes this one reuses */
	struct buf old;
	struct htab olduids;	/* unique_id -> struct dentry */
	struct dentry *ents;
	size_t nents;
};

/* Note the time, the settings (argv, as build.ninja holds them) and the
 * generator exe. */
void deltabegin(struct delta *d, int argc, char **argv, const char *exe);
/* The regeneration done from the index, when it can be: 1 (everything
 * written, the reading's warnings printed again), else 0, nothing done. */
int deltarun(struct delta *d, int verbose);
/* Where each node's raw code and checksum are in m's text (before the
 * render drops it). */
void deltaspans(struct delta *d, const struct manifest *m);
/* Once every output is in place: the index for the next run, from what
 * the regeneration edge watches (ninja.h's watched), m's nodes, the job
 * index and the connection's file conn (conn.h's connrecord); one of
 * nothing when the reading cannot be so redone. A reading with no index
 * at all renders every node (render.h's forget), so that the index it
 * writes has each. */
void deltasave(struct delta *d, const struct manifest *m, const char *project,
    const char *prefix, const char *watched, const char *conn);
void deltafree(struct delta *d);

#endif
