/*
 * test-initramfs.c: the reproducible cpio writer of `diskless initrd`.
 * Archives are read back with libarchive and checked entry by entry.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "initramfs.h"
#include "tap.h"

static const struct {
	const char *path;
	int want;
} path_cases[] = {
	{ "/init", 0 },
	{ "/lib/modules/6.1/kernel/fs/nfs/nfs.ko", 0 },
	{ "/.hidden/x", 0 },
	{ "/..x", 0 },
	{ "init", -EINVAL },
	{ "/", -EINVAL },
	{ "", -EINVAL },
	{ "/a/../b", -EINVAL },
	{ "/..", -EINVAL },
	{ "/./a", -EINVAL },
	{ "/a/.", -EINVAL },
	{ "/a//b", -EINVAL },
	{ "/a/", -EINVAL },
};

static void
test_paths(void)
{
	struct initramfs *ir = NULL;
	char longname[300];
	size_t i;

	initramfs_new(&ir);
	for (i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++)
		tap_is_int(initramfs_add_dir(ir, path_cases[i].path, 0755), path_cases[i].want,
			"path '%s'", path_cases[i].path);
	longname[0] = '/';
	memset(longname + 1, 'n', 256);
	longname[257] = '\0';
	tap_is_int(initramfs_add_dir(ir, longname, 0755), -ENAMETOOLONG,
		"a 256-byte name is too long");
	initramfs_free(ir);
	initramfs_free(NULL);
	tap_ok(1, "initramfs_free(NULL) is a no-op");
}

static void
test_compress_names(void)
{
	static const char *const names[] = { "none", "gzip", "zstd", "xz", "lz4" };
	enum initramfs_compress c;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		tap_ok(initramfs_compress_parse(names[i], &c) == 0 &&
			       strcmp(initramfs_compress_name(c), names[i]) == 0,
			"compression %s round trip", names[i]);
	}
	tap_is_int(initramfs_compress_parse("bzip2", &c), -EINVAL, "bzip2 is refused");
	tap_is_int(initramfs_compress_parse("", &c), -EINVAL, "empty is refused");
	tap_is_str(initramfs_compress_kconfig(INITRAMFS_ZSTD), "CONFIG_RD_ZSTD", "zstd's option");
	tap_ok(initramfs_compress_kconfig(INITRAMFS_NONE) == NULL, "none needs no option");
}

static char tmp_path[4096];

static const char *
tpath(const char *name)
{
	snprintf(tmp_path, sizeof(tmp_path), "%s/%s", tap_tmpdir(), name);
	return tmp_path;
}

/* A file compressed by libarchive (raw format, filter by name). */
static int
write_comp(const char *path, const char *filter, const void *data, size_t len)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	int ok;

	archive_write_add_filter_by_name(a, filter);
	archive_write_set_format_raw(a);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_size(ae, (la_int64_t)len);
	ok = archive_write_open_filename(a, path) == ARCHIVE_OK &&
	     archive_write_header(a, ae) == ARCHIVE_OK &&
	     archive_write_data(a, data, len) == (la_ssize_t)len &&
	     archive_write_close(a) == ARCHIVE_OK;
	archive_entry_free(ae);
	archive_write_free(a);
	return ok ? 0 : -1;
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	unsigned char *p = NULL;
	FILE *f = fopen(path, "rb");
	long n;

	*len = 0;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		p = malloc((size_t)n + 1);
		if (p != NULL && fread(p, 1, (size_t)n, f) == (size_t)n)
			*len = (size_t)n;
	}
	fclose(f);
	return p;
}

/* the module's content, and a plain source file's */
static const char ko_data[] = "\177ELF pretend module contents, repeated repeated repeated";
static const char fw_data[] = "firmware bytes";

