// SPDX-License-Identifier: GPL-2.0
/*
 * Run-queue latency: runqlat, runqslower, starve and inversion.
 *
 * One sched_switch hook measures every wait that ends, with no clock read:
 * the wait's bounds come from the kernel's own sched_info (last_queued,
 * run_delay, pcount) and the run queue's clock, as src/bpf/lat_logic.h draws
 * them. There is no wakeup hook by default: sched_info_enqueue() already
 * stamped the start. What each command adds is chosen before load (the
 * const volatile settings below), so the verifier drops the rest:
 *
 *   runqlat     histograms per CPU (a per-CPU array) or per thread (a hash)
 *   exporter    a small histogram per cgroup v2 of the waiting task, the
 *               task switched in (a per-CPU array, at an index its task
 *               storage caches)
 *   runqslower  a ring-buffer record for each wait at or above min_lat_ns
 *   starve      the same records (the end of each long wait) and a task
 *               iterator, run by user space on a timer, reporting waits
 *               still in progress
 *   inversion   the iterator with a priority condition, plus sched_waking
 *               (woken by a lower-priority task after a long block) and
 *               sched_pi_setprio (priority inheritance)
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "abi.h"
#include "compat.bpf.h"
#define lat__hide(x) barrier_var(x)
#include "lat_logic.h"
#include "stream.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define BPF_NOEXIST_ 1

enum hist_mode { HIST_NONE, HIST_CPU, HIST_THREAD, HIST_CGROUP };

/* Set by user space before load. */
const volatile __u64 trace_start_ns = 0; /* CLOCK_MONOTONIC before the seeding scan */
const volatile __u32 hist_mode = HIST_NONE;
const volatile __u64 unit_div = 1000;	 /* log2 slots in us (1000) or ms (1000000) */
const volatile bool slow_events = false; /* emit SS_EV_SLOW for waits ... */
const volatile __u64 min_lat_ns = 0;	 /* ... at or above this */
const volatile bool from_waking = false; /* waits after a wakeup start at sched_waking */
const volatile bool inversion = false;	 /* keep what inversion needs */

/* Written by user space while running. */
__u32 epoch;	      /* the report interval now open: selects max slots */
__u32 iter_seed;      /* the task iterator gives every thread its baseline */
__u32 iter_names;     /* ... or names each per-thread histogram as the thread is now */
__u64 scan_min_ns;    /* the iterator reports waits at or above this */
__u32 scan_inversion; /* ... and only those with a lower-priority task on the CPU */

struct lat_task_state {
	struct lat_task lt;
	/*
	 * exporter only: the index of the histogram of the task's cgroup when
	 * it last waited (0 until then, checked like any other)
	 */
	__u32 cg_idx;
	/* inversion only */
	__u64 block_ns;		/* CLOCK_MONOTONIC when it last blocked */
	__u64 last_wait_ns;	/* its last run-queue wait ... */
	__u64 last_wait_end_ns; /* ... ending then (CLOCK_MONOTONIC) */
	__u64 boost_ns;		/* priority inherited since; 0: not boosted */
	__s32 boost_from;
	__s32 boost_to;
	__u32 before_tid; /* what held the CPU before its last switch-in */
	__s32 before_prio;
	__u32 donor_pid;
	__u32 donor_tid;
	char before_comm[SS_COMM_LEN];
	char donor_comm[SS_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC_);
	__type(key, int);
	__type(value, struct lat_task_state);
} lat_task SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ss_lat_hist);
} hist_cpu SEC(".maps");

