/* yamljson.h: a YAML file as the JSON values dbt reads from it (libyaml).
 *
 * dbt reads its YAML with PyYAML's safe loader, which types plain scalars
 * by YAML 1.1's rules: null (~, null, Null, NULL, empty), booleans (true,
 * false, yes, no, on, off in their three spellings), decimal ints and
 * floats (.inf, .nan). A quoted scalar is always a string. The forms PyYAML
 * reads otherwise and that no dbt project means (sexagesimal 1:20, octal
 * 012, 0x and 0b ints, digits with underscores, tags other than the
 * standard ones) are refused with their position rather than read
 * differently. A merge key (<<) is read as PyYAML's flatten_mapping reads
 * it. */
#ifndef YAMLJSON_H
#define YAMLJSON_H

#include <cjson/cJSON.h>

/* The first document of the file at path (an object, list or scalar), or
 * NULL with *err set to "path:line:col: why" (malloc'd); a missing file
 * is NULL with *err NULL. */
cJSON *yamlload(const char *path, char **err);
/* The same, but the values of the top-level keys named in skip (a NULL-
 * terminated list) are left unread: each is null. */
cJSON *yamlloadsome(const char *path, const char *const *skip, char **err);
/* The same of the text s, named name in messages (dbt's --vars). */
cJSON *yamlparse(const char *s, const char *name, char **err);

#endif
