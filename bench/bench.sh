#!/usr/bin/env bash
# bench/bench.sh - overhead benchmark for schedscope (what `make bench` runs).
#
# usage: bench/bench.sh [path/to/schedscope]        (default: build/schedscope)
#
# Measures, on this machine:
#   1. wall time of two scheduler-heavy workloads (perf bench sched pipe,
#      pinned to one CPU, and perf bench sched messaging) with no tracer,
#      with `schedscope top`, with `schedscope cpus`, and with an
#      equivalent bpftrace script (bench/top.bt); with `schedscope
#      runqlat` (one report at the end), `schedscope runqslower` (its
#      default 10 ms threshold: almost no events on the pinned pipe, a
#      few thousand on messaging's 400 tasks) and the classic bpftrace
#      run-queue latency script (bench/runqlat.bt); all alternated
#      round-robin;
#   2. the kernel-side cost per event of every BPF program of each tracer
#      (kernel.bpf_stats_enabled run_time_ns / run_cnt, over the workload
#      phases only), and for the run-queue latency tracers the goal check:
#      switch plus wakeup handlers at most 150 ns per event and under 5 %
#      slowdown of the pinned pipe;
#   3. the user-space CPU and peak RSS of `schedscope top 1` while 10,000
#      periodically waking threads (bench/threads.c) are alive;
#   4. the BPF map memory (bytes_memlock) schedscope holds meanwhile;
#   5. recorders: `schedscope record` and `perf sched record`, started
#      afresh around each workload run (same alternated rounds, same
#      no-tracer baseline), each writing to a file in the bench's own
#      temporary folder (one filesystem for both): the workload's
#      slowdown, events recorded and per second of workload, file bytes
#      per event and per context switch, the recorder's own CPU time
#      (utime+stime, while the workload ran and in all), and events lost;
#      then how fast `schedscope report` reads a recording of a few
#      million events (median of READ_RUNS runs, the file in page cache),
#      and the recording goals as PASS/FAIL;
#   6. under process churn (bench/churn.py): top's and report's peak RSS
#      and report time with 100,000 and 1,000,000 short-lived processes
#      in one window (CHURN="N ..." to choose, SKIP_CHURN=1 to skip);
#   7. start-up and footprint (bench/startup.py, runs alone too): peak RSS
#      and CPU ms of each live command over a short life (`-d 0.1`),
#      median of STARTUP_RUNS, beside bcc's libbpf-tools' figures
#      (SKIP_STARTUP=1 to skip);
#   8. (with CONFIGS holding count, preempt and bpftrace-sw) the counts
#      goal: `schedscope count -e on-cpu` and `schedscope preempt` cost no
#      more per switch than top's switch hook, and at most a quarter of the
#      seed's one-liner (bench/preempt.bt), on the pinned pipe; count-queue
#      ("count (queue)": count -e enqueue,dequeue,tick) gives the cost of
#      the probes that fire on every enqueue, dequeue and tick.
#   9. the exporter: (with CONFIGS holding exporter and runqlat) its
#      histogram's switch hook against runqlat's, per switch; its scrape
#      (bench/exporter.py, runs alone too): wall,
#      gather and CPU time per scrape with 10,000 live threads in 200
#      cgroups, against issue 13's 50 ms (SKIP_EXPORTER=1 to skip).
#  10. syscount (bench/syscount.py, runs alone too): a pinned getppid() loop
#      under syscount, -L, --hist, bpftrace's raw_syscalls one-liners and
#      perf trace -s: slowdown, and ns per run of each BPF program
#      (SKIP_SYSCOUNT=1 to skip, SYSCOUNT_ROUNDS=N).
#  11. opensnoop's BPF run time per open (bench/snoopcost.py, runs alone
#      too) beside the seed's bpftrace one-liner, bcc's opensnoop logic
#      (bpftrace's opensnoop.bt) and a raw_syscalls:sys_enter hook
#      (SKIP_SNOOP=1 to skip; OPENS=N opens per run);
# and ends with a Markdown summary.
#
# Tunables (environment):
#   ROUNDS=7              rounds; each runs every configuration once
#   COST_RUNS=3           runs of each tracer with bpf_stats on, for ns/event
#   CONFIGS="none top cpus bpftrace runqlat runqslower bpftrace-runqlat record perf-sched
#                         count count-queue preempt bpftrace-sw exporter"
#                         configurations to run ("none" is the baseline
#                         every slowdown is measured against: keep it);
#                         CONFIGS="none record perf-sched" runs part 5 only
#                         (with SKIP_THREADS=1)
#   PIPE_LOOPS=500000     perf bench sched pipe -l
#   MSG_GROUPS=10 MSG_LOOPS=300        perf bench sched messaging -g / -l
#   NTHREADS=10000 THREADS_PERIOD_MS=1000 THREADS_SECS=20
#   SKIP_THREADS=1        skip parts 3 and 4
#   READ_PIPE_LOOPS=1000000 READ_RUNS=9   the recording `report` reads
#                         (one pinned pipe run of that many loops, then one
#                         messaging run) and how many timed reads
#   SKIP_READ=1           skip the read-speed part of 5
#   STARTUP_RUNS=5        runs of each command in part 7 (SKIP_STARTUP=1 skips it;
#                         `bench/startup.py [schedscope]` runs it alone)
#   QUIET_BUDGET=120      seconds in all to wait for other BPF tracers to go
#   IDLE_BUDGET=0 IDLE_MAX_PCT=20   seconds in all to wait, before each
#                         timed run, for the machine to be busy less than
#                         IDLE_MAX_PCT % of one CPU (a shared machine)
#
# Needs root, perf, bpftool, jq, gcc, taskset, and bpftrace for the
# bpftrace and bpftrace-runqlat configurations; perf-sched needs tracefs
# (mounted at /sys/kernel/tracing for the run if it is not).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SCHEDSCOPE=${1:-build/schedscope}
ROUNDS=${ROUNDS:-7}
COST_RUNS=${COST_RUNS:-3}
CONFIGS=${CONFIGS:-none top cpus bpftrace runqlat runqslower bpftrace-runqlat record perf-sched count count-queue preempt bpftrace-sw exporter}
PIPE_LOOPS=${PIPE_LOOPS:-500000}
MSG_GROUPS=${MSG_GROUPS:-10}
MSG_LOOPS=${MSG_LOOPS:-300}
NTHREADS=${NTHREADS:-10000}
THREADS_PERIOD_MS=${THREADS_PERIOD_MS:-1000}
THREADS_SECS=${THREADS_SECS:-20}
SKIP_THREADS=${SKIP_THREADS:-0}
READ_PIPE_LOOPS=${READ_PIPE_LOOPS:-1000000}
READ_RUNS=${READ_RUNS:-9}
SKIP_READ=${SKIP_READ:-0}
WORKLOADS=(pipe messaging)

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }

# ---------------------------------------------------------------- checks

[[ $(id -u) -eq 0 ]] || die "must run as root (BPF, bpf_stats_enabled)"
[[ $ROUNDS =~ ^[0-9]+$ && $ROUNDS -ge 1 ]] || die "ROUNDS must be a positive integer"
read -r -a CONFIG_LIST <<<"$CONFIGS"
for c in "${CONFIG_LIST[@]}"; do
	case $c in
	none | top | cpus | bpftrace | runqlat | runqslower | bpftrace-runqlat | record | perf-sched | count | count-queue | preempt | bpftrace-sw | exporter) ;;
	*) die "unknown config '$c' (known: none top cpus bpftrace runqlat runqslower bpftrace-runqlat record perf-sched count count-queue preempt bpftrace-sw exporter)" ;;
	esac
done
[[ " $CONFIGS " == *" none "* ]] || log "warning: no 'none' in CONFIGS: no slowdowns, only per-event costs"
# the goal of the run-queue latency tracers (the issue's): switch plus
# wakeup handlers at most GOAL_NS per event, and the pinned pipe slowed
# down by less than GOAL_PCT
GOAL_NS=150
GOAL_PCT=5
# the recording goals (the issue's): the pinned pipe slowed down by less
# than REC_GOAL_PCT, at most a quarter of perf sched record's file bytes
# per event (REC_PERF_BPE, measured for the issue, when perf-sched is not
# run), no event lost at default settings, and `report` reading at least
# REC_GOAL_READ events per second
REC_GOAL_PCT=15
REC_PERF_BPE=105
REC_PERF_PCT=73
REC_GOAL_READ=20000000
[[ $READ_RUNS =~ ^[0-9]+$ && $READ_RUNS -ge 1 ]] || die "READ_RUNS must be a positive integer"
[[ ${IDLE_BUDGET:-0} =~ ^[0-9]+$ && ${IDLE_MAX_PCT:-20} =~ ^[0-9]+$ ]] || die "IDLE_BUDGET and IDLE_MAX_PCT must be integers"
[[ $READ_PIPE_LOOPS =~ ^[0-9]+$ && $READ_PIPE_LOOPS -ge 1 ]] || die "READ_PIPE_LOOPS must be a positive integer"
for t in perf bpftool jq gcc taskset awk; do
	command -v "$t" >/dev/null || die "'$t' not found"
done
if [[ " $CONFIGS " == *" record "* || " $CONFIGS " == *" perf-sched "* ]]; then
	[[ -x /usr/bin/time ]] || die "GNU time (/usr/bin/time, Debian package 'time') not found: the recorders' CPU time needs it"
fi
need_schedscope=0
for c in "${CONFIG_LIST[@]}"; do
	case $c in top | cpus | runqlat | runqslower | record | count | count-queue | preempt | exporter) need_schedscope=1 ;; esac
done
[[ $SKIP_THREADS == 1 ]] || need_schedscope=1
[[ ${SKIP_STARTUP:-0} == 1 ]] || need_schedscope=1
[[ ${SKIP_SNOOP:-0} == 1 ]] || need_schedscope=1
if [[ $need_schedscope == 1 ]]; then
	[[ -x $SCHEDSCOPE ]] || die "schedscope binary '$SCHEDSCOPE' not found (run make first)"
fi
for c in "${CONFIG_LIST[@]}"; do
	if [[ $c == bpftrace || $c == bpftrace-runqlat || $c == bpftrace-sw ]]; then
		command -v bpftrace >/dev/null || die "bpftrace not found (drop $c from CONFIGS)"
	fi
done

# ----------------------------------------------------------- environment

TMP=$(mktemp -d /tmp/schedscope-bench.XXXXXX)
OLD_STATS=$(sysctl -n kernel.bpf_stats_enabled)
MOUNTED_TRACEFS=0
BG_PIDS=()

