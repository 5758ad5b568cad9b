#!/usr/bin/env python3
"""Rows and the table of bench/search/compare.sh (one JSON line per system and thread count).

engine-row: reads `weakpair index`'s summary line (its own time, JVM start-up excluded), the
/usr/bin/time file ("wall_s peak_KiB"), SearchScale's table and the index folder's size.
anchor-row: reads anchors.py's JSON line and its /usr/bin/time file.
table: a Markdown table per system: build, its CPU time (user + sys: the build's cost on a shared
machine, where wall time is mostly waiting for a core; the anchors time their build alone, the
engine's is its index process, JVM start-up and reading the features included),
peak RSS, size, best recall, and at each target
recall the smallest search beam that reaches it with its recall and p50/p95 latency.
"""
import argparse
import json
import os
import re
import sys

TARGETS = (0.98, 0.99)


def peak_mib(time_file):
    """(wall s, peak RSS MiB, CPU s or None) from /usr/bin/time -f "%e %M [%U %S]"."""
    f = open(time_file).read().split()
    if len(f) >= 4 and re.fullmatch(r"[0-9.]+", f[-4]):
        return float(f[-4]), int(f[-3]) / 1024, float(f[-2]) + float(f[-1])
    return float(f[-2]), int(f[-1]) / 1024, None


def engine_row(a):
    text = open(a.log).read()
    m = re.search(r"weakpair index: added (\d+) images .* in ([0-9.]+) s \(([0-9.]+) s adding, ([0-9.]+) s committing", text)
    if not m:
        sys.exit(f"compare_table: no summary line in {a.log}")
    wall, peak, cpu = peak_mib(a.time)
    rows = []
    for line in open(a.search):
        f = line.split()
        if len(f) == 4 and re.fullmatch(r"\d+", f[0]):
            rows.append({"ef": int(f[0]), "p50_ms": float(f[1]), "p95_ms": float(f[2]), "recall": float(f[3])})
    size = sum(os.path.getsize(os.path.join(a.index, x)) for x in os.listdir(a.index))
    return {"system": a.name, "threads": a.threads, "build_s": float(m.group(2)), "add_s": float(m.group(3)),
            "merge_s": float(m.group(4)), "process_wall_s": wall, "process_cpu_s": cpu, "peak_rss_mib": peak, "size_bytes": size, "search": rows}


def anchor_row(a):
    r = json.loads(open(a.json).read().strip().splitlines()[-1])
    wall, peak, cpu = peak_mib(a.time)
    r["system"] = a.name
    r["process_wall_s"] = wall
    r["process_cpu_s"] = cpu
    r["peak_rss_mib"] = peak
    return r


def table(a):
    rows = [json.loads(x) for x in open(a.results) if x.strip()]
    head = "| system | build s | build CPU s | peak RSS MiB | index MiB | best recall@10 (beam) |"
    sep = "|---|---|---|---|---|---|"
    for t in TARGETS:
        head += f" at {t}: beam, recall, p50 / p95 ms |"
        sep += "---|"
    print(head)
    print(sep)
    for r in rows:
        best = max(r["search"], key=lambda s: (s["recall"], -s["ef"]))
        c = r.get("build_cpu_s", r.get("process_cpu_s"))
        cpu = "-" if c is None else f"{c:.0f}"
        line = f"| {r['system']} | {r['build_s']:.1f} | {cpu} | {r['peak_rss_mib']:.0f} | {r['size_bytes'] / 2**20:.1f} | {best['recall']:.4f} ({best['ef']}) |"
        for t in TARGETS:
            hit = next((s for s in sorted(r["search"], key=lambda s: s["ef"]) if s["recall"] >= t), None)
            line += " not reached |" if hit is None else f" {hit['ef']}, {hit['recall']:.4f}, {hit['p50_ms']:.2f} / {hit['p95_ms']:.2f} |"
        print(line)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("engine-row")
    for o in ("--name", "--log", "--time", "--search", "--index"):
        e.add_argument(o, required=True)
    e.add_argument("--threads", type=int, required=True)
    n = sub.add_parser("anchor-row")
    for o in ("--name", "--json", "--time"):
        n.add_argument(o, required=True)
    t = sub.add_parser("table")
    t.add_argument("--results", required=True)
    a = p.parse_args()
    if a.cmd == "engine-row":
        print(json.dumps(engine_row(a)))
    elif a.cmd == "anchor-row":
        print(json.dumps(anchor_row(a)))
    else:
        table(a)


if __name__ == "__main__":
    main()
