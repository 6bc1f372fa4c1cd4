#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""schedscope syscount against what tests/workload/sysload did, root.

One sysload run (known opens, failures, execs, 20 ms sleeps, children) is
traced by several syscount processes at once, each with other options:

  counts    -p PID: opens per syscall (open, openat, openat2, creat)
            exactly, the sleeps as clock_nanosleep (what glibc's
            nanosleep() calls) and none as nanosleep
  failures  -x and -e ENOENT: the misses per syscall exactly; -c with
            -e EACCES: the uid-65534 child's refused openat calls, and the
            exec children's failed execve calls per errno
  hist      --hist: the sleeps in log2 slot 16384 -> 32767 us and in the
            fine bucket [18874368, 20971520) ns, percentiles near 20 ms
  slower    --slower 10: each sleep as an event, with its duration, its
            return value and its first arguments
  interval  0.1 s reports, printed and cleared, sum to the counts run
  drops     a 4 KiB ring, the tracer stopped while the workload runs:
            events + drops = the calls timed, and the drops are shown

then 32-bit calls (int 0x80 from a 64-bit process: the kernel's compat
entry) keyed apart from 64-bit ones, -l against <asm/unistd_64.h>, and
bad input. Under 60 s.
"""

import os
import re
import signal
import subprocess
import tempfile
import time

import sslib

SLEEPS = 5
OPENS = 110
EXECS = 8
UNISTD = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"


def rows_of(report):
    return {r["syscall"]: r for r in report["rows"]}


def counts_of(report):
    return {r["syscall"]: r["count"] for r in report["rows"]}


def final(tracer):
    reps = tracer.reports("syscount")
    if not reps:
        raise sslib.TracerError(f"{tracer.name()}: no report; stderr: "
                                f"{sslib.one_line(chr(10).join(tracer.stderr or []))}")
    return reps[-1]


def sum_intervals(reports):
    total = {}
    for rep in reports:
        for name, n in counts_of(rep).items():
            total[name] = total.get(name, 0) + n
    return total


def check_counts(tap, rep, st):
    got = counts_of(rep)
    o = st["opens"]
    # openat: the absolute and the dirfd-relative opens, and the directory
    # fd that do_opens() opens first (glibc's open() is an openat).
    want = {"open": sum(o["open"]), "openat": sum(o["openat"]) + sum(o["openat_dirfd"]) + 1,
            "openat2": sum(o["openat2"]), "creat": sum(o["creat"]),
            "clock_nanosleep": st["sleeps"], "wait4": st["forks"]}
    for name, n in want.items():
        tap.check(f"counts: {name} exact", got.get(name, 0) == n, f"{n}",
                  f"syscount {got.get(name, 0)}, sysload {n}")
    tap.check("counts: glibc's nanosleep() is clock_nanosleep, no nanosleep",
              "nanosleep" not in got, "", f"nanosleep {got.get('nanosleep')}")


def check_failures(tap, name, rep, st):
    got = counts_of(rep)
    o = st["opens"]
    want = {"open": o["open"][1], "openat": o["openat"][1] + o["openat_dirfd"][1],
            "openat2": o["openat2"][1], "creat": o["creat"][1]}
    tap.check(f"{name}: failed opens per syscall exact", got == want, str(want), str(got))


def fine_bucket(ns):
    """The fine bucket [lo, hi) of ns, as lat_buckets.h places it."""
    if ns < 8:
        return ns, ns + 1
    k = ns.bit_length() - 1
    width = 1 << (k - 3)
    lo = (ns >> (k - 3)) << (k - 3)
    return lo, lo + width


def check_hist(tap, rep, st, sleeps_ns):
    """sleeps_ns: the same sleeps' durations as --slower measured them (a
    few microseconds apart from the histogram's own)."""
    row = rows_of(rep).get("clock_nanosleep")
    if not tap.check("hist: clock_nanosleep has a histogram", row is not None, "",
                     str(list(rows_of(rep)))):
        return
    lat = row["latency"]
    tap.check("hist: every sleep counted", lat["count"] == st["sleeps"], f"{lat['count']}")
    slots = lat["log2"]["slots"]
    tap.check("hist: 20 ms sleeps in log2 slot 16384 -> 32767 us",
              slots == [{"lo": 16384, "hi": 32767, "count": st["sleeps"]}], "", str(slots))
    fine = lat["fine"]
    # 20 ms and a little: [18874368, 20971520) ns, unless the machine was so
    # busy that a sleep overran by a millisecond (--slower says so).
    want = {fine_bucket(20_000_000)} | {fine_bucket(ns) for ns in sleeps_ns}
    tap.check("hist: and in fine bucket [18874368, 20971520) ns",
              sum(b["count"] for b in fine) == st["sleeps"] and
              all((b["lo_ns"], b["hi_ns"]) in want for b in fine), str(fine),
              f"{fine}; --slower saw {sleeps_ns}")
    for q in ("p50_ns", "p90_ns", "p99_ns", "p999_ns"):
        tap.check(f"hist: {q} near 20 ms", 20_000_000 <= lat[q] <= lat["max_ns"],
                  f"{lat[q]} ns", f"{lat[q]} ns, max {lat['max_ns']}")
    tap.check("hist: max of a 20 ms sleep",
              20_000_000 <= lat["max_ns"] < max(sleeps_ns or [21_000_000]) + 1_000_000,
              f"{lat['max_ns']} ns")


