/* lineage.h: dbt2ninja graph, the lineage as Graphviz DOT.
 *
 *	dbt2ninja graph [--group folder|schema|none] [select's options] [EXPR...]
 *
 * One box per model, seed, snapshot, source and exposure, named as dbt
 * names them (a versioned model NAME.vN), shaped by resource type:
 *
 *	model		box with rounded corners (ephemeral: dashed; injected
 *			from another project: dotted)
 *	seed		note
 *	snapshot	box3d
 *	source		cylinder
 *	exposure	hexagon
 *
 * filled with the color of its status (status.h), its materialization or
 * type and that status under its name, and its tests folded into it as a
 * count by status on a line of the worst one's color; a test goes to its
 * attached_node, else to each node it depends on. Boxes are grouped into
 * clusters by the folder of their file, or by schema; edges are the
 * manifest's depends_on between drawn boxes. The graph's label is the
 * legend. Each box's id is its unique_id and its class its resource type
 * and status (never run: "never"), which SVG output keeps.
 *
 * With no EXPR every node is drawn, sources and exposures too. With EXPR
 * (select.h's vocabulary), the runnable nodes selected, the ephemeral and
 * injected nodes and sources they read (through ephemeral ones too), the
 * exposures that read them, and the tests selected. Output is sorted by
 * unique_id: the same project and runs give the same bytes. */
#ifndef LINEAGE_H
#define LINEAGE_H

#include "manifest.h"
#include "select.h"
#include "status.h"
#include "util.h"

enum { GROUPFOLDER, GROUPSCHEMA, GROUPNONE };

/* What a picture of the lineage is made from. */
struct picture {
	struct manifest m;	/* loaded for selection and pictures */
	char *set;		/* per node: selected */
	int all;		/* no expression: everything is drawn */
	int group;
	char *conn;		/* the connection's directory build.ninja names */
	struct statuses st;
};

/* Load the picture the options and words at argv[first...] ask for
 * (select's, and --group); an option of the caller's (-o FILE) is left to
 * it when it is in own, NULL-terminated, each taking a value. */
void pictureload(struct picture *p, int argc, char **argv, int first, const char *use,
    const char *const *own);
void picturefree(struct picture *p);

/* The DOT of p into out. */
void lineagedot(const struct picture *p, struct buf *out);

/* s as HTML text into b, in an element or an attribute (& < > " and '
 * as references); with label, in a Graphviz HTML-like label: an
 * apostrophe as it is, a newline as a space. */
void htmlesc(struct buf *b, const char *s, int label);

int graphmain(int argc, char **argv);

#endif
