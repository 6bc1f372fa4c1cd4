// SPDX-License-Identifier: GPL-2.0
/*
 * The run-queue latency rules the BPF programs run (src/bpf/lat_logic.h), on
 * scripted scheduler sequences. The kernel's side is emulated the way
 * kernel/sched/core.c and kernel/sched/stats.h update a task: the switch
 * counters in __schedule(), then the sched_switch tracepoint (where our hook
 * runs), then sched_info_depart() for prev and sched_info_arrive() for next.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bpf/lat_logic.h"

/* One task as the kernel keeps it, and the task storage our hooks keep for it. */
struct ktask {
	__u64 run_delay, pcount, last_queued; /* sched_info */
	__u64 nvcsw, nivcsw;
	int running; /* __state == TASK_RUNNING */
	int born;    /* start_time >= trace start */
	struct lat_task lt;
};

/* sched_info_enqueue(): a wait starts unless one is already running. */
static void k_enqueue(struct ktask *t, __u64 clock)
{
	if (!t->last_queued)
		t->last_queued = clock;
}

/* sched_info_dequeue() (a migration): the part queued here goes to run_delay. */
static void k_dequeue(struct ktask *t, __u64 clock)
{
	if (!t->last_queued)
		return;
	t->run_delay += clock - t->last_queued;
	t->last_queued = 0;
}

/* try_to_wake_up() of a blocked task: enqueue; of a queued one: state only. */
static void k_wake(struct ktask *t, __u64 clock, int queued)
{
	t->running = 1;
	if (!queued)
		k_enqueue(t, clock);
}

/*
 * prev leaves the CPU. preempt: sched_switch's argument. A task neither
 * preempted nor running blocks (voluntary switch, dequeued, no wait);
 * anything else counts as involuntary and stays queued, but only a running
 * task is requeued in sched_info.
 */
static void k_switch_out(struct ktask *t, __u64 clock, int preempt)
{
	if (!preempt && !t->running)
		t->nvcsw++;
	else
		t->nivcsw++;
	/* Our hook, at the tracepoint. */
	if (lat__departs_unqueued(preempt, t->running))
		lat__on_departure(&t->lt, clock, t->nivcsw);
	/* sched_info_depart() */
	if (t->running)
		k_enqueue(t, clock);
}

/* The fields our hooks read from the task. */
static struct lat_si k_si(const struct ktask *t)
{
	const struct lat_si si = {
		.run_delay = t->run_delay,
		.pcount = t->pcount,
		.last_queued = t->last_queued,
		.nivcsw = t->nivcsw,
	};

	return si;
}

/* next gets the CPU: our hook reads sched_info before sched_info_arrive() runs. */
static enum lat_result k_switch_in(struct ktask *t, __u64 clock, struct lat_sample *s)
{
	const struct lat_si si = k_si(t);
	enum lat_result r = lat__on_arrival(&t->lt, &si, clock, t->born, s);

	/* sched_info_arrive() */
	if (t->last_queued) {
		t->run_delay += clock - t->last_queued;
		t->last_queued = 0;
		t->pcount++;
	}
	return r;
}

/*
 * The task goes to sleep: set_current_state(TASK_INTERRUPTIBLE); schedule().
 * preempt: preempted inside the kernel in between, it leaves the CPU still
 * queued but in a sleeping state.
 */
static void k_block(struct ktask *t, __u64 clock, int preempt)
{
	t->running = 0;
	k_switch_out(t, clock, preempt);
}

/*
 * A thread forked after tracing began, woken for the first time at clock
 * (never 0: last_queued 0 means "not queued" to sched_info, so scripts start at 1).
 */
static void k_new_thread(struct ktask *t, __u64 clock)
{
	memset(t, 0, sizeof(*t));
	t->born = 1;
	k_wake(t, clock, 0);
}

/* A blocked task's whole cycle: it blocks, is woken and switches in. */
static enum lat_result k_sleep_wake_run(struct ktask *t, __u64 block, __u64 wake, __u64 run,
					struct lat_sample *s)
{
	k_block(t, block, 0);
	k_wake(t, wake, 0);
	return k_switch_in(t, run, s);
}

