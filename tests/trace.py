# trace.py FILE: check that FILE is trace-event JSON as Perfetto and
# chrome://tracing read it (the object form: traceEvents, each event's ph,
# and for complete events ts, dur, pid and tid), that no two events of a
# lane overlap, and print each complete event, in file order, as
#	NAME TS DUR TID CAT STATUS FROM
# Exit 1, saying why, when it is not.
import json
import sys

def main(path):
    try:
        t = json.load(open(path))
    except ValueError as e:
        sys.exit("not JSON: %s" % e)
    if not isinstance(t, dict) or not isinstance(t.get("traceEvents"), list):
        sys.exit("no traceEvents list")
    lanes, named, out = {}, set(), []
    for i, e in enumerate(t["traceEvents"]):
        ph = e.get("ph")
        if not isinstance(e.get("name"), str) or not e["name"]:
            sys.exit("event %d: no name" % i)
        for k in ("pid", "tid"):
            if not isinstance(e.get(k), int) or e[k] < 0:
                sys.exit("event %d: %s is not a whole number" % (i, k))
        if ph == "M":
            if e["name"] not in ("process_name", "thread_name"):
                sys.exit("event %d: unknown metadata %s" % (i, e["name"]))
            if not isinstance(e.get("args", {}).get("name"), str):
                sys.exit("event %d: metadata without args.name" % i)
            if e["name"] == "thread_name":
                named.add(e["tid"])
        elif ph == "X":
            for k in ("ts", "dur"):
                if not isinstance(e.get(k), int) or e[k] < 0:
                    sys.exit("event %d: %s is not a whole number of microseconds" % (i, k))
            if not isinstance(e.get("cat"), str):
                sys.exit("event %d: no cat" % i)
            if e["tid"] < 1:
                sys.exit("event %d: tid %d is no lane" % (i, e["tid"]))
            lanes.setdefault(e["tid"], []).append((e["ts"], e["ts"] + e["dur"], e["name"]))
            a = e.get("args", {})
            out.append("%s %d %d %d %s %s %s" % (e["name"], e["ts"], e["dur"], e["tid"],
                e["cat"], a.get("status", "-"), a.get("from", "log")))
        else:
            sys.exit("event %d: ph %r is not M or X" % (i, ph))
    for tid, spans in lanes.items():
        if tid not in named:
            sys.exit("lane %d has no thread_name" % tid)
        spans.sort()
        for a, b in zip(spans, spans[1:]):
            if b[0] < a[1]:
                sys.exit("lane %d: %s and %s overlap" % (tid, a[2], b[2]))
    for line in out:
        print(line)

main(sys.argv[1])
