/*
 * pxe-tree.c: build the TFTP root in a temporary sibling and swap it in.
 */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <linux/openat2.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bootcfg.h"
#include "log.h"
#include "pxe-tree.h"

extern char **environ;

/* The com32 modules the default menu needs: menu.c32 links libutil.c32 and
 * libcom32.c32, and pxelinux.0 loads ldlinux.c32 before anything else. */
static const char *const bios_modules[] = {
	"ldlinux.c32", "menu.c32", "libutil.c32", "libcom32.c32",
};

/*
 * UEFI x64 boot file: GRUB's network image, built here with grub-mkimage.
 * Chosen over syslinux.efi and iPXE's snponly.efi because:
 * - it boots under OVMF both from iPXE's EFI ROM and from OVMF's own PXE
 *   (reference/vm-boot.md), using the firmware's cached DHCP packet, so no
 *   second DHCP exchange and no DHCP-side loop breaking as for iPXE;
 * - it looks up grub.cfg-01-<mac> by itself, so per-host files need no tag
 *   on the DHCP side (proxy mode next to any site DHCP works);
 * - it is maintained and has a Secure Boot path (Debian's signed
 *   grubnetx64.efi behind shim), where syslinux.efi (6.04-pre, 2016) has
 *   neither and is known for TFTP trouble on real firmware.
 * The modules are embedded, so the tree needs no GRUB module directory.
 * grub-mkimage output is byte-for-byte reproducible (checked with 2.06).
 */
static const char *const grub_modules[] = {
	"normal", "configfile", "linux", "efinet", "net", "tftp", "echo", "test", "true",
	"sleep", "efi_gop", "efi_uga", "serial", "terminal", "reboot",
};

void
pxe_opts_default(struct pxe_opts *o)
{
	o->pxelinux_dir = "/usr/lib/PXELINUX";
	o->bios_modules = "/usr/lib/syslinux/modules/bios";
	o->grub_mkimage = "grub-mkimage";
	o->grub_modules = "/usr/lib/grub/x86_64-efi";
	o->sources = NULL;
	o->n_sources = 0;
}

/* openat2(RESOLVE_IN_ROOT): an image's /vmlinuz -> /boot/vmlinuz-x symlink is
 * absolute inside the image and must not resolve on the build host. */
static int
open_in_root(int rootfd, const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
}

static int
is_regular_in_root(int rootfd, const char *rel)
{
	struct stat st;
	int fd = open_in_root(rootfd, rel);
	int ok;

	if (fd < 0)
		return 0;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	return ok;
}

