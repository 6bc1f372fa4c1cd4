#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""schedscope trace against the kernel's own accounting (root).

Every count is compared with what the kernel itself says about a workload
that rests (every worker blocked, counters frozen) before the tracer's first
scan and after the window, so the /proc deltas between the two rests are
exactly what the stream must hold:

  pingpong   a pipe ping-pong pair on one CPU, traced with -p -e switch: per
             thread, switches away flagged voluntary / involuntary = the
             growth of voluntary_ctxt_switches / nonvoluntary_ctxt_switches;
             the sum of ran_ns = the growth of its schedstat runtime (both
             are sum_exec_runtime); its last switch-in carries its schedstat
             run_delay and pcount as they end; every event involves the PID
  spin-pair  two busy loops on one CPU: the same, mostly involuntary
  filters    -C: every event on that CPU; -e switch: only switches; -p with
             the default kinds: every event involves the process; -t the
             thread; -c a task of that name
  names      exec and prctl(PR_SET_NAME) seen with -c: new name, old name
  pi         a priority-inheriting mutex: the boost and its end as prio events
  text       the table: a header, one line per event, fields per kind
  signals    SIGINT and SIGTERM end it with status 0 and the closing counts;
             no program it loaded is left behind
  usage      bad -e, --buffer (not a power of two, past 2 GiB), -p, -C, -d: exit 2

