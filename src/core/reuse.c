// SPDX-License-Identifier: GPL-2.0
#include "core/reuse.h"

#include <errno.h>
#include <string.h>

#include "core/hashtab.h"

/* The first row seen with an id; id 0 marks a free slot. */
struct first_row {
	uint32_t id;
	uint32_t row;
};

static uint32_t id_of(const void *entry)
{
	uint32_t id;

	memcpy(&id, entry, sizeof(id));
	return id;
}

static size_t first_hash(const void *entry)
{
	return hashtab__hash32(id_of(entry));
}

static bool first_free(const void *entry)
{
	return !id_of(entry);
}

static bool stops_at(const void *entry, const void *key)
{
	uint32_t id = id_of(entry);

	return !id || id == *(const uint32_t *)key;
}

static const struct hashtab_ops first_ops = { first_hash, first_free };

int reuse__mark(size_t n, uint32_t (*id)(size_t i, void *ctx), void (*mark)(size_t i, void *ctx),
		void *ctx)
{
	struct hashtab t;
	size_t cap = 16;
	int err;

	/* Never more than half full: no claim below grows it, so none fails. */
	while (cap < 2 * n)
		cap <<= 1;
	err = hashtab__init(&t, sizeof(struct first_row), cap, &first_ops);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		uint32_t k = id(i, ctx);
		struct first_row *f;

		if (!k)
			continue;
		f = hashtab__probe(&t, hashtab__hash32(k), stops_at, &k);
		if (f->id) {
			mark(i, ctx);
			mark(f->row, ctx);
			continue;
		}
		f = hashtab__claim(&t, hashtab__hash32(k));
		if (!f) {
			err = -ENOMEM;
			break;
		}
		f->id = k;
		f->row = (uint32_t)i;
	}
	hashtab__fini(&t);
	return err;
}
