#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""schedscope export and timehist against the kernel's own ftrace (root).

  systrace     ftrace records sched_switch, sched_waking, sched_wakeup_new
               and sched_migrate_task (trace_clock mono, in a tracefs
               instance of its own) while schedscope records the same
               workloads (a sleeper, a pipe ping-pong, a spinning pair, a
               storm of short-lived threads, a shell running commands);
               export --format systrace must print the kernel's own header
               legend and lines: matched by event, CPU and order with the
               nearest timestamp, >= 99 % of our lines find the kernel's,
               and every payload field and the task column are equal.
  chrome-json  the export parses as JSON; per CPU, slices do not overlap
               and their busy time is what the switch sequence says.
  timehist     run time, and wait + sch delay + run, agree with ftrace's
               stamps of the same switches (the task's switch-in on that
               CPU, its previous switch-out, both from ftrace's own
               sequences); run time agrees with the kernel's
               sum_exec_runtime.
  errors       an existing OUT without -f: exit 1, file unchanged; -f
               replaces it; a bad or missing --format: exit 2; a missing
               input: exit 1 naming it; -o - writes to stdout.

The tracefs instance is removed afterwards (its events, buffer and clock go
with it); nothing global is changed. Usage: test_export.py [CASE...]
"""

import atexit
import bisect
import collections
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import sslib

TRACEFS = "/sys/kernel/tracing"
EVENTS = ("sched_switch", "sched_waking", "sched_wakeup_new", "sched_migrate_task")
BUFFER_KB = 131072		# per CPU: no event dropped in the few seconds we trace
TOL_US = 50			# ftrace's probe runs first: ours stamps later, by far more under load
LOOKAHEAD = 32
MIN_MATCH = 0.99
WORK_CPU = 1 if sslib.ncpus() > 1 else 0
TMP = tempfile.mkdtemp(prefix="ssexp-")
atexit.register(shutil.rmtree, TMP, True)

tap = sslib.Tap()
state = {}

# "  <idle>-0       [001] d..2.  1234.567890: sched_switch: prev_comm=..."
LINE = re.compile(r"^\s*(.*)-(\d+)\s+\[(\d+)\]\s+\S{0,5}\s+(\d+)\.(\d+):\s+(\w+):\s+(.*)$")
# Payload keys per event, in the kernel's print fmt order.
FIELDS = {
    "sched_switch": ("prev_comm", "prev_pid", "prev_prio", "prev_state",
                     "next_comm", "next_pid", "next_prio"),
    "sched_waking": ("comm", "pid", "prio", "target_cpu"),
    "sched_wakeup_new": ("comm", "pid", "prio", "target_cpu"),
    "sched_migrate_task": ("comm", "pid", "prio", "orig_cpu", "dest_cpu"),
}


def tool(*args, timeout=120):
    return subprocess.run([str(sslib.schedscope_path()), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def path(name):
    return os.path.join(TMP, name)


def parse_payload(kind, text):
    """{key: value} of a payload; comm values may hold spaces, so split on
    the known keys rather than on blanks."""
    keys = FIELDS[kind]
    pat = r"\s+".join(rf"{k}=(.*?)" for k in keys)
    if kind == "sched_switch":
        pat = pat.replace(r"prev_state=(.*?)\s+next_comm", r"prev_state=(.*?)\s+==>\s+next_comm")
    m = re.fullmatch(pat, text.strip())
    if not m:
        return None
    return dict(zip(keys, m.groups()))


def parse_trace(lines):
    """[(kind, cpu, ts_us, task_comm, task_pid, payload)] of the four events."""
    out = []
    for line in lines:
        if line.startswith("#"):
            continue
        m = LINE.match(line)
        if not m or m.group(6) not in FIELDS:
            continue
        payload = parse_payload(m.group(6), m.group(7))
        if payload is None:
            continue
        ts_us = int(m.group(4)) * 1_000_000 + int(m.group(5))
        out.append((m.group(6), int(m.group(3)), ts_us, m.group(1).strip(),
                    int(m.group(2)), payload))
    return out


class Instance:
    """A tracefs instance of our own: its own buffer, clock and events."""

    def __init__(self):
        self.dir = None

    def __enter__(self):
        if not os.path.isdir(os.path.join(TRACEFS, "instances")):
            subprocess.run(["mount", "-t", "tracefs", "nodev", TRACEFS], check=False)
        self.dir = os.path.join(TRACEFS, "instances", f"schedscope-export-{os.getpid()}")
        os.mkdir(self.dir)
        self.write("trace_clock", "mono")
        self.write("buffer_size_kb", str(BUFFER_KB))
        # Keep the oldest events if it ever fills: the loss is then counted.
        self.write("options/overwrite", "0")
        return self

    def write(self, name, value):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(value)

    def read(self, name):
        with open(os.path.join(self.dir, name)) as f:
            return f.read()

    def enable(self, on):
        for ev in EVENTS:
            self.write(f"events/sched/{ev}/enable", "1" if on else "0")

    def dropped(self):
        """Events ftrace dropped or overwrote, all CPUs."""
        total = 0
        for cpu in os.listdir(os.path.join(self.dir, "per_cpu")):
            for line in self.read(f"per_cpu/{cpu}/stats").splitlines():
                key, _, value = line.partition(":")
                if key.strip() in ("overrun", "dropped events"):
                    total += int(value.split()[0])
        return total

    def __exit__(self, *exc):
        if self.dir and os.path.isdir(self.dir):
            try:
                self.enable(False)
                self.write("trace", "")
            finally:
                os.rmdir(self.dir)


def run_workloads():
    """A bit of every kind of event: sleeps and wakeups, a ping-pong,
    preemptions, short-lived threads (wakeup_new, TID reuse), fork, exec."""
    with sslib.Workload("sleeper") as sl, sslib.Workload("pingpong") as pp, \
         sslib.Workload("spin-pair", WORK_CPU) as sp, sslib.Workload("exit-storm", 40) as st:
        sl.run()
        pp.run()
        time.sleep(0.3)
        pp.rest()
        steal = sslib.steal_ticks([WORK_CPU])
        sp.run()
        # Long enough that a tick of steal (10 ms) is 2 % of the pair's time.
        time.sleep(0.5)
        sp.rest()
        state["spin_steal_ns"] = sslib.stolen_ns(steal, [WORK_CPU])
        st.run()
        st.rest()
        subprocess.run(["sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do sleep 0.01; "
                        "taskset -c 0 true; taskset -c %d true; done" % WORK_CPU], check=False)
        time.sleep(0.2)
        sl.rest()


def record_under_ftrace():
    """Records the workloads with schedscope while ftrace traces them."""
    f = path("rec.ssr")
    with Instance() as inst:
        inst.write("trace", "")
        inst.enable(True)
        time.sleep(0.1)
        rec = sslib.Tracer(["record", "-o", f])
        time.sleep(0.2)
        run_workloads()
        time.sleep(0.2)
        rc = rec.stop()
        time.sleep(0.1)
        inst.enable(False)
        dropped = inst.dropped()
        with open(os.path.join(inst.dir, "trace")) as fh:
            text = fh.read().splitlines()
        kernel = parse_trace(text)
    lost = [l for l in rec.stderr if l.startswith("Recorded ")]
    tap.check("record under ftrace", rc == 0 and os.path.getsize(f) > 0,
              lost[0] if lost else "", f"rc={rc}: {sslib.one_line(chr(10).join(rec.stderr))}")
    tap.check("ftrace dropped nothing", dropped == 0, f"{len(kernel)} kernel lines",
              f"{dropped} events dropped (raise BUFFER_KB)")
    state["file"] = f
    state["kernel"] = kernel
    state["kernel_head"] = head_of(text)


def head_of(lines):
    """A trace's header: its leading comment lines."""
    return list(itertools.takewhile(lambda l: l.startswith("#"), lines))


