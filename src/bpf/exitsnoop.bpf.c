// SPDX-License-Identifier: GPL-2.0
/*
 * exitsnoop: each exit with its lifetime and status (stream.bpf.h), or,
 * counting (counts.bpf.h), the forks, execs and exits per parent and per
 * name: who churns short-lived processes.
 *
 * A process ends with its last thread, whichever it is: do_exit() has
 * dropped signal->live by the time sched_process_exit fires, and the one
 * that finds it 0 is the last. Lifetime is from the thread's start_time,
 * on the clock of bpf_ktime_get_ns().
 *
 * Forks count every clone, threads too: what /proc/stat's `processes`
 * counts (copy_process()'s total_forks), so the two can be compared.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "abi.h"
#define COUNTS_KEY struct ss_churn_key
#define COUNTS_NR_VALUES SS_CHURN_NR
#include "counts.bpf.h"
#include "stream.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load. */
const volatile bool failed_only; /* -x: non-zero status only */
const volatile bool threaded;	 /* -T: every thread */
const volatile bool count_mode;	 /* --count */
const volatile __u64 short_ns;	 /* --short: lived less; 0: any */

/* Count one of t's events in both tables: under its parent, and under its name. */
static __always_inline void churn(struct task_struct *parent, struct task_struct *t, __u32 which)
{
	struct ss_churn_key key = { .table = SS_CHURN_PARENT };

	key.pid = BPF_CORE_READ(parent, tgid);
	BPF_CORE_READ_STR_INTO(&key.comm, parent, comm);
	counts__add(&key, which, 1);
	key.table = SS_CHURN_COMM;
	key.pid = 0;
	BPF_CORE_READ_STR_INTO(&key.comm, t, comm);
	counts__add(&key, which, 1);
}

/* tp_btf: 6.1 passes (p), 6.16 and later (p, group_dead); p is first in both. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(exit_task, struct task_struct *p)
{
	struct ss_exit_event e = {};
	bool last = !BPF_CORE_READ(p, signal, live.counter);

	if ((!threaded && !last) || !stream__wanted())
		return 0;
	e.exit_code = BPF_CORE_READ(p, exit_code);
	if (failed_only && !e.exit_code)
		return 0;
	e.ts_ns = bpf_ktime_get_ns();
	e.age_ns = e.ts_ns - BPF_CORE_READ(p, start_time);
	if (short_ns && e.age_ns >= short_ns)
		return 0;
	if (count_mode) {
		churn(BPF_CORE_READ(p, real_parent), p, SS_CHURN_EXITS);
		return 0;
	}
	e.pid = BPF_CORE_READ(p, tgid);
	e.tid = BPF_CORE_READ(p, pid);
	e.ppid = BPF_CORE_READ(p, real_parent, tgid);
	e.flags = last ? SS_EXIT_PROCESS : 0;
	BPF_CORE_READ_STR_INTO(&e.comm, p, comm);
	stream__output(&e, sizeof(e));
	return 0;
}

/* --count only. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(fork_task, struct task_struct *parent, struct task_struct *child)
{
	if (stream__wanted())
		churn(parent, parent, SS_CHURN_FORKS);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(exec_task, struct task_struct *p)
{
	if (stream__wanted())
		churn(BPF_CORE_READ(p, real_parent), p, SS_CHURN_EXECS);
	return 0;
}
