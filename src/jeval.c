/* jeval.c: the Jinja evaluator (see jeval.h). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jdatetime.h"
#include "jdec.h"
#include "jeval.h"
#include "jlib.h"
#include "jset.h"

struct scope {
	struct scope *up;
	struct jv *vars;
};

/* An output buffer in use: freed if the render fails or a macro returns
 * through it. */
struct pbuf {
	struct buf b;
	struct pbuf *up;
};

/* A macro call being evaluated, for jreturn. */
struct mframe {
	jmp_buf ret;
	struct jv *val;
	struct mframe *up;
};

struct jev {
	struct arena *a;
	struct jerr *e;
	const struct jsrc *src;	/* the template being evaluated */
	size_t calloff;		/* the call a native function runs for */
	struct scope *glob;	/* the render's globals chain */
	struct mframe *mf;	/* the innermost macro call */
	struct pbuf *bufs;
	int depth;		/* macro calls nested */
	const struct jnl *top;	/* jrunmarks: the body whose text is marked */
	struct jmarks *marks;
	size_t base;		/* where out began */
	jmp_buf fail;
};

/* What a statement list ended with. */
enum { F_DONE, F_BREAK, F_CONTINUE };

/* A macro or a call block's caller: its definition, where it was
 * defined (up, in src) or, bound by jmacros, the namespace ns it sees
 * before the calling render's globals. */
struct macro {
	const struct jnode *n;
	const struct jsrc *src;
	struct scope *up;
	struct jv *ns;
};

static struct jv *eval(struct jev *, struct scope *, struct jnode *);
static int run(struct jev *, struct scope *, const struct jnl *, struct buf *);
static struct jv *callmacro(struct jev *, void *, struct jcall *);
static struct jv *builtin(const char *name);

static void
pushbuf(struct jev *v, struct pbuf *p)
{
	memset(p, 0, sizeof(*p));
	p->up = v->bufs;
	v->bufs = p;
}

/* Free the buffers in use down to (not including) to. */
static void
freebufs(struct jev *v, struct pbuf *to)
{
	while (v->bufs && v->bufs != to) {
		buffree(&v->bufs->b);
		v->bufs = v->bufs->up;
	}
}

/* Pop p (the innermost buffer) as a string value. */
static struct jv *
popbuf(struct jev *v, struct pbuf *p)
{
	struct jv *r = jvstr(v->a, p->b.s ? p->b.s : "", p->b.len);

	freebufs(v, p->up);
	return r;
}

static struct scope *
newscope(struct jev *v, struct scope *up)
{
	struct scope *sc = arenaalloc(v->a, sizeof(*sc));

	sc->up = up;
	sc->vars = jvdict(v->a);
	return sc;
}

static void
everr(struct jev *v, size_t off, const char *fmt, ...)
{
	va_list ap;

	v->e->src = v->src;
	v->e->off = off;
	va_start(ap, fmt);
	vsnprintf(v->e->msg, sizeof(v->e->msg), fmt, ap);
	va_end(ap);
	longjmp(v->fail, 1);
}

struct arena *
jevarena(struct jev *v)
{
	return v->a;
}

void
jfail(struct jev *v, const char *fmt, ...)
{
	va_list ap;

	v->e->src = v->src;
	v->e->off = v->calloff;
	va_start(ap, fmt);
	vsnprintf(v->e->msg, sizeof(v->e->msg), fmt, ap);
	va_end(ap);
	longjmp(v->fail, 1);
}

static struct jv *
key(struct jev *v, const char *s)
{
	return jvstr(v->a, s, strlen(s));
}

/* A name as a key, without making one. */
static struct jv
namekey(const char *name)
{
	struct jv k;

	memset(&k, 0, sizeof(k));
	k.type = JSTR;
	k.u.str.s = name;
	k.u.str.n = strlen(name);
	return k;
}

/* A name: the scopes outward, then Jinja2's global functions. */
static struct jv *
lookup(struct scope *sc, const char *name)
{
	struct jv k = namekey(name), *x;

	for (; sc; sc = sc->up)
		if ((x = jvget(sc->vars, &k)))
			return x;
	return (x = builtin(name)) ? x : &jvundef;
}

static void
undeferr(struct jev *v, size_t off, struct jv *x)
{
	if (x->type == JUNDEF)
		everr(v, off, "%s", jvundefwhy(x, "undefined value used"));
}

static struct jv *
tostrf(struct jev *v, const char *fmt, const char *a)
{
	char *s = xasprintf(fmt, a);
	struct jv *r = jvstr(v->a, s, strlen(s));

	free(s);
	return r;
}

/* str(x) as a new string value */
static struct jv *
tostr(struct jev *v, size_t off, struct jv *x)
{
	struct buf b = {0};
	const char *err;
	struct jv *r;

	if (x->type == JSTR)
		return x;
	if (x->type == JFUNC && x->u.func.fn == callmacro) {
		const struct macro *m = x->u.func.data;
		if (m->n->k == N_MACRO)
			return tostrf(v, "<Macro '%s'>", m->n->name);
		return jvstr(v->a, "<Macro anonymous>", 17);
	}
	if ((err = jvstrto(&b, x))) {
		buffree(&b);
		everr(v, off, "unsupported: %s", err);
	}
	r = jvstr(v->a, b.s ? b.s : "", b.len);
	buffree(&b);
	return r;
}

/* ---- arithmetic, as Python's ---- */

static int
isnum(struct jv *x)
{
	return x->type == JINT || x->type == JBOOL || x->type == JFLOAT;
}

static int64_t
ival(struct jv *x)
{
	return x->type == JINT ? x->u.i : x->u.b;
}

static double
fval(struct jv *x)
{
	return x->type == JFLOAT ? x->u.f : (double)ival(x);
}

static struct jv *
repeat(struct jev *v, size_t off, struct jv *s, int64_t n)
{
	int64_t i;

	if (s->type == JSTR) {
		struct buf b = {0};
		struct jv *r;
		if (n > 0 && s->u.str.n * (uint64_t)n > 1 << 24)
			everr(v, off, "string repetition too large");
		for (i = 0; i < n; i++)
			bufadd(&b, s->u.str.s, s->u.str.n);
		r = jvstr(v->a, b.s ? b.s : "", b.len);
		buffree(&b);
		return r;
	} else {
		struct jv *r = jvlist(v->a, s->type);
		size_t k;
		if (n > 0 && s->u.list.n * (uint64_t)n > 1 << 20)
			everr(v, off, "list repetition too large");
		for (i = 0; i < n; i++)
			for (k = 0; k < s->u.list.n; k++)
				jvpush(v->a, r, s->u.list.v[k]);
		return r;
	}
}

static const char *opname[] = {"+", "-", "*", "/", "//", "%", "**", "~",
    "==", "!=", "<", "<=", ">", ">=", "in", "not in"};

static void
typeerr(struct jev *v, size_t off, enum jop op, struct jv *x, struct jv *y)
{
	/* a value standing for what is refused here (dbtctx's run_started_at
	 * and the like, of the class "unsupported") says so, naming itself */
	v->calloff = off;
	if (x->type == JOBJ && !strcmp(x->u.obj.cls->name, "unsupported") && x->u.obj.cls->items)
		x->u.obj.cls->items(v, x);
	if (y->type == JOBJ && !strcmp(y->u.obj.cls->name, "unsupported") && y->u.obj.cls->items)
		y->u.obj.cls->items(v, y);
	everr(v, off, "unsupported operand type(s) for %s: '%s' and '%s'",
	    opname[op], jvtypename(x), jvtypename(y));
}

static double
pyfmod(double x, double y)
{
	double m = fmod(x, y);

	if (m != 0) {
		if ((y < 0) != (m < 0))
			m += y;
	} else
		m = copysign(0.0, y);
	return m;
}

static double
pyfloordiv(double x, double y)
{
	double m = fmod(x, y), div = (x - m) / y, fl;

	if (m != 0 && (y < 0) != (m < 0))
		div -= 1.0;
	if (div != 0) {
		fl = floor(div);
		if (div - fl > 0.5)
			fl += 1.0;
	} else
		fl = copysign(0.0, x / y);
	return fl;
}

/* x op y where one is a Decimal (jdec.h). */
static struct jv *
decarith(struct jev *v, size_t off, enum jop op, struct jv *x, struct jv *y)
{
	const char *err = NULL;
	struct jv *r = NULL;

	if ((op == OP_ADD || op == OP_SUB || op == OP_MUL) &&
	    (r = jdecarith(v->a, op == OP_ADD ? '+' : op == OP_SUB ? '-' : '*', x, y, &err)))
		return r;
	if (err)
		everr(v, off, "%s", err);
	if ((op == OP_DIV || op == OP_FDIV || op == OP_MOD || op == OP_POW) &&
	    x->type != JFLOAT && y->type != JFLOAT && (isnum(x) || jdecis(x)) &&
	    (isnum(y) || jdecis(y)))
		everr(v, off, "unsupported: %s with a Decimal", opname[op]);
	if (op == OP_MUL && (x->type == JSTR || x->type == JLIST || x->type == JTUPLE ||
	    y->type == JSTR || y->type == JLIST || y->type == JTUPLE))
		everr(v, off, "can't multiply sequence by non-int of type 'Decimal'");
	typeerr(v, off, op, x, y);
	return NULL;
}

static struct jv *
arith(struct jev *v, size_t off, enum jop op, struct jv *x, struct jv *y)
{
	undeferr(v, off, x);
	undeferr(v, off, y);
	if (jdecis(x) || jdecis(y))
		return decarith(v, off, op, x, y);
	if (jdtis(x) || jdtis(y)) {
		static const char ops[] = {'+', '-', '*', '/', 'f', '%'};
		const char *err;
		struct jv *r = op <= OP_MOD ? jdtarith(v->a, ops[op - OP_ADD], x, y, &err) : NULL;
		if (r)
			return r;
		if (op <= OP_MOD && err)
			everr(v, off, "%s", err);
		typeerr(v, off, op, x, y);
	}
	if (op == OP_SUB && jvisset(x) && jvisset(y))
		return jsetminus(v, x, y);
	if (isnum(x) && isnum(y)) {
		if (x->type != JFLOAT && y->type != JFLOAT && op != OP_DIV) {
			int64_t a = ival(x), b = ival(y), r = 0, m;
			int over = 0;
			switch (op) {
			case OP_ADD: over = __builtin_add_overflow(a, b, &r); break;
			case OP_SUB: over = __builtin_sub_overflow(a, b, &r); break;
			case OP_MUL: over = __builtin_mul_overflow(a, b, &r); break;
			case OP_FDIV: case OP_MOD:
				if (b == 0)
					everr(v, off, "integer division or modulo by zero");
				if (a == INT64_MIN && b == -1) {
					over = op == OP_FDIV;
					r = 0;
					break;
				}
				r = a / b;
				m = a % b;
				if (m != 0 && ((m < 0) != (b < 0))) {
					r--;
					m += b;
				}
				if (op == OP_MOD)
					r = m;
				break;
			case OP_POW:
				if (b < 0) {
					if (a == 0)
						everr(v, off, "0.0 cannot be raised to a negative power");
					return jvfloat(v->a, pow((double)a, (double)b));
				}
				r = 1;
				while (b-- > 0 && !over)
					over = __builtin_mul_overflow(r, a, &r);
				break;
			default: break;
			}
			if (over)
				everr(v, off, "unsupported: integer result of %s beyond 64 bits", opname[op]);
			return jvint(v->a, r);
		} else {
			double a = fval(x), b = fval(y), r = 0;
			switch (op) {
			case OP_ADD: r = a + b; break;
			case OP_SUB: r = a - b; break;
			case OP_MUL: r = a * b; break;
			case OP_DIV:
				if (b == 0)
					everr(v, off, "division by zero");
				r = a / b;
				break;
			case OP_FDIV:
				if (b == 0)
					everr(v, off, "float floor division by zero");
				r = pyfloordiv(a, b);
				break;
			case OP_MOD:
				if (b == 0)
					everr(v, off, "float modulo by zero");
				r = pyfmod(a, b);
				break;
			case OP_POW:
				if (a == 0 && b < 0)
					everr(v, off, "0.0 cannot be raised to a negative power");
				if (a < 0 && b != floor(b))
					everr(v, off, "unsupported: complex result of **");
				r = pow(a, b);
				if (isinf(r) && !isinf(a) && !isinf(b))
					everr(v, off, "numerical result out of range");
				break;
			default: break;
			}
			return jvfloat(v->a, r);
		}
	}
	if (op == OP_ADD && x->type == y->type &&
	    (x->type == JSTR || x->type == JLIST || x->type == JTUPLE)) {
		if (x->type == JSTR) {
			struct buf b = {0};
			struct jv *r;
			bufadd(&b, x->u.str.s, x->u.str.n);
			bufadd(&b, y->u.str.s, y->u.str.n);
			r = jvstr(v->a, b.s ? b.s : "", b.len);
			buffree(&b);
			return r;
		} else {
			struct jv *r = jvlist(v->a, x->type);
			size_t i;
			for (i = 0; i < x->u.list.n; i++)
				jvpush(v->a, r, x->u.list.v[i]);
			for (i = 0; i < y->u.list.n; i++)
				jvpush(v->a, r, y->u.list.v[i]);
			return r;
		}
	}
	if (op == OP_MUL) {
		struct jv *seq = NULL, *n = NULL;
		if ((x->type == JSTR || x->type == JLIST || x->type == JTUPLE) &&
		    (y->type == JINT || y->type == JBOOL))
			seq = x, n = y;
		else if ((y->type == JSTR || y->type == JLIST || y->type == JTUPLE) &&
		    (x->type == JINT || x->type == JBOOL))
			seq = y, n = x;
		if (seq)
			return repeat(v, off, seq, ival(n));
	}
	if (op == OP_MOD && x->type == JSTR)
		everr(v, off, "unsupported: %% string formatting");
	typeerr(v, off, op, x, y);
	return NULL;
}

