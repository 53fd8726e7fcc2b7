/* operation.c: on-run-start and on-run-end hooks (see operation.h). */
#include <string.h>

#include "operation.h"
#include "pg.h"

static int
blank(const char *s)
{
	return s[strspn(s, " \t\n\r\v\f")] == '\0';
}

/* The schemas to create, as dbt-postgres's create_schema, one statement
 * each; "" when there are none. */
static int
schemas(const struct jobfile *j, struct buf *b, char **err)
{
	const cJSON *list = jobget(j, "schemas"), *p, *s;

	bufputs(b, "");
	if (list && !cJSON_IsArray(list)) {
		*err = xasprintf("%s: schemas is not a list", j->path);
		return -1;
	}
	cJSON_ArrayForEach(p, list) {
		s = cJSON_GetArrayItem(p, 1);
		if (!cJSON_IsString(s)) {
			*err = xasprintf("%s: schemas holds no [database, schema] pair", j->path);
			return -1;
		}
		bufputs(b, "create schema if not exists ");
		qident(b, s->valuestring);
		bufputs(b, ";\n");
	}
	return 0;
}

int
operationrun(PGconn *c, const struct jobfile *j, FILE *dry, char **err)
{
	struct buf b = {0};
	int rc = 0;

	if (schemas(j, &b, err) < 0) {
		buffree(&b);
		return -1;
	}
	if (dry) {
		fputs(b.s, dry);
		if (!blank(j->sql))
			fprintf(dry, "%s%s", j->sql, j->sql[strlen(j->sql) - 1] == '\n' ? "" : "\n");
		buffree(&b);
		return 0;
	}
	if (b.len)
		rc = pgexec(c, b.s, err);
	buffree(&b);
	/* dbt: a hook whose SQL is blank succeeds without a query */
	if (rc == 0 && !blank(j->sql))
		rc = pgexec(c, j->sql, err);
	return rc;
}
