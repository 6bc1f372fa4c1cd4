// SPDX-License-Identifier: GPL-2.0
/*
 * ssprio - schedscope's workload generator for run-queue latency, starvation
 * and priority inversion.
 *
 * Each scenario pins its workers to one CPU and mixes SCHED_FIFO with
 * SCHED_OTHER threads, so that a thread is runnable yet kept off the CPU for
 * a time the scenario controls. Its reply says when each step happened
 * (CLOCK_MONOTONIC, in ns), for a test to compare a tracer's numbers with
 * these times and with the kernel's own accounting (schedstat run_delay).
 *
 *   fifo-hog CPU MS    hog (SCHED_FIFO 10) spins MS ms; victim (SCHED_OTHER)
 *                      is woken 1 ms into the spin and waits for the hog
 *   inversion CPU plain|pi [--hold-ms N] [--mid-ms N]
 *                      inv-low (FIFO 10), inv-mid (FIFO 20) and inv-high
 *                      (FIFO 30) around one mutex, without (plain) or with
 *                      (pi) priority inheritance
 *   prewait CPU MS     pw-victim (SCHED_OTHER) spins, then pw-hog (FIFO 10)
 *                      preempts it for MS ms: the victim is already waiting
 *                      when "run" prints its first line
 *
 * Protocol, one line each way, stdout flushed after every line:
 *   (at start)  {"pid":P,"tids":{"NAME":TID,...}}   every worker parked
 *   run    ->   one JSON line once the run is over and every worker is parked
 *               again; prewait prints TWO lines: {"hog_start_ns":N} as soon
 *               as the hog spins, the rest when the run is over
 *   quit, or end of input: exit 0
 *
 * "Parked" means blocked in pthread_cond_wait() on the worker's own condvar
 * that nobody signals before the next "run", checked in /proc (the thread is
 * off CPU in a syscall): once a reply is out, the workers' counters in /proc
 * are final for that run.
 *
 * The controlling (main) thread is pinned to a CPU other than the workers'
 * when the process may use one, and runs as SCHED_FIFO 50 during a run: its
 * wakeups and measured delays then do not depend on what else loads its CPU,
 * and on a single CPU it still preempts the hog to wake the victim.
 * inversion refuses a single CPU, as its steps must be ordered from outside.
 *
 * RT safety: every argument is at most MAX_SPIN_MS, and no SCHED_FIFO busy
 * loop outlasts SPIN_CAP_NS of wall time whatever happens; a loop cut short
 * by its cap fails the run. All changes are to this process's own threads,
 * so exiting on an error (which kills the spinning workers with it) restores
 * everything.
 *
 * Exit status: 0 on quit, 1 on a runtime failure (the message on stderr
 * names what failed), 2 on a usage error.
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

#define WL_NAME "ssprio"
#include "wl_common.h"

#define NSEC_PER_MS 1000000ull
#define NSEC_PER_SEC 1000000000ull
#define MAX_WORKERS 3
/*
 * Longest spin an argument may ask for. It keeps the CPU under RT tasks well
 * below the default RT throttling budget (sched_rt_runtime_us 950000 of
 * 1000000), past which the kernel would hand the CPU to SCHED_OTHER tasks
 * and blur the waits we measure.
 */
#define MAX_SPIN_MS 450ul
#define SPIN_CAP_NS (500 * NSEC_PER_MS) /* hard cap of any RT spin */
/* pw-victim is SCHED_OTHER, harmless: its cap only ends a hung run */
#define VICTIM_CAP_NS (1000 * NSEC_PER_MS)
#define WAIT_TIMEOUT_NS (5 * NSEC_PER_SEC) /* main gives up on a step */
#define POLL_NS 100000l			   /* /proc polling period */
#define WAKE_DELAY_NS 1000000l		   /* fifo-hog, prewait: see there */
#define MIN_HOG_MS 5ul			   /* > WAKE_DELAY_NS, with margin */
#define DEFAULT_HOLD_MS 20ul
#define DEFAULT_MID_MS 100ul
#define MAIN_RT_PRIO 50 /* above every worker */
#define HOG_RT_PRIO 10
#define LOW_RT_PRIO 10
#define MID_RT_PRIO 20
#define HIGH_RT_PRIO 30

