/*
 * dhcp-link.h: disklessd's packet sockets, for what a UDP socket cannot do:
 * a reply unicast to a client's MAC before the client has its address
 * (RFC 2131 §4.1), and the ARP requests and answers of the conflict probe
 * (the bytes come from link-frame.h).
 *
 * dhcp_link_open() needs CAP_NET_RAW, which the daemon gives up: it runs
 * in dhcpd_new(), before the drop. Afterwards only sendto() and recvfrom()
 * on the open sockets are used, which the seccomp filter allows. The send
 * socket has protocol 0 and so receives nothing; the ARP socket keeps only
 * ARP replies (a socket filter drops everything else in the kernel). Both
 * are bound to [server] interface when it is set. The interfaces' MACs are
 * read once here: an interface that appears later gets broadcasts and no
 * probes.
 */
#ifndef DISKLESS_DHCP_LINK_H
#define DISKLESS_DHCP_LINK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link-frame.h"

struct dhcp_link;

/* ifname: "" for every interface. arp: also open the socket reading ARP
 * replies. NULL with errno set (EPERM without CAP_NET_RAW). */
struct dhcp_link *dhcp_link_open(const char *ifname, bool arp);
void dhcp_link_close(struct dhcp_link *l);
/* The ARP socket, for the event loop; -1 when there is none. */
int dhcp_link_arp_fd(const struct dhcp_link *l);

/* Sends payload as a UDP datagram src:sport -> dst:dport in a frame to mac
 * out of ifindex. 0, or -errno (-ENODEV: not an Ethernet interface known
 * at start; the caller broadcasts instead). */
int dhcp_link_send_udp(struct dhcp_link *l, int ifindex,
	const uint8_t mac[LINK_MAC_LEN], struct in_addr src, uint16_t sport,
	struct in_addr dst, uint16_t dport, const uint8_t *payload, size_t len);
/* Broadcasts "who has tpa, tell spa" out of ifindex. 0 or -errno (-ENODEV
 * as above). */
int dhcp_link_arp_probe(struct dhcp_link *l, int ifindex, struct in_addr spa,
	struct in_addr tpa);
/* Reads one ARP reply: 1 with the address and the MAC that answered, 0
 * when none is waiting, -errno. Malformed packets are skipped. */
int dhcp_link_arp_read(struct dhcp_link *l, struct in_addr *spa,
	uint8_t sha[LINK_MAC_LEN]);

#endif
