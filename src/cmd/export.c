// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope export -i FILE --format systrace|chrome-json -o OUT: a recording
 * for other viewers. systrace is the kernel's ftrace text (Perfetto, the
 * systrace viewer), chrome-json the Trace Event Format (chrome://tracing,
 * Perfetto's JSON import). Both need to know who runs on each CPU, which the
 * timehist core follows from the switches.
 *
 * OUT is written under a temporary name beside it and renamed into place at
 * the end, so a failed export leaves no half file and, without -f, an
 * existing OUT is never replaced (not even one that appears meanwhile).
 * "-o -" writes to stdout; with -f, a FIFO or a device is written into.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmd/commands.h"
#include "core/timehist.h"
#include "out/chrome_out.h"
#include "out/systrace_out.h"
#include "session/recinput.h"

enum export_format { FMT_SYSTRACE, FMT_CHROME };

struct export
{
	struct recinput *in;
	struct thist *th;
	enum export_format fmt;
	FILE *out;
	uint64_t *lost; /* [h.nr_cpus]: cumulative losses as far as written (systrace) */
	int write_errno;
};

/* systrace: one line per event, its task column from who ran on the CPU before it. */
static int systrace_event(struct export *x, const struct sev *e)
{
	struct thist_slice unused;
	int err = systrace_out__event(x->out, e, x->in->names, x->th);

	thist__on_event(x->th, e, &unused);
	return err;
}

/*
 * chrome-json: a switch ends prev's slice on its CPU; a probe is an instant
 * where it fired. systrace has no line for a probe: ftrace has no such
 * event, so its viewers would not know one.
 */
static int chrome_event(struct export *x, const struct sev *e)
{
	char comm[TASKTAB_NAME_LEN], state[32];
	struct thist_slice s;
	uint64_t start;
	const char *clipped = NULL;

	if (e->type == SEV_PROBE)
		return chrome_out__instant(x->out, e->cpu, e->ts_ns, sev__name(e),
					   tasktab__comm(x->in->names, e->tid, e->cpu, comm),
					   e->tid, e->pid, e->prio);
	if (thist__on_event(x->th, e, &s) != 1 || !e->tid)
		return 0;
	if (s.run_ns >= 0) {
		start = s.in_ns;
	} else if (s.first_on_cpu && x->in->h.start_ns < e->ts_ns) {
		/* It ran before the recording: from when tracing began (no event is older). */
		start = x->in->h.start_ns;
		clipped = "start";
	} else {
		return 0;
	}
	/* recinput teaches the names this switch after it: prev's as it ran. */
	return chrome_out__slice(x->out, e->cpu, start, e->ts_ns,
				 tasktab__comm(x->in->names, e->tid, e->cpu, comm), e->tid, e->pid,
				 e->prio, sev__state_str(e->state, state, sizeof(state)), clipped);
}

/* The file counts losses cumulatively; ftrace says how many since the last line. */
static int lost_event(struct export *x, const struct rec_item *it)
{
	uint64_t *written = &x->lost[it->cpu]; /* the reader checked the CPU */

	if (x->fmt != FMT_SYSTRACE || it->lost <= *written)
		return 0;
	if (systrace_out__lost(x->out, it->cpu, it->lost - *written))
		return -EIO;
	*written = it->lost;
	return 0;
}

static int on_item(void *ctx, const struct rec_item *it)
{
	struct export *x = ctx;
	int err = 0;

	switch (it->type) {
	case REC_SNAP:
		if (it->phase == SNAP_BEGIN)
			thist__on_snap(x->th, &it->snap);
		return 0;
	case REC_LOST:
		err = lost_event(x, it);
		break;
	case REC_EVENT:
		if (x->fmt == FMT_SYSTRACE)
			err = systrace_event(x, &it->ev);
		else
			err = chrome_event(x, &it->ev);
		break;
	default:
		return 0;
	}
	if (err) {
		x->write_errno = errno ? errno : EIO;
		return 1;
	}
	return 0;
}

/* chrome-json: the slices still running at the end, up to it. */
static int chrome_close(struct export *x)
{
	for (uint32_t cpu = 0; cpu < x->in->h.nr_cpus; cpu++) {
		char comm[TASKTAB_NAME_LEN];
		const struct task_ident *id;
		uint64_t since;
		uint32_t tid;

		if (!thist__current(x->th, cpu, &tid, &since) || !tid || !since ||
		    since >= x->in->end_ns)
			continue;
		id = tasktab__get(x->in->names, tid);
		if (chrome_out__slice(x->out, cpu, since, x->in->end_ns,
				      tasktab__comm(x->in->names, tid, cpu, comm), tid,
				      id ? id->pid : 0, id ? id->prio : -1, NULL, "end"))
			return -EIO;
	}
	return chrome_out__end(x->out);
}

/*
 * A temporary file beside path, with the mode a plain creation would give:
 * its name (to free), *f open on it; NULL with errno set.
 */
static char *open_temp(const char *path, FILE **f)
{
	mode_t mask = umask(0);
	char *tmp;
	int fd, err;

	umask(mask);
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return NULL;
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = errno;
		free(tmp);
		errno = err;
		return NULL;
	}
	if (!fchmod(fd, 0666 & ~mask)) {
		*f = fdopen(fd, "w");
		if (*f)
			return tmp;
	}
	err = errno;
	close(fd);
	unlink(tmp);
	free(tmp);
	errno = err;
	return NULL;
}

