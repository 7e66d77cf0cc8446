/*
 * bootcfg.c: kernel command lines and boot loader configs (see bootcfg.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "bootcfg.h"

/* A bounded string builder: the first overflow sticks. */
struct sbuf {
	char *buf;
	size_t len, pos;
	bool overflow;
};

static void sb_add(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
sb_add(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->pos, sb->len - sb->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sb->len - sb->pos) {
		sb->overflow = true;
		sb->buf[sb->pos] = '\0';
		return;
	}
	sb->pos += (size_t)n;
}

/*
 * pxelinux passes an APPEND line verbatim, but GRUB expands $ and splits on
 * ; and quotes, and iPXE expands ${}. Rather than quote for three dialects,
 * refuse the characters any of them treats specially: site values are paths,
 * addresses and kernel words, none of which need them.
 */
static bool
bootcfg_safe(const char *s)
{
	for (; *s; s++) {
		if (*s < 0x20 || *s > 0x7e || strchr("\"'$;\\`{}|&<>#", *s))
			return false;
	}
	return true;
}

void
bootcfg_macname(const uint8_t mac[NETADDR_MAC_LEN], char buf[BOOTCFG_MACNAME_LEN])
{
	buf[0] = '0';
	buf[1] = '1';
	buf[2] = '-';
	netaddr_format_mac(mac, '-', buf + 3);
}

