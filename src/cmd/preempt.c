// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope preempt [--by comm|pid|tid] [interval [count]]: who leaves a
 * CPU to whom, the seed's `@sw[prev_comm, next_comm]` as a product. Each
 * (prev, next) pair's voluntary and involuntary switches, counted in the
 * kernel, then the threads (or names) ranked by how often they were
 * switched out and in, from the same rows.
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
#include "session/preemptsession.h"

#define PAIR_COL(h, m, w, field, k) COUNT_COL_OF(struct ss_preempt_key, h, m, w, field, k)

/* In SS_BY_PID, SS_BY_TID, SS_BY_COMM order, prev's then next's. */
static const struct count_col pair_cols[2][3] = {
	{ PAIR_COL("PREV PID", "prev_pid", 8, prev_pid, COUNT_COL_U32),
	  PAIR_COL("PREV TID", "prev_tid", 8, prev_tid, COUNT_COL_U32),
	  PAIR_COL("PREV COMM", "prev_comm", -16, prev_comm, COUNT_COL_COMM) },
	{ PAIR_COL("NEXT PID", "next_pid", 8, next_pid, COUNT_COL_U32),
	  PAIR_COL("NEXT TID", "next_tid", 8, next_tid, COUNT_COL_U32),
	  PAIR_COL("NEXT COMM", "next_comm", -16, next_comm, COUNT_COL_COMM) },
};

/* A side of a pair, for the ranking: its key's fields as the pair has them. */
struct side_key {
	uint32_t pid;
	uint32_t tid;
	char comm[SS_COMM_LEN];
};

#define SIDE_COL(h, m, w, field, k) COUNT_COL_OF(struct side_key, h, m, w, field, k)

static const struct count_col side_cols[3] = {
	SIDE_COL("PID", "pid", 8, pid, COUNT_COL_U32),
	SIDE_COL("TID", "tid", 8, tid, COUNT_COL_U32),
	SIDE_COL("COMM", "comm", -16, comm, COUNT_COL_COMM),
};

enum side_value { SIDE_OUT_VOL, SIDE_OUT_INVOL, SIDE_IN, SIDE_NR };

static const char *const pair_heads[SS_PREEMPT_NR] = { "VOLUNTARY", "INVOLUNTARY" };
static const char *const pair_members[SS_PREEMPT_NR] = { "voluntary", "involuntary" };
static const char *const side_heads[SIDE_NR] = { "OUT VOL", "OUT INVOL", "IN" };
static const char *const side_members[SIDE_NR] = { "out_voluntary", "out_involuntary", "in" };

struct preempt {
	const struct cli *cli;
	struct preemptsession *s;
	struct count_rows pairs;
	struct count_rows sides;
	struct count_col cols[6];
	size_t nr_cols;
	struct count_col scols[3];
	size_t nr_scols;
};

static void set_cols(struct preempt *p, uint32_t by)
{
	for (int side = 0; side < 2; side++)
		for (int i = 0; i < 3; i++)
			if (by & (1u << (i + 1))) /* SS_BY_PID, _TID, _COMM */
				p->cols[p->nr_cols++] = pair_cols[side][i];
	for (int i = 0; i < 3; i++)
		if (by & (1u << (i + 1)))
			p->scols[p->nr_scols++] = side_cols[i];
}

/* Each pair's counts to its two sides: out for prev, in for next. */
static int rank_sides(struct preempt *p)
{
	count_rows__clear(&p->sides);
	for (size_t i = 0; i < p->pairs.nr; i++) {
		const struct ss_preempt_key *k = count_rows__key(&p->pairs, i);
		const uint64_t *n = count_rows__counts(&p->pairs, i);
		struct side_key prev = { k->prev_pid, k->prev_tid, { 0 } };
		struct side_key next = { k->next_pid, k->next_tid, { 0 } };
		const uint64_t out[SIDE_NR] = { n[SS_PREEMPT_VOLUNTARY], n[SS_PREEMPT_INVOLUNTARY],
						0 };
		const uint64_t in[SIDE_NR] = {
			0, 0, n[SS_PREEMPT_VOLUNTARY] + n[SS_PREEMPT_INVOLUNTARY]
		};
		int err;

		memcpy(prev.comm, k->prev_comm, sizeof(prev.comm));
		memcpy(next.comm, k->next_comm, sizeof(next.comm));
		err = count_rows__add(&p->sides, &prev, out);
		if (!err)
			err = count_rows__add(&p->sides, &next, in);
		if (err)
			return err;
	}
	return count_rows__finish(&p->sides);
}

static int preempt_render(void *ctx, const struct report_meta *m)
{
	struct preempt *p = ctx;
	const struct count_table tables[] = {
		{ .member = "rows",
		  .rows = &p->pairs,
		  .cols = p->cols,
		  .nr_cols = p->nr_cols,
		  .value_heads = pair_heads,
		  .value_members = pair_members },
		{ .member = "threads",
		  .title = "Switched out and in:",
		  .rows = &p->sides,
		  .cols = p->scols,
		  .nr_cols = p->nr_scols,
		  .value_heads = side_heads,
		  .value_members = side_members },
	};
	struct count_report r = {
		.type = "preempt",
		.tables = tables,
		.nr_tables = 2,
		.max_rows = p->cli->rows,
		.full = counts_read__full(preemptsession__counts(p->s)),
		.full_hint = "--max-keys makes room; --by comm needs fewer keys",
		.untraced = -1,
	};
	int err = rank_sides(p);

	if (err) {
		cli__err("out of memory");
		return 1;
	}
	count_out__write(stdout, &r, m, p->cli->json);
	return 0;
}

int preempt__run(const struct cli *cli)
{
	struct preempt p = { .cli = cli };
	struct live_counts lc;
	uint32_t by = SS_BY_COMM;
	int ret;

	if (cli->by && probes__parse_task_by(cli->by, &by)) {
		cli__err("invalid --by '%s': the keys are pid, tid and comm", cli->by);
		return EXIT_USAGE;
	}
	ret = live__check_args(cli);
	if (ret)
		return ret;
	set_cols(&p, by);
	count_rows__init(&p.pairs, sizeof(struct ss_preempt_key), SS_PREEMPT_NR);
	count_rows__init(&p.sides, sizeof(struct side_key), SIDE_NR);
	p.s = preemptsession__open(cli, by);
	if (!p.s)
		return 1;
	lc = (struct live_counts){
		.b = preemptsession__bpfsess(p.s),
		.counts = preemptsession__counts(p.s),
		.rows = &p.pairs,
		.render = preempt_render,
		.ctx = &p,
	};
	ret = live__counts(cli, "switches by who left a CPU to whom", &lc);
	preemptsession__close(p.s);
	count_rows__free(&p.pairs);
	count_rows__free(&p.sides);
	return ret;
}
