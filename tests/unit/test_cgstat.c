// SPDX-License-Identifier: GPL-2.0
/*
 * The exporter's cgroup registry: depth, patterns, the cap and (other),
 * expiry of cgroups and series, counters that never go backwards while
 * cgroups come and go; and the walk of a real directory tree and of a
 * mountinfo with the cgroup2 line where hybrid systems have it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cgstat.h"
#include "core/cgwalk.h"

#define SEC 1000000000ull

static struct cgstat *new_reg(unsigned depth, size_t max_cgroups, uint64_t expiry_s)
{
	struct cgstat_opts o = { .depth = depth,
				 .max_series = (max_cgroups + 1) * CGSTAT_SERIES_PER_CGROUP,
				 .expiry_ns = expiry_s * SEC };
	struct cgstat *r = cgstat__new(&o);

	assert_non_null(r);
	return r;
}

static const struct cgseries *find(const struct cgstat *r, const char *path)
{
	for (size_t i = 0; i < cgstat__nr_series(r); i++)
		if (!strcmp(cgstat__series(r, i)->path, path))
			return cgstat__series(r, i);
	return NULL;
}

static void cpu(struct cgstat *r, uint64_t id, uint64_t ns)
{
	struct acct_counters d = { .runtime_ns = ns, .nvcsw = 1 };

	cgstat__add(r, id, &d);
}

static void truncates(void **state)
{
	char out[64];

	(void)state;
	cgstat__truncate("/", 3, out, sizeof(out));
	assert_string_equal(out, "/");
	cgstat__truncate("/a/b/c/d", 2, out, sizeof(out));
	assert_string_equal(out, "/a/b");
	cgstat__truncate("/a//b", 4, out, sizeof(out));
	assert_string_equal(out, "/a/b");
	cgstat__truncate("/a/b", 0, out, sizeof(out));
	assert_string_equal(out, "/");
	cgstat__truncate("/kubepods.slice/pod1/ctr", 1, out, sizeof(out));
	assert_string_equal(out, "/kubepods.slice");
}

/* Deeper cgroups add to their ancestor at the depth; unknown ids are counted. */
static void depth_folds(void **state)
{
	struct cgstat *r = new_reg(1, 10, 60);

	(void)state;
	cgstat__begin_walk(r, 1 * SEC);
	cgstat__see(r, 1, "/");
	cgstat__see(r, 2, "/a");
	cgstat__see(r, 3, "/a/x");
	cgstat__end_walk(r, NULL, NULL);
	cpu(r, 2, 100);
	cpu(r, 3, 50);
	cpu(r, 1, 7);
	cpu(r, 99, 1000);
	assert_int_equal(cgstat__nr_series(r), 2);
	assert_int_equal(find(r, "/a")->c.runtime_ns, 150);
	assert_int_equal(find(r, "/")->c.runtime_ns, 7);
	assert_int_equal(cgstat__losses(r)->unresolved, 1);
	cgstat__free(r);
}

static void patterns(void **state)
{
	struct cgstat_opts o = { .depth = 4,
				 .include = "/sys*",
				 .exclude = "*/skip*",
				 .max_series = 100 * CGSTAT_SERIES_PER_CGROUP,
				 .expiry_ns = SEC };
	struct cgstat *r = cgstat__new(&o);

	(void)state;
	cgstat__begin_walk(r, SEC);
	cgstat__see(r, 1, "/");
	cgstat__see(r, 2, "/system.slice");
	cgstat__see(r, 3, "/system.slice/skipme");
	cgstat__see(r, 4, "/user.slice");
	cgstat__end_walk(r, NULL, NULL);
	cpu(r, 3, 5);
	assert_int_equal(cgstat__nr_series(r), 1);
	assert_string_equal(cgstat__series(r, 0)->path, "/system.slice");
	/* Filtered out on purpose: not a loss. */
	assert_int_equal(cgstat__losses(r)->unresolved, 0);
	cgstat__free(r);
}

/* Past the cap, cgroups go to (other), counted once each. */
static void cap_to_other(void **state)
{
	struct cgstat *r = new_reg(4, 2, 60);
	char path[32];

	(void)state;
	for (int walk = 0; walk < 2; walk++) {
		cgstat__begin_walk(r, (uint64_t)(walk + 1) * SEC);
		for (uint64_t id = 1; id <= 5; id++) {
			snprintf(path, sizeof(path), "/c%llu", (unsigned long long)id);
			cgstat__see(r, id, path);
		}
		cgstat__end_walk(r, NULL, NULL);
	}
	for (uint64_t id = 1; id <= 5; id++)
		cpu(r, id, 10);
	assert_int_equal(cgstat__nr_series(r), 3);
	assert_int_equal(cgstat__losses(r)->cap_folded, 3);
	assert_int_equal(find(r, CGSTAT_OTHER)->c.runtime_ns, 30);
	assert_int_equal(find(r, "/c1")->c.runtime_ns, 10);
	cgstat__free(r);
}

static uint64_t forgotten[16];
static size_t nr_forgotten;

static void forget(void *ctx, uint64_t id)
{
	(void)ctx;
	forgotten[nr_forgotten++] = id;
}

/*
 * A removed cgroup's series stays, its counters as they were, until expiry;
 * the histogram only adds growth; then the series and the id go.
 */