/* The newest boot/<prefix>-<version> by version order, into rel. */
static int
newest_versioned(int rootfd, const char *prefix, char *rel, size_t len)
{
	char best[NAME_MAX + 1] = "";
	size_t plen = strlen(prefix);
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(rootfd, "boot", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -ENOENT;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -ENOENT;
	}
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, prefix, plen) != 0 || de->d_name[plen] != '-')
			continue;
		if (strstr(de->d_name, ".old") || strstr(de->d_name, ".bak"))
			continue;
		if (!best[0] || strverscmp(de->d_name, best) > 0)
			snprintf(best, sizeof(best), "%s", de->d_name);
	}
	closedir(d);
	if (!best[0])
		return -ENOENT;
	if ((size_t)snprintf(rel, len, "boot/%s", best) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* A kernel or initramfs of the image root, as a path relative to it. */
static int
find_in_root(int rootfd, const char *what, char *rel, size_t len)
{
	char name[64];

	snprintf(name, sizeof(name), "%s", what);
	if (is_regular_in_root(rootfd, name)) {
		snprintf(rel, len, "%s", name);
		return 0;
	}
	snprintf(name, sizeof(name), "boot/%s", what);
	if (is_regular_in_root(rootfd, name)) {
		snprintf(rel, len, "%s", name);
		return 0;
	}
	return newest_versioned(rootfd, what, rel, len);
}

static const struct pxe_source *
source_of(const struct pxe_opts *o, const char *image)
{
	size_t i;

	for (i = 0; i < o->n_sources; i++)
		if (strcmp(o->sources[i].image, image) == 0)
			return &o->sources[i];
	return NULL;
}

static char *
join(const char *a, const char *b)
{
	char *s;

	if (asprintf(&s, "%s/%s", a, b) < 0)
		return NULL;
	return s;
}

/*
 * Opens the kernel (which 0) or initramfs (1) of an image; *path is the
 * name to show (malloc'd).
 */
static int
open_image_file(const struct site_image *img, const struct pxe_opts *o, int which,
	char **path, const char **why)
{
	const struct pxe_source *src = source_of(o, img->name);
	const char *given = src ? (which ? src->initrd : src->kernel) : NULL;
	const char *keyed = which ? img->initrd : img->kernel;
	char rel[PATH_MAX];
	int rootfd, fd, r;

	*path = NULL;
	if (given == NULL && keyed != NULL)
		given = keyed; /* the site's kernel = / initrd = (a flag wins) */
	if (given) {
		*path = strdup(given);
		fd = open(given, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			*why = src ? "check the --kernel/--initrd path"
				   : "check the image's kernel = / initrd = in the site config";
		return fd < 0 ? -errno : fd;
	}
	rootfd = open(img->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		r = -errno;
		*path = strdup(img->root);
		*why = "build the image first, or fix its root in the site config";
		return r;
	}
	r = find_in_root(rootfd, which ? BOOTCFG_INITRD_NAME : BOOTCFG_KERNEL_NAME, rel,
		sizeof(rel));
	if (r < 0) {
		*why = which ? "no initrd.img, boot/initrd.img or boot/initrd.img-* in the image"
			       " (run diskless initrd, or pass --initrd IMAGE=PATH)"
			     : "no vmlinuz, boot/vmlinuz or boot/vmlinuz-* in the image"
			       " (install a kernel in it, or pass --kernel IMAGE=PATH)";
		close(rootfd);
		return -ENOENT;
	}
	*path = join(img->root, rel);
	fd = open_in_root(rootfd, rel);
	r = fd < 0 ? -errno : fd;
	if (fd < 0)
		*why = "check its permissions";
	close(rootfd);
	return r;
}

static int
copy_fd(int in, int dirfd, const char *name)
{
	char buf[65536];
	int out, r = 0;
	ssize_t n;

	out = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0)
		return -errno;
	/* copy_file_range shares extents where the file system can (reflink). */
	for (;;) {
		n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n > 0)
			continue;
		if (n == 0)
			break;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
			r = -errno;
			goto out;
		}
		while ((n = read(in, buf, sizeof(buf))) > 0) {
			if (write(out, buf, (size_t)n) != n) {
				r = errno ? -errno : -EIO;
				goto out;
			}
		}
		if (n < 0)
			r = -errno;
		break;
	}
out:
	if (close(out) < 0 && r == 0)
		r = -errno;
	return r;
}

static int
copy_path(const char *src, int dirfd, const char *name)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	int r;

	if (in < 0)
		return -errno;
	r = copy_fd(in, dirfd, name);
	close(in);
	return r;
}

/* Writes one generated file; gen is one of the bootcfg_* functions. */
struct gen {
	int (*host)(const struct site *, const struct site_host *, FILE *, const char **);
	int (*site)(const struct site *, FILE *, const char **);
};

static int
write_generated(int dirfd, const char *name, const struct site *site,
	const struct site_host *host, struct gen g, const char **why)
{
	FILE *f;
	int fd, r;

	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		*why = "cannot create it";
		return -errno;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		*why = "out of memory";
		return -ENOMEM;
	}
	r = host ? g.host(site, host, f, why) : g.site(site, f, why);
	if (fclose(f) != 0 && r == 0) {
		*why = "write error";
		r = -EIO;
	}
	return r;
}

/*
 * The prefix names the boot server: "(tftp,<address>)/grub". A bare
 * "(tftp)" means the server of the DHCPACK the firmware kept, which in proxy
 * mode is the site's DHCP server (its siaddr, often itself or none): GRUB
 * 2.06 reads neither the proxy offer nor the 4011 reply that named us, and
 * would ask that server for grub.cfg-01-<mac>. Found booting OVMF's own PXE
 * next to a dnsmasq that hands out addresses only (tests/vm/t-pxe-proxy.sh).
 */
