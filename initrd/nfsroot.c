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
#include <stdlib.h>
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

/* "<why>: <what to do>" for the errors we can explain; NULL otherwise. */
static const char *
fix_for(int e, int vers)
{
	switch (e) {
	case EACCES:
	case EPERM:
		/* mountd (v2/v3) answers an unknown path with MNT3ERR_ACCES too:
		 * seen with NFS-Ganesha and the kernel's nfsd */
		return vers == 4 ? "permission denied: is the export root_squash or not exported to this client?"
				 : "permission denied: is the export root_squash or not exported to this client? (NFSv3 also says this for a path that is not exported: check the path)";
	case ENOENT:
		return "no such export path on the server (check the nfsroot= path against the server's exports)";
	case ESTALE:
		return "stale file handle: the export was replaced on the server (restart the NFS server)";
	case EPROTONOSUPPORT:
		return vers == 4 ? "NFS version not offered: the server lacks this NFSv4 minor version (try vers=3 or another 4.x)"
				 : "NFS version not offered: the server has no NFSv3 (try vers=4.2)";
	case ENODEV:
		return "no NFS client in the kernel (add the nfs modules to the initrd's modules.load)";
	case EINVAL:
		return "the kernel refused the mount options (check nfsroot= options and rootflags=)";
	case ETIMEDOUT:
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
		return NULL;
	default:
		return NULL;
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

/* The port to probe: NFSv4 needs only the NFS port; v2/v3 first ask
 * rpcbind (111) unless port= and mountport= are both given (reference §1.7:
 * "skip portmapper lookups"), then the NFS port is what matters. */
static unsigned short
probe_port(const struct cmdline_nfs *n)
{
	const char *p = strstr(n->options, ",port=");
	unsigned long port = 2049;
	char *end;

	if (p != NULL) {
		port = strtoul(p + 6, &end, 10);
		if ((*end != ',' && *end != '\0') || port == 0 || port > 65535)
			port = 2049;
	}
	if (n->vers_major < 4 && (p == NULL || strstr(n->options, ",mountport=") == NULL))
		return 111;
	return (unsigned short)port;
}

const char *
nfsroot_mount(struct boot *b, const char *target)
{
	const struct cmdline_nfs *n = &b->nfs;
	unsigned long flags = n->rw ? 0 : MS_RDONLY;
	long long start = now_ms(), backoff = 500;
	unsigned short port = probe_port(n);
	char srv[INET_ADDRSTRLEN];
	const char *fix;
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
	fix = fix_for(e, n->vers_major);
	if (fix != NULL)
		snprintf(reason, sizeof(reason), "unable to mount %.200s (%s vers=%s): %s",
			n->source, n->fstype, n->vers, fix);
	else if (retryable(e))
		snprintf(reason, sizeof(reason),
			"unable to mount %.200s (%s vers=%s): %.60s after %lld s "
			"(is the NFS server running and reachable from this client?)",
			n->source, n->fstype, n->vers, strerror(e), (now_ms() - start) / 1000);
	else
		snprintf(reason, sizeof(reason), "unable to mount %.200s (%s vers=%s): %.60s",
			n->source, n->fstype, n->vers, strerror(e));
	return reason;
}
