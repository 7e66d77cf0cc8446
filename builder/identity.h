/*
 * identity.h: what makes each client itself although all share one image.
 *
 *   machine-id  /etc/machine-id is empty in the image (systemd then gives a
 *               transient one; "uninitialized" or a missing file break a
 *               read-only root, reference/systemd-nfs-root.md §2.1).
 *               /var/lib/dbus/machine-id points to it. At boot the unit
 *               diskless-identity.service (rootfs-overlays/common) binds a
 *               deterministic ID over it: the first 32 hex digits of
 *               sha256("diskless-machine-id:" MAC) of the boot NIC (BOOTIF=,
 *               else wwid=, else the NIC of /run/net-<dev>.conf, else the
 *               first NIC that is up). The same script writes the boot
 *               NIC's networkd and NetworkManager files into /run
 *               (image-net.h).
 *   hostname    /etc/hostname is removed: systemd keeps the hostname the
 *               kernel or the init set from field 5 of ip=; the same unit
 *               sets it from ip= when nothing did.
 *   SSH keys    lab and thin-client: per client. The image's host keys are
 *               removed, /etc/ssh/ssh_host_*_key are symlinks into
 *               /run/diskless/ssh, and diskless-ssh-keys.service generates
 *               the keys there (tmpfs) before sshd starts, at each boot.
 *               Clients then change keys at every boot: users see a host
 *               key warning unless they trust by CA or ignore known_hosts.
 *               cluster-node: the image's keys are shared by every node
 *               (one known_hosts entry for the cluster, as Warewulf and
 *               xCAT do); whoever reads the image can impersonate a node.
 */
#ifndef DISKLESS_IDENTITY_H
#define DISKLESS_IDENTITY_H

#include <stdbool.h>

struct image;

enum identity_ssh {
	IDENTITY_SSH_PER_CLIENT,
	IDENTITY_SSH_SHARED,
};

int identity_apply(struct image *img, enum identity_ssh ssh);

#endif
