/*
 * cmd-pxe.c: `diskless pxe`: write the TFTP root of the site, or show what
 * one machine will boot.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg.h"
#include "commands.h"
#include "log.h"
#include "pxe-tree.h"

#define PXE_MAX_SOURCES 64

static void
pxe_usage(FILE *out)
{
	fprintf(out,
		"Usage: diskless pxe [-c FILE] [--kernel IMAGE=PATH] [--initrd IMAGE=PATH]\n"
		"       diskless pxe [-c FILE] --print HOST|MAC\n"
		"\n"
		"Write the site's TFTP root (boot loaders, per-host configs, kernels), built\n"
		"aside and swapped in at once; or show what one machine boots.\n"
		"\n"
		"  -c, --config FILE     site config\n"
		"  -p, --print HOST|MAC  show the boot files and command line of a machine\n"
		"      --kernel IMAGE=PATH  kernel of IMAGE (default: from its root)\n"
		"      --initrd IMAGE=PATH  initramfs of IMAGE (default: from its root)\n"
		"  -h, --help            show this help\n");
}

/* IMAGE=PATH into sources, merging --kernel and --initrd of one image. */
static int
add_source(struct pxe_source *src, size_t *n, char *arg, int initrd)
{
	char *eq = strchr(arg, '=');
	size_t i;

	if (!eq || eq == arg || !eq[1]) {
		log_warnx("--%s %s: not IMAGE=PATH (e.g. --%s lab=/boot/vmlinuz-6.1.0)",
			initrd ? "initrd" : "kernel", arg, initrd ? "initrd" : "kernel");
		return -EINVAL;
	}
	*eq = '\0';
	for (i = 0; i < *n; i++)
		if (strcmp(src[i].image, arg) == 0)
			break;
	if (i == *n) {
		if (*n == PXE_MAX_SOURCES) {
			log_warnx("too many --kernel/--initrd images (at most %d)",
				PXE_MAX_SOURCES);
			return -E2BIG;
		}
		src[i] = (struct pxe_source){ arg, NULL, NULL };
		(*n)++;
	}
	if (initrd)
		src[i].initrd = eq + 1;
	else
		src[i].kernel = eq + 1;
	return 0;
}

static const struct site_host *
find_host(const struct site *site, const char *which)
{
	uint8_t mac[NETADDR_MAC_LEN];
	size_t i;

	if (netaddr_parse_mac(which, mac) == 0)
		return site_host_by_mac(site, mac);
	for (i = 0; i < site->n_hosts; i++)
		if (strcmp(site->hosts[i].name, which) == 0)
			return &site->hosts[i];
	return NULL;
}

static int
print_default(const struct site *site, const char *which)
{
	uint8_t mac[NETADDR_MAC_LEN];
	char line[2 * SITE_CMDLINE_MAX];
	const char *why = "";
	size_t i;

	if (netaddr_parse_mac(which, mac) < 0) {
		log_warnx("%s: no such host in the site config (give a host name or a MAC)",
			which);
		return EXIT_USAGE;
	}
	printf("machine %s is not in the site config: it gets the image menu\n", which);
	printf("  BIOS   %s -> %s/default\n", BOOTCFG_BIOS_FILE, BOOTCFG_PXELINUX_DIR);
	printf("  UEFI   %s -> %s/grub.cfg\n", BOOTCFG_UEFI_FILE, BOOTCFG_GRUB_DIR);
	printf("  iPXE   %s (menu)\n", BOOTCFG_IPXE_FILE);
	for (i = 0; i < site->n_images; i++) {
		if (bootcfg_image_cmdline(site, &site->images[i], line, sizeof(line), &why) < 0) {
			log_warnx("image %s: %s", site->images[i].name, why);
			return EXIT_USAGE;
		}
		printf("  menu   %s: %s BOOTIF=01-<mac>\n", site->images[i].name, line);
	}
	return 0;
}

static int
print_host(const struct site *site, const struct site_host *host)
{
	char line[2 * SITE_CMDLINE_MAX], path[3][256], mac[NETADDR_MAC_STRLEN];
	const char *why = "";

	if (bootcfg_cmdline(site, host, line, sizeof(line), &why) < 0) {
		log_warnx("host %s: %s (fix the site config)", host->name, why);
		return EXIT_USAGE;
	}
	bootcfg_pxelinux_path(host, path[0], sizeof(path[0]));
	bootcfg_grub_path(host, path[1], sizeof(path[1]));
	bootcfg_ipxe_path(host, path[2], sizeof(path[2]));
	netaddr_format_mac(host->mac, ':', mac);
	printf("host %s (%s), image %s\n", host->name, mac, host->image);
	printf("  BIOS    %s -> %s\n", BOOTCFG_BIOS_FILE, path[0]);
	printf("  UEFI    %s -> %s\n", BOOTCFG_UEFI_FILE, path[1]);
	printf("  iPXE    %s -> %s\n", BOOTCFG_IPXE_FILE, path[2]);
	printf("  kernel  %s/%s\n", host->image, BOOTCFG_KERNEL_NAME);
	printf("  initrd  %s/%s\n", host->image, BOOTCFG_INITRD_NAME);
	printf("  cmdline %s\n", line);
	return 0;
}

int
cmd_pxe(int argc, char **argv, const struct global_opts *g)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "print", required_argument, NULL, 'p' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pxe_source sources[PXE_MAX_SOURCES];
	const char *config = g->config, *print = NULL;
	const struct site_host *host;
	struct site *site = NULL;
	struct pxe_opts o;
	size_t n_sources = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "c:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'p':
			print = optarg;
			break;
		case 'k':
		case 'i':
			if (add_source(sources, &n_sources, optarg, c == 'i') < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			pxe_usage(stdout);
			return 0;
		default:
			pxe_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		log_warnx("pxe: unexpected argument '%s' (see diskless pxe --help)", argv[optind]);
		return EXIT_USAGE;
	}
	r = load_site_or_report(config, &site);
	if (r != 0)
		return r;
	if (print) {
		host = find_host(site, print);
		r = host ? print_host(site, host) : print_default(site, print);
		goto out;
	}
	pxe_opts_default(&o);
	o.sources = sources;
	o.n_sources = n_sources;
	r = pxe_tree_write(site, &o);
	if (r < 0) {
		log_warnx("tftp-root %s not changed", site->server.tftp_root);
		r = EXIT_RUNTIME;
		goto out;
	}
	log_info("tftp-root %s: %zu hosts, %zu images", site->server.tftp_root,
		site->n_hosts, site->n_images);
	r = 0;
out:
	site_free(site);
	return r;
}