static int
host_path(const struct site_host *host, const char *dir, const char *prefix,
	const char *suffix, char *buf, size_t len)
{
	char mac[BOOTCFG_MACNAME_LEN];
	int n;

	bootcfg_macname(host->mac, mac);
	n = snprintf(buf, len, "%s/%s%s%s", dir, prefix, mac, suffix);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int
bootcfg_pxelinux_path(const struct site_host *host, char *buf, size_t len)
{
	return host_path(host, BOOTCFG_PXELINUX_DIR, "", "", buf, len);
}

/* GRUB's net module looks for "$prefix/grub.cfg-01-<mac>" before grub.cfg
 * (grub-core/net/net.c grub_net_search_config_file), so no DHCP tag or
 * chain script is needed to reach the per-host file. */
int
bootcfg_grub_path(const struct site_host *host, char *buf, size_t len)
{
	return host_path(host, BOOTCFG_GRUB_DIR, "grub.cfg-", "", buf, len);
}

int
bootcfg_ipxe_path(const struct site_host *host, char *buf, size_t len)
{
	return host_path(host, BOOTCFG_IPXE_DIR, "", ".ipxe", buf, len);
}

int
bootcfg_client_net(const struct site *site, struct in_addr *net, int *prefix)
{
	int p;

	if (!site->dhcp.present || site->dhcp.netmask.s_addr == 0)
		return -EINVAL;
	p = netaddr_mask_prefix(site->dhcp.netmask);
	if (p < 0)
		return -EINVAL;
	net->s_addr = site->server.address.s_addr & site->dhcp.netmask.s_addr;
	*prefix = p;
	return 0;
}

static const struct site_image *
host_image(const struct site *site, const struct site_host *host, const char **why)
{
	if (host->image_index < 0 || (size_t)host->image_index >= site->n_images) {
		*why = "the host's image is not in the site config";
		return NULL;
	}
	return &site->images[host->image_index];
}

/* root=/dev/nfs nfsroot=<server>:<root>[,<opts>] ro */
static void
add_root(struct sbuf *sb, const struct site *site, const struct site_image *img)
{
	char server[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &site->server.address, server, sizeof(server));
	sb_add(sb, "root=/dev/nfs nfsroot=%s:%s", server, img->root);
	if (img->nfs_options && img->nfs_options[0])
		sb_add(sb, ",%s", img->nfs_options);
	sb_add(sb, " ro");
}

/*
 * ip=<client>:<server>:<gw>:<mask>:<hostname>::off:<dns0>:<dns1>
 * (Documentation/admin-guide/nfs/nfsroot.rst; the device field is left
 * empty because BOOTIF names the interface the firmware booted from).
 */
static void
add_static_ip(struct sbuf *sb, const struct site *site, const struct site_host *host)
{
	char a[4][INET_ADDRSTRLEN];
	int i;

	inet_ntop(AF_INET, &host->address, a[0], sizeof(a[0]));
	inet_ntop(AF_INET, &site->server.address, a[1], sizeof(a[1]));
	inet_ntop(AF_INET, &site->dhcp.router, a[2], sizeof(a[2]));
	inet_ntop(AF_INET, &site->dhcp.netmask, a[3], sizeof(a[3]));
	sb_add(sb, " ip=%s:%s:%s:%s:%s::off", a[0], a[1],
		site->dhcp.router.s_addr ? a[2] : "", a[3], host->name);
	for (i = 0; i < site->dhcp.n_dns && i < 2; i++) {
		char d[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &site->dhcp.dns[i], d, sizeof(d));
		sb_add(sb, ":%s", d);
	}
}

/*
 * The image's own words, then a console for machines without one named:
 * the serial port first and the screen last, so that kernel messages reach
 * both and /dev/console (the last console=) is the screen a lab user sees.
 */
static void
add_tail(struct sbuf *sb, const struct site_image *img)
{
	if (img->overlay == SITE_OVERLAY_TMPFS)
		sb_add(sb, " diskless.overlay=tmpfs");
	if (img->cmdline && img->cmdline[0])
		sb_add(sb, " %s", img->cmdline);
	if (!img->cmdline || !strstr(img->cmdline, "console="))
		sb_add(sb, " console=ttyS0,115200n8 console=tty0");
}

/*
 * nfsroot=<server>:<root>,<opts> is one word split at its first comma: a
 * root with a blank or a comma, or options with a blank, cannot be said.
 */
static int
check_image_words(const struct site_image *img, const char **why)
{
	if (strpbrk(img->root, " \t,") ||
	    (img->nfs_options && strpbrk(img->nfs_options, " \t"))) {
		*why = "the image root or nfs-options has a blank or the root a comma, which "
		       "nfsroot= cannot carry";
		return -EINVAL;
	}
	return 0;
}

static int
finish(struct sbuf *sb, const char **why)
{
	if (sb->overflow) {
		*why = "the kernel command line is too long";
		return -ENAMETOOLONG;
	}
	if (!bootcfg_safe(sb->buf)) {
		*why = "the kernel command line has a character boot loaders treat specially"
		       " (one of \"'$;\\`{}|&<>#)";
		return -EINVAL;
	}
	return 0;
}

int
bootcfg_cmdline(const struct site *site, const struct site_host *host, char *buf,
	size_t len, const char **why)
{
	const struct site_image *img = host_image(site, host, why);
	struct sbuf sb = { buf, len, 0, false };
	char mac[BOOTCFG_MACNAME_LEN];

	if (!img)
		return -EINVAL;
	if (len == 0)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	if (check_image_words(img, why) < 0)
		return -EINVAL;
	add_root(&sb, site, img);
	if (host->address.s_addr != 0 && site->dhcp.netmask.s_addr != 0)
		add_static_ip(&sb, site, host);
	else
		sb_add(&sb, " ip=dhcp");
	bootcfg_macname(host->mac, mac);
	sb_add(&sb, " BOOTIF=%s", mac);
	add_tail(&sb, img);
	return finish(&sb, why);
}

int
bootcfg_image_cmdline(const struct site *site, const struct site_image *img, char *buf,
	size_t len, const char **why)
{
	struct sbuf sb = { buf, len, 0, false };

	if (len == 0)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	if (check_image_words(img, why) < 0)
		return -EINVAL;
	add_root(&sb, site, img);
	sb_add(&sb, " ip=dhcp");
	add_tail(&sb, img);
	return finish(&sb, why);
}

static int
stream_status(FILE *out, const char **why)
{
	if (ferror(out)) {
		*why = "write error";
		return -EIO;
	}
	return 0;
}

static int
need_images(const struct site *site, const char **why)
{
	size_t i;

	if (site->n_images == 0) {
		*why = "the site has no [image] section";
		return -EINVAL;
	}
	for (i = 0; i < site->n_images; i++) {
		if (!bootcfg_safe(site->images[i].name)) {
			*why = "an image name has a character boot loaders treat specially";
			return -EINVAL;
		}
	}
	return 0;
}

/* PXELINUX: the per-host file boots at once, no menu, no prompt. */
int
bootcfg_pxelinux_host(const struct site *site, const struct site_host *host, FILE *out,
	const char **why)
{
	char line[2 * SITE_CMDLINE_MAX];
	const char *img = host->image;
	int r;

	r = bootcfg_cmdline(site, host, line, sizeof(line), why);
	if (r < 0)
		return r;
	fprintf(out, "# %s (image %s), written by diskless pxe\n"
		     "SERIAL 0 115200\n"
		     "DEFAULT %s\n"
		     "PROMPT 0\n"
		     "TIMEOUT 0\n"
		     "LABEL %s\n"
		     "  KERNEL %s/" BOOTCFG_KERNEL_NAME "\n"
		     "  INITRD %s/" BOOTCFG_INITRD_NAME "\n"
		     "  APPEND %s\n",
		host->name, img, host->name, host->name, img, img, line);
	return stream_status(out, why);
}

/*
 * The default file, for machines the site does not list: a menu of images
 * booting with ip=dhcp. "IPAPPEND 2" adds BOOTIF=01-<mac> so the init
 * configures the interface the firmware booted from.
 */
int
bootcfg_pxelinux_default(const struct site *site, FILE *out, const char **why)
{
	char line[2 * SITE_CMDLINE_MAX];
	size_t i;
	int r;

	r = need_images(site, why);
	if (r < 0)
		return r;
	fprintf(out, "# machines not in the site config, written by diskless pxe\n"
		     "SERIAL 0 115200\n"
		     "UI menu.c32\n"
		     "MENU TITLE diskless: choose an image\n"
		     "PROMPT 0\n"
		     "TIMEOUT 100\n"
		     "DEFAULT %s\n",
		site->images[0].name);
	for (i = 0; i < site->n_images; i++) {
		const struct site_image *img = &site->images[i];

		r = bootcfg_image_cmdline(site, img, line, sizeof(line), why);
		if (r < 0)
			return r;
		fprintf(out, "LABEL %s\n"
			     "  MENU LABEL %s\n"
			     "  KERNEL %s/" BOOTCFG_KERNEL_NAME "\n"
			     "  INITRD %s/" BOOTCFG_INITRD_NAME "\n"
			     "  APPEND %s\n"
			     "  IPAPPEND 2\n",
			img->name, img->name, img->name, img->name, line);
	}
	return stream_status(out, why);
}

static void
grub_head(FILE *out, const char *what, unsigned timeout)
{
	fprintf(out, "# %s, written by diskless pxe\n"
		     "set default=0\n"
		     "set timeout=%u\n"
		     "serial --unit=0 --speed=115200\n"
		     "terminal_input console serial\n"
		     "terminal_output console serial\n",
		what, timeout);
}

/*
 * The body of a menu entry. GRUB goes on after a failed command and boots
 * what it has, so an initramfs cut short (a restarted server, a lost link)
 * would start the kernel without it, to panic on "unable to mount root fs"
 * and hang there unless panic= is set; loading again in place hung GRUB
 * 2.06 instead. So a failed load starts the machine over, as a PXE ROM
 * does: tests/vm/t-pxe-full.sh restarts disklessd in the middle of the
 * initramfs. The linux and initrd lines keep the first word `diskless
 * check` reads them by. (initrd fails too when linux did: no kernel.)
 */
static void
grub_load(FILE *out, const char *img, const char *line, const char *tail)
{
	fprintf(out, "\tlinux /%s/" BOOTCFG_KERNEL_NAME " %s%s\n"
		     "\tinitrd /%s/" BOOTCFG_INITRD_NAME "\n"
		     "\tif [ \"$?\" != 0 ]; then\n"
		     "\t\techo \"diskless: loading /%s failed, starting over in 5 s\"\n"
		     "\t\tsleep 5\n"
		     "\t\treboot\n"
		     "\tfi\n"
		     "}\n",
		img, line, tail, img, img);
}

int
bootcfg_grub_host(const struct site *site, const struct site_host *host, FILE *out,
	const char **why)
{
	char line[2 * SITE_CMDLINE_MAX], what[2 * SITE_NAME_MAX + 16];
	const char *img = host->image;
	int r;

	r = bootcfg_cmdline(site, host, line, sizeof(line), why);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "%s (image %s)", host->name, img);
	grub_head(out, what, 0);
	fprintf(out, "menuentry \"%s: %s\" {\n", host->name, img);
	grub_load(out, img, line, "");
	return stream_status(out, why);
}

