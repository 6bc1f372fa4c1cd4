#!/usr/bin/env bash
# Second-kernel test: boots Debian's own 6.1 kernel under QEMU, with an
# initramfs holding a static busybox, build/schedscope and its libraries, and
# checks that the CO-RE programs load, attach and give sane numbers there;
# then build/schedscope-static (make static), alone in a root with no library
# and no loader, must do the same.
# Prints TAP-style lines ("ok - NAME" / "not ok - NAME: reason") and exits
# non-zero if any check failed.
#
# Usage: tests/qemu/run.sh            (as root: it may apt-get install)
# Environment:
#   SCHEDSCOPE_QEMU_ACCEL    tcg (default), kvm, or auto (kvm when /dev/kvm opens, else
#                            tcg). TCG is the default: it boots 6.1 in seconds, and
#                            nested KVM on the development VMs hangs at boot.
#   SCHEDSCOPE_QEMU_KPKG     kernel package (default: newest linux-image-6.1.0-N-amd64-unsigned)
#   SCHEDSCOPE_QEMU_CACHE    where the kernel and busybox are kept (default: build/qemu)
#   SCHEDSCOPE_QEMU_TIMEOUT  seconds for the whole guest run (default: 300)
#   SCHEDSCOPE_QEMU_KEEP=1   keep the work directory (console log, raw results)
#   SCHEDSCOPE_QEMU_LOGDIR   where a failed run's whole guest console is kept (default:
#                            /tmp); a guest command that hangs 60 s dumps every task's
#                            state and stack (sysrq w, l, t) there and is killed
#
# Only Debian packages are fetched, and only on the first run: the kernel and
# busybox-static .debs are downloaded and unpacked into the cache with
# dpkg-deb, never installed, so the host's boot is left alone. Later runs are
# fully offline.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${SCHEDSCOPE_QEMU_CACHE:-$ROOT/build/qemu}
TIMEOUT=${SCHEDSCOPE_QEMU_TIMEOUT:-300}
ACCEL=${SCHEDSCOPE_QEMU_ACCEL:-tcg}
PY=/usr/bin/python3

die() { echo "not ok - qemu setup: $*"; exit 1; }
note() { echo "# $*"; }

apt_updated=0
apt_update() {
	[ "$apt_updated" = 1 ] && return 0
	apt-get update -qq >/dev/null 2>&1 || die "apt-get update failed"
	apt_updated=1
}

# Installs the Debian packages given that are not installed yet.
need_pkgs() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]} (run as root)"
	note "installing: ${missing[*]}"
	apt_update
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null 2>&1 || die "apt-get install ${missing[*]} failed"
}

# Downloads a package's .deb into $2 (not installed) and prints its path.
fetch_deb() {
	local pkg=$1 dir=$2 deb
	apt_update
	(cd "$dir" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >/dev/null 2>&1) ||
		die "apt-get download $pkg failed"
	for deb in "$dir"/"$pkg"_*.deb; do :; done
	[ -f "$deb" ] || die "apt-get download $pkg left no .deb"
	echo "$deb"
}

# --- what the host needs -------------------------------------------------
# seabios is only a Recommends of qemu-system-x86 but is its default firmware.
need_pkgs qemu-system-x86 seabios cpio python3 gzip
[ -x "$PY" ] || die "$PY missing"
if [ ! -x "$ROOT/build/schedscope" ] || [ ! -x "$ROOT/build/ssload" ]; then
	note "building schedscope (make all)"
	make -C "$ROOT" --no-print-directory all >/dev/null || die "make all failed"
fi
if [ ! -x "$ROOT/build/schedscope-static" ]; then
	note "building the static binary (make static)"
	make -C "$ROOT" --no-print-directory static >/dev/null || die "make static failed"
fi
mkdir -p "$CACHE"

# The guest kernel: only boot/vmlinuz-* is taken out of the package.
kernel=
if [ -n "${SCHEDSCOPE_QEMU_KPKG:-}" ]; then
	kpkg=$SCHEDSCOPE_QEMU_KPKG
else
	# A kernel fetched before is kept: later runs need no network.
	kernel=$(printf '%s\n' "$CACHE"/vmlinuz-6.1.* | sort -V | tail -n1)
	[ -s "$kernel" ] || kernel=
	kpkg=
	if [ -z "$kernel" ]; then
		pick() { apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
			grep -E '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' | sort -V | tail -n1; }
		kpkg=$(pick)
		[ -n "$kpkg" ] || { apt_update; kpkg=$(pick); }
		[ -n "$kpkg" ] || die "no linux-image-6.1.0-N-amd64-unsigned package in the apt lists"
	fi
