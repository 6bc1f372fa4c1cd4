// SPDX-License-Identifier: GPL-2.0
#include "session/migrsession.h"

#include <stdlib.h>

#include <bpf/libbpf.h>

#include "bpf/abi.h"
#include "bpf/abi_check.h"
#include "migrations.skel.h"
#include "session/bpfenv.h"
#include "session/bpfsess.h"
#include "session/counts_read.h"

BPFSESS_SKEL(migr_hooks, migrations_bpf);

struct migrsession {
	struct bpfsess b;
	struct migrations_bpf *skel;
	struct counts_read *counts;
};

struct migrsession *migrsession__open(const struct cli *cli, uint32_t by)
{
	struct migrsession *s = calloc(1, sizeof(*s));

	if (!s) {
		cli__err("out of memory");
		return NULL;
	}
	if (bpfsess__open(&s->b, &migr_hooks, cli->verbose))
		goto fail;
	s->skel = s->b.skel;
	s->skel->rodata->by = by;
	bpfenv__set_task_filter((struct ss_task_filter *)&s->skel->rodata->task_filter, cli);
	if (counts_read__start(&s->b, &s->counts, s->skel->maps.counts, s->skel->maps.count_stat,
			       sizeof(struct ss_migr_key), SS_MIGR_NR, &s->skel->bss->count_epoch,
			       cli->max_keys))
		goto fail;
	return s;
fail:
	migrsession__close(s);
	return NULL;
}

void migrsession__close(struct migrsession *s)
{
	if (!s)
		return;
	bpfsess__close(&s->b);
	counts_read__free(s->counts);
	free(s);
}

struct bpfsess *migrsession__bpfsess(struct migrsession *s)
{
	return &s->b;
}

struct counts_read *migrsession__counts(struct migrsession *s)
{
	return s->counts;
}
