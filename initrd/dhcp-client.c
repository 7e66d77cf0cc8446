/*
 * dhcp-client.c: DHCP packets of the client (RFC 2131, options RFC 2132).
 * Pure: see dhcp-client.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcp-client.h"
#include "udp-frame.h"

/* RFC 2131 §3: "the first four octets of the 'options' field ... magic
 * cookie ... 99, 130, 83 and 99". */
static const uint8_t magic[4] = { 99, 130, 83, 99 };

/* Offsets in the fixed BOOTP header (RFC 2131 §2, figure 1). */
enum {
	OFF_OP = 0, OFF_HTYPE = 1, OFF_HLEN = 2, OFF_XID = 4, OFF_SECS = 8,
	OFF_FLAGS = 10, OFF_YIADDR = 16, OFF_SIADDR = 20, OFF_CHADDR = 28,
	OFF_SNAME = 44, OFF_FILE = 108,
};

enum {
	OPT_PAD = 0, OPT_MASK = 1, OPT_ROUTER = 3, OPT_DNS = 6, OPT_HOSTNAME = 12,
	OPT_DOMAIN = 15, OPT_ROOTPATH = 17, OPT_MTU = 26, OPT_REQIP = 50,
	OPT_LEASE = 51, OPT_OVERLOAD = 52, OPT_MSGTYPE = 53, OPT_SERVERID = 54,
	OPT_PRL = 55, OPT_MAXSIZE = 57, OPT_VENDOR = 60, OPT_CLIENTID = 61,
	OPT_END = 255,
};

struct wbuf {
	uint8_t *p;
	size_t size, len;
	bool full;
};

static void
wput(struct wbuf *w, const void *d, size_t n)
{
	if (w->full || n > w->size - w->len) {
		w->full = true;
		return;
	}
	memcpy(w->p + w->len, d, n);
	w->len += n;
}

static void
wopt(struct wbuf *w, uint8_t code, const void *d, uint8_t n)
{
	wput(w, &code, 1);
	wput(w, &n, 1);
	wput(w, d, n);
}

int
dhcp_build(uint8_t *buf, size_t size, uint8_t type, uint32_t xid, const uint8_t mac[6],
	struct in_addr req_ip, struct in_addr server_id, uint16_t secs)
{
	/* what the kernel's ipconfig asks for (reference §1.4.1), plus lease */
	static const uint8_t prl[] = { OPT_MASK, OPT_ROUTER, OPT_DNS, OPT_HOSTNAME,
		OPT_DOMAIN, OPT_ROOTPATH, OPT_MTU, OPT_LEASE };
	static const char vendor[] = "diskless-init";
	struct wbuf w = { buf, size, 0, false };
	uint8_t hdr[DHCP_FIXED_LEN], cid[7], end = OPT_END;
	uint16_t maxsize = htons(DHCP_PACKET_MAX);
	uint32_t nxid = htonl(xid);
	uint16_t nsecs = htons(secs), flags = htons(0x8000);

	memset(hdr, 0, sizeof(hdr));
	hdr[OFF_OP] = 1;	/* BOOTREQUEST */
	hdr[OFF_HTYPE] = 1;	/* Ethernet */
	hdr[OFF_HLEN] = 6;
	memcpy(hdr + OFF_XID, &nxid, 4);
	memcpy(hdr + OFF_SECS, &nsecs, 2);
	/* RFC 2131 §4.1: a client that cannot receive unicast IP before it
	 * has an address sets BROADCAST; we have no address yet. */
	memcpy(hdr + OFF_FLAGS, &flags, 2);
	memcpy(hdr + OFF_CHADDR, mac, 6);
	wput(&w, hdr, sizeof(hdr));
	wput(&w, magic, sizeof(magic));
	wopt(&w, OPT_MSGTYPE, &type, 1);
	cid[0] = 1;
	memcpy(cid + 1, mac, 6);
	wopt(&w, OPT_CLIENTID, cid, sizeof(cid));
	wopt(&w, OPT_MAXSIZE, &maxsize, 2);
	wopt(&w, OPT_VENDOR, vendor, sizeof(vendor) - 1);
	if (type == DHCPREQUEST) {
		wopt(&w, OPT_REQIP, &req_ip, 4);
		wopt(&w, OPT_SERVERID, &server_id, 4);
	}
	wopt(&w, OPT_PRL, prl, sizeof(prl));
	wput(&w, &end, 1);
	/* RFC 1542 §3.4: some relays drop BOOTP messages under 300 bytes */
	while (!w.full && w.len < 300) {
		uint8_t pad = OPT_PAD;

		wput(&w, &pad, 1);
	}
	return w.full ? -ENOBUFS : (int)w.len;
}

