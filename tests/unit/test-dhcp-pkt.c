/*
 * test-dhcp-pkt.c: the DHCP wire format, hostile packets first.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp-pkt.h"
#include "dhcp-test.h"
#include "tap.h"

static const uint8_t mac1[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static struct dhcp_pkt pkt; /* 5 KiB: not on the stack */

/* ---- builders, one per case ---- */

static void
b_minimal(struct tpkt *p)
{
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_end(p);
}

static void
b_short(struct tpkt *p)
{
	b_minimal(p);
	p->len = DHCP_HDR_LEN - 1;
}

static void
b_empty(struct tpkt *p)
{
	b_minimal(p);
	p->len = 0;
}

static void
b_no_cookie(struct tpkt *p)
{
	b_minimal(p);
	p->len = DHCP_FIXED_LEN; /* plain BOOTP header, nothing after */
}

static void
b_bad_cookie(struct tpkt *p)
{
	b_minimal(p);
	p->b[DHCP_FIXED_LEN] = 98;
}

static void
b_len_past_end(struct tpkt *p)
{
	static const uint8_t o[] = { DHO_HOST_NAME, 10, 'a', 'b' };

	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_raw(p, o, sizeof(o));
}

static void
b_no_len_byte(struct tpkt *p)
{
	static const uint8_t o[] = { DHO_HOST_NAME };

	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_raw(p, o, sizeof(o));
}

static void
b_no_end(struct tpkt *p)
{
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_str(p, DHO_HOST_NAME, "abc");
}

static void
b_zero_hostname(struct tpkt *p)
{
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_opt(p, DHO_HOST_NAME, "", 0);
	tpkt_end(p);
}

static void
b_huge_55(struct tpkt *p)
{
	uint8_t v[255];

	for (size_t i = 0; i < sizeof(v); i++)
		v[i] = (uint8_t)(i + 1);
	tpkt_init(p, DHCPDISCOVER, mac1);
	/* RFC 3396: four instances of 55, to be joined into 1020 bytes */
	for (int k = 0; k < 4; k++)
		tpkt_opt(p, DHO_PARAM_LIST, v, sizeof(v));
	tpkt_end(p);
}

static void
b_op3(struct tpkt *p)
{
	b_minimal(p);
	p->b[0] = 3;
}

static void
b_op0(struct tpkt *p)
{
	b_minimal(p);
	p->b[0] = 0;
}

static void
b_reply_op(struct tpkt *p)
{
	b_minimal(p);
	p->b[0] = BOOTREPLY;
}

static void
b_hlen17(struct tpkt *p)
{
	b_minimal(p);
	p->b[2] = 17;
}

static void
b_hlen255(struct tpkt *p)
{
	b_minimal(p);
	p->b[2] = 255;
}

static void
b_hlen16_htype32(struct tpkt *p)
{
	b_minimal(p);
	p->b[1] = 32; /* InfiniBand: parsed, the reply code refuses it */
	p->b[2] = 16;
}

static void
b_giant(struct tpkt *p)
{
	b_minimal(p);
	p->len = DHCP_PKT_MAX + 1;
}

static void
b_max_pads(struct tpkt *p)
{
	b_minimal(p);
	memset(p->b + p->len - 1, 0, DHCP_PKT_MAX - (p->len - 1));
	p->len = DHCP_PKT_MAX; /* all Pad after option 53, no End */
}

static void
b_type_len2(struct tpkt *p)
{
	static const uint8_t o[] = { DHO_MSG_TYPE, 2, 1, 1 };

	tpkt_init(p, 0, mac1);
	tpkt_raw(p, o, sizeof(o));
	tpkt_end(p);
}

static void
b_type_twice(struct tpkt *p)
{
	/* two instances join to a 2-byte value: refused */
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_u16(p, DHO_MAX_MSG_SIZE, 1500);
	tpkt_opt(p, DHO_MSG_TYPE, "\x01", 1);
	tpkt_end(p);
}

