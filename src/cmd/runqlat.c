// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope runqlat: run-queue latency histograms, aggregated in the kernel
 * (src/bpf/lat.bpf.c) for the whole system, per CPU or per thread, read and
 * differenced once per report; nothing is done per event in user space.
 * From a recording (report -i FILE runqlat), the same histograms are filled
 * here, a wait at a time, and read and differenced the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd/analysis.h"
#include "cmd/commands.h"
#include "core/hashtab.h"
#include "core/lathist.h"
#include "core/report.h"
#include "core/reuse.h"
#include "core/tidmap.h"
#include "session/latsession.h"
#include "session/live.h"
#include "out/common_out.h"
#include "out/event_out.h"
#include "out/lat_out.h"
#include "session/stop.h"

/* Where the cumulative histograms come from: the kernel, or a recording. */
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

/* A recording's histograms, cumulative as the kernel keeps them. */
struct lat_file {
	const struct recinput *rec;
	uint64_t unit_ns;      /* of the log2 slots: -m */
	struct lat_hist *cpu;  /* nr_cpus */
	struct tidmap threads; /* of struct lat_thread, with -P or -L */
	/* Threads whose TID another took since the last read, as the kernel retires them. */
	struct lat_thread *retired;
	size_t nr_retired, cap_retired;
	struct lat_stat stat;
};

/* One histogram set of the report: the system, a CPU, a process or a thread. */
struct group {
	uint32_t id; /* CPU, PID or TID */
	uint32_t pid;
	uint64_t start_ns; /* with a PID or TID: which process or thread */
	bool reused;	   /* another group has this PID (TID) */
	char comm[LAT_COMM_LEN];
	struct lat_view v;
};

/* Where the group of (id, start_ns) is in runqlat.groups: an entry of a hashtab. */
struct group_slot {
	uint64_t start_ns;
	uint32_t id;
	uint32_t index1; /* the group's index + 1; 0: a free slot */
};
struct runqlat {
	const struct cli *cli;
	const struct lat_source *src;
	void *src_ctx;
	uint32_t nr_cpus;
	struct lat_hist *cpu_now, *cpu_before; /* nr_cpus each */
	struct latsnap *snap;
	struct group *groups;
	size_t nr_groups, cap_groups;
	struct hashtab group_index; /* of struct group_slot, for this report */
	int err;
	struct lat_file *file; /* report -i FILE: the source */
};

static const char *group_key(const struct cli *cli)
{
	return cli->per_cpu ? "cpu" : cli->per_pid ? "pid" : cli->per_tid ? "tid" : NULL;
}

static size_t group_hash(const void *e)
{
	const struct group_slot *g = e;

	return (size_t)((g->id * 0x9e3779b97f4a7c15ull) ^ g->start_ns);
}

static bool group_slot_free(const void *e)
{
	return !((const struct group_slot *)e)->index1;
}

static const struct hashtab_ops group_ops = { group_hash, group_slot_free };

static bool group_stop(const void *e, const void *key)
{
	const struct group_slot *g = e, *k = key;

	return !g->index1 || (g->id == k->id && g->start_ns == k->start_ns);
}

/* The report's group for CPU, process or thread (id, start_ns), made if new; NULL: no memory. */
static struct group *group_of(struct runqlat *r, uint32_t id, uint64_t start_ns)
{
	struct group_slot key = { .start_ns = start_ns, .id = id }, *slot;
	struct group *g;

	slot = hashtab__probe(&r->group_index, group_hash(&key), group_stop, &key);
	if (slot->index1)
		return &r->groups[slot->index1 - 1];
	if (r->nr_groups == r->cap_groups) {
		size_t cap = r->cap_groups ? r->cap_groups * 2 : 16;
		struct group *n = realloc(r->groups, cap * sizeof(*n));

		if (!n)
			return NULL;
		r->groups = n;
		r->cap_groups = cap;
	}
	slot = hashtab__claim(&r->group_index, group_hash(&key));
	if (!slot)
		return NULL;
	*slot = key;
	slot->index1 = (uint32_t)r->nr_groups + 1;
	g = &r->groups[r->nr_groups++];
	memset(g, 0, sizeof(*g));
	g->id = id;
	g->start_ns = start_ns;
	latview__init(&g->v);
	return g;
}

