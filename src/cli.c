// SPDX-License-Identifier: GPL-2.0
#include "cli.h"

#include "core/sev.h"
#include "out/json.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum opt_kind {
	KIND_FLAG,    /* no value: the bool becomes true */
	KIND_INT,     /* an int in [min, max] */
	KIND_SIZE,    /* a size_t in [min, max] */
	KIND_SECONDS, /* a double > 0, at most 1e7 (seconds; --threshold's milliseconds) */
	KIND_STRING,  /* kept as given, of min to max bytes (max 0: any length) */
	KIND_IDS,     /* repeatable: one more uint32_t id in [1, INT32_MAX], counted at nr_off */
	KIND_CHOICE,  /* one of two words: the bool is true for the second */
	KIND_SET,     /* set() checks and stores */
	KIND_HELP,    /* prints the command's help */
};

/*
 * One option: getopt's strings, --help and the parse of its value all come
 * from its row. Two rows may share a letter or a name (bcc's -P and
 * runqlat's --cpu) as long as no command takes both.
 */
struct optdef {
	uint64_t bit; /* OPT_*; 0: every command takes it */
	const char *name;
	const char *alias; /* a second long name, or NULL */
	const char *arg;   /* the value's name in --help; NULL: takes none */
	const char *help;  /* lines after the names in --help */
	size_t off;	   /* the field of struct cli it sets */
	size_t nr_off;	   /* KIND_IDS: the count of ids */
	uint64_t min, max;
	const char *words[2]; /* KIND_CHOICE */
	const char *bad;      /* the error for a bad value, %s the value */
	int (*set)(struct cli *out, const char *arg);
	enum opt_kind kind;
	char letter; /* 0: a long name only */
};

#define AT(field) .off = offsetof(struct cli, field)

static int set_events(struct cli *out, const char *arg);
static int set_buffer(struct cli *out, const char *arg);
static int set_uid(struct cli *out, const char *arg);
static int set_open_flag(struct cli *out, const char *arg);
static int set_path(struct cli *out, const char *arg);

