/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A live session over syscount's programs (src/bpf/syscount.bpf.c): open,
 * configure, load, find the syscall names, attach; then the counts (or
 * histograms) through the counts reader, --slower's events through the
 * ring, and what was lost. The only file that talks to libbpf for syscount.
 */
#ifndef SCHEDSCOPE_SYSCSESSION_H
#define SCHEDSCOPE_SYSCSESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "core/syscnames.h"
#include "core/sysc.h"

struct sysc_opts {
	const struct cli *cli; /* -p, -t, -c, --max-keys, -v */
	bool latency;	       /* -L: total time per key */
	bool hist;	       /* --hist: a histogram per key */
	bool by_process;       /* -P */
	bool failures;	       /* -x */
	int want_errno;	       /* -e, positive; 0: none */
	uint64_t unit_ns;      /* the log2 slots' unit: 1000 (us) or 1000000 (ms) */
	uint64_t slower_ns;    /* --slower; 0: no events */
	size_t ring_bytes;     /* --slower's ring buffer */
	/* Each --slower event, decoded; returns 0 to go on. */
	int (*on_event)(void *ctx, const struct sysc_event *e);
	void *ctx;
};

struct syscsession;

/*
 * Everything up to attached; on failure says why and returns NULL. The
 * names are found on the way: without them (syscsession__names() NULL)
 * it has warned, and syscalls show as numbers.
 */
struct syscsession *syscsession__open(const struct sysc_opts *o);
void syscsession__close(struct syscsession *s);

/*
 * Only the names, for -l: into *out (the caller frees it). Returns 0, or
 * 1 after saying why not.
 */
int syscsession__names_only(bool verbose, struct syscnames **out);

struct syscnames *syscsession__names(struct syscsession *s);
struct bpfsess *syscsession__bpfsess(struct syscsession *s);
struct counts_read *syscsession__counts(struct syscsession *s);

/* Cumulative: --slower events the ring had no room for; exits whose entry went unseen. */
uint64_t syscsession__ring_drops(struct syscsession *s);
uint64_t syscsession__unpaired(struct syscsession *s);

#endif