def legend(head):
    """What of a header should be the kernel's: all but the line that says
    where the trace comes from, and that line's CPU count ("#P:2")."""
    return head[:2] + head[3:], head[2].rpartition("#P:")[2] if len(head) > 2 else None


def identity(line):
    """What makes two lines the same event, beyond kind, CPU and time."""
    p = line[5]
    if line[0] == "sched_switch":
        return (p["prev_pid"], p["next_pid"])
    return (p["pid"],)


def same(o, k):
    """The same event: the same task(s), ours stamped after ftrace's (its probe
    runs first) by at most TOL_US, and the microsecond roundings."""
    return identity(o) == identity(k) and -1 <= o[2] - k[2] <= TOL_US


def match(ours, kernel):
    """Pairs our lines with the kernel's, per event and CPU, walking both
    sequences in time order like a diff: equal events pair up; where they
    differ, the shorter run of extra lines (up to LOOKAHEAD) on either side is
    skipped. Returns [(our line, kernel line or None)]."""
    groups = collections.defaultdict(list)
    for k in kernel:
        groups[(k[0], k[1])].append(k)
    mine_by = collections.defaultdict(list)
    for o in ours:
        mine_by[(o[0], o[1])].append(o)
    pairs = []
    for key, mine in mine_by.items():
        mine = sorted(mine, key=lambda x: x[2])
        theirs = sorted(groups.get(key, []), key=lambda x: x[2])
        i = j = 0
        while i < len(mine):
            o = mine[i]
            if j >= len(theirs) or o[2] < theirs[j][2] - 1:
                pairs.append((o, None))	# ftrace has nothing this early
                i += 1
                continue
            k = theirs[j]
            if same(o, k):
                pairs.append((o, k))
                i += 1
                j += 1
                continue
            if k[2] < o[2] - TOL_US:
                j += 1			# a line of ftrace's that we do not have
                continue
            a = next((p for p in range(j + 1, min(j + LOOKAHEAD, len(theirs)))
                      if same(o, theirs[p])), None)
            b = next((q for q in range(i + 1, min(i + LOOKAHEAD, len(mine)))
                      if same(mine[q], k)), None)
            if a is not None and (b is None or a - j <= b - i):
                j = a
            else:
                pairs.append((o, None))
                i += 1
    return pairs


