# SPDX-License-Identifier: GPL-2.0
"""Shared helpers of schedscope's integration tests (Python 3, stdlib only).

- The kernel's own per-thread accounting, read from /proc: the reference
  every test compares schedscope with.
- Workload: drives tests/workload/ssload over its stdin/stdout protocol.
- Tracer: runs schedscope, waits until it has attached, stops it with a
  signal and parses its JSON lines.
- Tap: prints one line per check ("ok - NAME", "not ok - NAME: reason",
  "ok - NAME # SKIP reason") and gives the script's exit status.

Paths: SSLOAD and SCHEDSCOPE override build/ssload and build/schedscope
(relative to the repository root). With CI=true a check that cannot run
(not root, no binary) fails instead of being skipped.
"""

import contextlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
READY_LINE = "Hit Ctrl-C to end."
# Context switches in a test's window that the sched_switch tracepoint
# never reports: this VM's agent threads (PID 1's) are invisible to it.
# 5-9 a run; two runs once fell 14 and 23 short before they were counted.
UNTRACED_MAX = 100
# Names of schedscope's BPF programs: anything loaded under these names
# after every tracer has exited is a leak.
PROG_NAMES = ("on_switch", "on_wakeup", "on_migrate", "on_free", "dump_task",
              "probe_cpu", "lat_switch", "lat_waking", "lat_pi", "scan_tasks",
              "note_wait", "ev_", "sc_")


def ssload_path():
    return Path(os.environ.get("SSLOAD") or REPO / "build" / "ssload")


def schedscope_path():
    return Path(os.environ.get("SCHEDSCOPE") or REPO / "build" / "schedscope")


def in_ci():
    return os.environ.get("CI") == "true"


def is_root():
    return os.geteuid() == 0


def ncpus():
    return os.cpu_count() or 1


# ---------------------------------------------------------------- results

class Tap:
    """One output line per check; the runner counts them."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = 0

    def ok(self, name, detail=""):
        self.passed += 1
        print(f"ok - {name}{' ' + detail if detail else ''}", flush=True)

    def fail(self, name, reason):
        self.failed += 1
        print(f"not ok - {name}: {one_line(reason)}", flush=True)

    def check(self, name, cond, detail="", reason=None):
        """ok with detail if cond, else not ok with reason (or detail)."""
        if cond:
            self.ok(name, detail)
        else:
            self.fail(name, reason or detail or "failed")
        return bool(cond)

    def skip(self, name, reason):
        """A check that cannot run here; under CI=true that is a failure."""
        if in_ci():
            self.fail(name, f"cannot run under CI=true: {reason}")
        else:
            self.skipped += 1
            print(f"ok - {name} # SKIP {one_line(reason)}", flush=True)

    def note(self, text):
        for line in str(text).splitlines():
            print(f"# {line}", flush=True)

    def done(self):
        self.note(f"{Path(sys.argv[0]).name}: {self.passed} ok, "
                  f"{self.failed} not ok, {self.skipped} skipped")
        sys.exit(1 if self.failed else 0)


def one_line(text):
    return " | ".join(s.strip() for s in str(text).splitlines() if s.strip())


def require(tap, names, need_root=True):
    """Checks that the binary exists (and that we are root); if not, marks
    every check in names as failed or skipped and returns False."""
    tool = schedscope_path()
    if not (tool.is_file() and os.access(tool, os.X_OK)):
        for name in names:
            tap.fail(name, f"no schedscope binary at {tool} (run make)")
        return False
    if need_root and not is_root():
        for name in names:
            tap.skip(name, "needs root (BPF)")
        return False
    return True


def run_cases(tap, cases):
    """Runs (name, fn) cases, or only those named on the command line; a case
    that raises is one failed check, and the others still run. Exits."""
    only = set(sys.argv[1:])
    cases = [c for c in cases if not only or c[0] in only]
    if not require(tap, [name for name, _ in cases]):
        tap.done()
    for name, case in cases:
        try:
            case()
        except (TracerError, WorkloadError, KeyError, TypeError, ValueError) as e:
            tap.fail(f"{name} ran", f"{type(e).__name__}: {e}")
    tap.done()


def rel_err(actual, expected):
    """|actual - expected| / expected; 0 if both are 0, inf if only expected is."""
    if expected == 0:
        return 0.0 if actual == 0 else float("inf")
    return abs(actual - expected) / abs(expected)


def pct(x):
    return f"{100.0 * x:.3f}%"


# ---------------------------------------------------------- /proc readers

def read_schedstat(pid, tid):
    """(runtime_ns, run_delay_ns, pcount) of one thread."""
    with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
        runtime, delay, pcount = (int(x) for x in f.read().split())
    return runtime, delay, pcount


def read_status(pid, tid):
    """Integer fields of /proc/PID/task/TID/status (voluntary_ctxt_switches,
    nonvoluntary_ctxt_switches, ...), plus State as a letter."""
    out = {}
    with open(f"/proc/{pid}/task/{tid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            value = value.strip()
            if key == "State":
                out["State"] = value[:1]
            elif value.isdigit():
                out[key] = int(value)
    return out


def read_sched(pid, tid):
    """Numeric fields of /proc/PID/task/TID/sched (needs CONFIG_SCHED_DEBUG
    on older kernels; None if absent)."""
    out = {}
    try:
        with open(f"/proc/{pid}/task/{tid}/sched") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return None
    for line in lines[2:]:
        key, sep, value = line.partition(":")
        if not sep:
            continue
        try:
            out[key.strip()] = float(value.strip())
        except ValueError:
            pass
    return out


def thread_counters(pid, tid):
    """The kernel's counters of one thread, named as schedscope names them."""
    runtime, delay, pcount = read_schedstat(pid, tid)
    status = read_status(pid, tid)
    sched = read_sched(pid, tid)
    out = {
        "runtime_ns": runtime,
        "runq_wait_ns": delay,
        "timeslices": pcount,
        "voluntary_switches": status["voluntary_ctxt_switches"],
        "involuntary_switches": status["nonvoluntary_ctxt_switches"],
        "state": status.get("State", "?"),
    }
    if sched and "se.nr_migrations" in sched:
        out["migrations"] = int(sched["se.nr_migrations"])
    return out


