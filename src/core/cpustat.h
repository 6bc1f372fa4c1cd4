/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU figures over report intervals, from samples of cumulative per-CPU
 * counters. Pure C, fed by the live session or by tests.
 */
#ifndef SCHEDSCOPE_CPUSTAT_H
#define SCHEDSCOPE_CPUSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Cumulative counters of one CPU at one moment. */
struct cpu_sample {
	uint64_t switches;	  /* the kernel's count */
	uint64_t traced_switches; /* switches the sched_switch tracepoint reported */
	uint64_t idle_ns;	  /* including the idle period in progress */
	uint64_t idle_exits;	  /* switches away from the idle task */
	uint64_t wait_ns;	  /* run-queue waits that ended here */
	uint64_t waits;
	uint64_t migrations_in;
	uint64_t migrations_out;
	uint64_t wait_max_ns; /* longest wait ended here in the open interval */
};

/* One CPU's figures for an interval. */
struct cpu_row {
	uint32_t cpu;
	struct cpu_sample d; /* deltas; wait_max_ns as sampled */
	double switches_per_sec;
	double busy_pct;
	double idle_pct;
};

struct cpustat;

struct cpustat *cpustat__new(uint32_t nr_cpus);
void cpustat__free(struct cpustat *cs);
uint32_t cpustat__nr_cpus(const struct cpustat *cs);

/* The first sample of each CPU is its baseline. */
void cpustat__sample(struct cpustat *cs, uint32_t cpu, const struct cpu_sample *s);

/*
 * Figures since the last close, one row per CPU in rows[0 .. nr_cpus-1]; the
 * interval's samples become the next baseline.
 */
void cpustat__close(struct cpustat *cs, uint64_t duration_ns, struct cpu_row *rows);

#endif
