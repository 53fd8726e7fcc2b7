/* project.h: finding the dbt project and the tool's own files. */
#ifndef PROJECT_H
#define PROJECT_H

/* The directory of the dbt_project.yml at or above the directory of path,
 * as an absolute path, or NULL. Caller frees. */
char *projectfind(const char *path);

/* The project as the generator takes it for the manifest at path: dir
 * when given (exit 1 when it does not exist), else projectfind(path),
 * else ".". Caller frees. */
char *projectdirof(const char *dir, const char *path);

/* dir as seen from the current directory: "" for the current directory
 * itself, "sub/dir/" below it, else "/abs/dir/". Caller frees. */
char *relprefix(const char *dir);

/* The absolute directory holding the running program (from argv[0] and
 * PATH), or NULL. Caller frees. */
char *exedir(const char *argv0);

#endif
