/*
 * udp-frame.c: see udp-frame.h. Header layouts from RFC 791 (IPv4) and
 * RFC 768 (UDP, with its pseudo-header checksum); the checksum is the
 * one's-complement sum of RFC 1071.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "udp-frame.h"

#define IP_HDR_LEN 20
#define UDP_HDR_LEN 8

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
udp_frame_build(uint8_t *out, size_t cap, struct in_addr src, uint16_t sport,
	struct in_addr dst, uint16_t dport, const uint8_t *payload, size_t len)
{
	uint8_t *ip = out, *udp = out + IP_HDR_LEN;
	uint32_t acc;
	uint16_t ck;

	if (len > 65535 - UDP_FRAME_HDR_LEN || UDP_FRAME_HDR_LEN + len > cap)
		return -EMSGSIZE;
	memset(out, 0, UDP_FRAME_HDR_LEN);
	ip[0] = 0x45; /* version 4, 5 words */
	put16(ip + 2, (uint32_t)(UDP_FRAME_HDR_LEN + len));
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
	return (int)(UDP_FRAME_HDR_LEN + len);
}
