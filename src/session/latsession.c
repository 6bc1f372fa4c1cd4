// SPDX-License-Identifier: GPL-2.0
#include "session/latsession.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/abi_check.h"
#include "session/bpfenv.h"
#include "session/bpfsess.h"
#include "session/latdecode.h"
#include "lat.skel.h"
#include "session/stop.h"

/* Every record wakes the reader; the beat only bounds one wait. */
#define LAT_BEAT_NS 1000000000ull
#define LAT_RING_BYTES (1u << 20)

BPFSESS_SKEL(lat_hooks, lat_bpf);

struct latsession {
	struct bpfsess b;
	struct lat_bpf *skel; /* b's */
	uint32_t epoch;
	int (*on_event)(void *ctx, const struct lat_event *e);
	void *ctx;
	struct ss_lat_hist *thread_val;
	struct ss_cg_hist *cg_val; /* nr_cpus */
	struct ss_lat_stat *stat;  /* nr_cpus */
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct latsession *s = ctx;
	struct lat_event e;

	if (size < sizeof(struct ss_lat_event) || !latdecode__event(&e, data))
		return 0;
	return s->on_event(s->ctx, &e);
}

static int ignore_rec(void *ctx, const void *rec)
{
	(void)ctx;
	(void)rec;
	return 0;
}

/* A pass of the task iterator that writes nothing, with *mode set for it. */
static int silent_pass(struct latsession *s, __u32 *mode)
{
	int err;

	*mode = 1;
	/* Any record size will do. */
	err = bpfsess__iter_read(&s->b, s->skel->progs.scan_tasks, 1, ignore_rec, NULL);
	*mode = 0;
	return err;
}

static int seed(struct latsession *s)
{
	return silent_pass(s, &s->skel->bss->iter_seed);
}

static void configure(struct lat_bpf *skel, const struct lat_opts *o)
{
	const struct cli *cli = o->cli;

	skel->rodata->hist_mode = o->hist;
	skel->rodata->unit_div = o->unit_ns ? o->unit_ns : 1000;
	skel->rodata->slow_events = o->slow_events;
	/* A page if nobody reads the records. */
	bpfsess__size_ring(skel->maps.events, o->on_event ? LAT_RING_BYTES : 0);
	skel->rodata->min_lat_ns = o->min_lat_ns;
	skel->rodata->from_waking = cli->from_waking;
	skel->rodata->inversion = o->inversion;
	bpfenv__set_task_filter(&skel->rodata->task_filter, cli);
	if (o->hist == LAT_HIST_THREAD) {
		bpf_map__set_max_entries(skel->maps.hist_thread, (uint32_t)cli->max_tasks);
		bpf_map__set_max_entries(skel->maps.hist_retired, (uint32_t)cli->max_tasks);
	}
	if (o->hist == LAT_HIST_CGROUP) {
		bpf_map__set_max_entries(skel->maps.hist_cgroup, o->max_cgroups);
		bpf_map__set_max_entries(skel->maps.cg_index, o->max_cgroups);
		bpf_map__set_max_entries(skel->maps.cg_free, o->max_cgroups);
	}
	bpf_program__set_autoload(skel->progs.lat_waking, cli->from_waking || o->inversion);
	bpf_program__set_autoload(skel->progs.lat_pi, o->inversion);
	skel->rodata->trace_start_ns = stop__now_ns();
}

/* Every index of hist_cgroup, free to be handed to a cgroup. */
static int fill_cg_free(struct latsession *s, uint32_t n)
{
	int fd = bpf_map__fd(s->skel->maps.cg_free), err;

	for (uint32_t i = 0; i < n; i++) {
		if (bpf_map_update_elem(fd, NULL, &i, 0)) {
			err = -errno;
			cli__err("cannot fill the free list of per-cgroup histograms: %s",
				 strerror(-err));
			return err;
		}
	}
	return 0;
}

struct latsession *latsession__open(const struct lat_opts *o)
{
	struct latsession *s = calloc(1, sizeof(*s));