/* Per thread (-P, -L), keyed by TID; user space sets max_entries. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC_);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ss_lat_hist);
} hist_thread SEC(".maps");

/*
 * Per thread instance, the entries of threads gone (or whose TID came back
 * before their death was seen): user space reads each once and deletes it.
 * Only programs insert, only user space deletes, so neither can lose the
 * other's update to a race on one key.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC_);
	__uint(max_entries, 1);
	__type(key, struct ss_lat_tkey);
	__type(value, struct ss_lat_hist);
} hist_retired SEC(".maps");

/* The zeroed value a new hist_thread entry is copied from (too big for the stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ss_lat_hist);
} hist_zero SEC(".maps");

/*
 * The exporter's histograms, one per cgroup of the tasks whose waits ended,
 * at the index cg_index gives the cgroup's id. User space sizes the three
 * maps, puts every index in cg_free and, once a cgroup is gone, removes its
 * id, zeroes its histogram and puts its index back. An array, not a hash
 * by id: each task's storage caches its cgroup's index, so a switch pays an
 * array lookup, not a hash. Per CPU: tasks of one cgroup end waits on every
 * CPU at once, and atomics on one shared entry would bounce its cache line
 * between them.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ss_cg_hist);
} hist_cgroup SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC_);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, __u32);
} cg_index SEC(".maps");

/* Last freed, first handed out: the entry most likely still in cache. */
struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, 1);
	__type(value, __u32);
} cg_free SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ss_lat_stat);
} lat_stat SEC(".maps");

static __always_inline struct ss_lat_stat *this_stat(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&lat_stat, &zero);
}

static __always_inline void read_si(struct lat_si *si, struct task_struct *t)
{
	si->run_delay = t->sched_info.run_delay;
	si->pcount = t->sched_info.pcount;
	si->last_queued = t->sched_info.last_queued;
	si->nivcsw = t->nivcsw;
}

/* The names a per-thread histogram is shown under: the thread's and its process's. */
static __always_inline void name_hist(struct ss_lat_hist *h, struct task_struct *t)
{
	bpf_probe_read_kernel(h->comm, sizeof(h->comm), t->comm);
	bpf_probe_read_kernel(h->pcomm, sizeof(h->pcomm), &task_leader_cold(t)->comm);
}

/*
 * Hand a thread's histograms to hist_retired (the caller then frees its TID's
 * entry): nothing of a thread is lost when its TID is reused within a window.
 * With no room there, its waits are counted as lost to the full table.
 */
static __always_inline void retire(struct ss_lat_hist *h, struct ss_lat_stat *st)
{
	struct ss_lat_tkey key = { .start_ns = h->start_ns, .tid = h->tid };

	h->dead = 1;
	if (bpf_map_update_elem(&hist_retired, &key, h, BPF_NOEXIST_)) {
		for (int k = 0; k < SS_LAT_KINDS; k++)
			st->table_full += h->count[k];
		st->table_full += h->unsplit_waits;
	}
}

/* The thread's histograms, created (or restarted, if its TID was reused) as needed. */
static __always_inline struct ss_lat_hist *thread_hist(struct task_struct *t,
						       struct ss_lat_stat *st)
{
	__u32 tid = t->pid, zero = 0;
	struct ss_lat_hist *h = bpf_map_lookup_elem(&hist_thread, &tid), *z;

	if (h && h->start_ns == t->start_time)
		return h;
	/* Another thread had this TID, and its death went untraced. */
	if (h)
		retire(h, st);
	z = bpf_map_lookup_elem(&hist_zero, &zero);
	if (!z)
		return NULL;
	if (bpf_map_update_elem(&hist_thread, &tid, z, h ? 0 : BPF_NOEXIST_)) {
		st->table_full++;
		return NULL;
	}
	h = bpf_map_lookup_elem(&hist_thread, &tid);
	if (!h)
		return NULL;
	h->start_ns = t->start_time;
	h->pstart_ns = BPF_CORE_READ(task_leader_cold(t), start_time);
	h->pid = t->tgid;
	h->tid = t->pid;
	name_hist(h, t);
	return h;
}

/*
 * The index of cgroup id's histogram, taken from cg_free now if it has none.
 * Negative, counted, when every index is taken.
 */
