/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A live session over the event programs (src/bpf/events.bpf.c), shared by
 * `trace` and `record`: open, configure the in-kernel filters, load, attach,
 * then deliver each ring-buffer record decoded as a struct sev, and scan
 * every thread on request. The only file that talks to libbpf for them.
 */
#ifndef SCHEDSCOPE_EVSESSION_H
#define SCHEDSCOPE_EVSESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "core/sev.h"

struct ev_opts {
	uint32_t mask;		/* SEV_MASK() of the kinds to deliver */
	const struct cli *cli;	/* -p, -t, -c, -C (applied in the kernel), -v */
	size_t ring_bytes;	/* ring buffer size; 0: the default */
	/* Called for each event in ring order; returns 0 to go on. */
	int (*on_event)(void *ctx, const struct sev *e);
	void *ctx;
};

struct evsession;

/* Everything up to attached; on failure prints why and returns NULL. */
struct evsession *evsession__open(const struct ev_opts *o);
void evsession__close(struct evsession *s);

uint32_t evsession__nr_cpus(const struct evsession *s);

/*
 * Deliver events until deadline_ns (CLOCK_MONOTONIC) or a stop request.
 * Returns true if asked to stop.
 */
bool evsession__wait(struct evsession *s, uint64_t deadline_ns);

/* The same, as the live loops call it (live_wait_fn). */
static inline bool evsession__waiter(void *s, uint64_t deadline_ns)
{
	return evsession__wait(s, deadline_ns);
}

/* Deliver whatever is in the ring now, without waiting. */
void evsession__drain(struct evsession *s);

/*
 * Every live thread that passes the filters, read by a task iterator, to fn
 * (returns 0 to go on). Returns 0 or -errno.
 */
int evsession__scan(struct evsession *s, int (*fn)(void *ctx, const struct task_snap *t),
		    void *ctx);

/*
 * Events lost to a full ring buffer, per CPU and cumulative, into
 * lost[nr_cpus]. Returns the sum.
 */
uint64_t evsession__lost(struct evsession *s, uint64_t *lost);

#endif
