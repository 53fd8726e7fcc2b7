#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "mat.h"
#include "matstep.h"
#include "seed.h"
#include "sql.h"

enum { MAXIDENT = 63 };

/* With --dry-run, names that hold the time are shown as placeholders. */
static int dry;

char *
suffixed(const char *ident, const char *suffix)
{
	size_t n = strlen(ident), k = strlen(suffix);

	if (n + k > MAXIDENT)
		n = MAXIDENT > k ? MAXIDENT - k : 0;
	/* never cut a UTF-8 character in two */
	while (n > 0 && ((unsigned char)ident[n] & 0xC0) == 0x80)
		n--;
	return xasprintf("%.*s%s", (int)n, ident, suffix);
}

/* "db"."schema"."ident" for another identifier in the node's schema. */
static void
sibling(struct buf *b, const struct jobfile *j, const char *ident)
{
	if (j->db) {
		qident(b, j->db);
		bufputc(b, '.');
	}
	if (j->schema) {
		qident(b, j->schema);
		bufputc(b, '.');
	}
	qident(b, ident);
}

void
matstep(struct step *s)
{
	memset(s, 0, sizeof(*s));
	bufputs(&s->sql, "");
	s->sqloff = -1;
	s->mainstmt = -1;
}

/* Count the statements of a step, to know which result is the main one. */
int matnstmts;

void
matstmt(struct step *s, const char *sql)
{
	bufputs(&s->sql, sql);
	bufputs(&s->sql, ";\n");
	matnstmts++;
}

static void
stmtf(struct step *s, struct buf *b)
{
	matstmt(s, b->s);
	b->len = 0;
	b->s[0] = '\0';
}

/* Drop whatever relation has this name, by its kind, on the server. */
static void
dropany(struct step *s, const struct jobfile *j, const char *ident)
{
	static const struct {
		const char *test, *kind;
	} by[] = {
		{"if k = 'v'", "view"},
		{"elsif k = 'm'", "materialized view"},
		{"elsif k is not null", "table"},
	};
	struct buf b = {0}, rel = {0}, q = {0};
	size_t i;

	sibling(&rel, j, ident);
	bufputs(&b, "do $dbt2ninja$ declare k \"char\"; begin\n"
	    "select c.relkind into k from pg_catalog.pg_class c join pg_catalog.pg_namespace n"
	    " on n.oid = c.relnamespace where n.nspname = ");
	if (j->schema)
		qliteral(&b, j->schema);
	else
		bufputs(&b, "current_schema()");
	bufputs(&b, " and c.relname = ");
	qliteral(&b, ident);
	bufputs(&b, ";\n");
	for (i = 0; i < sizeof(by) / sizeof(*by); i++) {
		q.len = 0;
		bufprintf(&q, "drop %s if exists %s cascade", by[i].kind, rel.s);
		bufprintf(&b, "%s then execute ", by[i].test);
		qliteral(&b, q.s);
		bufputs(&b, ";\n");
	}
	bufputs(&b, "end if; end $dbt2ninja$");
	matstmt(s, b.s);
	buffree(&b);
	buffree(&rel);
	buffree(&q);
}

static void
begin(struct step *s, const struct jobfile *j)
{
	struct buf b = {0};

	matstmt(s, "begin");
	if (j->schema) {
		/* two first creations of one schema at once: the second waits
		 * for the first, fails, and its step is sent again (exec) */
		bufputs(&b, "create schema if not exists ");
		qident(&b, j->schema);
		stmtf(s, &b);
	}
	bufputs(&b, "select pg_advisory_xact_lock(hashtextextended(");
	qliteral(&b, j->relation);
	bufputs(&b, ", 0))");
	stmtf(s, &b);
	buffree(&b);
}

/* The node's SQL as one statement, remembering where it is. */
void
matmainsql(struct step *s, const struct jobfile *j, const char *pre, const char *post)
{
	size_t n = strlen(j->sql);

	while (n > 0 && (j->sql[n - 1] == '\n' || j->sql[n - 1] == ' ' ||
	    j->sql[n - 1] == ';' || j->sql[n - 1] == '\t' || j->sql[n - 1] == '\r'))
		n--;
	s->mainstmt = matnstmts;
	bufputs(&s->sql, pre);
	s->sqloff = (int)s->sql.len;
	s->sqllen = (int)n;
	bufadd(&s->sql, j->sql, n);
	bufputs(&s->sql, post);
	bufputs(&s->sql, ";\n");
	matnstmts++;
}

static int
send(struct runner *r, struct step *s)
{
	if (r->dry) {
		fputs(s->sql.s, r->dry);
		if (s->copydata)
			fprintf(r->dry, "-- COPY data: %zu bytes\n", s->copylen);
		return 0;
	}
	return pgstep(r->conn, s, r->job->path, r->job->sqlline, &r->out, &r->err);
}

/* Send a step; one that lost the race to create its schema is sent again. */
int
matexec(struct runner *r, struct step *s)
{
	int rc = send(r, s);

	if (rc < 0 && (!strcmp(r->out.sqlstate, "23505") || !strcmp(r->out.sqlstate, "42P06")) &&
	    strstr(s->sql.s, "create schema if not exists ") && !pginterrupted) {
		free(r->err);
		r->err = NULL;
		rc = send(r, s);
	}
	buffree(&s->sql);
	return rc;
}

/* Hooks are Jinja in the manifest: {{ this }} is rendered, anything else
 * needs dbt. */
static int
renderhook(struct runner *r, const char *in, struct buf *out)
{
	const char *p = in, *open, *close;
	char *inner;
	size_t n;

	while ((open = strpbrk(p, "{"))) {
		if (open[1] != '{' && open[1] != '%' && open[1] != '#') {
			bufadd(out, p, (size_t)(open - p) + 1);
			p = open + 1;
			continue;
		}
		bufadd(out, p, (size_t)(open - p));
		close = open[1] == '{' ? strstr(open, "}}") : NULL;
		if (!close)
			goto fail;
		n = (size_t)(close - open - 2);
		inner = xmemdup(open + 2, n);
		{
			char *a = inner, *e = inner + strlen(inner);
			while (*a == ' ' || *a == '-')
				a++;
			while (e > a && (e[-1] == ' ' || e[-1] == '-'))
				*--e = '\0';
			if (strcmp(a, "this") != 0) {
				free(inner);
				goto fail;
			}
		}
		free(inner);
		bufputs(out, r->job->relation);
		p = close + 2;
	}
	bufputs(out, p);
	return 0;
fail:
	r->err = xasprintf("hook %s needs Jinja that only dbt renders; "
	    "dbt2ninja renders {{ this }} in hooks and nothing else", in);
	return -1;
}

/* Append the hooks of a kind ("pre-hook" or "post-hook") that run inside
 * (intxn) or outside the transaction. */
