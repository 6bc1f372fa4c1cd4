// SPDX-License-Identifier: GPL-2.0
/*
 * The accounting rules the BPF programs run (src/bpf/acct_logic.h), on
 * scripted sched_info sequences written the way the kernel updates the fields.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bpf/acct_logic.h"

/* The kernel's sched_info for one task, updated as kernel/sched/stats.h does. */
struct si {
	__u64 pcount, run_delay, last_queued;
};

static void si_enqueue(struct si *t, __u64 clock)
{
	if (!t->last_queued)
		t->last_queued = clock;
}

static void si_dequeue(struct si *t, __u64 clock)
{
	if (t->last_queued) {
		t->run_delay += clock - t->last_queued;
		t->last_queued = 0;
	}
}

static void si_arrive(struct si *t, __u64 clock)
{
	if (!t->last_queued)
		return;
	t->run_delay += clock - t->last_queued;
	t->last_queued = 0;
	t->pcount++;
}

/* Our hook at sched_switch (before sched_info_arrive), then the kernel's arrive. */
static __u64 last_arrivals; /* what the last switch_in() spanned */

static enum wait_result switch_in(struct wait_base *b, struct si *t, __u64 clock, int born,
				  __u64 *wait)
{
	enum wait_result r = wait__on_arrival(b, t->run_delay, t->pcount, t->last_queued, clock,
					      born, wait, &last_arrivals);

	si_arrive(t, clock);
	return r;
}

static void wakeup_wait_is_measured(void **state)
{
	struct wait_base b = { 0 };
	struct si t = { 0 };
	__u64 w = 0;

	(void)state;
	si_enqueue(&t, 1000); /* woken */
	assert_int_equal(switch_in(&b, &t, 1250, 1, &w), WAIT_MEASURED);
	assert_int_equal(w, 250);
	assert_int_equal(t.run_delay, 250);
}

/* Preempted while TASK_RUNNING: sched_info_depart() requeues it, the wait starts there. */
static void requeue_rule(void **state)
{
	struct wait_base b = { 0 };
	struct si t = { 0 };
	__u64 w = 0, sum = 0;

	(void)state;
	si_enqueue(&t, 0);
	assert_int_equal(switch_in(&b, &t, 40, 1, &w), WAIT_MEASURED);
	sum += w;
	si_enqueue(&t, 100); /* preempted at 100, still runnable */
	assert_int_equal(switch_in(&b, &t, 130, 1, &w), WAIT_MEASURED);
	assert_int_equal(w, 30);
	sum += w;
	si_enqueue(&t, 200); /* preempted again */
	assert_int_equal(switch_in(&b, &t, 260, 1, &w), WAIT_MEASURED);
	assert_int_equal(w, 60);
	sum += w;
	/* Every wait measured, so their sum is the kernel's run_delay. */
	assert_int_equal(sum, t.run_delay);
}

/* A wait split by a migration: the first CPU's part lands in run_delay at dequeue. */
static void migration_during_wait(void **state)
{
	struct wait_base b = { 0 };
	struct si t = { 0 };
	__u64 w = 0;

	(void)state;
	si_enqueue(&t, 200);  /* woken on CPU 0 */
	si_dequeue(&t, 210);  /* pulled away after 10 */
	si_enqueue(&t, 5000); /* CPU 1's clock is another clock */
	assert_int_equal(switch_in(&b, &t, 5007, 1, &w), WAIT_MEASURED);
	assert_int_equal(w, 17);
	assert_int_equal(t.run_delay, 17);
}

/* A thread older than the trace, first seen at a switch-in: no baseline yet. */
static void older_thread_first_wait_unbased(void **state)
{
	struct wait_base b = { 0 };
	struct si t = { .pcount = 7, .run_delay = 90000 };
	__u64 w = 0;

	(void)state;
	si_enqueue(&t, 100);
	assert_int_equal(switch_in(&b, &t, 150, 0, &w), WAIT_UNBASED);
	si_enqueue(&t, 300);
	assert_int_equal(switch_in(&b, &t, 305, 0, &w), WAIT_MEASURED);
	assert_int_equal(w, 5);
}

/* Seeded by the first scan while queued: the wait in progress is measured whole. */
static void seeded_while_queued(void **state)
{
	struct wait_base b = { 0 };
	struct si t = { .pcount = 3, .run_delay = 500 };
	__u64 w = 0;

	(void)state;
	si_enqueue(&t, 1000); /* queued before tracing began */
	wait__seed(&b, t.run_delay, t.pcount);
	assert_int_equal(switch_in(&b, &t, 1800, 0, &w), WAIT_MEASURED);
	assert_int_equal(w, 800);
}

/*
 * An arrival the hook did not see leaves rd_base stale: pcount tells, and the
 * two waits are one unsplit span whose delay is still exact.
 */
static void missed_arrival_is_a_span(void **state)
{
	struct wait_base b = { 0 };
	struct si t = { 0 };
	__u64 w = 0;

	(void)state;
	si_enqueue(&t, 0);
	assert_int_equal(switch_in(&b, &t, 10, 1, &w), WAIT_MEASURED);
	si_enqueue(&t, 100);
	si_arrive(&t, 120); /* unseen: the kernel did not trace it */
	si_enqueue(&t, 200);
	assert_int_equal(switch_in(&b, &t, 230, 1, &w), WAIT_MISSED);
	assert_int_equal(w, 20 + 30);
	assert_int_equal(last_arrivals, 2);
	si_enqueue(&t, 300);
	assert_int_equal(switch_in(&b, &t, 301, 1, &w), WAIT_MEASURED);
	assert_int_equal(w, 1);
	assert_int_equal(last_arrivals, 1);
	/* Every nanosecond and arrival the kernel counted: 50 + 1, in 3. */
	assert_int_equal(t.run_delay, 51);
	assert_int_equal(t.pcount, 3);
}

