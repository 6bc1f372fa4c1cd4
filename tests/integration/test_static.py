#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""build/schedscope-static (make static) is static and does what the dynamic
build does.

The ELF has no interpreter and needs no shared library; --version, --help
and probes --json (no privilege) print what the dynamic build prints; as
root, each BPF object family (top, cpus, count, preempt, migrations,
runqlat, trace, opensnoop, execsnoop, exitsnoop) loads, attaches and reports with the same JSON fields, and
top sees a busy loop on its CPU.
"""

import json
import subprocess
import sys

import sslib

STATIC = sslib.REPO / "build" / "schedscope-static"
# One command per BPF object, short: the first JSON line's fields are compared.
LIVE = (
    ("top", ["top", "-d", "0.5", "--json", "-n", "0"]),
    ("cpus", ["cpus", "-d", "0.5", "--json"]),
    ("count", ["count", "-e", "on-cpu,wakeup", "-d", "0.5", "--json"]),
    ("preempt", ["preempt", "-d", "0.5", "--json"]),
    ("migrations", ["migrations", "-d", "0.5", "--json"]),
    ("runqlat", ["runqlat", "-d", "0.5", "--json"]),
    ("trace", ["trace", "-d", "0.3", "--json", "-e", "switch"]),
    # The stream objects: --count's one object has the same fields whatever
    # happened, where the first event of a stream may be the summary.
    ("opensnoop", ["opensnoop", "--count", "-d", "0.3", "--json"]),
    ("execsnoop", ["execsnoop", "--count", "-d", "0.3", "--json"]),
    ("exitsnoop", ["exitsnoop", "--count", "-d", "0.3", "--json"]),
)


def both(args, timeout=30):
    return [sslib.run([b, *args], timeout=timeout) for b in (sslib.schedscope_path(), STATIC)]


def check_elf(tap):
    r = sslib.run(["readelf", "-lW", "-d", STATIC])
    interp = "INTERP" in r.stdout
    needed = [l.split()[-1] for l in r.stdout.splitlines() if "(NEEDED)" in l]
    tap.check("the ELF has no interpreter and needs no shared library",
              r.returncode == 0 and not interp and not needed,
              reason=f"rc {r.returncode}, INTERP {interp}, NEEDED {needed}")
    r = sslib.run(["ldd", STATIC])
    tap.check("ldd calls it static", "statically linked" in r.stdout + r.stderr
              or "not a dynamic executable" in r.stdout + r.stderr, reason=r.stdout + r.stderr)


def check_same_text(tap):
    for args in (["--version"], ["--help"], ["probes", "--json"]):
        dyn, sta = both(args)
        tap.check(f"{' '.join(args)}: as the dynamic build",
                  sta.returncode == dyn.returncode == 0 and sta.stdout == dyn.stdout,
                  reason=f"rc {dyn.returncode}/{sta.returncode}, static: {sta.stderr[:200]}")


def first_json(r):
    line = r.stdout.split("\n", 1)[0]
    return json.loads(line) if line.startswith("{") else {}


def check_live(tap):
    for name, args in LIVE:
        dyn, sta = both(args)
        keys = [sorted(first_json(x)) for x in (dyn, sta)]
        tap.check(f"{name}: loads, attaches and reports the dynamic build's fields",
                  sta.returncode == dyn.returncode == 0 and keys[0] and keys[0] == keys[1],
                  reason=f"rc {dyn.returncode}/{sta.returncode}, fields {keys}, "
                         f"static: {sta.stderr[-300:]}")


def busy_share(binary, pid):
    r = sslib.run([binary, "top", "-p", pid, "-d", "1", "--json"])
    rows = first_json(r).get("tasks", [])
    return rows[0]["cpu_pct"] if rows else None


def check_busy(tap):
    loop = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        pid = str(loop.pid)
        shares = [busy_share(b, pid) for b in (sslib.schedscope_path(), STATIC)]
    finally:
        loop.kill()
        loop.wait()
    tap.check("top -p BUSYLOOP: both builds see it on a CPU",
              all(s is not None and s > 20 for s in shares),
              detail=f"(dynamic {shares[0]}%, static {shares[1]}%)",
              reason=f"cpu_pct dynamic {shares[0]}, static {shares[1]}")


def main():
    tap = sslib.Tap()
    if not STATIC.is_file():
        tap.fail("make static built build/schedscope-static", f"no {STATIC} (run make static)")
        tap.done()
    if not sslib.require(tap, ["the dynamic build to compare with"], need_root=False):
        tap.done()
    check_elf(tap)
    check_same_text(tap)
    if sslib.is_root():
        check_live(tap)
        check_busy(tap)
    else:
        tap.skip("BPF commands of both builds", "needs root (BPF)")
    tap.done()


if __name__ == "__main__":
    main()
