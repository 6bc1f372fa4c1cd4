// SPDX-License-Identifier: GPL-2.0
#include "core/reuse.h"

#include <errno.h>
#include <stdlib.h>

int reuse__mark(size_t n, uint32_t (*id)(size_t i, void *ctx), void (*mark)(size_t i, void *ctx),
		void *ctx)
{
	size_t cap = 16;
	uint32_t *index; /* the first row with an id, + 1; 0: a free slot */

	while (cap < 2 * n)
		cap <<= 1;
	index = calloc(cap, sizeof(*index));
	if (!index)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint32_t k = id(i, ctx);
		size_t h = (size_t)(k * 0x9e3779b97f4a7c15ull >> 17) & (cap - 1);

		if (!k)
			continue;
		while (index[h] && id(index[h] - 1, ctx) != k)
			h = (h + 1) & (cap - 1);
		if (!index[h]) {
			index[h] = (uint32_t)(i + 1);
			continue;
		}
		mark(i, ctx);
		mark(index[h] - 1, ctx);
	}
	free(index);
	return 0;
}
