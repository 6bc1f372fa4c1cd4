// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope opensnoop: each open(2), openat(2), openat2(2) and creat(2)
 * as it returns, with bcc's flags and columns; --path watches prefixes in
 * the kernel; --count is the seed's
 * `@cnt[str(args->filename)]++ ... print(@cnt); clear(@cnt)` as a product;
 * --rw counts reads and writes of the watched files per process and file.
 *
 *   $ sudo schedscope opensnoop -T -F
 *   TIME(s)  PID     COMM              FD ERR PATH
 *   0.113    2218    cat                3   0 /etc/ld.so.cache
 *   0.114    2218    cat               -1   2 /home/u/missing
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

/* The optional text columns (stream_col.when). */
#define W_TIME (1u << 0)  /* -T */
#define W_UID (1u << 1)	  /* -U */
#define W_FLAGS (1u << 2) /* -e */

static const char *const kind_names[SS_OPEN_NR] = { "open", "openat", "openat2", "creat" };

static const char *flags_text(const void *ctx, const void *rec, char *buf, size_t size)
{
	const struct ss_open_event *e = rec;

	(void)ctx;
	snprintf(buf, size, "%08" PRIo32, e->flags);
	return buf;
}

static void flags_json(const void *ctx, struct json *j, const char *member, const void *rec)
{
	(void)ctx;
	json__u64(j, member, ((const struct ss_open_event *)rec)->flags);
}

static const char *kind_text(const void *ctx, const void *rec, char *buf, size_t size)
{
	const struct ss_open_event *e = rec;

	(void)ctx;
	(void)buf;
	(void)size;
	return e->kind < SS_OPEN_NR ? kind_names[e->kind] : "?";
}

/* A path cut at its start (deeper than the walk goes) begins with "...". */
static const char *path_text(const void *ctx, const void *rec, char *buf, size_t size)
{
	const struct ss_open_event *e = rec;

	(void)ctx;
	snprintf(buf, size, "%s%.*s", e->path_flags & SS_PATH_TRUNC ? "..." : "",
		 (int)sizeof(e->path), e->path);
	return buf;
}

static void path_json(const void *ctx, struct json *j, const char *member, const void *rec)
{
	const struct ss_open_event *e = rec;

	(void)ctx;
	json__string(j, member, e->path, strnlen(e->path, sizeof(e->path)));
	json__bool(j, "full_path", e->path_flags & SS_PATH_RESOLVED);
	json__bool(j, "truncated", e->path_flags & SS_PATH_TRUNC);
}

#define EV(h, m, w, f, k, wh) STREAM_COL_OF(struct ss_open_event, h, m, w, f, k, wh)

/* bcc's columns: [TIME(s)] [UID] PID COMM FD ERR [FLAGS] PATH. */
static const struct stream_col open_cols[] = {
	EV("TIME(s)", "time_s", -8, ts_ns, SCOL_SECONDS, W_TIME),
	EV("UID", "uid", -7, uid, SCOL_U32, W_UID),
	EV("PID", "pid", -7, pid, SCOL_U32, 0),
	EV(NULL, "tid", 0, tid, SCOL_U32, 0),
	EV("COMM", "comm", -16, comm, SCOL_COMM, 0),
	EV("FD", "fd", 3, ret, SCOL_FD, 0),
	EV("ERR", "errno", 3, ret, SCOL_ERRNO, 0),
	{ .head = "FLAGS",
	  .member = "flags",
	  .width = -8,
	  .kind = SCOL_CUSTOM,
	  .when = W_FLAGS,
	  .text = flags_text,
	  .json = flags_json },
	{ .member = "syscall", .kind = SCOL_CUSTOM, .text = kind_text },
	{ .head = "PATH",
	  .member = "path",
	  .kind = SCOL_CUSTOM,
	  .text = path_text,
	  .json = path_json },
};

/* --count: the path of a key, escaped for a line of text. */
static const char *key_path(const struct count_col *c, const void *key, char *buf, size_t len)
{
	const struct ss_open_key *k = key;
	FILE *f = fmemopen(buf, len, "w");

	(void)c;
	if (!f)
		return "?";
	stream_out__escaped(f, k->path, sizeof(k->path));
	fclose(f);
	buf[len - 1] = 0;
	return buf;
}

