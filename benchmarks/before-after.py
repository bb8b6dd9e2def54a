#!/usr/bin/env python3
"""Reads the output of before-after.sh and prints a Markdown table: per case, the median and the best of every measured
1 s iteration of every round, for each side, and after/before. Medians and best iterations, not means: on a shared
machine another process's burst lowers some iterations a lot and none raises one."""
import glob
import json
import os
import statistics
import sys

out = sys.argv[1]


def iterations(side):
    cases = {}
    for f in sorted(glob.glob(os.path.join(out, f"decision-{side}-*.json"))):
        try:
            runs = json.load(open(f))
        except ValueError:  # a run still going
            continue
        for b in runs:
            p = b["params"]
            key = (p["limiter"], p["path"], p["users"])
            raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
            alloc = b.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
            c = cases.setdefault(key, {"ops": [], "alloc": []})
            c["ops"] += raw
            if alloc is not None:
                c["alloc"].append(alloc)
    return cases


def m(x):
    return f"{x / 1e6:.2f} M/s"


before, after = iterations("before"), iterations("after")
print("| limiter | path | users | before median (best) | after median (best) | after/before (median) | B/op before / after | iterations |")
print("|---|---|---|---|---|---|---|---|")
for key in sorted(set(before) | set(after), key=lambda k: (k[0] != "quotaware", k[0], k[1] != "SUCCESS", int(k[2]))):
    b, a = before.get(key), after.get(key)
    cell = lambda c: f"{m(statistics.median(c['ops']))} ({m(max(c['ops']))})" if c else "-"
    ratio = f"{statistics.median(a['ops']) / statistics.median(b['ops']):.2f}" if a and b else "-"
    alloc = lambda c: f"{statistics.mean(c['alloc']):.0f}" if c and c["alloc"] else "-"
    n = f"{len(b['ops']) if b else 0} / {len(a['ops']) if a else 0}"
    print(f"| {key[0]} | {key[1].lower()} | {int(key[2]):,} | {cell(b)} | {cell(a)} | {ratio} | {alloc(b)} / {alloc(a)} | {n} |")

print()
for side in ("before", "after"):
    for f in sorted(glob.glob(os.path.join(out, f"memory-{side}-*.json"))):
        try:
            d = json.load(open(f))
        except ValueError:
            continue
        parts = []
        for k in ("quotaware", "quotaware-6w", "bucket4j-1", "hazelcast/quotaware-slot"):
            if k in d:
                v = d[k]
                s = f"{k}: {v['heapBytesPerUser']} heap B/user"
                if "stateBytes" in v:
                    s += f", state {v['stateBytes']} B"
                if "ownedEntryBytesPerUser" in v:
                    s += f", owned entry {v['ownedEntryBytesPerUser']} B"
                parts.append(s)
        print(f"- {os.path.basename(f)}: " + "; ".join(parts))
    for f in sorted(glob.glob(os.path.join(out, f"marginal-{side}-*.json"))):
        try:
            d = json.load(open(f))
        except ValueError:
            continue
        print(f"- {os.path.basename(f)}: {d['limiter']}: {d['heapBytesPerUser']} heap B per user at the margin "
              f"({d['users']} users added to 1 000)")
