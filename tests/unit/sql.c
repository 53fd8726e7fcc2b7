#include <stdlib.h>

#include "htab.h"
#include "sql.h"
#include "tap.h"

#define SAME(a, b) sqlsame((a), strlen(a), (b), strlen(b))

static const struct {
	const char *in, *want, *name;
} cases[] = {
	{"select 1", "select 1", "words keep one space"},
	{"  select\n\t 1  \n", "select 1", "runs of whitespace collapse, ends trimmed"},
	{"select a + b", "select a+b", "spaces around operators go"},
	{"select a - -1", "select a- -1", "a space between operators stays"},
	{"select 1 -- note\nfrom t", "select 1 from t", "line comments go"},
	{"select /* a /* nested */ b */ 1", "select 1", "nested block comments go"},
	{"select 'a  -- b'", "select 'a  -- b'", "strings keep their insides"},
	{"select 'it''s  x'", "select 'it''s  x'", "doubled quotes stay in a string"},
	{"select E'a\\'  b'", "select E'a\\'  b'", "E strings take backslash escapes"},
	{"select \"Odd  Name\"", "select \"Odd  Name\"", "quoted identifiers keep spaces"},
	{"select $$ a  -- b $$", "select $$ a  -- b $$", "dollar quotes keep their insides"},
	{"select $f$ x $$ y $f$ z", "select $f$ x $$ y $f$ z", "tagged dollar quotes end at their tag"},
	{"select $1", "select $1", "a parameter is not a dollar quote"},
	{"select a$b$ from t", "select a$b$ from t", "dollars inside identifiers"},
	{"select 'a'\n'b'", "select 'a' 'b'", "adjacent strings stay apart"},
	{"select 'unterminated  x", "select 'unterminated  x", "an unterminated string runs to the end"},
	{"select 1 /* unterminated", "select 1", "an unterminated comment runs to the end"},
	{"", "", "empty input"},
	{"-- only a comment", "", "only a comment"},
	{"select\xc3\xa9  x", "select\xc3\xa9 x", "UTF-8 letters are word characters"},
};

int
main(void)
{
	struct buf b = {0};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		b.len = 0;
		bufputs(&b, "");
		sqlnorm(cases[i].in, strlen(cases[i].in), &b);
		is(b.s, cases[i].want, cases[i].name);
	}
	ok(SAME("select a,\n  b from t", "select a, b\nfrom t -- x"),
	    "sqlsame ignores layout and comments");
	ok(!SAME("select 'a b'", "select 'a  b'"),
	    "sqlsame sees a change inside a string");
	ok(!SAME("select 1", "select 2"), "sqlsame sees a changed token");
#define STMTS(a) sqlstatements((a), strlen(a))
	ok(STMTS("set x = 1;") == 1 && STMTS("set x = 1") == 0 && STMTS("") == 0,
	    "sqlstatements counts the statements a semicolon ends");
	ok(STMTS("a; ;; -- c;\n /* ; */ b;") == 2, "but not empty ones or comments");
	ok(STMTS("select ';', \"a;\", $q$;$q$, E'\\';';") == 1,
	    "nor semicolons in strings, identifiers and dollar quotes");
	{
		struct htab map = {0};
		struct buf c = {0};
		size_t n;

		ok(sqlcanon("\"DB\".Analytics.\"t\"\"x\"", &c) == 0 &&
		    !strcmp(c.s, "\"DB\".\"analytics\".\"t\"\"x\""),
		    "canonical names: quoted kept, unquoted folded");
		ok(sqlcanon("a..b", &c) < 0, "a malformed name has none");
		htabput(&map, "\"db\".\"ci\".\"orders\"", "\"db\".\"prod\".\"orders\"");
		b.len = 0;
		n = sqlrewrite("select o.id, \"db\".\"ci\".\"orders\".id from \"db\".\"ci\".\"orders\" o"
		    " join db.ci.orders p on true -- \"db\".\"ci\".\"orders\"\n"
		    "where x = '\"db\".\"ci\".\"orders\"' and y = $$ db.ci.orders $$"
		    " and z.\"db\" = 1 and \"db\".\"ci\".\"orders_x\" is null", 216, &map, &b, NULL, NULL);
		is(b.s, "select o.id, \"db\".\"prod\".\"orders\".id from \"db\".\"prod\".\"orders\" o"
		    " join \"db\".\"prod\".\"orders\" p on true -- \"db\".\"ci\".\"orders\"\n"
		    "where x = '\"db\".\"ci\".\"orders\"' and y = $$ db.ci.orders $$"
		    " and z.\"db\" = 1 and \"db\".\"ci\".\"orders_x\" is null",
		    "references are rewritten, never in comments, strings or dollar quotes");
		ok(n == 3, "three of them");
		htabfree(&map);
		buffree(&c);
	}
	buffree(&b);
	return tap_done();
}
