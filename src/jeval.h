/* jeval.h: the Jinja evaluator: walks jparse's AST over jvalue's values.
 *
 * Semantics are Jinja2's (3.x) with Python's: truthiness, int and float
 * arithmetic (/ is true division, // and % floor as Python's, ** is int
 * for ints), str() and repr() printing, and Jinja2's default Undefined
 * (prints as nothing, is false, iterates as empty, has length 0; any
 * other use is an error). Scopes: a for loop's body is a new scope each
 * iteration, so a set inside it does not leak, nor does one in a for
 * loop's else, a block set's or a filter block's body; the frame analysis
 * of jparse.h is applied. loop has index, index0, revindex, revindex0,
 * first, last, length, previtem, nextitem, depth, depth0 (1 and 0: no
 * recursive loops), cycle(...) and changed(...); another attribute is
 * undefined. break and continue; a for loop's else runs unless an
 * iteration ran its body to the end, as Jinja2's does.
 *
 * Attributes and items are the sandbox's getattr (x.name: the attribute,
 * then the item) and getitem (x[k]: the item, then the attribute); for a
 * plain value (none, bool, int, float, str, list, tuple, dict) a name its
 * Python type's dir() has not, or an item it has not, is Undefined with
 * Jinja2's message ("'list object' has no attribute 'x'"), a private one
 * it has the sandbox's unsafe Undefined, and a method it has that jlib
 * does not do is refused by name.
 *
 * Macros (and call blocks' callers) are values: called, they bind their
 * arguments as Jinja2's Macro does (positional, then by keyword; a
 * missing one from its default, evaluated at each call in the macro's
 * scope where only the parameters before it are bound, or undefined;
 * extra arguments are errors unless the body uses varargs or kwargs;
 * caller likewise) and return their output as a str. Names in a macro's
 * body are looked up lexically: its locals, then the scopes where it was
 * defined (as they are at call time), then the globals; a macro's calls
 * nest at most 100 deep (Jinja2's Python stack gives out near 190).
 * Global functions, below every global dict: range (Python's, refusing
 * more than 100000 items as the sandbox does), dict, namespace (with
 * {% set ns.attr = x %}), cycler, joiner; lipsum() is refused.
 *
 * Filters: upper lower trim length count join
 * default d replace string int float list first last title capitalize;
 * on a Markup string only those jlib says do as Jinja2. Tests: defined
 * undefined none string number sequence mapping iterable odd even
 * divisibleby eq. Other filters, tests and the methods of str, list and
 * dict are jlib's (jlib.h). Everything else is an error with the
 * template's name and line:column.
 *
 * A lenient template (its src.lenient set before it runs) is what dbt's
 * parse renders with create_undefined's Undefined (a node's own text,
 * with the macros it defines): a name, attribute or item it finds
 * undefined there is jvparseundef, which prints, tests, iterates and
 * compares as the default Undefined but answers any attribute, item,
 * slice or call (its arguments evaluated) with itself, wherever it goes;
 * its own attributes (name, hint, node, ...) are refused. Macros of other
 * templates keep the default Undefined, as dbt's macro templates do. */
#ifndef JEVAL_H
#define JEVAL_H

#include "jparse.h"

/* A template lexed and parsed once, to be rendered any number of times. */
struct jtmpl {
	struct jsrc src;
	struct jnl body;
};

/* Lex and parse src named name into *t (in a). Returns 0, or -1 with
 * *err set to "name:line:col: message" (malloc'd). */
int jcompile(struct arena *a, const char *name, const char *src, size_t n,
    struct jtmpl *t, char **err);
/* As jcompile, for the text of macro (its unique_id) alone from the file
 * named: at line:col there, or, line 0, at a place not known (jlex.h). */
int jcompilemacro(struct arena *a, const char *name, const char *macro, int line,
    int col, const char *src, size_t n, struct jtmpl *t, char **err);

/* Render t onto out. A name is looked up in the template's own scopes,
 * then in globals[0], globals[1], ... (dicts; later ones are the wider
 * context, shared between renders and never written), then the global
 * functions (range, dict, ...). Returns 0, or -1
 * with *err set (malloc'd) and out as it was. Values made live in a. */
int jrun(struct arena *a, const struct jtmpl *t, struct jv *const *globals,
    size_t nglobals, struct buf *out, char **err);

/* Where the text of a template's own body went in a render's output:
 * the body is its text (its top-level N_DATA nodes, not those inside a
 * block) between its statements, and the i-th gap between them (before
 * the first, between two, after the last; it may hold no text) went from
 * v[2i] to v[2i+1], offsets from where out began. */
struct jmarks {
	size_t *v;
	size_t n, cap;
	int odd;
};

