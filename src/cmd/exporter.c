// SPDX-License-Identifier: GPL-2.0
/*
 * schedscope exporter: Prometheus metrics per cgroup v2 and per CPU, built
 * afresh at each GET /metrics from the kernel's own counters.
 *
 * Everything runs on one thread: libmicrohttpd in its external epoll mode
 * is polled here, between drains of the exit records, so scrapes never
 * overlap (each is served whole before the next request is read) and a
 * slow client only holds its own connection (non-blocking sockets, a
 * connection limit and an idle timeout bound them).
 *
 * A scrape (gather()):
 *   1. the accounting session scans every thread (the task iterator) and
 *      collects the final counters of threads that exited (the ring);
 *   2. the cgroup v2 hierarchy is walked: ids to paths, expiry;
 *   3. each thread's growth since the last scrape goes to its cgroup's
 *      series (core/acct turns cumulative counters into deltas);
 *   4. each cgroup's in-kernel latency histogram is read, its growth added;
 *   5. per-CPU counters, losses and the programs' cost; then the text.
 */
#include "cli.h"
#include "cmd/commands.h"

#ifdef SCHEDSCOPE_NO_HTTP
/*
 * The static build links no HTTP server when Debian's archives cannot
 * give one (libgnutls.a needs p11-kit, shipped only as a shared library).
 */
int exporter__run(const struct cli *cli)
{
	(void)cli;
	cli__err("this build has no HTTP server, so no exporter (the static build could not "
		 "link libmicrohttpd): run the dynamically linked schedscope");
	return 1;
}
#else

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dlfcn.h>
#include <microhttpd.h>

/* The Makefile reads it from the development library; Debian 12's, else. */
#ifndef MHD_SONAME
#define MHD_SONAME "libmicrohttpd.so.12"
#endif

#include "core/acct.h"
#include "core/cgstat.h"
#include "core/cgwalk.h"
#include "core/cpustat.h"
#include "core/report.h"
#include "out/exporter_out.h"
#include "out/prom_out.h"
#include "session/latsession.h"
#include "session/session.h"
#include "session/stop.h"

#ifndef SCHEDSCOPE_VERSION
#define SCHEDSCOPE_VERSION "unknown"
#endif

#define DEFAULT_LISTEN "127.0.0.1:9110"
#define DEFAULT_DEPTH 4
#define DEFAULT_MAX_SERIES 20000
/* The kernel's per-cgroup histograms: 3.7 MB a CPU at most. */
#define MAX_KERNEL_CGROUPS 16384
#define DEFAULT_EXPIRY_S 300.0
/* Exit records are drained at least this often (they ask for no wake-up). */
#define DRAIN_MS 100
/* The cgroup hierarchy is walked at least this often, scrapes or not. */
#define WALK_NS 1000000000ull
/* A client holds a connection at most this long idle, and so many at once. */
#define CONN_TIMEOUT_S 10
#define CONN_LIMIT 32
#define MAX_COSTS 32
#define MAX_LOSSES 20

struct exporter {
	const struct cli *cli;
	struct session *s;
	struct latsession *lat;
	struct acct *acct;
	struct cpustat *cpustat;
	struct cpu_row *rows;
	struct exp_cpu *cpus;
	uint32_t nr_cpus;
	struct cgstat *cg;
	char cgroot[PATH_MAX];
	uint64_t last_ns; /* the last per-CPU sample */
	uint64_t scrapes;
	uint64_t last_walk_ns;
	bool walk_failed; /* said once, not at every walk */
	struct exp_cost costs[MAX_COSTS];
	size_t nr_costs;
	struct exp_loss losses[MAX_LOSSES];
	size_t nr_losses;
};

/*
 * --listen: "ADDR:PORT", "[V6ADDR]:PORT" or ":PORT" (every address) into
 * host (NULL for every address) and port. Returns false if malformed.
 */
static bool split_listen(const char *spec, char *host, size_t hlen, char *port, size_t plen,
			 bool *any)
{
	const char *colon = strrchr(spec, ':'), *h = spec;
	size_t n;
	char *end;
	long p;

	if (!colon || !colon[1])
		return false;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno || *end || p < 1 || p > 65535 || colon[1] == '+' || colon[1] == '-')
		return false;
	snprintf(port, plen, "%ld", p);
	n = (size_t)(colon - spec);
	if (n >= 2 && spec[0] == '[' && spec[n - 1] == ']') {
		h++;
		n -= 2;
	} else if (memchr(spec, ':', n)) {
		return false; /* an IPv6 address needs its brackets */
	}
	if (n >= hlen)
		return false;
	memcpy(host, h, n);
	host[n] = '\0';
	*any = n == 0;
	return true;
}

