/* Unit tests for dbtctx: dbt's context over small manifests made here. */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbtctx.h"
#include "tap.h"

static cJSON *m;

static cJSON *
obj(cJSON *parent, const char *key)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(parent, key);

	if (!o)
		o = cJSON_AddObjectToObject(parent, key);
	return o;
}

/* A model (or ephemeral, with mat) uid in package pkg with raw code and
 * the nodes it depends on (NULL-ended). */
static cJSON *
model(const char *pkg, const char *name, const char *mat, const char *raw, const char *const *deps)
{
	char uid[200], rel[200], path[200];
	cJSON *n, *d, *l, *cfg;

	snprintf(uid, sizeof(uid), "model.%s.%s", pkg, name);
	snprintf(rel, sizeof(rel), "\"db\".\"s\".\"%s\"", name);
	snprintf(path, sizeof(path), "models/%s.sql", name);
	n = cJSON_AddObjectToObject(obj(m, "nodes"), uid);
	cJSON_AddStringToObject(n, "unique_id", uid);
	cJSON_AddStringToObject(n, "name", name);
	cJSON_AddStringToObject(n, "alias", name);
	cJSON_AddStringToObject(n, "resource_type", "model");
	cJSON_AddStringToObject(n, "package_name", pkg);
	cJSON_AddStringToObject(n, "database", "db");
	cJSON_AddStringToObject(n, "schema", "s");
	cJSON_AddStringToObject(n, "relation_name", rel);
	cJSON_AddStringToObject(n, "original_file_path", path);
	cJSON_AddStringToObject(n, "raw_code", raw);
	cJSON_AddStringToObject(n, "language", "sql");
	cfg = cJSON_AddObjectToObject(n, "config");
	cJSON_AddStringToObject(cfg, "materialized", mat);
	cJSON_AddStringToObject(cfg, "where", "x");
	d = cJSON_AddObjectToObject(n, "depends_on");
	l = cJSON_AddArrayToObject(d, "nodes");
	for (; deps && *deps; deps++)
		cJSON_AddItemToArray(l, cJSON_CreateString(*deps));
	return n;
}

static void
macro(const char *pkg, const char *name, const char *sql)
{
	char uid[200];
	cJSON *x;

	snprintf(uid, sizeof(uid), "macro.%s.%s", pkg, name);
	x = cJSON_AddObjectToObject(obj(m, "macros"), uid);
	cJSON_AddStringToObject(x, "name", name);
	cJSON_AddStringToObject(x, "package_name", pkg);
	cJSON_AddStringToObject(x, "original_file_path", "macros/m.sql");
	cJSON_AddStringToObject(x, "macro_sql", sql);
}

/* Render uid with run; the output or "error: ..." (static). */
static const char *
render(const struct dbtrun *run, const char *uid)
{
	static char res[2000];
	struct dbtctx *c = dbtctxnew(m, run);
	struct buf out = {0};
	char *err = NULL;

	if (dbtrender(c, cJSON_GetObjectItemCaseSensitive(obj(m, "nodes"), uid), &out, &err) < 0) {
		snprintf(res, sizeof(res), "error: %s", err);
		free(err);
	} else
		snprintf(res, sizeof(res), "%s", out.s ? out.s : "");
	buffree(&out);
	dbtctxfree(c);
	return res;
}

/* Render text as a hook of uid (h NULL: a model's); as render(). */
static const char *
hook(const struct dbtrun *run, const char *uid, const char *text, const struct dbthook *h)
{
	static char res[2000];
	struct dbtctx *c = dbtctxnew(m, run);
	struct buf out = {0};
	char *err = NULL;

	if (dbtrenderstr(c, cJSON_GetObjectItemCaseSensitive(obj(m, "nodes"), uid), "hooks.yml (post-hook 1)",
	    text, h, &out, &err) < 0) {
		snprintf(res, sizeof(res), "error: %s", err);
		free(err);
	} else
		snprintf(res, sizeof(res), "%s", out.s ? out.s : "");
	buffree(&out);
	dbtctxfree(c);
	return res;
}

