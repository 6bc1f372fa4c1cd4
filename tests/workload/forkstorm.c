// SPDX-License-Identifier: GPL-2.0
/*
 * forkstorm N SPIN_US: a parent that forks N short-lived children one after
 * another, as a build or CI host does. Each child names itself "fs-child",
 * spins SPIN_US microseconds of its own CPU time and _exit(0)s; the parent
 * reaps it before forking the next, so PIDs are reused once N passes
 * pid_max.
 *
 * Protocol: prints "ready PID", waits for a line on stdin, runs the storm,
 * then prints one JSON line with what the kernel counted and exits at once:
 *
 *   {"pid":P,"forks":N,"self_ns":S,"children_ns":C}
 *
 * self_ns is the parent's sum_exec_runtime (/proc/self/schedstat) as the
 * storm ends; children_ns is RUSAGE_CHILDREN's user + system time, which for
 * reaped children adds up their whole runtimes (to the microsecond).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WL_NAME "forkstorm"
#include "wl_common.h"

static void die(const char *what, int err)
{
	fprintf(stderr, WL_NAME ": %s: %s\n", what, strerror(err));
	exit(1);
}

static void usage(FILE *out)
{
	fputs("usage: forkstorm N SPIN_US\n"
	      "  forks N children one after another, each spinning SPIN_US us\n",
	      out);
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t tv_ns(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000000ull + (uint64_t)tv.tv_usec * 1000ull;
}

static void child(unsigned long spin_us)
{
	uint64_t end;

	prctl(PR_SET_NAME, "fs-child", 0, 0, 0);
	end = thread_cpu_ns() + spin_us * 1000ull;
	while (thread_cpu_ns() < end)
		;
	_exit(0);
}

int main(int argc, char **argv)
{
	unsigned long n, spin_us;
	unsigned long long self_ns = 0;
	struct rusage ru;
	char line[64], buf[256];

	if (argc != 3)
		return usage_error("%s", "two arguments");
	if (!parse_ulong(argv[1], 1, 10000000, &n))
		return usage_error("invalid N '%s'", argv[1]);
	if (!parse_ulong(argv[2], 0, 1000000, &spin_us))
		return usage_error("invalid SPIN_US '%s'", argv[2]);
	reply("ready %d", (int)getpid());
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	for (unsigned long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork", errno);
		if (!pid)
			child(spin_us);
		if (waitpid(pid, NULL, 0) < 0)
			die("waitpid", errno);
	}
	if (getrusage(RUSAGE_CHILDREN, &ru))
		die("getrusage", errno);
	if (read_text("/proc/self/schedstat", buf, sizeof(buf)) ||
	    sscanf(buf, "%llu", &self_ns) != 1)
		die("/proc/self/schedstat", EIO);
	reply("{\"pid\":%d,\"forks\":%lu,\"self_ns\":%llu,\"children_ns\":%llu}", (int)getpid(), n,
	      self_ns, (unsigned long long)(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime)));
	return 0;
}
