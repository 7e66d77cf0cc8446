/*
 * test-tftp-pkt.c: the TFTP request parser, option negotiation, packet
 * writers, path cleaning and netascii, table-driven with hostile inputs.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "tftp-pkt.h"

/* A packet as a string literal: sizeof - 1 keeps embedded NULs. */
#define PKT(s) { s, sizeof(s) - 1 }

struct parse_case {
	const char *what;
	struct {
		const char *b;
		size_t n;
	} pkt;
	int ret;
	const char *name;
	enum tftp_mode mode;
	unsigned opts;
	uint64_t blksize, tsize, timeout, windowsize;
};

static const struct parse_case parse_cases[] = {
	{ "plain RRQ", PKT("\0\1pxelinux.0\0octet\0"), 0, "pxelinux.0",
		TFTP_MODE_OCTET, 0, 0, 0, 0, 0 },
	{ "netascii, mixed case", PKT("\0\1a.txt\0NetASCII\0"), 0, "a.txt",
		TFTP_MODE_NETASCII, 0, 0, 0, 0, 0 },
	{ "WRQ parsed (refused later)", PKT("\0\2up\0octet\0"), 0, "up",
		TFTP_MODE_OCTET, 0, 0, 0, 0, 0 },
	{ "all four options", PKT("\0\1k\0octet\0blksize\0" "1468\0tsize\0" "0\0"
				  "timeout\0" "3\0windowsize\0" "16\0"),
		0, "k", TFTP_MODE_OCTET, 0xf, 1468, 0, 3, 16 },
	{ "mixed-case option names", PKT("\0\1k\0OCTET\0BlkSize\0" "1024\0TSIZE\0" "0\0"),
		0, "k", TFTP_MODE_OCTET, TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE, 1024, 0,
		0, 0 },
	{ "unknown options ignored", PKT("\0\1k\0octet\0multicast\0\0rollover\0" "0\0"
					 "blksize\0" "512\0"),
		0, "k", TFTP_MODE_OCTET, TFTP_OPT_BLKSIZE, 512, 0, 0, 0 },
	{ "duplicate option: first wins", PKT("\0\1k\0octet\0blksize\0" "1000\0"
					      "blksize\0" "9000\0"),
		0, "k", TFTP_MODE_OCTET, TFTP_OPT_BLKSIZE, 1000, 0, 0, 0 },
	{ "option without value ignored", PKT("\0\1k\0octet\0blksize\0"), 0, "k",
		TFTP_MODE_OCTET, 0, 0, 0, 0, 0 },
	{ "option value without NUL ignored", PKT("\0\1k\0octet\0blksize\0" "1468"), 0,
		"k", TFTP_MODE_OCTET, 0, 0, 0, 0, 0 },
	{ "trailing garbage after options", PKT("\0\1k\0octet\0tsize\0" "0\0\xff\xfe"),
		0, "k", TFTP_MODE_OCTET, TFTP_OPT_TSIZE, 0, 0, 0, 0 },
	{ "non-numeric value ignored", PKT("\0\1k\0octet\0blksize\0" "12ab\0"), 0, "k",
		TFTP_MODE_OCTET, 0, 0, 0, 0, 0 },
	{ "negative value ignored", PKT("\0\1k\0octet\0blksize\0-1\0"), 0, "k",
		TFTP_MODE_OCTET, 0, 0, 0, 0, 0 },
	{ "empty value ignored", PKT("\0\1k\0octet\0windowsize\0\0"), 0, "k",
		TFTP_MODE_OCTET, 0, 0, 0, 0, 0 },
	{ "absurd value saturates", PKT("\0\1k\0octet\0blksize\0"
					"99999999999999999999999999\0"),
		0, "k", TFTP_MODE_OCTET, TFTP_OPT_BLKSIZE, UINT64_MAX, 0, 0, 0 },
	{ "empty packet", PKT(""), -EBADMSG, NULL, 0, 0, 0, 0, 0, 0 },
	{ "one byte", PKT("\0"), -EBADMSG, NULL, 0, 0, 0, 0, 0, 0 },
	{ "opcode only", PKT("\0\1"), -EBADMSG, NULL, 0, 0, 0, 0, 0, 0 },
	{ "name without NUL", PKT("\0\1pxelinux.0"), -EBADMSG, NULL, 0, 0, 0, 0, 0, 0 },
	{ "mode missing", PKT("\0\1pxelinux.0\0"), -EBADMSG, NULL, 0, 0, 0, 0, 0, 0 },
	{ "mode without NUL", PKT("\0\1pxelinux.0\0octet"), -EBADMSG, NULL, 0, 0, 0, 0,
		0, 0 },
	{ "empty name", PKT("\0\1\0octet\0"), -EBADMSG, NULL, 0, 0, 0, 0, 0, 0 },
	{ "mail mode", PKT("\0\1k\0mail\0"), -EPROTONOSUPPORT, NULL, 0, 0, 0, 0, 0, 0 },
	{ "empty mode", PKT("\0\1k\0\0"), -EPROTONOSUPPORT, NULL, 0, 0, 0, 0, 0, 0 },
	{ "ACK is not a request", PKT("\0\4\0\1"), -EOPNOTSUPP, NULL, 0, 0, 0, 0, 0, 0 },
	{ "ERROR is not a request", PKT("\0\5\0\0x\0"), -EOPNOTSUPP, NULL, 0, 0, 0, 0, 0,
		0 },
	{ "opcode 0", PKT("\0\0k\0octet\0"), -EOPNOTSUPP, NULL, 0, 0, 0, 0, 0, 0 },
	{ "opcode 0x0101", PKT("\1\1k\0octet\0"), -EOPNOTSUPP, NULL, 0, 0, 0, 0, 0, 0 },
};

