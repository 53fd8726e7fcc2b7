#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "pg.h"

/* Seconds the server has to answer once a signal came: the cancel's
 * answer is awaited for CANCELWAIT seconds, then the connection is closed;
 * whatever still blocks, the process exits HARDEXIT seconds after the
 * signal. */
enum { CANCELWAIT = 2, HARDEXIT = 4 };

volatile sig_atomic_t pginterrupted;
static PGcancel *cancel;
static int wake[2] = {-1, -1};	/* the handler's byte wakes poll() */
static int cancelsent;
static double deadline;

/* Only records the signal: the cancel is sent from the loop that waits
 * for the server (sockwait()), which a handler blocked in PQcancel on a
 * stalled server would never reach. */
static void
oninterrupt(int sig)
{
	int e = errno;

	if (!pginterrupted) {
		pginterrupted = sig;
		alarm(HARDEXIT);
	}
	if (wake[1] >= 0 && write(wake[1], "", 1) < 0) {
		/* the pipe is full: poll() is woken already */
	}
	errno = e;
}

/* The last resort: a server that answers nothing, anywhere. */
static void
onalarm(int sig)
{
	static const char m[] = "dbt2ninja-run: interrupted: the server does not answer; "
	    "giving up on it\n";

	(void)sig;
	if (write(2, m, sizeof(m) - 1) < 0) {
		/* nowhere to say it */
	}
	_exit(128 + pginterrupted);
}

void
pgsignals(void)
{
	struct sigaction sa;
	int i;

	if (wake[0] < 0 && pipe(wake) == 0)
		for (i = 0; i < 2; i++) {
			fcntl(wake[i], F_SETFL, fcntl(wake[i], F_GETFL) | O_NONBLOCK);
			fcntl(wake[i], F_SETFD, FD_CLOEXEC);
		}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = oninterrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = onalarm;
	sigaction(SIGALRM, &sa, NULL);
	/* a reader gone (ninja killed) makes writes fail, and nothing more:
	 * what committed still gets its stamp */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static double
now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

/* The cancel request, from a child of ours: PQcancel waits for the server
 * to close the request's connection, which a stalled postmaster never
 * does; the child gives up after CANCELWAIT seconds, and we do not wait
 * for it. */
static void
sendcancel(void)
{
	char err[256];
	pid_t pid;

	cancelsent = 1;
	deadline = now() + CANCELWAIT;
	if (!cancel)
		return;
	pid = fork();
	if (pid != 0)
		return;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	alarm(CANCELWAIT);
	PQcancel(cancel, err, sizeof(err));
	_exit(0);
}

/* Wait until the connection's socket is readable (or writable, with out),
 * sending the cancel when a signal came. -1 when the server did not
 * answer in time after it: then the socket is shut down, so that anything
 * libpq does on it next fails at once. */
static int
sockwait(PGconn *c, int out)
{
	struct pollfd p[2];
	char drain[64];
	int ms, n;

	for (;;) {
		if (PQsocket(c) < 0)
			return 0;	/* gone: libpq says so next */
		if (pginterrupted && !cancelsent)
			sendcancel();
		ms = -1;
		if (cancelsent) {
			ms = (int)((deadline - now()) * 1000);
			if (ms <= 0) {
				shutdown(PQsocket(c), SHUT_RDWR);
				return -1;
			}
		}
		p[0].fd = PQsocket(c);
		p[0].events = POLLIN | (out ? POLLOUT : 0);
		p[1].fd = wake[0];
		p[1].events = POLLIN;
		p[0].revents = p[1].revents = 0;
		n = poll(p, wake[0] >= 0 ? 2 : 1, ms);
		if (n < 0 && errno != EINTR)
			return 0;	/* libpq finds out what is wrong */
		if (n > 0 && (p[1].revents & POLLIN))
			while (read(wake[0], drain, sizeof(drain)) > 0)
				;
		if (n > 0 && p[0].revents)
			return 0;
	}
}

/* PQflush, waiting for the socket as sockwait() does. */
static int
flush(PGconn *c)
{
	int rc;

	while ((rc = PQflush(c)) == 1)
		if (sockwait(c, 1) < 0 || !PQconsumeInput(c))
			return -1;
	return rc;
}

/* The next result, NULL at the end or when the server did not answer in
 * time after a signal (*expired). */
static PGresult *
nextresult(PGconn *c, int *expired)
{
	*expired = 0;
	while (PQisBusy(c)) {
		if (sockwait(c, 0) < 0) {
			*expired = 1;
			return NULL;
		}
		if (!PQconsumeInput(c))
			break;
	}
	return PQgetResult(c);
}

/* Send sql and wait for its results, as pgstep() does; -1 with *err on
 * failure. */
static int
sendwait(PGconn *c, const char *sql, char **err)
{
	PGresult *r;
	int expired, failed = 0;

	if (!PQsendQuery(c, sql) || flush(c) < 0) {
		*err = xstrdup(PQerrorMessage(c));
		return -1;
	}
	while ((r = nextresult(c, &expired))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK &&
		    !failed) {
			*err = xstrdup(PQresultErrorMessage(r));
			failed = 1;
		}
		PQclear(r);
	}
	if (expired && !failed) {
		*err = xstrdup("the server did not answer the cancel");
		failed = 1;
	}
	return failed ? -1 : 0;
}

