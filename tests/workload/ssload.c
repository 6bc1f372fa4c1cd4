// SPDX-License-Identifier: GPL-2.0
/*
 * ssload - schedscope's workload generator.
 *
 * Runs one scheduling scenario with named worker threads that a test drives
 * from stdin, so that it can compare schedscope's numbers with the kernel's
 * own per-thread accounting in /proc:
 *
 *   spin-pair CPU   spinA, spinB: two busy loops pinned to CPU, preempting
 *                   each other (involuntary switches, run-queue waits)
 *   sleeper         sleeper: nanosleep(1 ms) in a loop (voluntary switches,
 *                   wakeups)
 *   pingpong [CPU]  ping, pong: one byte back and forth over two pipes,
 *                   optionally both pinned to CPU
 *   prespin CPU     prespin: one busy loop pinned to CPU, meant to be started
 *                   before the tracer and never to switch while it runs
 *   fifo-waker CPU  spinner: a busy loop pinned to CPU; fifo (SCHED_FIFO 10,
 *                   same CPU) sleeps 1 ms in a loop, counting its sleeps: each
 *                   wakeup preempts the spinner
 *   flipper         flipper: moves itself between CPU 0 and CPU 1 with
 *                   sched_setaffinity(), counting the moves asked for
 *   yielder CPU     yielder: sched_yield() in a loop pinned to CPU, counting
 *                   its calls (a schedule that may pick the caller again)
 *   exit-storm N    stormctl: on each "run", creates N short-lived threads
 *                   ("storm", at most STORM_PARALLEL at a time) that each
 *                   spin for STORM_SPIN_NS of their own CPU time and exit
 *
 * Protocol, one line each way, stdout flushed after every line:
 *   start   -> {"pid":P,"tids":{"NAME":TID,...}}   once every worker rests
 *   run     -> running      workers start working
 *   rest    -> resting      every worker is parked and verified off CPU;
 *                           exit-storm first prints {"storm_threads":N}
 *   stats   -> {"process_cpu_ns":N,"storm_threads":N,"yields":N,"sleeps":N,"flips":N}
 *   quit, or end of input   exit 0
 *
 * "Resting" is strict: a parked worker sleeps in pthread_cond_wait() that
 * nobody signals until the next "run" (pong, which follows ping, sleeps in
 * read() on a pipe nobody writes to), and before answering, the controller
 * checks in /proc that each worker is off CPU in a syscall and that its
 * schedstat and switch counts no longer move. Tests rely on the counters of
 * resting workers not changing at all.
 *
 * Exit status: 0 on quit, 1 on a runtime failure, 2 on a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WL_NAME "ssload"
#include "wl_common.h"

#define MAX_WORKERS 2
#define STORM_PARALLEL 2
#define STORM_SPIN_NS 2000000ull /* CPU time each storm thread burns */
#define SLEEPER_PERIOD_NS 1000000l
#define REST_TIMEOUT_NS 10000000000ull /* give up on a worker after 10 s */
#define REST_SETTLE_NS 2000000l	       /* counters must hold this long */

enum phase {
	PHASE_REST,
	PHASE_RUN,
	PHASE_QUIT,
};

struct worker {
	const char *name;
	void *(*body)(void *);
	int cpu;   /* pinned CPU, or -1 */
	pid_t tid; /* written by the worker before it first parks */
	pthread_t thread;
	unsigned int done_gen; /* one-shot: the last run generation taken on */
	bool one_shot;	       /* one job per "run", not a loop while running */
	bool follower;	       /* driven by another worker: never parks */
	bool fifo;	       /* SCHED_FIFO 10 rather than SCHED_OTHER */
};

/*
 * Everything the controller (main thread) and the workers share. phase is
 * also read without the lock by the busy loops, hence atomic; the rest is
 * under lock.
 */
struct ssload {
	pthread_mutex_t lock;
	pthread_cond_t run_cv;	  /* workers wait here while parked */
	pthread_cond_t parked_cv; /* the controller waits here for parking */
	_Atomic int phase;
	unsigned int run_gen; /* incremented by every "run" */
	unsigned int nstarted;
	unsigned int nparked;
	unsigned int nworkers;
	struct worker workers[MAX_WORKERS];