/* Starts a report's grouping afresh: 0 or -ENOMEM. */
static int groups_reset(struct runqlat *r)
{
	r->nr_groups = 0;
	hashtab__fini(&r->group_index);
	return hashtab__init(&r->group_index, sizeof(struct group_slot), 64, &group_ops);
}

static uint32_t group_id(size_t i, void *ctx)
{
	const struct runqlat *r = ctx;

	return r->groups[i].id;
}

static void mark_group(size_t i, void *ctx)
{
	struct runqlat *r = ctx;

	r->groups[i].reused = true;
}

static void on_thread(void *ctx, const struct lat_thread *t)
{
	struct runqlat *r = ctx;
	const struct lat_thread *before = latsnap__prev(r->snap, t->tid, t->start_ns);
	struct lat_view d;
	struct group *g;

	latview__init(&d);
	latview__add_delta(&d, &t->h, before ? &before->h : NULL);
	if (!latview__empty(&d)) {
		g = r->cli->per_pid ? group_of(r, t->pid, t->pstart_ns)
				    : group_of(r, t->tid, t->start_ns);
		if (!g) {
			r->err = -ENOMEM;
			return;
		}
		g->pid = t->pid;
		memcpy(g->comm, r->cli->per_pid ? t->pcomm : t->comm, LAT_COMM_LEN);
		latview__merge(&g->v, &d);
	}
	if (t->dead)
		latsnap__remove(r->snap, t->tid, t->start_ns);
	else if (latsnap__put(r->snap, t))
		r->err = -ENOMEM;
}

/* The longest total wait first; then by id and start, so that ties read the same each run. */
static int by_wait_desc(const void *a, const void *b)
{
	const struct group *ga = a, *gb = b;
	uint64_t x = latview__sum_ns(&ga->v, LAT_VIEW_ALL);
	uint64_t y = latview__sum_ns(&gb->v, LAT_VIEW_ALL);

	if (x != y)
		return x < y ? 1 : -1;
	if (ga->id != gb->id)
		return ga->id < gb->id ? -1 : 1;
	return ga->start_ns < gb->start_ns ? -1 : ga->start_ns > gb->start_ns;
}

/* The interval's histograms into r->groups (one, or one per CPU, process or thread). */
static int collect(struct runqlat *r)
{
	struct group *all;
	struct lat_hist *t;

	if (groups_reset(r))
		return -ENOMEM;
	r->src->close_interval(r->src_ctx);
	if (r->cli->per_pid || r->cli->per_tid) {
		r->err = 0;
		if (r->src->read_threads(r->src_ctx, on_thread, r))
			return -EIO;
		if (r->err)
			cli__err("out of memory: the report is incomplete");
		if (reuse__mark(r->nr_groups, group_id, mark_group, r))
			cli__err("out of memory: groups sharing a PID or TID are not marked");
		/* A sort moves the groups: the index is rebuilt at the next report. */
		qsort(r->groups, r->nr_groups, sizeof(*r->groups), by_wait_desc);
		return 0;
	}
	if (r->src->read_cpus(r->src_ctx, r->cpu_now))
		return -EIO;
	all = r->cli->per_cpu ? NULL : group_of(r, 0, 0);
	for (uint32_t c = 0; c < r->nr_cpus; c++) {
		struct group *g = all ? all : group_of(r, c, 0);

		if (!g)
			return -ENOMEM;
		latview__add_delta(&g->v, &r->cpu_now[c], &r->cpu_before[c]);
	}
	t = r->cpu_before;
	r->cpu_before = r->cpu_now;
	r->cpu_now = t;
	return 0;
}

static const char *unit_name(const struct cli *cli)
{
	return cli->ms ? "msecs" : "usecs";
}

/*
 * Example (runqlat 1 1, two threads spinning on one CPU and a pipe ping-pong
 * on the other):
 *
 * 12:00:01
 *      usecs               : count    distribution
 *          0 -> 1          : 98213    |****************************************|
 *          2 -> 3          : 1022     |                                        |
 *          4 -> 7          : 301      |                                        |
 *       ...
 *       2048 -> 4095       : 250      |                                        |
 *   wakeup->run  waits 99530  avg 1.1 us ...
 */
