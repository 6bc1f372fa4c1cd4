#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The workload generator itself, against /proc only (no BPF, no root).

The accuracy tests compare schedscope with /proc deltas taken while ssload
rests, so they hold only if a resting worker's counters do not move at all
and each scenario produces the scheduling it claims to. This checks both.
"""

import os
import time

import sslib

QUIET_S = 0.5


def check_rest_is_quiet(tap, wl, label):
    before = wl.counters()
    time.sleep(QUIET_S)
    after = wl.counters()
    moved = {name: {k: v for k, v in sslib.counters_delta(before[name],
                                                         after[name]).items()
                    if v}
             for name in before}
    moved = {k: v for k, v in moved.items() if v}
    tap.check(f"ssload {label} rest is quiet", not moved,
              f"({len(before)} workers, {QUIET_S} s)",
              f"counters moved while resting: {moved}")


def one_scenario(tap, label, scenario, args, expect):
    """Runs the scenario for 1 s between two rests; expect(name, delta)
    returns None if a worker's /proc delta is what the scenario promises,
    else the reason."""
    with sslib.Workload(scenario, *args) as wl:
        check_rest_is_quiet(tap, wl, label + " (start)")
        # The CPU the scenario pins to (its first argument), else all.
        pinned = [int(args[0])] if args else None
        steal = sslib.steal_ticks(pinned)
        before = wl.counters()
        wl.run()
        time.sleep(1.0)
        extra = wl.rest()
        after = wl.counters()
        stolen = sslib.stolen_ns(steal, pinned)
        for name in wl.tids:
            delta = sslib.counters_delta(before[name], after[name])
            delta["stolen_ns"] = stolen
            why = expect(name, delta)
            tap.check(f"ssload {label} {name} behaves", why is None,
                      f"runtime={delta['runtime_ns'] / 1e6:.1f}ms "
                      f"wait={delta['runq_wait_ns'] / 1e6:.1f}ms "
                      f"vol={delta['voluntary_switches']} "
                      f"invol={delta['involuntary_switches']} "
                      f"migr={delta.get('migrations', '?')}",
                      f"{why}: {delta}")
        check_rest_is_quiet(tap, wl, label + " (after run)")
        return wl, extra


def runnable_ns(d):
    """Time on CPU or waiting for it: all of the run phase for a thread that
    never sleeps, whatever else loads the machine, but for what the
    hypervisor stole while it ran (10 % of a CPU seen here), which the
    kernel counts in neither."""
    return d["runtime_ns"] + d["runq_wait_ns"] + d["stolen_ns"]


def expect_spinner(name, d):
    if runnable_ns(d) < 0.9e9:
        return "a spinner should be running or runnable all of the 1 s run"
    if d["involuntary_switches"] < 10:
        return "spinners sharing a CPU should preempt each other"
    if d.get("migrations", 0) != 0:
        return "a pinned thread migrated"
    return None


def expect_sleeper(name, d):
    if not 200 <= d["voluntary_switches"] <= 1100:
        return "1 ms sleeps for 1 s: expected a few hundred voluntary switches"
    return None


def expect_pingpong(name, d):
    if d["voluntary_switches"] < 1000:
        return "expected thousands of voluntary switches"
    if d.get("migrations", 0) != 0:
        return "a pinned thread migrated"
    return None


def expect_prespin(name, d):
    if runnable_ns(d) < 0.9e9:
        return "a spinner should be running or runnable all of the 1 s run"
    return None


def main():
    tap = sslib.Tap()
    if not sslib.ssload_path().is_file():
        tap.fail("ssload binary present", f"not found at {sslib.ssload_path()}")
        tap.done()
    cpu = 1 if sslib.ncpus() > 1 else 0
    one_scenario(tap, "spin-pair", "spin-pair", [cpu], expect_spinner)
    one_scenario(tap, "sleeper", "sleeper", [], expect_sleeper)
    one_scenario(tap, "pingpong", "pingpong", [cpu], expect_pingpong)
    one_scenario(tap, "prespin", "prespin", [0], expect_prespin)

    with sslib.Workload("pingpong", cpu) as wl:
        # run and rest back to back: nobody may be left behind or hang
        for _ in range(20):
            wl.run()
            wl.rest()
        check_rest_is_quiet(tap, wl, "pingpong (20 quick run/rest)")

    with sslib.Workload("exit-storm", 50) as wl:
        s0 = wl.stats()
        wl.run()
        extra = wl.rest()
        s1 = wl.stats()
        storm = [e["storm_threads"] for e in extra if "storm_threads" in e]
        tap.check("ssload exit-storm reports its threads", storm == [50],
                  "storm_threads=50", f"rest printed {extra}")
        burnt = s1["process_cpu_ns"] - s0["process_cpu_ns"]
        # every storm thread spins 2 ms of its own CPU time before exiting
        tap.check("ssload exit-storm burns 2 ms per thread", burnt >= 50 * 2e6,
                  f"process cpu delta={burnt / 1e6:.1f}ms",
                  f"process cpu delta {burnt / 1e6:.1f}ms < 100ms")
        tasks = sorted(int(t) for t in os.listdir(f"/proc/{wl.pid}/task"))
        tap.check("ssload exit-storm threads are gone at rest",
                  len(tasks) == 2, f"tasks={tasks}",
                  f"threads still alive: {tasks}")
    tap.done()


if __name__ == "__main__":
    main()