def counters_delta(before, after):
    return {k: after[k] - before[k] for k in before
            if k in after and isinstance(before[k], int)}


def proc_stat_counter(name):
    """The number on /proc/stat's line NAME."""
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith(name + " "):
                return int(line.split()[1])
    raise RuntimeError(f"no {name} line in /proc/stat")


def read_ctxt():
    """/proc/stat's ctxt: context switches of all CPUs since boot."""
    return proc_stat_counter("ctxt")


def forks_so_far():
    """/proc/stat's processes: every clone since boot (copy_process()'s total_forks)."""
    return proc_stat_counter("processes")


def read_proc_stat_cpus():
    """{cpu: {"idle": ticks (idle + iowait), "steal": ticks, "total": ticks}}
    from /proc/stat. Steal is time the hypervisor ran something else: wall
    clocks count it, the kernel's task runtimes do not."""
    out = {}
    with open("/proc/stat") as f:
        for line in f:
            if not line.startswith("cpu") or line.startswith("cpu "):
                continue
            fields = line.split()
            ticks = [int(x) for x in fields[1:]]
            # user nice system idle iowait irq softirq steal guest guest_nice;
            # guest time is already inside user/nice
            out[int(fields[0][3:])] = {"idle": ticks[3] + ticks[4], "steal": ticks[7],
                                       "total": sum(ticks[:8])}
    return out


def steal_ticks(cpus=None):
    """Steal ticks so far of cpus (every CPU if None), for stolen_ns()."""
    stat = read_proc_stat_cpus()
    return sum(stat[c]["steal"] for c in (stat if cpus is None else cpus))


def stolen_ns(since, cpus=None):
    """At most how long the hypervisor took cpus away since steal_ticks()
    said since. Each CPU's count is its ns total cut to ticks, so a
    difference falls short by less than one tick per CPU."""
    n = len(read_proc_stat_cpus() if cpus is None else cpus)
    return (steal_ticks(cpus) - since + n) * 1_000_000_000 // os.sysconf("SC_CLK_TCK")


def read_pid_stat_cpu_ns(pid):
    """utime + stime of a whole process (dead threads included), in ns. The
    kernel scales the exact runtime into ticks: clock-tick resolution."""
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    fields = data[data.rindex(")") + 2:].split()
    # fields[0] is field 3 (state): utime is field 14, stime field 15
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) * 1_000_000_000 // os.sysconf("SC_CLK_TCK")


