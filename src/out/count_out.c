// SPDX-License-Identifier: GPL-2.0
#include "out/count_out.h"

#include <inttypes.h>
#include <string.h>

#include "out/common_out.h"
#include "out/json.h"

static size_t shown(const struct count_report *c)
{
	return c->max_rows && c->max_rows < c->rows->nr ? c->max_rows : c->rows->nr;
}

static void comm_of(const struct count_col *col, const void *key, char out[17])
{
	const char *comm = (const char *)key + col->off;
	size_t i;

	for (i = 0; i < 16 && comm[i]; i++)
		out[i] = out__printable(comm[i]);
	out[i] = 0;
}

static void cell(FILE *f, const struct count_col *col, const void *key)
{
	char comm[17];
	const char *name;

	switch (col->kind) {
	case COUNT_COL_COMM:
		comm_of(col, key, comm);
		fprintf(f, "%*s ", col->width, comm);
		return;
	case COUNT_COL_NAME:
		name = count_col__name(col, key);
		if (name) {
			fprintf(f, "%*s ", col->width, name);
			return;
		}
		break;
	default:
		break;
	}
	fprintf(f, "%*" PRId64 " ", col->width, count_col__number(col, key));
}

int count_out__table(FILE *f, const struct count_report *c, const struct report_meta *m)
{
	size_t n = shown(c);

	if (m->timestamp) {
		out__timestamp(f, m);
		fputc('\n', f);
	}
	for (size_t i = 0; i < c->nr_cols; i++)
		fprintf(f, "%*s ", c->cols[i].width, c->cols[i].head);
	fprintf(f, "%12s\n", "COUNT");
	for (size_t r = 0; r < n; r++) {
		const void *key = count_rows__key(c->rows, r);

		for (size_t i = 0; i < c->nr_cols; i++)
			cell(f, &c->cols[i], key);
		fprintf(f, "%12" PRIu64 "\n", c->rows->counts[r]);
	}
	if (n < c->rows->nr)
		fprintf(f, "(%zu more rows; -n 0 shows all)\n", c->rows->nr - n);
	fprintf(f, "total %" PRIu64 " in %zu rows over %.3f s\n", c->rows->total, c->rows->nr,
		(double)m->duration_ns / 1e9);
	if (c->full)
		fprintf(f, "lost: %" PRIu64 " counts found the key table full (%s)\n", c->full,
			c->full_hint);
	fputc('\n', f);
	fflush(f);
	return out__status(f);
}

static void member(struct json *j, const struct count_col *col, const void *key)
{
	const char *name;

	switch (col->kind) {
	case COUNT_COL_COMM:
		/* The JSON writer escapes every control byte itself. */
		json__string(j, col->member, (const char *)key + col->off,
			     strnlen((const char *)key + col->off, 16));
		return;
	case COUNT_COL_NAME:
		name = count_col__name(col, key);
		if (name) {
			json__string(j, col->member, name, strlen(name));
			return;
		}
		break;
	default:
		break;
	}
	json__i64(j, col->member, count_col__number(col, key));
}

int count_out__json(FILE *f, const struct count_report *c, const struct report_meta *m)
{
	struct json j;
	size_t n = shown(c);

	json__init(&j, f);
	json__begin_object(&j, NULL);
	json__u64(&j, "duration_ns", m->duration_ns);
	out__json_time(&j, m);
	json__u64(&j, "total", c->rows->total);
	json__u64(&j, "rows_total", c->rows->nr);
	json__begin_array(&j, "rows");
	for (size_t r = 0; r < n; r++) {
		const void *key = count_rows__key(c->rows, r);

		json__begin_object(&j, NULL);
		for (size_t i = 0; i < c->nr_cols; i++)
			member(&j, &c->cols[i], key);
		json__u64(&j, "count", c->rows->counts[r]);
		json__end_object(&j);
	}
	json__end_array(&j);
	json__begin_object(&j, "lost");
	json__u64(&j, "table_full", c->full);
	json__end_object(&j);
	json__end_object(&j);
	fflush(f);
	return out__status(f);
}
