// SPDX-License-Identifier: GPL-2.0
#include "out/exporter_out.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "out/prom_out.h"

/*
 * A scrape, abridged:
 *
 *   # HELP schedscope_cpu_seconds_total CPU time of the cgroup's threads ...
 *   # TYPE schedscope_cpu_seconds_total counter
 *   schedscope_cpu_seconds_total{cgroup="/"} 12.345678901
 *   schedscope_cpu_seconds_total{cgroup="/system.slice"} 3.000000042
 *   ...
 *   schedscope_runq_latency_seconds_bucket{cgroup="/",le="2e-06"} 1200
 *   ...
 *   schedscope_runq_latency_seconds_bucket{cgroup="/",le="+Inf"} 1830
 *   schedscope_runq_latency_seconds_sum{cgroup="/"} 0.004512000
 *   schedscope_runq_latency_seconds_count{cgroup="/"} 1830
 *   schedscope_cpu_switches_total{cpu="0"} 5123
 *   schedscope_lost_total{what="exit_drops"} 0
 */

/* A counter family whose value is one uint64_t field of a struct, at off. */
struct counter_def {
	const char *name;
	const char *help;
	size_t off;
	bool seconds; /* the field holds nanoseconds */
};

#define CG_FIELD(f) offsetof(struct acct_counters, f)

static const struct counter_def cg_counters[] = {
	{ "schedscope_cpu_seconds_total",
	  "CPU time of the cgroup's threads (se.sum_exec_runtime), exited ones included.",
	  CG_FIELD(runtime_ns), true },
	{ "schedscope_voluntary_switches_total",
	  "Voluntary context switches of the cgroup's threads (nvcsw): they blocked.",
	  CG_FIELD(nvcsw), false },
	{ "schedscope_involuntary_switches_total",
	  "Involuntary context switches of the cgroup's threads (nivcsw): preempted.",
	  CG_FIELD(nivcsw), false },
	{ "schedscope_runq_wait_seconds_total",
	  "Time the cgroup's threads were runnable but waiting for a CPU (sched_info.run_delay).",
	  CG_FIELD(run_delay_ns), true },
	{ "schedscope_migrations_total",
	  "Moves of the cgroup's threads to another CPU (se.nr_migrations).", CG_FIELD(migrations),
	  false },
	{ "schedscope_wakeups_total", "Wakeups of the cgroup's threads (sched_wakeup).",
	  CG_FIELD(wakeups), false },
};

#define CPU_FIELD(f) offsetof(struct exp_cpu, f)

static const struct counter_def cpu_counters[] = {
	{ "schedscope_cpu_switches_total", "Context switches on the CPU (rq->nr_switches).",
	  CPU_FIELD(switches), false },
	{ "schedscope_cpu_busy_seconds_total", "Time the CPU ran a task other than its idle task.",
	  CPU_FIELD(busy_ns), true },
	{ "schedscope_cpu_idle_seconds_total", "Time the CPU ran its idle task.",
	  CPU_FIELD(idle_ns), true },
	{ "schedscope_cpu_migrations_in_total", "Tasks moved to the CPU.", CPU_FIELD(migrations_in),
	  false },
	{ "schedscope_cpu_migrations_out_total", "Tasks moved away from the CPU.",
	  CPU_FIELD(migrations_out), false },
	{ "schedscope_cpu_runq_wait_seconds_total", "Run-queue waits that ended on the CPU.",
	  CPU_FIELD(wait_ns), true },
	{ "schedscope_cpu_runq_waits_total", "Number of run-queue waits that ended on the CPU.",
	  CPU_FIELD(waits), false },
};

#define NR(a) (sizeof(a) / sizeof((a)[0]))

/* One sample of d: its field in the struct at base. */
static void write_counter(FILE *f, const struct counter_def *d, const struct prom_label *l,
			  const void *base)
{
	uint64_t v;

	memcpy(&v, (const char *)base + d->off, sizeof(v));
	if (d->seconds)
		prom__seconds(f, d->name, l, 1, v);
	else
		prom__u64(f, d->name, l, 1, v);
}

static void write_cgroups(FILE *f, enum prom_format fmt, const struct cgstat *cg)
{
	size_t n = cgstat__nr_series(cg);
	char le_buf[CG_HIST_SLOTS - 1][24];
	const char *le[CG_HIST_SLOTS - 1];

	for (size_t k = 0; k < NR(cg_counters); k++) {
		prom__family(f, fmt, cg_counters[k].name, "counter", cg_counters[k].help);
		for (size_t i = 0; i < n; i++) {
			const struct cgseries *s = cgstat__series(cg, i);
			struct prom_label l = { "cgroup", s->path };

			write_counter(f, &cg_counters[k], &l, &s->c);
		}
	}
	/* Slot i holds waits shorter than 2^(i+1) us. */
	for (int i = 0; i < CG_HIST_SLOTS - 1; i++) {
		snprintf(le_buf[i], sizeof(le_buf[i]), "%.9g", (double)(2ull << i) / 1e6);
		le[i] = le_buf[i];
	}
	prom__family(f, fmt, "schedscope_runq_latency_seconds", "histogram",
		     "Run-queue waits (wakeup or preemption to switch-in) by the cgroup of the "
		     "task that waited.");
	for (size_t i = 0; i < n; i++) {
		const struct cgseries *s = cgstat__series(cg, i);
		struct prom_label l = { "cgroup", s->path };

		prom__histogram(f, "schedscope_runq_latency_seconds", &l, 1, le, s->h.slot,
				CG_HIST_SLOTS, s->h.sum_ns);
	}
}

