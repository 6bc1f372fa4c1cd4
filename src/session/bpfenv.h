/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every command that loads BPF programs needs before and around its own
 * object: a check that this kernel and this process can run them, libbpf's
 * messages on -v, attaching an object's programs with errors that name the
 * hook and say what to do, and running a program on each CPU. Errors are
 * printed here, once; functions return 0 or -errno.
 */
#ifndef SCHEDSCOPE_BPFENV_H
#define SCHEDSCOPE_BPFENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpf/libbpf.h>

#include "bpf/abi.h"

struct cli;

/* BTF present, privileges held; libbpf's warnings shown if verbose, else nothing of it. */
int bpfenv__check(bool verbose);

/*
 * Load a skeleton's object. With -v, say how long it took and how many
 * instructions the verifier walked for each program: the cost of starting
 * up, which grows with the paths through a program. Errors are left to the
 * caller (bpfenv__load_error), which may retry with fewer programs.
 */
int bpfenv__load(struct bpf_object_skeleton *skel, bool verbose);

/* Say why loading an object failed. */
void bpfenv__load_error(int err);

/*
 * Attach every program of obj that is loaded, except skip (may be NULL),
 * into links[0 .. *nr - 1]; max bounds links. On failure the links made so
 * far stay in links for the caller to destroy.
 */
int bpfenv__attach(struct bpf_object *obj, const struct bpf_program *skip,
		   struct bpf_link **links, int max, int *nr);

/* One program, the same way; quiet: the caller says why not. */
int bpfenv__attach_prog(struct bpf_program *prog, struct bpf_link **links, int max, int *nr,
			bool quiet);

/* The link bpfenv__attach(obj, skip, links, ...) made for prog, or NULL. */
struct bpf_link *bpfenv__link_of(struct bpf_object *obj, const struct bpf_program *skip,
				 struct bpf_link **links, int nr, const struct bpf_program *prog);

/*
 * Run the iterator behind iter_link once and hand each whole record of
 * rec_size bytes to fn (which returns 0 to go on). buf (buf_size bytes, a
 * multiple of rec_size) is the caller's. Errors are printed; returns 0 or -errno.
 */
int bpfenv__iter_read(struct bpf_link *iter_link, size_t rec_size, void *buf, size_t buf_size,
		      int (*fn)(void *ctx, const void *rec), void *ctx);

/* -p, -t and -c of cli into the programs' read-only filter, before load. */
void bpfenv__set_task_filter(struct ss_task_filter *f, const struct cli *cli);

/* Run prog (a raw_tp program) once on each CPU, by IPI; offline CPUs are skipped. */
void bpfenv__run_on_each_cpu(const struct bpf_program *prog, uint32_t nr_cpus);

#endif
