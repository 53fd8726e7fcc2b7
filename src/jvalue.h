/* jvalue.h: the dynamic value of the Jinja engine (jlex, jparse, jeval).
 *
 * One tagged type, as Python sees it: none, bool, int, float, string,
 * list, tuple, dict, callable, and Jinja2's default Undefined. Values are
 * arena-owned: every value made while rendering lives in the render's
 * arena and is freed with it; nothing is refcounted and nothing is freed
 * one by one. Lists and dicts are mutable, as Python's are (dbt's macros
 * append to lists and update dicts); values shared between renders (a
 * parsed macro, a constant) are never mutated by the engine itself.
 *
 * Ints are 64-bit; an operation whose Python result does not fit is an
 * error, never a wrapped number. Strings are UTF-8 byte strings with a
 * length; dicts keep insertion order, as Python's do, and past 8 keys
 * carry a hash index (in the arena) so that a lookup is O(1): change a
 * dict only with jvset, jvdel and jvclear, never through u.dict. Python's
 * range is a native object of the class jvrangeclass; Python's Decimal
 * and set are native objects too (jdec.h, jset.h), which ==, hashing
 * and repr here know. */
#ifndef JVALUE_H
#define JVALUE_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "util.h"

enum jtype {
	JUNDEF, JNONE, JBOOL, JINT, JFLOAT, JSTR, JLIST, JTUPLE, JDICT, JFUNC,
	JOBJ
};

struct jv;
struct jcall;
struct jev;			/* a render in progress (jeval.h) */
/* A callable: returns its result; fails with jfail() (jeval.h). data is
 * what jvfunc was given. */
typedef struct jv *jfunc(struct jev *, void *data, struct jcall *);

/* A native object (a relation, dbt's adapter, a module): attribute
 * lookup returns NULL for a name it does not have; str appends str(self)
 * and returns NULL, or an error message; NULL str: printing is refused;
 * call, when not NULL, makes the object callable (dbt's config is called
 * and has methods); items, when not NULL, gives what it iterates as (a
 * JLIST or JTUPLE: for loops, in, length, list); getitem, when not NULL,
 * answers self[key] (NULL: undefined), else a subscript is refused;
 * mapping: the tests mapping, sequence and iterable are true (else they
 * are false for an object with items, true as Jinja2's are for range,
 * and refused for any other). */
struct jclass {
	const char *name;
	struct jv *(*getattr)(struct jev *, struct jv *self, const char *name);
	const char *(*str)(const struct jv *self, struct buf *);
	struct jv *(*call)(struct jev *, struct jv *self, struct jcall *);
	struct jv *(*items)(struct jev *, struct jv *self);
	struct jv *(*getitem)(struct jev *, struct jv *self, struct jv *key);
	int mapping;		/* a Mapping, as dbt's relations are */
	int (*truth)(const struct jv *self);	/* its truth, when not always true */
};

/* What a JSTR, JLIST or JTUPLE stands for beyond its items (jlib makes
 * them): JS_MARKUP a str already escaped (markupsafe's Markup); JS_KEYS,
 * JS_VALUES, JS_ITEMS a dict's keys(), values() or items() view (a list
 * of its keys, values or (key, value) tuples when it was taken); JS_GEN
 * and JS_ITER a generator (map, select, ...) or reversed()'s iterator,
 * which are always true, have no len() and cannot be printed; JS_GROUP
 * a tuple (grouper, list) from groupby. They iterate as their items,
 * print and compare as Python's, and are never mutated as lists. */
enum jsub { JS_NONE, JS_MARKUP, JS_KEYS, JS_VALUES, JS_ITEMS, JS_GEN, JS_ITER,
	JS_GROUP };

struct jv {
	enum jtype type;
	enum jsub sub;
	union {
		int b;
		int64_t i;
		double f;
		struct { const char *s; size_t n; } str;
		struct { struct jv **v; size_t n, cap; } list;	/* list, tuple */
		struct {
			struct jv **k, **v;
			size_t n, cap;
			size_t *idx;	/* index + 1 of each slot, or 0 */
			size_t icap;	/* slots: a power of 2, or 0 */
		} dict;
		struct { const char *name; jfunc *fn; void *data; } func;
		struct { const struct jclass *cls; void *data; } obj;
	} u;
};

/* Arguments of a call: positional, then keyword (names[i] for kw[i]). */
struct jcall {
	struct jv **pos;
	size_t npos;
	const char **names;
	struct jv **kw;
	size_t nkw;
};

extern struct jv jvundef, jvnone, jvtrue, jvfalse;
/* dbt's parse-time Undefined (dbt_common's create_undefined): a JUNDEF
 * that is not equal to jvundef; jeval.h says where it comes from. */
extern struct jv jvparseundef;
/* An Undefined that is jvundef in all but the message of the error its
 * use raises (Jinja2's _undefined_message: "'list object' has no
 * attribute 'x'"); why is copied. jvundefwhy(x, d) is that message, or d
 * for an Undefined without one. */
struct jv *jvundefof(struct arena *, const char *why);
const char *jvundefwhy(const struct jv *, const char *d);

struct jv *jvint(struct arena *, int64_t);
struct jv *jvfloat(struct arena *, double);
struct jv *jvbool(int);
/* A string: s is copied into the arena. */
struct jv *jvstr(struct arena *, const char *s, size_t n);
struct jv *jvlist(struct arena *, enum jtype);	/* JLIST or JTUPLE */
void jvpush(struct arena *, struct jv *list, struct jv *v);
struct jv *jvdict(struct arena *);
/* Set k to v, replacing an equal key in place (Python's order). */
void jvset(struct arena *, struct jv *dict, struct jv *k, struct jv *v);
/* The value for k, or NULL. */
struct jv *jvget(struct jv *dict, struct jv *k);
/* Remove k; returns whether it was there. */
int jvdel(struct arena *, struct jv *dict, struct jv *k);
void jvclear(struct jv *dict);
/* Python's range(start, stop, step) (step not 0): its length and item i. */
extern const struct jclass jvrangeclass;
struct jv *jvrange(struct arena *, int64_t start, int64_t stop, int64_t step);
int jvisrange(const struct jv *);
size_t jvrangelen(const struct jv *);
int64_t jvrangeat(const struct jv *, size_t i);
struct jv *jvfunc(struct arena *, const char *name, jfunc *, void *data);
struct jv *jvobj(struct arena *, const struct jclass *, void *data);

/* Python's truth value. */
int jvtruth(const struct jv *);
/* A hash agreeing with jveq (for dicts' indexes and sets). */
uint64_t jvhash(const struct jv *);
/* Python's ==. */
int jveq(const struct jv *, const struct jv *);
/* Python's type name: 'int', 'str', 'NoneType', ... */
const char *jvtypename(const struct jv *);
/* The number of code points in a UTF-8 string. */
size_t jvutf8len(const char *s, size_t n);

/* Append str(v) (as Jinja2 prints it; Undefined prints nothing) or
 * repr(v). They return NULL, or an error message for what cannot be
 * printed exactly (repr of a string with non-ASCII characters). */
const char *jvstrto(struct buf *, const struct jv *);
const char *jvreprto(struct buf *, const struct jv *);
/* Python's repr of a float: the shortest string that reads back as d. */
void jvfloatto(struct buf *, double d);

#endif
