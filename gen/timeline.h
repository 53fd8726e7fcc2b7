/* timeline.h: dbt2ninja timeline, the last run as trace events.
 *
 *	dbt2ninja timeline [--manifest PATH] [-o FILE]
 *
 * writes the JSON of the trace-event format that Perfetto and
 * chrome://tracing open, as ninjatracing makes it from a .ninja_log:
 *
 *	{"traceEvents": [
 *	  {"name": "process_name", "ph": "M", "pid": 1, "tid": 0, "args": {...}},
 *	  {"name": "thread_name", "ph": "M", "pid": 1, "tid": 1, "args": {"name": "slot 1"}},
 *	  {"name": "stg_orders", "cat": "model", "ph": "X", "ts": 58000,
 *	   "dur": 52000, "pid": 1, "tid": 1, "args": {"unique_id": ...,
 *	   "edge": "deploy", "status": "success", "execution_time": 0.005, ...}},
 *	  ...],
 *	 "displayTimeUnit": "ms", "otherData": {...}}
 *
 * ts and dur in microseconds from the run's start. The run is the last
 * one in the log (ninjalog.h): its start is estimated from the mtimes
 * ninja recorded, each output's no later than its end, as the latest of
 * mtime less end; its lines are those whose recorded mtime is not older
 * than that start (a recompacted log's rewritten lines, and a build edge
 * whose node was current and whose output ninja dated by an older input,
 * are older). The executor's notes of stamps are not runs and are not
 * drawn. Ninja logs no edge that failed: a node whose last result
 * (results.h) started within the run and that has no line in it is drawn
 * from its result's execute timing, with "from": "result". When such a
 * result started after the last logged run ended (LATE after it), or a
 * node's result after the stamp the run wrote for it, a later run logged
 * nothing (every edge failed): the timeline is then those results alone.
 * Each event takes the lowest lane free at its start: one lane per slot
 * Ninja ran in parallel. Events are named as dbt names the node (a
 * versioned model NAME.vN, a test by its name), other edges by their
 * output. */
#ifndef TIMELINE_H
#define TIMELINE_H

#include <cjson/cJSON.h>

#include "manifest.h"
#include "ninjalog.h"

struct event {
	const char *name;
	const char *cat;	/* the node's resource type, or "ninja" */
	const struct node *n;	/* or NULL */
	const char *edge;	/* "deploy" or "build" for a node's edge, or NULL */
	const char *path;	/* the output, or NULL (from a result) */
	long long ts, dur;	/* microseconds from the run's start */
	int lane;		/* from 1 */
	const char *status;	/* its result's, or NULL */
	double exectime;	/* its result's execution_time, or -1 */
	int fromresult;		/* no line in the log: drawn from its result */
};

struct timeline {
	struct event *ev;	/* by start */
	size_t nev;
	int lanes;
	long long start;	/* the run's, in microseconds since the epoch; 0: none */
	long long length;	/* microseconds */
	int version;		/* of the log */
	cJSON **res;		/* the results read, per node; owned */
	size_t nres;
	char **names;		/* owned names, per node */
};

/* The last run, from the log and the results under conn (a connection's
 * directory) of m's runnable nodes (whose file names are set). */
void timelineread(const struct manifest *m, const struct ninjalog *l, const char *conn,
    struct timeline *t);
void timelinefree(struct timeline *t);

/* The trace-event JSON of t, for project (or NULL), into out. */
void timelinejson(const struct timeline *t, const char *project, struct buf *out);

int timelinemain(int argc, char **argv);

#endif