cleanup() {
	local rc=$? p
	# a recorder under GNU time: kill it first, its parent would not
	[[ -z ${REC_PID:-} ]] || kill -KILL "$REC_PID" 2>/dev/null || true
	for p in "${BG_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	sysctl -q -w kernel.bpf_stats_enabled="$OLD_STATS" >/dev/null || true
	if [[ $MOUNTED_TRACEFS == 1 ]]; then
		umount /sys/kernel/tracing 2>/dev/null || true
	fi
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

sysctl -q -w kernel.bpf_stats_enabled=1 >/dev/null

# Run a private copy, so a rebuild during the bench changes nothing.
if [[ $need_schedscope == 1 ]]; then
	cp "$SCHEDSCOPE" "$TMP/schedscope"
	SCHEDSCOPE=$TMP/schedscope
fi

# bpftrace resolves tracepoints through tracefs, and perf sched record
# its sched:* events.
TRACEFS_NOTE="tracefs was mounted at /sys/kernel/tracing already"
if [[ ! -e /sys/kernel/tracing/events ]]; then
	if mount -t tracefs nodev /sys/kernel/tracing; then
		MOUNTED_TRACEFS=1
		TRACEFS_NOTE="tracefs mounted at /sys/kernel/tracing by the bench (perf sched record needs it; unmounted at the end)"
	else
		TRACEFS_NOTE="tracefs is not mounted and mounting it failed"
	fi
	log "$TRACEFS_NOTE"
fi
if [[ " $CONFIGS " == *" perf-sched "* && ! -e /sys/kernel/tracing/events/sched/sched_switch ]]; then
	die "perf sched record needs tracefs with the sched events at /sys/kernel/tracing ($TRACEFS_NOTE); mount it: mount -t tracefs nodev /sys/kernel/tracing"
fi

# bpftrace's BEGIN/END and our own tooling need no more than this; the
# kernel charges BPF memory to the memory cgroup anyway.
ulimit -l unlimited 2>/dev/null || true

forget_pid() {
	local p=$1 i
	for i in "${!BG_PIDS[@]}"; do
		[[ ${BG_PIDS[$i]} == "$p" ]] && unset 'BG_PIDS[i]'
	done
	BG_PIDS=("${BG_PIDS[@]}")
}

# ------------------------------------------------------------- utilities

# median of numbers on stdin (one per line); mean of the two middle
# values for an even count.
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) printf "%.4f\n", v[(NR + 1) / 2]
		else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# wait_for FILE REGEX PID TIMEOUT_S: until FILE has a line matching REGEX.
wait_for() {
	local file=$1 re=$2 pid=$3 timeout=$4 t=0
	while ! grep -qE -- "$re" "$file" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			log "process $pid exited before printing /$re/; its output:"
			cat "$file" >&2 || true
			return 1
		fi
		sleep 0.05
		t=$((t + 1))
		if ((t > timeout * 20)); then
			log "timeout waiting for /$re/ in $file"
			return 1
		fi
	done
}

# utime+stime of the whole thread group, in clock ticks (fields 14, 15;
# parsed after the last ')' since comm may contain spaces)
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# stop_proc PID TIMEOUT_S [SIGNAL]: SIGNAL (default INT; 0: none, the
# caller signalled already), then SIGKILL after TIMEOUT_S. Sets STOP_RC to
# the exit status (or "killed"). Not to be called in a subshell: only this
# shell can reap its children. Background commands of a non-interactive
# shell start with SIGINT ignored, so SIGINT only stops programs that
# install a handler for it.
STOP_RC=
stop_proc() {
	local pid=$1 timeout=$2 sig=${3:-INT} t=0 rc=0
	kill "-$sig" "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null; do
		# a zombie still answers kill -0; leave once it is one
		[[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && break
		sleep 0.05
		t=$((t + 1))
		if ((t > timeout * 20)); then
			kill -KILL "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
			forget_pid "$pid"
			STOP_RC=killed
			return
		fi
	done
	wait "$pid" 2>/dev/null || rc=$?
	forget_pid "$pid"
	STOP_RC=$rc
}

# BPF object ids (prog or map) a process holds, through its fds' fdinfo.
held_ids() {
	local pid=$1 key=$2
	cat "/proc/$pid/fdinfo/"* 2>/dev/null |
		awk -v k="$key:" '$1 == k { print $2 }' | sort -un
}

# snapshot of bpf_stats for the given prog ids: "id name run_cnt run_time_ns"
prog_snapshot() {
	local ids_json=$1
	bpftool prog show --json |
		jq -r --argjson ids "$ids_json" '.[] | select(.id as $i | $ids | index($i))
			| "\(.id) \(.name // "?") \(.run_cnt // 0) \(.run_time_ns // 0)"'
}

# BPF programs of tracing kinds loaded by anyone but us (ids in $1): a
# second tracer, e.g. a test suite running meanwhile, taxes every
# context switch and spoils the comparison.
foreign_progs() {
	bpftool prog show --json | jq --argjson ours "$1" '[.[]
		| select(.type | test("tracing|tracepoint|kprobe|perf_event|raw_tracepoint|ext|lsm"))
		| select(.id as $i | $ours | index($i) | not)] | length'
}

# wait_quiet OURS_JSON: wait (from a total budget of QUIET_BUDGET s) for
# foreign tracing programs to go; sets QUIET_N to how many are left. Not
# in a subshell, or the budget would never run down.
QUIET_LEFT=${QUIET_BUDGET:-120}
QUIET_WAITED=0
QUIET_N=0
wait_quiet() {
	QUIET_N=$(foreign_progs "$1")
	while ((QUIET_N > 0 && QUIET_LEFT > 0)); do
		sleep 1
		QUIET_LEFT=$((QUIET_LEFT - 1))
		QUIET_WAITED=$((QUIET_WAITED + 1))
		QUIET_N=$(foreign_progs "$1")
	done
}

ctxt() { awk '$1 == "ctxt" { print $2 }' /proc/stat; }
# busy CPU time of the whole machine, in clock ticks (user, nice, system,
# irq, softirq): less the workload's own, what else ran meanwhile
busy_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
HZ=$(getconf CLK_TCK)

# wait_idle: on a shared machine, wait (from a total budget of IDLE_BUDGET
# s; 0, the default, never waits) until the whole machine was busy less
# than IDLE_MAX_PCT % of one CPU over half a second (a tracer started
# for the run counts too, which at rest is well under that).
IDLE_LEFT=${IDLE_BUDGET:-0}
IDLE_MAX_PCT=${IDLE_MAX_PCT:-20}
IDLE_WAITED=0
wait_idle() {
	local b0 b1
	while ((IDLE_LEFT > 0)); do
		b0=$(busy_ticks)
		sleep 0.5
		b1=$(busy_ticks)
		(((b1 - b0) * 200 <= HZ * IDLE_MAX_PCT)) && return 0
		sleep 0.5
		IDLE_LEFT=$((IDLE_LEFT - 1))
		IDLE_WAITED=$((IDLE_WAITED + 1))
	done
}

ids_to_json() { jq -R -s -c 'split("\n") | map(select(length > 0) | tonumber)'; }

# ------------------------------------------------------------- workloads

# run_workload NAME: prints "WALL_S CPU_S": the time perf bench reports,
# and the user+system CPU time of perf bench and all its children. A
# tracer's BPF programs run in the context of the tasks that switch, wake
# or migrate, so their cost shows in the latter too, which other load on
# the machine disturbs less than wall time.
run_workload() {
	local w=$1 out=$TMP/wl.out tf=$TMP/wl.time TIMEFORMAT='%3U %3S'
	case $w in
	pipe) { time taskset -c 1 perf bench sched pipe -l "$PIPE_LOOPS" >"$out" 2>&1; } 2>"$tf" ;;
	messaging) { time perf bench sched messaging -g "$MSG_GROUPS" -l "$MSG_LOOPS" >"$out" 2>&1; } 2>"$tf" ;;
	esac || { cat "$out" >&2; die "workload $w failed"; }
	awk -v cpu="$(awk '{ print $1 + $2 }' "$tf")" \
		'/Total time:/ { print $3, cpu; found = 1 } END { if (!found) exit 1 }' "$out" ||
		{ cat "$out" >&2; die "cannot parse time from $w output"; }
}

# ---------------------------------------------------------------- tracers

TRACER_PID=
TRACER_ERR=
TRACER_OUT=
# what each tracer reported in its last run (a sanity check): "CFG text"
NOTES=$TMP/notes
: >"$NOTES"

# start_bg OUT ERR READY REGEX WHAT CMD...: start CMD in the background,
# stdout to OUT and stderr to ERR (the same file may be both), and wait
# until it says it is attached (a line matching REGEX in READY), so that
# timing never starts before its programs run.
start_bg() {
	local out=$1 err=$2 ready=$3 re=$4 what=$5
	shift 5
	if [[ $err == "$out" ]]; then
		"$@" >"$out" 2>&1 &
	else
		"$@" >"$out" 2>"$err" &
	fi
	TRACER_PID=$!
	BG_PIDS+=("$TRACER_PID")
	wait_for "$ready" "$re" "$TRACER_PID" 60 || die "$what did not attach"
}

