// SPDX-License-Identifier: GPL-2.0
/*
 * The DTrace sched provider's probes (sched_probes.bpf.h), counted by key
 * in the kernel (counts.bpf.h) for `count`.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "abi.h"
#include "compat.bpf.h"
#define COUNTS_KEY struct ss_count_key
#define COUNTS_NR_SLOTS SS_NR_PROBES
#include "counts.bpf.h"
#include "task_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load. */
const volatile __u32 by = 0;	      /* SS_BY_* fields of the key */
const volatile bool by_slot = false;  /* by is SS_BY_CPU or none: slots by probe */
const volatile __s32 filter_cpu = -1; /* -C */

static __always_inline bool cpu_wanted(__u32 cpu)
{
	return filter_cpu < 0 || cpu == (__u32)filter_cpu;
}

#include "sched_probes.bpf.h"

/* Count probe for thread t on cpu: its arguments are not keys. */
static __always_inline void probe_emit(__u32 probe, struct task_struct *t, __u32 cpu,
				       const struct probe_args *a)
{
	struct ss_count_key key = { .probe = probe };

	(void)a;
	if (by_slot) {
		counts__add_slot(probe, 0, 1);
		return;
	}
	if (by & SS_BY_CPU)
		key.cpu = cpu;
	if (by & SS_BY_PID)
		key.pid = t->tgid;
	if (by & SS_BY_TID)
		key.tid = t->pid;
	if (by & SS_BY_PRIO)
		key.prio = t->prio;
	if (by & SS_BY_COMM)
		__builtin_memcpy(key.comm, t->comm, sizeof(key.comm));
	counts__add(&key, 0, 1);
}
