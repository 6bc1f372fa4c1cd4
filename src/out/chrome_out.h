/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Trace Event Format (chrome://tracing, Perfetto's JSON import): one
 * process "CPUs" with one thread per CPU ("CPU 0", "CPU 1", ...), and on it
 * one complete event ("ph":"X") per slice a task ran there, named after the
 * task. Times are microseconds with three decimals (nanoseconds exact), of
 * CLOCK_MONOTONIC. One event per line, each after the first led by its comma:
 *
 *   {"displayTimeUnit":"ns","traceEvents":[
 *   {"ph":"M","pid":4194305,"tid":0,"name":"process_name","args":{"name":"CPUs"}}
 *   ,{"ph":"M","pid":4194305,"tid":1,"name":"thread_name","args":{"name":"CPU 1"}}
 *   ,{"ph":"X","pid":4194305,"tid":1,"ts":5210081618.112,"dur":2.310,"name":"ssload","cat":"sched",
 *    "args":{"tid":20113,"pid":20110,"prio":120,"end_state":"S"}}
 *   ,{"ph":"i","s":"t","pid":4194305,"tid":1,"ts":5210081620.422,"name":"on-cpu","cat":"probe",
 *    "args":{"comm":"ssload","tid":20114,"pid":20110,"prio":120}}
 *   ...
 *   ]}
 */
#ifndef SCHEDSCOPE_CHROME_OUT_H
#define SCHEDSCOPE_CHROME_OUT_H

#include <stdint.h>
#include <stdio.h>

/* Above the kernel's PID_MAX_LIMIT: never a real process, if traces are merged. */
#define CHROME_CPUS_PID 4194305u

/* The document's head, and the names of the process and of CPUs 0 .. nr_cpus-1. */
int chrome_out__begin(FILE *f, uint32_t nr_cpus);

/*
 * One slice of a task on cpu, [start_ns, end_ns). end_state is ftrace's
 * prev_state letters, NULL if the slice was still running when the recording
 * ended; clipped is NULL, "start" (it ran before the recording began: the
 * slice starts with it) or "end" (still running at its end).
 */
int chrome_out__slice(FILE *f, uint32_t cpu, uint64_t start_ns, uint64_t end_ns, const char *comm,
		      uint32_t tid, uint32_t pid, int32_t prio, const char *end_state,
		      const char *clipped);

/*
 * A DTrace probe's firing (a recording made with -e on-cpu,...), an instant
 * on the track of the CPU it fired on, named after the probe, about the
 * thread tid.
 */
int chrome_out__instant(FILE *f, uint32_t cpu, uint64_t ts_ns, const char *name, const char *comm,
			uint32_t tid, uint32_t pid, int32_t prio);

/* The document's tail. Returns 0 or -EIO (any earlier write failure included). */
int chrome_out__end(FILE *f);

#endif
