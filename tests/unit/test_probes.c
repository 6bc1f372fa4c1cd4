// SPDX-License-Identifier: GPL-2.0
/*
 * The sched provider's probe lists and --by keys, as count parses them, and
 * -e of trace and record, where they mix with the event kinds.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/probes.h"
#include "core/sev.h"

static void test_parse(void **state)
{
	uint32_t mask, by;
	char bad[16];

	(void)state;
	assert_int_equal(probes__parse("on-cpu", &mask, bad, sizeof(bad)), 0);
	assert_int_equal(mask, 1u << SS_P_ON_CPU);
	assert_int_equal(probes__parse("surrender,on-cpu,tick", &mask, bad, sizeof(bad)), 0);
	assert_int_equal(mask, 1u << SS_P_ON_CPU | 1u << SS_P_TICK | 1u << SS_P_SURRENDER);
	/* DTrace's full names too, as trace -e takes them. */
	assert_int_equal(probes__parse("sched:::on-cpu,tick", &mask, bad, sizeof(bad)), 0);
	assert_int_equal(mask, 1u << SS_P_ON_CPU | 1u << SS_P_TICK);
	assert_int_equal(probes__parse("sched:::", &mask, bad, sizeof(bad)), -1);
	assert_int_equal(probes__parse("on-cpu,oncpu", &mask, bad, sizeof(bad)), -1);
	assert_string_equal(bad, "oncpu");
	assert_int_equal(probes__parse("on-cpu,", &mask, bad, sizeof(bad)), -1);
	assert_string_equal(bad, "");
	assert_int_equal(probes__parse("on-cpu-and-a-very-long-name", &mask, bad, 8), -1);
	assert_string_equal(bad, "on-cpu-");
	assert_int_equal(probes__parse_by("comm,cpu,probe", &by, bad, sizeof(bad)), 0);
	assert_int_equal(by, SS_BY_COMM | SS_BY_CPU);
	assert_int_equal(probes__parse_by("pid,tids", &by, bad, sizeof(bad)), -1);
	assert_string_equal(bad, "tids");
	/* preempt's and migrations' keys: the thread's only. */
	assert_int_equal(probes__parse_task_by("tid,comm", &by), 0);
	assert_int_equal(by, SS_BY_TID | SS_BY_COMM);
	assert_int_equal(probes__parse_task_by("pid,cpu", &by), -1);
	assert_int_equal(probes__parse_task_by("probe", &by), -1);
	assert_int_equal(probes__parse_task_by("tids", &by), -1);
	/* Every probe name parses to its own bit, and needs some hook. */
	for (unsigned int p = 0; p < SS_NR_PROBES; p++) {
		assert_int_equal(probes__parse(probe_descs[p].name, &mask, bad, sizeof(bad)), 0);
		assert_int_equal(mask, 1u << p);
		assert_true(probes__hooks(mask) != 0);
		assert_non_null(strstr(probes__names(), probe_descs[p].name));
	}
}

static void test_events_and_probes(void **state)
{
	uint32_t mask, probes;
	const char *bad = NULL, *list;

	(void)state;
	assert_int_equal(sev__parse_mask("switch,on-cpu,off-cpu", &mask, &probes, &bad), 0);
	assert_int_equal(mask, SEV_MASK(SEV_SWITCH));
	assert_int_equal(probes, 1u << SS_P_ON_CPU | 1u << SS_P_OFF_CPU);
	/* Probes alone: no kind, and not the default either (the command tells). */
	assert_int_equal(sev__parse_mask("tick", &mask, &probes, &bad), 0);
	assert_int_equal(mask, 0);
	assert_int_equal(probes, 1u << SS_P_TICK);
	/* "wakeup" stays the kind it always was; DTrace's full name is the probe. */
	assert_int_equal(sev__parse_mask("wakeup,sched:::wakeup,default", &mask, &probes, &bad), 0);
	assert_int_equal(mask, SEV_DEFAULT_MASK | SEV_MASK(SEV_WAKEUP));
	assert_int_equal(probes, 1u << SS_P_WAKEUP);
	assert_int_equal(sev__parse_mask("sched:::load-change,all", &mask, &probes, &bad), 0);
	assert_int_equal(mask, SEV_ALL_MASK);
	assert_int_equal(probes, 1u << SS_P_LOAD_CHANGE);
	/* The probe kind itself is not asked by name; nor a prefix without a probe. */
	list = "switch,probe";
	assert_int_equal(sev__parse_mask(list, &mask, &probes, &bad), -EINVAL);
	assert_ptr_equal(bad, list + 7);
	list = "sched:::,on-cpu";
	assert_int_equal(sev__parse_mask(list, &mask, &probes, &bad), -EINVAL);
	assert_ptr_equal(bad, list);
	list = "on-cpu,sched:::oncpu";
	assert_int_equal(sev__parse_mask(list, &mask, &probes, &bad), -EINVAL);
	assert_ptr_equal(bad, list + 7);
	/* Every probe by either name, and its event's name as trace shows it. */
	for (unsigned int p = 0; p < SS_NR_PROBES; p++) {
		char full[40];
		struct sev e = { .type = SEV_PROBE, .probe = p };

		snprintf(full, sizeof(full), "sched:::%s", probe_descs[p].name);
		assert_int_equal(sev__parse_mask(full, &mask, &probes, &bad), 0);
		assert_int_equal(probes, 1u << p);
		assert_string_equal(sev__name(&e), probe_descs[p].name);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_events_and_probes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
