#include "fixture.h"
#include "ninja.h"
#include "tap.h"

int
main(void)
{
	struct ninjaopts o = {0};
	struct manifest m;
	struct buf b = {0};

	ninjapath(&b, "a b:c$d");
	is(b.s, "a$ b$:c$$d", "paths escape space, colon and dollar");
	b.len = 0;
	ninjapath(&b, "p|q#\xc3\xbc\t");
	is(b.s, "p${pipe}q#\xc3\xbc\t", "a pipe is written as a variable; #, UTF-8 and tabs as they are");
	b.len = 0;
	shellquote(&b, "/usr/bin/x");
	shellquote(&b, " it's");
	is(b.s, "/usr/bin/x' it'\\''s'", "shell quoting only where needed");

	writefile("/tmp/dbt2ninja-unit.in", "run = @RUN@ threads = @THREADS@\nconn = @CONN@ # @CONNECTION@\n", 61);
	o.output = "build.ninja";
	o.manifest = "target/manifest.json";
	o.template = "/tmp/dbt2ninja-unit.in";
	o.rules = "rules/dbt.ninja";
	o.generator = "dbt2ninja";
	o.run = "run$";
	o.args = "";
	o.seedprefix = "";
	o.threads = 7;
	o.conn = "target/ninja/conn/k";
	o.conndesc = "host=$h";
	fixturegraph(&m, "{'nodes': {"
	    "'model.p.a': {'resource_type': 'model', 'name': 'a', 'tags': ['x:y'],"
	    " 'original_file_path': 'models/s/a.sql'},"
	    "'model.q.a': {'resource_type': 'model', 'name': 'a', 'alias': 'qa'},"
	    "'model.p.deploy': {'resource_type': 'model', 'name': 'deploy',"
	    " 'depends_on': {'nodes': ['model.p.a']}},"
	    "'test.p.t': {'resource_type': 'test', 'name': 't', 'depends_on': {'nodes': ['model.p.a']}}},"
	    "'exposures': {'exposure.p.e': {'name': 'e', 'depends_on': {'nodes': ['model.p.a']}}}}");
	ninjarender(&m, &o, &b);
	ok(!strncmp(b.s, "run = run$$ threads = 7\nconn = target/ninja/conn/k # host=$$h\n", 56),
	    "the template's variables are filled: the connection's directory and description too");
	ok(strstr(b.s, "\nbuild $conn/ok/model.p.deploy $conn/if/model.p.deploy $conn/data/model.p.deploy:"
	    " model target/ninja/sql/model.p.deploy.sql | $conn/data/model.p.a\n  node = model.p.deploy\n") != NULL,
	    "a deploy edge: its stamps out, job in, parents' contents stamps implicit, no test waited for");
	ok(strstr(b.s, "\nbuild $conn/ok/test.p.t: test target/ninja/sql/test.p.t.sql | $conn/data/model.p.a\n") != NULL,
	    "a test's: its deployment stamp alone, after its parents' contents");
	ok(strstr(b.s, "\nbuild $conn/data/model.p.deploy: contents") == NULL,
	    "a node that stores data has no contents edge: its run writes them");
	ok(strstr(b.s, "\nbuild $conn/built/model.p.deploy: build-model target/ninja/sql/model.p.deploy.sql"
	    " $conn/built/model.p.a || $conn/built/test.p.t\n  node = model.p.deploy\n") != NULL,
	    "its build edge: job and parents' build stamps in, parents' tests order-only");
	ok(strstr(b.s, "\nbuild build.ninja: regen target/manifest.json | /tmp/dbt2ninja-unit.in rules/dbt.ninja\n") != NULL,
	    "the regeneration edge");
	ok(strstr(b.s, "\nbuild deploy: phony $conn/ok/model.p.deploy $conn/ok/model.q.a\n") != NULL,
	    "deploy is every model: those no other needs, which ninja builds after the rest");
	ok(strstr(b.s, "\nbuild test: phony $conn/ok/test.p.t\n") != NULL, "test is every test");
	ok(strstr(b.s, "\nbuild build: phony $conn/built/model.p.deploy $conn/built/model.q.a\n") != NULL,
	    "build is every node's build stamp: of those no other needs (a's test gates deploy)");
	ok(strstr(b.s, "\ndefault deploy\n") != NULL, "deploy is the default");
	ok(strstr(b.s, "\nbuild a: phony $conn/ok/model.p.a $conn/ok/model.q.a\n") != NULL,
	    "a name selects every model of that name, as in dbt");
	ok(strstr(b.s, "\nbuild deploy: phony $conn/ok/model.p.deploy\n") == NULL,
	    "a model named deploy does not take the deploy target");
	ok(strstr(b.s, "\nbuild model.q.a: phony $conn/ok/model.q.a\n") != NULL,
	    "every unique_id is a target");
	ok(strstr(b.s, "\nbuild tag$:x$:y: phony $conn/ok/model.p.a\n") != NULL,
	    "tags are targets, escaped");
	ok(strstr(b.s, "\nbuild path$:models: phony $conn/ok/model.p.a\n") != NULL &&
	    strstr(b.s, "\nbuild path$:models/s: phony $conn/ok/model.p.a\n") != NULL,
	    "every folder of a node's file is a target");
	ok(strstr(b.s, "\nbuild exposure$:e: phony $conn/ok/model.p.a\n") != NULL,
	    "exposures are targets over their upstream");
	manifestfree(&m);

	fixturegraph(&m, "{'nodes': {"
	    "'model.p.a': {'resource_type': 'model', 'name': 'a|b', 'tags': ['x y'], 'relation_name': 'r'},"
	    "'model.p.b': {'resource_type': 'model', 'name': 'target/ninja/conn/k/ok/model.p.a', 'relation_name': 's'},"
	    "'model.p.c': {'resource_type': 'model', 'name': ' c', 'relation_name': 't'}}}");
	ninjarender(&m, &o, &b);
	ok(!strncmp(b.s, "pipe = |\n", 9), "a pipe in a target binds $pipe before anything");
	ok(strstr(b.s, "\nbuild a${pipe}b: phony $conn/ok/model.p.a\n") != NULL,
	    "and the target uses it");
	ok(strstr(b.s, "\nbuild tag$:x$ y: phony $conn/ok/model.p.a\n") != NULL,
	    "a space in a tag is escaped");
	ok(strstr(b.s, "\nbuild target/ninja/conn/k/ok/model.p.a: phony") == NULL,
	    "a name that is a stamp's path is not a target");
	ok(strstr(b.s, "\nbuild $ c: phony $conn/ok/model.p.c\n") != NULL,
	    "a leading space is escaped");
	manifestfree(&m);
	fixturegraph(&m, "{'nodes': {'model.p.a': {'resource_type': 'model', 'name': 'a', 'relation_name': 'r'}}}");
	ninjarender(&m, &o, &b);
	ok(strstr(b.s, "pipe") == NULL, "no pipe, no binding");
	manifestfree(&m);

	fixturegraph(&m, "{'nodes': {"
	    "'model.p.t': {'resource_type': 'model', 'name': 't', 'config': {'materialized': 'table'}},"
	    "'model.p.v': {'resource_type': 'model', 'name': 'v', 'config': {'materialized': 'view'},"
	    " 'depends_on': {'nodes': ['model.p.t']}},"
	    "'model.p.w': {'resource_type': 'model', 'name': 'w', 'config': {'materialized': 'table'},"
	    " 'depends_on': {'nodes': ['model.p.v']}}}}");
	ninjarender(&m, &o, &b);
	ok(strstr(b.s, "\nbuild $conn/ok/model.p.v $conn/if/model.p.v: model target/ninja/sql/model.p.v.sql"
	    " | $conn/if/model.p.t\n  node = model.p.v\n") != NULL,
	    "a view's deploy edge reads its parents' interface stamps, and writes no contents stamp");
	ok(strstr(b.s, "\nbuild $conn/data/model.p.v: contents $conn/ok/model.p.v $conn/data/model.p.t\n"
	    "  node = model.p.v\n") != NULL,
	    "its contents edge follows its own stamp and its parents' contents");
	ok(strstr(b.s, "\nbuild $conn/ok/model.p.w $conn/if/model.p.w $conn/data/model.p.w: model"
	    " target/ninja/sql/model.p.w.sql | $conn/data/model.p.v\n") != NULL,
	    "a table on it reads its contents");
	manifestfree(&m);
	unlink("/tmp/dbt2ninja-unit.in");
	buffree(&b);
	return tap_done();
}