/* In the order of --help. */
static const struct optdef optdefs[] = {
	{ .bit = OPT_PID,
	  .letter = 'p',
	  .name = "pid",
	  .arg = "PID",
	  .help = "only this process (all its threads); repeatable",
	  .kind = KIND_IDS,
	  AT(pids),
	  .nr_off = offsetof(struct cli, nr_pids),
	  .bad = "invalid PID '%s'" },
	{ .bit = OPT_TID,
	  .letter = 't',
	  .name = "tid",
	  .arg = "TID",
	  .help = "only this thread; repeatable",
	  .kind = KIND_IDS,
	  AT(tids),
	  .nr_off = offsetof(struct cli, nr_tids),
	  .bad = "invalid TID '%s'" },
	{ .bit = OPT_COMM,
	  .letter = 'c',
	  .name = "comm",
	  .arg = "COMM",
	  .help = "only tasks whose name starts with COMM",
	  .kind = KIND_STRING,
	  AT(comm),
	  .min = 1,
	  .max = 15,
	  .bad = "invalid COMM '%s' (1 to 15 bytes)" },
	{ .bit = OPT_CPU,
	  .letter = 'C',
	  .name = "cpu",
	  .arg = "CPU",
	  .help = "only what happens on this CPU",
	  .kind = KIND_INT,
	  AT(cpu),
	  .max = 65535,
	  .bad = "invalid CPU '%s'" },
	{ .bit = OPT_SORT,
	  .letter = 's',
	  .name = "sort",
	  .arg = "FIELD",
	  .help = "cpu (default), pid, tid, comm, vcsw, ivcsw, wakeups,\n"
		  "migr, runq, runqmax",
	  .kind = KIND_STRING,
	  AT(sort) },
	{ .bit = OPT_ROWS,
	  .letter = 'n',
	  .name = "rows",
	  .arg = "N",
	  .help = "show N rows (default 20, 0 = all)",
	  .kind = KIND_SIZE,
	  AT(rows),
	  .max = 1u << 30,
	  .bad = "invalid row count '%s'" },
	{ .bit = OPT_BY,
	  .name = "by",
	  .arg = "KEY",
	  .help = "aggregate by pid (default), tid or comm",
	  .kind = KIND_STRING,
	  AT(by) },
	{ .bit = OPT_BY_KEYS,
	  .name = "by",
	  .arg = "KEYS",
	  .help = "count by these keys, comma-separated (see the command's\n"
		  "list below)",
	  .kind = KIND_STRING,
	  AT(by) },
	{ .bit = OPT_IDLE,
	  .name = "idle",
	  .help = "show each CPU's idle task (hidden by default)",
	  .kind = KIND_FLAG,
	  AT(idle) },
	{ .bit = OPT_MAX_TASKS,
	  .name = "max-tasks",
	  .arg = "N",
	  .help = "threads tracked at most (default 65536)",
	  .kind = KIND_SIZE,
	  AT(max_tasks),
	  .min = 1,
	  .max = 1u << 24,
	  .bad = "invalid --max-tasks '%s' (1 to 16777216)" },
	{ .bit = OPT_DURATION,
	  .letter = 'd',
	  .name = "duration",
	  .arg = "SECS",
	  .help = "stop after SECS seconds",
	  .kind = KIND_SECONDS,
	  AT(duration_s),
	  .bad = "invalid duration '%s' (seconds > 0)" },
	{ .bit = OPT_TIMESTAMP,
	  .letter = 'T',
	  .name = "timestamp",
	  .help = "print the time of each report (opensnoop: a TIME(s)\n"
		  "column, seconds since the start)",
	  .kind = KIND_FLAG,
	  AT(timestamp) },
	{ .bit = OPT_JSON,
	  .letter = 'j',
	  .name = "json",
	  .help = "one JSON object per report (docs/json.md)",
	  .kind = KIND_FLAG,
	  AT(json) },
	{ .bit = OPT_MS,
	  .letter = 'm',
	  .name = "milliseconds",
	  .help = "histograms in milliseconds (default microseconds)",
	  .kind = KIND_FLAG,
	  AT(ms) },
	/* bcc's letters: runqlat's -P is per process, runqslower's the previous task. */
	{ .bit = OPT_PER_PID,
	  .letter = 'P',
	  .name = "pids",
	  .help = "a histogram per process",
	  .kind = KIND_FLAG,
	  AT(per_pid) },
	{ .bit = OPT_PER_TID,
	  .letter = 'L',
	  .name = "tids",
	  .help = "a histogram per thread",
	  .kind = KIND_FLAG,
	  AT(per_tid) },
	/* runqlat has no -C: its --cpu asks for a histogram per CPU. */
	{ .bit = OPT_PER_CPU,
	  .name = "cpu",
	  .alias = "per-cpu",
	  .help = "a histogram per CPU (the CPU the wait ended on)",
	  .kind = KIND_FLAG,
	  AT(per_cpu) },
	{ .bit = OPT_PREV,
	  .letter = 'P',
	  .name = "previous",
	  .help = "also the task that ran before (PREV COMM, PREV TID)",
	  .kind = KIND_FLAG,
	  AT(prev) },
	{ .bit = OPT_FROM,
	  .name = "from",
	  .arg = "EVENT",
	  .help = "a wait after a wakeup starts at: wakeup (default, the\n"
		  "enqueue, as bcc) or waking (the waker's side, with the\n"
		  "wakeup path; two clock reads per wakeup)",
	  .kind = KIND_CHOICE,
	  AT(from_waking),
	  .words = { "wakeup", "waking" },
	  .bad = "invalid --from '%s' (wakeup or waking)" },
	{ .bit = OPT_SPLIT,
	  .name = "split",
	  .help = "a histogram for each kind of wait, not only the sum",
	  .kind = KIND_FLAG,
	  AT(split) },
	{ .bit = OPT_THRESHOLD,
	  .name = "threshold",
	  .arg = "MS",
	  .help = "report waits of at least MS milliseconds",
	  .kind = KIND_SECONDS,
	  AT(threshold_ms),
	  .bad = "invalid threshold '%s' (milliseconds > 0)" },
	{ .bit = OPT_EVENTS,
	  .letter = 'e',
	  .name = "events",
	  .arg = "LIST",
	  .help = "kinds of event, comma-separated: switch, waking, wakeup,\n"
		  "new, migrate, fork, exec, exit, prio, rename; all;\n"
		  "default (all but wakeup, which follows every waking);\n"
		  "and DTrace's sched probes by name (on-cpu, ...;\n"
		  "sched:::wakeup is the probe: schedscope probes lists them)",
	  .kind = KIND_SET,
	  .set = set_events,
	  .bad = "unknown event kind in '%s' (see --help)" },
	/* count's -e: DTrace's probe names, checked by the command against this kernel. */
	{ .bit = OPT_PROBES,
	  .letter = 'e',
	  .name = "events",
	  .arg = "PROBES",
	  .help = "probes, comma-separated (schedscope probes lists them)",
	  .kind = KIND_STRING,
	  AT(probes),
	  .min = 1,
	  .bad = "empty probe list" },
	{ .bit = OPT_MAX_KEYS,
	  .name = "max-keys",
	  .arg = "N",
	  .help = "keys the kernel's table holds at most (default 10240)",
	  .kind = KIND_SIZE,
	  AT(max_keys),
	  .min = 1,
	  .max = 1u << 24,
	  .bad = "invalid --max-keys '%s' (1 to 16777216)" },
	{ .bit = OPT_OUTPUT,
	  .letter = 'o',
	  .name = "output",
	  .arg = "FILE",
	  .help = "write to FILE",
	  .kind = KIND_STRING,
	  AT(output),
	  .min = 1,
	  .bad = "empty output file name" },
	{ .bit = OPT_INPUT,
	  .letter = 'i',
	  .name = "input",
	  .arg = "FILE",
	  .help = "read the recording FILE",
	  .kind = KIND_STRING,
	  AT(input),
	  .min = 1,
	  .bad = "empty input file name" },
	{ .bit = OPT_FORCE,
	  .letter = 'f',
	  .name = "force",
	  .help = "replace FILE if it exists",
	  .kind = KIND_FLAG,
	  AT(force) },
	{ .bit = OPT_FORMAT,
	  .name = "format",
	  .arg = "FMT",
	  .help = "systrace (ftrace text, for Perfetto) or chrome-json",
	  .kind = KIND_STRING,
	  AT(format) },
	{ .bit = OPT_WAKEUPS,
	  .letter = 'w',
	  .name = "wakeups",
	  .help = "also a line per wakeup",
	  .kind = KIND_FLAG,
	  AT(wakeups) },
	{ .bit = OPT_MIGRATIONS,
	  .letter = 'M',
	  .name = "migrations",
	  .help = "also a line per migration",
	  .kind = KIND_FLAG,
	  AT(migrations) },
	{ .bit = OPT_BUFFER,
	  .name = "buffer",
	  .arg = "MB",
	  .help = "ring buffer size in MiB (a power of two, default 16;\n"
		  "NK: KiB, at least 4K)",
	  .kind = KIND_SET,
	  .set = set_buffer,
	  .bad = "invalid --buffer '%s' (MiB, a power of two up to " CLI_STR(
		  CLI_MAX_BUFFER_MB) "; or NK, KiB, from 4K)" },
	{ .bit = OPT_LISTEN,
	  .name = "listen",
	  .arg = "ADDR:PORT",
	  .help = "serve /metrics there (default 127.0.0.1:9110;\n"
		  ":PORT for every address, [ADDR]:PORT for IPv6)",
	  .kind = KIND_STRING,
	  AT(listen),
	  .min = 2,
	  .max = 255,
	  .bad = "invalid --listen '%s' (ADDR:PORT)" },
	{ .bit = OPT_CGROUP_ROOT,
	  .name = "cgroup-root",
	  .arg = "DIR",
	  .help = "the cgroup v2 hierarchy is mounted at DIR (default:\n"
		  "the cgroup2 mount in /proc/self/mountinfo)",
	  .kind = KIND_STRING,
	  AT(cgroup_root),
	  .min = 1,
	  .bad = "empty --cgroup-root" },
	{ .bit = OPT_CGROUP_DEPTH,
	  .name = "cgroup-depth",
	  .arg = "N",
	  .help = "label cgroups by their first N path components\n"
		  "(default 4); deeper ones add to that ancestor",
	  .kind = KIND_SIZE,
	  AT(cgroup_depth),
	  .min = 1,
	  .max = 64,
	  .bad = "invalid --cgroup-depth '%s' (1 to 64)" },
	{ .bit = OPT_CGROUP_MATCH,
	  .name = "cgroup-include",
	  .arg = "GLOB",
	  .help = "export only cgroups whose label matches GLOB",
	  .kind = KIND_STRING,
	  AT(cgroup_include),
	  .min = 1,
	  .bad = "empty --cgroup-include" },
	{ .bit = OPT_CGROUP_MATCH,
	  .name = "cgroup-exclude",
	  .arg = "GLOB",
	  .help = "do not export cgroups whose label matches GLOB",
	  .kind = KIND_STRING,
	  AT(cgroup_exclude),
	  .min = 1,
	  .bad = "empty --cgroup-exclude" },
	{ .bit = OPT_MAX_SERIES,
	  .name = "max-series",
	  .arg = "N",
	  .help = "cgroup series at most (default 20000, 34 per cgroup);\n"
		  "past it cgroups go to cgroup=\"(other)\"",
	  .kind = KIND_SIZE,
	  AT(max_series),
	  .min = 68,
	  .max = 1u << 24,
	  .bad = "invalid --max-series '%s' (68 to 16777216)" },
	{ .bit = OPT_CGROUP_EXPIRY,
	  .name = "cgroup-expiry",
	  .arg = "SECS",
	  .help = "drop a removed cgroup's series after SECS (default 300)",
	  .kind = KIND_SECONDS,
	  AT(cgroup_expiry_s),
	  .bad = "invalid --cgroup-expiry '%s' (seconds > 0)" },
	/* syscount's, with bcc's letters: its -T, -i, -e, -L and -P are not the others'. */
	{ .bit = OPT_TOP,
	  .letter = 'T',
	  .name = "top",
	  .arg = "N",
	  .help = "show the N rows most called (default 10, 0 = all)",
	  .kind = KIND_SIZE,
	  AT(top),
	  .max = 1u << 30,
	  .bad = "invalid --top '%s'" },
	{ .bit = OPT_INTERVAL_OPT,
	  .letter = 'i',
	  .name = "interval",
	  .arg = "SECS",
	  .help = "a report every SECS seconds (as the positional interval)",
	  .kind = KIND_SECONDS,
	  AT(interval_s),
	  .bad = "invalid interval '%s' (seconds > 0)" },
	{ .bit = OPT_FAILURES,
	  .letter = 'x',
	  .name = "failures",
	  .help = "only calls that failed (returned an error)",
	  .kind = KIND_FLAG,
	  AT(failures) },
	{ .bit = OPT_ERRNO,
	  .letter = 'e',
	  .name = "errno",
	  .arg = "ERRNO",
	  .help = "only calls that failed with ERRNO (ENOENT, or 2)",
	  .kind = KIND_STRING,
	  AT(errno_name),
	  .min = 1,
	  .bad = "empty errno" },
	{ .bit = OPT_LATENCY,
	  .letter = 'L',
	  .name = "latency",
	  .help = "also the total time in the calls",
	  .kind = KIND_FLAG,
	  AT(latency) },
	{ .bit = OPT_BY_PROCESS,
	  .letter = 'P',
	  .name = "process",
	  .help = "by process, not by syscall",
	  .kind = KIND_FLAG,
	  AT(by_process) },
	{ .bit = OPT_LIST,
	  .letter = 'l',
	  .name = "list",
	  .help = "list this kernel's syscalls and exit",
	  .kind = KIND_FLAG,
	  AT(list) },
	{ .bit = OPT_HIST,
	  .name = "hist",
	  .help = "a latency histogram per row, with percentiles",
	  .kind = KIND_FLAG,
	  AT(hist) },
	{ .bit = OPT_SLOWER,
	  .name = "slower",
	  .arg = "MS",
	  .help = "also print each call of at least MS milliseconds",
	  .kind = KIND_SECONDS,
	  AT(slower_ms),
	  .bad = "invalid --slower '%s' (milliseconds > 0)" },
	{ .bit = OPT_BUFFER_KB,
	  .name = "buffer-kb",
	  .arg = "KB",
	  .help = "--slower's ring buffer in KiB (a power of two, at\nleast the page size; default "
		  "1024)",
	  .kind = KIND_SIZE,
	  AT(buffer_kb),
	  .min = 1,
	  .max = 1u << 21,
	  .bad = "invalid --buffer-kb '%s' (KiB, a power of two up to 2097152)" },
	{ .bit = OPT_UID,
	  .letter = 'u',
	  .name = "uid",
	  .arg = "UID",
	  .help = "only tasks of this real user ID",
	  .kind = KIND_SET,
	  .set = set_uid,
	  .bad = "invalid UID '%s'" },
	{ .bit = OPT_NAME,
	  .letter = 'n',
	  .name = "name",
	  .arg = "NAME",
	  .help = "only tasks whose name starts with NAME (as -c)",
	  .kind = KIND_STRING,
	  AT(comm),
	  .min = 1,
	  .max = 15,
	  .bad = "invalid NAME '%s' (1 to 15 bytes)" },
	{ .bit = OPT_FAILED,
	  .letter = 'x',
	  .name = "failed",
	  .help = "only failed calls (exitsnoop: only non-zero exits)",
	  .kind = KIND_FLAG,
	  AT(failed) },
	{ .bit = OPT_EXTENDED,
	  .letter = 'e',
	  .name = "extended-fields",
	  .help = "also the open flags (FLAGS, octal)",
	  .kind = KIND_FLAG,
	  AT(extended) },
	{ .bit = OPT_OPEN_FLAGS,
	  .letter = 'f',
	  .name = "flag",
	  .arg = "FLAG",
	  .help = "only opens with this flag (O_WRONLY, O_CREAT ...);\n"
		  "repeatable: any of them",
	  .kind = KIND_SET,
	  .set = set_open_flag,
	  .bad = "unknown open flag '%s' (O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC,\n"
		 "O_APPEND, O_NONBLOCK, O_DSYNC, O_DIRECT, O_LARGEFILE, O_DIRECTORY, O_NOFOLLOW,\n"
		 "O_NOATIME, O_CLOEXEC, O_SYNC, O_PATH, O_TMPFILE)" },
	{ .bit = OPT_FULL_PATH,
	  .letter = 'F',
	  .name = "full-path",
	  .help = "the full path, resolved against the cwd or dirfd",
	  .kind = KIND_FLAG,
	  AT(full_path) },
	{ .bit = OPT_PRINT_UID,
	  .letter = 'U',
	  .name = "print-uid",
	  .help = "show the UID column",
	  .kind = KIND_FLAG,
	  AT(print_uid) },
	{ .bit = OPT_PATH,
	  .name = "path",
	  .arg = "PREFIX",
	  .help = "only paths under PREFIX (absolute; implies -F);\n"
		  "repeatable, up to " CLI_STR(CLI_MAX_PATHS),
	  .kind = KIND_SET,
	  .set = set_path,
	  .bad = "invalid --path '%s' (an absolute path of at most 255 bytes, up to " CLI_STR(
		  CLI_MAX_PATHS) " of them)" },
	{ .bit = OPT_COUNT,
	  .name = "count",
	  .help = "count in the kernel, print and clear per interval",
	  .kind = KIND_FLAG,
	  AT(count_mode) },
	{ .bit = OPT_PER_PROCESS,
	  .letter = 'P',
	  .name = "per-process",
	  .help = "with --count: per process and path",
	  .kind = KIND_FLAG,
	  AT(per_process) },
	{ .bit = OPT_RW,
	  .name = "rw",
	  .help = "count reads and writes (calls, bytes) of the files\n"
		  "opened under --path, per process and file",
	  .kind = KIND_FLAG,
	  AT(rw) },
	{ .bit = OPT_CLOCK,
	  .letter = 'T',
	  .name = "time",
	  .help = "a TIME column, HH:MM:SS",
	  .kind = KIND_FLAG,
	  AT(clock) },
	{ .bit = OPT_ELAPSED,
	  .letter = 't',
	  .name = "timestamp",
	  .help = "a TIME(s) column, seconds since the start",
	  .kind = KIND_FLAG,
	  AT(elapsed) },
	{ .bit = OPT_EXIT_CLOCK,
	  .letter = 't',
	  .name = "timestamp",
	  .help = "a TIME column, HH:MM:SS",
	  .kind = KIND_FLAG,
	  AT(clock) },
	{ .bit = OPT_QUOTE,
	  .letter = 'q',
	  .name = "quote",
	  .help = "quote each argument",
	  .kind = KIND_FLAG,
	  AT(quote) },
	{ .bit = OPT_LINE,
	  .letter = 'l',
	  .name = "line",
	  .arg = "TEXT",
	  .help = "only commands whose arguments contain TEXT",
	  .kind = KIND_STRING,
	  AT(line),
	  .min = 1,
	  .bad = "empty --line" },
	{ .bit = OPT_MAX_ARGS,
	  .name = "max-args",
	  .arg = "N",
	  .help = "arguments shown at most (default 20, at most " CLI_STR(CLI_MAX_ARGS) ")",
	  .kind = KIND_SIZE,
	  AT(max_args),
	  .min = 1,
	  .max = CLI_MAX_ARGS,
	  .bad = "invalid --max-args '%s' (1 to " CLI_STR(CLI_MAX_ARGS) ")" },
	{ .bit = OPT_THREADED,
	  .letter = 'T',
	  .name = "threaded",
	  .alias = "per-thread",
	  .help = "every thread's exit, not only whole processes'",
	  .kind = KIND_FLAG,
	  AT(threaded) },
	{ .bit = OPT_SHORT,
	  .name = "short",
	  .arg = "MS",
	  .help = "only tasks that lived less than MS milliseconds",
	  .kind = KIND_SECONDS,
	  AT(short_ms),
	  .bad = "invalid --short '%s' (milliseconds > 0)" },
	{ .letter = 'v',
	  .name = "verbose",
	  .help = "show libbpf's messages, load time and\n"
		  "instructions verified per program",
	  .kind = KIND_FLAG,
	  AT(verbose) },
	{ .letter = 'h', .name = "help", .help = "this help", .kind = KIND_HELP },
};

