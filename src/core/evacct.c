// SPDX-License-Identifier: GPL-2.0
#include "evacct.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tidmap.h"

struct evthread {
	uint32_t tid; /* 0: free slot */
	uint32_t pid;
	uint64_t ident_ns;  /* start_time from a scan, the fork's time for a thread born since */
	uint64_t pident_ns; /* its process's ident_ns (the main thread's); 0: not known yet */
	struct acct_counters c;
	uint64_t pcount;      /* sched_info.pcount as last seen */
	uint64_t wait_max_ns; /* longest wait ended since the last pass */
	uint8_t pcount_known;
	uint8_t left_preempted; /* its last switch-out left it runnable */
	uint8_t exited;		/* its last switch was seen; observed once more, then gone */
	uint8_t gone;
	uint8_t named; /* comm and pcomm hold its names as it died */
	char comm[ACCT_COMM_LEN];
	char pcomm[ACCT_COMM_LEN];
};

struct evcpu {
	struct cpu_sample s;
	uint64_t idle_since_ns; /* the idle task holds the CPU since; 0: a task does */
	bool seen;		/* a switch was seen here */
};

struct evacct {
	struct tidmap threads; /* of struct evthread */
	uint64_t start_ns;
	uint64_t window_ns; /* where a CPU idle before its first switch was idle from */
	bool baselined;
	uint32_t nr_cpus;
	struct evcpu *cpu;
	void (*on_wait)(void *ctx, const struct evwait *w);
	void *wait_ctx;
	/* Where the last pass went: an exited thread whose TID comes back goes there first. */
	struct acct *acct;
	const struct tasktab *names;
};

struct evacct *evacct__new(uint32_t nr_cpus, size_t max_threads, uint64_t start_ns)
{
	struct evacct *ea;

	if (!nr_cpus || !max_threads) {
		errno = EINVAL;
		return NULL;
	}
	ea = calloc(1, sizeof(*ea));
	if (!ea)
		return NULL;
	ea->cpu = calloc(nr_cpus, sizeof(*ea->cpu));
	/*
	 * Every TID the kernel can give (pid_max at most): a TID keeps its slot
	 * from thread to thread, so the table grows with the TIDs used, not with
	 * the threads that came and went, and no thread is ever refused.
	 */
	if (!ea->cpu || tidmap__init(&ea->threads, sizeof(struct evthread), TIDMAP_ALL_TIDS)) {
		evacct__free(ea);
		errno = ENOMEM;
		return NULL;
	}
	ea->nr_cpus = nr_cpus;
	ea->start_ns = ea->window_ns = start_ns;
	return ea;
}

void evacct__free(struct evacct *ea)
{
	if (!ea)
		return;
	tidmap__fini(&ea->threads);
	free(ea->cpu);
	free(ea);
}

void evacct__on_wait(struct evacct *ea, void (*fn)(void *ctx, const struct evwait *w), void *ctx)
{
	ea->on_wait = fn;
	ea->wait_ctx = ctx;
}

/* The thread tid, created (unknown identity: older than the recording) if need be. */
static struct evthread *thread_of(struct evacct *ea, uint32_t tid)
{
	return tidmap__add(&ea->threads, tid, NULL);
}

/* Keep a dying thread's names: its TID, and its process's, may be reused before a pass. */
static void name_as_dying(const struct evacct *ea, struct evthread *t)
{
	const struct task_ident *me, *leader;

	if (!ea->names)
		return;
	me = tasktab__get(ea->names, t->tid);
	leader = tasktab__get(ea->names, t->pid);
	if (!me)
		return;
	memcpy(t->comm, me->comm, ACCT_COMM_LEN);
	memcpy(t->pcomm, leader ? leader->comm : me->comm, ACCT_COMM_LEN);
	t->named = 1;
}

/* The start of process pid, as its main thread holds it now; 0 if unknown. */
static uint64_t process_ident(const struct evacct *ea, uint32_t pid)
{
	const struct evthread *leader = tidmap__get(&ea->threads, pid);

	return leader && leader->pid == pid ? leader->ident_ns : 0;
}

static void fill_obs(struct acct_obs *o, const struct evacct *ea, const struct evthread *t);

/*
 * A new thread under a TID: what was known of an earlier one is not its.
 * If that one exited since the last pass, its final figures are handed on
 * first, or a TID reused within one window (a fork storm past pid_max)
 * would take the earlier thread's time with it.
 */