/* Milestones the workers report to main, as bits of ssprio::marks. */
enum mark {
	MARK_HOG_SPINNING = 1u << 0,
	MARK_HOG_DONE = 1u << 1,
	MARK_VICTIM_SPINNING = 1u << 2,
	MARK_VICTIM_RAN = 1u << 3,
	MARK_LOW_LOCKED = 1u << 4,
	MARK_LOW_DONE = 1u << 5,
	MARK_HIGH_TRYING = 1u << 6,
	MARK_HIGH_DONE = 1u << 7,
	MARK_MID_DONE = 1u << 8,
};

struct worker {
	const char *name;
	void (*job)(void); /* what one release makes the worker do */
	int policy;
	int rt_prio; /* 0 for SCHED_OTHER */
	pid_t tid;
	pthread_t thread;
	pthread_cond_t go_cv;	/* the worker parks here, alone */
	unsigned int go_gen;	/* releases asked by main */
	unsigned int taken_gen; /* releases the worker took */
	bool parked;
};

/*
 * Times of one run, in CLOCK_MONOTONIC ns. A worker writes its own before
 * reporting a mark under ssprio::lock and main reads them after seeing the
 * mark under the same lock, so the lock orders every access.
 */
struct run_times {
	uint64_t hog_start, hog_end;
	uint64_t victim_start; /* prewait: victim starts spinning */
	uint64_t victim_ran;
	uint64_t low_locked, low_unlocked;
	uint64_t high_try, high_locked;
	uint64_t mid_start, mid_end;
};

struct ssprio {
	/*
	 * Guards everything below but the atomics. Priority inheritance, so
	 * that our own bookkeeping can never add an inversion of its own to
	 * the one we stage: a FIFO worker that finds it taken by a lower
	 * priority thread boosts that thread for the microseconds it holds it.
	 */
	pthread_mutex_t lock;
	pthread_cond_t progress_cv; /* main waits for marks and parking */
	unsigned int marks;
	unsigned int nworkers;
	struct worker workers[MAX_WORKERS];
	struct run_times t;

	int cpu;		   /* every worker is pinned here */
	uint64_t spin_ns;	   /* fifo-hog, prewait: MS */
	uint64_t hold_ns;	   /* inversion: inv-low's CPU time in the lock */
	uint64_t mid_ns;	   /* inversion: inv-mid's spin */
	bool pi;		   /* inversion: inv_mutex inherits priority */
	pthread_mutex_t inv_mutex; /* the mutex of the inversion */

	atomic_bool hog_done; /* prewait: ends pw-victim's spin */
	atomic_bool capped;   /* a spin hit its cap: the run is void */
};

static struct ssprio ss;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("ssprio: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void die(const char *what, int err) __attribute__((noreturn));

static void die(const char *what, int err)
{
	fail("%s: %s", what, strerror(err));
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static void sleep_ns(long ns)
{
	const struct timespec ts = { .tv_nsec = ns };

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL) == EINTR)
		;
}

static void ss_lock(void)
{
	int err = pthread_mutex_lock(&ss.lock);

	if (err)
		die("pthread_mutex_lock", err);
}

static void ss_unlock(void)
{
	pthread_mutex_unlock(&ss.lock);
}

/* ------------------------------------------------------------- spinning */

/*
 * Busy loop on the vDSO clock, no syscall in it: the thread leaves the CPU
 * only when preempted. Returns the time it stopped.
 */
static uint64_t spin_wall(uint64_t start, uint64_t ns)
{
	uint64_t until, t;

	if (ns > SPIN_CAP_NS) {
		ns = SPIN_CAP_NS;
		atomic_store(&ss.capped, true);
	}
	until = start + ns;
	while ((t = now_ns()) < until)
		;
	return t;
}

/*
 * Burns ns of the calling thread's own CPU time: work that a preemption
 * delays rather than shortens, as in a real critical section. Reading the
 * thread clock is a syscall, which never blocks. Gives up SPIN_CAP_NS of
 * wall time after start.
 */
