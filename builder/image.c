/*
 * image.c: what both image back ends share (see image.h): the member name
 * checks, the entry policy (numeric owners, clamped times) and progress.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"

int
image_clean_path(const char *in, char *out, size_t out_len, const char **why)
{
	size_t n = 0, clen;
	const char *p = in, *end;

	if (out_len == 0 || in == NULL) {
		*why = "no name";
		return -EINVAL;
	}
	if (in[0] == '\0') {
		*why = "empty name";
		return -EINVAL;
	}
	/* An absolute name is refused rather than stripped: an archive that
	 * says "/etc/shadow" means the host's file (ARCHIVE_EXTRACT_SECURE_
	 * NOABSOLUTEPATHS does the same). */
	if (in[0] == '/') {
		*why = "absolute path";
		return -EINVAL;
	}
	while (*p != '\0') {
		end = strchr(p, '/');
		clen = end != NULL ? (size_t)(end - p) : strlen(p);
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			*why = "'..' in the path";
			return -EINVAL;
		}
		if (clen > NAME_MAX) {
			*why = "a name component longer than NAME_MAX (255)";
			return -EINVAL;
		}
		if (clen != 0 && !(clen == 1 && p[0] == '.')) {
			if (n + (n != 0) + clen + 1 > out_len ||
			        n + clen >= IMAGE_PATH_MAX) {
				*why = "path longer than PATH_MAX (4096)";
				return -EINVAL;
			}
			if (n != 0)
				out[n++] = '/';
			memcpy(out + n, p, clen);
			n += clen;
		}
		p += clen;
		if (*p == '/')
			p++;
	}
	out[n] = '\0';
	return 0;
}

volatile sig_atomic_t image_interrupted;

int
image_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int
image_fail(struct image *img, int err, const char *path, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Truncation only shortens the message; the entry name comes first. */
	/* A hostile name can be 4 KiB long: its start names it well enough. */
	if (path != NULL)
		snprintf(img->err, sizeof(img->err), "entry '%.200s%s': %s",
		        path[0] != '\0' ? path : ".", strlen(path) > 200 ? "..." : "",
		        msg);
	else
		snprintf(img->err, sizeof(img->err), "%s", msg);
	return err < 0 ? err : -err;
}

void
image_normalize_entry(struct image *img, struct archive_entry *e)
{
	unsigned long set, clear;

	/* Owners are numbers in an image: names would be looked up in the
	 * build host's passwd, which says nothing about the image's. */
	archive_entry_set_uname(e, NULL);
	archive_entry_set_gname(e, NULL);
	archive_entry_unset_atime(e);
	archive_entry_unset_ctime(e);
	archive_entry_unset_birthtime(e);
	/* File flags: only what chattr can set means anything in an image.
	 * ext4 reports its own on every file (extents 'e', hashed directories
	 * 'I'), which tmpfs or xfs refuse to set: a tree read from ext4 could
	 * not be written anywhere else. */
	archive_entry_fflags(e, &set, &clear);
	if ((set | clear) & ~(unsigned long)FS_FL_USER_MODIFIABLE)
		archive_entry_set_fflags(e, set & FS_FL_USER_MODIFIABLE,
		        clear & FS_FL_USER_MODIFIABLE);
	if (img->have_epoch) {
		if (!archive_entry_mtime_is_set(e) ||
		        archive_entry_mtime(e) >= img->epoch)
			archive_entry_set_mtime(e, img->epoch, 0);
		else
			archive_entry_set_mtime(e, archive_entry_mtime(e), 0);
	}
}

static double
elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
progress_draw(struct image *img, const struct timespec *now)
{
	double t = elapsed(&img->started, now);
	double mb = (double)img->n_bytes / 1048576.0;

	fprintf(stderr, "\r%llu entries, %.1f MiB, %.1f MiB/s   ",
	        (unsigned long long)img->n_entries, mb, t > 0 ? mb / t : 0.0);
}

void
image_progress(struct image *img, uint64_t bytes)
{
	struct timespec now;

	img->n_entries++;
	img->n_bytes += bytes;
	if (!img->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (img->started.tv_sec == 0 && img->started.tv_nsec == 0) {
		img->started = now;
		img->last_progress = now;
	}
	if (elapsed(&img->last_progress, &now) < 0.2)
		return;
	img->last_progress = now;
	progress_draw(img, &now);
}

void
image_progress_end(struct image *img)
{
	struct timespec now;

	if (!img->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	progress_draw(img, &now);
	fputc('\n', stderr);
}

static int
put_simple(struct image *img, const char *path, mode_t type, mode_t mode,
        const char *target, const void *buf, size_t len)
{
	struct archive_entry *e;
	struct image_data data = {NULL, buf, len};
	int r;

	e = archive_entry_new();
	if (e == NULL)
		return image_fail(img, ENOMEM, path, "out of memory");
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, mode);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_nlink(e, 1);
	if (img->have_epoch) {
		archive_entry_set_mtime(e, img->epoch, 0);
	} else {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		archive_entry_set_mtime(e, now.tv_sec, 0);
	}
	if (type == AE_IFREG)
		archive_entry_set_size(e, (la_int64_t)len);
	if (target != NULL)
		archive_entry_set_symlink(e, target);
	r = img->ops->put(img, path, e, &data);
	archive_entry_free(e);
	return r;
}

int
image_put_file(
        struct image *img, const char *path, mode_t mode, const void *buf, size_t len)
{
	return put_simple(img, path, AE_IFREG, mode, NULL, buf, len);
}

int
image_put_dir(struct image *img, const char *path, mode_t mode)
{
	return put_simple(img, path, AE_IFDIR, mode, NULL, NULL, 0);
}

int
image_put_symlink(struct image *img, const char *path, const char *target)
{
	return put_simple(img, path, AE_IFLNK, 0777, target, NULL, 0);
}

bool
image_exists(struct image *img, const char *path)
{
	mode_t type;

	return img->ops->lookup(img, path, &type) == 0;
}

int
image_mkdirs(struct image *img, const char *path, mode_t mode)
{
	char buf[IMAGE_PATH_MAX];
	size_t len = strlen(path), i;
	int r;

	if (len >= sizeof(buf))
		return image_fail(img, ENAMETOOLONG, path, "path too long");
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (!image_exists(img, buf)) {
			r = image_put_dir(img, buf, mode);
			if (r < 0)
				return r;
		}
		if (i < len)
			buf[i] = '/';
	}
	return 0;
}
