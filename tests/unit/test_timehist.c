// SPDX-License-Identifier: GPL-2.0
/*
 * The timehist core on scripted event sequences: each case feeds events in
 * the order a recording would hold them and checks every slice's wait, sch
 * delay and run time to the nanosecond (-1: not known).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/timehist.h"
#include "out/timehist_out.h"

#define S 0x1u			      /* prev_state "S" */
#define X 0x10u			      /* "X": dead */
#define RUNNING 0u		      /* "R": left runnable without being preempted (yield) */
#define PREEMPTED SEV_STATE_PREEMPTED /* "R+" */
#define A 101u
#define B 102u
#define C 103u

static struct sev sw(uint64_t ts, uint32_t cpu, uint32_t prev, uint32_t state, uint32_t next)
{
	struct sev e = { .ts_ns = ts,
			 .type = SEV_SWITCH,
			 .cpu = cpu,
			 .tid = prev,
			 .pid = prev,
			 .tid2 = next,
			 .pid2 = next,
			 .prio = 120,
			 .prio2 = 120,
			 .state = state };

	return e;
}

static struct sev ev(uint32_t type, uint64_t ts, uint32_t cpu, uint32_t tid)
{
	struct sev e = { .ts_ns = ts,
			 .type = type,
			 .cpu = cpu,
			 .tid = tid,
			 .pid = tid,
			 .prio = 120,
			 .cpu2 = cpu };

	return e;
}

/* Feeds a non-switch event: it must not give a slice. */
static void feed(struct thist *th, struct sev e)
{
	struct thist_slice s;

	assert_int_equal(thist__on_event(th, &e, &s), 0);
}

/* Feeds a switch and checks prev's slice. */
static void expect(struct thist *th, struct sev e, int64_t wait, int64_t delay, int64_t run)
{
	struct thist_slice s;

	assert_int_equal(thist__on_event(th, &e, &s), 1);
	assert_int_equal(s.tid, e.tid);
	assert_int_equal(s.cpu, e.cpu);
	assert_int_equal(s.ts_ns, e.ts_ns);
	assert_int_equal(s.wait_ns, wait);
	assert_int_equal(s.sch_delay_ns, delay);
	assert_int_equal(s.run_ns, run);
	if (run >= 0)
		assert_int_equal(s.in_ns, e.ts_ns - (uint64_t)run);
}

static int setup(void **state)
{
	*state = thist__new(2);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	thist__free(*state);
	return 0;
}

/*
 *   100 A out (S)   150 waking A   170 A in   200 A out
 *       |--- wait 50 ---|-- delay 20 --|-- run 30 --|
 */
static void wakeup_then_run_is_exact(void **state)
{
	struct thist *th = *state;

	expect(th, sw(100, 0, A, S, 0), -1, -1, -1);
	feed(th, ev(SEV_WAKING, 150, 1, A));
	expect(th, sw(170, 0, 0, RUNNING, A), -1, 0, 70); /* idle: never queued */
	expect(th, sw(200, 0, A, S, 0), 50, 20, 30);
	/* The idle task waited while A ran: from its switch-out at 170. */
	feed(th, ev(SEV_WAKING, 210, 1, A));
	expect(th, sw(230, 0, 0, RUNNING, A), 30, 0, 30);
	/* wait + delay + run = the time between A's two switch-outs. */
	expect(th, sw(260, 0, A, S, B), 10, 20, 30);
}

/* sched_wakeup after sched_waking: the waking, first, is the wait's end. */
static void waking_counts_not_the_later_wakeup(void **state)
{
	struct thist *th = *state;

	expect(th, sw(100, 0, A, S, 0), -1, -1, -1);
	feed(th, ev(SEV_WAKING, 150, 1, A));
	feed(th, ev(SEV_WAKEUP, 155, 0, A));
	expect(th, sw(170, 0, 0, RUNNING, A), -1, 0, 70);
	expect(th, sw(200, 0, A, S, 0), 50, 20, 30);
	/* Only sched_wakeup recorded: it bounds the wait. */
	feed(th, ev(SEV_WAKEUP, 240, 0, A));
	expect(th, sw(250, 0, 0, RUNNING, A), 30, 0, 50);
	expect(th, sw(300, 0, A, S, 0), 40, 10, 50);
}

