/* jparse.c: the Jinja parser (see jparse.h), recursive descent after
 * Jinja2's parser.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jparse.h"

struct parser {
	struct arena *a;
	struct jsrc *s;
	struct jerr *e;
	size_t i;
	int loops;		/* for loops around here, in this macro */
	jmp_buf fail;
};

static struct jnode *expr(struct parser *);
static struct jnode *unary(struct parser *, int withfilter);
static struct jnode *primary(struct parser *);
static struct jnode *postfix(struct parser *, struct jnode *);
static void body(struct parser *, struct jnl *, const char *const *ends);

static void
perr(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	p->e->src = NULL;
	p->e->off = off;
	va_start(ap, fmt);
	vsnprintf(p->e->msg, sizeof(p->e->msg), fmt, ap);
	va_end(ap);
	longjmp(p->fail, 1);
}

static struct jtoken *
cur(struct parser *p)
{
	return &p->s->toks[p->i];
}

static struct jtoken *
next(struct parser *p)
{
	struct jtoken *t = cur(p);

	if (t->type != JT_EOF)
		p->i++;
	return t;
}

static int
isop(struct parser *p, const char *op)
{
	struct jtoken *t = cur(p);

	return t->type == JT_OP && t->n == strlen(op) && memcmp(t->s, op, t->n) == 0;
}

static int
isname(struct parser *p, const char *name)
{
	struct jtoken *t = cur(p);

	return t->type == JT_NAME && t->n == strlen(name) && memcmp(t->s, name, t->n) == 0;
}

static const char *
desc(struct parser *p, struct jtoken *t)
{
	static char d[64];

	(void)p;
	switch (t->type) {
	case JT_EOF: return "end of template";
	case JT_VEND: return "end of print statement";
	case JT_BEND: return "end of statement block";
	case JT_DATA: return "template data";
	default:
		snprintf(d, sizeof(d), "'%.*s'", t->n > 40 ? 40 : (int)t->n, t->s);
		return d;
	}
}

static void
expectop(struct parser *p, const char *op)
{
	if (!isop(p, op))
		perr(p, cur(p)->off, "expected '%s', got %s", op, desc(p, cur(p)));
	next(p);
}

static void
expect(struct parser *p, enum jtok t, const char *what)
{
	if (cur(p)->type != t)
		perr(p, cur(p)->off, "expected %s, got %s", what, desc(p, cur(p)));
	next(p);
}