/* Python's <, for what Python orders; -1 less, 0 equal, 1 greater. */
static int
order(struct jev *v, size_t off, enum jop op, struct jv *x, struct jv *y)
{
	size_t i;
	int c;
	const char *err;

	if (jdeccmp(x, y, &c)) {
		if (c == 2)
			everr(v, off, "[<class 'decimal.InvalidOperation'>]");
		return c;
	}
	if (jvisset(x) || jvisset(y))
		everr(v, off, "unsupported: %s with a set", opname[op]);
	if (jdtcmp(x, y, &c, &err)) {
		if (c != 2)
			return c;
		if (*err)
			everr(v, off, "%s", err);
		undeferr(v, off, x);
		undeferr(v, off, y);
		everr(v, off, "'%s' not supported between instances of '%s' and '%s'",
		    opname[op], jvtypename(x), jvtypename(y));
	}

	if (isnum(x) && isnum(y)) {
		if (x->type != JFLOAT && y->type != JFLOAT)
			return ival(x) < ival(y) ? -1 : ival(x) > ival(y);
		if (isnan(fval(x)) || isnan(fval(y)))
			return 2;	/* unordered: every comparison false */
		return fval(x) < fval(y) ? -1 : fval(x) > fval(y);
	}
	if (x->type == JSTR && y->type == JSTR) {
		size_t n = x->u.str.n < y->u.str.n ? x->u.str.n : y->u.str.n;
		c = memcmp(x->u.str.s, y->u.str.s, n);
		if (c)
			return c < 0 ? -1 : 1;
		return x->u.str.n < y->u.str.n ? -1 : x->u.str.n > y->u.str.n;
	}
	if (x->type == y->type && (x->type == JLIST || x->type == JTUPLE)) {
		for (i = 0; i < x->u.list.n && i < y->u.list.n; i++)
			if (!jveq(x->u.list.v[i], y->u.list.v[i]))
				return order(v, off, op, x->u.list.v[i], y->u.list.v[i]);
		return x->u.list.n < y->u.list.n ? -1 : x->u.list.n > y->u.list.n;
	}
	undeferr(v, off, x);
	undeferr(v, off, y);
	everr(v, off, "'%s' not supported between instances of '%s' and '%s'",
	    opname[op], jvtypename(x), jvtypename(y));
	return 0;
}

/* The items a for loop or list() sees. */
static struct jv *
items(struct jev *v, size_t off, struct jv *x)
{
	struct jv *r;
	size_t i;

	switch (x->type) {
	case JLIST: case JTUPLE:
		return x;
	case JUNDEF:
		return jvlist(v->a, JLIST);
	case JOBJ:
		if (jvisrange(x)) {
			size_t n = jvrangelen(x);
			r = jvlist(v->a, JTUPLE);
			for (i = 0; i < n; i++)
				jvpush(v->a, r, jvint(v->a, jvrangeat(x, i)));
			return r;
		}
		if (x->u.obj.cls->items) {
			v->calloff = off;
			return x->u.obj.cls->items(v, x);
		}
		everr(v, off, "'%s' object is not iterable", jvtypename(x));
		return NULL;
	case JDICT:
		r = jvlist(v->a, JLIST);
		for (i = 0; i < x->u.dict.n; i++)
			jvpush(v->a, r, x->u.dict.k[i]);
		return r;
	case JSTR:
		r = jvlist(v->a, JLIST);
		for (i = 0; i < x->u.str.n;) {
			size_t k = i + 1;
			while (k < x->u.str.n && ((unsigned char)x->u.str.s[k] & 0xC0) == 0x80)
				k++;
			jvpush(v->a, r, jvstr(v->a, x->u.str.s + i, k - i));
			i = k;
		}
		return r;
	default:
		everr(v, off, "'%s' object is not iterable", jvtypename(x));
		return NULL;
	}
}

static int
contains(struct jev *v, size_t off, struct jv *x, struct jv *in)
{
	struct jv *l;
	size_t i;

	if (in->type == JSTR) {
		if (x->type != JSTR)
			everr(v, off, "'in <string>' requires string as left operand, not %s", jvtypename(x));
		if (x->u.str.n == 0)
			return 1;
		for (i = 0; i + x->u.str.n <= in->u.str.n; i++)
			if (!memcmp(in->u.str.s + i, x->u.str.s, x->u.str.n))
				return 1;
		return 0;
	}
	if (in->type == JDICT)
		return jvget(in, x) != NULL;
	if (jvisset(in))
		return jsethas(v, in, x);
	if (in->type != JLIST && in->type != JTUPLE && in->type != JUNDEF &&
	    !jvisrange(in) && !(in->type == JOBJ && in->u.obj.cls->items))
		everr(v, off, "argument of type '%s' is not iterable", jvtypename(in));
	l = items(v, off, in);
	for (i = 0; i < l->u.list.n; i++)
		if (jveq(l->u.list.v[i], x))
			return 1;
	return 0;
}

static int
compare1(struct jev *v, size_t off, enum jop op, struct jv *x, struct jv *y)
{
	int c;

	switch (op) {
	case OP_EQ: return jveq(x, y);
	case OP_NE: return !jveq(x, y);
	case OP_IN: return contains(v, off, x, y);
	case OP_NOTIN: return !contains(v, off, x, y);
	default: break;
	}
	c = order(v, off, op, x, y);
	if (c == 2)
		return 0;
	switch (op) {
	case OP_LT: return c < 0;
	case OP_LE: return c <= 0;
	case OP_GT: return c > 0;
	default: return c >= 0;
	}
}

/* ---- attribute and item access (the sandbox's getattr/getitem) ---- */

static int
member(const char *const *set, const char *s, size_t n)
{
	for (; *set; set++)
		if (strlen(*set) == n && !memcmp(*set, s, n))
			return 1;
	return 0;
}

/* The attributes dbt's parse-time Undefined has of its own (its
 * __init__'s), which are not itself. */
static const char *const parseundefattrs[] = {"name", "hint", "node",
    "unsafe_callable", "alters_data", NULL};

/* Python 3's dir() of the plain values' types: object's, then each
 * type's own (3.11's, with int.is_integer of 3.12). A name not among a
 * value's is no attribute of it. */
static const char *const objectdir[] = {"__class__", "__delattr__", "__dir__",
    "__doc__", "__eq__", "__format__", "__ge__", "__getattribute__",
    "__getstate__", "__gt__", "__hash__", "__init__", "__init_subclass__",
    "__le__", "__lt__", "__ne__", "__new__", "__reduce__", "__reduce_ex__",
    "__repr__", "__setattr__", "__sizeof__", "__str__", "__subclasshook__", NULL};
static const char *const listdir[] = {"append", "clear", "copy", "count",
    "extend", "index", "insert", "pop", "remove", "reverse", "sort",
    "__add__", "__class_getitem__", "__contains__", "__delitem__",
    "__getitem__", "__iadd__", "__imul__", "__iter__", "__len__", "__mul__",
    "__reversed__", "__rmul__", "__setitem__", NULL};
static const char *const tupledir[] = {"count", "index", "__add__",
    "__class_getitem__", "__contains__", "__getitem__", "__getnewargs__",
    "__iter__", "__len__", "__mul__", "__rmul__", NULL};
static const char *const strdir[] = {"capitalize", "casefold", "center",
    "count", "encode", "endswith", "expandtabs", "find", "format",
    "format_map", "index", "isalnum", "isalpha", "isascii", "isdecimal",
    "isdigit", "isidentifier", "islower", "isnumeric", "isprintable",
    "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip",
    "maketrans", "partition", "removeprefix", "removesuffix", "replace",
    "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split",
    "splitlines", "startswith", "strip", "swapcase", "title", "translate",
    "upper", "zfill", "__add__", "__contains__", "__getitem__",
    "__getnewargs__", "__iter__", "__len__", "__mod__", "__mul__", "__rmod__",
    "__rmul__", NULL};
static const char *const intdir[] = {"as_integer_ratio", "bit_count",
    "bit_length", "conjugate", "denominator", "from_bytes", "imag",
    "is_integer", "numerator", "real", "to_bytes", "__abs__", "__add__",
    "__and__", "__bool__", "__ceil__", "__divmod__", "__float__", "__floor__",
    "__floordiv__", "__getnewargs__", "__index__", "__int__", "__invert__",
    "__lshift__", "__mod__", "__mul__", "__neg__", "__or__", "__pos__",
    "__pow__", "__radd__", "__rand__", "__rdivmod__", "__rfloordiv__",
    "__rlshift__", "__rmod__", "__rmul__", "__ror__", "__round__", "__rpow__",
    "__rrshift__", "__rshift__", "__rsub__", "__rtruediv__", "__rxor__",
    "__sub__", "__truediv__", "__trunc__", "__xor__", NULL};
static const char *const floatdir[] = {"as_integer_ratio", "conjugate",
    "fromhex", "hex", "imag", "is_integer", "real", "__abs__", "__add__",
    "__bool__", "__ceil__", "__divmod__", "__float__", "__floor__",
    "__floordiv__", "__getformat__", "__getnewargs__", "__int__", "__mod__",
    "__mul__", "__neg__", "__pos__", "__pow__", "__radd__", "__rdivmod__",
    "__rfloordiv__", "__rmod__", "__rmul__", "__round__", "__rpow__",
    "__rsub__", "__rtruediv__", "__sub__", "__truediv__", "__trunc__", NULL};
static const char *const nonedir[] = {"__bool__", NULL};
static const char *const dictdir[] = {"clear", "copy", "fromkeys", "get",
    "items", "keys", "pop", "popitem", "setdefault", "update", "values",
    "__class_getitem__", "__contains__", "__delitem__", "__getitem__",
    "__ior__", "__iter__", "__len__", "__or__", "__reversed__", "__ror__",
    "__setitem__", NULL};

/* The dir() above of x's type, or NULL for a value not plain (a Markup,
 * a dict view, a native object, ...). */
static const char *const *
pydir(const struct jv *x)
{
	switch (x->type) {
	case JLIST: return x->sub == JS_NONE ? listdir : NULL;
	case JTUPLE: return x->sub == JS_NONE ? tupledir : NULL;
	case JSTR: return x->sub == JS_NONE ? strdir : NULL;
	case JINT: case JBOOL: return intdir;
	case JFLOAT: return floatdir;
	case JNONE: return nonedir;
	case JDICT: return x->sub == JS_NONE ? dictdir : NULL;
	default: return NULL;
	}
}

static int
pyhasattr(const struct jv *x, const struct jv *k)
{
	return member(objectdir, k->u.str.s, k->u.str.n) ||
	    member(pydir(x), k->u.str.s, k->u.str.n);
}

/* environment.undefined(obj=x, name=k): Undefined with Jinja2's message
 * ("'list object' has no attribute 'a'", "int object has no element 0"),
 * or for unsafe, the sandbox's unsafe_undefined. */