#define NR_OPTDEFS (sizeof(optdefs) / sizeof(optdefs[0]))

/* cli__json_errors(): main() says where, once; the parse says it for its own errors. */
static FILE *json_errors_to;

void cli__json_errors(FILE *f)
{
	json_errors_to = f;
}

/* With --json, errors also go to the stream as objects, so a consumer sees why it ended. */
static void report_error(const char *msg, FILE *json)
{
	fprintf(stderr, "schedscope: %s\n", msg);
	if (!json)
		return;
	fputs("{\"type\":\"error\",\"message\":", json);
	json__write_string(json, msg, strlen(msg));
	fputs("}\n", json);
	fflush(json);
}

void cli__err(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_error(msg, json_errors_to);
}

/* The text's further lines start at column indent. */
static void print_indented(FILE *f, const char *text, int indent)
{
	const char *nl;

	while ((nl = strchr(text, '\n'))) {
		fprintf(f, "%.*s\n%*s", (int)(nl - text), text, indent, "");
		text = nl + 1;
	}
	fprintf(f, "%s\n", text);
}

static bool takes(const struct cli_cmd *cmd, const struct optdef *d)
{
	return !d->bit || (cmd->opts & d->bit);
}

/* The command being parsed, and how usage names it: "top", "report -i FILE top". */
struct parse {
	const struct cli_cmd *cmd;
	char path[64];
	bool json_errors; /* --json given to a command that takes it */
};