/* The listening socket, bound: a clear error before anything is loaded. */
static int open_listener(const char *spec, int *exit_code)
{
	struct addrinfo hints, *res = NULL, *ai;
	char host[256], port[8];
	int fd = -1, err = 0, one = 1;
	bool any;

	*exit_code = EXIT_USAGE;
	if (!split_listen(spec, host, sizeof(host), port, sizeof(port), &any)) {
		cli__err("invalid --listen '%s': give ADDR:PORT (127.0.0.1:9110, [::1]:9110, "
			 ":9110 for every address)",
			 spec);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	err = getaddrinfo(any ? NULL : host, port, &hints, &res);
	if (err) {
		cli__err("invalid --listen '%s': cannot resolve '%s': %s", spec, host,
			 gai_strerror(err));
		return -1;
	}
	*exit_code = 1;
	/* AI_PASSIVE lists IPv6's any first where it exists: with V6ONLY off, both. */
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ai->ai_family == AF_INET6) {
			int off = 0;

			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
		}
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 64)) {
			err = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd >= 0)
		return fd;
	if (err == EADDRINUSE)
		cli__err("cannot listen on %s: address already in use (another exporter? see "
			 "'ss -ltnp'; or choose another with --listen)",
			 spec);
	else if (err == EADDRNOTAVAIL)
		cli__err("cannot listen on %s: not an address of this host (see 'ip addr')", spec);
	else if (err == EACCES)
		cli__err("cannot listen on %s: permission denied (ports below 1024 need "
			 "CAP_NET_BIND_SERVICE)",
			 spec);
	else
		cli__err("cannot listen on %s: %s", spec, strerror(err));
	return -1;
}

/*
 * --cgroup-root, checked, or the cgroup2 mount of mountinfo. In a container
 * the hierarchy of its own cgroup namespace is mounted there: the host's
 * is the one bind-mounted elsewhere and named with --cgroup-root.
 */
static int find_cgroup_root(struct exporter *e)
{
	FILE *f;
	int err;

	if (e->cli->cgroup_root) {
		const char *dir = e->cli->cgroup_root;
		struct stat st;

		if (stat(dir, &st))
			err = -errno;
		else if (!S_ISDIR(st.st_mode))
			err = -ENOTDIR;
		else
			err = access(dir, R_OK | X_OK) ? -errno : 0;
		if (err)
			cli__err("cannot use --cgroup-root %s: %s", dir, strerror(-err));
		else
			snprintf(e->cgroot, sizeof(e->cgroot), "%s", dir);
		return err;
	}
	f = fopen("/proc/self/mountinfo", "r");
	if (!f) {
		err = -errno;
		cli__err("cannot read /proc/self/mountinfo: %s", strerror(-err));
		return err;
	}
	err = cgwalk__v2_mount(f, e->cgroot, sizeof(e->cgroot));
	fclose(f);
	if (err)
		cli__err("no cgroup v2 file system is mounted (mount -t cgroup2 none "
			 "/sys/fs/cgroup/unified, or boot with systemd's unified or hybrid "
			 "hierarchy)");
	return err;
}

static int on_cgroup(void *ctx, uint64_t id, const char *path)
{
	return cgstat__see(ctx, id, path);
}

static void forget_cgroup(void *ctx, uint64_t id)
{
	latsession__forget_cgroup(ctx, id);
}

static void on_delta(const struct acct_delta *d, void *ctx)
{
	cgstat__add(ctx, d->cgroup_id, &d->d);
}

static void on_hist(void *ctx, uint64_t id, const struct cg_hist *h)
{
	cgstat__hist(ctx, id, h);
}

static void on_cost(void *ctx, const char *prog, uint64_t run_ns, uint64_t runs)
{
	struct exporter *e = ctx;
	struct exp_cost *c;

	if (e->nr_costs >= MAX_COSTS)
		return;
	c = &e->costs[e->nr_costs++];
	snprintf(c->prog, sizeof(c->prog), "%s", prog);
	c->run_ns = run_ns;
	c->runs = runs;
}

