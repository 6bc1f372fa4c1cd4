// SPDX-License-Identifier: GPL-2.0
#include "timehist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tidmap.h"

/* How a task's current wait got its ready time, strongest last. */
enum ready_src {
	READY_NONE = 0,
	READY_OUTWAKE,	/* woken while still leaving the CPU: ready as it left */
	READY_RUNNABLE, /* left the CPU runnable */
	READY_WAKE,	/* a waking (or wakeup) after it left */
};

struct th_task {
	uint32_t tid;	 /* first, for the tidmap */
	uint32_t cpu;	 /* while running */
	uint64_t out_ns; /* the last switch-out */
	uint64_t in_ns;	 /* the last switch-in, while running */
	uint64_t ready_ns;
	uint64_t early_wake_ns; /* the last waking seen while it ran */
	uint8_t ready_src;	/* enum ready_src, for the wait after out_ns */
	bool out_known;
	bool running;
	bool early_wake;
};

/* The slice in progress on a CPU, and its idle task's last switch-out. */
struct th_cpu {
	uint32_t tid;
	bool known;	   /* tid is right (a switch, or a scan) */
	bool in_known;	   /* a switch-in we saw: in_ns, wait and delay are its; implies known */
	uint8_t ready_src; /* of the wait that ended at in_ns */
	uint64_t in_ns;
	uint64_t out_ns; /* the wait's start, if out_known */
	bool out_known;
	int64_t wait_ns, delay_ns;
	bool idle_out_known;
	uint64_t idle_out_ns;
};

struct thist {
	struct tidmap tasks; /* of struct th_task; TID 0, the idle tasks, never kept */
	struct th_cpu *cpu;
	uint32_t nr_cpus;
	bool scanned; /* a SNAP_BEGIN was seen */
};

#define TH_MAX_CPUS 65536u

struct thist *thist__new(uint32_t nr_cpus)
{
	struct thist *th = calloc(1, sizeof(*th));

	if (!th)
		return NULL;
	if (nr_cpus > TH_MAX_CPUS)
		nr_cpus = TH_MAX_CPUS;
	th->nr_cpus = nr_cpus ? nr_cpus : 1;
	th->cpu = calloc(th->nr_cpus, sizeof(*th->cpu));
	/* No cap but memory: a dead task's entry goes with it. */
	if (!th->cpu || tidmap__init(&th->tasks, sizeof(struct th_task), SIZE_MAX)) {
		thist__free(th);
		errno = ENOMEM;
		return NULL;
	}
	return th;
}

void thist__free(struct thist *th)
{
	if (!th)
		return;
	tidmap__fini(&th->tasks);
	free(th->cpu);
	free(th);
}

size_t thist__nr_tasks(const struct thist *th)
{
	return tidmap__size(&th->tasks);
}

/* tid's entry, created blank if new; NULL for TID 0 or if the table cannot grow. */
static struct th_task *get(struct thist *th, uint32_t tid)
{
	return tidmap__add(&th->tasks, tid, NULL);
}

/* The CPU's slot, the table grown if need be; NULL if cpu is absurd or memory short. */
static struct th_cpu *cpu_slot(struct thist *th, uint32_t cpu)
{
	struct th_cpu *c;
	uint32_t n = th->nr_cpus;

	if (cpu < n)
		return &th->cpu[cpu];
	if (cpu >= TH_MAX_CPUS)
		return NULL;
	while (n <= cpu)
		n *= 2;
	if (n > TH_MAX_CPUS)
		n = TH_MAX_CPUS;
	c = realloc(th->cpu, n * sizeof(*c));
	if (!c)
		return NULL;
	memset(c + th->nr_cpus, 0, (n - th->nr_cpus) * sizeof(*c));
	th->cpu = c;
	th->nr_cpus = n;
	return &th->cpu[cpu];
}

/* The CPU's slice in progress is tid's, from a switch-in we saw. */
static bool slice_of(const struct th_cpu *c, uint32_t tid)
{
	return c && c->in_known && c->tid == tid;
}

