#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <unistd.h>

#include "conn.h"
#include "tap.h"
#include "util.h"

/* A profile with these libpq settings, as profileload leaves it. */
static void
profile(struct profile *p, const char *const *kv)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; kv[2 * i]; i++) {
		p->keys[i] = kv[2 * i];
		p->vals[i] = kv[2 * i + 1];
	}
}

static void
clearenv1(void)
{
	static const char *const v[] = {"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE",
	    "PGUSER", "PGSERVICE", "PGSERVICEFILE", "PGSYSCONFDIR", NULL};
	size_t i;

	for (i = 0; v[i]; i++)
		unsetenv(v[i]);
}

int
main(void)
{
	static const char *const full[] = {"host", "db.example", "port", "6543", "dbname", "d",
	    "user", "u", "password", "secret", "application_name", "x", NULL};
	static const char *const other[] = {"host", "db.example", "port", "6543", "dbname", "e",
	    "user", "u", NULL};
	static const char *const hostonly[] = {"host", "/tmp/a b", NULL};
	static const char *const none[] = {NULL};
	char dir[] = "/tmp/dbt2ninja-conn-XXXXXX";
	struct profile p;
	struct conn a, b;
	struct buf s = {0};
	char *path, *got;

	clearenv1();
	setenv("HOME", "/nonexistent", 1);
	profile(&p, full);
	connof(&a, &p);
	is(a.desc, "host=db.example port=6543 dbname=d user=u",
	    "the profile's server, database and user, never its password");
	ok(strlen(a.key) == CONNKEY && strspn(a.key, "0123456789abcdef") == CONNKEY,
	    "the key is 16 hex digits");
	got = xasprintf("target/ninja/conn/%s", a.key);
	is(a.dir, got, "its directory");
	free(got);
	profile(&p, other);
	connof(&b, &p);
	ok(strcmp(a.key, b.key) != 0, "another database is another key");
	connfree(&b);
	profile(&p, full);
	setenv("PGHOST", "elsewhere", 1);
	setenv("PGDATABASE", "elsewhere", 1);
	connof(&b, &p);
	ok(!strcmp(a.key, b.key), "libpq's environment does not count where the profile says");
	connfree(&b);
	connstamp(&a, "abc", &s);
	got = xasprintf("abc %s\n", a.key);
	is(s.s, got, "a stamp is the job's hash and the key");
	free(got);

	clearenv1();
	setenv("PGHOST", "/tmp/sock", 1);
	setenv("PGPORT", "5999", 1);
	setenv("PGUSER", "bob", 1);
	profile(&p, none);
	connof(&b, &p);
	is(b.desc, "host=/tmp/sock port=5999 dbname=bob user=bob",
	    "without a profile, libpq's environment; the database is the user's name");
	connfree(&b);
	profile(&p, hostonly);
	connof(&b, &p);
	is(b.desc, "host='/tmp/a b' port=5999 dbname=bob user=bob",
	    "what the profile leaves out is the environment's; values quoted as conninfo");
	connfree(&b);

	ok(mkdtemp(dir) != NULL, "a directory");
	path = xasprintf("%s/services", dir);
	writefile(path, "[svc]\nhost=svchost\ndbname=svcdb\nport=7000\n", 41);
	setenv("PGSERVICEFILE", path, 1);
	setenv("PGSERVICE", "svc", 1);
	profile(&p, none);
	connof(&b, &p);
	is(b.desc, "host=svchost port=7000 dbname=svcdb user=bob",
	    "PGSERVICE's service comes before the other variables, as in libpq");
	connfree(&b);
	profile(&p, hostonly);
	connof(&b, &p);
	is(b.desc, "host='/tmp/a b' port=7000 dbname=svcdb user=bob", "and after the profile");
	connfree(&b);
	free(path);

	path = xasprintf("%s/build.ninja", dir);
	writefile(path, "x = 1\nconn = target/ninja/conn/0123\ny = 2\n", 40);
	got = connbuilt(path);
	is(got, "target/ninja/conn/0123", "build.ninja names its connection's directory");
	free(got);
	writefile(path, "x = 1\n", 6);
	ok(connbuilt(path) == NULL, "or none");
	free(path);
	connfree(&a);
	buffree(&s);
	path = xasprintf("rm -rf %s", dir);
	ok(system(path) == 0, "cleanup");
	free(path);
	return tap_done();
}
