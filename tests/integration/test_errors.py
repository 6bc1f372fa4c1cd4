#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""schedscope's command line, exit codes, signals and cleanup.

Usage errors, --help and --version need no privilege. As root it also
checks that the tool ends quietly when its reader goes away, prints its
final report on SIGTERM and SIGINT, stops by itself with -d, leaves no BPF
program behind, and that without privilege it fails with one line naming
what it needs (run as nobody through setpriv).

Exit codes (docs): 0 success, 1 runtime failure, 2 usage error.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

import sslib

EPIPE_STATUSES = (0, 128 + signal.SIGPIPE, -signal.SIGPIPE)
NOISE = ("broken pipe", "epipe", "sigpipe")


def tool(*args, timeout=30, **kw):
    return sslib.run([sslib.schedscope_path(), *args], timeout=timeout, **kw)


def usage_errors(tap):
    cases = [
        ("unknown option", ["--bogus"], "--bogus", True),
        ("top unknown option", ["top", "--bogus"], "--bogus", True),
        ("cpus unknown option", ["cpus", "--bogus"], "--bogus", True),
        ("unknown command", ["bogus"], "bogus", True),
        ("bad interval", ["top", "abc"], "abc", False),
        ("zero interval", ["top", "0"], "0", False),
        ("bad -p", ["top", "-p", "abc"], "abc", False),
        ("-p of no process", ["top", "-p", "999999999"], "999999999", False),
        ("-t of no thread", ["top", "-t", "999999999"], "999999999", False),
        ("bad --by", ["top", "--by", "bogus"], "bogus", False),
        ("bad sort field", ["top", "-s", "nosuchfield"], "nosuchfield", False),
        ("bad duration", ["top", "-d", "abc"], "abc", False),
        ("bad row count", ["top", "-n", "abc"], "abc", False),
        ("cpus bad interval", ["cpus", "abc"], "abc", False),
        ("runqlat -P with -L", ["runqlat", "-P", "-L"], "-L", False),
        ("runqlat bad --from", ["runqlat", "--from", "bogus"], "bogus", False),
        ("runqslower bad min_us", ["runqslower", "abc"], "abc", False),
        ("runqslower -L", ["runqslower", "-L"], "-L", False),
        ("starve zero threshold", ["starve", "--threshold", "0"], "0", False),
        ("inversion -p", ["inversion", "-p", "1"], "-p", False),
        ("runqslower -p of no process", ["runqslower", "-p", "999999999"], "999999999", False),
        ("opensnoop relative --path", ["opensnoop", "--path", "etc"], "etc", False),
        ("opensnoop unknown -f", ["opensnoop", "-f", "O_BOGUS"], "O_BOGUS", False),
        ("opensnoop --rw without --path", ["opensnoop", "--rw"], "--path", False),
        ("opensnoop interval without --count", ["opensnoop", "1"], "--count", False),
        ("opensnoop -P without --count", ["opensnoop", "-P"], "--count", False),
        ("opensnoop bad -u", ["opensnoop", "-u", "root"], "root", False),
        ("opensnoop too small --buffer", ["opensnoop", "--buffer", "2K"], "2K", False),
        ("execsnoop bad --max-args", ["execsnoop", "--max-args", "61"], "61", False),
        # -t is execsnoop's timestamp (bcc's): the 1 after it is an interval.
        ("execsnoop -t takes no TID", ["execsnoop", "-t", "1"], "--count", False),
        ("exitsnoop bad --short", ["exitsnoop", "--short", "0"], "0", False),
    ]
    for name, args, culprit, wants_usage in cases:
        r = tool(*args)
        problems = []
        if r.returncode != 2:
            problems.append(f"exit {r.returncode}, expected 2")
        if culprit not in r.stderr:
            problems.append(f"stderr does not name {culprit!r}")
        if wants_usage and "usage" not in r.stderr.lower():
            problems.append("no usage on stderr")
        if r.stdout:
            problems.append(f"stdout not empty: {r.stdout[:80]!r}")
        tap.check(f"usage error: {name}", not problems,
                  f"`schedscope {' '.join(args)}` -> 2",
                  f"`schedscope {' '.join(args)}`: {'; '.join(problems)}; "
                  f"stderr: {r.stderr.strip()[:200]!r}")


