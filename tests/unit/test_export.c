// SPDX-License-Identifier: GPL-2.0
/*
 * The export writers on a scripted sequence: the systrace lines exactly as
 * the kernel's ftrace prints them (columns, rounding, payloads per the
 * events' print fmt, the task column from who runs on the CPU), and the
 * Trace Event Format document.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/tasktab.h"
#include "core/timehist.h"
#include "out/chrome_out.h"
#include "out/systrace_out.h"

#define S 0x1u
#define D 0x2u
#define I 0x80u
#define X 0x10u
#define T0 1234567890123ull /* 1234.567890123 s */

static struct sev sw(uint64_t ts, uint32_t cpu, uint32_t prev, int32_t prev_prio, uint32_t state,
		     uint32_t next, int32_t next_prio)
{
	struct sev e = { .ts_ns = ts,
			 .type = SEV_SWITCH,
			 .cpu = cpu,
			 .tid = prev,
			 .pid = prev,
			 .tid2 = next,
			 .pid2 = next,
			 .prio = prev_prio,
			 .prio2 = next_prio,
			 .state = state };

	return e;
}

static struct sev ev(uint32_t type, uint64_t ts, uint32_t cpu, uint32_t tid, uint32_t cpu2,
		     uint32_t cpu3)
{
	struct sev e = { .ts_ns = ts,
			 .type = type,
			 .cpu = cpu,
			 .tid = tid,
			 .pid = tid,
			 .prio = 120,
			 .cpu2 = cpu2,
			 .cpu3 = cpu3 };

	return e;
}

/* An event as export and recinput give it: written, then learnt from. */
static void put(FILE *f, struct tasktab *names, struct thist *th, const struct sev *e)
{
	struct thist_slice unused;

	assert_int_equal(systrace_out__event(f, e, names, th), 0);
	thist__on_event(th, e, &unused);
	tasktab__on_event(names, e);
}

static const char *const want_systrace =
	"           <...>-0       [000] .....  1234.567890: sched_waking: comm=sshd pid=456 "
	"prio=120 target_cpu=000\n"
	"          <idle>-0       [001] .....  1234.567891: sched_switch: prev_comm=swapper/1 "
	"prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=bash next_pid=123 next_prio=120\n"
	"            bash-123     [001] .....  1234.567896: sched_waking: comm=sshd pid=456 "
	"prio=120 target_cpu=000\n"
	"            bash-123     [001] .....  1234.567899: sched_wakeup_new: comm=bash pid=789 "
	"prio=120 target_cpu=001\n"
	"            bash-123     [001] .....  1234.567900: sched_wakeup: comm=sshd pid=456 "
	"prio=120 target_cpu=000\n"
	"            bash-123     [001] .....  1234.567999: sched_switch: prev_comm=bash "
	"prev_pid=123 prev_prio=120 prev_state=R+ ==> next_comm=migration/1 next_pid=20 "
	"next_prio=0\n"
	"     migration/1-20      [001] .....  1234.568000: sched_migrate_task: comm=bash pid=123 "
	"prio=120 orig_cpu=1 dest_cpu=0\n"
	"     migration/1-20      [001] .....  1234.568001: sched_switch: prev_comm=migration/1 "
	"prev_pid=20 prev_prio=0 prev_state=S ==> next_comm=<...> next_pid=555 next_prio=-1\n"
	"            sshd-456     [000] .....  1234.568002: sched_switch: prev_comm=sshd "
	"prev_pid=456 prev_prio=120 prev_state=D ==> next_comm=bash next_pid=123 next_prio=120\n"
	"            bash-123     [000] .....  1234.568003: sched_switch: prev_comm=bash "
	"prev_pid=123 prev_prio=120 prev_state=I ==> next_comm=a?b next_pid=42 next_prio=139\n"
	"             a?b-42      [000] .....  1234.568004: sched_switch: prev_comm=a?b "
	"prev_pid=42 prev_prio=139 prev_state=X ==> next_comm=swapper/0 next_pid=0 next_prio=120\n"
	"CPU:1 [LOST 7 EVENTS]\n"
	"           <...>-555     [001] ..... 123456.000001: sched_switch: prev_comm=<...> "
	"prev_pid=555 prev_prio=-1 prev_state=S|D ==> next_comm=swapper/1 next_pid=0 "
	"next_prio=120\n"
	"          <idle>-0       [002] .....     5.000000: sched_waking: comm=bash pid=123 "
	"prio=120 target_cpu=002\n";

