/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writers of the scheduling event stream (trace; any reader of decoded
 * events may reuse them): one line per event as a table, or one JSON object
 * per line, and the closing counts. Names come from a tasktab; what must be
 * read from it before it learns from the event (how long prev ran, the name
 * before a rename) is taken first by trace_out__prepare(). An exec renames
 * first (task_rename, as exec sets the name), then comes its own event.
 *
 *     TIME(ms) | CPU | EVENT   | DETAILS: COMM[TID/PID] PRIO ...
 *        0.760 |   1 | switch  | schedscope[9231/9231] 120 (         -  ) S   ==> python3[9071/9071] 120
 *        0.933 |   1 | switch  | sched-messaging[27376/27376] 120 (      78.9us) S   ==> sched-messaging[27353/27353] 120
 *        1.096 |   1 | waking  | rcu_preempt[15/15] 120 target CPU 1
 *        1.105 |   1 | wakeup  | rcu_preempt[15/15] 120 target CPU 1
 *        1.145 |   0 | migrate | rcu_preempt[15/15] 120 CPU 1 -> 0
 *       65.638 |   0 | fork    | python3[8968/8968] 120 -> python3[9043/9043]
 *       65.653 |   0 | new     | python3[9043/9043] 120 target CPU 0
 *      350.773 |   1 | rename  | bash[9252/9252] 120 -> sh
 *      350.917 |   1 | exec    | sh[9252/9252] 120
 *      352.451 |   1 | exit    | true[9252/9252] 120 runtime 1.098 ms
 *
 * A DTrace probe (-e on-cpu,...) shows under its own name, with its arguments
 * (ssprio inversion 1 pi; the CPU of wakeup, enqueue, dequeue, load-change,
 * surrender, and load-change's queue length, as "CPU 1 nr_running 2"):
 *
 *        6.523 |   1 | off-cpu | inv-low[24903/24901] 89 ==> inv-high[24905/24901] 69
 *        6.523 |   1 | on-cpu  | inv-high[24905/24901] 69
 *        6.566 |   1 | change-pri | inv-low[24903/24901] 89 -> 69
 *        6.566 |   1 | lend-pri | inv-low[24903/24901] 89 -> 69 lent by inv-high[24905/24901] 69
 *
 * A switch gives how long prev ran, in us ("-" when not known), and its
 * state as ftrace prints it; prio is the kernel's (lower runs first).
 */
#ifndef SCHEDSCOPE_TRACE_OUT_H
#define SCHEDSCOPE_TRACE_OUT_H

#include <stdint.h>
#include <stdio.h>

#include "bpf/probe_ids.h"
#include "core/sev.h"
#include "core/tasktab.h"

/* What a line needs beside the event and the tasktab. */
struct trace_line {
	uint64_t origin_ns; /* TIME(ms) counts from here (CLOCK_MONOTONIC) */
	int64_t ran_ns;	    /* SWITCH: how long prev ran (tasktab__ran()), -1 if unknown */
	char old_comm[SEV_COMM_LEN + 1]; /* RENAME: the name before; "" if unknown */
};

/* Fill l for e; call it before tasktab__on_event(t, e). */
void trace_out__prepare(struct trace_line *l, const struct sev *e, const struct tasktab *t,
			uint64_t origin_ns);

void trace_out__header(FILE *f);
void trace_out__line(FILE *f, const struct sev *e, const struct tasktab *t,
		     const struct trace_line *l);
void trace_out__json(FILE *f, const struct sev *e, const struct tasktab *t,
		     const struct trace_line *l);

/* What a stream showed, for its closing counts. */
struct trace_counts {
	uint32_t show_mask;		     /* SEV_MASK() of the kinds shown */
	uint32_t probes;		     /* the probes shown, 1u << enum ss_probe */
	uint64_t shown[SEV_NR_TYPES];	     /* events shown per kind */
	uint64_t shown_probes[SS_NR_PROBES]; /* and per probe */
	int64_t untraced;		     /* switches on-cpu and off-cpu missed; -1: not asked */
};

/*
 * The closing counts: events shown per kind and per probe, the switches the
 * kernel hid from on-cpu and off-cpu, and events lost to a full ring buffer
 * per CPU (lost[nr_cpus]), always said, with what helps when there are
 * some; names the tasktab could not keep.
 */
void trace_out__summary(FILE *f, const struct trace_counts *c, const uint64_t *lost,
			uint32_t nr_cpus, uint64_t names_dropped);

#endif
