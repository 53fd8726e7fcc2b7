/* jobfile.h: reading a job file (its format: gen/job.h, dbt2ninja(5)). */
#ifndef JOBFILE_H
#define JOBFILE_H

#include <cjson/cJSON.h>

#include "util.h"

struct jobfile {
	const char *path;
	struct buf text;
	const char *uid, *type, *materialized, *relation, *adapter;
	cJSON *config;		/* the keyed lines, as one object */
	const char *sql;	/* the compiled SQL (may be empty) */
	int sqlline;		/* its first line in the file */
	const char *incrsql;	/* an incremental's is_incremental() form, or NULL */
	char *late;		/* the SQL rendered when it ran (late.c), or NULL */
	int incrline;		/* its first line in the file */
	char *db, *schema, *ident;	/* the relation's parts, unquoted */
	char sha256[65];	/* of the file as read */
	char normhash[65];	/* jobnormhash() of it */
	char headhash[65];	/* jobheadhash() of it */
};

/* The line between an incremental's two forms, when the generator
 * rendered it (the first-run form first). */
#define INCRMARK "-- dbt2ninja: is_incremental() is true below\n"

/* Read and check the job file at path. On error, print "path:line: why"
 * and exit 1. */
void jobread(struct jobfile *j, const char *path);
void jobfree(struct jobfile *j);

/* Whether the job file at path is rendered when it runs (its header has
 * a "render" line): it reads its parents' contents, whatever its
 * materialization. 0 when it cannot be read. */
int joblate(const char *path);

/* A config value of the job, or NULL. */
const cJSON *jobget(const struct jobfile *j, const char *key);
/* A string config value, or dflt. */
const char *jobstr(const struct jobfile *j, const char *key, const char *dflt);
/* 1 for true, 0 for false, dflt when absent or null. */
int jobbool(const struct jobfile *j, const char *key, int dflt);

/* The SHA-256 of a job's header and the normal form of its SQL (sql.h):
 * what production's deployments record, so that a job compares equal
 * whatever its layout and comments. */
void jobnormhash(const char *job, size_t n, char out[65]);

/* The SHA-256 of a job's header: up to and with its "--" line. */
void jobheadhash(const char *job, size_t n, char out[65]);

/* Split a relation, "db"."schema"."ident" or unquoted, into its parts as
 * the server names them: quoted parts unquoted, unquoted parts folded to
 * lower case. Returns the number of parts (1 to 3) or 0 when it is
 * malformed. */
int relsplit(const char *rel, char *part[3]);

#endif
