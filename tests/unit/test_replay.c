// SPDX-License-Identifier: GPL-2.0
/*
 * Replays scripted observation sequences (tests/unit/cases/NAME.in) through
 * the accounting core, the top view and the JSON writer, and compares the
 * reports with tests/unit/cases/NAME.out. REPLAY_WRITE=1 rewrites the .out
 * files (review the diff before committing one).
 *
 * Script lines (# starts a comment):
 *   new max=N                      a fresh core tracking at most N threads
 *   pass [baseline t0=NS]          an iterator pass begins
 *   obs tid= pid= start= [pstart=] comm= [pcomm=] rt= rd= vcsw= ivcsw= migr= wake= maxwait= [exited]
 *   end                            the pass ends
 *   idle cpu=N ns=NS sw=N          that CPU's idle figures for the next report
 *   report dur=NS by=pid|tid|comm sort=FIELD rows=N [pid=N] [tid=N] [comm=S] [idle]
 *   expect_size N                  threads the core still tracks
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/acct.h"
#include "core/report.h"
#include "core/topview.h"
#include "out/top_out.h"

#ifndef CASES_DIR
#define CASES_DIR "tests/unit/cases"
#endif

#define MAX_IDLE_CPUS 8

struct replay {
	struct acct *acct;
	uint64_t max_threads;
	uint64_t idle_ns[MAX_IDLE_CPUS];
	uint64_t idle_sw[MAX_IDLE_CPUS];
	int nr_idle;
	FILE *out;
};

/* The value of key=VALUE among the words of line, or NULL. */
static const char *field(const char *line, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);

	for (const char *p = line; (p = strstr(p, key)); p++) {
		if ((p == line || p[-1] == ' ') && p[klen] == '=') {
			size_t n = strcspn(p + klen + 1, " \n");

			if (n >= len)
				n = len - 1;
			memcpy(buf, p + klen + 1, n);
			buf[n] = '\0';
			return buf;
		}
	}
	return NULL;
}

static uint64_t num(const char *line, const char *key)
{
	char buf[64];

	return field(line, key, buf, sizeof(buf)) ? strtoull(buf, NULL, 0) : 0;
}