	int ping_fd[2]; /* ping -> pong */
	int pong_fd[2]; /* pong -> ping */

	_Atomic unsigned long yields; /* sched_yield() calls made, all runs */
	_Atomic unsigned long sleeps; /* the sleeper's nanosleep() calls, all runs */
	_Atomic unsigned long flips;  /* the flipper's affinity changes, all runs */
	unsigned long storm_size;     /* threads per run */
	unsigned long storm_total;    /* storm threads created and joined */
};

static struct ssload ss = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.run_cv = PTHREAD_COND_INITIALIZER,
	.parked_cv = PTHREAD_COND_INITIALIZER,
	.phase = PHASE_REST,
	.ping_fd = { -1, -1 },
	.pong_fd = { -1, -1 },
};

static void die(const char *what, int err)
{
	fprintf(stderr, "ssload: %s: %s\n", what, strerror(err));
	exit(1);
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool ssload__running(void)
{
	return atomic_load_explicit(&ss.phase, memory_order_relaxed) == PHASE_RUN;
}

/* A one-shot worker owes a job for every "run" it has not taken on yet. */
static bool worker__owes_run(const struct worker *w)
{
	return w->one_shot && w->done_gen != ss.run_gen;
}

/*
 * Park the calling worker until the next "run". A one-shot worker (the storm
 * controller) does one job per "run": it leaves as soon as a run generation
 * is pending, whatever the phase is by then, so that "run" then "rest" at
 * once still does the job (and "rest" waits for it).
 */
static void worker__park(struct worker *w)
{
	pthread_mutex_lock(&ss.lock);
	ss.nparked++;
	pthread_cond_broadcast(&ss.parked_cv);
	while (w->one_shot ? !worker__owes_run(w) : atomic_load(&ss.phase) != PHASE_RUN)
		pthread_cond_wait(&ss.run_cv, &ss.lock);
	w->done_gen = ss.run_gen;
	ss.nparked--;
	pthread_mutex_unlock(&ss.lock);
}

static void worker__start(struct worker *w)
{
	pthread_setname_np(pthread_self(), w->name);
	pthread_mutex_lock(&ss.lock);
	w->tid = (pid_t)syscall(SYS_gettid);
	ss.nstarted++;
	pthread_cond_broadcast(&ss.parked_cv);
	pthread_mutex_unlock(&ss.lock);
}

/* Busy loop with no syscall in it: switches only when preempted. */
static void *spin_body(void *arg)
{
	struct worker *w = arg;
	volatile uint64_t burn = 0;

	worker__start(w);
	for (;;) {
		worker__park(w);
		while (ssload__running())
			burn++;
	}
	return NULL;
}

static void *sleeper_body(void *arg)
{
	struct worker *w = arg;
	const struct timespec period = { .tv_nsec = SLEEPER_PERIOD_NS };

	worker__start(w);
	for (;;) {
		worker__park(w);
		while (ssload__running()) {
			nanosleep(&period, NULL);
			atomic_fetch_add_explicit(&ss.sleeps, 1, memory_order_relaxed);
		}
	}
	return NULL;
}

/* Each change of affinity moves the running thread to the other CPU. */
static void *flipper_body(void *arg)
{
	struct worker *w = arg;
	cpu_set_t set;
	int cpu = 0;

	worker__start(w);
	for (;;) {
		worker__park(w);
		while (ssload__running()) {
			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			if (sched_setaffinity(0, sizeof(set), &set))
				die("sched_setaffinity", errno);
			atomic_fetch_add_explicit(&ss.flips, 1, memory_order_relaxed);
			cpu = !cpu;
		}
	}
	return NULL;
}

static void *yielder_body(void *arg)
{
	struct worker *w = arg;

	worker__start(w);
	for (;;) {
		worker__park(w);
		while (ssload__running()) {
			sched_yield();
			atomic_fetch_add_explicit(&ss.yields, 1, memory_order_relaxed);
		}
	}
	return NULL;
}

static void pipe_write(int fd, char c)
{
	ssize_t n;

	do
		n = write(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		die("pipe write", n < 0 ? errno : EIO);
}

static char pipe_read(int fd)
{
	ssize_t n;
	char c;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		die("pipe read", n < 0 ? errno : EIO);
	return c;
}

/*
 * ping leads: while running it sends a byte and waits for the echo, so that
 * when it parks, pong has answered its last byte and is back in read().
 */
static void *ping_body(void *arg)
{
	struct worker *w = arg;

	worker__start(w);
	for (;;) {
		worker__park(w);
		while (ssload__running()) {
			pipe_write(ss.ping_fd[1], 'x');
			pipe_read(ss.pong_fd[0]);
		}
	}
	return NULL;
}

/*
 * pong follows: it never parks of its own, it rests blocked in read() while
 * ping rests. Had it its own way out of the park, a "run" then "rest" that
 * ping slept through would leave pong in read() and "rest" waiting for it.
 */
static void *pong_body(void *arg)
{
	struct worker *w = arg;

	worker__start(w);
	for (;;) {
		pipe_read(ss.ping_fd[0]);
		pipe_write(ss.pong_fd[1], 'x');
	}
	return NULL;
}

static void *storm_thread_body(void *arg)
{
	uint64_t until = clock_ns(CLOCK_THREAD_CPUTIME_ID) + STORM_SPIN_NS;

	(void)arg;
	pthread_setname_np(pthread_self(), "storm");
	while (clock_ns(CLOCK_THREAD_CPUTIME_ID) < until)
		;
	return NULL;
}

/*
 * Creates storm_size threads, keeping at most STORM_PARALLEL alive: thread i
 * is joined before thread i + STORM_PARALLEL is created. Joined means the
 * thread is in its last steps in the kernel (which clears the tid word in
 * its exit path and wakes the joiner): "rest" can promise that every storm
 * thread has exited, though the kernel may still be freeing the last ones.
 */
static void storm_once(void)
{
	pthread_t slots[STORM_PARALLEL];
	unsigned long i;
	int err;

	for (i = 0; i < ss.storm_size + STORM_PARALLEL; i++) {
		pthread_t *slot = &slots[i % STORM_PARALLEL];

		if (i >= STORM_PARALLEL) {
			pthread_join(*slot, NULL);
			pthread_mutex_lock(&ss.lock);
			ss.storm_total++;
			pthread_mutex_unlock(&ss.lock);
		}
		if (i < ss.storm_size) {
			err = pthread_create(slot, NULL, storm_thread_body, NULL);
			if (err)
				die("pthread_create storm", err);
		}
	}
}

static void *stormctl_body(void *arg)
{
	struct worker *w = arg;

	worker__start(w);
	for (;;) {
		worker__park(w);
		storm_once();
	}
	return NULL;
}

/*
 * A worker's counters as /proc shows them: schedstat (runtime, run delay,
 * timeslices) and the two context switch counts from status.
 */
struct rest_sample {
	char schedstat[128];
	char switches[128];
	char state;
};

static int rest_sample__read(pid_t tid, struct rest_sample *s)
{
	char path[64], buf[4096];
	const char *p;
	int err;

	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	err = read_text(path, s->schedstat, sizeof(s->schedstat));
	if (err)
		return err;
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	err = read_text(path, buf, sizeof(buf));
	if (err)
		return err;
	p = strstr(buf, "\nState:\t");
	s->state = p ? p[8] : '?';
	p = strstr(buf, "voluntary_ctxt_switches:");
	snprintf(s->switches, sizeof(s->switches), "%s", p ? p : "");
	return 0;
}

/*
 * True once the worker is off CPU: /proc/TID/syscall waits for the task to
 * leave the CPU (wait_task_inactive) and says "running" if it did not stay
 * blocked. A sleeping state alone is not enough: the state is set before
 * schedule() switches the task out and bumps its switch count.
 */
static bool worker__off_cpu(const struct worker *w)
{
	char path[64], buf[256];

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", w->tid);
	if (read_text(path, buf, sizeof(buf)))
		return false;
	return strncmp(buf, "running", 7) != 0;
}

/*
 * Wait until every parked worker is blocked off CPU and its counters hold
 * still for REST_SETTLE_NS; exit if one does not settle in REST_TIMEOUT_NS.
 */
static void ssload__verify_rest(void)
{
	const struct timespec settle = { .tv_nsec = REST_SETTLE_NS };
	uint64_t deadline = clock_ns(CLOCK_MONOTONIC) + REST_TIMEOUT_NS;
	unsigned int i;

	for (i = 0; i < ss.nworkers; i++) {
		const struct worker *w = &ss.workers[i];
		struct rest_sample before, after;

		for (;;) {
			if (clock_ns(CLOCK_MONOTONIC) > deadline) {
				fprintf(stderr, "ssload: worker %s (tid %d) did not come to rest\n",
					w->name, w->tid);
				exit(1);
			}
			if (!worker__off_cpu(w) || rest_sample__read(w->tid, &before)) {
				nanosleep(&settle, NULL);
				continue;
			}
			nanosleep(&settle, NULL);
			if (rest_sample__read(w->tid, &after))
				continue;
			if (before.state == 'S' && after.state == 'S' &&
			    !strcmp(before.schedstat, after.schedstat) &&
			    !strcmp(before.switches, after.switches) && worker__off_cpu(w))
				break;
		}
	}
}

/* Every worker started, and parked unless it follows another one. */
static bool ssload__all_parked(void)
{
	unsigned int i, parkers = 0;

	for (i = 0; i < ss.nworkers; i++) {
		if (worker__owes_run(&ss.workers[i]))
			return false;
		parkers += !ss.workers[i].follower;
	}
	return ss.nstarted == ss.nworkers && ss.nparked == parkers;
}

static void ssload__wait_parked(void)
{
	pthread_mutex_lock(&ss.lock);
	while (!ssload__all_parked())
		pthread_cond_wait(&ss.parked_cv, &ss.lock);
	pthread_mutex_unlock(&ss.lock);
	ssload__verify_rest();
}

static struct worker *ssload__add_worker(const char *name, void *(*body)(void *), int cpu)
{
	struct worker *w = &ss.workers[ss.nworkers++];

	w->name = name;
	w->body = body;
	w->cpu = cpu;
	return w;
}

static void ssload__start_workers(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ss.nworkers; i++) {
		struct worker *w = &ss.workers[i];
		pthread_attr_t attr;

		pthread_attr_init(&attr);
		if (w->fifo) {
			struct sched_param sp = { .sched_priority = 10 };

			pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
			pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
			pthread_attr_setschedparam(&attr, &sp);
		}
		if (w->cpu >= 0) {
			cpu_set_t set;

			/* pinned from birth: the thread never runs elsewhere */
			CPU_ZERO(&set);
			CPU_SET((size_t)w->cpu, &set);
			err = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
			if (err)
				die("pthread_attr_setaffinity_np", err);
		}
		err = pthread_create(&w->thread, &attr, w->body, w);
		if (err) {
			fprintf(stderr, "ssload: cannot start %s%s: %s\n", w->name,
				w->cpu >= 0 ? " (is the CPU online?)" : "", strerror(err));
			exit(1);
		}
		pthread_attr_destroy(&attr);
	}
}

static void ssload__print_tids(void)
{
	unsigned int i;

	printf("{\"pid\":%d,\"tids\":{", (int)getpid());
	for (i = 0; i < ss.nworkers; i++)
		printf("%s\"%s\":%d", i ? "," : "", ss.workers[i].name, ss.workers[i].tid);
	reply("}}");
}

static unsigned long storm_total(void)
{
	unsigned long n;

	pthread_mutex_lock(&ss.lock);
	n = ss.storm_total;
	pthread_mutex_unlock(&ss.lock);
	return n;
}

static void ssload__set_phase(enum phase phase)
{
	pthread_mutex_lock(&ss.lock);
	if (phase == PHASE_RUN)
		ss.run_gen++;
	atomic_store(&ss.phase, phase);
	pthread_cond_broadcast(&ss.run_cv);
	pthread_mutex_unlock(&ss.lock);
}

/* Reads commands until "quit" or end of input; returns the exit status. */
static int ssload__serve(void)
{
	char line[256];

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!strcmp(line, "run")) {
			ssload__set_phase(PHASE_RUN);
			reply("running");
		} else if (!strcmp(line, "rest")) {
			ssload__set_phase(PHASE_REST);
			ssload__wait_parked();
			if (ss.storm_size)
				reply("{\"storm_threads\":%lu}", storm_total());
			reply("resting");
		} else if (!strcmp(line, "stats")) {
			reply("{\"process_cpu_ns\":%llu,\"storm_threads\":%lu,\"yields\":%lu,"
			      "\"sleeps\":%lu,\"flips\":%lu}",
			      (unsigned long long)clock_ns(CLOCK_PROCESS_CPUTIME_ID), storm_total(),
			      atomic_load(&ss.yields), atomic_load(&ss.sleeps),
			      atomic_load(&ss.flips));
		} else if (!strcmp(line, "quit")) {
			break;
		} else if (line[0]) {
			reply("error: unknown command '%s'", line);
		}
	}
	atomic_store(&ss.phase, PHASE_QUIT);
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: ssload SCENARIO [ARG]\n"
		     "  spin-pair CPU    two threads spinning against each other on CPU\n"
		     "  sleeper          one thread sleeping 1 ms in a loop\n"
		     "  pingpong [CPU]   two threads exchanging a byte over pipes\n"
		     "  prespin CPU      one thread spinning on CPU\n"
		     "  yielder CPU      one thread calling sched_yield() on CPU\n"
		     "  fifo-waker CPU   a spinner and a SCHED_FIFO sleeper on CPU\n"
		     "  flipper          one thread moving itself between CPU 0 and 1\n"
		     "  exit-storm N     N short-lived threads per run\n"
		     "commands on stdin: run, rest, stats, quit\n");
}

