/* blocks.h: the macro, test and materialization blocks of a macro file,
 * as dbt's macro parser takes them apart.
 *
 * Each top-level {% macro NAME(...) %}...{% endmacro %} is one macro
 * whose text (macro_sql) is the file's from its {% to its endmacro's %},
 * newlines normalized; {% test NAME %} blocks are the macros test_NAME.
 * {% materialization NAME, adapter='A' %} blocks are the macros
 * materialization_NAME_A (A "default" when not given). Text between
 * blocks is ignored, as dbt ignores it. A block left open is an error. */
#ifndef BLOCKS_H
#define BLOCKS_H

#include <stddef.h>

/* Call fn(arg, name, sql, len, line, col) for each block of text (named
 * path in messages), line:col where it starts in text. Returns 0, or -1
 * with *err "path:line:col: message". */
int macroblocks(const char *path, const char *text, size_t n,
    void (*fn)(void *arg, const char *name, const char *sql, size_t len, int line, int col),
    void *arg, char **err);

/* Call fn(arg, name, body, len) for each top-level snapshot block of a
 * snapshot file, body the text between its tags as dbt's BlockSearcher
 * takes it. Any other block is an error. */
int snapshotblocks(const char *path, const char *text, size_t n,
    void (*fn)(void *arg, const char *name, const char *body, size_t len),
    void *arg, char **err);

/* Call fn(arg, name, body, len) for each docs block of a .md file, body
 * the text between its tags; other text is ignored, as dbt's docs
 * parser ignores it. */
int docsblocks(const char *path, const char *text, size_t n,
    void (*fn)(void *arg, const char *name, const char *body, size_t len),
    void *arg, char **err);

/* What the build embeds of gen/builtins/: dbt's own macros as we write
 * them (the generic tests, get_where_subquery, generate_*_name). */
struct builtin {
	const char *path;	/* gen/builtins/NAME.sql */
	const char *text;
};
extern const struct builtin builtins[];	/* ends with {NULL, NULL} */

#endif