static void assert_sample(enum lat_result r, const struct lat_sample *s, __u32 kind, __u64 wait_ns,
			  __u64 premig_ns)
{
	assert_int_equal(r, LAT_MEASURED);
	assert_int_equal(s->kind, kind);
	assert_int_equal(s->wait_ns, wait_ns);
	assert_int_equal(s->premig_ns, premig_ns);
}

/* (a) enqueue at the wakeup, switch-in: the clock difference, a wakeup wait. */
static void wakeup_then_switch_in(void **state)
{
	struct ktask t;
	struct lat_sample s;

	(void)state;
	k_new_thread(&t, 1000);
	assert_sample(k_switch_in(&t, 1250, &s), &s, SS_LAT_WAKEUP, 250, 0);
	assert_sample(k_sleep_wake_run(&t, 2000, 3000, 3007, &s), &s, SS_LAT_WAKEUP, 7, 0);
	assert_int_equal(t.run_delay, 257);
}

/* (b) preempted while TASK_RUNNING, or yielding: requeued, nivcsw moved. */
static void preempted_while_running(void **state)
{
	struct ktask t;
	struct lat_sample s;

	(void)state;
	k_new_thread(&t, 1);
	assert_sample(k_switch_in(&t, 101, &s), &s, SS_LAT_WAKEUP, 100, 0);
	k_switch_out(&t, 300, 1);
	assert_int_equal(t.last_queued, 300);
	assert_sample(k_switch_in(&t, 420, &s), &s, SS_LAT_PREEMPT, 120, 0);
	/* sched_yield(): not a preemption, but the task stays runnable. */
	k_switch_out(&t, 500, 0);
	assert_sample(k_switch_in(&t, 530, &s), &s, SS_LAT_PREEMPT, 30, 0);
	/* The next sleep and wakeup is a wakeup wait again. */
	assert_sample(k_sleep_wake_run(&t, 600, 700, 705, &s), &s, SS_LAT_WAKEUP, 5, 0);
	assert_int_equal(t.run_delay, 100 + 120 + 30 + 5);
	assert_int_equal(t.lt.kpreempt_since, 0);
}

/*
 * (c) migrated between enqueue and run: dequeue on A adds A's part to
 * run_delay, enqueue on B restarts last_queued in B's clock (another clock:
 * only differences within one CPU's clock are ever taken).
 */
static void migrated_while_queued(void **state)
{
	struct ktask t;
	struct lat_sample s;

	(void)state;
	k_new_thread(&t, 200); /* woken on A */
	k_dequeue(&t, 210);    /* pulled away after 10 */
	k_enqueue(&t, 5000);   /* on B */
	assert_sample(k_switch_in(&t, 5007, &s), &s, SS_LAT_WAKEUP, 17, 10);
	/* Preempted on B, then migrated twice before it ran again on C. */
	k_switch_out(&t, 5100, 1);
	k_dequeue(&t, 5130);  /* 30 on B */
	k_enqueue(&t, 90);    /* on A again */
	k_dequeue(&t, 95);    /* 5 on A */
	k_enqueue(&t, 70000); /* on C */
	assert_sample(k_switch_in(&t, 70002, &s), &s, SS_LAT_PREEMPT, 37, 35);
	assert_int_equal(t.run_delay, 17 + 37);
}

/*
 * (d) preempted inside the kernel while going to sleep (state not
 * TASK_RUNNING): still queued, but sched_info_depart() does not requeue it,
 * so the kernel counts nothing of this wait; our stamp at the switch-out does.
 */
