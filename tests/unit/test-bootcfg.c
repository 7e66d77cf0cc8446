/*
 * test-bootcfg.c: the kernel command line, boot loader configs and engine
 * configs as functions of a site built here (no site file, no I/O), and the
 * parsers `diskless check` runs on bytes from an image.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg.h"
#include "export-boot.h"
#include "nfscheck.h"
#include "tap.h"

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

/* The example site: 10.0.0.1/24, images lab (v3, tmpfs) and thin (v4). */
static struct site_image images[2];
static struct site_host hosts[3];
static struct site site;

static void
reset_site(void)
{
	static const uint8_t mac[3][6] = {
		{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
		{ 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 },
		{ 0x52, 0x54, 0x00, 0xab, 0xcd, 0x01 },
	};
	static const char *const names[3] = { "pc01", "pc02", "thin01" };
	static const char *const addrs[3] = { "10.0.0.11", "10.0.0.12", "10.0.0.51" };
	static char tftp[] = "/srv/diskless/tftp";
	static char root0[] = "/srv/diskless/images/lab", root1[] = "/srv/diskless/images/thin";
	static char opt0[] = "vers=3,proto=tcp,nolock", opt1[] = "vers=4.2,proto=tcp,sec=sys";
	static char cmd0[] = "quiet", cmd1[] = "quiet splash", domain[] = "lab.example.org";
	int i;

	memset(&site, 0, sizeof(site));
	memset(images, 0, sizeof(images));
	memset(hosts, 0, sizeof(hosts));
	snprintf(site.server.interface, sizeof(site.server.interface), "eth1");
	site.server.address = ip("10.0.0.1");
	site.server.mode = SITE_MODE_FULL;
	site.server.tftp_root = tftp;
	site.dhcp.present = true;
	site.dhcp.has_range = true;
	site.dhcp.range_start = ip("10.0.0.100");
	site.dhcp.range_end = ip("10.0.0.199");
	site.dhcp.netmask = ip("255.255.255.0");
	site.dhcp.router = ip("10.0.0.1");
	site.dhcp.dns[0] = ip("10.0.0.1");
	site.dhcp.n_dns = 1;
	site.dhcp.domain = domain;
	site.dhcp.lease_time = SITE_LEASE_INFINITE;
	snprintf(images[0].name, sizeof(images[0].name), "lab");
	images[0].root = root0;
	images[0].nfs_options = opt0;
	images[0].overlay = SITE_OVERLAY_TMPFS;
	images[0].cmdline = cmd0;
	snprintf(images[1].name, sizeof(images[1].name), "thin");
	images[1].root = root1;
	images[1].nfs_options = opt1;
	images[1].overlay = SITE_OVERLAY_NONE;
	images[1].cmdline = cmd1;
	for (i = 0; i < 3; i++) {
		snprintf(hosts[i].name, sizeof(hosts[i].name), "%s", names[i]);
		memcpy(hosts[i].mac, mac[i], 6);
		hosts[i].address = ip(addrs[i]);
		snprintf(hosts[i].image, sizeof(hosts[i].image), "%s", i == 2 ? "thin" : "lab");
		hosts[i].image_index = i == 2 ? 1 : 0;
	}
	site.images = images;
	site.n_images = 2;
	site.hosts = hosts;
	site.n_hosts = 3;
}

#define ROOT0 "root=/dev/nfs nfsroot=10.0.0.1:/srv/diskless/images/lab,vers=3,proto=tcp,nolock ro"
#define CONS " console=ttyS0,115200n8 console=tty0"

enum tweak {
	T_NONE,
	T_NO_ADDRESS,
	T_NO_NETMASK,
	T_NO_ROUTER,
	T_NO_DNS,
	T_THREE_DNS,
	T_NO_OVERLAY,
	T_CONSOLE,
	T_NO_OPTS,
	T_DOLLAR,
	T_SEMICOLON,
	T_HASH,
	T_NEWLINE,
	T_HIGHBIT,
	T_QUOTE,
	T_NO_IMAGE,
	T_BAD_IMAGE,
	T_SMALL_BUF,
	T_HOSTILE_ROOT,
	T_COMMA_ROOT,
	T_SPACE_OPTS,
};

static const struct {
	const char *name;
	enum tweak tweak;
	int ret;
	const char *want;
} cmdline_cases[] = {
	{ "static, full site", T_NONE, 0,
		ROOT0 " ip=10.0.0.11:10.0.0.1:10.0.0.1:255.255.255.0:pc01::off:10.0.0.1"
		      " BOOTIF=01-52-54-00-12-34-56 diskless.overlay=tmpfs quiet" CONS },
	{ "host without address: ip=dhcp", T_NO_ADDRESS, 0,
		ROOT0 " ip=dhcp BOOTIF=01-52-54-00-12-34-56 diskless.overlay=tmpfs quiet" CONS },
	{ "site without netmask (proxy): ip=dhcp", T_NO_NETMASK, 0,
		ROOT0 " ip=dhcp BOOTIF=01-52-54-00-12-34-56 diskless.overlay=tmpfs quiet" CONS },
	{ "no router: empty gateway", T_NO_ROUTER, 0,
		ROOT0 " ip=10.0.0.11:10.0.0.1::255.255.255.0:pc01::off:10.0.0.1"
		      " BOOTIF=01-52-54-00-12-34-56 diskless.overlay=tmpfs quiet" CONS },
	{ "no dns: ends at off", T_NO_DNS, 0,
		ROOT0 " ip=10.0.0.11:10.0.0.1:10.0.0.1:255.255.255.0:pc01::off"
		      " BOOTIF=01-52-54-00-12-34-56 diskless.overlay=tmpfs quiet" CONS },
	{ "three dns: ip= carries two", T_THREE_DNS, 0,
		ROOT0 " ip=10.0.0.11:10.0.0.1:10.0.0.1:255.255.255.0:pc01::off:10.0.0.1:10.0.0.2"
		      " BOOTIF=01-52-54-00-12-34-56 diskless.overlay=tmpfs quiet" CONS },
	{ "overlay none: no diskless.overlay", T_NO_OVERLAY, 0,
		ROOT0 " ip=10.0.0.11:10.0.0.1:10.0.0.1:255.255.255.0:pc01::off:10.0.0.1"
		      " BOOTIF=01-52-54-00-12-34-56 quiet" CONS },
	{ "image names a console: none added", T_CONSOLE, 0,
		ROOT0 " ip=10.0.0.11:10.0.0.1:10.0.0.1:255.255.255.0:pc01::off:10.0.0.1"
		      " BOOTIF=01-52-54-00-12-34-56 diskless.overlay=tmpfs console=ttyS1,9600" },
	{ "no nfs options: no comma", T_NO_OPTS, 0,
		"root=/dev/nfs nfsroot=10.0.0.1:/srv/diskless/images/lab ro"
		" ip=10.0.0.11:10.0.0.1:10.0.0.1:255.255.255.0:pc01::off:10.0.0.1"
		" BOOTIF=01-52-54-00-12-34-56 diskless.overlay=tmpfs quiet" CONS },
	{ "hostile: $ (GRUB, iPXE expand it)", T_DOLLAR, -EINVAL, NULL },
	{ "hostile: ; (GRUB command separator)", T_SEMICOLON, -EINVAL, NULL },
	{ "hostile: # (comment in every dialect)", T_HASH, -EINVAL, NULL },
	{ "hostile: newline (a new config line)", T_NEWLINE, -EINVAL, NULL },
	{ "hostile: byte 0xff", T_HIGHBIT, -EINVAL, NULL },
	{ "hostile: quote", T_QUOTE, -EINVAL, NULL },
	{ "host's image unknown", T_NO_IMAGE, -EINVAL, NULL },
	{ "host's image index out of range", T_BAD_IMAGE, -EINVAL, NULL },
	{ "buffer too small", T_SMALL_BUF, -ENAMETOOLONG, NULL },
	{ "hostile image root (space, then a config line)", T_HOSTILE_ROOT, -EINVAL, NULL },
	{ "image root with a comma (nfsroot= splits there)", T_COMMA_ROOT, -EINVAL, NULL },
	{ "nfs-options with a blank (a second kernel word)", T_SPACE_OPTS, -EINVAL, NULL },
};

static void
apply(enum tweak t, size_t *buflen)
{
	static char cons[] = "console=ttyS1,9600", empty[] = "", dollar[] = "quiet $(reboot)",
		    semi[] = "quiet;reboot", hash[] = "quiet #", nl[] = "quiet\nAPPEND x",
		    high[] = "quiet \xff", quote[] = "quiet \"x\"",
		    root[] = "/srv/x\nLABEL evil", comma[] = "/srv/a,b",
		    opts[] = "vers=3 init=/bin/sh";

	switch (t) {
	case T_NO_ADDRESS: hosts[0].address.s_addr = 0; break;
	case T_NO_NETMASK: site.dhcp.netmask.s_addr = 0; break;
	case T_NO_ROUTER: site.dhcp.router.s_addr = 0; break;
	case T_NO_DNS: site.dhcp.n_dns = 0; break;
	case T_THREE_DNS:
		site.dhcp.dns[1] = ip("10.0.0.2");
		site.dhcp.dns[2] = ip("10.0.0.3");
		site.dhcp.n_dns = 3;
		break;
	case T_NO_OVERLAY: images[0].overlay = SITE_OVERLAY_NONE; break;
	case T_CONSOLE: images[0].cmdline = cons; break;
	case T_NO_OPTS: images[0].nfs_options = empty; break;
	case T_DOLLAR: images[0].cmdline = dollar; break;
	case T_SEMICOLON: images[0].cmdline = semi; break;
	case T_HASH: images[0].cmdline = hash; break;
	case T_NEWLINE: images[0].cmdline = nl; break;
	case T_HIGHBIT: images[0].cmdline = high; break;
	case T_QUOTE: images[0].cmdline = quote; break;
	case T_NO_IMAGE: hosts[0].image_index = -1; break;
	case T_BAD_IMAGE: hosts[0].image_index = 2; break;
	case T_SMALL_BUF: *buflen = 64; break;
	case T_HOSTILE_ROOT: images[0].root = root; break;
	case T_COMMA_ROOT: images[0].root = comma; break;
	case T_SPACE_OPTS: images[0].nfs_options = opts; break;
	case T_NONE: break;
	}
}

static void
test_cmdline(void)
{
	size_t i;

	for (i = 0; i < sizeof(cmdline_cases) / sizeof(cmdline_cases[0]); i++) {
		char buf[2048];
		const char *why = "";
		size_t len = sizeof(buf);
		int r;

		reset_site();
		apply(cmdline_cases[i].tweak, &len);
		r = bootcfg_cmdline(&site, &hosts[0], buf, len, &why);
		tap_is_int(r, cmdline_cases[i].ret, "cmdline %s: return", cmdline_cases[i].name);
		if (cmdline_cases[i].want)
			tap_is_str(buf, cmdline_cases[i].want, "cmdline %s: text",
				cmdline_cases[i].name);
		else
			tap_ok(why && why[0], "cmdline %s: says why (%s)", cmdline_cases[i].name,
				why);
	}
	reset_site();
	{
		char buf[2048];
		const char *why = "";

		tap_is_int(bootcfg_image_cmdline(&site, &images[1], buf, sizeof(buf), &why), 0,
			"image cmdline: ok");
		tap_is_str(buf, "root=/dev/nfs nfsroot=10.0.0.1:/srv/diskless/images/thin,"
				"vers=4.2,proto=tcp,sec=sys ro ip=dhcp quiet splash" CONS,
			"image cmdline: ip=dhcp, no BOOTIF (the loader adds it)");
		tap_is_int(bootcfg_cmdline(&site, &hosts[0], buf, 0, &why), -ENAMETOOLONG,
			"cmdline: zero-length buffer");
	}
}

static void
test_paths(void)
{
	char buf[64], mac[BOOTCFG_MACNAME_LEN];

	reset_site();
	bootcfg_macname(hosts[2].mac, mac);
	tap_is_str(mac, "01-52-54-00-ab-cd-01", "macname: ARP type 1, dashes, lower case");
	bootcfg_pxelinux_path(&hosts[0], buf, sizeof(buf));
	tap_is_str(buf, "pxelinux.cfg/01-52-54-00-12-34-56", "pxelinux path");
	bootcfg_grub_path(&hosts[0], buf, sizeof(buf));
	tap_is_str(buf, "grub/grub.cfg-01-52-54-00-12-34-56", "grub path");
	bootcfg_ipxe_path(&hosts[0], buf, sizeof(buf));
	tap_is_str(buf, "ipxe/01-52-54-00-12-34-56.ipxe", "ipxe path");
	tap_is_int(bootcfg_grub_path(&hosts[0], buf, 20), -ENAMETOOLONG, "grub path: short buffer");
}

/* Runs one generator into memory. */
static int
gen(int (*site_fn)(const struct site *, FILE *, const char **),
	int (*host_fn)(const struct site *, const struct site_host *, FILE *, const char **),
	const struct site_host *host, char **text)
{
	const char *why = "";
	size_t len = 0;
	FILE *f;
	int r;

	*text = NULL;
	f = open_memstream(text, &len);
	if (!f)
		return -ENOMEM;
	r = host ? host_fn(&site, host, f, &why) : site_fn(&site, f, &why);
	fclose(f);
	return r;
}

static void
test_loaders(void)
{
	char *t;

	reset_site();
	tap_is_int(gen(NULL, bootcfg_pxelinux_host, &hosts[0], &t), 0, "pxelinux host: ok");
	tap_is_str(t, "# pc01 (image lab), written by diskless pxe\n"
		      "SERIAL 0 115200\nDEFAULT pc01\nPROMPT 0\nTIMEOUT 0\nLABEL pc01\n"
		      "  KERNEL lab/vmlinuz\n  INITRD lab/initrd.img\n"
		      "  APPEND " ROOT0 " ip=10.0.0.11:10.0.0.1:10.0.0.1:255.255.255.0:pc01::off"
		      ":10.0.0.1 BOOTIF=01-52-54-00-12-34-56 diskless.overlay=tmpfs quiet" CONS "\n",
		"pxelinux host: the whole file");
	free(t);
	tap_is_int(gen(bootcfg_pxelinux_default, NULL, NULL, &t), 0, "pxelinux default: ok");
	tap_ok(t && strstr(t, "UI menu.c32\n") && strstr(t, "LABEL thin\n") &&
		       strstr(t, "  IPAPPEND 2\n") && !strstr(t, "BOOTIF"),
		"pxelinux default: menu of images, IPAPPEND 2 adds BOOTIF");
	free(t);
	tap_is_int(gen(NULL, bootcfg_grub_host, &hosts[2], &t), 0, "grub host: ok");
	tap_ok(t && strstr(t, "\tlinux /thin/vmlinuz root=/dev/nfs ") &&
		       strstr(t, "\tinitrd /thin/initrd.img\n") && strstr(t, "set timeout=0\n"),
		"grub host: linux and initrd from the image dir, no menu wait");
	free(t);
	tap_is_int(gen(bootcfg_grub_default, NULL, NULL, &t), 0, "grub default: ok");
	tap_ok(t && strstr(t, " BOOTIF=01-${net_default_mac}\n"), "grub default: BOOTIF from GRUB");
	tap_ok(t && strstr(t, "\tinitrd /lab/initrd.img\n\tif [ \"$?\" != 0 ]; then\n") &&
		       strstr(t, "\t\treboot\n"),
		"grub default: a failed load reboots (never the kernel without its initrd)");
	free(t);
	tap_is_int(gen(NULL, bootcfg_ipxe_host, &hosts[1], &t), 0, "ipxe host: ok");
	tap_ok(t && strncmp(t, "#!ipxe\n", 7) == 0 &&
		       strstr(t, "kernel /lab/vmlinuz initrd=initrd.img root=/dev/nfs") &&
		       strstr(t, "\ninitrd /lab/initrd.img || goto retry\nboot || goto retry\n"
				 ":retry\n"),
		"ipxe host: script with kernel, initrd= for EFI, boot");
	tap_ok(t && strstr(t, "\nsleep 5\nimgfree\ngoto load\n"),
		"ipxe host: a failed load starts over with no image left (not the menu)");
	free(t);
	tap_is_int(gen(bootcfg_ipxe_default, NULL, NULL, &t), 0, "ipxe default: ok");
	tap_ok(t && strstr(t, "chain --autofree /ipxe/01-${netX/mac:hexhyp}.ipxe || goto menu\n") &&
		       strstr(t, "item thin thin\n"),
		"ipxe default: chains the per-host script, else the menu");
	free(t);
	site.n_images = 0;
	tap_is_int(gen(bootcfg_pxelinux_default, NULL, NULL, &t), -EINVAL,
		"pxelinux default without images: refused");
	free(t);
	reset_site();
	snprintf(images[1].name, sizeof(images[1].name), "a;b");
	tap_is_int(gen(bootcfg_ipxe_default, NULL, NULL, &t), -EINVAL,
		"hostile image name in a menu: refused");
	free(t);
}

/* [boot] as the exports read it: defaults, names, loader, refusals. */
static void
test_export_boot(void)
{
	static char lp[] = "lpxelinux.0", pct[] = "efi/%s/x%%.efi", per[] = "%m.0";
	static char huge[300];
	static const struct {
		const char *name;
		enum site_boot_slot slot;
		enum site_boot_how how;
		char *file;
		int want;
		int arch;          /* the export_arch to check, -1: iPXE known */
		const char *expect;
	} t[] = {
		{ "default bios", SITE_BOOT_BIOS, SITE_BOOT_UNSET, NULL, 0, EXPORT_BIOS,
			"pxelinux.0" },
		{ "default efi-x64", SITE_BOOT_EFI_X64, SITE_BOOT_UNSET, NULL, 0,
			EXPORT_EFI_X64, "grubnetx64.efi" },
		{ "default arm64: none", SITE_BOOT_EFI_ARM64, SITE_BOOT_UNSET, NULL, 0,
			EXPORT_EFI_ARM64, "" },
		{ "bios = lpxelinux.0", SITE_BOOT_BIOS, SITE_BOOT_FILE, lp, 0, EXPORT_BIOS,
			"lpxelinux.0" },
		{ "bios = none", SITE_BOOT_BIOS, SITE_BOOT_NONE, NULL, 0, EXPORT_BIOS, "" },
		{ "%s and %% expanded", SITE_BOOT_EFI_X64, SITE_BOOT_FILE, pct, 0,
			EXPORT_EFI_X64, "efi/10.0.0.1/x%.efi" },
		{ "%m refused", SITE_BOOT_BIOS, SITE_BOOT_FILE, per, -EINVAL, EXPORT_BIOS,
			NULL },
		{ "too long once expanded", SITE_BOOT_BIOS, SITE_BOOT_FILE, huge,
			-ENAMETOOLONG, EXPORT_BIOS, NULL },
		{ "ipxe default: boot.ipxe", SITE_BOOT_IPXE, SITE_BOOT_UNSET, NULL, 0, -1,
			"boot.ipxe" },
	};
	struct export_boot eb;
	const char *why;
	size_t i;

	memset(huge, 'a', sizeof(huge) - 1);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		reset_site();
		site.boot.file[t[i].slot].how = t[i].how;
		site.boot.file[t[i].slot].name = t[i].file;
		why = NULL;
		tap_is_int(export_boot_resolve(&site, &eb, &why), t[i].want, "%s", t[i].name);
		if (t[i].want < 0)
			tap_ok(why != NULL, "%s: says why", t[i].name);
		else
			tap_is_str(t[i].arch < 0 ? eb.ipxe[0].file : eb.file[t[i].arch],
				t[i].expect, "%s: the name", t[i].name);
	}
	reset_site();
	site.boot.file[SITE_BOOT_IPXE].how = SITE_BOOT_LOADER;
	site.boot.file[SITE_BOOT_IPXE_UNKNOWN].how = SITE_BOOT_NONE;
	site.boot.unknown = SITE_UNKNOWN_IGNORE;
	tap_is_int(export_boot_resolve(&site, &eb, &why), 0, "ipxe = loader, unknown none");
	tap_ok(eb.ipxe[0].loader && !eb.ipxe[1].loader && eb.ipxe[1].file[0] == '\0' &&
		       eb.ipxe_split && eb.ignore_unknown,
		"loader for known, nothing for unknown, split, ignore");
}

