/* jparse.h: the Jinja parser: tokens to an AST, with Jinja2's grammar.
 *
 * Statements: output {{ }}, if/elif/else, for (tuple targets, an 'if'
 * filter, else), set (name or tuple targets) and block set. Expressions,
 * loosest first: x if c else y; or; and; not; comparisons (chained as
 * Python's) with in and not in; + -; ~; * / // %; ** (left-associative,
 * as Jinja2's); unary - +; then postfix .name .0 [x] (call), and filters
 * |f(args) and tests 'is [not] t [arg]' binding to the unary expression.
 * Literals: strings, ints, floats, lists, tuples, dicts, true/false/none
 * in both cases. Anything else (macro, call, include, raw, slices,
 * *args, filters and tests not in jeval's table, ...) is refused with its
 * position. Nodes live in the arena. */
#ifndef JPARSE_H
#define JPARSE_H

#include "jlex.h"
#include "jvalue.h"

enum jnk {
	N_DATA, N_OUTPUT, N_IF, N_FOR, N_SET, N_SETBLOCK,
	N_CONST, N_NAME, N_LIST, N_TUPLE, N_DICT, N_BIN, N_NOT, N_NEG, N_POS,
	N_AND, N_OR, N_CMP, N_ATTR, N_ITEM, N_CALL, N_FILTER, N_TEST, N_COND
};

/* N_BIN and N_CMP operators. */
enum jop {
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_FDIV, OP_MOD, OP_POW, OP_CAT,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_NOTIN
};

struct jnode;
struct jnl {
	struct jnode **v;
	size_t n, cap;
};

struct jnode {
	enum jnk k;
	size_t off;
	enum jop op;
	const char *name;	/* N_NAME, N_ATTR, N_FILTER, N_TEST (NUL-ended) */
	int neg;		/* N_TEST: is not */
	struct jv *val;		/* N_DATA, N_CONST */
	struct jnode *a, *b, *c; /* operands; N_FOR: target a, iter b, cond c */
	struct jnl kids;	/* list/tuple items, dict k,v pairs, call args,
				   N_CMP operands, N_IF/N_FOR/N_SETBLOCK body */
	struct jnl els;		/* N_IF/N_FOR else */
	enum jop *ops;		/* N_CMP: ops[i] between kids i and i+1 */
	const char **kwnames;	/* call/filter/test keyword arguments */
	struct jnl kw;
};

/* Parse s into *body. Returns 0, or -1 with *e set. */
int jparse(struct arena *, struct jsrc *s, struct jnl *body, struct jerr *e);

/* Whether jeval has the filter or test (jeval.c). */
int jhasfilter(const char *name);
int jhastest(const char *name);

#endif
