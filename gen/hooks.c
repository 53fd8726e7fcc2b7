/* hooks.c: hooks and operations rendered by the generator (see hooks.h). */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dbtctx.h"
#include "hooks.h"
#include "render.h"
#include "sql.h"

static int
hashooks(const struct node *n)
{
	const char *c = n->config, *p;

	if (n->kind != KRUN || !c)
		return 0;
	for (p = c; (p = strstr(p, "-hook: ")); p++)
		if (p - c >= 6 && (!strncmp(p - 6, "-- pre", 6) || (p - c >= 7 && !strncmp(p - 7, "-- post", 7))))
			return 1;
	return 0;
}

/* Python's str.strip(), as Jinja's trim, for ASCII. */
static char *
trimmed(const char *s, size_t n)
{
	while (n && strchr(" \t\n\r\v\f\x1c\x1d\x1e\x1f", *s) && *s) {
		s++;
		n--;
	}
	while (n && s[n - 1] && strchr(" \t\n\r\v\f\x1c\x1d\x1e\x1f", s[n - 1]))
		n--;
	return xmemdup(s, n);
}

/* The env vars the hooks of the node at hand read, one a line. */
static struct buf envsread;

/* Render one text of node j, named what in errors; exits 1 when it
 * cannot be, NULL when a node's hook or an operation needs the database
 * (the executor renders it when it runs). Caller frees. */
static char *
render(struct dbtctx *c, const struct node *n, cJSON *j, const char *what,
    const char *text, const struct dbthook *h)
{
	struct buf out = {0};
	char *err = NULL, *name, *s;

	name = xasprintf("%s (%s)", n->path ? n->path : n->uid, what);
	if (dbtrenderstr(c, j, name, text, h, &out, &err) < 0) {
		bufputs(&envsread, dbtenvs(c));
		if (dbtgraphread(c))
			bufputs(&envsread, GRAPHREAD "\n");
		if (dbtneeddb(c)) {
			free(err);
			free(name);
			buffree(&out);
			return NULL;
		}
		fatal("%s (%s)", err, n->uid);
	}
	free(name);
	bufputs(&envsread, dbtenvs(c));
	if (dbtgraphread(c))
		bufputs(&envsread, GRAPHREAD "\n");
	s = xmemdup(out.s ? out.s : "", out.len);
	buffree(&out);
	return s;
}

/* One "-- key: value\n" line of the keyed lines. */
struct line {
	char *key, *text;
};

static int
linecmp(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->key, ((const struct line *)b)->key);
}

static void
addline(struct line **v, size_t *n, const char *key, const char *json)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].key = xstrdup(key);
	(*v)[(*n)++].text = xasprintf("-- %s: %s\n", key, json);
}

/* The keyed lines, sorted, kept in m. */
static const char *
joinlines(struct manifest *m, struct line *v, size_t n)
{
	struct buf b = {0};
	char *s;
	size_t i;

	if (n)
		qsort(v, n, sizeof(*v), linecmp);
	bufputs(&b, "");
	for (i = 0; i < n; i++) {
		bufputs(&b, v[i].text);
		free(v[i].key);
		free(v[i].text);
	}
	free(v);
	s = memcpy(arenaalloc(&m->keep, b.len + 1), b.s, b.len + 1);
	buffree(&b);
	return s;
}

/* A list of hooks rendered: each one's sql (or the hook itself, a string)
 * rendered and trimmed, the empty ones left out. */
static cJSON *
renderlist(struct dbtctx *c, const struct node *n, cJSON *j, const char *kind, cJSON *list)
{
	cJSON *out = cJSON_CreateArray(), *h;
	int i = 0;

	if (cJSON_IsString(list)) {
		cJSON *one = cJSON_CreateArray();
		cJSON_AddItemToArray(one, cJSON_CreateString(list->valuestring));
		h = renderlist(c, n, j, kind, one);
		cJSON_Delete(one);
		cJSON_Delete(out);
		return h;
	}
	cJSON_ArrayForEach(h, list) {
		cJSON *sql = cJSON_IsString(h) ? h : cJSON_GetObjectItemCaseSensitive(h, "sql"), *x;
		char *what, *r, *t;
		i++;
		if (!cJSON_IsString(sql))
			fatal("%s: %s: %s %d has no sql", n->path ? n->path : n->uid, n->uid, kind, i);
		what = xasprintf("%s %d", kind, i);
		r = render(c, n, j, what, sql->valuestring, NULL);
		free(what);
		if (!r) {
			cJSON_Delete(out);
			return NULL;
		}
		t = trimmed(r, strlen(r));
		free(r);
		if (!*t) {
			free(t);
			continue;
		}
		if (cJSON_IsString(h)) {
			x = cJSON_CreateString(t);
		} else {
			x = cJSON_Duplicate(h, 1);
			cJSON_ReplaceItemInObjectCaseSensitive(x, "sql", cJSON_CreateString(t));
		}
		cJSON_AddItemToArray(out, x);
		free(t);
	}
	return out;
}