/*
 * A preempted at 100 by B, back at 130: all of its time off the CPU is sch
 * delay. The same when it yields (prev_state R without +).
 */
static void preempted_waits_as_delay(void **state)
{
	struct thist *th = *state;

	expect(th, sw(50, 1, 0, RUNNING, A), -1, -1, -1);
	expect(th, sw(100, 1, A, PREEMPTED, B), -1, -1, 50);
	expect(th, sw(130, 1, B, PREEMPTED, A), -1, -1, 30);
	expect(th, sw(160, 1, A, RUNNING, B), 0, 30, 30);
	expect(th, sw(175, 1, B, S, A), 0, 30, 15);
	expect(th, sw(200, 1, A, S, 0), 0, 15, 25);
}

/* Nothing seen before: what ran before the first switch, and a wait with no start. */
static void first_sight_is_unknown(void **state)
{
	struct thist *th = *state;
	struct thist_slice s;
	struct sev e = sw(100, 0, A, S, B);

	assert_int_equal(thist__on_event(th, &e, &s), 1);
	assert_true(s.first_on_cpu);
	assert_int_equal(s.run_ns, -1);
	assert_int_equal(s.wait_ns, -1);
	assert_int_equal(s.sch_delay_ns, -1);
	/* B's wakeup not seen: its wait is unknown, its run is not. */
	e = sw(140, 0, B, S, C);
	assert_int_equal(thist__on_event(th, &e, &s), 1);
	assert_false(s.first_on_cpu);
	assert_int_equal(s.run_ns, 40);
	assert_int_equal(s.wait_ns, -1);
	assert_int_equal(s.sch_delay_ns, -1);
	/* A, woken after its switch-out: both figures. */
	feed(th, ev(SEV_WAKING, 150, 1, A));
	expect(th, sw(160, 0, C, S, A), -1, -1, 20);
	expect(th, sw(190, 0, A, S, 0), 50, 10, 30);
	/* A new face, woken but never seen leaving a CPU: a delay, no wait. */
	feed(th, ev(SEV_WAKING, 195, 1, 999));
	expect(th, sw(205, 0, 0, RUNNING, 999), -1, 0, 15);
	expect(th, sw(215, 0, 999, S, 0), -1, 10, 10);
}

/*
 * A dies (prev_state X): its state goes. The TID comes back as a new thread,
 * by fork, then sched_wakeup_new: its first wait has a delay, no wait time,
 * and nothing of the dead thread's times.
 */
static void tid_reuse_starts_fresh(void **state)
{
	struct thist *th = *state;
	struct sev fork = ev(SEV_FORK, 300, 1, B);

	expect(th, sw(100, 0, A, S, 0), -1, -1, -1);
	feed(th, ev(SEV_WAKING, 150, 1, A));
	expect(th, sw(170, 0, 0, RUNNING, A), -1, 0, 70);
	expect(th, sw(200, 0, A, X, 0), 50, 20, 30);
	assert_int_equal(thist__nr_tasks(th), 0);

	fork.tid2 = A;
	fork.pid2 = A;
	feed(th, fork);
	feed(th, ev(SEV_WAKEUP_NEW, 305, 1, A));
	expect(th, sw(320, 0, 0, RUNNING, A), 30, 0, 120);
	expect(th, sw(350, 0, A, S, 0), -1, 15, 30);

	/* A TID back without fork or exit seen: wakeup_new alone starts it afresh. */
	feed(th, ev(SEV_WAKEUP_NEW, 400, 1, A));
	expect(th, sw(410, 0, 0, RUNNING, A), 30, 0, 60);
	expect(th, sw(420, 0, A, S, 0), -1, 10, 10);
}

