// SPDX-License-Identifier: GPL-2.0
#include "out/stream_out.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "out/common_out.h"
#include "out/json.h"

#define COMM_LEN 16
#define CELL_LEN 8192 /* a path or an argv, escaped or not */

size_t stream_out__escaped(FILE *f, const char *s, size_t len)
{
	size_t shown = 0;

	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '\\') {
			fprintf(f, "\\x%02x", c);
			shown += 4;
		} else {
			fputc(c, f);
			shown++;
		}
	}
	return shown;
}

static const void *field(const void *rec, const struct stream_col *c)
{
	return (const char *)rec + c->off;
}

static int32_t s32_of(const void *rec, const struct stream_col *c)
{
	int32_t v;

	memcpy(&v, field(rec, c), sizeof(v));
	return v;
}

static uint64_t u64_of(const void *rec, const struct stream_col *c)
{
	uint64_t v;

	memcpy(&v, field(rec, c), sizeof(v));
	return v;
}

static uint32_t u32_of(const void *rec, const struct stream_col *c)
{
	uint32_t v;

	memcpy(&v, field(rec, c), sizeof(v));
	return v;
}

/* A number column's value, when it is one. */
static bool number_of(const struct stream_out *o, const void *rec, const struct stream_col *c,
		      int64_t *v)
{
	int32_t r;

	switch (c->kind) {
	case SCOL_U32:
		*v = u32_of(rec, c);
		return true;
	case SCOL_S32:
		*v = s32_of(rec, c);
		return true;
	case SCOL_U64:
		*v = (int64_t)u64_of(rec, c);
		return true;
	case SCOL_FD:
		r = s32_of(rec, c);
		*v = r < 0 ? -1 : r;
		return true;
	case SCOL_ERRNO:
		r = s32_of(rec, c);
		*v = r < 0 ? -r : 0;
		return true;
	default:
		(void)o;
		return false;
	}
}

/* A string column's bytes and their bound. */
static const char *string_of(const void *rec, const struct stream_col *c, size_t *len)
{
	*len = c->kind == SCOL_COMM ? COMM_LEN : c->len;
	return field(rec, c);
}

static void clock_text(const struct stream_out *o, uint64_t mono_ns, char *buf, size_t size)
{
	time_t secs = (time_t)(((int64_t)mono_ns + o->wall_minus_mono_ns) / 1000000000);
	struct tm tm;

	if (!localtime_r(&secs, &tm) || !strftime(buf, size, "%H:%M:%S", &tm))
		snprintf(buf, size, "?");
}

/* A column's text in buf (escaping is the caller's, for strings). */
static const char *cell_text(const struct stream_out *o, const void *rec,
			     const struct stream_col *c, char *buf, size_t size)
{
	int64_t v;

	if (number_of(o, rec, c, &v)) {
		snprintf(buf, size, "%" PRId64, v);
		return buf;
	}
	switch (c->kind) {
	case SCOL_SECONDS:
		snprintf(buf, size, "%.3f", (double)(int64_t)(u64_of(rec, c) - o->origin_ns) / 1e9);
		return buf;
	case SCOL_CLOCK:
		clock_text(o, u64_of(rec, c), buf, size);
		return buf;
	case SCOL_CUSTOM:
		return c->text(o->ctx, rec, buf, size);
	default:
		return NULL;
	}
}

/* The column is in the text table. */
static bool in_text(const struct stream_out *o, const struct stream_col *c)
{
	return c->head && (!c->when || (c->when & o->when));
}

int stream_out__header(const struct stream_out *o)
{
	bool first = true;

	if (o->json)
		return 0;
	for (size_t i = 0; i < o->nr_cols; i++) {
		const struct stream_col *c = &o->cols[i];

		if (!in_text(o, c))
			continue;
		fprintf(o->f, "%s%*s", first ? "" : " ", c->width, c->head);
		first = false;
	}
	fputc('\n', o->f);
	return out__status(o->f);
}

static void text_cell(const struct stream_out *o, const void *rec, const struct stream_col *c)
{
	char buf[CELL_LEN];
	const char *s;
	size_t len, n;

	if (c->kind == SCOL_COMM || c->kind == SCOL_STR) {
		s = string_of(rec, c, &len);
		/* Padded by hand, by what was shown: an escape widens a name. */
		n = stream_out__escaped(o->f, s, len);
		for (int w = c->width < 0 ? -c->width : 0; (int)n < w; n++)
			fputc(' ', o->f);
		return;
	}
	s = cell_text(o, rec, c, buf, sizeof(buf));
	if (c->kind == SCOL_CUSTOM && !c->width)
		stream_out__escaped(o->f, s, SIZE_MAX);
	else
		fprintf(o->f, "%*s", c->width, s);
}

static void json_cell(const struct stream_out *o, struct json *j, const void *rec,
		      const struct stream_col *c)
{
	char buf[CELL_LEN];
	const char *s;
	int64_t v;
	size_t len;

	if (number_of(o, rec, c, &v)) {
		json__i64(j, c->member, v);
		return;
	}
	switch (c->kind) {
	case SCOL_COMM:
	case SCOL_STR:
		s = string_of(rec, c, &len);
		json__string(j, c->member, s, len);
		return;
	case SCOL_SECONDS:
		json__double(j, c->member, (double)(int64_t)(u64_of(rec, c) - o->origin_ns) / 1e9,
			     6);
		return;
	case SCOL_CLOCK:
		/* The wall clock, exact: HH:MM:SS is for people. */
		json__i64(j, c->member, (int64_t)u64_of(rec, c) + o->wall_minus_mono_ns);
		return;
	case SCOL_CUSTOM:
		if (c->json) {
			c->json(o->ctx, j, c->member, rec);
			return;
		}
		s = c->text(o->ctx, rec, buf, sizeof(buf));
		json__string(j, c->member, s, strlen(s));
		return;
	default:
		return;
	}
}

int stream_out__event(const struct stream_out *o, const void *rec)
{
	bool first = true;
	struct json j;

	if (!o->json) {
		for (size_t i = 0; i < o->nr_cols; i++) {
			if (!in_text(o, &o->cols[i]))
				continue;
			if (!first)
				fputc(' ', o->f);
			text_cell(o, rec, &o->cols[i]);
			first = false;
		}
		fputc('\n', o->f);
		return out__status(o->f);
	}
	json__init(&j, o->f);
	json__begin_object(&j, NULL);
	json__string(&j, "type", o->type, strlen(o->type));
	for (size_t i = 0; i < o->nr_cols; i++)
		if (o->cols[i].member)
			json_cell(o, &j, rec, &o->cols[i]);
	json__end_object(&j);
	return out__status(o->f);
}

int stream_out__summary(const struct stream_out *o, FILE *err, uint64_t events, uint64_t drops)
{
	struct json j;

	if (!o->json) {
		fprintf(err, "%" PRIu64 " events, %" PRIu64 " lost to a full ring buffer%s\n",
			events, drops, drops ? " (--buffer makes it larger)" : "");
		return out__status(err);
	}
	json__init(&j, o->f);
	json__begin_object(&j, NULL);
	json__string(&j, "type", "summary", 7);
	json__string(&j, "command", o->type, strlen(o->type));
	json__u64(&j, "events", events);
	json__u64(&j, "lost", drops);
	json__end_object(&j);
	return out__status(o->f);
}
