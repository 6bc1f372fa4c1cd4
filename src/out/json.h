/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer: one object per line for reports and event
 * streams. Strings are escaped byte by byte, so a comm holding control bytes
 * or invalid UTF-8 still yields valid JSON (invalid bytes become \u00XX).
 */
#ifndef SCHEDSCOPE_JSON_H
#define SCHEDSCOPE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 8

struct json {
	FILE *f;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
};

void json__init(struct json *j, FILE *f);
/* key is NULL inside arrays and for the outermost object. */
void json__begin_object(struct json *j, const char *key);
void json__end_object(struct json *j); /* ends the line at depth 0 */
void json__begin_array(struct json *j, const char *key);
void json__end_array(struct json *j);
void json__u64(struct json *j, const char *key, uint64_t v);
void json__i64(struct json *j, const char *key, int64_t v);
void json__double(struct json *j, const char *key, double v, int decimals);
void json__bool(struct json *j, const char *key, bool v);
void json__null(struct json *j, const char *key);
/* At most len bytes of s, stopping at a NUL. */
void json__string(struct json *j, const char *key, const char *s, size_t len);

/* Write s as a quoted JSON string to f. */
void json__write_string(FILE *f, const char *s, size_t len);

#endif