fi
if [ -n "$kpkg" ]; then
	kver=${kpkg#linux-image-}
	kver=${kver%-unsigned}
	kernel=$CACHE/vmlinuz-$kver
	if [ ! -s "$kernel" ]; then
		note "fetching $kpkg (unpacked into $CACHE, not installed)"
		tmpx=$(mktemp -d "$CACHE/x.XXXXXX")
		deb=$(fetch_deb "$kpkg" "$tmpx")
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmpx" --wildcards './boot/vmlinuz-*' ||
			die "cannot unpack $deb"
		for v in "$tmpx"/boot/vmlinuz-*; do :; done
		[ -s "$v" ] || die "$deb holds no boot/vmlinuz"
		mv "$v" "$kernel.tmp" && mv "$kernel.tmp" "$kernel"
		rm -rf "$tmpx"
	fi
fi
[ -s "$kernel" ] || die "no guest kernel"

# A static busybox: the host's if it is static, else unpacked from busybox-static.
busybox=/bin/busybox
if ! [ -x "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
	busybox=$CACHE/busybox
	if [ ! -x "$busybox" ]; then
		note "fetching busybox-static (unpacked into $CACHE, not installed)"
		tmpx=$(mktemp -d "$CACHE/x.XXXXXX")
		deb=$(fetch_deb busybox-static "$tmpx")
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmpx" ./bin/busybox ||
			die "cannot unpack $deb"
		mv "$tmpx/bin/busybox" "$busybox"
		rm -rf "$tmpx"
	fi
fi

# --- the initramfs -------------------------------------------------------
work=$(mktemp -d /tmp/schedscope-qemu.XXXXXX)
if [ "${SCHEDSCOPE_QEMU_KEEP:-0}" = 1 ]; then
	trap 'echo "# work directory kept: $work"' EXIT
else
	trap 'rm -rf "$work"' EXIT
fi
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc}
cp "$busybox" "$rootfs/bin/busybox"
cp "$ROOT/build/schedscope" "$ROOT/build/ssload" "$rootfs/bin/"

# Each binary's libraries and the dynamic loader, at the paths ldd gives;
# and the HTTP library the exporter loads with dlopen(), with its own.
# (awk reads to the end: an early exit would kill ldconfig with SIGPIPE.)
mhd=$(ldconfig -p | awk '/libmicrohttpd\.so\.[0-9]+ .*x86-64/ && !f {print $NF; f = 1}')
[ -n "$mhd" ] || die "libmicrohttpd not found by ldconfig (apt-get install libmicrohttpd12)"
mkdir -p "$rootfs$(dirname "$mhd")"
cp -L "$mhd" "$rootfs$mhd"
for bin in "$ROOT/build/schedscope" "$ROOT/build/ssload" "$mhd"; do
	ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' |
		while read -r lib; do
			mkdir -p "$rootfs$(dirname "$lib")"
			cp -L "$lib" "$rootfs$lib"
		done
done
# The loader is also reached through /lib64 -> usr/lib64 etc.: keep ldd's path,
# which is the program's PT_INTERP.
[ -e "$rootfs/lib64/ld-linux-x86-64.so.2" ] || die "dynamic loader not copied"
# The static binary gets a root of its own, with no library and no loader:
# only what it reads there, /proc and /sys, bound in by /init.
mkdir -p "$rootfs/static/proc" "$rootfs/static/sys"
cp "$ROOT/build/schedscope-static" "$rootfs/static/schedscope"

# /init runs the checks and writes raw results to the second serial port
# (ttyS1), away from the kernel's console messages; the host judges them.
cat >"$rootfs/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
if [ -c /dev/ttyS1 ]; then
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	exec 3>/dev/ttyS1
else
	exec 3>/dev/console
fi
emit() { echo "$*" >&3; }
CMD_LIMIT=60
up() { cut -d' ' -f1 /proc/uptime; }
# run NAME CMD...: output lines as "@@O " (stdout) and "@@E " (stderr).
run() {
	name=$1; shift
	echo "guest: $name: $*" >/dev/console
	emit "@@BEGIN $name $(up) $*"
	"$@" >/tmp/out 2>/tmp/err &
	pid=$!
	# A command that hangs leaves its evidence on the console (every task's
	# state and stack, the blocked ones first) and is killed, so the run
	# goes on and the host keeps the console.
	(sleep "$CMD_LIMIT"; kill -0 "$pid" 2>/dev/null || exit 0
	 echo "guest: $name: hung after $CMD_LIMIT s, task states follow" >/dev/console
	 echo 8 >/proc/sys/kernel/printk; echo 1 >/proc/sys/kernel/sysrq
	 for k in w l t; do echo "$k" >/proc/sysrq-trigger; done
	 emit "@@HUNG $name $(up)"; kill -9 "$pid") &
	dog=$!
	wait "$pid"
	rc=$?
	kill "$dog" 2>/dev/null
	sed 's/^/@@O /' /tmp/out >&3
	sed 's/^/@@E /' /tmp/err >&3
	emit "@@END $name $rc $(up)"
	# A failure of the tool itself: again with libbpf's messages (verifier log).
	if [ "$rc" = 1 ] && [ "${name%.verbose}" = "$name" ]; then
		run "$name.verbose" "$@" -v
	fi
}
emit "@@START $(up)"
emit "@@KERNEL $(uname -r)"
emit "@@NCPU $(nproc)"
emit "@@POSSIBLE $(cat /sys/devices/system/cpu/possible 2>/dev/null)"
if [ -r /sys/kernel/btf/vmlinux ]; then
	emit "@@BTF $(stat -c %s /sys/kernel/btf/vmlinux)"
else
	emit "@@BTF missing"
fi

# The busy loop: pinned to the last CPU, so that CPU 0 stays for the rest.
last=$(( $(nproc) - 1 ))
taskset -c "$last" sh -c 'while :; do :; done' &
spin=$!
emit "@@SPIN $spin $last"

run version   schedscope --version
run top_tid   schedscope top -d 2 --json -n 0 --by tid
run top_idle  schedscope top -d 1 --idle
run cpus      schedscope cpus -d 1 --json
run top_cpu0  schedscope top -C 0 -d 1 --json
run top_cpu1  schedscope top -C "$last" -d 1 --json
run top_pid   schedscope top -p "$spin" -d 1 --json
run bogus     schedscope top --bogus
run probes    schedscope probes --json
run count     schedscope count -d 1 --json -e on-cpu,off-cpu,remain-cpu,surrender,load-change,tick --by cpu
run count_one schedscope count -d 1 -e remain-cpu
run preempt   schedscope preempt -d 1 --json
run migr      schedscope migrations -d 1 --json
# -v: the verifier's work per program, checked below
run runqlat   schedscope runqlat -d 1 --json -v
run slower    schedscope runqslower -d 1 --json 0
run starve    schedscope starve -d 1 --json --threshold 1
run invert    schedscope inversion -d 1 --json
run trace     schedscope trace -d 1 --json -e all
run trace_txt schedscope trace -d 1 -C 0
run trace_pid schedscope trace -d 1 --json -p "$spin"
run trace_probes schedscope trace -d 1 --json -e switch,on-cpu,off-cpu,remain-cpu,load-change,tick
run trace_remain schedscope trace -d 1 -e remain-cpu
# nice 5 and back every 0.5 s while it loads (seconds under TCG) and traces
(for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	sleep 0.5; renice -n $((i % 2 * 5)) -p "$spin" >/dev/null; done) &
run trace_prio schedscope trace -d 2 --json -e prio -p "$spin"
run record    schedscope record -o /tmp/q.ssr -d 2
run report    schedscope report -i /tmp/q.ssr top --json --by tid -n 0
run systrace  schedscope export -i /tmp/q.ssr --format systrace -o -
# The static binary in a root with no library: the dynamic one cannot even
# start there, the static one loads, attaches and reports.
mount --bind /proc /static/proc && mount --bind /sys /static/sys
cp /bin/schedscope /static/dynamic
run static_ctl    chroot /static /dynamic --version
rm /static/dynamic
run static_ver    chroot /static /schedscope --version
run static_top    chroot /static /schedscope top -d 1
run static_probes chroot /static /schedscope probes
# syscount: names from 6.1's own tables (kallsyms lists data there), every mode,
# on a loop of reads and 20 ms sleeps (syscount does not count its own calls)
(while :; do cat /proc/uptime >/dev/null; usleep 20000; done) &
sysgen=$!
run sc_list   schedscope syscount -l --json -v
run sc_count  schedscope syscount -d 1 --json -T 0 -L
run sc_hist   schedscope syscount -d 1 --json --hist -P -v
run sc_slow   schedscope syscount -d 1 --json --slower 0.1
kill "$sysgen"
# The stream commands, while a loop opens a missing file, execs and exits 3
# every 0.5 s (loading takes seconds under TCG): the classic syscall
# tracepoints (tracefs is mounted by the tool), the path walk, old_pid.
umount /sys/kernel/tracing 2>/dev/null
(for i in $(seq 1 40); do sleep 0.5; cat /tmp/snoop-missing 2>/dev/null
	/bin/true snoop-arg; sh -c 'exit 3'; done) &
churn=$!
run opensnoop schedscope opensnoop -d 2 --json -F --path /tmp
run execsnoop schedscope execsnoop -d 2 --json
run exitsnoop schedscope exitsnoop -d 2 --json
run exitcount schedscope exitsnoop -d 2 --json --count
kill "$churn" 2>/dev/null
# The exporter, scraped over loopback by busybox's wget: cgroup v2 mounted
# for it (everything is in its root), served until SIGTERM.
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
run exporter sh -c 'schedscope exporter --listen 127.0.0.1:9110 & p=$!
	i=0; while [ $i -lt 60 ] && ! wget -q -O /dev/null http://127.0.0.1:9110/metrics; do
		sleep 0.5; i=$((i + 1)); done
	sleep 1; wget -q -O - http://127.0.0.1:9110/metrics; r=$?
	kill -TERM $p; wait $p; e=$?; [ $r = 0 ] || exit 9; exit $e'
# A kernel without BTF, as far as the tool can tell: hide /sys/kernel/btf.
if mount -t tmpfs tmpfs /sys/kernel/btf; then
	run nobtf schedscope top -d 1
	umount /sys/kernel/btf
fi
kill "$spin"
emit "@@DONE $(up)"
exec 3>&-
sync
poweroff -f
INIT
chmod 755 "$rootfs/init"
(cd "$rootfs" && find . -print0 | cpio --quiet --null -o -H newc -R 0:0) | gzip -1 >"$work/initrd.gz"

# --- the guest run -------------------------------------------------------
accel_args=()
case $ACCEL in
auto)
	if [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		# Falls back to TCG if KVM does not work here after all.
		accel_args=(-accel kvm -accel tcg -cpu max)
	else
		accel_args=(-accel tcg -cpu max)
	fi ;;
kvm) accel_args=(-accel kvm -cpu host) ;;
tcg) accel_args=(-accel tcg -cpu max) ;;
*) die "SCHEDSCOPE_QEMU_ACCEL must be auto, kvm or tcg" ;;
esac

