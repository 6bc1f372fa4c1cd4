// SPDX-License-Identifier: GPL-2.0
/* schedscope: where CPU time goes and why threads wait, from the scheduler's hooks. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd/commands.h"
#include "session/stop.h"

#ifndef SCHEDSCOPE_VERSION
#define SCHEDSCOPE_VERSION "unknown"
#endif

/* report -i FILE ANALYSIS: the live commands' options that make sense offline. */
static const struct cli_cmd report_analyses[] = {
	{
		.name = "top",
		.id = AN_TOP,
		.summary = "top over a recording: CPU time, switches, wakeups, migrations and\n"
			   "run-queue waits per process, thread or name.",
		.usage = "[options] [interval [count]]",
		.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_SORT | OPT_ROWS | OPT_BY | OPT_IDLE |
			OPT_MAX_TASKS | OPT_TIMESTAMP | OPT_JSON | OPT_INTERVAL,
	},
	{
		.name = "cpus",
		.id = AN_CPUS,
		.summary = "cpus over a recording: switches, busy and idle time, migrations and\n"
			   "run-queue waits per CPU.",
		.usage = "[options] [interval [count]]",
		.opts = OPT_CPU | OPT_TIMESTAMP | OPT_JSON | OPT_INTERVAL,
	},
	{
		.name = "runqlat",
		.id = AN_RUNQLAT,
		.summary = "runqlat over a recording: run-queue latency histograms.",
		.usage = "[options] [interval [count]]",
		.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_MS | OPT_PER_PID | OPT_PER_TID |
			OPT_PER_CPU | OPT_SPLIT | OPT_MAX_TASKS | OPT_TIMESTAMP | OPT_JSON |
			OPT_INTERVAL,
	},
	{
		.name = "runqslower",
		.id = AN_RUNQSLOWER,
		.summary = "runqslower over a recording: each run-queue wait of at least min_us.",
		.usage = "[options] [min_us]",
		.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_PREV | OPT_JSON | OPT_MIN_US,
	},
	{
		.name = "info",
		.id = AN_INFO,
		.summary = "What a recording holds: its header, events by kind, losses.",
		.usage = "",
	},
};

