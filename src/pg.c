#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pg.h"

volatile int pginterrupted;
static PGcancel *volatile cancel;

/* PQcancel is safe in a signal handler (libpq's documentation says so). */
static void
oninterrupt(int sig)
{
	char err[256];

	pginterrupted = sig;
	if (cancel)
		PQcancel(cancel, err, sizeof(err));
}

static void
handlesignals(PGconn *c)
{
	struct sigaction sa;

	cancel = PQgetCancel(c);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = oninterrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* libpq's messages end in a line break; ours do not. */
static char *
chomp(char *m)
{
	size_t n = strlen(m);

	while (n && m[n - 1] == '\n')
		m[--n] = '\0';
	return m;
}

PGconn *
pgconnect(const char *const *keys, const char *const *vals, int retries)
{
	PGconn *c = NULL;
	int attempt;

	for (attempt = 1; attempt <= retries + 1; attempt++) {
		if (attempt > 1)
			sleep((unsigned)((attempt - 2) * (attempt - 2)));
		if (pginterrupted)
			break;
		PQfinish(c);
		c = PQconnectdbParams(keys, vals, 1);
		if (PQstatus(c) == CONNECTION_OK)
			break;
		if (attempt <= retries)
			warn("connecting failed, retrying: %s", chomp(PQerrorMessage(c)));
	}
	if (PQstatus(c) != CONNECTION_OK) {
		char *m = xstrdup(chomp(PQerrorMessage(c)));
		PQfinish(c);
		fatal("cannot connect: %s", m);
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	handlesignals(c);
	return c;
}

void
qident(struct buf *b, const char *s)
{
	bufquote(b, s, '"');
}

void
qliteral(struct buf *b, const char *s)
{
	bufquote(b, s, '\'');
}

/* The byte offset of the pos-th character (from 1) of s, in UTF-8. */
static size_t
charoffset(const char *s, long pos)
{
	size_t i = 0;
	long n = 0;

	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++n == pos)
			return i;
	}
	return i;
}

char *
pgerror(const PGresult *r, const struct step *s, const char *file, int sqlline)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
	const char *hint = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT);
	const char *pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
	struct buf b = {0};
	size_t off, start, end, i;
	int line;

	if (!msg)
		msg = PQresultErrorMessage(r);
	bufprintf(&b, "%s%s%s", state ? state : "", state ? ": " : "", msg);
	if (detail)
		bufprintf(&b, "\n  DETAIL: %s", detail);
	if (hint)
		bufprintf(&b, "\n  HINT: %s", hint);
	if (pos && s && s->sqloff >= 0) {
		off = charoffset(s->sql.s, atol(pos));
		if (off >= (size_t)s->sqloff && off < (size_t)(s->sqloff + s->sqllen)) {
			line = 0;
			start = (size_t)s->sqloff;
			for (i = (size_t)s->sqloff; i < off; i++)
				if (s->sql.s[i] == '\n') {
					line++;
					start = i + 1;
				}
			end = start;
			while (end < (size_t)(s->sqloff + s->sqllen) && s->sql.s[end] != '\n')
				end++;
			bufprintf(&b, "\n  at %s:%d, line %d of the compiled SQL:\n  %.*s\n  ",
			    file, sqlline + line, line + 1, (int)(end - start),
			    s->sql.s + start);
			for (i = start; i < off; i++)
				bufputc(&b, s->sql.s[i] == '\t' ? '\t' : ' ');
			bufputc(&b, '^');
		}
	}
	return b.s;
}

int
pgstep(PGconn *c, const struct step *s, const char *file, int sqlline,
    struct outcome *o, char **err)
{
	PGresult *r;
	int n = 0, failed = 0;

	*err = NULL;
	o->sqlstate[0] = '\0';
	PQclear(o->last);
	o->last = NULL;
	if (!PQsendQuery(c, s->sql.s)) {
		*err = xstrdup(PQerrorMessage(c));
		return -1;
	}
	while ((r = PQgetResult(c))) {
		switch (PQresultStatus(r)) {
		case PGRES_COPY_IN:
			if (PQputCopyData(c, s->copydata ? s->copydata : "",
			    (int)s->copylen) != 1 || PQputCopyEnd(c, NULL) != 1) {
				*err = xstrdup(PQerrorMessage(c));
				failed = 1;
			}
			break;
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
			if (n == s->mainstmt || s->mainstmt < 0) {
				snprintf(o->status, sizeof(o->status), "%s", PQcmdStatus(r));
				snprintf(o->rows, sizeof(o->rows), "%s", PQcmdTuples(r));
			}
			n++;
			if (PQresultStatus(r) == PGRES_TUPLES_OK) {
				PQclear(o->last);
				o->last = r;
				continue;
			}
			break;
		default:
			if (!*err) {
				const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
				snprintf(o->sqlstate, sizeof(o->sqlstate), "%s", st ? st : "");
				*err = pgerror(r, s, file, sqlline);
			}
			failed = 1;
			break;
		}
		PQclear(r);
	}
	if (failed && PQtransactionStatus(c) == PQTRANS_INERROR) {
		r = PQexec(c, "rollback");
		PQclear(r);
	}
	return failed ? -1 : 0;
}