start_tracer() {
	local cfg=$1 script re
	TRACER_ERR=$TMP/$cfg.err
	TRACER_OUT=$TMP/$cfg.out
	: >"$TRACER_ERR"
	: >"$TRACER_OUT"
	case $cfg in
	top | cpus)
		start_bg /dev/null "$TRACER_ERR" "$TRACER_ERR" 'Hit Ctrl-C to end' \
			"schedscope $cfg" "$SCHEDSCOPE" "$cfg" -d 3600
		;;
	runqlat)
		# no interval: one report at the end; the banner on stderr
		# comes once the programs are attached and seeded
		start_bg "$TRACER_OUT" "$TRACER_ERR" "$TRACER_ERR" '^Tracing run queue latency' \
			"schedscope runqlat" "$SCHEDSCOPE" runqlat -d 3600
		;;
	runqslower)
		# default threshold (10000 us); bcc's banner goes to stdout
		start_bg "$TRACER_OUT" "$TRACER_ERR" "$TRACER_OUT" '^Tracing run queue latency higher than' \
			"schedscope runqslower" "$SCHEDSCOPE" runqslower -d 3600
		;;
	count)
		start_bg /dev/null "$TRACER_ERR" "$TRACER_ERR" 'Hit Ctrl-C to end' \
			"schedscope count" "$SCHEDSCOPE" count -e on-cpu -d 3600
		;;
	count-queue)
		# the probes that fire on every enqueue, dequeue and tick
		start_bg /dev/null "$TRACER_ERR" "$TRACER_ERR" 'Hit Ctrl-C to end' \
			"schedscope count -e enqueue,dequeue,tick" "$SCHEDSCOPE" count \
			-e enqueue,dequeue,tick -d 3600
		;;
	preempt)
		start_bg /dev/null "$TRACER_ERR" "$TRACER_ERR" 'Hit Ctrl-C to end' \
			"schedscope preempt" "$SCHEDSCOPE" preempt -d 3600
		;;
	exporter)
		# its run-queue histogram per cgroup, on a port nothing else
		# is likely to hold
		start_bg /dev/null "$TRACER_ERR" "$TRACER_ERR" 'Hit Ctrl-C to end' \
			"schedscope exporter" "$SCHEDSCOPE" exporter \
			--listen "127.0.0.1:$((20000 + RANDOM % 20000))"
		;;
	bpftrace-sw)
		TRACER_OUT=$TRACER_ERR
		start_bg "$TRACER_ERR" "$TRACER_ERR" "$TRACER_ERR" '^Attaching: switch pairs' \
			"bpftrace preempt.bt" bpftrace "$BENCH_DIR/preempt.bt"
		;;
	bpftrace | bpftrace-runqlat)
		# stdout and stderr in one file: "Attaching N probes" and the
		# BEGIN line (printed once every probe is attached) go to
		# stdout, errors to stderr.
		script=top.bt re='^Attaching: per-thread'
		if [[ $cfg == bpftrace-runqlat ]]; then
			script=runqlat.bt re='^Attaching: run-queue latency'
		fi
		TRACER_OUT=$TRACER_ERR
		start_bg "$TRACER_ERR" "$TRACER_ERR" "$TRACER_ERR" "$re" \
			"bpftrace $script" bpftrace "$BENCH_DIR/$script"
		;;
	esac
}

# note_output CFG: one line on what the tracer reported, so that a tracer
# that ran but measured nothing does not pass unnoticed.
note_output() {
	local cfg=$1 text
	case $cfg in
	runqlat)
		text=$(awk '$1 == "all" && $2 == "waits" {
				printf "%s waits measured", $3
				for (i = 4; i < NF; i++) if ($i == "avg" || $i == "p99" || $i == "max") printf ", %s %s %s", $i, $(i + 1), $(i + 2)
				f = 1
			}
			END { if (!f) printf "NO REPORT" }' "$TRACER_OUT")
		;;
	runqslower)
		text=$(awk '/waits measured/ { sub(/^[ \t]+/, ""); printf "%s", $0; f = 1 }
			END { if (!f) printf "NO SUMMARY" }' "$TRACER_ERR")
		;;
	bpftrace-runqlat)
		# bucket lines: "[2, 4)     657693 |@@@@   |"
		text=$(awk '/^@usecs:/ { h = 1; next }
			h && /^\[/ { l = $0; sub(/^[^])]*[])][ \t]*/, "", l); split(l, a, " "); n += a[1] }
			END { if (h) printf "%d waits in @usecs", n; else printf "NO HISTOGRAM" }' "$TRACER_OUT")
		;;
	*) return 0 ;;
	esac
	echo "$cfg $text" >>"$NOTES"
	if [[ $text == NO* ]]; then
		log "warning: $cfg printed no report; its output:"
		tail -5 "$TRACER_OUT" "$TRACER_ERR" >&2 || true
	fi
}

stop_tracer() {
	local cfg=$1
	stop_proc "$TRACER_PID" 60
	if [[ $STOP_RC != 0 ]]; then
		log "warning: $cfg exited with status $STOP_RC; stderr:"
		tail -5 "$TRACER_ERR" >&2 || true
	fi
	note_output "$cfg"
	TRACER_PID=
}

# -------------------------------------------------------------- recorders

# Recorders are started afresh around each workload run, so that each file
# holds one workload: its events, bytes and losses are that workload's.
is_rec_cfg() { [[ $1 == record || $1 == perf-sched ]]; }

# what schedscope record prints once its programs are attached and it
# writes (stderr)
REC_READY_RE='Hit Ctrl-C to end'
# runs where a recorder failed (bad exit status, no events, unreadable
# file): the bench goes on and exits 1 at the end
REC_FAILS=0
# every run that lost events: "CFG WL ROUND MODE LOST EVENTS"
REC_LOSSES=$TMP/losses
: >"$REC_LOSSES"
REC_FILE=
REC_PID=
REC_KEEP=0
# the recorder runs under GNU time, which writes its whole life's user and
# system CPU time once it ends (stdout and stderr stay the recorder's)
REC_TIME=(/usr/bin/time -f '%e %U %S' -o "$TMP/rec.rusage")
REC_TK0=
REC_C0=
PERF_CTL_FD=
PERF_ACK_FD=

# start_recorder CFG WL FILE: start the recorder writing FILE (in the
# bench's temporary folder: one filesystem for both recorders) and wait
# until it records.
start_recorder() {
	local cfg=$1 w=$2 ack=
	REC_FILE=$3
	TRACER_ERR=$TMP/$cfg.$w.err
	TRACER_OUT=$TRACER_ERR
	rm -f "$REC_FILE"
	: >"$TRACER_ERR"
	rm -f "$TMP/rec.rusage"
	case $cfg in
	record)
		start_bg "$TRACER_ERR" "$TRACER_ERR" "$TRACER_ERR" "$REC_READY_RE" \
			"schedscope record" "${REC_TIME[@]}" "$SCHEDSCOPE" record -o "$REC_FILE" -d 3600
		;;
	perf-sched)
		# perf prints nothing once its events are on, so they are
		# opened disabled (-D -1) and enabled through its control
		# fifo, which acknowledges once they are on. Both fifos are
		# opened read-write here first: no open blocks on either side.
		# perf sched record adds -a (all CPUs), -R, -m 1024 and -c 1
		# itself, and these options go to its perf record.
		rm -f "$TMP/perf.ctl" "$TMP/perf.ack"
		mkfifo "$TMP/perf.ctl" "$TMP/perf.ack"
		exec {PERF_CTL_FD}<>"$TMP/perf.ctl" {PERF_ACK_FD}<>"$TMP/perf.ack"
		start_bg "$TRACER_ERR" "$TRACER_ERR" "$TRACER_ERR" '^Events disabled' \
			"perf sched record" "${REC_TIME[@]}" perf sched record -o "$REC_FILE" -D -1 \
			--control "fifo:$TMP/perf.ctl,$TMP/perf.ack"
		echo enable >&"$PERF_CTL_FD"
		read -r -t 30 -u "$PERF_ACK_FD" ack || true
		[[ $ack == ack ]] || die "perf sched record did not acknowledge 'enable'; its output: $(tail -5 "$TRACER_ERR")"
		;;
	esac
	# the recorder itself, GNU time's child
	REC_PID=$(cat "/proc/$TRACER_PID/task/$TRACER_PID/children" 2>/dev/null || pgrep -P "$TRACER_PID")
	REC_PID=${REC_PID%% *}
	[[ $REC_PID =~ ^[0-9]+$ ]] || die "cannot find the $cfg process under GNU time (pid $TRACER_PID)"
	REC_TK0=$(cpu_ticks "$REC_PID")
	REC_C0=$(ctxt)
}

# rec_counts CFG FILE ERR: "EVENTS LOST" of a finished recording: what the
# recorder says it wrote and lost. Empty EVENTS when it cannot be read.
rec_counts() {
	local cfg=$1 file=$2 err=$3
	case $cfg in
	perf-sched)
		# perf report --stats: the aggregated "SAMPLE events", then per
		# event "LOST_SAMPLES events", which count the samples lost
		# (the PERF_RECORD_LOST records in the aggregate count
		# records). perf record's own "Processed N samples and lost
		# P%!" says the same; the larger wins.
		perf report -i "$file" --stats 2>&1 | awk -v err="$err" '
			/ stats:$/ && !/^Aggregated stats:/ { per = 1; next }
			!per && $1 == "SAMPLE" && $2 == "events:" { ev = $3 }
			!per && $1 == "LOST" && $2 == "events:" { lrec = $3 }
			per && $1 == "LOST_SAMPLES" && $2 == "events:" { lost += $3 }
			END {
				while ((getline l < err) > 0)
					if (l ~ /^Processed [0-9]+ samples and lost [0-9.]+%/) {
						split(l, a, " "); p = a[6]; sub(/%.*/, "", p)
						w = int(a[2] * p / 100 + 0.5); if (w > lost) lost = w
					}
				if (lrec > 0 && lost == 0) lost = lrec
				print ev, lost + 0
			}'
		;;
	record)
		# its summary on stderr: "Recorded N events (S switches) in T s
		# into FILE: B bytes, X bytes per event, L lost"
		awk '/^Recorded [0-9]+ events / && $NF == "lost" { ev = $2; lost = $(NF - 1) }
			END { print ev, lost }' "$err"
		;;
	esac
}

