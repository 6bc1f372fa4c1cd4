// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope exitsnoop: each process's end (-T: each thread's) with its
 * lifetime and status, with bcc's flags and columns; --short keeps the
 * short-lived. --count ranks the churners: forks, execs and exits per
 * parent and per name in each interval.
 *
 *   $ sudo schedscope exitsnoop
 *   PCOMM            PID     PPID    TID     AGE(s)  EXIT_CODE
 *   sl-child         5120    5101    5120    0.00    code 3
 *   sl-child         5127    5101    5127    0.00    signal 10 (USR1)
 */
#include <inttypes.h>
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

#define W_CLOCK (1u << 0)    /* -t */
#define W_THREADED (1u << 1) /* -T */

static const char *age_text(const void *ctx, const void *rec, char *buf, size_t size)
{
	(void)ctx;
	snprintf(buf, size, "%.2f", (double)((const struct ss_exit_event *)rec)->age_ns / 1e9);
	return buf;
}

static void age_json(const void *ctx, struct json *j, const char *member, const void *rec)
{
	(void)ctx;
	json__u64(j, member, ((const struct ss_exit_event *)rec)->age_ns);
}

/* The kernel's status word: signal in the low 7 bits, 0x80 core dumped, code above. */
static const char *status_text(const void *ctx, const void *rec, char *buf, size_t size)
{
	uint32_t st = ((const struct ss_exit_event *)rec)->exit_code;
	const char *name = sigabbrev_np((int)(st & 0x7f));

	(void)ctx;
	if (!st)
		return "0";
	if (!(st & 0x7f))
		snprintf(buf, size, "code %" PRIu32, (st >> 8) & 0xff);
	else
		snprintf(buf, size, "signal %" PRIu32 " (%s)%s", st & 0x7f, name ? name : "?",
			 st & 0x80 ? ", core dumped" : "");
	return buf;
}

static void status_json(const void *ctx, struct json *j, const char *member, const void *rec)
{
	uint32_t st = ((const struct ss_exit_event *)rec)->exit_code;

	(void)ctx;
	(void)member;
	if (st & 0x7f) {
		json__null(j, "exit_code");
		json__u64(j, "signal", st & 0x7f);
	} else {
		json__u64(j, "exit_code", (st >> 8) & 0xff);
		json__null(j, "signal");
	}
	json__bool(j, "core_dumped", st & 0x80);
}

static const char *kind_text(const void *ctx, const void *rec, char *buf, size_t size)
{
	(void)ctx;
	(void)buf;
	(void)size;
	return ((const struct ss_exit_event *)rec)->flags & SS_EXIT_PROCESS ? "process" : "thread";
}

static void kind_json(const void *ctx, struct json *j, const char *member, const void *rec)
{
	(void)ctx;
	json__bool(j, member, ((const struct ss_exit_event *)rec)->flags & SS_EXIT_PROCESS);
}

#define EV(h, m, w, f, k, wh) STREAM_COL_OF(struct ss_exit_event, h, m, w, f, k, wh)

/* bcc's columns: [TIME] PCOMM PID PPID TID AGE(s) EXIT_CODE, and with -T what ended. */
static const struct stream_col exit_cols[] = {
	EV("TIME", "time_ns", -8, ts_ns, SCOL_CLOCK, W_CLOCK),
	EV("PCOMM", "comm", -16, comm, SCOL_COMM, 0),
	EV("PID", "pid", -7, pid, SCOL_U32, 0),
	EV("PPID", "ppid", -7, ppid, SCOL_U32, 0),
	EV("TID", "tid", -7, tid, SCOL_U32, 0),
	{ .head = "AGE(s)",
	  .member = "age_ns",
	  .width = -7,
	  .kind = SCOL_CUSTOM,
	  .text = age_text,
	  .json = age_json },
	{ .head = "EXITED",
	  .member = "process",
	  .width = -7,
	  .kind = SCOL_CUSTOM,
	  .when = W_THREADED,
	  .text = kind_text,
	  .json = kind_json },
	{ .head = "EXIT_CODE",
	  .member = "status",
	  .kind = SCOL_CUSTOM,
	  .text = status_text,
	  .json = status_json },
};

