/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The writer of the event-stream shape: one line of text, or one JSON
 * object, per event, the columns a table of rows describes (as count_col
 * does for counts by key), and a closing summary with the events lost.
 * A stream tool is then its hooks, its record and its rows.
 *
 *   $ sudo schedscope opensnoop -T
 *   TIME(s)  PID    COMM              FD ERR PATH
 *   0.004    1325   cat                3   0 /etc/passwd
 *
 * A record is whatever struct the tool has: each row names a field by its
 * offset. Strings may hold any byte: text shows a control or non-ASCII
 * byte as \xNN, JSON escapes it.
 */
#ifndef SCHEDSCOPE_STREAM_OUT_H
#define SCHEDSCOPE_STREAM_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json;

enum stream_col_kind {
	SCOL_U32,
	SCOL_S32,
	SCOL_U64,
	SCOL_COMM,    /* char[16], NUL-padded or full */
	SCOL_STR,     /* a NUL-terminated string of at most len bytes */
	SCOL_FD,      /* a syscall's s32 result: the fd, or -1 on error */
	SCOL_ERRNO,   /* a syscall's s32 result: its errno, or 0 */
	SCOL_SECONDS, /* a u64 CLOCK_MONOTONIC ns: seconds since the origin */
	SCOL_CLOCK,   /* a u64 CLOCK_MONOTONIC ns: HH:MM:SS local time */
	SCOL_CUSTOM,  /* text() and json() say */
};

struct stream_col {
	const char *head;   /* the text header; NULL: JSON only */
	const char *member; /* the JSON member; NULL: text only */
	size_t off;	    /* the field's offset in the record */
	size_t len;	    /* SCOL_STR: its size */
	/* SCOL_CUSTOM: the text of rec (in buf, or static), and its JSON value. */
	const char *(*text)(const void *ctx, const void *rec, char *buf, size_t size);
	void (*json)(const void *ctx, struct json *j, const char *member, const void *rec);
	int width; /* negative: left-aligned; 0: the last, unpadded */
	/* Shown in text only if one of these bits is in stream_out.when; 0: always. */
	uint32_t when;
	enum stream_col_kind kind;
};

/* The column of field f of record type T (see struct stream_col). */
#define STREAM_COL_OF(T, h, m, w, f, k, wh)                                                   \
	{                                                                                     \
		.head = (h), .member = (m), .width = (w), .off = offsetof(T, f), .kind = (k), \
		.when = (wh)                                                                  \
	}

struct stream_out {
	FILE *f;
	const char *type; /* the JSON "type": the command */
	const struct stream_col *cols;
	size_t nr_cols;
	const void *ctx;	    /* what SCOL_CUSTOM's functions get */
	uint64_t origin_ns;	    /* SCOL_SECONDS counts from it */
	int64_t wall_minus_mono_ns; /* SCOL_CLOCK: CLOCK_REALTIME - CLOCK_MONOTONIC */
	uint32_t when;		    /* the optional text columns asked for (-T, -U ...) */
	bool json;
};

/* The header line (text only). Returns 0 or -EIO. */
int stream_out__header(const struct stream_out *o);
/* One event. Returns 0 or -EIO. */
int stream_out__event(const struct stream_out *o, const void *rec);
/*
 * The end: how many events were shown and how many the ring lost, to f in
 * JSON (a "summary" object), else a line to err. Returns 0 or -EIO.
 */
int stream_out__summary(const struct stream_out *o, FILE *err, uint64_t events, uint64_t drops);

/*
 * Bytes of s (at most len, up to a NUL) as text: control and non-ASCII
 * bytes, and the backslash, as \xNN. Returns the characters written.
 */
size_t stream_out__escaped(FILE *f, const char *s, size_t len);

#endif
