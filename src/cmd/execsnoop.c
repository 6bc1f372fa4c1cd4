// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope execsnoop: each execve(2) and execveat(2), successful or not,
 * with bcc's flags and columns; from a thread that was not its process's
 * leader too. --count profiles execs by command, user and result.
 *
 *   $ sudo schedscope execsnoop -U
 *   UID    PCOMM            PID     PPID    RET ARGS
 *   1000   true             4121    4120      0 /bin/true sl-arg1 sl-arg2
 *   1000   sl-exec          4122    4120     -2 /nonexistent/sysload-exec
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bpf/abi.h"
#include "cli.h"
#include "cmd/commands.h"
#include "core/counts.h"
#include "out/count_out.h"
#include "out/json.h"
#include "out/stream_out.h"
#include "session/live.h"
#include "session/snoops.h"
#include "session/stream.h"

#define W_CLOCK (1u << 0)   /* -T */
#define W_ELAPSED (1u << 1) /* -t */
#define W_UID (1u << 2)	    /* -U */

/* The i-th argument of e (of e->nr_args, NUL-separated in e->args), or NULL. */
static const char *next_arg(const struct ss_exec_event *e, const char *prev)
{
	const char *end = e->args + (e->args_len < SS_ARGS_MAX ? e->args_len : SS_ARGS_MAX);
	const char *p = prev ? prev + strnlen(prev, (size_t)(end - prev)) + 1 : e->args;

	return p < end ? p : NULL;
}

static bool cut(const struct ss_exec_event *e)
{
	return e->trunc & (SS_ARGS_MORE | SS_ARGS_LONG);
}

/* bcc's ARGS: the arguments joined by spaces (-q: each in quotes), " ..." if cut. */
static const char *args_text(const void *ctx, const void *rec, char *buf, size_t size)
{
	const struct cli *cli = ctx;
	const struct ss_exec_event *e = rec;
	size_t len = 0;

	buf[0] = 0;
	for (const char *a = next_arg(e, NULL); a && len < size; a = next_arg(e, a)) {
		const char *q = cli->quote ? "\"" : "";

		len += (size_t)snprintf(buf + len, size - len, "%s%s%s%s", len ? " " : "", q, a, q);
	}
	if (cut(e) && len < size)
		snprintf(buf + len, size - len, " ...");
	return buf;
}

static void args_json(const void *ctx, struct json *j, const char *member, const void *rec)
{
	const struct ss_exec_event *e = rec;

	(void)ctx;
	json__begin_array(j, member);
	for (const char *a = next_arg(e, NULL); a; a = next_arg(e, a))
		json__string(j, NULL, a, strlen(a));
	json__end_array(j);
	json__bool(j, "args_truncated", cut(e));
}

#define EV(h, m, w, f, k, wh) STREAM_COL_OF(struct ss_exec_event, h, m, w, f, k, wh)

/* bcc's columns: [TIME] [TIME(s)] [UID] PCOMM PID PPID RET ARGS. */
static const struct stream_col exec_cols[] = {
	EV("TIME", "time_ns", -8, ts_ns, SCOL_CLOCK, W_CLOCK),
	EV("TIME(s)", "time_s", -8, ts_ns, SCOL_SECONDS, W_ELAPSED),
	EV("UID", "uid", -6, uid, SCOL_U32, W_UID),
	EV(NULL, "euid", 0, euid, SCOL_U32, 0),
	EV("PCOMM", "comm", -16, comm, SCOL_COMM, 0),
	EV("PID", "pid", -7, pid, SCOL_U32, 0),
	EV(NULL, "tid", 0, tid, SCOL_U32, 0),
	EV("PPID", "ppid", -7, ppid, SCOL_U32, 0),
	EV("RET", "ret", 3, ret, SCOL_S32, 0),
	EV(NULL, "errno", 0, ret, SCOL_ERRNO, 0),
	{ .head = "ARGS",
	  .member = "args",
	  .kind = SCOL_CUSTOM,
	  .text = args_text,
	  .json = args_json },
};

/* -l: an argument contains the text. */
static bool line_wanted(const void *ctx, const void *rec)
{
	const struct cli *cli = ctx;
	const struct ss_exec_event *e = rec;

	for (const char *a = next_arg(e, NULL); a; a = next_arg(e, a))
		if (strstr(a, cli->line))
			return true;
	return false;
}

/* --count: "ok", or the errno's name. */
static const char *result_text(const struct count_col *c, const void *key, char *buf, size_t len)
{
	const struct ss_exec_key *k = key;
	const char *name = k->ret < 0 ? strerrorname_np(-k->ret) : NULL;

	(void)c;
	if (!k->ret)
		return "ok";
	if (name)
		return name;
	snprintf(buf, len, "%d", k->ret);
	return buf;
}

#define KEY(h, m, w, f, k) COUNT_COL_OF(struct ss_exec_key, h, m, w, f, k)

static const struct count_col key_cols[] = {
	KEY("COMM", "comm", -16, comm, COUNT_COL_COMM),
	KEY("UID", "uid", 7, uid, COUNT_COL_U32),
	{ .head = "RESULT",
	  .member = "result",
	  .width = -12,
	  .kind = COUNT_COL_TEXT,
	  .text = result_text },
};

struct execs_count {
	const struct cli *cli;
	struct stream *s;
	struct count_rows rows;
};

static int execs_render(void *ctx, const struct report_meta *m)
{
	struct execs_count *c = ctx;
	struct count_table t = {
		.member = "rows",
		.rows = &c->rows,
		.cols = key_cols,
		.nr_cols = sizeof(key_cols) / sizeof(key_cols[0]),
	};
	struct count_report r = {
		.type = "execsnoop_count",
		.tables = &t,
		.nr_tables = 1,
		.full = counts_read__full(c->s->counts),
		.full_hint = "--max-keys makes room",
		.untraced = -1,
	};

	count_out__write(stdout, &r, m, c->cli->json);
	return 0;
}

static int execs_count(struct stream *s, const struct cli *cli)
{
	struct execs_count c = { .cli = cli, .s = s };

	return stream__count(s, cli, "execs", &c.rows, sizeof(struct ss_exec_key), 1, execs_render,
			     &c);
}

int execsnoop__run(const struct cli *cli)
{
	struct stream_tool t = {
		.open = snoops__execs,
		.count = execs_count,
		.counting = cli->count_mode,
		.cmd = {
			.out = { .type = "execsnoop", .cols = exec_cols, .ctx = cli,
				 .nr_cols = sizeof(exec_cols) / sizeof(exec_cols[0]),
				 .when = (cli->clock ? W_CLOCK : 0) | (cli->elapsed ? W_ELAPSED : 0) |
					 (cli->print_uid ? W_UID : 0) },
			.what = "execs",
			.rec_size = sizeof(struct ss_exec_event),
			.wanted = cli->line ? line_wanted : NULL,
		},
	};

	return stream__main(cli, &t);
}
