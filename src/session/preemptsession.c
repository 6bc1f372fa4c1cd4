// SPDX-License-Identifier: GPL-2.0
#include "session/preemptsession.h"

#include <stdlib.h>

#include <bpf/libbpf.h>

#include "bpf/abi.h"
#include "bpf/abi_check.h"
#include "preempt.skel.h"
#include "session/bpfenv.h"
#include "session/bpfsess.h"
#include "session/counts_read.h"

BPFSESS_SKEL(preempt_hooks, preempt_bpf);

struct preemptsession {
	struct bpfsess b;
	struct preempt_bpf *skel;
	struct counts_read *counts;
};

struct preemptsession *preemptsession__open(const struct cli *cli, uint32_t by)
{
	struct preemptsession *s = calloc(1, sizeof(*s));

	if (!s) {
		cli__err("out of memory");
		return NULL;
	}
	if (bpfsess__open(&s->b, &preempt_hooks, cli->verbose))
		goto fail;
	s->skel = s->b.skel;
	s->skel->rodata->by = by;
	s->skel->rodata->filter_cpu = cli->cpu;
	bpfenv__set_task_filter((struct ss_task_filter *)&s->skel->rodata->task_filter, cli);
	if (counts_read__start(&s->b, &s->counts, s->skel->maps.counts, s->skel->maps.count_stat,
			       sizeof(struct ss_preempt_key), SS_PREEMPT_NR,
			       &s->skel->bss->count_epoch, cli->max_keys))
		goto fail;
	return s;
fail:
	preemptsession__close(s);
	return NULL;
}

void preemptsession__close(struct preemptsession *s)
{
	if (!s)
		return;
	bpfsess__close(&s->b);
	counts_read__free(s->counts);
	free(s);
}

struct bpfsess *preemptsession__bpfsess(struct preemptsession *s)
{
	return &s->b;
}

struct counts_read *preemptsession__counts(struct preemptsession *s)
{
	return s->counts;
}