# stop_recorder CFG WL ROUND MODE WALL_S: stop it, read what it wrote, and
# append "rec MODE CFG WL ROUND EVENTS BYTES CPU_WL_S CPU_ALL_S LOST
# WALL_S SWITCHES" to the results: events recorded, file bytes, its CPU
# time from attached to the workload's end and in all, events lost, the
# workload's wall time, context switches while it recorded.
stop_recorder() {
	local cfg=$1 w=$2 r=$3 mode=$4 wall=$5 tk1 c1 ok=1 bytes ev lost cpu_all
	tk1=$(cpu_ticks "$REC_PID")
	c1=$(ctxt)
	kill -INT "$REC_PID" 2>/dev/null || true
	stop_proc "$TRACER_PID" 300 0
	[[ $STOP_RC != killed ]] || kill -KILL "$REC_PID" 2>/dev/null || true
	TRACER_PID=
	REC_PID=
	cpu_all=$(tail -1 "$TMP/rec.rusage" 2>/dev/null | awk 'NF == 3 { printf "%.2f\n", $2 + $3 }')
	if [[ $cfg == perf-sched ]]; then
		exec {PERF_CTL_FD}>&- {PERF_ACK_FD}>&-
	fi
	case $cfg:$STOP_RC in
	# perf record stops on SIGINT by raising it again: status 130
	record:0 | perf-sched:0 | perf-sched:130) ;;
	*) ok=0 ;;
	esac
	bytes=$(stat -c %s "$REC_FILE" 2>/dev/null) || bytes=
	read -r ev lost < <(rec_counts "$cfg" "$REC_FILE" "$TRACER_ERR") || true
	[[ -n $bytes && $ev =~ ^[0-9]+$ && $ev -gt 0 && $lost =~ ^[0-9]+$ ]] || ok=0
	if [[ $ok == 0 ]]; then
		REC_FAILS=$((REC_FAILS + 1))
		log "ERROR: $cfg on $w (round $((r + 1)), $mode): exit status $STOP_RC, file ${bytes:-missing} bytes," \
			"events '${ev:-?}', lost '${lost:-?}'; its output:"
		tail -8 "$TRACER_ERR" >&2 || true
		line+=" $cfg/$w=FAILED"
		rm -f "$REC_FILE"
		return
	fi
	echo "rec $mode $cfg $w $r $ev $bytes $(awk -v t="$((tk1 - REC_TK0))" -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }')" \
		"${cpu_all:-nan} $lost $wall $((c1 - REC_C0))" >>"$RES"
	if ((lost > 0)); then
		echo "$cfg $w $r $mode $lost $ev" >>"$REC_LOSSES"
		log "!!! LOST EVENTS: $cfg lost $lost events on $w (round $((r + 1)), $mode; $ev recorded)"
		line+="(!LOST $lost)"
	fi
	[[ $REC_KEEP == 1 ]] || rm -f "$REC_FILE"
}

# ------------------------------------------------------------- part 1+2

# time CFG WL WALL_S CTXT FOREIGN CPU_S ROUND STATS_ON OTHER_CPU_S | bpf CFG WL PROG DCNT DNS
# | rec MODE CFG WL ROUND EVENTS BYTES TICKS_WL TICKS_ALL LOST WALL_S SWITCHES
RES=$TMP/results
: >"$RES"
nconf=${#CONFIG_LIST[@]}
t_start=$(date +%s)

log "kernel $(uname -r), $(nproc) CPUs; $ROUNDS rounds of: ${CONFIG_LIST[*]}"
log "workloads: taskset -c 1 perf bench sched pipe -l $PIPE_LOOPS;" \
	"perf bench sched messaging -g $MSG_GROUPS -l $MSG_LOOPS"

# One configuration, both workloads. mode "time": bpf_stats off (its two
# clock reads per program run, ~90 ns each here, would inflate every
# tracer's slowdown), time lines recorded. mode "cost": bpf_stats on, the
# programs' run time per event recorded, the timing thrown away.
run_config() {
	local cfg=$1 r=$2 mode=$3 ids_json='[]' w nf c0 c1 s cpu son b0 b1 other
	if [[ $cfg != none ]] && ! is_rec_cfg "$cfg"; then
		start_tracer "$cfg"
		ids_json=$(held_ids "$TRACER_PID" prog_id | ids_to_json)
		[[ $ids_json != '[]' ]] || die "no BPF programs found in $cfg's fds"
		prog_snapshot "$ids_json" >"$TMP/snap.0"
	fi
	for w in "${WORKLOADS[@]}"; do
		if is_rec_cfg "$cfg"; then
			start_recorder "$cfg" "$w" "$TMP/$cfg.$w.data"
			if [[ $cfg == record ]]; then
				ids_json=$(held_ids "$REC_PID" prog_id | ids_to_json)
				[[ $ids_json != '[]' ]] || die "no BPF programs found in $cfg's fds"
				prog_snapshot "$ids_json" >"$TMP/snap.0"
			fi
		fi
		wait_quiet "$ids_json"
		nf=$QUIET_N
		wait_idle
		# the sysctl reads 1 while anyone holds the statistics on
		# (BPF_ENABLE_STATS), whatever we wrote
		son=$(sysctl -n kernel.bpf_stats_enabled)
		c0=$(ctxt)
		b0=$(busy_ticks)
		# in this shell, not a subshell: a signal then waits for
		# perf bench to end before the cleanup runs
		run_workload "$w" >"$TMP/wl.res"
		read -r s cpu <"$TMP/wl.res"
		c1=$(ctxt)
		b1=$(busy_ticks)
		other=$(awk -v b="$((b1 - b0))" -v hz="$HZ" -v cpu="$cpu" 'BEGIN { o = b / hz - cpu; printf "%.2f\n", (o > 0 ? o : 0) }')
		if [[ $mode == time ]]; then
			echo "time $cfg $w $s $((c1 - c0)) $nf $cpu $r $son $other" >>"$RES"
		fi
		line+=" $cfg/$w=${s}s"
		((nf == 0)) || line+="(!$nf foreign BPF progs)"
		[[ $mode != time || $son == 0 ]] || line+="(!bpf_stats on)"
		if [[ $ids_json != '[]' && $mode == cost ]]; then
			prog_snapshot "$ids_json" >"$TMP/snap.1"
			# delta per program; join on id
			awk -v cfg="$cfg" -v w="$w" '
				NR == FNR { c[$1] = $3; n[$1] = $4; next }
				($1 in c) { print "bpf", cfg, w, $2, $3 - c[$1], $4 - n[$1] }
			' "$TMP/snap.0" "$TMP/snap.1" >>"$RES"
			mv "$TMP/snap.1" "$TMP/snap.0"
		fi
		if is_rec_cfg "$cfg"; then
			stop_recorder "$cfg" "$w" "$r" "$mode" "$s"
		fi
	done
	[[ $cfg == none ]] || is_rec_cfg "$cfg" || stop_tracer "$cfg"
}

sysctl -q -w kernel.bpf_stats_enabled=0 >/dev/null
for ((r = 0; r < ROUNDS; r++)); do
	line="round $((r + 1))/$ROUNDS:"
	for ((k = 0; k < nconf; k++)); do
		# rotate the starting configuration each round so that no
		# configuration always runs right after the same other one
		run_config "${CONFIG_LIST[$(((r + k) % nconf))]}" "$r" time
	done
	log "$line"
done
sysctl -q -w kernel.bpf_stats_enabled=1 >/dev/null
line="cost passes (bpf_stats on):"
for ((r = 0; r < COST_RUNS; r++)); do
	for cfg in "${CONFIG_LIST[@]}"; do
		# perf sched record runs no BPF program
		[[ $cfg == none || $cfg == perf-sched ]] || run_config "$cfg" "$r" cost
	done
done
log "$line"
t_rounds=$(($(date +%s) - t_start))

# ------------------------------------------------------------- part 3+4

THR_LINE=
THR_FOREIGN=0
STORAGE_NOTE=
MEM_TOTAL=
THR_BPF=$TMP/thr_bpf
MEM_TAB=$TMP/mem
: >"$THR_BPF"
: >"$MEM_TAB"

# total on-CPU ns of all live threads of PID (schedstat field 1)
oncpu_ns() { cat "/proc/$1/task/"*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d\n", s }'; }

if [[ $SKIP_THREADS != 1 ]]; then
	gcc -O2 -Wall -pthread -o "$TMP/threads" "$BENCH_DIR/threads.c"
	log "starting $NTHREADS threads (each wakes every ${THREADS_PERIOD_MS} ms)"
	"$TMP/threads" "$NTHREADS" "$THREADS_PERIOD_MS" >"$TMP/threads.out" 2>&1 &
	THR_PID=$!
	BG_PIDS+=("$THR_PID")
	wait_for "$TMP/threads.out" '^ready' "$THR_PID" 120 || die "threads did not start"
	sleep 2 # let the start-up settle
	wait_quiet '[]'
	THR_FOREIGN=$QUIET_N
	((THR_FOREIGN == 0)) || log "warning: $THR_FOREIGN other tracing BPF programs loaded during the thread test"

	TRACER_ERR=$TMP/top1.err
	"$SCHEDSCOPE" top 1 >/dev/null 2>"$TRACER_ERR" &
	TOP_PID=$!
	BG_PIDS+=("$TOP_PID")
	t_launch=$(date +%s%N)
	wait_for "$TRACER_ERR" 'Hit Ctrl-C to end' "$TOP_PID" 60 || die "schedscope top 1 did not attach"
	t0=$(date +%s%N)
	ns0=$(oncpu_ns "$TOP_PID")
	tk0=$(cpu_ticks "$TOP_PID")
	prog_ids=$(held_ids "$TOP_PID" prog_id | ids_to_json)
	prog_snapshot "$prog_ids" >"$TMP/tsnap.0"

	sleep "$THREADS_SECS"

	t1=$(date +%s%N)
	ns1=$(oncpu_ns "$TOP_PID")
	tk1=$(cpu_ticks "$TOP_PID")
	prog_snapshot "$prog_ids" >"$TMP/tsnap.1"
	hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$TOP_PID/status")
	rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$TOP_PID/status")
	nthr_live=$(awk '/^Threads:/ { print $2 - 1 }' "/proc/$THR_PID/status") # less main

	# maps: those schedscope holds fds of (the skeleton keeps all of
	# them, including .bss/.rodata), plus any its programs reference
	{
		held_ids "$TOP_PID" map_id
		bpftool prog show --json |
			jq -r --argjson ids "$prog_ids" '.[] | select(.id as $i | $ids | index($i)) | .map_ids[]?'
	} | sort -un | ids_to_json >"$TMP/map_ids"
	bpftool map show --json |
		jq -r --argjson ids "$(cat "$TMP/map_ids")" '.[] | select(.id as $i | $ids | index($i))
			| "\(.name // "?") \(.type) \(.max_entries) \(.bytes_memlock // 0) \(.bytes_value // 0)"' |
		sort >"$MEM_TAB"
	# task/inode/sk storage is allocated per object as it is used and is
	# not in bytes_memlock; the tasks alive bound how much there can be
	ntasks_sys=$(awk '{ split($4, a, "/"); print a[2] }' /proc/loadavg)

	stop_proc "$TOP_PID" 60
	[[ $STOP_RC == 0 ]] || log "warning: schedscope top 1 exited with status $STOP_RC"
	stop_proc "$THR_PID" 30 TERM

	hz=$(getconf CLK_TCK)
	THR_LINE=$(awk -v ns0="$ns0" -v ns1="$ns1" -v tk0="$tk0" -v tk1="$tk1" -v hz="$hz" \
		-v t0="$t0" -v t1="$t1" -v tl="$t_launch" -v hwm="$hwm_kb" -v rss="$rss_kb" \
		-v n="$nthr_live" 'BEGIN {
		wall = (t1 - t0) / 1e9
		printf "%d %.1f %.2f %.2f %.3f %d %d %.2f\n", n, wall,
			100 * (ns1 - ns0) / 1e9 / wall,
			100 * (tk1 - tk0) / hz / wall,
			ns0 / 1e9, hwm, rss, (t0 - tl) / 1e9 }')
	awk -v w="threads" '
		NR == FNR { c[$1] = $3; n[$1] = $4; next }
		($1 in c) { print $2, $3 - c[$1], $4 - n[$1] }
	' "$TMP/tsnap.0" "$TMP/tsnap.1" >"$THR_BPF"
	MEM_TOTAL=$(awk '{ s += $4 } END { printf "%d\n", s }' "$MEM_TAB")
fi

# ---------------------------------------------------- part 5: read speed

# How fast `schedscope report` reads a recording: one of a pinned pipe run
# of READ_PIPE_LOOPS loops and a messaging run (a few million events of
# every kind), read once to have it in page cache, then READ_RUNS timed
# reads each of `info` (the file decoded whole) and `top` (decoded and
# analysed). "CMD WALL_S USER_S SYS_S" per timed read.
READ_RES=$TMP/read_res
READ_EVENTS=
READ_BYTES=
READ_INFO=$TMP/read_info
: >"$READ_RES"
: >"$READ_INFO"
# time_reads FILE: what report info says of it to READ_INFO, then the
# timed reads to READ_RES; returns 1 if a read fails.
time_reads() {
	local file=$1 cmd i TIMEFORMAT='%3R %3U %3S'
	if ! "$SCHEDSCOPE" report -i "$file" info >"$READ_INFO" 2>&1; then
		log "ERROR: schedscope report -i FILE info failed; its output:"
		tail -5 "$READ_INFO" >&2
		return 1
	fi
	cat "$file" >/dev/null
	for cmd in info top; do
		# once untimed: the program, its libraries and the file cached
		if ! "$SCHEDSCOPE" report -i "$file" "$cmd" >/dev/null 2>"$TMP/read.err"; then
			log "ERROR: schedscope report -i FILE $cmd failed: $(tail -3 "$TMP/read.err")"
			return 1
		fi
		for ((i = 0; i < READ_RUNS; i++)); do
			wait_idle
			{ time "$SCHEDSCOPE" report -i "$file" "$cmd" >/dev/null 2>&1; } 2>"$TMP/read.time" || return 1
			echo "$cmd $(cat "$TMP/read.time")" >>"$READ_RES"
		done
	done
	log "read speed: $READ_EVENTS events, $READ_BYTES bytes: $READ_RUNS timed reads each of info and top"
}

if [[ " $CONFIGS " == *" record "* && $SKIP_READ != 1 ]]; then
	log "read speed: recording a pinned pipe run of $READ_PIPE_LOOPS loops and a messaging run"
	line="read-speed recording:"
	REC_KEEP=1
	start_recorder record read "$TMP/read.data"
	pipe_loops_saved=$PIPE_LOOPS
	PIPE_LOOPS=$READ_PIPE_LOOPS
	run_workload pipe >"$TMP/wl.res"
	PIPE_LOOPS=$pipe_loops_saved
	read -r s _ <"$TMP/wl.res"
	run_workload messaging >"$TMP/wl.res"
	read -r s2 _ <"$TMP/wl.res"
	stop_recorder record read 0 read "$(awk -v a="$s" -v b="$s2" 'BEGIN { print a + b }')"
	REC_KEEP=0
	if [[ -s $TMP/read.data ]] && read -r READ_EVENTS READ_BYTES < <(awk '$1 == "rec" && $2 == "read" { print $6, $7 }' "$RES"); then
		time_reads "$TMP/read.data" || REC_FAILS=$((REC_FAILS + 1))
	else
		log "ERROR: no recording to time the reads on"
		REC_FAILS=$((REC_FAILS + 1))
	fi
	rm -f "$TMP/read.data"
fi
t_total=$(($(date +%s) - t_start))

# ----------------------------------------------------------------- report

# time table, per workload and config: median wall s, slowdown of the
# medians, median over rounds of the ratio to the same round's no-tracer
# run, min and max wall s, median CPU s and its slowdown.
TIME_TAB=$TMP/time_tab
awk '$1 == "time" { print $3, $2, $8, $4, $7 }' "$RES" | awk -v order="${CONFIG_LIST[*]}" '
	function median(list,   a, n, i, j, t) {
		n = split(list, a, " ")
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		if (n == 0) return "nan"
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function pct(x, b) { return (b == "nan" || b == 0 || x == "nan") ? "n/a" : sprintf("%+.1f%%", 100 * (x / b - 1)) }
	{
		w = $1; c = $2; r = $3
		wall[w, c] = wall[w, c] " " $4; cpu[w, c] = cpu[w, c] " " $5
		rw[w, c, r] = $4
		if (!(w in seenw)) { seenw[w] = 1; ws[++nw] = w }
		if (!((c, w) in mn) || $4 < mn[c, w]) mn[c, w] = $4
		if (!((c, w) in mx) || $4 > mx[c, w]) mx[c, w] = $4
		if (r + 1 > nr) nr = r + 1
	}
	END {
		nc = split(order, cs, " ")
		for (i = 1; i <= nw; i++) {
			w = ws[i]
			bw = median(wall[w, "none"]); bc = median(cpu[w, "none"])
			for (j = 1; j <= nc; j++) {
				c = cs[j]
				mw = median(wall[w, c]); mc = median(cpu[w, c])
				pr = ""
				for (r = 0; r < nr; r++)
					if ((w, c, r) in rw && (w, "none", r) in rw && rw[w, "none", r] > 0)
						pr = pr " " rw[w, c, r] / rw[w, "none", r]
				p = median(pr)
				if (c == "none") { s1 = "(base)"; s2 = "(base)"; s3 = "(base)" }
				else { s1 = pct(mw, bw); s2 = (p == "nan") ? "n/a" : sprintf("%+.1f%%", 100 * (p - 1)); s3 = pct(mc, bc) }
				printf "%s %s %.3f %s %s %.3f %.3f %.3f %s\n", w, c, mw, s1, s2, mn[c, w], mx[c, w], mc, s3
			}
		}
	}' >"$TIME_TAB"

# bpf table: config program workload events_per_run ns_per_event
BPF_TAB=$TMP/bpf_tab
awk -v rounds="$COST_RUNS" '$1 == "bpf" {
		k = $2 SUBSEP $4 SUBSEP $3; c[k] += $5; n[k] += $6
		ka = $2 SUBSEP $4 SUBSEP "both"; c[ka] += $5; n[ka] += $6
		if (!(($2 SUBSEP $4) in seen)) { seen[$2 SUBSEP $4] = 1; order[++no] = $2 SUBSEP $4 }
	}
	END {
		split("pipe messaging both", wl, " ")
		for (i = 1; i <= no; i++) for (j = 1; j <= 3; j++) {
			k = order[i] SUBSEP wl[j]; split(k, p, SUBSEP)
			printf "%s %s %s %d %s\n", p[1], p[2], p[3], c[k] / rounds,
				c[k] ? sprintf("%.0f", n[k] / c[k]) : "-"
		}
	}' "$RES" >"$BPF_TAB"

cfg_label() {
	case $1 in
	none) echo "no tracer" ;;
	top) echo "schedscope top" ;;
	cpus) echo "schedscope cpus" ;;
	bpftrace) echo "bpftrace top.bt" ;;
	runqlat) echo "schedscope runqlat" ;;
	runqslower) echo "schedscope runqslower" ;;
	bpftrace-runqlat) echo "bpftrace runqlat.bt" ;;
	count) echo "schedscope count" ;;
	count-queue) echo "schedscope count (queue)" ;;
	preempt) echo "schedscope preempt" ;;
	bpftrace-sw) echo "bpftrace preempt.bt" ;;
	exporter) echo "schedscope exporter" ;;
	record) echo "schedscope record" ;;
	perf-sched) echo "perf sched record" ;;
	esac
}

