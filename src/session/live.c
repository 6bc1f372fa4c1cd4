// SPDX-License-Identifier: GPL-2.0
#include "session/live.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "session/stop.h"

/* stdout went bad: 0 if the reader went away (| head), else 1 after saying why. */
static int output_failed(void)
{
	if (errno == EPIPE)
		return 0;
	cli__err("cannot write the report: %s", strerror(errno));
	return 1;
}

int live__reports(const struct cli *cli, uint64_t start_ns, live_wait_fn wait, void *wait_ctx,
		  int (*report)(void *ctx, uint64_t window_ns, bool final), void *ctx)
{
	uint64_t last = start_ns, end = UINT64_MAX, reports = 0;
	uint64_t step = cli->interval_s > 0 ? (uint64_t)(cli->interval_s * 1e9) : 0;

	if (cli->duration_s > 0)
		end = start_ns + (uint64_t)(cli->duration_s * 1e9);
	for (;;) {
		uint64_t next = step && last + step < end ? last + step : end, now;
		bool final = wait(wait_ctx, next);
		int ret;

		now = stop__now_ns();
		final = final || now >= end || (cli->count && reports + 1 >= cli->count);
		ret = report(ctx, now - last, final);
		if (ret)
			return ret;
		/* The reader going away (| head) is how it says it has enough. */
		if (fflush(stdout) || ferror(stdout))
			return output_failed();
		last = now;
		reports++;
		if (final)
			return 0;
	}
}

static bool counts_wait(void *ctx, uint64_t deadline_ns)
{
	const struct live_counts *lc = ctx;

	/* No ring: it sleeps until the deadline or a stop request. */
	bpfsess__poll(lc->b, deadline_ns);
	return stop__requested();
}

struct counts_loop {
	const struct cli *cli;
	const struct live_counts *lc;
};

static int counts_report(void *ctx, uint64_t window_ns, bool final)
{
	const struct counts_loop *l = ctx;
	const struct live_counts *lc = l->lc;
	struct report_meta m;
	int err = lc->sample ? lc->sample(lc->sample_ctx) : 0;

	count_rows__clear(lc->rows);
	if (!err)
		err = counts_read__close(lc->counts, lc->rows);
	if (!err && final) {
		bpfsess__detach(lc->b);
		err = counts_read__late(lc->counts, lc->rows);
	}
	if (!err)
		err = count_rows__finish(lc->rows);
	if (err) {
		cli__err("cannot read the counts: %s", strerror(-err));
		return 1;
	}
	memset(&m, 0, sizeof(m));
	m.duration_ns = window_ns;
	m.final = final;
	clock_gettime(CLOCK_REALTIME, &m.wall);
	m.timestamp = l->cli->timestamp;
	m.nr_cpus = lc->b->nr_cpus;
	return lc->render(lc->ctx, &m);
}

int live__counts(const struct cli *cli, const char *what, const struct live_counts *lc)
{
	struct counts_loop l = { cli, lc };

	stop__install();
	if (cli->interval_s > 0)
		fprintf(stderr, "Counting %s, a report every %g s... Hit Ctrl-C to end.\n", what,
			cli->interval_s);
	else
		fprintf(stderr, "Counting %s... Hit Ctrl-C to end.\n", what);
	fflush(stderr);
	return live__reports(cli, stop__now_ns(), counts_wait, (void *)lc, counts_report, &l);
}

/* top and cpus: the accounting session behind live__reports(). */
struct acct_live {
	struct session *s;
	const struct cli *cli;
	struct cpustat *cs;
	live_report_fn report;
	void *ctx;
};

static bool acct_wait(void *wait_ctx, uint64_t deadline_ns)
{
	return session__wait(wait_ctx, deadline_ns);
}

static int acct_report(void *ctx, uint64_t window_ns, bool final)
{
	struct acct_live *a = ctx;
	struct report_meta m;

	if (session__sample(a->s, a->cs))
		return 1;
	if (final)
		session__settle(a->s);
	memset(&m, 0, sizeof(m));
	m.duration_ns = window_ns;
	clock_gettime(CLOCK_REALTIME, &m.wall);
	m.final = final;
	m.timestamp = a->cli->timestamp;
	m.nr_cpus = session__nr_cpus(a->s);
	m.max_threads = a->cli->max_tasks;
	session__losses(a->s, &m.loss);
	return a->report(a->ctx, &m);
}

int live__run(struct session *s, const struct cli *cli, struct cpustat *cs, const char *what,
	      live_report_fn report, void *ctx)
{
	struct acct_live a = { s, cli, cs, report, ctx };
	uint64_t start = stop__now_ns();

	if (session__baseline(s, start, cs))
		return 1;
	if (cli->interval_s > 0)
		fprintf(stderr, "Tracing %s, a report every %g s... Hit Ctrl-C to end.\n", what,
			cli->interval_s);
	else
		fprintf(stderr, "Tracing %s... Hit Ctrl-C to end.\n", what);
	fflush(stderr);
	return live__reports(cli, start, acct_wait, s, acct_report, &a);
}

int live__stream(const struct cli *cli, uint64_t tick_ns, live_wait_fn wait, void *wait_ctx,
		 int (*tick)(void *ctx, uint64_t now_ns), void *ctx)
{
	uint64_t now = stop__now_ns(), end = UINT64_MAX, next_tick = UINT64_MAX;

	if (cli->duration_s > 0)
		end = now + (uint64_t)(cli->duration_s * 1e9);
	if (tick_ns)
		next_tick = now + tick_ns;
	for (;;) {
		uint64_t deadline = next_tick < end ? next_tick : end;
		bool stop = wait(wait_ctx, deadline);
		int ret = 0;

		now = stop__now_ns();
		if (!stop && tick_ns && now >= next_tick) {
			ret = tick(ctx, now);
			next_tick = now + tick_ns;
		}
		if (fflush(stdout) || ferror(stdout))
			return output_failed();
		if (ret)
			return ret;
		if (stop || now >= end)
			return 0;
	}
}

/* The Tgid of /proc/ID, or 0 if there is no such task. */
static uint32_t tgid_of(uint32_t id)
{
	char path[64], line[128];
	uint32_t tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/status", id);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %u", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

int live__check_args(const struct cli *cli)
{
	long nr_cpus = sysconf(_SC_NPROCESSORS_CONF);

	if (cli->cpu >= 0 && nr_cpus > 0 && cli->cpu >= nr_cpus) {
		cli__err("no CPU %d: this machine has CPUs 0 to %ld", cli->cpu, nr_cpus - 1);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < cli->nr_pids; i++) {
		uint32_t tgid = tgid_of(cli->pids[i]);

		if (!tgid) {
			cli__err("no process with PID %u", cli->pids[i]);
			return EXIT_USAGE;
		}
		if (tgid != cli->pids[i]) {
			cli__err("%u is a thread of process %u: use -t %u for the thread, or -p %u",
				 cli->pids[i], tgid, cli->pids[i], tgid);
			return EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < cli->nr_tids; i++) {
		if (!tgid_of(cli->tids[i])) {
			cli__err("no thread with TID %u", cli->tids[i]);
			return EXIT_USAGE;
		}
	}
	return 0;
}
