#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deploy.h"

#define SUFFIX "_dbt_deploy"

size_t
deploysplit(char *s, char sep, char ***v)
{
	size_t n = 0, cap = 0;
	char *p;

	*v = NULL;
	while (s && *s) {
		if (n == cap)
			*v = xrealloc(*v, (cap = cap ? 2 * cap : 8) * sizeof(**v));
		(*v)[n++] = s;
		if (!(p = strchr(s, sep)))
			break;
		*p = '\0';
		s = p + 1;
	}
	return n;
}

/* Send a query; its rows are *res (NULL with --dry-run), the caller's. */
static int
ask(struct runner *r, struct buf *q, PGresult **res)
{
	*res = NULL;
	if (runsql(r, q->s) < 0)
		return -1;
	*res = r->out.last;
	r->out.last = NULL;
	q->len = 0;
	return 0;
}

static long
num(const PGresult *res, int col)
{
	return res && PQntuples(res) > 0 ? atol(PQgetvalue(res, 0, col)) : 0;
}

/* A statement made of one name. */
static int
sendf(struct runner *r, const char *fmt, const char *name)
{
	struct buf b = {0}, q = {0};
	int rc;

	qident(&q, name);
	bufprintf(&b, fmt, q.s);
	rc = runsql(r, b.s);
	buffree(&b);
	buffree(&q);
	return rc;
}

/* Run every statement a query returns, one a row, as the adapter copies
 * grants and default privileges. */
static int
each(struct runner *r, struct buf *q)
{
	PGresult *res;
	int i, rc = 0;

	if (ask(r, q, &res) < 0)
		return -1;
	if (r->dry)
		fputs("-- and each statement it returns\n", r->dry);
	for (i = 0; rc == 0 && res && i < PQntuples(res); i++)
		rc = runsql(r, PQgetvalue(res, i, 0));
	PQclear(res);
	return rc;
}

/* schemas: whether production's exists, its sinks, whether the deploy
 * schema exists and how many objects it holds. */
static void
schemaquery(struct buf *q, const char *s, const char *deploy)
{
	static const char *const in =
	    " from mz_catalog.mz_schemas s join mz_catalog.mz_databases d on d.id = s.database_id";
	static const char *const here = " and d.name = current_database()";

	bufprintf(q, "select (select count(*)%s where s.name = ", in);
	qliteral(q, s);
	bufprintf(q, "%s),\n  (select count(*) from mz_catalog.mz_sinks k join mz_catalog.mz_schemas s"
	    " on k.schema_id = s.id join mz_catalog.mz_databases d on d.id = s.database_id where s.name = ", here);
	qliteral(q, s);
	bufprintf(q, "%s),\n  (select count(*)%s where s.name = ", here, in);
	qliteral(q, deploy);
	bufprintf(q, "%s),\n  (select count(*) from mz_catalog.mz_objects o join mz_catalog.mz_schemas s"
	    " on o.schema_id = s.id join mz_catalog.mz_databases d on d.id = s.database_id where s.name = ", here);
	qliteral(q, deploy);
	bufprintf(q, " and o.id like 'u%%'%s)", here);
}

/* clusters: the same four counts, dataflows (indexes, materialized views,
 * sources, sinks) for objects. */
static void
clusterquery(struct buf *q, const char *c, const char *deploy)
{
	bufputs(q, "select (select count(*) from mz_catalog.mz_clusters where name = ");
	qliteral(q, c);
	bufputs(q, "),\n  (select count(*) from mz_catalog.mz_sinks k join mz_catalog.mz_clusters c"
	    " on k.cluster_id = c.id where c.name = ");
	qliteral(q, c);
	bufputs(q, "),\n  (select count(*) from mz_catalog.mz_clusters where name = ");
	qliteral(q, deploy);
	bufputs(q, "),\n  (select count(*) from (select id, cluster_id from mz_catalog.mz_indexes"
	    " union all select id, cluster_id from mz_catalog.mz_materialized_views"
	    " union all select id, cluster_id from mz_catalog.mz_sources"
	    " union all select id, cluster_id from mz_catalog.mz_sinks) o"
	    " join mz_catalog.mz_clusters c on o.cluster_id = c.id where c.name = ");
	qliteral(q, deploy);
	bufputs(q, " and o.id like 'u%')");
}

/* Grants on a schema or cluster, copied from production's after revoking
 * what the new one was given, the creator's own excepted. */
