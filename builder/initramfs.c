/*
 * initramfs.c: see initramfs.h.
 *
 * gzip and zstd are libarchive's own (in-process) filters. xz and lz4 run
 * the xz and lz4 programs through libarchive's program filter, because
 * libarchive's own writers make streams the kernel cannot unpack: its xz
 * uses a CRC64 check and the kernel's decoder takes only CRC32 or none
 * (Documentation/staging/xz.rst: "use --check=crc32"), and its lz4 writes
 * the frame format where lib/decompress_unlz4.c reads only the legacy one
 * ("lz4 -l").
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "initramfs.h"

/* A module or firmware file larger than this is not something we pack. */
#define IR_FILE_MAX (256u << 20)

enum ir_kind {
	IR_DIR,
	IR_FILE,
	IR_CHR,
};

struct ir_entry {
	char *path; /* without the leading '/' */
	enum ir_kind kind;
	mode_t perm;
	char *src;	 /* IR_FILE read from here, or */
	void *data;	 /* IR_FILE contents given by the caller */
	size_t len;
	bool decompress;
	unsigned int major, minor;
};

struct initramfs {
	struct ir_entry *e;
	size_t n, cap;
	char err[1024];
};

static const struct {
	const char *name;
	const char *kconfig;
} ir_codecs[] = {
	[INITRAMFS_NONE] = { "none", NULL },
	[INITRAMFS_GZIP] = { "gzip", "CONFIG_RD_GZIP" },
	[INITRAMFS_ZSTD] = { "zstd", "CONFIG_RD_ZSTD" },
	[INITRAMFS_XZ] = { "xz", "CONFIG_RD_XZ" },
	[INITRAMFS_LZ4] = { "lz4", "CONFIG_RD_LZ4" },
};

