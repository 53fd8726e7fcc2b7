#include <stdlib.h>
#include <unistd.h>

#include "seed.h"
#include "tap.h"

static const char *
infer(const char *csv)
{
	static char type[128];
	struct seed sd;
	char *err = NULL;

	writefile("/tmp/dbt2ninja-unit-seed.csv", csv, strlen(csv));
	if (seedread(&sd, "/tmp/dbt2ninja-unit-seed.csv", ",", NULL, &err) < 0) {
		snprintf(type, sizeof(type), "error: %s", err);
		free(err);
		seedfree(&sd);
		return type;
	}
	snprintf(type, sizeof(type), "%s", sd.cols[0].type);
	seedfree(&sd);
	return type;
}

int
main(void)
{
	struct seed sd;
	char *err = NULL;
	int d;

	ok(seedfits("12", &d) & TNUMBER && d == 0, "12 is a number without decimals");
	ok(seedfits("-1.50", &d) & TNUMBER && d == 2, "-1.50 has two decimal places");
	ok(!(seedfits("1,5", &d) & TNUMBER), "1,5 is no number");
	ok(seedfits("2024-02-29", &d) == TDATE, "a date");
	ok(seedfits("2024-02-29 10:11:12", &d) == TDATETIME, "a date and time");
	ok(seedfits("2024-02-29T10:11:12.5+02:00", &d) == TDATETIME, "ISO 8601");
	ok(seedfits("TRUE", &d) == TBOOLEAN, "booleans in any case");
	ok(seedfits("yes", &d) == 0, "yes is text");
	is(infer("a\n1\n2\n"), "integer", "integers");
	is(infer("a\n1\n2.5\n"), "float8", "one decimal makes float8");
	is(infer("a\n2024-01-01\n\n"), "date", "dates, with an empty line");
	is(infer("a\n2024-01-01\n2024-01-01 00:00:00\n"), "text", "mixed kinds are text");
	is(infer("a\nnull\n\"\"\n"), "integer", "a column of nulls is integer");
	is(infer("a\ntrue\nfalse\n"), "boolean", "booleans");
	is(infer("a\n\"x\ny\"\n"), "text", "a quoted field may hold a line break");
	is(infer("a,b\n1\n"), "error: /tmp/dbt2ninja-unit-seed.csv:2: 1 fields, but the header has 2",
	    "a short row is an error naming the line");
	is(infer("a\n\"open\n"), "error: /tmp/dbt2ninja-unit-seed.csv:3: unterminated quoted field",
	    "so is an unterminated quote");
	writefile("/tmp/dbt2ninja-unit-seed.csv", "\xEF\xBB\xBFid;name\r\n1;\"A \"\"b\"\"\"\r\n2;null\r\n", 33);
	ok(seedread(&sd, "/tmp/dbt2ninja-unit-seed.csv", ";", NULL, &err) == 0, "a BOM, CRLF and another delimiter");
	is(sd.cols[0].name, "id", "the BOM is not part of the first name");
	is(sd.copy.s, "\"1\",\"A \"\"b\"\"\"\n\"2\",\n", "COPY data: quoted fields, nulls empty");
	ok(sd.nrows == 2, "two rows");
	seedfree(&sd);
	unlink("/tmp/dbt2ninja-unit-seed.csv");
	return tap_done();
}
