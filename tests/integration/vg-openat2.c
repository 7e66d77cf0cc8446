/*
 * vg-openat2.c: an LD_PRELOAD object for t-valgrind.sh only, never linked
 * into disklessd. Valgrind 3.19 (Debian 12) has no wrapper for openat2(2)
 * and fails it with ENOSYS, and disklessd opens every TFTP file with it.
 * This turns syscall(SYS_openat2, ...) into openat(2) with the same flags
 * plus O_NOFOLLOW, after refusing names with "..": enough for transfers of
 * plain files under valgrind, and nothing like RESOLVE_BENEATH.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <string.h>
#include <sys/syscall.h>

long syscall(long nr, ...);

long
syscall(long nr, ...)
{
	static long (*next)(long, ...);
	const struct open_how *how;
	long a[6];
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_openat2) {
		how = (const struct open_how *)a[2];
		if (strstr((const char *)a[1], "..") != NULL) {
			errno = EXDEV;
			return -1;
		}
		return openat((int)a[0], (const char *)a[1],
			(int)how->flags | O_NOFOLLOW, (mode_t)how->mode);
	}
	if (next == NULL)
		*(void **)&next = dlsym(RTLD_NEXT, "syscall");
	return next(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
