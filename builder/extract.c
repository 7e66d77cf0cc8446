/*
 * extract.c: the staging-directory back end of image.h and the readers of
 * archives and directory trees.
 *
 * Writing goes through archive_write_disk with ARCHIVE_EXTRACT_SECURE_
 * NODOTDOT | SECURE_SYMLINKS | SECURE_NOABSOLUTEPATHS (the checks of
 * cleanup_pathname_fsobj() in archive_write_disk_posix.c). On top of that
 * every name is cleaned and checked by image_clean_path(), the parent of
 * every entry and the target of every hard link are resolved with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), so that neither a symlink
 * planted by an earlier member nor a hard link can reach outside the tree.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "extract.h"
#include "image.h"
#include "manifest.h"

struct disk_image {
	struct image base;
	int rootfd;
	int oldcwd;
	struct archive *w;
	char parent_ok[IMAGE_PATH_MAX]; /* last parent checked and found safe */
	bool have_parent_ok;
};

static int
openat2_beneath(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {
	        .flags = (uint64_t)(flags | O_CLOEXEC),
	        .resolve = resolve,
	};
	long fd;

	fd = syscall(SYS_openat2, dirfd, path[0] != '\0' ? path : ".", &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

#define BENEATH_NOLINKS (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

/* Splits path into a parent (in buf) and returns the last component. */
static const char *
split_parent(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL) {
		buf[0] = '\0';
		return path;
	}
	n = (size_t)(slash - path);
	if (n >= len)
		n = len - 1; /* cannot happen: path is shorter than len */
	memcpy(buf, path, n);
	buf[n] = '\0';
	return slash + 1;
}

/* The parent directory of path, opened without following any symlink;
 * -ENOENT when some part does not exist yet. */
static int
open_parent(struct disk_image *d, const char *path, const char **base)
{
	char parent[IMAGE_PATH_MAX];

	*base = split_parent(path, parent, sizeof(parent));
	return openat2_beneath(d->rootfd, parent, O_PATH | O_DIRECTORY, BENEATH_NOLINKS);
}

static int
check_parent(struct disk_image *d, const char *path, mode_t type)
{
	char parent[IMAGE_PATH_MAX];
	int fd;

	split_parent(path, parent, sizeof(parent));
	if (parent[0] == '\0')
		return 0;
	if (type == AE_IFREG && d->have_parent_ok && strcmp(parent, d->parent_ok) == 0)
		return 0;
	d->have_parent_ok = false;
	fd = openat2_beneath(d->rootfd, parent, O_PATH | O_DIRECTORY, BENEATH_NOLINKS);
	if (fd == -ENOENT)
		return 0; /* created as a plain directory by the writer */
	if (fd == -ELOOP || fd == -EXDEV)
		return image_fail(&d->base, EPERM, path,
		        "its parent '%s' is or goes through a symlink (refused: it could "
		        "point outside the image)",
		        parent);
	if (fd == -ENOTDIR)
		return image_fail(&d->base, ENOTDIR, path,
		        "its parent '%s' is not a "
		        "directory",
		        parent);
	if (fd < 0)
		return image_fail(
		        &d->base, fd, path, "cannot open its parent: %s", strerror(-fd));
	close(fd);
	/* Only regular files reuse the check: any other entry could turn a
	 * directory of this path into a symlink. */
	if (type == AE_IFREG) {
		memcpy(d->parent_ok, parent, strlen(parent) + 1);
		d->have_parent_ok = true;
	}
	return 0;
}

static int
check_hardlink(struct disk_image *d, const char *path, const char *target)
{
	struct stat st;
	const char *base;
	int fd, r;

	fd = open_parent(d, target, &base);
	if (fd < 0)
		return image_fail(&d->base, fd == -ELOOP ? EPERM : -fd, path,
		        "hard link target '%s' is missing or goes through a symlink",
		        target);
	r = fstatat(fd, base, &st, AT_SYMLINK_NOFOLLOW);
	close(fd);
	if (r < 0)
		return image_fail(&d->base, errno, path,
		        "hard link target '%s' does not "
		        "exist in the image",
		        target);
	if (S_ISDIR(st.st_mode))
		return image_fail(
		        &d->base, EPERM, path, "hard link to the directory '%s'", target);
	return 0;
}

/* A write to the tree failed: libarchive's message, and the system's
 * reason when there is one ("Write failed" alone hides a full disk). */
static int
disk_write_fail(struct disk_image *d, const char *path)
{
	int err = archive_errno(d->w);

	if (err <= 0)
		return image_fail(&d->base, EIO, path, "%s", archive_error_string(d->w));
	return image_fail(&d->base, err, path, "%s: %s", archive_error_string(d->w),
	        strerror(err));
}

static int
disk_copy_data(struct disk_image *d, const char *path, const struct image_data *data,
        uint64_t *bytes)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	la_ssize_t w;
	int r;

	if (data->buf != NULL && data->len > 0) {
		w = archive_write_data_block(d->w, data->buf, data->len, 0);
		if (w < 0)
			return disk_write_fail(d, path);
		*bytes = data->len;
		return 0;
	}
	if (data->src == NULL)
		return 0;
	for (;;) {
		r = archive_read_data_block(data->src, &buf, &size, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_OK)
			return image_fail(&d->base, EIO, path, "reading its data: %s",
			        archive_error_string(data->src));
		w = archive_write_data_block(d->w, buf, size, off);
		if (w < 0)
			return disk_write_fail(d, path);
		*bytes += size;
	}
}

