/* SPDX-License-Identifier: GPL-2.0 */
/* What every report carries besides its rows: its window and its losses. */
#ifndef SCHEDSCOPE_REPORT_H
#define SCHEDSCOPE_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Everything that was not measured, cumulative since the start. */
struct report_losses {
	uint64_t untracked_threads; /* the thread table was full (--max-tasks) */
	uint64_t late_threads;	    /* older than the trace, missed by the first scan */
	uint64_t vanished_threads;  /* gone without a final record */
	uint64_t exit_drops;	    /* final records lost to a full ring buffer */
	uint64_t storage_fail;	    /* no per-thread storage: wakeups, max wait lost */
	uint64_t waits_unbased;	    /* waits in progress when tracing began: not in RUNQMAX */
	uint64_t waits_missed;	    /* waits after an unseen switch-in: not in RUNQMAX */
	uint64_t untraced_switches; /* counted by the kernel, never reported by the tracepoint */
	uint64_t idle_untraced;	    /* idle periods whose start was untraced: estimated */
	uint64_t events_lost;	    /* report: events the recorder lost (ring buffer full) */
	uint64_t folded_threads;    /* exited threads folded per process: the table was full */
	uint64_t folded_by_name;    /* ... of which per name only (too many processes) */
};

/*
 * What every report is given, live or from a recording: its window, whether
 * it is the last, when the window ended on the traced machine's wall clock.
 */
struct report_meta {
	uint64_t duration_ns;
	struct timespec wall; /* end of the window, wall clock, for -T */
	bool final;	      /* no report follows (the count, -d, Ctrl-C, the file's end) */
	bool timestamp;	      /* -T */
	uint32_t nr_cpus;
	uint64_t max_threads;
	struct report_losses loss;
};

#endif
