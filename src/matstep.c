/* matstep.c: the steps every materialization is made of (matstep.h). */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "matstep.h"
#include "sql.h"

enum { MAXIDENT = 63 };

/* With --dry-run, names that hold the time are shown as placeholders. */
int matdry;

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
void
matsibling(struct buf *b, const struct jobfile *j, const char *ident)
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
	s->tryat = -1;
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

void
matstmtf(struct step *s, struct buf *b)
{
	matstmt(s, b->s);
	b->len = 0;
	b->s[0] = '\0';
}

/* Whether tag, after body, would close a dollar quote before body ends:
 * body holds it, or ends with the start of it. */
static int
closesearly(const char *body, const char *tag)
{
	size_t n = strlen(body), t = strlen(tag), k;

	if (strstr(body, tag))
		return 1;
	for (k = 1; k < t && k <= n; k++)
		if (!memcmp(body + n - k, tag, k))
			return 1;
	return 0;
}

/* body dollar-quoted with a tag that nothing in it can close:
 * $dbt2ninja$, else $dbt2ninja_1$, $dbt2ninja_2$, ... */
static void
dollarquote(struct buf *b, const char *body)
{
	char tag[32] = "$dbt2ninja$";
	int n;

	for (n = 1; closesearly(body, tag); n++)
		snprintf(tag, sizeof(tag), "$dbt2ninja_%d$", n);
	bufputs(b, tag);
	bufputs(b, body);
	bufputs(b, tag);
}

/* Drop whatever relation has this name, by its kind, on the server. */
void
matdropany(struct step *s, const struct jobfile *j, const char *ident)
{
	static const struct {
		const char *test, *kind;
	} by[] = {
		{"if k = 'v'", "view"},
		{"elsif k = 'm'", "materialized view"},
		{"elsif k is not null", "table"},
	};
	struct buf b = {0}, rel = {0}, q = {0}, d = {0};
	size_t i;

	matsibling(&rel, j, ident);
	bufputs(&b, " declare k \"char\"; begin\n"
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
	bufputs(&b, "end if; end ");
	bufputs(&d, "do ");
	dollarquote(&d, b.s);
	matstmt(s, d.s);
	buffree(&b);
	buffree(&d);
	buffree(&rel);
	buffree(&q);
}

void
matbegin(struct step *s, const struct jobfile *j)
{
	struct buf b = {0};

	matstmt(s, "begin");
	if (j->schema) {
		/* two first creations of one schema at once: the second waits
		 * for the first, fails, and its step is sent again (exec) */
		bufputs(&b, "create schema if not exists ");
		qident(&b, j->schema);
		matstmtf(s, &b);
	}
	bufputs(&b, "select pg_advisory_xact_lock(hashtextextended(");
	qliteral(&b, j->relation);
	bufputs(&b, ", 0))");
	matstmtf(s, &b);
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

void
matheader(struct step *s, const struct jobfile *j)
{
	const char *h = jobstr(j, "sql_header", NULL);

	if (!h)
		return;
	bufputs(&s->sql, h);
	bufputc(&s->sql, '\n');
	matnstmts += (int)sqlstatements(h, strlen(h));
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

/* A hook as it runs: rendered by the generator when its job says so
 * ("-- hooks: "rendered""), else substituted here. */
static int
hooksql(struct runner *r, const char *kind, const char *in, struct buf *out)
{
	if (!strcmp(jobstr(r->job, "hooks", ""), "rendered")) {
		bufputs(out, in);
		return 0;
	}
	/* a job rendered when it runs: its hooks too, in its context */
	if (r->late)
		return matlatehook(r, kind, in, out);
	if (r->dry && jobget(r->job, "render")) {
		bufprintf(out, "/* rendered when it runs: */ %s", in);
		return 0;
	}
	return renderhook(r, in, out);
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
			rc = hooksql(r, kind, list->valuestring, &b);
			if (rc == 0 && b.len)
				matstmtf(s, &b);
		}
		buffree(&b);
		return rc;
	}
	/* a post-hook rendered here renders after what comes before it ran,
	 * as dbt's run_hooks renders each hook when it runs it: s is sent
	 * when one asks the database (late.c) */
	if (r->late && !strcmp(kind, "post-hook"))
		r->pending = s;
	cJSON_ArrayForEach(h, list) {
		sql = cJSON_IsString(h) ? h : cJSON_GetObjectItemCaseSensitive(h, "sql");
		txn = cJSON_GetObjectItemCaseSensitive(h, "transaction");
		if (!cJSON_IsString(sql) || (cJSON_IsFalse(txn) ? 0 : 1) != intxn)
			continue;
		bufputs(&b, "");
		if ((rc = hooksql(r, kind, sql->valuestring, &b)) < 0)
			break;
		if (b.len)
			matstmtf(s, &b);
	}
	r->pending = NULL;
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

/* One statement per privilege: grant (to the grantees as written) or
 * revoke (from them quoted), as dbt's get_grant_sql and get_revoke_sql. */
static void
dcl(struct step *s, const char *rel, const cJSON *privs, int revoke)
{
	const cJSON *priv, *who;
	struct buf b = {0};
	int first;

	cJSON_ArrayForEach(priv, privs) {
		if (!priv->string || !cJSON_GetArraySize(priv))
			continue;
		bufprintf(&b, "%s %s on %s %s ", revoke ? "revoke" : "grant", priv->string, rel,
		    revoke ? "from" : "to");
		first = 1;
		cJSON_ArrayForEach(who, priv) {
			if (!cJSON_IsString(who))
				continue;
			if (!first)
				bufputs(&b, ", ");
			if (revoke)
				qident(&b, who->valuestring);
			else
				bufputs(&b, who->valuestring);
			first = 0;
		}
		matstmtf(s, &b);
	}
	buffree(&b);
}

void
matgrants(struct step *s, const struct jobfile *j)
{
	dcl(s, j->relation, jobget(j, "grants"), 0);
}

/* postgres__get_show_grant_sql: what the node's role granted on it. */
static void
showgrants(struct buf *b, const struct jobfile *j)
{
	bufputs(b, "select grantee, privilege_type\n  from ");
	if (j->db) {
		qident(b, j->db);
		bufputc(b, '.');
	}
	bufputs(b, "INFORMATION_SCHEMA.role_table_grants\n      where grantor = current_role\n"
	    "        and grantee != current_role\n        and table_schema = ");
	if (j->schema)
		qliteral(b, j->schema);
	else
		bufputs(b, "current_schema()");
	bufputs(b, "\n        and table_name = ");
	qliteral(b, j->ident);
}

/* Case-insensitively, as Python's casefold() for ASCII. */
static const cJSON *
keyfold(const cJSON *o, const char *key)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, o)
		if (e->string && !strcasecmp(e->string, key))
			return e;
	return NULL;
}

