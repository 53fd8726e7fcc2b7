#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "jobfile.h"
#include "pg.h"
#include "sql.h"
#include "stage.h"
#include "render.h"
#include "stamp.h"
#include "state.h"
#include "hooks.h"

enum { SAME, NEW, MODIFIED, DOWNSTREAM };

/* Production's relation for a node, or NULL when production has none. */
static const char *
prodrel(const struct state *s, const char *uid)
{
	const struct node *p;
	const struct deployment *d;

	if (!s->path) {
		d = htabget(&s->rows, uid);
		return d ? d->relation : NULL;
	}
	p = manifestnode(&s->prod, uid);
	return p && p->kind == KRUN ? p->relation : NULL;
}

static void
report(void *arg, const char *from, const char *to)
{
	(void)from;
	printf("dbt2ninja: defer: %s reads %s\n", (const char *)arg, to);
}

/* A late node's JSON (render.h) with the nodes in it that rel(arg, uid)
 * answers for named as production names them: for --defer, the parents
 * that do not run, so that the relation ref() returns, and what
 * adapter.get_columns_in_relation() of it asks, is production's; for the
 * comparison, every node production has. Returns how many were renamed. */
static size_t
latenames(const struct node *nd, const char *json, const char *(*rel)(void *, const char *),
    void *arg, int verbose, char **out)
{
	cJSON *doc = cJSON_Parse(json), *x;
	char *part[3];
	size_t count = 0;
	int i;

	if (!doc)
		fatal("%s: its job's JSON does not parse", nd->uid);
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(doc, "nodes")) {
		static const char *const keys[4] = {"database", "schema", "alias", "relation_name"};
		const char *to = x->string ? rel(arg, x->string) : NULL;
		if (!to || !strcmp(to, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x,
		    "relation_name")) ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x,
		    "relation_name")) : ""))
			continue;
		if (relsplit(to, part) != 3)
			fatal("%s: production's relation %s of %s is not database.schema.name",
			    nd->uid, to, x->string);
		/* in place: the key order is the job's */
		for (i = 0; i < 4; i++) {
			cJSON *v = cJSON_CreateString(i < 3 ? part[i] : to);
			if (!cJSON_ReplaceItemInObjectCaseSensitive(x, keys[i], v))
				cJSON_AddItemToObject(x, keys[i], v);
			if (i < 3)
				free(part[i]);
		}
		if (verbose)
			report((void *)nd->uid, NULL, to);
		count++;
	}
	*out = cJSON_Print(doc);
	cJSON_Delete(doc);
	return count;
}

static const char *
fromhtab(void *arg, const char *uid)
{
	return htabget(arg, uid);
}

static const char *
fromprod(void *arg, const char *uid)
{
	return prodrel(arg, uid);
}

static void
dbload(struct state *s, const char *spec, const struct profileopts *po)
{
	struct profileopts def = *po;
	struct profile p;
	PGconn *c;
	PGresult *r;
	const char *params[1];
	int i;

	if (spec[2] == ':' && spec[3]) {
		s->target = xstrdup(spec + 3);
	} else {
		def.deftarget = 1;
		profileload(&p, &def, "");
		s->target = xstrdup(p.target ? p.target : "default");
		profilefree(&p);
	}
	profileload(&p, po, "");
	c = pgconnect(p.keys, p.vals, p.retries);
	params[0] = s->target;
	/* render_target by to_jsonb: a record older than it has none */
	r = PQexecParams(c, "select unique_id, relation, job_sha256, to_jsonb(d)->>'render_target'"
	    " from dbt2ninja.deployments d where target = $1", 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (st && !strcmp(st, "42P01"))
			fatal("--state db: no deployments are recorded in this database: "
			    "deploy production with dbt2ninja --record");
		fatal("--state db: %s", PQresultErrorMessage(r));
	}
	if (PQntuples(r) == 0)
		fatal("--state db: no deployments are recorded for target %s", s->target);
	for (i = 0; i < PQntuples(r); i++) {
		struct deployment *d = xmalloc(sizeof(*d));
		char *uid = xstrdup(PQgetvalue(r, i, 0));
		d->relation = xstrdup(PQgetvalue(r, i, 1));
		d->hash = xstrdup(PQgetvalue(r, i, 2));
		d->target = PQgetisnull(r, i, 3) ? NULL : xstrdup(PQgetvalue(r, i, 3));
		htabput(&s->rows, uid, d);
	}
	PQclear(r);
	PQfinish(c);
	profilefree(&p);
}

