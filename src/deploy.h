/* deploy.h: Materialize blue/green deployment, as dbt-materialize's
 * deploy_init, deploy_await, deploy_promote and deploy_cleanup do it.
 *
 * The deployment lives in <schema>_dbt_deploy and <cluster>_dbt_deploy.
 * Init checks production (every schema and cluster there, no sinks in
 * them), then creates what is missing: schemas with production's grants
 * and default privileges, clusters sized and scheduled like production's,
 * with its grants. Its mark file is what every node of the deployment
 * depends on: init rewrites it when the environment is new (or was made
 * anew), so that Ninja rebuilds every node into it; a deployment that
 * stopped half way goes on from where it was. A deploy schema or cluster
 * that holds objects while there is no mark belongs to someone else, or to
 * a promoted deployment not yet cleaned up: init refuses it. Promote swaps
 * every schema and cluster in one transaction, points the sinks at the
 * swapped objects, and removes the mark; cleanup drops the deploy schemas
 * and clusters and removes the mark. */
#ifndef DEPLOY_H
#define DEPLOY_H

#include "mat.h"

struct deploy {
	char **schemas, **clusters;	/* production's names */
	char **sinks;			/* "sink=upstream", both quoted relations */
	size_t nschemas, nclusters, nsinks;
	const char *mark;		/* the mark file, or NULL */
	int timeout;			/* await: seconds before giving up */
	int poll;			/* await: seconds between checks */
	const char *lag;		/* await: the lag allowed, an interval */
};

/* Split a list on sep into d's vectors; the strings are s's, cut in place. */
size_t deploysplit(char *s, char sep, char ***v);

/* Run (or with r->dry print) one step: op is init, await, promote or
 * cleanup. Returns 0, or -1 with r->err. */
int deployop(struct runner *r, const char *op, const struct deploy *d);

#endif
