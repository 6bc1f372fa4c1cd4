/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ABI between schedscope's BPF programs and user space: flat structs of
 * fixed-width integers, ordered so that no padding appears. User space checks
 * every size with _Static_assert (src/bpf/abi_check.h), the BPF side includes this
 * file after vmlinux.h.
 */
#ifndef SCHEDSCOPE_ABI_H
#define SCHEDSCOPE_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#include "lat_buckets.h" /* the histograms' sizes */

#define SS_COMM_LEN 16
#define SS_MAX_IDS 64 /* of -p and of -t: CLI_MAX_IDS */

/*
 * -p, -t and -c, as events.bpf.c and lat.bpf.c take them: read-only data set
 * before load, so the verifier drops the tests a session does not ask for,
 * and -p/-t cost no map lookup.
 */
struct ss_task_filter {
	__u32 nr_pids; /* -p: tgids */
	__u32 nr_tids; /* -t: tids */
	__u32 pids[SS_MAX_IDS];
	__u32 tids[SS_MAX_IDS];
	__u32 comm_len; /* -c: a name prefix; 0: none */
	char comm[SS_COMM_LEN];
};

/* ss_task_rec.flags */
#define SS_TASK_EXITED (1u << 0) /* final counters, sent at the thread's last switch */

/*
 * One thread's cumulative counters, straight from the kernel's own accounting
 * (the numbers /proc/PID/task/TID/schedstat and status show), plus the two
 * figures the kernel does not keep, counted by our hooks since attach.
 * Emitted for every thread by the task iterator and once more, final, when a
 * thread is freed.
 */
struct ss_task_rec {
	__u64 start_ns;	      /* task->start_time: with tid, the identity of a thread */
	__u64 pstart_ns;      /* its group leader's: with pid, the identity of a process */
	__u64 runtime_ns;     /* se.sum_exec_runtime */
	__u64 run_delay_ns;   /* sched_info.run_delay: time runnable but not running */
	__u64 nvcsw;	      /* voluntary switches */
	__u64 nivcsw;	      /* involuntary switches */
	__u64 migrations;     /* se.nr_migrations */
	__u64 wakeups;	      /* sched_wakeup events seen since attach */
	__u64 cgroup_id;      /* its cgroup v2: the kernfs id, the directory's inode number */
	__u64 wait_max_ns[2]; /* largest run-queue wait ended in epoch wait_epoch[i] */
	__u32 wait_epoch[2];
	__u32 pid; /* tgid */
	__u32 tid;
	__u32 flags; /* SS_TASK_* */
	__u32 pad;
	char comm[SS_COMM_LEN];
	char pcomm[SS_COMM_LEN]; /* the process's name: its main thread's comm */
};

/*
 * Per-CPU counters kept by the sched_switch and migration hooks. Read by user
 * space as a per-CPU array; idle_* are written under idle_seq (odd while an
 * update is in progress) so a reader can tell a torn copy.
 */
struct ss_cpu_stat {
	__u64 switches;	       /* context switches seen by the sched_switch hook */
	__u64 kernel_switches; /* the kernel's rq->nr_switches, as last read */
	__u64 last_sw_clock;   /* rq->clock at the last switch seen */
	__u64 clock_offset;    /* CLOCK_MONOTONIC - rq->clock, at the last idle transition */
	__u64 idle_untraced;   /* idle periods whose start no tracepoint reported */
	__u64 idle_ns;	       /* completed idle periods since attach */
	__u64 idle_since_ns;   /* CLOCK_MONOTONIC when the idle task got the CPU; 0 if busy */
	__u64 idle_seq;
	__u64 idle_known; /* 1 once the CPU's idle state is known */
	__u64 idle_exits; /* switches away from the idle task: its nivcsw, read from the kernel */
	__u64 wait_ns;	  /* run-queue waits that ended on this CPU */
	__u64 waits;
	__u64 wait_max_ns[2];
	__u32 wait_epoch[2];
	__u64 waits_unbased; /* waits not measured: in progress when tracing began */
	__u64 waits_missed;  /* waits not measured: an earlier switch-in went unseen */
	__u64 storage_fail;  /* task storage could not be had: task untracked */
	__u64 exit_drops;    /* exit records lost to a full ring buffer */
};

