"""A manifest of N trivial views: usage: views.py N OUT"""
import json
import sys

n = int(sys.argv[1])
nodes = {}
for i in range(n):
    name = f"v{i:04d}"
    nodes[f"model.bench.{name}"] = {
        "resource_type": "model", "unique_id": f"model.bench.{name}", "name": name,
        "package_name": "bench", "original_file_path": f"models/{name}.sql",
        "database": "bench", "schema": "s", "alias": name,
        "relation_name": f'"bench"."s"."{name}"', "config": {"enabled": True, "materialized": "view"},
        "raw_code": f"select {i} as x", "compiled_code": f"select {i} as x",
        "depends_on": {"nodes": []}, "tags": [],
    }
json.dump({"metadata": {"adapter_type": "postgres", "dbt_version": "1.9.1"}, "nodes": nodes},
          open(sys.argv[2], "w"))