static void write_cpus(FILE *f, enum prom_format fmt, const struct exp_report *r)
{
	for (size_t k = 0; k < NR(cpu_counters); k++) {
		prom__family(f, fmt, cpu_counters[k].name, "counter", cpu_counters[k].help);
		for (uint32_t c = 0; c < r->nr_cpus; c++) {
			char cpu[16];
			struct prom_label l = { "cpu", cpu };

			snprintf(cpu, sizeof(cpu), "%" PRIu32, c);
			write_counter(f, &cpu_counters[k], &l, &r->cpus[c]);
		}
	}
}

static void write_self(FILE *f, enum prom_format fmt, const struct exp_report *r)
{
	const struct cgstat_losses *cl = cgstat__losses(r->cg);
	struct prom_label l;

	prom__family(f, fmt, "schedscope_lost_total", "counter",
		     "What could not be measured or exported, by kind (docs/exporter.md).");
	for (size_t i = 0; i < r->nr_losses; i++) {
		l = (struct prom_label){ "what", r->losses[i].what };
		prom__u64(f, "schedscope_lost_total", &l, 1, r->losses[i].n);
	}
	l = (struct prom_label){ "what", "cgroup_unresolved" };
	prom__u64(f, "schedscope_lost_total", &l, 1, cl->unresolved);
	prom__family(f, fmt, "schedscope_cgroups_capped_total", "counter",
		     "Cgroups exported as cgroup=\"(other)\" because --max-series was reached.");
	prom__u64(f, "schedscope_cgroups_capped_total", NULL, 0, cl->cap_folded);
	prom__family(f, fmt, "schedscope_cgroup_series_expired_total", "counter",
		     "Cgroup series removed after their cgroups were gone for --cgroup-expiry.");
	prom__u64(f, "schedscope_cgroup_series_expired_total", NULL, 0, cl->expired);
	prom__family(
		f, fmt, "schedscope_bpf_run_seconds_total", "counter",
		"Time spent in each BPF program (counted only while kernel.bpf_stats_enabled=1).");
	for (size_t i = 0; i < r->nr_costs; i++) {
		l = (struct prom_label){ "prog", r->costs[i].prog };
		prom__seconds(f, "schedscope_bpf_run_seconds_total", &l, 1, r->costs[i].run_ns);
	}
	prom__family(f, fmt, "schedscope_bpf_runs_total", "counter",
		     "Runs of each BPF program (counted only while kernel.bpf_stats_enabled=1).");
	for (size_t i = 0; i < r->nr_costs; i++) {
		l = (struct prom_label){ "prog", r->costs[i].prog };
		prom__u64(f, "schedscope_bpf_runs_total", &l, 1, r->costs[i].runs);
	}
	prom__family(f, fmt, "schedscope_bpf_stats_enabled", "gauge",
		     "kernel.bpf_stats_enabled: 1 if the two families above count, -1 unknown.");
	prom__double(f, "schedscope_bpf_stats_enabled", NULL, 0, r->bpf_stats_enabled);
	prom__family(f, fmt, "schedscope_scrape_gather_seconds", "gauge",
		     "Time this scrape took to read the kernel's counters and walk the cgroups.");
	prom__seconds(f, "schedscope_scrape_gather_seconds", NULL, 0, r->gather_ns);
	prom__family(f, fmt, "schedscope_scrapes_total", "counter",
		     "Scrapes served, this one included.");
	prom__u64(f, "schedscope_scrapes_total", NULL, 0, r->scrapes);
	prom__family(f, fmt, "schedscope_tracked_tasks", "gauge", "Threads tracked.");
	prom__u64(f, "schedscope_tracked_tasks", NULL, 0, r->tasks);
	prom__family(f, fmt, "schedscope_tracked_cgroups", "gauge",
		     "Cgroup ids remembered: live ones and those removed less than --cgroup-expiry "
		     "ago.");
	prom__u64(f, "schedscope_tracked_cgroups", NULL, 0, cgstat__nr_ids(r->cg));
	prom__family(f, fmt, "schedscope_cgroup_series", "gauge", "Cgroup label values exported.");
	prom__u64(f, "schedscope_cgroup_series", NULL, 0, cgstat__nr_series(r->cg));
	prom__family(f, fmt, "schedscope_build_info", "gauge",
		     "The schedscope version, as a label.");
	l = (struct prom_label){ "version", r->version };
	prom__u64(f, "schedscope_build_info", &l, 1, 1);
}

void exporter_out__write(FILE *f, enum prom_format fmt, const struct exp_report *r)
{
	write_cgroups(f, fmt, r->cg);
	write_cpus(f, fmt, r);
	write_self(f, fmt, r);
	prom__end(f, fmt);
}
