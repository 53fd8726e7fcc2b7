#include "fixture.h"
#include "tap.h"

#define M(id, extra) "'" id "': {'resource_type': 'model', 'name': '" id "', " extra "}"
#define DEPS(...) "'depends_on': {'nodes': [" __VA_ARGS__ "]}"

int
main(void)
{
	struct manifest m;
	struct node *n;
	char *s;

	fixturegraph(&m, "{'nodes': {"
	    M("model.p.a", DEPS("'source.p.r.t'")) ","
	    M("model.p.e1", "'config': {'materialized': 'ephemeral'}, " DEPS("'model.p.a'")) ","
	    M("model.p.e2", "'config': {'materialized': 'ephemeral'}, " DEPS("'model.p.e1', 'model.p.b'")) ","
	    M("model.p.b", DEPS("'model.p.a', 'model.p.a'")) ","
	    M("model.p.c", DEPS("'model.p.e2', 'model.p.b', 'model.up.x'")) ","
	    M("model.up.x", "'original_file_path': '', 'raw_code': ''") ","
	    "'test.p.ta': {'resource_type': 'test', " DEPS("'model.p.a'") "},"
	    "'test.p.rel': {'resource_type': 'test', " DEPS("'model.p.b', 'model.p.a'") "},"
	    "'test.p.rc': {'resource_type': 'test', " DEPS("'model.p.c', 'model.p.b'") "}"
	    "}, 'sources': {'source.p.r.t': {}},"
	    "'exposures': {'exposure.p.dash': {'name': 'dash', " DEPS("'model.p.e2'") "}}}");
	n = manifestnode(&m, "model.p.b");
	ok(n->ndeps == 1, "duplicate depends_on entries count once");
	s = ids(n->parents, n->nparents);
	is(s, "model.p.a", "sources are not parents");
	free(s);
	n = manifestnode(&m, "model.p.c");
	s = ids(n->parents, n->nparents);
	is(s, "model.p.a model.p.b",
	    "ephemeral parents are replaced by their own parents, transitively, once each");
	free(s);
	s = ids(m.exposures[0].parents, m.exposures[0].nparents);
	is(s, "model.p.a model.p.b", "exposures reach through ephemeral models too");
	free(s);
	s = ids(manifestnode(&m, "model.p.a")->tests, manifestnode(&m, "model.p.a")->ntests);
	is(s, "test.p.rel test.p.ta", "a node lists its tests");
	free(s);
	n = manifestnode(&m, "model.p.b");
	s = ids(n->gates, n->ngates);
	is(s, "test.p.ta", "a child waits for its parent's tests, not for tests on itself");
	free(s);
	n = manifestnode(&m, "model.p.c");
	s = ids(n->gates, n->ngates);
	is(s, "test.p.rel test.p.ta",
	    "a test on several nodes gates a child of all of them, not one it depends on");
	free(s);
	manifestfree(&m);
	return tap_done();
}