Usage: test_trace.py [CASE...]   (all cases by default)
"""

import json
import os
import re
import signal
import subprocess
import sys
import time

import sslib

CPU = 1 if sslib.ncpus() > 1 else 0	# where pinned workloads run
OTHER = [0] if CPU else None		# the tester and tracer stay off it
RUN_S = 0.3

tap = sslib.Tap()


def summary(tracer):
    """(events shown, events lost) from the closing lines on stderr."""
    shown = lost = None
    for line in tracer.stderr or []:
        m = re.match(r"^(\d+) events:", line)
        if m:
            shown = int(m.group(1))
        m = re.match(r"^(\d+) events lost", line)
        if m:
            lost = int(m.group(1))
    return shown, lost


def check_ended(label, tracer, rc):
    shown, lost = summary(tracer)
    tap.check(f"{label}: exit status 0 and the closing counts", rc == 0 and shown is not None
              and lost is not None, f"{shown} events, {lost} lost",
              f"rc={rc}, stderr: {' | '.join(tracer.stderr or [])}")
    return lost


def involves(e, pid):
    if e["type"] == "switch":
        return pid in (e["prev_pid"], e["next_pid"])
    if e["type"] == "fork":
        return pid in (e["pid"], e["child_pid"])
    return e.get("pid") == pid


def rest_to_rest(label, scenario, args):
    with sslib.Workload(scenario, *args) as wl:
        # Exact counts need every event. The stream goes through a pipe to
        # this script, which shares its CPU: a ring for the whole run (a
        # switch is 80 bytes; hundreds of thousands a second here), so that
        # the reader's pace cannot matter. Loss at the default size is
        # bench's business.
        with sslib.Tracer(["trace", "-p", wl.pid, "--json", "-e", "switch",
                           "--buffer", "128"], cpus=OTHER) as tr:
            before, after = wl.run_for(RUN_S)
            rc = tr.stop()
    lost = check_ended(label, tr, rc)
    events = tr.reports()
    tap.check(f"{label}: nothing lost", lost == 0, f"{len(events)} switches",
              f"{lost} events lost: the counts below cannot be exact")
    strays = [e for e in events if not involves(e, wl.pid)]
    tap.check(f"{label}: -p: every event involves the process", events and not strays,
              f"{len(events)} events", f"{len(strays)} of {len(events)} do not, "
              f"e.g. {strays[:1]}")
    others = [e for e in events if e["type"] != "switch"]
    tap.check(f"{label}: -e switch: only switches", not others, "",
              f"{len(others)} others, e.g. {others[:1]}")
    for name, tid in wl.tids.items():
        d = sslib.counters_delta(before[name], after[name])
        outs = [e for e in events if e["prev_tid"] == tid]
        vol = sum(1 for e in outs if e["voluntary"])
        invol = len(outs) - vol
        tap.check(f"{label} {name}: voluntary switches = voluntary_ctxt_switches growth",
                  vol == d["voluntary_switches"], f"{vol}",
                  f"trace {vol}, /proc +{d['voluntary_switches']}")
        tap.check(f"{label} {name}: involuntary switches = nonvoluntary_ctxt_switches growth",
                  invol == d["involuntary_switches"], f"{invol}",
                  f"trace {invol}, /proc +{d['involuntary_switches']}")
        unknown = sum(1 for e in outs if e["ran_ns"] is None)
        ran = sum(e["ran_ns"] or 0 for e in outs)
        tap.check(f"{label} {name}: sum of ran_ns = schedstat runtime growth",
                  unknown == 0 and ran == d["runtime_ns"],
                  f"{ran} ns over {len(outs)} slices",
                  f"trace {ran} ns ({unknown} unknown), /proc +{d['runtime_ns']} ns")
        ins = [e for e in events if e["next_tid"] == tid]
        last = ins[-1] if ins else None
        tap.check(f"{label} {name}: the last switch-in carries the final run_delay and pcount",
                  last is not None and last["next_run_delay_ns"] == after[name]["runq_wait_ns"]
                  and last["next_pcount"] == after[name]["timeslices"],
                  f"run_delay {after[name]['runq_wait_ns']} ns, pcount "
                  f"{after[name]['timeslices']}",
                  f"last switch-in {last and (last['next_run_delay_ns'], last['next_pcount'])}"
                  f", /proc {(after[name]['runq_wait_ns'], after[name]['timeslices'])}")
        states = {e["prev_state"] for e in outs}
        tap.check(f"{label} {name}: states are ftrace's letters",
                  states and states <= {"R", "R+", "S", "D", "I"}, f"{sorted(states)}",
                  f"{sorted(states)}")


def pingpong():
    rest_to_rest("pingpong", "pingpong", [CPU])


def spin_pair():
    rest_to_rest("spin-pair", "spin-pair", [CPU])


def filters():
    with sslib.Workload("pingpong", CPU) as wl:
        wl.run()
        try:
            with sslib.Tracer(["trace", "-C", CPU, "--json", "-d", "0.3"], cpus=OTHER) as on_cpu, \
                 sslib.Tracer(["trace", "-e", "switch", "--json", "-d", "0.3", "-C", CPU],
                              cpus=OTHER) as switches, \
                 sslib.Tracer(["trace", "-p", wl.pid, "--json", "-d", "0.3"],
                              cpus=OTHER) as by_pid, \
                 sslib.Tracer(["trace", "-t", wl.tids["pong"], "--json", "-d", "0.3",
                               "-e", "switch,waking"], cpus=OTHER) as by_tid, \
                 sslib.Tracer(["trace", "-c", "pon", "--json", "-d", "0.3", "-e", "switch"],
                              cpus=OTHER) as by_comm:
                rcs = [t.wait(30) for t in (on_cpu, switches, by_pid, by_tid, by_comm)]
        finally:
            wl.rest()
    for label, t, rc in zip(("-C", "-e switch", "-p default kinds", "-t", "-c"),
                            (on_cpu, switches, by_pid, by_tid, by_comm), rcs):
        check_ended(f"filters {label}", t, rc)
    pong = wl.tids["pong"]
    ev = by_tid.reports()
    strays = [e for e in ev if pong not in (e.get("tid"), e.get("prev_tid"), e.get("next_tid"))]
    tap.check("-t: every event involves the thread", ev and not strays, f"{len(ev)} events",
              f"{len(strays)} of {len(ev)} do not, e.g. {strays[:1]}")
    ev = by_comm.reports()
    strays = [e for e in ev if not ((e["prev_comm"] or "").startswith("pon") or
                                    (e["next_comm"] or "").startswith("pon"))]
    tap.check("-c: every switch has a task of that name", ev and not strays, f"{len(ev)} events",
              f"{len(strays)} of {len(ev)} do not, e.g. {strays[:1]}")
    ev = on_cpu.reports()
    off = [e for e in ev if e["cpu"] != CPU]
    tap.check(f"-C {CPU}: every event on CPU {CPU}", ev and not off,
              f"{len(ev)} events, kinds {sorted({e['type'] for e in ev})}",
              f"{len(off)} of {len(ev)} elsewhere, e.g. {off[:1]}")
    ev = switches.reports()
    kinds = {e["type"] for e in ev}
    tap.check("-e switch: only switches", ev and kinds == {"switch"}, f"{len(ev)} switches",
              f"kinds {sorted(kinds)}")
    ev = by_pid.reports()
    strays = [e for e in ev if not involves(e, wl.pid)]
    kinds = {e["type"] for e in ev}
    tap.check("-p, default kinds: every event involves the process, switches and wakings",
              ev and not strays and {"switch", "waking"} <= kinds,
              f"{len(ev)} events, kinds {sorted(kinds)}",
              f"{len(strays)} strays (e.g. {strays[:1]}), kinds {sorted(kinds)}")
    fields = {"switch": ("prev_comm", "prev_pid", "prev_tid", "prev_prio", "prev_state",
                         "preempt", "voluntary", "ran_ns", "runtime_ns", "nvcsw", "nivcsw",
                         "next_comm", "next_pid", "next_tid", "next_prio",
                         "next_run_delay_ns", "next_pcount"),
              "waking": ("comm", "pid", "tid", "prio", "target_cpu")}
    bad = [e for e in ev if e["type"] in fields and
           not all(k in e for k in ("ts_ns", "cpu") + fields[e["type"]])]
    tap.check("--json: every documented field present", not bad, "", f"e.g. {bad[:1]}")
    names = {e["prev_comm"] for e in ev if e["type"] == "switch" and e["prev_pid"] == wl.pid}
    tap.check("--json: names from the scan", names and names <= {"ping", "pong"},
              f"{sorted(names)}", f"{sorted(names)}")
    ts = [e["ts_ns"] for e in ev]
    tap.check("--json: timestamps never go backwards", ts == sorted(ts), "",
              "out of order")


def names():
    """exec of a child, matched by -c on its new name; prctl(PR_SET_NAME) of a
    process the first scan named."""
    exe_name = f"sstr{os.getpid() % 100000}"
    exe = f"/tmp/{exe_name}"
    subprocess.run(["cp", "/bin/sleep", exe], check=True)
    renamed = f"ssrn{os.getpid() % 100000}"
    py = subprocess.Popen([sys.executable, "-c",
                           "import ctypes, sys; sys.stdin.readline(); "
                           "ctypes.CDLL(None).prctl(15, b'%s', 0, 0, 0)" % renamed],
                          stdin=subprocess.PIPE, text=True)
    try:
        with sslib.Tracer(["trace", "-c", exe_name, "--json", "-e", "exec,exit,rename"],
                          cpus=OTHER) as ex, \
             sslib.Tracer(["trace", "-c", renamed, "--json", "-e", "rename"],
                          cpus=OTHER) as rn:
            child = subprocess.Popen([exe, "0.05"])
            child.wait()
            py.communicate("go\n", timeout=10)
            time.sleep(0.3)
            rcs = (ex.stop(), rn.stop())
    finally:
        os.unlink(exe)
        py.kill()
    check_ended("names exec", ex, rcs[0])
    check_ended("names rename", rn, rcs[1])
    ev = ex.reports()
    execs = [e for e in ev if e["type"] == "exec" and e["tid"] == child.pid]
    exits = [e for e in ev if e["type"] == "exit" and e["tid"] == child.pid]
    renames = [e for e in ev if e["type"] == "rename" and e["tid"] == child.pid]
    tap.check("exec: the new name, the pid", len(execs) == 1 and execs[0]["comm"] == exe_name
              and execs[0]["pid"] == child.pid and execs[0]["old_tid"] == child.pid,
              f"{execs[:1]}", f"exec events {execs}, all {ev}")
    tap.check("exec: renamed first (task_rename)", len(renames) == 1 and
              renames[0]["comm"] == exe_name and execs and renames[0]["ts_ns"] <= execs[0]["ts_ns"],
              "", f"rename events {renames}")
    tap.check("exit: the exec'd task, by its new name", len(exits) == 1 and
              exits[0]["comm"] == exe_name, "", f"exit events {exits}")
    ev = [e for e in rn.reports() if e["tid"] == py.pid]
    tap.check("rename (prctl): new and old name", len(ev) == 1 and ev[0]["comm"] == renamed
              and ev[0]["old_comm"] == os.path.basename(sys.executable)[:15], f"{ev[:1]}", f"{rn.reports()}")


def pi():
    with sslib.Workload("inversion", CPU, "pi", binary="ssprio") as wl:
        low = wl.tids["inv-low"]
        with sslib.Tracer(["trace", "-p", wl.pid, "--json", "-e", "prio"], cpus=OTHER) as tr:
            wl.send("run")
            wl.reply()
            rc = tr.stop()
    check_ended("pi", tr, rc)
    ev = [e for e in tr.reports() if e["tid"] == low]
    up = [e for e in ev if e["new_prio"] < e["prio"]]
    down = [e for e in ev if e["new_prio"] > e["prio"]]
    tap.check("pi: inv-low boosted, then back", up and down and up[0]["ts_ns"] < down[-1]["ts_ns"]
              and down[-1]["new_prio"] == up[0]["prio"],
              f"{up[0]['prio']} -> {up[0]['new_prio']} -> {down[-1]['new_prio']}" if up and down
              else "", f"prio events of inv-low: {ev}")


def text():
    with sslib.Workload("pingpong", CPU) as wl:
        wl.run()
        try:
            with sslib.Tracer(["trace", "-p", wl.pid, "-d", "0.2"], cpus=OTHER) as tr:
                rc = tr.wait(30)
        finally:
            wl.rest()
    check_ended("text", tr, rc)
    lines = tr.stdout or []
    head = lines[0] if lines else ""
    tap.check("text: the header", head.split() [:7] == ["TIME(ms)", "|", "CPU", "|", "EVENT",
                                                       "|", "DETAILS:"], head, repr(head))
    pat = re.compile(r"^\s*\d+\.\d{3} \|\s+\d+ \| (\w+)\s* \| \S+\[\d+/\d+\] -?\d+ (.*)$")
    bad, kinds = [], set()
    for line in lines[1:]:
        m = pat.match(line)
        if not m:
            bad.append(line)
            continue
        kinds.add(m.group(1))
        if m.group(1) == "switch" and not re.match(
                r"^\(\s*(\d+\.\dus|-)\s*\) \S+\s+==> \S+\[\d+/\d+\] -?\d+$", m.group(2)):
            bad.append(line)
    tap.check("text: one line per event, fields per kind", len(lines) > 1 and not bad,
              f"{len(lines) - 1} lines, kinds {sorted(kinds)}", f"e.g. {bad[:2]}")


def signals():
    for sig in (signal.SIGINT, signal.SIGTERM):
        name = signal.Signals(sig).name
        with sslib.Tracer(["trace", "--json"], cpus=OTHER) as tr:
            held = sslib.bpf_prog_ids(tr.proc.pid)
            time.sleep(0.3)
            rc = tr.stop(sig)
        check_ended(f"{name}", tr, rc)
        try:
            tr.reports()
            parsed = True
        except sslib.TracerError as e:
            parsed = str(e)
        tap.check(f"{name}: every stdout line is JSON", parsed is True,
                  f"{len(tr.stdout)} lines", f"{parsed}")
        left = held
        deadline = time.monotonic() + 5
        while left and time.monotonic() < deadline:
            r = sslib.run(["bpftool", "prog", "show", "--json"])
            loaded = {p["id"] for p in json.loads(r.stdout or "[]")}
            left = held & loaded
            if left:
                time.sleep(0.2)
        tap.check(f"{name}: no program of it left loaded", held and not left,
                  f"{len(held)} programs unloaded", f"held {sorted(held)}, left {sorted(left)}")


def usage():
    for args, what in ((["-e", "bogus"], "unknown event kind"),
                       (["--buffer", "3"], "--buffer"),
                       (["--buffer", "4096"], "--buffer"),
                       (["-p", "999999999"], "PID"),
                       (["-C", "4096"], "CPU"),
                       (["-d", "0"], "duration")):
        r = sslib.run([sslib.schedscope_path(), "trace"] + args)
        tap.check(f"trace {' '.join(args)}: exit 2 naming the problem",
                  r.returncode == 2 and what.lower() in r.stderr.lower(),
                  "", f"rc={r.returncode}, stderr {r.stderr.strip()[:200]!r}")


if __name__ == "__main__":
    sslib.run_cases(tap, [
        ("pingpong", pingpong),
        ("spin-pair", spin_pair),
        ("filters", filters),
        ("names", names),
        ("pi", pi),
        ("text", text),
        ("signals", signals),
        ("usage", usage),
    ])
