#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""docs/json.md's field tables against the real --json output (root).

The doc is parsed, not copied: each section's "name | meaning" tables (first
column: member names in backticks, several per cell, `a[].b` paths, `.b`
continuing the previous path), its example objects ("real lines, wrapped for
reading"), the lead-ins that aim a table at a nested object ("`lost` of
`top` and `cpus`", "Each of `wakeup`, ...:", "### `lost` of `runqlat`"), an
array row whose members its meaning names (`log2.slots[]`: `count`, `lo`,
`hi`), the sentence giving the members of a task inside an event, and "The
shapes of `starving` and `starved`". A section applies to the types its
`type` row lists, else to the types its heading names, else to those of its
examples. timehist's objects are documented in docs/offline.md (its --json
part), parsed the same way.

One run (about 6 s) keeps every command attached while ssload pingpong runs
0.2 s, a child renames itself and execs, a spinner is moved between CPUs,
then ssprio's fifo-hog and both inversion scenarios run; the report commands run with the flags
that add their conditional members (-T, --idle, --by, -P, -L, --cpu, -m,
--from waking); a recording of the same run feeds report and timehist. Then:

  documented   every member path of every object is in the docs for its type
  appears      every documented member appears in at least one real object
               of the section's types (of each type, for a section's common
               table: its `type` row names them)
  types        every type documented is produced, every type produced is
               documented
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sslib

CPU = 1 if sslib.ncpus() > 1 else 0
OTHER = [0] if CPU else None
JSON_MD = sslib.REPO / "docs" / "json.md"
OFFLINE_MD = sslib.REPO / "docs" / "offline.md"
# Tables whose first column is not a member name: fork/exec/exit/rename's
# "event | fields" (its fields are in the section's examples), and
# timehist's text columns.
OTHER_TABLES = {"event", "column"}
# Types documented that this test does not produce: a real-time task kept
# waiting while a lower-priority task holds its CPU needs RT throttling
# (over 0.95 s of a CPU at SCHED_FIFO). Their shape is starving's and
# starved's ("The shapes of ..."), which are checked; any that do come are
# checked too.
NOT_PRODUCED = {"inversion_runnable", "inversion_ended"}
IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


# ------------------------------------------------------------ the docs

class Section:
    def __init__(self, doc, level, heading):
        self.doc = doc
        self.level = level
        self.heading = heading
        self.blocks = []      # ("para", text) | ("table", lead, header, rows) | ("json", text)
        self.types = set()
        self.common = False   # has a `type` row: its members are in every type it names
        self.groups = []      # Group: documented paths and where they apply

    def name(self):
        return f"{self.doc} {'#' * self.level} {self.heading}"


class Group:
    """Member paths one table (or example, or sentence) documents for types.

    paths: {path: set of alternative full paths}: a documented member
    appears if any alternative does (a table for "each of" several objects,
    a task member in any task object)."""

    def __init__(self, section, what, types, strict=False):
        self.section = section
        self.what = what
        self.types = set(types)
        self.strict = strict
        self.paths = {}
        self.enums = {}   # label: (alternatives, the string values a row lists)

    def add(self, label, alternatives):
        self.paths.setdefault(label, set()).update(alternatives)


def ticks(text):
    return re.findall(r"`([^`]+)`", text)