static void help(const struct cli_cmd *cmd, const char *path, FILE *f)
{
	fprintf(f, "Usage: schedscope %s %s\n\n%s\n\nOptions:\n", path, cmd->usage, cmd->summary);
	for (size_t i = 0; i < NR_OPTDEFS; i++) {
		const struct optdef *d = &optdefs[i];
		char names[32];

		if (!takes(cmd, d))
			continue;
		snprintf(names, sizeof(names), "--%s%s%s", d->name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
		if (d->letter)
			fprintf(f, "  -%c, ", d->letter);
		else
			fputs("      ", f);
		/* Names too long for their column: the help starts on the next line. */
		if (strlen(names) > 16)
			fprintf(f, "%s\n%23s", names, "");
		else
			fprintf(f, "%-16s ", names);
		print_indented(f, d->help, 23);
	}
	if (cmd->opts & OPT_INTERVAL)
		fputs("\n  interval [count]     a report every interval seconds covering that "
		      "interval\n"
		      "                       only, count times; without it one report at the "
		      "end\n",
		      f);
	if (cmd->extra_help)
		fprintf(f, "\n%s", cmd->extra_help);
}

void cli__help(const struct cli_cmd *cmd, FILE *f)
{
	help(cmd, cmd->name, f);
}

static int usage_error(const struct parse *p, const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	report_error(msg, p->json_errors ? stdout : NULL);
	fprintf(stderr, "Usage: schedscope %s %s\nTry 'schedscope %s --help'.\n", p->path,
		p->cmd->usage, p->path);
	return EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > 1e7)
		return -EINVAL;
	*out = v;
	return 0;
}