static void restart(struct evacct *ea, struct evthread *t, uint32_t pid, uint64_t ident_ns)
{
	uint32_t tid = t->tid;
	struct acct_obs o;

	if (t->exited && !t->gone && ea->acct) {
		fill_obs(&o, ea, t);
		acct__observe(ea->acct, &o);
	}
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->pid = pid;
	t->ident_ns = ident_ns;
}

static void raise_to(uint64_t *v, uint64_t to)
{
	if (to > *v)
		*v = to;
}

static void note_arrival(struct evacct *ea, const struct sev *e)
{
	struct evthread *t = thread_of(ea, e->tid2);
	struct evwait w;

	if (!t)
		return;
	t->pid = e->pid2;
	/*
	 * sched_info_arrive() moves pcount on by one for each wait it ends: a
	 * step of one is this wait, whole; a bigger step means switch-ins were
	 * not recorded (the kernel did not trace them, or they were lost), and
	 * the growth of run_delay is those waits together: an unsplit span,
	 * still handed on so that no delay goes uncounted.
	 */
	if (t->pcount_known && e->pcount > t->pcount && e->run_delay_ns >= t->c.run_delay_ns) {
		w.ts_ns = e->ts_ns;
		w.wait_ns = e->run_delay_ns - t->c.run_delay_ns;
		w.waits = e->pcount - t->pcount;
		w.cpu = e->cpu;
		w.tid = e->tid2;
		w.pid = e->pid2;
		w.start_ns = t->ident_ns;
		w.pstart_ns = t->pident_ns ? t->pident_ns : process_ident(ea, t->pid);
		w.prio = e->prio2;
		w.prev_tid = e->tid;
		w.prev_prio = e->prio;
		w.preempted = t->left_preempted;
		if (w.waits == 1 && w.wait_ns > t->wait_max_ns)
			t->wait_max_ns = w.wait_ns;
		if (e->cpu < ea->nr_cpus) {
			struct cpu_sample *s = &ea->cpu[e->cpu].s;

			s->wait_ns += w.wait_ns;
			s->waits += w.waits;
			if (w.waits == 1 && w.wait_ns > s->wait_max_ns)
				s->wait_max_ns = w.wait_ns;
		}
		if (ea->on_wait)
			ea->on_wait(ea->wait_ctx, &w);
	}
	if (!t->pcount_known || e->pcount > t->pcount) {
		t->pcount = e->pcount;
		t->pcount_known = 1;
	}
	raise_to(&t->c.run_delay_ns, e->run_delay_ns);
}

static void note_departure(struct evacct *ea, const struct sev *e)
{
	struct evthread *t = thread_of(ea, e->tid);

	if (!t)
		return;
	t->pid = e->pid;
	raise_to(&t->c.runtime_ns, e->runtime_ns);
	raise_to(&t->c.nvcsw, e->nvcsw);
	raise_to(&t->c.nivcsw, e->nivcsw);
	t->left_preempted = SEV_STATE_RUNNABLE(e->state);
	/* The last switch of a thread: do_task_dead() left it a zombie or dead. */
	if (e->state & SEV_STATE_DEAD) {
		t->exited = 1;
		name_as_dying(ea, t);
	}
}

static void note_cpu_switch(struct evacct *ea, const struct sev *e)
{
	struct evcpu *c;

	if (e->cpu >= ea->nr_cpus)
		return;
	c = &ea->cpu[e->cpu];
	c->s.switches++;
	c->s.traced_switches++;
	if (e->tid == 0) {
		/* Idle since before the first switch we have: since the window opened. */
		uint64_t since =
			c->idle_since_ns ? c->idle_since_ns : (!c->seen ? ea->window_ns : 0);

		if (since && e->ts_ns > since)
			c->s.idle_ns += e->ts_ns - since;
		c->s.idle_exits++;
	}
	c->idle_since_ns = e->tid2 == 0 ? e->ts_ns : 0;
	c->seen = true;
}

