// SPDX-License-Identifier: GPL-2.0
/*
 * The figures `report` rebuilds from recorded events, on scripted sequences:
 * each expected value is what the kernel's own counters say over the window.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/evacct.h"

#define T0 1000000000ull
#define MAX_ROWS 16

struct rows {
	struct acct_delta d[MAX_ROWS];
	size_t n;
};

static void keep(const struct acct_delta *d, void *arg)
{
	struct rows *r = arg;

	if (r->n < MAX_ROWS)
		r->d[r->n++] = *d;
}

static const struct acct_delta *row_of(const struct rows *r, uint32_t tid)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->d[i].tid == tid)
			return &r->d[i];
	return NULL;
}

struct waits {
	struct evwait w[MAX_ROWS];
	size_t n;
};

static void keep_wait(void *ctx, const struct evwait *w)
{
	struct waits *ws = ctx;

	if (ws->n < MAX_ROWS)
		ws->w[ws->n++] = *w;
}

static struct task_snap snap(uint32_t tid, uint64_t rt, uint64_t rd, uint64_t pcount,
			     uint64_t nvcsw, uint64_t nivcsw)
{
	struct task_snap s;

	memset(&s, 0, sizeof(s));
	s.tid = tid;
	s.pid = 100;
	s.start_ns = 5; /* older than the recording */
	s.runtime_ns = rt;
	s.run_delay_ns = rd;
	s.pcount = pcount;
	s.nvcsw = nvcsw;
	s.nivcsw = nivcsw;
	s.prio = 120;
	return s;
}

/* prev leaves (its counters after), next arrives (its run_delay and pcount after). */
static struct sev sw(uint64_t ts, uint32_t cpu, uint32_t prev, uint64_t rt, uint64_t nvcsw,
		     uint64_t nivcsw, uint32_t state, uint32_t next, uint64_t rd, uint64_t pcount)
{
	struct sev e;

	memset(&e, 0, sizeof(e));
	e.type = SEV_SWITCH;
	e.ts_ns = ts;
	e.cpu = cpu;
	e.tid = prev;
	e.pid = prev ? 100 : 0;
	e.tid2 = next;
	e.pid2 = next ? 100 : 0;
	e.prio = e.prio2 = 120;
	e.state = state;
	e.runtime_ns = rt;
	e.nvcsw = nvcsw;
	e.nivcsw = nivcsw;
	e.run_delay_ns = rd;
	e.pcount = pcount;
	return e;
}

static struct sev simple(uint32_t type, uint64_t ts, uint32_t tid)
{
	struct sev e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.ts_ns = ts;
	e.tid = tid;
	e.pid = 100;
	return e;
}

/*
 * Two threads ping-pong on CPU 0 after a scan; the window's figures are the
 * counters' growth, a late record does not move them back, and each wait is
 * the run_delay step of one arrival.
 */
static void window_is_counter_growth(void **state)
{
	struct evacct *ea = evacct__new(2, 64, T0);
	struct acct *a = acct__new(64);
	struct tasktab *names = tasktab__new(64);
	struct task_snap s1 = snap(11, 5000, 700, 9, 3, 1), s2 = snap(12, 8000, 100, 4, 2, 2);
	struct waits ws = { 0 };
	struct rows r = { 0 };
	const struct acct_delta *d;
	struct sev e;

	(void)state;
	assert_non_null(ea);
	evacct__on_wait(ea, keep_wait, &ws);
	evacct__snap(ea, SNAP_BEGIN, &s1);
	evacct__snap(ea, SNAP_BEGIN, &s2);
	evacct__observe(ea, a, names);
	acct__close(a, keep, &r); /* the baseline: nothing to report */
	r.n = 0;

	/* 11 blocks (S) after 300 ns more; 12 arrives after waiting 50 ns. */
	e = sw(T0 + 10, 0, 11, 5300, 4, 1, 1, 12, 150, 5);
	evacct__event(ea, &e, SEV_WAKING);
	e = simple(SEV_WAKING, T0 + 20, 11);
	evacct__event(ea, &e, SEV_WAKING);
	/* 12 is preempted (R+) after 400 ns; 11 arrives after a 30 ns wait. */
	e = sw(T0 + 30, 0, 12, 8400, 2, 3, SEV_STATE_PREEMPTED, 11, 730, 10);
	evacct__event(ea, &e, SEV_WAKING);
	/* A late copy of the first switch: nothing moves back, no wait twice. */
	e = sw(T0 + 10, 0, 11, 5300, 4, 1, 1, 12, 150, 5);
	evacct__event(ea, &e, SEV_WAKING);
	/* 12 comes back after a 70 ns wait that began with its preemption. */
	e = sw(T0 + 40, 0, 11, 5500, 5, 1, 1, 12, 220, 6);
	evacct__event(ea, &e, SEV_WAKING);
	e = simple(SEV_MIGRATE, T0 + 50, 12);
	e.cpu2 = 0;
	e.cpu3 = 1;
	e.migrations = 7;
	evacct__event(ea, &e, SEV_WAKING);

	assert_int_equal(ws.n, 3);
	assert_int_equal(ws.w[0].tid, 12);
	assert_int_equal(ws.w[0].wait_ns, 50);
	assert_false(ws.w[0].preempted);
	assert_int_equal(ws.w[1].tid, 11);
	assert_int_equal(ws.w[1].wait_ns, 30);
	assert_int_equal(ws.w[1].prev_tid, 12);
	assert_int_equal(ws.w[2].wait_ns, 70);
	assert_true(ws.w[2].preempted);

	evacct__observe(ea, a, names);
	acct__close(a, keep, &r);
	d = row_of(&r, 11);
	assert_non_null(d);
	assert_int_equal(d->d.runtime_ns, 500);
	assert_int_equal(d->d.nvcsw, 2);
	assert_int_equal(d->d.nivcsw, 0);
	assert_int_equal(d->d.run_delay_ns, 30);
	assert_int_equal(d->d.wakeups, 1);
	assert_int_equal(d->wait_max_ns, 30);
	d = row_of(&r, 12);
	assert_non_null(d);
	assert_int_equal(d->d.runtime_ns, 400);
	assert_int_equal(d->d.nivcsw, 1);
	assert_int_equal(d->d.run_delay_ns, 120);
	assert_int_equal(d->d.migrations, 7);
	assert_int_equal(d->wait_max_ns, 70);

	tasktab__free(names);
	acct__free(a);
	evacct__free(ea);
}