/* GRUB has no IPAPPEND: the menu adds BOOTIF from the MAC GRUB booted with
 * (colon form, which the init accepts as well as dashes). */
int
bootcfg_grub_default(const struct site *site, FILE *out, const char **why)
{
	char line[2 * SITE_CMDLINE_MAX];
	size_t i;
	int r;

	r = need_images(site, why);
	if (r < 0)
		return r;
	grub_head(out, "machines not in the site config", 10);
	for (i = 0; i < site->n_images; i++) {
		const struct site_image *img = &site->images[i];

		r = bootcfg_image_cmdline(site, img, line, sizeof(line), why);
		if (r < 0)
			return r;
		fprintf(out, "menuentry \"%s\" {\n", img->name);
		grub_load(out, img->name, line, " BOOTIF=01-${net_default_mac}");
	}
	return stream_status(out, why);
}

/*
 * iPXE: absolute paths resolve against the script's own URI (RFC 3986 §5.2),
 * so the files come from the server and scheme the script came from.
 * "initrd=" names the initrd for the EFI stub when iPXE runs under UEFI.
 * A failed load tries again after 5 s, images freed (a stale kernel would
 * go along as an initrd): falling back to boot.ipxe's menu would boot the
 * first image, not the host's, with ip=dhcp (seen restarting disklessd in
 * the middle of an initramfs, tests/vm/t-pxe-full.sh).
 */
