// SPDX-License-Identifier: GPL-2.0
#include "session/probesession.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "bpf/abi.h"
#include "bpf/abi_check.h"
#include "probes.skel.h"
#include "session/bpfenv.h"
#include "session/bpfsess.h"
#include "session/counts_read.h"

BPFSESS_SKEL(probes_hooks, probes_bpf);

struct probesession {
	struct bpfsess b;
	struct probes_bpf *skel;
	int filter_cpu;
	uint64_t tick_fn;		/* the tick's hrtimer function, 0 if unknown */
	bool switches;			/* on-cpu or off-cpu: untraced switches counted */
	struct counts_read *counts;
	struct ss_switch_stat *sw_base;	/* per CPU, at the start */
	struct ss_switch_stat *sw_now;	/* per CPU, at the last read */
};

/* The scheduler tick's hrtimer function: its name changed in 6.9. */
static const char *const tick_fns[] = { "tick_nohz_handler", "tick_sched_timer" };

static uint64_t tick_fn_addr(void)
{
	char line[256], name[128];
	unsigned long long addr;
	uint64_t found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char type;

		if (sscanf(line, "%llx %c %127s", &addr, &type, name) != 3 || !addr)
			continue;
		for (size_t i = 0; i < sizeof(tick_fns) / sizeof(tick_fns[0]); i++)
			if (!strcmp(name, tick_fns[i]))
				found = addr;
	}
	fclose(f);
	return found;
}

struct hook_prog {
	struct bpf_program *prog;
	enum probe_hook hook;
};

#define NR_HOOK_PROGS 10

/* Each hook's programs, in the skeleton. */
static void hook_progs(struct probes_bpf *skel, struct hook_prog progs[NR_HOOK_PROGS])
{
	const struct hook_prog all[NR_HOOK_PROGS] = {
		{ skel->progs.probe_switch, PH_SWITCH },
		{ skel->progs.probe_sched_exit, PH_SCHED_EXIT },
		{ skel->progs.probe_waking, PH_WAKING },
		{ skel->progs.probe_wakeup, PH_WAKEUP },
		{ skel->progs.probe_wakeup_new, PH_WAKEUP },
		{ skel->progs.probe_migrate, PH_MIGRATE },
		{ skel->progs.probe_pi_setprio, PH_PI },
		{ skel->progs.probe_nr_running, PH_NR_RUNNING },
		{ skel->progs.probe_hrtimer, PH_HRTIMER },
		{ skel->progs.probe_need_resched, PH_NEED_RESCHED },
	};

	memcpy(progs, all, sizeof(all));
}

static void set_autoload(struct probes_bpf *skel, uint32_t hooks)
{
	struct hook_prog progs[NR_HOOK_PROGS];

	hook_progs(skel, progs);
	for (size_t i = 0; i < NR_HOOK_PROGS; i++)
		bpf_program__set_autoload(progs[i].prog, hooks & (1u << progs[i].hook));
}

/*
 * The probes the kernel behind skel can give, and why not the others.
 * Asked of libbpf on the opened object: finding each hook's target parses
 * the kernel's BTF once and keeps it for the load, which needs it anyway.
 */
static uint32_t available(struct probes_bpf *skel, uint64_t *tick_fn,
			  const char *why[SS_NR_PROBES])
{
	struct hook_prog progs[NR_HOOK_PROGS];
	uint32_t hooks = (1u << PH_NR) - 1, avail = 0;

	hook_progs(skel, progs);
	for (size_t i = 0; i < NR_HOOK_PROGS; i++) {
		/* Its own tracepoint (a hook may have two), as its section names it. */
		const char *tp = strchr(bpf_program__section_name(progs[i].prog), '/');

		if (!tp || bpf_program__set_attach_target(progs[i].prog, 0, tp + 1))
			hooks &= ~(1u << progs[i].hook);
	}
	/* Without the function's address the timer hook cannot tell the tick. */
	*tick_fn = hooks & (1u << PH_HRTIMER) ? tick_fn_addr() : 0;
	if (!*tick_fn)
		hooks &= ~(1u << PH_HRTIMER);
	for (unsigned int p = 0; p < SS_NR_PROBES; p++) {
		uint32_t missing = probe_descs[p].hooks & ~hooks;

		why[p] = NULL;
		if (!missing) {
			avail |= 1u << p;
			continue;
		}
		for (unsigned int h = 0; h < PH_NR && !why[p]; h++)
			if (missing & (1u << h))
				why[p] = h == PH_HRTIMER ? "hrtimer_expire_entry and the tick's function "
							   "in /proc/kallsyms"
							 : probe_hook_tp[h];
	}
	return avail;
}

int probesession__available(uint32_t *avail, const char *why[SS_NR_PROBES])
{
	/* Opening needs no privilege: the list is anyone's to read. */
	struct probes_bpf *skel = probes_bpf__open();
	uint64_t tick_fn;

	if (!skel)
		return -errno;
	*avail = available(skel, &tick_fn, why);
	probes_bpf__destroy(skel);
	return 0;
}

