/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one option vocabulary of every subcommand (docs/options.md is its
 * table): cli.c holds one row per option, and a command says which rows it
 * takes by their bits. The same letter never means two things to one
 * command.
 */
#ifndef SCHEDSCOPE_CLI_H
#define SCHEDSCOPE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define EXIT_USAGE 2
#define CLI_MAX_IDS 64
#define CLI_MAX_BUFFER_MB 2048 /* --buffer: the kernel caps a ring buffer at 2 GiB */
#define CLI_MIN_BUFFER_KB 4    /* --buffer NK: a page */
#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)

/* The options a command takes, as bits of cli_cmd.opts. */
#define OPT_PID (UINT64_C(1) << 0)	   /* -p PID, repeatable */
#define OPT_TID (UINT64_C(1) << 1)	   /* -t TID, repeatable */
#define OPT_COMM (UINT64_C(1) << 2)	   /* -c COMM */
#define OPT_CPU (UINT64_C(1) << 3)	   /* -C CPU */
#define OPT_SORT (UINT64_C(1) << 4)	   /* -s FIELD */
#define OPT_ROWS (UINT64_C(1) << 5)	   /* -n N */
#define OPT_BY (UINT64_C(1) << 6)	   /* --by pid|tid|comm */
#define OPT_IDLE (UINT64_C(1) << 7)	   /* --idle */
#define OPT_DURATION (UINT64_C(1) << 8)	   /* -d SECONDS */
#define OPT_TIMESTAMP (UINT64_C(1) << 9)   /* -T */
#define OPT_JSON (UINT64_C(1) << 10)	   /* -j, --json */
#define OPT_MAX_TASKS (UINT64_C(1) << 11)  /* --max-tasks N */
#define OPT_INTERVAL (UINT64_C(1) << 12)   /* positional interval [count] */
#define OPT_MS (UINT64_C(1) << 13)	   /* -m, --milliseconds */
#define OPT_PER_PID (UINT64_C(1) << 14)	   /* -P, --pids (runqlat, as bcc) */
#define OPT_PER_TID (UINT64_C(1) << 15)	   /* -L, --tids */
#define OPT_PER_CPU (UINT64_C(1) << 16)	   /* --cpu without a value, --per-cpu (runqlat) */
#define OPT_PREV (UINT64_C(1) << 17)	   /* -P, --previous (runqslower, as bcc) */
#define OPT_FROM (UINT64_C(1) << 18)	   /* --from wakeup|waking */
#define OPT_THRESHOLD (UINT64_C(1) << 19)  /* --threshold MS */
#define OPT_MIN_US (UINT64_C(1) << 20)	   /* positional min_us (runqslower) */
#define OPT_SPLIT (UINT64_C(1) << 21)	   /* --split */
#define OPT_EVENTS (UINT64_C(1) << 22)	   /* -e KIND[,KIND...] */
#define OPT_OUTPUT (UINT64_C(1) << 23)	   /* -o FILE */
#define OPT_INPUT (UINT64_C(1) << 24)	   /* -i FILE */
#define OPT_FORCE (UINT64_C(1) << 25)	   /* -f, --force */
#define OPT_FORMAT (UINT64_C(1) << 26)	   /* --format FMT */
#define OPT_WAKEUPS (UINT64_C(1) << 27)	   /* -w, --wakeups (timehist) */
#define OPT_MIGRATIONS (UINT64_C(1) << 28) /* -M, --migrations (timehist) */
#define OPT_COMMAND \
	(UINT64_C(1) << 29) /* [--] COMMAND [ARG...]: the rest of the line is a command */
