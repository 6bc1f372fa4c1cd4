// SPDX-License-Identifier: GPL-2.0
#include "core/sysc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The largest errno the kernel returns (include/linux/err.h's MAX_ERRNO). */
#define SYSC_MAX_ERRNO 4095

const char *sysc__errno_name(int errnum)
{
	/* glibc's own table, of the kernel's numbers: no copy of our own to age. */
	return errnum > 0 && errnum <= SYSC_MAX_ERRNO ? strerrorname_np(errnum) : NULL;
}

int sysc__parse_errno(const char *s, int *errnum)
{
	char *end;
	long v;

	if (!*s)
		return -EINVAL;
	if (*s >= '0' && *s <= '9') {
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || *end || v <= 0 || v > SYSC_MAX_ERRNO)
			return -EINVAL;
		*errnum = (int)v;
		return 0;
	}
	for (int e = 1; e <= SYSC_MAX_ERRNO; e++) {
		const char *name = sysc__errno_name(e);

		if (name && !strcmp(name, s)) {
			*errnum = e;
			return 0;
		}
	}
	return -EINVAL;
}
