/*
 * dhcp-test.h: builds DHCP request packets byte by byte for the DHCP unit
 * tests and the seed-corpus writer (RFC 2131 §2 figure 1 layout).
 */
#ifndef DISKLESS_DHCP_TEST_H
#define DISKLESS_DHCP_TEST_H

#include <stdint.h>
#include <string.h>

#include "dhcp-pkt.h"

struct tpkt {
	uint8_t b[DHCP_PKT_MAX + 64];
	size_t len;
};

/* A BOOTREQUEST from mac with xid 0x12345678, the cookie and, when type is
 * not 0, option 53. */
static inline void
tpkt_init(struct tpkt *p, uint8_t type, const uint8_t mac[6])
{
	static const uint8_t cookie[4] = { 99, 130, 83, 99 };

	memset(p->b, 0, sizeof(p->b));
	p->b[0] = BOOTREQUEST;
	p->b[1] = DHCP_HTYPE_ETHER;
	p->b[2] = 6;
	p->b[4] = 0x12;
	p->b[5] = 0x34;
	p->b[6] = 0x56;
	p->b[7] = 0x78;
	memcpy(p->b + 28, mac, 6);
	memcpy(p->b + DHCP_FIXED_LEN, cookie, 4);
	p->len = DHCP_HDR_LEN;
	if (type != 0) {
		p->b[p->len++] = DHO_MSG_TYPE;
		p->b[p->len++] = 1;
		p->b[p->len++] = type;
	}
}

static inline void
tpkt_raw(struct tpkt *p, const void *d, size_t n)
{
	if (p->len + n > sizeof(p->b))
		return;
	memcpy(p->b + p->len, d, n);
	p->len += n;
}

static inline void
tpkt_opt(struct tpkt *p, uint8_t code, const void *d, size_t n)
{
	uint8_t h[2] = { code, (uint8_t)n };

	tpkt_raw(p, h, 2);
	tpkt_raw(p, d, n);
}

static inline void
tpkt_str(struct tpkt *p, uint8_t code, const char *s)
{
	tpkt_opt(p, code, s, strlen(s));
}

static inline void
tpkt_u16(struct tpkt *p, uint8_t code, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	tpkt_opt(p, code, b, 2);
}

static inline void
tpkt_addr(struct tpkt *p, uint8_t code, uint32_t host_order)
{
	uint8_t b[4] = { (uint8_t)(host_order >> 24), (uint8_t)(host_order >> 16),
		(uint8_t)(host_order >> 8), (uint8_t)host_order };

	tpkt_opt(p, code, b, 4);
}

/* Sets a 32-bit header field (ciaddr 12, yiaddr 16, siaddr 20, giaddr 24). */
static inline void
tpkt_set_addr(struct tpkt *p, size_t off, uint32_t host_order)
{
	p->b[off] = (uint8_t)(host_order >> 24);
	p->b[off + 1] = (uint8_t)(host_order >> 16);
	p->b[off + 2] = (uint8_t)(host_order >> 8);
	p->b[off + 3] = (uint8_t)host_order;
}

static inline void
tpkt_end(struct tpkt *p)
{
	uint8_t e = DHO_END;

	tpkt_raw(p, &e, 1);
}

#endif
