#!/usr/bin/env python3
"""Every command's BPF programs pass the verifier with work to spare.

The verifier walks each program's paths at load time, up to 1M instructions.
A histogram update with a branch per bit of log2 once made runqlat's switch
program walk 380k of them and take 0.36 s to load (a tracer on a loaded CI
machine was ready only after 0.57 s); branch-free, it walks 3.5k. The count
is the kernel's own (bpf_prog_info.verified_insns, which -v prints), the
same on every run of one kernel and build, so a regression fails every time.
"""
import re
import sys

import sslib

# A tenth of the kernel's limit: loads stay in the milliseconds, and a kernel
# whose verifier prunes worse (the 6.1 of the QEMU run, say) has room.
BUDGET = 100_000

COMMANDS = [
    ["top"], ["top", "-T"], ["cpus"],
    ["runqlat"], ["runqlat", "-L"], ["runqlat", "-P"], ["runqlat", "--cpu"],
    ["runqlat", "--from", "waking"], ["runqslower"], ["runqslower", "-P"],
    ["starve"], ["inversion"], ["trace"],
    ["trace", "-e", "all,on-cpu,off-cpu,remain-cpu,enqueue,dequeue,sched:::wakeup,sleep,preempt,"
     "change-pri,lend-pri,load-change,tick,surrender"],
    ["count", "-e", "on-cpu,off-cpu,remain-cpu,enqueue,dequeue,wakeup,sleep,preempt,change-pri,"
     "lend-pri,load-change,tick,surrender", "--by", "cpu,pid,tid,comm,prio"],
    ["preempt", "--by", "pid,tid,comm"], ["migrations"],
    ["exporter"],
    ["syscount"], ["syscount", "-L", "-x"], ["syscount", "-P", "-e", "ENOENT"],
    ["syscount", "--hist", "-c", "sysload"], ["syscount", "--slower", "10", "-p", "1"],
    ["opensnoop"], ["opensnoop", "-F", "-x", "-f", "O_CREAT", "--path", "/tmp", "--path", "/etc"],
    ["opensnoop", "--rw", "--path", "/tmp"], ["opensnoop", "--count", "-P", "-p", "1", "-u", "0"],
    ["execsnoop"], ["execsnoop", "--count", "-c", "sh"], ["exitsnoop", "-T", "--short", "5"],
    ["exitsnoop", "--count"],
]
LOADED = re.compile(r"^schedscope: (\S+) loaded in [0-9.]+ ms \((kernel loader|libbpf)\); "
                    r"instructions verified:(.*)$")


def verified(stderr):
    """{program: instructions} from -v's load lines; None where not counted.
    Also the set of loaders they name."""
    progs, how = {}, set()
    for line in stderr:
        m = LOADED.match(line)
        if m:
            how.add(m.group(2))
            words = m.group(3).split()
            for name, n in zip(words[::2], words[1::2]):
                progs[name] = int(n) if n.isdigit() else None
    return progs, how


def check_load(tap, cmd, name, loader, env):
    """cmd loads each program within BUDGET, by loader, and holds them all."""
    # --json: runqslower says it is ready only then (its table is bcc's).
    # The exporter has no --json; it needs a port of its own.
    extra = (["--listen", f"127.0.0.1:{sslib.free_port()}"] if cmd[0] == "exporter"
             else ["--json"])
    with sslib.Tracer(cmd + extra + ["-v"], env=env) as tr:
        held = len(sslib.bpf_prog_ids(tr.proc.pid))
        tr.stop()
    progs, how = verified(tr.stderr)
    counted = {p: n for p, n in progs.items() if n is not None}
    worst = max(counted, key=counted.get, default=None)
    # Every program the process holds is in the line, and counted.
    tap.check(f"{name}: every program verified within {BUDGET} instructions",
              held > 0 and len(counted) == held and counted[worst] <= BUDGET and
              how == {loader},
              f"{held} programs, most {counted[worst]} ({worst})" if worst else "",
              f"holds {held} programs; -v said {progs} by {how}; "
              f"stderr: {sslib.one_line(chr(10).join(tr.stderr))}")


def main():
    tap = sslib.Tap()
    names = [" ".join(c) for c in COMMANDS]
    if not sslib.require(tap, names):
        return tap.done()
    # By default a loader program loads each object on this kernel (6.1 and
    # later), relocated by the kernel; libbpf's own load stays for older
    # kernels, and must load and attach every program just the same.
    for loader, env in (("kernel loader", {}), ("libbpf", {"SCHEDSCOPE_LOADER": "libbpf"})):
        for cmd, name in zip(COMMANDS, names):
            check_load(tap, cmd, f"{name} ({loader})", loader, env)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