static int
copygrants(struct runner *r, const char *kind, const char *from, const char *to)
{
	static const char *const schema =
	    " from mz_catalog.mz_schemas o join mz_catalog.mz_databases d on o.database_id = d.id,"
	    " mz_internal.mz_aclexplode(o.privileges) a where d.name = current_database() and o.name = ";
	static const char *const cluster = " from mz_catalog.mz_clusters o,"
	    " mz_internal.mz_aclexplode(o.privileges) a where o.name = ";
	const char *where = !strcmp(kind, "schema") ? schema : cluster;
	struct buf q = {0};
	int pass, rc = 0;

	for (pass = 0; pass < 2 && rc == 0; pass++) {
		bufprintf(&q, "with p as (select a.grantee, a.privilege_type%s", where);
		qliteral(&q, pass ? from : to);
		bufprintf(&q, ")\nselect '%s ' || p.privilege_type || ' on %s ' || quote_ident(",
		    pass ? "grant" : "revoke", kind);
		qliteral(&q, to);
		bufprintf(&q, ") || ' %s ' || quote_ident(g.name)\nfrom p join mz_catalog.mz_roles g"
		    " on p.grantee = g.id\nwhere g.name not in ('none', 'mz_system', 'mz_support')%s",
		    pass ? "to" : "from", pass ? "" : " and g.name <> current_role");
		rc = each(r, &q);
	}
	buffree(&q);
	return rc;
}

static int
copydefaults(struct runner *r, const char *from, const char *to)
{
	struct buf q = {0}, t = {0};
	int rc;

	qident(&t, to);
	bufputs(&q, "select 'alter default privileges ' || case when object_owner = 'PUBLIC'"
	    " then 'for all roles ' else 'for role ' || quote_ident(object_owner) || ' ' end ||\n"
	    "  'in schema ' || ");
	qliteral(&q, t.s);
	bufputs(&q, " || ' grant ' || privilege_type || ' on ' || object_type || 's to ' ||"
	    " quote_ident(grantee)\nfrom mz_internal.mz_show_default_privileges\n"
	    "where database = current_database() and schema = ");
	qliteral(&q, from);
	bufputs(&q, " and object_owner <> 'none' and grantee <> 'none'");
	rc = each(r, &q);
	buffree(&q);
	buffree(&t);
	return rc;
}

/* A deploy cluster like production's: managed, its size, and its
 * replication factor or its refresh schedule. */
static int
makecluster(struct runner *r, const char *c, const char *deploy)
{
	struct buf q = {0}, n = {0};
	PGresult *res;
	const char *type, *estimate;
	int rc;

	bufputs(&q, "select c.managed, c.size, c.replication_factor, cs.type,"
	    " cs.refresh_rehydration_time_estimate\nfrom mz_catalog.mz_clusters c"
	    " left join mz_internal.mz_cluster_schedules cs on cs.cluster_id = c.id where c.name = ");
	qliteral(&q, c);
	if (ask(r, &q, &res) < 0) {
		buffree(&q);
		return -1;
	}
	qident(&n, deploy);
	if (r->dry) {
		bufprintf(&q, "create cluster %s (size = <size of %s>, replication factor = <that of %s>"
		    " | schedule = on refresh (rehydration time estimate = <that of %s>))", n.s, c, c, c);
	} else if (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 0), "t")) {
		PQclear(res);
		buffree(&q);
		buffree(&n);
		r->err = xasprintf("production cluster %s is not a managed cluster: "
		    "blue/green creates its deploy cluster like it", c);
		return -1;
	} else {
		type = PQgetisnull(res, 0, 3) ? "manual" : PQgetvalue(res, 0, 3);
		estimate = PQgetisnull(res, 0, 4) ? NULL : PQgetvalue(res, 0, 4);
		bufprintf(&q, "create cluster %s (size = ", n.s);
		qliteral(&q, PQgetvalue(res, 0, 1));
		if (!strcmp(type, "manual")) {
			bufprintf(&q, ", replication factor = %s", PQgetvalue(res, 0, 2));
		} else if (!strcmp(type, "on-refresh") && estimate) {
			bufputs(&q, ", schedule = on refresh (rehydration time estimate = ");
			qliteral(&q, estimate);
			bufputc(&q, ')');
		}
		bufputc(&q, ')');
	}
	PQclear(res);
	rc = runsql(r, q.s);
	buffree(&q);
	buffree(&n);
	return rc < 0 ? -1 : copygrants(r, "cluster", c, deploy);
}