static int
disk_put(struct image *img, const char *path, struct archive_entry *e,
        const struct image_data *data)
{
	struct disk_image *d = (struct disk_image *)img;
	const char *hl = archive_entry_hardlink(e);
	uint64_t bytes = 0;
	int r;

	if (image_interrupted)
		return image_fail(img, EINTR, NULL, "interrupted");
	r = check_parent(d, path, archive_entry_filetype(e));
	if (r < 0)
		return r;
	if (hl != NULL) {
		r = check_hardlink(d, path, hl);
		if (r < 0)
			return r;
	}
	archive_entry_set_pathname(e, path[0] != '\0' ? path : ".");
	image_normalize_entry(img, e);
	r = archive_write_header(d->w, e);
	if (r != ARCHIVE_OK)
		return disk_write_fail(d, path);
	if (archive_entry_size(e) > 0) {
		r = disk_copy_data(d, path, data, &bytes);
		if (r < 0)
			return r;
	}
	r = archive_write_finish_entry(d->w);
	/* A warning here is metadata that did not survive (an xattr, an ACL,
	 * an owner): "everything survives" makes it an error. */
	if (r != ARCHIVE_OK)
		return disk_write_fail(d, path);
	image_progress(img, bytes);
	return 0;
}

static int
rm_children(int dirfd)
{
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int fd, r = 0;

	fd = dup(dirfd);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (dir == NULL) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -errno;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, de->d_name,
			        O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub < 0) {
				r = -errno;
				break;
			}
			r = rm_children(sub);
			close(sub);
			if (r < 0)
				break;
			if (unlinkat(dirfd, de->d_name, AT_REMOVEDIR) < 0) {
				r = -errno;
				break;
			}
		} else if (unlinkat(dirfd, de->d_name, 0) < 0) {
			r = -errno;
			break;
		}
	}
	closedir(dir);
	return r;
}

int
extract_rm_tree(const char *path)
{
	int fd, r;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	r = rm_children(fd);
	close(fd);
	if (r == 0 && rmdir(path) < 0)
		r = -errno;
	return r;
}