static void
test_parse(void)
{
	size_t i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct tftp_req req;
		const char *why;
		int r;

		r = tftp_req_parse(c->pkt.b, c->pkt.n, &req, &why);
		tap_is_int(r, c->ret, "parse: %s: return", c->what);
		if (c->ret != 0) {
			tap_ok(why != NULL && why[0] != '\0', "parse: %s: reason given",
				c->what);
			continue;
		}
		tap_is_str(req.name, c->name, "parse: %s: name", c->what);
		tap_ok(req.mode == c->mode && req.opts == c->opts &&
				(!(c->opts & TFTP_OPT_BLKSIZE) ||
					req.blksize == c->blksize) &&
				(!(c->opts & TFTP_OPT_TSIZE) || req.tsize == c->tsize) &&
				(!(c->opts & TFTP_OPT_TIMEOUT) ||
					req.timeout == c->timeout) &&
				(!(c->opts & TFTP_OPT_WINDOWSIZE) ||
					req.windowsize == c->windowsize),
			"parse: %s: mode and options (opts %#x)", c->what, req.opts);
	}
}

static void
test_parse_names(void)
{
	uint8_t pkt[1024];
	struct tftp_req req;
	const char *why;
	size_t len;

	/* 255 bytes is the longest accepted name, 256 and 600 are refused. */
	static const size_t lens[] = { 255, 256, 600 };
	static const int want[] = { 0, -ENAMETOOLONG, -ENAMETOOLONG };
	size_t i;

	for (i = 0; i < 3; i++) {
		pkt[0] = 0;
		pkt[1] = 1;
		memset(pkt + 2, 'a', lens[i]);
		pkt[2 + lens[i]] = 0;
		memcpy(pkt + 3 + lens[i], "octet", 6);
		len = 3 + lens[i] + 6;
		tap_is_int(tftp_req_parse(pkt, len, &req, &why), want[i],
			"parse: %zu-byte name", lens[i]);
	}
	/* A NUL inside the name ends it: the rest is the mode. */
	tap_is_int(tftp_req_parse("\0\1a\0b\0octet\0", 12, &req, &why), -EPROTONOSUPPORT,
		"parse: NUL inside the name splits it");
}

struct nego_case {
	const char *what;
	const char *pkt;
	size_t n;
	struct tftp_limits lim;
	uint64_t size;
	unsigned oack;
	uint32_t blksize, windowsize, timeout;
	const char *oack_bytes; /* expected OACK, NULL: none */
	size_t oack_len;
};

#define LIM_WIDE { 65464, 64, 128 * 1024 }
#define NEGO(s) s, sizeof(s) - 1

