/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a recording for the offline commands (report, timehist, export):
 * map the file, check its header, give every record in order with the task
 * names kept up to date, and say once, with the byte offset, if the file was
 * cut short or is corrupt. No libbpf.
 */
#ifndef SCHEDSCOPE_RECINPUT_H
#define SCHEDSCOPE_RECINPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/recfile.h"
#include "core/tasktab.h"

struct recinput {
	const char *path;
	struct rec_header h;
	struct tasktab *names;	/* who each TID is, as of the record being given */
	uint64_t first_ns;	/* the first event's time (h.start_ns if none) */
	uint64_t end_ns;	/* the trailer's time, else the last record's */
	uint64_t events;	/* events given so far */
	uint64_t lost;		/* events the recorder lost, all CPUs, as far as read */
	uint64_t *lost_cpu;	/* per CPU [h.nr_cpus] */
	enum rec_status status; /* after recinput__each */
	bool no_names;		/* set before recinput__each: names are not needed, not kept */
	/* private */
	void *map;
	size_t len;
	struct rec_reader *r;
};

/* Open and check the header; on failure prints why and returns NULL. */
struct recinput *recinput__open(const char *path);
void recinput__close(struct recinput *in);

/*
 * Every record in file order to fn (returns 0 to go on). Names are updated
 * before fn sees a fork, exec, rename or snapshot (so the new name shows) and
 * after fn sees any other event (so tasktab__ran() still sees the old state).
 * Returns 0 if the file was read to its end (a cut file too: a warning with
 * the offset goes to stderr), 1 if it is corrupt (an error with the offset;
 * what was read before was given), or fn's non-zero return.
 */
int recinput__each(struct recinput *in, int (*fn)(void *ctx, const struct rec_item *it), void *ctx);

struct cli;

/*
 * The task passes cli's -p, -t and -c (thread or process name, as the names
 * stand now; an unknown name matches no -c). True with none of them given.
 */
bool recinput__wanted(const struct recinput *in, const struct cli *cli, uint32_t pid, uint32_t tid);

/* Events lost to a full ring buffer while recording, on stderr, if any. */
void recinput__print_lost(const struct recinput *in);

#endif
