#include "fixture.h"
#include "tap.h"

int
main(void)
{
	struct manifest m;
	struct node *n;

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
	return tap_done();
}
