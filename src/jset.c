/* jset.c: Python's set (jset.h): a JOBJ over a dict whose keys are the
 * items, so that membership is the dict's (jvalue's hash and ==). */
#include <stdlib.h>
#include <string.h>

#include "jdec.h"
#include "jset.h"

static struct jv *setattr_(struct jev *, struct jv *, const char *);
static const char *setstr(const struct jv *, struct buf *);
static struct jv *setiter(struct jev *, struct jv *);
static int settruth(const struct jv *);

const struct jclass jvsetclass = {"set", setattr_, setstr, NULL, setiter, NULL, 0, settruth};

static struct jv *
dictof(const struct jv *s)
{
	return s->u.obj.data;
}

int
jvisset(const struct jv *x)
{
	return x->type == JOBJ && x->u.obj.cls == &jvsetclass;
}

size_t
jsetlen(const struct jv *s)
{
	return dictof(s)->u.dict.n;
}

struct jv *
jsetitems(struct arena *a, const struct jv *s)
{
	struct jv *d = dictof(s), *l = jvlist(a, JTUPLE);
	size_t i;

	for (i = 0; i < d->u.dict.n; i++)
		jvpush(a, l, d->u.dict.k[i]);
	return l;
}

static int
settruth(const struct jv *s)
{
	return jsetlen(s) != 0;
}

/* 0: x can be an item; 1: Python's TypeError, unhashable; 2: refused. */
static int
hashkind(const struct jv *x)
{
	size_t i;
	int k;

	switch (x->type) {
	case JNONE: case JBOOL: case JINT: case JFLOAT: case JSTR:
		return 0;
	case JTUPLE:
		if (x->sub != JS_NONE)
			return 2;
		for (i = 0; i < x->u.list.n; i++)
			if ((k = hashkind(x->u.list.v[i])))
				return k;
		return 0;
	case JLIST:
		return x->sub == JS_NONE || x->sub == JS_KEYS || x->sub == JS_VALUES ||
		    x->sub == JS_ITEMS ? 1 : 2;
	case JDICT:
		return 1;
	case JOBJ:
		return jdecis(x) ? 0 : jvisset(x) ? 1 : 2;
	default:
		return 2;
	}
}

/* Fail as Python fails for an item that is not hashable. */
static void
needitem(struct jev *v, const struct jv *x)
{
	int k = hashkind(x);

	if (k == 1)
		jfail(v, "unhashable type: '%s'", jvtypename(x));
	if (k == 2)
		jfail(v, "unsupported: a %s in a set", jvtypename(x));
}

static struct jv *
newset(struct arena *a)
{
	return jvobj(a, &jvsetclass, jvdict(a));
}

/* Add x (hashable): an item equal to it stays as it was, as in Python. */
static void
add(struct arena *a, struct jv *s, struct jv *x)
{
	if (!jvget(dictof(s), x))
		jvset(a, dictof(s), x, &jvnone);
}

int
jsethas(struct jev *v, const struct jv *s, const struct jv *x)
{
	needitem(v, x);
	return jvget(dictof(s), (struct jv *)x) != NULL;
}

/* The items of an iterable for building a set: a set's own, else what
 * jeval iterates; NULL where Python's iter() raises TypeError. */
static struct jv *
itemsof(struct jev *v, struct jv *x)
{
	switch (x->type) {
	case JLIST: case JTUPLE: case JDICT: case JSTR: case JUNDEF:
		return jeviter(v, x);
	case JOBJ:
		if (jvisset(x))
			return jsetitems(jevarena(v), x);
		if (x->u.obj.cls->items || !strcmp(x->u.obj.cls->name, "range"))
			return jeviter(v, x);
		return NULL;
	default:
		return NULL;
	}
}

static const char *
why1(struct arena *a, const char *fmt, const struct jv *x)
{
	char *m = xasprintf(fmt, jvtypename(x));
	const char *r = jvstr(a, m, strlen(m))->u.str.s;

	free(m);
	return r;
}