int
initramfs_compress_parse(const char *name, enum initramfs_compress *out)
{
	size_t i;

	for (i = 0; i < sizeof(ir_codecs) / sizeof(ir_codecs[0]); i++) {
		if (strcmp(name, ir_codecs[i].name) == 0) {
			*out = (enum initramfs_compress)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
initramfs_compress_name(enum initramfs_compress c)
{
	return ir_codecs[c].name;
}

const char *
initramfs_compress_kconfig(enum initramfs_compress c)
{
	return ir_codecs[c].kconfig;
}

static void __attribute__((format(printf, 2, 3)))
ir_seterr(struct initramfs *ir, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(ir->err, sizeof(ir->err), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(ir->err))
		memcpy(ir->err + sizeof(ir->err) - 4, "...", 4);
}

const char *
initramfs_error(const struct initramfs *ir)
{
	return ir->err;
}

int
initramfs_new(struct initramfs **out)
{
	*out = calloc(1, sizeof(**out));
	return *out != NULL ? 0 : -ENOMEM;
}

static void
ir_entry_clear(struct ir_entry *e)
{
	free(e->path);
	free(e->src);
	free(e->data);
}

void
initramfs_free(struct initramfs *ir)
{
	size_t i;

	if (ir == NULL)
		return;
	for (i = 0; i < ir->n; i++)
		ir_entry_clear(&ir->e[i]);
	free(ir->e);
	free(ir);
}

/* "/a/b" -> "a/b"; rejects empty, relative, "." and ".." components. */
static int
ir_check_path(const char *path)
{
	const char *c, *e;
	size_t n;

	if (path[0] != '/' || path[1] == '\0')
		return -EINVAL;
	for (c = path + 1; *c != '\0'; c += n + (c[n] == '/')) {
		e = strchr(c, '/');
		n = e != NULL ? (size_t)(e - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return -EINVAL;
		if (n > 255)
			return -ENAMETOOLONG;
	}
	return path[strlen(path) - 1] == '/' ? -EINVAL : 0;
}

static struct ir_entry *
ir_push(struct initramfs *ir, const char *path, size_t pathlen, enum ir_kind kind, mode_t perm)
{
	struct ir_entry *e;
	size_t ncap;

	if (ir->n == ir->cap) {
		ncap = ir->cap ? ir->cap * 2 : 64;
		e = reallocarray(ir->e, ncap, sizeof(*e));
		if (e == NULL)
			return NULL;
		ir->e = e;
		ir->cap = ncap;
	}
	e = &ir->e[ir->n];
	memset(e, 0, sizeof(*e));
	e->path = strndup(path, pathlen);
	if (e->path == NULL)
		return NULL;
	e->kind = kind;
	e->perm = perm & 07777;
	ir->n++;
	return e;
}

/* Adds path (checked) and every parent directory of it. */
static struct ir_entry *
ir_add(struct initramfs *ir, const char *path, enum ir_kind kind, mode_t perm, int *err)
{
	const char *rel = path + 1, *slash;
	struct ir_entry *e;

	*err = ir_check_path(path);
	if (*err < 0)
		return NULL;
	for (slash = strchr(rel, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
		if (ir_push(ir, rel, (size_t)(slash - rel), IR_DIR, 0755) == NULL) {
			*err = -ENOMEM;
			return NULL;
		}
	}
	e = ir_push(ir, rel, strlen(rel), kind, perm);
	if (e == NULL)
		*err = -ENOMEM;
	return e;
}

int
initramfs_add_dir(struct initramfs *ir, const char *path, mode_t perm)
{
	int r;

	return ir_add(ir, path, IR_DIR, perm, &r) != NULL ? 0 : r;
}

static int
ir_add_src(struct initramfs *ir, const char *path, const char *src, mode_t perm, bool dec)
{
	struct ir_entry *e;
	int r;

	e = ir_add(ir, path, IR_FILE, perm, &r);
	if (e == NULL)
		return r;
	e->src = strdup(src);
	if (e->src == NULL)
		return -ENOMEM;
	e->decompress = dec;
	return 0;
}

int
initramfs_add_file(struct initramfs *ir, const char *path, const char *src, mode_t perm)
{
	return ir_add_src(ir, path, src, perm, false);
}

static bool
ir_compressed_name(const char *src)
{
	static const char *const suffixes[] = { ".xz", ".zst", ".gz" };
	size_t len = strlen(src), i, sl;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		sl = strlen(suffixes[i]);
		if (len > sl && strcmp(src + len - sl, suffixes[i]) == 0)
			return true;
	}
	return false;
}

int
initramfs_add_decompressed(struct initramfs *ir, const char *path, const char *src, mode_t perm)
{
	return ir_add_src(ir, path, src, perm, ir_compressed_name(src));
}

int
initramfs_add_data(struct initramfs *ir, const char *path, const void *data, size_t len,
	mode_t perm)
{
	struct ir_entry *e;
	int r;

	e = ir_add(ir, path, IR_FILE, perm, &r);
	if (e == NULL)
		return r;
	/* malloc(0) may return NULL: keep one byte so data != NULL means "given" */
	e->data = malloc(len + 1);
	if (e->data == NULL)
		return -ENOMEM;
	memcpy(e->data, data, len);
	e->len = len;
	return 0;
}

int
initramfs_add_chardev(struct initramfs *ir, const char *path, mode_t perm, unsigned int major,
	unsigned int minor)
{
	struct ir_entry *e;
	int r;

	e = ir_add(ir, path, IR_CHR, perm, &r);
	if (e == NULL)
		return r;
	e->major = major;
	e->minor = minor;
	return 0;
}

static int
ir_entry_cmp(const void *a, const void *b)
{
	const struct ir_entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	/* equal paths: order by kind, so duplicates sit side by side */
	return c != 0 ? c : (int)x->kind - (int)y->kind;
}

/* Sorts and merges duplicates: the same directory added twice is one
 * entry (the lowest permissions win, so an explicit 0700 is kept); the same
 * file from the same source too. Anything else is an error. */
static int
ir_sort_unique(struct initramfs *ir)
{
	struct ir_entry *a, *b;
	size_t i, o;

	if (ir->n == 0)
		return 0;
	qsort(ir->e, ir->n, sizeof(*ir->e), ir_entry_cmp);
	for (i = 1, o = 0; i < ir->n; i++) {
		a = &ir->e[o];
		b = &ir->e[i];
		if (strcmp(a->path, b->path) != 0) {
			ir->e[++o] = *b;
			continue;
		}
		if (a->kind == IR_DIR && b->kind == IR_DIR) {
			if (b->perm < a->perm)
				a->perm = b->perm;
		} else if (!(a->kind == IR_FILE && b->kind == IR_FILE && a->src != NULL &&
				   b->src != NULL && strcmp(a->src, b->src) == 0)) {
			ir_seterr(ir, "/%s: added twice, from different sources", a->path);
			/* drop the merged slots so initramfs_free frees each once */
			memmove(&ir->e[o + 1], &ir->e[i], (ir->n - i) * sizeof(*ir->e));
			ir->n = o + 1 + (ir->n - i);
			return -EEXIST;
		}
		ir_entry_clear(b);
	}
	ir->n = o + 1;
	return 0;
}

/* Reads a whole regular file. */
static int
ir_read_plain(struct initramfs *ir, const char *src, void **buf, size_t *len)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	char *p = NULL;
	int fd, r = 0;

	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		ir_seterr(ir, "%s: %s", src, strerror(errno));
		return r;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > IR_FILE_MAX) {
		r = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		ir_seterr(ir, "%s: %s", src,
			r == -EFBIG ? "larger than 256 MiB" : "not a regular file");
		goto out;
	}
	p = malloc((size_t)st.st_size + 1);
	if (p == NULL) {
		r = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, p + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			ir_seterr(ir, "%s: %s", src, n < 0 ? strerror(errno) : "file shrank while read");
			goto out;
		}
		got += (size_t)n;
	}
	*buf = p;
	*len = got;
	p = NULL;
out:
	free(p);
	close(fd);
	return r;
}

/* Reads src through libarchive's decompressing filters (raw format). */
static int
ir_read_decompressed(struct initramfs *ir, const char *src, void **buf, size_t *len)
{
	struct archive *a;
	struct archive_entry *ae;
	size_t cap = 1 << 20, got = 0;
	char *p = NULL, *np;
	la_ssize_t n;
	int r = -EIO;

	a = archive_read_new();
	if (a == NULL)
		return -ENOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_filename(a, src, 1 << 16) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ae) != ARCHIVE_OK) {
		ir_seterr(ir, "%s: %s", src, archive_error_string(a));
		goto out;
	}
	p = malloc(cap);
	if (p == NULL) {
		r = -ENOMEM;
		goto out;
	}
	for (;;) {
		if (got == cap) {
			if (cap >= IR_FILE_MAX) {
				r = -EFBIG;
				ir_seterr(ir, "%s: larger than 256 MiB decompressed", src);
				goto out;
			}
			np = realloc(p, cap * 2);
			if (np == NULL) {
				r = -ENOMEM;
				goto out;
			}
			p = np;
			cap *= 2;
		}
		n = archive_read_data(a, p + got, cap - got);
		if (n == 0)
			break;
		if (n < 0) {
			ir_seterr(ir, "%s: %s", src, archive_error_string(a));
			goto out;
		}
		got += (size_t)n;
	}
	*buf = p;
	*len = got;
	p = NULL;
	r = 0;