int
mathooks(struct runner *r, struct step *s, const char *kind, int intxn)
{
	const cJSON *list = jobget(r->job, kind), *h, *sql, *txn;
	struct buf b = {0};
	int rc = 0;

	if (cJSON_IsString(list)) {
		if (intxn) {
			rc = renderhook(r, list->valuestring, &b);
			if (rc == 0)
				stmtf(s, &b);
		}
		buffree(&b);
		return rc;
	}
	cJSON_ArrayForEach(h, list) {
		sql = cJSON_IsString(h) ? h : cJSON_GetObjectItemCaseSensitive(h, "sql");
		txn = cJSON_GetObjectItemCaseSensitive(h, "transaction");
		if (!cJSON_IsString(sql) || (cJSON_IsFalse(txn) ? 0 : 1) != intxn)
			continue;
		bufputs(&b, "");
		if ((rc = renderhook(r, sql->valuestring, &b)) < 0)
			break;
		stmtf(s, &b);
	}
	buffree(&b);
	return rc;
}

/* Hooks outside the transaction: each a step of its own. */
int
matouterhooks(struct runner *r, const char *kind)
{
	struct step s;

	matstep(&s);
	matnstmts = 0;
	if (mathooks(r, &s, kind, 0) < 0) {
		buffree(&s.sql);
		return -1;
	}
	if (s.sql.len == 0) {
		buffree(&s.sql);
		return 0;
	}
	return matexec(r, &s);
}

static void
grants(struct step *s, const struct jobfile *j)
{
	const cJSON *g = jobget(j, "grants"), *priv, *who;
	struct buf b = {0};
	int first;

	cJSON_ArrayForEach(priv, g) {
		if (!priv->string || !cJSON_GetArraySize(priv))
			continue;
		bufprintf(&b, "grant %s on %s to ", priv->string, j->relation);
		first = 1;
		cJSON_ArrayForEach(who, priv) {
			if (!cJSON_IsString(who))
				continue;
			if (!first)
				bufputs(&b, ", ");
			bufputs(&b, who->valuestring);
			first = 0;
		}
		stmtf(s, &b);
	}
	buffree(&b);
}

void
matcomment(struct buf *b, const char *text)
{
	bufputs(b, "$dbt_comment_literal_block$");
	bufputs(b, text);
	bufputs(b, "$dbt_comment_literal_block$");
}

static void
persistdocs(struct step *s, const struct jobfile *j, const char *kind)
{
	const cJSON *pd = jobget(j, "persist_docs"), *cols = jobget(j, "columns"), *c, *d;
	const char *desc = jobstr(j, "description", NULL);
	struct buf b = {0};

	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(pd, "relation")) && desc) {
		bufprintf(&b, "comment on %s %s is ", kind, j->relation);
		matcomment(&b, desc);
		stmtf(s, &b);
	}
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(pd, "columns")))
		return;
	cJSON_ArrayForEach(c, cols) {
		d = cJSON_GetObjectItemCaseSensitive(c, "description");
		if (!cJSON_IsString(d) || !c->string)
			continue;
		/* only columns the relation has, as dbt-postgres checks */
		bufputs(&b, "do $dbt2ninja$ begin if exists (select 1 from pg_catalog.pg_attribute"
		    " where attrelid = ");
		qliteral(&b, j->relation);
		bufputs(&b, "::regclass and attname = ");
		qliteral(&b, c->string);
		bufputs(&b, " and not attisdropped) then execute ");
		{
			struct buf q = {0};
			bufprintf(&q, "comment on column %s.", j->relation);
			qident(&q, c->string);
			bufputs(&q, " is ");
			matcomment(&q, d->valuestring);
			qliteral(&b, q.s);
			buffree(&q);
		}
		bufputs(&b, "; end if; end $dbt2ninja$");
		stmtf(s, &b);
	}
	buffree(&b);
}

static void
indexes(struct step *s, const struct jobfile *j, const char *on)
{
	const cJSON *ix, *cols, *c;
	struct buf b = {0}, key = {0};
	char h[SHA256_HEX], stamp[64];
	struct timeval tv;
	int first;

	gettimeofday(&tv, NULL);
	snprintf(stamp, sizeof(stamp), "%ld.%06ld", (long)tv.tv_sec, (long)tv.tv_usec);
	cJSON_ArrayForEach(ix, jobget(j, "indexes")) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(ix, "type");
		int unique = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ix, "unique"));
		cols = cJSON_GetObjectItemCaseSensitive(ix, "columns");
		key.len = 0;
		bufputs(&key, "");
		cJSON_ArrayForEach(c, cols)
			if (cJSON_IsString(c))
				bufputs(&key, c->valuestring);
		bufprintf(&key, "%s%d%s%s", j->relation, unique,
		    cJSON_IsString(type) ? type->valuestring : "", stamp);
		sha256hex(key.s, key.len, h);
		if (dry)
			memcpy(h, "md5_of_columns_relation_and_time", 32);
		bufprintf(&b, "create %sindex if not exists \"%.32s\" on %s", unique ? "unique " : "", h, on);
		if (cJSON_IsString(type))
			bufprintf(&b, " using %s", type->valuestring);
		bufputs(&b, " (");
		first = 1;
		cJSON_ArrayForEach(c, cols) {
			if (!cJSON_IsString(c))
				continue;
			bufprintf(&b, "%s%s", first ? "" : ", ", c->valuestring);
			first = 0;
		}
		bufputc(&b, ')');
		stmtf(s, &b);
	}
	buffree(&b);
	buffree(&key);
}

/* With --record: the deployment, in the node's own transaction, for
 * dbt2ninja --state db. */
static void
record(struct runner *r, struct step *s)
{
	struct buf b = {0};

	if (!r->record)
		return;
	matstmt(s, "create schema if not exists dbt2ninja");
	matstmt(s, "create table if not exists dbt2ninja.deployments (\n"
	    "  target text not null,\n  unique_id text not null,\n  relation text not null,\n"
	    "  job_sha256 text not null,\n  deployed_at timestamptz not null default now(),\n"
	    "  duration interval,\n  primary key (target, unique_id))");
	bufputs(&b, "insert into dbt2ninja.deployments (target, unique_id, relation, job_sha256, duration)\n"
	    "values (");
	qliteral(&b, r->record);
	bufputs(&b, ", ");
	qliteral(&b, r->job->uid);
	bufputs(&b, ", ");
	qliteral(&b, r->job->relation);
	bufputs(&b, ", ");
	qliteral(&b, r->job->normhash);
	bufputs(&b, ", clock_timestamp() - transaction_timestamp())\n"
	    "on conflict (target, unique_id) do update set relation = excluded.relation,"
	    " job_sha256 = excluded.job_sha256, deployed_at = excluded.deployed_at,"
	    " duration = excluded.duration");
	matstmt(s, b.s);
	buffree(&b);
}

/* Drop a relation of the node's own kind; a relation of another kind
 * stops the step with wrong_object_type, and the step is built again with
 * dropany(). */
/* What swap builds: a view, a table or a materialized view. */
enum { KVIEW, KTABLE, KMATVIEW };
static const char *const relword[] = {"view", "table", "materialized view"};

static void
dropkind(struct step *s, const struct jobfile *j, const char *ident, int kind)
{
	struct buf b = {0};

	bufprintf(&b, "drop %s if exists ", relword[kind]);
	sibling(&b, j, ident);
	bufputs(&b, " cascade");
	stmtf(s, &b);
	buffree(&b);
}

