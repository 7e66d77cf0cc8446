/*
 * tap.h: a small Test Anything Protocol writer for the unit tests, read by
 * automake's tap-driver.sh. A test that cannot run calls tap_skip_all(),
 * which prints "1..0 # SKIP reason": exit 77 counts as an ERROR under the
 * TAP driver, so it is never used.
 */
#ifndef DISKLESS_TAP_H
#define DISKLESS_TAP_H

#include <stddef.h>

void tap_plan(int n);
void tap_skip_all(const char *reason) __attribute__((noreturn));
/* Returns cond, so a test can add context with tap_diag() on failure. */
int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tap_is_int(long long got, long long want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int tap_is_str(const char *got, const char *want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int tap_is_mem(const void *got, size_t got_len, const void *want, size_t want_len,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void tap_skip(int n, const char *reason);
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the plan when none was given; returns the exit status. */
int tap_done(void);

/* A fresh temporary directory per test program, removed by tap_done(). */
const char *tap_tmpdir(void);
/* Writes len bytes to a new file under tap_tmpdir(); returns its path
 * (static storage, overwritten by the next call) or NULL. */
const char *tap_write_file(const char *name, const void *data, size_t len);

#endif