static struct jnode *
node(struct parser *p, enum jnk k, size_t off)
{
	struct jnode *n = arenaalloc(p->a, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->k = k;
	n->off = off;
	return n;
}

static void
add(struct parser *p, struct jnl *l, struct jnode *n)
{
	if (l->n == l->cap) {
		struct jnode **v;
		l->cap = l->cap ? l->cap * 2 : 4;
		v = arenaalloc(p->a, l->cap * sizeof(*v));
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
	}
	l->v[l->n++] = n;
}

static const char *
tokname(struct parser *p, struct jtoken *t)
{
	char *s = arenaalloc(p->a, t->n + 1);

	memcpy(s, t->s, t->n);
	s[t->n] = '\0';
	return s;
}

/* Call arguments after '(': positional then keyword, as Jinja2. */
static void
args(struct parser *p, struct jnode *n)
{
	size_t nkw = 0, cap = 0;

	expectop(p, "(");
	while (!isop(p, ")")) {
		if (n->kids.n + n->kw.n > 0 || n->star || n->dstar)
			expectop(p, ",");
		if (isop(p, ")"))
			break;
		if (isop(p, "*")) {
			/* Jinja2: one *args, before any **kwargs */
			if (n->star || n->dstar)
				perr(p, cur(p)->off, "invalid syntax for function call expression");
			next(p);
			n->star = expr(p);
			continue;
		}
		if (isop(p, "**")) {
			if (n->dstar)
				perr(p, cur(p)->off, "invalid syntax for function call expression");
			next(p);
			n->dstar = expr(p);
			continue;
		}
		if (n->dstar)
			perr(p, cur(p)->off, "invalid syntax for function call expression");
		if (cur(p)->type == JT_NAME && p->s->toks[p->i + 1].type == JT_OP &&
		    p->s->toks[p->i + 1].n == 1 && p->s->toks[p->i + 1].s[0] == '=') {
			struct jtoken *t = next(p);
			const char *name = tokname(p, t);
			size_t k;
			for (k = 0; k < nkw; k++)
				if (!strcmp(n->kwnames[k], name))
					perr(p, t->off, "keyword argument repeated: %s", name);
			next(p);
			if (nkw == cap) {
				const char **v;
				cap = cap ? cap * 2 : 4;
				v = arenaalloc(p->a, cap * sizeof(*v));
				if (nkw)
					memcpy(v, n->kwnames, nkw * sizeof(*v));
				n->kwnames = v;
			}
			n->kwnames[nkw++] = name;
			add(p, &n->kw, expr(p));
		} else {
			if (n->kw.n || n->star)
				perr(p, cur(p)->off, "invalid syntax for function call expression");
			add(p, &n->kids, expr(p));
		}
	}
	next(p);
}

/* One filter name and its arguments, applied to x (the '|' is past). */
static struct jnode *
filter1(struct parser *p, struct jnode *x)
{
	struct jtoken *t;
	struct jnode *n;

	t = cur(p);
	expect(p, JT_NAME, "a filter name");
	n = node(p, N_FILTER, t->off);
	n->name = tokname(p, t);
	while (isop(p, ".")) {
		perr(p, cur(p)->off, "unsupported: dotted filter name");
	}
	if (!jhasfilter(n->name))
		perr(p, t->off, "unsupported filter '%s'", n->name);
	n->a = x;
	if (isop(p, "("))
		args(p, n);
	return n;
}

static struct jnode *
filter(struct parser *p, struct jnode *x)
{
	next(p);	/* | */
	return filter1(p, x);
}

static struct jnode *
test(struct parser *p, struct jnode *x)
{
	struct jtoken *t;
	struct jnode *n;

	next(p);	/* is */
	n = node(p, N_TEST, cur(p)->off);
	if (isname(p, "not")) {
		next(p);
		n->neg = 1;
	}
	t = cur(p);
	expect(p, JT_NAME, "a test name");
	n->name = tokname(p, t);
	n->off = t->off;
	if (isop(p, "."))
		perr(p, cur(p)->off, "unsupported: dotted test name");
	if (!jhastest(n->name))
		perr(p, t->off, "unsupported test '%s'", n->name);
	n->a = x;
	t = cur(p);
	if (isop(p, "("))
		args(p, n);
	else if ((t->type == JT_NAME || t->type == JT_STR || t->type == JT_INT ||
	    t->type == JT_FLOAT || isop(p, "[") || isop(p, "{")) &&
	    !isname(p, "else") && !isname(p, "or") && !isname(p, "and")) {
		if (isname(p, "is"))
			perr(p, t->off, "You cannot chain multiple tests with is");
		add(p, &n->kids, postfix(p, primary(p)));
	}
	return n;
}

static struct jnode *
filterexpr(struct parser *p, struct jnode *x)
{
	for (;;) {
		if (isop(p, "|"))
			x = filter(p, x);
		else if (isname(p, "is"))
			x = test(p, x);
		else if (isop(p, "(")) {
			struct jnode *c = node(p, N_CALL, cur(p)->off);
			c->a = x;
			args(p, c);
			x = c;
		} else
			return x;
	}
}

/* The end of one part of a slice. */
static int
sliceend(struct parser *p)
{
	return isop(p, "]") || isop(p, ",");
}

/* parse_subscribed: an expression, or a slice [a]:[b][:[c]]. */
static struct jnode *
subscribed(struct parser *p)
{
	struct jnode *n = node(p, N_SLICE, cur(p)->off), *x = NULL;

	if (!isop(p, ":")) {
		x = expr(p);
		if (!isop(p, ":"))
			return x;
	}
	next(p);	/* : */
	n->a = x;
	if (!isop(p, ":") && !sliceend(p))
		n->b = expr(p);
	if (isop(p, ":")) {
		next(p);
		if (!sliceend(p))
			n->c = expr(p);
	}
	return n;
}

static struct jnode *
postfix(struct parser *p, struct jnode *x)
{
	for (;;) {
		struct jtoken *t = cur(p);
		struct jnode *n;
		if (isop(p, ".")) {
			next(p);
			t = cur(p);
			if (t->type == JT_NAME) {
				n = node(p, N_ATTR, t->off);
				n->name = tokname(p, t);
			} else if (t->type == JT_INT) {
				n = node(p, N_ITEM, t->off);
				n->b = node(p, N_CONST, t->off);
				n->b->val = jvint(p->a, t->i);
			} else
				perr(p, t->off, "expected name or number after '.', got %s", desc(p, t));
			next(p);
			n->a = x;
			x = n;
		} else if (isop(p, "[")) {
			next(p);
			n = node(p, N_ITEM, t->off);
			if (isop(p, "]"))
				perr(p, cur(p)->off, "unsupported: tuple subscripts");
			n->b = subscribed(p);
			if (isop(p, ","))
				perr(p, cur(p)->off, "unsupported: tuple subscripts");
			expectop(p, "]");
			n->a = x;
			x = n;
		} else if (isop(p, "(")) {
			n = node(p, N_CALL, t->off);
			n->a = x;
			args(p, n);
			x = n;
		} else
			return x;
	}
}

/* A name made in the arena. */
static const char *
xasprintfa(struct parser *p, const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(fmt) + strlen(a) + strlen(b);
	char *s = arenaalloc(p->a, n + 1);

	snprintf(s, n + 1, fmt, a, b);
	return s;
}

static struct jnode *
constant(struct parser *p, size_t off, struct jv *v)
{
	struct jnode *n = node(p, N_CONST, off);

	n->val = v;
	return n;
}

static struct jnode *
primary(struct parser *p)
{
	struct jtoken *t = cur(p);
	struct jnode *n;

	switch (t->type) {
	case JT_NAME:
		next(p);
		{
			const char *s = tokname(p, t);
			if (!strcmp(s, "true") || !strcmp(s, "True"))
				return constant(p, t->off, &jvtrue);
			if (!strcmp(s, "false") || !strcmp(s, "False"))
				return constant(p, t->off, &jvfalse);
			if (!strcmp(s, "none") || !strcmp(s, "None"))
				return constant(p, t->off, &jvnone);
			n = node(p, N_NAME, t->off);
			n->name = s;
			return n;
		}
	case JT_STR: {
		struct buf b = {0};
		struct jv *v;
		while (cur(p)->type == JT_STR) {
			bufadd(&b, cur(p)->s, cur(p)->n);
			next(p);
		}
		v = jvstr(p->a, b.s ? b.s : "", b.len);
		buffree(&b);
		return constant(p, t->off, v);
	}
	case JT_INT:
		next(p);
		return constant(p, t->off, jvint(p->a, t->i));
	case JT_FLOAT:
		next(p);
		return constant(p, t->off, jvfloat(p->a, t->f));
	default:
		break;
	}
	if (isop(p, "(")) {
		next(p);
		if (isop(p, ")")) {
			next(p);
			return node(p, N_TUPLE, t->off);
		}
		n = expr(p);
		if (isop(p, ",")) {
			struct jnode *tup = node(p, N_TUPLE, t->off);
			add(p, &tup->kids, n);
			while (isop(p, ",")) {
				next(p);
				if (isop(p, ")"))
					break;
				add(p, &tup->kids, expr(p));
			}
			n = tup;
		}
		expectop(p, ")");
		return n;
	}
	if (isop(p, "[")) {
		next(p);
		n = node(p, N_LIST, t->off);
		while (!isop(p, "]")) {
			if (n->kids.n)
				expectop(p, ",");
			if (isop(p, "]"))
				break;
			add(p, &n->kids, expr(p));
		}
		next(p);
		return n;
	}
	if (isop(p, "{")) {
		next(p);
		n = node(p, N_DICT, t->off);
		while (!isop(p, "}")) {
			if (n->kids.n)
				expectop(p, ",");
			if (isop(p, "}"))
				break;
			add(p, &n->kids, expr(p));
			expectop(p, ":");
			add(p, &n->kids, expr(p));
		}
		next(p);
		return n;
	}
	perr(p, t->off, "unexpected %s", desc(p, t));
	return NULL;
}

static struct jnode *
unary(struct parser *p, int withfilter)
{
	struct jtoken *t = cur(p);
	struct jnode *n;

	if (isop(p, "-") || isop(p, "+")) {
		next(p);
		n = node(p, t->s[0] == '-' ? N_NEG : N_POS, t->off);
		n->a = unary(p, 0);
	} else
		n = primary(p);
	n = postfix(p, n);
	if (withfilter)
		n = filterexpr(p, n);
	return n;
}

static struct jnode *
bin(struct parser *p, size_t off, enum jop op, struct jnode *a, struct jnode *b)
{
	struct jnode *n = node(p, N_BIN, off);

	n->op = op;
	n->a = a;
	n->b = b;
	return n;
}

static struct jnode *
power(struct parser *p)
{
	struct jnode *x = unary(p, 1);

	while (isop(p, "**")) {
		size_t off = next(p)->off;
		x = bin(p, off, OP_POW, x, unary(p, 1));
	}
	return x;
}

static struct jnode *
math2(struct parser *p)
{
	struct jnode *x = power(p);

	for (;;) {
		enum jop op;
		size_t off = cur(p)->off;
		if (isop(p, "*")) op = OP_MUL;
		else if (isop(p, "/")) op = OP_DIV;
		else if (isop(p, "//")) op = OP_FDIV;
		else if (isop(p, "%")) op = OP_MOD;
		else return x;
		next(p);
		x = bin(p, off, op, x, power(p));
	}
}

static struct jnode *
concat(struct parser *p)
{
	struct jnode *x = math2(p);

	while (isop(p, "~")) {
		size_t off = next(p)->off;
		x = bin(p, off, OP_CAT, x, math2(p));
	}
	return x;
}

static struct jnode *
math1(struct parser *p)
{
	struct jnode *x = concat(p);

	for (;;) {
		size_t off = cur(p)->off;
		if (isop(p, "+")) {
			next(p);
			x = bin(p, off, OP_ADD, x, concat(p));
		} else if (isop(p, "-")) {
			next(p);
			x = bin(p, off, OP_SUB, x, concat(p));
		} else
			return x;
	}
}

static struct jnode *
compare(struct parser *p)
{
	struct jnode *x = math1(p), *n = NULL;
	size_t cap = 0;

	for (;;) {
		enum jop op;
		size_t off = cur(p)->off;
		if (isop(p, "==")) op = OP_EQ;
		else if (isop(p, "!=")) op = OP_NE;
		else if (isop(p, "<")) op = OP_LT;
		else if (isop(p, "<=")) op = OP_LE;
		else if (isop(p, ">")) op = OP_GT;
		else if (isop(p, ">=")) op = OP_GE;
		else if (isname(p, "in")) op = OP_IN;
		else if (isname(p, "not") && p->s->toks[p->i + 1].type == JT_NAME &&
		    p->s->toks[p->i + 1].n == 2 && !memcmp(p->s->toks[p->i + 1].s, "in", 2)) {
			next(p);
			op = OP_NOTIN;
		} else
			return n ? n : x;
		next(p);
		if (!n) {
			n = node(p, N_CMP, off);
			add(p, &n->kids, x);
		}
		if (n->kids.n > cap) {
			enum jop *v;
			cap = cap ? cap * 2 : 4;
			v = arenaalloc(p->a, cap * sizeof(*v));
			if (n->kids.n > 1)
				memcpy(v, n->ops, (n->kids.n - 1) * sizeof(*v));
			n->ops = v;
		}
		n->ops[n->kids.n - 1] = op;
		add(p, &n->kids, math1(p));
	}
}

static struct jnode *
notexpr(struct parser *p)
{
	if (isname(p, "not")) {
		struct jnode *n = node(p, N_NOT, next(p)->off);
		n->a = notexpr(p);
		return n;
	}
	return compare(p);
}

/* A left-associative chain of the keyword word over operands of sub. */
static struct jnode *
chain(struct parser *p, const char *word, int kind, struct jnode *(*sub)(struct parser *))
{
	struct jnode *x = sub(p);

	while (isname(p, word)) {
		struct jnode *n = node(p, kind, next(p)->off);
		n->a = x;
		n->b = sub(p);
		x = n;
	}
	return x;
}

static struct jnode *
andexpr(struct parser *p)
{
	return chain(p, "and", N_AND, notexpr);
}

static struct jnode *
orexpr(struct parser *p)
{
	return chain(p, "or", N_OR, andexpr);
}

/* parse_expression with a conditional expression */
static struct jnode *
expr(struct parser *p)
{
	struct jnode *x = orexpr(p);

	while (isname(p, "if")) {
		struct jnode *n = node(p, N_COND, next(p)->off);
		n->a = x;
		n->b = orexpr(p);
		if (isname(p, "else")) {
			next(p);
			n->c = expr(p);
		}
		x = n;
	}
	return x;
}

/* parse_tuple: a bare comma list is a tuple. */
static struct jnode *
tuple(struct parser *p, int condexpr)
{
	size_t off = cur(p)->off;
	struct jnode *x = condexpr ? expr(p) : orexpr(p), *t;

	if (!isop(p, ","))
		return x;
	t = node(p, N_TUPLE, off);
	add(p, &t->kids, x);
	while (isop(p, ",")) {
		next(p);
		if (cur(p)->type == JT_VEND || cur(p)->type == JT_BEND ||
		    isname(p, "in") || isop(p, ")"))
			break;
		add(p, &t->kids, condexpr ? expr(p) : orexpr(p));
	}
	return t;
}

static struct jnode *
nametarget(struct parser *p)
{
	struct jtoken *t = cur(p);
	struct jnode *n;

	expect(p, JT_NAME, "a name to assign to");
	n = node(p, N_NAME, t->off);
	n->name = tokname(p, t);
	if (!strcmp(n->name, "true") || !strcmp(n->name, "false") ||
	    !strcmp(n->name, "none") || !strcmp(n->name, "True") ||
	    !strcmp(n->name, "False") || !strcmp(n->name, "None"))
		perr(p, t->off, "can't assign to %s", n->name);
	return n;
}

/* An assignment target; withns: set's ns.attr (Jinja2's NSRef). */
static struct jnode *
target(struct parser *p, int withns)
{
	size_t off = cur(p)->off;
	struct jnode *x, *t;

	if (isop(p, "("))
		perr(p, off, "unsupported: parenthesized assignment target");
	if (withns && cur(p)->type == JT_NAME && p->s->toks[p->i + 1].type == JT_OP &&
	    p->s->toks[p->i + 1].n == 1 && p->s->toks[p->i + 1].s[0] == '.') {
		struct jtoken *ns = next(p), *attr;
		next(p);	/* . */
		attr = cur(p);
		expect(p, JT_NAME, "a name");
		t = node(p, N_ATTR, attr->off);
		t->name = tokname(p, attr);
		t->a = node(p, N_NAME, ns->off);
		t->a->name = tokname(p, ns);
		return t;
	}
	x = nametarget(p);
	if (!isop(p, ","))
		return x;
	t = node(p, N_TUPLE, off);
	add(p, &t->kids, x);
	while (isop(p, ",")) {
		next(p);
		if (!(cur(p)->type == JT_NAME) || isname(p, "in"))
			break;
		add(p, &t->kids, nametarget(p));
	}
	return t;
}

static int
atend(struct parser *p, const char *const *ends)
{
	struct jtoken *t = cur(p), *u = &p->s->toks[p->i + 1];
	size_t i;

	if (t->type != JT_BBEGIN || u->type != JT_NAME)
		return 0;
	for (i = 0; ends && ends[i]; i++)
		if (u->n == strlen(ends[i]) && !memcmp(u->s, ends[i], u->n))
			return 1;
	return 0;
}

static void
endtag(struct parser *p)
{
	expect(p, JT_BEND, "end of statement block");
}

/* The end of a statement that a body follows: Jinja2's parse_statements
 * takes one ':' before it, "for python compatibility". */
static void
headtag(struct parser *p)
{
	if (isop(p, ":"))
		next(p);
	endtag(p);
}

static struct jnode *
ifstmt(struct parser *p, size_t off)
{
	static const char *const ends[] = {"elif", "else", "endif", NULL};
	struct jnode *n = node(p, N_IF, off);

	n->a = tuple(p, 0);
	headtag(p);
	body(p, &n->kids, ends);
	next(p);	/* {% */
	if (isname(p, "elif")) {
		size_t o = next(p)->off;
		struct jnode *e = ifstmt(p, o);
		e->neg = 1;
		add(p, &n->els, e);
		return n;
	}
	if (isname(p, "else")) {
		static const char *const endif[] = {"endif", NULL};
		next(p);
		headtag(p);
		body(p, &n->els, endif);
		next(p);
	}
	next(p);	/* endif */
	endtag(p);
	return n;
}

static struct jnode *
forstmt(struct parser *p, size_t off)
{
	static const char *const ends[] = {"endfor", "else", NULL};
	static const char *const endfor[] = {"endfor", NULL};
	struct jnode *n = node(p, N_FOR, off);

	n->a = target(p, 0);
	if (!isname(p, "in"))
		perr(p, cur(p)->off, "expected 'in', got %s", desc(p, cur(p)));
	next(p);
	n->b = tuple(p, 0);
	if (isname(p, "if")) {
		next(p);
		n->c = expr(p);
	}
	if (isname(p, "recursive"))
		perr(p, cur(p)->off, "unsupported: recursive for loops");
	headtag(p);
	p->loops++;
	body(p, &n->kids, ends);
	p->loops--;
	next(p);
	if (isname(p, "else")) {
		next(p);
		headtag(p);
		body(p, &n->els, endfor);
		next(p);
	}
	next(p);
	endtag(p);
	return n;
}

static struct jnode *
setstmt(struct parser *p, size_t off)
{
	static const char *const ends[] = {"endset", NULL};
	struct jnode *n, *t = target(p, 1);

	if (isop(p, "=")) {
		next(p);
		n = node(p, N_SET, off);
		n->a = t;
		n->b = tuple(p, 1);
		endtag(p);
		return n;
	}
	if (t->k == N_TUPLE)
		perr(p, cur(p)->off, "expected '=', got %s", desc(p, cur(p)));
	if (isop(p, "|"))
		perr(p, cur(p)->off, "unsupported: a filter on a block set");
	headtag(p);
	n = node(p, N_SETBLOCK, off);
	n->a = t;
	body(p, &n->kids, ends);
	next(p);
	next(p);
	endtag(p);
	return n;
}

/* parse_signature: (a, b=default, ...) into n's args and defs. */
static void
signature(struct parser *p, struct jnode *n)
{
	size_t i;

	expectop(p, "(");
	while (!isop(p, ")")) {
		struct jnode *a;
		if (n->args.n)
			expectop(p, ",");
		a = nametarget(p);
		for (i = 0; i < n->args.n; i++)
			if (!strcmp(n->args.v[i]->name, a->name))
				perr(p, a->off, "duplicate argument '%s' in a signature", a->name);
		if (isop(p, "=")) {
			next(p);
			add(p, &n->defs, expr(p));
		} else if (n->defs.n)
			perr(p, a->off, "non-default argument follows default argument");
		add(p, &n->args, a);
	}
	next(p);
}

/* A body up to {% end %} (inclusive), outside any loop of ours. */
static void
blockbody(struct parser *p, struct jnl *l, const char *end, int inloop)
{
	const char *ends[2];
	int loops = p->loops;

	ends[0] = end;
	ends[1] = NULL;
	if (!inloop)
		p->loops = 0;
	body(p, l, ends);
	p->loops = loops;
	next(p);	/* {% */
	next(p);	/* end */
	endtag(p);
}

static struct jnode *
macrostmt(struct parser *p, size_t off, const char *prefix, const char *end)
{
	struct jnode *n = node(p, N_MACRO, off), *name = nametarget(p);

	n->name = xasprintfa(p, "%s%s", prefix, name->name);
	signature(p, n);
	headtag(p);
	blockbody(p, &n->kids, end, 0);
	return n;
}

/* dbt's {% materialization name[, default][, adapter='x']
 * [, supported_languages=[...]] %} */
static struct jnode *
matstmt(struct parser *p, size_t off)
{
	struct jnode *n = node(p, N_MACRO, off), *name = nametarget(p), *t, *v;
	const char *adapter = "default";
	size_t i;

	while (isop(p, ",")) {
		next(p);
		t = nametarget(p);
		if (!strcmp(t->name, "default"))
			continue;
		if (!strcmp(t->name, "adapter")) {
			expectop(p, "=");
			v = expr(p);
			if (v->k != N_CONST || v->val->type != JSTR)
				perr(p, v->off, "unsupported: a materialization's adapter that is not a string");
			adapter = v->val->u.str.s;
		} else if (!strcmp(t->name, "supported_languages")) {
			expectop(p, "=");
			add(p, &n->args, t);
			add(p, &n->defs, expr(p));
		} else
			perr(p, t->off, "unsupported: materialization argument '%s'", t->name);
	}
	for (i = 0; i < n->args.n; i++)
		if (!strcmp(n->args.v[i]->name, "supported_languages"))
			break;
	if (i == n->args.n) {
		t = node(p, N_NAME, off);
		t->name = "supported_languages";
		add(p, &n->args, t);
		v = node(p, N_LIST, off);
		add(p, &v->kids, constant(p, off, jvstr(p->a, "sql", 3)));
		add(p, &n->defs, v);
	}
	n->name = xasprintfa(p, "materialization_%s_%s", name->name, adapter);
	headtag(p);
	blockbody(p, &n->kids, "endmaterialization", 0);
	return n;
}

static struct jnode *
callstmt(struct parser *p, size_t off)
{
	struct jnode *n = node(p, N_CALLBLOCK, off);

	if (isop(p, "("))
		signature(p, n);
	n->a = expr(p);
	if (n->a->k != N_CALL)
		perr(p, off, "expected call");
	headtag(p);
	blockbody(p, &n->kids, "endcall", 0);
	return n;
}

static struct jnode *
filterstmt(struct parser *p, size_t off)
{
	struct jnode *n = node(p, N_FILTERBLOCK, off);

	n->a = filter1(p, NULL);
	while (isop(p, "|"))
		n->a = filter(p, n->a);
	headtag(p);
	blockbody(p, &n->kids, "endfilter", 1);
	return n;
}

static struct jnode *
loopctl(struct parser *p, struct jtoken *t)
{
	struct jnode *n = node(p, t->s[0] == 'b' ? N_BREAK : N_CONTINUE, t->off);

	if (!p->loops)
		perr(p, t->off, "'%.*s' outside loop", (int)t->n, t->s);
	endtag(p);
	return n;
}

static int
word(struct jtoken *t, const char *w)
{
	return t->n == strlen(w) && !memcmp(t->s, w, t->n);
}

static struct jnode *
statement(struct parser *p)
{
	struct jtoken *t;

	next(p);	/* {% */
	t = cur(p);
	if (t->type != JT_NAME)
		perr(p, t->off, "expected a statement name, got %s", desc(p, t));
	next(p);
	if (t->n == 2 && !memcmp(t->s, "if", 2))
		return ifstmt(p, t->off);
	if (t->n == 3 && !memcmp(t->s, "for", 3))
		return forstmt(p, t->off);
	if (t->n == 3 && !memcmp(t->s, "set", 3))
		return setstmt(p, t->off);
	if (word(t, "macro"))
		return macrostmt(p, t->off, "", "endmacro");
	if (word(t, "test"))
		return macrostmt(p, t->off, "test_", "endtest");
	if (word(t, "materialization"))
		return matstmt(p, t->off);
	if (word(t, "call"))
		return callstmt(p, t->off);
	if (word(t, "filter"))
		return filterstmt(p, t->off);
	if (word(t, "break") || word(t, "continue"))
		return loopctl(p, t);
	if (word(t, "do")) {
		struct jnode *n = node(p, N_DO, t->off);
		n->a = tuple(p, 1);
		endtag(p);
		return n;
	}
	perr(p, t->off, "unsupported statement '%.*s'", (int)t->n, t->s);
	return NULL;
}

static void
body(struct parser *p, struct jnl *l, const char *const *ends)
{
	for (;;) {
		struct jtoken *t = cur(p);
		struct jnode *n;
		if (t->type == JT_EOF) {
			if (ends)
				perr(p, t->off, "unexpected end of template, expected '%s'", ends[0]);
			return;
		}
		if (t->type == JT_DATA) {
			n = node(p, N_DATA, t->off);
			n->val = jvstr(p->a, t->s, t->n);
			next(p);
		} else if (t->type == JT_VBEGIN) {
			next(p);
			n = node(p, N_OUTPUT, t->off);
			n->a = tuple(p, 1);
			expect(p, JT_VEND, "end of print statement");
		} else {
			if (atend(p, ends))
				return;
			if (p->s->toks[p->i + 1].type == JT_NAME) {
				struct jtoken *u = &p->s->toks[p->i + 1];
				static const char *const stray[] = {"elif", "else",
				    "endif", "endfor", "endset", "endmacro", "endcall",
				    "endfilter", "endtest", "endmaterialization", NULL};
				size_t i;
				for (i = 0; stray[i]; i++)
					if (u->n == strlen(stray[i]) && !memcmp(u->s, stray[i], u->n))
						perr(p, u->off, "unexpected '%s'", stray[i]);
			}
			n = statement(p);
		}
		add(p, l, n);
	}
}

/* ---- frames, as Jinja2's idtracking sees them ----
 *
 * A frame's symbols: each name it refers to, with how Jinja2 would load
 * it at the frame's start (resolved outward, undefined until stored,
 * aliased to an enclosing frame's, a parameter), and the names it
 * stores. */

enum { K_RESOLVE = 1, K_UNDEF, K_ALIAS, K_PARAM };

struct sym {
	const char *name;
	int kind;
};

struct syms {
	struct sym *v;
	size_t n, cap;
	const char **st;	/* stores */
	size_t nst, stcap;
	const struct syms *parent;
};

static struct sym *
symfind(const struct syms *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static int
symref(const struct syms *s, const char *name)
{
	for (; s; s = s->parent)
		if (symfind(s, name))
			return 1;
	return 0;
}

static int
stored(const struct syms *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nst; i++)
		if (!strcmp(s->st[i], name))
			return 1;
	return 0;
}

static void
symset(struct parser *p, struct syms *s, const char *name, int kind)
{
	struct sym *y = symfind(s, name);

	if (!y) {
		if (s->n == s->cap) {
			struct sym *v;
			s->cap = s->cap ? s->cap * 2 : 8;
			v = arenaalloc(p->a, s->cap * sizeof(*v));
			if (s->n)
				memcpy(v, s->v, s->n * sizeof(*v));
			s->v = v;
		}
		y = &s->v[s->n++];
		y->name = name;
	}
	y->kind = kind;
}

static void
symstore1(struct parser *p, struct syms *s, const char *name)
{
	if (stored(s, name))
		return;
	if (s->nst == s->stcap) {
		const char **v;
		s->stcap = s->stcap ? s->stcap * 2 : 8;
		v = arenaalloc(p->a, s->stcap * sizeof(*v));
		if (s->nst)
			memcpy(v, s->st, s->nst * sizeof(*v));
		s->st = v;
	}
	s->st[s->nst++] = name;
}

static void
symload(struct parser *p, struct syms *s, const char *name)
{
	if (!symref(s, name))
		symset(p, s, name, K_RESOLVE);
}

static void
symstore(struct parser *p, struct syms *s, const char *name)
{
	symstore1(p, s, name);
	if (!symfind(s, name))
		symset(p, s, name, symref(s->parent, name) ? K_ALIAS : K_UNDEF);
}

static void
symparam(struct parser *p, struct syms *s, const char *name)
{
	symstore1(p, s, name);
	symset(p, s, name, K_PARAM);
}

static struct syms
symcopy(struct parser *p, const struct syms *s)
{
	struct syms c = *s;

	c.v = arenaalloc(p->a, (s->cap + 1) * sizeof(*c.v));
	if (s->n)
		memcpy(c.v, s->v, s->n * sizeof(*c.v));
	c.st = arenaalloc(p->a, (s->stcap + 1) * sizeof(*c.st));
	if (s->nst)
		memcpy(c.st, s->st, s->nst * sizeof(*c.st));
	return c;
}

static void
symexpr(struct parser *p, struct syms *s, const struct jnode *n)
{
	size_t i;

	if (!n)
		return;
	if (n->k == N_NAME)
		symload(p, s, n->name);
	symexpr(p, s, n->a);
	symexpr(p, s, n->b);
	symexpr(p, s, n->c);
	for (i = 0; i < n->kids.n; i++)
		symexpr(p, s, n->kids.v[i]);
	for (i = 0; i < n->kw.n; i++)
		symexpr(p, s, n->kw.v[i]);
	symexpr(p, s, n->star);
	symexpr(p, s, n->dstar);
}

static void
symtarget(struct parser *p, struct syms *s, const struct jnode *t)
{
	size_t i;

	if (t->k == N_NAME)
		symstore(p, s, t->name);
	else if (t->k == N_ATTR)
		symload(p, s, t->a->name);	/* NSRef */
	else
		for (i = 0; i < t->kids.n; i++)
			symtarget(p, s, t->kids.v[i]);
}

static void
symparams(struct parser *p, struct syms *s, const struct jnode *t)
{
	size_t i;

	if (t->k == N_NAME)
		symparam(p, s, t->name);
	for (i = 0; i < t->kids.n; i++)
		symparams(p, s, t->kids.v[i]);
}

static void symstmts(struct parser *, struct syms *, const struct jnl *);

/* branch_update (Jinja2 3.1.6): what any branch of an if stores anew is
 * loaded as from outside (resolved, or an enclosing frame's). */
static void
symmerge(struct parser *p, struct syms *s, struct syms *br)
{
	size_t b, i;

	for (b = 0; b < 3; b++) {
		for (i = 0; i < br[b].n; i++)
			symset(p, s, br[b].v[i].name, br[b].v[i].kind);
	}
	for (b = 0; b < 3; b++)
		for (i = 0; i < br[b].nst; i++)
			if (!stored(s, br[b].st[i]))
				symset(p, s, br[b].st[i], symref(s->parent, br[b].st[i]) ? K_ALIAS : K_RESOLVE);
	for (b = 0; b < 3; b++)
		for (i = 0; i < br[b].nst; i++)
			symstore1(p, s, br[b].st[i]);
}

/* visit_If over Jinja2's shape: body, the elif chain, the final else. */
static void
symif(struct parser *p, struct syms *s, const struct jnode *n, int flat)
{
	struct syms br[3];
	const struct jnode *e = n;

	symexpr(p, s, n->a);
	br[0] = symcopy(p, s);
	symstmts(p, &br[0], &n->kids);
	br[1] = symcopy(p, s);
	br[2] = symcopy(p, s);
	if (!flat) {
		while (e->els.n == 1 && e->els.v[0]->k == N_IF && e->els.v[0]->neg) {
			e = e->els.v[0];
			symif(p, &br[1], e, 1);
		}
		symstmts(p, &br[2], &e->els);
	}
	symmerge(p, s, br);
}

/* FrameSymbolVisitor over one statement of a frame. */
static void
symstmt(struct parser *p, struct syms *s, const struct jnode *n)
{
	switch (n->k) {
	case N_OUTPUT: case N_DO:
		symexpr(p, s, n->a);
		break;
	case N_IF:
		symif(p, s, n, 0);
		break;
	case N_FOR:
		symexpr(p, s, n->b);
		break;
	case N_SET:
		symexpr(p, s, n->b);
		symtarget(p, s, n->a);
		break;
	case N_SETBLOCK:
		symtarget(p, s, n->a);
		break;
	case N_MACRO:
		symstore(p, s, n->name);
		break;
	case N_CALLBLOCK: case N_FILTERBLOCK:
		symexpr(p, s, n->a);
		break;
	default:
		break;
	}
}

static void
symstmts(struct parser *p, struct syms *s, const struct jnl *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		symstmt(p, s, l->v[i]);
}

static void frame(struct parser *, const struct syms *, struct jnode *, int);

/* The frames inside l's statements, whose parent frame is s. */
static void
subframes(struct parser *p, const struct syms *s, const struct jnl *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct jnode *n = l->v[i];
		switch (n->k) {
		case N_IF:
			subframes(p, s, &n->kids);
			subframes(p, s, &n->els);
			break;
		case N_FOR:
			frame(p, s, n, 0);
			frame(p, s, n, 1);
			break;
		case N_MACRO: case N_CALLBLOCK: case N_FILTERBLOCK: case N_SETBLOCK:
			frame(p, s, n, 0);
			break;
		default:
			break;
		}
	}
}

