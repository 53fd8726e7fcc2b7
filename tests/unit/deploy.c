#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "deploy.h"
#include "tap.h"

/* An operation's statements, with --dry-run. */
static char *
dry(const char *op, struct deploy *d, int *rc)
{
	struct jobfile j;
	struct runner r = {0};
	char *out = NULL;
	size_t n = 0;

	memset(&j, 0, sizeof(j));
	j.path = "build.ninja";
	j.uid = j.type = j.materialized = j.relation = j.sql = "";
	j.adapter = "materialize";
	r.job = &j;
	r.dry = open_memstream(&out, &n);
	*rc = deployop(&r, op, d);
	fclose(r.dry);
	if (*rc < 0) {
		free(out);
		out = r.err;
	}
	return out;
}

int
main(void)
{
	char s1[] = "a,b,,c", s2[] = "", s3[] = "x=\"y\";z=w";
	char **v, *out, sch[] = "prod", cl[] = "big\"one";
	char *schemas[] = {sch}, *clusters[] = {cl};
	struct deploy d = {0};
	int rc;

	ok(deploysplit(s1, ',', &v) == 4 && !strcmp(v[0], "a") && !strcmp(v[1], "b") &&
	    !strcmp(v[2], "") && !strcmp(v[3], "c"), "a list is cut at its separators");
	free(v);
	ok(deploysplit(s2, ',', &v) == 0 && v == NULL, "an empty list has nothing");
	ok(deploysplit(s3, ';', &v) == 2 && !strcmp(v[1], "z=w"), "sinks are cut at semicolons");
	free(v);

	d.schemas = schemas;
	d.nschemas = 1;
	d.clusters = clusters;
	d.nclusters = 1;
	d.mark = "m";
	d.timeout = 0;
	d.poll = 1;
	d.lag = "2s";
	out = dry("init", &d, &rc);
	ok(rc == 0 && strstr(out, "\ncreate schema \"prod_dbt_deploy\";\n") != NULL,
	    "init creates the deploy schema, quoted");
	ok(strstr(out, "create cluster \"big\"\"one_dbt_deploy\"") != NULL &&
	    strstr(out, "where c.name = 'big\"one';") != NULL, "and the cluster, quoted both ways");
	ok(strstr(out, "-- rewrite m\n") != NULL, "and rewrites the mark");
	free(out);
	out = dry("await", &d, &rc);
	ok(rc == 0 && strstr(out, "> extract(epoch from interval '2s')") != NULL,
	    "await compares the lag with --lag-threshold");
	free(out);
	out = dry("promote", &d, &rc);
	ok(rc == 0 && strstr(out, "begin;\nalter schema \"prod\" swap with \"prod_dbt_deploy\";\n"
	    "alter cluster \"big\"\"one\" swap with \"big\"\"one_dbt_deploy\";\ncommit;\n") != NULL,
	    "promote swaps everything in one transaction");
	ok(strstr(out, "-- remove m\n") != NULL, "and removes the mark");
	free(out);
	out = dry("cleanup", &d, &rc);
	ok(rc == 0 && strstr(out, "drop cluster if exists \"big\"\"one_dbt_deploy\" cascade;\n") != NULL,
	    "cleanup drops the deploy cluster");
	free(out);
	d.nclusters = 0;
	out = dry("await", &d, &rc);
	ok(rc == 0 && !strcmp(out, ""), "await with no clusters has nothing to wait for");
	free(out);
	out = dry("swap", &d, &rc);
	ok(rc < 0, "an unknown operation fails");
	is(out, "swap is not init, await, promote or cleanup", "saying so");
	free(out);
	return tap_done();
}
