// SPDX-License-Identifier: GPL-2.0
/*
 * The thirteen probes of DTrace's sched provider (dtrace_sched(4)) on Linux
 * tracepoints, counted by key in the kernel (counts.bpf.h) for `count`.
 *
 * Each probe is about one thread, the one DTrace passes as args[0] or, where
 * it passes none, curthread: on-cpu is about next, off-cpu, sleep and
 * preempt about prev, wakeup about the woken thread. docs/dtrace.md maps
 * each probe to its hook and says where Linux differs.
 *
 * Only the hooks the asked probes need are loaded (user space sets their
 * autoload), and `probes` is read-only, so the verifier drops the branches
 * of the probes not asked for: a switch costs the probes counted on it.
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

#define P(probe) (1u << (probe))
#define TASK_ON_RQ_MIGRATING_ 2	/* p->on_rq while a queued task moves between CPUs */

/* Set by user space before load. */
const volatile __u32 probes = 0;		/* P() of the probes to count */
const volatile __u32 by = 0;			/* SS_BY_* fields of the key */
const volatile bool by_slot = false;		/* by is SS_BY_CPU or none: slots by probe */
const volatile __s32 filter_cpu = -1;		/* -C */
const volatile __u64 tick_fn = 0;		/* the tick's hrtimer function (kallsyms) */

