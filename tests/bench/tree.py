"""A manifest of a table and N views over it, a binary tree (view i reads
view (i-1)//2, the first the table), each adding 1 to x; the first view's
expression is ROOT: usage: tree.py N ROOT OUT"""
import json
import sys

n, root, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
nodes = {}


def node(name, mat, parent, sql):
    nodes[f"model.bench.{name}"] = {
        "resource_type": "model", "unique_id": f"model.bench.{name}", "name": name,
        "package_name": "bench", "original_file_path": f"models/{name}.sql",
        "database": "bench", "schema": "t", "alias": name,
        "relation_name": f'"bench"."t"."{name}"', "config": {"enabled": True, "materialized": mat},
        "raw_code": sql, "compiled_code": sql, "tags": [],
        "depends_on": {"nodes": [f"model.bench.{parent}"] if parent else []},
    }


node("base", "table", None, "select 1 as id, 0 as x")
for i in range(n):
    parent = "base" if i == 0 else f"v{(i - 1) // 2:04d}"
    expr = root if i == 0 else "x + 1"
    node(f"v{i:04d}", "view", parent, f'select id, {expr} as x from "bench"."t"."{parent}"')
json.dump({"metadata": {"adapter_type": "postgres", "dbt_version": "1.9.1"}, "nodes": nodes},
          open(out, "w"))
