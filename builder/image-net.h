/*
 * image-net.h: the network stacks of the image, configured so that the
 * booted OS never reconfigures or tears down the boot interface that the
 * initramfs set up and the NFS root runs over (reference/systemd-nfs-root.md
 * §3, reference/rootfs-builders.md §6.3):
 *
 *   ifupdown        lo only, interfaces.d emptied, so no NIC is "auto" or
 *                   "allow-hotplug" (ifup -a/ifdown -a skip them: "manual");
 *                   networking.service gets an empty ExecStop= so shutdown
 *                   runs no ifdown under the root;
 *   systemd-networkd and NetworkManager: nothing in the image. At boot,
 *                   before either starts, diskless-identity (rootfs-overlays/
 *                   common) writes /run/systemd/network/00-diskless-boot.network
 *                   (MACAddress=<boot MAC>, DHCP=no, KeepConfiguration=yes)
 *                   and /run/NetworkManager/conf.d/90-diskless-boot.conf
 *                   (unmanaged-devices+=mac:<boot MAC>); other NICs are the
 *                   OS's as usual;
 *   netplan         its YAML removed (it would generate DHCP configs that
 *                   sort before ours) and an empty version-2 file left;
 *   always          systemd-network-generator.service masked, so an ip=
 *                   on the command line never becomes a DHCP .network.
 */
#ifndef DISKLESS_IMAGE_NET_H
#define DISKLESS_IMAGE_NET_H

#include <stddef.h>

struct image;

enum image_net_stack {
	IMAGE_NET_IFUPDOWN = 1 << 0,
	IMAGE_NET_NETWORKD = 1 << 1,
	IMAGE_NET_NM = 1 << 2,
	IMAGE_NET_NETPLAN = 1 << 3,
};

/* The stacks installed in the image (a bit set of image_net_stack). */
unsigned image_net_detect(struct image *img);
/* Writes the configuration for each stack in stacks. */
int image_net_apply(struct image *img, unsigned stacks);
/* "ifupdown networkd" for messages; buf of at least 64 bytes. */
const char *image_net_names(unsigned stacks, char *buf, size_t len);

#endif
