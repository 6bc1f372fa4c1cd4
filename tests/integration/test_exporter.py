#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""schedscope exporter against promtool, a real Prometheus and the kernel's
own per-cgroup accounting (root, about a minute):

  format     a real scrape passes `promtool check metrics`; asked for as
             Prometheus asks, the same samples come in OpenMetrics 1.0.0;
             404, 405, and garbage and half-open connections leave it serving
  rate       Prometheus scrapes it every second; rate() of
             schedscope_cpu_seconds_total for a test cgroup running a CPU
             burner equals the growth of that cgroup's cpu.stat usage_usec
             over the same samples' timestamps, within 1 %; its metadata
             shows it negotiated OpenMetrics
  monotonic  while processes start and exit in a cgroup, every counter and
             bucket of two scrapes a second apart only grows
  churn      1,000 cgroups created, each given a process, and removed,
             under load: the exporter's RSS stays bounded, the cgroups are
             forgotten after --cgroup-expiry
  expiry     a removed cgroup's series are there before --cgroup-expiry
             and gone after it
  cap        --max-series sends what does not fit to cgroup="(other)" and
             counts it (with --cgroup-root naming the v2 mount)
  recycle    with the smallest kernel table (68 cgroups), 120 cgroups made
             and removed in three batches lose no wait to a full table, and
             a cgroup made after them starts its histogram from zero: its
             waits at most its process's pcount, and at least its sleeps,
             though it is handed the room of a waker's cgroup that the walk
             never sees, forgotten while the waker still waits
  errors     bad --listen (2), port in use (1); SIGTERM exits 0

The v2 hierarchy is found in /proc/self/mountinfo (this machine is hybrid:
/sys/fs/cgroup/unified), never assumed.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import sslib

EXPIRY_S = 4
RATE_WINDOW_S = 10
RSS_BOUND_KB = 32 * 1024	# growth allowed over the churn

# What Prometheus 2.42 sends.
PROMETHEUS_ACCEPT = ("application/openmetrics-text;version=1.0.0,"
                     "application/openmetrics-text;version=0.0.1;q=0.75,"
                     "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")

tap = sslib.Tap()


def get(url, method="GET", timeout=10, accept=None):
    req = urllib.request.Request(url, method=method, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()


SAMPLE = re.compile(r'^([a-z_:]+)(\{[^}]*\})? (\S+)$')


def samples(text):
    """{(name, labels): value} of a scrape."""
    out = {}
    for line in text.splitlines():
        if line.startswith("#") or not line:
            continue
        m = SAMPLE.match(line)
        if m:
            out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


def counter_like(name, text):
    """Names of counters and histogram series, from the TYPE lines."""
    kinds = dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))
    for base, kind in kinds.items():
        if kind == "counter" and name == base:
            return True
        if kind == "histogram" and name in (base + "_bucket", base + "_sum", base + "_count"):
            return True
    return False


class Cgroup:
    def __init__(self, root, name):
        self.path = os.path.join(root, name)
        self.label = "/" + name
        os.makedirs(self.path, exist_ok=True)

    def add(self, pid):
        with open(os.path.join(self.path, "cgroup.procs"), "w") as f:
            f.write(str(pid))

    def usage_usec(self):
        with open(os.path.join(self.path, "cpu.stat")) as f:
            for line in f:
                k, v = line.split()
                if k == "usage_usec":
                    return int(v)
        raise ValueError("no usage_usec in cpu.stat")

    def remove(self):
        for _ in range(50):
            try:
                os.rmdir(self.path)
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.1)


def spawn_held(cmd):
    """A process that runs cmd once release(p, w, cg) has moved it into cg."""
    r, w = os.pipe()
    p = subprocess.Popen(["sh", "-c", f"read _ <&{r}; exec {cmd}"], pass_fds=(r,),
                         stdin=subprocess.DEVNULL)
    os.close(r)
    return p, w


def release(p, w, cg):
    cg.add(p.pid)
    os.write(w, b"go\n")
    os.close(w)
    return p


def spawn_in(cg, cmd):
    """A process started straight into cg (moved before it runs its command)."""
    return release(*spawn_held(cmd), cg)


