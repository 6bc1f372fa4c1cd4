// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope report -i FILE info: what a recording holds, its header,
 * events by kind, scans and losses. An analysis of the recording itself
 * (cmd/analysis.h): it counts records and needs no names and no rebuilt
 * figures.
 *
 * Example (a pipe ping-pong, two spinning threads and a sleeper, 1.5 s):
 *
 * file:      rec.ssr
 * format:    version 1, clock CLOCK_MONOTONIC
 * host:      vm, Linux 6.18.44, 2 CPUs
 * filters:   none
 * duration:  1.512 s
 * threads:   96 at the start, 96 at the end
 * events:    1479829
 *   switch    966153
 *   waking    513524
 *   ...
 * size:      8397633 bytes, 5.7 per event
 * lost:      0
 * complete:  yes
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cmd/analysis.h"
#include "core/probes.h"

struct info {
	const struct recinput *rec;
	uint64_t by_type[SEV_NR_TYPES];
	uint64_t by_probe[SS_NR_PROBES];
	uint64_t snaps[2]; /* scan records, at the start and at the end */
};

static void info__on_snap(void *ctx, enum snap_phase phase, const struct task_snap *s)
{
	struct info *i = ctx;

	(void)s;
	i->snaps[phase == SNAP_END]++;
}

static void info__on_event(void *ctx, const struct sev *e)
{
	struct info *i = ctx;

	if (e->type == SEV_PROBE && e->probe < SS_NR_PROBES)
		i->by_probe[e->probe]++;
	else if (e->type < SEV_NR_TYPES)
		i->by_type[e->type]++;
}

static int info__report(void *ctx, const struct report_meta *m)
{
	const struct info *i = ctx;
	const struct recinput *in = i->rec;
	const struct rec_header *h = &in->h;
	uint64_t dur = in->end_ns > in->first_ns ? in->end_ns - in->first_ns : 0;

	(void)m;
	printf("file:      %s\n", in->path);
	printf("format:    version %u, clock %s\n", h->version,
	       h->clock == REC_CLOCK_MONOTONIC ? "CLOCK_MONOTONIC" : "unknown");
	printf("host:      %s, Linux %s, %u CPUs\n", h->hostname, h->release, h->nr_cpus);
	printf("filters:   %s\n", h->filter[0] ? h->filter : "none");
	printf("duration:  %.3f s\n", (double)dur / 1e9);
	printf("threads:   %" PRIu64 " at the start, %" PRIu64 " at the end\n", i->snaps[0],
	       i->snaps[1]);
	printf("events:    %" PRIu64 "\n", in->events);
	for (uint32_t t = 1; t < SEV_NR_TYPES; t++)
		if (i->by_type[t])
			printf("  %-11s %" PRIu64 "\n", sev__type_name(t), i->by_type[t]);
	/* Probes by DTrace's names, sched:::wakeup apart from the wakeup kind. */
	for (uint32_t p = 0; p < SS_NR_PROBES; p++)
		if (i->by_probe[p])
			printf("  sched:::%-11s %" PRIu64 "\n", probe_descs[p].name,
			       i->by_probe[p]);
	printf("size:      %zu bytes, %.1f per event\n", in->len,
	       in->events ? (double)in->len / (double)in->events : 0.0);
	printf("lost:      %" PRIu64 "\n", in->lost);
	printf("complete:  %s\n", in->status == REC_OK ? "yes" : "no: cut short");
	return 0;
}

/* For a recording only: there is no live info. */
static void *info__new(const struct cli *cli, const struct analysis_input *in, int *exit_code)
{
	struct info *i;

	(void)cli;
	*exit_code = 1;
	if (!in->rec) {
		cli__err("info reads a recording: report -i FILE info");
		return NULL;
	}
	i = calloc(1, sizeof(*i));
	if (!i) {
		cli__err("out of memory");
		return NULL;
	}
	i->rec = in->rec;
	return i;
}

static void info__free(void *ctx)
{
	free(ctx);
}

const struct analysis_ops info_analysis = {
	.new = info__new,
	.free = info__free,
	.on_snap = info__on_snap,
	.on_event = info__on_event,
	.report = info__report,
};