static void
drop(struct step *s, const struct jobfile *j, const char *ident, int kind, int anykind)
{
	if (anykind)
		dropany(s, j, ident);
	else
		dropkind(s, j, ident, kind);
}

static int
contracted(const struct jobfile *j)
{
	const cJSON *c = jobget(j, "contract");

	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "enforced")) &&
	    cJSON_GetArraySize(jobget(j, "columns")) > 0;
}

/* view and table: build beside, swap by renames, drop the old one, all in
 * one transaction. */
/* A contract's constraint as dbt renders it for postgres, which enforces
 * them all: after its column (model 0), or after the columns (model 1).
 * One that says too little to render is left out, as dbt leaves it. */
static void
constraint(struct buf *b, const cJSON *k, int model)
{
	const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "type"));
	const char *expr = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "expression"));
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "name"));
	const char *to = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(k, "to"));
	struct buf cols = {0}, tocols = {0}, sql = {0};
	const cJSON *c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(k, "columns"))
		if (cJSON_IsString(c))
			bufprintf(&cols, "%s%s", cols.len ? ", " : "", c->valuestring);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(k, "to_columns"))
		if (cJSON_IsString(c))
			bufprintf(&tocols, "%s%s", tocols.len ? ", " : "", c->valuestring);
	bufputs(&sql, "");
	if (!type) {
		/* nothing to render */
	} else if (!strcmp(type, "check") && expr) {
		bufprintf(&sql, "check (%s)", expr);
	} else if (!strcmp(type, "custom") && expr) {
		bufputs(&sql, expr);
	} else if (!strcmp(type, "foreign_key") && ((to && tocols.len) || expr)) {
		if (model)
			bufprintf(&sql, "foreign key (%s) ", cols.len ? cols.s : "");
		if (to && tocols.len)
			bufprintf(&sql, "references %s (%s)", to, tocols.s);
		else
			bufprintf(&sql, "references %s", expr);
	} else if (!model && !strcmp(type, "not_null")) {
		bufputs(&sql, "not null");
		if (expr)
			bufprintf(&sql, " %s", expr);
	} else if (!strcmp(type, "unique") || !strcmp(type, "primary_key")) {
		bufputs(&sql, !strcmp(type, "unique") ? "unique" : "primary key");
		if (expr)
			bufprintf(&sql, " %s", expr);
		if (model)
			bufprintf(&sql, " (%s)", cols.len ? cols.s : "");
	}
	if (sql.len) {
		bufputs(b, model ? ", " : " ");
		if (model && name)
			bufprintf(b, "constraint %s ", name);
		bufputs(b, sql.s);
	}
	buffree(&cols);
	buffree(&tocols);
	buffree(&sql);
}

/* The statements that create a table from the node's SQL: as dbt-postgres'
 * create_table_as, with an enforced contract's declared columns and
 * constraints first, then the rows. */
static void
tableas(struct step *s, const struct jobfile *j, const char *rel)
{
	struct buf b = {0}, cols = {0};
	const cJSON *c, *k;
	const char *unlogged = jobbool(j, "unlogged", 0) ? "unlogged " : "";

	if (!contracted(j)) {
		bufprintf(&b, "create %stable %s\n  as\n(\n", unlogged, rel);
		matmainsql(s, j, b.s, "\n)");
		buffree(&b);
		return;
	}
	bufprintf(&b, "create %stable %s (", unlogged, rel);
	cJSON_ArrayForEach(c, jobget(j, "columns")) {
		const cJSON *dt = cJSON_GetObjectItemCaseSensitive(c, "data_type");
		size_t at;
		if (!c->string || !cJSON_IsString(dt))
			continue;
		if (cols.len) {
			bufputs(&cols, ", ");
			bufputs(&b, ", ");
		}
		at = cols.len;
		/* as dbt names them: quoted only with quote: true */
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "quote")))
			qident(&cols, c->string);
		else
			bufputs(&cols, c->string);
		bufprintf(&b, "%s %s", cols.s + at, dt->valuestring);
		cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(c, "constraints"))
			constraint(&b, k, 0);
	}
	cJSON_ArrayForEach(k, jobget(j, "constraints"))
		constraint(&b, k, 1);
	bufputc(&b, ')');
	stmtf(s, &b);
	bufprintf(&b, "insert into %s (%s)\n(\n  select %s\n  from (\n", rel, cols.s, cols.s);
	matmainsql(s, j, b.s, "\n  ) as model_subq\n)");
	buffree(&b);
	buffree(&cols);
}

static int
swapstep(struct runner *r, struct step *s, int kind, int anykind)
{
	struct jobfile *j = r->job;
	char *tmp = suffixed(j->ident, "__dbt_tmp"), *bak = suffixed(j->ident, "__dbt_backup");
	struct buf t = {0}, b = {0};
	int rc = -1;

	matstep(s);
	matnstmts = 0;
	sibling(&t, j, tmp);
	begin(s, j);
	drop(s, j, tmp, kind, anykind);
	drop(s, j, bak, kind, anykind);
	if (mathooks(r, s, "pre-hook", 1) < 0)
		goto out;
	if (kind == KTABLE) {
		tableas(s, j, t.s);
		indexes(s, j, t.s);
	} else if (kind == KMATVIEW) {
		bufprintf(&b, "create materialized view %s\n  as (\n", t.s);
		matmainsql(s, j, b.s, "\n  )");
		indexes(s, j, t.s);
	} else {
		bufprintf(&b, "create view %s\n  as (\n", t.s);
		matmainsql(s, j, b.s, "\n  )");
	}
	b.len = 0;
	bufprintf(&b, "alter table if exists %s rename to ", j->relation);
	qident(&b, bak);
	stmtf(s, &b);
	bufprintf(&b, "alter table %s rename to ", t.s);
	qident(&b, j->ident);
	stmtf(s, &b);
	if (kind != KVIEW && mathooks(r, s, "post-hook", 1) < 0)
		goto out;
	grants(s, j);
	persistdocs(s, j, relword[kind]);
	if (kind == KVIEW && mathooks(r, s, "post-hook", 1) < 0)
		goto out;
	/* the old relation goes in the same transaction: no backup is ever
	 * left behind, whenever the run is killed */
	drop(s, j, bak, kind, anykind);
	record(r, s);
	matstmt(s, "commit");
	s->transactional = 1;
	rc = 0;
out:
	if (rc < 0)
		buffree(&s->sql);
	free(tmp);
	free(bak);
	buffree(&t);
	buffree(&b);
	return rc;
}

static int
swap(struct runner *r, int kind)
{
	struct step s;
	int rc;

	if (matouterhooks(r, "pre-hook") < 0)
		return -1;
	if (swapstep(r, &s, kind, 0) < 0)
		return -1;
	rc = matexec(r, &s);
	if (rc < 0 && !strcmp(r->out.sqlstate, "42809") && !pginterrupted) {
		/* a view where a table was, or the other way round */
		free(r->err);
		r->err = NULL;
		if (swapstep(r, &s, kind, 1) < 0)
			return -1;
		rc = matexec(r, &s);
	}
	if (rc < 0)
		return -1;
	return matouterhooks(r, "post-hook");
}