	if (!s) {
		cli__err("out of memory");
		return NULL;
	}
	if (bpfsess__open(&s->b, &lat_hooks, o->cli->verbose))
		goto fail;
	s->skel = s->b.skel;
	s->epoch = 1;
	s->on_event = o->on_event;
	s->ctx = o->ctx;
	s->thread_val = calloc(1, sizeof(*s->thread_val));
	s->stat = calloc(s->b.nr_cpus, sizeof(*s->stat));
	s->cg_val = calloc(s->b.nr_cpus, sizeof(*s->cg_val));
	if (!s->thread_val || !s->stat || !s->cg_val) {
		cli__err("out of memory");
		goto fail;
	}
	configure(s->skel, o);
	if (bpfsess__load(&s->b, false) ||
	    (o->hist == LAT_HIST_CGROUP && fill_cg_free(s, o->max_cgroups)) ||
	    bpfsess__attach(&s->b))
		goto fail;
	if (o->on_event &&
	    bpfsess__open_ring(&s->b, s->skel->maps.events, "event", on_record, s, LAT_BEAT_NS))
		goto fail;
	/* After attaching, so that no arrival falls between the seed and the hook. */
	if (seed(s))
		goto fail;
	s->skel->bss->epoch = s->epoch;
	return s;
fail:
	latsession__close(s);
	return NULL;
}

void latsession__close(struct latsession *s)
{
	if (!s)
		return;
	bpfsess__close(&s->b);
	free(s->thread_val);
	free(s->stat);
	free(s->cg_val);
	free(s);
}

uint32_t latsession__nr_cpus(const struct latsession *s)
{
	return s->b.nr_cpus;
}

bool latsession__wait(struct latsession *s, uint64_t deadline_ns)
{
	bpfsess__poll(&s->b, deadline_ns);
	bpfsess__consume(&s->b);
	return stop__requested();
}

void latsession__close_interval(struct latsession *s)
{
	s->epoch++;
	s->skel->bss->epoch = s->epoch;
}

/* The interval latsession__close_interval() closed last: the one a read's maxima are of. */
static uint32_t closed_epoch(const struct latsession *s)
{
	return s->epoch - 1;
}

int latsession__read_cpus(struct latsession *s, struct lat_hist *out)
{
	struct ss_lat_hist *raw = calloc(s->b.nr_cpus, sizeof(*raw));
	uint32_t zero = 0;
	int err = 0;

	if (!raw) {
		cli__err("out of memory");
		return -ENOMEM;
	}
	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.hist_cpu), &zero, raw)) {
		err = -errno;
		cli__err("cannot read the histograms: %s", strerror(-err));
	} else {
		for (uint32_t c = 0; c < s->b.nr_cpus; c++)
			latdecode__hist(&out[c], &raw[c], closed_epoch(s));
	}
	free(raw);
	return err;
}

/*
 * Each entry of a per-thread table to fn; with retired, each is deleted once
 * read, its successor in the walk known first so the walk does not start over.
 */
static int walk_threads(struct latsession *s, int fd, bool retired, void *key, void *next,
			void (*fn)(void *ctx, const struct lat_thread *t), void *ctx)
{
	size_t key_size = retired ? sizeof(struct ss_lat_tkey) : sizeof(uint32_t);
	struct lat_thread t;
	bool read = false;
	int walk_errno;

	/* A key that no entry has: the first. No TID is this large (PID_MAX_LIMIT is 2^22). */
	memset(key, 0xff, key_size);
	while (!bpf_map_get_next_key(fd, key, next)) {
		if (read && retired)
			bpf_map_delete_elem(fd, key);
		memcpy(key, next, key_size);
		read = !bpf_map_lookup_elem(fd, key, s->thread_val);
		if (!read)
			continue; /* removed meanwhile */
		latdecode__thread(&t, s->thread_val, closed_epoch(s));
		fn(ctx, &t);
	}
	walk_errno = errno;
	if (read && retired)
		bpf_map_delete_elem(fd, key);
	if (walk_errno != ENOENT) {
		cli__err("cannot walk the per-thread histograms: %s", strerror(walk_errno));
		return -walk_errno;
	}
	return 0;
}

int latsession__read_threads(struct latsession *s,
			     void (*fn)(void *ctx, const struct lat_thread *t), void *ctx)
{
	struct ss_lat_tkey key, next;
	int err;

	/* Names as at the end of the window, as top shows them. */
	err = silent_pass(s, &s->skel->bss->iter_names);
	if (err)
		return err;
	/* The retired first: a TID's earlier instance before its current one. */
	err = walk_threads(s, bpf_map__fd(s->skel->maps.hist_retired), true, &key, &next, fn, ctx);
	if (!err)
		err = walk_threads(s, bpf_map__fd(s->skel->maps.hist_thread), false, &key, &next,
				   fn, ctx);
	return err;
}

