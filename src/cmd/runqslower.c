// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope runqslower: each run-queue wait at or above min_us, as bcc's
 * runqslower prints it. The threshold is applied in the kernel, so only the
 * slow waits cost a ring-buffer record.
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "cmd/commands.h"
#include "session/latsession.h"
#include "session/live.h"
#include "out/event_out.h"

struct slower {
	const struct cli *cli;
	struct latsession *s;
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
		fprintf(stderr, "Tracing run queue latency higher than %" PRIu64
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