struct jv *
jsetof(struct jev *v, struct jv *x, const char **why)
{
	struct arena *a = jevarena(v);
	struct jv *l = itemsof(v, x), *s;
	size_t i;
	int k;

	if (!l) {
		*why = why1(a, "'%s' object is not iterable", x);
		return NULL;
	}
	for (i = 0; i < l->u.list.n; i++) {
		if ((k = hashkind(l->u.list.v[i])) == 1) {
			*why = why1(a, "unhashable type: '%s'", l->u.list.v[i]);
			return NULL;
		}
		if (k == 2)
			needitem(v, l->u.list.v[i]);
	}
	s = newset(a);
	for (i = 0; i < l->u.list.n; i++)
		add(a, s, l->u.list.v[i]);
	return s;
}

/* The set of an argument of a method: a set, or any iterable (Python's
 * TypeError for what is not). */
static struct jv *
argset(struct jev *v, struct jv *x, const char *fn)
{
	const char *why;
	struct jv *s;

	if (jvisset(x))
		return x;
	if (!(s = jsetof(v, x, &why)))
		jfail(v, "%s(): %s", fn, why);
	return s;
}

static struct jv *
copy(struct arena *a, struct jv *s)
{
	struct jv *r = newset(a), *l = jsetitems(a, s);
	size_t i;

	for (i = 0; i < l->u.list.n; i++)
		add(a, r, l->u.list.v[i]);
	return r;
}

struct jv *
jsetminus(struct jev *v, struct jv *s, struct jv *t)
{
	struct arena *a = jevarena(v);
	struct jv *r = newset(a), *l = jsetitems(a, s);
	size_t i;

	for (i = 0; i < l->u.list.n; i++)
		if (!jvget(dictof(t), l->u.list.v[i]))
			add(a, r, l->u.list.v[i]);
	return r;
}

int
jseteq(const struct jv *x, const struct jv *y)
{
	const struct jv *o;
	size_t i, k;

	if (!jvisset(x)) {
		o = x;
		x = y;
		y = o;
	}
	if (jvisset(y)) {
		const struct jv *d = dictof(x);
		if (jsetlen(x) != jsetlen(y))
			return 0;
		for (i = 0; i < jsetlen(x); i++)
			if (!jvget(dictof(y), d->u.dict.k[i]))
				return 0;
		return 1;
	}
	/* a dict's keys or items view is set-like */
	if (y->type != JLIST || (y->sub != JS_KEYS && y->sub != JS_ITEMS) ||
	    y->u.list.n != jsetlen(x))
		return 0;
	for (i = 0; i < y->u.list.n; i++) {
		if (hashkind(y->u.list.v[i]))
			return 0;
		if (!jvget(dictof(x), y->u.list.v[i]))
			return 0;
		for (k = 0; k < i; k++)
			if (jveq(y->u.list.v[k], y->u.list.v[i]))
				return 0;
	}
	return 1;
}

static const char unordered[] = "a set of more than one item that is not a str: Python's "
    "order of its items is its hash table's";

/* Whether Python's order of the set's items is no one order: two or more
 * items, each a str, whose hashes Python seeds anew in each process
 * (dbt's order changes from run to run): then they go in the order they
 * were added, which is one of dbt's. Any other order of two or more items
 * is the hash table's, fixed but not ours: refused. */
static int
anyorder(const struct jv *s)
{
	const struct jv *d = dictof(s);
	size_t i;

	for (i = 0; i < d->u.dict.n; i++)
		if (d->u.dict.k[i]->type != JSTR)
			return 0;
	return 1;
}

