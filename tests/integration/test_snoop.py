#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""opensnoop, execsnoop and exitsnoop against what sysload says it did.

Each phase runs sysload once under several tracers at the same time, then
compares their JSON lines with its tally, exactly:

  opens     per syscall kind, ok and ENOENT; the EACCES opens and their pid;
            the relative opens (dirfd, openat2) shown with full paths; only
            paths under --path; --count's opens of the data file; --rw's
            reads and writes of it, calls and bytes
  prefilter --path's kernel pre-filter takes every open its string filter
            takes: through a symlink or `..`, under a prefix made or made
            again after the start, across a mount, a bind mount of a
            watched folder, failures (cwd, dirfd), look-alike names
  truncation -F's paths deeper than 48 names or longer than 4 KiB: cut at
            the start, whole names kept, marked; 48 names whole
  execs     ok, ENOENT and EACCES; the exec of a thread that was not the
            leader (its tid, then its process's pid); argv whole, and cut
            at --max-args with the cut marked; --count by result
  exits     exit codes and signals; --short keeps the short-lived only; -T
            adds the thread; --count's forks equal sysload's, and lie
            between the growths of /proc/stat's processes inside and around
            the tracer's life
  drops     a 4 KiB ring under a burst of opens: shown + lost is every open
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import sslib

tap = sslib.Tap()


def run_phase(dir, tracers, **load):
    """sysload under each tracer (a list of argument lists); returns its
    tally and the stopped tracers."""
    wl = sslib.Sysload(dir, **load)
    ts = [sslib.Tracer(args) for args in tracers]
    try:
        tally = wl.go()
    finally:
        for t in ts:
            t.stop(signal.SIGINT)
    return tally, ts


def summary_ok(t, name):
    s = t.reports("summary")
    tap.check(f"{name}: one summary, exit 0", t.returncode == 0 and len(s) == 1,
              reason=f"exit {t.returncode}, {len(s)} summaries")
    return s[0] if s else {}


def case_opens():
    with tempfile.TemporaryDirectory() as top:
        d = f"{top}/sl"
        tally, (ev, rw, cnt) = run_phase(d, [
            ["opensnoop", "-j", "-F", "--path", d],
            ["opensnoop", "-j", "--rw", "--path", d],
            ["opensnoop", "-j", "--count", "--path", f"{d}/data", "--path", f"{d}/missing"],
        ], opens=55)
    pid = tally["pid"]
    events = [e for e in ev.reports("opensnoop") if e["path"] != d]
    summary_ok(ev, "opensnoop -F --path")
    got = {}
    for e in events:
        if e["pid"] != pid:
            continue
        kind = e["syscall"]
        got.setdefault(kind, [0, 0])[0 if e["fd"] >= 0 else 1] += 1
    want = {k: list(v) for k, v in tally["opens"].items()}
    # openat with AT_FDCWD and with a directory fd are one syscall.
    want["openat"] = [a + b for a, b in zip(want.pop("openat"), want.pop("openat_dirfd"))]
    tap.check("opensnoop: opens per syscall, ok and ENOENT, equal sysload's", got == want,
              f"{want}", f"got {got}, want {want}")
    errs = {e["errno"] for e in events if e["pid"] == pid and e["fd"] < 0}
    tap.check("opensnoop: sysload's failures are all ENOENT", errs <= {2}, reason=f"{errs}")
    eacces = [e for e in events if e["errno"] == 13]
    tap.check("opensnoop: EACCES opens and their pid", len(eacces) == tally["eacces"]["count"]
              and {e["pid"] for e in eacces} == {tally["eacces"]["pid"]},
              f"{len(eacces)} from {tally['eacces']['pid']}",
              f"got {len(eacces)} from {sorted({e['pid'] for e in eacces})}, want "
              f"{tally['eacces']}")
    rel = [e for e in events if e["pid"] == pid and e["syscall"] == "openat2"]
    tap.check("opensnoop -F: relative opens shown with full paths",
              rel and all(e["full_path"] and e["path"] in (f"{d}/data", f"{d}/missing/none")
                          for e in rel), f"{len(rel)} openat2",
              f"{[e['path'] for e in rel][:4]}")
    outside = [e["path"] for e in events if not e["path"].startswith(d + "/")]
    tap.check("opensnoop --path: nothing outside the prefix", not outside, reason=f"{outside[:3]}")
    row = [r for r in rw.reports("opensnoop_count")[-1]["rows"]
           if r["pid"] == pid and r["path"] == f"{d}/data"]
    want_rw = {k: tally[k] for k in ("reads", "read_bytes", "writes", "write_bytes")}
    got_rw = {k: row[0][k] for k in want_rw} if row else None
    tap.check("opensnoop --rw: reads and writes of the watched file equal sysload's",
              got_rw == want_rw, f"{want_rw}", f"got {got_rw}")
    rows = {r["path"]: r for r in cnt.reports("opensnoop_count")[-1]["rows"]}
    data_opens = sum(v[0] for k, v in tally["opens"].items() if k != "creat")
    missing = sum(v[1] for k, v in tally["opens"].items())
    got_c = (rows.get(f"{d}/data", {}).get("opens"),
             sum(r["failed"] for p, r in rows.items() if p.startswith(f"{d}/missing/")))
    tap.check("opensnoop --count: opens per path, two --path prefixes",
              got_c == (data_opens, missing) and set(rows) <= {f"{d}/data"} |
              {p for p in rows if p.startswith(f"{d}/missing/")},
              f"data {data_opens}, missing {missing}", f"got {got_c}, rows {sorted(rows)}")


# The opens of case_prefilter's workload: (action, arguments, the path
# opensnoop names it by, whether it succeeds). Names are relative to the
# test's directory T (a string), whose layout prefilter_tree() makes.
PREFILTER_OPS = [
    ("open", ["w/sub/f"], "w/sub/f", True),
    ("open", ["o/f"], "o/f", True),
    ("open", ["lnk/sub/f"], "w/sub/f", True),  # a symlink into w: resolved
    ("open", ["o/../w/sub/f"], "w/sub/f", True),  # `..` resolved
    ("open", ["wx/f"], "wx/f", True),  # w's name is wx's start, not a component
    ("open", ["longname_bbbb/f"], "longname_bbbb/f", True),  # a's length and first 8 bytes
    ("open", ["longname_aaaa/f"], "longname_aaaa/f", True),
    ("open", ["w/missing"], "w/missing", False),
    ("chdir", ["w"], None, None),
    ("open", ["missing2", "rel"], "w/missing2", False),  # a failure: cwd + the name
    ("open", ["sub/f", "rel"], "w/sub/f", True),
    ("open", ["../o/missing4", "rel"], "w/../o/missing4", False),  # under w as a string
    ("chdir", ["o"], None, None),
    ("open", ["../w/missing3", "rel"], "o/../w/missing3", False),  # not under w as a string
    ("open", ["../w/sub/f", "rel"], "w/sub/f", True),
    ("chdir", ["."], None, None),
    ("open", ["w/missing5", "rel"], "w/missing5", False),  # the name completes the prefix
    ("openat", [".", "w/nope2"], "w/nope2", False),
    ("openat", ["w/sub", "f"], "w/sub/f", True),  # after the open of w/sub itself
    ("openat", ["o", "f"], "o/f", True),
    ("openat", ["w/sub", "nope"], "w/sub/nope", False),
    ("openat", ["o", "nope"], "o/nope", False),
    ("mkdir", ["new"], None, None),  # watched before it existed
    ("create", ["new/f"], "new/f", True),
    ("open", ["new/f"], "new/f", True),
    ("rmtree", ["re"], None, None),  # watched, then removed (no open) and made again
    ("mkdir", ["re"], None, None),
    ("create", ["re/f"], "re/f", True),
    ("open", ["m/x/f"], "m/x/f", True),  # across the tmpfs mounted at m
    ("open", ["m/y"], "m/y", True),
    ("open", ["b/sub/f"], "b/sub/f", True),  # w bind-mounted at b
    ("open", ["b/missing"], "b/missing", False),
    ("open", ["w"], "w", True),
]

PREFILTER_CHILD = """
import json, os, sys
top, ops = sys.argv[1], json.loads(sys.argv[2])
sys.stdin.readline()
for op, args in ops:
    p = args[0] if len(args) > 1 and args[1] == "rel" else os.path.join(top, args[0])
    try:
        if op == "chdir":
            os.chdir(p)
        elif op == "mkdir":
            os.mkdir(p)
        elif op == "rmtree":
            os.unlink(p + "/f")
            os.rmdir(p)
        elif op == "create":
            os.close(os.open(p, os.O_CREAT | os.O_WRONLY, 0o644))
        elif op == "openat":
            d = os.open(p, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.close(os.open(args[1], os.O_RDONLY, dir_fd=d))
            except OSError:
                pass
            os.close(d)
        else:
            os.close(os.open(p, os.O_RDONLY))
    except OSError:
        pass
"""


def prefilter_tree(top):
    """The layout PREFILTER_OPS opens in; returns the mounts made."""
    for d in ("w/sub", "o", "wx", "longname_aaaa", "longname_bbbb", "re", "m", "b"):
        os.makedirs(f"{top}/{d}")
    for f in ("w/sub/f", "o/f", "wx/f", "longname_aaaa/f", "longname_bbbb/f", "re/f"):
        open(f"{top}/{f}", "w").close()
    os.symlink(f"{top}/w", f"{top}/lnk")
    mounts = []
    for args, at in ((["-t", "tmpfs", "sstest", f"{top}/m"], "m"),
                     (["--bind", f"{top}/w", f"{top}/b"], "b")):
        r = sslib.run(["mount"] + args)
        if r.returncode:
            raise sslib.WorkloadError(f"mount {' '.join(args)}: {r.stderr.strip()}")
        mounts.append(f"{top}/{at}")
    os.makedirs(f"{top}/m/x")
    open(f"{top}/m/x/f", "w").close()
    open(f"{top}/m/y", "w").close()
    return mounts


def string_watched(path, prefixes):
    """The exact filter (path_watched() in opensnoop.bpf.c) as a model."""
    return any(path == p or path.startswith(p if p.endswith("/") else p + "/")
               for p in prefixes)


def prefilter_expected(top, prefixes):
    """(path, ok) of each open the workload makes that prefixes watch."""
    want = []
    for op, args, path, ok in PREFILTER_OPS:
        if op == "openat":
            want.append((os.path.normpath(f"{top}/{args[0]}"), True))
        if path is not None:
            want.append((f"{top}/{path}", ok))
    return sorted(w for w in want if string_watched(w[0], prefixes))


def case_prefilter():
    """--path rejects an open before its path is built only when it surely
    does not match: every open the exact filter takes is still reported."""
    with tempfile.TemporaryDirectory() as top:
        os.chmod(top, 0o755)
        mounts = prefilter_tree(top)
        watch = [[f"{top}/{p}" for p in ("w", "new", "re", "m/x", "longname_aaaa")],
                 [f"{top}/b"], [f"{top}/w/"], ["/"]]
        try:
            child = subprocess.Popen(
                [sys.executable, "-c", PREFILTER_CHILD, top,
                 json.dumps([[op, args] for op, args, _, _ in PREFILTER_OPS])],
                stdin=subprocess.PIPE, text=True)
            ts = [sslib.Tracer(["opensnoop", "-j"] + [a for p in w for a in ("--path", p)])
                  for w in watch]
            child.communicate("go\n", timeout=60)
            for t in ts:
                t.stop(signal.SIGINT)
        finally:
            for m in reversed(mounts):
                sslib.run(["umount", m])
    for t, w in zip(ts, watch):
        got = sorted((e["path"], e["fd"] >= 0) for e in t.reports("opensnoop")
                     if e["pid"] == child.pid and e["path"].startswith(top))
        want = prefilter_expected(top, w)
        name = " ".join(p.replace(top, "T") for p in w)
        tap.check(f"opensnoop --path {name}: exactly the opens the string filter takes",
                  got == want, f"{len(want)} opens",
                  f"got {[(p.replace(top, 'T'), ok) for p, ok in got]}, "
                  f"want {[(p.replace(top, 'T'), ok) for p, ok in want]}")


TRUNC_CHILD = """
import os, sys
os.chdir(sys.argv[1])
sys.stdin.readline()
for name in ("f", "nope"):  # at depth 60: deeper than the walk goes
    try:
        os.close(os.open(name, os.O_RDONLY))
    except OSError:
        pass
os.chdir(sys.argv[2])
for _ in range(45):  # over 4 KiB of path in 45 names: reached step by step
    os.chdir("n" * 100)
os.close(os.open("f", os.O_RDONLY))
for path in sys.argv[3:]:  # 48 names and 49, from the root
    os.close(os.open(path, os.O_RDONLY))
"""


def case_truncation():
    """-F: a path deeper or longer than the walk goes is cut at its start,
    whole names kept, and marked."""
    with tempfile.TemporaryDirectory() as top:
        deep = top + "/d" * 60
        os.makedirs(deep)
        open(f"{deep}/f", "w").close()
        os.chdir(top)
        for _ in range(45):
            os.mkdir("n" * 100)
            os.chdir("n" * 100)
        open("f", "w").close()
        os.chdir("/")
        # A file 48 names deep is the deepest whose path is whole.
        edge = [top + "/e" * (n - 1 - len(top.strip("/").split("/"))) + "/g" for n in (48, 49)]
        for path in edge:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "w").close()
        child = subprocess.Popen([sys.executable, "-c", TRUNC_CHILD, deep, top] + edge,
                                 stdin=subprocess.PIPE, text=True)
        t = sslib.Tracer(["opensnoop", "-j", "-F"])
        child.communicate("go\n", timeout=60)
        t.stop(signal.SIGINT)
        got = [(e["path"], e["fd"] >= 0, e["truncated"]) for e in t.reports("opensnoop")
               if e["pid"] == child.pid and e["path"].endswith(("/f", "/nope"))]
        at_edge = [(e["path"], e["truncated"]) for e in t.reports("opensnoop")
                   if e["pid"] == child.pid and e["path"].endswith("/g")]
        os.chdir(top)
        for _ in range(45):
            os.chdir("n" * 100)
        os.unlink("f")
        for _ in range(45):
            os.chdir("..")
            os.rmdir("n" * 100)
        os.chdir("/")
    want = [("/d" * 47 + "/f", True, True), ("/d" * 48 + "/nope", False, True)]
    tap.check("opensnoop -F: a path deeper than 48 names, its lowest 48 kept and marked",
              got[:2] == want, f"{len(got)} opens", f"got {got[:2]}")
    want = [(edge[0], False), ("/" + "/".join(edge[1].strip("/").split("/")[1:]), True)]
    tap.check("opensnoop -F: a path of 48 names whole, one of 49 cut to its lowest 48",
              at_edge == want, f"{len(at_edge)} opens", f"got {at_edge}, want {want}")
    full = top + ("/" + "n" * 100) * 45 + "/f"
    lng = got[2] if len(got) == 3 else ("", False, False)
    tap.check("opensnoop -F: a path over 4 KiB, cut at a name and marked",
              lng[1] and lng[2] and full.endswith(lng[0]) and lng[0].startswith("/n")
              and 4096 - 102 < len(lng[0]) < 4096, f"{len(lng[0])} bytes",
              f"got {len(lng[0])} bytes, {lng[1:]}, {lng[0][:40]!r}")