/* jrun, marking where each gap's text went (marks->n of them, fewer than
 * the body has when a return() ended the render). */
int jrunmarks(struct arena *a, const struct jtmpl *t, struct jv *const *globals,
    size_t nglobals, struct buf *out, struct jmarks *marks, char **err);

/* Onto out, t's tokens but its body's texts: two templates whose
 * skeletons are equal differ only in those texts, and render the same
 * but for them, wherever nothing reads the template's source. The
 * number of gaps is returned. */
size_t jskeleton(const struct jtmpl *t, struct buf *out);

/* Whether fn is a template's macro whose parameter i (from 0) it reads
 * only as x.name or x['name'], of a name neither in avoid nor one of a
 * dict's methods: never whole, passed on, iterated or tested. */
int jparamonly(const struct jv *fn, size_t i, const char *const *avoid);

/* The text of each of t's gaps (in a), as many as jskeleton counts. */
size_t jgaptexts(struct arena *a, const struct jtmpl *t, const char ***texts, size_t **lens);

/* Render t as Jinja2's native environment does when t is one {{ }}
 * (or only text): *val is that value (or the text); otherwise *val is
 * NULL, and t is to be rendered with jrun. Returns 0, or -1 with *err. */
int jrunvalue(struct arena *a, const struct jtmpl *t, struct jv *const *globals,
    size_t nglobals, struct jv **val, char **err);

/* Render body (parsed from s) with the context ctx (a JDICT, or NULL)
 * onto out. Returns 0, or -1 with *e set. Values made live in a. */
int jeval(struct arena *a, const struct jsrc *s, const struct jnl *body,
    struct jv *ctx, struct buf *out, struct jerr *e);

/* For native functions and objects (jvalue.h's jfunc and jclass), during
 * a render: its arena; failing it with a message (at the position of the
 * call being evaluated; does not return); calling any callable. */
struct arena *jevarena(struct jev *);
void jfail(struct jev *, const char *fmt, ...);
struct jv *jcallv(struct jev *, struct jv *fn, struct jcall *);
/* str(x) as a JSTR, as {{ x }} prints it (failing for what cannot). */
struct jv *jevstr(struct jev *, struct jv *x);
/* The items of an iterable as a list (a dict's keys, a string's
 * characters), failing for what is not iterable. */
struct jv *jeviter(struct jev *, struct jv *x);
/* Any filter or test by name (jeval's or jlib's), as the template's
 * x|name(...) and x is name(...): for map, select and their kin. */
struct jv *jevfilter(struct jev *, const char *name, struct jv *x, struct jcall *);
int jevtest(struct jev *, const char *name, struct jv *x, struct jcall *);
/* x.name as a template's attribute access does it (Undefined when x has
 * no such attribute or item). */
struct jv *jevattr(struct jev *, struct jv *x, const char *name);
/* x[k] (environment.getitem: the item, then the attribute). */
struct jv *jevitem(struct jev *, struct jv *x, struct jv *k);
/* Python's getattr(x, name) alone, as the sandbox's (the attr filter),
 * for a plain value (none, bool, int, float, str, list, tuple, dict);
 * NULL for any other. */
struct jv *jevpyattr(struct jev *, struct jv *x, const char *name);
/* src (named name) rendered as a template of its own over the render's
 * globals, as dbt's get_rendered renders a var's text: its output, or
 * the render failed with the template's error. */
struct jv *jevrender(struct jev *, const char *name, const char *src, size_t n);

/* Run t's top level once (over ns alone; output discarded) and bind
 * each macro it defines there (test and materialization blocks too) into
 * the dict into by name, as a callable that any later render may call
 * (t, a and ns must outlive them). Such a macro, called, looks a name up
 * in its locals, then in ns (a dict, or NULL), then in the calling
 * render's globals chain, then the global functions; what it makes lives
 * in the calling render's arena, and nothing shared is changed by a call
 * (defaults are evaluated at each call). Errors in it carry its own
 * template's name and line:column. Returns 0, or -1 with *err set
 * (malloc'd). */
int jmacros(struct arena *a, const struct jtmpl *t, struct jv *into,
    struct jv *ns, char **err);

/* dbt's return(value), for the native function that implements it: end
 * the innermost call of a macro being evaluated, which returns value
 * instead of its output. A caller's body is not a macro call here: a
 * return in it ends the macro that called caller(), as dbt's MacroReturn
 * does. Outside any macro it fails the render. Does not return. */
void jreturn(struct jev *, struct jv *value);

/* Lex, parse and render src named name; on error returns -1 and sets
 * *err to "name:line:col: message" (malloc'd). */
int jrender(const char *name, const char *src, size_t n, struct jv *ctx,
    struct arena *a, struct buf *out, char **err);

#endif