static int add_id(uint32_t *ids, size_t *nr, const char *s)
{
	uint64_t v;

	if (parse_u64(s, INT32_MAX, &v) || v == 0)
		return -EINVAL;
	if (*nr >= CLI_MAX_IDS)
		return -E2BIG;
	ids[(*nr)++] = (uint32_t)v;
	return 0;
}

static int set_events(struct cli *out, const char *arg)
{
	const char *bad;

	return sev__parse_mask(arg, &out->ev_mask, &out->ev_probes, &bad);
}

/* MiB, or with a K suffix KiB (a small ring, to see what a full one loses). */
static int set_buffer(struct cli *out, const char *arg)
{
	size_t len = strlen(arg);
	uint64_t v, kb;
	char num[24];

	if (len && len < sizeof(num) && (arg[len - 1] == 'K' || arg[len - 1] == 'k')) {
		memcpy(num, arg, len - 1);
		num[len - 1] = 0;
		if (parse_u64(num, (uint64_t)CLI_MAX_BUFFER_MB << 10, &kb) ||
		    kb < CLI_MIN_BUFFER_KB)
			return -EINVAL;
	} else {
		if (parse_u64(arg, CLI_MAX_BUFFER_MB, &v) || v == 0)
			return -EINVAL;
		kb = v << 10;
	}
	if (kb & (kb - 1))
		return -EINVAL;
	out->ring_kb = (size_t)kb;
	return 0;
}

