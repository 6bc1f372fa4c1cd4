/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counts by key, the user-space side of the shape (src/bpf/counts.bpf.h):
 * each report interval's counts out of the kernel's per-CPU hash, exact
 * however the interval ends, with what found the table full.
 */
#ifndef SCHEDSCOPE_COUNTS_READ_H
#define SCHEDSCOPE_COUNTS_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/counts.h"

struct counts_read;

/*
 * Over the object's `counts` map (map_fd; keys of key_size bytes that start
 * with the __u32 epoch, nr_values counts each), its `count_stat` map
 * (stat_fd) and its `count_epoch` (epoch, in the object's mapped .bss).
 * Returns NULL with errno set.
 */
struct counts_read *counts_read__new(int map_fd, int stat_fd, size_t key_size, size_t nr_values,
				     volatile uint32_t *epoch, uint32_t nr_cpus);
void counts_read__free(struct counts_read *c);

/*
 * Value max_value of each key is a maximum, not a count (a histogram's,
 * hist.bpf.h): the largest over CPUs is read, and a late read keeps it.
 */
void counts_read__set_max(struct counts_read *c, size_t max_value);

/*
 * Close the open interval: rows get its counts, plus what was added to the
 * interval before after that one was read (programs still running as it
 * closed). Keys with the epoch zeroed. Returns 0 or -errno.
 */
int counts_read__close(struct counts_read *c, struct count_rows *rows);

/*
 * After the programs are detached: what they added to the interval just
 * closed after it was read, into rows. Returns 0 or -errno.
 */
int counts_read__late(struct counts_read *c, struct count_rows *rows);

struct bpfsess;
struct bpf_map;

/* The keys a counts table holds unless --max-keys says otherwise. */
#define COUNTS_MAX_KEYS 10240

/*
 * The rest of a counts session's open, once its object is configured: size
 * its `counts` map for max_keys (0: COUNTS_MAX_KEYS), load it, read that map,
 * its `count_stat` and its `count_epoch` (in .bss) into *out, attach. Says
 * why not; returns 0 or -errno.
 */
int counts_read__start(struct bpfsess *b, struct counts_read **out, struct bpf_map *counts,
		       struct bpf_map *stat, size_t key_size, size_t nr_values,
		       volatile uint32_t *epoch, size_t max_keys);

/*
 * The object's count_slots (counts.bpf.h's COUNTS_NR_SLOTS), for counts
 * added by slot: read and zeroed with the keys, each slot's counts given
 * the key key() makes of it (epoch zeroed), per CPU or summed over CPUs.
 */
struct counts_slots {
	int map_fd;
	uint32_t nr; /* COUNTS_NR_SLOTS */
	bool by_cpu; /* a key per CPU; else one per slot, summed */
	void (*key)(void *key, uint32_t slot, uint32_t cpu);
};

/* Reads c's slots too (before the first close). Returns 0 or -ENOMEM. */
int counts_read__use_slots(struct counts_read *c, const struct counts_slots *slots);

/* Counts that found the table full, summed over CPUs, cumulative. */
uint64_t counts_read__full(struct counts_read *c);

#endif
