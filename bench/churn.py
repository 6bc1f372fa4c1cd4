#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Part 6 of `make bench`: memory and report time under process churn.

For each N in CHURN (default "100000 1000000"), build/forkstorm forks N
short-lived children one after another in one window (PIDs are reused past
pid_max) while, in turn:

  top      `schedscope top -n 20 --json` runs for the whole storm and prints
           one report at the end: its peak RSS, and the time from SIGINT to
           its exit (the report's time);
  record   `schedscope record` captures the storm; then `schedscope report
           -i FILE top -n 20 --json` reads it: the file's size, the
           report's peak RSS and wall time.

Every tool runs as a child of a fresh Python process, so RUSAGE_CHILDREN's
ru_maxrss is that tool's peak alone. The goal (issue: "memory grows with
what is shown, not with how many processes came and went") reads as: peak
RSS at 1,000,000 processes no more than at 100,000 plus the fixed tables'
bound (docs/accounting.md, "Churn").

usage: bench/churn.py [path/to/schedscope]
"""

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPIN_US = 5


def storm(n):
    p = subprocess.Popen([str(REPO / "build" / "forkstorm"), str(n), str(SPIN_US)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    p.stdout.readline()
    t0 = time.monotonic()
    p.stdin.write("go\n")
    p.stdin.flush()
    stats = json.loads(p.stdout.readline())
    p.wait()
    stats["secs"] = time.monotonic() - t0
    return stats


def measured(argv, during=None):
    """Runs argv as the only child of a fresh process: (stdout, secs from
    its stop or start to its exit, peak RSS in KiB, what during returned)."""
    code = r'''
import json, resource, signal, subprocess, sys, time
argv, stop = json.loads(sys.argv[1]), sys.argv[2] == "1"
p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
if stop:
    while "Ctrl-C" not in p.stderr.readline():
        pass
    print("ready", flush=True)
    sys.stdin.readline()
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
else:
    t0 = time.monotonic()
out, _ = p.communicate()
secs = time.monotonic() - t0
print(json.dumps({"secs": secs, "rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "out": out}), flush=True)
'''
    w = subprocess.Popen([sys.executable, "-c", code, json.dumps(argv), "1" if during else "0"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    extra = None
    if during:
        w.stdout.readline()
        extra = during()
        time.sleep(0.3)
        w.stdin.write("stop\n")
        w.stdin.flush()
    res = json.loads(w.stdout.readline())
    w.wait()
    return res, extra


def main():
    ss = sys.argv[1] if len(sys.argv) > 1 else str(REPO / "build" / "schedscope")
    ns = [int(x) for x in os.environ.get("CHURN", "100000 1000000").split()]
    rows = []
    tmp = tempfile.mkdtemp(prefix="sschurn-")
    for n in ns:
        top, st = measured([ss, "top", "-n", "20", "--json"], lambda: storm(n))
        rep = json.loads(top["out"].splitlines()[-1])
        f = os.path.join(tmp, "churn.ssr")
        rec, st2 = measured([ss, "record", "-f", "-o", f, "--buffer", "64"], lambda: storm(n))
        size = os.path.getsize(f)
        rtop, _ = measured([ss, "report", "-i", f, "top", "-n", "20", "--json"])
        rrep = json.loads(rtop["out"].splitlines()[-1])
        os.unlink(f)
        parent = [r for r in rep["tasks"] if r["pid"] == st["pid"] and r["comm"] == "forkstorm"]
        rows.append((n, st["secs"], top["rss_kib"], top["secs"], rep["lost"]["folded_threads"],
                     parent[0]["runtime_ns"] if parent else 0, st["self_ns"], size,
                     rtop["rss_kib"], rtop["secs"], rrep["lost"]["folded_threads"],
                     rec["rss_kib"]))
        print(f"bench: churn {n}: storm {st['secs']:.1f} s, top peak {top['rss_kib']} KiB, "
              f"report {rtop['rss_kib']} KiB", file=sys.stderr)
    os.rmdir(tmp)
    print("\n### Churn: processes in one window (bench/churn.py)\n")
    print("| processes | storm (s) | top peak RSS (MiB) | top final report (s) | folded | "
          "parent: top / schedstat (ms) | record peak RSS (MiB) | file (MB) | "
          "report top peak RSS (MiB) | report top (s) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (n, secs, rss, rsecs, folded, prt, pss, size, rrss, rrsecs, rfolded, recrss) in rows:
        print(f"| {n} | {secs:.1f} | {rss / 1024:.1f} | {rsecs:.2f} | {folded} | "
              f"{prt / 1e6:.1f} / {pss / 1e6:.1f} | {recrss / 1024:.1f} | {size / 1e6:.1f} | "
              f"{rrss / 1024:.1f} | {rrsecs:.2f} |")


if __name__ == "__main__":
    main()
