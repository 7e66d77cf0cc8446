/*
 * tap.c: see tap.h.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

static int tap_count;
static int tap_failed;
static int tap_planned = -1;
static char tap_dir[64];

void
tap_plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

void
tap_skip_all(const char *reason)
{
	printf("1..0 # SKIP %s\n", reason);
	fflush(stdout);
	exit(0);
}

static int tap_vresult(int cond, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static int
tap_vresult(int cond, const char *fmt, va_list ap)
{
	tap_count++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	if (!cond)
		tap_failed++;
	return cond;
}

int
tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(cond, fmt, ap);
	va_end(ap);
	return cond;
}

int
tap_is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;
	int cond = got == want;

	va_start(ap, fmt);
	tap_vresult(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("got %lld, want %lld", got, want);
	return cond;
}

int
tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	int cond;

	if (got == NULL || want == NULL)
		cond = got == want;
	else
		cond = strcmp(got, want) == 0;
	va_start(ap, fmt);
	tap_vresult(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("got \"%s\", want \"%s\"", got ? got : "(null)",
			want ? want : "(null)");
	return cond;
}

int
tap_is_mem(const void *got, size_t got_len, const void *want, size_t want_len,
	const char *fmt, ...)
{
	va_list ap;
	int cond = got_len == want_len && memcmp(got, want, got_len) == 0;

	va_start(ap, fmt);
	tap_vresult(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("got %zu bytes, want %zu bytes (or contents differ)", got_len,
			want_len);
	return cond;
}

void
tap_skip(int n, const char *reason)
{
	while (n-- > 0) {
		tap_count++;
		printf("ok %d # SKIP %s\n", tap_count, reason);
	}
	fflush(stdout);
}

void
tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int
tap_rm(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

int
tap_done(void)
{
	if (tap_dir[0] != '\0')
		nftw(tap_dir, tap_rm, 16, FTW_DEPTH | FTW_PHYS);
	if (tap_planned < 0)
		printf("1..%d\n", tap_count);
	else if (tap_planned != tap_count)
		tap_diag("planned %d tests, ran %d", tap_planned, tap_count);
	fflush(stdout);
	return tap_failed || (tap_planned >= 0 && tap_planned != tap_count);
}

const char *
tap_tmpdir(void)
{
	const char *base;

	if (tap_dir[0] != '\0')
		return tap_dir;
	base = getenv("TMPDIR");
	if (base == NULL || strlen(base) > 32)
		base = "/tmp";
	snprintf(tap_dir, sizeof(tap_dir), "%s/tap.XXXXXX", base);
	if (mkdtemp(tap_dir) == NULL) {
		printf("Bail out! mkdtemp %s: %s\n", tap_dir, strerror(errno));
		exit(1);
	}
	return tap_dir;
}

const char *
tap_write_file(const char *name, const void *data, size_t len)
{
	static char path[4096];
	FILE *f;
	int n;

	n = snprintf(path, sizeof(path), "%s/%s", tap_tmpdir(), name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return NULL;
	f = fopen(path, "wb");
	if (f == NULL)
		return NULL;
	if (len > 0 && fwrite(data, 1, len, f) != len) {
		fclose(f);
		return NULL;
	}
	if (fclose(f) != 0)
		return NULL;
	return path;
}