#define OPT_BUFFER (UINT64_C(1) << 30)	      /* --buffer MB */
#define OPT_PROBES (UINT64_C(1) << 31)	      /* -e PROBE[,PROBE...] (count) */
#define OPT_MAX_KEYS (UINT64_C(1) << 32)      /* --max-keys N */
#define OPT_BY_KEYS (UINT64_C(1) << 33)	      /* --by KEY[,KEY...] (count, preempt) */
#define OPT_LISTEN (UINT64_C(1) << 34)	      /* --listen ADDR:PORT (exporter) */
#define OPT_CGROUP_DEPTH (UINT64_C(1) << 35)  /* --cgroup-depth N */
#define OPT_CGROUP_MATCH (UINT64_C(1) << 36)  /* --cgroup-include, --cgroup-exclude GLOB */
#define OPT_MAX_SERIES (UINT64_C(1) << 37)    /* --max-series N */
#define OPT_CGROUP_EXPIRY (UINT64_C(1) << 38) /* --cgroup-expiry SECS */
#define OPT_CGROUP_ROOT (UINT64_C(1) << 39)   /* --cgroup-root DIR */
/* syscount's, with bcc's letters */
#define OPT_TOP (UINT64_C(1) << 40)	     /* -T, --top N */
#define OPT_INTERVAL_OPT (UINT64_C(1) << 41) /* -i, --interval SECS */
#define OPT_FAILURES (UINT64_C(1) << 42)     /* -x, --failures */
#define OPT_ERRNO (UINT64_C(1) << 43)	     /* -e, --errno ERRNO */
#define OPT_LATENCY (UINT64_C(1) << 44)	     /* -L, --latency */
#define OPT_BY_PROCESS (UINT64_C(1) << 45)   /* -P, --process */
#define OPT_LIST (UINT64_C(1) << 46)	     /* -l, --list */
#define OPT_HIST (UINT64_C(1) << 47)	     /* --hist */
#define OPT_SLOWER (UINT64_C(1) << 48)	     /* --slower MS */
#define OPT_BUFFER_KB (UINT64_C(1) << 49)    /* --buffer-kb KB */
/*
 * The stream commands' rows (opensnoop, execsnoop, exitsnoop), with bcc's
 * letters, a bit per group of rows that the same commands take: a bit per
 * row would not fit in 64. A row's own name is its group's bit.
 */
#define OPT_STREAM (UINT64_C(1) << 50)	  /* all three: */
#define OPT_UID OPT_STREAM		  /* -u UID */
#define OPT_NAME OPT_STREAM		  /* -n NAME: -c, as bcc spells it */
#define OPT_FAILED OPT_STREAM		  /* -x, --failed */
#define OPT_COUNT OPT_STREAM		  /* --count */
#define OPT_PRINT_UID (UINT64_C(1) << 51) /* -U, --print-uid (opensnoop, execsnoop) */
#define OPT_OPENSNOOP (UINT64_C(1) << 52) /* opensnoop's own: */
#define OPT_EXTENDED OPT_OPENSNOOP	  /* -e, --extended-fields */
#define OPT_OPEN_FLAGS OPT_OPENSNOOP	  /* -f, --flag FLAG, repeatable */
#define OPT_FULL_PATH OPT_OPENSNOOP	  /* -F, --full-path */
#define OPT_PATH OPT_OPENSNOOP		  /* --path PREFIX, repeatable */
#define OPT_PER_PROCESS OPT_OPENSNOOP	  /* -P, --per-process */
#define OPT_RW OPT_OPENSNOOP		  /* --rw */
#define OPT_EXECSNOOP (UINT64_C(1) << 53) /* execsnoop's own: */
#define OPT_CLOCK OPT_EXECSNOOP		  /* -T, --time: HH:MM:SS */
#define OPT_ELAPSED OPT_EXECSNOOP	  /* -t, --timestamp: seconds */
#define OPT_QUOTE OPT_EXECSNOOP		  /* -q, --quote */
#define OPT_LINE OPT_EXECSNOOP		  /* -l, --line TEXT */
#define OPT_MAX_ARGS OPT_EXECSNOOP	  /* --max-args N */
#define OPT_EXITSNOOP (UINT64_C(1) << 54) /* exitsnoop's own: */
#define OPT_EXIT_CLOCK OPT_EXITSNOOP	  /* -t, --timestamp: HH:MM:SS */
#define OPT_THREADED OPT_EXITSNOOP	  /* -T, --threaded, --per-thread */
#define OPT_SHORT OPT_EXITSNOOP		  /* --short MS */

#define CLI_MAX_PATHS 8 /* --path: SS_MAX_PATHS */
#define CLI_MAX_ARGS 60 /* --max-args: SS_MAX_ARGS */

