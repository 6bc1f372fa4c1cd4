// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope cpus: the per-CPU view. The analysis (cmd/analysis.h) is fed
 * by the accounting session live, or by the per-CPU counters `report`
 * rebuilds from a recording.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cmd/analysis.h"
#include "cmd/commands.h"
#include "core/cpustat.h"
#include "session/live.h"
#include "out/cpus_out.h"
#include "session/session.h"

struct cpus {
	const struct cli *cli;
	struct cpustat *stat;
	struct cpu_row *rows;
	bool *show;
};

static int cpus__report(void *ctx, const struct report_meta *m)
{
	struct cpus *c = ctx;
	uint32_t nr = cpustat__nr_cpus(c->stat);

	cpustat__close(c->stat, m->duration_ns, c->rows);
	if (c->cli->json)
		cpus_out__json(stdout, c->rows, c->show, nr, m);
	else
		cpus_out__table(stdout, c->rows, c->show, nr, m);
	return 0;
}

static void cpus__free(void *ctx);

static void *cpus__new(const struct cli *cli, const struct analysis_input *in, int *exit_code)
{
	uint32_t nr = in->nr_cpus;
	struct cpus *c = calloc(1, sizeof(*c));

	*exit_code = 1;
	if (!c)
		goto fail;
	c->cli = cli;
	c->stat = cpustat__new(nr);
	c->rows = calloc(nr, sizeof(*c->rows));
	c->show = calloc(nr, sizeof(*c->show));
	if (!c->stat || !c->rows || !c->show)
		goto fail;
	for (uint32_t i = 0; i < nr; i++)
		c->show[i] = cli->cpu < 0 || (uint32_t)cli->cpu == i;
	return c;
fail:
	cli__err("out of memory");
	cpus__free(c);
	return NULL;
}

static void cpus__free(void *ctx)
{
	struct cpus *c = ctx;

	if (!c)
		return;
	cpustat__free(c->stat);
	free(c->rows);
	free(c->show);
	free(c);
}

/* A recording's figures: every CPU sampled. */
static void cpus__sample(void *ctx, struct evacct *ea, uint64_t now_ns)
{
	struct cpus *c = ctx;

	evacct__sample_cpus(ea, c->stat, now_ns);
}

const struct analysis_ops cpus_analysis = {
	.new = cpus__new,
	.free = cpus__free,
	.sample = cpus__sample,
	.report = cpus__report,
};

int cpus__run(const struct cli *cli)
{
	struct session_opts so = { .threads = false,
				   .idle = true,
				   .cpu_waits = true,
				   .verbose = cli->verbose,
				   .cpu = -1 };
	struct analysis_input in = { 0 };
	struct session *s;
	struct cpus *c;
	int ret = 1;

	if (live__check_args(cli))
		return EXIT_USAGE;
	s = session__open(&so);
	if (!s)
		return 1;
	in.nr_cpus = session__nr_cpus(s);
	c = cpus__new(cli, &in, &ret);
	if (c)
		ret = live__run(s, cli, c->stat, "context switches per CPU", cpus__report, c);
	cpus__free(c);
	session__close(s);
	return ret;
}
