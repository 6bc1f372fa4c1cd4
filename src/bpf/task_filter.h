/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which tasks -p PID, -t TID and -c COMM select, shared as the same source by
 * the BPF programs (task_filter.bpf.h, on the kernel's task_struct), the
 * user-space analyses of live and recorded input (topview__match(), which
 * recinput__wanted() and timehist use) and the unit tests. No kernel, libbpf
 * or ABI types here: each side passes its own lists.
 *
 *   -p and -t select the union, a task in either list, as bcc's tools read
 *   them; with neither, every task;
 *   -c selects a task whose name starts with COMM; which name (the thread's,
 *   or its process's too) is the caller's choice;
 *   a task is selected when both select it.
 *
 * The lists are const volatile for the BPF side, where they live in
 * read-only data that user space fills before load: through a plain pointer
 * the compiler could fold the zeroes the object was built with.
 */
#ifndef SCHEDSCOPE_TASK_FILTER_H
#define SCHEDSCOPE_TASK_FILTER_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Ids per list the rule looks at: SS_MAX_IDS and CLI_MAX_IDS (asserted where they meet). */
#define TASK_FILTER_MAX_IDS 64
/* The kernel's TASK_COMM_LEN: no name, and so no prefix that matches, is longer. */
#define TASK_FILTER_COMM_LEN 16

/* Any of -p, -t, -c given: without, every task passes and none need be looked up. */
static inline int task_filter__given(__u32 nr_pids, __u32 nr_tids, __u32 comm_len)
{
	return nr_pids || nr_tids || comm_len;
}

/* id is one of the first nr of ids. Bounded by a constant too, for the verifier. */
static inline int task_filter__has(const volatile __u32 *ids, __u32 nr, __u32 id)
{
	for (__u32 i = 0; i < TASK_FILTER_MAX_IDS && i < nr; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* -p and -t: thread tid of process (tgid) pid. */
static inline int task_filter__ids(const volatile __u32 *pids, __u32 nr_pids,
				   const volatile __u32 *tids, __u32 nr_tids, __u32 pid, __u32 tid)
{
	if (!nr_pids && !nr_tids)
		return 1;
	return task_filter__has(pids, nr_pids, pid) || task_filter__has(tids, nr_tids, tid);
}

/*
 * -c: comm starts with the len bytes of prefix (len 0: any name). The compare
 * stops at the first byte that differs, so a name shorter than the prefix is
 * never read past its NUL. Unrolled for BPF, where a load from a task_struct
 * needs a constant offset. len is tested in the body, not as a break: with
 * a break at len, clang 14 could not unroll the loop inlined in the hooks.
 */
static inline int task_filter__comm(const char *comm, const volatile char *prefix, __u32 len)
{
	if (!len)
		return 1;
#ifdef __clang__
#pragma unroll
#endif
	for (__u32 i = 0; i < TASK_FILTER_COMM_LEN; i++)
		if (i < len && comm[i] != prefix[i])
			return 0;
	return 1;
}

#endif
