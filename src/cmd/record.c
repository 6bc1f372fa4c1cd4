// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope record: scheduling events into a file (docs/format.md) until
 * Ctrl-C, -d, or the end of a command started for the purpose.
 *
 * Order: the programs attach, a full scan writes every thread's counters and
 * name (the baseline), then events stream from the ring buffer into the file
 * in chunks, each flushed whole at least every tick so a crash loses at most
 * a tick; at the end the ring is drained, a second scan writes the final
 * readings, the per-CPU loss counts and the trailer.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd/commands.h"
#include "core/recfile.h"
#include "session/evsession.h"
#include "session/live.h"
#include "out/common_out.h"
#include "session/stop.h"

#define RECORD_TICK_NS 100000000ull /* flush and loss check: a crash loses at most this */

struct record {
	const struct cli *cli;
	struct evsession *s;
	struct rec_writer *w;
	uint32_t nr_cpus;
	uint64_t *lost, *lost_written;
	uint64_t switches;
	int err;     /* the first write error, -errno */
	pid_t child; /* the command, or 0 */
	int child_status;
	int go_fd;     /* the command waits for a byte here before exec */
	int exec_fd;   /* errno if its exec failed; closed by a good exec */
	bool own_file; /* the output is a regular file at the path given */
	bool started;  /* events are being recorded (else the file goes) */
};

static int on_event(void *ctx, const struct sev *e)
{
	struct record *r = ctx;
	int err;

	if (r->err)
		return r->err;
	if (e->type == SEV_SWITCH)
		r->switches++;
	err = recw__event(r->w, e);
	if (err)
		r->err = err;
	return err;
}

struct snap_ctx {
	struct record *r;
	enum snap_phase phase;
	uint64_t ts_ns;
};

static int on_snap(void *ctx, const struct task_snap *t)
{
	struct snap_ctx *sc = ctx;
	int err = recw__snap(sc->r->w, sc->phase, sc->ts_ns, t);

	if (err && !sc->r->err)
		sc->r->err = err;
	return err;
}

static int scan(struct record *r, enum snap_phase phase)
{
	struct snap_ctx sc = { r, phase, stop__now_ns() };
	int err = evsession__scan(r->s, on_snap, &sc);

	if (err && !r->err)
		cli__err("cannot scan the threads: %s", strerror(-err));
	return err;
}

/* Loss counts that moved since last written. */
static int write_lost(struct record *r)
{
	uint64_t now = stop__now_ns();

	evsession__lost(r->s, r->lost);
	for (uint32_t c = 0; c < r->nr_cpus; c++) {
		int err;

		if (r->lost[c] == r->lost_written[c])
			continue;
		err = recw__lost(r->w, c, now, r->lost[c]);
		if (err)
			return err;
		r->lost_written[c] = r->lost[c];
	}
	return 0;
}

static bool child_done(struct record *r)
{
	if (r->child <= 0)
		return false;
	if (waitpid(r->child, &r->child_status, WNOHANG) != r->child)
		return false;
	r->child = -1;
	return true;
}

static int tick(void *ctx, uint64_t now_ns)
{
	struct record *r = ctx;
	int err;

	(void)now_ns;
	err = r->err ? r->err : write_lost(r);
	if (!err)
		err = recw__flush(r->w);
	if (err) {
		cli__err("cannot write %s: %s", r->cli->output, strerror(-err));
		return 1;
	}
	/* The command's end is the recording's: stop as a signal would. */
	if (child_done(r))
		kill(getpid(), SIGTERM);
	return 0;
}

/*
 * Start the command stopped at the gate: it execs once tracing is ready, so
 * nothing it does is missed. Whether the exec worked comes back on a pipe
 * that a good exec closes, so that no exit status of the command's own (127
 * included) is taken for a failure to start it. Returns 0 or -errno.
 */
static int spawn(struct record *r)
{
	int gate[2], ex[2];
	pid_t pid;

	if (pipe2(gate, O_CLOEXEC))
		return -errno;
	if (pipe2(ex, O_CLOEXEC)) {
		int err = -errno;

		close(gate[0]);
		close(gate[1]);
		return err;
	}
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(gate[0]);
		close(gate[1]);
		close(ex[0]);
		close(ex[1]);
		return err;
	}
	if (pid == 0) {
		char go;
		int err;

		close(gate[1]);
		close(ex[0]);
		/* Ours ignored SIGPIPE; the command starts with the defaults. */
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (read(gate[0], &go, 1) != 1)
			_exit(127);
		execvp(r->cli->rest[0], r->cli->rest);
		err = errno;
		/* If even this fails, the parent reads a good exec, then exit 127. */
		(void)!write(ex[1], &err, sizeof(err));
		_exit(127);
	}
	close(gate[0]);
	close(ex[1]);
	r->child = pid;
	r->go_fd = gate[1];
	r->exec_fd = ex[0];
	return 0;
}

