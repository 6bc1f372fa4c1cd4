/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether the kernel's BTF names a type (a tracepoint's btf_trace_ typedef,
 * a function), found by streaming the raw BTF through a small buffer: no
 * copy of it is kept. libbpf 1.1 answers the same question only by parsing
 * the whole 5 MB twice over, which is most of a command's start-up memory.
 */
#ifndef SCHEDSCOPE_BTFSCAN_H
#define SCHEDSCOPE_BTFSCAN_H

#include <stddef.h>
#include <stdint.h>

#include <linux/btf.h>

struct btfscan_want {
	const char *name; /* shorter than BTFSCAN_NAME_MAX */
	uint32_t kind;	  /* BTF_KIND_TYPEDEF, BTF_KIND_FUNC, ... */
	uint32_t id;	  /* out: its type id, 0 if the BTF has no such type */
};

#define BTFSCAN_NAME_MAX 128

/*
 * Fill in the id of each of the n types asked for, from the raw BTF that fd
 * reads (with pread(): any offset). Returns 0, or -EINVAL for what is not
 * BTF (or a kind this code does not know, so cannot step over), or the
 * error of a read.
 */
int btfscan__find(int fd, struct btfscan_want *want, size_t n);

#endif