static void preempted_in_kernel(void **state)
{
	struct ktask t;
	struct lat_sample s;

	(void)state;
	k_new_thread(&t, 1);
	assert_sample(k_switch_in(&t, 11, &s), &s, SS_LAT_WAKEUP, 10, 0);
	k_block(&t, 1000, 1); /* preempted in the kernel before schedule() */
	assert_int_equal(t.last_queued, 0);
	assert_int_equal(t.lt.kpreempt_since, 1000);
	k_wake(&t, 1100, 1); /* the wakeup finds it still queued */
	assert_sample(k_switch_in(&t, 1300, &s), &s, SS_LAT_PREEMPT, 300, 0);
	assert_int_equal(t.run_delay, 10); /* the kernel's view: no wait */
	assert_int_equal(t.lt.kpreempt_since, 0);
	/* The baseline stayed in step with run_delay: the next wait is measured. */
	assert_sample(k_sleep_wake_run(&t, 1400, 2000, 2050, &s), &s, SS_LAT_WAKEUP, 50, 0);
}

/* (d) again, migrated while so queued: the kernel counts only the part on B. */
static void preempted_in_kernel_then_migrated(void **state)
{
	struct ktask t;
	struct lat_sample s;

	(void)state;
	k_new_thread(&t, 1);
	assert_sample(k_switch_in(&t, 11, &s), &s, SS_LAT_WAKEUP, 10, 0);
	k_block(&t, 1000, 1); /* on A */
	k_dequeue(&t, 1100);  /* nothing to add: not queued for sched_info */
	k_enqueue(&t, 1120);  /* on B: a wait starts for sched_info */
	assert_sample(k_switch_in(&t, 1200, &s), &s, SS_LAT_PREEMPT, 200, 120);
	assert_int_equal(t.run_delay, 10 + 80);
	assert_sample(k_sleep_wake_run(&t, 1300, 2000, 2010, &s), &s, SS_LAT_WAKEUP, 10, 0);
}

/*
 * starve's view of a wait in progress (lat__waiting_for) agrees with what
 * the switch-in then measures: across migrations, after a preemption inside
 * the kernel, and nothing for a task that is not waiting.
 */
static void waiting_so_far(void **state)
{
	struct ktask t;
	struct lat_sample s;
	struct lat_si si;

	(void)state;
	k_new_thread(&t, 200);
	k_dequeue(&t, 210);  /* 10 on A */
	k_enqueue(&t, 5000); /* on B */
	si = k_si(&t);
	assert_int_equal(lat__waiting_for(&t.lt, &si, 5004, 1), 14);
	/* A new thread's first wait: from zero. Without storage only the part on this CPU. */
	assert_int_equal(lat__waiting_for(NULL, &si, 5004, 1), 4);
	assert_sample(k_switch_in(&t, 5007, &s), &s, SS_LAT_WAKEUP, 17, 10);
	si = k_si(&t);
	assert_int_equal(lat__waiting_for(&t.lt, &si, 6000, 1), 0); /* running */
	k_block(&t, 6000, 1); /* preempted while going to sleep */
	si = k_si(&t);
	assert_int_equal(lat__waiting_for(&t.lt, &si, 6250, 1), 250);
	assert_sample(k_switch_in(&t, 6300, &s), &s, SS_LAT_PREEMPT, 300, 0);
	k_block(&t, 6400, 0);
	si = k_si(&t);
	assert_int_equal(lat__waiting_for(&t.lt, &si, 9000, 1), 0); /* asleep */
}

/*
 * (e) a TID reused by a new thread: task storage belongs to the task, so the
 * new thread starts from zeroed storage, and sched_fork() zeroed sched_info.
 */
static void reused_tid_is_a_new_thread(void **state)
{
	struct ktask old, t;
	struct lat_sample s;

	(void)state;
	k_new_thread(&old, 1);
	assert_sample(k_switch_in(&old, 41, &s), &s, SS_LAT_WAKEUP, 40, 0);
	k_block(&old, 100, 1);	/* left with a stamp, then it exits */
	k_new_thread(&t, 5000); /* same TID, new task_struct */
	assert_sample(k_switch_in(&t, 5100, &s), &s, SS_LAT_WAKEUP, 100, 0);
	k_switch_out(&t, 5200, 1);
	assert_sample(k_switch_in(&t, 5260, &s), &s, SS_LAT_PREEMPT, 60, 0);
	/*
	 * Had it been given the dead thread's storage (keyed by TID), that
	 * thread's stamp would not be taken for its wait (nivcsw differs) and the
	 * stale baseline is caught by pcount: the wait is an unsplit span, not a
	 * single wait of 5910 ns.
	 */
	t.lt = old.lt;
	k_switch_out(&t, 6000, 0);
	t.running = 1;
	assert_int_equal(k_switch_in(&t, 6010, &s), LAT_UNSPLIT);
	assert_true(s.arrivals > 1);
}