struct cli {
	/* Wider fields first, the flags last: no padding between them. */
	size_t nr_pids;
	size_t nr_tids;
	const char *comm;
	const char *sort;
	size_t rows;
	const char *by;
	const char *probes; /* -e of count: probe names, as given */
	size_t max_keys;    /* --max-keys; 0: the command's default */
	double duration_s;  /* 0: until Ctrl-C */
	size_t max_tasks;
	double interval_s;		  /* 0: one report at the end */
	uint64_t count;			  /* 0: unlimited */
	double threshold_ms;		  /* --threshold; 0: the command's default */
	uint64_t min_us;		  /* runqslower's positional threshold */
	const char *output;		  /* -o */
	const char *input;		  /* -i */
	const char *format;		  /* --format */
	size_t ring_kb;			  /* --buffer, in KiB; 0: the default */
	const char *paths[CLI_MAX_PATHS]; /* --path */
	size_t nr_paths;
	const char *line;	    /* -l */
	size_t max_args;	    /* --max-args */
	double short_ms;	    /* --short; 0: every exit */
	int64_t uid;		    /* -u; -1: any */
	uint32_t open_flags;	    /* -f: open(2) flags, any of which selects */
	char **rest;		    /* OPT_COMMAND: what follows, NULL-terminated */
	const char *listen;	    /* --listen; NULL: the exporter's default */
	size_t cgroup_depth;	    /* --cgroup-depth; 0: the default */
	const char *cgroup_include; /* --cgroup-include: fnmatch(3) pattern */
	const char *cgroup_exclude;
	size_t max_series;	 /* --max-series; 0: the default */
	double cgroup_expiry_s;	 /* --cgroup-expiry; 0: the default */
	const char *cgroup_root; /* --cgroup-root; NULL: the cgroup2 mount of mountinfo */
	size_t top;		 /* -T of syscount: rows shown (default 10, 0: all) */
	const char *errno_name;	 /* -e of syscount: an errno's name or number, as given */
	double slower_ms;	 /* --slower; 0: no events */
	size_t buffer_kb;	 /* --buffer-kb; 0: the default */
	int cpu;		 /* -1: all */
	int sub;		 /* the subcommand given (its cli_cmd.id); -1: none */
	uint32_t ev_mask;   /* -e, SEV_MASK() bits; 0 (and no ev_probes): the command's default */
	uint32_t ev_probes; /* -e, the DTrace probes named: 1u << enum ss_probe */
	int nr_rest;
	uint32_t pids[CLI_MAX_IDS];
	uint32_t tids[CLI_MAX_IDS];
	bool idle;
	bool timestamp;
	bool json;
	bool verbose;
	bool ms;	  /* -m */
	bool per_pid;	  /* -P (runqlat) */
	bool per_tid;	  /* -L */
	bool per_cpu;	  /* --cpu (runqlat) */
	bool prev;	  /* -P (runqslower) */
	bool from_waking; /* --from waking */
	bool split;	  /* --split */
	bool force;	  /* -f */
	bool wakeups;	  /* -w */
	bool migrations;  /* -M */
	bool failures;	  /* -x */
	bool latency;	  /* -L of syscount */
	bool by_process;  /* -P of syscount */
	bool list;	  /* -l */
	bool hist;	  /* --hist */
	bool failed;	  /* -x */
	bool extended;	  /* -e (opensnoop) */
	bool full_path;	  /* -F */
	bool print_uid;	  /* -U */
	bool count_mode;  /* --count */
	bool per_process; /* -P (opensnoop) */
	bool rw;	  /* --rw */
	bool clock;	  /* HH:MM:SS: execsnoop -T, exitsnoop -t */
	bool elapsed;	  /* seconds since the start: execsnoop -t */
	bool quote;	  /* -q */
	bool threaded;	  /* -T (exitsnoop) */
};

/*
 * A command, or a node of the command tree: `report` has a subcommand per
 * analysis, and `report -i F top -p 1` is parsed as report's options, then
 * top's, into one struct cli.
 */
struct cli_cmd {
	const char *name;
	const char *summary;
	const char *usage;		   /* the synopsis after "schedscope NAME" */
	const char *extra_help;		   /* option lines specific to the command, or NULL */
	uint64_t opts;			   /* OPT_* bits */
	int id;				   /* a subcommand's: what cli.sub says */
	int (*run)(const struct cli *cli); /* a subcommand's parent runs it */
	const struct cli_cmd *subs;	   /* the subcommands, or NULL */
	size_t nr_subs;
	const char *sub_noun; /* what a subcommand is called in errors: "analysis" */
	const char *sub_lead; /* what stands before a subcommand's name: "-i FILE" */
};

/*
 * Parse argv (argv[0] is the command) and, where the command has
 * subcommands, the subcommand's part of the line. Returns 0 to run, 1 if
 * help was printed, or EXIT_USAGE after printing the error and usage to
 * stderr.
 */
int cli__parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli *out);
void cli__help(const struct cli_cmd *cmd, FILE *f);

/* "schedscope: " + message, to stderr; and to cli__json_errors()'s stream. */
void cli__err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Where cli__err() also writes each error as a JSON object: stdout once a
 * command was parsed with --json, so a consumer of the stream sees why it
 * ended; NULL (the default): nowhere. Only main() sets it, before it runs
 * the command; cli__parse() reports its own errors by its own context.
 */
void cli__json_errors(FILE *f);

#endif
