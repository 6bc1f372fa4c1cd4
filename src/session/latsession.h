/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A live session over the run-queue latency programs (src/bpf/lat.bpf.c),
 * shared by runqlat, runqslower, starve and inversion: open, configure,
 * load, attach, seed every thread's baseline, then read what the command
 * asked for. The only file that talks to libbpf for these commands.
 */
#ifndef SCHEDSCOPE_LATSESSION_H
#define SCHEDSCOPE_LATSESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "core/latevent.h"
#include "core/cghist.h"
#include "core/lathist.h"

enum lat_hist_mode { LAT_HIST_NONE, LAT_HIST_CPU, LAT_HIST_THREAD, LAT_HIST_CGROUP };

struct lat_opts {
	enum lat_hist_mode hist;
	uint64_t unit_ns; /* log2 slots' unit: 1000 (us) or 1000000 (ms) */
	bool slow_events; /* LAT_EV_SLOW events for waits >= min_lat_ns */
	uint64_t min_lat_ns;
	bool inversion;	       /* sched_waking and sched_pi_setprio records */
	const struct cli *cli; /* -p, -t, -c, --from, --max-tasks, -v */
	uint32_t max_cgroups;  /* LAT_HIST_CGROUP: the kernel table's size */
	/* Called for each ring-buffer record, decoded; returns 0 to go on. */
	int (*on_event)(void *ctx, const struct lat_event *e);
	void *ctx;
};

struct latsession;

/* Everything up to attached and seeded; on failure prints why and returns NULL. */
struct latsession *latsession__open(const struct lat_opts *o);
void latsession__close(struct latsession *s);

uint32_t latsession__nr_cpus(const struct latsession *s);

/*
 * Deliver ring-buffer records until deadline_ns (CLOCK_MONOTONIC) or a stop
 * request. Returns true if asked to stop.
 */
bool latsession__wait(struct latsession *s, uint64_t deadline_ns);

/* The same, as the live loops call it (live_wait_fn), with the session as context. */
static inline bool latsession__waiter(void *s, uint64_t deadline_ns)
{
	return latsession__wait(s, deadline_ns);
}

/*
 * Close the open report interval: waits that end from now on belong to the
 * next one; the reads that follow give its maxima.
 */
void latsession__close_interval(struct latsession *s);

/*
 * Each CPU's histograms (LAT_HIST_CPU) into out[nr_cpus], maxima of the
 * interval last closed. Returns 0 or -errno.
 */
int latsession__read_cpus(struct latsession *s, struct lat_hist *out);

/*
 * Each thread's histograms (LAT_HIST_THREAD), to fn, maxima of the interval
 * last closed; threads whose last switch was seen are removed after fn has
 * seen them. Returns 0 or -errno.
 */
int latsession__read_threads(struct latsession *s,
			     void (*fn)(void *ctx, const struct lat_thread *t), void *ctx);

/*
 * Waits in progress of at least min_ns (only those with a lower-priority task
 * on the CPU if inverted), to fn. Returns 0 or -errno.
 */
int latsession__scan(struct latsession *s, uint64_t min_ns, bool inverted,
		     int (*fn)(void *ctx, const struct lat_waiting *w), void *ctx);

/*
 * Each cgroup's histogram (LAT_HIST_CGROUP), summed over the CPUs, to fn
 * with the cgroup's id. Returns 0 or -errno.
 */
int latsession__read_cgroups(struct latsession *s,
			     void (*fn)(void *ctx, uint64_t id, const struct cg_hist *h),
			     void *ctx);

/* Drop the histogram of a cgroup that is gone, to make room. */
void latsession__forget_cgroup(struct latsession *s, uint64_t id);

/* What each BPF program has cost so far (bpfsess__prog_costs()). */
void latsession__prog_costs(const struct latsession *s,
			    void (*fn)(void *ctx, const char *prog, uint64_t run_ns, uint64_t runs),
			    void *ctx);

/* The per-CPU loss counters, summed. */
void latsession__stats(struct latsession *s, struct lat_stat *sum);

#endif
