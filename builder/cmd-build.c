/*
 * cmd-build.c: `diskless build`: a golden image from a base (archive,
 * directory or OCI image), with the diskless fix-ups and overlays, written
 * as a tree swapped into place (--out-dir) or as a tarball (--out-tar), and
 * always an mtree manifest next to it.
 *
 * Order of the steps, each on the same image back end (image.h):
 *   source -> leftovers removed -> identity -> network -> fstab
 *   -> rootfs-overlays/common -> rootfs-overlays/PROFILE -> --overlay DIRs
 * so that the user's trees can override anything the builder wrote.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <archive.h>

#include "cleanup.h"
#include "commands.h"
#include "extract.h"
#include "fstab.h"
#include "identity.h"
#include "image-net.h"
#include "image.h"
#include "log.h"
#include "oci.h"
#include "outdir.h"
#include "overlay.h"
#include "site.h"
#include "strutil.h"

#define MAX_OVERLAYS 16
#define DEFAULT_OVERLAYS_DIR PKGDATADIR "/rootfs-overlays"

struct build_opts {
	const char *config;
	const char *image;
	char from[PATH_MAX];
	char overlays[MAX_OVERLAYS][PATH_MAX];
	int n_overlays;
	const char *profile;
	char overlays_dir[PATH_MAX];
	const char *out_dir;
	char out_tar[PATH_MAX];
	bool clean_apt;
	bool have_epoch;
	time_t epoch;
};

static const char *const profiles[] = {"lab", "thin-client", "cluster-node", NULL};

static void
usage(FILE *out)
{
	fprintf(out,
	        "Usage: diskless build [-c SITE] --image NAME --from SOURCE [--overlay "
	        "DIR]...\n"
	        "                      [--profile lab|thin-client|cluster-node] "
	        "[--clean-apt]\n"
	        "                      [--out-dir DIR | --out-tar FILE]\n"
	        "\n"
	        "Build the golden image NAME of the site config from SOURCE: an archive\n"
	        "(tar, cpio... any compression), a directory, an OCI image layout "
	        "directory\n"
	        "or a 'docker save' archive.\n"
	        "\n"
	        "  -c, --config FILE    site config (default %s)\n"
	        "  -i, --image NAME     the [image NAME] section to build\n"
	        "  -f, --from SOURCE    the base system\n"
	        "  -o, --overlay DIR    a tree copied over the image last (repeatable)\n"
	        "  -p, --profile P      rootfs-overlays profile (default lab)\n"
	        "      --overlays-dir D where the profiles are (default "
	        "$DISKLESS_OVERLAYS_DIR,\n"
	        "                       else %s)\n"
	        "      --clean-apt      also remove the apt lists\n"
	        "  -d, --out-dir DIR    write the tree, swapped in atomically (default: "
	        "the\n"
	        "                       image's root; needs root)\n"
	        "  -t, --out-tar FILE   write a tarball instead (no root needed)\n"
	        "  -h, --help           show this help\n"
	        "\n"
	        "A manifest (mtree, sha256) is written next to the output: DIR.mtree or\n"
	        "FILE.mtree. With SOURCE_DATE_EPOCH set, the tarball and the manifest "
	        "are\n"
	        "byte-for-byte reproducible.\n"
	        "Exit status: 0 built, 1 build failed (the old image is intact), 2 usage "
	        "or\n"
	        "config error.\n",
	        SITE_DEFAULT_PATH, DEFAULT_OVERLAYS_DIR);
}

static int
abs_existing(const char *what, const char *path, char *out)
{
	if (realpath(path, out) == NULL) {
		log_warn("%s '%s'", what, path);
		return -1;
	}
	return 0;
}

/* The output file's absolute name; the file itself need not exist. */
static int
abs_new(const char *path, char *out, size_t len)
{
	char copy[PATH_MAX], dir[PATH_MAX];
	const char *base;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return -1;
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return -1;
	if (realpath(dirname(copy), dir) == NULL)
		return -1;
	return snprintf(out, len, "%s/%s", strcmp(dir, "/") ? dir : "", base) >= (int)len
	               ? -1
	               : 0;
}

static int
parse_epoch(struct build_opts *o)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	unsigned long v;

	if (s == NULL || s[0] == '\0')
		return 0;
	/* 2^32-1 is far enough; it keeps time_t arithmetic away from overflow. */
	if (str_to_ulong(s, 0, 4294967295UL, &v) < 0) {
		log_warnx(
		        "SOURCE_DATE_EPOCH '%s' is not a number of seconds (unset it or "
		        "give e.g. $(git log -1 --format=%%ct))",
		        s);
		return -1;
	}
	o->have_epoch = true;
	o->epoch = (time_t)v;
	return 0;
}

