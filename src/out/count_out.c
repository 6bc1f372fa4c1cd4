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

static size_t values_shown(const struct count_table *t)
{
	return t->nr_values && t->nr_values < t->rows->nr_values ? t->nr_values
								 : t->rows->nr_values;
}

/* A value in the table: an integer, or divided by its unit with 3 decimals. */
static void value_cell(FILE *f, const struct count_table *t, size_t v, uint64_t n)
{
	uint64_t unit = t->value_units ? t->value_units[v] : 0;

	if (unit)
		fprintf(f, "%s%12.3f", v ? " " : "", (double)n / (double)unit);
	else
		fprintf(f, "%s%12" PRIu64, v ? " " : "", n);
}

static size_t shown(const struct count_report *c, const struct count_table *t)
{
	return c->max_rows && c->max_rows < t->rows->nr ? c->max_rows : t->rows->nr;
}

/* A key column's text: in buf, or a name from the column's table. */
static const char *cell_text(const struct count_col *col, const void *key, char *buf, size_t len)
{
	const char *name;

	switch (col->kind) {
	case COUNT_COL_TEXT:
		return col->text(col, key, buf, len);
	case COUNT_COL_COMM:
		return out__comm(buf, len, (const char *)key + col->off, 16);
	case COUNT_COL_NAME:
		name = count_col__name(col, key);
		if (name)
			return name;
		break;
	default:
		break;
	}
	snprintf(buf, len, "%" PRId64, count_col__number(col, key));
	return buf;
}

void count_out__cell(FILE *f, const struct count_col *col, const void *key)
{
	char buf[256];

	fprintf(f, "%*s ", col->width, cell_text(col, key, buf, sizeof(buf)));
}

/*
 * A row as a block (a table with row_text): "HEAD = value, ..." of its
 * key, then what row_text writes of its values. Example (syscount --hist):
 *
 *   SYSCALL = clock_nanosleep
 *        usecs               : count    distribution
 *        16384 -> 32767      : 10       |****************************************|
 *     calls 10  avg 20.1 ms  p50 20.2 ms  p90 20.2 ms  p99 20.2 ms  p99.9 20.2 ms  max 20.2 ms
 */
static void block(FILE *f, const struct count_table *t, size_t r)
{
	const void *key = count_rows__key(t->rows, r);
	char buf[256];

	for (size_t i = 0; i < t->nr_cols; i++)
		fprintf(f, "%s%s = %s", i ? ", " : "", t->cols[i].head,
			cell_text(&t->cols[i], key, buf, sizeof(buf)));
	fputc('\n', f);
	t->row_text(f, t, r);
	fputc('\n', f);
}

static void table(FILE *f, const struct count_report *c, const struct count_table *t)
{
	size_t n = shown(c, t);

	if (t->title)
		fprintf(f, "%s\n", t->title);
	if (t->row_text) {
		for (size_t r = 0; r < n; r++)
			block(f, t, r);
		goto more;
	}
	for (size_t i = 0; i < t->nr_cols; i++)
		fprintf(f, "%*s ", t->cols[i].width, t->cols[i].head);
	for (size_t v = 0; v < values_shown(t); v++)
		fprintf(f, "%s%12s", v ? " " : "", value_head(t, v));
	fputc('\n', f);
	for (size_t r = 0; r < n; r++) {
		const void *key = count_rows__key(t->rows, r);

		for (size_t i = 0; i < t->nr_cols; i++)
			count_out__cell(f, &t->cols[i], key);
		for (size_t v = 0; v < values_shown(t); v++)
			value_cell(f, t, v, count_rows__counts(t->rows, r)[v]);
		fputc('\n', f);
	}
more:
	if (n < t->rows->nr)
		fprintf(f, "(%zu more rows; %s shows all)\n", t->rows->nr - n,
			c->all_rows ? c->all_rows : "-n 0");
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
	for (size_t i = 0; i < c->nr_losses; i++)
		if (c->losses[i].n)
			fprintf(f, "lost: %" PRIu64 " %s (%s)\n", c->losses[i].n, c->losses[i].what,
				c->losses[i].hint);
	if (c->untraced > 0)
		fprintf(f,
			"untraced: %" PRId64 " switch%s the kernel counted but its tracepoint "
			"never showed, so on-cpu and off-cpu miss %s (docs/accounting.md)\n",
			c->untraced, c->untraced == 1 ? "" : "es",
			c->untraced == 1 ? "it" : "them");
	fputc('\n', f);
	fflush(f);
	return out__status(f);
}

void count_out__member(struct json *j, const struct count_col *col, const void *key)
{
	const char *name;
	char buf[256];

	switch (col->kind) {
	case COUNT_COL_TEXT:
		name = col->text(col, key, buf, sizeof(buf));
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
			count_out__member(j, &t->cols[i], key);
		if (t->row_json)
			t->row_json(j, t, r);
		else
			for (size_t v = 0; v < values_shown(t); v++)
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
	for (size_t i = 0; i < c->nr_losses; i++)
		json__u64(&j, c->losses[i].member, c->losses[i].n);
	if (c->untraced >= 0)
		json__u64(&j, "untraced_switches", (uint64_t)c->untraced);
	json__end_object(&j);
	json__end_object(&j);
	fflush(f);
	return out__status(f);
}

int count_out__write(FILE *f, const struct count_report *c, const struct report_meta *m, bool json)
{
	return json ? count_out__json(f, c, m) : count_out__table(f, c, m);
}
