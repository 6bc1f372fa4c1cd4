// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope's event programs, shared by `trace` and `record`: one
 * ring-buffer record per scheduling event (struct ss_ev and its kinds in
 * src/bpf/abi.h), filtered in the kernel, and a task iterator for the names and
 * counters of every thread at the start and the end; and the DTrace sched
 * probes of sched_probes.bpf.h, one record per firing.
 *
 * The hot paths are sched_switch and sched_waking, a few hundred thousand
 * times a second under a pipe ping-pong, so they do as little as they can:
 * no map lookup, no helper but the clock, the ring buffer and the CPU
 * number, and counters read straight from the tracepoint's task pointers.
 * What can be worked out later is left to user space: whether a switch was
 * voluntary (from nvcsw and nivcsw, src/bpf/ev_logic.h), how long prev ran
 * (from sum_exec_runtime at its previous switch-out), and every name.
 *
 * Timestamps are bpf_ktime_get_ns() (CLOCK_MONOTONIC) for every kind. The
 * run queue's clock, which __schedule() has just set, would save the read in
 * the switch hook, but it is sched_clock, another clock, and stale when the
 * wakeup that caused the switch asked for the clock update to be skipped;
 * the wakeup hooks have no fresh rq clock at all.
 *
 * The hooks cost, with bpf_stats, on this project's 6.18 VMs under a pinned
 * `perf bench sched pipe` (an empty tp_btf program reads ~39 ns there, the
 * statistics' own clock reads): ev_switch ~139 ns, ev_waking ~128 ns; the
 * clock read is ~44 ns of each, the ring's reserve and submit ~60 ns.
 *
 * The ring is the event-stream shape's (stream.bpf.h). User space is woken
 * once each time the data queued crosses stream_wakeup_bytes (1/8 of the
 * ring), not per record; otherwise it drains on its own beat
 * (every 100 ms at most). That keeps the irq_work, a self-IPI, and the
 * consumer's wake-up off the traced CPUs.
 *
 * One ring for all CPUs keeps the events in the order they were recorded.
 * Per-CPU rings (an array of ring buffers) cost ~8 ns more per event under
 * the pinned pipe (the lookup) and saved ~10-20 ns under a two-CPU
 * `perf bench sched messaging`, where the shared ring's lock moves between
 * CPUs; not worth losing the order for.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "abi.h"
#include "compat.bpf.h"
#include "ev_logic.h"
#include "stream.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load. */
const volatile __s32 filter_cpu = -1;  /* -C: only events on this CPU */
const volatile bool names_all = false; /* fork, exec, rename outside the filters too */

/* Written by user space: the next scan reports every thread, the filters aside. */
__u32 scan_all;

/* A priority change in progress: the caller's tid -> the task's prio before it. */
struct prio_before {
	__u32 tid;
	__s32 prio;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct prio_before);
} prio_pending SEC(".maps");

/* -C: the event happens on the CPU asked for. */
static __always_inline bool cpu_wanted(__u32 cpu)
{
	return filter_cpu < 0 || cpu == (__u32)filter_cpu;
}

/* A record of size bytes with its header set from t, or NULL (counted). */
static __always_inline void *new_record(__u64 size, __u8 type, __u32 cpu, struct task_struct *t)
{
	struct ss_ev *h = stream__reserve(size);

	if (!h)
		return NULL;
	h->ts_ns = bpf_ktime_get_ns();
	h->type = type;
	h->state = 0;
	h->cpu = cpu;
	h->tid = t->pid;
	h->pid = t->tgid;
	h->prio = t->prio;
	h->cpu2 = 0;
	return h;
}

static __always_inline int handle_switch(bool preempt, struct task_struct *prev,
					 struct task_struct *next, unsigned int prev_state)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct ss_ev_switch *e;
	__u64 clock;

	if (!cpu_wanted(cpu))
		return 0;
	if (!task_wanted(prev) && !task_wanted(next))
		return 0;
	e = new_record(sizeof(*e), EV_SWITCH, cpu, prev);
	if (!e)
		return 0;
	e->h.state = ev__switch_state_index(preempt, prev_state, prev->exit_state);
	e->h.prio2 = next->prio;
	e->next_tid = next->pid;
	e->next_pid = next->tgid;
	/* __schedule() has counted the switch and the slice before the tracepoint. */
	e->runtime_ns = prev->se.sum_exec_runtime;
	e->nvcsw = prev->nvcsw;
	e->nivcsw = prev->nivcsw;
	/* The rq clock sched_info_arrive() is about to use: see sched_info__arrive(). */
	clock = has_rq_clock() ? task_rq_of(prev)->clock : 0;
	sched_info__arrive(next->sched_info.run_delay, next->sched_info.pcount,
			   has_rq_clock() ? next->sched_info.last_queued : 0, clock,
			   &e->run_delay_ns, &e->pcount);
	stream__submit(e, sizeof(*e));
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(ev_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	return handle_switch(preempt, prev, next, prev_state);
}

