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

enum { LONG_BY = 256, LONG_IDLE, LONG_MAX_TASKS, LONG_PER_CPU, LONG_FROM, LONG_THRESHOLD, LONG_SPLIT,
       LONG_PIDS, LONG_PREVIOUS, LONG_FORMAT, LONG_BUFFER };

static const struct {
	unsigned int bit;
	const char *help;
} opt_help[] = {
	{ OPT_PID, "  -p, --pid PID        only this process (all its threads); repeatable\n" },
	{ OPT_TID, "  -t, --tid TID        only this thread; repeatable\n" },
	{ OPT_COMM, "  -c, --comm COMM      only tasks whose name starts with COMM\n" },
	{ OPT_CPU, "  -C, --cpu CPU        only what happens on this CPU\n" },
	{ OPT_SORT, "  -s, --sort FIELD     cpu (default), pid, tid, comm, vcsw, ivcsw, wakeups,\n"
		    "                       migr, runq, runqmax\n" },
	{ OPT_ROWS, "  -n, --rows N         show N rows (default 20, 0 = all)\n" },
	{ OPT_BY, "      --by KEY         aggregate by pid (default), tid or comm\n" },
	{ OPT_IDLE, "      --idle           show each CPU's idle task (hidden by default)\n" },
	{ OPT_MAX_TASKS, "      --max-tasks N    threads tracked at most (default 65536)\n" },
	{ OPT_DURATION, "  -d, --duration SECS  stop after SECS seconds\n" },
	{ OPT_TIMESTAMP, "  -T, --timestamp      print the time of each report\n" },
	{ OPT_JSON, "  -j, --json           one JSON object per report (docs/json.md)\n" },
	{ OPT_MS, "  -m, --milliseconds   histograms in milliseconds (default microseconds)\n" },
	{ OPT_PER_PID, "  -P, --pids           a histogram per process\n" },
	{ OPT_PER_TID, "  -L, --tids           a histogram per thread\n" },
	{ OPT_PER_CPU, "      --cpu            a histogram per CPU (the CPU the wait ended on)\n" },
	{ OPT_PREV, "  -P, --previous       also the task that ran before (PREV COMM, PREV TID)\n" },
	{ OPT_FROM, "      --from EVENT     a wait after a wakeup starts at: wakeup (default, the\n"
		    "                       enqueue, as bcc) or waking (the waker's side, with the\n"
		    "                       wakeup path; two clock reads per wakeup)\n" },
	{ OPT_SPLIT, "      --split          a histogram for each kind of wait, not only the sum\n" },
	{ OPT_THRESHOLD, "      --threshold MS   report waits of at least MS milliseconds\n" },
	{ OPT_EVENTS, "  -e, --events LIST    kinds of event, comma-separated: switch, waking, wakeup,\n"
		      "                       new, migrate, fork, exec, exit, prio, rename; all;\n"
		      "                       default (all but wakeup, which follows every waking)\n" },
	{ OPT_OUTPUT, "  -o, --output FILE    write to FILE\n" },
	{ OPT_INPUT, "  -i, --input FILE     read the recording FILE\n" },
	{ OPT_FORCE, "  -f, --force          replace FILE if it exists\n" },
	{ OPT_FORMAT, "      --format FMT     systrace (ftrace text, for Perfetto) or chrome-json\n" },
	{ OPT_WAKEUPS, "  -w, --wakeups        also a line per wakeup\n" },
	{ OPT_MIGRATIONS, "  -M, --migrations     also a line per migration\n" },
	{ OPT_BUFFER, "      --buffer MB      ring buffer size in MiB (a power of two, default 16)\n" },
};

/* With --json, errors also go to stdout as objects, so a consumer sees why the stream ended. */
static bool json_errors;

static void json_error(const char *msg)
{
	if (!json_errors)
		return;
	fputs("{\"type\":\"error\",\"message\":", stdout);
	json__write_string(stdout, msg, strlen(msg));
	fputs("}\n", stdout);
	fflush(stdout);
}

