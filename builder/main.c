/*
 * main.c: the `diskless` command: global options, then one subcommand.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "log.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv, const struct global_opts *g);
	const char *summary;
};

static const struct command commands[] = {
	/* In the order a site is set up. */
	{ "config", cmd_config, "config check: read the site config, print it or every error" },
	{ "build", cmd_build, "build a golden image from an archive, directory or OCI image" },
	{ "initrd", cmd_initrd, "pack the initramfs: diskless-init, NFS stack, NIC drivers" },
	{ "pxe", cmd_pxe, "write the TFTP root: boot loaders, per-host configs, kernels" },
	{ "export", cmd_export, "print exports/ganesha/dnsmasq/kea config for the site" },
	{ "check", cmd_check, "check exports (as an NFS client) and the TFTP tree" },
	{ "verify", cmd_verify, "compare a deployed image with its manifest" },
	{ "status", cmd_status, "what disklessd last saw of each client, live" },
};

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: diskless [-c FILE] COMMAND [ARGS...]\n"
		     "\n"
		     "Build and serve network-bootable golden images for diskless machines.\n"
		     "\n"
		     "Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n"
		     "Options:\n"
		     "  -c, --config FILE  site config (default %s)\n"
		     "  -v, --verbose      say more (twice: debug)\n"
		     "  -h, --help         show this help\n"
		     "  -V, --version      show the version\n"
		     "\n"
		     "Run 'diskless COMMAND --help' for a command's options.\n"
		     "Exit status: 0 success, 1 runtime failure, 2 usage or config error.\n",
		SYSCONFDIR "/diskless/diskless.conf");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct global_opts g = { NULL };
	int verbose = 0;
	size_t i;
	int c;

	log_setup("diskless", LOG_DEST_STDERR);
	/* '+': stop at the subcommand, whose options are its own. */
	while ((c = getopt_long(argc, argv, "+c:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			g.config = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("diskless %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	log_set_verbosity(verbose);
	if (optind >= argc) {
		log_warnx("no command given (run 'diskless --help' for the list)");
		return EXIT_USAGE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			argc -= optind;
			argv += optind;
			optind = 0; /* a fresh getopt scan for the subcommand */
			return commands[i].run(argc, argv, &g);
		}
	}
	log_warnx("unknown command '%s' (run 'diskless --help' for the list)", argv[optind]);
	return EXIT_USAGE;
}