static void
test_exports(void)
{
	char buf[256], *t;
	const char *why = "";

	reset_site();
	tap_is_int(export_clients(&site, ',', buf, sizeof(buf), &why), 0, "clients: ok");
	tap_is_str(buf, "10.0.0.0/24", "clients: the network");
	site.dhcp.netmask.s_addr = 0;
	export_clients(&site, ',', buf, sizeof(buf), &why);
	tap_is_str(buf, "10.0.0.11,10.0.0.12,10.0.0.51", "clients without netmask: hosts");
	tap_is_int(export_clients(&site, ',', buf, 12, &why), -ENAMETOOLONG,
		"clients: short buffer");
	site.n_hosts = 0;
	tap_is_int(export_clients(&site, ',', buf, sizeof(buf), &why), -EINVAL,
		"clients: nothing known");
	tap_is_int(gen(export_kea, NULL, NULL, &t), -EINVAL, "kea without netmask: refused");
	free(t);

	reset_site();
	tap_is_int(gen(export_exports, NULL, NULL, &t), 0, "exports: ok");
	tap_ok(t && strstr(t, "\n/srv/diskless/images/thin 10.0.0.0/24(ro,sync,no_subtree_check,"
			      "no_root_squash)\n"),
		"exports: one ro, no_root_squash line per image");
	free(t);
	{
		static char spaced[] = "/srv/my images/lab";

		images[1].root = spaced;
		tap_is_int(gen(export_exports, NULL, NULL, &t), -EINVAL,
			"exports: a root with a blank is refused");
		free(t);
		reset_site();
	}
	tap_is_int(gen(export_ganesha, NULL, NULL, &t), 0, "ganesha: ok");
	tap_ok(t && strstr(t, "\tPseudo = \"/srv/diskless/images/lab\";\n") &&
		       strstr(t, "Squash = No_Root_Squash;") && strstr(t, "Only_Numeric_Owners = true;"),
		"ganesha: pseudo = path, no root squash, numeric owners");
	free(t);
	tap_is_int(gen(export_dnsmasq, NULL, NULL, &t), 0, "dnsmasq full: ok");
	tap_ok(t && strstr(t, "dhcp-range=10.0.0.100,10.0.0.199,255.255.255.0,infinite\n") &&
		       strstr(t, "dhcp-host=52:54:00:12:34:56,10.0.0.11,pc01,infinite\n") &&
		       strstr(t, "dhcp-boot=tag:efi64,tag:!ipxe,grubnetx64.efi,,10.0.0.1\n"),
		"dnsmasq full: range, reservations, boot file by arch");
	free(t);
	site.server.mode = SITE_MODE_PROXY;
	tap_is_int(gen(export_dnsmasq, NULL, NULL, &t), 0, "dnsmasq proxy: ok");
	tap_ok(t && strstr(t, "dhcp-range=10.0.0.0,proxy,255.255.255.0\n") &&
		       strstr(t, "pxe-service=tag:!ipxe,x86PC,\"diskless\",pxelinux.0\n") &&
		       strstr(t, "pxe-service=tag:!ipxe,BC_EFI,\"diskless\",grubnetx64.efi\n") &&
		       !strstr(t, "dhcp-host="),
		"dnsmasq proxy: proxy range and PXE services, no reservations");
	free(t);
	site.server.mode = SITE_MODE_FULL;
	site.dhcp.has_range = false;
	tap_is_int(gen(export_dnsmasq, NULL, NULL, &t), 0, "dnsmasq static: ok");
	tap_ok(t && strstr(t, "dhcp-range=10.0.0.0,static,255.255.255.0,infinite\n"),
		"dnsmasq without range: static range");
	free(t);
	site.dhcp.lease_time = 3600;
	tap_is_int(gen(export_kea, NULL, NULL, &t), 0, "kea: ok");
	tap_ok(t && strstr(t, "\"valid-lifetime\": 3600,") && !strstr(t, "\"pools\""),
		"kea: lease time, no pool without a range");
	free(t);
}