def help_and_version(tap):
    r = tool("--version")
    tap.check("--version", r.returncode == 0 and "schedscope" in r.stdout,
              r.stdout.strip(),
              f"exit {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")
    for args, words in ((["--help"], ("top", "cpus")),
                        (["top", "--help"], ("top", "-p", "--json")),
                        (["cpus", "--help"], ("cpus", "--json"))):
        r = tool(*args)
        missing = [w for w in words if w not in r.stdout]
        tap.check(f"{' '.join(args)}", r.returncode == 0 and not missing,
                  "-> 0", f"exit {r.returncode}, missing {missing} in stdout")


def closed_pipe(tap, args, name, max_s):
    """schedscope ARGS | head -1: the tool must notice and end quietly."""
    cmd = [str(sslib.schedscope_path()), *args]
    start = time.monotonic()
    producer = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    head = subprocess.Popen(["head", "-1"], stdin=producer.stdout,
                            stdout=subprocess.PIPE, text=True)
    producer.stdout.close()
    try:
        first, _ = head.communicate(timeout=30)
        err = producer.stderr.read()
        rc = producer.wait(timeout=30)
    except subprocess.TimeoutExpired:
        producer.kill()
        head.kill()
        tap.fail(name, f"`{' '.join(args)} | head -1` still running after 30 s")
        return
    took = time.monotonic() - start
    noise = [line for line in err.splitlines()
             if any(n in line.lower() for n in NOISE)]
    problems = []
    if rc not in EPIPE_STATUSES:
        problems.append(f"exit {rc}, expected 0 or 141 (SIGPIPE)")
    if noise:
        problems.append(f"noise on stderr: {noise}")
    if not first.strip():
        problems.append("no output")
    if took > max_s:
        problems.append(f"took {took:.1f} s, did not notice the closed pipe")
    how = "SIGPIPE" if rc in (141, -signal.SIGPIPE) else f"exit {rc}"
    tap.check(name, not problems, f"({how}, {took:.1f} s, stderr quiet)",
              "; ".join(problems))


def stop_by_signal(tap, args, sig, kind):
    name = f"{signal.Signals(sig).name} {' '.join(args)}"
    with sslib.Tracer(args) as tr:
        time.sleep(0.5)
        rc = tr.stop(sig)
    problems = []
    if rc != 0:
        problems.append(f"exit {rc}")
    if kind:
        reports = tr.reports(kind)
        if len(reports) != 1:
            problems.append(f"{len(reports)} {kind} reports, expected 1")
        elif not reports[0].get({"top": "tasks", "cpus": "cpus",
                                 "summary": "command",
                                 "exitsnoop_count": "lost"}.get(kind, "histograms")):
            problems.append("empty report")
    elif not "".join(tr.stdout).strip():
        problems.append("no report on stdout")
    tap.check(f"{name}: final report, exit 0", not problems, "",
              f"{'; '.join(problems)}; stderr: {' | '.join(tr.stderr)}")


def duration(tap):
    start = time.monotonic()
    r = tool("top", "--json", "-d", "1", timeout=20)
    took = time.monotonic() - start
    problems = []
    reports = []
    if r.returncode != 0:
        problems.append(f"exit {r.returncode}")
    try:
        reports = [json.loads(line) for line in r.stdout.splitlines() if line]
    except json.JSONDecodeError as e:
        problems.append(f"stdout not JSON lines: {e}")
    if len(reports) != 1:
        problems.append(f"{len(reports)} reports, expected 1")
    elif abs(reports[0].get("duration_ns", 0) - 1e9) > 0.1e9:
        problems.append(f"duration_ns={reports[0].get('duration_ns')}")
    tap.check("top -d 1 stops by itself", not problems,
              f"(exit 0 after {took:.1f} s)",
              f"{'; '.join(problems)}; stderr: {r.stderr.strip()[:200]!r}")


def prog_owners():
    """{prog_id: [pid, ...]} for every BPF program or link fd held open."""
    owners = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fdinfo")
        except OSError:
            continue
        for fd in fds:
            try:
                with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                    for line in f:
                        if line.startswith("prog_id:"):
                            owners.setdefault(int(line.split()[1]),
                                              []).append(int(pid))
            except OSError:
                pass
    return owners


