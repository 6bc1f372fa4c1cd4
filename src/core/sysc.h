/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syscount's records as the core sees them, decoded from the kernel's at
 * the session boundary (src/session/syscsession.c), and its errno names.
 */
#ifndef SCHEDSCOPE_SYSC_H
#define SCHEDSCOPE_SYSC_H

#include <stdbool.h>
#include <stdint.h>

#define SYSC_NR_ARGS 3
#define SYSC_COMM_LEN 16

/* One syscall of at least --slower's threshold. */
struct sysc_event {
	uint64_t ts_ns; /* its end, CLOCK_MONOTONIC */
	uint64_t dur_ns;
	int64_t ret;
	uint64_t args[SYSC_NR_ARGS];
	uint32_t nr; /* in its ABI's table */
	bool compat; /* a 32-bit (ia32) call */
	uint32_t pid;
	uint32_t tid;
	uint32_t cpu;
	char comm[SYSC_COMM_LEN]; /* not NUL-terminated if 16 bytes long */
};

/*
 * -e's value: an errno's name ("ENOENT") or number ("2"), into *errnum
 * (positive). Returns 0, or -EINVAL if it is neither.
 */
int sysc__parse_errno(const char *s, int *errnum);

/* "ENOENT" for 2; NULL for a number no errno has. */
const char *sysc__errno_name(int errnum);

#endif
