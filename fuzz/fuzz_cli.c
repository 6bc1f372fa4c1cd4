// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the option parser (src/cli.c) on any command line.
 *
 * Input: up to two lines. Each line's first byte picks a command from the
 * table below (the opts of src/main.c's commands, report with its analyses
 * as subcommands), the rest is its arguments, split at spaces, tabs and
 * NULs. The last line is parsed twice: once after a full reset of getopt,
 * once right after the first line was parsed (`report -i F top ...` runs
 * getopt twice in one parse). Both must agree: a parse may not depend on
 * the one before.
 * Besides, a successful parse must be in range.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(fuzz_log, "fuzz_cli: %s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                                          \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* For check_same(): what a difference means. */
#define SAME(cond)                                                                          \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(fuzz_log,                                                   \
				"fuzz_cli: %s:%d: check failed: cli__parse depends on the " \
				"parse before it: %s\n",                                    \
				__FILE__, __LINE__, #cond);                                 \
			abort();                                                            \
		}                                                                           \
	} while (0)

#define MAX_WORDS 40

static FILE *fuzz_log;

static int run_nothing(const struct cli *cli)
{
	(void)cli;
	return 0;
}

/* The opts of src/main.c's commands; keep in step. */
#define CMD(n, o)                                                                        \
	{                                                                                \
		.name = (n), .usage = "", .summary = "", .opts = (o), .run = run_nothing \
	}
#define TOP_OPTS                                                                                  \
	(OPT_PID | OPT_TID | OPT_COMM | OPT_SORT | OPT_ROWS | OPT_BY | OPT_IDLE | OPT_MAX_TASKS | \
	 OPT_TIMESTAMP | OPT_JSON | OPT_INTERVAL)
#define CPUS_OPTS (OPT_CPU | OPT_TIMESTAMP | OPT_JSON | OPT_INTERVAL)
#define RUNQLAT_OPTS                                                                       \
	(OPT_PID | OPT_TID | OPT_COMM | OPT_MS | OPT_PER_PID | OPT_PER_TID | OPT_PER_CPU | \
	 OPT_SPLIT | OPT_MAX_TASKS | OPT_TIMESTAMP | OPT_JSON | OPT_INTERVAL)
#define RUNQSLOWER_OPTS (OPT_PID | OPT_TID | OPT_COMM | OPT_PREV | OPT_JSON | OPT_MIN_US)

static const struct cli_cmd analyses[] = {
	{ .name = "top", .usage = "", .summary = "", .opts = TOP_OPTS, .id = 0 },
	{ .name = "cpus", .usage = "", .summary = "", .opts = CPUS_OPTS, .id = 1 },
	{ .name = "runqlat", .usage = "", .summary = "", .opts = RUNQLAT_OPTS, .id = 2 },
	{ .name = "runqslower", .usage = "", .summary = "", .opts = RUNQSLOWER_OPTS, .id = 3 },
	{ .name = "info", .usage = "", .summary = "", .opts = 0, .id = 4 },
};

static const struct cli_cmd cmds[] = {
	CMD("top", TOP_OPTS | OPT_CPU | OPT_DURATION),
	CMD("cpus", CPUS_OPTS | OPT_DURATION),
	CMD("runqlat", RUNQLAT_OPTS | OPT_FROM | OPT_DURATION),
	CMD("runqslower", RUNQSLOWER_OPTS | OPT_DURATION),
	CMD("starve", OPT_PID | OPT_TID | OPT_COMM | OPT_THRESHOLD | OPT_DURATION | OPT_JSON),
	CMD("inversion", OPT_THRESHOLD | OPT_DURATION | OPT_JSON),
	CMD("trace", OPT_PID | OPT_TID | OPT_COMM | OPT_CPU | OPT_EVENTS | OPT_BUFFER |
			     OPT_DURATION | OPT_JSON),
	CMD("record", OPT_OUTPUT | OPT_FORCE | OPT_PID | OPT_TID | OPT_COMM | OPT_CPU | OPT_EVENTS |
			      OPT_BUFFER | OPT_DURATION | OPT_COMMAND),
	{ .name = "report",
	  .usage = "",
	  .summary = "",
	  .opts = OPT_INPUT,
	  .run = run_nothing,
	  .subs = analyses,
	  .nr_subs = sizeof(analyses) / sizeof(analyses[0]),
	  .sub_noun = "analysis",
	  .sub_lead = "-i FILE" },
	CMD("timehist", OPT_INPUT | OPT_PID | OPT_TID | OPT_COMM | OPT_CPU | OPT_WAKEUPS |
				OPT_MIGRATIONS | OPT_JSON),
	CMD("export", OPT_INPUT | OPT_OUTPUT | OPT_FORMAT | OPT_FORCE),
	/* report's analyses on their own too: the corpus's first bytes keep their meaning */
	CMD("top", TOP_OPTS),
	CMD("cpus", CPUS_OPTS),
	CMD("runqlat", RUNQLAT_OPTS),
	CMD("runqslower", RUNQSLOWER_OPTS),
	CMD("info", 0),
	/* the stream commands, whose letters are bcc's, tool by tool */
	CMD("opensnoop", OPT_PID | OPT_TID | OPT_COMM | OPT_STREAM | OPT_OPENSNOOP | OPT_TIMESTAMP |
				 OPT_PRINT_UID | OPT_MAX_KEYS | OPT_BUFFER | OPT_DURATION |
				 OPT_JSON | OPT_INTERVAL),
	CMD("execsnoop", OPT_PID | OPT_COMM | OPT_STREAM | OPT_EXECSNOOP | OPT_PRINT_UID |
				 OPT_MAX_KEYS | OPT_BUFFER | OPT_DURATION | OPT_JSON |
				 OPT_INTERVAL),
	CMD("exitsnoop", OPT_PID | OPT_COMM | OPT_STREAM | OPT_EXITSNOOP | OPT_MAX_KEYS |
				 OPT_BUFFER | OPT_DURATION | OPT_JSON | OPT_INTERVAL),
};