static void add_loss(struct exporter *e, const char *what, uint64_t n)
{
	if (e->nr_losses < MAX_LOSSES)
		e->losses[e->nr_losses++] = (struct exp_loss){ what, n };
}

static void gather_losses(struct exporter *e)
{
	struct report_losses l;
	struct lat_stat ls;

	session__losses(e->s, &l);
	acct__report_losses(e->acct, &l);
	latsession__stats(e->lat, &ls);
	e->nr_losses = 0;
	add_loss(e, "untraced_switches", l.untraced_switches);
	add_loss(e, "idle_untraced", l.idle_untraced);
	add_loss(e, "exit_drops", l.exit_drops);
	add_loss(e, "task_storage", l.storage_fail + ls.storage_fail);
	add_loss(e, "untracked_threads", l.untracked_threads);
	add_loss(e, "late_threads", l.late_threads);
	add_loss(e, "vanished_threads", l.vanished_threads);
	add_loss(e, "folded_threads", l.folded_threads);
	add_loss(e, "waits_unbased", ls.unbased);
	add_loss(e, "waits_unsplit", ls.missed);
	add_loss(e, "cgroup_table_full", ls.table_full);
}

static int read_bpf_stats_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "r");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* The per-CPU growth since the last scrape, into the running totals. */
static void add_cpus(struct exporter *e, uint64_t now)
{
	uint64_t window = now - e->last_ns;

	cpustat__close(e->cpustat, window, e->rows);
	e->last_ns = now;
	for (uint32_t c = 0; c < e->nr_cpus; c++) {
		const struct cpu_sample *d = &e->rows[c].d;
		struct exp_cpu *x = &e->cpus[c];

		x->switches += d->switches;
		x->idle_ns += d->idle_ns;
		x->busy_ns += window > d->idle_ns ? window - d->idle_ns : 0;
		x->migrations_in += d->migrations_in;
		x->migrations_out += d->migrations_out;
		x->wait_ns += d->wait_ns;
		x->waits += d->waits;
	}
}

/*
 * Step 2: ids to paths, and expiry. Also run between scrapes (WALK_MS), so
 * that a cgroup living a second or more between two scrapes is known by the
 * time its threads' figures are folded.
 */
static void walk(struct exporter *e, uint64_t now)
{
	int err;

	cgstat__begin_walk(e->cg, now);
	err = cgwalk__walk(e->cgroot, on_cgroup, e->cg);
	if (err && !e->walk_failed)
		cli__err("cannot walk %s: %s (cgroups not found are counted as unresolved)",
			 e->cgroot, strerror(-err));
	e->walk_failed = err != 0;
	cgstat__end_walk(e->cg, forget_cgroup, e->lat);
	e->last_walk_ns = now;
}

