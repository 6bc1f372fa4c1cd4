/* SPDX-License-Identifier: GPL-2.0 */
/* syscount's own writers: --slower's events and -l's list (its reports are counts or histograms). */
#ifndef SCHEDSCOPE_SYSCOUNT_OUT_H
#define SCHEDSCOPE_SYSCOUNT_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/syscnames.h"
#include "core/sysc.h"

/* The header line of --slower's events (text only). */
void syscount_out__event_head(FILE *f);

/* One --slower event; names may be NULL (numbers). Returns 0 or -EIO. */
int syscount_out__event(FILE *f, const struct sysc_event *e, const struct syscnames *names,
			bool json);

/* -l: every syscall of both tables, by number. Returns 0 or -EIO. */
int syscount_out__list(FILE *f, const struct syscnames *names, bool json);

#endif