static void
b_req_len3(struct tpkt *p)
{
	tpkt_init(p, DHCPREQUEST, mac1);
	tpkt_opt(p, DHO_REQUESTED_ADDR, "\x0a\x00\x00", 3);
	tpkt_end(p);
}

static void
b_sid_len5(struct tpkt *p)
{
	tpkt_init(p, DHCPREQUEST, mac1);
	tpkt_opt(p, DHO_SERVER_ID, "\x0a\x00\x00\x01\x01", 5);
	tpkt_end(p);
}

static void
b_maxsize_len1(struct tpkt *p)
{
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_opt(p, DHO_MAX_MSG_SIZE, "\x05", 1);
	tpkt_end(p);
}

static void
b_arch_odd(struct tpkt *p)
{
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_opt(p, DHO_CLIENT_ARCH, "\x00\x07\x00", 3);
	tpkt_end(p);
}

static void
b_arch_two(struct tpkt *p)
{
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_opt(p, DHO_CLIENT_ARCH, "\x00\x10\x00\x07", 4);
	tpkt_end(p);
}

/* Option overload: 52 = 3, options in file then sname. */
static void
b_overload_both(struct tpkt *p)
{
	static const uint8_t file_opts[] = { DHO_HOST_NAME, 2, 'p', 'c', DHO_END };
	static const uint8_t sname_opts[] = { DHO_HOST_NAME, 2, '0', '1',
		DHO_DOMAIN_NAME, 3, 'l', 'a', 'b', DHO_END };

	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_opt(p, DHO_OVERLOAD, "\x03", 1);
	tpkt_str(p, DHO_HOST_NAME, "x-");
	tpkt_end(p);
	memcpy(p->b + DHCP_OFF_FILE, file_opts, sizeof(file_opts));
	memcpy(p->b + DHCP_OFF_SNAME, sname_opts, sizeof(sname_opts));
}

static void
b_overload_garbage(struct tpkt *p)
{
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_opt(p, DHO_OVERLOAD, "\x01", 1);
	tpkt_end(p);
	/* file says: option 12, length 200 — past the 128-byte field */
	p->b[DHCP_OFF_FILE] = DHO_HOST_NAME;
	p->b[DHCP_OFF_FILE + 1] = 200;
}

static void
b_overload_text(struct tpkt *p)
{
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_opt(p, DHO_OVERLOAD, "\x02", 1);
	tpkt_end(p);
	/* sname holds a plain name, not options: "pxe.example" */
	memcpy(p->b + DHCP_OFF_SNAME, "pxe.example", 11);
}

static void
b_overload_value4(struct tpkt *p)
{
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_opt(p, DHO_OVERLOAD, "\x04", 1);
	tpkt_end(p);
}

static void
b_overload_len2(struct tpkt *p)
{
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_opt(p, DHO_OVERLOAD, "\x01\x01", 2);
	tpkt_end(p);
}

static void
b_overload_split(struct tpkt *p)
{
	/* a 0-length 52 then a 1-length 52: joined length 1, but the first
	 * instance has no value byte; must not read past it */
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_opt(p, DHO_OVERLOAD, "", 0);
	tpkt_opt(p, DHO_OVERLOAD, "\x01", 1);
	tpkt_end(p);
}

static void
b_overload_in_file(struct tpkt *p)
{
	static const uint8_t file_opts[] = { DHO_OVERLOAD, 1, 2, DHO_END };

	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_opt(p, DHO_OVERLOAD, "\x01", 1);
	tpkt_end(p);
	memcpy(p->b + DHCP_OFF_FILE, file_opts, sizeof(file_opts));
}

static void
b_relay_split(struct tpkt *p)
{
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_opt(p, DHO_RELAY_INFO, "\x01\x03" "abc", 5);
	tpkt_str(p, DHO_HOST_NAME, "h");
	tpkt_opt(p, DHO_RELAY_INFO, "\x02\x02" "xy", 4);
	tpkt_end(p);
}

