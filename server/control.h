/*
 * control.h: disklessd's control socket, where `diskless status` reads the
 * status table (status.h).
 *
 * A local AF_UNIX stream socket. The protocol is one-way: a client
 * connects, the server writes the snapshot (one JSON document) and closes;
 * nothing is read from the client, so there is no request to parse. Access
 * is the file's: mode 0660, owned by root and the service user's group, in
 * a folder of mode 0750 when the server creates it; the kernel refuses
 * everyone else at connect(), before the server sees anything.
 *
 * Order in main(): control_listen() as root before the privilege drop (it
 * creates and chowns the file); control_new() once the loop exists; the
 * sandbox needs accept4 only.
 */
#ifndef DISKLESS_CONTROL_H
#define DISKLESS_CONTROL_H

#include <sys/types.h>

#include "loop.h"
#include "status.h"

/* Clients served at once; more are accepted and closed at once. */
#define CONTROL_CONNS_MAX 16
/* A client that does not read its snapshot within this is dropped. */
#define CONTROL_TIMEOUT_US 5000000u

struct control;

/*
 * Creates the socket at path: its folder when missing (0750, group gid),
 * then the socket itself (0660, group gid), replacing a stale socket.
 * Returns the listening descriptor, or -errno: -EADDRINUSE when another
 * server answers there, -EEXIST when path is not a socket (never removed),
 * -ENAMETOOLONG.
 */
int control_listen(const char *path, gid_t gid);

/* Serves st on fd (which the server then owns and closes). NULL with
 * errno set; fd is closed then too. */
struct control *control_new(struct loop *loop, int fd, const struct status *st);
/* Closes every connection and the socket. NULL is a no-op. */
void control_free(struct control *c);

#endif
