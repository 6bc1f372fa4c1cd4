/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A live session over the sched provider's probes (src/bpf/probes.bpf.c),
 * counted by key: which probes the running kernel can give, then open,
 * configure, load and attach the hooks the asked probes need, and read
 * each interval's counts.
 */
#ifndef SCHEDSCOPE_PROBESESSION_H
#define SCHEDSCOPE_PROBESESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "core/counts.h"
#include "core/probes.h"
#include "session/bpfsess.h"
#include "session/counts_read.h"

/*
 * The probes this kernel can give (P() bits); for each one it cannot,
 * why[probe] names the missing hook. Needs no privilege. Returns 0, or
 * -errno if the BPF object cannot be opened.
 */
int probesession__available(uint32_t *avail, const char *why[SS_NR_PROBES]);

/* The probes whose switches the kernel may hide from its tracepoint (docs/accounting.md). */
#define PROBES_SWITCHES (1u << SS_P_ON_CPU | 1u << SS_P_OFF_CPU)

struct bpf_object;
struct bpf_program;
struct bpf_map;
struct ss_switch_stat;

/*
 * The same for any object that includes src/bpf/sched_probes.bpf.h, opened
 * and not loaded, with the tick's function for its tick_fn. Each probe's
 * hook programs are found by name there.
 */
uint32_t probesession__hooks_available(struct bpf_object *obj, uint64_t *tick_fn,
				       const char *why[SS_NR_PROBES]);
/* Load the hook programs of the probes in mask (P() bits) and no other. */
void probesession__set_hooks(struct bpf_object *obj, uint32_t mask);

/*
 * The probes asked for, less those this kernel cannot give, into *mask: an
 * error (said; returns 1) for one that cannot be given when nothing else
 * was asked (neither another probe nor, with others, anything else), a
 * warning per probe otherwise ("counting the others", verb "counting").
 */
int probesession__usable(uint32_t asked, uint32_t avail, const char *const *why, bool others,
			 const char *verb, uint32_t *mask);

/*
 * Switches the kernel counted but its tracepoint never showed, for on-cpu
 * and off-cpu: each CPU's count of its switches (rq->nr_switches, read on
 * the CPU by the object's probe_cpu) against the switches probe_switch saw.
 */
struct probe_switches {
	const struct bpfsess *b;
	const struct bpf_program *prog; /* probe_cpu, run by hand once loaded */
	struct bpf_map *map;
	int filter_cpu;		     /* -C, or -1 */
	struct ss_switch_stat *base; /* per CPU, at the start */
	struct ss_switch_stat *now;  /* per CPU, at the last read */
};

/* For b's object, before its load. 0, or -ENOMEM (said). */
int probe_switches__init(struct probe_switches *sw, const struct bpfsess *b, int filter_cpu);
void probe_switches__free(struct probe_switches *sw);
/* Read each CPU's counts now, as the base or the latest. 0 or -errno (said). */
int probe_switches__read(struct probe_switches *sw, bool base);
/* The switches hidden between the base and the latest read. */
uint64_t probe_switches__untraced(const struct probe_switches *sw);

struct probe_opts {
	uint32_t probes;       /* P() bits, all available */
	uint32_t by;	       /* SS_BY_* */
	const struct cli *cli; /* -p, -t, -c, -C, -v */
};

struct probesession;

/*
 * The object opened, and what probesession__available() says of this
 * kernel, from the object's own look at the kernel's BTF (which its load
 * then reuses). On failure prints why and returns NULL.
 */
struct probesession *probesession__new(bool verbose, uint32_t *avail,
				       const char *why[SS_NR_PROBES]);
/* Configured for o, loaded and attached. Says why not; returns 0 or -errno. */
int probesession__start(struct probesession *s, const struct probe_opts *o);
void probesession__close(struct probesession *s);

/* What live__counts() reads and detaches. */
struct bpfsess *probesession__bpfsess(struct probesession *s);
struct counts_read *probesession__counts(struct probesession *s);

/* Each CPU's switch counts, before each read (a live_counts sample). 0 or -errno. */
int probesession__sample(void *s);

/*
 * Switches the kernel counted but its tracepoint never showed, since the
 * start, as of the last sample: what on-cpu and off-cpu miss. -1 if
 * neither is counted.
 */
int64_t probesession__untraced(const struct probesession *s);

#endif