static __always_inline long cg_index_of(__u64 id, struct ss_lat_stat *st)
{
	__u32 *v = bpf_map_lookup_elem(&cg_index, &id), idx;

	if (v)
		return *v;
	if (bpf_map_pop_elem(&cg_free, &idx))
		goto full;
	if (!bpf_map_update_elem(&cg_index, &id, &idx, BPF_NOEXIST_))
		return idx;
	/* Another CPU gave id its index first. */
	bpf_map_push_elem(&cg_free, &idx, 0);
	v = bpf_map_lookup_elem(&cg_index, &id);
	if (v)
		return *v;
full:
	st->table_full++;
	return -1;
}

/*
 * A measured wait into the histogram of the cgroup of t, the task that
 * waited (bcc's runqlat filters on the task switched out instead).
 *
 * The index cached in t's storage is trusted only while this CPU's copy of
 * the histogram names t's cgroup as its owner: that one test covers a task
 * new to the exporter, one that moved to another cgroup, a first wait of
 * the cgroup on this CPU, and an index handed on. User space zeroes a
 * forgotten cgroup's copies, owner included, before it hands the index on;
 * had the cgroup been forgotten while still in use (a walk that failed for
 * --cgroup-expiry), its tasks find an owner not theirs, and look their
 * cgroup up again rather than add to another's histogram.
 */
static __always_inline void record_cgroup(struct task_struct *t, struct lat_task_state *ts,
					  const struct lat_sample *s, struct ss_lat_stat *st)
{
	__u64 id = task_cgroup_id(t);
	struct ss_cg_hist *h = bpf_map_lookup_elem(&hist_cgroup, &ts->cg_idx);
	__u32 i = lat__cg_slot(s->wait_ns);
	long idx;

	if (h && h->owner != id) {
		idx = cg_index_of(id, st);
		if (idx < 0)
			return;
		ts->cg_idx = (__u32)idx;
		h = bpf_map_lookup_elem(&hist_cgroup, &ts->cg_idx);
		if (h)
			h->owner = id;
	}
	if (!h)
		return;
	h->count++;
	h->sum_ns += s->wait_ns;
	/*
	 * Already in range, but the verifier cannot know: the test is its
	 * proof, hidden from clang, which would drop it as always true.
	 */
	lat__hide(i);
	if (i < SS_CG_SLOTS)
		h->slot[i]++;
}

/* A measured wait, or a span of unsplit ones, into the histograms asked for. */
static __always_inline void record(struct task_struct *t, struct lat_task_state *ts,
				   const struct lat_sample *s, bool unsplit, struct ss_lat_stat *st)
{
	struct ss_lat_hist *h;
	__u32 zero = 0;

	if (hist_mode == HIST_CGROUP) {
		if (!unsplit)
			record_cgroup(t, ts, s, st);
		return;
	}
	if (hist_mode == HIST_CPU)
		h = bpf_map_lookup_elem(&hist_cpu, &zero);
	else if (hist_mode == HIST_THREAD)
		h = thread_hist(t, st);
	else
		return;
	if (!h)
		return;
	if (unsplit)
		lat__hist_unsplit(h, s);
	else
		lat__hist_sample(h, s, unit_div, epoch);
}

static __always_inline void fill_task(char *comm, __u32 *pid, __u32 *tid, __s32 *prio,
				      struct task_struct *t)
{
	bpf_probe_read_kernel(comm, SS_COMM_LEN, t->comm);
	*pid = t->tgid;
	*tid = t->pid;
	*prio = t->prio;
}

/* A zeroed record of type (every byte: ring-buffer memory comes uncleared), or NULL, counted. */
static __always_inline struct ss_lat_event *new_event(__u32 type, __u64 ts_ns)
{
	struct ss_lat_event *e = stream__reserve(sizeof(*e));

	if (!e)
		return NULL;
	__builtin_memset(e, 0, sizeof(*e));
	e->type = type;
	e->ts_ns = ts_ns;
	e->cpu = bpf_get_smp_processor_id();
	return e;
}