/* The node's keyed lines with its hooks rendered. */
static void
nodehooks(struct dbtctx *c, struct manifest *m, struct node *n)
{
	struct line *v = NULL;
	size_t nv = 0;
	const char *p, *nl, *sp;
	cJSON *j = dbtnode(c, n->uid);

	if (!j)
		fatal("%s: %s: not among the manifest's nodes", m->path, n->uid);
	envsread.len = 0;
	bufputs(&envsread, "");
	for (p = n->config; *p; p = nl + 1) {
		char *key;
		nl = strchr(p, '\n');
		sp = strstr(p, ": ");
		if (!nl || strncmp(p, "-- ", 3) || !sp || sp > nl)
			fatal("%s: %s: a malformed job line", m->path, n->uid);
		key = xmemdup(p + 3, (size_t)(sp - p - 3));
		if (!strcmp(key, "pre-hook") || !strcmp(key, "post-hook")) {
			char *val = xmemdup(sp + 2, (size_t)(nl - sp - 2)), *s;
			cJSON *list = cJSON_Parse(val), *r;
			if (!list)
				fatal("%s: %s: %s is no JSON", m->path, n->uid, key);
			r = renderlist(c, n, j, key, list);
			if (!r) {
				/* left as they are, for the executor */
				size_t k;
				for (k = 0; k < nv; k++) {
					free(v[k].key);
					free(v[k].text);
				}
				free(v);
				cJSON_Delete(list);
				free(val);
				free(key);
				n->latehooks = 1;
				n->hookenvs = memcpy(arenaalloc(&m->keep, envsread.len + 1),
				    envsread.s, envsread.len + 1);
				return;
			}
			if (r->child) {
				s = cJSON_PrintUnformatted(r);
				addline(&v, &nv, key, s);
				free(s);
			}
			cJSON_Delete(r);
			cJSON_Delete(list);
			free(val);
		} else {
			v = xreallocarray(v, nv + 1, sizeof(*v));
			v[nv].key = xstrdup(key);
			v[nv++].text = xmemdup(p, (size_t)(nl - p + 1));
		}
		free(key);
	}
	addline(&v, &nv, "hooks", "\"rendered\"");
	n->config = joinlines(m, v, nv);
}

/* dbt's order of hooks (RunTask._hook_keyfunc): by package, the root
 * project's last, then by index. */
static const char *rootpkg;

static int
hookcmp(const void *a, const void *b)
{
	const struct node *x = *(const struct node *const *)a, *y = *(const struct node *const *)b;
	int xr = rootpkg && !strcmp(x->package, rootpkg), yr = rootpkg && !strcmp(y->package, rootpkg);
	int k;

	if (x->hook != y->hook)
		return x->hook - y->hook;
	if (xr != yr)
		return xr - yr;
	if ((k = strcmp(x->package, y->package)))
		return k;
	if (x->hookidx != y->hookidx)
		return x->hookidx < y->hookidx ? -1 : 1;
	return strcmp(x->uid, y->uid);
}

/* The (database, schema) pairs of the nodes a deployment runs, sorted,
 * each once: NULL-terminated pairs in *v. */