/*
 * Migrations by source and destination CPU. The migrate hook runs on neither
 * CPU in general (on the waker's, or the one pulling load), so this is a plain
 * array indexed by CPU and updated atomically, not a per-CPU one.
 */
struct ss_cpu_mig {
	__u64 in;
	__u64 out;
};


/*
 * One set of histograms: the whole system or one CPU (a per-CPU array) or one
 * thread (a hash keyed by TID). Counts are u32 and wrap; user space takes
 * differences, so only an interval with 2^32 waits in one bucket would be
 * misread. Per-thread entries are only ever written on the CPU the thread is
 * switching in on, so no field needs atomics.
 */
struct ss_lat_hist {
	__u64 count[SS_LAT_KINDS];
	__u64 sum_ns[SS_LAT_KINDS];
	__u64 max_ns[SS_LAT_KINDS][2]; /* slot maxima by epoch (see slotmax__note) */
	__u32 max_epoch[SS_LAT_KINDS][2];
	/*
	 * Waits whose switch-ins went unseen cannot be split (LAT_UNSPLIT): they
	 * are in these totals, not in the buckets. run_delay_ns is what the
	 * kernel's run_delay grew by over every wait here, split or not.
	 */
	__u64 run_delay_ns;
	__u64 unsplit_spans;
	__u64 unsplit_waits;
	__u64 unsplit_ns;
	__u32 log2[SS_LAT_KINDS][SS_LAT_LOG2_SLOTS];
	__u32 fine[SS_LAT_KINDS][SS_LAT_FINE_BUCKETS];
	/* Per-thread entries only: whose, and whether it is gone. */
	__u64 start_ns;	 /* task->start_time: a reused TID restarts the entry */
	__u64 pstart_ns; /* its group leader's: with pid, which process */
	__u32 pid;
	__u32 tid;
	__u32 dead; /* a retired entry (hist_retired): nothing more will come */
	__u32 pad;
	char comm[SS_COMM_LEN];
	char pcomm[SS_COMM_LEN];
};

/*
 * A thread instance, the key of hist_retired: a thread's histograms move
 * there when it dies, or when its TID is reused before its death was seen,
 * so that user space reads each instance once, whatever the churn.
 */
struct ss_lat_tkey {
	__u64 start_ns;
	__u32 tid;
	__u32 pad;
};

/*
 * Run-queue waits of the tasks of one cgroup v2 (the exporter), one CPU's
 * copy in a per-CPU array indexed through the cgroup's kernfs id: slot i
 * holds waits shorter than 2^(i+1) us (lat__cg_slot()), the last
 * everything longer.
 */
struct ss_cg_hist {
	__u64 owner; /* the kernfs id this copy counts for; 0: none yet */
	__u64 count;
	__u64 sum_ns;
	__u64 slot[SS_CG_SLOTS];
};

/* What could not be measured, per CPU, cumulative. */
struct ss_lat_stat {
	__u64 waits;	    /* measured */
	__u64 unbased;	    /* in progress when tracing began and not seen by the first scan */
	__u64 missed;	    /* spans of waits that could not be split: switch-ins unseen */
	__u64 storage_fail; /* no task storage: the thread is untracked */
	__u64 table_full;   /* per-thread histogram table full (-P/-L) */
	__u64 kpreempt;	    /* waits of tasks preempted while going to sleep: the kernel's
				 * run_delay does not count these, we do */
	__u64 waking_stale; /* --from waking: the waking stamp predates the last run */
};

/* ss_lat_event.type */
#define SS_EV_SLOW 1	 /* a wait at or above the threshold ended (runqslower, starve) */
#define SS_EV_WAKE_INV 2 /* a task was woken by a lower-priority one after a long block */
#define SS_EV_PI 3	 /* a priority boost (inheritance) ended */

