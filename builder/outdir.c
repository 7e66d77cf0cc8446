/*
 * outdir.c: see outdir.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int
outdir_begin(struct outdir *o, const char *target)
{
	char copy[PATH_MAX], copy2[PATH_MAX];
	char *parent, *base;
	size_t n;
	int r;

	memset(o, 0, sizeof(*o));
	o->manifest_fd = -1;
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
	return 0;
}

int
outdir_commit(struct outdir *o)
{
	struct stat st;

	if (fchmod(o->manifest_fd, 0644) < 0 || fsync(o->manifest_fd) < 0)
		return -errno;
	if (close(o->manifest_fd) < 0) {
		o->manifest_fd = -1;
		return -errno;
	}
	o->manifest_fd = -1;
	/* The image root is exported: it must be traversable. */
	if (lstat(o->target, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
		if (renameat2(AT_FDCWD, o->staging, AT_FDCWD, o->target,
		            RENAME_EXCHANGE) < 0)
			return -errno;
		/* The old tree is now at the staging path. */
		if (extract_rm_tree(o->staging) < 0)
			memcpy(o->old_left, o->staging, sizeof(o->old_left));
		o->staging[0] = '\0';
	} else {
		if (renameat2(AT_FDCWD, o->staging, AT_FDCWD, o->target,
		            RENAME_NOREPLACE) < 0)
			return -errno;
		o->staging[0] = '\0';
	}
	if (rename(o->manifest_tmp, o->manifest) < 0)
		return -errno;
	o->manifest_tmp[0] = '\0';
	return 0;
}

void
outdir_abort(struct outdir *o)
{
	if (o->manifest_fd >= 0)
		close(o->manifest_fd);
	o->manifest_fd = -1;
	if (o->manifest_tmp[0] != '\0')
		unlink(o->manifest_tmp);
	o->manifest_tmp[0] = '\0';
	if (o->staging[0] != '\0')
		extract_rm_tree(o->staging);
	o->staging[0] = '\0';
}
