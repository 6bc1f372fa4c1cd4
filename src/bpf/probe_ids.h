/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The numbers of the DTrace sched probes and of count's key fields, shared
 * by the BPF side (through abi.h) and by user space's core, which must not
 * see the kernel ABI itself: plain constants, no kernel types.
 */
#ifndef SCHEDSCOPE_PROBE_IDS_H
#define SCHEDSCOPE_PROBE_IDS_H

/*
 * The DTrace sched provider's probes (dtrace_sched(4)), as probes.bpf.c
 * fires them; docs/dtrace.md says which Linux hook gives each.
 */
enum ss_probe {
	SS_P_ON_CPU,
	SS_P_OFF_CPU,
	SS_P_REMAIN_CPU,
	SS_P_ENQUEUE,
	SS_P_DEQUEUE,
	SS_P_WAKEUP,
	SS_P_SLEEP,
	SS_P_PREEMPT,
	SS_P_CHANGE_PRI,
	SS_P_LEND_PRI,
	SS_P_LOAD_CHANGE,
	SS_P_TICK,
	SS_P_SURRENDER,
	SS_NR_PROBES,
};

/* ss_count_key fields a count is keyed by, besides the probe (--by). */
#define SS_BY_CPU (1u << 0)
#define SS_BY_PID (1u << 1)
#define SS_BY_TID (1u << 2)
#define SS_BY_COMM (1u << 3)
#define SS_BY_PRIO (1u << 4)

#endif
