/*
 * test-sd-notify.c: $NOTIFY_SOCKET values a service manager (or a hostile
 * environment) may hand the daemon, and real datagrams to a path socket and
 * to an abstract one, with the sender's credentials the manager relies on.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sd-notify.h"
#include "tap.h"

#define SUN_LEN_MAX (sizeof(((struct sockaddr_un *)0)->sun_path))

static const struct {
	const char *what, *value;
	int want;
} bad[] = {
	{ "unset", NULL, -ENOENT },
	{ "empty", "", -ENOENT },
	{ "relative path", "run/notify", -EINVAL },
	{ "dot path", "./notify", -EINVAL },
	{ "'@' alone", "@", -EINVAL },
	{ "'/' alone", "/", -EINVAL },
	{ "a vsock address", "vsock:2:1234", -EINVAL },
};

/* A string of n bytes: first, then 'x's. */
static const char *
long_name(char *buf, size_t n, char first)
{
	memset(buf, 'x', n);
	buf[0] = first;
	buf[n] = '\0';
	return buf;
}

static void
test_addresses(void)
{
	struct sockaddr_un sa;
	socklen_t len;
	char buf[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tap_is_int(sd_notify_addr(bad[i].value, &sa, &len), bad[i].want,
			"refused: %s", bad[i].what);
		tap_is_int(sd_notify_open(bad[i].value), bad[i].want,
			"open refuses it too: %s", bad[i].what);
	}
	/* a path keeps its NUL inside sun_path */
	tap_is_int(sd_notify_addr(long_name(buf, SUN_LEN_MAX - 1, '/'), &sa, &len), 0,
		"a path of %zu bytes fits", SUN_LEN_MAX - 1);
	tap_is_int(len, (long long)sizeof(sa), "its length counts the NUL");
	tap_is_int(sd_notify_addr(long_name(buf, SUN_LEN_MAX, '/'), &sa, &len),
		-ENAMETOOLONG, "a path of %zu bytes does not", SUN_LEN_MAX);
	/* an abstract name has no NUL: it may fill the array */
	tap_is_int(sd_notify_addr(long_name(buf, SUN_LEN_MAX, '@'), &sa, &len), 0,
		"an abstract name of %zu bytes fits", SUN_LEN_MAX);
	tap_ok(sa.sun_path[0] == '\0' && sa.sun_path[1] == 'x',
		"'@' becomes the leading NUL");
	tap_is_int(sd_notify_addr(long_name(buf, SUN_LEN_MAX + 1, '@'), &sa, &len),
		-ENAMETOOLONG, "one byte more does not");
	tap_is_int(sd_notify_addr(long_name(buf, sizeof(buf) - 1, '/'), &sa, &len),
		-ENAMETOOLONG, "a %zu-byte path is refused", sizeof(buf) - 1);
	tap_is_int(sd_notify_open("/nonexistent/notify"), -ENOENT,
		"a path with no socket: -ENOENT from connect");
	tap_is_int(sd_notify_send(-1, "READY=1"), 0, "no manager: sending is a no-op");
}

/* A listening datagram socket bound to s (same syntax); -1 on failure. */
static int
listener(const char *s)
{
	struct sockaddr_un sa;
	socklen_t len;
	int fd, one = 1;

	if (sd_notify_addr(s, &sa, &len) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
		bind(fd, (const struct sockaddr *)&sa, len) < 0) {
		tap_diag("bind %s: %s", s, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Receives one datagram into buf; *pid gets the sender's pid from the
 * kernel's SCM_CREDENTIALS. Returns its length or -1. */
static ssize_t
receive(int fd, char *buf, size_t size, pid_t *pid)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(struct ucred))];
	} ctl;
	struct iovec iov = { buf, size - 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *c;
	ssize_t n;

	*pid = 0;
	n = recvmsg(fd, &m, MSG_DONTWAIT);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred u;

			memcpy(&u, CMSG_DATA(c), sizeof(u));
			*pid = u.pid;
		}
	return n;
}

static void
test_roundtrip(const char *what, const char *addr, int unlink_it)
{
	char buf[64];
	pid_t pid;
	int lfd, fd;

	lfd = listener(addr);
	if (!tap_ok(lfd >= 0, "%s: a listener", what)) {
		tap_skip(6, "no listener");
		return;
	}
	fd = sd_notify_open(addr);
	tap_ok(fd >= 0, "%s: connected (%d)", what, fd);
	tap_is_int(sd_notify_send(fd, "READY=1"), 0, "%s: READY=1 sent", what);
	tap_is_int(receive(lfd, buf, sizeof(buf), &pid), 7, "%s: one datagram", what);
	tap_is_str(buf, "READY=1", "%s: as sent", what);
	tap_is_int(pid, getpid(), "%s: the kernel names the sender's pid", what);
	/* the manager gone: an error to log, not a signal or a hang */
	close(lfd);
	if (unlink_it)
		unlink(addr);
	if (fd >= 0) {
		tap_is_int(sd_notify_send(fd, "STOPPING=1"), -ECONNREFUSED,
			"%s: manager gone: -ECONNREFUSED", what);
		close(fd);
	} else {
		tap_skip(1, "not connected");
	}
}

int
main(void)
{
	char path[256], abstract[64];

	test_addresses();
	snprintf(path, sizeof(path), "%s/notify", tap_tmpdir());
	test_roundtrip("path", path, 1);
	snprintf(abstract, sizeof(abstract), "@diskless-test-notify-%ld", (long)getpid());
	test_roundtrip("abstract", abstract, 0);
	return tap_done();
}