void cli__err(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "schedscope: %s\n", msg);
	json_error(msg);
}

void cli__help(const struct cli_cmd *cmd, FILE *f)
{
	fprintf(f, "Usage: schedscope %s %s\n\n%s\n\nOptions:\n", cmd->name, cmd->usage,
		cmd->summary);
	for (size_t i = 0; i < sizeof(opt_help) / sizeof(opt_help[0]); i++)
		if (cmd->opts & opt_help[i].bit)
			fputs(opt_help[i].help, f);
	fputs("  -v, --verbose        show libbpf's messages, load time and\n"
	      "                       instructions verified per program\n"
	      "  -h, --help           this help\n",
	      f);
	if (cmd->opts & OPT_INTERVAL)
		fputs("\n  interval [count]     a report every interval seconds covering that interval\n"
		      "                       only, count times; without it one report at the end\n",
		      f);
	if (cmd->extra_help)
		fprintf(f, "\n%s", cmd->extra_help);
}

static int usage_error(const struct cli_cmd *cmd, const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	cli__err("%s", msg);
	fprintf(stderr, "Usage: schedscope %s %s\nTry 'schedscope %s --help'.\n", cmd->name,
		cmd->usage, cmd->name);
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

int cli__parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli *out)
{
	static const struct option all_longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "tid", required_argument, NULL, 't' },
		{ "comm", required_argument, NULL, 'c' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "sort", required_argument, NULL, 's' },
		{ "rows", required_argument, NULL, 'n' },
		{ "by", required_argument, NULL, LONG_BY },
		{ "idle", no_argument, NULL, LONG_IDLE },
		{ "max-tasks", required_argument, NULL, LONG_MAX_TASKS },
		{ "milliseconds", no_argument, NULL, 'm' },
		{ "pids", no_argument, NULL, LONG_PIDS },
		{ "tids", no_argument, NULL, 'L' },
		{ "per-cpu", no_argument, NULL, LONG_PER_CPU },
		{ "previous", no_argument, NULL, LONG_PREVIOUS },
		{ "from", required_argument, NULL, LONG_FROM },
		{ "threshold", required_argument, NULL, LONG_THRESHOLD },
		{ "split", no_argument, NULL, LONG_SPLIT },
		{ "events", required_argument, NULL, 'e' },
		{ "output", required_argument, NULL, 'o' },
		{ "input", required_argument, NULL, 'i' },
		{ "force", no_argument, NULL, 'f' },
		{ "format", required_argument, NULL, LONG_FORMAT },
		{ "wakeups", no_argument, NULL, 'w' },
		{ "migrations", no_argument, NULL, 'M' },
		{ "buffer", required_argument, NULL, LONG_BUFFER },
		{ "duration", required_argument, NULL, 'd' },
		{ "timestamp", no_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct {
		int opt;
		unsigned int bit;
	} needs[] = {
		{ 'p', OPT_PID },	{ 't', OPT_TID },	 { 'c', OPT_COMM },
		{ 'C', OPT_CPU },	{ 's', OPT_SORT },	 { 'n', OPT_ROWS },
		{ LONG_BY, OPT_BY },	{ LONG_IDLE, OPT_IDLE }, { LONG_MAX_TASKS, OPT_MAX_TASKS },
		{ 'd', OPT_DURATION },	{ 'T', OPT_TIMESTAMP },	 { 'j', OPT_JSON },
		{ 'm', OPT_MS },	{ 'L', OPT_PER_TID },	 { LONG_PIDS, OPT_PER_PID },
		{ LONG_PER_CPU, OPT_PER_CPU }, { LONG_PREVIOUS, OPT_PREV }, { LONG_FROM, OPT_FROM },
		{ LONG_THRESHOLD, OPT_THRESHOLD }, { LONG_SPLIT, OPT_SPLIT },
		{ 'e', OPT_EVENTS },	{ 'o', OPT_OUTPUT },	 { 'i', OPT_INPUT },
		{ 'f', OPT_FORCE },	{ LONG_FORMAT, OPT_FORMAT }, { 'w', OPT_WAKEUPS },
		{ 'M', OPT_MIGRATIONS }, { LONG_BUFFER, OPT_BUFFER },
	};
	struct option longopts[sizeof(all_longopts) / sizeof(all_longopts[0])];
	/* A command or an analysis ends our options: its own are not ours ('+'). */
	const char *optstring = (cmd->opts & (OPT_COMMAND | OPT_ANALYSIS))
					? "+:p:t:c:C:s:n:d:TjvhmPLe:o:i:fwM"
					: ":p:t:c:C:s:n:d:TjvhmPLe:o:i:fwM";
	const char *bad;
	uint64_t v;
	int c, longidx = 0;

	memset(out, 0, sizeof(*out));
	/*
	 * bcc's letters win over the rule that an option means one thing: -P is
	 * runqlat's per-process and runqslower's previous task, and runqlat's
	 * --cpu (it has no -C) asks for a histogram per CPU.
	 */
	memcpy(longopts, all_longopts, sizeof(longopts));
	for (size_t i = 0; longopts[i].name; i++)
		if (!strcmp(longopts[i].name, "cpu") && (cmd->opts & OPT_PER_CPU)) {
			longopts[i].has_arg = no_argument;
			longopts[i].val = LONG_PER_CPU;
		}
	/* Known before any error, wherever --json stands. */
	json_errors = false;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			json_errors = (cmd->opts & OPT_JSON) != 0;
	out->cpu = -1;
	out->rows = 20;
	out->max_tasks = 65536;
	/* 0, not 1: glibc then forgets the last parse (its '+' mode, a half-read "-hT"). */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, &longidx)) != -1) {
		char optname[3] = { '-', (char)optopt, 0 };
		char given[32];

		/* Name the option as given, not its value (argv[optind - 1] may be either). */
		if (c < 256)
			snprintf(given, sizeof(given), "-%c", c);
		else
			snprintf(given, sizeof(given), "--%s", longopts[longidx].name);
		if (c == 'P')
			c = (cmd->opts & OPT_PREV) ? LONG_PREVIOUS : LONG_PIDS;
		for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++)
			if (needs[i].opt == c && !(cmd->opts & needs[i].bit))
				return usage_error(cmd, "option '%s' does not apply to this command",
						   given);
		switch (c) {
		case 'p':
			if (add_id(out->pids, &out->nr_pids, optarg))
				return usage_error(cmd, "invalid PID '%s'", optarg);
			break;
		case 't':
			if (add_id(out->tids, &out->nr_tids, optarg))
				return usage_error(cmd, "invalid TID '%s'", optarg);
			break;
		case 'c':
			if (!*optarg || strlen(optarg) > 15)
				return usage_error(cmd, "invalid COMM '%s' (1 to 15 bytes)", optarg);
			out->comm = optarg;
			break;
		case 'C':
			if (parse_u64(optarg, 65535, &v))
				return usage_error(cmd, "invalid CPU '%s'", optarg);
			out->cpu = (int)v;
			break;
		case 's':
			out->sort = optarg;
			break;
		case 'n':
			if (parse_u64(optarg, 1u << 30, &v))
				return usage_error(cmd, "invalid row count '%s'", optarg);
			out->rows = (size_t)v;
			break;
		case LONG_BY:
			out->by = optarg;
			break;
		case LONG_IDLE:
			out->idle = true;
			break;
		case LONG_MAX_TASKS:
			if (parse_u64(optarg, 1u << 24, &v) || v == 0)
				return usage_error(cmd, "invalid --max-tasks '%s' (1 to 16777216)",
						   optarg);
			out->max_tasks = (size_t)v;
			break;
		case 'd':
			if (parse_seconds(optarg, &out->duration_s))
				return usage_error(cmd, "invalid duration '%s' (seconds > 0)", optarg);
			break;
		case 'T':
			out->timestamp = true;
			break;
		case 'j':
			out->json = true;
			break;
		case 'v':
			out->verbose = true;
			break;
		case 'm':
			out->ms = true;
			break;
		case LONG_PIDS:
			out->per_pid = true;
			break;
		case 'L':
			out->per_tid = true;
			break;
		case LONG_PER_CPU:
			out->per_cpu = true;
			break;
		case LONG_PREVIOUS:
			out->prev = true;
			break;
		case LONG_SPLIT:
			out->split = true;
			break;
		case LONG_FROM:
			if (!strcmp(optarg, "waking"))
				out->from_waking = true;
			else if (strcmp(optarg, "wakeup") != 0)
				return usage_error(cmd, "invalid --from '%s' (wakeup or waking)",
						   optarg);
			break;
		case LONG_THRESHOLD:
			if (parse_seconds(optarg, &out->threshold_ms))
				return usage_error(cmd, "invalid threshold '%s' (milliseconds > 0)",
						   optarg);
			break;
		case 'e':
			if (sev__parse_mask(optarg, &out->ev_mask, &bad))
				return usage_error(cmd, "unknown event kind in '%s' (see --help)", optarg);
			break;
		case 'o':
			if (!*optarg)
				return usage_error(cmd, "%s", "empty output file name");
			out->output = optarg;
			break;
		case 'i':
			if (!*optarg)
				return usage_error(cmd, "%s", "empty input file name");
			out->input = optarg;
			break;
		case 'f':
			out->force = true;
			break;
		case LONG_FORMAT:
			out->format = optarg;
			break;
		case 'w':
			out->wakeups = true;
			break;
		case 'M':
			out->migrations = true;
			break;
		case LONG_BUFFER:
			if (parse_u64(optarg, CLI_MAX_BUFFER_MB, &v) || v == 0 || (v & (v - 1)))
				return usage_error(cmd,
						   "invalid --buffer '%s' (MiB, a power of two up to "
						   CLI_STR(CLI_MAX_BUFFER_MB) ")",
						   optarg);
			out->buffer_mb = (size_t)v;
			break;
		case 'h':
			cli__help(cmd, stdout);
			return 1;
		case ':':
			return usage_error(cmd, "option '%s' needs a value",
					   optopt ? optname : argv[optind - 1]);
		default:
			return usage_error(cmd, "unknown option '%s'",
					   optopt ? optname : argv[optind - 1]);
		}
	}
	out->min_us = 10000;
	if (cmd->opts & (OPT_COMMAND | OPT_ANALYSIS)) {
		out->rest = argv + optind;
		out->nr_rest = argc - optind;
		return 0;
	}
	if (optind < argc && (cmd->opts & OPT_MIN_US)) {
		if (parse_u64(argv[optind], UINT64_MAX / 1000, &out->min_us))
			return usage_error(cmd, "invalid min_us '%s' (an integer >= 0)", argv[optind]);
		optind++;
	}
	if (optind < argc && !(cmd->opts & OPT_INTERVAL))
		return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if (optind < argc && parse_seconds(argv[optind++], &out->interval_s))
		return usage_error(cmd, "invalid interval '%s' (seconds > 0)", argv[optind - 1]);
	if (optind < argc) {
		if (parse_u64(argv[optind], UINT32_MAX, &out->count) || out->count == 0)
			return usage_error(cmd, "invalid count '%s' (an integer > 0)", argv[optind]);
		optind++;
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if ((out->per_pid + out->per_tid + out->per_cpu) > 1)
		return usage_error(cmd, "%s", "-P, -L and --cpu are alternatives: choose one");
	return 0;
}