static void report_text(struct runqlat *r, const struct report_meta *m, const struct lat_stat *st)
{
	const char *key = group_key(r->cli);

	if (m->timestamp) {
		out__timestamp(stdout, m);
		fputc('\n', stdout);
	}
	for (size_t i = 0; i < r->nr_groups; i++) {
		const struct group *g = &r->groups[i];

		if (key && latview__empty(&g->v))
			continue;
		if (key && r->cli->per_cpu)
			printf("\ncpu = %u\n", g->id);
		else if (key)
			printf("\n%s = %u%s %.16s\n", key, g->id, g->reused ? "*" : "", g->comm);
		lat_out__view_log2(stdout, &g->v, LAT_VIEW_ALL, unit_name(r->cli));
		if (r->cli->split) {
			for (unsigned int k = 0; k < SS_LAT_KINDS; k++) {
				if (!latview__count(&g->v, k))
					continue;
				printf("\n  %s:\n", lat_out__kind_name(k));
				lat_out__view_log2(stdout, &g->v, k, unit_name(r->cli));
			}
		}
		lat_out__summary(stdout, &g->v, LAT_VIEW_ALL);
		for (unsigned int k = 0; k < SS_LAT_KINDS; k++)
			if (k != SS_LAT_PREMIG || latview__count(&g->v, k))
				lat_out__summary(stdout, &g->v, k);
		lat_out__unsplit(stdout, &g->v);
	}
	for (size_t i = 0; key && !r->cli->per_cpu && i < r->nr_groups; i++) {
		if (r->groups[i].reused) {
			printf("\n* %s used by more than one %s in the window: a histogram each\n",
			       r->cli->per_pid ? "PID" : "TID",
			       r->cli->per_pid ? "process" : "thread");
			break;
		}
	}
	out__lat_losses(stdout, st);
	fputc('\n', stdout);
}

static void report_json(struct runqlat *r, const struct report_meta *m, const struct lat_stat *st)
{
	const char *key = group_key(r->cli);
	const char *from = r->cli->from_waking ? "waking" : "wakeup";
	struct json j;

	json__init(&j, stdout);
	json__begin_object(&j, NULL);
	json__string(&j, "type", "runqlat", 7);
	json__u64(&j, "duration_ns", m->duration_ns);
	json__u64(&j, "nr_cpus", m->nr_cpus);
	out__json_time(&j, m);
	json__string(&j, "from", from, strlen(from));
	json__string(&j, "unit", r->cli->ms ? "ms" : "us", 2);
	if (key)
		json__string(&j, "by", key, strlen(key));
	json__begin_array(&j, "histograms");
	for (size_t i = 0; i < r->nr_groups; i++) {
		const struct group *g = &r->groups[i];

		if (key && latview__empty(&g->v))
			continue;
		json__begin_object(&j, NULL);
		if (key && r->cli->per_cpu) {
			json__u64(&j, "cpu", g->id);
		} else if (key) {
			json__u64(&j, key, g->id);
			if (r->cli->per_tid)
				json__u64(&j, "pid", g->pid);
			json__string(&j, "comm", g->comm, LAT_COMM_LEN);
			json__bool(&j, "reused", g->reused);
		}
		lat_out__json(&j, &g->v, r->cli->ms ? "ms" : "us");
		json__end_object(&j);
	}
	json__end_array(&j);
	out__lat_losses_json(&j, st);
	json__end_object(&j);
}

static int runqlat__report(void *ctx, const struct report_meta *m)
{
	struct runqlat *r = ctx;
	struct lat_stat st;

	if (collect(r))
		return 1;
	r->src->stats(r->src_ctx, &st);
	if (r->cli->json)
		report_json(r, m, &st);
	else
		report_text(r, m, &st);
	return 0;
}

/* live__reports' report: the window just closed, ended now. */
static int live_report(void *ctx, uint64_t window_ns, bool final)
{
	struct runqlat *r = ctx;
	struct report_meta m;

	memset(&m, 0, sizeof(m));
	m.duration_ns = window_ns;
	clock_gettime(CLOCK_REALTIME, &m.wall);
	m.final = final;
	m.timestamp = r->cli->timestamp;
	m.nr_cpus = r->nr_cpus;
	return runqlat__report(r, &m);
}