static int
disk_remove(struct image *img, const char *path)
{
	struct disk_image *d = (struct disk_image *)img;
	const char *base;
	struct stat st;
	int fd, sub, r = 0;

	if (path[0] == '\0')
		return image_fail(img, EINVAL, path, "cannot remove the image root");
	d->have_parent_ok = false;
	fd = open_parent(d, path, &base);
	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd < 0)
		return image_fail(img, fd, path, "cannot remove: %s", strerror(-fd));
	if (fstatat(fd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		r = errno == ENOENT ? 0 : image_fail(img, errno, path, "cannot stat");
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		sub = openat(fd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			r = image_fail(
			        img, errno, path, "cannot open: %s", strerror(errno));
			goto out;
		}
		r = rm_children(sub);
		close(sub);
		if (r == 0 && unlinkat(fd, base, AT_REMOVEDIR) < 0)
			r = -errno;
	} else if (unlinkat(fd, base, 0) < 0) {
		r = -errno;
	}
	if (r < 0)
		image_fail(img, r, path, "cannot remove: %s", strerror(-r));
out:
	close(fd);
	return r;
}

static int
disk_clear_dir(struct image *img, const char *path)
{
	struct disk_image *d = (struct disk_image *)img;
	int fd, r;

	d->have_parent_ok = false;
	fd = openat2_beneath(d->rootfd, path, O_RDONLY | O_DIRECTORY, BENEATH_NOLINKS);
	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd < 0)
		return image_fail(img, fd, path, "cannot open: %s", strerror(-fd));
	r = rm_children(fd);
	close(fd);
	if (r < 0)
		return image_fail(img, r, path, "cannot empty: %s", strerror(-r));
	return 0;
}

static int
glob_in(int dirfd, const char *pattern, bool recurse)
{
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int fd, r = 0;

	fd = dup(dirfd);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return -errno;
	}
	while (r == 0 && (de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -errno;
		} else if (S_ISDIR(st.st_mode)) {
			int sub;

			if (!recurse)
				continue;
			sub = openat(dirfd, de->d_name,
			        O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				r = -errno;
			else {
				r = glob_in(sub, pattern, recurse);
				close(sub);
			}
		} else if (fnmatch(pattern, de->d_name, FNM_PERIOD) == 0) {
			if (unlinkat(dirfd, de->d_name, 0) < 0)
				r = -errno;
		}
	}
	closedir(dir);
	return r;
}

static int
disk_remove_glob(
        struct image *img, const char *dirpath, const char *pattern, bool recurse)
{
	struct disk_image *d = (struct disk_image *)img;
	int fd, r;

	d->have_parent_ok = false;
	fd = openat2_beneath(d->rootfd, dirpath, O_RDONLY | O_DIRECTORY, BENEATH_NOLINKS);
	if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP)
		return 0;
	if (fd < 0)
		return image_fail(img, fd, dirpath, "cannot open: %s", strerror(-fd));
	r = glob_in(fd, pattern, recurse);
	close(fd);
	if (r < 0)
		return image_fail(
		        img, r, dirpath, "cannot remove %s: %s", pattern, strerror(-r));
	return 0;
}

static int
disk_lookup(struct image *img, const char *path, mode_t *type)
{
	struct disk_image *d = (struct disk_image *)img;
	struct stat st;
	int fd;

	/* RESOLVE_IN_ROOT: absolute symlinks of the image (merged /usr's
	 * "/sbin -> usr/sbin") resolve inside it, as after chroot. */
	fd = openat2_beneath(
	        d->rootfd, path, O_PATH, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -errno;
	}
	close(fd);
	*type = st.st_mode & S_IFMT;
	return 0;
}

static int
disk_finish(struct image *img, int manifest_fd)
{
	struct disk_image *d = (struct disk_image *)img;
	int r;

	/* Closing applies the deferred directory modes and times. */
	r = archive_write_close(d->w);
	if (r != ARCHIVE_OK)
		return image_fail(img, EIO, NULL, "finishing the tree: %s",
		        archive_error_string(d->w));
	image_progress_end(img);
	r = manifest_write_tree(d->rootfd, img->have_epoch, img->epoch, manifest_fd,
	        img->err, sizeof(img->err));
	return r;
}

