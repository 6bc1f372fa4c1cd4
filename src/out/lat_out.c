// SPDX-License-Identifier: GPL-2.0
#include "lat_out.h"

#include <inttypes.h>
#include <stdbool.h>

static const char *const kind_names[LAT_VIEW_KINDS] = {
	[SS_LAT_WAKEUP] = "wakeup",
	[SS_LAT_PREEMPT] = "preempt",
	[SS_LAT_PREMIG] = "premig",
	[LAT_VIEW_ALL] = "all",
};

/* The summary's labels: which two events bound the wait (see lat_logic.h). */
static const char *const kind_labels[LAT_VIEW_KINDS] = {
	[SS_LAT_WAKEUP] = "wakeup->run",
	[SS_LAT_PREEMPT] = "preempt->run",
	[SS_LAT_PREMIG] = "migrated",
	[LAT_VIEW_ALL] = "all",
};

const char *lat_out__kind_name(unsigned int kind)
{
	return kind < LAT_VIEW_KINDS ? kind_names[kind] : NULL;
}

const char *lat_out__dur(char *buf, size_t len, uint64_t ns)
{
	static const struct {
		double div;
		const char *unit;
	} units[] = { { 1e3, "us" }, { 1e6, "ms" }, { 1e9, "s" } };
	size_t i = 0;
	double x;

	if (ns < 1000) {
		snprintf(buf, len, "%" PRIu64 " ns", ns);
		return buf;
	}
	/* Choose the unit by the rounded figure, so 999.7 us is "1.00 ms", not "1000 us". */
	x = (double)ns / units[0].div;
	while (x >= 999.5 && i + 1 < sizeof(units) / sizeof(units[0])) {
		i++;
		x = (double)ns / units[i].div;
	}
	snprintf(buf, len, "%.*f %s", x < 9.995 ? 2 : x < 99.95 ? 1 : 0, x, units[i].unit);
	return buf;
}

/* bcc's labels: slot i is [2^i, 2^(i+1) - 1], except slot 0 which reads 0 -> 1. */
static void log2_edges(unsigned int i, uint64_t *lo, uint64_t *hi)
{
	*hi = ((uint64_t)1 << (i + 1)) - 1;
	*lo = (*hi + 1) / 2;
	if (*lo == *hi)
		*lo = 0;
}

/*
 * Example (runqlat-like, usecs):
 *
 *      usecs               : count    distribution
 *          0 -> 1          : 3        |************                            |
 *          2 -> 3          : 10       |****************************************|
 *          4 -> 7          : 0        |                                        |
 *          8 -> 15         : 1        |****                                    |
 *
 * Past slot 32 the columns widen (as bcc's do) and the bars halve.
 */
void lat_out__log2(FILE *f, const uint64_t *slots, unsigned int nr_slots, const char *unit_name)
{
	uint64_t top = 0;
	unsigned int last = 0;
	bool any = false;
	int wide, bar;

	for (unsigned int i = 0; i < nr_slots; i++) {
		if (slots[i]) {
			last = i;
			any = true;
		}
		if (slots[i] > top)
			top = slots[i];
	}
	if (!any)
		return;
	wide = last > 32;
	bar = wide ? 20 : 40;
	fprintf(f, "%*s%-*s : count    distribution\n", wide ? 15 : 5, "", wide ? 29 : 19,
		unit_name);
	for (unsigned int i = 0; i <= last; i++) {
		uint64_t lo, hi, n = slots[i];
		/* n <= top, and n * 40 only overflows past 2^58 waits. */
		int stars = (int)(n > UINT64_MAX / (uint64_t)bar ? (uint64_t)bar
								 : n * (uint64_t)bar / top);

		log2_edges(i, &lo, &hi);
		fprintf(f, "%*" PRIu64 " -> %-*" PRIu64 " : %-8" PRIu64 " |", wide ? 20 : 10, lo,
			wide ? 20 : 10, hi, n);
		for (int s = 0; s < bar; s++)
			fputc(s < stars ? '*' : ' ', f);
		fputs("|\n", f);
	}
}

void lat_out__view_log2(FILE *f, const struct lat_view *v, unsigned int kind, const char *unit_name)
{
	uint64_t slots[SS_LAT_LOG2_SLOTS];

	for (unsigned int i = 0; i < SS_LAT_LOG2_SLOTS; i++)
		slots[i] = latview__log2(v, kind, i);
	lat_out__log2(f, slots, SS_LAT_LOG2_SLOTS, unit_name);
}

static const struct {
	double q;
	const char *text; /* summary */
	const char *json;
} quantiles[] = {
	{ 0.5, "p50", "p50_ns" },
	{ 0.9, "p90", "p90_ns" },
	{ 0.99, "p99", "p99_ns" },
	{ 0.999, "p99.9", "p999_ns" },
};

#define NR_QUANTILES (sizeof(quantiles) / sizeof(quantiles[0]))
#define DUR_LEN 32

/*
 * Example (every kind, in the order WAKEUP, PREEMPT, PREMIG, LAT_VIEW_ALL):
 *
 *   wakeup->run  waits 1235  avg 6.65 us  p50 1.15 us  p90 3.58 us  p99 12.3 us  p99.9 295 us  max 4.31 ms
 *   preempt->run waits 300  avg 1.51 ms  p50 1.57 ms  p90 2.88 ms  p99 3.00 ms  p99.9 3.00 ms  max 3.00 ms
 *   migrated     waits 12  pre-migration part: sum 2.46 ms  p50 180 us  p90 316 us  p99 316 us  p99.9 316 us  max 316 us
 *   all          waits 1535  avg 301 us  p50 1.53 us  p90 1.57 ms  p99 3.15 ms  p99.9 3.15 ms  max 4.31 ms
 *
 * A kind without waits prints "  preempt->run waits 0" and no figures.
 * The migrated line counts waits already in the two above; its figures are
 * only the part of each queued on CPUs the task did not run on.
 */