static int
fill(struct initramfs *ir, int order)
{
	int r = 0;

	/* the same entries in two different orders */
	if (order == 0) {
		r |= initramfs_add_file(ir, "/init", tpath("init-src"), 0755);
		r |= initramfs_add_chardev(ir, "/dev/console", 0600, 5, 1);
		r |= initramfs_add_decompressed(ir, "/lib/modules/v/kernel/m.ko",
			tpath("m.ko.xz"), 0644);
		r |= initramfs_add_data(ir, "/etc/diskless/modules.load", "/x\n", 3, 0644);
		r |= initramfs_add_dir(ir, "/proc", 0755);
		r |= initramfs_add_file(ir, "/lib/firmware/fw.bin", tpath("fw-src"), 0644);
	} else {
		r |= initramfs_add_file(ir, "/lib/firmware/fw.bin", tpath("fw-src"), 0644);
		r |= initramfs_add_dir(ir, "/proc", 0755);
		r |= initramfs_add_data(ir, "/etc/diskless/modules.load", "/x\n", 3, 0644);
		r |= initramfs_add_decompressed(ir, "/lib/modules/v/kernel/m.ko",
			tpath("m.ko.xz"), 0644);
		r |= initramfs_add_dir(ir, "/lib", 0755); /* also a parent: merged */
		r |= initramfs_add_chardev(ir, "/dev/console", 0600, 5, 1);
		r |= initramfs_add_file(ir, "/init", tpath("init-src"), 0755);
		r |= initramfs_add_file(ir, "/init", tpath("init-src"), 0755); /* same twice */
	}
	return r;
}

static int
build(const char *out, int order, enum initramfs_compress c, time_t mtime,
	struct initramfs_stats *st)
{
	struct initramfs_opts o = { c, mtime };
	struct initramfs *ir = NULL;
	int r;

	if (initramfs_new(&ir) < 0)
		return -ENOMEM;
	r = fill(ir, order);
	if (r == 0)
		r = initramfs_write(ir, out, &o, st);
	if (r < 0)
		tap_diag("initramfs_write: %s", initramfs_error(ir));
	initramfs_free(ir);
	return r;
}

static const struct {
	const char *path;
	unsigned int type;
	unsigned int perm;
} want_entries[] = {
	{ "dev", AE_IFDIR, 0755 },
	{ "dev/console", AE_IFCHR, 0600 },
	{ "etc", AE_IFDIR, 0755 },
	{ "etc/diskless", AE_IFDIR, 0755 },
	{ "etc/diskless/modules.load", AE_IFREG, 0644 },
	{ "init", AE_IFREG, 0755 },
	{ "lib", AE_IFDIR, 0755 },
	{ "lib/firmware", AE_IFDIR, 0755 },
	{ "lib/firmware/fw.bin", AE_IFREG, 0644 },
	{ "lib/modules", AE_IFDIR, 0755 },
	{ "lib/modules/v", AE_IFDIR, 0755 },
	{ "lib/modules/v/kernel", AE_IFDIR, 0755 },
	{ "lib/modules/v/kernel/m.ko", AE_IFREG, 0644 },
	{ "proc", AE_IFDIR, 0755 },
};

static void
check_archive(const char *path, time_t mtime)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	char data[256];
	size_t i = 0, n = sizeof(want_entries) / sizeof(want_entries[0]);
	int bad = 0;
	la_ssize_t got;

	archive_read_support_filter_all(a);
	archive_read_support_format_cpio(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		tap_ok(0, "open %s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return;
	}
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		if (i >= n) {
			tap_diag("extra entry %s", archive_entry_pathname(ae));
			bad++;
			break;
		}
		if (strcmp(archive_entry_pathname(ae), want_entries[i].path) != 0 ||
		    archive_entry_filetype(ae) != want_entries[i].type ||
		    archive_entry_perm(ae) != want_entries[i].perm ||
		    archive_entry_uid(ae) != 0 || archive_entry_gid(ae) != 0 ||
		    archive_entry_mtime(ae) != mtime || archive_entry_ino64(ae) != (la_int64_t)i + 1) {
			tap_diag("entry %zu: %s type %o perm %o uid %lld mtime %lld ino %lld", i,
				archive_entry_pathname(ae), archive_entry_filetype(ae),
				archive_entry_perm(ae), (long long)archive_entry_uid(ae),
				(long long)archive_entry_mtime(ae),
				(long long)archive_entry_ino64(ae));
			bad++;
		}
		if (strcmp(want_entries[i].path, "dev/console") == 0)
			tap_ok(archive_entry_rdevmajor(ae) == 5 && archive_entry_rdevminor(ae) == 1,
				"/dev/console is 5,1");
		if (strcmp(want_entries[i].path, "lib/modules/v/kernel/m.ko") == 0) {
			got = archive_read_data(a, data, sizeof(data));
			tap_is_mem(data, got > 0 ? (size_t)got : 0, ko_data, sizeof(ko_data),
				"the .ko.xz is stored decompressed");
		}
		if (strcmp(want_entries[i].path, "lib/firmware/fw.bin") == 0) {
			got = archive_read_data(a, data, sizeof(data));
			tap_is_mem(data, got > 0 ? (size_t)got : 0, fw_data, sizeof(fw_data),
				"a plain file is stored as is");
		}
		i++;
	}
	tap_is_int(archive_format(a), ARCHIVE_FORMAT_CPIO_SVR4_NOCRC, "cpio newc (SVR4, no CRC)");
	tap_is_int((long long)i, (long long)n, "%zu entries", n);
	tap_is_int(bad, 0, "sorted, parents first, modes, owner 0, mtime, inodes 1..n");
	archive_read_free(a);
}

