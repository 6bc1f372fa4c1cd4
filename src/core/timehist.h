/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf sched timehist's three figures for every slice a task spends on a
 * CPU, and who runs on each CPU, from decoded events (sev.h) in file order.
 * Pure C, no I/O: timehist prints the slices, export uses the per-CPU view.
 *
 * One task's life between two of its switch-outs:
 *
 *   switch-out        ready                           switch-in        switch-out
 *   (out)             (waking, or out itself           (in)             (the slice's end)
 *      |              if it left runnable)              |                  |
 *      |---- wait ----|----------- sch delay -----------|------ run -------|
 *
 * wait + sch delay + run = the time between the two switch-outs, every part
 * on one clock (the events' CLOCK_MONOTONIC stamps). A task that left the CPU
 * runnable (prev_state R or R+: preempted, or yielded) is ready at once: its
 * wait is 0. The idle task is never queued: its sch delay is 0 and its wait is
 * the time its CPU was busy.
 *
 * Events reach us in the order the recorder got them, not quite in time order
 * across CPUs (a few ns to us apart): a waking recorded after the switch-in it
 * led to still counts for that switch-in, a waking recorded before the
 * switch-out it follows still counts for the wait after it, and a switch-out
 * recorded after the task's next switch-in on another CPU still closes the
 * right slice (slices are kept per CPU). A waking stamped before the sleeper's
 * own switch-out is real (try_to_wake_up traces sched_waking before it waits
 * for the sleeper to leave its CPU): that wait is all sch delay.
 */
#ifndef SCHEDSCOPE_TIMEHIST_H
#define SCHEDSCOPE_TIMEHIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sev.h"

/* A slice that a switch-out ends. Figures are -1 when not known. */
struct thist_slice {
	uint64_t ts_ns;	      /* the switch-out */
	uint64_t in_ns;	      /* the switch-in, if run_ns >= 0 */
	int64_t wait_ns;      /* off the CPU, not runnable, before in_ns */
	int64_t sch_delay_ns; /* runnable, waiting for a CPU, before in_ns */
	int64_t run_ns;	      /* ts_ns - in_ns */
	uint32_t tid;	      /* 0: the CPU's idle task */
	uint32_t cpu;
	bool first_on_cpu; /* the first switch seen on its CPU: it ran since before */
};

struct thist;

/* NULL with errno set. nr_cpus is a hint: the CPU table grows as events need. */
struct thist *thist__new(uint32_t nr_cpus);
void thist__free(struct thist *th);

/*
 * Feed one event. For a SEV_SWITCH returns 1 and fills *out with prev's
 * slice; 0 for any other event. Out of memory (a table that cannot grow),
 * the figures of that task or CPU read unknown; nothing else is harmed.
 */
int thist__on_event(struct thist *th, const struct sev *e, struct thist_slice *out);

/*
 * A scan's view of a thread (SNAP_BEGIN): who runs on each CPU before its
 * first switch is seen. Later snapshots change nothing.
 */
void thist__on_snap(struct thist *th, const struct task_snap *s);

/*
 * The task on cpu now, as far as the events tell: true with *tid (0: idle)
 * and *since_ns (0 if its switch-in was not seen); false if unknown (no switch
 * on that CPU yet, and no scan found a thread running there).
 */
bool thist__current(const struct thist *th, uint32_t cpu, uint32_t *tid, uint64_t *since_ns);

/* Tasks with state kept (for tests: a dead task's entry goes with it). */
size_t thist__nr_tasks(const struct thist *th);

#endif
