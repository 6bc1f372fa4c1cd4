/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DTrace sched provider's probes on Linux: their names, the hooks
 * each needs, and what differs from FreeBSD (docs/dtrace.md says it at
 * length). Which hooks the running kernel has is the session's to find.
 */
#ifndef SCHEDSCOPE_PROBES_H
#define SCHEDSCOPE_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/probe_ids.h"

/* The hooks probes.bpf.c has, one program each (two for PH_WAKEUP). */
enum probe_hook {
	PH_SWITCH,	 /* tp_btf/sched_switch */
	PH_SCHED_EXIT,	 /* tp_btf/sched_exit_tp (6.16+) */
	PH_WAKING,	 /* tp_btf/sched_waking */
	PH_WAKEUP,	 /* tp_btf/sched_wakeup and sched_wakeup_new */
	PH_MIGRATE,	 /* tp_btf/sched_migrate_task */
	PH_PI,		 /* tp_btf/sched_pi_setprio */
	PH_NR_RUNNING,	 /* tp_btf/sched_update_nr_running_tp (5.9+) */
	PH_HRTIMER,	 /* tp_btf/hrtimer_expire_entry, and the tick's function */
	PH_NEED_RESCHED, /* tp_btf/sched_set_need_resched_tp (6.16+) */
	PH_NR,
};

struct probe_desc {
	const char *name;    /* DTrace's */
	uint32_t hooks;	     /* 1u << enum probe_hook */
	const char *hook;    /* the Linux hook, as a user would name it */
	const char *differs; /* from FreeBSD, in a line */
};

extern const struct probe_desc probe_descs[SS_NR_PROBES];
/* The tracepoint each hook attaches to, as the kernel's BTF names it. */
extern const char *const probe_hook_tp[PH_NR];

/* DTrace's full name of a sched probe: provider, empty module and function, name. */
#define PROBES_DTRACE_PREFIX "sched:::"

/* The probe named by name[0..len), or -1. */
int probes__lookup(const char *name, size_t len);
/* "on-cpu,sleep" (or "sched:::on-cpu,...") into P() bits. Returns 0, or -1 with the
 * unknown name copied to bad. */
int probes__parse(const char *list, uint32_t *mask, char *bad, size_t bad_len);
/* "cpu,comm" into SS_BY_* bits; the same. */
int probes__parse_by(const char *list, uint32_t *by, char *bad, size_t bad_len);
/* The same, for the commands keyed by thread: pid, tid, comm only, one at least. */
int probes__parse_task_by(const char *list, uint32_t *by);
/* Every probe name (or --by key), comma-separated, for messages. */
const char *probes__names(void);
const char *probes__by_names(void);

/* The hooks the probes in mask need. */
uint32_t probes__hooks(uint32_t mask);

#endif