/* The figures of a wait that ended at in_ns, from when it began and its ready time. */
static void wait_figures(struct th_cpu *c, const struct th_task *t, uint64_t in_ns)
{
	uint64_t ready = t->ready_ns;

	c->ready_src = t->ready_src;
	c->out_known = t->out_known;
	c->out_ns = t->out_ns;
	c->wait_ns = c->delay_ns = -1;
	if (t->ready_src == READY_NONE)
		return;
	/* Never ready before it left nor after it ran: clocks a few ns apart. */
	if (t->out_known && ready < t->out_ns)
		ready = t->out_ns;
	if (ready > in_ns)
		ready = in_ns;
	c->delay_ns = (int64_t)(in_ns - ready);
	if (t->out_known)
		c->wait_ns = (int64_t)(ready - t->out_ns);
}

/* A waking recorded after the switch-in it led to: it still bounds that wait. */
static void amend_slice(struct th_cpu *c, uint64_t wake_ns)
{
	if (c->ready_src == READY_WAKE || c->ready_src == READY_RUNNABLE)
		return;
	if (c->out_known && wake_ns < c->out_ns) {
		/* Woken on its way out: ready as it left. */
		if (c->ready_src != READY_NONE)
			return;
		wake_ns = c->out_ns;
		c->ready_src = READY_OUTWAKE;
	} else {
		c->ready_src = READY_WAKE;
	}
	c->delay_ns = (int64_t)(c->in_ns - wake_ns);
	c->wait_ns = c->out_known ? (int64_t)(wake_ns - c->out_ns) : -1;
}

static void on_wake(struct thist *th, const struct sev *e)
{
	struct th_task *t = get(th, e->tid);

	if (!t)
		return;
	if (t->running) {
		struct th_cpu *c = cpu_slot(th, t->cpu);

		if (e->ts_ns < t->in_ns) {
			if (slice_of(c, e->tid))
				amend_slice(c, e->ts_ns);
			return;
		}
		/* Either a wakeup racing its sleep, or one recorded before its switch-out. */
		t->early_wake = true;
		t->early_wake_ns = e->ts_ns;
		return;
	}
	if (t->out_known && e->ts_ns < t->out_ns) {
		if (t->ready_src == READY_NONE) {
			t->ready_src = READY_OUTWAKE;
			t->ready_ns = t->out_ns;
		}
		return;
	}
	/* The first wakeup of the wait counts: sched_wakeup follows sched_waking. */
	if (t->ready_src < READY_RUNNABLE) {
		t->ready_src = READY_WAKE;
		t->ready_ns = e->ts_ns;
	}
}

/* A new thread (fork, or wakeup_new): whatever a previous owner of its TID left goes. */
static struct th_task *renew(struct thist *th, uint32_t tid)
{
	tidmap__del(&th->tasks, tid);
	return get(th, tid);
}

static void switch_out(struct thist *th, struct th_cpu *c, const struct sev *e,
		       struct thist_slice *out)
{
	bool runnable = SEV_STATE_RUNNABLE(e->state);
	struct th_task *t;

	memset(out, 0, sizeof(*out));
	out->ts_ns = e->ts_ns;
	out->tid = e->tid;
	out->cpu = e->cpu;
	out->wait_ns = out->sch_delay_ns = out->run_ns = -1;
	out->first_on_cpu = !c || !c->in_known;
	if (slice_of(c, e->tid) && e->ts_ns >= c->in_ns) {
		out->in_ns = c->in_ns;
		out->run_ns = (int64_t)(e->ts_ns - c->in_ns);
		out->wait_ns = c->wait_ns;
		out->sch_delay_ns = c->delay_ns;
	}
	if (!e->tid) {
		if (c) {
			c->idle_out_known = true;
			c->idle_out_ns = e->ts_ns;
		}
		return;
	}
	t = get(th, e->tid);
	if (!t)
		return;
	if (t->running && t->cpu != e->cpu && t->in_ns > e->ts_ns) {
		/*
		 * Already switched in elsewhere, recorded first: this switch-out
		 * began the wait that switch-in ended, which we measured from an
		 * older start. Redo it if it left runnable, else say unknown.
		 */
		struct th_cpu *now = cpu_slot(th, t->cpu);

		if (slice_of(now, e->tid)) {
			now->out_known = true;
			now->out_ns = e->ts_ns;
			now->ready_src = runnable ? READY_RUNNABLE : READY_NONE;
			now->wait_ns = runnable ? 0 : -1;
			now->delay_ns = runnable ? (int64_t)(now->in_ns - e->ts_ns) : -1;
		}
		return;
	}
	if (runnable) {
		t->ready_src = READY_RUNNABLE;
		t->ready_ns = e->ts_ns;
	} else if (t->early_wake && t->early_wake_ns > e->ts_ns) {
		t->ready_src = READY_WAKE; /* its wakeup, recorded before this */
		t->ready_ns = t->early_wake_ns;
	} else if (t->early_wake) {
		t->ready_src = READY_OUTWAKE;
		t->ready_ns = e->ts_ns;
	} else {
		t->ready_src = READY_NONE;
	}
	t->out_ns = e->ts_ns;
	t->out_known = true;
	t->running = false;
	t->early_wake = false;
	if (e->state & SEV_STATE_DEAD)
		tidmap__del(&th->tasks, e->tid);
}