console=$work/console.log
results=$work/results.log
: >"$console"
: >"$results"
note "guest kernel $(basename "$kernel"), accel ${accel_args[*]:0:4}, initrd $(du -k "$work/initrd.gz" | cut -f1) KiB"
start=$(date +%s.%N)
qrc=0
timeout --kill-after=10 "$TIMEOUT" qemu-system-x86_64 \
	"${accel_args[@]}" -m 1024 -smp 2 \
	-kernel "$kernel" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1" \
	-display none -monitor none -nic none -no-reboot \
	-serial "file:$console" -serial "file:$results" \
	</dev/null >"$work/qemu.out" 2>&1 || qrc=$?
end=$(date +%s.%N)
elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}')

# Where the whole console of a failed run is kept, past the work directory.
kept=${SCHEDSCOPE_QEMU_LOGDIR:-/tmp}/schedscope-qemu-console.$(date +%Y%m%d-%H%M%S).$$.log
"$PY" - "$results" "$console" "$work/qemu.out" "$qrc" "$elapsed" "$TIMEOUT" "$kept" <<'PYEOF'
import json, re, shutil, sys

results_path, console_path, qemu_out_path, qrc, elapsed, timeout, kept_path = sys.argv[1:8]
qrc = int(qrc)
elapsed = float(elapsed)

def read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace").replace("\r", "")
    except OSError:
        return ""

raw = read(results_path)
console = read(console_path)
qemu_out = read(qemu_out_path)

