#!/usr/bin/env python3
"""top -C: what happened on one CPU only. Two threads pinned to CPU 1 spin
against each other between two rests; over that phase all their runtime,
switches and waits are on CPU 1, so `top -C 1` must match /proc exactly and
`top -C 0` must not list them."""

import sslib

WORK_CPU = 1
RUN_S = 1.5


def case(tap):
    with sslib.Workload("spin-pair", WORK_CPU) as wl:
        cmd = ["top", "--by", "tid", "-n", "0", "--json", "-p", str(wl.pid), "-C"]
        with sslib.Tracer(cmd + [str(WORK_CPU)], cpus=[0]) as on, \
                sslib.Tracer(cmd + ["0"], cpus=[0]) as off:
            before, after = wl.run_for(RUN_S)
            rc_on, rc_off = on.stop(), off.stop()
    tap.check("-C exit status", rc_on == 0 and rc_off == 0, "rc=0",
              f"rc {rc_on} and {rc_off}")
    rows = sslib.rows_by_tid(sslib.one_report(on, "top"))
    other = sslib.rows_by_tid(sslib.one_report(off, "top"))
    for name, tid in wl.tids.items():
        exp = sslib.counters_delta(before[name], after[name])
        row = rows.get(tid, {})
        got_rt, want_rt = row.get("runtime_ns", 0), exp["runtime_ns"]
        err = sslib.rel_err(got_rt, want_rt)
        tap.check(f"-C {WORK_CPU} {name} runtime", err <= 0.01,
                  f"err={sslib.pct(err)}", f"{got_rt} vs /proc {want_rt}: {sslib.pct(err)}")
        for key in ("voluntary_switches", "involuntary_switches"):
            got, want = row.get(key, 0), exp[key]
            tap.check(f"-C {WORK_CPU} {name} {key}", abs(got - want) <= max(1, 0.01 * want),
                      f"{got} vs {want}", f"{got} vs /proc {want}")
        got_w, want_w = row.get("runq_wait_ns", 0), exp["runq_wait_ns"]
        err = sslib.rel_err(got_w, want_w)
        tap.check(f"-C {WORK_CPU} {name} runq wait", err <= 0.02,
                  f"err={sslib.pct(err)}", f"{got_w} vs /proc {want_w}: {sslib.pct(err)}")
        tap.check(f"-C 0 {name} absent", tid not in other or
                  other[tid].get("runtime_ns", 0) == 0,
                  "absent", f"listed on CPU 0: {other.get(tid)}")


def main():
    tap = sslib.Tap()
    sslib.run_cases(tap, [("-C", lambda: case(tap))])


if __name__ == "__main__":
    main()
