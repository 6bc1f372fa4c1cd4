/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The `top` report: filters per-thread interval figures, aggregates them by
 * process, thread or name, sorts and cuts. Pure C; writers in src/out render it.
 */
#ifndef SCHEDSCOPE_TOPVIEW_H
#define SCHEDSCOPE_TOPVIEW_H

#include "acct.h"

enum top_by { TOP_BY_PID, TOP_BY_TID, TOP_BY_COMM };

enum top_sort {
	TOP_SORT_CPU,
	TOP_SORT_PID,
	TOP_SORT_TID,
	TOP_SORT_COMM,
	TOP_SORT_VCSW,
	TOP_SORT_IVCSW,
	TOP_SORT_WAKEUPS,
	TOP_SORT_MIGR,
	TOP_SORT_RUNQ,
	TOP_SORT_RUNQMAX,
};

struct top_filter {
	const uint32_t *pids; /* processes (tgid); none: all */
	size_t nr_pids;
	const uint32_t *tids;
	size_t nr_tids;
	const char *comm; /* name prefix; NULL: all */
	bool idle;	  /* show each CPU's idle task */
	int cpu;	  /* -C: only this CPU's idle task; -1: all */
};

struct top_row {
	uint32_t pid;
	uint32_t tid;
	/*
	 * The row's identity with its id: the process's start (--by pid) or the
	 * thread's (--by tid), so a reused PID or TID is another row.
	 */
	uint64_t start_ns;
	int32_t cpu;		  /* an idle task's CPU; -1 for every other row */
	uint32_t threads;	  /* threads summed into the row */
	uint32_t folded;	  /* exited threads folded into it (the table was full) */
	bool reused;		  /* another row in the report has the same PID (TID) */
	char comm[ACCT_COMM_LEN]; /* the thread's, or with --by pid/comm the process's */
	struct acct_counters c;
	uint64_t wait_max_ns;
	double cpu_pct; /* 100 = one CPU for the whole interval */
};

struct top_view {
	enum top_by by;
	enum top_sort sort;
	struct top_filter filter;
	struct top_row *rows;
	size_t nr_rows;	 /* rows shown, after the limit */
	size_t nr_total; /* rows before the limit */
	size_t cap;
	uint64_t total_runtime_ns; /* over all rows, before the limit */
	uint64_t context_switches; /* on all CPUs in the window, from the per-CPU counters */
	int err;		   /* -ENOMEM if a row could not be kept */
};

int topview__parse_by(const char *s, enum top_by *by);
int topview__parse_sort(const char *s, enum top_sort *sort);
const char *topview__by_name(enum top_by by);

void topview__init(struct top_view *v, enum top_by by, enum top_sort sort,
		   const struct top_filter *filter);
void topview__fini(struct top_view *v);

/* comm may be the thread's or its process's name (pcomm); either matches -c. */
bool topview__match(const struct top_filter *f, uint32_t pid, uint32_t tid, const char *comm,
		    const char *pcomm);

/* Collect one interval: threads (filtered here), then idle tasks. */
void topview__add_thread(struct top_view *v, const struct acct_delta *d);
void topview__add_idle(struct top_view *v, uint32_t cpu, uint64_t idle_ns, uint64_t switches);

/* Aggregate, compute CPU %, sort and keep the first limit rows (0: all). */
void topview__finish(struct top_view *v, uint64_t duration_ns, size_t limit);

/* Empty the view for the next interval. */
void topview__reset(struct top_view *v);

#endif