facts, blocks, order = {}, {}, []
cur = None
for line in raw.split("\n"):
    if line.startswith("@@BEGIN "):
        parts = line.split(" ", 3)
        cur = {"name": parts[1], "start": float(parts[2]), "cmd": parts[3] if len(parts) > 3 else "",
               "out": [], "err": [], "rc": None, "secs": None}
        blocks[cur["name"]] = cur
        order.append(cur["name"])
    elif line.startswith("@@O ") and cur:
        cur["out"].append(line[4:])
    elif line.startswith("@@E ") and cur:
        cur["err"].append(line[4:])
    elif line.startswith("@@END ") and cur:
        parts = line.split()
        cur["rc"] = int(parts[2])
        cur["secs"] = float(parts[3]) - cur["start"]
        cur = None
    elif line.startswith("@@"):
        key, _, val = line[2:].partition(" ")
        facts[key] = val.strip()

failed = 0

def ok(name, extra=""):
    print("ok - %s%s" % (name, (" (" + extra + ")") if extra else ""))

def not_ok(name, reason):
    global failed
    failed += 1
    print("not ok - %s: %s" % (name, reason))

def diag(text, limit=60):
    lines = [l for l in text.split("\n") if l.strip()]
    if len(lines) > limit:
        print("#   ... (%d lines cut)" % (len(lines) - limit))
        lines = lines[-limit:]
    for l in lines:
        print("#   " + l)

def check(name, fn):
    try:
        fn()
    except Fail as e:
        not_ok(name, str(e))
        b = blocks.get(e.block) if e.block else None
        if b is not None:
            v = blocks.get(b["name"] + ".verbose")
            shown = v if v is not None else b
            print("# %s (rc %s): stderr:" % (shown["cmd"], shown["rc"]))
            diag("\n".join(shown["err"]))
    else:
        ok(name)

class Fail(Exception):
    def __init__(self, msg, block=None):
        super().__init__(msg)
        self.block = block

# --- did the guest run at all -------------------------------------------
done = "DONE" in facts
if qrc == 124 or qrc == 137:
    not_ok("guest finished", "timed out after %s s (qemu killed)" % timeout)
elif not done:
    not_ok("guest finished", "no end marker in the results (qemu exit %d)" % qrc)
else:
    ok("guest finished", "%.1f s wall, guest uptime %s s" % (elapsed, facts["DONE"]))
if not done:
    print("# qemu said:")
    diag(qemu_out, 20)
    print("# console (last lines):")
    diag(console, 40)
    if cur is not None:
        print("# unfinished: %s" % cur["cmd"])
        diag("\n".join(cur["out"][-10:] + cur["err"][-20:]))
if "HUNG" in facts:
    not_ok("no guest command hung", "%s did not end within the guest's limit: killed, every "
           "task's state and stack are on the console" % facts["HUNG"].split()[0])

kernel = facts.get("KERNEL", "")
if kernel.startswith("6.1."):
    ok("guest kernel is 6.1", kernel)
elif kernel:
    not_ok("guest kernel is 6.1", "it is " + kernel)
else:
    not_ok("guest kernel is 6.1", "the guest reported no kernel version")

btf = facts.get("BTF")
if btf is None:
    not_ok("guest has BTF", "the guest did not report")
elif btf == "missing":
    not_ok("guest has BTF", "/sys/kernel/btf/vmlinux is missing in the guest: schedscope cannot load there")
else:
    ok("guest has BTF", "/sys/kernel/btf/vmlinux, %s bytes" % btf)

ncpu = int(facts.get("NCPU", "0") or 0)
spin_pid, spin_cpu = -1, -1
if "SPIN" in facts:
    spin_pid, spin_cpu = (int(x) for x in facts["SPIN"].split())

def block(name, want_rc=0):
    b = blocks.get(name)
    if b is None:
        raise Fail("did not run", None)
    if b["rc"] is None:
        raise Fail("did not finish", name)
    if b["rc"] != want_rc:
        first = next((l for l in b["err"] if l.strip()), "")
        raise Fail("exit %d, want %d: %s" % (b["rc"], want_rc, first), name)
    return b

def json_lines(name, want_type):
    b = block(name)
    objs = []
    for i, l in enumerate(b["out"]):
        if not l.strip():
            continue
        try:
            o = json.loads(l)
        except ValueError as e:
            raise Fail("stdout line %d is not JSON (%s): %.80s" % (i + 1, e, l), name)
        if not isinstance(o, dict):
            raise Fail("stdout line %d is not an object" % (i + 1), name)
        objs.append(o)
    if not objs:
        raise Fail("no JSON on stdout", name)
    for o in objs:
        if o.get("type") != want_type:
            raise Fail("type %r, want %r" % (o.get("type"), want_type), name)
    return b, objs

def matches(lines, pattern):
    """The groups of each line that the pattern matches, in order."""
    return [m.groups() for m in (re.match(pattern, l) for l in lines) if m]

def near(v, want, tol):
    return abs(v - want) <= tol

def common(name, o, secs):
    if o.get("nr_cpus") != ncpu:
        raise Fail("nr_cpus %r, the guest has %d" % (o.get("nr_cpus"), ncpu), name)
    d = o.get("duration_ns", 0)
    # The window is the -d asked for; TCG's clock can lag a little.
    if not (0.9 * secs * 1e9 <= d <= 3 * secs * 1e9):
        raise Fail("duration_ns %r for -d %g" % (d, secs), name)
    if not isinstance(o.get("lost"), dict):
        raise Fail("no lost object", name)