/*
 * One ring-buffer record. "task" is the waiter (SLOW), the woken (WAKE_INV) or
 * the boosted task (PI); "other" is what ran before it got the CPU (SLOW),
 * the waker (WAKE_INV) or the donor (PI); "third" is, for WAKE_INV, what held
 * the waker's CPU before the waker last got it.
 */
struct ss_lat_event {
	__u64 ts_ns;	 /* CLOCK_MONOTONIC */
	__u64 lat_ns;	 /* SLOW: the wait; WAKE_INV: time blocked; PI: boost length */
	__u64 premig_ns; /* SLOW: part queued on other CPUs; WAKE_INV: waker's wait in the block */
	__u32 type;
	__u32 kind; /* SLOW: SS_LAT_WAKEUP or SS_LAT_PREEMPT */
	__u32 cpu;
	__u32 pid;
	__u32 tid;
	__u32 other_pid;
	__u32 other_tid;
	__u32 third_tid;
	__s32 prio;	  /* kernel prio (0..139, lower runs first); PI: before the boost */
	__s32 other_prio; /* PI: the boosted prio */
	__s32 third_prio;
	__u32 waits; /* SLOW: the waits lat_ns spans, more than 1 if switch-ins
				 * went unseen (LAT_UNSPLIT); 0 for the other types */
	char comm[SS_COMM_LEN];
	char other_comm[SS_COMM_LEN];
	char third_comm[SS_COMM_LEN];
};

/*
 * starve / inversion: a thread runnable and waiting at or above the threshold
 * right now, as the task iterator saw it, with what holds its CPU.
 */
struct ss_waiting_rec {
	__u64 start_ns; /* the waiter's task->start_time */
	__u64 wait_ns;	/* so far, as of the CPU's last clock update (one tick at most) */
	__u32 pid;
	__u32 tid;
	__u32 cpu;
	__s32 prio;
	__u32 policy;
	__u32 curr_pid;
	__u32 curr_tid;
	__s32 curr_prio;
	__u32 curr_policy;
	__u32 pad;
	char comm[SS_COMM_LEN];
	char curr_comm[SS_COMM_LEN];
};

/*
 * The event programs (src/bpf/events.bpf.c) of trace and record. Every
 * ring-buffer record begins with struct ss_ev; type (SEV_* of core/sev.h)
 * says which struct it is. Records are fixed-size per kind and hold no
 * names but where a name changes (fork, exec, rename): the rest come from
 * the scan (struct ss_ev_snap) and those records.
 *
 *   type                   struct         tid/pid/prio    arg
 *   SWITCH                 ss_ev_switch   prev            next's prio
 *   WAKING/WAKEUP/NEW      ss_ev          the woken task  target CPU (task_cpu() then)
 *   MIGRATE                ss_ev_migrate  the task        original CPU
 *   FORK                   ss_ev_fork     the parent      -
 *   EXEC                   ss_ev_exec     the task        -
 *   EXIT                   ss_ev_exit     the task        -
 *   PRIO                   ss_ev          the task, old   new prio
 *   RENAME                 ss_ev_rename   the task        -
 *   PROBE                  ss_ev_probe    the probe's     the probe's CPU
 *                                         thread
 */
struct ss_ev {
	__u64 ts_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u8 type;   /* SEV_* */
	__u8 state;  /* SWITCH: prev's state index, see ev__switch_state_index();
				 * FORK, EXEC, RENAME: SS_EV_NAME_ONLY or 0;
				 * PROBE: the probe (enum ss_probe) */
	__u16 cpu;   /* where the event happened */
	__u32 tid;
	__u32 pid;  /* tgid */
	__s16 prio; /* kernel prio: -1 (deadline) to 139 */
	union {
		__s16 prio2; /* SWITCH: next's; PRIO: the new one */
		__u16 cpu2;  /* WAKING, WAKEUP, WAKEUP_NEW: target; MIGRATE: original;
				 * PROBE: the CPU the probe is about */
	};
};

/* ss_ev.state of FORK, EXEC, RENAME: outside the filters, sent for the name only. */
#define SS_EV_NAME_ONLY 1

