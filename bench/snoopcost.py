#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Part 11 of `make bench`: opensnoop's kernel-side cost per open, beside its peers.

A workload opens and closes one file OPENS times (default 200000) under
one tracer at a time, ROUNDS times (default 3) in alternation. With
kernel.bpf_stats_enabled on, the run_time_ns of every BPF program the
tracer holds, summed over the workload and divided by the opens it made,
is the tracer's cost per open: an enter and an exit hook both count, and
so does a hook that runs on syscalls that are not opens. Other processes'
opens meanwhile add a little to every tracer alike. Medians are shown.

  opensnoop          the stream, to /dev/null
  opensnoop -F       with the full path walked (dentries and mounts)
  opensnoop --count  counted per path in the kernel: the seed's one-liner as a product
  opensnoop --path   --path /nonexistent: every open filtered out in the kernel,
                     before its path is built (--path's pre-filter)
  --path (watched)   --path of the opened file's folder: every open built,
                     checked against the prefix and sent
  seed               bpftrace -e 'tracepoint:syscalls:sys_enter_openat
                     { @cnt[str(args->filename)]++; }'
  bcc-like           bpftrace's opensnoop.bt: bcc's opensnoop (the name kept at
                     entry, printed at exit) where bcc's libbpf-tools do not build
  raw_syscalls       the other choice of hook: raw_syscalls:sys_enter, filtered on
                     the syscall number, runs on every syscall of the machine

Runs alone: `sudo bench/snoopcost.py [path/to/schedscope]`.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OPENS = int(os.environ.get("OPENS", "200000"))
ROUNDS = int(os.environ.get("ROUNDS_SNOOP", "3"))
SEED = "tracepoint:syscalls:sys_enter_openat { @cnt[str(args->filename)]++; }"
STATS = Path("/proc/sys/kernel/bpf_stats_enabled")
RAW = "tracepoint:raw_syscalls:sys_enter /args->id == 257/ { @cnt[str(args->args[1])]++; }"


def tracers(schedscope, target):
    t = [
        ("opensnoop", [schedscope, "opensnoop"]),
        ("opensnoop -F", [schedscope, "opensnoop", "-F"]),
        ("opensnoop --count", [schedscope, "opensnoop", "--count"]),
        ("opensnoop --path (filtered out)", [schedscope, "opensnoop", "--path", "/nonexistent"]),
        ("opensnoop --path (watched)",
         [schedscope, "opensnoop", "--path", os.path.dirname(os.path.realpath(target))]),
    ]
    bt = shutil.which("bpftrace")
    if bt:
        t.append(("seed one-liner (bpftrace)", [bt, "-e", SEED]))
        if Path("/usr/sbin/opensnoop.bt").exists():
            t.append(("bcc-like (opensnoop.bt)", [bt, "/usr/sbin/opensnoop.bt"]))
        t.append(("raw_syscalls sys_enter (bpftrace)", [bt, "-e", RAW]))
    return t


def held_progs(pid):
    ids = set()
    fd_dir = Path(f"/proc/{pid}/fdinfo")
    try:
        for fd in fd_dir.iterdir():
            try:
                for line in fd.read_text().splitlines():
                    if line.startswith("prog_id:"):
                        ids.add(int(line.split()[1]))
            except OSError:
                pass
    except OSError:
        pass
    return ids


def prog_stats(ids):
    """{id: (run_cnt, run_time_ns)} from the kernel's bpf_stats."""
    import json
    out = subprocess.run(["bpftool", "prog", "show", "--json"], capture_output=True,
                         text=True, check=True).stdout
    return {p["id"]: (p.get("run_cnt", 0), p.get("run_time_ns", 0))
            for p in json.loads(out) if p["id"] in ids}


def workload(path, n):
    """n opens and closes of path, in a child that does little else."""
    code = ("import os,sys\np=sys.argv[1]\nfor _ in range(int(sys.argv[2])):\n"
            "    os.close(os.open(p, os.O_RDONLY))\n")
    subprocess.run([sys.executable, "-c", code, path, str(n)], check=True)


def one_run(cmd, target):
    """ns per open of the tracer cmd, or None if it did not attach."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        ids = set()
        while time.monotonic() < deadline:
            time.sleep(0.2)
            now = held_progs(p.pid)
            if now and now == ids:
                break
            ids = now
        if not ids:
            return None
        time.sleep(0.3)
        # Another bench may turn the statistics off meanwhile: such a run counts nothing.
        STATS.write_text("1")
        before = prog_stats(ids)
        workload(target, OPENS)
        after = prog_stats(ids)
        if STATS.read_text().strip() != "1":
            return None
    finally:
        p.terminate()
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    ns = sum(after[i][1] - before[i][1] for i in ids if i in after and i in before)
    return ns / OPENS


def main():
    schedscope = str(Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "build" / "schedscope"))
    if os.geteuid():
        sys.exit("snoopcost: needs root (BPF, kernel.bpf_stats_enabled)")
    old = Path("/proc/sys/kernel/bpf_stats_enabled").read_text().strip()
    Path("/proc/sys/kernel/bpf_stats_enabled").write_text("1")
    results = {}
    try:
        with tempfile.NamedTemporaryFile() as f:
            for _ in range(ROUNDS):
                for name, cmd in tracers(schedscope, f.name):
                    for _ in range(3):
                        ns = one_run(cmd, f.name)
                        if ns is not None:
                            results.setdefault(name, []).append(ns)
                            break
    finally:
        Path("/proc/sys/kernel/bpf_stats_enabled").write_text(old)
    print(f"== opensnoop: BPF run time per open ({OPENS} opens and closes, median of {ROUNDS}) ==")
    med = {k: statistics.median(v) for k, v in results.items()}
    for name, ns in med.items():
        print(f"  {name:36s} {ns:8.0f} ns")
    ours = med.get("opensnoop")
    out = med.get("opensnoop --path (filtered out)")
    if ours is not None and out is not None:
        ok = out <= ours * 1.1
        print(f"  goal: an open outside --path costs what plain opensnoop's does (+10 %): "
              f"{out:.0f} <= {ours * 1.1:.0f} ns: {'PASS' if ok else 'FAIL'}")
    for peer, share in (("seed one-liner (bpftrace)", 4), ("bcc-like (opensnoop.bt)", 2)):
        if ours is not None and peer in med:
            ok = ours <= med[peer] / share
            print(f"  goal: opensnoop at most 1/{share} of {peer}: {ours:.0f} <= "
                  f"{med[peer] / share:.0f} ns: {'PASS' if ok else 'FAIL'}")


if __name__ == "__main__":
    main()
