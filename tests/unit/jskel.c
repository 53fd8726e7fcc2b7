/* jeval's skeleton of a template and the marks of its own text (jeval.h),
 * which delta.h regenerates a model from. */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "jeval.h"
#include "tap.h"

/* The skeleton of src hashed, and how many texts its body has. */
static size_t
skel(const char *src, char out[65])
{
	struct arena a = {0};
	struct jtmpl t;
	struct buf b = {0};
	char *err = NULL;
	size_t n;

	if (jcompile(&a, "t.sql", src, strlen(src), &t, &err) < 0) {
		free(err);
		arenafree(&a);
		return (size_t)-1;
	}
	n = jskeleton(&t, &b);
	sha256hex(b.s ? b.s : "", b.len, out);
	buffree(&b);
	arenafree(&a);
	return n;
}

static int
same(const char *x, const char *y)
{
	char a[65], b[65];
	size_t n = skel(x, a), m = skel(y, b);

	return n == m && n != (size_t)-1 && !strcmp(a, b);
}

/* src rendered with its marks: "start-end,..." of each text. */
static const char *
marks(const char *src, char *out)
{
	static char s[512];
	struct arena a = {0};
	struct jtmpl t;
	struct jmarks mk = {0};
	struct buf b = {0};
	char *err = NULL;
	size_t i, k = 0;

	s[0] = '\0';
	if (jcompile(&a, "t.sql", src, strlen(src), &t, &err) < 0 ||
	    jrunmarks(&a, &t, NULL, 0, &b, &mk, &err) < 0) {
		free(err);
		arenafree(&a);
		return "error";
	}
	for (i = 0; i < mk.n; i++)
		k += (size_t)snprintf(s + k, sizeof(s) - k, "%s%zu-%zu", i ? "," : "", mk.v[2 * i],
		    mk.v[2 * i + 1]);
	strcpy(out, b.s ? b.s : "");
	free(mk.v);
	buffree(&b);
	arenafree(&a);
	return s;
}

/* jparamonly of src's macro m, its parameter 1. */
static int
only(const char *src)
{
	static const char *const raw[] = {"raw_code", NULL};
	struct arena a = {0};
	struct jtmpl t;
	struct jv *into, *m;
	char *err = NULL;
	int r = -1;

	into = jvdict(&a);
	if (jcompile(&a, "m.sql", src, strlen(src), &t, &err) == 0 &&
	    jmacros(&a, &t, into, NULL, &err) == 0 && (m = jvget(into, jvstr(&a, "m", 1))))
		r = jparamonly(m, 1, raw);
	free(err);
	arenafree(&a);
	return r;
}

int
main(void)
{
	char out[256], h[65];

	ok(same("select {{ 1 }} from x", "select a, {{ 1 }}\nfrom y where z"),
	    "the body's texts changed: the same skeleton");
	ok(same("a {{- 1 }} b", "a\n\n {{- 1 }} c"), "whitespace control's text too");
	ok(same("a {# one #} b", "a {# two #} b"), "a comment's words are nothing");
	ok(same("a {# one #} b", "a b"), "nor is a comment added");
	ok(same("{{ 1 }}{{ 2 }}", "x {{ 1 }} y {{ 2 }} z"), "text where there was none");
	ok(same("{% set x = 1 %}{{ x }}", "a {% set x = 1 %} b {{ x }}"), "around a set");
	ok(same("{% raw %}x{% endraw %} y", "{% raw %}{{ z }}{% endraw %} y"),
	    "raw is the body's text");
	ok(!same("{% if 1 %}a{% endif %}", "{% if 1 %}b{% endif %}"), "a text inside a block is not");
	ok(!same("{% set x %}a{% endset %}{{ x }}", "{% set x %}b{% endset %}{{ x }}"),
	    "nor inside a set block");
	ok(!same("a {{ 'x' }} b", "a {{ 'y' }} b"), "a tag's string");
	ok(!same("a {{ 1 }} b", "a {{ 2 }} b"), "a tag's number");
	ok(!same("a {{ x }} b", "a {{ y }} b"), "a tag's name");
	ok(!same("a {{ x }}", "a {{ x }} {{ x }}"), "a tag more");
	ok(skel("a {{ 1 }} b {% if 1 %}c{% endif %} d", h) == 3, "three gaps of text of its own");
	ok(skel("{{ 1 }}{{ 2 }}", h) == 3, "empty ones too");
	is(marks("ab{{ 1 + 2 }}cd{% if 1 %}e{% endif %}f", out), "0-2,3-5,6-7", "where each went");
	is(out, "ab3cdef", "in the render");
	is(marks("x{{ return(1) if 0 else '' }}y", out), "0-1,1-2", "an empty output between");
	is(marks("{{ 1 }}{{ 22 }}", out), "0-0,1-1,3-3", "empty gaps where they are");
	ok(only("{% macro m(c, node) %}{{ c }}{% endmacro %}") == 1, "a parameter unread");
	ok(only("{% macro m(c, node) %}{% if node.resource_type == 'seed' %}{{ node['fqn'][0] }}"
	    "{% endif %}{% endmacro %}") == 1, "read as fields");
	ok(only("{% macro m(c, node) %}{{ node.raw_code }}{% endmacro %}") == 0, "a field avoided");
	ok(only("{% macro m(c, node) %}{{ node['raw_code'] }}{% endmacro %}") == 0, "as an item too");
	ok(only("{% macro m(c, node) %}{{ node.get('x') }}{% endmacro %}") == 0, "a dict's method");
	ok(only("{% macro m(c, node) %}{{ other(node) }}{% endmacro %}") == 0, "passed on");
	ok(only("{% macro m(c, node) %}{{ node }}{% endmacro %}") == 0, "whole");
	ok(only("{% macro m(c, node) %}{{ node[c] }}{% endmacro %}") == 0, "an item not constant");
	ok(only("{% macro m(c, node) %}{% for k in node %}{% endfor %}{% endmacro %}") == 0,
	    "iterated");
	ok(only("{% macro m(c) %}{{ varargs }}{% endmacro %}") == 0, "no such parameter");
	return tap_done();
}