static void
b_pxe(struct tpkt *p)
{
	static const uint8_t uuid[17] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
		14,
		15, 16 };
	static const uint8_t enc43[] = { PXE_BOOT_ITEM, 4, 0x80, 0x00, 0x00, 0x00, 255 };

	tpkt_init(p, DHCPREQUEST, mac1);
	tpkt_str(p, DHO_VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003016");
	tpkt_u16(p, DHO_CLIENT_ARCH, 7);
	tpkt_opt(p, DHO_CLIENT_NDI, "\x01\x03\x10", 3);
	tpkt_opt(p, DHO_CLIENT_UUID, uuid, sizeof(uuid));
	tpkt_opt(p, DHO_VENDOR_ENCAP, enc43, sizeof(enc43));
	tpkt_str(p, DHO_USER_CLASS, "iPXE");
	tpkt_u16(p, DHO_MAX_MSG_SIZE, 1464);
	tpkt_addr(p, DHO_REQUESTED_ADDR, 0x0a00000b);
	tpkt_addr(p, DHO_SERVER_ID, 0x0a000001);
	tpkt_end(p);
}

static void
b_uc_rfc3004(struct tpkt *p)
{
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_opt(p, DHO_USER_CLASS, "\x03" "foo" "\x04" "iPXE", 9);
	tpkt_end(p);
}

static void
b_uc_bad(struct tpkt *p)
{
	/* instance length runs past the option: not a match, no over-read */
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_opt(p, DHO_USER_CLASS, "\x09" "iPXE", 5);
	tpkt_end(p);
}

static void
b_43_truncated(struct tpkt *p)
{
	tpkt_init(p, DHCPREQUEST, mac1);
	tpkt_opt(p, DHO_VENDOR_ENCAP, "\x47\x08\x80\x00", 4); /* 71, len 8 of 2 */
	tpkt_end(p);
}

static void
b_pad_after_end(struct tpkt *p)
{
	/* garbage after End is ignored, as RFC 2131 permits trailing pad */
	tpkt_init(p, DHCPDISCOVER, mac1);
	tpkt_end(p);
	tpkt_raw(p, "\x0c\xff\xff", 3);
}

/* ---- checks ---- */

static int
c_minimal(const struct dhcp_pkt *k)
{
	return k->op == BOOTREQUEST && k->msg_type == DHCPDISCOVER && k->hlen == 6 &&
		memcmp(k->chaddr, mac1, 6) == 0 && !k->no_end &&
			k->xid == htonl(0x12345678);
}

static int
c_no_end(const struct dhcp_pkt *k)
{
	size_t n;
	const uint8_t *v = dhcp_pkt_opt(k, DHO_HOST_NAME, &n);

	return k->no_end && v != NULL && n == 3 && memcmp(v, "abc", 3) == 0;
}

static int
c_zero_hostname(const struct dhcp_pkt *k)
{
	size_t n = 99;

	return dhcp_pkt_opt(k, DHO_HOST_NAME, &n) != NULL && n == 0;
}

static int
c_huge_55(const struct dhcp_pkt *k)
{
	size_t n;

	return dhcp_pkt_opt(k, DHO_PARAM_LIST, &n) != NULL && n == 1020 &&
		dhcp_pkt_requests(k, 255) && dhcp_pkt_requests(k, 1);
}

static int
c_max_pads(const struct dhcp_pkt *k)
{
	return k->msg_type == DHCPDISCOVER && k->no_end;
}

static int
c_arch_odd(const struct dhcp_pkt *k)
{
	size_t n;

	return k->n_arch == 0 && dhcp_pkt_opt(k, DHO_CLIENT_ARCH, &n) != NULL && n == 3;
}

static int
c_arch_two(const struct dhcp_pkt *k)
{
	return k->n_arch == 2 && k->arch[0] == 16 && k->arch[1] == 7;
}