int
pgexec(PGconn *c, const char *sql, char **err)
{
	*err = NULL;
	if (pginterrupted) {
		*err = xstrdup("interrupted");
		return -1;
	}
	return sendwait(c, sql, err);
}

PGresult *
pgresult(PGconn *c, const char *sql, char **err)
{
	PGresult *r, *last = NULL;
	int expired;

	*err = NULL;
	if (pginterrupted) {
		*err = xstrdup("interrupted");
		return NULL;
	}
	if (!PQsendQuery(c, sql) || flush(c) < 0) {
		*err = xstrdup(PQerrorMessage(c));
		return NULL;
	}
	while ((r = nextresult(c, &expired))) {
		if (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK) {
			PQclear(last);
			last = r;
			continue;
		}
		if (!*err)
			*err = pgerror(r, NULL, NULL, 0);
		PQclear(r);
	}
	if (expired && !*err)
		*err = xstrdup("interrupted: the server did not answer the cancel");
	if (*err) {
		PQclear(last);
		return NULL;
	}
	return last;
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

	pgsignals();
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
	if (pginterrupted) {
		PQfinish(c);
		warn("interrupted while connecting");
		exit(128 + pginterrupted);
	}
	if (PQstatus(c) != CONNECTION_OK) {
		char *m = xstrdup(chomp(PQerrorMessage(c)));
		PQfinish(c);
		fatal("cannot connect: %s", m);
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	PQsetnonblocking(c, 1);
	PQfreeCancel(cancel);
	cancel = PQgetCancel(c);
	return c;
}

void
qident(struct buf *b, const char *s)
{
	bufquote(b, s, '"');
}

/* As PQescapeLiteral: with a backslash, an escape string E'...' with
 * backslashes doubled, which means the same whatever
 * standard_conforming_strings is. */
void
qliteral(struct buf *b, const char *s)
{
	if (!strchr(s, '\\')) {
		bufquote(b, s, '\'');
		return;
	}
	bufputc(b, 'E');
	bufputc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			bufputc(b, *s);
		bufputc(b, *s);
	}
	bufputc(b, '\'');
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
	int n = 0, failed = 0, expired;

	*err = NULL;
	o->sqlstate[0] = '\0';
	o->kept = 0;
	PQclear(o->last);
	o->last = NULL;
	/* after a signal, nothing new is sent */
	if (pginterrupted) {
		*err = xstrdup("interrupted");
		return -1;
	}
	if (!PQsendQuery(c, s->sql.s) || flush(c) < 0) {
		*err = xstrdup(PQerrorMessage(c));
		return -1;
	}
	while ((r = nextresult(c, &expired))) {
		switch (PQresultStatus(r)) {
		case PGRES_COPY_IN:
			if (PQputCopyData(c, s->copydata ? s->copydata : "",
			    (int)s->copylen) != 1 || PQputCopyEnd(c, NULL) != 1 || flush(c) < 0) {
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
			/* the server's answer to COMMIT: the transaction is
			 * durable, whatever comes next */
			if (!strcmp(PQcmdStatus(r), "COMMIT"))
				o->committed++;
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
				o->kept = n == s->tryat && s->tryat >= 0;
			}
			failed = 1;
			break;
		}
		PQclear(r);
	}
	if (expired) {
		free(*err);
		*err = xasprintf("interrupted: the server did not answer within %d s of the cancel; "
		    "the connection was closed", CANCELWAIT);
		o->unanswered = 1;
		return -1;
	}
	if (failed && PQtransactionStatus(c) != PQTRANS_INERROR)
		o->kept = 0;
	if (failed && PQtransactionStatus(c) == PQTRANS_INERROR && !o->kept) {
		char *e = NULL;
		sendwait(c, "rollback", &e);
		free(e);
	}
	return failed ? -1 : 0;
}