static void expiry_and_monotonic(void **state)
{
	struct cgstat *r = new_reg(4, 10, 10);
	struct cg_hist h = { 0 };
	const struct cgseries *s;

	(void)state;
	nr_forgotten = 0;
	cgstat__begin_walk(r, 1 * SEC);
	cgstat__see(r, 1, "/");
	cgstat__see(r, 7, "/job");
	cgstat__end_walk(r, forget, NULL);
	cpu(r, 7, 100);
	h.count = 3;
	h.sum_ns = 3000;
	h.slot[0] = 2;
	h.slot[4] = 1;
	cgstat__hist(r, 7, &h);
	h.count = 4;
	h.slot[0] = 3;
	cgstat__hist(r, 7, &h);
	s = find(r, "/job");
	assert_int_equal(s->h.count, 4);
	assert_int_equal(s->h.slot[0], 3);
	assert_int_equal(s->h.sum_ns, 3000);
	/* Gone from the walk: kept (its exited threads' last deltas still land). */
	cgstat__begin_walk(r, 5 * SEC);
	cgstat__see(r, 1, "/");
	cgstat__end_walk(r, forget, NULL);
	cpu(r, 7, 20);
	assert_int_equal(find(r, "/job")->c.runtime_ns, 120);
	assert_int_equal(nr_forgotten, 0);
	cgstat__begin_walk(r, 12 * SEC);
	cgstat__see(r, 1, "/");
	cgstat__end_walk(r, forget, NULL);
	assert_null(find(r, "/job"));
	assert_int_equal(nr_forgotten, 1);
	assert_int_equal(forgotten[0], 7);
	assert_int_equal(cgstat__losses(r)->expired, 1);
	assert_int_equal(cgstat__nr_ids(r), 1);
	cgstat__free(r);
}

/* A histogram heard of before any walk found its cgroup counts only later growth. */
static void orphan_hist(void **state)
{
	struct cgstat *r = new_reg(4, 10, 10);
	struct cg_hist h = { .count = 5, .slot = { 5 } };

	(void)state;
	cgstat__begin_walk(r, SEC);
	cgstat__end_walk(r, NULL, NULL);
	cgstat__hist(r, 9, &h);
	cgstat__begin_walk(r, 2 * SEC);
	cgstat__see(r, 9, "/late");
	cgstat__end_walk(r, NULL, NULL);
	h.count = 6;
	h.slot[0] = 6;
	cgstat__hist(r, 9, &h);
	assert_int_equal(find(r, "/late")->h.count, 1);
	assert_int_equal(cgstat__losses(r)->unresolved, 1);
	cgstat__free(r);
}

struct seen {
	char paths[8][64];
	uint64_t ids[8];
	int n;
};

static int on_dir(void *ctx, uint64_t id, const char *path)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		snprintf(s->paths[s->n], sizeof(s->paths[0]), "%s", path);
		s->ids[s->n++] = id;
	}
	return 0;
}

static void walks_a_tree(void **state)
{
	char root[] = "/tmp/cgwalk.XXXXXX", p[128];
	struct seen s = { .n = 0 };
	struct stat st;
	bool found = false;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/a", root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/a/b", root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/file", root);
	fclose(fopen(p, "w"));
	assert_int_equal(cgwalk__walk(root, on_dir, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.paths[0], "/");
	assert_string_equal(s.paths[1], "/a");
	assert_string_equal(s.paths[2], "/a/b");
	snprintf(p, sizeof(p), "%s/a/b", root);
	assert_int_equal(stat(p, &st), 0);
	for (int i = 0; i < s.n; i++)
		found |= s.ids[i] == (uint64_t)st.st_ino;
	assert_true(found);
	unlink(strcat(strcpy(p, root), "/file"));
	rmdir(strcat(strcpy(p, root), "/a/b"));
	rmdir(strcat(strcpy(p, root), "/a"));
	rmdir(root);
	assert_int_equal(cgwalk__walk(root, on_dir, &s), -ENOENT);
}

static void finds_the_v2_mount(void **state)
{
	static const char hybrid[] =
		"25 30 0:23 / /sys rw,nosuid - sysfs sysfs rw\n"
		"35 25 0:31 / /sys/fs/cgroup ro - tmpfs tmpfs ro,mode=755\n"
		"36 35 0:32 / /sys/fs/cgroup/unified rw,relatime shared:10 - cgroup2 cgroup2 rw\n"
		"37 35 0:33 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n";
	static const char spaced[] = "40 1 0:40 / /mnt/my\\040cg rw - cgroup2 none rw\n";
	static const char none[] = "37 35 0:33 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n";
	char out[64];
	FILE *f;

	(void)state;
	f = fmemopen((void *)hybrid, sizeof(hybrid) - 1, "r");
	assert_int_equal(cgwalk__v2_mount(f, out, sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup/unified");
	fclose(f);
	f = fmemopen((void *)spaced, sizeof(spaced) - 1, "r");
	assert_int_equal(cgwalk__v2_mount(f, out, sizeof(out)), 0);
	assert_string_equal(out, "/mnt/my cg");
	fclose(f);
	f = fmemopen((void *)none, sizeof(none) - 1, "r");
	assert_int_equal(cgwalk__v2_mount(f, out, sizeof(out)), -ENOENT);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(truncates),
		cmocka_unit_test(depth_folds),
		cmocka_unit_test(patterns),
		cmocka_unit_test(cap_to_other),
		cmocka_unit_test(expiry_and_monotonic),
		cmocka_unit_test(orphan_hist),
		cmocka_unit_test(walks_a_tree),
		cmocka_unit_test(finds_the_v2_mount),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
