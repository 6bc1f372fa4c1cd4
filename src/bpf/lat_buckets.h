/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layout of the run-queue latency histograms and the rules that place a
 * wait in them, shared as the same source by the BPF programs (through the
 * ABI's array sizes and lat_logic.h), the user-space core that reads the
 * buckets back (src/core/lathist.c) and the unit tests. Apart from abi.h so
 * that the core can know the buckets without knowing the kernel's records.
 */
#ifndef SCHEDSCOPE_LAT_BUCKETS_H
#define SCHEDSCOPE_LAT_BUCKETS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/*
 * Run-queue latency (src/bpf/lat.bpf.c). A wait is classified by what began
 * it; the third histogram holds, for waits during which the task migrated,
 * the part spent queued on CPUs it never ran on (also inside the first two).
 */
#define SS_LAT_WAKEUP 0	 /* woken (or new): from enqueue, or from sched_waking */
#define SS_LAT_PREEMPT 1 /* left the CPU still runnable: preempted, yielded */
#define SS_LAT_PREMIG 2	 /* the pre-migration part of migrated waits */
#define SS_LAT_KINDS 3

/*
 * Fine buckets over nanoseconds, log-linear: values below 2^SS_LAT_SUB_BITS
 * have a bucket each, then every power of two is cut into 2^SS_LAT_SUB_BITS
 * equal buckets (each at most 1/8 = 12.5 % of its lower edge wide), up to
 * 2^SS_LAT_FINE_TOP_BIT ns (about 18 minutes); the last bucket is open-ended
 * (from 15 * 2^36 ns, about 16 minutes, up).
 */
#define SS_LAT_SUB_BITS 3
#define SS_LAT_FINE_TOP_BIT 40
#define SS_LAT_FINE_BUCKETS ((SS_LAT_FINE_TOP_BIT - SS_LAT_SUB_BITS + 1) << SS_LAT_SUB_BITS)
/* bcc's log2 slots over the display unit (us or ms): slot i holds [2^i, 2^(i+1)), 0 and 1 in slot 0. */
#define SS_LAT_LOG2_SLOTS 40

/*
 * One latency histogram as the histogram-by-key shape keeps it (hist.bpf.h,
 * src/core/lathist.h's struct lat_dist): SS_HIST_NR_VALUES u64s side by
 * side, so that the counts-by-key reader sums it over CPUs like any other
 * counts, except the maximum, which it keeps the largest of.
 */
#define SS_HIST_COUNT 0 /* latencies added */
#define SS_HIST_SUM 1	/* their sum, ns */
#define SS_HIST_MAX 2	/* the largest, ns */
#define SS_HIST_LOG2 3	/* SS_LAT_LOG2_SLOTS slots over the display unit */
#define SS_HIST_FINE (SS_HIST_LOG2 + SS_LAT_LOG2_SLOTS) /* SS_LAT_FINE_BUCKETS, ns */
#define SS_HIST_NR_VALUES (SS_HIST_FINE + SS_LAT_FINE_BUCKETS)

/*
 * floor(log2(v)) for v > 0, 0 for 0, by halving: each step shifts v right
 * by k if v >> k is not 0, which leaves v < 2^k for the next. Branch-free,
 * as a comparison becomes a branch in BPF code and each doubled the paths
 * the verifier walked through a histogram update (380k instructions and
 * 0.36 s to load the switch program); ((v >> k) + 2^k - 1) >> k is 1 if
 * v >> k is not 0, as v >> k < 2^k. No __builtin_clzll: clang 14's BPF
 * backend crashes on it.
 */
static inline __u32 lat__ilog2(__u64 v)
{
	__u64 r = 0;

	for (__u32 k = 32; k > 1; k >>= 1) {
		__u64 s = (((v >> k) + ((1ull << k) - 1)) >> k) * k;

		v >>= s;
		r |= s;
	}
	return (__u32)(r | (v >> 1)); /* v < 4 */
}

/* The fine (log-linear, nanosecond) bucket of v: see SS_LAT_SUB_BITS. */
static inline __u32 lat__fine_bucket(__u64 v)
{
	__u32 k;

	if (v < (1u << SS_LAT_SUB_BITS))
		return (__u32)v;
	k = lat__ilog2(v);
	if (k >= SS_LAT_FINE_TOP_BIT)
		return SS_LAT_FINE_BUCKETS - 1;
	return ((k - SS_LAT_SUB_BITS + 1) << SS_LAT_SUB_BITS) +
	       (__u32)((v >> (k - SS_LAT_SUB_BITS)) & ((1u << SS_LAT_SUB_BITS) - 1));
}

/* bcc's log2 slot of a value in the display unit: 0 and 1 in slot 0. */
static inline __u32 lat__log2_slot(__u64 v_unit)
{
	__u32 s = lat__ilog2(v_unit);

	return s < SS_LAT_LOG2_SLOTS ? s : SS_LAT_LOG2_SLOTS - 1;
}

/*
 * The exporter's per-cgroup histogram: power-of-two microsecond slots, slot i
 * for waits shorter than 2^(i+1) us (Prometheus' le = 2^(i+1) us), the last
 * (from 2^(SS_CG_SLOTS-1) us, about 33.5 s) for the rest, +Inf. Coarser than
 * the fine buckets above: a cgroup's entry is one per CPU, read at every
 * scrape, and Prometheus stores every bucket as a series.
 */
#define SS_CG_SLOTS 26

static inline __u32 lat__cg_slot(__u64 wait_ns)
{
	__u32 s = lat__ilog2(wait_ns / 1000);

	return s < SS_CG_SLOTS - 1 ? s : SS_CG_SLOTS - 1;
}

#endif
