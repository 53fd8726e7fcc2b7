/* report.h: dbt2ninja report, one self-contained HTML page for CI to keep.
 *
 *	dbt2ninja report [-o FILE] [graph's options] [EXPR...]
 *
 * writes FILE (default target/report.html): the counts by status; the
 * lineage (lineage.h) as SVG, laid out by Graphviz's dot program, with
 * the DOT itself in its place when dot cannot be run; the last run
 * (timeline.h) drawn one lane per slot, with its trace-event JSON as a
 * link to save for Perfetto; each failure with its message and the lines
 * of its job around the one the database's error points at; and the
 * table of the results that dbt2ninja results would write, in the order
 * they started. Everything is inline: no script, style sheet, font or
 * image is fetched, so it opens from the file, anywhere. */
#ifndef REPORT_H
#define REPORT_H

int reportmain(int argc, char **argv);

#endif
