/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SCHEDSCOPE_TOP_OUT_H
#define SCHEDSCOPE_TOP_OUT_H

#include <stdio.h>

#include "core/report.h"
#include "core/topview.h"

void top_out__table(FILE *f, const struct top_view *v, const struct report_meta *m);
void top_out__json(FILE *f, const struct top_view *v, const struct report_meta *m);

#endif
