// SPDX-License-Identifier: GPL-2.0
/*
 * opensnoop's --path pre-filter (src/bpf/open_logic.h): prefixes split as
 * user space splits them before load, and the rule the kernel runs on the
 * walked names checked against the exact string filter on many paths: it
 * must never reject a path the string filter takes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpf/open_logic.h"

static struct ss_open_prefix split(const char *s)
{
	struct ss_open_prefix p;

	memset(&p, 0, sizeof(p));
	open_logic__split(&p, s);
	return p;
}

static void test_split(void **state)
{
	struct ss_open_prefix p = split("/home/u/project_dir");
	char deep[SS_PATH_PREFIX_LEN] = "";

	(void)state;
	assert_int_equal(p.len, 19);
	assert_int_equal(p.nr_comps, 3);
	assert_int_equal(p.comp_len[0], 4);
	assert_int_equal(p.comp_len[2], 11);
	assert_true(p.head[0] == open_logic__head("home", 4));
	assert_true(p.head[2] == open_logic__head("project_", 8));
	assert_memory_equal(p.s, "/home/u/project_dir", 20);

	/* The root watches everything; trailing slashes are dropped. */
	assert_int_equal(split("/").nr_comps, 0);
	p = split("/tmp//");
	assert_int_equal(p.nr_comps, 1);
	assert_int_equal(p.len, 6);
	/* An empty inner component stays: it matches no walked name. */
	p = split("/a//b");
	assert_int_equal(p.nr_comps, 3);
	assert_int_equal(p.comp_len[1], 0);

	/* More components than compared: all counted, the first kept. */
	for (int i = 0; i < 60; i++)
		strcat(deep, "/x");
	p = split(deep);
	assert_int_equal(p.nr_comps, 60);
	assert_int_equal(p.comp_len[SS_PREFIX_COMPS - 1], 1);
}

/* path_watched() of opensnoop.bpf.c: the authority. */
static bool string_watched(const char *path, const char *prefix)
{
	size_t plen = strlen(prefix);

	if (strncmp(path, prefix, plen))
		return false;
	return !path[plen] || path[plen] == '/' || prefix[plen - 1] == '/';
}

/*
 * prefix_step() of opensnoop.bpf.c on a path of walked names (alone: no
 * name after them) or of a directory's names and then a name (not alone).
 */
static bool may_watch(const struct ss_open_prefix *p, const char *walked, bool alone)
{
	const char *names[SS_PATH_PREFIX_LEN];
	uint32_t lens[SS_PATH_PREFIX_LEN], nr = 0;

	for (const char *c = walked; *c == '/';) {
		const char *end = strchr(c + 1, '/');

		names[nr] = c + 1;
		lens[nr] = (uint32_t)(end ? end - c - 1 : (long)strlen(c + 1));
		nr++;
		c += 1 + lens[nr - 1];
	}
	if (p->nr_comps > nr)
		return !alone;
	for (uint32_t j = 0; j < p->nr_comps; j++)
		if (!open_logic__comp_may_equal(p, j, lens[j], open_logic__head(names[j], lens[j])))
			return false;
	return true;
}

/* A random absolute path of names from a few that share lengths and starts. */
static void random_path(char *buf, size_t size, unsigned int depth, bool trailing)
{
	static const char *const names[] = { "a",	 "b",	       "ab",	     "tmp",
					     "usr",	 "longname_a", "longname_b", "longname_aa",
					     "x1234567", "x1234568" };
	size_t n = sizeof(names) / sizeof(names[0]);

	buf[0] = 0;
	for (unsigned int i = 0; i < depth; i++) {
		strncat(buf, "/", size - strlen(buf) - 1);
		strncat(buf, names[(size_t)rand() % n], size - strlen(buf) - 1);
	}
	if (!depth || trailing)
		strncat(buf, "/", size - strlen(buf) - 1);
}

/*
 * Random prefixes against random paths: a file's (its walked names alone)
 * or a failed open's (a directory's walked names, then a name as given).
 * With names of at most 8 bytes and no trailing slash the rule is exact
 * for a file, so it rejects something too.
 */
static void test_never_rejects_a_match(void **state)
{
	static const char *const given[] = { "tmp", "ab/c", "", "../a", "longname_a" };
	char prefix[128], dir[256], path[300];
	unsigned long matched = 0, rejected = 0;

	(void)state;
	srand(12);
	for (int i = 0; i < 200000; i++) {
		bool alone = rand() % 2, exact, verdict, trailing = rand() % 8 == 0;
		struct ss_open_prefix p;

		random_path(prefix, sizeof(prefix), (unsigned int)rand() % 4, trailing);
		random_path(dir, sizeof(dir), (unsigned int)rand() % 5, false);
		if (!strcmp(dir, "/"))
			dir[0] = 0; /* the root: no walked name */
		if (alone)
			snprintf(path, sizeof(path), "%s", dir[0] ? dir : "/");
		else
			snprintf(path, sizeof(path), "%s/%s", dir, given[(size_t)rand() % 5]);
		p = split(prefix);
		exact = string_watched(path, prefix);
		verdict = may_watch(&p, dir, alone);
		if (exact && !verdict)
			fail_msg("prefix %s rejects %s", prefix, path);
		if (alone && !trailing && !strstr(prefix, "longname") && !strstr(dir, "longname") &&
		    verdict != exact)
			fail_msg("prefix %s, path %s: not exact", prefix, path);
		matched += exact;
		rejected += !verdict;
	}
	assert_true(matched > 10000 && rejected > 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_never_rejects_a_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
