"""Samples CPU and memory from /proc while the load test runs.

usage: sample.py OUT.json name=pid[,pid…] … [postgres] [redis-server] [locust]

Every 2 s: each named group's CPU time (utime + stime of its processes)
and proportional memory (PSS: memory shared between processes counted
once); `postgres` and `redis-server` are found by their command name
(every PostgreSQL backend counts). The machine's busy time comes
from /proc/stat. On SIGTERM (or SIGINT) it writes, per 2-second sample,
each group's CPU in percent of one core and PSS in MiB, and the machine's
busy percent of all its cores.
"""

import json
import os
import signal
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def by_name(prefix):
    pids = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/comm") as f:
                    if f.read().strip().startswith(prefix):
                        pids.append(int(p))
            except OSError:
                pass
    return pids


def cpu_and_rss(pids):
    """CPU seconds by process, and the processes' resident MiB together."""
    cpu, rss = {}, 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            cpu[pid] = (int(fields[11]) + int(fields[12])) / TICK
            # Proportional: PostgreSQL's shared buffers counted once.
            with open(f"/proc/{pid}/smaps_rollup") as f:
                rss += next(int(l.split()[1]) for l in f if l.startswith("Pss:")) * 1024
        except (OSError, IndexError, StopIteration):
            # A process that ended, or another user's memory map (run as
            # root, or as the owner of the processes, to see it).
            pass
    return cpu, rss / 2**20


def busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return (sum(v) - idle) / TICK, sum(v) / TICK


def main():
    out = sys.argv[1]
    groups = {}
    for a in sys.argv[2:]:
        if "=" in a:
            name, pids = a.split("=", 1)
            groups[name] = lambda pids=pids: [int(p) for p in pids.split(",")]
        else:
            groups[a] = lambda a=a: by_name(a)
    samples = []
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    last = {g: cpu_and_rss(f())[0] for g, f in groups.items()}
    last_busy, last_all = busy()
    last_t = time.time()
    while not stop:
        time.sleep(2)
        now = time.time()
        b, a = busy()
        s = {"t": round(now, 1), "machine_busy_pct": round(100 * (b - last_busy) / max(a - last_all, 1e-9), 1)}
        for g, f in groups.items():
            cpu, rss = cpu_and_rss(f())
            # A process that came in the interval counts from its start.
            used = sum(c - last[g].get(pid, 0) for pid, c in cpu.items())
            s[g] = {"cpu_pct": round(100 * used / (now - last_t), 1), "rss_mib": round(rss, 1)}
            last[g] = cpu
        samples.append(s)
        last_busy, last_all, last_t = b, a, now
    with open(out, "w") as f:
        json.dump(samples, f)


main()