def ours_loaded():
    r = sslib.run(["bpftool", "prog", "show", "--json"])
    if r.returncode != 0:
        raise RuntimeError(f"bpftool prog show: {r.stderr.strip()}")
    return [p for p in json.loads(r.stdout or "[]")
            if p.get("name", "").startswith(sslib.PROG_NAMES)]


def no_leftovers(tap):
    """Programs of ours that no live process holds are leaks. Freeing is
    deferred in the kernel, so give it a moment. Programs held by another
    live schedscope (someone else's run) are not ours to judge."""
    name = "no BPF programs left behind"
    if not shutil.which("bpftool"):
        tap.skip(name, "bpftool not installed")
        return
    deadline = time.monotonic() + 5
    while True:
        progs = ours_loaded()
        owners = prog_owners()
        orphans = [p for p in progs if not owners.get(p["id"])]
        if not orphans or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    held = [p for p in progs if owners.get(p["id"])]
    if held:
        tap.note(f"{len(held)} schedscope programs held by live processes "
                 f"{sorted({o for p in held for o in owners[p['id']]})} "
                 "(not ours)")
    tap.check(name, not orphans, f"({len(progs)} loaded, all held)",
              "orphaned: " + ", ".join(f"{p['id']}:{p['name']}"
                                       for p in orphans))


