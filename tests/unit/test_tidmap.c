// SPDX-License-Identifier: GPL-2.0
/* The TID table against a plain array: growth, deletion by backward shift, the limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/tidmap.h"

#define N 20000

struct ent {
	uint32_t tid;
	uint32_t val;
};

/* Random inserts and deletes; every lookup agrees with the array of what should be there. */
static void agrees_with_an_array(void **state)
{
	static uint32_t want[N + 1];	/* 0: absent, else the value stored */
	struct tidmap m;
	uint64_t seed = 42;
	size_t present = 0;

	(void)state;
	assert_int_equal(tidmap__init(&m, sizeof(struct ent), N), 0);
	for (int round = 0; round < 200000; round++) {
		uint32_t tid;
		struct ent *e;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		/* Clustered TIDs (runs of neighbours) make long probe chains to shift. */
		tid = (uint32_t)((seed >> 33) % N) + 1;
		if ((seed >> 20) & 1) {
			int made;

			e = tidmap__add(&m, tid, &made);
			assert_non_null(e);
			assert_int_equal(made, want[tid] == 0);
			if (made)
				present++;
			e->val = want[tid] = (uint32_t)(seed >> 40) | 1;
		} else if (want[tid]) {
			tidmap__del(&m, tid);
			want[tid] = 0;
			present--;
		}
	}
	assert_int_equal(m.used, present);
	for (uint32_t tid = 1; tid <= N; tid++) {
		const struct ent *e = tidmap__get(&m, tid);

		if (want[tid]) {
			assert_non_null(e);
			assert_int_equal(e->val, want[tid]);
		} else {
			assert_null(e);
		}
	}
	tidmap__fini(&m);
}

static void refuses_beyond_max_and_tid_zero(void **state)
{
	struct tidmap m;

	(void)state;
	assert_int_equal(tidmap__init(&m, sizeof(struct ent), 3), 0);
	assert_null(tidmap__add(&m, 0, NULL));
	for (uint32_t tid = 1; tid <= 3; tid++)
		assert_non_null(tidmap__add(&m, tid, NULL));
	assert_null(tidmap__add(&m, 4, NULL));
	assert_int_equal(m.refused, 1);	/* TID 0 is no refusal: never kept */
	/* An existing entry is still given. */
	assert_non_null(tidmap__add(&m, 2, NULL));
	tidmap__del(&m, 2);
	assert_non_null(tidmap__add(&m, 4, NULL));
	tidmap__fini(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agrees_with_an_array),
		cmocka_unit_test(refuses_beyond_max_and_tid_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