/* A waking recorded after the switch-in it led to (another CPU's event, a few ns late). */
static void late_waking_amends_the_slice(void **state)
{
	struct thist *th = *state;

	expect(th, sw(100, 0, A, S, 0), -1, -1, -1);
	expect(th, sw(170, 0, 0, RUNNING, A), -1, 0, 70);
	feed(th, ev(SEV_WAKING, 168, 1, A));
	expect(th, sw(200, 0, A, S, 0), 68, 2, 30);
}

/* A waking recorded before the switch-out it follows: it still ends the coming wait. */
static void early_waking_counts_for_the_next_wait(void **state)
{
	struct thist *th = *state;

	expect(th, sw(50, 0, 0, RUNNING, A), -1, -1, -1);
	feed(th, ev(SEV_WAKING, 103, 1, A));
	expect(th, sw(100, 0, A, S, 0), -1, -1, 50);
	expect(th, sw(170, 0, 0, RUNNING, A), 50, 0, 70);
	expect(th, sw(200, 0, A, S, 0), 3, 67, 30);
}

/*
 * Woken while still leaving the CPU (try_to_wake_up traces sched_waking
 * before it waits for the sleeper's switch-out): ready as it left.
 */
static void waking_during_switch_out_is_all_delay(void **state)
{
	struct thist *th = *state;

	expect(th, sw(50, 0, 0, RUNNING, A), -1, -1, -1);
	feed(th, ev(SEV_WAKING, 98, 1, A));
	expect(th, sw(100, 0, A, S, 0), -1, -1, 50);
	expect(th, sw(130, 0, 0, RUNNING, A), 50, 0, 30);
	expect(th, sw(200, 0, A, S, 0), 0, 30, 70);
	/* The same waking recorded after the switch-out. */
	expect(th, sw(230, 0, 0, RUNNING, B), 70, 0, 30);
	feed(th, ev(SEV_WAKING, 199, 1, A));
	expect(th, sw(240, 0, B, S, A), -1, -1, 10);
	expect(th, sw(250, 0, A, S, 0), 0, 40, 10);
	/* A stale one (it did not sleep then) gives way to the real wakeup. */
	feed(th, ev(SEV_WAKING, 255, 1, A));
	expect(th, sw(260, 0, 0, RUNNING, A), 20, 0, 10);
	feed(th, ev(SEV_WAKING, 262, 1, A));
	expect(th, sw(300, 0, A, S, 0), 5, 5, 40);
	feed(th, ev(SEV_WAKING, 350, 1, A));
	expect(th, sw(360, 0, 0, RUNNING, A), 40, 0, 60);
	expect(th, sw(370, 0, A, S, 0), 50, 10, 10);
}

/* A migrates: its switch-in on CPU 1 is recorded before its switch-out on CPU 0. */
static void switch_in_recorded_before_switch_out(void **state)
{
	struct thist *th = *state;

	expect(th, sw(50, 0, 0, RUNNING, A), -1, -1, -1);
	expect(th, sw(105, 1, 0, RUNNING, A), -1, -1, -1);
	expect(th, sw(100, 0, A, PREEMPTED, 0), -1, -1, 50); /* the slice on CPU 0 */
	expect(th, sw(130, 1, A, S, 0), 0, 5, 25);
	assert_int_equal(thist__nr_tasks(th), 1);
}

/* Who runs where: switches, and before any, the scan (idle where it found nothing). */
static void current_task_per_cpu(void **state)
{
	struct thist *th = *state;
	struct task_snap snap = { .tid = A, .pid = A, .cpu = 1, .on_cpu = 1 };
	struct task_snap off = { .tid = B, .pid = B, .cpu = 0, .on_cpu = 0 };
	struct sev e = sw(100, 1, A, S, B);
	struct thist_slice s;
	uint64_t since;
	uint32_t tid;

	assert_false(thist__current(th, 0, &tid, &since));
	thist__on_snap(th, &snap);
	thist__on_snap(th, &off);
	assert_true(thist__current(th, 1, &tid, &since));
	assert_int_equal(tid, A);
	assert_int_equal(since, 0);
	assert_true(thist__current(th, 0, &tid, &since));
	assert_int_equal(tid, 0);
	assert_int_equal(thist__on_event(th, &e, &s), 1);
	assert_true(s.first_on_cpu); /* A ran since before the recording */
	assert_int_equal(s.run_ns, -1);
	assert_true(thist__current(th, 1, &tid, &since));
	assert_int_equal(tid, B);
	assert_int_equal(since, 100);
	/* A CPU beyond the hint grows the table. */
	e = sw(120, 7, 0, RUNNING, C);
	assert_int_equal(thist__on_event(th, &e, &s), 1);
	assert_true(thist__current(th, 7, &tid, &since));
	assert_int_equal(tid, C);
}

