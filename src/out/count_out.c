// SPDX-License-Identifier: GPL-2.0
#include "out/count_out.h"

#include <inttypes.h>
#include <string.h>

#include "out/common_out.h"
#include "out/json.h"

/* A table of one count per key calls it COUNT, count. */
static const char *value_head(const struct count_table *t, size_t v)
{
	return t->value_heads ? t->value_heads[v] : "COUNT";
}

static const char *value_member(const struct count_table *t, size_t v)
{
	return t->value_members ? t->value_members[v] : "count";
}

static size_t shown(const struct count_report *c, const struct count_table *t)
{
	return c->max_rows && c->max_rows < t->rows->nr ? c->max_rows : t->rows->nr;
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
	char comm[17], buf[256];
	const char *name;

	switch (col->kind) {
	case COUNT_COL_TEXT:
		fprintf(f, "%*s ", col->width, col->text(key, buf, sizeof(buf)));
		return;
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

static void table(FILE *f, const struct count_report *c, const struct count_table *t)
{
	size_t n = shown(c, t);

	if (t->title)
		fprintf(f, "%s\n", t->title);
	for (size_t i = 0; i < t->nr_cols; i++)
		fprintf(f, "%*s ", t->cols[i].width, t->cols[i].head);
	for (size_t v = 0; v < t->rows->nr_values; v++)
		fprintf(f, "%s%12s", v ? " " : "", value_head(t, v));
	fputc('\n', f);
	for (size_t r = 0; r < n; r++) {
		const void *key = count_rows__key(t->rows, r);

		for (size_t i = 0; i < t->nr_cols; i++)
			cell(f, &t->cols[i], key);
		for (size_t v = 0; v < t->rows->nr_values; v++)
			fprintf(f, "%s%12" PRIu64, v ? " " : "", count_rows__counts(t->rows, r)[v]);
		fputc('\n', f);
	}
	if (n < t->rows->nr)
		fprintf(f, "(%zu more rows; -n 0 shows all)\n", t->rows->nr - n);
}

int count_out__table(FILE *f, const struct count_report *c, const struct report_meta *m)
{
	const struct count_rows *first = c->tables[0].rows;

	if (m->timestamp) {
		out__timestamp(f, m);
		fputc('\n', f);
	}
	for (size_t i = 0; i < c->nr_tables; i++) {
		if (i)
			fputc('\n', f);
		table(f, c, &c->tables[i]);
	}
	fprintf(f, "total %" PRIu64 " in %zu rows over %.3f s\n", first->total, first->nr,
		(double)m->duration_ns / 1e9);
	if (c->full)
		fprintf(f, "lost: %" PRIu64 " counts found the key table full (%s)\n", c->full,
			c->full_hint);
	if (c->untraced > 0)
		fprintf(f, "untraced: %" PRId64 " switch%s the kernel counted but its tracepoint "
			"never showed, so on-cpu and off-cpu miss %s (docs/accounting.md)\n",
			c->untraced, c->untraced == 1 ? "" : "es", c->untraced == 1 ? "it" : "them");
	fputc('\n', f);
	fflush(f);
	return out__status(f);
}

static void member(struct json *j, const struct count_col *col, const void *key)
{
	const char *name;
	char buf[256];

	switch (col->kind) {
	case COUNT_COL_TEXT:
		name = col->text(key, buf, sizeof(buf));
		json__string(j, col->member, name, strlen(name));
		return;
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

static void json_table(struct json *j, const struct count_report *c, const struct count_table *t)
{
	size_t n = shown(c, t);

	json__begin_array(j, t->member);
	for (size_t r = 0; r < n; r++) {
		const void *key = count_rows__key(t->rows, r);

		json__begin_object(j, NULL);
		for (size_t i = 0; i < t->nr_cols; i++)
			member(j, &t->cols[i], key);
		for (size_t v = 0; v < t->rows->nr_values; v++)
			json__u64(j, value_member(t, v), count_rows__counts(t->rows, r)[v]);
		json__end_object(j);
	}
	json__end_array(j);
}

int count_out__json(FILE *f, const struct count_report *c, const struct report_meta *m)
{
	struct json j;

	json__init(&j, f);
	json__begin_object(&j, NULL);
	json__string(&j, "type", c->type, strlen(c->type));
	json__u64(&j, "duration_ns", m->duration_ns);
	out__json_time(&j, m);
	json__u64(&j, "total", c->tables[0].rows->total);
	json__u64(&j, "rows_total", c->tables[0].rows->nr);
	for (size_t i = 0; i < c->nr_tables; i++)
		json_table(&j, c, &c->tables[i]);
	json__begin_object(&j, "lost");
	json__u64(&j, "table_full", c->full);
	if (c->untraced >= 0)
		json__u64(&j, "untraced_switches", (uint64_t)c->untraced);
	json__end_object(&j);
	json__end_object(&j);
	fflush(f);
	return out__status(f);
}

int count_out__write(FILE *f, const struct count_report *c, const struct report_meta *m,
		     bool json)
{
	return json ? count_out__json(f, c, m) : count_out__table(f, c, m);
}
