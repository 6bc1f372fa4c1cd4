#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""schedscope record and report against live top and the kernel (root).

  live-vs-recorded  top runs live while record captures the same workload
                    (a ping-pong pair and a spinning pair, each running a
                    burst between two rests inside both windows); report top
                    on the file must give the live figures, and both the
                    /proc deltas, for every worker thread.
  runqlat           report runqlat -L on that file: each worker's waits, split
                    or in unsplit spans, sum to its run_delay growth and
                    number its pcount growth.
  lossy             the same while the recorder is stopped long enough to
                    lose switches: the identities hold, with unsplit waits.
  cpus              report cpus: all CPUs' switches within /proc/stat's ctxt
                    around the recording; the workload CPU's busy time and
                    switches hold the pinned pair's (/proc).
  command           record -- CMD ends with the command and names it.
  no-overwrite      an existing file is kept unless -f.
  kill-9            a recorder killed with SIGKILL leaves a file that reads
                    up to its last chunk, and report says it was cut.
  corrupt           flipped bytes: an error with the byte offset, exit 1,
                    no crash; a file that is no recording: exit 1.

Usage: test_record.py [CASE...]
"""

import json
import os
import signal
import subprocess
import tempfile
import time

import sslib
from sslib import pct, rel_err

RUN_S = 1.5
WORK_CPU = 1 if sslib.ncpus() > 1 else 0
TOOL_CPUS = {0}
TMP = tempfile.mkdtemp(prefix="ssrec-")
COUNTERS = ("runtime_ns", "voluntary_switches", "involuntary_switches",
            "runq_wait_ns")

tap = sslib.Tap()
state = {}


def tool(*args, timeout=60):
    return subprocess.run([str(sslib.schedscope_path()), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def path(name):
    return os.path.join(TMP, name)


def report_json(kind, f, *args):
    r = tool("report", "-i", f, kind, "--json", *args)
    if r.returncode != 0:
        raise ValueError(f"report {kind} exited {r.returncode}: "
                         f"{sslib.one_line(r.stderr)}")
    objs = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    return objs, r


def live_vs_recorded():
    f = path("pair.ssr")
    workloads = [("pingpong", [WORK_CPU]), ("spin-pair", [WORK_CPU])]
    for scenario, args in workloads:
        label = f"live-vs-recorded {scenario}"
        with sslib.Workload(scenario, *args) as wl:
            fs = f"{f}.{scenario}"
            live = sslib.Tracer(["top", "--by", "tid", "-n", "0", "--json",
                                 "-p", wl.pid], cpus=TOOL_CPUS)
            rec = sslib.Tracer(["record", "-o", fs, "-p", wl.pid],
                               cpus=TOOL_CPUS)
            before, after = wl.run_for(RUN_S)
            rc_rec = rec.stop()
            stopped_wall = time.time_ns()
            rc_live = live.stop()
        tap.check(f"{label} exit status", rc_rec == 0 and rc_live == 0,
                  "record 0, top 0",
                  f"record {rc_rec}, top {rc_live}: "
                  f"{sslib.one_line(chr(10).join(rec.stderr or []))}")
        summary = [l for l in rec.stderr if l.startswith("Recorded ")]
        tap.check(f"{label} summary", bool(summary) and " 0 lost" in summary[0],
                  summary[0] if summary else "",
                  f"no summary with 0 lost: {rec.stderr}")
        live_rows = sslib.rows_by_tid(sslib.one_report(live, "top"))
        reports, _ = report_json("top", fs, "--by", "tid", "-n", "0",
                                 "-p", wl.pid)
        if not tap.check(f"{label} one report", len(reports) == 1,
                         "1 report", f"{len(reports)} reports"):
            continue
        rec_rows = {r["tid"]: r for r in reports[0]["tasks"]}
        if scenario == "pingpong":
            state["file"] = fs
            state["pingpong"] = (wl, before, after)
            state["stopped_wall"] = stopped_wall
        for name, tid in wl.tids.items():
            exp = sslib.counters_delta(before[name], after[name])
            lr, rr = live_rows.get(tid), rec_rows.get(tid)
            if not tap.check(f"{label} {name} rows", lr and rr,
                             f"tid {tid}", f"live {lr}, recorded {rr}"):
                continue
            tap.check(f"{label} {name} comm", rr["comm"] == name,
                      name, f"recorded comm {rr['comm']!r}")
            for key in COUNTERS:
                tap.check(f"{label} {name} {key} recorded = live",
                          rr[key] == lr[key], f"{rr[key]}",
                          f"recorded {rr[key]}, live {lr[key]}")
                tap.check(f"{label} {name} {key} recorded = /proc",
                          rr[key] == exp[key], f"{rr[key]}",
                          f"recorded {rr[key]}, /proc {exp[key]}")
            tap.check(f"{label} {name} wakeups recorded ~ live",
                      abs(rr["wakeups"] - lr["wakeups"]) <= 1,
                      f"{rr['wakeups']}",
                      f"recorded {rr['wakeups']}, live {lr['wakeups']}")


def check_runqlat_identities(label, wl, before, after, fs):
    """report runqlat -L on fs against the kernel: every wait that ended is
    in the count (split, or in an unsplit span where switch-ins were not
    recorded) and every nanosecond of run_delay growth is in the sums.
    Returns the unsplit waits seen, or None."""
    reports, _ = report_json("runqlat", fs, "-L")
    hists = {h["tid"]: h for h in reports[0]["histograms"]} if reports else {}
    unsplit = 0
    for name, tid in wl.tids.items():
        exp = sslib.counters_delta(before[name], after[name])
        h = hists.get(tid)
        if not tap.check(f"{label} {name} histogram", h is not None,
                         f"tid {tid}", f"none for {tid}: {list(hists)}"):
            return None
        count, sum_ns = h["all"]["count"], h["all"]["sum_ns"]
        us = h["unsplit"]
        unsplit += us["waits"]
        tap.check(f"{label} {name} sum + unsplit = run_delay growth",
                  sum_ns + us["sum_ns"] == exp["runq_wait_ns"] == h["run_delay_ns"],
                  f"{sum_ns} + {us['sum_ns']} ns",
                  f"sum {sum_ns} + unsplit {us['sum_ns']}, run_delay_ns "
                  f"{h['run_delay_ns']}, /proc {exp['runq_wait_ns']}")
        tap.check(f"{label} {name} count + unsplit = pcount growth",
                  count + us["waits"] == exp["timeslices"],
                  f"{count} + {us['waits']}",
                  f"count {count} + unsplit {us['waits']}, /proc {exp['timeslices']}")
    return unsplit


def runqlat():
    if "file" not in state:
        tap.fail("runqlat", "no recording from live-vs-recorded")
        return
    wl, before, after = state["pingpong"]
    check_runqlat_identities("runqlat -L", wl, before, after, state["file"])
    # -T stamps the recording's end, not the time report runs.
    wait = 3e9 - (time.time_ns() - state["stopped_wall"])
    if wait > 0:
        time.sleep(wait / 1e9)
    reports, _ = report_json("runqlat", state["file"], "-T")
    stamp = reports[0].get("time_ns") if reports else None
    tap.check("runqlat -T stamps the recording's time",
              stamp is not None and abs(stamp - state["stopped_wall"]) < 1e9,
              f"{(stamp - state['stopped_wall']) / 1e6:.1f} ms from the recording's end"
              if stamp else "", f"time_ns {stamp}, recording ended {state['stopped_wall']}, "
              f"now {time.time_ns()}")


def lossy():
    """A recorder stopped mid-run loses switches (the ring fills): report
    runqlat -L must still hold both identities, the waits it cannot split
    counted as such."""
    fs = path("lossy.ssr")
    with sslib.Workload("pingpong", WORK_CPU) as wl:
        rec = sslib.Tracer(["record", "-o", fs, "-p", wl.pid, "--buffer", "1"],
                           cpus=TOOL_CPUS)
        before = wl.counters()
        wl.run()
        time.sleep(0.3)
        os.kill(rec.proc.pid, signal.SIGSTOP)
        time.sleep(0.6)
        os.kill(rec.proc.pid, signal.SIGCONT)
        time.sleep(0.3)
        wl.rest()
        after = wl.counters()
        rc = rec.stop()
    summary = [l for l in rec.stderr if l.startswith("Recorded ")]
    tap.check("lossy record exit status and losses told", rc == 0 and bool(summary)
              and " 0 lost" not in summary[0], summary[0] if summary else "",
              f"rc {rc}, {rec.stderr}")
    unsplit = check_runqlat_identities("lossy runqlat -L", wl, before, after, fs)
    tap.check("lossy runqlat -L: the lost switch-ins left unsplit waits",
              unsplit is not None and unsplit > 0, f"{unsplit} unsplit waits",
              f"{unsplit} unsplit waits")


def cpus():
    """An unfiltered recording of a ping-pong pair pinned to WORK_CPU: that
    CPU's busy time must hold the pair's runtime and its switches theirs
    (the /proc deltas between two rests), and all CPUs' switches stay within
    the kernel's count (/proc/stat ctxt) around the whole recording."""
    f = path("cpus.ssr")
    with sslib.Workload("pingpong", WORK_CPU) as wl:
        ctxt_a = sslib.read_ctxt()
        rec = sslib.Tracer(["record", "-o", f], cpus=TOOL_CPUS)
        ctxt_b = sslib.read_ctxt()
        before, after = wl.run_for(1.0)
        ctxt_c = sslib.read_ctxt()
        rc = rec.stop()
        ctxt_d = sslib.read_ctxt()
    tap.check("cpus recording", rc == 0, "exit 0", f"rc={rc}")
    reports, _ = report_json("cpus", f)
    rows = {r["cpu"]: r for r in reports[0]["cpus"]} if reports else {}
    total = sum(r["switches"] for r in rows.values())
    # Less the switches the tracepoint never reports.
    lo, hi = ctxt_c - ctxt_b - sslib.UNTRACED_MAX, ctxt_d - ctxt_a
    tap.check("cpus switches within the kernel's around the recording",
              lo <= total <= hi, f"{total} in [{lo}, {hi}]",
              f"cpus {total}, /proc/stat ctxt grew {ctxt_c - ctxt_b} inside and "
              f"{hi} around the recording")
    row = rows.get(WORK_CPU)
    if not tap.check("cpus row of the workload's CPU", row is not None, f"CPU {WORK_CPU}",
                     f"rows {sorted(rows)}"):
        return
    dur = reports[0]["duration_ns"]
    busy = dur - row["idle_ns"]
    exp = [sslib.counters_delta(before[n], after[n]) for n in wl.tids]
    runtime = sum(e["runtime_ns"] for e in exp)
    sw = sum(e["voluntary_switches"] + e["involuntary_switches"] for e in exp)
    tap.check("cpus busy time holds the pair's runtime", runtime <= busy,
              f"busy {busy / 1e6:.1f} ms >= {runtime / 1e6:.1f} ms of the pair",
              f"busy {busy} ns (idle {row['idle_ns']} of {dur}), pair ran {runtime} ns")
    tap.check("cpus switches hold the pair's", row["switches"] >= sw,
              f"{row['switches']} >= {sw}", f"CPU {WORK_CPU}: {row['switches']} < {sw}")