/* From 0.0.0.0:68 to 255.255.255.255:67: the client has no address yet. */
int
dhcp_frame_build(uint8_t *f, size_t size, const uint8_t *payload, size_t plen)
{
	struct in_addr any = { htonl(INADDR_ANY) }, all = { htonl(INADDR_BROADCAST) };
	int n = udp_frame_build(f, size, any, 68, all, 67, payload, plen);

	return n == -EMSGSIZE ? -ENOBUFS : n;
}

int
dhcp_frame_parse(const uint8_t *p, size_t len, const uint8_t **payload, size_t *plen)
{
	size_t ihl, tlen, ulen;

	if (len < 20 || (p[0] >> 4) != 4)
		return -EINVAL;
	ihl = (size_t)(p[0] & 15) * 4;
	tlen = (size_t)(p[2] << 8 | p[3]);
	if (ihl < 20 || tlen < ihl + 8 || tlen > len)
		return -EINVAL;
	/* DHCP replies are never fragmented in practice; refuse fragments
	 * rather than reassemble (MF flag or a fragment offset) */
	if ((p[6] & 0x3f) != 0 || p[7] != 0)
		return -EINVAL;
	if (p[9] != 17)
		return -EINVAL;
	p += ihl;
	len = tlen - ihl;
	ulen = (size_t)(p[4] << 8 | p[5]);
	if (ulen < 8 || ulen > len)
		return -EINVAL;
	if (p[2] != 0 || p[3] != 68)
		return -EINVAL;
	*payload = p + 8;
	*plen = ulen - 8;
	return 0;
}