struct ss_ev_switch {
	struct ss_ev h; /* tid, pid, prio: prev */
	__u32 next_tid;
	__u32 next_pid;
	/* prev's counters, as __schedule() left them before the tracepoint */
	__u64 runtime_ns; /* se.sum_exec_runtime */
	__u64 nvcsw;
	__u64 nivcsw;
	/* next's sched_info with the wait that ends now (see sched_info__arrive()) */
	__u64 run_delay_ns;
	__u64 pcount;
};

struct ss_ev_migrate {
	struct ss_ev h; /* cpu2: the CPU it leaves */
	__u32 dest_cpu;
	__u32 pad;
	__u64 migrations; /* se.nr_migrations with this one */
};

struct ss_ev_fork {
	struct ss_ev h; /* the parent */
	__u32 child_tid;
	__u32 child_pid;
	char comm[SS_COMM_LEN]; /* the child's */
};

struct ss_ev_exec {
	struct ss_ev h;
	__u32 old_tid; /* a thread other than the leader takes the leader's tid */
	__u32 pad;
	char comm[SS_COMM_LEN]; /* the new name */
};

struct ss_ev_exit {
	struct ss_ev h;
	__u64 runtime_ns; /* as of the exit: the slice in progress is not all in */
	__u64 nvcsw;
	__u64 nivcsw;
};

struct ss_ev_rename {
	struct ss_ev h;
	char comm[SS_COMM_LEN]; /* the new name */
};

/*
 * One firing of a DTrace sched probe (sched_probes.bpf.h), with DTrace's
 * arguments; h.prio is the thread's priority, change-pri's the old one.
 */
struct ss_ev_probe {
	struct ss_ev h;
	__u32 tid2; /* off-cpu: the next thread; lend-pri: the lender */
	__u32 pid2;
	__s32 prio2;	  /* off-cpu: next's; change-pri, lend-pri: the new priority */
	__u32 nr_running; /* load-change: the queue's new length */
};

/* One live thread, from the event object's task iterator. */
struct ss_ev_snap {
	__u64 start_ns; /* task->start_time */
	__u64 runtime_ns;
	__u64 run_delay_ns; /* as the kernel has it: a wait in progress not included */
	__u64 pcount;
	__u64 nvcsw;
	__u64 nivcsw;
	__u64 migrations;
	__u32 tid;
	__u32 pid;
	__s32 prio;
	__u32 cpu;
	__u32 state; /* SEV_STATE_* bits: ev__state_bits(ev__state_index()) */
	__u32 on_cpu;
	char comm[SS_COMM_LEN];
};

#include "probe_ids.h"

/*
 * A count's key. Fields not asked for are zero. epoch is the report
 * interval's parity: user space reads a closed interval's keys while the
 * programs count into the next one, and deletes them an interval later,
 * when no program can still be adding to them.
 */
struct ss_count_key {
	__u32 epoch;
	__u32 probe; /* enum ss_probe */
	__u32 cpu;
	__u32 pid;
	__u32 tid;
	__s32 prio; /* the kernel's prio: 0-99 RT, 100-139 normal */
	char comm[SS_COMM_LEN];
};

/* preempt's key: who left a CPU to whom (the SS_BY_PID/TID/COMM fields asked for). */
struct ss_preempt_key {
	__u32 epoch;
	__u32 prev_pid;
	__u32 prev_tid;
	__u32 next_pid;
	__u32 next_tid;
	__u32 pad;
	char prev_comm[SS_COMM_LEN];
	char next_comm[SS_COMM_LEN];
};

/* preempt's counts per key: the kernel's own split of a switch. */
enum ss_preempt_value {
	SS_PREEMPT_VOLUNTARY,
	SS_PREEMPT_INVOLUNTARY,
	SS_PREEMPT_NR,
};

/* migrations' tables, in one key space (ss_migr_key.table). */
enum ss_migr_table {
	SS_MIGR_MATRIX,	  /* a: the source CPU, b: the destination; one count */
	SS_MIGR_TASK,	  /* the thread: migrations, wait before them (ns) */
	SS_MIGR_TASK_CPU, /* the thread and a (its CPU): time run there (ns) */
};