class KernelSwitches:
    """ftrace's own sched_switch sequence per CPU, to tell where it is broken."""

    def __init__(self, kernel):
        self.cpu = collections.defaultdict(list)
        for k in kernel:
            if k[0] == "sched_switch":
                self.cpu[k[1]].append(k)
        for lines in self.cpu.values():
            lines.sort(key=lambda x: x[2])
        self.ts = {c: [x[2] for x in lines] for c, lines in self.cpu.items()}

    def around(self, cpu, ts_us):
        """The kernel's switch lines just before and just after ts_us."""
        lines = self.cpu.get(cpu, [])
        i = bisect.bisect_left(self.ts.get(cpu, []), ts_us)
        return (lines[i - 1] if i > 0 else None, lines[i] if i < len(lines) else None)

    def missed(self, o):
        """Our switch is one ftrace never printed: its own sequence has a hole
        there (the task before does not lead to the task after) that our line
        fills exactly."""
        before, after = self.around(o[1], o[2])
        return (before is not None and after is not None and
                before[5]["next_pid"] != after[5]["prev_pid"] and
                before[5]["next_pid"] == o[5]["prev_pid"] and
                after[5]["prev_pid"] == o[5]["next_pid"])

    def running(self, cpu, ts_us):
        """Who the switch lines say runs on cpu at ts_us."""
        before, _ = self.around(cpu, ts_us)
        return int(before[5]["next_pid"]) if before else None

    def left_untraced(self, cpu, ts_us, pid):
        """pid, running on cpu at ts_us as far as the switches say, never
        leaves it in them: the next switch there is away from another task."""
        _, after = self.around(cpu, ts_us)
        return after is not None and int(after[5]["prev_pid"]) != pid


def recorded():
    """The recording and ftrace's lines, made once for every case."""
    if "tried" not in state:
        state["tried"] = True
        try:
            record_under_ftrace()
        except OSError as e:
            tap.fail("record under ftrace", f"tracefs at {TRACEFS}: {e}")
    return "file" in state


