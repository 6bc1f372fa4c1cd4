/* SPDX-License-Identifier: GPL-2.0 */
/* Writers for run-queue latency views (src/core/lathist.h): text and JSON. */
#ifndef SCHEDSCOPE_LAT_OUT_H
#define SCHEDSCOPE_LAT_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/lathist.h"
#include "json.h"

/* "wakeup", "preempt", "premig", "all" (JSON keys); NULL for anything else. */
const char *lat_out__kind_name(unsigned int kind);

/*
 * A duration for people, 3 significant digits in the largest unit that keeps
 * it at 1 or more: "740 ns", "5.10 us", "250 us", "1.20 ms", "3.00 s".
 * Exact below 1 us. Returns buf.
 */
const char *lat_out__dur(char *buf, size_t len, uint64_t ns);

/*
 * bcc's log2 histogram (runqlat's format, byte for byte) of slots[0 ..
 * nr_slots-1]; unit_name is "usecs" or "msecs". Prints nothing at all when
 * every slot is empty, as bcc does.
 */
void lat_out__log2(FILE *f, const uint64_t *slots, unsigned int nr_slots, const char *unit_name);
/* The same for one kind of a view (LAT_VIEW_ALL included). */
void lat_out__view_log2(FILE *f, const struct lat_view *v, unsigned int kind,
			const char *unit_name);

/*
 * The end of a summary line: "  p50 X  p90 X  p99 X  p99.9 X  max X" and
 * the newline.
 */
void lat_out__dist_tail(FILE *f, const struct lat_dist *d);

/* One summary line for one kind (LAT_VIEW_ALL included). */
void lat_out__summary(FILE *f, const struct lat_view *v, unsigned int kind);

/* The line for waits that could not be split, if there were any. */
void lat_out__unsplit(FILE *f, const struct lat_view *v);

/*
 * Member `member` of the object the caller has open: d's count, sum, max,
 * percentiles, and its non-empty log2 slots (counted in log2_unit, "us" or
 * "ms") and fine buckets.
 */
void lat_out__dist_json(struct json *j, const char *member, const struct lat_dist *d,
			const char *log2_unit);

/*
 * Members "wakeup", "preempt", "premig" and "all" of the object the caller
 * has open, each an object of figures and histograms, then "run_delay_ns"
 * and "unsplit" (waits whose switch-ins went unseen). log2_unit ("us" or
 * "ms") names the unit the kernel's log2 slots count in.
 */
void lat_out__json(struct json *j, const struct lat_view *v, const char *log2_unit);

#endif