enum ss_migr_value {
	SS_MIGR_COUNT,	 /* migrations; TASK_CPU: ns run */
	SS_MIGR_WAIT_NS, /* TASK: run-queue wait before each migration */
	SS_MIGR_NR,
};

struct ss_migr_key {
	__u32 epoch;
	__u32 table; /* enum ss_migr_table */
	__u32 pid;
	__u32 tid;
	__u32 a;
	__u32 b;
	char comm[SS_COMM_LEN];
};

/*
 * Per CPU: switches the probes' hook saw, and the kernel's rq->nr_switches
 * as probe_cpu last read it. The difference is what the tracepoint hid.
 */
struct ss_switch_stat {
	__u64 traced;
	__u64 kernel;
};

/* Per CPU, cumulative. */
struct ss_count_stat {
	__u64 full; /* counts that found the key table full */
};

/*
 * syscount (src/bpf/syscount.bpf.c): counts, or latency histograms, by
 * syscall, or by process with -P. A 32-bit (ia32) syscall's number has
 * SS_SC_COMPAT set: its numbers are another table's.
 */
#define SS_SC_COMPAT 0x80000000u
#define SS_SC_ANY 0xffffffffu /* -P: every syscall of the process */

struct ss_sc_key {
	__u32 epoch;
	__u32 nr;  /* the syscall, SS_SC_COMPAT for ia32; SS_SC_ANY with -P */
	__u32 pid; /* -P: the process (tgid); else 0 */
	__u32 pad;
	char comm[SS_COMM_LEN]; /* -P: its name (the thread's that made the call) */
};

/*
 * Counting by syscall alone, a call of number nr < SS_SC_ABI_SLOTS is added
 * to slot nr (SS_SC_ABI_SLOTS + nr if 32-bit) of a per-CPU array rather
 * than the hash; larger numbers (x32's) go to the hash.
 */
#define SS_SC_ABI_SLOTS 512
#define SS_SC_SLOTS (2 * SS_SC_ABI_SLOTS)

/* syscount's counts per key: calls, and (with -L) their total time. */
#define SS_SC_CALLS 0 /* = SS_HIST_COUNT: a histogram's first values are the same */
#define SS_SC_NS 1    /* = SS_HIST_SUM */
#define SS_SC_NR_VALUES 2

#define SS_SC_NR_ARGS 3 /* the first arguments a --slower event shows */

/* --slower: one syscall that took at least the threshold. */
struct ss_sc_event {
	__u64 ts_ns; /* its end, CLOCK_MONOTONIC */
	__u64 dur_ns;
	__s64 ret;
	__u64 args[SS_SC_NR_ARGS];
	__u32 nr; /* as in ss_sc_key */
	__u32 pid;
	__u32 tid;
	__u32 cpu;
	char comm[SS_COMM_LEN];
};

/* Per CPU, cumulative. */
struct ss_sc_stat {
	__u64 unpaired; /* exits whose entry was not seen (began before attach) */
};

/* Syscall table words one peek copies (src/session/syscnames.c). */
#define SS_PEEK_WORDS 8192

/*
 * The event-stream shape (stream.bpf.h): per CPU, cumulative, the records
 * the ring buffer could not take.
 */
struct ss_stream_stat {
	__u64 drops;
};

/* opensnoop (opensnoop.bpf.c). */
#define SS_PATH_MAX 4096       /* the kernel's PATH_MAX, NUL included */
#define SS_OPEN_KEY_PATH 256   /* --count: the path's bytes in a key */
#define SS_MAX_PATHS 8	       /* --path, repeatable */
#define SS_PATH_PREFIX_LEN 256 /* one --path, NUL included */
#define SS_PREFIX_COMPS 48     /* a --path's components the pre-filter compares */

enum ss_open_kind { SS_OPEN_OPEN, SS_OPEN_OPENAT, SS_OPEN_OPENAT2, SS_OPEN_CREAT, SS_OPEN_NR };

/* ss_open_event.path_flags */
#define SS_PATH_RESOLVED (1u << 0) /* the full path, from the root */
#define SS_PATH_TRUNC (1u << 1)	   /* deeper or longer than we walk: leading part cut */