static int
dir_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_write(void)
{
	struct initramfs_stats st;
	char a[4096], b[4096];
	unsigned char *pa, *pb;
	size_t la, lb;
	struct timeval tv[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct stat sb;
	mode_t old;

	tap_write_file("init-src", "#!/bin/sh\n", 10);
	tap_write_file("fw-src", fw_data, sizeof(fw_data));
	tap_ok(write_comp(tpath("m.ko.xz"), "xz", ko_data, sizeof(ko_data)) == 0, "an xz module source");
	mkdir(tpath("out"), 0755);
	snprintf(a, sizeof(a), "%s", tpath("out/a.img"));
	snprintf(b, sizeof(b), "%s", tpath("out/b.img"));

	tap_is_int(build(a, 0, INITRAMFS_NONE, 1234567890, &st), 0, "write uncompressed");
	tap_is_int((long long)st.entries, 14, "stats: 14 entries");
	tap_is_int((long long)st.raw_bytes, (long long)(10 + sizeof(fw_data) + sizeof(ko_data) + 3),
		"stats: raw bytes");
	check_archive(a, 1234567890);

	/* other add order, other source mtimes, umask 077: same bytes */
	utimes(tpath("init-src"), tv);
	utimes(tpath("fw-src"), tv);
	old = umask(077);
	tap_is_int(build(b, 1, INITRAMFS_NONE, 1234567890, &st), 0, "write again, other order");
	umask(old);
	pa = slurp(a, &la);
	pb = slurp(b, &lb);
	tap_is_mem(pa, la, pb, lb, "byte-identical: add order, input mtimes, umask");
	free(pa);
	free(pb);
	tap_ok(stat(b, &sb) == 0 && (sb.st_mode & 07777) == 0644, "output mode 0644 under umask 077");

	tap_is_int(build(a, 0, INITRAMFS_GZIP, 0, &st), 0, "gzip");
	tap_is_int(build(b, 1, INITRAMFS_GZIP, 0, &st), 0, "gzip again");
	pa = slurp(a, &la);
	pb = slurp(b, &lb);
	tap_is_mem(pa, la, pb, lb, "gzip: byte-identical (no time in its header)");
	tap_ok(la > 10 && pa[0] == 0x1f && pa[1] == 0x8b && pa[4] == 0 && pa[5] == 0 &&
		       pa[6] == 0 && pa[7] == 0,
		"gzip header MTIME is 0 (RFC 1952 2.3.1)");
	free(pa);
	free(pb);
	check_archive(a, 0);

	tap_is_int(build(a, 0, INITRAMFS_ZSTD, 0, &st), 0, "zstd");
	tap_is_int(build(b, 1, INITRAMFS_ZSTD, 0, &st), 0, "zstd again");
	pa = slurp(a, &la);
	pb = slurp(b, &lb);
	tap_is_mem(pa, la, pb, lb, "zstd: byte-identical");
	free(pa);
	free(pb);
	check_archive(a, 0);
	tap_is_int(dir_entries(tpath("out")), 2, "no temporary files left beside the outputs");
}

/* .ko.zst and .ko.gz too (Debian's kernels after 12 ship .ko.xz/.ko.zst) */
static void
test_decompress(void)
{
	static const char *const filters[] = { "zstd", "gzip", "xz" };
	static const char *const suffixes[] = { "zst", "gz", "xz" };
	struct initramfs_opts o = { INITRAMFS_NONE, 0 };
	struct initramfs_stats st;
	struct initramfs *ir = NULL;
	struct archive *a;
	struct archive_entry *ae;
	char src[64], big[1 << 16], back[1 << 16];
	la_ssize_t got;
	size_t i, j;

	for (j = 0; j < sizeof(big); j++)
		big[j] = (char)(j * 7 + j / 251);
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		snprintf(src, sizeof(src), "big.ko.%s", suffixes[i]);
		if (write_comp(tpath(src), filters[i], big, sizeof(big)) < 0) {
			tap_skip(1, "libarchive cannot write this filter here");
			continue;
		}
		initramfs_new(&ir);
		initramfs_add_decompressed(ir, "/m.ko", tpath(src), 0644);
		got = -1;
		if (initramfs_write(ir, tpath("dec.img"), &o, &st) == 0) {
			a = archive_read_new();
			archive_read_support_format_cpio(a);
			if (archive_read_open_filename(a, tpath("dec.img"), 1 << 16) == ARCHIVE_OK &&
			    archive_read_next_header(a, &ae) == ARCHIVE_OK)
				got = archive_read_data(a, back, sizeof(back));
			archive_read_free(a);
		}
		tap_is_mem(back, got > 0 ? (size_t)got : 0, big, sizeof(big),
			"a .ko.%s is stored decompressed", suffixes[i]);
		initramfs_free(ir);
	}
	unlink(tpath("dec.img"));
}

