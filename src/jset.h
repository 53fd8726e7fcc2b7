/* jset.h: Python's set as a value of the Jinja engine, as dbt's context
 * makes one (set(), set_strict()).
 *
 * Python iterates a set in its hash table's order, and a str's hash is
 * randomised per process (dbt does not fix PYTHONHASHSEED), so a set of
 * strs has no one order even in dbt: iterated (for, list, join, map,
 * first, ...) or printed, its items go in the order they were added, one
 * of the orders dbt gives. A set of two or more items of which one is not
 * a str has its hash table's order, which is not ours: iterating or
 * printing it is refused. What does not depend on it is exact: in and not in,
 * length and count, truth, == and != (with a set or a dict's keys or
 * items view), the sort filter where no two keys are equal, set - set,
 * and the methods add, discard, remove, update, clear, copy, union,
 * intersection, difference, symmetric_difference, issubset, issuperset
 * and isdisjoint (pop is refused). Items are None, bools, ints, floats,
 * strs, Decimals and tuples of them; a list, dict or set is unhashable
 * (Python's TypeError), any other value is refused. */
#ifndef JSET_H
#define JSET_H

#include "jeval.h"

extern const struct jclass jvsetclass;

int jvisset(const struct jv *);
size_t jsetlen(const struct jv *);
/* The items, in the order they were added (not Python's). */
struct jv *jsetitems(struct arena *, const struct jv *);
/* Whether x is in the set s: fails the render for an unhashable x. */
int jsethas(struct jev *, const struct jv *s, const struct jv *x);
/* Python's set(x): the set, or NULL for Python's TypeError (x not
 * iterable, an item unhashable), with *why set to its message. */
struct jv *jsetof(struct jev *, struct jv *x, const char **why);
/* s - t (t a set), as Python's. */
struct jv *jsetminus(struct jev *, struct jv *s, struct jv *t);
/* dbt's set(value, default=None) and set_strict(value), into the
 * dict d: Python's set(value), else default (set_strict fails with
 * Python's TypeError). */
void jsetnames(struct arena *, struct jv *d);
/* For jvalue's == and repr: */
int jseteq(const struct jv *, const struct jv *);
const char *jsetrepr(struct buf *, const struct jv *);

#endif