/* The end of a node's transaction: grants, comments, post-hooks inside,
 * COMMIT; then post-hooks outside. A step that cannot be built rolls back
 * a transaction an earlier step opened. */
static int
finish(struct runner *r, struct step *s, const char *kind)
{
	grants(s, r->job);
	persistdocs(s, r->job, kind);
	if (mathooks(r, s, "post-hook", 1) < 0) {
		buffree(&s->sql);
		if (r->conn && PQtransactionStatus(r->conn) == PQTRANS_INTRANS)
			PQclear(PQexec(r->conn, "rollback"));
		return -1;
	}
	record(r, s);
	matstmt(s, "commit");
	s->transactional = 1;
	if (matexec(r, s) < 0)
		return -1;
	return matouterhooks(r, "post-hook");
}

/* The kind of the node's relation ('r', 'v', 'm', ...) or 0 when absent. */
static int
relkind(struct runner *r, const char *ident)
{
	struct step s;
	int k = 0;

	if (r->dry)
		return 0;
	matstep(&s);
	bufputs(&s.sql, "select c.relkind from pg_catalog.pg_class c join pg_catalog.pg_namespace n"
	    " on n.oid = c.relnamespace where n.nspname = ");
	if (r->job->schema)
		qliteral(&s.sql, r->job->schema);
	else
		bufputs(&s.sql, "current_schema()");
	bufputs(&s.sql, " and c.relname = ");
	qliteral(&s.sql, ident);
	if (matexec(r, &s) < 0)
		return -1;
	if (r->out.last && PQntuples(r->out.last) == 1)
		k = PQgetvalue(r->out.last, 0, 0)[0];
	PQclear(r->out.last);
	r->out.last = NULL;
	return k;
}

struct column {
	char *name, *type;
};

struct columns {
	struct column *v;
	size_t n;
};

static void
colsfree(struct columns *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].type);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

static struct column *
colfind(const struct columns *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].name, name))
			return &c->v[i];
	return NULL;
}

/* Append to s the query of a relation's columns (name, type), in order. */
static void
colquery(struct buf *b, const char *rel)
{
	bufputs(b, "select a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)"
	    " from pg_catalog.pg_attribute a where a.attrelid = ");
	qliteral(b, rel);
	bufputs(b, "::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum");
}

static void
colsfrom(const PGresult *res, struct columns *c)
{
	int i;

	c->n = res ? (size_t)PQntuples(res) : 0;
	c->v = xcalloc(c->n, sizeof(*c->v));
	for (i = 0; i < (int)c->n; i++) {
		c->v[i].name = xstrdup(PQgetvalue(res, i, 0));
		c->v[i].type = xstrdup(PQgetvalue(res, i, 1));
	}
}

static int
columnsof(struct runner *r, const char *rel, struct columns *c)
{
	struct step s;

	matstep(&s);
	colquery(&s.sql, rel);
	if (matexec(r, &s) < 0)
		return -1;
	colsfrom(r->out.last, c);
	PQclear(r->out.last);
	r->out.last = NULL;
	return 0;
}

/* Send a step that fills the temporary table tmp inside the node's open
 * transaction; then the columns of tmp (src) and of the node's relation
 * (dst). On failure the transaction is rolled back. */
static int
staged(struct runner *r, struct step *s, const char *tmp, struct columns *src,
    struct columns *dst)
{
	struct buf b = {0};

	colquery(&b, tmp);
	matstmt(s, b.s);
	buffree(&b);
	s->transactional = 1;
	if (matexec(r, s) < 0)
		return -1;
	colsfrom(r->out.last, src);
	PQclear(r->out.last);
	r->out.last = NULL;
	if (columnsof(r, r->job->relation, dst) < 0) {
		PQclear(PQexec(r->conn, "rollback"));
		return -1;
	}
	return 0;
}

static char *
tempname(const char *ident)
{
	struct timeval tv;
	struct tm tm;
	char suffix[32];
	time_t t;

	if (dry)
		return suffixed(ident, "__dbt_tmpHHMMSSffffff");
	gettimeofday(&tv, NULL);
	t = tv.tv_sec;
	gmtime_r(&t, &tm);
	snprintf(suffix, sizeof(suffix), "__dbt_tmp%02d%02d%02d%06ld", tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)tv.tv_usec);
	return suffixed(ident, suffix);
}

/* The unique_key as SQL: a column expression or a list of them. */
static char *
uniquekey(const struct jobfile *j)
{
	const cJSON *k = jobget(j, "unique_key"), *e;
	struct buf b = {0};

	if (cJSON_IsString(k))
		return xstrdup(k->valuestring);
	if (!cJSON_IsArray(k) || !cJSON_GetArraySize(k))
		return NULL;
	cJSON_ArrayForEach(e, k) {
		if (!cJSON_IsString(e))
			continue;
		if (b.len)
			bufputs(&b, ", ");
		bufputs(&b, e->valuestring);
	}
	return b.s;
}

static void
collist(struct buf *b, const struct columns *c, const char *prefix)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (i)
			bufputs(b, ", ");
		bufputs(b, prefix);
		qident(b, c->v[i].name);
	}
}

/* on_schema_change: compare the new rows' columns with the table's. */
static int
schemachange(struct runner *r, struct step *s, const struct columns *src,
    struct columns *dst)
{
	const char *osc = jobstr(r->job, "on_schema_change", "ignore");
	struct buf b = {0};
	struct column *d;
	size_t i, added = 0, removed = 0, changed = 0;

	for (i = 0; i < src->n; i++) {
		d = colfind(dst, src->v[i].name);
		if (!d)
			added++;
		else if (strcmp(d->type, src->v[i].type))
			changed++;
	}
	for (i = 0; i < dst->n; i++)
		if (!colfind(src, dst->v[i].name))
			removed++;
	if (!added && !removed && !changed)
		return 0;
	if (!strcmp(osc, "fail")) {
		r->err = xasprintf("the source and target schemas of this incremental model "
		    "are out of sync (%zu new, %zu removed, %zu changed columns); "
		    "on_schema_change is fail: rebuild it with full_refresh", added, removed, changed);
		return -1;
	}
	if (strcmp(osc, "append_new_columns") && strcmp(osc, "sync_all_columns"))
		return 0;
	for (i = 0; i < src->n; i++) {
		if (colfind(dst, src->v[i].name))
			continue;
		bufprintf(&b, "alter table %s add column ", r->job->relation);
		qident(&b, src->v[i].name);
		bufprintf(&b, " %s", src->v[i].type);
		stmtf(s, &b);
	}
	if (!strcmp(osc, "sync_all_columns")) {
		for (i = 0; i < dst->n; i++) {
			if (colfind(src, dst->v[i].name))
				continue;
			bufprintf(&b, "alter table %s drop column ", r->job->relation);
			qident(&b, dst->v[i].name);
			stmtf(s, &b);
		}
		for (i = 0; i < src->n; i++) {
			d = colfind(dst, src->v[i].name);
			if (!d || !strcmp(d->type, src->v[i].type))
				continue;
			bufprintf(&b, "alter table %s alter column ", r->job->relation);
			qident(&b, src->v[i].name);
			bufprintf(&b, " type %s using ", src->v[i].type);
			qident(&b, src->v[i].name);
			bufprintf(&b, "::%s", src->v[i].type);
			stmtf(s, &b);
		}
	}
	/* the insert takes the new rows' columns, which the table now has */
	colsfree(dst);
	dst->n = src->n;
	dst->v = xcalloc(src->n, sizeof(*dst->v));
	for (i = 0; i < src->n; i++) {
		dst->v[i].name = xstrdup(src->v[i].name);
		dst->v[i].type = xstrdup(src->v[i].type);
	}
	buffree(&b);
	return 0;
}

