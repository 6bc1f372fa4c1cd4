// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope migrations [--by pid|tid|comm] [interval [count]]: where
 * threads move between CPUs. The source -> destination matrix; per thread,
 * its migrations, how long it had waited on the run queue when it was
 * moved, and the CPUs it may run on; and the time it ran on each CPU. All
 * counted in the kernel (migrations.bpf.c); the allowed CPUs are read from
 * /proc as each report is written.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/abi.h"
#include "cli.h"
#include "cmd/commands.h"
#include "core/counts.h"
#include "core/probes.h"
#include "out/count_out.h"
#include "session/live.h"
#include "session/migrsession.h"

#define COL(h, m, w, field, k) COUNT_COL_OF(struct ss_migr_key, h, m, w, field, k)

static const char *allowed_cpus(const struct count_col *c, const void *key, char *buf, size_t len);

static const struct count_col matrix_cols[] = {
	COL("FROM CPU", "from_cpu", 8, a, COUNT_COL_U32),
	COL("TO CPU", "to_cpu", 8, b, COUNT_COL_U32),
};

/* In SS_BY_PID, SS_BY_TID, SS_BY_COMM order. */
static const struct count_col task_cols[] = {
	COL("PID", "pid", 8, pid, COUNT_COL_U32),
	COL("TID", "tid", 8, tid, COUNT_COL_U32),
	COL("COMM", "comm", -16, comm, COUNT_COL_COMM),
};

static const struct count_col allowed_col = {
	.head = "ALLOWED",
	.member = "allowed_cpus",
	.width = -10,
	.kind = COUNT_COL_TEXT,
	.text = allowed_cpus,
};

static const struct count_col cpu_col = COL("CPU", "cpu", 4, a, COUNT_COL_U32);

static const char *const task_heads[] = { "MIGRATIONS", "WAIT_NS" };
static const char *const task_members[] = { "migrations", "wait_before_ns" };
static const char *const run_heads[] = { "RUN_NS" };
static const char *const run_members[] = { "run_ns" };

struct migrations {
	const struct cli *cli;
	struct migrsession *s;
	struct count_rows all;	   /* what the kernel counted, every table */
	struct count_rows tab[3];  /* split by enum ss_migr_table */
	struct count_col tcols[4]; /* the thread's keys, and its allowed CPUs */
	size_t nr_tcols;
	struct count_col rcols[4]; /* the thread's keys, and the CPU */
	size_t nr_rcols;
};

/*
 * The thread's Cpus_allowed_list, as it is now: "-" once it is gone, or
 * when the rows are not per thread.
 */
static const char *allowed_cpus(const struct count_col *c, const void *key, char *buf, size_t len)
{
	const struct ss_migr_key *k = key;
	char path[64], line[256];
	const char *out = "-";
	FILE *f;

	(void)c; /* the /proc file says it all */

	if (!k->tid)
		return out;
	snprintf(path, sizeof(path), "/proc/%u/status", k->tid);
	f = fopen(path, "r");
	if (!f)
		return out;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Cpus_allowed_list:", 18) != 0)
			continue;
		snprintf(buf, len, "%s", line + 18 + strspn(line + 18, " \t"));
		buf[strcspn(buf, "\n")] = 0;
		out = buf;
		break;
	}
	fclose(f);
	return out;
}

static void set_cols(struct migrations *m, uint32_t by)
{
	for (int i = 0; i < 3; i++) {
		if (!(by & (1u << (i + 1)))) /* SS_BY_PID, _TID, _COMM */
			continue;
		m->tcols[m->nr_tcols++] = task_cols[i];
		m->rcols[m->nr_rcols++] = task_cols[i];
	}
	m->tcols[m->nr_tcols++] = allowed_col;
	m->rcols[m->nr_rcols++] = cpu_col;
}

/* The kernel's rows, each into its table, with that table's counts. */
static int split_tables(struct migrations *m)
{
	int err = 0;

	for (int t = 0; t < 3; t++)
		count_rows__clear(&m->tab[t]);
	for (size_t i = 0; i < m->all.nr && !err; i++) {
		const struct ss_migr_key *k = count_rows__key(&m->all, i);

		if (k->table < 3)
			err = count_rows__add(&m->tab[k->table], k, count_rows__counts(&m->all, i));
	}
	for (int t = 0; t < 3 && !err; t++)
		err = count_rows__finish(&m->tab[t]);
	return err;
}

static int migrations_render(void *ctx, const struct report_meta *meta)
{
	struct migrations *m = ctx;
	const struct count_table tables[] = {
		{ .member = "rows",
		  .title = "Migrations from CPU to CPU:",
		  .rows = &m->tab[0],
		  .cols = matrix_cols,
		  .nr_cols = 2 },
		{ .member = "threads",
		  .title = "Per thread (WAIT_NS: run-queue wait before each move):",
		  .rows = &m->tab[1],
		  .cols = m->tcols,
		  .nr_cols = m->nr_tcols,
		  .value_heads = task_heads,
		  .value_members = task_members },
		{ .member = "cpu_time",
		  .title = "Time run per CPU:",
		  .rows = &m->tab[2],
		  .cols = m->rcols,
		  .nr_cols = m->nr_rcols,
		  .value_heads = run_heads,
		  .value_members = run_members },
	};
	struct count_report r = {
		.type = "migrations",
		.tables = tables,
		.nr_tables = 3,
		.max_rows = m->cli->rows,
		.full = counts_read__full(migrsession__counts(m->s)),
		.full_hint = "--max-keys makes room; --by comm needs fewer keys",
		.untraced = -1,
	};

	if (split_tables(m)) {
		cli__err("out of memory");
		return 1;
	}
	count_out__write(stdout, &r, meta, m->cli->json);
	return 0;
}

int migrations__run(const struct cli *cli)
{
	struct migrations m = { .cli = cli };
	struct live_counts lc;
	uint32_t by = SS_BY_PID | SS_BY_TID | SS_BY_COMM;
	int ret;

	if (cli->by && probes__parse_task_by(cli->by, &by)) {
		cli__err("invalid --by '%s': the keys are pid, tid and comm", cli->by);
		return EXIT_USAGE;
	}
	ret = live__check_args(cli);
	if (ret)
		return ret;
	set_cols(&m, by);
	count_rows__init(&m.all, sizeof(struct ss_migr_key), SS_MIGR_NR);
	count_rows__init(&m.tab[SS_MIGR_MATRIX], sizeof(struct ss_migr_key), 1);
	count_rows__init(&m.tab[SS_MIGR_TASK], sizeof(struct ss_migr_key), SS_MIGR_NR);
	count_rows__init(&m.tab[SS_MIGR_TASK_CPU], sizeof(struct ss_migr_key), 1);
	m.s = migrsession__open(cli, by);
	if (!m.s)
		return 1;
	lc = (struct live_counts){
		.b = migrsession__bpfsess(m.s),
		.counts = migrsession__counts(m.s),
		.rows = &m.all,
		.render = migrations_render,
		.ctx = &m,
	};
	ret = live__counts(cli, "migrations", &lc);
	migrsession__close(m.s);
	count_rows__free(&m.all);
	for (int t = 0; t < 3; t++)
		count_rows__free(&m.tab[t]);
	return ret;
}
