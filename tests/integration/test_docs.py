#!/usr/bin/env python3
"""The option tables in docs/options.md, each command's and each of report's
analyses' --help, the man page, the bash completion and the README agree."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SCHEDSCOPE", os.path.join(ROOT, "build", "schedscope"))


def commands():
    """Every command the binary lists in its --help, so a new one is checked too."""
    out = subprocess.run([BIN, "--help"], capture_output=True, text=True, check=True).stdout
    return tuple(re.findall(r"^  ([a-z]+) ", out.split("Commands:", 1)[1], re.M))


COMMANDS = commands()
failed = False


def check(ok, name, why=""):
    global failed
    if ok:
        print(f"ok - {name}")
    else:
        failed = True
        print(f"not ok - {name}: {why}")


def help_text(cmd):
    """--help of "top", or of "report top" (an analysis: report -i F top --help)."""
    words = cmd.split()
    if len(words) == 2:
        words = [words[0], "-i", "F", words[1]]
    return subprocess.run([BIN, *words, "--help"], capture_output=True, text=True,
                          check=True).stdout


def help_options(cmd):
    out = help_text(cmd)
    opts = set()
    for line in out.splitlines():
        m = re.match(r"\s+(-\w, )?(--[\w-]+)", line)
        if m:
            opts.add(m.group(2))
    return opts


def table_options():
    """{command: {--long, ...}} from the yes columns of every table whose
    header starts with "option": a command's column follows "meaning" (the
    main table) or "option" (report's analyses, named "report top" ...)."""
    lines = open(os.path.join(ROOT, "docs", "options.md")).read().splitlines()
    table, cols, first = {}, [], 0
    for line in lines:
        if line.startswith("| option"):
            cols = [c.strip() for c in line.strip().strip("|").split("|")]
            first = cols.index("meaning") + 1 if "meaning" in cols else 1
            for c in cols[first:]:
                table.setdefault(c, set())
            continue
        if not line.startswith("|"):
            cols = []
        m = re.match(r"\|\s*(`-\w`, )?`(--[\w-]+)`", line)
        if not m or not cols:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for col, cell in zip(cols[first:], cells[first:]):
            if cell == "yes":
                table[col].add(m.group(2))
    return table


def analyses():
    """report's analyses as its --help names them: "Analyses: top, cpus, ... ."""
    m = re.search(r"^Analyses: ([\w, ]+)\.", help_text("report"), re.M)
    check(m is not None, "report --help names its analyses", "no 'Analyses:' line")
    return [f"report {a.strip()}" for a in m.group(1).split(",")] if m else []


COMMANDS += tuple(analyses())
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
    label = f'"{cmd}"' if " " in cmd else cmd
    m = re.search(rf"^\s*{label}\) opts=\"([^\"]*)\"", completion, re.M)
    comp = set(m.group(1).split()) if m else set()
    check(comp == opts, f"bash completion of {cmd} matches --help",
          f"only in completion: {sorted(comp - opts)}, only in --help: {sorted(opts - comp)}")

readme = open(os.path.join(ROOT, "README.md")).read()
check("sudo make run" in readme and "sudo make test" in readme,
      "README quick start has the two commands")
for cmd in (c for c in COMMANDS if " " not in c):
    check(f"schedscope {cmd}" in readme, f"README shows schedscope {cmd}")
sys.exit(1 if failed else 0)
