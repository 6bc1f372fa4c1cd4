// SPDX-License-Identifier: GPL-2.0
#include "session/probesession.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "bpf/abi.h"
#include "bpf/abi_check.h"
#include "core/btfscan.h"
#include "probes.skel.h"
#include "session/bpfenv.h"
#include "session/bpfsess.h"
#include "session/counts_read.h"

BPFSESS_SKEL(probes_hooks, probes_bpf);

struct probesession {
	struct bpfsess b;
	struct probes_bpf *skel;
	uint64_t tick_fn; /* the tick's hrtimer function, 0 if unknown */
	bool switches;	  /* on-cpu or off-cpu: untraced switches counted */
	struct counts_read *counts;
	struct probe_switches sw;
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

/*
 * The programs of sched_probes.bpf.h by name and hook: the same in every
 * object that includes it (probes.bpf.c, events.bpf.c).
 */
static const struct {
	const char *name;
	enum probe_hook hook;
} hook_progs[] = {
	{ "probe_switch", PH_SWITCH },	   { "probe_sched_exit", PH_SCHED_EXIT },
	{ "probe_waking", PH_WAKING },	   { "probe_wakeup", PH_WAKEUP },
	{ "probe_wakeup_new", PH_WAKEUP }, { "probe_migrate", PH_MIGRATE },
	{ "probe_pi_setprio", PH_PI },	   { "probe_nr_running", PH_NR_RUNNING },
	{ "probe_hrtimer", PH_HRTIMER },   { "probe_need_resched", PH_NEED_RESCHED },
};

#define NR_HOOK_PROGS (sizeof(hook_progs) / sizeof(hook_progs[0]))

static struct bpf_program *hook_prog(struct bpf_object *obj, size_t i)
{
	return bpf_object__find_program_by_name(obj, hook_progs[i].name);
}

void probesession__set_hooks(struct bpf_object *obj, uint32_t mask)
{
	uint32_t hooks = probes__hooks(mask);
	struct bpf_program *cpu_prog = bpf_object__find_program_by_name(obj, "probe_cpu");

	for (size_t i = 0; i < NR_HOOK_PROGS; i++)
		bpf_program__set_autoload(hook_prog(obj, i), hooks & (1u << hook_progs[i].hook));
	bpf_program__set_autoload(cpu_prog, mask & PROBES_SWITCHES);
	/* Run by hand on each CPU at every read. */
	bpf_program__set_autoattach(cpu_prog, false);
}

uint32_t probesession__hooks_available(struct bpf_object *obj, uint64_t *tick_fn,
				       const char *why[SS_NR_PROBES])
{
	uint32_t hooks = (1u << PH_NR) - 1, avail = 0;
	char names[NR_HOOK_PROGS][BTFSCAN_NAME_MAX];
	struct btfscan_want want[NR_HOOK_PROGS];

	for (size_t i = 0; i < NR_HOOK_PROGS; i++) {
		/* Its own tracepoint (a hook may have two), as its section names it. */
		const char *tp = strchr(bpf_program__section_name(hook_prog(obj, i)), '/');

		/* tp_btf finds a tracepoint by the typedef the kernel declares for it. */
		snprintf(names[i], sizeof(names[i]), "btf_trace_%s", tp ? tp + 1 : "");
		want[i].name = names[i];
		want[i].kind = BTF_KIND_TYPEDEF;
	}
	if (bpfenv__kernel_has(want, NR_HOOK_PROGS))
		hooks = 0;
	for (size_t i = 0; i < NR_HOOK_PROGS; i++)
		if (!want[i].id)
			hooks &= ~(1u << hook_progs[i].hook);
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
				why[p] = h == PH_HRTIMER
						 ? "hrtimer_expire_entry and the tick's function "
						   "in /proc/kallsyms"
						 : probe_hook_tp[h];
	}
	return avail;
}

int probesession__usable(uint32_t asked, uint32_t avail, const char *const *why, bool others,
			 const char *verb, uint32_t *mask)
{
	*mask = asked & avail;
	for (unsigned int p = 0; p < SS_NR_PROBES; p++) {
		if (!(asked & ~avail & (1u << p)))
			continue;
		if (!*mask && !others) {
			cli__err("this kernel cannot give probe %s: it lacks %s (schedscope probes "
				 "lists what it can give)",
				 probe_descs[p].name, why[p]);
			return 1;
		}
		fprintf(stderr,
			"schedscope: warning: this kernel cannot give probe %s (it lacks "
			"%s); %s the others\n",
			probe_descs[p].name, why[p], verb);
	}
	return 0;
}