/* Begin l with an N_MARK of the names s leaves undefined until stored. */
static void
mark(struct parser *p, const struct syms *s, struct jnl *l, size_t off)
{
	struct jnode *m;
	size_t i, k = 0;

	for (i = 0; i < s->n; i++)
		k += s->v[i].kind == K_UNDEF;
	if (!k)
		return;
	m = node(p, N_MARK, off);
	m->names = arenaalloc(p->a, k * sizeof(*m->names));
	for (i = 0; i < s->n; i++)
		if (s->v[i].kind == K_UNDEF)
			m->names[m->nnames++] = s->v[i].name;
	add(p, l, m);
	memmove(l->v + 1, l->v, (l->n - 1) * sizeof(*l->v));
	l->v[0] = m;
}

/* UndeclaredNameVisitor: which of caller, kwargs and varargs a body
 * loads before anything else binds them, in Jinja2's field order. */
struct undecl {
	int names, found;
};

static int
special(const char *name)
{
	if (!strcmp(name, "caller")) return JS_CALLER;
	if (!strcmp(name, "kwargs")) return JS_KWARGS;
	if (!strcmp(name, "varargs")) return JS_VARARGS;
	return 0;
}

static void
ubind(struct undecl *u, const struct jnode *t)
{
	size_t i;

	if (t->k == N_NAME)
		u->names &= ~special(t->name);
	for (i = 0; i < t->kids.n; i++)
		ubind(u, t->kids.v[i]);
}