def unprivileged(tap):
    """As nobody: exit 1 with one line saying what is needed."""
    names = ["unprivileged top", "unprivileged cpus",
             "unprivileged --json error object", "unprivileged --version",
             "unprivileged record: exit 1, no file left"]
    if sslib.is_root():
        if not shutil.which("setpriv"):
            for n in names:
                tap.skip(n, "setpriv not installed")
            return
        tmp = tempfile.mkdtemp(prefix="schedscope-test.")
        os.chmod(tmp, 0o755)
        binary = os.path.join(tmp, "schedscope")
        shutil.copy2(sslib.schedscope_path(), binary)
        os.chmod(binary, 0o755)
        prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup",
                  "--clear-groups", "--inh-caps=-all", "--"]
    else:
        tmp = None
        binary = str(sslib.schedscope_path())
        prefix = []
    try:
        for name, args in ((names[0], ["top", "-d", "1"]),
                           (names[1], ["cpus", "-d", "1"])):
            r = sslib.run(prefix + [binary, *args], cwd="/")
            lines = [line for line in r.stderr.splitlines() if line.strip()]
            says = lines and any(w in lines[0].lower()
                                 for w in ("root", "cap_bpf"))
            tap.check(name, r.returncode == 1 and len(lines) == 1 and says,
                      f"-> 1: {lines[0] if lines else ''}",
                      f"exit {r.returncode} (expected 1), stderr "
                      f"{len(lines)} lines (expected 1 naming root/CAP_BPF): "
                      f"{r.stderr.strip()[:300]!r}")
        # STYLE.md: in JSON mode an error is also a JSON object on the stream
        r = sslib.run(prefix + [binary, "top", "--json", "-d", "1"], cwd="/")
        objs = []
        for line in r.stdout.splitlines():
            try:
                objs.append(json.loads(line))
            except json.JSONDecodeError:
                pass
        tap.check(names[2], r.returncode == 1 and len(objs) == 1 and
                  "error" in json.dumps(objs[0]).lower(),
                  f"{json.dumps(objs[0]) if objs else ''}",
                  f"exit {r.returncode}, stdout {r.stdout.strip()[:200]!r}: "
                  "expected one JSON object reporting the error")
        r = sslib.run(prefix + [binary, "--version"], cwd="/")
        tap.check(names[3], r.returncode == 0, "-> 0",
                  f"exit {r.returncode}: {r.stderr.strip()!r}")
        # The file is made before the programs load: it must not outlive the failure.
        out_dir = tempfile.mkdtemp(prefix="schedscope-rec.", dir=tmp)
        os.chmod(out_dir, 0o777)
        out = os.path.join(out_dir, "x.ssr")
        r = sslib.run(prefix + [binary, "record", "-o", out, "-d", "1"], cwd="/")
        tap.check(names[4], r.returncode == 1 and not os.path.exists(out),
                  f"-> 1: {sslib.one_line(r.stderr)}",
                  f"exit {r.returncode}, file left: {os.path.exists(out)}: "
                  f"{r.stderr.strip()[:300]!r}")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def bpf_caps_only(tap):
    """As nobody with CAP_BPF and CAP_PERFMON alone (the exporter's unit):
    the loader program loads and runs, and a command that needs tracefs,
    root's alone, says so in one line."""
    names = ["CAP_BPF+CAP_PERFMON: runqlat loads and reports",
             "CAP_BPF+CAP_PERFMON: opensnoop names tracefs and the capability it needs"]
    if not sslib.require(tap, names):
        return
    if not shutil.which("setpriv"):
        for n in names:
            tap.skip(n, "setpriv not installed")
        return
    tmp = tempfile.mkdtemp(prefix="schedscope-test.")
    try:
        os.chmod(tmp, 0o755)
        binary = os.path.join(tmp, "schedscope")
        shutil.copy2(sslib.schedscope_path(), binary)
        os.chmod(binary, 0o755)
        caps = "-all,+bpf,+perfmon"
        prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                  f"--inh-caps={caps}", f"--ambient-caps={caps}", f"--bounding-set={caps}", "--"]
        r = sslib.run(prefix + [binary, "runqlat", "--json", "-d", "0.5"], cwd="/")
        reps = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
        tap.check(names[0], r.returncode == 0 and len(reps) == 1,
                  f"{len(reps)} report", f"exit {r.returncode}: {r.stderr.strip()[:300]!r}")
        r = sslib.run(prefix + [binary, "opensnoop", "-d", "0.5"], cwd="/")
        lines = [line for line in r.stderr.splitlines() if line.strip()]
        tap.check(names[1], r.returncode == 1 and len(lines) == 1 and "tracefs" in lines[0]
                  and "CAP_DAC_READ_SEARCH" in lines[0], lines[0] if lines else "",
                  f"exit {r.returncode}: {r.stderr.strip()[:300]!r}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    tap = sslib.Tap()
    if not sslib.require(tap, ["schedscope runs"], need_root=False):
        tap.done()
    usage_errors(tap)
    help_and_version(tap)
    unprivileged(tap)
    bpf_caps_only(tap)

    root_checks = ["top -d 1 | head -1", "top 1 5 | head -1",
                   "SIGTERM top --json", "SIGTERM cpus --json",
                   "SIGINT top", "SIGTERM runqlat --json", "top -d 1 stops by itself",
                   "opensnoop -d 2 | head -1", "SIGTERM opensnoop --json",
                   "SIGTERM execsnoop --json", "SIGINT exitsnoop --json",
                   "SIGTERM exitsnoop --count --json", "no BPF programs left behind"]
    if sslib.require(tap, root_checks):
        try:
            closed_pipe(tap, ["top", "-d", "1"], root_checks[0], 10)
            # the reader is gone after report 1: stop at report 2, not 5
            closed_pipe(tap, ["top", "1", "5"], root_checks[1], 4.5)
            stop_by_signal(tap, ["top", "--json"], signal.SIGTERM, "top")
            stop_by_signal(tap, ["cpus", "--json"], signal.SIGTERM, "cpus")
            stop_by_signal(tap, ["top"], signal.SIGINT, None)
            stop_by_signal(tap, ["runqlat", "--json"], signal.SIGTERM, "runqlat")
            duration(tap)
            closed_pipe(tap, ["opensnoop", "-d", "2"], root_checks[7], 8)
            stop_by_signal(tap, ["opensnoop", "--json"], signal.SIGTERM, "summary")
            stop_by_signal(tap, ["execsnoop", "--json"], signal.SIGTERM, "summary")
            stop_by_signal(tap, ["exitsnoop", "--json"], signal.SIGINT, "summary")
            stop_by_signal(tap, ["exitsnoop", "--count", "--json"], signal.SIGTERM,
                           "exitsnoop_count")
        except (sslib.TracerError, subprocess.TimeoutExpired) as e:
            tap.fail("root checks ran", f"{type(e).__name__}: {e}")
        no_leftovers(tap)
    tap.done()


if __name__ == "__main__":
    main()
