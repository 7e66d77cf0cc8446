/*
 * link-frame.c: see link-frame.h. The ARP layout is RFC 826's.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "link-frame.h"

#define ARP_HTYPE_ETHER 1
#define ARP_PTYPE_IPV4 0x0800
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

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
