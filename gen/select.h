/* select.h: dbt2ninja select, dbt's node selection as Ninja targets.
 *
 *	dbt2ninja select [--exclude EXPR]... [--state PATH|db[:TARGET]]
 *	    [--indirect-selection eager|cautious|buildable|empty]
 *	    [--manifest PATH] EXPR...
 *
 * Words (arguments, or space-separated in one) are a union; a comma inside
 * one is an intersection. Each criterion is dbt's
 *
 *	[@][N+][METHOD[.ARG...]:]VALUE[+[N]]
 *
 * (re2c): @ the node, its descendants and their ancestors; N+ ancestors to
 * depth N (all without N); +N descendants. Methods: fqn (the default; a
 * value with a / is path:, one ending .sql, .csv or .py is file:), tag,
 * path, file, package, config.KEY, resource_type, source, exposure,
 * test_type, test_name, state (new, old, modified, unmodified, and
 * modified.body, .configs, .relation), result (from run_results.json).
 * Values are fnmatch(3) globs. Tests are added by indirect selection (eager
 * by default), per criterion, before --exclude is taken away. The output
 * is the stamps of the selected runnable nodes, one a line: `ninja $(dbt2ninja
 * select tag:nightly+)`. */
#ifndef SELECT_H
#define SELECT_H

#include <stddef.h>

#include "manifest.h"
#include "profile.h"

/* What selects: the options of dbt2ninja select, and its expression. */
struct selopts {
	const char *manifest;	/* default target/manifest.json */
	const char *state;	/* --state, or NULL */
	const char *mode;	/* --indirect-selection as written, or NULL */
	int indirect;		/* its index: eager, cautious, buildable, empty */
	const char *verb;	/* --for, or NULL */
	char **inc, **exc;	/* the words, and those of --exclude */
	size_t ninc, nexc;
	struct profileopts po;	/* for --state db */
};

/* Read select's options and words from argv[first...] (--for only when
 * verbs); exits 2 with use on a bad one. */
void selectargs(int argc, char **argv, int first, const char *use, int verbs,
    struct selopts *o);
void selectoptsfree(struct selopts *o);

/* Load o->manifest into m for selection (and what load adds: LOADGRAPH),
 * build its graph, and return m->nnodes flags (caller frees): the runnable
 * nodes the expression selects, every one when it has no word, less those
 * of --exclude. Errors exit 1. The caller frees m. */
char *selectnodes(struct manifest *m, int load, const struct selopts *o);

int selectmain(int argc, char **argv);

#endif
