/*
 * nfsroot.c: mount the NFS root with mount(2) and kernel text options
 * (reference §1.7): always addr=<server>, proto=tcp, nolock for v3 (built by
 * cmdline_nfs_resolve()). While the server does not answer, retry with
 * backoff and say what we wait for; errors that waiting cannot fix stop at
 * once with one line naming the likely fix.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "init.h"

/* initramfs-tools waits ROOTDELAY=180 s for its root; so do we. */
#define MOUNT_GIVEUP_MS 180000
#define BACKOFF_MAX_MS 8000

static char reason[512];

static bool
retryable(int e)
{
	switch (e) {
	case ETIMEDOUT:
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ECONNRESET:
	case EIO:
	case EAGAIN:
		return true;
	default:
		return false;
	}
}

static const char *
fix_for(int e, int vers)
{
	switch (e) {
	case EACCES:
	case EPERM:
		return "permission denied: is the export root_squash or not exported to this client?";
	case ENOENT:
		return "no such export path on the server (check the nfsroot= path against the server's exports)";
	case ESTALE:
		return "stale file handle: the export was replaced on the server; restart the NFS server";
	case EPROTONOSUPPORT:
		return vers == 4 ? "the server does not offer this NFSv4 minor version (try vers=3 or another 4.x)"
				 : "the server does not offer NFSv3 (try vers=4.2)";
	case ENODEV:
		return "the kernel has no NFS client: add the nfs modules to the initrd (modules.load)";
	case EINVAL:
		return "the kernel refused the mount options (see the options above)";
	case ETIMEDOUT:
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
		return "the server did not answer: is the NFS server running and reachable?";
	default:
		return "see the error above";
	}
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Before each mount attempt: a TCP connect to the server's NFS port (2049,
 * or rpcbind 111 for v3), bounded by 2 s. The kernel's own RPC timeouts for
 * an absent server are minutes long; this keeps the wait loop responsive
 * and lets us say exactly what we wait for.
 */
static int
probe(struct in_addr server, unsigned short port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct pollfd pfd;
	socklen_t el = sizeof(int);
	int fd, e = 0;

	sa.sin_addr = server;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EINPROGRESS) {
			e = errno;
			goto out;
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, 2000) <= 0) {
			e = ETIMEDOUT;
			goto out;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
			e = errno;
	}
out:
	close(fd);
	return -e;
}

const char *
nfsroot_mount(struct boot *b, const char *target)
{
	const struct cmdline_nfs *n = &b->nfs;
	unsigned long flags = n->rw ? 0 : MS_RDONLY;
	long long start = now_ms(), backoff = 500;
	unsigned short port = n->vers_major == 4 ? 2049 : 111;
	char srv[INET_ADDRSTRLEN];
	int attempt = 0, e = 0;

	inet_ntop(AF_INET, &n->server, srv, sizeof(srv));
	if (mkdir_p(target, 0755) < 0)
		return "unable to create the NFS mount point";
	say("mounting %s (%s, %s) options %s", n->source, n->fstype, n->rw ? "rw" : "ro",
		n->options);
	for (;;) {
		int p = probe(n->server, port);

		attempt++;
		if (p == 0 && mount(n->source, target, n->fstype, flags, n->options) == 0) {
			if (attempt > 1)
				say("NFS server %s answered after %lld s", srv,
					(now_ms() - start) / 1000);
			return NULL;
		}
		e = p < 0 ? -p : errno;
		if (!retryable(e))
			break;
		if (now_ms() - start + backoff > MOUNT_GIVEUP_MS)
			break;
		say("waiting for NFS server %s (%s port %u: %s), retry in %lld ms", srv,
			p < 0 ? "connect to" : "mount via", port, strerror(e), backoff);
		sleep_ms(backoff);
		if (backoff < BACKOFF_MAX_MS)
			backoff *= 2;
	}
	/* the source is cut at 200 bytes so the fix always fits the line */
	snprintf(reason, sizeof(reason), "unable to mount %.200s (%s vers=%d): %.60s: %s",
		n->source, n->fstype, n->vers_major, strerror(e), fix_for(e, n->vers_major));
	return reason;
}