/*
 * (f) a thread older than the trace, runnable when it began: unbased unless
 * the first scan seeded it, and then measured whole from its true start.
 */
static void unbased_and_seeded(void **state)
{
	struct ktask t = { .pcount = 7, .run_delay = 90000, .nivcsw = 3, .running = 1 };
	struct ktask u = { .pcount = 3, .run_delay = 500, .nivcsw = 2, .running = 1 };
	struct lat_sample s;

	(void)state;
	k_enqueue(&t, 100);
	assert_int_equal(k_switch_in(&t, 150, &s), LAT_UNBASED);
	assert_sample(k_sleep_wake_run(&t, 200, 300, 305, &s), &s, SS_LAT_WAKEUP, 5, 0);

	k_enqueue(&u, 1000); /* queued before tracing began */
	/* The first scan, as scan_tasks() seeds: the baseline and the switch count. */
	wait__seed(&u.lt.wb, u.run_delay, u.pcount);
	u.lt.nivcsw = u.nivcsw;
	assert_sample(k_switch_in(&u, 1800, &s), &s, SS_LAT_WAKEUP, 800, 0);
	/* A second seed (a later scan) must not move a live baseline. */
	wait__seed(&u.lt.wb, 0, 0);
	k_switch_out(&u, 1900, 1);
	assert_sample(k_switch_in(&u, 1950, &s), &s, SS_LAT_PREEMPT, 50, 0);
}

/*
 * (g) an arrival the hook never saw: pcount moved, so the delay since the
 * last one seen is an unsplit span of two waits, never one merged wait.
 */
static void missed_arrival(void **state)
{
	struct ktask t;
	struct lat_sample s;

	(void)state;
	k_new_thread(&t, 1);
	assert_sample(k_switch_in(&t, 11, &s), &s, SS_LAT_WAKEUP, 10, 0);
	k_block(&t, 50, 0);
	k_wake(&t, 100, 0);
	t.run_delay += 20; /* switched in at 120, unseen */
	t.last_queued = 0;
	t.pcount++;
	assert_int_equal(k_sleep_wake_run(&t, 150, 200, 230, &s), LAT_UNSPLIT);
	assert_int_equal(s.wait_ns, 20 + 30);
	assert_int_equal(s.run_delay_ns, 20 + 30);
	assert_int_equal(s.arrivals, 2);
	assert_sample(k_sleep_wake_run(&t, 250, 300, 301, &s), &s, SS_LAT_WAKEUP, 1, 0);
	assert_int_equal(s.arrivals, 1);
}

/*
 * (g2) a stamped preemption-while-blocking followed by unseen switches: the
 * stamp may belong to any wait of the span, so the span is the kernel's delay.
 */
static void unsplit_drops_stamp(void **state)
{
	struct ktask t;
	struct lat_sample s;

	(void)state;
	k_new_thread(&t, 1);
	k_switch_in(&t, 11, &s);
	t.running = 0;
	k_switch_out(&t, 100, 1); /* preempted while going to sleep: stamped */
	assert_int_equal(t.lt.kpreempt_since, 100);
	t.pcount += 2; /* two arrivals the hook never saw */
	t.run_delay += 70;
	assert_int_equal(k_switch_in(&t, 400, &s), LAT_UNSPLIT);
	assert_int_equal(s.wait_ns, 70);
	assert_int_equal(s.kpreempt, 0);
	assert_int_equal(t.lt.kpreempt_since, 0);
}

