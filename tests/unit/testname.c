/* Generic tests' names and hashes as dbt-core 1.11 makes them (the
 * expected values are dbt's synthesize_generic_test_names and
 * create_test_node run on the same arguments), and the config merges of
 * nodecfg.h. */
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "nodecfg.h"
#include "tap.h"
#include "testname.h"

static void
names(const char *type, const char *target, const char *args, const char *wshort,
    const char *wfull, const char *whash, const char *what)
{
	cJSON *a = cJSON_Parse(args), *meta = cJSON_CreateObject();
	char *s = NULL, *f = NULL, *err = NULL, h[11] = "";

	ok(testnames(type, target, a, &s, &f, &err) == 0, what);
	is(s, wshort, "  its short name");
	is(f, wfull, "  its full name");
	cJSON_AddNullToObject(meta, "namespace");
	cJSON_AddStringToObject(meta, "name", type);
	cJSON_AddItemToObject(meta, "kwargs", a);
	if (whash) {
		ok(testhash(f, meta, h, &err) == 0, "  its hash is made");
		is(h, whash, "  its hash is dbt's");
	} else {
		ok(testhash(f, meta, h, &err) < 0 && err, "  its hash is refused: repr() of non-ASCII");
		free(err);
	}
	cJSON_Delete(meta);
	free(s);
	free(f);
}

static char *
merged(const char *base, const char *partial, int calls)
{
	cJSON *b = cJSON_Parse(base), *p = cJSON_Parse(partial);
	char *r, *err = NULL;

	if (calls)
		cfgcallmerge(b, p);
	else
		cfgupdate(b, p);
	if (cfgfinish(b, &err) < 0) {
		free(err);
		r = NULL;
	} else
		r = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	cJSON_Delete(p);
	return r;
}

int
main(void)
{
	char *s;
	cJSON *d;

	names("not_null", "orders",
	    "{\"column_name\":\"id\",\"model\":\"{{ get_where_subquery(ref('orders')) }}\"}",
	    "not_null_orders_id", "not_null_orders_id", "84ef11d8fe", "not_null: model left out of the name");
	names("accepted_values", "t",
	    "{\"column_name\":\"c\",\"values\":[\"a'b\",1,true,null,1.5],\"model\":\"m\"}",
	    "accepted_values_t_c__a_b__1__True__None__1_5",
	    "accepted_values_t_c__a_b__1__True__None__1_5", "56e8bb3842",
	    "a list's items each as Python's str(), runs of other characters one _");
	names("relationships", "a_rather_long_model_name",
	    "{\"column_name\":\"customer_id\",\"to\":\"ref('customers')\",\"field\":\"id\",\"model\":\"m\"}",
	    "relationships_a_rather_long_mo_71d0585a9a5bf487d3ed74681a19e8f5",
	    "relationships_a_rather_long_model_name_customer_id__id__ref_customers_", "b5cc50ebb2",
	    "64 characters or more: 30 of them and the MD5 of the full name; arguments sorted");
	names("custom", "t",
	    "{\"column_name\":\"c\",\"opts\":{\"x\":\"\xc3\xa9 q\",\"y\":[1,2]},\"model\":\"m\"}",
	    "custom_t_c___q___1_2_", "custom_t_c___q___1_2_", NULL,
	    "a mapping's values each on its own, a list among them as its str()");

	s = merged("{\"tags\":[\"a\"],\"meta\":{\"x\":1},\"materialized\":\"view\"}",
	    "{\"tags\":\"b\",\"meta\":{\"y\":2},\"materialized\":\"table\"}", 0);
	is(s, "{\"tags\":[\"a\",\"b\"],\"meta\":{\"x\":1,\"y\":2},\"materialized\":\"table\"}",
	    "update_from: tags append, meta updates, the rest replaces");
	free(s);
	s = merged("{\"grants\":{\"select\":\"a\"}}", "{\"grants\":{\"+select\":[\"b\"],\"insert\":\"c\"}}", 0);
	is(s, "{\"grants\":{\"select\":[\"a\",\"b\"],\"insert\":[\"c\"]}}", "grants: +key extends, a key is a list");
	free(s);
	s = merged("{\"post-hook\":[]}", "{\"post_hook\":\"analyze x\"}", 0);
	is(s, "{\"post-hook\":[{\"sql\":\"analyze x\",\"transaction\":true,\"index\":null}]}",
	    "post_hook is post-hook, a string is a hook run in the transaction");
	free(s);
	s = merged("{\"pre-hook\":[]}", "{\"pre-hook\":[{\"sql\":\"x\",\"transaction\":false}]}", 0);
	is(s, "{\"pre-hook\":[{\"sql\":\"x\",\"transaction\":false,\"index\":null}]}", "a hook outside the transaction");
	free(s);
	s = merged("{\"pre-hook\":[]}", "{\"pre-hook\":[{\"sql\":\"x\",\"when\":1}]}", 0);
	ok(s == NULL, "a hook with a key dbt does not have is refused");
	free(s);
	s = merged("{}", "{\"tags\":\"a\",\"alias\":\"x\"}", 1);
	is(s, "{\"tags\":\"a\",\"alias\":\"x\"}", "a first config() call is taken as it is");
	free(s);
	s = merged("{\"tags\":\"a\",\"alias\":\"x\"}", "{\"tags\":[\"b\"],\"alias\":\"y\"}", 1);
	is(s, "{\"tags\":[\"a\",\"b\"],\"alias\":\"y\"}", "merge_config_dicts: tags collect, alias replaces");
	free(s);

	d = cfgdefaults(CTEST);
	s = cJSON_PrintUnformatted(d);
	is(s, "{\"enabled\":true,\"alias\":null,\"schema\":\"dbt_test__audit\",\"database\":null,"
	    "\"tags\":[],\"meta\":{},\"group\":null,\"static_analysis\":null,\"materialized\":\"test\","
	    "\"severity\":\"ERROR\",\"store_failures\":null,\"store_failures_as\":null,\"where\":null,"
	    "\"limit\":null,\"fail_calc\":\"count(*)\",\"warn_if\":\"!= 0\",\"error_if\":\"!= 0\"}",
	    "a test's defaults are dbt's TestConfig, in its order");
	free(s);
	cJSON_Delete(d);
	s = merged("{\"enabled\":true,\"transient\":false,\"tags\":[]}",
	    "{\"bind\":false,\"transient\":true,\"tags\":\"a\"}", 0);
	is(s, "{\"enabled\":true,\"transient\":true,\"tags\":[\"a\"],\"bind\":false}",
	    "a key of no field replaces, in its first place; a new one goes last");
	free(s);
	return tap_done();
}
