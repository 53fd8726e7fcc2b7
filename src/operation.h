/* operation.h: an on-run-start or on-run-end hook's job (resource_type
 * operation; gen/hooks.h writes it): its SQL, rendered by the generator,
 * sent as dbt sends it, on a connection of its own and outside a
 * transaction, as one query string (several statements in one hook run
 * together, as one implicit transaction of the server's). The first
 * on-run-start's job also names the schemas to create first ("-- schemas:
 * [[database, schema], ...]"), as dbt creates the run's schemas before
 * its on-run-start hooks. */
#ifndef OPERATION_H
#define OPERATION_H

#include <stdio.h>

#include <libpq-fe.h>

#include "jobfile.h"

/* Run the job on c, or print what it would send to dry (c unused).
 * Returns 0, or -1 with *err (caller frees). */
int operationrun(PGconn *c, const struct jobfile *j, FILE *dry, char **err);

#endif
