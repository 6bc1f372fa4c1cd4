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
	uint32_t mask; /* SEV_MASK() of the kinds to load and deliver (others cost nothing) */
	/*
	 * The DTrace probes to deliver as SEV_PROBE events (1u << enum
	 * ss_probe); those this kernel cannot give are left out with a
	 * warning, or are an error when probes_only and none is left.
	 */
	uint32_t probes;
	bool probes_only;      /* -e named probes and no kind */
	const struct cli *cli; /* -p, -t, -c, -C (applied in the kernel), -v */
	size_t ring_bytes;     /* ring buffer size; 0: the default */
	/* Called for each event in ring order; returns 0 to go on. */
	int (*on_event)(void *ctx, const struct sev *e);
	void *ctx;
	/*
	 * Optional: fork, exec and rename of the tasks the filters (-p, -t, -c,
	 * -C) leave out, in ring order with the others, for names only (the
	 * other side of a switch). NULL: the kernel drops them.
	 */
	int (*on_name)(void *ctx, const struct sev *e);
};

struct evsession;

/* Everything up to attached; on failure prints why and returns NULL. */
struct evsession *evsession__open(const struct ev_opts *o);
void evsession__close(struct evsession *s);

uint32_t evsession__nr_cpus(const struct evsession *s);
/* The probes delivered: those asked for that this kernel can give. */
uint32_t evsession__probes(const struct evsession *s);
/*
 * With on-cpu or off-cpu: the switches the kernel counted but its
 * tracepoint never showed since the start, read now; -1 otherwise.
 */
int64_t evsession__untraced(struct evsession *s);

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

/*
 * Deliver whatever is in the ring now, without waiting, a full ring's worth
 * at most (a producer faster than the consumer cannot keep it here), stop
 * request or not: after evsession__detach(), everything left.
 */
void evsession__drain(struct evsession *s);

/*
 * Detach the event programs: nothing more enters the ring, what it holds
 * stays for evsession__drain(). The scan still works. Idempotent.
 */
void evsession__detach(struct evsession *s);

/* CLOCK_MONOTONIC just before the programs were attached: no event is older. */
uint64_t evsession__start_ns(const struct evsession *s);

/* 0, or the first non-zero on_event() return (or ring error) that stopped delivery. */
int evsession__status(const struct evsession *s);

/*
 * Every live thread that passes the filters, read by a task iterator, to fn
 * (returns 0 to go on). Returns 0 or -errno. -p, -t and -c apply, not -C:
 * any thread may come to run on that CPU. Threads are read one by one
 * while the programs run, so records already in the ring may be older than
 * a thread's snapshot (see trace.c for seeding a tasktab in the right order).
 */
int evsession__scan(struct evsession *s, int (*fn)(void *ctx, const struct task_snap *t),
		    void *ctx);

/*
 * The same for every live thread, the filters aside: the names and bases of
 * whatever a filtered event shows beside the task asked for (the other side
 * of a switch, a parent).
 */
int evsession__scan_every(struct evsession *s, int (*fn)(void *ctx, const struct task_snap *t),
			  void *ctx);

/*
 * Events lost to a full ring buffer, per CPU and cumulative, into
 * lost[nr_cpus]. Returns the sum.
 */
uint64_t evsession__lost(struct evsession *s, uint64_t *lost);

#endif