static struct jv *
undefof(struct jev *v, const struct jv *x, const struct jv *k, int unsafe)
{
	struct buf b = {0};
	struct jv *r = &jvundef;
	const char *t = jvtypename(x);

	if (unsafe)
		bufputs(&b, "access to attribute ");
	else if (k->type == JSTR)
		bufprintf(&b, "'%s%s' has no attribute ", x->type == JNONE ? "None" : t,
		    x->type == JNONE ? "" : " object");
	else
		bufprintf(&b, "%s%s has no element ", x->type == JNONE ? "None" : t,
		    x->type == JNONE ? "" : " object");
	if (!jvreprto(&b, k)) {
		if (unsafe)
			bufprintf(&b, " of '%s' object is unsafe.", t);
		r = jvundefof(v->a, b.s);
	}
	buffree(&b);
	return r;
}

/* The sandbox's getattr(x, k) of a plain value once its own methods
 * (jlib's) are not it: an attribute its type has is refused, or unsafe
 * when private; NULL when it has no such attribute. */
static struct jv *
pyattr(struct jev *v, size_t off, struct jv *x, struct jv *k)
{
	if (!pyhasattr(x, k))
		return NULL;
	if (k->u.str.s[0] == '_')
		return undefof(v, x, k, 1);
	if (x->type == JDICT)
		everr(v, off, "unsupported: dict method '%s'", k->u.str.s);
	everr(v, off, "unsupported: attribute '%s' of %s", k->u.str.s, jvtypename(x));
	return NULL;
}

/* x[k] of a plain value: the item, or NULL for Python's TypeError or
 * LookupError. */
static struct jv *
pyitem(struct jev *v, size_t off, struct jv *x, struct jv *k)
{
	if (x->type == JDICT)
		return jvget(x, k);
	if ((x->type == JLIST || x->type == JTUPLE || x->type == JSTR) &&
	    (k->type == JINT || k->type == JBOOL)) {
		struct jv *l = x->type == JSTR ? items(v, off, x) : x;
		int64_t i = ival(k), n = (int64_t)l->u.list.n;
		if (i < 0)
			i += n;
		if (i < 0 || i >= n)
			return NULL;
		return l->u.list.v[i];
	}
	return NULL;
}

/* The sandbox's getattr (attr: the attribute, then the item) or getitem
 * (the item, then the attribute) of a plain value (pydir). */
static struct jv *
plainget(struct jev *v, size_t off, struct jv *x, struct jv *k, int attr)
{
	struct jv *r;

	if (!attr && (r = pyitem(v, off, x, k)))
		return r;
	if (k->type == JSTR) {
		v->calloff = off;
		if ((r = jlibattr(v, x, k->u.str.s)) || (r = pyattr(v, off, x, k)))
			return r;
	}
	if (attr && (r = pyitem(v, off, x, k)))
		return r;
	return undefof(v, x, k, 0);
}

static struct jv *
getitem(struct jev *v, size_t off, struct jv *x, struct jv *k, int attr)
{
	struct jv *r;

	if (x == &jvparseundef) {
		/* its __getattr__ and __getitem__ answer itself */
		if (attr && k->type == JSTR && member(parseundefattrs, k->u.str.s, k->u.str.n))
			everr(v, off, "unsupported at parse: attribute '%s' of an undefined value "
			    "(a manifest from dbt parse works instead)", k->u.str.s);
		return x;
	}
	if (x->type == JUNDEF)
		everr(v, off, "%s", jvundefwhy(x, "undefined value has no attribute or item"));
	if (pydir(x))
		return plainget(v, off, x, k, attr);
	if (attr && k->type == JSTR && (x->type == JSTR || x->type == JLIST ||
	    x->type == JTUPLE)) {
		v->calloff = off;
		if ((r = jlibattr(v, x, k->u.str.s)))
			return r;
	}
	if ((x->type == JLIST || x->type == JTUPLE || x->type == JSTR) &&
	    (k->type == JINT || k->type == JBOOL))
		return (r = pyitem(v, off, x, k)) ? r : &jvundef;
	if (jvisrange(x) && (k->type == JINT || k->type == JBOOL)) {
		int64_t i = ival(k), n = (int64_t)jvrangelen(x);
		if (i < 0)
			i += n;
		if (i < 0 || i >= n)
			return &jvundef;
		return jvint(v->a, jvrangeat(x, (size_t)i));
	}
	if (x->type == JOBJ && x->u.obj.cls->getitem && !(attr && k->type == JSTR)) {
		v->calloff = off;
		if ((r = x->u.obj.cls->getitem(v, x, k)))
			return r;
		if (k->type != JSTR)
			return &jvundef;
	}
	if (x->type == JOBJ && k->type == JSTR) {
		if (k->u.str.n && k->u.str.s[0] == '_')
			everr(v, off, "unsupported: attribute '%s' beginning with '_'", k->u.str.s);
		v->calloff = off;
		if ((r = x->u.obj.cls->getattr(v, x, k->u.str.s)))
			return r;
		return &jvundef;
	}
	if (k->type == JSTR)
		everr(v, off, "unsupported: attribute '%s' of %s", k->u.str.s, jvtypename(x));
	everr(v, off, "unsupported: subscript of %s with %s", jvtypename(x), jvtypename(k));
	return NULL;
}

/* A slice index: 1 and *r set, or 0 for None. */
static int
sliceidx(struct jev *v, size_t off, struct jv *x, int64_t *r)
{
	if (!x || x->type == JNONE)
		return 0;
	if (x->type == JINT || x->type == JBOOL) {
		*r = ival(x);
		return 1;
	}
	if (x->type == JUNDEF)
		everr(v, off, "slice indices must be integers or None or have an __index__ method");
	everr(v, off, "unsupported: slice index of type '%s'", jvtypename(x));
	return 0;
}

/* PySlice_AdjustIndices for one end. */
static int64_t
sliceadj(int have, int64_t i, int64_t n, int64_t step, int isstart)
{
	if (!have)
		return step < 0 ? (isstart ? n - 1 : -1) : (isstart ? 0 : n);
	if (i < 0) {
		i += n;
		if (i < 0)
			i = step < 0 ? -1 : 0;
	} else if (i >= n)
		i = step < 0 ? n - 1 : n;
	return i;
}

/* x[a:b:c], as Python's for str, list and tuple. */
static struct jv *
slice(struct jev *v, size_t off, struct jv *x, struct jv *a, struct jv *b, struct jv *c)
{
	int64_t start = 0, stop = 0, step = 1, n, i;
	int hs, he;
	struct jv *l, *r;

	if (x == &jvparseundef)
		return x;
	if (x->type == JUNDEF)
		everr(v, off, "%s", jvundefwhy(x, "undefined value has no attribute or item"));
	hs = sliceidx(v, off, a, &start);
	he = sliceidx(v, off, b, &stop);
	sliceidx(v, off, c, &step);
	if (step == 0)
		everr(v, off, "slice step cannot be zero");
	if (x->type == JDICT || x->type == JNONE || isnum(x))
		return &jvundef;	/* the sandbox's getitem: a TypeError */
	if (x->type != JSTR && x->type != JLIST && x->type != JTUPLE)
		everr(v, off, "unsupported: slice of %s", jvtypename(x));
	l = x->type == JSTR ? items(v, off, x) : x;
	n = (int64_t)l->u.list.n;
	start = sliceadj(hs, start, n, step, 1);
	stop = sliceadj(he, stop, n, step, 0);
	r = jvlist(v->a, x->type == JTUPLE ? JTUPLE : JLIST);
	for (i = start; step > 0 ? i < stop : i > stop;) {
		jvpush(v->a, r, l->u.list.v[i]);
		if (__builtin_add_overflow(i, step, &i))
			break;
	}
	if (x->type == JSTR) {
		struct buf s = {0};
		struct jv *out;
		for (i = 0; i < (int64_t)r->u.list.n; i++)
			bufadd(&s, r->u.list.v[i]->u.str.s, r->u.list.v[i]->u.str.n);
		out = jvstr(v->a, s.s ? s.s : "", s.len);
		buffree(&s);
		return out;
	}
	return r;
}

/* ---- filters and tests ---- */

struct fargs {
	struct jev *v;
	size_t off;
	const char *name;
	struct jcall c;
};

/* Argument i (after the value) or keyword name, or NULL. */
static struct jv *
arg(struct fargs *f, size_t i, const char *name)
{
	size_t k;

	for (k = 0; k < f->c.nkw; k++)
		if (!strcmp(f->c.names[k], name)) {
			if (i < f->c.npos)
				everr(f->v, f->off, "%s() got multiple values for argument '%s'", f->name, name);
			return f->c.kw[k];
		}
	return i < f->c.npos ? f->c.pos[i] : NULL;
}

static void
nargs(struct fargs *f, size_t max, const char *const *names)
{
	size_t k;

	if (f->c.npos > max)
		everr(f->v, f->off, "%s() takes at most %zu arguments", f->name, max);
	for (k = 0; k < f->c.nkw; k++)
		if (!names || !member(names, f->c.names[k], strlen(f->c.names[k])))
			everr(f->v, f->off, "%s() got an unexpected keyword argument '%s'", f->name, f->c.names[k]);
}

static void
ascii(struct fargs *f, struct jv *s)
{
	size_t i;

	for (i = 0; i < s->u.str.n; i++)
		if ((unsigned char)s->u.str.s[i] >= 0x80)
			everr(f->v, f->off, "unsupported: filter %s on non-ASCII text", f->name);
}

static int
pyspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static struct jv *
fcase(struct fargs *f, struct jv *x)
{
	struct jv *s = tostr(f->v, f->off, x), *r;
	char *p;
	size_t i;
	int start = 1;

	ascii(f, s);
	r = jvstr(f->v->a, s->u.str.s, s->u.str.n);
	p = (char *)r->u.str.s;
	for (i = 0; i < r->u.str.n; i++) {
		int c = (unsigned char)p[i], up;
		if (!strcmp(f->name, "upper"))
			up = 1;
		else if (!strcmp(f->name, "lower"))
			up = 0;
		else if (!strcmp(f->name, "capitalize"))
			up = i == 0;
		else
			up = start;
		if (up && c >= 'a' && c <= 'z')
			p[i] = (char)(c - 32);
		else if (!up && c >= 'A' && c <= 'Z')
			p[i] = (char)(c + 32);
		start = c == '-' || pyspace(c) || c == '(' || c == '{' || c == '[' || c == '<';
	}
	return r;
}