/* Each CPU's traced and kernel switch counts, read on that CPU now. */
static int read_switches(struct probesession *s, struct ss_switch_stat *out)
{
	uint32_t zero = 0;
	int err;

	bpfenv__run_on_each_cpu(s->skel->progs.probe_cpu, s->b.nr_cpus);
	err = bpf_map__lookup_elem(s->skel->maps.switch_stat, &zero, sizeof(zero), out,
				   s->b.nr_cpus * sizeof(*out), 0);
	if (err)
		cli__err("cannot read the switch counts: %s", strerror(-err));
	return err;
}

static void configure(struct probesession *s, const struct probe_opts *o)
{
	struct probes_bpf *skel = s->skel;
	uint32_t hooks = probes__hooks(o->probes);

	skel->rodata->probes = o->probes;
	skel->rodata->by = o->by;
	skel->rodata->by_slot = !(o->by & ~SS_BY_CPU);
	skel->rodata->filter_cpu = o->cli->cpu;
	bpfenv__set_task_filter((struct ss_task_filter *)&skel->rodata->task_filter, o->cli);
	skel->rodata->tick_fn = s->tick_fn;
	set_autoload(skel, hooks);
	s->filter_cpu = o->cli->cpu;
	s->switches = o->probes & (1u << SS_P_ON_CPU | 1u << SS_P_OFF_CPU);
	bpf_program__set_autoload(skel->progs.probe_cpu, s->switches);
	/* Run by hand on each CPU at every read. */
	bpf_program__set_autoattach(skel->progs.probe_cpu, false);
}

struct probesession *probesession__new(bool verbose, uint32_t *avail,
				       const char *why[SS_NR_PROBES])
{
	struct probesession *s = calloc(1, sizeof(*s));

	if (!s) {
		cli__err("out of memory");
		return NULL;
	}
	if (bpfsess__open(&s->b, &probes_hooks, verbose))
		goto fail;
	s->skel = s->b.skel;
	s->sw_base = calloc(s->b.nr_cpus, sizeof(*s->sw_base));
	s->sw_now = calloc(s->b.nr_cpus, sizeof(*s->sw_now));
	if (!s->sw_base || !s->sw_now) {
		cli__err("out of memory");
		goto fail;
	}
	*avail = available(s->skel, &s->tick_fn, why);
	return s;
fail:
	probesession__close(s);
	return NULL;
}

/* The key of a count by probe (and CPU) that probes.bpf.c added by slot. */
static void slot_key(void *key, uint32_t slot, uint32_t cpu)
{
	struct ss_count_key *k = key;

	k->probe = slot;
	k->cpu = cpu;
}

int probesession__start(struct probesession *s, const struct probe_opts *o)
{
	bool by_slot = !(o->by & ~SS_BY_CPU);
	struct counts_slots slots = {
		.nr = SS_NR_PROBES,
		.by_cpu = o->by & SS_BY_CPU,
		.key = slot_key,
	};
	int err;

	configure(s, o);
	/* Counted by slot, the hash holds nothing: one key is its least size. */
	err = counts_read__start(&s->b, &s->counts, s->skel->maps.counts,
				 s->skel->maps.count_stat, sizeof(struct ss_count_key), 1,
				 &s->skel->bss->count_epoch, by_slot ? 1 : o->cli->max_keys);
	if (!err && by_slot) {
		slots.map_fd = bpf_map__fd(s->skel->maps.count_slots);
		err = counts_read__use_slots(s->counts, &slots);
		if (err)
			cli__err("out of memory");
	}
	if (!err && s->switches)
		err = read_switches(s, s->sw_base);
	return err;
}

void probesession__close(struct probesession *s)
{
	if (!s)
		return;
	bpfsess__close(&s->b);
	counts_read__free(s->counts);
	free(s->sw_base);
	free(s->sw_now);
	free(s);
}

struct bpfsess *probesession__bpfsess(struct probesession *s)
{
	return &s->b;
}

struct counts_read *probesession__counts(struct probesession *s)
{
	return s->counts;
}

int probesession__sample(void *ctx)
{
	struct probesession *s = ctx;

	return s->switches ? read_switches(s, s->sw_now) : 0;
}

int64_t probesession__untraced(const struct probesession *s)
{
	uint64_t kernel = 0, traced = 0;

	if (!s->switches)
		return -1;
	for (uint32_t cpu = 0; cpu < s->b.nr_cpus; cpu++) {
		if (s->filter_cpu >= 0 && cpu != (uint32_t)s->filter_cpu)
			continue;
		kernel += s->sw_now[cpu].kernel - s->sw_base[cpu].kernel;
		traced += s->sw_now[cpu].traced - s->sw_base[cpu].traced;
	}
	return kernel > traced ? (int64_t)(kernel - traced) : 0;
}
