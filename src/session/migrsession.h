/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A live session over migrations.bpf.c: the CPU matrix, each thread's
 * migrations and the wait before them, and its time on each CPU, counted
 * in the kernel and read each interval.
 */
#ifndef SCHEDSCOPE_MIGRSESSION_H
#define SCHEDSCOPE_MIGRSESSION_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "session/bpfsess.h"
#include "session/counts_read.h"

struct migrsession;

/* by: SS_BY_PID, SS_BY_TID, SS_BY_COMM. On failure says why and returns NULL. */
struct migrsession *migrsession__open(const struct cli *cli, uint32_t by);
void migrsession__close(struct migrsession *s);

/* What live__counts() reads and detaches. */
struct bpfsess *migrsession__bpfsess(struct migrsession *s);
struct counts_read *migrsession__counts(struct migrsession *s);

#endif