static int
mark(struct runner *r, const struct deploy *d, int write)
{
	static const char text[] = "a blue/green deployment in progress: see dbt2ninja(1)\n";

	if (!d->mark)
		return 0;
	if (r->dry) {
		fprintf(r->dry, "-- %s %s\n", write ? "rewrite" : "remove", d->mark);
		return 0;
	}
	if (write ? writefile(d->mark, text, sizeof(text) - 1) < 0 :
	    unlink(d->mark) < 0 && errno != ENOENT) {
		r->err = xasprintf("%s: %s", d->mark, strerror(errno));
		return -1;
	}
	return 0;
}

/* The schemas, then the clusters, as one list: the i-th, and whether it
 * is a schema. */
static const char *
item(const struct deploy *d, size_t i, int *schema)
{
	*schema = i < d->nschemas;
	return *schema ? d->schemas[i] : d->clusters[i - d->nschemas];
}

/* What init and promote ask of one schema or cluster: four counts. */
struct found {
	long prod, sinks, deploy, objects;
};

static int
survey(struct runner *r, const char *kind, const char *name, const char *deploy, struct found *f)
{
	struct buf q = {0};
	PGresult *res;

	if (!strcmp(kind, "schema"))
		schemaquery(&q, name, deploy);
	else
		clusterquery(&q, name, deploy);
	if (ask(r, &q, &res) < 0) {
		buffree(&q);
		return -1;
	}
	buffree(&q);
	if (r->dry) {
		/* what a first deployment finds */
		f->prod = 1;
		f->sinks = f->deploy = f->objects = 0;
		return 0;
	}
	f->prod = num(res, 0);
	f->sinks = num(res, 1);
	f->deploy = num(res, 2);
	f->objects = num(res, 3);
	PQclear(res);
	if (!f->prod) {
		r->err = xasprintf("production %s %s does not exist", kind, name);
		return -1;
	}
	return 0;
}

