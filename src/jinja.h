/* jinja.h: the part of Jinja that profiles.yml files use (re2c).
 *
 * {{ env_var('NAME') }} and {{ env_var('NAME', 'default') }}, with the
 * filters as_number, as_text, as_bool, int and string (values stay text:
 * libpq reads text). Anything else inside {{ }} or {% %} is an error: it
 * needs dbt. */
#ifndef JINJA_H
#define JINJA_H

#include "util.h"

/* Render s into out. Returns 0, or -1 with *err set (caller frees) and
 * *col the 1-based column of the problem in s. */
int jinjarender(const char *s, struct buf *out, char **err, int *col);

#endif