/* A thread born while traced whose first switch-in went unseen: the span starts at zero. */
static void born_unseen_first_arrival(void **state)
{
	struct wait_base b = { 0 };
	struct si t = { 0 };
	__u64 w = 0;

	(void)state;
	si_enqueue(&t, 1);
	si_arrive(&t, 7); /* unseen */
	si_enqueue(&t, 100);
	assert_int_equal(switch_in(&b, &t, 105, 1, &w), WAIT_MISSED);
	assert_int_equal(w, 11);
	assert_int_equal(last_arrivals, 2);
}

/* The current switch-in ends no wait, an earlier one went unseen: a span of one. */
static void unseen_arrival_then_no_wait(void **state)
{
	struct wait_base b = { .based = 1, .rd_base = 40, .pcount = 3 };
	struct si t = { .run_delay = 40, .pcount = 3 };
	__u64 w = 0;

	(void)state;
	si_enqueue(&t, 100);
	si_arrive(&t, 125); /* unseen */
	assert_int_equal(switch_in(&b, &t, 200, 0, &w), WAIT_MISSED);
	assert_int_equal(w, 25);
	assert_int_equal(last_arrivals, 1);
}

/* sched_info_arrive() counts nothing when no wait ends (last_queued 0). */
static void arrival_without_wait(void **state)
{
	struct wait_base b = { 0 };
	struct si t = { 0 };
	__u64 w = 99;

	(void)state;
	si_enqueue(&t, 0);
	assert_int_equal(switch_in(&b, &t, 5, 1, &w), WAIT_MEASURED);
	assert_int_equal(switch_in(&b, &t, 50, 1, &w), WAIT_MEASURED);
	assert_int_equal(w, 0);
	si_enqueue(&t, 60);
	assert_int_equal(switch_in(&b, &t, 64, 1, &w), WAIT_MEASURED);
	assert_int_equal(w, 4);
}

/*
 * A new thread that already ran before we saw it (pcount != 0): not one wait,
 * but everything since its fork is one span, as sched_fork() zeroed it.
 */
static void born_thread_seen_late(void **state)
{
	struct wait_base b = { 0 };
	struct si t = { .pcount = 2, .run_delay = 70 };
	__u64 w = 0;

	(void)state;
	si_enqueue(&t, 100);
	assert_int_equal(switch_in(&b, &t, 110, 1, &w), WAIT_MISSED);
	assert_int_equal(w, 80);
	assert_int_equal(last_arrivals, 3);
}

static void slotmax_per_epoch(void **state)
{
	__u64 max[2] = { 0, 0 };
	__u32 ep[2] = { 0, 0 };

	(void)state;
	slotmax__note(max, ep, 1, 50);
	slotmax__note(max, ep, 1, 20);
	assert_int_equal(slotmax__get(max, ep, 1), 50);
	/* The next epoch starts from zero while the closed one stays readable. */
	slotmax__note(max, ep, 2, 5);
	assert_int_equal(slotmax__get(max, ep, 1), 50);
	assert_int_equal(slotmax__get(max, ep, 2), 5);
	/* Epoch 3 reuses epoch 1's slot. */
	slotmax__note(max, ep, 3, 7);
	assert_int_equal(slotmax__get(max, ep, 1), 0);
	assert_int_equal(slotmax__get(max, ep, 3), 7);
	assert_int_equal(slotmax__get(max, ep, 4), 0);
}

/* Each CPU has its own idle task and its own idle clock. */
static void idle_per_cpu(void **state)
{
	__u64 since[2] = { 0, 0 }, idle[2] = { 0, 0 };

	(void)state;
	idle[0] += idle__on_switch(&since[0], 0, 1, 100); /* cpu0: task -> idle */
	idle[1] += idle__on_switch(&since[1], 0, 1, 150); /* cpu1: task -> idle */
	idle[0] += idle__on_switch(&since[0], 1, 0, 400); /* cpu0: idle -> task */
	idle[1] += idle__on_switch(&since[1], 1, 0, 160);
	idle[0] += idle__on_switch(&since[0], 0, 0, 500); /* task -> task */
	assert_int_equal(idle[0], 300);
	assert_int_equal(idle[1], 10);
	assert_int_equal(since[0], 0);
	/* Idle left without a known start (before attach): nothing invented. */
	assert_int_equal(idle__on_switch(&since[1], 1, 0, 999), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wakeup_wait_is_measured),
		cmocka_unit_test(requeue_rule),
		cmocka_unit_test(migration_during_wait),
		cmocka_unit_test(older_thread_first_wait_unbased),
		cmocka_unit_test(seeded_while_queued),
		cmocka_unit_test(missed_arrival_is_a_span),
		cmocka_unit_test(born_unseen_first_arrival),
		cmocka_unit_test(unseen_arrival_then_no_wait),
		cmocka_unit_test(arrival_without_wait),
		cmocka_unit_test(born_thread_seen_late),
		cmocka_unit_test(slotmax_per_epoch),
		cmocka_unit_test(idle_per_cpu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
