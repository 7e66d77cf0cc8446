/*
 * image.h: the image being built, as a set of entries that sources, overlays
 * and the fix-ups put, remove and look up. Two back ends behind one table:
 *
 *   extract.c    a staging directory on disk (--out-dir, needs root for
 *                owners and device nodes), written with archive_write_disk;
 *   image-tar.c  an index in memory plus a spool file for file data
 *                (--out-tar, unprivileged: owners live in the archive).
 *
 * Every path given to these functions is relative to the image root, without
 * a leading "/" or "./" ("" is the root itself). Entries from untrusted
 * sources go through image_clean_path() first. Functions return 0 or -errno
 * and leave a message naming the entry in img->err.
 */
#ifndef DISKLESS_IMAGE_H
#define DISKLESS_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>

struct archive;
struct archive_entry;
struct image;

/* File data for image_put(): read from an archive positioned on the entry,
 * or a buffer in memory; both NULL for entries without data. */
struct image_data {
	struct archive *src;
	const void *buf;
	size_t len;
};

struct image_ops {
	int (*put)(struct image *img, const char *path, struct archive_entry *e,
	        const struct image_data *data);
	/* Removes path and everything under it; a missing path is not an error. */
	int (*remove)(struct image *img, const char *path);
	/* Removes what is under the directory path, keeps the directory. */
	int (*clear_dir)(struct image *img, const char *path);
	/* Removes every non-directory under dir whose name matches the fnmatch
	 * pattern (recurse: in subdirectories too). */
	int (*remove_glob)(
	        struct image *img, const char *dir, const char *pattern, bool recurse);
	/* The type (S_IFMT bits) of path, following symlinks inside the image
	 * as a chroot would; -ENOENT when absent. */
	int (*lookup)(struct image *img, const char *path, mode_t *type);
	/* Writes the output and its manifest (mtree) to manifest_fd. */
	int (*finish)(struct image *img, int manifest_fd);
	void (*free)(struct image *img);
};

struct image {
	const struct image_ops *ops;
	bool have_epoch; /* SOURCE_DATE_EPOCH given: clamp every mtime to it */
	time_t epoch;
	bool progress; /* a progress line on stderr (a terminal) */
	uint64_t n_entries, n_bytes;
	struct timespec started, last_progress;
	char err[1024];
};

/* PATH_MAX of the kernel: longer names could not be created anyway. */
#define IMAGE_PATH_MAX 4096

/*
 * Turns an archive member name into an image path: drops leading "./",
 * repeated and trailing "/", refuses absolute names, ".." components, empty
 * names (other than the root), components longer than NAME_MAX and paths of
 * IMAGE_PATH_MAX or more. Returns 0, or -EINVAL with a reason in *why.
 */
int image_clean_path(const char *in, char *out, size_t out_len, const char **why);

/* snprintf that reports truncation: 0, or -ENAMETOOLONG when buf was too
 * small (buf then holds a cut string). */
int image_fmt(char *buf, size_t len, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Records an error message for the entry path; returns err. */
int image_fail(struct image *img, int err, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Applies the owner policy shared by both back ends to an entry about to be
 * put: numeric owners only (names dropped), no atime/ctime/birthtime, mtime
 * clamped to the epoch. */
void image_normalize_entry(struct image *img, struct archive_entry *e);

/* Set from a SIGINT/SIGTERM handler: the back ends then fail the next
 * entry ("interrupted"), so that the caller cleans up as after any error. */
extern volatile sig_atomic_t image_interrupted;

/* Counts an entry and its bytes; draws the progress line when due. */
void image_progress(struct image *img, uint64_t bytes);
void image_progress_end(struct image *img);

/* Convenience wrappers for the fix-ups: a regular file, directory or
 * symlink owned by root with the given mode and the image's epoch. */
int image_put_file(
        struct image *img, const char *path, mode_t mode, const void *buf, size_t len);
int image_put_dir(struct image *img, const char *path, mode_t mode);
int image_put_symlink(struct image *img, const char *path, const char *target);
bool image_exists(struct image *img, const char *path);
/* Creates path and its missing parents as root-owned directories. */
int image_mkdirs(struct image *img, const char *path, mode_t mode);

/* The back ends. root_dir: the empty staging directory. spool_dir: where
 * the tar back end keeps its unnamed spool file; out_fd: the tar output. */
int image_disk_new(const char *root_dir, bool keep_owner, struct image **out);
int image_tar_new(const char *spool_dir, int out_fd, struct image **out);

static inline void
image_free(struct image *img)
{
	if (img != NULL)
		img->ops->free(img);
}

#endif
