/*
 * cmd-verify.c: `diskless verify DIR --manifest FILE`: compares a deployed
 * image with the manifest its build wrote, and lists every file added,
 * missing or changed (with the keywords that differ). Read-only: the tree is
 * walked and hashed, never touched.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "log.h"
#include "image.h"
#include "manifest.h"
#include "manifest-xattr.h"

static void
usage(FILE *out)
{
	fprintf(out,
	        "Usage: diskless verify DIR [--manifest FILE] [-q]\n"
	        "\n"
	        "Compare the image tree DIR with its manifest (default DIR.mtree, as\n"
	        "written by 'diskless build'); print one line per difference:\n"
	        "  added PATH / missing PATH / changed PATH (KEYWORDS)\n"
	        "\n"
	        "  -m, --manifest FILE  the manifest to check against\n"
	        "  -q, --quiet          print nothing, only the exit status\n"
	        "  -h, --help           show this help\n"
	        "\n"
	        "Exit status: 0 no drift, 1 drift (or cannot read DIR/FILE), 2 usage.\n");
}

struct report_ctx {
	bool quiet;
	size_t counts[3];
};

static void
report(enum manifest_diff kind, const char *path, const char *what, void *vctx)
{
	static const char *const words[] = {"added", "missing", "changed"};
	struct report_ctx *ctx = vctx;

	ctx->counts[kind]++;
	if (ctx->quiet)
		return;
	if (kind == MANIFEST_CHANGED)
		printf("changed /%s (%s)\n", path, what);
	else
		printf("%s /%s\n", words[kind], path);
}

/* The manifest of dir, written with the build's own writer to a temporary
 * file and read back, so both sides go through the same code. */
static int
tree_manifest(const char *dir, struct manifest_list *out, struct manifest_xattrs *xout)
{
	char err[512], tmpl[] = "/tmp/diskless-verify-XXXXXX";
	int rootfd, fd, r;

	rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		log_warn("verify: %s", dir);
		return -1;
	}
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0) {
		log_warn("verify: temporary file");
		close(rootfd);
		return -1;
	}
	unlink(tmpl);
	r = manifest_write_tree(rootfd, false, 0, fd, err, sizeof(err));
	close(rootfd);
	if (r == 0 && lseek(fd, 0, SEEK_SET) != 0)
		r = -errno;
	if (r == 0)
		r = manifest_read(fd, out, err, sizeof(err));
	if (r == 0 && lseek(fd, 0, SEEK_SET) == 0 &&
	        (r = manifest_xattr_read(fd, xout)) < 0) {
		snprintf(err, sizeof(err), "%s", strerror(-r));
		manifest_list_free(out);
	}
	close(fd);
	if (r < 0) {
		log_warnx("verify: %s: %s", dir, err);
		return -1;
	}
	return 0;
}

int
cmd_verify(int argc, char **argv, const struct global_opts *g)
{
	static const struct option longopts[] = {
	        {"manifest", required_argument, NULL, 'm'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct manifest_list want = {0}, have = {0};
	struct manifest_xattrs want_x = {0}, have_x = {0};
	struct report_ctx ctx = {false, {0, 0, 0}};
	char mpath[4096], err[512];
	const char *manifest = NULL, *dir;
	size_t n;
	int c, fd, r;

	(void)g;
	while ((c = getopt_long(argc, argv, "m:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			manifest = optarg;
			break;
		case 'q':
			ctx.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		log_warnx(
		        "verify: give exactly one image directory (see 'diskless verify "
		        "--help')");
		return EXIT_USAGE;
	}
	dir = argv[optind];
	if (manifest == NULL) {
		size_t l = strlen(dir);

		while (l > 1 && dir[l - 1] == '/')
			l--;
		if (image_fmt(mpath, sizeof(mpath), "%.*s.mtree", (int)l, dir) < 0) {
			log_warnx("verify: %s: name too long", dir);
			return EXIT_USAGE;
		}
		manifest = mpath;
	}
	fd = open(manifest, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_warn("verify: manifest %s (pass --manifest FILE)", manifest);
		return EXIT_RUNTIME;
	}
	r = manifest_read(fd, &want, err, sizeof(err));
	if (r == 0 && lseek(fd, 0, SEEK_SET) == 0 &&
	        (r = manifest_xattr_read(fd, &want_x)) < 0) {
		snprintf(err, sizeof(err), "%s", strerror(-r));
		manifest_list_free(&want);
	}
	close(fd);
	if (r < 0) {
		log_warnx("verify: %s: %s", manifest, err);
		return EXIT_RUNTIME;
	}
	if (tree_manifest(dir, &have, &have_x) < 0) {
		manifest_list_free(&want);
		manifest_xattrs_free(&want_x);
		return EXIT_RUNTIME;
	}
	n = manifest_compare(&want, &have, report, &ctx);
	n += manifest_xattr_compare(&want_x, &have_x, report, &ctx);
	manifest_list_free(&want);
	manifest_list_free(&have);
	manifest_xattrs_free(&want_x);
	manifest_xattrs_free(&have_x);
	if (fflush(stdout) != 0) {
		log_warn("verify: writing the report");
		return EXIT_RUNTIME;
	}
	if (n != 0) {
		log_warnx(
		        "verify: %s drifted from %s: %zu added, %zu missing, %zu changed",
		        dir, manifest, ctx.counts[MANIFEST_ADDED],
		        ctx.counts[MANIFEST_MISSING], ctx.counts[MANIFEST_CHANGED]);
		return EXIT_RUNTIME;
	}
	return 0;
}