static void undstmts(struct undecl *, const struct jnl *);

static void
undexpr(struct undecl *u, const struct jnode *n)
{
	size_t i;

	if (!n)
		return;
	if (n->k == N_NAME && (u->names & special(n->name)))
		u->found |= special(n->name);
	undexpr(u, n->a);
	undexpr(u, n->b);
	undexpr(u, n->c);
	for (i = 0; i < n->kids.n; i++)
		undexpr(u, n->kids.v[i]);
	for (i = 0; i < n->kw.n; i++)
		undexpr(u, n->kw.v[i]);
	undexpr(u, n->star);
	undexpr(u, n->dstar);
}

static void
undsig(struct undecl *u, const struct jnode *n)
{
	size_t i;

	for (i = 0; i < n->args.n; i++)
		ubind(u, n->args.v[i]);
	for (i = 0; i < n->defs.n; i++)
		undexpr(u, n->defs.v[i]);
}

static void
undstmt(struct undecl *u, const struct jnode *n)
{
	switch (n->k) {
	case N_OUTPUT: case N_DO:
		undexpr(u, n->a);
		break;
	case N_IF:
		undexpr(u, n->a);
		undstmts(u, &n->kids);
		undstmts(u, &n->els);
		break;
	case N_FOR:
		ubind(u, n->a);
		undexpr(u, n->b);
		undstmts(u, &n->kids);
		undstmts(u, &n->els);
		undexpr(u, n->c);
		break;
	case N_SET:
		if (n->a->k != N_ATTR)
			ubind(u, n->a);
		undexpr(u, n->b);
		break;
	case N_SETBLOCK:
		if (n->a->k != N_ATTR)
			ubind(u, n->a);
		undstmts(u, &n->kids);
		break;
	case N_MACRO:
		undsig(u, n);
		undstmts(u, &n->kids);
		break;
	case N_CALLBLOCK:
		undexpr(u, n->a);
		undsig(u, n);
		undstmts(u, &n->kids);
		break;
	case N_FILTERBLOCK:
		undstmts(u, &n->kids);
		undexpr(u, n->a);
		break;
	default:
		break;
	}
}

