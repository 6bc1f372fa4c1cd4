// SPDX-License-Identifier: GPL-2.0
/* The per-thread table at scale: growth, exits, reuse, and nothing counted twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/acct.h"

#define N 5000

struct sums {
	uint64_t runtime, nvcsw, rows, exited;
};

static void add(const struct acct_delta *d, void *arg)
{
	struct sums *s = arg;

	s->runtime += d->d.runtime_ns;
	s->nvcsw += d->d.nvcsw;
	s->rows++;
	s->exited += d->exited;
}

static void obs(struct acct *a, uint32_t tid, uint64_t start, uint64_t rt, bool exited)
{
	struct acct_obs o;

	memset(&o, 0, sizeof(o));
	o.tid = tid;
	o.pid = 1000;
	o.start_ns = start;
	o.c.runtime_ns = rt;
	o.c.nvcsw = rt / 1000;
	o.exited = exited;
	acct__observe(a, &o);
}

static void grows_and_forgets(void **state)
{
	struct acct *a = acct__new(65536);
	struct sums s = { 0 };

	(void)state;
	assert_non_null(a);
	acct__begin_pass(a, true, 100);
	for (uint32_t t = 1; t <= N; t++)
		obs(a, t, 50, 7000, false); /* older than t0: baseline 7000 */
	acct__end_pass(a);
	assert_int_equal(acct__size(a), N);

	acct__begin_pass(a, false, 0);
	for (uint32_t t = 1; t <= N; t++)
		obs(a, t, 50, 7000 + t * 1000ull, false);
	acct__end_pass(a);
	/* Half of them exit; their final records come between passes. */
	for (uint32_t t = 1; t <= N; t += 2)
		obs(a, t, 50, 7000 + t * 1000ull + 500, true);
	acct__close(a, add, &s);
	/* sum of t*1000 for t=1..N, plus 500 for each of the N/2 that exited */
	assert_int_equal(s.runtime, 1000ull * N * (N + 1) / 2 + 500ull * (N / 2));
	assert_int_equal(s.rows, N);
	assert_int_equal(s.exited, N / 2);
	assert_int_equal(acct__size(a), N / 2);

	/* The exited tids come back as new threads, born after t0: from zero. */
	memset(&s, 0, sizeof(s));
	acct__begin_pass(a, false, 0);
	for (uint32_t t = 1; t <= N; t++)
		obs(a, t, t % 2 ? 900 : 50, t % 2 ? 3000 : 7000 + t * 1000ull, false);
	acct__end_pass(a);
	acct__close(a, add, &s);
	assert_int_equal(s.runtime, 3000ull * (N / 2));
	assert_int_equal(s.rows, N / 2);
	assert_int_equal(acct__size(a), N);
	assert_int_equal(acct__losses(a)->untracked, 0);
	assert_int_equal(acct__losses(a)->late, 0);
	acct__free(a);
}

/* A thread missing from three scans without a final record is counted, then forgotten. */
static void vanished_after_three_passes(void **state)
{
	struct acct *a = acct__new(8);
	struct sums s = { 0 };

	(void)state;
	acct__begin_pass(a, true, 100);
	obs(a, 1, 50, 10, false);
	obs(a, 2, 50, 10, false);
	acct__end_pass(a);
	for (int i = 0; i < 3; i++) {
		acct__begin_pass(a, false, 0);
		obs(a, 1, 50, 20 + i, false);
		acct__end_pass(a);
		assert_int_equal(acct__losses(a)->vanished, 0);
	}
	acct__close(a, add, &s);
	assert_int_equal(acct__losses(a)->vanished, 1);
	assert_int_equal(acct__size(a), 1);
	acct__free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grows_and_forgets),
		cmocka_unit_test(vanished_after_three_passes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