class Prometheus:
    def __init__(self, target, tmp):
        self.port = sslib.free_port()
        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\n"
                    "scrape_configs:\n  - job_name: schedscope\n"
                    f"    static_configs:\n      - targets: ['{target}']\n")
        self.proc = subprocess.Popen(
            ["prometheus", f"--config.file={cfg}", f"--storage.tsdb.path={tmp}/data",
             f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "prom.log"), "w"))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if get(f"http://127.0.0.1:{self.port}/-/ready", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        with open(os.path.join(tmp, "prom.log")) as f:
            raise ValueError(f"prometheus did not get ready: {f.read()[-500:]}")

    def query(self, q, at=None):
        args = {"query": q}
        if at is not None:
            args["time"] = f"{at:.3f}"
        url = f"http://127.0.0.1:{self.port}/api/v1/query?" + urllib.parse.urlencode(args)
        status, _, body = get(url)
        if status != 200:
            raise ValueError(f"prometheus: {status} {body[:200]}")
        return json.loads(body)["data"]["result"]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class UsageSampler(threading.Thread):
    """cpu.stat usage_usec every 10 ms with the wall-clock time it was read at,
    to interpolate the cgroup's usage at Prometheus' sample timestamps."""

    def __init__(self, cg):
        super().__init__(daemon=True)
        self.cg, self.points, self.halt = cg, [], threading.Event()

    def run(self):
        while not self.halt.is_set():
            t0 = time.time()
            u = self.cg.usage_usec()
            self.points.append(((t0 + time.time()) / 2, u))
            time.sleep(0.01)

    def at(self, t):
        pts = self.points
        for (ta, ua), (tb, ub) in zip(pts, pts[1:]):
            if ta <= t <= tb:
                return ua + (ub - ua) * (t - ta) / (tb - ta)
        raise ValueError(f"no cpu.stat samples around {t}")


def check_format(base):
    status, ctype, body = get(base + "/metrics")
    tap.check("GET /metrics answers 200 in the text format 0.0.4",
              status == 200 and "version=0.0.4" in ctype, f"({len(body)} bytes)",
              f"status {status}, Content-Type {ctype!r}")
    r = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True,
                       text=True, timeout=30)
    tap.check("promtool check metrics is clean on a real scrape",
              r.returncode == 0 and not (r.stdout + r.stderr).strip(), "",
              f"rc {r.returncode}: {r.stdout} {r.stderr}")
    check_openmetrics(base, body)
    tap.check("GET / links to /metrics", 'href="/metrics"' in get(base + "/")[2])
    tap.check("GET /nope is 404", get(base + "/nope")[0] == 404)
    tap.check("POST /metrics is 405", get(base + "/metrics", method="POST")[0] == 405)
    host, port = base[len("http://"):].split(":")
    half = socket.create_connection((host, int(port)))
    half.sendall(b"GET /metr")
    junk = socket.create_connection((host, int(port)))
    junk.sendall(os.urandom(512) + b"\r\n\r\n")
    time.sleep(0.3)
    status, _, body = get(base + "/metrics", timeout=5)
    tap.check("serves while a half-open and a garbage connection are held",
              status == 200 and "schedscope_cpu_seconds_total" in body)
    half.close()
    junk.close()


def sample_names(body):
    """The names of a scrape's samples (a cgroup may come or go between two)."""
    return {n for n, _ in samples(body)}


def check_openmetrics(base, text):
    """Asked for as Prometheus asks: the same samples, OpenMetrics' family lines, # EOF."""
    status, ctype, body = get(base + "/metrics", accept=PROMETHEUS_ACCEPT)
    types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", body, re.M))
    want = {n[:-len("_total")]: "counter" for n in re.findall(r"^# TYPE (\S+) counter$",
                                                               text, re.M)}
    tap.check("with Prometheus' Accept header it answers in OpenMetrics 1.0.0",
              status == 200 and ctype.startswith("application/openmetrics-text; version=1.0.0")
              and body.endswith("\n# EOF\n") and body.count("# EOF") == 1 and
              all(types.get(n) == t for n, t in want.items()) and
              types.get("schedscope_build") == "info" and
              sample_names(body) == sample_names(text),
              f"({len(want)} counter families named without _total, {len(body)} bytes)",
              f"status {status}, Content-Type {ctype!r}, types {types}")