static void
disk_free(struct image *img)
{
	struct disk_image *d = (struct disk_image *)img;

	if (d->w != NULL)
		archive_write_free(d->w);
	if (d->oldcwd >= 0) {
		if (fchdir(d->oldcwd) < 0) {
			/* Nothing sensible left to do: the process is ending. */
		}
		close(d->oldcwd);
	}
	if (d->rootfd >= 0)
		close(d->rootfd);
	free(d);
}

static const struct image_ops disk_ops = {
        .put = disk_put,
        .remove = disk_remove,
        .clear_dir = disk_clear_dir,
        .remove_glob = disk_remove_glob,
        .lookup = disk_lookup,
        .finish = disk_finish,
        .free = disk_free,
};

int
extract_disk_flags(bool keep_owner)
{
	int flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_ACL |
	            ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_FFLAGS |
	            ARCHIVE_EXTRACT_SPARSE | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	            ARCHIVE_EXTRACT_SECURE_SYMLINKS |
	            ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;

	if (keep_owner)
		flags |= ARCHIVE_EXTRACT_OWNER;
	return flags;
}

int
image_disk_new(const char *root_dir, bool keep_owner, struct image **out)
{
	struct disk_image *d;
	int r;

	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return -ENOMEM;
	d->base.ops = &disk_ops;
	d->rootfd = -1;
	d->oldcwd = -1;
	d->rootfd = open(root_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->rootfd < 0)
		goto fail_errno;
	d->oldcwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (d->oldcwd < 0)
		goto fail_errno;
	/* archive_write_disk writes relative to the working directory and
	 * refuses absolute names (SECURE_NOABSOLUTEPATHS), hence the chdir. */
	if (fchdir(d->rootfd) < 0)
		goto fail_errno;
	d->w = archive_write_disk_new();
	if (d->w == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	/* No lookup functions: owners stay the numbers in the archive. */
	archive_write_disk_set_options(d->w, extract_disk_flags(keep_owner));
	*out = &d->base;
	return 0;
fail_errno:
	r = -errno;
fail:
	disk_free(&d->base);
	return r;
}

/* ---- readers ---- */

static bool
is_whiteout(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	return strncmp(base, ".wh.", 4) == 0;
}

/* A type the writers know, and a symlink with its target: libarchive's
 * readers can hand out entries with neither from a corrupt archive. */
static bool
known_type(struct archive_entry *e)
{
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
	case AE_IFDIR:
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
	case AE_IFSOCK:
		return true;
	case AE_IFLNK:
		return archive_entry_symlink(e) != NULL;
	default:
		return false;
	}
}

static int
put_member(struct image *img, struct archive *a, struct archive_entry *e,
        const char *what, enum extract_mode mode)
{
	char path[IMAGE_PATH_MAX], target[IMAGE_PATH_MAX];
	struct image_data data = {a, NULL, 0};
	const char *name = archive_entry_pathname(e);
	const char *hl = archive_entry_hardlink(e);
	const char *why;

	if (name == NULL)
		return image_fail(img, EINVAL, NULL, "%s: a member without a name", what);
	if (image_clean_path(name, path, sizeof(path), &why) < 0)
		return image_fail(img, EPERM, name, "%s (in %s; refused)", why, what);
	if (hl == NULL && !known_type(e))
		return image_fail(img, EINVAL, name,
		        "no file type or symlink target (in %s; "
		        "the archive is corrupt)",
		        what);
	if (mode == EXTRACT_LAYER && is_whiteout(path))
		return 0; /* applied by oci.c before the layer's entries */
	/* The root holds every other entry: a "." that is a file, a fifo or a
	 * link would leave the rest of the image without a parent. */
	if (path[0] == '\0' && (hl != NULL || archive_entry_filetype(e) != AE_IFDIR))
		return image_fail(img, ENOTDIR, name,
		        "the image root is not a directory (in %s; refused: the "
		        "archive is corrupt)",
		        what);
	if (hl != NULL) {
		if (image_clean_path(hl, target, sizeof(target), &why) < 0)
			return image_fail(img, EPERM, name,
			        "hard link target '%s': %s "
			        "(in %s; refused)",
			        hl, why, what);
		archive_entry_set_hardlink(e, target);
	}
	return img->ops->put(img, path, e, &data);
}

