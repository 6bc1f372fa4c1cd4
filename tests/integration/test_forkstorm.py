#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A fork storm larger than pid_max in one window (root).

forkstorm forks FORKS children one after another (each names itself
"fs-child", spins 20 us and exits), more than pid_max, so PIDs are reused
within the window. top (live) and record + report top run over it with a
thread table far smaller than the storm (--max-tasks 4096), so exited
children must be folded to make room. Checked against the kernel:

  parent     its row's runtime holds the parent's own sum_exec_runtime at the
             storm's end (/proc/self/schedstat), plus at most its exit tail
  children   the children's rows add up to RUSAGE_CHILDREN (every reaped
             child's runtime), within 1 %
  instances  no row holds two processes: a child row has one thread; a
             reused PID shows as several rows, marked "reused"
  total      the header's total runtime is the sum of the rows
  folds      what was folded is said (lost.folded_threads), nothing untracked

runqlat -L runs over the same storm, live and from the recording: each
child is a histogram of its own (as many as children waited, more than
there are PIDs), those of reused TIDs marked, and no wait lost to a full
table.

trace -e fork,exit runs over the same storm: it must show every fork of the
parent and every child's exit, under their own names though PIDs repeat; the
recording's fork events lie between the storm's forks and the growth of
/proc/stat's "processes" over the recorder's life.
"""

import json
import os
import signal
import subprocess
import tempfile
import time

import sslib

SPIN_US = 20
MAX_TASKS = 4096


def forks_wanted():
    try:
        with open("/proc/sys/kernel/pid_max") as f:
            pid_max = int(f.read())
    except OSError:
        pid_max = 32768
    return pid_max + 8000


def run_storm(forks):
    path = sslib.REPO / "build" / "forkstorm"
    p = subprocess.Popen([str(path), str(forks), str(SPIN_US)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    ready = p.stdout.readline().split()
    p.stdin.write("go\n")
    p.stdin.flush()
    stats = json.loads(p.stdout.readline())
    p.wait(timeout=60)
    return int(ready[1]), stats


def check_trace(tap, trace, stats):
    forks = exits = 0
    for line in trace.stdout:
        if not line.startswith("{"):
            continue
        e = json.loads(line)
        if e["type"] == "fork" and e["pid"] == stats["pid"]:
            forks += 1
        elif e["type"] == "exit" and e["comm"] == "fs-child":
            exits += 1
    lost = [l for l in trace.stderr if l.endswith("events lost")]
    tap.check("trace: nothing lost", lost == ["0 events lost"], "0 events lost", str(lost))
    tap.check("trace: every fork of the parent", forks == stats["forks"],
              str(stats["forks"]), str(forks))
    tap.check("trace: every child's exit", exits == stats["forks"], str(stats["forks"]), str(exits))


def recorded_forks(rec_file):
    r = subprocess.run([str(sslib.schedscope_path()), "report", "-i", rec_file, "info"],
                       capture_output=True, text=True, timeout=120)
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == "fork":
            return int(f[1])
    return None


def check_report(tap, label, rep, stats):
    rows = rep["tasks"]
    lost = rep["lost"]
    parent = [r for r in rows if r["pid"] == stats["pid"] and r["comm"] == "forkstorm"]
    children = [r for r in rows if r["comm"] == "fs-child"]
    child_ns = sum(r["runtime_ns"] for r in children)
    total = sum(r["runtime_ns"] for r in rows if "idle_cpu" not in r)
    if tap.check(f"{label}: one row for the parent", len(parent) == 1,
                 f"pid {stats['pid']}", f"{parent}"):
        got = parent[0]["runtime_ns"]
        tap.check(f"{label}: parent's runtime = its schedstat (+ exit tail)",
                  stats["self_ns"] <= got <= stats["self_ns"] + 20_000_000,
                  f"{got / 1e6:.3f} ms, schedstat {stats['self_ns'] / 1e6:.3f} ms at the end",
                  f"row {got}, schedstat {stats['self_ns']}")
    tap.check(f"{label}: children's rows = RUSAGE_CHILDREN",
              abs(child_ns - stats["children_ns"]) <= 0.01 * stats["children_ns"],
              f"{child_ns / 1e6:.3f} ms vs {stats['children_ns'] / 1e6:.3f} ms over "
              f"{sum(r['threads'] for r in children)} children in {len(children)} rows",
              f"rows {child_ns}, rusage {stats['children_ns']}")
    tap.check(f"{label}: every child counted once",
              sum(r["threads"] for r in children) == stats["forks"],
              f"{stats['forks']}",
              f"{sum(r['threads'] for r in children)} threads in rows, {stats['forks']} forks")
    merged = [r for r in children if r["pid"] and r["threads"] != 1]
    tap.check(f"{label}: no row holds two processes", not merged,
              f"{len(children)} child rows",
              f"{len(merged)} rows with several threads, e.g. {merged[:2]}")
    reused = [r for r in children if r["reused"]]
    tap.check(f"{label}: reused PIDs are rows of their own, marked", bool(reused),
              f"{len(reused)} rows marked", "no row marked reused")
    tap.check(f"{label}: total runtime = sum of rows", rep["total_runtime_ns"] == total,
              f"{total}", f"header {rep['total_runtime_ns']}, rows {total}")
    tap.check(f"{label}: folds said, nothing untracked",
              lost["folded_threads"] > 0 and lost["untracked_threads"] == 0,
              f"{lost['folded_threads']} folded",
              f"lost {lost}")


def check_runqlat(tap, label, rep, forks):
    """Each child instance its own histogram, though TIDs repeat."""
    hists = [h for h in rep["histograms"] if h["comm"] == "fs-child"]
    tids = {h["tid"] for h in hists}
    reused = [h for h in hists if h["reused"]]
    # A child whose only switch-in the kernel did not trace has no wait to show.
    tap.check(f"{label}: a histogram per child, not per TID",
              len(hists) >= forks - sslib.UNTRACED_MAX and len(tids) < len(hists),
              f"{len(hists)} histograms, {len(tids)} TIDs",
              f"{len(hists)} histograms for {forks} children, {len(tids)} TIDs")
    # Marked exactly when another histogram of the report (of any name)
    # has the same TID.
    uses = {}
    for h in rep["histograms"]:
        uses[h["tid"]] = uses.get(h["tid"], 0) + 1
    wrong = [h for h in rep["histograms"] if h["reused"] != (uses[h["tid"]] > 1)]
    tap.check(f"{label}: reused TIDs marked, nothing lost to a full table",
              reused and not wrong and rep["lost"]["thread_table_full"] == 0,
              f"{len(reused)} marked", f"{len(reused)} marked, {len(wrong)} marked wrongly "
              f"(e.g. {wrong[:2]}), lost {rep['lost']}")


def main():
    tap = sslib.Tap()
    if not sslib.require(tap, ["fork storm"]):
        return tap.done()
    forks = forks_wanted()
    tmp = tempfile.mkdtemp(prefix="ssfork-")
    rec_file = os.path.join(tmp, "storm.ssr")
    top = sslib.Tracer(["top", "--json", "-n", "0", "--max-tasks", MAX_TASKS])
    procs0 = sslib.forks_so_far()
    rec = sslib.Tracer(["record", "-o", rec_file, "--buffer", "64"])
    trace = sslib.Tracer(["trace", "-e", "fork,exit", "--json", "--buffer", "64"])
    rq = sslib.Tracer(["runqlat", "-L", "--json"])
    try:
        pid, stats = run_storm(forks)
        time.sleep(0.3)
    finally:
        rc_top = top.stop()
        rc_trace = trace.stop()
        rc_rec = rec.stop()
        rc_rq = rq.stop()
    procs = sslib.forks_so_far() - procs0
    tap.check("storm past pid_max",
              stats["forks"] == forks and rc_top == 0 and rc_rec == 0 and rc_trace == 0
              and rc_rq == 0,
              f"{forks} forks", f"stats {stats}, top rc {rc_top}, record rc {rc_rec}, "
              f"trace rc {rc_trace}, runqlat rc {rc_rq}")
    check_trace(tap, trace, stats)
    rec_forks = recorded_forks(rec_file)
    tap.check("record: every fork (storm <= recorded <= /proc/stat processes)",
              rec_forks is not None and forks <= rec_forks <= procs,
              f"{forks} <= n <= {procs}", str(rec_forks))
    check_report(tap, "top", sslib.one_report(top, "top"), stats)
    r = subprocess.run([str(sslib.schedscope_path()), "report", "-i", rec_file, "top",
                        "--json", "-n", "0", "--max-tasks", str(MAX_TASKS)],
                       capture_output=True, text=True, timeout=120)
    reps = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    if tap.check("report top of the recording", r.returncode == 0 and len(reps) == 1,
                 "1 report", f"rc {r.returncode}: {sslib.one_line(r.stderr)}"):
        if reps[0]["lost"]["events_lost"]:
            tap.note(f"the recording lost {reps[0]['lost']['events_lost']} events")
        check_report(tap, "report top", reps[0], stats)
    check_runqlat(tap, "runqlat -L", sslib.one_report(rq, "runqlat"), forks)
    r = subprocess.run([str(sslib.schedscope_path()), "report", "-i", rec_file, "runqlat",
                        "-L", "--json"], capture_output=True, text=True, timeout=120)
    reps = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    if tap.check("report runqlat -L of the recording", r.returncode == 0 and len(reps) == 1,
                 "1 report", f"rc {r.returncode}: {sslib.one_line(r.stderr)}"):
        check_runqlat(tap, "report runqlat -L", reps[0], forks)
    os.unlink(rec_file)
    os.rmdir(tmp)
    return tap.done()


if __name__ == "__main__":
    main()
