/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The thirteen probes of DTrace's sched provider (dtrace_sched(4)) on Linux
 * tracepoints: the hooks, and when each probe fires and with what
 * arguments. One definition for every command that takes the probes:
 * probes.bpf.c counts them by key (`count`), events.bpf.c streams each
 * firing into the event ring (`trace -e on-cpu`, `record`).
 *
 * Each probe is about one thread, the one DTrace passes as args[0] or, where
 * it passes none, curthread: on-cpu is about next, off-cpu, sleep and
 * preempt about prev, wakeup about the woken thread. docs/dtrace.md maps
 * each probe to its hook and says where Linux differs.
 *
 * The includer provides, before including: vmlinux.h, abi.h, compat.bpf.h
 * and task_filter.bpf.h; `filter_cpu` (-C) and cpu_wanted(). After
 * including, it defines probe_emit(), called for a firing that passed the
 * filters (-C on the probe's CPU, -p/-t/-c on its thread).
 *
 * Only the hooks the asked probes need are loaded (user space sets their
 * autoload by the program names, probesession__set_hooks()), and `probes`
 * is read-only, so the verifier drops the branches of the probes not asked
 * for: a switch costs the probes taken on it, and an object whose probe
 * programs are not loaded pays nothing for them.
 */
#ifndef SCHEDSCOPE_SCHED_PROBES_BPF_H
#define SCHEDSCOPE_SCHED_PROBES_BPF_H

#define P(probe) (1u << (probe))
#define TASK_ON_RQ_MIGRATING_ 2 /* p->on_rq while a queued task moves between CPUs */

/* Set by user space before load. */
const volatile __u32 probes = 0;  /* P() of the probes taken */
const volatile __u64 tick_fn = 0; /* the tick's hrtimer function (kallsyms) */

/* What a firing carries beside its thread and CPU (DTrace's other args). */
struct probe_args {
	struct task_struct *other; /* off-cpu: the next thread; lend-pri: the lender */
	int old_prio;		   /* change-pri: the priority before */
	int prio2;		   /* change-pri, lend-pri: the new priority; off-cpu: next's */
	__u32 nr_running;	   /* load-change: the queue's new length */
};

/* One firing of probe about thread t and CPU cpu, the filters passed. */
static __always_inline void probe_emit(__u32 probe, struct task_struct *t, __u32 cpu,
				       const struct probe_args *a);

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

/* Fire probe for thread t on cpu, if the filters (-C, -p, -t, -c) let it. */
static __always_inline void fire(__u32 probe, struct task_struct *t, __u32 cpu,
				 const struct probe_args *a)
{
	if (cpu_wanted(cpu) && task_wanted(t))
		probe_emit(probe, t, cpu, a);
}

/* A priority the task's switch shows, against the one its last switch showed. */
static __always_inline void prio_seen(struct task_struct *t, __u32 cpu)
{
	__s32 *last = bpf_task_storage_get(&last_prio, t, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!last)
		return;
	/* 0 is a new entry: nothing seen yet (prio 0 is RT 99, rare enough to lose once). */
	if (*last && *last != t->prio) {
		struct probe_args a = { .old_prio = *last, .prio2 = t->prio };

		probe_emit(SS_P_CHANGE_PRI, t, cpu, &a);
	}
	*last = t->prio;
}

static __always_inline void on_switch(bool preempt, struct task_struct *prev,
				      struct task_struct *next, unsigned int prev_state)
{
	__u32 cpu = bpf_get_smp_processor_id();
	bool dead = prev_state & TASK_DEAD_, prev_ok, next_ok;
	struct probe_args none = {};

	if (wanted(SS_P_OFF_CPU) || wanted(SS_P_ON_CPU)) {
		__u32 zero = 0;
		struct ss_switch_stat *st = bpf_map_lookup_elem(&switch_stat, &zero);

		if (st)
			st->traced++;
	}
	if (!cpu_wanted(cpu))
		return;
	/*
	 * Each side's filters once, for every probe of this switch. In
	 * DTrace's order: why prev leaves, prev leaves, next arrives.
	 */
	prev_ok = task_wanted(prev);
	next_ok = task_wanted(next);
	if (prev_ok) {
		/* The kernel's own split (nvcsw against nivcsw): blocking, or anything else. */
		if (!preempt && prev_state) {
			if (wanted(SS_P_SLEEP) && !dead)
				probe_emit(SS_P_SLEEP, prev, cpu, &none);
			if (wanted(SS_P_DEQUEUE))
				probe_emit(SS_P_DEQUEUE, prev, cpu, &none);
		} else if (wanted(SS_P_PREEMPT)) {
			probe_emit(SS_P_PREEMPT, prev, cpu, &none);
		}
		if (wanted(SS_P_CHANGE_PRI) && !dead)
			prio_seen(prev, cpu);
		if (wanted(SS_P_OFF_CPU)) {
			struct probe_args a = { .other = next, .prio2 = next->prio };

			probe_emit(SS_P_OFF_CPU, prev, cpu, &a);
		}
	}
	if (wanted(SS_P_ON_CPU) && next_ok)
		probe_emit(SS_P_ON_CPU, next, cpu, &none);
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
	struct probe_args none = {};

	if (!is_switch)
		fire(SS_P_REMAIN_CPU, bpf_get_current_task_btf(), bpf_get_smp_processor_id(),
		     &none);
	return 0;
}

/* In the waker's context, before the woken task is queued. */
SEC("tp_btf/sched_waking")
int BPF_PROG(probe_waking, struct task_struct *p)
{
	struct probe_args none = {};

	fire(SS_P_WAKEUP, p, task_cpu_of(p), &none);
	return 0;
}

/*
 * After the woken task is queued. A task woken before it got off its CPU
 * was never dequeued (its switch, if any, is not a sleep), so it is not
 * queued again either.
 */
static __always_inline void on_queued(struct task_struct *p)
{
	struct probe_args none = {};

	if (!p->on_cpu)
		fire(SS_P_ENQUEUE, p, task_cpu_of(p), &none);
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
	struct probe_args none = {};

	if (p->on_rq != TASK_ON_RQ_MIGRATING_)
		return 0;
	if (wanted(SS_P_DEQUEUE))
		fire(SS_P_DEQUEUE, p, task_cpu_of(p), &none);
	if (wanted(SS_P_ENQUEUE))
		fire(SS_P_ENQUEUE, p, dest_cpu, &none);
	return 0;
}

/*
 * rt_mutex priority inheritance: the task's priority becomes its own or
 * its top waiter's, whichever is higher; lent when the waiter's wins.
 * rt_mutex_setprio() fires the tracepoint before it sets the priority it
 * computes as here (__rt_effective_prio()), so tsk->prio is the old one.
 */
SEC("tp_btf/sched_pi_setprio")
int BPF_PROG(probe_pi_setprio, struct task_struct *tsk, struct task_struct *pi_task)
{
	int newprio = tsk->normal_prio;
	__u32 cpu = task_cpu_of(tsk);

	if (pi_task && pi_task->prio < newprio)
		newprio = pi_task->prio;
	if (wanted(SS_P_CHANGE_PRI) && newprio != tsk->prio) {
		struct probe_args a = { .old_prio = tsk->prio, .prio2 = newprio };

		fire(SS_P_CHANGE_PRI, tsk, cpu, &a);
	}
	if (wanted(SS_P_LEND_PRI) && pi_task && newprio < tsk->normal_prio) {
		struct probe_args a = { .other = pi_task, .prio2 = newprio };

		fire(SS_P_LEND_PRI, tsk, cpu, &a);
	}
	return 0;
}

/*
 * A run queue's length changed (add_nr_running() and sub_nr_running() fire
 * it after the change); the thread is whoever runs there.
 */
SEC("tp_btf/sched_update_nr_running_tp")
int BPF_PROG(probe_nr_running, struct rq *rq, int change)
{
	struct probe_args a = { .nr_running = rq->nr_running };

	fire(SS_P_LOAD_CHANGE, bpf_get_current_task_btf(), rq->cpu, &a);
	return 0;
}

/* The scheduler tick is an hrtimer whose function user space looked up. */
SEC("tp_btf/hrtimer_expire_entry")
int BPF_PROG(probe_hrtimer, struct hrtimer *timer, ktime_t *now)
{
	struct probe_args none = {};

	if ((__u64)timer->function == tick_fn)
		fire(SS_P_TICK, bpf_get_current_task_btf(), bpf_get_smp_processor_id(), &none);
	return 0;
}

/* 6.16+: a CPU's running task is told to reschedule. */
SEC("tp_btf/sched_set_need_resched_tp")
int BPF_PROG(probe_need_resched, struct task_struct *tsk, int cpu, int tif)
{
	struct probe_args none = {};

	fire(SS_P_SURRENDER, tsk, cpu, &none);
	return 0;
}

/*
 * Run by hand on each CPU (bpfsess__run_on_each_cpu), never attached: the
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

#endif