def rows_sane(name, o, cpus_covered):
    d = o["duration_ns"]
    total = 0
    for t in o.get("tasks", []):
        for k in ("runtime_ns", "cpu_pct", "voluntary_switches", "involuntary_switches",
                  "wakeups", "migrations", "runq_wait_ns", "runq_wait_max_ns"):
            v = t.get(k)
            if not isinstance(v, (int, float)) or v < 0:
                raise Fail("task %r: %s is %r" % (t.get("comm"), k, v), name)
        if t["runq_wait_max_ns"] > t["runq_wait_ns"] + d:
            raise Fail("task %r: runq_wait_max_ns %d > runq_wait_ns %d + window" %
                       (t["comm"], t["runq_wait_max_ns"], t["runq_wait_ns"]), name)
        # 100 % is one CPU; a thread cannot run on two CPUs at once.
        limit = 100.0 * (cpus_covered if t.get("threads", 1) > 1 else 1)
        if t["cpu_pct"] > limit * 1.05 + 1:
            raise Fail("task %r: cpu_pct %.1f" % (t["comm"], t["cpu_pct"]), name)
        total += t["runtime_ns"]
    if o.get("total_runtime_ns", -1) < 0 or o["total_runtime_ns"] > cpus_covered * d * 1.05:
        raise Fail("total_runtime_ns %r over %d CPU(s) x %d ns" %
                   (o.get("total_runtime_ns"), cpus_covered, d), name)

def spinner(name, o):
    for t in o.get("tasks", []):
        if t.get("tid", t.get("pid")) == spin_pid or t.get("pid") == spin_pid:
            return t
    return None

# --- the checks -----------------------------------------------------------
def c_version():
    b = block("version")
    if not b["out"] or not re.match(r"^schedscope \d+\.\d+", b["out"][0]):
        raise Fail("stdout %r" % (b["out"][:1],), "version")
check("schedscope --version", c_version)

def c_runqlat():
    name = "runqlat"
    b, objs = json_lines(name, "runqlat")
    if len(objs) != 1:
        raise Fail("%d reports, want 1" % len(objs), name)
    o = objs[0]
    h = o.get("histograms") or [{}]
    a = h[0].get("all", {})
    if not a.get("count"):
        raise Fail("no wait measured in 1 s", name)
    if not (a["p50_ns"] <= a["p99_ns"] <= a["max_ns"] <= a["sum_ns"]):
        raise Fail("percentiles out of order: %r" % a, name)
    print("# runqlat: %d waits, p50 %d ns, max %d ns" % (a["count"], a["p50_ns"], a["max_ns"]))
    # This older verifier prunes less: the budget of tests/integration/test_load.py.
    # 6.1 is the first release the kernel loader is used on by default.
    m = [re.match(r"schedscope: \S+ loaded in ([0-9.]+) ms \(kernel loader\); "
                  r"instructions verified:(.*)", l)
         for l in b["err"]]
    m = [x for x in m if x]
    words = m[0].group(2).split() if m else []
    # Every program counted (6.1 has verified_insns): no "n/a".
    pairs = list(zip(words[::2], words[1::2]))
    counts = {k: int(v) for k, v in pairs if v.isdigit()}
    if not pairs or len(counts) != len(pairs) or max(counts.values()) > 100000:
        raise Fail("instructions verified %r, want each counted and <= 100000" % (words,), name)
    print("# runqlat: loaded in %s ms, instructions verified %s" % (m[0].group(1), counts))
check("runqlat -d 1 --json", c_runqlat)

def c_slower():
    name = "slower"
    b, objs = json_lines(name, "runq_slow")
    if not objs or any(o.get("type") != "runq_slow" for o in objs):
        raise Fail("runqslower 0 printed %d events" % len(objs), name)
    print("# runqslower 0: %d waits in 1 s" % len(objs))
check("runqslower -d 1 --json 0", c_slower)

def c_loads(name):
    def fn():
        b = block(name)
        for l in b["out"]:
            json.loads(l)
    return fn
check("starve -d 1 --json --threshold 1", c_loads("starve"))
check("inversion -d 1 --json", c_loads("invert"))

def c_top_tid():
    name = "top_tid"
    b, objs = json_lines(name, "top")
    if len(objs) != 1:
        raise Fail("%d reports, want 1" % len(objs), name)
    o = objs[0]
    common(name, o, 2)
    if o.get("by") != "tid":
        raise Fail("by %r" % o.get("by"), name)
    if o.get("rows_total") != len(o.get("tasks", [])):
        raise Fail("-n 0 shows %d of %r rows" % (len(o.get("tasks", [])), o.get("rows_total")), name)
    rows_sane(name, o, ncpu)
    if not any(t.get("comm") == "schedscope" for t in o["tasks"]):
        raise Fail("schedscope itself is not among the %d rows" % len(o["tasks"]), name)
    s = spinner(name, o)
    if s is None:
        raise Fail("the busy loop (tid %d) is not among the %d rows" % (spin_pid, len(o["tasks"])), name)
    if s["cpu_pct"] <= 20:
        raise Fail("the busy loop has cpu_pct %.1f, want > 20" % s["cpu_pct"], name)
    if s.get("migrations", 0) != 0:
        raise Fail("the busy loop, pinned, migrated %d times" % s["migrations"], name)
    print("# top --by tid: %d rows, busy loop %.1f%% cpu, total %.1f%% of one CPU, %r context switches" %
          (len(o["tasks"]), s["cpu_pct"], o["total_runtime_ns"] / o["duration_ns"] * 100,
           o.get("context_switches")))
check("top -d 2 --json -n 0 --by tid", c_top_tid)

def c_top_idle():
    name = "top_idle"
    b = block(name)
    idle = {int(cpu): float(pct) for cpu, pct in
            matches(b["out"], r"^\s*0\s+swapper/(\d+)\s+\d+\s+([\d.]+)\s")}
    if sorted(idle) != list(range(ncpu)):
        raise Fail("idle rows for CPUs %s, want %s" % (sorted(idle), list(range(ncpu))), name)
    if not b["out"] or not re.match(r"^[\d.]+ s, %d CPUs, " % ncpu, b["out"][0]):
        raise Fail("header %r" % (b["out"][:1],), name)
    # The busy loop keeps its CPU: that CPU's idle task runs little.
    if spin_cpu in idle and idle[spin_cpu] > 80:
        raise Fail("CPU %d, running the busy loop, idle %.1f%%" % (spin_cpu, idle[spin_cpu]), name)
    print("# top --idle: idle tasks " + ", ".join("CPU %d %.1f%%" % kv for kv in sorted(idle.items())))
