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
		if (n->kids.n + n->kw.n > 0)
			expectop(p, ",");
		if (isop(p, ")"))
			break;
		if (isop(p, "*") || isop(p, "**"))
			perr(p, cur(p)->off, "unsupported: *args and **kwargs in a call");
		if (cur(p)->type == JT_NAME && p->s->toks[p->i + 1].type == JT_OP &&
		    p->s->toks[p->i + 1].n == 1 && p->s->toks[p->i + 1].s[0] == '=') {
			const char *name = tokname(p, next(p));
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
			if (n->kw.n)
				perr(p, cur(p)->off, "invalid syntax for function call expression");
			add(p, &n->kids, expr(p));
		}
	}
	next(p);
}

static struct jnode *
filter(struct parser *p, struct jnode *x)
{
	struct jtoken *t;
	struct jnode *n;

	next(p);	/* | */
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
			if (isop(p, ":"))
				perr(p, cur(p)->off, "unsupported: slices");
			n->b = expr(p);
			if (isop(p, ":") || isop(p, ","))
				perr(p, cur(p)->off, "unsupported: slices and tuple subscripts");
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

static struct jnode *
target(struct parser *p)
{
	size_t off = cur(p)->off;
	struct jnode *x, *t;

	if (isop(p, "("))
		perr(p, off, "unsupported: parenthesized assignment target");
	x = nametarget(p);
	if (isop(p, "."))
		perr(p, cur(p)->off, "unsupported: namespace attribute assignment");
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

static struct jnode *
ifstmt(struct parser *p, size_t off)
{
	static const char *const ends[] = {"elif", "else", "endif", NULL};
	struct jnode *n = node(p, N_IF, off);

	n->a = tuple(p, 0);
	endtag(p);
	body(p, &n->kids, ends);
	next(p);	/* {% */
	if (isname(p, "elif")) {
		size_t o = next(p)->off;
		add(p, &n->els, ifstmt(p, o));
		return n;
	}
	if (isname(p, "else")) {
		static const char *const endif[] = {"endif", NULL};
		next(p);
		endtag(p);
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

	n->a = target(p);
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
	endtag(p);
	body(p, &n->kids, ends);
	next(p);
	if (isname(p, "else")) {
		next(p);
		endtag(p);
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
	struct jnode *n, *t = target(p);

	if (isop(p, "=")) {
		next(p);
		n = node(p, N_SET, off);
		n->a = t;
		n->b = tuple(p, 1);
		endtag(p);
		return n;
	}
	if (t->k != N_NAME)
		perr(p, cur(p)->off, "expected '=', got %s", desc(p, cur(p)));
	if (isop(p, "|"))
		perr(p, cur(p)->off, "unsupported: a filter on a block set");
	endtag(p);
	n = node(p, N_SETBLOCK, off);
	n->a = t;
	body(p, &n->kids, ends);
	next(p);
	next(p);
	endtag(p);
	return n;
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
				    "endif", "endfor", "endset", NULL};
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
	return 0;
}
