/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The task filters (-p, -t, -c) of the programs that take them, from one
 * read-only struct user space fills before load (bpfenv__set_task_filter()).
 * Include once per BPF object, after vmlinux.h and abi.h.
 */
#ifndef SCHEDSCOPE_TASK_FILTER_BPF_H
#define SCHEDSCOPE_TASK_FILTER_BPF_H

#include "task_filter.h"

_Static_assert(SS_MAX_IDS <= TASK_FILTER_MAX_IDS, "the rule looks at every -p and -t held");
_Static_assert(SS_COMM_LEN <= TASK_FILTER_COMM_LEN, "the rule looks at every byte of -c");

const volatile struct ss_task_filter task_filter = {};

/* -p and -t: the task is one of them (either list, when both are given). */
static __always_inline bool task_ids_wanted(struct task_struct *t)
{
	return task_filter__ids(task_filter.pids, task_filter.nr_pids, task_filter.tids,
				task_filter.nr_tids, t->tgid, t->pid);
}

/* -c: the name starts with the prefix. */
static __always_inline bool task_comm_match(const char *comm)
{
	return task_filter__comm(comm, task_filter.comm, task_filter.comm_len);
}

/* All three filters; true, at no cost, when none is set. */
static __always_inline bool task_wanted(struct task_struct *t)
{
	return task_ids_wanted(t) && (!task_filter.comm_len || task_comm_match(t->comm));
}

#endif