static void
test_errors(void)
{
	struct initramfs_opts o = { INITRAMFS_NONE, 0 };
	struct initramfs_stats st;
	struct initramfs *ir = NULL;
	int r;

	initramfs_new(&ir);
	initramfs_add_file(ir, "/init", tpath("no-such-source"), 0755);
	r = initramfs_write(ir, tpath("out/err.img"), &o, &st);
	tap_is_int(r, -ENOENT, "a missing source fails with -ENOENT");
	tap_ok(strstr(initramfs_error(ir), "no-such-source") != NULL, "the error names it: %s",
		initramfs_error(ir));
	tap_ok(access(tpath("out/err.img"), F_OK) != 0, "no output on failure");
	tap_is_int(dir_entries(tpath("out")), 2, "and no temporary file left");
	initramfs_free(ir);

	initramfs_new(&ir);
	initramfs_add_data(ir, "/init", "a", 1, 0755);
	initramfs_add_file(ir, "/init", tpath("init-src"), 0755);
	initramfs_add_dir(ir, "/x", 0755);
	r = initramfs_write(ir, tpath("out/err.img"), &o, &st);
	tap_is_int(r, -EEXIST, "one path from two sources: -EEXIST");
	tap_ok(strstr(initramfs_error(ir), "/init") != NULL, "the error names it: %s",
		initramfs_error(ir));
	initramfs_free(ir);

	initramfs_new(&ir);
	initramfs_add_dir(ir, "/d", 0755);
	initramfs_add_data(ir, "/d", "a", 1, 0644);
	tap_is_int(initramfs_write(ir, tpath("out/err.img"), &o, &st), -EEXIST,
		"a directory and a file at one path: -EEXIST");
	initramfs_free(ir);

	initramfs_new(&ir);
	initramfs_add_data(ir, "/x", "a", 1, 0644);
	r = initramfs_write(ir, tpath("no-dir/x.img"), &o, &st);
	tap_is_int(r, -ENOENT, "an output directory that does not exist");
	tap_ok(strstr(initramfs_error(ir), "no-dir/x.img") != NULL, "the error names it: %s",
		initramfs_error(ir));
	initramfs_free(ir);
}

int
main(void)
{
	test_paths();
	test_compress_names();
	test_write();
	test_decompress();
	test_errors();
	return tap_done();
}