static const struct nego_case nego_cases[] = {
	{ "no options: no OACK", NEGO("\0\1k\0octet\0"), LIM_WIDE, 1000, 0, 512, 1, 0,
		NULL, 0 },
	{ "only unknown options: no OACK", NEGO("\0\1k\0octet\0foo\0" "1\0"), LIM_WIDE,
		1000, 0, 512, 1, 0, NULL, 0 },
	{ "blksize 1468", NEGO("\0\1k\0octet\0blksize\0" "1468\0"), LIM_WIDE, 1, 1, 1468,
		1, 0, "\0\6blksize\0" "1468\0", 15 },
	{ "blksize 7 ignored", NEGO("\0\1k\0octet\0blksize\0" "7\0"), LIM_WIDE, 1, 0, 512,
		1, 0, NULL, 0 },
	{ "blksize 8 accepted", NEGO("\0\1k\0octet\0blksize\0" "8\0"), LIM_WIDE, 1, 1, 8,
		1, 0, "\0\6blksize\0" "8\0", 12 },
	{ "blksize 65465 lowered", NEGO("\0\1k\0octet\0blksize\0" "65465\0"), LIM_WIDE, 1,
		1, 65464, 1, 0, "\0\6blksize\0" "65464\0", 16 },
	{ "blksize absurd lowered to the MTU cap",
		NEGO("\0\1k\0octet\0blksize\0" "99999999999999999999999\0"),
		{ 1468, 64, 128 * 1024 }, 1, 1, 1468, 1, 0, "\0\6blksize\0" "1468\0",
		15 },
	{ "tsize answered with the size", NEGO("\0\1k\0octet\0tsize\0" "0\0"), LIM_WIDE,
		123456789012ull, 2, 512, 1, 0, "\0\6tsize\0" "123456789012\0", 21 },
	{ "tsize of an empty file not sent: no OACK", NEGO("\0\1k\0octet\0tsize\0" "0\0"),
		LIM_WIDE, 0, 0, 512, 1, 0, NULL, 0 },
	{ "tsize not offered in netascii", NEGO("\0\1k\0netascii\0tsize\0" "0\0"),
		LIM_WIDE, 5, 0, 512, 1, 0, NULL, 0 },
	{ "timeout 0 ignored", NEGO("\0\1k\0octet\0timeout\0" "0\0"), LIM_WIDE, 1, 0, 512,
		1, 0, NULL, 0 },
	{ "timeout 256 ignored", NEGO("\0\1k\0octet\0timeout\0" "256\0"), LIM_WIDE, 1, 0,
		512, 1, 0, NULL, 0 },
	{ "timeout 255 echoed", NEGO("\0\1k\0octet\0timeout\0" "255\0"), LIM_WIDE, 1, 4,
		512, 1, 255, "\0\6timeout\0" "255\0", 14 },
	{ "windowsize 0 ignored", NEGO("\0\1k\0octet\0windowsize\0" "0\0"), LIM_WIDE, 1,
		0, 512, 1, 0, NULL, 0 },
	{ "windowsize 16", NEGO("\0\1k\0octet\0windowsize\0" "16\0"), LIM_WIDE, 1, 8, 512,
		16, 0, "\0\6windowsize\0" "16\0", 16 },
	{ "windowsize capped by the site", NEGO("\0\1k\0octet\0windowsize\0" "65535\0"),
		{ 65464, 4, 128 * 1024 }, 1, 8, 512, 4, 0, "\0\6windowsize\0" "4\0",
		15 },
	{ "window bytes capped: 8 x 65464 becomes 2",
		NEGO("\0\1k\0octet\0blksize\0" "65464\0windowsize\0" "8\0"), LIM_WIDE, 1,
		9, 65464, 2, 0, "\0\6blksize\0" "65464\0windowsize\0" "2\0", 29 },
	{ "blksize above the cap gets the site default",
		NEGO("\0\1k\0octet\0blksize\0" "65464\0"), { 8192, 64, 128 * 1024, 1024 },
		1, 1, 1024, 1, 0, "\0\6blksize\0" "1024\0", 15 },
	{ "blksize within the cap as asked, default or not",
		NEGO("\0\1k\0octet\0blksize\0" "4096\0"), { 8192, 64, 128 * 1024, 1024 },
		1, 1, 4096, 1, 0, "\0\6blksize\0" "4096\0", 15 },
	{ "default blksize above the MTU cap: the cap",
		NEGO("\0\1k\0octet\0blksize\0" "65464\0"), { 1468, 64, 128 * 1024, 8192 },
		1, 1, 1468, 1, 0, "\0\6blksize\0" "1468\0", 15 },
	{ "windowsize above the cap gets the site default",
		NEGO("\0\1k\0octet\0windowsize\0" "32\0"), { 65464, 16, 1 << 20, 0, 4 },
		1, 8, 512, 4, 0, "\0\6windowsize\0" "4\0", 15 },
	{ "windowsize within the cap as asked, default or not",
		NEGO("\0\1k\0octet\0windowsize\0" "8\0"), { 65464, 16, 1 << 20, 0, 4 },
		1, 8, 512, 8, 0, "\0\6windowsize\0" "8\0", 15 },
	{ "window fits the socket buffer with each block's overhead",
		NEGO("\0\1k\0octet\0blksize\0" "1468\0windowsize\0" "16\0"),
		{ 65464, 64, 32768, 0, 0, 1024 }, 1, 9, 1468, 13, 0,
		"\0\6blksize\0" "1468\0windowsize\0" "13\0", 29 },
	{ "a buffer smaller than one block still grants a window of 1",
		NEGO("\0\1k\0octet\0blksize\0" "1468\0windowsize\0" "8\0"),
		{ 65464, 64, 1000, 0, 0, 1024 }, 1, 9, 1468, 1, 0,
		"\0\6blksize\0" "1468\0windowsize\0" "1\0", 28 },
	{ "the buffer caps the site default too",
		NEGO("\0\1k\0octet\0blksize\0" "1468\0windowsize\0" "99\0"),
		{ 65464, 64, 32768, 0, 32, 1024 }, 1, 9, 1468, 13, 0,
		"\0\6blksize\0" "1468\0windowsize\0" "13\0", 29 },
	{ "windowsize not in netascii", NEGO("\0\1k\0netascii\0windowsize\0" "8\0"),
		LIM_WIDE, 1, 0, 512, 1, 0, NULL, 0 },
	{ "OACK order: blksize tsize timeout windowsize",
		NEGO("\0\1k\0octet\0windowsize\0" "2\0timeout\0" "1\0tsize\0" "0\0"
		     "blksize\0" "1024\0"),
		LIM_WIDE, 7, 0xf, 1024, 2, 1,
		"\0\6blksize\0" "1024\0tsize\0" "7\0timeout\0" "1\0windowsize\0" "2\0",
		46 },
};

