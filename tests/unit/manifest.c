#include <cjson/cJSON.h>

#include "fixture.h"
#include "hash.h"
#include "tap.h"

int
main(void)
{
	struct manifest m;
	struct node *n;
	char *msg;

	fixture(&m, "{'metadata': {'adapter_type': 'materialize'}, 'nodes': {"
	    "'model.p.b': {'resource_type': 'model', 'name': 'b', 'config': {'materialized': 'view'},"
	    "  'compiled_code': 'select 2', 'relation_name': '\\'db\\'.\\'s\\'.\\'b\\''},"
	    "'model.p.a': {'resource_type': 'model', 'name': 'a', 'config': {'materialized': 'table'},"
	    "  'compiled_sql': 'select 1', 'database': 'db', 'schema': 's', 'alias': 'A'},"
	    "'model.p.e': {'resource_type': 'model', 'config': {'materialized': 'ephemeral'}},"
	    "'model.p.off': {'resource_type': 'model', 'config': {'enabled': false}},"
	    "'model.up.x': {'resource_type': 'model', 'original_file_path': '', 'raw_code': ''},"
	    "'analysis.p.q': {'resource_type': 'analysis'},"
	    "'model.p.py': {'resource_type': 'model', 'language': 'python', 'config': {}},"
	    "'model.p.old': {'resource_type': 'model', 'injected_sql': 'with x as (select 1) select * from x',"
	    "  'compiled_sql': 'select * from x'},"
	    "'model.p.fusion': {'resource_type': 'model', 'config': {'pre_hook': ['select 1']}},"
	    "'seed.p.s': {'resource_type': 'seed'}, 'snapshot.p.n': {'resource_type': 'snapshot'},"
	    "'test.p.t': {'resource_type': 'test'}},"
	    "'sources': {'source.p.raw.t': {}}, 'disabled': {'model.p.gone': [{}]}}");
	is(m.adapter, "materialize", "the adapter comes from metadata.adapter_type");
	ok(m.nnodes == 12, "every entry of nodes is read");
	ok(!strcmp(m.nodes[0].uid, "analysis.p.q") && !strcmp(m.nodes[11].uid, "test.p.t"),
	    "nodes are sorted by unique_id");
	n = manifestnode(&m, "model.p.a");
	ok(n && n->kind == KRUN && n->rtype == RMODEL, "a table model runs");
	is(n->sql, "select 1", "compiled_sql is read");
	is(n->relation, "\"db\".\"s\".\"A\"", "the relation is built from its parts");
	n = manifestnode(&m, "model.p.b");
	is(n->sql, "select 2", "compiled_code is read");
	is(n->relation, "\"db\".\"s\".\"b\"", "relation_name is used as written");
	ok(manifestnode(&m, "model.p.e")->kind == KEPHEMERAL, "ephemeral models are marked");
	ok(manifestnode(&m, "model.p.off")->kind == KIGNORED, "disabled models never run");
	ok(manifestnode(&m, "model.up.x")->kind == KEXTERNAL,
	    "a node injected from another project is an external leaf");
	ok(manifestnode(&m, "analysis.p.q")->kind == KIGNORED, "analyses never run");
	n = manifestnode(&m, "model.p.py");
	ok(n->kind == KRUN && n->sql == NULL, "a python model runs, without SQL");
	is(n->language, "python", "its language is read");
	is(manifestnode(&m, "model.p.old")->sql, "with x as (select 1) select * from x",
	    "injected_sql (ephemeral CTEs, pre-1.0) wins over compiled_sql");
	is(manifestnode(&m, "model.p.fusion")->config, "-- compiled: false\n-- pre-hook: [\"select 1\"]\n",
	    "Fusion's pre_hook is read as pre-hook");
	ok(manifestnode(&m, "seed.p.s")->rtype == RSEED &&
	    manifestnode(&m, "snapshot.p.n")->rtype == RSNAPSHOT &&
	    manifestnode(&m, "test.p.t")->rtype == RTEST, "resource types are read");
	ok(htabget(&m.known, "source.p.raw.t") && htabget(&m.known, "model.p.gone"),
	    "sources and disabled nodes are known ids");
	manifestfree(&m);

	fixture(&m, "{'nodes': {'model.p.a': {'resource_type': 'model'}},"
	    "'disabled': [{'unique_id': 'model.p.old'}]}");
	is(m.adapter, "postgres", "no metadata means postgres");
	ok(htabget(&m.known, "model.p.old") != NULL, "disabled as a list (before v4)");
	manifestfree(&m);

	/* materializations of dbt's names: dbt's own, the project's, a package's */
	fixture(&m, "{'metadata': {'project_name': 'p'}, 'nodes': {"
	    "'model.p.v': {'resource_type': 'model', 'config': {'materialized': 'view'}},"
	    "'model.p.t': {'resource_type': 'model', 'config': {'materialized': 'table'}},"
	    "'model.p.i': {'resource_type': 'model', 'config': {'materialized': 'incremental'}},"
	    "'seed.p.s': {'resource_type': 'seed'}, 'test.p.x': {'resource_type': 'test'}},"
	    "'macros': {'macro.dbt.materialization_view_default': {},"
	    "'macro.dbt_postgres.materialization_table_postgres': {},"
	    "'macro.p.materialization_table_partitioned_default': {},"
	    "'macro.p.materialization_incremental_snowflake': {},"
	    "'macro.p.materialization_test_default': {},"
	    "'macro.pkg.materialization_seed_postgres': {}}}");
	ok(!manifestmatover(&m, manifestnode(&m, "model.p.v"), "postgres", 1) &&
	    !manifestmatover(&m, manifestnode(&m, "model.p.t"), "postgres", 1),
	    "dbt's own materializations are not a project's");
	ok(!manifestmatover(&m, manifestnode(&m, "model.p.i"), "postgres", 1),
	    "nor another adapter's, nor another name's that begins as one");
	is(manifestmatover(&m, manifestnode(&m, "test.p.x"), "postgres", 0),
	    "macro.p.materialization_test_default", "the root project's is run by dbt");
	is(manifestmatover(&m, manifestnode(&m, "seed.p.s"), "materialize", 1),
	    "macro.pkg.materialization_seed_postgres", "a package's, of an adapter inherited, where dbt runs it");
	ok(!manifestmatover(&m, manifestnode(&m, "seed.p.s"), "materialize", 0),
	    "and not where dbt passes it over (1.8's flag)");
	manifestfree(&m);

	/* the render's keys of a node: its text's SHA-256 (rawsum) as it is
	 * read, and manifestsum() of its tree, all of it but created_at */
	{
		static const char *const forms[] = {
			"{'resource_type': 'model', 'created_at': 1.5, 'raw_code': 'x\\\\', 'config': {'meta': {'created_at': 1}}}",
			"{'resource_type': 'model', 'created_at': 1700000000.25, 'raw_code': 'x\\\\', 'config': {'meta': {'created_at': 1}}}",
			"{'created_at': [2, {'a': 3}], 'resource_type': 'model', 'raw_code': 'x\\\\', 'config': {'meta': {'created_at': 1}}}",
			"{'resource_type': 'model', 'created_at': 1.5, 'raw_code': 'x\\\\', 'config': {'meta': {'created_at': 2}}}",
			"{'resource_type': 'model', 'created_at': 1.5, 'raw_code': 'x\\\\\\', \\'created_at\\': 1', 'config': {}}",
			"{'resource_type': 'model', 'created_at': 1.5, 'raw_code': 'x\\\\\\', \\'created_at\\': 2', 'config': {}}",
		};
		char sum[6][SHA256_HEX], raw[2][SHA256_HEX], *t, *q;
		struct buf scratch = {0};
		cJSON *j;
		size_t i;

		for (i = 0; i < 6; i++) {
			t = xstrdup(forms[i]);
			for (q = t; *q; q++)
				if (*q == '\'')
					*q = '"';
			if (!(j = cJSON_Parse(t)))
				fatal("form %zu: bad JSON", i);
			manifestsum(j, &scratch, sum[i]);
			cJSON_Delete(j);
			free(t);
			if (i < 2) {
				t = xasprintf("{'nodes': {'model.p.a': %s}}", forms[i]);
				fixture(&m, t);
				free(t);
				n = manifestnode(&m, "model.p.a");
				ok(n && n->rawsum && !n->rsum, "a node to render has its text's sum as it is read");
				snprintf(raw[i], sizeof(raw[i]), "%s", n && n->rawsum ? n->rawsum : "");
				manifestfree(&m);
			}
		}
		buffree(&scratch);
		ok(strcmp(raw[0], raw[1]) != 0, "which is of every byte, created_at's too");
		is(sum[1], sum[0], "the tree's leaves its created_at out");
		is(sum[2], sum[0], "wherever it is, whatever it holds");
		ok(strcmp(sum[3], sum[0]) != 0, "but not a created_at deeper in the node");
		ok(strcmp(sum[5], sum[4]) != 0, "nor one inside a string");
	}

	fixture(&m, "\xEF\xBB\xBF{'nodes': {'model.p.a': {'resource_type': 'model'}}}");
	ok(m.nnodes == 1, "a byte order mark before the JSON is skipped");
	manifestfree(&m);
	msg = fixturefails("\xEF\xBB\xBF{'nodes': {'model.p.a': {'name': }}}");
	is(msg, "dbt2ninja: FILE:1:34: invalid JSON", "columns count from after the byte order mark");
	free(msg);

	fixture(&m, "{'metadata': {'adapter_type': null, 'dbt_version': null}, 'exposures': null, 'nodes': {"
	    "'model.p.a': {'resource_type': 'model', 'config': {'materialized': null, 'enabled': null},"
	    " 'depends_on': {'nodes': null, 'macros': null}, 'relation_name': null, 'tags': null,"
	    " 'compiled_code': null, 'checksum': null, 'columns': null, 'language': null}}}");
	n = manifestnode(&m, "model.p.a");
	ok(n && n->kind == KRUN && n->ndepids == 0 && n->sql == NULL, "null is absent, in every field");
	manifestfree(&m);
	msg = fixturefails("{'nodes': {'model.p.a': {'resource_type': 'model', 'depends_on': 'model.p.b'}}}");
	is(msg, "dbt2ninja: FILE:1:25: model.p.a: depends_on is a string, not an object",
	    "a depends_on of the wrong type is an error, naming the node and the field");
	free(msg);
	msg = fixturefails("{'nodes': {'model.p.a': {'resource_type': 'model', 'depends_on': {'nodes': ['x', null]}}}}");
	is(msg, "dbt2ninja: FILE:1:25: model.p.a: depends_on.nodes[1] is null, not a string",
	    "so is a node id that is not a string");
	free(msg);
	msg = fixturefails("{'nodes': {'test.p.t': {'resource_type': 'test', 'config': 'x'}}}");
	is(msg, "dbt2ninja: FILE:1:24: test.p.t: config is a string, not an object", "so is a config");
	free(msg);
	msg = fixturefails("{'nodes': {'model.p.off': {'resource_type': 'model', 'config': {'enabled': 0}}}}");
	is(msg, "dbt2ninja: FILE:1:27: model.p.off: config.enabled is a number, not a boolean",
	    "so is a flag");
	free(msg);
	msg = fixturefails("{'nodes': {'model.p.a': {'resource_type': 'model', 'columns': {'id': []}}}}");
	is(msg, "dbt2ninja: FILE:1:25: model.p.a: columns.id is a list, not an object", "so is a column");
	free(msg);
	msg = fixturefails("{'nodes': 3}");
	is(msg, "dbt2ninja: FILE:1:11: nodes is a number, not an object", "nodes must be an object");
	free(msg);
	msg = fixturefails("{'nodes': {}, 'sources': 'x'}");
	is(msg, "dbt2ninja: FILE:1:26: sources is a string, not an object", "and so must sources");
	free(msg);
	return tap_done();
}
