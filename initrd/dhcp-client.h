/*
 * dhcp-client.h: the one DHCP exchange of diskless-init (ip=dhcp), RFC 2131.
 *
 * The packet code is pure (buffers in, structs out) so the unit test and
 * the fuzzer drive it without sockets: dhcp_frame_parse() takes an IPv4
 * packet as an AF_PACKET SOCK_DGRAM socket delivers it, dhcp_parse_reply()
 * the BOOTP payload. Both check every length before reading. The exchange
 * itself (dhcp-exchange.c) owns the socket.
 */
#ifndef DISKLESS_DHCP_CLIENT_H
#define DISKLESS_DHCP_CLIENT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"

/* RFC 2131 §2 / RFC 951: fixed BOOTP header, then the magic cookie. */
#define DHCP_FIXED_LEN 236
#define DHCP_OPTIONS_OFF 240
/* RFC 2131 §2: "a DHCP client must be prepared to receive DHCP messages
 * with an 'options' field of at least length 312 octets" (576-byte IP). */
#define DHCP_PACKET_MAX 1500

enum {
	DHCPDISCOVER = 1,
	DHCPOFFER = 2,
	DHCPREQUEST = 3,
	DHCPDECLINE = 4,
	DHCPACK = 5,
	DHCPNAK = 6,
};

struct dhcp_lease {
	uint8_t type;			/* DHCPOFFER, DHCPACK or DHCPNAK */
	struct in_addr yiaddr, siaddr, server_id, netmask, router;
	bool has_netmask;
	struct in_addr dns[CMDLINE_DNS_MAX];
	unsigned n_dns;
	char hostname[CMDLINE_HOST_MAX + 1];	/* option 12, validated */
	char domain[256];			/* option 15, validated */
	char root_path[CMDLINE_PATH_MAX + 1];	/* option 17, printable */
	uint32_t lease_time;			/* option 51, seconds */
	uint16_t mtu;				/* option 26, 0 if absent */
	unsigned rejected;			/* options present but invalid */
};

/* Builds a DISCOVER or REQUEST (BOOTP payload). req_ip/server_id are sent
 * for a REQUEST in SELECTING state (RFC 2131 §4.3.2). Returns the length. */
int dhcp_build(uint8_t *buf, size_t size, uint8_t type, uint32_t xid,
	const uint8_t mac[6], struct in_addr req_ip, struct in_addr server_id,
	uint16_t secs);

/* Wraps a payload in IPv4 + UDP, 0.0.0.0:68 -> 255.255.255.255:67.
 * Returns the frame length or -ENOBUFS. */
int dhcp_frame_build(uint8_t *frame, size_t size, const uint8_t *payload, size_t plen);

/* Finds the UDP payload for port 68 in an IPv4 packet. Returns 0 or
 * -EINVAL (not IPv4/UDP, fragment, to another port, bad lengths). */
int dhcp_frame_parse(const uint8_t *pkt, size_t len, const uint8_t **payload,
	size_t *plen);

/* Parses a BOOTREPLY for our xid and MAC. Returns 0, -EINVAL for a
 * malformed message, -ENOENT for one that is not ours. */
int dhcp_parse_reply(const uint8_t *p, size_t len, uint32_t xid, const uint8_t mac[6],
	struct dhcp_lease *out);

/* dhcp-exchange.c: DISCOVER/OFFER/REQUEST/ACK on ifindex with bounded
 * retries. Returns 0 or -errno with *why set. */
int dhcp_exchange(int ifindex, const uint8_t mac[6], unsigned max_ms,
	struct dhcp_lease *out, const char **why);

#endif
