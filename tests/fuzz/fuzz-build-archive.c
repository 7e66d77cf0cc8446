/*
 * fuzz-build-archive.c: arbitrary bytes as a base archive and as an OCI
 * layer (whiteouts first), through the tar image back end and its sorted
 * output: member name checks, hard links, symlink parents, whiteouts,
 * spool and emission (builder/extract.c, oci.c, image-tar.c, image.c).
 */
#include "config.h"

#include <archive.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "extract.h"
#include "image.h"
#include "oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct archive *
reader(const uint8_t *data, size_t size)
{
	struct archive *a = archive_read_new();

	extract_support_formats(a);
	if (archive_read_open_memory(a, data, size) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image *img = NULL;
	struct archive *a;
	int out, r;

	out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (out < 0 || image_tar_new("/tmp", out, &img) < 0) {
		if (out >= 0)
			close(out);
		return 0;
	}
	img->have_epoch = true;
	img->epoch = 1;
	image_put_dir(img, "etc", 0755);
	image_put_file(img, "etc/passwd", 0644, "root", 4);
	image_put_symlink(img, "lnk", "/etc");
	a = reader(data, size);
	r = a ? oci_apply_whiteouts(img, a, "fuzz") : -1;
	if (a)
		archive_read_free(a);
	a = r == 0 ? reader(data, size) : NULL;
	if (a) {
		r = extract_archive(img, a, "fuzz", EXTRACT_LAYER);
		archive_read_free(a);
		if (r == 0)
			(void)img->ops->finish(img, out);
	}
	image_free(img);
	close(out);
	return 0;
}
