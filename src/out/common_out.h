/* SPDX-License-Identifier: GPL-2.0 */
/* Pieces every report writer shares: timestamps and the losses line. */
#ifndef SCHEDSCOPE_COMMON_OUT_H
#define SCHEDSCOPE_COMMON_OUT_H

#include <stdio.h>

#include "../core/report.h"
#include "json.h"

/* "HH:MM:SS " of the window's end if -T, else nothing. */
void out__timestamp(FILE *f, const struct report_meta *m);
/* One line naming every nonzero loss and the option that helps; nothing if none. */
void out__losses_line(FILE *f, const struct report_meta *m);
/* "duration_ns", "time" (with -T) and the "lost" object. */
void out__json_meta(struct json *j, const struct report_meta *m);

#endif
