#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""runqlat, runqslower, starve and inversion against the kernel's own
accounting (schedstat run_delay) and workloads with known behaviour.

- spin-pair: two threads on one CPU, rest to rest; per thread, runqlat -L's
  run_delay_ns equals the growth of run_delay, its waits (split, or in
  unsplit spans where the kernel hid switch-ins) number the growth of
  pcount, and their sum is within 2 % of run_delay's growth.
- fifo-hog: a SCHED_FIFO thread spins 200 ms on the CPU a normal thread is
  woken on: runqslower 20000 reports that wait (>= 190 ms, equal to the
  victim's run_delay growth), and starve --threshold 20 reports it while
  the hog still spins, then its whole length when it ends.
- renamed: runqlat -L names a thread that renamed itself after its first
  wait by its name at the end, as top does.
- prewait: a thread already runnable when tracing starts has its wait
  measured whole, from its true start (the first scan seeds its baseline).
- inversion: three SCHED_FIFO threads and a plain mutex: the inversion is
  reported (inv-high woken by inv-low, which waited while inv-mid ran);
  with a priority-inheriting mutex the boost is reported and the inversion
  is not.
"""

import time

import sslib

CPU = 1 if sslib.ncpus() > 1 else 0
OTHER = [0] if CPU else None
# starve must see the victim past its 20 ms threshold before the hog ends,
# with both tracers and all else on the other CPU: 180 ms to do it in (it
# had 40 when the hog spun 60 ms).
HOG_MS = 200


def close(a, b, rel=0.02, abs_ns=0):
    return abs(a - b) <= max(rel * b, abs_ns)


def by_tid(report):
    return {h["tid"]: h for h in report["histograms"]}


def spin_pair_sums(tap):
    with sslib.Workload("spin-pair", CPU) as wl:
        with sslib.Tracer(["runqlat", "-L", "-p", wl.pid, "--json"], cpus=OTHER) as tr, \
             sslib.Tracer(["runqlat", "-P", "-p", wl.pid, "--json"], cpus=OTHER) as by_pid, \
             sslib.Tracer(["runqlat", "--cpu", "--json"], cpus=OTHER) as by_cpu:
            before, after = wl.run_for(2.0)
            for t in (tr, by_pid, by_cpu):
                t.stop()
        report = sslib.one_report(tr, "runqlat")
        total = sum(after[n]["runq_wait_ns"] - before[n]["runq_wait_ns"] for n in wl.tids)
        proc = sslib.one_report(by_pid, "runqlat")["histograms"]
        tap.check("runqlat -P: one histogram, the process's waits",
                  len(proc) == 1 and proc[0]["pid"] == wl.pid and
                  close(proc[0]["all"]["sum_ns"], total),
                  f"{proc[0]['all']['sum_ns'] / 1e6:.3f} ms vs {total / 1e6:.3f} ms" if proc else "",
                  f"{[(h['pid'], h['all']['sum_ns']) for h in proc]} vs run_delay +{total}")
        cpus = {h["cpu"]: h for h in sslib.one_report(by_cpu, "runqlat")["histograms"]}
        tap.check("runqlat --cpu: the spinners' CPU holds their waits",
                  CPU in cpus and cpus[CPU]["all"]["sum_ns"] >= 0.98 * total,
                  f"CPU {CPU}: {cpus[CPU]['all']['sum_ns'] / 1e6:.3f} ms >= {total / 1e6:.3f} ms"
                  if CPU in cpus else "", f"{ {c: h['all']['sum_ns'] for c, h in cpus.items()} }")
        hists = by_tid(report)
        for name, tid in wl.tids.items():
            d = sslib.counters_delta(before[name], after[name])
            h = hists.get(tid)
            if h is None:
                tap.fail(f"runqlat spin-pair {name} sum", f"no histogram for {tid}")
                continue
            us = h["unsplit"]
            got, want = h["all"]["sum_ns"] + us["sum_ns"], d["runq_wait_ns"]
            tap.check(f"runqlat spin-pair {name} run_delay_ns = run_delay growth",
                      h["run_delay_ns"] == want,
                      f"{want} ns, {us['waits']} waits unsplit",
                      f"run_delay_ns {h['run_delay_ns']}, /proc run_delay +{want}; "
                      f"lost {report['lost']}")
            # Our sums also hold what the kernel leaves out (kpreempt waits).
            tap.check(f"runqlat spin-pair {name} sum + unsplit ~ run_delay",
                      got >= want and close(got, want),
                      f"{got / 1e6:.3f} ms vs {want / 1e6:.3f} ms, "
                      f"err {sslib.pct(sslib.rel_err(got, want))}",
                      f"runqlat {h['all']['sum_ns']} + unsplit {us['sum_ns']} ns, "
                      f"/proc run_delay {want} ns")
            tap.check(f"runqlat spin-pair {name} count + unsplit = pcount",
                      h["all"]["count"] + us["waits"] == d["timeslices"],
                      f"{h['all']['count']} + {us['waits']} waits, pcount +{d['timeslices']}",
                      f"{h['all']['count']} + {us['waits']} waits vs pcount "
                      f"+{d['timeslices']}; lost {report['lost']}")
            tap.check(f"runqlat spin-pair {name} mostly preemptions",
                      h["preempt"]["count"] >= 0.9 * h["all"]["count"] > 0,
                      f"{h['preempt']['count']} of {h['all']['count']}",
                      f"preempt {h['preempt']['count']} of {h['all']['count']}")
            pct = h["all"]
            tap.check(f"runqlat spin-pair {name} percentiles ordered",
                      pct["p50_ns"] <= pct["p90_ns"] <= pct["p99_ns"] <= pct["p999_ns"]
                      <= pct["max_ns"] and pct["max_ns"] <= pct["sum_ns"],
                      f"p50 {pct['p50_ns']} p99 {pct['p99_ns']} max {pct['max_ns']}",
                      str(pct))
            slots = sum(s["count"] for s in pct["log2"]["slots"])
            tap.check(f"runqlat spin-pair {name} log2 slots hold every wait",
                      slots == pct["count"], f"{slots}", f"{slots} vs {pct['count']}")


def from_waking(tap):
    """--from waking starts a wakeup's wait earlier (at sched_waking, on the
    waker's side), so over the same phase its wakeup waits are as many and
    each at least as long as from the enqueue."""
    with sslib.Workload("pingpong", CPU) as wl:
        with sslib.Tracer(["runqlat", "-p", wl.pid, "--json"], cpus=OTHER) as enq, \
             sslib.Tracer(["runqlat", "-p", wl.pid, "--json", "--from", "waking"],
                          cpus=OTHER) as wk:
            wl.run()
            time.sleep(1.0)
            wl.rest()
            enq.stop()
            wk.stop()
        a = sslib.one_report(enq, "runqlat")["histograms"][0]["wakeup"]
        b_rep = sslib.one_report(wk, "runqlat")
        b = b_rep["histograms"][0]["wakeup"]
        stale = b_rep["lost"]["waking_stamps_stale"]
        tap.check("runqlat --from waking: as many wakeup waits, none shorter in sum",
                  a["count"] > 1000 and abs(a["count"] - b["count"]) <= 0.01 * a["count"] and
                  b["sum_ns"] >= a["sum_ns"] and b_rep["from"] == "waking",
                  f"{b['count']} waits, mean {b['sum_ns'] / max(b['count'], 1):.0f} ns from waking vs "
                  f"{a['sum_ns'] / max(a['count'], 1):.0f} ns from the enqueue ({stale} stale)",
                  f"enqueue {a['count']}/{a['sum_ns']}, waking {b['count']}/{b['sum_ns']}")


RENAMER = """
import ctypes, sys, time
libc = ctypes.CDLL(None)
end = time.monotonic() + 0.4
while time.monotonic() < end:
    time.sleep(0.001)
libc.prctl(15, b"renamed-late", 0, 0, 0)   # PR_SET_NAME
print("renamed", flush=True)
end = time.monotonic() + 3.0
while time.monotonic() < end:
    time.sleep(0.001)
"""


def renamed_thread(tap):
    """runqlat -L names a thread as it is called at the end of the window
    (as top does), not as it was at its first wait."""
    import subprocess
    import sys
    child = subprocess.Popen([sys.executable, "-c", RENAMER], stdout=subprocess.PIPE,
                             text=True)
    try:
        with sslib.Tracer(["runqlat", "-L", "-p", child.pid, "--json"], cpus=OTHER) as tr:
            line = child.stdout.readline().strip()
            time.sleep(0.5)
            tr.stop()
        hists = sslib.one_report(tr, "runqlat")["histograms"]
        mine = [h for h in hists if h["tid"] == child.pid]
        tap.check("runqlat -L names a renamed thread as it is now",
                  line == "renamed" and len(mine) == 1 and mine[0]["comm"] == "renamed-late",
                  mine[0]["comm"] if mine else "", f"child said {line!r}; {hists}")
    finally:
        child.kill()
        child.wait()


def fifo_hog(tap):
    with sslib.Workload("fifo-hog", CPU, HOG_MS, binary="ssprio") as wl:
        victim = wl.tids["victim"]
        with sslib.Tracer(["runqslower", "--json", "-P", "20000"], cpus=OTHER) as slow, \
             sslib.Tracer(["starve", "--json", "--threshold", "20"], cpus=OTHER) as st:
            before = sslib.thread_counters(wl.pid, victim)
            wl.send("run")
            r = wl.reply()
            after = sslib.thread_counters(wl.pid, victim)
            time.sleep(0.3)
            slow.stop()
            st.stop()
        rd = after["runq_wait_ns"] - before["runq_wait_ns"]
        ev = [e for e in slow.reports("runq_slow") if e["tid"] == victim]
        tap.check("runqslower 20000 reports the victim", len(ev) == 1,
                  f"{len(ev)} event(s)", f"events for {victim}: {ev}; all: {slow.stdout}")
        if ev:
            e = ev[0]
            tap.check(f"runqslower latency >= {HOG_MS - 10} ms", e["lat_ns"] >= (HOG_MS - 10) * 1e6,
                      f"{e['lat_ns'] / 1e6:.3f} ms", f"{e}")
            tap.check("runqslower latency = run_delay growth", close(e["lat_ns"], rd, 0.01),
                      f"{e['lat_ns']} vs {rd} ns", f"{e['lat_ns']} vs run_delay +{rd}")
            # When the hog lets go, other waiters on the CPU (rcu_preempt, a
            # kworker) may run before the victim: then the first of them is
            # reported after the hog, or the victim's prev is reported as
            # held back by the hog like it.
            hog = wl.tids["hog"]
            slow_ev = slow.reports("runq_slow")
            first = [x for x in slow_ev if x["cpu"] == e["cpu"] and x["prev"]["tid"] == hog]
            held = [x for x in slow_ev if x["cpu"] == e["cpu"] and x["tid"] == e["prev"]["tid"]
                    and x["ts_ns"] <= e["ts_ns"]]
            tap.check("runqslower -P names the hog, or a waiter it held back",
                      e["prev"]["tid"] == hog or first or held,
                      f"prev {e['prev']['comm']}" +
                      (f", which waited {held[0]['lat_ns'] / 1e6:.1f} ms too" if held else
                       f"; {first[0]['comm']} ran first, after the hog" if first else ""),
                      f"{e['prev']}; all: {slow.stdout}")
        starving = [e for e in st.reports("starving") if e["tid"] == victim]
        tap.check("starve reports the victim while the hog spins",
                  bool(starving) and starving[0]["ts_ns"] < r["hog_end_ns"],
                  f"at {(starving[0]['ts_ns'] - r['woke_ns']) / 1e6:.1f} ms after the wakeup, "
                  f"hog ended at {(r['hog_end_ns'] - r['woke_ns']) / 1e6:.1f} ms"
                  if starving else "",
                  f"starving lines: {starving}, hog {r}")
        if starving:
            s = starving[0]
            tap.check("starve names what runs instead",
                      s["running"]["tid"] == wl.tids["hog"] and
                      s["running"]["priority"] == "FIFO 10" and s["waited_ns"] >= 20e6,
                      f"{s['running']['comm']} ({s['running']['priority']}), "
                      f"{s['waited_ns'] / 1e6:.1f} ms so far", f"{s}")
        ended = [e for e in st.reports("starved") if e["tid"] == victim]
        tap.check("starve ends with the whole wait",
                  len(ended) == 1 and close(ended[0]["waited_ns"], rd, 0.01),
                  f"{ended[0]['waited_ns'] / 1e6:.3f} ms" if ended else "",
                  f"ended lines {ended}, run_delay +{rd}")


def prewait_once():
    with sslib.Workload("prewait", CPU, 450, binary="ssprio") as wl:
        victim = wl.tids["pw-victim"]
        wl.send("run")
        start = wl.reply()
        # The victim is runnable and waiting behind the hog from here on.
        with sslib.Tracer(["runqlat", "-L", "-t", victim, "--json"], cpus=OTHER) as tr:
            traced_at = time.monotonic_ns()
            end = wl.reply()
            tr.stop()
    return victim, start, end, traced_at, sslib.one_report(tr, "runqlat")


def prewait(tap):
    # The hog spins as long as ssprio allows (below the RT throttling limit).
    # The experiment needs the tracer attached before the hog lets go: a
    # tracer's start took 572 ms once on a loaded CI machine (before the
    # histogram's verification went from 0.36 s to 6 ms), so an attempt that
    # missed the wait is made again, and that alone is not a failure.
    tries = []
    for _ in range(3):
        victim, start, end, traced_at, report = prewait_once()
        tries.append(f"{(traced_at - start['hog_start_ns']) / 1e6:.1f} ms")
        if traced_at < end["hog_end_ns"]:
            break
    h = by_tid(report).get(victim)
    spun = end["hog_end_ns"] - start["hog_start_ns"]
    lost = report["lost"]["waits_begun_before_trace"]
    began_before = traced_at < end["hog_end_ns"]
    whole = h is not None and h["all"]["max_ns"] >= 0.95 * spun
    # The first scan seeds its baseline, so it is measured, not counted as lost.
    tap.check("runqlat measures a wait begun before tracing, whole",
              began_before and whole,
              f"max {h['all']['max_ns'] / 1e6:.1f} ms of {spun / 1e6:.1f} ms hog; "
              f"tracer ready {', '.join(tries)} into it" if h else "",
              f"tracer ready {', '.join(tries)} into a {spun / 1e6:.1f} ms hog; "
              f"histogram {h and h['all']}, lost {lost}")


def inversion(tap, mode):
    with sslib.Workload("inversion", CPU, mode, binary="ssprio") as wl:
        with sslib.Tracer(["inversion", "--json", "--threshold", "20"], cpus=OTHER) as tr:
            wl.send("run")
            r = wl.reply()
            time.sleep(0.3)
            tr.stop()
        high, low, mid = wl.tids["inv-high"], wl.tids["inv-low"], wl.tids["inv-mid"]
        tap.check(f"inversion {mode}: workload set it up", r.get("high_blocked") is True,
                  f"high blocked {r['high_block_ns'] / 1e6:.1f} ms", f"{r}")
        woken = [e for e in tr.reports("inversion_woken") if e["tid"] == high]
        boosts = [e for e in tr.reports("pi_boost") if e["tid"] == low]
        if mode == "plain":
            ok = (len(woken) == 1 and woken[0]["waker"]["tid"] == low and
                  woken[0]["ran_instead"]["tid"] == mid and
                  close(woken[0]["blocked_ns"], r["high_block_ns"], 0.05))
            tap.check("inversion plain: reported, with the waker and what ran instead", ok,
                      f"blocked {woken[0]['blocked_ns'] / 1e6:.1f} ms, waker waited "
                      f"{woken[0]['waker_waited_ns'] / 1e6:.1f} ms" if woken else "",
                      f"woken events {woken}; all {tr.stdout}")
            tap.check("inversion plain: no priority boost", not boosts, "", f"{boosts}")
        else:
            ok = (len(boosts) == 1 and boosts[0]["donor"]["tid"] == high and
                  boosts[0]["prio"] == 89 and boosts[0]["boosted_prio"] == 69)
            tap.check("inversion pi: the boost is reported", ok,
                      f"{boosts[0]['priority']} -> {boosts[0]['boosted_priority']} for "
                      f"{boosts[0]['boost_ns'] / 1e6:.1f} ms" if boosts else "",
                      f"boosts {boosts}; all {tr.stdout}")
            tap.check("inversion pi: no inversion reported", not woken, "", f"{woken}")


def main():
    tap = sslib.Tap()
    sslib.run_cases(tap, [
        ("spin_pair", lambda: spin_pair_sums(tap)),
        ("from_waking", lambda: from_waking(tap)),
        ("renamed", lambda: renamed_thread(tap)),
        ("fifo_hog", lambda: fifo_hog(tap)),
        ("prewait", lambda: prewait(tap)),
        ("inversion_plain", lambda: inversion(tap, "plain")),
        ("inversion_pi", lambda: inversion(tap, "pi")),
    ])


if __name__ == "__main__":
    main()