static int
infold(const cJSON *list, const char *v)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, list)
		if (cJSON_IsString(e) && !strcasecmp(e->valuestring, v))
			return 1;
	return 0;
}

/* dbt's diff_of_two_dicts: a minus b, keys and grantees compared without
 * case, a's spelling kept. */
static cJSON *
grantdiff(const cJSON *a, const cJSON *b)
{
	cJSON *d = cJSON_CreateObject(), *l;
	const cJSON *k, *v, *bk;

	cJSON_ArrayForEach(k, a) {
		if (!k->string || !cJSON_IsArray(k))
			continue;
		bk = keyfold(b, k->string);
		l = cJSON_CreateArray();
		cJSON_ArrayForEach(v, k)
			if (cJSON_IsString(v) && !(bk && infold(bk, v->valuestring)))
				cJSON_AddItemToArray(l, cJSON_CreateString(v->valuestring));
		if (cJSON_GetArraySize(l))
			cJSON_AddItemToObject(d, k->string, l);
		else
			cJSON_Delete(l);
	}
	return d;
}

int
matapplygrants(struct runner *r, struct step *s, int revoke)
{
	const cJSON *cfg = jobget(r->job, "grants");
	cJSON *have, *add, *drop, *l;
	struct buf b = {0};
	int i;

	if (!cJSON_IsObject(cfg) || !cfg->child)
		return 0;
	if (!revoke) {
		matgrants(s, r->job);
		return 0;
	}
	showgrants(&b, r->job);
	matstmtf(s, &b);
	buffree(&b);
	if (r->dry) {
		fputs(s->sql.s, r->dry);
		fputs("-- then what it granted and the config does not is revoked, "
		    "and what the config adds granted:\n", r->dry);
		buffree(&s->sql);
		matstep(s);
		s->mainstmt = INT_MAX;
		matnstmts = 0;
		matgrants(s, r->job);
		return 0;
	}
	/* the statements so far, the node's own among them, then the grants
	 * held, in the open transaction */
	s->transactional = 1;
	if (matexec(r, s) < 0)
		return -1;
	have = cJSON_CreateObject();
	for (i = 0; r->out.last && i < PQntuples(r->out.last); i++) {
		const char *who = PQgetvalue(r->out.last, i, 0), *priv = PQgetvalue(r->out.last, i, 1);
		l = cJSON_GetObjectItemCaseSensitive(have, priv);
		if (!l)
			l = cJSON_AddArrayToObject(have, priv);
		cJSON_AddItemToArray(l, cJSON_CreateString(who));
	}
	PQclear(r->out.last);
	r->out.last = NULL;
	add = grantdiff(cfg, have);
	drop = grantdiff(have, cfg);
	matstep(s);
	s->mainstmt = INT_MAX;
	matnstmts = 0;
	dcl(s, r->job->relation, drop, 1);
	dcl(s, r->job->relation, add, 0);
	cJSON_Delete(have);
	cJSON_Delete(add);
	cJSON_Delete(drop);
	return 0;
}

