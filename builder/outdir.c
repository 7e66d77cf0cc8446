/*
 * outdir.c: see outdir.h.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"
#include "image.h"
#include "outdir.h"

static int
absolute(const char *path, char *out, size_t len)
{
	char cwd[PATH_MAX];

	if (path[0] == '/')
		return image_fmt(out, len, "%s", path);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return -errno;
	return image_fmt(out, len, "%s/%s", cwd, path);
}

/* Whether dirfd/name is a leftover: it can be locked, so its build is
 * gone (the lock went with the process). */
static int
is_leftover(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, flags | O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int stale;

	if (fd < 0)
		return 0;
	stale = flock(fd, LOCK_EX | LOCK_NB) == 0;
	close(fd);
	return stale;
}

/* Removes parent's ".<base>.new-*" trees and "<base>.mtree.new-*" files
 * that no running build holds, but not o's own. */
static void
sweep(struct outdir *o, const char *parent, const char *base)
{
	char tree[NAME_MAX + 1], man[NAME_MAX + 1], path[PATH_MAX];
	const char *own_tree = strrchr(o->staging, '/') + 1;
	const char *own_man = strrchr(o->manifest_tmp, '/') + 1;
	struct dirent *de;
	DIR *dir;

	if (image_fmt(tree, sizeof(tree), ".%s.new-", base) < 0 ||
	        image_fmt(man, sizeof(man), "%s.mtree.new-", base) < 0)
		return;
	dir = opendir(parent);
	if (dir == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		size_t len = strlen(de->d_name);
		/* the prefix and mkdtemp's six characters, nothing else */
		int is_tree = len == strlen(tree) + 6 &&
		        strncmp(de->d_name, tree, strlen(tree)) == 0;
		int is_man = len == strlen(man) + 6 &&
		        strncmp(de->d_name, man, strlen(man)) == 0;

		if ((!is_tree && !is_man) || strcmp(de->d_name, own_tree) == 0 ||
		        strcmp(de->d_name, own_man) == 0 ||
		        !is_leftover(dirfd(dir), de->d_name, is_tree ? O_DIRECTORY : 0) ||
		        image_fmt(path, sizeof(path), "%s/%s", parent, de->d_name) < 0)
			continue;
		if ((is_tree ? extract_rm_tree(path) : unlink(path)) == 0)
			o->swept++;
	}
	closedir(dir);
}

int
outdir_begin(struct outdir *o, const char *target)
{
	char copy[PATH_MAX], copy2[PATH_MAX];
	char *parent, *base;
	size_t n;
	int r;

	memset(o, 0, sizeof(*o));
	o->manifest_fd = -1;
	o->staging_fd = -1;
	r = absolute(target, o->target, sizeof(o->target));
	if (r < 0)
		return r;
	n = strlen(o->target);
	while (n > 1 && o->target[n - 1] == '/')
		o->target[--n] = '\0';
	memcpy(copy, o->target, n + 1);
	memcpy(copy2, o->target, n + 1);
	parent = dirname(copy);
	base = basename(copy2);
	if (strcmp(base, "/") == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return -EINVAL;
	/* Same folder as the target: rename() cannot cross file systems. */
	if (image_fmt(o->staging, sizeof(o->staging), "%s/.%s.new-XXXXXX", parent, base) <
	                0 ||
	        image_fmt(o->manifest, sizeof(o->manifest), "%s.mtree", o->target) < 0 ||
	        image_fmt(o->manifest_tmp, sizeof(o->manifest_tmp), "%s.mtree.new-XXXXXX",
	                o->target) < 0)
		return -ENAMETOOLONG;
	if (mkdtemp(o->staging) == NULL) {
		o->staging[0] = '\0';
		return -errno;
	}
	o->manifest_fd = mkostemp(o->manifest_tmp, O_CLOEXEC);
	if (o->manifest_fd < 0) {
		r = -errno;
		o->manifest_tmp[0] = '\0';
		outdir_abort(o);
		return r;
	}
	o->staging_fd = open(o->staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->staging_fd < 0 || flock(o->staging_fd, LOCK_EX) < 0 ||
	        flock(o->manifest_fd, LOCK_EX) < 0) {
		r = -errno;
		outdir_abort(o);
		return r;
	}
	sweep(o, parent, base);
	return 0;
}

int
outdir_commit(struct outdir *o)
{
	struct stat st;
	int swapped = 0, r = 0;

	if (fchmod(o->manifest_fd, 0644) < 0 || fsync(o->manifest_fd) < 0)
		return -errno;
	/* The image root is exported: it must be traversable. */
	if (lstat(o->target, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
		if (renameat2(AT_FDCWD, o->staging, AT_FDCWD, o->target,
		            RENAME_EXCHANGE) < 0)
			return -errno;
		swapped = 1; /* the old tree is now at the staging path */
	} else if (renameat2(AT_FDCWD, o->staging, AT_FDCWD, o->target,
	                   RENAME_NOREPLACE) < 0) {
		return -errno;
	}
	/* The manifest follows the tree at once: removing the old tree can
	 * take a while, and a build killed meanwhile must leave a tree that
	 * matches its manifest. */
	if (rename(o->manifest_tmp, o->manifest) < 0)
		r = -errno;
	else
		o->manifest_tmp[0] = '\0';
	if (swapped && extract_rm_tree(o->staging) < 0)
		memcpy(o->old_left, o->staging, sizeof(o->old_left));
	o->staging[0] = '\0';
	/* The locks go last: until now a sweep must leave both alone. */
	close(o->manifest_fd);
	o->manifest_fd = -1;
	close(o->staging_fd);
	o->staging_fd = -1;
	return r;
}

void
outdir_abort(struct outdir *o)
{
	if (o->manifest_fd >= 0)
		close(o->manifest_fd);
	o->manifest_fd = -1;
	if (o->staging_fd >= 0)
		close(o->staging_fd);
	o->staging_fd = -1;
	if (o->manifest_tmp[0] != '\0')
		unlink(o->manifest_tmp);
	o->manifest_tmp[0] = '\0';
	if (o->staging[0] != '\0')
		extract_rm_tree(o->staging);
	o->staging[0] = '\0';
}
