/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What both workload generators (ssload, ssprio) need the same way: the
 * reply line protocol, reading a /proc file, and their command-line checks.
 * The includer defines WL_NAME and declares die() and usage() first.
 */
#ifndef SCHEDSCOPE_WL_COMMON_H
#define SCHEDSCOPE_WL_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static void die(const char *what, int err);
static void usage(FILE *out);

/* One protocol line on stdout, flushed: the driver waits for it. */
static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void reply(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (fflush(stdout))
		die("stdout", errno);
}

/* A whole small file (of /proc) as a string. Returns 0 or -errno. */
static inline int read_text(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return 0;
}

/* A decimal in [min, max], nothing else (no sign, no trailing bytes). */
static bool parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Exit status 2, after the message and the usage. */
static int usage_error(const char *fmt, const char *arg)
{
	fputs(WL_NAME ": ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	usage(stderr);
	return 2;
}

#endif
