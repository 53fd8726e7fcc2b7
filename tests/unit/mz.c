#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mat.h"
#include "tap.h"
#include "util.h"

/* The statements a Materialize job's --dry-run prints, or its error: the
 * job has the fixed header's first lines and then the keyed ones. */
static char *
dry(const char *header, const char *keys, const char *sql, int bluegreen, const char *cluster,
    int *rc)
{
	char path[] = "/tmp/dbt2ninja-mz-XXXXXX", *job, *out = NULL;
	struct jobfile j;
	struct runner r = {0};
	size_t n = 0;
	int fd = mkstemp(path);

	job = xasprintf("-- dbt2ninja job 1\n%s\n-- adapter: materialize\n%s%s--\n%s\n", header,
	    keys, *keys ? "\n" : "", sql);
	if (fd < 0 || write(fd, job, strlen(job)) != (ssize_t)strlen(job))
		return NULL;
	close(fd);
	jobread(&j, path);
	unlink(path);
	free(job);
	r.job = &j;
	r.bluegreen = bluegreen;
	r.cluster = cluster;
	r.dry = open_memstream(&out, &n);
	*rc = mzmaterialize(&r);
	fclose(r.dry);
	if (*rc < 0) {
		free(out);
		out = r.err;
	}
	jobfree(&j);
	return out;
}

int
main(void)
{
	char *s;
	int rc;

	s = dry("-- unique_id: model.p.v\n-- resource_type: model\n-- materialized: view\n"
	    "-- relation: \"db\".\"s\".\"v\"",
	    "-- indexes: [{\"default\":true},{\"columns\":[\"a\"],\"cluster\":\"ix\"}]",
	    "select 1 as a", 1, "c", &rc);
	ok(rc == 0 && strstr(s, "create view \"db\".\"s\".\"v\"\nas (\nselect 1 as a\n);\n") != NULL,
	    "a view is created as the adapter creates it");
	ok(strstr(s, "create default index in cluster c_dbt_deploy on \"db\".\"s\".\"v\";\n") != NULL &&
	    strstr(s, "create index in cluster ix_dbt_deploy on \"db\".\"s\".\"v\" (a);\n") != NULL,
	    "its indexes in the profile's cluster or their own, blue/green's when deploying");
	free(s);
	s = dry("-- unique_id: model.p.src\n-- resource_type: model\n-- materialized: source\n"
	    "-- relation: \"db\".\"s\".\"src\"", "", "CREATE SOURCE {{ this }} FROM LOAD GENERATOR COUNTER",
	    0, NULL, &rc);
	ok(rc == 0 && strstr(s, "\nCREATE SOURCE {{ this }} FROM LOAD GENERATOR COUNTER;\n") != NULL &&
	    !strstr(s, "create source"), "a complete CREATE SOURCE is sent as written");
	free(s);
	s = dry("-- unique_id: model.p.mv\n-- resource_type: model\n-- materialized: materialized_view\n"
	    "-- relation: \"db\".\"s\".\"mv\"", "-- cluster: \"big\"\n-- refresh_interval: {\"every\":\"1 day\"}",
	    "select 1", 0, "c", &rc);
	ok(rc == 0 && strstr(s, "create materialized view \"db\".\"s\".\"mv\"\n  in cluster big\n"
	    "  with (refresh every '1 day')\nas (\nselect 1\n);\n") != NULL,
	    "a materialized view in the node's cluster, with its refresh");
	free(s);
	s = dry("-- unique_id: model.p.i\n-- resource_type: model\n-- materialized: incremental\n"
	    "-- relation: \"db\".\"s\".\"i\"", "", "select 1", 0, NULL, &rc);
	ok(rc < 0 && !strncmp(s, "the incremental materialization is not supported by dbt-materialize", 67),
	    "an incremental is refused");
	free(s);
	return tap_done();
}
