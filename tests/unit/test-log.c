/*
 * test-log.c: the one-line message shapes: "prog: what: why".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"

/* Runs fn with stderr sent to a file; returns what it wrote. */
static char *
capture(void (*fn)(void))
{
	static char buf[4096];
	char path[4096];
	FILE *f;
	int saved, fd;
	size_t n;

	snprintf(path, sizeof(path), "%s/stderr", tap_tmpdir());
	fflush(stderr);
	saved = dup(2);
	fd = fileno(fopen(path, "w"));
	dup2(fd, 2);
	close(fd);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(path, "r");
	n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
	return buf;
}

static void
warnx_case(void)
{
	log_warnx("%s: no such image (add [image %s])", "lab", "lab");
}

static void
warn_case(void)
{
	errno = ENOENT;
	log_warn("open %s", "/srv/x");
}

static void
errnum_case(void)
{
	log_errnum(-EACCES, "bind port %d", 69);
}

static void
quiet_case(void)
{
	log_info("not shown at verbosity 0");
	log_debug("not shown either");
}

static void
info_case(void)
{
	log_set_verbosity(1);
	log_info("shown at 1");
	log_debug("debug hidden at 1");
	log_set_verbosity(2);
	log_debug("debug at 2");
	log_set_verbosity(0);
}

static void
long_case(void)
{
	char big[3000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_warnx("%s", big);
}

int
main(void)
{
	const char *out;

	log_setup("tester", LOG_DEST_STDERR);
	tap_is_str(capture(warnx_case), "tester: lab: no such image (add [image lab])\n",
		"log_warnx: program name, message");
	tap_is_str(capture(warn_case), "tester: open /srv/x: No such file or directory\n",
		"log_warn appends strerror(errno)");
	tap_is_str(capture(errnum_case), "tester: bind port 69: Permission denied\n",
		"log_errnum takes -errno");
	tap_is_str(capture(quiet_case), "", "info and debug hidden by default");
	tap_is_str(capture(info_case), "tester: shown at 1\ntester: debug at 2\n",
		"verbosity 1 shows info, 2 debug");
	out = capture(long_case);
	tap_ok(strlen(out) < 1100 && strstr(out, "...\n") != NULL,
		"an over-long message is cut and marked");
	tap_is_str(log_progname(), "tester", "log_progname");
	return tap_done();
}
