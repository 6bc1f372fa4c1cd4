// SPDX-License-Identifier: GPL-2.0
#include "session/syscsession.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/abi.h"
#include "bpf/abi_check.h"
#include "session/bpfenv.h"
#include "session/bpfsess.h"
#include "session/counts_read.h"
#include "syscount.skel.h"

BPFSESS_SKEL(syscount_hooks, syscount_bpf);

/* The keys of a histogram table unless --max-keys says otherwise: about 2.7 KB each per CPU. */
#define HIST_MAX_KEYS 1024
/* The hash's keys beside the slots: x32's numbers (0x40000000 up), rarely any. */
#define SLOTS_OVERFLOW_KEYS 256
/* How long --slower's events may wait in the ring before we read them. */
#define RING_BEAT_NS 100000000ull

struct syscsession {
	struct bpfsess b;
	struct syscount_bpf *skel;
	struct counts_read *counts;
	struct syscnames *names;
	int (*on_event)(void *ctx, const struct sysc_event *e);
	void *ctx;
};

/*
 * len bytes of the kernel's at addr into the peek buffer, through sc_peek
 * run by hand. Returns 0 or -errno (an address not mapped: -EFAULT).
 */
static int peek(const struct bpfsess *b, uint64_t addr, uint32_t len)
{
	struct syscount_bpf *skel = b->skel;
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err;

	skel->bss->peek_addr = addr;
	skel->bss->peek_len = len;
	err = bpf_prog_test_run_opts(bpfsess__prog_fd(b, skel->progs.sc_peek), &opts);
	if (err)
		return err;
	return skel->bss->peek_err ? (int)skel->bss->peek_err : 0;
}

#define PEEK_BYTES (SS_PEEK_WORDS * 8u)
#define PAGE_BYTES 4096u

/*
 * Where table abi starts in [lo, hi): the first place that holds its
 * first handlers. Reads overlap by a few words so that no start is missed
 * between two; a read that fails (a page of the region not mapped) is
 * retried page by page. 0: not found.
 */
static uint64_t scan(const struct bpfsess *b, const struct syscnames *n, enum sysc_abi abi,
		     uint64_t lo, uint64_t hi)
{
	struct syscount_bpf *skel = b->skel;
	const uint64_t *words = (const uint64_t *)skel->bss->peek_buf;
	const uint64_t step = PEEK_BYTES - 64;

	for (uint64_t addr = lo; addr < hi; addr += step) {
		long at = -1;

		if (!peek(b, addr, PEEK_BYTES)) {
			at = syscnames__find(n, abi, words, SS_PEEK_WORDS);
			if (at >= 0)
				return addr + (uint64_t)at * 8;
			continue;
		}
		for (uint64_t page = addr; page < addr + step; page += PAGE_BYTES) {
			if (peek(b, page, PAGE_BYTES))
				continue;
			at = syscnames__find(n, abi, words, PAGE_BYTES / 8);
			if (at >= 0)
				return page + (uint64_t)at * 8;
		}
	}
	return 0;
}

/* Table abi read into the names; how it went, for -v. */
static const char *find_table(const struct bpfsess *b, struct syscnames *n, enum sysc_abi abi)
{
	struct syscount_bpf *skel = b->skel;
	const char *sym = abi == SYSC_X64 ? "sys_call_table" : "ia32_sys_call_table";
	uint64_t addr = syscnames__addr(n, sym), lo, hi;
	const char *how = "named by kallsyms";

	if (!addr) {
		how = "found in read-only data by its first handlers";
		if (!syscnames__search_region(n, &lo, &hi))
			return "not found: kallsyms lists neither it nor __start_rodata";
		addr = scan(b, n, abi, lo, hi);
		if (!addr)
			/* Commit 1e3ad78334a6 (6.9, and stable 6.1 and 6.6) dropped ia32's. */
			return "not found in read-only data (kernels with the 2024 "
			       "branch-history fix keep no ia32 table)";
	}
	if (peek(b, addr, PEEK_BYTES) && peek(b, addr, SYSC_MAX_NR * 8))
		return "not readable";
	if (!syscnames__set_table(n, abi, (const uint64_t *)skel->bss->peek_buf, SYSC_MAX_NR))
		return "not a table of handlers where kallsyms says";
	return how;
}

/*
 * kallsyms, read before the programs attach: its thousands of read()s
 * would be counted. NULL, with why, if the handlers' addresses are hidden.
 */
