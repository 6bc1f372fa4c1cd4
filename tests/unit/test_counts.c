// SPDX-License-Identifier: GPL-2.0
/* Counts by key: rows merged, ordered, found and written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/counts.h"
#include "core/lathist.h"
#include "out/count_out.h"
#include "out/hist_out.h"

struct key {
	uint32_t epoch;
	uint32_t probe;
	int32_t prio;
	char comm[16];
};

static struct key mk(uint32_t probe, int32_t prio, const char *comm)
{
	struct key k;

	memset(&k, 0, sizeof(k));
	k.probe = probe;
	k.prio = prio;
	strncpy(k.comm, comm, sizeof(k.comm));
	return k;
}

static int add1(struct count_rows *r, const void *key, uint64_t n)
{
	return count_rows__add(r, key, &n);
}

/* The same key twice (a late add, or two CPUs) is one row; zeros are dropped. */
static void test_merge_and_order(void **state)
{
	struct count_rows r;
	struct key a = mk(1, 120, "a"), b = mk(0, 120, "b"), c = mk(2, 99, "c"), z = mk(3, 0, "z");

	(void)state;
	count_rows__init(&r, sizeof(struct key), 1);
	assert_int_equal(add1(&r, &a, 5), 0);
	assert_int_equal(add1(&r, &b, 7), 0);
	assert_int_equal(add1(&r, &z, 0), 0);
	assert_int_equal(add1(&r, &a, 4), 0);
	assert_int_equal(add1(&r, &c, 9), 0);
	assert_int_equal(count_rows__finish(&r), 0);
	assert_int_equal(r.nr, 3);
	assert_int_equal(r.total, 25);
	/* 9 and 9: the tie goes by key, probe 1 ("a") before probe 2 ("c"). */
	assert_int_equal(r.counts[0], 9);
	assert_memory_equal(count_rows__key(&r, 0), &a, sizeof(a));
	assert_int_equal(r.counts[1], 9);
	assert_memory_equal(count_rows__key(&r, 1), &c, sizeof(c));
	assert_int_equal(r.counts[2], 7);
	count_rows__clear(&r);
	assert_int_equal(r.nr, 0);
	assert_int_equal(count_rows__finish(&r), 0);
	count_rows__free(&r);
}

/* A text column shows what the key leads to, escaped in JSON like a name. */
static const char *prio_word(const struct count_col *c, const void *key, char *buf, size_t len)
{
	const struct key *k = key;

	(void)c;
	snprintf(buf, len, k->prio < 100 ? "rt\"%d" : "normal", (int)k->prio);
	return buf;
}

static void test_text_column(void **state)
{
	const struct count_col cols[] = {
		{ .head = "CLASS",
		  .member = "class",
		  .width = -7,
		  .kind = COUNT_COL_TEXT,
		  .text = prio_word },
	};
	struct count_rows r;
	struct key a = mk(0, 10, "a"), b = mk(0, 120, "b");
	struct count_table t = { .member = "rows", .rows = &r, .cols = cols, .nr_cols = 1 };
	struct count_report c = {
		.type = "count", .tables = &t, .nr_tables = 1, .full_hint = "", .untraced = -1
	};
	struct report_meta m;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(&m, 0, sizeof(m));
	count_rows__init(&r, sizeof(struct key), 1);
	assert_int_equal(add1(&r, &a, 2), 0);
	assert_int_equal(add1(&r, &b, 1), 0);
	assert_int_equal(count_rows__finish(&r), 0);
	f = open_memstream(&buf, &len);
	assert_int_equal(count_out__table(f, &c, &m), 0);
	fclose(f);
	assert_string_equal(buf, "CLASS          COUNT\n"
				 "rt\"10              2\n"
				 "normal             1\n"
				 "total 3 in 2 rows over 0.000 s\n\n");
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_int_equal(count_out__json(f, &c, &m), 0);
	fclose(f);
	assert_non_null(strstr(buf, "[{\"class\":\"rt\\\"10\",\"count\":2},"));
	free(buf);
	count_rows__free(&r);
}

