"""Write a synthetic dbt v12 manifest of N models (and one test each),
shaped like dbt's own: every field dbt writes for a node, layered DAG.

usage: synth.py N OUT [CHANGED [MACROS [PROJECT]]]   the last CHANGED
models get a different body. With MACROS (a manifest of the same dbt, whose
macros are taken), the manifest is as dbt parse writes it: no compiled code,
models that use ref, source, config, is_incremental and a macro of the
project's, and generic tests; dbt2ninja renders them. With PROJECT too, the
same project is also written there as files: dbt_project.yml, profiles.yml,
a model file each under models/marts/layerK/, a properties file per layer
(columns with descriptions, a not_null test on id), the source's and the
macro's file."""
import os
import json
import random
import sys

n = int(sys.argv[1])
out = sys.argv[2]
changed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
macros = json.load(open(sys.argv[4]))["macros"] if len(sys.argv) > 4 else None
rnd = random.Random(42)
nodes = {}


def config(mat):
    return {"enabled": True, "alias": None, "schema": None, "database": None, "tags": [],
            "meta": {}, "group": None, "materialized": mat, "incremental_strategy": None,
            "batch_size": None, "lookback": 1, "begin": None, "persist_docs": {},
            "post-hook": [], "pre-hook": [], "quoting": {}, "column_types": {},
            "full_refresh": None, "unique_key": None, "on_schema_change": "ignore",
            "on_configuration_change": "apply", "grants": {}, "packages": [],
            "docs": {"show": True, "node_color": None},
            "contract": {"enforced": False, "alias_types": True}, "event_time": None,
            "concurrent_batches": None, "access": "protected"}


for i in range(n):
    name = f"m{i:06d}"
    uid = f"model.bench.{name}"
    parents = sorted({f"model.bench.m{rnd.randrange(i):06d}" for _ in range(rnd.randint(1, 3))}) if i >= 50 else []
    refs = " join ".join(f'"bench"."analytics"."{p.split(".")[-1]}"' for p in parents) or '"bench"."raw"."events"'
    if not parents:
        parents = ["source.bench.raw.events"]
    body = f"select id, amount * {i % 7 + 1} as amount, updated_at\nfrom {refs}\nwhere amount > 0"
    if i >= n - changed:
        body += f"\n  and id <> {i}"
    mat = "table" if i % 10 == 0 else "incremental" if i % 10 == 1 else "view"
    cols = {c: {"name": c, "description": f"The {c} of {name}.", "meta": {}, "data_type": None,
                "constraints": [], "quote": None, "tags": [], "granularity": None}
            for c in ("id", "amount", "updated_at")}
    nodes[uid] = {
        "database": "bench", "schema": "analytics", "name": name, "resource_type": "model",
        "package_name": "bench", "path": f"marts/{name}.sql",
        "original_file_path": f"models/marts/layer{i // 1000}/{name}.sql", "unique_id": uid,
        "fqn": ["bench", "marts", f"layer{i // 1000}", name], "alias": name,
        "checksum": {"name": "sha256", "checksum": f"{rnd.getrandbits(256):064x}"},
        "config": config(mat), "tags": [f"layer{i // 1000}"],
        "description": f"Model {name}, synthetic.", "columns": cols, "meta": {}, "group": None,
        "docs": {"show": True, "node_color": None}, "patch_path": "bench://models/schema.yml",
        "build_path": None, "unrendered_config": {"materialized": mat}, "created_at": 1700000000.0 + i,
        "relation_name": f'"bench"."analytics"."{name}"',
        "raw_code": body.replace('"bench"."raw"."events"', "{{ source('raw', 'events') }}")
        .replace('"bench"."analytics"."', "{{ ref('").replace('"', "') }}"),
        "doc_blocks": [], "language": "sql",
        "refs": [{"name": p.split(".")[-1], "package": None, "version": None} for p in parents],
        "sources": [], "metrics": [], "functions": [],
        "depends_on": {"macros": ["macro.dbt.is_incremental"], "nodes": parents},
        "compiled_path": f"target/compiled/bench/models/marts/{name}.sql",
        "compiled": True, "compiled_code": body, "extra_ctes_injected": True, "extra_ctes": [],
        "contract": {"enforced": False, "alias_types": True, "checksum": None},
        "access": "protected", "constraints": [], "version": None, "latest_version": None,
        "deprecation_date": None, "primary_key": ["id"], "time_spine": None,
    }
    tid = f"test.bench.not_null_{name}_id.{rnd.getrandbits(40):010x}"
    tc = config("test")
    tc.update({"severity": "ERROR", "warn_if": "!= 0", "error_if": "!= 0", "fail_calc": "count(*)",
               "store_failures": None, "store_failures_as": None, "where": None, "limit": None,
               "schema": "dbt_test__audit"})
    nodes[tid] = {
        "database": "bench", "schema": "analytics_dbt_test__audit", "name": f"not_null_{name}_id",
        "resource_type": "test", "package_name": "bench", "path": f"not_null_{name}_id.sql",
        "original_file_path": "models/schema.yml", "unique_id": tid,
        "fqn": ["bench", "marts", f"not_null_{name}_id"], "alias": f"not_null_{name}_id",
        "checksum": {"name": "none", "checksum": ""}, "config": tc, "tags": [], "description": "",
        "columns": {}, "meta": {}, "group": None, "docs": {"show": True, "node_color": None},
        "patch_path": None, "build_path": None, "unrendered_config": {}, "created_at": 1700000000.0,
        "relation_name": None, "raw_code": "{{ test_not_null(**_dbt_generic_test_kwargs) }}",
        "doc_blocks": [], "language": "sql",
        "refs": [{"name": name, "package": None, "version": None}], "sources": [], "metrics": [],
        "functions": [], "depends_on": {"macros": ["macro.dbt.test_not_null"], "nodes": [uid]},
        "compiled_path": None, "compiled": True,
        "compiled_code": f'\n\n\nselect id\nfrom "bench"."analytics"."{name}"\nwhere id is null\n\n\n',
        "extra_ctes_injected": True, "extra_ctes": [],
        "contract": {"enforced": False, "alias_types": True, "checksum": None},
        "column_name": "id", "file_key_name": "models.m", "attached_node": uid,
        "test_metadata": {"name": "not_null", "kwargs": {"column_name": "id", "model": "{{ get_where_subquery(ref('" + name + "')) }}"}, "namespace": None},
    }