static void systrace_lines_as_ftrace_prints_them(void **state)
{
	struct tasktab *names = tasktab__new(64);
	struct thist *th = thist__new(2);
	struct task_snap snap = { .tid = 777, .pid = 777, .cpu = 1, .on_cpu = 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct sev e;

	(void)state;
	assert_non_null(names);
	assert_non_null(th);
	tasktab__set(names, 123, 123, "bash");
	tasktab__set(names, 456, 456, "sshd");
	tasktab__set(names, 20, 20, "migration/1");
	tasktab__set(names, 42, 40, "a\nb");

	/* Before any switch on CPU 0 and with no scan: who ran there is unknown. */
	put(f, names, th, (e = ev(SEV_WAKING, T0 - 123, 0, 456, 0, 0), &e));
	/* ftrace rounds to the nearest microsecond: 1234.567890623 prints as 1234.567891. */
	put(f, names, th, (e = sw(T0 + 500, 1, 0, 120, 0, 123, 120), &e));
	put(f, names, th, (e = ev(SEV_WAKING, T0 + 5499, 1, 456, 0, 0), &e));
	/* A fork names the child before its wakeup_new (recinput's order). */
	e = ev(SEV_FORK, T0 + 8000, 1, 123, 0, 0);
	e.tid2 = e.pid2 = 789;
	memcpy(e.comm, "bash", 5);
	tasktab__on_event(names, &e);
	put(f, names, th, &e); /* no line */
	put(f, names, th, (e = ev(SEV_WAKEUP_NEW, T0 + 9000, 1, 789, 1, 0), &e));
	put(f, names, th, (e = ev(SEV_WAKEUP, T0 + 10000, 1, 456, 0, 0), &e));
	put(f, names, th, (e = sw(T0 + 109000, 1, 123, 120, SEV_STATE_PREEMPTED, 20, 0), &e));
	put(f, names, th, (e = ev(SEV_MIGRATE, T0 + 110000, 1, 123, 1, 0), &e));
	put(f, names, th, (e = sw(T0 + 111000, 1, 20, 0, S, 555, -1), &e));
	put(f, names, th, (e = sw(T0 + 112000, 0, 456, 120, D, 123, 120), &e));
	put(f, names, th, (e = sw(T0 + 113000, 0, 123, 120, I, 42, 139), &e));
	put(f, names, th, (e = sw(T0 + 114000, 0, 42, 139, X, 0, 120), &e));
	assert_int_equal(systrace_out__lost(f, 1, 7), 0);
	/* Seconds past five digits widen the column, as %5lu does. */
	put(f, names, th, (e = sw(123456000000999ull, 1, 555, -1, S | D, 0, 120), &e));
	/* A scan that found nothing on CPU 2: its idle task ran there. */
	thist__on_snap(th, &snap);
	put(f, names, th, (e = ev(SEV_WAKING, 5000000000ull, 2, 123, 2, 0), &e));
	/* Kinds ftrace has no sched_* line for here write nothing. */
	put(f, names, th, (e = ev(SEV_EXIT, T0, 0, 123, 0, 0), &e));
	put(f, names, th, (e = ev(SEV_RENAME, T0, 0, 123, 0, 0), &e));
	fclose(f);
	assert_string_equal(buf, want_systrace);
	free(buf);
	thist__free(th);
	tasktab__free(names);
}

/*
 * What the header says of the recording. The column legend under it is the
 * kernel's own: tests/integration/test_export.py holds it against a live
 * kernel's, so it is not copied here.
 */
static void systrace_header_names_the_recording(void **state)
{
	static const char head[] = "# tracer: nop\n"
				   "#\n"
				   "# schedscope export of rec?.ssr; trace_clock: mono "
				   "(CLOCK_MONOTONIC); flags not recorded   #P:4\n"
				   "#\n";
	char *buf = NULL;
	size_t len = 0, lines = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(systrace_out__header(f, "rec\n.ssr", 4), 0);
	fclose(f);
	assert_memory_equal(buf, head, sizeof(head) - 1);
	/* Then the legend: whole comment lines, eight of them. */
	assert_int_equal(buf[len - 1], '\n');
	for (const char *p = buf + sizeof(head) - 1; *p; p = strchr(p, '\n') + 1, lines++)
		assert_int_equal(*p, '#');
	assert_int_equal(lines, 8);
	free(buf);
}

static void chrome_document(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(chrome_out__begin(f, 2), 0);
	assert_int_equal(
		chrome_out__slice(f, 1, T0, T0 + 2310, "ss\"load", 20113, 20110, 120, "S", NULL),
		0);
	assert_int_equal(chrome_out__slice(f, 0, 5000000001ull, 5000001000ull, "x\x01", 7, 7, -1,
					   "R+", "start"),
			 0);
	assert_int_equal(chrome_out__slice(f, 0, 7000, 7000, "y", 8, 8, 99, NULL, "end"), 0);
	assert_int_equal(chrome_out__end(f), 0);
	fclose(f);
	assert_string_equal(buf,
			    "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n"
			    "{\"ph\":\"M\",\"pid\":4194305,\"tid\":0,\"name\":\"process_name\","
			    "\"args\":{\"name\":\"CPUs\"}}\n"
			    ",{\"ph\":\"M\",\"pid\":4194305,\"tid\":0,\"name\":\"thread_name\","
			    "\"args\":{\"name\":\"CPU 0\"}}\n"
			    ",{\"ph\":\"M\",\"pid\":4194305,\"tid\":0,\"name\":\"thread_sort_"
			    "index\",\"args\":{\"sort_index\":0}}\n"
			    ",{\"ph\":\"M\",\"pid\":4194305,\"tid\":1,\"name\":\"thread_name\","
			    "\"args\":{\"name\":\"CPU 1\"}}\n"
			    ",{\"ph\":\"M\",\"pid\":4194305,\"tid\":1,\"name\":\"thread_sort_"
			    "index\",\"args\":{\"sort_index\":1}}\n"
			    ",{\"ph\":\"X\",\"pid\":4194305,\"tid\":1,\"ts\":1234567890.123,"
			    "\"dur\":2.310,\"name\":\"ss\\\"load\",\"cat\":\"sched\",\"args\":{"
			    "\"tid\":20113,\"pid\":20110,\"prio\":120,\"end_state\":\"S\"}}\n"
			    ",{\"ph\":\"X\",\"pid\":4194305,\"tid\":0,\"ts\":5000000.001,\"dur\":0."
			    "999,\"name\":\"x\\u0001\",\"cat\":\"sched\",\"args\":{\"tid\":7,"
			    "\"pid\":7,\"prio\":-1,\"end_state\":\"R+\",\"clipped\":\"start\"}}\n"
			    ",{\"ph\":\"X\",\"pid\":4194305,\"tid\":0,\"ts\":7.000,\"dur\":0.000,"
			    "\"name\":\"y\",\"cat\":\"sched\",\"args\":{\"tid\":8,\"pid\":8,"
			    "\"prio\":99,\"clipped\":\"end\"}}\n"
			    "]}\n");
	free(buf);
}

/* A write that fails is an error, not silence. */
static void writers_report_a_failed_write(void **state)
{
	FILE *f = fopen("/dev/full", "w");
	struct tasktab *names = tasktab__new(4);
	struct thist *th = thist__new(1);
	struct sev e = sw(T0, 0, 0, 120, 0, 0, 120);

	(void)state;
	if (!f) {
		thist__free(th);
		tasktab__free(names);
		skip();
		return;
	}
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(systrace_out__header(f, "x", 1), -5);
	assert_int_equal(systrace_out__event(f, &e, names, th), -5);
	assert_int_equal(chrome_out__begin(f, 1), -5);
	fclose(f);
	thist__free(th);
	tasktab__free(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(systrace_lines_as_ftrace_prints_them),
		cmocka_unit_test(systrace_header_names_the_recording),
		cmocka_unit_test(chrome_document),
		cmocka_unit_test(writers_report_a_failed_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