/*
 * Where the output goes: stdout ("-"); straight into OUT when -f names
 * something other than a regular file (a FIFO, a device: never replaced by
 * a file); else a temporary file that becomes `final` at the end: OUT, or
 * with -f the regular file it is or a symlink of it leads to.
 */
struct export_out {
	FILE *f;
	char *tmp;
	char *final;
	bool direct;
};

static int open_output(const struct cli *cli, struct export_out *o)
{
	struct stat st;

	if (!strcmp(cli->output, "-")) {
		o->f = stdout;
		o->direct = true;
		return 0;
	}
	if (cli->force && !stat(cli->output, &st) && !S_ISREG(st.st_mode)) {
		o->f = fopen(cli->output, "w");
		o->direct = true;
		return o->f ? 0 : -errno;
	}
	o->final = cli->force ? realpath(cli->output, NULL) : NULL;
	if (!o->final)
		o->final = strdup(cli->output);
	if (!o->final)
		return -ENOMEM;
	o->tmp = open_temp(o->final, &o->f);
	return o->tmp ? 0 : -errno;
}

/* The temporary file becomes final; without force, never over an existing file. */
static int put_in_place(const char *tmp, const char *path, bool force)
{
	if (force)
		return rename(tmp, path) ? -errno : 0;
	if (!renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE))
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* A file system without RENAME_NOREPLACE: link(2) refuses an existing name too. */
	if (link(tmp, path))
		return -errno;
	unlink(tmp);
	return 0;
}

static int parse_format(const struct cli *cli, enum export_format *fmt)
{
	if (!cli->format) {
		cli__err("export: --format is required: systrace or chrome-json");
		return EXIT_USAGE;
	}
	if (!strcmp(cli->format, "systrace")) {
		*fmt = FMT_SYSTRACE;
	} else if (!strcmp(cli->format, "chrome-json")) {
		*fmt = FMT_CHROME;
	} else {
		cli__err("export: unknown format '%s' (systrace or chrome-json)", cli->format);
		return EXIT_USAGE;
	}
	if (!cli->input || !cli->output) {
		cli__err("export: %s is required", !cli->input ? "-i FILE" : "-o OUT");
		return EXIT_USAGE;
	}
	return 0;
}

int export__run(const struct cli *cli)
{
	struct export_out o = { 0 };
	struct export x = { 0 };
	struct stat st;
	int ret, err;

	ret = parse_format(cli, &x.fmt);
	if (ret)
		return ret;
	if (strcmp(cli->output, "-") != 0 && !cli->force && !lstat(cli->output, &st)) {
		cli__err("export: %s exists (use -f to replace it)", cli->output);
		return 1;
	}
	x.in = recinput__open(cli->input);
	if (!x.in)
		return 1;
	ret = 1;
	x.th = thist__new(x.in->h.nr_cpus);
	x.lost = calloc(x.in->h.nr_cpus, sizeof(*x.lost));
	if (!x.th || !x.lost) {
		cli__err("export: %s", strerror(ENOMEM));
		goto out;
	}
	err = open_output(cli, &o);
	if (err) {
		cli__err("export: cannot create %s: %s", cli->output, strerror(-err));
		goto out;
	}
	x.out = o.f;
	errno = 0;
	err = x.fmt == FMT_SYSTRACE ? systrace_out__header(x.out, cli->input, x.in->h.nr_cpus)
				    : chrome_out__begin(x.out, x.in->h.nr_cpus);
	if (err) {
		x.write_errno = errno ? errno : EIO;
		goto write_error;
	}
	ret = recinput__each(x.in, on_item, &x);
	if (!x.write_errno && x.fmt == FMT_CHROME && chrome_close(&x))
		x.write_errno = errno ? errno : EIO;
	if (!x.write_errno && (fflush(x.out) || ferror(x.out)))
		x.write_errno = errno ? errno : EIO;
	if (x.write_errno)
		goto write_error;
	if (ret)
		goto out; /* a corrupt file: said, and no output */
	if (o.tmp) {
		err = fclose(o.f) ? -errno : 0;
		o.f = NULL;
		if (!err)
			err = put_in_place(o.tmp, o.final, cli->force);
		if (err) {
			cli__err("export: cannot write %s: %s%s", cli->output, strerror(-err),
				 err == -EEXIST ? " (it appeared meanwhile; use -f to replace it)"
						: "");
			ret = 1;
			goto out;
		}
		free(o.tmp);
		o.tmp = NULL;
	}
	recinput__print_lost(x.in);
	goto out;
write_error:
	/* The reader going away (| head) is how it says it has enough. */
	ret = x.write_errno == EPIPE && o.direct ? 0 : 1;
	if (ret)
		cli__err("export: cannot write %s: %s", o.f == stdout ? "the output" : cli->output,
			 strerror(x.write_errno));
out:
	if (o.f && o.f != stdout && fclose(o.f) && !ret && o.direct) {
		cli__err("export: cannot write %s: %s", cli->output, strerror(errno));
		ret = 1;
	}
	if (o.tmp) {
		unlink(o.tmp);
		free(o.tmp);
	}
	free(o.final);
	free(x.lost);
	thist__free(x.th);
	recinput__close(x.in);
	return ret;
}
