/* matstep.h: the steps mat.c builds its materializations from, shared
 * with mz.c (Materialize). Private to the two. */
#ifndef MATSTEP_H
#define MATSTEP_H

#include "mat.h"
#include "seed.h"

/* Statements added to steps so far; a step's mainstmt counts from it. */
extern int matnstmts;

void matstep(struct step *s);
void matstmt(struct step *s, const char *sql);
/* The node's SQL as one statement between pre and post. */
void matmainsql(struct step *s, const struct jobfile *j, const char *pre, const char *post);
/* Send (or with --dry-run print) a step, and free its SQL. */
int matexec(struct runner *r, struct step *s);
/* The node's hooks of kind (pre-hook, post-hook) with transaction intxn
 * into s; matouterhooks runs those outside the transaction. */
int mathooks(struct runner *r, struct step *s, const char *kind, int intxn);
int matouterhooks(struct runner *r, const char *kind);
/* A description as a dollar-quoted literal. */
void matcomment(struct buf *b, const char *text);
/* A seed's CSV read and checked, its column list (with types when types). */
int matseedload(struct runner *r, struct seed *sd, struct buf *cols, int *full);
void matseedcolumns(struct buf *b, const struct jobfile *j, const struct seed *sd, int types);
/* A data test's query and verdict. */
int mattest(struct runner *r);

/* A job whose adapter is materialize (mz.c). */
int mzmaterialize(struct runner *r);

#endif
