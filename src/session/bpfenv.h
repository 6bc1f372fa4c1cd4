/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every command that loads BPF programs needs around its object (the
 * object's own life is bpfsess.h's): a check that this kernel and this
 * process can run them, libbpf's messages on -v, the task filter every
 * object shares, and running a program on each CPU. Errors are printed
 * here, once; functions return 0 or -errno.
 */
#ifndef SCHEDSCOPE_BPFENV_H
#define SCHEDSCOPE_BPFENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bpf/libbpf.h>

#include "bpf/abi.h"

#define BPFENV_PRIVILEGE_HINT "run as root, or grant CAP_BPF and CAP_PERFMON"

struct cli;

/*
 * BTF present, privileges held, SCHEDSCOPE_LOADER valid; libbpf's warnings
 * shown if verbose, else nothing of it.
 */
int bpfenv__check(bool verbose);

/*
 * Whether objects are loaded by a loader program the kernel relocates
 * (session/bpfload.h), not by libbpf: on 6.1 and later, whose BTF the
 * loader hands over as it is, unless SCHEDSCOPE_LOADER says "libbpf"
 * ("kernel" forces it on).
 */
bool bpfenv__kernel_loads(void);

struct btfscan_want;

/*
 * Which of the n types the kernel's BTF has (core/btfscan.h), found without
 * parsing it whole; from libbpf's parse if the scan cannot read it. Returns
 * 0 or -errno, said.
 */
int bpfenv__kernel_has(struct btfscan_want *want, size_t n);

/*
 * Whether the kernel loads an fentry program at the function of BTF id
 * btf_id (some refuse tracing programs there, or everywhere): 0 or -errno.
 */
int bpfenv__fentry_loads(uint32_t btf_id);

/* -p, -t and -c of cli into the programs' read-only filter, before load. */
void bpfenv__set_task_filter(struct ss_task_filter *f, const struct cli *cli);

#endif
