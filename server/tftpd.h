/*
 * tftpd.h: disklessd's read-only TFTP server (RFC 1350, 2347, 2348, 2349,
 * 7440), many transfers in one process on the shared event loop.
 *
 * Each transfer gets its own connected UDP socket (its TID, RFC 1350 §4) so
 * the kernel filters strangers and routes replies; retransmission is driven
 * by a per-transfer timer only, never by duplicate ACKs (no Sorcerer's
 * Apprentice). Blocks are counted in 64 bits and go out as their low 16
 * bits, so the block number wraps 65535 -> 0 and files of any size work.
 */
#ifndef DISKLESS_TFTPD_H
#define DISKLESS_TFTPD_H

#include <netinet/in.h>
#include <stdint.h>

#include "loop.h"
#include "site.h"
#include "status.h"

struct tftpd;

/* Counters since start, for the exit log and tests. */
struct tftpd_stats {
	unsigned long done, failed, refused, dropped;
	unsigned long long bytes, retransmits;
};

/*
 * listen_fd: a bound UDP socket with IP_PKTINFO enabled (ownership passes
 * to the server on success). dirfd: O_PATH descriptor of the folder holding the TFTP
 * root (not owned: see tftp_files_new). root: the root's path as
 * configured, for stripping from full-path requests; its last component
 * names the root in dirfd.
 * Returns NULL with errno set.
 */
struct tftpd *tftpd_new(struct loop *loop, int listen_fd, int dirfd, const char *root,
	const struct site_tftp *limits);
/* Serves requests arriving on fd too (one more listen address); fd is
 * like listen_fd, owned by the server when 0 is returned; else -errno. */
int tftpd_add_listener(struct tftpd *srv, int fd);
/* Applies new limits to new requests; running transfers keep theirs. */
void tftpd_set_limits(struct tftpd *srv, const struct site_tftp *limits);
/* Ends every transfer (logged as failed: "server shutting down"). NULL ok. */
void tftpd_free(struct tftpd *srv);
unsigned tftpd_active(const struct tftpd *srv);
void tftpd_get_stats(const struct tftpd *srv, struct tftpd_stats *out);
/* Records each transfer in st (NULL: none), which must outlive srv. */
void tftpd_set_status(struct tftpd *srv, struct status *st);

/* Opens the listening socket: UDP bound to addr:port, IP_PKTINFO on, and
 * SO_BINDTODEVICE to ifname when not empty. Returns the fd or -errno. */
int tftpd_listen(struct in_addr addr, uint16_t port, const char *ifname);

#endif
