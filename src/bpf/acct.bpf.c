// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope's accounting programs, shared by `top` and `cpus`.
 *
 * Runtime, run-queue delay, voluntary and involuntary switches and migrations
 * are not counted here: the kernel already keeps them per thread, exactly
 * (se.sum_exec_runtime, sched_info.run_delay, nvcsw, nivcsw, se.nr_migrations),
 * and the task iterator below reads them when user space asks. That costs
 * nothing per context switch and agrees with /proc to the nanosecond. The
 * hooks only add what the kernel does not keep: wakeup counts, the longest
 * single run-queue wait, per-CPU switch, idle and migration counts, and the
 * final counters of threads that exit between two reads.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "abi.h"
#include "compat.bpf.h"
#include "acct_logic.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load. */
const volatile bool track_idle =
	false; /* per-CPU idle time: costs a clock read per idle transition */
const volatile bool track_waits = true;	    /* per-task and per-CPU run-queue waits */
const volatile bool track_threads = true;   /* final records of exiting threads */
const volatile bool track_cpu_waits = true; /* per-CPU wait sums (cpus) */
const volatile __u64 trace_start_ns = 0;    /* CLOCK_MONOTONIC before attach */
const volatile __s32 filter_cpu = -1;	    /* top -C: count only what happens on this CPU */

/* Written by user space while running. */
__u32 epoch;	  /* the report interval now open; selects wait_max slots */
__u32 iter_seed;  /* 1 on the first iteration: give every thread its wait baseline */
__u32 iter_quiet; /* seed only, write no records (cpus needs no thread figures) */

/*
 * What one thread did on the CPU of top -C, kept apart because the kernel's
 * counters are not per CPU. Runtime is the sum over its slices there of the
 * kernel's own sum_exec_runtime deltas, and a switch away is voluntary exactly
 * when the kernel's nvcsw moved during the slice.
 */
struct on_cpu_acct {
	__u64 runtime_ns;
	__u64 nvcsw;
	__u64 nivcsw;
	__u64 wait_ns;
	__u64 wakeups;
	__u64 migrations; /* into the CPU */
	__u64 rt_in;	  /* sum_exec_runtime when the slice began */
	__u64 nvcsw_in;	  /* nvcsw when the slice began */
	__u64 in_slice;	  /* running there now, *_in valid */
};

/* Per-thread state, freed with the thread. */
struct task_acct {
	struct wait_base wb;
	__u64 wakeups;
	__u64 wait_max_ns[2];
	__u32 wait_epoch[2];
	struct on_cpu_acct oc;
};

static __always_inline bool on_filter_cpu(void)
{
	return filter_cpu >= 0 && bpf_get_smp_processor_id() == (__u32)filter_cpu;
}

static __always_inline void slice_begin(struct on_cpu_acct *oc, struct task_struct *t)
{
	oc->rt_in = t->se.sum_exec_runtime;
	oc->nvcsw_in = t->nvcsw;
	oc->in_slice = 1;
}

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC_);
	__type(key, int);
	__type(value, struct task_acct);
} task_acct SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ss_cpu_stat);
} cpu_stat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* user space sets the number of possible CPUs */
	__type(key, __u32);
	__type(value, struct ss_cpu_mig);
} cpu_mig SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} exits SEC(".maps");

static __always_inline struct ss_cpu_stat *this_cpu_stat(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cpu_stat, &zero);
}

/* The wait that ends as next gets the CPU: see wait__on_arrival(). */
/* on_cpu: this switch happens on the CPU of top -C (always true without -C). */
static __always_inline void account_wait(struct task_struct *next, __u64 rq_clock, bool on_cpu,
					 struct ss_cpu_stat *cs)
{
	struct task_acct *ta;
	__u64 wait = 0, arrivals;