static int
c_overload_both(const struct dhcp_pkt *k)
{
	size_t n, m;
	const uint8_t *v = dhcp_pkt_opt(k, DHO_HOST_NAME, &n);
	const uint8_t *d = dhcp_pkt_opt(k, DHO_DOMAIN_NAME, &m);

	/* options, then file, then sname (RFC 2131 §4.1) */
	return k->overload == 3 && v != NULL && n == 6 && memcmp(v, "x-pc01", 6) == 0 &&
		d != NULL && m == 3 && k->file[0] == '\0' && k->sname[0] == '\0';
}

static int
c_relay_split(const struct dhcp_pkt *k)
{
	size_t n, m;
	const uint8_t *v = dhcp_pkt_opt(k, DHO_RELAY_INFO, &n);
	const uint8_t *s = dhcp_pkt_subopt(k, DHO_RELAY_INFO, 2, &m);

	return v != NULL && n == 9 && memcmp(v, "\x01\x03" "abc\x02\x02xy", 9) == 0 &&
		s != NULL && m == 2 && memcmp(s, "xy", 2) == 0;
}

static int
c_pxe(const struct dhcp_pkt *k)
{
	size_t n;
	const uint8_t *item = dhcp_pkt_subopt(k, DHO_VENDOR_ENCAP, PXE_BOOT_ITEM, &n);

	return k->msg_type == DHCPREQUEST && k->n_arch == 1 && k->arch[0] == 7 &&
		dhcp_pkt_vendor_class_is(k, "PXEClient") &&
		!dhcp_pkt_vendor_class_is(k, "HTTPClient") &&
		dhcp_pkt_user_class_has(k, "iPXE") && k->max_msg_size == 1464 &&
		k->requested_addr.s_addr == htonl(0x0a00000b) &&
		k->server_id.s_addr == htonl(0x0a000001) && item != NULL && n == 4 &&
		item[0] == 0x80;
}

static int
c_uc_rfc3004(const struct dhcp_pkt *k)
{
	return dhcp_pkt_user_class_has(k, "iPXE") && dhcp_pkt_user_class_has(k, "foo") &&
		!dhcp_pkt_user_class_has(k, "fo");
}

static int
c_uc_bad(const struct dhcp_pkt *k)
{
	return !dhcp_pkt_user_class_has(k, "iPXE");
}

static int
c_43_truncated(const struct dhcp_pkt *k)
{
	size_t n;

	return dhcp_pkt_subopt(k, DHO_VENDOR_ENCAP, PXE_BOOT_ITEM, &n) == NULL;
}

