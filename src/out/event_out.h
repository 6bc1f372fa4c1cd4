/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writers for the latency event streams: runqslower's lines (bcc's columns),
 * starve's and inversion's reports, as tables or one JSON object per line.
 */
#ifndef SCHEDSCOPE_EVENT_OUT_H
#define SCHEDSCOPE_EVENT_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/latevent.h"

#define OUT_PRIO_LEN 24

/*
 * "HH:MM:SS" (local time) of a CLOCK_MONOTONIC instant. boot_wall_ns is the
 * traced boot's start on the wall clock (a recording's header has it), or 0
 * for this boot's, read from the clocks at each call. Every writer below
 * that prints a time takes it the same way.
 */
void out__hms(char buf[16], uint64_t boot_wall_ns, uint64_t mono_ns);
#define OUT_THIS_BOOT 0 /* boot_wall_ns of a live command */

/*
 * A kernel prio (0..139, lower runs first) as people set it: "FIFO 30",
 * "RR 5", "nice -5", "batch nice 0", "idle", "deadline". policy is
 * task->policy, or -1 when unknown (then RT shows as "RT 30").
 */
void out__prio(char buf[OUT_PRIO_LEN], int policy, int prio);

/* runqslower: the header and one line per slow wait (LAT_EV_SLOW). */
void slow_out__header(FILE *f, bool prev);
void slow_out__line(FILE *f, const struct lat_event *e, bool prev, uint64_t boot_wall_ns);
void slow_out__json(FILE *f, const struct lat_event *e, uint64_t boot_wall_ns);

/*
 * starve, and inversion (inversion: true): the header, a thread waiting right
 * now (state "starving", or "runnable" behind a lower priority), its wait ended.
 */
void starve_out__header(FILE *f, bool inversion);
void starve_out__waiting(FILE *f, const struct lat_waiting *r, uint64_t now_ns, bool inversion,
			 bool json, uint64_t boot_wall_ns);
void starve_out__ended(FILE *f, const struct lat_event *e, bool inversion, bool json,
		       uint64_t boot_wall_ns);

/* inversion's own findings. */
void inv_out__woken(FILE *f, const struct lat_event *e, bool json, uint64_t boot_wall_ns);
void inv_out__pi(FILE *f, const struct lat_event *e, bool json, uint64_t boot_wall_ns);

/*
 * What the latency programs could not measure or deliver: one line naming
 * every nonzero counter (nothing if none), or the "lost" JSON object.
 */
void out__lat_losses(FILE *f, const struct lat_stat *st);
struct json;
void out__lat_losses_json(struct json *j, const struct lat_stat *st);

#endif
