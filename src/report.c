// SPDX-License-Identifier: GPL-2.0
/* Placeholder until the command lands. */
#include <stdio.h>

#include "cli.h"
#include "commands.h"

int report__run(const struct cli *cli)
{
	(void)cli;
	cli__err("report: not built yet");
	return 1;
}
