/* jparse.h: the Jinja parser: tokens to an AST, with Jinja2's grammar.
 *
 * Statements: output {{ }}, if/elif/else, for (tuple targets, an 'if'
 * filter, else), set (name, tuple or namespace attribute targets) and
 * block set, macro, call (with a caller signature), filter blocks, do,
 * break and continue (inside a loop of the same macro only), and dbt's
 * block tags: {% test name(args) %} is a macro named test_name and
 * {% materialization name[, default][, adapter='x']
 * [, supported_languages=...] %} one named materialization_name_x
 * (x 'default' by default) with a parameter supported_languages whose
 * default is ['sql']. Expressions,
 * loosest first: x if c else y; or; and; not; comparisons (chained as
 * Python's) with in and not in; + -; ~; * / // %; ** (left-associative,
 * as Jinja2's); unary - +; then postfix .name .0 [x] (call), and filters
 * |f(args) and tests 'is [not] t [arg]' binding to the unary expression.
 * Subscripts take Python's slices x[a:b:c]. Literals: strings, ints,
 * floats, lists, tuples, dicts, true/false/none in both cases. Anything
 * else (include, import, extends, block, with, recursive loops, docs
 * blocks, tuple subscripts, *args, filters and tests not in jeval's
 * table, ...) is refused with its position. Nodes live in the arena.
 *
 * After parsing, each frame (the template, a macro's or caller's body, a
 * for loop's body and else, a filter or block set's body) is analysed as
 * Jinja2's idtracking does: a name the frame first stores unconditionally,
 * that no enclosing frame refers to, is undefined in that frame until it
 * is stored (not looked up further out); the frame's body then begins
 * with an N_MARK naming them. A macro's or caller's special parameters
 * (caller, kwargs, varargs) are found as Jinja2's compiler finds them. */
#ifndef JPARSE_H
#define JPARSE_H

#include "jlex.h"
#include "jvalue.h"

enum jnk {
	N_DATA, N_OUTPUT, N_IF, N_FOR, N_SET, N_SETBLOCK,
	N_CONST, N_NAME, N_LIST, N_TUPLE, N_DICT, N_BIN, N_NOT, N_NEG, N_POS,
	N_AND, N_OR, N_CMP, N_ATTR, N_ITEM, N_CALL, N_FILTER, N_TEST, N_COND,
	N_MACRO, N_CALLBLOCK, N_FILTERBLOCK, N_DO, N_BREAK, N_CONTINUE,
	N_SLICE, N_MARK
};

/* N_MACRO and N_CALLBLOCK: the special parameters the body uses. */
enum { JS_CALLER = 1, JS_KWARGS = 2, JS_VARARGS = 4 };

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
	const char *name;	/* N_NAME, N_ATTR, N_FILTER, N_TEST, N_MACRO
				   (the name it binds; NULL for a caller) */
	int neg;		/* N_TEST: is not; N_IF: made by an elif */
	struct jv *val;		/* N_DATA, N_CONST */
	struct jnode *a, *b, *c; /* operands; N_FOR: target a, iter b, cond c;
				   N_SET/N_SETBLOCK: target a (N_NAME, N_TUPLE,
				   or N_ATTR of an N_NAME: a namespace's);
				   N_ITEM: b may be an N_SLICE of a:b:c (NULL
				   for an omitted part); N_CALLBLOCK: the call a;
				   N_FILTERBLOCK: the filter chain a, whose
				   innermost N_FILTER has a NULL operand; N_DO:
				   the expression a */
	struct jnl kids;	/* list/tuple items, dict k,v pairs, call args,
				   N_CMP operands, N_IF/N_FOR/N_SETBLOCK/
				   N_MACRO/N_CALLBLOCK/N_FILTERBLOCK body */
	struct jnl els;		/* N_IF/N_FOR else */
	enum jop *ops;		/* N_CMP: ops[i] between kids i and i+1 */
	const char **kwnames;	/* call/filter/test keyword arguments */
	struct jnl kw;
	struct jnode *star, *dstar;	/* a call's *args and **kwargs, or NULL */
	struct jnl args;	/* N_MACRO/N_CALLBLOCK parameters (N_NAME) */
	struct jnl defs;	/* their defaults, for the last defs.n */
	int special;		/* N_MACRO/N_CALLBLOCK: JS_* */
	const char **names;	/* N_MARK: names undefined until stored */
	size_t nnames;
};

/* Parse s into *body. Returns 0, or -1 with *e set. */
int jparse(struct arena *, struct jsrc *s, struct jnl *body, struct jerr *e);

/* Whether jeval has the filter or test (jeval.c). */
int jhasfilter(const char *name);
int jhastest(const char *name);

#endif