def command():
    f = path("cmd.ssr")
    t0 = time.monotonic()
    r = tool("record", "-o", f, "--", "sh", "-c", "sleep 0.3; exec true")
    took = time.monotonic() - t0
    tap.check("command exit status", r.returncode == 0, "0",
              f"{r.returncode}: {sslib.one_line(r.stderr)}")
    tap.check("command ends the recording", took < 10, f"{took:.1f} s",
              f"took {took:.1f} s")
    reports, _ = report_json("top", f, "--by", "comm", "-c", "sleep", "-n", "0")
    names = [t["comm"] for t in reports[0]["tasks"]] if reports else []
    tap.check("command named in the file", "sleep" in names, f"{names}",
              f"no 'sleep' row: {names}")
    bad = path("bad.ssr")
    r = tool("record", "-o", bad, "--", "/nonexistent/cmd")
    tap.check("command that cannot run: exit 1, no file", r.returncode == 1 and
              "cannot run /nonexistent/cmd: No such file" in r.stderr and
              not os.path.exists(bad), f"rc={r.returncode}",
              f"rc={r.returncode}, file left: {os.path.exists(bad)}: {sslib.one_line(r.stderr)}")
    # With -f over a symlink, the file written is the link's target: neither
    # goes when nothing is recorded (only a regular file at the path given).
    target, link = path("target.ssr"), path("link.ssr")
    with open(target, "w") as fh:
        fh.write("x")
    os.symlink(target, link)
    r = tool("record", "-f", "-o", link, "--", "/nonexistent/cmd")
    tap.check("command that cannot run, -f over a symlink: link and target kept",
              r.returncode == 1 and os.path.islink(link) and os.path.exists(target),
              f"rc={r.returncode}", f"rc={r.returncode}, link {os.path.islink(link)}, "
              f"target {os.path.exists(target)}: {sslib.one_line(r.stderr)}")
    # 127 is the shell's "not found", and any command's to give: it ran.
    f = path("exit127.ssr")
    r = tool("record", "-o", f, "--", "sh", "-c", "exit 127")
    tap.check("command that runs and exits 127: recorded, status told",
              r.returncode == 0 and "exited with status 127" in r.stderr and
              "cannot run" not in r.stderr and os.path.getsize(f) > 0,
              f"rc={r.returncode}", f"rc={r.returncode}: {sslib.one_line(r.stderr)}")


