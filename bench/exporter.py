#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Part 9 of `make bench`: the cost of an exporter scrape.

CGROUPS cgroups (default 200) are made under the cgroup v2 mount (found in
/proc/self/mountinfo), each holding one bench/threads.c process of
THREADS/CGROUPS threads (default 10,000 in all, each waking once a second).
`schedscope exporter` is then scraped SCRAPES times (default 20), one a
second, as Prometheus would. Reported: the median and the largest wall time
of a scrape as the client sees it, the exporter's own gather time (its
schedscope_scrape_gather_seconds), its CPU per scrape (utime + stime from
/proc, minus what it used idle over as long), the response's size and
series, and its RSS. The goal of issue 13: under 50 ms a scrape.

Runs alone: `sudo bench/exporter.py [path/to/schedscope]`.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
import sslib  # noqa: E402  (the tests' helpers: cgroup v2 mount, /proc readers)
CGROUPS = int(os.environ.get("CGROUPS", "200"))
THREADS = int(os.environ.get("THREADS", "10000"))
SCRAPES = int(os.environ.get("SCRAPES", "20"))
GOAL_MS = 50


def cpu_ms(pid):
    return sslib.read_pid_stat_cpu_ns(pid) / 1e6


def scrape(url):
    t0 = time.monotonic()
    with urllib.request.urlopen(url, timeout=30) as r:
        body = r.read().decode()
    return (time.monotonic() - t0) * 1e3, body


def start_threads(tmp, root):
    binary = os.path.join(tmp, "threads")
    subprocess.run(["gcc", "-O2", "-Wall", "-pthread", "-o", binary,
                    str(REPO / "bench" / "threads.c")], check=True)
    procs, dirs = [], []
    for i in range(CGROUPS):
        d = os.path.join(root, f"schedscope-bench-{os.getpid()}-{i}")
        os.makedirs(d, exist_ok=True)
        dirs.append(d)
        r, w = os.pipe()
        p = subprocess.Popen(["sh", "-c", f"read _ <&{r}; exec {binary} {THREADS // CGROUPS}"],
                             pass_fds=(r,), stdout=subprocess.PIPE, text=True)
        os.close(r)
        with open(os.path.join(d, "cgroup.procs"), "w") as f:
            f.write(str(p.pid))
        os.write(w, b"go\n")
        os.close(w)
        procs.append(p)
    for p in procs:
        p.stdout.readline()	# "ready N"
    return procs, dirs


def main():
    tool = sys.argv[1] if len(sys.argv) > 1 else str(REPO / "build" / "schedscope")
    root = sslib.cgroup2_mount()
    if os.geteuid() != 0 or not root:
        print("exporter scrape cost: skipped (needs root and a cgroup v2 mount)")
        return 0
    tmp = tempfile.mkdtemp(prefix="schedscope-bench-exp-")
    procs, dirs = start_threads(tmp, root)
    port = sslib.free_port()
    exp = subprocess.Popen([tool, "exporter", "--listen", f"127.0.0.1:{port}"],
                           stderr=subprocess.PIPE, text=True)
    try:
        while "Hit Ctrl-C" not in exp.stderr.readline():
            if exp.poll() is not None:
                print("exporter scrape cost: the exporter did not start")
                return 1
        url = f"http://127.0.0.1:{port}/metrics"
        scrape(url)
        idle0 = cpu_ms(exp.pid)
        time.sleep(SCRAPES)
        idle_ms = cpu_ms(exp.pid) - idle0
        walls, gathers, body = [], [], ""
        c0 = cpu_ms(exp.pid)
        for _ in range(SCRAPES):
            t0 = time.monotonic()
            wall, body = scrape(url)
            walls.append(wall)
            m = re.search(r"^schedscope_scrape_gather_seconds (\S+)$", body, re.M)
            gathers.append(float(m.group(1)) * 1e3 if m else float("nan"))
            time.sleep(max(0.0, 1.0 - (time.monotonic() - t0)))
        per_scrape = (cpu_ms(exp.pid) - c0 - idle_ms) / SCRAPES
        series = sum(1 for line in body.splitlines() if line and not line.startswith("#"))
        med = statistics.median(walls)
        print(f"== schedscope exporter: a scrape with {THREADS} live threads in "
              f"{CGROUPS} cgroups ({SCRAPES} scrapes, one a second) ==")
        print(f"wall per scrape: median {med:.1f} ms, max {max(walls):.1f} ms "
              f"(goal < {GOAL_MS} ms: {'PASS' if med < GOAL_MS else 'FAIL'})")
        print(f"gathered in: median {statistics.median(gathers):.1f} ms "
              f"(schedscope_scrape_gather_seconds)")
        print(f"exporter CPU per scrape: {per_scrape:.1f} ms (idle: {idle_ms / SCRAPES:.1f} ms "
              f"a second, subtracted)")
        print(f"response: {len(body)} bytes, {series} series; "
              f"exporter RSS {sslib.rss_kb(exp.pid)} kB")
    finally:
        exp.terminate()
        exp.wait(20)
        for p in procs:
            p.kill()
            p.wait()
        for d in dirs:
            for _ in range(50):
                try:
                    os.rmdir(d)
                    break
                except OSError:
                    time.sleep(0.1)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
