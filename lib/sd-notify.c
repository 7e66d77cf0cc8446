/*
 * sd-notify.c: see sd-notify.h. The address rules are those of libsystemd's
 * sd_pid_notify_with_fds(): '/' starts a path, '@' an abstract name (the
 * '@' becomes the leading NUL byte); anything else is refused.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "sd-notify.h"

int
sd_notify_addr(const char *s, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n;

	if (s == NULL || s[0] == '\0')
		return -ENOENT;
	if ((s[0] != '/' && s[0] != '@') || s[1] == '\0')
		return -EINVAL;
	n = strlen(s);
	/* A path needs its NUL inside sun_path; an abstract name does not
	 * (its length is passed instead), so it may fill the array. */
	if (n > sizeof(sa->sun_path) || (s[0] == '/' && n == sizeof(sa->sun_path)))
		return -ENAMETOOLONG;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, s, n);
	if (s[0] == '@')
		sa->sun_path[0] = '\0';
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
		(s[0] == '/'));
	return 0;
}

int
sd_notify_open(const char *s)
{
	struct sockaddr_un sa;
	socklen_t len;
	int fd, r;

	r = sd_notify_addr(s, &sa, &len);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&sa, len) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int
sd_notify_send(int fd, const char *msg)
{
	size_t n = strlen(msg);
	ssize_t w;

	if (fd < 0)
		return 0;
	/* Never block the event loop on a manager that does not read:
	 * a notification it has no room for is dropped (-EAGAIN). */
	w = send(fd, msg, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w < 0)
		return -errno;
	return (size_t)w == n ? 0 : -EMSGSIZE;
}