def check_slower(tap, tracer, st):
    events = tracer.reports("syscall")
    sleeps = [e for e in events if e["syscall"] == "clock_nanosleep"]
    tap.check("slower: each sleep an event", len(sleeps) == st["sleeps"],
              f"{len(sleeps)}", f"{len(sleeps)} of {st['sleeps']}")
    tap.check("slower: every event of at least 10 ms",
              all(e["dur_ns"] >= 10_000_000 for e in events), f"{len(events)} events")
    tap.check("slower: the sleeps' durations are 20 ms and more, their return 0",
              all(20_000_000 <= e["dur_ns"] < 30_000_000 and e["ret"] == 0 and
                  e["errno"] is None for e in sleeps), "",
              str([(e["dur_ns"], e["ret"]) for e in sleeps]))
    tap.check("slower: their first arguments are CLOCK_REALTIME, no flags, a request",
              all(e["args"][0] == 0 and e["args"][1] == 0 and e["args"][2] != 0 for e in sleeps),
              "", str([e["args"] for e in sleeps]))
    tap.check("slower: the process and thread are sysload's",
              all(e["pid"] == st["pid"] and e["tid"] == st["pid"] and e["comm"] == "sysload"
                  for e in sleeps), "", str(sleeps[:1]))
    rep = final(tracer)
    tap.check("slower: no event dropped with the default ring",
              rep["lost"]["ring_drops"] == 0, "", str(rep["lost"]))


def check_drops(tap, tracer):
    rep = final(tracer)
    events = len(tracer.reports("syscall"))
    drops = rep["lost"]["ring_drops"]
    timed = rep["total"] - rep["lost"]["unpaired"]
    tap.check("drops: a full ring's drops are counted", drops > 0, f"{drops} dropped")
    tap.check("drops: events + drops = the calls timed", events + drops == timed,
              f"{events} + {drops} = {timed}", f"{events} + {drops} != {timed}")
    text = sslib.run([sslib.schedscope_path(), "syscount", "-d", "0.01", "--slower", "1"])
    tap.check("drops: the text report says lost lines only when there are some",
              text.returncode == 0 and "ring buffer" not in text.stdout, "",
              f"rc {text.returncode}: {sslib.one_line(text.stdout + text.stderr)}")


