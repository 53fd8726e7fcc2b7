/* matstep.h: the steps the materializations are built from (matstep.c),
 * shared by dbt-postgres' (mat.c and its families) and dbt-materialize's
 * (mz.c). Private to the executor's materializations. */
#ifndef MATSTEP_H
#define MATSTEP_H

#include "mat.h"
#include "seed.h"

/* Set from r->dry by the adapter's entry: names that hold the time are
 * printed as placeholders. */
extern int matdry;

/* Statements added to steps so far; a step's mainstmt counts from it. */
extern int matnstmts;

void matstep(struct step *s);
void matstmt(struct step *s, const char *sql);
/* b as a statement of s; b is emptied for the next one. */
void matstmtf(struct step *s, struct buf *b);
/* The node's SQL as one statement between pre and post. */
void matmainsql(struct step *s, const struct jobfile *j, const char *pre, const char *post);
/* The model's sql_header, as dbt puts it before the statement that creates
 * the relation: its statements are counted, so that the main one is known. */
void matheader(struct step *s, const struct jobfile *j);
/* Send (or with --dry-run print) a step, and free its SQL. */
int matexec(struct runner *r, struct step *s);

/* "db"."schema"."ident" for another identifier in the node's schema. */
void matsibling(struct buf *b, const struct jobfile *j, const char *ident);
/* BEGIN, the schema created when missing, the advisory lock on the
 * node's relation. */
void matbegin(struct step *s, const struct jobfile *j);

/* What swap builds: a view, a table or a materialized view. */
enum { KVIEW, KTABLE, KMATVIEW };
extern const char *const matrelword[];
/* Drop ident in the node's schema: of kind, or (anykind) of whatever kind
 * it is on the server. */
void matdrop(struct step *s, const struct jobfile *j, const char *ident, int kind, int anykind);
void matdropany(struct step *s, const struct jobfile *j, const char *ident);

/* The node's hooks of kind (pre-hook, post-hook) with transaction intxn
 * into s; matouterhooks runs those outside the transaction. */
int mathooks(struct runner *r, struct step *s, const char *kind, int intxn);
int matouterhooks(struct runner *r, const char *kind);
/* The grants config granted, as dbt does when it need not revoke. */
void matgrants(struct step *s, const struct jobfile *j);
/* dbt's apply_grants. Without revoke, matgrants(). With revoke (dbt's
 * should_revoke: the relation persists), s is sent up to the grants held,
 * which are read (postgres__get_show_grant_sql) in the open transaction;
 * s is then a new step, not the main one, with the revokes of what the
 * config no longer grants and the grants of what it adds. -1 with r->err,
 * rolled back, on failure. */
int matapplygrants(struct runner *r, struct step *s, int revoke);
/* A relation replaced in place, as a new one would be: its grants
 * (matregrant) and its comments (matuncomment, before matpersistdocs),
 * from what it had before the node ran (r->was). */
void matregrant(struct runner *r, struct step *s);
void matuncomment(struct runner *r, struct step *s, const char *kind);
/* A description as a dollar-quoted literal, as dbt-postgres quotes it. */
#define COMMENTTAG "$dbt_comment_literal_block$"
void matcomment(struct buf *b, const char *text);
/* -1 with r->err when persist_docs would send the model's description
 * (with columns, a column's) holding COMMENTTAG, as dbt refuses it; on
 * PostgreSQL a column's is refused by the server, only when the relation
 * has the column, as dbt checks. */
int matdocscheck(struct runner *r, int columns);
/* persist_docs: comments on the relation (of kind) and its columns. */
void matpersistdocs(struct step *s, const struct jobfile *j, const char *kind);
void matindexes(struct step *s, const struct jobfile *j, const char *on);
/* With --record: the deployment, in the node's own transaction. */
void matrecord(struct runner *r, struct step *s);
/* Grants (matapplygrants), comments, post-hooks, record and COMMIT, then
 * the post-hooks outside the transaction. */
int matfinish(struct runner *r, struct step *s, const char *kind, int revoke);

/* The kind of the node's relation ident ('r', 'v', 'm', ...), 0 when
 * absent, -1 on error. */
int matrelkind(struct runner *r, const char *ident);
/* BEGIN, the schema, the advisory lock (matbegin), then the kind of ident
 * as matrelkind, read under the lock: the transaction is left open for
 * the node's next step. 0 with --dry-run (the statements printed). */
int matlockedkind(struct runner *r, const char *ident);

struct column {
	char *name, *type;
};

struct columns {
	struct column *v;
	size_t n;
};

void colsfree(struct columns *c);
struct column *colfind(const struct columns *c, const char *name);
/* The columns, quoted, each after prefix, separated by commas. */
void collist(struct buf *b, const struct columns *c, const char *prefix);
int columnsof(struct runner *r, const char *rel, struct columns *c);
/* Send s, which fills temporary table tmp in the node's open transaction;
 * then the columns of tmp (src) and of the node's relation (dst). */
int matstaged(struct runner *r, struct step *s, const char *tmp, struct columns *src,
    struct columns *dst);
/* ident__dbt_tmpHHMMSSffffff, as dbt names an incremental's temporary. */
char *mattempname(const char *ident);

/* Views, tables, materialized views (swap.c). */
void mattableas(struct step *s, const struct jobfile *j, const char *rel);
/* dbt's swap: the outer pre-hooks, the node's transaction, the outer
 * post-hooks. */
int matswap(struct runner *r, int kind);
/* matswap without the pre-hooks outside the transaction, run already. */
int matswapin(struct runner *r, int kind);
/* The parts of the transaction: what every way starts with (BEGIN, the
 * lock, stale intermediates dropped, pre-hooks, a contract's check), and
 * dbt's swap after it. -1 with r->err, s freed. */
int swaphead(struct runner *r, struct step *s, int kind, int anykind);
int swaptail(struct runner *r, struct step *s, int kind, int anykind);
int matcontracted(const struct jobfile *j);
/* A view or a table (KVIEW, KTABLE) replaced in place where it is there
 * already, else swapped in (inplace.c). */
int matreplace(struct runner *r, int kind);
/* An enforced contract's check (dbt's assert_columns_equivalent), after s
 * in its transaction: 0 when there is no contract (s untouched), 1 when it
 * holds (s sent: the caller starts a new step), else -1 with r->err,
 * rolled back. */
int matcontract(struct runner *r, struct step *s);
int pgmatview(struct runner *r);

int pgincremental(struct runner *r);
int pgsnapshot(struct runner *r);
int pgseed(struct runner *r);

/* A seed's CSV read and checked, its column list (with types when types). */
int matseedload(struct runner *r, struct seed *sd, struct buf *cols, int *full);
void matseedcolumns(struct buf *b, const struct jobfile *j, const struct seed *sd, int types);
/* A data test's query and verdict. */
int mattest(struct runner *r);

#endif