/* Steps 1-5 of the head comment; the text in a malloc'd buffer, or NULL. */
static char *gather(struct exporter *e, enum prom_format fmt, size_t *len)
{
	uint64_t t0 = stop__now_ns();
	struct exp_report r;
	char *buf = NULL;
	FILE *f;

	if (session__sample(e->s, e->cpustat))
		return NULL;
	add_cpus(e, stop__now_ns());
	walk(e, t0);
	acct__close(e->acct, on_delta, e->cg);
	if (latsession__read_cgroups(e->lat, on_hist, e->cg))
		return NULL;
	gather_losses(e);
	e->nr_costs = 0;
	session__prog_costs(e->s, on_cost, e);
	latsession__prog_costs(e->lat, on_cost, e);
	e->scrapes++;
	r = (struct exp_report){
		.cg = e->cg,
		.cpus = e->cpus,
		.nr_cpus = e->nr_cpus,
		.losses = e->losses,
		.nr_losses = e->nr_losses,
		.costs = e->costs,
		.nr_costs = e->nr_costs,
		.bpf_stats_enabled = read_bpf_stats_enabled(),
		.tasks = acct__size(e->acct),
		.scrapes = e->scrapes,
		.version = SCHEDSCOPE_VERSION,
	};
	r.gather_ns = stop__now_ns() - t0;
	f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	exporter_out__write(f, fmt, &r);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * libmicrohttpd, loaded by the exporter when it starts rather than linked:
 * it brings GnuTLS and eight more libraries, whose pages (2.4 MB of RSS)
 * and constructors every other command would pay for.
 */
static struct {
	void *lib;
	__typeof__(&MHD_start_daemon) start_daemon;
	__typeof__(&MHD_stop_daemon) stop_daemon;
	__typeof__(&MHD_run) run;
	__typeof__(&MHD_get_daemon_info) get_daemon_info;
	__typeof__(&MHD_lookup_connection_value) lookup_connection_value;
	__typeof__(&MHD_create_response_from_buffer) create_response_from_buffer;
	__typeof__(&MHD_add_response_header) add_response_header;
	__typeof__(&MHD_queue_response) queue_response;
	__typeof__(&MHD_destroy_response) destroy_response;
} mhd;

/* POSIX's way to take a function from dlsym()'s void *. */
#define MHD_SYM(f) (*(void **)&mhd.f = dlsym(mhd.lib, "MHD_" #f))

static int load_mhd(void)
{
	mhd.lib = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!mhd.lib) {
		cli__err("cannot load the exporter's HTTP library: %s (Debian: apt-get install "
			 "libmicrohttpd12)",
			 dlerror());
		return -1;
	}
	if (MHD_SYM(start_daemon) && MHD_SYM(stop_daemon) && MHD_SYM(run) &&
	    MHD_SYM(get_daemon_info) && MHD_SYM(lookup_connection_value) &&
	    MHD_SYM(create_response_from_buffer) && MHD_SYM(add_response_header) &&
	    MHD_SYM(queue_response) && MHD_SYM(destroy_response))
		return 0;
	cli__err("%s lacks a function the exporter calls: %s", MHD_SONAME, dlerror());
	dlclose(mhd.lib);
	return -1;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     char *body, size_t len, bool owned)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = mhd.create_response_from_buffer(
		len, body, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		if (owned)
			free(body);
		return MHD_NO;
	}
	mhd.add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = mhd.queue_response(c, status, resp);
	mhd.destroy_response(resp);
	return ret;
}

static const char index_page[] =
	"<html><head><title>schedscope exporter</title></head><body>\n"
	"<h1>schedscope exporter</h1>\n<p><a href=\"/metrics\">Metrics</a></p>\n</body></html>\n";
static const char not_found[] = "404 not found: try /metrics\n";
static const char not_allowed[] = "405 method not allowed: GET or HEAD only\n";
static const char failed[] = "500 the scrape failed: see the exporter's log\n";

/* Only GET (and HEAD) of /metrics and /; answered at the first call, body or not. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct exporter *e = cls;
	enum prom_format fmt;
	char *body;
	size_t len = 0;

	(void)version;
	(void)upload;
	(void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		*upload_size = 0;
		fprintf(stderr, "schedscope: refused %.16s %.128s: method not allowed\n", method,
			url);
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", (char *)not_allowed,
			     sizeof(not_allowed) - 1, false);
	}
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, "text/html", (char *)index_page,
			     sizeof(index_page) - 1, false);
	if (strcmp(url, "/metrics") != 0)
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", (char *)not_found,
			     sizeof(not_found) - 1, false);
	fmt = prom__negotiate(
		mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT));
	body = gather(e, fmt, &len);
	if (!body)
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", (char *)failed,
			     sizeof(failed) - 1, false);
	return reply(c, MHD_HTTP_OK, prom__content_type(fmt), body, len, true);
}

/* libmicrohttpd's own complaints (malformed requests among them), one line each. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("schedscope: http: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', stderr);
}

static int open_sessions(struct exporter *e)
{
	const struct cli *cli = e->cli;
	struct session_opts so = { .threads = true,
				   .idle = true,
				   .waits = false,
				   .cpu_waits = true,
				   .verbose = cli->verbose,
				   .cpu = -1 };
	struct lat_opts lo = { .hist = LAT_HIST_CGROUP, .cli = cli };
	struct cgstat_opts co = {
		.depth = cli->cgroup_depth ? (unsigned)cli->cgroup_depth : DEFAULT_DEPTH,
		.include = cli->cgroup_include,
		.exclude = cli->cgroup_exclude,
		.max_series = cli->max_series ? cli->max_series : DEFAULT_MAX_SERIES,
		.expiry_ns = (uint64_t)((cli->cgroup_expiry_s > 0 ? cli->cgroup_expiry_s
								  : DEFAULT_EXPIRY_S) *
					1e9),
	};

	/*
	 * Room for every exported cgroup, and as many again removed but not yet
	 * expired; allocated up front on every CPU, so bounded whatever
	 * --max-series says (waits past it are counted as cgroup_table_full).
	 */
	lo.max_cgroups = (uint32_t)(2 * (co.max_series / CGSTAT_SERIES_PER_CGROUP) + 64);
	if (lo.max_cgroups > MAX_KERNEL_CGROUPS)
		lo.max_cgroups = MAX_KERNEL_CGROUPS;
	e->cg = cgstat__new(&co);
	e->acct = acct__new(cli->max_tasks);
	if (!e->cg || !e->acct) {
		cli__err("out of memory");
		return -ENOMEM;
	}
	e->s = session__open(&so);
	if (!e->s)
		return -EPERM;
	e->lat = latsession__open(&lo);
	if (!e->lat)
		return -EPERM;
	e->nr_cpus = session__nr_cpus(e->s);
	e->cpustat = cpustat__new(e->nr_cpus);
	e->rows = calloc(e->nr_cpus, sizeof(*e->rows));
	e->cpus = calloc(e->nr_cpus, sizeof(*e->cpus));
	if (!e->cpustat || !e->rows || !e->cpus) {
		cli__err("out of memory");
		return -ENOMEM;
	}
	session__bind_acct(e->s, e->acct);
	e->last_ns = stop__now_ns();
	return session__baseline(e->s, e->last_ns, e->cpustat);
}

