/* jrender: render one template with the Jinja engine, for tests/jinja.t.
 * Usage: jrender template.j2 [context.json]. Prints the output, or the
 * error on stderr and exits 1. JSON numbers that are integral become ints
 * (cJSON keeps no distinction), others floats: dbtctx's dbtjson. The
 * context has dbt's modules too (jre.h), set and set_strict (jset.h), and
 * Decimal(text) (jdec.h), as tests/jinja.t gives Jinja2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dbtctx.h"
#include "jdec.h"
#include "jeval.h"
#include "jre.h"
#include "jset.h"

/* Decimal(text), as agate gives a number from the database. */
static struct jv *
fndecimal(struct jev *v, void *data, struct jcall *c)
{
	struct jv *r;

	(void)data;
	if (c->npos != 1 || c->nkw || c->pos[0]->type != JSTR)
		jfail(v, "Decimal() takes one str");
	if (!(r = jdecnew(jevarena(v), c->pos[0]->u.str.s)))
		jfail(v, "unsupported: Decimal('%s')", c->pos[0]->u.str.s);
	return r;
}

int
main(int argc, char **argv)
{
	struct arena a = {0};
	struct buf src = {0}, js = {0}, out = {0};
	struct jv *ctx = NULL;
	const char *name;
	char *err;
	cJSON *j;

	argv0 = "jrender";
	if (argc < 2 || argc > 3)
		usageexit("usage: jrender template [context.json]", NULL);
	if (readfile(argv[1], &src) < 0)
		fatal("%s:", argv[1]);
	if (argc == 3) {
		if (readfile(argv[2], &js) < 0)
			fatal("%s:", argv[2]);
		if (!(j = cJSON_Parse(js.s)))
			fatal("%s: invalid JSON", argv[2]);
		ctx = dbtjson(&a, j);
		cJSON_Delete(j);
	}
	if (!ctx)
		ctx = jvdict(&a);
	jvset(&a, ctx, jvstr(&a, "modules", 7), jremodules(&a, NULL));
	jsetnames(&a, ctx);
	jvset(&a, ctx, jvstr(&a, "Decimal", 7), jvfunc(&a, "Decimal", fndecimal, NULL));
	name = strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1];
	if (jrender(name, src.s ? src.s : "", src.len, ctx, &a, &out, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		free(err);
		buffree(&src); buffree(&js); buffree(&out); arenafree(&a);
		return 1;
	}
	fwrite(out.s ? out.s : "", 1, out.len, stdout);
	buffree(&src); buffree(&js); buffree(&out); arenafree(&a);
	return 0;
}
