#define _XOPEN_SOURCE 700
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "project.h"
#include "util.h"

static int
exists(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	int r = access(p, F_OK) == 0;

	free(p);
	return r;
}

/* Cut the last component of an absolute path in place; 0 at the root. */
static int
up(char *p)
{
	char *s = strrchr(p, '/');

	if (!s || (s == p && p[1] == '\0'))
		return 0;
	if (s == p)
		s[1] = '\0';
	else
		*s = '\0';
	return 1;
}

char *
projectfind(const char *path)
{
	char *dir = realpath(path, NULL);

	if (!dir)
		return NULL;
	while (up(dir))
		if (exists(strcmp(dir, "/") ? dir : "", "dbt_project.yml"))
			return dir;
	free(dir);
	return NULL;
}

char *
projectdirof(const char *dir, const char *path)
{
	char *r;

	if (dir) {
		if (access(dir, F_OK) < 0)
			fatal("%s:", dir);
		return xstrdup(dir);
	}
	r = projectfind(path);
	return r ? r : xstrdup(".");
}

char *
relprefix(const char *dir)
{
	char *cwd = realpath(".", NULL), *abs = realpath(dir, NULL), *r;
	size_t n;

	if (!cwd || !abs) {
		r = xasprintf("%s/", dir);
	} else if (!strcmp(cwd, abs)) {
		r = xstrdup("");
	} else if ((n = strlen(cwd)) && !strncmp(abs, cwd, n) && abs[n] == '/') {
		r = xasprintf("%s/", abs + n + 1);
	} else {
		r = xasprintf("%s%s", abs, strcmp(abs, "/") ? "/" : "");
	}
	free(cwd);
	free(abs);
	return r;
}

char *
exedir(const char *arg0)
{
	const char *path = getenv("PATH");
	char *exe = NULL, *cand;
	size_t n;

	if (strchr(arg0, '/')) {
		exe = realpath(arg0, NULL);
	} else {
		while (path && *path && !exe) {
			n = strcspn(path, ":");
			cand = xasprintf("%.*s/%s", (int)n, n ? path : ".", arg0);
			if (access(cand, X_OK) == 0)
				exe = realpath(cand, NULL);
			free(cand);
			path += n + (path[n] == ':');
		}
	}
	if (exe && !up(exe)) {
		free(exe);
		exe = NULL;
	}
	return exe;
}