static char *
manifestpath(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return xasprintf("%s/manifest.json", path);
	return xstrdup(path);
}

/* The canonical names of this manifest's relations, mapped to production's
 * where they differ. Keys are kept NUL-separated in s->keys. */
static void
mapnames(struct state *s, const struct manifest *m)
{
	struct buf c = {0};
	size_t i, *offs = xcalloc(m->nnodes, sizeof(*offs)), n = 0;
	const char **to = xcalloc(m->nnodes, sizeof(*to));

	for (i = 0; i < m->nnodes; i++) {
		const struct node *a = &m->nodes[i];
		const char *p = prodrel(s, a->uid);
		if (a->kind != KRUN || !p || !*a->relation ||
		    !strcmp(a->relation, p) || sqlcanon(a->relation, &c) < 0)
			continue;
		offs[n] = s->keys.len;
		to[n++] = p;
		bufadd(&s->keys, c.s, c.len + 1);
	}
	/* the buffer is complete: its addresses hold from here */
	for (i = 0; i < n; i++)
		htabput(&s->toprod, s->keys.s + offs[i], (void *)to[i]);
	free(offs);
	free(to);
	buffree(&c);
}

/* The macros whose macro_sql differs, or that only one manifest has. */
static void
macrodiff(struct state *s, const struct manifest *m)
{
	const struct htab *x = &m->macros, *y = &s->prod.macros;
	const struct macro *a, *b;
	size_t i;

	for (i = 0; i < x->cap; i++) {
		if (!x->keys[i])
			continue;
		a = x->vals[i];
		b = htabget(y, x->keys[i]);
		if (!b || strcmp(a->sum, b->sum))
			htabput(&s->changed, x->keys[i], "");
	}
	for (i = 0; i < y->cap; i++)
		if (y->keys[i] && !htabget(x, y->keys[i]))
			htabput(&s->changed, y->keys[i], "");
}

/* Whether a changed macro is in the closure of these, as dbt walks it. */
static int
macroschanged(struct state *s, const struct manifest *m, const char **uids, size_t n,
    struct htab *seen)
{
	const struct macro *mc;
	size_t i;

	for (i = 0; i < n; i++) {
		if (htabget(seen, uids[i]))
			continue;
		htabput(seen, uids[i], "");
		if (htabget(&s->changed, uids[i]))
			return 1;
		mc = htabget(&m->macros, uids[i]);
		if (mc && macroschanged(s, m, mc->deps, mc->ndeps, seen))
			return 1;
	}
	return 0;
}

static int
dbtcompare(struct state *s, const struct manifest *m, const struct node *n)
{
	const struct node *p = manifestnode(&s->prod, n->uid);
	struct htab seen = {0};
	int r;

	if (!p || p->kind != KRUN)
		return NEW;
	if (strcmp(n->dbtsum, p->dbtsum))
		return MODIFIED;
	r = macroschanged(s, m, n->macros, n->nmacros, &seen);
	htabfree(&seen);
	return r ? MODIFIED : SAME;
}

/* A late job's render line naming production's target, by its digest
 * as production recorded it: with the node (named as production names
 * it) and the rest of the context the same, production's job is this
 * one, rendered with its own target. */
static void
prodtarget(struct buf *job, const char *digest)
{
	char *line = strstr(job->s, "\n-- render: "), *t, *nl;

	if (!line || strlen(digest) != SHA256_HEX - 1)
		return;
	nl = strchr(line + 1, '\n');
	t = strstr(line, "\"target\":\"");
	if (!t || !nl || t > nl || nl - t < 10 + SHA256_HEX)
		return;
	memcpy(t + 10, digest, SHA256_HEX - 1);
}

