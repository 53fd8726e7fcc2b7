/* jcorpus: render every compiled node of a manifest with dbtctx and
 * compare with dbt's own compiled code, for tests/render.t.
 * Usage: jcorpus manifest.json. Prints one line per node:
 *   same UID | refused UID: message | late UID: message | differs UID
 * (with both texts after a differs line), then a line
 *   total N same S refused R differs D late L (L: the render needs the
 *   database, so the executor renders it when it runs: tests/late.t
 *   compares those with dbt build)
 * Texts are compared with every run of whitespace as one space, none
 * beside a comma or a parenthesis, and the ends trimmed. An incremental model is compared in both forms
 * (is_incremental() false, then true): dbt compiled one of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dbtctx.h"

static int
tight(int c)
{
	return c == ',' || c == '(' || c == ')';
}

static char *
norm(const char *s)
{
	char *r = xmalloc(strlen(s) + 1), *p = r;
	int sp = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			sp = 1;
			continue;
		}
		if (sp && p > r && !tight(p[-1]) && !tight(*s))
			*p++ = ' ';
		sp = 0;
		*p++ = *s;
	}
	*p = '\0';
	return r;
}

static const char *
jstr(cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The target a manifest does not keep, as its nodes show it: database
 * and schema, each the value most of the models that configure none
 * have (dbt's generate_*_name give them the target's). A wrong guess
 * shows as nodes rendered differently. */
static char *
mostof(cJSON *m, const char *field)
{
	cJSON *n, *seen = cJSON_CreateObject(), *k;
	const char *best = NULL;
	char *r;
	int most = 0;

	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(m, "nodes")) {
		cJSON *cfg = cJSON_GetObjectItemCaseSensitive(n, "config");
		const char *v = jstr(n, field), *rt = jstr(n, "resource_type");
		if (!v || !rt || strcmp(rt, "model") || jstr(cfg, field))
			continue;
		if (!(k = cJSON_GetObjectItemCaseSensitive(seen, v)))
			k = cJSON_AddNumberToObject(seen, v, 0);
		cJSON_SetNumberValue(k, k->valuedouble + 1);
	}
	cJSON_ArrayForEach(k, seen)
		if ((int)k->valuedouble > most) {
			most = (int)k->valuedouble;
			best = k->string;
		}
	r = best ? xstrdup(best) : NULL;
	cJSON_Delete(seen);
	return r;
}

static cJSON *
whole(void *m)
{
	return m;
}

static cJSON *
inferred(cJSON *m)
{
	cJSON *t = cJSON_CreateObject();
	static const char *const f[] = {"database", "schema"};
	size_t i;

	for (i = 0; i < 2; i++) {
		char *v = mostof(m, f[i]);
		if (v)
			cJSON_AddStringToObject(t, f[i], v);
		free(v);
	}
	return t;
}

int
main(int argc, char **argv)
{
	struct buf src = {0};
	cJSON *m, *n, *meta;
	struct dbtrun run;
	struct dbtctx *c[2];
	size_t total = 0, same = 0, refused = 0, differs = 0, late = 0;
	int verbose = argc > 2 && !strcmp(argv[2], "-v");

	argv0 = "jcorpus";
	if (argc < 2)
		usageexit("usage: jcorpus manifest.json [-v]", NULL);
	if (readfile(argv[1], &src) < 0)
		fatal("%s:", argv[1]);
	if (!(m = cJSON_Parse(src.s)))
		fatal("%s: invalid JSON", argv[1]);
	meta = cJSON_GetObjectItemCaseSensitive(m, "metadata");
	memset(&run, 0, sizeof(run));
	run.target = inferred(m);
	run.adapter = jstr(meta, "adapter_type") ? jstr(meta, "adapter_type") : "postgres";
	run.dbtversion = jstr(meta, "dbt_version");
	c[0] = dbtctxnew(m, &run);
	dbtctxgraph(c[0], whole, m, NULL);
	run.incremental = 1;
	c[1] = dbtctxnew(m, &run);
	dbtctxgraph(c[1], whole, m, NULL);
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(m, "nodes")) {
		const char *want = jstr(n, "compiled_code");
		const char *rt = jstr(n, "resource_type");
		char *w, *err = NULL;
		int k, done = 0;
		if (!want)
			want = jstr(n, "injected_sql");
		if (!want)
			want = jstr(n, "compiled_sql");
		if (!want || (rt && !strcmp(rt, "operation")))
			continue;
		total++;
		w = norm(want);
		for (k = 0; k < 2 && !done; k++) {
			struct buf out = {0};
			char *g;
			free(err);
			err = NULL;
			if (dbtrender(c[k], n, &out, &err) < 0) {
				buffree(&out);
				break;
			}
			g = norm(out.s ? out.s : "");
			if (!strcmp(g, w)) {
				printf("same %s\n", n->string);
				same++;
				done = 1;
			} else if (k == 1 || !cJSON_GetObjectItemCaseSensitive(n, "config") ||
			    !jstr(cJSON_GetObjectItemCaseSensitive(n, "config"), "materialized") ||
			    strcmp(jstr(cJSON_GetObjectItemCaseSensitive(n, "config"), "materialized"), "incremental")) {
				printf("differs %s\n", n->string);
				if (verbose)
					printf("--- dbt\n%s\n--- ours\n%s\n---\n", w, g);
				differs++;
				done = 1;
			}
			free(g);
			buffree(&out);
		}
		if (!done) {
			char *nl;
			int db = dbtneeddb(c[0]) || dbtneeddb(c[1]);
			for (nl = err; nl && (nl = strchr(nl, '\n'));)
				*nl = ' ';
			/* the executor's to render, on its connection, when it runs */
			printf("%s %s: %s\n", db ? "late" : "refused", n->string, err ? err : "?");
			if (db)
				late++;
			else
				refused++;
		}
		free(err);
		free(w);
	}
	printf("total %zu same %zu refused %zu differs %zu late %zu\n", total, same, refused,
	    differs, late);
	dbtctxfree(c[0]);
	dbtctxfree(c[1]);
	cJSON_Delete(run.target);
	cJSON_Delete(m);
	buffree(&src);
	return 0;
}
