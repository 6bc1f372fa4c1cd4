// SPDX-License-Identifier: GPL-2.0
#include "session/snoops.h"

#include <string.h>

#include <bpf/libbpf.h>

#include "bpf/abi.h"
#include "bpf/abi_check.h"
#include "bpf/open_logic.h"
#include "execsnoop.skel.h"
#include "exitsnoop.skel.h"
#include "opensnoop.skel.h"
#include "session/counts_read.h"

BPFSESS_SKEL(open_hooks, opensnoop_bpf);
BPFSESS_SKEL(exec_hooks, execsnoop_bpf);
BPFSESS_SKEL(exit_hooks, exitsnoop_bpf);

/* Counting: load and attach now, the counts' reader over the object's maps. */
#define COUNTS_START(s, skel, key, nr_values, cli)                                              \
	counts_read__start(&(s)->b, &(s)->counts, (skel)->maps.counts, (skel)->maps.count_stat, \
			   sizeof(key), (nr_values), &(skel)->bss->count_epoch, (cli)->max_keys)

/* The shape's part of the configuration, from the object's own maps and rodata. */
#define CONFIGURE(s, skel, cli, counting)                                                    \
	stream__configure((s), (skel)->maps.events, (skel)->maps.stream_stat,                \
			  (struct ss_task_filter *)&(skel)->rodata->task_filter,             \
			  &(skel)->rodata->stream_uid, &(skel)->rodata->stream_wakeup_bytes, \
			  (cli), (counting))

/* The programs of --rw: reads, writes and closes. */
static void set_rw(struct opensnoop_bpf *skel, bool on)
{
	struct bpf_program *progs[] = {
		skel->progs.read_enter,	   skel->progs.read_exit,    skel->progs.pread64_enter,
		skel->progs.pread64_exit,  skel->progs.readv_enter,  skel->progs.readv_exit,
		skel->progs.write_enter,   skel->progs.write_exit,   skel->progs.pwrite64_enter,
		skel->progs.pwrite64_exit, skel->progs.writev_enter, skel->progs.writev_exit,
		skel->progs.close_enter,
	};

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		bpf_program__set_autoload(progs[i], on);
}

int snoops__opens(struct stream *s, const struct cli *cli)
{
	bool counting = cli->count_mode || cli->rw;
	struct opensnoop_bpf *skel;
	int err = stream__open(s, &open_hooks, cli, true);

	if (err)
		return err;
	skel = s->b.skel;
	skel->rodata->failed_only = cli->failed;
	skel->rodata->flag_mask = cli->open_flags;
	skel->rodata->full_path = cli->full_path || cli->nr_paths;
	skel->rodata->count_mode = counting;
	skel->rodata->per_pid = cli->per_process || cli->rw;
	skel->rodata->rw = cli->rw;
	skel->rodata->nr_paths = (uint32_t)cli->nr_paths;
	/* set_path() took at most 255 bytes, absolute. */
	for (size_t i = 0; i < cli->nr_paths; i++)
		open_logic__split((struct ss_open_prefix *)&skel->rodata->paths[i], cli->paths[i]);
	set_rw(skel, cli->rw);
	CONFIGURE(s, skel, cli, counting);
	if (!counting)
		return 0;
	return COUNTS_START(s, skel, struct ss_open_key, SS_OPEN_NR_VALUES, cli);
}

int snoops__execs(struct stream *s, const struct cli *cli)
{
	struct execsnoop_bpf *skel;
	int err = stream__open(s, &exec_hooks, cli, true);

	if (err)
		return err;
	skel = s->b.skel;
	skel->rodata->failed_only = cli->failed;
	skel->rodata->count_mode = cli->count_mode;
	skel->rodata->max_args = (uint32_t)cli->max_args;
	CONFIGURE(s, skel, cli, cli->count_mode);
	if (!cli->count_mode)
		return 0;
	return COUNTS_START(s, skel, struct ss_exec_key, 1, cli);
}

int snoops__exits(struct stream *s, const struct cli *cli)
{
	struct exitsnoop_bpf *skel;
	int err = stream__open(s, &exit_hooks, cli, false);

	if (err)
		return err;
	skel = s->b.skel;
	skel->rodata->failed_only = cli->failed;
	skel->rodata->threaded = cli->threaded;
	skel->rodata->count_mode = cli->count_mode;
	skel->rodata->short_ns = (uint64_t)(cli->short_ms * 1e6);
	/* Forks and execs are counted, not streamed. */
	bpf_program__set_autoload(skel->progs.fork_task, cli->count_mode);
	bpf_program__set_autoload(skel->progs.exec_task, cli->count_mode);
	CONFIGURE(s, skel, cli, cli->count_mode);
	if (!cli->count_mode)
		return 0;
	return COUNTS_START(s, skel, struct ss_churn_key, SS_CHURN_NR, cli);
}