static void spin_cpu(uint64_t start, uint64_t ns)
{
	uint64_t until = clock_ns(CLOCK_THREAD_CPUTIME_ID) + ns;

	while (clock_ns(CLOCK_THREAD_CPUTIME_ID) < until) {
		if (now_ns() - start >= SPIN_CAP_NS) {
			atomic_store(&ss.capped, true);
			return;
		}
	}
}

/* ------------------------------------------------------------- workers */

static void ssprio__mark(unsigned int marks)
{
	ss_lock();
	ss.marks |= marks;
	pthread_cond_broadcast(&ss.progress_cv);
	ss_unlock();
}

static void worker__park(struct worker *w)
{
	ss_lock();
	w->parked = true;
	pthread_cond_broadcast(&ss.progress_cv);
	while (w->taken_gen == w->go_gen)
		pthread_cond_wait(&w->go_cv, &ss.lock);
	w->taken_gen = w->go_gen;
	w->parked = false;
	ss_unlock();
}

static void *worker__main(void *arg)
{
	struct worker *w = arg;

	pthread_setname_np(pthread_self(), w->name);
	ss_lock();
	w->tid = (pid_t)syscall(SYS_gettid);
	ss_unlock();
	for (;;) {
		worker__park(w);
		w->job();
	}
	return NULL;
}

/*
 * Releases a parked worker for one job. Returns the time just before the
 * wakeup, which is signalled with the lock dropped so that the woken thread
 * does not run straight into it.
 */
static uint64_t worker__release(struct worker *w)
{
	uint64_t t;

	ss_lock();
	w->go_gen++;
	ss_unlock();
	t = now_ns();
	pthread_cond_signal(&w->go_cv);
	return t;
}

/* fifo-hog, prewait: SCHED_FIFO busy loop of MS ms on the victim's CPU. */
static void hog_job(void)
{
	uint64_t start = now_ns();

	/* hog_start is written before the mark that lets main read it */
	ss.t.hog_start = start;
	ssprio__mark(MARK_HOG_SPINNING);
	ss.t.hog_end = spin_wall(start, ss.spin_ns);
	atomic_store(&ss.hog_done, true);
	ssprio__mark(MARK_HOG_DONE);
}

/* fifo-hog: the first thing the victim does once it gets the CPU. */
static void victim_job(void)
{
	ss.t.victim_ran = now_ns();
	ssprio__mark(MARK_VICTIM_RAN);
}

/*
 * prewait: spins until it sees the hog done, which it can only see once it
 * is back on the CPU, the hog being pinned there with a higher class.
 */
static void prewait_victim_job(void)
{
	uint64_t start = now_ns();

	ss.t.victim_start = start;
	ssprio__mark(MARK_VICTIM_SPINNING);
	while (!atomic_load_explicit(&ss.hog_done, memory_order_relaxed)) {
		if (now_ns() - start >= VICTIM_CAP_NS) {
			atomic_store(&ss.capped, true);
			break;
		}
	}
	ss.t.victim_ran = now_ns();
	ssprio__mark(MARK_VICTIM_RAN);
}

/* inversion: inv-low's critical section, HOLD ms of its own CPU time. */
static void low_job(void)
{
	int err = pthread_mutex_lock(&ss.inv_mutex);

	if (err)
		die("inv-low: pthread_mutex_lock", err);
	ss.t.low_locked = now_ns();
	ssprio__mark(MARK_LOW_LOCKED);
	spin_cpu(ss.t.low_locked, ss.hold_ns);
	ss.t.low_unlocked = now_ns();
	pthread_mutex_unlock(&ss.inv_mutex);
	ssprio__mark(MARK_LOW_DONE);
}

/*
 * inversion: inv-high only wants the lock. After its mark, the one syscall
 * it can block in is the futex of inv_mutex: main tells from /proc that it
 * is blocked on the mutex and not elsewhere.
 */
static void high_job(void)
{
	int err;

	ss.t.high_try = now_ns();
	ssprio__mark(MARK_HIGH_TRYING);
	err = pthread_mutex_lock(&ss.inv_mutex);
	if (err)
		die("inv-high: pthread_mutex_lock", err);
	ss.t.high_locked = now_ns();
	pthread_mutex_unlock(&ss.inv_mutex);
	ssprio__mark(MARK_HIGH_DONE);
}

