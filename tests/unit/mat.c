#include <stdlib.h>

#include "mat.h"
#include "tap.h"

int
main(void)
{
	struct buf b = {0};
	char *s, ident[80];

	s = suffixed("orders", "__dbt_tmp");
	is(s, "orders__dbt_tmp", "a short name takes the suffix");
	free(s);
	memset(ident, 'x', 70);
	ident[70] = '\0';
	s = suffixed(ident, "__dbt_backup");
	ok(strlen(s) == 63 && !strcmp(s + 51, "__dbt_backup"), "a long one is cut to fit 63 bytes");
	free(s);
	memset(ident, 'x', 50);
	strcpy(ident + 50, "\xc3\xa9\xc3\xa9\xc3\xa9");
	s = suffixed(ident, "__dbt_backup");
	ok(strlen(s) == 62, "never inside a UTF-8 character");
	free(s);
	qident(&b, "a\"b");
	is(b.s, "\"a\"\"b\"", "identifiers double their quotes");
	b.len = 0;
	qliteral(&b, "it's");
	is(b.s, "'it''s'", "literals double theirs");
	buffree(&b);
	return tap_done();
}