int
extract_archive(
        struct image *img, struct archive *a, const char *what, enum extract_mode mode)
{
	struct archive_entry *e;
	int r;

	for (;;) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r == ARCHIVE_RETRY)
			continue;
		if (r < ARCHIVE_WARN)
			return image_fail(img, EIO, NULL,
			        "%s: %s (the archive is truncated "
			        "or corrupt)",
			        what, archive_error_string(a));
		r = put_member(img, a, e, what, mode);
		if (r < 0)
			return r;
	}
}

void
extract_support_formats(struct archive *a)
{
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_iso9660(a);
	archive_read_support_format_lha(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_zip(a);
}

int
extract_open_file(const char *path, struct archive **out, char *err, size_t errlen)
{
	struct archive *a;
	int r;

	a = archive_read_new();
	if (a == NULL)
		return -ENOMEM;
	extract_support_formats(a);
	r = archive_read_open_filename(a, path, 1 << 16);
	if (r != ARCHIVE_OK) {
		image_fmt(err, errlen, "%s", archive_error_string(a));
		r = archive_errno(a) > 0 ? -archive_errno(a) : -EINVAL;
		archive_read_free(a);
		return r;
	}
	*out = a;
	return 0;
}

int
extract_dir(struct image *img, const char *dir)
{
	struct archive_entry_linkresolver *lr = NULL;
	struct archive_entry *e, *spare;
	struct archive *a;
	size_t plen = strlen(dir);
	int r;

	while (plen > 1 && dir[plen - 1] == '/')
		plen--;
	a = archive_read_disk_new();
	lr = archive_entry_linkresolver_new();
	if (a == NULL || lr == NULL) {
		r = image_fail(img, ENOMEM, NULL, "out of memory");
		goto out;
	}
	/* The tar strategy: the first name of a file carries the data, the
	 * others become hard links to it. */
	archive_entry_linkresolver_set_strategy(lr, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	archive_read_disk_set_symlink_physical(a);
	if (archive_read_disk_open(a, dir) != ARCHIVE_OK) {
		r = image_fail(img, EIO, NULL, "%s: %s", dir, archive_error_string(a));
		goto out;
	}
	for (;;) {
		char rel[IMAGE_PATH_MAX];
		const char *name;
		struct image_data data = {a, NULL, 0};

		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF) {
			r = 0;
			break;
		}
		if (r < ARCHIVE_WARN) {
			r = image_fail(
			        img, EIO, NULL, "%s: %s", dir, archive_error_string(a));
			break;
		}
		archive_read_disk_descend(a);
		name = archive_entry_pathname(e);
		if (name == NULL || strncmp(name, dir, plen) != 0) {
			r = image_fail(img, EIO, name, "outside %s", dir);
			break;
		}
		name += plen;
		while (*name == '/')
			name++;
		if (snprintf(rel, sizeof(rel), "%s", name) >= (int)sizeof(rel)) {
			r = image_fail(img, ENAMETOOLONG, name, "path too long");
			break;
		}
		archive_entry_set_pathname(e, rel);
		spare = NULL;
		archive_entry_linkify(lr, &e, &spare);
		if (archive_entry_hardlink(e) != NULL) {
			const char *hl = archive_entry_hardlink(e);
			char target[IMAGE_PATH_MAX];
			const char *why;

			if (image_clean_path(hl, target, sizeof(target), &why) < 0) {
				r = image_fail(img, EPERM, rel, "hard link: %s", why);
				break;
			}
			archive_entry_set_hardlink(e, target);
			data.src = NULL;
		}
		r = img->ops->put(img, rel, e, &data);
		if (r < 0)
			break;
	}
out:
	archive_entry_linkresolver_free(lr);
	if (a != NULL)
		archive_read_free(a);
	return r;
}