static void mid_job(void)
{
	uint64_t start = now_ns();

	ss.t.mid_start = start;
	ss.t.mid_end = spin_wall(start, ss.mid_ns);
	ssprio__mark(MARK_MID_DONE);
}

static struct worker *ssprio__add_worker(const char *name, void (*job)(void), int rt_prio)
{
	struct worker *w = &ss.workers[ss.nworkers++];
	int err;

	w->name = name;
	w->job = job;
	w->policy = rt_prio ? SCHED_FIFO : SCHED_OTHER;
	w->rt_prio = rt_prio;
	err = pthread_cond_init(&w->go_cv, NULL);
	if (err)
		die("pthread_cond_init", err);
	return w;
}

/* Every worker is born pinned and with its policy: it never runs otherwise. */
static void worker__create(struct worker *w)
{
	struct sched_param param = { .sched_priority = w->rt_prio };
	pthread_attr_t attr;
	cpu_set_t set;
	int err;

	CPU_ZERO(&set);
	CPU_SET((size_t)ss.cpu, &set);
	pthread_attr_init(&attr);
	err = pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	if (!err)
		err = pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	if (!err)
		err = pthread_attr_setschedpolicy(&attr, w->policy);
	if (!err)
		err = pthread_attr_setschedparam(&attr, &param);
	if (err)
		die("pthread_attr_set*", err);
	err = pthread_create(&w->thread, &attr, worker__main, w);
	pthread_attr_destroy(&attr);
	if (err == EPERM && w->policy == SCHED_FIFO)
		fail("cannot start %s as SCHED_FIFO priority %d: %s (needs root or CAP_SYS_NICE)",
		     w->name, w->rt_prio, strerror(err));
	if (err == EINVAL)
		fail("cannot start %s on CPU %d: %s (is the CPU online and allowed?)", w->name,
		     ss.cpu, strerror(err));
	if (err)
		fail("cannot start %s: %s", w->name, strerror(err));
}

/* ------------------------------------------------------- main's side */

static int worker__read_syscall(const struct worker *w, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)w->tid);
	return read_text(path, buf, size);
}

/*
 * /proc/TID/syscall waits for the task to be off CPU (wait_task_inactive)
 * and says "running" unless it stayed blocked; a sleeping state alone would
 * not do, as it is set before schedule() switches the task out.
 */
static bool worker__off_cpu(const struct worker *w)
{
	char buf[256];

	return !worker__read_syscall(w, buf, sizeof(buf)) && strncmp(buf, "running", 7) != 0;
}

/* True if the worker sleeps in futex() on the word at addr. */
static bool worker__blocked_on(const struct worker *w, const void *addr)
{
	unsigned long uaddr;
	char buf[256];
	long nr;

	if (worker__read_syscall(w, buf, sizeof(buf)) || sscanf(buf, "%ld %lx", &nr, &uaddr) != 2)
		return false;
	return nr == SYS_futex && uaddr == (unsigned long)(uintptr_t)addr;
}

/* Waits on progress_cv, lock held; false once the deadline has passed. */
static bool ssprio__wait_progress(uint64_t deadline)
{
	struct timespec ts = {
		.tv_sec = (time_t)(deadline / NSEC_PER_SEC),
		.tv_nsec = (long)(deadline % NSEC_PER_SEC),
	};
	int err = pthread_cond_timedwait(&ss.progress_cv, &ss.lock, &ts);

	if (err && err != ETIMEDOUT)
		die("pthread_cond_timedwait", err);
	return now_ns() < deadline;
}

static void ssprio__wait_marks(unsigned int marks, const char *what)
{
	uint64_t deadline = now_ns() + WAIT_TIMEOUT_NS;

	ss_lock();
	while ((ss.marks & marks) != marks)
		if (!ssprio__wait_progress(deadline))
			fail("timed out waiting for %s", what);
	ss_unlock();
}

