// SPDX-License-Identifier: GPL-2.0
/*
 * sysload DIR OPENS EXECS SLEEPS CHILDREN: a workload of known syscalls, for
 * the syscall and process tools to be checked against what it did.
 *
 *   OPENS     opens under DIR, turn by turn through open, openat (absolute),
 *             openat (relative to a directory fd), openat2 (relative) and
 *             creat; every eleventh names a missing file (ENOENT). The opens
 *             of "data" read 4096 bytes from it, or write 512 bytes, one
 *             call each. Then a child as uid 65534 ("sl-noperm") opens the
 *             0600 file "secret" OPENS / 10 times (EACCES; at least once).
 *   EXECS     children ("sl-exec") that execve: every fourth a missing path
 *             (ENOENT), every fourth after it a file without x bits (EACCES),
 *             the rest /bin/true with three arguments; then one child execs
 *             /bin/true from a second thread (not its leader).
 *   SLEEPS    nanosleep()s of 20 ms each.
 *   CHILDREN  children ("sl-child") forked and reaped one after another:
 *             child i exits with code i % 4, except every seventh, which
 *             SIGUSR1 kills; and the parent runs and joins one thread.
 *
 * Protocol: prints "ready PID", waits for a line on stdin, runs the phases
 * in that order, then prints one JSON line saying what it did and exits:
 *
 *   {"pid":P,"dir":"DIR","opens":{"open":[OK,ENOENT],"openat":[..],
 *    "openat_dirfd":[..],"openat2":[..],"creat":[..]},
 *    "eacces":{"pid":C,"count":E},"reads":R,"read_bytes":RB,"writes":W,
 *    "write_bytes":WB,"execs":{"ok":X,"enoent":Y,"eacces":Z,"thread_tid":T},
 *    "sleeps":K,"children":P,"exit_codes":[C0,C1,C2,C3],"signaled":S,
 *    "forks":F,"threads":1}
 *
 * forks counts every fork() it made (the EACCES child, the exec children,
 * the CHILDREN); thread_tid is the thread that exec'd (0 without EXECS).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WL_NAME "sysload"
#include "wl_common.h"

enum open_kind { K_OPEN, K_OPENAT, K_OPENAT_DIRFD, K_OPENAT2, K_CREAT, NR_KINDS };

static const char *const kind_names[NR_KINDS] = {
	"open", "openat", "openat_dirfd", "openat2", "creat",
};

struct tally {
	unsigned long opened[NR_KINDS][2]; /* [kind][0 ok, 1 ENOENT] */
	unsigned long reads, read_bytes, writes, write_bytes;
	unsigned long exec_ok, exec_enoent, exec_eacces;
	int thread_tid;
	int eacces_pid;
	unsigned long eacces;
	unsigned long exit_codes[4], signaled, forks;
};

static void die(const char *what, int err)
{
	fprintf(stderr, WL_NAME ": %s: %s\n", what, strerror(err));
	exit(1);
}

static void usage(FILE *out)
{
	fputs("usage: sysload DIR OPENS EXECS SLEEPS CHILDREN\n"
	      "  makes known opens, execs, 20 ms sleeps and children under DIR (created)\n",
	      out);
}