static int
compare(struct state *s, const struct manifest *m, const struct node *n,
    const struct jobopts *o, struct buf *a, struct buf *b, struct buf *sql)
{
	const char *rel = prodrel(s, n->uid);
	const struct node *p = s->path ? manifestnode(&s->prod, n->uid) : NULL;
	const struct deployment *d = s->path ? NULL : htabget(&s->rows, n->uid);
	char h[SHA256_HEX];
	struct node t;

	if (!rel)
		return NEW;
	if (p && n->rtype == RSEED && n->checksum && p->checksum && strcmp(n->checksum, p->checksum))
		return MODIFIED;
	/* this node as production would name it */
	t = *n;
	t.relation = rel;
	/* a manifest for production's own target needs no translation */
	if (n->sql && n->late && s->toprod.len) {
		char *j;
		latenames(n, n->sql, fromprod, s, 0, &j);
		sql->len = 0;
		bufputs(sql, j);
		free(j);
		t.sql = sql->s;
	} else if (n->sql && s->toprod.len) {
		sql->len = 0;
		sqlrewrite(n->sql, strlen(n->sql), &s->toprod, sql, NULL, NULL);
		/* and an incremental's other form, after it in the same buffer */
		if (n->incrsql) {
			size_t at = sql->len + 1;
			bufputc(sql, '\0');
			sqlrewrite(n->incrsql, strlen(n->incrsql), &s->toprod, sql, NULL, NULL);
			t.incrsql = sql->s + at;
		}
		t.sql = sql->s;
	}
	if (s->toprod.len)
		t.config = hooksrewrite(&s->scratch, n->config, &s->toprod);
	jobrender(m, &t, o, a);
	if (d) {
		if (n->late && d->target)
			prodtarget(a, d->target);
		jobnormhash(a->s, a->len, h);
		return strcmp(h, d->hash) ? MODIFIED : SAME;
	}
	jobrender(&s->prod, p, o, b);
	if (jobsame(b->s, b->len, a->s, a->len))
		return SAME;
	jobheadhash(b->s, b->len, h);
	s->prodhead[n - m->nodes] = xstrdup(h);
	return MODIFIED;
}

/* A node is downstream when any parent is new, modified or downstream;
 * each node is decided once. */
static int
state(const struct manifest *m, int *st, char *done, const struct node *n)
{
	size_t i = (size_t)(n - m->nodes), k;

	if (done[i] || st[i] != SAME)
		return st[i];
	for (k = 0; k < n->nparents; k++)
		if (state(m, st, done, n->parents[k]) != SAME) {
			st[i] = DOWNSTREAM;
			break;
		}
	done[i] = 1;
	return st[i];
}

void
stateload(struct state *s, const struct manifest *m, const char *path,
    const struct jobopts *o, const struct profileopts *po, int dbt)
{
	struct buf a = {0}, b = {0}, sql = {0};
	char *done;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->opts = o;
	s->dbt = dbt;
	if (!strcmp(path, "db") || !strncmp(path, "db:", 3)) {
		if (dbt)
			fatal("--state-compare dbt needs production's manifest, not db");
		dbload(s, path, po);
	} else {
		s->path = manifestpath(path);
		manifestloadfor(&s->prod, s->path, dbt ? LOADDBT : 0);
		if (!dbt) {
			/* production's from dbt parse: rendered as ours is */
			struct renderopts ro = {0};
			renderall(&s->prod, o->render ? o->render : &ro);
		}
		if (m->dbtversion && s->prod.dbtversion && strcmp(m->dbtversion, s->prod.dbtversion))
			warn("warning: %s was written by dbt %s, this manifest by dbt %s",
			    s->path, s->prod.dbtversion, m->dbtversion);
	}
	mapnames(s, m);
	if (dbt)
		macrodiff(s, m);
	s->st = xcalloc(m->nnodes, sizeof(*s->st));
	s->prodhead = xcalloc(m->nnodes + 1, sizeof(*s->prodhead));
	s->nnodes = m->nnodes;
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN)
			s->st[i] = dbt ? dbtcompare(s, m, &m->nodes[i]) :
			    compare(s, m, &m->nodes[i], o, &a, &b, &sql);
	done = xcalloc(m->nnodes + 1, 1);
	for (i = 0; i < m->nnodes; i++) {
		if (m->nodes[i].kind != KRUN)
			continue;
		switch (state(m, s->st, done, &m->nodes[i])) {
		case SAME: s->stats.unchanged++; break;
		case NEW: s->stats.new++; break;
		case MODIFIED: s->stats.modified++; break;
		default: s->stats.downstream++; break;
		}
	}
	free(done);
	buffree(&a);
	buffree(&b);
	buffree(&sql);
}

