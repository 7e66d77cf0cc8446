/*
 * log.c: see log.h. Modelled on OpenBSD's log.c (dhcpleased): stderr in the
 * foreground, syslog otherwise, errno appended by the _warn variants.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char *log_prog = "diskless";
static enum log_dest log_to = LOG_DEST_STDERR;
static int log_level;

void
log_setup(const char *progname, enum log_dest dest)
{
	log_prog = progname;
	log_to = dest;
	if (dest == LOG_DEST_SYSLOG)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_verbosity(int v)
{
	log_level = v;
}

int
log_verbosity(void)
{
	return log_level;
}

const char *
log_progname(void)
{
	return log_prog;
}

void
log_vmsg(int prio, int err, const char *fmt, va_list ap)
{
	char msg[1024];
	int n;

	if (prio == LOG_DEBUG && log_level < 2)
		return;
	if (prio == LOG_INFO && log_level < 1 && log_to == LOG_DEST_STDERR)
		return;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return;
	/* A message cut by the buffer still says what failed; mark it. */
	if ((size_t)n >= sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	if (log_to == LOG_DEST_SYSLOG) {
		if (err != 0)
			syslog(prio, "%s: %s", msg, strerror(err));
		else
			syslog(prio, "%s", msg);
		return;
	}
	if (err != 0)
		fprintf(stderr, "%s: %s: %s\n", log_prog, msg, strerror(err));
	else
		fprintf(stderr, "%s: %s\n", log_prog, msg);
}

void
log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, 0, fmt, ap);
	va_end(ap);
}

void
log_errnum(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, err < 0 ? -err : err, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}
