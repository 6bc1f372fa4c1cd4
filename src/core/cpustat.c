// SPDX-License-Identifier: GPL-2.0
#include "cpustat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct cpustat {
	uint32_t nr_cpus;
	struct cpu_sample *base;
	struct cpu_sample *cur;
	bool *based;
};

struct cpustat *cpustat__new(uint32_t nr_cpus)
{
	struct cpustat *cs;

	if (!nr_cpus) {
		errno = EINVAL;
		return NULL;
	}
	cs = calloc(1, sizeof(*cs));
	if (!cs)
		return NULL;
	cs->nr_cpus = nr_cpus;
	cs->base = calloc(nr_cpus, sizeof(*cs->base));
	cs->cur = calloc(nr_cpus, sizeof(*cs->cur));
	cs->based = calloc(nr_cpus, sizeof(*cs->based));
	if (!cs->base || !cs->cur || !cs->based) {
		cpustat__free(cs);
		errno = ENOMEM;
		return NULL;
	}
	return cs;
}

void cpustat__free(struct cpustat *cs)
{
	if (!cs)
		return;
	free(cs->base);
	free(cs->cur);
	free(cs->based);
	free(cs);
}

uint32_t cpustat__nr_cpus(const struct cpustat *cs)
{
	return cs->nr_cpus;
}

void cpustat__sample(struct cpustat *cs, uint32_t cpu, const struct cpu_sample *s)
{
	if (cpu >= cs->nr_cpus)
		return;
	cs->cur[cpu] = *s;
	if (!cs->based[cpu]) {
		cs->base[cpu] = *s;
		cs->based[cpu] = true;
	}
}

static uint64_t sub(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

void cpustat__close(struct cpustat *cs, uint64_t duration_ns, struct cpu_row *rows)
{
	for (uint32_t cpu = 0; cpu < cs->nr_cpus; cpu++) {
		const struct cpu_sample *c = &cs->cur[cpu], *b = &cs->base[cpu];
		struct cpu_row *r = &rows[cpu];
		double idle;

		memset(r, 0, sizeof(*r));
		r->cpu = cpu;
		r->d.switches = sub(c->switches, b->switches);
		r->d.traced_switches = sub(c->traced_switches, b->traced_switches);
		r->d.idle_ns = sub(c->idle_ns, b->idle_ns);
		r->d.idle_exits = sub(c->idle_exits, b->idle_exits);
		r->d.wait_ns = sub(c->wait_ns, b->wait_ns);
		r->d.waits = sub(c->waits, b->waits);
		r->d.migrations_in = sub(c->migrations_in, b->migrations_in);
		r->d.migrations_out = sub(c->migrations_out, b->migrations_out);
		r->d.wait_max_ns = c->wait_max_ns;
		if (duration_ns) {
			r->switches_per_sec = (double)r->d.switches * 1e9 / (double)duration_ns;
			idle = (double)r->d.idle_ns * 100.0 / (double)duration_ns;
			/* Two clocks read microseconds apart can overshoot by a hair. */
			if (idle > 100.0)
				idle = 100.0;
			r->idle_pct = idle;
			r->busy_pct = 100.0 - idle;
		}
		cs->base[cpu] = *c;
	}
}