out:
	free(p);
	archive_read_free(a);
	return r;
}

static int
ir_set_filter(struct initramfs *ir, struct archive *a, enum initramfs_compress c)
{
	int r = ARCHIVE_OK;

	switch (c) {
	case INITRAMFS_NONE:
		r = archive_write_add_filter_none(a);
		break;
	case INITRAMFS_GZIP:
		r = archive_write_add_filter_gzip(a);
		/* "!timestamp": no mtime in the gzip header (RFC 1952 MTIME 0) */
		if (r == ARCHIVE_OK)
			r = archive_write_set_filter_option(a, "gzip", "timestamp", NULL);
		break;
	case INITRAMFS_ZSTD:
		r = archive_write_add_filter_zstd(a);
		/* what mkinitramfs uses (zstd -9): quick, and decodes as fast as -19 */
		if (r == ARCHIVE_OK)
			r = archive_write_set_filter_option(a, "zstd", "compression-level", "9");
		break;
	case INITRAMFS_XZ:
		/* one thread: the block layout, so the bytes, do not depend on
		 * the machine's CPU count */
		r = archive_write_add_filter_program(a, "xz --check=crc32 -T1 -6 -c");
		break;
	case INITRAMFS_LZ4:
		r = archive_write_add_filter_program(a, "lz4 -l -9 -c");
		break;
	}
	if (r != ARCHIVE_OK) {
		ir_seterr(ir, "%s compression: %s", ir_codecs[c].name, archive_error_string(a));
		return -EINVAL;
	}
	return 0;
}

