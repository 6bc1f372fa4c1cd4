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

struct probe_opts {
	uint32_t probes;	/* P() bits, all available */
	uint32_t by;		/* SS_BY_* */
	const struct cli *cli;	/* -p, -t, -c, -C, -v */
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
