// SPDX-License-Identifier: GPL-2.0
/*
 * Who leaves a CPU to whom: the seed's
 * `tracepoint:sched:sched_switch { @sw[prev_comm, next_comm]++ }` counted in
 * the kernel by (prev, next), voluntary and involuntary apart, with the
 * counts-by-key shape (counts.bpf.h).
 *
 * The split is the kernel's own: a switch is voluntary when the thread
 * leaving blocks (not preempted, a sleeping state), as __schedule() counts
 * it in nvcsw; everything else, preemption and sched_yield(), is nivcsw.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "abi.h"
#include "compat.bpf.h"
#define COUNTS_KEY struct ss_preempt_key
#define COUNTS_NR_VALUES SS_PREEMPT_NR
#include "counts.bpf.h"
#include "task_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load. */
const volatile __u32 by = SS_BY_COMM; /* SS_BY_PID, SS_BY_TID, SS_BY_COMM */
const volatile __s32 filter_cpu = -1; /* -C */

SEC("tp_btf/sched_switch")
int BPF_PROG(preempt_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	struct ss_preempt_key key = {};

	if (filter_cpu >= 0 && bpf_get_smp_processor_id() != (__u32)filter_cpu)
		return 0;
	/* -p, -t, -c: a switch either side of which is wanted. */
	if (!task_wanted(prev) && !task_wanted(next))
		return 0;
	if (by & SS_BY_PID) {
		key.prev_pid = prev->tgid;
		key.next_pid = next->tgid;
	}
	if (by & SS_BY_TID) {
		key.prev_tid = prev->pid;
		key.next_tid = next->pid;
	}
	if (by & SS_BY_COMM) {
		__builtin_memcpy(key.prev_comm, prev->comm, sizeof(key.prev_comm));
		__builtin_memcpy(key.next_comm, next->comm, sizeof(key.next_comm));
	}
	counts__add(&key, !preempt && prev_state ? SS_PREEMPT_VOLUNTARY : SS_PREEMPT_INVOLUNTARY,
		    1);
	return 0;
}
