/*
 * bootcfg.h: the text `diskless pxe` and `diskless export` write, as pure
 * functions of the site: the kernel command line of a host (DESIGN.md "The
 * kernel command line we emit"), the boot loader configs (pxelinux, GRUB,
 * iPXE) and the configs of the engines that can serve a site instead of
 * disklessd (kernel NFS server, NFS-Ganesha, dnsmasq, Kea).
 *
 * No function here touches the file system or the network: a site in, text
 * out (to a FILE, so tests use open_memstream). Each returns 0, -EINVAL when
 * the site lacks what the text needs (the *why string says what), or -EIO
 * when the stream fails.
 */
#ifndef DISKLESS_BOOTCFG_H
#define DISKLESS_BOOTCFG_H

#include <stddef.h>
#include <stdio.h>

#include "site.h"

/*
 * Names in the TFTP root. The DHCP side (disklessd, and the dnsmasq/Kea
 * configs below) hands these out by client architecture (RFC 4578 §2.1:
 * 0 BIOS, 7 and 9 x64 UEFI, 9 being the common misuse of "EFI BC") and by
 * the iPXE user class.
 */
#define BOOTCFG_BIOS_FILE "pxelinux.0"
#define BOOTCFG_UEFI_FILE "grubnetx64.efi"
#define BOOTCFG_IPXE_FILE "boot.ipxe"
#define BOOTCFG_PXELINUX_DIR "pxelinux.cfg"
#define BOOTCFG_GRUB_DIR "grub"
#define BOOTCFG_IPXE_DIR "ipxe"
#define BOOTCFG_KERNEL_NAME "vmlinuz"
#define BOOTCFG_INITRD_NAME "initrd.img"

/* "01-52-54-00-12-34-56": ARP type 1 and the MAC, the name pxelinux and
 * GRUB look up first (PXELINUX wiki "Configuration", GRUB net.c). */
#define BOOTCFG_MACNAME_LEN (3 + NETADDR_MAC_STRLEN)
void bootcfg_macname(const uint8_t mac[NETADDR_MAC_LEN], char buf[BOOTCFG_MACNAME_LEN]);

/* Relative paths in the TFTP root; -ENAMETOOLONG when len is too small. */
int bootcfg_pxelinux_path(const struct site_host *host, char *buf, size_t len);
int bootcfg_grub_path(const struct site_host *host, char *buf, size_t len);
int bootcfg_ipxe_path(const struct site_host *host, char *buf, size_t len);

/*
 * The full static command line of a host:
 *   root=/dev/nfs nfsroot=<server>:<root>,<opts> ro
 *   ip=<client>:<server>:<gw>:<mask>:<hostname>::off[:<dns0>[:<dns1>]]
 *   BOOTIF=01-<mac> [diskless.overlay=tmpfs] <image cmdline> [console]
 * A host without an address, or a site without a netmask (proxy mode), gets
 * ip=dhcp instead of the static ip=. -ENAMETOOLONG when it does not fit.
 */
int bootcfg_cmdline(const struct site *site, const struct site_host *host, char *buf,
	size_t len, const char **why);
/* The line of the default menu entry of an image (unknown machines): the
 * same with ip=dhcp and no BOOTIF (the loader adds it). */
int bootcfg_image_cmdline(const struct site *site, const struct site_image *img,
	char *buf, size_t len, const char **why);

int bootcfg_pxelinux_host(const struct site *site, const struct site_host *host,
	FILE *out, const char **why);
int bootcfg_pxelinux_default(const struct site *site, FILE *out, const char **why);
int bootcfg_grub_host(const struct site *site, const struct site_host *host, FILE *out,
	const char **why);
int bootcfg_grub_default(const struct site *site, FILE *out, const char **why);
int bootcfg_ipxe_host(const struct site *site, const struct site_host *host, FILE *out,
	const char **why);
int bootcfg_ipxe_default(const struct site *site, FILE *out, const char **why);

/* diskless export --format ... (builder/export-<format>.c). */
int export_exports(const struct site *site, FILE *out, const char **why);
int export_ganesha(const struct site *site, FILE *out, const char **why);
int export_dnsmasq(const struct site *site, FILE *out, const char **why);
int export_kea(const struct site *site, FILE *out, const char **why);

/* Who may mount the images: "<net>/<prefix>" of the client network, or,
 * without a netmask, the addresses of the hosts joined by sep. -EINVAL
 * when neither is known. */
int export_clients(const struct site *site, char sep, char *buf, size_t len,
	const char **why);
/* The client network: server address masked by the netmask, or -EINVAL
 * when the site has no netmask. */
int bootcfg_client_net(const struct site *site, struct in_addr *net, int *prefix);
/* NFS-Ganesha Export_Id of an image: stable across runs and reorderings of
 * the config (file handles carry it), unique within the site. */
unsigned export_ganesha_id(const struct site *site, size_t image_index);

#endif
