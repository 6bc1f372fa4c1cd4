/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exporter's scrape: every metric family of docs/exporter.md, rendered
 * from what the command gathered (the cgroup registry, per-CPU counters,
 * losses, the programs' cost) in Prometheus' text format.
 */
#ifndef SCHEDSCOPE_EXPORTER_OUT_H
#define SCHEDSCOPE_EXPORTER_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/cgstat.h"
#include "out/prom_out.h"

/* One CPU's counters since the exporter started. */
struct exp_cpu {
	uint64_t switches;
	uint64_t busy_ns;
	uint64_t idle_ns;
	uint64_t migrations_in;
	uint64_t migrations_out;
	uint64_t wait_ns;
	uint64_t waits;
};

/* One thing not measured, cumulative: what (a fixed label value) and how many. */
struct exp_loss {
	const char *what;
	uint64_t n;
};

/* One BPF program's cost since it was loaded (kernel.bpf_stats_enabled). */
struct exp_cost {
	char prog[32];
	uint64_t run_ns;
	uint64_t runs;
};

struct exp_report {
	const struct cgstat *cg;
	const struct exp_cpu *cpus;
	uint32_t nr_cpus;
	const struct exp_loss *losses;
	size_t nr_losses;
	const struct exp_cost *costs;
	size_t nr_costs;
	int bpf_stats_enabled; /* -1: unknown */
	uint64_t gather_ns;    /* this scrape's reads and walk, before writing */
	uint64_t tasks;	       /* threads tracked */
	uint64_t scrapes;      /* this one included */
	const char *version;
};

void exporter_out__write(FILE *f, enum prom_format fmt, const struct exp_report *r);

#endif
