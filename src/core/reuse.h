/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rows of a report that share their id (a PID or a TID) with another
 * row: two processes or threads that used one number within the window,
 * each kept apart, and marked so that the reader is not misled. A hash
 * index over the ids: the rows keep their order.
 */
#ifndef SCHEDSCOPE_REUSE_H
#define SCHEDSCOPE_REUSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * id(i, ctx) is row i's id, 0 for a row not to check; mark(i, ctx) is called
 * for each row whose id another row has (for some, more than once). n
 * rows, fewer than 2^32. Returns 0 or -ENOMEM (nothing marked).
 */
int reuse__mark(size_t n, uint32_t (*id)(size_t i, void *ctx), void (*mark)(size_t i, void *ctx),
		void *ctx);

#endif