def no_overwrite():
    f = path("keep.ssr")
    with open(f, "w") as fh:
        fh.write("precious")
    r = tool("record", "-o", f, "-d", "0.2")
    with open(f) as fh:
        kept = fh.read() == "precious"
    tap.check("no-overwrite refuses", r.returncode == 1 and kept and
              "-f" in r.stderr, "exit 1, file kept",
              f"rc={r.returncode}, kept={kept}: {sslib.one_line(r.stderr)}")
    r = tool("record", "-o", f, "-f", "-d", "0.2")
    info = tool("report", "-i", f, "info")
    tap.check("no-overwrite -f replaces", r.returncode == 0 and
              info.returncode == 0 and "complete:  yes" in info.stdout,
              "replaced", f"rc={r.returncode} {info.returncode}: "
              f"{sslib.one_line(r.stderr + info.stdout + info.stderr)}")
    r = tool("record", "-d", "1")
    tap.check("record without -o: usage error", r.returncode == 2,
              "exit 2", f"rc={r.returncode}")


def kill9():
    f = path("killed.ssr")
    with sslib.Workload("pingpong", WORK_CPU) as wl:
        rec = sslib.Tracer(["record", "-o", f], cpus=TOOL_CPUS)
        wl.run()
        time.sleep(1.0)
        rec.proc.kill()
        rec.wait()
        wl.rest()
    size = os.path.getsize(f)
    info = tool("report", "-i", f, "info")
    events = [int(l.split()[1]) for l in info.stdout.splitlines()
              if l.startswith("events:")]
    tap.check("kill-9 file readable", info.returncode == 0 and events and
              events[0] > 1000, f"{events} events of {size} bytes",
              f"rc={info.returncode} events={events}: "
              f"{sslib.one_line(info.stderr)}")
    tap.check("kill-9 report says cut", "cut short" in info.stderr and
              "complete:  no" in info.stdout, sslib.one_line(info.stderr),
              f"stderr: {info.stderr!r} stdout: {info.stdout!r}")
    state["killed"] = f