static void switch_in(struct thist *th, struct th_cpu *c, const struct sev *e)
{
	struct th_task *t;

	if (!c)
		return;
	c->tid = e->tid2;
	c->known = true;
	c->in_known = true;
	c->in_ns = e->ts_ns;
	c->ready_src = READY_NONE;
	c->out_known = false;
	c->wait_ns = c->delay_ns = -1;
	if (!e->tid2) {
		/* The idle task runs when nothing else can: never queued. */
		c->delay_ns = 0;
		if (c->idle_out_known && e->ts_ns >= c->idle_out_ns)
			c->wait_ns = (int64_t)(e->ts_ns - c->idle_out_ns);
		return;
	}
	t = get(th, e->tid2);
	if (!t)
		return;
	/* Still running elsewhere as far as we saw: its switch-out there is lost or late. */
	if (!t->running)
		wait_figures(c, t, e->ts_ns);
	t->running = true;
	t->cpu = e->cpu;
	t->in_ns = e->ts_ns;
	t->early_wake = false;
	t->ready_src = READY_NONE;
}

/*
 * A thread other than the leader execs: it takes the leader's TID (the kernel
 * swaps their pids), so its state and its CPU's slice move to the new TID.
 */
static void on_tid_change(struct thist *th, uint32_t old_tid, uint32_t new_tid)
{
	struct th_task *t = tidmap__get(&th->tasks, old_tid), *n, saved;

	for (uint32_t cpu = 0; cpu < th->nr_cpus; cpu++)
		if (th->cpu[cpu].known && th->cpu[cpu].tid == old_tid)
			th->cpu[cpu].tid = new_tid;
	if (!t)
		return;
	saved = *t;
	tidmap__del(&th->tasks, old_tid);
	n = renew(th, new_tid);
	if (n) {
		*n = saved;
		n->tid = new_tid;
	}
}

int thist__on_event(struct thist *th, const struct sev *e, struct thist_slice *out)
{
	struct th_cpu *c;
	struct th_task *t;

	switch (e->type) {
	case SEV_SWITCH:
		c = cpu_slot(th, e->cpu);
		switch_out(th, c, e, out);
		switch_in(th, c, e);
		return 1;
	case SEV_WAKING:
	case SEV_WAKEUP:
		on_wake(th, e);
		return 0;
	case SEV_WAKEUP_NEW:
		t = tidmap__get(&th->tasks, e->tid);
		if (t && t->running) {
			on_wake(th, e); /* its first switch-in came first */
			return 0;
		}
		t = renew(th, e->tid);
		if (t) {
			t->ready_src = READY_WAKE;
			t->ready_ns = e->ts_ns;
		}
		return 0;
	case SEV_FORK:
		renew(th, e->tid2);
		return 0;
	case SEV_EXEC:
		if (e->tid2 && e->tid2 != e->tid)
			on_tid_change(th, e->tid2, e->tid);
		return 0;
	default:
		return 0;
	}
}

void thist__on_snap(struct thist *th, const struct task_snap *s)
{
	struct th_cpu *c;

	th->scanned = true;
	if (!s->on_cpu || !s->tid)
		return;
	c = cpu_slot(th, s->cpu);
	if (!c || c->known)
		return;
	c->tid = s->tid;
	c->known = true;
}

bool thist__current(const struct thist *th, uint32_t cpu, uint32_t *tid, uint64_t *since_ns)
{
	const struct th_cpu *c = cpu < th->nr_cpus ? &th->cpu[cpu] : NULL;

	if (c && c->known) {
		*tid = c->tid;
		*since_ns = c->in_known ? c->in_ns : 0;
		return true;
	}
	/* The scan sees every thread but the idle tasks: a CPU it found no thread on was idle. */
	if (th->scanned) {
		*tid = 0;
		*since_ns = 0;
		return true;
	}
	return false;
}