static int set_uid(struct cli *out, const char *arg)
{
	uint64_t v;

	/* (uid_t)-1 is no user: the kernel's "unchanged". */
	if (parse_u64(arg, UINT32_MAX - 1, &v))
		return -EINVAL;
	out->uid = (int64_t)v;
	return 0;
}

/* open(2)'s flags by name, as <fcntl.h> on x86 and arm64 numbers them (bcc's -f). */
static const struct {
	const char *name;
	uint32_t bit;
} open_flags[] = {
	{ "O_WRONLY", 01 },	   { "O_RDWR", 02 },	       { "O_CREAT", 0100 },
	{ "O_EXCL", 0200 },	   { "O_NOCTTY", 0400 },       { "O_TRUNC", 01000 },
	{ "O_APPEND", 02000 },	   { "O_NONBLOCK", 04000 },    { "O_DSYNC", 010000 },
	{ "O_DIRECT", 040000 },	   { "O_LARGEFILE", 0100000 }, { "O_DIRECTORY", 0200000 },
	{ "O_NOFOLLOW", 0400000 }, { "O_NOATIME", 01000000 },  { "O_CLOEXEC", 02000000 },
	{ "O_SYNC", 04010000 },	   { "O_PATH", 010000000 },    { "O_TMPFILE", 020200000 },
};

static int set_open_flag(struct cli *out, const char *arg)
{
	for (size_t i = 0; i < sizeof(open_flags) / sizeof(open_flags[0]); i++)
		if (!strcasecmp(arg, open_flags[i].name) ||
		    !strcasecmp(arg, open_flags[i].name + 2)) {
			out->open_flags |= open_flags[i].bit;
			return 0;
		}
	return -EINVAL;
}

static int set_path(struct cli *out, const char *arg)
{
	size_t len = strlen(arg);

	if (arg[0] != '/' || len > 255 || out->nr_paths >= CLI_MAX_PATHS)
		return -EINVAL;
	out->paths[out->nr_paths++] = arg;
	return 0;
}

/* Check arg as a value of d and store it: 0, or -EINVAL. */
static int store(const struct optdef *d, const char *arg, struct cli *out)
{
	void *field = (char *)out + d->off;
	uint64_t v;
	size_t len;

	switch (d->kind) {
	case KIND_FLAG:
		*(bool *)field = true;
		return 0;
	case KIND_INT:
	case KIND_SIZE:
		if (parse_u64(arg, d->max, &v) || v < d->min)
			return -EINVAL;
		if (d->kind == KIND_INT)
			*(int *)field = (int)v;
		else
			*(size_t *)field = (size_t)v;
		return 0;
	case KIND_SECONDS:
		return parse_seconds(arg, (double *)field);
	case KIND_STRING:
		len = strlen(arg);
		if (len < d->min || (d->max && len > d->max))
			return -EINVAL;
		*(const char **)field = arg;
		return 0;
	case KIND_IDS:
		return add_id((uint32_t *)field, (size_t *)((char *)out + d->nr_off), arg);
	case KIND_CHOICE:
		for (size_t i = 0; i < 2; i++)
			if (!strcmp(arg, d->words[i])) {
				*(bool *)field = i == 1;
				return 0;
			}
		return -EINVAL;
	case KIND_SET:
		return d->set(out, arg);
	case KIND_HELP:
		break;
	}
	return 0;
}

