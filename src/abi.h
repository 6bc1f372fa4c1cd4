/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ABI between schedscope's BPF programs and user space: flat structs of
 * fixed-width integers, ordered so that no padding appears. User space checks
 * every size with _Static_assert (src/abi_check.h), the BPF side includes this
 * file after vmlinux.h.
 */
#ifndef SCHEDSCOPE_ABI_H
#define SCHEDSCOPE_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define SS_COMM_LEN 16

/* ss_task_rec.flags */
#define SS_TASK_EXITED  (1u << 0)	/* final counters, sent at the thread's last switch */

/*
 * One thread's cumulative counters, straight from the kernel's own accounting
 * (the numbers /proc/PID/task/TID/schedstat and status show), plus the two
 * figures the kernel does not keep, counted by our hooks since attach.
 * Emitted for every thread by the task iterator and once more, final, when a
 * thread is freed.
 */
struct ss_task_rec {
	__u64 start_ns;		/* task->start_time: with tid, the identity of a thread */
	__u64 runtime_ns;	/* se.sum_exec_runtime */
	__u64 run_delay_ns;	/* sched_info.run_delay: time runnable but not running */
	__u64 nvcsw;		/* voluntary switches */
	__u64 nivcsw;		/* involuntary switches */
	__u64 migrations;	/* se.nr_migrations */
	__u64 wakeups;		/* sched_wakeup events seen since attach */
	__u64 wait_max_ns[2];	/* largest run-queue wait ended in epoch wait_epoch[i] */
	__u32 wait_epoch[2];
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 flags;		/* SS_TASK_* */
	__u32 pad;
	char comm[SS_COMM_LEN];
	char pcomm[SS_COMM_LEN];	/* the process's name: its main thread's comm */
};

/*
 * Per-CPU counters kept by the sched_switch and migration hooks. Read by user
 * space as a per-CPU array; idle_* are written under idle_seq (odd while an
 * update is in progress) so a reader can tell a torn copy.
 */
struct ss_cpu_stat {
	__u64 switches;		/* context switches seen by the sched_switch hook */
	__u64 kernel_switches;	/* the kernel's rq->nr_switches, as last read */
	__u64 last_sw_clock;	/* rq->clock at the last switch seen */
	__u64 clock_offset;	/* CLOCK_MONOTONIC - rq->clock, at the last idle transition */
	__u64 idle_untraced;	/* idle periods whose start no tracepoint reported */
	__u64 idle_ns;		/* completed idle periods since attach */
	__u64 idle_since_ns;	/* CLOCK_MONOTONIC when the idle task got the CPU; 0 if busy */
	__u64 idle_seq;
	__u64 idle_known;	/* 1 once the CPU's idle state is known */
	__u64 idle_exits;	/* switches away from the idle task: its nivcsw, read from the kernel */
	__u64 wait_ns;		/* run-queue waits that ended on this CPU */
	__u64 waits;
	__u64 wait_max_ns[2];
	__u32 wait_epoch[2];
	__u64 waits_unbased;	/* waits not measured: in progress when tracing began */
	__u64 waits_missed;	/* waits not measured: an earlier switch-in went unseen */
	__u64 storage_fail;	/* task storage could not be had: task untracked */
	__u64 exit_drops;	/* exit records lost to a full ring buffer */
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

#endif
