/*
 * test-build-image.c: the tar back end of image.h driven directly, without
 * privileges: replace, remove, opaque directories and whiteouts from an
 * in-memory layer (hostile ones too), hard links, symlink-parent refusal,
 * lookups through the image's own symlinks (merged /usr), and the sorted,
 * clamped output.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"
#include "image.h"
#include "oci.h"
#include "tap.h"

/* fuzz-build-archive found it: a gzip'ed text that libarchive read as an
 * mtree spec with entries of no file type, which crashed the pax writer.
 * mtree is no longer a source format, and typeless entries are refused. */
static const unsigned char fuzz_crash_mtree[] = {0x1f, 0x8b, 0x08, 0x00, 0x8c, 0x57, 0x06,
        0x6b, 0x00, 0x03, 0xb5, 0xd1, 0x4b, 0x0a, 0x83, 0x30, 0x10, 0x06, 0xe0, 0xac,
        0x7b, 0x0b, 0x2f, 0xa0, 0x33, 0x1a, 0x93, 0xb8, 0xec, 0xa2, 0x8b, 0x42, 0x57,
        0xd2, 0x0b, 0xc4, 0x17, 0x2e, 0x84, 0x2a, 0x16, 0xbc, 0x7e, 0x13, 0x8b, 0x4d,
        0x13, 0x2a, 0x06, 0x8b, 0x3f, 0x08, 0x21, 0x24, 0x7e, 0x33, 0x19, 0xe0, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x01,
        0x01, 0x24, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e,
        0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e,
        0x4e, 0x4e, 0xae, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x00, 0x00, 0x62,
        0x90, 0x00, 0x33, 0xe2, 0x00, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e,
        0x4e, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd5, 0xd4, 0xd4,
        0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4,
        0xd4, 0xd4, 0xd4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xd4, 0xd4,
        0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4,
        0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4,
        0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4,
        0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4,
        0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0xd4, 0x4e,
        0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e,
        0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e,
        0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e,
        0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e, 0x4e,
        0x4e, 0x67, 0x98, 0x09, 0x50, 0xa1, 0x58, 0x57, 0xf0, 0x3b, 0x94, 0x15, 0xc0,
        0x52, 0x2e, 0x4a, 0x7b, 0xbb, 0x59, 0xa8, 0x31, 0xd0, 0x76, 0x68, 0xba, 0xb7,
        0xe0, 0xcb, 0x93, 0xc9, 0x86, 0x17, 0xef, 0xf4, 0xd8, 0xc7, 0x8b, 0x73, 0x68,
        0x61, 0x32, 0xec, 0xa2, 0x8b, 0x42, 0x57, 0xd2, 0x0b, 0xc4, 0x17, 0x2e, 0x84,
        0x2a, 0x16, 0xbc, 0x7e, 0x13, 0x8b, 0x4d, 0x13, 0x2a, 0x06, 0x8b, 0x3f, 0x08,
        0x21, 0x24, 0x7e, 0x33, 0x19, 0xe0, 0xc0, 0x01, 0x01, 0x24, 0xce, 0x9f, 0x6e,
        0x00, 0x00, 0x10, 0x04, 0x7a, 0xde, 0x7e, 0x31, 0xa3, 0x26, 0x01, 0x44, 0x04,
        0x00, 0x00};

/* An in-memory tar of (name, data) members; data NULL makes a directory,
 * data starting with "->" a symlink. */
static size_t
make_layer(char *buf, size_t cap, const char *const *members)
{
	struct archive *w = archive_write_new();
	struct archive_entry *e;
	size_t used = 0;

	archive_write_set_format_pax_restricted(w);
	archive_write_open_memory(w, buf, cap, &used);
	for (; *members != NULL; members += 2) {
		const char *data = members[1];

		e = archive_entry_new();
		archive_entry_set_pathname(e, members[0]);
		if (data == NULL) {
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
		} else if (strncmp(data, "->", 2) == 0) {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, data + 2);
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, (la_int64_t)strlen(data));
		}
		archive_write_header(w, e);
		if (data != NULL && strncmp(data, "->", 2) != 0)
			archive_write_data(w, data, strlen(data));
		archive_entry_free(e);
	}
	archive_write_close(w);
	archive_write_free(w);
	return used;
}

static int
whiteouts(struct image *img, const char *const *members)
{
	static char buf[1 << 16];
	struct archive *a = archive_read_new();
	size_t n = make_layer(buf, sizeof(buf), members);
	int r;

	archive_read_support_format_tar(a);
	archive_read_open_memory(a, buf, n);
	r = oci_apply_whiteouts(img, a, "test layer");
	archive_read_free(a);
	return r;
}

/* "name=data;name/;..." listing of a tar file. */
static void
listing(const char *path, char *out, size_t cap)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	size_t n = 0;

	out[0] = '\0';
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 4096) != ARCHIVE_OK)
		return;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		char data[64] = "";
		la_ssize_t got = archive_read_data(a, data, sizeof(data) - 1);

		data[got > 0 ? got : 0] = '\0';
		if (image_fmt(out + n, cap - n, "%s%s%s%s;", archive_entry_pathname(e),
		            archive_entry_hardlink(e) ? "=>" : (got > 0 ? "=" : ""),
		            archive_entry_hardlink(e) ? archive_entry_hardlink(e) : "",
		            data) < 0)
			break;
		n += strlen(out + n);
		if (archive_entry_mtime(e) != 1000)
			snprintf(out, cap, "mtime not clamped on %s",
			        archive_entry_pathname(e));
	}
	archive_read_free(a);
}