static int
parse_args(int argc, char **argv, const struct global_opts *g, struct build_opts *o)
{
	enum { OPT_CLEAN_APT = 256, OPT_OVERLAYS_DIR };
	static const struct option longopts[] = {
	        {"config", required_argument, NULL, 'c'},
	        {"image", required_argument, NULL, 'i'},
	        {"from", required_argument, NULL, 'f'},
	        {"overlay", required_argument, NULL, 'o'},
	        {"profile", required_argument, NULL, 'p'},
	        {"overlays-dir", required_argument, NULL, OPT_OVERLAYS_DIR},
	        {"clean-apt", no_argument, NULL, OPT_CLEAN_APT},
	        {"out-dir", required_argument, NULL, 'd'},
	        {"out-tar", required_argument, NULL, 't'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *from = NULL, *out_tar = NULL;
	const char *overlays_dir = getenv("DISKLESS_OVERLAYS_DIR");
	size_t i;
	int c;

	o->config = g->config ? g->config : SITE_DEFAULT_PATH;
	o->profile = "lab";
	while ((c = getopt_long(argc, argv, "c:i:f:o:p:d:t:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'i':
			o->image = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 'o':
			if (o->n_overlays == MAX_OVERLAYS) {
				log_warnx("build: more than %d --overlay (merge some "
				          "trees)",
				        MAX_OVERLAYS);
				return -1;
			}
			if (abs_existing("build: --overlay", optarg,
			            o->overlays[o->n_overlays]) < 0)
				return -1;
			o->n_overlays++;
			break;
		case 'p':
			o->profile = optarg;
			break;
		case OPT_OVERLAYS_DIR:
			overlays_dir = optarg;
			break;
		case OPT_CLEAN_APT:
			o->clean_apt = true;
			break;
		case 'd':
			o->out_dir = optarg;
			break;
		case 't':
			out_tar = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		log_warnx("build: unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (o->image == NULL || from == NULL) {
		log_warnx("build: --image NAME and --from SOURCE are required (see "
		          "'diskless build --help')");
		return -1;
	}
	if (o->out_dir != NULL && out_tar != NULL) {
		log_warnx("build: --out-dir and --out-tar exclude each other (pick one)");
		return -1;
	}
	for (i = 0; profiles[i] != NULL; i++)
		if (strcmp(profiles[i], o->profile) == 0)
			break;
	if (profiles[i] == NULL) {
		log_warnx(
		        "build: unknown profile '%s' (lab, thin-client or cluster-node)",
		        o->profile);
		return -1;
	}
	if (abs_existing("build: --from", from, o->from) < 0)
		return -1;
	if (abs_existing("build: overlays directory (--overlays-dir)",
	            overlays_dir ? overlays_dir : DEFAULT_OVERLAYS_DIR,
	            o->overlays_dir) < 0)
		return -1;
	if (out_tar != NULL && abs_new(out_tar, o->out_tar, sizeof(o->out_tar)) < 0) {
		log_warnx(
		        "build: --out-tar '%s': not a file name in an existing directory",
		        out_tar);
		return -1;
	}
	return parse_epoch(o);
}

static void
nameservers(const struct site *site, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < site->dhcp.n_dns && n < len; i++) {
		inet_ntop(AF_INET, &site->dhcp.dns[i], a, sizeof(a));
		if (image_fmt(buf + n, len - n, "nameserver %s\n", a) < 0)
			break;
		n += strlen(buf + n);
	}
	if (site->dhcp.n_dns == 0) {
		inet_ntop(AF_INET, &site->server.address, a, sizeof(a));
		snprintf(buf, len, "nameserver %s\n", a);
	}
}

static int
read_source(struct image *img, const char *from)
{
	struct archive *a = NULL;
	struct stat st;
	char why[256];
	int r;

	if (stat(from, &st) < 0)
		return image_fail(img, errno, NULL, "%s: %s", from, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return oci_is_layout(from) ? oci_read_layout(img, from)
		                           : extract_dir(img, from);
	/* Only a regular file can be read twice (a pipe would be consumed). */
	if (S_ISREG(st.st_mode) && oci_is_docker_archive(from) > 0)
		return oci_read_docker(img, from);
	r = extract_open_file(from, &a, why, sizeof(why));
	if (r < 0)
		return image_fail(img, r, NULL,
		        "%s: not an archive, directory or OCI image "
		        "that can be read: %s",
		        from, why);
	r = extract_archive(img, a, from, EXTRACT_PLAIN);
	archive_read_free(a);
	return r;
}

static int
apply_overlays(
        struct image *img, const struct build_opts *o, const struct overlay_vars *v)
{
	char dir[PATH_MAX];
	int i, r;

	if (image_fmt(dir, sizeof(dir), "%s/common", o->overlays_dir) < 0 ||
	        image_fmt(dir, sizeof(dir), "%s/%s", o->overlays_dir, o->profile) < 0)
		return image_fail(img, ENAMETOOLONG, NULL, "overlays dir too long");
	image_fmt(dir, sizeof(dir), "%s/common", o->overlays_dir);
	r = overlay_apply(img, dir, v);
	if (r < 0)
		return r;
	image_fmt(dir, sizeof(dir), "%s/%s", o->overlays_dir, o->profile);
	r = overlay_apply(img, dir, v);
	for (i = 0; i < o->n_overlays && r == 0; i++)
		r = overlay_apply(img, o->overlays[i], v);
	return r;
}

static int
transform(struct image *img, const struct build_opts *o, const struct site *site,
        const struct site_image *si)
{
	char server[INET_ADDRSTRLEN], ns[256], names[64];
	struct overlay_vars v;
	struct fstab_spec fs;
	unsigned stacks;
	int r;

	inet_ntop(AF_INET, &site->server.address, server, sizeof(server));
	nameservers(site, ns, sizeof(ns));
	r = cleanup_apply(img, o->clean_apt);
	if (r == 0)
		r = identity_apply(img, strcmp(o->profile, "cluster-node") == 0
		                                ? IDENTITY_SSH_SHARED
		                                : IDENTITY_SSH_PER_CLIENT);
	if (r < 0)
		return r;
	stacks = image_net_detect(img);
	log_info("build: network stacks in the image:%s",
	        image_net_names(stacks, names, sizeof(names)) - 1);
	r = image_net_apply(img, stacks);
	if (r < 0)
		return r;
	fs.server = server;
	fs.export_path = si->root;
	fs.nfs_options = si->nfs_options;
	fs.root_line = si->overlay != SITE_OVERLAY_TMPFS;
	r = fstab_apply(img, &fs);
	if (r < 0)
		return r;
	v.server = server;
	v.export_path = si->root;
	v.nfs_options = si->nfs_options;
	v.image = si->name;
	v.profile = o->profile;
	v.nameservers = ns;
	return apply_overlays(img, o, &v);
}

/* Opens FILE.new-XXXXXX beside path for writing. */
static int
open_tmp(const char *path, char *tmp, size_t len)
{
	int fd;

	if (snprintf(tmp, len, "%s.new-XXXXXX", path) >= (int)len)
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		tmp[0] = '\0';
		return -errno;
	}
	return fd;
}

static int
commit_file(int fd, const char *tmp, const char *path)
{
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0 || rename(tmp, path) < 0)
		return -errno;
	return 0;
}

static int
build_tar(
        const struct build_opts *o, const struct site *site, const struct site_image *si)
{
	char tmp[PATH_MAX + 16] = "", mtmp[PATH_MAX + 32] = "", mpath[PATH_MAX + 8];
	char dir[PATH_MAX];
	struct image *img = NULL;
	int fd, mfd = -1, r;

	snprintf(dir, sizeof(dir), "%s", o->out_tar);
	*strrchr(dir, '/') = '\0';
	if (snprintf(mpath, sizeof(mpath), "%s.mtree", o->out_tar) >= (int)sizeof(mpath))
		return EXIT_USAGE;
	fd = open_tmp(o->out_tar, tmp, sizeof(tmp));
	if (fd < 0) {
		log_errnum(fd, "build: cannot create %s", o->out_tar);
		return EXIT_RUNTIME;
	}
	mfd = open_tmp(mpath, mtmp, sizeof(mtmp));
	if (mfd < 0) {
		r = mfd;
		log_errnum(r, "build: cannot create %s", mpath);
		goto fail;
	}
	r = image_tar_new(dir[0] ? dir : "/", fd, &img);
	if (r < 0) {
		log_errnum(r, "build: cannot start the image (spool in %s)", dir);
		goto fail;
	}
	img->have_epoch = o->have_epoch;
	img->epoch = o->epoch;
	img->progress = isatty(STDERR_FILENO);
	r = read_source(img, o->from);
	if (r == 0)
		r = transform(img, o, site, si);
	if (r == 0)
		r = img->ops->finish(img, mfd);
	if (r < 0) {
		image_progress_end(img);
		log_warnx("build: image %s: %s (nothing was written)", si->name,
		        image_interrupted ? "interrupted" : img->err);
		goto fail;
	}
	log_info("build: image %s: %llu entries, %.1f MiB -> %s", si->name,
	        (unsigned long long)img->n_entries, (double)img->n_bytes / 1048576.0,
	        o->out_tar);
	r = commit_file(fd, tmp, o->out_tar);
	if (r == 0)
		r = commit_file(mfd, mtmp, mpath);
	if (r < 0) {
		log_errnum(r, "build: cannot put %s in place", o->out_tar);
		goto fail;
	}
	image_free(img);
	close(fd);
	close(mfd);
	return 0;
fail:
	image_free(img);
	close(fd);
	if (mfd >= 0)
		close(mfd);
	if (tmp[0] != '\0')
		unlink(tmp);
	if (mtmp[0] != '\0')
		unlink(mtmp);
	return EXIT_RUNTIME;
}

static int
build_dir(
        const struct build_opts *o, const struct site *site, const struct site_image *si)
{
	const char *target = o->out_dir ? o->out_dir : si->root;
	struct image *img = NULL;
	struct outdir od;
	int r;

	if (geteuid() != 0) {
		log_warnx("build: --out-dir needs root to keep owners, device nodes and "
		          "capabilities (run as root, or use --out-tar FILE)");
		return EXIT_USAGE;
	}
	r = outdir_begin(&od, target);
	if (r < 0) {
		log_errnum(r, "build: cannot prepare a new tree beside %s", target);
		return EXIT_RUNTIME;
	}
	if (od.swept > 0)
		log_info("build: removed %d leftover(s) of an interrupted build beside %s",
		        od.swept, od.target);
	r = image_disk_new(od.staging, true, &img);
	if (r < 0) {
		log_errnum(r, "build: cannot start the image in %s", od.staging);
		goto fail;
	}
	img->have_epoch = o->have_epoch;
	img->epoch = o->epoch;
	img->progress = isatty(STDERR_FILENO);
	r = read_source(img, o->from);
	if (r == 0)
		r = transform(img, o, site, si);
	if (r == 0)
		r = img->ops->finish(img, od.manifest_fd);
	if (r < 0) {
		image_progress_end(img);
		log_warnx("build: image %s: %s (the previous image is intact)", si->name,
		        image_interrupted ? "interrupted" : img->err);
		goto fail;
	}
	log_info("build: image %s: %llu entries, %.1f MiB -> %s", si->name,
	        (unsigned long long)img->n_entries, (double)img->n_bytes / 1048576.0,
	        od.target);
	/* Back to the caller's directory before the staging tree moves. */
	image_free(img);
	img = NULL;
	r = outdir_commit(&od);
	if (r < 0) {
		log_errnum(r, "build: cannot swap the new tree into %s", od.target);
		goto fail;
	}
	if (od.old_left[0] != '\0')
		log_warnx("build: the previous tree of %s could not be removed, it is at "
		          "%s "
		          "(remove it by hand)",
		        od.target, od.old_left);
	return 0;
fail:
	image_free(img);
	outdir_abort(&od);
	return EXIT_RUNTIME;
}

static void
on_signal(int sig)
{
	(void)sig;
	image_interrupted = 1;
}

/* SIGINT/SIGTERM end the build through the ordinary error path, which
 * removes the staging tree or the temporary files. */
static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int
cmd_build(int argc, char **argv, const struct global_opts *g)
{
	struct build_opts *o;
	struct site *site = NULL;
	const struct site_image *si;
	int r;

	o = calloc(1, sizeof(*o));
	if (o == NULL) {
		log_warn("build");
		return EXIT_RUNTIME;
	}
	if (parse_args(argc, argv, g, o) < 0) {
		free(o);
		return EXIT_USAGE;
	}
	if (load_site_or_report(o->config, &site) != 0) {
		free(o);
		return EXIT_USAGE;
	}
	si = site_image_find(site, o->image);
	if (si == NULL) {
		log_warnx("build: no [image %s] in %s (add the section, or pick one with "
		          "'diskless config check')",
		        o->image, o->config);
		r = EXIT_USAGE;
		goto out;
	}
	/* Modes of implicit directories must not depend on the caller. */
	umask(022);
	catch_signals();
	r = o->out_tar[0] != '\0' ? build_tar(o, site, si) : build_dir(o, site, si);
out:
	site_free(site);
	free(o);
	return r;
}
