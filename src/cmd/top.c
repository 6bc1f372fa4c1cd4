// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope top: where CPU time goes, per process, thread or name. The
 * analysis (cmd/analysis.h) is fed by the accounting session live, or by
 * the figures `report` rebuilds from a recording.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cmd/analysis.h"
#include "cmd/commands.h"
#include "core/acct.h"
#include "core/cpustat.h"
#include "core/topview.h"
#include "session/live.h"
#include "out/top_out.h"
#include "session/session.h"

struct top {
	const struct cli *cli;
	struct acct *acct;
	struct cpustat *cpus;
	struct cpu_row *cpu_rows;
	struct top_view view;
	const struct tasktab *names; /* a recording's: who each thread is */
};

static void add_thread(const struct acct_delta *d, void *arg)
{
	topview__add_thread(arg, d);
}

static int top__report(void *ctx, const struct report_meta *meta)
{
	struct top *t = ctx;
	struct report_meta m = *meta; /* the core adds its own losses */

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

static void top__free(void *ctx);

static void *top__new(const struct cli *cli, const struct analysis_input *in, int *exit_code)
{
	uint32_t nr_cpus = in->nr_cpus;
	struct top_filter filter = { cli->pids, cli->nr_pids, cli->tids, cli->nr_tids,
				     cli->comm, cli->idle,    cli->cpu };
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
	t->names = in->rec ? in->rec->names : NULL;
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

static void top__free(void *ctx)
{
	struct top *t = ctx;

	if (!t)
		return;
	cpustat__free(t->cpus);
	free(t->cpu_rows);
	acct__free(t->acct);
	topview__fini(&t->view);
	free(t);
}

/* A recording's figures: every thread observed, every CPU sampled. */
static void top__sample(void *ctx, struct evacct *ea, uint64_t now_ns)
{
	struct top *t = ctx;

	evacct__observe(ea, t->acct, t->names);
	evacct__sample_cpus(ea, t->cpus, now_ns);
}

const struct analysis_ops top_analysis = {
	.names = true,
	.new = top__new,
	.free = top__free,
	.sample = top__sample,
	.report = top__report,
};

int top__run(const struct cli *cli)
{
	struct session_opts so = { .threads = true,
				   .idle = cli->idle,
				   .waits = true,
				   .verbose = cli->verbose,
				   .cpu = cli->cpu };
	enum top_by by;
	enum top_sort sort;
	struct analysis_input in = { 0 };
	struct session *s;
	struct top *t;
	int ret;

	if (parse_view(cli, &by, &sort) || live__check_args(cli))
		return EXIT_USAGE;
	s = session__open(&so);
	if (!s)
		return 1;
	in.nr_cpus = session__nr_cpus(s);
	t = top__new(cli, &in, &ret);
	if (t) {
		session__bind_acct(s, t->acct);
		ret = live__run(s, cli, t->cpus, "CPU time per task", top__report, t);
	}
	top__free(t);
	session__close(s);
	return ret;
}