#define KEY(h, m, w, f, k) COUNT_COL_OF(struct ss_open_key, h, m, w, f, k)

static const struct count_col key_cols[] = {
	KEY("PID", "pid", 7, pid, COUNT_COL_U32),
	KEY("COMM", "comm", -16, comm, COUNT_COL_COMM),
	{ .head = "PATH",
	  .member = "path",
	  .width = -40,
	  .kind = COUNT_COL_TEXT,
	  .text = key_path },
};

static const char *const value_heads[SS_OPEN_NR_VALUES] = {
	"OPENS", "FAILED", "READS", "READ_BYTES", "WRITES", "WRITE_BYTES",
};
static const char *const value_members[SS_OPEN_NR_VALUES] = {
	"opens", "failed", "reads", "read_bytes", "writes", "write_bytes",
};

struct opens_count {
	const struct cli *cli;
	struct stream *s;
	struct count_rows rows;	 /* all SS_OPEN_NR_VALUES */
	struct count_rows shown; /* without --rw: opens and failures only */
};

/*
 * Without --rw the read and write counts are all zero: not shown. The
 * report's total is the opens, not the sum of every column: adding bytes
 * to calls, or failures to the opens they are part of, counts nothing.
 */
static int opens_rows(struct opens_count *c, const struct count_rows **out)
{
	struct count_rows *r = &c->rows;
	int err = 0;

	if (!c->cli->rw) {
		count_rows__clear(&c->shown);
		for (size_t i = 0; i < c->rows.nr && !err; i++)
			err = count_rows__add(&c->shown, count_rows__key(&c->rows, i),
					      count_rows__counts(&c->rows, i));
		if (!err)
			err = count_rows__finish(&c->shown);
		r = &c->shown;
	}
	r->total = 0;
	for (size_t i = 0; i < r->nr; i++)
		r->total += count_rows__counts(r, i)[SS_OPEN_OPENS];
	*out = r;
	return err;
}

static int opens_render(void *ctx, const struct report_meta *m)
{
	struct opens_count *c = ctx;
	bool per_pid = c->cli->per_process || c->cli->rw;
	struct count_table t = {
		.member = "rows",
		.cols = per_pid ? key_cols : key_cols + 2,
		.nr_cols = per_pid ? 3 : 1,
		.value_heads = value_heads,
		.value_members = value_members,
	};
	struct count_report r = {
		.type = "opensnoop_count",
		.tables = &t,
		.nr_tables = 1,
		.full = counts_read__full(c->s->counts),
		.full_hint = "--max-keys makes room",
		.untraced = -1,
	};

	if (opens_rows(c, &t.rows)) {
		cli__err("out of memory");
		return 1;
	}
	count_out__write(stdout, &r, m, c->cli->json);
	return 0;
}

static int opens_count(struct stream *s, const struct cli *cli)
{
	struct opens_count c = { .cli = cli, .s = s };
	int ret;

	count_rows__init(&c.shown, sizeof(struct ss_open_key), 2);
	ret = stream__count(s, cli, cli->rw ? "opens, reads and writes" : "opens", &c.rows,
			    sizeof(struct ss_open_key), SS_OPEN_NR_VALUES, opens_render, &c);
	count_rows__free(&c.shown);
	return ret;
}

static int check_args(const struct cli *cli)
{
	if (cli->rw && !cli->nr_paths) {
		cli__err("--rw counts the files under --path: give at least one --path PREFIX");
		return EXIT_USAGE;
	}
	if (cli->per_process && !cli->count_mode) {
		cli__err("-P counts per process: it goes with --count");
		return EXIT_USAGE;
	}
	return 0;
}

int opensnoop__run(const struct cli *cli)
{
	struct stream_tool t = {
		.open = snoops__opens,
		.count = opens_count,
		.counting = cli->count_mode || cli->rw,
		.cmd = {
			.out = { .type = "opensnoop", .cols = open_cols,
				 .nr_cols = sizeof(open_cols) / sizeof(open_cols[0]),
				 .when = (cli->timestamp ? W_TIME : 0) | (cli->print_uid ? W_UID : 0) |
					 (cli->extended ? W_FLAGS : 0) },
			.what = "opens",
			.rec_size = sizeof(struct ss_open_event),
		},
	};
	int ret = check_args(cli);

	return ret ? ret : stream__main(cli, &t);
}