/* A span is counted out of the buckets, into the totals. */
static void hist_unsplit_totals(void **state)
{
	static struct ss_lat_hist h;
	struct lat_sample one = { .wait_ns = 40, .run_delay_ns = 40, .arrivals = 1 };
	struct lat_sample span = { .wait_ns = 90, .run_delay_ns = 90, .arrivals = 3 };

	(void)state;
	memset(&h, 0, sizeof(h));
	lat__hist_sample(&h, &one, 1000, 1);
	lat__hist_unsplit(&h, &span);
	assert_int_equal(h.count[SS_LAT_WAKEUP], 1);
	assert_int_equal(h.sum_ns[SS_LAT_WAKEUP], 40);
	assert_int_equal(h.unsplit_spans, 1);
	assert_int_equal(h.unsplit_waits, 3);
	assert_int_equal(h.unsplit_ns, 90);
	assert_int_equal(h.run_delay_ns, 130);
	assert_int_equal(h.count[SS_LAT_WAKEUP] + h.unsplit_waits, 4);
}

/* (h) --from waking: the stamp counts only if the task has not switched since. */
static void waking_stamp_validity(void **state)
{
	struct ktask t;
	struct lat_sample s;

	(void)state;
	k_new_thread(&t, 1);
	assert_false(lat__waking_valid(&t.lt, t.nvcsw + t.nivcsw)); /* no stamp */
	k_switch_in(&t, 10, &s);
	k_block(&t, 100, 0);
	/* sched_waking of a blocked task, then its wait and switch-in. */
	t.lt.waking_ns = 5000;
	t.lt.waking_switches = t.nvcsw + t.nivcsw;
	k_wake(&t, 120, 0);
	k_switch_in(&t, 130, &s);
	assert_true(lat__waking_valid(&t.lt, t.nvcsw + t.nivcsw));
	/*
	 * A waking that finds its target still on the CPU (about to sleep):
	 * it is then preempted and waits, but not since the waking.
	 */
	t.lt.waking_ns = 6000;
	t.lt.waking_switches = t.nvcsw + t.nivcsw;
	k_switch_out(&t, 200, 1);
	k_switch_in(&t, 260, &s);
	assert_false(lat__waking_valid(&t.lt, t.nvcsw + t.nivcsw));
}

/*
 * (i) A switch-in that ends no wait: nothing queued for sched_info, no stamp
 * of ours, run_delay unchanged (a task preempted in the kernel before tracing
 * began). The BPF side never calls lat__on_arrival() for the idle tasks
 * (pid 0, one per CPU): they never wait in a run queue.
 */
static void nothing_queued_is_no_wait(void **state)
{
	struct ktask t;
	struct lat_sample s;

	(void)state;
	k_new_thread(&t, 1);
	assert_sample(k_switch_in(&t, 11, &s), &s, SS_LAT_WAKEUP, 10, 0);
	/* Preempted in the kernel while the hook could not stamp it. */
	t.running = 0;
	t.nivcsw++;
	k_wake(&t, 400, 1);
	assert_int_equal(k_switch_in(&t, 500, &s), LAT_NONE);
	/* Still in step afterwards. */
	k_switch_out(&t, 600, 1);
	assert_sample(k_switch_in(&t, 640, &s), &s, SS_LAT_PREEMPT, 40, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wakeup_then_switch_in),
		cmocka_unit_test(preempted_while_running),
		cmocka_unit_test(migrated_while_queued),
		cmocka_unit_test(preempted_in_kernel),
		cmocka_unit_test(preempted_in_kernel_then_migrated),
		cmocka_unit_test(waiting_so_far),
		cmocka_unit_test(reused_tid_is_a_new_thread),
		cmocka_unit_test(unbased_and_seeded),
		cmocka_unit_test(missed_arrival),
		cmocka_unit_test(unsplit_drops_stamp),
		cmocka_unit_test(hist_unsplit_totals),
		cmocka_unit_test(waking_stamp_validity),
		cmocka_unit_test(nothing_queued_is_no_wait),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
