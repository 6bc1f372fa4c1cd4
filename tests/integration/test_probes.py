#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The DTrace sched probes (schedscope probes, schedscope count), root.

Against the kernel's own counters of a thread whose counters do not move
outside a phase (ssload's rest protocol), with count printing and clearing
every 0.3 s, so the intervals must add up:

  sleeper   off-cpu = nvcsw + nivcsw growth, sleep = nvcsw, preempt = nivcsw;
            on-cpu = pcount growth, but for the switch-ins the kernel hid
            from its tracepoint (count's untraced_switches bounds them);
            enqueue and dequeue balance, but for those hidden events
  yielder   pinned, sched_yield() in a loop: every call is a remain-cpu or
            an involuntary switch, and remain-cpu never exceeds the calls

  fifo      a SCHED_FIFO thread that sleeps 1 ms on the CPU of a spinner:
            preempt's pairs give each thread's voluntary and involuntary
            switches exactly, and the spinner -> fifo pair holds the
            preemptions of the spinner by each wakeup

  flipper   a thread moving itself between CPU 0 and 1 with
            sched_setaffinity(): migrations counts its moves as the kernel
            counts se.nr_migrations, the matrix holds them both ways, and
            its time per CPU adds up to its runtime
  moved     ssprio's victim, queued behind a SCHED_FIFO hog on CPU 1, moved
            to CPU 0 by the test while it waits: its wait before the move is
            the time from its wakeup to the move, and within its run_delay

and probes against the kernel's BTF, bad input, and the hook checks.
"""

import json
import os
import subprocess
import time

import sslib

INTERVAL = "0.3"


def kernel_has(tracepoint):
    r = sslib.run(["bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux"], timeout=60)
    return f"'btf_trace_{tracepoint}'" in r.stdout


def check_probes_list(tap):
    r = sslib.run([sslib.schedscope_path(), "probes", "--json"])
    if not tap.check("probes --json", r.returncode == 0, "exit 0", f"rc {r.returncode}: "
                     f"{sslib.one_line(r.stderr)}"):
        return
    probes = {p["name"]: p for p in json.loads(r.stdout)["probes"]}
    tap.check("probes lists the 13 of dtrace_sched(4)",
              sorted(probes) == sorted(["on-cpu", "off-cpu", "remain-cpu", "enqueue", "dequeue",
                                        "wakeup", "sleep", "preempt", "change-pri", "lend-pri",
                                        "load-change", "tick", "surrender"]), "", str(sorted(probes)))
    for probe, tp in (("remain-cpu", "sched_exit_tp"), ("surrender", "sched_set_need_resched_tp"),
                      ("load-change", "sched_update_nr_running_tp")):
        has = kernel_has(tp)
        tap.check(f"probes: {probe} available exactly when the BTF has {tp}",
                  probes[probe]["available"] == has and (has or tp in probes[probe]["missing"]),
                  f"available={has}", str(probes[probe]))


def counts_by_probe(tracer):
    """Every interval's rows summed per probe, and the last untraced figure."""
    sums, untraced, reports = {}, 0, tracer.reports("count")
    for rep in reports:
        for row in rep["rows"]:
            sums[row["probe"]] = sums.get(row["probe"], 0) + row["count"]
        untraced = rep["lost"].get("untraced_switches", untraced)
    return sums, untraced, len(reports)


def check_sleeper(tap):
    with sslib.Workload("sleeper") as wl:
        tid = wl.tids["sleeper"]
        tr = sslib.Tracer(["count", "-e", "on-cpu,off-cpu,sleep,preempt,enqueue,dequeue,wakeup",
                           "--by", "tid", "-t", tid, "--json", INTERVAL])
        before, after = wl.run_for(1.0)
        time.sleep(0.4)
        rc = tr.stop()
    d = sslib.counters_delta(before["sleeper"], after["sleeper"])
    c, untraced, n = counts_by_probe(tr)
    vol, invol, pcount = d["voluntary_switches"], d["involuntary_switches"], d["timeslices"]
    tap.check("count: reports every interval, the last on Ctrl-C", rc == 0 and n >= 4,
              f"{n} reports", f"rc {rc}, {n} reports")
    tap.check("count: off-cpu = nvcsw + nivcsw growth", c.get("off-cpu", 0) == vol + invol,
              f"{vol + invol}", str(c))
    tap.check("count: sleep = nvcsw growth", c.get("sleep", 0) == vol, f"{vol}", str(c))
    tap.check("count: preempt = nivcsw growth", c.get("preempt", 0) == invol, f"{invol}", str(c))
    hidden = pcount - c.get("on-cpu", 0)
    tap.check("count: on-cpu = pcount growth, less switch-ins the kernel hid",
              0 <= hidden <= untraced, f"pcount +{pcount}, on-cpu {c.get('on-cpu', 0)}, "
              f"untraced {untraced}", str(c))
    tap.check("count: enqueue and dequeue balance",
              c.get("dequeue", 0) >= vol and abs(c.get("enqueue", 0) - c.get("dequeue", 0)) <= hidden + 1,
              f"enqueue {c.get('enqueue', 0)} dequeue {c.get('dequeue', 0)} hidden {hidden}", str(c))
    # A queued thread that the balancer moves is enqueued again without a
    # wakeup: each of its migrations allows one (a busy host moves it).
    moved = d.get("migrations", 0)
    tap.check("count: a wakeup for each enqueue, but a move's",
              c.get("wakeup", 0) >= c.get("enqueue", 0) - 1 - moved,
              f"{moved} migrations", f"{moved} migrations, {c}")


def check_yielder(tap):
    cpu = 1 if sslib.ncpus() > 1 else 0
    with sslib.Workload("yielder", cpu) as wl:
        tid = wl.tids["yielder"]
        tr = sslib.Tracer(["count", "-e", "remain-cpu,preempt", "--by", "tid", "-t", tid,
                           "--json", INTERVAL])
        s0 = wl.stats()
        before, after = wl.run_for(1.0)
        s1 = wl.stats()
        time.sleep(0.4)
        tr.stop()
    d = sslib.counters_delta(before["yielder"], after["yielder"])
    c, _, _ = counts_by_probe(tr)
    calls = s1["yields"] - s0["yields"]
    remain, invol = c.get("remain-cpu", 0), d["involuntary_switches"]
    tap.check("count: remain-cpu counts sched_yield() calls that kept the CPU",
              calls > 1000 and remain <= calls <= remain + invol,
              f"{calls} calls: remain-cpu {remain}, nivcsw +{invol}", str(c))
    tap.check("count: preempt = nivcsw growth (yields that switched)",
              c.get("preempt", 0) == invol, f"{invol}", str(c))


def check_preempt(tap):
    cpu = 1 if sslib.ncpus() > 1 else 0
    with sslib.Workload("fifo-waker", cpu) as wl:
        pid = wl.pid
        tr = sslib.Tracer(["preempt", "--by", "tid,comm", "-p", pid, "--json", "-n", "0",
                           INTERVAL])
        s0 = wl.stats()
        before, after = wl.run_for(1.0)
        s1 = wl.stats()
        time.sleep(0.4)
        rc = tr.stop()
    sleeps = s1["sleeps"] - s0["sleeps"]
    tid = {name: t for name, t in wl.tids.items()}
    out = {n: [0, 0] for n in tid}
    pair = [0, 0]
    for rep in tr.reports("preempt"):
        for r in rep["rows"]:
            for n, t in tid.items():
                if r["prev_tid"] == t:
                    out[n][0] += r["voluntary"]
                    out[n][1] += r["involuntary"]
            if r["prev_tid"] == tid["spinner"] and r["next_tid"] == tid["fifo"]:
                pair[0] += r["voluntary"]
                pair[1] += r["involuntary"]
    d = {n: sslib.counters_delta(before[n], after[n]) for n in tid}
    tap.check("preempt: reports, the last on Ctrl-C", rc == 0 and out["fifo"][0] > 0, "",
              f"rc {rc}")
    for n in tid:
        want = [d[n]["voluntary_switches"], d[n]["involuntary_switches"]]
        tap.check(f"preempt: {n}'s switches out = its nvcsw, nivcsw growth", out[n] == want,
                  f"{want}", f"{out[n]}")
    # Each sleep blocks once; parking at rest blocks once or twice more.
    tap.check("preempt: the fifo thread's sleeps are its voluntary switches (+ parking)",
              sleeps <= out["fifo"][0] <= sleeps + 3, f"{sleeps} sleeps", f"{out['fifo']}")
    # Most wakeups find the spinner on the CPU; a kworker, or a switch the
    # kernel hid, takes the rest. The spinner blocks only to park at the
    # phase's ends, and the fifo thread may take the CPU then: at most that
    # many voluntary pairs.
    parked = d["spinner"]["voluntary_switches"]
    tap.check("preempt: the fifo thread's wakeups preempt the spinner (spinner -> fifo)",
              pair[0] <= parked and 0.8 * sleeps <= pair[1] <= sleeps,
              f"{pair[1]} of {sleeps} wakeups", f"pair {pair}, spinner parked {parked} times")


def check_migrations(tap):
    if sslib.ncpus() < 2:
        tap.skip("migrations: a thread moved between two CPUs", "one CPU")
        return
    with sslib.Workload("flipper") as wl:
        tid = wl.tids["flipper"]
        tr = sslib.Tracer(["migrations", "-p", wl.pid, "--json", "-n", "0", INTERVAL])
        s0 = wl.stats()
        before, after = wl.run_for(1.0)
        s1 = wl.stats()
        time.sleep(0.4)
        rc = tr.stop()
    flips = s1["flips"] - s0["flips"]
    d = sslib.counters_delta(before["flipper"], after["flipper"])
    moved = wait = moved_all = 0
    matrix = {}
    ran = 0
    for rep in tr.reports("migrations"):
        for r in rep["threads"]:
            moved_all += r["migrations"]
            if r["tid"] == tid:
                moved += r["migrations"]
                wait += r["wait_before_ns"]
        for r in rep["rows"]:
            matrix[(r["from_cpu"], r["to_cpu"])] = matrix.get((r["from_cpu"], r["to_cpu"]), 0) + r["count"]
        ran += sum(r["run_ns"] for r in rep["cpu_time"] if r["tid"] == tid)
    tap.check("migrations: reports, the last on Ctrl-C", rc == 0 and flips > 50, f"{flips} moves",
              f"rc {rc}, {flips} moves")
    if "migrations" not in d:
        tap.skip("migrations: a thread's moves = its se.nr_migrations growth",
                 "no /proc/PID/task/TID/sched")
    else:
        tap.check("migrations: a thread's moves = its se.nr_migrations growth",
                  moved == d["migrations"] and abs(moved - flips) <= 2,
                  f"{d['migrations']} (asked {flips})", f"{moved}")
    tap.check("migrations: the matrix holds every thread's moves, the flipper's both ways",
              sum(matrix.values()) == moved_all and min(matrix.get((0, 1), 0), matrix.get((1, 0), 0)) >= moved // 2 - 1,
              str(matrix), f"{matrix}, {moved_all} moves of all threads")
    # A thread that moves itself sleeps while the stopper moves it (the
    # kernel waits for the move to complete): it never waited queued.
    tap.check("migrations: no run-queue wait before a move made while asleep", wait == 0,
              f"{wait} ns", f"{wait} ns")
    # Between two switch-outs it ran on the CPU it left; its first slice sets the base.
    tap.check("migrations: time per CPU adds up to the thread's runtime (its first slice aside)",
              0 < ran <= d["runtime_ns"] and ran >= 0.9 * d["runtime_ns"],
              f"{ran} of {d['runtime_ns']} ns", f"{ran} of {d['runtime_ns']} ns")


def check_errors(tap):
    bin_ = sslib.schedscope_path()
    cases = [
        (["count", "-e", "oncpu"], 2, "on-cpu, off-cpu"),
        (["count", "-e", "on-cpu", "--by", "execname"], 2, "probe, cpu, pid"),
        (["count"], 2, "-e"),
        (["preempt", "--by", "cpu"], 2, "pid, tid and comm"),
        (["migrations", "--by", "prio"], 2, "pid, tid and comm"),
    ]
    for args, rc, says in cases:
        r = sslib.run([bin_] + args)
        tap.check(f"{' '.join(args)}: exit {rc}, says {says!r}",
                  r.returncode == rc and says in r.stderr, "",
                  f"rc {r.returncode}: {sslib.one_line(r.stderr)}")


def check_queued_move(tap):
    name = "migrations: the wait before a move made while queued"
    if sslib.ncpus() < 2:
        tap.skip(name, "one CPU")
        return
    with sslib.Workload("fifo-hog", 1, 400, binary="ssprio") as wl:
        victim = wl.tids["victim"]
        # The hog holds CPU 1: the tracer runs beside the test, on CPU 0.
        with sslib.Tracer(["migrations", "-t", victim, "--json", "-n", "0"], cpus=[0]) as tr:
            before = sslib.thread_counters(wl.pid, victim)
            wl.send("run")
            time.sleep(0.15)
            moved_ns = time.monotonic_ns()
            os.sched_setaffinity(victim, {0})
            r = wl.reply()
            after = sslib.thread_counters(wl.pid, victim)
            time.sleep(0.3)
            tr.stop()
    rows = [t for rep in tr.reports("migrations") for t in rep["threads"] if t["tid"] == victim]
    wait = sum(t["wait_before_ns"] for t in rows)
    want = moved_ns - r["woke_ns"]
    delay = after["runq_wait_ns"] - before["runq_wait_ns"]
    # The move is stamped on either side of the call (a few us), and the
    # wait counts from the wakeup's enqueue, a little after woke_ns.
    tap.check(name, rows and abs(wait - want) <= 2e6 and wait <= delay,
              f"{wait / 1e6:.3f} ms, moved {want / 1e6:.3f} ms after the wakeup, "
              f"run_delay +{delay / 1e6:.3f} ms",
              f"{wait} ns before the move, want {want}, run_delay +{delay}; {rows}")


def main():
    tap = sslib.Tap()
    if not sslib.require(tap, ["probes"]):
        return tap.done()
    check_probes_list(tap)
    check_sleeper(tap)
    check_yielder(tap)
    check_preempt(tap)
    check_migrations(tap)
    check_queued_move(tap)
    check_errors(tap)
    return tap.done()


if __name__ == "__main__":
    main()
