/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency histograms by key, the kernel side of the shape (the user-space
 * side is the counts-by-key reader, src/session/counts_read.c, over this
 * map, and src/core/lathist.h's struct lat_dist): per key, the count, sum
 * and maximum of what was added, its log2 slot over the display unit and
 * its fine (log-linear, ns) bucket, in a per-CPU hash so CPUs never share
 * a line. It is the counts shape with a structured value: the key starts
 * with the same epoch, print-and-clear works the same way (counts.bpf.h
 * says why an interval's keys are deleted one interval late), and a key
 * that finds the table full is counted in the same count_stat.
 *
 * Include once per BPF object, after counts.bpf.h, with HIST_KEY defined
 * as the key's type (its first field the __u32 epoch).
 */
#ifndef SCHEDSCOPE_HIST_BPF_H
#define SCHEDSCOPE_HIST_BPF_H

#include "lat_buckets.h"

#ifndef HIST_KEY
#error "define HIST_KEY, the key's type (its first field the __u32 epoch), first"
#endif
#ifndef SCHEDSCOPE_COUNTS_BPF_H
#error "include counts.bpf.h first: the histograms share its epoch and its count_stat"
#endif

struct hist_value {
	__u64 n[SS_HIST_NR_VALUES];
};

/* The unit of the log2 slots, in ns: 1000 (usecs) or 1000000 (msecs, -m). */
const volatile __u64 hist_unit_ns = 1000;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024); /* user space sets it */
	/* Preallocated, as counts is (counts.bpf.h says why). */
	__type(key, HIST_KEY);
	__type(value, struct hist_value);
} hists SEC(".maps");

/* The zeroed value a new key starts from: 2.7 KB, too big for the stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hist_value);
} hist_zero SEC(".maps");

/*
 * Add one latency of ns to key's histogram in the open interval (the
 * epoch, key's first __u32, is set here).
 */
static __always_inline void hist__add(HIST_KEY *key, __u64 ns)
{
	__u64 slot = lat__log2_slot(ns / hist_unit_ns), b = lat__fine_bucket(ns);
	struct hist_value *v, *zero;
	__u32 z = 0;

	/*
	 * The verifier cannot follow the bucket arithmetic, and clang, which
	 * can, would drop the checks: hide the values from clang first (as
	 * lat__hist_add() does). 64-bit, so no re-extension follows a check.
	 */
	barrier_var(slot);
	barrier_var(b);
	if (slot >= SS_LAT_LOG2_SLOTS || b >= SS_LAT_FINE_BUCKETS)
		return;
	v = counts__find(&hists, key);
	if (!v) {
		/* Only a new key needs the zeroed value: not a lookup per event. */
		zero = bpf_map_lookup_elem(&hist_zero, &z);
		v = zero ? counts__insert(&hists, key, zero) : NULL;
	}
	if (!v) {
		counts__lost(1);
		return;
	}
	v->n[SS_HIST_COUNT]++;
	v->n[SS_HIST_SUM] += ns;
	if (ns > v->n[SS_HIST_MAX])
		v->n[SS_HIST_MAX] = ns;
	v->n[SS_HIST_LOG2 + slot]++;
	v->n[SS_HIST_FINE + b]++;
}

#endif