#define KEY(h, m, w, f, k) COUNT_COL_OF(struct ss_churn_key, h, m, w, f, k)

static const struct count_col parent_cols[] = {
	KEY("PPID", "ppid", 7, pid, COUNT_COL_U32),
	KEY("PCOMM", "pcomm", -16, comm, COUNT_COL_COMM),
};

static const struct count_col comm_cols[] = {
	KEY("COMM", "comm", -16, comm, COUNT_COL_COMM),
};

static const char *const churn_heads[SS_CHURN_NR] = { "FORKS", "EXECS", "EXITS" };
static const char *const churn_members[SS_CHURN_NR] = { "forks", "execs", "exits" };

struct churn {
	const struct cli *cli;
	struct stream *s;
	struct count_rows rows;	    /* both tables' keys */
	struct count_rows split[2]; /* by enum ss_churn_table */
};

/* The interval's rows, table by table. Returns 0 or -ENOMEM. */
static int split_rows(struct churn *c)
{
	int err = 0;

	for (int t = 0; t < 2; t++)
		count_rows__clear(&c->split[t]);
	for (size_t i = 0; i < c->rows.nr && !err; i++) {
		const struct ss_churn_key *k = count_rows__key(&c->rows, i);

		err = count_rows__add(&c->split[k->table == SS_CHURN_COMM], k,
				      count_rows__counts(&c->rows, i));
	}
	for (int t = 0; t < 2 && !err; t++)
		err = count_rows__finish(&c->split[t]);
	return err;
}

static int churn_render(void *ctx, const struct report_meta *m)
{
	struct churn *c = ctx;
	struct count_table t[2] = {
		{ .member = "parents",
		  .title = "Per parent (forks it made; its children's execs and exits):",
		  .rows = &c->split[0],
		  .cols = parent_cols,
		  .nr_cols = 2,
		  .value_heads = churn_heads,
		  .value_members = churn_members },
		{ .member = "comms",
		  .title = "Per name:",
		  .rows = &c->split[1],
		  .cols = comm_cols,
		  .nr_cols = 1,
		  .value_heads = churn_heads,
		  .value_members = churn_members },
	};
	struct count_report r = {
		.type = "exitsnoop_count",
		.tables = t,
		.nr_tables = 2,
		.max_rows = 20,
		.full = counts_read__full(c->s->counts),
		.full_hint = "--max-keys makes room",
		.untraced = -1,
	};

	if (split_rows(c)) {
		cli__err("out of memory");
		return 1;
	}
	count_out__write(stdout, &r, m, c->cli->json);
	return 0;
}

static int churn_count(struct stream *s, const struct cli *cli)
{
	struct churn c = { .cli = cli, .s = s };
	int ret;

	for (int t = 0; t < 2; t++)
		count_rows__init(&c.split[t], sizeof(struct ss_churn_key), SS_CHURN_NR);
	ret = stream__count(s, cli, "forks, execs and exits", &c.rows, sizeof(struct ss_churn_key),
			    SS_CHURN_NR, churn_render, &c);
	for (int t = 0; t < 2; t++)
		count_rows__free(&c.split[t]);
	return ret;
}

int exitsnoop__run(const struct cli *cli)
{
	struct stream_tool t = {
		.open = snoops__exits,
		.count = churn_count,
		.counting = cli->count_mode,
		.cmd = {
			.out = { .type = "exitsnoop", .cols = exit_cols,
				 .nr_cols = sizeof(exit_cols) / sizeof(exit_cols[0]),
				 .when = (cli->clock ? W_CLOCK : 0) | (cli->threaded ? W_THREADED : 0) },
			.what = cli->threaded ? "thread exits" : "process exits",
			.rec_size = sizeof(struct ss_exit_event),
		},
	};

	return stream__main(cli, &t);
}
