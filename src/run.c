/* dbt2ninja-run: run one node's job. See dbt2ninja-run(1). */
#include <stdio.h>
#include <string.h>

#include "util.h"

static const char usage[] = "usage: dbt2ninja-run JOB STAMP\n";

int
main(int argc, char **argv)
{
	argv0 = "dbt2ninja-run";
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc != 3) {
		fputs(usage, stderr);
		return 2;
	}
	fatal("%s: running jobs needs the executor, which this build lacks", argv[1]);
}
