/* state.h: production state, dbt's --state.
 *
 * stateimport() compares every runnable node's job with the job the
 * production manifest gives for it (rendered the same way, compared as the
 * generator's write-if-changed compares: layout and comments outside
 * strings do not count; a seed also compares dbt's checksum of its file).
 * A node is new when production lacks it, modified when its job differs,
 * downstream when a node it depends on is new or modified: together dbt's
 * state:modified+. Every other node gets its stamp, holding the hash of its
 * job, with mtimes set so that Ninja sees it built: its job a second older
 * than the stamps, all stamps alike. The stamps of state:modified+ are
 * removed, so `ninja deploy` runs exactly those. Nodes production has and
 * this manifest does not are never selected. */
#ifndef STATE_H
#define STATE_H

#include "job.h"
#include "manifest.h"

struct statestats {
	size_t new, modified, downstream, unchanged;
};

/* path: a manifest, or a directory holding manifest.json. Exits 1 on a bad
 * state manifest, naming it. */
void stateimport(const struct manifest *m, const char *path,
    const struct jobopts *o, struct statestats *st);

#endif