is_runq_cfg() { [[ $1 == runqlat || $1 == runqslower || $1 == bpftrace-runqlat ]]; }

# The run-queue latency goal, per run-queue latency tracer: "CFG PIPE_SLOW
# PIPE_PAIRED MSG_SLOW SW_PIPE WK_PIPE SUM_PIPE SW_MSG WK_MSG SUM_MSG
# NS_OK PCT_OK GOAL". The switch handler is the program named *switch*;
# the wakeup handler is the one on sched_wakeup or sched_waking (not
# sched_wakeup_new, which only runs at fork); a tracer without one (runqlat
# and runqslower read the kernel's sched_info: no wakeup hook) adds 0.
GOAL_TAB=$TMP/goal_tab
: >"$GOAL_TAB"
for c in "${CONFIG_LIST[@]}"; do
	is_runq_cfg "$c" || continue
	awk -v c="$c" -v gns="$GOAL_NS" -v gpct="$GOAL_PCT" '
		FILENAME == ARGV[1] && $2 == c { slow[$1] = $4; paired[$1] = $5; next }
		FILENAME == ARGV[2] && $1 == c && ($3 == "pipe" || $3 == "messaging") && $5 != "-" {
			if ($2 ~ /switch/) sw[$3] += $5
			else if ($2 ~ /wak(eup|ing)$/) wk[$3] += $5
		}
		END {
			for (i = 1; i <= 2; i++) {
				w = i == 1 ? "pipe" : "messaging"
				if (w in sw) { s[w] = sw[w]; k[w] = (w in wk) ? wk[w] : 0; t[w] = s[w] + k[w] }
				else { s[w] = "-"; k[w] = "-"; t[w] = "-" }
				if (!(w in wk) && (w in sw)) k[w] = "none"
			}
			nsok = t["pipe"] == "-" ? "n/a" : (t["pipe"] <= gns ? "PASS" : "FAIL")
			p = slow["pipe"]; sub(/%$/, "", p)
			pctok = (p == "" || p == "n/a") ? "n/a" : (p + 0 < gpct ? "PASS" : "FAIL")
			goal = (nsok == "PASS" && pctok == "PASS") ? "PASS" : (nsok == "n/a" || pctok == "n/a") ? "n/a" : "FAIL"
			printf "%s %s %s %s %s %s %s %s %s %s %s %s %s\n", c,
				(slow["pipe"] == "" ? "n/a" : slow["pipe"]), (paired["pipe"] == "" ? "n/a" : paired["pipe"]),
				(slow["messaging"] == "" ? "n/a" : slow["messaging"]),
				s["pipe"], k["pipe"], t["pipe"], s["messaging"], k["messaging"], t["messaging"],
				nsok, pctok, goal
		}' "$TIME_TAB" "$BPF_TAB" >>"$GOAL_TAB"
