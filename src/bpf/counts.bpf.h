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
 * A key has COUNTS_NR_VALUES counts side by side (1 unless the object
 * defines it before including this).
 *
 * An object whose keys can be a small index alone (and the CPU, which a
 * per-CPU slot is anyway) defines COUNTS_NR_SLOTS too, and adds those with
 * counts__add_slot(): a per-CPU array element costs a fraction of a hash
 * lookup (count -e on-cpu: 63 ns a switch against 90, measured with
 * bpf_stats on the pinned pipe). User space reads and zeroes a parity's
 * slots where it reads and deletes its keys.
 *
 * Include once per BPF object, after vmlinux.h and abi.h.
 */
#ifndef SCHEDSCOPE_COUNTS_BPF_H
#define SCHEDSCOPE_COUNTS_BPF_H

#include <bpf/bpf_helpers.h>


#ifndef COUNTS_KEY
#error "define COUNTS_KEY, the key's type (its first field the __u32 epoch), first"
#endif
#ifndef COUNTS_NR_VALUES
#define COUNTS_NR_VALUES 1
#endif

struct counts_value {
	__u64 n[COUNTS_NR_VALUES];
};

/* The open interval's parity; user space flips it as it closes one. */
__u32 count_epoch;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 10240); /* user space sets it */
	/*
	 * Preallocated: an insert from a hook with interrupts off (the switch,
	 * the tick) cannot allocate, and the allocator's per-CPU caches run dry
	 * when many keys are new at once, as each interval begins.
	 */
	__type(key, COUNTS_KEY);
	__type(value, struct counts_value);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ss_count_stat);
} count_stat SEC(".maps");

#ifdef COUNTS_NR_SLOTS
/* Slot i of the interval of parity p is element p * COUNTS_NR_SLOTS + i. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2 * COUNTS_NR_SLOTS);
	__type(key, __u32);
	__type(value, struct counts_value);
} count_slots SEC(".maps");

/* Add n to count `which` of slot in the open interval. */
static __always_inline void counts__add_slot(__u32 slot, __u32 which, __u64 n)
{
	__u32 i = (count_epoch & 1) * COUNTS_NR_SLOTS + slot;
	struct counts_value *v;

	if (slot >= COUNTS_NR_SLOTS || which >= COUNTS_NR_VALUES)
		return;
	v = bpf_map_lookup_elem(&count_slots, &i);
	if (v)
		v->n[which] += n;
}
#endif

/*
 * The value of key in the open interval of map (a per-CPU hash keyed by the
 * epoch first), inserted from init if new (counts__slot()); NULL if the
 * table is full (the caller counts what it lost with counts__lost()). Every
 * table of the counts-by-key and histogram shapes goes through here, so they
 * clear alike; counts__find() alone is the lookup of a key in the interval.
 */
static __always_inline void *counts__find(void *map, void *key)
{
	*(__u32 *)key = count_epoch & 1;
	return bpf_map_lookup_elem(map, key);
}

/* counts__slot() for a key counts__find() did not find. */
static __always_inline void *counts__insert(void *map, void *key, const void *init)
{
	/* This CPU's slot gets init, the others zero. */
	bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	/* Ours, or another CPU's inserted first; none if the table is full. */
	return bpf_map_lookup_elem(map, key);
}

static __always_inline void *counts__slot(void *map, void *key, const void *init)
{
	void *v = counts__find(map, key);

	return v ? v : counts__insert(map, key, init);
}

/* n counts that found a table full. */
static __always_inline void counts__lost(__u64 n)
{
	__u32 zero = 0;
	struct ss_count_stat *st = bpf_map_lookup_elem(&count_stat, &zero);

	if (st)
		st->full += n;
}

/*
 * Add n to count `which` of key in the open interval (key's first __u32, the
 * epoch, is set here). COUNTS_KEY is the object's key type.
 */
static __always_inline void counts__add(COUNTS_KEY *key, __u32 which, __u64 n)
{
	struct counts_value *v, init = {};

	if (which >= COUNTS_NR_VALUES)
		return;
	v = counts__slot(&counts, key, &init);
	if (v)
		v->n[which] += n;
	else
		counts__lost(n);
}

#endif
