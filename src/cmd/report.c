// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope report -i FILE ANALYSIS: the live commands' analyses over a
 * recording. The file's events rebuild the figures the live sessions read
 * from the kernel (core/evacct.c), and the same report code renders them
 * (reports.h: top, cpus, runqlat; runqslower's writer), so a recording and
 * a live run of the same window agree.
 *
 * Reports follow the file's clock: with an interval, one per interval of
 * recorded time; without, one for the whole recording, whose per-thread
 * figures come from the scans at its two ends (the kernel's counters, as
 * the live top reads them).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd/commands.h"
#include "core/evacct.h"
#include "core/lathist.h"
#include "core/tidmap.h"
#include "out/event_out.h"
#include "session/recinput.h"
#include "cmd/reports.h"

enum analysis { AN_TOP, AN_CPUS, AN_RUNQLAT, AN_RUNQSLOWER, AN_INFO };

static const struct cli_cmd analyses[] = {
	[AN_TOP] = {
		.name = "report -i FILE top",
		.summary = "top over a recording: CPU time, switches, wakeups, migrations and\n"
			   "run-queue waits per process, thread or name.",
		.usage = "[options] [interval [count]]",
		.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_SORT | OPT_ROWS | OPT_BY | OPT_IDLE |
			OPT_MAX_TASKS | OPT_TIMESTAMP | OPT_JSON | OPT_INTERVAL,
	},
	[AN_CPUS] = {
		.name = "report -i FILE cpus",
		.summary = "cpus over a recording: switches, busy and idle time, migrations and\n"
			   "run-queue waits per CPU.",
		.usage = "[options] [interval [count]]",
		.opts = OPT_CPU | OPT_TIMESTAMP | OPT_JSON | OPT_INTERVAL,
	},
	[AN_RUNQLAT] = {
		.name = "report -i FILE runqlat",
		.summary = "runqlat over a recording: run-queue latency histograms.",
		.usage = "[options] [interval [count]]",
		.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_MS | OPT_PER_PID | OPT_PER_TID |
			OPT_PER_CPU | OPT_SPLIT | OPT_MAX_TASKS | OPT_TIMESTAMP | OPT_JSON |
			OPT_INTERVAL,
	},
	[AN_RUNQSLOWER] = {
		.name = "report -i FILE runqslower",
		.summary = "runqslower over a recording: each run-queue wait of at least min_us.",
		.usage = "[options] [min_us]",
		.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_PREV | OPT_JSON | OPT_MIN_US,
	},
	[AN_INFO] = {
		.name = "report -i FILE info",
		.summary = "What a recording holds: its header, events by kind, losses.",
		.usage = "",
		.opts = 0,
	},
};

static const char *const analysis_names[] = {
	[AN_TOP] = "top", [AN_CPUS] = "cpus", [AN_RUNQLAT] = "runqlat",
	[AN_RUNQSLOWER] = "runqslower", [AN_INFO] = "info",
};

#define NR_ANALYSES (sizeof(analyses) / sizeof(analyses[0]))

struct offline {
	const struct cli *cli;	/* the analysis's options */
	enum analysis an;
	struct recinput *in;
	struct evacct *ea;
	uint32_t wakeup_kind;
	bool baselined;
	uint64_t last_ns;	/* the open interval's start */
	uint64_t step_ns;	/* 0: one report at the end */
	uint64_t reports;
	bool done;		/* the count of reports was reached */
	int ret;
	/* top, cpus, runqlat: what renders the reports */
	struct top *top;
	struct cpus *cpus;
	struct runqlat *rql;
	/* runqlat's histograms, cumulative as the kernel keeps them */
	struct lat_hist *cpu_hist;
	struct tidmap threads;	/* of struct lat_thread, with -P or -L */
	struct lat_stat lat_stat;
	/* info */
	uint64_t by_type[SEV_NR_TYPES];
	uint64_t snaps[2];
	uint64_t scan_ns;	/* the opening scan's time; 0: none yet */
};

static struct lat_hist *thread_hist(struct offline *o, const struct evwait *w)
{
	const struct task_ident *me, *leader;
	int made;
	struct lat_thread *t = tidmap__add(&o->threads, w->tid, &made);

	if (!t || !made)
		return t ? &t->h : NULL;
	me = tasktab__get(o->in->names, w->tid);
	leader = tasktab__get(o->in->names, w->pid);
	t->pid = w->pid;
	if (me)
		memcpy(t->comm, me->comm, LAT_COMM_LEN);
	if (leader)
		memcpy(t->pcomm, leader->comm, LAT_COMM_LEN);
	return &t->h;
}

static void slow_event(struct offline *o, const struct evwait *w, struct lat_event *e)
{
	char buf[TASKTAB_NAME_LEN];
	const struct task_ident *prev = tasktab__get(o->in->names, w->prev_tid);

	memset(e, 0, sizeof(*e));
	e->type = LAT_EV_SLOW;
	e->ts_ns = w->ts_ns;
	e->lat_ns = w->wait_ns;
	e->waits = (uint32_t)w->waits;
	e->kind = w->preempted ? SS_LAT_PREEMPT : SS_LAT_WAKEUP;
	e->cpu = w->cpu;
	e->pid = w->pid;
	e->tid = w->tid;
	e->prio = w->prio;
	e->other_tid = w->prev_tid;
	e->other_pid = prev ? prev->pid : 0;
	e->other_prio = w->prev_prio;
	memcpy(e->comm, tasktab__comm(o->in->names, w->tid, w->cpu, buf), LAT_COMM_LEN);
	memcpy(e->other_comm, tasktab__comm(o->in->names, w->prev_tid, w->cpu, buf), LAT_COMM_LEN);
}

/* A wait, or an unsplit span of them (switch-ins not recorded), as lat.bpf.c adds it. */
static void on_wait(void *ctx, const struct evwait *w)
{
	struct offline *o = ctx;
	unsigned int kind = w->preempted ? SS_LAT_PREEMPT : SS_LAT_WAKEUP;
	uint64_t unit = o->cli->ms ? 1000000 : 1000;
	bool unsplit = w->waits > 1;
	struct lat_hist *h[2];
	struct lat_event e;

	if (!recinput__wanted(o->in, o->cli, w->pid, w->tid))
		return;
	if (o->an == AN_RUNQSLOWER) {
		if (w->wait_ns < o->cli->min_us * 1000)
			return;
		slow_event(o, w, &e);
		if (o->cli->json)
			slow_out__json(stdout, &e, o->in->h.boot_wall_ns);
		else
			slow_out__line(stdout, &e, o->cli->prev, o->in->h.boot_wall_ns);
		return;
	}
	if (unsplit)
		o->lat_stat.missed++;
	else
		o->lat_stat.waits++;
	/* The reader refuses a CPU beyond the header's count. */
	h[0] = &o->cpu_hist[w->cpu];
	h[1] = NULL;
	if (o->cli->per_pid || o->cli->per_tid) {
		h[1] = thread_hist(o, w);
		if (!h[1])
			o->lat_stat.table_full++;
	}
	for (size_t i = 0; i < 2 && h[i]; i++) {
		if (unsplit)
			lathist__add_unsplit(h[i], w->waits, w->wait_ns);
		else
			lathist__add_wait(h[i], kind, w->wait_ns, unit);
	}
}

/*
 * runqlat's source: the histograms built above, read once per interval, so
 * a read restarts the maxima.
 */
static void file_close(void *ctx)
{
	(void)ctx;
}

static int file_cpus(void *ctx, struct lat_hist *out)
{
	struct offline *o = ctx;

	for (uint32_t c = 0; c < o->in->h.nr_cpus; c++) {
		out[c] = o->cpu_hist[c];
		lathist__restart_max(&o->cpu_hist[c]);
	}
	return 0;
}

static int file_threads(void *ctx, void (*fn)(void *, const struct lat_thread *), void *fn_ctx)
{
	struct offline *o = ctx;

	if (!tidmap__capacity(&o->threads))	/* no -P, no -L */
		return 0;
	for (size_t i = 0; i < tidmap__capacity(&o->threads); i++) {
		struct lat_thread *t = tidmap__slot(&o->threads, i);

		if (!t->tid)
			continue;
		fn(fn_ctx, t);
		lathist__restart_max(&t->h);
	}
	return 0;
}

static void file_stats(void *ctx, struct lat_stat *sum)
{
	struct offline *o = ctx;

	*sum = o->lat_stat;
	sum->ring_drops = o->in->lost;
}

static const struct lat_source file_source = { file_close, file_cpus, file_threads, file_stats };

static void fill_meta(struct offline *o, struct report_meta *m, uint64_t end_ns)
{
	uint64_t wall = o->in->h.boot_wall_ns + end_ns;

	memset(m, 0, sizeof(*m));
	m->duration_ns = end_ns - o->last_ns;
	m->wall.tv_sec = (time_t)(wall / 1000000000ull);
	m->wall.tv_nsec = (long)(wall % 1000000000ull);
	m->timestamp = o->cli->timestamp;
	m->nr_cpus = o->in->h.nr_cpus;
	m->max_threads = o->cli->max_tasks;
	m->loss.untracked_threads = evacct__untracked(o->ea);
	m->loss.events_lost = o->in->lost;
}

/* The interval [last_ns, end_ns): observe, render. at_end: the file's end. */
static void report_until(struct offline *o, uint64_t end_ns, bool at_end)
{
	struct report_meta m;

	if (o->done || end_ns < o->last_ns)
		return;
	fill_meta(o, &m, end_ns);
	m.final = at_end || (o->cli->count && o->reports + 1 >= o->cli->count);
	switch (o->an) {
	case AN_TOP:
		evacct__observe(o->ea, top__acct(o->top), o->in->names);
		evacct__sample_cpus(o->ea, top__cpustat(o->top), end_ns);
		top__report(o->top, &m);
		break;
	case AN_CPUS:
		evacct__sample_cpus(o->ea, cpus__cpustat(o->cpus), end_ns);
		cpus__report(o->cpus, &m);
		break;
	case AN_RUNQLAT:
		o->ret = runqlat__report(o->rql, &m);
		break;
	default:
		break;
	}
	fflush(stdout);
	o->last_ns = end_ns;
	o->reports++;
	if (o->cli->count && o->reports >= o->cli->count)
		o->done = true;
}

/*
 * The first record after the opening scan: every baseline is known. The
 * window opens at the scan, as a live report's does at its first read (the
 * threads' counters are deltas from it), or when tracing began if the file
 * has no scan; not at the first event, which comes when it comes.
 */
static void baseline(struct offline *o)
{
	uint64_t ts_ns = o->scan_ns ? o->scan_ns : o->in->h.start_ns;

	o->baselined = true;
	o->last_ns = ts_ns;
	evacct__open_window(o->ea, ts_ns);
	if (o->an == AN_TOP) {
		evacct__observe(o->ea, top__acct(o->top), o->in->names);
		evacct__sample_cpus(o->ea, top__cpustat(o->top), ts_ns);
	} else if (o->an == AN_CPUS) {
		evacct__sample_cpus(o->ea, cpus__cpustat(o->cpus), ts_ns);
	}
}

static int on_item(void *ctx, const struct rec_item *it)
{
	struct offline *o = ctx;
	bool begin_snap = it->type == REC_SNAP && it->phase == SNAP_BEGIN;

	if (!o->baselined && !begin_snap)
		baseline(o);
	switch (it->type) {
	case REC_SNAP:
		if (begin_snap && !o->scan_ns)
			o->scan_ns = it->ts_ns;
		o->snaps[it->phase == SNAP_END]++;
		evacct__snap(o->ea, it->phase, &it->snap);
		break;
	case REC_EVENT:
		while (o->step_ns && !o->done && it->ev.ts_ns >= o->last_ns + o->step_ns)
			report_until(o, o->last_ns + o->step_ns, false);
		if (o->an == AN_INFO) {
			if (it->ev.type < SEV_NR_TYPES)
				o->by_type[it->ev.type]++;
			break;
		}
		evacct__event(o->ea, &it->ev, o->wakeup_kind);
		break;
	default:
		break;
	}
	return 0;
}

static void print_info(const struct offline *o)
{
	const struct recinput *in = o->in;
	const struct rec_header *h = &in->h;
	uint64_t dur = in->end_ns > in->first_ns ? in->end_ns - in->first_ns : 0;

	printf("file:      %s\n", in->path);
	printf("format:    version %u, clock %s\n", h->version,
	       h->clock == REC_CLOCK_MONOTONIC ? "CLOCK_MONOTONIC" : "unknown");
	printf("host:      %s, Linux %s, %u CPUs\n", h->hostname, h->release, h->nr_cpus);
	printf("filters:   %s\n", h->filter[0] ? h->filter : "none");
	printf("duration:  %.3f s\n", (double)dur / 1e9);
	printf("threads:   %" PRIu64 " at the start, %" PRIu64 " at the end\n", o->snaps[0],
	       o->snaps[1]);
	printf("events:    %" PRIu64 "\n", in->events);
	for (uint32_t t = 1; t < SEV_NR_TYPES; t++)
		if (o->by_type[t])
			printf("  %-9s %" PRIu64 "\n", sev__type_name(t), o->by_type[t]);
	printf("size:      %zu bytes, %.1f per event\n", in->len,
	       in->events ? (double)in->len / (double)in->events : 0.0);
	printf("lost:      %" PRIu64 "\n", in->lost);
	printf("complete:  %s\n", in->status == REC_OK ? "yes" : "no: cut short");
}

static int find_analysis(const char *name)
{
	for (size_t i = 0; i < NR_ANALYSES; i++)
		if (!strcmp(analysis_names[i], name))
			return (int)i;
	return -1;
}

static int setup(struct offline *o)
{
	uint32_t nr = o->in->h.nr_cpus;
	int ret = 1;

	o->ea = evacct__new(nr, o->cli->max_tasks, o->in->h.start_ns);
	if (!o->ea) {
		cli__err("out of memory");
		return 1;
	}
	if (o->an == AN_RUNQLAT || o->an == AN_RUNQSLOWER)
		evacct__on_wait(o->ea, on_wait, o);
	switch (o->an) {
	case AN_TOP:
		o->top = top__new(o->cli, nr, &ret);
		return o->top ? 0 : ret;
	case AN_CPUS:
		o->cpus = cpus__new(o->cli, nr);
		return o->cpus ? 0 : 1;
	case AN_RUNQLAT:
		o->cpu_hist = calloc(nr, sizeof(*o->cpu_hist));
		o->rql = runqlat__new(o->cli, nr, &file_source, o);
		/* The per-thread histograms (4 KiB each) only for -P or -L. */
		if (!o->cpu_hist || !o->rql ||
		    ((o->cli->per_pid || o->cli->per_tid) &&
		     tidmap__init(&o->threads, sizeof(struct lat_thread), o->cli->max_tasks))) {
			cli__err("out of memory");
			return 1;
		}
		return 0;
	case AN_RUNQSLOWER:
		if (!o->cli->json) {
			printf("Run queue latency higher than %" PRIu64 " us in %s\n", o->cli->min_us,
			       o->in->path);
			slow_out__header(stdout, o->cli->prev);
		}
		return 0;
	default:
		return 0;
	}
}

static void teardown(struct offline *o)
{
	top__free(o->top);
	cpus__free(o->cpus);
	runqlat__free(o->rql);
	free(o->cpu_hist);
	tidmap__fini(&o->threads);
	evacct__free(o->ea);
	recinput__close(o->in);
}

int report__run(const struct cli *cli)
{
	struct offline o = { 0 };
	struct cli acli;
	int an, ret;

	if (!cli->input || !cli->nr_rest) {
		cli__err(!cli->input ? "report needs -i FILE" : "report needs an analysis");
		fprintf(stderr, "Usage: schedscope report -i FILE top|cpus|runqlat|runqslower|info "
				"[options]\n");
		return EXIT_USAGE;
	}
	an = find_analysis(cli->rest[0]);
	if (an < 0) {
		cli__err("unknown analysis '%s' (top, cpus, runqlat, runqslower or info)",
			 cli->rest[0]);
		return EXIT_USAGE;
	}
	ret = cli__parse(&analyses[an], cli->nr_rest, cli->rest, &acli);
	if (ret)
		return ret == 1 ? 0 : ret;
	o.cli = &acli;
	o.an = (enum analysis)an;
	o.in = recinput__open(cli->input);
	if (!o.in)
		return 1;
	o.in->no_names = o.an == AN_INFO;
	o.wakeup_kind = (o.in->h.event_mask & SEV_MASK(SEV_WAKING)) ? SEV_WAKING : SEV_WAKEUP;
	o.step_ns = acli.interval_s > 0 ? (uint64_t)(acli.interval_s * 1e9) : 0;
	ret = setup(&o);
	if (ret) {
		teardown(&o);	/* said why: a bad option of the analysis, or no memory */
		return ret;
	}
	ret = recinput__each(o.in, on_item, &o);
	if (!o.baselined)
		baseline(&o);
	if (ret != 1 && !o.ret) {
		if (o.an == AN_INFO)
			print_info(&o);
		else
			report_until(&o, o.in->end_ns, true);
	}
	recinput__print_lost(o.in);
	if (o.ret)
		ret = o.ret;
	teardown(&o);
	return ret;
}
