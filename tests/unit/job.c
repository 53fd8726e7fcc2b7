#include "fixture.h"
#include "tap.h"

#define SAME(a, b) jobsame((a), strlen(a), (b), strlen(b))

int
main(void)
{
	struct jobopts o = {"tests/unit/", NULL};
	struct manifest m;
	struct buf b = {0};
	char *s, longid[400];

	s = jobname("model.shop.orders");
	is(s, "model.shop.orders", "a plain unique_id is its own file name");
	free(s);
	s = jobname("test.p.a b/c:d%");
	is(s, "test.p.a%20b%2Fc%3Ad%25", "unsafe bytes are escaped");
	free(s);
	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	memcpy(longid, "test.p.", 7);
	s = jobname(longid);
	ok(strlen(s) == NAMEMAX, "a long name is cut to NAMEMAX bytes");
	ok(!strncmp(s + NAMEMAX - 66, "%%", 2) && strspn(s + NAMEMAX - 64, "0123456789abcdef") == 64,
	    "and ends in %% and the SHA-256 of the unique_id");
	{
		/* a unique_id spelled as another's cut name is not given it */
		char *t = jobname(s);
		ok(strcmp(t, s) != 0, "a unique_id spelled as another's cut name gets a name of its own");
		free(t);
	}
	free(s);
	longid[300] = 'y';
	s = jobname(longid);
	{
		char *t;
		longid[300] = 'x';
		t = jobname(longid);
		ok(strcmp(s, t) != 0, "two long ids with one prefix get two names");
		free(t);
	}
	free(s);
	s = jobname(".");
	is(s, "%2E", "a leading dot is escaped: no name is . or .., or hidden");
	free(s);
	s = jobname("..x");
	is(s, "%2E.x", "only the leading one");
	free(s);

	fixture(&m, "{'metadata': {'adapter_type': 'postgres'}, 'nodes': {"
	    "'model.p.a': {'resource_type': 'model', 'relation_name': 'r', "
	    " 'compiled_code': 'select 1', 'description': 'The A.', 'columns': {"
	    "  'id': {'description': 'key', 'data_type': 'int'}, 'x': {'description': ''}},"
	    " 'config': {'materialized': 'incremental', 'unique_key': ['id'], 'grants': {},"
	    "  'post-hook': [{'sql': 'analyze', 'transaction': true}], 'tags': ['t'],"
	    "  'persist_docs': {'relation': true, 'columns': true}, 'full_refresh': null}},"
	    "'seed.p.s': {'resource_type': 'seed', 'relation_name': 's',"
	    " 'original_file_path': 'seed.csv', 'config': {'materialized': 'seed'}},"
	    "'model.p.py': {'resource_type': 'model', 'language': 'python', 'relation_name': 'py'}}}");
	jobrender(&m, manifestnode(&m, "model.p.a"), &o, &b);
	is(b.s, "-- dbt2ninja job 1\n"
	    "-- unique_id: model.p.a\n"
	    "-- resource_type: model\n"
	    "-- materialized: incremental\n"
	    "-- relation: r\n"
	    "-- adapter: postgres\n"
	    "-- columns: {\"id\":{\"description\":\"key\"}}\n"
	    "-- description: \"The A.\"\n"
	    "-- persist_docs: {\"relation\":true,\"columns\":true}\n"
	    "-- post-hook: [{\"sql\":\"analyze\",\"transaction\":true}]\n"
	    "-- unique_key: [\"id\"]\n"
	    "--\n"
	    "select 1\n", "a model's job: fixed header, sorted keys, no nulls or empties, SQL");
	jobrender(&m, manifestnode(&m, "seed.p.s"), &o, &b);
	ok(strstr(b.s, "-- seed_path: \"tests/unit/seed.csv\"\n-- seed_sha256: null\n--\n") != NULL,
	    "a seed's job names its CSV, and null for a missing one");
	jobrender(&m, manifestnode(&m, "model.p.py"), &o, &b);
	ok(strstr(b.s, "-- compiled: false\n-- language: \"python\"\n--\n") != NULL,
	    "a python model's job says so");
	manifestfree(&m);

	fixture(&m, "{'nodes': {'model.p.c': {'resource_type': 'model', 'relation_name': 'c',"
	    " 'compiled_code': 'select 1', 'columns': {"
	    "  'id': {'data_type': 'int', 'quote': true, 'constraints': [{'type': 'not_null', 'name': null,"
	    "   'expression': null, 'warn_unenforced': true, 'to': null, 'to_columns': []}]}},"
	    " 'constraints': [{'type': 'primary_key', 'name': 'pk', 'columns': ['id'], 'to': null}],"
	    " 'config': {'materialized': 'table', 'contract': {'enforced': true}}}}}");
	jobrender(&m, manifestnode(&m, "model.p.c"), &o, &b);
	ok(strstr(b.s, "-- columns: {\"id\":{\"data_type\":\"int\",\"quote\":true,"
	    "\"constraints\":[{\"type\":\"not_null\"}]}}\n") != NULL &&
	    strstr(b.s, "-- constraints: [{\"type\":\"primary_key\",\"name\":\"pk\","
	    "\"columns\":[\"id\"]}]\n") != NULL,
	    "an enforced contract's job has its columns' quoting and constraints, and the model's");
	manifestfree(&m);

	fixture(&m, "{'nodes': {'model.p.s': {'resource_type': 'model', 'relation_name': 's',"
	    " 'compiled_code': 'select 1', 'columns': {'a': {'data_type': 'String'}, 'b': {'data_type': 'int'}},"
	    " 'config': {'materialized': 'table', 'contract': {'enforced': true}}},"
	    " 'model.p.t': {'resource_type': 'model', 'relation_name': 't',"
	    " 'compiled_code': 'select 1', 'columns': {'a': {'data_type': 'string'}},"
	    " 'config': {'materialized': 'table', 'contract': {'enforced': true, 'alias_types': false}}}}}");
	jobrender(&m, manifestnode(&m, "model.p.s"), &o, &b);
	ok(strstr(b.s, "-- columns: {\"a\":{\"data_type\":\"TEXT\"},\"b\":{\"data_type\":\"int\"}}\n") != NULL,
	    "a contract's string is TEXT, as dbt's alias_types translates it");
	jobrender(&m, manifestnode(&m, "model.p.t"), &o, &b);
	ok(strstr(b.s, "\"data_type\":\"string\"") != NULL, "and stays string without alias_types");
	manifestfree(&m);

	ok(SAME("-- h\n--\nselect  1 -- x\n", "-- h\n--\nselect 1\n"),
	    "jobs differing in layout run the same");
	ok(!SAME("-- h\n--\nselect 1\n", "-- g\n--\nselect 1\n"),
	    "a changed header is a change");
	ok(!SAME("-- h\n--\nselect 1\n", "-- h\n--\nselect 2\n"),
	    "a changed token is a change");
	ok(!SAME("garbage", "-- h\n--\nselect 1\n"), "a damaged file is a change");
	buffree(&b);
	return tap_done();
}
