// SPDX-License-Identifier: GPL-2.0
#include "core/cgwalk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static int unescape(const char *s, size_t n, char *out, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		}
		if (o + 1 >= len)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

int cgwalk__v2_mount(FILE *mountinfo, char *out, size_t len)
{
	char *line = NULL;
	size_t cap = 0;
	int err = -ENOENT;

	while (err == -ENOENT && getline(&line, &cap, mountinfo) > 0) {
		/* Fields 1-4, then the mount point; after " - ", the type. */
		const char *mp = line, *sep = strstr(line, " - ");
		size_t mp_len;

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		for (int f = 0; f < 4 && mp; f++) {
			mp = strchr(mp, ' ');
			if (mp)
				mp++;
		}
		if (!mp || mp > sep)
			continue;
		mp_len = strcspn(mp, " ");
		err = unescape(mp, mp_len, out, len);
	}
	free(line);
	return err;
}

struct walk {
	int (*fn)(void *ctx, uint64_t id, const char *path);
	void *ctx;
	char path[PATH_MAX];
};

/* getdents64()'s buffer, one per level being walked. */
#define DENTS_BYTES 16384

/*
 * The subdirectories of dirfd (owned), at w->path[0 .. plen), parents first.
 * Walked at every scrape and every second, so the syscalls per cgroup are
 * few: a subdirectory's id is its d_ino from getdents64() (kernfs gives
 * the node's id, which is the inode number), and a directory's st_nlink is
 * 2 plus its subdirectories (kernfs, and Unix file systems generally), so a
 * leaf, most cgroups, costs one fstatat() and is never opened. A file
 * system that says 1 (nlink not kept) has every directory opened.
 */
static int walk_dir(struct walk *w, int dirfd, size_t plen);

static int walk_entry(struct walk *w, int dirfd, size_t plen, const struct dirent64 *d)
{
	size_t n = strlen(d->d_name);
	struct stat st;
	int fd, err;

	if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
		return 0;
	if (d->d_type != DT_DIR && d->d_type != DT_UNKNOWN)
		return 0;
	if (plen + 1 + n >= sizeof(w->path))
		return 0; /* deeper than PATH_MAX: not reachable by path anyway */
	/* Removed since getdents64(): skipped. */
	if (fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
		return 0;
	w->path[plen] = '/';
	memcpy(w->path + plen + 1, d->d_name, n + 1);
	err = w->fn(w->ctx, (uint64_t)d->d_ino, w->path);
	if (!err && st.st_nlink != 2) {
		fd = openat(dirfd, d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			err = walk_dir(w, fd, plen + 1 + n);
	}
	w->path[plen] = '\0';
	return err;
}

static int walk_dir(struct walk *w, int dirfd, size_t plen)
{
	char *buf = malloc(DENTS_BYTES);
	ssize_t got;
	int err = 0;

	if (!buf) {
		close(dirfd);
		return -ENOMEM;
	}
	while (!err && (got = getdents64(dirfd, buf, DENTS_BYTES)) > 0) {
		for (ssize_t off = 0; off < got && !err;) {
			const struct dirent64 *d = (const struct dirent64 *)(buf + off);

			err = walk_entry(w, dirfd, plen, d);
			off += d->d_reclen;
		}
	}
	free(buf);
	close(dirfd);
	return err;
}

int cgwalk__walk(const char *root, int (*fn)(void *ctx, uint64_t id, const char *path), void *ctx)
{
	struct walk *w = malloc(sizeof(*w));
	struct stat st;
	int fd, err;

	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->ctx = ctx;
	w->path[0] = '\0';
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err = -errno;
		if (fd >= 0)
			close(fd);
	} else {
		err = fn(ctx, (uint64_t)st.st_ino, "/");
		if (err)
			close(fd);
		else
			err = walk_dir(w, fd, 0);
	}
	free(w);
	return err;
}
