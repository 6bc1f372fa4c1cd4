/* SPDX-License-Identifier: GPL-2.0 */
/* Pieces every report writer shares: timestamps and the losses line. */
#ifndef SCHEDSCOPE_COMMON_OUT_H
#define SCHEDSCOPE_COMMON_OUT_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/report.h"
#include "json.h"

/* A writer's result: 0, or -EIO once any write to f failed. */
static inline int out__status(FILE *f)
{
	return ferror(f) ? -EIO : 0;
}

/* A name's byte fit for one line of text: a control byte becomes '?'. */
static inline char out__printable(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f ? '?' : c;
}

/*
 * A task's name (comm: up to max bytes, NUL-terminated only if shorter) fit
 * for one line of text, into buf of len bytes. Returns buf.
 */
static inline const char *out__comm(char *buf, size_t len, const char *comm, size_t max)
{
	size_t i;

	for (i = 0; i < max && comm[i] && i + 1 < len; i++)
		buf[i] = out__printable(comm[i]);
	buf[i] = 0;
	return buf;
}

/* "HH:MM:SS " of the window's end if -T, else nothing. */
void out__timestamp(FILE *f, const struct report_meta *m);
/* One line naming every nonzero loss and the option that helps; nothing if none. */
void out__losses_line(FILE *f, const struct report_meta *m);
/*
 * Events lost to a full ring buffer, per CPU (lost[nr_cpus]), on one line:
 * "<lead>N events lost to a full ring buffer<what>: CPU 0 12, CPU 1 3 (<hint>)".
 * Nothing if none. Returns N.
 */
uint64_t out__lost_cpus(FILE *f, const char *lead, const char *what, const uint64_t *lost,
			uint32_t nr_cpus, const char *hint);
/* A stream event's JSON object opened on f: "type", "ts_ns" and "cpu". */
void out__json_head(struct json *j, FILE *f, const char *type, uint64_t ts_ns, uint32_t cpu);
/* "time_ns", the window's end on the wall clock, with -T only. */
void out__json_time(struct json *j, const struct report_meta *m);

/* "duration_ns", "time" (with -T) and the "lost" object. */
void out__json_meta(struct json *j, const struct report_meta *m);

#endif
