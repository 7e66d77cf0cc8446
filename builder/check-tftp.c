/*
 * check-tftp.c: the TFTP tree of a site against what `diskless pxe` writes:
 * boot loaders, each image's kernel and initramfs, each host's configs and
 * the files they name.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootcfg.h"
#include "nfscheck.h"

#define TFTPCHECK_CFG_MAX 65536

/* Not inlined: the truncation is checked here at run time, whatever the
 * callers' buffer sizes (gcc -Wformat-truncation=2 at -O2). */
static int __attribute__((noinline))
tftp_path(const struct site *site, const char *rel, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", site->server.tftp_root, rel);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* 1 when rel is a non-empty regular file of the tree. */
static bool
tftp_has(const struct site *site, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	return tftp_path(site, rel, path, sizeof(path)) == 0 && stat(path, &st) == 0 &&
	       S_ISREG(st.st_mode) && st.st_size > 0;
}

static void
check_loaders(struct check_report *rep, const struct site *site)
{
	static const struct {
		const char *file;
		enum check_level missing;
		const char *why;
	} loaders[] = {
		{ BOOTCFG_BIOS_FILE, CHECK_ERROR, "BIOS clients cannot boot" },
		{ "ldlinux.c32", CHECK_ERROR, "pxelinux.0 stops before reading its config" },
		{ "menu.c32", CHECK_WARNING, "unknown BIOS machines get no image menu" },
		{ "libutil.c32", CHECK_WARNING, "menu.c32 cannot load" },
		{ "libcom32.c32", CHECK_WARNING, "menu.c32 cannot load" },
		{ BOOTCFG_UEFI_FILE, CHECK_WARNING, "UEFI clients cannot boot" },
		{ BOOTCFG_IPXE_FILE, CHECK_WARNING, "iPXE clients get no script" },
	};
	size_t i;

	for (i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++) {
		if (tftp_has(site, loaders[i].file))
			check_add(rep, CHECK_OK, "tftp-root", loaders[i].file, NULL, "present");
		else
			check_add(rep, loaders[i].missing, "tftp-root", loaders[i].file,
				"run diskless pxe (packages pxelinux, syslinux-common, "
				"grub-efi-amd64-bin)",
				"missing or empty: %s", loaders[i].why);
	}
}

/* The [boot] files other than the loaders above: a name the site config
 * hands out that is not in the tree. URLs and names with placeholders
 * (%m, %h) depend on the client and are not checked. */
static void
check_boot_files(struct check_report *rep, const struct site *site)
{
	static const char *const known[] = { BOOTCFG_BIOS_FILE, BOOTCFG_UEFI_FILE,
		BOOTCFG_IPXE_FILE };

	for (int i = 0; i < SITE_BOOT__COUNT; i++) {
		const struct site_boot_file *f = &site->boot.file[i];
		bool seen = false;

		if (f->how != SITE_BOOT_FILE || strchr(f->name, '%') != NULL ||
			strstr(f->name, "://") != NULL)
			continue;
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			seen = seen || strcmp(f->name, known[k]) == 0;
		for (int j = 0; j < i; j++)
			seen = seen || (site->boot.file[j].how == SITE_BOOT_FILE &&
				strcmp(site->boot.file[j].name, f->name) == 0);
		if (seen)
			continue;
		if (tftp_has(site, f->name))
			check_add(rep, CHECK_OK, "tftp-root", f->name, NULL, "present");
		else
			check_add(rep, CHECK_WARNING, "tftp-root", f->name,
				"copy it into the TFTP root, or change [boot]",
				"missing or empty: [boot] %s names it, those clients "
				"cannot boot", site_boot_slot_name(i));
	}
}

static void
kernel_version(const char *path, char *kver, size_t len)
{
	static unsigned char buf[BZIMAGE_VERSION_READ];
	ssize_t n;
	int fd;

	kver[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n > 0)
		bzimage_version(buf, (size_t)n, kver, len);
}

#define INITRD_MAX_VERSIONS 4

/* The <v> of every lib/modules/<v>/ (or usr/lib/modules/<v>/) in an
 * initramfs; -errno when libarchive cannot read it. */
static int
initrd_versions(const char *path, char vers[INITRD_MAX_VERSIONS][64], int *n)
{
	static const char *const prefixes[] = { "lib/modules/", "usr/lib/modules/" };
	struct archive_entry *e;
	struct archive *a;
	int r, i, k;

	*n = 0;
	a = archive_read_new();
	if (!a)
		return -ENOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_cpio(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		archive_read_free(a);
		return -EINVAL;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);

		if (!name)
			continue;
		if (name[0] == '.' && name[1] == '/')
			name += 2;
		for (i = 0; i < 2; i++) {
			size_t pl = strlen(prefixes[i]), vl;
			const char *v;

			if (strncmp(name, prefixes[i], pl) != 0)
				continue;
			v = name + pl;
			vl = strcspn(v, "/");
			if (vl == 0 || vl >= 64)
				continue;
			for (k = 0; k < *n; k++)
				if (strncmp(vers[k], v, vl) == 0 && vers[k][vl] == '\0')
					break;
			if (k == *n && *n < INITRD_MAX_VERSIONS) {
				memcpy(vers[*n], v, vl);
				vers[(*n)++][vl] = '\0';
			}
		}
	}
	archive_read_free(a);
	return r == ARCHIVE_EOF ? 0 : -EINVAL;
}