static const struct {
	const char *name;
	void (*build)(struct tpkt *p);
	int want;
	int (*check)(const struct dhcp_pkt *k);
} cases[] = {
	{ "minimal DISCOVER", b_minimal, 0, c_minimal },
	{ "one byte short of the cookie", b_short, -EBADMSG, NULL },
	{ "empty datagram", b_empty, -EBADMSG, NULL },
	{ "BOOTP header without cookie", b_no_cookie, -EBADMSG, NULL },
	{ "wrong magic cookie", b_bad_cookie, -EBADMSG, NULL },
	{ "option length past the end", b_len_past_end, -EBADMSG, NULL },
	{ "option code without length byte", b_no_len_byte, -EBADMSG, NULL },
	{ "missing End option", b_no_end, 0, c_no_end },
	{ "zero-length host name", b_zero_hostname, 0, c_zero_hostname },
	{ "option 55 of 1020 bytes in four parts", b_huge_55, 0, c_huge_55 },
	{ "op 3", b_op3, -EBADMSG, NULL },
	{ "op 0", b_op0, -EBADMSG, NULL },
	{ "op BOOTREPLY parses", b_reply_op, 0, NULL },
	{ "hlen 17", b_hlen17, -EBADMSG, NULL },
	{ "hlen 255", b_hlen255, -EBADMSG, NULL },
	{ "htype 32 hlen 16 parses", b_hlen16_htype32, 0, NULL },
	{ "giant packet", b_giant, -EMSGSIZE, NULL },
	{ "largest packet, all pad", b_max_pads, 0, c_max_pads },
	{ "message type of length 2", b_type_len2, -EBADMSG, NULL },
	{ "message type twice", b_type_twice, -EBADMSG, NULL },
	{ "requested address of length 3", b_req_len3, -EBADMSG, NULL },
	{ "server id of length 5", b_sid_len5, -EBADMSG, NULL },
	{ "max message size of length 1", b_maxsize_len1, -EBADMSG, NULL },
	{ "option 93 of odd length", b_arch_odd, 0, c_arch_odd },
	{ "option 93 with two types", b_arch_two, 0, c_arch_two },
	{ "overload 3: options in file and sname", b_overload_both, 0, c_overload_both },
	{ "overload pointing at garbage", b_overload_garbage, -EBADMSG, NULL },
	{ "overload pointing at a plain name", b_overload_text, -EBADMSG, NULL },
	{ "overload value 4", b_overload_value4, -EBADMSG, NULL },
	{ "overload of length 2", b_overload_len2, -EBADMSG, NULL },
	{ "overload split 0+1 bytes", b_overload_split, -EBADMSG, NULL },
	{ "overload inside file", b_overload_in_file, -EBADMSG, NULL },
	{ "option 82 in two parts", b_relay_split, 0, c_relay_split },
	{ "PXE REQUEST with 60/93/94/97/43/77/57/50/54", b_pxe, 0, c_pxe },
	{ "RFC 3004 user class", b_uc_rfc3004, 0, c_uc_rfc3004 },
	{ "user class instance past its end", b_uc_bad, 0, c_uc_bad },
	{ "43.71 longer than 43", b_43_truncated, 0, c_43_truncated },
	{ "bytes after End", b_pad_after_end, 0, NULL },
};

static void
test_table(void)
{
	static struct tpkt p;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;

		cases[i].build(&p);
		r = dhcp_pkt_parse(p.b, p.len, &pkt);
		if (tap_is_int(r, cases[i].want, "parse: %s", cases[i].name) && r == 0 &&
			cases[i].check != NULL)
			tap_ok(cases[i].check(&pkt), "fields: %s", cases[i].name);
	}
}

static void
test_type_repeated(void)
{
	static struct tpkt p;

	tpkt_init(&p, DHCPDISCOVER, mac1);
	tpkt_opt(&p, DHO_MSG_TYPE, "\x03", 1);
	tpkt_end(&p);
	tap_is_int(dhcp_pkt_parse(p.b, p.len, &pkt), -EBADMSG,
		"option 53 twice joins to 2 bytes and is refused");
}

/* Every prefix of a valid, option-rich packet: never a crash, and each
 * either parses or is refused with -EBADMSG. */
static void
test_prefixes(void)
{
	static struct tpkt p;
	size_t bad = 0;

	b_pxe(&p);
	for (size_t len = 0; len <= p.len; len++) {
		int r = dhcp_pkt_parse(p.b, len, &pkt);

		if (r != 0 && r != -EBADMSG)
			bad++;
	}
	tap_is_int((long long)bad, 0, "every prefix parses or is -EBADMSG");
}

