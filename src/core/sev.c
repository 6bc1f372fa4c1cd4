// SPDX-License-Identifier: GPL-2.0
#include "sev.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "probes.h"

static const char *const type_names[SEV_NR_TYPES] = {
	[SEV_SWITCH] = "switch",  [SEV_WAKING] = "waking",   [SEV_WAKEUP] = "wakeup",
	[SEV_WAKEUP_NEW] = "new", [SEV_MIGRATE] = "migrate", [SEV_FORK] = "fork",
	[SEV_EXEC] = "exec",	  [SEV_EXIT] = "exit",	     [SEV_PRIO] = "prio",
	[SEV_RENAME] = "rename",  [SEV_PROBE] = "probe",
};

const char *sev__type_name(uint32_t type)
{
	return type < SEV_NR_TYPES && type_names[type] ? type_names[type] : "unknown";
}

const char *sev__name(const struct sev *e)
{
	if (e->type == SEV_PROBE)
		return e->probe < SS_NR_PROBES ? probe_descs[e->probe].name : "unknown";
	return sev__type_name(e->type);
}

static int name_mask(const char *name, size_t len, uint32_t *mask, uint32_t *probes)
{
	size_t plen = strlen(PROBES_DTRACE_PREFIX);
	int probe;

	if (len > plen && !strncmp(name, PROBES_DTRACE_PREFIX, plen)) {
		probe = probes__lookup(name + plen, len - plen);
		if (probe < 0)
			return -EINVAL;
		*probes |= 1u << probe;
		return 0;
	}
	if (len == 3 && !strncmp(name, "all", 3)) {
		*mask |= SEV_ALL_MASK;
		return 0;
	}
	if (len == 7 && !strncmp(name, "default", 7)) {
		*mask |= SEV_DEFAULT_MASK;
		return 0;
	}
	/* The kinds first: "wakeup" stays sched_wakeup, as it always was. */
	for (uint32_t t = 1; t < SEV_NR_TYPES; t++)
		if (t != SEV_PROBE && strlen(type_names[t]) == len &&
		    !strncmp(type_names[t], name, len)) {
			*mask |= SEV_MASK(t);
			return 0;
		}
	probe = probes__lookup(name, len);
	if (probe < 0)
		return -EINVAL;
	*probes |= 1u << probe;
	return 0;
}

int sev__parse_mask(const char *s, uint32_t *mask, uint32_t *probes, const char **bad)
{
	uint32_t kinds = 0, ps = 0;
	const char *p = s;

	for (;;) {
		size_t len = strcspn(p, ",");

		if (name_mask(p, len, &kinds, &ps)) {
			*bad = p;
			return -EINVAL;
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	*mask = kinds;
	*probes = ps;
	return 0;
}

const char *sev__state_str(uint32_t state, char *buf, size_t len)
{
	static const char letters[] = SEV_STATE_LETTERS;
	size_t n = 0;

	if (!len)
		return buf;
	buf[0] = 0;
	/* As ftrace's sched_switch: the letters joined by '|', "R" for none, then "+" if preempted. */
	for (unsigned int i = 0; i < sizeof(letters) - 1; i++) {
		if (!(state & (1u << i)))
			continue;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%c", n ? "|" : "",
				      letters[i]);
	}
	if (!n)
		n = (size_t)snprintf(buf, len, "R");
	if ((state & SEV_STATE_PREEMPTED) && n < len)
		snprintf(buf + n, len - n, "+");
	return buf;
}
