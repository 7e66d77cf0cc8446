/*
 * mtree-line.h: one line of the image manifest, byte for byte as
 * libarchive's mtree writer (format "mtree", keywords type, mode, uid, gid,
 * size, sha256, link, device, nlink, time) prints it, and the order that
 * writer puts entries in. Written line by line, so that the manifest of an
 * image of any size takes no memory per entry: libarchive's writer keeps
 * every entry until it is closed (about 0.7 KiB each).
 *
 * Order: a directory, then its non-directories by name (byte order), then
 * its subdirectories by name, each followed by its own contents.
 * Manifests written before this file existed, by libarchive, are the same
 * bytes (tests/unit/test-build-mtree checks it against libarchive).
 */
#ifndef DISKLESS_MTREE_LINE_H
#define DISKLESS_MTREE_LINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#define MTREE_HEADER "#mtree\n"

struct mtree_rec {
	const char *path; /* relative, without "./"; "" for the root */
	mode_t mode;      /* type and permission bits */
	int64_t uid, gid;
	int64_t size;
	time_t mtime;
	long mtime_nsec;
	unsigned long rdev_major, rdev_minor;
	unsigned nlink;
	const char *link;            /* symlink target, or NULL */
	const unsigned char *sha256; /* 32 bytes for a regular file, else NULL */
};

/* Writes s with the writer's escapes ("\\ooo" for a space, '#', '=', '\\'
 * and anything not printable ASCII). */
void mtree_quote(FILE *f, const char *s);

/* Writes the line of r to f; 0, or -EIO when f is in error. */
int mtree_line_write(FILE *f, const struct mtree_rec *r);

/* The writer's order of two entries of one image (see above); a_dir and
 * b_dir tell whether each is a directory. */
int mtree_order_cmp(const char *a, bool a_dir, const char *b, bool b_dir);

#endif
