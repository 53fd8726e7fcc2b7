#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "jinja.h"
#include "profile.h"
#include "project.h"
#include "util.h"

struct doc {
	const char *path;
	yaml_document_t d;
	int lenient;
};

static int
load(struct doc *y, const char *path)
{
	yaml_parser_t p;
	FILE *f = fopen(path, "rb");

	y->path = path;
	if (!f)
		return -1;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	if (!yaml_parser_load(&p, &y->d)) {
		fatal("%s:%lu:%lu: %s", path, (unsigned long)p.problem_mark.line + 1,
		    (unsigned long)p.problem_mark.column + 1,
		    p.problem ? p.problem : "invalid YAML");
	}
	yaml_parser_delete(&p);
	fclose(f);
	return 0;
}

static yaml_node_t *
get(struct doc *y, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *pair;
	yaml_node_t *k;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		k = yaml_document_get_node(&y->d, pair->key);
		if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return yaml_document_get_node(&y->d, pair->value);
	}
	return NULL;
}

/* A scalar's value, rendered. */
static char *
scalar(struct doc *y, yaml_node_t *n, const char *what)
{
	struct buf b = {0};
	char *err;
	int col;

	if (!n)
		return NULL;
	if (n->type != YAML_SCALAR_NODE)
		fatal("%s:%lu:%lu: %s: expected a value", y->path,
		    (unsigned long)n->start_mark.line + 1,
		    (unsigned long)n->start_mark.column + 1, what);
	if (strlen((char *)n->data.scalar.value) != n->data.scalar.length)
		fatal("%s:%lu:%lu: %s: a NUL character: no connection setting can carry it",
		    y->path, (unsigned long)n->start_mark.line + 1,
		    (unsigned long)n->start_mark.column + 1, what);
	if (jinjarender((char *)n->data.scalar.value, &b, &err, &col) < 0) {
		if (y->lenient) {
			free(err);
			buffree(&b);
			return NULL;
		}
		/* quoted scalars start one column later */
		int q = n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		    n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		fatal("%s:%lu:%lu: %s: %s", y->path, (unsigned long)n->start_mark.line + 1,
		    (unsigned long)n->start_mark.column + 1 + (unsigned long)col - 1 + (unsigned long)q,
		    what, err);
	}
	return b.s;
}

char *
projectkey(const char *dir, const char *key)
{
	struct doc y = {0};
	char *path = xasprintf("%s/dbt_project.yml", dir), *v = NULL;

	if (load(&y, path) == 0) {
		v = scalar(&y, get(&y, yaml_document_get_root_node(&y.d), key), key);
		yaml_document_delete(&y.d);
	}
	free(path);
	return v;
}

char *
projectflag(const char *dir, const char *flag)
{
	struct doc y = {0};
	char *path = xasprintf("%s/dbt_project.yml", dir), *v = NULL;

	if (load(&y, path) == 0) {
		v = scalar(&y, get(&y, get(&y, yaml_document_get_root_node(&y.d), "flags"), flag), flag);
		yaml_document_delete(&y.d);
	}
	free(path);
	return v;
}

char *
projectprofile(const char *dir)
{
	return projectkey(dir, "profile");
}

/* A list of names, comma-joined, or a fatal error at its place. */
static char *
names(struct doc *y, yaml_node_t *n, const char *what)
{
	struct buf b = {0};
	yaml_node_item_t *it;
	char *v;

	bufputs(&b, "");
	if (!n)
		return b.s;
	if (n->type != YAML_SEQUENCE_NODE)
		fatal("%s:%lu:%lu: %s: expected a list of names", y->path,
		    (unsigned long)n->start_mark.line + 1, (unsigned long)n->start_mark.column + 1, what);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		v = scalar(y, yaml_document_get_node(&y->d, *it), what);
		if (b.len)
			bufputc(&b, ',');
		bufputs(&b, v ? v : "");
		free(v);
	}
	return b.s;
}

int
projectdeployment(const char *path, const char *target, char **schemas, char **clusters)
{
	struct doc y = {0};
	char *what;
	yaml_node_t *t;
	int found = 0;

	*schemas = *clusters = NULL;
	if (load(&y, path) == 0) {
		t = get(&y, get(&y, get(&y, yaml_document_get_root_node(&y.d), "vars"), "deployment"), target);
		if (t) {
			what = xasprintf("vars.deployment.%s.schemas", target);
			*schemas = names(&y, get(&y, t, "schemas"), what);
			free(what);
			what = xasprintf("vars.deployment.%s.clusters", target);
			*clusters = names(&y, get(&y, t, "clusters"), what);
			free(what);
			found = 1;
		}
		yaml_document_delete(&y.d);
	}
	return found;
}

/* A directory named for profiles.yml must hold it, as dbt has it: the
 * connection is never left to libpq's environment then. */
static char *
findprofiles(const struct profileopts *o, const char *project, const char *name)
{
	const char *dir = o->profilesdir ? o->profilesdir : getenv("DBT_PROFILES_DIR");
	const char *from = o->profilesdir ? "--profiles-dir" : "DBT_PROFILES_DIR";
	char *path;

	if (dir && *dir) {
		if (access(dir, F_OK) < 0)
			fatal("%s: %s does not exist", from, dir);
		path = xasprintf("%s/profiles.yml", dir);
		if (access(path, F_OK) == 0)
			return path;
		if (name)
			fatal("%s: not found (%s): could not find profile named %s", path, from, name);
		fatal("%s: not found (%s)", path, from);
	}
	if (project) {
		path = xasprintf("%s/profiles.yml", project);
		if (access(path, F_OK) == 0)
			return path;
		free(path);
	}
	if (!getenv("HOME"))
		return NULL;
	path = xasprintf("%s/.dbt/profiles.yml", getenv("HOME"));
	if (access(path, F_OK) == 0)
		return path;
	free(path);
	return NULL;
}

