// SPDX-License-Identifier: GPL-2.0
/* schedscope top: where CPU time goes, per process, thread or name. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "core/acct.h"
#include "core/cpustat.h"
#include "core/topview.h"
#include "live.h"
#include "out/top_out.h"
#include "session.h"

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

static void top_report(void *ctx, struct report_meta *m)
{
	struct top *t = ctx;
	const struct acct_losses *l = acct__losses(t->acct);

	topview__reset(&t->view);
	acct__close(t->acct, add_thread, &t->view);
	cpustat__close(t->cpus, m->duration_ns, t->cpu_rows);
	for (uint32_t c = 0; c < cpustat__nr_cpus(t->cpus); c++) {
		t->view.context_switches += t->cpu_rows[c].d.switches;
		topview__add_idle(&t->view, c, t->cpu_rows[c].d.idle_ns,
				  t->cpu_rows[c].d.idle_exits);
	}
	topview__finish(&t->view, m->duration_ns, t->cli->rows);
	m->loss.untracked_threads = l->untracked;
	m->loss.late_threads = l->late;
	m->loss.vanished_threads = l->vanished;
	if (t->cli->json)
		top_out__json(stdout, &t->view, m);
	else
		top_out__table(stdout, &t->view, m);
	if (t->view.err)
		cli__err("out of memory: the report above is incomplete");
}

int top__run(const struct cli *cli)
{
	struct session_opts so = { .threads = true, .idle = cli->idle, .waits = true,
				   .verbose = cli->verbose, .cpu = cli->cpu };
	struct top_filter filter = { cli->pids, cli->nr_pids, cli->tids, cli->nr_tids,
				     cli->comm, cli->idle, cli->cpu };
	enum top_by by = TOP_BY_PID;
	enum top_sort sort = TOP_SORT_CPU;
	struct session *s = NULL;
	struct top t = { .cli = cli };
	int ret = 1;

	if (cli->by && topview__parse_by(cli->by, &by)) {
		cli__err("invalid --by '%s' (pid, tid or comm)", cli->by);
		return EXIT_USAGE;
	}
	if (cli->sort && topview__parse_sort(cli->sort, &sort)) {
		cli__err("invalid sort field '%s' (cpu, pid, tid, comm, vcsw, ivcsw, wakeups, "
			 "migr, runq, runqmax)",
			 cli->sort);
		return EXIT_USAGE;
	}
	if (live__check_args(cli))
		return EXIT_USAGE;
	topview__init(&t.view, by, sort, &filter);
	t.acct = acct__new(cli->max_tasks);
	if (!t.acct) {
		cli__err("cannot allocate a table of %zu threads", cli->max_tasks);
		goto out;
	}
	s = session__open(&so);
	if (!s)
		goto out;
	t.cpus = cpustat__new(session__nr_cpus(s));
	t.cpu_rows = calloc(session__nr_cpus(s), sizeof(*t.cpu_rows));
	if (!t.cpus || !t.cpu_rows) {
		cli__err("out of memory");
		goto out;
	}
	session__bind_acct(s, t.acct);
	ret = live__run(s, cli, t.cpus, "CPU time per task", top_report, &t);
out:
	session__close(s);
	cpustat__free(t.cpus);
	free(t.cpu_rows);
	acct__free(t.acct);
	topview__fini(&t.view);
	return ret;
}
