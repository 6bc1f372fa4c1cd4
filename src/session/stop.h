/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stop requests and the clock the report loop runs on. Ctrl-C and SIGTERM ask
 * the running command to stop (it then prints its final report); SIGPIPE is
 * ignored so that a reader going away shows as EPIPE on write.
 */
#ifndef SCHEDSCOPE_STOP_H
#define SCHEDSCOPE_STOP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

void stop__install(void);
/* Ask to stop as Ctrl-C does, from the program itself: its reader went away. */
void stop__request(void);
bool stop__requested(void);

/* CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns() and of task start times. */
static inline uint64_t stop__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
