/*
 * initramfs.h: a reproducible initramfs (cpio "newc", written by libarchive).
 *
 * Entries are collected first and written in one go, sorted by path, so
 * two runs on the same inputs give the same bytes whatever the order of
 * the adds, the umask or the inputs' timestamps and owners:
 *   - every mtime is opts->mtime (the caller passes SOURCE_DATE_EPOCH, or 0),
 *   - uid/gid 0, permissions as given (never from the source file),
 *   - inodes renumbered 1, 2, 3... in path order, nlink 1 (2 for dirs),
 *   - no timestamp or file name in the compressed stream's header.
 * Parent directories are added (0755) for every path. The kernel's
 * unpacker (init/initramfs.c) needs each parent before its children; path
 * order gives that, since a path sorts before every path it prefixes.
 */
#ifndef DISKLESS_INITRAMFS_H
#define DISKLESS_INITRAMFS_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

enum initramfs_compress {
	INITRAMFS_NONE,
	INITRAMFS_GZIP,
	INITRAMFS_ZSTD,
	INITRAMFS_XZ,
	INITRAMFS_LZ4,
};

struct initramfs;

struct initramfs_opts {
	enum initramfs_compress compress;
	time_t mtime;
};

struct initramfs_stats {
	size_t entries;
	uint64_t raw_bytes; /* file contents before compression */
	uint64_t out_bytes; /* the written file */
};

/* "gzip" -> INITRAMFS_GZIP ...; -EINVAL for an unknown name. */
int initramfs_compress_parse(const char *name, enum initramfs_compress *out);
const char *initramfs_compress_name(enum initramfs_compress c);
/* The kernel option that lets it unpack c: "CONFIG_RD_ZSTD"... (NULL: none). */
const char *initramfs_compress_kconfig(enum initramfs_compress c);

int initramfs_new(struct initramfs **out);
void initramfs_free(struct initramfs *ir);

/* Paths are absolute ("/etc/diskless/modules.load"), without "." or ".."
 * components. Each returns 0 or -errno (-EINVAL for a bad path). */
int initramfs_add_dir(struct initramfs *ir, const char *path, mode_t perm);
/* src is read when the archive is written. */
int initramfs_add_file(struct initramfs *ir, const char *path, const char *src, mode_t perm);
/* Like add_file, but a src ending in .xz, .zst or .gz is decompressed. */
int initramfs_add_decompressed(struct initramfs *ir, const char *path, const char *src,
	mode_t perm);
/* The data is copied. */
int initramfs_add_data(struct initramfs *ir, const char *path, const void *data, size_t len,
	mode_t perm);
int initramfs_add_chardev(struct initramfs *ir, const char *path, mode_t perm,
	unsigned int major, unsigned int minor);

/*
 * Writes the archive to a temporary file beside out, then renames it to
 * out (mode 0644). Returns 0 or -errno; initramfs_error() then says what
 * failed (a source file, the compressor, the output).
 */
int initramfs_write(struct initramfs *ir, const char *out, const struct initramfs_opts *opts,
	struct initramfs_stats *stats);
const char *initramfs_error(const struct initramfs *ir);

#endif
