// SPDX-License-Identifier: GPL-2.0
/*
 * opensnoop: each open(2), openat(2), openat2(2) and creat(2) with its
 * result, as an event (stream.bpf.h) or counted per path (counts.bpf.h);
 * with --rw, the reads and writes of the watched files' descriptors.
 *
 * Hooks are the classic syscalls:sys_{enter,exit}_X tracepoints: they fire
 * only for their own syscall, where raw_syscalls:sys_enter would run (and
 * cost) on every syscall of the machine.
 *
 *   sys_enter_X   the arguments kept in the thread's storage (pending)
 *   sys_exit_X    the name read, the path resolved, filtered, sent or counted
 *
 * The name is read at sys_exit, not at entry: at entry its page may not be
 * faulted in yet (bpftrace #2005 then shows it empty, as a BPF program may
 * not fault); by the exit the kernel's own getname() has copied it, so the
 * page is resident.
 *
 * The full path (-F, --path, --count with paths): an open that returned an
 * fd is named by that file's own path, the dentries and mounts walked up to
 * the root: `..` and symlinks come out resolved, as the kernel resolved
 * them. A failed open has no file: its name as given is put after the path
 * of its directory (the dirfd's file, or the cwd), `..` and symlinks in the
 * name left as written. Paths are from the root of the mount tree, not of a
 * chroot. The walk keeps at most PATH_DEPTH names and marks a path with
 * more truncated.
 *
 * The walk keeps where each name is, not its bytes. With --path the top
 * names are compared with each prefix's components first (open_logic.h):
 * an open no prefix can match ends there, nothing copied, so opens outside
 * the watched paths cost about what plain opensnoop's do. The others are
 * built and the exact string filter decides.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "abi.h"
#include "compat.bpf.h"
#include "open_logic.h"
#define COUNTS_KEY struct ss_open_key
#define COUNTS_NR_VALUES SS_OPEN_NR_VALUES
#include "counts.bpf.h"
#include "stream.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define AT_FDCWD_ -100
#define NAME_MAX_ 255
#define PATH_DEPTH 48
/* Steps that keep no name: the root's, and each mount crossed on the way. */
#define WALK_STEPS (PATH_DEPTH + 16)
#define NAMES_MASK 63 /* an index into scratch.names the verifier sees bounded */
/* The path is built right to left, ending at BUILD_END; the name follows it. */
#define BUILD_END SS_PATH_MAX
#define BUILD_MASK (2 * SS_PATH_MAX - 1)

/* Set by user space before load. */
const volatile bool failed_only; /* -x */
const volatile __u32 flag_mask;	 /* -f: any of these open flags */
const volatile bool full_path;	 /* -F, --path: resolve */
const volatile bool count_mode;	 /* --count, --rw: count, send nothing */
const volatile bool per_pid;	 /* -P, --rw: counts per process too */
const volatile bool rw;		 /* --rw */
const volatile __u32 nr_paths;	 /* --path */
const volatile struct ss_open_prefix paths[SS_MAX_PATHS];

struct open_args {
	const char *name;
	const struct open_how *how; /* openat2 */
	__s32 dfd;
	__u32 flags;
	__u32 mode;
	__u32 kind;
	__u32 live; /* set at entry, cleared at exit */
	__u32 pad;
};

/*
 * The open in progress, in the calling thread's own storage: after its
 * first open a thread finds it without hashing, locking or allocating,
 * where a hash keyed by tid cost an insert at entry and a delete at exit
 * (~70 ns an open of the ~110 the entry hook took). It goes with the task.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC_);
	__type(key, int);
	__type(value, struct open_args);
} pending SEC(".maps");

#define STORAGE_CREATE 1 /* BPF_LOCAL_STORAGE_GET_F_CREATE, of include/uapi/linux/bpf.h */

/* A name on the walk up: where it is in the kernel, and its length. */
struct walked_name {
	const unsigned char *name;
	__u32 len;
	__u32 pad;
};

