/*
 * test-link-frame.c: the IPv4/UDP and ARP bytes behind a DHCP reply unicast
 * to a MAC and the conflict probe (server/link-frame.c), table-driven.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "link-frame.h"
#include "tap.h"
#include "udp-frame.h"

static const uint8_t MAC[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static struct in_addr
ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

/* An RFC 1071 check written apart from the code under test: the 16-bit
 * words of a correct header (checksum included) add up to 0xffff. */
static unsigned
ones_sum(const uint8_t *p, size_t n, unsigned acc)
{
	size_t i;

	for (i = 0; i < n; i++)
		acc += i % 2 ? p[i] : (unsigned)p[i] * 256u;
	while (acc > 0xffff)
		acc = (acc & 0xffff) + (acc >> 16);
	return acc;
}

static void
test_can_unicast(void)
{
	static const struct {
		uint8_t htype, hlen;
		uint8_t chaddr[16];
		int want;
		const char *what;
	} t[] = {
		{ 1, 6, { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, 1, "Ethernet station" },
		{ 1, 6, { 0x02, 0, 0, 0, 0, 1 }, 1, "locally administered" },
		{ 1, 0, { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, 0, "hlen 0" },
		{ 1, 17, { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, 0, "hlen 17" },
		{ 1, 16, { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, 0, "hlen 16" },
		{ 6, 6, { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, 0, "htype 6 (IEEE 802)" },
		{ 32, 6, { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, 0, "htype 32 (InfiniBand)" },
		{ 0, 6, { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, 0, "htype 0" },
		{ 1, 6, { 0 }, 0, "zero chaddr" },
		{ 1, 6, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 0, "broadcast chaddr" },
		{ 1, 6, { 0x01, 0x00, 0x5e, 0, 0, 1 }, 0, "multicast chaddr" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		tap_is_int(link_can_unicast(t[i].htype, t[i].hlen, t[i].chaddr),
			t[i].want, "unicast to chaddr: %s", t[i].what);
}

static void
check_datagram(const uint8_t *f, int n, size_t plen, const char *what)
{
	unsigned pseudo;
	uint8_t ph[4] = { 0, IPPROTO_UDP, (uint8_t)((8 + plen) >> 8),
		(uint8_t)(8 + plen) };

	tap_is_int(n, (long long)(28 + plen), "%s: length", what);
	tap_is_int(f[0], 0x45, "%s: IPv4, 20-byte header", what);
	tap_is_int(f[2] << 8 | f[3], (long long)(28 + plen), "%s: total length", what);
	tap_is_int(f[6] & 0x40, 0, "%s: DF clear (may be fragmented)", what);
	tap_is_int(f[8], 64, "%s: TTL", what);
	tap_is_int(f[9], IPPROTO_UDP, "%s: protocol UDP", what);
	tap_is_int(ones_sum(f, 20, 0), 0xffff, "%s: IP header checksum", what);
	tap_is_int(f[24] << 8 | f[25], (long long)(8 + plen), "%s: UDP length", what);
	tap_ok((f[26] | f[27]) != 0, "%s: UDP checksum present", what);
	pseudo = ones_sum(f + 12, 8, 0);
	pseudo = ones_sum(ph, 4, pseudo);
	tap_is_int(ones_sum(f + 20, 8 + plen, pseudo), 0xffff,
		"%s: UDP checksum over the pseudo-header", what);
}

static void
test_udp(void)
{
	static const size_t lens[] = { 0, 1, 300, 301, 1472 };
	uint8_t payload[1472], f[1600];
	size_t i;
	int n;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		char what[32];

		snprintf(what, sizeof(what), "%zu-byte payload", lens[i]);
		n = udp_frame_build(f, sizeof(f), ip("10.0.0.1"), 67, ip("10.0.0.100"),
			68, payload, lens[i]);
		check_datagram(f, n, lens[i], what);
	}
	n = udp_frame_build(f, sizeof(f), ip("10.0.0.1"), 67, ip("10.0.0.100"), 68,
		payload, 300);
	tap_is_mem(f + 12, 4, "\x0a\x00\x00\x01", 4, "source address");
	tap_is_mem(f + 16, 4, "\x0a\x00\x00\x64", 4, "destination address (yiaddr)");
	tap_is_mem(f + 20, 4, "\x00\x43\x00\x44", 4, "ports 67 -> 68");
	tap_is_mem(f + 28, 300, payload, 300, "payload copied after the headers");
	tap_is_int(udp_frame_build(f, 327, ip("10.0.0.1"), 67, ip("10.0.0.100"), 68,
			   payload, 300), -EMSGSIZE, "one byte short of room: -EMSGSIZE");
	tap_is_int(udp_frame_build(f, 10, ip("10.0.0.1"), 67, ip("10.0.0.100"), 68,
			   payload, 0), -EMSGSIZE, "no room for the headers: -EMSGSIZE");
	tap_is_int(udp_frame_build(f, 70000, ip("10.0.0.1"), 67, ip("10.0.0.100"), 68,
			   payload, 65535 - 27), -EMSGSIZE, "past 65535 bytes: -EMSGSIZE");
}

static void
test_arp(void)
{
	static const uint8_t want[28] = { 0, 1, 8, 0, 6, 4, 0, 1,
		0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 10, 0, 0, 1,
		0, 0, 0, 0, 0, 0, 10, 0, 0, 100 };
	uint8_t b[28], sha[6];
	struct in_addr spa;

	link_arp_request(b, MAC, ip("10.0.0.1"), ip("10.0.0.100"));
	tap_is_mem(b, sizeof(b), want, sizeof(want), "ARP request: who has "
		   "10.0.0.100, tell 10.0.0.1 at our MAC");
	tap_is_int(link_arp_parse(b, sizeof(b), &spa, sha), -EINVAL,
		"a request is not an answer");
	b[7] = 2; /* the same bytes as a reply from 52:54:00:12:34:56 */
	tap_is_int(link_arp_parse(b, sizeof(b), &spa, sha), 0, "reply parsed");
	tap_is_mem(sha, 6, MAC, 6, "reply: the MAC that answered");
	tap_is_int(spa.s_addr, ip("10.0.0.1").s_addr, "reply: the address it holds");
	tap_is_int(link_arp_parse(b, 27, &spa, sha), -EINVAL, "27 bytes: too short");
	tap_is_int(link_arp_parse(b, 60, &spa, sha), 0, "Ethernet padding ignored");
	b[1] = 6;
	tap_is_int(link_arp_parse(b, 28, &spa, sha), -EINVAL, "hardware type 6");
	b[1] = 1;
	b[4] = 17;
	tap_is_int(link_arp_parse(b, 28, &spa, sha), -EINVAL, "hardware length 17");
	b[4] = 6;
	b[2] = 0x86;
	b[3] = 0xdd;
	tap_is_int(link_arp_parse(b, 28, &spa, sha), -EINVAL, "protocol IPv6");
	b[2] = 8;
	b[3] = 0;
	memset(b + 8, 0, 6);
	tap_is_int(link_arp_parse(b, 28, &spa, sha), -EINVAL, "zero sender MAC");
	memset(b + 8, 0xff, 6);
	tap_is_int(link_arp_parse(b, 28, &spa, sha), -EINVAL, "broadcast sender MAC");
}

int
main(void)
{
	tap_plan(11 + 5 * 10 + 7 + 12);
	test_can_unicast();
	test_udp();
	test_arp();
	return tap_done();
}