/*
 * Switch-ins that were not recorded: the next wait would merge three, so it
 * is handed on as an unsplit span of three, its delay whole.
 */
static void pcount_gap_is_a_span(void **state)
{
	struct evacct *ea = evacct__new(1, 64, T0);
	struct task_snap s = snap(11, 0, 100, 3, 0, 0);
	struct waits ws = { 0 };
	struct sev e;

	(void)state;
	evacct__on_wait(ea, keep_wait, &ws);
	evacct__snap(ea, SNAP_BEGIN, &s);
	e = sw(T0 + 1, 0, 0, 0, 0, 0, 0, 11, 900, 6);
	evacct__event(ea, &e, SEV_WAKING);
	assert_int_equal(ws.n, 1);
	assert_int_equal(ws.w[0].wait_ns, 800);
	assert_int_equal(ws.w[0].waits, 3);
	e = sw(T0 + 2, 0, 0, 0, 0, 0, 0, 11, 950, 7);
	evacct__event(ea, &e, SEV_WAKING);
	assert_int_equal(ws.n, 2);
	assert_int_equal(ws.w[1].wait_ns, 50);
	assert_int_equal(ws.w[1].waits, 1);
	evacct__free(ea);
}

/* A thread forked and gone within the recording: from zero, reported once, exited. */
static void fork_to_exit(void **state)
{
	struct evacct *ea = evacct__new(1, 64, T0);
	struct acct *a = acct__new(64);
	struct tasktab *names = tasktab__new(64);
	struct rows r = { 0 };
	const struct acct_delta *d;
	struct sev e;

	(void)state;
	evacct__observe(ea, a, names);
	acct__close(a, keep, &r);
	e = simple(SEV_FORK, T0 + 5, 11);
	e.tid2 = 13;
	e.pid2 = 100;
	memcpy(e.comm, "child", 6);
	tasktab__on_event(names, &e);
	evacct__event(ea, &e, SEV_WAKING);
	e = sw(T0 + 6, 0, 0, 0, 0, 0, 0, 13, 40, 1);
	evacct__event(ea, &e, SEV_WAKING);
	/* Its last switch: a zombie, 900 ns of CPU in all. */
	e = sw(T0 + 7, 0, 13, 900, 1, 0, 0x20, 0, 0, 0);
	evacct__event(ea, &e, SEV_WAKING);
	evacct__observe(ea, a, names);
	acct__close(a, keep, &r);
	d = row_of(&r, 13);
	assert_non_null(d);
	assert_true(d->exited);
	assert_string_equal(d->comm, "child");
	assert_int_equal(d->d.runtime_ns, 900);
	assert_int_equal(d->d.run_delay_ns, 40);
	r.n = 0;
	evacct__observe(ea, a, names);
	acct__close(a, keep, &r);
	assert_null(row_of(&r, 13));
	tasktab__free(names);
	acct__free(a);
	evacct__free(ea);
}

/* Idle time: the idle task's turns on the CPU, and the turn still open at the end. */
static void idle_time_per_cpu(void **state)
{
	struct evacct *ea = evacct__new(2, 64, T0);
	struct cpustat *cs = cpustat__new(2);
	struct cpu_row rows[2];
	struct sev e;

	(void)state;
	evacct__sample_cpus(ea, cs, T0);
	/* CPU 1 was idle from the start until T0 + 100, then again from T0 + 400. */
	e = sw(T0 + 100, 1, 0, 0, 0, 0, 0, 11, 0, 1);
	evacct__event(ea, &e, SEV_WAKING);
	e = sw(T0 + 400, 1, 11, 300, 1, 0, 1, 0, 0, 0);
	evacct__event(ea, &e, SEV_WAKING);
	evacct__sample_cpus(ea, cs, T0 + 1000);
	cpustat__close(cs, 1000, rows);
	assert_int_equal(rows[1].d.idle_ns, 100 + 600);
	assert_int_equal(rows[1].d.switches, 2);
	assert_int_equal(rows[1].d.idle_exits, 1);
	assert_int_equal(rows[0].d.switches, 0);
	cpustat__free(cs);
	evacct__free(ea);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(window_is_counter_growth),
		cmocka_unit_test(pcount_gap_is_a_span),
		cmocka_unit_test(fork_to_exit),
		cmocka_unit_test(idle_time_per_cpu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
