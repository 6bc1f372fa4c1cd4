// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope count -e PROBE[,PROBE...] [--by KEY[,KEY...]] [interval [count]]:
 * DTrace's `@[...] = count()` over the sched provider's probes, counted in
 * the kernel, printed and cleared each interval as the seed's
 * `interval:s:5 { print(@); clear(@); }` does.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bpf/abi.h"
#include "cli.h"
#include "cmd/commands.h"
#include "core/counts.h"
#include "core/probes.h"
#include "out/count_out.h"
#include "session/live.h"
#include "session/probesession.h"

/* The key's columns, in its order: the probe, then the SS_BY_* fields. */
#define KEY_COL(h, m, w, field, k) COUNT_COL_OF(struct ss_count_key, h, m, w, field, k)

static const struct count_col key_cols[] = {
	KEY_COL("PROBE", "probe", -12, probe, COUNT_COL_NAME),
	KEY_COL("CPU", "cpu", 4, cpu, COUNT_COL_U32),
	KEY_COL("PID", "pid", 7, pid, COUNT_COL_U32),
	KEY_COL("TID", "tid", 7, tid, COUNT_COL_U32),
	KEY_COL("COMM", "comm", -16, comm, COUNT_COL_COMM),
	KEY_COL("PRIO", "prio", 5, prio, COUNT_COL_S32),
};

#define NR_KEY_COLS (sizeof(key_cols) / sizeof(key_cols[0]))

struct count {
	const struct cli *cli;
	struct probesession *s;
	struct count_rows rows;
	const char *probe_names[SS_NR_PROBES];
	struct count_col cols[NR_KEY_COLS];
	size_t nr_cols;
};

static void set_cols(struct count *c, uint32_t by)
{
	for (unsigned int p = 0; p < SS_NR_PROBES; p++)
		c->probe_names[p] = probe_descs[p].name;
	c->cols[0] = key_cols[0];
	c->cols[0].names = c->probe_names;
	c->cols[0].nr_names = SS_NR_PROBES;
	c->nr_cols = 1;
	for (size_t i = 1; i < NR_KEY_COLS; i++)
		if (by & (1u << (i - 1)))
			c->cols[c->nr_cols++] = key_cols[i];
}

static int count_render(void *ctx, const struct report_meta *m)
{
	struct count *c = ctx;
	struct count_table t = {
		.member = "rows",
		.rows = &c->rows,
		.cols = c->cols,
		.nr_cols = c->nr_cols,
	};
	struct count_report r = {
		.type = "count",
		.tables = &t,
		.nr_tables = 1,
		.max_rows = c->cli->rows,
		.full = counts_read__full(probesession__counts(c->s)),
		.full_hint = "--max-keys makes room; --by fewer keys needs less",
		.untraced = probesession__untraced(c->s),
	};

	count_out__write(stdout, &r, m, c->cli->json);
	return 0;
}

int count__run(const struct cli *cli)
{
	struct count c = { .cli = cli };
	struct probe_opts o = { .cli = cli };
	struct live_counts lc;
	const char *why[SS_NR_PROBES];
	uint32_t asked, avail;
	char bad[32];
	int ret;

	if (!cli->probes) {
		cli__err("count needs the probes to count: -e PROBE[,PROBE...] (%s)",
			 probes__names());
		return EXIT_USAGE;
	}
	if (probes__parse(cli->probes, &asked, bad, sizeof(bad))) {
		cli__err("unknown probe '%s': the probes are %s", bad, probes__names());
		return EXIT_USAGE;
	}
	if (cli->by && probes__parse_by(cli->by, &o.by, bad, sizeof(bad))) {
		cli__err("unknown --by key '%s': the keys are %s", bad, probes__by_names());
		return EXIT_USAGE;
	}
	ret = live__check_args(cli);
	if (ret)
		return ret;
	c.s = probesession__new(cli->verbose, &avail, why);
	if (!c.s)
		return 1;
	ret = probesession__usable(asked, avail, why, false, "counting", &o.probes);
	if (!ret && probesession__start(c.s, &o))
		ret = 1;
	if (ret) {
		probesession__close(c.s);
		return ret;
	}
	set_cols(&c, o.by);
	count_rows__init(&c.rows, sizeof(struct ss_count_key), 1);
	lc = (struct live_counts){
		.b = probesession__bpfsess(c.s),
		.counts = probesession__counts(c.s),
		.rows = &c.rows,
		.sample = probesession__sample,
		.sample_ctx = c.s,
		.render = count_render,
		.ctx = &c,
	};
	ret = live__counts(cli, cli->probes, &lc);
	probesession__close(c.s);
	count_rows__free(&c.rows);
	return ret;
}
