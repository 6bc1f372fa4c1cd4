// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus' text format as the exporter writes it: label escaping and
 * UTF-8 repair, exact seconds, cumulative le buckets ending at +Inf equal
 * to _count, and a whole scrape with HELP and TYPE once per family; in
 * OpenMetrics, counter families without _total, an info family and # EOF,
 * chosen from the Accept header as Prometheus and curl send it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/cgstat.h"
#include "out/exporter_out.h"
#include "out/prom_out.h"

struct buf {
	char *text;
	size_t len;
	FILE *f;
};

static void open_buf(struct buf *b)
{
	b->text = NULL;
	b->f = open_memstream(&b->text, &b->len);
	assert_non_null(b->f);
}

static char *close_buf(struct buf *b)
{
	fclose(b->f);
	return b->text;
}

static void escapes(void **state)
{
	struct buf b;
	struct prom_label l = { "cgroup", "/a\"b\\c\nd\xff"
					  "e\xc3\xa9" };
	char *t;

	(void)state;
	open_buf(&b);
	prom__u64(b.f, "m_total", &l, 1, 3);
	t = close_buf(&b);
	assert_string_equal(t, "m_total{cgroup=\"/a\\\"b\\\\c\\nd\xef\xbf\xbd"
			       "e\xc3\xa9\"} 3\n");
	free(t);
}

static void seconds_are_exact(void **state)
{
	struct buf b;
	char *t;

	(void)state;
	open_buf(&b);
	prom__seconds(b.f, "s", NULL, 0, 12345678901234567ull);
	prom__seconds(b.f, "s", NULL, 0, 5);
	t = close_buf(&b);
	assert_string_equal(t, "s 12345678.901234567\ns 0.000000005\n");
	free(t);
}

static void histogram_cumulates(void **state)
{
	static const char *const le[] = { "0.001", "0.01" };
	const uint64_t counts[] = { 2, 0, 5 };
	struct prom_label l = { "cgroup", "/" };
	struct buf b;
	char *t;

	(void)state;
	open_buf(&b);
	prom__histogram(b.f, "h_seconds", &l, 1, le, counts, 3, 1500000000ull);
	t = close_buf(&b);
	assert_string_equal(t, "h_seconds_bucket{cgroup=\"/\",le=\"0.001\"} 2\n"
			       "h_seconds_bucket{cgroup=\"/\",le=\"0.01\"} 2\n"
			       "h_seconds_bucket{cgroup=\"/\",le=\"+Inf\"} 7\n"
			       "h_seconds_sum{cgroup=\"/\"} 1.500000000\n"
			       "h_seconds_count{cgroup=\"/\"} 7\n");
	free(t);
}

static size_t count_lines(const char *t, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);

	for (const char *p = t; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, len);
	return n;
}

/* A scrape of r, with the cgroups / and /x, in fmt. */
static char *scrape(struct exp_report *r, enum prom_format fmt)
{
	struct cgstat_opts o = { .depth = 4, .max_series = 1000, .expiry_ns = 1 };
	struct cgstat *cg = cgstat__new(&o);
	struct buf b;

	assert_non_null(cg);
	cgstat__begin_walk(cg, 1);
	cgstat__see(cg, 1, "/");
	cgstat__see(cg, 2, "/x");
	cgstat__end_walk(cg, NULL, NULL);
	r->cg = cg;
	open_buf(&b);
	exporter_out__write(b.f, fmt, r);
	r->cg = NULL;
	cgstat__free(cg);
	return close_buf(&b);
}

