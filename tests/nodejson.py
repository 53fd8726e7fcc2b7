#!/usr/bin/env python3
# nodejson.py OURS DBTS GAPS: every node (enabled and disabled) and every
# exposure of dbt parse's manifest DBTS against the same of OURS
# (target/ninja/manifest.json), field for field and in dbt's key order.
# Prints one line per difference, "GAP ..." for those of a field GAPS
# (comma-separated resource_type:field) names. By nature different, and
# so left out: created_at (the time of each parse, which the reader does
# not write), a seed's root_path (the absolute directory the project was
# read in: the two copies differ), and analyses (not read: none runs).
import json, sys

ours, dbts = (json.load(open(p)) for p in sys.argv[1:3])
gaps = set(g for g in sys.argv[3].split(",") if g) if len(sys.argv) > 3 else set()
SKIP = {"created_at"}


def items(m):
    for sec in ("nodes", "exposures", "sources"):
        for uid, n in m.get(sec, {}).items():
            yield uid, n
    for uid, l in m.get("disabled", {}).items():
        for i, n in enumerate(l):
            yield "%s (disabled %d)" % (uid, i), n


mine = dict(items(ours))
for uid, b in items(dbts):
    rt = b.get("resource_type")
    if rt == "analysis":
        continue
    a = mine.get(uid)
    if a is None:
        print("%s: missing" % uid)
        continue
    skip = SKIP | ({"root_path"} if rt == "seed" else set())
    ka = [k for k in a if k not in skip]
    kb = [k for k in b if k not in skip]
    for k in sorted(set(ka) | set(kb)):
        if json.dumps(a.get(k, "<absent>")) != json.dumps(b.get(k, "<absent>")):
            tag = "GAP " if "%s:%s" % (rt, k) in gaps else ""
            print("%s%s: %s: ours %s, dbt's %s" % (tag, uid, k, json.dumps(a.get(k, "<absent>"))[:200],
                                                 json.dumps(b.get(k, "<absent>"))[:200]))
    if [k for k in ka if k in kb] != [k for k in kb if k in ka]:
        print("%s: key order: ours %s, dbt's %s" % (uid, ",".join(ka), ",".join(kb)))
