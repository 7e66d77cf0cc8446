/*
 * dhcp-pkt.c: see dhcp-pkt.h.
 *
 * Parsing follows OpenBSD dhcpleased's engine.c: a cursor and a count of the
 * bytes left, and every length compared with that count before a read.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "dhcp-pkt.h"

static const uint8_t dhcp_cookie[DHCP_COOKIE_LEN] = { 99, 130, 83, 99 };

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
set_present(struct dhcp_pkt *pkt, uint8_t code)
{
	pkt->present[code >> 3] |= (uint8_t)(1u << (code & 7));
}

bool
dhcp_pkt_has(const struct dhcp_pkt *pkt, uint8_t code)
{
	return (pkt->present[code >> 3] >> (code & 7)) & 1;
}

enum walk_pass {
	WALK_COUNT, /* sum the lengths per code */
	WALK_COPY,  /* copy the bytes to their place in optbuf */
};

enum walk_area {
	AREA_OPTIONS,
	AREA_FILE,
	AREA_SNAME,
};

/*
 * Walks one options area. RFC 2132 §2: Pad (0) and End (255) are one byte,
 * every other option is code, length, data. An option whose length runs
 * past the area is an error: the area ends where it ends, and guessing at a
 * shorter value would hand the reply code garbage.
 */
static int
walk_area(struct dhcp_pkt *pkt, const uint8_t *p, size_t rem, enum walk_area area,
	enum walk_pass pass)
{
	while (rem > 0) {
		uint8_t code = p[0], olen;

		if (code == DHO_PAD) {
			p++;
			rem--;
			continue;
		}
		if (code == DHO_END)
			return 0;
		if (rem < 2)
			return -EBADMSG;
		olen = p[1];
		if (rem - 2 < olen)
			return -EBADMSG;
		/* RFC 2131 §4.1: overload lives in the options field only. */
		if (code == DHO_OVERLOAD && area != AREA_OPTIONS)
			return -EBADMSG;
		if (pass == WALK_COUNT) {
			set_present(pkt, code);
			pkt->loc[code].len = (uint16_t)(pkt->loc[code].len + olen);
		} else {
			struct dhcp_opt_loc *l = &pkt->loc[code];

			memcpy(pkt->optbuf + l->off + l->len, p + 2, olen);
			l->len = (uint16_t)(l->len + olen);
		}
		p += 2 + (size_t)olen;
		rem -= 2 + (size_t)olen;
	}
	if (area == AREA_OPTIONS)
		pkt->no_end = true;
	return 0;
}

/* RFC 2131 §4.1: "options" first, then "file", then "sname" when option 52
 * says they hold options. */
