// SPDX-License-Identifier: GPL-2.0
#include "session/session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/abi.h"
#include "bpf/abi_check.h"
#include "acct.skel.h"
#include "bpf/acct_logic.h"
#include "session/bpfenv.h"
#include "session/bpfsess.h"
#include "cli.h"
#include "session/stop.h"

/* Exit records ask for no wake-up: they are drained on this beat instead. */
#define EXIT_BEAT_NS 200000000ull

BPFSESS_SKEL(acct_hooks, acct_bpf);

struct session {
	struct bpfsess b;
	struct acct_bpf *skel; /* b's */
	struct acct *acct;
	uint32_t epoch; /* the interval being accumulated */
	struct ss_cpu_stat *pcpu[2];
	bool threads;
	uint64_t untraced_base; /* kernel minus traced switches at the baseline */
	uint64_t untraced;	/* the same at the last read */
};

static void rec_to_obs(const struct ss_task_rec *r, uint32_t epoch, struct acct_obs *o)
{
	o->pid = r->pid;
	o->tid = r->tid;
	o->start_ns = r->start_ns;
	o->pstart_ns = r->pstart_ns;
	memcpy(o->comm, r->comm, sizeof(o->comm));
	memcpy(o->pcomm, r->pcomm, sizeof(o->pcomm));
	o->exited = r->flags & SS_TASK_EXITED;
	o->cgroup_id = r->cgroup_id;
	o->c.runtime_ns = r->runtime_ns;
	o->c.run_delay_ns = r->run_delay_ns;
	o->c.nvcsw = r->nvcsw;
	o->c.nivcsw = r->nivcsw;
	o->c.migrations = r->migrations;
	o->c.wakeups = r->wakeups;
	o->wait_max_ns = slotmax__get_closing(r->wait_max_ns, r->wait_epoch, epoch);
}

static int on_exit_record(void *ctx, void *data, size_t size)
{
	struct session *s = ctx;
	struct acct_obs o;

	if (size < sizeof(struct ss_task_rec) || !s->acct)
		return 0;
	rec_to_obs(data, s->epoch, &o);
	acct__observe(s->acct, &o);
	return 0;
}

static void configure(struct acct_bpf *skel, const struct session_opts *o, uint32_t nr_cpus)
{
	skel->rodata->track_idle = o->idle;
	skel->rodata->track_waits = o->waits || o->cpu_waits;
	skel->rodata->track_cpu_waits = o->cpu_waits;
	skel->rodata->trace_start_ns = stop__now_ns();
	skel->rodata->filter_cpu = o->cpu;
	bpf_program__set_autoload(skel->progs.on_wakeup, o->threads);
	skel->rodata->track_threads = o->threads;
	/* The scan also seeds the wait baselines, so waits need it too. */
	bpf_program__set_autoload(skel->progs.dump_task, o->threads || o->waits || o->cpu_waits);
	skel->bss->iter_quiet = !o->threads;
	bpf_map__set_max_entries(skel->maps.cpu_mig, nr_cpus);
	/* Run by hand on each CPU, never attached. */
	bpf_program__set_autoattach(skel->progs.probe_cpu, false);
}

struct session *session__open(const struct session_opts *o)
{
	struct session *s = calloc(1, sizeof(*s));

	if (!s) {
		cli__err("out of memory");
		return NULL;
	}
	if (bpfsess__open(&s->b, &acct_hooks, o->verbose))
		goto fail;
	s->skel = s->b.skel;
	s->threads = o->threads;
	s->epoch = 1;
	s->pcpu[0] = calloc(s->b.nr_cpus, sizeof(struct ss_cpu_stat));
	s->pcpu[1] = calloc(s->b.nr_cpus, sizeof(struct ss_cpu_stat));
	if (!s->pcpu[0] || !s->pcpu[1]) {
		cli__err("out of memory");
		goto fail;
	}
	configure(s->skel, o, s->b.nr_cpus);
	if (bpfsess__load(&s->b, false) || bpfsess__attach(&s->b))
		goto fail;
	if (o->threads &&
	    bpfsess__open_ring(&s->b, s->skel->maps.exits, "exit", on_exit_record, s, EXIT_BEAT_NS))
		goto fail;
	bpfsess__run_on_each_cpu(&s->b, s->skel->progs.probe_cpu);
	s->skel->bss->epoch = s->epoch;
	return s;
fail:
	session__close(s);
	return NULL;
}

void session__close(struct session *s)
{
	if (!s)
		return;
	bpfsess__close(&s->b);
	free(s->pcpu[0]);
	free(s->pcpu[1]);
	free(s);
}

uint32_t session__nr_cpus(const struct session *s)
{
	return s->b.nr_cpus;
}

void session__bind_acct(struct session *s, struct acct *a)
{
	s->acct = a;
}

static int sample_cpus(struct session *s, struct cpustat *cs);

static int observe_rec(void *ctx, const void *rec)
{
	struct session *s = ctx;
	struct acct_obs o;

	rec_to_obs(rec, s->epoch, &o);
	if (s->acct)
		acct__observe(s->acct, &o);
	return 0;
}

