// SPDX-License-Identifier: GPL-2.0
/* The JSON writer's escaping and the option parser's verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "core/cpustat.h"
#include "out/json.h"

static char *render(const char *s, size_t len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	json__write_string(f, s, len);
	fclose(f);
	return buf;
}

static void json_escapes_every_control_byte(void **state)
{
	char *out;

	(void)state;
	out = render("a\"b\\c\n\t\x01\x1f\x7f", 64);
	assert_string_equal(out, "\"a\\\"b\\\\c\\u000a\\u0009\\u0001\\u001f\\u007f\"");
	free(out);
}

static void json_keeps_valid_utf8_and_escapes_invalid(void **state)
{
	char *out;

	(void)state;
	out = render("caf\xc3\xa9 \xe2\x82\xac", 64); /* café € */
	assert_string_equal(out, "\"caf\xc3\xa9 \xe2\x82\xac\"");
	free(out);
	/* A lone continuation byte, an overlong form, a cut sequence, a surrogate. */
	out = render("\x80|\xc0\xaf|\xe2\x82|\xed\xa0\x80", 64);
	assert_string_equal(out, "\"\\u0080|\\u00c0\\u00af|\\u00e2\\u0082|\\u00ed\\u00a0\\u0080\"");
	free(out);
}

static void json_stops_at_len_or_nul(void **state)
{
	char comm[16];
	char *out;

	(void)state;
	memset(comm, 'x', sizeof(comm)); /* no NUL at all, as a raw 16-byte comm could be */
	out = render(comm, sizeof(comm));
	assert_string_equal(out, "\"xxxxxxxxxxxxxxxx\"");
	free(out);
}

static void json_object_shape(void **state)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct json j;

	(void)state;
	json__init(&j, f);
	json__begin_object(&j, NULL);
	json__u64(&j, "a", 1);
	json__begin_array(&j, "b");
	json__begin_object(&j, NULL);
	json__double(&j, "x", 1.0 / 0.0, 1);
	json__end_object(&j);
	json__begin_object(&j, NULL);
	json__bool(&j, "y", true);
	json__end_object(&j);
	json__end_array(&j);
	json__i64(&j, "c", -3);
	json__end_object(&j);
	fclose(f);
	assert_string_equal(buf, "{\"a\":1,\"b\":[{\"x\":null},{\"y\":true}],\"c\":-3}\n");
	free(buf);
}

static int test_run(const struct cli *cli)
{
	(void)cli;
	return 0;
}

static const struct cli_cmd cmd = {
	.name = "top",
	.summary = "test",
	.usage = "[options] [interval [count]]",
	.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_ROWS | OPT_DURATION | OPT_JSON | OPT_INTERVAL,
	.run = test_run,
};

static int parse(struct cli *c, int n, ...)
{
	char *argv[16];
	va_list ap;

	argv[0] = "top";
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		argv[i + 1] = va_arg(ap, char *);
	va_end(ap);
	return cli__parse(&cmd, n + 1, argv, c);
}

static void cli_accepts_the_vocabulary(void **state)
{
	struct cli c;

	(void)state;
	assert_int_equal(parse(&c, 8, "-p", "12", "--pid", "34", "-t", "56", "2.5", "3"), 0);
	assert_int_equal(c.nr_pids, 2);
	assert_int_equal(c.pids[1], 34);
	assert_int_equal(c.tids[0], 56);
	assert_true(c.interval_s == 2.5);
	assert_int_equal(c.count, 3);
	/* Options may follow the positional arguments. */
	assert_int_equal(parse(&c, 3, "1", "--json", "-n0"), 0);
	assert_true(c.json);
	assert_int_equal(c.rows, 0);
	assert_int_equal(parse(&c, 2, "-d", "0.5"), 0);
	assert_true(c.duration_s == 0.5);
}

static void cli_rejects_bad_input_with_2(void **state)
{
	struct cli c;

	(void)state;
	assert_int_equal(parse(&c, 1, "--bogus"), EXIT_USAGE);
	assert_int_equal(parse(&c, 1, "abc"), EXIT_USAGE);
	assert_int_equal(parse(&c, 1, "0"), EXIT_USAGE);
	assert_int_equal(parse(&c, 2, "1", "0"), EXIT_USAGE);
	assert_int_equal(parse(&c, 3, "1", "2", "3"), EXIT_USAGE);
	assert_int_equal(parse(&c, 2, "-p", "-5"), EXIT_USAGE);
	assert_int_equal(parse(&c, 2, "-p", "0"), EXIT_USAGE);
	assert_int_equal(parse(&c, 2, "-p", "99999999999"), EXIT_USAGE);
	assert_int_equal(parse(&c, 1, "-p"), EXIT_USAGE);
	assert_int_equal(parse(&c, 2, "-d", "nan"), EXIT_USAGE);
	assert_int_equal(parse(&c, 2, "-d", "-1"), EXIT_USAGE);
	assert_int_equal(parse(&c, 2, "-c", "a-name-longer-than-15"), EXIT_USAGE);
	/* A real option that this command does not take. */
	assert_int_equal(parse(&c, 2, "-C", "0"), EXIT_USAGE);
	assert_int_equal(parse(&c, 1, "--idle"), EXIT_USAGE);
}

static void cpustat_deltas_and_percentages(void **state)
{
	struct cpustat *cs = cpustat__new(2);
	struct cpu_sample s0 = { .switches = 100, .idle_ns = 5000 };
	struct cpu_sample s1 = {
		.switches = 600, .idle_ns = 755000, .migrations_in = 3, .wait_max_ns = 42
	};
	struct cpu_sample busy0 = { .switches = 7 }, busy1 = { .switches = 9 };
	struct cpu_row rows[2];

	(void)state;
	assert_non_null(cs);
	cpustat__sample(cs, 0, &s0);
	cpustat__sample(cs, 1, &busy0);
	cpustat__sample(cs, 0, &s1);
	cpustat__sample(cs, 1, &busy1);
	cpustat__sample(cs, 5, &busy1); /* out of range: ignored */
	cpustat__close(cs, 1000000, rows);
	assert_int_equal(rows[0].d.switches, 500);
	assert_true(rows[0].switches_per_sec == 500000.0);
	assert_true(rows[0].idle_pct == 75.0);
	assert_true(rows[0].busy_pct == 25.0);
	assert_int_equal(rows[0].d.migrations_in, 3);
	assert_int_equal(rows[0].d.wait_max_ns, 42);
	assert_int_equal(rows[1].d.switches, 2);
	assert_true(rows[1].busy_pct == 100.0);
	/* The next interval starts where this one ended. */
	cpustat__close(cs, 1000000, rows);
	assert_int_equal(rows[0].d.switches, 0);
	cpustat__free(cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_escapes_every_control_byte),
		cmocka_unit_test(json_keeps_valid_utf8_and_escapes_invalid),
		cmocka_unit_test(json_stops_at_len_or_nul),
		cmocka_unit_test(json_object_shape),
		cmocka_unit_test(cli_accepts_the_vocabulary),
		cmocka_unit_test(cli_rejects_bad_input_with_2),
		cmocka_unit_test(cpustat_deltas_and_percentages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
