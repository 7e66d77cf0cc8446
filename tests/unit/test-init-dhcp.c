/*
 * test-init-dhcp.c: the DHCP packet code of diskless-init
 * (initrd/dhcp-client.c): the reply parser and the IPv4/UDP frame parser
 * on valid and hostile packets, and the messages we build.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcp-client.h"
#include "tap.h"

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
#define XID 0x11223344u

struct pkt {
	uint8_t b[1500];
	size_t len;
};

/* A BOOTREPLY header for us, yiaddr 10.0.0.77, siaddr 10.0.0.1, cookie. */
static void
reply(struct pkt *p)
{
	uint32_t x = htonl(XID);

	memset(p, 0, sizeof(*p));
	p->b[0] = 2;
	p->b[1] = 1;
	p->b[2] = 6;
	memcpy(p->b + 4, &x, 4);
	p->b[16] = 10, p->b[17] = 0, p->b[18] = 0, p->b[19] = 77;
	p->b[20] = 10, p->b[21] = 0, p->b[22] = 0, p->b[23] = 1;
	memcpy(p->b + 28, mac, 6);
	p->b[236] = 99, p->b[237] = 130, p->b[238] = 83, p->b[239] = 99;
	p->len = 240;
}

static void
opt(struct pkt *p, uint8_t code, const void *v, uint8_t n)
{
	p->b[p->len++] = code;
	p->b[p->len++] = n;
	memcpy(p->b + p->len, v, n);
	p->len += n;
}

static void
raw(struct pkt *p, const void *v, size_t n)
{
	memcpy(p->b + p->len, v, n);
	p->len += n;
}

static void
end(struct pkt *p)
{
	p->b[p->len++] = 255;
}

static const uint8_t T_OFFER = 2, T_ACK = 5, T_NAK = 6, T_DISCOVER = 1;

static int
parse(const struct pkt *p, struct dhcp_lease *l)
{
	return dhcp_parse_reply(p->b, p->len, XID, mac, l);
}

static void
test_full_ack(void)
{
	static const uint8_t mask[] = { 255, 255, 255, 0 }, router[] = { 10, 0, 0, 1 },
		dns[] = { 10, 0, 0, 53, 10, 0, 0, 54, 10, 0, 0, 55, 10, 0, 0, 56 },
		sid[] = { 10, 0, 0, 2 }, lease[] = { 0, 0, 0x0e, 0x10 }, mtu[] = { 0x05, 0xdc };
	struct pkt p;
	struct dhcp_lease l;
	char s[INET_ADDRSTRLEN];

	reply(&p);
	raw(&p, "\0\0", 2);	/* pads */
	opt(&p, 53, &T_ACK, 1);
	opt(&p, 1, mask, 4);
	opt(&p, 3, router, 4);
	opt(&p, 6, dns, sizeof(dns));
	opt(&p, 12, "pc77\0", 5);	/* NUL-terminated by some servers */
	opt(&p, 15, "lab.example", 11);
	opt(&p, 17, "10.0.0.1:/srv/lab,vers=3", 24);
	opt(&p, 26, mtu, 2);
	opt(&p, 51, lease, 4);
	opt(&p, 54, sid, 4);
	opt(&p, 250, "ignored", 7);
	end(&p);
	tap_is_int(parse(&p, &l), 0, "full ACK parses");
	tap_is_int(l.type, 5, "type ACK");
	tap_is_str(inet_ntop(AF_INET, &l.yiaddr, s, sizeof(s)), "10.0.0.77", "yiaddr");
	tap_is_str(inet_ntop(AF_INET, &l.siaddr, s, sizeof(s)), "10.0.0.1", "siaddr");
	tap_is_str(inet_ntop(AF_INET, &l.server_id, s, sizeof(s)), "10.0.0.2", "server id");
	tap_is_str(inet_ntop(AF_INET, &l.netmask, s, sizeof(s)), "255.255.255.0", "netmask");
	tap_is_str(inet_ntop(AF_INET, &l.router, s, sizeof(s)), "10.0.0.1", "router");
	tap_is_int(l.n_dns, 3, "DNS list capped at 3");
	tap_is_str(inet_ntop(AF_INET, &l.dns[2], s, sizeof(s)), "10.0.0.55", "third DNS");
	tap_is_str(l.hostname, "pc77", "hostname, trailing NUL stripped");
	tap_is_str(l.domain, "lab.example", "domain");
	tap_is_str(l.root_path, "10.0.0.1:/srv/lab,vers=3", "root path");
	tap_is_int(l.mtu, 1500, "mtu");
	tap_is_int(l.lease_time, 3600, "lease time");
	tap_is_int(l.rejected, 0, "nothing rejected");
}

