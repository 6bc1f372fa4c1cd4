/* SPDX-License-Identifier: GPL-2.0 */
/* Growing an array by doubling, for tables that only know their size as they fill. */
#ifndef SCHEDSCOPE_GROW_H
#define SCHEDSCOPE_GROW_H

#include <stdlib.h>

/*
 * arr (of *cap elements of elem bytes, all used) reallocated to twice as
 * many, or first if it had none; *cap is updated. NULL, with arr and *cap
 * untouched, if memory is short.
 */
static inline void *grow__double(void *arr, size_t *cap, size_t elem, size_t first)
{
	size_t n = *cap ? *cap * 2 : first;
	void *p = realloc(arr, n * elem);

	if (p)
		*cap = n;
	return p;
}

#endif
