/*
 * cmd-check.c: `diskless check`: the site's exports and TFTP tree seen the
 * way a diskless client sees them. Exit 0 when nothing is an error, 1 when
 * something is, 2 for a usage or site config error.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "log.h"
#include "nfscheck.h"

#define CHECK_TIMEOUT_MS 5000

static void
check_usage(FILE *out)
{
	fprintf(out, "Usage: diskless check [-c FILE] [--image NAME] [--json]\n"
		     "\n"
		     "Check each image's NFS export as a client (libnfs: export list, NFSv3 and\n"
		     "NFSv4 mounts, root squash, /sbin/init, fstab, kernel modules) and the\n"
		     "TFTP tree (boot loaders, per-host configs, the files they name).\n"
		     "\n"
		     "  -c, --config FILE  site config\n"
		     "  -i, --image NAME   only this image (and its hosts)\n"
		     "  -j, --json         findings as JSON\n"
		     "  -h, --help         show this help\n"
		     "\n"
		     "Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage.\n");
}

int
cmd_check(int argc, char **argv, const struct global_opts *g)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "image", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = g->config, *only = NULL;
	struct check_report *rep = NULL;
	char (*kver)[64] = NULL;
	struct site *site = NULL;
	bool json = false;
	size_t i;
	int c, r;

	while ((c = getopt_long(argc, argv, "c:i:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'i':
			only = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			check_usage(stdout);
			return 0;
		default:
			check_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		log_warnx("check: unexpected argument '%s' (see diskless check --help)",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (!config)
		config = SITE_DEFAULT_PATH;
	if (load_site_or_report(config, &site) != 0)
		return EXIT_USAGE;
	if (only && !site_image_find(site, only)) {
		log_warnx("check: no image '%s' in %s (see diskless config check)", only, config);
		r = EXIT_USAGE;
		goto out;
	}
	rep = check_report_new();
	kver = calloc(site->n_images ? site->n_images : 1, sizeof(*kver));
	if (!rep || !kver) {
		log_warnx("check: out of memory");
		r = EXIT_RUNTIME;
		goto out;
	}
	tftpcheck_site(rep, site, only, kver);
	for (i = 0; i < site->n_images; i++)
		if (!only || strcmp(only, site->images[i].name) == 0)
			nfscheck_image(rep, site, &site->images[i], kver[i], CHECK_TIMEOUT_MS);
	if (json)
		check_report_json(rep, stdout);
	else
		check_report_print(rep, stdout);
	r = rep->n_errors || rep->oom ? EXIT_RUNTIME : 0;
	if (fflush(stdout) != 0)
		r = EXIT_RUNTIME;
out:
	free(kver);
	check_report_free(rep);
	site_free(site);
	return r;
}