/* Several counts per key: added one by one, ranked by their sum, each written. */
static void test_values(void **state)
{
	static const char *const heads[] = { "VOL", "INVOL" };
	static const char *const members[] = { "voluntary", "involuntary" };
	const struct count_col cols[] = {
		{ .head = "COMM",
		  .member = "comm",
		  .width = -4,
		  .off = offsetof(struct key, comm),
		  .kind = COUNT_COL_COMM },
	};
	struct count_rows r;
	struct key a = mk(0, 0, "a"), b = mk(0, 0, "b");
	const uint64_t a1[2] = { 1, 5 }, a2[2] = { 2, 0 }, b1[2] = { 7, 0 }, z[2] = { 0, 0 };
	struct count_table t = { .member = "rows",
				 .rows = &r,
				 .cols = cols,
				 .nr_cols = 1,
				 .value_heads = heads,
				 .value_members = members };
	struct count_report c = {
		.type = "preempt", .tables = &t, .nr_tables = 1, .full_hint = "", .untraced = -1
	};
	struct report_meta m;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(&m, 0, sizeof(m));
	count_rows__init(&r, sizeof(struct key), 2);
	assert_int_equal(count_rows__add(&r, &a, a1), 0);
	assert_int_equal(count_rows__add(&r, &b, b1), 0);
	assert_int_equal(count_rows__add(&r, &a, a2), 0);
	assert_int_equal(count_rows__add(&r, &b, z), 0);
	assert_int_equal(count_rows__finish(&r), 0);
	assert_int_equal(r.nr, 2);
	assert_int_equal(r.total, 15);
	/* a: 3 + 5 = 8 ranks above b: 7. */
	assert_memory_equal(count_rows__key(&r, 0), &a, sizeof(a));
	assert_int_equal(count_rows__counts(&r, 0)[0], 3);
	assert_int_equal(count_rows__counts(&r, 0)[1], 5);
	assert_int_equal(count_rows__sum(&r, 1), 7);
	f = open_memstream(&buf, &len);
	assert_int_equal(count_out__json(f, &c, &m), 0);
	fclose(f);
	assert_string_equal(buf, "{\"type\":\"preempt\",\"duration_ns\":0,\"total\":15,"
				 "\"rows_total\":2,\"rows\":[{\"comm\":\"a\",\"voluntary\":3,"
				 "\"involuntary\":5},{\"comm\":\"b\",\"voluntary\":7,"
				 "\"involuntary\":0}],\"lost\":{\"table_full\":0}}\n");
	free(buf);
	count_rows__free(&r);
}

static void test_find(void **state)
{
	struct count_rows r;
	struct key k[40];

	(void)state;
	count_rows__init(&r, sizeof(struct key), 1);
	for (int i = 0; i < 40; i++) {
		k[i] = mk((uint32_t)(i * 7 % 40), i, "x");
		assert_int_equal(add1(&r, &k[i], (uint64_t)i + 1), 0);
	}
	assert_int_equal(count_rows__sort_keys(&r), 0);
	for (int i = 0; i < 40; i++) {
		long at = count_rows__find(&r, &k[i]);

		assert_true(at >= 0);
		assert_int_equal(r.counts[at], i + 1);
	}
	k[0].prio = 1000;
	assert_int_equal(count_rows__find(&r, &k[0]), -1);
	count_rows__free(&r);
}

/* The writers show the key's columns, names for named numbers, and escape JSON. */
static void test_writers(void **state)
{
	static const char *const names[] = { "zero", "one" };
	const struct count_col cols[] = {
		{ .head = "PROBE",
		  .member = "probe",
		  .width = -6,
		  .off = offsetof(struct key, probe),
		  .kind = COUNT_COL_NAME,
		  .names = names,
		  .nr_names = 2 },
		{ .head = "PRIO",
		  .member = "prio",
		  .width = 5,
		  .off = offsetof(struct key, prio),
		  .kind = COUNT_COL_S32 },
		{ .head = "COMM",
		  .member = "comm",
		  .width = -4,
		  .off = offsetof(struct key, comm),
		  .kind = COUNT_COL_COMM },
	};
	struct count_rows r;
	struct key a = mk(1, -1, "a\nb"), b = mk(7, 120, "q");
	struct count_table t = { .member = "rows", .rows = &r, .cols = cols, .nr_cols = 3 };
	struct count_report c = { .type = "count",
				  .tables = &t,
				  .nr_tables = 1,
				  .full = 3,
				  .full_hint = "--max-keys",
				  .untraced = 5 };
	struct report_meta m;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.duration_ns = 2000000000ull;
	count_rows__init(&r, sizeof(struct key), 1);
	assert_int_equal(add1(&r, &a, 10), 0);
	assert_int_equal(add1(&r, &b, 3), 0);
	assert_int_equal(count_rows__finish(&r), 0);
	f = open_memstream(&buf, &len);
	assert_int_equal(count_out__table(f, &c, &m), 0);
	fclose(f);
	assert_string_equal(buf,
			    "PROBE   PRIO COMM        COUNT\n"
			    "one       -1 a?b            10\n"
			    "7        120 q               3\n"
			    "total 13 in 2 rows over 2.000 s\n"
			    "lost: 3 counts found the key table full (--max-keys)\n"
			    "untraced: 5 switches the kernel counted but its tracepoint never "
			    "showed, so on-cpu and off-cpu miss them (docs/accounting.md)\n\n");
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	c.max_rows = 1;
	assert_int_equal(count_out__json(f, &c, &m), 0);
	fclose(f);
	assert_string_equal(
		buf, "{\"type\":\"count\",\"duration_ns\":2000000000,\"total\":13,\"rows_total\":2,"
		     "\"rows\":[{\"probe\":\"one\",\"prio\":-1,\"comm\":\"a\\u000ab\","
		     "\"count\":10}],\"lost\":{\"table_full\":3,\"untraced_switches\":5}}\n");
	free(buf);
	count_rows__free(&r);
}