static void
undstmts(struct undecl *u, const struct jnl *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		undstmt(u, l->v[i]);
}

/* macro_body: the special parameters a macro or caller takes. */
static void
specials(struct parser *p, struct jnode *n)
{
	struct undecl u = {JS_CALLER | JS_KWARGS | JS_VARARGS, 0};
	size_t i;

	undstmts(&u, &n->kids);
	for (i = 0; i < n->args.n; i++) {
		int sp = special(n->args.v[i]->name);
		if (sp == JS_CALLER && (u.found & JS_CALLER) &&
		    i < n->args.n - n->defs.n)
			perr(p, n->off, "When defining macros or call blocks the special \"caller\" argument must be omitted or be given a default.");
		u.found &= ~sp;
	}
	n->special = u.found;
}

/* Analyse the frame of n (else: a for loop's else) whose parent is up. */
static void
frame(struct parser *p, const struct syms *up, struct jnode *n, int els)
{
	struct syms s;
	struct jnl *body = els ? &n->els : &n->kids;
	size_t i;

	memset(&s, 0, sizeof(s));
	s.parent = up;
	switch (n->k) {
	case N_FOR:
		if (!els)
			symparams(p, &s, n->a);
		break;
	case N_MACRO: case N_CALLBLOCK:
		specials(p, n);
		for (i = 0; i < n->args.n; i++)
			symparam(p, &s, n->args.v[i]->name);
		for (i = 0; i < n->defs.n; i++)
			symexpr(p, &s, n->defs.v[i]);
		if (n->special & JS_CALLER) symparam(p, &s, "caller");
		if (n->special & JS_KWARGS) symparam(p, &s, "kwargs");
		if (n->special & JS_VARARGS) symparam(p, &s, "varargs");
		break;
	default:
		break;
	}
	symstmts(p, &s, body);
	if (n->k == N_FILTERBLOCK)
		symexpr(p, &s, n->a);
	subframes(p, &s, body);
	mark(p, &s, body, n->off);
}

int
jparse(struct arena *a, struct jsrc *s, struct jnl *out, struct jerr *e)
{
	struct parser p;

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.s = s;
	p.e = e;
	memset(out, 0, sizeof(*out));
	if (setjmp(p.fail))
		return -1;
	body(&p, out, NULL);
	{
		struct jnode root;
		memset(&root, 0, sizeof(root));
		root.k = N_DATA;
		root.kids = *out;
		frame(&p, NULL, &root, 0);
		*out = root.kids;
	}
	return 0;
}