def case_execs():
    with tempfile.TemporaryDirectory() as top:
        tally, (ev, cut, cnt) = run_phase(f"{top}/sl", [
            ["execsnoop", "-j", "-c", "sl-exec"],
            ["execsnoop", "-j", "-c", "sl-exec", "--max-args", "2"],
            ["execsnoop", "-j", "-c", "sl-exec", "--count"],
        ], execs=9)
    pid, ex = tally["pid"], tally["execs"]
    summary_ok(ev, "execsnoop")
    events = [e for e in ev.reports("execsnoop") if e["ppid"] == pid]
    got = {"ok": sum(e["ret"] == 0 for e in events),
           "enoent": sum(e["errno"] == 2 for e in events),
           "eacces": sum(e["errno"] == 13 for e in events)}
    want = {k: ex[k] for k in got}
    tap.check("execsnoop: execs ok, ENOENT and EACCES equal sysload's", got == want,
              f"{want}", f"got {got}")
    th = [e for e in events if e["tid"] == ex["thread_tid"]]
    tap.check("execsnoop: the exec of a thread that was not the leader",
              len(th) == 1 and th[0]["ret"] == 0 and th[0]["pid"] != th[0]["tid"]
              and th[0]["args"] == ["/bin/true", "from-thread"],
              f"tid {ex['thread_tid']} -> pid {th[0]['pid'] if th else '?'}", f"{th}")
    full = ["/bin/true", "sl-arg1", "sl-arg2", "sl-arg3"]
    ok = [e for e in events if e["ret"] == 0 and e["tid"] != ex["thread_tid"]]
    tap.check("execsnoop: argv whole, not marked cut",
              ok and all(e["args"] == full and not e["args_truncated"] for e in ok),
              reason=f"{[(e['args'], e['args_truncated']) for e in ok][:2]}")
    cuts = [e for e in cut.reports("execsnoop") if e["ppid"] == pid and e["ret"] == 0
            and e["tid"] != ex["thread_tid"]]
    tap.check("execsnoop --max-args 2: argv cut, and marked",
              len(cuts) == len(ok) and all(e["args"] == full[:2] and e["args_truncated"]
                                           for e in cuts),
              reason=f"{[(e['args'], e['args_truncated']) for e in cuts][:2]}")
    rows = cnt.reports("execsnoop_count")[-1]["rows"]
    by = {}
    for r in rows:
        by[r["result"]] = by.get(r["result"], 0) + r["count"]
    want_c = {"ok": ex["ok"], "ENOENT": ex["enoent"], "EACCES": ex["eacces"]}
    tap.check("execsnoop --count: by result", by == want_c, f"{want_c}", f"got {by}")


