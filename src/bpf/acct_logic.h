/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure accounting rules shared, as the same source, by the BPF programs and
 * by user space (which resolves what they wrote and unit-tests the rules on
 * scripted sequences). No kernel or libbpf types here.
 */
#ifndef SCHEDSCOPE_ACCT_LOGIC_H
#define SCHEDSCOPE_ACCT_LOGIC_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/*
 * Per-thread baseline for run-queue waits. rd_base is what the kernel's
 * sched_info.run_delay holds right after the thread's last switch-in, and
 * pcount what sched_info.pcount (arrivals counted) holds then: if it moved
 * on, an arrival was not seen (the hook could not get its storage, or ran
 * before the baseline) and rd_base is stale.
 */
struct wait_base {
	__u64 rd_base;
	__u64 pcount;
	__u32 based;
	__u32 pad;
};

enum wait_result {
	WAIT_MEASURED, /* *wait holds the wait that ends with this switch-in */
	WAIT_UNBASED,  /* first sight of a thread older than the trace: baseline
			 * taken, this wait (begun before it) not measured */
	WAIT_MISSED,   /* earlier switch-ins went unseen: *wait holds the delay the
			 * kernel added since the last one seen, *arrivals the waits
			 * it spans, which cannot be told apart */
};

/*
 * A thread's sched_info as sched_info_arrive() is about to leave it, read at
 * the sched_switch tracepoint: the rq clock it will use is already set, so a
 * wait in progress (last_queued != 0) ends now, adding clock - last_queued to
 * run_delay and one arrival to pcount (counted only when a wait ends); with
 * no wait in progress, nothing changes.
 */
static inline void sched_info__arrive(__u64 run_delay, __u64 pcount, __u64 last_queued,
				      __u64 rq_clock, __u64 *run_delay_after, __u64 *pcount_after)
{
	*run_delay_after = last_queued ? run_delay + (rq_clock - last_queued) : run_delay;
	*pcount_after = last_queued ? pcount + 1 : pcount;
}

/*
 * The run-queue wait that ends at a switch-in, as sched_info counts it:
 *
 *   runnable: woken, new, or preempted while still TASK_RUNNING   switch-in
 *   |<---------------------------- wait ---------------------------->|
 *   sched_info_enqueue(): last_queued = rq clock                     sched_info_arrive():
 *   (on a migration, dequeue adds the part queued on the first CPU   run_delay += clock - last_queued
 *    to run_delay and the wait restarts on the new CPU)
 *
 * At the sched_switch tracepoint sched_info_arrive() has not run yet, but the
 * rq clock it will use is already set, so run_delay + (clock - last_queued)
 * is the value run_delay is about to take; minus rd_base it is this wait in
 * full, however often the thread was requeued or migrated during it.
 * born_after_start: the thread was forked after tracing began, so its
 * run_delay and pcount started at zero (sched_fork clears sched_info).
 *
 * Some kernels never fire the tracepoint for some switches (see
 * docs/accounting.md). Then pcount has moved past the baseline: the growth
 * of run_delay since the last switch-in seen is still exact, but it holds
 * *arrivals waits that cannot be split (WAIT_MISSED). So every nanosecond
 * and every arrival the kernel counted is accounted for, split or not:
 *
 *   seen in       unseen in          unseen in          seen in
 *   |  rd_base      |                  |                  |  after
 *   |<--- wait 1 ------->|<-- wait 2 -->|<--- wait 3 ------->|
 *                    *wait = after - rd_base, *arrivals = 3
 */
static inline enum wait_result wait__on_arrival(struct wait_base *b, __u64 run_delay, __u64 pcount,
						__u64 last_queued, __u64 rq_clock,
						int born_after_start, __u64 *wait, __u64 *arrivals)
{
	enum wait_result r = WAIT_MEASURED;
	__u64 after, pcount_after;

	sched_info__arrive(run_delay, pcount, last_queued, rq_clock, &after, &pcount_after);
	if (!b->based && born_after_start) {
		/* sched_fork() cleared sched_info: the baseline is zero. */
		b->rd_base = 0;
		b->pcount = 0;
		b->based = 1;
	}
	*wait = 0;
	*arrivals = 0;
	if (!b->based)
		r = WAIT_UNBASED;
	else if (b->pcount != pcount)
		r = WAIT_MISSED;
	/* A baseline ahead of the kernel's counters (never seen) gives no span. */
	if (r != WAIT_UNBASED && pcount_after >= b->pcount && after >= b->rd_base) {
		*wait = after - b->rd_base;
		*arrivals = pcount_after - b->pcount;
	}
	b->based = 1;
	b->rd_base = after;
	b->pcount = pcount_after;
	return r;
}

/*
 * Seed a baseline from a full scan of every thread: the wait in progress, if
 * any, will be measured whole, from its true start.
 */
static inline void wait__seed(struct wait_base *b, __u64 run_delay, __u64 pcount)
{
	if (!b->based) {
		b->based = 1;
		b->rd_base = run_delay;
		b->pcount = pcount;
	}
}

/*
 * A maximum per report interval without a reset race: user space numbers the
 * intervals (epochs) and the writer keeps the maximum of the open epoch in
 * slot epoch & 1, so the closed one stays readable in the other slot while
 * the next fills.
 */
static inline void slotmax__note(__u64 max[2], __u32 max_epoch[2], __u32 epoch, __u64 v)
{
	__u32 s = epoch & 1;

	if (max_epoch[s] != epoch) {
		max_epoch[s] = epoch;
		max[s] = 0;
	}
	if (v > max[s])
		max[s] = v;
}

/* The maximum noted in epoch, or 0 if nothing was noted then. */
static inline __u64 slotmax__get(const __u64 max[2], const __u32 max_epoch[2], __u32 epoch)
{
	__u32 s = epoch & 1;

	return max_epoch[s] == epoch ? max[s] : 0;
}

/*
 * The maximum of the interval being closed: user space moves the epoch on
 * before reading, so a value noted just after that still belongs to it.
 */
static inline __u64 slotmax__get_closing(const __u64 max[2], const __u32 max_epoch[2], __u32 epoch)
{
	__u64 a = slotmax__get(max, max_epoch, epoch);
	__u64 b = slotmax__get(max, max_epoch, epoch + 1);

	return a > b ? a : b;
}

/*
 * Idle time of one CPU: the idle task (pid 0) holding it. idle_since is 0
 * while a real task runs. Returns the idle time completed by this switch.
 */
static inline __u64 idle__on_switch(__u64 *idle_since, int prev_idle, int next_idle, __u64 now)
{
	__u64 done = 0;

	if (prev_idle && *idle_since)
		done = now - *idle_since;
	*idle_since = next_idle ? now : 0;
	return done;
}

#endif
