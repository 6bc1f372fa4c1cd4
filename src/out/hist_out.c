// SPDX-License-Identifier: GPL-2.0
#include "out/hist_out.h"

#include <inttypes.h>
#include <string.h>

#include "core/lathist.h"
#include "out/lat_out.h"

static void dist_of(const struct count_table *t, size_t r, struct lat_dist *d)
{
	/* The row is the kernel's value, laid out as struct lat_dist (lathist.h asserts it). */
	memcpy(d, count_rows__counts(t->rows, r), sizeof(*d));
}

/*
 * Example (-m off, one key's block after its key line):
 *
 *        usecs               : count    distribution
 *        16384 -> 32767      : 10       |****************************************|
 *     calls 10  avg 20.1 ms  p50 20.2 ms  p90 20.2 ms  p99 20.2 ms  p99.9 20.2 ms  max 20.2 ms
 */
static void row_text(FILE *f, const struct count_table *t, size_t r)
{
	const struct hist_out_ctx *c = t->row_ctx;
	struct lat_dist d;
	char buf[32];

	dist_of(t, r, &d);
	lat_out__log2(f, d.log2, SS_LAT_LOG2_SLOTS, c->unit_name);
	fprintf(f, "  %s %" PRIu64, c->noun, d.count);
	if (!d.count) {
		fputc('\n', f);
		return;
	}
	fprintf(f, "  avg %s", lat_out__dur(buf, sizeof(buf), (d.sum_ns + d.count / 2) / d.count));
	lat_out__dist_tail(f, &d);
}

static void row_json(struct json *j, const struct count_table *t, size_t r)
{
	const struct hist_out_ctx *c = t->row_ctx;
	struct lat_dist d;

	dist_of(t, r, &d);
	lat_out__dist_json(j, "latency", &d, c->unit);
}

void hist_out__table(struct count_table *t, const struct hist_out_ctx *ctx)
{
	t->row_text = row_text;
	t->row_json = row_json;
	t->row_ctx = ctx;
}