def check_exec_failures(tap, enoent, eacces, st):
    tap.check("failures: execve ENOENT of the exec children exact",
              counts_of(enoent).get("execve", 0) == st["execs"]["enoent"],
              f"{st['execs']['enoent']}", str(counts_of(enoent)))
    tap.check("failures: execve EACCES of the exec children exact",
              counts_of(eacces).get("execve", 0) == st["execs"]["eacces"],
              f"{st['execs']['eacces']}", str(counts_of(eacces)))


def traced_run(tap):
    """One sysload run under every tracer; returns (stats, {name: tracer})."""
    d = tempfile.mkdtemp(prefix="sc-")
    w = sslib.Sysload(os.path.join(d, "w"), opens=OPENS, execs=EXECS, sleeps=SLEEPS,
                      children=3)
    p = str(w.pid)
    runs = {
        "counts": ["-p", p, "-T", "0"],
        "failures": ["-p", p, "-x", "-T", "0"],
        "enoent": ["-p", p, "-e", "ENOENT", "-T", "0"],
        "eacces": ["-c", "sl-noperm", "-e", "EACCES", "-T", "0"],
        "exec_enoent": ["-c", "sl-exec", "-e", "ENOENT", "-T", "0"],
        "exec_eacces": ["-c", "sl-exec", "-e", "13", "-T", "0"],
        "hist": ["-p", p, "--hist", "-T", "0"],
        "slower": ["-p", p, "--slower", "10", "-T", "0"],
        "interval": ["-p", p, "-T", "0", "0.1"],
        "drops": ["-p", p, "--slower", "0.000001", "--buffer-kb", "4", "-T", "0"],
    }
    tracers = {}
    try:
        for name, args in runs.items():
            tracers[name] = sslib.Tracer(["syscount", "--json"] + args)
        os.kill(tracers["drops"].proc.pid, signal.SIGSTOP)
        st = w.go()
        time.sleep(0.3)
        os.kill(tracers["drops"].proc.pid, signal.SIGCONT)
        for name, t in tracers.items():
            rc = t.stop()
            tap.check(f"{name}: exits 0 on SIGINT", rc == 0, "",
                      f"rc {rc}: {sslib.one_line(chr(10).join(t.stderr or []))}")
    finally:
        for t in tracers.values():
            t.kill()
    return st, tracers


def check_workload(tap):
    st, t = traced_run(tap)
    check_counts(tap, final(t["counts"]), st)
    check_failures(tap, "-x", final(t["failures"]), st)
    check_failures(tap, "-e ENOENT", final(t["enoent"]), st)
    got = counts_of(final(t["eacces"]))
    tap.check("failures: the uid-65534 child's EACCES openat calls exact",
              got == {"openat": st["eacces"]["count"]}, f"{st['eacces']['count']}", str(got))
    check_exec_failures(tap, final(t["exec_enoent"]), final(t["exec_eacces"]), st)
    check_hist(tap, final(t["hist"]), st,
               [e["dur_ns"] for e in t["slower"].reports("syscall")
                if e["syscall"] == "clock_nanosleep"])
    check_slower(tap, t["slower"], st)
    reps = t["interval"].reports("syscount")
    tap.check("interval: several reports", len(reps) >= 3, f"{len(reps)}")
    tap.check("interval: print-and-clear sums to the whole run",
              sum_intervals(reps) == counts_of(final(t["counts"])), "",
              f"{sum_intervals(reps)} != {counts_of(final(t['counts']))}")
    check_drops(tap, t["drops"])


