/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure rules of the event programs (src/bpf/events.bpf.c), shared as the
 * same source by the BPF side and by user space (src/session/evsession.c), and
 * unit-tested in tests/unit/test_evlogic.c. No kernel or libbpf types here.
 */
#ifndef SCHEDSCOPE_EV_LOGIC_H
#define SCHEDSCOPE_EV_LOGIC_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#include "lat_logic.h" /* lat__ilog2() */

/* The record kinds: enum sev_type of core/sev.h (evsession.c checks they agree). */
#define EV_SWITCH 1
#define EV_WAKING 2
#define EV_WAKEUP 3
#define EV_WAKEUP_NEW 4
#define EV_MIGRATE 5
#define EV_FORK 6
#define EV_EXEC 7
#define EV_EXIT 8
#define EV_PRIO 9
#define EV_RENAME 10
#define EV_PROBE 11

/*
 * Task state bits of include/linux/sched.h (#defines: not in BTF), the same
 * from 5.15 to 6.18: the ones ftrace reports (TASK_REPORT, one letter each of
 * "SDTtXZP"), and the three __task_state_index() rewrites.
 */
#define EV_TASK_UNINTERRUPTIBLE 0x0002
#define EV_TASK_REPORT 0x007f /* S D T t X Z P */
#define EV_TASK_NOLOAD 0x0400
#define EV_TASK_IDLE (EV_TASK_UNINTERRUPTIBLE | EV_TASK_NOLOAD)
#define EV_TASK_RTLOCK_WAIT 0x1000 /* 5.15: a PREEMPT_RT spinlock wait */
#define EV_TASK_FROZEN 0x8000	   /* 6.1: the freezer's own state */
#define EV_TASK_REPORT_IDLE 0x0080 /* "I": TASK_REPORT + 1 */

/* The state index ftrace never gives a sleeping task: prev was preempted ("R+"). */
#define EV_STATE_INDEX_PREEMPTED 9

/* fls(): the 1-based position of the highest set bit, 0 for 0. */
static inline __u32 ev__fls(__u32 v)
{
	return v ? lat__ilog2(v) + 1 : 0;
}

/*
 * The kernel's __task_state_index(): 0 for running ("R"), else 1 + the bit
 * of the one letter reported, the highest if several: TASK_IDLE is "I" (not
 * "D"), an rtlock wait and a frozen task read "D", a dead task its
 * exit_state ("X" or "Z").
 */
static inline __u32 ev__state_index(__u32 state, __u32 exit_state)
{
	__u32 s = (state | exit_state) & EV_TASK_REPORT;

	if ((state & EV_TASK_IDLE) == EV_TASK_IDLE)
		s = EV_TASK_REPORT_IDLE;
	if ((state & EV_TASK_RTLOCK_WAIT) || (state & EV_TASK_FROZEN))
		s = EV_TASK_UNINTERRUPTIBLE;
	return ev__fls(s);
}

/*
 * sched_switch's prev_state as ftrace's __trace_sched_switch_state() makes
 * it, as an index (one byte in the record): preempted, whatever the state
 * (the task stays runnable), else __task_state_index() of the tracepoint's
 * prev_state argument and prev->exit_state. ev__state_bits() turns it into
 * the value ftrace prints.
 */
static inline __u32 ev__switch_state_index(int preempt, __u32 prev_state, __u32 exit_state)
{
	return preempt ? EV_STATE_INDEX_PREEMPTED : ev__state_index(prev_state, exit_state);
}

/* An index as ftrace's value: 0 ("R"), one letter bit, or TASK_REPORT_MAX (0x100, "R+"). */
static inline __u32 ev__state_bits(__u32 index)
{
	if (index == EV_STATE_INDEX_PREEMPTED)
		return 0x100;
	return index && index < EV_STATE_INDEX_PREEMPTED ? 1u << (index - 1) : 0;
}

/*
 * Whether the switch away from a thread was voluntary, that is counted by
 * __schedule() in its nvcsw (it blocked), not in nivcsw (preempted, yielded).
 *
 * Exact from the counters: compared with the thread's last switch-out seen
 * (have_last), exactly one of them moved, and every switch since was of
 * that kind, this one included. Otherwise (first sight, a base from a scan
 * newer than this record, a reused TID, or unseen switches of both kinds)
 * the rule __schedule() follows: nvcsw when not preempted and prev_state is
 * not TASK_RUNNING. The rule alone is exact up to 6.12; from 6.13 a task
 * that finds a signal pending as it blocks is counted in nvcsw but traced
 * with prev_state TASK_RUNNING (try_to_block_task() rewrites it), which only
 * the counters tell.
 */
static inline int ev__voluntary(int have_last, __u64 last_nvcsw, __u64 last_nivcsw, __u64 nvcsw,
				__u64 nivcsw, __u32 state_index)
{
	int moved_v = nvcsw != last_nvcsw, moved_i = nivcsw != last_nivcsw;

	if (have_last && nvcsw >= last_nvcsw && nivcsw >= last_nivcsw && moved_v != moved_i)
		return moved_v;
	return state_index != 0 && state_index != EV_STATE_INDEX_PREEMPTED;
}

#endif
