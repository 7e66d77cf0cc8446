/*
 * link-frame.c: see link-frame.h. Header layouts from RFC 791 (IPv4),
 * RFC 768 (UDP, with its pseudo-header checksum) and RFC 826 (ARP).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "link-frame.h"

#define ARP_HTYPE_ETHER 1
#define ARP_PTYPE_IPV4 0x0800
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define IP_HDR_LEN 20
#define UDP_HDR_LEN 8

bool
link_can_unicast(uint8_t htype, uint8_t hlen, const uint8_t *chaddr)
{
	static const uint8_t zero[LINK_MAC_LEN];

	if (htype != ARP_HTYPE_ETHER || hlen != LINK_MAC_LEN)
		return false;
	/* bit 0 of the first octet: group address, broadcast included */
	return memcmp(chaddr, zero, LINK_MAC_LEN) != 0 && !(chaddr[0] & 1);
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* RFC 1071 one's-complement sum, not yet folded. */
static uint32_t
sum16(uint32_t acc, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		acc += (uint32_t)p[len - 1] << 8;
	return acc;
}

static uint16_t
fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

int
link_udp_build(uint8_t *out, size_t cap, struct in_addr src, uint16_t sport,
	struct in_addr dst, uint16_t dport, const uint8_t *payload, size_t len)
{
	uint8_t *ip = out, *udp = out + IP_HDR_LEN;
	size_t total = LINK_IP_UDP_LEN + len;
	uint32_t acc;
	uint16_t ck;

	if (total > 65535 || total > cap)
		return -EMSGSIZE;
	memset(out, 0, LINK_IP_UDP_LEN);
	ip[0] = 0x45; /* version 4, 5 words */
	put16(ip + 2, (uint32_t)total);
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	put16(ip + 10, fold(sum16(0, ip, IP_HDR_LEN)));
	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (uint32_t)(UDP_HDR_LEN + len));
	memcpy(udp + UDP_HDR_LEN, payload, len);
	/* pseudo-header: addresses, protocol, UDP length */
	acc = sum16(0, ip + 12, 8) + IPPROTO_UDP + (uint32_t)(UDP_HDR_LEN + len);
	ck = fold(sum16(acc, udp, UDP_HDR_LEN + len));
	/* RFC 768: a computed 0 is sent as all ones (0 means "none") */
	put16(udp + 6, ck == 0 ? 0xffff : ck);
	return (int)total;
}

void
link_arp_request(uint8_t out[LINK_ARP_LEN], const uint8_t sha[LINK_MAC_LEN],
	struct in_addr spa, struct in_addr tpa)
{
	put16(out, ARP_HTYPE_ETHER);
	put16(out + 2, ARP_PTYPE_IPV4);
	out[4] = LINK_MAC_LEN;
	out[5] = 4;
	put16(out + 6, ARP_OP_REQUEST);
	memcpy(out + 8, sha, LINK_MAC_LEN);
	memcpy(out + 14, &spa, 4);
	memset(out + 18, 0, LINK_MAC_LEN);
	memcpy(out + 24, &tpa, 4);
}

int
link_arp_parse(const uint8_t *buf, size_t len, struct in_addr *spa,
	uint8_t sha[LINK_MAC_LEN])
{
	static const uint8_t hdr[8] = { 0, ARP_HTYPE_ETHER, ARP_PTYPE_IPV4 >> 8,
		ARP_PTYPE_IPV4 & 0xff, LINK_MAC_LEN, 4, 0, ARP_OP_REPLY };

	if (len < LINK_ARP_LEN || memcmp(buf, hdr, sizeof(hdr)) != 0)
		return -EINVAL;
	if (!link_can_unicast(ARP_HTYPE_ETHER, LINK_MAC_LEN, buf + 8))
		return -EINVAL;
	memcpy(sha, buf + 8, LINK_MAC_LEN);
	memcpy(spa, buf + 14, 4);
	return 0;
}