static size_t
schemasof(struct dbtctx *c, const struct manifest *m, const char ***v)
{
	size_t i, k, n = 0;

	*v = NULL;
	for (i = 0; i < m->nnodes; i++) {
		const struct node *nd = &m->nodes[i];
		cJSON *j, *db, *sc;
		if (nd->kind != KRUN || nd->rtype == RTEST || nd->rtype == ROTHER)
			continue;
		j = dbtnode(c, nd->uid);
		db = cJSON_GetObjectItemCaseSensitive(j, "database");
		sc = cJSON_GetObjectItemCaseSensitive(j, "schema");
		if (!cJSON_IsString(sc))
			continue;
		for (k = 0; k < n; k++) {
			const char *kd = (*v)[2 * k];
			if (!strcmp((*v)[2 * k + 1], sc->valuestring) && (cJSON_IsString(db) ?
			    kd && !strcmp(kd, db->valuestring) : !kd))
				break;
		}
		if (k < n)
			continue;
		*v = xreallocarray(*v, 2 * (n + 1), sizeof(**v));
		(*v)[2 * n] = cJSON_IsString(db) ? db->valuestring : NULL;
		(*v)[2 * n + 1] = sc->valuestring;
		n++;
	}
	/* insertion sort by database, then schema: there are few */
	for (i = 1; i < n; i++)
		for (k = i; k > 0; k--) {
			const char **a = *v + 2 * (k - 1), **b = *v + 2 * k, *t;
			int d = strcmp(a[0] ? a[0] : "", b[0] ? b[0] : "");
			if (d < 0 || (d == 0 && strcmp(a[1], b[1]) <= 0))
				break;
			t = a[0], a[0] = b[0], b[0] = t;
			t = a[1], a[1] = b[1], b[1] = t;
		}
	return n;
}

/* dbt's get_hook: a hook rendered to a JSON object is its sql. */
static char *
hooksql(const struct manifest *m, const struct node *n, char *s)
{
	cJSON *j;
	char *r;

	if (!(j = cJSON_Parse(s)))
		return s;
	if (!cJSON_IsObject(j) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "sql")))
		fatal("%s: %s: unsupported: the hook renders to JSON that is not a hook", m->path, n->uid);
	r = xstrdup(cJSON_GetObjectItemCaseSensitive(j, "sql")->valuestring);
	cJSON_Delete(j);
	free(s);
	return r;
}

/* The (database, schema) pairs as JSON: [[db or null, schema], ...]. */
static char *
schemasjson(const char **sch, size_t nsch)
{
	cJSON *a = cJSON_CreateArray();
	size_t k;
	char *s;

	for (k = 0; k < nsch; k++) {
		cJSON *p = cJSON_CreateArray();
		cJSON_AddItemToArray(p, sch[2 * k] ? cJSON_CreateString(sch[2 * k]) :
		    cJSON_CreateNull());
		cJSON_AddItemToArray(p, cJSON_CreateString(sch[2 * k + 1]));
		cJSON_AddItemToArray(a, p);
	}
	s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	return s;
}

static void
operations(struct dbtctx *c, struct manifest *m, const char *root)
{
	struct node **ops = NULL;
	const char **sch;
	size_t nops = 0, nsch, i;
	struct dbthook h;
	int pos = 0;

	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == KOPERATION) {
			ops = xreallocarray(ops, nops + 1, sizeof(*ops));
			ops[nops++] = &m->nodes[i];
		}
	if (!nops)
		return;
	rootpkg = root;
	qsort(ops, nops, sizeof(*ops), hookcmp);
	nsch = schemasof(c, m, &sch);
	for (i = 0; i < nops; i++) {
		struct node *n = ops[i];
		cJSON *j = dbtnode(c, n->uid), *raw;
		struct line *v = NULL;
		size_t nv = 0;
		char *s, *name;
		const char *kind = n->hook == HOOKSTART ? "on-run-start" : "on-run-end";
		if (i && ops[i - 1]->hook != n->hook)
			pos = 0;
		n->hookpos = pos++;
		raw = cJSON_GetObjectItemCaseSensitive(j, "raw_code");
		if (!cJSON_IsString(raw))
			raw = cJSON_GetObjectItemCaseSensitive(j, "raw_sql");
		if (!cJSON_IsString(raw))
			fatal("%s: %s: no raw_code", m->path, n->uid);
		memset(&h, 0, sizeof(h));
		h.operation = 1;
		if (n->hook == HOOKEND) {
			h.end = 1;
			h.dbschemas = sch;
			h.nschemas = nsch;
		}
		envsread.len = 0;
		bufputs(&envsread, "");
		if ((s = render(c, n, j, kind, raw->valuestring, &h))) {
			s = hooksql(m, n, s);
			n->sql = memcpy(arenaalloc(&m->keep, strlen(s) + 1), s, strlen(s) + 1);
			free(s);
		} else {
			/* it needs the database: rendered when it runs (render.h) */
			n->sql = NULL;
			n->latehooks = 1;
			n->hookenvs = memcpy(arenaalloc(&m->keep, envsread.len + 1),
			    envsread.s, envsread.len + 1);
			if (n->hook == HOOKEND) {
				s = schemasjson(sch, nsch);
				addline(&v, &nv, "database_schemas", s);
				free(s);
			}
		}
		/* dbt's name for it: its package, its kind, its place */
		name = xasprintf("\"%s.%s.%d\"", n->package, kind, n->hookpos);
		addline(&v, &nv, "hook", name);
		free(name);
		if (n->hook == HOOKSTART && n->hookpos == 0 && nsch) {
			s = schemasjson(sch, nsch);
			addline(&v, &nv, "schemas", s);
			free(s);
		}
		n->config = joinlines(m, v, nv);
	}
	free(sch);
	free(ops);
}