/* A command that never ran (the gate closed, or its exec failed): no status to tell. */
static void reap_unrun(struct record *r)
{
	waitpid(r->child, NULL, 0);
	r->child = 0;
}

/* Let the command go, and wait for its exec. Returns 0, or -1 if it cannot run (said). */
static int open_gate(struct record *r)
{
	ssize_t n;
	int err;

	if (r->go_fd < 0)
		return 0;
	if (write(r->go_fd, "g", 1) != 1) {
		cli__err("cannot start %s: %s", r->cli->rest[0], strerror(errno));
		return -1;
	}
	close(r->go_fd);
	r->go_fd = -1;
	do
		n = read(r->exec_fd, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(r->exec_fd);
	r->exec_fd = -1;
	if (n == (ssize_t)sizeof(err)) {
		cli__err("cannot run %s: %s", r->cli->rest[0], strerror(err));
		reap_unrun(r);
		return -1;
	}
	return 0;
}

static void describe_filters(const struct cli *cli, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
#define ADD(...) (n += (size_t)snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__))
	for (size_t i = 0; i < cli->nr_pids; i++)
		ADD("%s-p %u", n ? " " : "", cli->pids[i]);
	for (size_t i = 0; i < cli->nr_tids; i++)
		ADD("%s-t %u", n ? " " : "", cli->tids[i]);
	if (cli->comm)
		ADD("%s-c %s", n ? " " : "", cli->comm);
	if (cli->cpu >= 0)
		ADD("%s-C %d", n ? " " : "", cli->cpu);
#undef ADD
	if (n >= len)
		buf[len - 1] = 0;
}

static void fill_header(struct rec_header *h, const struct record *r, uint32_t mask,
			uint64_t start_ns)
{
	struct timespec wall;
	struct utsname u;

	memset(h, 0, sizeof(*h));
	h->clock = REC_CLOCK_MONOTONIC;
	h->nr_cpus = r->nr_cpus;
	/* Probe events make it a version 2 file; without, any reader of version 1 reads it. */
	h->probe_mask = evsession__probes(r->s);
	h->event_mask = mask | (h->probe_mask ? SEV_MASK(SEV_PROBE) : 0);
	h->start_ns = start_ns;
	clock_gettime(CLOCK_REALTIME, &wall);
	h->boot_wall_ns = (uint64_t)wall.tv_sec * 1000000000ull + (uint64_t)wall.tv_nsec - start_ns;
	if (!uname(&u)) {
		snprintf(h->release, sizeof(h->release), "%s", u.release);
		snprintf(h->hostname, sizeof(h->hostname), "%s", u.nodename);
	}
	describe_filters(r->cli, h->filter, sizeof(h->filter));
}

/*
 * The file, created: never over an existing one without -f. Returns the fd
 * or -1. *own: it is a regular file at that very path, which may be removed
 * if nothing gets recorded (not a device, a FIFO or a symlink's target).
 */
static int create_output(const struct cli *cli, bool *own)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (cli->force ? O_TRUNC : O_EXCL);
	int fd = open(cli->output, flags, 0644);
	struct stat st, lst;

	if (fd < 0 && errno == EEXIST)
		cli__err("%s exists: choose another name, or -f to replace it", cli->output);
	else if (fd < 0)
		cli__err("cannot create %s: %s", cli->output, strerror(errno));
	*own = fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) && !lstat(cli->output, &lst) &&
	       lst.st_dev == st.st_dev && lst.st_ino == st.st_ino;
	return fd;
}

static void summary(const struct record *r, uint64_t duration_ns)
{
	uint64_t events = recw__events(r->w), bytes = recw__bytes(r->w), lost = 0;

	for (uint32_t c = 0; c < r->nr_cpus; c++)
		lost += r->lost[c];
	fprintf(stderr,
		"Recorded %" PRIu64 " events (%" PRIu64 " switches) in %.2f s into %s: %" PRIu64
		" bytes, %.1f bytes per event, %" PRIu64 " lost\n",
		events, r->switches, (double)duration_ns / 1e9, r->cli->output, bytes,
		events ? (double)bytes / (double)events : 0.0, lost);
	out__lost_cpus(stderr, "schedscope: ", "", r->lost, r->nr_cpus, "try a larger --buffer");
}