static bool named(const struct optdef *d, const char *name)
{
	return (d->name && !strcmp(d->name, name)) || (d->alias && !strcmp(d->alias, name));
}

/*
 * The row a letter (or, letter 0, a long name) stands for in cmd: of the
 * rows that share it, the one cmd takes, else the first, whose arguments
 * getopt then expects before we say it does not apply.
 */
static const struct optdef *pick(const struct cli_cmd *cmd, char letter, const char *name)
{
	const struct optdef *first = NULL;

	for (size_t i = 0; i < NR_OPTDEFS; i++) {
		const struct optdef *d = &optdefs[i];
		bool match = letter ? d->letter == letter : named(d, name);

		if (!match)
			continue;
		if (takes(cmd, d))
			return d;
		if (!first)
			first = d;
	}
	return first;
}

/*
 * What getopt returns for d's long names: its letter if no other row has
 * it (--pid is -p), else 256 + the row's index, past every letter (so that
 * --pids and --previous are not one -P).
 */
static int long_val(const struct optdef *d)
{
	int row = 256 + (int)(d - optdefs);

	if (!d->letter)
		return row;
	for (size_t i = 0; i < NR_OPTDEFS; i++)
		if (&optdefs[i] != d && optdefs[i].letter == d->letter)
			return row;
	return d->letter;
}

/* getopt's view of cmd: every option of the table, each name as cmd means it. */
struct getopt_spec {
	char shortopts[3 + 2 * NR_OPTDEFS];
	struct option longopts[2 * NR_OPTDEFS + 1];
};

static void spec__build(struct getopt_spec *g, const struct cli_cmd *cmd)
{
	char *s = g->shortopts;
	size_t n = 0;

	/* A command line or a subcommand ends our options: its own are not ours. */
	if ((cmd->opts & OPT_COMMAND) || cmd->subs)
		*s++ = '+';
	*s++ = ':';
	for (size_t i = 0; i < NR_OPTDEFS; i++) {
		const struct optdef *d = &optdefs[i];
		const char *names[2] = { d->name, d->alias };

		if (d->letter && pick(cmd, d->letter, NULL) == d) {
			*s++ = d->letter;
			if (d->arg)
				*s++ = ':';
		}
		for (size_t k = 0; k < 2; k++)
			if (names[k] && pick(cmd, 0, names[k]) == d)
				g->longopts[n++] =
					(struct option){ names[k],
							 d->arg ? required_argument : no_argument,
							 NULL, long_val(d) };
	}
	*s = 0;
	g->longopts[n] = (struct option){ NULL, 0, NULL, 0 };
}

/* The row of what getopt returned. */
static const struct optdef *row_of(const struct cli_cmd *cmd, int c)
{
	return c >= 256 ? &optdefs[c - 256] : pick(cmd, (char)c, NULL);
}

/*
 * Name the option as given (long_name: the long name getopt matched, or
 * NULL), not its value: argv[optind - 1] may be either.
 */
static void name_given(const struct cli_cmd *cmd, int c, const char *long_name, char **argv,
		       char *buf, size_t size)
{
	if (!c)
		snprintf(buf, size, "%s", argv[optind - 1]);
	else if (c < 256)
		snprintf(buf, size, "-%c", c);
	else
		snprintf(buf, size, "--%s", long_name ? long_name : row_of(cmd, c)->name);
}

/* One option getopt returned: 0, 1 after --help, or EXIT_USAGE. */
static int parse_option(const struct parse *p, int c, const char *long_name, char **argv,
			struct cli *out)
{
	const struct optdef *d;
	char given[64];

	if (c == ':' || c == '?') {
		name_given(p->cmd, optopt, NULL, argv, given, sizeof(given));
		return usage_error(
			p, c == ':' ? "option '%s' needs a value" : "unknown option '%s'", given);
	}
	d = row_of(p->cmd, c);
	if (!takes(p->cmd, d)) {
		name_given(p->cmd, c, long_name, argv, given, sizeof(given));
		return usage_error(p, "option '%s' does not apply to this command", given);
	}
	if (d->kind == KIND_HELP) {
		help(p->cmd, p->path, stdout);
		return 1;
	}
	if (store(d, optarg, out))
		return usage_error(p, d->bad, optarg);
	return 0;
}