void lat_out__dist_tail(FILE *f, const struct lat_dist *d)
{
	char buf[DUR_LEN];

	for (size_t i = 0; i < NR_QUANTILES; i++)
		fprintf(f, "  %s %s", quantiles[i].text,
			lat_out__dur(buf, sizeof(buf), latdist__percentile(d, quantiles[i].q)));
	fprintf(f, "  max %s\n", lat_out__dur(buf, sizeof(buf), d->max_ns));
}

void lat_out__summary(FILE *f, const struct lat_view *v, unsigned int kind)
{
	struct lat_dist d;
	char buf[DUR_LEN];

	if (kind >= LAT_VIEW_KINDS)
		return;
	latview__dist(v, kind, &d);
	fprintf(f, "  %-12s waits %" PRIu64, kind_labels[kind], d.count);
	if (!d.count) {
		fputc('\n', f);
		return;
	}
	if (kind == SS_LAT_PREMIG)
		fprintf(f, "  pre-migration part: sum %s",
			lat_out__dur(buf, sizeof(buf), d.sum_ns));
	else
		fprintf(f, "  avg %s",
			lat_out__dur(buf, sizeof(buf), (d.sum_ns + d.count / 2) / d.count));
	lat_out__dist_tail(f, &d);
}

/*
 * Example (switch-ins the kernel never traced left 7 waits in 5 spans):
 *
 *   unsplit      waits 7 in 5 spans  sum 12.4 ms  (not in the histogram: switch-ins unseen)
 */
void lat_out__unsplit(FILE *f, const struct lat_view *v)
{
	char buf[DUR_LEN];

	if (!v->unsplit_waits)
		return;
	fprintf(f,
		"  %-12s waits %" PRIu64 " in %" PRIu64 " spans  sum %s  "
		"(not in the histogram: switch-ins unseen)\n",
		"unsplit", v->unsplit_waits, v->unsplit_spans,
		lat_out__dur(buf, sizeof(buf), v->unsplit_ns));
}

/* One non-empty slot or bucket: [lo, hi) and its count. */
static void json_bucket(struct json *j, const char *lo_key, uint64_t lo, const char *hi_key,
			uint64_t hi, uint64_t n)
{
	json__begin_object(j, NULL);
	json__u64(j, lo_key, lo);
	json__u64(j, hi_key, hi);
	json__u64(j, "count", n);
	json__end_object(j);
}

/*
 * Example (one kind, pretty-printed here, one line in the stream):
 *
 *   "wakeup":{"count":3,"sum_ns":7400,"max_ns":5000,"p50_ns":1400,"p90_ns":5000,
 *     "p99_ns":5000,"p999_ns":5000,
 *     "log2":{"unit":"us","slots":[{"lo":0,"hi":1,"count":2},{"lo":4,"hi":7,"count":1}]},
 *     "fine":[{"lo_ns":960,"hi_ns":1024,"count":1},{"lo_ns":1280,"hi_ns":1408,"count":1},
 *             {"lo_ns":4608,"hi_ns":5120,"count":1}]}
 *
 * Only non-empty slots and buckets appear; a bucket holds [lo_ns, hi_ns).
 * The last fine bucket is open-ended: its hi_ns is one past the largest wait.
 */
void lat_out__dist_json(struct json *j, const char *member, const struct lat_dist *d,
			const char *log2_unit)
{
	json__begin_object(j, member);
	json__u64(j, "count", d->count);
	json__u64(j, "sum_ns", d->sum_ns);
	json__u64(j, "max_ns", d->max_ns);
	for (size_t i = 0; i < NR_QUANTILES; i++)
		json__u64(j, quantiles[i].json, latdist__percentile(d, quantiles[i].q));
	json__begin_object(j, "log2");
	json__string(j, "unit", log2_unit, 8);
	json__begin_array(j, "slots");
	for (unsigned int i = 0; i < SS_LAT_LOG2_SLOTS; i++) {
		uint64_t lo, hi;

		if (!d->log2[i])
			continue;
		log2_edges(i, &lo, &hi);
		json_bucket(j, "lo", lo, "hi", hi, d->log2[i]);
	}
	json__end_array(j);
	json__end_object(j);
	json__begin_array(j, "fine");
	for (unsigned int b = 0; b < SS_LAT_FINE_BUCKETS; b++) {
		uint64_t lo = lathist__fine_lo(b), hi = lathist__fine_hi(b);

		if (!d->fine[b])
			continue;
		if (hi == UINT64_MAX)
			hi = d->max_ns >= lo && d->max_ns < UINT64_MAX ? d->max_ns + 1 : lo + 1;
		json_bucket(j, "lo_ns", lo, "hi_ns", hi, d->fine[b]);
	}
	json__end_array(j);
	json__end_object(j);
}

void lat_out__json(struct json *j, const struct lat_view *v, const char *log2_unit)
{
	static const unsigned int order[] = { SS_LAT_WAKEUP, SS_LAT_PREEMPT, SS_LAT_PREMIG,
					      LAT_VIEW_ALL };

	struct lat_dist d;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		latview__dist(v, order[i], &d);
		lat_out__dist_json(j, kind_names[order[i]], &d, log2_unit);
	}
	json__u64(j, "run_delay_ns", v->run_delay_ns);
	json__begin_object(j, "unsplit");
	json__u64(j, "spans", v->unsplit_spans);
	json__u64(j, "waits", v->unsplit_waits);
	json__u64(j, "sum_ns", v->unsplit_ns);
	json__end_object(j);
}