/*
 * Roles: a maximum merges as the larger, the total counts one value, rows
 * rank by another (syscount -L: calls total, time ranks).
 */
static void test_roles(void **state)
{
	struct key a = mk(1, 0, "a"), b = mk(2, 0, "b");
	const uint64_t a1[] = { 1, 10, 10 }, a2[] = { 2, 30, 25 }, b1[] = { 5, 5, 3 };
	struct count_rows r;

	(void)state;
	count_rows__init(&r, sizeof(struct key), 3);
	count_rows__set_roles(&r, 0, 1, 2);
	assert_int_equal(count_rows__add(&r, &b, b1), 0);
	assert_int_equal(count_rows__add(&r, &a, a1), 0);
	assert_int_equal(count_rows__add(&r, &a, a2), 0);
	assert_int_equal(count_rows__finish(&r), 0);
	assert_int_equal(r.nr, 2);
	assert_int_equal(r.total, 8);
	/* a ranks first by its time (40), though b has more calls (5). */
	assert_memory_equal(count_rows__key(&r, 0), &a, sizeof(a));
	assert_int_equal(count_rows__counts(&r, 0)[0], 3);
	assert_int_equal(count_rows__counts(&r, 0)[1], 40);
	assert_int_equal(count_rows__counts(&r, 0)[2], 25);
	/* The roles outlive a free, as the reader's rows are reused. */
	count_rows__free(&r);
	assert_int_equal(r.max_value, 2);
	count_rows__free(&r);
}

static const char *key_name(const struct count_col *c, const void *key, char *buf, size_t len)
{
	snprintf(buf, len, "%s%u", (const char *)c->text_ctx, ((const struct key *)key)->probe);
	return buf;
}

/* Histogram rows: a block per key in text, a "latency" member in JSON. */
static void test_hist_rows(void **state)
{
	const struct count_col cols[] = {
		{ .head = "SYSCALL",
		  .member = "syscall",
		  .width = -22,
		  .kind = COUNT_COL_TEXT,
		  .text = key_name,
		  .text_ctx = "nr" },
	};
	const struct hist_out_ctx ctx = { "usecs", "us", "calls" };
	struct key k = mk(230, 0, "x");
	struct lat_dist d;
	struct count_rows r;
	struct count_table t = { .member = "rows", .rows = &r, .cols = cols, .nr_cols = 1 };
	struct count_report c = {
		.type = "syscount", .tables = &t, .nr_tables = 1, .full_hint = "", .untraced = -1
	};
	struct report_meta m;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(&d, 0, sizeof(d));
	memset(&m, 0, sizeof(m));
	m.duration_ns = 1000000000;
	/* Two 20 ms sleeps, as hist.bpf.h counts them with usecs slots. */
	d.count = 2;
	d.sum_ns = 40200000;
	d.max_ns = 20100000;
	d.log2[lat__log2_slot(20100000 / 1000)] = 2;
	d.fine[lat__fine_bucket(20100000)] = 2;
	count_rows__init(&r, sizeof(struct key), SS_HIST_NR_VALUES);
	count_rows__set_roles(&r, SS_HIST_COUNT, SS_HIST_COUNT, SS_HIST_MAX);
	assert_int_equal(count_rows__add(&r, &k, (const uint64_t *)&d), 0);
	assert_int_equal(count_rows__finish(&r), 0);
	hist_out__table(&t, &ctx);
	f = open_memstream(&buf, &len);
	assert_int_equal(count_out__table(f, &c, &m), 0);
	assert_int_equal(count_out__json(f, &c, &m), 0);
	fclose(f);
	assert_non_null(
		strstr(buf, "SYSCALL = nr230\n     usecs               : count    distribution\n"));
	assert_non_null(strstr(buf, "     16384 -> 32767      : 2        |*****"));
	assert_non_null(strstr(buf, "  calls 2  avg 20.1 ms  p50 20.1 ms  p90 20.1 ms  p99 20.1 ms"
				    "  p99.9 20.1 ms  max 20.1 ms\n"));
	assert_non_null(strstr(buf, "total 2 in 1 rows over 1.000 s\n"));
	assert_non_null(strstr(buf,
			       "\"rows\":[{\"syscall\":\"nr230\",\"latency\":{\"count\":2,"
			       "\"sum_ns\":40200000,\"max_ns\":20100000,\"p50_ns\":20100000,"));
	assert_non_null(
		strstr(buf, "\"fine\":[{\"lo_ns\":18874368,\"hi_ns\":20971520,\"count\":2}]"));
	free(buf);
	count_rows__free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_and_order), cmocka_unit_test(test_values),
		cmocka_unit_test(test_text_column),	cmocka_unit_test(test_find),
		cmocka_unit_test(test_writers),		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_hist_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
