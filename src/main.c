// SPDX-License-Identifier: GPL-2.0
/* schedscope: where CPU time goes and why threads wait, from the scheduler's hooks. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

#ifndef SCHEDSCOPE_VERSION
#define SCHEDSCOPE_VERSION "unknown"
#endif

static const struct cli_cmd commands[] = {
	{
		.name = "top",
		.summary = "CPU time, switches, wakeups, migrations and run-queue waits per process,\n"
			   "thread or name, from the kernel's own per-thread accounting.",
		.usage = "[options] [interval [count]]",
		.extra_help = "Columns: CPU% (100 = one CPU), RUNTIME, VCSW/IVCSW (voluntary and\n"
			      "involuntary switches), WAKEUPS, MIGR, RUNQ (time runnable but waiting)\n"
			      "and RUNQMAX (longest single wait). See schedscope(1).\n",
		.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_CPU | OPT_SORT | OPT_ROWS | OPT_BY | OPT_IDLE |
			OPT_MAX_TASKS | OPT_DURATION | OPT_TIMESTAMP | OPT_JSON | OPT_INTERVAL,
		.run = top__run,
	},
	{
		.name = "cpus",
		.summary = "Per CPU: context switches, busy and idle time, migrations in and out,\n"
			   "and the run-queue waits that ended there.",
		.usage = "[options] [interval [count]]",
		.opts = OPT_CPU | OPT_DURATION | OPT_TIMESTAMP | OPT_JSON | OPT_INTERVAL,
		.run = cpus__run,
	},
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fputs("Usage: schedscope COMMAND [options]\n"
	      "       schedscope --version | --help | help COMMAND\n\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < NR_COMMANDS; i++) {
		const char *nl = strchr(commands[i].summary, '\n');
		int len = nl ? (int)(nl - commands[i].summary) : (int)strlen(commands[i].summary);

		fprintf(f, "  %-6s %.*s\n", commands[i].name, len, commands[i].summary);
	}
	fputs("\nRun 'schedscope COMMAND --help' for a command's options.\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n",
	      f);
}

static const struct cli_cmd *find(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct cli_cmd *cmd;
	struct cli cli;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("schedscope %s\n", SCHEDSCOPE_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			usage(stdout);
			return 0;
		}
		cmd = find(argv[2]);
		if (!cmd) {
			cli__err("unknown command '%s'", argv[2]);
			usage(stderr);
			return EXIT_USAGE;
		}
		cli__help(cmd, stdout);
		return 0;
	}
	cmd = find(argv[1]);
	if (!cmd) {
		cli__err("unknown command '%s'", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	ret = cli__parse(cmd, argc - 1, argv + 1, &cli);
	if (ret)
		return ret == 1 ? 0 : ret;
	return cmd->run(&cli);
}
