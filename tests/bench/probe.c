/* The floor of one node: start, connect, SELECT 1, exit. */
#include <stdio.h>

#include <libpq-fe.h>

int
main(void)
{
	PGconn *c = PQconnectdb("");
	PGresult *r;

	if (PQstatus(c) != CONNECTION_OK) {
		fputs(PQerrorMessage(c), stderr);
		return 1;
	}
	r = PQexec(c, "select 1");
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return 1;
	PQclear(r);
	PQfinish(c);
	return 0;
}
