#include <stdlib.h>
#include <unistd.h>

#include "hash.h"
#include "jobfile.h"
#include "tap.h"

int
main(void)
{
	const char *text = "-- dbt2ninja job 1\n-- unique_id: model.p.a\n-- resource_type: model\n"
	    "-- materialized: table\n-- relation: \"db\".\"My \"\"S\"\"\".a\n-- adapter: postgres\n"
	    "-- full_refresh: false\n-- unique_key: [\"id\"]\n--\nselect 1\nfrom x\n";
	char *part[3];
	struct jobfile j;

	writefile("/tmp/dbt2ninja-unit.sql", text, strlen(text));
	jobread(&j, "/tmp/dbt2ninja-unit.sql");
	is(j.uid, "model.p.a", "the unique_id");
	is(j.materialized, "table", "the materialization");
	is(j.db, "db", "the relation's database");
	is(j.schema, "My \"S\"", "its schema, unquoted");
	is(j.ident, "a", "its identifier, unquoted or not");
	ok(jobbool(&j, "full_refresh", 1) == 0, "a boolean key");
	ok(cJSON_IsArray(jobget(&j, "unique_key")), "a list key");
	is(jobstr(&j, "missing", "dflt"), "dflt", "a missing key gives the default");
	is(j.sql, "select 1\nfrom x\n", "the SQL after the header");
	ok(j.sqlline == 10, "and the line it starts on");
	ok(strlen(j.sha256) == 64, "the job's hash");
	{
		char h[65], want[65];
		sha256hex(text, strlen(text) - strlen("select 1\nfrom x\n"), want);
		is(j.headhash, want, "its header's: up to and with the -- line, read before it is parsed");
		jobheadhash("-- dbt2ninja job 1\n-- a: 1\n--\nselect 2 -- changed\n", 50, h);
		jobheadhash("-- dbt2ninja job 1\n-- a: 1\n--\nselect 1\n", 39, want);
		is(h, want, "which does not see the SQL");
	}
	jobfree(&j);
	unlink("/tmp/dbt2ninja-unit.sql");

	ok(relsplit("s.t", part) == 2 && !strcmp(part[0], "s") && !strcmp(part[1], "t"),
	    "two unquoted parts");
	free(part[0]);
	free(part[1]);
	ok(relsplit("\"a.b\"", part) == 1 && !strcmp(part[0], "a.b"), "a dot inside quotes");
	free(part[0]);
	ok(relsplit("\"Db\".\"Shop\".Orders", part) == 3 && !strcmp(part[0], "Db") &&
	    !strcmp(part[1], "Shop") && !strcmp(part[2], "orders"),
	    "an unquoted part is folded to lower case, as the server folds it");
	free(part[0]);
	free(part[1]);
	free(part[2]);
	ok(relsplit("\"A\"\"b\".C\xc3\x89", part) == 2 && !strcmp(part[0], "A\"b") &&
	    !strcmp(part[1], "c\xc3\x89"), "only ASCII letters are folded");
	free(part[0]);
	free(part[1]);
	ok(relsplit("a..b", part) == 0, "an empty part is malformed");
	ok(relsplit("\"open", part) == 0, "so is an open quote");
	ok(relsplit("a.b.c.d", part) == 0, "and four parts");
	return tap_done();
}
