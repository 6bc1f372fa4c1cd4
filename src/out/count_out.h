/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The writers of counts by key (core/counts.h): tables of text, or one JSON
 * object per interval with an array per table.
 */
#ifndef SCHEDSCOPE_COUNT_OUT_H
#define SCHEDSCOPE_COUNT_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/counts.h"
#include "core/report.h"

/* One table of a report: its rows and how to show their keys and counts. */
struct count_table {
	const char *member;	/* the JSON array: "rows", "threads", ... */
	const char *title;	/* a line above the text table, or NULL */
	const struct count_rows *rows;
	const struct count_col *cols;
	size_t nr_cols;
	/* The counts' headers and JSON members (rows->nr_values); NULL: COUNT, count. */
	const char *const *value_heads;
	const char *const *value_members;
};

struct count_report {
	const char *type;	/* the JSON object's "type": the command */
	const struct count_table *tables;
	size_t nr_tables;
	size_t max_rows;	/* -n, per table; 0: all */
	uint64_t full;		/* counts lost to a full key table, cumulative */
	const char *full_hint;	/* the option that makes room */
	/* Switches the kernel hid from its tracepoint, cumulative; -1: not counted. */
	int64_t untraced;
};

/* Returns 0 or -EIO. */
int count_out__table(FILE *f, const struct count_report *c, const struct report_meta *m);
int count_out__json(FILE *f, const struct count_report *c, const struct report_meta *m);
/* The one --json asks for. */
int count_out__write(FILE *f, const struct count_report *c, const struct report_meta *m,
		     bool json);

#endif