static void
test_negotiate(void)
{
	size_t i;

	for (i = 0; i < sizeof(nego_cases) / sizeof(nego_cases[0]); i++) {
		const struct nego_case *c = &nego_cases[i];
		struct tftp_req req;
		struct tftp_params p;
		uint8_t buf[256];
		const char *why;
		ssize_t n;

		if (!tap_is_int(tftp_req_parse(c->pkt, c->n, &req, &why), 0,
			    "negotiate: %s: parses", c->what)) {
			tap_skip(2, "no request");
			continue;
		}
		tftp_negotiate(&req, c->size, &c->lim, &p);
		tap_ok(p.oack == c->oack && p.blksize == c->blksize &&
				p.windowsize == c->windowsize && p.timeout == c->timeout,
			"negotiate: %s (oack %#x blksize %u window %u timeout %u)",
			c->what, p.oack, p.blksize, p.windowsize, p.timeout);
		if (c->oack_bytes == NULL) {
			tap_is_int(p.oack, 0, "negotiate: %s: no OACK", c->what);
			continue;
		}
		n = tftp_oack_build(&p, buf, sizeof(buf));
		tap_is_mem(buf, n > 0 ? (size_t)n : 0, c->oack_bytes, c->oack_len,
			"negotiate: %s: OACK bytes", c->what);
	}
}