static struct syscnames *read_symbols(const char **why)
{
	struct syscnames *n = syscnames__new();
	FILE *f = fopen("/proc/kallsyms", "r");

	*why = "cannot read /proc/kallsyms";
	if (n && f) {
		*why = "/proc/kallsyms hides the kernel's addresses (kernel.kptr_restrict)";
		if (!syscnames__read_kallsyms(n, f)) {
			fclose(f);
			return n;
		}
	}
	if (f)
		fclose(f);
	syscnames__free(n);
	return NULL;
}

/*
 * The names: n's symbols (NULL: why not) and the tables the loaded object
 * reads. n itself, or NULL after a warning that numbers will be shown.
 */
static struct syscnames *find_names(const struct bpfsess *b, struct syscnames *n, const char *why,
				    bool verbose)
{
	static const char *const abi_names[SYSC_NR_ABIS] = { "x86-64", "ia32" };

	for (int abi = 0; n && abi < SYSC_NR_ABIS; abi++) {
		const char *how = find_table(b, n, (enum sysc_abi)abi);

		if (verbose)
			fprintf(stderr, "schedscope: %s syscall table: %s, %zu numbers\n",
				abi_names[abi], how, syscnames__nr(n, (enum sysc_abi)abi));
	}
	if (n && syscnames__nr(n, SYSC_X64))
		return n;
	if (n)
		why = "the kernel's syscall table was not found (-v says where it was looked for)";
	fprintf(stderr, "schedscope: warning: no syscall names: %s; showing numbers\n", why);
	syscnames__free(n);
	return NULL;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct syscsession *s = ctx;
	const struct ss_sc_event *r = data;
	struct sysc_event e;

	if (size < sizeof(*r))
		return 0;
	e = (struct sysc_event){
		.ts_ns = r->ts_ns,
		.dur_ns = r->dur_ns,
		.ret = r->ret,
		.nr = r->nr & ~SS_SC_COMPAT,
		.compat = (r->nr & SS_SC_COMPAT) != 0,
		.pid = r->pid,
		.tid = r->tid,
		.cpu = r->cpu,
	};
	_Static_assert(SYSC_NR_ARGS == SS_SC_NR_ARGS && SYSC_COMM_LEN == SS_COMM_LEN,
		       "sysc_event holds a record");
	memcpy(e.args, r->args, sizeof(e.args));
	memcpy(e.comm, r->comm, sizeof(e.comm));
	return s->on_event(s->ctx, &e);
}

static void configure(struct syscsession *s, const struct sysc_opts *o)
{
	struct syscount_bpf *skel = s->skel;
	bool timed = o->latency || o->hist || o->slower_ns;

	skel->rodata->timed = timed;
	skel->rodata->hist = o->hist;
	skel->rodata->self_tgid = getpid();
	skel->rodata->by_process = o->by_process;
	skel->rodata->by_slot = !o->by_process && !o->hist;
	skel->rodata->failures = o->failures;
	skel->rodata->want_errno = o->want_errno;
	skel->rodata->slower_ns = o->slower_ns;
	skel->rodata->hist_unit_ns = o->unit_ns;
	bpfenv__set_task_filter((struct ss_task_filter *)&skel->rodata->task_filter, o->cli);
	/* Counting alone needs no entry stamp: one program per syscall. */
	bpf_program__set_autoload(skel->progs.sc_enter, timed);
	bpf_program__set_autoattach(skel->progs.sc_peek, false);
	/* The table not in use costs one entry. */
	if (o->hist)
		bpf_map__set_max_entries(skel->maps.counts, 1);
	else
		bpf_map__set_max_entries(skel->maps.hists, 1);
	bpfsess__size_ring(skel->maps.events, o->slower_ns ? o->ring_bytes : 0);
}

/* The key of slot (count_call() in syscount.bpf.c): the syscall, 32-bit past SS_SC_ABI_SLOTS. */
static void slot_key(void *key, uint32_t slot, uint32_t cpu)
{
	struct ss_sc_key *k = key;

	(void)cpu;
	k->nr = slot < SS_SC_ABI_SLOTS ? slot : (slot - SS_SC_ABI_SLOTS) | SS_SC_COMPAT;
}

/* Counts by syscall are in slots, but for numbers past them (x32's). */
static int use_slots(struct syscsession *s)
{
	struct counts_slots slots = {
		.map_fd = bpf_map__fd(s->skel->maps.count_slots),
		.nr = SS_SC_SLOTS,
		.key = slot_key,
	};
	int err = counts_read__use_slots(s->counts, &slots);

	if (err)
		cli__err("out of memory");
	return err;
}

