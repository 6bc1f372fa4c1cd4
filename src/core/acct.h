/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-thread accounting over report intervals, from observations of the
 * kernel's cumulative per-thread counters. Pure C: fed by the live session
 * (task iterator and exit records) and by unit tests with scripted sequences.
 *
 * An interval's figure for a thread is its counters at the interval's last
 * observation minus those at the previous interval's last one. A thread first
 * seen in the baseline scan starts from what it had then (so time it ran
 * before tracing is not counted, but the slice it was running when tracing
 * began is, from that point); a thread born later starts from zero, as the
 * kernel starts it; a thread's final observation comes when it is freed.
 */
#ifndef SCHEDSCOPE_ACCT_H
#define SCHEDSCOPE_ACCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACCT_COMM_LEN 16

struct acct_counters {
	uint64_t runtime_ns;
	uint64_t run_delay_ns;
	uint64_t nvcsw;
	uint64_t nivcsw;
	uint64_t migrations;
	uint64_t wakeups;
};

/* One observation of a thread. */
struct acct_obs {
	uint32_t pid; /* tgid */
	uint32_t tid;
	uint64_t start_ns;  /* the thread's start time: tells a reused tid apart */
	uint64_t pstart_ns; /* its process's (main thread's) start: tells a reused pid apart */
	char comm[ACCT_COMM_LEN];
	char pcomm[ACCT_COMM_LEN]; /* the process's name (main thread's comm) */
	bool exited;		   /* final counters */
	uint64_t cgroup_id;	   /* its cgroup v2 now (the exporter's key); 0: unknown */
	struct acct_counters c;
	uint64_t wait_max_ns; /* longest single wait ended in the open interval */
};

/*
 * A thread's figures for one interval, or those of exited threads folded
 * together when the table was full (folded > 0, tid 0): the threads of one
 * process (pid, pstart_ns), or past ACCT_FOLD_PROCS processes, of one name
 * (pid 0), or past ACCT_FOLD_NAMES names, of all the rest (comm "(other)").
 */
struct acct_delta {
	uint32_t pid;
	uint32_t tid;
	uint64_t start_ns;
	uint64_t pstart_ns;
	uint32_t folded; /* threads folded into this delta; 0: one thread */
	char comm[ACCT_COMM_LEN];
	char pcomm[ACCT_COMM_LEN];
	bool exited;
	uint64_t cgroup_id; /* the thread's cgroup at its last observation; 0 for folds */
	struct acct_counters d;
	uint64_t wait_max_ns;
};

/* What could not be accounted, cumulative since the start. */
struct acct_losses {
	uint64_t untracked;	 /* most threads left untracked by one scan: the table was full */
	uint64_t late;		 /* threads first seen after the baseline although older */
	uint64_t vanished;	 /* threads gone without a final record (exit record dropped) */
	uint64_t folded;	 /* exited threads folded to make room, per process or name */
	uint64_t folded_by_name; /* ... of which under their name only (too many processes) */
};

/* How many processes, then names, the folds of one interval keep apart. */
#define ACCT_FOLD_PROCS 16384
#define ACCT_FOLD_NAMES 1024

struct acct;

/* max_threads: the table's limit; NULL with errno set on failure. */
struct acct *acct__new(size_t max_threads);
void acct__free(struct acct *a);

/*
 * Observation passes. The first pass, between acct__begin(a, true, t0) and
 * acct__end_pass(), is the baseline; t0 is its start on the threads' start
 * clock. Exit records may be observed at any time.
 */
void acct__begin_pass(struct acct *a, bool baseline, uint64_t t0_ns);
void acct__end_pass(struct acct *a);
void acct__observe(struct acct *a, const struct acct_obs *o);

/*
 * Close the interval: call fn for every thread with activity in it (a zero
 * delta is skipped), then for every fold, then start the next interval from
 * the current values. Threads that exited are forgotten after their last
 * report.
 *
 * The table holds at most max_threads threads. When it is full, a thread
 * seen for the first time takes the place of one that exited in this
 * interval, whose figures are folded (struct acct_delta): a live thread is
 * never pushed out, and no exited thread's time is lost. Only when every
 * thread in the table is alive does a newcomer go untracked.
 */
typedef void (*acct_delta_fn)(const struct acct_delta *d, void *arg);
void acct__close(struct acct *a, acct_delta_fn fn, void *arg);

/* dst += src, counter by counter. */
void acct_counters__add(struct acct_counters *dst, const struct acct_counters *src);

const struct acct_losses *acct__losses(const struct acct *a);
/* The same, into a report's loss counters. */
struct report_losses;
void acct__report_losses(const struct acct *a, struct report_losses *out);
size_t acct__size(const struct acct *a);

#endif
