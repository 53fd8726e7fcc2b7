/* datatest.c: data tests, with dbt's thresholds and stored failures. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "matstep.h"

int
mattest(struct runner *r)
{
	struct jobfile *j = r->job;
	const cJSON *limit = jobget(j, "limit");
	const char *calc = jobstr(j, "fail_calc", "count(*)");
	const char *sev = jobstr(j, "severity", "ERROR");
	char *lim = cJSON_IsNumber(limit) ? xasprintf("\nlimit %d", limit->valueint) : xstrdup("");
	struct buf b = {0};
	struct step s;
	int rc = -1;

	matstep(&s);
	matnstmts = 0;
	if (jobbool(j, "store_failures", 0)) {
		const char *as = jobstr(j, "store_failures_as", "table");
		if (r->stored)
			goto stored;
		matbegin(&s, j);
		matdropany(&s, j, j->ident);
		bufprintf(&b, "create %s %s as (\n", !strcmp(as, "view") ? "view" : "table", j->relation);
		matmainsql(&s, j, b.s, lim);
		s.sql.len -= 2;
		bufputs(&s.sql, "\n);\n");
		matstmt(&s, "commit");
		s.transactional = 1;
		if (matexec(r, &s) < 0)
			goto out;
		matstep(&s);
	stored:
		matnstmts = 0;
		b.len = 0;
		bufprintf(&b, "select\n  %s as failures,\n  %s %s as should_warn,\n  %s %s as should_error\n"
		    "from (\n  select * from %s\n) dbt_internal_test", calc, calc,
		    jobstr(j, "warn_if", "!= 0"), calc, jobstr(j, "error_if", "!= 0"), j->relation);
		matstmtf(&s, &b);
	} else {
		bufprintf(&b, "select\n  %s as failures,\n  %s %s as should_warn,\n  %s %s as should_error\n"
		    "from (\n", calc, calc, jobstr(j, "warn_if", "!= 0"), calc,
		    jobstr(j, "error_if", "!= 0"));
		{
			struct buf post = {0};
			bufprintf(&post, "%s\n) dbt_internal_test", lim);
			matmainsql(&s, j, b.s, post.s);
			buffree(&post);
		}
	}
	if (matexec(r, &s) < 0)
		goto out;
	rc = 0;
	if (r->dry)
		goto out;
	if (!r->out.last || PQntuples(r->out.last) != 1 || PQnfields(r->out.last) != 3) {
		r->err = xstrdup("the test's query did not return one row of three columns");
		rc = -1;
		goto out;
	}
	r->failures = atol(PQgetvalue(r->out.last, 0, 0));
	if (!strcasecmp(sev, "error") && PQgetvalue(r->out.last, 0, 2)[0] == 't')
		r->verdict = 2;
	else if (PQgetvalue(r->out.last, 0, 1)[0] == 't')
		r->verdict = 1;
	else
		r->verdict = 0;
	if (r->verdict < 2 && r->record) {
		struct outcome keep = r->out;
		r->out.last = NULL;
		matstep(&s);
		matnstmts = 0;
		matstmt(&s, "begin");
		matrecord(r, &s);
		matstmt(&s, "commit");
		s.transactional = 1;
		rc = matexec(r, &s);
		PQclear(r->out.last);
		r->out = keep;
	}
out:
	PQclear(r->out.last);
	r->out.last = NULL;
	free(lim);
	buffree(&b);
	return rc;
}
