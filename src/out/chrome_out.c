// SPDX-License-Identifier: GPL-2.0
#include "chrome_out.h"

#include <inttypes.h>
#include <stdint.h>

#include "common_out.h"
#include "json.h"

#define NS_PER_US UINT64_C(1000)

/* Microseconds with the nanoseconds as three decimals: exact, unlike a double. */
static void put_us(FILE *f, uint64_t ns)
{
	fprintf(f, "%" PRIu64 ".%03" PRIu64, ns / NS_PER_US, ns % NS_PER_US);
}

/* A metadata event: a name (name != NULL) or a sort index. */
static void meta(FILE *f, const char *lead, uint32_t tid, const char *what, const char *name,
		 uint32_t sort_index)
{
	fprintf(f, "%s{\"ph\":\"M\",\"pid\":%u,\"tid\":%" PRIu32 ",\"name\":\"%s\",\"args\":{",
		lead, CHROME_CPUS_PID, tid, what);
	if (name) {
		fputs("\"name\":", f);
		json__write_string(f, name, SIZE_MAX);
	} else {
		fprintf(f, "\"sort_index\":%" PRIu32, sort_index);
	}
	fputs("}}\n", f);
}

int chrome_out__begin(FILE *f, uint32_t nr_cpus)
{
	char name[24];

	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", f);
	meta(f, "", 0, "process_name", "CPUs", 0);
	for (uint32_t cpu = 0; cpu < nr_cpus; cpu++) {
		snprintf(name, sizeof(name), "CPU %" PRIu32, cpu);
		meta(f, ",", cpu, "thread_name", name, 0);
		/* Tracks in CPU order, not in order of first use. */
		meta(f, ",", cpu, "thread_sort_index", NULL, cpu);
	}
	return out__status(f);
}

int chrome_out__slice(FILE *f, uint32_t cpu, uint64_t start_ns, uint64_t end_ns, const char *comm,
		      uint32_t tid, uint32_t pid, int32_t prio, const char *end_state,
		      const char *clipped)
{
	fprintf(f, ",{\"ph\":\"X\",\"pid\":%u,\"tid\":%" PRIu32 ",\"ts\":", CHROME_CPUS_PID, cpu);
	put_us(f, start_ns);
	fputs(",\"dur\":", f);
	put_us(f, end_ns > start_ns ? end_ns - start_ns : 0);
	fputs(",\"name\":", f);
	json__write_string(f, comm, SIZE_MAX);
	fprintf(f,
		",\"cat\":\"sched\",\"args\":{\"tid\":%" PRIu32 ",\"pid\":%" PRIu32
		",\"prio\":%" PRId32,
		tid, pid, prio);
	if (end_state) {
		fputs(",\"end_state\":", f);
		json__write_string(f, end_state, SIZE_MAX);
	}
	if (clipped) {
		fputs(",\"clipped\":", f);
		json__write_string(f, clipped, SIZE_MAX);
	}
	fputs("}}\n", f);
	return out__status(f);
}

int chrome_out__instant(FILE *f, uint32_t cpu, uint64_t ts_ns, const char *name, const char *comm,
			uint32_t tid, uint32_t pid, int32_t prio)
{
	fprintf(f, ",{\"ph\":\"i\",\"s\":\"t\",\"pid\":%u,\"tid\":%" PRIu32 ",\"ts\":",
		CHROME_CPUS_PID, cpu);
	put_us(f, ts_ns);
	fputs(",\"name\":", f);
	json__write_string(f, name, SIZE_MAX);
	fputs(",\"cat\":\"probe\",\"args\":{\"comm\":", f);
	json__write_string(f, comm, SIZE_MAX);
	fprintf(f, ",\"tid\":%" PRIu32 ",\"pid\":%" PRIu32 ",\"prio\":%" PRId32 "}}\n", tid, pid,
		prio);
	return out__status(f);
}

int chrome_out__end(FILE *f)
{
	fputs("]}\n", f);
	return out__status(f);
}