struct hcase {
	const char *name;
	int rc;
	unsigned rejected;
};

/* Each builder makes one hostile or odd packet. */
static void
h_short(struct pkt *p)
{
	reply(p);
	p->len = 239;
}

static void
h_xid(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	p->b[4] ^= 1;
}

static void
h_mac(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	p->b[33] ^= 1;
}

static void
h_request(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	p->b[0] = 1;
}

static void
h_hlen(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	p->b[2] = 16;
}

static void
h_cookie(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	p->b[239] = 0;
}

static void
h_no_type(struct pkt *p)
{
	reply(p);
	end(p);
}

static void
h_two_types(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	opt(p, 53, &T_NAK, 1);
}

static void
h_type_len(struct pkt *p)
{
	reply(p);
	opt(p, 53, "\5\5", 2);
}

static void
h_discover(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_DISCOVER, 1);
}

static void
h_opt_overrun(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	p->b[p->len++] = 12;
	p->b[p->len++] = 200;	/* claims 200 bytes, has 3 */
	raw(p, "abc", 3);
}

static void
h_opt_no_len(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	p->b[p->len++] = 12;	/* code as the last byte */
}

static void
h_no_end(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_OFFER, 1);
}

static void
h_zero_yiaddr(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	memset(p->b + 16, 0, 4);
}

static void
h_mcast_yiaddr(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	p->b[16] = 239;
}

static void
h_nak_zero(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_NAK, 1);
	memset(p->b + 16, 0, 4);
}

static void
h_bad_lengths(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	opt(p, 1, "\xff\xff\xff", 3);		/* mask 3 bytes */
	opt(p, 3, "\x0a\0\0\1\x0a", 5);		/* router 5 bytes */
	opt(p, 6, "", 0);			/* empty DNS list */
	opt(p, 26, "\0\x10", 2);		/* MTU 16 */
	opt(p, 51, "\0\0\x10", 3);		/* lease 3 bytes */
	opt(p, 54, "\x0a\0\0", 3);		/* server id 3 bytes */
	end(p);
}

static void
h_bad_strings(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	opt(p, 12, "pc;rm -rf /", 11);
	opt(p, 15, "-lab", 4);
	opt(p, 17, "10.0.0.1:/srv lab", 17);
	opt(p, 12, "", 0);
	end(p);
}

static void
h_nul_strings(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	opt(p, 12, "\0\0\0", 3);
	opt(p, 17, "/a\0b", 4);
	end(p);
}

static void
h_overload_file(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	opt(p, 52, "\1", 1);
	end(p);
	/* options in 'file' (offset 108, 128 bytes) */
	memcpy(p->b + 108, "\x0c\x04pc99\x11\x05/root\xff", 14);
}

static void
h_overload_bad_file(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	opt(p, 52, "\3", 1);
	end(p);
	/* 'sname' holds an option running past its 64 bytes */
	p->b[44] = 12;
	p->b[45] = 70;
}

static void
h_overload_value(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	opt(p, 52, "\4", 1);
}

static void
h_type_in_file(struct pkt *p)
{
	reply(p);
	opt(p, 53, &T_ACK, 1);
	opt(p, 52, "\1", 1);
	end(p);
	memcpy(p->b + 108, "\x35\x01\x06\xff", 4);	/* a second type in 'file' */
}