/* Every family once; a cgroup costs CGSTAT_SERIES_PER_CGROUP series, as the cap assumes. */
static void whole_scrape(void **state)
{
	struct exp_cpu cpus[2] = { { .switches = 1, .busy_ns = 2 }, { .idle_ns = 3 } };
	struct exp_loss loss = { "exit_drops", 0 };
	struct exp_cost cost = { "on_switch", 10, 2 };
	struct exp_report r = { .cpus = cpus,
				.nr_cpus = 2,
				.losses = &loss,
				.nr_losses = 1,
				.costs = &cost,
				.nr_costs = 1,
				.bpf_stats_enabled = 1,
				.version = "t" };
	size_t series = 0;
	char *t;

	(void)state;
	t = scrape(&r, PROM_TEXT);
	assert_int_equal(count_lines(t, "# HELP schedscope_cpu_seconds_total "), 1);
	assert_int_equal(count_lines(t, "# TYPE schedscope_runq_latency_seconds histogram"), 1);
	assert_int_equal(count_lines(t, "schedscope_cpu_switches_total{cpu=\"1\"} 0"), 1);
	assert_int_equal(count_lines(t, "schedscope_bpf_runs_total{prog=\"on_switch\"} 2"), 1);
	for (const char *p = t; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		series += *p != '#' && strstr(p, "cgroup=\"/x\"") &&
			  strstr(p, "cgroup=\"/x\"") < strchr(p, '\n');
	assert_int_equal(series, CGSTAT_SERIES_PER_CGROUP);
	free(t);
}

static void negotiates(void **state)
{
	(void)state;
	/* Prometheus 2.42's own header. */
	assert_int_equal(prom__negotiate("application/openmetrics-text;version=1.0.0,"
					 "application/openmetrics-text;version=0.0.1;q=0.75,"
					 "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
			 PROM_OPENMETRICS);
	assert_int_equal(prom__negotiate(NULL), PROM_TEXT);
	assert_int_equal(prom__negotiate("*/*"), PROM_TEXT);
	assert_int_equal(prom__negotiate("Application/OpenMetrics-Text"), PROM_OPENMETRICS);
	/* Another version than the one written here, or a lower rating. */
	assert_int_equal(prom__negotiate("application/openmetrics-text; version=0.0.1"), PROM_TEXT);
	assert_int_equal(prom__negotiate("text/plain, application/openmetrics-text;q=0.9"),
			 PROM_TEXT);
	assert_int_equal(prom__negotiate("text/plain;q=0.2, application/openmetrics-text;q=0.3"),
			 PROM_OPENMETRICS);
	assert_int_equal(prom__negotiate("application/openmetrics-text;q=0"), PROM_TEXT);
	assert_string_equal(prom__content_type(PROM_OPENMETRICS),
			    "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

static void openmetrics_scrape(void **state)
{
	struct exp_cpu cpus[1] = { { .switches = 1 } };
	struct exp_report r = { .cpus = cpus, .nr_cpus = 1, .version = "t" };
	char *t;

	(void)state;
	t = scrape(&r, PROM_OPENMETRICS);
	assert_int_equal(count_lines(t, "# TYPE schedscope_cpu_seconds counter"), 1);
	assert_int_equal(count_lines(t, "# HELP schedscope_cpu_seconds CPU time"), 1);
	assert_int_equal(count_lines(t, "schedscope_cpu_seconds_total{cgroup=\"/\"} 0"), 1);
	assert_int_equal(count_lines(t, "# TYPE schedscope_cpu_seconds_total"), 0);
	assert_int_equal(count_lines(t, "# TYPE schedscope_runq_latency_seconds histogram"), 1);
	assert_int_equal(count_lines(t, "# TYPE schedscope_tracked_tasks gauge"), 1);
	assert_int_equal(count_lines(t, "# TYPE schedscope_build info"), 1);
	assert_int_equal(count_lines(t, "schedscope_build_info{version=\"t\"} 1"), 1);
	assert_non_null(strstr(t, "\n# EOF\n"));
	assert_string_equal(strstr(t, "\n# EOF\n"), "\n# EOF\n");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes),
		cmocka_unit_test(seconds_are_exact),
		cmocka_unit_test(histogram_cumulates),
		cmocka_unit_test(whole_scrape),
		cmocka_unit_test(negotiates),
		cmocka_unit_test(openmetrics_scrape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
