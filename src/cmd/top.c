// SPDX-License-Identifier: GPL-2.0
/* schedscope top: where CPU time goes, per process, thread or name. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cmd/commands.h"
#include "core/acct.h"
#include "core/cpustat.h"
#include "core/topview.h"
#include "session/live.h"
#include "cmd/reports.h"
#include "out/top_out.h"
#include "session/session.h"

struct top {
	const struct cli *cli;
	struct acct *acct;
	struct cpustat *cpus;
	struct cpu_row *cpu_rows;
	struct top_view view;
};

static void add_thread(const struct acct_delta *d, void *arg)
{
	topview__add_thread(arg, d);
}

int top__report(void *ctx, const struct report_meta *meta)
{
	struct top *t = ctx;
	struct report_meta m = *meta;	/* the core adds its own losses */

	topview__reset(&t->view);
	acct__close(t->acct, add_thread, &t->view);
	cpustat__close(t->cpus, m.duration_ns, t->cpu_rows);
	for (uint32_t c = 0; c < cpustat__nr_cpus(t->cpus); c++) {
		t->view.context_switches += t->cpu_rows[c].d.switches;
		topview__add_idle(&t->view, c, t->cpu_rows[c].d.idle_ns,
				  t->cpu_rows[c].d.idle_exits);
	}
	topview__finish(&t->view, m.duration_ns, t->cli->rows);
	acct__report_losses(t->acct, &m.loss);
	if (t->cli->json)
		top_out__json(stdout, &t->view, &m);
	else
		top_out__table(stdout, &t->view, &m);
	if (t->view.err)
		cli__err("out of memory: the report above is incomplete");
	return 0;
}

/* --by and -s: 0, or EXIT_USAGE after saying why. */
static int parse_view(const struct cli *cli, enum top_by *by, enum top_sort *sort)
{
	*by = TOP_BY_PID;
	*sort = TOP_SORT_CPU;
	if (cli->by && topview__parse_by(cli->by, by)) {
		cli__err("invalid --by '%s' (pid, tid or comm)", cli->by);
		return EXIT_USAGE;
	}
	if (cli->sort && topview__parse_sort(cli->sort, sort)) {
		cli__err("invalid sort field '%s' (cpu, pid, tid, comm, vcsw, ivcsw, wakeups, "
			 "migr, runq, runqmax)",
			 cli->sort);
		return EXIT_USAGE;
	}
	return 0;
}

struct top *top__new(const struct cli *cli, uint32_t nr_cpus, int *exit_code)
{
	struct top_filter filter = { cli->pids, cli->nr_pids, cli->tids, cli->nr_tids,
				     cli->comm, cli->idle, cli->cpu };
	enum top_by by;
	enum top_sort sort;
	struct top *t;

	*exit_code = parse_view(cli, &by, &sort);
	if (*exit_code)
		return NULL;
	*exit_code = 1;
	t = calloc(1, sizeof(*t));
	if (!t) {
		cli__err("out of memory");
		return NULL;
	}
	t->cli = cli;
	topview__init(&t->view, by, sort, &filter);
	t->acct = acct__new(cli->max_tasks);
	t->cpus = cpustat__new(nr_cpus);
	t->cpu_rows = calloc(nr_cpus, sizeof(*t->cpu_rows));
	if (!t->acct || !t->cpus || !t->cpu_rows) {
		cli__err("cannot allocate a table of %zu threads", cli->max_tasks);
		top__free(t);
		return NULL;
	}
	return t;
}

void top__free(struct top *t)
{
	if (!t)
		return;
	cpustat__free(t->cpus);
	free(t->cpu_rows);
	acct__free(t->acct);
	topview__fini(&t->view);
	free(t);
}

struct acct *top__acct(struct top *t)
{
	return t->acct;
}

struct cpustat *top__cpustat(struct top *t)
{
	return t->cpus;
}

int top__run(const struct cli *cli)
{
	struct session_opts so = { .threads = true, .idle = cli->idle, .waits = true,
				   .verbose = cli->verbose, .cpu = cli->cpu };
	enum top_by by;
	enum top_sort sort;
	struct session *s;
	struct top *t;
	int ret;

	if (parse_view(cli, &by, &sort) || live__check_args(cli))
		return EXIT_USAGE;
	s = session__open(&so);
	if (!s)
		return 1;
	t = top__new(cli, session__nr_cpus(s), &ret);
	if (t) {
		session__bind_acct(s, t->acct);
		ret = live__run(s, cli, t->cpus, "CPU time per task", top__report, t);
	}
	top__free(t);
	session__close(s);
	return ret;
}