/* Ids: 1..65535, unique, and each a function of its name alone unless it
 * collides (1000 names make collisions certain enough to probe). */
static void
test_ganesha_ids(void)
{
	enum { N = 1000 };
	static struct site_image many[N];
	static unsigned id[N];
	struct site s = { 0 };
	size_t i, j;
	int unique = 1, range = 1, stable = 1;

	for (i = 0; i < N; i++)
		snprintf(many[i].name, sizeof(many[i].name), "img%zu", i);
	s.images = many;
	s.n_images = N;
	for (i = 0; i < N; i++) {
		id[i] = export_ganesha_id(&s, i);
		range &= id[i] >= 1 && id[i] <= 65535;
	}
	for (i = 0; i < N; i++)
		for (j = i + 1; j < N; j++)
			unique &= id[i] != id[j];
	tap_ok(range, "ganesha ids: 1..65535");
	tap_ok(unique, "ganesha ids: unique among %d images", N);
	/* Reversed order: the same id for the same name. */
	for (i = 0; i < N / 2; i++) {
		struct site_image tmp = many[i];

		many[i] = many[N - 1 - i];
		many[N - 1 - i] = tmp;
	}
	for (i = 0; i < N; i++)
		stable &= export_ganesha_id(&s, N - 1 - i) == id[i];
	tap_ok(stable, "ganesha ids: independent of the order of the config");
}

