/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hash table of fixed-size entries, for the cores that keep one entry per
 * thread (tidmap, acct, latsnap): open addressing with linear probing, kept
 * at most half full by doubling, deletion by backward shift, so no tombstones
 * lengthen the probe chains of a table whose threads come and go. Pure C.
 *
 * The table knows an entry through its ops only: the hash of the key it
 * holds, and whether its slot is free. Free slots are zeroed, so a key that
 * is never real marks them (TID 0, a NULL pointer). A lookup is inline and
 * takes the caller's key test as an argument, so that the compiler inlines
 * it too: lookups are the per-event path.
 */
#ifndef SCHEDSCOPE_HASHTAB_H
#define SCHEDSCOPE_HASHTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct hashtab_ops {
	size_t (*hash)(const void *entry);
	bool (*is_free)(const void *entry);
};

struct hashtab {
	char *slot;  /* NULL before hashtab__init() and after hashtab__fini() */
	size_t size; /* bytes per entry */
	size_t mask; /* capacity - 1, capacity a power of two */
	size_t used;
	const struct hashtab_ops *ops;
};

/* min_cap, a power of two, is also the first capacity. 0, -EINVAL or -ENOMEM. */
int hashtab__init(struct hashtab *t, size_t entry_size, size_t min_cap,
		  const struct hashtab_ops *ops);
void hashtab__fini(struct hashtab *t);

/* Slots to walk over for every entry (skipping the free ones); 0 before init. */
static inline size_t hashtab__capacity(const struct hashtab *t)
{
	return t->slot ? t->mask + 1 : 0;
}

/* A hash of a 32-bit id (a TID, a PID), for tables keyed by one. */
static inline size_t hashtab__hash32(uint32_t id)
{
	return (size_t)id * 0x9E3779B1u;
}

/*
 * Tables whose entries begin with a uint32_t id, 0 in a free slot (tidmap,
 * reuse): an entry's id, their ops, and the stop of a lookup by id (key a
 * const uint32_t *), inline as lookups are the per-event path.
 */
static inline uint32_t hashtab__id32(const void *entry)
{
	uint32_t id;

	memcpy(&id, entry, sizeof(id));
	return id;
}

static inline bool hashtab__id32_stop(const void *entry, const void *key)
{
	uint32_t id = hashtab__id32(entry);

	return !id || id == *(const uint32_t *)key;
}

extern const struct hashtab_ops hashtab__id32_ops;

static inline void *hashtab__slot(const struct hashtab *t, size_t i)
{
	return t->slot + i * t->size;
}

/*
 * Walk the probe chain of hash to the first slot where stop(entry, key)
 * holds. stop must hold at key's entry and at a free slot: the walk ends at
 * the entry, or at the free slot where it would go.
 */
static inline void *hashtab__probe(const struct hashtab *t, size_t hash,
				   bool (*stop)(const void *entry, const void *key),
				   const void *key)
{
	size_t i = hash & t->mask;

	while (!stop(hashtab__slot(t, i), key))
		i = (i + 1) & t->mask;
	return hashtab__slot(t, i);
}

/*
 * The slot for a new entry whose key hashes to hash and is not in the table,
 * counted as used; the caller writes the key and the rest (the slot is
 * zeroed). The table doubles first if it would be more than half full, which
 * moves every entry: pointers into it from before do not hold. NULL when out
 * of memory.
 */
void *hashtab__claim(struct hashtab *t, size_t hash);

/* Free entry's slot; a later entry may move into it (pointers to it do not hold). */
void hashtab__remove(struct hashtab *t, void *entry);

#endif
