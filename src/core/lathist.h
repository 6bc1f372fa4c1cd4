/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run-queue latency histograms in user space: interval views summed from the
 * kernel's cumulative struct ss_lat_hist copies (per-CPU array slots or
 * per-thread hash entries), the inverse of the kernel's bucket rules, and
 * percentiles. Pure C, no libbpf: fed by the live session or by tests.
 */
#ifndef SCHEDSCOPE_LATHIST_H
#define SCHEDSCOPE_LATHIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/abi.h"
#include "bpf/lat_logic.h"

/*
 * Kinds a view answers for: SS_LAT_WAKEUP, SS_LAT_PREEMPT, SS_LAT_PREMIG and
 * this pseudo-kind, every wait (WAKEUP + PREEMPT; PREMIG is a part of those
 * waits, not more waits, so it is left out).
 */
#define LAT_VIEW_ALL	SS_LAT_KINDS
#define LAT_VIEW_KINDS	(SS_LAT_KINDS + 1)

/* One interval's histograms: differences of cumulative kernel counters. */
struct lat_view {
	uint64_t count[SS_LAT_KINDS];
	uint64_t sum_ns[SS_LAT_KINDS];
	uint64_t max_ns[SS_LAT_KINDS];	/* the interval's largest wait; 0 if none */
	uint64_t log2[SS_LAT_KINDS][SS_LAT_LOG2_SLOTS];
	uint64_t fine[SS_LAT_KINDS][SS_LAT_FINE_BUCKETS];
	/* As in struct ss_lat_hist: the kernel's run_delay growth, the unsplit spans. */
	uint64_t run_delay_ns;
	uint64_t unsplit_spans;
	uint64_t unsplit_waits;
	uint64_t unsplit_ns;
};

void latview__init(struct lat_view *v);

/*
 * Add the waits between two snapshots of one kernel histogram set: now -
 * before (before NULL: all of now), every counter subtracted in its own width
 * so a wrapped u32 bucket still yields its true difference. epoch is the
 * report interval being closed (see slotmax__get_closing()). Called once per
 * CPU to sum a per-CPU array, and once per thread for per-thread entries.
 */
void latview__add_delta(struct lat_view *v, const struct ss_lat_hist *now,
			const struct ss_lat_hist *before, uint32_t epoch);

/* Sum counts, keep the larger maximum. */
void latview__merge(struct lat_view *into, const struct lat_view *from);

/* Accessors over 0 .. LAT_VIEW_ALL. */
uint64_t latview__count(const struct lat_view *v, unsigned int kind);
uint64_t latview__sum_ns(const struct lat_view *v, unsigned int kind);
uint64_t latview__max_ns(const struct lat_view *v, unsigned int kind);
uint64_t latview__log2(const struct lat_view *v, unsigned int kind, unsigned int slot);
uint64_t latview__fine(const struct lat_view *v, unsigned int kind, unsigned int bucket);
/* No wait at all in the view (of any kind, split or not). */
bool latview__empty(const struct lat_view *v);

/*
 * Edges of fine bucket b, in nanoseconds: it holds [lo, hi). The last bucket
 * is open-ended; its hi is UINT64_MAX.
 */
uint64_t lathist__fine_lo(unsigned int b);
uint64_t lathist__fine_hi(unsigned int b);

/*
 * The q-quantile (0 < q <= 1, read to 1e-9) of kind's waits: the smallest v
 * with at least ceil(q * n) waits <= v, as far as the fine buckets tell. It is
 * the last value of the bucket that rank falls in, so it overstates by less
 * than that bucket's width: exact below 16 ns, at most 12.5 % of the value
 * above; it is never above the interval's exact maximum. 0 when there are no
 * waits.
 */
uint64_t latview__percentile(const struct lat_view *v, unsigned int kind, double q);

/*
 * The last kernel histogram seen for each thread, so that per-thread entries
 * give interval deltas. Keyed by TID; a TID reused by a new thread (another
 * start_ns) has no previous.
 */
struct latsnap;

struct latsnap *latsnap__new(void);	/* NULL and errno on failure */
void latsnap__free(struct latsnap *s);
/* The previous snapshot of thread (tid, start_ns), NULL if none (= zero). */
const struct ss_lat_hist *latsnap__prev(const struct latsnap *s, uint32_t tid,
					uint64_t start_ns);
/* Keep a copy of h as the previous of thread h->tid: 0 or -ENOMEM. */
int latsnap__put(struct latsnap *s, const struct ss_lat_hist *h);
/* Forget a thread (gone, its kernel entry deleted). */
void latsnap__remove(struct latsnap *s, uint32_t tid);
size_t latsnap__size(const struct latsnap *s);

#endif