/* What one exit works on: too big for the 512-byte stack. */
struct scratch {
	struct ss_open_event ev;
	struct ss_open_key key;
	struct walked_name names[NAMES_MASK + 1]; /* the lowest first */
	char build[2 * SS_PATH_MAX + NAME_MAX_ + 1];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

/* --rw: (tgid << 32 | fd) of a watched file open -> its counts key. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct ss_open_key);
} watched SEC(".maps");

/* --rw: a read or write of a watched fd in progress, in the thread's storage. */
struct rw_args {
	__u64 fd_key;
	__u32 write;
	__u32 live; /* set at entry, cleared at exit */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC_);
	__type(key, int);
	__type(value, struct rw_args);
} rw_pending SEC(".maps");

static __always_inline int on_enter(__u32 kind, long dfd, const char *name, long flags, long mode,
				    const void *how)
{
	struct open_args *a;

	if (!stream__wanted())
		return 0;
	a = bpf_task_storage_get(&pending, bpf_get_current_task_btf(), 0, STORAGE_CREATE);
	if (!a)
		return 0;
	a->name = name;
	a->how = how;
	a->dfd = (__s32)dfd;
	a->flags = (__u32)flags;
	a->mode = (__u32)mode;
	a->kind = kind;
	a->live = 1;
	return 0;
}

/* The file of descriptor fd of the current task, or NULL. */
static __always_inline struct file *fd_file(int fd)
{
	struct task_struct *t = bpf_get_current_task_btf();
	/* Loads through BTF pointers, where BPF_CORE_READ() is a helper call each. */
	struct fdtable *fdt = t->files->fdt;
	struct file **fds, *f = NULL;

	if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	fds = fdt->fd;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/*
 * What one step up reads, side by side in the kernel's structs: struct
 * dentry's d_parent then d_name, struct mount's mnt_parent, mnt_mountpoint,
 * then mnt (whose mnt_root comes first). One read each, where a read per
 * field cost ~15 ns; the layouts are checked at load (the offsets are CO-RE
 * constants, so the verifier drops the branch not taken).
 */
struct dentry_up {
	struct dentry *parent;
	struct qstr name;
};

struct mount_up {
	struct mount *parent;
	struct dentry *mountpoint;
	struct dentry *root;
};

static __always_inline void read_dentry_up(struct dentry *d, struct dentry_up *u)
{
	__u32 at = bpf_core_field_offset(struct dentry, d_parent);

	if (bpf_core_field_offset(struct dentry, d_name) == at + sizeof(void *)) {
		bpf_probe_read_kernel(u, sizeof(*u), (void *)d + at);
		return;
	}
	u->parent = BPF_CORE_READ(d, d_parent);
	bpf_core_read(&u->name, sizeof(u->name), &d->d_name);
}

static __always_inline void read_mount_up(struct mount *m, struct mount_up *u)
{
	__u32 at = bpf_core_field_offset(struct mount, mnt_parent);

	if (bpf_core_field_offset(struct mount, mnt_mountpoint) == at + sizeof(void *) &&
	    bpf_core_field_offset(struct mount, mnt) == at + 2 * sizeof(void *) &&
	    bpf_core_field_offset(struct vfsmount, mnt_root) == 0) {
		bpf_probe_read_kernel(u, sizeof(*u), (void *)m + at);
		return;
	}
	u->parent = BPF_CORE_READ(m, mnt_parent);
	u->mountpoint = BPF_CORE_READ(m, mnt_mountpoint);
	u->root = BPF_CORE_READ(m, mnt.mnt_root);
}

/* One walk up a path, as bpf_loop() steps it. */
struct walk {
	struct dentry *d;
	struct mount *mnt;
	struct mount_up up; /* mnt's */
	__u32 nr;	    /* names kept in scratch.names */
	__u32 bytes;	    /* their length as a path: a '/' and the name each */
	__u32 room;	    /* the bytes the path may take in scratch.build */
	__u32 flags;	    /* SS_PATH_TRUNC when cut */
	__u32 ended;	    /* the walk ended (bpf_loop()'s count cannot tell) */
};

static __always_inline long end_walk(struct walk *w)
{
	w->ended = 1;
	return 1;
}

/*
 * One step up: the dentry's name kept (where it is, not its bytes), or, at
 * its mount's root, on to the mountpoint in the parent mount. Ends the
 * loop (returns 1, w->ended set) at the root of the mount tree, or when
 * the name does not fit.
 *
 * A bpf_loop() callback is verified once; an open-coded loop was verified
 * per iteration and per path through it, past the verifier's 1M limit.
 */
static long walk_step(__u32 i, void *ctx)
{
	struct walk *w = ctx;
	struct dentry *d = w->d;
	struct dentry_up du;
	struct scratch *s;
	__u32 zero = 0, nr = w->nr;

	if (d == w->up.root) {
		struct mount *up = w->up.parent;

		if (up == w->mnt)
			return end_walk(w); /* the root of the mount tree */
		w->d = w->up.mountpoint;
		w->mnt = up;
		read_mount_up(up, &w->up);
		return 0;
	}
	read_dentry_up(d, &du);
	if (d == du.parent)
		return end_walk(w); /* the root of a tree mounted nowhere */
	s = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!s)
		return end_walk(w);
	if (nr >= PATH_DEPTH || du.name.len > NAME_MAX_ || w->bytes + du.name.len + 1 > w->room) {
		w->flags |= SS_PATH_TRUNC;
		return end_walk(w);
	}
	s->names[nr & NAMES_MASK].name = du.name.name;
	s->names[nr & NAMES_MASK].len = du.name.len;
	w->bytes += du.name.len + 1;
	w->nr = nr + 1;
	w->d = du.parent;
	return 0;
}