/* The columns line with only the fields of one part: descriptions
 * (persisted_descriptions), or the rest (contract). */
static void
columnspart(const char *json, size_t n, int descriptions, struct buf *out)
{
	char *s = xmemdup(json, n), *txt;
	cJSON *cols = cJSON_Parse(s), *c, *f, *next;

	cJSON_ArrayForEach(c, cols)
		for (f = c->child; f; f = next) {
			next = f->next;
			if ((strcmp(f->string, "description") == 0) != descriptions)
				cJSON_DeleteItemFromObjectCaseSensitive(c, f->string);
		}
	if (cols && (txt = cJSON_PrintUnformatted(cols))) {
		bufprintf(out, "columns %s\n", txt);
		free(txt);
	}
	cJSON_Delete(cols);
	free(s);
}

/* The part of a rendered job: the relation line, the keyed lines, the SQL
 * after the header, or of the keyed lines those of the contract or of the
 * persisted descriptions. */
static void
jobpart(const char *job, const char *part, struct buf *out)
{
	static const char *const contract[] = {"contract", "constraints", NULL};
	static const char *const described[] = {"description", NULL};
	const char *const *keys = !strcmp(part, "contract") ? contract :
	    !strcmp(part, "persisted_descriptions") ? described : NULL;
	const char *p = job, *nl, *body = NULL, *colon;
	size_t i;
	int line = 1;

	out->len = 0;
	bufputs(out, "");
	for (; (nl = strchr(p, '\n')); p = nl + 1, line++) {
		if (nl - p == 2 && !strncmp(p, "--", 2)) {
			body = nl + 1;
			break;
		}
		if ((line == 5 && !strcmp(part, "relation")) || (line > 6 && !strcmp(part, "configs")))
			bufadd(out, p, (size_t)(nl - p) + 1);
		if (line <= 6 || !keys || strncmp(p, "-- ", 3) || !(colon = strstr(p, ": ")) || colon > nl)
			continue;
		if ((size_t)(colon - p - 3) == 7 && !strncmp(p + 3, "columns", 7)) {
			columnspart(colon + 2, (size_t)(nl - colon - 2), keys == described, out);
			continue;
		}
		for (i = 0; keys[i]; i++)
			if (strlen(keys[i]) == (size_t)(colon - p - 3) && !strncmp(p + 3, keys[i], strlen(keys[i])))
				bufadd(out, p, (size_t)(nl - p) + 1);
	}
	if (!strcmp(part, "body") && body)
		sqlnorm(body, strlen(body), out);
}

int
statepart(struct state *s, const struct manifest *m, const struct node *n,
    const char *part)
{
	struct buf a = {0}, b = {0}, sql = {0}, x = {0}, y = {0};
	const struct node *p = s->path ? manifestnode(&s->prod, n->uid) : NULL;
	struct node t;
	int differs;

	if (!p || p->kind != KRUN)
		return 1;
	t = *n;
	t.relation = n->relation;
	if (n->sql) {
		sqlrewrite(n->sql, strlen(n->sql), &s->toprod, &sql, NULL, NULL);
		t.sql = sql.s;
	}
	t.config = hooksrewrite(&s->scratch, n->config, &s->toprod);
	/* the relation compares as named here; the rest as production names it */
	if (strcmp(part, "relation"))
		t.relation = p->relation;
	jobrender(m, &t, s->opts, &a);
	jobrender(&s->prod, p, s->opts, &b);
	jobpart(a.s, part, &x);
	jobpart(b.s, part, &y);
	differs = strcmp(x.s, y.s) != 0;
	buffree(&a);
	buffree(&b);
	buffree(&sql);
	buffree(&x);
	buffree(&y);
	return differs;
}