static void
put16(unsigned char *b, size_t off, unsigned v)
{
	b[off] = (unsigned char)(v & 0xff);
	b[off + 1] = (unsigned char)(v >> 8);
}

enum bz { BZ_OK, BZ_SHORT, BZ_MAGIC, BZ_OLD, BZ_PTR0, BZ_PTR_PAST, BZ_NO_END, BZ_EMPTY,
	BZ_SMALL_OUT, BZ_CONTROL };

static void
test_bzimage(void)
{
	static const struct {
		const char *name;
		enum bz how;
		int ret;
		const char *want;
	} cases[] = {
		{ "a Debian-like header", BZ_OK, 0, "6.1.0-9-amd64" },
		{ "shorter than the setup header", BZ_SHORT, -EINVAL, "" },
		{ "no HdrS magic", BZ_MAGIC, -EINVAL, "" },
		{ "boot protocol before 2.00", BZ_OLD, -EINVAL, "" },
		{ "no version pointer", BZ_PTR0, -EINVAL, "" },
		{ "pointer past the buffer", BZ_PTR_PAST, -EINVAL, "" },
		{ "string runs to the end", BZ_NO_END, -EINVAL, "" },
		{ "empty string", BZ_EMPTY, -EINVAL, "" },
		{ "output too small", BZ_SMALL_OUT, -EINVAL, "" },
		{ "control byte right after", BZ_CONTROL, -EINVAL, "" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char b[0x800];
		const char v[] = "6.1.0-9-amd64 (debian-kernel@lists.debian.org) #1";
		size_t len = sizeof(b), outlen = 64;
		char out[64];

		memset(b, 0, sizeof(b));
		memcpy(b + 0x202, "HdrS", 4);
		put16(b, 0x206, 0x020f);
		put16(b, 0x20e, 0x400);
		memcpy(b + 0x600, v, sizeof(v));
		switch (cases[i].how) {
		case BZ_SHORT: len = 0x20f; break;
		case BZ_MAGIC: b[0x202] = 'X'; break;
		case BZ_OLD: put16(b, 0x206, 0x01ff); break;
		case BZ_PTR0: put16(b, 0x20e, 0); break;
		case BZ_PTR_PAST: put16(b, 0x20e, 0xfff0); break;
		case BZ_NO_END: memset(b + 0x600, 'a', sizeof(b) - 0x600); break;
		case BZ_EMPTY: b[0x600] = ' '; break;
		case BZ_SMALL_OUT: outlen = 8; break;
		case BZ_CONTROL: b[0x600 + 13] = '\x01'; break;
		case BZ_OK: break;
		}
		tap_is_int(bzimage_version(b, len, out, outlen), cases[i].ret, "bzimage %s",
			cases[i].name);
		tap_is_str(out, cases[i].want, "bzimage %s: version", cases[i].name);
	}
}

static void
test_fstab(void)
{
	static const struct {
		const char *name;
		const char *text;
		int ret;
		const char *spec, *type, *opts;
	} cases[] = {
		{ "as diskless build writes it",
			"# comment\n10.0.0.1:/srv/img / nfs ro,vers=3 0 0\ntmpfs /tmp tmpfs x 0 0\n",
			1, "10.0.0.1:/srv/img", "nfs", "ro,vers=3" },
		{ "tabs and no final newline", "proc\t/proc\tproc\tdefaults\n/dev/nfs\t/\tnfs\tro",
			1, "/dev/nfs", "nfs", "ro" },
		{ "no root line", "tmpfs /tmp tmpfs defaults 0 0\n", 0, "", "", "" },
		{ "commented root line", "#/dev/sda1 / ext4 defaults 0 1\n", 0, "", "", "" },
		{ "two fields only", "/dev/nfs /\n", 1, "/dev/nfs", "", "defaults" },
		{ "empty", "", 0, "", "", "" },
		{ "blank lines", "\n\n   \n", 0, "", "", "" },
		{ "mount point /boot is not /", "/dev/sda1 /boot ext4 defaults\n", 0, "", "", "" },
		{ "type too long", "a / nfsnfsnfsnfsnfsnfsnfsnfsnfsnfsnfsnfs ro\n", -ENAMETOOLONG,
			"", "", "" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fstab_root r;
		int ret = fstab_root_line(cases[i].text, strlen(cases[i].text), &r);

		tap_is_int(ret, cases[i].ret, "fstab %s", cases[i].name);
		if (ret == 1)
			tap_ok(strcmp(r.spec, cases[i].spec) == 0 &&
				       strcmp(r.type, cases[i].type) == 0 &&
				       strcmp(r.opts, cases[i].opts) == 0,
				"fstab %s: fields (%s|%s|%s)", cases[i].name, r.spec, r.type, r.opts);
	}
	{
		/* A spec longer than its field: refused, never overflows. */
		static char big[4000];
		struct fstab_root r;

		memset(big, 'x', sizeof(big));
		memcpy(big + 3000, " / nfs ro\n", 10);
		tap_is_int(fstab_root_line(big, sizeof(big), &r), -ENAMETOOLONG,
			"fstab: 3000-byte spec refused");
	}
}

int
main(void)
{
	test_cmdline();
	test_paths();
	test_loaders();
	test_exports();
	test_export_boot();
	test_ganesha_ids();
	test_bzimage();
	test_fstab();
	return tap_done();
}