def corrupt():
    src = state.get("killed") or state.get("file")
    if not src:
        tap.fail("corrupt", "no recording to corrupt")
        return
    with open(src, "rb") as fh:
        data = bytearray(fh.read())
    mid = len(data) // 2
    for i in range(mid, min(mid + 64, len(data))):
        data[i] ^= 0x5A
    f = path("corrupt.ssr")
    with open(f, "wb") as fh:
        fh.write(data)
    for kind in ("info", "top", "runqlat", "cpus"):
        r = tool("report", "-i", f, kind)
        tap.check(f"corrupt {kind}: exit 1 with the offset",
                  r.returncode == 1 and "byte" in r.stderr,
                  sslib.one_line(r.stderr),
                  f"rc={r.returncode}: {sslib.one_line(r.stderr)}")
    f = path("notarecording.ssr")
    with open(f, "w") as fh:
        fh.write("hello, world\n" * 10)
    r = tool("report", "-i", f, "info")
    tap.check("not a recording: exit 1", r.returncode == 1 and r.stderr,
              sslib.one_line(r.stderr), f"rc={r.returncode}")
    r = tool("report", "-i", path("missing.ssr"), "info")
    tap.check("missing file: exit 1", r.returncode == 1 and
              "missing.ssr" in r.stderr, sslib.one_line(r.stderr),
              f"rc={r.returncode}: {r.stderr}")
    r = tool("report", "-i", src, "nosuch")
    tap.check("unknown analysis: exit 2", r.returncode == 2,
              sslib.one_line(r.stderr), f"rc={r.returncode}")
    # Refused by the analysis once the file is open (it crashed once).
    for bad in (["--sort", "bogus"], ["--by", "bogus"]):
        r = tool("report", "-i", src, "top", *bad)
        tap.check(f"report top {' '.join(bad)}: exit 2, said", r.returncode == 2 and
                  "bogus" in r.stderr, sslib.one_line(r.stderr),
                  f"rc={r.returncode}: {sslib.one_line(r.stderr)}")


sslib.run_cases(tap, [
    ("live-vs-recorded", live_vs_recorded),
    ("runqlat", runqlat),
    ("lossy", lossy),
    ("cpus", cpus),
    ("command", command),
    ("no-overwrite", no_overwrite),
    ("kill-9", kill9),
    ("corrupt", corrupt),
])
