/* conn.h: the connection a deployment is for, and where its stamps live.
 *
 * A connection is named by what decides where a relation is: the server
 * (host or socket directory, hostaddr, port), the database and the user,
 * as libpq resolves them: the profile's values, else those of libpq's
 * environment (the service of PGSERVICE, then PGHOST, PGHOSTADDR, PGPORT,
 * PGDATABASE, PGUSER) and its defaults (port 5432, the login name, the
 * database named as the user). Never a password. Its description lists
 * them as libpq's conninfo, keyword=value, each set one:
 *
 *	host=/tmp/pg port=5432 dbname=demo user=postgres
 *
 * and its key is the first 16 hex digits of the description's SHA-256.
 * Everything deployed over it is under target/ninja/conn/<key>/:
 *
 *	connection		its description and a newline
 *	ok/<name>		a node's stamp: "<job sha256> <key>\n"
 *	if/<name>, data/<name>	its interface's and its contents' (stamp.h)
 *	built/<name>		dbt build's
 *	results/<name>.json	the node's last result
 *	deploy-env		the blue/green mark
 *
 * so that the stamps of another connection are absent to Ninja, and
 * coming back to one finds its own again. See dbt2ninja(5). */
#ifndef CONN_H
#define CONN_H

#include "profile.h"
#include "util.h"

#define CONNROOT "target/ninja/conn"
#define CONNSTAMPS "ok"
#define CONNBUILT "built"	/* dbt build's own stamps */
#define CONNIFACE "if"		/* interfaces */
#define CONNDATA "data"		/* contents */
#define CONNRESULTS "results"
#define CONNMARK "deploy-env"

enum { CONNKEY = 16 };

struct conn {
	char key[CONNKEY + 1];
	char *desc;		/* owned */
	char *dir;		/* CONNROOT "/" key, owned */
};

/* The connection profile p (from profileload) makes. */
void connof(struct conn *c, const struct profile *p);
void connfree(struct conn *c);

/* A stamp's content: "<sha256> <key>\n", into out. */
void connstamp(const struct conn *c, const char *sha256, struct buf *out);

/* The connection directory that the build.ninja at path names (its
 * "conn = " line), or NULL when it names none; exits 1 when it cannot be
 * read. Caller frees. */
char *connbuilt(const char *path);

/* Exit 1, naming what (a node and its job, or a step), when c is not the
 * connection whose key is want: build.ninja was written for another. */
void conncheck(const struct conn *c, const char *want, const char *what);

/* Write c->dir/connection unless it already says c->desc. Exits 1 on an
 * I/O error. */
void connrecord(const struct conn *c);

#endif
