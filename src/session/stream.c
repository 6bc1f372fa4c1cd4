// SPDX-License-Identifier: GPL-2.0
#include "session/stream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpf/abi.h"
#include "bpf/abi_check.h"
#include "session/bpfenv.h"
#include "session/bpfload.h"
#include "session/counts_read.h"
#include "session/live.h"
#include "session/stop.h"

#define DEFAULT_RING_KB (16u << 10)
/* The longest a record waits in the ring unseen: the reader is woken per batch. */
#define BEAT_NS 100000000ull

int stream__open(struct stream *s, const struct bpfsess_skel *hooks, const struct cli *cli,
		 bool tracefs)
{
	int err;

	memset(s, 0, sizeof(*s));
	err = bpfsess__open(&s->b, hooks, cli->verbose);
	if (!err && tracefs)
		err = bpfload__need_tracefs(cli->verbose);
	return err;
}

void stream__configure(struct stream *s, struct bpf_map *events, struct bpf_map *stat,
		       struct ss_task_filter *filter, volatile __s64 *uid, volatile __u64 *wakeup,
		       const struct cli *cli, bool counting)
{
	size_t kb = cli->ring_kb ? cli->ring_kb : DEFAULT_RING_KB;

	s->events = events;
	s->stat = stat;
	bpfenv__set_task_filter(filter, cli);
	*uid = cli->uid;
	bpfsess__size_stream(events, wakeup, counting ? 0 : kb << 10);
}

uint64_t stream__drops(struct stream *s)
{
	return bpfsess__drops(&s->b, s->stat, NULL);
}

struct reader {
	struct stream *s;
	struct stream_cmd *c;
	void *rec;   /* c->rec_size bytes */
	int err;     /* the first write error */
	bool failed; /* the ring could not be read */
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct reader *r = ctx;
	struct stream_cmd *c = r->c;

	if (size > c->rec_size)
		size = c->rec_size;
	memcpy(r->rec, data, size);
	memset((char *)r->rec + size, 0, c->rec_size - size);
	if (c->wanted && !c->wanted(c->out.ctx, r->rec))
		return 0;
	r->s->shown++;
	r->err = stream_out__event(&c->out, r->rec);
	/* Non-zero ends the poll: the reader went away. */
	return r->err;
}

static bool reader_wait(void *ctx, uint64_t deadline_ns)
{
	struct reader *r = ctx;
	int err = bpfsess__poll(&r->s->b, deadline_ns);

	if (err && err != r->err) {
		cli__err("cannot read the ring buffer: %s", strerror(-err));
		r->failed = true;
	}
	return err || stop__requested();
}

static int no_tick(void *ctx, uint64_t now_ns)
{
	(void)ctx;
	(void)now_ns;
	return 0;
}

/* Realtime minus monotonic now: what turns a bpf_ktime_get_ns() into a wall time. */
static int64_t wall_offset(void)
{
	struct timespec wall;

	clock_gettime(CLOCK_REALTIME, &wall);
	return (int64_t)wall.tv_sec * 1000000000 + wall.tv_nsec - (int64_t)stop__now_ns();
}

static int start(struct stream *s, struct reader *r)
{
	int err = bpfsess__load(&s->b, false);

	if (!err)
		err = bpfsess__attach(&s->b);
	if (!err)
		err = bpfsess__open_ring(&s->b, s->events, "event", on_record, r, BEAT_NS);
	return err;
}

int stream__run(struct stream *s, const struct cli *cli, struct stream_cmd *c)
{
	struct reader r = { .s = s, .c = c, .rec = calloc(1, c->rec_size) };
	int ret = 1;

	if (!r.rec) {
		cli__err("out of memory");
		return 1;
	}
	/* Before the attach: no record is older than the origin. */
	c->out.origin_ns = stop__now_ns();
	c->out.wall_minus_mono_ns = wall_offset();
	c->out.f = stdout;
	c->out.json = cli->json;
	if (start(s, &r))
		goto out;
	fprintf(stderr, "Tracing %s... Hit Ctrl-C to end.\n", c->what);
	stream_out__header(&c->out);
	ret = live__stream(cli, 0, reader_wait, &r, no_tick, NULL);
	if (r.failed)
		ret = 1;
	bpfsess__detach(&s->b);
	/* What came in before the detach is shown, unless the reader is gone. */
	if (!r.err)
		bpfsess__consume(&s->b);
	if (!r.err && stream_out__summary(&c->out, stderr, s->shown, stream__drops(s)))
		ret = ret ? ret : 1;
	fflush(stdout);
out:
	free(r.rec);
	return ret;
}

void stream__close(struct stream *s)
{
	bpfsess__close(&s->b);
	counts_read__free(s->counts);
	s->counts = NULL;
}

int stream__count(struct stream *s, const struct cli *cli, const char *what,
		  struct count_rows *rows, size_t key_size, size_t nr_values,
		  int (*render)(void *ctx, const struct report_meta *m), void *ctx)
{
	struct live_counts lc = {
		.b = &s->b,
		.counts = s->counts,
		.rows = rows,
		.render = render,
		.ctx = ctx,
	};
	/* execsnoop's -T and exitsnoop's -t ask for the time as opensnoop's -T does. */
	struct cli stamped = *cli;

	int ret;

	stamped.timestamp = cli->timestamp || cli->clock;
	count_rows__init(rows, key_size, nr_values);
	ret = live__counts(&stamped, what, &lc);
	count_rows__free(rows);
	return ret;
}

int stream__main(const struct cli *cli, struct stream_tool *t)
{
	struct stream s;
	int ret;

	if (cli->interval_s > 0 && !t->counting) {
		cli__err("interval [count] is for --count: the stream prints each event as it "
			 "comes");
		return EXIT_USAGE;
	}
	ret = live__check_args(cli);
	if (ret)
		return ret;
	if (t->open(&s, cli))
		ret = 1;
	else if (t->counting)
		ret = t->count(&s, cli);
	else
		ret = stream__run(&s, cli, &t->cmd);
	stream__close(&s);
	return ret;
}
