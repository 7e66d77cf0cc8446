/*
 * main.c: disklessd. A straight line, as OpenBSD's tftpd: options, config,
 * then (once serving exists) sockets, privilege drop, sandbox, event loop.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "site.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

static void
usage(FILE *out)
{
	fprintf(out, "Usage: disklessd [-nv] [-c FILE]\n"
		     "\n"
		     "DHCP, proxyDHCP and TFTP for diskless machines.\n"
		     "\n"
		     "Options:\n"
		     "  -c, --config FILE  site config (default %s)\n"
		     "  -n, --check        read and check the config, print it, exit\n"
		     "  -v, --verbose      log more (twice: debug)\n"
		     "  -h, --help         show this help\n"
		     "  -V, --version      show the version\n"
		     "\n"
		     "Exit status: 0 success, 1 runtime failure, 2 usage or config error.\n",
		SITE_DEFAULT_PATH);
}

/* Loads the site, printing every diagnostic; returns NULL on failure. */
static struct site *
load_site(const char *path)
{
	struct site *site = NULL;
	int r;

	r = site_load(path, &site);
	if (site != NULL)
		site_print_diags(site, log_progname(), stderr);
	if (r == -EINVAL) {
		log_warnx("%s: %zu error%s (fix them and run disklessd -n)", path,
			site->n_errors, site->n_errors == 1 ? "" : "s");
		site_free(site);
		return NULL;
	}
	if (r < 0) {
		log_errnum(r, "%s: cannot read the site config (create it, or pass -c FILE)",
			path);
		return NULL;
	}
	return site;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = SITE_DEFAULT_PATH;
	struct site *site;
	int check = 0, verbose = 0;
	int c;

	log_setup("disklessd", LOG_DEST_STDERR);
	while ((c = getopt_long(argc, argv, "c:nvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("disklessd %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		log_warnx("unexpected argument '%s' (disklessd takes options only)",
			argv[optind]);
		return EXIT_USAGE;
	}
	log_set_verbosity(verbose);
	site = load_site(path);
	if (site == NULL)
		return EXIT_USAGE;
	if (!check) {
		/* DHCP and TFTP land with their issues; until then only -n. */
		log_warnx("serving is not built yet: run disklessd -n to check the config");
		site_free(site);
		return EXIT_USAGE;
	}
	site_print_ini(site, stdout);
	site_free(site);
	return 0;
}