int
bootcfg_ipxe_host(const struct site *site, const struct site_host *host, FILE *out,
	const char **why)
{
	char line[2 * SITE_CMDLINE_MAX];
	const char *img = host->image;
	int r;

	r = bootcfg_cmdline(site, host, line, sizeof(line), why);
	if (r < 0)
		return r;
	fprintf(out, "#!ipxe\n"
		     "# %s (image %s), written by diskless pxe\n"
		     ":load\n"
		     "kernel /%s/" BOOTCFG_KERNEL_NAME " initrd=" BOOTCFG_INITRD_NAME
		     " %s || goto retry\n"
		     "initrd /%s/" BOOTCFG_INITRD_NAME " || goto retry\n"
		     "boot || goto retry\n"
		     ":retry\n"
		     "echo diskless: loading image %s failed, trying again in 5 s\n"
		     "sleep 5\n"
		     "imgfree\n"
		     "goto load\n",
		host->name, img, img, line, img, img);
	return stream_status(out, why);
}

/* The script DHCP hands to iPXE: the host's own script if the site lists
 * it (which retries on its own), the image menu otherwise. */
int
bootcfg_ipxe_default(const struct site *site, FILE *out, const char **why)
{
	char line[2 * SITE_CMDLINE_MAX];
	size_t i;
	int r;

	r = need_images(site, why);
	if (r < 0)
		return r;
	fprintf(out, "#!ipxe\n"
		     "# written by diskless pxe\n"
		     "chain --autofree /" BOOTCFG_IPXE_DIR "/01-${netX/mac:hexhyp}.ipxe"
		     " || goto menu\n"
		     ":menu\n"
		     "menu diskless: choose an image\n");
	for (i = 0; i < site->n_images; i++)
		fprintf(out, "item %s %s\n", site->images[i].name, site->images[i].name);
	fprintf(out, "choose --default %s --timeout 10000 target && goto ${target} || exit\n",
		site->images[0].name);
	for (i = 0; i < site->n_images; i++) {
		const struct site_image *img = &site->images[i];

		r = bootcfg_image_cmdline(site, img, line, sizeof(line), why);
		if (r < 0)
			return r;
		fprintf(out, ":%s\n"
			     "kernel /%s/" BOOTCFG_KERNEL_NAME " initrd=" BOOTCFG_INITRD_NAME
			     " %s BOOTIF=01-${netX/mac:hexhyp}\n"
			     "initrd /%s/" BOOTCFG_INITRD_NAME "\n"
			     "boot || goto menu\n",
			img->name, img->name, line, img->name);
	}
	return stream_status(out, why);
}
