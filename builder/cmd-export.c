/*
 * cmd-export.c: `diskless export --format F`: print the config of an engine
 * that serves the site instead of (or next to) disklessd.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "bootcfg.h"
#include "commands.h"
#include "log.h"

static const struct {
	const char *name;
	int (*write)(const struct site *, FILE *, const char **);
	const char *what;
} formats[] = {
	{ "exports", export_exports, "/etc/exports lines for the kernel NFS server" },
	{ "ganesha", export_ganesha, "NFS-Ganesha config (NFSv3 and NFSv4)" },
	{ "dnsmasq", export_dnsmasq, "dnsmasq DHCP (full or proxy) + TFTP config" },
	{ "kea", export_kea, "Kea DHCPv4 JSON config" },
};

static void
export_usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: diskless export [-c FILE] --format FORMAT\n"
		     "\n"
		     "Print the config of an NFS or DHCP engine for the site.\n"
		     "\n"
		     "  -c, --config FILE    site config\n"
		     "  -f, --format FORMAT  one of:\n");
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		fprintf(out, "      %-8s %s\n", formats[i].name, formats[i].what);
	fprintf(out, "  -h, --help           show this help\n");
}

int
cmd_export(int argc, char **argv, const struct global_opts *g)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = g->config, *format = NULL, *why = "";
	struct site *site = NULL;
	size_t i;
	int c, r;

	while ((c = getopt_long(argc, argv, "c:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'h':
			export_usage(stdout);
			return 0;
		default:
			export_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!format || optind != argc) {
		log_warnx("export: %s (e.g. diskless export --format ganesha)",
			format ? "unexpected argument" : "no --format given");
		return EXIT_USAGE;
	}
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, format) == 0)
			break;
	if (i == sizeof(formats) / sizeof(formats[0])) {
		log_warnx("export: unknown format '%s' (exports, ganesha, dnsmasq or kea)",
			format);
		return EXIT_USAGE;
	}
	if (!config)
		config = SITE_DEFAULT_PATH;
	if (load_site_or_report(config, &site) != 0)
		return EXIT_USAGE;
	r = formats[i].write(site, stdout, &why);
	if (r == 0 && fflush(stdout) != 0)
		r = -EIO;
	if (r < 0)
		log_warnx("export --format %s: %s (fix the site config %s)", format, why, config);
	site_free(site);
	if (r == -EIO)
		return EXIT_RUNTIME;
	return r < 0 ? EXIT_USAGE : 0;
}