struct syscsession *syscsession__open(const struct sysc_opts *o)
{
	struct syscsession *s = calloc(1, sizeof(*s));
	struct bpf_map *table;
	size_t nr_values, max_keys = o->cli->max_keys;
	struct syscnames *names;
	const char *why;
	int err;

	if (!s) {
		cli__err("out of memory");
		return NULL;
	}
	if (bpfsess__open(&s->b, &syscount_hooks, o->cli->verbose))
		goto fail;
	s->skel = s->b.skel;
	s->on_event = o->on_event;
	s->ctx = o->ctx;
	configure(s, o);
	table = o->hist ? s->skel->maps.hists : s->skel->maps.counts;
	nr_values = o->hist ? SS_HIST_NR_VALUES : SS_SC_NR_VALUES;
	if (o->hist && !max_keys)
		max_keys = HIST_MAX_KEYS;
	/* By syscall, the hash only holds numbers past the slots, if any. */
	if (!o->hist && !o->by_process && !max_keys)
		max_keys = SLOTS_OVERFLOW_KEYS;
	names = read_symbols(&why);
	err = counts_read__start(&s->b, &s->counts, table, s->skel->maps.count_stat,
				 sizeof(struct ss_sc_key), nr_values, &s->skel->bss->count_epoch,
				 max_keys);
	if (err) {
		syscnames__free(names);
		goto fail;
	}
	if (o->hist)
		counts_read__set_max(s->counts, SS_HIST_MAX);
	else if (!o->by_process && use_slots(s))
		goto fail;
	s->names = find_names(&s->b, names, why, o->cli->verbose);
	if (o->slower_ns &&
	    bpfsess__open_ring(&s->b, s->skel->maps.events, "--slower", on_record, s, RING_BEAT_NS))
		goto fail;
	return s;
fail:
	syscsession__close(s);
	return NULL;
}

int syscsession__names_only(bool verbose, struct syscnames **out)
{
	struct syscnames *names;
	const char *why;
	struct bpfsess b;
	struct syscount_bpf *skel;
	struct bpf_program *p;

	if (bpfsess__open(&b, &syscount_hooks, verbose))
		return 1;
	skel = b.skel;
	/* Only the peek: the hooks' programs cost a verification each. */
	for (p = bpf_object__next_program(skel->obj, NULL); p;
	     p = bpf_object__next_program(skel->obj, p))
		bpf_program__set_autoload(p, p == skel->progs.sc_peek);
	bpf_map__set_max_entries(skel->maps.counts, 1);
	bpf_map__set_max_entries(skel->maps.hists, 1);
	bpfsess__size_ring(skel->maps.events, 0);
	if (bpfsess__load(&b, false)) {
		bpfsess__close(&b);
		return 1;
	}
	names = read_symbols(&why);
	*out = find_names(&b, names, why, verbose);
	bpfsess__close(&b);
	return *out ? 0 : 1;
}

void syscsession__close(struct syscsession *s)
{
	if (!s)
		return;
	bpfsess__close(&s->b);
	counts_read__free(s->counts);
	syscnames__free(s->names);
	free(s);
}

struct syscnames *syscsession__names(struct syscsession *s)
{
	return s->names;
}

struct bpfsess *syscsession__bpfsess(struct syscsession *s)
{
	return &s->b;
}

struct counts_read *syscsession__counts(struct syscsession *s)
{
	return s->counts;
}

/* The per-CPU stat summed. */
static struct ss_sc_stat stat_sum(struct syscsession *s)
{
	struct ss_sc_stat sum = { 0 }, *st = calloc(s->b.nr_cpus, sizeof(*st));
	uint32_t zero = 0;

	if (st && !bpf_map__lookup_elem(s->skel->maps.sc_stat, &zero, sizeof(zero), st,
					s->b.nr_cpus * sizeof(*st), 0))
		for (uint32_t i = 0; i < s->b.nr_cpus; i++) {
			sum.unpaired += st[i].unpaired;
		}
	free(st);
	return sum;
}

uint64_t syscsession__ring_drops(struct syscsession *s)
{
	return bpfsess__drops(&s->b, s->skel->maps.stream_stat, NULL);
}

uint64_t syscsession__unpaired(struct syscsession *s)
{
	return stat_sum(s).unpaired;
}
