// SPDX-License-Identifier: GPL-2.0
/*
 * Migrations and affinity, on the counts-by-key shape (counts.bpf.h): the
 * source -> destination CPU matrix; per thread its migrations and how long
 * it had waited on the run queue when it was moved; and, on request, the
 * time it ran on each CPU.
 *
 * sched_migrate_task fires in set_task_cpu() whether or not the CPU
 * changes; the kernel counts se.nr_migrations only when it does, and so
 * does this.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "abi.h"
#include "compat.bpf.h"
#define COUNTS_KEY struct ss_migr_key
#define COUNTS_NR_VALUES SS_MIGR_NR
#include "counts.bpf.h"
#include "task_filter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define TASK_ON_RQ_MIGRATING_ 2 /* p->on_rq while a queued task moves between CPUs */

/* Set by user space before load. */
const volatile __u32 by = SS_BY_TID | SS_BY_COMM; /* SS_BY_PID, SS_BY_TID, SS_BY_COMM */

/*
 * Each thread as its last switch-out (or migration) left it: sum_exec_runtime,
 * for the time per CPU, and sched_info.run_delay, for the wait before a move,
 * also taken as a wakeup queues it (it may move before it ever runs).
 */
struct seen {
	__u64 ran_ns;
	__u64 delay_ns;
	__u64 delay_known; /* delay_ns was read at a switch-out or a wakeup */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC_);
	__type(key, int);
	__type(value, struct seen);
} last_seen SEC(".maps");

static __always_inline void task_key(struct ss_migr_key *key, __u32 table, struct task_struct *t)
{
	key->table = table;
	if (by & SS_BY_PID)
		key->pid = t->tgid;
	if (by & SS_BY_TID)
		key->tid = t->pid;
	if (by & SS_BY_COMM)
		__builtin_memcpy(key->comm, t->comm, sizeof(key->comm));
}

SEC("tp_btf/sched_migrate_task")
int BPF_PROG(migr_task, struct task_struct *p, int dest_cpu)
{
	struct ss_migr_key key = { .table = SS_MIGR_MATRIX };
	__u32 src = task_cpu_of(p);
	struct seen *seen;

	if (src == (__u32)dest_cpu || !task_wanted(p))
		return 0;
	key.a = src;
	key.b = dest_cpu;
	counts__add(&key, SS_MIGR_COUNT, 1);
	key = (struct ss_migr_key){};
	task_key(&key, SS_MIGR_TASK, p);
	counts__add(&key, SS_MIGR_COUNT, 1);
	/*
	 * A queued thread moved: taking it off its queue folded the wait there
	 * into run_delay, which has grown by just that since it last ran, was
	 * woken or moved. A thread being woken has not waited yet.
	 */
	seen = bpf_task_storage_get(&last_seen, p, NULL, 0);
	if (p->on_rq == TASK_ON_RQ_MIGRATING_ && seen && seen->delay_known) {
		__u64 delay = p->sched_info.run_delay;

		if (delay > seen->delay_ns)
			counts__add(&key, SS_MIGR_WAIT_NS, delay - seen->delay_ns);
		seen->delay_ns = delay;
	}
	return 0;
}

/*
 * Between two switch-outs a thread runs one slice, on the CPU it leaves:
 * the growth of sum_exec_runtime is time run there, whatever switch-ins
 * the kernel hid. The first switch-out seen sets the base.
 */
SEC("tp_btf/sched_switch")
int BPF_PROG(migr_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct ss_migr_key key = {};
	struct seen *seen;
	__u64 now;

	if (!prev->pid || !task_wanted(prev))
		return 0;
	seen = bpf_task_storage_get(&last_seen, prev, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!seen)
		return 0;
	now = prev->se.sum_exec_runtime;
	if (seen->ran_ns && now > seen->ran_ns) {
		task_key(&key, SS_MIGR_TASK_CPU, prev);
		key.a = bpf_get_smp_processor_id();
		counts__add(&key, SS_MIGR_COUNT, now - seen->ran_ns);
	}
	seen->ran_ns = now;
	seen->delay_ns = prev->sched_info.run_delay;
	seen->delay_known = 1;
	return 0;
}

/*
 * Queued by a wakeup: its wait starts, and run_delay holds none of it yet
 * (the kernel adds a wait when it ends, at the switch-in or a dequeue).
 */
static __always_inline void on_queued(struct task_struct *p)
{
	struct seen *seen;

	if (!task_wanted(p))
		return;
	seen = bpf_task_storage_get(&last_seen, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!seen)
		return;
	seen->delay_ns = p->sched_info.run_delay;
	seen->delay_known = 1;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(migr_wakeup, struct task_struct *p)
{
	on_queued(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(migr_wakeup_new, struct task_struct *p)
{
	on_queued(p);
	return 0;
}