void
statedefer(struct state *s, struct manifest *m, int verbose)
{
	struct htab map = {0}, uids = {0};
	struct buf c = {0}, out = {0}, keys = {0};
	size_t i, k, *offs = NULL, n;
	const char **to = NULL;

	for (i = 0; i < m->nnodes; i++) {
		struct node *nd = &m->nodes[i];
		if (nd->kind != KRUN || s->st[i] == SAME || !nd->sql)
			continue;
		/* the parents that will not run, by the names used here */
		keys.len = 0;
		n = 0;
		offs = xreallocarray(offs, nd->nparents + 1, sizeof(*offs));
		to = xreallocarray(to, nd->nparents + 1, sizeof(*to));
		for (k = 0; k < nd->nparents; k++) {
			const struct node *p = nd->parents[k];
			const char *pp = prodrel(s, p->uid);
			if (s->st[p - m->nodes] != SAME || !pp || sqlcanon(p->relation, &c) < 0 ||
			    !strcmp(p->relation, pp))
				continue;
			offs[n] = keys.len;
			to[n++] = pp;
			bufadd(&keys, c.s, c.len + 1);
			if (nd->late)
				htabput(&uids, p->uid, (void *)pp);
		}
		if (n == 0)
			continue;
		if (nd->late) {
			char *j;
			s->stats.deferred += latenames(nd, nd->sql, fromhtab, &uids, verbose, &j);
			nd->sql = memcpy(arenaalloc(&m->keep, strlen(j) + 1), j, strlen(j) + 1);
			free(j);
			htabfree(&uids);
			continue;
		}
		for (k = 0; k < n; k++)
			htabput(&map, keys.s + offs[k], (void *)to[k]);
		out.len = 0;
		s->stats.deferred += sqlrewrite(nd->sql, strlen(nd->sql), &map, &out,
		    verbose ? report : NULL, (void *)nd->uid);
		nd->sql = memcpy(arenaalloc(&m->keep, out.len + 1), out.s, out.len + 1);
		/* hooks, and an incremental's other form, read the same parents */
		nd->config = hooksrewrite(&m->keep, nd->config, &map);
		if (nd->incrsql) {
			out.len = 0;
			sqlrewrite(nd->incrsql, strlen(nd->incrsql), &map, &out, NULL, NULL);
			nd->incrsql = memcpy(arenaalloc(&m->keep, out.len + 1), out.s, out.len + 1);
		}
		htabfree(&map);
	}
	free(offs);
	free(to);
	buffree(&c);
	buffree(&out);
	buffree(&keys);
}

/* Whether the stamp at sp is h: the node was deployed, over this
 * connection, with this very job. */
static int
stamped(const char *sp, const char *h, struct buf *b)
{
	return readfile(sp, b) == 0 && !strcmp(b->s, h);
}

struct marking {
	struct state *s;
	const struct manifest *m;
	const struct conn *c;
	char *done;
	struct buf job, old, stamp, iface;
};

/* Whether a node deploys to the relation production has for it: what
 * is there was built from production's job. */
static int
ownrel(const struct state *s, const struct node *n)
{
	const char *p = prodrel(s, n->uid);

	return !s->defer && p && !strcmp(p, n->relation);
}