/* Host names (RFC 1123 §2.1) and domains: letters, digits, '-', '.', '_'. */
static bool
copy_name(char *dst, size_t dstsz, const uint8_t *s, size_t n)
{
	size_t i;

	while (n > 0 && s[n - 1] == '\0')
		n--;	/* some servers NUL-terminate */
	if (n == 0 || n >= dstsz || s[0] == '-' || s[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		uint8_t c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'))
			return false;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

/* Root path: printable ASCII, no spaces (it becomes mount(2) text). */
static bool
copy_path(char *dst, size_t dstsz, const uint8_t *s, size_t n)
{
	size_t i;

	while (n > 0 && s[n - 1] == '\0')
		n--;
	if (n == 0 || n >= dstsz)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] <= ' ' || s[i] >= 0x7f)
			return false;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

/*
 * Walks one options area with a cursor and a remaining count: every
 * option needs 2 bytes of header and then its full length before it is
 * read. Repeated options: the first one wins (RFC 3396 concatenation is not
 * implemented; none of the options we use needs 255+ bytes in practice).
 */
static int
parse_options(const uint8_t *p, size_t len, struct dhcp_lease *l, uint8_t *overload)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = p[i], olen;
		const uint8_t *v;

		if (code == OPT_PAD) {
			i++;
			continue;
		}
		if (code == OPT_END)
			return 0;
		if (len - i < 2)
			return -EINVAL;
		olen = p[i + 1];
		if (len - i - 2 < olen)
			return -EINVAL;
		v = p + i + 2;
		i += 2 + (size_t)olen;
		switch (code) {
		case OPT_MSGTYPE:
			if (olen != 1 || l->type != 0)
				return -EINVAL;
			l->type = v[0];
			break;
		case OPT_MASK:
			if (olen != 4) {
				l->rejected++;
				break;
			}
			if (l->has_netmask)
				break;
			memcpy(&l->netmask, v, 4);
			l->has_netmask = true;
			break;
		case OPT_ROUTER:
			/* RFC 2132 §3.5: a list, minimum length 4, multiple of 4 */
			if (olen < 4 || olen % 4 != 0) {
				l->rejected++;
				break;
			}
			if (l->router.s_addr == INADDR_ANY)
				memcpy(&l->router, v, 4);
			break;
		case OPT_DNS:
			if (olen < 4 || olen % 4 != 0) {
				l->rejected++;
				break;
			}
			for (size_t k = 0; k + 4 <= olen && l->n_dns < CMDLINE_DNS_MAX; k += 4)
				memcpy(&l->dns[l->n_dns++], v + k, 4);
			break;
		case OPT_HOSTNAME:
			if (l->hostname[0] == '\0' &&
				!copy_name(l->hostname, sizeof(l->hostname), v, olen))
				l->rejected++;
			break;
		case OPT_DOMAIN:
			if (l->domain[0] == '\0' && !copy_name(l->domain, sizeof(l->domain), v, olen))
				l->rejected++;
			break;
		case OPT_ROOTPATH:
			if (l->root_path[0] == '\0' &&
				!copy_path(l->root_path, sizeof(l->root_path), v, olen))
				l->rejected++;
			break;
		case OPT_MTU:
			if (olen != 2) {
				l->rejected++;
				break;
			}
			if (l->mtu != 0)
				break;
			l->mtu = (uint16_t)(v[0] << 8 | v[1]);
			if (l->mtu < 68) {
				l->mtu = 0;
				l->rejected++;
			}
			break;
		case OPT_LEASE:
			if (olen != 4) {
				l->rejected++;
				break;
			}
			if (l->lease_time == 0)
				l->lease_time = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
				(uint32_t)v[2] << 8 | v[3];
			break;
		case OPT_SERVERID:
			if (olen != 4) {
				l->rejected++;
				break;
			}
			if (l->server_id.s_addr == INADDR_ANY)
				memcpy(&l->server_id, v, 4);
			break;
		case OPT_OVERLOAD:
			/* RFC 2132 §9.3: 1 file, 2 sname, 3 both */
			if (olen != 1 || v[0] < 1 || v[0] > 3)
				return -EINVAL;
			if (overload != NULL)
				*overload = v[0];
			break;
		default:
			break;
		}
	}
	/* RFC 2131 §4.1: options end with the end option; a missing one is
	 * tolerated (seen from old relays) since every option was complete */
	return 0;
}

int
dhcp_parse_reply(const uint8_t *p, size_t len, uint32_t xid, const uint8_t mac[6],
	struct dhcp_lease *out)
{
	uint8_t overload = 0;
	uint32_t nxid = htonl(xid);

	memset(out, 0, sizeof(*out));
	if (len < DHCP_OPTIONS_OFF)
		return -EINVAL;
	if (p[OFF_OP] != 2 || p[OFF_HTYPE] != 1 || p[OFF_HLEN] != 6)
		return -ENOENT;
	if (memcmp(p + OFF_XID, &nxid, 4) != 0 || memcmp(p + OFF_CHADDR, mac, 6) != 0)
		return -ENOENT;
	if (memcmp(p + DHCP_FIXED_LEN, magic, 4) != 0)
		return -EINVAL;	/* plain BOOTP: not for us */
	memcpy(&out->yiaddr, p + OFF_YIADDR, 4);
	memcpy(&out->siaddr, p + OFF_SIADDR, 4);
	if (parse_options(p + DHCP_OPTIONS_OFF, len - DHCP_OPTIONS_OFF, out, &overload) < 0)
		return -EINVAL;
	/* RFC 2131 §4.1: with overload, 'file' is read first, then 'sname' */
	if ((overload & 1) &&
		parse_options(p + OFF_FILE, 128, out, NULL) < 0)
		return -EINVAL;
	if ((overload & 2) &&
		parse_options(p + OFF_SNAME, 64, out, NULL) < 0)
		return -EINVAL;
	switch (out->type) {
	case DHCPOFFER:
	case DHCPACK:
		/* an address we could actually use: not 0.0.0.0, not multicast
		 * or broadcast */
		if (out->yiaddr.s_addr == INADDR_ANY ||
			(ntohl(out->yiaddr.s_addr) & 0xf0000000u) >= 0xe0000000u)
			return -EINVAL;
		return 0;
	case DHCPNAK:
		return 0;
	default:
		return -EINVAL;
	}
}
