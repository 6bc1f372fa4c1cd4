#!/usr/bin/env python3
"""The option table in docs/options.md, each command's --help and the README agree."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SCHEDSCOPE", os.path.join(ROOT, "build", "schedscope"))
COMMANDS = ("top", "cpus", "runqlat", "runqslower", "starve", "inversion", "trace", "record",
            "report", "timehist", "export")
failed = False


def check(ok, name, why=""):
    global failed
    if ok:
        print(f"ok - {name}")
    else:
        failed = True
        print(f"not ok - {name}: {why}")


def help_options(cmd):
    out = subprocess.run([BIN, cmd, "--help"], capture_output=True, text=True, check=True).stdout
    opts = set()
    for line in out.splitlines():
        m = re.match(r"\s+(-\w, )?(--[\w-]+)", line)
        if m:
            opts.add(m.group(2))
    return opts


def table_options():
    """{command: {--long, ...}} from the table's yes columns."""
    lines = open(os.path.join(ROOT, "docs", "options.md")).read().splitlines()
    header = next(l for l in lines if l.startswith("| option"))
    cols = [c.strip() for c in header.strip("|").split("|")]
    table = {c: set() for c in cols[3:]}
    for line in lines:
        m = re.match(r"\|\s*(`-\w`, )?`(--[\w-]+)`", line)
        if not m:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for col, cell in zip(cols[3:], cells[3:]):
            if cell == "yes":
                table[col].add(m.group(2))
    return table


table = table_options()
for cmd in COMMANDS:
    got, want = help_options(cmd), table.get(cmd, set())
    check(got == want, f"{cmd} --help matches docs/options.md",
          f"only in --help: {sorted(got - want)}, only in the table: {sorted(want - got)}")

man = open(os.path.join(ROOT, "docs", "schedscope.1.scd")).read()
completion = open(os.path.join(ROOT, "contrib", "schedscope.bash")).read()
for cmd in COMMANDS:
    opts = help_options(cmd)
    check(all(f"*{o}" in man or f", {o}*" in man or f"{o}*" in man for o in opts),
          f"man page documents every option of {cmd}",
          f"missing: {sorted(o for o in opts if o not in man)}")
    m = re.search(rf"^\s*{cmd}\) opts=\"([^\"]*)\"", completion, re.M)
    comp = set(m.group(1).split()) if m else set()
    check(comp == opts, f"bash completion of {cmd} matches --help",
          f"only in completion: {sorted(comp - opts)}, only in --help: {sorted(opts - comp)}")

readme = open(os.path.join(ROOT, "README.md")).read()
check("sudo make run" in readme and "sudo make test" in readme,
      "README quick start has the two commands")
for cmd in COMMANDS:
    check(f"schedscope {cmd}" in readme, f"README shows schedscope {cmd}")
sys.exit(1 if failed else 0)