static bool ssprio__all_parked(void)
{
	unsigned int i;

	for (i = 0; i < ss.nworkers; i++) {
		const struct worker *w = &ss.workers[i];

		if (!w->parked || w->go_gen != w->taken_gen || !w->tid)
			return false;
	}
	return true;
}

/* Waits until every worker is parked and verified off CPU. */
static void ssprio__wait_rest(void)
{
	uint64_t deadline = now_ns() + WAIT_TIMEOUT_NS;
	unsigned int i;

	ss_lock();
	while (!ssprio__all_parked())
		if (!ssprio__wait_progress(deadline))
			fail("timed out waiting for the workers to park");
	ss_unlock();
	for (i = 0; i < ss.nworkers; i++) {
		const struct worker *w = &ss.workers[i];

		while (!worker__off_cpu(w)) {
			if (now_ns() > deadline)
				fail("worker %s (tid %d) did not park", w->name, (int)w->tid);
			sleep_ns(POLL_NS);
		}
	}
}

/*
 * Moves the calling (main) thread to a CPU it may use other than cpu.
 * Returns false, leaving it where it is, if it may use no other.
 */
static bool main__pin_away(int cpu)
{
	cpu_set_t set;
	int i;

	if (sched_getaffinity(0, sizeof(set), &set))
		die("sched_getaffinity", errno);
	for (i = 0; i < CPU_SETSIZE; i++) {
		if (i == cpu || !CPU_ISSET((size_t)i, &set))
			continue;
		CPU_ZERO(&set);
		CPU_SET((size_t)i, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			die("sched_setaffinity", errno);
		return true;
	}
	return false;
}

/* Main runs a scenario as SCHED_FIFO, above every worker (see the top). */
static void main__set_rt(bool rt)
{
	struct sched_param param = { .sched_priority = rt ? MAIN_RT_PRIO : 0 };
	int err = pthread_setschedparam(pthread_self(), rt ? SCHED_FIFO : SCHED_OTHER, &param);

	if (err == EPERM)
		fail("cannot make the controlling thread SCHED_FIFO: %s (needs root or "
		     "CAP_SYS_NICE)",
		     strerror(err));
	if (err)
		die("pthread_setschedparam", err);
}

/* A copy of the run's times, for main to print without holding the lock. */
static struct run_times ssprio__times(void)
{
	struct run_times t;

	ss_lock();
	t = ss.t;
	ss_unlock();
	return t;
}

static void ssprio__begin_run(void)
{
	ss_lock();
	ss.marks = 0;
	memset(&ss.t, 0, sizeof(ss.t));
	ss_unlock();
	atomic_store(&ss.hog_done, false);
	main__set_rt(true);
}

/* Every worker parked again; a capped spin voids the run. */
static void ssprio__end_run(void)
{
	ssprio__wait_rest();
	main__set_rt(false);
	if (atomic_load(&ss.capped))
		fail("a busy loop hit its safety cap (a worker stalled): the run is void");
}

/* --------------------------------------------------------- scenarios */

/*
 * fifo-hog: a wakeup that waits for the CPU.
 *
 *   CPU:    hog    |==================== MS ===================|
 *   victim  parked ..........+ runnable, waiting ..............|> runs
 *                  ^         ^                                 ^ ^
 *           hog_start      woke (hog_start + ~1 ms)      hog_end victim_ran
 *                            |------------ wait ----------------|
 *
 * woke -> victim_ran is the run-queue latency of that wakeup: a tracer sees
 * sched_wakeup of the victim just after woke and its switch-in just before
 * victim_ran; the victim's schedstat run_delay grows by the same amount.
 */
static void fifo_hog__run(void)
{
	struct worker *hog = &ss.workers[0], *victim = &ss.workers[1];
	struct run_times t;
	uint64_t woke;

	ssprio__begin_run();
	worker__release(hog);
	ssprio__wait_marks(MARK_HOG_SPINNING, "hog to spin");
	/* the hog is surely on the CPU, well inside its loop, at the wakeup */
	sleep_ns(WAKE_DELAY_NS);
	woke = worker__release(victim);
	ssprio__wait_marks(MARK_HOG_DONE | MARK_VICTIM_RAN, "hog and victim to finish");
	ssprio__end_run();
	t = ssprio__times();
	reply("{\"hog_start_ns\":%llu,\"woke_ns\":%llu,\"hog_end_ns\":%llu,\"victim_ran_ns\":%llu}",
	      (unsigned long long)t.hog_start, (unsigned long long)woke,
	      (unsigned long long)t.hog_end, (unsigned long long)t.victim_ran);
}

/*
 * inversion: inv-high waits for a mutex that inv-low holds.
 *
 * plain (no inheritance): inv-mid, above inv-low, takes the CPU from it for
 * all of MID, and inv-high waits for that too:
 *
 *   low   |= lock, HOLD... .....preempted............ |=rest of HOLD|unlock
 *   high        |try, blocks ............................................|locked
 *   mid             |========== MID ============|
 *               |-------------- high_block_ns -------------------------|
 *                  ~ MID + rest of HOLD
 *
 * pi (inheritance): inv-low runs at inv-high's priority while inv-high
 * waits, so inv-mid waits instead:
 *
 *   low   |= lock, HOLD ...........|unlock
 *   high        |try, blocks ......|locked
 *   mid             (runnable ......)|========== MID ==========|
 *               |- high_block_ns --|  ~ HOLD
 *
 * high_block_ns = high_locked - high_try: a tracer sees inv-high sleep on
 * the futex just after high_try and wake when inv-low unlocks. HOLD is CPU
 * time, so a preemption delays the unlock by as long as it lasts.
 * main drives the order from another CPU: inv-high is released only once
 * inv-low holds the lock, and inv-mid only once inv-high sleeps on it
 * ("high_blocked":true in the reply; false means the scene was not staged,
 * inv-low having let go of the lock before inv-high tried it).
 */
static void inversion__run(void)
{
	struct worker *low = &ss.workers[0], *mid = &ss.workers[1], *high = &ss.workers[2];
	bool high_blocked = false;
	struct run_times t;
	uint64_t deadline, mid_released;

	ssprio__begin_run();
	worker__release(low);
	ssprio__wait_marks(MARK_LOW_LOCKED, "inv-low to take the mutex");
	worker__release(high);
	ssprio__wait_marks(MARK_HIGH_TRYING, "inv-high to try the mutex");
	deadline = now_ns() + WAIT_TIMEOUT_NS;
	for (;;) {
		bool high_done;

		high_blocked = worker__blocked_on(high, &ss.inv_mutex);
		if (high_blocked)
			break;
		/*
		 * inv-low may be done already (a very short HOLD, or main
		 * itself held off its CPU): nothing left to stage, and the
		 * reply says so.
		 */
		ss_lock();
		high_done = ss.marks & MARK_HIGH_DONE;
		ss_unlock();
		if (high_done)
			break;
		if (now_ns() > deadline)
			fail("inv-high (tid %d) did not block on the mutex", (int)high->tid);
		sleep_ns(POLL_NS);
	}
	mid_released = worker__release(mid);
	ssprio__wait_marks(MARK_LOW_DONE | MARK_HIGH_DONE | MARK_MID_DONE,
			   "the inversion to play out");
	ssprio__end_run();
	t = ssprio__times();
	reply("{\"mode\":\"%s\",\"high_blocked\":%s,\"high_block_ns\":%llu,\"low_hold_ns\":%llu,"
	      "\"mid_run_ns\":%llu,\"high_locked_ns\":%llu,\"mid_start_ns\":%llu,"
	      "\"mid_end_ns\":%llu,\"high_try_ns\":%llu,\"low_locked_ns\":%llu,"
	      "\"low_unlocked_ns\":%llu,\"mid_released_ns\":%llu}",
	      ss.pi ? "pi" : "plain", high_blocked ? "true" : "false",
	      (unsigned long long)(t.high_locked - t.high_try),
	      (unsigned long long)(t.low_unlocked - t.low_locked),
	      (unsigned long long)(t.mid_end - t.mid_start), (unsigned long long)t.high_locked,
	      (unsigned long long)t.mid_start, (unsigned long long)t.mid_end,
	      (unsigned long long)t.high_try, (unsigned long long)t.low_locked,
	      (unsigned long long)t.low_unlocked, (unsigned long long)mid_released);
}

/*
 * prewait: a task that is already waiting for the CPU when tracing starts.
 *
 *   victim  |=spins=|  preempted, runnable, waiting ...........|> runs
 *   hog             |==================== MS ==================|
 *           ^       ^ first line printed here                  ^ ^
 *   victim_start  hog_start                              hog_end victim_ran
 *
 * A tracer started after the first line never sees the preemption that
 * began the wait, only its end (the victim's switch-in at ~victim_ran).
 */
static void prewait__run(void)
{
	struct worker *hog = &ss.workers[0], *victim = &ss.workers[1];
	struct run_times t;

	ssprio__begin_run();
	worker__release(victim);
	ssprio__wait_marks(MARK_VICTIM_SPINNING, "pw-victim to spin");
	/* the victim has been running a while when the hog takes its CPU */
	sleep_ns(WAKE_DELAY_NS);
	worker__release(hog);
	ssprio__wait_marks(MARK_HOG_SPINNING, "pw-hog to spin");
	t = ssprio__times();
	reply("{\"hog_start_ns\":%llu}", (unsigned long long)t.hog_start);
	ssprio__wait_marks(MARK_HOG_DONE | MARK_VICTIM_RAN, "pw-hog and pw-victim to finish");
	ssprio__end_run();
	t = ssprio__times();
	reply("{\"hog_end_ns\":%llu,\"victim_ran_ns\":%llu,\"victim_start_ns\":%llu}",
	      (unsigned long long)t.hog_end, (unsigned long long)t.victim_ran,
	      (unsigned long long)t.victim_start);
}

/* -------------------------------------------------------------- setup */

static void ssprio__init_sync(void)
{
	pthread_mutexattr_t mattr;
	pthread_condattr_t cattr;
	int err;

	pthread_mutexattr_init(&mattr);
	err = pthread_mutexattr_setprotocol(&mattr, PTHREAD_PRIO_INHERIT);
	if (!err)
		err = pthread_mutex_init(&ss.lock, &mattr);
	if (err)
		die("pthread_mutex_init", err);
	err = pthread_mutexattr_setprotocol(&mattr,
					    ss.pi ? PTHREAD_PRIO_INHERIT : PTHREAD_PRIO_NONE);
	if (!err)
		err = pthread_mutex_init(&ss.inv_mutex, &mattr);
	if (err)
		die("pthread_mutex_init (inversion)", err);
	pthread_mutexattr_destroy(&mattr);

	/* main's deadlines are CLOCK_MONOTONIC, like every time we report */
	pthread_condattr_init(&cattr);
	err = pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	if (!err)
		err = pthread_cond_init(&ss.progress_cv, &cattr);
	if (err)
		die("pthread_cond_init", err);
	pthread_condattr_destroy(&cattr);
}

static void ssprio__print_tids(void)
{
	unsigned int i;

	printf("{\"pid\":%d,\"tids\":{", (int)getpid());
	for (i = 0; i < ss.nworkers; i++)
		printf("%s\"%s\":%d", i ? "," : "", ss.workers[i].name, (int)ss.workers[i].tid);
	reply("}}");
}

/* Reads commands until "quit" or end of input; returns the exit status. */
static int ssprio__serve(void (*run)(void))
{
	char line[256];

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!strcmp(line, "run"))
			run();
		else if (!strcmp(line, "quit"))
			break;
		else if (line[0])
			reply("error: unknown command '%s'", line);
	}
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ssprio SCENARIO CPU ARGS\n"
		"  fifo-hog CPU MS        SCHED_FIFO hog spins MS ms, a SCHED_OTHER\n"
		"                         victim woken meanwhile waits for it\n"
		"  inversion CPU plain|pi [--hold-ms N] [--mid-ms N]\n"
		"                         priority inversion around one mutex\n"
		"                         (defaults: hold %lu ms, mid %lu ms)\n"
		"  prewait CPU MS         a SCHED_OTHER spinner preempted MS ms\n"
		"                         by a SCHED_FIFO hog\n"
		"MS and N: 1 to %lu (fifo-hog MS at least %lu; HOLD + MID at most %lu)\n"
		"commands on stdin: run, quit (see the source for the replies)\n",
		DEFAULT_HOLD_MS, DEFAULT_MID_MS, MAX_SPIN_MS, MIN_HOG_MS, MAX_SPIN_MS);
}

