/* ctesplace: dbtctesplace over SQL texts, for tests/ctes.t. Reads texts
 * separated by NUL bytes on stdin; for each writes the SQL with the CTE
 * " __dbt__cte__e as (\nselect 1\n)" injected as dbtrender injects it,
 * or "!" and the refusal, each followed by a NUL byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbtctx.h"
#include "util.h"

static const char cte[] = " __dbt__cte__e as (\nselect 1\n)";

static void
one(const char *s)
{
	size_t w, end;
	char *err;

	if (dbtctesplace(s, &w, &end, &err) < 0) {
		printf("!%s", err);
		free(err);
	} else if (w > 0) {
		printf("%.*s%s, %.*s", (int)w, s, cte, (int)(end - w), s + w);
	} else {
		for (w = 0; strchr(" \t\n\r\f\v", s[w]) && s[w]; w++)
			;
		printf("%.*swith%s %.*s", (int)w, s, cte, (int)(end - w), s + w);
	}
	putchar('\0');
}

int
main(void)
{
	struct buf b = {0};
	int c;

	argv0 = "ctesplace";
	while ((c = getchar()) != EOF) {
		if (c) {
			bufputc(&b, c);
			continue;
		}
		bufputc(&b, '\0');
		one(b.s);
		b.len = 0;
	}
	buffree(&b);
	return 0;
}
