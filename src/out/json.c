// SPDX-License-Identifier: GPL-2.0
#include "json.h"

#include <math.h>

void json__init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma[0] = false;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp, min;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	if (s[0] < 0xe0) {
		len = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if (s[0] < 0xf0) {
		len = 3, cp = s[0] & 0x0f, min = 0x800;
	} else {
		len = 4, cp = s[0] & 0x07, min = 0x10000;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void json__write_string(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = 0;

	while (n < len && s[n])
		n++;
	fputc('"', f);
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t u;

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			i++;
		} else if (c >= 0x20 && c < 0x7f) {
			fputc(c, f);
			i++;
		} else if (c >= 0x80 && (u = utf8_len(s + i, n - i))) {
			fwrite(s + i, 1, u, f);
			i += u;
		} else {
			fprintf(f, "\\u%04x", c);
			i++;
		}
	}
	fputc('"', f);
}

static void member(struct json *j, const char *key)
{
	if (j->depth > 0 && j->need_comma[j->depth])
		fputc(',', j->f);
	if (j->depth > 0)
		j->need_comma[j->depth] = true;
	if (key) {
		json__write_string(j->f, key, (size_t)-1);
		fputc(':', j->f);
	}
}

static void open_scope(struct json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
}

void json__begin_object(struct json *j, const char *key)
{
	open_scope(j, key, '{');
}

void json__begin_array(struct json *j, const char *key)
{
	open_scope(j, key, '[');
}

static void close_scope(struct json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
	if (j->depth == 0)
		fputc('\n', j->f);
}

void json__end_object(struct json *j)
{
	close_scope(j, '}');
}

void json__end_array(struct json *j)
{
	close_scope(j, ']');
}

void json__u64(struct json *j, const char *key, uint64_t v)
{
	member(j, key);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void json__i64(struct json *j, const char *key, int64_t v)
{
	member(j, key);
	fprintf(j->f, "%lld", (long long)v);
}

void json__double(struct json *j, const char *key, double v, int decimals)
{
	member(j, key);
	/* JSON has no NaN or infinity. */
	if (!isfinite(v))
		fputs("null", j->f);
	else
		fprintf(j->f, "%.*f", decimals, v);
}

void json__bool(struct json *j, const char *key, bool v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json__null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

void json__string(struct json *j, const char *key, const char *s, size_t len)
{
	member(j, key);
	json__write_string(j->f, s, len);
}