/*
 * Walk p up to the root of the mount tree, keeping its names in s->names,
 * the lowest first: see struct walk. Nothing is copied yet.
 */
static __always_inline void walk_up(struct walk *w, struct path *p, __u32 room)
{
	w->d = p->dentry;
	w->mnt = (void *)p->mnt - bpf_core_field_offset(struct mount, mnt);
	read_mount_up(w->mnt, &w->up);
	w->nr = 0;
	w->bytes = 0;
	w->room = room;
	w->flags = 0;
	w->ended = 0;
	bpf_loop(WALK_STEPS, walk_step, w, 0);
	/* Every step taken and still no root: across more mounts than we walk. */
	if (!w->ended)
		w->flags |= SS_PATH_TRUNC;
}

/* One --path against the walked names, as bpf_loop() steps the prefixes. */
struct prefix_check {
	__u32 nr;    /* names walked */
	__u32 alone; /* the path is the walked names alone, no name after them */
	__u32 hit;   /* set unless every prefix surely differs */
};

/* Prefix i against the top of the walk: open_logic.h says how. */
static long prefix_step(__u32 i, void *ctx)
{
	struct prefix_check *c = ctx;
	const struct ss_open_prefix *p;
	struct scratch *s;
	__u32 zero = 0, nr = c->nr, k;

	if (i >= SS_MAX_PATHS)
		return 1;
	p = (const struct ss_open_prefix *)&paths[i];
	k = p->nr_comps;
	if (k > nr) {
		/* Deeper than the path: only the name after the walk could match. */
		if (c->alone)
			return 0;
		c->hit = 1;
		return 1;
	}
	s = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!s) {
		c->hit = 1;
		return 1;
	}
	for (__u32 j = 0; j < SS_PREFIX_COMPS && j < k; j++) {
		__u32 at = nr - 1 - j, len;
		__u64 head = 0;

		len = s->names[at & NAMES_MASK].len;
		if (len != p->comp_len[j])
			return 0;
		bpf_probe_read_kernel(&head, len < 8 ? len : 8, s->names[at & NAMES_MASK].name);
		if (!open_logic__comp_may_equal(p, j, len, head))
			return 0;
	}
	c->hit = 1;
	return 1;
}

/* Where put_step() builds: ending at pos, in the event or in scratch.build. */
struct put {
	int pos;
	__u32 in_event;
};

