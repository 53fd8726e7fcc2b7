#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "jobfile.h"
#include "sql.h"

static void
bad(const struct jobfile *j, int line, const char *why)
{
	fatal("%s:%d: %s", j->path, line, why);
}

/* The value of a "-- key: value" line at p, NUL-terminated in place. */
static char *
field(struct jobfile *j, char *p, int line, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(p, "-- ", 3) != 0 || strncmp(p + 3, key, n) != 0 ||
	    strncmp(p + 3 + n, ": ", 2) != 0)
		bad(j, line, xasprintf("expected \"-- %s: \"", key));
	return p + 5 + n;
}

/* Whether a JSON value holds the escape of a NUL character, which no C
 * string, and no statement, can carry. */
static int
jsonnul(const char *v)
{
	for (; *v; v++)
		if (*v == '\\') {
			if (v[1] == 'u' && !strncmp(v + 2, "0000", 4))
				return 1;
			if (v[1])
				v++;
		}
	return 0;
}

void
jobread(struct jobfile *j, const char *path)
{
	static const char *const fixed[] = {
		"unique_id", "resource_type", "materialized", "relation", "adapter",
	};
	const char **val[5];
	char *p, *nl, *key, *colon;
	cJSON *v;
	int line = 1;
	size_t i;

	memset(j, 0, sizeof(*j));
	j->path = path;
	val[0] = &j->uid;
	val[1] = &j->type;
	val[2] = &j->materialized;
	val[3] = &j->relation;
	val[4] = &j->adapter;
	if (readfile(path, &j->text) < 0)
		fatal("%s:", path);
	if (memchr(j->text.s, '\0', j->text.len)) {
		const char *q;
		for (q = j->text.s; q < j->text.s + j->text.len && *q; q++)
			if (*q == '\n')
				line++;
		bad(j, line, "a NUL byte: no statement can carry it");
	}
	sha256hex(j->text.s, j->text.len, j->sha256);
	jobnormhash(j->text.s, j->text.len, j->normhash);
	jobheadhash(j->text.s, j->text.len, j->headhash);
	p = j->text.s;
	if (strncmp(p, "-- dbt2ninja job 1\n", 19) != 0)
		bad(j, 1, "not a dbt2ninja job file (run dbt2ninja again)");
	p += 19;
	j->config = cJSON_CreateObject();
	for (line = 2;; line++) {
		nl = strchr(p, '\n');
		if (!nl)
			bad(j, line, "the header does not end with a \"--\" line");
		*nl = '\0';
		if (!strcmp(p, "--")) {
			p = nl + 1;
			break;
		}
		if (line - 2 < 5) {
			*val[line - 2] = field(j, p, line, fixed[line - 2]);
		} else {
			if (strncmp(p, "-- ", 3) != 0 || !(colon = strstr(p + 3, ": ")))
				bad(j, line, "expected \"-- key: value\"");
			key = p + 3;
			*colon = '\0';
			if (jsonnul(colon + 2))
				bad(j, line, xasprintf("%s: a NUL character (\\u0000): no statement "
				    "can carry it", key));
			v = cJSON_Parse(colon + 2);
			if (!v)
				bad(j, line, xasprintf("%s: invalid JSON value", key));
			cJSON_AddItemToObject(j->config, key, v);
		}
		p = nl + 1;
	}
	if (line - 2 < 5)
		bad(j, line, xasprintf("missing \"-- %s: \"", fixed[line - 2]));
	j->sql = p;
	j->sqlline = line + 1;
	for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p), line++)
		if (!strncmp(p, INCRMARK, strlen(INCRMARK))) {
			*p = '\0';
			j->incrsql = p + strlen(INCRMARK);
			j->incrline = line + 2;
			break;
		}
	{
		char *part[3];
		int n = relsplit(j->relation, part);
		if (*j->relation && n == 0)
			bad(j, 5, "malformed relation");
		for (i = 0; i < 3; i++)
			part[i] = i < (size_t)n ? part[i] : NULL;
		/* one part: an identifier; two: schema and identifier */
		j->ident = n ? part[n - 1] : xstrdup("");
		j->schema = n >= 2 ? part[n - 2] : NULL;
		j->db = n == 3 ? part[0] : NULL;
	}
}

void
jobheadhash(const char *job, size_t n, char out[65])
{
	const char *p = job, *end = job + n, *nl;

	for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1)
		if (nl - p == 2 && !strncmp(p, "--", 2)) {
			end = nl + 1;
			break;
		}
	sha256hex(job, (size_t)(end - job), out);
}

void
jobfree(struct jobfile *j)
{
	cJSON_Delete(j->config);
	buffree(&j->text);
	free(j->db);
	free(j->schema);
	free(j->ident);
	free(j->late);
}

int
joblate(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int late = 0;

	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0 && strcmp(line, "--\n"))
		if (!strncmp(line, "-- render: ", 11)) {
			late = 1;
			break;
		}
	free(line);
	fclose(f);
	return late;
}

const cJSON *
jobget(const struct jobfile *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j->config, key);

	return cJSON_IsNull(v) ? NULL : v;
}

const char *
jobstr(const struct jobfile *j, const char *key, const char *dflt)
{
	const cJSON *v = jobget(j, key);

	return cJSON_IsString(v) ? v->valuestring : dflt;
}

int
jobbool(const struct jobfile *j, const char *key, int dflt)
{
	const cJSON *v = jobget(j, key);

	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v);
	if (cJSON_IsString(v))
		return !strcmp(v->valuestring, "true") || !strcmp(v->valuestring, "True");
	return dflt;
}

int
relsplit(const char *s, char *part[3])
{
	struct buf b = {0};
	int n = 0, i;

	while (*s) {
		if (n == 3)
			goto fail;
		b.len = 0;
		bufputs(&b, "");
		if (*s == '"') {
			for (s++;; s++) {
				if (!*s)
					goto fail;
				if (*s == '"') {
					if (s[1] != '"')
						break;
					s++;
				}
				bufputc(&b, *s);
			}
			s++;
		} else {
			/* unquoted, as dbt renders a part whose quoting is off:
			 * the server folds it to lower case (ASCII letters only,
			 * as PostgreSQL does in UTF-8) */
			for (; *s && *s != '.'; s++)
				bufputc(&b, *s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
		}
		if (b.len == 0)
			goto fail;
		part[n++] = xstrdup(b.s);
		if (*s == '.')
			s++;
		else if (*s)
			goto fail;
	}
	buffree(&b);
	return n;
fail:
	for (i = 0; i < n; i++)
		free(part[i]);
	buffree(&b);
	return 0;
}

void
jobnormhash(const char *job, size_t n, char out[65])
{
	struct buf b = {0};
	const char *p = job, *body = job + n;

	/* the header ends with its "--" line */
	while (p < job + n) {
		const char *nl = memchr(p, '\n', (size_t)(job + n - p));
		if (!nl)
			break;
		if (nl - p == 2 && p[0] == '-' && p[1] == '-') {
			body = nl + 1;
			break;
		}
		p = nl + 1;
	}
	bufadd(&b, job, (size_t)(body - job));
	sqlnorm(body, (size_t)(job + n - body), &b);
	sha256hex(b.s, b.len, out);
	buffree(&b);
}
