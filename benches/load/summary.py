"""The load test's tables: per step, each operation's rate, p50, p99 and
errors; and each process's CPU (percent of one core; the machine has
`nproc` cores) and memory (PSS), with PostgreSQL's share of the CPU used.

usage: summary.py steps.json samples.json
"""

import json
import os
import sys

steps = json.load(open(sys.argv[1]))
samples = json.load(open(sys.argv[2]))
cores = os.cpu_count() or 1
groups = ["node1", "node2", "postgres", "redis-server", "s3", "locust"]

print(f"machine: {cores} cores\n")
print("| users | process | CPU % of a core (mean) | memory (PSS) MiB, max |")
print("|---|---|---|---|")
for st in steps:
    # The step's samples, its first 20 s left out (users still arriving).
    inside = [s for s in samples if st["start"] + 20 <= s["t"] < st["start"] + st["secs"]]
    if not inside:
        continue
    used = 0.0
    for g in groups:
        cpu = sum(s[g]["cpu_pct"] for s in inside) / len(inside)
        rss = max(s[g]["rss_mib"] for s in inside)
        used += cpu
        print(f"| {st['users']} | {g} | {cpu:.0f} | {rss:.0f} |")
    busy = sum(s["machine_busy_pct"] for s in inside) / len(inside)
    pg = sum(s["postgres"]["cpu_pct"] for s in inside) / len(inside)
    print(f"| {st['users']} | machine busy, % of all {cores} cores | {busy:.0f} | |")
    print(f"| {st['users']} | PostgreSQL's share of the CPU used | {100 * pg / max(busy * cores, 1e-9):.0f} % | |")
print()
for st in steps:
    print(f"**{st['users']} users** ({st['secs']} s)\n")
    print("| operation | rate /s | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|")
    for name, o in st["ops"].items():
        p50 = "" if o["p50_ms"] is None else f"{o['p50_ms']:.0f}"
        p99 = "" if o["p99_ms"] is None else f"{o['p99_ms']:.0f}"
        print(f"| {name} | {o['rate']} | {p50} | {p99} | {o['errors']} |")
    print()