const char *
jsetrepr(struct buf *b, const struct jv *s)
{
	size_t i;

	if (jsetlen(s) == 0) {
		bufputs(b, "set()");
		return NULL;
	}
	if (jsetlen(s) > 1 && !anyorder(s))
		return "printing a set of more than one item that is not a str (Python's order "
		    "of its items is its hash table's)";
	bufputc(b, '{');
	for (i = 0; i < jsetlen(s); i++) {
		const char *err;
		if (i)
			bufputs(b, ", ");
		if ((err = jvreprto(b, dictof(s)->u.dict.k[i])))
			return err;
	}
	bufputc(b, '}');
	return NULL;
}

static const char *
setstr(const struct jv *s, struct buf *b)
{
	return jsetrepr(b, s);
}

static struct jv *
setiter(struct jev *v, struct jv *s)
{
	struct arena *a = jevarena(v);

	if (jsetlen(s) > 1 && !anyorder(s))
		jfail(v, "unsupported: iterating %s", unordered);
	return jsetitems(a, s);
}

/* ---- methods ---- */

struct meth {
	struct jv *self;
	const char *name;
};

static void
mutable(struct jev *v, struct meth *m)
{
	if (!arenaowns(jevarena(v), dictof(m->self)))
		jfail(v, "unsupported: changing a set shared between renders");
}

static void
nargs(struct jev *v, struct meth *m, struct jcall *c, size_t min, size_t max)
{
	if (c->nkw)
		jfail(v, "%s() takes no keyword arguments", m->name);
	if (c->npos < min || c->npos > max) {
		if (min == max)
			jfail(v, "set.%s() takes exactly %s argument%s (%zu given)", m->name,
			    min ? "one" : "no", min ? "" : "s", c->npos);
		jfail(v, "set.%s() takes at most %zu arguments (%zu given)", m->name, max, c->npos);
	}
}

static struct jv *
mcall(struct jev *v, void *data, struct jcall *c)
{
	struct meth *m = data;
	struct arena *a = jevarena(v);
	struct jv *s = m->self, *r, *o, *l;
	const char *n = m->name;
	size_t i, k;

	if (!strcmp(n, "add") || !strcmp(n, "discard") || !strcmp(n, "remove")) {
		nargs(v, m, c, 1, 1);
		needitem(v, c->pos[0]);
		mutable(v, m);
		if (n[0] == 'a')
			add(a, s, c->pos[0]);
		else if (!jvdel(a, dictof(s), c->pos[0]) && n[0] == 'r') {
			struct buf b = {0};
			const char *err = jvreprto(&b, c->pos[0]);
			if (err)
				jfail(v, "unsupported: %s", err);
			r = jvstr(a, b.s, b.len);
			buffree(&b);
			jfail(v, "KeyError: %s", r->u.str.s);
		}
		return &jvnone;
	}
	if (!strcmp(n, "clear")) {
		nargs(v, m, c, 0, 0);
		mutable(v, m);
		jvclear(dictof(s));
		return &jvnone;
	}
	if (!strcmp(n, "copy")) {
		nargs(v, m, c, 0, 0);
		return copy(a, s);
	}
	if (!strcmp(n, "update") || !strcmp(n, "union")) {
		nargs(v, m, c, 0, (size_t)-1);
		if (!strcmp(n, "update")) {
			mutable(v, m);
			r = s;
		} else
			r = copy(a, s);
		for (i = 0; i < c->npos; i++) {
			l = jsetitems(a, argset(v, c->pos[i], n));
			for (k = 0; k < l->u.list.n; k++)
				add(a, r, l->u.list.v[k]);
		}
		return r == s ? &jvnone : r;
	}
	if (!strcmp(n, "intersection") || !strcmp(n, "difference")) {
		nargs(v, m, c, 0, (size_t)-1);
		r = copy(a, s);
		for (i = 0; i < c->npos; i++) {
			struct jv *t = argset(v, c->pos[i], n), *keep = newset(a);
			l = jsetitems(a, r);
			for (k = 0; k < l->u.list.n; k++)
				if ((jvget(dictof(t), l->u.list.v[k]) != NULL) == (n[0] == 'i'))
					add(a, keep, l->u.list.v[k]);
			r = keep;
		}
		return r;
	}
	if (!strcmp(n, "symmetric_difference")) {
		nargs(v, m, c, 1, 1);
		o = argset(v, c->pos[0], n);
		r = jsetminus(v, s, o);
		l = jsetitems(a, jsetminus(v, o, s));
		for (k = 0; k < l->u.list.n; k++)
			add(a, r, l->u.list.v[k]);
		return r;
	}
	if (!strcmp(n, "issubset") || !strcmp(n, "issuperset") || !strcmp(n, "isdisjoint")) {
		struct jv *x = s, *y;
		nargs(v, m, c, 1, 1);
		y = argset(v, c->pos[0], n);
		if (!strcmp(n, "issuperset"))
			o = x, x = y, y = o;
		l = jsetitems(a, x);
		for (k = 0; k < l->u.list.n; k++)
			if ((jvget(dictof(y), l->u.list.v[k]) != NULL) == (n[2] == 'd'))
				return &jvfalse;
		return &jvtrue;
	}
	jfail(v, "unsupported: set.%s()", n);
	return NULL;
}

