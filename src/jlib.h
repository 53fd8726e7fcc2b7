/* jlib.h: the filters, tests and methods of the Jinja engine beyond
 * jeval's own (see jeval.h for those): Jinja2's builtin filters and
 * tests and the str, list, tuple and dict methods templates call, with
 * Python's semantics. Each returns NULL (or -1) for a name it does not
 * have, so jeval refuses it; anything it has but cannot do exactly fails
 * the render with jfail() and "unsupported: ...".
 *
 * Filters: map select reject selectattr rejectattr unique sort reverse
 * sum min max abs round tojson indent batch slice items dictsort groupby
 * attr format truncate center wordcount striptags safe escape e
 * forceescape urlencode xmlattr filesizeformat (pprint, random, urlize
 * and wordwrap are refused). Tests: every Jinja2 3.x test (sameas only
 * for None, booleans, lists and dicts, where identity is not Python's
 * caching). Methods: str's (case mapping only on ASCII text; format
 * and format_map without format specs, as the sandbox's formatter),
 * list's (sort without key), tuple's, dict's (keys, values and items
 * are views: jvalue.h's JS_KEYS ...). Methods never change a list or
 * dict the render's arena does not own: one shared between renders.
 *
 * Not as Python, for lack of hooks in jeval's iteration (callers should
 * not rely on these): a view is the dict's items when it was taken, not
 * live; a generator (map, select, ...) can be iterated more than once; a
 * view or generator can be subscripted ([0]) where Jinja2 gives
 * Undefined; a list grown while a for loop runs over it does not make
 * the loop longer. */
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
