// SPDX-License-Identifier: GPL-2.0
#include "core/reuse.h"

#include <errno.h>

#include "core/hashtab.h"

/* The first row seen with an id; id 0 marks a free slot. */
struct first_row {
	uint32_t id;
	uint32_t row;
};

int reuse__mark(size_t n, uint32_t (*id)(size_t i, void *ctx), void (*mark)(size_t i, void *ctx),
		void *ctx)
{
	struct hashtab t;
	size_t cap = 16;
	int err;

	/* Never more than half full: no claim below grows it, so none fails. */
	while (cap < 2 * n)
		cap <<= 1;
	err = hashtab__init(&t, sizeof(struct first_row), cap, &hashtab__id32_ops);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		uint32_t k = id(i, ctx);
		struct first_row *f;

		if (!k)
			continue;
		f = hashtab__probe(&t, hashtab__hash32(k), hashtab__id32_stop, &k);
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
