// SPDX-License-Identifier: GPL-2.0
#include "hashtab.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t id32_hash(const void *entry)
{
	return hashtab__hash32(hashtab__id32(entry));
}

static bool id32_free(const void *entry)
{
	return !hashtab__id32(entry);
}

const struct hashtab_ops hashtab__id32_ops = { id32_hash, id32_free };

int hashtab__init(struct hashtab *t, size_t entry_size, size_t min_cap,
		  const struct hashtab_ops *ops)
{
	memset(t, 0, sizeof(*t));
	if (!entry_size || !min_cap || (min_cap & (min_cap - 1)))
		return -EINVAL;
	t->slot = calloc(min_cap, entry_size);
	if (!t->slot)
		return -ENOMEM;
	t->size = entry_size;
	t->mask = min_cap - 1;
	t->ops = ops;
	return 0;
}

void hashtab__fini(struct hashtab *t)
{
	free(t->slot);
	t->slot = NULL;
	t->used = 0;
}

/* The first free slot of hash's probe chain. */
static char *free_slot(const struct hashtab *t, size_t hash)
{
	size_t i = hash & t->mask;

	while (!t->ops->is_free(hashtab__slot(t, i)))
		i = (i + 1) & t->mask;
	return hashtab__slot(t, i);
}

static int grow(struct hashtab *t)
{
	size_t cap = t->mask + 1;
	char *old = t->slot;

	if (cap > SIZE_MAX / 2 / t->size)
		return -ENOMEM;
	t->slot = calloc(cap * 2, t->size);
	if (!t->slot) {
		t->slot = old;
		return -ENOMEM;
	}
	t->mask = cap * 2 - 1;
	for (size_t i = 0; i < cap; i++) {
		const char *e = old + i * t->size;

		if (!t->ops->is_free(e))
			memcpy(free_slot(t, t->ops->hash(e)), e, t->size);
	}
	free(old);
	return 0;
}

void *hashtab__claim(struct hashtab *t, size_t hash)
{
	if ((t->used + 1) * 2 > t->mask + 1 && grow(t))
		return NULL;
	t->used++;
	return free_slot(t, hash);
}

/*
 * Backward shift: walk on from the hole to the end of its run of entries,
 * and move into the hole each entry that could not be found without it (its
 * home lies cyclically before the hole), which opens a new hole where that
 * entry was.
 */
void hashtab__remove(struct hashtab *t, void *entry)
{
	size_t hole = (size_t)((char *)entry - t->slot) / t->size, i = hole;

	for (;;) {
		char *e;
		size_t home;

		i = (i + 1) & t->mask;
		e = hashtab__slot(t, i);
		if (t->ops->is_free(e))
			break;
		home = t->ops->hash(e) & t->mask;
		if (((i - home) & t->mask) >= ((i - hole) & t->mask)) {
			memcpy(hashtab__slot(t, hole), e, t->size);
			hole = i;
		}
	}
	memset(hashtab__slot(t, hole), 0, t->size);
	t->used--;
}