/* target_cpu as ftrace has it: task_cpu(p) when the tracepoint fires. */
static __always_inline int handle_wake(struct task_struct *p, __u8 type)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct ss_ev *e;

	if (!cpu_wanted(cpu) || !task_wanted(p))
		return 0;
	e = new_record(sizeof(*e), type, cpu, p);
	if (!e)
		return 0;
	e->cpu2 = task_cpu_of(p);
	stream__submit(e, sizeof(*e));
	return 0;
}

SEC("tp_btf/sched_waking")
int BPF_PROG(ev_waking, struct task_struct *p)
{
	return handle_wake(p, EV_WAKING);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(ev_wakeup, struct task_struct *p)
{
	return handle_wake(p, EV_WAKEUP);
}

/* After select_task_rq(): task_cpu() is the CPU the new task will run on. */
SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(ev_wakeup_new, struct task_struct *p)
{
	return handle_wake(p, EV_WAKEUP_NEW);
}

static __always_inline int handle_migrate(struct task_struct *p, int dest_cpu)
{
	__u32 cpu = bpf_get_smp_processor_id(), from = task_cpu_of(p);
	struct ss_ev_migrate *e;

	/* set_task_cpu() fires the tracepoint even when the CPU stays the same. */
	if (from == (__u32)dest_cpu || !cpu_wanted(cpu) || !task_wanted(p))
		return 0;
	e = new_record(sizeof(*e), EV_MIGRATE, cpu, p);
	if (!e)
		return 0;
	e->h.cpu2 = from;
	e->dest_cpu = dest_cpu;
	e->pad = 0;
	/* set_task_cpu() counts the migration right after the tracepoint. */
	e->migrations = p->se.nr_migrations + 1;
	stream__submit(e, sizeof(*e));
	return 0;
}

SEC("tp_btf/sched_migrate_task")
int BPF_PROG(ev_migrate, struct task_struct *p, int dest_cpu)
{
	return handle_migrate(p, dest_cpu);
}

/*
 * fork, exec and rename: SS_EV_NAME_ONLY when the filters leave the event
 * out but user space wants every name (names_all); NULL if neither.
 */
static __always_inline void *new_name_record(__u64 size, __u8 type, struct task_struct *t,
					     bool wanted_task)
{
	__u32 cpu = bpf_get_smp_processor_id();
	bool pass = cpu_wanted(cpu) && wanted_task;
	struct ss_ev *h;

	if (!pass && !names_all)
		return NULL;
	h = new_record(size, type, cpu, t);
	if (h && !pass)
		h->state = SS_EV_NAME_ONLY;
	return h;
}

static __always_inline int handle_fork(struct task_struct *parent, struct task_struct *child)
{
	struct ss_ev_fork *e;

	e = new_name_record(sizeof(*e), EV_FORK, parent, task_wanted(parent) || task_wanted(child));
	if (!e)
		return 0;
	e->child_tid = child->pid;
	e->child_pid = child->tgid;
	bpf_probe_read_kernel(e->comm, sizeof(e->comm), child->comm);
	stream__submit(e, sizeof(*e));
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(ev_fork, struct task_struct *parent, struct task_struct *child)
{
	return handle_fork(parent, child);
}

/* begin_new_exec() has set the new name; old_pid is the tid before de_thread(). */
static __always_inline int handle_exec(struct task_struct *p, pid_t old_pid)
{
	struct ss_ev_exec *e;

	e = new_name_record(sizeof(*e), EV_EXEC, p, task_wanted(p));
	if (!e)
		return 0;
	e->old_tid = old_pid;
	e->pad = 0;
	bpf_probe_read_kernel(e->comm, sizeof(e->comm), p->comm);
	stream__submit(e, sizeof(*e));
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(ev_exec, struct task_struct *p, pid_t old_pid)
{
	return handle_exec(p, old_pid);
}

static __always_inline int handle_exit(struct task_struct *p)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct ss_ev_exit *e;

	if (!cpu_wanted(cpu) || !task_wanted(p))
		return 0;
	e = new_record(sizeof(*e), EV_EXIT, cpu, p);
	if (!e)
		return 0;
	e->runtime_ns = p->se.sum_exec_runtime;
	e->nvcsw = p->nvcsw;
	e->nivcsw = p->nivcsw;
	stream__submit(e, sizeof(*e));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(ev_exit, struct task_struct *p)
{
	return handle_exit(p);
}

/*
 * __set_task_comm() fires it before it copies the name in: prctl(PR_SET_NAME),
 * a write to /proc/PID/comm, exec. -c matches the old name or the new one.
 */
static __always_inline int handle_rename(struct task_struct *t, const char *comm)
{
	bool ids = task_ids_wanted(t);
	struct ss_ev_rename *e;

	/* -c is matched below, on the old name or the new one. */
	e = new_name_record(sizeof(*e), EV_RENAME, t, ids);
	if (!e)
		return 0;
	__builtin_memset(e->comm, 0, sizeof(e->comm));
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), comm);
	if (task_filter.comm_len && !task_comm_match(t->comm) && !task_comm_match(e->comm)) {
		if (!names_all) {
			bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
			return 0;
		}
		e->h.state = SS_EV_NAME_ONLY;
	}
	stream__submit(e, sizeof(*e));
	return 0;
}

SEC("tp_btf/task_rename")
int BPF_PROG(ev_rename, struct task_struct *task, const char *comm)
{
	return handle_rename(task, comm);
}

static __always_inline void emit_prio(struct task_struct *p, int old_prio, int new_prio)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct ss_ev *e;

	if (old_prio == new_prio || !cpu_wanted(cpu) || !task_wanted(p))
		return;
	e = new_record(sizeof(*e), EV_PRIO, cpu, p);
	if (!e)
		return;
	e->prio = old_prio;
	e->prio2 = new_prio;
	stream__submit(e, sizeof(*e));
}

