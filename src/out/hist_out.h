/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The writers of latency histograms by key (bpf/hist.bpf.h): a counts
 * table (out/count_out.h) whose rows each hold one struct lat_dist, shown
 * as a block per key, a log2 histogram and its figures, or as a JSON
 * member "latency" per row.
 */
#ifndef SCHEDSCOPE_HIST_OUT_H
#define SCHEDSCOPE_HIST_OUT_H

#include "out/count_out.h"

/* What the rows' callbacks need: the table's row_ctx. */
struct hist_out_ctx {
	const char *unit_name; /* the log2 slots': "usecs" or "msecs" */
	const char *unit;      /* the same in JSON: "us" or "ms" */
	const char *noun;      /* what was timed: "calls" */
};

/* Make t's rows histograms (t->row_ctx = ctx). */
void hist_out__table(struct count_table *t, const struct hist_out_ctx *ctx);

#endif