/* Builds the path right to left from the walked names, as bpf_loop() steps them. */
static long put_step(__u32 i, void *ctx)
{
	struct put *put = ctx;
	int pos = put->pos;
	struct scratch *s;
	__u32 zero = 0, len;
	char *b;

	s = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!s)
		return 1;
	len = s->names[i & NAMES_MASK].len;
	/* The walk kept only names that fit: this tells the verifier. */
	if (len > NAME_MAX_ || pos < (int)len + 1 || pos > BUILD_END)
		return 1;
	pos -= len;
	/* The masks keep the verifier inside the map value, not inside the array. */
	b = put->in_event ? &s->ev.path[pos & (SS_PATH_MAX - 1)] : &s->build[pos & BUILD_MASK];
	bpf_probe_read_kernel(b, len & NAME_MAX_, s->names[i & NAMES_MASK].name);
	pos--;
	if (put->in_event)
		s->ev.path[pos & (SS_PATH_MAX - 1)] = '/';
	else
		s->build[pos & BUILD_MASK] = '/';
	put->pos = pos;
	return 0;
}

/*
 * The directory a failed open's name is relative to: its dirfd's, or the
 * cwd (open and creat have no dirfd). No dentry when the dirfd is bad.
 */
static __always_inline struct path open_dir(const struct open_args *a)
{
	struct path p = {};

	if (a->dfd == AT_FDCWD_ || a->kind == SS_OPEN_OPEN || a->kind == SS_OPEN_CREAT) {
		struct task_struct *t = bpf_get_current_task_btf();

		p = BPF_CORE_READ(t, fs, pwd);
	} else {
		struct file *f = fd_file(a->dfd);

		if (f)
			p = BPF_CORE_READ(f, f_path);
	}
	return p;
}

/*
 * The path into s->ev.path: the name alone, or resolved (see the head of
 * this file). Returns its length, or -1 when --path surely does not watch
 * it: the walk's names then stay uncopied (open_logic.h).
 */
static __always_inline long build_path(struct scratch *s, const struct open_args *a, long ret)
{
	struct ss_open_event *e = &s->ev;
	char *b = s->build;
	int pos = BUILD_END, end = BUILD_END;
	struct put put = {};
	struct path p = {};
	struct walk w;
	bool alone = true;
	long n;

	if (!full_path) {
		n = bpf_probe_read_user_str(e->path, sizeof(e->path), a->name);
		return n > 0 ? (__u32)n - 1 : 0;
	}
	e->path_flags |= SS_PATH_RESOLVED;
	if (ret >= 0) {
		struct file *f = fd_file((int)ret);

		if (f)
			p = BPF_CORE_READ(f, f_path);
	}
	/* The name is read only when it is part of the path: not for a file. */
	if (!p.dentry) {
		n = bpf_probe_read_user_str(&b[BUILD_END], SS_PATH_MAX, a->name);
		if (n <= 0)
			n = 1;
		end = BUILD_END + (int)n - 1;
		if (ret < 0 && b[BUILD_END] != '/') {
			p = open_dir(a);
			if (p.dentry) {
				b[--pos] = '/';
				alone = false;
			}
		}
	}
	if (p.dentry) {
		walk_up(&w, &p, (__u32)pos);
		e->path_flags |= w.flags;
		/* A cut path starts anywhere: only the exact filter can tell. */
		if (nr_paths && !(w.flags & SS_PATH_TRUNC) &&
		    end - pos + (int)w.bytes <= SS_PATH_MAX - 1) {
			struct prefix_check c = { .nr = w.nr, .alone = alone };

			bpf_loop(nr_paths, prefix_step, &c, 0);
			if (!c.hit)
				return -1;
		}
		/* A file's whole path, its length known: built in place, not copied after. */
		if (alone && w.nr && !(w.flags & SS_PATH_TRUNC) && w.bytes <= SS_PATH_MAX - 1) {
			put.pos = (int)w.bytes;
			put.in_event = 1;
			bpf_loop(w.nr, put_step, &put, 0);
			e->path[w.bytes & (SS_PATH_MAX - 1)] = 0;
			return w.bytes & (SS_PATH_MAX - 1);
		}
		put.pos = pos;
		bpf_loop(w.nr, put_step, &put, 0);
		pos = put.pos;
	}
	if (pos == end)
		b[--pos] = '/'; /* nothing walked, no name: the root itself */
	if (end - pos > SS_PATH_MAX - 1) {
		pos = end - (SS_PATH_MAX - 1);
		e->path_flags |= SS_PATH_TRUNC;
	}
	n = end - pos;
	bpf_probe_read_kernel(e->path, n & (SS_PATH_MAX - 1), &b[pos & BUILD_MASK]);
	e->path[n & (SS_PATH_MAX - 1)] = 0;
	return (__u32)n & (SS_PATH_MAX - 1);
}

