/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-thread entries keyed by TID, for the cores that follow threads through
 * a stream of events (names, counters, switch counts): a hashtab (see
 * hashtab.h) with a limit on its entries. Every entry begins with its
 * uint32_t tid; 0 marks a free slot, so TID 0 (the idle tasks) is never kept.
 * Pure C.
 */
#ifndef SCHEDSCOPE_TIDMAP_H
#define SCHEDSCOPE_TIDMAP_H

#include <stddef.h>
#include <stdint.h>

#include "hashtab.h"

/* The kernel's PID_MAX_LIMIT: a bound for a table of every thread there can be. */
#define TIDMAP_ALL_TIDS ((size_t)1 << 22)

struct tidmap {
	struct hashtab tab;
	size_t max;	  /* entries kept at most */
	uint64_t refused; /* insertions refused: at max, or out of memory */
};

/* 0 or -ENOMEM (-EINVAL for a zero max or an entry without room for its tid). */
int tidmap__init(struct tidmap *m, size_t entry_size, size_t max);
void tidmap__fini(struct tidmap *m);

/* tid's entry, or NULL. */
void *tidmap__get(const struct tidmap *m, uint32_t tid);

/*
 * tid's entry, made (zeroed but for its tid; *made set, if made is given) if
 * new; NULL for TID 0 (not counted) or when it cannot be made (counted in
 * refused). A pointer from here or from tidmap__get() holds until the next
 * tidmap__add() or tidmap__del().
 */
void *tidmap__add(struct tidmap *m, uint32_t tid, int *made);

void tidmap__del(struct tidmap *m, uint32_t tid);

static inline size_t tidmap__size(const struct tidmap *m)
{
	return m->tab.used;
}

/*
 * Slot i of the capacity, for a walk over every entry (skip those whose tid
 * is 0). The capacity is 0 before tidmap__init() and after tidmap__fini().
 */
static inline size_t tidmap__capacity(const struct tidmap *m)
{
	return hashtab__capacity(&m->tab);
}

static inline void *tidmap__slot(const struct tidmap *m, size_t i)
{
	return hashtab__slot(&m->tab, i);
}

#endif