static void
predicates(struct buf *b, const struct jobfile *j)
{
	const cJSON *p;

	cJSON_ArrayForEach(p, jobget(j, "incremental_predicates"))
		if (cJSON_IsString(p))
			bufprintf(b, "\n    and %s", p->valuestring);
}

static int
strategy(struct runner *r, struct step *s, const char *tmp, const struct columns *c)
{
	const struct jobfile *j = r->job;
	char *uk = uniquekey(j);
	const char *strat = jobstr(j, "incremental_strategy", uk ? "delete+insert" : "append");
	struct buf b = {0}, cols = {0}, src = {0};
	size_t i;
	int rc = 0;

	collist(&cols, c, "");
	collist(&src, c, "DBT_INTERNAL_SOURCE.");
	if (!strcmp(strat, "default"))
		strat = uk ? "delete+insert" : "append";
	if (!strcmp(strat, "delete+insert") && uk) {
		bufprintf(&b, "delete from %s as DBT_INTERNAL_DEST\n  where (%s) in (\n"
		    "    select distinct %s\n    from %s as DBT_INTERNAL_SOURCE\n  )", j->relation,
		    uk, uk, tmp);
		predicates(&b, j);
		stmtf(s, &b);
		strat = "append";
	}
	if (!strcmp(strat, "append") || !strcmp(strat, "delete+insert")) {
		s->mainstmt = matnstmts;
		bufprintf(&b, "insert into %s (%s)\n  (\n    select %s\n    from %s\n  )",
		    j->relation, cols.s, cols.s, tmp);
		stmtf(s, &b);
	} else if (!strcmp(strat, "merge") || !strcmp(strat, "microbatch")) {
		const cJSON *k = jobget(j, "unique_key"), *e;
		s->mainstmt = matnstmts;
		bufprintf(&b, "merge into %s as DBT_INTERNAL_DEST\n  using %s as DBT_INTERNAL_SOURCE\n  on ",
		    j->relation, tmp);
		if (cJSON_IsString(k)) {
			bufprintf(&b, "(DBT_INTERNAL_SOURCE.%s = DBT_INTERNAL_DEST.%s)", k->valuestring, k->valuestring);
		} else if (cJSON_GetArraySize(k)) {
			int first = 1;
			cJSON_ArrayForEach(e, k) {
				if (!cJSON_IsString(e))
					continue;
				bufprintf(&b, "%s(DBT_INTERNAL_SOURCE.%s = DBT_INTERNAL_DEST.%s)",
				    first ? "" : " and ", e->valuestring, e->valuestring);
				first = 0;
			}
		} else {
			bufputs(&b, "(FALSE)");
		}
		predicates(&b, j);
		if (uk) {
			bufputs(&b, "\n  when matched then update set ");
			for (i = 0; i < c->n; i++) {
				if (i)
					bufputs(&b, ", ");
				qident(&b, c->v[i].name);
				bufputs(&b, " = DBT_INTERNAL_SOURCE.");
				qident(&b, c->v[i].name);
			}
		}
		bufprintf(&b, "\n  when not matched then insert (%s)\n  values (%s)", cols.s, src.s);
		stmtf(s, &b);
	} else {
		r->err = xasprintf("incremental_strategy %s is not one of append, "
		    "delete+insert, merge, microbatch", strat);
		rc = -1;
	}
	free(uk);
	buffree(&b);
	buffree(&cols);
	buffree(&src);
	return rc;
}

static int
incremental(struct runner *r)
{
	struct jobfile *j = r->job;
	int kind = relkind(r, j->ident), full;
	char *tmp = tempname(j->ident);
	struct buf t = {0}, b = {0};
	struct columns src = {0}, dst = {0};
	struct step s;
	int rc = -1;

	if (kind < 0)
		goto out;
	full = r->fullrefresh;
	if (jobget(j, "full_refresh"))
		full = jobbool(j, "full_refresh", 0);
	if (r->dry)
		fprintf(r->dry, "-- when %s does not exist, or on a full refresh:\n", j->relation);
	if (kind == 0 || full || kind == 'v') {
		if (kind == 0 && !r->dry) {
			/* first run: create the table in place */
			if (matouterhooks(r, "pre-hook") < 0)
				goto out;
			matstep(&s);
			matnstmts = 0;
			begin(&s, j);
			if (mathooks(r, &s, "pre-hook", 1) < 0) {
				buffree(&s.sql);
				goto out;
			}
			tableas(&s, j, j->relation);
			indexes(&s, j, j->relation);
			rc = finish(r, &s, "table");
			goto out;
		}
		rc = swap(r, KTABLE);
		if (!r->dry)
			goto out;
		fprintf(r->dry, "-- otherwise:\n");
	}
	/* the incremental run: new rows into a temporary table, then merged */
	if (matouterhooks(r, "pre-hook") < 0)
		goto out;
	matstep(&s);
	matnstmts = 0;
	begin(&s, j);
	if (mathooks(r, &s, "pre-hook", 1) < 0) {
		buffree(&s.sql);
		goto out;
	}
	qident(&t, tmp);
	bufprintf(&b, "create temporary table %s\n  as (\n", t.s);
	matmainsql(&s, j, b.s, "\n  )");
	s.mainstmt = -1;
	if (r->dry) {
		fputs(s.sql.s, r->dry);
		buffree(&s.sql);
		fprintf(r->dry, "-- then, with the columns of both, on_schema_change, and:\n");
		src.n = 1;
		src.v = xcalloc(1, sizeof(*src.v));
		src.v[0].name = xstrdup("<columns>");
		src.v[0].type = xstrdup("");
		matstep(&s);
		matnstmts = 0;
		if (strategy(r, &s, t.s, &src) < 0) {
			buffree(&s.sql);
			goto out;
		}
		grants(&s, j);
		persistdocs(&s, j, "table");
		matstmt(&s, "commit");
		rc = matexec(r, &s);
		goto out;
	}
	if (staged(r, &s, t.s, &src, &dst) < 0)
		goto out;
	matstep(&s);
	matnstmts = 0;
	if (schemachange(r, &s, &src, &dst) < 0 || strategy(r, &s, t.s, &dst) < 0) {
		buffree(&s.sql);
		goto rollback;
	}
	rc = finish(r, &s, "table");
	goto out;
rollback:
	PQclear(PQexec(r->conn, "rollback"));
out:
	colsfree(&src);
	colsfree(&dst);
	free(tmp);
	buffree(&t);
	buffree(&b);
	return rc;
}