def exported():
    """Our systrace lines, exported once."""
    if "ours" not in state and recorded():
        systrace()
    return "ours" in state


def export(fmt, name):
    """Exports the recording in fmt to TMP/name: the path, or None (failed)."""
    out = path(name)
    r = tool("export", "-i", state["file"], "--format", fmt, "-o", out)
    if not tap.check(f"export {fmt}", r.returncode == 0, "exit 0",
                     f"rc={r.returncode}: {sslib.one_line(r.stderr)}"):
        return None
    return out


def systrace():
    if not recorded():
        tap.fail("systrace", "no recording")
        return
    out = export("systrace", "rec.systrace")
    if not out:
        return
    with open(out) as fh:
        text = fh.read().splitlines()
    ours, kernels = legend(head_of(text)), legend(state["kernel_head"])
    tap.check("systrace header: the kernel's, line for line", ours == kernels,
              f"{len(ours[0])} lines, #P:{ours[1]}", f"ours {ours}, kernel's {kernels}")
    ours = parse_trace(text)
    state["ours"] = ours
    unparsed = [l for l in text if not l.startswith(("#", "CPU:")) and l.strip() and
                not LINE.match(l)]
    tap.check("systrace lines parse", ours and not unparsed, f"{len(ours)} lines",
              f"{len(unparsed)} unparsed: {unparsed[:3]}")
    # The kernel names the task column from its saved_cmdlines cache, which
    # may hold a name the thread had earlier or later than the event.
    names = collections.defaultdict(set)
    for o in ours:
        p = o[5]
        if o[0] == "sched_switch":
            names[int(p["prev_pid"])].add(p["prev_comm"])
            names[int(p["next_pid"])].add(p["next_comm"])
        else:
            names[int(p["pid"])].add(p["comm"])
    pairs = match(ours, state["kernel"])
    state["twin"] = {(o[1], o[2], int(o[5]["prev_pid"])): k for o, k in pairs
                     if k is not None and o[0] == "sched_switch"}
    ksw = KernelSwitches(state["kernel"])
    osw = KernelSwitches(ours)
    for kind in EVENTS:
        kp = [(o, k) for o, k in pairs if o[0] == kind]
        found = [(o, k) for o, k in kp if k is not None]
        missed = [o for o, k in kp if k is None and kind == "sched_switch" and ksw.missed(o)]
        lost = [o for o, k in kp if k is None and o not in missed]
        want = len(kp) - len(missed)
        rate = len(found) / want if want else 0.0
        need = MIN_MATCH if kind == "sched_switch" else 0.98
        tap.check(f"systrace {kind}: our lines found in ftrace",
                  kp and rate >= need,
                  f"{len(found)}/{want} = {sslib.pct(rate)}"
                  f"{f', and {len(missed)} that ftrace never printed (its own switch sequence has a hole each fills)' if missed else ''}",
                  f"{len(found)}/{want} = {sslib.pct(rate)}; unmatched e.g. {lost[:3]}")
        if missed:
            tap.note(f"ftrace missed {len(missed)} switches, e.g. {missed[0]}; by CPU and prev: "
                     f"{dict(collections.Counter((o[1], o[5]['prev_pid'] == '0') for o in missed))} "
                     "(CPU, from idle)")
        bad = []
        cmdline_names = untraced = unnamed = reaped = 0
        unnamed_pids = set()
        for o, k in found:
            diff = []
            for f in FIELDS[kind]:
                if o[5][f] == k[5][f]:
                    continue
                # A zombie reaped by its parent on another CPU between ftrace's
                # probe and ours: its exit_state went from Z to X meanwhile.
                if f == "prev_state" and {o[5][f], k[5][f]} == {"X", "Z"}:
                    reaped += 1
                    continue
                # A name the recording did not have (yet): no scan, fork, exec
                # or rename named the thread before this event.
                if f.endswith("comm") and o[5][f] == "<...>":
                    unnamed += 1
                    unnamed_pids.add(int(o[5][f.replace("comm", "pid")]))
                    continue
                diff.append(f)
            if o[4] != k[4]:
                # Ours follows the switches; a switch neither tracer saw leaves it
                # behind: ftrace's own switch lines still say ours runs, or ours
                # never switches out in our own lines.
                if o[3] == "<...>" and o[4] == 0 and ksw.running(o[1], o[2]) is None:
                    untraced += 1
                elif ksw.running(o[1], k[2]) == o[4] or osw.left_untraced(o[1], o[2], o[4]):
                    untraced += 1
                else:
                    diff.append(f"task pid {o[4]} vs {k[4]}")
            elif o[3] != k[3]:
                # ftrace names the task column when the trace is read
                # (saved_cmdlines): after an exec or rename, the last name.
                if k[3] == "<...>" or k[3] in names[o[4]]:
                    cmdline_names += 1
                elif o[3] == "<...>":
                    unnamed += 1
                    unnamed_pids.add(o[4])
                else:
                    diff.append(f"task {o[3]!r} vs {k[3]!r}")
            if diff:
                bad.append((diff, o, k))
        # Unknown names are accepted above only as the exception they are
        # (this VM's agent threads, a thread seen before any name of it): a
        # recording that lost its names would not pass.
        few = max(20, len(found) // 100)
        tap.check(f"systrace {kind}: names the recording did not have, at most {few}",
                  unnamed <= few, f"{unnamed}",
                  f"{unnamed} of {len(found)} lines: pids {sorted(unnamed_pids)[:20]}")
        tap.check(f"systrace {kind}: every field equals ftrace's", found and not bad,
                  f"{len(found)} lines; task column after a switch neither tracer saw: {untraced}; "
                  f"task name from ftrace's cache, another of the thread's names: {cmdline_names}; "
                  f"reaped between the two probes (Z/X): {reaped}; "
                  f"names the recording did not have yet: {unnamed} "
                  f"{sorted(unnamed_pids)[:10] if unnamed_pids else ''}",
                  f"{len(bad)} of {len(found)} differ:\n" +
                  "\n".join(f"{d}: ours {o} kernel {k}" for d, o, k in bad[:8]))


def chrome():
    if not exported():
        tap.fail("chrome-json", "no recording or systrace export")
        return
    out = export("chrome-json", "rec.json")
    if not out:
        return
    try:
        with open(out) as fh:
            doc = json.load(fh)
    except ValueError as e:
        tap.fail("chrome-json parses", str(e))
        return
    events = doc.get("traceEvents", [])
    tap.check("chrome-json parses", doc.get("displayTimeUnit") == "ns" and events,
              f"{len(events)} events", f"{str(doc)[:200]}")
    names = {e["tid"]: e["args"]["name"] for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name"}
    tap.check("chrome-json names each CPU", all(names.get(c) == f"CPU {c}"
                                               for c in range(sslib.ncpus())),
              f"{sorted(names.values())}", f"{names}")
    slices = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X":
            slices[e["tid"]].append(e)
    overlaps = []
    for cpu, sl in slices.items():
        sl.sort(key=lambda e: e["ts"])
        for a, b in zip(sl, sl[1:]):
            if a["ts"] + a["dur"] > b["ts"] + 0.0015:
                overlaps.append((cpu, a, b))
    tap.check("chrome-json slices per CPU do not overlap", slices and not overlaps,
              f"{sum(len(s) for s in slices.values())} slices",
              f"{len(overlaps)} overlaps, e.g. {overlaps[:2]}")
    # Busy time from our own switch sequence: next's interval until the next switch.
    busy_sw = collections.Counter()
    count_sw = collections.Counter()
    per_cpu = collections.defaultdict(list)
    for o in state["ours"]:
        if o[0] == "sched_switch":
            per_cpu[o[1]].append(o)
    for cpu, sw in per_cpu.items():
        sw.sort(key=lambda x: x[2])
        for a, b in zip(sw, sw[1:]):
            nxt = int(a[5]["next_pid"])
            if nxt and int(b[5]["prev_pid"]) == nxt:
                busy_sw[cpu] += b[2] - a[2]
                count_sw[cpu] += 1
    for cpu in sorted(per_cpu):
        closed = [e for e in slices.get(cpu, []) if "clipped" not in e["args"]]
        busy = sum(e["dur"] for e in closed)
        # Each systrace stamp is rounded to the microsecond.
        tol = len(closed) * 1.0 + 1.0
        tap.check(f"chrome-json CPU {cpu} busy time = the switch sequence's",
                  len(closed) == count_sw[cpu] and abs(busy - busy_sw[cpu]) <= tol,
                  f"{busy / 1e3:.3f} ms in {len(closed)} slices",
                  f"chrome {busy:.3f} us in {len(closed)} slices, switches "
                  f"{busy_sw[cpu]} us in {count_sw[cpu]} intervals")


def timehist():
    if not recorded():
        tap.fail("timehist", "no recording")
        return
    r = tool("timehist", "-i", state["file"], "--json", "-w", "-M")
    if not tap.check("timehist --json", r.returncode == 0, "exit 0",
                     f"rc={r.returncode}: {sslib.one_line(r.stderr)}"):
        return
    lines = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    kinds = collections.Counter(l["type"] for l in lines)
    tap.check("timehist lines of each kind", kinds["timehist"] > 1000 and
              kinds["timehist_wakeup"] > 100 and kinds["timehist_migrate"] > 0,
              f"{dict(kinds)}", f"{dict(kinds)}")
    switches = sum(1 for o in state["ours"] if o[0] == "sched_switch") if exported() else -1
    tap.check("timehist: one line per switch", kinds["timehist"] == switches,
              f"{kinds['timehist']}", f"{kinds['timehist']} lines, {switches} switches")
    # The figures against ftrace's stamps of the same switches, found in
    # ftrace's own sequences: run time from the task's switch-in before the
    # switch-out on that CPU, and wait + sch delay + run from the task's
    # previous switch-out on any CPU.
    twin = state.get("twin", {})
    ksw = KernelSwitches(state["kernel"])
    kouts = collections.defaultdict(list)
    for k in state["kernel"]:
        if k[0] == "sched_switch":
            kouts[int(k[5]["prev_pid"])].append(k[2])
    for v in kouts.values():
        v.sort()
    seen = set()
    runs = sums = 0
    off = []
    worst = 0.0
    spin = collections.Counter()
    for l in lines:
        if l["type"] != "timehist" or not l["tid"]:
            continue
        first = l["tid"] not in seen
        seen.add(l["tid"])
        if l["run_ns"] is None:
            continue
        # The kernel's sum_exec_runtime leaves out irq time, and after a
        # wakeup preemption starts from the enqueue's rq clock (the update is
        # skipped): compare where neither matters, the spinning pair.
        if (not first and None not in (l["wait_ns"], l["sch_delay_ns"], l["runtime_ns"]) and
                l["comm"] in ("spinA", "spinB")):
            spin["run"] += l["run_ns"]
            spin["kernel"] += l["runtime_ns"]
        k = twin.get((l["cpu"], (l["ts_ns"] + 500) // 1000, l["tid"]))
        if k is None:
            continue
        compared = []
        switch_in, _ = ksw.around(l["cpu"], k[2])
        if switch_in is not None and int(switch_in[5]["next_pid"]) == l["tid"]:
            runs += 1
            compared.append(("run", l["run_ns"], k[2] - switch_in[2]))
        outs = kouts[l["tid"]]
        i = bisect.bisect_left(outs, k[2])
        if i > 0 and None not in (l["wait_ns"], l["sch_delay_ns"]):
            sums += 1
            compared.append(("wait + sch delay + run",
                             l["wait_ns"] + l["sch_delay_ns"] + l["run_ns"], k[2] - outs[i - 1]))
        for what, ns, kernel_us in compared:
            diff = abs(ns / 1000 - kernel_us)
            worst = max(worst, diff)
            if diff > TOL_US:
                off.append((what, ns, kernel_us, l))
    n = runs + sums
    tap.check("timehist: run time and wait + sch delay + run = ftrace's switches",
              runs > 1000 and sums > 1000 and len(off) <= (1 - MIN_MATCH) * n,
              f"{runs} run times, {sums} sums; at most {worst:.1f} us apart",
              f"{runs} run times, {sums} sums; {len(off)} beyond {TOL_US} us, e.g. {off[:3]}")
    # Run time is wall time between switches; the kernel leaves out what
    # the hypervisor stole from the CPU meanwhile (10 % seen here).
    err = sslib.rel_err(spin["run"], spin["kernel"])
    stolen = state.get("spin_steal_ns", 0)
    tap.check("timehist: run time = the kernel's sum_exec_runtime (spinning pair)",
              spin["run"] > 5e7 and -0.02 * spin["kernel"] <= spin["run"] - spin["kernel"] <=
              0.02 * spin["kernel"] + stolen,
              f"{spin['run'] / 1e6:.3f} ms vs {spin['kernel'] / 1e6:.3f} ms, err {sslib.pct(err)}, "
              f"{stolen / 1e6:.0f} ms stolen at most",
              f"run {spin['run']} ns, kernel {spin['kernel']} ns, err {sslib.pct(err)}, "
              f"stolen at most {stolen} ns")
    r = tool("timehist", "-i", state["file"])
    head = r.stdout.splitlines()[:4]
    tap.check("timehist table", r.returncode == 0 and len(head) == 4 and
              "wait time" in head[0] and "sch delay" in head[0] and head[2].startswith("-"),
              head[3] if len(head) > 3 else "", f"rc={r.returncode}: {head}")


def errors():
    if not recorded():
        tap.fail("errors", "no recording")
        return
    src = state["file"]
    out = path("keep.txt")
    with open(out, "w") as fh:
        fh.write("precious")
    r = tool("export", "-i", src, "--format", "systrace", "-o", out)
    with open(out) as fh:
        kept = fh.read() == "precious"
    tap.check("export refuses an existing OUT", r.returncode == 1 and kept and "-f" in r.stderr,
              "exit 1, file kept", f"rc={r.returncode}, kept={kept}: {sslib.one_line(r.stderr)}")
    r = tool("export", "-i", src, "--format", "chrome-json", "-o", out, "-f")
    with open(out) as fh:
        head = fh.read(40)
    tap.check("export -f replaces it", r.returncode == 0 and head.startswith('{"displayTimeUnit"'),
              "exit 0", f"rc={r.returncode}: {sslib.one_line(r.stderr)} {head!r}")
    for args, label in ((["--format", "pdf"], "bad --format"), ([], "no --format")):
        r = tool("export", "-i", src, "-o", path("x.out"), *args)
        tap.check(f"export {label}: usage error", r.returncode == 2 and
                  not os.path.exists(path("x.out")), "exit 2",
                  f"rc={r.returncode}: {sslib.one_line(r.stderr)}")
    missing = path("nonexistent.ssr")
    r = tool("export", "-i", missing, "--format", "systrace", "-o", path("y.out"))
    tap.check("export of a missing input: exit 1 naming it",
              r.returncode == 1 and missing in r.stderr and not os.path.exists(path("y.out")),
              "exit 1", f"rc={r.returncode}: {sslib.one_line(r.stderr)}")
    r = tool("timehist", "-i", missing)
    tap.check("timehist of a missing input: exit 1", r.returncode == 1 and missing in r.stderr,
              "exit 1", f"rc={r.returncode}: {sslib.one_line(r.stderr)}")
    r = tool("export", "-i", src, "--format", "systrace", "-o", "-")
    tap.check("export -o - writes to stdout", r.returncode == 0 and
              r.stdout.startswith("# tracer: nop") and "sched_switch:" in r.stdout,
              f"{len(r.stdout)} bytes", f"rc={r.returncode}: {sslib.one_line(r.stderr)}")
    left = [n for n in os.listdir(TMP) if re.search(r"\.[A-Za-z0-9]{6}$", n)]
    tap.check("export leaves no temporary file", not left, "none", f"{left}")


CASES = [("systrace", systrace),
         ("chrome-json", chrome), ("timehist", timehist), ("errors", errors)]

if __name__ == "__main__":
    sslib.run_cases(tap, CASES)