static void
markone(struct marking *k, const struct node *n)
{
	size_t i = (size_t)(n - k->m->nodes);
	char *jp, *sp, *bp, *ip, *dp, h[SHA256_HEX], hh[SHA256_HEX];
	const char *want, *st = NULL;
	int state = k->s->st[i];

	jp = xasprintf("%s/%s.sql", JOBDIR, n->file);
	sp = xasprintf("%s/" CONNSTAMPS "/%s", k->c->dir, n->file);
	bp = xasprintf("%s/" CONNBUILT "/%s", k->c->dir, n->file);
	ip = xasprintf("%s/" CONNIFACE "/%s", k->c->dir, n->file);
	dp = xasprintf("%s/" CONNDATA "/%s", k->c->dir, n->file);
	if (!n->jobhash || !n->headhash) {
		if (readfile(jp, &k->job) < 0)
			fatal("%s:", jp);
		sha256hex(k->job.s, k->job.len, h);
		jobheadhash(k->job.s, k->job.len, hh);
	}
	connstamp(k->c, n->jobhash ? n->jobhash : h, &k->stamp);
	connstamp(k->c, n->headhash ? n->headhash : hh, &k->iface);
	want = k->stamp.s;
	/* a stamp of this very job stays as it is: importing again, as the
	 * regeneration edge does, undoes nothing deployed since */
	if (stamped(sp, want, &k->old)) {
		;
	} else if (state == SAME || (state == DOWNSTREAM && ownrel(k->s, n))) {
		/* deployed as production deployed it, and so current for dbt
		 * build too: its interface, contents and build stamps after
		 * it */
		stageput(sp, want, strlen(want));
		if (n->rtype != RTEST) {
			stageput(ip, k->iface.s, k->iface.len);
			stageput(dp, "", 0);
		}
		stageput(bp, want, strlen(want));
	} else {
		if (access(sp, F_OK) == 0)
			stagedel(sp);
		if (access(bp, F_OK) == 0)
			stagedel(bp);
		/* production's relation, from production's job: what reads it
		 * runs when running this one moves its interface */
		if (state == MODIFIED && n->rtype != RTEST && ownrel(k->s, n) && access(ip, F_OK) != 0) {
			st = k->s->prodhead[i] ? k->s->prodhead[i] : "production";
			connstamp(k->c, st, &k->iface);
			stageput(ip, k->iface.s, k->iface.len);
		}
	}
	free(jp);
	free(sp);
	free(bp);
	free(ip);
	free(dp);
}

/* Parents first (an iterative depth-first walk): a stamp is then never
 * newer than its children's, and every job, written before any stamp, is
 * never newer than its stamp. */
static void
mark(struct marking *k, const struct node *root, const struct node **stack,
    size_t *next)
{
	const struct manifest *m = k->m;
	size_t top = 0;

	if (k->done[root - m->nodes])
		return;
	k->done[root - m->nodes] = 1;
	stack[top] = root;
	next[top++] = 0;
	while (top > 0) {
		const struct node *n = stack[top - 1], *p;
		if (next[top - 1] == n->nparents) {
			markone(k, n);
			top--;
			continue;
		}
		p = n->parents[next[top - 1]++];
		if (k->done[p - m->nodes])
			continue;
		k->done[p - m->nodes] = 1;
		stack[top] = p;
		next[top++] = 0;
	}
}

void
statemark(struct state *s, const struct manifest *m, const struct conn *c)
{
	struct marking k = {s, m, c, NULL, {0}, {0}, {0}, {0}};
	const struct node **stack = xcalloc(m->nnodes + 1, sizeof(*stack));
	size_t *next = xcalloc(m->nnodes + 1, sizeof(*next)), i;
	char *dir = xasprintf("%s/" CONNSTAMPS, c->dir);

	if (mkdirs(dir) < 0)
		fatal("%s:", dir);
	free(dir);
	dir = xasprintf("%s/" CONNBUILT, c->dir);
	if (mkdirs(dir) < 0)
		fatal("%s:", dir);
	free(dir);
	dir = xasprintf("%s/" CONNIFACE, c->dir);
	if (mkdirs(dir) < 0)
		fatal("%s:", dir);
	free(dir);
	dir = xasprintf("%s/" CONNDATA, c->dir);
	if (mkdirs(dir) < 0)
		fatal("%s:", dir);
	free(dir);
	k.done = xcalloc(m->nnodes, 1);
	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KRUN)
			mark(&k, &m->nodes[i], stack, next);
	free(k.done);
	free(stack);
	free(next);
	buffree(&k.job);
	buffree(&k.old);
	buffree(&k.stamp);
	buffree(&k.iface);
}

void
statefree(struct state *s)
{
	size_t i;

	for (i = 0; i < s->rows.cap; i++) {
		struct deployment *d = s->rows.vals[i];
		if (!s->rows.keys[i])
			continue;
		free((char *)s->rows.keys[i]);
		free(d->relation);
		free(d->hash);
		free(d->target);
		free(d);
	}
	htabfree(&s->rows);
	htabfree(&s->changed);
	free(s->target);
	if (s->path)
		manifestfree(&s->prod);
	htabfree(&s->toprod);
	arenafree(&s->scratch);
	buffree(&s->keys);
	for (i = 0; s->prodhead && i < s->nnodes; i++)
		free(s->prodhead[i]);
	free(s->prodhead);
	free(s->st);
	free(s->path);
}