done

# The recorders, per workload and recorder, over the timed rounds: "WL
# CFG RUNS EVENTS EV_PER_S BPE BPE_MIN BPE_MAX BYTES_PER_SWITCH CPU_WL_S
# CPU_ALL_S LOST_SUM LOST_RUNS PAIRED_MIN PAIRED_MAX", medians but for
# the losses (sums) and the spread of the paired slowdowns over rounds.
# Events per second are per second of the workload's wall time.
REC_TAB=$TMP/rec_tab
awk -v order="${CONFIG_LIST[*]}" '
	function median(list,   a, n, i, j, t) {
		n = split(list, a, " ")
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		if (n == 0) return "nan"
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	$1 == "time" { tw[$3, $2, $8] = $4; if ($8 + 1 > nr) nr = $8 + 1 }
	$1 == "rec" && $2 == "time" {
		k = $4 SUBSEP $3
		n[k]++; ev[k] = ev[k] " " $6; eps[k] = eps[k] " " ($11 > 0 ? $6 / $11 : 0)
		b = $7 / $6; bpe[k] = bpe[k] " " b
		if (!(k in bmin) || b < bmin[k]) bmin[k] = b
		if (!(k in bmax) || b > bmax[k]) bmax[k] = b
		bps[k] = bps[k] " " ($12 > 0 ? $7 / $12 : 0)
		cwl[k] = cwl[k] " " $8
		if ($9 != "nan") call[k] = call[k] " " $9
		lost[k] += $10; if ($10 > 0) lruns[k]++
	}
	END {
		nc = split(order, cs, " "); split("pipe messaging", ws, " ")
		for (i = 1; i <= 2; i++) for (j = 1; j <= nc; j++) {
			k = ws[i] SUBSEP cs[j]
			if (!(k in n)) continue
			# the spread of the paired slowdowns: min and max over rounds
			pmin = ""; pmax = ""
			for (r = 0; r < nr; r++) {
				if (!((ws[i], cs[j], r) in tw) || !((ws[i], "none", r) in tw) || tw[ws[i], "none", r] <= 0) continue
				x = 100 * (tw[ws[i], cs[j], r] / tw[ws[i], "none", r] - 1)
				if (pmin == "" || x < pmin) pmin = x
				if (pmax == "" || x > pmax) pmax = x
			}
			printf "%s %s %d %.0f %.0f %.1f %.1f %.1f %.1f %.2f %s %d %d %s %s\n", ws[i], cs[j], n[k],
				median(ev[k]), median(eps[k]), median(bpe[k]), bmin[k], bmax[k], median(bps[k]),
				median(cwl[k]), (k in call) ? sprintf("%.2f", median(call[k])) : "nan", lost[k], lruns[k],
				pmin == "" ? "n/a" : sprintf("%+.0f%%", pmin), pmax == "" ? "n/a" : sprintf("%+.0f%%", pmax)
		}
	}' "$RES" >"$REC_TAB"

# slowdown of the medians and paired slowdown of a config on a workload
# Field f of the row for workload w and config c of table file t, or n/a.
tab_cell() { awk -v w="$2" -v c="$3" -v f="$4" '$1 == w && $2 == c { print $f; found = 1 } END { if (!found) print "n/a" }' "$1"; }
time_cell() { tab_cell "$TIME_TAB" "$@"; }
rec_cell() { tab_cell "$REC_TAB" "$@"; }

# read speed: "CMD RUNS MEDIAN_WALL_S MIN MAX EV_PER_S MEDIAN_CPU_S
# EV_PER_CPU_S" (CPU: user+system, less disturbed by other load)
READ_TAB=$TMP/read_tab
: >"$READ_TAB"
if [[ -s $READ_RES && -n $READ_EVENTS ]]; then
	for cmd in info top; do
		awk -v c="$cmd" '$1 == c { print $2, $3 + $4 }' "$READ_RES" | awk -v c="$cmd" -v ev="$READ_EVENTS" '
			function median(list,   a, n, i, j, t) {
				n = split(list, a, " ")
				for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
				return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
			}
			{ w = w " " $1; u = u " " $2; if (NR == 1 || $1 < mn) mn = $1; if (NR == 1 || $1 > mx) mx = $1 }
			END {
				if (NR == 0) exit
				m = median(w); mc = median(u)
				printf "%s %d %.3f %.3f %.3f %.0f %.3f %.0f\n", c, NR, m, mn, mx,
					(m > 0 ? ev / m : 0), mc, (mc > 0 ? ev / mc : 0)
			}' >>"$READ_TAB"
	done
fi

# The recording goals: "GOAL<tab>FIGURE<tab>VERDICT" lines.
REC_GOALS=$TMP/rec_goals
: >"$REC_GOALS"
goal_line() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$REC_GOALS"; }
if [[ " $CONFIGS " == *" record "* ]]; then
	# 1. pinned pipe slowdown (of the medians; paired in brackets)
	ps=$(time_cell pipe record 4)
	pp=$(time_cell pipe record 5)
	v=$(awk -v p="$ps" -v g="$REC_GOAL_PCT" 'BEGIN { sub(/%$/, "", p); print (p == "n/a" || p == "") ? "n/a" : (p + 0 < g ? "PASS" : "FAIL") }')
	goal_line "pinned pipe slowdown < $REC_GOAL_PCT %" "$ps (paired $pp)" "$v"
	# 2. bytes per event, each workload, against a quarter of perf's
	for w in "${WORKLOADS[@]}"; do
		ours=$(rec_cell "$w" record 6)
		theirs=$(rec_cell "$w" perf-sched 6)
		src="perf sched record here"
		[[ $theirs != n/a ]] || { theirs=$REC_PERF_BPE; src="perf sched record, the issue's figure"; }
		v=$(awk -v o="$ours" -v t="$theirs" 'BEGIN { print (o == "n/a" || t == "n/a") ? "n/a" : (o <= t / 4 ? "PASS" : "FAIL") }')
		goal_line "bytes/event on $w <= 1/4 of perf's" \
			"$ours against $(awk -v t="$theirs" 'BEGIN { printf "%.1f", t / 4 }') ($theirs / 4, $src)" "$v"
	done
	# 3. no loss at default settings: every run of record, timed, cost
	# and read-speed passes alike
	read -r nl nr < <(awk '$1 == "rec" && $3 == "record" { l += $10; n++ } END { print l + 0, n + 0 }' "$RES")
	v=PASS
	((nl == 0)) || v=FAIL
	((nr > 0)) || v=n/a
	goal_line "zero loss at default settings" "$nl events lost in $nr recordings" "$v"
	# 4. report read speed (info: the whole file decoded)
	rs=$(awk '$1 == "info" { print $6 }' "$READ_TAB")
	if [[ -n ${rs:-} ]]; then
		v=$(awk -v r="$rs" -v g="$REC_GOAL_READ" 'BEGIN { print ((r + 0 >= g) ? "PASS" : "FAIL") }')
		goal_line "report reads >= $((REC_GOAL_READ / 1000000)) M events/s" \
			"$(awk -v r="$rs" 'BEGIN { printf "%.1f M events/s", r / 1e6 }') (report info, median of $READ_RUNS)" "$v"
	else
		goal_line "report reads >= $((REC_GOAL_READ / 1000000)) M events/s" "not measured (SKIP_READ=1, or report failed)" n/a
	fi
fi

echo
echo "== workload time: medians of $ROUNDS alternated rounds (slowdown vs no tracer) =="
echo "   wall: time perf bench reports; paired: median over rounds of wall / same round's no-tracer wall"
echo "   cpu: user+system CPU of the workload's processes (includes BPF programs run in their context)"
printf '%-10s %-21s %8s %9s %9s %8s %8s %8s %9s\n' workload config wall_s slowdown paired min_s max_s cpu_s cpu_slow
while read -r w c m s p mn mx mc sc; do
	printf '%-10s %-21s %8s %9s %9s %8s %8s %8s %9s\n' "$w" "$(cfg_label "$c")" "$m" "$s" "$p" "$mn" "$mx" "$mc" "$sc"
done <"$TIME_TAB"

echo
echo "== noise check: system-wide context switches per workload run (median), CPU time of everything else"
echo "   during the run (median and max, s), runs with other tracers loaded =="
printf '%-10s %-21s %12s %9s %9s %14s\n' workload config ctxt/run other_s max_s foreign_runs
for w in "${WORKLOADS[@]}"; do
	for c in "${CONFIG_LIST[@]}"; do
		cx=$(awk -v c="$c" -v w="$w" '$1 == "time" && $2 == c && $3 == w { print $5 }' "$RES" | median)
		ot=$(awk -v c="$c" -v w="$w" '$1 == "time" && $2 == c && $3 == w { print $10 + 0 }' "$RES" | median)
		om=$(awk -v c="$c" -v w="$w" '$1 == "time" && $2 == c && $3 == w && $10 + 0 > m { m = $10 + 0 } END { printf "%.2f\n", m }' "$RES")
		fr=$(awk -v c="$c" -v w="$w" '$1 == "time" && $2 == c && $3 == w && $6 > 0 { n++ } END { print n + 0 }' "$RES")
		printf '%-10s %-21s %12.0f %9.2f %9s %11s/%s\n' "$w" "$(cfg_label "$c")" "$cx" "$ot" "$om" "$fr" "$ROUNDS"
	done
done
BUSY_RUNS=$(awk '$1 == "time" && $10 + 0 > 0.1 * $4 { n++ } END { print n + 0 }' "$RES")
if ((BUSY_RUNS > 0)); then
	echo "(in ${BUSY_RUNS} timed runs something else used more than 10 % of the run's wall time in CPU: a busy machine, treat the slowdowns with care)"
fi
FOREIGN_RUNS=$(awk '$1 == "time" && $6 > 0 { n++ } END { print n + 0 }' "$RES")
if ((QUIET_WAITED > 0 || FOREIGN_RUNS > 0)); then
	echo "(waited ${QUIET_WAITED} s for other tracers to unload; ${FOREIGN_RUNS} runs still had some: treat those numbers with care)"
fi
if ((IDLE_WAITED > 0)); then
	echo "(waited ${IDLE_WAITED} s in all for the machine to be idle before runs; $IDLE_LEFT s of IDLE_BUDGET left)"
fi
STATS_RUNS=$(awk '$1 == "time" && $9 != "" && $9 != 0 { n++ } END { print n + 0 }' "$RES")
if ((STATS_RUNS > 0)); then
	echo "(in ${STATS_RUNS} timed runs kernel.bpf_stats_enabled read 1: someone else held the statistics on, adding their cost to every tracer)"
fi

echo
echo "== BPF cost per event during the workloads (COST_RUNS passes with bpf_stats on: events per run) =="
printf '%-21s %-16s %-10s %10s %9s\n' tracer program workload events ns/event
while read -r c p w e ns; do
	printf '%-21s %-16s %-10s %10s %9s\n' "$(cfg_label "$c")" "$p" "$w" "$e" "$ns"
done <"$BPF_TAB"

if [[ -s $GOAL_TAB ]]; then
	echo
	echo "== run-queue latency goal: switch+wakeup <= $GOAL_NS ns per event and pinned pipe slowdown < $GOAL_PCT % =="
	echo "   ns: run_time_ns/run_cnt (bpf_stats on) on the pinned pipe (messaging after the /); wakeup 'none': no wakeup handler"
	printf '%-21s %9s %9s %9s %11s %11s %11s %6s %6s %6s\n' tracer pipe_slow paired msg_slow switch_ns wakeup_ns sum_ns "ns" "pipe" goal
	while read -r c ps pp ms sp kp tp sm km tm nok pok g; do
		printf '%-21s %9s %9s %9s %11s %11s %11s %6s %6s %6s\n' "$(cfg_label "$c")" "$ps" "$pp" "$ms" \
			"$sp/$sm" "$kp/$km" "$tp/$tm" "$nok" "$pok" "$g"
	done <"$GOAL_TAB"
fi
# The counts goal: each counts tracer's switch program on the pinned pipe
# against top's switch hook and a quarter of the seed's one-liner.
if [[ " $CONFIGS " == *" bpftrace-sw "* && " $CONFIGS " == *" top "* ]]; then
	echo
	echo "== counts goal: per switch (pinned pipe) <= top's switch hook and <= 1/4 of the seed's one-liner =="
	awk '$3 == "pipe" && $5 != "-" && ($2 ~ /switch/ || $1 == "bpftrace-sw") { ns[$1] += $5 }
		END {
			top = ns["top"]; bt = ns["bpftrace-sw"]
			printf "%-21s %9s %9s %12s %6s\n", "tracer", "ns/switch", "top", "one-liner/4", "goal"
			n = split("count preempt", c, " ")
			for (i = 1; i <= n; i++) {
				if (!(c[i] in ns)) continue
				g = (ns[c[i]] <= top && ns[c[i]] <= bt / 4) ? "PASS" : "FAIL"
				printf "%-21s %9.0f %9.0f %12.0f %6s\n", "schedscope " c[i], ns[c[i]], top, bt / 4, g
			}
		}' "$BPF_TAB"
fi
# The exporter's goal (issue 13): its histogram's switch hook, which keys
# each wait by the woken task's cgroup, costs no more than runqlat's.
if [[ " $CONFIGS " == *" exporter "* && " $CONFIGS " == *" runqlat "* ]]; then
	echo
	echo "== exporter goal: its switch hook <= runqlat's, per switch (pinned pipe / messaging) =="
	awk '($3 == "pipe" || $3 == "messaging") && $5 != "-" && $2 ~ /switch/ && ($1 == "exporter" || $1 == "runqlat") { ns[$1, $3] = $5 }
		END {
			printf "%-21s %11s %11s %6s\n", "workload", "exporter", "runqlat", "goal"
			split("pipe messaging", w, " ")
			for (i = 1; i <= 2; i++) {
				if (!(("exporter", w[i]) in ns) || !(("runqlat", w[i]) in ns)) continue
				e = ns["exporter", w[i]]; r = ns["runqlat", w[i]]
				printf "%-21s %11.0f %11.0f %6s\n", w[i], e, r, e <= r ? "PASS" : "FAIL"
			}
		}' "$BPF_TAB"
fi
if [[ -s $NOTES ]]; then
	echo
	echo "== what the run-queue latency tracers reported (last run of each) =="
	awk '{ last[$1] = $0; if (!($1 in seen)) { seen[$1] = 1; o[++n] = $1 } }
		END { for (i = 1; i <= n; i++) { l = last[o[i]]; sub(/^[^ ]+ /, "", l); printf "%-18s %s\n", o[i], l } }' "$NOTES"
fi

if [[ -s $REC_TAB || -s $REC_LOSSES || $REC_FAILS -gt 0 ]]; then
	echo
	echo "== recorders: schedscope record (default settings) and perf sched record, started afresh around each run =="
	echo "   files in $TMP (one filesystem for both, deleted after each run); $TRACEFS_NOTE"
	echo "   slowdown, paired: as above; events: recorded in the run (median of $ROUNDS); ev/s: events / workload wall time;"
	echo "   B/ev: file bytes / events (median, then min-max); B/sw: file bytes / context switches while it recorded;"
	echo "   cpu: the recorder's own utime+stime while the workload ran, and in all (start-up and the end's work included)"
	printf '%-10s %-18s %4s %9s %9s %13s %9s %9s %6s %13s %6s %8s %9s %8s\n' workload recorder runs slowdown paired \
		paired_range events ev/s B/ev B/ev_min-max B/sw cpu_wl_s cpu_all_s lost
	while read -r w c n ev eps bpe bmin bmax bps cwl call lost lruns pmin pmax; do
		lcell=$lost
		((lost == 0)) || lcell="$lost LOST ($lruns of $n runs) !!!"
		printf '%-10s %-18s %4s %9s %9s %13s %9s %9s %6s %13s %6s %8s %9s %8s\n' "$w" "$(cfg_label "$c")" "$n" \
			"$(time_cell "$w" "$c" 4)" "$(time_cell "$w" "$c" 5)" "$pmin..$pmax" "$ev" "$eps" "$bpe" "$bmin-$bmax" \
			"$bps" "$cwl" "$call" "$lcell"
	done <"$REC_TAB"
	if [[ -s $REC_LOSSES ]]; then
		echo
		echo "!!!!!!!! EVENTS LOST !!!!!!!! (recorder workload round pass lost recorded)"
		awk '{ printf "!!! %s on %s, round %d (%s pass): %d events lost, %d recorded\n", $1, $2, $3 + 1, $4, $5, $6 }' "$REC_LOSSES"
	else
		echo "   no recorder lost any event in any run"
	fi
	if ((REC_FAILS > 0)); then
		echo
		echo "!!! $REC_FAILS recorder runs FAILED (see the log above): their figures are missing"
	fi

	echo
	echo "== schedscope record against perf sched record (medians; the issue measured perf at +$REC_PERF_PCT % on the pinned pipe, ~$REC_PERF_BPE B/event) =="
	printf '%-18s %11s %11s %13s %13s %13s %13s %8s\n' recorder pipe_slow msg_slow "B/ev pipe" "B/ev msg" "cpu_s pipe" "cpu_s msg" lost
	for c in record perf-sched; do
		grep -q " $c " "$REC_TAB" 2>/dev/null || continue
		printf '%-18s %11s %11s %13s %13s %13s %13s %8s\n' "$(cfg_label "$c")" \
			"$(time_cell pipe "$c" 4)" "$(time_cell messaging "$c" 4)" \
			"$(rec_cell pipe "$c" 6)" "$(rec_cell messaging "$c" 6)" \
			"$(rec_cell pipe "$c" 11)" "$(rec_cell messaging "$c" 11)" \
			"$(awk -v c="$c" '$2 == c { l += $12 } END { print l + 0 }' "$REC_TAB")"
	done
fi
if [[ -s $READ_TAB ]]; then
	echo
	echo "== schedscope report read speed: a recording of $READ_EVENTS events, $READ_BYTES bytes, in page cache; $READ_RUNS timed reads each =="
	echo "   s: wall-clock time; cpu_s: user+system time; events/s: events / median s (the goal's figure)"
	printf '%-22s %5s %9s %15s %12s %9s %14s\n' command runs median_s min-max_s events/s cpu_s events/cpu_s
	while read -r cmd n m mn mx eps mc epc; do
		printf '%-22s %5s %9s %15s %12s %9s %14s\n' "report -i FILE $cmd" "$n" "$m" "$mn-$mx" "$eps" "$mc" "$epc"
	done <"$READ_TAB"
	echo "   what report info says of it:"
	sed 's/^/   | /' "$READ_INFO"
fi
if [[ -s $REC_GOALS ]]; then
	echo
	echo "== recording goals =="
	while IFS=$'\t' read -r g f v; do
		printf '%-42s %-6s %s\n' "$g" "$v" "$f"
	done <"$REC_GOALS"
fi

if [[ -n $THR_LINE ]]; then
	read -r tl_n tl_wall tl_pct tl_pct_ticks tl_start tl_hwm tl_rss tl_attach <<<"$THR_LINE"
	echo
	echo "== schedscope top 1 with $tl_n live threads (${tl_wall} s) =="
	echo "CPU (sum of its threads' schedstat run time): ${tl_pct} % of one CPU"
	echo "CPU (utime+stime, clock ticks):              ${tl_pct_ticks} % of one CPU"
	echo "start-up: ${tl_attach} s until attached, ${tl_start} s CPU before attach"
	echo "peak RSS (VmHWM): ${tl_hwm} kB (VmRSS at end ${tl_rss} kB)"
	((THR_FOREIGN == 0)) || echo "(caution: $THR_FOREIGN other tracing BPF programs were loaded meanwhile)"
	echo "BPF programs meanwhile (all CPUs):"
	printf '  %-16s %10s %9s\n' program events/s ns/event
	while read -r p e ns; do
		awk -v p="$p" -v e="$e" -v ns="$ns" -v wall="$tl_wall" 'BEGIN {
			printf "  %-16s %10.0f %9s\n", p, e / wall, e ? sprintf("%.0f", ns / e) : "-" }'
	done <"$THR_BPF"
	echo
	echo "== BPF maps of schedscope top (bytes_memlock) =="
	printf '  %-16s %-14s %11s %14s\n' map type max_entries bytes_memlock
	while read -r name type maxe bytes _; do
		printf '  %-16s %-14s %11s %14s\n' "$name" "$type" "$maxe" "$bytes"
	done <"$MEM_TAB"
	printf '  %-16s %-14s %11s %14s (%.1f MiB)\n' total "" "" "$MEM_TOTAL" \
		"$(awk -v b="$MEM_TOTAL" 'BEGIN { print b / 1048576 }')"
	STORAGE_NOTE=$(awk -v n="$ntasks_sys" '$2 == "task_storage" {
		printf "%s%s: per-task storage, not in bytes_memlock: %d-byte values x up to %d tasks alive = %.1f MiB of values, plus the kernel'"'"'s per-element overhead", sep, $1, $5, n, $5 * n / 1048576; sep = "; " }' "$MEM_TAB")
	[[ -z $STORAGE_NOTE ]] || echo "  ($STORAGE_NOTE)"
fi

# ------------------------------------------------------- markdown summary

echo
echo "== Markdown summary =="
echo
echo "Measured by \`make bench\` (bench/bench.sh) on $(date -u +%Y-%m-%d): kernel $(uname -r)," \
	"$(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo);" \
	"$ROUNDS alternated rounds with kernel.bpf_stats_enabled=0, medians; per-event costs from $COST_RUNS further passes with it on" \
	"(it adds its own cost to every BPF program run). Workloads:" \
	"\`taskset -c 1 perf bench sched pipe -l $PIPE_LOOPS\` (both ends on one CPU) and" \
	"\`perf bench sched messaging -g $MSG_GROUPS -l $MSG_LOOPS\`."
echo
echo "Wall time is what perf bench reports; *paired* is the median over rounds of the ratio" \
	"to the same round's run without a tracer; CPU is the user+system time of the workload's" \
	"processes, which includes the BPF programs run in their context."
echo
echo "| workload | configuration | wall (s) | slowdown | paired | min–max (s) | CPU (s) | CPU slowdown |"
echo "|---|---|---:|---:|---:|---|---:|---:|"
while read -r w c m s p mn mx mc sc; do
	echo "| $w | $(cfg_label "$c") | $m | $s | $p | $mn–$mx | $mc | $sc |"
done <"$TIME_TAB"
if ((FOREIGN_RUNS > 0)); then
	echo
	echo "Caution: in $FOREIGN_RUNS of the runs another BPF tracer (not part of the bench) was loaded."
fi
if ((BUSY_RUNS > 0)); then
	echo
	echo "Caution: in $BUSY_RUNS of the runs other processes used more than 10 % of the run's wall time in CPU."
fi
if [[ -s $BPF_TAB ]]; then
	echo
	echo "BPF run time per event (run_time_ns / run_cnt over the workload phases, both workloads):"
	echo
	echo "| tracer | program | events per run | ns/event |"
	echo "|---|---|---:|---:|"
	awk '$3 == "both"' "$BPF_TAB" | while read -r c p w e ns; do
		echo "| $(cfg_label "$c") | \`$p\` | $e | $ns |"
	done
fi
if [[ -s $GOAL_TAB ]]; then
	echo
	echo "Run-queue latency goal: switch and wakeup handlers together at most $GOAL_NS ns per event" \
		"(run_time_ns / run_cnt on the pinned pipe; messaging in brackets), and the pinned pipe slowed" \
		"down by less than $GOAL_PCT % (slowdown of the medians). *none*: the tracer has no wakeup" \
		"handler (schedscope reads the kernel's sched_info), so the sum is the switch handler alone." \
		"bpftrace's sched_wakeup_new program (fork only) is not in the sum."
	echo
	echo "| configuration | pipe slowdown | paired | messaging slowdown | switch ns | wakeup ns | switch + wakeup ns | ≤ $GOAL_NS ns | < $GOAL_PCT % | goal |"
	echo "|---|---:|---:|---:|---:|---:|---:|---|---|---|"
	while read -r c ps pp ms sp kp tp sm km tm nok pok g; do
		echo "| $(cfg_label "$c") | $ps | $pp | $ms | $sp ($sm) | $kp ($km) | **$tp** ($tm) | $nok | $pok | **$g** |"
	done <"$GOAL_TAB"
fi
if [[ -s $NOTES ]]; then
	echo
	echo "What the run-queue latency tracers reported (their last run, a sanity check):"
	echo
	awk '{ last[$1] = $0; if (!($1 in seen)) { seen[$1] = 1; o[++n] = $1 } }
		END { for (i = 1; i <= n; i++) { l = last[o[i]]; sub(/^[^ ]+ /, "", l); printf "- %s: %s\n", o[i], l } }' "$NOTES"
fi
if [[ -s $REC_TAB ]]; then
	echo
	echo "Recorders, each started afresh around each workload run and writing to the bench's temporary folder" \
		"(one filesystem for both): \`schedscope record -o FILE\` at its default settings, and" \
		"\`perf sched record -o FILE\` (perf adds -a, -R, -m 1024 and -c 1 itself). *Events/s* is" \
		"events recorded per second of the workload's wall time; *bytes/event* is the file's size over" \
		"the events in it; *recorder CPU* is the recorder's own utime+stime while the workload ran" \
		"(and in all, start-up and the end's work included). Medians of $ROUNDS runs; the paired slowdown's" \
		"range over the rounds in brackets."
	echo
	echo "| workload | recorder | slowdown | paired (range) | events | events/s | bytes/event (range) | bytes/switch | recorder CPU (s) | lost |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	while read -r w c n ev eps bpe bmin bmax bps cwl call lost lruns pmin pmax; do
		lcell=$lost
		((lost == 0)) || lcell="**$lost LOST** ($lruns of $n runs)"
		echo "| $w | $(cfg_label "$c") | $(time_cell "$w" "$c" 4) | $(time_cell "$w" "$c" 5) ($pmin … $pmax) | $ev | $eps |" \
			"$bpe ($bmin–$bmax) | $bps | $cwl ($call) | $lcell |"
	done <"$REC_TAB"
	echo
	echo "| recorder | slowdown, pinned pipe | slowdown, messaging | bytes/event (pipe, messaging) | recorder CPU s (pipe, messaging) | events lost |"
	echo "|---|---:|---:|---:|---:|---:|"
	for c in record perf-sched; do
		grep -q " $c " "$REC_TAB" 2>/dev/null || continue
		echo "| $(cfg_label "$c") | $(time_cell pipe "$c" 4) | $(time_cell messaging "$c" 4) |" \
			"$(rec_cell pipe "$c" 6), $(rec_cell messaging "$c" 6) |" \
			"$(rec_cell pipe "$c" 11), $(rec_cell messaging "$c" 11) |" \
			"$(awk -v c="$c" '$2 == c { l += $12 } END { print l + 0 }' "$REC_TAB") |"
	done
fi
if [[ -s $READ_TAB ]]; then
	echo
	echo "\`schedscope report\` reading a recording of $READ_EVENTS events ($READ_BYTES bytes, in page cache)," \
		"median of $READ_RUNS runs:"
	echo
	echo "| command | median (s) | min–max (s) | events/s | CPU (s, user+system) | events per CPU-second |"
	echo "|---|---:|---|---:|---:|---:|"
	while read -r cmd n m mn mx eps mc epc; do
		echo "| \`report -i FILE $cmd\` | $m | $mn–$mx | $eps | $mc | $epc |"
	done <"$READ_TAB"
fi
if [[ -s $REC_GOALS ]]; then
	echo
	echo "| recording goal | measured | verdict |"
	echo "|---|---|---|"
	while IFS=$'\t' read -r g f v; do
		echo "| $g | $f | **$v** |"
	done <"$REC_GOALS"
fi
if [[ -n $THR_LINE ]]; then
	echo
	echo "\`schedscope top 1\` with $tl_n live threads, each waking once every" \
		"${THREADS_PERIOD_MS} ms, over ${tl_wall} s: **${tl_pct} %** of one CPU" \
		"(${tl_pct_ticks} % by utime+stime), peak RSS **$((tl_hwm / 1024)) MiB**" \
		"(VmHWM ${tl_hwm} kB); ${tl_attach} s to attach." \
		"BPF maps: **$(awk -v b="$MEM_TOTAL" 'BEGIN { printf "%.1f", b / 1048576 }') MiB**" \
		"bytes_memlock in total:"
	echo
	echo "| map | type | max_entries | bytes_memlock |"
	echo "|---|---|---:|---:|"
	while read -r name type maxe bytes _; do
		echo "| \`$name\` | $type | $maxe | $bytes |"
	done <"$MEM_TAB"
	if [[ -n $STORAGE_NOTE ]]; then
		echo
		echo "${STORAGE_NOTE}."
	fi
	if [[ -s $THR_BPF ]]; then
		echo
		echo "| program (during the $tl_n-thread run) | events/s | ns/event |"
		echo "|---|---:|---:|"
		while read -r p e ns; do
			awk -v p="$p" -v e="$e" -v ns="$ns" -v wall="$tl_wall" 'BEGIN {
				printf "| `%s` | %.0f | %s |\n", p, e / wall, e ? sprintf("%.0f", ns / e) : "-" }'
		done <"$THR_BPF"
	fi
