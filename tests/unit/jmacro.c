/* jmacro: macros bound once by jmacros and called from many renders;
 * dbt's return(); errors inside a macro; big dicts. */
#include <stdlib.h>
#include <string.h>

#include "jeval.h"
#include "tap.h"

static const char macros[] =
    "{% macro greet(who, punct='!') -%}\n"
    "{{ hello }}, {{ who }} on {{ target }}{{ punct }}\n"
    "{%- endmacro %}\n"
    "{% macro twice(x) %}{{ greet(x) }}/{{ greet(x, punct='?') }}{% endmacro %}\n"
    "{% macro early(x) %}before{% if x %}{{ return(x * 2) }}{% endif %}after{% endmacro %}\n"
    "{% macro count(n=namespace(v=0)) %}{% set n.v = n.v + 1 %}{{ n.v }}{% endmacro %}\n"
    "{% macro bad(x) %}\n"
    "  {{ x + 1 }}\n"
    "{% endmacro %}\n"
    "{% macro outer() %}[{% call wrap() %}{{ return('from caller') }}{% endcall %}]{% endmacro %}\n"
    "{% macro wrap() %}<{{ caller() }}>{% endmacro %}\n"
    "{% test unique(model) %}{{ model }} is unique{% endtest %}\n"
    "{% materialization view, adapter='postgres' %}{{ supported_languages[0] }}{% endmaterialization %}\n";

static struct jv *
dbtreturn(struct jev *v, void *data, struct jcall *c)
{
	(void)data;
	jreturn(v, c->npos ? c->pos[0] : &jvnone);
	return NULL;
}

static struct jv *
str(struct arena *a, const char *s)
{
	return jvstr(a, s, strlen(s));
}

/* Render src (named name) over globals; the output, or "ERR: message". */
static char *
render(const char *name, const char *src, struct jv **globals, size_t n,
    struct arena *a)
{
	static char res[512];
	struct jtmpl t;
	struct buf out = {0};
	char *err;

	if (jcompile(a, name, src, strlen(src), &t, &err) < 0 ||
	    jrun(a, &t, globals, n, &out, &err) < 0) {
		snprintf(res, sizeof(res), "ERR: %s", err);
		free(err);
	} else
		snprintf(res, sizeof(res), "%s", out.s ? out.s : "");
	buffree(&out);
	return res;
}

static struct jv *
context(struct arena *a, const char *target)
{
	struct jv *d = jvdict(a);

	jvset(a, d, str(a, "target"), str(a, target));
	jvset(a, d, str(a, "hello"), str(a, "hi"));
	jvset(a, d, str(a, "return"), jvfunc(a, "return", dbtreturn, NULL));
	return d;
}

static void
bigdict(void)
{
	struct arena a = {0};
	struct jv *d = jvdict(&a);
	char k[32];
	int i, good = 1;

	for (i = 0; i < 5000; i++) {
		snprintf(k, sizeof(k), "m%d", i);
		jvset(&a, d, str(&a, k), jvint(&a, i));
	}
	jvset(&a, d, jvint(&a, 7), str(&a, "int"));
	jvset(&a, d, jvfloat(&a, 7.0), str(&a, "float"));
	for (i = 0; i < 5000; i++) {
		struct jv *x;
		snprintf(k, sizeof(k), "m%d", i);
		x = jvget(d, str(&a, k));
		good &= x && x->u.i == i && d->u.dict.k[i]->u.str.n == strlen(k);
	}
	ok(good && d->u.dict.n == 5001, "5000 keys found through the index, in order");
	ok(!strcmp(jvget(d, jvint(&a, 7))->u.str.s, "float") &&
	    d->u.dict.k[5000]->type == JINT && !jvget(d, &jvtrue),
	    "7 and 7.0 are one key, as Python's");
	ok(jvdel(&a, d, str(&a, "m10")) && !jvget(d, str(&a, "m10")) &&
	    jvget(d, str(&a, "m11"))->u.i == 11 && d->u.dict.n == 5000 &&
	    !strcmp(d->u.dict.k[10]->u.str.s, "m11"), "jvdel keeps order and the index");
	ok(!jvdel(&a, d, str(&a, "nope")), "jvdel of a missing key");
	jvclear(d);
	ok(d->u.dict.n == 0 && !jvget(d, str(&a, "m1")), "jvclear");
	arenafree(&a);
}

int
main(void)
{
	struct arena la = {0}, a1 = {0}, a2 = {0};
	struct jtmpl t;
	struct jv *into, *g[2];
	char *err = NULL;

	into = jvdict(&la);
	ok(jcompile(&la, "macros.sql", macros, strlen(macros), &t, &err) == 0, "macros compile");
	ok(jmacros(&la, &t, into, into, &err) == 0, "jmacros runs the top level");
	ok(into->u.dict.n == 9 && jvget(into, str(&la, "test_unique")) &&
	    jvget(into, str(&la, "materialization_view_postgres")),
	    "every macro, test and materialization bound by name");

	g[0] = context(&a1, "dev");
	g[1] = into;
	is(render("a.sql", "{{ twice('A') }}", g, 2, &a1), "hi, A on dev!/hi, A on dev?",
	    "a macro sees its own namespace and the calling render's globals");
	is(render("a.sql", "{{ count() }}{{ count() }}", g, 2, &a1), "11",
	    "defaults are made at each call");
	is(render("a.sql", "{{ early(0) }}|{{ early(21) }}|{{ early(21) + 1 }}", g, 2, &a1),
	    "beforeafter|42|43", "return() ends the macro with its value");
	is(render("a.sql", "{{ outer() }}", g, 2, &a1), "[from caller]",
	    "return() in a caller's body ends the macro that called caller()");
	is(render("a.sql", "{{ test_unique('t') }}{{ materialization_view_postgres() }}", g, 2, &a1),
	    "t is uniquesql", "test and materialization blocks are macros");
	is(render("a.sql", "x{{ return(1) }}", g, 2, &a1),
	    "ERR: a.sql:1:5: return() called outside a macro", "return() outside a macro fails");
	is(render("a.sql", "\n{{ bad('s') }}", g, 2, &a1),
	    "ERR: macros.sql:8:8: unsupported operand type(s) for +: 'str' and 'int'",
	    "an error inside a macro names the macro's file and line");
	arenafree(&a1);

	g[0] = context(&a2, "prod");
	jvset(&a2, g[0], str(&a2, "hello"), str(&a2, "hey"));
	is(render("b.sql", "{% set target = 'shadowed' %}{{ greet('B') }}", g, 2, &a2),
	    "hey, B on prod!", "another render, other globals; the caller's locals unseen");
	is(render("b.sql", "{{ count() }}", g, 2, &a2), "1", "nothing shared was changed");
	arenafree(&a2);

	bigdict();
	arenafree(&la);
	return tap_done();
}
