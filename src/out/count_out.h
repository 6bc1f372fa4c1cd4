/* SPDX-License-Identifier: GPL-2.0 */
/* The writers of counts by key (core/counts.h): a table, or one JSON object per interval. */
#ifndef SCHEDSCOPE_COUNT_OUT_H
#define SCHEDSCOPE_COUNT_OUT_H

#include <stdio.h>

#include "core/counts.h"
#include "core/report.h"

/* What a counts report carries besides its rows. */
struct count_report {
	const struct count_rows *rows;
	const struct count_col *cols;
	size_t nr_cols;
	size_t max_rows;	/* -n; 0: all */
	uint64_t full;		/* counts lost to a full key table, cumulative */
	const char *full_hint;	/* the option that makes room */
};

/* Returns 0 or -EIO. */
int count_out__table(FILE *f, const struct count_report *c, const struct report_meta *m);
int count_out__json(FILE *f, const struct count_report *c, const struct report_meta *m);

#endif
