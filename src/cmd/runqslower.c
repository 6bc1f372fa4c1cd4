// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope runqslower: each run-queue wait at or above min_us, as bcc's
 * runqslower prints it. The threshold is applied in the kernel, so only the
 * slow waits cost a ring-buffer record. From a recording (report -i FILE
 * runqslower) the threshold is applied here, to every wait as it ends.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd/analysis.h"
#include "cmd/commands.h"
#include "session/latsession.h"
#include "session/live.h"
#include "out/event_out.h"

struct slower {
	const struct cli *cli;
	struct latsession *s;
	const struct recinput *rec; /* report -i FILE: names, the boot's wall clock */
	uint64_t events;
};

static int on_event(void *ctx, const struct lat_event *e)
{
	struct slower *r = ctx;

	if (e->type != LAT_EV_SLOW)
		return 0;
	r->events++;
	if (r->cli->json)
		slow_out__json(stdout, e, OUT_THIS_BOOT);
	else
		slow_out__line(stdout, e, r->cli->prev, OUT_THIS_BOOT);
	return 0;
}

/* A recorded wait as the kernel would have reported it. */
static void slow_event(const struct recinput *rec, const struct evwait *w, struct lat_event *e)
{
	char buf[TASKTAB_NAME_LEN];
	const struct task_ident *prev = tasktab__get(rec->names, w->prev_tid);

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
	memcpy(e->comm, tasktab__comm(rec->names, w->tid, w->cpu, buf), LAT_COMM_LEN);
	memcpy(e->other_comm, tasktab__comm(rec->names, w->prev_tid, w->cpu, buf), LAT_COMM_LEN);
}

static void runqslower__on_wait(void *ctx, const struct evwait *w)
{
	struct slower *r = ctx;
	struct lat_event e;

	if (w->wait_ns < r->cli->min_us * 1000)
		return;
	slow_event(r->rec, w, &e);
	r->events++;
	if (r->cli->json)
		slow_out__json(stdout, &e, r->rec->h.boot_wall_ns);
	else
		slow_out__line(stdout, &e, r->cli->prev, r->rec->h.boot_wall_ns);
}

static void runqslower__start(void *ctx)
{
	const struct slower *r = ctx;

	if (!r->cli->json) {
		printf("Run queue latency higher than %" PRIu64 " us in %s\n", r->cli->min_us,
		       r->rec->path);
		slow_out__header(stdout, r->cli->prev);
	}
}

/* Each wait was printed as it ended: a window adds nothing. */
static int runqslower__report(void *ctx, const struct report_meta *m)
{
	(void)ctx;
	(void)m;
	return 0;
}

/* For a recording only: live, runqslower__run() streams the kernel's events. */
static void *runqslower__new(const struct cli *cli, const struct analysis_input *in, int *exit_code)
{
	struct slower *r;

	*exit_code = 1;
	if (!in->rec) {
		cli__err("this runqslower reads a recording: report -i FILE runqslower");
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		cli__err("out of memory");
		return NULL;
	}
	r->cli = cli;
	r->rec = in->rec;
	return r;
}

static void runqslower__free(void *ctx)
{
	free(ctx);
}

const struct analysis_ops runqslower_analysis = {
	.names = true,
	.new = runqslower__new,
	.free = runqslower__free,
	.start = runqslower__start,
	.on_wait = runqslower__on_wait,
	.report = runqslower__report,
};

int runqslower__run(const struct cli *cli)
{
	struct slower r = { .cli = cli };
	struct lat_opts o = {
		.slow_events = true,
		.min_lat_ns = cli->min_us * 1000,
		.cli = cli,
		.on_event = on_event,
		.ctx = &r,
	};
	struct lat_stat st;
	int ret;

	if (live__check_args(cli))
		return EXIT_USAGE;
	r.s = latsession__open(&o);
	if (!r.s)
		return 1;
	/* bcc prints the banner and header on stdout; JSON keeps stdout for objects. */
	if (cli->json) {
		fprintf(stderr,
			"Tracing run queue latency higher than %" PRIu64
			" us... Hit Ctrl-C to end.\n",
			cli->min_us);
	} else {
		printf("Tracing run queue latency higher than %" PRIu64 " us\n", cli->min_us);
		slow_out__header(stdout, cli->prev);
	}
	fflush(stdout);
	ret = live__stream(cli, 0, latsession__waiter, r.s, NULL, NULL);
	latsession__stats(r.s, &st);
	fprintf(stderr, "%llu waits measured, %" PRIu64 " at or above %" PRIu64 " us\n",
		(unsigned long long)st.waits, r.events, cli->min_us);
	out__lat_losses(stderr, &st);
	latsession__close(r.s);
	return ret;
}
