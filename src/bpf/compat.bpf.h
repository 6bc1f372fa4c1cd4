/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference schedscope's BPF side depends on, in one
 * place. Each accessor names the kernel change it papers over.
 */
#ifndef SCHEDSCOPE_COMPAT_BPF_H
#define SCHEDSCOPE_COMPAT_BPF_H

#include <bpf/bpf_core_read.h>

/* 5.14 renamed task_struct::state to __state (commit 2f064a59a11f). */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline unsigned int task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return t->__state;
	return ((struct task_struct___pre514 *)t)->state;
}

#define TASK_DEAD_ 0x80 /* TASK_DEAD: set by do_task_dead() before the last switch */

/*
 * A map flag of include/uapi/linux/bpf.h, spelt out: vmlinux.h has it only
 * as an enumerator of an anonymous enum, which a kernel's BTF need not keep.
 */
#define BPF_F_NO_PREALLOC_ (1U << 0)

/*
 * The CPU a task last ran on: thread_info.cpu on x86 and arm64 since 5.16
 * (THREAD_INFO_IN_TASK moved it), task_struct::cpu before that.
 */
struct task_struct___precpu {
	unsigned int cpu;
} __attribute__((preserve_access_index));

static __always_inline __u32 task_cpu_of(struct task_struct *t)
{
	if (bpf_core_field_exists(((struct task_struct___precpu *)t)->cpu))
		return ((struct task_struct___precpu *)t)->cpu;
	return t->thread_info.cpu;
}

/*
 * The run queue's clock, as the scheduler itself last set it: __schedule()
 * updates rq->clock before the sched_switch tracepoint and sched_info uses that
 * very value when the next task arrives, so reading it costs no clock read and
 * agrees with the kernel to the nanosecond. The rq is reached through the
 * task's cfs_rq, which set_task_rq() keeps pointing at the task's CPU for
 * every scheduling class; the field exists with CONFIG_FAIR_GROUP_SCHED only,
 * and without it has_rq_clock() is false and the wait is not measured.
 */
static __always_inline bool has_rq_clock(void)
{
	return bpf_core_field_exists(struct sched_entity, cfs_rq);
}

/*
 * Direct loads, not BPF_CORE_READ: tp_btf arguments are BTF pointers, so the
 * verifier turns these into fault-safe loads inline, where each
 * bpf_probe_read_kernel() would be a helper call on every context switch.
 */
static __always_inline struct rq *task_rq_of(struct task_struct *t)
{
	return t->se.cfs_rq->rq;
}

/*
 * The task's cgroup on the v2 (default) hierarchy, as the kernfs id that is
 * also the cgroup directory's inode number (kernfs_node::id is a u64 since
 * 5.5, commit 67c0496e87d1). Present in hybrid set-ups too: every task
 * belongs to a cgroup of the default hierarchy, mounted or not.
 */
static __always_inline __u64 task_cgroup_id(struct task_struct *t)
{
	/* Direct loads, as task_rq_of()'s: the switch pays four, not four helper calls. */
	return t->cgroups->dfl_cgrp->kn->id;
}

/*
 * The same pointers for the paths that run once a thread or once a scan
 * (task iterators, a thread's first histogram), read with probes: there a
 * helper call costs nothing that shows, while each pointer the verifier
 * sees loaded from a trusted task makes it look "trusted" and "rcu" types
 * up by name in the kernel's BTF, a linear search at load (top's task
 * iterator loaded in 11.6 ms with direct loads, 1.4 ms with these).
 */
static __always_inline struct task_struct *task_leader_cold(struct task_struct *t)
{
	return BPF_CORE_READ(t, group_leader);
}

static __always_inline __u64 task_cgroup_id_cold(struct task_struct *t)
{
	return BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
}

#endif
