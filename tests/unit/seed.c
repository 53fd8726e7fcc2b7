#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "seed.h"
#include "tap.h"

static const char *
infer(const char *csv)
{
	static char type[512];
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

static const char nul[] = "a,b\n1,ok\n2,\"x\0y\"\n";
static const char kinds[] = "n,f,d,t,i,b,x\n\"1,000\",1E-2,2024-1-2,2024-01-02  3:4:5,"
    "2024-060T12:30.5,\" TRUE \", a \n-0,-$2.50,,,20240102T030405.9999996,false,\"\"\n\n";

static const char offsets[] = "i,at,p\n1,2024-01-02T03:04:05+02:00,2024-01-02 03:04:05\n"
    "2,2024-01-02T03:04:05Z,\n3,2024-01-02T03:04:05-0530,\n4,2024-01-02T03:04:05,\n5,,\n"
    "6,2024-01-02T03:04:05.5+01,\n7,2024-01-02T03:04:05+02:75,\n8,2024-01-02T03:04:05-00:30,\n"
    "9,2024-01-02T03:04:05-00:00,\n10,2024-W01-1T03:04+01:00,\n11,2024-01-02T03:04:05 +01:00,\n";

int
main(void)
{
	struct seed sd;
	char *err = NULL;
	int d;

	ok(seedfits("12", &d) & TNUMBER && d == 0, "12 is a number without decimals");
	ok(seedfits("-1.50", &d) & TNUMBER && d == 1, "-1.50 has one decimal place, normalized");
	ok(seedfits("1.000", &d) & TNUMBER && d == 0, "1.000 has none");
	ok(seedfits("1,5", &d) & TNUMBER && d == 0, "1,5 is 15: commas are thousands separators");
	ok(seedfits("$-1_000.5%", &d) & TNUMBER && d == 1, "currency, percent, underscores");
	ok(seedfits("1e5", &d) & TNUMBER && d == 0, "an exponent");
	ok(seedfits("1.00000000000000000000000000001", &d) & TNUMBER && d == 0,
	    "Decimal's 28 digits round the places away");
	ok(!(seedfits("0x10", &d) & TNUMBER), "0x10 is no number");
	ok(seedfits("2024-1-2", &d) == TDATE, "strptime takes an unpadded date");
	ok(!(seedfits("2024-02-30", &d) & TDATE), "but not a day that does not exist");
	ok(seedfits("2024-01-02  3:4:5", &d) == TDATETIME, "nor needs one space");
	ok(!(seedfits("2024-01-02 03:04:05.5", &d) & (TDATETIME | TISO)), "a fraction needs the T");
	ok(seedfits("2024-W01-1T00", &d) == TISO, "isodate's week dates");
	ok(seedfits("2024-01-02T03:04:05xyz", &d) == TISO, "isodate ignores what follows");
	ok(!(seedfits("2024-01-02T03:04:05 UTC", &d) & TISO), "but not a second T");
	ok(seedfits("t,rue", &d) == TBOOLEAN, "commas are dropped from booleans");
	ok(seedfits("NULL", &d) == (TNUMBER | TDATE | TDATETIME | TISO | TBOOLEAN), "null fits every type");
	ok(!(seedfits("na", &d) & TNUMBER), "na is no null for dbt");
	ok(seedfits("2024-02-29", &d) == TDATE, "a date");
	ok(seedfits("2024-02-29 10:11:12", &d) == TDATETIME, "a date and time");
	ok(seedfits("2024-02-29T10:11:12.5+02:00", &d) == TISO, "ISO 8601");
	ok(seedfits("TRUE", &d) == TBOOLEAN, "booleans in any case");
	ok(seedfits("yes", &d) == 0, "yes is text");
	is(infer("a\n1\n2\n"), "integer", "integers");
	is(infer("a\n1\n2.5\n"), "float8", "one decimal makes float8");
	is(infer("a\n2024-01-01\n\n"), "date", "dates, with an empty line");
	is(infer("a\n2024-01-01\n2024-01-01 00:00:00\n"), "text", "mixed kinds are text");
	is(infer("a\n2024-01-01 00:00:00\n2024-01-01T00:00:00\n"), "text", "so are strptime's and isodate's");
	is(infer("a\n\",\"\n"), "boolean", "a lone comma is a null boolean");
	is(infer("a\nnull\n\"\"\n"), "integer", "a column of nulls is integer");
	is(infer("a\ntrue\nfalse\n"), "boolean", "booleans");
	is(infer("a\n\"x\ny\"\n"), "text", "a quoted field may hold a line break");
	is(infer("a,b\n1\n"), "integer", "a short row is padded with nulls");
	is(infer("a\n1,2\n"), "error: /tmp/dbt2ninja-unit-seed.csv:2: 2 values, but the header has 1 columns: "
	    "dbt refuses the seed", "a long row is an error naming the line");
	is(infer("a\n\"open\n"), "text", "an unterminated quote runs to the end");
	is(infer("a\nx\xff\n"), "error: /tmp/dbt2ninja-unit-seed.csv:2:2: not UTF-8: dbt reads seeds as UTF-8 "
	    "and refuses it", "bytes that are not UTF-8 are refused");
	is(infer("a\n2024-01-02T03:04:05Z\n"), "timestamp without time zone",
	    "an offset lands in a timestamp");
	is(infer("a\n2024-01-02T03:04:05Z\nx\n"), "text", "and is kept as text where the column is text");
	is(infer("a\n2024-01-02T03:04:05+24:00\n"), "error: /tmp/dbt2ninja-unit-seed.csv:2:1: a UTC offset "
	    "of 24 hours or more: dbt fails on it (offset must be a timedelta strictly between "
	    "-timedelta(hours=24) and timedelta(hours=24))", "an offset of a day is refused");
	is(infer("a\n2024-01-02T03:04:05-23:60\n"), "error: /tmp/dbt2ninja-unit-seed.csv:2:1: a UTC offset "
	    "of 24 hours or more: dbt fails on it (offset must be a timedelta strictly between "
	    "-timedelta(hours=24) and timedelta(hours=24))", "minutes count towards it");
	writefile("/tmp/dbt2ninja-unit-seed.csv", offsets, sizeof(offsets) - 1);
	ok(seedread(&sd, "/tmp/dbt2ninja-unit-seed.csv", ",", NULL, &err) == 0, "offsets in every form");
	is(sd.copy.s, "1,2024-01-02 03:04:05+02:00,2024-01-02 03:04:05\n"
	    "2,2024-01-02 03:04:05+00:00,\n3,2024-01-02 03:04:05-05:30,\n4,2024-01-02 03:04:05,\n5,,\n"
	    "6,2024-01-02 03:04:05.500000+01:00,\n7,2024-01-02 03:04:05+03:15,\n"
	    "8,2024-01-02 03:04:05-00:30,\n9,2024-01-02 03:04:05+00:00,\n"
	    "10,2024-01-01 03:04:00+01:00,\n11,2024-01-02 03:04:05,\n",
	    "the COPY data holds them as dbt sends them, minutes normalized, the others without");
	ok(sd.cols[1].offset && !sd.cols[0].offset && !sd.cols[2].offset, "the column with offsets is marked");
	is(sd.offsetat, "/tmp/dbt2ninja-unit-seed.csv:2:3", "and where the first one is");
	seedfree(&sd);
	writefile("/tmp/dbt2ninja-unit-seed.csv", "a\n2024-01-02T03:04:05\n", 22);
	ok(seedread(&sd, "/tmp/dbt2ninja-unit-seed.csv", ",", NULL, &err) == 0 && !sd.offsetat &&
	    !sd.cols[0].offset, "a timestamp without an offset marks nothing");
	seedfree(&sd);
	writefile("/tmp/dbt2ninja-unit-seed.csv", "\xEF\xBB\xBFid;name\r\n1;\"A \"\"b\"\"\"\r\n2;null\r\n", 33);
	ok(seedread(&sd, "/tmp/dbt2ninja-unit-seed.csv", ";", NULL, &err) == 0, "a BOM, CRLF and another delimiter");
	is(sd.cols[0].name, "id", "the BOM is not part of the first name");
	is(sd.copy.s, "1,\"A \"\"b\"\"\"\n2,\n", "COPY data: normalized numbers, quoted text, nulls empty");
	ok(sd.nrows == 2, "two rows");
	seedfree(&sd);
	writefile("/tmp/dbt2ninja-unit-seed.csv", nul, sizeof(nul) - 1);
	ok(seedread(&sd, "/tmp/dbt2ninja-unit-seed.csv", ",", NULL, &err) < 0 && !strcmp(err,
	    "/tmp/dbt2ninja-unit-seed.csv:3:5: a NUL byte: dbt refuses the seed (A string literal "
	    "cannot contain NUL (0x00) characters)"), "a NUL byte is refused at its line and column");
	free(err);
	err = NULL;
	seedfree(&sd);
	writefile("/tmp/dbt2ninja-unit-seed.csv", kinds, sizeof(kinds) - 1);
	ok(seedread(&sd, "/tmp/dbt2ninja-unit-seed.csv", ",", NULL, &err) == 0, "every kind of value");
	is(sd.copy.s, "1000,1e-2,2024-01-02,2024-01-02 03:04:05,2024-02-29 12:30:30,true,\" a \"\n"
	    "0,-250e-2,,,2024-01-02 03:04:06,false,\n,,,,,,\n",
	    "the COPY data holds the values dbt inserts; a blank line is a row of nulls");
	seedfree(&sd);
	unlink("/tmp/dbt2ninja-unit-seed.csv");
	return tap_done();
}
