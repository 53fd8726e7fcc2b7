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

int selectmain(int argc, char **argv);

#endif
