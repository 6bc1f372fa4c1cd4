// SPDX-License-Identifier: GPL-2.0
/* schedscope cpus: the per-CPU view. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "core/cpustat.h"
#include "live.h"
#include "out/cpus_out.h"
#include "session.h"

struct cpus {
	const struct cli *cli;
	struct cpustat *stat;
	struct cpu_row *rows;
	bool *show;
};

static void cpus_report(void *ctx, struct report_meta *m)
{
	struct cpus *c = ctx;
	uint32_t nr = cpustat__nr_cpus(c->stat);

	cpustat__close(c->stat, m->duration_ns, c->rows);
	if (c->cli->json)
		cpus_out__json(stdout, c->rows, c->show, nr, m);
	else
		cpus_out__table(stdout, c->rows, c->show, nr, m);
}

int cpus__run(const struct cli *cli)
{
	struct session_opts so = { .threads = false, .idle = true, .cpu_waits = true,
				   .verbose = cli->verbose, .cpu = -1 };
	struct cpus c = { .cli = cli };
	struct session *s;
	uint32_t nr;
	int ret = 1;

	if (live__check_args(cli))
		return EXIT_USAGE;
	s = session__open(&so);
	if (!s)
		return 1;
	nr = session__nr_cpus(s);
	c.stat = cpustat__new(nr);
	c.rows = calloc(nr, sizeof(*c.rows));
	c.show = calloc(nr, sizeof(*c.show));
	if (!c.stat || !c.rows || !c.show) {
		cli__err("out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < nr; i++)
		c.show[i] = cli->cpu < 0 || (uint32_t)cli->cpu == i;
	ret = live__run(s, cli, c.stat, "context switches per CPU", cpus_report, &c);
out:
	session__close(s);
	cpustat__free(c.stat);
	free(c.rows);
	free(c.show);
	return ret;
}