int probesession__available(uint32_t *avail, const char *why[SS_NR_PROBES])
{
	/* Opening needs no privilege: the list is anyone's to read. */
	struct probes_bpf *skel = probes_bpf__open();
	uint64_t tick_fn;

	if (!skel)
		return -errno;
	*avail = probesession__hooks_available(skel->obj, &tick_fn, why);
	probes_bpf__destroy(skel);
	return 0;
}

int probe_switches__init(struct probe_switches *sw, const struct bpfsess *b, int filter_cpu)
{
	const struct bpf_object *obj = *b->obj_skel->obj;

	memset(sw, 0, sizeof(*sw));
	sw->b = b;
	sw->prog = bpf_object__find_program_by_name(obj, "probe_cpu");
	sw->map = bpf_object__find_map_by_name(obj, "switch_stat");
	sw->filter_cpu = filter_cpu;
	sw->base = calloc(b->nr_cpus, sizeof(*sw->base));
	sw->now = calloc(b->nr_cpus, sizeof(*sw->now));
	if (!sw->prog || !sw->map || !sw->base || !sw->now) {
		cli__err("out of memory");
		return -ENOMEM;
	}
	return 0;
}

void probe_switches__free(struct probe_switches *sw)
{
	free(sw->base);
	free(sw->now);
	sw->base = sw->now = NULL;
}

int probe_switches__read(struct probe_switches *sw, bool base)
{
	struct ss_switch_stat *out = base ? sw->base : sw->now;
	uint32_t zero = 0;
	int err;

	bpfsess__run_on_each_cpu(sw->b, sw->prog);
	err = bpf_map__lookup_elem(sw->map, &zero, sizeof(zero), out, sw->b->nr_cpus * sizeof(*out),
				   0);
	if (err)
		cli__err("cannot read the switch counts: %s", strerror(-err));
	return err;
}

uint64_t probe_switches__untraced(const struct probe_switches *sw)
{
	uint64_t kernel = 0, traced = 0;

	for (uint32_t cpu = 0; cpu < sw->b->nr_cpus; cpu++) {
		if (sw->filter_cpu >= 0 && cpu != (uint32_t)sw->filter_cpu)
			continue;
		kernel += sw->now[cpu].kernel - sw->base[cpu].kernel;
		traced += sw->now[cpu].traced - sw->base[cpu].traced;
	}
	return kernel > traced ? kernel - traced : 0;
}

static void configure(struct probesession *s, const struct probe_opts *o)
{
	struct probes_bpf *skel = s->skel;

	skel->rodata->probes = o->probes;
	skel->rodata->by = o->by;
	skel->rodata->by_slot = !(o->by & ~SS_BY_CPU);
	skel->rodata->filter_cpu = o->cli->cpu;
	bpfenv__set_task_filter((struct ss_task_filter *)&skel->rodata->task_filter, o->cli);
	skel->rodata->tick_fn = s->tick_fn;
	probesession__set_hooks(skel->obj, o->probes);
	s->switches = o->probes & PROBES_SWITCHES;
}

struct probesession *probesession__new(bool verbose, uint32_t *avail, const char *why[SS_NR_PROBES])
{
	struct probesession *s = calloc(1, sizeof(*s));

	if (!s) {
		cli__err("out of memory");
		return NULL;
	}
	if (bpfsess__open(&s->b, &probes_hooks, verbose))
		goto fail;
	s->skel = s->b.skel;
	*avail = probesession__hooks_available(s->skel->obj, &s->tick_fn, why);
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
	err = probe_switches__init(&s->sw, &s->b, o->cli->cpu);
	/* Counted by slot, the hash holds nothing: one key is its least size. */
	if (!err)
		err = counts_read__start(&s->b, &s->counts, s->skel->maps.counts,
					 s->skel->maps.count_stat, sizeof(struct ss_count_key), 1,
					 &s->skel->bss->count_epoch,
					 by_slot ? 1 : o->cli->max_keys);
	if (!err && by_slot) {
		slots.map_fd = bpf_map__fd(s->skel->maps.count_slots);
		err = counts_read__use_slots(s->counts, &slots);
		if (err)
			cli__err("out of memory");
	}
	if (!err && s->switches)
		err = probe_switches__read(&s->sw, true);
	return err;
}

void probesession__close(struct probesession *s)
{
	if (!s)
		return;
	bpfsess__close(&s->b);
	counts_read__free(s->counts);
	probe_switches__free(&s->sw);
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

	return s->switches ? probe_switches__read(&s->sw, false) : 0;
}

int64_t probesession__untraced(const struct probesession *s)
{
	return s->switches ? (int64_t)probe_switches__untraced(&s->sw) : -1;
}