/* The initramfs must load modules built for the kernel it boots with, or
 * the NIC and NFS drivers never load. */
static void
check_initrd_modules(struct check_report *rep, const char *subject, const char *path,
	const char *kver)
{
	char vers[INITRD_MAX_VERSIONS][64];
	int n, k;

	if (initrd_versions(path, vers, &n) < 0) {
		check_add(rep, CHECK_WARNING, subject, "initrd modules",
			"build it with diskless initrd",
			"cannot read %s as a (compressed) cpio archive", path);
		return;
	}
	for (k = 0; k < n; k++) {
		if (strcmp(vers[k], kver) == 0) {
			check_add(rep, CHECK_OK, subject, "initrd modules", NULL,
				"the initramfs has modules for %s", kver);
			return;
		}
	}
	if (n == 0)
		check_add(rep, CHECK_WARNING, subject, "initrd modules",
			"fine only if the kernel has its NIC and NFS drivers built in",
			"no kernel modules in the initramfs");
	else
		check_add(rep, CHECK_ERROR, subject, "initrd modules",
			"rebuild it for that kernel (diskless initrd) and rerun diskless pxe",
			"the initramfs has modules for %s, the kernel is %s", vers[0], kver);
}

static void
check_image(struct check_report *rep, const struct site *site,
	const struct site_image *img, char kver[64])
{
	static const char *const names[] = { BOOTCFG_KERNEL_NAME, BOOTCFG_INITRD_NAME };
	char subject[SITE_NAME_MAX + 8], rel[PATH_MAX], path[PATH_MAX];
	size_t i;

	snprintf(subject, sizeof(subject), "image %s", img->name);
	for (i = 0; i < 2; i++) {
		snprintf(rel, sizeof(rel), "%s/%s", img->name, names[i]);
		if (!tftp_has(site, rel)) {
			check_add(rep, CHECK_ERROR, subject, names[i],
				"run diskless pxe", "%s missing or empty in the TFTP tree", rel);
			continue;
		}
		if (i == 1) {
			check_add(rep, CHECK_OK, subject, names[i], NULL, "%s present", rel);
			if (kver[0] && tftp_path(site, rel, path, sizeof(path)) == 0)
				check_initrd_modules(rep, subject, path, kver);
			continue;
		}
		if (tftp_path(site, rel, path, sizeof(path)) == 0)
			kernel_version(path, kver, 64);
		if (kver[0])
			check_add(rep, CHECK_OK, subject, names[i], NULL, "%s is Linux %s", rel,
				kver);
		else
			check_add(rep, CHECK_WARNING, subject, names[i],
				"give the image a Linux bzImage kernel",
				"%s is not a bzImage with a version string", rel);
	}
}

static char *
read_small(const char *path, size_t *len)
{
	char *buf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(TFTPCHECK_CFG_MAX + 1);
	n = buf ? read(fd, buf, TFTPCHECK_CFG_MAX) : -1;
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/*
 * The files a boot config names (pxelinux KERNEL/INITRD, GRUB linux/initrd,
 * iPXE kernel/initrd; paths relative to the TFTP root) must exist: a
 * hand-edited or stale file can point anywhere. A URL or a name built from
 * iPXE variables is resolved by the client alone and is not checked.
 */
static void
check_named_files(struct check_report *rep, const struct site *site, const char *subject,
	const char *cfgname, char *text)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char key[16], file[PATH_MAX / 2];

		if (sscanf(line, " %15s %2047s", key, file) != 2)
			continue;
		if (strcasecmp(key, "KERNEL") && strcasecmp(key, "INITRD") &&
		    strcasecmp(key, "linux") && strcasecmp(key, "initrd"))
			continue;
		if (strstr(file, "://") || strstr(file, "${"))
			continue;
		if (!tftp_has(site, file[0] == '/' ? file + 1 : file))
			check_add(rep, CHECK_ERROR, subject, cfgname, "run diskless pxe",
				"names %s, which the TFTP tree does not have", file);
	}
}