static const struct cli_cmd commands[] = {
	{
		.name = "top",
		.summary =
			"CPU time, switches, wakeups, migrations and run-queue waits per process,\n"
			"thread or name, from the kernel's own per-thread accounting.",
		.usage = "[options] [interval [count]]",
		.extra_help =
			"Columns: CPU% (100 = one CPU), RUNTIME, VCSW/IVCSW (voluntary and\n"
			"involuntary switches), WAKEUPS, MIGR, RUNQ (time runnable but waiting)\n"
			"and RUNQMAX (longest single wait). See schedscope(1).\n",
		.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_CPU | OPT_SORT | OPT_ROWS | OPT_BY |
			OPT_IDLE | OPT_MAX_TASKS | OPT_DURATION | OPT_TIMESTAMP | OPT_JSON |
			OPT_INTERVAL,
		.run = top__run,
	},
	{
		.name = "count",
		.summary = "DTrace's @[...] = count() over the sched provider's probes, counted\n"
			   "in the kernel by probe and the keys asked for.",
		.usage = "-e PROBE[,PROBE...] [options] [interval [count]]",
		.extra_help =
			"Keys (--by): probe (always), cpu, pid, tid, comm, prio. The probes:\n"
			"on-cpu, off-cpu, remain-cpu, enqueue, dequeue, wakeup, sleep, preempt,\n"
			"change-pri, lend-pri, load-change, tick, surrender (docs/dtrace.md).\n",
		.opts = OPT_PROBES | OPT_BY_KEYS | OPT_PID | OPT_TID | OPT_COMM | OPT_CPU |
			OPT_ROWS | OPT_MAX_KEYS | OPT_DURATION | OPT_TIMESTAMP | OPT_JSON |
			OPT_INTERVAL,
		.run = count__run,
	},
	{
		.name = "preempt",
		.summary =
			"Who leaves a CPU to whom: switches per (previous, next) pair, voluntary\n"
			"and involuntary, and the threads most switched out and in.",
		.usage = "[options] [interval [count]]",
		.extra_help = "Keys (--by): comm (default), pid, tid, comma-separated. A pair's\n"
			      "switch is voluntary when the thread leaving blocked (the kernel's\n"
			      "nvcsw), involuntary otherwise (nivcsw: preempted or yielded).\n",
		.opts = OPT_BY_KEYS | OPT_PID | OPT_TID | OPT_COMM | OPT_CPU | OPT_ROWS |
			OPT_MAX_KEYS | OPT_DURATION | OPT_TIMESTAMP | OPT_JSON | OPT_INTERVAL,
		.run = preempt__run,
	},
	{
		.name = "migrations",
		.summary = "Where threads move between CPUs: the source -> destination matrix,\n"
			   "each thread's migrations, wait before them, allowed CPUs and time per "
			   "CPU.",
		.usage = "[options] [interval [count]]",
		.extra_help =
			"Keys (--by): pid, tid, comm, comma-separated (default all three).\n"
			"Counted as the kernel counts se.nr_migrations: a move to another CPU.\n",
		.opts = OPT_BY_KEYS | OPT_PID | OPT_TID | OPT_COMM | OPT_ROWS | OPT_MAX_KEYS |
			OPT_DURATION | OPT_TIMESTAMP | OPT_JSON | OPT_INTERVAL,
		.run = migrations__run,
	},
	{
		.name = "probes",
		.summary = "The DTrace sched provider's probes: the Linux hook of each, whether\n"
			   "this kernel has it, and what differs from FreeBSD.",
		.usage = "[options]",
		.opts = OPT_JSON,
		.run = probes__run,
	},
	{
		.name = "cpus",
		.summary = "Per CPU: context switches, busy and idle time, migrations in and out,\n"
			   "and the run-queue waits that ended there.",
		.usage = "[options] [interval [count]]",
		.opts = OPT_CPU | OPT_DURATION | OPT_TIMESTAMP | OPT_JSON | OPT_INTERVAL,
		.run = cpus__run,
	},
	{
		.name = "runqlat",
		.summary = "Run-queue latency histograms (wakeup or preemption to switch-in),\n"
			   "with percentiles, aggregated in the kernel.",
		.usage = "[options] [interval [count]]",
		.extra_help =
			"Each report: bcc's log2 histogram of all waits, then per kind of wait\n"
			"(after a wakeup, after a preemption, and the pre-migration part of\n"
			"waits that migrated) the count, mean, p50, p90, p99, p99.9 and max.\n",
		.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_MS | OPT_PER_PID | OPT_PER_TID |
			OPT_PER_CPU | OPT_FROM | OPT_SPLIT | OPT_MAX_TASKS | OPT_DURATION |
			OPT_TIMESTAMP | OPT_JSON | OPT_INTERVAL,
		.run = runqlat__run,
	},
	{
		.name = "runqslower",
		.summary = "Each run-queue wait longer than min_us (default 10000), as bcc's\n"
			   "runqslower prints it; the threshold is applied in the kernel.",
		.usage = "[options] [min_us]",
		.extra_help = "Columns: TIME, COMM, TID, LAT(us) (enqueue or preemption to\n"
			      "switch-in), and with -P the task that ran before it.\n",
		.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_PREV | OPT_DURATION | OPT_JSON |
			OPT_MIN_US,
		.run = runqslower__run,
	},
	{
		.name = "syscount",
		.summary = "Syscalls counted by syscall or process, bcc's syscount, with their\n"
			   "time, latency histograms and the slowest calls, from the kernel.",
		.usage = "[options] [interval [count]]",
		.extra_help = "Columns: SYSCALL (or PID and COMM with -P), COUNT, and with -L the\n"
			      "total TIME in the calls. Names come from the running kernel's own\n"
			      "syscall tables (-l lists them); 32-bit calls show as ia32:NAME.\n",
		.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_TOP | OPT_INTERVAL_OPT | OPT_FAILURES |
			OPT_ERRNO | OPT_LATENCY | OPT_MS | OPT_BY_PROCESS | OPT_LIST | OPT_HIST |
			OPT_SLOWER | OPT_BUFFER_KB | OPT_MAX_KEYS | OPT_DURATION | OPT_JSON |
			OPT_INTERVAL,
		.run = syscount__run,
	},
	{
		.name = "starve",
		.summary = "Threads runnable longer than the threshold (default 100 ms) without\n"
			   "running, while it lasts, with what runs on their CPU instead.",
		.usage = "[options]",
		.extra_help =
			"A \"starving\" line comes as soon as a wait passes the threshold and\n"
			"again each second while it lasts; an \"ended\" line gives the whole "
			"wait.\n",
		.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_THRESHOLD | OPT_DURATION | OPT_JSON,
		.run = starve__run,
	},
	{
		.name = "inversion",
		.summary = "Priority inversions longer than the threshold (default 100 ms), and\n"
			   "priority inheritance (who lent priority to whom, for how long).",
		.usage = "[options]",
		.extra_help =
			"Events: runnable (a task waits while a lower-priority one runs on its\n"
			"CPU), ran (that wait ended), woken (woken by a lower-priority task\n"
			"that was itself kept off the CPU meanwhile), pi-boost (inheritance).\n",
		.opts = OPT_THRESHOLD | OPT_DURATION | OPT_JSON,
		.run = inversion__run,
	},
	{
		.name = "trace",
		.summary = "A live stream of scheduling events: switches, wakeups, new tasks,\n"
			   "migrations, fork, exec, exit and priority changes, filtered in the "
			   "kernel.",
		.usage = "[options]",
		.extra_help = "One line per event (--json: one object per line, docs/json.md).\n",
		.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_CPU | OPT_EVENTS | OPT_BUFFER |
			OPT_DURATION | OPT_JSON,
		.run = trace__run,
	},
	{
		.name = "record",
		.summary = "Record scheduling events into a compact file (docs/format.md) until\n"
			   "Ctrl-C, -d, or the end of COMMAND.",
		.usage = "-o FILE [options] [-- COMMAND [ARG...]]",
		.extra_help =
			"Read the file with 'report', 'timehist' and 'export'. Events lost to a\n"
			"full ring buffer are counted per CPU, in the file and on stderr.\n",
		.opts = OPT_OUTPUT | OPT_FORCE | OPT_PID | OPT_TID | OPT_COMM | OPT_CPU |
			OPT_EVENTS | OPT_BUFFER | OPT_DURATION | OPT_COMMAND,
		.run = record__run,
	},
	{
		.name = "opensnoop",
		.summary = "Each open, openat, openat2 and creat as it returns (bcc's opensnoop);\n"
			   "--count: opens per path; --rw: reads and writes of watched files.",
		.usage = "[options] [interval [count]]",
		.extra_help =
			"Columns: [TIME(s)] [UID] PID COMM FD ERR [FLAGS] PATH. interval [count]\n"
			"goes with --count and --rw: a table per interval, then cleared.\n",
		/* OPT_STREAM: -u -n -x --count; OPT_OPENSNOOP: -e -f -F --path -P --rw */
		.opts = OPT_PID | OPT_TID | OPT_COMM | OPT_STREAM | OPT_OPENSNOOP | OPT_TIMESTAMP |
			OPT_PRINT_UID | OPT_MAX_KEYS | OPT_BUFFER | OPT_DURATION | OPT_JSON |
			OPT_INTERVAL,
		.run = opensnoop__run,
	},
	{
		.name = "execsnoop",
		.summary = "Each execve and execveat, failed ones too, with its argv (bcc's\n"
			   "execsnoop); --count: execs by command, user and result.",
		.usage = "[options] [interval [count]]",
		.extra_help =
			"Columns: [TIME] [TIME(s)] [UID] PCOMM PID PPID RET ARGS; \" ...\" ends a\n"
			"cut argv. interval [count] goes with --count.\n",
		/* OPT_EXECSNOOP: -T --time, -t --timestamp, -q, -l, --max-args */
		.opts = OPT_PID | OPT_COMM | OPT_STREAM | OPT_EXECSNOOP | OPT_PRINT_UID |
			OPT_MAX_KEYS | OPT_BUFFER | OPT_DURATION | OPT_JSON | OPT_INTERVAL,
		.run = execsnoop__run,
	},
	{
		.name = "exitsnoop",
		.summary =
			"Each process exit (-T: each thread's) with its lifetime and status\n"
			"(bcc's exitsnoop); --count: forks, execs and exits per parent and name.",
		.usage = "[options] [interval [count]]",
		.extra_help = "Columns: [TIME] PCOMM PID PPID TID AGE(s) [EXITED] EXIT_CODE.\n"
			      "interval [count] goes with --count.\n",
		/* OPT_EXITSNOOP: -t --timestamp, -T --threaded, --short */
		.opts = OPT_PID | OPT_COMM | OPT_STREAM | OPT_EXITSNOOP | OPT_MAX_KEYS |
			OPT_BUFFER | OPT_DURATION | OPT_JSON | OPT_INTERVAL,
		.run = exitsnoop__run,
	},
	{
		.name = "report",
		.summary = "Run an analysis (top, cpus, runqlat, runqslower) on a recording,\n"
			   "with the live command's options and output.",
		.usage = "-i FILE ANALYSIS [options]",
		.extra_help =
			"Analyses: top, cpus, runqlat, runqslower, info. Each takes the options "
			"of\n"
			"the live command that make sense offline ('report -i F top --help').\n",
		.opts = OPT_INPUT,
		.run = report__run,
		.subs = report_analyses,
		.nr_subs = sizeof(report_analyses) / sizeof(report_analyses[0]),
		.sub_noun = "analysis",
		.sub_lead = "-i FILE",
	},
	{
		.name = "timehist",
		.summary = "One line per context switch of a recording, as perf sched timehist:\n"
			   "time, CPU, task, wait time, scheduling delay and run time.",
		.usage = "-i FILE [options]",
		.opts = OPT_INPUT | OPT_PID | OPT_TID | OPT_COMM | OPT_CPU | OPT_WAKEUPS |
			OPT_MIGRATIONS | OPT_JSON,
		.run = timehist__run,
	},
	{
		.name = "export",
		.summary = "Convert a recording for Perfetto (systrace: ftrace's text format) or\n"
			   "chrome://tracing (chrome-json: the Trace Event Format).",
		.usage = "-i FILE --format systrace|chrome-json -o OUT [options]",
		.opts = OPT_INPUT | OPT_OUTPUT | OPT_FORMAT | OPT_FORCE,
		.run = export__run,
	},
	{
		.name = "exporter",
		.summary = "Serve Prometheus metrics per cgroup v2 and per CPU over HTTP (GET\n"
			   "/metrics): CPU time, switches, run-queue waits and their histogram.",
		.usage = "[--listen ADDR:PORT] [options]",
		.extra_help =
			"Every metric, its labels and its bounds: docs/exporter.md. Counters\n"
			"start at 0 when the exporter starts and never go backwards.\n",
		.opts = OPT_LISTEN | OPT_CGROUP_ROOT | OPT_CGROUP_DEPTH | OPT_CGROUP_MATCH |
			OPT_MAX_SERIES | OPT_CGROUP_EXPIRY | OPT_MAX_TASKS | OPT_DURATION,
		.run = exporter__run,
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
		const char *line = commands[i].summary, *nl;

		/* The whole summary, its further lines under the first. */
		fprintf(f, "  %-10s ", commands[i].name);
		while ((nl = strchr(line, '\n'))) {
			fprintf(f, "%.*s\n%13s", (int)(nl - line), line, "");
			line = nl + 1;
		}
		fprintf(f, "%s\n", line);
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
	cli__json_errors(cli.json ? stdout : NULL);
	stop__install();
	return cmd->run(&cli);
}