def check_list(tap):
    r = sslib.run([sslib.schedscope_path(), "syscount", "-l"])
    if not tap.check("list: exits 0", r.returncode == 0, "", sslib.one_line(r.stderr)):
        return
    listed = {}
    for line in r.stdout.splitlines()[1:]:
        nr, name = line.split()
        if not name.startswith("ia32:"):
            listed[name] = int(nr)
    with open(UNISTD) as f:
        header = {m.group(1): int(m.group(2)) for m in
                  re.finditer(r"#define __NR_(\w+) (\d+)", f.read())}
    both = set(listed) & set(header)
    wrong = {n: (listed[n], header[n]) for n in both if listed[n] != header[n]}
    tap.check("list: the kernel's names agree with <asm/unistd_64.h>",
              len(both) > 300 and not wrong, f"{len(both)} names agree",
              f"{len(both)} in both; differ: {wrong}")
    tap.check("list: the syscalls sysload makes are named",
              all(n in listed for n in ("open", "openat", "openat2", "creat",
                                        "clock_nanosleep", "execve", "wait4")), "", "")


# A child that, after a line on stdin, makes 7 ia32 getpid() calls (number 20
# there, 39 on x86-64) through int 0x80, which enters the compat path.
INT80 = """
import ctypes, mmap, os, sys
code = bytes([0xb8, 20, 0, 0, 0, 0xcd, 0x80, 0xc3])  # mov eax, 20; int 0x80; ret
buf = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
buf.write(code)
call = ctypes.CFUNCTYPE(ctypes.c_int)(ctypes.addressof(ctypes.c_char.from_buffer(buf)))
me = os.getpid()
print(me, flush=True)
sys.stdin.readline()
print(sum(call() == me for _ in range(7)), flush=True)
"""


def check_compat(tap):
    child = subprocess.Popen(["/usr/bin/python3", "-c", INT80], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        pid = child.stdout.readline().strip()
        with sslib.Tracer(["syscount", "--json", "-p", pid, "-T", "0"]) as t:
            child.stdin.write("go\n")
            child.stdin.flush()
            done = child.stdout.readline().strip()
            child.wait(10)
            t.stop()
            got = counts_of(final(t))
    finally:
        child.kill()
    ia32 = {k: v for k, v in got.items() if "ia32" in k}
    tap.check("compat: the child's int 0x80 calls worked", done == "7", "", f"{done!r}")
    tap.check("compat: 32-bit getpid counted apart, under its ia32 number",
              ia32 in ({"ia32:getpid": 7}, {"[ia32 unknown: 20]": 7}) and "getpid" not in got,
              str(ia32), str(got))


def check_closed_pipe(tap):
    """| head: the reader goes away after one line of events; syscount stops
    at once, quietly, exit 0."""
    start = time.monotonic()
    p = subprocess.Popen([str(sslib.schedscope_path()), "syscount", "--slower", "0.01",
                          "-d", "20"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    p.stdout.readline()
    p.stdout.close()
    try:
        rc = p.wait(15)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = None
    err = p.stderr.read()
    p.stderr.close()
    took = time.monotonic() - start
    tap.check("| head: stops at once, quietly, exit 0",
              rc == 0 and took < 10 and "schedscope:" not in err, f"{took:.1f} s",
              f"rc {rc} after {took:.1f} s: {sslib.one_line(err)}")


def check_bad_input(tap):
    for args, what in ((["-e", "ENOPE"], "unknown errno"), (["-e", "0"], "errno 0"),
                       (["--buffer-kb", "3"], "--buffer-kb not a power of two"),
                       (["-T", "x"], "bad -T"), (["--slower", "-1"], "negative --slower"),
                       (["-i", "0"], "zero interval")):
        r = sslib.run([sslib.schedscope_path(), "syscount"] + args)
        tap.check(f"bad input: {what} exits 2 with a message",
                  r.returncode == 2 and r.stderr.startswith("schedscope: "),
                  "", f"rc {r.returncode}: {sslib.one_line(r.stderr)}")


def main():
    tap = sslib.Tap()
    sslib.run_cases(tap, [("workload", lambda: check_workload(tap)),
                          ("compat", lambda: check_compat(tap)),
                          ("list", lambda: check_list(tap)),
                          ("pipe", lambda: check_closed_pipe(tap)),
                          ("bad_input", lambda: check_bad_input(tap))])


if __name__ == "__main__":
    main()