def check_prometheus_format(prom):
    """Prometheus keeps metadata by family name: a counter family without
    _total shows that it negotiated OpenMetrics, and parsed it."""
    url = f"http://127.0.0.1:{prom.port}/api/v1/metadata?metric=schedscope_cpu_seconds"
    meta = json.loads(get(url)[2]).get("data", {}).get("schedscope_cpu_seconds", [])
    tap.check("Prometheus scrapes it in OpenMetrics",
              any(m.get("type") == "counter" for m in meta), "", f"metadata {meta}")


def check_rate(prom, burner_cg):
    sampler = UsageSampler(burner_cg)
    sampler.start()
    sel = f'schedscope_cpu_seconds_total{{cgroup="{burner_cg.label}"}}'
    deadline = time.time() + 30
    while time.time() < deadline and not prom.query(sel):
        time.sleep(0.5)
    time.sleep(RATE_WINDOW_S + 1.5)
    at = time.time() - 0.5
    rate = prom.query(f"rate({sel}[{RATE_WINDOW_S}s])", at)
    raw = prom.query(f"{sel}[{RATE_WINDOW_S}s]", at)
    sampler.halt.set()
    sampler.join()
    if not rate or not raw:
        tap.fail("rate() of the test cgroup's CPU seconds matches its cpu.stat",
                 f"no samples from Prometheus for {sel}")
        return
    got = float(rate[0]["value"][1])
    values = [(float(t), float(v)) for t, v in raw[0]["values"]]
    (t0, _), (t1, _) = values[0], values[-1]
    want = (sampler.at(t1) - sampler.at(t0)) / 1e6 / (t1 - t0)
    err = sslib.rel_err(got, want)
    tap.check("rate() of the test cgroup's CPU seconds matches its cpu.stat within 1 %",
              err <= 0.01, f"(rate {got:.5f}, cpu.stat {want:.5f}, error {sslib.pct(err)}, "
              f"{len(values)} samples)")


def check_monotonic(base, root):
    cg = Cgroup(root, f"schedscope-exits-{os.getpid()}")
    # Processes that start and exit, one after another, all the time.
    loop = spawn_in(cg, "sh -c 'while :; do /bin/true; done'")
    try:
        time.sleep(1)
        a = get(base + "/metrics")[2]
        time.sleep(1)
        b = get(base + "/metrics")[2]
        sa, sb = samples(a), samples(b)
        back = [(k, sa[k], sb.get(k)) for k in sa
                if counter_like(k[0], a) and k in sb and sb[k] < sa[k]]
        lost = [k for k in sa if counter_like(k[0], a) and k not in sb]
        tap.check("counters and buckets never go back while threads exit",
                  not back and not lost, f"({len(sa)} series)",
                  f"went back: {back[:5]}, vanished: {lost[:5]}")
        key = ("schedscope_cpu_seconds_total", f'{{cgroup="{cg.label}"}}')
        tap.check("the exiting processes' CPU time is counted", sb.get(key, 0) > sa.get(key, 0),
                  f"({sa.get(key)} -> {sb.get(key)})")
    finally:
        loop.kill()
        loop.wait()
        time.sleep(0.3)
        cg.remove()


