/*
 * image-net.c: see image-net.h.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "image-net.h"
#include "image.h"

static const char ifupdown_interfaces[] =
        "# Written by diskless build. The boot interface was configured by the\n"
        "# initramfs and carries the NFS root: ifupdown must never touch it, so\n"
        "# no interface is listed as auto or allow-hotplug (it stays \"manual\"),\n"
        "# and interfaces.d/ was emptied.\n"
        "auto lo\n"
        "iface lo inet loopback\n";

static const char networking_dropin[] =
        "# Written by diskless build: no ifdown at shutdown, the root is on NFS.\n"
        "[Service]\n"
        "ExecStop=\n";

static const char netplan_conf[] =
        "# Written by diskless build: the boot interface is configured by the\n"
        "# initramfs; netplan must generate nothing for it.\n"
        "network:\n"
        "  version: 2\n";

static bool
any_exists(struct image *img, const char *const *paths)
{
	for (; *paths != NULL; paths++)
		if (image_exists(img, *paths))
			return true;
	return false;
}

unsigned
image_net_detect(struct image *img)
{
	static const char *const ifupdown[] = {"sbin/ifup", "usr/sbin/ifup", NULL};
	static const char *const networkd[] = {
	        "lib/systemd/systemd-networkd", "usr/lib/systemd/systemd-networkd", NULL};
	static const char *const nm[] = {"usr/sbin/NetworkManager", NULL};
	static const char *const netplan[] = {"usr/sbin/netplan", "etc/netplan", NULL};
	unsigned s = 0;

	if (any_exists(img, ifupdown))
		s |= IMAGE_NET_IFUPDOWN;
	if (any_exists(img, networkd))
		s |= IMAGE_NET_NETWORKD;
	if (any_exists(img, nm))
		s |= IMAGE_NET_NM;
	if (any_exists(img, netplan))
		s |= IMAGE_NET_NETPLAN;
	return s;
}

const char *
image_net_names(unsigned stacks, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", stacks & IMAGE_NET_IFUPDOWN ? " ifupdown" : "",
	        stacks & IMAGE_NET_NETWORKD ? " systemd-networkd" : "",
	        stacks & IMAGE_NET_NM ? " NetworkManager" : "",
	        stacks & IMAGE_NET_NETPLAN ? " netplan" : "", stacks ? "" : " none");
	return buf + 1;
}

static int
put_text(struct image *img, const char *path, mode_t mode, const char *text)
{
	char dir[IMAGE_PATH_MAX];
	const char *slash = strrchr(path, '/');
	int r;

	if (slash != NULL) {
		image_fmt(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		r = image_mkdirs(img, dir, 0755);
		if (r < 0)
			return r;
	}
	return image_put_file(img, path, mode, text, strlen(text));
}

static int
apply_ifupdown(struct image *img)
{
	int r;

	r = img->ops->clear_dir(img, "etc/network/interfaces.d");
	if (r == 0)
		r = put_text(img, "etc/network/interfaces", 0644, ifupdown_interfaces);
	if (r == 0)
		r = put_text(img, "etc/systemd/system/networking.service.d/diskless.conf",
		        0644, networking_dropin);
	return r;
}

static int
apply_netplan(struct image *img)
{
	int r;

	r = img->ops->remove_glob(img, "etc/netplan", "*.yaml", false);
	if (r == 0)
		r = img->ops->remove_glob(img, "etc/netplan", "*.yml", false);
	if (r == 0)
		r = put_text(img, "etc/netplan/01-diskless.yaml", 0600, netplan_conf);
	return r;
}

int
image_net_apply(struct image *img, unsigned stacks)
{
	int r = 0;

	if (stacks & IMAGE_NET_IFUPDOWN)
		r = apply_ifupdown(img);
	/* systemd-networkd and NetworkManager get nothing here: the boot
	 * NIC is only known at boot, and diskless-identity (rootfs-overlays/
	 * common) writes their per-boot files for its MAC into /run. A static
	 * file could only match every NIC and take the others from the OS. */
	if (r == 0 && (stacks & IMAGE_NET_NETPLAN))
		r = apply_netplan(img);
	if (r == 0)
		r = image_mkdirs(img, "etc/systemd/system", 0755);
	if (r == 0)
		r = image_put_symlink(img,
		        "etc/systemd/system/systemd-network-generator.service",
		        "/dev/null");
	return r;
}