static int
before20(const struct manifest *m)
{
	const char *v = m->dbtversion;

	return v && !strncmp(v, "0.", 2) && atoi(v + 2) < 20;
}

void
hooksrender(struct manifest *m, const struct renderopts *o, struct rdoc *d)
{
	struct dbtrun run;
	struct dbtctx *c;
	cJSON *target;
	size_t i, nops = 0, nhooks = 0;

	for (i = 0; i < m->nnodes; i++) {
		nops += m->nodes[i].kind == KOPERATION;
		nhooks += hashooks(&m->nodes[i]);
	}
	if (!nops && !nhooks)
		return;
	/* as before: a manifest of dbt before 0.20, or of an adapter the
	 * executor does not run (its nodes fail when they run, saying so) */
	if (before20(m) || (strcmp(m->adapter, "postgres") && strcmp(m->adapter, "materialize"))) {
		for (i = 0; i < m->nnodes; i++)
			if (m->nodes[i].kind == KOPERATION) {
				if (before20(m))
					warn("warning: %s: %s: not run: only dbt renders the hooks of a "
					    "manifest of dbt %s", m->path, m->nodes[i].uid, m->dbtversion);
				else
					warn("warning: %s: %s: not run: dbt2ninja runs postgres and "
					    "materialize projects, not %s", m->path, m->nodes[i].uid, m->adapter);
				m->nodes[i].kind = KIGNORED;
			}
		return;
	}
	renderrun(&run, m, o);
	target = run.target;
	c = rdocctx(d, &run);
	for (i = 0; i < m->nnodes; i++)
		if (hashooks(&m->nodes[i]))
			nodehooks(c, m, &m->nodes[i]);
	operations(c, m, run.project);
	buffree(&envsread);
	dbtctxfree(c);
	cJSON_Delete(target);
	cJSON_Delete(run.vars);
	cJSON_Delete(run.pkgvars);
	cJSON_Delete(run.dispatch);
	cJSON_Delete(run.flags);
}

/* One hook list's SQL rewritten with map. */
static void
rewritelist(cJSON *list, const struct htab *map)
{
	cJSON *h, *sql;
	struct buf b = {0};

	cJSON_ArrayForEach(h, list) {
		sql = cJSON_IsString(h) ? h : cJSON_GetObjectItemCaseSensitive(h, "sql");
		if (!cJSON_IsString(sql))
			continue;
		b.len = 0;
		bufputs(&b, "");
		sqlrewrite(sql->valuestring, strlen(sql->valuestring), map, &b, NULL, NULL);
		cJSON_SetValuestring(sql, b.s);
	}
	buffree(&b);
}

const char *
hooksrewrite(struct arena *a, const char *config, const struct htab *map)
{
	struct buf b = {0};
	const char *p, *nl;
	char *out;

	if (!strstr(config, "-- hooks: \"rendered\"\n"))
		return config;
	for (p = config; *p && (nl = strchr(p, '\n')); p = nl + 1) {
		const char *key = !strncmp(p, "-- pre-hook: ", 13) ? "pre-hook" :
		    !strncmp(p, "-- post-hook: ", 14) ? "post-hook" : NULL;
		char *val, *s;
		cJSON *list;
		if (!key) {
			bufadd(&b, p, (size_t)(nl - p + 1));
			continue;
		}
		val = xmemdup(p + strlen(key) + 5, (size_t)(nl - p) - strlen(key) - 5);
		if (!(list = cJSON_Parse(val)))
			fatal("%s: a malformed job line", key);
		rewritelist(list, map);
		s = cJSON_PrintUnformatted(list);
		bufprintf(&b, "-- %s: %s\n", key, s);
		free(s);
		free(val);
		cJSON_Delete(list);
	}
	out = memcpy(arenaalloc(a, b.len + 1), b.s ? b.s : "", b.len);
	out[b.len] = '\0';
	buffree(&b);
	return out;
}
