#define _XOPEN_SOURCE 700
#include <stdlib.h>
#include <unistd.h>

#include "project.h"
#include "tap.h"
#include "util.h"

int
main(int argc, char **argv)
{
	char tmp[] = "/tmp/dbt2ninja-project-XXXXXX";
	char *dir, *p, *q, *cwd;

	(void)argc;
	ok(mkdtemp(tmp) != NULL, "temporary directory");
	dir = realpath(tmp, NULL);
	p = xasprintf("%s/proj/target", dir);
	mkdirs(p);
	free(p);
	p = xasprintf("%s/proj/dbt_project.yml", dir);
	writefile(p, "name: x\n", 8);
	free(p);
	p = xasprintf("%s/proj/target/manifest.json", dir);
	writefile(p, "{}", 2);
	q = projectfind(p);
	free(p);
	p = xasprintf("%s/proj", dir);
	is(q, p, "the project is the dbt_project.yml above the manifest");
	free(q);

	cwd = realpath(".", NULL);
	ok(chdir(dir) == 0, "chdir");
	q = relprefix(p);
	is(q, "proj/", "a directory below here is relative");
	free(q);
	q = relprefix(".");
	is(q, "", "here is the empty prefix");
	free(q);
	q = relprefix("/");
	is(q, "/", "elsewhere is absolute");
	free(q);
	ok(chdir(cwd) == 0, "chdir back");

	q = exedir(argv[0]);
	ok(q && q[0] == '/', "exedir is absolute");
	free(q);
	q = exedir("sh");
	ok(q != NULL, "exedir searches PATH");
	free(q);

	q = xasprintf("rm -rf %s", dir);
	ok(system(q) == 0, "cleanup");
	free(q);
	free(p);
	free(dir);
	free(cwd);
	return tap_done();
}
