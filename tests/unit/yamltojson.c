/* yamltojson: a YAML file as yamljson reads it, as JSON, for tests/yaml.t.
 * Usage: yamltojson file.yml. Errors go to stderr with exit 1. */
#include <stdio.h>
#include <stdlib.h>

#include "util.h"
#include "yamljson.h"

int
main(int argc, char **argv)
{
	char *err, *s;
	cJSON *j;

	argv0 = "yamltojson";
	if (argc != 2)
		usageexit("usage: yamltojson file.yml", NULL);
	if (!(j = yamlload(argv[1], &err))) {
		fprintf(stderr, "%s\n", err ? err : "no such file");
		free(err);
		return 1;
	}
	s = cJSON_PrintUnformatted(j);
	puts(s);
	free(s);
	cJSON_Delete(j);
	return 0;
}