check("top -d 1 --idle", c_top_idle)

def c_cpus():
    name = "cpus"
    b, objs = json_lines(name, "cpus")
    o = objs[0]
    common(name, o, 1)
    cpus = o.get("cpus", [])
    if [c.get("cpu") for c in cpus] != list(range(ncpu)):
        raise Fail("cpus %r, want 0..%d" % ([c.get("cpu") for c in cpus], ncpu - 1), name)
    for c in cpus:
        for k in ("switches", "busy_pct", "idle_pct", "idle_ns", "migrations_in",
                  "migrations_out", "runq_wait_ns", "runq_waits", "runq_wait_max_ns"):
            v = c.get(k)
            if not isinstance(v, (int, float)) or v < 0:
                raise Fail("CPU %d: %s is %r" % (c["cpu"], k, v), name)
        if not near(c["busy_pct"] + c["idle_pct"], 100, 1):
            raise Fail("CPU %d: busy %.1f + idle %.1f != 100" % (c["cpu"], c["busy_pct"], c["idle_pct"]), name)
        if c["idle_ns"] > o["duration_ns"] * 1.01:
            raise Fail("CPU %d: idle_ns %d > window" % (c["cpu"], c["idle_ns"]), name)
    if sum(c["switches"] for c in cpus) == 0:
        raise Fail("no context switch in 1 s", name)
    busy = cpus[spin_cpu]["busy_pct"]
    if busy <= 20:
        raise Fail("CPU %d runs the busy loop but is %.1f%% busy" % (spin_cpu, busy), name)
    print("# cpus: " + "; ".join("CPU %d busy %.1f%% %d switches" % (c["cpu"], c["busy_pct"], c["switches"])
                                 for c in cpus))
check("cpus -d 1 --json", c_cpus)

def c_top_cpu(name, cpu, want_spin):
    b, objs = json_lines(name, "top")
    o = objs[0]
    common(name, o, 1)
    rows_sane(name, o, 1)
    s = spinner(name, o)
    if want_spin:
        if s is None:
            raise Fail("the busy loop, pinned to CPU %d, is missing" % cpu, name)
        if s["cpu_pct"] <= 20:
            raise Fail("the busy loop on CPU %d has cpu_pct %.1f, want > 20" % (cpu, s["cpu_pct"]), name)
    elif s is not None and s["cpu_pct"] > 1:
        raise Fail("the busy loop, pinned to CPU %d, shows %.1f%% on CPU %d" % (spin_cpu, s["cpu_pct"], cpu), name)
    print("# top -C %d: %d rows, total %.1f%% of the CPU, busy loop %s" %
          (cpu, len(o.get("tasks", [])), o["total_runtime_ns"] / o["duration_ns"] * 100,
           "%.1f%%" % s["cpu_pct"] if s else "absent"))
check("top -C 0 -d 1 --json", lambda: c_top_cpu("top_cpu0", 0, spin_cpu == 0))
if spin_cpu != 0:
    check("top -C LAST -d 1 --json (the busy loop's CPU)", lambda: c_top_cpu("top_cpu1", spin_cpu, True))

def c_top_pid():
    name = "top_pid"
    b, objs = json_lines(name, "top")
    o = objs[0]
    common(name, o, 1)
    rows_sane(name, o, ncpu)
    pids = sorted({t.get("pid") for t in o.get("tasks", [])})
    if pids != [spin_pid]:
        raise Fail("rows for PIDs %s, want only %d" % (pids, spin_pid), name)
    if o["tasks"][0]["cpu_pct"] <= 20:
        raise Fail("the busy loop has cpu_pct %.1f, want > 20" % o["tasks"][0]["cpu_pct"], name)
    print("# top -p %d: busy loop %.1f%%" % (spin_pid, o["tasks"][0]["cpu_pct"]))
check("top -p BUSYLOOP -d 1 --json", c_top_pid)

def c_trace():
    name = "trace"
    objs = [json.loads(l) for l in block(name)["out"] if l.strip()]
    sw = [o for o in objs if o.get("type") == "switch"]
    if not sw:
        raise Fail("no switch among %d events in 1 s" % len(objs), name)
    print("# trace: %d events, %d switches in 1 s" % (len(objs), len(sw)))
check("trace -d 1 --json -e all", c_trace)

def c_stream(name, want):
    """A stream command's events, one of them want(o), and its summary."""
    def fn():
        objs = [json.loads(l) for l in block(name)["out"] if l.strip()]
        summ = [o for o in objs if o.get("type") == "summary"]
        hits = [o for o in objs if o.get("type") == name and want(o)]
        if len(summ) != 1 or not hits:
            raise Fail("%d summaries, %d of %d events as expected" % (len(summ), len(hits),
                                                                       len(objs)), name)
        print("# %s: %d events, %d as expected, %d lost" % (name, len(objs) - 1, len(hits),
                                                            summ[0]["lost"]))
    return fn
check("opensnoop -F --path /tmp: a missing file's ENOENT, full path",
      c_stream("opensnoop", lambda o: o["path"] == "/tmp/snoop-missing" and o["errno"] == 2))
check("execsnoop: argv of an exec",
      c_stream("execsnoop", lambda o: o["args"][1:] == ["snoop-arg"] and o["ret"] == 0))
check("exitsnoop: an exit code",
      c_stream("exitsnoop", lambda o: o["exit_code"] == 3 and o["process"]))

def c_exitcount():
    name = "exitcount"
    b, objs = json_lines(name, "exitsnoop_count")
    forks = sum(r["forks"] for r in objs[-1]["parents"])
    if len(objs) != 1 or not forks:
        raise Fail("%d reports, %d forks" % (len(objs), forks), name)
    print("# exitsnoop --count: %d forks" % forks)