/* The options of p->cmd, up to what follows them (argv[optind] on). */
static int parse_options(struct parse *p, int argc, char **argv, struct cli *out)
{
	struct getopt_spec g = { .shortopts = { 0 } };
	int c, ret, longidx = -1;

	spec__build(&g, p->cmd);
	/* Known before any error, wherever --json stands. */
	p->json_errors = false;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			p->json_errors = (p->cmd->opts & OPT_JSON) != 0;
	/* 0, not 1: glibc then forgets the last parse (its '+' mode, a half-read "-hT"). */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, g.shortopts, g.longopts, &longidx)) != -1) {
		ret = parse_option(p, c, longidx >= 0 ? g.longopts[longidx].name : NULL, argv, out);
		if (ret)
			return ret;
		longidx = -1;
	}
	return 0;
}

/* What follows the options: interval [count], min_us, or another command line. */
static int parse_positional(const struct parse *p, int argc, char **argv, struct cli *out)
{
	uint64_t opts = p->cmd->opts;

	if (opts & OPT_COMMAND) {
		out->rest = argv + optind;
		out->nr_rest = argc - optind;
		return 0;
	}
	if (optind < argc && (opts & OPT_MIN_US)) {
		if (parse_u64(argv[optind], UINT64_MAX / 1000, &out->min_us))
			return usage_error(p, "invalid min_us '%s' (an integer >= 0)",
					   argv[optind]);
		optind++;
	}
	if (optind < argc && !(opts & OPT_INTERVAL))
		return usage_error(p, "unexpected argument '%s'", argv[optind]);
	if (optind < argc && parse_seconds(argv[optind++], &out->interval_s))
		return usage_error(p, "invalid interval '%s' (seconds > 0)", argv[optind - 1]);
	if (optind < argc) {
		if (parse_u64(argv[optind], UINT32_MAX, &out->count) || out->count == 0)
			return usage_error(p, "invalid count '%s' (an integer > 0)", argv[optind]);
		optind++;
	}
	if (optind < argc)
		return usage_error(p, "unexpected argument '%s'", argv[optind]);
	if ((out->per_pid + out->per_tid + out->per_cpu) > 1)
		return usage_error(p, "%s", "-P, -L and --cpu are alternatives: choose one");
	return 0;
}

/* "unknown analysis 'x' (top, cpus or info)": the names from the tree. */
static int unknown_sub(const struct parse *p, const char *name)
{
	const struct cli_cmd *cmd = p->cmd;
	char names[256] = "", msg[512];
	size_t len = 0;

	for (size_t i = 0; i < cmd->nr_subs && len < sizeof(names); i++)
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
					!i		       ? ""
					: i + 1 < cmd->nr_subs ? ", "
							       : " or ",
					cmd->subs[i].name);
	snprintf(msg, sizeof(msg), "unknown %s '%s' (%s)", cmd->sub_noun, name, names);
	report_error(msg, p->json_errors ? stdout : NULL);
	return EXIT_USAGE;
}

static int parse_node(struct parse *p, int argc, char **argv, struct cli *out);

/*
 * The subcommand named at argv[optind], and the rest of the line as its
 * own. With none, the parent says what it needs when it runs.
 */
static int parse_sub(struct parse *p, int argc, char **argv, struct cli *out)
{
	const struct cli_cmd *parent = p->cmd;
	const struct cli_cmd *sub = NULL;
	char path[sizeof(p->path)];

	if (optind >= argc)
		return 0;
	for (size_t i = 0; i < parent->nr_subs && !sub; i++)
		if (!strcmp(parent->subs[i].name, argv[optind]))
			sub = &parent->subs[i];
	if (!sub)
		return unknown_sub(p, argv[optind]);
	if (snprintf(path, sizeof(path), "%s%s%s %s", p->path, parent->sub_lead ? " " : "",
		     parent->sub_lead ? parent->sub_lead : "", sub->name) >= (int)sizeof(path))
		path[sizeof(path) - 1] = 0; /* names of our own: never so long */
	memcpy(p->path, path, sizeof(path));
	p->cmd = sub;
	out->sub = sub->id;
	return parse_node(p, argc - optind, argv + optind, out);
}

static int parse_node(struct parse *p, int argc, char **argv, struct cli *out)
{
	int ret = parse_options(p, argc, argv, out);

	if (ret)
		return ret;
	if (p->cmd->subs)
		return parse_sub(p, argc, argv, out);
	return parse_positional(p, argc, argv, out);
}

/*
 * Down the command tree, one node at a time: getopt over the node's
 * options (spec__build: every row of the table, as this node means it),
 * each value checked and stored by its row (store); then, at a node with
 * subcommands, the next word names one and its part of the line is parsed
 * the same way into the same struct cli; at a leaf, the positional
 * arguments.
 */
int cli__parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli *out)
{
	struct parse p = { .cmd = cmd };

	snprintf(p.path, sizeof(p.path), "%s", cmd->name);
	memset(out, 0, sizeof(*out));
	out->cpu = -1;
	out->rows = 20;
	out->max_tasks = 65536;
	out->min_us = 10000;
	out->top = 10;
	out->sub = -1;
	out->uid = -1;
	out->max_args = 20;
	return parse_node(&p, argc, argv, out);
}
