/*
 * extract.h: safe extraction of the image into a staging directory (the
 * --out-dir back end of image.h), and the readers that feed any image from
 * an archive libarchive reads or from a directory tree.
 */
#ifndef DISKLESS_EXTRACT_H
#define DISKLESS_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

struct archive;
struct image;

/* How an archive stream is treated while it is read into the image. */
enum extract_mode {
	EXTRACT_PLAIN, /* every member is an entry */
	EXTRACT_LAYER, /* an OCI/docker layer: whiteout members are skipped */
};

/*
 * Reads every member of the open archive a into img. what names the source
 * in messages. Hostile member names are refused (image_clean_path): the
 * whole build then fails with img->err naming the member.
 */
int extract_archive(
        struct image *img, struct archive *a, const char *what, enum extract_mode mode);
/* Enables every filter and every archive format but mtree: an mtree
 * "archive" names host files ("contents=/etc/shadow") that libarchive
 * would read into the image. */
void extract_support_formats(struct archive *a);
/* Opens path (any format and filter libarchive knows) for extract_archive;
 * on failure libarchive's reason in err. */
int extract_open_file(const char *path, struct archive **out, char *err, size_t errlen);
/* Reads the tree under dir (not following symlinks, hard links kept). */
int extract_dir(struct image *img, const char *dir);

/* Removes a directory tree without following symlinks (outdir.c). */
int extract_rm_tree(const char *path);

/* The open flags of the staging writer, exported for the tests. */
int extract_disk_flags(bool keep_owner);

#endif
