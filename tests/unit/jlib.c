/* unit/jlib: what the differential test cannot show: methods on values
 * shared between renders (a wider context's dicts, made in another arena)
 * refuse to change them, and leave them as they were; an attribute such a
 * value has not is an Undefined made in the render's arena. */
#include <stdlib.h>
#include <string.h>

#include "jeval.h"
#include "tap.h"

static struct jv *shared;	/* lives in the long-lived arena */

/* Render src over shared (and a fresh inner dict) in a render arena. */
static char *
render(const char *src, char **err)
{
	static struct buf out;
	struct arena ca = {0}, ra = {0};
	struct jtmpl t;
	struct jv *g[2];
	char *r = NULL;

	*err = NULL;
	out.len = 0;
	if (jcompile(&ca, "t", src, strlen(src), &t, err) < 0)
		goto done;
	g[0] = jvdict(&ra);
	g[1] = shared;
	if (jrun(&ra, &t, g, 2, &out, err) < 0)
		goto done;
	bufputc(&out, '\0');
	r = out.s;
done:
	arenafree(&ra);
	arenafree(&ca);
	return r;
}

#include "jcheck.h"

int
main(void)
{
	struct arena a = {0};
	struct jv *l, *d;

	shared = jvdict(&a);
	l = jvlist(&a, JLIST);
	jvpush(&a, l, jvint(&a, 1));
	d = jvdict(&a);
	jvset(&a, d, jvstr(&a, "k", 1), jvint(&a, 2));
	jvset(&a, shared, jvstr(&a, "l", 1), l);
	jvset(&a, shared, jvstr(&a, "d", 1), d);

	refuses("{{ l.append(2) }}", "unsupported: changing a list shared between renders",
	    "append to a shared list is refused");
	refuses("{% set _ = d.update({'x': 1}) %}", "unsupported: changing a dict shared between renders",
	    "update of a shared dict is refused");
	refuses("{{ d.pop('k') }}", "shared between renders", "pop from a shared dict is refused");
	refuses("{{ l.sort() }}", "shared between renders", "sorting a shared list is refused");
	renders("{{ l }} {{ d }}", "[1] {'k': 2}", "the shared values are as they were");
	renders("{{ d.get('k') }} {{ l.index(1) }} {{ d.copy().update(z=1) }} {{ l | list }}",
	    "2 0 None [1]", "reading shared values and changing copies is allowed");
	renders("{% set m = l.copy() %}{{ m.append(5) }}{{ m }}{% set e = d.copy() %}{% set _ = e.update(z=1) %}{{ e }}",
	    "None[1, 5]{'k': 2, 'z': 1}", "a copy belongs to the render");
	renders("{% set m = [] %}{% set _ = m.append(l) %}{% set _ = m[0].count(1) %}{{ m }}",
	    "[[1]]", "a render's list may hold shared values");
	renders("{{ d.setdefault('k', 9) }}", "2", "setdefault of a key there changes nothing");
	refuses("{{ d.setdefault('n', 9) }}", "shared between renders", "setdefault of a new key is refused");
	renders("{{ l.is_hashdiff is defined }} {{ l['x'] | default('u') }} {{ d.k.x | default('v') }}",
	    "False u v", "an attribute a shared list or int has not is undefined");
	refuses("{{ l.x.y }}", "'list object' has no attribute 'x'", "and its use says which, as Jinja2's");
	refuses("{{ l[3] + 1 }}", "list object has no element 3", "an item likewise");
	refuses("{{ l.__class__ + 1 }}", "access to attribute '__class__' of 'list' object is unsafe.",
	    "a private attribute a list has is the sandbox's unsafe undefined");
	refuses("{{ d.k.bit_length() }}", "unsupported: attribute 'bit_length' of int",
	    "a method a value has and jlib has not is refused by name");
	arenafree(&a);
	return tap_done();
}
