/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The objects of the stream commands, each opened and configured from the
 * command line: opensnoop's, execsnoop's and exitsnoop's. Counting
 * (--count, opensnoop's --rw), the object is also loaded and attached and
 * s->counts reads it; else stream__run() takes it from here.
 * Each says why not and returns 0 or -errno; stream__close() cleans up.
 */
#ifndef SCHEDSCOPE_SNOOPS_H
#define SCHEDSCOPE_SNOOPS_H

#include "cli.h"
#include "session/stream.h"

int snoops__opens(struct stream *s, const struct cli *cli);
int snoops__execs(struct stream *s, const struct cli *cli);
int snoops__exits(struct stream *s, const struct cli *cli);

#endif