/* A relation replaced in place ends with the grants a new one would have:
 * of those the node's role made on it (read before the node ran), what
 * the config does not grant is revoked (PUBLIC as the keyword), and what
 * it grants and they lack is granted. */
void
matregrant(struct runner *r, struct step *s)
{
	const cJSON *cfg = jobget(r->job, "grants"), *g, *priv;
	cJSON *have = cJSON_CreateObject(), *none = cJSON_CreateObject(), *add, *drop, *l;
	struct buf b = {0};

	if (r->dry) {
		bufputs(&s->sql, "-- then what the node's role granted on it and the config does not "
		    "grant is revoked, and what the config grants:\n");
		matgrants(s, r->job);
		goto out;
	}
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(r->was.info, "grants")) {
		const char *who = cJSON_GetStringValue(cJSON_GetArrayItem(g, 0));
		const char *what = cJSON_GetStringValue(cJSON_GetArrayItem(g, 1));
		if (!who || !what)
			continue;
		if (!(l = cJSON_GetObjectItemCaseSensitive(have, what)))
			l = cJSON_AddArrayToObject(have, what);
		cJSON_AddItemToArray(l, cJSON_CreateString(who));
	}
	add = grantdiff(cJSON_IsObject(cfg) ? cfg : none, have);
	drop = grantdiff(have, cJSON_IsObject(cfg) ? cfg : none);
	cJSON_ArrayForEach(priv, drop) {
		bufprintf(&b, "revoke %s on %s from ", priv->string, r->job->relation);
		cJSON_ArrayForEach(g, priv) {
			if (g != priv->child)
				bufputs(&b, ", ");
			if (!strcmp(g->valuestring, "PUBLIC"))
				bufputs(&b, "public");
			else
				qident(&b, g->valuestring);
		}
		matstmtf(s, &b);
	}
	dcl(s, r->job->relation, add, 0);
	cJSON_Delete(add);
	cJSON_Delete(drop);
out:
	cJSON_Delete(have);
	cJSON_Delete(none);
	buffree(&b);
}

/* A relation replaced in place ends with the comments a new one would
 * have: the ones it had (read before the node ran) removed, for
 * persist_docs to write what the node has. kind: view or table. */
void
matuncomment(struct runner *r, struct step *s, const char *kind)
{
	const cJSON *c;
	struct buf b = {0};

	if (r->dry) {
		bufputs(&s->sql, "-- then the comments it has on it and its columns are removed\n");
		return;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->was.info, "comment"))) {
		bufprintf(&b, "comment on %s %s is null", kind, r->job->relation);
		matstmtf(s, &b);
	}
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(r->was.info, "commented")) {
		if (!cJSON_IsString(c))
			continue;
		bufprintf(&b, "comment on column %s.", r->job->relation);
		qident(&b, c->valuestring);
		bufputs(&b, " is null");
		matstmtf(s, &b);
	}
	buffree(&b);
}

void
matcomment(struct buf *b, const char *text)
{
	bufputs(b, COMMENTTAG);
	bufputs(b, text);
	bufputs(b, COMMENTTAG);
}

/* dbt-postgres' postgres_escape_comment refuses the tag it quotes with. */
static const char badcomment[] = "The string " COMMENTTAG " is not allowed in comments.";

/* The relation's description (and, with columns, every column's) as
 * persist_docs would send it, refused as dbt refuses it: a description
 * holding the dollar-quote tag it is sent in would close the quote. */
