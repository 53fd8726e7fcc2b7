/* jlib.c: filters, tests and methods beyond jeval's core (see jlib.h). */
#include <string.h>

#include "jlib.h"

int
jlibhasfilter(const char *name)
{
	(void)name;
	return 0;
}

int
jlibhastest(const char *name)
{
	(void)name;
	return 0;
}

struct jv *
jlibfilter(struct jev *v, const char *name, struct jv *x, struct jcall *c)
{
	(void)v; (void)name; (void)x; (void)c;
	return NULL;
}

int
jlibtest(struct jev *v, const char *name, struct jv *x, struct jcall *c)
{
	(void)v; (void)name; (void)x; (void)c;
	return -1;
}

struct jv *
jlibattr(struct jev *v, struct jv *x, const char *name)
{
	(void)v; (void)x; (void)name;
	return NULL;
}