static int
ir_write_entry(struct initramfs *ir, struct archive *a, struct archive_entry *ae,
	const struct ir_entry *e, int64_t ino, time_t mtime, uint64_t *raw)
{
	void *buf = NULL;
	const void *data = NULL;
	size_t len = 0;
	int r = 0;

	if (e->kind == IR_FILE) {
		if (e->data != NULL) {
			data = e->data;
			len = e->len;
		} else {
			r = e->decompress ? ir_read_decompressed(ir, e->src, &buf, &len)
					  : ir_read_plain(ir, e->src, &buf, &len);
			if (r < 0)
				return r;
			data = buf;
		}
	}
	archive_entry_clear(ae);
	archive_entry_set_pathname(ae, e->path);
	archive_entry_set_mtime(ae, mtime, 0);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_ino64(ae, ino);
	archive_entry_set_dev(ae, 0);
	archive_entry_set_nlink(ae, e->kind == IR_DIR ? 2 : 1);
	archive_entry_set_size(ae, (la_int64_t)len); /* cpio wants one, 0 too */
	switch (e->kind) {
	case IR_DIR:
		archive_entry_set_filetype(ae, AE_IFDIR);
		break;
	case IR_FILE:
		archive_entry_set_filetype(ae, AE_IFREG);
		break;
	case IR_CHR:
		archive_entry_set_filetype(ae, AE_IFCHR);
		archive_entry_set_rdevmajor(ae, e->major);
		archive_entry_set_rdevminor(ae, e->minor);
		break;
	}
	archive_entry_set_perm(ae, e->perm);
	if (archive_write_header(a, ae) != ARCHIVE_OK) {
		ir_seterr(ir, "/%s: %s", e->path, archive_error_string(a));
		r = -EIO;
	} else if (len > 0 && archive_write_data(a, data, len) != (la_ssize_t)len) {
		ir_seterr(ir, "/%s: %s", e->path, archive_error_string(a));
		r = -EIO;
	}
	*raw += len;
	free(buf);
	return r;
}

static int
ir_write_all(struct initramfs *ir, int fd, const struct initramfs_opts *opts,
	struct initramfs_stats *st)
{
	struct archive *a;
	struct archive_entry *ae = NULL;
	size_t i;
	int r;

	a = archive_write_new();
	if (a == NULL)
		return -ENOMEM;
	r = ir_set_filter(ir, a, opts->compress);
	if (r < 0)
		goto out;
	/* no padding of the last block to 10240 bytes: the kernel needs none */
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		ir_seterr(ir, "%s", archive_error_string(a));
		r = -EIO;
		goto out;
	}
	ae = archive_entry_new();
	if (ae == NULL) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ir->n; i++) {
		r = ir_write_entry(ir, a, ae, &ir->e[i], (int64_t)i + 1, opts->mtime,
			&st->raw_bytes);
		if (r < 0)
			goto out;
	}
	/* close flushes the compressor (and waits for an xz/lz4 child) */
	if (archive_write_close(a) != ARCHIVE_OK) {
		ir_seterr(ir, "%s compression: %s", ir_codecs[opts->compress].name,
			archive_error_string(a));
		r = -EIO;
		goto out;
	}
	st->entries = ir->n;
out:
	archive_entry_free(ae);
	archive_write_free(a);
	return r;
}

int
initramfs_write(struct initramfs *ir, const char *out, const struct initramfs_opts *opts,
	struct initramfs_stats *st)
{
	char *tmp = NULL;
	struct stat sb;
	int fd = -1, r;

	memset(st, 0, sizeof(*st));
	r = ir_sort_unique(ir);
	if (r < 0)
		return r;
	if (asprintf(&tmp, "%s.XXXXXX", out) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		ir_seterr(ir, "%s: cannot create a temporary file beside it: %s", out,
			strerror(errno));
		free(tmp);
		return r;
	}
	r = ir_write_all(ir, fd, opts, st);
	if (r < 0)
		goto err;
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0 || fstat(fd, &sb) < 0) {
		r = -errno;
		ir_seterr(ir, "%s: %s", tmp, strerror(errno));
		goto err;
	}
	st->out_bytes = (uint64_t)sb.st_size;
	if (close(fd) < 0) {
		fd = -1;
		r = -errno;
		ir_seterr(ir, "%s: %s", tmp, strerror(errno));
		goto err;
	}
	fd = -1;
	if (rename(tmp, out) < 0) {
		r = -errno;
		ir_seterr(ir, "%s: %s", out, strerror(errno));
		goto err;
	}
	free(tmp);
	return 0;
err:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return r;
}