int
matdocscheck(struct runner *r, int columns)
{
	const cJSON *pd = jobget(r->job, "persist_docs"), *c, *d;
	const char *desc = jobstr(r->job, "description", NULL);

	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(pd, "relation")) && desc &&
	    strstr(desc, COMMENTTAG)) {
		r->err = xasprintf("persist_docs: the model's description: %s", badcomment);
		return -1;
	}
	if (!columns || !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(pd, "columns")))
		return 0;
	cJSON_ArrayForEach(c, jobget(r->job, "columns")) {
		d = cJSON_GetObjectItemCaseSensitive(c, "description");
		if (c->string && cJSON_IsString(d) && strstr(d->valuestring, COMMENTTAG)) {
			r->err = xasprintf("persist_docs: the description of column %s: %s",
			    c->string, badcomment);
			return -1;
		}
	}
	return 0;
}

void
matpersistdocs(struct step *s, const struct jobfile *j, const char *kind)
{
	const cJSON *pd = jobget(j, "persist_docs"), *cols = jobget(j, "columns"), *c, *d;
	const char *desc = jobstr(j, "description", NULL);
	struct buf b = {0}, q = {0}, body = {0};

	/* an empty description is none, as dbt's `model.description` test */
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(pd, "relation")) && desc && *desc) {
		bufprintf(&b, "comment on %s %s is ", kind, j->relation);
		matcomment(&b, desc);
		matstmtf(s, &b);
	}
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(pd, "columns"))) {
		buffree(&b);
		return;
	}
	cJSON_ArrayForEach(c, cols) {
		d = cJSON_GetObjectItemCaseSensitive(c, "description");
		if (!cJSON_IsString(d) || !c->string)
			continue;
		/* only columns the relation has, by their exact name, as
		 * dbt-postgres checks; the name quoted only with quote: true */
		body.len = q.len = 0;
		bufputs(&body, " begin if exists (select 1 from pg_catalog.pg_attribute"
		    " where attrelid = ");
		qliteral(&body, j->relation);
		bufputs(&body, "::regclass and attname = ");
		qliteral(&body, c->string);
		bufputs(&body, " and not attisdropped) then ");
		if (strstr(d->valuestring, COMMENTTAG)) {
			/* dbt refuses it for a column the relation has */
			bufputs(&body, "raise exception using message = ");
			qliteral(&body, badcomment);
			bufputs(&body, ", detail = ");
			bufputs(&q, "the description of column ");
			bufputs(&q, c->string);
			qliteral(&body, q.s);
		} else {
			bufprintf(&q, "comment on column %s.", j->relation);
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "quote")))
				qident(&q, c->string);
			else
				bufputs(&q, c->string);
			bufputs(&q, " is ");
			matcomment(&q, d->valuestring);
			bufputs(&body, "execute ");
			qliteral(&body, q.s);
		}
		bufputs(&body, "; end if; end ");
		bufputs(&b, "do ");
		dollarquote(&b, body.s);
		matstmtf(s, &b);
	}
	buffree(&b);
	buffree(&q);
	buffree(&body);
}

void
matindexes(struct step *s, const struct jobfile *j, const char *on)
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
		if (matdry)
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
		matstmtf(s, &b);
	}
	buffree(&b);
	buffree(&key);
}

/* With --record: the deployment, in the node's own transaction, for
 * dbt2ninja --state db. */
void
matrecord(struct runner *r, struct step *s)
{
	struct buf b = {0};
	const char *tgt;

	if (!r->record)
		return;
	matstmt(s, "create schema if not exists dbt2ninja");
	matstmt(s, "create table if not exists dbt2ninja.deployments (\n"
	    "  target text not null,\n  unique_id text not null,\n  relation text not null,\n"
	    "  job_sha256 text not null,\n  deployed_at timestamptz not null default now(),\n"
	    "  duration interval,\n  render_target text,\n  primary key (target, unique_id))");
	/* a table made before render_target; looked up first, as an alter
	 * table would lock the table for the whole of every node's
	 * transaction */
	matstmt(s, "do $$ begin if not exists (select from pg_attribute where attrelid = "
	    "'dbt2ninja.deployments'::regclass and attname = 'render_target' and not attisdropped) "
	    "then alter table dbt2ninja.deployments add column render_target text; end if; end $$");
	bufputs(&b, "insert into dbt2ninja.deployments (target, unique_id, relation, job_sha256, duration,"
	    " render_target)\nvalues (");
	qliteral(&b, r->record);
	bufputs(&b, ", ");
	qliteral(&b, r->job->uid);
	bufputs(&b, ", ");
	qliteral(&b, r->job->relation);
	bufputs(&b, ", ");
	qliteral(&b, r->job->normhash);
	bufputs(&b, ", clock_timestamp() - transaction_timestamp(), ");
	/* a late job's target digest, for --state db to compare with */
	if ((tgt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(jobget(r->job, "render"),
	    "target"))))
		qliteral(&b, tgt);
	else
		bufputs(&b, "null");
	bufputs(&b, ")\non conflict (target, unique_id) do update set relation = excluded.relation,"
	    " job_sha256 = excluded.job_sha256, deployed_at = excluded.deployed_at,"
	    " duration = excluded.duration, render_target = excluded.render_target");
	matstmt(s, b.s);
	buffree(&b);
}

