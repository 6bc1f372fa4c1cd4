/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the run-queue latency programs report besides histograms, as the
 * commands and writers see it: a wait that ended at or above a threshold, an
 * inversion found, a thread waiting right now, and what could not be
 * measured. The session decodes the kernel's records into these
 * (session/latdecode.h); `report` makes slow waits from a recording.
 */
#ifndef SCHEDSCOPE_LATEVENT_H
#define SCHEDSCOPE_LATEVENT_H

#include <stdint.h>

#include "core/lathist.h"

enum lat_event_type {
	LAT_EV_SLOW = 1, /* a wait at or above the threshold ended (runqslower, starve) */
	LAT_EV_WAKE_INV, /* a task was woken by a lower-priority one after a long block */
	LAT_EV_PI,	 /* a priority boost (inheritance) ended */
};

/*
 * "task" is the waiter (SLOW), the woken (WAKE_INV) or the boosted task (PI);
 * "other" is what ran before it got the CPU (SLOW), the waker (WAKE_INV) or
 * the donor (PI); "third" is, for WAKE_INV, what held the waker's CPU before
 * the waker last got it. Names are NUL-padded, not always NUL-terminated.
 */
struct lat_event {
	enum lat_event_type type;
	uint64_t ts_ns;	 /* CLOCK_MONOTONIC */
	uint64_t lat_ns; /* SLOW: the wait; WAKE_INV: time blocked; PI: boost length */
	uint64_t
		premig_ns; /* SLOW: part queued on other CPUs; WAKE_INV: waker's wait in the block */
	uint32_t kind;	   /* SLOW: SS_LAT_WAKEUP or SS_LAT_PREEMPT */
	uint32_t cpu;
	uint32_t pid;
	uint32_t tid;
	uint32_t other_pid;
	uint32_t other_tid;
	uint32_t third_tid;
	int32_t prio;	    /* kernel prio (0..139, lower runs first); PI: before the boost */
	int32_t other_prio; /* PI: the boosted prio */
	int32_t third_prio;
	uint32_t waits; /* SLOW: the waits lat_ns spans, more than 1 if switch-ins
				 * went unseen; 0 for the other types */
	char comm[LAT_COMM_LEN];
	char other_comm[LAT_COMM_LEN];
	char third_comm[LAT_COMM_LEN];
};

/* A thread runnable and waiting right now, with what holds its CPU (starve, inversion). */
struct lat_waiting {
	uint64_t start_ns; /* the waiter's task->start_time */
	uint64_t wait_ns;  /* so far, as of the CPU's last clock update (one tick at most) */
	uint32_t pid;
	uint32_t tid;
	uint32_t cpu;
	int32_t prio;
	int policy;
	uint32_t curr_pid;
	uint32_t curr_tid;
	int32_t curr_prio;
	int curr_policy;
	char comm[LAT_COMM_LEN];
	char curr_comm[LAT_COMM_LEN];
};

/* What could not be measured, summed over the CPUs, cumulative. */
struct lat_stat {
	uint64_t waits;	       /* measured */
	uint64_t unbased;      /* in progress when tracing began and not seen by the first scan */
	uint64_t missed;       /* spans of waits that could not be split: switch-ins unseen */
	uint64_t storage_fail; /* no task storage: the thread is untracked */
	uint64_t table_full;   /* per-thread histogram table full (-P/-L) */
	uint64_t ring_drops;   /* events lost to a full ring buffer */
	uint64_t kpreempt;     /* waits of tasks preempted while going to sleep: the kernel's
				 * run_delay does not count these, we do */
	uint64_t waking_stale; /* --from waking: the waking stamp predates the last run */
};

#endif