/* A config as `diskless pxe` would write it now, compared with the tree's. */
static void
check_config(struct check_report *rep, const struct site *site, const char *subject,
	const char *rel, const struct site_host *host,
	int (*host_gen)(const struct site *, const struct site_host *, FILE *,
		const char **),
	int (*site_gen)(const struct site *, FILE *, const char **))
{
	char path[PATH_MAX], *want = NULL, *have;
	const char *why = "";
	size_t wlen = 0, hlen = 0;
	FILE *f;
	int r;

	if (host ? !host_gen : !site_gen)
		return;
	if (tftp_path(site, rel, path, sizeof(path)) < 0 || !(have = read_small(path, &hlen))) {
		check_add(rep, CHECK_ERROR, subject, rel, "run diskless pxe",
			host ? "missing: this machine has no boot config"
			     : "missing: machines not in the site config get no menu");
		return;
	}
	f = open_memstream(&want, &wlen);
	if (!f) {
		check_add(rep, CHECK_ERROR, subject, rel, NULL, "out of memory");
		free(have);
		return;
	}
	r = host ? host_gen(site, host, f, &why) : site_gen(site, f, &why);
	fclose(f);
	if (r < 0)
		check_add(rep, CHECK_ERROR, subject, rel, "fix the site config", "%s", why);
	else if (wlen != hlen || memcmp(want, have, wlen) != 0)
		check_add(rep, CHECK_WARNING, subject, rel, "run diskless pxe",
			"differs from the site config (stale or edited by hand)");
	else
		check_add(rep, CHECK_OK, subject, rel, NULL, "matches the site config");
	/* Every config checked here (pxelinux, GRUB, iPXE) names files. */
	check_named_files(rep, site, subject, rel, have);
	free(want);
	free(have);
}

static void
check_host(struct check_report *rep, const struct site *site, const struct site_host *h)
{
	char subject[SITE_NAME_MAX + 8], rel[PATH_MAX];

	snprintf(subject, sizeof(subject), "host %s", h->name);
	if (bootcfg_pxelinux_path(h, rel, sizeof(rel)) == 0)
		check_config(rep, site, subject, rel, h, bootcfg_pxelinux_host, NULL);
	if (bootcfg_grub_path(h, rel, sizeof(rel)) == 0)
		check_config(rep, site, subject, rel, h, bootcfg_grub_host, NULL);
	if (bootcfg_ipxe_path(h, rel, sizeof(rel)) == 0)
		check_config(rep, site, subject, rel, h, bootcfg_ipxe_host, NULL);
}

void
tftpcheck_site(struct check_report *rep, const struct site *site, const char *only,
	char (*kver_out)[64])
{
	struct stat st;
	size_t i;

	for (i = 0; i < site->n_images; i++)
		kver_out[i][0] = '\0';
	if (stat(site->server.tftp_root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		check_add(rep, CHECK_ERROR, "tftp-root", "tree", "run diskless pxe",
			"%s is not a directory: no client can boot", site->server.tftp_root);
		return;
	}
	check_loaders(rep, site);
	check_boot_files(rep, site);
	check_config(rep, site, "tftp-root", BOOTCFG_PXELINUX_DIR "/default", NULL, NULL,
		bootcfg_pxelinux_default);
	check_config(rep, site, "tftp-root", BOOTCFG_GRUB_DIR "/grub.cfg", NULL, NULL,
		bootcfg_grub_default);
	check_config(rep, site, "tftp-root", BOOTCFG_IPXE_FILE, NULL, NULL,
		bootcfg_ipxe_default);
	for (i = 0; i < site->n_images; i++)
		if (!only || strcmp(only, site->images[i].name) == 0)
			check_image(rep, site, &site->images[i], kver_out[i]);
	for (i = 0; i < site->n_hosts; i++)
		if (!only || strcmp(only, site->hosts[i].image) == 0)
			check_host(rep, site, &site->hosts[i]);
}
