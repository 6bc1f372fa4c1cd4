// SPDX-License-Identifier: GPL-2.0
/*
 * The event programs' rules (src/bpf/ev_logic.h): sched_switch's prev_state
 * as ftrace prints it, the arrival figures of the task switching in, and the
 * voluntary flag. Expected values are the kernel's own, written out: task
 * states from include/linux/sched.h, letters as ftrace shows them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bpf/acct_logic.h"
#include "bpf/ev_logic.h"
#include "core/sev.h"

/* include/linux/sched.h */
#define TASK_RUNNING 0x00000000
#define TASK_INTERRUPTIBLE 0x00000001
#define TASK_UNINTERRUPTIBLE 0x00000002
#define __TASK_STOPPED 0x00000004
#define __TASK_TRACED 0x00000008
#define EXIT_DEAD 0x00000010
#define EXIT_ZOMBIE 0x00000020
#define TASK_PARKED 0x00000040
#define TASK_DEAD 0x00000080
#define TASK_WAKEKILL 0x00000100
#define TASK_NOLOAD 0x00000400
#define TASK_RTLOCK_WAIT 0x00001000
#define TASK_FREEZABLE 0x00002000
#define TASK_FROZEN 0x00008000
#define TASK_KILLABLE (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)
#define TASK_STOPPED (TASK_WAKEKILL | __TASK_STOPPED)
#define TASK_TRACED __TASK_TRACED
#define TASK_IDLE (TASK_UNINTERRUPTIBLE | TASK_NOLOAD)

/* prev_state of a switch as ftrace prints it, through the record's index. */
static const char *switch_state(int preempt, unsigned int state, unsigned int exit_state,
				char buf[24])
{
	uint32_t idx = ev__switch_state_index(preempt, state, exit_state);

	/* The index travels in one byte. */
	assert_true(idx <= 0xff);
	return sev__state_str(ev__state_bits(idx), buf, 24);
}

static void switch_state_letters(void **state)
{
	static const struct {
		int preempt;
		unsigned int state, exit_state;
		const char *want;
	} cases[] = {
		{ 0, TASK_RUNNING, 0, "R" }, /* sched_yield() */
		{ 0, TASK_INTERRUPTIBLE, 0, "S" },
		{ 0, TASK_UNINTERRUPTIBLE, 0, "D" },
		{ 0, TASK_KILLABLE, 0, "D" },
		{ 0, TASK_STOPPED, 0, "T" },
		{ 0, TASK_TRACED, 0, "t" },
		{ 0, TASK_PARKED, 0, "P" },
		/* TASK_IDLE is D | NOLOAD: "I", not "D". */
		{ 0, TASK_IDLE, 0, "I" },
		{ 0, TASK_IDLE | TASK_FREEZABLE, 0, "I" },
		{ 0, TASK_INTERRUPTIBLE | TASK_FREEZABLE, 0, "S" },
		/* An rtlock wait and the freezer's own state read as D. */
		{ 0, TASK_RTLOCK_WAIT, 0, "D" },
		{ 0, TASK_FROZEN, 0, "D" },
		{ 0, TASK_FROZEN | TASK_INTERRUPTIBLE, 0, "D" },
		/* A dead task's last switch: its exit_state decides. */
		{ 0, TASK_DEAD, EXIT_ZOMBIE, "Z" },
		{ 0, TASK_DEAD, EXIT_DEAD, "X" },
		{ 0, TASK_DEAD, 0, "R" }, /* TASK_DEAD is outside TASK_REPORT */
		/* Several bits: the highest wins (fls). */
		{ 0, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE, 0, "D" },
		/* Preempted: "R+" whatever the state, even one of a task going to sleep. */
		{ 1, TASK_RUNNING, 0, "R+" },
		{ 1, TASK_INTERRUPTIBLE, 0, "R+" },
		{ 1, TASK_IDLE, 0, "R+" },
		{ 1, TASK_DEAD, EXIT_ZOMBIE, "R+" },
	};
	char buf[24];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got =
			switch_state(cases[i].preempt, cases[i].state, cases[i].exit_state, buf);

		if (strcmp(got, cases[i].want))
			fail_msg("case %zu: preempt %d state %#x exit_state %#x: got %s, want %s",
				 i, cases[i].preempt, cases[i].state, cases[i].exit_state, got,
				 cases[i].want);
	}
}

/* The value ftrace's __trace_sched_switch_state() returns: one bit, 0, or TASK_REPORT_MAX. */
static void switch_state_values(void **state)
{
	(void)state;
	assert_int_equal(ev__state_bits(ev__switch_state_index(1, TASK_INTERRUPTIBLE, 0)), 0x100);
	assert_int_equal(ev__state_bits(ev__switch_state_index(0, TASK_RUNNING, 0)), 0);
	assert_int_equal(ev__state_bits(ev__switch_state_index(0, TASK_INTERRUPTIBLE, 0)), 0x1);
	assert_int_equal(ev__state_bits(ev__switch_state_index(0, TASK_UNINTERRUPTIBLE, 0)), 0x2);
	assert_int_equal(ev__state_bits(ev__switch_state_index(0, TASK_DEAD, EXIT_DEAD)), 0x10);
	assert_int_equal(ev__state_bits(ev__switch_state_index(0, TASK_DEAD, EXIT_ZOMBIE)), 0x20);
	assert_int_equal(ev__state_bits(ev__switch_state_index(0, TASK_PARKED, 0)), 0x40);
	assert_int_equal(ev__state_bits(ev__switch_state_index(0, TASK_IDLE, 0)), 0x80);
	assert_int_equal(SEV_STATE_PREEMPTED, 0x100);
	/* Nothing else comes out of a byte. */
	for (uint32_t i = 10; i < 256; i++)
		assert_int_equal(ev__state_bits(i), 0);
}