/* One pass of the task iterator: every thread's counters into the acct core. */
static int scan(struct session *s, bool baseline, uint64_t t0_ns)
{
	int err;

	s->skel->bss->iter_seed = baseline;
	if (s->acct)
		acct__begin_pass(s->acct, baseline, t0_ns);
	err = bpfsess__iter_read(&s->b, s->skel->progs.dump_task, sizeof(struct ss_task_rec),
				 observe_rec, s);
	if (s->acct)
		acct__end_pass(s->acct);
	return err;
}

int session__baseline(struct session *s, uint64_t t0_ns, struct cpustat *cs)
{
	int err = 0;

	if (bpfsess__attached(&s->b, s->skel->progs.dump_task))
		err = scan(s, true, t0_ns);
	if (!err)
		err = sample_cpus(s, cs);
	s->untraced_base = s->untraced;
	return err;
}

bool session__wait(struct session *s, uint64_t deadline_ns)
{
	bpfsess__poll(&s->b, deadline_ns);
	return stop__requested();
}

void session__drain(struct session *s)
{
	bpfsess__consume(&s->b);
}

void session__settle(struct session *s)
{
	struct timespec ts = { 0, 20000000L };

	if (!s->b.rb)
		return;
	nanosleep(&ts, NULL);
	bpfsess__consume(&s->b);
}

static int read_pcpu(struct session *s, struct ss_cpu_stat *out)
{
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.cpu_stat), &zero, out))
		return -errno;
	return 0;
}

static int sample_cpus(struct session *s, struct cpustat *cs)
{
	struct ss_cpu_stat *a = s->pcpu[0], *b = s->pcpu[1];
	uint64_t now = 0, untraced = 0;
	int err, tries;

	bpfsess__run_on_each_cpu(&s->b, s->skel->progs.probe_cpu);
	/* The idle fields change under idle_seq: two equal, even copies agree. */
	for (tries = 0; tries < 8; tries++) {
		bool stable = true;

		err = read_pcpu(s, a);
		if (!err)
			err = read_pcpu(s, b);
		if (err)
			break;
		now = stop__now_ns();
		for (uint32_t c = 0; c < s->b.nr_cpus && stable; c++)
			stable = a[c].idle_seq == b[c].idle_seq && !(a[c].idle_seq & 1);
		if (stable)
			break;
	}
	if (err) {
		cli__err("cannot read the per-CPU counters: %s", strerror(-err));
		return err;
	}
	for (uint32_t c = 0; c < s->b.nr_cpus; c++) {
		const struct ss_cpu_stat *st = &b[c];
		struct ss_cpu_mig mig = { 0, 0 };
		struct cpu_sample smp;

		bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.cpu_mig), &c, &mig);
		memset(&smp, 0, sizeof(smp));
		/* The kernel's count: the tracepoint does not see every switch. */
		smp.switches = st->kernel_switches ? st->kernel_switches : st->switches;
		smp.traced_switches = st->switches;
		smp.idle_ns = st->idle_ns;
		if (st->idle_since_ns && now > st->idle_since_ns)
			smp.idle_ns += now - st->idle_since_ns;
		smp.idle_exits = st->idle_exits;
		smp.wait_ns = st->wait_ns;
		smp.waits = st->waits;
		smp.wait_max_ns = slotmax__get_closing(st->wait_max_ns, st->wait_epoch, s->epoch);
		smp.migrations_in = mig.in;
		smp.migrations_out = mig.out;
		cpustat__sample(cs, c, &smp);
		untraced +=
			smp.switches > smp.traced_switches ? smp.switches - smp.traced_switches : 0;
	}
	s->untraced = untraced;
	return 0;
}

int session__sample(struct session *s, struct cpustat *cs)
{
	int err = 0;

	/* New waits go to the next epoch's slot while this one is read. */
	s->skel->bss->epoch = s->epoch + 1;
	if (s->threads) {
		err = scan(s, false, 0);
		bpfsess__consume(&s->b);
	}
	if (!err)
		err = sample_cpus(s, cs);
	s->epoch++;
	return err;
}

void session__losses(const struct session *s, struct report_losses *l)
{
	/* As of the last read: the one the report's figures come from. */
	const struct ss_cpu_stat *a = s->pcpu[1];

	memset(l, 0, sizeof(*l));
	l->untraced_switches = s->untraced - s->untraced_base;
	for (uint32_t c = 0; c < s->b.nr_cpus; c++) {
		l->idle_untraced += a[c].idle_untraced;
		l->exit_drops += a[c].exit_drops;
		l->storage_fail += a[c].storage_fail;
		l->waits_unbased += a[c].waits_unbased;
		l->waits_missed += a[c].waits_missed;
	}
}

void session__prog_costs(const struct session *s,
			 void (*fn)(void *ctx, const char *prog, uint64_t run_ns, uint64_t runs),
			 void *ctx)
{
	bpfsess__prog_costs(&s->b, fn, ctx);
}