/* --path: the path is one of the prefixes or under it. */
static __always_inline bool path_watched(const char *path, __u32 len)
{
	if (!nr_paths)
		return true;
	for (__u32 i = 0; i < SS_MAX_PATHS && i < nr_paths; i++) {
		__u32 plen = paths[i].len, j;

		if (plen > len)
			continue;
		for (j = 0; j < SS_PATH_PREFIX_LEN - 1 && j < plen; j++)
			if (path[j] != paths[i].s[j])
				break;
		if (j < plen)
			continue;
		/* A whole component: /tmp/a watches /tmp/a/b, not /tmp/ab. */
		if (plen == len || path[plen & (SS_PATH_MAX - 1)] == '/' ||
		    paths[i].s[(plen - 1) & 255] == '/')
			return true;
	}
	return false;
}

static __always_inline void count_open(struct scratch *s, long ret, __u32 len)
{
	struct ss_open_key *k = &s->key;
	__u32 n = len < SS_OPEN_KEY_PATH - 1 ? len : SS_OPEN_KEY_PATH - 1;
	__u64 fd_key;

	/* Else clang reads the unbounded len for the copy's size. */
	barrier_var(n);
	k->pid = per_pid ? s->ev.pid : 0;
	if (per_pid)
		__builtin_memcpy(k->comm, s->ev.comm, sizeof(k->comm));
	else
		__builtin_memset(k->comm, 0, sizeof(k->comm));
	__builtin_memset(k->path, 0, sizeof(k->path));
	bpf_probe_read_kernel(k->path, n & 255, s->ev.path);
	counts__add(k, SS_OPEN_OPENS, 1);
	if (ret < 0)
		counts__add(k, SS_OPEN_FAILS, 1);
	if (rw && ret >= 0) {
		fd_key = (__u64)s->ev.pid << 32 | (__u32)ret;
		bpf_map_update_elem(&watched, &fd_key, k, BPF_ANY);
	}
}

static __always_inline int on_exit(long ret)
{
	__u32 zero = 0, tid = (__u32)bpf_get_current_pid_tgid(), len;
	struct open_args a, *ap;
	struct scratch *s;
	__u64 fd_key;
	long n;

	ap = bpf_task_storage_get(&pending, bpf_get_current_task_btf(), 0, 0);
	if (!ap || !ap->live)
		return 0;
	a = *ap;
	ap->live = 0;
	if (rw && ret >= 0) {
		/* The number now names another file, unless the open below watches it. */
		fd_key = bpf_get_current_pid_tgid() >> 32 << 32 | (__u32)ret;
		bpf_map_delete_elem(&watched, &fd_key);
	}
	if (failed_only && ret >= 0)
		return 0;
	if (a.kind == SS_OPEN_OPENAT2 && a.how) {
		__u64 flags = 0;

		/* Copied in by the kernel before the open: resident now. */
		bpf_probe_read_user(&flags, sizeof(flags), &a.how->flags);
		a.flags = (__u32)flags;
		bpf_probe_read_user(&flags, sizeof(flags), &a.how->mode);
		a.mode = (__u32)flags;
	}
	if (flag_mask && !(a.flags & flag_mask))
		return 0;
	s = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!s)
		return 0;
	/* The path first: an open --path surely does not watch ends here. */
	s->ev.path_flags = 0;
	n = build_path(s, &a, ret);
	if (n < 0)
		return 0;
	len = (__u32)n;
	if (!path_watched(s->ev.path, len))
		return 0;
	s->ev.ts_ns = bpf_ktime_get_ns();
	s->ev.pid = bpf_get_current_pid_tgid() >> 32;
	s->ev.tid = tid;
	s->ev.uid = (__u32)bpf_get_current_uid_gid();
	s->ev.ret = (__s32)ret;
	s->ev.flags = a.flags;
	s->ev.mode = a.mode;
	s->ev.kind = a.kind;
	s->ev.pad = 0;
	s->ev.path_len = len;
	bpf_get_current_comm(s->ev.comm, sizeof(s->ev.comm));
	if (count_mode) {
		count_open(s, ret, len);
		return 0;
	}
	stream__output(&s->ev,
		       offsetof(struct ss_open_event, path) + (len & (SS_PATH_MAX - 1)) + 1);
	return 0;
}