def case_exits():
    with tempfile.TemporaryDirectory() as top:
        outer0 = sslib.forks_so_far()
        wl = sslib.Sysload(f"{top}/sl", children=15, execs=5)
        ts = [sslib.Tracer(a) for a in (["exitsnoop", "-j"], ["exitsnoop", "-j", "-T"],
                                         ["exitsnoop", "-j", "--short", "100"],
                                         ["exitsnoop", "-j", "--count"])]
        inner0 = sslib.forks_so_far()
        # sysload then lives past --short; its children live a few ms.
        time.sleep(0.2)
        tally = wl.go()
        inner = sslib.forks_so_far() - inner0
        for t in ts:
            t.stop(signal.SIGINT)
        outer = sslib.forks_so_far() - outer0
    ev, thr, short, cnt = ts
    pid = tally["pid"]
    summary_ok(ev, "exitsnoop")
    kids = [e for e in ev.reports("exitsnoop") if e["ppid"] == pid and e["comm"] == "sl-child"]
    codes = [sum(e["exit_code"] == c for e in kids) for c in range(4)]
    sig = sum(e["signal"] == signal.SIGUSR1 for e in kids)
    tap.check("exitsnoop: exit codes and signals equal sysload's",
              codes == tally["exit_codes"] and sig == tally["signaled"],
              f"codes {codes}, SIGUSR1 {sig}",
              f"got {codes} and {sig}, want {tally['exit_codes']} and {tally['signaled']}")
    own = [e for e in ev.reports("exitsnoop") if e["pid"] == pid]
    tap.check("exitsnoop: sysload's own end, a process", len(own) == 1 and own[0]["process"],
              reason=f"{own}")
    threads = [e for e in thr.reports("exitsnoop") if e["pid"] == pid and not e["process"]]
    tap.check("exitsnoop -T: the thread's end too", len(threads) == tally["threads"],
              f"{len(threads)}", f"got {threads}")
    sh = [e for e in short.reports("exitsnoop") if e["ppid"] == pid or e["pid"] == pid]
    tap.check("exitsnoop --short 100: the children, not sysload (older)",
              len(sh) == len([e for e in ev.reports("exitsnoop") if e["ppid"] == pid])
              and all(e["pid"] != pid and e["age_ns"] < 1e8 for e in sh),
              f"{len(sh)} exits", f"{len(sh)}: {[e['pid'] for e in sh if e['pid'] == pid]}")
    rep = cnt.reports("exitsnoop_count")[-1]
    mine = [r for r in rep["parents"] if r["ppid"] == pid]
    forks = sum(r["forks"] for r in rep["parents"])
    tap.check("exitsnoop --count: sysload's forks and threads",
              len(mine) == 1 and mine[0]["forks"] == tally["forks"] + tally["threads"],
              f"{tally['forks']} + {tally['threads']}", f"got {mine}")
    tap.check("exitsnoop --count: all forks between /proc/stat's growths",
              inner <= forks <= outer, f"{inner} <= {forks} <= {outer}",
              f"{forks} not in [{inner}, {outer}]")


def case_drops():
    with tempfile.TemporaryDirectory() as top:
        d = f"{top}/sl"
        tally, (ev,) = run_phase(d, [["opensnoop", "-j", "--buffer", "4K", "--path", d]],
                                 opens=3000)
    s = summary_ok(ev, "opensnoop --buffer 4K")
    shown = len(ev.reports("opensnoop"))
    total = sum(a + b for a, b in tally["opens"].values()) + tally["eacces"]["count"] + 1
    tap.check("opensnoop --buffer 4K: drops counted and shown",
              s.get("lost", 0) > 0 and s.get("events") == shown
              and shown + s.get("lost", 0) == total,
              f"{shown} shown + {s.get('lost')} lost = {total}",
              f"{shown} shown, {s.get('lost')} lost, want a sum of {total}")


sslib.run_cases(tap, [("opens", case_opens), ("prefilter", case_prefilter),
                      ("truncation", case_truncation), ("execs", case_execs), ("exits", case_exits),
                      ("drops", case_drops)])
