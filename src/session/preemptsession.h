/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A live session over preempt.bpf.c: switches counted in the kernel by
 * (prev, next), voluntary and involuntary apart, read each interval.
 */
#ifndef SCHEDSCOPE_PREEMPTSESSION_H
#define SCHEDSCOPE_PREEMPTSESSION_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "core/counts.h"
#include "session/bpfsess.h"
#include "session/counts_read.h"

struct preemptsession;

/* by: SS_BY_PID, SS_BY_TID, SS_BY_COMM. On failure says why and returns NULL. */
struct preemptsession *preemptsession__open(const struct cli *cli, uint32_t by);
void preemptsession__close(struct preemptsession *s);

/* What live__counts() reads and detaches. */
struct bpfsess *preemptsession__bpfsess(struct preemptsession *s);
struct counts_read *preemptsession__counts(struct preemptsession *s);

#endif
