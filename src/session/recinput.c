// SPDX-License-Identifier: GPL-2.0
#include "session/recinput.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/task_filter.h"
#include "cli.h"
#include "core/tidmap.h"
#include "core/topview.h"
#include "out/common_out.h"

struct recinput *recinput__open(const char *path)
{
	struct recinput *in = calloc(1, sizeof(*in));
	struct rec_error err = { 0 };
	struct stat st;
	int fd = -1;

	if (!in) {
		cli__err("%s: %s", path, strerror(errno));
		return NULL;
	}
	in->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		cli__err("cannot read %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		cli__err("%s is not a regular file", path);
		goto fail;
	}
	in->len = (size_t)st.st_size;
	if (in->len) {
		in->map = mmap(NULL, in->len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (in->map == MAP_FAILED) {
			in->map = NULL;
			cli__err("cannot map %s: %s", path, strerror(errno));
			goto fail;
		}
		/* Read once, front to back. */
		madvise(in->map, in->len, MADV_SEQUENTIAL);
	}
	close(fd);
	fd = -1;
	in->r = recr__open(in->map ? in->map : "", in->len, &in->h, &err);
	if (!in->r) {
		cli__err("%s: byte %" PRIu64 ": %s", path, err.offset, err.msg);
		goto fail;
	}
	in->names = tasktab__new(TIDMAP_ALL_TIDS);
	/* recr__open() refused a header without CPUs; the reader, any CPU beyond. */
	in->lost_cpu = calloc(in->h.nr_cpus, sizeof(*in->lost_cpu));
	if (!in->names || !in->lost_cpu) {
		cli__err("%s: %s", path, strerror(ENOMEM));
		goto fail;
	}
	in->first_ns = in->end_ns = in->h.start_ns;
	return in;
fail:
	if (fd >= 0)
		close(fd);
	recinput__close(in);
	return NULL;
}

void recinput__close(struct recinput *in)
{
	if (!in)
		return;
	recr__free(in->r);
	tasktab__free(in->names);
	free(in->lost_cpu);
	if (in->map)
		munmap(in->map, in->len);
	free(in);
}

/* How much read file a pass keeps mapped before it gives it back. */
#define RELEASE_STEP ((size_t)8 << 20)

static bool renames(uint32_t type)
{
	return type == SEV_FORK || type == SEV_EXEC || type == SEV_RENAME;
}

static void note_lost(struct recinput *in, const struct rec_item *it)
{
	/* Cumulative per CPU: the sum moves by this CPU's growth. */
	if (it->lost > in->lost_cpu[it->cpu]) {
		in->lost += it->lost - in->lost_cpu[it->cpu];
		in->lost_cpu[it->cpu] = it->lost;
	}
}

int recinput__each(struct recinput *in, int (*fn)(void *ctx, const struct rec_item *it), void *ctx)
{
	struct tasktab *names = in->no_names ? NULL : in->names;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), released = 0;
	struct rec_error err = { 0 };
	struct rec_item it;
	int ret;

	while (recr__next(in->r, &it, &err)) {
		/*
		 * The chunks before this one are read: give their pages back, so
		 * the file's size does not show in RSS (a re-read faults them in).
		 */
		if (in->map && it.offset >= released + RELEASE_STEP) {
			size_t upto = (size_t)it.offset & ~(page - 1);

			madvise((char *)in->map + released, upto - released, MADV_DONTNEED);
			released = upto;
		}
		switch (it.type) {
		case REC_EVENT:
			if (!in->events++)
				in->first_ns = it.ev.ts_ns;
			if (it.ev.ts_ns > in->end_ns)
				in->end_ns = it.ev.ts_ns;
			if (names && renames(it.ev.type))
				tasktab__on_event(names, &it.ev);
			ret = fn(ctx, &it);
			if (names && !renames(it.ev.type))
				tasktab__on_event(names, &it.ev);
			break;
		case REC_SNAP:
			if (names)
				tasktab__on_snap(names, &it.snap);
			ret = fn(ctx, &it);
			break;
		case REC_LOST:
			note_lost(in, &it);
			ret = fn(ctx, &it);
			break;
		default:
			if (it.ts_ns > in->end_ns)
				in->end_ns = it.ts_ns;
			ret = fn(ctx, &it);
			break;
		}
		if (ret)
			return ret;
	}
	in->status = recr__status(in->r);
	if (in->status == REC_CUT) {
		fprintf(stderr,
			"schedscope: warning: %s: %s (byte %" PRIu64
			"); the recording stopped without its end (a crash or kill?): "
			"%" PRIu64 " events read up to there\n",
			in->path, err.msg, err.offset, in->events);
		return 0;
	}
	if (in->status == REC_CORRUPT) {
		cli__err("%s: corrupt at byte %" PRIu64 ": %s (%" PRIu64
			 " events before it were read)",
			 in->path, err.offset, err.msg, in->events);
		return 1;
	}
	return 0;
}

void recinput__print_lost(const struct recinput *in)
{
	out__lost_cpus(stderr, "schedscope: ", " while recording", in->lost_cpu, in->h.nr_cpus,
		       "record with a larger --buffer");
}

bool recinput__wanted(const struct recinput *in, const struct cli *cli, uint32_t pid, uint32_t tid)
{
	const struct top_filter f = { cli->pids, cli->nr_pids, cli->tids, cli->nr_tids,
				      cli->comm, false,	       -1 };
	const struct task_ident *me, *leader;

	_Static_assert(CLI_MAX_IDS <= TASK_FILTER_MAX_IDS, "the rule looks at every -p and -t");
	if (!task_filter__given((uint32_t)cli->nr_pids, (uint32_t)cli->nr_tids, cli->comm != NULL))
		return true;
	me = tasktab__get(in->names, tid);
	leader = tasktab__get(in->names, pid);
	return topview__match(&f, pid, tid, me ? me->comm : "", leader ? leader->comm : "");
}
