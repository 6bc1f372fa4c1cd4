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

#define POOL (16 * 256) /* TIDs k * 1024 + r: 16 residues r, k in 1..256 */
#define HELD 480	/* at most: under half of the first 1024 slots, so no growth */
#define GROWN 20000

struct ent {
	uint32_t tid;
	uint32_t val;
};

/*
 * A TID whose home slot, in a table of 1024, is one of 16 around its end
 * (1016..1023 and 1..8, the residues' (r * 0x9E3779B1) & 1023): every TID of
 * the pool shares it with 255 others, so chains are long, run into each
 * other and wrap past the end, and deletion has to shift entries back
 * across the wrap.
 */
static uint32_t pool_tid(uint32_t i)
{
	static const uint16_t residue[16] = { 26,  175, 201, 350, 376, 525, 700, 875,
					      149, 324, 499, 648, 674, 823, 849, 998 };

	return (i / 16 + 1) * 1024 + residue[i % 16];
}

/* Every lookup of the pool agrees with want[] (0: absent, else the value). */
static void check_all(const struct tidmap *m, const uint32_t *want, size_t present)
{
	assert_int_equal(tidmap__size(m), present);
	for (uint32_t i = 0; i < POOL; i++) {
		const struct ent *e = tidmap__get(m, pool_tid(i));

		if (want[i]) {
			assert_non_null(e);
			assert_int_equal(e->val, want[i]);
		} else {
			assert_null(e);
		}
	}
}

/* Random inserts and deletes on colliding TIDs, checked against an array as they go. */
static void agrees_with_an_array(void **state)
{
	static uint32_t want[POOL];
	struct tidmap m;
	uint64_t seed = 42;
	size_t present = 0;

	(void)state;
	assert_int_equal(tidmap__init(&m, sizeof(struct ent), HELD), 0);
	for (int round = 0; round < 60000; round++) {
		uint32_t i, tid;
		struct ent *e;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		i = (uint32_t)((seed >> 33) % POOL);
		tid = pool_tid(i);
		if (((seed >> 20) & 1) && (want[i] || present < HELD)) {
			int made;

			e = tidmap__add(&m, tid, &made);
			assert_non_null(e);
			assert_int_equal(made, want[i] == 0);
			if (made)
				present++;
			e->val = want[i] = (uint32_t)(seed >> 40) | 1;
		} else if (want[i]) {
			tidmap__del(&m, tid);
			want[i] = 0;
			present--;
		}
		if (round % 256 == 0)
			check_all(&m, want, present);
	}
	assert_int_equal(tidmap__capacity(&m), 1024); /* the chains stayed in one table */
	check_all(&m, want, present);
	tidmap__fini(&m);
}

/* Growth keeps every entry, moved to its new home. */
static void grows_and_keeps_every_entry(void **state)
{
	struct tidmap m;

	(void)state;
	assert_int_equal(tidmap__init(&m, sizeof(struct ent), GROWN), 0);
	for (uint32_t tid = 1; tid <= GROWN; tid++) {
		struct ent *e = tidmap__add(&m, tid * 7, NULL);

		assert_non_null(e);
		e->val = tid;
	}
	assert_true(tidmap__capacity(&m) >= 2 * GROWN);
	for (uint32_t tid = 1; tid <= GROWN; tid++) {
		const struct ent *e = tidmap__get(&m, tid * 7);

		assert_non_null(e);
		assert_int_equal(e->val, tid);
		assert_null(tidmap__get(&m, tid * 7 + 1));
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
	assert_int_equal(m.refused, 1); /* TID 0 is no refusal: never kept */
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
		cmocka_unit_test(grows_and_keeps_every_entry),
		cmocka_unit_test(refuses_beyond_max_and_tid_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
