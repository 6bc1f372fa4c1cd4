/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run-queue latency histograms in user space: cumulative histogram sets
 * (struct lat_hist: the kernel's per-CPU and per-thread ones as the session
 * decodes them, or those `report` fills from a recording), interval views
 * summed from their differences, the inverse of the kernel's bucket rules,
 * and percentiles. Pure C, no libbpf: fed by the sessions, `report` and
 * tests.
 */
#ifndef SCHEDSCOPE_LATHIST_H
#define SCHEDSCOPE_LATHIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/lat_buckets.h"

/*
 * Kinds a view answers for: SS_LAT_WAKEUP, SS_LAT_PREEMPT, SS_LAT_PREMIG and
 * this pseudo-kind, every wait (WAKEUP + PREEMPT; PREMIG is a part of those
 * waits, not more waits, so it is left out).
 */
#define LAT_VIEW_ALL SS_LAT_KINDS
#define LAT_VIEW_KINDS (SS_LAT_KINDS + 1)

#define LAT_COMM_LEN 16

/*
 * One set of histograms, cumulative: the whole system, a CPU or a thread.
 * Bucket counts are u32 and may wrap (as the kernel keeps them); only
 * differences of two copies are read, each counter in its own width.
 */
struct lat_hist {
	uint64_t count[SS_LAT_KINDS];
	uint64_t sum_ns[SS_LAT_KINDS];
	uint64_t max_ns[SS_LAT_KINDS]; /* the largest wait of the interval being read; 0 if none */
	/*
	 * Waits whose switch-ins went unseen cannot be split: they are in these
	 * totals, not in the buckets. run_delay_ns is what the kernel's
	 * run_delay grew by over every wait here, split or not.
	 */
	uint64_t run_delay_ns;
	uint64_t unsplit_spans;
	uint64_t unsplit_waits;
	uint64_t unsplit_ns;
	uint32_t log2[SS_LAT_KINDS][SS_LAT_LOG2_SLOTS];
	uint32_t fine[SS_LAT_KINDS][SS_LAT_FINE_BUCKETS];
};

/* A thread's histograms, and whose they are. */
struct lat_thread {
	uint32_t tid; /* first: an entry of a struct tidmap */
	uint32_t pid;
	uint64_t start_ns;  /* task->start_time: with tid, which thread */
	uint64_t pstart_ns; /* its process's (group leader's): with pid, which process */
	bool dead;	    /* it is gone: nothing more will come */
	char comm[LAT_COMM_LEN];
	char pcomm[LAT_COMM_LEN]; /* the process's name: its main thread's comm */
	struct lat_hist h;
};

/*
 * Count one wait of kind (SS_LAT_*) in h as the kernel's lat__hist_add()
 * does: its log2 slot over unit_ns, its fine bucket, count, sum, maximum.
 */
void lathist__add(struct lat_hist *h, unsigned int kind, uint64_t ns, uint64_t unit_ns);
/*
 * A wait that ended, which the kernel's run_delay grew by as much, with no
 * pre-migration part known (lat__hist_sample() for what a recording holds).
 */
void lathist__add_wait(struct lat_hist *h, unsigned int kind, uint64_t wait_ns, uint64_t unit_ns);
/* A span of waits that could not be split (lat__hist_unsplit()). */
void lathist__add_unsplit(struct lat_hist *h, uint64_t waits, uint64_t span_ns);
/* The interval was read: its maximum starts over. */
void lathist__restart_max(struct lat_hist *h);

/* One interval's histograms: differences of cumulative counters. */
struct lat_view {
	uint64_t count[SS_LAT_KINDS];
	uint64_t sum_ns[SS_LAT_KINDS];
	uint64_t max_ns[SS_LAT_KINDS]; /* the interval's largest wait; 0 if none */
	uint64_t log2[SS_LAT_KINDS][SS_LAT_LOG2_SLOTS];
	uint64_t fine[SS_LAT_KINDS][SS_LAT_FINE_BUCKETS];
	/* As in struct lat_hist: the kernel's run_delay growth, the unsplit spans. */
	uint64_t run_delay_ns;
	uint64_t unsplit_spans;
	uint64_t unsplit_waits;
	uint64_t unsplit_ns;
};

void latview__init(struct lat_view *v);

/*
 * Add the waits between two copies of one histogram set: now - before
 * (before NULL: all of now), every counter subtracted in its own width so a
 * wrapped u32 bucket still yields its true difference; the maximum is now's,
 * the interval's own. Called once per CPU to sum a per-CPU array, and once
 * per thread for per-thread entries.
 */
void latview__add_delta(struct lat_view *v, const struct lat_hist *now,
			const struct lat_hist *before);

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
 * One latency distribution: one kind of a view, or one key of the
 * histogram-by-key shape, whose kernel value is these u64s in this order
 * (lat_buckets.h's SS_HIST_* layout), so a session copies it as it is.
 */
struct lat_dist {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t max_ns;
	uint64_t log2[SS_LAT_LOG2_SLOTS];
	uint64_t fine[SS_LAT_FINE_BUCKETS];
};

_Static_assert(sizeof(struct lat_dist) == SS_HIST_NR_VALUES * sizeof(uint64_t) &&
		       offsetof(struct lat_dist, log2) == SS_HIST_LOG2 * sizeof(uint64_t) &&
		       offsetof(struct lat_dist, fine) == SS_HIST_FINE * sizeof(uint64_t),
	       "struct lat_dist is the kernel's histogram value");

/* Kind's distribution in v (LAT_VIEW_ALL included). */
void latview__dist(const struct lat_view *v, unsigned int kind, struct lat_dist *d);

/* The q-quantile of d, as latview__percentile() says. */
uint64_t latdist__percentile(const struct lat_dist *d, double q);

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
 * The last histograms seen for each thread, so that per-thread entries give
 * interval deltas. Keyed by TID; a TID reused by a new thread (another
 * start_ns) has no previous.
 */
struct latsnap;

struct latsnap *latsnap__new(void); /* NULL and errno on failure */
void latsnap__free(struct latsnap *s);
/* The previous snapshot of thread (tid, start_ns), NULL if none (= zero). */
const struct lat_thread *latsnap__prev(const struct latsnap *s, uint32_t tid, uint64_t start_ns);
/* Keep a copy of h as the previous of thread h->tid: 0 or -ENOMEM. */
int latsnap__put(struct latsnap *s, const struct lat_thread *h);
/* Forget thread (tid, start_ns) (gone, its kernel entry deleted), not a later one. */
void latsnap__remove(struct latsnap *s, uint32_t tid, uint64_t start_ns);
size_t latsnap__size(const struct latsnap *s);

#endif
