#define _POSIX_C_SOURCE 200809L
/* delta.h: where a node's raw code and checksum are in the manifest's
 * text, and what the settings hash covers. The regeneration itself is
 * tests/delta.t's, through the generator. */
#include <stdlib.h>
#include <string.h>

#include "delta.h"
#include "manifest.h"
#include "tap.h"

static const char doc[] =
    "{\"metadata\":{\"dbt_schema_version\":\"https://schemas.getdbt.com/dbt/manifest/v12.json\","
    "\"adapter_type\":\"postgres\",\"project_name\":\"p\"},"
    "\"nodes\":{\"model.p.a\":{\"resource_type\":\"model\",\"unique_id\":\"model.p.a\","
    "\"name\":\"a\",\"package_name\":\"p\",\"original_file_path\":\"models/a.sql\","
    "\"config\":{\"materialized\":\"view\",\"meta\":{\"raw_code\":\"no\",\"checksum\":"
    "{\"checksum\":\"no\"}}},\"database\":\"d\",\"schema\":\"s\",\"alias\":\"a\","
    "\"relation_name\":\"\\\"d\\\".\\\"s\\\".\\\"a\\\"\",\"depends_on\":{\"nodes\":[],\"macros\":[]},"
    "\"checksum\":{\"name\":\"sha256\",\"checksum\":"
    "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"},"
    "\"raw_code\":\"select \\\"x\\\\\\\" }\\n\",\"language\":\"sql\"}},"
    "\"sources\":{},\"macros\":{},\"exposures\":{},\"disabled\":{}}";

int
main(int argc, char **argv)
{
	struct manifest m;
	struct delta d, e;
	char *args[] = {"dbt2ninja", "-v", NULL};
	size_t at;

	(void)argc;
	manifestloadtext(&m, "m.json", doc, strlen(doc), LOADDEPLOY);
	deltabegin(&d, 1, argv, "dbt2ninja");
	deltaspans(&d, &m);
	at = d.rawoff[0];
	ok(at > 0 && !strncmp(doc + at, "\"select ", 8), "the raw code's string, not the meta's key");
	ok(d.rawlen[0] == strlen("\"select \\\"x\\\\\\\" }\\n\""), "to its closing quote, escapes passed");
	ok(d.sumoff[0] > 0 && !strncmp(doc + d.sumoff[0], "0123456789abcdef", 16),
	    "the checksum's hex, not the meta's");
	deltabegin(&e, 1, argv, "dbt2ninja");
	ok(!strcmp(d.settings, e.settings), "the same settings hash alike");
	deltafree(&e);
	setenv("SHLVL", "9", 1);
	deltabegin(&e, 1, argv, "dbt2ninja");
	ok(!strcmp(d.settings, e.settings), "but for what a shell changes on its own");
	deltafree(&e);
	setenv("DELTA_UNIT", "1", 1);
	deltabegin(&e, 1, argv, "dbt2ninja");
	ok(strcmp(d.settings, e.settings), "an environment variable is a setting");
	deltafree(&e);
	unsetenv("DELTA_UNIT");
	deltabegin(&e, 2, args, "dbt2ninja");
	ok(strcmp(d.settings, e.settings), "and an argument, -v too (build.ninja keeps them)");
	deltafree(&e);
	deltafree(&d);
	manifestfree(&m);
	return tap_done();
}