/* Drop a relation of the node's own kind; a relation of another kind
 * stops the step with wrong_object_type, and the step is built again with
 * matdropany(). */
const char *const matrelword[] = {"view", "table", "materialized view"};

static void
dropkind(struct step *s, const struct jobfile *j, const char *ident, int kind)
{
	struct buf b = {0};

	bufprintf(&b, "drop %s if exists ", matrelword[kind]);
	matsibling(&b, j, ident);
	bufputs(&b, " cascade");
	matstmtf(s, &b);
	buffree(&b);
}

void
matdrop(struct step *s, const struct jobfile *j, const char *ident, int kind, int anykind)
{
	if (anykind)
		matdropany(s, j, ident);
	else
		dropkind(s, j, ident, kind);
}

/* The end of a node's transaction: grants, comments, post-hooks inside,
 * COMMIT; then post-hooks outside. A step that cannot be built rolls back
 * a transaction an earlier step opened. */
int
matfinish(struct runner *r, struct step *s, const char *kind, int revoke)
{
	if (matapplygrants(r, s, revoke) < 0)
		return -1;
	matpersistdocs(s, r->job, kind);
	if (mathooks(r, s, "post-hook", 1) < 0) {
		buffree(&s->sql);
		if (r->conn && PQtransactionStatus(r->conn) == PQTRANS_INTRANS)
			PQclear(PQexec(r->conn, "rollback"));
		return -1;
	}
	matrecord(r, s);
	matstmt(s, "commit");
	s->transactional = 1;
	if (matexec(r, s) < 0)
		return -1;
	return matouterhooks(r, "post-hook");
}

/* The query of the kind of the node's relation ident. */
static void
kindquery(struct buf *b, const struct jobfile *j, const char *ident)
{
	bufputs(b, "select c.relkind from pg_catalog.pg_class c join pg_catalog.pg_namespace n"
	    " on n.oid = c.relnamespace where n.nspname = ");
	if (j->schema)
		qliteral(b, j->schema);
	else
		bufputs(b, "current_schema()");
	bufputs(b, " and c.relname = ");
	qliteral(b, ident);
}

static int
kindof(struct runner *r)
{
	int k = 0;

	if (r->out.last && PQntuples(r->out.last) == 1)
		k = PQgetvalue(r->out.last, 0, 0)[0];
	PQclear(r->out.last);
	r->out.last = NULL;
	return k;
}

/* The kind of the node's relation ('r', 'v', 'm', ...) or 0 when absent. */
int
matrelkind(struct runner *r, const char *ident)
{
	struct step s;

	if (r->dry)
		return 0;
	matstep(&s);
	kindquery(&s.sql, r->job, ident);
	if (matexec(r, &s) < 0)
		return -1;
	return kindof(r);
}

int
matlockedkind(struct runner *r, const char *ident)
{
	struct step s;
	struct buf b = {0};

	matstep(&s);
	matnstmts = 0;
	matbegin(&s, r->job);
	kindquery(&b, r->job, ident);
	matstmtf(&s, &b);
	buffree(&b);
	s.transactional = 1;
	if (matexec(r, &s) < 0)
		return -1;
	return r->dry ? 0 : kindof(r);
}

void
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

struct column *
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

int
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
int
matstaged(struct runner *r, struct step *s, const char *tmp, struct columns *src,
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

char *
mattempname(const char *ident)
{
	struct timeval tv;
	struct tm tm;
	char suffix[32];
	time_t t;

	if (matdry)
		return suffixed(ident, "__dbt_tmpHHMMSSffffff");
	gettimeofday(&tv, NULL);
	t = tv.tv_sec;
	gmtime_r(&t, &tm);
	snprintf(suffix, sizeof(suffix), "__dbt_tmp%02d%02d%02d%06ld", tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)tv.tv_usec);
	return suffixed(ident, suffix);
}

void
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
