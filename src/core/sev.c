// SPDX-License-Identifier: GPL-2.0
#include "sev.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const type_names[SEV_NR_TYPES] = {
	[SEV_SWITCH] = "switch", [SEV_WAKING] = "waking",   [SEV_WAKEUP] = "wakeup",
	[SEV_WAKEUP_NEW] = "new", [SEV_MIGRATE] = "migrate", [SEV_FORK] = "fork",
	[SEV_EXEC] = "exec",	 [SEV_EXIT] = "exit",	    [SEV_PRIO] = "prio",
	[SEV_RENAME] = "rename",
};

const char *sev__type_name(uint32_t type)
{
	return type < SEV_NR_TYPES && type_names[type] ? type_names[type] : "unknown";
}

static int name_mask(const char *name, size_t len, uint32_t *mask)
{
	if (len == 3 && !strncmp(name, "all", 3)) {
		*mask = SEV_ALL_MASK;
		return 0;
	}
	if (len == 7 && !strncmp(name, "default", 7)) {
		*mask = SEV_DEFAULT_MASK;
		return 0;
	}
	for (uint32_t t = 1; t < SEV_NR_TYPES; t++)
		if (strlen(type_names[t]) == len && !strncmp(type_names[t], name, len)) {
			*mask = SEV_MASK(t);
			return 0;
		}
	return -EINVAL;
}

int sev__parse_mask(const char *s, uint32_t *mask, const char **bad)
{
	uint32_t all = 0;
	const char *p = s;

	for (;;) {
		size_t len = strcspn(p, ",");
		uint32_t m;

		if (name_mask(p, len, &m)) {
			*bad = p;
			return -EINVAL;
		}
		all |= m;
		if (!p[len])
			break;
		p += len + 1;
	}
	*mask = all;
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
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%c", n ? "|" : "", letters[i]);
	}
	if (!n)
		n = (size_t)snprintf(buf, len, "R");
	if ((state & SEV_STATE_PREEMPTED) && n < len)
		snprintf(buf + n, len - n, "+");
	return buf;
}