/* A seed's columns, quoted unless quote_columns is false, with their types
 * when types is set: for COPY, and for create table. */
void
matseedcolumns(struct buf *b, const struct jobfile *j, const struct seed *sd, int types)
{
	size_t i;

	for (i = 0; i < sd->ncols; i++) {
		if (i)
			bufputs(b, ", ");
		if (jobbool(j, "quote_columns", 1))
			qident(b, sd->cols[i].name);
		else
			bufputs(b, sd->cols[i].name);
		if (types)
			bufprintf(b, " %s", sd->cols[i].type);
	}
}

/* A seed's CSV, read and checked against the hash the job holds, its
 * column list for COPY, and whether to rebuild it. */
int
matseedload(struct runner *r, struct seed *sd, struct buf *cols, int *full)
{
	const struct jobfile *j = r->job;
	const char *path = jobstr(j, "seed_path", NULL), *want = jobstr(j, "seed_sha256", NULL);
	char h[SHA256_HEX];

	memset(sd, 0, sizeof(*sd));
	if (!path) {
		r->err = xstrdup("the job names no seed file");
		return -1;
	}
	if (seedread(sd, path, jobstr(j, "delimiter", ","), jobget(j, "column_types"), &r->err) < 0)
		return -1;
	sha256hex(sd->raw.s, sd->raw.len, h);
	if (!want || strcmp(want, h)) {
		r->err = xasprintf("%s changed since dbt2ninja wrote the job: run dbt2ninja "
		    "(or dbt compile and ninja) again", path);
		return -1;
	}
	*full = r->fullrefresh;
	if (jobget(j, "full_refresh"))
		*full = jobbool(j, "full_refresh", 0);
	matseedcolumns(cols, j, sd, 0);
	return 0;
}

static int
seed(struct runner *r)
{
	struct jobfile *j = r->job;
	struct seed sd;
	struct buf b = {0}, cols = {0};
	struct step s;
	int rc = -1, full;

	if (matseedload(r, &sd, &cols, &full) < 0)
		goto out;
	if (matouterhooks(r, "pre-hook") < 0)
		goto out;
	matstep(&s);
	matnstmts = 0;
	begin(&s, j);
	if (mathooks(r, &s, "pre-hook", 1) < 0) {
		buffree(&s.sql);
		goto out;
	}
	if (full) {
		bufprintf(&b, "drop table if exists %s cascade", j->relation);
		stmtf(&s, &b);
	}
	bufprintf(&b, "create table if not exists %s (", j->relation);
	matseedcolumns(&b, j, &sd, 1);
	bufputc(&b, ')');
	stmtf(&s, &b);
	bufprintf(&b, "truncate table %s", j->relation);
	stmtf(&s, &b);
	s.mainstmt = matnstmts;
	bufprintf(&b, "copy %s (%s) from stdin with (format csv)", j->relation, cols.s);
	stmtf(&s, &b);
	s.copydata = sd.copy.s;
	s.copylen = sd.copy.len;
	indexes(&s, j, j->relation);
	rc = finish(r, &s, "table");
out:
	seedfree(&sd);
	buffree(&b);
	buffree(&cols);
	return rc;
}

int
mattest(struct runner *r)
{
	struct jobfile *j = r->job;
	const cJSON *limit = jobget(j, "limit");
	const char *calc = jobstr(j, "fail_calc", "count(*)");
	const char *sev = jobstr(j, "severity", "ERROR");
	char *lim = cJSON_IsNumber(limit) ? xasprintf("\nlimit %d", limit->valueint) : xstrdup("");
	struct buf b = {0};
	struct step s;
	int rc = -1;

	matstep(&s);
	matnstmts = 0;
	if (jobbool(j, "store_failures", 0)) {
		const char *as = jobstr(j, "store_failures_as", "table");
		if (r->stored)
			goto stored;
		begin(&s, j);
		dropany(&s, j, j->ident);
		bufprintf(&b, "create %s %s as (\n", !strcmp(as, "view") ? "view" : "table", j->relation);
		matmainsql(&s, j, b.s, lim);
		s.sql.len -= 2;
		bufputs(&s.sql, "\n);\n");
		matstmt(&s, "commit");
		s.transactional = 1;
		if (matexec(r, &s) < 0)
			goto out;
		matstep(&s);
	stored:
		matnstmts = 0;
		b.len = 0;
		bufprintf(&b, "select\n  %s as failures,\n  %s %s as should_warn,\n  %s %s as should_error\n"
		    "from (\n  select * from %s\n) dbt_internal_test", calc, calc,
		    jobstr(j, "warn_if", "!= 0"), calc, jobstr(j, "error_if", "!= 0"), j->relation);
		stmtf(&s, &b);
	} else {
		bufprintf(&b, "select\n  %s as failures,\n  %s %s as should_warn,\n  %s %s as should_error\n"
		    "from (\n", calc, calc, jobstr(j, "warn_if", "!= 0"), calc,
		    jobstr(j, "error_if", "!= 0"));
		{
			struct buf post = {0};
			bufprintf(&post, "%s\n) dbt_internal_test", lim);
			matmainsql(&s, j, b.s, post.s);
			buffree(&post);
		}
	}
	if (matexec(r, &s) < 0)
		goto out;
	rc = 0;
	if (r->dry)
		goto out;
	if (!r->out.last || PQntuples(r->out.last) != 1 || PQnfields(r->out.last) != 3) {
		r->err = xstrdup("the test's query did not return one row of three columns");
		rc = -1;
		goto out;
	}
	r->failures = atol(PQgetvalue(r->out.last, 0, 0));
	if (!strcasecmp(sev, "error") && PQgetvalue(r->out.last, 0, 2)[0] == 't')
		r->verdict = 2;
	else if (PQgetvalue(r->out.last, 0, 1)[0] == 't')
		r->verdict = 1;
	else
		r->verdict = 0;
	if (r->verdict < 2 && r->record) {
		struct outcome keep = r->out;
		r->out.last = NULL;
		matstep(&s);
		matnstmts = 0;
		matstmt(&s, "begin");
		record(r, &s);
		matstmt(&s, "commit");
		s.transactional = 1;
		rc = matexec(r, &s);
		PQclear(r->out.last);
		r->out = keep;
	}
out:
	PQclear(r->out.last);
	r->out.last = NULL;
	free(lim);
	buffree(&b);
	return rc;
}

/* Snapshots (dbt's timestamp and check strategies, postgres' merge). */
struct snap {
	const char *updated;	/* an SQL expression */
	char *changed;		/* row_changed, over snapshotted_data and source_data */
	/* the unique_key, one expression or several (dbt >= 1.9): as the
	 * staging table's dbt_unique_key[_N] columns, their join, the column
	 * that is null when a join finds no row, and the scd_id's hash input */
	char *fields, *join, *hash;
	const char *key;
};

static void
snapfree(struct snap *sn)
{
	free(sn->changed);
	free(sn->fields);
	free(sn->join);
	free(sn->hash);
	memset(sn, 0, sizeof(*sn));
}

