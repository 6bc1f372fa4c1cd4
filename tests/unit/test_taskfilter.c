// SPDX-License-Identifier: GPL-2.0
/*
 * The -p/-t/-c rule the BPF programs run (src/bpf/task_filter.h), and top's
 * use of it for a thread and its process's name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpf/task_filter.h"
#include "core/topview.h"

static void no_filter_selects_every_task(void **state)
{
	(void)state;
	assert_false(task_filter__given(0, 0, 0));
	assert_true(task_filter__given(1, 0, 0));
	assert_true(task_filter__given(0, 1, 0));
	assert_true(task_filter__given(0, 0, 3));
	assert_true(task_filter__ids(NULL, 0, NULL, 0, 42, 43));
	assert_true(task_filter__comm("anything", NULL, 0));
}

/* -p and -t select the union: a thread of a listed process, or a listed thread. */
static void pids_and_tids_select_the_union(void **state)
{
	const __u32 pids[] = { 100, 200 }, tids[] = { 301 };

	(void)state;
	assert_true(task_filter__ids(pids, 2, NULL, 0, 200, 201));
	assert_false(task_filter__ids(pids, 2, NULL, 0, 300, 200)); /* a tid is no pid */
	assert_true(task_filter__ids(NULL, 0, tids, 1, 300, 301));
	assert_false(task_filter__ids(NULL, 0, tids, 1, 301, 302)); /* a pid is no tid */
	assert_true(task_filter__ids(pids, 2, tids, 1, 100, 101));
	assert_true(task_filter__ids(pids, 2, tids, 1, 300, 301));
	assert_false(task_filter__ids(pids, 2, tids, 1, 300, 302));
	/* Only the first nr entries count. */
	assert_false(task_filter__ids(pids, 1, NULL, 0, 200, 200));
}

/* The rule looks at TASK_FILTER_MAX_IDS ids at most, as the verifier needs. */
static void lists_are_bounded(void **state)
{
	__u32 ids[TASK_FILTER_MAX_IDS + 1];

	(void)state;
	for (__u32 i = 0; i <= TASK_FILTER_MAX_IDS; i++)
		ids[i] = 1000 + i;
	assert_true(task_filter__has(ids, TASK_FILTER_MAX_IDS, 1000 + TASK_FILTER_MAX_IDS - 1));
	assert_false(task_filter__has(ids, TASK_FILTER_MAX_IDS + 1, 1000 + TASK_FILTER_MAX_IDS));
}

static void comm_is_a_prefix(void **state)
{
	(void)state;
	assert_true(task_filter__comm("fs-child", "fs", 2));
	assert_true(task_filter__comm("fs-child", "fs-child", 8));
	assert_false(task_filter__comm("fs-child", "fs-childX", 9));
	assert_false(task_filter__comm("forkstorm", "fs", 2));
	assert_true(task_filter__comm("0123456789abcde", "0123456789abcde", 15));
}

/*
 * A name shorter than the prefix ends at its NUL, where the compare stops:
 * under ASan, reading a byte past "" would fail the test.
 */
static void short_names_are_not_read_past_their_end(void **state)
{
	char *empty = malloc(1), *ab = malloc(3);

	(void)state;
	assert_non_null(empty);
	assert_non_null(ab);
	empty[0] = '\0';
	memcpy(ab, "ab", 3);
	assert_false(task_filter__comm(empty, "abc", 3));
	assert_false(task_filter__comm(ab, "abc", 3));
	assert_true(task_filter__comm(ab, "ab", 2));
	free(empty);
	free(ab);
}

/* top: -c matches the thread's name or its process's; both filters must pass. */
static void top_matches_thread_or_process_name(void **state)
{
	const uint32_t pids[] = { 7 };
	const struct top_filter by_name = { .comm = "spin", .cpu = -1 };
	const struct top_filter both = { .pids = pids, .nr_pids = 1, .comm = "spin", .cpu = -1 };
	const struct top_filter none = { .cpu = -1 };

	(void)state;
	assert_true(topview__match(&by_name, 7, 8, "spinA", "ssload"));
	assert_true(topview__match(&by_name, 7, 8, "worker", "spinner"));
	assert_false(topview__match(&by_name, 7, 8, "worker", "ssload"));
	assert_true(topview__match(&both, 7, 8, "spinB", "ssload"));
	assert_false(topview__match(&both, 9, 9, "spinB", "ssload"));
	assert_false(topview__match(&both, 7, 8, "worker", "ssload"));
	assert_true(topview__match(&none, 0, 0, "", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_filter_selects_every_task),
		cmocka_unit_test(pids_and_tids_select_the_union),
		cmocka_unit_test(lists_are_bounded),
		cmocka_unit_test(comm_is_a_prefix),
		cmocka_unit_test(short_names_are_not_read_past_their_end),
		cmocka_unit_test(top_matches_thread_or_process_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