static void
set(struct profile *p, const char *key, char *val)
{
	size_t i;

	if (!val)
		return;
	for (i = 0; p->keys[i]; i++)
		;
	if (i >= PROFILEKEYS)
		fatal("too many connection settings");
	p->keys[i] = key;
	p->vals[i] = val;
}

/* libpq's options value: -c search_path=a,\ b, spaces escaped as dbt
 * escapes them (a backslash is refused before) */
static char *
searchpath(const char *v)
{
	struct buf b = {0};

	bufputs(&b, "-c search_path=");
	for (; *v; v++) {
		if (*v == ' ')
			bufputc(&b, '\\');
		bufputc(&b, *v);
	}
	return b.s;
}

void
profileload(struct profile *p, const struct profileopts *o, const char *near)
{
	static const struct {
		const char *yaml, *alt, *libpq;
	} map[] = {
		{"host", NULL, "host"}, {"port", NULL, "port"}, {"user", NULL, "user"},
		{"password", "pass", "password"}, {"dbname", "database", "dbname"},
		{"sslmode", NULL, "sslmode"}, {"sslcert", NULL, "sslcert"},
		{"sslkey", NULL, "sslkey"}, {"sslrootcert", NULL, "sslrootcert"},
		{"connect_timeout", NULL, "connect_timeout"},
	};
	char *project = NULL, *v;
	yaml_node_t *prof, *outputs, *out;
	struct doc y = {0};
	size_t i;

	memset(p, 0, sizeof(*p));
	p->retries = 1;
	project = o->projectdir ? xstrdup(o->projectdir) : projectfind(near);
	p->name = o->profile ? xstrdup(o->profile) : project ? projectprofile(project) : NULL;
	p->path = findprofiles(o, project, p->name);
	free(project);
	if (!p->name || !p->path) {
		/* no profile named: none read, whatever profiles.yml is there */
		free(p->path);
		p->path = NULL;
		set(p, "fallback_application_name", xstrdup("dbt2ninja"));
		return;
	}
	y.lenient = o->lenient;
	if (load(&y, p->path) < 0)
		fatal("%s:", p->path);
	prof = get(&y, yaml_document_get_root_node(&y.d), p->name);
	if (!prof)
		fatal("%s: no profile named %s", p->path, p->name);
	if (o->target && !o->deftarget)
		p->target = xstrdup(o->target);
	else if (getenv("DBT_TARGET") && *getenv("DBT_TARGET") && !o->deftarget)
		p->target = xstrdup(getenv("DBT_TARGET"));
	else
		p->target = scalar(&y, get(&y, prof, "target"), "target");
	if (!p->target)
		p->target = xstrdup("default");
	outputs = get(&y, prof, "outputs");
	out = get(&y, outputs, p->target);
	if (!out)
		fatal("%s: profile %s has no target named %s", p->path, p->name, p->target);
	p->type = scalar(&y, get(&y, out, "type"), "type");
	for (i = 0; i < sizeof(map) / sizeof(*map); i++) {
		v = scalar(&y, get(&y, out, map[i].yaml), map[i].yaml);
		if (!v && map[i].alt)
			v = scalar(&y, get(&y, out, map[i].alt), map[i].alt);
		set(p, map[i].libpq, v);
	}
	v = scalar(&y, get(&y, out, "keepalives_idle"), "keepalives_idle");
	if (v && strcmp(v, "0"))
		set(p, "keepalives_idle", v);
	else
		free(v);
	v = scalar(&y, get(&y, out, "search_path"), "search_path");
	if (v && strchr(v, '\\')) {
		/* dbt escapes only the spaces of libpq's options, where a
		 * backslash escapes what follows: it would not be one value */
		yaml_node_t *n = get(&y, out, "search_path");
		fatal("%s:%lu:%lu: search_path: a backslash: dbt sends it in libpq's options, "
		    "where it escapes the next character; not supported", y.path,
		    (unsigned long)n->start_mark.line + 1, (unsigned long)n->start_mark.column + 1);
	}
	if (v) {
		set(p, "options", searchpath(v));
		free(v);
	}
	v = scalar(&y, get(&y, out, "application_name"), "application_name");
	set(p, "application_name", v ? v : xstrdup("dbt2ninja"));
	p->role = scalar(&y, get(&y, out, "role"), "role");
	p->cluster = scalar(&y, get(&y, out, "cluster"), "cluster");
	p->schema = scalar(&y, get(&y, out, "schema"), "schema");
	v = scalar(&y, get(&y, out, "retries"), "retries");
	if (v)
		p->retries = atoi(v);
	free(v);
	v = scalar(&y, get(&y, out, "threads"), "threads");
	if (v)
		p->threads = atoi(v);
	free(v);
	yaml_document_delete(&y.d);
}

void
profilefree(struct profile *p)
{
	size_t i;

	for (i = 0; p->keys[i]; i++)
		free((char *)p->vals[i]);
	free(p->path);
	free(p->name);
	free(p->target);
	free(p->type);
	free(p->role);
	free(p->cluster);
	free(p->schema);
}

void
profileoption(struct profile *p, const char *opt)
{
	size_t i;
	char *v;

	for (i = 0; p->keys[i]; i++)
		if (!strcmp(p->keys[i], "options")) {
			v = xasprintf("%s %s", opt, p->vals[i]);
			free((char *)p->vals[i]);
			p->vals[i] = v;
			return;
		}
	set(p, "options", xstrdup(opt));
}
