#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "profile.h"
#include "tap.h"
#include "util.h"

static const char *
val(const struct profile *p, const char *key)
{
	size_t i;

	for (i = 0; p->keys[i]; i++)
		if (!strcmp(p->keys[i], key))
			return p->vals[i];
	return NULL;
}

/* Whether profileload exits 1 saying want on stderr, in a child. */
static int
fails(const struct profileopts *o, const char *near, const char *want)
{
	char got[512] = "";
	int fd[2], st;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	fflush(stdout);
	if (pipe(fd) < 0 || (pid = fork()) < 0)
		return 0;
	if (pid == 0) {
		struct profile p;
		dup2(fd[1], 2);
		close(fd[0]);
		profileload(&p, o, near);
		_exit(0);
	}
	close(fd[1]);
	while (len < sizeof(got) - 1 && (n = read(fd[0], got + len, sizeof(got) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd[0]);
	got[len] = '\0';
	if (waitpid(pid, &st, 0) < 0)
		return 0;
	if (strcmp(got, want))
		printf("#   stderr: %s", got);
	return WIFEXITED(st) && WEXITSTATUS(st) == 1 && !strcmp(got, want);
}

int
main(void)
{
	char dir[] = "/tmp/dbt2ninja-profile-XXXXXX";
	struct profileopts o = {0};
	struct profile p;
	char *path, *job, *empty, *want;

	ok(mkdtemp(dir) != NULL, "a project");
	path = xasprintf("%s/dbt_project.yml", dir);
	writefile(path, "name: x\nprofile: shop\n", 22);
	free(path);
	path = xasprintf("%s/profiles.yml", dir);
	{
		const char *y = "shop:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n"
		    "      host: \"{{ env_var('D2N_PGHOST', 'h1') }}\"\n      port: 6543\n"
		    "      user: u\n      pass: secret\n      database: d\n      schema: s\n"
		    "      threads: 8\n      search_path: a, b\n      keepalives_idle: 0\n"
		    "      retries: 3\n      role: r\n    prod:\n      type: postgres\n"
		    "      host: prod\n      dbname: p\n";
		writefile(path, y, strlen(y));
	}
	job = xasprintf("%s/target/ninja/sql", dir);
	mkdirs(job);
	free(job);
	job = xasprintf("%s/target/ninja/sql/model.x.sql", dir);
	writefile(job, "", 0);
	unsetenv("DBT_PROFILES_DIR");
	unsetenv("DBT_TARGET");
	unsetenv("D2N_PGHOST");
	profileload(&p, &o, job);
	is(p.name, "shop", "the profile is dbt_project.yml's");
	is(p.target, "dev", "the target is the profile's");
	is(val(&p, "host"), "h1", "values are rendered");
	is(val(&p, "port"), "6543", "port");
	is(val(&p, "password"), "secret", "pass is the password");
	is(val(&p, "dbname"), "d", "database is the dbname");
	is(val(&p, "options"), "-c search_path=a,\\ b", "search_path goes in options, escaped");
	ok(val(&p, "keepalives_idle") == NULL, "keepalives_idle 0 is not passed");
	is(val(&p, "application_name"), "dbt2ninja", "application_name");
	ok(p.threads == 8 && p.retries == 3, "threads and retries");
	is(p.role, "r", "role");
	profilefree(&p);
	{
		/* a profiles.yml beside a manifest, and no project naming a profile */
		struct profileopts on = {0};
		char *solo = xasprintf("/tmp/dbt2ninja-profile-solo-%ld", (long)getpid());
		char *pf = xasprintf("%s/profiles.yml", solo);
		mkdirs(solo);
		writefile(pf, "shop:\n  target: dev\n", 21);
		on.profilesdir = solo;
		profileload(&p, &on, "/nonexistent/target/manifest.json");
		ok(p.name == NULL && p.path == NULL, "no project, no profile named: none read");
		profilefree(&p);
		unlink(pf);
		rmdir(solo);
		free(pf);
		free(solo);
	}
	setenv("DBT_TARGET", "prod", 1);
	profileload(&p, &o, job);
	is(val(&p, "host"), "prod", "DBT_TARGET chooses the target");
	ok(p.retries == 1, "retries default to 1");
	profilefree(&p);
	unsetenv("DBT_TARGET");
	o.target = "dev";
	o.profilesdir = "/nonexistent";
	ok(fails(&o, job, "dbt2ninja: --profiles-dir: /nonexistent does not exist\n"),
	    "--profiles-dir that does not exist is an error, as in dbt");
	empty = xasprintf("%s/empty", dir);
	mkdirs(empty);
	o.profilesdir = empty;
	want = xasprintf("dbt2ninja: %s/profiles.yml: not found (--profiles-dir): could not find "
	    "profile named shop\n", empty);
	ok(fails(&o, job, want),
	    "--profiles-dir without profiles.yml is an error: never libpq's environment");
	free(want);
	o.profilesdir = NULL;
	setenv("DBT_PROFILES_DIR", empty, 1);
	want = xasprintf("dbt2ninja: %s/profiles.yml: not found (DBT_PROFILES_DIR): could not find "
	    "profile named shop\n", empty);
	ok(fails(&o, job, want), "so is DBT_PROFILES_DIR");
	free(want);
	free(empty);
	setenv("DBT_PROFILES_DIR", "", 1);
	profileload(&p, &o, job);
	is(p.name, "shop", "an empty DBT_PROFILES_DIR is none");
	profilefree(&p);
	unsetenv("DBT_PROFILES_DIR");
	setenv("HOME", dir, 1);
	o.projectdir = "/";
	profileload(&p, &o, job);
	ok(p.path == NULL && val(&p, "host") == NULL,
	    "no profiles.yml found where none was named: libpq's environment decides");
	profilefree(&p);
	o.projectdir = NULL;
	free(job);
	free(path);
	{
		const char *y = "name: x\nvars:\n  deployment:\n    prod:\n      schemas: [a, \"{{ env_var('D2N_S', 'b') }}\"]\n"
		    "      clusters:\n        - c\n    qa:\n      clusters: [d]\n";
		char *sch, *cl;
		path = xasprintf("%s/dbt_project.yml", dir);
		writefile(path, y, strlen(y));
		ok(projectdeployment(path, "prod", &sch, &cl) == 1, "vars.deployment.prod is found");
		is(sch, "a,b", "its schemas, rendered");
		is(cl, "c", "its clusters");
		free(sch);
		free(cl);
		ok(projectdeployment(path, "qa", &sch, &cl) == 1 && !strcmp(sch, "") && !strcmp(cl, "d"),
		    "a list left out is empty");
		free(sch);
		free(cl);
		ok(projectdeployment(path, "dev", &sch, &cl) == 0 && !sch && !cl, "no entry for the target");
		free(path);
	}
	path = xasprintf("rm -rf %s", dir);
	ok(system(path) == 0, "cleanup");
	free(path);
	return tap_done();
}