static int finish(struct record *r)
{
	int err;

	/* Nothing enters the ring any more: the drain takes all it holds. */
	evsession__detach(r->s);
	evsession__drain(r->s);
	if (r->err)
		return r->err;
	err = scan(r, SNAP_END);
	if (!err)
		err = write_lost(r);
	if (!err)
		err = recw__finish(r->w, stop__now_ns());
	return err;
}

int record__run(const struct cli *cli)
{
	struct record r = { .cli = cli, .go_fd = -1, .exec_fd = -1 };
	/* Names come with fork, exec and rename: recorded whatever -e says, and for every task. */
	struct ev_opts o = {
		.mask = (cli->ev_mask || cli->ev_probes ? cli->ev_mask : SEV_DEFAULT_MASK) |
			SEV_NAME_MASK,
		.probes = cli->ev_probes,
		.probes_only = !cli->ev_mask,
		.cli = cli,
		.ring_bytes = cli->ring_kb << 10,
		.on_event = on_event,
		.on_name = on_event,
		.ctx = &r,
	};
	struct rec_header h;
	uint64_t start;
	int fd = -1, ret = 1, err;

	if (!cli->output) {
		cli__err("record needs -o FILE");
		fprintf(stderr,
			"Usage: schedscope record -o FILE [options] [-- COMMAND [ARG...]]\n");
		return EXIT_USAGE;
	}
	if (live__check_args(cli))
		return EXIT_USAGE;
	fd = create_output(cli, &r.own_file);
	if (fd < 0)
		return 1;
	if (cli->nr_rest && (err = spawn(&r))) {
		cli__err("cannot start %s: %s", cli->rest[0], strerror(-err));
		goto out;
	}
	r.s = evsession__open(&o);
	if (!r.s)
		goto out;
	/* Tracing began here: the window every report of the file starts from. */
	start = evsession__start_ns(r.s);
	r.nr_cpus = evsession__nr_cpus(r.s);
	r.lost = calloc(r.nr_cpus, sizeof(*r.lost));
	r.lost_written = calloc(r.nr_cpus, sizeof(*r.lost_written));
	fill_header(&h, &r, o.mask, start);
	r.w = recw__new(fd, &h);
	if (!r.lost || !r.lost_written || !r.w) {
		cli__err("cannot write %s: %s", cli->output, strerror(errno));
		goto out;
	}
	if (scan(&r, SNAP_BEGIN))
		goto out;
	if (r.child > 0)
		fprintf(stderr,
			"Recording scheduling events of all CPUs while %s runs into %s...\n",
			cli->rest[0], cli->output);
	else
		fprintf(stderr, "Recording scheduling events into %s... Hit Ctrl-C to end.\n",
			cli->output);
	fflush(stderr);
	if (open_gate(&r))
		goto out;
	r.started = true;
	ret = live__stream(cli, RECORD_TICK_NS, evsession__waiter, r.s, tick, &r);
	err = finish(&r);
	if (err) {
		cli__err("cannot write %s: %s", cli->output, strerror(-err));
		ret = 1;
	}
	summary(&r, stop__now_ns() - start);
out:
	if (r.go_fd >= 0) {
		close(r.go_fd); /* the command was never let go: it exits */
		reap_unrun(&r);
	}
	if (r.exec_fd >= 0)
		close(r.exec_fd);
	if (r.child > 0) {
		if (ret)
			kill(r.child, SIGTERM);
		waitpid(r.child, &r.child_status, 0);
		r.child = -1;
	}
	if (r.child < 0 && WIFEXITED(r.child_status) && WEXITSTATUS(r.child_status))
		fprintf(stderr, "schedscope: %s exited with status %d\n", cli->rest[0],
			WEXITSTATUS(r.child_status));
	else if (r.child < 0 && WIFSIGNALED(r.child_status))
		fprintf(stderr, "schedscope: %s was killed by signal %d\n", cli->rest[0],
			WTERMSIG(r.child_status));
	recw__free(r.w);
	evsession__close(r.s);
	free(r.lost);
	free(r.lost_written);
	if (fd >= 0 && close(fd) && !ret) {
		cli__err("cannot write %s: %s", cli->output, strerror(errno));
		ret = 1;
	}
	/* Nothing was recorded (no privilege, the command cannot run, ...): no file. */
	if (!r.started && r.own_file)
		unlink(cli->output);
	return ret;
}