static void
test_writers(void)
{
	struct tftp_params p = { .blksize = 65464, .tsize = UINT64_MAX,
		.timeout = 255, .windowsize = 65535, .oack = 0xf };
	uint8_t buf[128];
	ssize_t n;
	char longmsg[300];

	/* Every cap below the full length must fail cleanly. */
	n = tftp_oack_build(&p, buf, sizeof(buf));
	tap_ok(n > 0, "oack: longest OACK fits 128 bytes (%zd)", n);
	for (size_t cap = 0; n > 0 && cap < (size_t)n; cap++)
		if (tftp_oack_build(&p, buf, cap) != -ENOSPC) {
			tap_ok(0, "oack: cap %zu refused", cap);
			break;
		}
	tap_ok(1, "oack: every short cap refused with -ENOSPC");
	n = tftp_error_build(TFTP_ENOTFOUND, "file not found", buf, sizeof(buf));
	tap_is_mem(buf, n > 0 ? (size_t)n : 0, "\0\5\0\1file not found\0", 19,
		"error: bytes");
	memset(longmsg, 'x', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	n = tftp_error_build(0, longmsg, buf, sizeof(buf));
	tap_is_int(n, -ENOSPC, "error: message longer than the buffer refused");
	n = tftp_error_build(0, "x", buf, 5);
	tap_is_int(n, -ENOSPC, "error: no room for the NUL");
}

static void
test_reply(void)
{
	struct tftp_reply r;

	tap_is_int(tftp_reply_parse("\0\4\xff\xff", 4, &r), 0, "reply: ACK parses");
	tap_is_int(r.block, 65535, "reply: ACK block 65535");
	tap_is_int(tftp_reply_parse("\0\4\0", 3, &r), -EBADMSG, "reply: short ACK");
	tap_is_int(tftp_reply_parse("", 0, &r), -EBADMSG, "reply: empty");
	tap_is_int(tftp_reply_parse("\0\3\0\1data", 8, &r), -EOPNOTSUPP,
		"reply: DATA is not a reply");
	tap_is_int(tftp_reply_parse("\0\5\0\x08no\nway", 10, &r), 0,
		"reply: ERROR without NUL parses");
	tap_is_str(r.msg, "no?way", "reply: control bytes replaced, length bounded");
	tap_is_int(r.code, 8, "reply: error code");
	tap_is_int(tftp_reply_parse("\0\5\0\0", 4, &r), 0, "reply: ERROR without text");
	tap_is_str(r.msg, "", "reply: empty text");
}

struct path_case {
	const char *name, *root;
	int ret;
	const char *out;
};

static const struct path_case path_cases[] = {
	{ "pxelinux.0", NULL, 0, "pxelinux.0" },
	{ "/pxelinux.cfg/default", "/srv/tftp", 0, "pxelinux.cfg/default" },
	{ "/srv/tftp/lab/vmlinuz", "/srv/tftp", 0, "lab/vmlinuz" },
	{ "/srv/tftp/lab/vmlinuz", "/srv/tftp/", 0, "lab/vmlinuz" },
	{ "/srv/tftpx/vmlinuz", "/srv/tftp", 0, "srv/tftpx/vmlinuz" },
	{ "a//b/./c", NULL, 0, "a/b/c" },
	{ "./a", NULL, 0, "a" },
	{ "..", NULL, -EACCES, NULL },
	{ "../etc/passwd", NULL, -EACCES, NULL },
	{ "a/../../etc/passwd", NULL, -EACCES, NULL },
	{ "/srv/tftp/../etc/passwd", "/srv/tftp", -EACCES, NULL },
	{ "a/..", NULL, -EACCES, NULL },
	{ "..a/b..", NULL, 0, "..a/b.." },
	{ "..\\..\\etc\\passwd", NULL, -EACCES, NULL },
	{ "boot\\bcd", NULL, -EACCES, NULL },
	{ "a\nb", NULL, -EACCES, NULL },
	{ "a\x7f", NULL, -EACCES, NULL },
	{ "\x1b[31m", NULL, -EACCES, NULL },
	{ "/", NULL, -EACCES, NULL },
	{ "/srv/tftp", "/srv/tftp", 0, "srv/tftp" },
	{ "///", NULL, -EACCES, NULL },
	{ ".", NULL, -EACCES, NULL },
	{ "caf\xc3\xa9", NULL, 0, "caf\xc3\xa9" },
};

static void
test_paths(void)
{
	char out[64];
	const char *why;
	size_t i;
	int r;

	for (i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
		const struct path_case *c = &path_cases[i];

		r = tftp_path_clean(c->name, c->root, out, sizeof(out), &why);
		tap_is_int(r, c->ret, "path %zu: return", i);
		if (c->ret == 0)
			tap_is_str(out, c->out, "path %zu: result", i);
		else
			tap_ok(why != NULL, "path %zu: reason given", i);
	}
	r = tftp_path_clean("abcdefgh/ij", NULL, out, 11, &why);
	tap_is_int(r, -ENAMETOOLONG, "path: does not fit out");
	r = tftp_path_clean("abcdefgh/i", NULL, out, 11, &why);
	tap_is_int(r, 0, "path: fits out exactly");
}

static void
test_netascii(void)
{
	static const uint8_t src[] = "a\nb\rc\r\n";
	uint8_t dst[32];
	size_t used, n, total = 0, off = 0;
	int pending = -1;

	n = tftp_netascii_encode(src, sizeof(src) - 1, &used, dst, sizeof(dst), &pending);
	tap_is_mem(dst, n, "a\r\nb\r\0c\r\0\r\n", 11, "netascii: LF and CR encoded");
	tap_is_int(used, sizeof(src) - 1, "netascii: all input used");
	/* One byte at a time out: pairs cut by the end of dst carry over. */
	pending = -1;
	while (off < sizeof(src) - 1 || pending >= 0) {
		n = tftp_netascii_encode(src + off, sizeof(src) - 1 - off, &used,
			dst + total, 1, &pending);
		off += used;
		total += n;
		if (n == 0 || total >= sizeof(dst))
			break;
	}
	tap_is_mem(dst, total, "a\r\nb\r\0c\r\0\r\n", 11,
		"netascii: same bytes through a 1-byte window");
}

int
main(void)
{
	test_parse();
	test_parse_names();
	test_negotiate();
	test_writers();
	test_reply();
	test_paths();
	test_netascii();
	return tap_done();
}