/* A thread other than the leader execs and takes the leader's TID, on the CPU. */
static void exec_moves_the_tid(void **state)
{
	struct thist *th = *state;
	struct sev exec = ev(SEV_EXEC, 150, 0, A);

	expect(th, sw(100, 0, 0, RUNNING, B), -1, -1, -1);
	exec.tid2 = B;
	feed(th, exec);
	expect(th, sw(180, 0, A, S, 0), -1, -1, 80);
}

static uint32_t state_of(uint32_t tid)
{
	return tid % 3 ? S : X;
}

/*
 * Many threads come and go on CPU 0 (every third dies), then each living one
 * is woken and runs once on CPU 1: the table keeps only the living, and
 * finds each one's switch-out again.
 */
static void many_threads_come_and_go(void **state)
{
	enum { N = 5000 };
	const int64_t t0 = 100000, t1 = 200000;
	struct thist *th = *state;
	int64_t prev = 0;

	for (int64_t i = 1; i <= N + 1; i++)
		expect(th,
		       sw((uint64_t)(10 * i), 0, (uint32_t)(i - 1), state_of((uint32_t)(i - 1)),
			  i <= N ? (uint32_t)i : 0),
		       -1, -1, i == 1 ? -1 : 10);
	assert_int_equal(thist__nr_tasks(th), N - N / 3);
	for (int64_t p = 1; p <= N; p++)
		if (state_of((uint32_t)p) == S)
			feed(th, ev(SEV_WAKING, (uint64_t)(t0 + p), 1, (uint32_t)p));
	for (int64_t p = 1; p <= N; p++) {
		uint64_t in = (uint64_t)(t1 + 20 * p);

		if (state_of((uint32_t)p) != S)
			continue;
		if (prev)
			expect(th, sw(in, 1, 0, RUNNING, (uint32_t)p), 5, 0, 20 * (p - prev) - 5);
		else
			expect(th, sw(in, 1, 0, RUNNING, (uint32_t)p), -1, -1, -1);
		/* Woken at t0 + p, after its switch-out at 10 (p + 1). */
		expect(th, sw(in + 5, 1, (uint32_t)p, S, 0), t0 + p - 10 * (p + 1),
		       (int64_t)in - (t0 + p), 5);
		prev = p;
	}
	assert_int_equal(thist__nr_tasks(th), N - N / 3);
}

