/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The task filters (-p, -t, -c) of the programs that take them, from one
 * read-only struct user space fills before load (bpfenv__set_task_filter()).
 * Include once per BPF object, after vmlinux.h and abi.h.
 */
#ifndef SCHEDSCOPE_TASK_FILTER_BPF_H
#define SCHEDSCOPE_TASK_FILTER_BPF_H

const volatile struct ss_task_filter task_filter = {};

/* -p and -t: the task is one of them (either list, when both are given). */
static __always_inline bool task_ids_match(struct task_struct *t)
{
	__u32 tgid = t->tgid, tid = t->pid;

	for (__u32 i = 0; i < SS_MAX_IDS && i < task_filter.nr_pids; i++)
		if (task_filter.pids[i] == tgid)
			return true;
	for (__u32 i = 0; i < SS_MAX_IDS && i < task_filter.nr_tids; i++)
		if (task_filter.tids[i] == tid)
			return true;
	return false;
}

static __always_inline bool task_ids_wanted(struct task_struct *t)
{
	return !(task_filter.nr_pids || task_filter.nr_tids) || task_ids_match(t);
}

/* -c: the name starts with the prefix. Unrolled: direct loads need constant offsets. */
static __always_inline bool task_comm_match(const char *comm)
{
#pragma unroll
	for (__u32 i = 0; i < SS_COMM_LEN; i++) {
		if (i >= task_filter.comm_len)
			break;
		if (comm[i] != task_filter.comm[i])
			return false;
	}
	return true;
}

/* All three filters; true, at no cost, when none is set. */
static __always_inline bool task_wanted(struct task_struct *t)
{
	return task_ids_wanted(t) && (!task_filter.comm_len || task_comm_match(t->comm));
}

#endif
