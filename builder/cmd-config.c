/*
 * cmd-config.c: `diskless config check [-c FILE] [--json]`: reads the site
 * config as disklessd and the other subcommands will, and prints it (with
 * defaults filled in) or every error with file:line.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "log.h"
#include "site.h"

static void
usage(FILE *out)
{
	fprintf(out, "Usage: diskless config check [-c FILE] [--json]\n"
		     "\n"
		     "Read the site config and its hosts directory; print the site as the\n"
		     "programs see it (defaults included), or every error with file:line.\n"
		     "\n"
		     "  -c, --config FILE  site config (default %s)\n"
		     "  -j, --json         print JSON instead of INI\n"
		     "  -h, --help         show this help\n"
		     "\n"
		     "Exit status: 0 valid (warnings allowed), 1 cannot read it, 2 errors in it.\n",
		SITE_DEFAULT_PATH);
}

static int
config_check(int argc, char **argv, const struct global_opts *g)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = g->config ? g->config : SITE_DEFAULT_PATH;
	struct site *site = NULL;
	int json = 0, c, r;

	while ((c = getopt_long(argc, argv, "c:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		log_warnx("config check: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	r = site_load(path, &site);
	if (r < 0 && r != -EINVAL) {
		log_errnum(r, "%s: cannot read the site config (create it from "
			      "doc/example-site/diskless.conf, or pass -c FILE)",
			path);
		return EXIT_RUNTIME;
	}
	site_print_diags(site, log_progname(), stderr);
	if (r == -EINVAL) {
		if (json)
			site_print_diags_json(site, stdout);
		log_warnx("%s: %zu error%s, %zu warning%s", path, site->n_errors,
			site->n_errors == 1 ? "" : "s", site->n_warnings,
			site->n_warnings == 1 ? "" : "s");
		site_free(site);
		return EXIT_USAGE;
	}
	r = json ? site_print_json(site, stdout) : site_print_ini(site, stdout);
	site_free(site);
	if (r < 0 || fflush(stdout) != 0) {
		log_warn("writing to standard output");
		return EXIT_RUNTIME;
	}
	return 0;
}

int
cmd_config(int argc, char **argv, const struct global_opts *g)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "check") == 0)
		return config_check(argc - 1, argv + 1, g);
	log_warnx("config: unknown action '%s' (the action is: check)", argv[1]);
	return EXIT_USAGE;
}