static int
snapkey(struct runner *r, struct snap *sn)
{
	const cJSON *uk = jobget(r->job, "unique_key"), *k;
	struct buf f = {0}, jn = {0}, h = {0}, col = {0};
	int list, n = 0, bad;

	if (cJSON_IsArray(uk) && cJSON_GetArraySize(uk) == 1)
		uk = cJSON_GetArrayItem(uk, 0);
	list = cJSON_IsArray(uk);
	bad = list ? cJSON_GetArraySize(uk) == 0 : !cJSON_IsString(uk);
	for (k = list ? uk->child : NULL; k; k = k->next)
		bad |= !cJSON_IsString(k);
	if (bad) {
		r->err = xstrdup("a snapshot needs a unique_key: a column or expression, or a list of them");
		return -1;
	}
	/* one key is dbt_unique_key; a list's are dbt_unique_key_1, _2, ... */
	sn->key = list ? "dbt_unique_key_1" : "dbt_unique_key";
	for (k = list ? uk->child : uk; k; k = list ? k->next : NULL) {
		col.len = 0;
		bufputs(&col, "dbt_unique_key");
		if (list)
			bufprintf(&col, "_%d", ++n);
		bufprintf(&f, "%s%s as %s", f.len ? ", " : "", k->valuestring, col.s);
		bufprintf(&jn, "%ssnapshotted_data.%s = source_data.%s", jn.len ? " and " : "",
		    col.s, col.s);
		bufprintf(&h, "%scoalesce(cast(%s as varchar ), '')", h.len ? " || '|' || " : "",
		    k->valuestring);
	}
	buffree(&col);
	sn->fields = f.s;
	sn->join = jn.s;
	sn->hash = h.s;
	return 0;
}

static int
snapshotplan(struct runner *r, struct snap *sn, const struct columns *query)
{
	const struct jobfile *j = r->job;
	const char *strat = jobstr(j, "strategy", "timestamp");
	const cJSON *cc = jobget(j, "check_cols"), *c;
	struct buf b = {0};
	size_t i;

	if (snapkey(r, sn) < 0)
		return -1;
	if (!strcmp(strat, "timestamp")) {
		sn->updated = jobstr(j, "updated_at", NULL);
		if (!sn->updated) {
			r->err = xstrdup("the timestamp strategy needs updated_at");
			return -1;
		}
		sn->changed = xasprintf("(snapshotted_data.dbt_valid_from < source_data.%s)", sn->updated);
		return 0;
	}
	if (strcmp(strat, "check")) {
		r->err = xasprintf("snapshot strategy %s is not timestamp or check", strat);
		return -1;
	}
	sn->updated = "now()::timestamp without time zone";
	bufputs(&b, "");
#define CHANGED(col) bufprintf(&b, "%s(snapshotted_data.%s != source_data.%s\n" \
	    "  or (snapshotted_data.%s is null and not source_data.%s is null)\n" \
	    "  or (not snapshotted_data.%s is null and source_data.%s is null))", \
	    b.len ? "\n  or " : "", col, col, col, col, col, col)
	if (cJSON_IsString(cc) && !strcmp(cc->valuestring, "all")) {
		struct buf q = {0};
		for (i = 0; query && i < query->n; i++) {
			q.len = 0;
			qident(&q, query->v[i].name);
			CHANGED(q.s);
		}
		buffree(&q);
		if (!query)
			CHANGED("<each column>");
	} else {
		cJSON_ArrayForEach(c, cc)
			if (cJSON_IsString(c))
				CHANGED(c->valuestring);
	}
#undef CHANGED
	if (!b.len) {
		r->err = xstrdup("the check strategy needs check_cols");
		buffree(&b);
		return -1;
	}
	sn->changed = xasprintf("(%s)", b.s);
	buffree(&b);
	return 0;
}

static char *
scdid(const struct snap *sn)
{
	return xasprintf("md5(%s || '|' || coalesce(cast(%s as varchar ), ''))", sn->hash, sn->updated);
}

