/* stamp.h: a node's stamps, what each says, and which of its parents'
 * stamps its edges read (stamp.c). See dbt2ninja(5).
 *
 * Under its connection's directory (conn.h) a node NAME has:
 *
 *	ok/NAME		its deployment: "<job sha256> <key>\n", written after
 *			every success
 *	if/NAME		its interface: "<header sha256> <key>\n", the hash of
 *			the header of the job its relation was built with
 *			(jobheadhash()); its
 *			modification time moves only when the relation's kind,
 *			columns (names, types, order) or identity changed, or
 *			the stamp was missing
 *	data/NAME	its contents: empty; its modification time moves
 *			whenever they may have changed
 *	built/NAME	dbt build's stamp, as ok/NAME
 *
 * A test has ok/ and built/ only: nothing depends on its relation. A node
 * that only reads its parents by name (stampreads()) needs their
 * interface; any other stores what it derives from them and needs their
 * contents. Only modification times are compared, as Ninja compares them;
 * every stamp is written whole (a temporary, then rename). */
#ifndef STAMP_H
#define STAMP_H

#include "util.h"

/* Whether a node of adapter, a model when model, of this materialization,
 * only reads its parents by name: a view, and on Materialize every model
 * (Materialize keeps them up to date itself). Seeds, snapshots, tests and
 * every other model store what they derive. */
int stampreads(const char *adapter, int model, const char *materialized);

/* The stamp beside stamp, DIR/KIND/NAME, in directory kind instead:
 * DIR/kind/NAME; NULL when stamp is not in a directory named ok, if, data
 * or built. Caller frees. */
char *stampbeside(const char *stamp, const char *kind);

/* Write text to path, creating its directory: 0, or -1 with errno. */
int stampwrite(const char *path, const char *text);
/* Write text to path keeping its modification time (path exists): its
 * content is brought up to date without telling Ninja anything moved. 0,
 * or -1 with errno. */
int stampkeep(const char *path, const char *text);

/* Append to Ninja's log at log (formats v5 and v6; another is left alone)
 * that path is as new as the file at as is on disk (path itself when as is
 * NULL). Nothing when log is NULL. */
void stamplog(const char *log, const char *path, const char *as);

#endif
