// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope starve: threads runnable for longer than the threshold without
 * running, reported while it lasts (from a task iterator run on a timer) and
 * once more when the wait ends (from the sched_switch hook, the whole wait).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd/commands.h"
#include "session/latsession.h"
#include "session/live.h"
#include "out/event_out.h"
#include "session/stop.h"

#define STARVE_DEFAULT_MS 100.0
#define REPEAT_NS 1000000000ull /* a starving thread is reported again each second */
#define MAX_TRACKED 4096

/* One thread seen starving: when it was last reported, and in which scan. */
struct starving {
	uint32_t tid;
	uint64_t start_ns;
	uint64_t last_report_ns;
	uint64_t seen_scan;
};

struct starve {
	const struct cli *cli;
	struct latsession *s;
	uint64_t threshold_ns;
	bool inversion; /* this is `inversion`: the same machinery, other findings */
	struct starving *tracked;
	size_t nr_tracked;
	uint64_t scan;
	uint64_t now_ns;
	uint64_t untracked; /* starving threads beyond MAX_TRACKED: reported every scan */
};

static struct starving *find(struct starve *t, uint32_t tid)
{
	for (size_t i = 0; i < t->nr_tracked; i++)
		if (t->tracked[i].tid == tid)
			return &t->tracked[i];
	return NULL;
}

static void forget(struct starve *t, struct starving *w)
{
	*w = t->tracked[--t->nr_tracked];
}

static int on_waiting(void *ctx, const struct lat_waiting *r)
{
	struct starve *t = ctx;
	struct starving *w = find(t, r->tid);

	if (w && w->start_ns != r->start_ns) {
		forget(t, w);
		w = NULL;
	}
	if (w) {
		w->seen_scan = t->scan;
		if (t->now_ns - w->last_report_ns < REPEAT_NS)
			return 0;
		w->last_report_ns = t->now_ns;
	} else if (t->nr_tracked < MAX_TRACKED) {
		w = &t->tracked[t->nr_tracked++];
		*w = (struct starving){ r->tid, r->start_ns, t->now_ns, t->scan };
	} else {
		t->untracked++;
	}
	starve_out__waiting(stdout, r, t->now_ns, t->inversion, t->cli->json, OUT_THIS_BOOT);
	return 0;
}

static int on_event(void *ctx, const struct lat_event *e)
{
	struct starve *t = ctx;
	struct starving *w;

	switch (e->type) {
	case LAT_EV_SLOW:
		w = find(t, e->tid);
		if (w)
			forget(t, w);
		/* inversion ends only what it reported; starve every long wait. */
		if (!t->inversion || w)
			starve_out__ended(stdout, e, t->inversion, t->cli->json, OUT_THIS_BOOT);
		break;
	case LAT_EV_WAKE_INV:
		inv_out__woken(stdout, e, t->cli->json, OUT_THIS_BOOT);
		break;
	case LAT_EV_PI:
		inv_out__pi(stdout, e, t->cli->json, OUT_THIS_BOOT);
		break;
	default:
		break;
	}
	return 0;
}

static int scan_now(void *ctx, uint64_t now_ns)
{
	struct starve *t = ctx;

	t->scan++;
	t->now_ns = now_ns;
	if (latsession__scan(t->s, t->threshold_ns, t->inversion, on_waiting, t))
		return 1;
	/* Not waiting any more: its "ended" record is on its way or was printed. */
	for (size_t i = 0; i < t->nr_tracked;)
		if (t->tracked[i].seen_scan + 2 < t->scan)
			forget(t, &t->tracked[i]);
		else
			i++;
	return 0;
}

/* A scan a few times per threshold, so a report comes soon after it is crossed. */
static uint64_t scan_period(uint64_t threshold_ns)
{
	uint64_t p = threshold_ns / 4;

	if (p < 10000000ull)
		p = 10000000ull;
	if (p > 250000000ull)
		p = 250000000ull;
	return p;
}

static int run(const struct cli *cli, bool inversion)
{
	struct starve t = { .cli = cli, .inversion = inversion };
	struct lat_opts o = {
		.slow_events = true,
		.inversion = inversion,
		.cli = cli,
		.on_event = on_event,
		.ctx = &t,
	};
	struct lat_stat st;
	int ret;

	if (live__check_args(cli))
		return EXIT_USAGE;
	t.threshold_ns =
		(uint64_t)((cli->threshold_ms > 0 ? cli->threshold_ms : STARVE_DEFAULT_MS) * 1e6);
	o.min_lat_ns = t.threshold_ns;
	t.tracked = calloc(MAX_TRACKED, sizeof(*t.tracked));
	if (!t.tracked) {
		cli__err("out of memory");
		return 1;
	}
	t.s = latsession__open(&o);
	if (!t.s) {
		free(t.tracked);
		return 1;
	}
	fprintf(stderr, "Tracing %s of %.1f ms or more... Hit Ctrl-C to end.\n",
		inversion ? "priority inversions" : "run-queue waits",
		(double)t.threshold_ns / 1e6);
	if (!cli->json)
		starve_out__header(stdout, inversion);
	fflush(stdout);
	ret = live__stream(cli, scan_period(t.threshold_ns), latsession__waiter, t.s, scan_now, &t);
	latsession__stats(t.s, &st);
	fprintf(stderr, "%llu waits measured\n", (unsigned long long)st.waits);
	if (t.untracked)
		fprintf(stderr,
			"%" PRIu64 " reports of threads beyond the %d tracked at once "
			"(repeated every scan)\n",
			t.untracked, MAX_TRACKED);
	out__lat_losses(stderr, &st);
	latsession__close(t.s);
	free(t.tracked);
	return ret;
}

int starve__run(const struct cli *cli)
{
	return run(cli, false);
}

int inversion__run(const struct cli *cli)
{
	return run(cli, true);
}
