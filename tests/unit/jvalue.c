#include <math.h>
#include <stdlib.h>

#include "jvalue.h"
#include "tap.h"

static char *
fl(double d)
{
	static struct buf b;

	b.len = 0;
	jvfloatto(&b, d);
	return b.s;
}

static char *
rep(struct jv *v)
{
	static struct buf b;

	b.len = 0;
	bufputs(&b, "");
	if (jvreprto(&b, v))
		return NULL;
	return b.s;
}

int
main(void)
{
	struct arena a = {0};
	struct jv *l, *d;

	is(fl(1.0), "1.0", "1.0 keeps its point");
	is(fl(0.1 + 0.2), "0.30000000000000004", "shortest round trip");
	is(fl(1e16), "1e+16", "exponent from 16");
	is(fl(1e15), "1000000000000000.0", "fixed below 16");
	is(fl(0.0001), "0.0001", "fixed down to -4");
	is(fl(0.00001), "1e-05", "exponent below -4, two digits");
	is(fl(-0.0), "-0.0", "negative zero");
	is(fl(1.5e-7), "1.5e-07", "mantissa with a point");
	is(fl(INFINITY), "inf", "inf");
	is(fl(NAN), "nan", "nan");
	is(fl(123456789.125), "123456789.125", "many digits");
	l = jvlist(&a, JLIST);
	jvpush(&a, l, jvint(&a, 1));
	jvpush(&a, l, jvstr(&a, "a'b", 3));
	jvpush(&a, l, jvstr(&a, "c\n", 2));
	jvpush(&a, l, &jvnone);
	is(rep(l), "[1, \"a'b\", 'c\\n', None]", "list repr as Python's");
	d = jvdict(&a);
	jvset(&a, d, jvstr(&a, "k", 1), &jvtrue);
	jvset(&a, d, jvint(&a, 2), jvfloat(&a, 2.5));
	jvset(&a, d, jvstr(&a, "k", 1), &jvfalse);
	is(rep(d), "{'k': False, 2: 2.5}", "dict keeps order, replaces in place");
	l = jvlist(&a, JTUPLE);
	jvpush(&a, l, jvint(&a, 1));
	is(rep(l), "(1,)", "one-tuple");
	ok(rep(jvstr(&a, "\xc3\xa9", 2)) == NULL, "repr of non-ASCII is refused");
	ok(jveq(jvint(&a, 1), jvfloat(&a, 1.0)) && jveq(&jvtrue, jvint(&a, 1)),
	    "1 == 1.0 == True");
	ok(!jveq(jvstr(&a, "1", 1), jvint(&a, 1)), "'1' != 1");
	ok(!jvtruth(jvlist(&a, JLIST)) && !jvtruth(&jvundef) &&
	    jvtruth(jvstr(&a, "0", 1)), "truthiness");
	ok(jvutf8len("\xc3\xa9x", 3) == 2, "length counts code points");
	arenafree(&a);
	return tap_done();
}
