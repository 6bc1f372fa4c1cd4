// SPDX-License-Identifier: GPL-2.0
#include "session/stop.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t requested;

static void on_signal(int sig)
{
	(void)sig;
	requested = 1;
}

void stop__install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/*
	 * Restart what a stop request interrupts: stdio drops the rest of its
	 * buffer when a write() to a full pipe fails with EINTR, so a stream
	 * would end cut short. The waits still return at once: epoll_wait()
	 * and nanosleep() are never restarted.
	 */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void stop__request(void)
{
	requested = 1;
}

bool stop__requested(void)
{
	return requested;
}
