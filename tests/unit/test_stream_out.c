// SPDX-License-Identifier: GPL-2.0
/* The event-stream writer: columns from a table of rows, text and JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "out/json.h"
#include "out/stream_out.h"

struct rec {
	uint64_t ts_ns;
	uint32_t pid;
	int32_t ret;
	char comm[16];
	char path[32];
};

static const char *upper(const void *ctx, const void *r, char *buf, size_t size)
{
	const struct rec *e = r;

	(void)ctx;
	snprintf(buf, size, "%s!", e->ret < 0 ? "BAD" : "OK");
	return buf;
}

#define COL(h, m, w, f, k)                                                                \
	{                                                                                 \
		.head = (h), .member = (m), .width = (w), .off = offsetof(struct rec, f), \
		.kind = (k)                                                               \
	}

static const struct stream_col cols[] = {
	COL("TIME(s)", "time_s", -8, ts_ns, SCOL_SECONDS),
	COL("PID", "pid", -6, pid, SCOL_U32),
	COL("COMM", "comm", -16, comm, SCOL_COMM),
	COL("FD", "fd", 3, ret, SCOL_FD),
	COL("ERR", "errno", 3, ret, SCOL_ERRNO),
	{ .head = NULL, .member = "ok", .kind = SCOL_CUSTOM, .text = upper },
	{ .head = "OK", .member = NULL, .kind = SCOL_CUSTOM, .text = upper, .width = 4, .when = 2 },
	{ .head = "PATH",
	  .member = "path",
	  .off = offsetof(struct rec, path),
	  .len = sizeof(((struct rec *)0)->path),
	  .kind = SCOL_STR },
};

/* The optional text columns shown. */
static uint32_t when;

/* What o wrote for rec (header first in text), in a static buffer. */
static const char *written(bool json, const struct rec *r, bool header)
{
	static char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct stream_out o = {
		.f = f,
		.type = "opensnoop",
		.cols = cols,
		.nr_cols = sizeof(cols) / sizeof(cols[0]),
		.origin_ns = 1000000000,
		.json = json,
		.when = when,
	};

	assert_non_null(f);
	if (header)
		assert_int_equal(stream_out__header(&o), 0);
	assert_int_equal(stream_out__event(&o, r), 0);
	fclose(f);
	return buf;
}

static struct rec mk(int32_t ret, const char *comm, const char *path)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	r.ts_ns = 1250000000;
	r.pid = 42;
	r.ret = ret;
	memcpy(r.comm, comm, strnlen(comm, sizeof(r.comm)));
	memcpy(r.path, path, strlen(path));
	return r;
}

/* Columns aligned as their widths say; the last unpadded; JSON-only rows not shown. */
static void test_text_columns(void **state)
{
	struct rec r = mk(3, "cat", "/etc/passwd");

	(void)state;
	when = 2;
	assert_string_equal(written(false, &r, true),
			    "TIME(s)  PID    COMM              FD ERR   OK PATH\n"
			    "0.250    42     cat                3   0  OK! /etc/passwd\n");
	when = 0;
	assert_string_equal(written(false, &r, true),
			    "TIME(s)  PID    COMM              FD ERR PATH\n"
			    "0.250    42     cat                3   0 /etc/passwd\n");
	r = mk(-2, "cat", "/nope");
	assert_string_equal(written(false, &r, false),
			    "0.250    42     cat               -1   2 /nope\n");
}

/* A comm of 16 bytes without a NUL is read to its end, not past it. */
static void test_full_comm(void **state)
{
	struct rec r = mk(0, "0123456789abcdef", "/x");

	(void)state;
	assert_string_equal(written(false, &r, false),
			    "0.250    42     0123456789abcdef   0   0 /x\n");
}

/* Binary bytes: \xNN in text (padding counts the bytes shown), escaped in JSON. */
static void test_escapes(void **state)
{
	struct rec r = mk(0, "a\tb", "/x\ny\\z\x80");

	(void)state;
	assert_string_equal(written(false, &r, false),
			    "0.250    42     a\\x09b             0   0 /x\\x0ay\\x5cz\\x80\n");
	assert_string_equal(written(true, &r, false),
			    "{\"type\":\"opensnoop\",\"time_s\":0.250000,\"pid\":42,"
			    "\"comm\":\"a\\u0009b\",\"fd\":0,\"errno\":0,\"ok\":\"OK!\","
			    "\"path\":\"/x\\u000ay\\\\z\\u0080\"}\n");
}

/* The summary: a line to stderr in text, an object on the stream in JSON. */
static void test_summary(void **state)
{
	char out[256] = "", err[256] = "";
	FILE *fo = fmemopen(out, sizeof(out), "w"), *fe = fmemopen(err, sizeof(err), "w");
	struct stream_out o = { .f = fo, .type = "execsnoop", .cols = cols, .nr_cols = 1 };

	(void)state;
	assert_int_equal(stream_out__summary(&o, fe, 10, 0), 0);
	o.json = true;
	assert_int_equal(stream_out__summary(&o, fe, 10, 3), 0);
	fclose(fo);
	fclose(fe);
	assert_string_equal(err, "10 events, 0 lost to a full ring buffer\n");
	assert_string_equal(out, "{\"type\":\"summary\",\"command\":\"execsnoop\",\"events\":10,"
				 "\"lost\":3}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_columns),
		cmocka_unit_test(test_full_comm),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
