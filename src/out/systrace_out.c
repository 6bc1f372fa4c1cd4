// SPDX-License-Identifier: GPL-2.0
#include "systrace_out.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "common_out.h"

#define US_PER_SEC UINT64_C(1000000)
#define NS_PER_US UINT64_C(1000)
#define STATE_LEN 32

int systrace_out__header(FILE *f, const char *source, uint32_t nr_cpus)
{
	fputs("# tracer: nop\n#\n# schedscope export of ", f);
	for (const char *p = source; *p; p++)
		fputc(out__printable(*p), f);
	/* The legend as the kernel prints it with irq-info on. */
	fprintf(f,
		"; trace_clock: mono (CLOCK_MONOTONIC); flags not recorded   #P:%" PRIu32 "\n"
		"#\n"
		"#                                _-----=> irqs-off/BH-disabled\n"
		"#                               / _----=> need-resched\n"
		"#                              | / _---=> hardirq/softirq\n"
		"#                              || / _--=> preempt-depth\n"
		"#                              ||| / _-=> migrate-disable\n"
		"#                              |||| /     delay\n"
		"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
		"#              | |         |   |||||     |         |\n",
		nr_cpus);
	return out__status(f);
}

/* tid's name, fit for one line. */
static const char *comm_of(const struct tasktab *names, uint32_t tid, uint32_t cpu,
			   char buf[TASKTAB_NAME_LEN])
{
	tasktab__comm(names, tid, cpu, buf);
	for (char *p = buf; *p; p++)
		*p = out__printable(*p);
	return buf;
}

/*
 * The columns before the event's name: the task as ftrace's trace_find_cmdline
 * names it ("<idle>" for pid 0), CPU, flags, and the time rounded to the
 * microsecond as ftrace's ns2usecs() rounds it.
 */
static void line_head(FILE *f, const char *task, uint32_t tid, uint32_t cpu, uint64_t ts_ns)
{
	uint64_t us = (ts_ns + NS_PER_US / 2) / NS_PER_US;

	fprintf(f, "%16s-%-7" PRIu32 " [%03" PRIu32 "] ..... %5" PRIu64 ".%06" PRIu64 ": ", task,
		tid, cpu, us / US_PER_SEC, us % US_PER_SEC);
}

int systrace_out__event(FILE *f, const struct sev *e, const struct tasktab *names,
			const struct thist *th)
{
	char task[TASKTAB_NAME_LEN], a[TASKTAB_NAME_LEN], b[TASKTAB_NAME_LEN], state[STATE_LEN];
	const char *kind;
	uint32_t cur_tid = 0;
	uint64_t since;
	bool cur_known;

	switch (e->type) {
	case SEV_SWITCH:
		cur_known = true;
		cur_tid = e->tid;
		break;
	case SEV_WAKING:
	case SEV_WAKEUP:
	case SEV_WAKEUP_NEW:
	case SEV_MIGRATE:
		cur_known = thist__current(th, e->cpu, &cur_tid, &since);
		break;
	default:
		return 0;
	}
	if (!cur_known)
		snprintf(task, sizeof(task), "<...>");
	else if (!cur_tid)
		snprintf(task, sizeof(task), "<idle>");
	else
		comm_of(names, cur_tid, e->cpu, task);
	line_head(f, task, cur_known ? cur_tid : 0, e->cpu, e->ts_ns);

	switch (e->type) {
	case SEV_SWITCH:
		fprintf(f,
			"sched_switch: prev_comm=%s prev_pid=%" PRIu32 " prev_prio=%" PRId32
			" prev_state=%s ==> next_comm=%s next_pid=%" PRIu32 " next_prio=%" PRId32
			"\n",
			comm_of(names, e->tid, e->cpu, a), e->tid, e->prio,
			sev__state_str(e->state, state, sizeof(state)),
			comm_of(names, e->tid2, e->cpu, b), e->tid2, e->prio2);
		break;
	case SEV_MIGRATE:
		fprintf(f,
			"sched_migrate_task: comm=%s pid=%" PRIu32 " prio=%" PRId32
			" orig_cpu=%" PRIu32 " dest_cpu=%" PRIu32 "\n",
			comm_of(names, e->tid, e->cpu, a), e->tid, e->prio, e->cpu2, e->cpu3);
		break;
	default:
		kind = e->type == SEV_WAKING   ? "sched_waking"
		       : e->type == SEV_WAKEUP ? "sched_wakeup"
					       : "sched_wakeup_new";
		fprintf(f,
			"%s: comm=%s pid=%" PRIu32 " prio=%" PRId32 " target_cpu=%03" PRIu32 "\n",
			kind, comm_of(names, e->tid, e->cpu, a), e->tid, e->prio, e->cpu2);
		break;
	}
	return out__status(f);
}

int systrace_out__lost(FILE *f, uint32_t cpu, uint64_t lost)
{
	fprintf(f, "CPU:%" PRIu32 " [LOST %" PRIu64 " EVENTS]\n", cpu, lost);
	return out__status(f);
}
