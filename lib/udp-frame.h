/*
 * udp-frame.h: an IPv4 + UDP datagram as bytes, for the two places that
 * send below the UDP socket layer on AF_PACKET: diskless-init's DHCP client
 * (it has no address yet) and disklessd's unicast to a client's hardware
 * address (RFC 2131 §4.1: the client has no address the kernel could ARP
 * for). Pure, no allocation: the static /init links it too.
 */
#ifndef DISKLESS_UDP_FRAME_H
#define DISKLESS_UDP_FRAME_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define UDP_FRAME_HDR_LEN 28 /* IPv4 header without options, then UDP */

/* Writes an IPv4 header (TTL 64, no options, not fragmented) and a UDP
 * header with both checksums, then payload, into out. Returns the length,
 * or -EMSGSIZE when cap is too small or the datagram would pass 65535
 * bytes. */
int udp_frame_build(uint8_t *out, size_t cap, struct in_addr src, uint16_t sport,
	struct in_addr dst, uint16_t dport, const uint8_t *payload, size_t len);

#endif