/* The writer: perf's columns, "-" for what is not known, and the JSON twin. */
static void lines_as_perf_prints_them(void **state)
{
	struct thist_slice s = { .ts_ns = 5210081620123456ull,
				 .in_ns = 5210081618000000ull,
				 .wait_ns = 4000999,
				 .sch_delay_ns = 1000,
				 .run_ns = 2123456,
				 .tid = 20113,
				 .cpu = 1 };
	struct thist_slice first = {
		.ts_ns = 1000, .wait_ns = -1, .sch_delay_ns = -1, .run_ns = -1, .tid = 0, .cpu = 12
	};
	struct th_who who = { "ssload", 20113, 20110 }, lead = { "ssload", 20110, 20110 };
	struct th_who idle = { "swapper/12", 0, 0 }, odd = { "a\"b\n", 7, 7 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(timehist_out__header(f), 0);
	assert_int_equal(timehist_out__slice(f, &s, &who, "S", 2100000, false), 0);
	assert_int_equal(timehist_out__slice(f, &first, &idle, "R", -1, false), 0);
	assert_int_equal(timehist_out__wakeup(f, 5210081621000000ull, 1, &who, &lead, 0, false), 0);
	assert_int_equal(timehist_out__wakeup(f, 5210081621000000ull, 1, NULL, &lead, 0, false), 0);
	assert_int_equal(timehist_out__migrate(f, 3000000, 0, &idle, &who, 1, 0, false), 0);
	assert_int_equal(timehist_out__slice(f, &s, &odd, "R+", 2100000, true), 0);
	assert_int_equal(timehist_out__slice(f, &first, &idle, "R", -1, true), 0);
	assert_int_equal(timehist_out__wakeup(f, 5, 1, NULL, &lead, 0, true), 0);
	assert_int_equal(timehist_out__migrate(f, 6, 0, &idle, &who, 1, 0, true), 0);
	fclose(f);
	assert_string_equal(
		buf,
		"           time    cpu  task name                       wait time  sch delay   "
		"run time\n"
		"                        [tid/pid]                          (msec)     (msec)     "
		"(msec)\n"
		"--------------- ------  ------------------------------  ---------  ---------  "
		"---------\n"
		" 5210081.620123 [0001]  ssload[20113/20110]                 4.000      0.001      "
		"2.123\n"
		"       0.000001 [0012]  <idle>                                  -          -      "
		"    -\n"
		" 5210081.621000 [0001]  ssload[20113/20110]                                       "
		"       awakened: ssload[20110]\n"
		" 5210081.621000 [0001]  <...>                                                     "
		"       awakened: ssload[20110]\n"
		"       0.003000 [0000]  <idle>                                                    "
		"       migrated: ssload[20113/20110] cpu 1 => 0\n"
		"{\"type\":\"timehist\",\"ts_ns\":5210081620123456,\"cpu\":1,\"comm\":"
		"\"a\\\"b\\u000a\",\"tid\":7,\"pid\":7,\"state\":\"R+\",\"wait_ns\":4000999,\"sch_"
		"delay_ns\":1000,\"run_ns\":2123456,\"runtime_ns\":2100000}\n"
		"{\"type\":\"timehist\",\"ts_ns\":1000,\"cpu\":12,\"comm\":\"swapper/"
		"12\",\"tid\":0,\"pid\":0,\"state\":\"R\",\"wait_ns\":null,\"sch_delay_ns\":null,"
		"\"run_ns\":null,\"runtime_ns\":null}\n"
		"{\"type\":\"timehist_wakeup\",\"ts_ns\":5,\"cpu\":1,\"waker\":null,\"task\":{"
		"\"comm\":\"ssload\",\"tid\":20110,\"pid\":20110},\"target_cpu\":0}\n"
		"{\"type\":\"timehist_migrate\",\"ts_ns\":6,\"cpu\":0,\"by\":{\"comm\":\"swapper/"
		"12\",\"tid\":0,\"pid\":0},\"task\":{\"comm\":\"ssload\",\"tid\":20113,\"pid\":"
		"20110},\"orig_cpu\":1,\"dest_cpu\":0}\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(wakeup_then_run_is_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(waking_counts_not_the_later_wakeup, setup,
						teardown),
		cmocka_unit_test_setup_teardown(preempted_waits_as_delay, setup, teardown),
		cmocka_unit_test_setup_teardown(first_sight_is_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(tid_reuse_starts_fresh, setup, teardown),
		cmocka_unit_test_setup_teardown(late_waking_amends_the_slice, setup, teardown),
		cmocka_unit_test_setup_teardown(early_waking_counts_for_the_next_wait, setup,
						teardown),
		cmocka_unit_test_setup_teardown(waking_during_switch_out_is_all_delay, setup,
						teardown),
		cmocka_unit_test_setup_teardown(switch_in_recorded_before_switch_out, setup,
						teardown),
		cmocka_unit_test_setup_teardown(current_task_per_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(exec_moves_the_tid, setup, teardown),
		cmocka_unit_test_setup_teardown(many_threads_come_and_go, setup, teardown),
		cmocka_unit_test(lines_as_perf_prints_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
