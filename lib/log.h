/*
 * log.h: one-line diagnostics for the three programs.
 *
 * main() picks where they go (log_setup): stderr with the program name in
 * front, or syslog for the daemon. Library code under lib/ does not log on
 * its own behalf: it returns -errno and lets its caller say what failed.
 */
#ifndef DISKLESS_LOG_H
#define DISKLESS_LOG_H

#include <stdarg.h>
#include <syslog.h>

enum log_dest {
	LOG_DEST_STDERR,
	LOG_DEST_SYSLOG,
};

void log_setup(const char *progname, enum log_dest dest);
/* 0: warnings and errors only (and info for the daemon), 1: info, 2: debug. */
void log_set_verbosity(int v);
int log_verbosity(void);
const char *log_progname(void);

/* log_warn appends ": strerror(errno)"; log_errnum the same for an error
 * number (positive or negative, as lib/ returns it). */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_errnum(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vmsg(int prio, int err, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
