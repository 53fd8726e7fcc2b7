/* testname.h: generic tests' names and unique_ids, as dbt-core 1.11
 * makes them (synthesize_generic_test_names, create_test_node).
 *
 * The full name is "<type>_<target>_<args>": the arguments but model in
 * sorted order, a mapping's values and a list's items each on its own,
 * each as Python's str() with every run of characters outside
 * [0-9a-zA-Z_] made one "_", joined by "__". A full name of 64
 * characters or more is shortened to its first 30 characters of
 * "<type>_<target>", "_", and the MD5 of the full name. The unique_id
 * ends in the last 10 hex digits of the MD5 of the full name followed by
 * the repr() of the test's metadata with every mapping's keys sorted and
 * every leaf made a string. */
#ifndef TESTNAME_H
#define TESTNAME_H

#include <cjson/cJSON.h>

/* The short and full names (malloc'd) of a test of type (as "not_null",
 * "source_unique", "pkg_name") on target with args (the kwargs object).
 * Returns 0, or -1 with *err (malloc'd). */
int testnames(const char *type, const char *target, const cJSON *args,
    char **shortname, char **fullname, char **err);

/* The 10 hex digits (into hash) of name and metadata ({namespace, name,
 * kwargs}). Returns 0, or -1 with *err. */
int testhash(const char *name, const cJSON *metadata, char hash[11], char **err);

#endif