struct ss_open_event {
	__u64 ts_ns;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 ret;   /* the fd, or -errno */
	__u32 flags; /* open(2)'s flags */
	__u32 mode;
	__u32 kind;	  /* enum ss_open_kind */
	__u32 path_len;	  /* bytes of path before its NUL */
	__u32 path_flags; /* SS_PATH_* */
	__u32 pad;
	char comm[SS_COMM_LEN];
	char path[SS_PATH_MAX]; /* only path_len + 1 bytes are sent */
};

/*
 * One --path: the string the exact filter compares, and its components
 * (split at '/', trailing slashes dropped) for the pre-filter that rejects
 * an open before its path is built (open_logic.h).
 */
struct ss_open_prefix {
	__u64 head[SS_PREFIX_COMPS]; /* a component's first 8 bytes, zero-padded */
	__u32 len;		     /* of s */
	__u32 nr_comps;		     /* all of them, also past SS_PREFIX_COMPS */
	__u8 comp_len[SS_PREFIX_COMPS];
	char s[SS_PATH_PREFIX_LEN];
};

/* opensnoop --count and --rw: counts per path (and process, with -P or --rw). */
enum ss_open_value {
	SS_OPEN_OPENS,
	SS_OPEN_FAILS, /* of which failed */
	SS_OPEN_READS,
	SS_OPEN_READ_BYTES,
	SS_OPEN_WRITES,
	SS_OPEN_WRITE_BYTES,
	SS_OPEN_NR_VALUES,
};

struct ss_open_key {
	__u32 epoch;
	__u32 pid;
	char comm[SS_COMM_LEN];
	char path[SS_OPEN_KEY_PATH];
};

/* execsnoop (execsnoop.bpf.c). */
#define SS_ARGS_MAX 4096 /* argv's bytes sent at most, NULs included */
#define SS_ARG_LEN 128	 /* one argument's bytes read at most, as bcc */
#define SS_MAX_ARGS 60	 /* --max-args at most */

/* ss_exec_event.trunc */
#define SS_ARGS_MORE (1u << 0) /* more arguments than --max-args */
#define SS_ARGS_LONG (1u << 1) /* an argument cut at SS_ARG_LEN, or argv at SS_ARGS_MAX */

struct ss_exec_event {
	__u64 ts_ns;
	__u32 pid; /* the process (after a non-leader's exec, the tid became it) */
	__u32 tid; /* the thread that called exec */
	__u32 ppid;
	__u32 uid;
	__u32 euid; /* after the exec: set-user-ID applied */
	__s32 ret;  /* 0, or -errno */
	__u32 nr_args;
	__u32 args_len; /* bytes of args, each argument NUL-terminated */
	__u32 trunc;	/* SS_ARGS_* */
	__u32 pad;
	char comm[SS_COMM_LEN]; /* after a successful exec, the new one */
	char args[SS_ARGS_MAX];
};

struct ss_exec_key {
	__u32 epoch;
	__u32 uid;
	__s32 ret;
	char comm[SS_COMM_LEN];
};

/* exitsnoop (exitsnoop.bpf.c). */
#define SS_EXIT_PROCESS (1u << 0) /* the last thread: the whole process ended */

struct ss_exit_event {
	__u64 ts_ns;
	__u64 age_ns; /* since the thread started */
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__u32 exit_code; /* task->exit_code: status << 8 | signal (| 0x80 core) */
	__u32 flags;	 /* SS_EXIT_* */
	__u32 pad;
	char comm[SS_COMM_LEN];
};

/* exitsnoop --count: per parent and per name, three counts side by side. */
enum ss_churn_table { SS_CHURN_PARENT, SS_CHURN_COMM };
enum ss_churn_value { SS_CHURN_FORKS, SS_CHURN_EXECS, SS_CHURN_EXITS, SS_CHURN_NR };

struct ss_churn_key {
	__u32 epoch;
	__u32 table;		/* enum ss_churn_table */
	__u32 pid;		/* SS_CHURN_PARENT: the parent's; else 0 */
	char comm[SS_COMM_LEN]; /* the parent's, or the task's */
};

#endif