int main(int argc, char **argv)
{
	const char *scenario = argc > 1 ? argv[1] : NULL;
	const char *arg = argc > 2 ? argv[2] : NULL;
	unsigned long n = 0;
	bool has_arg = true;

	if (!scenario)
		return usage_error("%s", "missing scenario");
	if (!strcmp(scenario, "-h") || !strcmp(scenario, "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(scenario, "sleeper") || !strcmp(scenario, "flipper"))
		has_arg = false;
	else if (!strcmp(scenario, "pingpong"))
		has_arg = arg != NULL; /* the CPU is optional */
	if (argc > 2 + has_arg)
		return usage_error("too many arguments for %s", scenario);
	if (has_arg && !arg)
		return usage_error("%s needs an argument", scenario);
	if (has_arg &&
	    !parse_ulong(arg, 0, !strcmp(scenario, "exit-storm") ? 1000000 : CPU_SETSIZE - 1, &n))
		return usage_error("bad argument '%s'", arg);

	if (!strcmp(scenario, "spin-pair")) {
		ssload__add_worker("spinA", spin_body, (int)n);
		ssload__add_worker("spinB", spin_body, (int)n);
	} else if (!strcmp(scenario, "sleeper")) {
		ssload__add_worker("sleeper", sleeper_body, -1);
	} else if (!strcmp(scenario, "pingpong")) {
		if (pipe(ss.ping_fd) || pipe(ss.pong_fd))
			die("pipe", errno);
		ssload__add_worker("ping", ping_body, has_arg ? (int)n : -1);
		ssload__add_worker("pong", pong_body, has_arg ? (int)n : -1)->follower = true;
	} else if (!strcmp(scenario, "prespin")) {
		ssload__add_worker("prespin", spin_body, (int)n);
	} else if (!strcmp(scenario, "fifo-waker")) {
		ssload__add_worker("spinner", spin_body, (int)n);
		ssload__add_worker("fifo", sleeper_body, (int)n)->fifo = true;
	} else if (!strcmp(scenario, "flipper")) {
		ssload__add_worker("flipper", flipper_body, -1);
	} else if (!strcmp(scenario, "yielder")) {
		ssload__add_worker("yielder", yielder_body, (int)n);
	} else if (!strcmp(scenario, "exit-storm")) {
		if (n == 0)
			return usage_error("%s", "exit-storm needs N >= 1");
		ss.storm_size = n;
		ssload__add_worker("stormctl", stormctl_body, -1)->one_shot = true;
	} else {
		return usage_error("unknown scenario '%s'", scenario);
	}

	ssload__start_workers();
	ssload__wait_parked();
	ssload__print_tids();
	return ssload__serve();
}