	ta = bpf_task_storage_get(&task_acct, next, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!ta) {
		cs->storage_fail++;
		return;
	}
	switch (wait__on_arrival(&ta->wb, next->sched_info.run_delay, next->sched_info.pcount,
				 next->sched_info.last_queued, rq_clock,
				 next->start_time >= trace_start_ns, &wait, &arrivals)) {
	case WAIT_MEASURED:
		break;
	case WAIT_UNBASED:
		cs->waits_unbased++;
		return;
	default:
		/* Switch-ins went unseen: the span counts, but in no maximum. */
		cs->waits_missed++;
		if (track_cpu_waits) {
			cs->wait_ns += wait;
			cs->waits += arrivals;
		}
		return;
	}
	if (track_cpu_waits) {
		cs->wait_ns += wait;
		cs->waits++;
		slotmax__note(cs->wait_max_ns, cs->wait_epoch, epoch, wait);
	}
	if (!on_cpu)
		return;
	slotmax__note(ta->wait_max_ns, ta->wait_epoch, epoch, wait);
	if (filter_cpu >= 0)
		ta->oc.wait_ns += wait;
}

/* top -C: close prev's slice on the CPU and open next's. */
static __always_inline void account_on_cpu(struct task_struct *prev, struct task_struct *next,
					   struct ss_cpu_stat *cs)
{
	struct task_acct *ta;

	if (prev->pid) {
		ta = bpf_task_storage_get(&task_acct, prev, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!ta)
			cs->storage_fail++;
		else if (ta->oc.in_slice) {
			ta->oc.runtime_ns += prev->se.sum_exec_runtime - ta->oc.rt_in;
			/* __schedule() bumps nvcsw or nivcsw before the tracepoint. */
			if (prev->nvcsw != ta->oc.nvcsw_in)
				ta->oc.nvcsw++;
			else
				ta->oc.nivcsw++;
			ta->oc.in_slice = 0;
		}
	}
	if (next->pid) {
		ta = bpf_task_storage_get(&task_acct, next, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (ta)
			slice_begin(&ta->oc, next);
		else
			cs->storage_fail++;
	}
}

/*
 * Idle time per CPU: the idle task (pid 0, one per CPU) holding it. Clock
 * reads cost ~90 ns here, so only idle transitions pay for one.
 *
 * Not every context switch reaches the tracepoint: on some kernels (seen on
 * 6.18 in a Firecracker guest) the switches away from certain tasks are
 * counted in rq->nr_switches and the tasks' nvcsw/nivcsw but never traced.
 * When the idle task leaves a CPU that we never saw it enter, it entered
 * after the last switch we did see there: that switch's rq clock, moved onto
 * CLOCK_MONOTONIC by the offset measured at the last idle transition, is the
 * start (late by the untraced task's last slice at most), and the period is
 * counted in idle_untraced.
 */
/* The CPU is in its idle task but no switch into it was seen: see above. */
static __always_inline void idle_start_untraced(struct ss_cpu_stat *cs)
{
	if (cs->idle_since_ns || !cs->last_sw_clock || !cs->clock_offset)
		return;
	cs->idle_since_ns = cs->last_sw_clock + cs->clock_offset;
	cs->idle_untraced++;
}

static __always_inline void account_idle(struct task_struct *prev, struct task_struct *next,
					 __u64 rq_clock, struct ss_cpu_stat *cs)
{
	bool prev_idle = prev->pid == 0, next_idle = next->pid == 0;
	__u64 now;

	if (!prev_idle && !next_idle)
		return;
	now = bpf_ktime_get_ns();
	cs->idle_seq++;
	if (prev_idle && cs->idle_known)
		idle_start_untraced(cs);
	cs->idle_ns += idle__on_switch(&cs->idle_since_ns, prev_idle, next_idle, now);
	/* schedule_idle() counts the idle task's switches in its nivcsw. */
	if (prev_idle)
		cs->idle_exits = prev->nivcsw;
	cs->clock_offset = now - rq_clock;
	cs->idle_known = 1;
	cs->idle_seq++;
}

static __always_inline void fill_rec(struct ss_task_rec *rec, struct task_struct *t,
				     struct task_acct *ta);

/*
 * A thread's last context switch (do_task_dead() set TASK_DEAD): __schedule()
 * has just folded its last slice into its counters, so they are final. Sent
 * now rather than when the task is freed, an RCU grace period later, so a
 * thread that exits just before a report is in it; the iterator skips dead
 * tasks, so a zombie is not counted again.
 */
static __always_inline void send_final(struct task_struct *prev, struct ss_cpu_stat *cs)
{
	struct ss_task_rec *rec;

	rec = bpf_ringbuf_reserve(&exits, sizeof(*rec), 0);
	if (!rec) {
		cs->exit_drops++;
		return;
	}
	fill_rec(rec, prev, bpf_task_storage_get(&task_acct, prev, 0, 0));
	rec->flags = SS_TASK_EXITED;
	/* User space drains on its own beat; a wake-up per exit would cost more. */
	bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP);
}