static int
snapshot(struct runner *r)
{
	struct jobfile *j = r->job;
	const cJSON *hd = jobget(j, "hard_deletes");
	int kind = relkind(r, j->ident);
	int deletes = jobbool(j, "invalidate_hard_deletes", 0) ||
	    (cJSON_IsString(hd) && !strcmp(hd->valuestring, "invalidate"));
	char *tmp = tempname(j->ident), *id = NULL;
	struct snap sn = {0};
	struct columns query = {0}, src = {0}, dst = {0};
	struct buf b = {0}, t = {0};
	struct step s;
	size_t i;
	int rc = -1;

	if (kind < 0)
		goto out;
	if (r->dry)
		fprintf(r->dry, "-- when %s does not exist:\n", j->relation);
	if (kind == 0) {
		if (snapshotplan(r, &sn, NULL) < 0)
			goto out;
		id = scdid(&sn);
		matstep(&s);
		matnstmts = 0;
		begin(&s, j);
		bufprintf(&b, "create table %s as (\n  select *,\n    %s as dbt_scd_id,\n"
		    "    %s as dbt_updated_at,\n    %s as dbt_valid_from,\n"
		    "    nullif(%s, %s) as dbt_valid_to\n  from (\n", j->relation, id,
		    sn.updated, sn.updated, sn.updated, sn.updated);
		matmainsql(&s, j, b.s, "\n  ) sbq\n)");
		indexes(&s, j, j->relation);
		grants(&s, j);
		record(r, &s);
		matstmt(&s, "commit");
		s.transactional = 1;
		rc = matexec(r, &s);
		if (!r->dry)
			goto out;
		snapfree(&sn);
		free(id);
		id = NULL;
		b.len = 0;
		fprintf(r->dry, "-- otherwise:\n");
	}
	if (!r->dry) {
		/* the query's columns, for check_cols: all */
		matstep(&s);
		bufputs(&s.sql, "select * from (\n");
		s.sqloff = (int)s.sql.len;
		s.sqllen = (int)strlen(j->sql);
		bufputs(&s.sql, j->sql);
		bufputs(&s.sql, "\n) sbq where false limit 0");
		if (matexec(r, &s) < 0)
			goto out;
		query.n = (size_t)PQnfields(r->out.last);
		query.v = xcalloc(query.n, sizeof(*query.v));
		for (i = 0; i < query.n; i++) {
			query.v[i].name = xstrdup(PQfname(r->out.last, (int)i));
			query.v[i].type = xstrdup("");
		}
		PQclear(r->out.last);
		r->out.last = NULL;
	}
	if (snapshotplan(r, &sn, r->dry ? NULL : &query) < 0)
		goto out;
	id = scdid(&sn);
	qident(&t, tmp);
	matstep(&s);
	matnstmts = 0;
	begin(&s, j);
	bufprintf(&b, "create temporary table %s as (\nwith snapshot_query as (\n", t.s);
	{
		struct buf post = {0};
		bufprintf(&post, "\n),\nsnapshotted_data as (\n  select *, %s\n"
		    "  from %s\n  where dbt_valid_to is null\n),\n"
		    "insertions_source_data as (\n  select *, %s,\n"
		    "    %s as dbt_updated_at,\n    %s as dbt_valid_from,\n"
		    "    nullif(%s, %s) as dbt_valid_to,\n    %s as dbt_scd_id\n"
		    "  from snapshot_query\n),\n"
		    "updates_source_data as (\n  select *, %s,\n"
		    "    %s as dbt_updated_at,\n    %s as dbt_valid_from,\n    %s as dbt_valid_to\n"
		    "  from snapshot_query\n),\n",
		    sn.fields, j->relation, sn.fields, sn.updated, sn.updated, sn.updated, sn.updated, id,
		    sn.fields, sn.updated, sn.updated, sn.updated);
		if (deletes)
			bufprintf(&post, "deletes_source_data as (\n  select *, %s\n"
			    "  from snapshot_query\n),\n", sn.fields);
		bufprintf(&post, "insertions as (\n  select 'insert' as dbt_change_type, source_data.*\n"
		    "  from insertions_source_data as source_data\n"
		    "  left outer join snapshotted_data\n"
		    "    on %s\n"
		    "  where snapshotted_data.%s is null\n"
		    "    or (snapshotted_data.%s is not null and %s)\n),\n"
		    "updates as (\n  select 'update' as dbt_change_type, source_data.*,"
		    " snapshotted_data.dbt_scd_id\n"
		    "  from updates_source_data as source_data\n  join snapshotted_data\n"
		    "    on %s\n"
		    "  where %s\n)", sn.join, sn.key, sn.key, sn.changed, sn.join, sn.changed);
		if (deletes)
			bufprintf(&post, ",\ndeletes as (\n  select 'delete' as dbt_change_type, source_data.*,\n"
			    "    %s as dbt_valid_from,\n    %s as dbt_updated_at,\n"
			    "    %s as dbt_valid_to,\n    snapshotted_data.dbt_scd_id\n"
			    "  from snapshotted_data\n  left join deletes_source_data as source_data\n"
			    "    on %s\n"
			    "  where source_data.%s is null\n)",
			    "now()::timestamp without time zone", "now()::timestamp without time zone",
			    "now()::timestamp without time zone", sn.join, sn.key);
		bufprintf(&post, "\nselect * from insertions\nunion all\nselect * from updates%s\n)",
		    deletes ? "\nunion all\nselect * from deletes" : "");
		matmainsql(&s, j, b.s, post.s);
		buffree(&post);
	}
	s.mainstmt = -1;
	if (r->dry) {
		fputs(s.sql.s, r->dry);
		buffree(&s.sql);
		fprintf(r->dry, "-- then new columns added, and:\n");
		matstep(&s);
		matnstmts = 0;
	} else {
		if (staged(r, &s, t.s, &src, &dst) < 0)
			goto out;
		b.len = 0;
		matstep(&s);
		matnstmts = 0;
		for (i = 0; i < src.n; i++) {
			if (colfind(&dst, src.v[i].name) || !strcmp(src.v[i].name, "dbt_change_type") ||
			    !strncmp(src.v[i].name, "dbt_unique_key", 14))
				continue;
			bufprintf(&b, "alter table %s add column ", j->relation);
			qident(&b, src.v[i].name);
			bufprintf(&b, " %s", src.v[i].type);
			stmtf(&s, &b);
			dst.v = xreallocarray(dst.v, dst.n + 1, sizeof(*dst.v));
			dst.v[dst.n].name = xstrdup(src.v[i].name);
			dst.v[dst.n++].type = xstrdup(src.v[i].type);
		}
	}
	bufprintf(&b, "update %s as DBT_INTERNAL_DEST\nset dbt_valid_to = DBT_INTERNAL_SOURCE.dbt_valid_to\n"
	    "from %s as DBT_INTERNAL_SOURCE\n"
	    "where DBT_INTERNAL_SOURCE.dbt_scd_id::text = DBT_INTERNAL_DEST.dbt_scd_id::text\n"
	    "  and DBT_INTERNAL_SOURCE.dbt_change_type::text in ('update'::text, 'delete'::text)\n"
	    "  and DBT_INTERNAL_DEST.dbt_valid_to is null", j->relation, t.s);
	stmtf(&s, &b);
	{
		struct buf cols = {0}, srccols = {0};
		if (r->dry) {
			bufputs(&cols, "<columns>");
			bufputs(&srccols, "DBT_INTERNAL_SOURCE.<columns>");
		} else {
			collist(&cols, &dst, "");
			collist(&srccols, &dst, "DBT_INTERNAL_SOURCE.");
		}
		s.mainstmt = matnstmts;
		bufprintf(&b, "insert into %s (%s)\nselect %s\nfrom %s as DBT_INTERNAL_SOURCE\n"
		    "where DBT_INTERNAL_SOURCE.dbt_change_type::text = 'insert'::text",
		    j->relation, cols.s, srccols.s, t.s);
		stmtf(&s, &b);
		buffree(&cols);
		buffree(&srccols);
	}
	grants(&s, j);
	record(r, &s);
	matstmt(&s, "commit");
	s.transactional = 1;
	rc = matexec(r, &s);
out:
	colsfree(&query);
	colsfree(&src);
	colsfree(&dst);
	snapfree(&sn);
	free(id);
	free(tmp);
	buffree(&b);
	buffree(&t);
	return rc;
}

/* A materialized view, as dbt-postgres: refreshed when only its parents
 * changed (its job is the one it was last built from), else built anew
 * and swapped in like a table, so that readers never see it missing. */
static int
matview(struct runner *r)
{
	struct step s;
	struct buf b = {0};
	int kind = relkind(r, r->job->ident);

	if (kind < 0)
		return -1;
	if (r->dry)
		fprintf(r->dry, "-- when %s is a materialized view built from this job (a parent "
		    "changed):\n", r->job->relation);
	if (r->dry || (kind == 'm' && r->samejob && !r->fullrefresh)) {
		if (matouterhooks(r, "pre-hook") < 0)
			return -1;
		matstep(&s);
		matnstmts = 0;
		begin(&s, r->job);
		if (mathooks(r, &s, "pre-hook", 1) < 0) {
			buffree(&s.sql);
			return -1;
		}
		s.mainstmt = matnstmts;
		bufprintf(&b, "refresh materialized view %s", r->job->relation);
		stmtf(&s, &b);
		buffree(&b);
		if (finish(r, &s, "materialized view") < 0)
			return -1;
		if (!r->dry)
			return 0;
		fprintf(r->dry, "-- otherwise:\n");
	}
	return swap(r, KMATVIEW);
}

int
materialize(struct runner *r)
{
	struct jobfile *j = r->job;
	const char *m = j->materialized;

	dry = r->dry != NULL;
	if (!strcmp(j->adapter, "materialize"))
		return mzmaterialize(r);
	if (!strcmp(j->type, "seed"))
		return seed(r);
	if (!strcmp(j->type, "test"))
		return mattest(r);
	if (!strcmp(j->type, "snapshot"))
		return snapshot(r);
	if (!strcmp(m, "view"))
		return swap(r, KVIEW);
	if (!strcmp(m, "table"))
		return swap(r, KTABLE);
	if (!strcmp(m, "materialized_view"))
		return matview(r);
	if (!strcmp(m, "incremental"))
		return incremental(r);
	r->err = xasprintf("materialization %s is not supported on %s", m, j->adapter);
	return -1;
}