def split_blocks(doc, text):
    """Sections with their paragraphs, tables (and the paragraph before
    each) and ```json blocks."""
    sections = [Section(doc, 1, "(top)")]
    lines = text.splitlines()
    i, para = 0, []
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(#{1,3}) (.*)$", line)
        if m:
            sections.append(Section(doc, len(m.group(1)), m.group(2).strip()))
            para = []
        elif line.startswith("```json"):
            j = i + 1
            while not lines[j].startswith("```"):
                j += 1
            sections[-1].blocks.append(("json", "\n".join(lines[i + 1:j])))
            i, para = j, []
        elif line.startswith("```"):
            j = i + 1
            while not lines[j].startswith("```"):
                j += 1
            i, para = j, []
        elif line.startswith("|"):
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            cells = [[c.strip() for c in row.strip().strip("|").split("|")]
                     for row in lines[i:j]]
            # The lead-in: the paragraph just before (a blank line between).
            lead = " ".join(para)
            if not lead and sections[-1].blocks and sections[-1].blocks[-1][0] == "para":
                lead = sections[-1].blocks[-1][1]
            sections[-1].blocks.append(("table", lead, cells[0], cells[2:]))
            i, para = j - 1, []
        elif line.strip():
            para.append(line.strip())
        else:
            if para:
                sections[-1].blocks.append(("para", " ".join(para)))
            para = []
        i += 1
    return sections


def examples(block_text):
    """The objects of a ```json block (wrapped over lines; {...} elides)."""
    text = block_text.replace("{...}", "{}")
    dec, pos, out = json.JSONDecoder(), 0, []
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return out
        obj, pos = dec.raw_decode(text, pos)
        out.append(obj)


def flatten(obj, prefix="", out=None):
    """Member paths of obj: "a", "a.b", "a[]", "a[].b" (containers too)."""
    out = set() if out is None else out
    for k, v in obj.items():
        p = f"{prefix}{k}"
        out.add(p)
        if isinstance(v, dict):
            flatten(v, p + ".", out)
        elif isinstance(v, list):
            out.add(p + "[]")
            for x in v:
                if isinstance(x, dict):
                    flatten(x, p + "[].", out)
    return out


def row_paths(cell):
    """`a[].b`, `.c` -> ["a[].b", "a[].c"]."""
    out, prev = [], None
    for name in ticks(cell):
        if name.startswith(".") and prev:
            name = prev.rsplit(".", 1)[0] + name if "." in prev else name[1:]
        out.append(name)
        prev = name
    return out


def last_name(path):
    return path.rsplit(".", 1)[-1].removesuffix("[]")


def parse_docs(sources):
    """[Section] of every source, with types and groups; problems (unparsed
    tables) as strings."""
    sections, problems = [], []
    for doc, text, keep in sources:
        for s in split_blocks(doc, text):
            if keep(s):
                sections.append(s)
    # Types named by `type` rows and by examples: what headings can name.
    known = set()
    for s in sections:
        for b in s.blocks:
            if b[0] == "table" and b[2][0] == "name":
                for row in b[3]:
                    if row_paths(row[0]) == ["type"]:
                        s.types |= set(re.findall(r'"(\w+)"', row[-1]))
                        s.common = True
            elif b[0] == "json":
                known |= {o["type"] for o in examples(b[1]) if "type" in o}
        known |= s.types
    aliases = {}
    for s in sections:
        if not s.types:
            s.types = {n for n in ticks(s.heading) if n in known}
        if not s.types:
            s.types = {o["type"] for b in s.blocks if b[0] == "json"
                       for o in examples(b[1]) if "type" in o}
        for b in s.blocks:
            m = b[0] == "para" and re.match(r"The shapes of `(\w+)` and `(\w+)`", b[1])
            if m:
                for mine, theirs in zip(sorted(s.types, key=s.heading.find), m.groups()):
                    aliases[mine] = theirs
        build_groups(s, problems)
    return sections, aliases, problems


def build_groups(s, problems):
    m = re.match(r"^`(\w+)` of `(\w+)`$", s.heading)
    head_prefix = m.group(1) + "." if m else ""
    documented = []   # paths documented so far in this section, for "Each of"
    for b in s.blocks:
        if b[0] == "json":
            g = Group(s, "example", s.types)
            for obj in examples(b[1]):
                for p in flatten(obj):
                    g.add(p, {p})
            s.groups.append(g)
            continue
        if b[0] == "para":
            m = re.match(r"A task inside an event \(([^)]*)\) is an object with (.*)", b[1])
            if m:
                keys, members = ticks(m.group(1)), ticks(m.group(2))
                g = Group(s, "task object", s.types)
                for mem in members:
                    g.add(f"<task>.{mem}", {f"{k}.{mem}" for k in keys})
                s.groups.append(g)
            continue
        _, lead, header, rows = b
        if header[0] in OTHER_TABLES:
            continue
        if header[0] != "name":
            problems.append(f"{s.name()}: a table headed {header} is not understood")
            continue
        types, prefixes = s.types, [head_prefix]
        m = re.match(r"^`(\w+)` of ((?:`\w+`(?:,| and|, and)? ?)+)", lead)
        if m:
            prefixes = [m.group(1) + "."]
            types = set(ticks(m.group(2)))
        m = re.match(r"^Each of (.*):$", lead)
        if m:
            names = set(ticks(m.group(1)))
            prefixes = sorted({p + "." for p in documented if last_name(p) in names})
            if len(prefixes) < len(names):
                problems.append(f"{s.name()}: '{lead}' names objects the section "
                                f"does not document: {sorted(names)} vs {prefixes}")
        if prefixes == [""]:
            prefixes = [element_prefix(s, rows)]
        g = Group(s, f"table after '{lead[:40]}'" if lead else "table", types,
                  strict=s.common)
        for row in rows:
            paths = row_paths(row[0])
            if not paths:
                problems.append(f"{s.name()}: row {row} names no member")
            # A row of one member listing its values (`"wakeup"` or `"preempt"`);
            # not one giving examples with numbers (`"nice 0"`, `"FIFO 10"`, ...).
            values = re.findall(r'`"([^"`]*)"`', row[-1])
            if len(paths) == 1 and len(values) > 1 and not re.search(r"\d", "".join(values)):
                g.enums[paths[0]] = ({pre + paths[0] for pre in prefixes}, set(values))
            for p in paths:
                g.add(p, {pre + p for pre in prefixes})
                documented.append(p)
                # An array of objects whose members only its meaning names.
                if p.endswith("[]") and not any(q.startswith(p + ".")
                                                for r in rows for q in row_paths(r[0])):
                    for mem in ticks(row[-1]):
                        if IDENT.match(mem):
                            g.add(f"{p}.{mem}", {f"{pre}{p}.{mem}" for pre in prefixes})
        s.groups.append(g)


def element_prefix(s, rows):
    """"X[]." if a table lists the members of the elements of the section's
    one array X (as `cpus` does: `cpu`, not `cpus[].cpu`), else "": none of
    its rows is a top-level member of the section's examples, and some are
    members of X's elements there."""
    objs = [o for b in s.blocks if b[0] == "json" for o in examples(b[1])]
    first = {row_paths(r[0])[0].split(".")[0].removesuffix("[]") for r in rows
             if row_paths(r[0])}
    if not objs or any(k in o for o in objs for k in first):
        return ""
    arrays = {k for o in objs for k, v in o.items()
              if isinstance(v, list) and any(isinstance(x, dict) and first & set(x)
                                             for x in v)}
    return f"{arrays.pop()}[]." if len(arrays) == 1 else ""


def documented_by_type(sections, aliases):
    """{type: {full path: [section names]}}, ancestors of paths included."""
    out = {}
    for s in sections:
        for g in s.groups:
            for t in g.types:
                d = out.setdefault(t, {})
                for alts in g.paths.values():
                    for p in alts:
                        d.setdefault(p, set()).add(s.name())
                        parts = p.split(".")
                        for i in range(1, len(parts)):
                            anc = ".".join(parts[:i])
                            d.setdefault(anc, set()).add(s.name())
                            if anc.endswith("[]"):
                                d.setdefault(anc[:-2], set()).add(s.name())
    for mine, theirs in aliases.items():
        for p, where in out.get(theirs, {}).items():
            out.setdefault(mine, {}).setdefault(p, set()).update(where)
    return out


def load_docs():
    inside = []

    def in_timehist(s):
        """The `schedscope timehist` section of offline.md and its subsections."""
        if s.level <= 2:
            inside[:] = [s.heading.startswith("`schedscope timehist")]
        return bool(inside and inside[0])
    return parse_docs([
        ("docs/json.md", JSON_MD.read_text(), lambda s: True),
        ("docs/offline.md", OFFLINE_MD.read_text(), in_timehist),
    ])


# ------------------------------------------------------------ the output

def side_events():
    """A fork, an exec, an exit, a rename and a migration, under trace."""
    p = subprocess.Popen(["/bin/sh", "-c",
                          "echo jsondoc-renamed > /proc/self/comm; exec /bin/true"])
    p.wait(10)
    spin = subprocess.Popen([sys.executable, "-c",
                             "import time\nt=time.monotonic()+0.3\n"
                             "while time.monotonic()<t: pass"])
    for cpu in ([0, CPU] if CPU else [0]) * 2:
        time.sleep(0.05)
        try:
            os.sched_setaffinity(spin.pid, {cpu})
        except OSError:
            pass
    spin.wait(10)


def produce(tap, tmp):
    """[(command, object)] of every command's --json output."""
    rec = str(Path(tmp) / "run.ssr")
    live = [
        ["top", "--json", "-T", "--by", "tid", "--idle", "-n", "0"],
        ["top", "--json", "--by", "comm", "-n", "5"],
        ["top", "--json"],
        ["cpus", "--json", "-T"],
        ["runqlat", "--json", "-T"],
        ["runqlat", "--json", "-P", "-m"],
        ["runqlat", "--json", "-L", "--from", "waking"],
        ["runqlat", "--json", "--cpu"],
        ["runqslower", "--json", "20000"],
        ["starve", "--json", "--threshold", "20"],
        ["inversion", "--json", "--threshold", "20"],
        ["trace", "--json", "-e", "all"],
        ["trace", "--json", "-e", "on-cpu,off-cpu,remain-cpu,enqueue,dequeue,sched:::wakeup,sleep,"
         "preempt,change-pri,lend-pri,load-change,tick,surrender"],
        ["record", "-o", rec, "-e", "all"],
        ["count", "--json", "-T", "-e", "on-cpu,off-cpu,sleep,wakeup", "--by",
         "cpu,pid,tid,comm,prio"],
        ["preempt", "--json", "-T", "--by", "pid,tid,comm"],
        ["migrations", "--json", "-T"],
        ["syscount", "--json", "-L", "-P", "0.2"],
        ["syscount", "--json", "--hist", "-T", "3"],
        ["syscount", "--json", "--slower", "1"],
        ["opensnoop", "--json", "-F", "-T", "-U", "-e"],
        ["opensnoop", "--json", "--count", "-P", "-T"],
        ["opensnoop", "--json", "--rw", "--path", "/"],
        ["execsnoop", "--json", "-T", "-t", "-U"],
        ["execsnoop", "--json", "--count", "-T"],
        ["exitsnoop", "--json", "-T", "-t"],
        ["exitsnoop", "--json", "--count", "-t", "-T"],
    ]
    out = []
    with sslib.Workload("pingpong", CPU) as pp, \
         sslib.Workload("fifo-hog", CPU, 200, binary="ssprio") as hog, \
         sslib.Workload("inversion", CPU, "plain", binary="ssprio") as plain, \
         sslib.Workload("inversion", CPU, "pi", binary="ssprio") as pi:
        tracers = []
        try:
            for args in live:
                tracers.append(sslib.Tracer(args, cpus=OTHER))
            # pingpong makes some 40000 events a second: a short run.
            pp.run()
            time.sleep(0.2)
            pp.rest()
            side_events()
            for wl in (hog, plain, pi):
                wl.send("run")
                wl.reply()
            time.sleep(0.3)
            for tr in tracers:
                tr.stop()
        finally:
            for tr in tracers:
                tr.kill()
        for tr in tracers:
            if tr.args[0] == "record":
                tap.check("record ran", tr.returncode == 0, "",
                          f"exit {tr.returncode}: {sslib.one_line(chr(10).join(tr.stderr))}")
                continue
            objs = tr.reports()
            tap.check(f"{tr.name()} printed JSON", tr.returncode == 0 and objs,
                      f"{len(objs)} objects",
                      f"exit {tr.returncode}, {len(objs)} objects: "
                      f"{sslib.one_line(chr(10).join(tr.stderr))}")
            out += [(" ".join(tr.args), o) for o in objs]
    offline = [
        ["report", "-i", rec, "top", "--json", "--by", "tid", "-n", "0"],
        ["report", "-i", rec, "cpus", "--json"],
        ["report", "-i", rec, "runqlat", "--json", "-L"],
        ["report", "-i", rec, "runqslower", "--json", "20000"],
        ["timehist", "-i", rec, "--json", "-w", "-M"],
        ["top", "--json", "-p", "999999"],
        ["probes", "--json"],
        ["syscount", "--json", "-l"],
    ]
    for args in offline:
        r = sslib.run([sslib.schedscope_path()] + args, timeout=60)
        name = "schedscope " + " ".join(args).replace(rec, "FILE")
        objs = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
        error = "999999" in args
        tap.check(f"{name} printed JSON", (r.returncode != 0) == error and objs,
                  f"{len(objs)} objects",
                  f"exit {r.returncode}, {len(objs)} objects: {sslib.one_line(r.stderr)}")
        out += [(" ".join(args).replace(rec, "FILE"), o) for o in objs]
    return out


# ------------------------------------------------------------ the checks

def check(tap, sections, aliases, problems, objs):
    tap.check("docs parse: every table understood", not problems, "",
              "; ".join(problems))
    docs = documented_by_type(sections, aliases)
    by_type = {}
    for cmd, o in objs:
        by_type.setdefault(o.get("type"), []).append((cmd, o, flatten(o)))

    # types
    for t in sorted(set(docs) - set(by_type) - NOT_PRODUCED):
        tap.fail(f"type {t} produced", f"documented in "
                 f"{sorted({w for ws in docs[t].values() for w in ws})} but no command "
                 "printed it")
    for t in sorted(set(by_type) - set(docs)):
        tap.fail(f"type {t} documented", f"printed by "
                 f"{sorted({c for c, _, _ in by_type[t]})} but no doc section covers it")
    tap.check("every documented type produced", set(docs) - NOT_PRODUCED <= set(by_type),
              f"{len(by_type)} types, not produced (explicit): {sorted(NOT_PRODUCED)}")

    # documented: every path of every object
    for t in sorted(set(by_type) & set(docs)):
        undoc = {}
        for cmd, _, paths in by_type[t]:
            for p in paths - set(docs[t]):
                undoc.setdefault(p, set()).add(cmd)
        for p in sorted(undoc):
            tap.fail(f"{t}: {p} documented",
                     f"printed by {sorted(undoc[p])[:3]} but in no table or example "
                     f"of the sections covering {t}: "
                     f"{sorted({w for ws in docs[t].values() for w in ws})}")
        if not undoc:
            tap.ok(f"{t}: every member is documented",
                   f"{len(by_type[t])} objects, {len(set().union(*(x[2] for x in by_type[t])))}"
                   " paths")

    check_values(tap, sections, by_type)

    # appears: every documented member, per section
    for s in sections:
        missing = []
        checked = 0
        for g in s.groups:
            types = set(g.types)
            for t in list(types):
                if t in NOT_PRODUCED:
                    types.discard(t)
            if not types:
                continue
            per_type = [{t} for t in types] if g.strict else [types]
            for label, alts in g.paths.items():
                checked += 1
                for ts in per_type:
                    seen = [x for t in ts for x in by_type.get(t, [])]
                    if not any(alts & paths for _, _, paths in seen):
                        missing.append((label, g.what, sorted(ts), len(seen)))
        if not checked:
            continue
        for label, what, ts, n in missing:
            tap.fail(f"{s.name()}: {label} appears",
                     f"documented ({what}) for {'/'.join(ts)}, but in none of "
                     f"{n} real {'/'.join(ts)} objects")
        if not missing:
            tap.ok(f"{s.name()}: every documented member appears", f"{checked} members")


def values_at(obj, path):
    """The values at a member path ("a[].b") of obj."""
    cur = [obj]
    for part in path.split("."):
        arr = part.endswith("[]")
        key = part.removesuffix("[]")
        cur = [c[key] for c in cur if isinstance(c, dict) and key in c]
        if arr:
            cur = [x for c in cur if isinstance(c, list) for x in c]
    return cur


def check_values(tap, sections, by_type):
    """A string member whose row lists its values holds one of them."""
    for s in sections:
        for g in s.groups:
            for label, (alts, allowed) in g.enums.items():
                bad = {}
                for t in g.types:
                    for cmd, o, _ in by_type.get(t, []):
                        for p in alts:
                            for v in values_at(o, p):
                                if isinstance(v, str) and v not in allowed:
                                    bad.setdefault((t, p, v), cmd)
                for (t, p, v), cmd in sorted(bad.items()):
                    tap.fail(f"{s.name()}: {t} {p} values documented",
                             f"{p} = {v!r} (from {cmd}) but the table lists "
                             f"{sorted(allowed)}")
                if not bad:
                    tap.ok(f"{s.name()}: {label} holds a documented value",
                           f"{sorted(allowed)}")


def main():
    tap = sslib.Tap()
    try:
        sections, aliases, problems = load_docs()
    except (OSError, ValueError, IndexError) as e:
        tap.fail("docs parse", f"{type(e).__name__}: {e}")
        tap.done()

    def run_all():
        with tempfile.TemporaryDirectory(prefix="ss-jsondocs-") as tmp:
            objs = produce(tap, tmp)
        check(tap, sections, aliases, problems, objs)

    sslib.run_cases(tap, [("json_docs", run_all)])


if __name__ == "__main__":
    main()
