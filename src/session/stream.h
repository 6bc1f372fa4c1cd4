/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event-stream shape, user-space side (src/bpf/stream.bpf.h is the
 * kernel's): an object's ring buffer read until -d, Ctrl-C or SIGTERM, each
 * record printed by the columns of out/stream_out.h, and the records the
 * ring lost counted per CPU and shown at the end. A stream command is its
 * object's configure function, its record and its columns:
 *
 *   stream__open()        the object opened (bpfsess__open), tracefs there
 *   (configure)           the tool's rodata, then stream__configure()
 *   stream__run()         load, attach, read, detach, drain, summary
 *   stream__close()
 *
 * With --count the same object counts by key instead (counts_read.h and
 * live__counts()), its ring a page that nothing fills.
 */
#ifndef SCHEDSCOPE_STREAM_H
#define SCHEDSCOPE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "cli.h"
#include "core/counts.h"
#include "core/report.h"
#include "out/stream_out.h"
#include "session/bpfsess.h"

struct bpf_map;
struct counts_read;
struct ss_task_filter;

struct stream {
	struct bpfsess b;
	struct bpf_map *events;	    /* the ring */
	struct bpf_map *stat;	    /* per CPU: struct ss_stream_stat */
	struct counts_read *counts; /* --count */
	uint64_t shown;		    /* records printed */
};

/*
 * The object opened; with tracefs, its classic tracepoints need tracefs
 * mounted (libbpf reads their ids there): mounted if it is not. Says why
 * not; returns 0 or -errno.
 */
int stream__open(struct stream *s, const struct bpfsess_skel *hooks, const struct cli *cli,
		 bool tracefs);

/*
 * The shape's part of the configuration: -p, -t, -c, -u into the object's
 * read-only filter and uid, the ring sized by --buffer (a page when
 * counting: nothing is sent), and the reader woken as 1/8 of it fills.
 */
void stream__configure(struct stream *s, struct bpf_map *events, struct bpf_map *stat,
		       struct ss_task_filter *filter, volatile __s64 *uid, volatile __u64 *wakeup,
		       const struct cli *cli, bool counting);

/* What a stream command prints. */
struct stream_cmd {
	struct stream_out out; /* type, cols, nr_cols, ctx; stream__run() sets the rest */
	const char *what;      /* "Tracing <what>..." */
	size_t rec_size;       /* the record's struct: a shorter record is zero-filled */
	/* A user-space filter (bcc's -l), or NULL: false skips the record. */
	bool (*wanted)(const void *ctx, const void *rec);
};

/*
 * Load and attach the configured object, print the header, then each
 * record until -d, Ctrl-C, SIGTERM or a reader gone (| head); detach,
 * print what the ring still holds, and the summary with the drops.
 * Returns the process's exit code.
 */
int stream__run(struct stream *s, const struct cli *cli, struct stream_cmd *c);

/*
 * --count: the counts loop (live__counts()) over s->counts into rows (of
 * keys of key_size bytes, nr_values counts each; initialized and freed
 * here), render(ctx, meta) printing each interval. Returns the process's
 * exit code.
 */
int stream__count(struct stream *s, const struct cli *cli, const char *what,
		  struct count_rows *rows, size_t key_size, size_t nr_values,
		  int (*render)(void *ctx, const struct report_meta *m), void *ctx);

/* A stream command, as stream__main() runs it. */
struct stream_tool {
	int (*open)(struct stream *s, const struct cli *cli); /* its snoops__*() */
	/* Counting: the command's counts loop, around stream__count(). */
	int (*count)(struct stream *s, const struct cli *cli);
	bool counting;	       /* --count (opensnoop: or --rw) */
	struct stream_cmd cmd; /* else the stream's */
};

/*
 * The whole run of a stream command: interval [count] only when counting,
 * -p and -t checked against the system, the object opened, then counted
 * or streamed, and closed. Returns the process's exit code.
 */
int stream__main(const struct cli *cli, struct stream_tool *t);

/* Records the ring could not take, summed over the CPUs; 0 if unreadable. */
uint64_t stream__drops(struct stream *s);

void stream__close(struct stream *s);

#endif
