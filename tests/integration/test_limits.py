#!/usr/bin/env python3
"""A full thread table is counted and named in the report, never silent."""
import json
import subprocess
import sys

import sslib


def main():
    tap = sslib.Tap()
    names = ["full table counted in JSON", "full table named in the table output"]
    if not sslib.require(tap, names):
        return tap.done()
    tool = str(sslib.schedscope_path())
    p = subprocess.run([tool, "top", "--max-tasks", "5", "-d", "0.5", "--json"],
                       capture_output=True, text=True, timeout=30)
    rep = json.loads(p.stdout.splitlines()[-1]) if p.stdout.strip() else {}
    lost = rep.get("lost", {})
    tap.check(names[0], p.returncode == 0 and lost.get("untracked_threads", 0) > 0
              and lost.get("max_tasks") == 5,
              f"untracked_threads={lost.get('untracked_threads')}",
              f"rc={p.returncode} lost={lost}")
    p = subprocess.run([tool, "top", "--max-tasks", "5", "-d", "0.5"],
                       capture_output=True, text=True, timeout=30)
    line = [l for l in p.stdout.splitlines() if l.startswith("Not measured:")]
    tap.check(names[1], p.returncode == 0 and line and "raise --max-tasks" in line[0],
              sslib.one_line(line[0] if line else ""),
              f"rc={p.returncode}, no 'Not measured' line naming --max-tasks in:\n{p.stdout}")
    for cmd in ("top", "cpus"):
        p = subprocess.run([tool, cmd, "-C", "4096", "-d", "0.1"],
                           capture_output=True, text=True, timeout=30)
        tap.check(f"{cmd} -C of a CPU that does not exist: usage error",
                  p.returncode == 2 and "no CPU 4096" in p.stderr,
                  "rc=2", f"rc={p.returncode} stderr={p.stderr.strip()!r}")
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