static void close_all(struct exporter *e)
{
	latsession__close(e->lat);
	session__close(e->s);
	acct__free(e->acct);
	cgstat__free(e->cg);
	cpustat__free(e->cpustat);
	free(e->rows);
	free(e->cpus);
}

/* Serve until a stop request or -d; the one thread of the head comment. */
static int serve(struct exporter *e, struct MHD_Daemon *d, const char *spec)
{
	const union MHD_DaemonInfo *info = mhd.get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
	uint64_t end = UINT64_MAX;
	struct pollfd pfd;

	if (!info) {
		cli__err("libmicrohttpd gave no epoll descriptor");
		return 1;
	}
	if (e->cli->duration_s > 0)
		end = stop__now_ns() + (uint64_t)(e->cli->duration_s * 1e9);
	pfd.fd = info->epoll_fd;
	pfd.events = POLLIN;
	/* The readiness line: every program is attached and the socket listens. */
	fprintf(stderr, "Serving http://%s/metrics (cgroup v2 at %s)... Hit Ctrl-C to end.\n", spec,
		e->cgroot);
	fflush(stderr);
	while (!stop__requested() && stop__now_ns() < end) {
		/* EINTR is a stop request, or nothing: either way, look again. */
		uint64_t now;

		poll(&pfd, 1, DRAIN_MS);
		session__drain(e->s);
		now = stop__now_ns();
		if (now - e->last_walk_ns >= WALK_NS)
			walk(e, now);
		if (mhd.run(d) == MHD_NO) {
			cli__err("the HTTP server failed");
			return 1;
		}
	}
	return 0;
}

int exporter__run(const struct cli *cli)
{
	const char *spec = cli->listen ? cli->listen : DEFAULT_LISTEN;
	struct exporter e = { .cli = cli };
	struct MHD_Daemon *d = NULL;
	int fd, ret = 1;

	if (load_mhd())
		return 1;
	fd = open_listener(spec, &ret);
	if (fd < 0)
		goto unload;
	ret = 1;
	if (find_cgroup_root(&e) || open_sessions(&e))
		goto out;
	d = mhd.start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, &e,
			     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET,
			     fd, MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_LIMIT,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT_S,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 << 10),
			     MHD_OPTION_END);
	if (!d) {
		cli__err("cannot start the HTTP server (libmicrohttpd) on %s", spec);
		goto out;
	}
	fd = -1; /* the daemon's now */
	ret = serve(&e, d, spec);
out:
	if (d)
		mhd.stop_daemon(d);
	if (fd >= 0)
		close(fd);
	close_all(&e);
unload:
	dlclose(mhd.lib);
	return ret;
}

#endif /* SCHEDSCOPE_NO_HTTP */
