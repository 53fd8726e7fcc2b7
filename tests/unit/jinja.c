#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include "jinja.h"
#include "tap.h"

static char *
render(const char *in, int *rc, int *col)
{
	struct buf b = {0};
	char *err = NULL;

	*rc = jinjarender(in, &b, &err, col);
	if (*rc < 0) {
		buffree(&b);
		return err;
	}
	return b.s;
}

int
main(void)
{
	char *s;
	int rc, col;

	setenv("D2N_HOST", "db.example", 1);
	unsetenv("D2N_NONE");
	s = render("plain", &rc, &col);
	is(s, "plain", "text without Jinja is itself");
	free(s);
	s = render("{{ env_var('D2N_HOST') }}", &rc, &col);
	is(s, "db.example", "env_var reads the environment");
	free(s);
	s = render("x-{{env_var(\"D2N_NONE\", '5432')|as_number}}-y", &rc, &col);
	is(s, "x-5432-y", "a default, double quotes, a filter, no spaces");
	free(s);
	s = render("{{ env_var('D2N_NONE') }}", &rc, &col);
	ok(rc < 0, "a missing variable without a default is an error");
	is(s, "env var required but not provided: 'D2N_NONE'", "as dbt says it");
	free(s);
	s = render("ab {{ target.name }}", &rc, &col);
	ok(rc < 0 && col == 7, "other Jinja is an error at its column");
	free(s);
	s = render("{% if x %}", &rc, &col);
	ok(rc < 0 && col == 1, "statements are errors");
	free(s);
	s = render("{{ env_var('D2N_HOST') | upper }}", &rc, &col);
	ok(rc < 0, "an unknown filter is an error");
	free(s);
	s = render("{{ env_var('D2N_HOST'", &rc, &col);
	ok(rc < 0, "an unterminated expression is an error");
	free(s);
	s = render("{ not jinja }", &rc, &col);
	is(s, "{ not jinja }", "a lone brace is text");
	free(s);
	return tap_done();
}
