// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope syscount [options] [interval [count]]: bcc's syscount, counted
 * in the kernel by syscall (or by process, -P), with -L's total time,
 * --hist's latency histogram per row and --slower's long-tail events; the
 * names come from the running kernel's own tables (core/syscnames.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bpf/abi.h"
#include "cli.h"
#include "cmd/commands.h"
#include "core/counts.h"
#include "core/syscnames.h"
#include "out/count_out.h"
#include "out/hist_out.h"
#include "out/syscount_out.h"
#include "session/live.h"
#include "session/stop.h"
#include "session/syscsession.h"

#define LABEL_LEN 64

struct syscount {
	const struct cli *cli;
	struct syscsession *s;
	struct count_rows rows;
	struct count_col cols[2];
	size_t nr_cols;
	struct hist_out_ctx hist_ctx;
	uint64_t value_units[SS_SC_NR_VALUES];
	bool hist;
	bool latency;
};

static const char *syscall_text(const struct count_col *c, const void *key, char *buf, size_t len)
{
	const struct ss_sc_key *k = key;

	return syscnames__label(c->text_ctx, k->nr & ~SS_SC_COMPAT, (k->nr & SS_SC_COMPAT) != 0,
				buf, len);
}

static void set_cols(struct syscount *sc, bool by_process)
{
	static const struct count_col syscall_col = {
		.head = "SYSCALL",
		.member = "syscall",
		.width = -22,
		.kind = COUNT_COL_TEXT,
		.text = syscall_text,
	};
	static const struct count_col process_cols[] = {
		{ .head = "PID",
		  .member = "pid",
		  .width = -7,
		  .kind = COUNT_COL_U32,
		  .off = offsetof(struct ss_sc_key, pid) },
		{ .head = "COMM",
		  .member = "comm",
		  .width = -16,
		  .kind = COUNT_COL_COMM,
		  .off = offsetof(struct ss_sc_key, comm) },
	};

	if (by_process) {
		memcpy(sc->cols, process_cols, sizeof(process_cols));
		sc->nr_cols = 2;
		return;
	}
	sc->cols[0] = syscall_col;
	sc->cols[0].text_ctx = syscsession__names(sc->s);
	sc->nr_cols = 1;
}

static int render(void *ctx, const struct report_meta *m)
{
	static const char *const heads_us[] = { "COUNT", "TIME (us)" };
	static const char *const heads_ms[] = { "COUNT", "TIME (ms)" };
	static const char *const members[] = { "count", "total_ns" };
	struct syscount *sc = ctx;
	struct count_loss losses[] = {
		{ "--slower events dropped by a full ring buffer", "--buffer-kb makes room",
		  "ring_drops", syscsession__ring_drops(sc->s) },
		{ "calls in progress as tracing began, not timed", "not a fault: they began unseen",
		  "unpaired", syscsession__unpaired(sc->s) },
	};
	struct count_table t = {
		.member = "rows",
		.rows = &sc->rows,
		.cols = sc->cols,
		.nr_cols = sc->nr_cols,
		.value_heads = sc->cli->ms ? heads_ms : heads_us,
		.value_members = members,
		.value_units = sc->value_units,
		.nr_values = sc->latency ? 2 : 1,
	};
	struct count_report r = {
		.type = "syscount",
		.tables = &t,
		.nr_tables = 1,
		.max_rows = sc->cli->top,
		.full = counts_read__full(syscsession__counts(sc->s)),
		.full_hint = "--max-keys makes room",
		.untraced = -1,
		/* Each is 0 when its option is off: text shows only the others. */
		.losses = losses,
		.nr_losses = sizeof(losses) / sizeof(losses[0]),
		.all_rows = "-T 0",
	};

	if (sc->hist)
		hist_out__table(&t, &sc->hist_ctx);
	/* Events first: they happened within the window this report closes. */
	bpfsess__consume(syscsession__bpfsess(sc->s));
	/* A failed write is the loop's to judge: quiet for a closed pipe. */
	count_out__write(stdout, &r, m, sc->cli->json);
	return 0;
}

