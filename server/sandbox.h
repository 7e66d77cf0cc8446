/*
 * sandbox.h: what disklessd gives up after opening its sockets, in the order
 * main() calls it (OpenBSD tftpd's straight line, Linux tools):
 *
 *   sandbox_find_user()      the service user, while /etc/passwd is reachable
 *   sandbox_drop_user()      capability bounding set, groups, gid, uid
 *   sandbox_no_new_privs()   PR_SET_NO_NEW_PRIVS (needed by the next two)
 *   sandbox_landlock()       read-only access beneath a few directories,
 *                            files written only in the state directory;
 *                            best effort: older kernels just get less
 *   sandbox_seccomp()        default-deny syscall filter for the event loop
 *
 * All return 0 or -errno and never log: main() says what failed.
 */
#ifndef DISKLESS_SANDBOX_H
#define DISKLESS_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

/* Looks up name; -ENOENT when there is no such user. */
int sandbox_find_user(const char *name, uid_t *uid, gid_t *gid);
/* Needs root. Afterwards real, effective and saved ids are uid/gid, the only
 * group is gid, and no capability is left (permitted, effective, ambient or
 * in the bounding set). */
int sandbox_drop_user(uid_t uid, gid_t gid);
int sandbox_no_new_privs(void);
/* Allows reading files and directories beneath each of paths (NULL entries
 * skipped), and reading, writing, creating, renaming and removing regular
 * files beneath writable (the lease journal's folder; NULL: none), and
 * nothing else on the file system, plus no TCP bind/connect (ABI 4) and no
 * abstract sockets or signals outside (ABI 6). Returns the Landlock ABI
 * used, 0 when the kernel has no Landlock, or -errno. */
int sandbox_landlock(const char *const *paths, size_t n, const char *writable);
/* Installs the filter; anything not listed kills the process (in sanitizer
 * builds it is only logged, so that ASan/LSan can still report). */
int sandbox_seccomp(void);

#endif
