#!/usr/bin/env python3
"""schedscope under valgrind's memcheck: no invalid access, no definite leak,
through a live report, an interval run, the exporter's scrapes and the
error paths."""
import signal
import subprocess
import sys
import urllib.request

import sslib

VALGRIND = ["valgrind", "--error-exitcode=99", "--leak-check=full",
            f"--suppressions={sslib.REPO}/tests/valgrind.supp",
            "--errors-for-leak-kinds=definite", "-q"]


def run(args, timeout=60):
    p = subprocess.run(VALGRIND + [str(sslib.schedscope_path())] + args,
                       capture_output=True, text=True, timeout=timeout)
    # valgrind does not know every bpf() command; that warning is not an error.
    noise = [l for l in p.stderr.splitlines()
             if l.startswith("==") and "WARNING: unhandled eBPF command" not in l]
    return p.returncode, p.stdout, noise


def main():
    tap = sslib.Tap()
    if subprocess.run(["which", "valgrind"], capture_output=True).returncode:
        tap.fail("valgrind installed", "valgrind not found (make deps-test)")
        return tap.done()
    cases = [
        ("usage error", ["top", "--bogus"], 2, False),
        ("help", ["top", "--help"], 0, False),
        ("top one report", ["top", "-d", "1", "--json", "-n", "0", "--idle"], 0, True),
        ("top -C interval", ["top", "-C", "0", "0.3", "2", "--by", "tid"], 0, True),
        ("cpus interval", ["cpus", "0.3", "2", "--json"], 0, True),
        ("runqlat -L intervals", ["runqlat", "-L", "0.3", "2"], 0, True),
        ("runqlat --cpu", ["runqlat", "--cpu", "--split", "-d", "0.5", "--json"], 0, True),
        ("runqslower every wait", ["runqslower", "-P", "-d", "0.5", "0"], 0, True),
        ("starve", ["starve", "--threshold", "1", "-d", "0.5"], 0, True),
        ("inversion", ["inversion", "-d", "0.5"], 0, True),
    ]
    for name, args, want_rc, needs_bpf in cases:
        if needs_bpf and not sslib.require(tap, [f"valgrind {name}"]):
            continue
        rc, out, noise = run(args)
        tap.check(f"valgrind {name}", rc == want_rc and not noise,
                  f"rc={rc}", f"rc={rc} (want {want_rc}); valgrind: {noise[:5]}")
        if needs_bpf and "--json" in args:
            lines = [l for l in out.splitlines() if l.strip()]
            tap.check(f"valgrind {name} output", len(lines) >= 1, f"{len(lines)} reports",
                      "no JSON report")
    if sslib.require(tap, ["valgrind exporter"]):
        check_exporter(tap)
    return tap.done()


def check_exporter(tap):
    """Served, scraped in both formats (libmicrohttpd loaded with dlopen), stopped by SIGTERM."""
    port = sslib.free_port()
    p = subprocess.Popen(VALGRIND + [str(sslib.schedscope_path()), "exporter", "--listen",
                                     f"127.0.0.1:{port}"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines, scraped = [], []
    try:
        for line in p.stderr:
            lines.append(line)
            if line.startswith("Serving http"):
                break
        for accept in ("*/*", "application/openmetrics-text;version=1.0.0"):
            req = urllib.request.Request(f"http://127.0.0.1:{port}/metrics",
                                         headers={"Accept": accept})
            with urllib.request.urlopen(req, timeout=30) as r:
                scraped.append(r.read().decode())
        p.send_signal(signal.SIGTERM)
        lines += p.stderr.readlines()
        rc = p.wait(60)
    except (OSError, subprocess.TimeoutExpired) as e:
        p.kill()
        p.wait()
        tap.fail("valgrind exporter", f"{type(e).__name__}: {e}; {lines[-3:]}")
        return
    noise = [l.rstrip() for l in lines
             if l.startswith("==") and "WARNING: unhandled eBPF command" not in l]
    tap.check("valgrind exporter", rc == 0 and not noise and len(scraped) == 2 and
              scraped[1].endswith("# EOF\n"), f"rc={rc}, 2 scrapes",
              f"rc={rc}, {len(scraped)} scrapes; valgrind: {noise[:5]}")


if __name__ == "__main__":
    sys.exit(main())