static __always_inline void emit_slow(struct task_struct *prev, struct task_struct *next,
				      const struct lat_sample *s)
{
	struct ss_lat_event *e = new_event(SS_EV_SLOW, bpf_ktime_get_ns());

	if (!e)
		return;
	e->lat_ns = s->wait_ns;
	e->premig_ns = s->premig_ns;
	e->kind = s->kind;
	e->waits = s->arrivals > 1 ? (__u32)s->arrivals : 1;
	fill_task(e->comm, &e->pid, &e->tid, &e->prio, next);
	fill_task(e->other_comm, &e->other_pid, &e->other_tid, &e->other_prio, prev);
	stream__submit_now(e);
}

static __always_inline struct lat_task_state *state_of(struct task_struct *t, bool create)
{
	return bpf_task_storage_get(&lat_task, t, 0, create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/* inversion: what it needs from every switch (a clock read: inversion only). */
static __always_inline void note_inversion(struct task_struct *prev, struct lat_task_state *ns,
					   const struct lat_sample *s, bool measured,
					   bool prev_blocks)
{
	__u64 now = bpf_ktime_get_ns();
	struct lat_task_state *ps;

	if (prev->pid && prev_blocks) {
		ps = state_of(prev, true);
		if (ps)
			ps->block_ns = now;
	}
	if (!ns)
		return;
	ns->last_wait_ns = measured ? s->wait_ns : 0;
	ns->last_wait_end_ns = now;
	ns->before_tid = prev->pid;
	ns->before_prio = prev->prio;
	bpf_probe_read_kernel(ns->before_comm, sizeof(ns->before_comm), prev->comm);
}

static __always_inline int handle_switch(bool preempt, struct task_struct *prev,
					 struct task_struct *next)
{
	struct ss_lat_stat *st = this_stat();
	unsigned int prev_state = task_state(prev);
	struct lat_task_state *ns = NULL, *ps;
	struct lat_sample s = {};
	struct lat_si si;
	bool measured = false, unsplit = false;
	__u64 clock;

	if (!st || !has_rq_clock())
		return 0;
	clock = task_rq_of(prev)->clock;
	/* Preempted while going to sleep: still queued, but sched_info does not know. */
	if (prev->pid && lat__departs_unqueued(preempt, prev_state == 0)) {
		ps = state_of(prev, true);
		if (ps)
			lat__on_departure(&ps->lt, clock, prev->nivcsw);
		else
			st->storage_fail++;
	}
	if (hist_mode == HIST_THREAD && (prev_state & TASK_DEAD_)) {
		__u32 tid = prev->pid;
		struct ss_lat_hist *h = bpf_map_lookup_elem(&hist_thread, &tid);

		if (h && h->start_ns == prev->start_time) {
			/* Its name as it ends: no scan will find it again. */
			name_hist(h, prev);
			retire(h, st);
			bpf_map_delete_elem(&hist_thread, &tid);
		}
	}
	/* The idle tasks (pid 0, one per CPU) never wait in a run queue. */
	if (!next->pid || !task_wanted(next))
		goto out;
	ns = state_of(next, true);
	if (!ns) {
		st->storage_fail++;
		goto out;
	}
	read_si(&si, next);
	switch (lat__on_arrival(&ns->lt, &si, clock, next->start_time >= trace_start_ns, &s)) {
	case LAT_MEASURED:
		measured = true;
		break;
	case LAT_UNBASED:
		st->unbased++;
		break;
	case LAT_UNSPLIT:
		/*
		 * Switch-ins went unseen: the delay since the last one seen still
		 * counts, whole, and a long one is still reported.
		 */
		st->missed++;
		unsplit = true;
		break;
	default:
		break;
	}
	if (from_waking && ns->lt.waking_ns) {
		if (measured && s.kind == SS_LAT_WAKEUP &&
		    lat__waking_valid(&ns->lt, next->nvcsw + next->nivcsw)) {
			__u64 now = bpf_ktime_get_ns();

			s.wait_ns = now > ns->lt.waking_ns ? now - ns->lt.waking_ns : 0;
		} else if (measured && s.kind == SS_LAT_WAKEUP) {
			st->waking_stale++;
		}
		ns->lt.waking_ns = 0;
	}
	if (measured) {
		st->waits++;
		st->kpreempt += s.kpreempt;
	}
	if (measured || unsplit) {
		record(next, ns, &s, unsplit, st);
		if (slow_events && s.wait_ns >= min_lat_ns)
			emit_slow(prev, next, &s);
	}
out:
	if (inversion)
		note_inversion(prev, ns, &s, measured, !preempt && prev_state != 0);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(lat_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return handle_switch(preempt, prev, next);
}

/*
 * inversion: p, blocked since block_ns, is woken by the current task. If
 * that task has a lower priority (a larger prio), p was waiting on it; if it
 * was itself kept off its CPU meanwhile (its last wait overlaps p's block),
 * whatever ran instead delayed p too: the classic three-task inversion.
 */
static __always_inline void check_wake_inversion(struct task_struct *p, struct lat_task_state *ps)
{
	struct task_struct *waker = bpf_get_current_task_btf();
	struct lat_task_state *ws;
	struct ss_lat_event *e;
	__u64 now, blocked, overlap;

	if (!ps->block_ns || !waker->pid || waker->prio <= p->prio)
		return;
	now = bpf_ktime_get_ns();
	blocked = now - ps->block_ns;
	ps->block_ns = 0;
	if (blocked < min_lat_ns)
		return;
	ws = state_of(waker, false);
	if (!ws || ws->last_wait_end_ns <= now - blocked)
		return;
	overlap = ws->last_wait_end_ns - (now - blocked);
	if (overlap > ws->last_wait_ns)
		overlap = ws->last_wait_ns;
	/* The waker itself kept off its CPU for a threshold's worth, not a blip. */
	if (overlap < min_lat_ns || !overlap)
		return;
	e = new_event(SS_EV_WAKE_INV, now);
	if (!e)
		return;
	e->lat_ns = blocked;
	e->premig_ns = overlap;
	fill_task(e->comm, &e->pid, &e->tid, &e->prio, p);
	fill_task(e->other_comm, &e->other_pid, &e->other_tid, &e->other_prio, waker);
	e->third_tid = ws->before_tid;
	e->third_prio = ws->before_prio;
	__builtin_memcpy(e->third_comm, ws->before_comm, SS_COMM_LEN);
	stream__submit_now(e);
}

static __always_inline int handle_waking(struct task_struct *p)
{
	struct lat_task_state *ps;

	if (!p->pid)
		return 0;
	ps = state_of(p, from_waking);
	if (!ps)
		return 0;
	if (from_waking && task_wanted(p)) {
		ps->lt.waking_ns = bpf_ktime_get_ns();
		ps->lt.waking_switches = p->nvcsw + p->nivcsw;
	}
	if (inversion)
		check_wake_inversion(p, ps);
	return 0;
}

SEC("tp_btf/sched_waking")
int BPF_PROG(lat_waking, struct task_struct *p)
{
	return handle_waking(p);
}

/*
 * Priority inheritance: rt_mutex_setprio() fires this before it changes
 * tsk->prio, only when the priority is about to change. A boost starts when
 * the new priority beats the task's own (normal_prio); it ends when the task
 * is set back to normal_prio, and only then is it reported, whole.
 */
static __always_inline int handle_pi(struct task_struct *tsk, struct task_struct *pi_task)
{
	int newprio = tsk->normal_prio;
	struct lat_task_state *ts;
	struct ss_lat_event *e;
	__u64 now;

	if (pi_task && pi_task->prio < newprio)
		newprio = pi_task->prio;
	ts = state_of(tsk, true);
	if (!ts)
		return 0;
	now = bpf_ktime_get_ns();
	if (newprio < tsk->normal_prio) {
		if (!ts->boost_ns) {
			ts->boost_ns = now;
			ts->boost_from = tsk->prio;
		}
		ts->boost_to = newprio;
		if (pi_task) {
			ts->donor_pid = pi_task->tgid;
			ts->donor_tid = pi_task->pid;
			bpf_probe_read_kernel(ts->donor_comm, SS_COMM_LEN, pi_task->comm);
		}
		return 0;
	}
	if (!ts->boost_ns)
		return 0;
	e = new_event(SS_EV_PI, now);
	if (e) {
		e->lat_ns = now - ts->boost_ns;
		fill_task(e->comm, &e->pid, &e->tid, &e->prio, tsk);
		e->prio = ts->boost_from;
		e->other_pid = ts->donor_pid;
		e->other_tid = ts->donor_tid;
		e->other_prio = ts->boost_to;
		__builtin_memcpy(e->other_comm, ts->donor_comm, SS_COMM_LEN);
		stream__submit_now(e);
	}
	ts->boost_ns = 0;
	return 0;
}

SEC("tp_btf/sched_pi_setprio")
int BPF_PROG(lat_pi, struct task_struct *tsk, struct task_struct *pi_task)
{
	return handle_pi(tsk, pi_task);
}

/*
 * Every thread, on user space's demand: first to give each its baseline (so a
 * wait already in progress is measured whole when it ends); before each
 * per-thread report, to name the histograms as their threads are called now;
 * for starve and inversion, to report the waits still in progress that are
 * already long.
 */
SEC("iter/task")
int scan_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task, *curr;
	struct lat_task_state *ts;
	struct ss_waiting_rec rec;
	struct lat_si si;
	__u64 waited;
	struct rq *rq;

	if (!t || !t->pid || !has_rq_clock())
		return 0;
	if (iter_names) {
		/* A thread renamed since its first wait (prctl, exec) shows its name now. */
		__u32 tid = t->pid;
		struct ss_lat_hist *h;

		if (hist_mode != HIST_THREAD)
			return 0;
		h = bpf_map_lookup_elem(&hist_thread, &tid);
		if (h && h->start_ns == t->start_time)
			name_hist(h, t);
		return 0;
	}
	if (iter_seed) {
		ts = state_of(t, true);
		if (ts && !ts->lt.wb.based) {
			wait__seed(&ts->lt.wb, t->sched_info.run_delay, t->sched_info.pcount);
			/* A wait in progress now is taken for one after a wakeup. */
			ts->lt.nivcsw = t->nivcsw;
		}
		return 0;
	}
	if (!scan_min_ns || t->on_cpu || (task_state(t) & TASK_DEAD_) || !task_wanted(t))
		return 0;
	ts = state_of(t, false);
	read_si(&si, t);
	rq = task_rq_of(t);
	waited = lat__waiting_for(ts ? &ts->lt : NULL, &si, rq->clock,
				  t->start_time >= trace_start_ns);
	if (waited < scan_min_ns)
		return 0;
	curr = rq->curr;
	if (!curr || curr == t)
		return 0;
	/*
	 * An inversion needs strict priorities: a real-time or deadline waiter
	 * (CFS's nice is a weight, not a rank) behind a lower-priority task that
	 * is not this scan itself (whatever held the CPU before it is unknown).
	 */
	if (scan_inversion && (t->prio >= 100 || !curr->pid || curr->prio <= t->prio ||
			       (__u64)curr == (__u64)bpf_get_current_task_btf()))
		return 0;
	__builtin_memset(&rec, 0, sizeof(rec));
	rec.start_ns = t->start_time;
	rec.wait_ns = waited;
	rec.pid = t->tgid;
	rec.tid = t->pid;
	rec.cpu = task_cpu_of(t);
	rec.prio = t->prio;
	rec.policy = t->policy;
	rec.curr_pid = curr->tgid;
	rec.curr_tid = curr->pid;
	rec.curr_prio = curr->prio;
	rec.curr_policy = curr->policy;
	bpf_probe_read_kernel(rec.comm, sizeof(rec.comm), t->comm);
	bpf_probe_read_kernel(rec.curr_comm, sizeof(rec.curr_comm), curr->comm);
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	return 0;
}