/* Python's float(str), or -1 when it is not one. */
static int
pyfloat(struct jv *s, double *d)
{
	char tmp[512];
	const char *p = s->u.str.s, *end = p + s->u.str.n;
	size_t k = 0;
	int digits = 0;

	while (p < end && pyspace((unsigned char)*p))
		p++;
	while (end > p && pyspace((unsigned char)end[-1]))
		end--;
	if (end - p >= (long)sizeof(tmp) || memchr(p, '\0', (size_t)(end - p)))
		return -1;
	memcpy(tmp, p, (size_t)(end - p));
	tmp[end - p] = '\0';
	p = tmp;
	if (*p == '+' || *p == '-')
		p++;
	{
		char low[16];
		size_t i;
		for (i = 0; p[i] && i < sizeof(low) - 1; i++)
			low[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
		low[i] = '\0';
		if (!p[i] && (!strcmp(low, "inf") || !strcmp(low, "infinity") || !strcmp(low, "nan"))) {
			*d = strtod(tmp, NULL);
			return 0;
		}
	}
	/* digits with single underscores between digits, '.', exponent */
	{
		char out[512];
		const char *q;
		int prevdigit = 0, seendot = 0, seenexp = 0;
		for (q = tmp; *q; q++) {
			if (*q >= '0' && *q <= '9') {
				prevdigit = 1;
				digits++;
			} else if (*q == '_') {
				if (!prevdigit || !(q[1] >= '0' && q[1] <= '9'))
					return -1;
				prevdigit = 0;
				continue;
			} else if (*q == '.' && !seendot && !seenexp) {
				seendot = 1;
				prevdigit = 0;
			} else if ((*q == 'e' || *q == 'E') && !seenexp && digits) {
				seenexp = 1;
				prevdigit = 0;
				if (q[1] == '+' || q[1] == '-')
					out[k++] = *q++;
			} else if ((*q == '+' || *q == '-') && q == tmp) {
			} else
				return -1;
			out[k++] = *q;
		}
		out[k] = '\0';
		if (!digits || (seenexp && !(out[k - 1] >= '0' && out[k - 1] <= '9')))
			return -1;
		*d = strtod(out, NULL);
	}
	return 0;
}

/* Python's int(str) in base 10, or -1. */
static int
pyint(struct fargs *f, struct jv *s, int64_t *r)
{
	const char *p = s->u.str.s, *end = p + s->u.str.n;
	int neg = 0, prevdigit = 0, digits = 0;
	int64_t n = 0;

	while (p < end && pyspace((unsigned char)*p))
		p++;
	while (end > p && pyspace((unsigned char)end[-1]))
		end--;
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	for (; p < end; p++) {
		if (*p >= '0' && *p <= '9') {
			if (__builtin_mul_overflow(n, 10, &n) ||
			    __builtin_add_overflow(n, neg ? -(*p - '0') : *p - '0', &n))
				everr(f->v, f->off, "unsupported: integer beyond 64 bits");
			prevdigit = 1;
			digits++;
		} else if (*p == '_' && prevdigit && p + 1 < end && p[1] >= '0' && p[1] <= '9')
			prevdigit = 0;
		else
			return -1;
	}
	if (!digits)
		return -1;
	*r = n;
	return 0;
}

static struct jv *
ftoint(struct fargs *f, double d)
{
	if (isinf(d))
		everr(f->v, f->off, "cannot convert float infinity to integer");
	if (d >= 9.2233720368547758e18 || d < -9.2233720368547758e18)
		everr(f->v, f->off, "unsupported: integer beyond 64 bits");
	return jvint(f->v->a, (int64_t)d);
}

static struct jv *
replace(struct fargs *f, struct jv *s, struct jv *old, struct jv *new, int64_t count)
{
	struct buf b = {0};
	struct jv *r;
	size_t i = 0;
	int64_t done = 0;

	if (old->u.str.n == 0) {
		struct jv *l = items(f->v, f->off, s);
		size_t k;
		for (k = 0; k <= l->u.list.n; k++) {
			if (count < 0 || done < count) {
				bufadd(&b, new->u.str.s, new->u.str.n);
				done++;
			}
			if (k < l->u.list.n)
				bufadd(&b, l->u.list.v[k]->u.str.s, l->u.list.v[k]->u.str.n);
		}
	} else {
		while (i < s->u.str.n) {
			if ((count < 0 || done < count) && i + old->u.str.n <= s->u.str.n &&
			    !memcmp(s->u.str.s + i, old->u.str.s, old->u.str.n)) {
				bufadd(&b, new->u.str.s, new->u.str.n);
				i += old->u.str.n;
				done++;
			} else
				bufputc(&b, s->u.str.s[i++]);
		}
	}
	r = jvstr(f->v->a, b.s ? b.s : "", b.len);
	buffree(&b);
	return r;
}

static struct jv *
dofilter(struct fargs *f, struct jv *x)
{
	struct jev *v = f->v;
	const char *n = f->name;
	struct jv *y, *z;
	size_t i;

	if (x->type == JSTR && x->sub == JS_MARKUP && !jlibmarkupok(n))
		everr(v, f->off, "unsupported: filter %s on a Markup string", n);
	if (!strcmp(n, "upper") || !strcmp(n, "lower") || !strcmp(n, "title") ||
	    !strcmp(n, "capitalize")) {
		nargs(f, 0, NULL);
		return fcase(f, x);
	}
	if (!strcmp(n, "trim")) {
		static const char *const names[] = {"chars", NULL};
		struct jv *s = tostr(v, f->off, x);
		size_t a = 0, b = s->u.str.n;
		nargs(f, 1, names);
		if ((y = arg(f, 0, "chars")) && y->type != JNONE) {
			if (y->type != JSTR)
				everr(v, f->off, "strip arg must be None or str");
			ascii(f, y);
			ascii(f, s);
			while (a < b && memchr(y->u.str.s, s->u.str.s[a], y->u.str.n))
				a++;
			while (b > a && memchr(y->u.str.s, s->u.str.s[b - 1], y->u.str.n))
				b--;
		} else {
			while (a < b && pyspace((unsigned char)s->u.str.s[a]))
				a++;
			while (b > a && pyspace((unsigned char)s->u.str.s[b - 1]))
				b--;
			if ((a < b && (unsigned char)s->u.str.s[a] >= 0x80) ||
			    (b > a && (unsigned char)s->u.str.s[b - 1] >= 0x80))
				everr(v, f->off, "unsupported: filter trim on non-ASCII text at its ends");
		}
		return jvstr(v->a, s->u.str.s + a, b - a);
	}
	if (!strcmp(n, "length") || !strcmp(n, "count")) {
		nargs(f, 0, NULL);
		switch (x->type) {
		case JUNDEF: return jvint(v->a, 0);
		case JSTR: return jvint(v->a, (int64_t)jvutf8len(x->u.str.s, x->u.str.n));
		case JLIST: case JTUPLE:
			if (x->sub == JS_GEN || x->sub == JS_ITER)
				everr(v, f->off, "object of type '%s' has no len()", jvtypename(x));
			return jvint(v->a, (int64_t)x->u.list.n);
		case JDICT: return jvint(v->a, (int64_t)x->u.dict.n);
		case JOBJ:
			if (jvisrange(x))
				return jvint(v->a, (int64_t)jvrangelen(x));
			if (jvisset(x))
				return jvint(v->a, (int64_t)jsetlen(x));
			if (x->u.obj.cls->items)
				return jvint(v->a, (int64_t)items(v, f->off, x)->u.list.n);
			/* FALLTHROUGH */
		default: everr(v, f->off, "object of type '%s' has no len()", jvtypename(x));
		}
	}
	if (!strcmp(n, "join")) {
		static const char *const names[] = {"d", "attribute", NULL};
		struct buf b = {0};
		struct jv *l, *r, *attr;
		nargs(f, 2, names);
		y = arg(f, 0, "d");
		y = y ? tostr(v, f->off, y) : jvstr(v->a, "", 0);
		if ((attr = arg(f, 1, "attribute")) && attr->type != JNONE) {
			static const char *kwn[] = {"attribute"};
			struct jcall c = {0};
			c.names = kwn;
			c.kw = &attr;
			c.nkw = 1;
			v->calloff = f->off;
			x = jevfilter(v, "map", x, &c);
		}
		l = items(v, f->off, x);
		for (i = 0; i < l->u.list.n; i++) {
			if (i)
				bufadd(&b, y->u.str.s, y->u.str.n);
			z = tostr(v, f->off, l->u.list.v[i]);
			bufadd(&b, z->u.str.s, z->u.str.n);
		}
		r = jvstr(v->a, b.s ? b.s : "", b.len);
		buffree(&b);
		return r;
	}
	if (!strcmp(n, "default") || !strcmp(n, "d")) {
		static const char *const names[] = {"default_value", "boolean", NULL};
		nargs(f, 2, names);
		y = arg(f, 0, "default_value");
		z = arg(f, 1, "boolean");
		if (x->type == JUNDEF || (z && jvtruth(z) && !jvtruth(x)))
			return y ? y : jvstr(v->a, "", 0);
		return x;
	}
	if (!strcmp(n, "replace")) {
		static const char *const names[] = {"old", "new", "count", NULL};
		int64_t count = -1;
		struct jv *c;
		nargs(f, 3, names);
		y = arg(f, 0, "old");
		z = arg(f, 1, "new");
		if (!y || !z)
			everr(v, f->off, "replace() missing required arguments");
		if ((c = arg(f, 2, "count")) && c->type != JNONE) {
			if (c->type != JINT && c->type != JBOOL)
				everr(v, f->off, "'%s' object cannot be interpreted as an integer", jvtypename(c));
			count = ival(c);
		}
		return replace(f, tostr(v, f->off, x), tostr(v, f->off, y), tostr(v, f->off, z), count);
	}
	if (!strcmp(n, "string")) {
		nargs(f, 0, NULL);
		return tostr(v, f->off, x);
	}
	if (!strcmp(n, "int")) {
		static const char *const names[] = {"default", "base", NULL};
		int64_t r;
		double d;
		nargs(f, 2, names);
		y = arg(f, 0, "default");
		if ((z = arg(f, 1, "base")) && !((z->type == JINT) && z->u.i == 10))
			everr(v, f->off, "unsupported: int with a base other than 10");
		if (x->type == JUNDEF)
			everr(v, f->off, "%s", jvundefwhy(x, "undefined value used"));
		if (x->type == JINT || x->type == JBOOL)
			return jvint(v->a, ival(x));
		if (jdecis(x)) {
			if (jdectoint(x, &r) < 0)
				everr(v, f->off, "unsupported: integer beyond 64 bits");
			return jvint(v->a, r);
		}
		if (x->type == JFLOAT) {
			if (isnan(x->u.f))
				return y ? y : jvint(v->a, 0);
			return ftoint(f, x->u.f);
		}
		if (x->type == JSTR) {
			if (pyint(f, x, &r) == 0)
				return jvint(v->a, r);
			if (pyfloat(x, &d) == 0 && !isnan(d))
				return ftoint(f, d);
		}
		return y ? y : jvint(v->a, 0);
	}
	if (!strcmp(n, "float")) {
		static const char *const names[] = {"default", NULL};
		double d;
		nargs(f, 1, names);
		y = arg(f, 0, "default");
		if (x->type == JUNDEF)
			everr(v, f->off, "%s", jvundefwhy(x, "undefined value used"));
		if (isnum(x))
			return jvfloat(v->a, fval(x));
		if (jdecis(x))
			return jvfloat(v->a, jdectodouble(x));
		if (x->type == JSTR && pyfloat(x, &d) == 0)
			return jvfloat(v->a, d);
		return y ? y : jvfloat(v->a, 0.0);
	}
	if (!strcmp(n, "list")) {
		struct jv *l, *r;
		nargs(f, 0, NULL);
		l = items(v, f->off, x);
		r = jvlist(v->a, JLIST);
		for (i = 0; i < l->u.list.n; i++)
			jvpush(v->a, r, l->u.list.v[i]);
		return r;
	}
	if (!strcmp(n, "first") || !strcmp(n, "last")) {
		struct jv *l;
		nargs(f, 0, NULL);
		if (x->type == JUNDEF)
			return &jvundef;
		if (n[0] == 'l' && x->type == JLIST && x->sub == JS_GEN)
			everr(v, f->off, "'generator' object is not reversible");
		l = items(v, f->off, x);
		if (l->u.list.n == 0)
			return &jvundef;
		return l->u.list.v[n[0] == 'f' ? 0 : l->u.list.n - 1];
	}
	v->calloff = f->off;
	if ((y = jlibfilter(v, n, x, &f->c)))
		return y;
	everr(v, f->off, "unsupported filter '%s'", n);
	return NULL;
}

static const char *const tests[] = {"defined", "undefined", "none", "string",
    "number", "sequence", "mapping", "iterable", "odd", "even", "divisibleby",
    "eq", NULL};

static int
dotest(struct fargs *f, struct jv *x)
{
	struct jev *v = f->v;
	const char *n = f->name;
	struct jv *y;
	int r;

	if (!strcmp(n, "divisibleby") || !strcmp(n, "eq")) {
		static const char *const dn[] = {"num", NULL}, *const en[] = {"b", NULL};
		nargs(f, 1, n[0] == 'd' ? dn : en);
		if (!(y = arg(f, 0, n[0] == 'd' ? "num" : "b")))
			everr(v, f->off, "%s() missing a required argument", n);
		if (n[0] == 'e')
			return jveq(x, y);
		return jveq(arith(v, f->off, OP_MOD, x, y), jvint(v->a, 0));
	}
	if (!member(tests, n, strlen(n))) {
		v->calloff = f->off;
		if ((r = jlibtest(v, n, x, &f->c)) >= 0)
			return r;
		everr(v, f->off, "unsupported test '%s'", n);
	}
	nargs(f, 0, NULL);
	if (!strcmp(n, "defined")) return x->type != JUNDEF;
	if (!strcmp(n, "undefined")) return x->type == JUNDEF;
	if (!strcmp(n, "none")) return x->type == JNONE;
	if (!strcmp(n, "string")) return x->type == JSTR;
	if (!strcmp(n, "number")) return isnum(x) || jdecis(x);
	if (jvisset(x) && (!strcmp(n, "sequence") || !strcmp(n, "mapping")))
		return 0;
	if (x->type == JOBJ && (!strcmp(n, "mapping") || !strcmp(n, "sequence") ||
	    !strcmp(n, "iterable"))) {
		const struct jclass *cls = x->u.obj.cls;
		if (cls->mapping)
			return 1;
		if (jvisrange(x))
			return n[0] != 'm';
		if (cls->items && n[0] == 'm')
			return 0;
		if (cls->items && (n[0] == 'i' || cls->getitem))
			return 1;
		everr(v, f->off, "unsupported: test %s of a %s", n, jvtypename(x));
	}
	if (!strcmp(n, "mapping")) return x->type == JDICT;
	if (!strcmp(n, "sequence") && x->type == JLIST && x->sub != JS_NONE)
		return 0;
	if (!strcmp(n, "sequence") || !strcmp(n, "iterable"))
		return x->type == JSTR || x->type == JLIST || x->type == JTUPLE ||
		    x->type == JDICT || x->type == JUNDEF;
	if (!strcmp(n, "odd") || !strcmp(n, "even")) {
		if (!isnum(x))
			everr(v, f->off, "unsupported: test %s of %s", n, jvtypename(x));
		y = arith(v, f->off, OP_MOD, x, jvint(v->a, 2));
		return n[0] == 'o' ? jveq(y, jvint(v->a, 1)) : jveq(y, jvint(v->a, 0));
	}
	everr(v, f->off, "unsupported test '%s'", n);
	return 0;
}

static const char *const filters[] = {"upper", "lower", "trim", "length",
    "count", "join", "default", "d", "replace", "string", "int", "float",
    "list", "first", "last", "title", "capitalize", NULL};

int
jhasfilter(const char *name)
{
	return member(filters, name, strlen(name)) || jlibhasfilter(name);
}

int
jhastest(const char *name)
{
	return member(tests, name, strlen(name)) || jlibhastest(name);
}

static void
callargs(struct jev *v, struct scope *sc, struct jnode *n, struct jcall *c)
{
	size_t i;

	struct jv *star = NULL, *dstar = NULL, **pos, **kw;
	size_t k;

	/* Python's order: positional, *args, keywords, then **kwargs */
	pos = arenaalloc(v->a, (n->kids.n + 1) * sizeof(*pos));
	for (i = 0; i < n->kids.n; i++)
		pos[i] = eval(v, sc, n->kids.v[i]);
	if (n->star) {
		star = eval(v, sc, n->star);
		if (star->type == JUNDEF)
			star = jvlist(v->a, JLIST);
		else if ((star->type != JLIST && star->type != JTUPLE) || star->sub != JS_NONE)
			everr(v, n->star->off, "unsupported: *args of type '%s'", jvtypename(star));
	}
	kw = arenaalloc(v->a, (n->kw.n + 1) * sizeof(*kw));
	for (i = 0; i < n->kw.n; i++)
		kw[i] = eval(v, sc, n->kw.v[i]);
	if (n->dstar) {
		dstar = eval(v, sc, n->dstar);
		if (dstar->type == JUNDEF)
			dstar = jvdict(v->a);
		else if (dstar->type != JDICT || dstar->sub != JS_NONE)
			everr(v, n->dstar->off, "argument after ** must be a mapping, not %s", jvtypename(dstar));
	}
	c->npos = n->kids.n + (star ? star->u.list.n : 0);
	c->nkw = n->kw.n + (dstar ? dstar->u.dict.n : 0);
	c->pos = arenaalloc(v->a, (c->npos + 1) * sizeof(*c->pos));
	c->kw = arenaalloc(v->a, (c->nkw + 1) * sizeof(*c->kw));
	c->names = n->kwnames;
	memcpy(c->pos, pos, n->kids.n * sizeof(*pos));
	for (i = n->kids.n, k = 0; star && k < star->u.list.n; k++)
		c->pos[i++] = star->u.list.v[k];
	memcpy(c->kw, kw, n->kw.n * sizeof(*kw));
	if (dstar && dstar->u.dict.n) {
		const char **names = arenaalloc(v->a, (c->nkw + 1) * sizeof(*names));
		for (i = 0; i < n->kw.n; i++)
			names[i] = n->kwnames[i];
		for (k = 0; k < dstar->u.dict.n; k++) {
			struct jv *kk = dstar->u.dict.k[k];
			size_t j;
			if (kk->type != JSTR)
				everr(v, n->dstar->off, "keywords must be strings");
			for (j = 0; j < i; j++)
				if (!strcmp(names[j], kk->u.str.s))
					everr(v, n->dstar->off, "got multiple values for keyword argument '%s'", kk->u.str.s);
			names[i] = kk->u.str.s;
			c->kw[i++] = dstar->u.dict.v[k];
		}
		c->names = names;
	}
}

/* ---- expressions ---- */

/* Where an expression begins: what a call's errors point at. */
static const struct jnode *
leftmost(const struct jnode *n)
{
	while ((n->k == N_ATTR || n->k == N_ITEM || n->k == N_CALL ||
	    n->k == N_FILTER || n->k == N_TEST) && n->a)
		n = n->a;
	return n;
}

static struct jv *
eval1(struct jev *v, struct scope *sc, struct jnode *n)
{
	struct jv *x, *y;
	size_t i;

	switch (n->k) {
	case N_CONST:
		return n->val;
	case N_NAME:
		return lookup(sc, n->name);
	case N_LIST: case N_TUPLE:
		x = jvlist(v->a, n->k == N_LIST ? JLIST : JTUPLE);
		for (i = 0; i < n->kids.n; i++)
			jvpush(v->a, x, eval(v, sc, n->kids.v[i]));
		return x;
	case N_DICT:
		x = jvdict(v->a);
		for (i = 0; i + 1 < n->kids.n; i += 2) {
			struct jv *k = eval(v, sc, n->kids.v[i]);
			if (k->type == JLIST || k->type == JDICT || k->type == JUNDEF)
				everr(v, n->kids.v[i]->off, "unhashable type: '%s'", jvtypename(k));
			jvset(v->a, x, k, eval(v, sc, n->kids.v[i + 1]));
		}
		return x;
	case N_BIN:
		x = eval(v, sc, n->a);
		y = eval(v, sc, n->b);
		if (n->op == OP_CAT) {
			struct buf b = {0};
			struct jv *r;
			x = tostr(v, n->off, x);
			y = tostr(v, n->off, y);
			bufadd(&b, x->u.str.s, x->u.str.n);
			bufadd(&b, y->u.str.s, y->u.str.n);
			r = jvstr(v->a, b.s ? b.s : "", b.len);
			buffree(&b);
			return r;
		}
		return arith(v, n->off, n->op, x, y);
	case N_NOT:
		return jvbool(!jvtruth(eval(v, sc, n->a)));
	case N_NEG: case N_POS:
		x = eval(v, sc, n->a);
		undeferr(v, n->off, x);
		if (jdecis(x)) {
			const char *err;
			if (!(y = jdecsign(v->a, n->k == N_NEG, x, &err)))
				everr(v, n->off, "%s", err);
			return y;
		}
		if (jdtis(x)) {
			const char *err;
			if ((y = jdtsign(v->a, n->k == N_NEG ? '-' : '+', x, &err)))
				return y;
			if (err)
				everr(v, n->off, "%s", err);
		}
		if (!isnum(x))
			everr(v, n->off, "bad operand type for unary %c: '%s'",
			    n->k == N_NEG ? '-' : '+', jvtypename(x));
		if (x->type == JFLOAT)
			return jvfloat(v->a, n->k == N_NEG ? -x->u.f : x->u.f);
		if (n->k == N_NEG && ival(x) == INT64_MIN)
			everr(v, n->off, "unsupported: integer beyond 64 bits");
		return jvint(v->a, n->k == N_NEG ? -ival(x) : ival(x));
	case N_AND:
		x = eval(v, sc, n->a);
		return jvtruth(x) ? eval(v, sc, n->b) : x;
	case N_OR:
		x = eval(v, sc, n->a);
		return jvtruth(x) ? x : eval(v, sc, n->b);
	case N_CMP:
		x = eval(v, sc, n->kids.v[0]);
		for (i = 1; i < n->kids.n; i++) {
			y = eval(v, sc, n->kids.v[i]);
			if (!compare1(v, n->kids.v[i]->off, n->ops[i - 1], x, y))
				return &jvfalse;
			x = y;
		}
		return &jvtrue;
	case N_ATTR:
		x = eval(v, sc, n->a);
		if (n->name[0] == '_' && n->name[1] != '_' && x->type == JOBJ &&
		    x->u.obj.cls->mapping && x->u.obj.cls->getitem) {
			/* so does a native Mapping's (dbt's namespace of macros) */
			struct jv *r;
			v->calloff = n->off;
			r = x->u.obj.cls->getitem(v, x, key(v, n->name));
			return r ? r : &jvundef;
		}
		if (n->name[0] == '_' && !pydir(x) && x->type != JUNDEF)
			everr(v, n->off, "unsupported: attribute '%s' beginning with '_'", n->name);
		return getitem(v, n->off, x, key(v, n->name), 1);
	case N_ITEM:
		x = eval(v, sc, n->a);
		if (n->b->k == N_SLICE) {
			struct jnode *s = n->b;
			struct jv *a = s->a ? eval(v, sc, s->a) : NULL;
			struct jv *b = s->b ? eval(v, sc, s->b) : NULL;
			struct jv *c = s->c ? eval(v, sc, s->c) : NULL;
			return slice(v, n->off, x, a, b, c);
		}
		y = eval(v, sc, n->b);
		return getitem(v, n->off, x, y, 0);
	case N_CALL: {
		struct jcall c;
		x = eval(v, sc, n->a);
		if (x == &jvparseundef) {	/* its __call__ answers itself */
			callargs(v, sc, n, &c);
			return x;
		}
		if (x->type == JUNDEF && jvundefwhy(x, NULL))
			everr(v, n->off, "%s", jvundefwhy(x, NULL));
		if (x->type == JUNDEF)
			everr(v, n->off, "'%s' is undefined", n->a->k == N_NAME ||
			    n->a->k == N_ATTR ? n->a->name : "value");
		if (x->type != JFUNC && !(x->type == JOBJ && x->u.obj.cls->call))
			everr(v, n->off, "unsupported: calling a value of type '%s'", jvtypename(x));
		callargs(v, sc, n, &c);
		v->calloff = leftmost(n->a)->off;
		return jcallv(v, x, &c);
	}
	case N_FILTER: case N_TEST: {
		struct fargs f;
		x = eval(v, sc, n->a);
		f.v = v;
		f.off = n->off;
		f.name = n->name;
		callargs(v, sc, n, &f.c);
		if (n->k == N_FILTER)
			return dofilter(&f, x);
		return jvbool(dotest(&f, x) != n->neg);
	}
	case N_COND:
		if (jvtruth(eval(v, sc, n->b)))
			return eval(v, sc, n->a);
		return n->c ? eval(v, sc, n->c) : &jvundef;
	default:
		everr(v, n->off, "internal: statement where an expression belongs");
		return NULL;
	}
}

/* A name, attribute, item or else-less if that a lenient template
 * (jlex.h) finds undefined is dbt's parse-time Undefined, as that
 * template's environment makes it. */
static struct jv *
eval(struct jev *v, struct scope *sc, struct jnode *n)
{
	struct jv *x = eval1(v, sc, n);

	if (x->type == JUNDEF && x != &jvparseundef && v->src->lenient &&
	    (n->k == N_NAME || n->k == N_ATTR || n->k == N_ITEM || n->k == N_COND))
		return &jvparseundef;
	return x;
}

struct jv *
jcallv(struct jev *v, struct jv *fn, struct jcall *c)
{
	struct jv *r;

	if (fn->type == JOBJ && fn->u.obj.cls->call)
		r = fn->u.obj.cls->call(v, fn, c);
	else if (fn->type != JFUNC)
		jfail(v, "unsupported: calling a value of type '%s'", jvtypename(fn));
	else
		r = fn->u.func.fn(v, fn->u.func.data, c);
	return r ? r : &jvnone;
}

struct jv *
jevstr(struct jev *v, struct jv *x)
{
	return tostr(v, v->calloff, x);
}

struct jv *
jeviter(struct jev *v, struct jv *x)
{
	return items(v, v->calloff, x);
}

struct jv *
jevfilter(struct jev *v, const char *name, struct jv *x, struct jcall *c)
{
	struct fargs f;

	f.v = v;
	f.off = v->calloff;
	f.name = name;
	f.c = *c;
	return dofilter(&f, x);
}

int
jevtest(struct jev *v, const char *name, struct jv *x, struct jcall *c)
{
	struct fargs f;

	f.v = v;
	f.off = v->calloff;
	f.name = name;
	f.c = *c;
	return dotest(&f, x);
}

struct jv *
jevattr(struct jev *v, struct jv *x, const char *name)
{
	return getitem(v, v->calloff, x, key(v, name), 1);
}

struct jv *
jevitem(struct jev *v, struct jv *x, struct jv *k)
{
	return getitem(v, v->calloff, x, k, 0);
}

struct jv *
jevpyattr(struct jev *v, struct jv *x, const char *name)
{
	struct jv *k = key(v, name), *r;

	if (!pydir(x))
		return NULL;
	if ((r = jlibattr(v, x, name)) || (r = pyattr(v, v->calloff, x, k)))
		return r;
	return undefof(v, x, k, 0);
}

struct jv *
jevrender(struct jev *v, const char *name, const char *src, size_t n)
{
	struct jsrc s;
	struct jnl body;
	struct jerr e;
	struct jev in;
	struct buf out = {0};
	struct jv *r;
	char *m;

	if (jlex(v->a, name, src, n, &s, &e) < 0 || jparse(v->a, &s, &body, &e) < 0)
		goto fail;
	memset(&in, 0, sizeof(in));
	in.a = v->a;
	in.e = &e;
	in.src = &s;
	in.glob = v->glob;
	if (setjmp(in.fail)) {
		freebufs(&in, NULL);
		buffree(&out);
		goto fail;
	}
	run(&in, newscope(&in, in.glob), &body, &out);
	r = jvstr(v->a, out.s ? out.s : "", out.len);
	buffree(&out);
	return r;
fail:
	m = jerrstr(&s, &e);
	r = jvstr(v->a, m, strlen(m));
	free(m);
	jfail(v, "%s", r->u.str.s);
	return NULL;
}

/* ---- objects of the evaluator: loop, namespace, cycler, joiner ---- */

/* A method bound to its object's data. */
static struct jv *
method(struct jev *v, const char *name, jfunc *fn, void *data)
{
	return jvfunc(v->a, name, fn, data);
}

static void
noargs(struct jev *v, struct jcall *c, const char *name, size_t max)
{
	if (c->nkw)
		jfail(v, "%s() takes no keyword arguments", name);
	if (c->npos > max)
		jfail(v, "%s() takes at most %zu arguments (%zu given)", name, max, c->npos);
}

/* A for loop's loop, one object mutated as the loop advances. */
struct loopst {
	struct jv *l;
	size_t i;
	struct jv *changed;	/* the last changed() arguments, or NULL */
};

static struct jv *
loopcycle(struct jev *v, void *data, struct jcall *c)
{
	struct loopst *st = data;

	if (c->nkw)
		jfail(v, "cycle() takes no keyword arguments");
	if (!c->npos)
		jfail(v, "no items for cycling given");
	return c->pos[st->i % c->npos];
}

static struct jv *
loopchanged(struct jev *v, void *data, struct jcall *c)
{
	struct loopst *st = data;
	struct jv *t = jvlist(v->a, JTUPLE);
	size_t i;

	if (c->nkw)
		jfail(v, "changed() takes no keyword arguments");
	for (i = 0; i < c->npos; i++)
		jvpush(v->a, t, c->pos[i]);
	if (st->changed && jveq(st->changed, t))
		return &jvfalse;
	st->changed = t;
	return &jvtrue;
}

static struct jv *
loopattr(struct jev *v, struct jv *self, const char *name)
{
	struct loopst *st = self->u.obj.data;
	size_t i = st->i, len = st->l->u.list.n;

	if (!strcmp(name, "index")) return jvint(v->a, (int64_t)i + 1);
	if (!strcmp(name, "index0")) return jvint(v->a, (int64_t)i);
	if (!strcmp(name, "revindex")) return jvint(v->a, (int64_t)(len - i));
	if (!strcmp(name, "revindex0")) return jvint(v->a, (int64_t)(len - i - 1));
	if (!strcmp(name, "first")) return jvbool(i == 0);
	if (!strcmp(name, "last")) return jvbool(i == len - 1);
	if (!strcmp(name, "length")) return jvint(v->a, (int64_t)len);
	if (!strcmp(name, "depth")) return jvint(v->a, 1);
	if (!strcmp(name, "depth0")) return jvint(v->a, 0);
	if (!strcmp(name, "previtem"))
		return i > 0 ? st->l->u.list.v[i - 1] : &jvundef;
	if (!strcmp(name, "nextitem"))
		return i + 1 < len ? st->l->u.list.v[i + 1] : &jvundef;
	if (!strcmp(name, "cycle")) return method(v, "cycle", loopcycle, st);
	if (!strcmp(name, "changed")) return method(v, "changed", loopchanged, st);
	return NULL;
}

static const char *
loopstr(const struct jv *self, struct buf *b)
{
	const struct loopst *st = self->u.obj.data;

	bufprintf(b, "<LoopContext %zu/%zu>", st->i + 1, st->l->u.list.n);
	return NULL;
}

static const struct jclass loopclass = {"LoopContext", loopattr, loopstr, NULL, NULL, NULL, 0, NULL};

static struct jv *
nsattr(struct jev *v, struct jv *self, const char *name)
{
	struct jv k = namekey(name);

	(void)v;
	return jvget(self->u.obj.data, &k);
}

static const char *
nsstr(const struct jv *self, struct buf *b)
{
	const char *err;

	bufputs(b, "<Namespace ");
	if ((err = jvreprto(b, self->u.obj.data)))
		return err;
	bufputc(b, '>');
	return NULL;
}

static const struct jclass nsclass = {"Namespace", nsattr, nsstr, NULL, NULL, NULL, 0, NULL};

/* dict(*args, **kwargs) for at most one mapping or iterable of pairs. */
static struct jv *
mkdict(struct jev *v, struct jcall *c, const char *name)
{
	struct jv *d = jvdict(v->a), *x, *l, *p;
	size_t i;

	if (c->npos > 1)
		jfail(v, "%s expected at most 1 argument, got %zu", name, c->npos);
	if (c->npos) {
		x = c->pos[0];
		if (x->type == JDICT) {
			for (i = 0; i < x->u.dict.n; i++)
				jvset(v->a, d, x->u.dict.k[i], x->u.dict.v[i]);
		} else if (x->type == JLIST || x->type == JTUPLE) {
			l = x;
			for (i = 0; i < l->u.list.n; i++) {
				p = l->u.list.v[i];
				if ((p->type != JLIST && p->type != JTUPLE) || p->u.list.n != 2)
					jfail(v, "unsupported: %s() of an item that is not a pair", name);
				if (p->u.list.v[0]->type == JLIST || p->u.list.v[0]->type == JDICT)
					jfail(v, "unhashable type: '%s'", jvtypename(p->u.list.v[0]));
				jvset(v->a, d, p->u.list.v[0], p->u.list.v[1]);
			}
		} else
			jfail(v, "unsupported: %s() of %s", name, jvtypename(x));
	}
	for (i = 0; i < c->nkw; i++)
		jvset(v->a, d, key(v, c->names[i]), c->kw[i]);
	return d;
}

static struct jv *
fdict(struct jev *v, void *data, struct jcall *c)
{
	(void)data;
	return mkdict(v, c, "dict");
}

static struct jv *
fnamespace(struct jev *v, void *data, struct jcall *c)
{
	(void)data;
	return jvobj(v->a, &nsclass, mkdict(v, c, "dict"));
}

static int64_t
rangearg(struct jev *v, struct jv *x)
{
	if (x->type != JINT && x->type != JBOOL)
		jfail(v, "'%s' object cannot be interpreted as an integer", jvtypename(x));
	return ival(x);
}

/* The sandbox's safe_range. */
static struct jv *
frange(struct jev *v, void *data, struct jcall *c)
{
	int64_t a = 0, b, s = 1;
	struct jv *r;

	(void)data;
	if (c->nkw)
		jfail(v, "range() takes no keyword arguments");
	if (c->npos < 1 || c->npos > 3)
		jfail(v, "range expected at least 1 argument, got %zu", c->npos);
	if (c->npos == 1)
		b = rangearg(v, c->pos[0]);
	else {
		a = rangearg(v, c->pos[0]);
		b = rangearg(v, c->pos[1]);
		if (c->npos == 3 && (s = rangearg(v, c->pos[2])) == 0)
			jfail(v, "range() arg 3 must not be zero");
	}
	r = jvrange(v->a, a, b, s);
	if (jvrangelen(r) > 100000)
		jfail(v, "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
	return r;
}

struct cycler {
	struct jv *items;
	size_t pos;
};

static struct jv *
cyclernext(struct jev *v, void *data, struct jcall *c)
{
	struct cycler *cy = data;
	struct jv *r = cy->items->u.list.v[cy->pos];

	noargs(v, c, "next", 0);
	cy->pos = (cy->pos + 1) % cy->items->u.list.n;
	return r;
}

static struct jv *
cyclerreset(struct jev *v, void *data, struct jcall *c)
{
	noargs(v, c, "reset", 0);
	((struct cycler *)data)->pos = 0;
	return &jvnone;
}

static struct jv *
cyclerattr(struct jev *v, struct jv *self, const char *name)
{
	struct cycler *cy = self->u.obj.data;

	if (!strcmp(name, "items")) return cy->items;
	if (!strcmp(name, "pos")) return jvint(v->a, (int64_t)cy->pos);
	if (!strcmp(name, "current")) return cy->items->u.list.v[cy->pos];
	if (!strcmp(name, "next")) return method(v, "next", cyclernext, cy);
	if (!strcmp(name, "reset")) return method(v, "reset", cyclerreset, cy);
	return NULL;
}

static const struct jclass cyclerclass = {"Cycler", cyclerattr, NULL, NULL, NULL, NULL, 0, NULL};

static struct jv *
fcycler(struct jev *v, void *data, struct jcall *c)
{
	struct cycler *cy = arenaalloc(v->a, sizeof(*cy));
	size_t i;

	(void)data;
	if (c->nkw)
		jfail(v, "Cycler() got an unexpected keyword argument '%s'", c->names[0]);
	if (!c->npos)
		jfail(v, "at least one item has to be provided");
	cy->items = jvlist(v->a, JTUPLE);
	for (i = 0; i < c->npos; i++)
		jvpush(v->a, cy->items, c->pos[i]);
	cy->pos = 0;
	return jvobj(v->a, &cyclerclass, cy);
}

struct joiner {
	struct jv *sep;
	int used;
};

static struct jv *
joinercall(struct jev *v, void *data, struct jcall *c)
{
	struct joiner *j = data;

	noargs(v, c, "joiner", 0);
	if (!j->used) {
		j->used = 1;
		return jvstr(v->a, "", 0);
	}
	return j->sep;
}

static struct jv *
fjoiner(struct jev *v, void *data, struct jcall *c)
{
	struct joiner *j = arenaalloc(v->a, sizeof(*j));
	size_t i;

	(void)data;
	if (c->npos > 1)
		jfail(v, "Joiner() takes at most 1 argument");
	j->sep = c->npos ? c->pos[0] : jvstr(v->a, ", ", 2);
	for (i = 0; i < c->nkw; i++) {
		if (strcmp(c->names[i], "sep") || c->npos)
			jfail(v, "Joiner() got an unexpected keyword argument '%s'", c->names[i]);
		j->sep = c->kw[i];
	}
	j->used = 0;
	return jvfunc(v->a, "joiner", joinercall, j);
}

static struct jv *
flipsum(struct jev *v, void *data, struct jcall *c)
{
	(void)data; (void)c;
	jfail(v, "unsupported: lipsum()");
	return NULL;
}

#define BUILTIN(n, f) {JFUNC, JS_NONE, {.func = {n, f, NULL}}}
static struct jv builtins[] = {
	BUILTIN("range", frange), BUILTIN("dict", fdict),
	BUILTIN("namespace", fnamespace), BUILTIN("cycler", fcycler),
	BUILTIN("joiner", fjoiner), BUILTIN("lipsum", flipsum),
};

/* Jinja2's DEFAULT_NAMESPACE, below every global. */
static struct jv *
builtin(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (!strcmp(builtins[i].u.func.name, name))
			return &builtins[i];
	return NULL;
}

/* ---- macros ---- */

static struct jv *
mkmacro(struct jev *v, const struct jnode *n, struct scope *up, struct jv *ns)
{
	struct macro *m = arenaalloc(v->a, sizeof(*m));

	m->n = n;
	m->src = v->src;
	m->up = up;
	m->ns = ns;
	return jvfunc(v->a, n->name ? n->name : "caller", callmacro, m);
}

static int
hasparam(const struct jnode *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->args.n; i++)
		if (!strcmp(n->args.v[i]->name, name))
			return 1;
	return 0;
}

/* Macro.__call__: bind c's arguments to the parameters of m as Jinja2
 * does, into the locals d; errors are the call's. */
static void
bindargs(struct jev *v, const struct macro *m, struct jcall *c, struct jv *d,
    struct jv **vals)
{
	const struct jnode *n = m->n;
	const char *mname = n->name ? n->name : "None";
	size_t np = n->args.n, take = c->npos < np ? c->npos : np, i, k;
	char *used = arenaalloc(v->a, c->nkw + 1);
	int foundcaller;
	struct jv *callerv = NULL;

	memset(used, 0, c->nkw + 1);
	for (i = 0; i < c->nkw; i++)
		for (k = 0; k < i; k++)
			if (!strcmp(c->names[i], c->names[k]))
				jfail(v, "keyword argument repeated: %s", c->names[i]);
	for (i = 0; i < take; i++)
		vals[i] = c->pos[i];
	if (take != np) {
		foundcaller = 0;
		for (i = take; i < np; i++) {
			const char *name = n->args.v[i]->name;
			vals[i] = NULL;
			for (k = 0; k < c->nkw; k++)
				if (!used[k] && !strcmp(c->names[k], name)) {
					vals[i] = c->kw[k];
					used[k] = 1;
					break;
				}
			if (!strcmp(name, "caller"))
				foundcaller = 1;
		}
	} else
		foundcaller = hasparam(n, "caller");
	if ((n->special & JS_CALLER) && !foundcaller) {
		if (hasparam(n, "caller"))
			jfail(v, "unsupported: a caller for macro '%s' whose caller parameter was given by position", mname);
		for (k = 0; k < c->nkw; k++)
			if (!used[k] && !strcmp(c->names[k], "caller")) {
				callerv = c->kw[k];
				used[k] = 1;
				break;
			}
		if (!callerv || callerv->type == JNONE)
			callerv = &jvundef;
		jvset(v->a, d, key(v, "caller"), callerv);
	}
	if (n->special & JS_KWARGS) {
		struct jv *kw = jvdict(v->a);
		for (k = 0; k < c->nkw; k++)
			if (!used[k])
				jvset(v->a, kw, key(v, c->names[k]), c->kw[k]);
		jvset(v->a, d, key(v, "kwargs"), kw);
	} else
		for (k = 0; k < c->nkw; k++) {
			if (used[k])
				continue;
			for (i = k; i < c->nkw; i++)
				if (!used[i] && !strcmp(c->names[i], "caller"))
					jfail(v, "macro '%s' was invoked with two values for the special caller argument. This is most likely a bug.", mname);
			jfail(v, "macro '%s' takes no keyword argument '%s'", mname, c->names[k]);
		}
	if (n->special & JS_VARARGS) {
		struct jv *va = jvlist(v->a, JTUPLE);
		for (i = np; i < c->npos; i++)
			jvpush(v->a, va, c->pos[i]);
		jvset(v->a, d, key(v, "varargs"), va);
	} else if (c->npos > np)
		jfail(v, "macro '%s' takes not more than %zu argument(s)", mname, np);
}

/* The arguments given (and the special parameters), then each missing
 * parameter in order from its default, which sees the parameters before
 * it and those given, or undefined: Jinja2's macro function. */
static void
params(struct jev *v, struct scope *sc, const struct jnode *n, struct jv **vals,
    struct jv *specials)
{
	size_t np = n->args.n, nd = n->defs.n, i;

	for (i = 0; i < specials->u.dict.n; i++)
		jvset(v->a, sc->vars, specials->u.dict.k[i], specials->u.dict.v[i]);
	for (i = 0; i < np; i++)
		jvset(v->a, sc->vars, key(v, n->args.v[i]->name), vals[i] ? vals[i] : &jvundef);
	for (i = 0; i < np; i++)
		if (!vals[i] && i >= np - nd)
			jvset(v->a, sc->vars, key(v, n->args.v[i]->name),
			    eval(v, sc, n->defs.v[i - (np - nd)]));
}

static struct jv *
callmacro(struct jev *v, void *data, struct jcall *c)
{
	const struct macro *m = data;
	const struct jnode *n = m->n;
	const struct jsrc *src = v->src;
	size_t calloff = v->calloff;
	struct scope *sc, *up = m->up;
	/* in the arena: what a return() longjmps over must stay put */
	struct mframe *mf = arenaalloc(v->a, sizeof(*mf));
	struct pbuf *out = arenaalloc(v->a, sizeof(*out));
	struct jv **vals, *r;
	struct jv *specials = jvdict(v->a);

	if (v->depth >= 100)
		jfail(v, "unsupported: macro calls nested more than 100 deep");
	vals = arenaalloc(v->a, (n->args.n + 1) * sizeof(*vals));
	bindargs(v, m, c, specials, vals);
	if (!up) {
		up = v->glob;
		if (m->ns) {
			struct scope *ns = arenaalloc(v->a, sizeof(*ns));
			ns->up = up;
			ns->vars = m->ns;
			up = ns;
		}
	}
	sc = newscope(v, up);
	v->src = m->src;
	v->depth++;
	params(v, sc, n, vals, specials);
	pushbuf(v, out);
	if (n->k != N_MACRO) {	/* a caller: return() goes through it */
		run(v, sc, &n->kids, &out->b);
		r = popbuf(v, out);
	} else {
		mf->up = v->mf;
		mf->val = NULL;
		v->mf = mf;
		if (setjmp(mf->ret)) {
			freebufs(v, out->up);
			r = mf->val;
		} else {
			run(v, sc, &n->kids, &out->b);
			r = popbuf(v, out);
		}
		v->mf = mf->up;
	}
	v->depth--;
	v->src = src;
	v->calloff = calloff;
	return r;
}

void
jreturn(struct jev *v, struct jv *val)
{
	if (!v->mf)
		jfail(v, "return() called outside a macro");
	v->mf->val = val;
	longjmp(v->mf->ret, 1);
}

/* ---- statements ---- */

static void
assign(struct jev *v, struct scope *sc, struct jnode *t, struct jv *x)
{
	size_t i;
	struct jv *l;

	if (t->k == N_NAME) {
		jvset(v->a, sc->vars, key(v, t->name), x);
		return;
	}
	if (t->k == N_ATTR) {
		struct jv *ns = lookup(sc, t->a->name);
		if (ns->type != JOBJ || ns->u.obj.cls != &nsclass)
			everr(v, t->off, "cannot assign attribute on non-namespace object");
		jvset(v->a, ns->u.obj.data, key(v, t->name), x);
		return;
	}
	if (x->type != JLIST && x->type != JTUPLE && x->type != JSTR && x->type != JDICT)
		everr(v, t->off, "cannot unpack non-iterable %s object", jvtypename(x));
	l = items(v, t->off, x);
	if (l->u.list.n != t->kids.n)
		everr(v, t->off, "%s values to unpack (expected %zu, got %zu)",
		    l->u.list.n > t->kids.n ? "too many" : "not enough",
		    t->kids.n, l->u.list.n);
	for (i = 0; i < t->kids.n; i++)
		assign(v, sc, t->kids.v[i], l->u.list.v[i]);
}

/* A for loop; its else runs unless an iteration ran its body to the
 * end (Jinja2's iteration indicator), in a scope of its own. */
static int
forloop(struct jev *v, struct scope *sc, struct jnode *n, struct buf *out)
{
	struct jv *all = items(v, n->b->off, eval(v, sc, n->b)), *l = all, *loop;
	struct loopst *st;
	size_t i;
	int done = 0, f;

	if (n->c) {
		/* the filter sees the target bound, in its own scope */
		l = jvlist(v->a, JLIST);
		for (i = 0; i < all->u.list.n; i++) {
			struct scope *in = newscope(v, sc);
			assign(v, in, n->a, all->u.list.v[i]);
			if (jvtruth(eval(v, in, n->c)))
				jvpush(v->a, l, all->u.list.v[i]);
		}
	}
	st = arenaalloc(v->a, sizeof(*st));
	memset(st, 0, sizeof(*st));
	st->l = l;
	loop = jvobj(v->a, &loopclass, st);
	for (i = 0; i < l->u.list.n; i++) {
		struct scope *in = newscope(v, sc);
		st->i = i;
		jvset(v->a, in->vars, key(v, "loop"), loop);
		assign(v, in, n->a, l->u.list.v[i]);
		f = run(v, in, &n->kids, out);
		if (f == F_BREAK)
			break;
		if (f == F_DONE)
			done = 1;
	}
	if (!done)
		return run(v, newscope(v, sc), &n->els, out);
	return F_DONE;
}

/* {% filter f(args)|g %}: the body's output through the chain. */
static struct jv *
filterchain(struct jev *v, struct scope *sc, struct jnode *f, struct jv *x)
{
	struct fargs fa;

	if (f->a)
		x = filterchain(v, sc, f->a, x);
	fa.v = v;
	fa.off = f->off;
	fa.name = f->name;
	callargs(v, sc, f, &fa.c);
	return dofilter(&fa, x);
}

/* A node of a body that is not its text (jrunmarks, jskeleton). */
static int
gapnode(const struct jnode *n)
{
	return n->k != N_DATA && n->k != N_MARK;
}

/* One offset more of jrunmarks' (v->marks->v holds 2 * n of them). */
static void
mark(struct jev *v, size_t len)
{
	struct jmarks *m = v->marks;
	size_t k = 2 * m->n + m->odd;

	if (k == 2 * m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->v = xreallocarray(m->v, m->cap, 2 * sizeof(*m->v));
	}
	m->v[k] = len - v->base;
	if (m->odd)
		m->n++;
	m->odd = !m->odd;
}

static int
run(struct jev *v, struct scope *sc, const struct jnl *body, struct buf *out)
{
	size_t i, k;
	int f;

	for (i = 0; i < body->n; i++) {
		struct jnode *n = body->v[i];
		struct jv *x;
		struct pbuf *b;
		/* the template's own text ends before a statement of its body
		 * and begins again after it */
		if (body == v->top && gapnode(n))
			mark(v, out->len);
		switch (n->k) {
		case N_DATA:
			bufadd(out, n->val->u.str.s, n->val->u.str.n);
			break;
		case N_OUTPUT:
			x = tostr(v, n->a->off, eval(v, sc, n->a));
			bufadd(out, x->u.str.s, x->u.str.n);
			break;
		case N_IF:
			if (jvtruth(eval(v, sc, n->a)))
				f = run(v, sc, &n->kids, out);
			else
				f = run(v, sc, &n->els, out);
			if (f != F_DONE)
				return f;
			break;
		case N_FOR:
			if ((f = forloop(v, sc, n, out)) != F_DONE)
				return f;
			break;
		case N_SET:
			assign(v, sc, n->a, eval(v, sc, n->b));
			break;
		case N_SETBLOCK:
			/* in the arena: a longjmp out of the body frees it */
			b = arenaalloc(v->a, sizeof(*b));
			pushbuf(v, b);
			if ((f = run(v, newscope(v, sc), &n->kids, &b->b)) != F_DONE) {
				freebufs(v, b->up);
				return f;
			}
			assign(v, sc, n->a, popbuf(v, b));
			break;
		case N_FILTERBLOCK:
			b = arenaalloc(v->a, sizeof(*b));
			pushbuf(v, b);
			if ((f = run(v, newscope(v, sc), &n->kids, &b->b)) != F_DONE) {
				freebufs(v, b->up);
				return f;
			}
			x = filterchain(v, sc, n->a, popbuf(v, b));
			if (x->type != JSTR)	/* Jinja2 writes it as it is */
				everr(v, n->off, "sequence item: expected str instance, %s found", jvtypename(x));
			bufadd(out, x->u.str.s, x->u.str.n);
			break;
		case N_MACRO:
			jvset(v->a, sc->vars, key(v, n->name), mkmacro(v, n, sc, NULL));
			break;
		case N_CALLBLOCK: {
			struct jnode *cn = n->a;
			struct jcall c;
			struct jv *fn = eval(v, sc, cn->a);
			size_t nkw;
			if (fn->type != JFUNC)
				everr(v, cn->off, "unsupported: calling a value of type '%s'", jvtypename(fn));
			callargs(v, sc, cn, &c);
			nkw = c.nkw;
			for (k = 0; k < nkw; k++)
				if (!strcmp(c.names[k], "caller"))
					everr(v, cn->off, "keyword argument repeated: caller");
			{
				const char **names = arenaalloc(v->a, (nkw + 1) * sizeof(*names));
				struct jv **kw = arenaalloc(v->a, (nkw + 1) * sizeof(*kw));
				if (nkw) {
					memcpy(names, c.names, nkw * sizeof(*names));
					memcpy(kw, c.kw, nkw * sizeof(*kw));
				}
				names[nkw] = "caller";
				kw[nkw] = mkmacro(v, n, sc, NULL);
				c.names = names;
				c.kw = kw;
				c.nkw = nkw + 1;
			}
			v->calloff = cn->off;
			x = jcallv(v, fn, &c);
			if (x->type != JSTR)	/* Jinja2 writes it as it is */
				everr(v, cn->off, "sequence item: expected str instance, %s found", jvtypename(x));
			bufadd(out, x->u.str.s, x->u.str.n);
			break;
		}
		case N_DO:
			eval(v, sc, n->a);
			break;
		case N_BREAK:
			return F_BREAK;
		case N_CONTINUE:
			return F_CONTINUE;
		case N_MARK:
			for (k = 0; k < n->nnames; k++)
				jvset(v->a, sc->vars, key(v, n->names[k]), &jvundef);
			break;
		default:
			everr(v, n->off, "internal: expression where a statement belongs");
		}
		if (body == v->top && gapnode(n))
			mark(v, out->len);
	}
	if (body == v->top)
		mark(v, out->len);
	return F_DONE;
}

/* The globals as a chain of scopes, the widest last. */
static struct scope *
globchain(struct arena *a, struct jv *const *globals, size_t n)
{
	struct scope *glob = NULL;
	size_t i;

	for (i = n; i-- > 0;) {
		struct scope *g = arenaalloc(a, sizeof(*g));
		g->up = glob;
		g->vars = globals[i];
		glob = g;
	}
	return glob;
}

/* Run body over globals; top, if not NULL, is set to the template's
 * own scope. */
static int
evalmarks(struct arena *a, const struct jsrc *s, const struct jnl *body,
    struct jv *const *globals, size_t n, struct buf *out, struct jv **val,
    struct jerr *e, struct scope **top, struct jmarks *marks)
{
	struct jev v;
	struct scope *sc;

	memset(&v, 0, sizeof(v));
	v.a = a;
	v.e = e;
	v.src = s;
	if (marks) {
		v.top = body;
		v.marks = marks;
		v.base = out->len;
		marks->n = 0;
		marks->odd = 0;
		mark(&v, out->len);
	}
	v.glob = globchain(a, globals, n);
	sc = newscope(&v, v.glob);
	if (top)
		*top = sc;
	if (setjmp(v.fail)) {
		freebufs(&v, NULL);
		return -1;
	}
	if (val)
		*val = eval(&v, sc, body->v[0]->a);
	else
		run(&v, sc, body, out);
	return 0;
}

static int
evalin(struct arena *a, const struct jsrc *s, const struct jnl *body,
    struct jv *const *globals, size_t n, struct buf *out, struct jv **val,
    struct jerr *e, struct scope **top)
{
	return evalmarks(a, s, body, globals, n, out, val, e, top, NULL);
}

int
jeval(struct arena *a, const struct jsrc *s, const struct jnl *body,
    struct jv *ctx, struct buf *out, struct jerr *e)
{
	return evalin(a, s, body, &ctx, ctx ? 1 : 0, out, NULL, e, NULL);
}

int
jmacros(struct arena *a, const struct jtmpl *t, struct jv *into, struct jv *ns,
    char **err)
{
	struct jerr e;
	struct buf out = {0};
	struct scope *top;
	struct jv *vars;
	size_t i;
	int r;

	r = evalin(a, &t->src, &t->body, &ns, ns ? 1 : 0, &out, NULL, &e, &top);
	buffree(&out);
	if (r < 0) {
		*err = jerrstr(&t->src, &e);
		return -1;
	}
	vars = top->vars;
	for (i = 0; i < vars->u.dict.n; i++) {
		struct jv *x = vars->u.dict.v[i];
		const struct macro *m;
		struct macro *b;
		if (x->type != JFUNC || x->u.func.fn != callmacro)
			continue;
		m = x->u.func.data;
		if (m->up != top || m->n->k != N_MACRO)
			continue;
		b = arenaalloc(a, sizeof(*b));
		*b = *m;
		b->up = NULL;
		b->ns = ns;
		jvset(a, into, vars->u.dict.k[i], jvfunc(a, x->u.func.name, callmacro, b));
	}
	return 0;
}

int
jcompile(struct arena *a, const char *name, const char *src, size_t n,
    struct jtmpl *t, char **err)
{
	struct jerr e;

	if (jlex(a, name, src, n, &t->src, &e) < 0 ||
	    jparse(a, &t->src, &t->body, &e) < 0) {
		*err = jerrstr(&t->src, &e);
		return -1;
	}
	return 0;
}

int
jcompilemacro(struct arena *a, const char *name, const char *macro, int line, int col,
    const char *src, size_t n, struct jtmpl *t, char **err)
{
	struct jerr e;
	int r;

	r = jlex(a, name, src, n, &t->src, &e);
	t->src.line = line;
	t->src.col = col;
	t->src.macro = line > 0 ? NULL : macro;
	if (r < 0 || jparse(a, &t->src, &t->body, &e) < 0) {
		*err = jerrstr(&t->src, &e);
		return -1;
	}
	return 0;
}

int
jrun(struct arena *a, const struct jtmpl *t, struct jv *const *globals,
    size_t nglobals, struct buf *out, char **err)
{
	return jrunmarks(a, t, globals, nglobals, out, NULL, err);
}

int
jrunmarks(struct arena *a, const struct jtmpl *t, struct jv *const *globals,
    size_t nglobals, struct buf *out, struct jmarks *marks, char **err)
{
	struct jerr e;
	size_t len = out->len;

	if (evalmarks(a, &t->src, &t->body, globals, nglobals, out, NULL, &e, NULL, marks) < 0) {
		*err = jerrstr(&t->src, &e);
		out->len = len;
		if (out->s)
			out->s[len] = '\0';
		return -1;
	}
	return 0;
}

int
jrender(const char *name, const char *src, size_t n, struct jv *ctx,
    struct arena *a, struct buf *out, char **err)
{
	struct jsrc s;
	struct jnl body;
	struct jerr e;
	size_t len = out->len;

	if (jlex(a, name, src, n, &s, &e) < 0 || jparse(a, &s, &body, &e) < 0 ||
	    jeval(a, &s, &body, ctx, out, &e) < 0) {
		*err = jerrstr(&s, &e);
		out->len = len;
		if (out->s)
			out->s[len] = '\0';
		return -1;
	}
	return 0;
}

int
jrunvalue(struct arena *a, const struct jtmpl *t, struct jv *const *globals,
    size_t nglobals, struct jv **val, char **err)
{
	struct jerr e;

	*val = NULL;
	if (t->body.n != 1)
		return 0;
	if (t->body.v[0]->k == N_DATA) {
		*val = t->body.v[0]->val;
		return 0;
	}
	if (t->body.v[0]->k != N_OUTPUT)
		return 0;
	if (evalin(a, &t->src, &t->body, globals, nglobals, NULL, val, &e, NULL) < 0) {
		*err = jerrstr(&t->src, &e);
		return -1;
	}
	return 0;
}

/* A token's bytes for jskeleton: its type, and its text (or number) with
 * its length, so that no two sequences run together alike. */
static void
skeltok(struct buf *b, const struct jtoken *t)
{
	size_t n = t->n;

	bufputc(b, 'A' + (int)t->type);
	if (t->type == JT_INT)
		bufprintf(b, "%lld\n", t->i);
	else if (t->type == JT_FLOAT)
		bufprintf(b, "%.17g\n", t->f);
	else {
		/* the length in base 64 digits ('0' to 'o'), '~', the bytes */
		do {
			bufputc(b, '0' + (int)(n & 63));
			n >>= 6;
		} while (n);
		bufputc(b, '~');
		bufadd(b, t->s ? t->s : "", t->n);
	}
}

size_t
jskeleton(const struct jtmpl *t, struct buf *out)
{
	size_t i, k = 0, ngaps = 1;

	for (i = 0; i < t->src.ntoks; i++) {
		const struct jtoken *tk = &t->src.toks[i];
		if (tk->type == JT_DATA) {
			/* the body's own text, in order of offset: left out */
			while (k < t->body.n && (t->body.v[k]->k != N_DATA ||
			    t->body.v[k]->off < tk->off))
				k++;
			if (k < t->body.n && t->body.v[k]->off == tk->off) {
				k++;
				continue;
			}
		}
		skeltok(out, tk);
	}
	for (i = 0; i < t->body.n; i++)
		ngaps += gapnode(t->body.v[i]);
	return ngaps;
}

size_t
jgaptexts(struct arena *a, const struct jtmpl *t, const char ***texts, size_t **lens)
{
	size_t i, k = 0, n = 1;
	struct buf b = {0};

	for (i = 0; i < t->body.n; i++)
		n += gapnode(t->body.v[i]);
	*texts = arenaalloc(a, n * sizeof(**texts));
	*lens = arenaalloc(a, n * sizeof(**lens));
	for (i = 0; i <= t->body.n; i++) {
		const struct jnode *x = i < t->body.n ? t->body.v[i] : NULL;
		if (x && x->k == N_DATA)
			bufadd(&b, x->val->u.str.s, x->val->u.str.n);
		if (!x || gapnode(x)) {
			char *s = arenaalloc(a, b.len + 1);
			memcpy(s, b.s ? b.s : "", b.len);
			s[b.len] = '\0';
			(*texts)[k] = s;
			(*lens)[k++] = b.len;
			b.len = 0;
		}
	}
	buffree(&b);
	return n;
}

/* Whether name's uses under n (whose parent is up) are all attributes or
 * constant items of allowed names. */
static int
onlyattrs(const struct jnode *n, const struct jnode *up, const char *name,
    const char *const *avoid)
{
	static const char *const methods[] = {"clear", "copy", "fromkeys", "get", "items", "keys",
	    "pop", "popitem", "setdefault", "update", "values", NULL};
	const struct jnl *lists[5];
	const struct jnode *kids[5];
	size_t i, k;

	if (!n)
		return 1;
	if (n->k == N_NAME && n->name && !strcmp(n->name, name)) {
		const char *key = NULL;
		if (up && up->k == N_ATTR && up->a == n)
			key = up->name;
		else if (up && up->k == N_ITEM && up->a == n && up->b && up->b->k == N_CONST &&
		    up->b->val->type == JSTR)
			key = up->b->val->u.str.s;
		if (!key)
			return 0;
		for (i = 0; avoid[i]; i++)
			if (!strcmp(key, avoid[i]))
				return 0;
		for (i = 0; methods[i]; i++)
			if (!strcmp(key, methods[i]))
				return 0;
		return 1;
	}
	kids[0] = n->a;
	kids[1] = n->b;
	kids[2] = n->c;
	kids[3] = n->star;
	kids[4] = n->dstar;
	for (i = 0; i < 5; i++)
		if (!onlyattrs(kids[i], n, name, avoid))
			return 0;
	lists[0] = &n->kids;
	lists[1] = &n->els;
	lists[2] = &n->kw;
	lists[3] = &n->args;
	lists[4] = &n->defs;
	for (i = 0; i < 5; i++)
		for (k = 0; k < lists[i]->n; k++)
			if (!onlyattrs(lists[i]->v[k], n, name, avoid))
				return 0;
	return 1;
}

int
jparamonly(const struct jv *fn, size_t i, const char *const *avoid)
{
	const struct macro *m;
	const struct jnode *n;
	const char *name;
	size_t k;

	if (!fn || fn->type != JFUNC || fn->u.func.fn != callmacro)
		return 0;
	m = fn->u.func.data;
	n = m->n;
	if (n->k != N_MACRO || i >= n->args.n || !(name = n->args.v[i]->name))
		return 0;
	for (k = 0; k < n->kids.n; k++)
		if (!onlyattrs(n->kids.v[k], n, name, avoid))
			return 0;
	for (k = 0; k < n->defs.n; k++)
		if (!onlyattrs(n->defs.v[k], n, name, avoid))
			return 0;
	return 1;
}