static bool word(const char *line, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = line; (p = strstr(p, w)); p++)
		if ((p == line || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

static void collect(const struct acct_delta *d, void *arg)
{
	topview__add_thread(arg, d);
}

static void do_report(struct replay *r, const char *line)
{
	char by_s[16] = "pid", sort_s[16] = "cpu", comm[16];
	uint32_t pid = (uint32_t)num(line, "pid"), tid = (uint32_t)num(line, "tid");
	struct top_filter f = { .cpu = -1 };
	struct report_meta m = { 0 };
	enum top_by by;
	enum top_sort sort;
	struct top_view v;

	field(line, "by", by_s, sizeof(by_s));
	field(line, "sort", sort_s, sizeof(sort_s));
	assert_int_equal(topview__parse_by(by_s, &by), 0);
	assert_int_equal(topview__parse_sort(sort_s, &sort), 0);
	if (pid) {
		f.pids = &pid;
		f.nr_pids = 1;
	}
	if (tid) {
		f.tids = &tid;
		f.nr_tids = 1;
	}
	f.comm = field(line, "comm", comm, sizeof(comm));
	f.idle = word(line, "idle");
	topview__init(&v, by, sort, &f);
	acct__close(r->acct, collect, &v);
	for (int c = 0; c < r->nr_idle; c++)
		topview__add_idle(&v, (uint32_t)c, r->idle_ns[c], r->idle_sw[c]);
	r->nr_idle = 0;
	m.duration_ns = num(line, "dur");
	m.nr_cpus = 2;
	m.max_threads = r->max_threads;
	acct__report_losses(r->acct, &m.loss);
	topview__finish(&v, m.duration_ns, num(line, "rows"));
	top_out__json(r->out, &v, &m);
	topview__fini(&v);
}

static void do_obs(struct replay *r, const char *line)
{
	struct acct_obs o;
	char comm[32] = "", pcomm[32] = "";

	memset(&o, 0, sizeof(o));
	o.tid = (uint32_t)num(line, "tid");
	o.pid = (uint32_t)num(line, "pid");
	o.start_ns = num(line, "start");
	/* A main thread's process started with it; another thread names pstart. */
	o.pstart_ns = o.tid == o.pid ? o.start_ns : num(line, "pstart");
	field(line, "comm", comm, sizeof(comm));
	memcpy(o.comm, comm, sizeof(o.comm) - 1);
	field(line, "pcomm", pcomm, sizeof(pcomm));
	memcpy(o.pcomm, pcomm, sizeof(o.pcomm) - 1);
	o.c.runtime_ns = num(line, "rt");
	o.c.run_delay_ns = num(line, "rd");
	o.c.nvcsw = num(line, "vcsw");
	o.c.nivcsw = num(line, "ivcsw");
	o.c.migrations = num(line, "migr");
	o.c.wakeups = num(line, "wake");
	o.wait_max_ns = num(line, "maxwait");
	o.exited = word(line, "exited");
	acct__observe(r->acct, &o);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET)) {
		buf = calloc(1, (size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static void run_case(void **state)
{
	const char *name = *state;
	char path[256], line[512], *got = NULL, *want;
	struct replay r = { 0 };
	size_t got_len = 0, want_len = 0;
	FILE *in;

	snprintf(path, sizeof(path), "%s/%s.in", CASES_DIR, name);
	in = fopen(path, "r");
	assert_non_null(in);
	r.out = open_memstream(&got, &got_len);
	assert_non_null(r.out);
	while (fgets(line, sizeof(line), in)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!strncmp(line, "new", 3)) {
			acct__free(r.acct);
			r.max_threads = num(line, "max");
			r.acct = acct__new(r.max_threads);
			assert_non_null(r.acct);
		} else if (!strncmp(line, "pass", 4)) {
			acct__begin_pass(r.acct, word(line, "baseline"), num(line, "t0"));
		} else if (!strncmp(line, "obs", 3)) {
			do_obs(&r, line);
		} else if (!strncmp(line, "end", 3)) {
			acct__end_pass(r.acct);
		} else if (!strncmp(line, "idle", 4)) {
			assert_true(r.nr_idle < MAX_IDLE_CPUS);
			r.idle_ns[r.nr_idle] = num(line, "ns");
			r.idle_sw[r.nr_idle++] = num(line, "sw");
		} else if (!strncmp(line, "report", 6)) {
			do_report(&r, line);
		} else if (!strncmp(line, "expect_size", 11)) {
			assert_int_equal(acct__size(r.acct), strtoull(line + 11, NULL, 10));
		} else {
			fail_msg("%s: unknown line: %s", path, line);
		}
	}
	fclose(in);
	fclose(r.out);
	acct__free(r.acct);

	snprintf(path, sizeof(path), "%s/%s.out", CASES_DIR, name);
	if (getenv("REPLAY_WRITE")) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fwrite(got, 1, got_len, f);
		fclose(f);
	}
	want = slurp(path, &want_len);
	assert_non_null(want);
	if (got_len != want_len || memcmp(got, want, got_len))
		fail_msg("%s differs:\n--- expected\n%s--- got\n%s", name, want, got);
	free(want);
	free(got);
}

#define CASE(n)                                      \
	{                                            \
#n, run_case, NULL, NULL, (void *)#n \
	}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE(running_before_start),
		CASE(slice_split_across_intervals),
		CASE(pid_reuse),
		CASE(exit_mid_interval),
		CASE(idle_per_cpu),
		CASE(aggregate_and_filter),
		CASE(table_full),
		CASE(exec_rename),
		CASE(fold_when_full),
		CASE(pid_reuse_process),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