/* Parses "[--hold-ms N] [--mid-ms N]"; returns 0 or a usage error status. */
static int parse_inversion_options(int argc, char **argv)
{
	unsigned long hold_ms = DEFAULT_HOLD_MS, mid_ms = DEFAULT_MID_MS;
	int i;

	for (i = 0; i < argc; i += 2) {
		unsigned long *dst;

		if (!strcmp(argv[i], "--hold-ms"))
			dst = &hold_ms;
		else if (!strcmp(argv[i], "--mid-ms"))
			dst = &mid_ms;
		else
			return usage_error("unknown option '%s'", argv[i]);
		if (i + 1 >= argc)
			return usage_error("%s needs a value", argv[i]);
		if (!parse_ulong(argv[i + 1], 1, MAX_SPIN_MS, dst))
			return usage_error("bad value '%s'", argv[i + 1]);
	}
	/* inv-low's wall time in the lock is about HOLD + MID, all of it RT */
	if (hold_ms + mid_ms > MAX_SPIN_MS)
		return usage_error("%s", "hold and mid together exceed the RT spin limit");
	ss.hold_ns = hold_ms * NSEC_PER_MS;
	ss.mid_ns = mid_ms * NSEC_PER_MS;
	return 0;
}

int main(int argc, char **argv)
{
	const char *scenario = argc > 1 ? argv[1] : NULL;
	void (*run)(void);
	unsigned long cpu, ms = 0;
	bool main_elsewhere;
	int err;

	if (!scenario)
		return usage_error("%s", "missing scenario");
	if (!strcmp(scenario, "-h") || !strcmp(scenario, "--help")) {
		usage(stdout);
		return 0;
	}
	if (argc < 4)
		return usage_error("%s needs a CPU and an argument", scenario);
	if (!parse_ulong(argv[2], 0, CPU_SETSIZE - 1, &cpu))
		return usage_error("bad CPU '%s'", argv[2]);
	ss.cpu = (int)cpu;

	if (!strcmp(scenario, "fifo-hog") || !strcmp(scenario, "prewait")) {
		bool hog = scenario[0] == 'f';

		if (argc > 4)
			return usage_error("too many arguments for %s", scenario);
		if (!parse_ulong(argv[3], hog ? MIN_HOG_MS : 1, MAX_SPIN_MS, &ms))
			return usage_error("bad MS '%s'", argv[3]);
		ss.spin_ns = ms * NSEC_PER_MS;
		ssprio__add_worker(hog ? "hog" : "pw-hog", hog_job, HOG_RT_PRIO);
		ssprio__add_worker(hog ? "victim" : "pw-victim",
				   hog ? victim_job : prewait_victim_job, 0);
		run = hog ? fifo_hog__run : prewait__run;
	} else if (!strcmp(scenario, "inversion")) {
		if (!strcmp(argv[3], "pi"))
			ss.pi = true;
		else if (strcmp(argv[3], "plain") != 0)
			return usage_error("bad MODE '%s' (plain or pi)", argv[3]);
		err = parse_inversion_options(argc - 4, argv + 4);
		if (err)
			return err;
		ssprio__add_worker("inv-low", low_job, LOW_RT_PRIO);
		ssprio__add_worker("inv-mid", mid_job, MID_RT_PRIO);
		ssprio__add_worker("inv-high", high_job, HIGH_RT_PRIO);
		run = inversion__run;
	} else {
		return usage_error("unknown scenario '%s'", scenario);
	}

	main_elsewhere = main__pin_away(ss.cpu);
	if (!main_elsewhere && run == inversion__run)
		fail("inversion needs a CPU other than %d for its controlling thread, "
		     "and this process may use no other",
		     ss.cpu);
	ssprio__init_sync();
	for (unsigned int i = 0; i < ss.nworkers; i++)
		worker__create(&ss.workers[i]);
	ssprio__wait_rest();
	ssprio__print_tids();
	return ssprio__serve(run);
}
