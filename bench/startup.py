#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Part 7 of `make bench`: start-up cost and footprint of the live commands.

Each command runs for a short life (`-d 0.1`: load, attach, one report,
detach) as a direct child, RUNS times (default 5) in alternation. Its CPU
is utime + stime from os.wait4(), in microseconds (not /usr/bin/time's
10 ms steps). Its peak RSS is VmHWM, read from /proc every millisecond
until it exits: ru_maxrss would not do, as it keeps the high-water mark of
the process before exec(), here this Python's, larger than schedscope's.
Medians are reported, beside the peers' figures for the same kind of life
(bcc's libbpf-tools, measured side by side for issue 10).

Runs alone: `sudo bench/startup.py [path/to/schedscope]` (RUNS=N,
STARTUP_CMDS="top;cpus;runqlat" to choose).

Where the time and memory go (measured for issue 10, libbpf 1.1): loaded
by libbpf (SCHEDSCOPE_LOADER=libbpf), the kernel's BTF (5 MB) is read for
CO-RE and the tp_btf targets and held twice while parsing (the file's
buffer and its own copy): 11 MB of a 14 MB peak, and half the CPU. Loaded
by a loader program (the default from 6.1), the kernel relocates against
its own copy and this process never reads it. What is left is the
kernel's: the verifier looks up "trusted" nested types by name in the
kernel's BTF, a linear search, at every pointer loaded from a task (the
cold paths read those with probes instead), and each ring buffer is
mapped with its data area twice
(so a record never wraps): 2 MiB of RSS for top's and runqslower's 1 MiB
rings, 32 MiB for trace's 16 MiB. Both loaders are measured.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("RUNS", "5"))
# Live commands, each as the user runs them for a moment.
DEFAULT_CMDS = "top;cpus;runqlat;runqslower;trace"
PEER_KB = 2900
PEER_MS = 18


def vm_hwm_kb(pid):
    """VmHWM of pid, or 0 once it has no memory (exiting) or is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


# The default (a loader program, on 6.1 and later) and libbpf's own load.
LOADERS = [("", None), (" (libbpf)", {**os.environ, "SCHEDSCOPE_LOADER": "libbpf"})]


def one_run(argv, env):
    """Peak RSS (KiB) and CPU (ms) of argv, run to its end."""
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=env)
        hwm = 0
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            # The peak only grows: the last reading is it, less what exit frees.
            hwm = max(hwm, vm_hwm_kb(p.pid))
            time.sleep(0.001)
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode:
            err.seek(0)
            msg = err.read().decode(errors="replace").strip()
            raise RuntimeError(f"{' '.join(argv)} exited {p.returncode}: {msg}")
    return hwm, (ru.ru_utime + ru.ru_stime) * 1000


def main():
    schedscope = sys.argv[1] if len(sys.argv) > 1 else str(REPO / "build" / "schedscope")
    cmds = [c.split() for c in os.environ.get("STARTUP_CMDS", DEFAULT_CMDS).split(";") if c]
    runs = {c[0] + tag: [] for tag, _ in LOADERS for c in cmds}
    for _ in range(RUNS):
        for tag, env in LOADERS:
            for c in cmds:
                runs[c[0] + tag].append(one_run([schedscope] + c + ["-d", "0.1"], env))
    print(f"== start-up and footprint: `schedscope CMD -d 0.1`, median of {RUNS} runs ==")
    print(f"{'command':<20} {'peak RSS (KiB)':>15} {'CPU (ms)':>9} {'min-max CPU (ms)':>17}")
    rows = []
    for name, r in runs.items():
        kb = statistics.median(x[0] for x in r)
        ms = [x[1] for x in r]
        rows.append((name, kb, statistics.median(ms)))
        print(f"{name:<20} {kb:>15.0f} {statistics.median(ms):>9.1f} "
              f"{min(ms):>8.1f}-{max(ms):<8.1f}")
    print(f"{'peers':<20} {PEER_KB:>15} {PEER_MS:>9} (bcc's libbpf-tools, issue 10)")
    print()
    print("| command (`-d 0.1`) | peak RSS (MiB) | CPU (ms) |")
    print("|---|---:|---:|")
    for name, kb, ms in rows:
        print(f"| `{name}` | {kb / 1024:.1f} | {ms:.1f} |")
    print(f"| bcc's libbpf-tools (issue 10) | {PEER_KB / 1024:.1f} | {PEER_MS} |")


if __name__ == "__main__":
    main()
