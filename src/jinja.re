#include <stdlib.h>
#include <string.h>

#include "jinja.h"

/*!re2c
	re2c:api:style = free-form;
	re2c:define:YYCTYPE = "unsigned char";
	re2c:define:YYPEEK = "(unsigned char)*YYCURSOR";
	re2c:define:YYSKIP = "++YYCURSOR;";
	re2c:define:YYBACKUP = "YYMARKER = YYCURSOR;";
	re2c:define:YYRESTORE = "YYCURSOR = YYMARKER;";
	re2c:yyfill:enable = 0;
*/

enum tok { TEND, TCLOSE, TENVVAR, TLPAREN, TRPAREN, TCOMMA, TPIPE, TSTR, TFILTER, TBAD };

struct lex {
	const char *start;	/* of the whole input, for columns */
	const char *cur, *tok;
	char *str;		/* TSTR's value */
};

/* The next token inside {{ }}. */
static enum tok
next(struct lex *l)
{
	const char *YYCURSOR = l->cur, *YYMARKER = l->cur;

	for (;;) {
		l->tok = YYCURSOR;
	/*!re2c
	ws = [ \t\n\r]+;
	sq = ['] [^'\x00]* ['];
	dq = ["] [^"\x00]* ["];

	"\x00" { l->cur = YYCURSOR - 1; return TEND; }
	ws { continue; }
	"}}" { l->cur = YYCURSOR; return TCLOSE; }
	"env_var" { l->cur = YYCURSOR; return TENVVAR; }
	"(" { l->cur = YYCURSOR; return TLPAREN; }
	")" { l->cur = YYCURSOR; return TRPAREN; }
	"," { l->cur = YYCURSOR; return TCOMMA; }
	"|" { l->cur = YYCURSOR; return TPIPE; }
	"as_number" | "as_text" | "as_bool" | "as_native" | "int" | "string" | "trim" {
		l->cur = YYCURSOR; return TFILTER; }
	sq | dq {
		l->str = xmemdup(l->tok + 1, (size_t)(YYCURSOR - l->tok - 2));
		l->cur = YYCURSOR;
		return TSTR;
	}
	* { l->cur = YYCURSOR; return TBAD; }
	*/
	}
}

static int
fail(struct lex *l, char **err, int *col, const char *why)
{
	*err = xstrdup(why);
	*col = (int)(l->tok - l->start) + 1;
	return -1;
}

/* One {{ ... }} expression, after its opening at open. */
static int
expr(struct lex *l, const char *open, struct buf *out, char **err, int *col)
{
	char *name = NULL, *dflt = NULL;
	const char *v;
	enum tok t;

	if (next(l) != TENVVAR)
		return fail(l, err, col, "only {{ env_var('NAME') }} and "
		    "{{ env_var('NAME', 'default') }} are rendered here; this needs dbt");
	if (next(l) != TLPAREN)
		return fail(l, err, col, "expected ( after env_var");
	if (next(l) != TSTR)
		return fail(l, err, col, "expected the variable's name in quotes");
	name = l->str;
	t = next(l);
	if (t == TCOMMA) {
		if (next(l) != TSTR) {
			free(name);
			return fail(l, err, col, "expected a default in quotes");
		}
		dflt = l->str;
		t = next(l);
	}
	if (t != TRPAREN) {
		free(name);
		free(dflt);
		return fail(l, err, col, "expected )");
	}
	while ((t = next(l)) == TPIPE) {
		if (next(l) != TFILTER) {
			free(name);
			free(dflt);
			return fail(l, err, col, "unknown filter");
		}
	}
	if (t != TCLOSE) {
		free(name);
		free(dflt);
		return fail(l, err, col, "expected }}");
	}
	v = getenv(name);
	if (!v && !dflt) {
		*err = xasprintf("env var required but not provided: '%s'", name);
		*col = (int)(open - l->start) + 1;
		free(name);
		return -1;
	}
	bufputs(out, v ? v : dflt);
	free(name);
	free(dflt);
	return 0;
}

int
jinjarender(const char *s, struct buf *out, char **err, int *col)
{
	struct lex l = {s, s, s, NULL};
	const char *p;

	bufputs(out, "");
	for (;;) {
		p = strchr(l.cur, '{');
		if (!p) {
			bufputs(out, l.cur);
			return 0;
		}
		bufadd(out, l.cur, (size_t)(p - l.cur));
		if (p[1] == '%' || p[1] == '#') {
			l.tok = p;
			return fail(&l, err, col, "Jinja statements and comments need dbt");
		}
		if (p[1] != '{') {
			bufputc(out, '{');
			l.cur = p + 1;
			continue;
		}
		l.cur = p + 2;
		if (expr(&l, p, out, err, col) < 0)
			return -1;
	}
}