static void
test_builder_bounds(void)
{
	static struct tpkt p;
	uint8_t buf[DHCP_HDR_LEN + 8];
	uint8_t big[300];
	struct dhcp_builder b;
	char name[DHCP_FILE_LEN + 1];

	b_minimal(&p);
	dhcp_pkt_parse(p.b, p.len, &pkt);
	tap_is_int(dhcp_build_start(&b, buf, DHCP_HDR_LEN, &pkt), -EINVAL,
		"builder refuses a buffer with no room for End");
	tap_is_int(dhcp_build_start(&b, buf, sizeof(buf), &pkt), 0, "builder starts");
	tap_is_int(dhcp_tlv_add_u8(&b.opts, DHO_MSG_TYPE, DHCPOFFER), 0, "3 bytes fit");
	tap_is_int(dhcp_tlv_add_u32(&b.opts, DHO_LEASE_TIME, 1), -ENOSPC,
		"6 more do not fit in 7 with End kept");
	tap_is_int(dhcp_tlv_add_u8(&b.opts, DHO_MTU, 1), -ENOSPC, "the error sticks");
	tap_is_int(dhcp_build_finish(&b), -ENOSPC, "finish reports it");
	tap_is_int(dhcp_tlv_add(&b.opts, DHO_END, "", 0), -ENOSPC,
		"still sticky for End");

	dhcp_build_start(&b, buf, sizeof(buf), &pkt);
	tap_is_int(dhcp_tlv_add(&b.opts, DHO_PAD, "", 0), -EINVAL, "code 0 refused");
	dhcp_build_start(&b, buf, sizeof(buf), &pkt);
	tap_is_int(dhcp_tlv_add(&b.opts, DHO_HOST_NAME, big, 256), -EINVAL,
		"256-byte option refused");
	memset(name, 'a', sizeof(name) - 1);
	name[DHCP_FILE_LEN] = '\0';
	tap_is_int(dhcp_build_set_file(&b, name), -ENAMETOOLONG,
		"128-byte file name does not fit with its NUL");
	name[DHCP_FILE_LEN - 1] = '\0';
	tap_is_int(dhcp_build_set_file(&b, name), 0, "127-byte file name fits");
}

/* Build a reply with a long option, parse it back as a BOOTREPLY. */
static void
test_roundtrip(void)
{
	static uint8_t buf[1024];
	static struct tpkt p;
	static struct dhcp_pkt back;
	uint8_t big[600];
	struct dhcp_builder b;
	struct in_addr ci = { 0 }, yi = { htonl(0x0a00000b) }, si = { htonl(0x0a000001) };
	const uint8_t *v;
	size_t n;
	int len;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	b_pxe(&p);
	dhcp_pkt_parse(p.b, p.len, &pkt);
	dhcp_build_start(&b, buf, sizeof(buf), &pkt);
	dhcp_build_set_addrs(&b, ci, yi, si);
	dhcp_build_set_file(&b, "pxelinux.0");
	dhcp_tlv_add_u8(&b.opts, DHO_MSG_TYPE, DHCPOFFER);
	dhcp_tlv_add_long(&b.opts, DHO_RELAY_INFO, big, sizeof(big));
	len = dhcp_build_finish(&b);
	tap_ok(len > 0 && (size_t)len == DHCP_HDR_LEN + 3 + 600 + 3 * 2 + 1,
		"reply length with a 600-byte option in three parts");
	tap_is_int(dhcp_pkt_parse(buf, (size_t)len, &back), 0, "reply parses back");
	v = dhcp_pkt_opt(&back, DHO_RELAY_INFO, &n);
	tap_ok(v != NULL && n == sizeof(big) && memcmp(v, big, n) == 0,
		"long option joined back (RFC 3396)");
	tap_ok(back.op == BOOTREPLY && back.xid == pkt.xid &&
		back.yiaddr.s_addr == yi.s_addr &&
			back.siaddr.s_addr == si.s_addr && strcmp(back.file,
				"pxelinux.0") == 0 &&
			memcmp(back.chaddr, mac1, 6) == 0 && back.msg_type == DHCPOFFER,
		"header fields copied");
	dhcp_build_start(&b, buf, 400, &pkt);
	tap_is_int(dhcp_tlv_add_long(&b.opts, DHO_RELAY_INFO, big, sizeof(big)), -ENOSPC,
		"a long option that does not fit is refused whole");
	tap_is_int((long long)b.opts.len, 0, "and leaves nothing behind");
	dhcp_build_start(&b, buf, DHCP_MIN_MSG, &pkt);
	dhcp_tlv_add_u8(&b.opts, DHO_MSG_TYPE, DHCPACK);
	tap_is_int(dhcp_build_finish(&b), 300,
		"short reply padded to the BOOTP 300 bytes");
}

int
main(void)
{
	test_table();
	test_type_repeated();
	test_prefixes();
	test_builder_bounds();
	test_roundtrip();
	return tap_done();
}
