/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counts by key, the kernel side of the shape (src/session/counts.c reads
 * it): a per-CPU hash from a key to a __u64, so CPUs never share a
 * counter's cache line, and a per-CPU count of what found the table full.
 *
 * The key's first __u32 is the report interval's parity (`count_epoch`,
 * written by user space). A program adds into the open interval; user
 * space reads the closed one's keys while nothing new lands there, and
 * deletes them one interval later, after any program that was adding as
 * the interval closed has long finished. Deleting at once would lose such
 * an add: a program holds the value's pointer across the delete.
 *
 * Include once per BPF object, after vmlinux.h and abi.h.
 */
#ifndef SCHEDSCOPE_COUNTS_BPF_H
#define SCHEDSCOPE_COUNTS_BPF_H

#include <bpf/bpf_helpers.h>

#define BPF_F_NO_PREALLOC_ (1U << 0)

/* The open interval's parity; user space flips it as it closes one. */
__u32 count_epoch;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 10240);	/* user space sets it */
	/* Allocated as keys come: a table sized for a storm costs nothing idle. */
	__uint(map_flags, BPF_F_NO_PREALLOC_);
	__type(key, struct ss_count_key);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ss_count_stat);
} count_stat SEC(".maps");

/* Add n to key's count in the open interval (key->epoch is set here). */
static __always_inline void counts__add(struct ss_count_key *key, __u64 n)
{
	struct ss_count_stat *st;
	__u32 zero = 0;
	__u64 *v;

	key->epoch = count_epoch & 1;
	v = bpf_map_lookup_elem(&counts, key);
	if (v) {
		*v += n;
		return;
	}
	/* This CPU's slot gets n, the others zero. */
	if (!bpf_map_update_elem(&counts, key, &n, BPF_NOEXIST))
		return;
	/* Another CPU inserted it first, or the table is full. */
	v = bpf_map_lookup_elem(&counts, key);
	if (v) {
		*v += n;
		return;
	}
	st = bpf_map_lookup_elem(&count_stat, &zero);
	if (st)
		st->full += n;
}

#endif