/* Keeps t for the next read, gone: its TID now names another thread. 0 or -ENOMEM. */
static int file_retire(struct lat_file *f, const struct lat_thread *t)
{
	if (f->nr_retired == f->cap_retired) {
		size_t cap = f->cap_retired ? f->cap_retired * 2 : 16;
		struct lat_thread *n = realloc(f->retired, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		f->retired = n;
		f->cap_retired = cap;
	}
	f->retired[f->nr_retired] = *t;
	f->retired[f->nr_retired++].dead = true;
	return 0;
}

/* t's names as the recording has them now: its own, and its process's main thread's. */
static void file_name(const struct lat_file *f, struct lat_thread *t)
{
	const struct task_ident *me = tasktab__get(f->rec->names, t->tid);
	const struct task_ident *leader = tasktab__get(f->rec->names, t->pid);

	if (me)
		memcpy(t->comm, me->comm, LAT_COMM_LEN);
	if (leader)
		memcpy(t->pcomm, leader->comm, LAT_COMM_LEN);
}

/*
 * The thread's histograms, made at its first wait, and made anew (the
 * earlier thread's retired) when its TID names another thread whose
 * predecessor's exit was not recorded.
 */
static struct lat_hist *file_thread(struct lat_file *f, const struct evwait *w)
{
	int made;
	struct lat_thread *t = tidmap__add(&f->threads, w->tid, &made);

	if (!t)
		return NULL;
	if (!made && t->start_ns == w->start_ns)
		return &t->h;
	if (!made) {
		if (file_retire(f, t))
			return NULL;
		memset(t, 0, sizeof(*t));
		t->tid = w->tid;
	}
	t->pid = w->pid;
	t->start_ns = w->start_ns;
	t->pstart_ns = w->pstart_ns;
	file_name(f, t);
	return &t->h;
}

/* A thread's exit: its histograms retire under its last names, as lat.bpf.c's do. */
static void runqlat__on_event(void *ctx, const struct sev *e)
{
	struct lat_file *f = ((struct runqlat *)ctx)->file;
	struct lat_thread *t;

	if (e->type != SEV_EXIT || !tidmap__capacity(&f->threads))
		return;
	t = tidmap__get(&f->threads, e->tid);
	if (!t)
		return;
	file_name(f, t);
	if (!file_retire(f, t))
		tidmap__del(&f->threads, e->tid);
}

/* A wait, or an unsplit span of them (switch-ins not recorded), as lat.bpf.c adds it. */
static void runqlat__on_wait(void *ctx, const struct evwait *w)
{
	struct lat_file *f = ((struct runqlat *)ctx)->file;
	unsigned int kind = w->preempted ? SS_LAT_PREEMPT : SS_LAT_WAKEUP;
	bool unsplit = w->waits > 1;
	struct lat_hist *h[2];

	if (unsplit)
		f->stat.missed++;
	else
		f->stat.waits++;
	/* The reader refuses a CPU beyond the header's count. */
	h[0] = &f->cpu[w->cpu];
	h[1] = NULL;
	if (tidmap__capacity(&f->threads)) {
		h[1] = file_thread(f, w);
		if (!h[1])
			f->stat.table_full++;
	}
	for (size_t i = 0; i < 2 && h[i]; i++) {
		if (unsplit)
			lathist__add_unsplit(h[i], w->waits, w->wait_ns);
		else
			lathist__add_wait(h[i], kind, w->wait_ns, f->unit_ns);
	}
}

/* The recording's histograms, read once per interval: a read restarts the maxima. */
static void file_close(void *ctx)
{
	(void)ctx;
}

static int file_cpus(void *ctx, struct lat_hist *out)
{
	struct lat_file *f = ctx;

	for (uint32_t c = 0; c < f->rec->h.nr_cpus; c++) {
		out[c] = f->cpu[c];
		lathist__restart_max(&f->cpu[c]);
	}
	return 0;
}

static int file_threads(void *ctx, void (*fn)(void *, const struct lat_thread *), void *fn_ctx)
{
	struct lat_file *f = ctx;

	if (!tidmap__capacity(&f->threads)) /* no -P, no -L */
		return 0;
	for (size_t i = 0; i < f->nr_retired; i++)
		fn(fn_ctx, &f->retired[i]);
	f->nr_retired = 0;
	for (size_t i = 0; i < tidmap__capacity(&f->threads); i++) {
		struct lat_thread *t = tidmap__slot(&f->threads, i);

		if (!t->tid)
			continue;
		/* Names as at the end of the window, as top shows them. */
		file_name(f, t);
		fn(fn_ctx, t);
		lathist__restart_max(&t->h);
	}
	return 0;
}

static void file_stats(void *ctx, struct lat_stat *sum)
{
	const struct lat_file *f = ctx;

	*sum = f->stat;
	sum->ring_drops = f->rec->lost;
}

static const struct lat_source file_source = { file_close, file_cpus, file_threads, file_stats };

static void file_free(struct lat_file *f)
{
	if (!f)
		return;
	free(f->cpu);
	free(f->retired);
	tidmap__fini(&f->threads);
	free(f);
}

/* The per-thread histograms (4 KiB each) only for -P or -L. NULL: out of memory. */
static struct lat_file *file_new(const struct cli *cli, const struct recinput *rec)
{
	struct lat_file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->rec = rec;
	f->unit_ns = cli->ms ? 1000000 : 1000;
	f->cpu = calloc(rec->h.nr_cpus, sizeof(*f->cpu));
	if (!f->cpu || ((cli->per_pid || cli->per_tid) &&
			tidmap__init(&f->threads, sizeof(struct lat_thread), cli->max_tasks))) {
		file_free(f);
		return NULL;
	}
	return f;
}

static void runqlat__free(void *ctx)
{
	struct runqlat *r = ctx;

	if (!r)
		return;
	latsnap__free(r->snap);
	hashtab__fini(&r->group_index);
	free(r->cpu_now);
	free(r->cpu_before);
	free(r->groups);
	file_free(r->file);
	free(r);
}

/* From a recording, its histograms are the source; live, the caller sets the session's. */
static void *runqlat__new(const struct cli *cli, const struct analysis_input *in, int *exit_code)
{
	uint32_t nr_cpus = in->nr_cpus;
	struct runqlat *r = calloc(1, sizeof(*r));

	*exit_code = 1;
	if (!r)
		goto fail;
	r->cli = cli;
	r->nr_cpus = nr_cpus;
	r->cpu_now = calloc(nr_cpus, sizeof(*r->cpu_now));
	r->cpu_before = calloc(nr_cpus, sizeof(*r->cpu_before));
	r->snap = latsnap__new();
	if (!r->cpu_now || !r->cpu_before || !r->snap)
		goto fail;
	if (in->rec) {
		r->file = file_new(cli, in->rec);
		if (!r->file)
			goto fail;
		r->src = &file_source;
		r->src_ctx = r->file;
	}
	return r;
fail:
	cli__err("out of memory");
	runqlat__free(r);
	return NULL;
}

const struct analysis_ops runqlat_analysis = {
	.names = true,
	.new = runqlat__new,
	.free = runqlat__free,
	.on_event = runqlat__on_event,
	.on_wait = runqlat__on_wait,
	.report = runqlat__report,
};

/* The kernel's histograms, as a source. */
static void live_close(void *s)
{
	latsession__close_interval(s);
}

static int live_cpus(void *s, struct lat_hist *out)
{
	return latsession__read_cpus(s, out);
}

static int live_threads(void *s, void (*fn)(void *, const struct lat_thread *), void *fn_ctx)
{
	return latsession__read_threads(s, fn, fn_ctx);
}

static void live_stats(void *s, struct lat_stat *sum)
{
	latsession__stats(s, sum);
}

static const struct lat_source live_source = { live_close, live_cpus, live_threads, live_stats };

int runqlat__run(const struct cli *cli)
{
	struct lat_opts o = {
		.hist = cli->per_pid || cli->per_tid ? LAT_HIST_THREAD : LAT_HIST_CPU,
		.unit_ns = cli->ms ? 1000000 : 1000,
		.cli = cli,
	};
	struct analysis_input in = { 0 };
	struct latsession *s;
	struct runqlat *r;
	int ret = 1;

	if (live__check_args(cli))
		return EXIT_USAGE;
	s = latsession__open(&o);
	if (!s)
		return 1;
	in.nr_cpus = latsession__nr_cpus(s);
	r = runqlat__new(cli, &in, &ret);
	if (r) {
		r->src = &live_source;
		r->src_ctx = s;
		fprintf(stderr,
			"Tracing run queue latency (%s to switch-in, and preemption to "
			"switch-in)... Hit Ctrl-C to end.\n",
			cli->from_waking ? "sched_waking" : "wakeup");
		ret = live__reports(cli, stop__now_ns(), latsession__waiter, s, live_report, r);
	}
	runqlat__free(r);
	latsession__close(s);
	return ret;
}
