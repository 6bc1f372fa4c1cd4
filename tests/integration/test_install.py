#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make install and make uninstall, into a temporary DESTDIR (no root needed).

For the default PREFIX (/usr/local) and for PREFIX=/usr: exactly the four
files land where PREFIX says, with their modes; the binary is the one built
and runs; the man page renders (man -l, else its roff is checked); the bash
completion loads; the unit's ExecStart names the installed binary, not the
staging DESTDIR, and systemd-analyze verify accepts it (else its shape is
checked); make uninstall removes every file again.
"""

import os
import shutil
import stat
import tempfile
from pathlib import Path

import sslib

UNIT = "schedscope-exporter.service"


def expected(prefix):
    """{path under DESTDIR: mode} that make install must write."""
    return {
        f"{prefix}/bin/schedscope": 0o755,
        f"{prefix}/share/man/man1/schedscope.1": 0o644,
        f"{prefix}/share/bash-completion/completions/schedscope": 0o644,
        f"{prefix}/lib/systemd/system/{UNIT}": 0o644,
    }


def make(target, destdir, prefix):
    args = ["make", "-C", sslib.REPO, "--no-print-directory", target, f"DESTDIR={destdir}"]
    if prefix != "/usr/local":
        args.append(f"PREFIX={prefix}")
    return sslib.run(args, timeout=300)


def files_under(root):
    return {"/" + str(p.relative_to(root)): stat.S_IMODE(p.lstat().st_mode)
            for p in Path(root).rglob("*") if not p.is_dir()}


def check_files(tap, tag, root, prefix):
    got, want = files_under(root), expected(prefix)
    tap.check(f"{tag}: every file where PREFIX says, with its mode", got == want,
              reason=f"got {sorted((k, oct(v)) for k, v in got.items())}")
    binary = Path(root + f"{prefix}/bin/schedscope")
    built = sslib.schedscope_path()
    same = binary.is_file() and built.is_file() and binary.read_bytes() == built.read_bytes()
    tap.check(f"{tag}: the binary is {built}", same)
    r = sslib.run([binary, "--version"]) if binary.is_file() else None
    tap.check(f"{tag}: the installed binary runs",
              r is not None and r.returncode == 0 and r.stdout.startswith("schedscope "),
              reason=r and (r.stdout + r.stderr))


def check_man(tap, tag, root, prefix):
    page = Path(root + f"{prefix}/share/man/man1/schedscope.1")
    if shutil.which("man"):
        r = sslib.run(["man", "--warnings", "-l", page], env={**os.environ, "MANWIDTH": "80"})
        good = (r.returncode == 0 and not r.stderr.strip() and "NAME" in r.stdout
                and "SYNOPSIS" in r.stdout and "schedscope top" in r.stdout)
        tap.check(f"{tag}: man -l renders the man page without a warning", good,
                  reason=f"rc {r.returncode}: {r.stderr[:300]}")
        return
    roff = page.read_text() if page.is_file() else ""
    lines = roff.splitlines()
    good = (any(l.startswith('.TH "schedscope" "1"') for l in lines)
            and ".SH NAME" in lines and ".SH SYNOPSIS" in lines)
    tap.check(f"{tag}: the man page is roff with .TH, NAME and SYNOPSIS (no man here)", good)


def check_completion(tap, tag, root, prefix):
    comp = root + f"{prefix}/share/bash-completion/completions/schedscope"
    r = sslib.run(["bash", "-c", 'source "$1" && complete -p schedscope', "bash", comp])
    tap.check(f"{tag}: the bash completion loads",
              r.returncode == 0 and "-F _schedscope schedscope" in r.stdout,
              reason=r.stdout + r.stderr)


def check_unit(tap, tag, root, prefix):
    path = Path(root + f"{prefix}/lib/systemd/system/{UNIT}")
    text = path.read_text() if path.is_file() else ""
    execs = [l for l in text.splitlines() if l.startswith("ExecStart=")]
    tap.check(f"{tag}: the unit runs {prefix}/bin/schedscope, and names no DESTDIR",
              execs == [f"ExecStart={prefix}/bin/schedscope exporter"] and root not in text,
              reason=f"ExecStart lines {execs}")
    if not shutil.which("systemd-analyze"):
        sections = [l for l in text.splitlines() if l.startswith("[")]
        tap.check(f"{tag}: the unit has [Unit], [Service], [Install] (no systemd-analyze)",
                  sections == ["[Unit]", "[Service]", "[Install]"], reason=f"sections {sections}")
        return
    # systemd-analyze checks that ExecStart is executable and that man:
    # finds the page, so a copy points at the staged binary and MANPATH at
    # the staged pages.
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / UNIT
        copy.write_text(text.replace(f"ExecStart={prefix}/", f"ExecStart={root}{prefix}/"))
        r = sslib.run(["systemd-analyze", "verify", copy],
                      env={**os.environ, "MANPATH": root + f"{prefix}/share/man"})
    tap.check(f"{tag}: systemd-analyze verify accepts the unit",
              r.returncode == 0 and not (r.stdout + r.stderr).strip(),
              reason=f"rc {r.returncode}: {r.stdout}{r.stderr}")


def main():
    tap = sslib.Tap()
    for prefix in ("/usr/local", "/usr"):
        tag = f"PREFIX={prefix}"
        with tempfile.TemporaryDirectory(prefix="schedscope-install.") as root:
            r = make("install", root, prefix)
            if not tap.check(f"{tag}: make install DESTDIR=...", r.returncode == 0,
                             reason=r.stderr[-500:]):
                continue
            check_files(tap, tag, root, prefix)
            check_man(tap, tag, root, prefix)
            check_completion(tap, tag, root, prefix)
            check_unit(tap, tag, root, prefix)
            r = make("uninstall", root, prefix)
            left = files_under(root)
            tap.check(f"{tag}: make uninstall removes every file", r.returncode == 0 and not left,
                      reason=f"rc {r.returncode}, left {sorted(left)} {r.stderr[-300:]}")
    tap.done()


if __name__ == "__main__":
    main()