#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

/* One command line: its words, each in a buffer of its own size (ASan sees overreads). */
struct line {
	const struct cli_cmd *cmd;
	char *words[MAX_WORDS + 1];
	int nr;
};

static void line__split(struct line *l, const uint8_t *p, size_t n)
{
	size_t i = 1;

	memset(l, 0, sizeof(*l));
	l->cmd = &cmds[n ? p[0] % NR_CMDS : 0];
	l->words[l->nr++] = strdup(l->cmd->name);
	while (i < n && l->nr < MAX_WORDS) {
		size_t start;

		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i >= n)
			break;
		start = i;
		while (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != 0)
			i++;
		/* A NUL ends a word and may end an empty one: "" is an argument too. */
		l->words[l->nr] = malloc(i - start + 1);
		CHECK(l->words[l->nr]);
		memcpy(l->words[l->nr], p + start, i - start);
		l->words[l->nr++][i - start] = 0;
		if (i < n && p[i] == 0)
			i++;
	}
}

static void line__free(struct line *l)
{
	for (int i = 0; i < l->nr; i++)
		free(l->words[i]);
}

/* argv as main() gets it, fresh: getopt permutes it, and cli.rest points into it. */
struct parse {
	char *argv[MAX_WORDS + 1];
	struct cli cli;
	int ret;
};

static void parse__run(struct parse *p, const struct line *l)
{
	memcpy(p->argv, l->words, sizeof(p->argv));
	p->argv[l->nr] = NULL;
	p->ret = cli__parse(l->cmd, l->nr, p->argv, &p->cli);
	CHECK(p->ret == 0 || p->ret == 1 || p->ret == EXIT_USAGE);
}

/*
 * getopt as a new process has it before cmd's parse: optind = 0 makes glibc
 * start over, and its first call fixes the ordering ('+': stop at the first
 * argument that is not an option, as cli.c asks for commands that take
 * another command line; else permute) until the next start-over.
 */
