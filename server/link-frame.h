/*
 * link-frame.h: the bytes disklessd sends below UDP, as pure functions.
 *
 * RFC 2131 §4.1 wants DHCPOFFER and DHCPACK unicast "to the client's
 * hardware address and 'yiaddr' address" when the client has no address
 * and did not ask for broadcast. A UDP socket cannot: the kernel would ARP
 * for yiaddr, which nobody answers yet. dhcpd.c sends those replies on an
 * AF_PACKET SOCK_DGRAM socket instead (opened before the privilege drop):
 * the kernel adds the Ethernet header (our MAC, chaddr, 0x0800), and
 * lib/udp-frame.c the IPv4 and UDP headers in front of the DHCP message.
 * The same socket sends the ARP requests of the conflict probe, built
 * here, and a second one reads the answers (link_arp_parse()).
 */
#ifndef DISKLESS_LINK_FRAME_H
#define DISKLESS_LINK_FRAME_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINK_ARP_LEN 28    /* Ethernet/IPv4 ARP (RFC 826) */
#define LINK_MAC_LEN 6

/* The request's htype, hlen and chaddr name an Ethernet station a frame can
 * be addressed to: htype 1, hlen 6, and chaddr not all-zero, not broadcast
 * and not multicast. Anything else gets a broadcast. */
bool link_can_unicast(uint8_t htype, uint8_t hlen, const uint8_t *chaddr);

/* An ARP request "who has tpa, tell spa" from sha (LINK_ARP_LEN bytes). */
void link_arp_request(uint8_t out[LINK_ARP_LEN], const uint8_t sha[LINK_MAC_LEN],
	struct in_addr spa, struct in_addr tpa);

/* Reads an Ethernet/IPv4 ARP reply: the address it answers for and the MAC
 * that answered. 0, or -EINVAL for anything else (requests, other hardware
 * or protocol types, short packets, a zero or broadcast sender MAC). */
int link_arp_parse(const uint8_t *buf, size_t len, struct in_addr *spa,
	uint8_t sha[LINK_MAC_LEN]);

#endif
