// SPDX-License-Identifier: GPL-2.0
/*
 * reuse__mark(): exactly the rows whose id another row has are marked, rows
 * of id 0 never, whatever the ids' order and however many collide in the
 * index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/reuse.h"

struct rows {
	const uint32_t *id;
	bool *marked;
};

static uint32_t row_id(size_t i, void *ctx)
{
	return ((struct rows *)ctx)->id[i];
}

static void mark(size_t i, void *ctx)
{
	((struct rows *)ctx)->marked[i] = true;
}

static void marks_shared_ids(void **state)
{
	static const uint32_t id[] = { 5, 7, 5, 0, 0, 9, 7, 7 };
	static const bool want[] = { true, true, true, false, false, false, true, true };
	bool marked[8] = { false };
	struct rows r = { id, marked };

	(void)state;
	assert_int_equal(reuse__mark(8, row_id, mark, &r), 0);
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(marked[i], want[i]);
	assert_int_equal(reuse__mark(0, row_id, mark, &r), 0);
}

/* Ids that all land in a few slots of the index, and ids spread over it. */
static void many_rows(void **state)
{
	enum { N = 20000 };
	uint32_t *id = calloc(N, sizeof(*id));
	bool *marked = calloc(N, sizeof(*marked));
	struct rows r = { id, marked };
	size_t n = 0;

	(void)state;
	assert_non_null(id);
	assert_non_null(marked);
	/* Pairs of ids 1 << 17 apart, the last row alone. */
	for (size_t i = 0; i < N; i++)
		id[i] = (uint32_t)((i / 2 + 1) << 17 | (i == N - 1));
	assert_int_equal(reuse__mark(N, row_id, mark, &r), 0);
	for (size_t i = 0; i < N; i++)
		n += marked[i];
	assert_int_equal(n, N - 2);
	assert_false(marked[N - 1]);
	assert_false(marked[N - 2]);
	free(id);
	free(marked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(marks_shared_ids),
		cmocka_unit_test(many_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
