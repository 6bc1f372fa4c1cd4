/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live commands' figures, rebuilt from recorded events: per thread the
 * kernel's own cumulative counters as the events carried them (the same
 * numbers the live task iterator reads), per CPU the counters the live hooks
 * keep, and every run-queue wait as it ends. It feeds the same cores as the
 * live path (acct, cpustat, the latency histograms), so a report from a file
 * is computed by the code that computes it live. Pure C.
 *
 * Counters are absolute and only grow, so a record that arrives late (events
 * of one CPU may trail another's by a little, and the first scan overlaps the
 * first events) never moves one back; a wait is counted once, when the
 * thread's sched_info.pcount moves on by exactly one from what was last seen.
 */
#ifndef SCHEDSCOPE_EVACCT_H
#define SCHEDSCOPE_EVACCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acct.h"
#include "cpustat.h"
#include "sev.h"
#include "tasktab.h"

/* A run-queue wait that ended: next got the CPU. */
struct evwait {
	uint64_t ts_ns;	  /* the switch-in */
	uint64_t wait_ns; /* run_delay's growth since the thread's last switch-in seen */
	uint64_t waits;	  /* 1; more if switch-ins were not recorded: an unsplit span */
	uint32_t cpu;
	uint32_t tid, pid;
	uint64_t start_ns;  /* with tid, which thread: its start (or its fork's time) */
	uint64_t pstart_ns; /* with pid, which process: its main thread's; 0 unknown */
	int32_t prio;
	uint32_t prev_tid; /* what ran before it on the CPU */
	int32_t prev_prio;
	bool preempted; /* the wait began with a preemption, not a wakeup */
};

struct evacct;

/* max_threads: threads tracked at most (more are counted as untracked). NULL and errno. */
struct evacct *evacct__new(uint32_t nr_cpus, size_t max_threads, uint64_t start_ns);
void evacct__free(struct evacct *ea);

/* Waits go to fn as they end (NULL: none). */
void evacct__on_wait(struct evacct *ea, void (*fn)(void *ctx, const struct evwait *w), void *ctx);

/*
 * Feed the file in order. Snapshots of phase SNAP_BEGIN are baselines,
 * SNAP_END the final readings. wakeup_kind is the event counted as a wakeup
 * (SEV_WAKING if recorded, else SEV_WAKEUP).
 */
void evacct__event(struct evacct *ea, const struct sev *e, uint32_t wakeup_kind);
void evacct__snap(struct evacct *ea, enum snap_phase phase, const struct task_snap *s);

/*
 * An observation pass of every thread tracked into a (acct__begin_pass ..
 * acct__end_pass), named from names; threads that exited were observed
 * as they did. The first call is the baseline.
 */
void evacct__observe(struct evacct *ea, struct acct *a, const struct tasktab *names);

/*
 * The report's window opens at ts_ns (by default, start_ns): a CPU whose
 * first switch seen leaves its idle task was idle from then.
 */
void evacct__open_window(struct evacct *ea, uint64_t ts_ns);

/* Each CPU's cumulative counters as of now_ns into cs. */
void evacct__sample_cpus(const struct evacct *ea, struct cpustat *cs, uint64_t now_ns);

/* Threads not tracked because the table was full. */
uint64_t evacct__untracked(const struct evacct *ea);

#endif