static int
init(struct runner *r, const struct deploy *d)
{
	size_t n = d->nschemas + d->nclusters, i;
	struct found *f = xcalloc(n + 1, sizeof(*f));
	int fresh = !d->mark || access(d->mark, F_OK) < 0, made = 0, rc = -1;
	char *deploy = NULL;

	/* production first, before anything is made */
	for (i = 0; i < n; i++) {
		int sch;
		const char *name = item(d, i, &sch);
		free(deploy);
		deploy = xasprintf("%s" SUFFIX, name);
		if (survey(r, sch ? "schema" : "cluster", name, deploy, &f[i]) < 0)
			goto out;
		if (f[i].sinks) {
			r->err = xasprintf("production %s %s holds sinks: blue/green needs sinks in a "
			    "%s of their own", sch ? "schema" : "cluster", name, sch ? "schema" : "cluster");
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		int sch;
		const char *name = item(d, i, &sch);
		free(deploy);
		deploy = xasprintf("%s" SUFFIX, name);
		if (f[i].deploy) {
			if (f[i].objects && fresh) {
				r->err = xasprintf("%s %s already exists and holds %ld object%s, and no "
				    "deployment of this build is in progress: a promoted deployment not "
				    "cleaned up (ninja deploy-cleanup), or someone else's",
				    sch ? "schema" : "cluster", deploy, f[i].objects,
				    f[i].objects == 1 ? "" : "s");
				goto out;
			}
			continue;
		}
		if (r->dry)
			fprintf(r->dry, "-- when %s does not exist:\n", deploy);
		made = 1;
		if (sch ? sendf(r, "create schema %s", deploy) < 0 ||
		    copydefaults(r, name, deploy) < 0 || copygrants(r, "schema", name, deploy) < 0 :
		    makecluster(r, name, deploy) < 0)
			goto out;
	}
	/* a new environment: every node of the deployment builds into it */
	rc = fresh || made ? mark(r, d, 1) : 0;
out:
	free(deploy);
	free(f);
	return rc;
}

/* Whether the deploy clusters are ready, as dbt-materialize's
 * are_clusters_ready: a replica with three OOM kills in a day is
 * problematic; hydration is the best replica's; the lag is the largest of
 * the cluster's objects' wallclock lag. */
static void
readiness(struct buf *b, const struct deploy *d)
{
	size_t i;

	bufputs(b, "with c as (select id, name from mz_catalog.mz_clusters where name in (");
	for (i = 0; i < d->nclusters; i++) {
		char *n = xasprintf("%s" SUFFIX, d->clusters[i]);
		if (i)
			bufputs(b, ", ");
		qliteral(b, n);
		free(n);
	}
	bufputs(b, ")),\n"
	    "problematic as (select replica_id from mz_internal.mz_cluster_replica_status_history\n"
	    "  where occurred_at + interval '24 hours' > mz_now() and reason = 'oom-killed'\n"
	    "  group by replica_id having count(*) >= 3),\n"
	    "health as (select c.id, count(r.id) as replicas, count(p.replica_id) as problematic\n"
	    "  from c left join mz_catalog.mz_cluster_replicas r on r.cluster_id = c.id\n"
	    "  left join problematic p on p.replica_id = r.id group by c.id),\n"
	    "counts as (select r.cluster_id, r.id, count(h.object_id) filter (where h.hydrated) as hydrated,\n"
	    "    count(h.object_id) as total\n"
	    "  from c join mz_catalog.mz_cluster_replicas r on r.cluster_id = c.id\n"
	    "  left join mz_internal.mz_hydration_statuses h on h.replica_id = r.id group by r.cluster_id, r.id),\n"
	    "best as (select cluster_id, max(hydrated) as hydrated, max(total) as total from counts group by cluster_id),\n"
	    "lag as (select r.cluster_id, max(extract(epoch from l.lag)) as lag\n"
	    "  from c join mz_catalog.mz_cluster_replicas r on r.cluster_id = c.id\n"
	    "  join mz_internal.mz_hydration_statuses h on h.replica_id = r.id\n"
	    "  join mz_internal.mz_wallclock_global_lag l on l.object_id = h.object_id group by r.cluster_id)\n"
	    "select c.name, case when h.replicas = 0 then 'failing: no replicas'\n"
	    "  when h.replicas = h.problematic then 'failing: every replica OOM-killed 3 times in 24 hours'\n"
	    "  when coalesce(b.hydrated, 0) < coalesce(b.total, 0) then 'hydrating: ' || b.hydrated::text || '/' || b.total::text\n"
	    "  when coalesce(l.lag, 0) > extract(epoch from interval ");
	qliteral(b, d->lag);
	bufputs(b, ") then 'lagging: ' || l.lag::text || ' s'\n"
	    "  else 'ready' end\n"
	    "from c join health h on h.id = c.id left join best b on b.cluster_id = c.id\n"
	    "left join lag l on l.cluster_id = c.id order by c.name");
}

static int
await(struct runner *r, const struct deploy *d)
{
	struct buf q = {0}, why = {0};
	PGresult *res;
	int waited, i, ready;

	if (!d->nclusters)
		return 0;
	for (waited = 0;; waited += d->poll) {
		readiness(&q, d);
		if (ask(r, &q, &res) < 0)
			break;
		if (r->dry) {
			buffree(&q);
			return 0;
		}
		/* a deploy cluster not found is not ready */
		ready = PQntuples(res) == (int)d->nclusters;
		why.len = 0;
		for (i = 0; i < PQntuples(res); i++) {
			const char *st = PQgetvalue(res, i, 1);
			printf("deploy-await: %s: %s\n", PQgetvalue(res, i, 0), st);
			if (strcmp(st, "ready")) {
				ready = 0;
				bufprintf(&why, "%s%s (%s)", why.len ? ", " : "", PQgetvalue(res, i, 0), st);
			}
		}
		if (PQntuples(res) != (int)d->nclusters)
			bufprintf(&why, "%sa deploy cluster missing: run ninja deploy-init",
			    why.len ? ", " : "");
		fflush(stdout);
		PQclear(res);
		if (ready) {
			buffree(&q);
			buffree(&why);
			return 0;
		}
		if (waited >= d->timeout) {
			r->err = xasprintf("not ready after %d s: %s", waited, why.s);
			break;
		}
		sleep((unsigned)d->poll);
		if (pginterrupted) {
			r->err = xstrdup("interrupted");
			break;
		}
	}
	buffree(&q);
	buffree(&why);
	return -1;
}

/* The commit checked out here, or NULL. */
static char *
commitsha(void)
{
	FILE *f = popen("git rev-parse HEAD 2>/dev/null", "r");
	char line[128];
	size_t n;

	if (!f)
		return NULL;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	if (pclose(f) != 0 || !line[0])
		return NULL;
	n = strcspn(line, "\n");
	return xmemdup(line, n);
}

/* Each promoted schema says who deployed it, when, and from which commit,
 * as the adapter's tag_deployed_schemas. */
static int
tag(struct runner *r, const struct deploy *d)
{
	struct buf q = {0}, c = {0};
	PGresult *res;
	char *sha = commitsha();
	size_t i;
	int rc = 0;

	bufputs(&q, "select current_user, now()");
	if (ask(r, &q, &res) < 0) {
		free(sha);
		buffree(&q);
		return -1;
	}
	if (r->dry)
		bufputs(&c, "Deployment by <user> on <time>[ | Commit SHA: <git rev-parse HEAD>]");
	else
		bufprintf(&c, "Deployment by %s on %s", PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	if (sha && !r->dry)
		bufprintf(&c, " | Commit SHA: %s", sha);
	for (i = 0; i < d->nschemas && rc == 0; i++) {
		q.len = 0;
		bufputs(&q, "comment on schema ");
		qident(&q, d->schemas[i]);
		bufputs(&q, " is ");
		qliteral(&q, c.s);
		rc = runsql(r, q.s);
	}
	PQclear(res);
	free(sha);
	buffree(&q);
	buffree(&c);
	return rc;
}

static int
promote(struct runner *r, const struct deploy *d)
{
	size_t i, n = d->nschemas + d->nclusters;
	struct buf b = {0}, q = {0};
	struct found f;
	char *deploy;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		int sch;
		const char *name = item(d, i, &sch);
		deploy = xasprintf("%s" SUFFIX, name);
		rc = survey(r, sch ? "schema" : "cluster", name, deploy, &f);
		if (rc == 0 && !r->dry && !f.deploy) {
			r->err = xasprintf("%s %s does not exist: nothing to promote",
			    sch ? "schema" : "cluster", deploy);
			rc = -1;
		}
		free(deploy);
	}
	if (rc < 0)
		return -1;
	/* one transaction swaps them all */
	bufputs(&b, "begin;\n");
	for (i = 0; i < n; i++) {
		int sch;
		const char *name = item(d, i, &sch);
		deploy = xasprintf("%s" SUFFIX, name);
		q.len = 0;
		qident(&q, name);
		bufprintf(&b, "alter %s %s swap with ", sch ? "schema" : "cluster", q.s);
		q.len = 0;
		qident(&q, deploy);
		bufprintf(&b, "%s;\n", q.s);
		free(deploy);
	}
	bufputs(&b, "commit");
	rc = runsql(r, b.s);
	if (rc == 0)
		rc = tag(r, d);
	/* sinks read the swapped objects from now on */
	for (i = 0; i < d->nsinks && rc == 0; i++) {
		const char *eq = strchr(d->sinks[i], '=');
		if (!eq)
			continue;
		b.len = 0;
		bufprintf(&b, "alter sink %.*s set from %s", (int)(eq - d->sinks[i]), d->sinks[i], eq + 1);
		rc = runsql(r, b.s);
	}
	buffree(&b);
	buffree(&q);
	return rc < 0 ? -1 : mark(r, d, 0);
}

static int
cleanup(struct runner *r, const struct deploy *d)
{
	size_t i;
	char *deploy;
	int rc = 0;

	for (i = 0; i < d->nschemas + d->nclusters && rc == 0; i++) {
		int sch;
		deploy = xasprintf("%s" SUFFIX, item(d, i, &sch));
		rc = sendf(r, sch ? "drop schema if exists %s cascade" :
		    "drop cluster if exists %s cascade", deploy);
		free(deploy);
	}
	return rc < 0 ? -1 : mark(r, d, 0);
}

int
deployop(struct runner *r, const char *op, const struct deploy *d)
{
	if (!strcmp(op, "init"))
		return init(r, d);
	if (!strcmp(op, "await"))
		return await(r, d);
	if (!strcmp(op, "promote"))
		return promote(r, d);
	if (!strcmp(op, "cleanup"))
		return cleanup(r, d);
	r->err = xasprintf("%s is not init, await, promote or cleanup", op);
	return -1;
}
