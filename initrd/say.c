/*
 * say.c: console messages. One shape everywhere (skarnet style):
 * "diskless-init: <what>" and "diskless-init: warning: <what>".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "init.h"

static bool say_quiet;
static bool say_dbg;

void
say_setup(bool quiet, bool debug)
{
	say_quiet = quiet && !debug;
	say_dbg = debug;
}

static void __attribute__((format(printf, 2, 0)))
vsay(const char *prefix, const char *fmt, va_list ap)
{
	char line[1024];
	int n, m;

	n = snprintf(line, sizeof(line), INIT_NAME ": %s", prefix);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;	/* truncated: keep the newline */
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

void
say(const char *fmt, ...)
{
	va_list ap;

	if (say_quiet)
		return;
	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

/* Warnings are shown even with quiet: they explain a slow or odd boot. */
void
say_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("warning: ", fmt, ap);
	va_end(ap);
}

void
say_debug(const char *fmt, ...)
{
	va_list ap;

	if (!say_dbg)
		return;
	va_start(ap, fmt);
	vsay("debug: ", fmt, ap);
	va_end(ap);
}

long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
say_timing(const char *phase, long long start_ms)
{
	long long d = now_ms() - start_ms;

	say_debug("timing: %s %lld.%03lld s", phase, d / 1000, d % 1000);
}

/* kinit: let the console show why before the machine goes away. */
void
say_drain(void)
{
	tcdrain(STDERR_FILENO);
}