static struct jv *
setattr_(struct jev *v, struct jv *self, const char *name)
{
	static const char *const names[] = {"add", "discard", "remove", "clear", "copy",
	    "update", "union", "intersection", "difference", "symmetric_difference",
	    "issubset", "issuperset", "isdisjoint", NULL};
	struct meth *m;
	size_t i;

	if (!strcmp(name, "pop"))
		jfail(v, "unsupported: set.pop() (which item it takes is Python's hash order)");
	for (i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			break;
	if (!names[i])
		return NULL;
	m = arenaalloc(jevarena(v), sizeof(*m));
	m->self = self;
	m->name = names[i];
	return jvfunc(jevarena(v), names[i], mcall, m);
}

/* dbt's set(value, default=None): Python's set(value), or default where
 * that raises TypeError; set_strict(value) raises instead. */
static struct jv *
dbtset(struct jev *v, struct jcall *c, int strict)
{
	struct jv *x = NULL, *dflt = &jvnone, *r;
	const char *fn = strict ? "set_strict" : "set", *why;
	size_t k;

	if (c->npos > (strict ? 1u : 2u))
		jfail(v, "%s() takes %s positional argument%s but %zu were given", fn,
		    strict ? "1" : "from 1 to 2", strict ? "" : "s", c->npos);
	if (c->npos > 0)
		x = c->pos[0];
	if (c->npos > 1)
		dflt = c->pos[1];
	for (k = 0; k < c->nkw; k++) {
		if (!strcmp(c->names[k], "value")) {
			if (x)
				jfail(v, "%s() got multiple values for argument 'value'", fn);
			x = c->kw[k];
		} else if (!strict && !strcmp(c->names[k], "default")) {
			if (c->npos > 1)
				jfail(v, "%s() got multiple values for argument 'default'", fn);
			dflt = c->kw[k];
		} else
			jfail(v, "%s() got an unexpected keyword argument '%s'", fn, c->names[k]);
	}
	if (!x)
		jfail(v, "%s() missing 1 required positional argument: 'value'", fn);
	if ((r = jsetof(v, x, &why)))
		return r;
	if (strict)
		jfail(v, "%s", why);
	return dflt;
}

static struct jv *
fnset(struct jev *v, void *data, struct jcall *c)
{
	(void)data;
	return dbtset(v, c, 0);
}

static struct jv *
fnsetstrict(struct jev *v, void *data, struct jcall *c)
{
	(void)data;
	return dbtset(v, c, 1);
}

void
jsetnames(struct arena *a, struct jv *d)
{
	jvset(a, d, jvstr(a, "set", 3), jvfunc(a, "set", fnset, NULL));
	jvset(a, d, jvstr(a, "set_strict", 10), jvfunc(a, "set_strict", fnsetstrict, NULL));
}