static __always_inline int handle_switch(struct task_struct *prev, struct task_struct *next)
{
	struct ss_cpu_stat *cs = this_cpu_stat();
	bool on_cpu = filter_cpu < 0 || on_filter_cpu();
	struct rq *rq;
	__u64 clock = 0;

	if (!cs)
		return 0;
	cs->switches++;
	if (has_rq_clock()) {
		rq = task_rq_of(prev);
		clock = rq->clock;
		/*
		 * __schedule() counted this switch before the tracepoint. Without
		 * idle tracking, the read before each report is enough.
		 */
		if (track_idle)
			cs->kernel_switches = rq->nr_switches;
	}
	if (track_idle) {
		account_idle(prev, next, clock, cs);
		cs->last_sw_clock = clock;
	}
	if (track_waits && has_rq_clock() && next->pid)
		account_wait(next, clock, on_cpu, cs);
	if (filter_cpu >= 0 && on_cpu)
		account_on_cpu(prev, next, cs);
	if (track_threads && (task_state(prev) & TASK_DEAD_))
		send_final(prev, cs);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return handle_switch(prev, next);
}

static __always_inline int handle_wakeup(struct task_struct *p)
{
	struct task_acct *ta;
	struct ss_cpu_stat *cs;

	ta = bpf_task_storage_get(&task_acct, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ta) {
		ta->wakeups++;
		/* The tracepoint fires after the target CPU was chosen. */
		if (filter_cpu >= 0 && task_cpu_of(p) == (__u32)filter_cpu)
			ta->oc.wakeups++;
		return 0;
	}
	cs = this_cpu_stat();
	if (cs)
		cs->storage_fail++;
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(on_wakeup, struct task_struct *p)
{
	return handle_wakeup(p);
}

static __always_inline int handle_migrate(struct task_struct *p, __u32 to)
{
	__u32 from = task_cpu_of(p);
	struct ss_cpu_mig *m;

	/* set_task_cpu() fires the tracepoint even when the CPU stays the same. */
	if (from == to)
		return 0;
	m = bpf_map_lookup_elem(&cpu_mig, &from);
	if (m)
		__sync_fetch_and_add(&m->out, 1);
	m = bpf_map_lookup_elem(&cpu_mig, &to);
	if (m)
		__sync_fetch_and_add(&m->in, 1);
	if (filter_cpu >= 0 && to == (__u32)filter_cpu) {
		struct task_acct *ta =
			bpf_task_storage_get(&task_acct, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

		if (ta)
			ta->oc.migrations++;
	}
	return 0;
}

SEC("tp_btf/sched_migrate_task")
int BPF_PROG(on_migrate, struct task_struct *p, int dest_cpu)
{
	return handle_migrate(p, dest_cpu);
}

/* Every byte of rec: ring-buffer memory comes uncleared. */
static __always_inline void fill_rec(struct ss_task_rec *rec, struct task_struct *t,
				     struct task_acct *ta)
{
	struct task_struct *leader = task_leader_cold(t);

	__builtin_memset(rec, 0, sizeof(*rec));
	rec->start_ns = t->start_time;
	rec->pstart_ns = BPF_CORE_READ(leader, start_time);
	rec->runtime_ns = t->se.sum_exec_runtime;
	rec->run_delay_ns = t->sched_info.run_delay;
	rec->nvcsw = t->nvcsw;
	rec->nivcsw = t->nivcsw;
	rec->migrations = t->se.nr_migrations;
	rec->cgroup_id = task_cgroup_id_cold(t);
	rec->pid = t->tgid;
	rec->tid = t->pid;
	bpf_probe_read_kernel(rec->comm, sizeof(rec->comm), t->comm);
	bpf_probe_read_kernel(rec->pcomm, sizeof(rec->pcomm), &leader->comm);
	if (ta && filter_cpu >= 0) {
		/* top -C: the figures on that CPU, the slice in progress included. */
		rec->runtime_ns = ta->oc.runtime_ns;
		if (ta->oc.in_slice && t->on_cpu)
			rec->runtime_ns += t->se.sum_exec_runtime - ta->oc.rt_in;
		rec->run_delay_ns = ta->oc.wait_ns;
		rec->nvcsw = ta->oc.nvcsw;
		rec->nivcsw = ta->oc.nivcsw;
		rec->migrations = ta->oc.migrations;
		rec->wakeups = ta->oc.wakeups;
	} else if (filter_cpu >= 0) {
		/* Never ran there since we started. */
		rec->runtime_ns = rec->run_delay_ns = rec->nvcsw = rec->nivcsw = 0;
		rec->migrations = 0;
	}
	if (!ta)
		return;
	if (filter_cpu < 0)
		rec->wakeups = ta->wakeups;
	rec->wait_max_ns[0] = ta->wait_max_ns[0];
	rec->wait_max_ns[1] = ta->wait_max_ns[1];
	rec->wait_epoch[0] = ta->wait_epoch[0];
	rec->wait_epoch[1] = ta->wait_epoch[1];
}

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	struct ss_task_rec rec;
	struct task_acct *ta;

	/* Dead: its final record was sent at its last switch. */
	if (!t || (task_state(t) & TASK_DEAD_))
		return 0;
	if (iter_seed) {
		ta = bpf_task_storage_get(&task_acct, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (ta)
			wait__seed(&ta->wb, t->sched_info.run_delay, t->sched_info.pcount);
		/* Running on the -C CPU since before we started: its slice counts from now. */
		if (ta && filter_cpu >= 0 && t->on_cpu && task_cpu_of(t) == (__u32)filter_cpu &&
		    !ta->oc.in_slice)
			slice_begin(&ta->oc, t);
	} else {
		ta = bpf_task_storage_get(&task_acct, t, 0, 0);
	}
	if (iter_quiet)
		return 0;
	fill_rec(&rec, t, ta);
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	return 0;
}

/*
 * Run by user space on each CPU in turn (BPF_F_TEST_RUN_ON_CPU, an IPI) at
 * attach and before every read. Whatever the IPI interrupted holds the CPU:
 * so a CPU that stays idle without a single switch is known to be idle, an
 * idle period whose start was never traced is known now rather than when it
 * ends, and the kernel's switch count is read fresh.
 */
SEC("raw_tp")
int probe_cpu(void *ctx)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct ss_cpu_stat *cs = this_cpu_stat();
	bool idle = cur->pid == 0;

	if (!cs)
		return 0;
	if (has_rq_clock()) {
		cs->kernel_switches = task_rq_of(cur)->nr_switches;
		cs->idle_exits = task_rq_of(cur)->idle->nivcsw;
	}
	if (!track_idle)
		return 0;
	cs->idle_seq++;
	if (!cs->idle_known) {
		cs->idle_since_ns = idle ? bpf_ktime_get_ns() : 0;
		cs->idle_known = 1;
	} else if (idle) {
		idle_start_untraced(cs);
	}
	cs->idle_seq++;
	return 0;
}
