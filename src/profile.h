/* profile.h: the connection dbt would use, from profiles.yml (libyaml).
 *
 * The project is the directory of the dbt_project.yml at or above the job
 * (or --project-dir); its profile: names the profile unless --profile does.
 * profiles.yml is the one in --profiles-dir, else in $DBT_PROFILES_DIR
 * (either must hold one), else in the project directory if it has one,
 * else in ~/.dbt. The target is --target, else $DBT_TARGET,
 * else the profile's target:. Values are rendered (jinja.h) and mapped to
 * libpq's keywords: host, port, user, password (or pass), dbname (or
 * database), sslmode, sslcert, sslkey, sslrootcert, connect_timeout,
 * keepalives_idle (when not 0), search_path (as options), application_name
 * (default dbt2ninja). role is set after connecting; retries counts extra
 * connection attempts. Without a profile, libpq's own environment (PGHOST,
 * PGSERVICE, ...) decides. */
#ifndef PROFILE_H
#define PROFILE_H

struct profileopts {
	const char *profile, *target, *profilesdir, *projectdir;
	int lenient;	/* a value that cannot be rendered is absent */
	int deftarget;	/* the profile's own target:, whatever else says */
};

enum { PROFILEKEYS = 16 };

struct profile {
	const char *keys[PROFILEKEYS + 1];	/* NULL-terminated, for libpq */
	const char *vals[PROFILEKEYS + 1];
	char *path;		/* the profiles.yml read, or NULL */
	char *name, *target, *type, *role, *cluster;
	char *schema;		/* the target's schema (for rendering's target.schema) */
	int retries;		/* default 1, as dbt */
	int threads;		/* 0 when not set */
};

/* Find and read the profile for the job at jobpath (or, from the
 * generator, the manifest). On a bad file, print "file:line:col: why" and
 * exit 1; so too when --profiles-dir or $DBT_PROFILES_DIR names a
 * directory without profiles.yml. Otherwise a missing profiles.yml is not
 * an error: libpq's environment decides then. */
void profileload(struct profile *p, const struct profileopts *o, const char *near);
void profilefree(struct profile *p);

/* Put opt before any other libpq options (Materialize's own come first). */
void profileoption(struct profile *p, const char *opt);

/* The profile name in the dbt_project.yml of dir, or NULL. */
char *projectprofile(const char *dir);
/* A top-level key of the dbt_project.yml of dir, rendered, or NULL. */
char *projectkey(const char *dir, const char *key);
/* flags.<flag> of the dbt_project.yml of dir, rendered, or NULL. */
char *projectflag(const char *dir, const char *flag);

/* vars.deployment.<target> in path, a dbt_project.yml, where
 * dbt-materialize's blue/green macros find the schemas and clusters to
 * swap: 1 with both lists comma-joined into *schemas and *clusters (the
 * caller frees them), 0 when there is none. A malformed one is an error
 * naming the file, line and column. */
int projectdeployment(const char *path, const char *target, char **schemas, char **clusters);

#endif