static void
h_long_root(struct pkt *p)
{
	char path[255];

	reply(p);
	opt(p, 53, &T_ACK, 1);
	memset(path, 'r', sizeof(path));
	path[0] = '/';
	opt(p, 17, path, sizeof(path));
	end(p);
}

static void
h_max_packet(struct pkt *p)
{
	static const uint8_t filler[255];

	reply(p);
	opt(p, 53, &T_ACK, 1);
	while (p->len + 257 < sizeof(p->b))
		opt(p, 224, filler, sizeof(filler));
	memset(p->b + p->len, 0, sizeof(p->b) - p->len);	/* pads to the end */
	p->len = sizeof(p->b);
}

static const struct {
	const char *name;
	void (*build)(struct pkt *);
	int rc;
	int rejected;	/* -1: don't care */
} hcases[] = {
	{ "shorter than the fixed header", h_short, -EINVAL, -1 },
	{ "another xid", h_xid, -ENOENT, -1 },
	{ "another MAC", h_mac, -ENOENT, -1 },
	{ "a BOOTREQUEST", h_request, -ENOENT, -1 },
	{ "hlen 16", h_hlen, -ENOENT, -1 },
	{ "no magic cookie (BOOTP)", h_cookie, -EINVAL, -1 },
	{ "no message type", h_no_type, -EINVAL, -1 },
	{ "two message types", h_two_types, -EINVAL, -1 },
	{ "message type of length 2", h_type_len, -EINVAL, -1 },
	{ "a DISCOVER as reply", h_discover, -EINVAL, -1 },
	{ "option length past the end", h_opt_overrun, -EINVAL, -1 },
	{ "option code without length", h_opt_no_len, -EINVAL, -1 },
	{ "no end option", h_no_end, 0, 0 },
	{ "ACK for 0.0.0.0", h_zero_yiaddr, -EINVAL, -1 },
	{ "ACK for a multicast address", h_mcast_yiaddr, -EINVAL, -1 },
	{ "NAK without address", h_nak_zero, 0, 0 },
	{ "wrong option lengths", h_bad_lengths, 0, 6 },
	{ "hostile strings", h_bad_strings, 0, 4 },
	{ "NUL-only strings", h_nul_strings, 0, 2 },
	{ "overload: options in file", h_overload_file, 0, 0 },
	{ "overload: sname option overruns", h_overload_bad_file, -EINVAL, -1 },
	{ "overload value 4", h_overload_value, -EINVAL, -1 },
	{ "second type inside file", h_type_in_file, -EINVAL, -1 },
	{ "root path of 255 bytes", h_long_root, 0, 0 },
	{ "1500 bytes of options", h_max_packet, 0, 0 },
};

static void
test_hostile(void)
{
	size_t i;

	for (i = 0; i < sizeof(hcases) / sizeof(hcases[0]); i++) {
		struct pkt p;
		struct dhcp_lease l;
		int r;

		hcases[i].build(&p);
		r = parse(&p, &l);
		if (!tap_ok(r == hcases[i].rc && (hcases[i].rejected < 0 ||
			l.rejected == (unsigned)hcases[i].rejected), "reply: %s", hcases[i].name))
			tap_diag("rc %d want %d, rejected %u want %d", r, hcases[i].rc, l.rejected,
				hcases[i].rejected);
	}
}

static void
test_overload_content(void)
{
	struct pkt p;
	struct dhcp_lease l;

	h_overload_file(&p);
	tap_ok(parse(&p, &l) == 0 && strcmp(l.hostname, "pc99") == 0 &&
		strcmp(l.root_path, "/root") == 0, "overloaded 'file' options are read");
	h_bad_strings(&p);
	parse(&p, &l);
	tap_ok(l.hostname[0] == '\0' && l.domain[0] == '\0' && l.root_path[0] == '\0',
		"rejected strings are left empty");
}

