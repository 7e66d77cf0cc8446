/*
 * fstab.h: the image's /etc/fstab, written from the site config and checked
 * by parsing it back with libmount.
 *
 * The root line repeats the NFS mount of the init exactly
 * ("SERVER:EXPORT / nfs ro,NFS_OPTIONS 0 0"): systemd-remount-fs then
 * remounts / with the options it already has, a no-op. A root line that
 * differs (another vers=) makes it fail (reference/systemd-nfs-root.md
 * §2.2). With overlay = tmpfs the root is an overlayfs, which refuses that
 * remount, so no root line is written. Then tmpfs for every path that must
 * be writable on a read-only root.
 */
#ifndef DISKLESS_FSTAB_H
#define DISKLESS_FSTAB_H

#include <stdbool.h>
#include <stddef.h>

struct image;

struct fstab_spec {
	const char *server;      /* dotted quad */
	const char *export_path; /* absolute */
	const char *nfs_options; /* may be "" */
	bool root_line;          /* false with a tmpfs overlay root */
};

/* One tmpfs mount of the image. */
struct fstab_tmpfs {
	const char *dir;
	const char *options;
};

extern const struct fstab_tmpfs fstab_tmpfs_mounts[];
extern const size_t fstab_n_tmpfs_mounts;

/* The text of /etc/fstab (malloc'ed). -EINVAL when a field would break the
 * fstab syntax (spaces, an empty or relative export). */
int fstab_render(const struct fstab_spec *spec, char **out);
/* Parses text with libmount and checks it holds exactly what spec asks for;
 * on failure a reason in err. */
int fstab_validate(
        const char *text, const struct fstab_spec *spec, char *err, size_t errlen);
/* Renders, validates, creates the mount points and writes /etc/fstab. */
int fstab_apply(struct image *img, const struct fstab_spec *spec);

#endif
