/* SPDX-License-Identifier: GPL-2.0 */
/* The subcommands' entry points; main.c dispatches. */
#ifndef SCHEDSCOPE_COMMANDS_H
#define SCHEDSCOPE_COMMANDS_H

#include "cli.h"

int top__run(const struct cli *cli);
int cpus__run(const struct cli *cli);
int count__run(const struct cli *cli);
int probes__run(const struct cli *cli);
int preempt__run(const struct cli *cli);
int migrations__run(const struct cli *cli);
int runqlat__run(const struct cli *cli);
int runqslower__run(const struct cli *cli);
int starve__run(const struct cli *cli);
int inversion__run(const struct cli *cli);
int trace__run(const struct cli *cli);
int record__run(const struct cli *cli);
int report__run(const struct cli *cli);
int syscount__run(const struct cli *cli);
int opensnoop__run(const struct cli *cli);
int execsnoop__run(const struct cli *cli);
int exitsnoop__run(const struct cli *cli);

/* report's analyses: the ids of its subcommands in main.c, in cli.sub. */
enum report_analysis { AN_TOP, AN_CPUS, AN_RUNQLAT, AN_RUNQSLOWER, AN_INFO };
int timehist__run(const struct cli *cli);
int export__run(const struct cli *cli);
int exporter__run(const struct cli *cli);

#endif