int
main(void)
{
	static const char *const l1[] = {"etc/.wh.a", "", "opq/.wh..wh..opq", "", NULL};
	static const char *const bad1[] = {"lnk/.wh.x", "", NULL};
	static const char *const bad2[] = {"etc/.wh..", "", NULL};
	static const char *const bad3[] = {"../.wh.x", "", NULL};
	static const char *const bad4[] = {"etc/.wh..wh.plnk", "", NULL};
	char out[4096], path[512];
	struct image *img = NULL;
	struct archive_entry *e;
	struct image_data none = {NULL, NULL, 0};
	mode_t type;
	int fd, mfd, r;

	tap_plan(22);
	snprintf(path, sizeof(path), "%s/out.tar", tap_tmpdir());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	mfd = open("/dev/null", O_WRONLY);
	r = image_tar_new(tap_tmpdir(), fd, &img);
	tap_is_int(r, 0, "tar image created");
	if (r < 0)
		return tap_done();
	img->have_epoch = true;
	img->epoch = 1000;
	image_put_dir(img, "", 0755);
	image_put_dir(img, "etc", 0755);
	image_put_file(img, "etc/a", 0644, "A", 1);
	image_put_file(img, "etc/b", 0644, "B", 1);
	image_put_dir(img, "opq", 0755);
	image_put_dir(img, "opq/sub", 0755);
	image_put_file(img, "opq/sub/x", 0644, "X", 1);
	image_put_dir(img, "usr", 0755);
	image_put_dir(img, "usr/sbin", 0755);
	image_put_file(img, "usr/sbin/ifup", 0755, "#!", 2);
	image_put_symlink(img, "sbin", "usr/sbin");
	image_put_symlink(img, "lnk", "/etc");
	image_put_symlink(img, "loop", "loop");

	tap_is_int(
	        img->ops->lookup(img, "sbin/ifup", &type), 0, "lookup through a symlink");
	tap_is_int(
	        img->ops->lookup(img, "/sbin/../sbin/ifup", &type), 0, "with .. inside");
	tap_is_int(
	        img->ops->lookup(img, "lnk/b", &type), 0, "through an absolute symlink");
	tap_is_int(
	        img->ops->lookup(img, "loop/x", &type), -ENOENT, "a symlink loop ends");
	tap_is_int(image_put_file(img, "lnk/evil", 0644, "E", 1), -EPERM,
	        "a file under a symlink is refused");
	tap_ok(strstr(img->err, "symlink") != NULL, "and says why: %s", img->err);

	/* a hard link and its target replaced afterwards */
	e = archive_entry_new();
	archive_entry_set_pathname(e, "etc/hl");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_hardlink(e, "etc/b");
	tap_is_int(img->ops->put(img, "etc/hl", e, &none), 0, "a hard link");
	archive_entry_set_hardlink(e, "etc");
	tap_is_int(
	        img->ops->put(img, "etc/hd", e, &none), -EPERM, "no hard link to a dir");
	archive_entry_set_hardlink(e, "etc/none");
	tap_is_int(
	        img->ops->put(img, "etc/hn", e, &none), -ENOENT, "no dangling hard link");
	archive_entry_free(e);

	tap_is_int(whiteouts(img, l1), 0, "a whiteout and an opaque dir");
	tap_is_int(whiteouts(img, bad1), -EPERM, "a whiteout under a symlink is refused");
	tap_is_int(whiteouts(img, bad2), -EPERM, "'.wh..' is refused");
	tap_is_int(whiteouts(img, bad3), -EPERM, "'../.wh.x' is refused");
	tap_is_int(whiteouts(img, bad4), -EINVAL, "an unknown .wh..wh. is refused");
	tap_is_int(img->ops->remove_glob(img, "usr", "if*", true), 0, "remove_glob");
	tap_is_int(img->ops->lookup(img, "usr/sbin/ifup", &type), -ENOENT, "removed");
	tap_is_int(img->ops->remove(img, "loop"), 0, "remove a symlink");

	{
		struct archive *a = archive_read_new();

		extract_support_formats(a);
		r = archive_read_open_memory(
		        a, fuzz_crash_mtree, sizeof(fuzz_crash_mtree));
		if (r == ARCHIVE_OK)
			r = extract_archive(img, a, "crash", EXTRACT_PLAIN);
		tap_ok(r != 0, "fuzz crash input (mtree, no types) refused");
		archive_read_free(a);
	}
	r = img->ops->finish(img, mfd);
	tap_is_int(r, 0, "finish: %s", r ? img->err : "ok");
	image_free(img);
	close(fd);
	close(mfd);
	listing(path, out, sizeof(out));
	tap_is_str(out,
	        "./;./etc/;./etc/b=B;./etc/hl=>./etc/b;./lnk;./opq/;./sbin;./usr/;"
	        "./usr/sbin/;",
	        "sorted, whiteouts applied, hard link after its target");
	tap_ok(strstr(out, "mtime") == NULL, "every mtime clamped");
	return tap_done();
}