static int on_event(void *ctx, const struct sysc_event *e)
{
	struct syscount *sc = ctx;

	if (syscount_out__event(stdout, e, syscsession__names(sc->s), sc->cli->json)) {
		/*
		 * stdout went bad, most often its reader away (| head): stop.
		 * stdout's error stays, so the report loop's own check after
		 * the last report ends the run as for any report: quietly for
		 * a closed pipe, else saying why, with 1.
		 */
		stop__request();
		return 1;
	}
	return 0;
}

/* The options that need checking beyond their own parse, into o. */
static int check_options(const struct cli *cli, struct sysc_opts *o)
{
	size_t kb = cli->buffer_kb ? cli->buffer_kb : 1024;

	if (cli->errno_name && sysc__parse_errno(cli->errno_name, &o->want_errno)) {
		cli__err("unknown errno '%s': a name such as ENOENT or EACCES, or a number "
			 "from 1 to 4095",
			 cli->errno_name);
		return EXIT_USAGE;
	}
	if (kb & (kb - 1) || kb < 4) {
		cli__err("invalid --buffer-kb '%zu' (KiB, a power of two, at least 4)", kb);
		return EXIT_USAGE;
	}
	o->cli = cli;
	o->latency = cli->latency;
	o->hist = cli->hist;
	o->by_process = cli->by_process;
	o->failures = cli->failures;
	o->unit_ns = cli->ms ? 1000000 : 1000;
	o->slower_ns = (uint64_t)(cli->slower_ms * 1e6);
	o->ring_bytes = kb << 10;
	return 0;
}

static int list(const struct cli *cli)
{
	struct syscnames *names;
	int ret = syscsession__names_only(cli->verbose, &names);

	if (ret)
		return ret;
	ret = syscount_out__list(stdout, names, cli->json) ? 1 : 0;
	syscnames__free(names);
	return ret;
}

int syscount__run(const struct cli *cli)
{
	struct syscount sc = { .cli = cli };
	struct sysc_opts o = { 0 };
	struct live_counts lc;
	struct cli stamped = *cli;
	int ret;

	ret = check_options(cli, &o);
	if (ret)
		return ret;
	if (cli->list)
		return list(cli);
	ret = live__check_args(cli);
	if (ret)
		return ret;
	o.on_event = on_event;
	o.ctx = &sc;
	sc.s = syscsession__open(&o);
	if (!sc.s)
		return 1;
	sc.hist = o.hist;
	sc.latency = o.latency;
	sc.value_units[SS_SC_NS] = o.unit_ns;
	sc.hist_ctx = (struct hist_out_ctx){ cli->ms ? "msecs" : "usecs", cli->ms ? "ms" : "us",
					     "calls" };
	set_cols(&sc, o.by_process);
	count_rows__init(&sc.rows, sizeof(struct ss_sc_key),
			 o.hist ? SS_HIST_NR_VALUES : SS_SC_NR_VALUES);
	count_rows__set_roles(&sc.rows, SS_SC_CALLS, o.latency ? SS_SC_NS : SS_SC_CALLS,
			      o.hist ? SS_HIST_MAX : -1);
	if (o.slower_ns && !cli->json)
		syscount_out__event_head(stdout);
	/* bcc stamps each interval's report with the time. */
	stamped.timestamp = cli->interval_s > 0;
	lc = (struct live_counts){
		.b = syscsession__bpfsess(sc.s),
		.counts = syscsession__counts(sc.s),
		.rows = &sc.rows,
		.render = render,
		.ctx = &sc,
	};
	ret = live__counts(&stamped, o.by_process ? "syscalls by process" : "syscalls", &lc);
	syscsession__close(sc.s);
	count_rows__free(&sc.rows);
	return ret;
}