static int
run_grub_mkimage(const struct pxe_opts *o, struct in_addr server, const char *outpath)
{
	const size_t nmod = sizeof(grub_modules) / sizeof(grub_modules[0]);
	const char *argv[12 + sizeof(grub_modules) / sizeof(grub_modules[0])];
	char prefix[sizeof("(tftp,255.255.255.255)/" BOOTCFG_GRUB_DIR)];
	char addr[INET_ADDRSTRLEN];
	/* posix_spawn takes char *const[] for historical reasons; it does not
	 * write to the strings. */
	union {
		const char **c;
		char *const *v;
	} args = { argv };
	size_t i, n = 0;
	pid_t pid;
	int st, r;

	argv[n++] = o->grub_mkimage;
	argv[n++] = "-d";
	argv[n++] = o->grub_modules;
	argv[n++] = "-O";
	argv[n++] = "x86_64-efi";
	inet_ntop(AF_INET, &server, addr, sizeof(addr));
	snprintf(prefix, sizeof(prefix), "(tftp,%s)/" BOOTCFG_GRUB_DIR, addr);
	argv[n++] = "-p";
	argv[n++] = prefix;
	argv[n++] = "-o";
	argv[n++] = outpath;
	for (i = 0; i < nmod; i++)
		argv[n++] = grub_modules[i];
	argv[n] = NULL;
	r = posix_spawnp(&pid, o->grub_mkimage, NULL, NULL, args.v, environ);
	if (r != 0)
		return -r;
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

static int
write_loaders(const struct site *site, const struct pxe_opts *o, int dirfd, const char *tmp)
{
	char src[PATH_MAX], *efi;
	size_t i;
	int r;

	snprintf(src, sizeof(src), "%s/pxelinux.0", o->pxelinux_dir);
	r = copy_path(src, dirfd, BOOTCFG_BIOS_FILE);
	if (r < 0) {
		log_warnx("%s: %s (install pxelinux)", src, strerror(-r));
		return r;
	}
	for (i = 0; i < sizeof(bios_modules) / sizeof(bios_modules[0]); i++) {
		snprintf(src, sizeof(src), "%s/%s", o->bios_modules, bios_modules[i]);
		r = copy_path(src, dirfd, bios_modules[i]);
		if (r < 0) {
			log_warnx("%s: %s (install syslinux-common)", src, strerror(-r));
			return r;
		}
	}
	efi = join(tmp, BOOTCFG_UEFI_FILE);
	if (!efi)
		return -ENOMEM;
	r = run_grub_mkimage(o, site->server.address, efi);
	free(efi);
	/* A BIOS-only site is legitimate: say what is missing and go on. */
	if (r < 0)
		log_warnx("%s: cannot build the UEFI boot file with %s (install "
			  "grub-efi-amd64-bin); UEFI clients will not boot",
			BOOTCFG_UEFI_FILE, o->grub_mkimage);
	return 0;
}

static int
write_image(const struct site_image *img, const struct pxe_opts *o, int dirfd)
{
	const char *names[2] = { BOOTCFG_KERNEL_NAME, BOOTCFG_INITRD_NAME };
	const char *why = "";
	char *path = NULL;
	int sub, which, fd, r = 0;

	if (mkdirat(dirfd, img->name, 0755) < 0) {
		log_warn("image %s: mkdir", img->name);
		return -errno;
	}
	sub = openat(dirfd, img->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sub < 0)
		return -errno;
	for (which = 0; which < 2 && r == 0; which++) {
		fd = open_image_file(img, o, which, &path, &why);
		if (fd < 0) {
			r = fd;
			/* find_in_root's why is the whole story; the others
			 * are a fix to put after strerror. */
			if (r == -ENOENT && path == NULL)
				log_warnx("image %s: %s: %s", img->name, img->root, why);
			else
				log_warnx("image %s: %s: %s (%s)", img->name,
					path ? path : img->root, strerror(-r), why);
		} else {
			r = copy_fd(fd, sub, names[which]);
			if (r < 0)
				log_errnum(r, "image %s: copying %s", img->name, path);
			close(fd);
		}
		free(path);
		path = NULL;
	}
	close(sub);
	return r;
}

/* A config the site cannot produce (EINVAL, ENAMETOOLONG: why says what)
 * or one the file system refused. */
static void
log_config_error(int r, const char *who, const char *file, const char *why)
{
	if (r == -EINVAL || r == -ENAMETOOLONG)
		log_warnx("%s: %s: %s (fix the site config)", who, file, why);
	else
		log_errnum(r, "%s: %s: %s", who, file, why);
}

static int
write_configs(const struct site *site, int dirfd)
{
	static const struct {
		const char *dir;
		int (*path)(const struct site_host *, char *, size_t);
		struct gen gen;
		const char *deflt;
	} kinds[] = {
		{ BOOTCFG_PXELINUX_DIR, bootcfg_pxelinux_path,
			{ bootcfg_pxelinux_host, bootcfg_pxelinux_default },
			BOOTCFG_PXELINUX_DIR "/default" },
		{ BOOTCFG_GRUB_DIR, bootcfg_grub_path,
			{ bootcfg_grub_host, bootcfg_grub_default }, BOOTCFG_GRUB_DIR "/grub.cfg" },
		{ BOOTCFG_IPXE_DIR, bootcfg_ipxe_path,
			{ bootcfg_ipxe_host, bootcfg_ipxe_default }, BOOTCFG_IPXE_FILE },
	};
	char name[PATH_MAX];
	const char *why = "";
	size_t k, h;
	int r;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (mkdirat(dirfd, kinds[k].dir, 0755) < 0)
			return -errno;
		r = write_generated(dirfd, kinds[k].deflt, site, NULL, kinds[k].gen, &why);
		if (r < 0) {
			log_config_error(r, "tftp-root", kinds[k].deflt, why);
			return r;
		}
		for (h = 0; h < site->n_hosts; h++) {
			const struct site_host *host = &site->hosts[h];

			r = kinds[k].path(host, name, sizeof(name));
			if (r == 0)
				r = write_generated(dirfd, name, site, host, kinds[k].gen, &why);
			if (r < 0) {
				log_config_error(r, host->name, name, why);
				return r;
			}
		}
	}
	return 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 ? -1 : 0;
	return unlink(path) < 0 ? -1 : 0;
}