fi
echo
# Part 6: memory and report time under process churn (bench/churn.py).
if [[ ${SKIP_CHURN:-0} != 1 ]]; then
	python3 "$BENCH_DIR/churn.py" "$SCHEDSCOPE" || log "churn part failed"
fi
echo
# Part 7: start-up cost and footprint of the live commands (bench/startup.py).
if [[ ${SKIP_STARTUP:-0} != 1 ]]; then
	RUNS=${STARTUP_RUNS:-5} python3 "$BENCH_DIR/startup.py" "$SCHEDSCOPE" || log "start-up part failed"
fi
echo
# Part 9: the exporter's scrape cost (bench/exporter.py).
if [[ ${SKIP_EXPORTER:-0} != 1 ]]; then
	python3 "$BENCH_DIR/exporter.py" "$SCHEDSCOPE" || log "exporter part failed"
fi
echo
# Part 10: syscount against its peers on a getppid() loop (bench/syscount.py).
if [[ ${SKIP_SYSCOUNT:-0} != 1 ]]; then
	ROUNDS=${SYSCOUNT_ROUNDS:-5} python3 "$BENCH_DIR/syscount.py" "$SCHEDSCOPE" || log "syscount part failed"
fi
echo
# Part 11: opensnoop's cost per open beside its peers (bench/snoopcost.py).
if [[ ${SKIP_SNOOP:-0} != 1 ]]; then
	python3 "$BENCH_DIR/snoopcost.py" "$SCHEDSCOPE" || log "opensnoop part failed"
fi
echo
log "done: rounds took ${t_rounds} s, whole bench ${t_total} s"
if ((REC_FAILS > 0)); then
	log "$REC_FAILS recorder runs failed"
	exit 1
fi
