/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run-queue latency rules, shared as the same source by the BPF programs
 * (src/bpf/lat.bpf.c) and the unit tests. No kernel or libbpf types here.
 *
 * Which two events bound a wait (rq = the run queue's clock, read from the
 * kernel, never a clock read of our own):
 *
 *  after a wakeup (SS_LAT_WAKEUP, the default, as bcc's runqlat):
 *
 *    sched_waking   enqueue_task()               sched_switch (next = T)
 *    (waker's CPU)  sched_info.last_queued = rq  rq clock of the switch
 *        |              |<------------- wait ------------->|
 *        |<------------------ wait with --from waking ---->|
 *                       (sched_wakeup fires just after the enqueue)
 *
 *  after a preemption (SS_LAT_PREEMPT): T left the CPU still runnable
 *
 *    sched_switch (prev = T, T still TASK_RUNNING)  sched_switch (next = T)
 *    sched_info_depart() requeues: last_queued = rq  |
 *        |<------------------- wait ---------------------->|
 *
 *  preempted while going to sleep (prev = T, preempt = true, T's state not
 *  TASK_RUNNING): T stays queued but the kernel's sched_info does not count
 *  this wait (sched_info_depart() requeues only running tasks), so the rq
 *  clock of that switch is kept in the task's storage and the wait runs from
 *  it; bcc loses these waits altogether. Counted in ss_lat_stat.kpreempt.
 *
 *  migrated while queued: dequeue on CPU A adds (rq_A - last_queued) to
 *  run_delay and enqueue on CPU B sets last_queued again, so
 *
 *    enqueue on A        migrate to B        sched_switch on B
 *        |<-- pre-migration -->|<-- on B -->|
 *        |<----------------- wait ---------->|   wait = run_delay after - run_delay before
 *
 *  and the pre-migration part (SS_LAT_PREMIG) is the wait minus the part on B.
 *
 * At the sched_switch tracepoint sched_info_arrive() has not run yet but the
 * rq clock it will use is set; see wait__on_arrival() in acct_logic.h, which
 * this builds on, for the baseline and the checks against sched_info.pcount.
 */
#ifndef SCHEDSCOPE_LAT_LOGIC_H
#define SCHEDSCOPE_LAT_LOGIC_H

#include "abi.h"
#include "acct_logic.h"
#include "lat_buckets.h"

/* Per-thread latency state, in task storage. */
struct lat_task {
	struct wait_base wb;
	__u64 kpreempt_since;  /* rq clock when preempted while going to sleep; 0: not */
	__u64 kpreempt_nivcsw; /* nivcsw then: the stamp is stale once it moves */
	__u64 nivcsw;	       /* at the last switch-in: moved since means it was preempted */
	__u64 waking_ns;       /* --from waking: CLOCK_MONOTONIC at sched_waking; 0: none */
	__u64 waking_switches; /* nvcsw + nivcsw at that sched_waking */
};

/* The kernel's fields of the task switching in, as read at sched_switch. */
struct lat_si {
	__u64 run_delay;
	__u64 pcount;
	__u64 last_queued;
	__u64 nivcsw;
};

struct lat_sample {
	__u64 wait_ns;
	__u64 premig_ns;    /* part of wait_ns queued on CPUs the task did not run on */
	__u64 run_delay_ns; /* what the kernel's run_delay grew by (kpreempt: less) */
	__u64 arrivals;	    /* LAT_UNSPLIT: the waits wait_ns spans */
	__u32 kind;	    /* SS_LAT_WAKEUP or SS_LAT_PREEMPT */
	__u32 kpreempt;	    /* measured from our stamp, not sched_info */
};

enum lat_result {
	LAT_MEASURED = WAIT_MEASURED,
	LAT_UNBASED = WAIT_UNBASED,
	LAT_UNSPLIT = WAIT_MISSED, /* wait_ns spans `arrivals` waits: switch-ins went unseen */
	LAT_NONE,		   /* not a wait: nothing was queued (no sample) */
};

/*
 * Our stamp of a preemption while going to sleep still stands for the task's
 * wait if the task has not left a CPU since (it was not switched in unseen,
 * e.g. while a -c filter did not want it).
 */
static inline int lat__kpreempt_valid(const struct lat_task *t, __u64 nivcsw)
{
	return t->kpreempt_since && t->kpreempt_nivcsw == nivcsw;
}

/*
 * The task switches in at rq clock `clock`: classify and measure the wait that
 * ends, and move the task's state on. born: forked after tracing began.
 */
static inline enum lat_result lat__on_arrival(struct lat_task *t, const struct lat_si *si,
					      __u64 clock, int born, struct lat_sample *s)
{
	__u64 total = 0, on_last = si->last_queued ? clock - si->last_queued : 0;
	enum wait_result r = wait__on_arrival(&t->wb, si->run_delay, si->pcount, si->last_queued,
					      clock, born, &total, &s->arrivals);

	s->kind = si->nivcsw != t->nivcsw ? SS_LAT_PREEMPT : SS_LAT_WAKEUP;
	s->kpreempt = 0;
	s->run_delay_ns = total;
	t->nivcsw = si->nivcsw;
	if (r == WAIT_MISSED) {
		/* Our stamp may belong to any of the waits the span holds. */
		t->kpreempt_since = 0;
		if (!s->arrivals)
			return LAT_NONE;
		s->wait_ns = total;
		s->premig_ns = 0;
		return LAT_UNSPLIT;
	}
	/*
	 * Across a migration the two ends of a stamped wait are different CPUs'
	 * rq clocks, which agree where sched_clock is stable (x86 with a
	 * constant, synchronised TSC).
	 */
	if (lat__kpreempt_valid(t, si->nivcsw)) {
		s->wait_ns = clock > t->kpreempt_since ? clock - t->kpreempt_since : 0;
		/* The kernel counted only what followed a migration, if any. */
		s->premig_ns = si->last_queued && s->wait_ns > on_last ? s->wait_ns - on_last : 0;
		s->kind = SS_LAT_PREEMPT;
		s->kpreempt = 1;
		t->kpreempt_since = 0;
		return LAT_MEASURED;
	}
	t->kpreempt_since = 0;
	if (r != WAIT_MEASURED)
		return (enum lat_result)r;
	if (!si->last_queued && !total)
		return LAT_NONE;
	s->wait_ns = total;
	s->premig_ns = total - (on_last < total ? on_last : total);
	return LAT_MEASURED;
}

/*
 * The wait still in progress of a task off its CPU, as of its run queue's
 * clock (starve, inversion): the same bounds as lat__on_arrival() will use
 * when it ends. t may be NULL (no storage: only the part queued on this CPU
 * is known); born as for lat__on_arrival(). 0 if the task is not waiting.
 */
static inline __u64 lat__waiting_for(const struct lat_task *t, const struct lat_si *si, __u64 clock,
				     int born)
{
	__u64 w;

	if (t && lat__kpreempt_valid(t, si->nivcsw))
		return clock > t->kpreempt_since ? clock - t->kpreempt_since : 0;
	if (!si->last_queued)
		return 0;
	w = clock > si->last_queued ? clock - si->last_queued : 0;
	/* The part queued on other CPUs, if this wait migrated. */
	if (t && t->wb.based && t->wb.pcount == si->pcount)
		w += si->run_delay - t->wb.rd_base;
	else if (t && !t->wb.based && born && !si->pcount)
		w += si->run_delay; /* its first wait: sched_fork() cleared sched_info */
	return w;
}

/*
 * The task leaves the CPU. preempted: sched_switch's preempt argument;
 * running: its state is TASK_RUNNING. Only a task preempted while going to
 * sleep needs its storage written, by lat__on_departure().
 */
static inline int lat__departs_unqueued(int preempted, int running)
{
	return preempted && !running;
}

/* Stamp such a departure: rq clock then, and nivcsw as __schedule() already moved it. */
static inline void lat__on_departure(struct lat_task *t, __u64 clock, __u64 nivcsw)
{
	t->kpreempt_since = clock;
	t->kpreempt_nivcsw = nivcsw;
}

/*
 * --from waking: a stamp belongs to the wait that ends now only if the task
 * has not left a CPU since (a wakeup that finds its target still running is
 * not followed by a wait from that moment).
 */
static inline int lat__waking_valid(const struct lat_task *t, __u64 switches_now)
{
	return t->waking_ns && t->waking_switches == switches_now;
}

/*
 * How a value is hidden from the compiler before a bounds check the verifier
 * must see (the BPF side defines it as barrier_var); nothing in user space.
 */
#ifndef lat__hide
#define lat__hide(x) ((void)0)
#endif

/*
 * Add one wait of kind to a histogram set: the log2 slot over unit_div, the
 * fine bucket, the count, the sum and the maximum of epoch. The same rule in
 * the kernel (per CPU or per thread) and in `report` (from a recording).
 */
static inline void lat__hist_add(struct ss_lat_hist *h, __u64 kind, __u64 v, __u64 unit_div,
				 __u32 epoch)
{
	__u64 slot = lat__log2_slot(v / unit_div), b = lat__fine_bucket(v);

	/*
	 * The verifier cannot follow the bucket arithmetic, and clang, which
	 * can, would drop these checks: hide the values from clang first. The
	 * indexes are 64-bit so that no re-extension follows the check.
	 */
	lat__hide(slot);
	lat__hide(b);
	if (kind >= SS_LAT_KINDS || slot >= SS_LAT_LOG2_SLOTS || b >= SS_LAT_FINE_BUCKETS)
		return;
	h->count[kind]++;
	h->sum_ns[kind] += v;
	slotmax__note(h->max_ns[kind], h->max_epoch[kind], epoch, v);
	h->log2[kind][slot]++;
	h->fine[kind][b]++;
}

/* Add one measured wait, with its pre-migration part, to a histogram set. */
static inline void lat__hist_sample(struct ss_lat_hist *h, const struct lat_sample *s,
				    __u64 unit_div, __u32 epoch)
{
	h->run_delay_ns += s->run_delay_ns;
	lat__hist_add(h, s->kind, s->wait_ns, unit_div, epoch);
	if (s->premig_ns)
		lat__hist_add(h, SS_LAT_PREMIG, s->premig_ns, unit_div, epoch);
}

/*
 * Add a span of waits that could not be split (LAT_UNSPLIT) to a histogram
 * set: out of the buckets, which hold single waits, but in the totals, so
 * that count + unsplit_waits is the growth of pcount and run_delay_ns that
 * of run_delay.
 */
static inline void lat__hist_unsplit(struct ss_lat_hist *h, const struct lat_sample *s)
{
	h->unsplit_spans++;
	h->unsplit_waits += s->arrivals;
	h->unsplit_ns += s->wait_ns;
	h->run_delay_ns += s->run_delay_ns;
}

#endif
