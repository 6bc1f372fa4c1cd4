/*
 * bench/threads.c - keep many live, periodically waking threads around.
 *
 * usage: threads [NTHREADS [PERIOD_MS]]      (defaults: 10000, 1000)
 *
 * Each thread sleeps on an absolute CLOCK_MONOTONIC deadline, wakes,
 * does a tiny bit of work and sleeps again, once per PERIOD_MS. The
 * threads' phases are staggered evenly over the period, so the process
 * produces a steady NTHREADS/PERIOD wakeups per second rather than one
 * burst. Prints "ready N" on stdout once every thread exists, then runs
 * until it is killed (SIGTERM or SIGKILL: a shell without job control
 * starts background commands with SIGINT ignored).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long nthreads = 10000;
static long period_ms = 1000;
static struct timespec epoch;

static void ts_add_ns(struct timespec *ts, int64_t ns)
{
	ns += ts->tv_nsec;
	ts->tv_sec += ns / 1000000000;
	ts->tv_nsec = ns % 1000000000;
}

static void *worker(void *arg)
{
	long idx = (long)(intptr_t)arg;
	int64_t period_ns = (int64_t)period_ms * 1000000;
	struct timespec next = epoch, now;
	volatile unsigned long sink = 0;

	/* Stagger: thread idx wakes idx/nthreads of a period after each
	 * period boundary (counted from epoch); the first deadline is the
	 * first such instant still ahead, since creating thousands of
	 * threads can take longer than a period. */
	ts_add_ns(&next, period_ns * idx / nthreads);
	clock_gettime(CLOCK_MONOTONIC, &now);
	while (next.tv_sec < now.tv_sec ||
	       (next.tv_sec == now.tv_sec && next.tv_nsec <= now.tv_nsec))
		ts_add_ns(&next, period_ns);
	for (;;) {
		int err;

		do {
			err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		} while (err == EINTR);
		for (int i = 0; i < 64; i++)
			sink += (unsigned long)i * idx;
		ts_add_ns(&next, period_ns);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	int err;

	if (argc > 1)
		nthreads = strtol(argv[1], NULL, 10);
	if (argc > 2)
		period_ms = strtol(argv[2], NULL, 10);
	if (nthreads < 1 || period_ms < 1) {
		fprintf(stderr, "usage: %s [NTHREADS [PERIOD_MS]]\n", argv[0]);
		return 2;
	}

	/* Small stacks: 10,000 default 8 MiB stacks would be 80 GiB of
	 * address space for nothing. */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	clock_gettime(CLOCK_MONOTONIC, &epoch);

	for (long i = 0; i < nthreads; i++) {
		pthread_t t;

		err = pthread_create(&t, &attr, worker, (void *)(intptr_t)i);
		if (err) {
			fprintf(stderr, "pthread_create #%ld: %s\n", i, strerror(err));
			return 1;
		}
	}
	printf("ready %ld\n", nthreads);
	fflush(stdout);

	for (;;)
		pause();
}