check("exitsnoop --count: forks", c_exitcount)

def c_exporter():
    name = "exporter"
    s = {}
    for n, labels, v in matches(block(name)["out"], r"^(schedscope_[a-z_]+)(\{[^}]*\})? (\S+)$"):
        s[(n, labels or "")] = float(v)
    waits = sum(v for (n, _), v in s.items() if n == "schedscope_runq_latency_seconds_count")
    cpu = sum(v for (n, _), v in s.items() if n == "schedscope_cpu_seconds_total")
    full = s.get(("schedscope_lost_total", '{what="cgroup_table_full"}'))
    if not waits or not cpu or full != 0:
        raise Fail("%d samples: %r waits, %r CPU seconds, table full %r" %
                   (len(s), waits, cpu, full), name)
    print("# exporter: %d samples, %d run-queue waits, %.2f CPU seconds" % (len(s), waits, cpu))
check("exporter: a scrape with run-queue waits and CPU seconds", c_exporter)

def c_record():
    block("record")
    name = "report"
    b, objs = json_lines(name, "top")
    if len(objs) != 1:
        raise Fail("%d reports, want 1" % len(objs), name)
    s = spinner(name, objs[0])
    if s is None or s["cpu_pct"] <= 20:
        raise Fail("the busy loop (tid %d) not at > 20%% in %r" % (spin_pid, s), name)
    lines = [l for l in block("systrace")["out"] if "sched_switch: prev_comm=" in l]
    if not lines:
        raise Fail("no sched_switch line in the systrace export", "systrace")
    print("# record 2 s: report top has the busy loop at %.1f%%; %d sched_switch lines exported" %
          (s["cpu_pct"], len(lines)))
check("record -d 2, report top, export systrace", c_record)

def c_bogus():
    b = block("bogus", 2)
    if not any("bogus" in l for l in b["err"]):
        raise Fail("stderr does not name the option: %r" % (b["err"][:2],), "bogus")
check("top --bogus exits 2", c_bogus)

# 6.1 has neither sched_exit_tp nor sched_set_need_resched_tp (6.16+).
def c_probes():
    b = block("probes")
    p = {x["name"]: x for x in json.loads(b["out"][0])["probes"]}
    gone = sorted(n for n, x in p.items() if not x["available"])
    if gone != ["remain-cpu", "surrender"] or "sched_exit_tp" not in p["remain-cpu"]["missing"]:
        raise Fail("unavailable %r, want remain-cpu and surrender, naming their hooks" % gone,
                   "probes")
    print("# probes: %d of 13 available; missing %s" % (13 - len(gone), gone))
check("probes --json: remain-cpu and surrender missing", c_probes)

# The static binary, in a root without a library or a loader.
def c_static_root():
    b = blocks.get("static_ctl")
    # 127: busybox's chroot could not execute it (its loader is missing).
    if b is None or b["rc"] != 127:
        raise Fail("the dynamic binary, in the static binary's root, exited %r, want 127: "
                   "the root is not bare" % (b and b["rc"]), "static_ctl")
    if block("static_ver")["out"] != block("version")["out"]:
        raise Fail("--version %r, the dynamic build says %r" %
                   (block("static_ver")["out"], block("version")["out"]), "static_ver")
check("static binary: runs where the dynamic one finds no library", c_static_root)

def c_static_top():
    name = "static_top"
    b = block(name)
    head = re.match(r"^([\d.]+) s, (\d+) CPUs, (\d+) rows", b["out"][0] if b["out"] else "")
    if not head or int(head.group(2)) != ncpu or not 0.9 <= float(head.group(1)) <= 3:
        raise Fail("header %r" % (b["out"][:1],), name)
    rows = {int(pid): float(pct) for pid, pct in
            matches(b["out"][2:], r"^\s*(\d+)\s+\S+\s+\d+\s+([\d.]+)\s")}
    if rows.get(spin_pid, 0) <= 20:
        raise Fail("the busy loop (pid %d) at %r%%, want > 20; rows %r" %
                   (spin_pid, rows.get(spin_pid), rows), name)
    print("# static top: %d rows, busy loop %.1f%%" % (len(rows), rows[spin_pid]))
check("static binary: top -d 1 sees the busy loop", c_static_top)

def c_static_probes():
    name = "static_probes"
    b = block(name)
    got = {probe: here == "yes" for probe, here in matches(b["out"], r"^([a-z-]+)\s+(yes|no)\s")}
    want = {x["name"]: x["available"] for x in json.loads(block("probes")["out"][0])["probes"]}
    if got != want:
        raise Fail("availability %r, the dynamic build's probes --json %r" % (got, want), name)
    print("# static probes: %d of %d available, as the dynamic build" % (sum(got.values()), len(got)))
check("static binary: probes lists what the dynamic build finds", c_static_probes)

def c_count():
    b, objs = json_lines("count", "count")
    if len(objs) != 1:
        raise Fail("%d reports, want 1" % len(objs), "count")
    probes = {r["probe"] for r in objs[0]["rows"]}
    warned = [l for l in b["err"] if "warning" in l and "remain-cpu" in l and "sched_exit_tp" in l]
    if not {"on-cpu", "off-cpu", "load-change"} <= probes or not warned:
        raise Fail("probes %r, warning %r" % (sorted(probes), b["err"][:2]), "count")
    print("# count on 6.1: %s, warned: %s" % (sorted(probes), warned[0]))
check("count with a missing probe among others: a warning, the rest counted", c_count)

