// SPDX-License-Identifier: GPL-2.0
#include "live.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stop.h"

/* stdout went bad: 0 if the reader went away (| head), else 1 after saying why. */
static int output_failed(void)
{
	if (errno == EPIPE)
		return 0;
	cli__err("cannot write the report: %s", strerror(errno));
	return 1;
}

static double to_s(uint64_t ns)
{
	return (double)ns / 1e9;
}

int live__run(struct session *s, const struct cli *cli, struct cpustat *cs, const char *what,
	      live_report_fn report, void *ctx)
{
	uint64_t start, last, end = UINT64_MAX, step;
	uint64_t reports = 0;
	int err;

	start = stop__now_ns();
	err = session__baseline(s, start, cs);
	if (err)
		return 1;
	last = start;
	if (cli->duration_s > 0)
		end = start + (uint64_t)(cli->duration_s * 1e9);
	step = cli->interval_s > 0 ? (uint64_t)(cli->interval_s * 1e9) : 0;

	if (step)
		fprintf(stderr, "Tracing %s, a report every %g s... Hit Ctrl-C to end.\n", what,
			to_s(step));
	else
		fprintf(stderr, "Tracing %s... Hit Ctrl-C to end.\n", what);
	fflush(stderr);

	for (;;) {
		uint64_t next = step ? last + step : end, now;
		struct report_meta m;
		bool stop, last_report;

		if (next > end)
			next = end;
		stop = session__wait(s, next);
		now = stop__now_ns();
		if (session__sample(s, cs))
			return 1;
		last_report = stop || now >= end || (cli->count && reports + 1 >= cli->count);
		if (last_report)
			session__settle(s);
		memset(&m, 0, sizeof(m));
		m.duration_ns = now - last;
		clock_gettime(CLOCK_REALTIME, &m.wall);
		m.timestamp = cli->timestamp;
		m.nr_cpus = session__nr_cpus(s);
		m.max_threads = cli->max_tasks;
		session__losses(s, &m.loss);
		report(ctx, &m);
		/* The reader going away (| head) is how it says it has enough. */
		if (fflush(stdout) || ferror(stdout))
			return output_failed();
		last = now;
		reports++;
		if (last_report)
			break;
	}
	return 0;
}

int live__stream(const struct cli *cli, uint64_t tick_ns,
		 bool (*wait)(void *ctx, uint64_t deadline_ns),
		 int (*tick)(void *ctx, uint64_t now_ns), void *ctx)
{
	uint64_t now = stop__now_ns(), end = UINT64_MAX, next_tick = UINT64_MAX;

	if (cli->duration_s > 0)
		end = now + (uint64_t)(cli->duration_s * 1e9);
	if (tick_ns)
		next_tick = now + tick_ns;
	for (;;) {
		uint64_t deadline = next_tick < end ? next_tick : end;
		bool stop = wait(ctx, deadline);
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