static void getopt_reset(const struct cli_cmd *cmd)
{
	char *argv[] = { (char *)"reset", NULL };

	optind = 0;
	opterr = 0;
	CHECK(getopt_long(1, argv, ((cmd->opts & OPT_COMMAND) || cmd->subs) ? "+" : "", NULL,
			  NULL) == -1);
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void check_same(const struct parse *a, const struct parse *b)
{
	const struct cli *x = &a->cli, *y = &b->cli;

	SAME(a->ret == b->ret);
	if (a->ret)
		return;
	SAME(x->nr_pids == y->nr_pids &&
	     !memcmp(x->pids, y->pids, x->nr_pids * sizeof(x->pids[0])));
	SAME(x->nr_tids == y->nr_tids &&
	     !memcmp(x->tids, y->tids, x->nr_tids * sizeof(x->tids[0])));
	SAME(same_str(x->comm, y->comm) && same_str(x->sort, y->sort) && same_str(x->by, y->by));
	SAME(same_str(x->output, y->output) && same_str(x->input, y->input) &&
	     same_str(x->format, y->format));
	SAME(x->cpu == y->cpu && x->rows == y->rows && x->idle == y->idle);
	SAME(x->duration_s == y->duration_s && x->interval_s == y->interval_s &&
	     x->threshold_ms == y->threshold_ms);
	SAME(x->timestamp == y->timestamp && x->json == y->json && x->verbose == y->verbose);
	SAME(x->max_tasks == y->max_tasks && x->count == y->count && x->min_us == y->min_us);
	SAME(x->ms == y->ms && x->per_pid == y->per_pid && x->per_tid == y->per_tid &&
	     x->per_cpu == y->per_cpu && x->prev == y->prev && x->from_waking == y->from_waking &&
	     x->split == y->split);
	SAME(x->ev_mask == y->ev_mask && x->force == y->force && x->wakeups == y->wakeups &&
	     x->migrations == y->migrations && x->ring_kb == y->ring_kb);
	SAME(x->nr_rest == y->nr_rest && x->sub == y->sub);
	SAME(x->nr_paths == y->nr_paths && x->uid == y->uid && x->open_flags == y->open_flags &&
	     x->max_args == y->max_args && x->short_ms == y->short_ms &&
	     same_str(x->line, y->line));
	for (size_t i = 0; i < x->nr_paths; i++)
		SAME(same_str(x->paths[i], y->paths[i]));
	SAME(x->failed == y->failed && x->extended == y->extended && x->full_path == y->full_path &&
	     x->print_uid == y->print_uid && x->count_mode == y->count_mode &&
	     x->per_process == y->per_process && x->rw == y->rw && x->clock == y->clock &&
	     x->elapsed == y->elapsed && x->quote == y->quote && x->threaded == y->threaded);
	for (int i = 0; i < x->nr_rest; i++)
		SAME(same_str(x->rest[i], y->rest[i]));
}

static void check_ranges(const struct parse *p, const struct line *l)
{
	const struct cli *c = &p->cli;

	if (p->ret)
		return;
	CHECK(c->nr_pids <= CLI_MAX_IDS && c->nr_tids <= CLI_MAX_IDS);
	CHECK(c->cpu >= -1 && c->cpu <= 65535);
	CHECK(c->per_pid + c->per_tid + c->per_cpu <= 1);
	CHECK(c->nr_rest >= 0 && c->nr_rest < l->nr);
	CHECK(c->sub >= -1 && c->sub < 5);
	if (c->nr_rest)
		CHECK(c->rest && c->rest[c->nr_rest] == NULL);
	if (c->comm)
		CHECK(strlen(c->comm) >= 1 && strlen(c->comm) <= 15);
	if (c->ring_kb)
		CHECK(!(c->ring_kb & (c->ring_kb - 1)) && c->ring_kb >= CLI_MIN_BUFFER_KB &&
		      c->ring_kb <= (size_t)CLI_MAX_BUFFER_MB << 10);
	CHECK(c->duration_s >= 0 && c->interval_s >= 0 && c->threshold_ms >= 0);
	/* The stream commands' values: what their BPF side's fixed tables hold. */
	CHECK(c->nr_paths <= CLI_MAX_PATHS && c->uid >= -1 && c->uid < (int64_t)UINT32_MAX);
	for (size_t i = 0; i < c->nr_paths; i++)
		CHECK(c->paths[i][0] == '/' && strlen(c->paths[i]) <= 255);
	CHECK(c->max_args >= 1 && c->max_args <= CLI_MAX_ARGS && c->short_ms >= 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/*
	 * cli.c reports to stdout (--help, JSON errors) and stderr through stdio:
	 * silence both, so that a run is not a flood. libFuzzer and the
	 * sanitizers keep their own handles on fd 2, and this file reports there.
	 */
	fuzz_log = fdopen(dup(2), "w");
	if (!fuzz_log)
		abort();
	setvbuf(fuzz_log, NULL, _IONBF, 0);
	stdout = fopen("/dev/null", "w");
	stderr = fopen("/dev/null", "w");
	if (!stdout || !stderr)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	struct line first, last;
	struct parse fresh, after;

	if (nl) {
		line__split(&first, data, (size_t)(nl - data));
		line__split(&last, nl + 1, size - (size_t)(nl - data) - 1);
	} else {
		memset(&first, 0, sizeof(first));
		line__split(&last, data, size);
	}
	getopt_reset(last.cmd);
	parse__run(&fresh, &last);
	check_ranges(&fresh, &last);

	getopt_reset(first.nr ? first.cmd : last.cmd);
	if (first.nr) {
		struct parse before;

		parse__run(&before, &first);
		check_ranges(&before, &first);
	}
	parse__run(&after, &last);
	check_same(&fresh, &after);

	line__free(&first);
	line__free(&last);
	return 0;
}
