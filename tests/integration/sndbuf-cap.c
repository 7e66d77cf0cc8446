/*
 * sndbuf-cap.c: test-only preload for t-tftp-window.sh. Caps every
 * SO_SNDBUF or SO_SNDBUFFORCE request to $SNDBUF_CAP bytes, as a small
 * net.core.wmem_max would: the test cannot lower that sysctl without
 * changing the host's (kernels before 6.x do not namespace it, and later
 * ones make it read-only outside the first namespace). The kernel still
 * grants and reports the size, so the daemon reads back a real, small
 * buffer.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int
setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	const char *env = getenv("SNDBUF_CAP");
	int v, cap;

	if (env != NULL && level == SOL_SOCKET &&
		(name == SO_SNDBUF || name == SO_SNDBUFFORCE) && len == sizeof(int)) {
		cap = atoi(env);
		memcpy(&v, val, sizeof(v));
		if (v > cap)
			v = cap;
		return (int)syscall(SYS_setsockopt, fd, level, SO_SNDBUF, &v, sizeof(v));
	}
	return (int)syscall(SYS_setsockopt, fd, level, name, val, len);
}