static int
rm_tree(const char *path)
{
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}

static int
populate(const struct site *site, const struct pxe_opts *o, const char *tmp)
{
	size_t i;
	int dirfd, r;

	dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	r = write_loaders(site, o, dirfd, tmp);
	for (i = 0; r == 0 && i < site->n_images; i++)
		r = write_image(&site->images[i], o, dirfd);
	if (r == 0)
		r = write_configs(site, dirfd);
	/* Everything on disk before the swap makes it visible. */
	if (r == 0 && syncfs(dirfd) < 0)
		r = -errno;
	close(dirfd);
	return r;
}

/*
 * Moves tmp to root: exchanged with an existing tree (then tmp names the
 * old one, which the caller removes), or renamed when there is none. File
 * systems without RENAME_EXCHANGE (EINVAL: NFS, older overlayfs) get two
 * renames, with the old tree moved to tmp's name: for that moment the path
 * does not exist, so say so.
 */
static int
swap_in(const char *tmp, const char *root, int *exchanged)
{
	char old[PATH_MAX];
	struct stat st;

	*exchanged = 0;
	if (lstat(root, &st) < 0) {
		if (errno != ENOENT)
			return -errno;
		return rename(tmp, root) < 0 ? -errno : 0;
	}
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, root, RENAME_EXCHANGE) == 0) {
		*exchanged = 1;
		return 0;
	}
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	if ((size_t)snprintf(old, sizeof(old), "%s.old", tmp) >= sizeof(old))
		return -ENAMETOOLONG;
	log_warnx("tftp-root %s: the file system cannot exchange directories: "
		  "replacing it with two renames (not atomic)", root);
	if (rename(root, old) < 0)
		return -errno;
	if (rename(tmp, root) < 0) {
		int r = -errno;

		if (rename(old, root) < 0)
			log_warn("tftp-root %s: cannot put the old tree back from %s", root, old);
		return r;
	}
	if (rename(old, tmp) < 0)
		return -errno;
	*exchanged = 1;
	return 0;
}

int
pxe_tree_write(const struct site *site, const struct pxe_opts *o)
{
	char *root = NULL, *copy = NULL, *tmp = NULL;
	int exchanged, r;
	size_t len;

	if (!site->server.tftp_root || !site->server.tftp_root[0])
		return -EINVAL;
	root = strdup(site->server.tftp_root);
	if (!root)
		return -ENOMEM;
	len = strlen(root);
	while (len > 1 && root[len - 1] == '/')
		root[--len] = '\0';
	copy = strdup(root);
	if (!copy || asprintf(&tmp, "%s/.%s.new-XXXXXX", dirname(copy),
			     basename(root)) < 0) {
		tmp = NULL;
		r = -ENOMEM;
		goto out;
	}
	if (!mkdtemp(tmp)) {
		r = -errno;
		log_warnx("tftp-root %s: cannot create a temporary sibling %s: %s (create the "
			  "parent directory, writable by this user)", root, tmp, strerror(-r));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	/* mkdtemp makes it 0700; the TFTP server may run as another user. */
	if (chmod(tmp, 0755) < 0) {
		r = -errno;
		goto out;
	}
	r = populate(site, o, tmp);
	if (r < 0)
		goto out;
	r = swap_in(tmp, root, &exchanged);
	if (r < 0) {
		log_errnum(r, "tftp-root %s: cannot swap in the new tree %s", root, tmp);
		goto out;
	}
	if (!exchanged) {
		free(tmp);
		tmp = NULL;
	}
out:
	if (tmp) {
		int e = rm_tree(tmp);

		if (e < 0)
			log_errnum(e, "%s: cannot remove it", tmp);
	}
	free(tmp);
	free(copy);
	free(root);
	return r;
}