static int
walk_all(struct dhcp_pkt *pkt, const uint8_t *buf, size_t len, enum walk_pass pass)
{
	int r;

	pkt->no_end = false;
	r = walk_area(pkt, buf + DHCP_HDR_LEN, len - DHCP_HDR_LEN, AREA_OPTIONS, pass);
	if (r < 0)
		return r;
	if (pkt->overload & 1) {
		r = walk_area(pkt, buf + DHCP_OFF_FILE, DHCP_FILE_LEN, AREA_FILE, pass);
		if (r < 0)
			return r;
	}
	if (pkt->overload & 2) {
		r = walk_area(pkt, buf + DHCP_OFF_SNAME, DHCP_SNAME_LEN, AREA_SNAME,
			pass);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Pass one counted only the options area when it met option 52; read its
 * value there, so that file and sname are walked in both passes alike. */
static int
find_overload(const uint8_t *p, size_t rem, uint8_t *out)
{
	*out = 0;
	while (rem > 0 && p[0] != DHO_END) {
		if (p[0] == DHO_PAD) {
			p++;
			rem--;
			continue;
		}
		/* walk_area already checked the lengths */
		/* RFC 2132 §9.3: one octet, 1 file, 2 sname, 3 both. */
		if (p[0] == DHO_OVERLOAD) {
			if (p[1] != 1 || p[2] < 1 || p[2] > 3)
				return -EBADMSG;
			*out = p[2];
			return 0;
		}
		rem -= 2 + (size_t)p[1];
		p += 2 + (size_t)p[1];
	}
	return 0;
}

static void
copy_name(char *dst, const uint8_t *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = '\0'; /* the field need not hold a NUL; ours does */
}

static void
parse_header(const uint8_t *buf, struct dhcp_pkt *pkt)
{
	pkt->op = buf[0];
	pkt->htype = buf[1];
	pkt->hlen = buf[2];
	pkt->hops = buf[3];
	memcpy(&pkt->xid, buf + 4, 4);
	pkt->secs = rd16(buf + 8);
	pkt->flags = rd16(buf + 10);
	memcpy(&pkt->ciaddr, buf + 12, 4);
	memcpy(&pkt->yiaddr, buf + 16, 4);
	memcpy(&pkt->siaddr, buf + 20, 4);
	memcpy(&pkt->giaddr, buf + 24, 4);
	memcpy(pkt->chaddr, buf + 28, DHCP_CHADDR_LEN);
}

/* Decodes the options whose shape RFC 2132 fixes. A wrong length on one a
 * reply depends on refuses the packet; the others are just not decoded. */
static int
decode_options(struct dhcp_pkt *pkt)
{
	size_t n;
	const uint8_t *v;

	if ((v = dhcp_pkt_opt(pkt, DHO_MSG_TYPE, &n)) != NULL) {
		if (n != 1)
			return -EBADMSG;
		pkt->msg_type = v[0];
	}
	if ((v = dhcp_pkt_opt(pkt, DHO_REQUESTED_ADDR, &n)) != NULL) {
		if (n != 4)
			return -EBADMSG;
		memcpy(&pkt->requested_addr, v, 4);
	}
	if ((v = dhcp_pkt_opt(pkt, DHO_SERVER_ID, &n)) != NULL) {
		if (n != 4)
			return -EBADMSG;
		memcpy(&pkt->server_id, v, 4);
	}
	if ((v = dhcp_pkt_opt(pkt, DHO_MAX_MSG_SIZE, &n)) != NULL) {
		if (n != 2)
			return -EBADMSG;
		pkt->max_msg_size = rd16(v);
	}
	/* RFC 4578 §2.1: a list of 16-bit types, most preferred first. */
	v = dhcp_pkt_opt(pkt, DHO_CLIENT_ARCH, &n);
	if (v != NULL && n >= 2 && n % 2 == 0) {
		size_t i, max = sizeof(pkt->arch) / sizeof(pkt->arch[0]);

		for (i = 0; i < n / 2 && i < max; i++)
			pkt->arch[i] = rd16(v + 2 * i);
		pkt->n_arch = (uint8_t)i;
	}
	return 0;
}

int
dhcp_pkt_parse(const uint8_t *buf, size_t len, struct dhcp_pkt *pkt)
{
	size_t code, off;
	int r;

	if (len > DHCP_PKT_MAX)
		return -EMSGSIZE;
	if (len < DHCP_HDR_LEN)
		return -EBADMSG;
	memset(pkt, 0, offsetof(struct dhcp_pkt, optbuf));
	parse_header(buf, pkt);
	if (pkt->op != BOOTREQUEST && pkt->op != BOOTREPLY)
		return -EBADMSG;
	if (pkt->hlen > DHCP_CHADDR_LEN)
		return -EBADMSG;
	/* RFC 2131 §3: without the cookie this is plain BOOTP (RFC 951). */
	if (memcmp(buf + DHCP_FIXED_LEN, dhcp_cookie, DHCP_COOKIE_LEN) != 0)
		return -EBADMSG;

	r = walk_area(pkt, buf + DHCP_HDR_LEN, len - DHCP_HDR_LEN, AREA_OPTIONS,
		WALK_COUNT);
	if (r < 0)
		return r;
	if (dhcp_pkt_has(pkt, DHO_OVERLOAD)) {
		if (pkt->loc[DHO_OVERLOAD].len != 1)
			return -EBADMSG;
		r = find_overload(buf + DHCP_HDR_LEN, len - DHCP_HDR_LEN, &pkt->overload);
		if (r < 0)
			return r;
		/* count what file and sname add (the options area again would
		 * count twice, so only the overloaded fields are walked) */
		if ((pkt->overload & 1) &&
			(r = walk_area(pkt, buf + DHCP_OFF_FILE, DHCP_FILE_LEN, AREA_FILE,
				 WALK_COUNT)) < 0)
			return r;
		if ((pkt->overload & 2) &&
			(r = walk_area(pkt, buf + DHCP_OFF_SNAME, DHCP_SNAME_LEN,
				 AREA_SNAME, WALK_COUNT)) < 0)
			return r;
	}

	/* Lay the options out one after the other, then copy them in. The
	 * total cannot exceed len, which is at most sizeof(optbuf). */
	for (code = 0, off = 0; code < 256; code++) {
		pkt->loc[code].off = (uint16_t)off;
		off += pkt->loc[code].len;
		pkt->loc[code].len = 0;
	}
	pkt->optbuf_len = (uint16_t)off;
	r = walk_all(pkt, buf, len, WALK_COPY);
	if (r < 0)
		return r;

	if (!(pkt->overload & 1))
		copy_name(pkt->file, buf + DHCP_OFF_FILE, DHCP_FILE_LEN);
	if (!(pkt->overload & 2))
		copy_name(pkt->sname, buf + DHCP_OFF_SNAME, DHCP_SNAME_LEN);
	return decode_options(pkt);
}

const uint8_t *
dhcp_pkt_opt(const struct dhcp_pkt *pkt, uint8_t code, size_t *len)
{
	if (!dhcp_pkt_has(pkt, code))
		return NULL;
	*len = pkt->loc[code].len;
	return pkt->optbuf + pkt->loc[code].off;
}

bool
dhcp_pkt_requests(const struct dhcp_pkt *pkt, uint8_t code)
{
	const uint8_t *v;
	size_t n;

	v = dhcp_pkt_opt(pkt, DHO_PARAM_LIST, &n);
	return v != NULL && memchr(v, code, n) != NULL;
}

bool
dhcp_pkt_vendor_class_is(const struct dhcp_pkt *pkt, const char *prefix)
{
	size_t n, plen = strlen(prefix);
	const uint8_t *v;

	v = dhcp_pkt_opt(pkt, DHO_VENDOR_CLASS, &n);
	return v != NULL && n >= plen && memcmp(v, prefix, plen) == 0;
}

bool
dhcp_pkt_user_class_has(const struct dhcp_pkt *pkt, const char *name)
{
	size_t n, nlen = strlen(name);
	const uint8_t *v;

	v = dhcp_pkt_opt(pkt, DHO_USER_CLASS, &n);
	if (v == NULL)
		return false;
	/* iPXE sends the bare string, not RFC 3004's instances. */
	if (n == nlen && memcmp(v, name, nlen) == 0)
		return true;
	/* RFC 3004 §4: UC_Len_i, User_Class_Data_i, ... */
	while (n > 0) {
		size_t ilen = v[0];

		if (ilen == 0 || n - 1 < ilen)
			return false;
		if (ilen == nlen && memcmp(v + 1, name, nlen) == 0)
			return true;
		v += 1 + ilen;
		n -= 1 + ilen;
	}
	return false;
}

const uint8_t *
dhcp_pkt_subopt(const struct dhcp_pkt *pkt, uint8_t code, uint8_t sub, size_t *len)
{
	/* PXE (43) and iPXE (175) end with 255 and pad with 0; relay agent
	 * sub-options (RFC 3046) have no such codes. */
	bool pad_end = code != DHO_RELAY_INFO;
	const uint8_t *v;
	size_t n;

	v = dhcp_pkt_opt(pkt, code, &n);
	if (v == NULL)
		return NULL;
	while (n > 0) {
		if (pad_end && v[0] == DHO_PAD) {
			v++;
			n--;
			continue;
		}
		if (pad_end && v[0] == DHO_END)
			return NULL;
		if (n < 2 || n - 2 < v[1])
			return NULL;
		if (v[0] == sub) {
			*len = v[1];
			return v + 2;
		}
		n -= 2 + (size_t)v[1];
		v += 2 + (size_t)v[1];
	}
	return NULL;
}

const char *
dhcp_msg_type_name(uint8_t type)
{
	static const char *const names[] = {
		[DHCP_NONE] = "BOOTP", [DHCPDISCOVER] = "DHCPDISCOVER",
		[DHCPOFFER] = "DHCPOFFER", [DHCPREQUEST] = "DHCPREQUEST",
		[DHCPDECLINE] = "DHCPDECLINE", [DHCPACK] = "DHCPACK",
		[DHCPNAK] = "DHCPNAK", [DHCPRELEASE] = "DHCPRELEASE",
		[DHCPINFORM] = "DHCPINFORM",
	};

	if (type < sizeof(names) / sizeof(names[0]))
		return names[type];
	return "unknown";
}

void
dhcp_tlv_init(struct dhcp_tlv *t, uint8_t *buf, size_t cap)
{
	t->buf = buf;
	t->cap = cap;
	t->len = 0;
	t->err = 0;
}

int
dhcp_tlv_add(struct dhcp_tlv *t, uint8_t code, const void *data, size_t len)
{
	if (t->err != 0)
		return t->err;
	if (len > 255 || code == DHO_PAD || code == DHO_END)
		return t->err = -EINVAL;
	if (t->cap - t->len < 2 + len)
		return t->err = -ENOSPC;
	t->buf[t->len] = code;
	t->buf[t->len + 1] = (uint8_t)len;
	if (len > 0)
		memcpy(t->buf + t->len + 2, data, len);
	t->len += 2 + len;
	return 0;
}

int
dhcp_tlv_add_long(struct dhcp_tlv *t, uint8_t code, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t saved = t->len;

	do {
		size_t chunk = len > 255 ? 255 : len;

		if (dhcp_tlv_add(t, code, p, chunk) < 0) {
			t->len = saved; /* all or nothing */
			return t->err;
		}
		p += chunk;
		len -= chunk;
	} while (len > 0);
	return 0;
}

int
dhcp_tlv_add_end(struct dhcp_tlv *t)
{
	if (t->err != 0)
		return t->err;
	if (t->cap - t->len < 1)
		return t->err = -ENOSPC;
	t->buf[t->len++] = DHO_END;
	return 0;
}

int
dhcp_tlv_add_u8(struct dhcp_tlv *t, uint8_t code, uint8_t v)
{
	return dhcp_tlv_add(t, code, &v, 1);
}

int
dhcp_tlv_add_u16(struct dhcp_tlv *t, uint8_t code, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return dhcp_tlv_add(t, code, b, sizeof(b));
}

int
dhcp_tlv_add_u32(struct dhcp_tlv *t, uint8_t code, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
		(uint8_t)v };

	return dhcp_tlv_add(t, code, b, sizeof(b));
}

int
dhcp_tlv_add_addr(struct dhcp_tlv *t, uint8_t code, struct in_addr a)
{
	return dhcp_tlv_add(t, code, &a.s_addr, 4);
}

int
dhcp_tlv_add_str(struct dhcp_tlv *t, uint8_t code, const char *s)
{
	return dhcp_tlv_add(t, code, s, strlen(s));
}

int
dhcp_build_start(struct dhcp_builder *b, uint8_t *buf, size_t cap,
	const struct dhcp_pkt *req)
{
	if (cap < DHCP_HDR_LEN + 1)
		return -EINVAL;
	b->buf = buf;
	b->cap = cap;
	memset(buf, 0, DHCP_HDR_LEN);
	buf[0] = BOOTREPLY;
	buf[1] = req->htype;
	buf[2] = req->hlen;
	memcpy(buf + 4, &req->xid, 4);
	buf[10] = (uint8_t)(req->flags >> 8);
	buf[11] = (uint8_t)req->flags;
	memcpy(buf + 24, &req->giaddr, 4);
	memcpy(buf + 28, req->chaddr, DHCP_CHADDR_LEN);
	memcpy(buf + DHCP_FIXED_LEN, dhcp_cookie, DHCP_COOKIE_LEN);
	/* keep one byte for End */
	dhcp_tlv_init(&b->opts, buf + DHCP_HDR_LEN, cap - DHCP_HDR_LEN - 1);
	return 0;
}

void
dhcp_build_set_addrs(struct dhcp_builder *b, struct in_addr ciaddr,
	struct in_addr yiaddr, struct in_addr siaddr)
{
	memcpy(b->buf + 12, &ciaddr, 4);
	memcpy(b->buf + 16, &yiaddr, 4);
	memcpy(b->buf + 20, &siaddr, 4);
}

static int
set_field(uint8_t *field, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(field, s, n);
	memset(field + n, 0, size - n);
	return 0;
}

int
dhcp_build_set_file(struct dhcp_builder *b, const char *file)
{
	return set_field(b->buf + DHCP_OFF_FILE, DHCP_FILE_LEN, file);
}

int
dhcp_build_set_sname(struct dhcp_builder *b, const char *sname)
{
	return set_field(b->buf + DHCP_OFF_SNAME, DHCP_SNAME_LEN, sname);
}

int
dhcp_build_finish(struct dhcp_builder *b)
{
	size_t len, min = 300;

	if (b->opts.err != 0)
		return b->opts.err;
	len = DHCP_HDR_LEN + b->opts.len;
	b->buf[len++] = DHO_END; /* room kept by dhcp_build_start() */
	if (min > b->cap)
		min = b->cap;
	if (len < min) {
		memset(b->buf + len, 0, min - len);
		len = min;
	}
	return (int)len;
}
