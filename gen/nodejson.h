/* nodejson.h: the nodes of a project read here, in the shape dbt parse
 * writes them.
 *
 * The reader builds each node as it goes; this gives every node (models,
 * seeds, snapshots, tests, operations, enabled and disabled) and every
 * exposure the fields dbt-core 1.11's dataclasses give it, in their
 * order, those the reader did not set at their defaults (group null,
 * docs shown, build_path and compiled_path null, doc_blocks, metrics and
 * functions empty, a test's columns empty and contract unenforced), a
 * generic test's test_metadata as name, kwargs, namespace, and what dbt
 * computes at the end of its parse: a model's primary_key (dbt's
 * infer_primary_key, sorted) and the checksum of an enforced contract
 * (build_contract_checksum). A node of a project read here and the same
 * node of dbt parse's manifest are then the same JSON, created_at aside
 * (which the reader does not write) and a seed's root_path (the
 * project's absolute directory). */
#ifndef NODEJSON_H
#define NODEJSON_H

#include <cjson/cJSON.h>

/* Shape doc's nodes, disabled nodes and exposures in place. */
void nodejson(cJSON *doc);

#endif