int latsession__read_cgroups(struct latsession *s,
			     void (*fn)(void *ctx, uint64_t id, const struct cg_hist *h), void *ctx)
{
	int fd = bpf_map__fd(s->skel->maps.cg_index);
	int hfd = bpf_map__fd(s->skel->maps.hist_cgroup);
	/* Kernfs ids start at 1: a missing key yields the first. */
	uint64_t key = 0, next;
	uint32_t idx;
	int err;

	while (!bpf_map_get_next_key(fd, &key, &next)) {
		struct cg_hist h;

		key = next;
		if (bpf_map_lookup_elem(fd, &key, &idx) ||
		    bpf_map_lookup_elem(hfd, &idx, s->cg_val))
			continue; /* removed meanwhile */
		memset(&h, 0, sizeof(h));
		for (uint32_t c = 0; c < s->b.nr_cpus; c++) {
			h.count += s->cg_val[c].count;
			h.sum_ns += s->cg_val[c].sum_ns;
			for (int i = 0; i < SS_CG_SLOTS; i++)
				h.slot[i] += s->cg_val[c].slot[i];
		}
		fn(ctx, key, &h);
	}
	if (errno != ENOENT) {
		err = -errno;
		cli__err("cannot walk the per-cgroup histograms: %s", strerror(-err));
		return err;
	}
	return 0;
}

/*
 * Only for a cgroup that is gone: no task can add to its histogram while it
 * is zeroed and its index handed back.
 */
void latsession__forget_cgroup(struct latsession *s, uint64_t id)
{
	int fd = bpf_map__fd(s->skel->maps.cg_index);
	uint32_t idx;

	if (bpf_map_lookup_elem(fd, &id, &idx) || bpf_map_delete_elem(fd, &id))
		return;
	memset(s->cg_val, 0, s->b.nr_cpus * sizeof(*s->cg_val));
	if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.hist_cgroup), &idx, s->cg_val, 0) ||
	    bpf_map_update_elem(bpf_map__fd(s->skel->maps.cg_free), NULL, &idx, 0))
		cli__err("cannot free the histogram of cgroup %llu: %s (its room stays taken)",
			 (unsigned long long)id, strerror(errno));
}

void latsession__prog_costs(const struct latsession *s,
			    void (*fn)(void *ctx, const char *prog, uint64_t run_ns, uint64_t runs),
			    void *ctx)
{
	bpfsess__prog_costs(&s->b, fn, ctx);
}

struct scan_to {
	int (*fn)(void *ctx, const struct lat_waiting *w);
	void *ctx;
};

static int on_waiting_rec(void *ctx, const void *rec)
{
	const struct scan_to *to = ctx;
	struct lat_waiting w;

	latdecode__waiting(&w, rec);
	return to->fn(to->ctx, &w);
}

int latsession__scan(struct latsession *s, uint64_t min_ns, bool inverted,
		     int (*fn)(void *ctx, const struct lat_waiting *w), void *ctx)
{
	struct scan_to to = { fn, ctx };

	s->skel->bss->scan_min_ns = min_ns;
	s->skel->bss->scan_inversion = inverted;
	return bpfsess__iter_read(&s->b, s->skel->progs.scan_tasks, sizeof(struct ss_waiting_rec),
				  on_waiting_rec, &to);
}

void latsession__stats(struct latsession *s, struct lat_stat *sum)
{
	struct ss_lat_stat total = { 0 };
	uint32_t zero = 0;

	memset(sum, 0, sizeof(*sum));
	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.lat_stat), &zero, s->stat))
		return;
	/* Every field is a __u64 counter (abi_check.h): summed as one array. */
	for (uint32_t c = 0; c < s->b.nr_cpus; c++) {
		const __u64 *from = (const __u64 *)&s->stat[c];
		__u64 *to = (__u64 *)&total;

		for (size_t i = 0; i < sizeof(total) / sizeof(__u64); i++)
			to[i] += from[i];
	}
	latdecode__stat(sum, &total);
	sum->ring_drops = bpfsess__drops(&s->b, s->skel->maps.stream_stat, NULL);
}
