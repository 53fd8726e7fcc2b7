/* dropenv.h: dbt2ninja drop-env, tearing down a CI environment.
 *
 * The environment is every schema a runnable node of the manifest writes
 * to. It is dropped with cascade over the profile's connection, unless one
 * of those schemas is production's (from --state, a manifest or db), which
 * is refused unless forced. Without --state, nothing tells production's
 * schemas apart: only --force drops then. */
#ifndef DROPENV_H
#define DROPENV_H

int dropenv(int argc, char **argv);

#endif