manifest = {
    "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json",
                 "dbt_version": "1.9.1", "generated_at": "2026-01-01T00:00:00Z",
                 "invocation_id": "00000000-0000-0000-0000-000000000000", "env": {},
                 "project_name": "bench", "adapter_type": "postgres"},
    "nodes": nodes,
    "sources": {"source.bench.raw.events": {
        "database": "bench", "schema": "raw", "name": "events", "resource_type": "source",
        "package_name": "bench", "path": "models/sources.yml",
        "original_file_path": "models/sources.yml", "unique_id": "source.bench.raw.events",
        "fqn": ["bench", "raw", "events"], "source_name": "raw", "source_description": "",
        "loader": "", "identifier": "events", "quoting": {}, "loaded_at_field": None,
        "freshness": {"warn_after": {"count": None, "period": None},
                      "error_after": {"count": None, "period": None}, "filter": None},
        "external": None, "description": "", "columns": {}, "meta": {}, "source_meta": {},
        "tags": [], "config": {"enabled": True, "event_time": None}, "patch_path": None,
        "unrendered_config": {}, "relation_name": '"bench"."raw"."events"',
        "created_at": 1700000000.0, "unrendered_database": None, "unrendered_schema": None,
        "doc_blocks": []}},
    "macros": {}, "docs": {}, "exposures": {}, "metrics": {}, "groups": {}, "selectors": {},
    "disabled": {}, "parent_map": {k: v["depends_on"]["nodes"] for k, v in nodes.items()},
    "child_map": {}, "group_map": {}, "saved_queries": {}, "semantic_models": {},
    "unit_tests": {}, "functions": {},
}
if macros is not None:
    for uid, nd in nodes.items():
        nd.pop("compiled_code")
        nd["compiled"] = False
        if nd["resource_type"] == "model":
            i = int(nd["name"][1:])
            mat = nd["config"]["materialized"]
            nd["raw_code"] = ("{{ config(materialized='%s') }}\n" % mat +
                nd["raw_code"].replace("amount * ", "{{ scaled('amount', ") .replace(" as amount", ") }} as amount", 1) +
                ("\n{% if is_incremental() %}\n  and updated_at > (select max(updated_at) from {{ this }})\n{% endif %}"
                 if mat == "incremental" else ""))
            nd["depends_on"]["macros"] = ["macro.bench.scaled", "macro.dbt.is_incremental"]
    macros = {k: v for k, v in macros.items() if v["package_name"] in ("dbt", "dbt_postgres")}
    macros["macro.bench.scaled"] = {
        "name": "scaled", "resource_type": "macro", "package_name": "bench",
        "path": "macros/scaled.sql", "original_file_path": "macros/scaled.sql",
        "unique_id": "macro.bench.scaled",
        "macro_sql": "{% macro scaled(col, k) %}{{ col }} * {{ k }}{% endmacro %}",
        "depends_on": {"macros": []}, "description": "", "meta": {}, "docs": {"show": True},
        "patch_path": None, "arguments": [], "created_at": 1700000000.0, "supported_languages": None}
    manifest["macros"] = macros
# on one line, as dbt writes its manifest
with open(out, "w") as f:
    json.dump(manifest, f)

if len(sys.argv) > 5:
    d = sys.argv[5]
    os.makedirs(f"{d}/macros", exist_ok=True)
    with open(f"{d}/dbt_project.yml", "w") as f:
        f.write("name: bench\nversion: \"1.0\"\nconfig-version: 2\nprofile: bench\n"
                "model-paths: [\"models\"]\nmacro-paths: [\"macros\"]\n"
                "models:\n  bench:\n    +materialized: view\n")
    with open(f"{d}/profiles.yml", "w") as f:
        f.write("bench:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n"
                "      host: localhost\n      port: 5432\n      user: bench\n"
                "      password: \"\"\n      dbname: bench\n      schema: analytics\n"
                "      threads: 4\n")
    with open(f"{d}/macros/scaled.sql", "w") as f:
        f.write(macros["macro.bench.scaled"]["macro_sql"] + "\n")
    os.makedirs(f"{d}/models", exist_ok=True)
    with open(f"{d}/models/sources.yml", "w") as f:
        f.write("version: 2\n\nsources:\n  - name: raw\n    schema: raw\n    tables:\n"
                "      - name: events\n")
    layers = {}
    for uid, nd in nodes.items():
        if nd["resource_type"] != "model":
            continue
        path = f"{d}/{nd['original_file_path']}"
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(nd["raw_code"] + "\n")
        layers.setdefault(os.path.dirname(path), []).append(nd)
    for dirpath, models in layers.items():
        with open(f"{dirpath}/_{os.path.basename(dirpath)}.yml", "w") as f:
            f.write("version: 2\n\nmodels:\n")
            for nd in models:
                f.write(f"  - name: {nd['name']}\n    description: {nd['description']}\n"
                        "    columns:\n")
                for c in nd["columns"].values():
                    f.write(f"      - name: {c['name']}\n        description: {c['description']}\n")
                    if c["name"] == "id":
                        f.write("        data_tests:\n          - not_null\n")