static uint32_t naive_fls(uint32_t v)
{
	uint32_t r = 0;

	while (v) {
		r++;
		v >>= 1;
	}
	return r;
}

static void fls_matches_a_loop(void **state)
{
	(void)state;
	for (uint32_t v = 0; v < (1u << 17); v++)
		assert_int_equal(ev__fls(v), naive_fls(v));
	for (uint32_t b = 0; b < 32; b++) {
		assert_int_equal(ev__fls(1u << b), b + 1);
		assert_int_equal(ev__fls((1u << b) | 1), b + 1);
		assert_int_equal(ev__fls(UINT32_MAX >> b), 32 - b);
	}
}

/*
 * next's figures at the switch-in agree with what acct_logic.h's
 * wait__on_arrival() measures: run_delay after minus its baseline is the wait.
 */
static void arrival_as_sched_info(void **state)
{
	struct wait_base b = { .rd_base = 1000, .pcount = 7, .based = 1 };
	__u64 rd, pc, wait = 0, arrivals = 0;

	(void)state;
	/* Queued at clock 5000, switched in at 5300, run_delay 1000 before. */
	sched_info__arrive(1000, 7, 5000, 5300, &rd, &pc);
	assert_int_equal(rd, 1300);
	assert_int_equal(pc, 8);
	assert_int_equal(wait__on_arrival(&b, 1000, 7, 5000, 5300, 0, &wait, &arrivals),
			 WAIT_MEASURED);
	assert_int_equal(arrivals, 1);
	assert_int_equal(wait, rd - 1000);
	assert_int_equal(b.rd_base, rd);
	assert_int_equal(b.pcount, pc);
	/* Migrated while queued: run_delay already holds the part on the first CPU. */
	sched_info__arrive(1300 + 40, 8, 6000, 6010, &rd, &pc);
	assert_int_equal(rd, 1350);
	assert_int_equal(pc, 9);
	assert_int_equal(wait__on_arrival(&b, 1340, 8, 6000, 6010, 0, &wait, &arrivals),
			 WAIT_MEASURED);
	assert_int_equal(wait, 50);
	/* Nothing queued (the idle task, a task the kernel never queued): no change. */
	sched_info__arrive(1350, 9, 0, 7000, &rd, &pc);
	assert_int_equal(rd, 1350);
	assert_int_equal(pc, 9);
	/* A wakeup that preempted at once reads the same clock: a 0 ns wait, still an arrival. */
	sched_info__arrive(1350, 9, 7000, 7000, &rd, &pc);
	assert_int_equal(rd, 1350);
	assert_int_equal(pc, 10);
}

#define IDX_R 0
#define IDX_S 1
#define IDX_D 2
#define IDX_PREEMPTED EV_STATE_INDEX_PREEMPTED

static void voluntary_from_counters(void **state)
{
	(void)state;
	/* First sight: __schedule()'s rule (not preempted, not TASK_RUNNING). */
	assert_true(ev__voluntary(0, 0, 0, 10, 3, IDX_S));
	assert_true(ev__voluntary(0, 0, 0, 10, 3, IDX_D));
	assert_false(ev__voluntary(0, 0, 0, 10, 3, IDX_R)); /* sched_yield() */
	assert_false(ev__voluntary(0, 0, 0, 10, 3, IDX_PREEMPTED));
	/* nvcsw moved, nivcsw did not: voluntary, whatever the traced state says (6.13+:
	 * a sleep cut short by a signal is traced as TASK_RUNNING but counted in nvcsw). */
	assert_true(ev__voluntary(1, 9, 3, 10, 3, IDX_R));
	assert_true(ev__voluntary(1, 9, 3, 10, 3, IDX_S));
	/* nivcsw moved alone: involuntary. */
	assert_false(ev__voluntary(1, 10, 2, 10, 3, IDX_PREEMPTED));
	assert_false(ev__voluntary(1, 10, 2, 10, 3, IDX_R));
	/* Unseen switches of one kind only: every one of them was that kind, this one too. */
	assert_true(ev__voluntary(1, 5, 3, 10, 3, IDX_S));
	assert_false(ev__voluntary(1, 10, 1, 10, 4, IDX_PREEMPTED));
	/* Both moved (unseen switches of both kinds): the rule. */
	assert_true(ev__voluntary(1, 9, 2, 10, 3, IDX_S));
	assert_false(ev__voluntary(1, 9, 2, 10, 3, IDX_PREEMPTED));
	/* Neither moved (the base is this very switch, read by a scan): the rule. */
	assert_true(ev__voluntary(1, 10, 3, 10, 3, IDX_S));
	assert_false(ev__voluntary(1, 10, 3, 10, 3, IDX_R));
	/* A base newer than the record (a scan read after it): the rule, not the counters. */
	assert_false(ev__voluntary(1, 11, 4, 10, 4, IDX_PREEMPTED));
	assert_true(ev__voluntary(1, 11, 4, 11, 3, IDX_S));
	/* A reused TID: counters back near zero. */
	assert_false(ev__voluntary(1, 500, 20, 0, 1, IDX_PREEMPTED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(switch_state_letters),	   cmocka_unit_test(switch_state_values),
		cmocka_unit_test(fls_matches_a_loop),	   cmocka_unit_test(arrival_as_sched_info),
		cmocka_unit_test(voluntary_from_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