/* Each thread's priority as its last switch-out showed it, for change-pri. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC_);
	__type(key, int);
	__type(value, __s32);
} last_prio SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ss_switch_stat);
} switch_stat SEC(".maps");

static __always_inline bool wanted(__u32 probe)
{
	return probes & P(probe);
}

/* Count probe for thread t on cpu, both known to pass the filters. */
static __always_inline void count_probe(__u32 probe, struct task_struct *t, __u32 cpu)
{
	struct ss_count_key key = { .probe = probe };

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

static __always_inline bool cpu_wanted(__u32 cpu)
{
	return filter_cpu < 0 || cpu == (__u32)filter_cpu;
}

/* Count probe for thread t on cpu, if the filters (-C, -p, -t, -c) let it. */
static __always_inline void fire(__u32 probe, struct task_struct *t, __u32 cpu)
{
	if (cpu_wanted(cpu) && task_wanted(t))
		count_probe(probe, t, cpu);
}

/* A priority the task's switch shows, against the one its last switch showed. */
static __always_inline void prio_seen(struct task_struct *t, __u32 cpu)
{
	__s32 *last = bpf_task_storage_get(&last_prio, t, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!last)
		return;
	/* 0 is a new entry: nothing seen yet (prio 0 is RT 99, rare enough to lose once). */
	if (*last && *last != t->prio)
		count_probe(SS_P_CHANGE_PRI, t, cpu);
	*last = t->prio;
}

static __always_inline void on_switch(bool preempt, struct task_struct *prev,
				      struct task_struct *next, unsigned int prev_state)
{
	__u32 cpu = bpf_get_smp_processor_id();
	bool dead = prev_state & TASK_DEAD_, prev_ok, next_ok;

	if (wanted(SS_P_OFF_CPU) || wanted(SS_P_ON_CPU)) {
		__u32 zero = 0;
		struct ss_switch_stat *st = bpf_map_lookup_elem(&switch_stat, &zero);

		if (st)
			st->traced++;
	}
	if (!cpu_wanted(cpu))
		return;
	/* Each side's filters once, for every probe of this switch. */
	prev_ok = task_wanted(prev);
	next_ok = task_wanted(next);
	if (wanted(SS_P_ON_CPU) && next_ok)
		count_probe(SS_P_ON_CPU, next, cpu);
	if (!prev_ok)
		return;
	if (wanted(SS_P_OFF_CPU))
		count_probe(SS_P_OFF_CPU, prev, cpu);
	/* The kernel's own split (nvcsw against nivcsw): blocking, or anything else. */
	if (!preempt && prev_state) {
		if (wanted(SS_P_SLEEP) && !dead)
			count_probe(SS_P_SLEEP, prev, cpu);
		if (wanted(SS_P_DEQUEUE))
			count_probe(SS_P_DEQUEUE, prev, cpu);
	} else if (wanted(SS_P_PREEMPT)) {
		count_probe(SS_P_PREEMPT, prev, cpu);
	}
	if (wanted(SS_P_CHANGE_PRI) && !dead)
		prio_seen(prev, cpu);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(probe_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	on_switch(preempt, prev, next, prev_state);
	return 0;
}

/* 6.16+: the end of every __schedule(); no switch means the same task goes on. */
SEC("tp_btf/sched_exit_tp")
int BPF_PROG(probe_sched_exit, bool is_switch)
{
	if (!is_switch)
		fire(SS_P_REMAIN_CPU, bpf_get_current_task_btf(), bpf_get_smp_processor_id());
	return 0;
}

/* In the waker's context, before the woken task is queued. */
SEC("tp_btf/sched_waking")
int BPF_PROG(probe_waking, struct task_struct *p)
{
	fire(SS_P_WAKEUP, p, task_cpu_of(p));
	return 0;
}

/*
 * After the woken task is queued. A task woken before it got off its CPU
 * was never dequeued (its switch, if any, is not a sleep), so it is not
 * queued again either.
 */
static __always_inline void on_queued(struct task_struct *p)
{
	if (!p->on_cpu)
		fire(SS_P_ENQUEUE, p, task_cpu_of(p));
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(probe_wakeup, struct task_struct *p)
{
	on_queued(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(probe_wakeup_new, struct task_struct *p)
{
	on_queued(p);
	return 0;
}

/*
 * A queued task moving to another CPU leaves one queue and joins another;
 * one being woken (on_rq 0) is queued later, by the wakeup.
 */
SEC("tp_btf/sched_migrate_task")
int BPF_PROG(probe_migrate, struct task_struct *p, int dest_cpu)
{
	if (p->on_rq != TASK_ON_RQ_MIGRATING_)
		return 0;
	if (wanted(SS_P_DEQUEUE))
		fire(SS_P_DEQUEUE, p, task_cpu_of(p));
	if (wanted(SS_P_ENQUEUE))
		fire(SS_P_ENQUEUE, p, dest_cpu);
	return 0;
}

/*
 * rt_mutex priority inheritance: the task's priority becomes its own or
 * its top waiter's, whichever is higher; lent when the waiter's wins.
 */
SEC("tp_btf/sched_pi_setprio")
int BPF_PROG(probe_pi_setprio, struct task_struct *tsk, struct task_struct *pi_task)
{
	int newprio = tsk->normal_prio;
	__u32 cpu = task_cpu_of(tsk);

	if (pi_task && pi_task->prio < newprio)
		newprio = pi_task->prio;
	if (wanted(SS_P_CHANGE_PRI) && newprio != tsk->prio)
		fire(SS_P_CHANGE_PRI, tsk, cpu);
	if (wanted(SS_P_LEND_PRI) && pi_task && newprio < tsk->normal_prio)
		fire(SS_P_LEND_PRI, tsk, cpu);
	return 0;
}

/* A run queue's length changed; the thread is whoever runs there. */
SEC("tp_btf/sched_update_nr_running_tp")
int BPF_PROG(probe_nr_running, struct rq *rq, int change)
{
	fire(SS_P_LOAD_CHANGE, bpf_get_current_task_btf(), rq->cpu);
	return 0;
}

/* The scheduler tick is an hrtimer whose function user space looked up. */
SEC("tp_btf/hrtimer_expire_entry")
int BPF_PROG(probe_hrtimer, struct hrtimer *timer, ktime_t *now)
{
	if ((__u64)timer->function == tick_fn)
		fire(SS_P_TICK, bpf_get_current_task_btf(), bpf_get_smp_processor_id());
	return 0;
}

/* 6.16+: a CPU's running task is told to reschedule. */
SEC("tp_btf/sched_set_need_resched_tp")
int BPF_PROG(probe_need_resched, struct task_struct *tsk, int cpu, int tif)
{
	fire(SS_P_SURRENDER, tsk, cpu);
	return 0;
}

/*
 * Run by hand on each CPU (bpfenv__run_on_each_cpu), never attached: the
 * kernel's count of this CPU's switches, against which on-cpu and off-cpu
 * show what the tracepoint hid.
 */
SEC("raw_tp")
int probe_cpu(void *ctx)
{
	struct ss_switch_stat *st;
	__u32 zero = 0;

	st = bpf_map_lookup_elem(&switch_stat, &zero);
	if (st && has_rq_clock())
		st->kernel = task_rq_of(bpf_get_current_task_btf())->nr_switches;
	return 0;
}