/* The classic syscall tracepoints: args[] in the order of the syscall's. */
SEC("tracepoint/syscalls/sys_enter_open")
int open_enter(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter(SS_OPEN_OPEN, AT_FDCWD_, (const char *)ctx->args[0], ctx->args[1],
			ctx->args[2], NULL);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int openat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter(SS_OPEN_OPENAT, ctx->args[0], (const char *)ctx->args[1], ctx->args[2],
			ctx->args[3], NULL);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int openat2_enter(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter(SS_OPEN_OPENAT2, ctx->args[0], (const char *)ctx->args[1], 0, 0,
			(const void *)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_creat")
int creat_enter(struct trace_event_raw_sys_enter *ctx)
{
	/* creat(2) is open(O_CREAT | O_WRONLY | O_TRUNC). */
	return on_enter(SS_OPEN_CREAT, AT_FDCWD_, (const char *)ctx->args[0], 01 | 0100 | 01000,
			ctx->args[1], NULL);
}

SEC("tracepoint/syscalls/sys_exit_open")
int open_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int openat2_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_creat")
int creat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx->ret);
}

/* --rw: reads and writes of a watched descriptor, and its close. */
static __always_inline int rw_enter(long fd, __u32 write)
{
	__u64 fd_key = bpf_get_current_pid_tgid() >> 32 << 32 | (__u32)fd;
	struct rw_args *a;

	if (!bpf_map_lookup_elem(&watched, &fd_key))
		return 0;
	a = bpf_task_storage_get(&rw_pending, bpf_get_current_task_btf(), 0, STORAGE_CREATE);
	if (!a)
		return 0;
	a->fd_key = fd_key;
	a->write = write;
	a->live = 1;
	return 0;
}

static __always_inline int rw_exit(long ret)
{
	struct rw_args *a = bpf_task_storage_get(&rw_pending, bpf_get_current_task_btf(), 0, 0);
	struct ss_open_key *k;
	__u64 fd_key;
	__u32 write;

	if (!a || !a->live)
		return 0;
	fd_key = a->fd_key;
	write = a->write;
	a->live = 0;
	k = bpf_map_lookup_elem(&watched, &fd_key);
	if (!k || ret < 0)
		return 0;
	counts__add(k, write ? SS_OPEN_WRITES : SS_OPEN_READS, 1);
	counts__add(k, write ? SS_OPEN_WRITE_BYTES : SS_OPEN_READ_BYTES, (__u64)ret);
	return 0;
}

#define RW_HOOKS(sys, write)                                   \
	SEC("tracepoint/syscalls/sys_enter_" #sys)             \
	int sys##_enter(struct trace_event_raw_sys_enter *ctx) \
	{                                                      \
		return rw_enter(ctx->args[0], write);          \
	}                                                      \
	SEC("tracepoint/syscalls/sys_exit_" #sys)              \
	int sys##_exit(struct trace_event_raw_sys_exit *ctx)   \
	{                                                      \
		return rw_exit(ctx->ret);                      \
	}

RW_HOOKS(read, 0)
RW_HOOKS(pread64, 0)
RW_HOOKS(readv, 0)
RW_HOOKS(write, 1)
RW_HOOKS(pwrite64, 1)
RW_HOOKS(writev, 1)

SEC("tracepoint/syscalls/sys_enter_close")
int close_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 fd_key = bpf_get_current_pid_tgid() >> 32 << 32 | (__u32)ctx->args[0];

	bpf_map_delete_elem(&watched, &fd_key);
	return 0;
}