/*
 * Priority inheritance: rt_mutex_setprio() fires it before it sets the
 * priority it computes as below (__rt_effective_prio()).
 */
static __always_inline int handle_pi(struct task_struct *p, struct task_struct *pi_task)
{
	int prio = p->normal_prio;

	if (pi_task && pi_task->prio < prio)
		prio = pi_task->prio;
	emit_prio(p, p->prio, prio);
	return 0;
}

SEC("tp_btf/sched_pi_setprio")
int BPF_PROG(ev_pi, struct task_struct *p, struct task_struct *pi_task)
{
	return handle_pi(p, pi_task);
}

/*
 * setpriority() and sched_setscheduler()/sched_setattr() have no tracepoint:
 * set_user_nice() and __sched_setscheduler() are traced on entry (p->prio
 * before, kept under the calling thread's tid: the call may sleep and move)
 * and on return (p->prio after). Optional: user space goes on without them.
 */
static __always_inline int prio_enter(struct task_struct *p)
{
	__u32 caller = (__u32)bpf_get_current_pid_tgid();
	struct prio_before b = { .tid = p->pid, .prio = p->prio };

	bpf_map_update_elem(&prio_pending, &caller, &b, BPF_ANY);
	return 0;
}

static __always_inline int prio_leave(struct task_struct *p)
{
	__u32 caller = (__u32)bpf_get_current_pid_tgid();
	struct prio_before *b = bpf_map_lookup_elem(&prio_pending, &caller);
	int old;

	if (!b)
		return 0;
	old = b->prio;
	if (b->tid == (__u32)p->pid)
		emit_prio(p, old, p->prio);
	bpf_map_delete_elem(&prio_pending, &caller);
	return 0;
}

SEC("fentry/set_user_nice")
int BPF_PROG(ev_nice_in, struct task_struct *p, long nice)
{
	return prio_enter(p);
}

SEC("fexit/set_user_nice")
int BPF_PROG(ev_nice_out, struct task_struct *p, long nice)
{
	return prio_leave(p);
}

SEC("fentry/__sched_setscheduler")
int BPF_PROG(ev_setsched_in, struct task_struct *p)
{
	return prio_enter(p);
}

SEC("fexit/__sched_setscheduler")
int BPF_PROG(ev_setsched_out, struct task_struct *p)
{
	return prio_leave(p);
}

/*
 * The DTrace sched probes, as `count` takes them, one record per firing:
 * their programs load only when -e names probes (user space sets their
 * autoload), and none of the hooks above does anything for them.
 */
#include "sched_probes.bpf.h"

static __always_inline void probe_emit(__u32 probe, struct task_struct *t, __u32 cpu,
				       const struct probe_args *a)
{
	struct ss_ev_probe *e;

	e = new_record(sizeof(*e), EV_PROBE, bpf_get_smp_processor_id(), t);
	if (!e)
		return;
	e->h.state = probe;
	e->h.cpu2 = cpu;
	if (probe == SS_P_CHANGE_PRI)
		e->h.prio = a->old_prio;
	e->tid2 = a->other ? a->other->pid : 0;
	e->pid2 = a->other ? a->other->tgid : 0;
	e->prio2 = a->prio2;
	e->nr_running = a->nr_running;
	stream__submit(e, sizeof(*e));
}

/*
 * Every live thread that passes -p, -t and -c (not -C: any may come to run
 * there), or with scan_all every one.
 */
SEC("iter/task")
int ev_scan(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	struct ss_ev_snap s;

	if (!t || t->exit_state || (task_state(t) & TASK_DEAD_))
		return 0;
	if (!scan_all && !task_wanted(t))
		return 0;
	__builtin_memset(&s, 0, sizeof(s));
	s.start_ns = t->start_time;
	s.runtime_ns = t->se.sum_exec_runtime;
	s.run_delay_ns = t->sched_info.run_delay;
	s.pcount = t->sched_info.pcount;
	s.nvcsw = t->nvcsw;
	s.nivcsw = t->nivcsw;
	s.migrations = t->se.nr_migrations;
	s.tid = t->pid;
	s.pid = t->tgid;
	s.prio = t->prio;
	s.cpu = task_cpu_of(t);
	s.state = ev__state_bits(ev__state_index(task_state(t), t->exit_state));
	s.on_cpu = t->on_cpu;
	bpf_probe_read_kernel(s.comm, sizeof(s.comm), t->comm);
	bpf_seq_write(ctx->meta->seq, &s, sizeof(s));
	return 0;
}