void evacct__event(struct evacct *ea, const struct sev *e, uint32_t wakeup_kind)
{
	struct evthread *t;

	switch (e->type) {
	case SEV_SWITCH:
		note_cpu_switch(ea, e);
		if (e->tid)
			note_departure(ea, e);
		if (e->tid2)
			note_arrival(ea, e);
		break;
	case SEV_FORK:
		t = thread_of(ea, e->tid2);
		/* sched_fork() starts every counter of the child from zero. */
		if (t) {
			restart(ea, t, e->pid2, e->ts_ns > ea->start_ns ? e->ts_ns : ea->start_ns);
			t->pcount_known = 1;
			/* A new process is known by its main thread; a new thread joins one. */
			t->pident_ns =
				e->tid2 == e->pid2 ? t->ident_ns : process_ident(ea, e->pid2);
		}
		break;
	case SEV_MIGRATE:
		t = thread_of(ea, e->tid);
		if (t)
			raise_to(&t->c.migrations, e->migrations);
		if (e->cpu2 < ea->nr_cpus)
			ea->cpu[e->cpu2].s.migrations_out++;
		if (e->cpu3 < ea->nr_cpus)
			ea->cpu[e->cpu3].s.migrations_in++;
		break;
	default:
		if (e->type == wakeup_kind) {
			t = thread_of(ea, e->tid);
			if (t)
				t->c.wakeups++;
		}
		break;
	}
}

void evacct__snap(struct evacct *ea, enum snap_phase phase, const struct task_snap *s)
{
	struct evthread *t = thread_of(ea, s->tid);

	if (!t)
		return;
	if (phase == SNAP_BEGIN || !t->ident_ns) {
		/* A scan names the thread by its true start. */
		if (t->ident_ns && t->ident_ns != s->start_ns && phase == SNAP_BEGIN)
			restart(ea, t, s->pid, s->start_ns);
		t->ident_ns = s->start_ns;
		if (s->tid == s->pid)
			t->pident_ns = s->start_ns;
	}
	t->pid = s->pid;
	raise_to(&t->c.runtime_ns, s->runtime_ns);
	raise_to(&t->c.run_delay_ns, s->run_delay_ns);
	raise_to(&t->c.nvcsw, s->nvcsw);
	raise_to(&t->c.nivcsw, s->nivcsw);
	raise_to(&t->c.migrations, s->migrations);
	if (!t->pcount_known || s->pcount > t->pcount) {
		t->pcount = s->pcount;
		t->pcount_known = 1;
	}
}

static void fill_obs(struct acct_obs *o, const struct evacct *ea, const struct evthread *t)
{
	const struct task_ident *me = tasktab__get(ea->names, t->tid);
	const struct task_ident *leader = tasktab__get(ea->names, t->pid);

	memset(o, 0, sizeof(*o));
	o->pid = t->pid;
	o->tid = t->tid;
	o->start_ns = t->ident_ns;
	o->pstart_ns = t->pident_ns ? t->pident_ns : process_ident(ea, t->pid);
	o->exited = t->exited;
	o->c = t->c;
	o->wait_max_ns = t->wait_max_ns;
	/* Its TID may name another thread by now. */
	if (t->named) {
		memcpy(o->comm, t->comm, ACCT_COMM_LEN);
		memcpy(o->pcomm, t->pcomm, ACCT_COMM_LEN);
		return;
	}
	if (me)
		memcpy(o->comm, me->comm, ACCT_COMM_LEN);
	if (leader)
		memcpy(o->pcomm, leader->comm, ACCT_COMM_LEN);
	else
		memcpy(o->pcomm, o->comm, ACCT_COMM_LEN);
}

void evacct__observe(struct evacct *ea, struct acct *a, const struct tasktab *names)
{
	struct acct_obs o;

	ea->acct = a;
	ea->names = names;
	acct__begin_pass(a, !ea->baselined, ea->start_ns);
	for (size_t i = 0; i < tidmap__capacity(&ea->threads); i++) {
		struct evthread *t = tidmap__slot(&ea->threads, i);

		if (!t->tid || t->gone)
			continue;
		fill_obs(&o, ea, t);
		acct__observe(a, &o);
		t->wait_max_ns = 0;
		if (t->exited)
			t->gone = 1;
	}
	acct__end_pass(a);
	ea->baselined = true;
}

void evacct__open_window(struct evacct *ea, uint64_t ts_ns)
{
	ea->window_ns = ts_ns;
}

void evacct__sample_cpus(const struct evacct *ea, struct cpustat *cs, uint64_t now_ns)
{
	for (uint32_t c = 0; c < ea->nr_cpus; c++) {
		struct cpu_sample s = ea->cpu[c].s;

		/* The idle period in progress counts up to now. */
		if (ea->cpu[c].idle_since_ns && now_ns > ea->cpu[c].idle_since_ns)
			s.idle_ns += now_ns - ea->cpu[c].idle_since_ns;
		cpustat__sample(cs, c, &s);
	}
}

uint64_t evacct__untracked(const struct evacct *ea)
{
	return ea->threads.refused;
}
