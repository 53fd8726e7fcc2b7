/* jdec.h: Python's decimal.Decimal as a value of the Jinja engine, as
 * agate gives a numeric or float column from the database (dbt's
 * run_query, load_result): finite values only, each its sign, its
 * coefficient's digits and its exponent, exactly as Decimal(text) holds
 * them.
 *
 * What is exact: str() as Python's (Decimal('1.50') prints 1.50,
 * Decimal('0.0000001') 1E-7) and repr() (Decimal('1.50')); truth; ==, !=,
 * <, <=, >, >= with an int, a bool, a float or a Decimal (compared
 * exactly, as Python compares them); +, - and * with an int, a bool or a
 * Decimal, and unary - and +, while the result has at most 28 digits
 * (Python's default context would round a longer one: refused); int()
 * (truncated) and float() (correctly rounded); a hash agreeing with ==.
 * Refused: /, //, %, ** and arithmetic with a float (Python's TypeError is
 * an error too). */
#ifndef JDEC_H
#define JDEC_H

#include <stdint.h>

#include "jvalue.h"

extern const struct jclass jdecclass;

/* Decimal(text): [-]digits[.digits][(e|E)[+|-]digits], or NULL for any
 * other text (NaN, infinities, spaces). */
struct jv *jdecnew(struct arena *, const char *text);
/* Decimal(repr(d)) of a float, as agate makes of one: NULL for NaN and
 * the infinities. */
struct jv *jdecfloat(struct arena *, double d);
int jdecis(const struct jv *);
/* Whether x is a Decimal and y a number or Decimal (or the other way):
 * then *c is -1, 0 or 1 as x is less than, equal to or greater than y,
 * or 2 for a float NaN (unordered). */
int jdeccmp(const struct jv *x, const struct jv *y, int *c);
/* x op y ('+', '-', '*') where one is a Decimal and the other an int, a
 * bool or a Decimal: the result, or NULL with *err set to why it is not
 * exact or not Python's. */
struct jv *jdecarith(struct arena *, int op, const struct jv *x, const struct jv *y,
    const char **err);
/* -x or +x: NULL (and *err) where Python would round. */
struct jv *jdecsign(struct arena *, int neg, const struct jv *x, const char **err);
/* int(x): 0, or -1 beyond 64 bits. */
int jdectoint(const struct jv *x, int64_t *r);
/* float(x). */
double jdectodouble(const struct jv *x);
/* Appends repr(x). */
void jdecrepr(struct buf *, const struct jv *x);
/* A hash agreeing with ==: an integral Decimal hashes as its int does;
 * hashint is jvalue's hash of an int, hashfloat of a float. */
uint64_t jdechash(const struct jv *x, uint64_t (*hashint)(int64_t),
    uint64_t (*hashfloat)(double));

#endif
