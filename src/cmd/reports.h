/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The top, cpus and runqlat reports, apart from where their figures come
 * from: the live sessions feed them, and so does `report` from a recording,
 * so the two cannot drift apart.
 */
#ifndef SCHEDSCOPE_REPORTS_H
#define SCHEDSCOPE_REPORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "core/acct.h"
#include "core/cpustat.h"
#include "core/latevent.h"
#include "core/lathist.h"
#include "core/report.h"

struct top;

/* Options checked (EXIT_USAGE) and tables allocated (1); NULL after saying why. */
struct top *top__new(const struct cli *cli, uint32_t nr_cpus, int *exit_code);
void top__free(struct top *t);
/* What to feed: per-thread observations, per-CPU samples. */
struct acct *top__acct(struct top *t);
struct cpustat *top__cpustat(struct top *t);
/* The interval fed so far, rendered to stdout (a live_report_fn): 0. */
int top__report(void *ctx, const struct report_meta *m);

struct cpus;

struct cpus *cpus__new(const struct cli *cli, uint32_t nr_cpus);
void cpus__free(struct cpus *c);
struct cpustat *cpus__cpustat(struct cpus *c);
int cpus__report(void *ctx, const struct report_meta *m);

/* Where runqlat's cumulative histograms come from: the kernel, or a recording. */
struct lat_source {
	/* Close the open interval: the reads that follow give its maxima. */
	void (*close_interval)(void *ctx);
	/* Each CPU's histograms into out[nr_cpus]: 0 or -errno. */
	int (*read_cpus)(void *ctx, struct lat_hist *out);
	/* Each thread's, to fn (-P, -L): 0 or -errno. */
	int (*read_threads)(void *ctx, void (*fn)(void *fn_ctx, const struct lat_thread *t),
			    void *fn_ctx);
	/* The loss counters, summed. */
	void (*stats)(void *ctx, struct lat_stat *sum);
};

struct runqlat;

struct runqlat *runqlat__new(const struct cli *cli, uint32_t nr_cpus,
			     const struct lat_source *src, void *src_ctx);
void runqlat__free(struct runqlat *r);
/* One report of the interval: 0 or an exit code. */
int runqlat__report(void *ctx, const struct report_meta *m);

#endif
