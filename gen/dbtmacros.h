/* dbtmacros.h: the names of dbt's own macros (its package dbt, the
 * materializations aside), as dbt 1.11's global project defines them:
 * names a parse-time render must not take for undefined ones. */
#ifndef DBTMACROS_H
#define DBTMACROS_H

#include <stddef.h>

/* The i-th name, or NULL past the last. */
const char *dbtmacroname(size_t i);

#endif
