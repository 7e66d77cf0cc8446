/*
 * site-load.c: how every subcommand but `config check` reads the site:
 * all diagnostics printed (warnings too), one summary line on errors, and
 * exit code 2 when the site cannot be used.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "commands.h"
#include "log.h"
#include "site.h"

int
load_site_or_report(const char *path, struct site **out)
{
	struct site *site = NULL;
	int r;

	*out = NULL;
	if (path == NULL)
		path = SITE_DEFAULT_PATH;
	r = site_load(path, &site);
	if (r < 0 && r != -EINVAL) {
		log_errnum(r, "%s: cannot read the site config (create it, or give one "
			      "with -c FILE)",
			path);
		return EXIT_USAGE;
	}
	site_print_diags(site, log_progname(), stderr);
	if (r == -EINVAL) {
		log_warnx("%s: %zu error%s (see diskless config check)", path,
			site->n_errors, site->n_errors == 1 ? "" : "s");
		site_free(site);
		return EXIT_USAGE;
	}
	*out = site;
	return 0;
}