static uint16_t
sum16(const uint8_t *b, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void
test_build(void)
{
	uint8_t b[DHCP_PACKET_MAX], f[DHCP_PACKET_MAX + 28];
	struct in_addr req, sid, none = { 0 };
	const uint8_t *pl;
	size_t plen;
	int n, fl;

	n = dhcp_build(b, sizeof(b), 1, XID, mac, none, none, 3);
	tap_ok(n >= 300, "DISCOVER padded to at least 300 bytes (RFC 1542)");
	tap_ok(b[0] == 1 && b[1] == 1 && b[2] == 6 && memcmp(b + 28, mac, 6) == 0 &&
		b[236] == 99 && b[239] == 99, "DISCOVER header, chaddr and cookie");
	tap_ok(b[240] == 53 && b[241] == 1 && b[242] == 1, "DISCOVER type option first");
	tap_ok(b[10] == 0x80, "BROADCAST flag set (no address yet)");
	inet_pton(AF_INET, "10.0.0.77", &req);
	inet_pton(AF_INET, "10.0.0.2", &sid);
	n = dhcp_build(b, sizeof(b), 3, XID, mac, req, sid, 0);
	tap_ok(n > 0 && memmem(b + 240, (size_t)n - 240, "\x32\x04\x0a\x00\x00\x4d", 6) &&
		memmem(b + 240, (size_t)n - 240, "\x36\x04\x0a\x00\x00\x02", 6),
		"REQUEST carries requested IP (50) and server id (54)");
	tap_is_int(dhcp_build(b, 100, 1, XID, mac, none, none, 0), -ENOBUFS, "small buffer");
	fl = dhcp_frame_build(f, sizeof(f), b, (size_t)n);
	tap_is_int(fl, n + 28, "frame = IPv4 + UDP + payload");
	tap_is_int(sum16(f, 20), 0xffff, "IPv4 header checksum verifies");
	tap_is_int(dhcp_frame_build(f, 100, b, (size_t)n), -ENOBUFS, "small frame buffer");
	/* turn our own frame into a server's reply to port 68 */
	f[21] = 67;
	f[23] = 68;
	tap_ok(dhcp_frame_parse(f, (size_t)fl, &pl, &plen) == 0 && pl == f + 28 &&
		plen == (size_t)n, "frame parse finds the payload");
	tap_is_int(dhcp_frame_parse(f, 27, &pl, &plen), -EINVAL, "frame: truncated");
	f[0] = 0x44;
	tap_is_int(dhcp_frame_parse(f, (size_t)fl, &pl, &plen), -EINVAL, "frame: ihl 4");
	f[0] = 0x65;
	tap_is_int(dhcp_frame_parse(f, (size_t)fl, &pl, &plen), -EINVAL, "frame: version 6");
	f[0] = 0x4f;
	tap_is_int(dhcp_frame_parse(f, (size_t)fl, &pl, &plen), -EINVAL,
		"frame: 60-byte header past the UDP length");
	f[0] = 0x45;
	f[6] = 0x20;
	tap_is_int(dhcp_frame_parse(f, (size_t)fl, &pl, &plen), -EINVAL, "frame: fragment");
	f[6] = 0;
	f[9] = 6;
	tap_is_int(dhcp_frame_parse(f, (size_t)fl, &pl, &plen), -EINVAL, "frame: TCP");
	f[9] = 17;
	f[23] = 67;
	tap_is_int(dhcp_frame_parse(f, (size_t)fl, &pl, &plen), -EINVAL, "frame: port 67");
	f[23] = 68;
	f[24] = 0xff;
	tap_is_int(dhcp_frame_parse(f, (size_t)fl, &pl, &plen), -EINVAL,
		"frame: UDP length past the packet");
	f[24] = 0;
	f[25] = 7;
	tap_is_int(dhcp_frame_parse(f, (size_t)fl, &pl, &plen), -EINVAL, "frame: UDP length 7");
	f[2] = 0xff;
	tap_is_int(dhcp_frame_parse(f, (size_t)fl, &pl, &plen), -EINVAL,
		"frame: IP total length past the read");
}

int
main(void)
{
	test_full_ack();
	test_hostile();
	test_overload_content();
	test_build();
	return tap_done();
}
