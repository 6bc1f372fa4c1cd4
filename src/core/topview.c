// SPDX-License-Identifier: GPL-2.0
#include "topview.h"
#include "bpf/task_filter.h"
#include "core/reuse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const by_names[] = {
	[TOP_BY_PID] = "pid",
	[TOP_BY_TID] = "tid",
	[TOP_BY_COMM] = "comm",
};

static const struct {
	const char *name;
	enum top_sort sort;
} sort_names[] = {
	{ "cpu", TOP_SORT_CPU },     { "runtime", TOP_SORT_CPU },     { "pid", TOP_SORT_PID },
	{ "tid", TOP_SORT_TID },     { "comm", TOP_SORT_COMM },	      { "vcsw", TOP_SORT_VCSW },
	{ "ivcsw", TOP_SORT_IVCSW }, { "wakeups", TOP_SORT_WAKEUPS }, { "migr", TOP_SORT_MIGR },
	{ "runq", TOP_SORT_RUNQ },   { "runqmax", TOP_SORT_RUNQMAX },
};

int topview__parse_by(const char *s, enum top_by *by)
{
	for (size_t i = 0; i < sizeof(by_names) / sizeof(by_names[0]); i++) {
		if (!strcmp(s, by_names[i])) {
			*by = (enum top_by)i;
			return 0;
		}
	}
	return -EINVAL;
}

int topview__parse_sort(const char *s, enum top_sort *sort)
{
	for (size_t i = 0; i < sizeof(sort_names) / sizeof(sort_names[0]); i++) {
		if (!strcmp(s, sort_names[i].name)) {
			*sort = sort_names[i].sort;
			return 0;
		}
	}
	return -EINVAL;
}

const char *topview__by_name(enum top_by by)
{
	return by_names[by];
}

void topview__init(struct top_view *v, enum top_by by, enum top_sort sort,
		   const struct top_filter *filter)
{
	memset(v, 0, sizeof(*v));
	v->by = by;
	v->sort = sort;
	if (filter)
		v->filter = *filter;
}

void topview__fini(struct top_view *v)
{
	free(v->rows);
	v->rows = NULL;
	v->cap = 0;
}

void topview__reset(struct top_view *v)
{
	v->nr_rows = 0;
	v->nr_total = 0;
	v->total_runtime_ns = 0;
	v->context_switches = 0;
	v->err = 0;
}

bool topview__match(const struct top_filter *f, uint32_t pid, uint32_t tid, const char *comm,
		    const char *pcomm)
{
	uint32_t len = f->comm ? (uint32_t)strnlen(f->comm, TASK_FILTER_COMM_LEN) : 0;

	/* A process is known by either name, its thread's or its own. */
	return task_filter__ids(f->pids, (uint32_t)f->nr_pids, f->tids, (uint32_t)f->nr_tids, pid,
				tid) &&
	       (task_filter__comm(comm, f->comm, len) || task_filter__comm(pcomm, f->comm, len));
}

static struct top_row *new_row(struct top_view *v)
{
	if (v->nr_rows == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 256;
		struct top_row *rows = realloc(v->rows, cap * sizeof(*rows));

		if (!rows) {
			v->err = -ENOMEM;
			return NULL;
		}
		v->rows = rows;
		v->cap = cap;
	}
	return memset(&v->rows[v->nr_rows++], 0, sizeof(struct top_row));
}

void topview__add_thread(struct top_view *v, const struct acct_delta *d)
{
	struct top_row *r;

	if (!topview__match(&v->filter, d->pid, d->tid, d->comm, d->pcomm))
		return;
	r = new_row(v);
	if (!r)
		return;
	r->pid = d->pid;
	r->tid = d->tid;
	r->start_ns = v->by == TOP_BY_TID ? d->start_ns : d->pstart_ns;
	r->cpu = -1;
	r->threads = d->folded ? d->folded : 1;
	r->folded = d->folded;
	/* A process is known by its main thread's name, even when that thread slept. */
	memcpy(r->comm, v->by == TOP_BY_TID ? d->comm : d->pcomm, sizeof(r->comm));
	r->c = d->d;
	r->wait_max_ns = d->wait_max_ns;
}