def check_churn_and_expiry(base, root, exporter_pid):
    """Four batches of 250 cgroups, each given a process that runs and exits,
    seen by a scrape, then removed; the burner keeps a CPU busy throughout."""
    get(base + "/metrics")
    before = sslib.rss_kb(exporter_pid)
    peak, labels, seen, gather = before, [], 0, 0.0
    t0 = time.monotonic()
    for batch in range(4):
        cgs = [Cgroup(root, f"schedscope-churn-{os.getpid()}-{batch}-{i}") for i in range(250)]
        procs = [spawn_in(cg, "sh -c 'i=0; while [ $i -lt 100 ]; do i=$((i+1)); done'")
                 for cg in cgs]
        for p in procs:
            p.wait()
        body = get(base + "/metrics")[2]
        seen += sum(f'cgroup="{cg.label}"' in body for cg in cgs)
        gather = max(gather, samples(body).get(("schedscope_scrape_gather_seconds", ""), 0))
        peak = max(peak, sslib.rss_kb(exporter_pid))
        for cg in cgs:
            cg.remove()
        labels = [cg.label for cg in cgs]
    churn_s = time.monotonic() - t0
    body = get(base + "/metrics")[2]
    peak = max(peak, sslib.rss_kb(exporter_pid))
    tap.check("RSS stays bounded while 1,000 cgroups are created and removed",
              peak - before <= RSS_BOUND_KB and seen == 1000,
              f"(RSS {before} kB before, {peak} kB at most, {seen} cgroups exported, "
              f"{churn_s:.1f} s)")
    tap.check("a removed cgroup's series stay until --cgroup-expiry",
              all(f'cgroup="{label}"' in body for label in labels))
    time.sleep(EXPIRY_S + 1.5)
    body = get(base + "/metrics")[2]
    s = samples(body)
    tap.check("a removed cgroup's series are gone after --cgroup-expiry",
              "churn" not in body,
              f"({int(s.get(('schedscope_cgroup_series_expired_total', ''), 0))} expired, "
              f"{int(s.get(('schedscope_tracked_cgroups', ''), 0))} cgroups tracked)")
    after = sslib.rss_kb(exporter_pid)
    tap.note(f"RSS {before} kB before the churn, {peak} kB peak, {after} kB after expiry; "
             f"a scrape with 250 more cgroups gathered in {gather * 1e3:.2f} ms at most")


def check_cap(root):
    cgs = [Cgroup(root, f"schedscope-cap-{os.getpid()}-{i}") for i in range(3)]
    port = sslib.free_port()
    try:
        # --cgroup-root names the mount mountinfo would have given.
        with sslib.Tracer(["exporter", "--listen", f"127.0.0.1:{port}", "--max-series", "68",
                           "--cgroup-include", "/schedscope-cap-*", "--cgroup-root", root]) as t:
            body = get(f"http://127.0.0.1:{port}/metrics")[2]
            s = samples(body)
            t.stop(signal.SIGTERM)
        labels = set(re.findall(r'cgroup="([^"]*)"', body))
        tap.check("--max-series folds the rest into cgroup=\"(other)\" and counts it",
                  "(other)" in labels and len(labels) == 2 and
                  s.get(("schedscope_cgroups_capped_total", "")) == 2, f"({sorted(labels)})")
    finally:
        for cg in cgs:
            cg.remove()


def pcount(pid):
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[2])


def check_recycle(root):
    """Cgroups made and removed past the kernel table's size, each removed
    batch forgotten after --cgroup-expiry before the next: their histograms'
    room must be handed on, and handed on empty.

    --cgroup-root names a subtree, so the walk never sees a cgroup outside
    it: a waker started there last is forgotten while it still waits (as
    after walks that failed), and the room its cgroup held, freed last, is
    the first handed on, to the cgroup made next. Its waits must not follow."""
    port, name = sslib.free_port(), f"schedscope-recycle-{os.getpid()}"
    base = f"http://127.0.0.1:{port}"
    top, waker_cg = Cgroup(root, name), Cgroup(root, f"{name}-waker")
    # The interpreter itself, not a wrapper that forks (pyenv's shim): the
    # cgroup's waits must all be its process's.
    sleeps = (f"{sys.executable} -c 'import time\nfor _ in range({{n}}): time.sleep(0.0005)\n"
              "{then}'")
    flag, waker = f"/tmp/{name}-slept", None
    try:
        with sslib.Tracer(["exporter", "--listen", f"127.0.0.1:{port}", "--max-series", "68",
                           "--cgroup-root", top.path, "--cgroup-include", "/last",
                           "--cgroup-expiry", str(EXPIRY_S)]):
            for batch in range(3):
                cgs = [Cgroup(top.path, f"{batch}-{i}") for i in range(40)]
                procs = [spawn_in(cg, sleeps.format(n=200, then="")) for cg in cgs]
                for p in procs:
                    p.wait()
                get(base + "/metrics")
                for cg in cgs:
                    cg.remove()
                time.sleep(EXPIRY_S + 1.5)
                get(base + "/metrics")	# the walk that forgets them
            waker = spawn_in(waker_cg, sleeps.format(n=10**7, then=""))
            # 50 sleeps, then a file to say so, then quiet: started now, so
            # that no new process takes the waker's room before it.
            p, w = spawn_held(sleeps.format(n=50, then=f"open(\"{flag}\", \"w\").close()\n"
                                                        "time.sleep(30)"))
            time.sleep(1)
            get(base + "/metrics")	# the scrape that first hears of its cgroup
            time.sleep(EXPIRY_S + 1.5)
            get(base + "/metrics")	# past the walk that forgets it
            cg = Cgroup(top.path, "last")
            release(p, w, cg)
            try:
                deadline = time.monotonic() + 30
                while not os.path.exists(flag) and time.monotonic() < deadline:
                    time.sleep(0.05)
                time.sleep(0.5)
                s = samples(get(base + "/metrics")[2])
                # After the scrape: pcount only grows, so it bounds what the scrape saw.
                runs = pcount(p.pid)
            finally:
                p.kill()
                p.wait()
                cg.remove()
    finally:
        if waker:
            waker.kill()
            waker.wait()
        waker_cg.remove()
        top.remove()
        if os.path.exists(flag):
            os.unlink(flag)
    full = s.get(("schedscope_lost_total", '{what="cgroup_table_full"}'))
    waits = s.get(("schedscope_runq_latency_seconds_count", f'{{cgroup="{cg.label}"}}'))
    tap.check("120 cgroups through a table of 68 lose no wait, the next starts from zero, "
              "and a forgotten waker's waits do not follow its room",
              full == 0 and waits is not None and 50 <= waits <= runs,
              f"(table full {full}, last cgroup's waits {waits}, its pcount {runs})")


