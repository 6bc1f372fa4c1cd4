// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope report -i FILE ANALYSIS: the live commands' analyses over a
 * recording. The file's events rebuild the figures the live sessions read
 * from the kernel (core/evacct.c), and each analysis takes them through the
 * same operations as live (cmd/analysis.h), so a recording and a live run
 * of the same window agree. This file knows the analyses by name only.
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
#include "cmd/analysis.h"
#include "cmd/commands.h"
#include "core/evacct.h"
#include "session/recinput.h"

/* What each analysis runs, indexed by enum report_analysis (cli->sub). */
static const struct analysis_ops *const analysis_ops[] = {
	[AN_TOP] = &top_analysis,	  [AN_CPUS] = &cpus_analysis,
	[AN_RUNQLAT] = &runqlat_analysis, [AN_RUNQSLOWER] = &runqslower_analysis,
	[AN_INFO] = &info_analysis,
};

struct offline {
	const struct cli *cli; /* the analysis's options */
	const struct analysis_ops *an;
	void *state; /* the analysis's own */
	struct recinput *in;
	struct evacct *ea; /* the rebuilt figures; NULL if the analysis takes none */
	uint32_t wakeup_kind;
	bool baselined;
	uint64_t last_ns; /* the open interval's start */
	uint64_t step_ns; /* 0: one report at the end */
	uint64_t reports;
	bool done; /* the count of reports was reached */
	int ret;
	uint64_t scan_ns; /* the opening scan's time; 0: none yet */
};

/* A wait, or an unsplit span of them, of a thread the options want. */
static void on_wait(void *ctx, const struct evwait *w)
{
	struct offline *o = ctx;

	if (recinput__wanted(o->in, o->cli, w->pid, w->tid))
		o->an->on_wait(o->state, w);
}

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
	m->loss.untracked_threads = o->ea ? evacct__untracked(o->ea) : 0;
	m->loss.events_lost = o->in->lost;
}

/* The interval [last_ns, end_ns): sample, render. at_end: the file's end. */
static void report_until(struct offline *o, uint64_t end_ns, bool at_end)
{
	struct report_meta m;
	int ret;

	if (o->done || end_ns < o->last_ns)
		return;
	fill_meta(o, &m, end_ns);
	m.final = at_end || (o->cli->count && o->reports + 1 >= o->cli->count);
	if (o->an->sample)
		o->an->sample(o->state, o->ea, end_ns);
	ret = o->an->report(o->state, &m);
	if (ret)
		o->ret = ret;
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
	if (o->ea)
		evacct__open_window(o->ea, ts_ns);
	if (o->an->sample)
		o->an->sample(o->state, o->ea, ts_ns);
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
		if (o->an->on_snap)
			o->an->on_snap(o->state, it->phase, &it->snap);
		if (o->ea)
			evacct__snap(o->ea, it->phase, &it->snap);
		break;
	case REC_EVENT:
		while (o->step_ns && !o->done && it->ev.ts_ns >= o->last_ns + o->step_ns)
			report_until(o, o->last_ns + o->step_ns, false);
		if (o->an->on_event)
			o->an->on_event(o->state, &it->ev);
		if (o->ea)
			evacct__event(o->ea, &it->ev, o->wakeup_kind);
		break;
	default:
		break;
	}
	return 0;
}

/* The rebuilt figures if the analysis takes any, then the analysis. */
static int setup(struct offline *o)
{
	struct analysis_input in = { .nr_cpus = o->in->h.nr_cpus, .rec = o->in };
	int ret = 1;

	if (o->an->sample || o->an->on_wait) {
		o->ea = evacct__new(in.nr_cpus, o->cli->max_tasks, o->in->h.start_ns);
		if (!o->ea) {
			cli__err("out of memory");
			return 1;
		}
		if (o->an->on_wait)
			evacct__on_wait(o->ea, on_wait, o);
	}
	o->state = o->an->new (o->cli, &in, &ret);
	if (!o->state)
		return ret;
	if (o->an->start)
		o->an->start(o->state);
	return 0;
}

static void teardown(struct offline *o)
{
	if (o->state)
		o->an->free(o->state);
	evacct__free(o->ea);
	recinput__close(o->in);
}

int report__run(const struct cli *cli)
{
	struct offline o = { 0 };
	int ret;

	if (!cli->input || cli->sub < 0) {
		cli__err(!cli->input ? "report needs -i FILE" : "report needs an analysis");
		fprintf(stderr, "Usage: schedscope report -i FILE top|cpus|runqlat|runqslower|info "
				"[options]\n");
		return EXIT_USAGE;
	}
	o.cli = cli;
	o.an = analysis_ops[cli->sub];
	o.in = recinput__open(cli->input);
	if (!o.in)
		return 1;
	o.in->no_names = !o.an->names;
	o.wakeup_kind = (o.in->h.event_mask & SEV_MASK(SEV_WAKING)) ? SEV_WAKING : SEV_WAKEUP;
	o.step_ns = cli->interval_s > 0 ? (uint64_t)(cli->interval_s * 1e9) : 0;
	ret = setup(&o);
	if (ret) {
		teardown(&o); /* said why: a bad option of the analysis, or no memory */
		return ret;
	}
	ret = recinput__each(o.in, on_item, &o);
	if (!o.baselined)
		baseline(&o);
	if (ret != 1 && !o.ret)
		report_until(&o, o.in->end_ns, true);
	recinput__print_lost(o.in);
	if (o.ret)
		ret = o.ret;
	teardown(&o);
	return ret;
}
