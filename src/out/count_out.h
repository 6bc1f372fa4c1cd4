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

struct json;

/* One table of a report: its rows and how to show their keys and counts. */
struct count_table {
	const char *member; /* the JSON array: "rows", "threads", ... */
	const char *title;  /* a line above the text table, or NULL */
	const struct count_rows *rows;
	const struct count_col *cols;
	size_t nr_cols;
	/* The counts' headers and JSON members (rows->nr_values); NULL: COUNT, count. */
	const char *const *value_heads;
	const char *const *value_members;
	size_t nr_values; /* the first counts shown; 0: all (rows->nr_values) */
	/* Per count, a unit the text divides it by (3 decimals); NULL or 0: as is. */
	const uint64_t *value_units;
	/*
	 * Rows whose values are one structure (a histogram: src/out/hist_out.h)
	 * rather than counts side by side: row_text writes row r's values
	 * under a line naming its key, row_json its members. NULL: counts.
	 */
	void (*row_text)(FILE *f, const struct count_table *t, size_t r);
	void (*row_json)(struct json *j, const struct count_table *t, size_t r);
	const void *row_ctx; /* what they need besides the row */
};

/* Something else a report did not count, cumulative: its line and its JSON member. */
struct count_loss {
	const char *what;   /* "events dropped by a full ring buffer" */
	const char *hint;   /* the option that helps */
	const char *member; /* in the JSON "lost" object */
	uint64_t n;
};

struct count_report {
	const char *type; /* the JSON object's "type": the command */
	const struct count_table *tables;
	size_t nr_tables;
	size_t max_rows;       /* -n, per table; 0: all */
	uint64_t full;	       /* counts lost to a full key table, cumulative */
	const char *full_hint; /* the option that makes room */
	/* Switches the kernel hid from its tracepoint, cumulative; -1: not counted. */
	int64_t untraced;
	const struct count_loss *losses; /* shown when not 0 (in JSON, always) */
	size_t nr_losses;
	const char *all_rows; /* the option that shows every row; NULL: "-n 0" */
};

/* One key column: its text cell (padded to its width, then a space) ... */
void count_out__cell(FILE *f, const struct count_col *col, const void *key);
/* ... and its JSON member. */
void count_out__member(struct json *j, const struct count_col *col, const void *key);

/* Returns 0 or -EIO. */
int count_out__table(FILE *f, const struct count_report *c, const struct report_meta *m);
int count_out__json(FILE *f, const struct count_report *c, const struct report_meta *m);
/* The one --json asks for. */
int count_out__write(FILE *f, const struct count_report *c, const struct report_meta *m, bool json);

#endif
