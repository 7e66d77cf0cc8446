/*
 * sd-notify.h: the service manager's readiness protocol (sd_notify(3))
 * without libsystemd: "READY=1", "RELOADING=1", "STOPPING=1" datagrams to
 * the AF_UNIX socket named by $NOTIFY_SOCKET.
 *
 * The socket is opened and connected once, before the daemon confines
 * itself, so that sending later needs no socket() and no path lookup: only
 * send(), which the seccomp filter already allows.
 */
#ifndef DISKLESS_SD_NOTIFY_H
#define DISKLESS_SD_NOTIFY_H

#include <sys/socket.h>
#include <sys/un.h>

/* Reads an address as $NOTIFY_SOCKET holds it: an absolute path, or "@name"
 * for an abstract socket. Fills *sa and *len. Returns 0, -ENOENT when s is
 * NULL or empty (not started by a service manager), -EINVAL when s is
 * neither form (relative path, "@" alone), -ENAMETOOLONG when it does not
 * fit sun_path. */
int sd_notify_addr(const char *s, struct sockaddr_un *sa, socklen_t *len);

/* A datagram socket connected to the address s (normally
 * getenv("NOTIFY_SOCKET")). Returns the descriptor (close-on-exec), or
 * -errno: -ENOENT means there is no service manager to tell. */
int sd_notify_open(const char *s);

/* Sends one notification, such as "READY=1". fd < 0 (no service manager)
 * is a no-op returning 0; otherwise 0 or -errno. */
int sd_notify_send(int fd, const char *msg);

#endif