def cgroup2_mount():
    """Where the cgroup v2 hierarchy is mounted, from /proc/self/mountinfo
    (/sys/fs/cgroup/unified on hybrid systems), or None."""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            if right.split()[0] == "cgroup2":
                return left.split()[4].replace("\\040", " ")
    return None


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on (as of now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid):
    """VmRSS of pid, in kB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def bpf_prog_ids(pid):
    """Ids of the BPF programs a process holds (program and link fds)."""
    ids = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fdinfo")
    except OSError:
        return ids
    for fd in fds:
        try:
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                for line in f:
                    if line.startswith("prog_id:"):
                        ids.add(int(line.split()[1]))
        except OSError:
            pass
    return ids


def bpf_prog_misses(pid):
    """{program name: recursion_misses} for the programs pid holds: events
    the kernel did not deliver because the program was already running on
    that CPU (e.g. a wakeup from an interrupt that arrived in the middle of
    the same hook). {} if bpftool is missing or fails."""
    ids = bpf_prog_ids(pid)
    if not ids:
        return {}
    try:
        r = subprocess.run(["bpftool", "prog", "show", "--json"],
                           capture_output=True, text=True, timeout=10)
        progs = json.loads(r.stdout or "[]")
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
        return {}
    return {p["name"]: p.get("recursion_misses", 0)
            for p in progs if p.get("id") in ids}


@contextlib.contextmanager
def affinity(cpus):
    """Runs the body (and the children it starts) on cpus; None = no change.
    Only the calling thread is moved, and only for the body."""
    if cpus is None:
        yield
        return
    old = os.sched_getaffinity(0)
    os.sched_setaffinity(0, set(cpus))
    try:
        yield
    finally:
        os.sched_setaffinity(0, old)


# ------------------------------------------------------------- processes

class LineReader:
    """Reads a pipe line by line on a thread, so that reads can time out."""

    def __init__(self, pipe, name):
        self.lines = queue.Queue()
        self.all = []
        self._thread = threading.Thread(target=self._pump, args=(pipe,),
                                        name=name, daemon=True)
        self._thread.start()

    def _pump(self, pipe):
        for line in iter(pipe.readline, ""):
            line = line.rstrip("\n")
            self.all.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def get(self, timeout):
        """Next line, None at end of file; raises TimeoutError."""
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no line within {timeout} s") from None

    def join(self, timeout=5):
        self._thread.join(timeout)
        return list(self.all)


class WorkloadError(RuntimeError):
    pass


class Workload:
    """One workload process (ssload, or ssprio), at rest once constructed."""

    def __init__(self, scenario, *args, cpus=None, timeout=15, binary="ssload"):
        path = ssload_path().with_name(binary)
        if not path.is_file():
            raise WorkloadError(f"no {binary} at {path} (run make)")
        self.scenario = scenario
        self.timeout = timeout
        with affinity(cpus):
            self.proc = subprocess.Popen(
                [str(path), scenario, *(str(a) for a in args)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, bufsize=1)
        self.out = LineReader(self.proc.stdout, "ssload-out")
        self.err = LineReader(self.proc.stderr, "ssload-err")
        hello = json.loads(self._line())
        self.pid = hello["pid"]
        self.tids = hello["tids"]

    def _line(self):
        try:
            line = self.out.get(self.timeout)
        except TimeoutError:
            self.kill()
            raise WorkloadError(f"ssload {self.scenario}: no answer in "
                                f"{self.timeout} s") from None
        if line is None:
            self.proc.wait(5)
            raise WorkloadError(f"ssload {self.scenario} exited "
                                f"{self.proc.returncode}: "
                                f"{one_line(chr(10).join(self.err.join()))}")
        return line

    def command(self, cmd, expect):
        """Sends cmd, returns the JSON lines printed before the reply."""
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        extra = []
        while True:
            line = self._line()
            if line == expect:
                return extra
            if line.startswith("{"):
                extra.append(json.loads(line))
            else:
                raise WorkloadError(f"ssload {self.scenario}: {cmd!r} "
                                    f"answered {line!r}")

    def run(self):
        return self.command("run", "running")

    def send(self, cmd):
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()

    def reply(self):
        """The next line, as JSON (ssprio answers "run" with its figures)."""
        line = self._line()
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            raise WorkloadError(f"{self.scenario}: answered {line!r}") from None

    def rest(self):
        return self.command("rest", "resting")

    def run_for(self, seconds):
        """Runs the workers for seconds between two rests: their counters
        ({name: thread_counters}) before and after."""
        before = self.counters()
        self.run()
        time.sleep(seconds)
        self.rest()
        return before, self.counters()

    def stats(self):
        """{"process_cpu_ns": CLOCK_PROCESS_CPUTIME_ID, "storm_threads": N}"""
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        return json.loads(self._line())

    def counters(self):
        """{name: thread_counters} for every worker."""
        return {name: thread_counters(self.pid, tid)
                for name, tid in self.tids.items()}

    def quit(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                self.kill()
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.quit()


class TracerError(RuntimeError):
    pass


class Tracer:
    """One schedscope process, attached once constructed.

    Readiness is the stderr line containing READY_LINE; a tracer that ends
    (or prints a report) before saying it is also accepted, and whatever it
    printed is kept for the caller to judge.
    """

    def __init__(self, args, cpus=None, ready_timeout=30, wait_ready=True, env=None):
        path = schedscope_path()
        self.args = [str(a) for a in args]
        self.cmd = [str(path)] + self.args
        with affinity(cpus):
            self.proc = subprocess.Popen(
                self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, bufsize=1,
                env={**os.environ, **env} if env else None)
        self.out = LineReader(self.proc.stdout, "tracer-out")
        self.err = LineReader(self.proc.stderr, "tracer-err")
        self.stdout = None
        self.stderr = None
        self.returncode = None
        self.prog_misses = {}
        if wait_ready:
            self.wait_ready(ready_timeout)

    def name(self):
        return "schedscope " + " ".join(self.args)

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise TracerError(f"{self.name()}: no '{READY_LINE}' on "
                                  f"stderr within {timeout} s")
            try:
                line = self.err.get(min(left, 0.5))
            except TimeoutError:
                continue
            if line is None:
                self.proc.wait(10)
                self.returncode = self.proc.returncode
                raise TracerError(f"{self.name()}: exited "
                                  f"{self.proc.returncode} before attaching: "
                                  f"{one_line(chr(10).join(self.err.all))}")
            if READY_LINE in line:
                return

    def next_stdout_line(self, timeout):
        return self.out.get(timeout)

    def stop(self, sig=signal.SIGINT, timeout=20):
        """Signals the tracer, waits for it; returns the exit status. Keeps
        the recursion misses of its BPF programs, read just before."""
        if self.proc.poll() is None:
            self.prog_misses = bpf_prog_misses(self.proc.pid)
            self.proc.send_signal(sig)
        return self.wait(timeout)

    def wait(self, timeout=20):
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise TracerError(f"{self.name()}: still running {timeout} s "
                              "after it should have ended") from None
        self.returncode = self.proc.returncode
        self.stdout = self.out.join()
        self.stderr = self.err.join()
        return self.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def reports(self, kind=None):
        """Every JSON object printed on stdout (of type kind, if given)."""
        lines = self.stdout if self.stdout is not None else self.out.all
        out = []
        for line in lines:
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise TracerError(f"{self.name()}: not JSON: {line[:200]!r}"
                                  f" ({e})") from None
            if kind is None or obj.get("type") == kind:
                out.append(obj)
        return out

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


def one_report(tracer, kind):
    """The single report a run without interval must print."""
    reports = tracer.reports(kind)
    if len(reports) != 1:
        raise TracerError(f"{tracer.name()}: expected 1 {kind} report, got "
                          f"{len(reports)}; stderr: "
                          f"{one_line(chr(10).join(tracer.stderr or []))}")
    return reports[0]


def rows_by_tid(report):
    return {row.get("tid", row.get("pid")): row for row in report["tasks"]}


def run(cmd, timeout=30, **kw):
    """subprocess.run with text output captured."""
    return subprocess.run([str(c) for c in cmd], capture_output=True,
                          text=True, timeout=timeout, **kw)


class Sysload:
    """tests/workload/sysload: known opens, execs, 20 ms sleeps and children.

    Constructed, it has made its files under dir and waits (self.pid);
    go() runs the phases and returns the JSON it prints of what it did
    (its comment lists the fields)."""

    def __init__(self, dir, opens=0, execs=0, sleeps=0, children=0):
        path = REPO / "build" / "sysload"
        self.proc = subprocess.Popen(
            [str(path), str(dir), str(opens), str(execs), str(sleeps), str(children)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = self.proc.stdout.readline().split()
        if len(ready) != 2 or ready[0] != "ready":
            self.proc.kill()
            raise WorkloadError(f"sysload: no ready line ({ready})")
        self.pid = int(ready[1])

    def go(self, timeout=60):
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        stats = json.loads(self.proc.stdout.readline())
        self.proc.wait(timeout=timeout)
        return stats
