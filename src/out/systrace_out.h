/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own ftrace text, as /sys/kernel/tracing/trace prints it with
 * the default options (irq-info on, record-tgid off), for the scheduler
 * events we record: what Perfetto and the catapult systrace viewer import as
 * CPU tracks and thread states. Payloads follow the kernel's print fmt
 * (events/sched/NAME/format):
 *
 *          <idle>-0       [001] .....  1234.567890: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=bash next_pid=123 next_prio=120
 *            bash-123     [000] .....  1234.567895: sched_waking: comm=sshd pid=456 prio=120 target_cpu=001
 *     migration/1-20      [001] .....  1234.568000: sched_migrate_task: comm=bash pid=123 prio=120 orig_cpu=1 dest_cpu=0
 *
 * What differs from the kernel's: the flags column (irqs-off, need-resched,
 * hardirq/softirq, preempt-depth, migrate-disable) is not recorded and reads
 * "....."; the task column names the task as of the event (the kernel looks
 * the name up when the trace is read, so after an exec it shows the new one);
 * a control byte in a name prints as '?' (so one event stays one line).
 */
#ifndef SCHEDSCOPE_SYSTRACE_OUT_H
#define SCHEDSCOPE_SYSTRACE_OUT_H

#include <stdint.h>
#include <stdio.h>

#include "core/sev.h"
#include "core/tasktab.h"
#include "core/timehist.h"

/*
 * "# tracer: nop" and the column legend. source names the recording in a
 * comment line; nr_cpus is ftrace's "#P:". Returns 0 or -EIO.
 */
int systrace_out__header(FILE *f, const char *source, uint32_t nr_cpus);

/*
 * One event, if it is a kind ftrace has a sched_* line for (switch, waking,
 * wakeup, wakeup_new, migrate; others write nothing). names gives every name;
 * th, not yet fed e, who runs on e->cpu: the task column of all but
 * sched_switch (whose column is prev), "<...>-0" where th does not know.
 * Returns 0 or -EIO.
 */
int systrace_out__event(FILE *f, const struct sev *e, const struct tasktab *names,
			const struct thist *th);

/* ftrace's line for events a CPU's buffer lost: "CPU:1 [LOST 12 EVENTS]". */
int systrace_out__lost(FILE *f, uint32_t cpu, uint64_t lost);

#endif
