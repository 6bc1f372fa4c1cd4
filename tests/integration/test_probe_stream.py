#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The DTrace sched probes as a stream: trace -e and record -e (root).

Against the kernel's own counters of a thread whose counters do not move
outside a phase (ssload's rest protocol), and against count, which fires
the same probes from the same hooks:

  sleeper   trace -e on-cpu,off-cpu,sleep,preempt,enqueue,dequeue,wakeup
            -t TID: off-cpu = nvcsw + nivcsw growth, sleep = nvcsw,
            preempt = nivcsw, on-cpu = pcount growth but for the switches
            the kernel hid (trace's closing line bounds them), and each
            probe's stream count = count -e's over the same phase; every
            off-cpu names the next thread, every event the sleeper
  yielder   the same three ways at once, with remain-cpu, surrender, tick
            and load-change: trace = count = record's file (report info,
            export's instants), and remain-cpu <= sched_yield() calls <=
            remain-cpu + nivcsw
  prio      setpriority() and sched_setscheduler() on the sleeper while
            traced: change-pri events with the old and new priorities, in
            the order made (120 -> 125 -> 89 -> 120)
  errors    an unknown probe exits 2 naming the probes; a recording with
            probes is version 2, and without them still version 1

Usage: test_probe_stream.py [CASE...]
"""

import json
import os
import re
import sys
import tempfile
import time

import sslib

# count takes probes only; trace's bare "wakeup" is the event kind, its probe sched:::wakeup.
SWITCH_PROBES = "on-cpu,off-cpu,sleep,preempt,enqueue,dequeue,wakeup"
SWITCH_STREAM = SWITCH_PROBES.replace("wakeup", "sched:::wakeup")
YIELD_PROBES = "on-cpu,off-cpu,preempt,remain-cpu,surrender,tick,load-change"
UNTRACED = re.compile(r"^(\d+) switches the kernel counted but its tracepoint never showed")


def untraced(tracer):
    """The hidden switches trace's closing counts give, 0 if none said."""
    for line in tracer.stderr or []:
        m = UNTRACED.match(line)
        if m:
            return int(m.group(1))
    return 0


def stream_counts(events, tid):
    """Probe events per probe, and how many were about another thread."""
    counts, others = {}, 0
    for e in events:
        if e.get("type") != "probe":
            continue
        counts[e["probe"]] = counts.get(e["probe"], 0) + 1
        if e["tid"] != tid:
            others += 1
    return counts, others


def count_totals(tracer):
    """count's rows summed per probe over every interval."""
    sums = {}
    for rep in tracer.reports("count"):
        for row in rep["rows"]:
            sums[row["probe"]] = sums.get(row["probe"], 0) + row["count"]
    return sums


def check_sleeper(tap):
    with sslib.Workload("sleeper") as wl:
        tid = wl.tids["sleeper"]
        tr = sslib.Tracer(["trace", "-e", SWITCH_STREAM, "-t", tid, "--json"])
        cnt = sslib.Tracer(["count", "-e", SWITCH_PROBES, "-t", tid, "--json", "0.5"])
        before, after = wl.run_for(1.0)
        time.sleep(0.2)
        rc = tr.stop()
        cnt.stop()
    d = sslib.counters_delta(before["sleeper"], after["sleeper"])
    events = tr.reports()
    c, others = stream_counts(events, tid)
    vol, invol, pcount = d["voluntary_switches"], d["involuntary_switches"], d["timeslices"]
    tap.check("trace -e: exit 0, every probe event about the thread asked for",
              rc == 0 and c and others == 0, f"{sum(c.values())} events",
              f"rc {rc}, {others} about others, {c}")
    tap.check("trace -e: off-cpu = nvcsw + nivcsw growth", c.get("off-cpu", 0) == vol + invol,
              f"{vol + invol}", str(c))
    tap.check("trace -e: sleep = nvcsw growth, preempt = nivcsw growth",
              c.get("sleep", 0) == vol and c.get("preempt", 0) == invol,
              f"{vol}, {invol}", str(c))
    hidden, shown = pcount - c.get("on-cpu", 0), untraced(tr)
    tap.check("trace -e: on-cpu = pcount growth, less the switch-ins the kernel hid",
              0 <= hidden <= shown, f"pcount +{pcount}, on-cpu {c.get('on-cpu', 0)}, "
              f"untraced {shown}", f"{c}; untraced {shown}")
    offs = [e for e in events if e.get("probe") == "off-cpu"]
    tap.check("trace -e: every off-cpu names the thread that runs next",
              offs and all(e["next_tid"] != tid and "next_comm" in e for e in offs),
              f"{len(offs)} off-cpu", str(offs[:2]))
    n = count_totals(cnt)
    tap.check("trace -e: each probe's events = count -e's over the phase", n == c,
              str(c), f"stream {c}, count {n}")


def report_probes(path):
    """report info's probe lines: {probe: count}."""
    r = sslib.run([sslib.schedscope_path(), "report", "-i", path, "info"])
    out = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^\s+sched:::(\S+)\s+(\d+)$", line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return r, out


def export_probes(path, tid):
    """export's chrome-json instants about tid: {probe: count}."""
    r = sslib.run([sslib.schedscope_path(), "export", "-i", path, "--format", "chrome-json",
                   "-o", "-"])
    out = {}
    if r.returncode == 0:
        for ev in json.loads(r.stdout)["traceEvents"]:
            if ev.get("ph") == "i" and ev["args"]["tid"] == tid:
                out[ev["name"]] = out.get(ev["name"], 0) + 1
    return r, out


def check_yielder(tap, tmp):
    cpu = 1 if sslib.ncpus() > 1 else 0
    path = os.path.join(tmp, "yield.ssr")
    with sslib.Workload("yielder", cpu) as wl:
        tid = wl.tids["yielder"]
        # A million events a second, printed as JSON by a tracer that shares
        # its CPU with two more and this reader: the default 16 MiB ring has
        # overflowed here (25,679 events reported lost of 508,570), and this
        # phase is about each event's probe, not the reader's pace.
        tr = sslib.Tracer(["trace", "-e", YIELD_PROBES, "-t", tid, "--json", "--buffer", "64"],
                          cpus=[0])
        cnt = sslib.Tracer(["count", "-e", YIELD_PROBES, "-t", tid, "--json", "0.5"], cpus=[0])
        rec = sslib.Tracer(["record", "-o", path, "-e", YIELD_PROBES, "-t", tid], cpus=[0])
        s0 = wl.stats()
        before, after = wl.run_for(0.5)
        s1 = wl.stats()
        time.sleep(0.2)
        rc = tr.stop()
        cnt.stop()
        rrc = rec.stop()
    d = sslib.counters_delta(before["yielder"], after["yielder"])
    c, others = stream_counts(tr.reports(), tid)
    n = count_totals(cnt)
    calls, invol = s1["yields"] - s0["yields"], d["involuntary_switches"]
    remain = c.get("remain-cpu", 0)
    tap.check("trace -e remain-cpu: sched_yield() calls that kept the CPU",
              rc == 0 and others == 0 and calls > 1000 and remain <= calls <= remain + invol,
              f"{calls} calls: remain-cpu {remain}, nivcsw +{invol}", f"rc {rc}, {c}")
    tap.check("trace -e: yielder's preempt = nivcsw growth", c.get("preempt", 0) == invol,
              f"{invol}", str(c))
    tap.check("trace -e: each probe's events = count -e's (remain-cpu, surrender, tick, "
              "load-change)", n == c, str(c), f"stream {c}, count {n}")
    r, info = report_probes(path)
    tap.check("record -e: report info gives the live stream's counts per probe",
              rrc == 0 and r.returncode == 0 and info == c, str(info),
              f"rc {rrc}/{r.returncode}: file {info}, live {c}; {sslib.one_line(r.stderr)}")
    r, inst = export_probes(path, tid)
    tap.check("record -e: export chrome-json has an instant per probe event",
              r.returncode == 0 and inst == c, str(inst),
              f"rc {r.returncode}: {inst}, live {c}; {sslib.one_line(r.stderr)}")


def check_prio(tap):
    with sslib.Workload("sleeper") as wl:
        tid = wl.tids["sleeper"]
        tr = sslib.Tracer(["trace", "-e", "change-pri,sched:::wakeup", "-t", tid, "--json"])
        wl.run()
        # A change shows at the thread's next switch-out, against the last one
        # traced: the first switch-outs come before the first change.
        time.sleep(0.1)
        for step in ("nice", "fifo", "back"):
            if step == "nice":
                os.setpriority(os.PRIO_PROCESS, tid, 5)
            elif step == "fifo":
                os.sched_setscheduler(tid, os.SCHED_FIFO, os.sched_param(10))
            else:
                os.sched_setscheduler(tid, os.SCHED_OTHER, os.sched_param(0))
                os.setpriority(os.PRIO_PROCESS, tid, 0)
            time.sleep(0.1)
        wl.rest()
        time.sleep(0.2)
        rc = tr.stop()
    events = tr.reports("probe")
    got = [(e["prio"], e["new_prio"]) for e in events if e["probe"] == "change-pri"]
    want = [(120, 125), (125, 89), (89, 120)]
    tap.check("trace -e change-pri: old and new priority of setpriority() and "
              "sched_setscheduler()", rc == 0 and got == want, str(want), f"rc {rc}: {got}")
    wakes = [e for e in events if e["probe"] == "wakeup"]
    tap.check("trace -e sched:::wakeup: the probe, apart from the wakeup kind",
              wakes and all("target_cpu" not in e and "probe_cpu" in e for e in wakes),
              f"{len(wakes)} wakeups", str(wakes[:2]))


def check_errors(tap, tmp):
    bin_ = sslib.schedscope_path()
    for args in (["trace", "-e", "oncpu"], ["record", "-o", os.path.join(tmp, "x.ssr"), "-e",
                                            "on-cpu,sched:::bogus"]):
        r = sslib.run([bin_] + args)
        tap.check(f"{' '.join(args[:1] + args[-2:])}: exit 2, names the bad one",
                  r.returncode == 2 and "unknown event kind" in r.stderr, "",
                  f"rc {r.returncode}: {sslib.one_line(r.stderr)}")
    for probes, version in (("on-cpu", 2), ("switch", 1)):
        path = os.path.join(tmp, f"v{version}.ssr")
        r = sslib.run([bin_, "record", "-o", path, "-e", probes, "-d", "0.2"])
        info = sslib.run([bin_, "report", "-i", path, "info"])
        tap.check(f"record -e {probes}: a version {version} file",
                  r.returncode == 0 and f"version {version}," in info.stdout, "",
                  f"rc {r.returncode}: {sslib.one_line(r.stderr)} {sslib.one_line(info.stdout)}")


CASES = {
    "sleeper": lambda tap, tmp: check_sleeper(tap),
    "yielder": check_yielder,
    "prio": lambda tap, tmp: check_prio(tap),
    "errors": check_errors,
}


def main():
    tap = sslib.Tap()
    if not sslib.require(tap, ["trace -e PROBES"]):
        return tap.done()
    names = sys.argv[1:] or list(CASES)
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            CASES[name](tap, tmp)
    return tap.done()


if __name__ == "__main__":
    main()
