// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope probes: the DTrace sched provider's probes, the Linux hook of
 * each, whether the running kernel has it, and what differs from FreeBSD.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd/commands.h"
#include "core/probes.h"
#include "out/common_out.h"
#include "out/json.h"
#include "session/probesession.h"

static void probes_json(uint32_t avail, const char *const *why)
{
	struct json j;

	json__init(&j, stdout);
	json__begin_object(&j, NULL);
	json__string(&j, "type", "probes", 6);
	json__begin_array(&j, "probes");
	for (unsigned int p = 0; p < SS_NR_PROBES; p++) {
		const struct probe_desc *d = &probe_descs[p];

		json__begin_object(&j, NULL);
		json__string(&j, "name", d->name, strlen(d->name));
		json__string(&j, "hook", d->hook, strlen(d->hook));
		json__bool(&j, "available", avail & (1u << p));
		if (why[p])
			json__string(&j, "missing", why[p], strlen(why[p]));
		else
			json__null(&j, "missing");
		json__string(&j, "differs", d->differs, strlen(d->differs));
		json__end_object(&j);
	}
	json__end_array(&j);
	json__end_object(&j);
}

static void probes_table(uint32_t avail, const char *const *why)
{
	printf("%-12s %-5s %s\n", "PROBE", "HERE", "LINUX HOOK / DIFFERS FROM FREEBSD");
	for (unsigned int p = 0; p < SS_NR_PROBES; p++) {
		const struct probe_desc *d = &probe_descs[p];

		printf("%-12s %-5s %s\n", d->name, avail & (1u << p) ? "yes" : "no", d->hook);
		if (why[p])
			printf("%-18s missing: %s\n", "", why[p]);
		printf("%-18s %s\n", "", d->differs);
	}
}

int probes__run(const struct cli *cli)
{
	const char *why[SS_NR_PROBES];
	uint32_t avail;
	int err = probesession__available(&avail, why);

	if (err) {
		cli__err("cannot open the probes' BPF object: %s", strerror(-err));
		return 1;
	}
	if (cli->json)
		probes_json(avail, why);
	else
		probes_table(avail, why);
	return out__status(stdout) ? 1 : 0;
}
