/*
 * manifest-xattr.h: extended attributes in the manifest. mtree has no
 * keyword for them, so each one is a comment line right after its entry's
 * line, which every mtree reader skips:
 *
 *   #xattr ./PATH NAME SHA256
 *
 * PATH and NAME quoted as mtree quotes names, SHA256 the digest of the
 * value. So `diskless verify` sees a capability added to a binary
 * (security.capability), as well as user., trusted. and other security.
 * attributes. ACLs (system.posix_acl_*) are left out: an archive may
 * carry them as ACL records rather than attributes, and their mask shows
 * in the mode's group bits, which the manifest compares.
 */
#ifndef DISKLESS_MANIFEST_XATTR_H
#define DISKLESS_MANIFEST_XATTR_H

#include <stddef.h>
#include <stdio.h>

#include "manifest.h"

struct archive_entry;

/* The lines of the entry name in dirfd (path: its image path). */
int manifest_xattr_tree(FILE *f, int dirfd, const char *name, const char *path);
/* The lines of an archive entry's attributes. */
int manifest_xattr_entry(FILE *f, struct archive_entry *e, const char *path);

struct manifest_xattr {
	char *key; /* "PATH NAME", quoted, as in the line */
	char hash[65];
};

struct manifest_xattrs {
	struct manifest_xattr *v;
	size_t n, cap;
};

/* Reads the #xattr lines of a manifest (fd at its start), sorted by key. */
int manifest_xattr_read(int fd, struct manifest_xattrs *out);
void manifest_xattrs_free(struct manifest_xattrs *x);

/* Reports each attribute added, removed or changed as MANIFEST_CHANGED of
 * its path, with "xattr NAME" (+ " added"/" removed") as what. Returns the
 * count. */
size_t manifest_xattr_compare(const struct manifest_xattrs *want,
        const struct manifest_xattrs *have,
        void (*report)(
                enum manifest_diff kind, const char *path, const char *what, void *ctx),
        void *ctx);

#endif
