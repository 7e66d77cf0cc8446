/*
 * manifest.h: the mtree manifest of an image (libarchive's mtree writer,
 * sha256 for files), written next to every output (DIR.mtree, FILE.mtree)
 * and read back by `diskless verify`.
 *
 * Keywords: type, mode, uid, gid, size, sha256digest, link, device, nlink
 * (non-directories with more than one name) and time; the lines are
 * written by mtree-line.c. Extended attributes have no mtree keyword: they
 * are comment lines (manifest-xattr.h). ACLs are not covered.
 */
#ifndef DISKLESS_MANIFEST_H
#define DISKLESS_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct mtree_rec;
struct stat;

/* A buffered stream on a copy of fd, "#mtree" written; lines go in with
 * mtree_line_write() (mtree-line.h), in its order. */
int manifest_open(int fd, FILE **out);
/* Flushes and closes the stream; 0 or -EIO. */
int manifest_close(FILE *f);
/* Fills m from st for path (no link target, no digest). */
void manifest_rec_from_stat(struct mtree_rec *m, const char *path, const struct stat *st);

/*
 * Writes the manifest of the tree at rootfd to fd, walking it in the
 * writer's order (mtree-line.h) without following symlinks; memory does
 * not grow with the number of entries. With clamp, every mtime later than
 * epoch is first set to epoch on disk (the build's last step). Errors go to
 * err as one line.
 */
int manifest_write_tree(
        int rootfd, bool clamp, time_t epoch, int fd, char *err, size_t errlen);

/* One manifest entry as verify compares it. */
struct manifest_entry {
	char *path;  /* without "./"; "" for the root */
	mode_t mode; /* type and permission bits */
	uid_t uid;
	gid_t gid;
	int64_t size;
	time_t mtime;
	long mtime_nsec;
	dev_t rdev;
	unsigned nlink;
	char *link;
	unsigned char sha256[32];
	bool has_sha256;
};

struct manifest_list {
	struct manifest_entry *v;
	size_t n, cap;
};

/* Reads an mtree file (fd at its start) into a list sorted by path. */
int manifest_read(int fd, struct manifest_list *out, char *err, size_t errlen);
void manifest_list_free(struct manifest_list *l);

/* Differences reported by manifest_compare(). */
enum manifest_diff {
	MANIFEST_ADDED,   /* in the tree, not in the manifest */
	MANIFEST_MISSING, /* in the manifest, not in the tree */
	MANIFEST_CHANGED,
};

/* Calls report for each difference of have against want (both sorted);
 * what lists the changed keywords ("mode sha256"). Returns the count. */
size_t manifest_compare(const struct manifest_list *want,
        const struct manifest_list *have,
        void (*report)(
                enum manifest_diff kind, const char *path, const char *what, void *ctx),
        void *ctx);

/* Orders paths so that a directory comes right before its contents
 * ('/' sorts before every other byte): the order of the sorted walk. */
int manifest_path_cmp(const char *a, const char *b);

#endif