static void put_file(const char *dir, const char *name, mode_t mode, size_t size)
{
	char path[4096], buf[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		die(path, errno);
	memset(buf, 'x', sizeof(buf));
	if (size && write(fd, buf, size) != (ssize_t)size)
		die(path, errno);
	if (fchmod(fd, mode))
		die(path, errno);
	close(fd);
}

/* One open of kind k: of "data" (or "c<i>" for creat), or of a missing name. */
static int open_one(const char *dir, int dirfd, enum open_kind k, unsigned long i, bool missing)
{
	const char *rel = missing ? "missing/none" : "data";
	struct open_how how = { .flags = O_RDWR };
	char path[4096];

	if (k == K_CREAT) {
		if (missing)
			snprintf(path, sizeof(path), "%s/missing/c%lu", dir, i);
		else
			snprintf(path, sizeof(path), "%s/c%lu", dir, i);
		return creat(path, 0644);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	switch (k) {
	case K_OPEN:
		return (int)syscall(SYS_open, path, O_RDONLY);
	case K_OPENAT:
		return openat(AT_FDCWD, path, O_RDONLY);
	case K_OPENAT_DIRFD:
		return openat(dirfd, rel, O_RDWR);
	default:
		return (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	}
}

static void do_opens(const char *dir, unsigned long n, struct tally *t)
{
	char buf[4096];
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY);

	if (dirfd < 0)
		die(dir, errno);
	for (unsigned long i = 0; i < n; i++) {
		enum open_kind k = (enum open_kind)(i % NR_KINDS);
		bool missing = i % 11 == 10;
		int fd = open_one(dir, dirfd, k, i, missing);

		if (fd < 0) {
			if (!missing || errno != ENOENT)
				die(kind_names[k], errno);
			t->opened[k][1]++;
			continue;
		}
		if (missing)
			die("a missing file opened", EEXIST);
		t->opened[k][0]++;
		if (k == K_OPEN || k == K_OPENAT) {
			if (read(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
				die("read data", errno);
			t->reads++;
			t->read_bytes += sizeof(buf);
		} else if (k != K_CREAT) {
			if (write(fd, buf, 512) != 512)
				die("write data", errno);
			t->writes++;
			t->write_bytes += 512;
		}
		close(fd);
	}
	close(dirfd);
}

/* The status of the child pid, reaped. */
static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid", errno);
	return status;
}

static pid_t fork_named(const char *comm, struct tally *t)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork", errno);
	t->forks++;
	if (pid == 0)
		pthread_setname_np(pthread_self(), comm);
	return pid;
}

static void do_eacces(const char *dir, unsigned long n, struct tally *t)
{
	char path[4096];
	pid_t pid;
	int status;

	snprintf(path, sizeof(path), "%s/secret", dir);
	pid = fork_named("sl-noperm", t);
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(120);
		for (unsigned long i = 0; i < n; i++)
			if (openat(AT_FDCWD, path, O_RDONLY) >= 0 || errno != EACCES)
				_exit(121);
		_exit(0);
	}
	status = reap(pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("the EACCES child failed", EPERM);
	t->eacces_pid = pid;
	t->eacces = n;
}

/* Tells the parent its tid through the pipe, then execs (not the leader). */
static void *exec_thread(void *arg)
{
	char *const argv[] = { "/bin/true", "from-thread", NULL };
	int tid = (int)gettid();

	if (write(*(int *)arg, &tid, sizeof(tid)) != sizeof(tid))
		_exit(124);
	execv(argv[0], argv);
	_exit(126);
}

/* The child's code for exec j: 0 when it ran /bin/true. */
static void exec_child(const char *dir, unsigned long j)
{
	char noexec[4096];
	char *const args[] = { "/bin/true", "sl-arg1", "sl-arg2", "sl-arg3", NULL };

	snprintf(noexec, sizeof(noexec), "%s/noexec", dir);
	if (j % 4 == 3)
		execl("/nonexistent/sysload-exec", "sysload-exec", (char *)NULL);
	else if (j % 4 == 2)
		execl(noexec, noexec, (char *)NULL);
	else
		execv(args[0], args);
	_exit(errno == ENOENT ? 2 : errno == EACCES ? 13 : 126);
}

static void do_execs(const char *dir, unsigned long m, struct tally *t)
{
	int pipefd[2], status;
	pthread_t th;
	pid_t pid;

	for (unsigned long j = 0; j < m; j++) {
		pid = fork_named("sl-exec", t);
		if (pid == 0)
			exec_child(dir, j);
		status = reap(pid);
		if (!WIFEXITED(status))
			die("an exec child was killed", EINTR);
		if (WEXITSTATUS(status) == 0)
			t->exec_ok++;
		else if (WEXITSTATUS(status) == 2)
			t->exec_enoent++;
		else if (WEXITSTATUS(status) == 13)
			t->exec_eacces++;
		else
			die("an exec failed unexpectedly", EINVAL);
	}
	if (!m)
		return;
	if (pipe(pipefd))
		die("pipe", errno);
	pid = fork_named("sl-exec", t);
	if (pid == 0) {
		close(pipefd[0]);
		if (pthread_create(&th, NULL, exec_thread, &pipefd[1]))
			_exit(125);
		for (;;)
			pause(); /* the thread's exec ends this leader */
	}
	close(pipefd[1]);
	if (read(pipefd[0], &t->thread_tid, sizeof(t->thread_tid)) != sizeof(t->thread_tid))
		t->thread_tid = -1;
	close(pipefd[0]);
	status = reap(pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("the thread exec failed", EINVAL);
	t->exec_ok++;
}

static void do_sleeps(unsigned long k)
{
	const struct timespec ts = { .tv_sec = 0, .tv_nsec = 20000000 };

	for (unsigned long i = 0; i < k; i++)
		while (nanosleep(&ts, NULL) && errno == EINTR)
			;
}

static void *idle_thread(void *arg)
{
	return arg;
}

static void do_children(unsigned long p, struct tally *t)
{
	pthread_t th;
	int status;

	for (unsigned long i = 0; i < p; i++) {
		pid_t pid = fork_named("sl-child", t);

		if (pid == 0) {
			if (i % 7 == 6)
				raise(SIGUSR1);
			_exit((int)(i % 4));
		}
		status = reap(pid);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1)
			t->signaled++;
		else if (WIFEXITED(status) && WEXITSTATUS(status) < 4)
			t->exit_codes[WEXITSTATUS(status)]++;
		else
			die("a child ended unexpectedly", EINVAL);
	}
	if (pthread_create(&th, NULL, idle_thread, NULL) || pthread_join(th, NULL))
		die("pthread", EAGAIN);
}

static void print_tally(const char *dir, const struct tally *t, unsigned long sleeps,
			unsigned long children)
{
	printf("{\"pid\":%d,\"dir\":\"%s\",\"opens\":{", (int)getpid(), dir);
	for (int k = 0; k < NR_KINDS; k++)
		printf("%s\"%s\":[%lu,%lu]", k ? "," : "", kind_names[k], t->opened[k][0],
		       t->opened[k][1]);
	printf("},\"eacces\":{\"pid\":%d,\"count\":%lu},\"reads\":%lu,\"read_bytes\":%lu,"
	       "\"writes\":%lu,\"write_bytes\":%lu,",
	       t->eacces_pid, t->eacces, t->reads, t->read_bytes, t->writes, t->write_bytes);
	printf("\"execs\":{\"ok\":%lu,\"enoent\":%lu,\"eacces\":%lu,\"thread_tid\":%d},",
	       t->exec_ok, t->exec_enoent, t->exec_eacces, t->thread_tid);
	printf("\"sleeps\":%lu,\"children\":%lu,\"exit_codes\":[%lu,%lu,%lu,%lu],"
	       "\"signaled\":%lu,\"forks\":%lu,\"threads\":1}\n",
	       sleeps, children, t->exit_codes[0], t->exit_codes[1], t->exit_codes[2],
	       t->exit_codes[3], t->signaled, t->forks);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	unsigned long opens, execs, sleeps, children;
	struct tally t = { 0 };
	char line[64];
	const char *dir;

	if (argc != 6)
		return usage_error("%s", "five arguments");
	dir = argv[1];
	if (!*dir || strlen(dir) > 1024 || strchr(dir, '"') || strchr(dir, '\\'))
		return usage_error("invalid DIR '%s'", dir);
	if (!parse_ulong(argv[2], 0, 10000000, &opens))
		return usage_error("invalid OPENS '%s'", argv[2]);
	if (!parse_ulong(argv[3], 0, 100000, &execs))
		return usage_error("invalid EXECS '%s'", argv[3]);
	if (!parse_ulong(argv[4], 0, 100000, &sleeps))
		return usage_error("invalid SLEEPS '%s'", argv[4]);
	if (!parse_ulong(argv[5], 0, 10000000, &children))
		return usage_error("invalid CHILDREN '%s'", argv[5]);
	if (mkdir(dir, 0755) && errno != EEXIST)
		die(dir, errno);
	/* uid 65534 must reach "secret" to be refused by its mode, not by DIR's. */
	if (chmod(dir, 0755))
		die(dir, errno);
	put_file(dir, "data", 0644, 4096);
	put_file(dir, "secret", 0600, 0);
	put_file(dir, "noexec", 0644, 0);
	reply("ready %d", (int)getpid());
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	do_opens(dir, opens, &t);
	if (opens)
		do_eacces(dir, opens / 10 ? opens / 10 : 1, &t);
	do_execs(dir, execs, &t);
	do_sleeps(sleeps);
	do_children(children, &t);
	print_tally(dir, &t, sleeps, children);
	return 0;
}
