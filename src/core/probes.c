// SPDX-License-Identifier: GPL-2.0
#include "core/probes.h"

#include <string.h>

#define H(hook) (1u << (hook))

const struct probe_desc probe_descs[SS_NR_PROBES] = {
	[SS_P_ON_CPU] = { "on-cpu", H(PH_SWITCH), "sched_switch (next)",
			  "fires in the previous thread's context, just before the switch" },
	[SS_P_OFF_CPU] = { "off-cpu", H(PH_SWITCH), "sched_switch (prev)",
			   "as FreeBSD; the next thread is known" },
	[SS_P_REMAIN_CPU] = { "remain-cpu", H(PH_SCHED_EXIT), "sched_exit_tp, no switch",
			      "a __schedule() that picked the running thread again" },
	[SS_P_ENQUEUE] = { "enqueue", H(PH_WAKEUP) | H(PH_MIGRATE),
			   "sched_wakeup, sched_wakeup_new, sched_migrate_task",
			   "head of queue unknown; 6.12+ keeps sleepers queued (delayed dequeue)" },
	[SS_P_DEQUEUE] = { "dequeue", H(PH_SWITCH) | H(PH_MIGRATE),
			   "sched_switch (blocking), sched_migrate_task",
			   "at the blocking switch, though 6.12+ may dequeue later" },
	[SS_P_WAKEUP] = { "wakeup", H(PH_WAKING), "sched_waking",
			  "as FreeBSD: in the waker's context, before the thread is queued" },
	[SS_P_SLEEP] = { "sleep", H(PH_SWITCH), "sched_switch (blocking, not exiting)",
			 "at the switch, not before it; a pending signal can undo it" },
	[SS_P_PREEMPT] = { "preempt", H(PH_SWITCH), "sched_switch (involuntary)",
			   "every switch the kernel counts in nivcsw, sched_yield() included" },
	[SS_P_CHANGE_PRI] = { "change-pri", H(PH_SWITCH) | H(PH_PI),
			      "sched_pi_setprio; the priority each switch-out shows",
			      "a nice or policy change is seen at the thread's next switch" },
	[SS_P_LEND_PRI] = { "lend-pri", H(PH_PI), "sched_pi_setprio (boost)",
			    "rt_mutex priority inheritance only" },
	[SS_P_LOAD_CHANGE] = { "load-change", H(PH_NR_RUNNING), "sched_update_nr_running_tp",
			       "every change of a run queue's length" },
	[SS_P_TICK] = { "tick", H(PH_HRTIMER), "hrtimer_expire_entry (the tick's timer)",
			"none while a CPU's tick is stopped (NO_HZ)" },
	[SS_P_SURRENDER] = { "surrender", H(PH_NEED_RESCHED), "sched_set_need_resched_tp",
			     "any reschedule request, from this CPU or another" },
};

const char *const probe_hook_tp[PH_NR] = {
	[PH_SWITCH] = "sched_switch",
	[PH_SCHED_EXIT] = "sched_exit_tp",
	[PH_WAKING] = "sched_waking",
	[PH_WAKEUP] = "sched_wakeup",
	[PH_MIGRATE] = "sched_migrate_task",
	[PH_PI] = "sched_pi_setprio",
	[PH_NR_RUNNING] = "sched_update_nr_running_tp",
	[PH_HRTIMER] = "hrtimer_expire_entry",
	[PH_NEED_RESCHED] = "sched_set_need_resched_tp",
};

/* In SS_BY_* order; "probe" is always a key, and accepted as one. */
static const char *const by_keys[] = { "cpu", "pid", "tid", "comm", "prio", "probe" };
#define BY_PROBE (1u << 5)

/* Each comma-separated word of list, looked up in names[nr]: bits. */
static int parse_words(const char *list, const char *prefix, const char *const *names,
		       size_t stride, size_t nr, uint32_t *bits, char *bad, size_t bad_len)
{
	size_t plen = prefix ? strlen(prefix) : 0;
	const char *p = list;

	*bits = 0;
	for (;;) {
		size_t len = strcspn(p, ","), i;
		/* A word may carry the prefix (DTrace's "sched:::"): the name is after it. */
		size_t skip = plen && len > plen && !strncmp(p, prefix, plen) ? plen : 0;

		for (i = 0; i < nr; i++) {
			const char *name = *(const char *const *)((const char *)names + i * stride);

			if (strlen(name) == len - skip && !strncmp(p + skip, name, len - skip))
				break;
		}
		if (i == nr) {
			if (bad_len) {
				size_t n = len < bad_len - 1 ? len : bad_len - 1;

				memcpy(bad, p, n);
				bad[n] = 0;
			}
			return -1;
		}
		*bits |= 1u << i;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

int probes__lookup(const char *name, size_t len)
{
	for (unsigned int p = 0; p < SS_NR_PROBES; p++)
		if (strlen(probe_descs[p].name) == len && !strncmp(probe_descs[p].name, name, len))
			return (int)p;
	return -1;
}

int probes__parse(const char *list, uint32_t *mask, char *bad, size_t bad_len)
{
	return parse_words(list, PROBES_DTRACE_PREFIX, &probe_descs[0].name, sizeof(probe_descs[0]),
			   SS_NR_PROBES, mask, bad, bad_len);
}

int probes__parse_by(const char *list, uint32_t *by, char *bad, size_t bad_len)
{
	_Static_assert(SS_BY_CPU == 1 && SS_BY_PID == 2 && SS_BY_TID == 4 && SS_BY_COMM == 8 &&
			       SS_BY_PRIO == 16,
		       "by_keys[] in SS_BY_* order");
	int err = parse_words(list, NULL, by_keys, sizeof(by_keys[0]),
			      sizeof(by_keys) / sizeof(by_keys[0]), by, bad, bad_len);

	*by &= ~BY_PROBE;
	return err;
}

int probes__parse_task_by(const char *list, uint32_t *by)
{
	char bad[2];

	if (probes__parse_by(list, by, bad, sizeof(bad)) ||
	    (*by & ~(uint32_t)(SS_BY_PID | SS_BY_TID | SS_BY_COMM)) || !*by)
		return -1;
	return 0;
}

const char *probes__names(void)
{
	return "on-cpu, off-cpu, remain-cpu, enqueue, dequeue, wakeup, sleep, preempt, "
	       "change-pri, lend-pri, load-change, tick, surrender";
}

const char *probes__by_names(void)
{
	return "probe, cpu, pid, tid, comm, prio";
}

uint32_t probes__hooks(uint32_t mask)
{
	uint32_t hooks = 0;

	for (unsigned int p = 0; p < SS_NR_PROBES; p++)
		if (mask & (1u << p))
			hooks |= probe_descs[p].hooks;
	return hooks;
}
