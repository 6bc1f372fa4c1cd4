/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report loop every live aggregate command shares: baseline, "Tracing",
 * then a report per interval (or one at the end) until the count, the
 * duration, Ctrl-C or SIGTERM; a reader that went away ends it quietly.
 */
#ifndef SCHEDSCOPE_LIVE_H
#define SCHEDSCOPE_LIVE_H

#include "cli.h"
#include "core/report.h"
#include "core/counts.h"
#include "session/bpfsess.h"
#include "session/counts_read.h"
#include "session/session.h"

/* Render the interval just sampled into stdout: 0 or an exit code. */
typedef int (*live_report_fn)(void *ctx, const struct report_meta *m);

/* Returns the process exit code. */
int live__run(struct session *s, const struct cli *cli, struct cpustat *cs, const char *what,
	      live_report_fn report, void *ctx);

/* Deliver events until deadline_ns (CLOCK_MONOTONIC); true on a stop request. */
typedef bool (*live_wait_fn)(void *wait_ctx, uint64_t deadline_ns);

/*
 * The loop of every report: wait until each interval ends (-d, count, Ctrl-C
 * or SIGTERM end it early), then report(ctx, window_ns, final), which returns
 * 0 or an exit code. The window starts at start_ns. Returns the exit code.
 */
int live__reports(const struct cli *cli, uint64_t start_ns, live_wait_fn wait, void *wait_ctx,
		  int (*report)(void *ctx, uint64_t window_ns, bool final), void *ctx);

/*
 * The loop of the event-stream commands: wait delivers events; tick(ctx, now)
 * runs every tick_ns (never if 0) and returns 0 or an exit code. Runs until
 * -d, Ctrl-C or SIGTERM. Returns the process exit code.
 */
int live__stream(const struct cli *cli, uint64_t tick_ns, live_wait_fn wait, void *wait_ctx,
		 int (*tick)(void *ctx, uint64_t now_ns), void *ctx);

/*
 * The loop of the counts-by-key commands (count, preempt): each interval,
 * sample (optional, before the read), the counts read into rows (after the
 * programs are detached, for the last report, with what came in as it
 * closed), then render. "Counting <what>" until -d, the count, Ctrl-C or
 * SIGTERM. Returns the process exit code.
 */
struct live_counts {
	struct bpfsess *b; /* its programs are detached before the last read */
	struct counts_read *counts;
	struct count_rows *rows;			       /* initialized by the caller */
	int (*sample)(void *sample_ctx);		       /* 0 or -errno; may be NULL */
	void *sample_ctx;				       /* the session's */
	int (*render)(void *ctx, const struct report_meta *m); /* 0 or an exit code */
	void *ctx;					       /* the command's */
};

int live__counts(const struct cli *cli, const char *what, const struct live_counts *lc);

/*
 * Check -p, -t and -C against the system before tracing: a PID that is no
 * process, a TID that is no thread or a CPU that does not exist is a usage
 * error (returns EXIT_USAGE), else 0.
 */
int live__check_args(const struct cli *cli);

#endif
