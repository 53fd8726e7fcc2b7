/* jlib.h: the filters, tests and methods of the Jinja engine beyond
 * jeval's own (see jeval.h for those): Jinja2's builtin filters and
 * tests and the str, list and dict methods templates call, with
 * Python's semantics. Each returns NULL (or -1) for a name it does not
 * have, so jeval refuses it; anything it has but cannot do exactly fails
 * the render with jfail(). */
#ifndef JLIB_H
#define JLIB_H

#include "jeval.h"

int jlibhasfilter(const char *name);
int jlibhastest(const char *name);
/* The filter name applied to x with c's arguments, or NULL. */
struct jv *jlibfilter(struct jev *, const char *name, struct jv *x,
    struct jcall *c);
/* Whether x passes the test name: 1 or 0, or -1 for no such test. */
int jlibtest(struct jev *, const char *name, struct jv *x, struct jcall *c);
/* x.name for a str, list, tuple or dict method (a callable bound to x),
 * or NULL. */
struct jv *jlibattr(struct jev *, struct jv *x, const char *name);
/* Whether the filter name does with a Markup string (escaped text) what
 * Jinja2 does; jeval refuses the others on one. */
int jlibmarkupok(const char *name);

#endif