def c_trace_probes():
    name = "trace_probes"
    b = block(name)
    objs = [json.loads(l) for l in b["out"] if l.strip()]
    probes = {o["probe"] for o in objs if o.get("type") == "probe"}
    switches = sum(1 for o in objs if o.get("type") == "switch")
    warned = [l for l in b["err"] if "warning" in l and "remain-cpu" in l and "sched_exit_tp" in l]
    if not {"on-cpu", "off-cpu", "load-change"} <= probes or not switches or not warned:
        raise Fail("probes %r, %d switches, warning %r" % (sorted(probes), switches, b["err"][:2]),
                   name)
    print("# trace -e with probes on 6.1: %s and %d switches, warned: %s" %
          (sorted(probes), switches, warned[0]))
check("trace -e with a missing probe among others: a warning, the rest streamed", c_trace_probes)

def c_remain_alone(name):
    def fn():
        b = block(name, 1)
        if not any("remain-cpu" in l and "sched_exit_tp" in l for l in b["err"]):
            raise Fail("stderr does not name the probe and its hook: %r" % (b["err"][:2],),
                       name)
    return fn
check("trace -e remain-cpu alone on 6.1: an error naming the hook, exit 1",
      c_remain_alone("trace_remain"))
check("count -e remain-cpu alone on 6.1: an error naming the hook, exit 1",
      c_remain_alone("count_one"))

def c_counts(name, kind, table):
    def fn():
        b, objs = json_lines(name, kind)
        if len(objs) != 1 or not objs[0][table]:
            raise Fail("%d reports, %r" % (len(objs), objs[:1]), name)
        print("# %s: %d rows" % (name, len(objs[0][table])))
    return fn
check("preempt -d 1 --json", c_counts("preempt", "preempt", "rows"))
check("migrations -d 1 --json", c_counts("migr", "migrations", "cpu_time"))

def c_sc_list():
    name = "sc_list"
    b, objs = json_lines(name, "syscall_name")
    x64 = {o["name"]: o["nr"] for o in objs if o["abi"] == "x64"}
    ia32 = {o["name"]: o["nr"] for o in objs if o["abi"] == "ia32"}
    if len(x64) < 300 or x64.get("openat") != 257 or x64.get("clock_nanosleep") != 230:
        raise Fail("%d x86-64 names, openat %r" % (len(x64), x64.get("openat")), name)
    for l in b["err"]:
        print("# " + l)
    # A 6.1 with the 2024 branch-history fix (Debian's) keeps no ia32 table:
    # then -v says so; else its names are there (read is 3).
    said = any("ia32 syscall table: not found" in l for l in b["err"])
    if ia32.get("read") != 3 and not (said and not ia32):
        raise Fail("ia32 names: %d, read %r" % (len(ia32), ia32.get("read")), name)
    print("# syscount -l on 6.1: %d x86-64 and %d ia32 names" % (len(x64), len(ia32)))
check("syscount -l: 6.1's names from its own tables", c_sc_list)

def c_sc_count():
    name = "sc_count"
    b, objs = json_lines(name, "syscount")
    if len(objs) != 1:
        raise Fail("%d reports, want 1" % len(objs), name)
    rows = objs[0]["rows"]
    named = [r for r in rows if not r["syscall"].startswith("[")]
    if not rows or len(named) != len(rows) or any(r["count"] <= 0 for r in rows):
        raise Fail("rows %r" % rows[:3], name)
    print("# syscount -L on 6.1: %d syscalls, %d calls" % (len(rows), objs[0]["total"]))
check("syscount -d 1 --json -L", c_sc_count)

def c_sc_hist():
    name = "sc_hist"
    b, objs = json_lines(name, "syscount")
    if len(objs) != 1 or not objs[0]["rows"]:
        raise Fail("%d reports" % len(objs), name)
    lat = objs[0]["rows"][0]["latency"]
    if not (lat["count"] and lat["p50_ns"] <= lat["p99_ns"] <= lat["max_ns"]):
        raise Fail("latency %r" % lat, name)
    m = [l for l in b["err"] if "instructions verified" in l]
    print("# syscount --hist -P on 6.1: %d rows; %s" %
          (len(objs[0]["rows"]), m[0] if m else "no -v line"))
check("syscount -d 1 --json --hist -P", c_sc_hist)

def c_sc_slow():
    name = "sc_slow"
    b = block(name)
    objs = [json.loads(l) for l in b["out"] if l.strip()]
    events = [o for o in objs if o.get("type") == "syscall"]
    reps = [o for o in objs if o.get("type") == "syscount"]
    if len(reps) != 1 or not events or any(e["dur_ns"] < 100000 for e in events):
        raise Fail("%d reports, %d events" % (len(reps), len(events)), name)
    print("# syscount --slower 0.1 on 6.1: %d events, e.g. %s %d ns" %
          (len(events), events[0]["syscall"], events[0]["dur_ns"]))
check("syscount -d 1 --json --slower 0.1", c_sc_slow)

def c_nobtf():
    b = block("nobtf", 1)
    if not any("no BTF" in l for l in b["err"]):
        raise Fail("stderr does not say BTF is missing: %r" % (b["err"][:2],), "nobtf")
check("top on a kernel without BTF: one line, exit 1", c_nobtf)

# libbpf's warnings on runs that succeeded are worth seeing.
for n in order:
    b = blocks[n]
    warn = [l for l in b["err"] if "libbpf" in l.lower()]
    if b["rc"] == 0 and warn:
        print("# %s: stderr has libbpf messages:" % b["cmd"])
        diag("\n".join(warn), 10)

times = ", ".join("%s %.1f s" % (n, blocks[n]["secs"]) for n in order if blocks[n]["secs"] is not None)
if times:
    print("# guest command times: " + times)
print("# boot+checks took %.1f s" % elapsed)
if failed:
    try:
        shutil.copyfile(console_path, kept_path)
        print("# the whole guest console is kept at %s" % kept_path)
    except OSError as e:
        print("# could not keep the guest console at %s: %s" % (kept_path, e))
sys.exit(1 if failed else 0)
PYEOF