def check_errors():
    r = sslib.run([sslib.schedscope_path(), "exporter", "--listen", "nowhere"])
    tap.check("a malformed --listen is a usage error (2)",
              r.returncode == 2 and "--listen" in r.stderr, "", f"rc {r.returncode}: {r.stderr}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        r = sslib.run([sslib.schedscope_path(), "exporter", "--listen",
                       f"127.0.0.1:{s.getsockname()[1]}"])
    tap.check("a port in use says so and exits 1",
              r.returncode == 1 and "already in use" in r.stderr, "",
              f"rc {r.returncode}: {r.stderr}")


def main():
    names = ["exporter checks"]
    if not sslib.require(tap, names):
        tap.done()
    root = sslib.cgroup2_mount()
    if not root or not shutil.which("prometheus") or not shutil.which("promtool"):
        tap.skip("exporter checks", "no cgroup2 mount or no prometheus/promtool "
                 "(apt-get install prometheus)")
        tap.done()
    tmp = tempfile.mkdtemp(prefix="schedscope-prom-")
    port = sslib.free_port()
    base = f"http://127.0.0.1:{port}"
    burner_cg = Cgroup(root, f"schedscope-burn-{os.getpid()}")
    burner = spawn_in(burner_cg, "sh -c 'while :; do :; done'")
    prom = None
    try:
        with sslib.Tracer(["exporter", "--listen", f"127.0.0.1:{port}",
                           "--cgroup-expiry", str(EXPIRY_S), "--max-series", "50000"]) as t:
            check_format(base)
            prom = Prometheus(f"127.0.0.1:{port}", tmp)
            check_rate(prom, burner_cg)
            check_prometheus_format(prom)
            prom.stop()
            prom = None
            check_monotonic(base, root)
            check_churn_and_expiry(base, root, t.proc.pid)
            status, _, body = get(base + "/metrics")
            tap.note("scrape: " + ", ".join(
                l for l in body.splitlines() if l.startswith("schedscope_scrape_gather")))
            rc = t.stop(signal.SIGTERM)
            tap.check("SIGTERM stops it cleanly (exit 0)", rc == 0, "",
                      f"rc {rc}: {sslib.one_line(chr(10).join(t.stderr or []))}")
        check_cap(root)
        check_recycle(root)
        check_errors()
    except (sslib.TracerError, ValueError, OSError) as e:
        tap.fail("exporter checks ran", f"{type(e).__name__}: {e}")
    finally:
        if prom:
            prom.stop()
        burner.kill()
        burner.wait()
        burner_cg.remove()
        shutil.rmtree(tmp, ignore_errors=True)
    tap.done()


if __name__ == "__main__":
    main()
