/*
 * dhcpd.h: disklessd's DHCP half on the wire. Owns the UDP sockets (port 67,
 * and 4011 in proxy mode), the lease store and its journal, and the replies
 * held until their lease is durable. The protocol itself is
 * dhcp_reply_decide() (dhcp-reply.h); this file only receives, sends, logs
 * and does the group commit. In full mode it also opens the packet sockets
 * (dhcp-link.h) for replies unicast to a MAC and the ARP conflict probe
 * (probe.h), which is why dhcpd_new() must run as root.
 *
 * Order in main(): dhcpd_new() as root, next to the TFTP listener and
 * before daemon() so that a port in use or a missing state directory is
 * reported on the terminal (it binds port 67 and opens the journal);
 * dhcpd_start() once the loop exists; dhcpd_reload() from the SIGHUP
 * handler before the old site is freed; dhcpd_free() at exit.
 */
#ifndef DISKLESS_DHCPD_H
#define DISKLESS_DHCPD_H

#include <netinet/in.h>
#include <stdint.h>

#include "loop.h"
#include "site.h"
#include "status.h"

struct dhcpd_opts {
	/* bind here instead of 0.0.0.0 (tests only: a socket bound to a
	 * unicast address never sees broadcast requests) */
	struct in_addr listen_addr;
	/* 0: 67 (and 4011 in proxy mode); else this port alone, for tests */
	uint16_t port;
};

struct dhcpd_stats {
	unsigned long received, malformed, replied, ignored, held, dropped;
	/* replies sent as frames to chaddr; conflict probes started, answered
	 * (address in use), and not started because DHCPD_PROBE_MAX were out */
	unsigned long unicast, probes, conflicts, probe_skipped;
};

struct dhcpd;

/*
 * Opens the sockets (bound to site->server.interface when set) and, in full
 * mode, the lease journal in site->server.state_dir (flock'd: a second
 * server on the same directory fails with -EWOULDBLOCK). site must outlive the
 * server or be replaced by dhcpd_reload(). NULL with errno set; the reason
 * has been logged.
 */
struct dhcpd *dhcpd_new(const struct site *site, const struct dhcpd_opts *opts);
/* Starts answering on loop. 0 or -errno (-EALREADY when started). */
int dhcpd_start(struct dhcpd *d, struct loop *loop);
/* Answers from site from now on. What cannot change without new sockets or
 * a new lease range (interface, mode, range) is logged and kept. */
void dhcpd_reload(struct dhcpd *d, const struct site *site);
void dhcpd_get_stats(const struct dhcpd *d, struct dhcpd_stats *st);
/* Records each exchange in st (NULL: none), which must outlive d. */
void dhcpd_set_status(struct dhcpd *d, struct status *st);
/* Flushes the journal one last time. NULL is a no-op. */
void dhcpd_free(struct dhcpd *d);

#endif
