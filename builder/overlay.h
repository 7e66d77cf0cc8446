/*
 * overlay.h: the rootfs-overlays/ profile trees and the user's --overlay
 * trees, copied over the image. A regular file named NAME.in is a template:
 * it is installed as NAME with its placeholders filled from the site config.
 *
 * Placeholders (only @ followed by capitals or '_' and a closing @ is one;
 * any other @ is kept as it is, and @@ writes a single @):
 *   @SERVER@       the site's server address (the NFS server)
 *   @EXPORT@       the image's exported root ("root =" of [image NAME])
 *   @NFS_OPTIONS@  the image's NFS options, as the init mounts them
 *   @IMAGE@        the image name
 *   @PROFILE@      the profile (lab, thin-client, cluster-node)
 *   @NAMESERVERS@  one "nameserver ADDR" line per DNS server of [dhcp],
 *                  else the server address
 * An unknown placeholder is an error naming the file and the line.
 *
 * Owners become root:root, modes 0755 for directories and executables,
 * 0644 for other files: what a checkout keeps of a mode is the x bit only.
 * A directory that already exists in the image keeps its own metadata.
 */
#ifndef DISKLESS_OVERLAY_H
#define DISKLESS_OVERLAY_H

#include <stddef.h>

struct image;

struct overlay_vars {
	const char *server;
	const char *export_path;
	const char *nfs_options;
	const char *image;
	const char *profile;
	const char *nameservers; /* ready-made lines */
};

/* Largest template accepted: they are small config files. */
#define OVERLAY_TEMPLATE_MAX (1024 * 1024)

/*
 * Fills the placeholders of in[0..len). On success *out (malloc'ed, NUL
 * terminated, freed by the caller) and *out_len; on error -EINVAL with a
 * reason ("line 3: unknown placeholder @FOO@") in err.
 */
int overlay_fill(const char *in, size_t len, const struct overlay_vars *v, char **out,
        size_t *out_len, char *err, size_t errlen);

/* Copies the tree at dir over the image. */
int overlay_apply(struct image *img, const char *dir, const struct overlay_vars *v);

#endif