static void
reset(void)
{
	cJSON_Delete(m);
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(obj(m, "metadata"), "project_name", "p");
	cJSON_AddStringToObject(obj(m, "metadata"), "dbt_version", "1.11.0");
}

int
main(void)
{
	struct dbtrun run = {0};
	static const char *const onx[] = {"model.p.x", NULL};
	static const char *const oneph[] = {"model.p.e", NULL};
	static const char *const oneph2[] = {"model.p.e2", NULL};
	static const char *const twopkgs[] = {"model.q.x", "model.p.x", NULL};
	cJSON *vars, *pkgvars, *q, *target;

	run.adapter = "postgres";

	/* modules.re, in a package's macro as dbt_utils.slugify uses it;
	 * the other modules stay refused */
	reset();
	macro("u", "slug", "{% macro slug(s) %}{{ return(modules.re.sub('[^a-z0-9_]+', '', "
	    "modules.re.sub('[ -]+', '_', s | lower))) }}{% endmacro %}");
	model("p", "a", "view", "{{ u.slug('Order Status-2') }}", NULL);
	is(render(&run, "model.p.a"), "order_status_2", "modules.re.sub in a package's macro");
	model("p", "b", "view", "{{ modules.itertools.chain }}", NULL);
	is(render(&run, "model.p.b"), "error: models/b.sql:1:12: unsupported: modules.itertools",
	    "modules.itertools is refused");
	model("p", "c", "view", "{{ modules.re.sub('a|b', '', 'xab') }}", NULL);
	is(render(&run, "model.p.c"), "x", "an alternation, as Python's");
	model("p", "d", "view", "{{ modules.re.sub('(?<=a)b', '', 'abcb') }}", NULL);
	is(render(&run, "model.p.d"), "acb", "a lookbehind, as Python's");
	model("p", "e", "view", "{{ modules.re.sub('(?>a)b', '', 'x') }}", NULL);
	is(render(&run, "model.p.e"),
	    "error: models/e.sql:1:4: unsupported: modules.re pattern '(?>a)b': atomic group (?>...)",
	    "an atomic group is refused naming the pattern");

	/* dispatch: the root project overrides dbt's own; prefix chains */
	reset();
	macro("dbt", "f", "{% macro f() %}{{ return(adapter.dispatch('f', 'dbt')()) }}{% endmacro %}");
	macro("dbt", "default__f", "{% macro default__f() %}dbt-default{% endmacro %}");
	macro("dbt_postgres", "postgres__f", "{% macro postgres__f() %}dbt-postgres{% endmacro %}");
	model("p", "a", "view", "{{ f() }}|{{ dbt.f() }}", NULL);
	is(render(&run, "model.p.a"), "dbt-postgres|dbt-postgres", "dispatch: the adapter's implementation first");
	macro("p", "postgres__f", "{% macro postgres__f() %}mine{% endmacro %}");
	is(render(&run, "model.p.a"), "mine|mine", "dispatch to 'dbt' searches the root project first");
	run.adapter = "snowflake";
	is(render(&run, "model.p.a"), "dbt-default|dbt-default", "dispatch: another adapter falls to default__");
	run.adapter = "redshift";
	is(render(&run, "model.p.a"), "mine|mine", "dispatch: redshift goes through postgres__");
	run.adapter = "postgres";
	reset();
	macro("dbt", "f", "{% macro f() %}{{ return(adapter.dispatch('f', 'dbt')()) }}{% endmacro %}");
	macro("dbt_postgres", "postgres__f", "{% macro postgres__f() %}dbt-postgres{% endmacro %}");
	macro("p", "default__f", "{% macro default__f() %}mine{% endmacro %}");
	model("p", "a", "view", "{{ f() }}|{{ dbt.f() }}", NULL);
	is(render(&run, "model.p.a"), "mine|mine",
	    "dispatch to 'dbt': the root project's default__ before dbt-postgres's postgres__");

	/* dbt's macros as dbt2ninja's own (a project read without dbt) */
	reset();
	macro("dbt", "_half", "{% macro _half(x) %}{{ x // 2 }}{% endmacro %}");
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(obj(m, "macros"), "macro.dbt._half"),
	    "original_file_path", cJSON_CreateString("gen/builtins/x.sql"));
	model("p", "a", "view", "{{ dbt._half(8) }}|{{ dbt['_half'](6) }}|{{ dbt is mapping }}", NULL);
	is(render(&run, "model.p.a"), "4|3|True", "ours: dbt._name is the namespace's item, as a Mapping's");
	model("p", "b", "view", "{{ dbt.date_spine() }}", NULL);
	is(render(&run, "model.p.b"), "error: models/b.sql:1:8: unsupported: dbt.date_spine, a macro of "
	    "dbt's own that dbt2ninja does not have (a manifest from dbt parse works instead)",
	    "ours: a dbt macro we lack is refused, naming it");

	/* dispatch into a package, and the project's dispatch search order */
	reset();
	macro("q", "g", "{% macro g() %}{{ adapter.dispatch('g', 'q')() }}{% endmacro %}");
	macro("q", "default__g", "{% macro default__g() %}q{% endmacro %}");
	macro("r", "default__g", "{% macro default__g() %}r{% endmacro %}");
	model("p", "a", "view", "{{ q.g() }}", NULL);
	is(render(&run, "model.p.a"), "q", "dispatch to a package: the root project, then the package");
	run.dispatch = cJSON_Parse("[{\"macro_namespace\": \"q\", \"search_order\": [\"r\", \"q\"]}]");
	is(render(&run, "model.p.a"), "r", "dispatch follows dbt_project.yml's search order");
	cJSON_Delete(run.dispatch);
	run.dispatch = NULL;
	reset();
	macro("q", "h", "{% macro h() %}{{ adapter.dispatch('h', 'q')() }}{% endmacro %}");
	model("p", "a", "view", "{{ q.h() }}", NULL);
	is(render(&run, "model.p.a"),
	    "error: in macro macro.q.h (macros/m.sql), line 1:19: In dispatch: No macro named 'h' found within namespace: 'q'\n"
	    "    Searched for: 'p.postgres__h', 'p.default__h', 'q.postgres__h', 'q.default__h'",
	    "dispatch that finds nothing says where it looked, as dbt");

	/* macros override the context's names; builtins keeps them */
	reset();
	macro("p", "ref", "{% macro ref(n) %}{{ return(builtins.ref(n).include(database=false)) }}{% endmacro %}");
	model("p", "x", "table", "select 1", NULL);
	model("p", "a", "view", "select * from {{ ref('x') }}", onx);
	is(render(&run, "model.p.a"), "select * from \"s\".\"x\"", "a project macro named ref overrides ref");

	/* ref: versions and packages */
	reset();
	model("p", "x", "table", "select 1", NULL);
	model("q", "x", "table", "select 1", NULL);
	cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj(m, "nodes"), "model.q.x"),
	    "relation_name", cJSON_CreateString("\"db\".\"other\".\"x\""));
	model("p", "a", "view", "{{ ref('x') }} {{ ref('q', 'x') }}", twopkgs);
	is(render(&run, "model.p.a"), "\"db\".\"s\".\"x\" \"db\".\"other\".\"x\"",
	    "ref prefers the node's own package; two arguments name the package");
	model("q", "b", "view", "{{ ref('x') }}", twopkgs);
	is(render(&run, "model.q.b"), "\"db\".\"other\".\"x\"", "a package's node: its own package first");

	/* ephemeral CTEs: nested, injected after an existing WITH */
	reset();
	model("p", "x", "table", "select 1", NULL);
	model("p", "e2", "ephemeral", "select * from {{ ref('x') }}", onx);
	model("p", "e", "ephemeral", "select * from {{ ref('e2') }}", oneph2);
	model("p", "a", "view", "select * from {{ ref('e') }}", oneph);
	is(render(&run, "model.p.a"),
	    "with __dbt__cte__e2 as (\nselect * from \"db\".\"s\".\"x\"\n),  __dbt__cte__e as (\n"
	    "select * from __dbt__cte__e2\n) select * from __dbt__cte__e",
	    "ephemeral parents as CTEs, theirs first");
	model("p", "w", "view", "  WITH t as (select 1) select * from t, {{ ref('e') }}", oneph);
	is(render(&run, "model.p.w"),
	    "  WITH  __dbt__cte__e2 as (\nselect * from \"db\".\"s\".\"x\"\n),  __dbt__cte__e as (\n"
	    "select * from __dbt__cte__e2\n), t as (select 1) select * from t, __dbt__cte__e",
	    "injected after the SQL's own WITH, as dbt's sqlparse does");

	/* vars: scoped to the package over global, over the package's own */
	reset();
	model("q", "a", "view", "{{ var('v') }} {{ var('w') }} {{ var('u') }} {{ var('z', 'dflt') }}", NULL);
	vars = cJSON_Parse("{\"v\": \"global\", \"q\": {\"v\": \"scoped\"}, \"w\": 2}");
	pkgvars = cJSON_Parse("{\"q\": {\"w\": \"own\", \"u\": \"own\"}}");
	run.vars = vars;
	run.pkgvars = pkgvars;
	is(render(&run, "model.q.a"), "scoped 2 own dflt", "var: root scoped, root global, package's own, default");
	model("q", "h", "view", "{{ var.has_var('v') }} {{ var.has_var('u') }} {{ var.has_var('z') }} {{ var('z', 'd') }}", NULL);
	is(render(&run, "model.q.h"), "True True False d", "var.has_var: where var() finds it");
	model("p", "h2", "view", "{{ var.has_var('v') }} {{ var.has_var('u') }}", NULL);
	is(render(&run, "model.p.h2"), "True False", "var.has_var: another package's own vars are not its");
	model("p", "b", "view", "{{ var('nope') }}", NULL);
	is(render(&run, "model.p.b"), "error: models/b.sql:1:4: Required var 'nope' not found in config",
	    "a var nowhere is dbt's error");
	run.vars = run.pkgvars = NULL;
	cJSON_Delete(vars);
	cJSON_Delete(pkgvars);

	/* is_incremental through dbt's own macro and the node's relation */
	reset();
	macro("dbt", "is_incremental", "{% macro is_incremental() %}{% if not execute %}{{ return(False) }}"
	    "{% else %}{% set relation = adapter.get_relation(this.database, this.schema, this.identifier) %}"
	    "{{ return(relation is not none and relation.type == 'table' and "
	    "model.config.materialized == 'incremental') }}{% endif %}{% endmacro %}");
	model("p", "i", "incremental", "select 1{% if is_incremental() %} where new{% endif %}", NULL);
	is(render(&run, "model.p.i"), "select 1", "is_incremental() false on the first run's form");
	run.incremental = 1;
	is(render(&run, "model.p.i"), "select 1 where new", "and true on the incremental form");
	run.incremental = 0;
	model("p", "j", "view", "{{ adapter.get_relation('db', 's', 'i') }}", NULL);
	ok(strstr(render(&run, "model.p.j"), "adapter.get_relation() of a relation other than this needs the database") != NULL,
	    "another relation's existence needs the database: left to run time");

	/* generic tests' kwargs, natively rendered */
	reset();
	macro("dbt", "test_t", "{% test t(model, column_name, values) %}{{ model }}|{{ column_name }}|{{ values }}{% endtest %}");
	model("p", "x", "table", "select 1", NULL);
	q = model("p", "t1", "test", "{{ test_t(**_dbt_generic_test_kwargs) }}", onx);
	cJSON_ReplaceItemInObjectCaseSensitive(q, "resource_type", cJSON_CreateString("test"));
	cJSON_AddItemToObject(q, "test_metadata", cJSON_Parse(
	    "{\"name\": \"t\", \"kwargs\": {\"model\": \"ref('x')\", \"column_name\": \"{{ c }}\", \"values\": [\"a\", 1]}}"));
	is(render(&run, "model.p.t1"), "\"db\".\"s\".\"x\"|{{ c }}|['a', 1]",
	    "test kwargs: a bare ref() rendered to its relation, column_name left as written");

	/* api.Column.numeric_type, as dbt's type_numeric calls it */
	reset();
	model("p", "a", "view", "{{ api.Column.numeric_type('numeric', 28, 6) }}|"
	    "{{ api.Column.numeric_type('numeric', none, 6) }}", NULL);
	is(render(&run, "model.p.a"), "numeric(28,6)|numeric", "api.Column.numeric_type");
	/* dbt's set and set_strict: Python's sets */
	model("p", "sets", "view", "{{ set(['a']) }} {{ 'b' in set(['a', 'b']) }} {{ set(3) }} "
	    "{{ set(3, default=[]) }} {{ set_strict('xx') }}", NULL);
	is(render(&run, "model.p.sets"), "{'a'} True None [] {'x'}", "set() and set_strict()");
	/* strs, whose hashes each process seeds: in the order added */
	model("p", "strs", "view", "{% for t in set_strict(['u', 'n', 'u', 'a']) %}{{ t }}{% endfor %} "
	    "{{ set(['b', 'a']) }} {{ set(['b', 'a']) | join }}", NULL);
	is(render(&run, "model.p.strs"), "una {'b', 'a'} ba", "a set of strs iterates in the order added");
	model("p", "clock", "view", "{{ run_started_at - 1 }}", NULL);
	is(render(&run, "model.p.clock"), "error: models/clock.sql:1:19: unsupported: run_started_at "
	    "(not known when rendering here)", "an operand refused here says so, naming itself");
	model("p", "ints", "view", "{% for t in set([2, 1]) %}{{ t }}{% endfor %}", NULL);
	is(render(&run, "model.p.ints"), "error: models/ints.sql:1:16: unsupported: iterating a set of "
	    "more than one item that is not a str: Python's order of its items is its hash table's",
	    "one of ints, whose order is Python's hash table's, is refused");
	model("p", "b", "view", "{{ flags.EMPTY }}", NULL);
	is(render(&run, "model.p.b"), "False", "flags.EMPTY: no --empty");
	model("p", "c", "view", "{{ flags.WHICH }}", NULL);
	ok(strstr(render(&run, "model.p.c"), "flags.WHICH needs the database: the node is rendered when it runs") != NULL,
	    "flags.WHICH: the verb the node runs under, known when it runs");
	model("p", "ia", "view", "{{ invocation_args_dict.get('which') }}", NULL);
	ok(strstr(render(&run, "model.p.ia"), "flags.WHICH needs the database: the node is rendered when it runs") != NULL,
	    "invocation_args_dict.get('which'): flags.WHICH, known when it runs");
	model("p", "ib", "view", "{{ invocation_args_dict['select'] }}", NULL);
	is(render(&run, "model.p.ib"), "error: models/ib.sql:1:24: unsupported: invocation_args_dict[select] (but 'which')",
	    "invocation_args_dict: any other argument refused by name");

	/* what is not known is refused by name, never printed empty */
	reset();
	model("p", "a", "view", "x {{ run_started_at }}", NULL);
	is(render(&run, "model.p.a"), "error: models/a.sql:1:6: unsupported: run_started_at", "run_started_at refused");
	model("p", "b", "view", "{{ target.name }}", NULL);
	is(render(&run, "model.p.b"), "error: models/b.sql:1:11: unsupported: target.name is not known here",
	    "a target attribute the profile did not give: refused");
	target = cJSON_Parse("{\"name\": \"ci\", \"schema\": \"s\"}");
	run.target = target;
	is(render(&run, "model.p.b"), "ci", "target.name from the profile");
	run.target = NULL;
	cJSON_Delete(target);
	model("p", "c", "view", "{% set cols = adapter.get_columns_in_relation(this) %}", NULL);
	ok(strstr(render(&run, "model.p.c"), "adapter.get_columns_in_relation() needs the database") != NULL,
	    "introspection needs the database, naming it");
	model("p", "c2", "view", "{% set t = adapter.execute('select 1', fetch=True) %}", NULL);
	ok(strstr(render(&run, "model.p.c2"), "adapter.execute() needs the database") != NULL,
	    "a statement needs the database");
	model("p", "c3", "view", "{{ adapter.list_relations_without_caching(this) }}", NULL);
	ok(strstr(render(&run, "model.p.c3"), "unsupported: adapter.list_relations_without_caching") != NULL,
	    "an adapter method the executor does not give either: refused, naming it");
	model("p", "d", "view", "{{ config.get('where') }} {{ config.get('nope', 'd') }} {{ config('x') }}", NULL);
	is(render(&run, "model.p.d"), "x d ", "config.get reads the node's config; config() sets");
	model("p", "e", "view", "{{ tojson({'b': [1, 'x<'], 'a': none}) }}", NULL);
	is(render(&run, "model.p.e"), "{\"b\": [1, \"x<\"], \"a\": null}", "tojson as json.dumps");

	/* hooks: the node's context, as dbt renders them when it runs */
	reset();
	macro("dbt", "is_incremental", "{% macro is_incremental() %}{{ return(adapter.get_relation("
	    "this.database, this.schema, this.identifier) is not none) }}{% endmacro %}");
	macro("p", "audit", "{% macro audit(w) %}insert into log values ('{{ w }}', '{{ this }}'){% endmacro %}");
	model("p", "x", "table", "select 1", NULL);
	model("p", "i", "incremental", "select 1", NULL);
	model("p", "e", "ephemeral", "select 1", NULL);
	is(hook(&run, "model.p.x", "{{ audit('post ' ~ this.name) }}", NULL),
	    "insert into log values ('post x', '\"db\".\"s\".\"x\"')",
	    "a hook calls the project's macros, this being the node's relation");
	is(hook(&run, "model.p.x", "{% if is_incremental() %}a{% else %}b{% endif %}", NULL), "b",
	    "is_incremental() in a hook of a model that is not incremental: false, whatever the database");
	is(hook(&run, "model.p.i", "{% if is_incremental() %}a{% endif %}", NULL),
	    "error: hooks.yml (post-hook 1):1:7: is_incremental() in a hook of an incremental "
	    "model needs the database: the node is rendered when it runs",
	    "in a hook of an incremental model it needs the run: left to it, naming the hook");
	run.incremental = 1;
	ok(strstr(hook(&run, "model.p.x", "{{ adapter.get_relation(this.database, this.schema, this.identifier) }}",
	    NULL), "adapter.get_relation() in a hook needs the database") != NULL,
	    "adapter.get_relation in a hook needs the database when it runs, whatever the render is told");
	run.incremental = 0;
	ok(strstr(hook(&run, "model.p.x", "{% if flags.FULL_REFRESH %}x{% endif %}", NULL),
	    "flags.FULL_REFRESH in a hook needs the database") != NULL,
	    "flags.FULL_REFRESH in a hook: known when it runs");
	ok(strstr(hook(&run, "model.p.x", "{{ adapter.execute('select 1') }}", NULL),
	    "adapter.execute() needs the database") != NULL, "a query in a hook: left to the run, naming it");
	model("p", "y", "table", "select 1", oneph);
	is(hook(&run, "model.p.y", "select * from {{ ref('e') }}", NULL),
	    "error: hooks.yml (post-hook 1): unsupported: a reference to the ephemeral model model.p.e in a hook",
	    "an ephemeral model in a hook: dbt injects no CTE there, refused");
	setenv("DBTCTX_HOOK_ENV", "v1", 1);
	{
		struct dbtctx *c = dbtctxnew(m, &run);
		struct buf out = {0};
		char *err = NULL;
		ok(dbtrenderstr(c, cJSON_GetObjectItemCaseSensitive(obj(m, "nodes"), "model.p.x"), "h",
		    "{{ env_var('DBTCTX_HOOK_ENV') }}", NULL, &out, &err) == 0 && !strcmp(out.s, "v1") &&
		    !strcmp(dbtenvs(c), "DBTCTX_HOOK_ENV\n"), "a hook's env vars are read and said");
		buffree(&out);
		dbtctxfree(c);
	}
	{
		static const char *const pairs[] = {"db", "s", "db", "t", NULL, "s"};
		struct dbthook h = {1, 0, NULL, 0, NULL, 0, 0, 0};
		q = model("p", "on-run-start-0", "view", "", NULL);
		cJSON_ReplaceItemInObjectCaseSensitive(q, "resource_type", cJSON_CreateString("operation"));
		is(hook(&run, "model.p.on-run-start-0", "{{ this }} {{ audit('start') }}|{{ schemas }}|", &h),
		    "None insert into log values ('start', 'None')||",
		    "on-run-start: this is none, schemas undefined (dbt passes no extra context)");
		h.end = 1;
		h.dbschemas = pairs;
		h.nschemas = 3;
		is(hook(&run, "model.p.on-run-start-0", "{{ schemas }} {{ database_schemas }} "
		    "{% for d, s in database_schemas %}{{ d }}.{{ s }};{% endfor %}", &h),
		    "['s', 't'] [('db', 's'), ('db', 't'), (None, 's')] db.s;db.t;None.s;",
		    "on-run-end: schemas once each, database_schemas as pairs");
		is(hook(&run, "model.p.on-run-start-0", "{% for r in results %}{{ r.status }}{% endfor %}", &h),
		    "error: hooks.yml (post-hook 1):1:13: on-run-end's results needs the database: the hook "
		    "is rendered when it runs", "on-run-end's results need the run: left to the executor");
		ok(strstr(hook(&run, "model.p.on-run-start-0", "{{ results }}", &h), "results") != NULL,
		    "and printed whole: refused");
		h.results = cJSON_Parse("[{\"node\": {\"unique_id\": \"model.p.x\", \"name\": \"x\"}, "
		    "\"status\": \"success\", \"timing\": [{\"name\": \"execute\", \"started_at\": "
		    "\"2026-01-01T00:00:00.000001Z\"}], \"execution_time\": 0.25, \"adapter_response\": "
		    "{\"_message\": \"SELECT 3\", \"rows_affected\": 3}, \"message\": \"SELECT 3\", "
		    "\"failures\": null}]");
		is(hook(&run, "model.p.on-run-start-0", "{% for r in results %}{{ r.node.unique_id }} "
		    "{{ r.status }} {{ r.adapter_response.rows_affected }} {{ r.execution_time }} "
		    "{{ r.failures }} {{ r.timing[0].name }}{% endfor %}", &h),
		    "model.p.x success 3 0.25 None execute", "with the run's results: dbt's RunResults");
		ok(strstr(hook(&run, "model.p.on-run-start-0", "{{ results[0].timing[0].started_at }}", &h),
		    "datetime of results' timing") != NULL, "a timing's datetime: refused");
		cJSON_Delete(h.results);
		h.results = NULL;
		is(hook(&run, "model.p.on-run-start-0", "{% if is_incremental() %}x{% endif %}", &h),
		    "error: hooks.yml (post-hook 1):1:7: unsupported: is_incremental() in a hook of "
		    "on-run-start or on-run-end",
		    "is_incremental() in an operation: refused");
	}

	cJSON_Delete(m);
	return tap_done();
}