void topview__add_idle(struct top_view *v, uint32_t cpu, uint64_t idle_ns, uint64_t switches)
{
	char comm[ACCT_COMM_LEN];
	struct top_row *r;

	snprintf(comm, sizeof(comm), "swapper/%u", cpu);
	if (!v->filter.idle || !topview__match(&v->filter, 0, 0, comm, comm) ||
	    (v->filter.cpu >= 0 && (uint32_t)v->filter.cpu != cpu))
		return;
	r = new_row(v);
	if (!r)
		return;
	r->cpu = (int32_t)cpu;
	r->threads = 1;
	memcpy(r->comm, comm, sizeof(comm));
	r->c.runtime_ns = idle_ns;
	/* The idle task leaves the CPU in schedule_idle(), which counts nivcsw. */
	r->c.nivcsw = switches;
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

/* Ties broken by idle CPU, pid, tid, name: the same input always sorts the same. */
static int cmp_ids(const struct top_row *a, const struct top_row *b)
{
	int c;

	if ((c = cmp_u32((uint32_t)(a->cpu + 1), (uint32_t)(b->cpu + 1))))
		return c;
	if ((c = cmp_u32(a->pid, b->pid)))
		return c;
	if ((c = cmp_u32(a->tid, b->tid)))
		return c;
	return strncmp(a->comm, b->comm, ACCT_COMM_LEN);
}

/* The key comes as qsort_r()'s argument (a top_sort): a global would tie every view to one. */
static int cmp_sort_q(const void *pa, const void *pb, void *arg)
{
	const struct top_row *a = pa, *b = pb;
	int c = 0;

	switch (*(const enum top_sort *)arg) {
	case TOP_SORT_CPU:
		c = cmp_u64_desc(a->c.runtime_ns, b->c.runtime_ns);
		break;
	case TOP_SORT_PID:
		c = cmp_u32(a->pid, b->pid);
		break;
	case TOP_SORT_TID:
		c = cmp_u32(a->tid, b->tid);
		break;
	case TOP_SORT_COMM:
		c = strncmp(a->comm, b->comm, ACCT_COMM_LEN);
		break;
	case TOP_SORT_VCSW:
		c = cmp_u64_desc(a->c.nvcsw, b->c.nvcsw);
		break;
	case TOP_SORT_IVCSW:
		c = cmp_u64_desc(a->c.nivcsw, b->c.nivcsw);
		break;
	case TOP_SORT_WAKEUPS:
		c = cmp_u64_desc(a->c.wakeups, b->c.wakeups);
		break;
	case TOP_SORT_MIGR:
		c = cmp_u64_desc(a->c.migrations, b->c.migrations);
		break;
	case TOP_SORT_RUNQ:
		c = cmp_u64_desc(a->c.run_delay_ns, b->c.run_delay_ns);
		break;
	case TOP_SORT_RUNQMAX:
		c = cmp_u64_desc(a->wait_max_ns, b->wait_max_ns);
		break;
	}
	return c ? c : cmp_ids(a, b);
}

static void merge_into(struct top_row *dst, const struct top_row *src)
{
	dst->threads += src->threads;
	dst->folded += src->folded;
	acct_counters__add(&dst->c, &src->c);
	if (src->wait_max_ns > dst->wait_max_ns)
		dst->wait_max_ns = src->wait_max_ns;
}

static size_t group_hash(const struct top_row *r, enum top_by by)
{
	uint64_t h = 1469598103934665603ull;

	/* A process is (pid, start); threads folded by name only have pid 0. */
	if (by == TOP_BY_PID && r->pid)
		return (size_t)((r->pid ^ r->start_ns) * 0x9e3779b97f4a7c15ull >> 17);
	for (size_t i = 0; i < ACCT_COMM_LEN && r->comm[i]; i++)
		h = (h ^ (unsigned char)r->comm[i]) * 1099511628211ull;
	return (size_t)h;
}

static bool same_group(const struct top_row *a, const struct top_row *b, enum top_by by)
{
	if (by == TOP_BY_PID && (a->pid || b->pid))
		return a->pid == b->pid && a->start_ns == b->start_ns;
	return !strncmp(a->comm, b->comm, ACCT_COMM_LEN);
}

/*
 * An empty open-addressing index over the rows, at most half full: NULL when
 * there are no rows, or with v->err set when it cannot be had.
 */
static uint32_t *row_index(struct top_view *v, size_t *cap)
{
	uint32_t *index;

	if (!v->nr_rows)
		return NULL;
	for (*cap = 16; *cap < v->nr_rows * 2; *cap <<= 1)
		;
	index = calloc(*cap, sizeof(*index));
	if (!index)
		v->err = -ENOMEM;
	return index;
}

/* Merge rows by process or name in one pass over a hash index of the output. */
static void aggregate(struct top_view *v)
{
	size_t cap, out = 0;
	uint32_t *index; /* output row + 1; 0: empty slot */

	if (v->by == TOP_BY_TID || !(index = row_index(v, &cap)))
		return;
	for (size_t i = 0; i < v->nr_rows; i++) {
		struct top_row r = v->rows[i];
		size_t h;

		/* Each CPU's idle task is its own row, whatever the key. */
		if (r.cpu >= 0) {
			v->rows[out++] = r;
			continue;
		}
		h = group_hash(&r, v->by) & (cap - 1);
		while (index[h] && !same_group(&v->rows[index[h] - 1], &r, v->by))
			h = (h + 1) & (cap - 1);
		if (index[h]) {
			merge_into(&v->rows[index[h] - 1], &r);
			continue;
		}
		if (v->by == TOP_BY_COMM) {
			r.pid = r.tid = 0;
			r.start_ns = 0;
		} else {
			r.tid = r.pid;
		}
		v->rows[out] = r;
		index[h] = (uint32_t)++out;
	}
	free(index);
	v->nr_rows = out;
}

/* A row's PID (TID with --by tid) for reuse__mark(); 0 for the idle tasks' rows. */
static uint32_t row_id(size_t i, void *ctx)
{
	const struct top_view *v = ctx;
	const struct top_row *r = &v->rows[i];

	if (r->cpu >= 0)
		return 0;
	return v->by == TOP_BY_TID ? r->tid : r->pid;
}

static void mark_row(size_t i, void *ctx)
{
	struct top_view *v = ctx;

	v->rows[i].reused = true;
}

void topview__finish(struct top_view *v, uint64_t duration_ns, size_t limit)
{
	aggregate(v);
	if (v->by != TOP_BY_COMM && reuse__mark(v->nr_rows, row_id, mark_row, v))
		v->err = -ENOMEM;
	v->total_runtime_ns = 0;
	for (size_t i = 0; i < v->nr_rows; i++) {
		struct top_row *r = &v->rows[i];

		v->total_runtime_ns += r->cpu < 0 ? r->c.runtime_ns : 0;
		r->cpu_pct =
			duration_ns ? (double)r->c.runtime_ns * 100.0 / (double)duration_ns : 0;
	}
	if (v->nr_rows)
		qsort_r(v->rows, v->nr_rows, sizeof(*v->rows), cmp_sort_q, &v->sort);
	v->nr_total = v->nr_rows;
	if (limit && v->nr_rows > limit)
		v->nr_rows = limit;
}
