/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timehist's lines, as perf sched timehist prints them, or one JSON object
 * per line. A pipe ping-pong on CPU 0, with -w:
 *
 *              time    cpu  task name                       wait time  sch delay   run time
 *                           [tid/pid]                          (msec)     (msec)     (msec)
 *   --------------- ------  ------------------------------  ---------  ---------  ---------
 *      16074.238585 [0000]  ping[31508/31506]                   0.002      0.000      0.002
 *      16074.238587 [0000]  pong[31509/31506]                                                awakened: ping[31508/31506]
 *      16074.238589 [0000]  pong[31509/31506]                   0.000      0.002      0.003
 *
 * Times are seconds.microseconds of CLOCK_MONOTONIC (perf's); figures are
 * milliseconds to the microsecond, truncated as perf does, and "-" where not
 * known (the task's first slice in the recording).
 */
#ifndef SCHEDSCOPE_TIMEHIST_OUT_H
#define SCHEDSCOPE_TIMEHIST_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/timehist.h"

/* A task as a line names it. comm NULL: not known (printed "<...>"). */
struct th_who {
	const char *comm; /* NUL-terminated */
	uint32_t tid, pid;
};

/* "comm[tid]" for a process's main thread, "comm[tid/pid]" for others, "<idle>" for tid 0. */
#define TH_NAME_LEN 48
const char *timehist_out__name(char buf[TH_NAME_LEN], const struct th_who *w);

/* The three header lines (text only). Returns 0 or -EIO. */
int timehist_out__header(FILE *f);

/*
 * One switch-out: the slice of who. state is how it left ("S", "R+", ...);
 * runtime_ns the kernel's sum_exec_runtime for the slice (JSON only; -1 if
 * not known).
 */
int timehist_out__slice(FILE *f, const struct thist_slice *s, const struct th_who *who,
			const char *state, int64_t runtime_ns, bool json);

/* -w: a wakeup on cpu by the task running there (waker NULL: not known) of wakee. */
int timehist_out__wakeup(FILE *f, uint64_t ts_ns, uint32_t cpu, const struct th_who *waker,
			 const struct th_who *wakee, uint32_t target_cpu, bool json);

/* -M: task moved from orig_cpu to dest_cpu, seen on cpu while `by` ran there. */
int timehist_out__migrate(FILE *f, uint64_t ts_ns, uint32_t cpu, const struct th_who *by,
			  const struct th_who *task, uint32_t orig_cpu, uint32_t dest_cpu,
			  bool json);

#endif
