// SPDX-License-Identifier: GPL-2.0
#include "out/syscount_out.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "out/common_out.h"
#include "out/json.h"

#define LABEL_LEN 64

/*
 * Example (--slower 10: a 20 ms nanosleep that returned 0, one interrupted
 * by a signal, and an open that waited on a slow disk):
 *
 *   TIME     PID     TID     COMM             SYSCALL                DUR(ms)      RET ARGS
 *   08:31:02 4242    4242    sysload          clock_nanosleep         20.081        0 0x0 0x0 0x7ffc1a2b3c40
 *   08:31:02 4242    4242    sysload          clock_nanosleep         12.502       -4 EINTR 0x0 0x0 0x7ffc1a2b3c40
 *   08:31:03 977     981     postgres         openat                  14.220        7 0xffffff9c 0x55d0c8a1b2c0 0x80000
 */
void syscount_out__event_head(FILE *f)
{
	fprintf(f, "%-8s %-7s %-7s %-16s %-20s %10s %8s ARGS\n", "TIME", "PID", "TID", "COMM",
		"SYSCALL", "DUR(ms)", "RET");
	fflush(f);
}

static void event_text(FILE *f, const struct sysc_event *e, const char *label)
{
	char comm[SYSC_COMM_LEN + 1], when[16];
	const char *err = e->ret < 0 && e->ret >= -4095 ? sysc__errno_name((int)-e->ret) : NULL;
	time_t now = time(NULL);
	struct tm tm;

	/* The wall clock as we print: within the ring's beat of the call's end. */
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	out__comm(comm, sizeof(comm), e->comm, SYSC_COMM_LEN);
	fprintf(f, "%-8s %-7u %-7u %-16s %-20s %10.3f %8" PRId64 " %s%s", when, e->pid, e->tid,
		comm, label, (double)e->dur_ns / 1e6, e->ret, err ? err : "", err ? " " : "");
	for (size_t i = 0; i < SYSC_NR_ARGS; i++)
		fprintf(f, "%s0x%" PRIx64, i ? " " : "", e->args[i]);
	fputc('\n', f);
}

static void event_json(FILE *f, const struct sysc_event *e, const char *label)
{
	const char *err = e->ret < 0 && e->ret >= -4095 ? sysc__errno_name((int)-e->ret) : NULL;
	struct json j;

	out__json_head(&j, f, "syscall", e->ts_ns, e->cpu);
	json__u64(&j, "pid", e->pid);
	json__u64(&j, "tid", e->tid);
	json__string(&j, "comm", e->comm, strnlen(e->comm, SYSC_COMM_LEN));
	json__string(&j, "syscall", label, strlen(label));
	json__u64(&j, "nr", e->nr);
	json__bool(&j, "compat", e->compat);
	json__u64(&j, "dur_ns", e->dur_ns);
	json__i64(&j, "ret", e->ret);
	if (err)
		json__string(&j, "errno", err, strlen(err));
	else
		json__null(&j, "errno");
	json__begin_array(&j, "args");
	for (size_t i = 0; i < SYSC_NR_ARGS; i++)
		json__u64(&j, NULL, e->args[i]);
	json__end_array(&j);
	json__end_object(&j);
}

int syscount_out__event(FILE *f, const struct sysc_event *e, const struct syscnames *names,
			bool json)
{
	char label[LABEL_LEN];

	syscnames__label(names, e->nr, e->compat, label, sizeof(label));
	if (json)
		event_json(f, e, label);
	else
		event_text(f, e, label);
	return out__status(f);
}

/*
 * Example (the x86-64 table, then ia32's, which 32-bit programs call):
 *
 *   NR   SYSCALL
 *   0    read
 *   1    write
 *   ...
 *   0    ia32:restart_syscall
 */
int syscount_out__list(FILE *f, const struct syscnames *names, bool json)
{
	static const char *const abi_names[SYSC_NR_ABIS] = { "x64", "ia32" };
	struct json j;

	if (!json)
		fprintf(f, "%-4s %s\n", "NR", "SYSCALL");
	for (int abi = 0; abi < SYSC_NR_ABIS; abi++)
		for (uint32_t nr = 0; nr < syscnames__nr(names, (enum sysc_abi)abi); nr++) {
			const char *name = syscnames__name(names, (enum sysc_abi)abi, nr);

			if (!name)
				continue;
			if (!json) {
				fprintf(f, "%-4u %s%s\n", nr, abi ? "ia32:" : "", name);
				continue;
			}
			json__init(&j, f);
			json__begin_object(&j, NULL);
			json__string(&j, "type", "syscall_name", 12);
			json__string(&j, "abi", abi_names[abi], strlen(abi_names[abi]));
			json__u64(&j, "nr", nr);
			json__string(&j, "name", name, strlen(name));
			json__end_object(&j);
		}
	fflush(f);
	return out__status(f);
}
